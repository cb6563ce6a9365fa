"""`tongbu validate` on broken scenarios: every mistake gives exit 2 and names file, row and column, in en and zh.

Each case starts from the small valid scenario of ``fixtures.validate_base``, makes one mistake a
timetabler makes in Excel or in scenario.yaml, and states where the message must point (the row
numbers are the spreadsheet rows of the fixture, header = row 1; YAML lines are looked up in the
written file by their text) and a phrase of what it must say in each language.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import openpyxl
import pytest
from click.testing import CliRunner

import cli
from fixtures.validate_base import (
    OLD_INIT_COUNTY_PERIODS, OLD_INIT_COUNTY_WINTER, append_row, drop_column, edit_yaml, line_of, read_rows, set_cell,
    write_base, write_rows,
)


@dataclass(frozen=True)
class Case:
    name: str
    mutate: Callable[[Path], None]
    file: str
    row: Callable[[Path], int] | int | None
    column: str | None
    en: str
    zh: str


def _yaml(change: Callable[[dict], None]) -> Callable[[Path], None]:
    return lambda folder: edit_yaml(folder, change)


def _bell_period(schedule: int, period: int, value: object) -> Callable[[dict], None]:
    def change(data: dict) -> None:
        data["bell_schedules"][schedule]["periods"][period] = value
    return change


def _set(path: tuple, value: object) -> Callable[[dict], None]:
    def change(data: dict) -> None:
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return change


def _gbk_garbage_in_teacher_name(folder: Path) -> None:
    data = (folder / "teachers.csv").read_bytes()
    # 0xFF is a byte neither UTF-8 nor GB18030 ever uses: a file damaged or saved in some other code page.
    (folder / "teachers.csv").write_bytes(data.replace("陈静".encode("utf-8"), b"\xff\xfe\xff"))


def _xlsx_with_title_row(folder: Path) -> None:
    rows = read_rows(folder, "schools")
    (folder / "schools.csv").unlink()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["示例县2026年秋季学校名单"])
    for row in rows:
        sheet.append(row)
    book.save(folder / "schools.xlsx")


def _duplicate_header(folder: Path) -> None:
    rows = read_rows(folder, "schools")
    write_rows(folder, "schools", [r + ([r[1]] if i else ["学校名称"]) for i, r in enumerate(rows)])


def _travel_to_nowhere(folder: Path) -> None:
    set_cell(folder, "travel", 3, "from", "某路口")


def _rename_key(path: tuple, new: str) -> Callable[[dict], None]:
    """Rename a key of scenario.yaml (a typo a timetabler makes), keeping its value."""
    def change(data: dict) -> None:
        node = data
        for key in path[:-1]:
            node = node[key]
        node[new] = node.pop(path[-1])
    return change


def _old_init_bells(data: dict) -> None:
    county = data["bell_schedules"][0]
    county["periods"] = list(OLD_INIT_COUNTY_PERIODS)
    county["seasons"][0]["periods"] = list(OLD_INIT_COUNTY_WINTER)


def _sync_min_overlap(minutes: str) -> Callable[[Path], None]:
    def mutate(folder: Path) -> None:
        rows = read_rows(folder, "sync_lessons")
        write_rows(folder, "sync_lessons", [rows[0] + ["min_overlap_minutes"]] + [r + [minutes] for r in rows[1:]])
    return mutate


CASES: list[Case] = [
    Case("missing column", lambda f: drop_column(f, "schools", "consortium"), "schools.csv", 1, "consortium",
         "column 'consortium (共同体)' is missing", "缺少列“consortium (共同体)”"),
    Case("unknown school", lambda f: set_cell(f, "classes", 3, "school", "不存在小学"), "classes.csv", 3, "school",
         "unknown school '不存在小学'", "未知的学校“不存在小学”"),
    Case("duplicate id", lambda f: set_cell(f, "teachers", 3, "id", "T01"), "teachers.csv", 3, "id",
         "'T01' is used twice (also on row 2)", "“T01”重复（另见第 2 行）"),
    Case("bad clock time", _yaml(_bell_period(0, 1, "08:50-09:7O")), "scenario.yaml",
         lambda f: line_of(f, "08:50-09:7O"), "bell_schedules[1].periods[2]",
         "'09:7O' is not a clock time like 08:05", "“09:7O”不是形如 08:05 的时间"),
    Case("overlapping periods", _yaml(_bell_period(0, 1, "08:30-09:30")), "scenario.yaml",
         lambda f: line_of(f, "08:30-09:30"), "bell_schedules[1].periods[2]",
         "period 2 starts 08:30 before period 1 ends 08:40", "第 2 节 08:30 开始，早于第 1 节结束时间 08:40"),
    Case("period given as a number", _yaml(_bell_period(1, 0, 800)), "scenario.yaml",
         lambda f: line_of(f, "- 800"), "bell_schedules[2].periods[1]",
         "'800' is not a period: write 'HH:MM-HH:MM'", "“800”不是一节课的时间"),
    Case("negative load", lambda f: set_cell(f, "teachers", 4, "max_weekly", "-3"), "teachers.csv", 4, "max_weekly",
         "'-3' must not be negative", "“-3”不能为负数"),
    Case("load over capacity", lambda f: set_cell(f, "teachers", 2, "max_weekly", "10"), "teachers.csv", 2, "max_weekly",
         "张丽(T01) is assigned 14 periods a week, more than max_weekly 10", "教师 张丽(T01) 每周安排 14 节，超过周课时上限 10"),
    Case("subject over teacher capacity", lambda f: set_cell(f, "teachers", 6, "max_weekly", "5"), "schools.csv", 3, "name",
         "示例镇小: 语文 needs 6 periods a week, its teachers can give at most 5", "示例镇小：语文每周需 6 节，可任教教师最多只能上 5 节"),
    Case("nobody can teach a subject", lambda f: set_cell(f, "teachers", 9, "subjects", "数学"), "schools.csv", 4, "name",
         "示例村小: nobody can teach 科学 (2 periods a week)", "示例村小：没有教师能教科学（每周 2 节）"),
    Case("unreachable school", _travel_to_nowhere, "schools.csv", 4, "name",
         "示例村小 cannot be reached by road from 示例一小", "示例村小 与 示例一小 之间没有道路连通"),
    Case("undecodable CSV", _gbk_garbage_in_teacher_name, "teachers.csv", 5, "name",
         "cannot decode the file as UTF-8 or GB18030/GBK: open it in Excel or WPS and save as 'CSV UTF-8",
         "无法按 UTF-8 或 GB18030/GBK 解码：请用 Excel 或 WPS 打开后另存为“CSV UTF-8"),
    Case("empty file", lambda f: (f / "classes.csv").write_bytes(b""), "classes.csv", 1, "A",
         "the file is empty: it needs a header row with the columns school (学校)", "文件为空：第一行应为表头"),
    Case("XLSX with a title row", _xlsx_with_title_row, "schools.xlsx", 1, "A",
         "the header is on row 2, not row 1: delete the 1 row(s) above it", "表头在第 2 行而非第 1 行：请删除其上方的 1 行"),
    Case("wrong weekday name in a bell schedule", _yaml(lambda d: d["bell_schedules"][1]["days"].__setitem__(2, "周八")),
         "scenario.yaml", lambda f: line_of(f, "周八"), "bell_schedules[2].days[3]",
         "'周八' is not one of: 周一", "“周八”不是以下之一：周一"),
    Case("wrong weekday name in a teacher's times", lambda f: set_cell(f, "teachers", 5, "unavailable", "周八1-2"),
         "teachers.csv", 5, "unavailable", "'周八1-2' is not a list of weekdays and periods", "“周八1-2”不是星期与节次的列表"),
    Case("make-up day on a holiday", _yaml(_set(("term", "makeup_days", 1, "date"), "2026-10-03")), "scenario.yaml",
         lambda f: line_of(f, "2026-10-03"), "term.makeup_days[2].date",
         "2026-10-03 is declared both a holiday and a make-up workday", "2026-10-03 同时被定为假日和调休上班日"),
    Case("make-up day on a weekday", _yaml(_set(("term", "makeup_days", 1, "date"), "2026-10-14")), "scenario.yaml",
         lambda f: line_of(f, "2026-10-14"), "term.makeup_days[2].date",
         "make-up day 2026-10-14 is a wed", "调休上班日 2026-10-14 是周三"),
    Case("class in a grade the school lacks", lambda f: set_cell(f, "classes", 7, "school", "示例村小") or
         set_cell(f, "classes", 7, "grade", "5") or set_cell(f, "classes", 7, "section", "1"), "classes.csv", 7, "grade",
         "class in grade 5, but 示例村小 only has grades 1,2,3,4", "班级为 5 年级，但 示例村小 只有 1,2,3,4 年级"),
    Case("impossible date", _yaml(_set(("term", "start"), "2026-09-31")), "scenario.yaml",
         lambda f: line_of(f, "2026-09-31"), "term.start",
         "'2026-09-31' is not a date like 2026-09-01", "“2026-09-31”不是形如 2026-09-01 的日期"),
    Case("term ends before it starts", _yaml(_set(("term", "end"), "2026-08-01")), "scenario.yaml",
         lambda f: line_of(f, "2026-08-01"), "term.end",
         "the term ends 2026-08-01 before it starts 2026-09-01", "学期结束日期 2026-08-01 早于开始日期 2026-09-01"),
    Case("unknown consortium", lambda f: set_cell(f, "schools", 4, "consortium", "别的共同体"), "schools.csv", 4, "consortium",
         "unknown consortium '别的共同体'", "未知的共同体“别的共同体”"),
    Case("unknown subject", lambda f: set_cell(f, "teachers", 3, "subjects", "数学;物理"), "teachers.csv", 3, "subjects",
         "unknown subject '物理'", "未知的学科“物理”"),
    Case("class needs more periods than its week has", lambda f: set_cell(f, "curriculum", 2, "periods", "30"),
         "classes.csv", 2, "grade", "示例一小1(1) needs 40 periods a week, its bell schedule has only 35 slots",
         "示例一小1(1) 每周需 40 节课，作息表只有 35 个课时"),
    # 王强(T02): 5 assigned periods, and 示例一小1(1) 数学 (4) and 4(1) 科学 (2), which no one else at 示例一小 teaches.
    Case("teacher load over available slots", lambda f: set_cell(f, "teachers", 3, "unavailable", "周一;周二;周三;周四;周五1-6"),
         "teachers.csv", 3, "unavailable", "王强(T02) is assigned 11 periods but is available for only 1",
         "教师 王强(T02) 安排了 11 节，但只有 1 个可上课时段"),
    Case("grade written in words", lambda f: set_cell(f, "classes", 2, "grade", "一年级"), "classes.csv", 2, "grade",
         "'一年级' is not a whole number", "“一年级”不是整数"),
    Case("unknown role", lambda f: set_cell(f, "schools", 3, "role", "校长"), "schools.csv", 3, "role",
         "'校长' is not one of: lead, centre, member", "“校长”不是以下之一：lead, centre, member"),
    Case("required cell empty", lambda f: set_cell(f, "teachers", 6, "name", ""), "teachers.csv", 6, "name",
         "is empty: name (姓名) is required", "为空：name (姓名) 必须填写"),
    Case("teacher does not teach the subject", lambda f: set_cell(f, "assignments", 4, "teacher", "T04"),
         "assignments.csv", 4, "subject", "teacher 陈静(T04) does not teach 数学", "教师 陈静(T04) 不教数学"),
    Case("sync lesson within one school", lambda f: set_cell(f, "sync_lessons", 2, "receiving_classes", "示例一小1(1)"),
         "sync_lessons.csv", 2, "receiving_classes", "receiving class 示例一小1(1) is at the teaching school 示例一小",
         "接收班级 示例一小1(1) 与授课班级同在 示例一小"),
    Case("more doubles than periods", lambda f: set_cell(f, "curriculum", 7, "doubles", "3"), "curriculum.csv", 7, "doubles",
         "3 double periods need 6 periods, the subject has only 5", "3 次连堂需要 6 节，该学科每周只有 5 节"),
    Case("grade outside the stage", lambda f: set_cell(f, "curriculum", 8, "grade", "8"), "curriculum.csv", 8, "grade",
         "grade 8 is not a primary grade", "8 年级不属于小学"),
    Case("list where a mapping is expected", _yaml(_set(("term",), ["2026-09-01", "2027-01-22"])), "scenario.yaml",
         lambda f: line_of(f, "- '2026-09-01'"), "term",
         "term must be a mapping of keys to values", "term 应为“键: 值”结构"),
    Case("mapping where a list is expected", _yaml(_set(("consortia",), {"id": "示例共同体"})), "scenario.yaml",
         lambda f: line_of(f, "id: 示例共同体"), "consortia", "consortia must be a list", "consortia 应为列表"),
    Case("duplicate header", _duplicate_header, "schools.csv", 1, "学校名称",
         "column '学校名称' appears twice", "列“学校名称”重复出现"),
    Case("negative travel time", lambda f: set_cell(f, "travel", 2, "minutes", "-5"), "travel.csv", 2, "minutes",
         "'-5' must not be negative", "“-5”不能为负数"),
    Case("unknown key in weights", _yaml(_set(("weights", "spred"), 2)), "scenario.yaml",
         lambda f: line_of(f, "spred"), "weights.spred", "'spred' is not a key tongbu knows: did you mean 'spread'?",
         "“spred”不是 tongbu 认识的键：是否应为“spread”？"),
    # Found before solving (issue #14, part 2): sync lessons that cannot be live, loads, research blocks, YAML keys.
    Case("sync lesson with no common period (the old init bells)", _yaml(_old_init_bells), "sync_lessons.csv", 2,
         "receiving_classes", "sync lesson S1: no period of 示例村小4(1) (乡村作息) and period of 示例一小4(1) "
         "(县城作息 + 冬季作息) nest (the shorter period inside the other's clock times) under every bell schedule and season",
         "同步课堂 S1：示例村小4(1)（乡村作息）与 示例一小4(1)（县城作息 + 冬季作息）没有任何一对课节在所有作息（含季节作息）下完全重合"),
    Case("sync lesson asking more overlap than a period lasts", _sync_min_overlap("45"), "sync_lessons.csv", 2,
         "receiving_classes", "overlap by at least 45 minutes under every bell schedule and season",
         "重叠至少 45 分钟，无法同时上课"),
    Case("sync lesson with no common weekday", _yaml(lambda d: d["bell_schedules"][1].__setitem__("days", ["周六"])),
         "sync_lessons.csv", 2, "receiving_classes", "sync lesson S1: there is no weekday on which all its schools teach "
         "(示例一小 周一、周二、周三、周四、周五; 示例村小 周六)", "同步课堂 S1：没有各校都上课的日子"),
    Case("sync lesson taught by a teacher of another subject", lambda f: set_cell(f, "sync_lessons", 2, "teacher", "T04"),
         "sync_lessons.csv", 2, "teacher", "teacher 陈静(T04) does not teach 音乐 (subjects: 英语)",
         "教师 陈静(T04) 不教音乐（任教学科：英语）"),
    Case("sync lesson across grades", lambda f: set_cell(f, "sync_lessons", 2, "receiving_classes", "示例村小1(1)"),
         "sync_lessons.csv", 2, "receiving_classes", "sync lesson S1 joins grade 4 (示例一小4(1)) with grade 1 (示例村小1(1))",
         "同步课堂 S1 把 4 年级（示例一小4(1)）与 1 年级（示例村小1(1)）连在一起"),
    # 刘芳(T03) is assigned only 示例镇小4(1) 音乐 (2), but gives sync lesson S1 (1) and is the one teacher of PE and
    # music at 示例一小: 1(1) PE 4 and music 2, 4(1) PE 3 and music 2 less the 1 of S1.
    Case("a teacher's combined subjects over max_weekly", lambda f: set_cell(f, "teachers", 4, "max_weekly", "12"),
         "teachers.csv", 4, "max_weekly", "teacher 刘芳(T03) is assigned 13 periods a week, more than max_weekly 12 "
         "(体育与健康 7: only teacher 7; 音乐 6: assigned 2, only teacher 3, sync lessons 1)",
         "教师 刘芳(T03) 每周安排 13 节，超过周课时上限 12（体育与健康 7 节：唯一可任教 7；音乐 6 节：任课安排 2，唯一可任教 3，同步课堂 1）"),
    # 陈静(T04) has no row in assignments.csv but is the only English teacher of 示例一小 (4(1): 2 periods).
    Case("teacher unavailable all week but given lessons",
         lambda f: set_cell(f, "teachers", 5, "unavailable", "周一;周二;周三;周四;周五"), "teachers.csv", 5, "unavailable",
         "teacher 陈静(T04) is unavailable in every period of the week (周一;周二;周三;周四;周五) but is given 2 periods",
         "教师 陈静(T04) 每周所有课时都不可排（周一;周二;周三;周四;周五），却安排了 2 节"),
    Case("research block longer than the teaching day", lambda f: set_cell(f, "research_blocks", 2, "minutes", "600"),
         "research_blocks.csv", 2, "minutes", "research block R1 lasts 600 minutes, but the teaching day of its schools "
         "spans only 530 minutes (08:00–16:50", "教研活动 R1 时长 600 分钟，但相关学校一天的上课时间（第一节开始到最后一节结束，08:00–16:50）只有 530 分钟"),
    Case("misspelt top-level key", _yaml(_rename_key(("weights",), "wieghts")), "scenario.yaml",
         lambda f: line_of(f, "wieghts:"), "wieghts", "'wieghts' is not a key tongbu knows: did you mean 'weights'?",
         "“wieghts”不是 tongbu 认识的键：是否应为“weights”？"),
    Case("singular itinerant_post", _yaml(_set(("itinerant_post",), [{"id": "P1"}])), "scenario.yaml",
         lambda f: line_of(f, "itinerant_post:"), "itinerant_post",
         "'itinerant_post' is not a key tongbu knows: did you mean 'itinerant_posts'?", "是否应为“itinerant_posts”？"),
    Case("misspelt key in term", _yaml(_rename_key(("term", "holidays"), "holiday")), "scenario.yaml",
         lambda f: line_of(f, "holiday:"), "term.holiday", "'holiday' is not a key tongbu knows: did you mean 'holidays'?",
         "“holiday”不是 tongbu 认识的键：是否应为“holidays”？"),
    Case("misspelt key in a bell season", _yaml(lambda d: d["bell_schedules"][0]["seasons"][0].__setitem__("nmae", "x")),
         "scenario.yaml", lambda f: line_of(f, "nmae:"), "bell_schedules[1].seasons[1].nmae",
         "'nmae' is not a key tongbu knows: did you mean 'name'?", "是否应为“name”？"),
    Case("misspelt key in an itinerant post", _yaml(_set(("itinerant_posts",), [{
        "id": "P1", "teachers": ["T03"], "subjects": ["音乐"], "base": "示例一小", "schools": ["示例村小"],
        "max_school_per_day": 2}])), "scenario.yaml", lambda f: line_of(f, "max_school_per_day"),
         "itinerant_posts[1].max_school_per_day",
         "'max_school_per_day' is not a key tongbu knows: did you mean 'max_schools_per_day'?",
         "“max_school_per_day”不是 tongbu 认识的键：是否应为“max_schools_per_day”？"),
    Case("misspelt table name under tables", _yaml(_set(("tables",), {"teacher": "teachers.csv"})), "scenario.yaml",
         lambda f: line_of(f, "teacher: teachers.csv"), "tables.teacher",
         "'teacher' is not a key tongbu knows: did you mean 'teachers'?", "是否应为“teachers”？"),
    Case("unknown key with nothing close", _yaml(_set(("颜色",), "red")), "scenario.yaml", lambda f: line_of(f, "颜色:"),
         "颜色", "'颜色' is not a key tongbu knows here: check its spelling (the keys here: term, consortia,",
         "“颜色”不是 tongbu 认识的键：请检查拼写（此处可用的键：term, consortia,"),
    Case("room capacity not a number", lambda f: set_cell(f, "rooms", 2, "capacity", "两个"), "rooms.csv", 2, "capacity",
         "'两个' is not a whole number", "“两个”不是整数"),
    Case("unknown room equipment", lambda f: set_cell(f, "rooms", 3, "equipment", "投影仪"), "rooms.csv", 3, "equipment",
         "'投影仪' is not one of: remote", "“投影仪”不是以下之一：remote"),
    Case("room serving nothing", lambda f: set_cell(f, "rooms", 4, "equipment", "录播"), "rooms.csv", 4, "subjects",
         "room 示例村小-录播 serves no lessons", "教室 示例村小-录播 不服务任何课程"),
    Case("sync end without a remote room", lambda f: set_cell(f, "rooms", 4, "equipment", "录播") or set_cell(
        f, "rooms", 4, "subjects", "音乐"), "sync_lessons.csv", 2, "receiving_classes",
         "sync lesson S1: 示例村小 (class 示例村小4(1)) has no room with remote equipment",
         "同步课堂 S1：示例村小（示例村小4(1)）没有配备远程互动设备的教室"),
    Case("subject served by two groups of rooms", lambda f: set_cell(f, "rooms", 3, "subjects", "音乐"), "rooms.csv", 3,
         "subjects", "音乐 at 示例一小 is served by rooms 示例一小-录播 and 示例一小-音乐",
         "示例一小 的音乐由教室 示例一小-录播 和 示例一小-音乐 服务"),
    Case("rooms too few for their lessons", lambda f: set_cell(f, "rooms", 4, "subjects", "语文;数学;体育与健康;音乐;英语;科学"),
         "rooms.csv", 4, "capacity", "need 38 room-periods a week but rooms 示例村小-录播 offer 35 (1 at once × 35 periods)",
         "每周需要 38 节次的教室，但教室 示例村小-录播 只能提供 35"),
    Case("subject listed twice in a grade", lambda f: append_row(f, "curriculum", {
        "stage": "primary", "grade": "4", "subject": "语文", "periods": "1", "doubles": "0"}) and None,
         "curriculum.csv", 12, "subject", "语文 is listed twice for grade 4 (also on row 6)", "4 年级的语文出现两次（另见第 6 行）"),
]


def _place(case: Case, folder: Path, lang: str) -> str:
    row = case.row(folder) if callable(case.row) else case.row
    yaml_file = case.file.endswith(".yaml")
    if lang == "zh":
        parts = [case.file] + ([f"第 {row} 行"] if row is not None else [])
        parts += [f"{'键' if yaml_file else '列'} {case.column}"] if case.column else []
        return "，".join(parts)
    parts = [case.file] + ([f"{'line' if yaml_file else 'row'} {row}"] if row is not None else [])
    parts += [f"{'key' if yaml_file else 'column'} {case.column}"] if case.column else []
    return ", ".join(parts)


def test_enough_kinds_of_mistake() -> None:
    assert len({c.name for c in CASES}) == len(CASES) >= 18
    assert sum(1 for c in CASES if c.row is not None and c.column) >= 18


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_base(tmp_path_factory.mktemp("base") / "county")


def test_base_is_valid(base: Path) -> None:
    result = CliRunner().invoke(cli.main, ["--lang", "en", "validate", str(base)])
    assert result.exit_code == 0, result.output
    assert "no problems found" in result.output


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_broken_scenario_names_the_place(case: Case, lang: str, base: Path, tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "county"
    shutil.copytree(base, folder)
    case.mutate(folder)
    result = CliRunner().invoke(cli.main, ["--lang", lang, "validate", str(folder)])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    place = _place(case, folder, lang)
    lines = [line for line in result.output.splitlines() if place in line]
    assert lines, f"no line names {place!r}:\n{result.output}"
    expected = case.zh if lang == "zh" else case.en
    assert any(expected in line for line in lines), f"{expected!r} not at {place!r}:\n{result.output}"
    if lang == "zh":
        assert "共发现" in result.output and "problem(s) found" not in result.output
    else:
        assert "problem(s) found" in result.output
