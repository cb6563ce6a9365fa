"""Soft: core subjects (Subject.core, Chinese and maths) in the morning.

Penalty: ``weights.core_in_morning`` for every period of a core subject a class has in the
afternoon (by the base bell schedule's halves), receiving classes of a sync lesson included.
"""

from __future__ import annotations

from collections import defaultdict

from constraints.context import ModelContext, PenaltyTerm


def add(ctx: ModelContext) -> list[PenaltyTerm]:
    weight = ctx.index.scenario.weights.core_in_morning
    core = {s.id for s in ctx.index.scenario.subjects if s.core}
    if weight == 0 or not core:
        return []
    per_class: dict[int, list] = defaultdict(list)
    for activity in ctx.index.activities:
        if activity.subject not in core:
            continue
        for option, var in ctx.options[activity.index]:
            for placement in option.placements:
                morning = ctx.index.bells_of_class(placement.klass).morning[0]
                afternoon = sum(1 for p in range(placement.period, placement.period + activity.length)
                                if not morning[p - 1])
                if afternoon:
                    per_class[placement.klass].append(afternoon * var)
    return [PenaltyTerm("core_morning", f"core_morning({ctx.class_name(k)[1]})", sum(terms), weight)
            for k, terms in sorted(per_class.items())]
