"""Imported (FET) time constraints, posted to the CP-SAT model of explicit activities.

Each family takes the model context (``scheduler.timetable.explicit.ExplicitModel``), one rule and its
enforcement literal ``on`` (None: always enforced). A hard rule is always enforced, except while
an infeasibility is being explained, when each gets a literal the solver may name in its core; a
soft rule (weight < 100) is enforced unless its violation literal is set, which costs the weight.
Rules that only restrict where an activity may start (breaks, not-available times, preferred
times) are applied by the context before variables exist when hard, and here when soft or explained.

``check`` lives in ``constraints.checks.explicit`` and shares no code with this module.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from models.explicit import TimeRule


def _enforce(constraint: Any, on: Any) -> None:
    if on is not None:
        constraint.OnlyEnforceIf(on)


def unary(ctx: Any, rule: TimeRule, on: Any) -> None:
    """Breaks, not-available and preferred times: the starts a rule forbids are not taken."""
    for ident, bad in ctx.forbidden_starts(rule).items():
        lits = [ctx.x[ident][s] for s in bad if s in ctx.x[ident]]
        if lits:
            _enforce(ctx.model.Add(sum(lits) == 0), on)


def min_days(ctx: Any, rule: TimeRule, on: Any) -> None:
    """Every two of the activities lie at least ``value`` days apart: at most one in any ``value`` consecutive days."""
    ids = [a for a in rule.activities if a in ctx.x]
    span = rule.value or 0
    if len(ids) < 2 or span <= 0:
        return
    for first in range(ctx.days - span + 1):
        window = range(first, first + span)
        lits = [lit for a in ids for d in window for lit in ctx.starts_on_day(a, d)]
        if len(lits) > 1:
            _enforce(ctx.model.Add(sum(lits) <= 1), on)


def same_start(ctx: Any, rule: TimeRule, on: Any) -> None:
    ids = [a for a in rule.activities if a in ctx.x]
    for other in ids[1:]:
        for s in set(ctx.x[ids[0]]) | set(ctx.x[other]):
            left, right = ctx.x[ids[0]].get(s, 0), ctx.x[other].get(s, 0)
            if isinstance(left, int) and isinstance(right, int):
                continue
            _enforce(ctx.model.Add(left == right), on)


def consecutive(ctx: Any, rule: TimeRule, on: Any) -> None:
    """The second activity starts the hour the first ends, the same day."""
    first, second = rule.activities
    if first not in ctx.x or second not in ctx.x:
        return
    length = ctx.duration[first]
    for s, lit in ctx.x[first].items():
        follow = ctx.x[second].get(s + length) if (s % ctx.hours) + length < ctx.hours else None
        _enforce(ctx.model.Add(lit <= (follow if follow is not None else 0)), on)
    for t, lit in ctx.x[second].items():
        before = ctx.x[first].get(t - length) if (t % ctx.hours) - length >= 0 else None
        _enforce(ctx.model.Add(lit <= (before if before is not None else 0)), on)


def not_overlapping(ctx: Any, rule: TimeRule, on: Any) -> None:
    ids = [a for a in rule.activities if a in ctx.x]
    for slot in range(ctx.days * ctx.hours):
        lits = [lit for a in ids for lit in ctx.cover[a].get(slot, ())]
        if len(lits) > 1:
            _enforce(ctx.model.Add(sum(lits) <= 1), on)


def max_days(ctx: Any, rule: TimeRule, on: Any) -> None:
    for resource in ctx.resources(rule):
        used = [ctx.day_used(resource, d) for d in range(ctx.days)]
        _enforce(ctx.model.Add(sum(used) <= (rule.value or 0)), on)


def max_hours_daily(ctx: Any, rule: TimeRule, on: Any) -> None:
    for resource in ctx.resources(rule):
        for d in range(ctx.days):
            hours = ctx.hours_on_day(resource, d)
            if hours is not None:
                _enforce(ctx.model.Add(hours <= (rule.value or 0)), on)


def min_hours_daily(ctx: Any, rule: TimeRule, on: Any) -> None:
    """At least ``value`` hours on a day with lessons; on every day unless empty days are allowed."""
    least = rule.value or 0
    for resource in ctx.resources(rule):
        for d in range(ctx.days):
            hours = ctx.hours_on_day(resource, d)
            if rule.flag:
                if hours is not None:
                    _enforce(ctx.model.Add(hours >= least * ctx.day_used(resource, d)), on)
            else:
                _enforce(ctx.model.Add((hours if hours is not None else 0) >= least), on)


def _gaps(ctx: Any, rule: TimeRule, on: Any, per_day: bool) -> None:
    for resource in ctx.resources(rule):
        if not rule.value:  # no gaps at all: contiguity clauses, far stronger than counting
            for d in range(ctx.days):
                ctx.forbid_gaps(resource, d, on)
            continue
        daily = [ctx.gaps_on_day(resource, d) for d in range(ctx.days)]
        if per_day:
            for gaps in daily:
                if gaps:
                    _enforce(ctx.model.Add(sum(gaps) <= (rule.value or 0)), on)
        else:
            every = [g for gaps in daily for g in gaps]
            if every:
                _enforce(ctx.model.Add(sum(every) <= (rule.value or 0)), on)


def max_gaps_week(ctx: Any, rule: TimeRule, on: Any) -> None:
    _gaps(ctx, rule, on, per_day=False)


def max_gaps_day(ctx: Any, rule: TimeRule, on: Any) -> None:
    _gaps(ctx, rule, on, per_day=True)


def early_beginnings(ctx: Any, rule: TimeRule, on: Any) -> None:
    """Students begin at their first hour, at the second on at most ``value`` days, never later."""
    for resource in ctx.resources(rule):
        late = []
        for d in range(ctx.days):
            counted = ctx.counted_hours(resource, d)
            if not counted:
                continue
            used = ctx.day_used(resource, d)
            first = ctx.busy(resource, counted[0])
            second = ctx.busy(resource, counted[1]) if len(counted) > 1 else 0
            _enforce(ctx.model.Add(first + second >= used), on)
            if isinstance(first, int) and first == 0:
                late.append(used)
            else:
                at_second = ctx.model.NewBoolVar("")
                ctx.model.Add(at_second >= used - first)
                late.append(at_second)
        if late:
            _enforce(ctx.model.Add(sum(late) <= (rule.value or 0)), on)


#: Explicit and ordered: unary rules first since they shape the variables, then the rest.
FAMILIES: dict[str, Callable[[Any, TimeRule, Any], None]] = {
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
}
UNARY = frozenset(k for k, f in FAMILIES.items() if f is unary)


