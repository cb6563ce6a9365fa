"""The formats a scenario arrives in read the same: CSV (UTF-8 with or without BOM, GB18030, UTF-16, tabs),
XLSX per table, one workbook with a sheet per table, Chinese headers; and the YAML details people type."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

import cli
from fixtures.validate_base import (
    OLD_INIT_COUNTY_PERIODS, OLD_INIT_COUNTY_WINTER, TABLES, edit_yaml, read_rows, write_base,
)
from models.files import write_workbook
from models.validation import load_scenario
from models.tables import TABLE_BY_NAME
from models.validation import validate_folder


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_base(tmp_path_factory.mktemp("formats") / "county")


@pytest.fixture(scope="module")
def reference(base: Path) -> dict:
    return load_scenario(base).model_dump()


def _copy(base: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "county"
    shutil.copytree(base, folder)
    return folder


def _typed(cell: str) -> object:
    """A cell as Excel would store it: digits as numbers, so the reader must handle numeric cells."""
    return int(cell) if cell.lstrip("-").isdigit() else cell


def test_xlsx_tables_read_the_same_as_csv(base: Path, reference: dict, tmp_path: Path) -> None:
    folder = _copy(base, tmp_path)
    for name in TABLES:
        rows = read_rows(folder, name)
        (folder / f"{name}.csv").unlink()
        book = openpyxl.Workbook()
        for row in rows:
            book.active.append([_typed(c) for c in row])
        book.save(folder / f"{name}.xlsx")
    scenario, problems = validate_folder(folder)
    assert problems == []
    assert scenario is not None and scenario.model_dump() == reference


def test_one_workbook_with_chinese_sheet_names_and_headers_reads_the_same(base: Path, reference: dict,
                                                                           tmp_path: Path) -> None:
    folder = _copy(base, tmp_path)
    sheets = {}
    for name in TABLES:
        rows = read_rows(folder, name)
        (folder / f"{name}.csv").unlink()
        table = TABLE_BY_NAME[name]
        sheets[table.zh] = [[table.column(c).zh for c in rows[0]]] + rows[1:]
    write_workbook(sheets, folder / "scenario.xlsx")
    scenario, problems = validate_folder(folder)
    assert problems == []
    assert scenario is not None and scenario.model_dump() == reference


def test_gb18030_csv_is_read_correctly_with_a_warning(base: Path, reference: dict, tmp_path: Path) -> None:
    folder = _copy(base, tmp_path)
    for name in ("schools", "teachers"):
        text = (folder / f"{name}.csv").read_bytes().decode("utf-8-sig")
        (folder / f"{name}.csv").write_bytes(text.encode("gb18030"))
    scenario, problems = validate_folder(folder)
    assert scenario is not None and scenario.model_dump() == reference
    assert [(p.file, p.code, p.severity) for p in problems] == [
        ("schools.csv", "encoding_gbk", "warning"), ("teachers.csv", "encoding_gbk", "warning")]
    for lang, phrase in (("en", "read as GB18030/GBK"), ("zh", "按 GB18030/GBK 编码读取")):
        result = CliRunner().invoke(cli.main, ["--lang", lang, "validate", str(folder)])
        assert result.exit_code == 0, result.output
        assert phrase in result.output


def test_utf8_without_bom_utf16_and_tabs_read_as_is(base: Path, reference: dict, tmp_path: Path) -> None:
    folder = _copy(base, tmp_path)
    text = (folder / "teachers.csv").read_bytes().decode("utf-8-sig")
    (folder / "teachers.csv").write_bytes(text.encode("utf-8"))
    classes = (folder / "classes.csv").read_bytes().decode("utf-8-sig")
    (folder / "classes.csv").write_bytes(classes.encode("utf-16"))
    (folder / "curriculum.csv").write_text("\n".join("\t".join(r) for r in read_rows(folder, "curriculum")), encoding="utf-8")
    scenario, problems = validate_folder(folder)
    assert problems == []
    assert scenario is not None and scenario.model_dump() == reference


def test_a_csv_in_neither_utf8_nor_gb18030_says_how_to_fix_it(base: Path, tmp_path: Path) -> None:
    folder = _copy(base, tmp_path)
    (folder / "rooms.csv").write_bytes("id,school,name,subjects\n".encode() + b"\xff\xfe\xff\xfd,x,y,z\n")
    for lang, phrase in (("en", "save as 'CSV UTF-8 (comma delimited)'"), ("zh", "另存为“CSV UTF-8（逗号分隔）”")):
        result = CliRunner().invoke(cli.main, ["--lang", lang, "validate", str(folder)])
        assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
        line = next(line for line in result.output.splitlines() if "rooms.csv" in line)
        assert phrase in line and ("row 2" in line or "第 2 行" in line)


def test_xlsx_title_row_is_reported_as_header_on_row_2(base: Path, tmp_path: Path) -> None:
    folder = _copy(base, tmp_path)
    rows = read_rows(folder, "teachers")
    (folder / "teachers.csv").unlink()
    book = openpyxl.Workbook()
    book.active.append(["示例县教师名册（2026年秋）"])
    for row in rows:
        book.active.append(row)
    book.save(folder / "teachers.xlsx")
    scenario, problems = validate_folder(folder)
    assert [(p.file, p.row, p.code, p.params["row"]) for p in problems] == [("teachers.xlsx", 1, "header_on_row", 2)]
    # The rows below the header are still read, with their own spreadsheet row numbers.
    assert scenario is not None and len(scenario.teachers) == len(rows) - 1
    result = CliRunner().invoke(cli.main, ["--lang", "zh", "validate", str(folder)])
    assert result.exit_code == 2
    assert "teachers.xlsx，第 1 行，列 A: " in result.output
    assert "表头在第 2 行而非第 1 行" in result.output


def test_a_file_that_is_not_a_workbook_is_a_problem(base: Path, tmp_path: Path) -> None:
    folder = _copy(base, tmp_path)
    (folder / "rooms.csv").unlink()
    (folder / "rooms.xlsx").write_bytes(b"id,school,name,subjects\n")
    _, problems = validate_folder(folder)
    assert [(p.file, p.code) for p in problems] == [("rooms.xlsx", "bad_xlsx")]


def test_init_workbook_validates_and_holds_the_example_rows(tmp_path: Path) -> None:
    folder = tmp_path / "new"
    runner = CliRunner()
    assert runner.invoke(cli.main, ["init", str(folder)]).exit_code == 0
    result = runner.invoke(cli.main, ["--lang", "en", "validate", str(folder)])
    assert result.exit_code == 0, result.output
    scenario = load_scenario(folder)
    assert [s.name for s in scenario.schools] == ["示例一小", "示例村小"]
    assert [t.id for t in scenario.teachers] == ["T0001", "T0002"]
    book = openpyxl.load_workbook(folder / "scenario.xlsx")
    assert book.sheetnames == list(TABLE_BY_NAME)


def test_unquoted_clock_times_in_yaml_are_times_not_sexagesimal_numbers(base: Path, tmp_path: Path) -> None:
    folder = _copy(base, tmp_path)
    text = (folder / "scenario.yaml").read_text(encoding="utf-8")
    # YAML 1.1 reads an unquoted 8:00 as the number 480; tongbu reads it as the clock time it is.
    text = text.replace("  - 08:20-09:00\n", "  - {start: 8:20, end: 9:00}\n", 1)
    (folder / "scenario.yaml").write_text(text, encoding="utf-8")
    assert "{start: 8:20, end: 9:00}" in text
    scenario = load_scenario(folder)
    period = scenario.bells_by_id["乡村作息"].periods[0]
    assert (f"{period.start:%H:%M}", f"{period.end:%H:%M}") == ("08:20", "09:00")


def test_yaml_syntax_error_names_the_line(base: Path, tmp_path: Path) -> None:
    folder = _copy(base, tmp_path)
    lines = (folder / "scenario.yaml").read_text(encoding="utf-8").splitlines()
    broken = next(i for i, line in enumerate(lines) if "kind: co_built" in line)
    lines[broken] = lines[broken].replace("co_built", "[co_built")
    (folder / "scenario.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, problems = validate_folder(folder)
    assert [p.code for p in problems] == ["bad_yaml"]
    # The parser notices the unclosed bracket at the next line at the latest.
    assert problems[0].row in (broken + 1, broken + 2)


def test_a_single_date_where_a_list_is_expected_is_a_list_of_one(base: Path, tmp_path: Path) -> None:
    folder = _copy(base, tmp_path)
    edit_yaml(folder, lambda d: d["term"].__setitem__("assessment_days", "2027-01-14"))
    scenario = load_scenario(folder)
    assert [str(d) for d in scenario.term.assessment_days] == ["2027-01-14"]


def test_every_problem_is_reported_in_a_stable_order(base: Path, tmp_path: Path) -> None:
    folder = _copy(base, tmp_path)
    rows = read_rows(folder, "classes")
    rows[1][1] = "不存在小学"
    rows[3][2] = "abc"
    (folder / "classes.csv").write_bytes(("\r\n".join(",".join(r) for r in rows) + "\r\n").encode("utf-8-sig"))
    edit_yaml(folder, lambda d: d["bell_schedules"][0]["periods"].__setitem__(1, "08:30-09:30"))
    _, problems = validate_folder(folder)
    found = [(p.file, p.row, p.column, p.code) for p in problems]
    assert ("classes.csv", 2, "school", "unknown_ref") in found
    assert ("classes.csv", 4, "grade", "not_int") in found
    assert any(p.file == "scenario.yaml" and p.code == "bell_overlap" for p in problems)
    assert found == sorted(found, key=lambda f: (f[0], f[1] or -1, f[2] or "", f[3]))
    again = [(p.file, p.row, p.column, p.code) for p in validate_folder(folder)[1]]
    assert again == found
    outputs = {CliRunner().invoke(cli.main, ["--lang", "en", "validate", str(folder)]).output for _ in range(2)}
    assert len(outputs) == 1


def test_yaml_that_is_not_utf8_says_so(base: Path, tmp_path: Path) -> None:
    folder = _copy(base, tmp_path)
    text = (folder / "scenario.yaml").read_text(encoding="utf-8")
    (folder / "scenario.yaml").write_bytes(text.encode("gb18030"))
    _, problems = validate_folder(folder)
    assert [p.code for p in problems] == ["yaml_encoding"]
    assert problems[0].row == 1 + next(i for i, line in enumerate(text.splitlines()) if any(ord(c) > 127 for c in line))


def test_scenario_yaml_shapes_never_raise(base: Path, tmp_path: Path) -> None:
    folder = _copy(base, tmp_path)
    for document in ("[]", "42", "term: 5\nbell_schedules: {id: x}\nconsortia: abc\nsubjects: [1, 2]\nweights: [1]\n",
                     "bell_schedules: [{id: x, periods: '08:00-08:40', days: 周一}]\n", "? [a]\n: b\n", "a: 2026-02-30\n"):
        (folder / "scenario.yaml").write_text(document, encoding="utf-8")
        scenario, problems = validate_folder(folder)
        assert scenario is None and any(p.severity == "error" for p in problems), document
        assert all(p.render("en") and p.render("zh") for p in problems)


# --- XLSX problems named for what they are (issue #14, part 4) -----------------------------------------


def _workbook_of_every_table(folder: Path, rename: dict[str, str] | None = None) -> Path:
    """The folder's tables moved into one scenario.xlsx (CSV files removed); sheets renamed as given."""
    sheets = {}
    for name in TABLES:
        sheets[(rename or {}).get(name, name)] = read_rows(folder, name)
        (folder / f"{name}.csv").unlink()
    write_workbook(sheets, folder / "scenario.xlsx")
    return folder / "scenario.xlsx"


def _table_as_xlsx(folder: Path, name: str) -> tuple[openpyxl.Workbook, Path]:
    """One table moved from CSV to NAME.xlsx, as a workbook still open for changes (saved by the caller)."""
    rows = read_rows(folder, name)
    (folder / f"{name}.csv").unlink()
    book = openpyxl.Workbook()
    book.active.title = "教师名册"
    for row in rows:
        book.active.append([_typed(c) for c in row])
    return book, folder / f"{name}.xlsx"


def _render(problems: list, lang: str) -> str:
    return "\n".join(p.render(lang) for p in problems)


def test_a_truncated_workbook_is_one_problem_naming_it(base: Path, tmp_path: Path) -> None:
    folder = _copy(base, tmp_path)
    book = _workbook_of_every_table(folder)
    book.write_bytes(book.read_bytes()[: book.stat().st_size // 2])
    scenario, problems = validate_folder(folder)
    assert scenario is None
    assert [(p.file, p.code) for p in problems] == [("scenario.xlsx", "bad_xlsx")]
    assert "scenario.xlsx is not a readable workbook (BadZipFile" in _render(problems, "en")
    assert "scenario.xlsx 不是可读取的工作簿" in _render(problems, "zh")
    assert "missing" not in _render(problems, "en")


def test_a_renamed_sheet_lists_the_sheets_found(base: Path, tmp_path: Path) -> None:
    folder = _copy(base, tmp_path)
    _workbook_of_every_table(folder, rename={"teachers": "教师名单"})
    _, problems = validate_folder(folder)
    assert [(p.file, p.code) for p in problems] == [("scenario.xlsx", "missing_sheet")]
    sheets = "schools、classes、教师名单、curriculum、travel、assignments、rooms、sync_lessons、research_blocks"
    assert (f"table 'teachers' is missing: scenario.xlsx has no sheet named 'teachers' or '教师' (its sheets: {sheets})"
            in _render(problems, "en"))
    assert f"scenario.xlsx 中没有名为“teachers”或“教师”的工作表（现有工作表：{sheets}）" in _render(problems, "zh")


def test_merged_cells_name_the_sheet_and_range(base: Path, tmp_path: Path) -> None:
    folder = _copy(base, tmp_path)
    book, path = _table_as_xlsx(folder, "teachers")
    book.active.merge_cells("C3:C4")  # two teachers of 示例一小 with the school typed once
    book.save(path)
    _, problems = validate_folder(folder)
    merged = [p for p in problems if p.code == "xlsx_merged"]
    assert [(p.file, p.row, p.column) for p in merged] == [("teachers.xlsx", 3, "school")]
    assert ("teachers.xlsx, row 3, column school (学校): sheet '教师名册' has merged cells C3:C4: only the first cell"
            in _render(problems, "en"))
    assert "unmerge them" in _render(merged, "en") and "请取消合并" in _render(merged, "zh")


def test_a_formula_without_a_saved_value_names_the_cell(base: Path, tmp_path: Path) -> None:
    folder = _copy(base, tmp_path)
    book, path = _table_as_xlsx(folder, "teachers")
    book.active["B2"] = '="张"&"丽"'  # openpyxl, like other libraries, saves formulas without computing them
    book.save(path)
    _, problems = validate_folder(folder)
    assert [(p.file, p.row, p.column, p.code) for p in problems] == [("teachers.xlsx", 2, "name", "xlsx_formula")]
    assert ("cell B2 of sheet '教师名册' holds the formula =\"张\"&\"丽\" but no saved value" in _render(problems, "en"))
    assert "open it in Excel or WPS and save it, or paste the values" in _render(problems, "en")
    assert "单元格 B2 是公式" in _render(problems, "zh") and "选择性粘贴 → 数值" in _render(problems, "zh")


def test_a_formula_with_its_saved_value_reads_the_value(base: Path, reference: dict, tmp_path: Path) -> None:
    import zipfile

    folder = _copy(base, tmp_path)
    book, path = _table_as_xlsx(folder, "teachers")
    book.active["B2"] = '="张"&"丽"'
    book.active["G2"] = '=""'  # unavailable: a formula whose value is empty text
    book.save(path)
    # What Excel saves: the formula and, beside it, the value it calculated (empty text as t="str").
    with zipfile.ZipFile(path) as source:
        entries = {name: source.read(name) for name in source.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    xml = entries[sheet].decode()
    assert '<c r="B2"><f>"张"&amp;"丽"</f><v /></c>' in xml
    assert '<c r="G2"><f>""</f><v /></c>' in xml
    entries[sheet] = xml.replace('<c r="B2"><f>"张"&amp;"丽"</f><v /></c>',
                                 '<c r="B2" t="str"><f>"张"&amp;"丽"</f><v>张丽</v></c>').replace(
        '<c r="G2"><f>""</f><v /></c>', '<c r="G2" t="str"><f>""</f><v></v></c>').encode()
    with zipfile.ZipFile(path, "w") as target:
        for name, data in entries.items():
            target.writestr(name, data)
    scenario, problems = validate_folder(folder)
    assert problems == []
    assert scenario is not None and scenario.model_dump() == reference


@pytest.mark.parametrize("second", ["teachers.xlsx", "scenario.xlsx[teachers]", "scenario.xlsx[教师]"])
def test_a_table_given_twice_names_both_files(base: Path, tmp_path: Path, second: str) -> None:
    folder = _copy(base, tmp_path)
    rows = read_rows(folder, "teachers")
    if second == "teachers.xlsx":
        write_workbook({"teachers": rows}, folder / "teachers.xlsx")
    else:
        write_workbook({second.split("[")[1].rstrip("]"): rows}, folder / "scenario.xlsx")
    _, problems = validate_folder(folder)
    assert [(p.file, p.code) for p in problems] == [("teachers.csv", "table_twice")]
    assert (f"table 'teachers' is given twice, in teachers.csv and in {second}: keep one and delete or rename the other"
            in _render(problems, "en"))
    assert f"数据表“teachers”出现了两次：teachers.csv 和 {second}" in _render(problems, "zh")


def test_init_scaffold_validates_and_solves(tmp_path: Path) -> None:
    """`tongbu init x && tongbu validate x && tongbu solve x --out y`: the example sync lessons can be live."""
    folder, out = tmp_path / "x", tmp_path / "y"
    runner = CliRunner()
    assert runner.invoke(cli.main, ["init", str(folder)]).exit_code == 0
    result = runner.invoke(cli.main, ["--lang", "en", "validate", str(folder)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli.main, ["--lang", "en", "solve", str(folder), "--out", str(out), "--time-limit", "10"])
    assert result.exit_code == 0, result.output
    assert (out / "sync_table.csv").is_file()


def test_init_scaffold_with_its_old_bells_is_caught_by_validate(tmp_path: Path) -> None:
    """The bells `tongbu init` wrote before (no period of 县城作息 within one of 乡村作息 in both seasons) left the
    example sync lessons S1 and S2 with no common time: validate says so instead of solve failing."""
    folder = tmp_path / "x"
    assert CliRunner().invoke(cli.main, ["init", str(folder)]).exit_code == 0

    def old_bells(data: dict) -> None:
        data["bell_schedules"][0]["periods"] = OLD_INIT_COUNTY_PERIODS
        data["bell_schedules"][0]["seasons"][0]["periods"] = OLD_INIT_COUNTY_WINTER

    edit_yaml(folder, old_bells)
    _, problems = validate_folder(folder)
    assert [(p.file, p.row, p.column, p.code, p.params["how"]) for p in problems] == [
        ("scenario.xlsx[sync_lessons]", 2, "receiving_classes", "sync_no_common_time",
         "nest (the shorter period inside the other's clock times)"),
        ("scenario.xlsx[sync_lessons]", 3, "receiving_classes", "sync_no_common_time", "overlap by at least 30 minutes")]
