"""What must and should hold in a timetable: one module per requirement family.

Each module's ``add(ctx)`` posts its family to the CP-SAT model owned by a
:class:`constraints.context.ModelContext`; hard families return None, soft ones return a list of
named :class:`constraints.context.PenaltyTerm`. The independent checks of solved timetables live
in ``constraints/checks`` and share no code with these.

The registry is explicit and ordered, hard families first. The order matters in one place only:
``research_blocks`` reads the teacher lookups that ``no_clash`` relies on too, both built by the
context before any family runs, so families may in fact run in any order; soft families come
last so that every hard constraint is in the model when penalties are named.
"""

from __future__ import annotations

from types import ModuleType

from constraints import (
    availability, core_morning, curriculum, daily_balance, daily_limits, itinerant, no_clash, research_blocks, spread,
    sync_lessons, teacher_gaps, teacher_times,
)

HARD: tuple[ModuleType, ...] = (curriculum, no_clash, availability, daily_limits, sync_lessons, research_blocks,
                                itinerant)
SOFT: tuple[ModuleType, ...] = (core_morning, spread, teacher_gaps, daily_balance, teacher_times)
REGISTRY: tuple[ModuleType, ...] = HARD + SOFT

__all__ = ["HARD", "REGISTRY", "SOFT"]
