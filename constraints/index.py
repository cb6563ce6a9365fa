"""The one index layer and intermediate form of the timetable engine: dense integers for schools,
student groups, teachers, slots and activities.

A consortium scenario (this module's :class:`IndexBuilder`) and an imported FET file
(:mod:`constraints.index_fet`) both compile to an :class:`Index`: activities (a lesson, a double
period, one occurrence of a synchronized lesson across schools, a FET activity), the resources each
occupies (teachers; student groups: classes, or FET's innermost student sets), each activity's allowed
placements ("options") on every school's own bell grid, and the rules of the catalogue that apply
(:class:`Rule`, FET's vocabulary of time constraints, hard or weighted). Constraint modules read this
index and never invent their own numbering. Options are pre-filtered: a start outside the school's bell slots, a double
across the lunch break, or a sync tuple whose clock times do not overlap never gets a variable.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from dataclasses import dataclass, field

from models import ResearchBlock, Scenario, SyncLesson, Weekday
from models.enums import DeliveryMode
from models.assignment import Assignment

#: Travel minutes used when a teacher cannot reach a host school at all: no window can fit.
UNREACHABLE_MINUTES = 24 * 60
#: Research windows start on this grid (minutes).
WINDOW_GRID = 5

Interval = tuple[int, int]


@dataclass(frozen=True)
class SchoolBells:
    """A school's teaching days and, per bell variant, each period's clock interval (minutes)."""

    days: tuple[int, ...]
    variants: tuple[tuple[Interval, ...], ...]
    morning: tuple[tuple[bool, ...], ...]

    @property
    def periods(self) -> int:
        return len(self.variants[0])

    def same_half_day(self, period: int) -> bool:
        """Periods ``period`` and ``period + 1`` (1-based) are in one half-day under every variant."""
        return all(m[period - 1] == m[period] for m in self.morning)

    def intervals(self, period: int) -> tuple[Interval, ...]:
        return tuple(v[period - 1] for v in self.variants)


@dataclass(frozen=True)
class Placement:
    """Where one class sits in an option: class index, weekday index, first period (1-based)."""

    klass: int
    day: int
    period: int


@dataclass(frozen=True)
class Option:
    """One allowed placement of an activity.

    ``start`` is (day, first period) at the first end (the teaching class's school; the FET file's
    one grid); ``placements`` has one entry per student group of the activity (same order as
    ``Activity.classes``); ``teacher_keys`` are the (school, day, period) triples when the activity's
    teachers are busy; ``blocked`` is True when a teacher is unavailable at one of them (such options
    only get a variable when an infeasibility is being explained).
    """

    start: tuple[int, int]
    placements: tuple[Placement, ...]
    teacher_keys: tuple[tuple[int, int, int], ...]
    blocked: bool


@dataclass(frozen=True)
class Activity:
    """Something to place: ``length`` periods of ``subject`` for the student groups ``classes`` with ``teachers``.

    In a consortium scenario an activity has one teacher and ``classes[0]`` is the class the teacher
    teaches; for a synchronized lesson the others are the receiving classes. Lessons that cannot be told
    apart (a class-subject's single periods, its doubles, a sync lesson's weekly occurrences) are one
    activity placed ``count`` times, on distinct options: one set of variables instead of ``count``
    interchangeable copies, so the search never tries their permutations. ``number`` is the first of
    the lesson numbers they take (stable lesson keys, given in week order when read back). A FET
    activity (``count`` 1) has any number of teachers and groups (the innermost student sets it
    covers) and ``label`` is its lesson key (``A<id>``).
    """

    index: int
    subject: str
    teachers: tuple[int, ...]
    classes: tuple[int, ...]
    length: int
    number: int
    sync: str | None
    options: tuple[Option, ...]
    label: str | None = None
    count: int = 1
    #: A FET activity's id, or the ids of FET activities that must start together (one set of variables:
    #: shared/SOLVER-NOTES.md measured it better than equalities between their starts).
    members: tuple[int, ...] = ()

    @property
    def periods(self) -> int:
        """Periods a week: ``count`` placements of ``length`` periods."""
        return self.count * self.length

    @property
    def teacher(self) -> int:
        """The teacher of a consortium lesson (exactly one)."""
        return self.teachers[0]


@dataclass(frozen=True)
class Rule:
    """One rule of the catalogue, resolved to dense indices: FET's vocabulary of time constraints.

    ``kind`` is the FET constraint name without its ``Constraint`` prefix; ``hard`` rules must hold,
    others cost ``weight`` when broken. ``activities`` are activity indices; ``teachers`` and
    ``groups`` the teachers and student groups a Teacher…/Students… kind applies to; ``slots`` dense
    slot numbers (``Index.slot``); ``value`` the number the kind takes; ``flag`` is
    consecutive-if-same-day for MinDaysBetweenActivities and allow-empty-days for MinHoursDaily.
    An ordered-pair kind (…MinGapsBetweenOrderedPairOfActivityTags) has the first tag's activities in
    ``activities`` and the second tag's in ``second``.
    ``en``/``zh`` name the rule in the user's words (explanations and penalty names).
    """

    kind: str
    hard: bool
    weight: int
    activities: tuple[int, ...] = ()
    teachers: tuple[int, ...] = ()
    groups: tuple[int, ...] = ()
    slots: frozenset[int] = frozenset()
    value: int | None = None
    flag: bool = False
    ref: str = ""
    en: str = ""
    zh: str = ""
    second: tuple[int, ...] = ()


@dataclass(frozen=True)
class ResearchWindow:
    """A candidate weekly window of a research block, and the teacher keys it makes unavailable."""

    day: int
    start: int
    end: int
    conflicts: tuple[tuple[int, tuple[int, int, int]], ...]


@dataclass(frozen=True)
class ResearchGroup:
    block: ResearchBlock
    teachers: tuple[int, ...]
    windows: tuple[ResearchWindow, ...]


@dataclass
class Index:
    """Dense numbering of one part of a scenario, and the precomputed activities and windows."""

    scenario: Scenario
    schools: list[str]
    classes: list[str]
    teachers: list[str]
    bells: list[SchoolBells]
    class_school: list[int]
    activities: list[Activity] = field(default_factory=list)
    research: list[ResearchGroup] = field(default_factory=list)
    school_index: dict[str, int] = field(default_factory=dict)
    class_index: dict[str, int] = field(default_factory=dict)
    teacher_index: dict[str, int] = field(default_factory=dict)
    max_periods: int = 1
    #: (itinerant teacher id, school id) -> most days there (see models.assignment.Assignment.visit_days).
    visit_days: dict[tuple[str, str], int] = field(default_factory=dict)
    #: "consortium" (lessons from the curriculum) or "fet" (an imported file's activities).
    kind: str = "consortium"
    #: How the hard class-day rule is posted: "balanced" days or any "prefix" (constraints/class_day.py).
    class_shape: str = "balanced"
    #: Rules of the catalogue (FET's time constraints) that apply to this part.
    rules: list[Rule] = field(default_factory=list)
    #: Slots no activity may use (FET's hard break times), and each teacher's/group's hard unavailable slots.
    breaks: frozenset[int] = frozenset()
    teacher_off: dict[int, frozenset[int]] = field(default_factory=dict)
    group_off: dict[int, frozenset[int]] = field(default_factory=dict)

    def group_name(self, group: int) -> str:
        """A student group in the user's words: the class's school and label, or the FET student set."""
        klass = self.scenario.class_by_id.get(self.classes[group])
        if klass is None:
            return self.classes[group]
        return f"{self.scenario.school_by_id[klass.school].name} {klass.label}"

    def teacher_name(self, teacher: int) -> str:
        person = self.scenario.teacher_by_id.get(self.teachers[teacher])
        return person.name if person is not None else self.teachers[teacher]

    def slot(self, day: int, period: int) -> int:
        """Dense slot number of (weekday index, 1-based period)."""
        return day * self.max_periods + period - 1

    def school_of_class(self, klass: int) -> int:
        return self.class_school[klass]

    def bells_of_class(self, klass: int) -> SchoolBells:
        return self.bells[self.class_school[klass]]

    def key_intervals(self, key: tuple[int, int, int]) -> tuple[Interval, ...]:
        school, _day, period = key
        return self.bells[school].intervals(period)


def school_bells(scenario: Scenario, school_id: str) -> SchoolBells:
    schedule = scenario.bells_of(school_id)
    variants = schedule.variants()
    return SchoolBells(
        days=tuple(sorted(d.index for d in schedule.days)),
        variants=tuple(tuple((p.start_minute, p.end_minute) for p in v) for v in variants),
        morning=tuple(tuple(p.is_morning for p in v) for v in variants),
    )


def ends_aligned(windows: tuple[Interval, ...], min_overlap: int | None) -> bool:
    """The ends of one sync occurrence are live together (docs/format.md, sync_lessons).

    ``min_overlap`` minutes: the window common to every end (teaching and receiving periods) lasts
    at least that long. None: every two ends nest, the shorter period inside the longer one.
    """
    if min_overlap is None:
        return all((a[0] <= b[0] and b[1] <= a[1]) or (b[0] <= a[0] and a[1] <= b[1])
                   for i, a in enumerate(windows) for b in windows[i + 1:])
    return min(w[1] for w in windows) - max(w[0] for w in windows) >= min_overlap


def always_aligned(ends: list[tuple[Interval, ...]], min_overlap: int | None) -> bool:
    """Aligned under every combination of the ends' bell variants (seasons switch on their own dates)."""
    return all(ends_aligned(combo, min_overlap) for combo in itertools.product(*ends))


def windows_conflict(period: tuple[Interval, ...], start: int, end: int) -> bool:
    """A period (under any variant) meets the closed-off window [start, end)."""
    return any(p_start < end and p_end > start for p_start, p_end in period)


class IndexBuilder:
    """Builds the :class:`Index` of one part: the schools given and everything attached to them."""

    def __init__(self, scenario: Scenario, assignment: Assignment, school_ids: list[str],
                 sync_ids: list[str], block_ids: list[str]) -> None:
        self.scenario = scenario
        self.assignment = assignment
        self._bells_cache: dict[str, SchoolBells] = {}
        schools = sorted(school_ids)
        classes = sorted(c.id for c in scenario.classes if c.school in set(schools))
        self.syncs = [s for s in sorted(scenario.sync_lessons, key=lambda s: s.id) if s.id in set(sync_ids)]
        self.blocks = [b for b in sorted(scenario.research_blocks, key=lambda b: b.id) if b.id in set(block_ids)]
        class_set = set(classes)
        teacher_ids = {t for (c, _s), t in assignment.teacher_of.items() if c in class_set}
        teacher_ids |= {assignment.sync_teacher[s.id] for s in self.syncs}
        for block in self.blocks:
            teacher_ids |= set(block.teachers)
        bells = [school_bells(scenario, s) for s in schools]
        self.index = Index(
            scenario=scenario, schools=schools, classes=classes, teachers=sorted(teacher_ids), bells=bells,
            class_school=[schools.index(scenario.class_by_id[c].school) for c in classes],
        )
        ix = self.index
        ix.school_index = {s: i for i, s in enumerate(schools)}
        ix.class_index = {c: i for i, c in enumerate(classes)}
        ix.teacher_index = {t: i for i, t in enumerate(ix.teachers)}
        ix.max_periods = max((b.periods for b in bells), default=1)
        ix.visit_days = dict(assignment.visit_days)

    def build(self) -> Index:
        self._add_lessons()
        self._add_sync_lessons()
        self._add_research_groups()
        return self.index

    # -- lessons ---------------------------------------------------------------------------
    def _unavailable(self, teacher: int, school: int, day: int, period: int) -> bool:
        """The teacher is unavailable then: their unavailable times are periods of their home school, compared
        by clock time (under any bell variant) when they teach at another school."""
        person = self.scenario.teacher_by_id[self.index.teachers[teacher]]
        weekday = Weekday.of_index(day)
        if not person.unavailable:
            return False
        if self.index.schools[school] == person.school:
            return person.is_unavailable(weekday, period)
        home = self._home_bells(person.school)
        here = self.index.bells[school].intervals(period)
        return any(person.is_unavailable(weekday, p) and
                   any(a[0] < b[1] and b[0] < a[1] for a in home.intervals(p) for b in here)
                   for p in range(1, home.periods + 1))

    def _home_bells(self, school_id: str) -> SchoolBells:
        if school_id not in self._bells_cache:
            self._bells_cache[school_id] = school_bells(self.scenario, school_id)
        return self._bells_cache[school_id]

    def _lesson_options(self, klass: int, teacher: int, length: int) -> tuple[Option, ...]:
        ix = self.index
        school = ix.class_school[klass]
        bells = ix.bells[school]
        options = []
        for day in bells.days:
            for period in range(1, bells.periods - length + 2):
                if length == 2 and not bells.same_half_day(period):
                    continue
                periods = range(period, period + length)
                options.append(Option(
                    start=(day, period), placements=(Placement(klass, day, period),),
                    teacher_keys=tuple((school, day, p) for p in periods),
                    blocked=any(self._unavailable(teacher, school, day, p) for p in periods),
                ))
        return tuple(options)

    def _new_activity(self, **fields: object) -> None:
        self.index.activities.append(Activity(index=len(self.index.activities), **fields))  # type: ignore[arg-type]

    def _add_lessons(self) -> None:
        ix, scenario, assignment = self.index, self.scenario, self.assignment
        teaching_syncs: dict[tuple[str, str], int] = defaultdict(int)
        for sync in self.syncs:
            teaching_syncs[(sync.teaching_class, sync.subject)] += sync.per_week
        for class_id in ix.classes:
            klass = ix.class_index[class_id]
            for entry in scenario.class_curriculum(class_id):
                key = (class_id, entry.subject)
                plain = assignment.local_periods.get(key, 0) - teaching_syncs.get(key, 0)
                if plain <= 0:
                    continue
                teacher = ix.teacher_index[assignment.teacher_of[key]]
                # Sync lessons are single periods; the doubles must fit in what is left.
                doubles = min(entry.doubles, plain // 2)
                singles = plain - 2 * doubles
                if doubles:
                    self._new_activity(subject=entry.subject, teachers=(teacher,), classes=(klass,), length=2,
                                       number=1, sync=None, options=self._lesson_options(klass, teacher, 2),
                                       count=doubles)
                if singles:
                    self._new_activity(subject=entry.subject, teachers=(teacher,), classes=(klass,), length=1,
                                       number=doubles + 1, sync=None, options=self._lesson_options(klass, teacher, 1),
                                       count=singles)

    # -- synchronized lessons -------------------------------------------------------------
    def _sync_options(self, sync: SyncLesson, teacher: int) -> tuple[Option, ...]:
        ix = self.index
        members = [ix.class_index[c] for c in (sync.teaching_class, *sync.receiving_classes)]
        bells = [ix.bells_of_class(m) for m in members]
        days = sorted(set.intersection(*(set(b.days) for b in bells)))
        teaching_school = ix.class_school[members[0]]
        options = []
        for day in days:
            for first in range(1, bells[0].periods + 1):
                teaching = bells[0].intervals(first)
                choices = [[first]]
                for b in bells[1:]:
                    choices.append([q for q in range(1, b.periods + 1)
                                    if always_aligned([teaching, b.intervals(q)], sync.min_overlap_minutes)])
                for combo in itertools.product(*choices):
                    # All ends share one live lesson: the whole tuple must be aligned, not only each pair
                    # with the teaching end.
                    if len(combo) > 2 and not always_aligned(
                            [b.intervals(q) for b, q in zip(bells, combo)], sync.min_overlap_minutes):
                        continue
                    options.append(Option(
                        start=(day, first), placements=tuple(Placement(m, day, p) for m, p in zip(members, combo)),
                        teacher_keys=((teaching_school, day, first),),
                        blocked=self._unavailable(teacher, teaching_school, day, first),
                    ))
        return tuple(options)

    def _add_sync_lessons(self) -> None:
        ix = self.index
        for sync in self.syncs:
            teacher = ix.teacher_index[self.assignment.sync_teacher[sync.id]]
            options = self._sync_options(sync, teacher)
            members = tuple(ix.class_index[c] for c in (sync.teaching_class, *sync.receiving_classes))
            self._new_activity(subject=sync.subject, teachers=(teacher,), classes=members, length=1,
                               number=1, sync=sync.id, options=options, count=sync.per_week)

    # -- research blocks ------------------------------------------------------------------
    def _travel(self, block: ResearchBlock, teacher_id: str) -> int:
        """Minutes kept free each side of the block: the trip to the host and the buffer (in person)."""
        if block.mode is not DeliveryMode.IN_PERSON or block.host is None:
            return 0
        minutes = self.scenario.travel_minutes(self.scenario.teacher_by_id[teacher_id].school, block.host)
        if minutes is None:
            return UNREACHABLE_MINUTES
        return minutes + block.travel_buffer_minutes if minutes > 0 else 0

    def _teacher_keys(self) -> dict[int, set[tuple[int, int, int]]]:
        keys: dict[int, set[tuple[int, int, int]]] = defaultdict(set)
        for activity in self.index.activities:
            for option in activity.options:
                keys[activity.teacher].update(option.teacher_keys)
        return keys

    def _add_research_groups(self) -> None:
        ix = self.index
        keys_of = self._teacher_keys()
        for block in self.blocks:
            members = sorted(ix.teacher_index[t] for t in research_group(self.scenario, self.assignment, block)
                             if t in ix.teacher_index)
            schools = sorted({k[0] for t in members for k in keys_of.get(t, ())}) or list(range(len(ix.schools)))
            lo = min(iv[0] for s in schools for v in ix.bells[s].variants for iv in v)
            hi = max(iv[1] for s in schools for v in ix.bells[s].variants for iv in v)
            travel = {t: self._travel(block, ix.teachers[t]) for t in members}
            seen: set[tuple[int, frozenset]] = set()
            windows: list[ResearchWindow] = []
            # A teacher who cannot reach the host at all leaves no window: the block is infeasible.
            reachable = all(travel[t] < UNREACHABLE_MINUTES for t in members)
            for day in sorted(d.index for d in block.days) if reachable else ():
                start = math.ceil(lo / WINDOW_GRID) * WINDOW_GRID
                while start + block.minutes <= hi:
                    end = start + block.minutes
                    conflicts = tuple(
                        (t, key) for t in members for key in sorted(keys_of.get(t, ()))
                        if key[1] == day and windows_conflict(ix.key_intervals(key), start - travel[t], end + travel[t]))
                    signature = (day, frozenset(conflicts))
                    if signature not in seen:
                        seen.add(signature)
                        windows.append(ResearchWindow(day=day, start=start, end=end, conflicts=conflicts))
                    start += WINDOW_GRID
            ix.research.append(ResearchGroup(block=block, teachers=tuple(members), windows=tuple(windows)))


def research_group(scenario: Scenario, assignment: Assignment, block: ResearchBlock) -> list[str]:
    """Teacher ids of a research block: listed teachers plus teachers of its subject and grades.

    ``subject`` None means any subject, empty ``grades`` any grade; the consortium (None: the
    whole county) limits the schools. Sync teachers count for the class they teach.
    """
    schools = {s.id for s in scenario.schools if block.consortium is None or s.consortium == block.consortium}
    group = set(block.teachers)
    if block.subject is None and not block.grades:
        return sorted(group)
    taught = dict(assignment.teacher_of)
    for sync in scenario.sync_lessons:
        taught.setdefault((sync.teaching_class, sync.subject), assignment.sync_teacher[sync.id])
        if sync.teacher is not None:
            group_key = (sync.teaching_class, sync.subject)
            klass = scenario.class_by_id[group_key[0]]
            if _in_block(block, klass.school, klass.grade, sync.subject, schools):
                group.add(sync.teacher)
    for (class_id, subject), teacher in taught.items():
        klass = scenario.class_by_id[class_id]
        if _in_block(block, klass.school, klass.grade, subject, schools):
            group.add(teacher)
    return sorted(group)


def _in_block(block: ResearchBlock, school: str, grade: int, subject: str, schools: set[str]) -> bool:
    return (school in schools and (block.subject is None or subject == block.subject)
            and (not block.grades or grade in block.grades))


def travel_of(scenario: Scenario, block: ResearchBlock, teacher_id: str) -> int:
    """Minutes a group teacher needs each way for ``block`` (0 online); for the checks in Python."""
    if block.mode is not DeliveryMode.IN_PERSON or block.host is None:
        return 0
    minutes = scenario.travel_minutes(scenario.teacher_by_id[teacher_id].school, block.host)
    return UNREACHABLE_MINUTES if minutes is None else minutes
