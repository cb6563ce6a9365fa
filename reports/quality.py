"""The timetable quality report a principal reads (课表质量报告), written with every solve.

Per consortium, school, class and teacher: holes (free periods between two lessons of a class's day),
late starts (class-days beginning after period 1), core subjects' share in the morning, subjects
repeated in a day (a double counts once), teacher gaps (idle periods between a teacher's lessons of a
day, 空堂), wishes met (lessons in a teacher's avoided or outside their preferred times), and each
soft family's penalty as the solver counted it. ``quality.json`` carries the figures;
``tongbu verify`` recounts them with its own code (constraints/checks/quality.py) and fails when the
two disagree. ``quality.html`` and ``quality.xlsx`` show them.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from datetime import datetime
from html import escape
from pathlib import Path

from models.scenario import Scenario
from models.solution import Solution
from reports.workbook import save_workbook, table_workbook

REPORT = "quality.json"


def idle_periods(taught: Collection[int]) -> int:
    """Free periods between the first and the last taught one (a class's holes, a teacher's gaps); the report's
    one count of them (``tongbu verify`` recounts with its own, constraints/checks/_common.py)."""
    return max(taught) - min(taught) + 1 - len(set(taught)) if taught else 0


@dataclass
class Figures:
    """One row of the report: a class, teacher, school, consortium or the county."""

    name: str
    classes: int = 0
    class_days: int = 0
    holes: int = 0
    late_starts: int = 0
    core_lessons: int = 0
    core_morning: int = 0
    repeats: int = 0
    teacher_days: int = 0
    teacher_gaps: int = 0
    wishes_missed: int = 0

    def add(self, other: Figures) -> None:
        for key, value in asdict(other).items():
            if key != "name":
                setattr(self, key, getattr(self, key) + value)

    @property
    def core_morning_share(self) -> float | None:
        return None if not self.core_lessons else self.core_morning / self.core_lessons

    @property
    def gaps_per_teacher_day(self) -> float | None:
        return None if not self.teacher_days else self.teacher_gaps / self.teacher_days


@dataclass
class QualityReport:
    county: Figures
    consortia: list[Figures] = field(default_factory=list)
    schools: list[Figures] = field(default_factory=list)
    classes: list[Figures] = field(default_factory=list)
    teachers: list[Figures] = field(default_factory=list)
    penalties: dict[str, int] = field(default_factory=dict)
    objective: float | None = None
    bound: float | None = None


def _class_figures(scenario: Scenario, solution: Solution) -> dict[str, Figures]:
    by_day: dict[tuple[str, str], list] = defaultdict(list)
    for lesson in solution.lessons:
        by_day[(lesson.class_id, lesson.day.value)].append(lesson)
    found = {}
    for klass in scenario.classes:
        figures = Figures(name=klass.id, classes=1)
        halves = [p.is_morning for p in scenario.bells_of(klass.school).periods]
        core = scenario.quality.core(scenario.subjects, klass.grade)
        for day in scenario.bells_of(klass.school).days:
            lessons = by_day.get((klass.id, day.value), [])
            taught = sorted({p for x in lessons for p in range(x.period, x.period + x.length)})
            if not taught:
                continue
            figures.class_days += 1
            figures.holes += idle_periods(taught)
            figures.late_starts += taught[0] > 1
            subjects = [x.subject for x in lessons]
            figures.repeats += sum(1 for s in set(subjects) if subjects.count(s) > 1)
            for x in lessons:
                if x.subject in core:
                    for p in range(x.period, x.period + x.length):
                        figures.core_lessons += 1
                        figures.core_morning += halves[p - 1]
        found[klass.id] = figures
    return found


def _teacher_figures(scenario: Scenario, solution: Solution) -> dict[str, Figures]:
    periods: dict[tuple[str, str], set[int]] = defaultdict(set)
    missed: dict[str, int] = defaultdict(int)
    for lesson in solution.lessons:
        if lesson.sync_role == "receiving":
            continue
        periods[(lesson.teacher, lesson.day.value)].update(range(lesson.period, lesson.period + lesson.length))
        person = scenario.teacher_by_id.get(lesson.teacher)
        if person is not None:
            for p in range(lesson.period, lesson.period + lesson.length):
                missed[person.id] += any(r.covers(lesson.day, p) for r in person.avoided)
                missed[person.id] += bool(person.preferred) and not any(r.covers(lesson.day, p) for r in person.preferred)
    found: dict[str, Figures] = {}
    for (teacher, _day), taught in periods.items():
        figures = found.setdefault(teacher, Figures(name=teacher))
        figures.teacher_days += 1
        figures.teacher_gaps += idle_periods(taught)
    for teacher, count in missed.items():
        found.setdefault(teacher, Figures(name=teacher)).wishes_missed += count
    return found


def quality_report(scenario: Scenario, solution: Solution, penalties: dict[str, int] | None = None,
                   objective: float | None = None, bound: float | None = None) -> QualityReport:
    classes = _class_figures(scenario, solution)
    teachers = _teacher_figures(scenario, solution)
    schools = {s.id: Figures(name=s.id) for s in scenario.schools}
    for klass in scenario.classes:
        schools[klass.school].add(classes[klass.id])
    for teacher_id, figures in teachers.items():
        person = scenario.teacher_by_id.get(teacher_id)
        if person is not None and person.school in schools:
            schools[person.school].add(figures)
    consortia = {c.id: Figures(name=c.id) for c in scenario.consortia}
    for school in scenario.schools:
        if school.consortium in consortia:
            consortia[school.consortium].add(schools[school.id])
    county = Figures(name=scenario.district)
    for figures in schools.values():
        county.add(figures)
    return QualityReport(county=county, consortia=sorted(consortia.values(), key=lambda f: f.name),
                         schools=sorted(schools.values(), key=lambda f: f.name),
                         classes=sorted(classes.values(), key=lambda f: f.name),
                         teachers=sorted(teachers.values(), key=lambda f: f.name),
                         penalties=dict(sorted((penalties or {}).items())), objective=objective, bound=bound)


def report_json(report: QualityReport) -> str:
    return json.dumps(asdict(report), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


HEADER = ["名称", "班级", "班级日", "空节（班级）", "迟开课（班级日）", "主科节数", "主科在上午", "主科上午占比", "同日重复学科",
          "教师日", "教师空堂", "每教师日空堂", "未满足意愿"]


def _names(scenario: Scenario) -> dict[str, dict[str, str]]:
    return {"school": {s.id: s.name for s in scenario.schools}, "consortium": {c.id: c.name for c in scenario.consortia},
            "class": {c.id: f"{scenario.school_by_id[c.school].name} {c.label}" for c in scenario.classes},
            "teacher": {t.id: f"{t.name}（{t.id}）" for t in scenario.teachers}}


def _row(names: dict[str, str], figures: Figures) -> list[str]:
    share, gaps = figures.core_morning_share, figures.gaps_per_teacher_day
    return [names.get(figures.name, figures.name), str(figures.classes), str(figures.class_days), str(figures.holes),
            str(figures.late_starts), str(figures.core_lessons), str(figures.core_morning),
            "-" if share is None else f"{100 * share:.1f}%", str(figures.repeats), str(figures.teacher_days),
            str(figures.teacher_gaps), "-" if gaps is None else f"{gaps:.2f}", str(figures.wishes_missed)]


def report_rows(scenario: Scenario, report: QualityReport) -> list[list[str]]:
    names = _names(scenario)
    rows = [["全县"] + _row({}, report.county)[1:]]
    for kind, items in (("consortium", report.consortia), ("school", report.schools), ("class", report.classes),
                        ("teacher", report.teachers)):
        rows += [_row(names[kind], f) for f in items]
    return rows


def write_quality(scenario: Scenario, solution: Solution, folder: Path, stamp: datetime,
                  penalties: dict[str, int] | None = None, objective: float | None = None,
                  bound: float | None = None) -> list[Path]:
    """quality.json, quality.xlsx and quality.html under ``folder``."""
    report = quality_report(scenario, solution, penalties, objective, bound)
    json_path = folder / REPORT
    json_path.write_text(report_json(report), encoding="utf-8")
    rows = report_rows(scenario, report)
    title = f"{scenario.district} 课表质量报告" + (f"（{scenario.term.name}）" if scenario.term.name else "")
    book = table_workbook("课表质量", title, HEADER, rows, stamp)
    xlsx = save_workbook(book, folder / "quality.xlsx")
    html = folder / "quality.html"
    html.write_bytes(_page(title, rows, report).encode("utf-8"))
    return [json_path, xlsx, html]


def _page(title: str, rows: list[list[str]], report: QualityReport) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in HEADER)
    body = "\n".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    penalties = "".join(f"<li>{escape(k)}：{v}</li>" for k, v in report.penalties.items())
    bound = "" if report.bound is None else f"，下界 {report.bound:g}"
    objective = "" if report.objective is None else f"<p>目标值 {report.objective:g}{bound}</p>"
    return (f"<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{escape(title)}</title>"
            "<style>body{font-family:sans-serif;margin:16px}table{border-collapse:collapse}"
            "td,th{border:1px solid #999;padding:2px 6px;font-size:10pt}</style></head><body>"
            f"<h1>{escape(title)}</h1>{objective}<ul>{penalties}</ul><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table></body></html>\n")
