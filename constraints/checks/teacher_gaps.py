"""Teachers' idle periods, recounted (the ``teacher_gaps`` family, soft): each period between two of a
teacher's lessons of a day that the teacher does not teach costs ``weights.teacher_gaps`` (receiving ends of
sync lessons are the teaching teacher's).
"""

from __future__ import annotations

from collections import defaultdict

from constraints.checks._common import idle_periods
from models import Scenario, Solution


def penalties(scenario: Scenario, solution: Solution) -> dict[str, int]:
    return {"teacher_gaps": scenario.weights.teacher_gaps * _teacher_gaps(solution)}


def _teacher_gaps(solution: Solution) -> int:
    taught: dict[tuple[str, int], set[int]] = defaultdict(set)
    for lesson in solution.lessons:
        if lesson.sync_role != "receiving":
            taught[(lesson.teacher, lesson.day.index)].update(lesson.periods())
    return sum(idle_periods(p) for p in taught.values())
