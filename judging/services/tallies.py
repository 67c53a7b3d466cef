"""The counts the progress page reads: each judge's and each entry's assignments and scores in a round.

They are counted again, from the assignments and scores themselves, after
every change to either: for the judge and the entry a score belongs to, for the
whole round after an assignment in bulk or an erasure. Counting again rather
than adding one keeps them right whatever the path of the change; the pages
then read them from a row each instead of counting every score of 10,000
entries at each view (B7). tests/judging/test_tallies.py holds them to a count
from scratch after each service that changes assignments or scores.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from ..enums import ScoreState
from ..models import Assignment, PanelMember, RoundEntry


def _count(assignments, key: str):
    """The number of `assignments` per `key` (judge or entry), 0 when there are none."""
    counted = assignments.order_by().values(key).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


@transaction.atomic
def recount(round_id: int, *, judge_ids: Iterable[int] | None = None, entry_ids: Iterable[int] | None = None) -> None:
    """Count again the round's tallies: of the judges and entries named, or of all when neither is named."""
    whole = judge_ids is None and entry_ids is None
    members = PanelMember.objects.filter(round_id=round_id)
    entries = RoundEntry.objects.filter(round_id=round_id)
    if not whole:
        members = members.filter(judge_id__in=list(judge_ids or []))
        entries = entries.filter(entry_id__in=list(entry_ids or []))
    # The rows are locked first: a change committed meanwhile by another judge's transaction is then seen by
    # the counts below (each statement reads what is committed when it starts), never counted over.
    list(members.order_by("pk").select_for_update().values_list("pk", flat=True))
    list(entries.order_by("pk").select_for_update().values_list("pk", flat=True))
    of_judge = Assignment.objects.filter(round_id=round_id, judge_id=OuterRef("judge_id"))
    members.update(
        assigned=_count(of_judge, "judge_id"),
        scored=_count(of_judge.filter(score__state=ScoreState.SUBMITTED), "judge_id"),
        drafts=_count(of_judge.filter(score__state=ScoreState.DRAFT), "judge_id"),
    )
    of_entry = Assignment.objects.filter(round_id=round_id, entry_id=OuterRef("entry_id"))
    entries.update(
        assigned=_count(of_entry, "entry_id"),
        scored=_count(of_entry.filter(score__state=ScoreState.SUBMITTED), "entry_id"),
    )


def recount_rounds(round_ids: Iterable[int]) -> None:
    for round_id in sorted(set(round_ids)):
        recount(round_id)
