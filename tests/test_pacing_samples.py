"""The samples' pacing tables (samples/pacing.py) and their debriefs, on a solved timetable.

The committed pacing.csv files are what the module writes; on a timetable solved for one consortium of
each sample, the pace is planned for every grade and subject, verifies independently, and every sync
lesson of the consortium gets its debrief (同步教学研讨), which verifies too (the schools of one consortium
that its sync lessons join are solved, so the test stays short).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from constraints.checks import pacing as pacing_check
from constraints.checks import verify
from models.validation import load_scenario
from models.pacing import pacing_groups
from models.scenario import Scenario
from models.term import teaching_days
from samples.pacing import COUNTIES, pacing_bytes

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
# The consortium of each sample whose sync lessons' schools are solved below.
SOLVED = {"pengshui": "隆鑫希望小学教研共同体", "yangcheng": "阳城三小教学共同体", "zhangping": "实验小学教育联盟"}


@pytest.mark.parametrize("county", sorted(COUNTIES))
def test_committed_pacing_tables_are_current_and_load(county: str) -> None:
    assert (SAMPLES / county / "pacing.csv").read_bytes() == pacing_bytes(county), "stale: run  python -m samples.pacing"
    scenario = load_scenario(SAMPLES / county)
    groups = pacing_groups(scenario)
    subjects = {s for (_, _, s) in groups}
    assert subjects == {"语文", "数学", "英语"}
    # Every consortium paces every grade it teaches in Chinese and maths.
    for consortium in scenario.consortia:
        grades = {c.grade for c in scenario.classes if scenario.school_by_id[c.school].consortium == consortium.id}
        assert {(g, "语文") for g in grades} <= {(g, s) for (c, g, s) in groups if c == consortium.id}


def sync_schools(scenario: Scenario, consortium: str) -> Scenario:
    """The scenario cut to the schools of one consortium that its sync lessons join (teaching and receiving):
    small enough to solve in a test, with every sync lesson of the consortium in it. (A consortium whose
    village schools need an itinerant post based outside the cut cannot be cut so.)"""
    ends = {c for x in scenario.sync_lessons for c in (x.teaching_class, *x.receiving_classes)}
    schools = {scenario.class_by_id[c].school for c in ends
               if scenario.school_by_id[scenario.class_by_id[c].school].consortium == consortium}
    teachers = tuple(t.model_copy(update={"also_schools": tuple(x for x in t.also_schools if x in schools)})
                     for t in scenario.teachers if t.school in schools)
    people = {t.id for t in teachers}
    classes = tuple(c for c in scenario.classes if c.school in schools)
    class_ids = {c.id for c in classes}
    fields = {name: getattr(scenario, name) for name in Scenario.model_fields}
    fields.update(
        consortia=tuple(c for c in scenario.consortia if c.id == consortium),
        schools=tuple(s for s in scenario.schools if s.id in schools), teachers=teachers, classes=classes,
        assignments=tuple(a for a in scenario.assignments if a.class_id in class_ids and a.teacher in people),
        rooms=tuple(r for r in scenario.rooms if r.school in schools),
        sync_lessons=tuple(x for x in scenario.sync_lessons if x.teaching_class in class_ids),
        research_blocks=tuple(b.model_copy(update={"teachers": tuple(t for t in b.teachers if t in people)})
                              for b in scenario.research_blocks if b.consortium == consortium),
        itinerant_posts=tuple(p.model_copy(update={"teachers": tuple(t for t in p.teachers if t in people),
                                                   "schools": tuple(x for x in p.schools if x in schools)})
                              for p in scenario.itinerant_posts if p.base in schools),
        pacing=tuple(r for r in scenario.pacing if r.consortium in (None, consortium)))
    return Scenario(**fields)


@pytest.mark.slow
@pytest.mark.parametrize("county", sorted(COUNTIES))
def test_a_solved_sample_consortium_keeps_its_pace_and_debriefs_every_sync_lesson(county: str) -> None:
    from scheduler.activities import check_activities, load_activity_rules, plan_activities
    from scheduler.pacing import plan_pacing
    from scheduler.timetable.solve import solve_scenario

    scenario = sync_schools(load_scenario(SAMPLES / county), SOLVED[county])
    # Effort, not the clock: a loaded machine must not turn the test into a time-out.
    result = solve_scenario(scenario, effort=8, time_limit=600, seed=0, workers=2)
    solution = result.solution
    assert solution is not None and verify(scenario, solution) == [], (result.status, result.explanation[:3])
    plan = plan_pacing(scenario, solution)
    assert plan.ok, [g.problems for g in plan.groups if g.problems]
    assert len(plan.groups) == len(pacing_groups(scenario)) > 0
    assert pacing_check.check(scenario, solution, plan) == []
    rules = tuple(r for r in load_activity_rules(SAMPLES / county) if r.consortium == SOLVED[county]
                  and r.kind == "debrief")
    activities = plan_activities(scenario, solution, rules)
    assert activities.ok, activities.problems
    # A debrief after each meeting of each sync lesson: its weekly occurrences on every teaching day of the
    # term that follows their weekday (holidays and assessment days have none, make-up days do).
    days = teaching_days(scenario)
    meetings = sum(1 for x in solution.lessons if x.sync and x.sync_role == "teaching"
                   for d in days if d.follows == x.day)
    assert meetings >= 18 * len(scenario.sync_lessons)
    assert len(activities.activities) == meetings
    assert check_activities(scenario, solution, activities) == []
