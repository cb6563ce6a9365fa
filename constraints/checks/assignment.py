"""Who teaches (the assignment, models/assignment.py, made before any family is posted): the teacher exists,
teaches the subject and may teach at the school, declared assignments hold, one teacher per class and subject.

Receiving lessons of a sync lesson are taught by the sync teacher from the teaching school, so
they are exempt from the school rule, from the class's declared assignment and from the
one-teacher-per-class-subject rule; the teaching class's lesson carries those checks. A teacher's
unavailable times are checked in ``availability``, their loads in ``daily_limits``.
"""

from __future__ import annotations

from collections import defaultdict

from constraints.checks import Violation, itinerant
from constraints.checks._common import Names, is_receiving, lesson_order, lesson_slot_en, lesson_slot_zh
from models import LessonPlacement, Scenario, Solution, Teacher


def check(scenario: Scenario, solution: Solution) -> list[Violation]:
    names = Names(scenario)
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
    found += _one_teacher_per_class_subject(scenario, solution, names)
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


