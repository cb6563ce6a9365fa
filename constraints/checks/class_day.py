"""A class's day and PE placement (scenario.yaml ``quality:``), where the scenario makes them hard.

``class_day``: a class's taught periods of a day run from period 1 without a hole (its free periods
are the last of the day); with ``free_slots``, every period outside them is taught. Receiving ends of
sync lessons count (the class is in its classroom). ``pe_not_first`` / ``pe_not_after_lunch``: no PE
lesson covers period 1, or the first afternoon period of the class's base bells.
"""

from __future__ import annotations

from collections import defaultdict

from constraints.checks import Violation
from constraints.checks._common import Names, day_en, periods_en, periods_zh
from models import Scenario, Solution, Weekday


def check(scenario: Scenario, solution: Solution) -> list[Violation]:
    rules = scenario.quality
    found: list[Violation] = []
    if rules.class_day == "hard":
        found += _class_days(scenario, solution, Names(scenario))
    pe = set(rules.pe_subjects) or {s.id for s in scenario.subjects if "体育" in s.id or "体育" in s.name}
    for flag, which in ((rules.pe_not_first, "first"), (rules.pe_not_after_lunch, "after_lunch")):
        if flag == "hard":
            found += _pe(scenario, solution, Names(scenario), pe, which)
    return found


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


def _pe(scenario: Scenario, solution: Solution, names: Names, pe: set[str], which: str) -> list[Violation]:
    found = []
    for lesson in sorted(solution.lessons, key=lambda x: (x.class_id, x.day.index, x.period)):
        if lesson.subject not in pe or lesson.class_id not in scenario.class_by_id:
            continue
        halves = [p.is_morning for p in scenario.bells_of(lesson.school).periods]
        bad = 1 if which == "first" else next((p + 1 for p in range(1, len(halves)) if halves[p - 1] and not halves[p]),
                                              None)
        if bad is not None and lesson.period <= bad < lesson.period + lesson.length:
            cls = names.klass(lesson.class_id)
            en = "the first period" if which == "first" else "the first period after lunch"
            zh = "第一节" if which == "first" else "午饭后第一节"
            found.append(Violation(f"pe_not_{which}", f"{cls} {lesson.day.zh}",
                                   f"{cls}: {names.subject(lesson.subject)} is in {en} on {day_en(lesson.day)} "
                                   f"({periods_en(lesson.period, lesson.length)}), which quality.pe_not_{which} forbids",
                                   f"{cls}：{lesson.day.zh}{zh}（{periods_zh(lesson.period, lesson.length)}）排了"
                                   f"{names.subject(lesson.subject)}，quality.pe_not_{which} 不允许"))
    return found
