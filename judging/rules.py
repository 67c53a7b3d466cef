"""Who may see and do what in judging (django-rules).

A judge sees an entry, its files and its scores only while assigned to it in a
round whose panel they are on; organizers of the contest see all of it;
entrants never see scores. Another judge's score stays hidden from a judge
until their own is submitted, and in a blind round until the organizers open
a discussion.
"""

import rules

from contest.enums import Role
from contest.models import ContestRole
from contest.rules import is_contest_organizer

from .enums import RoundState, ScoreState
from .models import Assignment, Score


def _is_organizer(user, contest_id: int) -> bool:
    return bool(
        user.is_authenticated
        and (
            user.is_staff
            or ContestRole.objects.filter(contest_id=contest_id, user=user, role=Role.ORGANIZER).exists()
        )
    )


def _assigned(user, entry) -> Assignment | None:
    """The user's assignment to this entry in a round (not in preparation) whose panel they are still on."""
    if not user.is_authenticated or entry is None:
        return None
    return (
        Assignment.objects.filter(
            entry=entry, judge=user, round__panel__judge=user, round__panel__left_at__isnull=True
        )
        .exclude(round__state=RoundState.DRAFT)
        .first()
    )


@rules.predicate
def is_assigned_judge(user, entry) -> bool:
    return _assigned(user, entry) is not None


@rules.predicate
def organizes_entry_contest(user, entry) -> bool:
    return entry is not None and _is_organizer(user, entry.contest_id)


@rules.predicate
def organizes_round_contest(user, round_) -> bool:
    return round_ is not None and _is_organizer(user, round_.contest_id)


@rules.predicate
def is_on_panel(user, round_) -> bool:
    return bool(
        round_ is not None
        and user.is_authenticated
        and round_.panel.filter(judge=user, left_at__isnull=True).exists()
    )


@rules.predicate
def judges_assignment(user, assignment) -> bool:
    return bool(
        assignment is not None
        and user.is_authenticated
        and assignment.judge_id == user.pk
        and assignment.round.panel.filter(judge=user, left_at__isnull=True).exists()
    )


@rules.predicate
def organizes_assignment_contest(user, assignment) -> bool:
    return assignment is not None and _is_organizer(user, assignment.round.contest_id)


def may_see_other_scores(user, round_, entry) -> bool:
    """Organizers always; a judge of the entry only after submitting their own score, and in a blind round
    only while the organizers hold a discussion open; the entrant never."""
    if not user.is_authenticated or entry.entrant_id == user.pk:
        return False
    if _is_organizer(user, round_.contest_id):
        return True
    own = Score.objects.filter(
        assignment__round_id=round_.pk, assignment__entry_id=entry.pk, assignment__judge_id=user.pk
    ).first()
    if own is None or own.state != ScoreState.SUBMITTED:
        return False
    if not round_.panel.filter(judge=user, left_at__isnull=True).exists():
        return False
    return not round_.blind or round_.discussion_open


@rules.predicate
def may_see_score(user, score) -> bool:
    if score is None or not user.is_authenticated:
        return False
    assignment = score.assignment
    if assignment.entry.entrant_id == user.pk:
        return False
    if assignment.judge_id == user.pk:
        return judges_assignment(user, assignment)
    return may_see_other_scores(user, assignment.round, assignment.entry)


# The judge's view of an entry and of its files (the submissions app decides the entrant's own view).
rules.add_perm("judging.view_entry", is_assigned_judge | organizes_entry_contest)
rules.add_perm("judging.view_entry_media", is_assigned_judge | organizes_entry_contest)
rules.add_perm("judging.score_assignment", judges_assignment)
rules.add_perm("judging.view_score", may_see_score)
rules.add_perm("judging.view_round", is_on_panel | organizes_round_contest)
rules.add_perm("judging.manage_round", organizes_round_contest)
rules.add_perm("judging.manage_judging", rules.is_staff | is_contest_organizer)
rules.add_perm("judging.screen_entry", organizes_entry_contest)
