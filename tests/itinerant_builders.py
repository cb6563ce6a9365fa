"""A small county with itinerant music teachers, for tests/test_itinerant.py (built in Python, seeded by hand)."""

from __future__ import annotations

from models.preferences import QualityRules

from models import Consortium, CurriculumEntry, ItinerantPost, Scenario, SchoolClass, Teacher, TravelEdge, TravelTimes
from models.enums import SchoolRole, SchoolTier, Stage
from tests.test_solver_scenarios import STANDARD, SUBJECTS, TERM, bells, school

VILLAGES = ("甲村小学", "乙村小学", "丙村小学")


def itinerant_county(music_teachers: int = 2, max_weekly: int = 8, **post: object) -> Scenario:
    """A township centre (中心校), a county-seat school (县城小学) and three village schools.

    Villages have two classes each and no music teacher; music (2 periods a week) comes from
    itinerant teachers: ``music_teachers`` based at the centre school, one more at the county seat.
    Roads: centre-甲 15, centre-乙 25, 乙-丙 20, seat-centre 40, seat-甲 30 minutes.
    """
    schools = [school("中心校", role=SchoolRole.CENTRE, tier=SchoolTier.TOWNSHIP),
               school("县城小学", role=SchoolRole.LEAD, tier=SchoolTier.COUNTY_SEAT)]
    schools += [school(v, role=SchoolRole.MEMBER, tier=SchoolTier.VILLAGE) for v in VILLAGES]
    classes, teachers = [], []
    for s in schools:
        for grade in (3, 4):
            classes.append(SchoolClass(id=f"{s.id}{grade}(1)", school=s.id, grade=grade, section=1))
        teachers.append(Teacher(id=f"{s.id}-语文", name=f"{s.id}语文", school=s.id, subjects=("语文",)))
        if s.tier != SchoolTier.VILLAGE:
            teachers.append(Teacher(id=f"{s.id}-音乐", name=f"{s.id}音乐", school=s.id, subjects=("音乐",)))
    pool = tuple(f"走教{n}" for n in range(1, music_teachers + 1))
    teachers += [Teacher(id=t, name=f"走教教师{t[-1]}", school="中心校", subjects=("音乐",), max_weekly=max_weekly)
                 for t in pool]
    teachers.append(Teacher(id="县走教", name="县城走教教师", school="县城小学", subjects=("音乐",), max_weekly=max_weekly))
    limits = dict(max_schools_per_day=2, max_travel_minutes_day=150, max_travel_minutes_week=400, buffer_minutes=10)
    limits.update(post)
    posts = (ItinerantPost(id="中心音乐", teachers=pool, subjects=("音乐",), base="中心校", schools=VILLAGES, **limits),
             ItinerantPost(id="县城音乐", teachers=("县走教",), subjects=("音乐",), base="县城小学", radius_minutes=60, **limits))
    edges = (TravelEdge(a="中心校", b="甲村小学", minutes=15), TravelEdge(a="中心校", b="乙村小学", minutes=25),
             TravelEdge(a="乙村小学", b="丙村小学", minutes=20), TravelEdge(a="县城小学", b="中心校", minutes=40),
             TravelEdge(a="县城小学", b="甲村小学", minutes=30))
    return Scenario(
        district="测试县", term=TERM, consortia=(Consortium(id="C1", name="一号共同体"),), schools=tuple(schools),
        bell_schedules=(bells("std", STANDARD),), subjects=SUBJECTS,
        curriculum=tuple(CurriculumEntry(stage=Stage.PRIMARY, grade=g, subject=s, periods=p)
                         for g in (3, 4) for s, p in (("语文", 4), ("音乐", 2))),
        classes=tuple(classes), teachers=tuple(teachers), travel=TravelTimes(edges=edges), itinerant_posts=posts,
        quality=QualityRules(class_day="off", pe_not_first="off", pe_not_after_lunch="off"))
