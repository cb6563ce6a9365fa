"""A first placement of an imported FET file's activities, built the way FET builds one, for CP-SAT to complete.

CP-SAT's search, portfolio or local search, found no timetable in 60 s on several of FET's example files
that FET itself solves in seconds (bench/results/fet-speed.md), although the model is not stricter than
FET's (FET's timetable of one of them, fixed in the model, is feasible). FET places the most constrained
activity first and, when no slot is free, evicts the activities in the way and places them again
("recursive swapping"). This module does the same on the engine's intermediate form, for the hard rules
a slot check can test cheaply — teacher and student clashes, not-overlapping activities, min days between
activities, max hours a day, a teacher's max days a week (breaks, not-available and preferred times are
already out of the options). CP-SAT then places what it left out and the rooms, with the rest fixed
(scheduler/timetable/part.py, ``_constructed``); a file with a hard rule of another kind is left to CP-SAT
alone: a complete placement given to CP-SAT as a hint did not help it meet gap and min-hours rules
(Brazil-more-difficult, simpler-Italian: no timetable in 30 s either way).

Deterministic: the same index and seed give the same placement; the work is bounded by a step count, not
the clock, so a reproducible solve (``--effort``) stays reproducible.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass

import numpy as np

from constraints.index import Index

#: Calls of the recursive swapping per activity of the file that ``construct`` makes by default.
DEFAULT_CALLS = 1000
#: FET's recursive swapping: deepest level (FET's 14; 8 measured on KalengaPSY15T1a, whole in 9-14 s where 14
#: took 19-35 s, two seeds, and on FGPS, whole in 34 s in one of two seeds where 14 was in neither within 35 s),
#: the levels below which every option is tried (below that only the best), and calls per activity of the
#: file allowed for placing one activity (FET's 2).
MAX_LEVEL = 8
ALL_OPTIONS_BELOW = 5
CALLS_PER_ACTIVITY = 2
#: An option's count when it would evict an activity moved in the current chain (it is not tried).
LOCKED = 1 << 30
#: Kinds of hard rule the construction checks itself; any other hard rule is CP-SAT's to meet.
CHECKED = frozenset({"MinDaysBetweenActivities", "ActivitiesNotOverlapping", "TeacherMaxHoursDaily",
                     "StudentsMaxHoursDaily", "TeacherMaxDaysPerWeek", "ActivitiesSameStartingTime"})


@dataclass
class _Limit:
    """A resource's daily hours or weekly days cap, over its activities."""

    activities: tuple[int, ...]
    most: int


@dataclass
class Construction:
    """The result: each activity's option (its position in ``Activity.options``), or None when left out."""

    choice: list[int | None]
    placed: int
    #: Calls of the recursive swapping made so far.
    calls: int
    complete: bool
    #: Every hard rule of the file is one the construction checks: a complete placement is a timetable.
    all_checked: bool = False
    left_out: tuple[int, ...] = ()


class _State:
    """Where each activity is, and which activity holds each (teacher or student group, slot) cell."""

    def __init__(self, index: Index) -> None:
        self.hours = index.max_periods
        slots = len(index.bells[0].days) * self.hours
        self.length = [a.length for a in index.activities]
        self.starts = [[index.slot(*o.start) for o in a.options] for a in index.activities]
        self.days = [[s // self.hours for s in starts] for starts in self.starts]
        groups = len(index.classes)
        # A cell is a resource's slot: teachers after the student groups, numbered densely for a flat list.
        self.cells = [[tuple((r * slots) + c for r in ([g for g in a.classes] + [groups + t for t in a.teachers])
                             for c in range(s, s + a.length)) for s in starts]
                      for a, starts in zip(index.activities, self.starts)]
        self.holder = np.full((groups + len(index.teachers)) * slots, -1, dtype=np.int32)
        # Every option of an activity covers as many cells: one matrix an activity, read in one step.
        self.cell_matrix = [np.array(cells, dtype=np.int64).reshape(len(cells), -1) for cells in self.cells]
        self.day_of = [np.array(days, dtype=np.int64) for days in self.days]
        self.choice: list[int | None] = [None] * len(index.activities)

    def start(self, a: int) -> int | None:
        n = self.choice[a]
        return None if n is None else self.starts[a][n]

    def day(self, a: int) -> int | None:
        n = self.choice[a]
        return None if n is None else self.days[a][n]

    def place(self, a: int, n: int) -> None:
        self.choice[a] = n
        self.holder[self.cell_matrix[a][n]] = a

    def remove(self, a: int) -> None:
        n = self.choice[a]
        assert n is not None
        self.holder[self.cell_matrix[a][n]] = -1  # no two activities ever hold one cell
        self.choice[a] = None


class _Builder:
    def __init__(self, index: Index, seed: int) -> None:
        self.ix = index
        self.np_rng = np.random.default_rng(seed)
        self.state = _State(index)
        n = len(index.activities)
        self.min_days: list[list[tuple[int, int]]] = [[] for _ in range(n)]
        self.apart: list[set[int]] = [set() for _ in range(n)]
        self.together: list[set[int]] = [set() for _ in range(n)]
        self.daily: list[list[_Limit]] = [[] for _ in range(n)]
        self.weekly: list[list[_Limit]] = [[] for _ in range(n)]
        self._rules()
        #: What :meth:`by_day` gives an activity that no day rule concerns (read only).
        self.no_day_rules: list[set[int]] = [set() for _ in index.bells[0].days]
        self.all_checked = all(rule.kind in CHECKED for rule in index.rules if rule.hard)
        self.queue = self.order()
        self.queue.reverse()  # a stack: the most constrained on top, and an evicted activity goes back on top
        self.best_choice: list[int | None] = [None] * n
        self.best_placed = 0
        #: FET's tabu list: the last (activity, option) removals, and how often each is among them.
        self.tabu: deque[tuple[int, int | None]] = deque()
        self.tabu_size = n * len(index.bells[0].days) * index.max_periods
        self.tried: dict[tuple[int, int | None], int] = {}
        self.journal: list[tuple[int, int | None]] = []
        self.calls = 0
        #: Activities moved in the current chain of swaps (one more entry, for a free cell's -1, never set).
        self.locked = np.zeros(n + 1, dtype=bool)
        self.call_limit = 0

    # -- the hard rules the construction checks ---------------------------------------------------------
    def _rules(self) -> None:
        ix = self.ix
        by_teacher: dict[int, list[int]] = defaultdict(list)
        by_group: dict[int, list[int]] = defaultdict(list)
        for activity in ix.activities:
            for t in activity.teachers:
                by_teacher[t].append(activity.index)
            for g in activity.classes:
                by_group[g].append(activity.index)
        for rule in ix.rules:
            if not rule.hard:
                continue
            ids = list(dict.fromkeys(rule.activities))
            if rule.kind == "MinDaysBetweenActivities" and (rule.value or 0) > 0:
                for a in ids:
                    self.min_days[a] += [(b, rule.value or 0) for b in ids if b != a]
            elif rule.kind == "ActivitiesNotOverlapping":
                for a in ids:
                    self.apart[a] |= set(ids) - {a}
            elif rule.kind == "ActivitiesSameStartingTime":
                for a in ids:
                    self.together[a] |= set(ids) - {a}
            elif rule.kind in ("TeacherMaxHoursDaily", "TeacherMaxDaysPerWeek"):
                target = self.daily if rule.kind.endswith("Daily") else self.weekly
                for t in rule.teachers:
                    limit = _Limit(tuple(by_teacher.get(t, ())), rule.value or 0)
                    for a in limit.activities:
                        target[a].append(limit)
            elif rule.kind == "StudentsMaxHoursDaily":
                seen = set()
                for g in rule.groups:
                    limit = _Limit(tuple(by_group.get(g, ())), rule.value or 0)
                    if limit.activities in seen:
                        continue
                    seen.add(limit.activities)
                    for a in limit.activities:
                        self.daily[a].append(limit)

    # -- what placing an activity at an option would evict -------------------------------------------------
    def by_day(self, a: int) -> list[set[int]]:
        """Placed activities in the way of ``a`` on each day, whatever the hour: min days between activities,
        max hours a day, max days a week (computed once for all of the activity's options)."""
        st = self.state
        days = len(self.ix.bells[0].days)
        if not (self.min_days[a] or self.daily[a] or self.weekly[a]):
            return self.no_day_rules
        found: list[set[int]] = [set() for _ in range(days)]
        for b, gap in self.min_days[a]:
            d = st.day(b)
            if d is not None:
                for e in range(max(0, d - gap + 1), min(days, d + gap)):
                    found[e].add(b)
        for limit in self.daily[a]:
            for day in range(days):
                self._over_daily(a, day, limit, found[day])
        for limit in self.weekly[a]:
            for day in range(days):
                self._over_weekly(a, day, limit, found[day])
        return found

    def conflicts(self, a: int, n: int, on_day: list[set[int]]) -> set[int]:
        """Placed activities in the way of ``a`` at its option ``n`` (``on_day``: from :meth:`by_day`)."""
        st = self.state
        holder = st.holder
        found = {holder[cell] for cell in st.cells[a][n]}
        found.discard(-1)
        found |= on_day[st.days[a][n]]
        if self.apart[a] or self.together[a]:
            s = st.starts[a][n]
            for b in self.apart[a]:
                t = st.start(b)
                if t is not None and t < s + st.length[a] and s < t + st.length[b]:
                    found.add(b)
            for b in self.together[a]:
                t = st.start(b)
                if t is not None and t != s:
                    found.add(b)
        found.discard(a)
        return found

    def _over_daily(self, a: int, day: int, limit: _Limit, found: set[int]) -> None:
        st = self.state
        there = [b for b in limit.activities if b != a and b not in found and st.day(b) == day]
        hours = sum(st.length[b] for b in there) + st.length[a]
        for b in sorted(there, key=lambda b: (-st.length[b], b)):
            if hours <= limit.most:
                break
            found.add(b)
            hours -= st.length[b]

    def _over_weekly(self, a: int, day: int, limit: _Limit, found: set[int]) -> None:
        st = self.state
        days: dict[int, list[int]] = defaultdict(list)
        for b in limit.activities:
            d = st.day(b)
            if b != a and b not in found and d is not None:
                days[d].append(b)
        if day in days or len(days) < limit.most:
            return
        emptiest = min(days, key=lambda d: (len(days[d]), d))
        found.update(days[emptiest])

    # -- the search ------------------------------------------------------------------------------------
    def order(self) -> list[int]:
        """Most constrained first, as FET sorts them: fewest options, then the most hours of other activities
        sharing a teacher or student group with it, then the most min-days partners."""
        ix = self.ix
        by_resource: dict[tuple[str, int], list[int]] = defaultdict(list)
        for a in ix.activities:
            for key in [("t", t) for t in a.teachers] + [("g", g) for g in a.classes]:
                by_resource[key].append(a.index)

        def key(a: int) -> tuple:
            activity = ix.activities[a]
            shared = {b for key in [("t", t) for t in activity.teachers] + [("g", g) for g in activity.classes]
                      for b in by_resource[key]}
            return (len(activity.options), -sum(ix.activities[b].length for b in shared), -len(self.min_days[a]), a)
        return sorted(range(len(ix.activities)), key=key)

    def ranked(self, a: int) -> tuple[list[set[int]], list[int]]:
        """What is in the way of ``a`` on each day (:meth:`by_day`), and its options that evict no activity moved
        in this chain, the fewest occupied cells and day conflicts first (ties at random): an order only, what
        is in the way is :meth:`conflicts`."""
        st = self.state
        on_day = self.by_day(a)
        held = st.holder[st.cell_matrix[a]]
        counts = (held >= 0).sum(axis=1)
        blocked = self.locked[held].any(axis=1)  # a free cell holds -1: the last entry, never locked
        if any(on_day):
            days = st.day_of[a]
            counts += np.array([len(x) for x in on_day], dtype=np.int64)[days]
            locked_days = np.array([any(self.locked[b] for b in x) for x in on_day])
            blocked |= locked_days[days]
        counts[blocked] = LOCKED
        order = np.lexsort((self.np_rng.random(len(counts)), counts))
        return on_day, order[:len(counts) - int(blocked.sum())].tolist()

    def _place(self, a: int, n: int) -> None:
        self.journal.append((a, self.state.choice[a]))
        if self.state.choice[a] is not None:
            self.state.remove(a)
        self.state.place(a, n)

    def _remove(self, a: int) -> None:
        self.journal.append((a, self.state.choice[a]))
        self.state.remove(a)

    def _undo(self, mark: int) -> None:
        st = self.state
        while len(self.journal) > mark:
            a, before = self.journal.pop()
            if st.choice[a] is not None:
                st.remove(a)
            if before is not None:
                st.place(a, before)

    def swap(self, a: int, level: int) -> bool:
        """FET's recursive swapping ("randomswap"): place ``a`` where nothing is in the way; else, at the options
        with the fewest in the way, evict them and place each of them the same way, one level deeper, undoing
        an option whose evicted activities cannot all be placed. Activities moved in this chain (``locked``,
        ``a`` among them) are not evicted again; below ``ALL_OPTIONS_BELOW`` levels only the best option is
        tried."""
        if level >= MAX_LEVEL or self.calls >= self.call_limit:
            return False
        self.calls += 1
        on_day, options = self.ranked(a)
        for n in options:
            found = self.conflicts(a, n, on_day)
            if not found:
                self._place(a, n)
                return True
            if level == MAX_LEVEL - 1 or self.calls >= self.call_limit:
                return False
            mark = len(self.journal)
            added = sorted(found)
            for b in added:
                self._remove(b)
            self._place(a, n)
            self.locked[added] = True
            if all(self.swap(b, level + 1) for b in added):
                return True
            self._undo(mark)
            self.locked[added] = False
            if level >= ALL_OPTIONS_BELOW:
                return False
        return False

    def evict_for(self, a: int) -> set[int]:
        """When recursive swapping fails: place ``a`` where the fewest removals were already tried (FET's tabu
        list of (activity, option) removals), then where the fewest are in the way, and return the evicted."""
        best: tuple[int, int, int, int, set[int]] | None = None
        st = self.state
        on_day, options = self.ranked(a)
        for rank, n in enumerate(options):
            found = self.conflicts(a, n, on_day)
            tried = sum(self.tried.get((b, st.choice[b]), 0) for b in found)
            if best is None or (tried, len(found), rank) < best[:3]:
                best = (tried, len(found), rank, n, found)
        if best is None:  # no option at all (the prechecks name such an activity): left out
            return set()
        n, found = best[3], best[4]
        for b in sorted(found):
            self._forget_oldest()
            key = (b, st.choice[b])
            self.tried[key] = self.tried.get(key, 0) + 1
            self.tabu.append(key)
            st.remove(b)
        st.place(a, n)
        return found

    def _forget_oldest(self) -> None:
        if len(self.tabu) >= self.tabu_size:
            key = self.tabu.popleft()
            self.tried[key] -= 1

    def advance(self, calls: int) -> Construction:
        """Go on for about ``calls`` more calls of :meth:`swap` (or until every activity is placed); the most
        complete placement so far."""
        st = self.state
        stop = self.calls + calls
        calls_per_activity = CALLS_PER_ACTIVITY * len(st.choice)
        while self.queue and self.calls < stop:
            a = self.queue.pop()
            self.journal.clear()
            self.call_limit = self.calls + calls_per_activity
            self.locked[:] = False
            self.locked[a] = True
            if not self.swap(a, 0):
                self.journal.clear()
                found = self.evict_for(a)
                self.queue.extend(sorted(found, key=lambda b: (len(self.ix.activities[b].options), b), reverse=True))
            placed = len(st.choice) - st.choice.count(None)
            if placed > self.best_placed:
                self.best_choice, self.best_placed = list(st.choice), placed
        return Construction(choice=list(self.best_choice), placed=self.best_placed, calls=self.calls,
                            complete=self.best_placed == len(st.choice), all_checked=self.all_checked,
                            left_out=tuple(a for a, c in enumerate(self.best_choice) if c is None))


class Constructor:
    """A construction that goes on by chunks of work (``advance``), so a caller may try its placements between."""

    def __init__(self, index: Index, seed: int = 0) -> None:
        self._builder = _Builder(index, seed)

    @property
    def calls(self) -> int:
        return self._builder.calls

    def advance(self, calls: int) -> Construction:
        return self._builder.advance(calls)


def construct(index: Index, seed: int = 0, calls: int | None = None) -> Construction:
    """A placement of every activity meeting the hard rules the construction checks, or its most complete
    attempt within ``calls`` (by default ``CALLS_PER_ACTIVITY_DEFAULT`` an activity)."""
    return Constructor(index, seed).advance(calls if calls is not None else DEFAULT_CALLS * max(1, len(index.activities)))
