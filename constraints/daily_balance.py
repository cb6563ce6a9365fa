"""Soft: a class's daily load close to its average.

With T weekly periods over n teaching days, each day's periods should lie between floor(T/n) and
ceil(T/n); every period above or below that band costs ``weights.daily_balance``.
"""

from __future__ import annotations

from collections import defaultdict

from constraints.context import ModelContext, PenaltyTerm


def add(ctx: ModelContext) -> list[PenaltyTerm]:
    weight = ctx.index.scenario.weights.daily_balance
    if weight == 0:
        return []
    total: dict[int, int] = defaultdict(int)
    load: dict[tuple[int, int], list] = defaultdict(list)
    for activity in ctx.index.activities:
        for klass in activity.classes:
            total[klass] += activity.periods
        for option, var in ctx.options[activity.index]:
            for placement in option.placements:
                load[(placement.klass, placement.day)].append(activity.length * var)
    terms = []
    for klass in sorted(total):
        bells = ctx.index.bells_of_class(klass)
        days = len(bells.days)
        low, high = total[klass] // days, -(-total[klass] // days)
        deviations = []
        for day in bells.days:
            periods = sum(load.get((klass, day), []))
            deviation = ctx.model.NewIntVar(0, bells.periods, "")
            ctx.model.Add(deviation >= periods - high)
            ctx.model.Add(deviation >= low - periods)
            deviations.append(deviation)
        terms.append(PenaltyTerm("daily_balance", f"daily_balance({ctx.class_name(klass)[1]})", sum(deviations), weight,
                                     classes=(klass,)))
    return terms
