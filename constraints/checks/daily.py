"""Daily: a class has a subject at most once a day; a double period is one lesson and counts once."""

from __future__ import annotations

from collections import defaultdict

from constraints.checks import Violation
from constraints.checks._common import Names, day_en, periods_en, periods_zh
from models import LessonPlacement, Scenario, Solution, Weekday


def check(scenario: Scenario, solution: Solution) -> list[Violation]:
    names = Names(scenario)
    by_day: dict[tuple[str, str, Weekday], list[LessonPlacement]] = defaultdict(list)
    for lesson in solution.lessons:
        by_day[(lesson.class_id, lesson.subject, lesson.day)].append(lesson)
    found: list[Violation] = []
    for (class_id, subject, day), lessons in sorted(by_day.items(), key=lambda i: (i[0][0], i[0][1], i[0][2].index)):
        if len(lessons) < 2:
            continue
        lessons = sorted(lessons, key=lambda x: (x.period, x.length, x.key))
        cls, subj = names.klass(class_id), names.subject(subject)
        at_en = ", ".join(periods_en(x.period, x.length) for x in lessons)
        at_zh = "、".join(periods_zh(x.period, x.length) for x in lessons)
        found.append(Violation("daily.once", f"{cls} {subj}",
                               f"{cls}: {subj} is taught {len(lessons)} times on {day_en(day)} ({at_en}); "
                               "a subject is taught at most once a day, a double period counting once",
                               f"{cls}：{subj} {day.zh}上了{len(lessons)}次（{at_zh}）；同一学科每天至多一次，连堂算一次"))
    return found
