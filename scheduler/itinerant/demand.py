"""What itinerant teachers must cover, who can reach it, and what a choice costs in travel.

Uncovered demand: a class-subject of a post's subject with local periods (curriculum minus what
arrives by synchronized lessons) that ``assignments`` leaves open and that no teacher of the
school's own staff (home school or ``also_schools``, itinerant teachers excluded) can teach.
Such a class-subject is one *unit*, taken whole by one itinerant teacher.

Travel estimate (used by the assignment, the baseline and the timetable's limits alike): a visit
to school ``s`` costs the round trip ``2 * travel(base, s)``; a teacher who spends ``k`` days at a
school pays ``k`` round trips. A real day's route base -> A -> B -> base is never longer than the
sum of the two round trips (shortest travel times obey the triangle inequality), so the estimate
is an upper bound of the travel actually driven.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from models import ItinerantPost, Scenario, Teacher


@dataclass(frozen=True)
class Unit:
    """One class-subject an itinerant teacher would take: ``periods`` a week in ``lessons`` lessons."""

    class_id: str
    school: str
    subject: str
    periods: int
    lessons: int


@dataclass(frozen=True)
class Traveller:
    """An itinerant teacher with their post's limits and what they can reach (school -> round trip)."""

    teacher: Teacher
    post: ItinerantPost
    free: int  # periods a week left after the teacher's declared assignments
    days: int  # teaching days a week at the base school
    round_trip: dict[str, int]

    @property
    def id(self) -> str:
        return self.teacher.id

    @property
    def visits_per_day(self) -> int:
        """At most one school per half-day (a solver rule that keeps routes short), so at most 2."""
        return 1 if self.post.whole_days else max(1, min(2, self.post.max_schools_per_day))


def local_periods(scenario: Scenario) -> dict[tuple[str, str], tuple[int, int]]:
    """(class, subject) -> (periods taught locally, lessons), with doubles counted as one lesson."""
    received: dict[tuple[str, str], int] = defaultdict(int)
    for sync in scenario.sync_lessons:
        for class_id in sync.receiving_classes:
            received[(class_id, sync.subject)] += sync.per_week
    found = {}
    for klass in scenario.classes:
        for entry in scenario.class_curriculum(klass.id):
            periods = max(0, entry.periods - received.get((klass.id, entry.subject), 0))
            if periods:
                found[(klass.id, entry.subject)] = (periods, periods - min(entry.doubles, periods // 2))
    return found


def uncovered_units(scenario: Scenario) -> list[Unit]:
    """Every class-subject of a post subject that the schools' own staff cannot teach, sorted."""
    posts = scenario.post_of
    subjects = {s for post in scenario.itinerant_posts for s in post.subjects}
    given = {(a.class_id, a.subject) for a in scenario.assignments}
    own: set[tuple[str, str]] = set()
    for teacher in scenario.teachers:
        if teacher.id in posts:
            continue
        for school in (teacher.school, *teacher.also_schools):
            own.update((school, subject) for subject in teacher.subjects)
    units = []
    for (class_id, subject), (periods, lessons) in sorted(local_periods(scenario).items()):
        school = scenario.class_by_id[class_id].school
        if subject in subjects and (class_id, subject) not in given and (school, subject) not in own:
            units.append(Unit(class_id, school, subject, periods, lessons))
    return units


def teaching_days(scenario: Scenario, school_id: str) -> int:
    return len(scenario.bells_of(school_id).days)


def travellers(scenario: Scenario) -> list[Traveller]:
    """The itinerant teachers, each with the schools in reach (a round trip within a day's travel)."""
    periods = local_periods(scenario)
    load: dict[str, int] = defaultdict(int)
    for given in scenario.assignments:
        load[given.teacher] += periods.get((given.class_id, given.subject), (0, 0))[0]
    found = []
    for teacher_id, post in sorted(scenario.post_of.items()):
        teacher = scenario.teacher_by_id.get(teacher_id)
        if teacher is None or post.base not in scenario.school_by_id:
            continue
        reach = {}
        for school in scenario.post_schools(post):
            minutes = scenario.travel_minutes(post.base, school)
            if minutes is not None and 2 * minutes <= post.max_travel_minutes_day:
                reach[school] = 2 * minutes
        found.append(Traveller(teacher=teacher, post=post, free=max(0, teacher.max_weekly - load[teacher_id]),
                               days=teaching_days(scenario, post.base), round_trip=reach))
    return found


def can_take(traveller: Traveller, unit: Unit) -> bool:
    return (unit.subject in traveller.post.subjects and unit.subject in traveller.teacher.subjects
            and unit.school in traveller.round_trip)


def days_needed(units: list[Unit], max_daily: int, days: int) -> int:
    """Least days at one school for these units: each class's lessons of a subject on distinct days,
    and no more than ``max_daily`` periods a day."""
    if not units:
        return 0
    total = sum(u.periods for u in units)
    distinct = max(min(u.lessons, days) for u in units)
    return max(distinct, -(-total // max(1, max_daily)))


@dataclass(frozen=True)
class Load:
    """What one teacher's share costs: periods, days per school and the weekly travel estimate."""

    periods: int
    days_at: dict[str, int]
    travel: int


def load_of(traveller: Traveller, units: list[Unit], days_at_school: dict[str, int]) -> Load:
    by_school: dict[str, list[Unit]] = defaultdict(list)
    for unit in units:
        by_school[unit.school].append(unit)
    days_at = {s: days_needed(us, traveller.teacher.max_daily, days_at_school[s]) for s, us in sorted(by_school.items())}
    travel = sum(traveller.round_trip[s] * k for s, k in days_at.items())
    return Load(periods=sum(u.periods for u in units), days_at=days_at, travel=travel)


def fits(traveller: Traveller, load: Load) -> bool:
    """The share respects every weekly limit the assignment promises the timetable."""
    post = traveller.post
    return (load.periods <= traveller.free
            and load.periods <= traveller.days * traveller.teacher.max_daily
            and sum(load.days_at.values()) <= traveller.days * traveller.visits_per_day
            and all(k <= traveller.days for k in load.days_at.values())
            and load.travel <= post.max_travel_minutes_week
            and load.travel <= traveller.days * post.max_travel_minutes_day)
