"""The rule catalogue: FET's vocabulary of time constraints, posted on the engine's one model.

Every :class:`constraints.index.Rule` of a part is posted here. A hard rule is always enforced
(under one assumption literal per rule while an infeasibility is being explained, so the solver can
name it); a soft rule (weight) is enforced unless its violation literal is set, which costs the
weight. Rules that only restrict where an activity may start (breaks, not-available and preferred
times) are applied to the options when the index is built if hard, and here when soft or explained.

Resources are teachers and student groups; a slot is ``Index.slot(day, period)`` on the grid of the
activity's first end. ``check`` lives in ``constraints.checks.rules`` and shares no code with this.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from constraints.context import ModelContext, PenaltyTerm
from constraints.index import Rule

KINDS = ("fet", "consortium")


@dataclass(frozen=True)
class Resource:
    """A teacher, or student groups that have the same activities and unavailable slots."""

    name: str
    activities: tuple[int, ...]
    off: frozenset[int]


class Grid:
    """Lookups the rule families share: starts and cover by slot, busy/used/gap literals, cached."""

    def __init__(self, ctx: ModelContext) -> None:
        self.ctx, self.model, ix = ctx, ctx.model, ctx.index
        self.days, self.hours = max((len(b.days) for b in ix.bells), default=1), ix.max_periods
        self.start: list[dict[int, Any]] = []
        self.cover: list[dict[int, list[Any]]] = []
        for activity in ix.activities:
            starts: dict[int, Any] = {}
            cover: dict[int, list[Any]] = defaultdict(list)
            for option, var in ctx.options[activity.index]:
                first = ix.slot(*option.start)
                starts[first] = var
                for covered in range(first, first + activity.length):
                    cover[covered].append(var)
            self.start.append(starts)
            self.cover.append(cover)
        self.by_teacher: dict[int, list[int]] = defaultdict(list)
        self.by_group: dict[int, list[int]] = defaultdict(list)
        for activity in ix.activities:
            for teacher in activity.teachers:
                self.by_teacher[teacher].append(activity.index)
            for group in activity.classes:
                self.by_group[group].append(activity.index)
        self._cache: dict[tuple, Any] = {}

    @staticmethod
    def of(ctx: ModelContext) -> Grid:
        grid = ctx.shared.get("rules.grid")
        if grid is None:
            grid = ctx.shared["rules.grid"] = Grid(ctx)
        return grid

    def resources(self, rule: Rule) -> list[Resource]:
        """The teachers or student groups a rule applies to; for an …ActivityTag… kind, with the tag's activities only
        (an ordered pair of tags: with either tag's)."""
        ix = self.ctx.index
        keep = set(rule.activities) | set(rule.second) if "ActivityTag" in rule.kind else None

        def own(found: list[int]) -> tuple[int, ...]:
            return tuple(a for a in found if keep is None or a in keep)

        if rule.kind.startswith("Teacher"):
            return [Resource(f"teacher {ix.teacher_name(t)}", own(self.by_teacher.get(t, [])),
                             ix.teacher_off.get(t, frozenset())) for t in rule.teachers]
        merged: dict[tuple, Resource] = {}
        for g in rule.groups:
            key = (own(self.by_group.get(g, [])), ix.group_off.get(g, frozenset()))
            merged.setdefault(key, Resource(f"students {ix.group_name(g)}", key[0], key[1]))
        return [merged[k] for k in sorted(merged, key=lambda k: (k[0], sorted(k[1])))]

    def starts_on_day(self, activity: int, day: int) -> list[Any]:
        low, high = day * self.hours, (day + 1) * self.hours
        return [var for s, var in self.start[activity].items() if low <= s < high]

    def starts_by_slot(self, activities: Iterable[int]) -> dict[int, list[Any]]:
        """Slot -> the literals of these activities starting there."""
        found: dict[int, list[Any]] = defaultdict(list)
        for a in activities:
            for s, lit in self.start[a].items():
                found[s].append(lit)
        return found

    def ends_by_slot(self, activities: Iterable[int]) -> dict[int, list[Any]]:
        """Slot just after an activity's last hour (on its day's grid) -> the literals of these activities ending there."""
        found: dict[int, list[Any]] = defaultdict(list)
        for a in activities:
            for s, lit in self.start[a].items():
                found[s + self.length(a)].append(lit)
        return found

    def length(self, activity: int) -> int:
        return self.ctx.index.activities[activity].length

    def next_open(self, day: int, slot: int) -> int | None:
        """The first slot at or after ``slot`` on ``day`` that is not a break, None past the day's end. FET counts
        two activities with only breaks between them as back to back (consecutive and grouped kinds)."""
        end = (day + 1) * self.hours
        while slot < end and slot in self.ctx.index.breaks:
            slot += 1
        return slot if slot < end else None

    def follows(self, first: int, second: int) -> dict[int, list[Any]]:
        """For each start of ``second``: the start literals of ``first`` it would follow straight after (breaks
        between them allowed, the same day)."""
        found: dict[int, list[Any]] = defaultdict(list)
        for s, lit in self.start[first].items():
            t = self.next_open(s // self.hours, s + self.length(first))
            if t is not None and t in self.start[second]:
                found[t].append(lit)
        return found

    def busy(self, resource: Resource, slot: int) -> Any:
        key = ("busy", resource.activities, slot)
        if key not in self._cache:
            lits = [lit for a in resource.activities for lit in self.cover[a].get(slot, ())]
            if not lits:
                self._cache[key] = 0
            elif len(lits) == 1:
                self._cache[key] = lits[0]
            else:
                flag = self.model.NewBoolVar("")
                self.model.Add(flag == sum(lits))
                self._cache[key] = flag
        return self._cache[key]

    def day_used(self, resource: Resource, day: int) -> Any:
        key = ("used", resource.activities, day)
        if key not in self._cache:
            lits = [lit for a in resource.activities for lit in self.starts_on_day(a, day)]
            if not lits:
                self._cache[key] = 0
            else:
                used = self.model.NewBoolVar("")
                for lit in lits:
                    self.model.AddImplication(lit, used)
                self.model.Add(used <= sum(lits))
                self._cache[key] = used
        return self._cache[key]

    def hours_on_day(self, resource: Resource, day: int) -> Any:
        terms = [self.length(a) * lit for a in resource.activities for lit in self.starts_on_day(a, day)]
        return sum(terms) if terms else None

    def counted_hours(self, resource: Resource, day: int) -> list[int]:
        """The slots of a day that count for gaps and beginnings: not breaks, not the resource's unavailable hours."""
        breaks = self.ctx.index.breaks
        return [s for s in range(day * self.hours, (day + 1) * self.hours) if s not in breaks and s not in resource.off]

    def gaps_on_day(self, resource: Resource, day: int) -> list[Any]:
        key = ("gaps", resource.activities, resource.off, day)
        if key in self._cache:
            return self._cache[key]
        busy = [self.busy(resource, s) for s in self.counted_hours(resource, day)]
        gaps: list[Any] = []
        if sum(1 for b in busy if not isinstance(b, int)) >= 2 and len(busy) >= 3:
            m = self.model
            # started[i]/ending[i]: some lesson at or before/after counted hour i; a gap is an idle
            # counted hour with both. Defined exactly (not only bounded) so the solver propagates both ways.
            started = [m.NewBoolVar("") for _ in busy]
            ending = [m.NewBoolVar("") for _ in busy]
            for i, b in enumerate(busy):
                m.Add(started[i] >= b)
                m.Add(ending[i] >= b)
                if i:
                    m.Add(started[i] >= started[i - 1])
                    m.Add(started[i] <= started[i - 1] + b)
                else:
                    m.Add(started[i] <= b)
            for i in range(len(busy) - 1, -1, -1):
                if i < len(busy) - 1:
                    m.Add(ending[i] >= ending[i + 1])
                    m.Add(ending[i] <= ending[i + 1] + busy[i])
                else:
                    m.Add(ending[i] <= busy[i])
            for i in range(1, len(busy) - 1):
                g = m.NewBoolVar("")
                m.Add(g >= started[i - 1] + ending[i + 1] - busy[i] - 1)
                m.Add(g <= started[i - 1])
                m.Add(g <= ending[i + 1])
                m.Add(g <= 1 - busy[i])
                gaps.append(g)
        self._cache[key] = gaps
        return gaps

    def forbid_gaps(self, resource: Resource, day: int, on: Any) -> None:
        """No gap on a day: after a lesson and an idle counted hour, no later lesson (exact, and propagates well)."""
        busy = [self.busy(resource, s) for s in self.counted_hours(resource, day)]
        for i in range(len(busy) - 2):
            if isinstance(busy[i], int):
                continue
            for k in range(i + 2, len(busy)):
                if isinstance(busy[k], int):
                    continue
                clause = [busy[i].Not(), busy[k].Not()] + ([] if isinstance(busy[i + 1], int) else [busy[i + 1]])
                _enforce(self.model.AddBoolOr(clause), on)


def _enforce(constraint: Any, on: Any) -> None:
    if on is not None:
        constraint.OnlyEnforceIf(on)


# -- the kinds ----------------------------------------------------------------------------------------
def unary(grid: Grid, rule: Rule, on: Any) -> None:
    """Breaks, not-available and preferred times: the starts a rule forbids are not taken."""
    for a in rule.activities:
        length = grid.length(a)
        for s, lit in grid.start[a].items():
            covered = range(s, s + length)
            if rule.kind == "PreferredStartingTimes":
                bad = s not in rule.slots
            elif rule.kind == "PreferredTimeSlots":
                bad = any(c not in rule.slots for c in covered)
            else:
                bad = any(c in rule.slots for c in covered)
            if bad:
                _enforce(grid.model.Add(lit == 0), on)


def min_days(grid: Grid, rule: Rule, on: Any) -> None:
    """Every two of the activities lie at least ``value`` days apart: at most one in any ``value`` consecutive days."""
    ids = list(rule.activities)
    span = rule.value or 0
    if len(ids) < 2 or span <= 0:
        return
    for first in range(grid.days - span + 1):
        lits = [lit for a in ids for d in range(first, first + span) for lit in grid.starts_on_day(a, d)]
        if len(lits) > 1:
            _enforce(grid.model.Add(sum(lits) <= 1), on)


def same_start(grid: Grid, rule: Rule, on: Any) -> None:
    ids = list(rule.activities)
    for other in ids[1:]:
        for s in set(grid.start[ids[0]]) | set(grid.start[other]):
            left, right = grid.start[ids[0]].get(s, 0), grid.start[other].get(s, 0)
            if isinstance(left, int) and isinstance(right, int):
                continue
            _enforce(grid.model.Add(left == right), on)


def consecutive(grid: Grid, rule: Rule, on: Any) -> None:
    """The second activity starts the hour the first ends (breaks between them allowed), the same day."""
    if len(rule.activities) != 2:
        return
    first, second = rule.activities
    length = grid.length(first)
    for s, lit in grid.start[first].items():
        t = grid.next_open(s // grid.hours, s + length)
        follow = grid.start[second].get(t) if t is not None else None
        _enforce(grid.model.Add(lit <= (follow if follow is not None else 0)), on)
    after = grid.follows(first, second)
    for t, lit in grid.start[second].items():
        _enforce(grid.model.Add(lit <= sum(after.get(t, []))), on)


def not_overlapping(grid: Grid, rule: Rule, on: Any) -> None:
    for slot in range(grid.days * grid.hours):
        lits = [lit for a in rule.activities for lit in grid.cover[a].get(slot, ())]
        if len(lits) > 1:
            _enforce(grid.model.Add(sum(lits) <= 1), on)


def max_days(grid: Grid, rule: Rule, on: Any) -> None:
    for resource in grid.resources(rule):
        used = [grid.day_used(resource, d) for d in range(grid.days)]
        _enforce(grid.model.Add(sum(used) <= (rule.value or 0)), on)


def max_hours_daily(grid: Grid, rule: Rule, on: Any) -> None:
    for resource in grid.resources(rule):
        for d in range(grid.days):
            hours = grid.hours_on_day(resource, d)
            if hours is not None:
                _enforce(grid.model.Add(hours <= (rule.value or 0)), on)


def min_hours_daily(grid: Grid, rule: Rule, on: Any) -> None:
    """At least ``value`` hours on a day with lessons; on every day unless empty days are allowed."""
    least = rule.value or 0
    for resource in grid.resources(rule):
        for d in range(grid.days):
            hours = grid.hours_on_day(resource, d)
            if rule.flag:
                if hours is not None:
                    _enforce(grid.model.Add(hours >= least * grid.day_used(resource, d)), on)
            else:
                _enforce(grid.model.Add((hours if hours is not None else 0) >= least), on)


def _gaps(grid: Grid, rule: Rule, on: Any, per_day: bool) -> None:
    for resource in grid.resources(rule):
        if not rule.value:  # no gaps at all: contiguity clauses, far stronger than counting
            for d in range(grid.days):
                grid.forbid_gaps(resource, d, on)
            continue
        daily = [grid.gaps_on_day(resource, d) for d in range(grid.days)]
        if per_day:
            for gaps in daily:
                if gaps:
                    _enforce(grid.model.Add(sum(gaps) <= (rule.value or 0)), on)
        else:
            every = [g for gaps in daily for g in gaps]
            if every:
                _enforce(grid.model.Add(sum(every) <= (rule.value or 0)), on)


def max_gaps_week(grid: Grid, rule: Rule, on: Any) -> None:
    _gaps(grid, rule, on, per_day=False)


def max_gaps_day(grid: Grid, rule: Rule, on: Any) -> None:
    _gaps(grid, rule, on, per_day=True)


def early_beginnings(grid: Grid, rule: Rule, on: Any) -> None:
    """Students begin at their first hour, at the second on at most ``value`` days, never later."""
    for resource in grid.resources(rule):
        late = []
        for d in range(grid.days):
            counted = grid.counted_hours(resource, d)
            if not counted:
                continue
            used = grid.day_used(resource, d)
            first = grid.busy(resource, counted[0])
            second = grid.busy(resource, counted[1]) if len(counted) > 1 else 0
            _enforce(grid.model.Add(first + second >= used), on)
            if isinstance(first, int) and first == 0:
                late.append(used)
            else:
                at_second = grid.model.NewBoolVar("")
                grid.model.Add(at_second >= used - first)
                late.append(at_second)
        if late:
            _enforce(grid.model.Add(sum(late) <= (rule.value or 0)), on)


def same_day(grid: Grid, rule: Rule, on: Any) -> None:
    """The activities start on the same day (any hours)."""
    ids = list(rule.activities)
    for other in ids[1:]:
        for d in range(grid.days):
            left, right = grid.starts_on_day(ids[0], d), grid.starts_on_day(other, d)
            if left or right:
                _enforce(grid.model.Add(sum(left) == sum(right)), on)


def min_gaps(grid: Grid, rule: Rule, on: Any) -> None:
    """Two of the activities on the same day have at least ``value`` free hours between them (never overlap)."""
    ids, gap = list(rule.activities), rule.value or 0
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            for sa, la in grid.start[a].items():
                for sb, lb in grid.start[b].items():
                    if sa // grid.hours != sb // grid.hours:
                        continue
                    if sb >= sa + grid.length(a) + gap or sa >= sb + grid.length(b) + gap:
                        continue
                    _enforce(grid.model.AddBoolOr([la.Not(), lb.Not()]), on)


def grouped(grid: Grid, rule: Rule, on: Any) -> None:
    """Two activities are back to back (breaks between them allowed), in either order, on the same day."""
    if len(rule.activities) != 2:
        return
    first, second = rule.activities
    before = grid.follows(second, first)  # first's starts -> the starts of second it would follow
    for s, lit in grid.start[first].items():
        near = list(before.get(s, []))
        t = grid.next_open(s // grid.hours, s + grid.length(first))
        if t is not None and t in grid.start[second]:
            near.append(grid.start[second][t])
        _enforce(grid.model.Add(lit <= sum(near)), on)


def ends_day(grid: Grid, rule: Rule, on: Any) -> None:
    """Nothing of the activity's students comes after it on its day."""
    ix = grid.ctx.index
    for a in rule.activities:
        groups = [Resource(f"students {ix.group_name(g)}", tuple(grid.by_group.get(g, ())), frozenset())
                  for g in ix.activities[a].classes]
        for s, lit in grid.start[a].items():
            for t in range(s + grid.length(a), (s // grid.hours + 1) * grid.hours):
                for group in groups:
                    busy = grid.busy(group, t)
                    if not isinstance(busy, int):
                        _enforce(grid.model.AddBoolOr([lit.Not(), busy.Not()]), on)


def max_hours_continuously(grid: Grid, rule: Rule, on: Any) -> None:
    """No more than ``value`` busy hours in a row: every ``value + 1`` consecutive hours hold a free one."""
    limit = rule.value or 0
    for resource in grid.resources(rule):
        for d in range(grid.days):
            busy = [grid.busy(resource, s) for s in range(d * grid.hours, (d + 1) * grid.hours)]
            for i in range(len(busy) - limit):
                window = busy[i:i + limit + 1]
                if sum(1 for b in window if not isinstance(b, int)) > limit:
                    _enforce(grid.model.Add(sum(window) <= limit), on)


def min_days_week(grid: Grid, rule: Rule, on: Any) -> None:
    for resource in grid.resources(rule):
        used = [grid.day_used(resource, d) for d in range(grid.days)]
        _enforce(grid.model.Add(sum(used) >= (rule.value or 0)), on)


def interval_max_days(grid: Grid, rule: Rule, on: Any) -> None:
    """At most ``value`` days with a busy hour among the rule's hours of the day (``slots``, on every day)."""
    hours = sorted({s % grid.hours for s in rule.slots})
    for resource in grid.resources(rule):
        _at_most_used(grid, ([b for h in hours if not isinstance(b := grid.busy(resource, d * grid.hours + h), int)]
                             for d in range(grid.days)), rule.value or 0, on)


def _at_most_used(grid: Grid, groups: Iterable[list[Any]], most: int, on: Any) -> None:
    """At most ``most`` of ``groups`` (days, slots…) used, a group being used when any of its literals is true.
    ``groups`` may be a generator: each group's literals are then made just before its flag, as they were."""
    used = []
    for lits in groups:
        if lits:
            flag = grid.model.NewBoolVar("")
            for lit in lits:
                grid.model.AddImplication(lit, flag)
            used.append(flag)
    if len(used) > most:
        _enforce(grid.model.Add(sum(used) <= most), on)


def same_hour(grid: Grid, rule: Rule, on: Any) -> None:
    """The activities start at the same hour (any days)."""
    ids = list(rule.activities)
    for other in ids[1:]:
        for h in range(grid.hours):
            left = [v for s, v in grid.start[ids[0]].items() if s % grid.hours == h]
            right = [v for s, v in grid.start[other].items() if s % grid.hours == h]
            if left or right:
                _enforce(grid.model.Add(sum(left) == sum(right)), on)


def max_days_between(grid: Grid, rule: Rule, on: Any) -> None:
    """Every two of the activities lie at most ``value`` days apart."""
    ids, most = list(rule.activities), rule.value or 0
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            for da in range(grid.days):
                left = grid.starts_on_day(a, da)
                for db in range(grid.days):
                    if abs(da - db) > most and left and (right := grid.starts_on_day(b, db)):
                        _enforce(grid.model.Add(sum(left) + sum(right) <= 1), on)


def ordered(grid: Grid, rule: Rule, on: Any) -> None:
    """The second activity starts after the first ends (later that day or on a later day)."""
    if len(rule.activities) != 2:
        return
    first, second = rule.activities
    length = grid.length(first)
    _enforce(grid.model.Add(sum(s * v for s, v in grid.start[second].items())
                            >= sum((s + length) * v for s, v in grid.start[first].items())), on)


def ordered_if_same_day(grid: Grid, rule: Rule, on: Any) -> None:
    """On the same day, the second activity starts after the first ends."""
    if len(rule.activities) != 2:
        return
    first, second = rule.activities
    length = grid.length(first)
    for s1, l1 in grid.start[first].items():
        for s2, l2 in grid.start[second].items():
            if s1 // grid.hours == s2 // grid.hours and s2 < s1 + length:
                _enforce(grid.model.AddBoolOr([l1.Not(), l2.Not()]), on)


def min_gaps_tag_pair(grid: Grid, rule: Rule, on: Any) -> None:
    """For each teacher or students, each day: a second-tag activity that starts after a first-tag one ends starts
    at least ``value`` hours after that end (plain hours of the day's grid, breaks counted, as FET counts them and as
    MinGapsBetweenActivities does); a second-tag activity before the first-tag one is free.

    Per resource, end slot ``e`` and hour ``t`` in ``[e, e + value)`` of that day: at most one of "a first-tag
    activity ends at e" and "a second-tag activity starts at t". A resource's activities never overlap
    (BasicCompulsoryTime), so each side has at most one true literal and one at-most-one says it; an activity
    with both tags cannot start after it ends, so it never pairs with itself. Groups with the same literals on both
    sides post once."""
    gap, hours = rule.value or 0, grid.hours
    if gap <= 0:
        return
    firsts, seconds = set(rule.activities), set(rule.second)
    posted: set[tuple[tuple[int, ...], tuple[int, ...]]] = set()
    for resource in grid.resources(rule):
        ending = grid.ends_by_slot(a for a in resource.activities if a in firsts)
        starting = grid.starts_by_slot(a for a in resource.activities if a in seconds)
        if not ending or not starting:
            continue
        for end, before in sorted(ending.items()):
            day_end = ((end - 1) // hours + 1) * hours
            for t in range(end, min(end + gap, day_end)):
                after = starting.get(t)
                if not after:
                    continue
                key = (tuple(sorted(x.Index() for x in before)), tuple(sorted(x.Index() for x in after)))
                if key not in posted:
                    posted.add(key)
                    _enforce(grid.model.Add(sum(before) + sum(after) <= 1), on)


def max_slots_from_selection(grid: Grid, rule: Rule, on: Any) -> None:
    """The activities together occupy at most ``value`` of the selected slots."""
    _at_most_used(grid, ([lit for a in rule.activities for lit in grid.cover[a].get(slot, ())]
                         for slot in sorted(rule.slots)), rule.value or 0, on)


def max_simultaneous(grid: Grid, rule: Rule, on: Any) -> None:
    """At each selected slot, at most ``value`` of the activities take place."""
    for slot in sorted(rule.slots):
        lits = [lit for a in rule.activities for lit in grid.cover[a].get(slot, ())]
        if len(lits) > (rule.value or 0):
            _enforce(grid.model.Add(sum(lits) <= (rule.value or 0)), on)


def three_grouped(grid: Grid, rule: Rule, on: Any) -> None:
    """Three activities form one block of consecutive hours (breaks inside allowed) on a day, in any order: some
    block literal holds, each implying the three starts of one order."""
    if len(set(rule.activities)) != 3:
        return
    blocks = []
    for order in itertools.permutations(rule.activities):
        for first in range(grid.days * grid.hours):
            at: int | None = first
            lits = []
            for a in order:
                lit = grid.start[a].get(at) if at is not None else None
                if lit is None:
                    break
                lits.append(lit)
                at = grid.next_open(first // grid.hours, at + grid.length(a))
            else:
                block = grid.model.NewBoolVar("")
                for lit in lits:
                    grid.model.AddImplication(block, lit)
                blocks.append(block)
    _enforce(grid.model.Add(sum(blocks) >= 1), on)


def min_resting(grid: Grid, rule: Rule, on: Any) -> None:
    """At least ``value`` free hours from a day's last busy hour to the next day's first (``flag``: the last day
    to the first too)."""
    rest = rule.value or 0
    pairs = [(d, d + 1) for d in range(grid.days - 1)] + ([(grid.days - 1, 0)] if rule.flag and grid.days > 1 else [])
    for resource in grid.resources(rule):
        for today, tomorrow in pairs:
            for late in range(grid.hours):
                evening = grid.busy(resource, today * grid.hours + late)
                if isinstance(evening, int):
                    continue
                for early in range(grid.hours):
                    if grid.hours - 1 - late + early >= rest:
                        break
                    morning = grid.busy(resource, tomorrow * grid.hours + early)
                    if not isinstance(morning, int):
                        _enforce(grid.model.AddBoolOr([evening.Not(), morning.Not()]), on)


def max_span(grid: Grid, rule: Rule, on: Any) -> None:
    """A day's busy hours lie within ``value`` hours from first to last (``flag``: one day ``value + 1``)."""
    most = rule.value or 0
    for resource in grid.resources(rule):
        exceptions = []
        for d in range(grid.days):
            busy = [grid.busy(resource, s) for s in range(d * grid.hours, (d + 1) * grid.hours)]
            spare = None
            for i, first in enumerate(busy):
                for j in range(i + most, len(busy)):  # hours i..j span j - i + 1 > most
                    last = busy[j]
                    if isinstance(first, int) or isinstance(last, int):
                        continue
                    clause = [first.Not(), last.Not()]
                    if rule.flag and j - i + 1 == most + 1:
                        spare = spare if spare is not None else grid.model.NewBoolVar("")
                        clause.append(spare)
                    _enforce(grid.model.AddBoolOr(clause), on)
            if spare is not None:
                exceptions.append(spare)
        if len(exceptions) > 1:
            _enforce(grid.model.Add(sum(exceptions) <= 1), on)


#: Explicit and ordered: unary kinds first since they shape the variables, then the rest.
FAMILIES: dict[str, Callable[[Grid, Rule, Any], None]] = {
    "BreakTimes": unary,
    "TeacherNotAvailableTimes": unary,
    "StudentsSetNotAvailableTimes": unary,
    "PreferredStartingTimes": unary,
    "PreferredTimeSlots": unary,
    "ActivitiesSameStartingTime": same_start,
    "TwoActivitiesConsecutive": consecutive,
    "ActivitiesNotOverlapping": not_overlapping,
    "MinDaysBetweenActivities": min_days,
    "TeacherMaxDaysPerWeek": max_days,
    "TeacherMaxHoursDaily": max_hours_daily,
    "StudentsMaxHoursDaily": max_hours_daily,
    "TeacherMinHoursDaily": min_hours_daily,
    "StudentsMinHoursDaily": min_hours_daily,
    "TeacherMaxGapsPerWeek": max_gaps_week,
    "TeacherMaxGapsPerDay": max_gaps_day,
    "StudentsMaxGapsPerWeek": max_gaps_week,
    "StudentsMaxGapsPerDay": max_gaps_day,
    "StudentsEarlyMaxBeginningsAtSecondHour": early_beginnings,
    "ActivitiesSameStartingDay": same_day,
    "MinGapsBetweenActivities": min_gaps,
    "TwoActivitiesGrouped": grouped,
    "EndsStudentsDay": ends_day,
    "TeacherMaxHoursContinuously": max_hours_continuously,
    "TeacherMinDaysPerWeek": min_days_week,
    "TeacherIntervalMaxDaysPerWeek": interval_max_days,
    "StudentsIntervalMaxDaysPerWeek": interval_max_days,
    "StudentsMaxHoursContinuously": max_hours_continuously,
    "TeacherActivityTagMaxHoursDaily": max_hours_daily,
    "StudentsActivityTagMaxHoursDaily": max_hours_daily,
    "TeacherActivityTagMaxHoursContinuously": max_hours_continuously,
    "StudentsActivityTagMaxHoursContinuously": max_hours_continuously,
    "ActivitiesSameStartingHour": same_hour,
    "MaxDaysBetweenActivities": max_days_between,
    "TwoActivitiesOrdered": ordered,
    "TwoActivitiesOrderedIfSameDay": ordered_if_same_day,
    "ActivitiesOccupyMaxTimeSlotsFromSelection": max_slots_from_selection,
    "ActivitiesMaxSimultaneousInSelectedTimeSlots": max_simultaneous,
    "ThreeActivitiesGrouped": three_grouped,
    "TeacherMinRestingHours": min_resting,
    "StudentsMinRestingHours": min_resting,
    "TeacherMaxSpanPerDay": max_span,
    "StudentsMaxSpanPerDay": max_span,
    "TeacherMinGapsBetweenOrderedPairOfActivityTags": min_gaps_tag_pair,
    "StudentsMinGapsBetweenOrderedPairOfActivityTags": min_gaps_tag_pair,
}


def add_hard(ctx: ModelContext) -> None:
    """Every hard rule of the part (one assumption literal per rule while explaining)."""
    grid = Grid.of(ctx)
    for rule in ctx.index.rules:
        if rule.hard and rule.kind in FAMILIES:
            on = ctx.requirement(rule.kind, rule.ref, rule.en, rule.zh)
            FAMILIES[rule.kind](grid, rule, on)


def add_soft(ctx: ModelContext) -> list[PenaltyTerm]:
    """Every weighted rule: kept unless its violation literal is set, which costs its weight."""
    grid = Grid.of(ctx)
    terms = []
    for rule in ctx.index.rules:
        if not rule.hard and rule.weight > 0 and rule.kind in FAMILIES:
            violated = ctx.model.NewBoolVar("")
            FAMILIES[rule.kind](grid, rule, violated.Not())
            terms.append(PenaltyTerm("rules", f"rules({rule.kind} {rule.ref})", violated, rule.weight))
    return terms
