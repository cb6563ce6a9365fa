"""A small two-consortium scenario with a hand-made timetable and activity rules, for the activity tests.

Each consortium has a lead, a centre and a village school, two grade-4 classes each; every school has
a principal who also teaches 道德与法治 (one of them on Wednesday afternoons, so meetings must avoid
it), a maths and a Chinese teacher per class, some young. A county research officer (教研员) works
for both consortia. Roads: 20–45 minutes inside a consortium.
"""

from __future__ import annotations

from models.preferences import QualityRules

from datetime import date

from models import (
    BellPeriod, BellSchedule, Consortium, CurriculumEntry, LessonPlacement, Scenario, School, SchoolClass, SchoolRole,
    SchoolTier, Solution, Stage, Subject, Teacher, TermCalendar, TravelEdge, TravelTimes, Weekday,
)
from models.activity_rules import ActivitySpec

DAYS = (Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI)
SCHOOLS = {"A": (("a1", "城关一小", SchoolRole.LEAD, SchoolTier.COUNTY_SEAT), ("a2", "桥头镇中心校", SchoolRole.CENTRE,
                 SchoolTier.TOWNSHIP), ("a3", "石门村小", SchoolRole.MEMBER, SchoolTier.VILLAGE)),
           "B": (("b1", "城关二小", SchoolRole.LEAD, SchoolTier.COUNTY_SEAT), ("b2", "太原镇中心校", SchoolRole.CENTRE,
                 SchoolTier.TOWNSHIP), ("b3", "龙塘村小", SchoolRole.MEMBER, SchoolTier.VILLAGE))}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"


def _periods(*spans: str) -> tuple[BellPeriod, ...]:
    return tuple(BellPeriod(start=s.split("-")[0], end=s.split("-")[1]) for s in spans)


BELLS = BellSchedule(id="std", name="标准作息", periods=_periods(
    "08:00-08:40", "08:50-09:30", "09:50-10:30", "10:40-11:20", "14:00-14:40", "14:50-15:30", "15:40-16:20"))


def _term(start: date, end: date, name: str, holidays: tuple[date, ...]) -> TermCalendar:
    return TermCalendar(name=name, start=start, end=end, holidays=holidays, use_official_holidays=False)


AUTUMN_2026 = _term(date(2026, 9, 1), date(2027, 1, 22), "2026年秋季学期",
                    tuple(date(2026, 10, d) for d in range(1, 8)) + (date(2027, 1, 1),))
SPRING_2027 = _term(date(2027, 3, 1), date(2027, 7, 9), "2027年春季学期",
                    (date(2027, 4, 5), date(2027, 5, 3), date(2027, 5, 4), date(2027, 5, 5), date(2027, 6, 9)))
AUTUMN_2027 = _term(date(2027, 9, 1), date(2028, 1, 21), "2027年秋季学期",
                    tuple(date(2027, 10, d) for d in range(1, 8)))


def scenario(term: TermCalendar = AUTUMN_2026, grade_of: dict[str, int] | None = None) -> Scenario:
    """``grade_of`` gives a school classes of another grade than 4 (e.g. a village school of grade 3 only)."""
    schools, classes, teachers, edges = [], [], [], []
    grade_of = grade_of or {}
    n = 0

    def person(school: str, subjects: tuple[str, ...], roles: tuple[str, ...] = (), born: int = 1980,
               also: tuple[str, ...] = ()) -> str:
        nonlocal n
        n += 1
        ident = f"t{n:02d}"
        teachers.append(Teacher(id=ident, name=SURNAMES[n % len(SURNAMES)] + "老师" + str(n), school=school,
                                subjects=subjects, roles=roles, birth_year=born, also_schools=also))
        return ident

    for consortium, members in SCHOOLS.items():
        for sid, name, role, tier in members:
            grade = grade_of.get(sid, 4)
            schools.append(School(id=sid, name=name, consortium=consortium, role=role, tier=tier, stage=Stage.PRIMARY,
                                  grades=(grade,), bell_schedule="std"))
            person(sid, ("道德与法治",), ("principal",), born=1972)
            for section in (1, 2):
                classes.append(SchoolClass(id=f"{sid}-{grade}-{section}", school=sid, grade=grade, section=section, size=40))
                person(sid, ("数学",), born=1996 if section == 1 else 1985)
                person(sid, ("语文",), ("homeroom",), born=1994 if section == 2 else 1982)
        a, b, c = (m[0] for m in members)
        edges += [TravelEdge(a=a, b=b, minutes=25), TravelEdge(a=b, b=c, minutes=20), TravelEdge(a=a, b=c, minutes=45)]
    edges.append(TravelEdge(a="a1", b="b1", minutes=15))
    person("a1", ("数学",), ("research_officer",), born=1978, also=("b1",))
    return Scenario(
        quality=QualityRules(class_day="off", pe_not_first="off", pe_not_after_lunch="off"),
        district="示例县", term=term, consortia=(Consortium(id="A", name="城关一小教共体"), Consortium(id="B", name="城关二小教共体")),
        schools=tuple(schools), bell_schedules=(BELLS,),
        subjects=(Subject(id="数学", name="数学", core=True), Subject(id="语文", name="语文", core=True),
                  Subject(id="道德与法治", name="道德与法治")),
        curriculum=tuple(CurriculumEntry(stage=Stage.PRIMARY, grade=grade, subject=subject, periods=periods)
                         for grade in sorted({4, *grade_of.values()})
                         for subject, periods in (("数学", 5), ("语文", 5), ("道德与法治", 2))),
        classes=tuple(classes), teachers=tuple(teachers), travel=TravelTimes(edges=tuple(edges)))


def solution(s: Scenario) -> Solution:
    """Maths period 1 (section 1) / 3 (section 2) daily, Chinese period 2 / 4, morality with the principal
    Tue 5 and Thu 5 for section 1; principal of a1 also Wed 6 (14:50) for section 2."""
    lessons = []
    teachers_at: dict[tuple[str, str, int], str] = {}
    for t in s.teachers:
        if "research_officer" in t.roles:
            continue
        klass_sections = [1, 2]
        for subject in t.subjects:
            teachers_at.setdefault((t.school, subject, 0), t.id)
            for section in klass_sections:
                key = (t.school, subject, section)
                if key not in teachers_at and subject != "道德与法治":
                    teachers_at[key] = t.id
                    break
    for klass in s.classes:
        sec = klass.section
        maths, chinese = teachers_at[(klass.school, "数学", sec)], teachers_at[(klass.school, "语文", sec)]
        principal = teachers_at[(klass.school, "道德与法治", 0)]
        for i, day in enumerate(DAYS):
            lessons.append(LessonPlacement(key=f"{klass.id}:数学:{i + 1}", class_id=klass.id, school=klass.school,
                                           subject="数学", teacher=maths, day=day, period=1 if sec == 1 else 3))
            lessons.append(LessonPlacement(key=f"{klass.id}:语文:{i + 1}", class_id=klass.id, school=klass.school,
                                           subject="语文", teacher=chinese, day=day, period=2 if sec == 1 else 4))
        if sec == 1:
            for j, day in enumerate((Weekday.TUE, Weekday.THU)):
                lessons.append(LessonPlacement(key=f"{klass.id}:道德与法治:{j + 1}", class_id=klass.id, school=klass.school,
                                               subject="道德与法治", teacher=principal, day=day, period=5))
        elif klass.school == "a1":
            lessons.append(LessonPlacement(key=f"{klass.id}:道德与法治:1", class_id=klass.id, school=klass.school,
                                           subject="道德与法治", teacher=principal, day=Weekday.WED, period=6))
    lessons.sort(key=lambda x: (x.school, x.class_id, x.day.index, x.period))
    return Solution(district=s.district, seed=0, lessons=tuple(lessons))


def rules() -> tuple[ActivitySpec, ...]:
    found = []
    for c in ("A", "B"):
        found += [
            ActivitySpec(id=f"{c}-meeting", consortium=c, kind="joint_meeting", frequency="monthly",
                         time="14:00-17:30", minutes=90, attendees=("principals",), host="chair_school"),
            ActivitySpec(id=f"{c}-demo", consortium=c, kind="demo_lesson", count=2, subject="数学", grades=(4,),
                         attendees=("research_officers",), chair="none", observers_per_school=1),
            ActivitySpec(id=f"{c}-exchange", consortium=c, kind="exchange", count=3, time="15:40-17:40",
                         minutes=90, attendees=("subject:数学",), chair="none", host="rotating", host_weights="by_size"),
            ActivitySpec(id=f"{c}-forum", consortium=c, kind="forum", frequency="yearly", count=1, terms=("autumn",),
                         attendees=("principals",), chair="lead", host="rotating", time="14:00-17:30", minutes=120),
            ActivitySpec(id=f"{c}-assessment", consortium=c, kind="assessment", count=1, window=("01-11", "01-20"),
                         attendees=("grades:4",), chair="none", host="none", time="08:00-11:30"),
            ActivitySpec(id=f"{c}-spot", consortium=c, kind="spot_check", count=2, window=("11-01", "12-31"),
                         attendees=("research_officers",), chair="none", host="none", time="08:00-11:30",
                         terms=("autumn",), mode="online"),
        ]
    return tuple(found)
