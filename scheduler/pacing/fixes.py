"""Fixes for a class that cannot keep the pace: where its missing lessons could come from.

For a class short of ``n`` lessons of a subject in a week, two kinds of suggestion, each naming the
date and period:

* **free period** (自习/空节): a period of that week's teaching days when the class has no lesson and its
  teacher of the subject has none either (clock times at each school that date, travel between
  schools counted) — an extra lesson there;
* **swap** (调课): a lesson of another paced subject that has spare lessons (机动) for this class that
  week, at a time the subject's teacher is free — teach the short subject instead.

Up to ``n`` of each, spread over different days where possible.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from models.enums import Weekday
from models.pacing import Fix, PacingGroup, Shortfall
from models.scenario import Scenario
from models.solution import LessonPlacement, Solution
from models.term import TeachingDay
from scheduler.pacing.count import LessonCounter


class _Timetable:
    def __init__(self, scenario: Scenario, solution: Solution) -> None:
        self.s = scenario
        self.by_class: dict[tuple[str, Weekday], list[LessonPlacement]] = defaultdict(list)
        self.by_teacher: dict[tuple[str, Weekday], list[LessonPlacement]] = defaultdict(list)
        self.research: dict[tuple[str, Weekday], list[tuple[int, int]]] = defaultdict(list)
        for lesson in solution.lessons:
            self.by_class[(lesson.class_id, lesson.day)].append(lesson)
            self.by_teacher[(lesson.teacher, lesson.day)].append(lesson)
        for placement in solution.research:
            for teacher in placement.teachers:
                self.research[(teacher, placement.day)].append((placement.start_minute, placement.end_minute))
        teachers: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        for lesson in solution.lessons:
            if lesson.sync_role != "receiving":
                teachers[(lesson.class_id, lesson.subject)][lesson.teacher] += lesson.length
        for a in scenario.assignments:
            teachers[(a.class_id, a.subject)][a.teacher] += 0
        self.teacher_of = {key: sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] for key, c in teachers.items()}

    def window(self, school: str, on: date, first: int, length: int = 1) -> tuple[int, int]:
        periods = self.s.bells_of(school).periods_on(on)
        return periods[first - 1].start_minute, periods[first + length - 2].end_minute

    def teacher_free(self, teacher: str, day: TeachingDay, school: str, start: int, end: int) -> bool:
        for lesson in self.by_teacher.get((teacher, day.follows), []):
            lo, hi = self.window(lesson.school, day.date, lesson.period, lesson.length)
            gap = 0 if lesson.school == school else (self.s.travel_minutes(lesson.school, school) or 10_000)
            if lo < end + gap and start < hi + gap:
                return False
        return not any(lo < end and start < hi for lo, hi in self.research.get((teacher, day.follows), []))


def _name(scenario: Scenario, teacher: str | None) -> str:
    person = scenario.teacher_by_id.get(teacher or "")
    return person.name if person else (teacher or "")


def fixes_for(scenario: Scenario, table: _Timetable, counter: LessonCounter, group: PacingGroup, short: Shortfall,
              spare: dict[tuple[str, str, int], int]) -> tuple[Fix, ...]:
    klass = scenario.class_by_id[short.class_id]
    bells = scenario.bells_of(klass.school)
    teacher = table.teacher_of.get((short.class_id, group.subject))
    missing = short.needed - short.available
    tests = {r.date for r in group.items if r.date is not None}
    days = [d for d in counter.teaching_days_between(short.first, short.last) if d.date not in tests]
    free: list[Fix] = []
    swaps: list[Fix] = []
    who = _name(scenario, teacher)
    for day in days:
        if day.follows not in bells.days:
            continue
        taken = {p for lesson in table.by_class.get((short.class_id, day.follows), []) for p in lesson.periods()}
        label = f"{day.date} ({day.follows.value})", f"{day.date}（{day.follows.zh}）"
        for period in range(1, bells.periods_per_day + 1):
            start, end = table.window(klass.school, day.date, period)
            if period in taken or (teacher and not table.teacher_free(teacher, day, klass.school, start, end)):
                continue
            free.append(Fix(kind="free_period", date=day.date, period=period,
                            en=f"add a {group.subject} lesson on {label[0]} period {period}: the class has no lesson then"
                               + (f" and {who} is free" if teacher else ""),
                            zh=f"{label[1]}第{period}节加一节{group.subject}：该班此时无课" + (f"，{who}有空" if teacher else "")))
            break  # one per day, so the suggestions spread over the week
        for lesson in sorted(table.by_class.get((short.class_id, day.follows), []), key=lambda x: x.period):
            other = lesson.subject
            if other == group.subject or spare.get((short.class_id, other, short.week), 0) <= 0:
                continue
            start, end = table.window(klass.school, day.date, lesson.period, lesson.length)
            if teacher and teacher != lesson.teacher and not table.teacher_free(teacher, day, klass.school, start, end):
                continue
            spare[(short.class_id, other, short.week)] -= lesson.length
            swaps.append(Fix(kind="swap", date=day.date, period=lesson.period, other_subject=other,
                             en=f"swap (调课): on {label[0]} period {lesson.period} teach {group.subject} instead of {other}, "
                                f"which has spare lessons for this class that week",
                             zh=f"调课：{label[1]}第{lesson.period}节的{other}改上{group.subject}（该班本周{other}有机动课时）"))
            break
    return tuple(free[:missing] + swaps[:missing])


def with_fixes(scenario: Scenario, solution: Solution, counter: LessonCounter, groups: list[PacingGroup]) -> list[PacingGroup]:
    """The groups with fixes added to every shortfall."""
    table = _Timetable(scenario, solution)
    spare = spare_by_week(groups)
    result = []
    for group in groups:
        if group.shortfalls:
            shortfalls = tuple(s.model_copy(update={"fixes": fixes_for(scenario, table, counter, group, s, spare)})
                               for s in group.shortfalls)
            group = group.model_copy(update={"shortfalls": shortfalls})
        result.append(group)
    return result


def spare_by_week(groups: list[PacingGroup]) -> dict[tuple[str, str, int], int]:
    """(class, subject, week) -> lessons the class has beyond the plan that week (机动)."""
    spare: dict[tuple[str, str, int], int] = defaultdict(int)
    for group in groups:
        for slot in group.slots:
            for class_id, n in slot.available.items():
                spare[(class_id, group.subject, slot.week)] += n - slot.planned
    return spare
