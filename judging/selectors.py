"""Reads for the judging pages: a constant number of queries whatever the size, keyset pagination.

Every list takes `after` (the cursor the previous page returned, or None) and
`limit`, and returns a page with `items` and `next_after` (None on the last
page). Cursors are plain values, safe to put in a query string.
"""

import dataclasses
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Avg, Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from contest.models import Contest, Registration
from submissions.enums import EntryStatus, JobStatus
from submissions.models import Entry, MediaAsset, ProcessingJob
from submissions.words import word_count

from . import ranking
from .assignment import Shortfall
from .enums import ConflictKind, RoundState, ScoreState
from .models import Assignment, Criterion, PanelMember, Round, RoundEntry, RoundResult, Score
from .rules import may_see_other_scores
from .services import results as results_table

PAGE = 50
MAX_PAGE = 200


@dataclasses.dataclass
class Page:
    items: list
    next_after: Any
    total: int


def _limit(limit: int) -> int:
    return max(1, min(MAX_PAGE, int(limit)))


# --- The judge ---------------------------------------------------------------
@dataclasses.dataclass
class Progress:
    scored: int
    drafts: int
    total: int

    @property
    def label(self) -> str:
        return _("%(scored)s of %(total)s scored") % {"scored": self.scored, "total": self.total}

    @property
    def percent(self) -> int:
        return round(100 * self.scored / self.total) if self.total else 100


def judge_rounds(*, judge: User) -> list[Round]:
    """The rounds a judge is on (and still on), with `progress` set on each: two queries."""
    rounds = list(
        Round.objects.filter(panel__judge=judge, panel__left_at__isnull=True)
        .exclude(state=RoundState.DRAFT)
        .select_related("contest")
        .order_by("contest_id", "position")
    )
    counts = {
        row["round_id"]: row
        for row in Assignment.objects.filter(judge=judge, round__in=rounds)
        .values("round_id")
        .annotate(
            total=Count("pk"),
            scored=Count("pk", filter=Q(score__state=ScoreState.SUBMITTED)),
            drafts=Count("pk", filter=Q(score__state=ScoreState.DRAFT)),
        )
    }
    for round_ in rounds:
        row = counts.get(round_.pk, {})
        round_.progress = Progress(row.get("scored", 0), row.get("drafts", 0), row.get("total", 0))
    return rounds


def judge_progress(*, round: Round, judge: User) -> Progress:
    # Probing each of the judge's few hundred scores by its unique index beats joining the round's scores.
    def state_is(state: str) -> Exists:
        return Exists(Score.objects.filter(assignment=OuterRef("pk"), state=state))

    row = Assignment.objects.filter(round=round, judge=judge).aggregate(
        total=Count("pk"),
        scored=Count("pk", filter=state_is(ScoreState.SUBMITTED)),
        drafts=Count("pk", filter=state_is(ScoreState.DRAFT)),
    )
    return Progress(row["scored"], row["drafts"], row["total"])


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


def _has_related(instance, name: str) -> bool:
    """Whether a reverse one-to-one (loaded with select_related) has a row; it raises when it has none."""
    try:
        getattr(instance, name)
    except ObjectDoesNotExist:
        return False
    return True


def _has_score(assignment: Assignment) -> bool:
    return _has_related(assignment, "score")


def judge_assignment(*, judge: User, assignment_id: int) -> Assignment | None:
    """The judge's own assignment, with everything the scoring page shows; None (→ 404) for anyone else's,
    or when the judge has left the round's panel. One query."""
    return (
        Assignment.objects.filter(
            pk=assignment_id, judge=judge, round__panel__judge=judge, round__panel__left_at__isnull=True
        )
        .exclude(round__state=RoundState.DRAFT)
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
    unscored = following.exclude(score__state=ScoreState.SUBMITTED).values_list("pk", flat=True)
    unscored_first = unscored.first() or queue.exclude(score__state=ScoreState.SUBMITTED).exclude(
        pk=assignment.pk
    ).order_by("entry_id").values_list("pk", flat=True).first()
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


def score_sheet(*, assignment: Assignment) -> ScoreSheet:
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


# --- The organizer -------------------------------------------------------------
def rounds_of(*, contest: Contest) -> list[Round]:
    return list(
        Round.objects.filter(contest=contest)
        .annotate(
            entry_count=Count("round_entries", distinct=True),
            judge_count=Count("panel", filter=Q(panel__left_at__isnull=True), distinct=True),
        )
        .order_by("position")
    )


def panel_of(*, round: Round) -> list[PanelMember]:
    """The round's panel (those who left too), each with `assigned` and `scored` counts; two queries."""
    members = list(PanelMember.objects.filter(round=round).select_related("judge").order_by("judge__full_name", "pk"))
    counts = {
        row["judge_id"]: row
        for row in Assignment.objects.filter(round=round)
        .values("judge_id")
        .annotate(
            assigned=Count("pk"),
            scored=Count("pk", filter=Q(score__state=ScoreState.SUBMITTED)),
            drafts=Count("pk", filter=Q(score__state=ScoreState.DRAFT)),
        )
    }
    for member in members:
        row = counts.get(member.judge_id, {})
        member.progress = Progress(row.get("scored", 0), row.get("drafts", 0), row.get("assigned", 0))
    return members


def judges_behind(*, round: Round, below_percent: int = 100) -> list[PanelMember]:
    """Active panel members with less than `below_percent` of their work submitted: whom to remind."""
    return [
        m for m in panel_of(round=round) if m.active and m.progress.total and m.progress.percent < below_percent
    ]


def organizer_entries(*, round: Round, after: int | None = None, limit: int = PAGE) -> Page:
    """The round's entries in entry order, each with `assigned`, `scored` and `raw_mean`; two queries.

    Organizers see who the entrant is, so it is loaded (`item.entry.entrant`)."""
    assignments = Assignment.objects.filter(round_id=round.pk, entry_id=OuterRef("entry_id"))
    rows = (
        RoundEntry.objects.filter(round=round)
        .select_related("entry__theme", "entry__category", "entry__entrant")
        .defer("entry__statement", "entry__essay_text", "entry__description")
        .annotate(
            assigned=Subquery(
                assignments.order_by().values("entry_id").annotate(n=Count("pk")).values("n")[:1]
            ),
            scored=Subquery(
                assignments.filter(score__state=ScoreState.SUBMITTED)
                .order_by()
                .values("entry_id")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
            raw_mean=Subquery(
                assignments.filter(score__state=ScoreState.SUBMITTED)
                .order_by()
                .values("entry_id")
                .annotate(m=Avg("score__total"))
                .values("m")[:1]
            ),
        )
        .order_by("entry_id")
    )
    total = RoundEntry.objects.filter(round=round).count()
    if after is not None:
        rows = rows.filter(entry_id__gt=after)
    items = list(rows[: _limit(limit) + 1])
    more = len(items) > _limit(limit)
    items = items[: _limit(limit)]
    for item in items:
        item.assigned, item.scored = item.assigned or 0, item.scored or 0
    return Page(items=items, next_after=items[-1].entry_id if more else None, total=total)


def entry_assignments(*, round: Round, entry: Entry) -> list[Assignment]:
    """Who has an entry in a round and how far they got (for the organizer's entry page); one query."""
    return list(
        Assignment.objects.filter(round=round, entry=entry).select_related("judge", "score").order_by("judge_id")
    )


# --- Results -------------------------------------------------------------------
@dataclasses.dataclass
class ResultRow:
    entry: Entry
    result: ranking.EntryResult


NO_RANK = results_table.NO_RANK


def _result(row: RoundResult) -> ranking.EntryResult:
    return ranking.EntryResult(
        entry_id=row.entry_id,
        raw_mean=row.raw_mean,
        normalised_mean=row.normalised_mean,
        raw_rank=row.raw_rank,
        normalised_rank=row.normalised_rank,
        scores=row.scores,
        spread=row.spread,
        disagreement=row.disagreement,
    )


def _fresh(round_: Round) -> None:
    """Recompute the stored results if a score, the entries or the threshold changed since (one query if not)."""
    versions = Round.objects.filter(pk=round_.pk).values_list("results_changes", "results_computed_for").first()
    if versions and versions[0] != versions[1]:
        results_table.refresh_results(round=round_)


def _order_field(order: str) -> str:
    return "raw_order" if order == "raw" else "normalised_order"


def ranking_of(*, round: Round, order: str = "normalised") -> list[ranking.EntryResult]:
    """Every entry of the round with its result, best first (by normalised score, or raw with order="raw")."""
    _fresh(round)
    rows = RoundResult.objects.filter(round=round).order_by(_order_field(order), "entry_id")
    return [_result(row) for row in rows]


def results_page(
    *, round: Round, order: str = "normalised", after: str | None = None, limit: int = PAGE
) -> Page:
    """The results table: each item a ResultRow (entry with theme and category, and its EntryResult), best
    first by `order` ("normalised" or "raw"); entries without scores come last. Three queries when nothing
    changed since the last read; after a change the table is recomputed first.

    `after` is the cursor "rank:entry_id" from the previous page's `next_after`.
    """
    limit = _limit(limit)
    _fresh(round)
    field = _order_field(order)
    rows = (
        RoundResult.objects.filter(round=round)
        .select_related("entry__theme", "entry__category")
        .defer("entry__statement", "entry__essay_text", "entry__description", "entry__ai_use_details")
        .order_by(field, "entry_id")
    )
    total = RoundResult.objects.filter(round=round).count()
    if after:
        try:
            rank_text, entry_text = str(after).split(":", 1)
            rank_after, entry_after = int(rank_text), int(entry_text)
        except ValueError:
            pass  # a mangled cursor shows the first page
        else:
            rows = rows.filter(
                Q(**{f"{field}__gt": rank_after}) | Q(**{field: rank_after, "entry_id__gt": entry_after})
            )
    found = list(rows[: limit + 1])
    more = len(found) > limit
    found = found[:limit]
    items = [ResultRow(row.entry, _result(row)) for row in found]
    next_after = f"{getattr(found[-1], field)}:{found[-1].entry_id}" if more and found else None
    return Page(items=items, next_after=next_after, total=total)


# --- Screening -------------------------------------------------------------------
@dataclasses.dataclass
class ScreeningRow:
    entry: Entry
    flags: list[str]


def screening_list(*, contest: Contest, after: int | None = None, limit: int = PAGE,
                   undecided_only: bool = False) -> Page:
    """Submitted entries with their decision (or None) and the automatic flags an organizer should look at:
    the age decision, processing failures, too long a work, too many words, the same file sent twice. Three
    queries."""
    current_assets = MediaAsset.objects.filter(replaced_at__isnull=True)
    same_file_elsewhere = MediaAsset.objects.filter(
        entry__contest=contest,
        replaced_at__isnull=True,
        sha256__in=current_assets.filter(entry=OuterRef(OuterRef("pk"))).values("sha256"),
    ).exclude(entry=OuterRef("pk"))
    entries = (
        Entry.objects.filter(contest=contest, status=EntryStatus.SUBMITTED)
        .select_related("theme", "category", "entrant", "screening", "ai_suspicion")
        .annotate(
            registration_status=Subquery(
                Registration.objects.filter(contest=contest, user=OuterRef("entrant_id")).values("status")[:1]
            ),
            failed_processing=Exists(
                ProcessingJob.objects.filter(
                    asset__entry=OuterRef("pk"), asset__replaced_at__isnull=True, status=JobStatus.FAILED
                )
            ),
            duplicate_file=Exists(same_file_elsewhere),
        )
        .prefetch_related(Prefetch("assets", queryset=current_assets, to_attr="current_assets"))
        .order_by("pk")
    )
    if undecided_only:
        entries = entries.filter(screening__isnull=True)
    total = entries.count()
    if after is not None:
        entries = entries.filter(pk__gt=after)
    limit = _limit(limit)
    items = list(entries[: limit + 1])
    more = len(items) > limit
    items = items[:limit]
    rows = [ScreeningRow(entry, _flags(entry)) for entry in items]
    return Page(items=rows, next_after=items[-1].pk if more else None, total=total)


def _flags(entry: Entry) -> list[str]:
    flags = []
    if entry.registration_status and entry.registration_status != "eligible":
        flags.append(_("The entrant's registration does not allow them to enter (age or consent)."))
    if entry.failed_processing:
        flags.append(_("Processing the file failed."))
    category = entry.category
    for asset in entry.current_assets:
        duration = (asset.facts or {}).get("duration_seconds")
        if category.max_duration_seconds and duration and duration > category.max_duration_seconds:
            flags.append(
                _("The work lasts %(seconds)s seconds; the category allows %(max)s.")
                % {"seconds": round(duration), "max": category.max_duration_seconds}
            )
    if category.max_words and entry.essay_text and word_count(entry.essay_text) > category.max_words:
        flags.append(_("The essay has more words than the category allows."))
    if entry.ai_use != "none":
        flags.append(_("The entrant declared the use of AI tools."))
    suspicion = getattr(entry, "ai_suspicion", None) if _has_related(entry, "ai_suspicion") else None
    if suspicion is not None:
        flags.append(
            _("An organizer suspects AI use that was not declared: %(note)s") % {"note": suspicion.note}
            if suspicion.note
            else _("An organizer suspects AI use that was not declared.")
        )
    if entry.duplicate_file:
        flags.append(_("The same file was sent in with another entry."))
    return flags


# --- Explanations --------------------------------------------------------------------
def explain_shortfall(shortfall: Shortfall) -> str:
    """Why an entry could not get its k judges, in words an organizer can act on."""
    reasons = []
    for kind, count in sorted(shortfall.excluded.items()):
        reasons.append(
            ngettext("%(count)s judge: %(kind)s", "%(count)s judges: %(kind)s", count)
            % {"count": count, "kind": ConflictKind(kind).label.lower()}
        )
    text = ngettext(
        "It has %(have)s of the %(needed)s judges it needs; the panel has %(panel)s judge.",
        "It has %(have)s of the %(needed)s judges it needs; the panel has %(panel)s judges.",
        shortfall.panel_size,
    ) % {"have": shortfall.assigned, "needed": shortfall.needed, "panel": shortfall.panel_size}
    if reasons:
        text += " " + _("Ruled out by a conflict of interest: %(reasons)s.") % {"reasons": "; ".join(reasons)}
    text += " " + _("Add judges to the panel, or lower the number of judges per entry.")
    return text


def shortfall_entries(shortfalls: Iterable[Shortfall]) -> dict[int, Entry]:
    return Entry.objects.in_bulk([s.entry_id for s in shortfalls])
