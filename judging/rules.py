"""Who may see and do what in judging (django-rules), on `contest.rules`' roles and `contest.deadlines`.

A judge sees an entry, its files and its scores only while assigned to it in a
round whose panel they are on; organizers of the contest see all of it;
entrants never see scores. Another judge's score stays hidden from a judge
until their own is submitted, and in a blind round until the organizers open
a discussion.

"Assigned judge" and "on the panel" are written once, as query conditions
(`judged_by`, `judged_rounds`), which both the predicates and the selectors
that list a judge's work use.
"""

from datetime import datetime

import rules
from django.db.models import Q
from django.utils.translation import gettext as _

from contest import deadlines
from contest.deadlines import Verdict, refused
from contest.rules import at_now, is_organizer

from .enums import RoundState, ScoreState
from .models import Assignment, PanelMember, Round, Score


def judged_rounds(user) -> Q:
    """Rounds (as a condition on Round) the person judges: on the panel, not left, past preparation."""
    return Q(panel__judge=user, panel__left_at__isnull=True) & ~Q(state=RoundState.DRAFT)


def judged_by(user) -> Q:
    """Assignments (as a condition on Assignment) the person may open as their judge."""
    return Q(judge=user, round__panel__judge=user, round__panel__left_at__isnull=True) & ~Q(
        round__state=RoundState.DRAFT
    )


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


@rules.predicate
def judges_round(user, round_) -> bool:
    return bool(round_ is not None and _signed_in(user) and Round.objects.filter(judged_rounds(user), pk=round_.pk)
                .exists())


@rules.predicate
def judges_assignment(user, assignment) -> bool:
    return bool(
        assignment is not None
        and _signed_in(user)
        and assignment.judge_id == user.pk
        and Assignment.objects.filter(judged_by(user), pk=assignment.pk).exists()
    )


@rules.predicate
def organizes_contest(user, contest) -> bool:
    return is_organizer(user, contest)


@rules.predicate
def organizes_round_contest(user, round_) -> bool:
    return round_ is not None and is_organizer(user, round_.contest_id)


@rules.predicate
def organizes_entry_contest(user, entry) -> bool:
    return entry is not None and is_organizer(user, entry.contest_id)


@rules.predicate
def organizes_assignment_contest(user, assignment) -> bool:
    return assignment is not None and is_organizer(user, assignment.round.contest_id)


def may_score(user, assignment, *, now: datetime) -> Verdict:
    """Save or submit a score: the assigned judge, still on the panel, while the round is open for scores."""
    if assignment is None or not _signed_in(user) or assignment.judge_id != user.pk:
        return refused(_("Only the judge this entry is assigned to can score it."))
    if not PanelMember.objects.filter(round_id=assignment.round_id, judge=user, left_at__isnull=True).exists():
        return refused(_("You are no longer on this round's panel."))
    return deadlines.scores_open(assignment.round, now)


def may_screen(user, entry, *, now: datetime) -> Verdict:
    """Screen an entry: an organizer of its contest, until the contest is archived."""
    return may_manage_judging(user, entry.contest)


def may_manage_judging(user, contest) -> Verdict:
    """Run a contest's judging (rounds, panels, assignments, screening): its organizers, until it is archived."""
    if not is_organizer(user, contest):
        return refused(_("Only the contest's organizers can do this."))
    if deadlines.archived(contest):
        return refused(_("This contest is archived: nothing in it can change any more."))
    return deadlines.ALLOWED


def may_see_other_scores(user, round_, entry) -> bool:
    """Organizers always; a judge of the entry only after submitting their own score, and in a blind round
    only while the organizers hold a discussion open; the entrant never."""
    if not _signed_in(user) or entry.entrant_id == user.pk:
        return False
    if is_organizer(user, round_.contest_id):
        return True
    own = Score.objects.filter(
        assignment__round_id=round_.pk, assignment__entry_id=entry.pk, assignment__judge_id=user.pk
    ).first()
    if own is None or own.state != ScoreState.SUBMITTED:
        return False
    if not round_.panel.filter(judge=user, left_at__isnull=True).exists():
        return False
    return not round_.blind or round_.discussion_open


rules.add_perm("judging.manage_judging", organizes_contest)
rules.add_perm("judging.manage_round", organizes_round_contest)
rules.add_perm("judging.judge_round", judges_round)
# The organizers' preview of any entry's work, screening to awards; a judge sees work only through an assignment.
rules.add_perm("judging.preview_entry", organizes_entry_contest)
rules.add_perm("judging.view_assignment", judges_assignment | organizes_assignment_contest)
rules.add_perm("judging.score_assignment", at_now(may_score))
rules.add_perm("judging.screen_entry", at_now(may_screen))
