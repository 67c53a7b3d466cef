"""Assignments: automatic and by hand, taking an entry from a judge, rebalancing, and "I know this entrant"."""

from datetime import datetime

from django.db import connection, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from contest import audit
from submissions.models import Entry

from .. import assignment as planner
from ..enums import AssignmentMethod, AuditAction, ConflictKind, RoundState, ScoreState
from ..models import Assignment, ConflictOfInterest, JudgeProfile, PanelMember, Round, RoundEntry, Score
from . import tallies
from .common import (
    JudgingRefused,
    locked_round,
    managed_round,
    require_open_for_assigning,
    require_organizer,
    require_state,
)
from .results import results_changed

ASSIGNMENT_FIELDS = ("round", "entry", "judge", "method", "assigned_at")
SCORE_FIELDS = ("values", "total", "comment", "feedback", "state", "version", "submitted_at")
# From this many new assignments on, PostgreSQL gets them by COPY rather than INSERT.
COPY_FROM = 1000


def entry_facts(round_: Round) -> list[planner.EntryFacts]:
    rows = RoundEntry.objects.filter(round=round_).values_list(
        "entry_id", "entry__entrant_id", "entry__theme_id", "entry__category_id",
        "entry__entrant__country", "entry__entrant__organisation",
    )
    return [
        planner.EntryFacts(id=e, entrant_id=u, theme_id=t, category_id=c, country=str(n or ""), organisation=o or "")
        for e, u, t, c, n, o in rows.order_by("entry_id")
    ]


def judge_facts(round_: Round) -> list[planner.JudgeFacts]:
    """The panel's active judges, with the country and organisation they gave this contest (else their profile's)."""
    panel = PanelMember.objects.filter(round=round_, left_at__isnull=True).values_list(
        "judge_id", "judge__country", "judge__organisation"
    )
    profiles = {
        judge: (str(country or ""), organisation)
        for judge, country, organisation in JudgeProfile.objects.filter(contest_id=round_.contest_id).values_list(
            "judge_id", "country", "organisation"
        )
    }
    facts = []
    for judge, country, organisation in panel.order_by("judge_id"):
        given_country, given_organisation = profiles.get(judge, ("", ""))
        facts.append(
            planner.JudgeFacts(
                id=judge,
                country=given_country or str(country or ""),
                organisation=given_organisation or organisation or "",
            )
        )
    return facts


def conflict_facts(contest_id: int) -> list[planner.Conflict]:
    return [
        planner.Conflict(judge_id=j, entry_id=e, entrant_id=u, kind=k)
        for j, e, u, k in ConflictOfInterest.objects.filter(contest_id=contest_id).values_list(
            "judge_id", "entry_id", "entrant_id", "kind"
        )
    ]


def plan_for(round_: Round, *, strict_balance: bool = False) -> planner.Plan:
    """What automatic assignment would add to the round now (nothing is written)."""
    return planner.assign(
        entries=entry_facts(round_),
        judges=judge_facts(round_),
        conflicts=conflict_facts(round_.contest_id),
        k=round_.judges_per_entry,
        existing=Assignment.objects.filter(round=round_).values_list("entry_id", "judge_id"),
        avoid_same_country=round_.avoid_same_country,
        strict_balance=strict_balance,
    )


def _insert(round_: Round, pairs: list[tuple[int, int]], *, method: str, now: datetime) -> None:
    if connection.vendor == "postgresql" and len(pairs) > COPY_FROM:
        # COPY writes tens of thousands of rows several times faster than INSERTs.
        columns = "round_id, entry_id, judge_id, method, assigned_at, played_fraction"
        with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {Assignment._meta.db_table} ({columns}) FROM STDIN"  # noqa: S608 - our own table name
        ) as copy:
            for entry_id, judge_id in pairs:
                copy.write_row((round_.pk, entry_id, judge_id, method, now, 0.0))
        return
    Assignment.objects.bulk_create(
        [
            Assignment(round=round_, entry_id=entry_id, judge_id=judge_id, method=method, assigned_at=now)
            for entry_id, judge_id in pairs
        ],
        batch_size=2000,
    )


def _fill(round_: Round, *, method: str, by: User | None, now: datetime) -> planner.Plan:
    plan = plan_for(round_)
    _insert(round_, plan.assignments, method=method, now=now)
    tallies.recount(round_.pk)
    if plan.assignments:
        # One event for the whole batch, listing every pair: thousands of entries are assigned in seconds.
        audit.record(
            action=AuditAction.ASSIGNED,
            obj=round_,
            actor=by,
            contest=round_.contest_id,
            before=None,
            after={"method": method, "pairs": [list(pair) for pair in plan.assignments]},
            at=now,
        )
    return plan


@transaction.atomic
def auto_assign(*, round: Round, by: User, now: datetime) -> planner.Plan:
    """Give every entry of the round its k judges, keeping what is already assigned.

    The plan's `shortfalls` name the entries that could not be covered and why
    (see `selectors.explain_shortfall`); `balanced` is False when conflicts made
    even loads impossible.
    """
    round_ = managed_round(round, by)
    require_open_for_assigning(round_)
    return _fill(round_, method=AssignmentMethod.AUTOMATIC, by=by, now=now)


def _delete_assignment(assignment: Assignment, *, action_by: User | None, now: datetime, why: str) -> None:
    score = Score.objects.filter(assignment=assignment).first()
    before = audit.snapshot(assignment, ASSIGNMENT_FIELDS)
    if score is not None:
        before["score"] = audit.snapshot(score, SCORE_FIELDS)
        if score.state == ScoreState.SUBMITTED:
            results_changed(assignment.round_id)
    audit.record(
        action=AuditAction.UNASSIGNED,
        obj=assignment,
        actor=action_by,
        contest=assignment.round.contest_id,
        before=before,
        after={"why": why},
        at=now,
    )
    assignment.delete()
    tallies.recount(assignment.round_id, judge_ids=[assignment.judge_id], entry_ids=[assignment.entry_id])


@transaction.atomic
def rebalance(*, round: Round, by: User, now: datetime) -> planner.Plan:
    """Assign afresh every assignment nobody has started (no score, nothing played), then fill the gaps.

    Run after a judge drops out or joins: the untouched work is shared again evenly.
    """
    round_ = managed_round(round, by)
    require_open_for_assigning(round_)
    untouched = Assignment.objects.filter(round=round_, score__isnull=True, played_fraction=0)
    pairs = sorted(untouched.values_list("entry_id", "judge_id"))
    if pairs:
        audit.record(
            action=AuditAction.UNASSIGNED, obj=round_, actor=by, contest=round_.contest_id,
            before={"pairs": [list(p) for p in pairs]}, after={"why": "rebalance"}, at=now,
        )
        Assignment.objects.filter(pk__in=untouched.values("pk")).delete()
    return _fill(round_, method=AssignmentMethod.AUTOMATIC, by=by, now=now)


def _check_no_conflict(round_: Round, entry: Entry, judge: User) -> None:
    facts = [f for f in entry_facts(round_) if f.id == entry.pk]
    if not facts:
        raise JudgingRefused(_("The entry %(reference)s is not in this round.") % {"reference": entry.reference})
    judges = [f for f in judge_facts(round_) if f.id == judge.pk]
    if not judges:
        raise JudgingRefused(_("%(judge)s is not on this round's panel.") % {"judge": judge})
    conflicts = [c for c in conflict_facts(round_.contest_id) if c.judge_id == judge.pk]
    barred = planner.exclusions(facts, judges, conflicts, avoid_same_country=round_.avoid_same_country)[entry.pk]
    if judge.pk in barred:
        raise JudgingRefused(
            _("%(judge)s has a conflict of interest with this entry: %(kind)s.")
            % {"judge": judge, "kind": ConflictKind(barred[judge.pk]).label}
        )


@transaction.atomic
def assign_entry(*, round: Round, entry: Entry, judge: User, by: User, now: datetime) -> Assignment:
    """An organizer gives an entry to a judge by hand; conflicts of interest are refused all the same."""
    round_ = managed_round(round, by)
    require_open_for_assigning(round_)
    _check_no_conflict(round_, entry, judge)
    if Assignment.objects.filter(round=round_, entry=entry, judge=judge).exists():
        raise JudgingRefused(_("%(judge)s already has this entry.") % {"judge": judge})
    assignment = Assignment.objects.create(
        round=round_, entry=entry, judge=judge, method=AssignmentMethod.MANUAL, assigned_at=now
    )
    tallies.recount(round_.pk, judge_ids=[judge.pk], entry_ids=[entry.pk])
    audit.record(
        action=AuditAction.ASSIGNED, obj=assignment, actor=by, contest=round_.contest_id, before=None,
        after=audit.snapshot(assignment, ASSIGNMENT_FIELDS), at=now,
    )
    return assignment


@transaction.atomic
def unassign(*, assignment: Assignment, by: User, now: datetime) -> None:
    """Take an entry from a judge. A submitted score stays: it is part of the result."""
    assignment = (
        Assignment.objects.select_for_update(of=("self",)).select_related("round__contest").get(pk=assignment.pk)
    )
    require_organizer(by, assignment.round.contest)
    require_state(assignment.round, RoundState.DRAFT, RoundState.OPEN)
    if Score.objects.filter(assignment=assignment, state=ScoreState.SUBMITTED).exists():
        raise JudgingRefused(_("This judge has submitted a score for the entry, so it stays theirs."))
    _delete_assignment(assignment, action_by=by, now=now, why="unassigned")


def drop_unstarted_work(round_: Round, judge: User, *, by: User, now: datetime) -> None:
    """A judge leaves: everything they have not submitted goes back to be assigned again."""
    for assignment in (
        Assignment.objects.filter(round=round_, judge=judge).exclude(score__state="submitted").select_related("round")
    ):
        _delete_assignment(assignment, action_by=by, now=now, why="judge left the panel")


@transaction.atomic
def knows_entrant(*, assignment: Assignment, by: User, now: datetime, note: str = "") -> list[Assignment]:
    """The judge says they know the entrant: the conflict is recorded, and every entry of that entrant the
    judge holds in a round still running goes to another judge. Returns the new assignments."""
    assignment = (
        Assignment.objects.select_for_update(of=("self",)).select_related("round", "entry").get(pk=assignment.pk)
    )
    if assignment.judge_id != by.pk:
        raise JudgingRefused(_("Only the judge of an entry can say they know its entrant."))
    round_ = locked_round(assignment.round)
    require_state(round_, RoundState.DRAFT, RoundState.OPEN)
    entry = assignment.entry
    conflict = ConflictOfInterest.objects.create(
        contest_id=round_.contest_id, judge=by, entrant_id=entry.entrant_id, entry=entry,
        kind=ConflictKind.KNOWS_ENTRANT, note=note.strip(), recorded_by=by, recorded_at=now,
    )
    audit.record(
        action=AuditAction.CONFLICT_RECORDED, obj=conflict, actor=by, contest=round_.contest_id, before=None,
        after={"judge": by.pk, "entry": entry.pk, "kind": conflict.kind, "note": conflict.note}, at=now,
    )
    return release_conflicted_work(contest_id=round_.contest_id, judge=by, by=by, now=now)


def release_conflicted_work(*, contest_id: int, judge: User, by: User | None, now: datetime) -> list[Assignment]:
    """Take from a judge every assignment their conflicts now forbid, in rounds still running, and reassign it."""
    created: list[Assignment] = []
    rounds = Round.objects.filter(contest_id=contest_id, state__in=[RoundState.DRAFT, RoundState.OPEN])
    for round_ in rounds.select_for_update():
        judges = [f for f in judge_facts(round_) if f.id == judge.pk]
        if not judges:
            continue
        held = set(Assignment.objects.filter(round=round_, judge=judge).values_list("entry_id", flat=True))
        facts = [f for f in entry_facts(round_) if f.id in held]
        conflicts = [c for c in conflict_facts(contest_id) if c.judge_id == judge.pk]
        barred = planner.exclusions(facts, judges, conflicts, avoid_same_country=round_.avoid_same_country)
        doomed = [entry_id for entry_id, judges_out in barred.items() if judge.pk in judges_out]
        if not doomed:
            continue
        for assignment in Assignment.objects.filter(round=round_, judge=judge, entry_id__in=doomed):
            _delete_assignment(assignment, action_by=by, now=now, why="conflict of interest")
        pairs = set(_fill(round_, method=AssignmentMethod.REASSIGNED, by=by, now=now).assignments)
        fresh = Assignment.objects.filter(round=round_, entry_id__in={entry_id for entry_id, _judge in pairs})
        created += [a for a in fresh if (a.entry_id, a.judge_id) in pairs]
    return created
