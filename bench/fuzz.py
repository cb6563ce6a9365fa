"""Small consortium scenarios for differential testing of the solver against ``tongbu verify``.

Two kinds, both drawn through a :class:`Chooser` (so hypothesis can drive and shrink them in the
tests, and a seeded ``random.Random`` can drive them in the nightly-size bench run):

* ``planted_scenario``: a scenario built around a timetable that is planted first and is valid by
  construction (under the stricter reading the solver documents: clock times compared under every
  combination of the schools' bell seasons). The solver must publish a timetable for it, and
  ``tongbu verify`` must accept what it publishes. The planted timetable itself is returned too, so a
  test can confirm the construction with ``verify``.
* ``perturbed_scenario``: a planted scenario with one requirement tightened at random (a lower daily
  limit, a teacher away on a day, a sync lesson moved to schools whose bells hardly meet, ...), which
  may or may not have a timetable. Whatever the solver says must hold: a published timetable
  verifies; "impossible" is explained and stays impossible with a larger budget.

Both exercise what the samples do not: 2–4 schools with differing bells (offsets of 0–30 minutes),
winter seasons that move one school's afternoon, sync and remote lessons with partial overlaps
(``min_overlap_minutes``) and several receiving schools, teachers shared between schools (travel
between lessons), unavailable times, special rooms and research blocks (online and in person).
"""

from __future__ import annotations

import itertools
import math
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol, TypeVar

from models import (
    BellPeriod,
    BellSchedule,
    BellSeason,
    Consortium,
    CurriculumEntry,
    DeliveryMode,
    LessonPlacement,
    ResearchBlock,
    ResearchPlacement,
    Room,
    Scenario,
    School,
    SchoolClass,
    SlotRange,
    Solution,
    Stage,
    Subject,
    SyncLesson,
    Teacher,
    TeachingAssignment,
    TermCalendar,
    TravelEdge,
    TravelTimes,
    Weekday,
)
from models.enums import SchoolRole, SchoolTier
from models.preferences import QualityRules

T = TypeVar("T")
Interval = tuple[int, int]

SCHOOL_NAMES = ("城关一小", "新田镇小学", "桐楼乡小学", "诸佛村小")
SUBJECTS = (Subject(id="语文", name="语文", name_en="Chinese", core=True),
            Subject(id="数学", name="数学", name_en="Maths", core=True),
            Subject(id="英语", name="英语", name_en="English"),
            Subject(id="音乐", name="音乐", name_en="Music", shortage=True),
            Subject(id="美术", name="美术", name_en="Art", shortage=True))
#: Subjects a sync lesson may carry (the ones villages lack); never with doubles.
SYNC_SUBJECTS = ("英语", "音乐", "美术")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"
WEEKDAYS = (Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI)
TERM = TermCalendar(name="2026年秋季学期", start=date(2026, 9, 1), end=date(2026, 11, 27), use_official_holidays=False)
WINTER = date(2026, 10, 12)


class Chooser(Protocol):
    """Where the generator's choices come from (hypothesis in tests, a seeded Random in bench)."""

    def integer(self, lo: int, hi: int) -> int: ...

    def chance(self, percent: int) -> bool: ...


class RandomChooser:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def integer(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)

    def chance(self, percent: int) -> bool:
        return self.rng.randrange(100) < percent


def pick(chooser: Chooser, options: Sequence[T]) -> T:
    return options[chooser.integer(0, len(options) - 1)]


def shuffled(chooser: Chooser, items: Sequence[T]) -> list[T]:
    """A permutation drawn through the chooser (Fisher-Yates), so hypothesis can shrink it."""
    out = list(items)
    for i in range(len(out) - 1, 0, -1):
        j = chooser.integer(0, i)
        out[i], out[j] = out[j], out[i]
    return out


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


# -- bells -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Bells:
    """One school's days and clock times: variants[v][p] is period p+1's interval under variant v."""

    days: tuple[int, ...]
    variants: tuple[tuple[Interval, ...], ...]
    morning: tuple[bool, ...]

    @property
    def periods(self) -> int:
        return len(self.morning)

    def intervals(self, first: int, length: int = 1) -> tuple[Interval, ...]:
        return tuple((v[first - 1][0], v[first + length - 2][1]) for v in self.variants)


def _day_times(start: int, count: int, length: int, long_break_after: int) -> list[Interval]:
    times, at = [], start
    for k in range(count):
        times.append((at, at + length))
        at += length + (20 if k + 1 == long_break_after else 10)
    return times


def make_bells(chooser: Chooser, school_id: str, lead: bool) -> tuple[BellSchedule, Bells]:
    morning_count, afternoon_count = chooser.integer(3, 4), chooser.integer(2, 3)
    length = 40 if lead else pick(chooser, (35, 40, 40, 45))
    am = _day_times(8 * 60 + (0 if lead else pick(chooser, (0, 5, 10, 15, 20, 30))), morning_count, length, 2)
    pm_start = 14 * 60 + (0 if lead else pick(chooser, (-30, -10, 0, 10, 20)))
    pm = _day_times(pm_start, afternoon_count, length, 0)
    variants = [tuple(am + pm)]
    seasons: tuple[BellSeason, ...] = ()
    if chooser.chance(40):  # winter: the afternoon moves 30 minutes earlier from a date in the term
        winter_pm = [(a - 30, b - 30) for a, b in pm]
        variants.append(tuple(am + winter_pm))
        seasons = (BellSeason(name="冬季作息", starts=WINTER,
                              periods=tuple(BellPeriod(start=_hhmm(a), end=_hhmm(b)) for a, b in am + winter_pm)),)
    days = tuple(range(5)) if lead or not chooser.chance(15) else tuple(range(4))
    schedule = BellSchedule(id=f"{school_id}作息", days=tuple(WEEKDAYS[d] for d in days),
                            periods=tuple(BellPeriod(start=_hhmm(a), end=_hhmm(b)) for a, b in am + pm),
                            seasons=seasons)
    return schedule, Bells(days=days, variants=tuple(variants),
                           morning=tuple([True] * morning_count + [False] * afternoon_count))


def aligned(ends: list[tuple[Interval, ...]], min_overlap: int | None) -> bool:
    """docs/format.md's sync rule under every combination of the ends' variants."""
    for combo in itertools.product(*ends):
        if min_overlap is None:
            if not all((a[0] <= b[0] and b[1] <= a[1]) or (b[0] <= a[0] and a[1] <= b[1])
                       for a, b in itertools.combinations(combo, 2)):
                return False
        elif min(w[1] for w in combo) - max(w[0] for w in combo) < min_overlap:
            return False
    return True


def common_minutes(ends: list[tuple[Interval, ...]]) -> int:
    return min(min(w[1] for w in combo) - max(w[0] for w in combo) for combo in itertools.product(*ends))


# -- the planted timetable ---------------------------------------------------------------------------
@dataclass
class Busy:
    """One thing a teacher does: at ``school`` on ``day``, periods first..first+length-1."""

    school: str
    day: int
    first: int
    length: int


@dataclass
class Planted:
    scenario: Scenario
    solution: Solution


@dataclass
class _World:
    chooser: Chooser
    bells: dict[str, Bells] = field(default_factory=dict)
    travel: dict[frozenset[str], int] = field(default_factory=dict)
    classes: list[SchoolClass] = field(default_factory=list)
    grid: dict[tuple[str, int, int], str] = field(default_factory=dict)  # (class, day, period) -> subject
    lessons: list[dict] = field(default_factory=list)
    classes_by_id: dict[str, SchoolClass] = field(default_factory=dict)
    #: Day lengths of each class when the planted days are shaped (no holes, free periods last).
    shape: dict[str, dict[int, int]] = field(default_factory=dict)

    def in_shape(self, class_id: str, day: int, first: int, length: int = 1) -> bool:
        lengths = self.shape.get(class_id)
        return lengths is None or first + length - 1 <= lengths.get(day, 0)

    def clash(self, a: Busy, b: Busy) -> bool:
        """The solver's reading: same school, a shared period; other schools, clock times plus travel."""
        if a.day != b.day:
            return False
        if a.school == b.school:
            return a.first < b.first + b.length and b.first < a.first + a.length
        gap = self.travel[frozenset((a.school, b.school))]
        return any(x[0] < y[1] + gap and y[0] < x[1] + gap
                   for x in self.bells[a.school].intervals(a.first, a.length)
                   for y in self.bells[b.school].intervals(b.first, b.length))


def _curriculum(chooser: Chooser, grades: list[int]) -> dict[int, dict[str, tuple[int, int]]]:
    plan = {}
    for grade in grades:
        chinese = chooser.integer(3, 6)
        plan[grade] = {"语文": (chinese, 1 if chinese >= 4 and chooser.chance(50) else 0),
                       "数学": (chooser.integer(2, 5), 0),
                       "英语": (chooser.integer(1, 2), 0),
                       "音乐": (chooser.integer(1, 2), 0),
                       "美术": (chooser.integer(1, 2), 0)}
    return plan


def _free(world: _World, class_id: str, day: int, first: int, length: int) -> bool:
    return (world.in_shape(class_id, day, first, length)
            and all((class_id, day, p) not in world.grid for p in range(first, first + length)))


def _per_day(world: _World, class_id: str, subject: str, day: int) -> int:
    starts = {lesson["first"] for lesson in world.lessons
              if lesson["class"] == class_id and lesson["subject"] == subject and lesson["day"] == day}
    return len(starts)


def _place(world: _World, klass: SchoolClass, subject: str, day: int, first: int, length: int, **extra: object) -> None:
    for p in range(first, first + length):
        world.grid[(klass.id, day, p)] = subject
    world.lessons.append({"class": klass.id, "school": klass.school, "subject": subject, "day": day, "first": first,
                          "length": length, **extra})


def _plant_syncs(world: _World, plan: dict[int, dict[str, tuple[int, int]]],
                 by_school: dict[str, list[SchoolClass]]) -> list[dict]:
    """Sync lessons first: a teaching class at one school, 1-2 receiving classes of its grade elsewhere."""
    chooser, syncs = world.chooser, []
    schools = list(by_school)
    for number in range(chooser.integer(0, 3)):
        teaching_school = pick(chooser, schools)
        teaching = pick(chooser, by_school[teaching_school])
        others = [c for s in schools if s != teaching_school for c in by_school[s] if c.grade == teaching.grade]
        if not others:
            continue
        receivers: list[SchoolClass] = []
        for candidate in shuffled(chooser, others)[:chooser.integer(1, 2)]:
            if all(r.school != candidate.school for r in receivers):
                receivers.append(candidate)
        subject = pick(chooser, SYNC_SUBJECTS)
        members = [teaching, *receivers]
        if any(any(s["subject"] == subject and m.id in s["members"] for s in syncs) for m in members):
            continue  # one sync lesson per class-subject keeps the counts simple
        days = sorted(set.intersection(*(set(world.bells[m.school].days) for m in members)))
        options = []
        for day in days:
            for combo in itertools.product(*(range(1, world.bells[m.school].periods + 1) for m in members)):
                ends = [world.bells[m.school].intervals(p) for m, p in zip(members, combo)]
                if all(_free(world, m.id, day, p, 1) for m, p in zip(members, combo)) and common_minutes(ends) > 0:
                    options.append((day, combo, ends))
        if not options:
            continue
        day, combo, ends = pick(chooser, options)
        common = common_minutes(ends)
        if aligned(ends, None) and chooser.chance(50):
            minimum = None
        else:
            minimum = chooser.integer(max(1, common - 15), common)
        sync_id = f"同步{number + 1}"
        for role_number, (member, period) in enumerate(zip(members, combo)):
            _place(world, member, subject, day, period, 1, sync=sync_id,
                   role="teaching" if role_number == 0 else "receiving")
        syncs.append({"id": sync_id, "subject": subject, "members": [m.id for m in members], "minimum": minimum,
                      "teaching": teaching, "mode": DeliveryMode.REMOTE if chooser.chance(30) else DeliveryMode.SYNC})
    return syncs


def _plant_class(world: _World, klass: SchoolClass, entries: dict[str, tuple[int, int]]) -> bool:
    """Doubles, then single lessons, in free slots, each subject within its once-a-day cap."""
    chooser, bells = world.chooser, world.bells[klass.school]
    for subject, (periods, doubles) in entries.items():
        taken = sum(1 for lesson in world.lessons if lesson["class"] == klass.id and lesson["subject"] == subject)
        activities = periods - taken - doubles
        cap = max(1, math.ceil((activities + taken) / len(bells.days)))
        lengths = [2] * doubles + [1] * (periods - taken - 2 * doubles)
        for length in lengths:
            slots = [(d, p) for d in bells.days for p in range(1, bells.periods - length + 2)
                     if _free(world, klass.id, d, p, length) and _per_day(world, klass.id, subject, d) < cap
                     and (length == 1 or bells.morning[p - 1] == bells.morning[p])]
            if not slots:
                return False
            day, first = pick(chooser, slots)
            _place(world, klass, subject, day, first, length)
    return True


def _assign_teachers(world: _World, names: list[str]) -> tuple[list[Teacher], dict[tuple[str, str], str]]:
    """A teacher for every class-subject's own lessons (the teaching end of a sync included), no clashes."""
    chooser = world.chooser
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for lesson in world.lessons:
        if lesson.get("role") != "receiving":
            groups[(lesson["class"], lesson["subject"])].append(lesson)
    busy: dict[str, list[Busy]] = defaultdict(list)
    home: dict[str, str] = {}
    subjects_of: dict[str, set[str]] = defaultdict(set)
    also: dict[str, set[str]] = defaultdict(set)
    teacher_of: dict[tuple[str, str], str] = {}
    for key in shuffled(chooser, sorted(groups)):
        class_id, subject = key
        school = world.classes_by_id[class_id].school
        needs = [Busy(school, x["day"], x["first"], x["length"]) for x in groups[key]]
        candidates = [t for t in sorted(home) if subject in subjects_of[t]
                      and (home[t] == school or chooser.chance(35))]
        chosen = next((t for t in shuffled(chooser, candidates)
                       if not any(world.clash(a, b) for a in needs for b in busy[t])), None)
        if chosen is None:
            chosen = f"T{len(home) + 1:03d}"
            home[chosen] = school
            subjects_of[chosen].add(subject)
            if chooser.chance(20):  # some teachers teach a second subject, unused or not
                subjects_of[chosen].add(pick(chooser, [s.id for s in SUBJECTS]))
        if home[chosen] != school:
            also[chosen].add(school)
        busy[chosen] += needs
        teacher_of[key] = chosen
        for lesson in groups[key]:
            lesson["teacher"] = chosen
    teachers = []
    for number, teacher_id in enumerate(sorted(home)):
        days: dict[int, int] = defaultdict(int)
        for item in busy[teacher_id]:
            days[item.day] += item.length
        load = sum(days.values())
        teachers.append(Teacher(
            id=teacher_id, name=names[number % len(names)] + ("" if number < len(names) else str(number)),
            school=home[teacher_id], subjects=tuple(sorted(subjects_of[teacher_id])),
            max_weekly=load + chooser.integer(0, 2), max_daily=max(days.values(), default=0) + chooser.integer(0, 1),
            unavailable=_unavailable(world, home[teacher_id], busy[teacher_id]),
            also_schools=tuple(sorted(also[teacher_id]))))
    return teachers, teacher_of


def _unavailable(world: _World, school: str, busy: list[Busy]) -> tuple[SlotRange, ...]:
    """A few home periods (compared by clock time wherever the teacher is) when the teacher is free."""
    chooser, bells = world.chooser, world.bells[school]
    ranges = []
    for _ in range(chooser.integer(0, 2)):
        day, period = pick(chooser, bells.days), chooser.integer(1, bells.periods)
        blocked = any(item.day == day and any(
            x[0] < y[1] and y[0] < x[1] for x in bells.intervals(period)
            for y in world.bells[item.school].intervals(item.first, item.length)) for item in busy)
        if not blocked:
            ranges.append(SlotRange(day=WEEKDAYS[day], first=period, last=period))
    return tuple(ranges)


def _plant_research(world: _World, teachers: list[Teacher], busy_of: dict[str, list[Busy]],
                    schools: list[str]) -> tuple[list[ResearchBlock], list[ResearchPlacement]]:
    """A research block of a few listed teachers, online or in person at the lead school, in a window
    where all of them are free (travel included)."""
    chooser = world.chooser
    if not teachers or not chooser.chance(60):
        return [], []
    members = sorted({t.id for t in shuffled(chooser, teachers)[:chooser.integer(2, 4)]})
    by_id = {t.id: t for t in teachers}
    in_person = chooser.chance(40)
    host = schools[0] if in_person else None
    minutes = pick(chooser, (40, 60, 90))
    buffer = pick(chooser, (0, 10, 15))
    member_schools = sorted({b.school for t in members for b in busy_of[t]}) or schools
    lo = min(i[0] for s in member_schools for v in world.bells[s].variants for i in v)
    hi = max(i[1] for s in member_schools for v in world.bells[s].variants for i in v)
    windows = []
    for day in range(5):
        for start in range(math.ceil(lo / 5) * 5, hi - minutes + 1, 5):
            end = start + minutes
            if all(_free_for(world, by_id[t], busy_of[t], day, start, end, host, buffer) for t in members):
                windows.append((day, start, end))
    if not windows:
        return [], []
    day, start, end = pick(chooser, windows)
    block = ResearchBlock(id="教研1", name="集体备课", teachers=tuple(members), minutes=minutes,
                          mode=DeliveryMode.IN_PERSON if in_person else DeliveryMode.ONLINE, host=host,
                          travel_buffer_minutes=buffer,
                          days=(WEEKDAYS[day],) if chooser.chance(50) else WEEKDAYS)
    return [block], [ResearchPlacement(block=block.id, day=WEEKDAYS[day], start_minute=start, end_minute=end,
                                       teachers=tuple(members), host=host)]


def _free_for(world: _World, teacher: Teacher, busy: list[Busy], day: int, start: int, end: int,
              host: str | None, buffer: int) -> bool:
    """No lesson of the teacher meets the window widened by the travel from their home school to the host
    and back and the buffer (docs/format.md, research_blocks; in person only)."""
    gap = 0 if host is None or teacher.school == host else world.travel[frozenset((teacher.school, host))] + buffer
    return not any(item.day == day and any(a < end + gap and start - gap < b for a, b in
                                           world.bells[item.school].intervals(item.first, item.length))
                   for item in busy)


def _shape_days(chooser: Chooser, world: _World, klass: SchoolClass, periods: int) -> dict[int, int] | None:
    """Day lengths summing to ``periods`` (each at most the school's day), in a random order of days."""
    bells = world.bells[klass.school]
    base, extra = divmod(periods, len(bells.days))
    if base + (1 if extra else 0) > bells.periods:
        return None
    longer = set(shuffled(chooser, list(bells.days))[:extra])
    return {day: base + (1 if day in longer else 0) for day in bells.days}


def planted_scenario(chooser: Chooser) -> Planted:
    """A small consortium and a timetable for it that meets every hard rule (see the module docstring).

    Some consortia are planted with shaped days (each class's lessons fill its first periods, the
    longer days in a random order), and then keep the class-day rule hard; the others turn it off.
    """
    world = _World(chooser)
    count = chooser.integer(2, 4)
    school_ids = list(SCHOOL_NAMES[:count])
    schedules = []
    for number, school_id in enumerate(school_ids):
        schedule, bells = make_bells(chooser, school_id, lead=number == 0)
        schedules.append(schedule)
        world.bells[school_id] = bells
    for a, b in itertools.combinations(school_ids, 2):
        world.travel[frozenset((a, b))] = pick(chooser, (10, 15, 20, 30, 45))
    grades = [3, 4] if chooser.chance(50) else [pick(chooser, (3, 4))]
    by_school: dict[str, list[SchoolClass]] = {}
    for number, school_id in enumerate(school_ids):
        here = []
        for grade in grades:
            for section in range(1, (chooser.integer(1, 2) if number == 0 else chooser.integer(0, 1)) + 1):
                here.append(SchoolClass(id=f"{school_id}{grade}({section})", school=school_id, grade=grade,
                                        section=section))
        if not here:
            here.append(SchoolClass(id=f"{school_id}{grades[0]}(1)", school=school_id, grade=grades[0], section=1))
        by_school[school_id] = here
        world.classes += here
    world.classes_by_id = {c.id: c for c in world.classes}
    plan = _curriculum(chooser, grades)
    if chooser.chance(40):
        shapes = {c.id: _shape_days(chooser, world, c, sum(p for p, _d in plan[c.grade].values()))
                  for c in world.classes}
        if all(shapes.values()):
            world.shape = {k: v for k, v in shapes.items() if v is not None}
    syncs = _plant_syncs(world, plan, by_school)
    for klass in world.classes:
        if not _plant_class(world, klass, plan[klass.grade]):
            return planted_scenario(chooser)  # a rare dead end of the random placement: draw again
    names = [s + g for s in SURNAMES for g in GIVEN]
    names = shuffled(chooser, names[:60])
    teachers, teacher_of = _assign_teachers(world, names)
    busy_of: dict[str, list[Busy]] = defaultdict(list)
    for lesson in world.lessons:
        if lesson.get("role") != "receiving":
            busy_of[lesson["teacher"]].append(Busy(lesson["school"], lesson["day"], lesson["first"], lesson["length"]))
    blocks, research = _plant_research(world, teachers, busy_of, school_ids)
    sync_lessons = []
    for sync in syncs:
        teacher = teacher_of[(sync["teaching"].id, sync["subject"])]
        sync_lessons.append(SyncLesson(id=sync["id"], subject=sync["subject"], teaching_class=sync["members"][0],
                                       receiving_classes=tuple(sync["members"][1:]), per_week=1,
                                       teacher=teacher if chooser.chance(50) else None, mode=sync["mode"],
                                       min_overlap_minutes=sync["minimum"]))
        for lesson in world.lessons:
            if lesson.get("sync") == sync["id"]:
                lesson["teacher"] = teacher
    rooms = _rooms(world)
    scenario = Scenario(
        district="模拟县", term=TERM, consortia=(Consortium(id="C1", name="城关一小教研共同体"),),
        schools=tuple(School(id=s, name=s, consortium="C1", role=SchoolRole.LEAD if n == 0 else SchoolRole.MEMBER,
                             tier=SchoolTier.COUNTY_SEAT if n == 0 else SchoolTier.VILLAGE, stage=Stage.PRIMARY,
                             grades=tuple(sorted({c.grade for c in by_school[s]})), bell_schedule=f"{s}作息")
                      for n, s in enumerate(school_ids)),
        bell_schedules=tuple(schedules), subjects=SUBJECTS,
        curriculum=tuple(CurriculumEntry(stage=Stage.PRIMARY, grade=g, subject=s, periods=p, doubles=d)
                         for g in grades for s, (p, d) in plan[g].items()),
        classes=tuple(world.classes), teachers=tuple(teachers),
        assignments=tuple(TeachingAssignment(teacher=t, class_id=c, subject=s) for (c, s), t in sorted(teacher_of.items())),
        rooms=tuple(rooms), travel=TravelTimes(edges=tuple(TravelEdge(a=sorted(k)[0], b=sorted(k)[1], minutes=v)
                                                         for k, v in sorted(world.travel.items(), key=lambda i: sorted(i[0])))),
        sync_lessons=tuple(sync_lessons), research_blocks=tuple(blocks),
        quality=QualityRules(class_day="hard" if world.shape else "off", pe_not_first=3, pe_not_after_lunch=3))
    return Planted(scenario=scenario, solution=_solution(world, research, rooms))


def _rooms(world: _World) -> list[Room]:
    """A music room at a school with music lessons, as many as its busiest period needs (sometimes one more).

    Every music lesson at the school needs one, the ends of sync lessons too (the schools have no room with
    remote equipment, so a sync end takes its subject's room: docs/format.md, rooms)."""
    rooms = []
    for school in sorted(world.bells):
        usage: dict[tuple[int, int], int] = defaultdict(int)
        for lesson in world.lessons:
            if lesson["school"] == school and lesson["subject"] == "音乐":
                for period in range(lesson["first"], lesson["first"] + lesson["length"]):
                    usage[(lesson["day"], period)] += 1
        if usage and world.chooser.chance(60):
            for n in range(max(usage.values()) + world.chooser.integer(0, 1)):
                rooms.append(Room(id=f"{school}音乐室{n + 1}", school=school, name=f"音乐室{n + 1}", subjects=("音乐",)))
    return rooms


def _solution(world: _World, research: list[ResearchPlacement], rooms: list[Room]) -> Solution:
    lessons, numbers = [], defaultdict(int)
    in_room = _room_of(world, rooms)
    for x in sorted(world.lessons, key=lambda x: (x["class"], x["subject"], x["day"], x["first"])):
        numbers[(x["class"], x["subject"])] += 1
        lessons.append(LessonPlacement(
            key=f"{x['class']}:{x['subject']}:{numbers[(x['class'], x['subject'])]}", class_id=x["class"],
            school=x["school"], subject=x["subject"], teacher=x["teacher"], day=WEEKDAYS[x["day"]], period=x["first"],
            length=x["length"], room=in_room.get(id(x)), sync=x.get("sync"), sync_role=x.get("role")))
    return Solution(district="模拟县", seed=0, lessons=tuple(lessons), research=tuple(research))


def _room_of(world: _World, rooms: list[Room]) -> dict[int, str]:
    """Each music lesson's room: taken by start, the first room free at every period it covers (there are
    as many rooms as the busiest period has music lessons, so one always is)."""
    by_school: dict[str, list[Room]] = defaultdict(list)
    for room in rooms:
        by_school[room.school].append(room)
    busy: set[tuple[str, int, int]] = set()
    found: dict[int, str] = {}
    for x in sorted(world.lessons, key=lambda x: (x["school"], x["day"], x["first"], x["class"])):
        if x["subject"] != "音乐":
            continue
        for room in by_school.get(x["school"], ()):
            periods = range(x["first"], x["first"] + x["length"])
            if all((room.id, x["day"], p) not in busy for p in periods):
                busy.update((room.id, x["day"], p) for p in periods)
                found[id(x)] = room.id
                break
    return found


# -- perturbations -----------------------------------------------------------------------------------
PERTURBATIONS = ("daily_limit", "weekly_limit", "away_day", "sync_overlap", "research_longer", "room_removed",
                 "travel_longer")


def perturbed_scenario(chooser: Chooser) -> tuple[Scenario, str]:
    """A planted scenario with one requirement tightened; it may have no timetable any more."""
    scenario = planted_scenario(chooser).scenario
    kind = pick(chooser, PERTURBATIONS)
    teachers = list(scenario.teachers)
    t = chooser.integer(0, len(teachers) - 1)
    if kind == "daily_limit":
        teachers[t] = teachers[t].model_copy(update={"max_daily": max(1, teachers[t].max_daily - 1)})
        return scenario.model_copy(update={"teachers": tuple(teachers)}), kind
    if kind == "weekly_limit":
        teachers[t] = teachers[t].model_copy(update={"max_weekly": max(0, teachers[t].max_weekly - 1)})
        return scenario.model_copy(update={"teachers": tuple(teachers)}), kind
    if kind == "away_day":
        away = SlotRange(day=pick(chooser, WEEKDAYS))
        teachers[t] = teachers[t].model_copy(update={"unavailable": teachers[t].unavailable + (away,)})
        return scenario.model_copy(update={"teachers": tuple(teachers)}), kind
    if kind == "sync_overlap" and scenario.sync_lessons:
        syncs = list(scenario.sync_lessons)
        s = chooser.integer(0, len(syncs) - 1)
        syncs[s] = syncs[s].model_copy(update={"min_overlap_minutes": pick(chooser, (None, 25, 35, 40))})
        return scenario.model_copy(update={"sync_lessons": tuple(syncs)}), kind
    if kind == "research_longer" and scenario.research_blocks:
        block = scenario.research_blocks[0]
        longer = block.model_copy(update={"minutes": block.minutes + pick(chooser, (30, 60, 120)),
                                          "days": WEEKDAYS})
        return scenario.model_copy(update={"research_blocks": (longer,)}), kind
    if kind == "room_removed" and scenario.rooms:
        return scenario.model_copy(update={"rooms": scenario.rooms[1:]}), kind
    if kind == "travel_longer" and scenario.travel.edges:
        edges = tuple(e.model_copy(update={"minutes": e.minutes + pick(chooser, (20, 40))}) for e in scenario.travel.edges)
        return scenario.model_copy(update={"travel": TravelTimes(edges=edges)}), kind
    return scenario, "none"
