"""Score sheets: save a draft, submit, with optimistic concurrency; and how much of the work the judge played."""

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from contest import audit, deadlines

from .. import ranking, rules
from ..enums import AuditAction, ScoreState
from ..models import Assignment, Criterion, Round, Score
from . import tallies
from .common import JudgingRefused, StaleScore
from .results import results_changed

SCORE_FIELDS = ("values", "total", "comment", "feedback", "state", "version", "submitted_at")
MAX_TEXT = 10_000


def _locked_assignment(assignment: Assignment, by: User, now: datetime) -> Assignment:
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("round__contest", "entry")
        .get(pk=assignment.pk)
    )
    # Closing is decided here, on the server, by the round's state and its times alike.
    if not (verdict := rules.may_score(by, assignment, now=now)):
        raise JudgingRefused(verdict.reason)
    return assignment


def _clean_values(values: dict, criteria: list[Criterion], *, complete: bool) -> dict[str, int | float]:
    known = {str(c.pk): c for c in criteria}
    cleaned: dict[str, int | float] = {}
    problems, wrong = [], set()
    for key, raw in (values or {}).items():
        criterion = known.get(str(key))
        if criterion is None:
            problems.append(_("A score was given for a criterion this round does not have; reload the page."))
            continue
        if raw in (None, ""):
            continue
        try:
            number = float(raw)
        except (TypeError, ValueError):
            problems.append(_("“%(criterion)s”: give a number.") % {"criterion": criterion.name})
            wrong.add(criterion.pk)
            continue
        if not criterion.scale_min <= number <= criterion.scale_max:
            problems.append(
                _("“%(criterion)s”: give a score from %(min)s to %(max)s.")
                % {"criterion": criterion.name, "min": criterion.scale_min, "max": criterion.scale_max}
            )
            wrong.add(criterion.pk)
            continue
        cleaned[str(criterion.pk)] = int(number) if number.is_integer() else number
    if complete:
        for key, criterion in known.items():
            if key not in cleaned and criterion.pk not in wrong:
                problems.append(_("“%(criterion)s”: give a score.") % {"criterion": criterion.name})
    if problems:
        raise JudgingRefused(*problems)
    return cleaned


def _save(
    *, assignment: Assignment, values: dict, comment: str, feedback: str, expected_version: int, by: User,
    now: datetime, submit: bool,
) -> Score:
    assignment = _locked_assignment(assignment, by, now)
    score = Score.objects.filter(assignment=assignment).first()
    if submit or (score is not None and score.state == ScoreState.SUBMITTED):
        # Takes the round's row lock, then looks again: a close that committed meanwhile wins.
        results_changed(assignment.round_id)
        round_ = Round.objects.select_related("contest").get(pk=assignment.round_id)
        if not (verdict := deadlines.scores_open(round_, now)):
            raise JudgingRefused(verdict.reason)
    current_version = score.version if score else 0
    if expected_version != current_version:
        raise StaleScore(score)
    if not submit and score is not None and score.state == ScoreState.SUBMITTED:
        raise JudgingRefused(_("This score is submitted. Change it and submit it again."))
    if len(comment) > MAX_TEXT or len(feedback) > MAX_TEXT:
        raise JudgingRefused(_("Keep the comment and the feedback under %(max)s characters each.") % {"max": MAX_TEXT})
    criteria = list(Criterion.objects.filter(round_id=assignment.round_id))
    cleaned = _clean_values(values, criteria, complete=submit)
    before = audit.snapshot(score, SCORE_FIELDS) if score else None
    if score is None:
        score = Score(assignment=assignment, created_at=now, version=0)
    score.values, score.comment, score.feedback = cleaned, comment, feedback
    complete = len(cleaned) == len(criteria) and criteria
    score.total = (
        ranking.weighted_total(cleaned, {str(c.pk): c.weight for c in criteria}) if complete else None
    )
    score.version += 1
    score.updated_at = now
    if submit:
        score.state, score.submitted_at = ScoreState.SUBMITTED, now
    score.save()
    tallies.recount(assignment.round_id, judge_ids=[assignment.judge_id], entry_ids=[assignment.entry_id])
    audit.record(
        action=AuditAction.SCORE_SUBMITTED if submit else AuditAction.SCORE_SAVED,
        obj=score,
        actor=by,
        contest=assignment.round.contest_id,
        before=before,
        after=audit.snapshot(score, SCORE_FIELDS) | {"entry": assignment.entry_id, "round": assignment.round_id},
        at=now,
    )
    return score


@transaction.atomic
def save_score(
    *, assignment: Assignment, values: dict, comment: str = "", feedback: str = "", expected_version: int,
    by: User, now: datetime,
) -> Score:
    """Keep a draft (values may be missing). `expected_version` is the version the page loaded, 0 for none;
    if the score has moved on since, `StaleScore` is raised and nothing is saved."""
    return _save(
        assignment=assignment, values=values, comment=comment, feedback=feedback,
        expected_version=expected_version, by=by, now=now, submit=False,
    )


@transaction.atomic
def submit_score(
    *, assignment: Assignment, values: dict, comment: str = "", feedback: str = "", expected_version: int,
    by: User, now: datetime,
) -> Score:
    """Submit (or change a submitted score while the round is open); every criterion needs a value."""
    return _save(
        assignment=assignment, values=values, comment=comment, feedback=feedback,
        expected_version=expected_version, by=by, now=now, submit=True,
    )


@transaction.atomic
def record_play_progress(*, assignment: Assignment, fraction: float, by: User) -> Assignment:
    """The share of a video or audio the judge has played; it only grows, and never touches the score."""
    if assignment.judge_id != by.pk:
        raise JudgingRefused(_("Only the judge this entry is assigned to can play it for judging."))
    try:
        fraction = min(1.0, max(0.0, float(fraction)))
    except (TypeError, ValueError):
        raise JudgingRefused(_("The share played must be a number from 0 to 1.")) from None
    Assignment.objects.filter(pk=assignment.pk, played_fraction__lt=fraction).update(played_fraction=fraction)
    assignment.refresh_from_db(fields=["played_fraction"])
    return assignment
