"""Reads for the judge: their rounds and progress, their queue, one assignment with its score sheet, others' scores."""

import dataclasses

from django.db.models import Case, Value, When
from django.utils.translation import gettext as _

from accounts.models import User

from ..enums import ScoreState
from ..models import Assignment, Criterion, PanelMember, Round, Score
from ..rules import judged_by, judged_rounds, may_see_other_scores
from .common import PAGE, Page, Progress, _has_score, _limit


def judge_rounds(*, judge: User) -> list[Round]:
    """The rounds a judge is on (and still on), with `progress` (their seat's tallies) set on each: two queries."""
    rounds = list(
        Round.objects.filter(judged_rounds(judge))
        .select_related("contest")
        .order_by("contest_id", "position")
    )
    seats = {seat.round_id: seat for seat in PanelMember.objects.filter(judge=judge, round__in=rounds)}
    for round_ in rounds:
        round_.progress = Progress.of_seat(seats.get(round_.pk))
    return rounds


def judge_progress(*, round: Round, judge: User) -> Progress:
    """The judge's "12 of 40 scored" in the round: their seat's tallies (services.tallies), as the organizer's
    progress page shows them; one query."""
    return Progress.of_seat(PanelMember.objects.filter(round=round, judge=judge).first())


def _queue(round_: Round, judge: User):
    # Nothing about the entrant is loaded: the queue page cannot show what it does not have.
    return (
        Assignment.objects.filter(round=round_, judge=judge)
        .select_related("entry__theme", "entry__category", "score")
        .defer("entry__statement", "entry__essay_text", "entry__description", "entry__ai_use_details")
        .order_by("entry_id")
    )


def judge_queue(*, round: Round, judge: User, after: int | None = None, limit: int = PAGE) -> Page:
    """The judge's assignments in the round, in entry order, each with its score (or None); two queries.

    `page.progress` is the judge's "12 of 40 scored".
    """
    progress = judge_progress(round=round, judge=judge)
    queue = _queue(round, judge)
    if after is not None:
        queue = queue.filter(entry_id__gt=after)
    items = list(queue[: _limit(limit) + 1])
    more = len(items) > _limit(limit)
    items = items[: _limit(limit)]
    for item in items:
        item.score_or_none = getattr(item, "score", None) if _has_score(item) else None
    page = Page(items=items, next_after=items[-1].entry_id if more else None, total=progress.total)
    page.progress = progress
    return page


def judge_assignment(*, judge: User, assignment_id: int) -> Assignment | None:
    """The judge's own assignment, with everything the scoring page shows; None (→ 404) for anyone else's,
    or when the judge has left the round's panel. One query."""
    return (
        Assignment.objects.filter(judged_by(judge), pk=assignment_id)
        .select_related("round__contest", "entry__theme", "entry__category")
        .first()
    )


@dataclasses.dataclass
class Neighbours:
    previous_id: int | None
    next_id: int | None
    next_unscored_id: int | None


def queue_neighbours(*, assignment: Assignment) -> Neighbours:
    """The assignments before and after this one in the judge's queue, and the next one not yet submitted."""
    queue = Assignment.objects.filter(round_id=assignment.round_id, judge_id=assignment.judge_id)
    previous = queue.filter(entry_id__lt=assignment.entry_id).order_by("-entry_id").values_list("pk", flat=True)
    following = queue.filter(entry_id__gt=assignment.entry_id).order_by("entry_id")
    # The first one not submitted after this one, else the first one before it: one query either way.
    unscored_first = (
        queue.exclude(score__state=ScoreState.SUBMITTED)
        .exclude(pk=assignment.pk)
        .annotate(wraps=Case(When(entry_id__gt=assignment.entry_id, then=Value(0)), default=Value(1)))
        .order_by("wraps", "entry_id")
        .values_list("pk", flat=True)
        .first()
    )
    return Neighbours(previous.first(), following.values_list("pk", flat=True).first(), unscored_first)


@dataclasses.dataclass
class ScoreSheet:
    assignment: Assignment
    criteria: list[Criterion]
    score: Score | None
    played_fraction: float

    @property
    def version(self) -> int:
        """What the form sends back as `expected_version`."""
        return self.score.version if self.score else 0

    def value_of(self, criterion: Criterion):
        return (self.score.values if self.score else {}).get(str(criterion.pk))

    @property
    def submitted(self) -> bool:
        return bool(self.score and self.score.state == ScoreState.SUBMITTED)

    @property
    def played_too_little(self) -> bool:
        """True for a video or audio played less than half: the page warns before submitting."""
        return self.assignment.entry.category.media_kind in ("video", "audio") and self.played_fraction < 0.5


def score_sheet(*, assignment: Assignment, criteria: list[Criterion] | None = None) -> ScoreSheet:
    """The judge's score sheet; `criteria`, the round's in order, when the caller has them already."""
    if criteria is None:
        criteria = list(Criterion.objects.filter(round_id=assignment.round_id).order_by("position", "pk"))
    score = Score.objects.filter(assignment=assignment).first()
    return ScoreSheet(assignment, criteria, score, assignment.played_fraction)


def other_scores(*, assignment: Assignment, viewer: User) -> list[Score]:
    """The other judges' submitted scores on this entry, when the viewer may see them (rules.may_see_other_scores);
    otherwise an empty list. Judges appear as "Judge 1, 2…" unless the viewer organizes the contest."""
    round_ = assignment.round
    if not may_see_other_scores(viewer, round_, assignment.entry):
        return []
    scores = list(
        Score.objects.filter(
            assignment__round_id=round_.pk, assignment__entry_id=assignment.entry_id, state=ScoreState.SUBMITTED
        )
        .exclude(assignment__judge_id=viewer.pk)
        .select_related("assignment__judge")
        .order_by("assignment__judge_id")
    )
    for number, score in enumerate(scores, start=1):
        score.judge_label = _("Judge %(number)s") % {"number": number}
    return scores


