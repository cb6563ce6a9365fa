"""What every check needs: names in the user's words, clock times of lessons, and sync occurrences.

This module is shared by the checks only. It deliberately re-derives everything from the
scenario and the written solution, and imports nothing from ``scheduler`` or the solver-side
``constraints`` modules, so a modelling bug there cannot hide here (STYLE.md, practice 3).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from models import BellPeriod, LessonPlacement, Scenario, Solution, Weekday

DAY_EN = {Weekday.MON: "Mon", Weekday.TUE: "Tue", Weekday.WED: "Wed", Weekday.THU: "Thu", Weekday.FRI: "Fri",
          Weekday.SAT: "Sat", Weekday.SUN: "Sun"}

Window = tuple[int, int]  # [start, end) in minutes since midnight


# --- words -------------------------------------------------------------------------------------


class Names:
    """Ids turned into the words a timetabler uses; unknown ids are shown as they were written."""

    def __init__(self, scenario: Scenario) -> None:
        self.s = scenario
        counts = Counter(t.name for t in scenario.teachers)
        # Chinese teacher names repeat (张伟); add the id only where a name is ambiguous.
        self._teacher = {t.id: (t.name if counts[t.name] == 1 else f"{t.name}({t.id})") for t in scenario.teachers}

    def school(self, school_id: str) -> str:
        school = self.s.school_by_id.get(school_id)
        return school.name if school else school_id

    def klass(self, class_id: str) -> str:
        klass = self.s.class_by_id.get(class_id)
        if klass is None:
            return class_id
        return f"{self.school(klass.school)} {klass.label}"

    def teacher(self, teacher_id: str) -> str:
        return self._teacher.get(teacher_id, teacher_id)

    def teachers(self, teacher_ids: list[str] | tuple[str, ...], lang: str) -> str:
        return ("、" if lang == "zh" else ", ").join(self.teacher(t) for t in teacher_ids)

    def subject(self, subject_id: str) -> str:
        subject = self.s.subject_by_id.get(subject_id)
        return subject.name if subject else subject_id

    def room(self, room_id: str) -> str:
        room = next((r for r in self.s.rooms if r.id == room_id), None)
        return room.name if room else room_id


def idle_periods(taught: Collection[int]) -> int:
    """Periods between the first and the last taught one that are not taught: a class's holes, a teacher's
    gaps (空堂), a FET resource's gaps. The checks' one count of them (reports/quality.py has its own)."""
    return max(taught) - min(taught) + 1 - len(set(taught)) if taught else 0


def day_en(day: Weekday) -> str:
    return DAY_EN[day]


def periods_en(first: int, length: int = 1) -> str:
    return f"period {first}" if length == 1 else f"periods {first}-{first + length - 1}"


def periods_zh(first: int, length: int = 1) -> str:
    return f"第{first}节" if length == 1 else f"第{first}-{first + length - 1}节"


def slot_en(day: Weekday, first: int, length: int = 1) -> str:
    return f"{day_en(day)} {periods_en(first, length)}"


def slot_zh(day: Weekday, first: int, length: int = 1) -> str:
    return f"{day.zh}{periods_zh(first, length)}"


def lesson_slot_en(lesson: LessonPlacement) -> str:
    return slot_en(lesson.day, lesson.period, lesson.length)


def lesson_slot_zh(lesson: LessonPlacement) -> str:
    return slot_zh(lesson.day, lesson.period, lesson.length)


def clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def span(window: Window) -> str:
    return f"{clock(window[0])}-{clock(window[1])}"


def lesson_order(lesson: LessonPlacement) -> tuple:
    """The order solution.json uses, extended so that ties still sort the same way every time."""
    return (lesson.school, lesson.class_id, lesson.day.index, lesson.period, lesson.subject, lesson.teacher, lesson.key)


# --- clock times -------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Regime:
    """One combination of clock times in force at every school at once, and the first date it holds."""

    since: date
    periods: dict[str, tuple[BellPeriod, ...]]


class Clocks:
    """Clock windows of lessons under every bell-time regime that occurs in the term.

    Schools switch to winter times on their own dates, so which clock times meet which is decided
    per date: a regime is the tuple of every school's periods in force on a date of the term. The
    distinct regimes are few (one more per distinct switch date). Comparing lessons of two schools
    under every regime is exact; comparing every season of one with every season of the other
    would invent combinations that never happen.
    """

    def __init__(self, scenario: Scenario) -> None:
        self.s = scenario
        seen: dict[tuple, Regime] = {}
        schools = [school for school in scenario.schools if school.bell_schedule in scenario.bells_by_id]
        for day in scenario.term.dates():
            periods = {school.id: scenario.bells_by_id[school.bell_schedule].periods_on(day) for school in schools}
            key = tuple(periods[school.id] for school in schools)
            if key not in seen:
                seen[key] = Regime(since=day, periods=periods)
        self.regimes: tuple[Regime, ...] = tuple(seen.values()) or (
            Regime(since=scenario.term.start,
                   periods={s.id: scenario.bells_by_id[s.bell_schedule].periods for s in schools}),)

    def window(self, school_id: str, first: int, length: int, regime: Regime) -> Window | None:
        """Clock window of periods ``first..first+length-1`` at a school; None when they do not exist."""
        periods = regime.periods.get(school_id)
        if periods is None or first < 1 or first + length - 1 > len(periods):
            return None
        return periods[first - 1].start_minute, periods[first + length - 2].end_minute

    def lesson_window(self, lesson: LessonPlacement, regime: Regime) -> Window | None:
        return self.window(lesson.school, lesson.period, lesson.length, regime)

    def varies(self, *spans: tuple[str, int, int]) -> bool:
        """Whether any of these (school, first period, length) spans changes clock times during the term."""
        return any(len({self.window(school, first, length, r) for r in self.regimes}) > 1
                   for school, first, length in spans)

    def moves(self, *lessons: LessonPlacement) -> bool:
        return self.varies(*((x.school, x.period, x.length) for x in lessons))

    def since_en(self, regime: Regime, varies: bool) -> str:
        """' (clock times from 2026-10-08)' when the times shown change during the term, else ''."""
        return f" (clock times from {regime.since.isoformat()})" if varies else ""

    def since_zh(self, regime: Regime, varies: bool) -> str:
        return f"（按{regime.since.isoformat()}起的作息）" if varies else ""


def overlaps(a: Window, b: Window) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def overlap_minutes(a: Window, b: Window) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


# --- sync occurrences --------------------------------------------------------------------------


def sync_occurrences(scenario: Scenario, solution: Solution) -> dict[int, tuple[str, Weekday, int]]:
    """Which occurrence of which sync lesson each lesson belongs to: lesson index -> (sync id, day, rank).

    The pairing convention: a lesson belongs to an occurrence of sync S when it carries ``sync=S``,
    S is in the scenario and the lesson's class is S's teaching class or one of its receiving
    classes. The occurrences of S are keyed by weekday; a class's k-th such lesson on a day
    (by period) belongs to occurrence (S, day, k). A valid timetable has a subject at most once a
    day per class, so k is always 0 there and the pairing needs nothing beyond ``sync``; ranks only
    keep invalid timetables readable. Lessons not in the map are events of their own.
    """
    syncs = {sync.id: sync for sync in scenario.sync_lessons}
    by_class_day: dict[tuple[str, str, Weekday], list[int]] = defaultdict(list)
    for index, lesson in enumerate(solution.lessons):
        sync = syncs.get(lesson.sync or "")
        if sync is None or lesson.class_id not in (sync.teaching_class, *sync.receiving_classes):
            continue
        by_class_day[(sync.id, lesson.class_id, lesson.day)].append(index)
    occurrence: dict[int, tuple[str, Weekday, int]] = {}
    for (sync_id, _class_id, day), indices in by_class_day.items():
        for rank, index in enumerate(sorted(indices, key=lambda i: (solution.lessons[i].period, lesson_order(solution.lessons[i])))):
            occurrence[index] = (sync_id, day, rank)
    return occurrence


def event_of(index: int, occurrences: dict[int, tuple[str, Weekday, int]]) -> tuple:
    """The teacher-time event of a lesson: its sync occurrence, or the lesson alone."""
    found = occurrences.get(index)
    return ("sync", *found) if found else ("lesson", index)


def is_receiving(scenario: Scenario, lesson: LessonPlacement) -> bool:
    """A lesson a receiving class takes from a sync lesson of the scenario (not merely tagged so)."""
    sync = scenario.sync_by_id.get(lesson.sync) if lesson.sync else None
    return sync is not None and lesson.class_id in sync.receiving_classes
