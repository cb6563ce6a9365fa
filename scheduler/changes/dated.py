"""The published timetable on dates, with a change set applied: who is where, when, on each teaching day.

The weekly timetable (solution.json) is taught on every teaching day of the term (a make-up day follows
another weekday's timetable). A change set alters single dates: absent teachers' lessons need cover,
events cancel classes' lessons, a leaving teacher's lessons go to their replacement, bell overrides
change clock times. ``Dated`` answers, for one teacher and one date, what they already do and where —
the fixed part the cover model (``planner.py``) builds on.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from models import LessonPlacement, Scenario, Solution
from models.bells import BellPeriod
from models.changes import ChangeSet
from models.enums import DeliveryMode, Weekday
from models.term import TeachingDay, teaching_days, week_of_term


@dataclass(frozen=True)
class Item:
    """A commitment of a teacher on a date: a clock window and where (None: online, anywhere)."""

    start: int
    end: int
    school: str | None
    lesson: bool = True  # counts toward the daily and weekly load
    ref: str = ""  # the lesson key (class:key) or research block, for swaps


def clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


class Dated:
    """The timetable with the change set's dated facts, queried by teacher, class and date."""

    def __init__(self, scenario: Scenario, solution: Solution, changes: ChangeSet) -> None:
        self.scenario = changes.with_arrivals(scenario)
        self.solution = solution
        self.changes = changes
        self.days: dict[date, TeachingDay] = {d.date: d for d in teaching_days(scenario)}
        self.term = scenario.term
        self.by_teacher_day: dict[tuple[str, Weekday], list[LessonPlacement]] = defaultdict(list)
        self.by_class_day: dict[tuple[str, Weekday], list[LessonPlacement]] = defaultdict(list)
        for lesson in solution.lessons:
            self.by_class_day[(lesson.class_id, lesson.day)].append(lesson)
            if lesson.sync_role != "receiving":
                self.by_teacher_day[(lesson.teacher, lesson.day)].append(lesson)
        self.leaves = changes.leaves()
        self.starts = changes.starts()
        self.replacements = {t: s for t, s in self.leaves.items() if s.replaced_by}
        # A replacement takes over the lessons of the subjects they teach; the others are covered like an absence.
        self.qualified = {t: set(self.scenario.teacher_by_id[s.replaced_by].subjects)
                          for t, s in self.replacements.items() if s.replaced_by in self.scenario.teacher_by_id}
        # Lessons a replacement takes over are theirs from the leave date: index them under the replacement too.
        self.taken_over: dict[tuple[str, Weekday], list[tuple[LessonPlacement, date]]] = defaultdict(list)
        # 任课调整: a class's subject taught by another teacher from a date (the latest change holds).
        self.assigned = changes.assignments()
        for lesson in solution.lessons:
            if lesson.sync_role == "receiving":
                continue
            for change in self.assigned.get((lesson.class_id, lesson.subject), ()):
                self.taken_over[(change.teacher, lesson.day)].append((lesson, change.date))
        for lesson in solution.lessons:
            change = self.replacements.get(lesson.teacher)
            if change is not None and lesson.sync_role != "receiving" \
                    and lesson.subject in self.qualified.get(lesson.teacher, ()):
                self.taken_over[(change.replaced_by or "", lesson.day)].append((lesson, change.date))
        self.bell_override: dict[tuple[str, date], str] = {}
        for override in changes.bell_overrides:
            for school in override.schools:
                for day in override.dates:
                    self.bell_override[(school, day)] = override.bell_schedule
        self.blocks = {b.id: b for b in scenario.research_blocks}
        self.research_by_teacher: dict[str, list] = defaultdict(list)
        for placement in solution.research:
            for teacher in placement.teachers:
                self.research_by_teacher[teacher].append(placement)
        self.grade = {k.id: k.grade for k in scenario.classes}
        self.absence_days: dict[tuple[str, date], list[tuple[int, int] | None]] = defaultdict(list)
        for absence in changes.absences:
            teacher = self.scenario.teacher_by_id[absence.teacher]
            for day in absence.dates:
                if day not in self.days:
                    continue
                if not absence.periods:
                    self.absence_days[(absence.teacher, day)].append(None)
                    continue
                periods = self.periods(teacher.school, day)
                for p in absence.periods:
                    if p <= len(periods):
                        self.absence_days[(absence.teacher, day)].append((periods[p - 1].start_minute,
                                                                          periods[p - 1].end_minute))

    # -- times ------------------------------------------------------------------------------------------
    def periods(self, school: str, day: date) -> tuple[BellPeriod, ...]:
        override = self.bell_override.get((school, day))
        bells = self.scenario.bells_by_id[override] if override else self.scenario.bells_of(school)
        return bells.periods_on(day)

    def window(self, school: str, period: int, length: int, day: date) -> tuple[int, int]:
        periods = self.periods(school, day)
        return periods[period - 1].start_minute, periods[period + length - 2].end_minute

    def lesson_window(self, lesson: LessonPlacement, day: date) -> tuple[int, int]:
        return self.window(lesson.school, lesson.period, lesson.length, day)

    def week(self, day: date) -> int:
        return week_of_term(self.term, day)

    def dates_of_week(self, week: int) -> list[date]:
        return [d for d in self.days if self.week(d) == week]

    # -- who teaches ------------------------------------------------------------------------------------
    def present(self, teacher: str, day: date) -> bool:
        """On the staff that day (arrived, not left)."""
        start = self.starts.get(teacher)
        if start is not None and day < start:
            return False
        leave = self.leaves.get(teacher)
        return leave is None or day < leave.date

    def absent_at(self, teacher: str, day: date, window: tuple[int, int]) -> bool:
        if not self.present(teacher, day):
            return True
        for blocked in self.absence_days.get((teacher, day), ()):
            if blocked is None or (blocked[0] < window[1] and window[0] < blocked[1]):
                return True
        return False

    def teacher_of(self, lesson: LessonPlacement, day: date) -> str:
        if lesson.sync_role != "receiving":
            latest = [c for c in self.assigned.get((lesson.class_id, lesson.subject), ()) if c.date <= day]
            if latest:
                return latest[-1].teacher
        change = self.replacements.get(lesson.teacher)
        if change is not None and day >= change.date and lesson.subject in self.qualified.get(lesson.teacher, ()):
            return change.replaced_by or lesson.teacher
        return lesson.teacher

    def event_of(self, lesson: LessonPlacement, day: date):
        """The event that cancels this lesson on this date, or None."""
        for event in self.changes.events:
            if day in event.dates and event.touches(lesson.class_id, lesson.school, self.grade.get(lesson.class_id, 0)) \
                    and (not event.periods or any(p in event.periods for p in lesson.periods())):
                return event
        return None

    def lessons_on(self, teacher: str, day: date) -> list[LessonPlacement]:
        """The lessons ``teacher`` teaches on ``day`` in the timetable as changed by events and staff changes
        (lessons they are absent for included: the cover model decides those)."""
        follows = self.days[day].follows
        found = [lesson for lesson in self.by_teacher_day.get((teacher, follows), ())
                 if self.teacher_of(lesson, day) == teacher]
        found += [lesson for lesson, since in self.taken_over.get((teacher, follows), ())
                  if day >= since and self.teacher_of(lesson, day) == teacher and lesson not in found]
        return [lesson for lesson in found if self.event_of(lesson, day) is None]

    def items(self, teacher: str, day: date, exclude_absent: bool = True) -> list[Item]:
        """What ``teacher`` is committed to on ``day``: lessons they teach (not those they are absent for)
        and research blocks."""
        if day not in self.days:
            return []
        found: list[Item] = []
        for lesson in self.lessons_on(teacher, day):
            window = self.lesson_window(lesson, day)
            if exclude_absent and self.absent_at(teacher, day, window):
                continue
            found.append(Item(window[0], window[1], lesson.school, True, f"{lesson.class_id}\x1f{lesson.key}"))
        follows = self.days[day].follows
        for placement in self.research_by_teacher.get(teacher, ()):
            if placement.day != follows:
                continue
            block = self.blocks.get(placement.block)
            in_person = block is not None and block.mode == DeliveryMode.IN_PERSON
            host = placement.host or (block.host if block else None)
            found.append(Item(placement.start_minute, placement.end_minute, host if in_person else None, False,
                              f"research\x1f{placement.block}"))
        return found

    def travel(self, a: str | None, b: str | None) -> int | None:
        if a is None or b is None or a == b:
            return 0
        return self.scenario.travel_minutes(a, b)

    def compatible(self, a: Item, b: Item) -> bool:
        """Both can be done by one person: apart in time by at least the travel between their places."""
        first, second = (a, b) if (a.start, a.end) <= (b.start, b.end) else (b, a)
        need = self.travel(first.school, second.school)
        if need is None:
            return False
        return second.start >= first.end + need

    def allowed_at(self, teacher: str, school: str) -> bool:
        """May teach in person at ``school``: home school, also_schools, or a school of their itinerant post."""
        who = self.scenario.teacher_by_id[teacher]
        if school == who.school or school in who.also_schools:
            return True
        post = self.scenario.post_of.get(teacher)
        return post is not None and school in self.scenario.post_schools(post)

    def unavailable_at(self, teacher: str, day: date, window: tuple[int, int]) -> bool:
        """The teacher's weekly unavailable times (teachers.csv), in clock time of their home school."""
        who = self.scenario.teacher_by_id[teacher]
        if not who.unavailable:
            return False
        follows = self.days[day].follows
        periods = self.periods(who.school, day)
        for blocked in who.unavailable:
            if blocked.day != follows:
                continue
            if blocked.first is None:
                return True
            for p in range(blocked.first, (blocked.last or blocked.first) + 1):
                if p <= len(periods) and periods[p - 1].start_minute < window[1] and window[0] < periods[p - 1].end_minute:
                    return True
        return False
