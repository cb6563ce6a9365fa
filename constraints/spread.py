"""Soft: a subject's lessons spread over the week, not on adjacent days.

For a class-subject with at least 2 and at most ceil(days / 2) lessons (a double counts once),
where no two need to fall on adjacent days, each pair of adjacent teaching days that both have a
lesson costs ``weights.spread``. Subjects with more lessons cannot avoid adjacency and are left
to the hard once-a-day rule.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

from constraints.context import ModelContext, PenaltyTerm


def spread_applies(lessons: int, days: int) -> bool:
    return 2 <= lessons <= math.ceil(days / 2)


def add(ctx: ModelContext) -> list[PenaltyTerm]:
    weight = ctx.index.scenario.weights.spread
    if weight == 0:
        return []
    counts: Counter[tuple[int, str]] = Counter()
    for activity in ctx.index.activities:
        for klass in activity.classes:
            counts[(klass, activity.subject)] += activity.count
    by_class_subject: dict[tuple[int, str], dict[int, list]] = defaultdict(dict)
    for (klass, subject, day), variables in ctx.class_subject_day.items():
        by_class_subject[(klass, subject)][day] = variables
    terms = []
    for klass, subject in sorted(by_class_subject):
        days = ctx.index.bells_of_class(klass).days
        if not spread_applies(counts[(klass, subject)], len(days)):
            continue
        per_day = by_class_subject[(klass, subject)]
        penalties = []
        for day, following in zip(days, days[1:]):
            if following != day + 1 or day not in per_day or following not in per_day:
                continue
            both = ctx.model.NewBoolVar("")
            # At most one lesson a day here (lessons <= days), so each day's sum is 0 or 1.
            ctx.model.Add(both >= sum(per_day[day]) + sum(per_day[following]) - 1)
            penalties.append(both)
        if penalties:
            name = f"spread({ctx.class_name(klass)[1]} {ctx.subject_name(subject)[1]})"
            terms.append(PenaltyTerm("spread", name, sum(penalties), weight, classes=(klass,)))
    return terms
