"""XLSX output: the school timetable workbooks and plain tables, saved byte-identically on every run.

Drawn with XlsxWriter through ``models.cells.workbook_bytes``: fixed zip dates, and the document's created
and modified time is a stamp derived from the scenario (the term's first day).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

from models.cells import workbook_bytes, write_cell
from reports.grid import Grid

FONT_NAME = "宋体"  # present on every Chinese Windows; WPS and LibreOffice map it to a CJK font
SYNC_FILL = "#FFF2CC"
HEADER_FILL = "#D9E1F2"
THIN, THICK = 1, 2  # XlsxWriter's border styles: thin and medium
A4 = 9

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


def _print_on_one_page(ws: Any) -> None:
    ws.set_landscape()
    ws.set_paper(A4)
    ws.fit_to_pages(1, 1)
    ws.center_horizontally()
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)


def _style(book: Any, size: int, bold: bool = False, border: int | None = None, top: int | None = None,
           fill: str | None = None, horizontal: str | None = "center", wrap: bool = True) -> Any:
    spec: dict[str, Any] = {"font_name": FONT_NAME, "font_size": size, "bold": bold, "valign": "vcenter",
                            "text_wrap": wrap}
    if horizontal is not None:
        spec["align"] = horizontal
    if border is not None:
        spec["border"] = border
    if top is not None:
        spec["top"] = top
    if fill is not None:
        spec["bg_color"] = fill
    return book.add_format(spec)


def _styles(book: Any) -> dict[str, Any]:
    """The workbook's cell formats by name, made once per workbook and shared by every sheet."""
    styles = {
        # Titles are centred across the table's columns (Excel's and WPS's 跨列居中) rather than merged, so a
        # title row stays one cell a reader can select and copy.
        "课表标题": _style(book, 16, bold=True, horizontal="center_across", wrap=False),
        "课表副标题": _style(book, 10, horizontal="center_across", wrap=False),
        "课表表头": _style(book, 12, bold=True, border=THIN, fill=HEADER_FILL),
        "课表注释": _style(book, 10, horizontal=None, wrap=False),
        "表格标题": _style(book, 14, bold=True, horizontal=None, wrap=False),
        "表格表头": _style(book, 11, bold=True, border=THIN, fill=HEADER_FILL),
        "表格内容": _style(book, 10, border=THIN, horizontal=None),
    }
    for suffix, top in (("", None), ("午", THICK)):  # a thicker line above the first afternoon period
        styles["课表节次" + suffix] = _style(book, 10, bold=True, border=THIN, top=top)
        styles["课表时间" + suffix] = _style(book, 10, border=THIN, top=top)
        styles["课表课程" + suffix] = _style(book, 11, border=THIN, top=top)
        styles["课表同步" + suffix] = _style(book, 11, bold=True, border=THIN, top=top, fill=SYNC_FILL)
    return styles


def write_grid_sheet(ws: Any, grid: Grid, styles: dict[str, Any]) -> None:
    """Draw a grid: title and subtitle rows, a header (节次, 时间, 周一..), one row per period, the notes."""
    columns = 2 + len(grid.days)
    for col in range(columns):
        write_cell(ws, 0, col, grid.title if col == 0 else None, styles["课表标题"])
        write_cell(ws, 1, col, grid.subtitle if col == 0 else None, styles["课表副标题"])
    ws.set_row(0, 28)

    header = ["节次", "时间"] + [day.zh for day in grid.days]
    for col, text in enumerate(header):
        write_cell(ws, 2, col, text, styles["课表表头"])
    ws.set_row(2, 22)

    first_row = 3
    most_lines = 2
    for index, row in enumerate(grid.rows):
        r = first_row + index
        pm = "午" if row.afternoon_starts else ""
        write_cell(ws, r, 0, row.label, styles["课表节次" + pm])
        write_cell(ws, r, 1, row.times.replace(" (", "\n(") if row.times else None, styles["课表时间" + pm])
        for day_index, day in enumerate(grid.days):
            content = grid.cells.get((day, row.period))
            if content is None:
                if (day, row.period) not in grid.covered:
                    write_cell(ws, r, 2 + day_index, None, styles["课表课程" + pm])
                continue
            style = styles[("课表同步" if content.sync else "课表课程") + pm]
            text = "\n".join(content.lines)
            if content.span > 1:
                ws.merge_range(r, 2 + day_index, r + content.span - 1, 2 + day_index, "", style)
            write_cell(ws, r, 2 + day_index, text, style)
            most_lines = max(most_lines, -(-len(content.lines) // content.span))
    for index in range(len(grid.rows)):
        ws.set_row(first_row + index, max(36, 15 * most_lines + 6))

    note_row = first_row + len(grid.rows) + 1
    for offset, note in enumerate(grid.notes):
        write_cell(ws, note_row + offset, 0, note, styles["课表注释"])

    widest_time = max([_text_width(part) for row in grid.rows for part in row.times.split(" (")] + [8])
    ws.set_column(0, 0, 7)
    ws.set_column(1, 1, min(widest_time + 3, 30))
    widest_cell = max([_text_width(line) for c in grid.cells.values() for line in c.lines] + [10])
    ws.set_column(2, 1 + len(grid.days), min(widest_cell + 2, 40))
    ws.freeze_panes(3, 2)
    ws.repeat_rows(2)
    _print_on_one_page(ws)


def grid_workbook(grids: list[Grid], stamp: datetime) -> bytes:
    """A workbook with one sheet per grid, in the order given."""
    def fill(book: Any) -> None:
        styles = _styles(book)
        taken: set[str] = set()
        for index, grid in enumerate(grids, start=1):
            write_grid_sheet(book.add_worksheet(sheet_title(grid.name, taken, f"{grid.kind}{index}")), grid, styles)

    return workbook_bytes(fill, stamp)


def table_workbook(sheet_name: str, title: str, header: list[str], rows: list[list[str]], stamp: datetime,
                   widths: list[int] | None = None) -> bytes:
    """A one-sheet workbook of a table: a title row, a header row with filters, wrapped cells."""
    def fill(book: Any) -> None:
        styles = _styles(book)
        ws = book.add_worksheet(sheet_title(sheet_name, set(), "Sheet1"))
        if len(header) > 1:
            ws.merge_range(0, 0, 0, len(header) - 1, "", styles["表格标题"])
        write_cell(ws, 0, 0, title, styles["表格标题"])
        ws.set_row(0, 24)
        for col, text in enumerate(header):
            write_cell(ws, 1, col, text, styles["表格表头"])
        for r, row in enumerate(rows, start=2):
            for col, text in enumerate(row):
                write_cell(ws, r, col, text, styles["表格内容"])
        for col in range(len(header)):
            values = [header[col]] + [row[col] for row in rows]
            natural = max(_text_width(line) for v in values for line in (str(v).split("\n") or [""]))
            limit = widths[col] if widths else 40
            ws.set_column(col, col, min(natural + 2, limit))
        ws.autofilter(1, 0, max(1, len(rows) + 1), len(header) - 1)
        ws.freeze_panes(2, 0)
        ws.repeat_rows(1)
        ws.set_landscape()
        ws.set_paper(A4)
        ws.fit_to_pages(1, 0)  # as many pages tall as the table needs

    return workbook_bytes(fill, stamp)


def save_workbook(data: bytes, path: Path) -> Path:
    path.write_bytes(data)
    return path
