"""Reading and writing scenario folders: ``scenario.yaml`` plus CSV or XLSX tables.

Reading collects every problem it finds (not only the first) with file, row and column, then
builds the immutable :class:`models.Scenario`. Reference and capacity checks that need the whole
scenario live in :mod:`models.validation`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from models.alignment import ResearchBlock, SyncLesson
from models.bells import BellPeriod, BellSchedule, BellSeason
from models.calendar import MakeupDay, TermCalendar
from models.curriculum import CurriculumEntry, Subject
from models.enums import ConsortiumKind, DeliveryMode, Weekday
from models.later import ActivityRule, ExchangePolicy, ItinerantPost
from models.preferences import SoftWeights
from models.problems import Problem, ScenarioInvalid, sorted_problems
from models.scenario import Scenario
from models.school import Consortium, Room, School, SchoolClass
from models.staff import Teacher, TeachingAssignment
from models.tables import TABLE_BY_NAME, TABLES, CellError, Table, parse_date
from models.times import parse_clock
from models.travel import TravelEdge, TravelTimes

YAML_NAME = "scenario.yaml"
WORKBOOK_NAME = "scenario.xlsx"


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

    def problem(self, file: str, code: str, at_row: int | None = None, at_column: str | None = None,
                severity: str = "error", **params: object) -> None:
        self.problems.append(Problem(file=file, code=code, params=params, row=at_row, column=at_column, severity=severity))

    # --- tables -------------------------------------------------------------------------------

    def find_table(self, table: Table, config: dict[str, Any]) -> tuple[Path, str | None] | None:
        named = (config.get("tables") or {}).get(table.name)
        candidates = [self.folder / named] if named else []
        candidates += [self.folder / f"{table.name}.csv", self.folder / f"{table.name}.xlsx"]
        for path in candidates:
            if path.is_file():
                return path, None
        workbook = self.folder / str(config.get("workbook") or WORKBOOK_NAME)
        if workbook.is_file():
            import openpyxl

            try:
                sheets = openpyxl.load_workbook(workbook, read_only=True).sheetnames
            except Exception:  # noqa: BLE001 - reported as a problem when the sheet is read
                sheets = []
            for sheet in sheets:
                if sheet.strip() in (table.name, table.zh):
                    return workbook, sheet
        return None

    def read_table(self, table: Table, config: dict[str, Any]) -> RawTable | None:
        found = self.find_table(table, config)
        if found is None:
            if table.required:
                self.problem(YAML_NAME, "missing_table", table=table.name,
                             workbook=config.get("workbook") or WORKBOOK_NAME)
            return None
        path, sheet = found
        label = path.name if sheet is None else f"{path.name}[{sheet}]"
        grid = self.read_grid(path, sheet, label)
        if grid is None:
            return None
        return self.grid_to_rows(table, grid, label)

    def read_grid(self, path: Path, sheet: str | None, label: str) -> list[list[str]] | None:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            return self.read_xlsx(path, sheet, label)
        return self.read_csv(path, label)

    def read_csv(self, path: Path, label: str) -> list[list[str]] | None:
        data = path.read_bytes()
        if not data.strip():
            return []
        text = decode_csv_bytes(data)
        if text is None:
            self.problem(label, "encoding_unknown")
            return None
        if text[1]:
            self.problem(label, "encoding_gbk", severity="warning")
        sample = text[0][:4096]
        delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
        return [list(row) for row in csv.reader(io.StringIO(text[0]), delimiter=delimiter)]

    def read_xlsx(self, path: Path, sheet: str | None, label: str) -> list[list[str]] | None:
        import openpyxl

        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as err:  # noqa: BLE001 - any unreadable workbook is the user's to fix
            self.problem(label, "bad_xlsx", detail=str(err) or type(err).__name__)
            return None
        worksheet = book[sheet] if sheet else book.worksheets[0]
        grid = [[xlsx_cell_text(v) for v in row] for row in worksheet.iter_rows(values_only=True)]
        book.close()
        return grid

    def grid_to_rows(self, table: Table, grid: list[list[str]], label: str) -> RawTable | None:
        grid = [[cell.strip() for cell in row] for row in grid]
        if not any(any(cell for cell in row) for row in grid):
            self.problem(label, "empty_file", columns=", ".join(c.name for c in table.columns))
            return None
        names = table.header_names()
        required = [c.name for c in table.columns if c.required]
        header_index = 0
        for index, row in enumerate(grid[:6]):
            found = {names.get(cell.lower()) for cell in row}
            if all(name in found for name in required):
                header_index = index
                break
        if header_index:
            self.problem(label, "header_on_row", at_row=1, row=header_index + 1, extra=header_index)
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
                    if column.required:
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
        return result

    def build(self, file: str, row: int | None, make: type, values: dict[str, Any], column: str | None = None) -> Any:
        """Construct a model; a validation error becomes a problem at this place (and None)."""
        try:
            return make(**values)
        except ValidationError as err:
            for error in err.errors():
                cause = (error.get("ctx") or {}).get("error")
                if isinstance(cause, CellError):
                    self.problem(file, cause.code, at_row=row, at_column=column, **cause.params)
                    continue
                where = ".".join(str(p) for p in error.get("loc", ()))
                detail = error.get("msg", "").removeprefix("Value error, ")
                self.problem(file, "bad_value", at_row=row, at_column=column or where or None, detail=detail)
            return None


def decode_csv_bytes(data: bytes) -> tuple[str, bool] | None:
    """Text of a CSV and whether it was GB18030: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030."""
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        try:
            return data.decode("utf-16"), False
        except UnicodeDecodeError:
            return None
    try:
        return data.decode("utf-8-sig"), False
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), True
    except UnicodeDecodeError:
        return None


def xlsx_cell_text(value: Any) -> str:
    if value is None:
        return ""
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


def _periods(reader: Reader, raw: Any, where: str) -> tuple[BellPeriod, ...] | None:
    if not isinstance(raw, list) or not raw:
        reader.problem(YAML_NAME, "bad_value", at_column=where, detail="periods must be a list like ['08:00-08:40', …]")
        return None
    periods = []
    for index, item in enumerate(raw, start=1):
        spot = f"{where}[{index}]"
        if isinstance(item, str) and "-" in item:
            start, _, end = item.partition("-")
            item = {"start": start, "end": end}
        if not isinstance(item, dict):
            reader.problem(YAML_NAME, "bad_value", at_column=spot, detail="a period is 'HH:MM-HH:MM' or {start, end}")
            return None
        try:
            start, end = parse_clock(str(item.get("start", ""))), parse_clock(str(item.get("end", "")))
        except ValueError as err:
            reader.problem(YAML_NAME, "bad_time", at_column=spot, value=str(err).split("'")[1] if "'" in str(err) else item)
            return None
        if end <= start:
            reader.problem(YAML_NAME, "bell_order", at_column=spot, period=index, start=f"{start:%H:%M}", end=f"{end:%H:%M}")
            return None
        if periods and start < periods[-1].end:
            reader.problem(YAML_NAME, "bell_overlap", at_column=spot, period=index, start=f"{start:%H:%M}",
                           prev=index - 1, end=f"{periods[-1].end:%H:%M}")
            return None
        periods.append(BellPeriod(start=start, end=end, half=item.get("half")))
    return tuple(periods)


def _date(reader: Reader, value: Any, where: str) -> date | None:
    try:
        return parse_date(value)
    except CellError as err:
        reader.problem(YAML_NAME, err.code, at_column=where, **err.params)
        return None


def _dates(reader: Reader, raw: Any, where: str) -> list[date]:
    """Dates, with ranges written '2026-10-01..2026-10-08'."""
    result: list[date] = []
    for index, item in enumerate(raw or [], start=1):
        spot = f"{where}[{index}]"
        text = str(item)
        if ".." in text:
            first_text, _, last_text = text.partition("..")
            first, last = _date(reader, first_text, spot), _date(reader, last_text, spot)
            if first and last:
                result += [first + timedelta(days=i) for i in range((last - first).days + 1)]
        else:
            one = _date(reader, item, spot)
            if one:
                result.append(one)
    return result


def read_term(reader: Reader, raw: Any) -> TermCalendar | None:
    if not isinstance(raw, dict):
        reader.problem(YAML_NAME, "required", at_column="term", what="term (start, end, holidays, makeup_days)")
        return None
    start, end = _date(reader, raw.get("start"), "term.start"), _date(reader, raw.get("end"), "term.end")
    holidays = _dates(reader, raw.get("holidays"), "term.holidays")
    assessment = _dates(reader, raw.get("assessment_days"), "term.assessment_days")
    makeups = []
    for index, item in enumerate(raw.get("makeup_days") or [], start=1):
        spot = f"term.makeup_days[{index}]"
        if not isinstance(item, dict) or "date" not in item or "follows" not in item:
            reader.problem(YAML_NAME, "bad_value", at_column=spot, detail="a make-up day is {date: 2026-10-10, follows: 周五}")
            continue
        day = _date(reader, item["date"], spot + ".date")
        try:
            follows = Weekday(str(item["follows"]))
        except ValueError:
            reader.problem(YAML_NAME, "bad_choice", at_column=spot + ".follows", value=item["follows"],
                           choices="周一, 周二, 周三, 周四, 周五 (Mon…Fri)")
            continue
        if day is None:
            continue
        if day in holidays:
            reader.problem(YAML_NAME, "makeup_on_holiday", at_column=spot, date=day)
            continue
        if day.weekday() < 5:
            reader.problem(YAML_NAME, "makeup_on_weekday", at_column=spot, date=day,
                           weekday=Weekday.of_index(day.weekday()).value)
            continue
        if follows in (Weekday.SAT, Weekday.SUN):
            reader.problem(YAML_NAME, "makeup_follows_weekend", at_column=spot, date=day, follows=follows.zh)
            continue
        makeups.append(MakeupDay(date=day, follows=follows))
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
    return reader.build(YAML_NAME, None, TermCalendar, dict(
        name=str(raw.get("name", "")), start=start, end=end, holidays=tuple(sorted(set(holidays))),
        makeup_days=tuple(sorted(makeups, key=lambda m: m.date)), assessment_days=tuple(sorted(set(assessment))),
        use_official_holidays=bool(raw.get("use_official_holidays", True))), column="term")


def read_bells(reader: Reader, raw: Any) -> list[BellSchedule]:
    schedules = []
    seen: set[str] = set()
    for index, item in enumerate(raw or [], start=1):
        where = f"bell_schedules[{index}]"
        if not isinstance(item, dict) or not item.get("id"):
            reader.problem(YAML_NAME, "required", at_column=where, what="id")
            continue
        bell_id = str(item["id"])
        if bell_id in seen:
            reader.problem(YAML_NAME, "duplicate_id", at_column=where, id=bell_id, other="-")
        seen.add(bell_id)
        periods = _periods(reader, item.get("periods"), f"{where}.periods")
        try:
            days = tuple(Weekday(str(d)) for d in item.get("days") or ["mon", "tue", "wed", "thu", "fri"])
        except ValueError as err:
            reader.problem(YAML_NAME, "bad_choice", at_column=f"{where}.days", value=str(err).split("'")[1] if "'" in str(err) else "",
                           choices="周一…周日 / Mon…Sun")
            continue
        seasons = []
        for s_index, season in enumerate(item.get("seasons") or [], start=1):
            s_where = f"{where}.seasons[{s_index}]"
            if not isinstance(season, dict):
                reader.problem(YAML_NAME, "bad_value", at_column=s_where, detail="a season is {name, starts, periods}")
                continue
            s_periods = _periods(reader, season.get("periods"), f"{s_where}.periods")
            starts = _date(reader, season.get("starts"), f"{s_where}.starts")
            if s_periods is None or starts is None:
                continue
            if periods is not None and len(s_periods) != len(periods):
                reader.problem(YAML_NAME, "season_periods", at_column=s_where, season=season.get("name", s_index),
                               count=len(s_periods), base=len(periods))
                continue
            seasons.append(BellSeason(name=str(season.get("name", f"season {s_index}")), starts=starts, periods=s_periods))
        if periods is None:
            continue
        built = reader.build(YAML_NAME, None, BellSchedule, dict(
            id=bell_id, name=str(item.get("name", "")), days=days, periods=periods, seasons=tuple(seasons)), column=where)
        if built:
            schedules.append(built)
    return schedules


def read_simple_list(reader: Reader, raw: Any, key: str, make: type, defaults: dict[str, Any] | None = None) -> list[Any]:
    items = []
    for index, item in enumerate(raw or [], start=1):
        where = f"{key}[{index}]"
        if not isinstance(item, dict):
            reader.problem(YAML_NAME, "bad_value", at_column=where, detail=f"each entry of {key} is a mapping")
            continue
        values = {**(defaults or {}), **{str(k): v for k, v in item.items()}}
        built = reader.build(YAML_NAME, None, make, values, column=where)
        if built:
            items.append(built)
    return items


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
    return result


def read_classes(reader: Reader, raws: dict[str, RawTable | None]) -> list[tuple[int, SchoolClass]]:
    result = []
    for row, values in _rows(reader, raws, "classes"):
        values.setdefault("id", f"{values['school']}{values['grade']}({values['section']})")
        built = reader.build(_file(raws, "classes"), row.number, SchoolClass, values)
        if built:
            result.append((row.number, built))
    return result


def read_generic(reader: Reader, raws: dict[str, RawTable | None], name: str, make: type,
                 rename: dict[str, str] | None = None) -> list[tuple[int, Any]]:
    result = []
    for row, values in _rows(reader, raws, name):
        for old, new in (rename or {}).items():
            if old in values:
                values[new] = values.pop(old)
        built = reader.build(_file(raws, name), row.number, make, values)
        if built:
            result.append((row.number, built))
    return result


@dataclass
class Loaded:
    """A scenario as read, with the row of every object so later checks can name it."""

    scenario: Scenario | None
    problems: list[Problem]
    rows: dict[tuple[str, str], int]
    files: dict[str, str]


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
    try:
        config = yaml.safe_load(yaml_path.read_text(encoding="utf-8-sig")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        reader.problem(YAML_NAME, "bad_yaml", detail=str(err).replace("\n", " "))
        return Loaded(None, reader.problems, {}, {})
    if not isinstance(config, dict):
        reader.problem(YAML_NAME, "yaml_not_mapping")
        return Loaded(None, reader.problems, {}, {})

    term = read_term(reader, config.get("term"))
    bells = read_bells(reader, config.get("bell_schedules"))
    if not config.get("bell_schedules"):
        reader.problem(YAML_NAME, "required", at_column="bell_schedules", what="bell_schedules")
    consortia = read_simple_list(reader, config.get("consortia"), "consortia", Consortium)
    if not config.get("consortia"):
        reader.problem(YAML_NAME, "required", at_column="consortia", what="consortia")
    subjects = read_simple_list(reader, config.get("subjects"), "subjects", Subject)
    if not config.get("subjects"):
        reader.problem(YAML_NAME, "required", at_column="subjects", what="subjects")
    weights = reader.build(YAML_NAME, None, SoftWeights, dict(config.get("weights") or {}), column="weights") or SoftWeights()
    posts = read_simple_list(reader, config.get("itinerant_posts"), "itinerant_posts", ItinerantPost)
    activities = read_simple_list(reader, config.get("activities"), "activities", ActivityRule)
    exchange = reader.build(YAML_NAME, None, ExchangePolicy, dict(config.get("exchange") or {}), column="exchange") or ExchangePolicy()

    raws = {table.name: reader.read_table(table, config) for table in TABLES}
    schools = read_schools(reader, raws)
    classes = read_classes(reader, raws)
    teachers = read_generic(reader, raws, "teachers", Teacher)
    curriculum = read_generic(reader, raws, "curriculum", CurriculumEntry)
    travel = read_generic(reader, raws, "travel", TravelEdge)
    assignments = read_generic(reader, raws, "assignments", TeachingAssignment)
    rooms = read_generic(reader, raws, "rooms", Room)
    syncs = read_generic(reader, raws, "sync_lessons", SyncLesson)
    research = read_generic(reader, raws, "research_blocks", ResearchBlock)

    files = {name: _file(raws, name) for name in TABLE_BY_NAME}
    rows: dict[tuple[str, str], int] = {}
    for kind, items in (("schools", schools), ("classes", classes), ("teachers", teachers), ("rooms", rooms),
                        ("sync_lessons", syncs), ("research_blocks", research)):
        for number, item in items:
            if ("dup:" + kind, item.id) in rows:
                continue
            if (kind, item.id) in rows:
                reader.problem(files[kind], "duplicate_id", at_row=number, at_column="id", id=item.id, other=rows[(kind, item.id)])
                rows[("dup:" + kind, item.id)] = number
            else:
                rows[(kind, item.id)] = number
    for kind, items in (("curriculum", curriculum), ("assignments", assignments), ("travel", travel)):
        for index, (number, _item) in enumerate(items):
            rows[(kind, str(index))] = number

    scenario = None
    if term is not None and not any(p.severity == "error" and p.code in ("missing_table", "missing_column", "empty_file",
                                                                          "encoding_unknown", "bad_xlsx") for p in reader.problems):
        scenario = reader.build(YAML_NAME, None, Scenario, dict(
            district=str(config.get("district", folder.name)), term=term, consortia=tuple(consortia),
            schools=tuple(_unique(s for _, s in schools)), bell_schedules=tuple(bells), subjects=tuple(subjects),
            curriculum=tuple(c for _, c in curriculum), classes=tuple(_unique(c for _, c in classes)),
            teachers=tuple(_unique(t for _, t in teachers)), assignments=tuple(a for _, a in assignments),
            rooms=tuple(_unique(r for _, r in rooms)), travel=TravelTimes(edges=tuple(e for _, e in travel)),
            sync_lessons=tuple(_unique(s for _, s in syncs)), research_blocks=tuple(_unique(r for _, r in research)),
            weights=weights, itinerant_posts=tuple(posts), activities=tuple(activities), exchange=exchange,
            imported_from=config.get("imported_from"), not_imported=tuple(config.get("not_imported") or ())))
    return Loaded(scenario, reader.problems, rows, files)


def _unique(items: Any) -> list[Any]:
    seen: set[str] = set()
    result = []
    for item in items:
        if item.id not in seen:
            seen.add(item.id)
            result.append(item)
    return result


def load_scenario(folder: Path | str) -> Scenario:
    """Load and validate a scenario folder; raise :class:`ScenarioInvalid` with every error found."""
    from models.validation import validate_folder

    scenario, problems = validate_folder(Path(folder))
    errors = [p for p in problems if p.severity == "error"]
    if errors or scenario is None:
        raise ScenarioInvalid(sorted_problems(errors))
    return scenario


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
    if scenario.itinerant_posts:
        data["itinerant_posts"] = [p.model_dump(mode="json") for p in scenario.itinerant_posts]
    if scenario.activities:
        data["activities"] = [a.model_dump(mode="json") for a in scenario.activities]
    if scenario.exchange != ExchangePolicy():
        data["exchange"] = scenario.exchange.model_dump(mode="json")
    if scenario.imported_from:
        data["imported_from"] = scenario.imported_from
        data["not_imported"] = list(scenario.not_imported)
    return data


def write_yaml(data: dict[str, Any], path: Path) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")


def write_csv(rows: list[list[str]], path: Path) -> None:
    """CSV with a BOM, so Excel on Windows opens Chinese text correctly."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))


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
    return written


def write_workbook(sheets: dict[str, list[list[str]]], path: Path) -> None:
    """An XLSX workbook with one sheet per table; fixed document properties so reruns are byte-identical."""
    import datetime as _dt
    import zipfile

    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(title=name[:31])
        for row in rows:
            sheet.append(list(row))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for index, column in enumerate(rows[0] if rows else [], start=1):
            width = max(len(str(r[index - 1])) if index - 1 < len(r) else 0 for r in rows)
            sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = min(40, max(10, 2 * width))
    fixed = _dt.datetime(2000, 1, 1)
    book.properties.created = fixed
    book.properties.modified = fixed
    book.properties.creator = "tongbu"
    book.save(path)
    # openpyxl stamps the save time into docProps/core.xml and zip entries; rewrite with fixed stamps.
    with zipfile.ZipFile(path) as source:
        entries = [(info.filename, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in entries:
            if name == "docProps/core.xml":
                import re as _re

                data = _re.sub(rb"<dcterms:modified[^>]*>[^<]*</dcterms:modified>",
                               b'<dcterms:modified xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z</dcterms:modified>', data)
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, data)
