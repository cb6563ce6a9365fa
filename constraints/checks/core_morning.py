"""Core subjects in the morning, recounted (the ``core_morning`` family, soft): ``weights.core_in_morning`` for
every period of a core subject (quality.core_subjects, core_from_grade) a class has in the afternoon, by its
school's base bells, receiving classes of a sync lesson included.
"""

from __future__ import annotations

from models import Scenario, Solution


def penalties(scenario: Scenario, solution: Solution) -> dict[str, int]:
    return {"core_morning": scenario.weights.core_in_morning * _core_afternoon_periods(scenario, solution)}


def _core_afternoon_periods(scenario: Scenario, solution: Solution) -> int:
    total = 0
    for lesson in solution.lessons:
        klass = scenario.class_by_id[lesson.class_id]
        if lesson.subject in scenario.quality.core(scenario.subjects, klass.grade):
            periods = scenario.bells_of(lesson.school).periods
            total += sum(1 for p in lesson.periods() if not periods[p - 1].is_morning)
    return total
