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
    """The working state, by position (judge i, entry e) in plain lists: this loop runs millions of times.

    `capacity[i]` is how many new entries judge i may hold in the current step.
    """

    def __init__(self, allowed, demand, fixed_load, themes, categories, theme_count, category_count):
        self.allowed = allowed  # entry → tuple of judges it may go to (not already on it)
        self.demand = demand  # entry → judges it still needs
        self.load = list(fixed_load)  # judge → entries, existing and new
        self.on_entry: list[set[int]] = [set() for _ in demand]  # entry → new judges
        self.on_judge: list[set[int]] = [set() for _ in fixed_load]  # judge → new entries
        self.capacity = [0] * len(fixed_load)
        self.themes, self.categories = themes, categories  # entry → theme, category position
        self.theme_seen = [[0] * theme_count for _ in fixed_load]
        self.category_seen = [[0] * category_count for _ in fixed_load]

    def free(self, judge: int) -> int:
        return self.capacity[judge] - len(self.on_judge[judge])

    def _link(self, entry: int, judge: int) -> None:
        self.on_entry[entry].add(judge)
        self.on_judge[judge].add(entry)
        self.load[judge] += 1
        self.theme_seen[judge][self.themes[entry]] += 1
        self.category_seen[judge][self.categories[entry]] += 1

    def _unlink(self, entry: int, judge: int) -> None:
        self.on_entry[entry].discard(judge)
        self.on_judge[judge].discard(entry)
        self.load[judge] -= 1
        self.theme_seen[judge][self.themes[entry]] -= 1
        self.category_seen[judge][self.categories[entry]] -= 1

    def greedy(self, order: list[int]) -> None:
        load, capacity, on_judge = self.load, self.capacity, self.on_judge
        theme_seen, category_seen = self.theme_seen, self.category_seen
        count = len(load)
        for position, entry in enumerate(order):
            taken = self.on_entry[entry]
            need = self.demand[entry] - len(taken)
            if need <= 0:
                continue
            theme, category = self.themes[entry], self.categories[entry]
            candidates = [
                (
                    load[judge],
                    theme_seen[judge][theme],
                    category_seen[judge][category],
                    (judge - position) % count,  # rotate, so ties do not always favour the first judges
                    judge,
                )
                for judge in self.allowed[entry]
                if judge not in taken and capacity[judge] > len(on_judge[judge])
            ]
            if need == 1:
                chosen = [min(candidates)] if candidates else []
            else:
                chosen = heapq.nsmallest(need, candidates)
            for *_key, judge in chosen:
                self._link(entry, judge)

    def augment(self, order: list[int]) -> None:
        """Augmenting paths from every entry still short; an entry with none now will have none later."""
        for entry in order:
            while len(self.on_entry[entry]) < self.demand[entry]:
                if not self._augment_from(entry):
                    break

    def _augment_from(self, source: int) -> bool:
        parent_of_judge: dict[int, int] = {}
        parent_of_entry: dict[int, int] = {source: -1}
        queue = deque([source])
        while queue:
            entry = queue.popleft()
            on_it = self.on_entry[entry]
            for judge in self.allowed[entry]:
                if judge in parent_of_judge or judge in on_it:
                    continue
                parent_of_judge[judge] = entry
                if self.free(judge) > 0:
                    self._apply(judge, parent_of_judge, parent_of_entry)
                    return True
                for other in self.on_judge[judge]:
                    if other not in parent_of_entry:
                        parent_of_entry[other] = judge
                        queue.append(other)
        return False

    def _apply(self, judge: int, parent_of_judge: dict[int, int], parent_of_entry: dict[int, int]) -> None:
        # Walk back: each entry takes the judge after it on the path and gives up the one it came through.
        while True:
            entry = parent_of_judge[judge]
            previous_judge = parent_of_entry[entry]
            self._link(entry, judge)
            if previous_judge == -1:
                return
            self._unlink(entry, previous_judge)
            judge = previous_judge


def _positions(values) -> list[int]:
    index: dict = {}
    return [index.setdefault(value, len(index)) for value in values]


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
    judge_position = {judge_id: i for i, judge_id in enumerate(judge_ids)}
    entry_position = {entry.id: e for e, entry in enumerate(entries)}
    excluded = exclusions(entries, judges, conflicts, avoid_same_country=avoid_same_country)
    fixed_on_entry: list[set[int]] = [set() for _ in entries]  # judge ids, known to us or not
    fixed_load = [0] * len(judges)
    for entry_id, judge_id in existing:
        e = entry_position.get(entry_id)
        if e is not None and judge_id not in fixed_on_entry[e]:
            fixed_on_entry[e].add(judge_id)
            if judge_id in judge_position:
                fixed_load[judge_position[judge_id]] += 1

    allowed: list[tuple[int, ...]] = []
    demand: list[int] = []
    everyone = tuple(range(len(judges)))
    for e, entry in enumerate(entries):
        barred = excluded[entry.id]
        fixed = fixed_on_entry[e]
        if not barred and not fixed:
            allowed.append(everyone)
        else:
            allowed.append(
                tuple(i for i, judge_id in enumerate(judge_ids) if judge_id not in barred and judge_id not in fixed)
            )
        demand.append(max(0, k - len(fixed)))
    themes = _positions(entry.theme_id for entry in entries)
    categories = _positions(entry.category_id for entry in entries)
    flow = _Flow(allowed, demand, fixed_load, themes, categories, max(themes, default=0) + 1,
                 max(categories, default=0) + 1)

    # The most constrained entries (fewest spare judges) choose first.
    order = sorted(
        (e for e in range(len(entries)) if demand[e]), key=lambda e: (len(allowed[e]) - demand[e], entries[e].id)
    )
    # Each entry can get at most as many judges as it is allowed, so only that much load is to share.
    reachable = sum(min(demand[e], len(allowed[e])) for e in range(len(entries)))
    total = sum(fixed_load) + reachable
    over_share: list[int] = []
    if judges:
        low, high = total // len(judges), -(-total // len(judges))
        for share in (low, high):
            flow.capacity = [max(0, share - fixed_load[i]) for i in range(len(judges))]
            flow.greedy(order)
            flow.augment(order)
        short = [e for e in order if len(flow.on_entry[e]) < min(demand[e], len(allowed[e]))]
        if short and not strict_balance:
            flow.capacity = [len(entries)] * len(judges)
            flow.greedy(short)
            over_share = [entries[e].id for e in short]

    loads = {judge_id: flow.load[i] for i, judge_id in enumerate(judge_ids)}
    shortfalls = []
    for e, entry in enumerate(entries):
        have = len(fixed_on_entry[e]) + len(flow.on_entry[e])
        if have < k:
            shortfalls.append(
                Shortfall(
                    entry_id=entry.id,
                    assigned=have,
                    needed=k,
                    panel_size=len(judges),
                    excluded=dict(Counter(excluded[entry.id].values())),
                )
            )
    return Plan(
        assignments=sorted((entries[e].id, judge_ids[i]) for e in range(len(entries)) for i in flow.on_entry[e]),
        shortfalls=shortfalls,
        loads=loads,
        balanced=not loads or max(loads.values()) - min(loads.values()) <= 1,
        over_share=over_share,
    )
