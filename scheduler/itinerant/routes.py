"""Itinerant teachers' weekly routes from a solved timetable, as plain data and as CSV/XLSX.

A day's route: leave the base school in time to arrive ``buffer_minutes`` before the first
lesson, go from school to school after the last lesson at each, and go home after the day's last
lesson. Clock times are those of each school's base bell schedule (the schedule before any
seasonal switch); ``tongbu verify`` checks the routes under every season.

``travel_legs`` gives legs per teacher by weekday; ``dated_legs`` the legs of every teaching date,
which the calendar feeds add to a teacher's calendar.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from models import BellPeriod, ItinerantPost, LessonPlacement, Scenario, Solution, Weekday
from models.events import TravelLeg
from models.files import write_workbook
from models.term import teaching_days

ROUTE_HEADER = ["教师编号", "教师", "走教岗位", "驻地学校", "星期", "类型", "出发地", "目的地", "出发", "到达", "路上分钟",
                "学校", "节次", "班级", "学科"]
TEACHER_HEADER = ["教师编号", "教师", "走教岗位", "驻地学校", "每周节数", "走教天数", "服务学校", "每周路上分钟"]
SUMMARY_HEADER = ["项目", "数值"]


@dataclass(frozen=True)
class Leg:
    """One trip of an itinerant teacher on a weekday: from, to, departure and arrival (minutes since midnight)."""

    teacher: str
    day: Weekday
    origin: str
    destination: str
    depart: int
    arrive: int
    minutes: int


def _posts(scenario: Scenario) -> dict[str, ItinerantPost]:
    found: dict[str, ItinerantPost] = {}
    for post in sorted(scenario.itinerant_posts, key=lambda p: p.id):
        for teacher in post.teachers:
            found.setdefault(teacher, post)
    return found


#: Clock times of a school's periods; by default its base bell schedule (the feeds pass a date's).
PeriodsOf = Callable[[str], tuple[BellPeriod, ...]]


def _window(scenario: Scenario, lesson: LessonPlacement, periods_of: PeriodsOf | None = None) -> tuple[int, int]:
    periods = periods_of(lesson.school) if periods_of else scenario.bells_of(lesson.school).periods
    return periods[lesson.period - 1].start_minute, periods[lesson.period + lesson.length - 2].end_minute


def _receiving(scenario: Scenario, lesson: LessonPlacement) -> bool:
    return lesson.sync_role == "receiving"


def day_lessons(scenario: Scenario, solution: Solution) -> dict[str, dict[Weekday, list[LessonPlacement]]]:
    """Each itinerant teacher's lessons by weekday, in clock order (receiving classes left out)."""
    posts = _posts(scenario)
    found: dict[str, dict[Weekday, list[LessonPlacement]]] = defaultdict(lambda: defaultdict(list))
    for lesson in solution.lessons:
        if lesson.teacher in posts and not _receiving(scenario, lesson):
            found[lesson.teacher][lesson.day].append(lesson)
    for days in found.values():
        for day in days:
            days[day].sort(key=lambda x: (_window(scenario, x), x.key))
    return found


def travel_legs(scenario: Scenario, solution: Solution, periods_of: PeriodsOf | None = None,
                weekdays: tuple[Weekday, ...] | None = None) -> dict[str, list[Leg]]:
    """Every itinerant teacher's legs of the week (or of ``weekdays``), by teacher id, in weekday and clock order.

    ``periods_of`` gives the clock times in force (default: each school's base bell schedule).
    """
    posts = _posts(scenario)
    legs: dict[str, list[Leg]] = {}
    for teacher, days in sorted(day_lessons(scenario, solution).items()):
        post = posts[teacher]
        mine: list[Leg] = []
        for day in sorted(days, key=lambda d: d.index):
            if weekdays is not None and day not in weekdays:
                continue
            lessons = sorted(days[day], key=lambda x: (_window(scenario, x, periods_of), x.key))
            first = _window(scenario, lessons[0], periods_of)
            to_first = scenario.travel_minutes(post.base, lessons[0].school) or 0
            if lessons[0].school != post.base:
                arrive = first[0] - post.buffer_minutes
                mine.append(Leg(teacher, day, post.base, lessons[0].school, arrive - to_first, arrive, to_first))
            for before, after in zip(lessons, lessons[1:]):
                if before.school != after.school:
                    minutes = scenario.travel_minutes(before.school, after.school) or 0
                    depart = _window(scenario, before, periods_of)[1]
                    mine.append(Leg(teacher, day, before.school, after.school, depart, depart + minutes, minutes))
            if lessons[-1].school != post.base:
                minutes = scenario.travel_minutes(lessons[-1].school, post.base) or 0
                depart = _window(scenario, lessons[-1], periods_of)[1]
                mine.append(Leg(teacher, day, lessons[-1].school, post.base, depart, depart + minutes, minutes))
        legs[teacher] = mine
    return legs


def dated_legs(scenario: Scenario, solution: Solution) -> list[TravelLeg]:
    """Every itinerant teacher's legs on every teaching date of the term, at that date's clock times (the
    weekday it follows for make-up days), for the calendar feeds."""
    if not scenario.itinerant_posts:
        return []
    found = []
    for day in teaching_days(scenario):
        legs = travel_legs(scenario, solution, periods_of=lambda school: day.periods(scenario.bells_of(school)),
                           weekdays=(day.follows,))
        for teacher, mine in sorted(legs.items()):
            found += [TravelLeg(teacher=teacher, date=day.date, weekday=leg.day.value, rank=rank, origin=leg.origin,
                                destination=leg.destination, depart=leg.depart, arrive=leg.arrive, minutes=leg.minutes)
                      for rank, leg in enumerate(mine, start=1)]
    return found


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _name(scenario: Scenario, school: str) -> str:
    found = scenario.school_by_id.get(school)
    return found.name if found else school


def route_rows(scenario: Scenario, solution: Solution) -> list[list[str]]:
    """One row per lesson and per travel leg, by teacher, weekday and clock time."""
    posts = _posts(scenario)
    legs = travel_legs(scenario, solution)
    rows: list[list[str]] = []
    for teacher, days in sorted(day_lessons(scenario, solution).items()):
        post = posts[teacher]
        person = scenario.teacher_by_id[teacher]
        head = [teacher, person.name, post.id, _name(scenario, post.base)]
        for day in sorted(days, key=lambda d: d.index):
            events: list[tuple[int, int, list[str]]] = []
            for leg in (x for x in legs[teacher] if x.day == day):
                events.append((leg.depart, 0, [day.zh, "路程", _name(scenario, leg.origin), _name(scenario, leg.destination),
                                               _clock(leg.depart), _clock(leg.arrive), str(leg.minutes), "", "", "", ""]))
            for lesson in days[day]:
                start, end = _window(scenario, lesson)
                klass = scenario.class_by_id[lesson.class_id]
                subject = scenario.subject_by_id.get(lesson.subject)
                periods = str(lesson.period) if lesson.length == 1 else f"{lesson.period}-{lesson.period + lesson.length - 1}"
                events.append((start, 1, [day.zh, "上课", "", "", _clock(start), _clock(end), "",
                                          _name(scenario, lesson.school), periods, klass.label,
                                          subject.name if subject else lesson.subject]))
            rows += [head + cells for _t, _k, cells in sorted(events, key=lambda e: (e[0], e[1], e[2]))]
    return rows


@dataclass(frozen=True)
class Summary:
    demand: int
    covered: int
    teachers: int
    travel: dict[str, int]

    @property
    def total_hours(self) -> float:
        return sum(self.travel.values()) / 60

    @property
    def largest(self) -> int:
        return max(self.travel.values(), default=0)

    @property
    def mean(self) -> float:
        return sum(self.travel.values()) / max(1, len(self.travel))


def summarize(scenario: Scenario, solution: Solution) -> Summary:
    """Coverage of the periods that need an itinerant teacher, and weekly travel minutes per teacher."""
    from scheduler.itinerant.demand import uncovered_units

    posts = _posts(scenario)
    units = uncovered_units(scenario)
    taught = {(x.class_id, x.subject) for x in solution.lessons if x.teacher in posts}
    covered = sum(u.periods for u in units if (u.class_id, u.subject) in taught)
    travel = {t: 0 for t in sorted(posts)}
    for teacher, legs in travel_legs(scenario, solution).items():
        travel[teacher] = sum(leg.minutes for leg in legs)
    return Summary(demand=sum(u.periods for u in units), covered=covered, teachers=len(posts), travel=travel)


def teacher_rows(scenario: Scenario, solution: Solution) -> list[list[str]]:
    posts = _posts(scenario)
    lessons = day_lessons(scenario, solution)
    travel = summarize(scenario, solution).travel
    rows = []
    for teacher in sorted(posts):
        post, person = posts[teacher], scenario.teacher_by_id.get(teacher)
        days = lessons.get(teacher, {})
        schools = sorted({x.school for ls in days.values() for x in ls if x.school != post.base})
        rows.append([teacher, person.name if person else teacher, post.id, _name(scenario, post.base),
                     str(sum(x.length for ls in days.values() for x in ls)), str(len(days)),
                     "、".join(_name(scenario, s) for s in schools), str(travel.get(teacher, 0))])
    return rows


def summary_rows(scenario: Scenario, solution: Solution) -> list[list[str]]:
    s = summarize(scenario, solution)
    coverage = 100.0 if not s.demand else 100 * s.covered / s.demand
    return [["走教教师人数 itinerant teachers", str(s.teachers)],
            ["需走教课时/周 periods needing an itinerant teacher", str(s.demand)],
            ["已覆盖课时/周 periods covered", str(s.covered)],
            ["覆盖率 coverage", f"{coverage:.1f}%"],
            ["每周路上总时长（小时）total weekly travel (hours)", f"{s.total_hours:.1f}"],
            ["个人每周最长（分钟）largest per teacher (minutes)", str(s.largest)],
            ["人均每周（分钟）mean per teacher (minutes)", f"{s.mean:.1f}"]]


def write_routes(scenario: Scenario, solution: Solution, folder: Path) -> list[Path]:
    """itinerant_routes/teachers/summary.csv and itinerant_routes.xlsx (three sheets); nothing without posts."""
    if not scenario.itinerant_posts:
        return []
    from reports.tables import write_csv

    folder = Path(folder)
    routes, teachers, summary = route_rows(scenario, solution), teacher_rows(scenario, solution), summary_rows(scenario, solution)
    written = [write_csv(folder / "itinerant_routes.csv", ROUTE_HEADER, routes),
               write_csv(folder / "itinerant_teachers.csv", TEACHER_HEADER, teachers),
               write_csv(folder / "itinerant_summary.csv", SUMMARY_HEADER, summary)]
    book = folder / "itinerant_routes.xlsx"
    write_workbook({"走教路线": [ROUTE_HEADER] + routes, "走教教师": [TEACHER_HEADER] + teachers,
                    "县域汇总": [SUMMARY_HEADER] + summary}, book)
    written.append(book)
    return written
