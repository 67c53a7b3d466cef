"""Nobody but the organizers sees any result before the announcement: every results address (pages, CSV,
pictures, files) is a 404 for judges, entrants and the public; afterwards the gallery shows the winner."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from results import services
from results.models import PublishedFile
from tests.factories import UserFactory
from tests.results.helpers import add_rendition, award_and_verify, judged_contest

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheduled():
    made = judged_contest(steps=["normalised_mean", "criterion_mean"], name_criterion=True)
    winner = made.entries[0]
    poster = add_rendition(winner)
    award_and_verify(made)
    at = timezone.now() + timedelta(hours=2)
    services.schedule_announcement(contest=made.contest, at=at, by=made.organizer, now=timezone.now())
    return made, winner, poster, at


def results_urls(made, winner, poster) -> list[str]:
    slug = made.contest.slug
    return [
        reverse("results:gallery", args=[slug]),
        reverse("results:exhibition", args=[slug]),
        reverse("results:exhibition_picture", args=[slug, poster.pk]),
        reverse("results:my_result", args=[slug]),
        reverse("results:certificate", args=[slug, winner.pk]),
        reverse("results:export_entries", args=[slug]),
        reverse("results:export_scores", args=[slug]),
        reverse("results:export_awards", args=[slug]),
        reverse("results:statistics", args=[slug]),
        reverse("results:manage", args=[slug]),
        "/media/" + poster.file.name,  # where a published file would be, were it public already
        reverse("judging:results", args=[made.round.pk]),  # the round's own results, for organizers alone
    ]


def test_before_the_announcement_every_results_address_is_404_for_judges_entrants_and_the_public(client, scheduled):
    made, winner, poster, _at = scheduled
    people = {"anonymous": None, "judge": made.judges[0], "winner": winner.entrant,
              "another entrant": made.entries[3].entrant, "stranger": UserFactory()}
    for who, person in people.items():
        client.logout()
        if person is not None:
            client.force_login(person)
        for url in results_urls(made, winner, poster):
            response = client.get(url)
            # The sign-in page is not a leak, but an answer from the page itself must be a 404.
            if person is None and response.status_code == 302:
                assert "/accounts/login/" in response["Location"], (who, url)
                continue
            assert response.status_code == 404, f"{who} got {response.status_code} for {url}"
    assert not PublishedFile.objects.exists(), "nothing is public before the time"
    assert mail.outbox == [], "no email has left"

    # The organizer sees the preview and the exports.
    client.force_login(made.organizer)
    assert "Preview for organizers" in client.get(reverse("results:gallery", args=[made.contest.slug])).content.decode()
    assert client.get(reverse("results:export_awards", args=[made.contest.slug])).status_code == 200


def test_an_early_run_of_the_task_does_nothing_and_at_the_time_the_gallery_shows_in_english_and_arabic(client,
                                                                                                  scheduled):
    made, winner, poster, at = scheduled
    assert services.announce(contest_id=made.contest.pk, now=at - timedelta(minutes=1)) is False
    assert client.get(reverse("results:gallery", args=[made.contest.slug])).status_code == 404

    assert services.announce(contest_id=made.contest.pk, now=at + timedelta(seconds=1)) is True
    assert services.announce(contest_id=made.contest.pk, now=at + timedelta(seconds=2)) is False, "once"
    made.contest.refresh_from_db()
    assert made.contest.status == "announced"

    page = client.get(reverse("results:gallery", args=[made.contest.slug]))
    html = page.content.decode()
    assert page.status_code == 200
    assert winner.title in html and "A film that makes the case." in html and "What I made and why." in html
    assert 'property="og:title"' in html and 'property="og:image"' in html
    published = PublishedFile.objects.get(rendition=poster)
    assert published.file.url in html
    assert client.get(published.file.url).status_code == 200, "the winner's poster is public now"

    arabic = client.get(f"/ar/contests/{made.contest.slug}/winners/").content.decode()
    assert 'dir="rtl"' in arabic and "فيلم يقنع." in arabic

    # Still private: other entries' files, and the exports for anyone but organizers.
    client.force_login(made.judges[0])
    assert client.get(reverse("results:export_entries", args=[made.contest.slug])).status_code == 404
    client.force_login(winner.entrant)
    assert client.get(reverse("results:my_result", args=[made.contest.slug])).status_code == 200
    certificate = client.get(reverse("results:certificate", args=[made.contest.slug, winner.pk]))
    assert certificate.status_code == 200 and certificate["Content-Type"] == "application/pdf"
    client.force_login(made.entries[3].entrant)
    assert client.get(reverse("results:certificate", args=[made.contest.slug, winner.pk])).status_code == 404


def test_a_change_to_the_awards_after_scheduling_takes_the_announcement_off_the_calendar(scheduled):
    made, _winner, _poster, at = scheduled
    services.give_award(contest=made.contest, entry=made.entries[1], kind="honourable", by=made.organizer,
                        now=timezone.now())
    assert services.selectors.results_for(made.contest).announce_at is None
    assert services.announce(contest_id=made.contest.pk, now=at + timedelta(minutes=1)) is False
    with pytest.raises(services.ResultsRefused, match="Verify every awarded entrant"):
        services.schedule_announcement(contest=made.contest, at=at, by=made.organizer, now=timezone.now())


def test_the_gallery_reads_a_constant_number_of_queries(client, scheduled, django_assert_max_num_queries):
    made, _winner, _poster, at = scheduled
    for index in (1, 2, 3):
        services.give_award(contest=made.contest, entry=made.entries[index], kind="honourable",
                            by=made.organizer, now=timezone.now(), texts={"citation_en": f"Mention {index}"})
        services.verify_winner(entry=made.entries[index], identity_checked=True, age_checked=True,
                               publish_name=True, publish_country=False, note="", by=made.organizer,
                               now=timezone.now())
    services.schedule_announcement(contest=made.contest, at=at, by=made.organizer, now=timezone.now())
    services.announce(contest_id=made.contest.pk, now=at)
    with django_assert_max_num_queries(12):
        html = client.get(reverse("results:gallery", args=[made.contest.slug])).content.decode()
    assert html.count('class="award-card"') == 4
