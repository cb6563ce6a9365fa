"""A class's day (quality.class_day): no free period between two lessons, none before the first.

A class's free periods are the last of its day (课后服务, 自习), or, when the scenario names
``quality.free_slots``, exactly those slots may be free. Per class and teaching day, ``occ[p]`` is
the sum of the variables that put the class in period ``p`` (at most 1, by no_clash, receiving
ends of sync lessons included).

Hard, in one of two shapes (``Index.class_shape``):

* ``balanced`` (tried first): each class's days are as long as its week allows evenly, the longer
  ones first in the week (26 periods in 5 days: 6, 5, 5, 5, 5), so ``occ[p] == 1`` up to the day's
  length and 0 after it. Every slot of the shape then takes exactly one lesson, which CP-SAT
  propagates far better: Pengshui's largest consortium found a first timetable in 2.5 s this way
  and none in 300 s with the prefix alone.
* ``prefix`` (when the balanced shape cannot hold): ``occ[p+1] <= occ[p]``, any day lengths.

With ``quality.free_slots``, ``occ[p] == 1`` outside them instead. Soft (a weight): each step from a
free period to a taught one (a hole or a late start) costs the weight.
"""

from __future__ import annotations

from constraints.context import ModelContext, PenaltyTerm
from models import Weekday
from models.preferences import is_hard, weight_of


def _occupancy(ctx: ModelContext, klass: int, day: int, periods: int) -> list:
    ix = ctx.index
    return [sum(ctx.class_slot.get((klass, ix.slot(day, p)), [])) for p in range(1, periods + 1)]


def add_hard(ctx: ModelContext) -> None:
    if is_hard(ctx.index.scenario.quality.class_day):
        _hard(ctx)


def add_soft(ctx: ModelContext) -> list[PenaltyTerm]:
    weight = weight_of(ctx.index.scenario.quality.class_day)
    return _soft(ctx, weight) if weight else []


def day_lengths(periods: int, days: tuple[int, ...]) -> dict[int, int]:
    """The balanced shape: each day as long as the week allows evenly, the longer days first."""
    base, extra = divmod(periods, max(1, len(days)))
    return {day: base + (1 if rank < extra else 0) for rank, day in enumerate(days)}


def _hard(ctx: ModelContext) -> None:
    ix, free = ctx.index, ctx.index.scenario.quality.free_slots
    weekly = [0] * len(ix.classes)
    for activity in ix.activities:
        for klass in activity.classes:
            weekly[klass] += activity.periods
    for klass in range(len(ix.classes)):
        bells = ix.bells_of_class(klass)
        name_en, name_zh = ctx.class_name(klass)
        literal = ctx.requirement(
            "class_day", ix.classes[klass],
            f"{name_en} has no free period between two lessons and none before the first (quality.class_day)",
            f"{name_zh} 一天之内课与课之间、第一节课之前都不留空节（quality.class_day）")
        lengths = day_lengths(weekly[klass], bells.days)
        for day in bells.days:
            occ = _occupancy(ctx, klass, day, bells.periods)
            for p, here in enumerate(occ, start=1):
                if free:
                    if not any(r.covers(Weekday.of_index(day), p) for r in free):
                        ctx.enforce(ctx.model.Add(here == 1), literal)
                elif ix.class_shape == "balanced":
                    ctx.enforce(ctx.model.Add(here == (1 if p <= lengths[day] else 0)), literal)
                elif p < len(occ):
                    ctx.enforce(ctx.model.Add(occ[p] <= here), literal)


def _soft(ctx: ModelContext, weight: int) -> list[PenaltyTerm]:
    ix, terms = ctx.index, []
    for klass in range(len(ix.classes)):
        bells = ix.bells_of_class(klass)
        steps = []
        for day in bells.days:
            occ = _occupancy(ctx, klass, day, bells.periods)
            for before, after in zip(occ, occ[1:]):
                step = ctx.model.NewBoolVar("")
                ctx.model.Add(step >= after - before)
                steps.append(step)
        if steps:
            terms.append(PenaltyTerm("class_day", f"class_day({ctx.class_name(klass)[1]})", sum(steps), weight,
                                     classes=(klass,)))
    return terms
