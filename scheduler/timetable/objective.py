"""The objective of a solved timetable, recomputed in plain Python from the domain objects.

This is written from the definitions of the soft families (see constraints/<family>.py
docstrings), not from the model, so a test comparing it with the solver's objective catches a
formulation that does not mean what it says.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

from models import Scenario, Solution


def penalties(scenario: Scenario, solution: Solution) -> dict[str, int]:
    """Weighted penalty of each soft family."""
    weights = scenario.weights
    return {
        "core_morning": weights.core_in_morning * _core_afternoon_periods(scenario, solution),
        "spread": weights.spread * _adjacent_day_pairs(scenario, solution),
        "teacher_gaps": weights.teacher_gaps * _teacher_gaps(solution),
        "daily_balance": weights.daily_balance * _daily_imbalance(scenario, solution),
        "teacher_times": weights.teacher_times * _teacher_time_misses(scenario, solution),
    }


def objective(scenario: Scenario, solution: Solution) -> int:
    return sum(penalties(scenario, solution).values())


def _core_afternoon_periods(scenario: Scenario, solution: Solution) -> int:
    core = {s.id for s in scenario.subjects if s.core}
    total = 0
    for lesson in solution.lessons:
        if lesson.subject in core:
            periods = scenario.bells_of(lesson.school).periods
            total += sum(1 for p in lesson.periods() if not periods[p - 1].is_morning)
    return total


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


def _teacher_gaps(solution: Solution) -> int:
    taught: dict[tuple[str, int], set[int]] = defaultdict(set)
    for lesson in solution.lessons:
        if lesson.sync_role != "receiving":
            taught[(lesson.teacher, lesson.day.index)].update(lesson.periods())
    return sum(max(p) - min(p) + 1 - len(p) for p in taught.values())


def _daily_imbalance(scenario: Scenario, solution: Solution) -> int:
    per_day: dict[str, Counter[int]] = defaultdict(Counter)
    for lesson in solution.lessons:
        per_day[lesson.class_id][lesson.day.index] += lesson.length
    total = 0
    for class_id, loads in per_day.items():
        days = [d.index for d in scenario.bells_of(scenario.class_by_id[class_id].school).days]
        weekly = sum(loads.values())
        low, high = weekly // len(days), -(-weekly // len(days))
        total += sum(max(0, loads[d] - high, low - loads[d]) for d in days)
    return total


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
