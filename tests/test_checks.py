"""``tongbu verify``'s checks: a tiny valid timetable passes, and each rule flags a hand-made bad one.

The scenario: two schools of one consortium with different bell schedules, the county-seat
school switching to winter times on 2026-10-08 (its afternoon moves 30 minutes earlier), a
synchronized music lesson from 彭水一小 4(1) to 新田镇小学 4(1), an in-person maths research
block hosted by 彭水一小 (30 minutes from 新田镇小学), and a double maths period a week.

    period  彭水一小 (base)  彭水一小 (winter)  新田镇小学
      1     08:00-08:40      08:00-08:40        07:50-08:30
      2     08:50-09:30      08:50-09:30        08:40-09:20
      3     09:50-10:30      09:50-10:30        09:50-10:30
      4     14:30-15:10      14:00-14:40        14:30-15:10
      5     15:20-16:00      14:50-15:30        15:20-16:00
"""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from constraints.checks import CHECKS, Violation, load_solution, verify
from models.preferences import QualityRules
from constraints.checks.report import format_report
from models import (
    BellPeriod,
    BellSchedule,
    BellSeason,
    Consortium,
    CurriculumEntry,
    DeliveryMode,
    LessonPlacement,
    ResearchBlock,
    ResearchPlacement,
    Room,
    Scenario,
    School,
    SchoolClass,
    SlotRange,
    Solution,
    Stage,
    Subject,
    SyncLesson,
    Teacher,
    TeachingAssignment,
    TermCalendar,
    TravelEdge,
    TravelTimes,
    Weekday,
)

A, B = "pengshui1", "xintian"  # school ids; their names are 彭水一小 and 新田镇小学
MON, TUE, WED, THU, FRI, SAT = Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI, Weekday.SAT


def _periods(*spans: str) -> tuple[BellPeriod, ...]:
    return tuple(BellPeriod(start=s.split("-")[0], end=s.split("-")[1]) for s in spans)


def make_scenario(term_end: date = date(2027, 1, 22), **changes: object) -> Scenario:
    """The tiny scenario; ``changes`` replace whole fields (e.g. teachers, sync_lessons, travel)."""
    county = BellSchedule(
        id="县城作息", periods=_periods("08:00-08:40", "08:50-09:30", "09:50-10:30", "14:30-15:10", "15:20-16:00"),
        seasons=(BellSeason(name="冬季作息", starts=date(2026, 10, 8),
                            periods=_periods("08:00-08:40", "08:50-09:30", "09:50-10:30", "14:00-14:40", "14:50-15:30")),))
    township = BellSchedule(
        id="乡镇作息", periods=_periods("07:50-08:30", "08:40-09:20", "09:50-10:30", "14:30-15:10", "15:20-16:00"))
    fields: dict[str, object] = {
        # The class-day and PE rules have tests of their own below; the tiny timetable is not shaped for them.
        "quality": QualityRules(class_day="off", pe_not_first="off", pe_not_after_lunch="off"),
        "district": "彭水县",
        "term": TermCalendar(name="2026年秋季学期", start=date(2026, 9, 1), end=term_end, use_official_holidays=False),
        "consortia": (Consortium(id="C1", name="彭水一小教研共同体"),),
        "schools": (
            School(id=A, name="彭水一小", consortium="C1", role="lead", tier="county_seat", stage=Stage.PRIMARY,
                   grades=(4,), bell_schedule="县城作息"),
            School(id=B, name="新田镇小学", consortium="C1", role="centre", tier="township", stage=Stage.PRIMARY,
                   grades=(4,), bell_schedule="乡镇作息"),
        ),
        "bell_schedules": (county, township),
        "subjects": (Subject(id="数学", name="数学", core=True), Subject(id="音乐", name="音乐", shortage=True),
                  Subject(id="美术", name="美术", shortage=True)),
        "curriculum": (CurriculumEntry(stage=Stage.PRIMARY, grade=4, subject="数学", periods=5, doubles=1),
                    CurriculumEntry(stage=Stage.PRIMARY, grade=4, subject="音乐", periods=2)),
        "classes": (SchoolClass(id="A41", school=A, grade=4, section=1), SchoolClass(id="A42", school=A, grade=4, section=2),
                 SchoolClass(id="B41", school=B, grade=4, section=1)),
        "teachers": (
            Teacher(id="wangfang", name="王芳", school=A, subjects=("数学",), max_daily=2,
                    unavailable=(SlotRange(day=THU, first=5, last=5),)),
            Teacher(id="chenjing", name="陈静", school=A, subjects=("数学",), max_daily=2),
            Teacher(id="liming", name="李明", school=B, subjects=("数学",), max_daily=2,
                    unavailable=(SlotRange(day=FRI),)),
            # 3 periods a week only fit because the synchronized lesson counts once.
            Teacher(id="zhangyin", name="张音", school=A, subjects=("音乐",), also_schools=(B,), max_weekly=3, max_daily=2),
            Teacher(id="sunle", name="孙乐", school=A, subjects=("音乐",)),
            Teacher(id="liuhua", name="刘画", school=A, subjects=("美术",)),
            Teacher(id="zhaoliu", name="赵六", school=A, subjects=("数学",), roles=("research_officer",)),
        ),
        "assignments": (TeachingAssignment(teacher="wangfang", class_id="A41", subject="数学"),
                     TeachingAssignment(teacher="liming", class_id="B41", subject="数学"),
                     TeachingAssignment(teacher="zhangyin", class_id="A41", subject="音乐")),
        "rooms": (Room(id="A-music", school=A, name="音乐室", subjects=("音乐",)),),
        "travel": TravelTimes(edges=(TravelEdge(a=A, b=B, minutes=30),)),
        "sync_lessons": (SyncLesson(id="S1", subject="音乐", teaching_class="A41", receiving_classes=("B41",),
                                 teacher="zhangyin"),),
        "research_blocks": (ResearchBlock(id="R1", name="四年级数学集体备课", subject="数学", grades=(4,), consortium="C1",
                                       teachers=("zhaoliu",), minutes=90, mode=DeliveryMode.IN_PERSON, host=A,
                                       days=(WED,)),),
    }
    fields.update(changes)
    return Scenario(**fields)


SCENARIO = make_scenario()


def _lesson(key: str, class_id: str, subject: str, teacher: str, day: Weekday, period: int, length: int = 1,
            room: str | None = None, sync: str | None = None, role: str | None = None) -> LessonPlacement:
    school = A if class_id.startswith("A") else B
    return LessonPlacement(key=key, class_id=class_id, school=school, subject=subject, teacher=teacher, day=day,
                           period=period, length=length, room=room, sync=sync, sync_role=role)


VALID_LESSONS: tuple[LessonPlacement, ...] = (
    _lesson("A41-数学-1", "A41", "数学", "wangfang", MON, 1, 2),
    _lesson("A41-数学-2", "A41", "数学", "wangfang", TUE, 1),
    _lesson("A41-数学-3", "A41", "数学", "wangfang", WED, 1),
    _lesson("A41-数学-4", "A41", "数学", "wangfang", THU, 1),
    _lesson("A41-音乐-1", "A41", "音乐", "zhangyin", MON, 3, room="A-music", sync="S1", role="teaching"),
    _lesson("A41-音乐-2", "A41", "音乐", "zhangyin", FRI, 1, room="A-music"),
    _lesson("A42-数学-1", "A42", "数学", "chenjing", MON, 1, 2),
    _lesson("A42-数学-2", "A42", "数学", "chenjing", TUE, 2),
    _lesson("A42-数学-3", "A42", "数学", "chenjing", WED, 2),
    _lesson("A42-数学-4", "A42", "数学", "chenjing", THU, 2),
    _lesson("A42-音乐-1", "A42", "音乐", "sunle", TUE, 3, room="A-music"),
    _lesson("A42-音乐-2", "A42", "音乐", "sunle", THU, 3, room="A-music"),
    _lesson("B41-数学-1", "B41", "数学", "liming", MON, 1, 2),
    _lesson("B41-数学-2", "B41", "数学", "liming", TUE, 1),
    _lesson("B41-数学-3", "B41", "数学", "liming", WED, 2),
    _lesson("B41-数学-4", "B41", "数学", "liming", THU, 1),
    # 张音 teaches 彭水一小 4(1) and 新田镇小学 4(1) together: one event, not a clash.
    _lesson("B41-音乐-1", "B41", "音乐", "zhangyin", MON, 3, sync="S1", role="receiving"),
    # 张音 at 彭水一小 period 1 (08:00-08:40), then 新田镇小学 period 2 (08:40-09:20): no overlap.
    _lesson("B41-音乐-2", "B41", "音乐", "zhangyin", FRI, 2),
)

VALID_RESEARCH = ResearchPlacement(block="R1", day=WED, start_minute=14 * 60 + 30, end_minute=16 * 60,
                                   teachers=("chenjing", "liming", "wangfang", "zhaoliu"), host=A)


def solution(lessons: tuple[LessonPlacement, ...] = VALID_LESSONS,
             research: tuple[ResearchPlacement, ...] = (VALID_RESEARCH,)) -> Solution:
    return Solution(district="彭水县", seed=0, lessons=lessons, research=research)


def replace(key: str, **changes: object) -> tuple[LessonPlacement, ...]:
    """The valid lessons with the lesson ``key`` changed (``drop=True`` removes it)."""
    assert any(lesson.key == key for lesson in VALID_LESSONS), key
    if changes.pop("drop", False):
        return tuple(lesson for lesson in VALID_LESSONS if lesson.key != key)
    fields = {"sync_role": changes.pop("role")} if "role" in changes else {}
    fields.update(changes)
    return tuple(lesson.model_copy(update=fields) if lesson.key == key else lesson for lesson in VALID_LESSONS)


def edit(lessons: tuple[LessonPlacement, ...], key: str, **changes: object) -> tuple[LessonPlacement, ...]:
    fields = {"sync_role": changes.pop("role")} if "role" in changes else {}
    fields.update(changes)
    return tuple(lesson.model_copy(update=fields) if lesson.key == key else lesson for lesson in lessons)


def messages(violations: list[Violation]) -> list[tuple[str, str]]:
    return [(v.rule, v.en) for v in violations]


def only(violations: list[Violation]) -> Violation:
    assert len(violations) == 1, messages(violations)
    return violations[0]


# --- the valid timetable ----------------------------------------------------------------------


def test_the_valid_timetable_has_no_violations() -> None:
    assert verify(SCENARIO, solution()) == []


def test_every_check_passes_the_valid_timetable_on_its_own() -> None:
    for module in CHECKS:
        assert module.check(SCENARIO, solution()) == [], module.__name__


# --- curriculum -------------------------------------------------------------------------------


def test_curriculum_periods() -> None:
    found = only(verify(SCENARIO, solution(replace("A41-数学-4", drop=True))))
    assert found == Violation("curriculum.periods", "彭水一小 4(1) 数学",
                              "彭水一小 4(1): 数学 has 4 periods on the timetable, the curriculum asks for 5",
                              "彭水一小 4(1)：数学 排了4节，课程计划要求5节")


def test_curriculum_doubles() -> None:
    lessons = replace("A41-数学-1", length=1) + (_lesson("A41-数学-5", "A41", "数学", "wangfang", FRI, 2),)
    found = only(verify(SCENARIO, solution(lessons)))
    assert (found.rule, found.en, found.zh) == (
        "curriculum.doubles", "彭水一小 4(1): 数学 has 0 double periods, the curriculum asks for 1",
        "彭水一小 4(1)：数学 有0次连堂，课程计划要求1次")


def test_curriculum_double_within_one_half_day() -> None:
    found = only(verify(SCENARIO, solution(replace("A41-数学-1", day=FRI, period=3))))
    assert (found.rule, found.en, found.zh) == (
        "curriculum.double_split",
        "彭水一小 4(1): the 数学 double period on Fri periods 3-4 spans morning and afternoon (09:50-10:30, 14:30-15:10)",
        "彭水一小 4(1)：数学 周五第3-4节的连堂跨越上午和下午（09:50-10:30、14:30-15:10）")


def test_curriculum_days_of_the_bell_schedule() -> None:
    found = only(verify(SCENARIO, solution(replace("A41-音乐-2", day=SAT))))
    assert (found.rule, found.en, found.zh) == (
        "curriculum.off_day", "彭水一小 4(1): 音乐 on Sat period 1, but 彭水一小's bell schedule has no lessons on Sat",
        "彭水一小 4(1)：音乐 排在周六第1节，但彭水一小的作息表周六不上课")


def test_curriculum_periods_of_the_bell_schedule() -> None:
    found = only(verify(SCENARIO, solution(replace("A41-音乐-2", period=6))))
    assert (found.rule, found.en, found.zh) == (
        "curriculum.off_period", "彭水一小 4(1): 音乐 on Fri period 6, but 彭水一小's bell schedule has only 5 periods a day",
        "彭水一小 4(1)：音乐 排在周五第6节，但彭水一小的作息表每天只有5节")


def test_curriculum_a_double_may_not_run_past_the_last_period() -> None:
    found = verify(SCENARIO, solution(replace("A41-数学-1", day=FRI, period=5)))
    assert ("curriculum.off_period",
            "彭水一小 4(1): 数学 on Fri periods 5-6, but 彭水一小's bell schedule has only 5 periods a day") in messages(found)


def test_curriculum_lesson_length() -> None:
    found = verify(SCENARIO, solution(replace("A42-音乐-2", length=3)))
    assert messages(found) == [
        ("curriculum.length", "彭水一小 4(2): 音乐 on Thu periods 3-5 runs 3 periods; a lesson is one period or a double of two"),
        ("curriculum.periods", "彭水一小 4(2): 音乐 has 4 periods on the timetable, the curriculum asks for 2"),
    ]


def test_curriculum_lesson_at_its_class_school() -> None:
    found = only(verify(SCENARIO, solution(replace("A41-音乐-2", school=B, room=None))))
    assert (found.rule, found.en, found.zh) == (
        "curriculum.wrong_school", "彭水一小 4(1): 音乐 on Fri period 1 is placed at 新田镇小学, but the class belongs to 彭水一小",
        "彭水一小 4(1)：周五第1节的音乐被排在新田镇小学，但该班属于彭水一小")


def test_curriculum_subject_not_in_plan() -> None:
    lessons = VALID_LESSONS + (_lesson("A41-美术-1", "A41", "美术", "liuhua", FRI, 2),)
    found = only(verify(SCENARIO, solution(lessons)))
    assert (found.rule, found.en, found.zh) == (
        "curriculum.not_in_plan", "彭水一小 4(1): 美术 has 1 periods on the timetable but is not in the curriculum of grade 4",
        "彭水一小 4(1)：美术 排了1节，但不在4年级的课程计划中")


def test_curriculum_unknown_class_and_subject() -> None:
    lessons = VALID_LESSONS + (_lesson("X-1", "A49", "数学", "wangfang", FRI, 4),
                               _lesson("A42-书法-1", "A42", "书法", "liuhua", FRI, 4))
    found = messages(verify(SCENARIO, solution(lessons)))
    assert ("curriculum.unknown_class", "lesson X-1: class 'A49' is not in the scenario") in found
    assert ("curriculum.unknown_subject",
            "彭水一小 4(2): the lesson on Fri period 4 has subject '书法', which is not in the scenario") in found


# --- no clash ---------------------------------------------------------------------------------


def test_no_clash_teacher_compared_by_clock_time_under_winter_times() -> None:
    # 彭水一小 period 5 and 新田镇小学 period 4: apart in the base times, overlapping from 2026-10-08.
    lessons = edit(replace("A41-音乐-2", period=5), "B41-音乐-2", period=4)
    found = only(verify(SCENARIO, solution(lessons)))
    assert (found.rule, found.en, found.zh) == (
        "no_clash.teacher",
        ("teacher 张音 is in two places at once on Fri: 彭水一小 4(1) 音乐 period 5 (14:50-15:30) and "
        "新田镇小学 4(1) 音乐 period 4 (14:30-15:10) (clock times from 2026-10-08)"),
        ("教师 张音 周五同时有两节课：彭水一小 4(1) 音乐 第5节（14:50-15:30）与新田镇小学 4(1) 音乐 第4节（14:30-15:10）"
        "（按2026-10-08起的作息）"))


def test_no_clash_the_same_lessons_pass_in_a_term_without_winter_times() -> None:
    lessons = edit(replace("A41-音乐-2", period=5), "B41-音乐-2", period=4)
    assert verify(make_scenario(term_end=date(2026, 9, 30)), solution(lessons)) == []


def test_no_clash_class() -> None:
    found = only(verify(SCENARIO, solution(replace("A42-音乐-1", period=2))))
    assert (found.rule, found.en, found.zh) == (
        "no_clash.class", "彭水一小 4(2) has 2 lessons at Tue period 2: 数学 (陈静), 音乐 (孙乐)",
        "彭水一小 4(2) 周二第2节有2节课：数学（陈静）、音乐（孙乐）")


def test_rooms_capacity() -> None:
    found = only(verify(SCENARIO, solution(replace("A42-音乐-1", day=MON))))
    assert (found.rule, found.en, found.zh) == (
        "rooms.capacity",
        "room 音乐室（彭水一小） holds 2 classes at once on Mon 09:50-10:30, capacity 1: 彭水一小 4(1) 音乐, 彭水一小 4(2) 音乐",
        "音乐室（彭水一小） 周一09:50-10:30同时有 2 个班，容量 1：彭水一小 4(1)音乐、彭水一小 4(2)音乐")


def test_rooms_belong_to_the_school_and_subject() -> None:
    lessons = edit(replace("B41-音乐-2", room="A-music"), "A42-数学-2", room="A-music")
    assert messages(verify(SCENARIO, solution(lessons))) == [
        ("rooms.subject", "彭水一小 4(2): 数学 on Tue period 2 is in room 音乐室, which serves 音乐 only"),
        ("rooms.elsewhere",
         "新田镇小学 4(1): 音乐 on Fri period 2 is in room 音乐室 of 彭水一小, but the lesson is at 新田镇小学"),
    ]
    unknown = only(verify(SCENARIO, solution(replace("A42-音乐-1", room="机房"))))
    assert unknown.en == "彭水一小 4(2): 音乐 on Tue period 3 is in room '机房', which is not in the scenario"


def test_rooms_a_room_subject_lesson_has_a_room() -> None:
    found = only(verify(SCENARIO, solution(replace("A42-音乐-1", room=None))))
    assert (found.rule, found.en) == (
        "rooms.missing", "彭水一小 4(2): 音乐 on Tue period 3 has no room; 彭水一小 has rooms for 音乐")


# --- teachers ---------------------------------------------------------------------------------


def test_teachers_unknown() -> None:
    found = verify(SCENARIO, solution(replace("A42-音乐-1", teacher="nobody")))
    assert messages(found) == [
        ("teachers.one_per_subject",
         "彭水一小 4(2): 音乐 is taught by 2 teachers (nobody, 孙乐); a class has one teacher per subject"),
        ("teachers.unknown", "彭水一小 4(2): 音乐 on Tue period 3 is taught by 'nobody', who is not in the scenario"),
    ]


def test_teachers_subject() -> None:
    found = verify(SCENARIO, solution(replace("A42-数学-2", teacher="sunle")))
    assert messages(found) == [
        ("teachers.one_per_subject",
         "彭水一小 4(2): 数学 is taught by 2 teachers (陈静, 孙乐); a class has one teacher per subject"),
        ("teachers.subject", "彭水一小 4(2): 数学 on Tue period 2 is taught by 孙乐, who does not teach 数学 (subjects: 音乐)"),
        # 孙乐 now teaches grade-4 maths in the consortium, so the research group includes him.
        ("research_blocks.members", "research block 四年级数学集体备课: missing from its placement, though in the group: 孙乐"),
    ]
    assert found[1].zh == "彭水一小 4(2)：周二第2节的数学由 孙乐 任教，但其任教学科为音乐"


def test_teachers_school() -> None:
    found = only(verify(SCENARIO, solution(replace("B41-音乐-2", teacher="sunle"))))
    assert (found.rule, found.en, found.zh) == (
        "teachers.school", "新田镇小学 4(1): 音乐 on Fri period 2 is taught by 孙乐 of 彭水一小, who may not teach at 新田镇小学",
        "新田镇小学 4(1)：周五第2节的音乐由彭水一小的 孙乐 任教，但其不能在新田镇小学任课")


def test_teachers_receiving_lessons_are_taught_from_the_teaching_school() -> None:
    teachers = tuple(t.model_copy(update={"also_schools": ()}) if t.id == "zhangyin" else t for t in SCENARIO.teachers)
    found = only(verify(make_scenario(teachers=teachers), solution()))
    # Only the ordinary Friday lesson at 新田镇小学 is flagged, not Monday's synchronized one.
    assert found.en == "新田镇小学 4(1): 音乐 on Fri period 2 is taught by 张音 of 彭水一小, who may not teach at 新田镇小学"


def test_teachers_assignment() -> None:
    found = verify(SCENARIO, solution(replace("A41-数学-2", teacher="chenjing")))
    assert messages(found) == [
        ("teachers.assignment", "彭水一小 4(1): 数学 is assigned to 王芳, but 陈静 teaches it on Tue period 1"),
        ("teachers.one_per_subject",
         "彭水一小 4(1): 数学 is taught by 2 teachers (陈静, 王芳); a class has one teacher per subject"),
    ]
    assert found[0].zh == "彭水一小 4(1)：数学 的任课教师应为 王芳，但周二第1节由 陈静 任教"


def test_teachers_unavailable_period() -> None:
    found = only(verify(SCENARIO, solution(replace("A41-数学-4", period=5))))
    assert (found.rule, found.en, found.zh) == (
        "teachers.unavailable", "teacher 王芳 is unavailable on Thu period 5 but teaches 彭水一小 4(1) 数学 on Thu period 5",
        "教师 王芳 周四第5节不能上课，但被安排了 彭水一小 4(1) 数学 周四第5节")


def test_teachers_unavailable_all_day() -> None:
    found = only(verify(SCENARIO, solution(replace("B41-数学-4", day=FRI))))
    assert (found.rule, found.en) == (
        "teachers.unavailable", "teacher 李明 is unavailable all day on Fri but teaches 新田镇小学 4(1) 数学 on Fri period 1")


def test_teachers_unavailable_at_home_compared_by_clock_at_another_school() -> None:
    teachers = tuple(t.model_copy(update={"unavailable": (SlotRange(day=FRI, first=4, last=4),)})
                     if t.id == "zhangyin" else t for t in SCENARIO.teachers)
    found = only(verify(make_scenario(teachers=teachers), solution(replace("B41-音乐-2", period=4))))
    assert (found.rule, found.en, found.zh) == (
        "teachers.unavailable",
        ("teacher 张音 is unavailable on Fri period 4 at 彭水一小 (14:30-15:10) but teaches 新田镇小学 4(1) 音乐 on "
        "Fri period 4 (14:30-15:10) (clock times from 2026-09-01)"),
        ("教师 张音 周五第4节（彭水一小 14:30-15:10）不能上课，但被安排了 新田镇小学 4(1) 音乐 周五第4节（14:30-15:10）"
        "（按2026-09-01起的作息）"))


def test_teachers_max_daily_and_max_weekly() -> None:
    lessons = replace("A42-音乐-2", teacher="zhangyin", day=FRI, period=3)
    # Grouped by check (assignment, then daily_limits), each sorted by place.
    assert messages(verify(SCENARIO, solution(lessons))) == [
        ("teachers.one_per_subject",
         "彭水一小 4(2): 音乐 is taught by 2 teachers (孙乐, 张音); a class has one teacher per subject"),
        ("teachers.max_weekly", "teacher 张音 teaches 4 periods a week, more than max_weekly 3"),
        ("teachers.max_daily", "teacher 张音 teaches 3 periods on Fri, more than max_daily 2"),
    ]


def test_teachers_max_daily_counts_a_double_as_two_periods() -> None:
    teachers = tuple(t.model_copy(update={"max_daily": 1}) if t.id == "wangfang" else t for t in SCENARIO.teachers)
    found = only(verify(make_scenario(teachers=teachers), solution()))
    assert (found.en, found.zh) == ("teacher 王芳 teaches 2 periods on Mon, more than max_daily 1",
                                    "教师 王芳 周一上2节课，超过日课时上限1节")


# --- daily ------------------------------------------------------------------------------------


def test_daily_once_a_day() -> None:
    found = verify(SCENARIO, solution(replace("A41-数学-2", day=MON, period=4)))
    # Both are daily limits, sorted by place: 彭水一小 (U+5F6D) before 王芳 (U+738B).
    assert messages(found) == [
        ("daily.once", ("彭水一小 4(1): 数学 is taught 2 times on Mon (periods 1-2, period 4); "
                       "a subject is taught at most once a day, a double period counting once")),
        ("teachers.max_daily", "teacher 王芳 teaches 3 periods on Mon, more than max_daily 2"),
    ]
    assert found[0].zh == "彭水一小 4(1)：数学 周一上了2次（第1-2节、第4节）；同一学科每天至多一次，连堂算一次"


# --- sync lessons -----------------------------------------------------------------------------


def test_sync_count_and_its_lessons_become_a_clash_when_untagged() -> None:
    lessons = edit(replace("A41-音乐-1", sync=None, role=None), "B41-音乐-1", sync=None, role=None)
    assert messages(verify(SCENARIO, solution(lessons))) == [
        ("no_clash.teacher", ("teacher 张音 is in two places at once on Mon: 彭水一小 4(1) 音乐 period 3 (09:50-10:30) and "
                             "新田镇小学 4(1) 音乐 period 3 (09:50-10:30)")),
        ("teachers.max_weekly", "teacher 张音 teaches 4 periods a week, more than max_weekly 3"),
        ("sync_lessons.count", "sync lesson S1 (音乐): the teaching class 彭水一小 4(1) has it 0 times a week instead of 1"),
    ]


def test_sync_missing_receiving_class() -> None:
    found = verify(SCENARIO, solution(replace("B41-音乐-1", drop=True)))
    assert messages(found) == [
        ("curriculum.periods", "新田镇小学 4(1): 音乐 has 1 periods on the timetable, the curriculum asks for 2"),
        ("sync_lessons.missing", ("sync lesson S1 (音乐): on Mon the teaching class 彭水一小 4(1) has it (period 3) but "
                                 "receiving class 新田镇小学 4(1) has no lesson of it that day")),
    ]
    assert found[1].zh == ("同步课堂 S1（音乐）：周一授课班级 彭水一小 4(1) 上课（第3节），"
                           "但接收班级 新田镇小学 4(1) 当天没有这节同步课")


def test_sync_receiving_lesson_on_another_day() -> None:
    found = messages(verify(SCENARIO, solution(replace("B41-音乐-1", day=TUE))))
    assert ("sync_lessons.orphan", ("sync lesson S1 (音乐): receiving class 新田镇小学 4(1) has it on Tue period 3, "
                                   "but the teaching class 彭水一小 4(1) has no lesson of it that day")) in found
    assert ("sync_lessons.missing", ("sync lesson S1 (音乐): on Mon the teaching class 彭水一小 4(1) has it (period 3) "
                                    "but receiving class 新田镇小学 4(1) has no lesson of it that day")) in found


def test_sync_full_overlap_under_every_bell_variant() -> None:
    # Period 4 of both schools: 14:30-15:10 in the base times, but 彭水一小 moves to 14:00-14:40 in winter.
    lessons = edit(replace("A41-音乐-1", period=4), "B41-音乐-1", period=4)
    found = only(verify(SCENARIO, solution(lessons)))
    assert (found.rule, found.en, found.zh) == (
        "sync_lessons.overlap",
        ("sync lesson S1 (音乐): on Mon 彭水一小 4(1) period 4 (14:00-14:40) and 新田镇小学 4(1) period 4 (14:30-15:10) "
        "do not overlap fully (clock times from 2026-10-08)"),
        ("同步课堂 S1（音乐）：周一 彭水一小 4(1) 第4节（14:00-14:40）与 新田镇小学 4(1) 第4节（14:30-15:10）时间不完全重合"
        "（按2026-10-08起的作息）"))


@pytest.mark.parametrize(("minimum", "expected"), [
    (10, None),
    (15, ("sync lesson S1 (音乐): on Mon 彭水一小 4(1) period 4 (14:00-14:40) and 新田镇小学 4(1) period 4 (14:30-15:10) "
         "overlap by 10 minutes, at least 15 are needed (clock times from 2026-10-08)")),
])
def test_sync_minimum_overlap(minimum: int, expected: str | None) -> None:
    sync = SCENARIO.sync_lessons[0].model_copy(update={"min_overlap_minutes": minimum})
    lessons = edit(replace("A41-音乐-1", period=4), "B41-音乐-1", period=4)
    found = verify(make_scenario(sync_lessons=(sync,)), solution(lessons))
    assert [v.en for v in found] == ([expected] if expected else [])


def test_sync_teacher_is_busy_only_during_the_teaching_period() -> None:
    # Winter: 彭水一小 period 4 is 14:00-14:40 and period 5 14:50-15:30; the receiving 新田镇小学 period 4
    # is 14:30-15:10, overlapping the teaching period by 10 minutes. 张音 teaches at 彭水一小 in period 5:
    # the receiving class's later minutes are not the teacher's time (docs/format.md, sync_lessons).
    sync = SCENARIO.sync_lessons[0].model_copy(update={"min_overlap_minutes": 10})
    teachers = tuple(t.model_copy(update={"max_weekly": 6}) if t.id == "zhangyin" else t for t in SCENARIO.teachers)
    assignments = SCENARIO.assignments + (TeachingAssignment(teacher="zhangyin", class_id="A42", subject="音乐"),)
    lessons = edit(edit(edit(replace("A41-音乐-1", period=4), "B41-音乐-1", period=4),
                        "A42-音乐-1", teacher="zhangyin", day=MON, period=5), "A42-音乐-2", teacher="zhangyin")
    scenario = make_scenario(sync_lessons=(sync,), teachers=teachers, assignments=assignments)
    assert verify(scenario, solution(lessons)) == []
    # The same teacher teaching at the teaching school during the teaching period is a clash.
    clash = edit(lessons, "A42-音乐-1", period=4)
    assert [v.rule for v in verify(scenario, solution(clash))] == ["no_clash.teacher", "rooms.capacity"]


def test_sync_all_ends_live_together_for_the_minimum() -> None:
    # A third end, 新田镇小学 4(2), in its period 2 (08:40-09:20) while the teaching class has period 3
    # (09:50-10:30): the common window of the three ends is empty.
    klass = SchoolClass(id="B42", school=B, grade=4, section=2)
    sync = SCENARIO.sync_lessons[0].model_copy(update={"receiving_classes": ("B41", "B42"), "min_overlap_minutes": 0})
    b42 = (_lesson("B42-音乐-1", "B42", "音乐", "zhangyin", MON, 2, sync="S1", role="receiving"),)
    scenario = make_scenario(sync_lessons=(sync,), classes=SCENARIO.classes + (klass,))
    found = [v for v in verify(scenario, solution(VALID_LESSONS + b42)) if v.rule == "sync_lessons.overlap"]
    assert len(found) == 1 and "all 3 ends are live together for 0" in found[0].en, messages(found)


def test_sync_teacher() -> None:
    sync = SCENARIO.sync_lessons[0].model_copy(update={"teacher": "sunle"})
    found = only(verify(make_scenario(sync_lessons=(sync,)), solution()))
    assert (found.rule, found.en, found.zh) == (
        "sync_lessons.teacher",
        "sync lesson S1 (音乐): on Mon the teaching class 彭水一小 4(1) is taught by 张音, the sync lesson's teacher is 孙乐",
        "同步课堂 S1（音乐）：周一授课班级 彭水一小 4(1) 由 张音 任教，同步课堂指定的教师是 孙乐")


def test_sync_receiving_class_taught_by_someone_else() -> None:
    found = messages(verify(SCENARIO, solution(replace("B41-音乐-1", teacher="sunle"))))
    assert ("sync_lessons.teacher", ("sync lesson S1 (音乐): on Mon receiving class 新田镇小学 4(1) has teacher 孙乐, "
                                    "but 张音 teaches it from the teaching class")) in found


def test_sync_role() -> None:
    found = only(verify(SCENARIO, solution(replace("B41-音乐-1", role="teaching"))))
    assert (found.rule, found.en) == (
        "sync_lessons.role", "sync lesson S1 (音乐): 新田镇小学 4(1) on Mon period 3 has role 'teaching', it should be 'receiving'")


def test_sync_tag_on_a_class_outside_the_sync_lesson() -> None:
    found = only(verify(SCENARIO, solution(replace("A42-音乐-1", sync="S1", role="receiving"))))
    assert (found.rule, found.en) == (
        "sync_lessons.not_member", ("sync lesson S1 (音乐): 彭水一小 4(2) 音乐 on Tue period 3 is marked as part of it, "
                                   "but the class is neither its teaching class nor a receiving class"))


def test_sync_subject_and_count() -> None:
    found = messages(verify(SCENARIO, solution(replace("A41-数学-2", sync="S1", role="teaching"))))
    assert ("sync_lessons.subject", "sync lesson S1 (音乐): 彭水一小 4(1) on Tue period 1 has 数学, not 音乐") in found
    assert ("sync_lessons.count",
            "sync lesson S1 (音乐): the teaching class 彭水一小 4(1) has it 2 times a week instead of 1") in found


def test_sync_unknown() -> None:
    found = only(verify(SCENARIO, solution(replace("A42-音乐-1", sync="S9", role="teaching"))))
    assert found.en == "彭水一小 4(2): 音乐 on Tue period 3 is marked as part of sync lesson 'S9', which is not in the scenario"


# --- research blocks --------------------------------------------------------------------------

BLOCK = "research block 四年级数学集体备课"


def test_research_missing() -> None:
    found = only(verify(SCENARIO, solution(research=())))
    assert (found.rule, found.en, found.zh) == ("research_blocks.missing", f"{BLOCK} has no time in the timetable",
                                                "教研活动 四年级数学集体备课 没有排定时间")


def test_research_members_missing_and_extra() -> None:
    placement = VALID_RESEARCH.model_copy(update={"teachers": ("chenjing", "sunle", "wangfang", "zhaoliu")})
    found = verify(SCENARIO, solution(research=(placement,)))
    assert messages(found) == [
        ("research_blocks.members", f"{BLOCK}: listed in its placement but not in the group: 孙乐"),
        ("research_blocks.members", f"{BLOCK}: missing from its placement, though in the group: 李明"),
    ]
    assert [v.zh for v in found] == ["教研活动 四年级数学集体备课：孙乐 不属于该教研组，却列入了参加人员",
                                     "教研活动 四年级数学集体备课：教研组成员 李明 未列入参加人员"]


def test_research_travel_to_the_host_counts() -> None:
    # 李明's lesson ends 10:30 at 新田镇小学, 15 minutes before the block starts 30 minutes away.
    placement = VALID_RESEARCH.model_copy(update={"start_minute": 10 * 60 + 45, "end_minute": 12 * 60 + 15})
    found = only(verify(SCENARIO, solution(replace("B41-数学-3", period=3), research=(placement,))))
    assert (found.rule, found.en, found.zh) == (
        "research_blocks.busy",
        (f"{BLOCK} on Wed 10:45-12:15: 李明 teaches 新田镇小学 4(1) 数学 period 3 (09:50-10:30); with travel to 彭水一小 "
        "(30 minutes) and back (30 minutes) with 15 minutes to spare each way they must be free 10:00-13:00"),
        ("教研活动 四年级数学集体备课 周三 10:45-12:15：李明 要上 新田镇小学 4(1) 数学 第3节（09:50-10:30）；"
        "往返承办学校彭水一小（去30分钟、回30分钟，另留15分钟余量），需在10:00-13:00空闲"))
    online = SCENARIO.research_blocks[0].model_copy(update={"mode": DeliveryMode.ONLINE})
    assert verify(make_scenario(research_blocks=(online,)), solution(replace("B41-数学-3", period=3),
                                                                    research=(placement,))) == []


def test_research_lessons_at_the_host_under_winter_times() -> None:
    # 王芳 at 彭水一小 period 4 on Wed: 14:30-15:10 in the base times, 14:00-14:40 in winter; the block is 12:45-14:15.
    placement = VALID_RESEARCH.model_copy(update={"start_minute": 12 * 60 + 45, "end_minute": 14 * 60 + 15})
    found = only(verify(SCENARIO, solution(replace("A41-数学-3", period=4), research=(placement,))))
    assert (found.rule, found.en, found.zh) == (
        "research_blocks.busy",
        f"{BLOCK} on Wed 12:45-14:15: 王芳 teaches 彭水一小 4(1) 数学 period 4 (14:00-14:40) (clock times from 2026-10-08)",
        "教研活动 四年级数学集体备课 周三 12:45-14:15：王芳 要上 彭水一小 4(1) 数学 第4节（14:00-14:40）（按2026-10-08起的作息）")


def test_research_day_minutes_and_host() -> None:
    placement = VALID_RESEARCH.model_copy(update={"day": THU, "end_minute": 15 * 60 + 30, "host": B})
    assert messages(verify(SCENARIO, solution(research=(placement,)))) == [
        ("research_blocks.day", f"{BLOCK} is placed on Thu; it may meet on Wed"),
        ("research_blocks.host", f"{BLOCK} is held at 新田镇小学, its host is 彭水一小"),
        ("research_blocks.minutes", f"{BLOCK} lasts 60 minutes (14:30-15:30), it needs 90"),
    ]


def test_research_unreachable_host() -> None:
    found = only(verify(make_scenario(travel=TravelTimes()), solution()))
    assert (found.rule, found.en) == (
        "research_blocks.travel", f"{BLOCK}: 李明 cannot travel from 新田镇小学 to the host 彭水一小 (no road in the travel table)")


def test_research_placed_twice_and_unknown_block() -> None:
    other = VALID_RESEARCH.model_copy(update={"block": "R9"})
    assert messages(verify(SCENARIO, solution(research=(VALID_RESEARCH, VALID_RESEARCH, other)))) == [
        ("research_blocks.unknown", "a research time is placed for block 'R9', which is not in the scenario"),
        ("research_blocks.count", f"{BLOCK} is placed 2 times; it meets once a week"),
    ]


# --- properties -------------------------------------------------------------------------------

QUICK = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@QUICK
@given(st.permutations(VALID_LESSONS), st.integers(0, len(VALID_LESSONS) - 1))
def test_verify_does_not_depend_on_lesson_order(lessons: list[LessonPlacement], drop: int) -> None:
    broken = tuple(lessons[:drop] + lessons[drop + 1:])
    reference = tuple(x for x in VALID_LESSONS if x.key != lessons[drop].key)
    assert verify(SCENARIO, solution(broken)) == verify(SCENARIO, solution(reference))


@QUICK
@given(st.sampled_from(VALID_LESSONS))
def test_dropping_any_lesson_is_reported_as_a_curriculum_shortfall(lesson: LessonPlacement) -> None:
    found = verify(SCENARIO, solution(tuple(x for x in VALID_LESSONS if x.key != lesson.key)))
    klass = SCENARIO.class_by_id[lesson.class_id]
    want = next(e.periods for e in SCENARIO.class_curriculum(klass.id) if e.subject == lesson.subject)
    school = SCENARIO.school_by_id[klass.school].name
    assert (f"{school} {klass.label}: {lesson.subject} has {want - lesson.length} periods on the timetable, "
            f"the curriculum asks for {want}") in [v.en for v in found]


@QUICK
@given(st.sampled_from(VALID_LESSONS))
def test_a_lesson_placed_twice_is_a_class_clash(lesson: LessonPlacement) -> None:
    copy = lesson.model_copy(update={"key": lesson.key + "-copy", "sync": None, "sync_role": None})
    found = verify(SCENARIO, solution(VALID_LESSONS + (copy,)))
    assert "no_clash.class" in {v.rule for v in found}
    assert "daily.once" in {v.rule for v in found}


# --- files, report and independence -----------------------------------------------------------


def test_load_solution_reads_what_solve_writes(tmp_path: Path) -> None:
    path = tmp_path / "solution.json"
    path.write_text(solution().model_dump_json(by_alias=True, indent=1), encoding="utf-8")
    loaded = load_solution(path)
    assert loaded == solution()
    assert verify(SCENARIO, loaded) == []
    path.write_text('{"district": "彭水县"}', encoding="utf-8")
    with pytest.raises(ValueError):
        load_solution(path)


def test_report_lists_each_violation_then_the_count() -> None:
    found = verify(SCENARIO, solution(research=()))
    assert format_report(found, "en") == f"- {BLOCK} has no time in the timetable\n1 violation"
    assert format_report(found, "zh") == "- 教研活动 四年级数学集体备课 没有排定时间\n共 1 处违规"
    assert format_report([], "en") == "0 violations"
    assert format_report([], "zh") == "共 0 处违规"


def test_checks_share_no_code_with_the_solver() -> None:
    package = Path(__file__).resolve().parents[1] / "constraints" / "checks"
    for source in sorted(package.glob("*.py")):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                module = node.module or ""
                allowed = module == "models" or module.startswith(("models.", "constraints.checks")) \
                    or module in {"__future__", "collections", "collections.abc", "dataclasses", "datetime",
                                  "fractions", "itertools", "pathlib", "types"}
                assert allowed, f"{source.name} imports from {module}"
                if module == "constraints.checks":  # the Violation type, or a sibling check module
                    siblings = {path.stem for path in package.glob("*.py")}
                    assert all(alias.name == "Violation" or alias.name in siblings for alias in node.names), source.name
            elif isinstance(node, ast.Import):
                assert all(not alias.name.startswith(("scheduler", "constraints", "ortools")) for alias in node.names)


def test_daily_allows_the_least_repeat_when_lessons_outnumber_days() -> None:
    extra = (_lesson("A41-数学-5", "A41", "数学", "wangfang", FRI, 1),
             _lesson("A41-数学-6", "A41", "数学", "wangfang", FRI, 4),
             _lesson("A41-数学-7", "A41", "数学", "wangfang", TUE, 5))
    # 7 lessons in a 5-day week: twice a day is the least that works, so Fri and Tue twice are fine.
    seven = verify(SCENARIO, solution(VALID_LESSONS + extra))
    assert [v for v in seven if v.rule == "daily.once"] == []
    eighth = _lesson("A41-数学-8", "A41", "数学", "wangfang", TUE, 6)
    found = [v for v in verify(SCENARIO, solution(VALID_LESSONS + extra + (eighth,))) if v.rule == "daily.once"]
    assert len(found) == 1
    assert "3 times on Tue" in found[0].en and "at most twice a day" in found[0].en
    assert "至多两次" in found[0].zh


def test_research_block_without_subject_or_grades_holds_only_its_listed_teachers() -> None:
    # A consortium's in-person 大教研 of named teachers: the consortium says whose block it is; the other
    # teachers of the consortium keep teaching.
    listed = SCENARIO.research_blocks[0].model_copy(update={"subject": None, "grades": (), "teachers": ("zhaoliu",)})
    placement = VALID_RESEARCH.model_copy(update={"teachers": ("zhaoliu",)})
    assert verify(make_scenario(research_blocks=(listed,)), solution(research=(placement,))) == []
    # The same placement claiming a teacher who is not listed is reported.
    extra = placement.model_copy(update={"teachers": ("liming", "zhaoliu")})
    found = only(verify(make_scenario(research_blocks=(listed,)), solution(research=(extra,))))
    assert found.rule == "research_blocks.members" and "李明" in found.en


# --- class day and PE (quality) ------------------------------------------------------------------


def test_class_day_flags_a_hole_and_a_late_start_when_hard() -> None:
    scenario = make_scenario(quality=QualityRules(class_day="hard", pe_not_first="off", pe_not_after_lunch="off"))
    lessons = (_lesson("A42-数学-1", "A42", "数学", "chenjing", MON, 1), _lesson("A42-数学-2", "A42", "数学", "chenjing", MON, 3),
               _lesson("A42-数学-3", "A42", "数学", "chenjing", TUE, 2))
    found = [v for v in verify(scenario, solution(lessons, research=())) if v.rule == "class_day"]
    assert [(v.where, v.en) for v in found] == [
        ("彭水一小 4(2) 周一", "彭水一小 4(2) has no lesson in period 2 on Mon though it has lessons later that day "
                            "(quality.class_day)"),
        ("彭水一小 4(2) 周二", "彭水一小 4(2) has no lesson in period 1 on Tue though it has lessons later that day "
                            "(quality.class_day)")]
    assert found[0].zh == "彭水一小 4(2) 周一第2节没有课，但当天后面还有课（quality.class_day）"


def test_class_day_with_named_free_slots_needs_every_other_period_taught() -> None:
    rules = QualityRules(class_day="hard", free_slots="周一4-5;周二;周三;周四;周五", pe_not_first="off",
                         pe_not_after_lunch="off")
    lessons = tuple(_lesson(f"A42-数学-{p}", "A42", "数学", "chenjing", MON, p) for p in (1, 2))
    found = [v.en for v in verify(make_scenario(quality=rules), solution(lessons, research=()))
             if v.rule == "class_day" and "4(2)" in v.where]
    assert found == ["彭水一小 4(2) has no lesson in period 3 on Mon (quality.class_day)"]


def test_pe_not_first_nor_after_lunch_when_hard() -> None:
    pe = Subject(id="体育", name="体育")
    rules = QualityRules(class_day="off", pe_not_first="hard", pe_not_after_lunch="hard")
    scenario = make_scenario(quality=rules, subjects=SCENARIO.subjects + (pe,))
    lessons = (_lesson("A42-体育-1", "A42", "体育", "sunle", MON, 1), _lesson("A42-体育-2", "A42", "体育", "sunle", TUE, 4),
               _lesson("A42-体育-3", "A42", "体育", "sunle", WED, 2))
    found = [(v.rule, v.where) for v in verify(scenario, solution(lessons, research=())) if v.rule.startswith("pe_")]
    assert found == [("pe_not_first", "彭水一小 4(2) 周一"), ("pe_not_after_lunch", "彭水一小 4(2) 周二")]


def test_every_family_has_a_check_module_of_its_name() -> None:
    import importlib

    import constraints
    from constraints.checks import CHECKS, quality

    for family in constraints.HARD:
        module = importlib.import_module(f"constraints.checks.{family.name}")
        assert callable(getattr(module, "check", None)), f"constraints/checks/{family.name}.py has no check()"
    for family in constraints.SOFT:
        module = importlib.import_module(f"constraints.checks.{family.name}")
        assert callable(getattr(module, "penalties", None)), f"constraints/checks/{family.name}.py has no penalties()"
    # verify runs the hard checks of every consortium family (the FET rules check runs for imported files), and
    # the quality recount the soft ones'.
    hard = {f.name for f in constraints.HARD if f.applies("consortium")} - {"rules"}
    assert {m.__name__.rpartition(".")[2] for m in CHECKS} == hard | {"assignment"}
    assert {m.__name__.rpartition(".")[2] for m in quality.SOFT} == {f.name for f in constraints.SOFT} - {"rules", "fet_rooms"}
