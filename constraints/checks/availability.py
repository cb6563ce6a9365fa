"""Availability: no lesson when its teacher is unavailable (the ``availability`` family).

Unavailable times are written in periods of the teacher's home school. A lesson at a school with
the same bell schedule is compared by period number; a lesson at a school with another bell
schedule is compared by clock time, under every regime of the term. Receiving lessons of a sync
lesson are the teaching school's teacher's, checked at the teaching class's lesson.
"""

from __future__ import annotations

from constraints.checks import Violation
from constraints.checks._common import (
    Clocks,
    Names,
    day_en,
    is_receiving,
    lesson_order,
    lesson_slot_en,
    lesson_slot_zh,
    overlaps,
    slot_en,
    slot_zh,
    span,
)
from models import LessonPlacement, Scenario, SlotRange, Solution, Teacher


def check(scenario: Scenario, solution: Solution) -> list[Violation]:
    names, clocks = Names(scenario), Clocks(scenario)
    found: list[Violation] = []
    for lesson in sorted(solution.lessons, key=lesson_order):
        teacher = scenario.teacher_by_id.get(lesson.teacher)
        if teacher is None or is_receiving(scenario, lesson):
            continue  # an unknown teacher is the assignment check's
        found += _unavailable(scenario, names, clocks, teacher, lesson)
    return found


def _unavailable(scenario: Scenario, names: Names, clocks: Clocks, teacher: Teacher,
                 lesson: LessonPlacement) -> list[Violation]:
    if lesson.school not in scenario.school_by_id:
        return []  # the school rule already names this lesson
    same_bells = scenario.school_by_id[lesson.school].bell_schedule == scenario.school_by_id[teacher.school].bell_schedule
    who, cls, subj = names.teacher(teacher.id), names.klass(lesson.class_id), names.subject(lesson.subject)
    where = f"{who} {lesson.day.zh}"
    found: list[Violation] = []
    for blocked in teacher.unavailable:
        if blocked.day != lesson.day:
            continue
        if blocked.first is None:
            found.append(Violation("teachers.unavailable", where,
                                   f"teacher {who} is unavailable all day on {day_en(lesson.day)} but teaches "
                                   f"{cls} {subj} on {lesson_slot_en(lesson)}",
                                   f"教师 {who} {lesson.day.zh}全天不能上课，但被安排了 {cls} {subj} {lesson_slot_zh(lesson)}"))
        elif same_bells:
            if any(blocked.covers(lesson.day, period) for period in lesson.periods()):
                found.append(_blocked_period(names, teacher, lesson, blocked))
        else:
            found += _blocked_clock(names, clocks, teacher, lesson, blocked)
    return found


def _blocked_length(blocked: SlotRange) -> int:
    first = blocked.first or 1
    return (blocked.last if blocked.last is not None else first) - first + 1


def _blocked_period(names: Names, teacher: Teacher, lesson: LessonPlacement, blocked: SlotRange) -> Violation:
    who, cls, subj = names.teacher(teacher.id), names.klass(lesson.class_id), names.subject(lesson.subject)
    first, length = blocked.first or 1, _blocked_length(blocked)
    return Violation("teachers.unavailable", f"{who} {lesson.day.zh}",
                     f"teacher {who} is unavailable on {slot_en(lesson.day, first, length)} but teaches {cls} {subj} "
                     f"on {lesson_slot_en(lesson)}",
                     f"教师 {who} {slot_zh(lesson.day, first, length)}不能上课，但被安排了 {cls} {subj} "
                     f"{lesson_slot_zh(lesson)}")


def _blocked_clock(names: Names, clocks: Clocks, teacher: Teacher, lesson: LessonPlacement,
                   blocked: SlotRange) -> list[Violation]:
    first, length = blocked.first or 1, _blocked_length(blocked)
    who, cls, subj = names.teacher(teacher.id), names.klass(lesson.class_id), names.subject(lesson.subject)
    home = names.school(teacher.school)
    for regime in clocks.regimes:
        periods = regime.periods.get(teacher.school, ())
        last = min(first + length - 1, len(periods))
        blocked_window = clocks.window(teacher.school, first, last - first + 1, regime) if last >= first else None
        lesson_window = clocks.lesson_window(lesson, regime)
        if blocked_window and lesson_window and overlaps(blocked_window, lesson_window):
            moves = clocks.moves(lesson) or clocks.varies((teacher.school, first, last - first + 1))
            return [Violation(
                "teachers.unavailable", f"{who} {lesson.day.zh}",
                f"teacher {who} is unavailable on {slot_en(lesson.day, first, length)} at {home} ({span(blocked_window)}) "
                f"but teaches {cls} {subj} on {lesson_slot_en(lesson)} ({span(lesson_window)}){clocks.since_en(regime, moves)}",
                f"教师 {who} {slot_zh(lesson.day, first, length)}（{home} {span(blocked_window)}）不能上课，"
                f"但被安排了 {cls} {subj} {lesson_slot_zh(lesson)}（{span(lesson_window)}）{clocks.since_zh(regime, moves)}")]
    return []
