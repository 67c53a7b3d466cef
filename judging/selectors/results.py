"""Reads for the results table: the stored results of a round, recomputed first if anything changed."""

import dataclasses

from django.db.models import Q

from submissions.models import Entry

from .. import ranking
from ..models import Round, RoundResult
from ..services import results as results_table
from .common import PAGE, Page, _limit


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


def stored_results(*, round: Round):
    """The round's stored results (a RoundResult queryset), recomputed first if anything changed since."""
    _fresh(round)
    return RoundResult.objects.filter(round=round)


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


