"""Daily limits: a class has a subject at most once a day (a double period is one lesson and counts once);
a teacher teaches at most max_daily periods a day and max_weekly a week.

When a subject has more lessons a week than the class has teaching days (8 periods of 语文 in a
five-day week, no doubles), "once a day" cannot hold; the rule a timetabler applies is then "as
evenly as possible": at most ceil(lessons / teaching days) a day. A sync occurrence counts once in
the teacher's daily and weekly load.
"""

from __future__ import annotations

from collections import defaultdict

from constraints.checks import Violation
from constraints.checks._common import Names, day_en, event_of, periods_en, periods_zh, sync_occurrences
from models import LessonPlacement, Scenario, Solution, Weekday


def check(scenario: Scenario, solution: Solution) -> list[Violation]:
    names = Names(scenario)
    by_day: dict[tuple[str, str, Weekday], list[LessonPlacement]] = defaultdict(list)
    for lesson in solution.lessons:
        by_day[(lesson.class_id, lesson.subject, lesson.day)].append(lesson)
    weekly: dict[tuple[str, str], int] = defaultdict(int)
    for (class_id, subject, _day), lessons in by_day.items():
        weekly[(class_id, subject)] += len(lessons)
    found: list[Violation] = []
    for (class_id, subject, day), lessons in sorted(by_day.items(), key=lambda i: (i[0][0], i[0][1], i[0][2].index)):
        klass = scenario.class_by_id.get(class_id)
        if klass is None:
            continue  # an unknown class is reported by the curriculum check
        days = max(1, len(scenario.bells_of(klass.school).days))
        allowed = max(1, -(-weekly[(class_id, subject)] // days))
        if len(lessons) <= allowed:
            continue
        lessons = sorted(lessons, key=lambda x: (x.period, x.length, x.key))
        cls, subj = names.klass(class_id), names.subject(subject)
        at_en = ", ".join(periods_en(x.period, x.length) for x in lessons)
        at_zh = "、".join(periods_zh(x.period, x.length) for x in lessons)
        found.append(Violation("daily.once", f"{cls} {subj}",
                               f"{cls}: {subj} is taught {len(lessons)} times on {day_en(day)} ({at_en}); "
                               f"a subject is taught at most {_times_en(allowed)} a day, a double period counting once",
                               f"{cls}：{subj} {day.zh}上了{len(lessons)}次（{at_zh}）；同一学科每天至多{_times_zh(allowed)}，连堂算一次"))
    return found + _loads(scenario, solution, names)


def _times_en(n: int) -> str:
    return "once" if n == 1 else "twice" if n == 2 else f"{n} times"


def _times_zh(n: int) -> str:
    return "一次" if n == 1 else "两次" if n == 2 else f"{n}次"


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
