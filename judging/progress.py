"""Reads for the organizer's progress chart: how many entries have 0, 1 … k submitted scores (one query)."""

import dataclasses

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from .enums import ScoreState
from .models import Assignment, Round, RoundEntry


@dataclasses.dataclass(frozen=True)
class Band:
    scores: int  # submitted scores an entry has
    entries: int  # how many entries have exactly that many
    complete: bool  # the entry has all the judges' scores it needs


def coverage(*, round: Round) -> list[Band]:
    """Every count of submitted scores from 0 to k (and any above), with the number of entries at it."""
    submitted = (
        Assignment.objects.filter(round_id=round.pk, entry_id=OuterRef("entry_id"), score__state=ScoreState.SUBMITTED)
        .order_by()
        .values("entry_id")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    rows = (
        RoundEntry.objects.filter(round_id=round.pk)
        .annotate(scored=Coalesce(Subquery(submitted), 0))
        .order_by()
        .values("scored")
        .annotate(entries=Count("pk"))
    )
    found = {row["scored"]: row["entries"] for row in rows}
    k = round.judges_per_entry
    return [Band(n, found.get(n, 0), n >= k) for n in range(max([k, *found]) + 1)]
