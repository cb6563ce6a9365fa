"""``tongbu verify``: independent checks of a solved timetable against the scenario's hard requirements.

Each module here checks one requirement family in plain Python, from the scenario and the
written solution alone. None of them imports ``scheduler`` or the solver-side ``constraints``
modules (STYLE.md, practice 3): the checks must be able to catch a bug in the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from models import Scenario, Solution


@dataclass(frozen=True)
class Violation:
    """One broken requirement: a rule id, the place in the user's words, and the message in both languages."""

    rule: str
    where: str
    en: str
    zh: str

    def text(self, lang: str) -> str:
        return self.zh if lang.lower().startswith("zh") else self.en


# Imported after Violation: the check modules import it from here.
from constraints.checks import (
    class_day,
    curriculum,
    daily,
    itinerant,
    no_clash,
    research_blocks,
    rooms,
    sync_lessons,
    teachers,
)

# Explicit and ordered. The order is only the order of the report: every check reads the
# scenario and the solution alone, so none depends on another having run. Placement rules come
# first since a lesson in the wrong place explains many later messages.
CHECKS: tuple[ModuleType, ...] = (curriculum, no_clash, rooms, teachers, daily, sync_lessons, research_blocks,
                                  itinerant, class_day)


def sort_violations(violations: list[Violation]) -> list[Violation]:
    """Duplicates removed, ordered by place, rule and text, so the same input reads the same way."""
    return sorted(set(violations), key=lambda v: (v.where, v.rule, v.en, v.zh))


def verify(scenario: Scenario, solution: Solution) -> list[Violation]:
    """Every violation of every hard requirement, grouped by check in ``CHECKS`` order."""
    found: list[Violation] = []
    if scenario.explicit is not None:  # imported activities: their own checks replace the curriculum's
        from constraints.checks import explicit

        return sort_violations(explicit.check(scenario, solution))
    for module in CHECKS:
        found += sort_violations(module.check(scenario, solution))
    return found


def load_solution(path: Path) -> Solution:
    """Read a solution.json written by ``tongbu solve``; a malformed file raises ``ValueError``."""
    return Solution.model_validate_json(Path(path).read_text(encoding="utf-8-sig"))


__all__ = ["CHECKS", "Violation", "load_solution", "sort_violations", "verify"]
