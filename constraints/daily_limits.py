"""Daily and weekly limits: a teacher's max_daily and max_weekly; a subject at most once a day per class.

"Once a day" counts activities, so a double period is one lesson that day. When a subject has more
activities than the class has teaching days (e.g. 8 periods of Chinese, no doubles, 5 days) the
cap is the least that can work, ceil(activities / days).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

from constraints.context import ModelContext


def subject_daily_cap(activities: int, days: int) -> int:
    return max(1, math.ceil(activities / max(days, 1)))


def add(ctx: ModelContext) -> None:
    _teacher_limits(ctx)
    _subject_once_a_day(ctx)


def _teacher_limits(ctx: ModelContext) -> None:
    scenario = ctx.index.scenario
    per_day: dict[tuple[int, int], list] = defaultdict(list)
    load: Counter[int] = Counter()
    for activity in ctx.index.activities:
        load[activity.teacher] += activity.periods
        for option, var in ctx.options[activity.index]:
            day = option.teacher_keys[0][1]
            per_day[(activity.teacher, day)].append((var, len(option.teacher_keys)))
    for teacher in sorted(load):
        person = scenario.teacher_by_id[ctx.index.teachers[teacher]]
        name_en, name_zh = ctx.teacher_name(teacher)
        daily = ctx.requirement(
            "daily_limit", person.id,
            f"{name_en} teaches at most {person.max_daily} periods a day",
            f"{name_zh}每天最多上 {person.max_daily} 节课")
        for day in range(7):
            terms = per_day.get((teacher, day), [])
            if sum(n for _v, n in terms) > person.max_daily:
                ctx.enforce(ctx.model.Add(sum(n * v for v, n in terms) <= person.max_daily), daily)
        if load[teacher] > person.max_weekly:
            weekly = ctx.requirement(
                "weekly_limit", person.id,
                f"{name_en} teaches at most {person.max_weekly} periods a week (assigned {load[teacher]})",
                f"{name_zh}每周最多上 {person.max_weekly} 节课（已安排 {load[teacher]} 节）")
            every = [(v, n) for (t, _d), terms in sorted(per_day.items()) if t == teacher for v, n in terms]
            ctx.enforce(ctx.model.Add(sum(n * v for v, n in every) <= person.max_weekly), weekly)


def _subject_once_a_day(ctx: ModelContext) -> None:
    counts: Counter[tuple[int, str]] = Counter()
    for activity in ctx.index.activities:
        for klass in activity.classes:
            counts[(klass, activity.subject)] += activity.count
    by_class: dict[int, list] = defaultdict(list)
    for (klass, subject, day), variables in ctx.class_subject_day.items():
        by_class[klass].append((subject, day, variables))
    for klass in sorted(by_class):
        name_en, name_zh = ctx.class_name(klass)
        days = len(ctx.index.bells_of_class(klass).days)
        literal = ctx.requirement(
            "subject_daily", ctx.index.classes[klass],
            f"{name_en} has each subject at most once a day (a double period counts once)",
            f"{name_zh} 每门学科每天最多一次（连堂算一次）")
        for subject, _day, variables in sorted(by_class[klass], key=lambda item: (item[0], item[1])):
            cap = subject_daily_cap(counts[(klass, subject)], days)
            if len(variables) > cap:
                ctx.enforce(ctx.model.Add(sum(variables) <= cap), literal)
