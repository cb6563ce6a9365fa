"""Synchronized and remote-delivery lessons: every occurrence held live, at overlapping clock times.

Pairing convention (see ``_common.sync_occurrences``): the lessons of sync lesson S are those
tagged ``sync=S`` in S's teaching and receiving classes; an occurrence is a weekday (and, only in
an invalid timetable with two such lessons of one class on a day, their rank by period). Each
occurrence needs the teaching class's lesson and one lesson of every receiving class, taught by one
teacher (S's teacher when given), all live together under every bell-time regime of the term: with
``min_overlap_minutes`` the window common to every end lasts at least that many minutes; when it is
None every two ends nest (the shorter lesson inside the longer one's clock window).
"""

from __future__ import annotations

from collections import defaultdict

from constraints.checks import Violation
from constraints.checks._common import (
    Clocks,
    Names,
    Regime,
    day_en,
    lesson_order,
    lesson_slot_en,
    lesson_slot_zh,
    overlap_minutes,
    periods_en,
    periods_zh,
    span,
    sync_occurrences,
)
from models import DeliveryMode, LessonPlacement, Scenario, Solution, SyncLesson, Weekday


def check(scenario: Scenario, solution: Solution) -> list[Violation]:
    names, clocks = Names(scenario), Clocks(scenario)
    found = _tags(scenario, solution, names)
    occurrences = sync_occurrences(scenario, solution)
    by_sync: dict[str, dict[tuple[Weekday, int], dict[str, LessonPlacement]]] = defaultdict(lambda: defaultdict(dict))
    for index, (sync_id, day, rank) in occurrences.items():
        lesson = solution.lessons[index]
        by_sync[sync_id][(day, rank)][lesson.class_id] = lesson
    for sync in sorted(scenario.sync_lessons, key=lambda s: s.id):
        found += _occurrences(sync, by_sync.get(sync.id, {}), names, clocks)
    return found


def _label_en(sync: SyncLesson, names: Names) -> str:
    kind = "remote lesson" if sync.mode == DeliveryMode.REMOTE else "sync lesson"
    return f"{kind} {sync.id} ({names.subject(sync.subject)})"


def _label_zh(sync: SyncLesson, names: Names) -> str:
    kind = "专递课堂" if sync.mode == DeliveryMode.REMOTE else "同步课堂"
    return f"{kind} {sync.id}（{names.subject(sync.subject)}）"


def _tags(scenario: Scenario, solution: Solution, names: Names) -> list[Violation]:
    """Every lesson's sync tag refers to a sync lesson it belongs to, with the right role and subject."""
    syncs = {sync.id: sync for sync in scenario.sync_lessons}
    found: list[Violation] = []
    for lesson in sorted(solution.lessons, key=lesson_order):
        cls, subj = names.klass(lesson.class_id), names.subject(lesson.subject)
        if lesson.sync is None:
            if lesson.sync_role is not None:
                found.append(Violation("sync_lessons.role", f"{cls} {subj}",
                                       f"{cls}: {subj} on {lesson_slot_en(lesson)} has sync role '{lesson.sync_role}' "
                                       "but no sync lesson",
                                       f"{cls}：{lesson_slot_zh(lesson)}的{subj}标有同步角色“{lesson.sync_role}”，"
                                       "但不属于任何同步课堂"))
            continue
        sync = syncs.get(lesson.sync)
        if sync is None:
            found.append(Violation("sync_lessons.unknown", f"{cls} {subj}",
                                   f"{cls}: {subj} on {lesson_slot_en(lesson)} is marked as part of sync lesson "
                                   f"'{lesson.sync}', which is not in the scenario",
                                   f"{cls}：{lesson_slot_zh(lesson)}的{subj}标为同步课堂“{lesson.sync}”，方案中没有该同步课堂"))
            continue
        where = f"同步课堂 {sync.id}"
        if lesson.class_id not in (sync.teaching_class, *sync.receiving_classes):
            found.append(Violation("sync_lessons.not_member", where,
                                   f"{_label_en(sync, names)}: {cls} {subj} on {lesson_slot_en(lesson)} is marked as "
                                   "part of it, but the class is neither its teaching class nor a receiving class",
                                   f"{_label_zh(sync, names)}：{cls} {lesson_slot_zh(lesson)}的{subj}标为该同步课堂，"
                                   "但该班既不是授课班级也不是接收班级"))
            continue
        role = "teaching" if lesson.class_id == sync.teaching_class else "receiving"
        if lesson.sync_role != role:
            found.append(Violation("sync_lessons.role", where,
                                   f"{_label_en(sync, names)}: {cls} on {lesson_slot_en(lesson)} has role "
                                   f"'{lesson.sync_role}', it should be '{role}'",
                                   f"{_label_zh(sync, names)}：{cls} {lesson_slot_zh(lesson)}的角色为“{lesson.sync_role}”，"
                                   f"应为“{role}”"))
        if lesson.subject != sync.subject:
            found.append(Violation("sync_lessons.subject", where,
                                   f"{_label_en(sync, names)}: {cls} on {lesson_slot_en(lesson)} has {subj}, "
                                   f"not {names.subject(sync.subject)}",
                                   f"{_label_zh(sync, names)}：{cls} {lesson_slot_zh(lesson)}上的是{subj}，"
                                   f"不是{names.subject(sync.subject)}"))
    return found


def _occurrences(sync: SyncLesson, occurrences: dict[tuple[Weekday, int], dict[str, LessonPlacement]],
                 names: Names, clocks: Clocks) -> list[Violation]:
    where, label_en, label_zh = f"同步课堂 {sync.id}", _label_en(sync, names), _label_zh(sync, names)
    teaching_cls = names.klass(sync.teaching_class)
    held = sum(1 for lessons in occurrences.values() if sync.teaching_class in lessons)
    found: list[Violation] = []
    if held != sync.per_week:
        found.append(Violation("sync_lessons.count", where,
                               f"{label_en}: the teaching class {teaching_cls} has it {held} times a week instead of {sync.per_week}",
                               f"{label_zh}：授课班级 {teaching_cls} 每周上{held}次，要求每周{sync.per_week}次"))
    for (day, _rank), lessons in sorted(occurrences.items(), key=lambda item: (item[0][0].index, item[0][1])):
        teaching = lessons.get(sync.teaching_class)
        if teaching is None:
            for class_id in sync.receiving_classes:
                if class_id in lessons:
                    found.append(_orphan(where, label_en, label_zh, teaching_cls, names, lessons[class_id]))
            continue
        found += _teacher_of(sync, teaching, lessons, names, where, label_en, label_zh)
        present = [teaching]
        for class_id in sync.receiving_classes:
            receiving = lessons.get(class_id)
            if receiving is None:
                found.append(Violation("sync_lessons.missing", where,
                                       f"{label_en}: on {day_en(day)} the teaching class {teaching_cls} has it "
                                       f"({periods_en(teaching.period, teaching.length)}) but receiving class "
                                       f"{names.klass(class_id)} has no lesson of it that day",
                                       f"{label_zh}：{day.zh}授课班级 {teaching_cls} 上课（{periods_zh(teaching.period, teaching.length)}），"
                                       f"但接收班级 {names.klass(class_id)} 当天没有这节同步课"))
                continue
            present.append(receiving)
        found += _aligned(sync, present, names, clocks, where, label_en, label_zh)
    return found


def _orphan(where: str, label_en: str, label_zh: str, teaching_cls: str, names: Names,
            lesson: LessonPlacement) -> Violation:
    cls = names.klass(lesson.class_id)
    return Violation("sync_lessons.orphan", where,
                     f"{label_en}: receiving class {cls} has it on {lesson_slot_en(lesson)}, "
                     f"but the teaching class {teaching_cls} has no lesson of it that day",
                     f"{label_zh}：接收班级 {cls} {lesson_slot_zh(lesson)}有这节同步课，但授课班级 {teaching_cls} 当天没有")


def _teacher_of(sync: SyncLesson, teaching: LessonPlacement, lessons: dict[str, LessonPlacement], names: Names,
                where: str, label_en: str, label_zh: str) -> list[Violation]:
    day, found = teaching.day, []
    if sync.teacher is not None and teaching.teacher != sync.teacher:
        found.append(Violation("sync_lessons.teacher", where,
                               f"{label_en}: on {day_en(day)} the teaching class {names.klass(teaching.class_id)} is "
                               f"taught by {names.teacher(teaching.teacher)}, the sync lesson's teacher is "
                               f"{names.teacher(sync.teacher)}",
                               f"{label_zh}：{day.zh}授课班级 {names.klass(teaching.class_id)} 由 "
                               f"{names.teacher(teaching.teacher)} 任教，同步课堂指定的教师是 {names.teacher(sync.teacher)}"))
    for class_id in sync.receiving_classes:
        receiving = lessons.get(class_id)
        if receiving is not None and receiving.teacher != teaching.teacher:
            found.append(Violation("sync_lessons.teacher", where,
                                   f"{label_en}: on {day_en(day)} receiving class {names.klass(class_id)} has teacher "
                                   f"{names.teacher(receiving.teacher)}, but {names.teacher(teaching.teacher)} teaches "
                                   "it from the teaching class",
                                   f"{label_zh}：{day.zh}接收班级 {names.klass(class_id)} 的教师为 "
                                   f"{names.teacher(receiving.teacher)}，但授课教师是 {names.teacher(teaching.teacher)}"))
    return found


def _aligned(sync: SyncLesson, ends: list[LessonPlacement], names: Names, clocks: Clocks,
             where: str, label_en: str, label_zh: str) -> list[Violation]:
    """The first regime under which the ends (teaching lesson first) are not live together, if any."""
    for regime in clocks.regimes:
        windows = [clocks.lesson_window(lesson, regime) for lesson in ends]
        if any(w is None for w in windows):
            return []  # a lesson outside its school's periods is reported by the curriculum check
        if sync.min_overlap_minutes is None:
            for i, j in ((i, j) for i in range(len(ends)) for j in range(i + 1, len(ends))):
                shorter, longer = sorted((windows[i], windows[j]), key=lambda w: (w[1] - w[0], w))
                if not (longer[0] <= shorter[0] and shorter[1] <= longer[1]):
                    return [_misaligned(ends[i], ends[j], windows[i], windows[j], regime, names, clocks, where,
                                        label_en, label_zh, "do not overlap fully", "时间不完全重合")]
            continue
        common = min(w[1] for w in windows) - max(w[0] for w in windows)
        if common < sync.min_overlap_minutes:
            # Name the pair with the least overlap: that is where the common window is cut.
            i, j = min(((i, j) for i in range(len(ends)) for j in range(i + 1, len(ends))),
                       key=lambda ij: (overlap_minutes(windows[ij[0]], windows[ij[1]]), ij))
            pair = overlap_minutes(windows[i], windows[j])
            together_en = f"; all {len(ends)} ends are live together for {max(0, common)}" if len(ends) > 2 else ""
            together_zh = f"；{len(ends)}端同时在线{max(0, common)}分钟" if len(ends) > 2 else ""
            return [_misaligned(ends[i], ends[j], windows[i], windows[j], regime, names, clocks, where,
                                label_en, label_zh,
                                f"overlap by {pair} minutes{together_en}, at least {sync.min_overlap_minutes} are needed",
                                f"仅重合{pair}分钟{together_zh}，至少需要{sync.min_overlap_minutes}分钟")]
    return []


def _misaligned(teaching: LessonPlacement, receiving: LessonPlacement, a: tuple[int, int], b: tuple[int, int],
                regime: Regime, names: Names, clocks: Clocks, where: str, label_en: str, label_zh: str,
                problem_en: str, problem_zh: str) -> Violation:
    t_cls, r_cls, day = names.klass(teaching.class_id), names.klass(receiving.class_id), teaching.day
    return Violation("sync_lessons.overlap", where,
                     f"{label_en}: on {day_en(day)} {t_cls} {periods_en(teaching.period, teaching.length)} ({span(a)}) and "
                     f"{r_cls} {periods_en(receiving.period, receiving.length)} ({span(b)}) {problem_en}"
                     f"{clocks.since_en(regime, clocks.moves(teaching, receiving))}",
                     f"{label_zh}：{day.zh} {t_cls} {periods_zh(teaching.period, teaching.length)}（{span(a)}）与 "
                     f"{r_cls} {periods_zh(receiving.period, receiving.length)}（{span(b)}）{problem_zh}"
                     f"{clocks.since_zh(regime, clocks.moves(teaching, receiving))}")
