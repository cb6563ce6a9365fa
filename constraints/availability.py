"""Availability: lessons only in the school's bell slots and never when the teacher is unavailable.

Bell slots are structural (options exist only for the school's days and periods). Unavailable
times are pre-filtered when solving: such options get no variable at all, which shrinks the model
most. When explaining an infeasibility they do get variables, and this family forbids them under
one assumption literal per teacher, so the solver can name the teacher's unavailable times.
"""

from __future__ import annotations

from collections import defaultdict

from constraints.context import ModelContext


def add(ctx: ModelContext) -> None:
    if not ctx.explain:
        return  # enforced by pre-filtering: blocked options have no variable
    blocked: dict[int, list] = defaultdict(list)
    for activity in ctx.index.activities:
        for option, var in ctx.options[activity.index]:
            if option.blocked:
                blocked[activity.teacher].append(var)
    for teacher in sorted(blocked):
        name_en, name_zh = ctx.teacher_name(teacher)
        literal = ctx.requirement(
            "availability", ctx.index.teachers[teacher],
            f"{name_en} has no lessons at the times marked unavailable",
            f"{name_zh}在标注为不可排课的时间不上课")
        for var in blocked[teacher]:
            ctx.model.AddImplication(literal, var.Not())
