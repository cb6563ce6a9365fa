"""What must and should hold in a timetable: one module per requirement family, and the rule catalogue.

Each family posts itself to the CP-SAT model owned by a :class:`constraints.context.ModelContext`
built on the engine's intermediate form (:mod:`constraints.index`); hard families return nothing,
soft ones a list of named :class:`constraints.context.PenaltyTerm`. A family says which parts it
applies to: ``consortium`` (lessons from a curriculum) and/or ``fet`` (an imported file's
activities). The rule catalogue (:mod:`constraints.rules`, FET's vocabulary of time constraints)
applies to both. Each family's independent check is ``constraints/checks/<family>.py``, by the same name
(a test holds every registered family to it); the checks share no code with these. Of the project, this
layer imports only ``models`` (``context.py`` owns the CP-SAT variables, ``index.py`` the dense ids);
``scheduler`` builds the model from it.

The registry is explicit and ordered, hard families first. The order matters in one place only:
``research_blocks`` reads the teacher lookups that ``no_clash`` relies on too, both built by the
context before any family runs, so families may in fact run in any order; soft families come
last so that every hard constraint is in the model when penalties are named.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from constraints import (
    availability, class_day, core_morning, curriculum, daily_balance, daily_limits, fet_rooms, itinerant, no_clash, pe_slots,
    research_blocks, rooms, rules, spread, sync_lessons, teacher_gaps, teacher_times,
)

CONSORTIUM, FET = ("consortium",), ("consortium", "fet")
#: Families of imported FET files only.
FET_ONLY = ("fet",)


@dataclass(frozen=True)
class Family:
    """One requirement family: its name, how it posts itself, and the kinds of parts it applies to."""

    name: str
    add: Callable[[Any], Any]
    kinds: tuple[str, ...] = CONSORTIUM

    def applies(self, kind: str) -> bool:
        return kind in self.kinds


HARD: tuple[Family, ...] = (
    Family("curriculum", curriculum.add, FET),
    Family("no_clash", no_clash.add, FET),
    Family("rooms", rooms.add),
    Family("availability", availability.add),
    Family("daily_limits", daily_limits.add),
    Family("sync_lessons", sync_lessons.add),
    Family("research_blocks", research_blocks.add),
    Family("itinerant", itinerant.add),
    Family("rules", rules.add_hard, FET),
    Family("fet_rooms", fet_rooms.add_hard, FET_ONLY),
    # Quality rules (scenario.yaml ``quality:``) are hard or weighted by the user's choice: each posts its
    # hard form here and its weighted form with the soft families.
    Family("class_day", class_day.add_hard),
    Family("pe_slots", pe_slots.add_hard),
)
SOFT: tuple[Family, ...] = (
    Family("class_day", class_day.add_soft),
    Family("pe_slots", pe_slots.add_soft),
    Family("core_morning", core_morning.add),
    Family("spread", spread.add),
    Family("teacher_gaps", teacher_gaps.add),
    Family("daily_balance", daily_balance.add),
    Family("teacher_times", teacher_times.add),
    Family("rules", rules.add_soft, FET),
    Family("fet_rooms", fet_rooms.add_soft, FET_ONLY),
)
REGISTRY: tuple[Family, ...] = HARD + SOFT

__all__ = ["HARD", "REGISTRY", "SOFT", "Family"]
