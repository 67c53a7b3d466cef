"""The organizer's pages over HTTP: screening, rounds, invitations, assignment, progress, results, audit."""

import json
import re

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.utils import timezone

from contest.models import AuditEvent
from judging import services
from judging.enums import IneligibleReason, RoundState, ScreeningOutcome
from judging.models import Assignment, JudgeProfile, PanelMember, Round, RoundEntry, ScreeningDecision
from submissions.enums import AIUse, AttachmentKind, EntryStatus
from submissions.models import Attachment, Entry, MediaAsset
from tests.factories import UserFactory
from tests.judging.factories import EntryFactory, jury, make_judge
from tests.judging.works import with_image
from tests.pages import text

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% a signed release form\n%%EOF\n"


def test_screening_shows_the_automatic_flags_and_records_a_decision_told_on_release(
    client, django_capture_on_commit_callbacks
):
    j = jury(entries=2, judges=1, k=1, open_round=False, assign=False)
    ScreeningDecision.objects.all().delete()
    first, second = j.entries
    first.ai_use = AIUse.GENERATED
    first.save()
    with_image(first)
    twin = with_image(second)
    MediaAsset.objects.filter(pk=twin.pk).update(sha256=first.assets.get().sha256)  # the same file sent twice
    second.entrant.preferred_language = "es"
    second.entrant.save()
    client.force_login(j.organizer)
    page = text(client.get(f"/en/judging/manage/{j.contest.slug}/screening/"))
    assert "The entrant declared the use of AI tools." in page
    assert page.count("The same file was sent in with another entry.") == 2
    answer = client.post(
        f"/en/judging/manage/{j.contest.slug}/screening/{second.pk}/",
        {f"e{second.pk}-outcome": "ineligible", f"e{second.pk}-reason": "other", f"e{second.pk}-note": ""},
    )
    assert answer.status_code == 302
    assert not ScreeningDecision.objects.filter(entry=second).exists()
    assert "Write the reason in the note" in text(client.get(answer["Location"]))
    client.post(
        f"/en/judging/manage/{j.contest.slug}/screening/{second.pk}/",
        {f"e{second.pk}-outcome": "ineligible", f"e{second.pk}-reason": IneligibleReason.DUPLICATE},
    )
    client.post(f"/en/judging/manage/{j.contest.slug}/screening/{first.pk}/", {f"e{first.pk}-outcome": "eligible"})
    assert ScreeningDecision.objects.get(entry=second).outcome == ScreeningOutcome.INELIGIBLE
    assert "2 decisions are ready to be emailed to their entrants." in text(
        client.get(f"/en/judging/manage/{j.contest.slug}/screening/")
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/en/judging/manage/{j.contest.slug}/screening/release/")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.entrant.email, second.entrant.email])
    assert ScreeningDecision.objects.filter(released_at__isnull=False).count() == 2
    # Nothing left to tell: no "0 decisions", no release button.
    after = text(client.get(f"/en/judging/manage/{j.contest.slug}/screening/"))
    assert "ready to be emailed" not in after and "Release the results" not in after


def test_a_decision_deep_in_the_list_brings_the_organizer_back_to_the_next_entry_not_to_the_first_page(client):
    j = jury(entries=14, judges=1, k=1, open_round=False, assign=False)
    ScreeningDecision.objects.all().delete()
    entries = sorted(j.entries, key=lambda entry: entry.pk)
    client.force_login(j.organizer)
    listing = f"/en/judging/manage/{j.contest.slug}/screening/"
    first_page = client.get(listing + "?undecided=1").content.decode()
    assert f'id="entry-{entries[9].pk}"' in first_page and f'id="entry-{entries[10].pk}"' not in first_page
    eleventh = entries[10]
    answer = client.post(f"{listing}{eleventh.pk}/", {f"e{eleventh.pk}-outcome": "eligible", "undecided": "1"})
    assert answer.status_code == 302
    page = client.get(answer["Location"])
    shown = [int(pk) for pk in re.findall(r'<li class="screening-item" id="entry-(\d+)"', page.content.decode())]
    # The entry just decided has left the list of those not decided; the next ones follow, none of the first ten.
    assert shown == [entry.pk for entry in entries[11:]]
    assert "decision saved" in text(page) and "Back to the first entries" in text(page)


def test_screening_lists_each_entrys_signed_release_forms_for_the_organizer_alone_to_open(client):
    j = jury(entries=2, judges=1, k=1, open_round=False, assign=False)
    with_forms, without = j.entries
    form_file = Attachment(entry=with_forms, kind=AttachmentKind.RELEASE_FORM, original_name="grandmother-consent.pdf",
                           size=len(PDF))
    form_file.file.save(f"attachments/{with_forms.reference}/consent.pdf", ContentFile(PDF), save=False)
    form_file.save()

    client.force_login(j.organizer)
    page = client.get(f"/en/judging/manage/{j.contest.slug}/screening/").content.decode()
    with_forms_part = page[page.index(f'id="entry-{with_forms.pk}"') : page.index(f'id="entry-{without.pk}"')]
    assert "grandmother-consent.pdf" in with_forms_part
    assert "None sent." in page[page.index(f'id="entry-{without.pk}"') :]
    link = re.search(r'href="([^"]+/attachments/\d+/)"', with_forms_part).group(1)
    download = client.get(link)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment")

    client.force_login(j.judges[0])
    assert client.get(link).status_code == 404  # judges never see who is shown in a work


def test_an_organizer_creates_a_round_with_criteria_opens_closes_and_reopens_it(client):
    j = jury(entries=2, judges=2, k=1, open_round=False, assign=False)
    client.force_login(j.organizer)
    answer = client.post(
        f"/en/judging/manage/{j.contest.slug}/rounds/new/",
        {
            "name_en": "Final round",
            "blind": "on",
            "judges_per_entry": 2,
            "disagreement_threshold": "2.5",
            "opens_at": "2030-01-10T09:00",
            "closes_at": "2030-01-01T09:00",
        },
    )
    assert answer.status_code == 400
    assert "The closing time must be after the opening time." in text(answer)
    answer = client.post(
        f"/en/judging/manage/{j.contest.slug}/rounds/new/",
        {
            "name_en": "Final round",
            "blind": "on",
            "judges_per_entry": 2,
            "disagreement_threshold": "2.5",
            "opens_at": "",
            "closes_at": "2030-01-10T18:00",
        },
    )
    final = Round.objects.get(name="Final round")
    assert answer["Location"] == f"/en/judging/manage/rounds/{final.pk}/"
    # Times are typed in the contest's zone (Europe/Zurich: UTC+1 in January).
    assert final.closes_at.isoformat() == "2030-01-10T17:00:00+00:00"
    answer = client.post(
        f"/en/judging/manage/rounds/{final.pk}/",
        {
            "form": "criterion",
            "criterion-name_en": "Impact",
            "criterion-guidance_en": "Does it move you?",
            "criterion-name_fr": "Impact",
            "criterion-guidance_fr": "Est-ce que l'œuvre vous touche ?",
            "criterion-weight": "3",
            "criterion-scale_min": 1,
            "criterion-scale_max": 5,
        },
    )
    assert answer.status_code == 302
    page = text(client.get(f"/en/judging/manage/rounds/{final.pk}/"))
    assert "Impact" in page and "Does it move you?" in page and "1–5" in page
    assert "Est-ce que l'œuvre vous touche ?" in text(client.get(f"/fr/judging/manage/rounds/{final.pk}/"))

    round_ = j.round
    client.post(f"/en/judging/manage/rounds/{round_.pk}/state/open/")
    round_.refresh_from_db()
    assert round_.state == RoundState.OPEN
    assert RoundEntry.objects.filter(round=round_).count() == 2  # every eligible entry
    client.post(f"/en/judging/manage/rounds/{round_.pk}/state/close/")
    answer = client.post(f"/en/judging/manage/rounds/{round_.pk}/state/reopen/", {"reason": ""})
    assert "Say why the round reopens" in text(client.get(answer["Location"]))
    client.post(f"/en/judging/manage/rounds/{round_.pk}/state/reopen/", {"reason": "A judge was ill"})
    round_.refresh_from_db()
    assert (round_.state, round_.reopened_count) == (RoundState.OPEN, 1)


def test_a_judge_invited_by_email_creates_an_account_gives_details_and_joins_the_panel(
    client, django_capture_on_commit_callbacks
):
    j = jury(entries=2, judges=1, k=1, open_round=False, assign=False)
    client.force_login(j.organizer)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            f"/en/judging/manage/rounds/{j.round.pk}/panel/",
            {"action": "invite", "invite-email": "new.judge@voices.example", "invite-language": "fr"},
        )
    assert answer.status_code == 302
    link = re.search(r"http://\S+/judging/invitation/\S+/", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    client.logout()
    page = text(client.get(f"/{path}"))
    assert "Create an account" in page
    newcomer = UserFactory(email="new.judge@voices.example")
    client.force_login(newcomer)
    answer = client.post(f"/{path}", {"country": "KE", "organisation": "Red Cross"})
    assert answer.status_code == 302 and answer["Location"] == f"/en/judging/contests/{j.contest.slug}/details/"
    profile = JudgeProfile.objects.get(judge=newcomer)
    assert (str(profile.country), profile.organisation) == ("KE", "Red Cross")
    assert PanelMember.objects.filter(round=j.round, judge=newcomer, left_at__isnull=True).exists()
    # A declared conflict: the same answer whether or not the person entered.
    entrant = j.entries[0].entrant
    for email in (entrant.email, "nobody@voices.example"):
        answer = client.post(
            f"/en/judging/contests/{j.contest.slug}/details/", {"form": "conflict", "email": email, "note": "my cousin"}
        )
        assert answer.status_code == 302
    assert newcomer.conflicts.get().entrant == entrant
    assert "You have named 1 person." in text(client.get(answer["Location"]))
    assert client.get("/en/judging/invitation/not-a-real-token/").status_code == 404


def test_automatic_assignment_explains_entries_that_cannot_be_covered(client):
    j = jury(entries=2, judges=2, k=2, assign=False)
    conflicted = j.entries[0]
    services.declare_conflict(
        contest=j.contest, judge=j.judges[0], by=j.organizer, now=timezone.now(), entrant=conflicted.entrant
    )
    client.force_login(j.organizer)
    answer = client.post(f"/en/judging/manage/rounds/{j.round.pk}/panel/", {"action": "assign"})
    page = text(answer)
    assert "3 assignments made." in page
    assert "1 entry cannot have all its judges:" in page
    assert conflicted.reference in page
    assert "It has 1 of the 2 judges it needs; the panel has 2 judges." in page
    assert "declared by the judge" in page
    assert "Add judges to the panel, or lower the number of judges per entry." in page


def test_manual_assignment_and_a_judge_dropping_out(client):
    j = jury(entries=4, judges=2, k=1)
    extra = make_judge(j.contest, full_name="Late Joiner")
    client.force_login(j.organizer)
    client.post(f"/en/judging/manage/rounds/{j.round.pk}/panel/", {"action": "add", "judge": extra.pk})
    entry = j.entries[0]
    answer = client.post(
        f"/en/judging/manage/rounds/{j.round.pk}/panel/",
        {"action": "manual", "entry": entry.reference, "judge": extra.pk},
    )
    assert answer.status_code == 302
    held = Assignment.objects.get(round=j.round, entry=entry, judge=extra)
    assert extra.full_name in text(client.get(f"/en/judging/manage/rounds/{j.round.pk}/entries/{entry.pk}/"))
    # Taken from the judge again on the entry's page.
    client.post(f"/en/judging/manage/rounds/{j.round.pk}/entries/{entry.pk}/", {"assignment": held.pk})
    assert not Assignment.objects.filter(pk=held.pk).exists()
    answer = client.post(
        f"/en/judging/manage/rounds/{j.round.pk}/panel/", {"action": "manual", "entry": "NOPE-1", "judge": extra.pk}
    )
    assert answer.status_code == 400 and "No entry of this contest has that reference." in text(answer)
    leaving = j.judges[0]
    client.post(f"/en/judging/manage/rounds/{j.round.pk}/panel/", {"action": "remove", "judge": leaving.pk})
    assert not Assignment.objects.filter(round=j.round, judge=leaving).exists()
    assert all(Assignment.objects.filter(round=j.round, entry=e).exists() for e in j.entries)


def test_progress_by_judge_with_a_chart_and_reminders_to_those_behind(client, django_capture_on_commit_callbacks):
    j = jury(entries=4, judges=2, k=1)
    done, behind = j.judges
    behind.preferred_language = "fr"
    behind.save()
    for assignment in Assignment.objects.filter(round=j.round, judge=done):
        services.submit_score(
            assignment=assignment,
            values={str(c.pk): 5 for c in j.criteria},
            expected_version=0,
            by=done,
            now=timezone.now(),
        )
    client.force_login(j.organizer)
    page = text(client.get(f"/en/judging/manage/rounds/{j.round.pk}/progress/"))
    assert "2 of 2 scored" in page and "0 of 2 scored" in page
    assert '<rect class="chart__bar" x="0" y="0" width="100.0"' in page
    assert "1 judge still has scores to submit." in page
    band = r"<span>(\d+ scores? submitted(?: \(complete\))?)</span>\s*<span>(\d+ entr(?:y|ies))</span>"
    bands = re.findall(band, page)
    assert bands == [("0 scores submitted", "2 entries"), ("1 score submitted (complete)", "2 entries")]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/en/judging/manage/rounds/{j.round.pk}/progress/")
    assert [m.to for m in mail.outbox] == [[behind.email]]
    assert AuditEvent.objects.filter(action="round.reminded", after={"judges": [behind.pk]}).exists()
    assert "0" in mail.outbox[0].body and f"/fr/judging/rounds/{j.round.pk}/" in mail.outbox[0].body


def test_the_results_table_shows_both_ranks_and_the_top_two_advance(client):
    j = jury(entries=4, judges=2, k=2)
    now = timezone.now()
    final = services.create_round(contest=j.contest, data={"name": "Final"}, by=j.organizer, now=now)
    harsh, lenient = j.judges
    # The harsh judge gives 2–5, the lenient 6–9: both agree on the order.
    for judge, base in ((harsh, 2), (lenient, 6)):
        for offset, entry in enumerate(j.entries):
            assignment = Assignment.objects.get(round=j.round, judge=judge, entry=entry)
            services.submit_score(
                assignment=assignment,
                values={str(c.pk): base + offset for c in j.criteria},
                expected_version=0,
                by=judge,
                now=now,
            )
    client.force_login(j.organizer)
    page = text(client.get(f"/en/judging/manage/rounds/{j.round.pk}/results/"))
    for header in ("Rank (normalised)", "Rank (raw)", "Raw score", "Normalised score", "Scores", "Disagreement"):
        assert f">{header}</th>" in page
    references = re.findall(r'<th scope="row"><a [^>]+>([^<]+)</a>', page)
    assert references == [e.reference for e in reversed(j.entries)]
    assert "Judges differ by 4.0" in page
    answer = client.post(f"/en/judging/manage/rounds/{j.round.pk}/results/", {"to_round": final.pk, "top": 2})
    assert answer.status_code == 302
    assert set(RoundEntry.objects.filter(round=final).values_list("entry_id", flat=True)) == {
        j.entries[3].pk,
        j.entries[2].pk,
    }
    client.post(
        f"/en/judging/manage/rounds/{j.round.pk}/results/", {"to_round": final.pk, "entries": [j.entries[0].pk]}
    )
    assert RoundEntry.objects.filter(round=final).count() == 3


def test_the_audit_log_exports_as_csv_and_json(client):
    j = jury(entries=2, judges=1, k=1)
    client.force_login(j.organizer)
    answer = client.get(f"/en/judging/manage/{j.contest.slug}/audit.csv")
    assert answer["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="audit-' in answer["Content-Disposition"]
    body = b"".join(answer.streaming_content).decode()
    assert body.startswith("sequence,at,actor,action")
    assert "round.opened" in body
    events = json.loads(b"".join(client.get(f"/en/judging/manage/{j.contest.slug}/audit.json").streaming_content))
    assert [e["sequence"] for e in events] == sorted(e["sequence"] for e in events)
    assert {"round.created", "round.opened", "assignment.created"} <= {e["action"] for e in events}
    assert client.get(f"/en/judging/manage/{j.contest.slug}/audit.xml").status_code == 404


def test_every_organizer_page_renders_for_a_contest_with_work_in_progress(client):
    j = jury(entries=3, judges=2, k=2)
    EntryFactory(contest=j.contest)
    client.force_login(j.organizer)
    for path in (
        f"/en/judging/manage/{j.contest.slug}/",
        f"/ar/judging/manage/{j.contest.slug}/screening/",
        f"/en/judging/manage/{j.contest.slug}/rounds/new/",
        f"/ar/judging/manage/rounds/{j.round.pk}/",
        f"/en/judging/manage/rounds/{j.round.pk}/panel/",
        f"/en/judging/manage/rounds/{j.round.pk}/progress/",
        f"/ar/judging/manage/rounds/{j.round.pk}/results/",
        f"/en/judging/manage/rounds/{j.round.pk}/entries/{j.entries[0].pk}/",
    ):
        assert client.get(path).status_code == 200, path


def test_an_organizer_flags_an_entry_as_suspected_of_undisclosed_ai_use(client):
    j = jury(entries=1, judges=1, k=1, open_round=False, assign=False)
    entry = j.entries[0]
    client.force_login(j.organizer)
    screening = f"/en/judging/manage/{j.contest.slug}/screening/"
    client.post(f"{screening}{entry.pk}/ai/", {"suspected": "1", "note": "Hands with six fingers"})
    page = text(client.get(screening))
    assert "An organizer suspects AI use that was not declared: Hands with six fingers" in page
    assert f"Remove the AI flag from {entry.reference}" in page
    client.post(f"{screening}{entry.pk}/ai/", {"suspected": "0"})
    assert "An organizer suspects AI use" not in text(client.get(screening))
    assert AuditEvent.objects.filter(action="screening.ai_suspected").count() == 2


def test_the_screening_counts_leave_out_other_contests_and_a_withdrawn_entrys_decision(
    client, django_capture_on_commit_callbacks
):
    j = jury(entries=5, judges=1, k=1, open_round=False, assign=False)  # each entry decided eligible, not told
    jury(entries=2, judges=1, k=1, open_round=False, assign=False)  # another contest's decisions
    undecided, withdrawn, refused, eligible, taken_back = sorted(j.entries, key=lambda entry: entry.pk)
    Entry.objects.filter(pk=taken_back.pk).update(status=EntryStatus.DRAFT)  # taken back to a draft after it
    ScreeningDecision.objects.filter(entry=undecided).delete()
    services.decide_screening(entry=refused, outcome=ScreeningOutcome.INELIGIBLE, reason=IneligibleReason.OTHER,
                              note="The file is a trailer, not the work.", by=j.organizer, now=timezone.now())
    Entry.objects.filter(pk=withdrawn.pk).update(status=EntryStatus.WITHDRAWN)  # withdrawn after its decision
    client.force_login(j.organizer)
    listing = f"/en/judging/manage/{j.contest.slug}/screening/"
    response = client.get(listing)
    page = response.content.decode()
    assert "3 submitted entries." in text(response)
    # The decisions on the entries taken back wait: their entrants are not emailed about them.
    assert "2 decisions are ready to be emailed to their entrants." in text(response)
    assert "1 submitted entry." in text(client.get(listing + "?undecided=1"))
    # Each row's fields show the decision taken, under the names the decision form reads back.
    row = page[page.index(f'id="entry-{refused.pk}"'):]
    assert re.search(rf'name="e{refused.pk}-outcome" value="ineligible"[^>]* checked', row)
    assert re.search(rf'<select name="e{refused.pk}-reason"[^>]*>.*?value="other" selected', row, re.S)
    assert "The file is a trailer, not the work.</textarea>" in row
    with django_capture_on_commit_callbacks(execute=True):
        released = client.post(listing + "release/", follow=True)
    assert "2 entrants are being told the outcome." in text(released)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        entry.entrant.email for entry in (refused, eligible)
    )
    assert "decisions are ready" not in text(released)
