"""Exports and statistics are the organizers' of that contest alone; archiving freezes the results; retention
deletes non-winning originals after the set days and tells their entrants."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.storage import storages
from django.urls import reverse
from django.utils import timezone

from accounts.services import delete_account
from contest.models import Registration
from results import services
from results.enums import NotificationKind
from results.models import Notification
from submissions.models import MediaAsset
from tests.results.helpers import add_rendition, award_and_verify, judged_contest

pytestmark = pytest.mark.django_db


def rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_an_organizer_of_another_contest_gets_404_for_every_export_of_this_one(client):
    ours = judged_contest(steps=["normalised_mean"])
    theirs = judged_contest(steps=["normalised_mean"])
    client.force_login(theirs.organizer)
    for name in ("export_entries", "export_scores", "export_awards", "statistics", "manage"):
        assert client.get(reverse(f"results:{name}", args=[ours.contest.slug])).status_code == 404, name
        assert client.get(reverse(f"results:{name}", args=[theirs.contest.slug])).status_code == 200, name
    # Changing the filters does not reach another contest's entries either.
    response = client.get(reverse("results:export_entries", args=[theirs.contest.slug]),
                          {"theme": ours.contest.themes.first().pk})
    assert rows(response)[1:] == []


def test_the_entries_export_is_filtered_and_the_scores_export_has_every_score_of_every_round(client):
    made = judged_contest(steps=["normalised_mean"])
    made.entries[1].entrant.country = "KE"
    made.entries[1].entrant.save()
    client.force_login(made.organizer)
    entries = rows(client.get(reverse("results:export_entries", args=[made.contest.slug]), {"country": "ke"}))
    assert [row[0] for row in entries[1:]] == [made.entries[1].reference]
    scores = rows(client.get(reverse("results:export_scores", args=[made.contest.slug])))
    assert len(scores) == 1 + 4 * 3 and scores[1][0] == "Jury round"


def test_the_statistics_page_counts_entries_and_entrants_in_tables_with_bars(client):
    made = judged_contest(steps=["normalised_mean"])
    client.force_login(made.organizer)
    html = client.get(reverse("results:statistics", args=[made.contest.slug])).content.decode()
    assert "Entries by theme" in html and "Entrants by age band" in html and "<meter" in html
    assert "21–23" in html or "24–26" in html  # the factory's entrants are 22


def test_a_person_who_deletes_their_account_still_counts_among_the_registrations(client):
    made = judged_contest(steps=["normalised_mean"])
    now = timezone.now()
    for number, entry in enumerate(made.entries):
        Registration.objects.create(
            contest=made.contest, user=entry.entrant, status="eligible" if number else "awaiting_guardian",
            rules_version=1, accepted_rules_at=now, accepted_privacy_at=now, accepted_processing_at=now,
        )
    client.force_login(made.organizer)
    url = reverse("results:statistics", args=[made.contest.slug])
    registered = Registration.objects.filter(contest=made.contest).count()
    eligible = Registration.objects.filter(contest=made.contest, status="eligible").count()
    before = f"{registered} registrations, {eligible} eligible."
    assert before in client.get(url).content.decode()

    delete_account(user=made.entries[1].entrant, now=timezone.now())
    assert Registration.objects.filter(contest=made.contest).count() == registered - 1
    assert before in client.get(url).content.decode()


def test_an_archived_contest_refuses_changes_and_retention_deletes_only_non_winning_originals(
    django_capture_on_commit_callbacks,
):
    made = judged_contest(steps=["normalised_mean"])
    add_rendition(made.entries[0])
    loser = add_rendition(made.entries[2]).asset
    award_and_verify(made)
    now = timezone.now()
    services.change_settings(contest=made.contest, shortlist_size=1, include_feedback=False, retention_days=30,
                             by=made.organizer, now=now)
    at = now + timedelta(minutes=1)
    services.schedule_announcement(contest=made.contest, at=at, by=made.organizer, now=now)
    services.announce(contest_id=made.contest.pk, now=at)

    assert services.delete_non_winning_originals(contest=made.contest, now=at + timedelta(days=29)) == 0
    name = loser.file.name
    rendition = loser.renditions.get().file.name
    with django_capture_on_commit_callbacks(execute=True):  # the objects go once the rows have
        assert services.delete_non_winning_originals(contest=made.contest, now=at + timedelta(days=31)) == 1
    assert not storages["private"].exists(name)
    assert not storages["private"].exists(rendition) and not loser.renditions.exists(), "its renditions go too"
    assert MediaAsset.objects.get(entry=made.entries[0]).file, "the winner's original stays"
    assert Notification.objects.filter(kind=NotificationKind.RETENTION,
                                       recipient=made.entries[2].entrant).count() == 1
    assert services.delete_non_winning_originals(contest=made.contest, now=at + timedelta(days=40)) == 0

    services.archive_contest(contest=made.contest, by=made.organizer, now=at)
    with pytest.raises(services.ResultsRefused, match="archived"):
        services.change_settings(contest=made.contest, shortlist_size=1, include_feedback=False,
                                 retention_days=None, by=made.organizer, now=at)
    with pytest.raises(services.ResultsRefused):
        services.give_award(contest=made.contest, entry=made.entries[1], kind="honourable", by=made.organizer,
                            now=at)


def test_the_statistics_page_names_themes_and_categories_in_the_pages_language(client):
    made = judged_contest(steps=["normalised_mean"])
    theme, category = made.entries[0].theme, made.entries[0].category
    theme.title_ar, theme.title_zh_hans = "الضحايا والناجون", "受害者和幸存者"
    theme.save()
    category.title_ar = "فيديو"
    category.save()
    client.force_login(made.organizer)
    arabic = client.get(f"/ar/contests/{made.contest.slug}/results/manage/statistics/").content.decode()
    assert '<th scope="row">الضحايا والناجون</th>' in arabic and '<th scope="row">فيديو</th>' in arabic
    assert f'<th scope="row">{theme.title_en}</th>' not in arabic
    chinese = client.get(f"/zh-hans/contests/{made.contest.slug}/results/manage/statistics/").content.decode()
    assert '<th scope="row">受害者和幸存者</th>' in chinese
    # Without a translation the English name stands in.
    assert f'<th scope="row">{category.title_en}</th>' in chinese
