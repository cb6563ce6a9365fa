"""What the activity solver reads from the scenario and the timetable, computed once.

Teaching days come from :func:`models.term.teaching_days` (holidays, make-up days and assessment
days already applied). A person's busy times on a date are their lessons of the weekday that date
follows (clock times from their lesson school's bell schedule in force that date) and their weekly
research blocks. The checker (:mod:`constraints.checks.activities`) recomputes all of this on its own.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from models.activity_rules import ActivitySpec, school_year, term_season
from models.enums import SchoolRole, Weekday
from models.scenario import Scenario
from models.solution import LessonPlacement, Solution
from models.term import TeachingDay, teaching_days


@dataclass(frozen=True)
class Busy:
    """A person is busy from ``start`` to ``end`` (minutes) at ``school`` (None: no place, e.g. online)."""

    start: int
    end: int
    school: str | None
    what: str
    lesson: LessonPlacement | None = None


@dataclass(frozen=True)
class OccurrenceSlot:
    """The k-th occurrence of a rule this term and the dates it may fall on (its share of the window)."""

    rule: ActivitySpec
    index: int
    dates: tuple[date, ...]

    @property
    def id(self) -> str:
        return f"{self.rule.id}#{self.index + 1:02d}"

    @property
    def centre(self) -> date:
        return self.dates[len(self.dates) // 2]


# A monthly rule holds one occurrence in every calendar month with at least this many teaching days
# in the term (a week); fewer, and the month is the stub of a term's start or end.
MIN_MONTH_TEACHING_DAYS = 5


class ActivityContext:
    """Teaching days, attendee groups and busy times of one scenario + timetable."""

    def __init__(self, scenario: Scenario, solution: Solution) -> None:
        self.scenario = scenario
        self.solution = solution
        self.days: list[TeachingDay] = teaching_days(scenario)
        self.day_by_date = {d.date: d for d in self.days}
        self.season = term_season(scenario.term.start)
        self.school_year = school_year(scenario.term.start)
        self._busy: dict[tuple[str, tuple | None], list[Busy]] = {}
        self._travel: dict[tuple[str, str], int | None] = {}
        self._clocks: dict[tuple[str, date], tuple] = {}
        self._day_kinds: dict[date, tuple | None] = {}
        self._blocked: dict[tuple, tuple[tuple[int, int], ...] | None] = {}
        self._demonstrable: dict[str, list[LessonPlacement]] = {}

    @cached_property
    def lessons_by_teacher_day(self) -> dict[tuple[str, Weekday], list[LessonPlacement]]:
        found: dict[tuple[str, Weekday], list[LessonPlacement]] = defaultdict(list)
        for lesson in self.solution.lessons:
            found[(lesson.teacher, lesson.day)].append(lesson)
        return found

    @cached_property
    def lessons_by_sync(self) -> dict[str, list[LessonPlacement]]:
        found: dict[str, list[LessonPlacement]] = defaultdict(list)
        for lesson in self.solution.lessons:
            if lesson.sync is not None:
                found[lesson.sync].append(lesson)
        return found

    @cached_property
    def lessons_by_class_subject(self) -> dict[tuple[str, str], list[LessonPlacement]]:
        found: dict[tuple[str, str], list[LessonPlacement]] = defaultdict(list)
        for lesson in self.solution.lessons:
            found[(lesson.class_id, lesson.subject)].append(lesson)
        return found

    @cached_property
    def assignments_by_class_subject(self) -> dict[tuple[str, str], list]:
        found: dict[tuple[str, str], list] = defaultdict(list)
        for assignment in self.scenario.assignments:
            found[(assignment.class_id, assignment.subject)].append(assignment)
        return found

    @cached_property
    def research_by_teacher_day(self) -> dict[tuple[str, Weekday], list[tuple[int, int, str | None, str]]]:
        found: dict[tuple[str, Weekday], list[tuple[int, int, str | None, str]]] = defaultdict(list)
        for placement in self.solution.research:
            for teacher in placement.teachers:
                found[(teacher, placement.day)].append(
                    (placement.start_minute, placement.end_minute, placement.host, placement.block))
        return found

    def lesson_clock(self, lesson: LessonPlacement, on: date) -> tuple[int, int]:
        key = (lesson.school, on)
        periods = self._clocks.get(key)
        if periods is None:
            periods = self._clocks[key] = self.scenario.bells_of(lesson.school).periods_on(on)
        return periods[lesson.period - 1].start_minute, periods[lesson.period + lesson.length - 2].end_minute

    def day_kind(self, on: date) -> tuple | None:
        """What a teaching date's busy times depend on: the weekday it follows and which clock times every
        bell schedule has in force (the number of its seasons begun by then); None off the teaching days.
        Two dates of one kind have the same busy times for everyone, so they are computed once per kind."""
        if on not in self._day_kinds:
            day = self.day_by_date.get(on)
            self._day_kinds[on] = None if day is None else (day.follows, tuple(
                sum(1 for season in bells.seasons if season.starts <= on) for bells in self.scenario.bell_schedules))
        return self._day_kinds[on]

    def busy(self, teacher: str, on: date) -> list[Busy]:
        """Lessons and research blocks of ``teacher`` on a teaching date, by start (cached per kind of day)."""
        key = (teacher, self.day_kind(on))
        if key not in self._busy:
            self._busy[key] = self._busy_on(teacher, on)
        return self._busy[key]

    def _busy_on(self, teacher: str, on: date) -> list[Busy]:
        day = self.day_by_date.get(on)
        if day is None:
            return []
        result = []
        for lesson in self.lessons_by_teacher_day.get((teacher, day.follows), []):
            start, end = self.lesson_clock(lesson, on)
            result.append(Busy(start, end, lesson.school, f"lesson {lesson.class_id} {lesson.subject}", lesson))
        for start, end, host, block in self.research_by_teacher_day.get((teacher, day.follows), []):
            result.append(Busy(start, end, host, f"research {block}"))
        return sorted(result, key=lambda b: (b.start, b.end, b.what))

    def travel(self, a: str | None, b: str | None) -> int | None:
        if a is None or b is None:
            return 0
        if (a, b) not in self._travel:
            self._travel[(a, b)] = self.scenario.travel_minutes(a, b)
        return self._travel[(a, b)]

    def free(self, teacher: str, on: date, start: int, end: int, host: str | None, *,
             except_lesson: LessonPlacement | None = None) -> bool:
        """Can ``teacher`` attend [start, end) at ``host`` (None: online) on a date, travel included?

        Travel is counted from the place of the commitment before and to the place of the one after;
        a person with no commitment around the event travels from and back to their home school.
        """
        if except_lesson is not None:
            return self._free_except(teacher, on, start, end, host, except_lesson)
        blocked = self.blocked(teacher, on, host)
        return blocked is not None and not clashes(blocked, start, end)

    def blocked(self, teacher: str, on: date, host: str | None) -> tuple[tuple[int, int], ...] | None:
        """The open intervals (lo, hi) an event at ``host`` must not overlap for ``teacher`` to attend on a date
        (each commitment widened by the travel to and from it), merged and sorted; None: cannot attend at all.

        Candidate building asks this for the same person, date and place hundreds of times (one per clock
        window), so it is computed once and every window is then checked by bisection (:func:`clashes`)."""
        key = (teacher, self.day_kind(on), host)
        if key not in self._blocked:
            self._blocked[key] = self._blocked_on(teacher, on, host)
        return self._blocked[key]

    def _blocked_on(self, teacher: str, on: date, host: str | None) -> tuple[tuple[int, int], ...] | None:
        home = self.scenario.teacher_by_id[teacher].school
        if host is not None and self.travel(home, host) is None:
            return None
        spans = []
        for item in self.busy(teacher, on):
            gap_before = self.travel(item.school, host) if host is not None else 0
            gap_after = self.travel(host, item.school) if host is not None else 0
            if gap_before is None or gap_after is None:
                return None
            spans.append((item.start - gap_after, item.end + gap_before))
        return merge_spans(spans)

    def blocked_for_all(self, people, on: date, host: str | None) -> tuple[tuple[int, int], ...] | None:
        """The union of :meth:`blocked` over ``people``: a window free of it suits every one of them."""
        key = (tuple(people), self.day_kind(on), host)
        if key not in self._blocked:
            spans: list[tuple[int, int]] = []
            for person in people:
                blocked = self.blocked(person, on, host)
                if blocked is None:
                    spans = None
                    break
                spans.extend(blocked)
            self._blocked[key] = None if spans is None else merge_spans(spans)
        return self._blocked[key]

    def _free_except(self, teacher: str, on: date, start: int, end: int, host: str | None,
                     except_lesson: LessonPlacement) -> bool:
        home = self.scenario.teacher_by_id[teacher].school
        if host is not None and self.travel(home, host) is None:
            return False
        for item in self.busy(teacher, on):
            if item.lesson == except_lesson:
                continue
            gap_before = self.travel(item.school, host) if host is not None else 0
            gap_after = self.travel(host, item.school) if host is not None else 0
            if gap_before is None or gap_after is None:
                return False
            if item.end + gap_before > start and end + gap_after > item.start:
                return False
        return True

    # --- attendees --------------------------------------------------------------------------------

    def consortium_schools(self, consortium: str) -> list[str]:
        return sorted(s.id for s in self.scenario.schools if s.consortium == consortium)

    def principals(self, consortium: str, pool: str = "all") -> list[str]:
        schools = set(self.consortium_schools(consortium))
        if pool == "members":
            schools = {s for s in schools if self.scenario.school_by_id[s].role != SchoolRole.LEAD}
        return sorted(t.id for t in self.scenario.teachers if "principal" in t.roles and t.school in schools)

    def demonstrable_lessons(self, rule: ActivitySpec) -> list[LessonPlacement]:
        """The timetable's lessons a school of the rule's consortium could demonstrate for it: of its subject and
        grades, taught there (a lesson received from another school's teacher, 同步课堂, is not the school's own)."""
        if rule.id not in self._demonstrable:
            schools = set(self.consortium_schools(rule.consortium))
            self._demonstrable[rule.id] = [
                lesson for lesson in self.solution.lessons
                if lesson.school in schools and lesson.subject == rule.subject and lesson.sync_role != "receiving"
                and (not rule.grades or self.scenario.class_by_id[lesson.class_id].grade in rule.grades)]
        return self._demonstrable[rule.id]

    def rotation_schools(self, rule: ActivitySpec) -> list[str]:
        """The members of a rule's host rotation: every school of the consortium, or for a rule whose host teaches a
        lesson (a demonstration lesson) the schools that have one to teach. A school without the rule's grades or
        subject could never take its turn, so a round owing it one could never end (docs/activities.md)."""
        schools = self.consortium_schools(rule.consortium)
        if not rule.hosted_at_a_lesson:
            return schools
        able = {lesson.school for lesson in self.demonstrable_lessons(rule)}
        return [s for s in schools if s in able]

    def lead_school(self, consortium: str) -> str | None:
        leads = [s for s in self.consortium_schools(consortium) if self.scenario.school_by_id[s].role == SchoolRole.LEAD]
        return leads[0] if leads else None

    @cached_property
    def teacher_grades(self) -> dict[str, set[int]]:
        grades: dict[str, set[int]] = defaultdict(set)
        for lesson in self.solution.lessons:
            klass = self.scenario.class_by_id.get(lesson.class_id)
            if klass:
                grades[lesson.teacher].add(klass.grade)
        return grades

    def group(self, spec: str, consortium: str) -> set[str]:
        """The teacher ids of one attendee group of a consortium."""
        schools = set(self.consortium_schools(consortium))
        teachers = self.scenario.teachers
        in_consortium = [t for t in teachers if t.school in schools]
        if spec == "principals":
            return {t.id for t in in_consortium if "principal" in t.roles}
        if spec == "homeroom":
            return {t.id for t in in_consortium if "homeroom" in t.roles}
        if spec == "all":
            return {t.id for t in in_consortium}
        if spec == "research_officers":
            return {t.id for t in teachers if "research_officer" in t.roles
                    and (t.school in schools or schools & set(t.also_schools))}
        if spec.startswith("teacher:"):
            return {spec.split(":", 1)[1]}
        if spec.startswith("grades:"):
            grades = _grade_range(spec.split(":", 1)[1])
            return {t.id for t in in_consortium if self.teacher_grades.get(t.id, set()) & grades}
        subject, _, grade_text = spec.split(":", 1)[1].partition("@")
        chosen = {t.id for t in in_consortium if subject in t.subjects}
        if grade_text:
            grades = _grade_range(grade_text)
            chosen = {t for t in chosen if self.teacher_grades.get(t, set()) & grades}
        return chosen

    def attendees(self, rule: ActivitySpec) -> tuple[str, ...]:
        """Everyone who attends every occurrence (observers of a demonstration lesson are chosen later)."""
        people: set[str] = set()
        for spec in rule.attendees:
            people |= self.group(spec, rule.consortium)
        if rule.chair == "rotating":
            people |= set(self.principals(rule.consortium, rule.chair_pool))
        elif rule.chair == "lead":
            lead = self.lead_school(rule.consortium)
            people |= {p for p in self.principals(rule.consortium) if self.scenario.teacher_by_id[p].school == lead}
        elif rule.chair.startswith("teacher:"):
            people.add(rule.chair.split(":", 1)[1])
        return tuple(sorted(people))

    # --- occurrences ------------------------------------------------------------------------------

    def eligible_dates(self, rule: ActivitySpec) -> list[date]:
        first, last = rule.window_dates(self.scenario.term.start, self.scenario.term.end)
        # A make-up day counts as the weekday whose timetable it follows.
        return [d.date for d in self.days if first <= d.date <= last and d.follows in rule.weekdays]

    def slots(self, rule: ActivitySpec) -> list[OccurrenceSlot]:
        """This term's occurrences of a rule, each with its own part of the window (spread)."""
        dates = self.eligible_dates(rule)
        if rule.frequency == "monthly":
            months: dict[tuple[int, int], list[date]] = defaultdict(list)
            for day in dates:
                months[(day.year, day.month)].append(day)
            # A term's stub month (e.g. 1-2 July after the exams) has no monthly meeting of its own.
            taught: dict[tuple[int, int], int] = defaultdict(int)
            for day in self.days:
                taught[(day.date.year, day.date.month)] += 1
            kept = [ds for month, ds in sorted(months.items()) if taught[month] >= MIN_MONTH_TEACHING_DAYS]
            return [OccurrenceSlot(rule, i, tuple(ds)) for i, ds in enumerate(kept)]
        if rule.frequency == "yearly" and self.season not in rule.terms:
            return []
        count = rule.count
        return [OccurrenceSlot(rule, i, part) for i, part in enumerate(split_even(dates, count))]


def merge_spans(spans: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Overlapping open intervals merged: disjoint, sorted by start and so by end too."""
    merged: list[list[int]] = []
    for lo, hi in sorted(spans):
        if merged and lo < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return tuple((lo, hi) for lo, hi in merged)


def clashes(blocked: tuple[tuple[int, int], ...], start: int, end: int) -> bool:
    """Does [start, end) overlap one of the disjoint sorted open intervals ``blocked``? Only the last one
    starting before ``end`` can: the ones before it end earlier still."""
    at = bisect_left(blocked, (end,))
    return at > 0 and blocked[at - 1][1] > start


def split_even(dates: list[date], parts: int) -> list[tuple[date, ...]]:
    """Part k of ``parts`` is ``dates[k*n//parts : (k+1)*n//parts]`` (n dates); empty parts are dropped."""
    if parts <= 0 or not dates:
        return []
    n = len(dates)
    runs = [tuple(dates[k * n // parts:(k + 1) * n // parts]) for k in range(parts)]
    return [run for run in runs if run]


def _grade_range(text: str) -> set[int]:
    first, _, last = text.partition("-")
    return set(range(int(first), int(last or first) + 1))
