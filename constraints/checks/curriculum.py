"""Curriculum: every class gets its weekly periods and double periods, at real times of its school.

Counts are in periods (a double counts 2). Receiving lessons of a sync lesson count for the
receiving class: each is one of that class's curriculum periods of the subject.
"""

from __future__ import annotations

from collections import defaultdict

from constraints.checks import Violation
from constraints.checks._common import Names, day_en, lesson_order, lesson_slot_en, lesson_slot_zh
from models import BellSchedule, LessonPlacement, Scenario, Solution


def check(scenario: Scenario, solution: Solution) -> list[Violation]:
    names = Names(scenario)
    found: list[Violation] = []
    for lesson in sorted(solution.lessons, key=lesson_order):
        found += _placement(scenario, names, lesson)
    found += _weekly_counts(scenario, names, solution)
    return found


def _placement(scenario: Scenario, names: Names, lesson: LessonPlacement) -> list[Violation]:
    klass = scenario.class_by_id.get(lesson.class_id)
    if klass is None:
        return [Violation("curriculum.unknown_class", lesson.class_id,
                          f"lesson {lesson.key}: class '{lesson.class_id}' is not in the scenario",
                          f"课 {lesson.key}：方案中没有班级“{lesson.class_id}”")]
    where = f"{names.klass(klass.id)} {names.subject(lesson.subject)}"
    cls, subj = names.klass(klass.id), names.subject(lesson.subject)
    found: list[Violation] = []
    if lesson.subject not in scenario.subject_by_id:
        found.append(Violation("curriculum.unknown_subject", where,
                               f"{cls}: the lesson on {lesson_slot_en(lesson)} has subject '{lesson.subject}', "
                               "which is not in the scenario",
                               f"{cls}：{lesson_slot_zh(lesson)}的课程“{lesson.subject}”不在方案的学科中"))
    if lesson.school != klass.school:
        found.append(Violation("curriculum.wrong_school", where,
                               f"{cls}: {subj} on {lesson_slot_en(lesson)} is placed at {names.school(lesson.school)}, "
                               f"but the class belongs to {names.school(klass.school)}",
                               f"{cls}：{lesson_slot_zh(lesson)}的{subj}被排在{names.school(lesson.school)}，"
                               f"但该班属于{names.school(klass.school)}"))
    # The class's own school decides which days and periods exist, whatever the lesson claims.
    bells = scenario.bells_of(klass.school)
    found += _within_bells(bells, names.school(klass.school), cls, subj, where, lesson)
    return found


def _within_bells(bells: BellSchedule, school: str, cls: str, subj: str, where: str,
                  lesson: LessonPlacement) -> list[Violation]:
    found: list[Violation] = []
    if lesson.day not in bells.days:
        found.append(Violation("curriculum.off_day", where,
                               f"{cls}: {subj} on {lesson_slot_en(lesson)}, but {school}'s bell schedule "
                               f"has no lessons on {day_en(lesson.day)}",
                               f"{cls}：{subj} 排在{lesson_slot_zh(lesson)}，但{school}的作息表{lesson.day.zh}不上课"))
    last = lesson.period + lesson.length - 1
    if last > bells.periods_per_day:
        found.append(Violation("curriculum.off_period", where,
                               f"{cls}: {subj} on {lesson_slot_en(lesson)}, but {school}'s bell schedule "
                               f"has only {bells.periods_per_day} periods a day",
                               f"{cls}：{subj} 排在{lesson_slot_zh(lesson)}，但{school}的作息表每天只有"
                               f"{bells.periods_per_day}节"))
    if lesson.length > 2:
        found.append(Violation("curriculum.length", where,
                               f"{cls}: {subj} on {lesson_slot_en(lesson)} runs {lesson.length} periods; "
                               "a lesson is one period or a double of two",
                               f"{cls}：{subj} {lesson_slot_zh(lesson)}连排{lesson.length}节；每次课为1节或2节连堂"))
    elif lesson.length == 2 and last <= bells.periods_per_day:
        found += _double_in_one_half(bells, cls, subj, where, lesson)
    return found


def _double_in_one_half(bells: BellSchedule, cls: str, subj: str, where: str,
                        lesson: LessonPlacement) -> list[Violation]:
    # A season may move a period across noon, so every variant must keep the pair in one half-day.
    for periods in bells.variants():
        first, second = periods[lesson.period - 1], periods[lesson.period]
        if first.is_morning != second.is_morning:
            return [Violation("curriculum.double_split", where,
                              f"{cls}: the {subj} double period on {lesson_slot_en(lesson)} spans morning and "
                              f"afternoon ({first.start:%H:%M}-{first.end:%H:%M}, {second.start:%H:%M}-{second.end:%H:%M})",
                              f"{cls}：{subj} {lesson_slot_zh(lesson)}的连堂跨越上午和下午"
                              f"（{first.start:%H:%M}-{first.end:%H:%M}、{second.start:%H:%M}-{second.end:%H:%M}）")]
    return []


def _weekly_counts(scenario: Scenario, names: Names, solution: Solution) -> list[Violation]:
    periods: dict[tuple[str, str], int] = defaultdict(int)
    doubles: dict[tuple[str, str], int] = defaultdict(int)
    for lesson in solution.lessons:
        periods[(lesson.class_id, lesson.subject)] += lesson.length
        doubles[(lesson.class_id, lesson.subject)] += lesson.length == 2
    found: list[Violation] = []
    placed_of: dict[str, set[str]] = defaultdict(set)
    for class_id, subject in periods:
        placed_of[class_id].add(subject)
    for klass in sorted(scenario.classes, key=lambda c: c.id):
        cls = names.klass(klass.id)
        asked_periods: dict[str, int] = defaultdict(int)
        asked_doubles: dict[str, int] = defaultdict(int)
        for entry in scenario.class_curriculum(klass.id):
            asked_periods[entry.subject] += entry.periods
            asked_doubles[entry.subject] += entry.doubles
        placed = placed_of[klass.id]
        for subject in sorted(set(asked_periods) | placed):
            where, subj = f"{cls} {names.subject(subject)}", names.subject(subject)
            have, want = periods.get((klass.id, subject), 0), asked_periods.get(subject, 0)
            if subject not in asked_periods:
                found.append(Violation("curriculum.not_in_plan", where,
                                       f"{cls}: {subj} has {have} periods on the timetable but is not in the "
                                       f"curriculum of grade {klass.grade}",
                                       f"{cls}：{subj} 排了{have}节，但不在{klass.grade}年级的课程计划中"))
                continue
            if have != want:
                found.append(Violation("curriculum.periods", where,
                                       f"{cls}: {subj} has {have} periods on the timetable, the curriculum asks for {want}",
                                       f"{cls}：{subj} 排了{have}节，课程计划要求{want}节"))
            have_d, want_d = doubles.get((klass.id, subject), 0), asked_doubles.get(subject, 0)
            if have_d != want_d:
                found.append(Violation("curriculum.doubles", where,
                                       f"{cls}: {subj} has {have_d} double periods, the curriculum asks for {want_d}",
                                       f"{cls}：{subj} 有{have_d}次连堂，课程计划要求{want_d}次"))
    return found
