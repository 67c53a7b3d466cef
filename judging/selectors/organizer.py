"""Reads for the organizer: rounds, panels with progress, the round's entries, and why an entry lacks judges."""

from collections.abc import Iterable

from django.db.models import Avg, Count, OuterRef, Q, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from contest.models import Contest
from submissions.models import Entry

from ..assignment import Shortfall
from ..enums import ConflictKind, ScoreState
from ..models import Assignment, PanelMember, Round, RoundEntry
from .common import PAGE, Page, Progress, _limit


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
    """The round's panel (those who left too), each with its `progress` from the tallies; one query."""
    members = list(PanelMember.objects.filter(round=round).select_related("judge").order_by("judge__full_name", "pk"))
    for member in members:
        member.progress = Progress.of_seat(member)
    return members


def judges_behind(*, round: Round, below_percent: int = 100) -> list[PanelMember]:
    """Active panel members with less than `below_percent` of their work submitted: whom to remind."""
    return [
        m for m in panel_of(round=round) if m.active and m.progress.total and m.progress.percent < below_percent
    ]


def organizer_entries(*, round: Round, after: int | None = None, limit: int = PAGE) -> Page:
    """The round's entries in entry order, each with its tallies (`assigned`, `scored`) and `raw_mean`; two
    queries.

    Organizers see who the entrant is, so it is loaded (`item.entry.entrant`)."""
    assignments = Assignment.objects.filter(round_id=round.pk, entry_id=OuterRef("entry_id"))
    rows = (
        RoundEntry.objects.filter(round=round)
        .select_related("entry__entrant")
        # What the progress table shows: the entry's reference and title, and who sent it in.
        .only("round_id", "entry_id", "assigned", "scored", "entry__reference", "entry__title",
              "entry__entrant__full_name", "entry__entrant__email")
        .annotate(
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
    return Page(items=items, next_after=items[-1].entry_id if more else None, total=total)


def entry_assignments(*, round: Round, entry: Entry) -> list[Assignment]:
    """Who has an entry in a round and how far they got (for the organizer's entry page); one query."""
    return list(
        Assignment.objects.filter(round=round, entry=entry).select_related("judge", "score").order_by("judge_id")
    )



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

