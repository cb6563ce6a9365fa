"""Soft: teachers' preferred and avoided times.

Penalty: ``weights.teacher_times`` for every period a teacher teaches inside one of their avoided
ranges, and for every period outside their preferred ranges when they listed any.
"""

from __future__ import annotations

from collections import defaultdict

from models import Weekday
from constraints.context import ModelContext, PenaltyTerm


def add(ctx: ModelContext) -> list[PenaltyTerm]:
    weight = ctx.index.scenario.weights.teacher_times
    if weight == 0:
        return []
    per_teacher: dict[int, list] = defaultdict(list)
    for activity in ctx.index.activities:
        person = ctx.index.scenario.teacher_by_id[ctx.index.teachers[activity.teacher]]
        if not person.avoided and not person.preferred:
            continue
        for option, var in ctx.options[activity.index]:
            cost = 0
            for _school, day, period in option.teacher_keys:
                weekday = Weekday.of_index(day)
                cost += any(r.covers(weekday, period) for r in person.avoided)
                cost += bool(person.preferred) and not any(r.covers(weekday, period) for r in person.preferred)
            if cost:
                per_teacher[activity.teacher].append(cost * var)
    return [PenaltyTerm("teacher_times", f"teacher_times({ctx.teacher_name(t)[1]})", sum(terms), weight,
                        teachers=(t,))
            for t, terms in sorted(per_teacher.items())]
