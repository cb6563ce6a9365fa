"""Curriculum (课程计划): every class gets each subject's weekly periods, doubles as 2-period blocks.

Each non-synchronized lesson is one activity (a double is one activity of length 2) placed exactly
once. Where a double may start is settled when the index is built: only at a period whose next
period is in the same half-day (BellPeriod.is_morning) under every bell variant, so a double never
crosses the lunch break. Synchronized occurrences are placed by :mod:`constraints.sync_lessons`.
An imported FET file's activities are each placed exactly once too, always (not a requirement an
explanation may drop: FET calls it BasicCompulsoryTime).
"""

from __future__ import annotations

from collections import defaultdict

from constraints.context import ModelContext


def add(ctx: ModelContext) -> None:
    if ctx.index.kind == "fet":
        for activity in ctx.index.activities:
            ctx.place(activity, None)
        return
    by_class: dict[int, list] = defaultdict(list)
    for activity in ctx.index.activities:
        if activity.sync is None:
            by_class[activity.classes[0]].append(activity)
    for klass in sorted(by_class):
        name_en, name_zh = ctx.class_name(klass)
        literal = ctx.requirement(
            "curriculum", ctx.index.classes[klass],
            f"{name_en} gets all its weekly periods of every subject",
            f"{name_zh} 每周各科课时全部排入")
        for activity in by_class[klass]:
            ctx.place(activity, literal)
