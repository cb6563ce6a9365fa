"""The tables of a scenario folder: their columns, Chinese header aliases, and how cells are read.

One declaration per table serves the loader, the writer, ``tongbu init`` and the documentation
(docs/format.md is generated from it), so the four cannot drift apart.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Callable

from models.enums import ConsortiumKind, DeliveryMode, Equipment, PacingKind, SchoolRole, SchoolTier, Stage, Weekday
from models.times import parse_slot_ranges


class CellError(ValueError):
    """A cell that cannot be read; ``code`` and ``params`` name a message in models.messages."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def _text(value: str) -> str:
    return value.strip()


def _int(value: str) -> int:
    text = value.strip()
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        raise CellError("not_int", value=text) from None
    # Excel writes 16 as '16.0' in some exports; 'nan', 'inf' and 16.5 are not whole numbers.
    if not math.isfinite(number) or number != int(number):
        raise CellError("not_int", value=text)
    return int(number)


def _count(value: str) -> int:
    number = _int(value)
    if number < 0:
        raise CellError("negative", value=value.strip())
    return number


def _float(value: str) -> float:
    try:
        number = float(value.strip())
    except ValueError:
        raise CellError("not_number", value=value.strip()) from None
    if not math.isfinite(number):
        raise CellError("not_number", value=value.strip())
    return number


_TRUE = {"1", "y", "yes", "true", "t", "是", "对", "√", "✓", "x"}
_FALSE = {"0", "n", "no", "false", "f", "否", "不是", "×", "-"}


def _bool(value: str) -> bool:
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError("not_bool", value=value.strip())


def split_list(value: str) -> tuple[str, ...]:
    """Split ``数学;科学、音乐`` on the separators people type in Excel."""
    return tuple(part.strip() for part in re.split(r"[;；,，、/|]", value) if part.strip())


def _list(value: str) -> tuple[str, ...]:
    return split_list(value)


def parse_grades(value: str) -> tuple[int, ...]:
    grades: set[int] = set()
    for part in split_list(value.replace("年级", "")):
        match = re.fullmatch(r"(\d+)\s*(?:[-–~～至]\s*(\d+))?", part)
        if not match:
            raise CellError("bad_grades", value=value.strip())
        first, last = int(match[1]), int(match[2] or match[1])
        if last < first or first < 1 or last > 12:
            raise CellError("bad_grades", value=value.strip())
        grades.update(range(first, last + 1))
    if not grades:
        raise CellError("bad_grades", value=value.strip())
    return tuple(sorted(grades))


def _slots(value: str) -> tuple:
    try:
        return parse_slot_ranges(value)
    except ValueError:
        raise CellError("bad_slots", value=value.strip()) from None


def parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]00:00(?::00)?)?", text)
    if not match:
        raise CellError("bad_date", value=text)
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise CellError("bad_date", value=text) from None


def _enum(kind: type) -> Callable[[str], Any]:
    def read(value: str) -> Any:
        try:
            return kind(value.strip())
        except ValueError:
            raise CellError("bad_choice", value=value.strip(), choices=", ".join(kind.accepted())) from None

    return read


def _weekdays(value: str) -> tuple[Weekday, ...]:
    return tuple(_enum(Weekday)(part) for part in split_list(value))


@dataclass(frozen=True)
class Column:
    """A table column: canonical (English) name, the Chinese header also accepted, and its reader."""

    name: str
    zh: str
    read: Callable[[str], Any] = _text
    required: bool = False
    help: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    name: str
    zh: str
    columns: tuple[Column, ...]
    required: bool = True
    help: str = ""
    examples: tuple[tuple[str, ...], ...] = field(default=())

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def header_names(self) -> dict[str, str]:
        """Every accepted header spelling (case-folded) -> canonical column name."""
        names: dict[str, str] = {}
        for column in self.columns:
            for spelling in (column.name, column.zh, *column.aliases):
                names[spelling.strip().lower()] = column.name
        return names


SCHOOLS = Table("schools", "学校", (
    Column("id", "学校编号", help="unique id; empty = the name"),
    Column("name", "学校名称", required=True, help="the school's name, e.g. 彭水一小", aliases=("学校",)),
    Column("consortium", "共同体", required=True, help="id of a consortium in scenario.yaml", aliases=("教研共同体",)),
    Column("role", "角色", _enum(SchoolRole), required=True, help="lead 牵头总校 / centre 中心成员学校 / member 成员学校"),
    Column("tier", "类别", _enum(SchoolTier), required=True, help="county_seat 县直 / township 乡镇 / village 乡村"),
    Column("stage", "学段", _enum(Stage), required=True, help="primary 小学 / junior 初中 (one row per section of a nine-year school)"),
    Column("grades", "年级", parse_grades, help="grades taught, e.g. 1-6; empty = all grades of the stage"),
    Column("bell_schedule", "作息表", required=True, help="id of a bell schedule in scenario.yaml"),
    Column("campus", "所属学校", help="for a 小学部/初中部: the nine-year school it belongs to"),
    Column("address", "地址"),
    Column("latitude", "纬度", _float),
    Column("longitude", "经度", _float),
), examples=(("", "示例一小", "示例共同体", "lead", "county_seat", "primary", "1-6", "县城作息", "", "县城中心路1号", "", ""),
             ("", "示例村小", "示例共同体", "member", "village", "primary", "1-4", "乡村作息", "", "", "", "")))

CLASSES = Table("classes", "班级", (
    Column("id", "班级编号", help="unique id; empty = school + grade(section), e.g. 彭水一小4(2)"),
    Column("school", "学校", required=True, help="school id"),
    Column("grade", "年级", _count, required=True),
    Column("section", "班号", _count, required=True, help="1 for 4(1), 2 for 4(2) …"),
    Column("size", "人数", _count, help="pupils in the class"),
), examples=(("", "示例一小", "1", "1", "45"), ("", "示例村小", "1", "1", "12")))

TEACHERS = Table("teachers", "教师", (
    Column("id", "工号", required=True, help="unique id, e.g. PS0001"),
    Column("name", "姓名", required=True),
    Column("school", "学校", required=True, help="home school id (人事关系所在学校)"),
    Column("subjects", "任教学科", _list, required=True, help="subjects separated by ; or 、"),
    Column("max_weekly", "周课时上限", _count, help="default 16"),
    Column("max_daily", "日课时上限", _count, help="default 4"),
    Column("unavailable", "不可排时间", _slots, help="e.g. 周一1-4;周三 (whole day)"),
    Column("preferred", "希望时间", _slots),
    Column("avoided", "回避时间", _slots),
    Column("birth_year", "出生年份", _int),
    Column("backbone", "骨干教师", _bool, help="是/否"),
    Column("roles", "职务", _list, help="principal 校长, homeroom 班主任, research_officer 教研员 …"),
    Column("years_at_school", "本校任教年限", _count),
    Column("also_schools", "兼课学校", _list, help="other schools where this teacher may teach"),
), examples=(("T0001", "张老师", "示例一小", "语文;体育与健康", "16", "4", "", "", "", "1985", "是", "principal", "8", ""),
             ("T0002", "李老师", "示例村小", "语文;数学;体育与健康", "18", "5", "周五5-7", "", "", "1996", "否", "", "2", "")))

CURRICULUM = Table("curriculum", "课程计划", (
    Column("stage", "学段", _enum(Stage), required=True),
    Column("grade", "年级", _count, required=True),
    Column("subject", "学科", required=True),
    Column("periods", "周课时", _count, required=True),
    Column("doubles", "连堂数", _count, help="how many of the periods are taught as double periods (连堂)"),
), examples=(("primary", "1", "语文", "8", "0"), ("primary", "1", "体育与健康", "4", "0")))

TRAVEL = Table("travel", "交通", (
    Column("from", "起点", required=True, help="a school id (or its campus) or any road junction"),
    Column("to", "终点", required=True),
    Column("minutes", "分钟", _count, required=True, help="travel minutes on this road, both ways"),
), examples=(("示例一小", "示例村小", "35"), ("示例村小", "示例镇", "20")))

ASSIGNMENTS = Table("assignments", "任课安排", (
    Column("teacher", "教师", required=True, help="teacher id"),
    Column("class", "班级", required=True, help="class id"),
    Column("subject", "学科", required=True),
), required=False, examples=(("T0001", "示例一小1(1)", "语文"), ("T0002", "示例村小1(1)", "体育与健康")))

ROOMS_MEANING = """Rooms that lessons need (专用教室 and 录播教室), and how many classes each takes at once:

- A lesson of a subject listed in `subjects` at the room's school needs a room serving that subject; a school \
with no room for a subject teaches it in the classroom.
- A room with `remote` equipment (远程互动) takes the school's sync lessons: every end of a 同步课堂/专递课堂 at \
the school (the teaching class and each receiving class) needs such a room, whatever the subject, at its own \
clock time under its own school's bells. When the table has any row, every school at an end of a sync lesson \
needs one.
- The rooms of a school that serve the same subjects with the same remote equipment are one group: a lesson \
may be in any room of its group, and at any period the group's lessons never outnumber its rooms' capacities \
(a sports ground of capacity 3 takes 3 PE classes at once). A subject is served by one group at a school: list \
the same subjects on every room that serves it.
- A room belongs to one school (one section of a nine-year school)."""

ROOMS = Table("rooms", "专用教室", (
    Column("id", "教室编号", required=True),
    Column("school", "学校", required=True),
    Column("name", "名称", required=True),
    Column("subjects", "学科", _list, help="subjects whose lessons need this room (at this school); "
                                         "may be empty for a room with remote equipment"),
    Column("kind", "类型", help="e.g. 录播教室, 操场, 音乐室, 科学实验室, 计算机房; empty = 录播教室 for a room with remote "
                              "equipment, else the name"),
    Column("capacity", "容量", _count, help="classes at once; default 1 (a sports ground may take 2 or 3)"),
    Column("equipment", "设备", lambda v: tuple(_enum(Equipment)(part) for part in split_list(v)),
           help="remote 远程互动 (takes sync lessons) / recording 录播, separated by ;"),
), required=False, help=ROOMS_MEANING, examples=(
    ("示例一小-录播", "示例一小", "录播教室", "", "录播教室", "1", "远程互动;录播"),
    ("示例一小-操场", "示例一小", "操场", "体育与健康", "操场", "3", ""),
    ("示例村小-录播", "示例村小", "录播教室", "", "录播教室", "1", "远程互动")))

SYNC_MEANING = """What a sync lesson means in time (the solver and `tongbu verify` each implement exactly this, \
independently):

- The teacher is at the teaching school and busy during the teaching class's period there (its clock window \
under that school's bells on that date); travel to and from that school counts as for any lesson. The \
receiving classes' periods are not the teacher's time: under other bells a receiving period may begin earlier \
or end later, and those minutes belong to the receiving school, whose staff supervise the class.
- Each receiving class is busy during its own period at its own school; it is one of that class's curriculum \
periods of the subject.
- All ends are live together: with `min_overlap_minutes` = m, the window common to the teaching period and every \
receiving period lasts at least m minutes; left empty, every two ends nest (the shorter period lies inside the \
longer one's clock window). This holds on every date of the term, under each school's seasonal bells (the \
solver asks it for every combination of the schools' bell seasons, which is slightly stricter).
- Every occurrence is on a weekday on which every school involved teaches; `tongbu validate` reports a sync \
lesson that has no such time before any solve."""

SYNC_LESSONS = Table("sync_lessons", "同步课堂", (
    Column("id", "编号", required=True),
    Column("subject", "学科", required=True),
    Column("teaching_class", "授课班级", required=True, help="class id of the class taught in person"),
    Column("receiving_classes", "接收班级", _list, required=True,
           help="class ids at other schools, of the teaching class's grade, separated by ;"),
    Column("per_week", "每周节数", _count, help="default 1"),
    Column("teacher", "授课教师", help="teacher id, of a teacher of the subject; empty = the teaching class's teacher of "
                                      "the subject"),
    Column("mode", "形式", _enum(DeliveryMode), help="sync 同步课堂 / remote 专递课堂"),
    Column("min_overlap_minutes", "最少重叠分钟", _count,
           help="minutes all ends must be live together; empty = the ends' periods nest (see above)"),
), required=False, help=SYNC_MEANING, examples=(("S1", "语文", "示例一小1(1)", "示例村小1(1)", "1", "", "remote", ""),
                             ("S2", "体育与健康", "示例一小1(1)", "示例村小1(1)", "1", "T0001", "sync", "30")))

RESEARCH_BLOCKS = Table("research_blocks", "教研活动", (
    Column("id", "编号", required=True),
    Column("name", "名称", required=True, help="e.g. 低段数学集体备课"),
    Column("subject", "学科", help="the subject group; empty = only the listed teachers"),
    Column("grades", "年级", parse_grades),
    Column("consortium", "共同体", help="consortium id; empty = county-wide"),
    Column("teachers", "教师", _list, help="further teacher ids"),
    Column("minutes", "时长分钟", _count, help="default 90; at most the teaching day of its schools (first period start "
                                           "to last period end)"),
    Column("mode", "形式", _enum(DeliveryMode), help="online 线上 / in_person 线下"),
    Column("host", "承办学校", help="school id, for in-person blocks"),
    Column("days", "可选星期", _weekdays, help="e.g. 周二;周四; empty = Monday to Friday"),
    Column("travel_buffer_minutes", "路途余量分钟", _count,
           help="in person: minutes to spare between a lesson and the trip to or from the host; default 15"),
), required=False, examples=(("R1", "低段语文集体备课", "语文", "1-3", "示例共同体", "", "90", "online", "", "周三", ""),
                             ("R2", "语文大教研", "语文", "4-6", "示例共同体", "", "120", "in_person", "示例一小", "周四",
                              "20")))

PACING_MEANING = """The term's teaching sequence per grade and subject (学科进度), in the order it is taught \
(`seq`): textbook units with the lessons (课时) each needs, review allowances, and unified assessments (统一测评) \
with their dates. `tongbu solve` (or `tongbu plan-pacing`) turns it into a consortium pacing calendar: the school \
week each unit starts and ends, the same for every class of the grade in the consortium, such that no class needs \
more lessons of the subject in a week than its timetable and the term calendar give it, and every assessment comes \
after the units before it in the sequence (and before those after it). See docs/pacing.md.

- Rows with an empty `consortium` hold for every consortium (a county-wide sequence and county-wide assessments); \
rows naming a consortium replace the county-wide rows of that grade and subject for that consortium.
- A grade's test of several subjects on one day is one `assessment` row per subject, with the same date.
- On an assessment's date the tested grade's lessons of that subject are not counted (the test takes them); a date \
in `term.assessment_days` has no lessons at all."""

PACING = Table("pacing", "教学进度", (
    Column("consortium", "共同体", help="consortium id; empty = every consortium (county-wide)"),
    Column("grade", "年级", _count, required=True),
    Column("subject", "学科", required=True),
    Column("seq", "序号", _count, required=True, help="teaching order within the grade and subject"),
    Column("kind", "类型", _enum(PacingKind), help="unit 单元 (default) / review 复习 / assessment 测评"),
    Column("title", "内容", required=True, help="e.g. 第一单元, 期中复习, 期中测评", aliases=("名称",)),
    Column("lessons", "课时", _count, help="lessons a unit or review needs (at least 1); empty for an assessment"),
    Column("date", "日期", parse_date, help="the date of an assessment (a teaching day or one of term.assessment_days)"),
    Column("textbook", "教材", help="e.g. 统编版 语文 三年级上册"),
    Column("note", "说明", help="where the lesson count comes from", aliases=("来源",)),
), required=False, help=PACING_MEANING, examples=(
    ("", "1", "语文", "1", "unit", "识字（一）", "14", "", "统编版 语文 一年级上册", "课时为估计值"),
    ("", "1", "语文", "2", "assessment", "期末测评", "", "2027-01-14", "", "")))

TABLES: tuple[Table, ...] = (SCHOOLS, CLASSES, TEACHERS, CURRICULUM, TRAVEL, ASSIGNMENTS, ROOMS, SYNC_LESSONS,
                             RESEARCH_BLOCKS, PACING)
TABLE_BY_NAME = {t.name: t for t in TABLES}
