"""A class's daily load near its average, recounted (the ``daily_balance`` family, soft): with T weekly periods
over n teaching days, every period of a day above ceil(T/n) or below floor(T/n) costs ``weights.daily_balance``.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from models import Scenario, Solution


def penalties(scenario: Scenario, solution: Solution) -> dict[str, int]:
    return {"daily_balance": scenario.weights.daily_balance * _daily_imbalance(scenario, solution)}


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
