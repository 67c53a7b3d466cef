"""Reads for the organizer's progress chart: how many entries have 0, 1 … k submitted scores (one query)."""

import dataclasses

from django.db import connection

from .enums import ScoreState
from .models import Assignment, Round, RoundEntry, Score


@dataclasses.dataclass(frozen=True)
class Band:
    scores: int  # submitted scores an entry has
    entries: int  # how many entries have exactly that many
    complete: bool  # the entry has all the judges' scores it needs


def coverage(*, round: Round) -> list[Band]:
    """Every count of submitted scores from 0 to k (and any above), with the number of entries at it."""
    # The scores are counted per entry once, then the entries per count: a join, not a subquery per entry.
    sql = f"""
        SELECT COALESCE(s.n, 0) AS scored, COUNT(*) FROM {RoundEntry._meta.db_table} re
        LEFT JOIN (
            SELECT a.entry_id, COUNT(*) AS n FROM {Assignment._meta.db_table} a
            JOIN {Score._meta.db_table} sc ON sc.assignment_id = a.id
            WHERE a.round_id = %s AND sc.state = %s GROUP BY a.entry_id
        ) s ON s.entry_id = re.entry_id
        WHERE re.round_id = %s GROUP BY COALESCE(s.n, 0)
    """  # noqa: S608 - the names are the models' own tables; the values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [round.pk, ScoreState.SUBMITTED, round.pk])
        found = dict(cursor.fetchall())
    k = round.judges_per_entry
    return [Band(n, found.get(n, 0), n >= k) for n in range(max([k, *found]) + 1)]
