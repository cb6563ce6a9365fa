"""The quality report recounted, and the soft families' penalties recomputed, from the written solution.

``tongbu solve`` writes OUT/quality.json (reports/quality.py) with its figures and the penalty of each
soft family as the solver counted it. Here both are counted again from the scenario and the solution
alone, written from the definitions (docs/format.md, the families' docstrings), not from either side's
code: a report that says the wrong thing, or a soft family whose model does not mean what it says,
is a violation.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from constraints.checks import (
    Violation, class_day, core_morning, daily_balance, pe_slots, rules, spread, teacher_gaps, teacher_times,
)
from constraints.checks._common import idle_periods
from models import Scenario, Solution

#: The report's figures that are recounted here, per row.
FIGURES = ("classes", "class_days", "holes", "late_starts", "core_lessons", "core_morning", "repeats", "teacher_days",
           "teacher_gaps", "wishes_missed")
#: The soft families' recounts, in the order their penalties are listed.
SOFT = (core_morning, spread, teacher_gaps, daily_balance, teacher_times, class_day, pe_slots)


# -- the soft families, from their definitions ------------------------------------------------------------
def penalties(scenario: Scenario, solution: Solution) -> dict[str, int]:
    """Weighted penalty of each soft family (0 when its weight is 0; none when its rule is hard or off), each
    recounted by the family's own check module (constraints/checks/<family>.py).

    An imported file's timetable has one soft family, its weighted rules."""
    if scenario.explicit is not None:
        return rules.penalties(scenario, solution)
    found: dict[str, int] = {}
    for family in SOFT:
        found.update(family.penalties(scenario, solution))
    return found


def objective(scenario: Scenario, solution: Solution) -> int:
    return sum(penalties(scenario, solution).values())


# -- the report's figures, counted again ----------------------------------------------------------------
def _recount(scenario: Scenario, solution: Solution) -> dict[str, dict[str, int]]:
    """Figures of every class and teacher (by id), counted straight from the lessons."""
    rows: dict[str, dict[str, int]] = {}
    cells: dict[tuple[str, int], dict[int, str]] = defaultdict(dict)
    starts: dict[str, Counter[tuple[int, str]]] = defaultdict(Counter)
    for lesson in solution.lessons:
        for p in lesson.periods():
            cells[(lesson.class_id, lesson.day.index)][p] = lesson.subject
        starts[lesson.class_id][(lesson.day.index, lesson.subject)] += 1
    for klass in scenario.classes:
        row = dict.fromkeys(FIGURES, 0)
        row["classes"] = 1
        bells = scenario.bells_of(klass.school)
        core = scenario.quality.core(scenario.subjects, klass.grade)
        for day in bells.days:
            grid = cells.get((klass.id, day.index), {})
            if not grid:
                continue
            row["class_days"] += 1
            row["holes"] += idle_periods(grid)
            row["late_starts"] += min(grid) != 1
            for p, subject in grid.items():
                if subject in core:
                    row["core_lessons"] += 1
                    row["core_morning"] += bells.periods[p - 1].is_morning
        # A subject with more than one lesson (a double counts once) in a day.
        row["repeats"] = sum(1 for n in starts[klass.id].values() if n > 1)
        rows[klass.id] = row
    for teacher, row in _teacher_rows(scenario, solution).items():
        rows[teacher] = row
    return rows


def _teacher_rows(scenario: Scenario, solution: Solution) -> dict[str, dict[str, int]]:
    busy: dict[str, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    misses: Counter[str] = Counter()
    for lesson in solution.lessons:
        if lesson.sync_role == "receiving":
            continue
        busy[lesson.teacher][lesson.day.index].update(lesson.periods())
        person = scenario.teacher_by_id.get(lesson.teacher)
        for p in lesson.periods() if person is not None else ():
            if any(r.covers(lesson.day, p) for r in person.avoided):
                misses[lesson.teacher] += 1
            if person.preferred and not any(r.covers(lesson.day, p) for r in person.preferred):
                misses[lesson.teacher] += 1
    rows = {}
    for teacher, days in busy.items():
        row = dict.fromkeys(FIGURES, 0)
        row["teacher_days"] = len(days)
        row["teacher_gaps"] = sum(idle_periods(p) for p in days.values())
        row["wishes_missed"] = misses[teacher]
        rows[teacher] = row
    return rows


def check_report(scenario: Scenario, solution: Solution, report: dict) -> list[Violation]:
    """Where OUT/quality.json disagrees with the recount, and each soft family whose penalty as the solver
    counted it differs from its definition."""
    found: list[Violation] = []
    recount = _recount(scenario, solution)
    for row in list(report.get("classes", [])) + list(report.get("teachers", [])):
        mine = recount.get(row.get("name"), dict.fromkeys(FIGURES, 0))
        for key in FIGURES:
            if row.get(key, 0) != mine[key]:
                found.append(Violation("quality.report", str(row.get("name")),
                                       f"quality.json says {row.get('name')} has {key} {row.get(key)}, "
                                       f"the timetable has {mine[key]}",
                                       f"quality.json 中 {row.get('name')} 的 {key} 为 {row.get(key)}，"
                                       f"课表实际为 {mine[key]}"))
    county = report.get("county", {})
    for key in FIGURES:
        total = sum(recount[k][key] for k in recount if k in scenario.class_by_id or k in scenario.teacher_by_id)
        if county.get(key, 0) != total and key not in ("teacher_days", "teacher_gaps", "wishes_missed"):
            found.append(Violation("quality.report", "county", f"quality.json's county {key} is {county.get(key)}, "
                                   f"the timetable has {total}", f"quality.json 全县 {key} 为 {county.get(key)}，课表实际为 {total}"))
    solver = report.get("penalties", {})
    for family, value in penalties(scenario, solution).items():
        if family in solver and solver[family] != value:
            found.append(Violation("quality.penalty", family,
                                   f"the solver counted a penalty of {solver[family]} for {family}; by its definition "
                                   f"the timetable's is {value}",
                                   f"求解器计算的 {family} 惩罚为 {solver[family]}，按定义课表应为 {value}"))
    return found
