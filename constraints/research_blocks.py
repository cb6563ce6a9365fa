"""Research blocks (集体备课/大教研): one weekly window when the whole group has no lessons.

The candidate windows (a day in the block's days, a start on a 5-minute grid inside the schools'
teaching day, the block's length) and the teacher periods each window rules out were computed by
:mod:`constraints.index`, widening the window by the travel to and from the host school when the
block meets in person and checking every bell variant. Exactly one window is chosen; a teacher
is never busy at a period the chosen window rules out.
"""

from __future__ import annotations

from collections import defaultdict

from constraints.context import ModelContext


def add(ctx: ModelContext) -> None:
    for group, windows in zip(ctx.index.research, ctx.windows):
        block = group.block
        literal = ctx.requirement(
            "research", block.id,
            f"research block '{block.name}' ({block.minutes} minutes a week) finds a time when all "
            f"{len(group.teachers)} of its teachers are free",
            f"教研活动“{block.name}”（每周 {block.minutes} 分钟）需要全组 {len(group.teachers)} 位教师同时无课")
        if literal is None:
            ctx.model.AddExactlyOne(windows)
        else:
            ctx.model.AddAtMostOne(windows)
            ctx.enforce(ctx.model.Add(sum(windows) == 1), literal)
        ruled_out: dict[tuple[int, tuple[int, int, int]], list] = defaultdict(list)
        for window, var in zip(group.windows, windows):
            for teacher, key in window.conflicts:
                ruled_out[(teacher, key)].append(var)
        for teacher_key in sorted(ruled_out):
            busy = ctx.teacher_key.get(teacher_key, [])
            if busy:
                ctx.model.Add(sum(busy) + sum(ruled_out[teacher_key]) <= 1)
