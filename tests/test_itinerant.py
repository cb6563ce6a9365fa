"""Itinerant teachers (issue 4): assignment, uncovered demand with a fix, travel-feasible routes, the check."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import constraints
from constraints.checks import CHECKS, verify
from constraints.checks import itinerant as itinerant_check
from models import LessonPlacement, Solution, Weekday
from models.files import write_scenario
from models.validation import validate_folder
from scheduler.itinerant.assign import plan_itinerant, uncovered_text
from scheduler.itinerant.baseline import greedy_plan
from scheduler.itinerant.routes import summarize, travel_legs, write_routes
from scheduler.timetable.solve import solve_scenario
from tests.itinerant_builders import VILLAGES, itinerant_county

ITINERANT = ("走教1", "走教2", "县走教")


@pytest.fixture(scope="module")
def solved():
    scenario = itinerant_county()
    result = solve_scenario(scenario, time_limit=5, workers=1)
    assert result.status in ("optimal", "feasible"), [c.en for c in result.explanation]
    return scenario, result.solution


def test_families_registered():
    assert "itinerant" in [f.name for f in constraints.HARD]
    assert itinerant_check in CHECKS


def test_plan_covers_all_demand_and_beats_baseline():
    scenario = itinerant_county()
    plan, baseline = plan_itinerant(scenario), greedy_plan(scenario)
    assert plan.covered == plan.demand == 12 and not plan.uncovered
    assert plan.status == "optimal" and plan.gap == 0.0
    assert plan.total_travel <= baseline.total_travel
    assert plan.largest_travel <= baseline.largest_travel
    # Every unit goes to a teacher whose post serves its school and within the weekly limits.
    for (class_id, _subject), teacher in plan.taken.items():
        assert scenario.class_by_id[class_id].school in itinerant_check.served_schools(scenario, teacher)
    assert all(minutes <= 400 for minutes in plan.travel.values())


def test_plan_is_deterministic():
    first, second = plan_itinerant(itinerant_county()), plan_itinerant(itinerant_county())
    assert first.taken == second.taken and first.days_at == second.days_at


def test_uncovered_demand_is_named_with_the_cheapest_fix():
    scenario = itinerant_county(music_teachers=1, max_weekly=4)
    plan = plan_itinerant(scenario)
    assert plan.demand - plan.covered == 4
    en, zh = uncovered_text(scenario, plan)
    assert "4 of 12 periods that need an itinerant teacher stay uncovered: 丙村小学 音乐 3(1)、4(1) (4 periods)" in en
    assert "one more 音乐 teacher based at 中心校 would cover 4 uncovered periods at 1 school" in en
    assert "在中心校再设一名音乐走教教师，可覆盖 1 所学校的 4 节未覆盖课时" in zh
    result = solve_scenario(scenario, time_limit=2, workers=1)
    assert result.status == "infeasible" and result.solution is None
    assert [c.kind for c in result.explanation] == ["assignment"]
    assert "丙村小学" in result.explanation[0].en and "one more 音乐 teacher" in result.explanation[0].en


def test_solved_routes_verify_and_keep_the_plan(solved):
    scenario, solution = solved
    assert verify(scenario, solution) == []
    plan = plan_itinerant(scenario)
    taught = {(x.class_id, x.subject): x.teacher for x in solution.lessons if x.teacher in ITINERANT}
    assert taught == plan.taken
    legs = travel_legs(scenario, solution)
    for teacher, mine in legs.items():
        for leg in mine:
            assert leg.minutes == scenario.travel_minutes(leg.origin, leg.destination) > 0
            assert leg.arrive - leg.depart == leg.minutes
        # The timetable keeps the planned days at each school, so the routes drive no more than planned.
        days = {(x.day, x.school) for x in solution.lessons if x.teacher == teacher}
        for school, planned in plan.days_at[teacher].items():
            assert len({d for d, s in days if s == school}) <= planned
        assert sum(leg.minutes for leg in mine) <= plan.travel[teacher]
    summary = summarize(scenario, solution)
    assert summary.covered == summary.demand == 12


def test_whole_days_and_buffer(solved):
    scenario = itinerant_county(whole_days=True, buffer_minutes=30)
    result = solve_scenario(scenario, time_limit=5, workers=1)
    assert result.status in ("optimal", "feasible")
    assert verify(scenario, result.solution) == []
    for teacher in ITINERANT:
        for day in Weekday:
            schools = {x.school for x in result.solution.lessons if x.teacher == teacher and x.day == day}
            assert len(schools) <= 1


def _lesson(class_id: str, school: str, day: Weekday, period: int, teacher: str = "走教1") -> LessonPlacement:
    return LessonPlacement(key=f"{class_id}:音乐:{period}", class_id=class_id, school=school, subject="音乐",
                           teacher=teacher, day=day, period=period)


def test_verify_catches_a_broken_route(solved):
    scenario, solution = solved
    # 走教1 at 甲村 in period 1 and at 乙村 in period 2 (10 minutes later; the road takes 40 + 10 buffer).
    broken = solution.model_copy(update={"lessons": solution.lessons + (
        _lesson("甲村小学3(1)", "甲村小学", Weekday.SAT, 1), _lesson("乙村小学3(1)", "乙村小学", Weekday.SAT, 2),
        _lesson("丙村小学3(1)", "丙村小学", Weekday.SAT, 5))})
    # The route 中心校 -> 甲 -> 乙 -> 丙 -> 中心校 takes 15 + 40 + 20 + 45 = 120 minutes; allow only 100.
    tight = scenario.model_copy(update={"itinerant_posts": tuple(
        p.model_copy(update={"max_travel_minutes_day": 100}) for p in scenario.itinerant_posts)})
    found = [v for v in verify(tight, broken) if v.rule.startswith("itinerant.")]
    rules = {v.rule for v in found}
    assert {"itinerant.gap", "itinerant.schools_per_day", "itinerant.day_travel"} <= rules
    assert any("route on Sat takes 120 minutes of travel; post 中心音乐 allows 100" in v.en for v in found)
    gap = next(v for v in found if v.rule == "itinerant.gap")
    assert "leaves 甲村小学 at 08:40 and teaches at 乙村小学 at 08:50 on Sat: needs 40 minutes' travel + 10 buffer" in gap.en
    assert "需路上 40 分钟、留 10 分钟" in gap.zh


def test_verify_catches_a_school_the_post_does_not_serve(solved):
    scenario, solution = solved
    broken = Solution(district=solution.district, seed=0, lessons=(
        _lesson("县城小学3(1)", "县城小学", Weekday.MON, 1, teacher="走教2"),))
    found = itinerant_check.check(scenario, broken)
    assert [v.rule for v in found] == ["itinerant.reach"]
    assert "does not serve" in found[0].en


def test_route_outputs_are_deterministic(solved, tmp_path: Path):
    scenario, solution = solved
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir(), second.mkdir()
    names = [p.name for p in write_routes(scenario, solution, first)]
    write_routes(scenario, solution, second)
    assert names == ["itinerant_routes.csv", "itinerant_teachers.csv", "itinerant_summary.csv", "itinerant_routes.xlsx"]
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes()
    text = (first / "itinerant_routes.csv").read_bytes()
    assert text.startswith(b"\xef\xbb\xbf") and "路程".encode() in text


def test_validation_names_bad_post_references(tmp_path: Path):
    write_scenario(itinerant_county(), tmp_path)
    config = yaml.safe_load((tmp_path / "scenario.yaml").read_text(encoding="utf-8"))
    config["itinerant_posts"][0]["base"] = "无此校"
    config["itinerant_posts"][1]["teachers"] = ["走教1", "中心校-语文"]
    (tmp_path / "scenario.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    _scenario, problems = validate_folder(tmp_path)
    messages = [(p.file, p.column, p.code) for p in problems]
    assert ("scenario.yaml", "itinerant_posts[1].base", "unknown_ref") in messages
    assert ("scenario.yaml", "itinerant_posts[2].teachers", "itinerant_teacher_twice") in messages
    assert ("scenario.yaml", "itinerant_posts[2].teachers", "teacher_cannot_teach") in messages
    assert all(p.row is not None for p in problems if p.column and p.column.startswith("itinerant_posts"))


def test_villages_have_no_own_music_teacher():
    scenario = itinerant_county()
    assert not any("音乐" in t.subjects and t.school in VILLAGES for t in scenario.teachers)


def test_published_outputs_have_routes_and_travel_in_the_teachers_feed(solved, tmp_path: Path):
    from scheduler.publish import publish_solution
    from scheduler.timetable.solve import SolveResult

    scenario, solution = solved
    out = tmp_path / "out"
    result = SolveResult(status="optimal", solution=solution, parts=())
    assert publish_solution(scenario, result, tmp_path, out) == []
    assert (out / "itinerant_routes.xlsx").is_file() and (out / "itinerant_summary.csv").is_file()
    manifest = (out / "feeds" / "manifest.json").read_text(encoding="utf-8")
    from feeds.events import feed_id

    feed = out / "feeds" / f"{feed_id('teacher', '走教1')}.ics"
    assert feed.name in manifest
    text = feed.read_text(encoding="utf-8")
    assert "走教：中心校 → 乙村小学" in text or "走教：中心校 → 甲村小学" in text
