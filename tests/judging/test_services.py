"""Screening, rounds, panels, conflicts and advancing, through the services an organizer's or judge's page calls."""

import re
from collections import Counter

import pytest
from django.core import mail
from django.utils import timezone

from contest.models import AuditEvent
from judging import selectors, services
from judging.enums import ConflictKind, RoundState, ScreeningOutcome
from judging.models import Assignment, ConflictOfInterest, RoundEntry, ScreeningDecision
from judging.services import JudgingRefused

from .factories import EntryFactory, jury, make_judge, make_organizer

pytestmark = pytest.mark.django_db


def loads(round_):
    return Counter(Assignment.objects.filter(round=round_).values_list("judge_id", flat=True))


def coverage(round_):
    return Counter(Assignment.objects.filter(round=round_).values_list("entry_id", flat=True))


def test_screening_is_told_to_the_entrant_in_their_language_only_when_released(django_capture_on_commit_callbacks):
    entry = EntryFactory(entrant__preferred_language="es")
    organizer = make_organizer(entry.contest)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_screening(entry=entry, outcome=ScreeningOutcome.INELIGIBLE, reason="rights",
                                  note="La música no es libre.", by=organizer, now=now)
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        assert services.release_screening(contest=entry.contest, by=organizer, now=now) == 1
    [message] = mail.outbox
    assert message.to == [entry.entrant.email]
    assert entry.reference in message.subject
    assert "La música no es libre." in message.body
    assert ScreeningDecision.objects.get(entry=entry).released
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["screening.decided", "screening.released"]


def test_ineligible_needs_a_reason_and_other_needs_a_note():
    entry = EntryFactory()
    organizer = make_organizer(entry.contest)
    with pytest.raises(JudgingRefused, match="Choose the reason"):
        services.decide_screening(entry=entry, outcome="ineligible", by=organizer, now=timezone.now())
    with pytest.raises(JudgingRefused, match="Write the reason"):
        services.decide_screening(entry=entry, outcome="ineligible", reason="other", by=organizer,
                                  now=timezone.now())
    assert not ScreeningDecision.objects.exists()


def test_an_organizer_flags_suspected_undisclosed_ai_use_beside_the_entry():
    entry = EntryFactory()
    organizer = make_organizer(entry.contest)
    now = timezone.now()
    services.flag_ai_suspected(entry=entry, suspected=True, note="Hands with six fingers", by=organizer, now=now)
    [row] = selectors.screening_list(contest=entry.contest).items
    assert row.flags == ["An organizer suspects AI use that was not declared: Hands with six fingers"]
    services.flag_ai_suspected(entry=entry, suspected=False, by=organizer, now=now)
    [row] = selectors.screening_list(contest=entry.contest).items
    assert row.flags == []
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["screening.ai_suspected"] * 2


def test_the_first_round_takes_only_entries_screened_eligible():
    team = jury(entries=3, open_round=False, assign=False)
    late = EntryFactory(contest=team.contest)
    services.decide_screening(entry=late, outcome="ineligible", reason="late", by=team.organizer,
                              now=timezone.now())
    EntryFactory(contest=team.contest)  # not screened yet
    services.open_round(round=team.round, by=team.organizer, now=timezone.now())
    assert set(RoundEntry.objects.filter(round=team.round).values_list("entry_id", flat=True)) == {
        e.pk for e in team.entries
    }


def test_a_round_opens_only_with_criteria_and_judges():
    team = jury(judges=0, open_round=False, assign=False, criteria=())
    with pytest.raises(JudgingRefused) as refused:
        services.open_round(round=team.round, by=team.organizer, now=timezone.now())
    assert refused.value.messages[1:] == ["Add at least one criterion.", "Add at least one judge to the panel."]
    assert team.round.state == RoundState.DRAFT


def test_auto_assignment_covers_each_entry_k_times_with_even_loads():
    team = jury(entries=10, judges=4, k=2)
    assert set(coverage(team.round).values()) == {2}
    assert sorted(loads(team.round).values()) == [5, 5, 5, 5]


def test_many_assignments_arrive_by_copy_on_postgresql_all_the_same(monkeypatch):
    from judging.services import assigning

    monkeypatch.setattr(assigning, "COPY_FROM", 0)
    team = jury(entries=6, judges=3, k=2)
    rows = list(Assignment.objects.filter(round=team.round).values_list("method", "played_fraction", "assigned_at"))
    assert len(rows) == 12
    assert {(method, played) for method, played, _at in rows} == {("automatic", 0.0)}
    assert all(at is not None for _m, _p, at in rows)
    assert set(coverage(team.round).values()) == {2}


def test_shortfalls_say_which_entries_cannot_be_covered_and_why():
    team = jury(entries=2, judges=2, k=2, assign=False)
    judge = team.judges[0]
    services.declare_conflict(contest=team.contest, judge=judge, entry=team.entries[0], by=judge,
                              now=timezone.now())
    plan = services.auto_assign(round=team.round, by=team.organizer, now=timezone.now())
    [shortfall] = plan.shortfalls
    assert shortfall.entry_id == team.entries[0].pk
    assert selectors.explain_shortfall(shortfall) == (
        "It has 1 of the 2 judges it needs; the panel has 2 judges. Ruled out by a conflict of interest: "
        "1 judge: declared by the judge. Add judges to the panel, or lower the number of judges per entry."
    )


def test_same_organisation_and_same_country_are_never_assigned():
    team = jury(entries=0, judges=0, k=1, assign=False, open_round=False)
    entrant_entry = EntryFactory(contest=team.contest, entrant__country="KE", entrant__organisation="Youth Net")
    services.decide_screening(entry=entrant_entry, outcome="eligible", by=team.organizer, now=timezone.now())
    now = timezone.now()
    same_org = make_judge(team.contest, country="FR", organisation="youth net")
    same_country = make_judge(team.contest, country="KE", organisation="UNIDIR")
    free = make_judge(team.contest, country="MX", organisation="ICRC")
    services.update_round(round=team.round, data={"avoid_same_country": True}, by=team.organizer, now=now)
    for judge in (same_org, same_country, free):
        services.add_to_panel(round=team.round, judge=judge, by=team.organizer, now=now)
    services.open_round(round=team.round, by=team.organizer, now=now)
    services.auto_assign(round=team.round, by=team.organizer, now=now)
    assert list(Assignment.objects.values_list("judge_id", flat=True)) == [free.pk]
    with pytest.raises(JudgingRefused, match="conflict of interest with this entry: Same organisation"):
        services.assign_entry(round=team.round, entry=entrant_entry, judge=same_org, by=team.organizer, now=now)


def test_i_know_this_entrant_reassigns_the_entry_and_records_the_conflict():
    team = jury(entries=4, judges=3, k=2)
    assignment = Assignment.objects.filter(round=team.round).order_by("pk").first()
    judge, entry = assignment.judge, assignment.entry
    created = services.knows_entrant(assignment=assignment, by=judge, now=timezone.now(), note="My cousin")
    assert not Assignment.objects.filter(round=team.round, entry=entry, judge=judge).exists()
    assert [a.entry_id for a in created] == [entry.pk]
    assert created[0].judge != judge
    assert coverage(team.round)[entry.pk] == 2
    conflict = ConflictOfInterest.objects.get(judge=judge)
    assert (conflict.kind, conflict.entrant, conflict.note) == (ConflictKind.KNOWS_ENTRANT, entry.entrant,
                                                                "My cousin")
    assert AuditEvent.objects.filter(action="conflict.recorded").exists()
    assert AuditEvent.objects.filter(action="assignment.deleted", object_id=str(assignment.pk)).exists()


def test_a_judge_dropping_out_keeps_their_submitted_scores_and_the_rest_is_rebalanced():
    team = jury(entries=12, judges=4, k=2)
    leaving = team.judges[0]
    kept = Assignment.objects.filter(round=team.round, judge=leaving).order_by("pk").first()
    services.submit_score(assignment=kept, values={str(c.pk): 5 for c in team.criteria}, expected_version=0,
                          by=leaving, now=timezone.now())
    services.remove_from_panel(round=team.round, judge=leaving, by=team.organizer, now=timezone.now())
    assert list(Assignment.objects.filter(round=team.round, judge=leaving)) == [kept]
    assert set(coverage(team.round).values()) == {2}
    others = [n for judge, n in loads(team.round).items() if judge != leaving.pk]
    assert max(others) - min(others) <= 1


def test_advance_the_top_two_or_chosen_entries():
    team = jury(entries=4, judges=2, k=2)
    now = timezone.now()
    for assignment in Assignment.objects.filter(round=team.round).select_related("judge"):
        mark = 2 + assignment.entry_id % 7
        services.submit_score(assignment=assignment, values={str(c.pk): mark for c in team.criteria},
                              expected_version=0, by=assignment.judge, now=now)
    services.close_round(round=team.round, by=team.organizer, now=now)
    final = services.create_round(contest=team.contest, data={"name": "Final"}, by=team.organizer, now=now)
    ranked = selectors.ranking_of(round=team.round)
    advanced = services.advance_entries(from_round=team.round, to_round=final, top=2, by=team.organizer, now=now)
    assert {r.entry_id for r in advanced} == {ranked[0].entry_id, ranked[1].entry_id}
    assert all(r.advanced_from.round == team.round for r in advanced)
    loser = next(e for e in team.entries if e.pk not in {r.entry_id for r in advanced})
    services.advance_entries(from_round=team.round, to_round=final, entries=[loser], by=team.organizer, now=now)
    assert RoundEntry.objects.filter(round=final).count() == 3
    with pytest.raises(JudgingRefused, match="later round"):
        services.advance_entries(from_round=final, to_round=team.round, top=1, by=team.organizer, now=now)


def test_invitation_link_makes_a_judge_with_details_on_the_panel(django_capture_on_commit_callbacks):
    team = jury(entries=2, judges=1, k=1, open_round=False, assign=False)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite_judge(contest=team.contest, email="Ana@Example.org", round=team.round,
                                           language="fr", by=team.organizer, now=now)
    [message] = mail.outbox
    assert message.to == ["Ana@example.org"]
    token = re.search(r"/invitation/([^/\s]+)/", message.body).group(1)
    assert services.invitation_for_token(token) == invitation
    assert services.invitation_for_token(token + "x") is None
    from tests.factories import UserFactory

    ana = UserFactory(email="ana@example.org")
    profile = services.accept_invitation(invitation=invitation, user=ana, country="FR", organisation="ICAN",
                                         now=now)
    assert (str(profile.country), profile.organisation) == ("FR", "ICAN")
    assert team.round.panel.filter(judge=ana, left_at__isnull=True).exists()
    with pytest.raises(JudgingRefused, match="someone else"):
        services.accept_invitation(invitation=invitation, user=UserFactory(), country="", organisation="",
                                   now=now)
