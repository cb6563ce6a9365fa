"""Change notices (调课/代课通知): one per school and one per teacher a change concerns, as HTML and XLSX.

Receives the plan (models.changes.ChangePlan) and the scenario; writes nothing but these files. Each row is
one lesson on one date: what happens to it, who teaches or supervises it now, and why that teacher.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from html import escape
from pathlib import Path
from typing import Any

from models.cells import csv_bytes, workbook_bytes, write_cell
from models.changes import KIND_NAMES, ChangePlan, Resolution
from models.scenario import Scenario
from reports.html import FONT_STACK

HEADER = ["日期", "星期", "节次", "时间", "学校", "班级", "学科", "原任课教师", "处理方式", "现任课/看班教师", "调课对象",
          "原因", "说明"]
WEEKDAYS = "一二三四五六日"
STYLE = f"""
body {{ font-family: {FONT_STACK}; margin: 16px; color: #000; }}
h1 {{ font-size: 18pt; margin: 0 0 4px; }}
p.subtitle {{ font-size: 10pt; color: #333; margin: 0 0 10px; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border: 1px solid #000; padding: 3px 4px; font-size: 10pt; vertical-align: top; }}
thead th {{ background: #d9e1f2; }}
tr.event td {{ color: #555; }}
tr.uncovered td {{ background: #f8cbad; }}
@media print {{ body {{ margin: 0; }} thead th, tr.uncovered td {{ print-color-adjust: exact; -webkit-print-color-adjust: exact; }} }}
"""


class Names:
    def __init__(self, scenario: Scenario, extra_teachers: dict[str, str] | None = None) -> None:
        self.scenario = scenario
        self.extra = extra_teachers or {}

    def teacher(self, teacher_id: str | None) -> str:
        if not teacher_id:
            return ""
        who = self.scenario.teacher_by_id.get(teacher_id)
        return who.name if who else self.extra.get(teacher_id, teacher_id)

    def school(self, school_id: str) -> str:
        school = self.scenario.school_by_id.get(school_id)
        return school.name if school else school_id

    def klass(self, class_id: str) -> str:
        klass = self.scenario.class_by_id.get(class_id)
        return f"{klass.label}班" if klass else class_id

    def subject(self, subject_id: str | None) -> str:
        if not subject_id:
            return ""
        subject = self.scenario.subject_by_id.get(subject_id)
        return subject.name if subject else subject_id


def _day(day: date) -> str:
    return f"周{WEEKDAYS[day.weekday()]}"


def _periods(r: Resolution) -> str:
    return f"第{r.period}节" if r.length == 1 else f"第{r.period}–{r.period + r.length - 1}节"


def row_of(r: Resolution, names: Names) -> list[str]:
    other = ""
    if r.kind == "swap" and r.swap_date is not None:
        other = (f"与{r.swap_date:%m-%d}{_day(r.swap_date)}第{r.swap_period}节{names.subject(r.swap_subject)}"
                 f"（{names.teacher(r.swap_teacher)}）对调")
    who = names.teacher(r.teacher)
    if r.receiving:
        other = (other + "；" if other else "") + "接收班级同步调整：" + "、".join(r.receiving)
    return [r.date.isoformat(), _day(r.date), _periods(r), r.start, names.school(r.school), names.klass(r.class_id),
            names.subject(r.subject), names.teacher(r.absent), KIND_NAMES[r.kind][1], who, other, r.cause,
            "；".join(zh for _en, zh in r.reasons)]


def concerned(r: Resolution) -> set[str]:
    """The teachers a resolution concerns (their notice lists it)."""
    found = {r.absent}
    for teacher in (r.teacher, r.swap_teacher):
        if teacher:
            found.add(teacher)
    return found


def _page(title: str, subtitle: str, rows: list[tuple[str, list[str]]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in HEADER)
    body = "\n".join(f'<tr class="{kind}">' + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>"
                     for kind, row in rows)
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            f"<h1>{escape(title)}</h1>\n<p class=\"subtitle\">{escape(subtitle)}</p>\n"
            f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>\n</body>\n</html>\n")


def _workbook(title: str, rows: list[list[str]]) -> bytes:
    def fill(book: Any) -> None:
        sheet = book.add_worksheet("调课代课通知")
        bold, wrapped = book.add_format({"bold": True}), book.add_format({"text_wrap": True, "valign": "top"})
        write_cell(sheet, 0, 0, title, book.add_format({"bold": True, "font_size": 14}))
        for col, text in enumerate(HEADER):
            write_cell(sheet, 1, col, text, bold)
        for r, row in enumerate(rows, start=2):
            for col, text in enumerate(row):
                write_cell(sheet, r, col, text, wrapped if col == len(row) - 1 else None)
        for col, width in enumerate([11, 6, 10, 12, 14, 8, 10, 10, 12, 12, 28, 14, 60]):
            sheet.set_column(col, col, width)

    return workbook_bytes(fill)


def write_notices(scenario: Scenario, plan: ChangePlan, folder: Path, extra_teachers: dict[str, str] | None = None,
                  teachers_too: bool = True) -> list[Path]:
    """notices/<school>.html and .xlsx, notices/teachers/<teacher id>.html and .xlsx, and changes.csv with
    every row; returns the paths written (sorted)."""
    names = Names(scenario, extra_teachers)
    ordered = sorted(plan.resolutions, key=lambda r: (r.date, r.school, r.class_id, r.period, r.key))
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    all_rows = [row_of(r, names) for r in ordered]
    path = folder / "changes.csv"
    path.write_bytes(csv_bytes([HEADER] + all_rows))
    written.append(path)
    by_school: dict[str, list[Resolution]] = defaultdict(list)
    by_teacher: dict[str, list[Resolution]] = defaultdict(list)
    for r in ordered:
        by_school[r.school].append(r)
        # A sync lesson's receiving classes follow it: their schools are told too.
        for school in sorted({scenario.class_by_id[c].school for c in r.receiving if c in scenario.class_by_id} - {r.school}):
            by_school[school].append(r)
        if r.kind != "event":
            for teacher in concerned(r):
                by_teacher[teacher].append(r)
    notices = folder / "notices"
    notices.mkdir(exist_ok=True)
    span = f"{ordered[0].date} 至 {ordered[-1].date}" if ordered else ""
    for school, items in sorted(by_school.items()):
        title = f"{names.school(school)} 调课/代课通知"
        rows = [(r.kind, row_of(r, names)) for r in items]
        counts = defaultdict(int)
        for r in items:
            counts[KIND_NAMES[r.kind][1]] += 1
        subtitle = f"{scenario.district} · {span} · " + "，".join(f"{k} {v} 节" for k, v in sorted(counts.items()))
        for suffix, data in ((".html", _page(title, subtitle, rows).encode("utf-8")),
                             (".xlsx", _workbook(title, [row for _k, row in rows]))):
            path = notices / f"{names.school(school)}{suffix}"
            path.write_bytes(data)
            written.append(path)
    if teachers_too:
        teachers = notices / "teachers"
        teachers.mkdir(exist_ok=True)
        for teacher, items in sorted(by_teacher.items()):
            title = f"{names.teacher(teacher)}老师（{teacher}）调课/代课通知"
            rows = [(r.kind, row_of(r, names)) for r in items]
            subtitle = f"{scenario.district} · {span} · 共 {len(items)} 节涉及您"
            for suffix, data in ((".html", _page(title, subtitle, rows).encode("utf-8")),
                                 (".xlsx", _workbook(title, [row for _k, row in rows]))):
                path = teachers / f"{teacher}{suffix}"
                path.write_bytes(data)
                written.append(path)
    return sorted(written)
