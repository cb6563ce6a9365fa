"""Synchronized lessons (同步课堂/专递课堂): each weekly occurrence placed once, at overlapping clock times.

An occurrence's options are the tuples of (day, period) of the teaching class and every receiving
class whose clock times overlap enough under every combination of the schools' bell variants
(computed in :mod:`constraints.index`); here each occurrence is required exactly once. The class
slots it occupies are covered by :mod:`constraints.no_clash` like any lesson, and the teacher is
busy only at the teaching school.
"""

from __future__ import annotations

from collections import defaultdict

from constraints.context import ModelContext


def add(ctx: ModelContext) -> None:
    by_sync: dict[str, list] = defaultdict(list)
    for activity in ctx.index.activities:
        if activity.sync is not None:
            by_sync[activity.sync].append(activity)
    for sync_id in sorted(by_sync):
        activities = by_sync[sync_id]
        first = activities[0]
        teaching_en, teaching_zh = ctx.class_name(first.classes[0])
        receiving = [ctx.class_name(k) for k in first.classes[1:]]
        subject_en, subject_zh = ctx.subject_name(first.subject)
        literal = ctx.requirement(
            "sync", sync_id,
            f"synchronized {subject_en} lesson {sync_id} ({teaching_en} with {', '.join(r[0] for r in receiving)}), "
            f"{sum(a.count for a in activities)} a week at the same clock time",
            f"同步课堂 {sync_id}（{teaching_zh} 与 {'、'.join(r[1] for r in receiving)} 的{subject_zh}）"
            f"每周 {sum(a.count for a in activities)} 节，须在同一时刻上课")
        for activity in activities:
            ctx.place(activity, literal)
