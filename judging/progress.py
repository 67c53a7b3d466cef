"""Reads for the organizer's progress chart: how many entries have 0, 1 … k submitted scores (one query, on the
entries' tallies: services.tallies)."""

import dataclasses

from django.db.models import Count

from .models import Round, RoundEntry


@dataclasses.dataclass(frozen=True)
class Band:
    scores: int  # submitted scores an entry has
    entries: int  # how many entries have exactly that many
    complete: bool  # the entry has all the judges' scores it needs


def coverage(*, round: Round) -> list[Band]:
    """Every count of submitted scores from 0 to k (and any above), with the number of entries at it."""
    found = dict(
        RoundEntry.objects.filter(round=round).order_by().values_list("scored").annotate(n=Count("pk"))
    )
    k = round.judges_per_entry
    return [Band(n, found.get(n, 0), n >= k) for n in range(max([k, *found]) + 1)]
