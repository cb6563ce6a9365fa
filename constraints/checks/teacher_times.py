"""Teachers' preferred and avoided times, recounted (the ``teacher_times`` family, soft): ``weights.teacher_times``
for every period taught inside an avoided range, and outside the preferred ranges when a teacher lists any.
"""

from __future__ import annotations

from models import Scenario, Solution


def penalties(scenario: Scenario, solution: Solution) -> dict[str, int]:
    return {"teacher_times": scenario.weights.teacher_times * _teacher_time_misses(scenario, solution)}


def _teacher_time_misses(scenario: Scenario, solution: Solution) -> int:
    total = 0
    for lesson in solution.lessons:
        if lesson.sync_role == "receiving":
            continue
        person = scenario.teacher_by_id[lesson.teacher]
        for period in lesson.periods():
            total += any(r.covers(lesson.day, period) for r in person.avoided)
            total += bool(person.preferred) and not any(r.covers(lesson.day, period) for r in person.preferred)
    return total
