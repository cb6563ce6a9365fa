"""Soft: core subjects in the morning (quality.core_subjects, core_from_grade; default 语文 and 数学).

Penalty: ``weights.core_in_morning`` for every period of a core subject a class has in the
afternoon (by the base bell schedule's halves), receiving classes of a sync lesson included.
"""

from __future__ import annotations

from collections import defaultdict

from constraints.context import ModelContext, PenaltyTerm


def add(ctx: ModelContext) -> list[PenaltyTerm]:
    scenario = ctx.index.scenario
    weight = scenario.weights.core_in_morning
    if weight == 0:
        return []
    core_of = {k: scenario.quality.core(scenario.subjects, scenario.class_by_id[c].grade)
               for k, c in enumerate(ctx.index.classes)}
    per_class: dict[int, list] = defaultdict(list)
    for activity in ctx.index.activities:
        for option, var in ctx.options[activity.index]:
            for placement in option.placements:
                if activity.subject not in core_of[placement.klass]:
                    continue
                morning = ctx.index.bells_of_class(placement.klass).morning[0]
                afternoon = sum(1 for p in range(placement.period, placement.period + activity.length)
                                if not morning[p - 1])
                if afternoon:
                    per_class[placement.klass].append(afternoon * var)
    return [PenaltyTerm("core_morning", f"core_morning({ctx.class_name(k)[1]})", sum(terms), weight, classes=(k,))
            for k, terms in sorted(per_class.items())]
