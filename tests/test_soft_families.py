"""One test per soft family (constraints/__init__.py SOFT), with penalties worked out by hand.

For each family two things are checked against a number written here, not computed by tongbu:

* the independent recount, ``constraints.checks.quality.penalties``, of a hand-made solution;
* the solver: a tiny scenario whose least penalty for the family is forced by availability (and the
  hard once-a-day rule), so the solver's reported penalty (``SolveResult.penalties``) must equal the
  number, and the recount of the solver's timetable must agree.

Every other soft weight is 0 in the solver scenarios, so the family under test is the whole objective.
Bells are tiny_scenario's: periods 1-4 in the morning, 5-6 in the afternoon, Monday to Friday; the
first period after lunch is 5. The pe_slots family reports under its two rules' names (pe_not_first,
pe_not_after_lunch) on both sides.
"""

from __future__ import annotations

from datetime import date

import pytest

from constraints.checks import verify
from constraints.checks.quality import penalties
from models import CurriculumEntry, LessonPlacement, Scenario, SlotRange, Solution, Teacher, Weekday
from models.enums import Stage
from models.explicit import ExplicitActivity, ExplicitTimetable, StudentSet, TimeRule
from models.preferences import SoftWeights
from scheduler.timetable.solve import SolveResult, solve_scenario
from test_fet import _scenario as explicit_scenario
from test_solver_scenarios import TINY_QUALITY, tiny_scenario

MON, TUE, WED, THU, FRI = Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI
WEEK = (MON, TUE, WED, THU, FRI)
A, B = "甲校-4-1", "甲校-4-2"
ZERO = SoftWeights(core_in_morning=0, spread=0, teacher_gaps=0, daily_balance=0, teacher_times=0)


# -- builders ---------------------------------------------------------------------------------------------
def lesson(class_id: str, subject: str, day: Weekday, period: int, length: int = 1, *,
           teacher: str | None = None, number: int = 1, sync_role: str | None = None) -> LessonPlacement:
    return LessonPlacement(key=f"{class_id}:{subject}:{day.value}{period}:{number}", class_id=class_id, school="甲校",
                           subject=subject, teacher=teacher or f"t{subject}", day=day, period=period, length=length,
                           sync="S" if sync_role else None, sync_role=sync_role)


def solution(*lessons: LessonPlacement) -> Solution:
    return Solution(district="测试县", seed=0, lessons=lessons)


def teacher(subject: str, **fields: object) -> Teacher:
    return Teacher(id=f"t{subject}", name=f"{subject}老师", school="甲校", subjects=(subject,), **fields)


def periods_off(days: tuple[Weekday, ...], *ranges: tuple[int, int]) -> tuple[SlotRange, ...]:
    """Unavailable (or avoided) ``first..last`` ranges on each of ``days``."""
    return tuple(SlotRange(day=d, first=a, last=b) for d in days for a, b in ranges)


def whole_days(*days: Weekday) -> tuple[SlotRange, ...]:
    return tuple(SlotRange(day=d) for d in days)


def one_class(curriculum: dict[str, int], teachers: tuple[Teacher, ...], **update: object) -> Scenario:
    """Class 甲校-4-1 alone, single periods only (no doubles), every soft weight 0 unless ``update`` sets it."""
    base = tiny_scenario()
    return tiny_scenario(**{
        "classes": base.classes[:1], "teachers": teachers, "weights": ZERO, "quality": TINY_QUALITY,
        "curriculum": tuple(CurriculumEntry(stage=Stage.PRIMARY, grade=4, subject=s, periods=n)
                            for s, n in curriculum.items()),
        **update})


def solve(scenario: Scenario) -> SolveResult:
    result = solve_scenario(scenario, time_limit=60, effort=5, workers=1)
    assert result.solution is not None, result.explanation
    assert verify(scenario, result.solution) == []
    return result


def assert_solver_penalty(scenario: Scenario, family: str, least: int) -> None:
    """The solver reaches the hand-worked least penalty, says so, and the recount of its timetable agrees."""
    result = solve(scenario)
    # The status is "feasible" here: the search (LNS) does not prove optimality, and the counting lower bound
    # of these families is 0, so reaching the least penalty is what is checked.
    assert result.penalties()[family] == least
    assert penalties(scenario, result.solution)[family] == least
    assert result.objective == least  # every other weight is 0


# -- class_day (soft form: quality.class_day is a weight) ----------------------------------------------
def test_class_day_recount_of_a_hand_made_week() -> None:
    scenario = tiny_scenario(quality=TINY_QUALITY.model_copy(update={"class_day": 4}))
    hand = solution(
        lesson(A, "语文", MON, 1), lesson(A, "数学", MON, 2), lesson(A, "音乐", MON, 4),  # hole at 3: 1 step
        lesson(A, "语文", TUE, 2), lesson(A, "数学", TUE, 3),  # late start: 1 step
        lesson(A, "语文", WED, 1), lesson(A, "数学", WED, 6),  # 2-5 free, then 6: 1 step
        lesson(A, "语文", THU, 3, 2), lesson(A, "数学", THU, 6),  # late start at 3, hole at 5: 2 steps
        lesson(A, "语文", FRI, 1), lesson(A, "数学", FRI, 2),  # 0
        *(lesson(B, "语文", MON, p, number=p) for p in range(1, 7)),  # a full day: 0; B's other days empty: 0
    )
    assert penalties(scenario, hand)["class_day"] == 5 * 4


def test_class_day_solver_pays_one_step_a_day_when_maths_can_only_be_third() -> None:
    # 数学 5 and 语文 5, each once a day; 数学's teacher is free only in period 3. A day of two lessons with
    # one in period 3 always has a free period before a taught one: 5 steps at least.
    third_only = periods_off(WEEK, (1, 2), (4, 6))
    scenario = one_class({"语文": 5, "数学": 5}, (teacher("语文"), teacher("数学", unavailable=third_only)),
                         quality=TINY_QUALITY.model_copy(update={"class_day": 4}))
    assert_solver_penalty(scenario, "class_day", 5 * 4)


# -- pe_slots (quality.pe_not_first / pe_not_after_lunch as weights) ----------------------------------
PE_WEIGHTS = TINY_QUALITY.model_copy(update={"pe_not_first": 5, "pe_not_after_lunch": 3})


def test_pe_slots_recount_of_a_hand_made_week() -> None:
    scenario = tiny_scenario(quality=PE_WEIGHTS, teachers=tiny_scenario().teachers + (teacher("体育"),))
    hand = solution(
        lesson(A, "体育", MON, 1),  # first period
        lesson(A, "体育", TUE, 5),  # first after lunch
        lesson(A, "体育", WED, 3),  # neither
        lesson(A, "体育", THU, 4, 2),  # a double over lunch covers period 5
        lesson(B, "体育", FRI, 1), lesson(B, "体育", WED, 1),  # first period, twice
        lesson(B, "数学", MON, 1), lesson(B, "数学", TUE, 5),  # not PE
    )
    found = penalties(scenario, hand)
    assert (found["pe_not_first"], found["pe_not_after_lunch"]) == (3 * 5, 2 * 3)


def test_pe_slots_solver_prefers_the_cheaper_rule() -> None:
    # 体育 3, its teacher free only in periods 1 and 5: every lesson breaks one rule; after lunch costs 3 < 5.
    scenario = one_class({"体育": 3, "数学": 2}, (teacher("体育", unavailable=periods_off(WEEK, (2, 4), (6, 6))),
                                                teacher("数学")), quality=PE_WEIGHTS)
    result = solve(scenario)
    assert result.penalties()["pe_not_after_lunch"] == 3 * 3
    assert "pe_not_first" not in result.penalties()  # penalties lists only the families that cost something
    found = penalties(scenario, result.solution)
    assert (found["pe_not_first"], found["pe_not_after_lunch"]) == (0, 3 * 3)
    assert result.objective == 9


# -- core_morning ---------------------------------------------------------------------------------------
def test_core_morning_recount_of_a_hand_made_week() -> None:
    scenario = tiny_scenario(weights=ZERO.model_copy(update={"core_in_morning": 10}))
    hand = solution(
        lesson(A, "语文", MON, 5),  # 1 afternoon period
        lesson(A, "数学", TUE, 4, 2),  # periods 4 (morning) and 5 (afternoon): 1
        lesson(A, "音乐", WED, 6),  # not core: 0
        lesson(A, "语文", THU, 1),  # morning: 0
        lesson(A, "语文", FRI, 5, 2),  # 2
        lesson(B, "数学", MON, 6),  # 1
    )
    assert penalties(scenario, hand)["core_morning"] == 5 * 10


def test_core_morning_solver_when_chinese_mornings_are_taken() -> None:
    # 语文 4 (once a day); its teacher is unavailable Tuesday-Friday mornings: one 语文 on Monday morning,
    # three in the afternoon. 数学 fits in the mornings.
    scenario = one_class({"语文": 4, "数学": 4, "音乐": 2},
                         (teacher("语文", unavailable=periods_off((TUE, WED, THU, FRI), (1, 4))), teacher("数学"),
                          teacher("音乐")), weights=ZERO.model_copy(update={"core_in_morning": 10}))
    assert_solver_penalty(scenario, "core_morning", 3 * 10)


# -- spread -----------------------------------------------------------------------------------------------
def test_spread_recount_of_a_hand_made_week() -> None:
    scenario = tiny_scenario(weights=ZERO.model_copy(update={"spread": 2}))
    hand = solution(
        lesson(A, "音乐", MON, 1), lesson(A, "音乐", TUE, 1),  # 2 lessons, Mon-Tue: 1 pair
        lesson(A, "数学", MON, 2), lesson(A, "数学", TUE, 2), lesson(A, "数学", WED, 2),  # 3 lessons: 2 pairs
        *(lesson(A, "语文", d, 3) for d in (MON, TUE, WED, THU)),  # 4 lessons > ceil(5 / 2): not counted
        lesson(B, "音乐", MON, 1), lesson(B, "音乐", WED, 1),  # not adjacent: 0
        lesson(B, "数学", THU, 1, 2), lesson(B, "数学", FRI, 3),  # a double counts once: 2 lessons, 1 pair
        lesson(B, "语文", MON, 2),  # 1 lesson: not counted
    )
    assert penalties(scenario, hand)["spread"] == 4 * 2


def test_spread_solver_with_music_on_two_days_and_maths_on_four() -> None:
    # 音乐 2 with its teacher there Monday and Tuesday only: 1 adjacent pair. 数学 3, teacher away on Fridays:
    # 3 of Monday-Thursday always include two adjacent days: 1 pair. 语文 4 is above ceil(5/2): not counted.
    scenario = one_class({"语文": 4, "数学": 3, "音乐": 2},
                         (teacher("语文"), teacher("数学", unavailable=whole_days(FRI)),
                          teacher("音乐", unavailable=whole_days(WED, THU, FRI))),
                         weights=ZERO.model_copy(update={"spread": 2}))
    assert_solver_penalty(scenario, "spread", 2 * 2)


# -- teacher_gaps -------------------------------------------------------------------------------------------
def test_teacher_gaps_recount_of_a_hand_made_week() -> None:
    scenario = tiny_scenario(weights=ZERO.model_copy(update={"teacher_gaps": 3}))
    hand = solution(
        lesson(A, "数学", MON, 1), lesson(B, "数学", MON, 4),  # t数学 idle at 2, 3: 2
        lesson(A, "数学", TUE, 2), lesson(B, "数学", TUE, 3),  # 0
        lesson(A, "数学", WED, 1, 2), lesson(B, "数学", WED, 5),  # idle at 3, 4: 2
        lesson(A, "语文", THU, 1), lesson(B, "语文", THU, 6),  # t语文 idle at 2-5: 4
        lesson(A, "音乐", FRI, 1, sync_role="teaching"),
        lesson(B, "音乐", FRI, 3, sync_role="receiving"),  # the receiving end is not the teacher's own lesson: 0
    )
    assert penalties(scenario, hand)["teacher_gaps"] == 8 * 3


def test_teacher_gaps_solver_when_maths_is_first_or_last() -> None:
    # 数学 4 in each of two classes; its teacher teaches only in periods 1 and 6. Eight lessons in five days
    # of at most two: three days with both, 4 idle periods each.
    base = tiny_scenario()
    scenario = tiny_scenario(weights=ZERO.model_copy(update={"teacher_gaps": 3}),
                             curriculum=(CurriculumEntry(stage=Stage.PRIMARY, grade=4, subject="数学", periods=4),),
                             teachers=(teacher("数学", unavailable=periods_off(WEEK, (2, 5))),), classes=base.classes)
    assert_solver_penalty(scenario, "teacher_gaps", 3 * 4 * 3)


# -- daily_balance ------------------------------------------------------------------------------------------
def test_daily_balance_recount_of_a_hand_made_week() -> None:
    scenario = tiny_scenario(weights=ZERO.model_copy(update={"daily_balance": 2}))
    loads = {MON: 5, TUE: 3, WED: 2, THU: 1, FRI: 0}  # 11 periods: band 2..3; off by 2, 0, 0, 1, 2
    a = [lesson(A, "语文", d, p, number=p) for d, n in loads.items() for p in range(1, n + 1)]
    b = [lesson(B, "语文", MON, 1, 2)] + [lesson(B, "数学", d, p, number=p) for d in WEEK[1:] for p in (1, 2)]
    assert penalties(scenario, solution(*a, *b))["daily_balance"] == 5 * 2  # B: 2 periods every day, 0


def test_daily_balance_solver_when_nobody_teaches_on_thursday_and_friday() -> None:
    # 8 periods, band 1..2 a day. Thursday and Friday empty: 1 + 1. Monday-Wednesday hold 8 periods with at
    # most 2 each unpenalised: 2 more. Least: 4.
    away = whole_days(THU, FRI)
    scenario = one_class({"语文": 3, "数学": 3, "音乐": 2},
                         tuple(teacher(s, unavailable=away) for s in ("语文", "数学", "音乐")),
                         weights=ZERO.model_copy(update={"daily_balance": 2}))
    assert_solver_penalty(scenario, "daily_balance", 4 * 2)


# -- teacher_times ------------------------------------------------------------------------------------------
def test_teacher_times_recount_of_a_hand_made_week() -> None:
    scenario = tiny_scenario(weights=ZERO.model_copy(update={"teacher_times": 2}), teachers=(
        teacher("语文", avoided=periods_off((WED,), (3, 4)), preferred=whole_days(WED)),
        teacher("数学", avoided=periods_off((MON,), (1, 2))),
        teacher("音乐", preferred=whole_days(FRI))))
    hand = solution(
        lesson(A, "数学", MON, 1), lesson(B, "数学", MON, 2),  # both avoided: 2
        lesson(A, "数学", TUE, 1),  # 0
        lesson(A, "音乐", FRI, 1),  # preferred: 0
        lesson(B, "音乐", THU, 3),  # outside preferred: 1
        lesson(A, "音乐", THU, 4, sync_role="teaching"),  # outside preferred: 1
        lesson(B, "音乐", THU, 4, sync_role="receiving"),  # not the teacher's own lesson: 0
        lesson(A, "语文", WED, 3, 2),  # avoided in both periods, inside preferred: 2
        lesson(B, "语文", MON, 6),  # outside preferred: 1
    )
    assert penalties(scenario, hand)["teacher_times"] == 7 * 2


def test_teacher_times_solver_with_wishes_that_cannot_all_hold() -> None:
    # 数学 4 (once a day), teacher prefers Monday-Wednesday: 1 outside. 音乐 2, teacher avoids Monday-Thursday:
    # 1 inside. Least: 2.
    scenario = one_class({"数学": 4, "音乐": 2},
                         (teacher("数学", preferred=whole_days(MON, TUE, WED)),
                          teacher("音乐", avoided=whole_days(MON, TUE, WED, THU))),
                         weights=ZERO.model_copy(update={"teacher_times": 2}))
    assert_solver_penalty(scenario, "teacher_times", 2 * 2)


# -- rules (the FET rule catalogue's weighted rules, on an imported scenario) ---------------------------
def _explicit(*rules: TimeRule) -> Scenario:
    """Two days of three hours; activities 1 (Maths, Y) and 3 (Music, G2) taught by T, 2 (Art, G1, 2 hours) by U."""
    tt = ExplicitTimetable(
        days=("Mon", "Tue"), hours=("1", "2", "3"), teachers=("T", "U"),
        student_sets=(StudentSet(id="Y", kind="year"), StudentSet(id="G1", kind="group", within=("Y",)),
                      StudentSet(id="G2", kind="group", within=("Y",))),
        activities=(ExplicitActivity(id=1, subject="Maths", teachers=("T",), students=("Y",)),
                    ExplicitActivity(id=2, subject="Art", teachers=("U",), students=("G1",), duration=2),
                    ExplicitActivity(id=3, subject="Music", teachers=("T",), students=("G2",))),
        rules=rules)
    return explicit_scenario(tt)


SOFT_RULE = TimeRule(kind="MinDaysBetweenActivities", weight=80, activities=(1, 3), value=1)
ONE_DAY = TimeRule(kind="TeacherMaxDaysPerWeek", teacher="T", value=1)


def _placed(ident: int, students: str, day: Weekday, period: int, length: int = 1) -> LessonPlacement:
    return LessonPlacement(key=f"A{ident}", class_id=students, school="school", subject="x", teacher="",
                           day=day, period=period, length=length)


def test_rules_solver_breaks_the_soft_rule_the_hard_one_forces() -> None:
    # T may teach on one day only, so activities 1 and 3 share a day and "at least 1 day apart" (weight 80)
    # is broken once: the least objective is 80.
    scenario = _explicit(SOFT_RULE, ONE_DAY)
    result = solve(scenario)
    days = {x.key: x.day for x in result.solution.lessons}
    assert days["A1"] == days["A3"]
    assert result.objective == 80
    assert sum(result.penalties().values()) == 80


def test_rules_recount_of_a_hand_made_timetable() -> None:
    scenario = _explicit(SOFT_RULE)
    hand = solution(_placed(1, "Y", MON, 1), _placed(3, "G2", MON, 3), _placed(2, "G1", TUE, 2, 2))
    assert penalties(scenario, hand)["rules"] == 80  # 1 and 3 on the same day: the rule broken once
    apart = solution(_placed(1, "Y", MON, 1), _placed(3, "G2", TUE, 1), _placed(2, "G1", TUE, 2, 2))
    assert penalties(scenario, apart)["rules"] == 0


def test_rules_solver_reports_the_penalty_under_its_family() -> None:
    result = solve(_explicit(SOFT_RULE, ONE_DAY))
    assert result.penalties() == {"rules": 80}


def test_rules_soft_rule_kept_when_nothing_forces_it() -> None:
    result = solve(_explicit(SOFT_RULE))
    days = {x.key: x.day for x in result.solution.lessons}
    assert days["A1"] != days["A3"]
    assert result.objective == 0


def test_every_soft_family_has_a_test_here() -> None:
    """A family added to SOFT without a test here fails this, so the file stays one test per family."""
    from constraints import SOFT

    tested = {name.removeprefix("test_").split("_recount")[0].split("_solver")[0]
              for name in globals() if name.startswith("test_") and ("_recount" in name or "_solver" in name)}
    assert {f.name for f in SOFT} <= tested, sorted({f.name for f in SOFT} - tested)


def test_tiny_scenario_dates_are_the_autumn_term() -> None:
    # The builders above assume tiny_scenario's Monday-Friday week and its term; a change there shows here.
    scenario = tiny_scenario()
    assert scenario.term.start == date(2026, 9, 1)
    assert [d for d in scenario.bell_schedules[0].days] == list(WEEK)
    assert [p.is_morning for p in scenario.bell_schedules[0].periods] == [True] * 4 + [False] * 2


def test_fet_rooms_recount_a_broken_weighted_room_rule() -> None:
    """Art prefers L2 or Hall at 80 % (tests/fixtures/fet_rooms.fet): one Art activity in no room costs 80."""
    from pathlib import Path

    from constraints.checks.fet_rooms import penalties
    from models import LessonPlacement, Solution, Weekday
    from models.fet import read_fet

    scenario = read_fet(Path(__file__).parent / "fixtures" / "fet_rooms.fet")

    def lesson(ident: int, day: int, period: int, room: str | None, length: int = 1) -> LessonPlacement:
        return LessonPlacement(key=f"A{ident}", class_id="-", school="school", subject="x", teacher="",
                               day=Weekday.of_index(day), fet_day=day, period=period, length=length, room=room)

    kept = (lesson(1, 0, 1, "L1"), lesson(2, 1, 1, "L2", 2), lesson(3, 0, 1, "Hall"), lesson(4, 1, 1, "Hall"),
            lesson(5, 0, 2, "L2"))
    assert penalties(scenario, Solution(district="x", seed=0, lessons=kept)) == {"fet_rooms": 0}
    broken = kept[:4] + (lesson(5, 0, 2, None),)
    assert penalties(scenario, Solution(district="x", seed=0, lessons=broken)) == {"fet_rooms": 80}
