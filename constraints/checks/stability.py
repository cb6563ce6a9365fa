"""What a re-solve moved, counted from the two timetables alone (not from the solver's model).

A lesson is seen as its class sees it: it *stayed* when the class had the same subject at the same
weekday and period in the published timetable, it *moved within the day* when the class had that subject
on that day, otherwise it *moved to another day*. A teacher is affected when the (weekday, period, class)
of their lessons changed at all; a class when any of its lessons did not stay. The schools the solve
said it kept as published must have exactly their published lessons (same teacher too): anything else
is a violation.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from constraints.checks import Violation
from models import Scenario, Solution

FAMILY = "moved_lessons"


@dataclass(frozen=True)
class SchoolMoves:
    school: str
    lessons: int
    stayed: int
    moved_period: int
    moved_day: int
    classes_affected: int
    teachers_affected: int

    @property
    def moved(self) -> int:
        return self.moved_period + self.moved_day


def moves_by_school(scenario: Scenario, previous: Solution, solution: Solution) -> list[SchoolMoves]:
    """Per school of the scenario (in its order): lessons now, and how many stayed or moved."""
    starts = {(x.class_id, x.subject, x.day.index, x.period) for x in previous.lessons}
    days = {(x.class_id, x.subject, x.day.index) for x in previous.lessons}
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    moved_classes: dict[str, set[str]] = defaultdict(set)
    for lesson in solution.lessons:
        row = counts[lesson.school]
        row[0] += 1
        if (lesson.class_id, lesson.subject, lesson.day.index, lesson.period) in starts:
            row[1] += 1
            continue
        row[2 if (lesson.class_id, lesson.subject, lesson.day.index) in days else 3] += 1
        moved_classes[lesson.school].add(lesson.class_id)
    teachers = _affected_teachers(scenario, previous, solution)
    return [SchoolMoves(school=s.id, lessons=counts[s.id][0], stayed=counts[s.id][1], moved_period=counts[s.id][2],
                        moved_day=counts[s.id][3], classes_affected=len(moved_classes[s.id]),
                        teachers_affected=len(teachers[s.id]))
            for s in scenario.schools]


def _affected_teachers(scenario: Scenario, previous: Solution, solution: Solution) -> dict[str, set[str]]:
    """By home school: teachers whose week (weekday, period, class) is not what it was."""
    def weeks(source: Solution) -> dict[str, set[tuple]]:  # type: ignore[type-arg]
        found: dict[str, set[tuple]] = defaultdict(set)  # type: ignore[type-arg]
        for x in source.lessons:
            if x.sync_role != "receiving":
                found[x.teacher].add((x.day.index, x.period, x.length, x.class_id))
        return found

    before, after = weeks(previous), weeks(solution)
    by_school: dict[str, set[str]] = defaultdict(set)
    for teacher in set(before) | set(after):
        if before.get(teacher, set()) != after.get(teacher, set()):
            person = scenario.teacher_by_id.get(teacher)
            by_school[person.school if person else ""].add(teacher)
    return by_school


def check_kept(scenario: Scenario, previous: Solution, solution: Solution, kept: tuple[str, ...]) -> list[Violation]:
    """Every school said to be kept has exactly its published lessons."""
    def lessons_at(source: Solution, school: str) -> set[tuple]:  # type: ignore[type-arg]
        return {(x.class_id, x.subject, x.teacher, x.day.index, x.period, x.length) for x in source.lessons
                if x.school == school}

    found = []
    names = {s.id: s.name for s in scenario.schools}
    for school in kept:
        if lessons_at(previous, school) != lessons_at(solution, school):
            changed = len(lessons_at(previous, school) ^ lessons_at(solution, school))
            found.append(Violation(FAMILY, school, f"{names.get(school, school)} was to keep its published timetable, "
                                   f"but {changed} lesson(s) differ", f"{names.get(school, school)} 应保持已发布课表，"
                                   f"但有 {changed} 节课不同"))
    return found
