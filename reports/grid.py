"""The weekly grid of one class, one teacher or one room at one school, independent of the file format.

The XLSX and HTML writers both draw these grids, so a class's timetable reads the same in both.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from models.enums import Weekday
from models.scenario import Scenario
from models.solution import LessonPlacement, Solution
from reports.labels import (
    MODE_PREFIX,
    class_label,
    classes_by_school,
    clock_range,
    periods_text,
    school_name,
    season_legend,
    subject_name,
    teacher_name,
    times_text,
)
from reports.sync import SyncGroup, is_teaching, partner_classes, sync_groups

Slot = tuple[Weekday, int]


@dataclass(frozen=True)
class Cell:
    """What one cell shows; ``span`` is 2 for a double period drawn over two rows."""

    lines: tuple[str, ...]
    span: int = 1
    sync: bool = False


@dataclass(frozen=True)
class PeriodRow:
    period: int
    label: str
    times: str
    afternoon_starts: bool


@dataclass(frozen=True)
class Grid:
    """A printable weekly timetable: ``cells`` by starting slot; ``covered`` slots lie under a span."""

    kind: str  # "class", "teacher" or "room"
    owner: str  # the class, teacher or room id
    name: str  # short name, e.g. 4(2)班 or 张伟 (sheet names are made from it)
    title: str
    subtitle: str
    days: tuple[Weekday, ...]
    rows: tuple[PeriodRow, ...]
    cells: dict[Slot, Cell] = field(default_factory=dict)
    covered: frozenset[Slot] = frozenset()
    notes: tuple[str, ...] = ()


def _period_rows(scenario: Scenario, school_id: str, lessons: list[LessonPlacement]) -> tuple[PeriodRow, ...]:
    bells = scenario.bells_of(school_id)
    last = max([len(bells.periods)] + [l.period + l.length - 1 for l in lessons])
    rows = []
    for period in range(1, last + 1):
        in_bells = period <= len(bells.periods)
        starts_pm = (in_bells and period > 1 and not bells.periods[period - 1].is_morning
                     and bells.periods[period - 2].is_morning)
        rows.append(PeriodRow(period, periods_text(period, 1), times_text(bells, period), starts_pm))
    return tuple(rows)


def _days(scenario: Scenario, school_id: str, lessons: list[LessonPlacement]) -> tuple[Weekday, ...]:
    # A lesson on a day the bells do not list is still shown rather than silently dropped.
    days = set(scenario.bells_of(school_id).days) | {l.day for l in lessons}
    return tuple(sorted(days, key=lambda d: d.index))


def _lesson_lines(scenario: Scenario, groups: dict[str, SyncGroup], lesson: LessonPlacement,
                  kind: str) -> tuple[str, ...]:
    group = groups.get(lesson.sync) if lesson.sync else None
    prefix = (MODE_PREFIX.get(group.mode, "同步") + "·") if group else ""
    subject = prefix + subject_name(scenario, lesson.subject)
    second = teacher_name(scenario, lesson.teacher) if kind == "class" else class_label(scenario, lesson.class_id)
    lines = [subject, second]
    if kind == "room":  # a room's cell names the class and its teacher; sync partners are on the class's own grid
        return (subject, f"{second} {teacher_name(scenario, lesson.teacher)}")
    partners = partner_classes(groups, lesson)
    if partners:
        # The teaching class lists whom it teaches; a receiving class names whom it joins.
        role = "接收班" if group is not None and is_teaching(lesson, group) else "主讲班"
        lines.append(role + "：" + classes_by_school(scenario, partners))
    return tuple(lines)


def _fill(lessons: list[LessonPlacement], days: tuple[Weekday, ...], rows: int,
          lines_of: dict[int, tuple[str, ...]]) -> tuple[dict[Slot, Cell], frozenset[Slot]]:
    """Cells of the grid. A double spans its rows only when nothing else shares them (a clash is shown,
    each lesson in every slot it takes, rather than hidden under a merge)."""
    at: dict[Slot, list[LessonPlacement]] = defaultdict(list)
    for lesson in sorted(lessons, key=lambda l: (l.day.index, l.period, l.key)):
        for period in lesson.periods():
            at[(lesson.day, period)].append(lesson)
    cells: dict[Slot, Cell] = {}
    covered: set[Slot] = set()
    for day in days:
        for period in range(1, rows + 1):
            slot = (day, period)
            if slot in covered or not at.get(slot):
                continue
            here = at[slot]
            lesson = here[0]
            alone = all(at.get((day, p)) == [lesson] for p in lesson.periods())
            if len(here) == 1 and lesson.period == period and lesson.length > 1 and alone:
                cells[slot] = Cell(lines_of[id(lesson)], lesson.length, bool(lesson.sync))
                covered.update((day, p) for p in lesson.periods() if p != period)
            else:
                lines = tuple(line for l in here for line in lines_of[id(l)])
                cells[slot] = Cell(lines, 1, any(l.sync for l in here))
    return cells, frozenset(covered)


def _grid(scenario: Scenario, groups: dict[str, SyncGroup], school_id: str, kind: str, owner: str, name: str,
          title: str, lessons: list[LessonPlacement], notes: list[str]) -> Grid:
    days = _days(scenario, school_id, lessons)
    rows = _period_rows(scenario, school_id, lessons)
    lines_of = {id(l): _lesson_lines(scenario, groups, l, kind) for l in lessons}
    cells, covered = _fill(lessons, days, len(rows), lines_of)
    school = scenario.school_by_id[school_id]
    consortium = scenario.consortium_by_id.get(school.consortium)
    subtitle = "  ".join(x for x in (consortium.name if consortium else "", scenario.term.name) if x)
    legend = season_legend(scenario.bells_of(school_id))
    return Grid(kind, owner, name, title, subtitle, days, rows, cells, covered,
                tuple(notes + ([legend] if legend else [])))


@dataclass(frozen=True)
class LessonIndex:
    """A solution's lessons by class, by teacher and by room, and its sync groups, built once for all grids."""

    by_class: dict[str, list[LessonPlacement]]
    by_teacher: dict[str, list[LessonPlacement]]
    groups: dict[str, SyncGroup]
    by_room: dict[str, list[LessonPlacement]] = field(default_factory=dict)

    @classmethod
    def of(cls, scenario: Scenario, solution: Solution) -> LessonIndex:
        by_class: dict[str, list[LessonPlacement]] = defaultdict(list)
        by_teacher: dict[str, list[LessonPlacement]] = defaultdict(list)
        by_room: dict[str, list[LessonPlacement]] = defaultdict(list)
        for lesson in solution.lessons:
            by_class[lesson.class_id].append(lesson)
            by_teacher[lesson.teacher].append(lesson)
            if lesson.room is not None:
                by_room[lesson.room].append(lesson)
        return cls(dict(by_class), dict(by_teacher), sync_groups(scenario, solution), dict(by_room))


def class_grid(scenario: Scenario, solution: Solution, class_id: str, index: LessonIndex | None = None) -> Grid:
    """The weekly timetable of a class: cells read ``subject`` then ``teacher``."""
    index = index or LessonIndex.of(scenario, solution)
    klass = scenario.class_by_id[class_id]
    lessons = index.by_class.get(class_id, [])
    title = f"{school_name(scenario, klass.school)} {class_label(scenario, class_id)} 课程表"
    return _grid(scenario, index.groups, klass.school, "class", class_id, class_label(scenario, class_id), title,
                 lessons, [])


def teacher_grid(scenario: Scenario, solution: Solution, teacher_id: str, school_id: str,
                 index: LessonIndex | None = None) -> Grid:
    """A teacher's lessons at one school (cells read ``subject`` then ``class``), with notes on the
    lessons they teach elsewhere and the research blocks they attend."""
    index = index or LessonIndex.of(scenario, solution)
    mine = index.by_teacher.get(teacher_id, [])
    here = [l for l in mine if l.school == school_id]
    notes = []
    elsewhere: dict[str, int] = defaultdict(int)
    for lesson in mine:
        if lesson.school != school_id:
            elsewhere[lesson.school] += lesson.length
    for other in sorted(elsewhere):
        notes.append(f"另在{school_name(scenario, other)}任课 {elsewhere[other]} 节，见该校课程表")
    block_names = {b.id: b.name for b in scenario.research_blocks}
    for block in sorted(solution.research, key=lambda r: (r.day.index, r.start_minute, r.block)):
        if teacher_id in block.teachers:
            where = f"（{school_name(scenario, block.host)}）" if block.host else ""
            notes.append(f"教研：{block.day.zh} {clock_range(block.start_minute, block.end_minute)} "
                         f"{block_names.get(block.block, block.block)}{where}")
    name = teacher_name(scenario, teacher_id)
    title = f"{school_name(scenario, school_id)} {name}老师 课程表"
    return _grid(scenario, index.groups, school_id, "teacher", teacher_id, name, title, here, notes)


def room_grid(scenario: Scenario, solution: Solution, room_id: str, index: LessonIndex | None = None) -> Grid:
    """The weekly use of a room (录播教室, 操场, 音乐室 …): cells read ``subject`` then ``class teacher``; a room
    that takes several classes at once lists each."""
    index = index or LessonIndex.of(scenario, solution)
    room = next(r for r in scenario.rooms if r.id == room_id)
    lessons = [l for l in index.by_room.get(room_id, []) if l.school == room.school]
    title = f"{school_name(scenario, room.school)} {room.name} 使用表"
    notes = [f"{room.kind}，同时可容纳 {room.capacity} 个班"] if room.capacity > 1 else []
    if room.takes_sync:
        notes.append("配备远程互动设备：本校同步课堂、专递课堂（主讲端与接收端）在此上课")
    return _grid(scenario, index.groups, room.school, "room", room_id, room.name, title, lessons, notes)


def school_grids(scenario: Scenario, solution: Solution, school_id: str, index: LessonIndex | None = None) -> list[Grid]:
    """One grid per class of the school (by grade and section), then one per teacher who teaches there
    (by name), then one per room of the school (by id), as printed in the school's workbook and page."""
    index = index or LessonIndex.of(scenario, solution)
    classes = sorted((c for c in scenario.classes if c.school == school_id), key=lambda c: (c.grade, c.section, c.id))
    teachers = sorted({t for t, lessons in index.by_teacher.items() if any(l.school == school_id for l in lessons)},
                      key=lambda t: (teacher_name(scenario, t), t))
    rooms = sorted(r.id for r in scenario.rooms if r.school == school_id)
    return ([class_grid(scenario, solution, c.id, index) for c in classes]
            + [teacher_grid(scenario, solution, t, school_id, index) for t in teachers]
            + [room_grid(scenario, solution, r, index) for r in rooms])
