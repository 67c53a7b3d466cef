"""The final order: the last round's results sorted by the contest's declared tie-break steps (pure functions).

Each step gives every entry a comparable key; entries are ordered by the keys
of the steps in the declared order, so a later step only counts where every
earlier one left two entries level. Entries still level after every step share
a rank and are reported as ties the organizer must decide (when the rule ends
with the organizer's decision) or that stand as ex aequo.
"""

import dataclasses
from collections.abc import Iterable, Mapping

from judging.ranking import EntryResult

from .enums import TieBreakStep

# Means are floats from SQL or Python; equal to nine places is equal.
PLACES = 9


@dataclasses.dataclass(frozen=True)
class Standing:
    entry_id: int
    result: EntryResult
    rank: int | None
    criterion_mean: float | None
    # The step that put this entry below the one above it (None for the first, or when level with it).
    separated_by: str | None
    # Level with a neighbour after every declared step.
    tied: bool


def _down(value: float | None) -> tuple[int, float]:
    """Higher first; no value last."""
    return (1, 0.0) if value is None else (0, -round(value, PLACES))


def _up(value: float | None) -> tuple[int, float]:
    """Lower first; no value last."""
    return (1, 0.0) if value is None else (0, round(value, PLACES))


def step_key(step: str, result: EntryResult, criterion_mean: float | None, decided: int | None):
    if step == TieBreakStep.NORMALISED_MEAN:
        return _down(result.normalised_mean)
    if step == TieBreakStep.RAW_MEAN:
        return _down(result.raw_mean)
    if step == TieBreakStep.CRITERION_MEAN:
        return _down(criterion_mean)
    if step == TieBreakStep.FEWER_SPREAD:
        return _up(result.spread)
    if step == TieBreakStep.ORGANIZER:
        return _up(decided)
    raise ValueError(f"Unknown tie-break step {step!r}")


def order(
    results: Iterable[EntryResult],
    *,
    steps: list[str],
    criterion_means: Mapping[int, float | None] | None = None,
    decided: Mapping[int, int] | None = None,
) -> list[Standing]:
    """Standings best first. `decided` maps entry id → the organizer's position among its tied entries."""
    criterion_means = criterion_means or {}
    decided = decided or {}
    # The normalised mean always comes first: the rule breaks ties, it does not replace the ranking.
    steps = [TieBreakStep.NORMALISED_MEAN.value, *[s for s in steps if s != TieBreakStep.NORMALISED_MEAN]]
    scored = [r for r in results if r.normalised_mean is not None]
    unscored = sorted((r for r in results if r.normalised_mean is None), key=lambda r: r.entry_id)

    def keys(r: EntryResult) -> tuple:
        return tuple(step_key(s, r, criterion_means.get(r.entry_id), decided.get(r.entry_id)) for s in steps)

    scored.sort(key=lambda r: (keys(r), r.entry_id))
    standings: list[Standing] = []
    rank = 0
    previous_keys = None
    level_with_previous = []
    for position, result in enumerate(scored, start=1):
        current = keys(result)
        separated_by = None
        if previous_keys is None:
            rank = position
        elif current != previous_keys:
            rank = position
            separated_by = next(s for s, a, b in zip(steps, previous_keys, current, strict=True) if a != b)
        level_with_previous.append(previous_keys is not None and current == previous_keys)
        previous_keys = current
        standings.append(
            Standing(result.entry_id, result, rank, criterion_means.get(result.entry_id), separated_by, False)
        )
    # An entry is tied when it is level with the one above or the one below.
    for index, standing in enumerate(standings):
        below = index + 1 < len(standings) and level_with_previous[index + 1]
        if level_with_previous[index] or below:
            standings[index] = dataclasses.replace(standing, tied=True)
    standings += [Standing(r.entry_id, r, None, criterion_means.get(r.entry_id), None, False) for r in unscored]
    return standings


def tied_groups(standings: list[Standing]) -> list[list[Standing]]:
    """The groups of entries sharing a rank, in order."""
    groups: dict[int, list[Standing]] = {}
    for standing in standings:
        if standing.tied and standing.rank is not None:
            groups.setdefault(standing.rank, []).append(standing)
    return list(groups.values())
