"""A small two-school consortium and a hand-made solution, shared by the feed, term and server tests.

The term (autumn 2026, ends January 2027) crosses the Mid-autumn and National Day holidays, two
make-up workdays (2026-09-20 and 2026-10-10), a winter bell-schedule switch (2026-10-08) and an
assessment day, so expanding the feeds exercises every calendar rule.
"""

from __future__ import annotations

from models.preferences import QualityRules

from datetime import date

from models import (BellPeriod, BellSchedule, BellSeason, Consortium, CurriculumEntry, LessonPlacement, MakeupDay,
                    ResearchBlock, ResearchPlacement, Scenario, School, SchoolClass, Solution, Subject, SyncLesson,
                    Teacher, TermCalendar, Weekday)

SUMMER = [("08:00", "08:40"), ("08:50", "09:30"), ("10:00", "10:40"), ("14:30", "15:10"), ("15:20", "16:00")]
WINTER = [("08:10", "08:50"), ("09:00", "09:40"), ("10:10", "10:50"), ("14:00", "14:40"), ("14:50", "15:30")]
VILLAGE = [("08:20", "09:00"), ("09:10", "09:50"), ("10:00", "10:40"), ("14:30", "15:10"), ("15:20", "16:00")]


def periods(pairs: list[tuple[str, str]]) -> tuple[BellPeriod, ...]:
    return tuple(BellPeriod(start=a, end=b) for a, b in pairs)


def term(**changes: object) -> TermCalendar:
    base = dict(
        name="2026年秋季学期", start=date(2026, 9, 1), end=date(2027, 1, 22),
        holidays=(date(2027, 1, 1),),
        makeup_days=(MakeupDay(date=date(2026, 9, 20), follows=Weekday.FRI),
                     MakeupDay(date=date(2026, 10, 10), follows=Weekday.WED)),
        assessment_days=(date(2027, 1, 20),),
    )
    base.update(changes)
    return TermCalendar(**base)


def scenario(**term_changes: object) -> Scenario:
    return Scenario(
        quality=QualityRules(class_day="off", pe_not_first="off", pe_not_after_lunch="off"),
        district="彭水测试",
        term=term(**term_changes),
        consortia=(Consortium(id="C1", name="彭水第一教共体"),),
        schools=(
            School(id="S1", name="彭水一小", consortium="C1", role="lead", tier="county_seat", stage="primary",
                   grades=(4,), bell_schedule="B1", address="重庆市彭水县汉葭街道", latitude=29.29, longitude=108.16),
            School(id="S2", name="新田镇小学", consortium="C1", role="member", tier="village", stage="primary",
                   grades=(4,), bell_schedule="B2"),
        ),
        bell_schedules=(
            BellSchedule(id="B1", periods=periods(SUMMER),
                         seasons=(BellSeason(name="冬季作息", starts=date(2026, 10, 8), periods=periods(WINTER)),)),
            BellSchedule(id="B2", periods=periods(VILLAGE)),
        ),
        subjects=(Subject(id="数学", name="数学"), Subject(id="音乐", name="音乐", shortage=True)),
        curriculum=(CurriculumEntry(stage="primary", grade=4, subject="数学", periods=3, doubles=1),
                    CurriculumEntry(stage="primary", grade=4, subject="音乐", periods=1)),
        classes=(SchoolClass(id="S1-4-1", school="S1", grade=4, section=1),
                 SchoolClass(id="S2-4-1", school="S2", grade=4, section=1)),
        teachers=(Teacher(id="T1", name="张老师", school="S1", subjects=("数学",)),
                  Teacher(id="T2", name="李老师", school="S1", subjects=("音乐",)),
                  Teacher(id="T3", name="王老师", school="S2", subjects=("数学",))),
        sync_lessons=(SyncLesson(id="Y1", subject="音乐", teaching_class="S1-4-1", receiving_classes=("S2-4-1",),
                                 teacher="T2"),),
        research_blocks=(ResearchBlock(id="R1", name="数学集体备课", subject="数学", consortium="C1", minutes=60),),
    )


def lesson(key: str, class_id: str, school: str, subject: str, teacher: str, day: Weekday, period: int,
           length: int = 1, sync: str | None = None, role: str | None = None) -> LessonPlacement:
    return LessonPlacement(key=key, class_id=class_id, school=school, subject=subject, teacher=teacher, day=day,
                           period=period, length=length, sync=sync, sync_role=role)


def solution(**moves: tuple[Weekday, int]) -> Solution:
    """The weekly timetable; ``moves`` maps a lesson key to a new (day, period)."""
    lessons = [
        lesson("S1-4-1|数学|1", "S1-4-1", "S1", "数学", "T1", Weekday.MON, 1, length=2),
        lesson("S1-4-1|数学|2", "S1-4-1", "S1", "数学", "T1", Weekday.FRI, 3),
        lesson("S1-4-1|音乐|1", "S1-4-1", "S1", "音乐", "T2", Weekday.WED, 4, sync="Y1", role="teaching"),
        lesson("S2-4-1|音乐|1", "S2-4-1", "S2", "音乐", "T2", Weekday.WED, 4, sync="Y1", role="receiving"),
        lesson("S2-4-1|数学|1", "S2-4-1", "S2", "数学", "T3", Weekday.TUE, 2),
        lesson("S2-4-1|数学|2", "S2-4-1", "S2", "数学", "T3", Weekday.THU, 5),
    ]
    lessons = [l.model_copy(update={"day": moves[l.key][0], "period": moves[l.key][1]}) if l.key in moves else l
               for l in lessons]
    research = (ResearchPlacement(block="R1", day=Weekday.THU, start_minute=16 * 60 + 10, end_minute=17 * 60 + 10,
                                  teachers=("T1", "T3")),)
    return Solution(district="彭水测试", seed=1, lessons=tuple(lessons), research=research)
