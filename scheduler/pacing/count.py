"""How many lessons of each subject a class really has in each part of the term.

A class's lessons of a subject between two dates are, for every teaching day in between (holidays,
weekends and ``term.assessment_days`` left out, make-up days 调休 teaching the weekday they follow:
:func:`models.term.teaching_days`), the periods of the weekly timetable's lessons of that class and
subject on the weekday the day follows (a double period counts 2). A date listed in ``skip`` (a
unified assessment of the subject) counts nothing.

The pacing planner reads these counts; ``tongbu verify`` recounts them with its own code
(``constraints/checks/pacing.py``) and compares.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from models.calendar import TermCalendar
from models.enums import Weekday
from models.scenario import Scenario
from models.solution import Solution
from models.term import TeachingDay, teaching_days, week_of_term


@dataclass(frozen=True)
class Week:
    """A Monday–Sunday school week of the term (第N周), its dates clipped to the term."""

    number: int
    first: date
    last: date


def term_weeks(term: TermCalendar) -> list[Week]:
    """Every week of the term, from the week of its first day to the week of its last."""
    weeks = []
    monday = term.start - timedelta(days=term.start.weekday())
    while monday <= term.end:
        first, last = max(monday, term.start), min(monday + timedelta(days=6), term.end)
        weeks.append(Week(week_of_term(term, first), first, last))
        monday += timedelta(days=7)
    return weeks


class LessonCounter:
    """Lessons per class and subject on each teaching day, from the weekly timetable and the calendar."""

    def __init__(self, scenario: Scenario, solution: Solution) -> None:
        self.scenario = scenario
        self.days: list[TeachingDay] = teaching_days(scenario)
        self.dates = [d.date for d in self.days]
        self.weekly: dict[tuple[str, str, Weekday], int] = defaultdict(int)
        for lesson in solution.lessons:
            bells = scenario.bells_of(lesson.school)
            if lesson.day in bells.days:
                self.weekly[(lesson.class_id, lesson.subject, lesson.day)] += lesson.length

    def teaching_days_between(self, first: date, last: date) -> list[TeachingDay]:
        return self.days[bisect_left(self.dates, first):bisect_right(self.dates, last)]

    def count(self, class_id: str, subject: str, first: date, last: date, skip: frozenset[date] = frozenset()) -> int:
        """The class's lessons of ``subject`` on the teaching days from ``first`` to ``last`` (inclusive)."""
        return sum(self.weekly.get((class_id, subject, day.follows), 0)
                   for day in self.teaching_days_between(first, last) if day.date not in skip)

    def on(self, class_id: str, subject: str, day: TeachingDay) -> int:
        return self.weekly.get((class_id, subject, day.follows), 0)
