"""One small solve per hard requirement family, checked in plain Python on the written solution."""

from __future__ import annotations

from collections import Counter
from datetime import date
from types import SimpleNamespace

import pytest

from models import (
    BellPeriod, BellSeason, ResearchBlock, SchoolClass, SlotRange, SyncLesson, Teacher, TeachingAssignment,
    TravelEdge, TravelTimes, Weekday,
)
from models.enums import DeliveryMode, SchoolRole, SchoolTier
from models.assignment import AssignmentError, complete_assignment
from scheduler.timetable.solve import solve_scenario
from test_solver_scenarios import STANDARD, bells, school, tiny_scenario


def solved(scenario, **kwargs):
    result = solve_scenario(scenario, time_limit=10, workers=1, **kwargs)
    assert result.status in ("optimal", "feasible"), result.explanation
    return result.solution


def test_curriculum_every_class_gets_its_periods_and_doubles_stay_in_a_half_day() -> None:
    scenario = tiny_scenario()
    solution = solved(scenario)
    periods = Counter()
    for lesson in solution.lessons:
        periods[(lesson.class_id, lesson.subject)] += lesson.length
    for klass in scenario.classes:
        for entry in scenario.class_curriculum(klass.id):
            assert periods[(klass.id, entry.subject)] == entry.periods
    doubles = [lesson for lesson in solution.lessons if lesson.length == 2]
    assert len(doubles) == 2  # one 语文 double per class
    morning = [p.is_morning for p in scenario.bell_schedules[0].periods]
    for lesson in doubles:
        assert morning[lesson.period - 1] == morning[lesson.period]


def test_no_clash_for_classes_and_teachers() -> None:
    solution = solved(tiny_scenario())
    class_slots = Counter((x.class_id, x.day, p) for x in solution.lessons for p in x.periods())
    teacher_slots = Counter((x.teacher, x.day, p) for x in solution.lessons for p in x.periods())
    assert max(class_slots.values()) == 1
    assert max(teacher_slots.values()) == 1


def test_availability_teacher_never_teaches_when_unavailable() -> None:
    scenario = tiny_scenario()
    busy = Teacher(id="t数学", name="李强", school="甲校", subjects=("数学",),
                   unavailable=(SlotRange(day=Weekday.MON), SlotRange(day=Weekday.TUE, first=1, last=4)))
    scenario = scenario.model_copy(update={"teachers": (scenario.teachers[0], busy, scenario.teachers[2])})
    solution = solved(scenario)
    maths = [lesson for lesson in solution.lessons if lesson.teacher == "t数学"]
    assert len(maths) == 8  # 数学 4 single periods a week in each of the two classes
    for lesson in maths:
        assert lesson.day != Weekday.MON
        assert not (lesson.day == Weekday.TUE and lesson.period <= 4)


def test_daily_limits_teacher_max_daily_and_subject_once_a_day() -> None:
    scenario = tiny_scenario()
    tight = scenario.teachers[1].model_copy(update={"max_daily": 2})
    scenario = scenario.model_copy(update={"teachers": (scenario.teachers[0], tight, scenario.teachers[2])})
    solution = solved(scenario)
    per_day = Counter((x.teacher, x.day) for x in solution.lessons if x.teacher == "t数学")
    assert max(per_day.values()) <= 2
    subject_days = Counter((x.class_id, x.subject, x.day) for x in solution.lessons if x.subject != "语文")
    assert max(subject_days.values()) == 1


def _two_school_sync(min_overlap: int | None):
    winter = BellSeason(name="冬季作息", starts=date(2026, 10, 1), periods=tuple(
        BellPeriod(start=a, end=b) for a, b in [("08:10", "08:50"), ("09:00", "09:40"), ("10:00", "10:40"),
                                                ("10:50", "11:30"), ("14:00", "14:40"), ("14:50", "15:30")]))
    village = [("08:30", "09:10"), ("09:20", "10:00"), ("10:00", "10:40"), ("10:50", "11:30"),
               ("14:00", "14:40"), ("14:50", "15:30")]
    base = tiny_scenario()
    scenario = base.model_copy(update={
        "schools": (school("甲校", "std"), school("乙村小", "village", role=SchoolRole.MEMBER, tier=SchoolTier.VILLAGE)),
        "bell_schedules": (bells("std", STANDARD, (winter,)), bells("village", village)),
        "classes": base.classes + (SchoolClass(id="乙村小-4-1", school="乙村小", grade=4, section=1),),
        "teachers": base.teachers + (Teacher(id="乙语文", name="陈静", school="乙村小", subjects=("语文", "数学")),),
        "sync_lessons": (SyncLesson(id="同步音乐", subject="音乐", teaching_class="甲校-4-1",
                                    receiving_classes=("乙村小-4-1",), per_week=2, min_overlap_minutes=min_overlap),),
    })
    return scenario


@pytest.mark.parametrize("min_overlap", [None, 30])
def test_sync_lesson_overlaps_in_clock_time_under_every_season(min_overlap: int | None) -> None:
    scenario = _two_school_sync(min_overlap)
    solution = solved(scenario)
    teaching = sorted((x for x in solution.lessons if x.sync == "同步音乐" and x.sync_role == "teaching"), key=lambda x: x.key)
    receiving = sorted((x for x in solution.lessons if x.sync == "同步音乐" and x.sync_role == "receiving"), key=lambda x: x.key)
    assert len(teaching) == len(receiving) == 2
    for t, r in zip(teaching, receiving):
        assert t.day == r.day and r.teacher == t.teacher == "t音乐" and r.class_id == "乙村小-4-1"
        for a in scenario.bells_of("甲校").variants():
            for b in scenario.bells_of("乙村小").variants():
                ta, tb = a[t.period - 1], b[r.period - 1]
                overlap = min(ta.end_minute, tb.end_minute) - max(ta.start_minute, tb.start_minute)
                need = min(ta.end_minute - ta.start_minute, tb.end_minute - tb.start_minute) if min_overlap is None else min_overlap
                assert overlap >= need
    # The receiving class has no local music teacher; its 2 music periods are the sync lessons.
    village_music = [x for x in solution.lessons if x.class_id == "乙村小-4-1" and x.subject == "音乐"]
    assert len(village_music) == 2 and all(x.sync_role == "receiving" for x in village_music)


def test_research_block_keeps_the_group_free_including_travel() -> None:
    base = _two_school_sync(30)
    # 乙语文 (the teacher who travels 40 minutes) is away on Mondays, so her 4 数学 lessons (at most one a
    # day) fill Tue-Fri and one of them falls on the block's Wednesday: the check below always has work.
    away = base.teacher_by_id["乙语文"].model_copy(update={"unavailable": (SlotRange(day=Weekday.MON),)})
    scenario = base.model_copy(update={
        "teachers": tuple(away if t.id == "乙语文" else t for t in base.teachers),
        "travel": TravelTimes(edges=(TravelEdge(a="甲校", b="乙村小", minutes=40),)),
        "research_blocks": (ResearchBlock(id="备课", name="语文集体备课", subject="语文", grades=(4,), consortium="C1",
                                          minutes=60, mode=DeliveryMode.IN_PERSON, host="甲校",
                                          days=(Weekday.WED,)),),
    })
    solution = solved(scenario)
    (block,) = solution.research
    assert block.day == Weekday.WED and block.end_minute - block.start_minute == 60
    assert set(block.teachers) == {"t语文", "乙语文"}
    checked = [lesson for lesson in solution.lessons
               if lesson.teacher in block.teachers and lesson.day == Weekday.WED and lesson.sync_role != "receiving"]
    assert sum(1 for x in checked if x.teacher == "乙语文" and x.subject == "数学") == 1
    for lesson in checked:
        travel = 40 if scenario.teacher_by_id[lesson.teacher].school == "乙村小" else 0
        for variant in scenario.bells_of(lesson.school).variants():
            for p in lesson.periods():
                period = variant[p - 1]
                assert period.end_minute <= block.start_minute - travel or period.start_minute >= block.end_minute + travel


def test_assignment_balances_load_and_names_missing_teacher() -> None:
    scenario = tiny_scenario()
    extra = Teacher(id="t数学2", name="周杰", school="甲校", subjects=("数学",))
    balanced = complete_assignment(scenario.model_copy(update={"teachers": scenario.teachers + (extra,)}))
    assert {balanced.teacher_of[("甲校-4-1", "数学")], balanced.teacher_of[("甲校-4-2", "数学")]} == {"t数学", "t数学2"}
    given = scenario.model_copy(update={"assignments": (TeachingAssignment(teacher="t数学", class_id="甲校-4-2", subject="数学"),)})
    assert complete_assignment(given).teacher_of[("甲校-4-2", "数学")] == "t数学"
    no_music = scenario.model_copy(update={"teachers": scenario.teachers[:2]})
    with pytest.raises(AssignmentError) as error:
        complete_assignment(no_music)
    assert "甲校 4(1)" in error.value.en and "音乐" in error.value.en and "甲校 4(1)" in error.value.zh


def with_maths_teacher(**update):
    """The tiny scenario with its maths teacher (李强, both classes: 8 periods a week) changed."""
    scenario = tiny_scenario()
    tight = scenario.teachers[1].model_copy(update=update)
    return scenario.model_copy(update={"teachers": (scenario.teachers[0], tight, scenario.teachers[2])}), tight


def test_infeasible_daily_limit_is_explained_in_the_users_words() -> None:
    # 8 maths periods a week (two classes) but at most 1 a day over 5 days: impossible.
    scenario, _tight = with_maths_teacher(max_daily=1)
    result = solve_scenario(scenario, time_limit=10, workers=1)
    assert result.status == "infeasible" and result.solution is None
    kinds = {c.kind: c for c in result.explanation}
    assert "daily_limit" in kinds
    assert "李强" in kinds["daily_limit"].en and "1" in kinds["daily_limit"].en
    assert "李强老师每天最多上 1 节课" in kinds["daily_limit"].zh


def test_overloaded_teacher_is_named_before_any_search() -> None:
    # 李强 teaches both classes' maths (8 periods a week) but may teach only 6.
    scenario, tight = with_maths_teacher(max_weekly=6)
    result = solve_scenario(scenario, time_limit=10, workers=1)
    assert result.status == "infeasible" and result.solution is None
    overload = [c for c in result.explanation if c.kind == "precheck" and c.ref == tight.id]
    assert overload, result.explanation
    assert "given 8 periods a week but teaches at most 6" in overload[0].en
    assert "每周被安排 8 节课，超过周课时上限 6 节" in overload[0].zh


def test_infeasible_unavailability_names_teacher_and_curriculum() -> None:
    scenario = tiny_scenario()
    away = scenario.teachers[2].model_copy(update={"unavailable": tuple(SlotRange(day=d) for d in
                                                                       (Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU))})
    # 赵敏 teaches 4 music periods but is only there on Friday, and each class has music once a day.
    scenario = scenario.model_copy(update={"teachers": scenario.teachers[:2] + (away,)})
    result = solve_scenario(scenario, time_limit=10, workers=1)
    assert result.status == "infeasible"
    kinds = {c.kind for c in result.explanation}
    assert "availability" in kinds
    assert any("赵敏" in c.zh for c in result.explanation)


def test_reproducible_part_without_a_timetable_is_tried_again_with_more_effort(monkeypatch) -> None:
    import dataclasses

    import scheduler.timetable.solve as solve_module

    budgets: list[list[float]] = []
    real = solve_module._run_parts

    def first_run_finds_nothing(inputs, workers, progress, executor=None, checkpoints=None):
        if inputs and inputs[0].stage != "improve":
            budgets.append([p.effort for p in inputs])
        outputs = real(inputs, workers, progress, executor, checkpoints)
        if len(budgets) == 1:  # as if the budget ran out before a first timetable
            outputs = [dataclasses.replace(o, status="unknown", lessons=(), objective=None) for o in outputs]
        return outputs

    monkeypatch.setattr(solve_module, "_run_parts", first_run_finds_nothing)
    result = solve_scenario(tiny_scenario(), time_limit=60, effort=5, workers=1)
    assert result.status in ("optimal", "feasible") and result.solution is not None
    assert budgets == [budgets[0], [b * solve_module.RETRY_BUDGET_FACTOR for b in budgets[0]]]


def test_publishing_reserve_grows_with_activities_and_a_busy_machine(monkeypatch) -> None:
    """The time kept for publishing out of `tongbu solve`'s time limit: more with an activity calendar to plan,
    more when other processes already keep the cores busy (the limit is seconds on the clock), never less
    than on a quiet machine."""
    import os

    import scheduler.service as service

    from test_feeds_fixtures import scenario as with_a_sync_lesson

    scenario = with_a_sync_lesson()
    assert scenario.sync_lessons
    import psutil

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    busy = [0.0]  # percent of every core, as psutil reports it
    niced = [0.0]  # of which at a lower priority
    monkeypatch.setattr(psutil, "cpu_times_percent", lambda interval=None: SimpleNamespace(
        user=busy[0] - niced[0], nice=niced[0], system=0.0, idle=100.0 - busy[0], iowait=0.0, steal=0.0))
    monkeypatch.setattr(os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    quiet = service.publish_reserve(scenario, workers=2)
    assert quiet >= service.PUBLISH_BASE_SECONDS
    assert service.publish_reserve(scenario, workers=2, activities=True) == pytest.approx(
        quiet + service.ACTIVITY_SECONDS_PER_SYNC_LESSON * len(scenario.sync_lessons))
    monkeypatch.setattr(os, "getloadavg", lambda: (2.0, 2.0, 2.0))
    assert service.publish_reserve(scenario, workers=2) == pytest.approx(quiet)  # the load of a run just ended
    busy[0] = 50.0  # one of the two cores busy now, and a load average that says so
    monkeypatch.setattr(os, "getloadavg", lambda: (1.0, 1.0, 1.0))
    assert service.publish_reserve(scenario, workers=2) == pytest.approx(1.5 * quiet)
    busy[0] = 100.0  # every core busy: the load average counts those waiting too
    monkeypatch.setattr(os, "getloadavg", lambda: (2.0, 2.0, 2.0))
    assert service.publish_reserve(scenario, workers=2) == pytest.approx(2 * quiet)
    monkeypatch.setattr(os, "getloadavg", lambda: (40.0, 40.0, 40.0))
    assert service.publish_reserve(scenario, workers=2) == pytest.approx(service.MAX_SLOWDOWN * quiet)
    niced[0] = 100.0  # every core busy with work at a lower priority, which gives way: a quiet machine for us
    assert service.publish_reserve(scenario, workers=2) == pytest.approx(quiet)
