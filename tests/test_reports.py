"""The printable outputs of a solve: school workbooks and pages, lessons.csv, the sync table, research blocks."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from fixtures.reports_scenario import CITY, P41, P42, SYNC_ID, TOWN, X41, scenario, solution

from models import LessonPlacement, Weekday
from reports import school_grids, write_all
from reports.labels import season_short, times_text
from reports.sync import sync_occurrences
from models.cells import ZIP_EPOCH
from reports.workbook import sheet_title

BOM = b"\xef\xbb\xbf"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("out")
    write_all(scenario(), solution(), folder)
    return folder


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


# --- what is written -------------------------------------------------------------------------------

def test_write_all_returns_every_file_sorted(tmp_path: Path) -> None:
    files = write_all(scenario(), solution(), tmp_path)
    names = [str(p.relative_to(tmp_path)) for p in files]
    assert names == sorted(names)
    assert set(names) == {
        "lessons.csv", "research_blocks.csv", "sync_table.csv", "sync_table.xlsx", "timetables/index.html",
        "timetables/grids.json",
        f"timetables/{CITY}.html", f"timetables/{CITY}.xlsx", f"timetables/{TOWN}.html", f"timetables/{TOWN}.xlsx"}
    assert all(p.is_file() and p.stat().st_size > 0 for p in files)


# --- school workbooks ------------------------------------------------------------------------------

def test_workbook_has_a_sheet_per_class_then_per_teacher_teaching_there(out: Path) -> None:
    city = openpyxl.load_workbook(out / "timetables" / f"{CITY}.xlsx")
    town = openpyxl.load_workbook(out / "timetables" / f"{TOWN}.xlsx")
    assert city.sheetnames == ["4(1)班", "4(2)班", "李强", "王芳"]
    assert town.sheetnames == ["4(1)班", "张伟", "赵敏"]


def test_class_sheet_has_weekday_header_clock_times_and_the_lesson_text(out: Path) -> None:
    ws = openpyxl.load_workbook(out / "timetables" / f"{CITY}.xlsx")["4(1)班"]
    assert ws["A1"].value == "彭水一小 4(1)班 课程表"
    assert [ws.cell(row=3, column=c).value for c in range(1, 8)] == ["节次", "时间", "周一", "周二", "周三", "周四", "周五"]
    assert [ws.cell(row=r, column=1).value for r in range(4, 10)] == [f"第{p}节" for p in range(1, 7)]
    # Base times with the winter times beside them; afternoon periods keep their times in winter.
    assert ws["B4"].value == "08:00-08:40\n(冬 08:10-08:50)"
    assert ws["B8"].value == "14:00-14:40"
    assert ws["E4"].value == "数学\n王芳"  # Wednesday period 1
    assert ws["C8"].value == "音乐\n李强"  # Monday period 5
    assert ws["D4"].value is None  # Tuesday period 1 is free


def test_double_period_is_one_merged_cell_over_two_rows(out: Path) -> None:
    ws = openpyxl.load_workbook(out / "timetables" / f"{CITY}.xlsx")["4(1)班"]
    assert ws["C4"].value == "数学\n王芳"
    assert "C4:C5" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["C5"].value is None


def test_sync_lesson_is_marked_with_its_partner_class_on_both_sides(out: Path) -> None:
    teaching = openpyxl.load_workbook(out / "timetables" / f"{CITY}.xlsx")["4(2)班"]
    receiving = openpyxl.load_workbook(out / "timetables" / f"{TOWN}.xlsx")["4(1)班"]
    assert teaching["D6"].value == "同步·音乐\n李强\n接收班：新田镇小学 4(1)班"  # Tuesday period 3
    assert receiving["D6"].value == "同步·音乐\n赵敏\n主讲班：彭水一小 4(2)班"
    assert teaching["D6"].fill.start_color.rgb.endswith("FFF2CC")
    assert teaching["D4"].fill.fill_type is None  # Tuesday maths is not a sync lesson
    assert receiving["B4"].value == "08:05-08:45\n(冬 08:15-08:55)"  # the town school's own bells


def test_teacher_sheet_shows_the_class_and_research_block_note(out: Path) -> None:
    wb = openpyxl.load_workbook(out / "timetables" / f"{CITY}.xlsx")
    music = wb["李强"]
    assert music["D6"].value == "同步·音乐\n4(2)班\n接收班：新田镇小学 4(1)班"
    assert music["C8"].value == "音乐\n4(1)班"
    maths = wb["王芳"]
    assert maths["C4"].value == "数学\n4(1)班" and "C4:C5" in {str(r) for r in maths.merged_cells.ranges}
    notes = [maths.cell(row=r, column=1).value for r in range(11, 14)]
    assert "教研：周三 15:40-16:40 四年级数学集体备课（彭水一小）" in notes


def test_teacher_sheet_notes_lessons_at_other_schools(tmp_path: Path) -> None:
    # 李强 teaches the receiving class too (a remote lesson): he appears in both schools' workbooks.
    lessons = tuple(l.model_copy(update={"teacher": "t02"}) if l.class_id == X41 and l.sync else l
                    for l in solution().lessons)
    write_all(scenario(), solution().model_copy(update={"lessons": lessons}), tmp_path)
    town = openpyxl.load_workbook(tmp_path / "timetables" / f"{TOWN}.xlsx")
    assert town.sheetnames == ["4(1)班", "张伟", "李强"]
    city_sheet = openpyxl.load_workbook(tmp_path / "timetables" / f"{CITY}.xlsx")["李强"]
    notes = [city_sheet.cell(row=r, column=1).value for r in range(11, 14)]
    assert "另在新田镇小学任课 2 节，见该校课程表" in notes


def test_sheets_print_on_one_a4_landscape_page(out: Path) -> None:
    for ws in openpyxl.load_workbook(out / "timetables" / f"{CITY}.xlsx").worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        # An absent fitToWidth/fitToHeight is 1, the OOXML default (XlsxWriter leaves defaults out).
        assert (ws.page_setup.fitToWidth or 1) == 1 and (ws.page_setup.fitToHeight or 1) == 1
        assert 12 <= ws.column_dimensions["C"].width <= 40


def test_sheet_titles_are_valid_unique_and_short() -> None:
    taken: set[str] = set()
    first = sheet_title("a/b[c]:d*e?f\\g", taken, "x")
    assert first == "a_b_c__d_e_f_g"
    long_name = "很" * 40
    second = sheet_title(long_name, taken, "x")
    third = sheet_title(long_name, taken, "x")
    assert len(second) == 31 and len(third) == 31 and second != third and third.endswith("~2")
    assert sheet_title("'[]'", taken, "fallback") == "__"
    assert sheet_title("Abc", taken, "x") == "Abc" and sheet_title("aBC", taken, "x") == "aBC~2"


def test_a_clash_is_shown_in_one_cell_not_hidden_under_a_merge() -> None:
    clash = LessonPlacement(key="extra", class_id=P41, school=CITY, subject="音乐", teacher="t02",
                            day=Weekday.MON, period=2)
    grid = school_grids(scenario(), solution().model_copy(update={"lessons": solution().lessons + (clash,)}), CITY)[0]
    assert grid.cells[(Weekday.MON, 1)].span == 1
    assert grid.cells[(Weekday.MON, 2)].lines == ("数学", "王芳", "音乐", "李强")


# --- clock times -----------------------------------------------------------------------------------

def test_times_text_shows_season_only_where_it_differs() -> None:
    city = scenario().bells_of(CITY)
    assert times_text(city, 1) == "08:00-08:40 (冬 08:10-08:50)"
    assert times_text(city, 1, 2) == "08:00-09:30 (冬 08:10-09:40)"
    assert times_text(city, 6) == "14:50-15:30"
    assert times_text(city, 7) == ""
    assert season_short("冬季作息") == "冬" and season_short("winter") == "winter"


# --- CSV tables ------------------------------------------------------------------------------------

def test_lessons_csv_has_bom_and_one_row_per_lesson(out: Path) -> None:
    assert (out / "lessons.csv").read_bytes().startswith(BOM)
    rows = read_csv(out / "lessons.csv")
    assert len(rows) == len(solution().lessons)
    assert [(r["班级编号"], r["星期"], r["节次"]) for r in rows] == sorted(
        ((l.class_id, l.day.zh, str(l.period)) for l in solution().lessons),
        key=lambda t: (t[0], "一二三四五".index(t[1][1]), int(t[2])))
    double = next(r for r in rows if r["班级编号"] == P41 and r["星期"] == "周一")
    assert double == {"学校编号": CITY, "学校": "彭水一小", "班级编号": P41, "班级": "4(1)", "年级": "4", "学科": "数学",
                      "教师编号": "t01", "教师": "王芳", "星期": "周一", "节次": "1", "节数": "2",
                      "时间": "08:00-09:30", "季节作息时间": "冬 08:10-09:40", "同步编号": "", "同步角色": "",
                      "教室": ""}
    received = [r for r in rows if r["同步编号"] == SYNC_ID and r["同步角色"] == "接收"]
    assert [(r["班级编号"], r["星期"], r["时间"]) for r in received] == [(X41, "周二", "09:50-10:30"),
                                                                   (X41, "周四", "08:55-09:35")]


def test_sync_table_has_one_row_per_occurrence_sorted_by_day_and_time(out: Path) -> None:
    raw = (out / "sync_table.csv").read_bytes()
    assert raw.startswith(BOM)
    rows = read_csv(out / "sync_table.csv")
    assert [(r["星期"], r["时间（主讲校）"]) for r in rows] == [("周二", "09:50-10:30 (冬 10:00-10:40)"),
                                                           ("周四", "08:50-09:30 (冬 09:00-09:40)")]
    for row in rows:
        assert row["共同体"] == "第一教研共同体" and row["学科"] == "音乐" and row["主讲教师"] == "李强"
        assert row["主讲班级"] == "彭水一小 4(2)班" and row["接收班级"] == "新田镇小学 4(1)班"
        assert row["形式"] == "同步课堂" and row["同步编号"] == SYNC_ID
    # Tuesday: the same clock time at both schools; Thursday: the town school's bells differ.
    assert rows[0]["接收校时间（与主讲校不同时）"] == ""
    assert rows[1]["接收校时间（与主讲校不同时）"] == "新田镇小学 4(1)班：第2节 08:55-09:35 (冬 09:05-09:45)"


def test_sync_table_workbook_has_the_same_rows(out: Path) -> None:
    ws = openpyxl.load_workbook(out / "sync_table.xlsx").active
    assert ws.title == "同步课堂一张表"
    header = [ws.cell(row=2, column=c).value for c in range(1, 12)]
    assert header[:8] == ["共同体", "星期", "节次（主讲校）", "时间（主讲校）", "学科", "主讲教师", "主讲班级", "接收班级"]
    body = [[ws.cell(row=r, column=c).value or "" for c in range(1, 12)] for r in (3, 4)]
    assert body == [list(r.values()) for r in read_csv(out / "sync_table.csv")]
    assert ws.max_row == 4
    assert ws.page_setup.orientation == "landscape"


def test_sync_occurrences_pair_each_receiving_lesson_with_its_own_day() -> None:
    occurrences = sync_occurrences(scenario(), solution())
    assert [(o.teaching.day, o.receiving[0][1].day if o.receiving[0][1] else None) for o in occurrences] == [
        (Weekday.TUE, Weekday.TUE), (Weekday.THU, Weekday.THU)]
    assert all(o.teaching.class_id == P42 and o.receiving[0][0] == X41 for o in occurrences)


def test_research_blocks_csv(out: Path) -> None:
    assert (out / "research_blocks.csv").read_bytes().startswith(BOM)
    assert read_csv(out / "research_blocks.csv") == [{
        "教研活动编号": "rb-math4", "教研活动": "四年级数学集体备课", "星期": "周三", "时间": "15:40-16:40",
        "形式": "线下", "主办学校": "彭水一小", "教师": "张伟、王芳"}]


# --- determinism -----------------------------------------------------------------------------------

def test_rewrite_is_byte_identical_even_with_lessons_in_another_order(tmp_path: Path) -> None:
    first = write_all(scenario(), solution(), tmp_path / "a")
    shuffled = solution().model_copy(update={"lessons": tuple(reversed(solution().lessons)),
                                             "research": tuple(reversed(solution().research))})
    second = write_all(scenario(), shuffled, tmp_path / "b")
    assert [p.relative_to(tmp_path / "a") for p in first] == [p.relative_to(tmp_path / "b") for p in second]
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_workbooks_carry_no_wall_clock_time(out: Path) -> None:
    for path in [out / "sync_table.xlsx", *sorted((out / "timetables").glob("*.xlsx"))]:
        with zipfile.ZipFile(path) as archive:
            assert {info.date_time for info in archive.infolist()} == {ZIP_EPOCH}
            core = archive.read("docProps/core.xml").decode()
        # Created and modified are the term's first day, not the time of writing.
        assert core.count("2026-09-01T00:00:00Z") == 2, core


# --- HTML ------------------------------------------------------------------------------------------

def test_school_page_is_self_contained_printable_html(out: Path) -> None:
    page = (out / "timetables" / f"{CITY}.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert page.count('<section class="grid"') == 4
    assert "@page { size: A4" in page and "break-after: page" in page
    assert '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif' in page
    for external in ("http://", "https://", "<script", "<link", "<img", "@import", "url("):
        assert external not in page
    assert 'rowspan="2"' in page  # the doubles
    assert page.index("彭水一小 4(1)班 课程表") < page.index("彭水一小 4(2)班 课程表") < page.index("李强老师")


def test_html_escapes_names(tmp_path: Path) -> None:
    nasty = '王<b>芳</b> & "甲"'
    base = scenario()
    teachers = tuple(t.model_copy(update={"name": nasty}) if t.id == "t01" else t for t in base.teachers)
    write_all(base.model_copy(update={"teachers": teachers}), solution(), tmp_path)
    page = (tmp_path / "timetables" / f"{CITY}.html").read_text(encoding="utf-8")
    assert "<b>芳" not in page
    assert "王&lt;b&gt;芳&lt;/b&gt; &amp; &quot;甲&quot;" in page


def test_index_links_every_school_page(out: Path) -> None:
    index = (out / "timetables" / "index.html").read_text(encoding="utf-8")
    assert f'href="{CITY}.html">彭水一小</a>' in index and f'href="{TOWN}.html">新田镇小学</a>' in index
    assert "第一教研共同体" in index
