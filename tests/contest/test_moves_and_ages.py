"""State moves go through their services and leave an audit event; the admin cannot set a state by hand; a contest
that counts the age on the day of submitting decides it on that day."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from contest import audit
from contest.enums import AgeReference, ContestStatus
from contest.models import AuditEvent, Contest, EligibilityCheck, Registration
from contest.services import change_contest_status
from results import services as results
from submissions import services
from tests.factories import UserFactory, years_before
from tests.submissions.test_entries import draft, essay_contest, registered

pytestmark = pytest.mark.django_db


def test_every_move_of_an_entry_and_of_its_contest_is_an_audit_event_and_the_chain_holds():
    contest = essay_contest(status=ContestStatus.DRAFT)
    organizer = UserFactory(is_staff=True)
    now = timezone.now()
    change_contest_status(contest=contest, to=ContestStatus.OPEN, by=organizer, now=now)
    entrant = registered(contest)
    entry = draft(contest, entrant)
    services.submit_entry(entry=entry, now=now)
    services.unsubmit_entry(entry=entry, now=now)
    services.submit_entry(entry=entry, now=now)
    second = draft(contest, entrant, title="Another")
    services.withdraw_entry(entry=second, now=now)
    change_contest_status(contest=contest, to=ContestStatus.CLOSED, by=organizer, now=now)

    events = list(AuditEvent.objects.filter(contest=contest).order_by("sequence"))
    assert [(e.action, e.object_type) for e in events] == [
        ("contest.open", "contest"),
        ("entry.submitted", "entry"),
        ("entry.unsubmitted", "entry"),
        ("entry.submitted", "entry"),
        ("entry.withdrawn", "entry"),
        ("contest.closed", "contest"),
    ]
    assert events[0].before == {"status": "draft", "closed_at": None} and events[0].after["status"] == "open"
    assert events[2].before["status"] == "submitted" and events[2].after["status"] == "draft"
    assert events[1].actor == entrant and events[0].actor == organizer
    assert events[-1].after["closed_at"] is not None
    assert audit.verify() == (len(AuditEvent.objects.all()), None)


def test_archiving_is_the_contests_own_audited_move_and_freezes_it():
    contest = essay_contest(status=ContestStatus.ANNOUNCED)
    organizer = UserFactory(is_staff=True)
    results.ContestResults.objects.create(contest=contest, announced_at=timezone.now())

    results.archive_contest(contest=contest, by=organizer, now=timezone.now())

    contest.refresh_from_db()
    assert contest.status == ContestStatus.ARCHIVED
    assert AuditEvent.objects.filter(contest=contest, action="contest.archived", actor=organizer).count() == 1
    with pytest.raises(results.ResultsRefused, match="archived"):
        results.change_settings(contest=contest, shortlist_size=5, include_feedback=False, retention_days=None,
                                by=organizer, now=timezone.now())


def test_the_admin_shows_a_contests_state_but_cannot_set_it_and_offers_the_moves(client):
    contest = essay_contest(status=ContestStatus.DRAFT)
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    change = f"/en/admin/contest/contest/{contest.pk}/change/"
    page = client.get(change).content.decode()
    assert 'name="status"' not in page and "Draft" in page

    form = client.get(change).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and not isinstance(value, list)}
    client.post(change, {**data, "status": ContestStatus.ANNOUNCED})
    assert Contest.objects.get(pk=contest.pk).status == ContestStatus.DRAFT

    answer = client.post("/en/admin/contest/contest/", {"action": "open_for_entries", "_selected_action": [contest.pk]},
                         follow=True)
    assert Contest.objects.get(pk=contest.pk).status == ContestStatus.OPEN
    assert "Contests opened: 1." in answer.content.decode()
    client.post("/en/admin/contest/contest/", {"action": "start_judging", "_selected_action": [contest.pk]})
    assert Contest.objects.get(pk=contest.pk).status == ContestStatus.OPEN  # open → judging is not a move
    assert list(AuditEvent.objects.filter(contest=contest).values_list("action", "actor")) == [
        ("contest.open", staff.pk)
    ]


def test_an_entrant_who_turns_30_between_registering_and_submitting_is_refused_on_submitting_with_the_reason():
    today = timezone.localdate()
    contest = essay_contest(
        age_reference=AgeReference.SUBMISSION, min_age=18, max_age=29, time_zone="UTC",
        opens_at=timezone.now() - timedelta(days=10), closes_at=timezone.now() + timedelta(days=30),
    )
    # 30 in three days.
    entrant = registered(contest, date_of_birth=years_before(today + timedelta(days=3), 30))
    assert Registration.objects.get(user=entrant).status == "eligible"
    entry = draft(contest, entrant)
    later = timezone.now() + timedelta(days=5)

    with pytest.raises(services.EntryRefused) as refused:
        services.submit_entry(entry=entry, now=later)

    day = later.date()
    assert refused.value.messages == [f"Entrants must be 18–29 on {date_format(day)}. Today you are 30."]
    entry.refresh_from_db()
    assert entry.status == "draft"
    kept = EligibilityCheck.objects.filter(registration__user=entrant).latest()
    assert (kept.reason, kept.eligible, kept.age, kept.reference_day) == ("submitted", False, 30, day)
    assert Registration.objects.get(user=entrant).status == "ineligible"


def test_the_day_of_submitting_counts_in_the_contests_zone():
    """At 23:30 in UTC it is already the next day in Tokyo: the birthday there makes the entrant 30."""
    contest = essay_contest(age_reference=AgeReference.SUBMISSION, max_age=29, time_zone="Asia/Tokyo")
    submitting = timezone.now().replace(hour=23, minute=30, second=0, microsecond=0) + timedelta(days=2)
    tokyo_day = (submitting + timedelta(hours=9)).date()
    entrant = registered(contest, date_of_birth=years_before(tokyo_day, 30))
    entry = draft(contest, entrant)

    with pytest.raises(services.EntryRefused, match="Today you are 30"):
        services.submit_entry(entry=entry, now=submitting)

    assert EligibilityCheck.objects.filter(registration__user=entrant).latest().decided_on == tokyo_day


def test_other_references_keep_the_decision_taken_at_registration():
    contest = essay_contest(age_reference=AgeReference.CLOSING, max_age=29)
    entrant = registered(contest)
    entry = draft(contest, entrant)
    before = EligibilityCheck.objects.count()

    services.submit_entry(entry=entry, now=timezone.now())

    assert EligibilityCheck.objects.count() == before
