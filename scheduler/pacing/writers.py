"""Writers of the pacing calendar (教学进度表), into ``OUT/pacing/``:

* ``pacing_<consortium>.xlsx`` — one sheet per grade and subject: a row per unit, review and assessment,
  one column per school week headed by its teaching dates, the lessons of each unit in each week, then
  the lessons planned, the least any class has, and the spare (机动); and a sheet 班级课时 with every
  class's planned / available lessons per week;
* ``pacing_<consortium>.html`` — the same tables on one page (prints one table per page), and
  ``index.html`` linking the consortia;
* ``classes.csv`` — per class, subject and week: lessons available, planned, spare (UTF-8 with BOM);
* ``shortfalls.csv`` — when some class cannot keep the pace: class, week, lessons needed and available,
  and the fixes suggested;
* ``plan.json`` — read back by ``tongbu verify`` and by the feeds.

Deterministic: sorted rows, no clock stamps (the XLSX gets fixed time stamps).
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from pathlib import Path

from models.cells import csv_bytes
from models.enums import PacingKind
from models.files import write_workbook
from models.pacing import PLAN_FILE, PacingGroup, PacingPlan, plan_json
from models.scenario import Scenario
from models.term import TeachingDay

KIND_ZH = {PacingKind.UNIT: "单元", PacingKind.REVIEW: "复习", PacingKind.ASSESSMENT: "测评"}


def safe_file_part(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in text)


def _md(day: date) -> str:
    return f"{day.month}/{day.day}"


class WeekLabels:
    """第N周 and the teaching dates of each week (make-up days included, holidays left out)."""

    def __init__(self, days: list[TeachingDay], week_of: Callable[[date], int]) -> None:
        self.week_of = week_of
        self.dates: dict[int, list[date]] = defaultdict(list)
        for day in days:
            self.dates[week_of(day.date)].append(day.date)

    def label(self, week: int) -> str:
        dates = self.dates.get(week)
        if not dates:
            return f"第{week}周（无课）"
        return f"第{week}周 {_md(dates[0])}–{_md(dates[-1])}" if len(dates) > 1 else f"第{week}周 {_md(dates[0])}"


def group_title(plan_group: PacingGroup) -> str:
    return f"{plan_group.grade}年级{plan_group.subject}"


def weeks_of(group: PacingGroup) -> list[int]:
    return sorted({s.week for s in group.slots})


def progress_rows(group: PacingGroup, labels: WeekLabels) -> list[list[str]]:
    """The 教学进度表 of one group: a row per unit/review/assessment, a column per week."""
    weeks = weeks_of(group)
    header = ["序号", "类型", "内容", "课时"] + [labels.label(w) for w in weeks]
    per: dict[tuple[int, int], int] = defaultdict(int)
    planned: dict[int, int] = defaultdict(int)
    least: dict[int, int] = defaultdict(int)
    for slot in group.slots:
        planned[slot.week] += slot.planned
        least[slot.week] += slot.least
        for seq, n in slot.items:
            per[(seq, slot.week)] += n
    rows = [header]
    for item in group.items:
        cells = []
        for week in weeks:
            if item.kind == PacingKind.ASSESSMENT:
                hit = item.date is not None and labels.week_of(item.date) == week
                cells.append(f"▲{_md(item.date)}" if hit and item.date else "")
            else:
                cells.append(str(per[(item.seq, week)]) if per[(item.seq, week)] else "")
        rows.append([str(item.seq), KIND_ZH[item.kind], item.title, str(item.lessons) if item.teaches else ""] + cells)
    rows.append(["", "", "本周计划课时", ""] + [str(planned[w]) for w in weeks])
    rows.append(["", "", "各班最少可用课时", ""] + [str(least[w]) for w in weeks])
    rows.append(["", "", "机动课时（最少的班）", ""] + [str(least[w] - planned[w]) for w in weeks])
    return rows


def class_rows(plan: PacingPlan, consortium: str, labels: WeekLabels, names: dict[str, str]) -> list[list[str]]:
    """班级课时: every class of the consortium, per paced subject: planned / available lessons per week."""
    groups = [g for g in plan.groups if g.consortium == consortium]
    weeks = sorted({w for g in groups for w in weeks_of(g)})
    rows = [["班级", "学科", "合计（计划/可用）"] + [labels.label(w) for w in weeks]]
    for group in sorted(groups, key=lambda g: (g.grade, g.subject)):
        for class_id in group.classes:
            planned: dict[int, int] = defaultdict(int)
            has: dict[int, int] = defaultdict(int)
            for slot in group.slots:
                planned[slot.week] += slot.planned
                has[slot.week] += slot.available.get(class_id, 0)
            cells = [f"{planned[w]}/{has[w]}" + (" 缺" if planned[w] > has[w] else "") for w in weeks]
            rows.append([names.get(class_id, class_id), group.subject,
                         f"{sum(planned.values())}/{sum(has.values())}"] + cells)
    return rows


def classes_csv_rows(plan: PacingPlan, names: dict[str, str]) -> list[list[str]]:
    rows = [["共同体", "班级", "编号", "年级", "学科", "周次", "起", "止", "可用课时", "计划课时", "机动课时"]]
    for group in plan.groups:
        for class_id in group.classes:
            for slot in group.slots:
                has = slot.available.get(class_id, 0)
                rows.append([group.consortium, names.get(class_id, class_id), class_id, str(group.grade), group.subject,
                             str(slot.week), slot.first.isoformat(), slot.last.isoformat(), str(has), str(slot.planned),
                             str(has - slot.planned)])
    return rows


def shortfall_rows(plan: PacingPlan, names: dict[str, str]) -> list[list[str]]:
    rows = [["共同体", "年级", "学科", "班级", "周次", "起", "止", "需要课时", "可用课时", "缺", "建议"]]
    for group in plan.groups:
        for short in group.shortfalls:
            rows.append([group.consortium, str(group.grade), group.subject, names.get(short.class_id, short.class_id),
                         str(short.week), short.first.isoformat(), short.last.isoformat(), str(short.needed),
                         str(short.available), str(short.short), "；".join(f.zh for f in short.fixes) or "—"])
    return rows


STYLE = ("body{font-family:\"Noto Sans CJK SC\",\"Microsoft YaHei\",sans-serif;margin:1.5em}"
         "table{border-collapse:collapse;margin-bottom:1.5em}td,th{border:1px solid #999;padding:2px 5px;"
         "font-size:12px;text-align:center;white-space:nowrap}th{background:#eee;white-space:normal}td.title{text-align:left}"
         "tr.sum td{background:#f6f6f6}td.test{background:#fde9d9;font-weight:bold}td.short{background:#f4cccc}"
         "section{page-break-after:always}@page{size:A4 landscape;margin:8mm}")


def _html_table(rows: list[list[str]], title_column: int = 2) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in rows[0])
    body = []
    for row in rows[1:]:
        total = row[0] == "" and row[1] == ""
        cells = []
        for i, cell in enumerate(row):
            css = "title" if i == title_column else ("test" if cell.startswith("▲") else ("short" if cell.endswith("缺") else ""))
            cells.append(f"<td class=\"{css}\">{html.escape(cell)}</td>" if css else f"<td>{html.escape(cell)}</td>")
        body.append(("<tr class=\"sum\">" if total else "<tr>") + "".join(cells) + "</tr>")
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(body) + "\n</tbody>\n</table>"


def consortium_page(plan: PacingPlan, consortium: str, labels: WeekLabels, names: dict[str, str]) -> str:
    title = f"{names.get(consortium, consortium)} 教学进度表 · {plan.term}"
    parts = [f"<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>{html.escape(title)}</title>"
             f"\n<style>{STYLE}</style>\n</head>\n<body>", f"<h1>{html.escape(title)}</h1>",
             "<p>数字为该周教授该内容的课时；▲为统一测评日期；“各班最少可用课时”为该周课表与校历下课时最少的班级的课时数，"
             "本共同体同年级各班按同一进度教学。</p>"]
    for group in sorted((g for g in plan.groups if g.consortium == consortium), key=lambda g: (g.grade, g.subject)):
        tests = [r for r in group.items if r.kind == PacingKind.ASSESSMENT and r.date is not None]
        scope = "无" if not tests else ("全县统一" if group.county_wide else "本共同体统一") + "，" + "、".join(
            f"{r.title} {_md(r.date)}" for r in tests if r.date is not None)
        parts.append(f"<section>\n<h2>{html.escape(group_title(group))}（{html.escape(group.textbook or group.subject)}）</h2>")
        parts.append(f"<p>{len(group.classes)} 个班：{html.escape('、'.join(names.get(c, c) for c in group.classes))}；"
                     f"测评：{scope}</p>")
        parts.append(_html_table(progress_rows(group, labels)))
        parts.append("</section>")
    parts.append("<section>\n<h2>班级课时（计划/可用）</h2>")
    parts.append(_html_table(class_rows(plan, consortium, labels, names), title_column=0))
    parts.append("</section>\n</body>\n</html>\n")
    return "\n".join(parts)


def index_page(plan: PacingPlan, files: list[tuple[str, str]]) -> str:
    title = f"{plan.district} 教学进度表 · {plan.term}"
    links = "\n".join(f"<li><a href=\"{html.escape(f)}\">{html.escape(n)}</a></li>" for n, f in files)
    state = "各班均可按进度教学" if plan.ok else "有班级跟不上进度，见 shortfalls.csv"
    return (f"<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>{html.escape(title)}</title>\n"
            f"<style>{STYLE}</style>\n</head>\n<body>\n<h1>{html.escape(title)}</h1>\n<p>{state}</p>\n<ul>\n{links}\n</ul>\n"
            "</body>\n</html>\n")


def display_names(scenario: Scenario) -> dict[str, str]:
    names = {c.id: f"{scenario.school_by_id[c.school].name} {c.label}班" for c in scenario.classes}
    names |= {c.id: c.name for c in scenario.consortia}
    return names


def write_pacing_outputs(scenario: Scenario, plan: PacingPlan, out_dir: Path | str) -> list[Path]:
    """Every pacing output into ``out_dir`` (usually OUT/pacing); returns the files written, sorted.

    A plan that is not ok writes only shortfalls.csv (and the tables, marked), never plan.json: what
    is published as the consortium's pace is always a plan every class can keep."""
    from models.term import teaching_days, week_of_term

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    names = display_names(scenario)
    labels = WeekLabels(teaching_days(scenario), lambda d: week_of_term(scenario.term, d))
    written: list[Path] = []

    def put(name: str, data: bytes) -> None:
        (out / name).write_bytes(data)
        written.append(out / name)

    files = []
    for consortium in sorted({g.consortium for g in plan.groups}):
        part = safe_file_part(consortium)
        sheets = {group_title(g): progress_rows(g, labels)
                  for g in sorted((g for g in plan.groups if g.consortium == consortium), key=lambda g: (g.grade, g.subject))}
        sheets["班级课时"] = class_rows(plan, consortium, labels, names)
        write_workbook(sheets, out / f"pacing_{part}.xlsx")
        written.append(out / f"pacing_{part}.xlsx")
        put(f"pacing_{part}.html", consortium_page(plan, consortium, labels, names).encode("utf-8"))
        files.append((names.get(consortium, consortium), f"pacing_{part}.html"))
    put("index.html", index_page(plan, files).encode("utf-8"))
    put("classes.csv", csv_bytes(classes_csv_rows(plan, names)))
    if plan.ok:
        put(PLAN_FILE, plan_json(plan).encode("utf-8"))
    else:
        put("shortfalls.csv", csv_bytes(shortfall_rows(plan, names)))
    return sorted(written)
