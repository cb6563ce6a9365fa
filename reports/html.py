"""Self-contained HTML timetables: one page per school (a grid per class, then per teacher, then per room), one A4
sheet per grid when printed, and an index page. No scripts, no external fonts, styles or images, so a
page opens and prints the same offline."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from models.scenario import Scenario
from reports.grid import Grid

FONT_STACK = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'

STYLE = """
@page { size: A4 landscape; margin: 10mm; }
* { box-sizing: border-box; }
body { font-family: FONTS; color: #000; background: #fff; margin: 16px; }
nav.toc { font-size: 10.5pt; line-height: 1.8; margin-bottom: 16px; padding-bottom: 8px; border-bottom: 1px solid #999; }
nav.toc a { margin-right: 0.8em; color: #1f4e79; text-decoration: none; white-space: nowrap; }
section.grid { break-after: page; page-break-after: always; break-inside: avoid; page-break-inside: avoid; margin-bottom: 32px; }
section.grid:last-of-type { break-after: auto; page-break-after: auto; }
h1 { font-size: 18pt; margin: 0 0 8px; }
h2 { font-size: 16pt; text-align: center; margin: 0 0 2px; }
p.subtitle { text-align: center; font-size: 10pt; margin: 0 0 8px; color: #333; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th, td { border: 1px solid #000; padding: 4px 3px; text-align: center; vertical-align: middle; }
thead th { background: #d9e1f2; font-size: 12pt; height: 2em; }
th.period { width: 4.5em; font-size: 10.5pt; }
th.times { width: 9em; font-size: 9.5pt; font-weight: normal; }
td { font-size: 11pt; line-height: 1.35; height: 3.6em; }
td .partner { font-size: 8.5pt; color: #333; }
td.sync { background: #fff2cc; }
td.sync .subject { font-weight: bold; }
tr.pm-start > th, tr.pm-start > td { border-top: 3px double #000; }
ul.notes { font-size: 9.5pt; margin: 6px 0 0; padding-left: 1.2em; }
@media print {
  body { margin: 0; }
  nav.toc, .screen-only { display: none; }
  section.grid { margin-bottom: 0; }
  /* Tighter in print, so nine periods of three-line cells still fit one landscape page. */
  h2 { font-size: 14pt; }
  p.subtitle { margin-bottom: 4px; }
  th, td { padding: 1px 2px; }
  thead th { font-size: 11pt; height: 1.6em; }
  th.period { width: 4em; }
  th.times { font-size: 8pt; width: 8em; }
  td { font-size: 10pt; line-height: 1.15; }
  tbody td, tbody th { height: var(--print-row-height, 2.6em); }
  td .partner { font-size: 7pt; }
  ul.notes { font-size: 8.5pt; margin-top: 3px; }
  td.sync, thead th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
""".replace("FONTS", FONT_STACK)


def _head(title: str) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n")


def _cell_html(lines: tuple[str, ...]) -> str:
    parts = []
    for index, line in enumerate(lines):
        css = "subject" if index == 0 else ("partner" if index >= 2 else "who")
        parts.append(f'<span class="{css}">{escape(line)}</span>')
    return "<br>".join(parts)


PRINT_BODY_MM = 150  # of the 190 mm a landscape A4 page holds inside its margins, left for the period rows
NOTE_MM = 5


def print_row_height_mm(grid: Grid) -> int:
    """Height of a period row in print, so a grid with few periods fills its page; rows with more text
    than this grow, and the budget leaves room for that."""
    budget = PRINT_BODY_MM - NOTE_MM * len(grid.notes)
    return max(8, min(28, budget // max(1, len(grid.rows))))


def grid_html(grid: Grid, anchor: str) -> str:
    """One grid as a printable ``<section>``: title, subtitle, table and notes."""
    out = [f'<section class="grid" id="{escape(anchor)}" style="--print-row-height: {print_row_height_mm(grid)}mm">',
           f"<h2>{escape(grid.title)}</h2>",
           f'<p class="subtitle">{escape(grid.subtitle)}</p>' if grid.subtitle else "",
           "<table>",
           '<thead><tr><th class="period">节次</th><th class="times">时间</th>'
           + "".join(f"<th>{escape(day.zh)}</th>" for day in grid.days) + "</tr></thead>",
           "<tbody>"]
    for row in grid.rows:
        css = ' class="pm-start"' if row.afternoon_starts else ""
        times = escape(row.times).replace(" (", "<br>(")
        cells = [f'<tr{css}><th class="period">{escape(row.label)}</th><th class="times">{times}</th>']
        for day in grid.days:
            slot = (day, row.period)
            if slot in grid.covered:
                continue
            content = grid.cells.get(slot)
            if content is None:
                cells.append("<td></td>")
                continue
            attrs = ' class="sync"' if content.sync else ""
            if content.span > 1:
                attrs += f' rowspan="{content.span}"'
            cells.append(f"<td{attrs}>{_cell_html(content.lines)}</td>")
        out.append("".join(cells) + "</tr>")
    out += ["</tbody>", "</table>"]
    if grid.notes:
        out.append('<ul class="notes">' + "".join(f"<li>{escape(n)}</li>" for n in grid.notes) + "</ul>")
    out.append("</section>")
    return "\n".join(x for x in out if x) + "\n"


def school_page(scenario: Scenario, school_id: str, grids: list[Grid]) -> str:
    """The school's page: a table of contents (screen only) and every grid, one printed page each."""
    school = scenario.school_by_id[school_id]
    title = f"{school.name} 课程表"
    anchors = [f"{grid.kind}-{index}" for index, grid in enumerate(grids, start=1)]
    links = []
    for label, kind in (("班级", "class"), ("教师", "teacher"), ("教室", "room")):
        items = [f'<a href="#{a}">{escape(g.name)}</a>' for g, a in zip(grids, anchors) if g.kind == kind]
        if items:
            links.append(f"<div><strong>{label}：</strong>{''.join(items)}</div>")
    nav = (f'<nav class="toc"><h1>{escape(title)}</h1>' + "".join(links)
           + '<div><a href="index.html">← 全部学校</a></div></nav>\n')
    body = "".join(grid_html(g, a) for g, a in zip(grids, anchors))
    return _head(title) + "<body>\n" + nav + body + "</body>\n</html>\n"


def index_page(scenario: Scenario, pages: dict[str, str]) -> str:
    """Links to every school's page (``pages``: school id -> file name), grouped by consortium."""
    title = f"{scenario.district} 课程表"
    out = [f"<h1>{escape(title)}</h1>"]
    if scenario.term.name:
        out.append(f"<p>{escape(scenario.term.name)}</p>")
    for consortium in sorted(scenario.consortia, key=lambda c: c.id):
        schools = sorted((s for s in scenario.schools if s.consortium == consortium.id and s.id in pages),
                         key=lambda s: s.id)
        if not schools:
            continue
        out.append(f"<h2 style=\"text-align:left\">{escape(consortium.name)}</h2><ul>")
        out += [f'<li><a href="{escape(quote(pages[s.id]))}">{escape(s.name)}</a></li>' for s in schools]
        out.append("</ul>")
    out.append('<p class="screen-only">同步课堂一张表：<a href="../sync_table.xlsx">sync_table.xlsx</a>'
               ' · <a href="../sync_table.csv">sync_table.csv</a></p>')
    return _head(title) + "<body>\n" + "\n".join(out) + "\n</body>\n</html>\n"
