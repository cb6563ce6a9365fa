"""No clash: a teacher is in one place at a time, a class has one lesson a period (rooms: checks/rooms.py).

Teachers are compared by clock time, not period number: a shared teacher works at
schools whose bell schedules differ, and periods with the same number do not meet. A sync lesson's
teacher is at the teaching school and busy during the teaching class's period only; the receiving
classes' periods, which may begin earlier or end later under their own bells, are not the
teacher's time (docs/format.md, sync_lessons).
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

from constraints.checks import Violation
from constraints.checks._common import (
    Clocks,
    Names,
    Regime,
    day_en,
    event_of,
    is_receiving,
    lesson_order,
    overlaps,
    periods_en,
    periods_zh,
    slot_en,
    slot_zh,
    span,
    sync_occurrences,
)
from models import LessonPlacement, Scenario, Solution, Weekday


def check(scenario: Scenario, solution: Solution) -> list[Violation]:
    names, clocks = Names(scenario), Clocks(scenario)
    return _teacher_clashes(scenario, solution, names, clocks) + _class_clashes(solution, names)


def _first_overlap(clocks: Clocks, group_a: list[LessonPlacement], group_b: list[LessonPlacement]
                   ) -> tuple[LessonPlacement, LessonPlacement, Regime] | None:
    """The first pair of lessons, one from each group, whose clock times overlap under some regime."""
    for regime in clocks.regimes:
        for a in group_a:
            for b in group_b:
                window_a, window_b = clocks.lesson_window(a, regime), clocks.lesson_window(b, regime)
                if window_a and window_b and overlaps(window_a, window_b):
                    return a, b, regime
    return None


def _at_en(names: Names, clocks: Clocks, lesson: LessonPlacement, regime: Regime) -> str:
    window = clocks.lesson_window(lesson, regime)
    return (f"{names.klass(lesson.class_id)} {names.subject(lesson.subject)} {periods_en(lesson.period, lesson.length)}"
            f" ({span(window) if window else '?'})")


def _at_zh(names: Names, clocks: Clocks, lesson: LessonPlacement, regime: Regime) -> str:
    window = clocks.lesson_window(lesson, regime)
    return (f"{names.klass(lesson.class_id)} {names.subject(lesson.subject)} {periods_zh(lesson.period, lesson.length)}"
            f"（{span(window) if window else '?'}）")


def _teacher_clashes(scenario: Scenario, solution: Solution, names: Names, clocks: Clocks) -> list[Violation]:
    occurrences = sync_occurrences(scenario, solution)
    events: dict[tuple[str, Weekday], dict[tuple, list[LessonPlacement]]] = defaultdict(lambda: defaultdict(list))
    for index, lesson in enumerate(solution.lessons):
        if not is_receiving(scenario, lesson):
            events[(lesson.teacher, lesson.day)][event_of(index, occurrences)].append(lesson)
    found: list[Violation] = []
    for (teacher, day), by_event in sorted(events.items(), key=lambda item: (item[0][0], item[0][1].index)):
        groups = sorted((sorted(group, key=lesson_order) for group in by_event.values()),
                        key=lambda group: lesson_order(group[0]))
        for group_a, group_b in combinations(groups, 2):
            hit = _first_overlap(clocks, group_a, group_b)
            if hit is None:
                continue
            a, b, regime = hit
            who = names.teacher(teacher)
            found.append(Violation(
                "no_clash.teacher", f"{who} {day.zh}",
                f"teacher {who} is in two places at once on {day_en(day)}: "
                f"{_at_en(names, clocks, a, regime)} and {_at_en(names, clocks, b, regime)}{clocks.since_en(regime, clocks.moves(a, b))}",
                f"教师 {who} {day.zh}同时有两节课：{_at_zh(names, clocks, a, regime)}与"
                f"{_at_zh(names, clocks, b, regime)}{clocks.since_zh(regime, clocks.moves(a, b))}"))
    return found


def _class_clashes(solution: Solution, names: Names) -> list[Violation]:
    covering: dict[tuple[str, Weekday, int], list[LessonPlacement]] = defaultdict(list)
    for lesson in solution.lessons:
        for period in lesson.periods():
            covering[(lesson.class_id, lesson.day, period)].append(lesson)
    # Two doubles on the same two periods are one clash, reported at its first period.
    clashes: dict[tuple[str, Weekday, tuple[str, ...]], tuple[int, list[LessonPlacement]]] = {}
    for (class_id, day, period), lessons in sorted(covering.items(), key=lambda i: (i[0][0], i[0][1].index, i[0][2])):
        if len(lessons) < 2:
            continue
        lessons = sorted(lessons, key=lesson_order)
        clashes.setdefault((class_id, day, tuple(lesson.key for lesson in lessons)), (period, lessons))
    found: list[Violation] = []
    for (class_id, day, _keys), (period, lessons) in clashes.items():
        cls = names.klass(class_id)
        what_en = ", ".join(f"{names.subject(x.subject)} ({names.teacher(x.teacher)})" for x in lessons)
        what_zh = "、".join(f"{names.subject(x.subject)}（{names.teacher(x.teacher)}）" for x in lessons)
        found.append(Violation("no_clash.class", f"{cls} {slot_zh(day, period)}",
                               f"{cls} has {len(lessons)} lessons at {slot_en(day, period)}: {what_en}",
                               f"{cls} {slot_zh(day, period)}有{len(lessons)}节课：{what_zh}"))
    return found
