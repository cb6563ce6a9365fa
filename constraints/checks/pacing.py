"""The pacing calendar (学科进度同步), checked from the scenario, the written timetable and the written plan.

Recounted here, sharing nothing with the planner (``scheduler/pacing``): which dates of the term have
lessons and whose weekday timetable each follows (holidays, make-up days 调休, assessment days), each
class's lessons of a subject on those dates, which classes keep one pace and what sequence they keep.
Then, for every consortium, grade and subject of the pacing table:

* the plan covers the group, with its classes and its sequence as the table gives them;
* its slots are the term's weeks, split at the group's assessment dates, and nothing else;
* the lessons the plan records for each class and slot are the lessons recounted here;
* no class needs more lessons in a slot than it has (the class, week and shortfall are named);
* the sequence is taught in order, every lesson of it once, and each assessment comes after every
  row before it in the sequence and before every row after it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from constraints.checks import Violation
from constraints.checks._common import Names
from models import Scenario, Solution, Weekday
from models.enums import PacingKind
from models.pacing import PacingGroup, PacingPlan, PacingRow
from models.term import holidays_in_term

WEEKDAYS = list(Weekday)


class _Calendar:
    """Dates with lessons, the weekday each follows, and each class's weekly periods per subject and weekday."""

    def __init__(self, scenario: Scenario, solution: Solution) -> None:
        term = scenario.term
        skipped = set(holidays_in_term(term)) | set(term.assessment_days)
        makeups = {m.date: m.follows for m in term.makeup_days}
        self.follows: dict[date, Weekday] = {}
        day = term.start
        while day <= term.end:
            if day not in skipped:
                self.follows[day] = makeups.get(day, WEEKDAYS[day.weekday()])
            day += timedelta(days=1)
        self.periods: dict[tuple[str, str, Weekday], int] = defaultdict(int)
        for lesson in solution.lessons:
            school = scenario.school_by_id.get(lesson.school)
            bells = scenario.bells_by_id.get(school.bell_schedule) if school else None
            if bells is not None and lesson.day in bells.days:
                self.periods[(lesson.class_id, lesson.subject, lesson.day)] += lesson.length
        self.s = scenario

    def lessons(self, class_id: str, subject: str, first: date, last: date, skip: set[date]) -> int:
        total, day = 0, first
        while day <= last:
            weekday = self.follows.get(day)
            if weekday is not None and day not in skip:
                total += self.periods.get((class_id, subject, weekday), 0)
            day += timedelta(days=1)
        return total


def _expected(scenario: Scenario) -> dict[tuple[str, int, str], tuple[list[PacingRow], list[str]]]:
    """(consortium, grade, subject) -> (rows in order, classes): a consortium's own rows replace the county's."""
    rows: dict[tuple[str | None, int, str], list[PacingRow]] = defaultdict(list)
    for row in scenario.pacing:
        rows[(row.consortium or None, row.grade, row.subject)].append(row)
    found = {}
    for consortium in scenario.consortia:
        schools = {s.id for s in scenario.schools if s.consortium == consortium.id}
        for grade, subject in {(g, s) for (c, g, s) in rows if c in (None, consortium.id)}:
            mine = rows.get((consortium.id, grade, subject)) or rows[(None, grade, subject)]
            classes = sorted(k.id for k in scenario.classes if k.school in schools and k.grade == grade
                             and any(e.subject == subject and e.periods > 0 for e in scenario.curriculum
                                     if e.grade == grade and e.stage == scenario.school_by_id[k.school].stage))
            if classes:
                found[(consortium.id, grade, subject)] = (sorted(mine, key=lambda r: r.seq), classes)
    return found


def _weeks(scenario: Scenario, tests: set[date]) -> list[tuple[int, date, date]]:
    """(week, first, last) of every Monday–Sunday week of the term, cut at the test dates."""
    term = scenario.term
    start_monday = term.start - timedelta(days=term.start.weekday())
    parts: list[tuple[int, date, date]] = []
    current: list[date] = []
    day = term.start
    while day <= term.end:
        week = (day - start_monday).days // 7 + 1
        if day in tests or (current and (current[0] - start_monday).days // 7 + 1 != week):
            if current:
                parts.append(((current[0] - start_monday).days // 7 + 1, current[0], current[-1]))
            current = []
        if day not in tests:
            current.append(day)
        day += timedelta(days=1)
    if current:
        parts.append(((current[0] - start_monday).days // 7 + 1, current[0], current[-1]))
    return parts


def check(scenario: Scenario, solution: Solution, plan: PacingPlan) -> list[Violation]:
    """Every violation of the pacing plan; an empty list means it verifies."""
    names = Names(scenario)
    found: list[Violation] = []
    if plan.status != "ok":
        found.append(Violation("pacing.status", "教学进度", f"the pacing plan is '{plan.status}', not ok: some class "
                               "cannot keep the pace (see OUT/pacing/shortfalls.csv)",
                               f"教学进度计划的状态为“{plan.status}”：有班级跟不上进度（见 OUT/pacing/shortfalls.csv）"))
    calendar = _Calendar(scenario, solution)
    expected = _expected(scenario)
    planned = {g.key: g for g in plan.groups}
    for key in sorted(set(expected) - set(planned)):
        found.append(Violation("pacing.missing", _where(key), f"{_en(key)} has a sequence in the pacing table but no "
                               "plan", f"{_zh(key)} 在教学进度表中有内容，但计划中没有"))
    for key in sorted(set(planned) - set(expected)):
        found.append(Violation("pacing.extra", _where(key), f"{_en(key)} is planned but the pacing table has no "
                               "sequence (or no class) for it", f"{_zh(key)} 有计划，但教学进度表中没有相应内容（或没有班级）"))
    for key in sorted(set(planned) & set(expected)):
        rows, classes = expected[key]
        found += _check_group(scenario, calendar, names, planned[key], rows, classes)
    return found


def _where(key: tuple[str, int, str]) -> str:
    return f"教学进度 {key[0]} {key[1]}年级{key[2]}"


def _en(key: tuple[str, int, str]) -> str:
    return f"grade {key[1]} {key[2]} of {key[0]}"


def _zh(key: tuple[str, int, str]) -> str:
    return f"{key[0]} {key[1]}年级{key[2]}"


def _row_identity(row: PacingRow) -> tuple:
    return (row.seq, row.kind.value, row.title, row.lessons, row.date)


def _check_group(scenario: Scenario, calendar: _Calendar, names: Names, group: PacingGroup, rows: list[PacingRow],
                 classes: list[str]) -> list[Violation]:
    key, where = group.key, _where(group.key)
    found: list[Violation] = []

    def add(rule: str, en: str, zh: str) -> None:
        found.append(Violation(f"pacing.{rule}", where, f"{_en(key)}: {en}", f"{_zh(key)}：{zh}"))

    if [_row_identity(r) for r in group.items] != [_row_identity(r) for r in rows]:
        add("sequence", "the plan's sequence is not the pacing table's (rows, lessons or dates differ)",
            "计划中的教学内容与教学进度表不一致（行、课时或日期不同）")
        return found
    if sorted(group.classes) != classes:
        missing, extra = sorted(set(classes) - set(group.classes)), sorted(set(group.classes) - set(classes))
        add("classes", f"classes missing: {', '.join(missing) or '-'}; classes that do not belong: {', '.join(extra) or '-'}",
            f"缺少班级：{'、'.join(missing) or '无'}；多出班级：{'、'.join(extra) or '无'}")
    tests = {r.date for r in rows if r.kind == PacingKind.ASSESSMENT and r.date is not None}
    slots = sorted(group.slots, key=lambda s: s.first)
    wanted = _weeks(scenario, tests)
    if [(s.week, s.first, s.last) for s in slots] != wanted:
        add("weeks", "its slots are not the term's weeks split at its assessment dates",
            "计划的时段不是本学期各周（在测评日处分开）")
        return found
    for slot in slots:
        for class_id in classes:
            has = calendar.lessons(class_id, group.subject, slot.first, slot.last, tests)
            if slot.available.get(class_id) != has:
                add("count", f"week {slot.week} ({slot.first}–{slot.last}): the plan says {names.klass(class_id)} has "
                    f"{slot.available.get(class_id)} lessons, the calendar and timetable give {has}",
                    f"第{slot.week}周（{slot.first}至{slot.last}）：计划记 {names.klass(class_id)} 有 {slot.available.get(class_id)} "
                    f"课时，按校历和课表应为 {has} 课时")
            if slot.planned > has:
                add("short", f"week {slot.week} ({slot.first}–{slot.last}): {names.klass(class_id)} has {has} lessons, "
                    f"the pace needs {slot.planned}: {slot.planned - has} short",
                    f"第{slot.week}周（{slot.first}至{slot.last}）：{names.klass(class_id)} 只有 {has} 课时，进度需要 "
                    f"{slot.planned} 课时，缺 {slot.planned - has} 课时")
        if sum(n for _, n in slot.items) != slot.planned or any(n <= 0 for _, n in slot.items):
            add("items", f"week {slot.week}: the units taught do not add up to the {slot.planned} lessons planned",
                f"第{slot.week}周：所列内容的课时之和不等于计划的 {slot.planned} 课时")
    found += _order(add, rows, slots)
    return found


def _order(add, rows: list[PacingRow], slots: list) -> list[Violation]:  # type: ignore[no-untyped-def]
    """Taught in order, every lesson once; each assessment after the rows before it and before those after it."""
    taught: list[tuple[int, int]] = []  # (seq, lessons) runs in teaching order, with the slot index
    where_taught: dict[int, list[int]] = defaultdict(list)
    for index, slot in enumerate(slots):
        for seq, lessons in slot.items:
            if taught and taught[-1][0] == seq:
                taught[-1] = (seq, taught[-1][1] + lessons)
            else:
                taught.append((seq, lessons))
            where_taught[seq].append(index)
    expected = [(r.seq, r.lessons) for r in rows if r.kind != PacingKind.ASSESSMENT and r.lessons > 0]
    if taught != expected:
        add("order", "the units are not taught in the sequence's order with their lessons, each once",
            "各单元未按顺序、按课时各教一次")
        return []
    before: list[PacingRow] = []
    for row in rows:
        if row.kind != PacingKind.ASSESSMENT:
            before.append(row)
            continue
        if row.date is None:
            continue
        late = [r for r in before if any(slots[i].last >= row.date for i in where_taught[r.seq])]
        early = [r for r in rows if r.seq > row.seq and r.kind != PacingKind.ASSESSMENT
                 and any(slots[i].first <= row.date for i in where_taught[r.seq])]
        for other in late:
            add("assessment", f"{other.title} is still taught on or after {row.title} ({row.date}), which tests it",
                f"{other.title} 在测评“{row.title}”（{row.date}）当天或之后仍在教授，而该测评考查这部分内容")
        for other in early:
            add("assessment", f"{other.title} is taught before {row.title} ({row.date}), which comes before it in the "
                "sequence", f"{other.title} 在测评“{row.title}”（{row.date}）之前就开始教授，而它在教学顺序中排在测评之后")
    return []
