"""XLSX output: the school timetable workbooks and plain tables, saved byte-identically on every run.

openpyxl stamps a workbook with the time it was saved (docProps/core.xml) and its zip entries with the
current time; both are replaced by a stamp derived from the scenario (the term's first day).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from models.cells import safe_cell, workbook_bytes
from reports.grid import Grid

FONT_NAME = "宋体"  # present on every Chinese Windows; WPS and LibreOffice map it to a CJK font
SYNC_FILL = PatternFill("solid", start_color="FFF2CC", end_color="FFF2CC")
HEADER_FILL = PatternFill("solid", start_color="D9E1F2", end_color="D9E1F2")
THIN = Side(style="thin", color="000000")
THICK = Side(style="medium", color="000000")

_FORBIDDEN_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31


def sheet_title(name: str, taken: set[str], fallback: str) -> str:
    """A valid, unique sheet name: no ``[]:*?/\\``, no leading or trailing apostrophe, at most 31
    characters, compared case-insensitively as Excel does. ``taken`` is updated."""
    base = _FORBIDDEN_SHEET_CHARS.sub("_", name).strip().strip("'") or fallback
    base = base[:SHEET_NAME_MAX]
    candidate, n = base, 1
    while candidate.lower() in taken:
        n += 1
        suffix = f"~{n}"
        candidate = base[: SHEET_NAME_MAX - len(suffix)] + suffix
    taken.add(candidate.lower())
    return candidate


def _text_width(text: str) -> int:
    """Display width in Excel character units: CJK characters count double."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _print_setup(ws: Worksheet) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5


def _style(name: str, size: int, bold: bool = False, border: Border | None = None, fill: PatternFill | None = None,
           horizontal: str | None = "center", wrap: bool = True) -> NamedStyle:
    style = NamedStyle(name=name)
    style.font = Font(name=FONT_NAME, size=size, bold=bold)
    style.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=wrap)
    if border is not None:
        style.border = border
    if fill is not None:
        style.fill = fill
    return style


def _register_styles(wb: Workbook) -> None:
    """Named styles, registered once per workbook: a cell then takes its style by name, which is far
    cheaper than setting font, border and fill on each of thousands of cells."""
    box = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
    box_pm = Border(left=THIN, right=THIN, top=THICK, bottom=THIN)  # the first afternoon period
    styles = [
        # Titles are centred across the table's columns (Excel's and WPS's 跨列居中) rather than merged:
        # openpyxl's merge restyles every edge cell, which made large workbooks several times slower.
        _style("课表标题", 16, bold=True, horizontal="centerContinuous", wrap=False),
        _style("课表副标题", 10, horizontal="centerContinuous", wrap=False),
        _style("课表表头", 12, bold=True, border=box, fill=HEADER_FILL),
        _style("课表注释", 10, horizontal=None, wrap=False),
        _style("表格标题", 14, bold=True, horizontal=None, wrap=False),
        _style("表格表头", 11, bold=True, border=box, fill=HEADER_FILL),
        _style("表格内容", 10, border=box, horizontal=None),
    ]
    for suffix, border in (("", box), ("午", box_pm)):
        styles += [
            _style("课表节次" + suffix, 10, bold=True, border=border),
            _style("课表时间" + suffix, 10, border=border),
            _style("课表课程" + suffix, 11, border=border),
            _style("课表同步" + suffix, 11, bold=True, border=border, fill=SYNC_FILL),
        ]
    for style in styles:
        wb.add_named_style(style)


def write_grid_sheet(ws: Worksheet, grid: Grid) -> None:
    """Draw a grid: title and subtitle rows, a header (节次, 时间, 周一..), one row per period.
    The workbook must have the named styles of ``_register_styles``."""
    columns = 2 + len(grid.days)
    for col in range(1, columns + 1):
        ws.cell(row=1, column=col, value=safe_cell(grid.title) if col == 1 else None).style = "课表标题"
        ws.cell(row=2, column=col, value=safe_cell(grid.subtitle) if col == 1 else None).style = "课表副标题"
    ws.row_dimensions[1].height = 28

    header = ["节次", "时间"] + [day.zh for day in grid.days]
    for col, text in enumerate(header, start=1):
        ws.cell(row=3, column=col, value=safe_cell(text)).style = "课表表头"
    ws.row_dimensions[3].height = 22

    first_row = 4
    most_lines = 2
    for index, row in enumerate(grid.rows):
        r = first_row + index
        pm = "午" if row.afternoon_starts else ""
        ws.cell(row=r, column=1, value=safe_cell(row.label)).style = "课表节次" + pm
        times = safe_cell(row.times.replace(" (", "\n(")) if row.times else None
        ws.cell(row=r, column=2, value=times).style = "课表时间" + pm
        for day_index, day in enumerate(grid.days):
            content = grid.cells.get((day, row.period))
            cell = ws.cell(row=r, column=3 + day_index)
            if content is None:
                cell.style = "课表课程" + pm
                continue
            cell.value = safe_cell("\n".join(content.lines))
            cell.style = ("课表同步" if content.sync else "课表课程") + pm
            most_lines = max(most_lines, -(-len(content.lines) // content.span))
    # Merge after styling every cell, so the rows under a double keep their borders.
    for day_index, day in enumerate(grid.days):
        for row_index, row in enumerate(grid.rows):
            content = grid.cells.get((day, row.period))
            if content is not None and content.span > 1:
                r = first_row + row_index
                ws.merge_cells(start_row=r, start_column=3 + day_index, end_row=r + content.span - 1,
                               end_column=3 + day_index)
    for index in range(len(grid.rows)):
        ws.row_dimensions[first_row + index].height = max(36, 15 * most_lines + 6)

    note_row = first_row + len(grid.rows) + 1
    for offset, note in enumerate(grid.notes):
        ws.cell(row=note_row + offset, column=1, value=safe_cell(note)).style = "课表注释"

    widest_time = max([_text_width(part) for row in grid.rows for part in row.times.split(" (")] + [8])
    ws.column_dimensions["A"].width = 7
    ws.column_dimensions["B"].width = min(widest_time + 3, 30)
    widest_cell = max([_text_width(line) for c in grid.cells.values() for line in c.lines] + [10])
    for day_index in range(len(grid.days)):
        ws.column_dimensions[get_column_letter(3 + day_index)].width = min(widest_cell + 2, 40)
    ws.freeze_panes = "C4"
    ws.print_title_rows = "3:3"
    _print_setup(ws)


def grid_workbook(grids: list[Grid], stamp: datetime) -> Workbook:
    """A workbook with one sheet per grid, in the order given."""
    wb = Workbook()
    wb.remove(wb.active)
    _register_styles(wb)
    taken: set[str] = set()
    for index, grid in enumerate(grids, start=1):
        ws = wb.create_sheet(sheet_title(grid.name, taken, f"{grid.kind}{index}"))
        write_grid_sheet(ws, grid)
    _stamp(wb, stamp)
    return wb


def table_workbook(sheet_name: str, title: str, header: list[str], rows: list[list[str]], stamp: datetime,
                   widths: list[int] | None = None) -> Workbook:
    """A one-sheet workbook of a table: a title row, a header row with filters, wrapped cells."""
    wb = Workbook()
    _register_styles(wb)
    ws = wb.active
    ws.title = sheet_title(sheet_name, set(), "Sheet1")
    last_column = get_column_letter(len(header))
    ws.cell(row=1, column=1, value=safe_cell(title)).style = "表格标题"
    ws.merge_cells(f"A1:{last_column}1")
    ws.row_dimensions[1].height = 24
    for col, text in enumerate(header, start=1):
        ws.cell(row=2, column=col, value=safe_cell(text)).style = "表格表头"
    for r, row in enumerate(rows, start=3):
        for col, text in enumerate(row, start=1):
            ws.cell(row=r, column=col, value=safe_cell(text)).style = "表格内容"
    for col in range(1, len(header) + 1):
        values = [header[col - 1]] + [row[col - 1] for row in rows]
        natural = max(_text_width(line) for v in values for line in (v.split("\n") or [""]))
        limit = widths[col - 1] if widths else 40
        ws.column_dimensions[get_column_letter(col)].width = min(natural + 2, limit)
    ws.auto_filter.ref = f"A2:{last_column}{max(2, len(rows) + 2)}"
    ws.freeze_panes = "A3"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as the table needs
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    _stamp(wb, stamp)
    return wb


def _stamp(wb: Workbook, stamp: datetime) -> None:
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "tongbu"
    wb.properties.lastModifiedBy = "tongbu"


def save_workbook(wb: Workbook, path: Path) -> Path:
    path.write_bytes(workbook_bytes(wb))
    return path
