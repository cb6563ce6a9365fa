"""Teachers: who teaches may teach it there, declared assignments hold, and times and loads are respected.

Receiving lessons of a sync lesson are taught by the sync teacher from the teaching school, so
they are exempt from the school rule, from the class's declared assignment and from the
one-teacher-per-class-subject rule; the teaching class's lesson carries those checks. A sync
occurrence counts once in the teacher's daily and weekly load.

Unavailable times are written in periods of the teacher's home school. A lesson at a school with
the same bell schedule is compared by period number; a lesson at a school with another bell
schedule is compared by clock time, under every regime of the term.
"""

from __future__ import annotations

from collections import defaultdict

from constraints.checks import Violation, itinerant
from constraints.checks._common import (
    Clocks,
    Names,
    day_en,
    event_of,
    is_receiving,
    lesson_order,
    lesson_slot_en,
    lesson_slot_zh,
    overlaps,
    slot_en,
    slot_zh,
    span,
    sync_occurrences,
)
from models import LessonPlacement, Scenario, SlotRange, Solution, Teacher, Weekday


def check(scenario: Scenario, solution: Solution) -> list[Violation]:
    names, clocks = Names(scenario), Clocks(scenario)
    assigned = {(a.class_id, a.subject): a.teacher for a in scenario.assignments}
    found: list[Violation] = []
    for lesson in sorted(solution.lessons, key=lesson_order):
        teacher = scenario.teacher_by_id.get(lesson.teacher)
        if teacher is None:
            found.append(_unknown_teacher(names, lesson))
            continue
        receiving = is_receiving(scenario, lesson)
        found += _qualified(names, teacher, lesson, receiving)
        if receiving:
            continue
        want = assigned.get((lesson.class_id, lesson.subject))
        if want is not None and want != lesson.teacher:
            found.append(_not_assigned(names, want, lesson))
        found += _unavailable(scenario, names, clocks, teacher, lesson)
    found += _one_teacher_per_class_subject(scenario, solution, names)
    found += _loads(scenario, solution, names)
    return found


def _where(names: Names, lesson: LessonPlacement) -> str:
    return f"{names.klass(lesson.class_id)} {names.subject(lesson.subject)}"


def _unknown_teacher(names: Names, lesson: LessonPlacement) -> Violation:
    cls, subj = names.klass(lesson.class_id), names.subject(lesson.subject)
    return Violation("teachers.unknown", _where(names, lesson),
                     f"{cls}: {subj} on {lesson_slot_en(lesson)} is taught by '{lesson.teacher}', who is not in the scenario",
                     f"{cls}：{lesson_slot_zh(lesson)}的{subj}由“{lesson.teacher}”任教，方案中没有这位教师")


def _qualified(names: Names, teacher: Teacher, lesson: LessonPlacement, receiving: bool) -> list[Violation]:
    cls, subj, who = names.klass(lesson.class_id), names.subject(lesson.subject), names.teacher(teacher.id)
    found: list[Violation] = []
    if lesson.subject not in teacher.subjects:
        found.append(Violation(
            "teachers.subject", _where(names, lesson),
            f"{cls}: {subj} on {lesson_slot_en(lesson)} is taught by {who}, who does not teach {subj} "
            f"(subjects: {', '.join(names.subject(s) for s in teacher.subjects)})",
            f"{cls}：{lesson_slot_zh(lesson)}的{subj}由 {who} 任教，但其任教学科为"
            f"{'、'.join(names.subject(s) for s in teacher.subjects)}"))
    # An itinerant teacher may also teach at the schools their post serves.
    if (not receiving and lesson.school not in (teacher.school, *teacher.also_schools)
            and lesson.school not in itinerant.served_schools(names.s, teacher.id)):
        found.append(Violation(
            "teachers.school", _where(names, lesson),
            f"{cls}: {subj} on {lesson_slot_en(lesson)} is taught by {who} of {names.school(teacher.school)}, "
            f"who may not teach at {names.school(lesson.school)}",
            f"{cls}：{lesson_slot_zh(lesson)}的{subj}由{names.school(teacher.school)}的 {who} 任教，"
            f"但其不能在{names.school(lesson.school)}任课"))
    return found


def _not_assigned(names: Names, want: str, lesson: LessonPlacement) -> Violation:
    cls, subj = names.klass(lesson.class_id), names.subject(lesson.subject)
    return Violation("teachers.assignment", _where(names, lesson),
                     f"{cls}: {subj} is assigned to {names.teacher(want)}, but {names.teacher(lesson.teacher)} "
                     f"teaches it on {lesson_slot_en(lesson)}",
                     f"{cls}：{subj} 的任课教师应为 {names.teacher(want)}，但{lesson_slot_zh(lesson)}由 "
                     f"{names.teacher(lesson.teacher)} 任教")


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


def _one_teacher_per_class_subject(scenario: Scenario, solution: Solution, names: Names) -> list[Violation]:
    teachers: dict[tuple[str, str], set[str]] = defaultdict(set)
    for lesson in solution.lessons:
        if not is_receiving(scenario, lesson):
            teachers[(lesson.class_id, lesson.subject)].add(lesson.teacher)
    found: list[Violation] = []
    for (class_id, subject), who in sorted(teachers.items()):
        if len(who) < 2:
            continue
        cls, subj, ordered = names.klass(class_id), names.subject(subject), sorted(who)
        found.append(Violation("teachers.one_per_subject", f"{cls} {subj}",
                               f"{cls}: {subj} is taught by {len(who)} teachers ({names.teachers(ordered, 'en')}); "
                               "a class has one teacher per subject",
                               f"{cls}：{subj} 由{len(who)}位教师任教（{names.teachers(ordered, 'zh')}）；每班每科只能一位教师"))
    return found


def _loads(scenario: Scenario, solution: Solution, names: Names) -> list[Violation]:
    occurrences = sync_occurrences(scenario, solution)
    # A sync occurrence is one event taught once: it counts its longest lesson, not once per class.
    event_periods: dict[tuple[str, tuple], tuple[int, int]] = {}
    for index, lesson in enumerate(solution.lessons):
        key = (lesson.teacher, event_of(index, occurrences))
        day, periods = event_periods.get(key, (lesson.day.index, 0))
        event_periods[key] = (day, max(periods, lesson.length))
    daily: dict[tuple[str, int], int] = defaultdict(int)
    weekly: dict[str, int] = defaultdict(int)
    for (teacher_id, _event), (day, periods) in event_periods.items():
        daily[(teacher_id, day)] += periods
        weekly[teacher_id] += periods
    found: list[Violation] = []
    for (teacher_id, day_index), periods in sorted(daily.items()):
        teacher = scenario.teacher_by_id.get(teacher_id)
        if teacher is not None and periods > teacher.max_daily:
            who, day = names.teacher(teacher_id), Weekday.of_index(day_index)
            found.append(Violation("teachers.max_daily", f"{who} {day.zh}",
                                   f"teacher {who} teaches {periods} periods on {day_en(day)}, more than max_daily "
                                   f"{teacher.max_daily}",
                                   f"教师 {who} {day.zh}上{periods}节课，超过日课时上限{teacher.max_daily}节"))
    for teacher_id, periods in sorted(weekly.items()):
        teacher = scenario.teacher_by_id.get(teacher_id)
        if teacher is not None and periods > teacher.max_weekly:
            who = names.teacher(teacher_id)
            found.append(Violation("teachers.max_weekly", who,
                                   f"teacher {who} teaches {periods} periods a week, more than max_weekly {teacher.max_weekly}",
                                   f"教师 {who} 每周上{periods}节课，超过周课时上限{teacher.max_weekly}节"))
    return found
