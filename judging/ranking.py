"""Ranking a round: raw weighted means, per-judge z-score normalisation rescaled to the scale, disagreement.

A score's total is the weighted mean of its criteria. A harsh or lenient judge
shifts all their totals; normalising removes that: each judge's totals become
z-scores against that judge's own mean and standard deviation, and the z-scores
are put back on the scale with the mean and standard deviation of every total
in the round (then kept inside the scale). A judge with one score, or with the
same total for everything, tells nothing about order, so their z-score is 0
(the round's mean). The results selector computes the same in SQL;
tests/judging/test_ranking.py holds both to a table worked by hand.
"""

import dataclasses
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal


@dataclasses.dataclass(frozen=True)
class ScoreFacts:
    entry_id: int
    judge_id: int
    total: float


@dataclasses.dataclass(frozen=True)
class EntryResult:
    entry_id: int
    raw_mean: float | None
    normalised_mean: float | None
    raw_rank: int | None
    normalised_rank: int | None
    scores: int
    spread: float | None
    disagreement: bool


def weighted_total(values: Mapping[str, float], weights: Mapping[str, Decimal | float]) -> float:
    """The weighted mean of a score's values; `weights` is criterion key → weight for every criterion."""
    weight_sum = sum(float(w) for w in weights.values())
    return sum(float(values[key]) * float(weight) for key, weight in weights.items()) / weight_sum


def _mean_sd(values: list[float]) -> tuple[float, float]:
    mean = sum(values) / len(values)
    return mean, math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))


def competition_ranks(values: Mapping[int, float | None]) -> dict[int, int | None]:
    """1 for the highest; equal values share a rank and the next rank skips (1, 2, 2, 4); no value, no rank."""
    ordered = sorted((v, key) for key, v in values.items() if v is not None)
    ordered.sort(key=lambda pair: -pair[0])
    ranks: dict[int, int | None] = {key: None for key in values}
    previous, rank = None, 0
    for position, (value, key) in enumerate(ordered, start=1):
        if previous is None or not math.isclose(value, previous, abs_tol=1e-9):
            rank, previous = position, value
        ranks[key] = rank
    return ranks


def rank(
    scores: Iterable[ScoreFacts],
    *,
    entry_ids: Iterable[int] = (),
    scale: tuple[float, float],
    threshold: float,
) -> list[EntryResult]:
    """Results for every entry with a score or named in `entry_ids`, best normalised first."""
    scores = list(scores)
    low, high = scale
    by_judge: dict[int, list[float]] = defaultdict(list)
    for score in scores:
        by_judge[score.judge_id].append(score.total)
    judge_stats = {judge: _mean_sd(totals) for judge, totals in by_judge.items()}
    round_mean, round_sd = _mean_sd([s.total for s in scores]) if scores else (0.0, 0.0)

    raw: dict[int, list[float]] = defaultdict(list)
    normal: dict[int, list[float]] = defaultdict(list)
    for entry_id in entry_ids:
        raw.setdefault(entry_id, [])
    for score in scores:
        mean, sd = judge_stats[score.judge_id]
        z = (score.total - mean) / sd if len(by_judge[score.judge_id]) > 1 and sd > 1e-12 else 0.0
        raw[score.entry_id].append(score.total)
        normal[score.entry_id].append(min(high, max(low, round_mean + z * round_sd)))

    raw_means = {e: (sum(v) / len(v) if v else None) for e, v in raw.items()}
    normal_means = {e: (sum(normal[e]) / len(normal[e]) if normal[e] else None) for e in raw}
    raw_ranks, normal_ranks = competition_ranks(raw_means), competition_ranks(normal_means)
    results = []
    for entry_id, totals in raw.items():
        spread = max(totals) - min(totals) if totals else None
        results.append(
            EntryResult(
                entry_id=entry_id,
                raw_mean=raw_means[entry_id],
                normalised_mean=normal_means[entry_id],
                raw_rank=raw_ranks[entry_id],
                normalised_rank=normal_ranks[entry_id],
                scores=len(totals),
                spread=spread,
                disagreement=spread is not None and spread > threshold,
            )
        )
    results.sort(key=lambda r: (r.normalised_rank is None, r.normalised_rank or 0, r.entry_id))
    return results
