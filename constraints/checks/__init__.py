"""``tongbu verify``: independent checks of a solved timetable against the scenario's hard requirements.

Each module here checks one requirement family in plain Python, from the scenario and the
written solution alone, and is named after it (constraints/<family>.py ↔ constraints/checks/<family>.py):
``check`` for a hard family, ``penalties`` (the weighted penalty recounted) for a soft one. None of
them imports ``scheduler``, ortools or the solver-side ``constraints`` modules (STYLE.md, practice 3):
the checks must be able to catch a bug in the model.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from models import Scenario, Solution
from models.violation import Violation

# Imported after Violation: the check modules import it from here (it is models.violation.Violation).
from constraints.checks import (
    assignment,
    availability,
    class_day,
    curriculum,
    daily_limits,
    itinerant,
    no_clash,
    pe_slots,
    research_blocks,
    rooms,
    sync_lessons,
)

# Explicit and ordered. The order is only the order of the report: every check reads the
# scenario and the solution alone, so none depends on another having run. Placement rules come
# first since a lesson in the wrong place explains many later messages. Each hard family of
# constraints/__init__.py has its check here under its own name (the FET ``rules`` family's check,
# constraints/checks/rules.py, replaces them all for an imported file); ``assignment`` checks who
# teaches, which is settled before any family is posted (models/assignment.py).
CHECKS: tuple[ModuleType, ...] = (curriculum, no_clash, rooms, assignment, availability, daily_limits, sync_lessons,
                                  research_blocks, itinerant, class_day, pe_slots)


def sort_violations(violations: list[Violation]) -> list[Violation]:
    """Duplicates removed, ordered by place, rule and text, so the same input reads the same way."""
    return sorted(set(violations), key=lambda v: (v.where, v.rule, v.en, v.zh))


def verify(scenario: Scenario, solution: Solution) -> list[Violation]:
    """Every violation of every hard requirement, grouped by check in ``CHECKS`` order."""
    found: list[Violation] = []
    if scenario.explicit is not None:  # imported activities: their own checks replace the curriculum's
        from constraints.checks import fet_rooms, rules

        return sort_violations(rules.check(scenario, solution)) + sort_violations(fet_rooms.check(scenario, solution))
    for module in CHECKS:
        found += sort_violations(module.check(scenario, solution))
    return found


def load_solution(path: Path) -> Solution:
    """Read a solution.json written by ``tongbu solve``; a malformed file raises ``ValueError``."""
    return Solution.model_validate_json(Path(path).read_text(encoding="utf-8-sig"))


__all__ = ["CHECKS", "Violation", "load_solution", "sort_violations", "verify"]
