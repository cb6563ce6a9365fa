"""Flat tables of a solution for Excel: every lesson, the consortium sync table (同步课堂“一张表”) and the
research blocks. CSV is written with a BOM (utf-8-sig) and CRLF so Excel on Chinese Windows opens it."""

from __future__ import annotations

from pathlib import Path

from models.cells import csv_bytes as table_csv
from models.scenario import Scenario
from models.solution import LessonPlacement, Solution
from reports.labels import (
    MODE_ZH,
    ROLE_ZH,
    class_with_school,
    clock_range,
    periods_text,
    school_name,
    season_variants,
    subject_name,
    teacher_name,
    times_text,
    window,
)
from reports.sync import SyncOccurrence, sync_occurrences

LESSON_HEADER = ["学校编号", "学校", "班级编号", "班级", "年级", "学科", "教师编号", "教师", "星期", "节次", "节数",
                 "时间", "季节作息时间", "同步编号", "同步角色", "教室"]
SYNC_HEADER = ["共同体", "星期", "节次（主讲校）", "时间（主讲校）", "学科", "主讲教师", "主讲班级", "接收班级",
               "接收校时间（与主讲校不同时）", "形式", "同步编号"]
RESEARCH_HEADER = ["教研活动编号", "教研活动", "星期", "时间", "形式", "主办学校", "教师"]


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    """CSV text with a BOM and CRLF line ends; formula-like text is neutralised (models.cells)."""
    return table_csv([header] + rows)


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    path.write_bytes(csv_bytes(header, rows))
    return path


def _season_times(scenario: Scenario, lesson: LessonPlacement) -> str:
    variants = season_variants(scenario.bells_of(lesson.school), lesson.period, lesson.length)
    return "；".join(f"{name} {span}" for name, span in variants)


def lesson_rows(scenario: Scenario, solution: Solution) -> list[list[str]]:
    """One row per placed lesson, sorted by school, class, weekday and period."""
    rows = []
    days = scenario.explicit.days if scenario.explicit is not None else ()
    for lesson in sorted(solution.lessons, key=lambda l: (l.school, l.class_id, l.day.index if l.fet_day is None else l.fet_day,
                                                          l.period, l.key)):
        klass = scenario.class_by_id.get(lesson.class_id)
        span = window(scenario.bells_of(lesson.school).periods, lesson.period, lesson.length)
        rows.append([
            lesson.school, school_name(scenario, lesson.school), lesson.class_id,
            klass.label if klass else lesson.class_id, str(klass.grade) if klass else "",
            subject_name(scenario, lesson.subject), lesson.teacher, teacher_name(scenario, lesson.teacher),
            # An imported FET file's day is its own label (a file may have more than 7 days).
            days[lesson.fet_day] if lesson.fet_day is not None and lesson.fet_day < len(days) else lesson.day.zh,
            str(lesson.period), str(lesson.length), clock_range(*span) if span else "",
            _season_times(scenario, lesson), lesson.sync or "", ROLE_ZH.get(lesson.sync_role or "", lesson.sync_role or ""),
            (lesson.room or "") + (f" ({', '.join(lesson.real_rooms)})" if lesson.real_rooms else ""),
        ])
    return rows


def _teacher_text(scenario: Scenario, lesson: LessonPlacement) -> str:
    """The teacher's name, with their home school when it is not the teaching school."""
    teacher = scenario.teacher_by_id.get(lesson.teacher)
    name = teacher_name(scenario, lesson.teacher)
    if teacher is not None and teacher.school != lesson.school:
        return f"{name}（{school_name(scenario, teacher.school)}）"
    return name


def _receiving_times(scenario: Scenario, occurrence: SyncOccurrence) -> list[str]:
    """Clock times at receiving schools whose lesson is not at the teaching school's clock times."""
    own = times_text(scenario.bells_of(occurrence.teaching.school), occurrence.teaching.period,
                     occurrence.teaching.length)
    notes = []
    for class_id, lesson in occurrence.receiving:
        if lesson is None:
            notes.append(f"{class_with_school(scenario, class_id)}：未排入课表")
            continue
        theirs = times_text(scenario.bells_of(lesson.school), lesson.period, lesson.length)
        if theirs != own:
            notes.append(f"{class_with_school(scenario, class_id)}：{periods_text(lesson.period, lesson.length)} {theirs}")
    return notes


def sync_rows(scenario: Scenario, solution: Solution, separator: str = "；") -> list[list[str]]:
    """The sync table: one row per synchronized occurrence, by consortium, weekday and clock time."""
    rows = []
    for occurrence in sync_occurrences(scenario, solution):
        lesson = occurrence.teaching
        consortium = scenario.consortium_by_id.get(occurrence.consortium)
        rows.append([
            consortium.name if consortium else occurrence.consortium, lesson.day.zh,
            periods_text(lesson.period, lesson.length),
            times_text(scenario.bells_of(lesson.school), lesson.period, lesson.length),
            subject_name(scenario, lesson.subject), _teacher_text(scenario, lesson),
            class_with_school(scenario, lesson.class_id),
            separator.join(class_with_school(scenario, c) for c, _ in occurrence.receiving),
            separator.join(_receiving_times(scenario, occurrence)),
            MODE_ZH.get(occurrence.group.mode, occurrence.group.mode.value), occurrence.group.id,
        ])
    return rows


def research_rows(scenario: Scenario, solution: Solution) -> list[list[str]]:
    """One row per research block meeting, by block, weekday and start time."""
    blocks = {b.id: b for b in scenario.research_blocks}
    rows = []
    for placed in sorted(solution.research, key=lambda r: (r.block, r.day.index, r.start_minute)):
        block = blocks.get(placed.block)
        teachers = sorted(placed.teachers, key=lambda t: (teacher_name(scenario, t), t))
        rows.append([
            placed.block, block.name if block else placed.block, placed.day.zh,
            clock_range(placed.start_minute, placed.end_minute), MODE_ZH.get(block.mode, "") if block else "",
            school_name(scenario, placed.host) if placed.host else "",
            "、".join(teacher_name(scenario, t) for t in teachers),
        ])
    return rows
