"""PE not in a day's first period, nor straight after lunch (scenario.yaml ``quality.pe_not_first`` /
``pe_not_after_lunch``): hard, each is checked; weighted, its penalty recounted.

A PE lesson (``quality.pe_subjects``, else any subject named 体育) breaks a rule when it covers period 1, or
the first afternoon period of the class's base bells.
"""

from __future__ import annotations

from constraints.checks import Violation
from constraints.checks._common import Names, day_en, periods_en, periods_zh
from models import Scenario, Solution


def check(scenario: Scenario, solution: Solution) -> list[Violation]:
    rules = scenario.quality
    found: list[Violation] = []
    pe = set(rules.pe_subjects) or {s.id for s in scenario.subjects if "体育" in s.id or "体育" in s.name}
    for flag, which in ((rules.pe_not_first, "first"), (rules.pe_not_after_lunch, "after_lunch")):
        if flag == "hard":
            found += _pe(scenario, solution, Names(scenario), pe, which)
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


def penalties(scenario: Scenario, solution: Solution) -> dict[str, int]:
    """Each rule that is weighted (a number in scenario.yaml): its weight for every PE lesson in its place."""
    rules, found = scenario.quality, {}
    for name, strength in (("pe_not_first", rules.pe_not_first), ("pe_not_after_lunch", rules.pe_not_after_lunch)):
        if isinstance(strength, int):
            found[name] = strength * _pe_placements(scenario, solution, name)
    return found


def _pe_placements(scenario: Scenario, solution: Solution, rule: str) -> int:
    pe = set(scenario.quality.pe_subjects) or {s.id for s in scenario.subjects if "体育" in s.id or "体育" in s.name}
    count = 0
    for lesson in solution.lessons:
        if lesson.subject not in pe:
            continue
        halves = [p.is_morning for p in scenario.bells_of(lesson.school).periods]
        after_lunch = next((p + 1 for p in range(1, len(halves)) if halves[p - 1] and not halves[p]), None)
        bad = 1 if rule == "pe_not_first" else after_lunch
        count += bad is not None and bad in lesson.periods()
    return count
