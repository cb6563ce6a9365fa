"""Writers of the activity calendar: CSV (Excel, with BOM), XLSX, one HTML page, fairness table, state.

``write_activity_outputs(plan, out_dir)`` writes into ``out_dir`` (usually ``OUT/activities``):

* ``calendar.csv`` — every activity of every consortium; ``calendar_<consortium id>.csv`` per consortium;
* ``fairness.csv`` — per rule and school: chairs and hosts this school year and in total;
* ``activities.xlsx`` — one sheet per consortium, plus 公平性 (fairness);
* ``activities.html`` — the same tables on one page;
* ``plan.json`` (read back by ``verify`` and ``draw``) and ``rotation_state.json`` (the next plan's
  ``--previous-state``).

Deterministic: sorted rows, no clock stamps (the XLSX gets a fixed creation date).
"""

from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path

from models.activity_plan import ActivityPlan, PlannedActivity, name_of, plan_json
from models.activity_rules import KINDS
from models.cells import csv_bytes as table_csv
from models.rotation import state_text

WEEKDAY_ZH = "一二三四五六日"
MODE_ZH = {"in_person": "线下", "online": "线上", "sync": "同步课堂", "remote": "专递课堂"}
CALENDAR_HEADER = ["日期", "星期", "时间", "共同体", "活动", "类别", "形式", "承办学校", "主持人", "授课教师", "授课班级",
                   "听课教师", "参加人数", "参加人员", "编号"]
FAIRNESS_HEADER = ["学年", "共同体", "规则", "活动", "学校", "校长", "本学年主持", "本学年承办", "累计主持", "累计承办"]


def _people(plan: ActivityPlan, ids: tuple[str, ...]) -> str:
    return "、".join(name_of(plan, "teacher", t) for t in ids)


def calendar_row(plan: ActivityPlan, a: PlannedActivity) -> list[str]:
    return [a.date.isoformat(), "周" + WEEKDAY_ZH[a.date.weekday()], a.time_label, name_of(plan, "consortium", a.consortium),
            a.name, KINDS.get(a.kind, a.kind), MODE_ZH.get(a.mode, a.mode), name_of(plan, "school", a.host) or "各校",
            name_of(plan, "teacher", a.chair), name_of(plan, "teacher", a.teacher), name_of(plan, "class", a.class_id),
            _people(plan, a.observers), str(len(a.everyone)), _people(plan, a.everyone), a.id]


def calendar_rows(plan: ActivityPlan, consortium: str | None = None) -> list[list[str]]:
    chosen = [a for a in plan.activities if consortium is None or a.consortium == consortium]
    return [CALENDAR_HEADER] + [calendar_row(plan, a) for a in sorted(chosen, key=lambda a: (a.date, a.start, a.id))]


def fairness_rows(plan: ActivityPlan) -> list[list[str]]:
    """Per rule with a chair or host rotation and per school: chairs and hosts this year and in total."""
    rows = [FAIRNESS_HEADER]
    state = plan.state_after
    chairs_by_school: dict[tuple[str, str], tuple[int, int]] = {}
    for rule in plan.rules:
        chair, host = state.rotation(f"{rule.id}|chair"), state.rotation(f"{rule.id}|host")
        if not (chair.total or host.total):
            continue
        schools = set(host.total) | set(host.round) | {s for s in _schools_of(plan, rule.consortium)}
        school_of_chair = {p: plan.names.get(f"school_of:{p}", "") for p in chair.total}
        for school in sorted(schools):
            chairs = [p for p in chair.total if school_of_chair.get(p) == school]
            chairs_by_school[(rule.id, school)] = (sum(chair.year.get(p, 0) for p in chairs),
                                                  sum(chair.total.get(p, 0) for p in chairs))
            rows.append([plan.school_year, name_of(plan, "consortium", rule.consortium), rule.id, rule.display_name,
                         name_of(plan, "school", school), _people(plan, tuple(sorted(chairs))),
                         str(chairs_by_school[(rule.id, school)][0]), str(host.year.get(school, 0)),
                         str(chairs_by_school[(rule.id, school)][1]), str(host.total.get(school, 0))])
    return rows


def _schools_of(plan: ActivityPlan, consortium: str) -> list[str]:
    return sorted(key.split(":", 2)[2] for key in plan.names if key.startswith(f"member:{consortium}:"))


def csv_bytes(rows: list[list[str]]) -> bytes:
    """CSV with a BOM and CRLF line ends (models.cells.csv_bytes)."""
    return table_csv(rows)


def write_xlsx(sheets: dict[str, list[list[str]]], path: Path) -> None:
    """Byte-identical across reruns: the shared writer fixes the zip and document time stamps."""
    from models.files import write_workbook

    write_workbook(sheets, path)


def _table(rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in rows[0])
    body = "\n".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows[1:])
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"


def html_page(plan: ActivityPlan) -> str:
    title = f"{plan.district} 教研共同体活动安排 · {plan.term}"
    parts = [f"<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>{html.escape(title)}</title>",
             "<style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse;margin-bottom:2em}"
             "td,th{border:1px solid #999;padding:3px 6px;font-size:13px;vertical-align:top}th{background:#eee}"
             "@media print{h2{page-break-before:always}}</style>\n</head>\n<body>",
             f"<h1>{html.escape(title)}</h1>", f"<p>学年：{html.escape(plan.school_year)}；状态：{html.escape(plan.status.name)}</p>"]
    for consortium in sorted({a.consortium for a in plan.activities}):
        parts.append(f"<h2>{html.escape(name_of(plan, 'consortium', consortium))}</h2>")
        rows = [row[:-2] for row in calendar_rows(plan, consortium)]
        parts.append(_table(rows))
    parts.append("<h2>轮值公平性（主持、承办次数）</h2>")
    parts.append(_table(fairness_rows(plan)))
    parts.append("</body>\n</html>\n")
    return "\n".join(parts)


def safe_file_part(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in text)


def write_activity_outputs(plan: ActivityPlan, out_dir: Path | str) -> list[Path]:
    """Write every activity output into ``out_dir``; returns the files written, sorted."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def put(name: str, data: bytes) -> None:
        path = out / name
        path.write_bytes(data)
        written.append(path)

    put("calendar.csv", csv_bytes(calendar_rows(plan)))
    consortia = sorted({a.consortium for a in plan.activities})
    sheets = {}
    for consortium in consortia:
        rows = calendar_rows(plan, consortium)
        put(f"calendar_{safe_file_part(consortium)}.csv", csv_bytes(rows))
        sheets[name_of(plan, "consortium", consortium)] = rows
    fairness = fairness_rows(plan)
    put("fairness.csv", csv_bytes(fairness))
    sheets["公平性"] = fairness
    write_xlsx(sheets, out / "activities.xlsx")
    written.append(out / "activities.xlsx")
    put("activities.html", html_page(plan).encode("utf-8"))
    put("plan.json", plan_json(plan).encode("utf-8"))
    put("rotation_state.json", state_text(plan.state_after).encode("utf-8"))
    return sorted(written)
