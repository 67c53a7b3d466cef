"""Who judges what: a pure function from entries, judges and conflicts to a balanced, conflict-free assignment.

The problem is a flow: each entry needs k judges, each judge takes about the
same share, and an entry may only go to a judge without a conflict with it.
A greedy pass (most constrained entries first, least loaded judges first,
preferring judges who have seen fewest of the entry's theme and category)
places almost everything; augmenting paths (moving an entry from a full judge
to a free one) repair the rest, which makes the result a maximum flow.

It runs in two steps so that loads stay within one: first every judge is
filled up to the lower share ⌊T/m⌋, then up to the upper share ⌈T/m⌉.
Augmenting never empties a judge, so the first step's floor survives the
second. If coverage is still short and `strict_balance` is off, a last step
lets judges go over their share, because an entry judged by k people matters
more than equal loads; `balanced` then says the loads could not be kept even.
"""

import dataclasses
import heapq
from collections import Counter, defaultdict, deque
from collections.abc import Iterable

from .enums import ConflictKind


@dataclasses.dataclass(frozen=True)
class EntryFacts:
    id: int
    entrant_id: int
    theme_id: int = 0
    category_id: int = 0
    country: str = ""
    organisation: str = ""


@dataclasses.dataclass(frozen=True)
class JudgeFacts:
    id: int
    country: str = ""
    organisation: str = ""


@dataclasses.dataclass(frozen=True)
class Conflict:
    """A recorded conflict: with one entry, or with every entry of an entrant."""

    judge_id: int
    entry_id: int | None = None
    entrant_id: int | None = None
    kind: str = ConflictKind.DECLARED


@dataclasses.dataclass(frozen=True)
class Shortfall:
    """An entry that cannot have k judges, and why: how many judges each kind of conflict rules out."""

    entry_id: int
    assigned: int
    needed: int
    panel_size: int
    excluded: dict[str, int]


@dataclasses.dataclass
class Plan:
    assignments: list[tuple[int, int]]  # new (entry id, judge id) pairs
    shortfalls: list[Shortfall]
    loads: dict[int, int]  # judge id → entries, existing and new
    balanced: bool  # loads differ by at most one
    # Entries that went over a judge's fair share, because no judge within it was free of conflicts.
    over_share: list[int] = dataclasses.field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.shortfalls


def _normal(text: str) -> str:
    return " ".join(text.casefold().split())


def exclusions(
    entries: list[EntryFacts],
    judges: list[JudgeFacts],
    conflicts: Iterable[Conflict],
    *,
    avoid_same_country: bool,
) -> dict[int, dict[int, str]]:
    """For each entry id, the judges it may not go to and the first reason found for each."""
    by_entry: dict[int, list[Conflict]] = defaultdict(list)
    by_entrant: dict[int, list[Conflict]] = defaultdict(list)
    for conflict in conflicts:
        if conflict.entry_id is not None:
            by_entry[conflict.entry_id].append(conflict)
        if conflict.entrant_id is not None:
            by_entrant[conflict.entrant_id].append(conflict)
    judge_ids = {judge.id for judge in judges}
    by_organisation: dict[str, list[int]] = defaultdict(list)
    by_country: dict[str, list[int]] = defaultdict(list)
    for judge in judges:
        if judge.organisation.strip():
            by_organisation[_normal(judge.organisation)].append(judge.id)
        if judge.country:
            by_country[judge.country.upper()].append(judge.id)
    result: dict[int, dict[int, str]] = {}
    for entry in entries:
        excluded: dict[int, str] = {}
        for conflict in (*by_entry.get(entry.id, ()), *by_entrant.get(entry.entrant_id, ())):
            if conflict.judge_id in judge_ids:
                excluded.setdefault(conflict.judge_id, str(conflict.kind))
        if entry.organisation.strip():
            for judge_id in by_organisation.get(_normal(entry.organisation), ()):
                excluded.setdefault(judge_id, ConflictKind.SAME_ORGANISATION.value)
        if avoid_same_country and entry.country:
            for judge_id in by_country.get(entry.country.upper(), ()):
                excluded.setdefault(judge_id, ConflictKind.SAME_COUNTRY.value)
        result[entry.id] = excluded
    return result


class _Flow:
    """The working state: who has what, and how much more each judge may take in the current step."""

    def __init__(self, entries, judges, allowed, demand, fixed_load, spread_keys):
        self.entries = entries
        self.judges = judges
        self.allowed = allowed  # entry id → tuple of judge ids it may go to (not already on it)
        self.demand = demand  # entry id → judges still needed
        self.fixed_load = fixed_load  # judge id → existing assignments
        self.on_entry: dict[int, set[int]] = defaultdict(set)  # entry → new judges
        self.on_judge: dict[int, set[int]] = defaultdict(set)  # judge → new entries
        self.capacity: dict[int, int] = {}
        self.theme_seen: dict[tuple[int, int], int] = Counter()
        self.category_seen: dict[tuple[int, int], int] = Counter()
        self.spread_keys = spread_keys  # entry id → (theme, category)

    def load(self, judge_id: int) -> int:
        return self.fixed_load[judge_id] + len(self.on_judge[judge_id])

    def free(self, judge_id: int) -> int:
        return self.capacity[judge_id] - len(self.on_judge[judge_id])

    def _link(self, entry_id: int, judge_id: int) -> None:
        self.on_entry[entry_id].add(judge_id)
        self.on_judge[judge_id].add(entry_id)
        theme, category = self.spread_keys[entry_id]
        self.theme_seen[judge_id, theme] += 1
        self.category_seen[judge_id, category] += 1

    def _unlink(self, entry_id: int, judge_id: int) -> None:
        self.on_entry[entry_id].discard(judge_id)
        self.on_judge[judge_id].discard(entry_id)
        theme, category = self.spread_keys[entry_id]
        self.theme_seen[judge_id, theme] -= 1
        self.category_seen[judge_id, category] -= 1

    def greedy(self, order: list[int]) -> None:
        for position, entry_id in enumerate(order):
            need = self.demand[entry_id] - len(self.on_entry[entry_id])
            if need <= 0:
                continue
            theme, category = self.spread_keys[entry_id]
            taken = self.on_entry[entry_id]
            count = len(self.judges)
            candidates = [
                (
                    self.load(judge_id),
                    self.theme_seen[judge_id, theme],
                    self.category_seen[judge_id, category],
                    (index - position) % count,  # rotate, so ties do not always favour the first judges
                    judge_id,
                )
                for index, judge_id in self.allowed[entry_id]
                if judge_id not in taken and self.free(judge_id) > 0
            ]
            for *_key, judge_id in heapq.nsmallest(need, candidates):
                self._link(entry_id, judge_id)

    def augment(self, order: list[int]) -> None:
        """Augmenting paths from every entry still short; an entry with none now will have none later."""
        for entry_id in order:
            while len(self.on_entry[entry_id]) < self.demand[entry_id]:
                if not self._augment_from(entry_id):
                    break

    def _augment_from(self, source: int) -> bool:
        parent_of_judge: dict[int, int] = {}
        parent_of_entry: dict[int, int] = {source: -1}
        queue = deque([source])
        while queue:
            entry_id = queue.popleft()
            on_it = self.on_entry[entry_id]
            for _index, judge_id in self.allowed[entry_id]:
                if judge_id in parent_of_judge or judge_id in on_it:
                    continue
                parent_of_judge[judge_id] = entry_id
                if self.free(judge_id) > 0:
                    self._apply(judge_id, parent_of_judge, parent_of_entry)
                    return True
                for other in self.on_judge[judge_id]:
                    if other not in parent_of_entry:
                        parent_of_entry[other] = judge_id
                        queue.append(other)
        return False

    def _apply(self, judge_id: int, parent_of_judge: dict[int, int], parent_of_entry: dict[int, int]) -> None:
        # Walk back: each entry takes the judge after it on the path and gives up the one it came through.
        while True:
            entry_id = parent_of_judge[judge_id]
            previous_judge = parent_of_entry[entry_id]
            self._link(entry_id, judge_id)
            if previous_judge == -1:
                return
            self._unlink(entry_id, previous_judge)
            judge_id = previous_judge


def assign(
    *,
    entries: Iterable[EntryFacts],
    judges: Iterable[JudgeFacts],
    conflicts: Iterable[Conflict] = (),
    k: int,
    existing: Iterable[tuple[int, int]] = (),
    avoid_same_country: bool = False,
    strict_balance: bool = False,
) -> Plan:
    """New (entry, judge) pairs so that every entry has k judges, loads are even and no conflict is assigned.

    `existing` pairs are kept and count towards both an entry's k and a judge's
    load. A pair naming a judge not given (one who left the panel after scoring)
    still counts towards the entry's k; a pair naming an entry not given is ignored.
    """
    entries = list(entries)
    judges = list(judges)
    judge_ids = [judge.id for judge in judges]
    known_judges = set(judge_ids)
    known_entries = {entry.id for entry in entries}
    excluded = exclusions(entries, judges, conflicts, avoid_same_country=avoid_same_country)
    fixed_on_entry: dict[int, set[int]] = defaultdict(set)
    fixed_load: dict[int, int] = Counter()
    for entry_id, judge_id in existing:
        if entry_id in known_entries and judge_id not in fixed_on_entry[entry_id]:
            fixed_on_entry[entry_id].add(judge_id)
            if judge_id in known_judges:
                fixed_load[judge_id] += 1

    allowed: dict[int, tuple[tuple[int, int], ...]] = {}
    demand: dict[int, int] = {}
    for entry in entries:
        barred = excluded[entry.id]
        fixed = fixed_on_entry[entry.id]
        allowed[entry.id] = tuple(
            (index, judge_id)
            for index, judge_id in enumerate(judge_ids)
            if judge_id not in barred and judge_id not in fixed
        )
        demand[entry.id] = max(0, k - len(fixed))
    spread_keys = {entry.id: (entry.theme_id, entry.category_id) for entry in entries}
    flow = _Flow(entries, judge_ids, allowed, demand, fixed_load, spread_keys)

    # The most constrained entries (fewest spare judges) choose first.
    order = sorted(
        (entry.id for entry in entries if demand[entry.id]),
        key=lambda entry_id: (len(allowed[entry_id]) - demand[entry_id], entry_id),
    )
    # Each entry can get at most as many judges as it is allowed, so only that much load is to share.
    reachable = sum(min(demand[e], len(allowed[e])) for e in demand)
    total = sum(fixed_load[judge_id] for judge_id in judge_ids) + reachable
    over_share: list[int] = []
    if judge_ids:
        low, high = total // len(judge_ids), -(-total // len(judge_ids))
        for share in (low, high):
            for judge_id in judge_ids:
                flow.capacity[judge_id] = max(0, share - fixed_load[judge_id])
            flow.greedy(order)
            flow.augment(order)
        short = [e for e in order if len(flow.on_entry[e]) < min(demand[e], len(allowed[e]))]
        if short and not strict_balance:
            for judge_id in judge_ids:
                flow.capacity[judge_id] = len(entries)
            flow.greedy(short)
            over_share = short

    loads = {judge_id: flow.load(judge_id) for judge_id in judge_ids}
    shortfalls = []
    for entry in entries:
        have = len(fixed_on_entry[entry.id]) + len(flow.on_entry[entry.id])
        if have < k:
            shortfalls.append(
                Shortfall(
                    entry_id=entry.id,
                    assigned=have,
                    needed=k,
                    panel_size=len(judge_ids),
                    excluded=dict(Counter(excluded[entry.id].values())),
                )
            )
    return Plan(
        assignments=sorted((e, j) for e, judges_on in flow.on_entry.items() for j in judges_on),
        shortfalls=shortfalls,
        loads=loads,
        balanced=not loads or max(loads.values()) - min(loads.values()) <= 1,
        over_share=over_share,
    )
