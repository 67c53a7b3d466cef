"""The stored results table of a round: marked stale by every change it depends on, recomputed on next read.

Recomputing runs the normalisation of judging.ranking over every submitted
score of the round: in one INSERT … SELECT on PostgreSQL, in Python elsewhere
(SQLite has no STDDEV_POP). Tests hold both to the same hand-worked table.
"""

from django.db import connection, transaction
from django.db.models import F

from .. import ranking
from ..enums import ScoreState
from ..models import Assignment, Criterion, Round, RoundEntry, RoundResult, Score
from .common import round_scale

NO_RANK = 2_147_483_647

RESULTS_SQL = """
WITH s AS (
    SELECT a.entry_id, a.judge_id, sc.total
    FROM {score} sc JOIN {assignment} a ON a.id = sc.assignment_id
    WHERE a.round_id = %(round)s AND sc.state = 'submitted'
),
j AS (SELECT judge_id, AVG(total) AS mu, STDDEV_POP(total) AS sd, COUNT(*) AS n FROM s GROUP BY judge_id),
g AS (SELECT AVG(total) AS mu, COALESCE(STDDEV_POP(total), 0) AS sd FROM s),
e AS (
    SELECT s.entry_id, AVG(s.total) AS raw, COUNT(*) AS n, MAX(s.total) - MIN(s.total) AS spread,
           AVG(LEAST(GREATEST(g.mu + g.sd * CASE WHEN j.n > 1 AND j.sd > 1e-12
                                                 THEN (s.total - j.mu) / j.sd ELSE 0 END,
                              %(low)s), %(high)s)) AS norm
    FROM s JOIN j ON j.judge_id = s.judge_id CROSS JOIN g
    GROUP BY s.entry_id
),
r AS (
    SELECT re.entry_id, e.raw, e.norm, COALESCE(e.n, 0) AS n, e.spread,
           CASE WHEN e.raw IS NULL THEN NULL
                ELSE RANK() OVER (ORDER BY ROUND(e.raw::numeric, 9) DESC NULLS LAST) END AS raw_rank,
           CASE WHEN e.norm IS NULL THEN NULL
                ELSE RANK() OVER (ORDER BY ROUND(e.norm::numeric, 9) DESC NULLS LAST) END AS norm_rank
    FROM {round_entry} re LEFT JOIN e ON e.entry_id = re.entry_id
    WHERE re.round_id = %(round)s
)
INSERT INTO {result} (round_id, entry_id, raw_mean, normalised_mean, raw_rank, normalised_rank, raw_order,
                      normalised_order, scores, spread, disagreement)
SELECT %(round)s, entry_id, raw, norm, raw_rank, norm_rank, COALESCE(raw_rank, %(no_rank)s),
       COALESCE(norm_rank, %(no_rank)s), n, spread, COALESCE(spread > %(threshold)s, FALSE)
FROM r
"""


def results_changed(round_id: int) -> None:
    """Mark the round's results stale. Called in the transaction of the change; the row lock it takes also
    makes a concurrent close of the round wait for it (or it for the close)."""
    Round.objects.filter(pk=round_id).update(results_changes=F("results_changes") + 1)


@transaction.atomic
def refresh_results(*, round: Round) -> Round:
    """Recompute the round's results table if anything changed since it was last computed."""
    locked = Round.objects.select_for_update(of=("self",)).get(pk=round.pk)
    if locked.results_computed_for == locked.results_changes:
        return locked
    RoundResult.objects.filter(round=locked).delete()
    scale = round_scale(Criterion.objects.filter(round_id=locked.pk))
    threshold = float(locked.disagreement_threshold)
    if connection.vendor == "postgresql":
        sql = RESULTS_SQL.format(
            score=Score._meta.db_table,
            assignment=Assignment._meta.db_table,
            round_entry=RoundEntry._meta.db_table,
            result=RoundResult._meta.db_table,
        )
        params = {"round": locked.pk, "low": scale[0], "high": scale[1], "threshold": threshold, "no_rank": NO_RANK}
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            # The table's rows were all replaced: fresh statistics let the pages use its indexes at once.
            cursor.execute(f"ANALYZE {RoundResult._meta.db_table}")
    else:
        scores = [
            ranking.ScoreFacts(entry_id=e, judge_id=j, total=t)
            for e, j, t in Score.objects.filter(assignment__round=locked, state=ScoreState.SUBMITTED).values_list(
                "assignment__entry_id", "assignment__judge_id", "total"
            )
        ]
        results = ranking.rank(
            scores,
            entry_ids=RoundEntry.objects.filter(round=locked).values_list("entry_id", flat=True),
            scale=scale,
            threshold=threshold,
        )
        RoundResult.objects.bulk_create(
            [
                RoundResult(
                    round=locked, entry_id=r.entry_id, raw_mean=r.raw_mean, normalised_mean=r.normalised_mean,
                    raw_rank=r.raw_rank, normalised_rank=r.normalised_rank,
                    raw_order=r.raw_rank or NO_RANK, normalised_order=r.normalised_rank or NO_RANK,
                    scores=r.scores, spread=r.spread, disagreement=r.disagreement,
                )
                for r in results
            ],
            batch_size=2000,
        )
    locked.results_computed_for = locked.results_changes
    locked.save(update_fields=["results_computed_for"])
    return locked
