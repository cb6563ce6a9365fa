"""Lower bounds of a part's penalty that hold for any timetable, from counting alone.

CP-SAT's bound stays near 0 on these models (the soft families' LP relaxations are weak), so the
reported gap said nothing. These bounds are small but true: a class with more periods of core
subjects than its week has morning periods pays for the overflow whatever the timetable. Each family
without a counting bound contributes 0.
"""

from __future__ import annotations

from collections import defaultdict

from constraints.context import ModelContext, PenaltyTerm


def core_overflow(ctx: ModelContext) -> int:
    """Core-subject periods that cannot be in the morning: per class, beyond its morning periods."""
    scenario, ix = ctx.index.scenario, ctx.index
    core_periods: dict[int, int] = defaultdict(int)
    for activity in ix.activities:
        for klass in activity.classes:
            grade = scenario.class_by_id[ix.classes[klass]].grade if ix.classes[klass] in scenario.class_by_id else 0
            if activity.subject in scenario.quality.core(scenario.subjects, grade):
                core_periods[klass] += activity.periods
    overflow = 0
    for klass, periods in core_periods.items():
        bells = ix.bells_of_class(klass)
        mornings = sum(bells.morning[0]) * len(bells.days)
        overflow += max(0, periods - mornings)
    return overflow


def lower_bound(ctx: ModelContext, terms: list[PenaltyTerm]) -> float:
    """A lower bound of the weighted penalty of ``terms`` over every timetable of the part."""
    if ctx.index.kind != "consortium":
        return 0.0
    weights = {t.family: t.weight for t in terms}
    return float(weights.get("core_morning", 0) * core_overflow(ctx))
