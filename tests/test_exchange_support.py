"""A small consortium built in Python for the exchange tests (written with models.files.write_scenario).

One consortium: a lead school (城关小学), a centre school (镇中心小学) and two village schools
(高谷村小, 石桥村小); grades 3 and 4; 语文 6 (one double), 数学 5, 音乐 2, 美术 2 periods a week. The lead school has
spare 语文 and 数学 teachers, the villages none. ``exchange`` is written into scenario.yaml and the
optional tables are written when given. The one test here checks the builder's scenario validates.
"""

from __future__ import annotations

from models.preferences import QualityRules

from datetime import date
from pathlib import Path

import yaml

from models import (
    BellPeriod, BellSchedule, Consortium, CurriculumEntry, Scenario, School, SchoolClass, Subject, Teacher,
    TermCalendar, TravelEdge, TravelTimes,
)
from models.enums import SchoolRole, SchoolTier, Stage
from models.files import write_csv, write_scenario
from models.validation import validate_folder

TERM = TermCalendar(name="2026秋", start=date(2026, 9, 1), end=date(2026, 10, 30), use_official_holidays=False)
PERIODS = [("08:00", "08:40"), ("08:50", "09:30"), ("09:50", "10:30"), ("10:40", "11:20"),
           ("14:00", "14:40"), ("14:50", "15:30"), ("15:40", "16:20")]
SUBJECTS = (Subject(id="语文", name="语文", name_en="Chinese", core=True),
            Subject(id="数学", name="数学", name_en="Maths", core=True),
            Subject(id="音乐", name="音乐", name_en="Music", shortage=True),
            Subject(id="美术", name="美术", name_en="Art", shortage=True))
PLAN = (("语文", 6, 1), ("数学", 5, 0), ("音乐", 2, 0), ("美术", 2, 0))


def school(sid: str, role: SchoolRole, tier: SchoolTier) -> School:
    return School(id=sid, name=sid, consortium="C1", role=role, tier=tier, stage=Stage.PRIMARY, grades=(3, 4),
                  bell_schedule="std")


# (id, name, school, subjects, years_at_school, backbone, birth_year)
TEACHERS = [
    ("L01", "王芳", "城关小学", "语文", 12, True, 1980), ("L02", "李强", "城关小学", "语文", 8, False, 1985),
    ("L03", "张伟", "城关小学", "语文", 3, False, 1995), ("L04", "刘洋", "城关小学", "数学", 10, True, 1978),
    ("L05", "陈静", "城关小学", "数学", 7, False, 1988), ("L06", "杨帆", "城关小学", "数学", 2, False, 1998),
    ("L07", "赵敏", "城关小学", "音乐", 9, False, 1986), ("L08", "黄磊", "城关小学", "美术", 6, False, 1990),
    ("L09", "周杰", "城关小学", "语文;数学", 15, False, 1968),
    ("Z01", "吴刚", "镇中心小学", "语文", 9, False, 1982), ("Z02", "郑丽", "镇中心小学", "语文", 4, False, 1992),
    ("Z03", "孙浩", "镇中心小学", "数学", 11, True, 1979), ("Z04", "马超", "镇中心小学", "数学", 2, False, 1997),
    ("Z05", "朱琳", "镇中心小学", "音乐;美术", 7, False, 1989),
    ("G01", "胡军", "高谷村小", "语文", 10, False, 1975), ("G02", "林涛", "高谷村小", "数学", 8, False, 1983),
    ("G03", "何梅", "高谷村小", "音乐;美术", 3, False, 1996),
    ("S01", "高峰", "石桥村小", "语文", 7, False, 1981), ("S02", "罗娟", "石桥村小", "数学", 9, False, 1984),
    ("S03", "梁辉", "石桥村小", "音乐;美术", 1, False, 1999),
]


def scenario() -> Scenario:
    schools = (school("城关小学", SchoolRole.LEAD, SchoolTier.COUNTY_SEAT),
               school("镇中心小学", SchoolRole.CENTRE, SchoolTier.TOWNSHIP),
               school("高谷村小", SchoolRole.MEMBER, SchoolTier.VILLAGE),
               school("石桥村小", SchoolRole.MEMBER, SchoolTier.VILLAGE))
    sections = {"城关小学": 2, "镇中心小学": 1, "高谷村小": 1, "石桥村小": 1}
    classes = tuple(SchoolClass(id=f"{s}{g}({n})", school=s, grade=g, section=n)
                    for s, count in sections.items() for g in (3, 4) for n in range(1, count + 1))
    teachers = tuple(Teacher(id=i, name=n, school=s, subjects=tuple(j.split(";")), max_weekly=16, max_daily=5,
                             years_at_school=y, backbone=b, birth_year=by) for i, n, s, j, y, b, by in TEACHERS)
    travel = TravelTimes(edges=(TravelEdge(a="城关小学", b="镇中心小学", minutes=25),
                                TravelEdge(a="镇中心小学", b="高谷村小", minutes=20),
                                TravelEdge(a="镇中心小学", b="石桥村小", minutes=30)))
    return Scenario(
        quality=QualityRules(class_day="off", pe_not_first="off", pe_not_after_lunch="off"),
        district="测试县", term=TERM, consortia=(Consortium(id="C1", name="城关教共体"),), schools=schools,
        bell_schedules=(BellSchedule(id="std", periods=tuple(BellPeriod(start=a, end=b) for a, b in PERIODS)),),
        subjects=SUBJECTS,
        curriculum=tuple(CurriculumEntry(stage=Stage.PRIMARY, grade=g, subject=j, periods=p, doubles=d)
                         for g in (3, 4) for j, p, d in PLAN),
        classes=classes, teachers=teachers, travel=travel)


def write_folder(folder: Path, exchange: dict | None = None, teachers: list[list[str]] | None = None,
                 needs: list[list[str]] | None = None, base: Scenario | None = None) -> Path:
    write_scenario(base or scenario(), folder)
    if exchange is not None:
        path = folder / "scenario.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["exchange"] = exchange
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    if teachers is not None:
        write_csv(teachers, folder / "exchange_teachers.csv")
    if needs is not None:
        write_csv(needs, folder / "school_needs.csv")
    return folder


def test_builder_scenario_validates(tmp_path: Path) -> None:
    _scenario, problems = validate_folder(write_folder(tmp_path / "s"))
    assert [p.render("en") for p in problems if p.severity == "error"] == []
