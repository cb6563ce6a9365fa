"""The pacing calendar (学科进度同步, issue 21): lesson counts from the real calendar, the exact planner,
its explanation when a pace cannot be kept, and the independent check.

The scenario: one consortium, classes 一小 3(1), 3(2) and 镇小 3(1), five maths lessons a week each,
over three weeks around National Day 2026 (declared here, not read from a package):

    week 1  Mon 9-28 .. Sun 10-4   teaching days Mon 9-28, Tue 9-29, Wed 9-30 (10-1.. holiday)
    week 2  Mon 10-5 .. Sun 10-11  10-5..10-7 holiday; Thu 10-8, Fri 10-9, Sat 10-10 (调休, follows Tuesday)
    week 3  Mon 10-12 .. Fri 10-16 five days

    maths   一小 3(1): Mon Tue Wed Thu Fri, one each   -> week 1: 3, week 2: 3 (Thu, Fri, Sat as Tue), week 3: 5
            一小 3(2): Mon double, Wed, Thu, Fri       -> week 1: 3 (Mon 2 + Wed), week 2: 2 (no Tuesday maths), week 3: 5
            镇小 3(1): Mon Tue Wed Thu Fri, one each   -> week 1: 3, week 2: 3, week 3: 5

Every expected number below is written out by hand from this table, not computed by the code under test.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from constraints.checks import pacing as pacing_check
from models import (
    BellPeriod,
    BellSchedule,
    Consortium,
    CurriculumEntry,
    LessonPlacement,
    MakeupDay,
    Scenario,
    School,
    SchoolClass,
    Solution,
    Stage,
    Subject,
    SyncLesson,
    Teacher,
    TermCalendar,
    Weekday,
)
from models.enums import PacingKind
from models.pacing import PacingRow, pacing_groups, plan_json, read_pacing_plan
from scheduler.pacing import plan_pacing
from scheduler.pacing.count import LessonCounter
from scheduler.pacing.planner import proportional
from scheduler.pacing.publish import explanation

MON, TUE, WED, THU, FRI = Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI
HOLIDAYS = tuple(date(2026, 10, d) for d in range(1, 8))
BELLS = tuple(BellPeriod(start=s, end=e) for s, e in (("08:00", "08:40"), ("08:50", "09:30"), ("10:00", "10:40"),
                                                       ("10:50", "11:30"), ("14:30", "15:10"), ("15:20", "16:00")))


def unit(seq: int, title: str, lessons: int, consortium: str | None = None) -> PacingRow:
    return PacingRow(consortium=consortium, grade=3, subject="数学", seq=seq, title=title, lessons=lessons)


def test_(seq: int, title: str, day: date) -> PacingRow:
    return PacingRow(grade=3, subject="数学", seq=seq, kind=PacingKind.ASSESSMENT, title=title, date=day)


test_.__test__ = False  # a row builder, not a test


FEASIBLE = (unit(1, "第一单元", 4), unit(2, "第二单元", 3), test_(3, "单元测评", date(2026, 10, 14)),
            unit(4, "第三单元", 2))
TOO_MUCH = (unit(1, "第一单元", 4), unit(2, "第二单元", 4), test_(3, "单元测评", date(2026, 10, 14)))


def make_scenario(pacing: tuple[PacingRow, ...] = FEASIBLE, **changes: object) -> Scenario:
    bells = BellSchedule(id="作息", periods=BELLS)
    fields: dict[str, object] = dict(
        district="示例县",
        term=TermCalendar(name="测试学期", start=date(2026, 9, 28), end=date(2026, 10, 16), holidays=HOLIDAYS,
                          makeup_days=(MakeupDay(date=date(2026, 10, 10), follows=TUE),), use_official_holidays=False),
        consortia=(Consortium(id="C1", name="示例共同体"),),
        schools=(School(id="yixiao", name="一小", consortium="C1", role="lead", tier="county_seat", stage=Stage.PRIMARY,
                        grades=(3,), bell_schedule="作息"),
                 School(id="zhenxiao", name="镇小", consortium="C1", role="member", tier="township", stage=Stage.PRIMARY,
                        grades=(3,), bell_schedule="作息")),
        bell_schedules=(bells,),
        subjects=(Subject(id="数学", name="数学"), Subject(id="音乐", name="音乐")),
        curriculum=(CurriculumEntry(stage=Stage.PRIMARY, grade=3, subject="数学", periods=5),
                    CurriculumEntry(stage=Stage.PRIMARY, grade=3, subject="音乐", periods=2)),
        classes=(SchoolClass(id="A31", school="yixiao", grade=3, section=1),
                 SchoolClass(id="A32", school="yixiao", grade=3, section=2),
                 SchoolClass(id="B31", school="zhenxiao", grade=3, section=1),
                 SchoolClass(id="B32", school="zhenxiao", grade=3, section=2)),
        teachers=(Teacher(id="wang", name="王老师", school="yixiao", subjects=("数学",)),
                  Teacher(id="chen", name="陈老师", school="yixiao", subjects=("数学",)),
                  Teacher(id="liu", name="刘老师", school="zhenxiao", subjects=("数学",)),
                  Teacher(id="zhang", name="张老师", school="yixiao", subjects=("音乐",)),
                  Teacher(id="li", name="李老师", school="zhenxiao", subjects=("音乐",))),
        sync_lessons=(SyncLesson(id="S1", subject="音乐", teaching_class="A31", receiving_classes=("B31",),
                                 teacher="zhang"),),
        pacing=pacing,
    )
    fields.update(changes)
    return Scenario(**fields)


def lesson(class_id: str, subject: str, teacher: str, day: Weekday, period: int, length: int = 1, n: int = 1,
           sync: str | None = None, role: str | None = None) -> LessonPlacement:
    school = "yixiao" if class_id.startswith("A") else "zhenxiao"
    return LessonPlacement(key=f"{class_id}:{subject}:{n}", class_id=class_id, school=school, subject=subject,
                           teacher=teacher, day=day, period=period, length=length, sync=sync, sync_role=role)


LESSONS = (
    *(lesson("A31", "数学", "wang", d, 1, n=i) for i, d in enumerate((MON, TUE, WED, THU, FRI), 1)),
    lesson("A32", "数学", "chen", MON, 1, 2, n=1), lesson("A32", "数学", "chen", WED, 2, n=2),
    lesson("A32", "数学", "chen", THU, 2, n=3), lesson("A32", "数学", "chen", FRI, 2, n=4),
    *(lesson("B31", "数学", "liu", d, 1, n=i) for i, d in enumerate((MON, TUE, WED, THU, FRI), 1)),
    *(lesson("B32", "数学", "liu", d, 2, n=i) for i, d in enumerate((MON, TUE, WED, THU, FRI), 1)),
    # 音乐: a remote lesson from 一小 3(1) to 镇小 3(1) on Monday, period 3 (10:00-10:40); 李老师 teaches 镇小's
    # own music lessons and is busy on Monday in period 4 (10:50-11:30).
    lesson("A31", "音乐", "zhang", MON, 3, n=1, sync="S1", role="teaching"),
    lesson("B31", "音乐", "zhang", MON, 3, n=1, sync="S1", role="receiving"),
    lesson("A31", "音乐", "zhang", THU, 3, n=2), lesson("B31", "音乐", "li", WED, 4, n=2),
    lesson("B32", "音乐", "li", MON, 4, n=1), lesson("B32", "音乐", "li", WED, 3, n=2),
    lesson("A32", "音乐", "zhang", TUE, 3, n=1), lesson("A32", "音乐", "zhang", FRI, 3, n=2),
)
SOLUTION = Solution(district="示例县", seed=0, lessons=LESSONS)


# --- counting ------------------------------------------------------------------------------------


def test_a_holiday_week_and_a_makeup_saturday_count_exactly_as_the_calendar_says() -> None:
    counter = LessonCounter(make_scenario(), SOLUTION)
    weeks = {1: (date(2026, 9, 28), date(2026, 10, 4)), 2: (date(2026, 10, 5), date(2026, 10, 11)),
             3: (date(2026, 10, 12), date(2026, 10, 18))}
    counts = {c: [counter.count(c, "数学", *weeks[w]) for w in (1, 2, 3)] for c in ("A31", "A32", "B31")}
    assert counts == {"A31": [3, 3, 5], "A32": [3, 2, 5], "B31": [3, 3, 5]}
    # The make-up Saturday teaches Tuesday's timetable: 一小 3(1) has maths on Tuesday, 3(2) has none.
    assert counter.count("A31", "数学", date(2026, 10, 10), date(2026, 10, 10)) == 1
    assert counter.count("A32", "数学", date(2026, 10, 10), date(2026, 10, 10)) == 0
    # National Day and the ordinary Saturday have no lessons; 3(2)'s Monday double counts two.
    assert counter.count("A31", "数学", date(2026, 10, 1), date(2026, 10, 7)) == 0
    assert counter.count("A31", "数学", date(2026, 10, 3), date(2026, 10, 3)) == 0
    assert counter.count("A32", "数学", date(2026, 9, 28), date(2026, 9, 28)) == 2


def test_the_plan_splits_the_week_at_the_assessment_and_fills_the_least_capacity() -> None:
    plan = plan_pacing(make_scenario(), SOLUTION)
    assert plan.ok
    group = plan.group(("C1", 3, "数学"))
    assert group is not None and group.classes == ("A31", "A32", "B31", "B32")
    slots = [(s.week, s.first, s.last, s.planned, s.items, s.available["A32"]) for s in group.slots]
    assert slots == [
        (1, date(2026, 9, 28), date(2026, 10, 4), 3, ((1, 3),), 3),
        (2, date(2026, 10, 5), date(2026, 10, 11), 2, ((1, 1), (2, 1)), 2),
        # 10-14 is the test: Monday and Tuesday before it (3(2) has maths only on Monday, a double), Thu-Sun after.
        (3, date(2026, 10, 12), date(2026, 10, 13), 2, ((2, 2),), 2),
        (3, date(2026, 10, 15), date(2026, 10, 16), 2, ((4, 2),), 2),
    ]
    assert pacing_check.check(make_scenario(), SOLUTION, plan) == []


def test_a_pace_no_class_can_keep_names_the_class_the_week_and_the_shortfall() -> None:
    scenario = make_scenario(TOO_MUCH)
    plan = plan_pacing(scenario, SOLUTION)
    assert plan.status == "short"
    group = plan.group(("C1", 3, "数学"))
    assert group is not None
    [short] = group.shortfalls
    assert (short.class_id, short.week, short.first, short.last, short.needed, short.available) == \
        ("A32", 2, date(2026, 10, 5), date(2026, 10, 11), 3, 2)
    # 一小 3(2) has no lesson on Thursday 10-8 in period 1 and 陈老师 is free then.
    assert short.fixes[0].kind == "free_period" and (short.fixes[0].date, short.fixes[0].period) == (date(2026, 10, 8), 1)
    lines = explanation(scenario, plan)
    assert any("before 单元测评 (2026-10-14) need 8 lessons" in en and "keep only 7" in en and "1 short" in en
               for en, _ in lines)
    assert any(en.startswith("一小 3(2), 数学, week 2 (2026-10-05–2026-10-11): needs 3 lessons, has 2: 1 short.")
               and "add a 数学 lesson on 2026-10-08 (thu) period 1" in en for en, _ in lines)
    assert any("一小 3(2) 数学 第2周（2026-10-05至2026-10-11）：需要 3 课时，只有 2 课时，缺 1 课时" in zh for _, zh in lines)
    # Published anyway, the check names the same class, week and shortfall.
    found = pacing_check.check(scenario, SOLUTION, plan)
    assert {v.rule for v in found} == {"pacing.status", "pacing.short"}
    assert [v.en for v in found if v.rule == "pacing.short"] == [
        "grade 3 数学 of C1: week 2 (2026-10-05–2026-10-11): 一小 3(2) has 2 lessons, the pace needs 3: 1 short"]


def test_a_short_plan_is_written_as_shortfalls_never_as_the_published_pace(tmp_path: Path) -> None:
    from scheduler.pacing.writers import write_pacing_outputs

    scenario = make_scenario(TOO_MUCH)
    written = {p.name for p in write_pacing_outputs(scenario, plan_pacing(scenario, SOLUTION), tmp_path)}
    assert "shortfalls.csv" in written and "plan.json" not in written
    text = (tmp_path / "shortfalls.csv").read_text(encoding="utf-8-sig")
    assert "一小 3(2)班,2,2026-10-05,2026-10-11,3,2,1," in text


# --- the independent check ---------------------------------------------------------------------


def _group_plan():
    plan = plan_pacing(make_scenario(), SOLUTION)
    return plan, plan.groups[0]


def test_check_recounts_the_lessons_and_names_a_wrong_count(tmp_path: Path) -> None:
    plan, group = _group_plan()
    slots = list(group.slots)
    slots[1] = slots[1].model_copy(update={"available": {**slots[1].available, "A32": 3}})
    bad = plan.model_copy(update={"groups": (group.model_copy(update={"slots": tuple(slots)}),)})
    (tmp_path / "plan.json").write_text(plan_json(bad), encoding="utf-8")
    found = pacing_check.check(make_scenario(), SOLUTION, read_pacing_plan(tmp_path))
    assert [v.en for v in found] == ["grade 3 数学 of C1: week 2 (2026-10-05–2026-10-11): the plan says 一小 3(2) has 3 "
                                     "lessons, the calendar and timetable give 2"]


def test_check_flags_a_unit_still_taught_after_the_assessment_that_tests_it() -> None:
    # With a lesson to spare before the test: 第一单元 3 + 1 in weeks 1-2, 第二单元 2 on 10-12/13, 第三单元 1 after.
    rows = (unit(1, "第一单元", 4), unit(2, "第二单元", 2), test_(3, "单元测评", date(2026, 10, 14)), unit(4, "第三单元", 1))
    scenario = make_scenario(rows)
    plan = plan_pacing(scenario, SOLUTION)
    group = plan.groups[0]
    assert [(s.planned, s.items) for s in group.slots] == [(3, ((1, 3),)), (1, ((1, 1),)), (2, ((2, 2),)), (1, ((4, 1),))]
    slots = list(group.slots)
    slots[2] = slots[2].model_copy(update={"planned": 1, "items": ((2, 1),)})
    slots[3] = slots[3].model_copy(update={"planned": 2, "items": ((2, 1), (4, 1))})
    bad = plan.model_copy(update={"groups": (group.model_copy(update={"slots": tuple(slots)}),)})
    assert [v.en for v in pacing_check.check(scenario, SOLUTION, bad)] == [
        "grade 3 数学 of C1: 第二单元 is still taught on or after 单元测评 (2026-10-14), which tests it"]


def test_check_flags_a_plan_that_does_not_cover_a_sequence() -> None:
    plan, _ = _group_plan()
    found = pacing_check.check(make_scenario(), SOLUTION, plan.model_copy(update={"groups": ()}))
    assert [v.rule for v in found] == ["pacing.missing"]


def test_a_consortium_sequence_replaces_the_county_one() -> None:
    own = (unit(1, "本共同体单元", 5, consortium="C1"),)
    groups = pacing_groups(make_scenario(FEASIBLE + own))
    assert [r.title for r in groups[("C1", 3, "数学")]] == ["本共同体单元"]


@given(st.lists(st.integers(min_value=0, max_value=9), min_size=1, max_size=25), st.data())
def test_proportional_spread_stays_within_half_a_lesson_of_the_even_line(capacity: list[int], data) -> None:
    total = data.draw(st.integers(min_value=0, max_value=sum(capacity)))
    plan = proportional(total, capacity)
    assert sum(plan) == total and all(0 <= p <= c for p, c in zip(plan, capacity))
    running = cumulative = 0
    for p, c in zip(plan, capacity):
        running, cumulative = running + p, cumulative + c
        if sum(capacity):
            assert abs(running - total * cumulative / sum(capacity)) <= 0.5


# --- validation ----------------------------------------------------------------------------------


def test_validate_names_each_bad_pacing_row(tmp_path: Path) -> None:
    import openpyxl

    from models.scaffold import write_scaffold
    from models.validation import validate_folder

    write_scaffold(tmp_path)
    book = openpyxl.load_workbook(tmp_path / "scenario.xlsx")
    sheet = book["pacing"]
    sheet.delete_rows(2, sheet.max_row)
    for row in (["", 1, "语文", 1, "unit", "识字", "", "", "", ""],           # no lessons
                ["", 1, "语文", 2, "测评", "期中", "", "2026-10-03", "", ""],   # a holiday
                ["", 1, "语文", 2, "unit", "第二单元", 5, "", "", ""],          # seq twice
                ["", 1, "语文", 4, "assessment", "期末", "", "2026-10-02", "", ""],
                ["", 1, "英语", 1, "unit", "Unit 1", 4, "", "", ""]):          # not in grade 1's curriculum
        sheet.append(row)
    book.save(tmp_path / "scenario.xlsx")
    _, problems = validate_folder(tmp_path)
    codes = sorted((p.row, p.code) for p in problems if p.file.endswith("[pacing]") or "pacing" in p.file)
    assert codes == [(2, "pacing_lessons"), (3, "pacing_date_no_school"), (4, "pacing_seq_twice"),
                     (5, "pacing_date_no_school"), (5, "pacing_date_order"), (6, "pacing_not_in_curriculum")]


# --- debriefs ------------------------------------------------------------------------------------


DEBRIEF = {"id": "研讨", "consortium": "C1", "kind": "debrief", "within_days": 1, "minutes": 30, "time": "08:00-18:00"}


def _debriefs():
    from scheduler.activities import ActivitySpec, plan_activities

    scenario = make_scenario()
    plan = plan_activities(scenario, SOLUTION, (ActivitySpec.model_validate(DEBRIEF),))
    return scenario, plan


def test_a_debrief_follows_each_sync_lesson_when_its_teachers_are_free() -> None:
    scenario, plan = _debriefs()
    assert plan.ok, plan.problems
    # S1 meets on the Mondays 9-28 and 10-12 (10-5 is a holiday). It ends 10:40; 李老师 (镇小 3(1)'s own music
    # teacher) teaches until 11:30 on Mondays, so each debrief is 11:30-12:00 that day.
    got = [(a.date, a.time_label, a.everyone, a.id.rsplit("#", 1)[1]) for a in plan.activities]
    assert got == [(date(2026, 9, 28), "11:30-12:00", ("li", "zhang"), "w01-1"),
                   (date(2026, 10, 12), "11:30-12:00", ("li", "zhang"), "w03-1")]
    from scheduler.activities import check_activities

    assert check_activities(scenario, SOLUTION, plan) == []


def test_the_checker_flags_a_late_an_early_and_a_missing_debrief() -> None:
    from scheduler.activities import check_activities

    scenario, plan = _debriefs()
    first, second = plan.activities
    late = replace(first, date=date(2026, 9, 30))  # two school days after, the rule allows one
    early = replace(second, start=600, end=630)  # 10:00, while the lesson runs to 10:40
    found = check_activities(scenario, SOLUTION, replace(plan, activities=(late, early)))
    assert any("on 2026-09-30, not within 1 school days after the sync lesson on 2026-09-28" in en for en in (v.en for v in found))
    assert any("starts 10:00, before the sync lesson ends (10:40)" in en for en in (v.en for v in found))
    found = check_activities(scenario, SOLUTION, replace(plan, activities=(first,)))
    assert any("no debrief after sync lesson S1 on 2026-10-12" in en for en in (v.en for v in found))


def test_a_debrief_with_no_free_time_is_explained() -> None:
    from scheduler.activities import ActivitySpec, plan_activities

    busy = LESSONS + tuple(lesson("B32", "音乐", "li", d, p, n=10 + 10 * i + p)
                           for i, d in enumerate((MON, TUE, WED, THU, FRI)) for p in (5, 6))
    rule = ActivitySpec.model_validate({**DEBRIEF, "time": "14:30-16:00", "within_days": 0})
    plan = plan_activities(make_scenario(), Solution(district="示例县", seed=0, lessons=busy), (rule,))
    assert not plan.ok
    assert "no 30-minute time in 14:30-16:00 from the end of sync lesson S1 on 2026-09-28" in plan.problems[0][0]


# --- feeds ---------------------------------------------------------------------------------------


def test_this_weeks_progress_and_the_test_day_are_all_day_entries_in_the_right_feeds(tmp_path: Path) -> None:
    import icalendar

    from feeds.allday import day_occurrences
    from feeds.events import feed_id
    from feeds.ical import dtstamp_for, reference_calendar
    from feeds.writer import feed_specs, render_feeds
    from scheduler.pacing.events import pacing_events

    scenario = make_scenario()
    events = pacing_events(scenario, SOLUTION, plan_pacing(scenario, SOLUTION))
    extra = day_occurrences(scenario, events)
    rendered = render_feeds(scenario, SOLUTION, {}, extra)
    calendar = icalendar.Calendar.from_ical(rendered.data[feed_id("class", "A32")])
    mine = [(str(e["SUMMARY"]), e["DTSTART"].dt, e["DTEND"].dt) for e in calendar.walk("VEVENT")
            if str(e["SUMMARY"]).startswith(("本周进度", "【统一测评】"))]
    # Week 2's entry spans its teaching days, Thursday 10-8 to the make-up Saturday 10-10 (DTEND the day after).
    assert mine == [
        ("本周进度：数学 第一单元", date(2026, 9, 28), date(2026, 10, 1)),
        ("本周进度：数学 第一单元、第二单元", date(2026, 10, 8), date(2026, 10, 11)),
        ("本周进度：数学 第二单元、第三单元", date(2026, 10, 12), date(2026, 10, 17)),
        ("【统一测评】三年级 单元测评（数学）", date(2026, 10, 14), date(2026, 10, 15)),
    ]
    week2 = next(e for e in calendar.walk("VEVENT") if e["DTSTART"].dt == date(2026, 10, 8))
    assert "第一单元（第4课时，共4课时）、第二单元（第1课时，共3课时）；本周计划 2 课时，本班可用 2 课时" in str(week2["DESCRIPTION"])
    # The test day is also in the maths teachers', the schools' and the consortium's feeds; the progress is the
    # teacher's own.
    test_uid = next(o.uid for o in extra if o.text.summary.startswith("【统一测评】"))
    test = next(o for o in extra if o.uid == test_uid)
    assert set(test.feeds) >= {feed_id("teacher", "chen"), feed_id("school", "yixiao"), feed_id("consortium", "C1"),
                               feed_id("class", "B32")}
    assert feed_id("teacher", "zhang") not in test.feeds
    # The fast renderer writes the all-day entries exactly as icalendar does.
    stamp = dtstamp_for(scenario.term.start)
    from feeds.events import term_occurrences

    everything = sorted([*term_occurrences(scenario, SOLUTION), *extra], key=lambda o: (o.start, o.end, o.uid))
    for spec in feed_specs(scenario):
        members = [(o, rendered.state[o.uid].sequence) for o in everything if spec.id in o.feeds]
        assert rendered.data[spec.id] == reference_calendar(spec.name, spec.description, members, stamp), spec.name
