"""Every CSV and XLSX writer neutralises formula-like text (OWASP CSV injection): a name such as
=HYPERLINK("http://x","y") is written as '=HYPERLINK(...) so Excel, WPS and LibreOffice show it as text.

Each writer is called with such a cell and the file is read back with openpyxl and with pandas, as a
spreadsheet program or a script would read it. Numbers stay numbers, a negative one included.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from fixtures.validate_base import write_base
from models.cells import safe_cell, unescape_cell
from models.enums import Weekday
from models.files import write_csv, write_scenario, write_workbook
from models.validation import load_scenario
from reports.grid import Cell, Grid, PeriodRow
from reports.tables import csv_bytes as report_csv_bytes
from reports.workbook import grid_workbook, table_workbook
from scheduler.activities.writers import csv_bytes as activity_csv_bytes

EVIL = '=HYPERLINK("http://x","y")'
GUARDED = "'" + EVIL


@pytest.mark.parametrize("text", [EVIL, "+1+2", "-1+cmd|' /C calc'!A0", "@SUM(A1)", "\tx", "\rx", "-", "=1"])
def test_formula_like_text_gets_a_leading_quote(text: str) -> None:
    assert safe_cell(text) == "'" + text
    assert unescape_cell(safe_cell(text)) == text


@pytest.mark.parametrize("value", ["-3", "+4", "-2.5", "1e5", -3, 2.5, 0, None, "", "张丽", "08:00-08:40", "a=b", "'=x"])
def test_numbers_and_plain_text_are_written_as_they_are(value: object) -> None:
    assert safe_cell(value) == value


def _csv_cells(data: bytes) -> list[list[str]]:
    import csv

    return [row for row in csv.reader(io.StringIO(data.decode("utf-8-sig")))]


def _check_csv(data: bytes) -> None:
    """The CSV holds the guarded text, and pandas reads it as text while -3 stays the number -3."""
    cells = _csv_cells(data)
    assert [GUARDED, "-3"] in cells and not any(EVIL == c for row in cells for c in row)
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(frame["name"]) == [GUARDED] and list(frame["number"]) == [-3]


def _check_xlsx(data: bytes, header_row: int) -> None:
    """openpyxl sees a text cell (not a formula) and pandas the guarded text; -3 a number if given as one."""
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    found = [cell for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str) and "HYPERLINK" in cell.value]
    assert found and all(c.value == GUARDED and c.data_type == "s" for c in found)
    frame = pd.read_excel(io.BytesIO(data), header=header_row - 1)
    assert GUARDED in list(frame["name"])


def test_models_write_csv(tmp_path: Path) -> None:
    write_csv([["name", "number"], [EVIL, "-3"]], tmp_path / "t.csv")
    _check_csv((tmp_path / "t.csv").read_bytes())


def test_models_write_workbook(tmp_path: Path) -> None:
    write_workbook({"t": [["name", "number"], [EVIL, -3]]}, tmp_path / "t.xlsx")
    _check_xlsx((tmp_path / "t.xlsx").read_bytes(), header_row=1)
    sheet = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    assert sheet["B2"].value == -3 and sheet["B2"].data_type == "n"


def test_report_csv() -> None:
    _check_csv(report_csv_bytes(["name", "number"], [[EVIL, "-3"]]))


def test_activity_csv() -> None:
    _check_csv(activity_csv_bytes([["name", "number"], [EVIL, "-3"]]))


def test_report_table_workbook() -> None:
    data = table_workbook("表", EVIL, ["name", "number"], [[EVIL, "-3"]], datetime(2026, 9, 1))
    _check_xlsx(data, header_row=2)
    assert openpyxl.load_workbook(io.BytesIO(data)).active["A1"].value == GUARDED


def test_report_timetable_grid() -> None:
    grid = Grid(kind="class", owner="c", name="4(1)班", title=EVIL, subtitle="+subtitle", days=(Weekday.MON,),
                rows=(PeriodRow(1, "第1节", "08:00-08:40", False),), cells={(Weekday.MON, 1): Cell(lines=(EVIL, "@x"))},
                notes=("-note",))
    sheet = openpyxl.load_workbook(io.BytesIO(grid_workbook([grid], datetime(2026, 9, 1)))).active
    values = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    assert GUARDED in values and "'+subtitle" in values and "'" + EVIL + "\n@x" in values and "'-note" in values
    assert all(c.data_type == "s" for row in sheet.iter_rows() for c in row if c.value is not None)


@pytest.mark.parametrize("table_format", ["csv", "xlsx"])
def test_a_written_scenario_reads_back_the_same(tmp_path: Path, table_format: str) -> None:
    scenario = load_scenario(write_base(tmp_path / "base"))
    teachers = list(scenario.teachers)
    teachers[0] = teachers[0].model_copy(update={"name": EVIL})
    evil = scenario.model_copy(update={"teachers": tuple(teachers)})
    write_scenario(evil, tmp_path / "out", table_format)
    if table_format == "csv":
        assert f'T01,"{GUARDED.replace(chr(34), chr(34) * 2)}"' in (tmp_path / "out" / "teachers.csv").read_text("utf-8-sig")
    else:
        assert openpyxl.load_workbook(tmp_path / "out" / "teachers.xlsx").active["B2"].value == GUARDED
    assert load_scenario(tmp_path / "out").teachers[0].name == EVIL
