"""Generate the bundled sample scenarios: real consortium rosters, generated (seeded) details.

Run from the repository root::

    python -m samples.generate                 # rewrite samples/pengshui, samples/yangcheng, samples/zhangping
    python -m samples.generate --only pengshui --out /tmp/x --seed 20260901

What is real: the consortia, their member schools, every school name and each school's role, copied
from the county policy documents (彭水 2022 "1+1+N" list, 阳城 阳教字〔2020〕14号, 漳平 漳教综〔2022〕3号),
the national curriculum plan's subjects (2022) and the 2026 statutory holidays. Everything else —
classes, pupils, teachers, their loads, roads, synchronized lessons, research blocks — is generated
here from documented rules and one seed, so the same seed always writes the same bytes.

The randomness of each school (and of each road, lesson, block) comes from its own stream seeded by
the seed and its name, so changing one school's rule does not reshuffle the rest of the county.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models import (  # noqa: E402
    BellPeriod, BellSchedule, BellSeason, Consortium, ConsortiumKind, CurriculumEntry, DeliveryMode, Equipment,
    ItinerantPost,
    MakeupDay,
    ResearchBlock, Room, Scenario, School, SchoolClass, SchoolRole, SchoolTier, SlotRange, Stage, Subject, SyncLesson,
    Teacher, TeachingAssignment, TermCalendar, TravelEdge, TravelTimes, Weekday,
)
from models.scaffold import STANDARD_SUBJECTS  # noqa: E402
from samples.delivery import (  # noqa: E402
    ITINERANT_BUFFER, ITINERANT_MAX_DAILY, ITINERANT_MAX_WEEKLY, PostPlan, lacking, min_overlap, plan_posts, plan_remote, plan_shared,
)

SEED = 20260901
SAMPLES_DIR = Path(__file__).resolve().parent
# Share of a teacher's max_weekly the generated assignment may fill: the rest is slack for the solver.
LOAD_SHARE = 0.85
TERM_YEAR = 2026  # ages and years at school are counted to this year

# --- rosters: copied from the policy documents ----------------------------------------------------


@dataclass(frozen=True)
class RosterSchool:
    """A school as a roster lists it; ``campus`` is set for a section of a nine-year school."""

    name: str
    role: SchoolRole
    tier: SchoolTier
    stage: Stage
    campus: str | None = None


@dataclass(frozen=True)
class RosterConsortium:
    id: str
    name: str
    kind: ConsortiumKind
    schools: tuple[RosterSchool, ...]


def _split(text: str, sep: str) -> list[str]:
    return [part.strip() for part in text.split(sep) if part.strip()]


# 彭水自治县小学“1+1+N”教研共同体名单: 牵头总校, 中心成员学校, 成员学校 (the roster order is kept).
PENGSHUI_LIST = (
    ("森林希望小学", "鹿角镇小学", "新田镇小学、万足镇小学、善感乡小学"),
    ("彭水一小", "桑柘镇小学", "桐楼乡小学、同河小学、诸佛寺小学、诸佛乡小学"),
    ("彭水二小", "高谷镇小学", "平安镇小学、鹿鸣乡小学、龙射镇小学"),
    ("彭水三小", "郁山镇小学", "龙溪镇小学、石柳乡小学、清平小学、连湖镇小学、联合乡小学、芦塘乡小学、走马乡小学、朱砂小学"),
    ("彭水四小", "太原镇小学", "棣棠乡小学、梅子垭镇小学、鞍子镇小学、下岩西小学"),
    ("彭水五小", "黄家镇小学", "龙塘乡小学、朗溪乡小学、龙洋小学、大垭乡小学、润溪乡小学、文武小学、火石小学"),
    ("两江小学", "保家镇小学", "乔梓乡小学、长生镇小学、木楠小学"),
    ("隆鑫希望小学", "普子镇小学", "三义乡小学、砂石小学"),
)

# 阳城县城乡义务教育发展教学共同体: (共同体, 学段, 主体学校, 成员学校). The PDF's line breaks inside
# "阳城县 实验小学 集团" are dropped; nine-year schools are listed by section (小学部/初中部).
YANGCHENG_LIST = (
    ("实验小学教学共同体", Stage.PRIMARY, "阳城县实验小学集团",
     "西河中心学校 演礼中心学校 固隆中心学校 东冶中心学校 横河九年一贯制学校小学部"),
    ("阳城二小教学共同体", Stage.PRIMARY, "阳城县第二小学",
     "白桑中心学校 凤城中心学校 北留中心学校 次营中心学校 蟒河中心学校 驾岭九年一贯制学校小学部"),
    ("阳城三小教学共同体", Stage.PRIMARY, "阳城县第三小学",
     "润城中心学校 町店中心学校 寺头中心学校 芹池中心学校 河北中心学校 董封九年一贯制学校小学部"),
    ("阳城三中教学共同体", Stage.JUNIOR, "阳城县第三中学",
     "北留中学 午亭中学 町店中学 西河中学 固隆中学 横河九年一贯制学校初中部"),
    ("阳城四中教学共同体", Stage.JUNIOR, "阳城县第四中学",
     "白桑中学 润城中学 王村中学 次营中学 玉琳中学 东冶中学 董封九年一贯制学校初中部"),
    ("阳城五中教学共同体", Stage.JUNIOR, "阳城县第五中学",
     "寺头中学 芹池中学 演礼中学 河北中学 蟒河中学 八甲口中学 驾岭九年一贯制学校初中部"),
)

# 漳平市小学教育联盟: (联盟, 牵头学校, 成员学校).
ZHANGPING_LIST = (
    ("实验小学教育联盟", "实验小学",
     "城关小学、城北小学、新民小学、桂林中心学校、溪南中心学校、和平中心学校、新桥(含吾祠)中心学校"),
    ("进修学校附属小学教育联盟", "教师进修学校附属小学",
     "教师进修学校第二附属小学、铁路小学、西园中心学校、赤水中心学校、南洋中心学校、灵地中心学校、象湖中心学校"),
    ("桂林逸夫小学教育联盟", "桂林逸夫小学",
     "双洋中心学校、永福中心学校、官田中心学校、芦芝中心学校、第二实验小学、拱桥中心学校、特教学校"),
)

NINE_YEAR = "九年一贯制学校"
SPECIAL_SCHOOL = "特教学校"


def pengshui_roster() -> tuple[RosterConsortium, ...]:
    """Lead = county-seat school, centre = township school, members = village schools, as the plan says."""
    result = []
    for number, (lead, centre, members) in enumerate(PENGSHUI_LIST, start=1):
        schools = [RosterSchool(lead, SchoolRole.LEAD, SchoolTier.COUNTY_SEAT, Stage.PRIMARY),
                   RosterSchool(centre, SchoolRole.CENTRE, SchoolTier.TOWNSHIP, Stage.PRIMARY)]
        schools += [RosterSchool(m, SchoolRole.MEMBER, SchoolTier.VILLAGE, Stage.PRIMARY) for m in _split(members, "、")]
        result.append(RosterConsortium(f"{lead}教研共同体", f"彭水自治县小学“1+1+N”教研共同体{number}（牵头总校：{lead}）",
                                       ConsortiumKind.CO_BUILT, tuple(schools)))
    return tuple(result)


def _yangcheng_school(name: str, stage: Stage) -> RosterSchool:
    if NINE_YEAR in name:
        campus = name[: name.index(NINE_YEAR) + len(NINE_YEAR)]
        return RosterSchool(name, SchoolRole.MEMBER, SchoolTier.TOWNSHIP, stage, campus=campus)
    return RosterSchool(name, SchoolRole.MEMBER, SchoolTier.TOWNSHIP, stage)


def yangcheng_roster() -> tuple[RosterConsortium, ...]:
    """主体学校 (county seat) + 中心学校 (township primary) / 中学 (township junior) + nine-year sections."""
    result = []
    for cid, stage, lead, members in YANGCHENG_LIST:
        schools = [RosterSchool(lead, SchoolRole.LEAD, SchoolTier.COUNTY_SEAT, stage)]
        schools += [_yangcheng_school(m, stage) for m in _split(members, " ")]
        result.append(RosterConsortium(cid, f"阳城县城乡义务教育发展{cid}", ConsortiumKind.CO_BUILT, tuple(schools)))
    return tuple(result)


def _zhangping_tier(name: str) -> SchoolTier:
    # 中心学校 stand in the townships (乡镇); the other schools are 市直 schools in the city.
    return SchoolTier.TOWNSHIP if name.endswith("中心学校") else SchoolTier.COUNTY_SEAT


def zhangping_roster() -> tuple[RosterConsortium, ...]:
    """Alliances are 协作型 (collaborative): forums, open days, joint preparation — no shared management."""
    result = []
    for cid, lead, members in ZHANGPING_LIST:
        schools = [RosterSchool(lead, SchoolRole.LEAD, SchoolTier.COUNTY_SEAT, Stage.PRIMARY)]
        schools += [RosterSchool(m, SchoolRole.MEMBER, _zhangping_tier(m), Stage.PRIMARY) for m in _split(members, "、")]
        result.append(RosterConsortium(cid, f"漳平市{cid}", ConsortiumKind.COLLABORATIVE, tuple(schools)))
    return tuple(result)


# --- the curriculum plan (义务教育课程方案 2022): weekly periods, (periods, doubles) per subject ------

JUNIOR_SUBJECTS = [
    {"id": "历史", "name": "历史", "name_en": "History"},
    {"id": "地理", "name": "地理", "name_en": "Geography"},
    {"id": "物理", "name": "物理", "name_en": "Physics"},
    {"id": "化学", "name": "化学", "name_en": "Chemistry"},
    {"id": "生物", "name": "生物", "name_en": "Biology"},
]

# Totals: 26 in grades 1-2, 30 in grades 3-6, 34 in grades 7-9 (bell schedules give 35 and 40 slots).
# Upper grades have one double period (连堂) of integrated practice a week, for field work.
PRIMARY_PLAN: dict[tuple[int, ...], dict[str, tuple[int, int]]] = {
    (1, 2): {"语文": (8, 0), "数学": (4, 0), "道德与法治": (2, 0), "科学": (1, 0), "体育与健康": (4, 0),
             "音乐": (2, 0), "美术": (2, 0), "劳动": (1, 0), "综合实践活动": (2, 0)},
    (3,): {"语文": (7, 0), "数学": (5, 0), "英语": (2, 0), "道德与法治": (2, 0), "科学": (2, 0), "体育与健康": (4, 0),
           "音乐": (2, 0), "美术": (2, 0), "劳动": (1, 0), "信息科技": (1, 0), "综合实践活动": (2, 0)},
    (4,): {"语文": (7, 0), "数学": (5, 0), "英语": (2, 0), "道德与法治": (2, 0), "科学": (2, 0), "体育与健康": (4, 0),
           "音乐": (2, 0), "美术": (2, 0), "劳动": (1, 0), "信息科技": (1, 0), "综合实践活动": (2, 1)},
    (5, 6): {"语文": (6, 0), "数学": (5, 0), "英语": (3, 0), "道德与法治": (2, 0), "科学": (2, 0), "体育与健康": (4, 0),
             "音乐": (2, 0), "美术": (2, 0), "劳动": (1, 0), "信息科技": (1, 0), "综合实践活动": (2, 1)},
}
JUNIOR_PLAN: dict[tuple[int, ...], dict[str, tuple[int, int]]] = {
    (7,): {"语文": (6, 0), "数学": (6, 0), "英语": (5, 0), "道德与法治": (2, 0), "历史": (2, 0), "地理": (2, 0),
           "生物": (2, 0), "体育与健康": (3, 0), "音乐": (1, 0), "美术": (1, 0), "劳动": (1, 0), "信息科技": (1, 0),
           "综合实践活动": (2, 1)},
    (8,): {"语文": (6, 0), "数学": (5, 0), "英语": (5, 0), "道德与法治": (2, 0), "历史": (2, 0), "地理": (2, 0),
           "生物": (2, 0), "物理": (2, 0), "体育与健康": (3, 0), "音乐": (1, 0), "美术": (1, 0), "劳动": (1, 0),
           "信息科技": (1, 0), "综合实践活动": (1, 0)},
    (9,): {"语文": (6, 0), "数学": (5, 0), "英语": (5, 0), "道德与法治": (3, 0), "历史": (2, 0), "物理": (3, 0),
           "化学": (3, 0), "体育与健康": (3, 0), "音乐": (1, 0), "美术": (1, 0), "劳动": (1, 0), "综合实践活动": (1, 0)},
}


def subjects_for(stages: set[Stage]) -> tuple[Subject, ...]:
    items = list(STANDARD_SUBJECTS) + (JUNIOR_SUBJECTS if Stage.JUNIOR in stages else [])
    return tuple(Subject(**item) for item in items)


def curriculum_for(stages: set[Stage]) -> tuple[CurriculumEntry, ...]:
    entries = []
    for stage, plan in ((Stage.PRIMARY, PRIMARY_PLAN), (Stage.JUNIOR, JUNIOR_PLAN)):
        if stage not in stages:
            continue
        for grades, subjects in plan.items():
            for grade in grades:
                entries += [CurriculumEntry(stage=stage, grade=grade, subject=s, periods=p, doubles=d)
                            for s, (p, d) in subjects.items()]
    return tuple(entries)


# --- bell schedules and the term ------------------------------------------------------------------

WINTER_STARTS = date(2026, 10, 8)  # the first school day after the National Day holiday


def bell_schedule(bell_id: str, name: str, morning: str, afternoon: str, winter_afternoon: str) -> BellSchedule:
    """A schedule whose winter season (冬季作息) moves only the afternoon periods, as the counties do.

    Mornings never move, so sync lessons placed in the morning keep their clock time all term.
    """
    def periods(text: str) -> tuple[BellPeriod, ...]:
        return tuple(BellPeriod(start=a, end=b) for a, b in (p.split("-") for p in text.split()))

    base = periods(morning) + periods(afternoon)
    winter = periods(morning) + periods(winter_afternoon)
    return BellSchedule(id=bell_id, name=name, periods=base,
                        seasons=(BellSeason(name="冬季作息", starts=WINTER_STARTS, periods=winter),))


# County-seat mornings start 08:00 with a long break (大课间) after period 2. Township mornings run
# 10 minutes behind (pupils walk far), village mornings 15: every morning period of a township or
# village school overlaps the county seat's same period by 30 or 25 minutes, never exactly, so
# sync lessons go by partial overlap (PARTIAL_OVERLAP). Villages also keep a short lunch and end
# early (children walk home before dark), so their afternoons meet the county seat's in no season.
PS_CITY_AM = "08:00-08:40 08:50-09:30 10:00-10:40 10:50-11:30"
PS_TOWN_AM = "08:10-08:50 09:00-09:40 10:10-10:50 11:00-11:40"
PS_VILLAGE_AM = "08:15-08:55 09:05-09:45 10:15-10:55 11:05-11:45"
PENGSHUI_BELLS = (
    bell_schedule("县城作息", "彭水县城小学作息时间", PS_CITY_AM,
                  "14:30-15:10 15:20-16:00 16:10-16:50", "14:00-14:40 14:50-15:30 15:40-16:20"),
    bell_schedule("乡镇作息", "彭水乡镇小学作息时间", PS_TOWN_AM,
                  "14:20-15:00 15:10-15:50 16:00-16:40", "13:50-14:30 14:40-15:20 15:30-16:10"),
    bell_schedule("村小作息", "彭水村小及教学点作息时间", PS_VILLAGE_AM,
                  "14:00-14:40 14:50-15:30 15:40-16:20", "13:30-14:10 14:20-15:00 15:10-15:50"),
)
# Shanxi: a long summer noon break, afternoons from 15:00 (primary) until the winter schedule.
# Township schools run 10 minutes behind the county seat all morning (junior periods of 45 minutes
# overlap by 35).
YANGCHENG_BELLS = (
    bell_schedule("县城小学作息", "阳城县城小学作息时间", PS_CITY_AM,
                  "15:00-15:40 15:50-16:30 16:40-17:20", "14:30-15:10 15:20-16:00 16:10-16:50"),
    bell_schedule("乡镇小学作息", "阳城乡镇小学作息时间", PS_TOWN_AM,
                  "14:50-15:30 15:40-16:20 16:30-17:10", "14:20-15:00 15:10-15:50 16:00-16:40"),
    bell_schedule("县城初中作息", "阳城县城初中作息时间", "08:00-08:45 08:55-09:40 10:10-10:55 11:05-11:50",
                  "14:40-15:25 15:35-16:20 16:30-17:15 17:25-18:10", "14:10-14:55 15:05-15:50 16:00-16:45 16:55-17:40"),
    bell_schedule("乡镇初中作息", "阳城乡镇初中作息时间", "08:10-08:55 09:05-09:50 10:20-11:05 11:15-12:00",
                  "14:30-15:15 15:25-16:10 16:20-17:05 17:15-18:00", "14:00-14:45 14:55-15:40 15:50-16:35 16:45-17:30"),
)
# Fujian: hot afternoons start late; the special-education school keeps 35-minute periods.
# ZHANGPING_BELLS are the schedules before issue 17, township periods 3-4 at the city's clock
# times; bench/province.py builds its synthetic counties on them (their sync lessons ask periods
# to nest). The Zhangping sample's townships now run 10 minutes behind all morning.
ZHANGPING_BELLS = (
    bell_schedule("市区作息", "漳平市区小学作息时间", PS_CITY_AM,
                  "14:40-15:20 15:30-16:10 16:20-17:00", "14:10-14:50 15:00-15:40 15:50-16:30"),
    bell_schedule("乡镇作息", "漳平乡镇小学作息时间", "08:10-08:50 09:00-09:40 10:00-10:40 10:50-11:30",
                  "14:30-15:10 15:20-16:00 16:10-16:50", "14:00-14:40 14:50-15:30 15:40-16:20"),
    bell_schedule("特教作息", "漳平特教学校作息时间", "08:10-08:45 08:55-09:30 10:00-10:35 10:45-11:20",
                  "14:40-15:15 15:25-16:00 16:10-16:45", "14:10-14:45 14:55-15:30 15:40-16:15"),
)
ZHANGPING_SAMPLE_BELLS = (
    ZHANGPING_BELLS[0],
    bell_schedule("乡镇作息", "漳平乡镇小学作息时间", PS_TOWN_AM,
                  "14:30-15:10 15:20-16:00 16:10-16:50", "14:00-14:40 14:50-15:30 15:40-16:20"),
    ZHANGPING_BELLS[2],
)
# Minutes of a sync lesson a school on this bell schedule accepts to share with the teaching
# school's period (min_overlap_minutes), where its periods do not nest in the lead's.
PARTIAL_OVERLAP = {
    "pengshui": (("乡镇作息", 30), ("村小作息", 25)),
    "yangcheng": (("乡镇小学作息", 30), ("乡镇初中作息", 35)),
    "zhangping": (("乡镇作息", 30),),
}


def _days(first: date, last: date) -> tuple[date, ...]:
    return tuple(first + timedelta(days=i) for i in range((last - first).days + 1))


def autumn_term() -> TermCalendar:
    """Autumn term 2026, with the statutory days as chinesecalendar 1.11 lists them, declared explicitly.

    2026 (from the package): Mid-autumn 09-25..09-27; National Day 10-01..10-07; make-up workdays
    2026-09-20 (Sun) and 2026-10-10 (Sat). Which weekday a make-up day teaches is the school's choice
    (no package says): here the weekdays the two days stand in for, Monday 10-05 and Tuesday 10-06.
    2027 is not in the package: New Year's Day 2027-01-01..01-03 is declared here.
    """
    holidays = _days(date(2026, 9, 25), date(2026, 9, 27)) + _days(date(2026, 10, 1), date(2026, 10, 7)) \
        + _days(date(2027, 1, 1), date(2027, 1, 3))
    return TermCalendar(
        name="2026年秋季学期", start=date(2026, 9, 1), end=date(2027, 1, 22), holidays=holidays,
        makeup_days=(MakeupDay(date=date(2026, 9, 20), follows=Weekday.MON),
                     MakeupDay(date=date(2026, 10, 10), follows=Weekday.TUE)),
        assessment_days=(date(2027, 1, 14), date(2027, 1, 15)))


# --- counties --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class County:
    key: str  # folder name under samples/
    district: str
    prefix: str  # teacher id prefix
    seat: str  # travel node of the county town
    roster: tuple[RosterConsortium, ...]
    bells: tuple[BellSchedule, ...]
    extra_surnames: str  # surnames common locally, weighted up
    research_day: Weekday  # the weekday of in-person research sessions
    # Issue 17 (samples only; bench/province.py keeps the defaults): where in-person research meets
    # ("lead", "centre" or "" for online only), minutes to spare around its trips, and whether
    # small village schools may be teaching points (教学点) of 1-3 classes.
    research_host: str = ""
    research_buffer: int = 15
    teaching_points: bool = False


COUNTIES = (
    County("pengshui", "彭水苗族土家族自治县", "PS", "彭水县城", pengshui_roster(), PENGSHUI_BELLS,
           "冉向庹任杨张何侯蔡汪", Weekday.WED, research_host="centre", research_buffer=20, teaching_points=True),
    County("yangcheng", "阳城县", "YC", "阳城县城", yangcheng_roster(), YANGCHENG_BELLS,
           "原卫常郭吉王李张杨田", Weekday.THU, research_host="lead", research_buffer=15),
    County("zhangping", "漳平市", "ZP", "漳平市区", zhangping_roster(), ZHANGPING_SAMPLE_BELLS,
           "陈林黄郑邱卢詹谢刘罗", Weekday.TUE),
)


def bell_of(county: County, school: RosterSchool) -> str:
    if county.key == "pengshui":
        return {SchoolTier.COUNTY_SEAT: "县城作息", SchoolTier.TOWNSHIP: "乡镇作息"}.get(school.tier, "村小作息")
    if county.key == "yangcheng":
        place = "县城" if school.tier == SchoolTier.COUNTY_SEAT else "乡镇"
        return f"{place}{'小学' if school.stage == Stage.PRIMARY else '初中'}作息"
    if school.name == SPECIAL_SCHOOL:
        return "特教作息"
    return "市区作息" if school.tier == SchoolTier.COUNTY_SEAT else "乡镇作息"


def rng_for(seed: int, *parts: object) -> random.Random:
    """An independent, reproducible random stream for one thing (str seeds hash with SHA-512)."""
    return random.Random(":".join(str(p) for p in (seed, *parts)))


# --- schools and classes -----------------------------------------------------------------------------

# Classes per grade (min, max) and pupils per class (min, max), by kind of school.
CLASSES_PER_GRADE = {"county_primary": (4, 8), "county_junior": (4, 8), "township_primary": (2, 3),
                     "township_junior": (2, 4), "nine_year": (1, 2), "village": (1, 1), "special": (1, 1)}
CLASS_SIZE = {"county_primary": (42, 52), "county_junior": (45, 52), "township_primary": (32, 45),
              "township_junior": (38, 50), "nine_year": (22, 40), "village": (6, 28), "special": (6, 10)}
# Share of small village schools (name without 镇/乡) that teach grades 1-4 only, like a 教学点;
# their older pupils board at the township centre school.
TEACHING_POINT_SHARE = 0.3
# Where a county has teaching points (教学点, issue 17): this share of the small village schools is
# one, teaching grades 1 to 1, 2 or 3 (drawn from TEACHING_POINT_TOP), and the next
# GRADES_1_4_SHARE teaches grades 1-4.
TEACHING_POINT_SHARE_WITH_POINTS = 0.5
GRADES_1_4_SHARE = 0.3
TEACHING_POINT_TOP = (1, 2, 3, 3)


def school_kind(school: RosterSchool) -> str:
    if school.name == SPECIAL_SCHOOL:
        return "special"
    if school.campus:
        return "nine_year"
    if school.tier == SchoolTier.VILLAGE:
        return "village"
    place = "county" if school.tier == SchoolTier.COUNTY_SEAT else "township"
    return f"{place}_{school.stage.value}"


def grades_of(seed: int, school: RosterSchool, teaching_points: bool = False) -> tuple[int, ...]:
    grades = tuple(school.stage.grades)
    if school.tier == SchoolTier.VILLAGE and "镇" not in school.name and "乡" not in school.name:
        rng = rng_for(seed, school.name, "grades")
        draw = rng.random()
        if teaching_points:
            if draw < TEACHING_POINT_SHARE_WITH_POINTS:
                return tuple(range(1, rng.choice(TEACHING_POINT_TOP) + 1))
            if draw < TEACHING_POINT_SHARE_WITH_POINTS + GRADES_1_4_SHARE:
                return (1, 2, 3, 4)
        elif draw < TEACHING_POINT_SHARE:
            return (1, 2, 3, 4)
    return grades


def make_classes(seed: int, school: RosterSchool, grades: tuple[int, ...], per_grade: dict | None = None,
                 sizes: dict | None = None) -> list[SchoolClass]:
    """Each grade's number of classes varies by one around the school's own size, as enrolment does.

    ``per_grade`` and ``sizes`` (by school kind) replace CLASSES_PER_GRADE and CLASS_SIZE, e.g. for
    the smaller schools of bench/province.py; the random stream is the same either way.
    """
    rng = rng_for(seed, school.name, "classes")
    kind = school_kind(school)
    low, high = (per_grade or CLASSES_PER_GRADE)[kind]
    base = rng.randint(low, high)
    small, large = (sizes or CLASS_SIZE)[kind]
    classes = []
    for grade in grades:
        count = min(high, max(low, base + rng.choice((-1, 0, 0, 0, 1))))
        for section in range(1, count + 1):
            classes.append(SchoolClass(id=f"{school.name}{grade}({section})", school=school.name, grade=grade,
                                       section=section, size=rng.randint(small, large)))
    return classes


# --- synchronized lessons -------------------------------------------------------------------------


@dataclass(frozen=True)
class SyncPlan:
    id: str
    subject: str
    grade: int
    teaching_section: int
    receiving_schools: tuple[str, ...]
    per_week: int
    mode: DeliveryMode


def plan_syncs(seed: int, consortium: RosterConsortium, grades_at: dict[str, tuple[int, ...]]) -> list[SyncPlan]:
    """A few sync lessons per consortium, all inside it, so consortia stay independent of each other.

    The plan of the samples before issue 17, kept for bench/province.py's synthetic counties; the
    samples now plan theirs with samples/delivery.py (plan_remote, plan_shared).

    Co-built consortia: a remote (专递课堂) music or art lesson from the lead school to up to three
    member schools, and an English lesson shared live (同步课堂) twice a week with the centre school
    and one more. Collaborative alliances share one music lesson. The special-education school never
    receives: its classes follow their own pace.
    """
    rng = rng_for(seed, consortium.id, "sync")
    lead = consortium.schools[0]
    others = [s for s in consortium.schools[1:] if s.name != SPECIAL_SCHOOL]
    junior = lead.stage == Stage.JUNIOR
    plans: list[SyncPlan] = []

    def having(grade: int, pool: list[RosterSchool]) -> list[str]:
        return [s.name for s in pool if grade in grades_at[s.name]]

    remote_grade = 7 if junior else rng.choice((3, 4))
    remote_subject = "美术" if junior else "音乐"
    candidates = having(remote_grade, [s for s in others if s.role != SchoolRole.CENTRE])
    count = 2 if consortium.kind == ConsortiumKind.COLLABORATIVE else 3
    receivers = tuple(sorted(rng.sample(candidates, min(count, len(candidates))), key=candidates.index))
    if receivers:
        plans.append(SyncPlan(f"{consortium.id}-专递{remote_subject}", remote_subject, remote_grade, 1, receivers, 1,
                              DeliveryMode.REMOTE))
    if consortium.kind == ConsortiumKind.CO_BUILT:
        grade = 8 if junior else rng.choice((5, 6))
        pool = having(grade, others)
        centre = [s.name for s in others if s.role == SchoolRole.CENTRE and s.name in pool]
        rest = [name for name in pool if name not in centre]
        chosen = centre + sorted(rng.sample(rest, min(2 - len(centre), len(rest))), key=rest.index)
        if chosen:
            plans.append(SyncPlan(f"{consortium.id}-同步英语", "英语", grade, 2, tuple(chosen), 2 if not junior else 1,
                                  DeliveryMode.SYNC))
    return plans


def received_periods(plans: list[SyncPlan]) -> dict[tuple[str, str], int]:
    """Periods a receiving class gets live from the lead school: its local teacher does not teach them."""
    received: dict[tuple[str, str], int] = {}
    for plan in plans:
        for school in plan.receiving_schools:
            key = (f"{school}{plan.grade}(1)", plan.subject)
            received[key] = received.get(key, 0) + plan.per_week
    return received


# --- teachers and the teaching assignment (任课安排) -----------------------------------------------

# Which subjects one teacher takes for a class, by kind of school. County-seat schools have
# specialists; township centres share some; village teachers are generalists (包班) and no village
# school has a dedicated music, art, PE or IT teacher. Bundles marked True are spread over the
# teachers who already teach the class when they have room, instead of getting their own teacher.
Bundle = tuple[tuple[str, ...], bool]
BUNDLES: dict[str, tuple[Bundle, ...]] = {
    "county_primary": ((("语文", "道德与法治"), False), (("数学",), False), (("英语",), False),
                       (("科学", "劳动"), False), (("体育与健康",), False), (("音乐",), False), (("美术",), False),
                       (("信息科技", "综合实践活动"), False)),
    "township_primary": ((("语文", "道德与法治"), False), (("数学", "科学"), False), (("英语",), False),
                         (("体育与健康",), False), (("音乐", "美术"), False), (("信息科技", "综合实践活动", "劳动"), False)),
    "village": ((("语文", "道德与法治", "音乐"), False), (("数学", "科学", "体育与健康"), False),
                (("英语", "美术", "信息科技"), False), (("综合实践活动", "劳动"), True)),
    "county_junior": tuple(((s,), False) for s in ("语文", "数学", "英语", "道德与法治", "历史", "地理", "生物", "物理", "化学",
                                                   "体育与健康", "音乐", "美术", "信息科技")) + ((("劳动", "综合实践活动"), False),),
    "township_junior": ((("语文",), False), (("数学",), False), (("英语",), False), (("道德与法治", "历史"), False),
                        (("地理", "生物"), False), (("物理", "化学"), False), (("体育与健康",), False),
                        (("音乐", "美术"), False), (("信息科技", "劳动", "综合实践活动"), True)),
}
BUNDLES["nine_year"] = BUNDLES["township_junior"]
BUNDLES["special"] = BUNDLES["village"]
# A village school that has no English, music, art or IT teacher (issue 17): its class teacher
# teaches the class's Chinese, maths and morality (包班, 13-14 periods), a colleague science and PE
# for two or three classes, and integrated practice and labour go to whoever teaches the class.
BUNDLES["village_core"] = ((("语文", "数学", "道德与法治"), False), (("科学", "体育与健康"), False),
                           (("综合实践活动", "劳动"), True))


def bundles_for(school: RosterSchool) -> tuple[Bundle, ...]:
    kind = school_kind(school)
    if kind == "nine_year" and school.stage == Stage.PRIMARY:
        return BUNDLES["township_primary"]
    return BUNDLES[kind]


# max_weekly choices and max_daily, by kind of school: village teachers carry the heaviest loads.
MAX_WEEKLY = {"county_primary": (14, 15, 16), "township_primary": (15, 16, 17, 18), "village": (16, 17, 18),
              "village_core": (17, 18),
              "special": (14, 15, 16), "county_junior": (12, 13, 14), "township_junior": (13, 14, 15, 16),
              "nine_year": (14, 15, 16)}
MAX_DAILY = {"county_primary": (4,), "township_primary": (4, 5), "village": (5,), "village_core": (5,), "special": (4, 5),
             "county_junior": (4,), "township_junior": (4, 5), "nine_year": (4, 5)}
BACKBONE_SHARE = {SchoolTier.COUNTY_SEAT: 0.3, SchoolTier.TOWNSHIP: 0.2, SchoolTier.VILLAGE: 0.1}


@dataclass
class Staff:
    """A teacher while the generator fills in their classes."""

    school: RosterSchool
    number: int  # order of creation at the school
    max_weekly: int
    max_daily: int
    lessons: list[tuple[str, str, int]] = field(default_factory=list)  # (class id, subject, periods)

    @property
    def cap(self) -> int:
        return math.floor(self.max_weekly * LOAD_SHARE)

    @property
    def load(self) -> int:
        return sum(p for _, _, p in self.lessons)

    def teaches_class(self, class_id: str) -> bool:
        return any(c == class_id for c, _, _ in self.lessons)

    def subjects(self) -> set[str]:
        return {s for _, s, _ in self.lessons}


Unit = list[tuple[str, str, int]]  # one class's lessons of one bundle: (class id, subject, periods)


def staff_school(seed: int, school: RosterSchool, classes: list[SchoolClass],
                 local: dict[tuple[str, str], int], kind: str | None = None) -> list[Staff]:
    """Teachers for one school, every local class-subject assigned, each teacher within LOAD_SHARE.

    A bundle's units (one class each, in grade order) are packed next-fit, so a teacher takes
    neighbouring classes (4(1), 4(2)); a unit too big for one teacher is split by subject.
    ``kind`` chooses the bundles and limits (default: the school's kind).
    """
    rng = rng_for(seed, school.name, "staff")
    kind = kind or school_kind(school)
    staff: list[Staff] = []

    def hire() -> Staff:
        person = Staff(school, len(staff), rng.choice(MAX_WEEKLY[kind]), rng.choice(MAX_DAILY[kind]))
        staff.append(person)
        return person

    for subjects, spread in (BUNDLES[kind] if kind == "village_core" else bundles_for(school)):
        units: list[Unit] = []
        for klass in classes:
            unit = [(klass.id, s, local[(klass.id, s)]) for s in subjects if local.get((klass.id, s), 0) > 0]
            if unit:
                units.append(unit)
        current: Staff | None = None
        pending = list(units)
        while pending:
            unit = pending.pop(0)
            size = sum(p for _, _, p in unit)
            if spread:
                host = _room_for(staff, unit[0][0], size, same_subject=None)
                if host is not None:
                    host.lessons += unit
                    continue
            if current is None or current.load + size > current.cap:
                current = hire()
                if size > current.cap and len(unit) > 1:
                    pending = [[lesson] for lesson in unit] + pending
                    continue
            current.lessons += unit
    consolidate(staff, kind)
    return staff


def _room_for(staff: list[Staff], class_id: str, size: int, same_subject: str | None,
              exclude: Staff | None = None) -> Staff | None:
    """A teacher with room for ``size`` more periods: one who already teaches the class first."""
    able = [t for t in staff if t is not exclude and t.load + size <= t.cap
            and (same_subject is None or same_subject in t.subjects())]
    able.sort(key=lambda t: (not t.teaches_class(class_id), t.number))
    return able[0] if able else None


def consolidate(staff: list[Staff], kind: str) -> None:
    """Give the lessons of nearly idle teachers (under a third of their cap) to colleagues with room.

    At county-seat schools only a teacher of the same subject takes them over (specialists stay
    specialists); elsewhere anyone with room does.
    """
    for idle in sorted(staff, key=lambda t: (t.load, t.number)):
        if idle.load * 3 >= idle.cap or idle not in staff:
            continue
        moves = []
        planned: dict[int, int] = {}
        for lesson in idle.lessons:
            specialist = lesson[1] if kind.startswith("county") else None
            host = next((t for t in sorted(staff, key=lambda t: (not t.teaches_class(lesson[0]), t.number))
                         if t is not idle and t.load + planned.get(id(t), 0) + lesson[2] <= t.cap
                         and (specialist is None or specialist in t.subjects())), None)
            if host is None:
                break
            planned[id(host)] = planned.get(id(host), 0) + lesson[2]
            moves.append((host, lesson))
        else:
            for host, lesson in moves:
                host.lessons.append(lesson)
            staff.remove(idle)


# --- people: names, ages, roles -------------------------------------------------------------------

# Common surnames of China (roughly by frequency) and common given names, one and two characters.
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN_ONE = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚鹏辉婷琳斌峰燕莉琴蓉倩洁颖浩毅"
GIVEN_TWO = ("建国 建华 建军 志强 志刚 志明 国强 国庆 国华 海燕 海涛 海波 晓东 晓燕 晓红 晓丽 丽娟 丽华 丽萍 秀英 秀兰 秀梅 "
             "春梅 雪梅 红梅 玉兰 玉梅 桂英 桂芳 明辉 明亮 文静 文华 文杰 俊杰 子涵 子轩 浩然 宇航 思远 雨萱 佳怡 嘉怡 "
             "欣怡 欣然 梓涵 一鸣 宏伟 永红 德明 兴华 世杰 家豪 婷婷 静怡 诗涵 振华 红霞 艳红 春燕 冬梅 金凤 玉婷 晨曦 "
             "天宇 博文 雅琴 少华 立新 学军 爱华 凤英 淑芬 淑珍 小红 小军 云飞 永强 志华 美玲 秋菊 海英 丹丹 思雨").split()


def person_name(rng: random.Random, county: County, taken: set[str]) -> str:
    """A Chinese name, unique in the county; the county's common local surnames are drawn more often."""
    surnames = SURNAMES + county.extra_surnames * 2
    while True:
        given = rng.choice(GIVEN_TWO) if rng.random() < 0.7 else rng.choice(GIVEN_ONE)
        name = rng.choice(surnames) + given
        if name not in taken:
            taken.add(name)
            return name


def birth_year(rng: random.Random, tier: SchoolTier) -> int:
    """Ages 23-59; village schools have many young special-post (特岗) teachers and some near retirement."""
    if tier == SchoolTier.VILLAGE and rng.random() < 0.5:
        return rng.randint(TERM_YEAR - 29, TERM_YEAR - 23)
    return rng.randint(TERM_YEAR - 59, TERM_YEAR - 25)


FIRST_PERIODS = tuple(SlotRange(day=d, first=1, last=1) for d in (Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI))


def finish_teachers(seed: int, county: County, school: RosterSchool, staff: list[Staff], first_id: int,
                    taken_names: set[str], classes: list[SchoolClass]) -> list[Teacher]:
    """Ids, names, ages, roles and times of a school's teachers.

    The principal (校长) is the teacher with the lightest load: principals teach little, and are away on
    Monday morning at the county's weekly meeting (周一1-4). Each class's 语文 teacher is its
    homeroom teacher (班主任). A few teachers study on Thursday afternoons (周四5-7) or avoid the
    first period (they take children to school).
    """
    rng = rng_for(seed, school.name, "people")
    principal = min(staff, key=lambda t: (t.load, t.number))
    order = {c.id: i for i, c in enumerate(classes)}
    homeroom: set[int] = set()
    for klass in classes:
        teacher = next((t for t in staff if (klass.id, "语文") in {(c, s) for c, s, _ in t.lessons}), None)
        if teacher is not None and teacher is not principal:
            homeroom.add(id(teacher))
    subject_order = {s["id"]: i for i, s in enumerate(STANDARD_SUBJECTS + JUNIOR_SUBJECTS)}
    teachers = []
    for offset, person in enumerate(staff):
        is_principal = person is principal
        born = rng.randint(TERM_YEAR - 58, TERM_YEAR - 45) if is_principal else birth_year(rng, school.tier)
        years = rng.randint(3 if is_principal else 1, max(3, min(25, TERM_YEAR - born - 22)))
        chance = rng.random()
        unavailable: tuple[SlotRange, ...] = ()
        avoided: tuple[SlotRange, ...] = ()
        if is_principal:
            unavailable = (SlotRange(day=Weekday.MON, first=1, last=4),)
        elif chance < 0.05:
            unavailable = (SlotRange(day=Weekday.THU, first=5, last=7 if school.stage == Stage.PRIMARY else 8),)
        elif chance < 0.10:
            avoided = FIRST_PERIODS
        roles = ("principal",) if is_principal else (("homeroom",) if id(person) in homeroom else ())
        person.lessons.sort(key=lambda lesson: (order[lesson[0]], subject_order[lesson[1]]))
        teachers.append(Teacher(
            id=f"{county.prefix}{first_id + offset:04d}", name=person_name(rng, county, taken_names),
            school=school.name, subjects=tuple(sorted(person.subjects(), key=subject_order.__getitem__)),
            max_weekly=person.max_weekly, max_daily=person.max_daily, unavailable=unavailable, avoided=avoided,
            birth_year=born, backbone=is_principal or rng.random() < BACKBONE_SHARE[school.tier], roles=roles,
            years_at_school=years))
    return teachers


# --- itinerant teachers (走教) ---------------------------------------------------------------------

# Which schools lack which subjects, how their schools are grouped and where each post is based:
# samples/delivery.py. Here: the teachers of the posts, one per post, based at the post's base.


def itinerant_staff(seed: int, county: County, plans: list[PostPlan], first_id: int,
                    taken_names: set[str]) -> tuple[list[Teacher], list[ItinerantPost]]:
    """One itinerant teacher per planned post (so each post's schools are that teacher's alone)."""
    teachers, posts = [], []
    for number, plan in enumerate(plans):
        rng = rng_for(seed, plan.id, "itinerant")
        born = birth_year(rng, SchoolTier.TOWNSHIP)
        teacher = Teacher(
            id=f"{county.prefix}{first_id + number:04d}", name=person_name(rng, county, taken_names),
            school=plan.base, subjects=plan.subjects, max_weekly=ITINERANT_MAX_WEEKLY, max_daily=ITINERANT_MAX_DAILY,
            birth_year=born, backbone=rng.random() < 0.2,
            years_at_school=rng.randint(1, max(1, min(15, TERM_YEAR - born - 22))))
        teachers.append(teacher)
        posts.append(ItinerantPost(id=plan.id, teachers=(teacher.id,), subjects=plan.subjects, base=plan.base,
                                   schools=plan.schools, max_schools_per_day=2,
                                   max_travel_minutes_day=plan.max_travel_day,
                                   max_travel_minutes_week=plan.max_travel_week, buffer_minutes=ITINERANT_BUFFER))
    return teachers, posts


# --- travel ---------------------------------------------------------------------------------------

MAX_ROAD_MINUTES = 90  # the longest single road between two places
PLACE_SUFFIXES = ("九年一贯制学校", "中心学校", "镇小学", "乡小学", "中学", "小学")


def town_of(name: str) -> str:
    for suffix in PLACE_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def build_travel(seed: int, county: County, schools: list[School]) -> TravelTimes:
    """A sparse mountain-road graph: a tree from the county town plus a few shortcuts.

    County-seat schools are 5-15 minutes from the county town. Pengshui's centre schools hang off
    the town or another centre (25-60 min) and its village schools off their centre or a village of
    the same consortium (10-40 min), so villages lie near their centre. Elsewhere each township
    hangs off the town or an earlier township (15-50 min) and the schools of one township are 3-8
    minutes apart. Shortcuts join two places in one consortium at 60-95% of the way round.
    """
    rng = rng_for(seed, county.key, "travel")
    edges: list[TravelEdge] = []
    placed: list[str] = [county.seat]
    consortium_of: dict[str, str] = {}

    def road(a: str, b: str, low: int, high: int) -> None:
        edges.append(TravelEdge(a=a, b=b, minutes=rng.randint(low, high)))
        placed.append(b)

    town_anchor: dict[str, str] = {}
    from_centre: dict[str, int] = {}  # Pengshui: minutes from the consortium's centre school
    centres = [s for s in schools if s.role == SchoolRole.CENTRE]
    for school in schools:
        place = school.place
        consortium_of.setdefault(place, school.consortium)
        if place in placed:
            continue
        if school.tier == SchoolTier.COUNTY_SEAT:
            road(county.seat, place, 5, 15)
        elif school.role == SchoolRole.CENTRE:
            parents = [county.seat] + [c.place for c in centres if c.place in placed]
            road(rng.choice(parents), place, 25, 60)
            from_centre[place] = 0
        elif school.tier == SchoolTier.VILLAGE:
            # Chains of villages stay within 90 minutes of the centre school.
            own = [s.place for s in schools if s.consortium == school.consortium and s.place in from_centre
                   and from_centre[s.place] <= MAX_ROAD_MINUTES - 40]
            parent = own[0] if rng.random() < 0.6 else rng.choice(own)
            road(parent, place, 10, 40)
            from_centre[place] = from_centre[parent] + edges[-1].minutes
        else:
            town = town_of(place)
            if town in town_anchor:
                road(town_anchor[town], place, 3, 8)
            else:
                anchors = [county.seat] + sorted(set(town_anchor.values()), key=placed.index)
                road(rng.choice(anchors), place, 15, 50)
                town_anchor[town] = place
    travel = TravelTimes(edges=tuple(edges))
    for consortium in dict.fromkeys(s.consortium for s in schools):
        places = [p for p in placed[1:] if consortium_of.get(p) == consortium]
        a, b = sorted(rng.sample(places, 2), key=placed.index)
        around = travel.minutes(a, b) or 0
        shortcut = max(10, round(around * rng.uniform(0.6, 0.95)))
        if around >= 20 and shortcut <= MAX_ROAD_MINUTES and not any({e.a, e.b} == {a, b} for e in edges):
            edges.append(TravelEdge(a=a, b=b, minutes=shortcut))
    return TravelTimes(edges=tuple(edges))


# --- research blocks ------------------------------------------------------------------------------


# In-person research lists only teachers this many minutes' drive from the host, at most this many
# a school (the subject's backbone teachers first), and keeps County.research_buffer minutes to spare
# between a lesson and the trip.
RESEARCH_REACH = 45
RESEARCH_PER_SCHOOL = 2
RESEARCH_AT_HOST = 4


def plan_research(county: County, consortium: RosterConsortium, teachers: list[Teacher],
                  assignments: list[TeachingAssignment], classes: dict[str, SchoolClass],
                  travel: TravelTimes | None = None, place_of: dict[str, str] | None = None) -> list[ResearchBlock]:
    """An online joint lesson preparation (集体备课) every week for every consortium; co-built
    consortia also meet in person (大教研) for 120 minutes on the county's research day.

    With ``travel`` (the samples), ``county.research_host`` says who hosts: "centre" — Pengshui's
    township centre (片区教研: the villages are near it, the county seat is not); "lead" — Yangcheng:
    the school with the most of the consortium within reach, the lead on ties (its document:
    "在主体学校与各校区之间开展轮讲、共听、互评", hosts taking turns); "" — online only (Zhangping).
    The block lists the host's teachers of the subject and grades and those of every school within
    RESEARCH_REACH minutes, with ``research_buffer`` minutes to spare each way; with nobody in reach
    it meets online. Without ``travel`` (bench/province.py): at the lead school, with up to three
    teachers of the first member on the roster.
    """
    junior = consortium.schools[0].stage == Stage.JUNIOR
    grades: tuple[int, ...]
    subject, grades, label = ("语文", (7,), "七年级语文集体备课") if junior else ("数学", (1, 2, 3), "低段数学集体备课")
    blocks = [ResearchBlock(id=f"{consortium.id}-集体备课", name=label, subject=subject, grades=grades,
                            consortium=consortium.id, minutes=90, mode=DeliveryMode.ONLINE)]
    if consortium.kind != ConsortiumKind.CO_BUILT or (travel is not None and not county.research_host):
        return blocks
    subject, grades = ("英语", (8, 9)) if junior else ("语文", (5, 6))
    lead, partner = consortium.schools[0].name, consortium.schools[1].name
    by_id = {t.id: t for t in teachers}

    def teachers_at(school: str) -> list[str]:
        ids = {a.teacher for a in assignments if a.subject == subject and classes[a.class_id].school == school
               and classes[a.class_id].grade in grades}
        return sorted(ids)

    name = f"{'八九年级' if junior else '高段'}{subject}大教研（线下）"
    if travel is None or place_of is None:
        lead_ids = [t for t in teachers_at(lead) if by_id[t].backbone][:4] or teachers_at(lead)[:2]
        listed = tuple(lead_ids + teachers_at(partner)[:3])
        return blocks + [ResearchBlock(id=f"{consortium.id}-大教研", name=name, teachers=listed, minutes=120,
                                       mode=DeliveryMode.IN_PERSON, host=lead, consortium=consortium.id,
                                       days=(county.research_day,))]
    roster = [s.name for s in consortium.schools]

    def minutes(school: str, host: str) -> int:
        return travel.minutes(place_of[school], place_of[host]) or 0

    def near(host: str) -> list[str]:
        return sorted((s for s in roster if s != host and minutes(s, host) <= RESEARCH_REACH),
                      key=lambda s: (minutes(s, host), roster.index(s)))

    if county.research_host == "centre":
        host, name = partner, f"高段{subject}片区教研（线下）"
    else:  # the lead, unless another school has more of the consortium within reach (轮讲: hosts take turns)
        host = max(roster, key=lambda h: (len(near(h)), h == lead, -roster.index(h)))
    if not near(host):  # nobody within reach of anybody: the group meets online
        return blocks + [ResearchBlock(id=f"{consortium.id}-大教研", name=name.replace("线下", "线上"), subject=subject,
                                       grades=grades, consortium=consortium.id, minutes=120, mode=DeliveryMode.ONLINE,
                                       days=(county.research_day,))]

    def backbone_first(school: str, count: int) -> list[str]:
        return sorted(teachers_at(school), key=lambda t: (not by_id[t].backbone, t))[:count]

    listed = tuple(backbone_first(host, RESEARCH_AT_HOST)
                   + [t for s in near(host) for t in backbone_first(s, RESEARCH_PER_SCHOOL)])
    return blocks + [ResearchBlock(id=f"{consortium.id}-大教研", name=name, teachers=listed, minutes=120,
                                   mode=DeliveryMode.IN_PERSON, host=host, consortium=consortium.id,
                                   days=(county.research_day,), travel_buffer_minutes=county.research_buffer)]


# --- rooms ----------------------------------------------------------------------------------------


def computer_rooms(school: School, classes: list[SchoolClass], local: dict[tuple[str, str], int]) -> list[Room]:
    """Computer rooms (计算机教室) for IT lessons: one per 20 weekly IT periods, at least one (the rooms of the
    samples before issue 18, kept for bench/province.py's synthetic counties)."""
    demand = sum(local.get((c.id, "信息科技"), 0) for c in classes)
    if not demand:
        return []
    count = max(1, math.ceil(demand / 20))
    return [Room(id=f"{school.id}计算机教室{n}", school=school.id, name=f"计算机教室{n}", subjects=("信息科技",))
            for n in range(1, count + 1)]


#: A group of rooms is sized so that its weekly lessons fill at most this share of its places: PE keeps
#: off the first period and straight after lunch, and sync lessons are live only in the periods the
#: schools' bells share.
ROOM_SHARE = 0.5
#: The same for music rooms and laboratories, which have no rule keeping them off any period.
SUBJECT_ROOM_SHARE = 0.6
#: Sync-lesson ends a week one 录播教室 takes (about 60% of the 20 morning periods the bells share).
ENDS_PER_REMOTE_ROOM = 12
#: Schools with at least this many classes have a music room and a science laboratory.
SUBJECT_ROOMS_FROM = 12
#: Most PE classes one ground takes at once; beyond it a school also has a 体育馆.
GROUND_MOST = 6
#: Share of village schools outside every sync lesson that still have a 录播教室 (三个课堂 equipment).
VILLAGE_REMOTE_SHARE = 0.8
LAB_SUBJECTS = {Stage.PRIMARY: ("科学",), Stage.JUNIOR: ("物理", "化学", "生物")}


def school_rooms(seed: int, school: School, classes: list[SchoolClass], local: dict[tuple[str, str], int],
                 sync_ends: int, together: int, weekly_slots: int) -> list[Room]:
    """A school's rooms, sized to its lessons: 录播教室 (one per ENDS_PER_REMOTE_ROOM sync ends a week, and at
    least as many as the school's classes in one sync lesson, each class in its own room; one at every
    school that takes part in sync lessons, at county-seat and township schools, and at most village
    schools), a sports ground (操场, capacity sized to PE), and at larger schools a music room and a
    science laboratory; computer rooms (计算机教室) wherever IT is taught, one per 20 weekly periods."""
    rng = rng_for(seed, school.id, "rooms")
    rooms: list[Room] = []

    def demand(*subjects: str) -> int:
        return sum(local.get((c.id, subject), 0) for c in classes for subject in subjects)

    def places(need: int, share: float = ROOM_SHARE) -> int:
        return max(1, math.ceil(need / (share * weekly_slots)))

    remote = sync_ends > 0 or school.tier != SchoolTier.VILLAGE or rng.random() < VILLAGE_REMOTE_SHARE
    if remote:
        count = max(1, together, math.ceil(sync_ends / ENDS_PER_REMOTE_ROOM))
        rooms += [Room(id=f"{school.id}录播教室{n}", school=school.id, name=f"录播教室{n}", kind="录播教室",
                       equipment=(Equipment.REMOTE, Equipment.RECORDING)) for n in range(1, count + 1)]
    pe = demand("体育与健康")
    if pe:
        capacity = places(pe)
        rooms.append(Room(id=f"{school.id}操场", school=school.id, name="操场", kind="操场", subjects=("体育与健康",),
                          capacity=min(capacity, GROUND_MOST)))
        if capacity > GROUND_MOST:
            rooms.append(Room(id=f"{school.id}体育馆", school=school.id, name="体育馆", kind="体育馆",
                              subjects=("体育与健康",), capacity=capacity - GROUND_MOST))
    if len(classes) >= SUBJECT_ROOMS_FROM:
        for kind, subjects in (("音乐室", ("音乐",)), ("科学实验室", LAB_SUBJECTS[school.stage])):
            need = demand(*subjects)
            if need:
                rooms += [Room(id=f"{school.id}{kind}{n}", school=school.id, name=f"{kind}{n}", kind=kind,
                               subjects=subjects) for n in range(1, places(need, SUBJECT_ROOM_SHARE) + 1)]
    it = demand("信息科技")
    if it:
        rooms += [Room(id=f"{school.id}计算机教室{n}", school=school.id, name=f"计算机教室{n}", kind="计算机房",
                       subjects=("信息科技",)) for n in range(1, max(1, math.ceil(it / 20)) + 1)]
    return rooms


# --- the whole county -----------------------------------------------------------------------------


def build_county(county: County, seed: int = SEED) -> Scenario:
    """One county: schools and classes, roads, then per consortium its sync lessons, staff, posts, research."""
    stages = {s.stage for c in county.roster for s in c.schools}
    curriculum = curriculum_for(stages)
    plan_of = {(e.stage, e.grade, e.subject): e.periods for e in curriculum}
    accepted = dict(PARTIAL_OVERLAP.get(county.key, ()))
    schools: list[School] = []
    classes: list[SchoolClass] = []
    classes_at: dict[str, list[SchoolClass]] = {}
    for consortium in county.roster:
        for roster_school in consortium.schools:
            school = School(id=roster_school.name, name=roster_school.name, consortium=consortium.id,
                            role=roster_school.role, tier=roster_school.tier, stage=roster_school.stage,
                            grades=grades_of(seed, roster_school, county.teaching_points),
                            bell_schedule=bell_of(county, roster_school), campus=roster_school.campus)
            schools.append(school)
            classes_at[school.id] = make_classes(seed, roster_school, school.grades)
            classes += classes_at[school.id]
    travel = build_travel(seed, county, schools)
    place_of = {s.id: s.place for s in schools}
    bell_at = {s.id: s.bell_schedule for s in schools}
    teachers: list[Teacher] = []
    assignments: list[TeachingAssignment] = []
    rooms: list[Room] = []
    syncs: list[SyncLesson] = []
    blocks: list[ResearchBlock] = []
    posts: list[ItinerantPost] = []
    names: set[str] = set()
    class_by_id = {c.id: c for c in classes}
    school_by_id = {s.id: s for s in schools}
    slots_of = {b.id: b.weekly_slots for b in county.bells}
    for consortium in county.roster:
        missing = {s.name: lacking(county.key, s) for s in consortium.schools}
        remote = plan_remote(consortium, classes_at, missing, plan_of)
        shared = plan_shared(rng_for(seed, consortium.id, "sync"), consortium,
                             consortium.kind == ConsortiumKind.CO_BUILT, classes_at, missing, remote,
                             never_receives=(SPECIAL_SCHOOL,))
        plans = remote + shared
        received: dict[tuple[str, str], int] = {}
        ends: dict[str, int] = {}
        together: dict[str, int] = {}  # the most classes of one sync lesson at a school: live at once
        for plan in plans:
            at: dict[str, int] = {}
            for class_id in (plan.teaching_class, *plan.receiving_classes):
                school_id = class_by_id[class_id].school
                ends[school_id] = ends.get(school_id, 0) + plan.per_week
                at[school_id] = at.get(school_id, 0) + 1
            for school_id, count in at.items():
                together[school_id] = max(together.get(school_id, 0), count)
            for class_id in plan.receiving_classes:
                received[(class_id, plan.subject)] = received.get((class_id, plan.subject), 0) + plan.per_week
        members: list[Teacher] = []
        for roster_school in consortium.schools:
            school = school_by_id[roster_school.name]
            own = classes_at[school.id]
            local = {(c.id, subject): periods - received.get((c.id, subject), 0)
                     for c in own for (stage, grade, subject), periods in plan_of.items()
                     if stage == school.stage and grade == c.grade}
            # What the school has no teacher of arrives by sync lesson or itinerant teacher.
            staffed = {k: v for k, v in local.items() if k[1] not in missing[school.id]}
            kind = "village_core" if missing[school.id] and roster_school.tier == SchoolTier.VILLAGE else None
            staff = staff_school(seed, roster_school, own, staffed, kind)
            hired = finish_teachers(seed, county, roster_school, staff, len(teachers) + 1, names, own)
            for person, teacher in zip(staff, hired):
                assignments += [TeachingAssignment(teacher=teacher.id, class_id=c, subject=s) for c, s, _ in person.lessons]
            teachers += hired
            members += hired
            rooms += school_rooms(seed, school, own, local, ends.get(school.id, 0), together.get(school.id, 0),
                                  slots_of[school.bell_schedule])
        post_plans = plan_posts(consortium, classes_at, missing, plan_of, travel, place_of)
        travelling, consortium_posts = itinerant_staff(seed, county, post_plans, len(teachers) + 1, names)
        teachers += travelling
        posts += consortium_posts
        by_class_subject = {(a.class_id, a.subject): a.teacher for a in assignments}
        for plan in plans:
            ends = (plan.teaching_class, *plan.receiving_classes)
            syncs.append(SyncLesson(
                id=plan.id, subject=plan.subject, teaching_class=plan.teaching_class,
                receiving_classes=plan.receiving_classes, per_week=plan.per_week,
                teacher=by_class_subject[(plan.teaching_class, plan.subject)], mode=plan.mode,
                min_overlap_minutes=min_overlap([bell_at[class_by_id[c].school] for c in ends], accepted)))
        blocks += plan_research(county, consortium, members, assignments, class_by_id, travel, place_of)
    return Scenario(
        district=county.district, term=autumn_term(),
        consortia=tuple(Consortium(id=c.id, name=c.name, kind=c.kind) for c in county.roster),
        schools=tuple(schools), bell_schedules=county.bells, subjects=subjects_for(stages), curriculum=curriculum,
        classes=tuple(classes), teachers=tuple(teachers), assignments=tuple(assignments), rooms=tuple(rooms),
        travel=travel, sync_lessons=tuple(syncs), research_blocks=tuple(blocks), itinerant_posts=tuple(posts))


# --- writing --------------------------------------------------------------------------------------

SCENARIO_FILES = ("scenario.yaml", "schools.csv", "classes.csv", "teachers.csv", "curriculum.csv", "travel.csv",
                  "assignments.csv", "rooms.csv", "sync_lessons.csv", "research_blocks.csv")


def write_county(county: County, out: Path, seed: int = SEED) -> list[Path]:
    """Write one county's folder with models.files.write_scenario, after removing the files it writes."""
    from models.files import write_scenario

    folder = out / county.key
    folder.mkdir(parents=True, exist_ok=True)
    for name in SCENARIO_FILES:  # a table that became empty must not survive from an older run
        (folder / name).unlink(missing_ok=True)
    return write_scenario(build_county(county, seed), folder)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Regenerate the bundled sample scenarios (samples/*).")
    parser.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")
    parser.add_argument("--out", type=Path, default=SAMPLES_DIR, help="folder to write the county folders into")
    parser.add_argument("--only", choices=[c.key for c in COUNTIES], action="append", help="only this county")
    args = parser.parse_args(argv)
    for county in COUNTIES:
        if args.only and county.key not in args.only:
            continue
        written = write_county(county, args.out, args.seed)
        print(f"{county.key}: {len(written)} files in {args.out / county.key}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
