"""A class's day (scenario.yaml ``quality.class_day``): hard, it is checked; weighted, its penalty recounted.

Hard (``check``): a class's taught periods of a day run from period 1 without a hole (its free periods
are the last of the day); with ``free_slots``, every period outside them is taught. Receiving ends of
sync lessons count (the class is in its classroom). Weighted (``penalties``): each step from a free
period to a taught one in a class's day (a hole, or a late start) costs the weight.
"""

from __future__ import annotations

from collections import defaultdict

from constraints.checks import Violation
from constraints.checks._common import Names, day_en, periods_en, periods_zh
from models import Scenario, Solution, Weekday


def check(scenario: Scenario, solution: Solution) -> list[Violation]:
    if scenario.quality.class_day == "hard":
        return _class_days(scenario, solution, Names(scenario))
    return []


def _class_days(scenario: Scenario, solution: Solution, names: Names) -> list[Violation]:
    taught: dict[tuple[str, Weekday], set[int]] = defaultdict(set)
    for lesson in solution.lessons:
        taught[(lesson.class_id, lesson.day)].update(range(lesson.period, lesson.period + lesson.length))
    free = scenario.quality.free_slots
    found = []
    for klass in sorted(scenario.classes, key=lambda c: c.id):
        bells = scenario.bells_of(klass.school)
        for day in sorted(bells.days, key=lambda d: d.index):
            periods = taught.get((klass.id, day), set())
            if free:
                missing = [p for p in range(1, len(bells.periods) + 1)
                           if p not in periods and not any(r.covers(day, p) for r in free)]
            else:
                missing = [p for p in range(1, max(periods, default=0) + 1) if p not in periods]
            if missing:
                cls = names.klass(klass.id)
                found.append(Violation(
                    "class_day", f"{cls} {day.zh}",
                    f"{cls} has no lesson in {', '.join(periods_en(p) for p in missing)} on {day_en(day)}"
                    + ("" if free else " though it has lessons later that day")
                    + " (quality.class_day)",
                    f"{cls} {day.zh}{'、'.join(periods_zh(p) for p in missing)}没有课"
                    + ("" if free else "，但当天后面还有课") + "（quality.class_day）"))
    return found


def penalties(scenario: Scenario, solution: Solution) -> dict[str, int]:
    """Weighted (a number in scenario.yaml), each step into a taught period costs it; hard or off, nothing."""
    weight = scenario.quality.class_day
    return {"class_day": weight * _class_day_steps(scenario, solution)} if isinstance(weight, int) else {}


def _class_day_steps(scenario: Scenario, solution: Solution) -> int:
    """Steps from a free period to a taught one in a class's day (a hole, or a late start)."""
    taught: dict[tuple[str, int], set[int]] = defaultdict(set)
    for lesson in solution.lessons:
        taught[(lesson.class_id, lesson.day.index)].update(lesson.periods())
    steps = 0
    for klass in scenario.classes:
        bells = scenario.bells_of(klass.school)
        for day in bells.days:
            busy = taught.get((klass.id, day.index), set())
            steps += sum(1 for p in range(1, len(bells.periods)) if p not in busy and p + 1 in busy)
    return steps
