"""Scenario builders for the solver tests and the benchmark (small, seeded, built in Python).

``tiny_scenario`` makes a one-school scenario that tests adjust with ``model_copy``;
``county_scenario`` makes a realistic county (lead, centre and village schools per consortium,
winter seasons, shared teachers, sync lessons, research blocks) from a seed, for benchmarks when
no sample folder is present. The one test here checks the generator's output is coherent.
"""

from __future__ import annotations

import random
from datetime import date

from models import (
    BellPeriod, BellSchedule, BellSeason, Consortium, CurriculumEntry, ResearchBlock, Scenario, School,
    SchoolClass, Subject, SyncLesson, Teacher, TermCalendar, TravelEdge, TravelTimes,
)
from models.enums import SchoolRole, SchoolTier, Stage
from models.preferences import QualityRules

TERM = TermCalendar(name="2026秋", start=date(2026, 9, 1), end=date(2027, 1, 20), use_official_holidays=False)


def bells(bell_id: str, times: list[tuple[str, str]], seasons: tuple[BellSeason, ...] = (),
          days: tuple = ("mon", "tue", "wed", "thu", "fri")) -> BellSchedule:
    return BellSchedule(id=bell_id, days=days, periods=tuple(BellPeriod(start=a, end=b) for a, b in times),
                        seasons=seasons)


STANDARD = [("08:00", "08:40"), ("08:50", "09:30"), ("09:50", "10:30"), ("10:40", "11:20"),
            ("14:00", "14:40"), ("14:50", "15:30")]


def school(school_id: str, bell_id: str = "std", consortium: str = "C1", role: SchoolRole = SchoolRole.LEAD,
           tier: SchoolTier = SchoolTier.COUNTY_SEAT) -> School:
    return School(id=school_id, name=school_id, consortium=consortium, role=role, tier=tier, stage=Stage.PRIMARY,
                  grades=(1, 2, 3, 4, 5, 6), bell_schedule=bell_id)


SUBJECTS = (Subject(id="语文", name="语文", name_en="Chinese", core=True),
            Subject(id="数学", name="数学", name_en="Maths", core=True),
            Subject(id="音乐", name="音乐", name_en="Music", shortage=True),
            Subject(id="体育", name="体育", name_en="PE", shortage=True),
            Subject(id="美术", name="美术", name_en="Art", shortage=True),
            Subject(id="英语", name="英语", name_en="English"),
            Subject(id="科学", name="科学", name_en="Science"),
            Subject(id="道德与法治", name="道德与法治", name_en="Morality and law"))


#: The tiny scenario's quality rules: its classes have 11 periods in a 30-period week, so the class-day
#: rule (no holes, free periods last) is off unless a test turns it on.
TINY_QUALITY = QualityRules(class_day="off", pe_not_first="off", pe_not_after_lunch="off")


def tiny_scenario(**update: object) -> Scenario:
    """One school, two grade-4 classes, 语文 5 (1 double), 数学 4, 音乐 2; three teachers."""
    base = Scenario(
        district="测试县", term=TERM, quality=TINY_QUALITY,
        consortia=(Consortium(id="C1", name="一号共同体"),),
        schools=(school("甲校"),),
        bell_schedules=(bells("std", STANDARD),),
        subjects=SUBJECTS,
        curriculum=(CurriculumEntry(stage=Stage.PRIMARY, grade=4, subject="语文", periods=5, doubles=1),
                    CurriculumEntry(stage=Stage.PRIMARY, grade=4, subject="数学", periods=4),
                    CurriculumEntry(stage=Stage.PRIMARY, grade=4, subject="音乐", periods=2)),
        classes=(SchoolClass(id="甲校-4-1", school="甲校", grade=4, section=1),
                 SchoolClass(id="甲校-4-2", school="甲校", grade=4, section=2)),
        teachers=(Teacher(id="t语文", name="王芳", school="甲校", subjects=("语文",)),
                  Teacher(id="t数学", name="李强", school="甲校", subjects=("数学",)),
                  Teacher(id="t音乐", name="赵敏", school="甲校", subjects=("音乐",))),
    )
    return base.model_copy(update=update)


# -- a realistic county ----------------------------------------------------------------------------
PRIMARY_PLAN = {  # periods a week, doubles, by grade band (2022 curriculum plan, rounded)
    (1, 2): [("语文", 8, 1), ("数学", 4, 0), ("道德与法治", 2, 0), ("体育", 4, 0), ("音乐", 2, 0), ("美术", 2, 0),
             ("科学", 1, 0)],
    (3, 4, 5, 6): [("语文", 7, 1), ("数学", 5, 0), ("英语", 3, 0), ("道德与法治", 2, 0), ("体育", 3, 0), ("音乐", 2, 0),
                   ("美术", 2, 0), ("科学", 2, 0)],
}
COUNTY_BASE = [("08:10", "08:50"), ("09:00", "09:40"), ("10:00", "10:40"), ("10:50", "11:30"),
               ("14:10", "14:50"), ("15:00", "15:40"), ("15:50", "16:30")]
COUNTY_WINTER = [("08:20", "09:00"), ("09:10", "09:50"), ("10:10", "10:50"), ("11:00", "11:40"),
                 ("14:00", "14:40"), ("14:50", "15:30"), ("15:40", "16:20")]
VILLAGE_BASE = [("08:30", "09:10"), ("09:20", "10:00"), ("10:15", "10:55"), ("11:05", "11:45"),
                ("14:00", "14:40"), ("14:50", "15:30"), ("15:40", "16:20")]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玲红兰梅琳凤"


def county_scenario(consortia: int = 8, villages: int = 4, seed: int = 7, sync_per_consortium: int = 3,
                    research: bool = True) -> Scenario:
    """A county like Pengshui: per consortium a lead (3 classes a grade), a centre (2) and village schools (1).

    Lead and centre follow the county bell schedule with a winter season; villages keep their own
    times (no season), so sync lessons cross schedules. Music and art teachers at the lead school
    may also teach at the village schools (shared teachers).
    """
    rng = random.Random(seed)
    bell_schedules = (
        bells("county", COUNTY_BASE, (BellSeason(name="冬季作息", starts=date(2026, 10, 1),
                                                 periods=tuple(BellPeriod(start=a, end=b) for a, b in COUNTY_WINTER)),)),
        bells("village", VILLAGE_BASE),
    )
    curriculum = tuple(CurriculumEntry(stage=Stage.PRIMARY, grade=g, subject=s, periods=p, doubles=d)
                       for band, entries in PRIMARY_PLAN.items() for g in band for s, p, d in entries)
    all_consortia, schools, classes, teachers, syncs, blocks, edges = [], [], [], [], [], [], []
    names: set[str] = set()

    def person() -> str:
        while True:
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
            if name not in names:
                names.add(name)
                return name

    for c in range(1, consortia + 1):
        cid = f"共同体{c}"
        all_consortia.append(Consortium(id=cid, name=f"第{c}教共体"))
        members = [(f"城区{c}小", SchoolRole.LEAD, SchoolTier.COUNTY_SEAT, 3, "county"),
                   (f"{c}号镇中心校", SchoolRole.CENTRE, SchoolTier.TOWNSHIP, 2, "county")]
        members += [(f"{c}号村小{v}", SchoolRole.MEMBER, SchoolTier.VILLAGE, 1, "village") for v in range(1, villages + 1)]
        for sid, role, tier, per_grade, bell in members:
            schools.append(School(id=sid, name=sid, consortium=cid, role=role, tier=tier, stage=Stage.PRIMARY,
                                  grades=(1, 2, 3, 4, 5, 6), bell_schedule=bell))
            if sid != members[0][0]:
                edges.append(TravelEdge(a=members[0][0], b=sid, minutes=rng.randint(15, 60)))
            for grade in range(1, 7):
                for section in range(1, per_grade + 1):
                    classes.append(SchoolClass(id=f"{sid}-{grade}-{section}", school=sid, grade=grade, section=section))
            n = 6 * per_grade
            staff = {"语文": n, "数学": max(1, (n * 5 + 15) // 16), "英语": max(1, (4 * per_grade * 3 + 13) // 14),
                     "道德与法治": max(1, n * 2 // 16), "科学": max(1, (n * 2 + 15) // 16), "体育": max(1, (n * 3 + 15) // 16),
                     "音乐": max(1, (n * 2 + 15) // 16), "美术": max(1, (n * 2 + 15) // 16)}
            for subject, count in staff.items():
                for k in range(count):
                    also = tuple(m[0] for m in members[2:]) if role is SchoolRole.LEAD and subject in ("音乐", "美术") else ()
                    extra = ("道德与法治",) if subject == "语文" and k % 3 == 0 else ()
                    teachers.append(Teacher(id=f"{sid}-{subject}-{k + 1}", name=person(), school=sid,
                                            subjects=(subject, *extra), max_weekly=18, max_daily=5,
                                            also_schools=also))
        lead = members[0][0]
        for k in range(sync_per_consortium):
            grade = 3 + k % 4
            subject = ("英语", "音乐", "美术")[k % 3]
            syncs.append(SyncLesson(id=f"同步{c}-{k + 1}", subject=subject, teaching_class=f"{lead}-{grade}-1",
                                    receiving_classes=(f"{members[2 + k % villages][0]}-{grade}-1",), per_week=1,
                                    min_overlap_minutes=25))
        if research:
            blocks.append(ResearchBlock(id=f"教研{c}", name=f"第{c}教共体数学集体备课", subject="数学", grades=(5, 6),
                                        consortium=cid, minutes=90))
    return Scenario(district="模拟县", term=TERM, consortia=tuple(all_consortia), schools=tuple(schools),
                    bell_schedules=bell_schedules, subjects=SUBJECTS, curriculum=curriculum, classes=tuple(classes),
                    teachers=tuple(teachers), travel=TravelTimes(edges=tuple(edges)), sync_lessons=tuple(syncs),
                    research_blocks=tuple(blocks))


def test_county_generator_is_coherent() -> None:
    scenario = county_scenario(consortia=2, villages=2)
    assert len(scenario.schools) == 8
    assert {c.school for c in scenario.classes} == {s.id for s in scenario.schools}
    teachers_by_school = {t.school for t in scenario.teachers}
    assert teachers_by_school == {s.id for s in scenario.schools}
    for sync in scenario.sync_lessons:
        assert scenario.class_by_id[sync.teaching_class].grade == scenario.class_by_id[sync.receiving_classes[0]].grade
