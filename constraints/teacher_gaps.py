"""Soft: idle periods between a teacher's lessons in a day (空堂).

For each teacher and day, a period p is a gap when the teacher teaches before p and after p but
not at p (period numbers of the schools' timetables). Each gap costs ``weights.teacher_gaps``.
Formulation: ``busy[p]``; ``before[p] >= busy[q]`` for q <= p and ``after[p] >= busy[q]`` for
q >= p (monotone chains); ``gap[p] >= before[p-1] + after[p+1] - 1 - busy[p]``. Only lower bounds
are needed because the objective pushes every auxiliary down.
"""

from __future__ import annotations

from collections import defaultdict

from constraints.context import ModelContext, PenaltyTerm


def add(ctx: ModelContext) -> list[PenaltyTerm]:
    weight = ctx.index.scenario.weights.teacher_gaps
    if weight == 0:
        return []
    model = ctx.model
    load: dict[int, int] = defaultdict(int)
    for activity in ctx.index.activities:
        load[activity.teacher] += activity.periods
    by_teacher_day: dict[tuple[int, int], dict[int, list]] = defaultdict(lambda: defaultdict(list))
    schools_at: dict[tuple[int, int, int], int] = defaultdict(int)
    for (teacher, (_school, day, period)), variables in ctx.teacher_key.items():
        by_teacher_day[(teacher, day)][period].extend(variables)
        schools_at[(teacher, day, period)] += 1
    per_teacher: dict[int, list] = defaultdict(list)
    for teacher, day in sorted(by_teacher_day):
        person = ctx.index.scenario.teacher_by_id[ctx.index.teachers[teacher]]
        if load[teacher] < 2 or person.max_daily < 2:
            continue
        periods = by_teacher_day[(teacher, day)]
        first, last = min(periods), max(periods)
        if last - first < 2:
            continue
        busy = {}
        for p in range(first, last + 1):
            variables = periods.get(p, [])
            if schools_at[(teacher, day, p)] <= 1:
                # One (school, day, period) key: no_clash keeps this sum at most 1.
                busy[p] = sum(variables) if variables else 0
            else:
                flag = model.NewBoolVar("")
                model.AddMaxEquality(flag, variables)
                busy[p] = flag
        before, after = {}, {}
        for p in range(first, last + 1):
            before[p] = model.NewBoolVar("")
            if p > first:
                model.Add(before[p] >= before[p - 1])
            model.Add(before[p] >= busy[p])
        for p in range(last, first - 1, -1):
            after[p] = model.NewBoolVar("")
            if p < last:
                model.Add(after[p] >= after[p + 1])
            model.Add(after[p] >= busy[p])
        for p in range(first + 1, last):
            gap = model.NewBoolVar("")
            model.Add(gap >= before[p - 1] + after[p + 1] - 1 - busy[p])
            per_teacher[teacher].append(gap)
    return [PenaltyTerm("teacher_gaps", f"teacher_gaps({ctx.teacher_name(t)[1]})", sum(gaps), weight, teachers=(t,))
            for t, gaps in sorted(per_teacher.items())]
