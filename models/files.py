"""Reading and writing scenario folders: ``scenario.yaml`` plus CSV or XLSX tables.

Reading collects every problem it finds (not only the first) with file, row and column, then
builds the immutable :class:`models.Scenario`. Reference and capacity checks that need the whole
scenario live in :mod:`models.validation`.

Reading never raises for bad input: whatever the folder holds, the result is a list of problems
(each naming a place and what to do) and, when they allow it, a scenario.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import typing
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from models.alignment import ResearchBlock, SyncLesson
from models.bells import BellPeriod, BellSchedule, BellSeason
from models.calendar import MakeupDay, TermCalendar
from models.cells import csv_bytes, decode_csv_bytes, parse_csv_text, unescape_cell, workbook_bytes, write_cell
from models.curriculum import CurriculumEntry, Subject
from models.enums import Weekday
from models.cover_policy import ChangePolicy
from models.later import ActivityRule, ExchangePolicy, ItinerantPost
from models.pacing import PacingRow
from models.preferences import QualityRules, SoftWeights
from models.problems import Problem
from models.scenario import Scenario
from models.school import Consortium, Room, School, SchoolClass
from models.staff import Teacher, TeachingAssignment
from models.tables import TABLE_BY_NAME, TABLES, CellError, Table, parse_date
from models.times import parse_clock
from models.travel import TravelEdge, TravelTimes

YAML_NAME = "scenario.yaml"
WORKBOOK_NAME = "scenario.xlsx"
# Whole-row problems (an empty file, a title above the header) point at the first cell, as Excel names it.
FIRST_CELL_COLUMN = "A"


class ScenarioYamlLoader(yaml.SafeLoader):
    """YAML 1.1 without sexagesimal numbers: ``start: 8:00`` stays the text '8:00', not the integer 480."""


ScenarioYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers
            if tag not in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
ScenarioYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"))
ScenarioYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?"
               r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."))


def yaml_line(root: yaml.Node | None, path: str | None, *, of_key: bool = False) -> int | None:
    """The line in scenario.yaml of a key path like ``bell_schedules[1].periods[2]`` (indexes from 1).

    The line of the value, or with ``of_key`` the line of the last key itself (an unknown key whose
    value is a block mapping starts on the line below). When the path goes deeper than the file (a
    missing key), the line of the deepest part that exists; None when not even the first key is there.
    """
    if root is None or not path:
        return None
    node, found = root, False
    steps = re.findall(r"([^.\[\]]+)|\[(\d+)\]", path)
    for number, (key, index) in enumerate(steps, start=1):
        child = None
        if key and isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in node.value
                         if isinstance(k, yaml.ScalarNode) and k.value == key.strip()), None)
            if pair is not None:
                child = pair[0] if of_key and number == len(steps) else pair[1]
        elif index and isinstance(node, yaml.SequenceNode) and 0 < int(index) <= len(node.value):
            child = node.value[int(index) - 1]
        if child is None:
            break
        node, found = child, True
    return node.start_mark.line + 1 if found else None


@dataclass
class Row:
    """A table row as read: its spreadsheet row number and canonical column -> cell text."""

    number: int
    cells: dict[str, str]


@dataclass
class RawTable:
    file: str
    rows: list[Row]
    columns: list[str]


class Reader:
    """Reads one scenario folder, collecting problems instead of stopping at the first."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.problems: list[Problem] = []
        self.yaml_root: yaml.Node | None = None
        # Ids of rows and entries that exist but could not be read: references to them are not "unknown",
        # and checks that add up a whole table (capacity) would be wrong without them.
        self.broken: dict[str, set[str]] = {}
        # Sheet names of each workbook looked into; None for one that could not be opened (reported once).
        self.workbook_sheets: dict[Path, list[str] | None] = {}
        # What an XLSX sheet holds beyond its values (merged ranges, formulas without a value), by label.
        self.xlsx_notes: dict[str, XlsxNotes] = {}
        # (label, row, column) of cells already reported as a formula without a value: not also "empty".
        self.formula_cells: set[tuple[str, int, str]] = set()

    def mark_broken(self, kind: str, ident: Any) -> None:
        self.broken.setdefault(kind, set()).add(str(ident) if ident is not None else "")

    def problem(self, file: str, code: str, at_row: int | None = None, at_column: str | None = None,
                severity: str = "error", **params: object) -> None:
        if file == YAML_NAME and at_row is None:
            at_row = yaml_line(self.yaml_root, at_column)
        self.problems.append(Problem(file=file, code=code, params=params, row=at_row, column=at_column, severity=severity))

    def check_keys(self, mapping: dict[str, Any], known: Any, where: str | None) -> None:
        """Report every key of a scenario.yaml mapping at ``where`` that is not one of ``known``."""
        names = [str(k) for k in known]
        for key in mapping:
            if str(key) not in names:
                self.unknown_key(str(key), names, f"{where}.{key}" if where else str(key))

    def unknown_key(self, key: str, known: list[str], path: str) -> None:
        """An unknown scenario.yaml key, at its own line, with the closest known key when one is close."""
        line = yaml_line(self.yaml_root, path, of_key=True)
        code, params = unknown_key_problem(key, known)
        self.problem(YAML_NAME, code, at_row=line, at_column=path, **params)

    # --- scenario.yaml shapes -----------------------------------------------------------------

    def as_list(self, raw: Any, where: str, example: str) -> list[Any]:
        """``raw`` as a list; a single value counts as a list of one, anything else is reported."""
        if raw is None:
            return []
        if isinstance(raw, list):
            return raw
        if isinstance(raw, (str, int, float, date)) and not isinstance(raw, bool):
            return [raw]
        self.problem(YAML_NAME, "need_list", at_column=where, key=where, example=example)
        return []

    def as_mapping(self, raw: Any, where: str, example: str) -> dict[str, Any] | None:
        """``raw`` as a mapping with text keys; None (reported) when it is something else."""
        if isinstance(raw, dict):
            return {str(k): v for k, v in raw.items()}
        self.problem(YAML_NAME, "need_mapping", at_column=where, key=where, example=example)
        return None

    def as_mappings(self, raw: Any, where: str, example: str) -> list[tuple[str, dict[str, Any]]]:
        """The entries of a YAML list of mappings, each with its key path; the others reported."""
        result = []
        for index, item in enumerate(self.as_list(raw, where, f"- {example}"), start=1):
            spot = f"{where}[{index}]"
            mapping = self.as_mapping(item, spot, example)
            if mapping is not None:
                result.append((spot, mapping))
        return result

    # --- tables -------------------------------------------------------------------------------

    def workbook_path(self, config: dict[str, Any]) -> Path:
        return self.folder / str(config.get("workbook") or WORKBOOK_NAME)

    def sheets_of(self, workbook: Path) -> list[str] | None:
        """The sheet names of a workbook; None (reported once, naming the file) when it cannot be opened."""
        if workbook not in self.workbook_sheets:
            import openpyxl

            try:
                book = openpyxl.load_workbook(workbook, read_only=True)
                self.workbook_sheets[workbook] = list(book.sheetnames)
                book.close()
            except Exception as err:  # noqa: BLE001 - any unreadable workbook is the user's to fix, never a traceback
                self.workbook_sheets[workbook] = None
                self.problem(workbook.name, "bad_xlsx", name=workbook.name, detail=workbook_error(workbook, err))
        return self.workbook_sheets[workbook]

    def find_table(self, table: Table, config: dict[str, Any]) -> tuple[Path, str | None] | None:
        """Where a table is: a file named in ``tables:``, else NAME.csv, NAME.xlsx or a sheet of the workbook.

        A table found in more than one of these places is reported (tongbu would silently read only one).
        """
        tables = config.get("tables")
        named = tables.get(table.name) if isinstance(tables, dict) else None
        if isinstance(named, (str, int)) and str(named).strip() and (self.folder / str(named)).is_file():
            return self.folder / str(named), None
        own_files = (self.folder / f"{table.name}.csv", self.folder / f"{table.name}.xlsx")
        found: list[tuple[Path, str | None]] = [(path, None) for path in own_files if path.is_file()]
        workbook = self.workbook_path(config)
        if workbook.is_file() and all(workbook != path for path, _ in found):
            for sheet in self.sheets_of(workbook) or []:
                if sheet.strip() in (table.name, table.zh):
                    found.append((workbook, sheet))
        if len(found) > 1:
            labels = [table_label(path, sheet) for path, sheet in found]
            self.problem(labels[0], "table_twice", table=table.name, first=labels[0], others="、".join(labels[1:]))
        return found[0] if found else None

    def read_table(self, table: Table, config: dict[str, Any]) -> RawTable | None:
        found = self.find_table(table, config)
        if found is None:
            if table.required:
                workbook = self.workbook_path(config)
                sheets = self.sheets_of(workbook) if workbook.is_file() else None
                if workbook.is_file() and sheets is None:
                    pass  # the workbook itself is reported: the table may well be one of its sheets
                elif sheets is not None:
                    self.problem(workbook.name, "missing_sheet", table=table.name, zh=table.zh, workbook=workbook.name,
                                 sheets="、".join(sheets) or "-")
                else:
                    self.problem(f"{table.name}.csv", "missing_table", table=table.name, workbook=workbook.name)
            return None
        path, sheet = found
        label = table_label(path, sheet)
        grid = self.read_grid(path, sheet, label)
        if grid is None:
            return None
        return self.grid_to_rows(table, grid, label)

    def read_grid(self, path: Path, sheet: str | None, label: str) -> list[list[str]] | None:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            return self.read_xlsx(path, sheet, label)
        return self.read_csv(path, label)

    def read_csv(self, path: Path, label: str) -> list[list[str]] | None:
        try:
            data = path.read_bytes()
        except OSError as err:
            self.problem(label, "unreadable", detail=err.strerror or type(err).__name__)
            return None
        if not data.strip():
            return []
        decoded = decode_csv_bytes(data)
        if decoded is None:
            row, column = first_undecodable_cell(data)
            self.problem(label, "encoding_unknown", at_row=row, at_column=column)
            return None
        text, was_gbk = decoded
        if was_gbk:
            self.problem(label, "encoding_gbk", severity="warning")
        return parse_csv_text(text)

    def read_xlsx(self, path: Path, sheet: str | None, label: str) -> list[list[str]] | None:
        """A sheet's cell values (as Excel last calculated them), noting merged ranges and formulas without a value."""
        import openpyxl

        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
            worksheet = book[sheet] if sheet else book.worksheets[0]
            grid = [[xlsx_cell_text(v) for v in row] for row in worksheet.iter_rows(values_only=True)]
            xml = sheet_xml(worksheet)
            title = worksheet.title
            book.close()
        except Exception as err:  # noqa: BLE001 - any unreadable workbook is the user's to fix, never a traceback
            self.problem(label, "bad_xlsx", name=path.name, detail=workbook_error(path, err))
            return None
        merges = [m.decode() for m in _MERGE_REF.findall(xml)]
        formulas = formulas_without_value(xml) if _FORMULA_TAG.search(xml) else []
        if merges or formulas:
            self.xlsx_notes[label] = XlsxNotes(title, tuple(merges), tuple(formulas))
        return grid

    def grid_to_rows(self, table: Table, grid: list[list[str]], label: str) -> RawTable | None:
        grid = [[unescape_cell(cell.strip()).strip() for cell in row] for row in grid]
        required = [c.name for c in table.columns if c.required]
        if not any(any(cell for cell in row) for row in grid):
            self.problem(label, "empty_file", at_row=1, at_column=FIRST_CELL_COLUMN,
                         columns=", ".join(f"{c.name} ({c.zh})" for c in table.columns if c.required))
            return None
        names = table.header_names()
        header_index = 0
        for index, row in enumerate(grid[:6]):
            found = {names.get(cell.lower()) for cell in row}
            if all(name in found for name in required):
                header_index = index
                break
        if header_index:
            self.problem(label, "header_on_row", at_row=1, at_column=FIRST_CELL_COLUMN, row=header_index + 1,
                         extra=header_index)
        header = grid[header_index]
        mapping: dict[int, str] = {}
        for position, cell in enumerate(header):
            if not cell:
                continue
            name = names.get(cell.lower())
            if name is None:
                self.problem(label, "unknown_column", at_row=header_index + 1, at_column=cell, severity="warning", column=cell)
            elif name in mapping.values():
                self.problem(label, "duplicate_column", at_row=header_index + 1, at_column=cell, column=cell)
            else:
                mapping[position] = name
        notes = self.xlsx_notes.get(label)
        if notes is not None:
            self.report_xlsx_notes(label, notes, header_index + 1, mapping)
        missing = [name for name in required if name not in mapping.values()]
        for name in missing:
            column = table.column(name)
            self.problem(label, "missing_column", at_row=header_index + 1, at_column=name,
                         column=f"{name} ({column.zh})", columns=", ".join(required))
        if missing:
            return None
        rows = []
        for offset, values in enumerate(grid[header_index + 1:], start=header_index + 2):
            if not any(values):
                continue
            cells = {name: (values[pos] if pos < len(values) else "") for pos, name in mapping.items()}
            rows.append(Row(offset, cells))
        return RawTable(label, rows, list(mapping.values()))

    def report_xlsx_notes(self, label: str, notes: XlsxNotes, header_row: int, mapping: dict[int, str]) -> None:
        """Merged ranges from the header down, and formulas without a value below it, each at its place."""
        def column_name(index: int) -> str:
            return mapping.get(index) or _column_letter(index)

        for ref in notes.merges:
            first_col, first_row, _last_col, last_row = range_boundaries(ref)
            if last_row < header_row:
                continue  # a merged title above the header: deleting those rows (reported) removes it too
            self.problem(label, "xlsx_merged", at_row=first_row, at_column=column_name(first_col - 1),
                         sheet=notes.sheet, range=ref)
        for row, index, formula in notes.formulas:
            if row <= header_row:
                continue
            self.formula_cells.add((label, row, column_name(index)))
            self.problem(label, "xlsx_formula", at_row=row, at_column=column_name(index), sheet=notes.sheet,
                         cell=f"{_column_letter(index)}{row}", formula=_short(formula))

    def typed_rows(self, table: Table, raw: RawTable | None) -> list[tuple[Row, dict[str, Any]]]:
        """Each row's cells read by their column's reader; rows with unreadable cells are dropped."""
        if raw is None:
            return []
        result = []
        for row in raw.rows:
            values: dict[str, Any] = {}
            ok = True
            for column in table.columns:
                text = row.cells.get(column.name, "")
                if not text:
                    if (raw.file, row.number, column.name) in self.formula_cells:
                        ok = False  # reported as a formula without a value, which is why it looks empty
                    elif column.required:
                        self.problem(raw.file, "required", at_row=row.number, at_column=column.name,
                                     what=f"{column.name} ({column.zh})")
                        ok = False
                    continue
                try:
                    values[column.name] = column.read(text)
                except CellError as err:
                    self.problem(raw.file, err.code, at_row=row.number, at_column=column.name, **err.params)
                    ok = False
            if ok:
                result.append((row, values))
            else:
                self.mark_broken(table.name, row_identity(table.name, row.cells))
        return result

    def build(self, file: str, row: int | None, make: type, values: dict[str, Any], column: str | None = None) -> Any:
        """Construct a model; each validation error becomes a problem at this place (and the result None)."""
        try:
            return make(**values)
        except ValidationError as err:
            for error in err.errors():
                cause = (error.get("ctx") or {}).get("error")
                if isinstance(cause, CellError):
                    self.problem(file, cause.code, at_row=row, at_column=column, **cause.params)
                    continue
                where = ".".join(str(p) for p in error.get("loc", ()))
                place = f"{column}.{where}" if column and where else (column or where or None)
                code, params = pydantic_problem(error, make)
                at_row = row
                if code.startswith("unknown_key") and file == YAML_NAME and row is None:
                    at_row = yaml_line(self.yaml_root, place, of_key=True)
                self.problem(file, code, at_row=at_row, at_column=place, **params)
            return None


_TYPE_WORDS: tuple[tuple[str, str, str], ...] = (
    ("int", "a whole number", "整数"), ("float", "a number", "数字"), ("bool", "yes/no (true/false)", "是/否"),
    ("string", "text", "文字"), ("date", "a date like 2026-09-01", "形如 2026-09-01 的日期"),
    ("time", "a clock time like 08:05", "形如 08:05 的时间"), ("enum", "one of the listed words", "规定的取值之一"),
    ("tuple", "a list", "列表"), ("list", "a list", "列表"), ("dict", "a mapping of keys to values", "“键: 值”结构"),
    ("model", "a mapping of keys to values", "“键: 值”结构"),
)


def model_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys a mapping at ``loc`` inside ``model`` accepts (field names, and aliases where given)."""
    current: Any = model
    for step in loc:
        if isinstance(step, int):
            continue
        info = current.model_fields.get(step) if isinstance(current, type) and issubclass(current, BaseModel) else None
        if info is None:
            return []
        current = _model_in(info.annotation)
    if not (isinstance(current, type) and issubclass(current, BaseModel)):
        return []
    return [info.alias or name for name, info in current.model_fields.items()]


def _model_in(annotation: Any) -> Any:
    """The pydantic model an annotation holds (``Model``, ``tuple[Model, ...]``, ``Model | None``), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def unknown_key_problem(key: str, known: list[str]) -> tuple[str, dict[str, object]]:
    """The message for an unknown key: the closest known key when one is close (difflib), and the keys known."""
    by_folded = {k.lower(): k for k in known}
    close = difflib.get_close_matches(key.strip().lower(), list(by_folded), n=1, cutoff=0.6)
    params: dict[str, object] = {"key": key, "keys": ", ".join(known) or "-"}
    if close:
        return "unknown_key_suggest", {**params, "suggestion": by_folded[close[0]]}
    return "unknown_key", params


def pydantic_problem(error: Any, model: type | None = None) -> tuple[str, dict[str, object]]:
    """A message code and parameters, in both languages, for one pydantic validation error."""
    kind = str(error.get("type", ""))
    value = _short(error.get("input"))
    ctx = error.get("ctx") or {}
    loc = tuple(error.get("loc", ()))
    if kind == "missing":
        return "required", {"what": ".".join(str(p) for p in loc) or "?"}
    if kind == "extra_forbidden":
        known = model_keys(model, loc[:-1]) if isinstance(model, type) and issubclass(model, BaseModel) else []
        return unknown_key_problem(str(loc[-1]) if loc else "?", known)
    if kind in ("greater_than_equal", "greater_than"):
        return "too_small", {"value": value, "min": ctx.get("ge", ctx.get("gt", ""))}
    if kind == "enum":
        return "bad_choice", {"value": value, "choices": ctx.get("expected", "")}
    for prefix, en, zh in _TYPE_WORDS:
        if kind.startswith(prefix):
            return "bad_type", {"value": value, "expected": en, "expected_zh": zh}
    return "bad_value", {"detail": str(error.get("msg", "")).removeprefix("Value error, ")}


#: PyYAML's problem texts, as a person who edits scenario.yaml in Notepad would understand them in Chinese.
YAML_PROBLEMS_ZH: tuple[tuple[str, str], ...] = (
    ("mapping values are not allowed", "此处不能出现“键: 值”：冒号后要有空格，含冒号的文字请加引号"),
    ("found character '\\t'", "含有制表符：请改用空格缩进"),
    ("could not find expected ':'", "缺少冒号“:”"),
    ("expected <block end>", "缩进不一致：同一层的键要对齐"),
    ("did not find expected key", "缩进不一致或缺少键：同一层的键要对齐"),
    ("did not find expected '-' indicator", "列表项缩进不一致：每项以“- ”开头并对齐"),
    ("found duplicate anchor", "重复的锚点（&）"),
    ("found undefined alias", "引用了未定义的锚点（*）"),
    ("found unexpected end of stream", "文件意外结束：引号或括号没有配对"),
    ("found unknown escape character", "引号内有无法识别的转义字符（\\）：请改用单引号"),
    ("expected ',' or ']'", "方括号列表没有正确结束：缺少“,”或“]”"),
    ("expected ',' or '}'", "花括号没有正确结束：缺少“,”或“}”"),
    ("found unexpected ':'", "多余的冒号“:”：含冒号的文字请加引号"),
)


def yaml_problem_zh(problem: str) -> str:
    """A Chinese description of a PyYAML parse problem (the line and column are given with the message)."""
    return next((zh for en, zh in YAML_PROBLEMS_ZH if en in problem), "格式不符合 YAML 规则：请检查这一行的缩进、冒号和引号")


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def first_undecodable_cell(data: bytes) -> tuple[int | None, str | None]:
    """Row number and header of the first cell that is neither UTF-8 nor GB18030, to say where to look."""
    # The file is most likely in the encoding that reads furthest before failing; read it that way.
    reach: dict[str, int] = {}
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            data.decode(encoding)
            return None, None
        except UnicodeDecodeError as err:
            reach[encoding] = err.start
    encoding = max(reach, key=lambda e: reach[e])
    rows = parse_csv_text(data.decode(encoding, errors="replace"))
    row_number = data[:reach[encoding]].count(b"\n") + 1
    for number, row in enumerate(rows, start=1):
        for index, cell in enumerate(row):
            if "\ufffd" in cell:
                header = rows[0][index] if rows and index < len(rows[0]) and number > 1 else None
                return number, header or _column_letter(index)
    return row_number, None


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True)
class XlsxNotes:
    """What a sheet holds beyond its values: merged ranges (``A3:B4``) and formulas with no saved value
    (spreadsheet row, 0-based column, formula text)."""

    sheet: str
    merges: tuple[str, ...]
    formulas: tuple[tuple[int, int, str], ...]


_MERGE_REF = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*\bref=\"([A-Za-z]+\d+(?::[A-Za-z]+\d+)?)\"")
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def table_label(path: Path, sheet: str | None) -> str:
    """How problems name a table's place: the file, or ``workbook.xlsx[sheet]``."""
    return path.name if sheet is None else f"{path.name}[{sheet}]"


def range_boundaries(ref: str) -> tuple[int, int, int, int]:
    """(first column, first row, last column, last row) of ``A3:B4`` or ``C5``, 1-based."""
    from openpyxl.utils.cell import range_boundaries as boundaries

    first_col, first_row, last_col, last_row = boundaries(ref.upper())
    return first_col or 1, first_row or 1, last_col or first_col or 1, last_row or first_row or 1


def workbook_error(path: Path, err: Exception) -> str:
    """Why a workbook cannot be read, in words a timetabler can act on."""
    try:
        head = path.read_bytes()[:8]
    except OSError:
        head = b""
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "an Excel 97-2003 .xls file, or a protected workbook"
    text = str(err).replace("\n", " ").strip()
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def sheet_xml(worksheet: Any) -> bytes:
    """The raw XML of a read-only sheet (openpyxl's read-only mode skips merged ranges; the XML has them)."""
    source = worksheet._get_source()
    try:
        return bytes(source.read())
    finally:
        source.close()


_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_CELL_REF = re.compile(rb'\br="([A-Za-z]+)(\d+)"')
_CELL_TYPE = re.compile(rb'\bt="(\w+)"')
_CELL_VALUE = re.compile(rb"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", re.S)
_FORMULA_TEXT = re.compile(rb"<(?:\w+:)?f\b[^>]*>(.*?)</(?:\w+:)?f>", re.S)


def formulas_without_value(xml: bytes) -> list[tuple[int, int, str]]:
    """Cells holding a formula but no saved value (row, 0-based column, formula): they read as empty,
    though Excel would show a value. Excel and WPS save each formula's value beside it (an empty text
    result as ``t="str"`` with an empty value); a program that does not calculate formulas saves none."""
    import html

    from openpyxl.utils.cell import column_index_from_string

    found = []
    for cell in _CELL.finditer(xml):
        attributes, body = cell.group(1), cell.group(2) or b""
        if not _FORMULA_TAG.search(body):
            continue
        ref, kind, value = _CELL_REF.search(attributes), _CELL_TYPE.search(attributes), _CELL_VALUE.search(body)
        saved = (value is not None and value.group(1) != b"") or (kind is not None and kind.group(1) in (b"str", b"inlineStr"))
        if ref is None or saved:
            continue
        text = _FORMULA_TEXT.search(body)
        formula = "=" + html.unescape(text.group(1).decode("utf-8", "replace")) if text else "(a shared formula)"
        found.append((int(ref.group(2)), column_index_from_string(ref.group(1).decode().upper()) - 1, formula))
    return found


def xlsx_cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "strftime"):
        if hasattr(value, "hour") and (value.hour or value.minute) and not hasattr(value, "date"):
            return value.strftime("%H:%M")
        if hasattr(value, "hour") and (value.hour or value.minute):
            return value.strftime("%Y-%m-%d %H:%M")
        return value.strftime("%Y-%m-%d")
    return str(value)


# --- scenario.yaml ----------------------------------------------------------------------------

PERIOD_EXAMPLE = "['08:00-08:40', '08:50-09:30']"


def _period(reader: Reader, item: Any, spot: str, index: int) -> BellPeriod | None:
    written_as_text = isinstance(item, str)
    if isinstance(item, str) and "-" in item:
        start_text, _, end_text = item.partition("-")
        item = {"start": start_text, "end": end_text}
    if not isinstance(item, dict):
        reader.problem(YAML_NAME, "bad_period", at_column=spot, value=_short(item))
        return None
    if not written_as_text:
        reader.check_keys(item, BellPeriod.model_fields, spot)
    for key in ("start", "end"):
        try:
            parse_clock(str(item.get(key, "")))
        except ValueError:
            reader.problem(YAML_NAME, "bad_time", at_column=spot if written_as_text else f"{spot}.{key}",
                           value=_short(item.get(key, "")))
            return None
    start, end = parse_clock(str(item["start"])), parse_clock(str(item["end"]))
    if end <= start:
        reader.problem(YAML_NAME, "bell_order", at_column=spot, period=index, start=f"{start:%H:%M}", end=f"{end:%H:%M}")
        return None
    half = item.get("half")
    return reader.build(YAML_NAME, None, BellPeriod, dict(start=start, end=end, half=half), column=spot)


def _periods(reader: Reader, raw: Any, where: str) -> tuple[BellPeriod, ...] | None:
    items = reader.as_list(raw, where, PERIOD_EXAMPLE)
    if not items:
        if raw is None or raw == []:
            reader.problem(YAML_NAME, "required", at_column=where, what=f"{where} {PERIOD_EXAMPLE}")
        return None
    periods: list[BellPeriod] = []
    ok = True
    for index, item in enumerate(items, start=1):
        spot = f"{where}[{index}]"
        period = _period(reader, item, spot, index)
        if period is None:
            ok = False
            continue
        if periods and period.start < periods[-1].end:
            reader.problem(YAML_NAME, "bell_overlap", at_column=spot, period=index, start=f"{period.start:%H:%M}",
                           prev=index - 1, end=f"{periods[-1].end:%H:%M}")
            ok = False
        periods.append(period)
    return tuple(periods) if ok else None


def _date(reader: Reader, value: Any, where: str) -> date | None:
    if value is None or value == "":
        reader.problem(YAML_NAME, "required", at_column=where, what=f"{where} (2026-09-01)")
        return None
    try:
        return parse_date(value)
    except CellError as err:
        reader.problem(YAML_NAME, err.code, at_column=where, **err.params)
        return None


def _dates(reader: Reader, raw: Any, where: str) -> list[date]:
    """Dates, with ranges written '2026-10-01..2026-10-08'."""
    result: list[date] = []
    for index, item in enumerate(reader.as_list(raw, where, "['2026-10-01..2026-10-07', '2027-01-01']"), start=1):
        spot = f"{where}[{index}]"
        text = str(item)
        if ".." in text:
            first_text, _, last_text = text.partition("..")
            first, last = _date(reader, first_text, spot), _date(reader, last_text, spot)
            if first and last:
                if last < first or (last - first).days > 366:
                    reader.problem(YAML_NAME, "bad_range", at_column=spot, value=text)
                    continue
                result += [first + timedelta(days=i) for i in range((last - first).days + 1)]
        else:
            one = _date(reader, item, spot)
            if one:
                result.append(one)
    return result


def _weekday(value: Any) -> Weekday | None:
    try:
        return Weekday(str(value))
    except ValueError:
        return None


WEEKDAY_CHOICES = "周一, 周二, 周三, 周四, 周五, 周六, 周日 / mon … sun"


def _makeups(reader: Reader, raw: Any, holidays: list[date]) -> list[MakeupDay]:
    makeups = []
    for spot, item in reader.as_mappings(raw, "term.makeup_days", "{date: 2026-10-10, follows: 周五}"):
        reader.check_keys(item, MakeupDay.model_fields, spot)
        if "date" not in item or "follows" not in item:
            reader.problem(YAML_NAME, "required", at_column=spot, what="date, follows ({date: 2026-10-10, follows: 周五})")
            continue
        day = _date(reader, item["date"], spot + ".date")
        follows = _weekday(item["follows"])
        if follows is None:
            reader.problem(YAML_NAME, "bad_choice", at_column=spot + ".follows", value=_short(item["follows"]),
                           choices="周一, 周二, 周三, 周四, 周五 (Mon…Fri)")
            continue
        if day is None:
            continue
        if day in holidays:
            reader.problem(YAML_NAME, "makeup_on_holiday", at_column=spot + ".date", date=day)
            continue
        if day.weekday() < 5:
            reader.problem(YAML_NAME, "makeup_on_weekday", at_column=spot + ".date", date=day,
                           weekday=Weekday.of_index(day.weekday()).value)
            continue
        if follows in (Weekday.SAT, Weekday.SUN):
            reader.problem(YAML_NAME, "makeup_follows_weekend", at_column=spot + ".follows", date=day, follows=follows.zh)
            continue
        makeups.append(MakeupDay(date=day, follows=follows))
    return makeups


def read_term(reader: Reader, raw: Any) -> TermCalendar | None:
    if raw is None:
        reader.problem(YAML_NAME, "required", at_column="term", what="term (start, end, holidays, makeup_days)")
        return None
    term = reader.as_mapping(raw, "term", "{start: 2026-09-01, end: 2027-01-22, holidays: [...]}")
    if term is None:
        return None
    reader.check_keys(term, TermCalendar.model_fields, "term")
    start, end = _date(reader, term.get("start"), "term.start"), _date(reader, term.get("end"), "term.end")
    holidays = _dates(reader, term.get("holidays"), "term.holidays")
    assessment = _dates(reader, term.get("assessment_days"), "term.assessment_days")
    makeups = _makeups(reader, term.get("makeup_days"), holidays)
    if start is None or end is None:
        return None
    if end < start:
        reader.problem(YAML_NAME, "term_order", at_column="term.end", start=start, end=end)
        return None
    for where, days in (("term.holidays", holidays), ("term.assessment_days", assessment),
                        ("term.makeup_days", [m.date for m in makeups])):
        for day in days:
            if not start <= day <= end:
                reader.problem(YAML_NAME, "date_outside_term", at_column=where, severity="warning", date=day, start=start, end=end)
    official = term.get("use_official_holidays", True)
    if not isinstance(official, bool):
        reader.problem(YAML_NAME, "not_bool", at_column="term.use_official_holidays", value=_short(official))
        official = True
    return reader.build(YAML_NAME, None, TermCalendar, dict(
        name=str(term.get("name") or ""), start=start, end=end, holidays=tuple(sorted(set(holidays))),
        makeup_days=tuple(sorted(makeups, key=lambda m: m.date)), assessment_days=tuple(sorted(set(assessment))),
        use_official_holidays=official), column="term")


def _bell_days(reader: Reader, raw: Any, where: str) -> tuple[Weekday, ...] | None:
    if raw is None:
        return (Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI)
    days = []
    for index, item in enumerate(reader.as_list(raw, where, "[周一, 周二, 周三, 周四, 周五]"), start=1):
        day = _weekday(item)
        if day is None:
            reader.problem(YAML_NAME, "bad_choice", at_column=f"{where}[{index}]", value=_short(item), choices=WEEKDAY_CHOICES)
            return None
        if day in days:
            reader.problem(YAML_NAME, "duplicate_day", at_column=f"{where}[{index}]", day=day.zh)
            return None
        days.append(day)
    if not days:
        reader.problem(YAML_NAME, "required", at_column=where, what=f"{where} [周一, 周二, 周三, 周四, 周五]")
        return None
    return tuple(days)


def read_bells(reader: Reader, raw: Any) -> list[BellSchedule]:
    schedules = []
    seen: set[str] = set()
    for where, item in reader.as_mappings(raw, "bell_schedules", "{id: 县城作息, periods: [...]}"):
        reader.check_keys(item, BellSchedule.model_fields, where)
        if not item.get("id") and item.get("id") != 0:
            reader.problem(YAML_NAME, "required", at_column=f"{where}.id", what="id")
            continue
        bell_id = str(item["id"])
        if bell_id in seen:
            reader.problem(YAML_NAME, "duplicate_id", at_column=f"{where}.id", id=bell_id, other="-")
            continue
        seen.add(bell_id)
        periods = _periods(reader, item.get("periods"), f"{where}.periods")
        days = _bell_days(reader, item.get("days"), f"{where}.days")
        reader.mark_broken("bell_schedules", bell_id)  # until it is built, below
        seasons = []
        for s_where, season in reader.as_mappings(item.get("seasons"), f"{where}.seasons",
                                                  "{name: 冬季作息, starts: 2026-10-08, periods: [...]}"):
            reader.check_keys(season, BellSeason.model_fields, s_where)
            s_periods = _periods(reader, season.get("periods"), f"{s_where}.periods")
            starts = _date(reader, season.get("starts"), f"{s_where}.starts")
            if s_periods is None or starts is None:
                continue
            name = str(season.get("name") or s_where)
            if periods is not None and len(s_periods) != len(periods):
                reader.problem(YAML_NAME, "season_periods", at_column=f"{s_where}.periods", season=name,
                               count=len(s_periods), base=len(periods))
                continue
            built = reader.build(YAML_NAME, None, BellSeason, dict(name=name, starts=starts, periods=s_periods),
                                 column=s_where)
            if built:
                seasons.append(built)
        if periods is None or days is None:
            continue
        built = reader.build(YAML_NAME, None, BellSchedule, dict(
            id=bell_id, name=str(item.get("name") or ""), days=days, periods=periods, seasons=tuple(seasons)), column=where)
        if built:
            schedules.append(built)
            reader.broken["bell_schedules"].discard(bell_id)
    return schedules


def read_simple_list(reader: Reader, raw: Any, key: str, make: type, example: str = "{id: …, name: …}") -> list[Any]:
    items = []
    seen: set[str] = set()
    for where, values in reader.as_mappings(raw, key, example):
        built = reader.build(YAML_NAME, None, make, values, column=where)
        if built is None:
            reader.mark_broken(key, values.get("id"))
            continue
        ident = getattr(built, "id", None)
        if ident is not None and ident in seen:
            reader.problem(YAML_NAME, "duplicate_id", at_column=f"{where}.id", id=ident, other="-")
            continue
        if ident is not None:
            seen.add(ident)
        items.append(built)
    return items


def read_settings(reader: Reader, raw: Any, key: str, make: type) -> Any:
    """An optional settings mapping (weights, exchange); its defaults when absent or wrong."""
    if raw is None:
        return make()
    values = reader.as_mapping(raw, key, "{name: value, …}")
    return (reader.build(YAML_NAME, None, make, values, column=key) if values is not None else None) or make()


# --- tables into models -------------------------------------------------------------------------


def _rows(reader: Reader, raws: dict[str, RawTable | None], name: str) -> list[tuple[Row, dict[str, Any]]]:
    return reader.typed_rows(TABLE_BY_NAME[name], raws.get(name))


def _file(raws: dict[str, RawTable | None], name: str) -> str:
    raw = raws.get(name)
    return raw.file if raw else f"{name}.csv"


def read_schools(reader: Reader, raws: dict[str, RawTable | None]) -> list[tuple[int, School]]:
    result = []
    for row, values in _rows(reader, raws, "schools"):
        values.setdefault("id", values["name"])
        stage = values["stage"]
        values.setdefault("grades", tuple(stage.grades))
        built = reader.build(_file(raws, "schools"), row.number, School, values)
        if built:
            result.append((row.number, built))
        else:
            reader.mark_broken("schools", values["id"])
    return result


def read_classes(reader: Reader, raws: dict[str, RawTable | None]) -> list[tuple[int, SchoolClass]]:
    result = []
    for row, values in _rows(reader, raws, "classes"):
        values.setdefault("id", f"{values['school']}{values['grade']}({values['section']})")
        built = reader.build(_file(raws, "classes"), row.number, SchoolClass, values)
        if built:
            result.append((row.number, built))
        else:
            reader.mark_broken("classes", values["id"])
    return result


def row_identity(table: str, cells: dict[str, Any]) -> str:
    """The id a row stands for, from its cell text (as the readers below default it)."""
    if table == "schools":
        return str(cells.get("id") or cells.get("name") or "")
    if table == "classes":
        return str(cells.get("id") or f"{cells.get('school', '')}{cells.get('grade', '')}({cells.get('section', '')})")
    return str(cells.get("id") or "")


def read_generic(reader: Reader, raws: dict[str, RawTable | None], name: str, make: type) -> list[tuple[int, Any]]:
    result = []
    for row, values in _rows(reader, raws, name):
        built = reader.build(_file(raws, name), row.number, make, values)
        if built:
            result.append((row.number, built))
        else:
            reader.mark_broken(name, row_identity(name, values))
    return result


def read_curriculum(reader: Reader, raws: dict[str, RawTable | None]) -> list[tuple[int, CurriculumEntry]]:
    """Curriculum rows; doubles that do not fit and a subject listed twice for a grade are named by their cell."""
    file = _file(raws, "curriculum")
    result = []
    seen: dict[tuple[str, int, str], int] = {}
    for row, values in _rows(reader, raws, "curriculum"):
        doubles = values.get("doubles", 0)
        if 2 * doubles > values["periods"]:
            reader.problem(file, "doubles_over_periods", at_row=row.number, at_column="doubles", doubles=doubles,
                           need=2 * doubles, periods=values["periods"])
            reader.mark_broken("curriculum", "")
            continue
        key = (values["stage"].value, values["grade"], values["subject"])
        if key in seen:
            reader.problem(file, "duplicate_curriculum", at_row=row.number, at_column="subject", subject=key[2],
                           grade=key[1], other=seen[key])
            continue
        seen[key] = row.number
        built = reader.build(file, row.number, CurriculumEntry, values)
        if built:
            result.append((row.number, built))
        else:
            reader.mark_broken("curriculum", "")
    return result


@dataclass
class Loaded:
    """A scenario as read, with the row of every object so later checks can name it."""

    scenario: Scenario | None
    problems: list[Problem]
    rows: dict[tuple[str, str], int]
    files: dict[str, str]
    yaml_root: yaml.Node | None = field(default=None, repr=False)
    broken: dict[str, set[str]] = field(default_factory=dict)

    def yaml_line(self, path: str | None) -> int | None:
        return yaml_line(self.yaml_root, path)


def read_config(reader: Reader, yaml_path: Path) -> dict[str, Any] | None:
    """scenario.yaml as a mapping (its node tree kept for line numbers); None, reported, when unreadable."""
    try:
        text = yaml_path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        reader.problem(YAML_NAME, "yaml_encoding", at_row=yaml_path.read_bytes()[:err.start].count(b"\n") + 1)
        return None
    except OSError as err:
        reader.problem(YAML_NAME, "unreadable", detail=err.strerror or type(err).__name__)
        return None
    try:
        reader.yaml_root = yaml.compose(text, Loader=ScenarioYamlLoader)
        config = yaml.load(text, Loader=ScenarioYamlLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        detail = " ".join(str(getattr(err, part, "") or "") for part in ("context", "problem")).strip() or str(err)
        reader.problem(YAML_NAME, "bad_yaml", at_row=mark.line + 1 if mark else None,
                       at_column=f"{mark.column + 1}" if mark else None, detail=detail.replace("\n", " "),
                       detail_zh=yaml_problem_zh(str(getattr(err, "problem", "") or "")))
        return None
    except (RecursionError, ValueError, TypeError, OverflowError) as err:
        # e.g. a date that does not exist (2026-02-30) or a key that is itself a list
        reader.problem(YAML_NAME, "bad_yaml", detail=_short(err) or type(err).__name__)
        return None
    if config is None:
        config = {}
    if not isinstance(config, dict):
        reader.problem(YAML_NAME, "yaml_not_mapping", at_row=1)
        return None
    return {str(k): v for k, v in config.items()}


def top_level_keys() -> tuple[str, ...]:
    """The keys scenario.yaml may have at its top: exactly those docs/format.md documents."""
    from models.docs import OTHER_KEYS, YAML_SECTIONS

    return tuple(key for key, *_ in YAML_SECTIONS if "." not in key) + tuple(key for key, _ in OTHER_KEYS)


def read_scenario_folder(folder: Path) -> Loaded:
    """Read a scenario folder; ``scenario`` is None when the errors prevent building one."""
    folder = Path(folder)
    reader = Reader(folder)
    if not folder.is_dir():
        reader.problem(str(folder), "no_folder", path=folder)
        return Loaded(None, reader.problems, {}, {})
    yaml_path = folder / YAML_NAME
    if not yaml_path.is_file():
        reader.problem(YAML_NAME, "no_yaml", path=yaml_path)
        return Loaded(None, reader.problems, {}, {})
    config = read_config(reader, yaml_path)
    if config is None:
        return Loaded(None, reader.problems, {}, {})
    reader.check_keys(config, top_level_keys(), None)
    tables = config.get("tables")
    if isinstance(tables, dict):
        reader.check_keys(tables, TABLE_BY_NAME, "tables")
    elif tables is not None:
        reader.problem(YAML_NAME, "need_mapping", at_column="tables", key="tables", example="{teachers: 教师名册.xlsx}")

    term = read_term(reader, config.get("term"))
    for key in ("bell_schedules", "consortia", "subjects"):
        if not config.get(key):
            reader.problem(YAML_NAME, "required", at_column=key, what=key)
    bells = read_bells(reader, config.get("bell_schedules"))
    consortia = read_simple_list(reader, config.get("consortia"), "consortia", Consortium,
                                 "{id: 示例共同体, name: 示例县小学教研共同体, kind: co_built}")
    subjects = read_simple_list(reader, config.get("subjects"), "subjects", Subject, "{id: 语文, name: 语文}")
    weights = read_settings(reader, config.get("weights"), "weights", SoftWeights)
    quality = read_settings(reader, config.get("quality"), "quality", QualityRules)
    posts = read_simple_list(reader, config.get("itinerant_posts"), "itinerant_posts", ItinerantPost)
    activities = read_simple_list(reader, config.get("activities"), "activities", ActivityRule)
    exchange = read_settings(reader, config.get("exchange"), "exchange", ExchangePolicy)
    substitution = read_settings(reader, config.get("substitution"), "substitution", ChangePolicy)
    not_imported = tuple(str(x) for x in reader.as_list(config.get("not_imported"), "not_imported", "[…]"))
    imported_from = config.get("imported_from")
    from models.explicit_files import read_explicit

    explicit = read_explicit(reader, folder, config.get("explicit"))

    raws = {table.name: reader.read_table(table, config) for table in TABLES}
    schools = read_schools(reader, raws)
    classes = read_classes(reader, raws)
    teachers = read_generic(reader, raws, "teachers", Teacher)
    curriculum = read_curriculum(reader, raws)
    travel = read_generic(reader, raws, "travel", TravelEdge)
    assignments = read_generic(reader, raws, "assignments", TeachingAssignment)
    rooms = read_generic(reader, raws, "rooms", Room)
    syncs = read_generic(reader, raws, "sync_lessons", SyncLesson)
    research = read_generic(reader, raws, "research_blocks", ResearchBlock)
    pacing = read_generic(reader, raws, "pacing", PacingRow)

    files = {name: _file(raws, name) for name in TABLE_BY_NAME}
    rows: dict[tuple[str, str], int] = {}
    for kind, items in (("schools", schools), ("classes", classes), ("teachers", teachers), ("rooms", rooms),
                        ("sync_lessons", syncs), ("research_blocks", research)):
        for number, item in items:
            if (kind, item.id) in rows:
                reader.problem(files[kind], "duplicate_id", at_row=number, at_column="id", id=item.id, other=rows[(kind, item.id)])
            else:
                rows[(kind, item.id)] = number
    for kind, items in (("curriculum", curriculum), ("assignments", assignments), ("travel", travel),
                        ("pacing", pacing)):
        for index, (number, _item) in enumerate(items):
            rows[(kind, str(index))] = number

    blocking = ("missing_table", "missing_sheet", "missing_column", "empty_file", "encoding_unknown", "bad_xlsx",
                "unreadable")
    scenario = None
    if term is not None and not any(p.severity == "error" and p.code in blocking for p in reader.problems):
        scenario = reader.build(YAML_NAME, None, Scenario, dict(
            district=str(config.get("district") or folder.name), term=term, consortia=tuple(consortia),
            schools=tuple(_unique(s for _, s in schools)), bell_schedules=tuple(bells), subjects=tuple(subjects),
            curriculum=tuple(c for _, c in curriculum), classes=tuple(_unique(c for _, c in classes)),
            teachers=tuple(_unique(t for _, t in teachers)), assignments=tuple(a for _, a in assignments),
            rooms=tuple(_unique(r for _, r in rooms)), travel=TravelTimes(edges=tuple(e for _, e in travel)),
            sync_lessons=tuple(_unique(s for _, s in syncs)), research_blocks=tuple(_unique(r for _, r in research)),
            pacing=tuple(p for _, p in pacing), weights=weights, quality=quality, itinerant_posts=tuple(posts),
            activities=tuple(activities), exchange=exchange, substitution=substitution,
            imported_from=None if imported_from is None else str(imported_from), not_imported=not_imported,
            explicit=explicit))
    return Loaded(scenario, reader.problems, rows, files, reader.yaml_root,
                  {kind: ids for kind, ids in reader.broken.items() if ids})


def _unique(items: Any) -> list[Any]:
    seen: set[str] = set()
    result = []
    for item in items:
        if item.id not in seen:
            seen.add(item.id)
            result.append(item)
    return result


# --- writing ------------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (list, tuple)):
        return ";".join(_cell(v) for v in value)
    if hasattr(value, "value") and isinstance(getattr(value, "value"), str):
        return value.value
    return str(value)


def _slots_text(ranges: tuple) -> str:
    parts = []
    for r in ranges:
        if r.first is None:
            parts.append(r.day.zh)
        elif r.last in (None, r.first):
            parts.append(f"{r.day.zh}{r.first}")
        else:
            parts.append(f"{r.day.zh}{r.first}-{r.last}")
    return ";".join(parts)


def _grades_text(grades: tuple[int, ...]) -> str:
    if grades and list(grades) == list(range(grades[0], grades[-1] + 1)) and len(grades) > 1:
        return f"{grades[0]}-{grades[-1]}"
    return ";".join(str(g) for g in grades)


def table_rows(scenario: Scenario) -> dict[str, list[list[str]]]:
    """Every table of a scenario as rows of cell text (canonical headers first)."""
    def rows_of(name: str, objects: Any, getters: dict[str, Any]) -> list[list[str]]:
        table = TABLE_BY_NAME[name]
        header = [c.name for c in table.columns]
        body = [[_cell(getters[c](o)) if c in getters else _cell(getattr(o, c, None)) for c in header] for o in objects]
        return [header] + body

    return {
        "schools": rows_of("schools", scenario.schools, {"grades": lambda s: _grades_text(s.grades)}),
        "classes": rows_of("classes", scenario.classes, {}),
        "teachers": rows_of("teachers", scenario.teachers, {
            "unavailable": lambda t: _slots_text(t.unavailable), "preferred": lambda t: _slots_text(t.preferred),
            "avoided": lambda t: _slots_text(t.avoided)}),
        "curriculum": rows_of("curriculum", scenario.curriculum, {}),
        "travel": rows_of("travel", scenario.travel.edges, {"from": lambda e: e.a, "to": lambda e: e.b}),
        "assignments": rows_of("assignments", scenario.assignments, {"class": lambda a: a.class_id}),
        "rooms": rows_of("rooms", scenario.rooms, {}),
        "sync_lessons": rows_of("sync_lessons", scenario.sync_lessons, {}),
        "research_blocks": rows_of("research_blocks", scenario.research_blocks, {
            "grades": lambda r: _grades_text(r.grades), "days": lambda r: [d.zh for d in r.days]}),
        "pacing": rows_of("pacing", scenario.pacing, {"date": lambda r: r.date.isoformat() if r.date else ""}),
    }


def _periods_yaml(periods: tuple[BellPeriod, ...]) -> list[str]:
    return [f"{p.start:%H:%M}-{p.end:%H:%M}" for p in periods]


def scenario_yaml(scenario: Scenario) -> dict[str, Any]:
    term = scenario.term
    data: dict[str, Any] = {
        "district": scenario.district,
        "term": {
            "name": term.name, "start": term.start.isoformat(), "end": term.end.isoformat(),
            "use_official_holidays": term.use_official_holidays,
            "holidays": [d.isoformat() for d in term.holidays],
            "makeup_days": [{"date": m.date.isoformat(), "follows": m.follows.zh} for m in term.makeup_days],
            "assessment_days": [d.isoformat() for d in term.assessment_days],
        },
        "consortia": [{"id": c.id, "name": c.name, "kind": c.kind.value} for c in scenario.consortia],
        "bell_schedules": [{
            "id": b.id, "name": b.name, "days": [d.zh for d in b.days], "periods": _periods_yaml(b.periods),
            **({"seasons": [{"name": s.name, "starts": s.starts.isoformat(), "periods": _periods_yaml(s.periods)}
                            for s in b.seasons]} if b.seasons else {}),
        } for b in scenario.bell_schedules],
        "subjects": [s.model_dump(exclude_defaults=True) for s in scenario.subjects],
        "weights": scenario.weights.model_dump(),
    }
    if scenario.quality != QualityRules():
        data["quality"] = _quality_yaml(scenario.quality)
    if scenario.itinerant_posts:
        data["itinerant_posts"] = [p.model_dump(mode="json") for p in scenario.itinerant_posts]
    if scenario.activities:
        data["activities"] = [a.model_dump(mode="json") for a in scenario.activities]
    if scenario.exchange != ExchangePolicy():
        data["exchange"] = scenario.exchange.model_dump(mode="json")
    if scenario.substitution != ChangePolicy():
        data["substitution"] = scenario.substitution.model_dump(mode="json")
    if scenario.imported_from:
        data["imported_from"] = scenario.imported_from
        data["not_imported"] = list(scenario.not_imported)
    if scenario.explicit is not None:
        from models.explicit_files import explicit_yaml

        data["explicit"] = explicit_yaml(scenario.explicit)
    return data


def _quality_yaml(quality: QualityRules) -> dict[str, Any]:
    data = quality.model_dump(mode="json", exclude_defaults=True)
    if quality.free_slots:
        data["free_slots"] = _slots_text(quality.free_slots)
    return data


def write_yaml(data: dict[str, Any], path: Path) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")


def write_csv(rows: list[list[str]], path: Path) -> None:
    """CSV with a BOM, so Excel on Windows opens Chinese text correctly (models.cells.csv_bytes)."""
    path.write_bytes(csv_bytes(rows))


def write_scenario(scenario: Scenario, folder: Path | str, table_format: str = "csv") -> list[Path]:
    """Write a scenario folder (scenario.yaml + one CSV or XLSX per table); byte-identical on rerun."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / YAML_NAME]
    write_yaml(scenario_yaml(scenario), written[0])
    for name, rows in table_rows(scenario).items():
        if len(rows) == 1 and not TABLE_BY_NAME[name].required:
            continue
        path = folder / f"{name}.{table_format}"
        if table_format == "csv":
            write_csv(rows, path)
        else:
            write_workbook({name: rows}, path)
        written.append(path)
    if scenario.explicit is not None:
        from models.explicit_files import write_explicit

        written += write_explicit(scenario.explicit, folder)
    return written


def write_workbook(sheets: dict[str, list[list[str]]], path: Path) -> None:
    """An XLSX workbook with one sheet per table, the header bold; byte-identical on rerun (models.cells)."""
    def fill(book: Any) -> None:
        bold = book.add_format({"bold": True})
        for name, rows in sheets.items():
            sheet = book.add_worksheet(name[:31])
            for r, row in enumerate(rows):
                for col, value in enumerate(row):
                    write_cell(sheet, r, col, value, bold if r == 0 else None)
            for col in range(len(rows[0]) if rows else 0):
                width = max(len(str(row[col])) if col < len(row) else 0 for row in rows)
                sheet.set_column(col, col, min(40, max(10, 2 * width)))

    path.write_bytes(workbook_bytes(fill))
