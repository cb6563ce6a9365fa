"""A subject's lessons spread over the week, recounted (the ``spread`` family, soft): for a class-subject with
2 to ceil(days / 2) lessons, each pair of adjacent teaching days that both have one costs ``weights.spread``.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

from models import Scenario, Solution


def penalties(scenario: Scenario, solution: Solution) -> dict[str, int]:
    return {"spread": scenario.weights.spread * _adjacent_day_pairs(scenario, solution)}


def _adjacent_day_pairs(scenario: Scenario, solution: Solution) -> int:
    days_with: dict[tuple[str, str], set[int]] = defaultdict(set)
    lessons: Counter[tuple[str, str]] = Counter()
    for lesson in solution.lessons:
        days_with[(lesson.class_id, lesson.subject)].add(lesson.day.index)
        lessons[(lesson.class_id, lesson.subject)] += 1
    total = 0
    for (class_id, subject), days in days_with.items():
        school_days = sorted(d.index for d in scenario.bells_of(scenario.class_by_id[class_id].school).days)
        if not 2 <= lessons[(class_id, subject)] <= math.ceil(len(school_days) / 2):
            continue
        total += sum(1 for d in school_days if d in days and d + 1 in days and d + 1 in school_days)
    return total
