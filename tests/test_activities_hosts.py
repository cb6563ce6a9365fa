"""Who takes turns hosting a demonstration lesson: only schools that teach a lesson of its subject and grades.

Consortium A's village school a3 has grade 3 only here, and A's demonstration lessons are grade-4 maths, so
a3 can never host one. Its rotation is a1 and a2: over two school years (autumn, spring, the next autumn,
each continuing the rotation state, as bench/bench_activities.py plans the samples) every term plans and
the independent checker finds nothing; the checker reports a demonstration lesson put at a3 all the same.
"""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest

from models.rotation import Rotation
from scheduler.activities import check_activities, plan_activities
from test_activities_support import AUTUMN_2026, AUTUMN_2027, SPRING_2027, rules, scenario, solution

LIMIT = 5
GRADE_3_VILLAGE = {"a3": 3}


def _plan_terms(terms, grade_of_per_term):
    plans, state = [], None
    for term, grade_of in zip(terms, grade_of_per_term):
        s = scenario(term, grade_of)
        sol = solution(s)
        plan = plan_activities(s, sol, rules(), state=state, time_limit=LIMIT)
        plans.append((s, sol, plan))
        state = plan.state_after
    return plans


@pytest.fixture(scope="module")
def two_years():
    terms = (AUTUMN_2026, SPRING_2027, AUTUMN_2027)
    return _plan_terms(terms, [GRADE_3_VILLAGE] * len(terms))


def _hosts(plans, rule: str) -> list[str]:
    return [a.host for _, _, plan in plans
            for a in sorted((a for a in plan.activities if a.rule == rule), key=lambda a: (a.date, a.start))]


def test_two_school_years_plan_and_verify_without_the_grades_at_one_school(two_years):
    for s, sol, plan in two_years:
        assert plan.ok, plan.problems
        assert check_activities(s, sol, plan) == [], plan.term


def test_a_school_without_the_grades_never_hosts_and_the_others_share_the_turns(two_years):
    hosts = _hosts(two_years, "A-demo")
    assert len(hosts) == 6 and "a3" not in hosts
    for year in (two_years[:2], two_years[2:]):
        counts = Counter(_hosts(year, "A-demo"))
        assert abs(counts["a1"] - counts["a2"]) <= 1, counts
    # Rounds of two: nobody hosts twice before the other has hosted.
    assert all(sorted(hosts[i:i + 2]) == ["a1", "a2"] for i in range(0, len(hosts), 2)), hosts
    # Consortium B, all of grade 4, still rotates over its three schools.
    assert set(_hosts(two_years, "B-demo")) == {"b1", "b2", "b3"}
    # a3 still hosts the rules not tied to a lesson.
    assert "a3" in _hosts(two_years, "A-exchange")


def test_checker_reports_a_demonstration_lesson_at_a_school_without_the_grades(two_years):
    s, sol, plan = two_years[0]
    demo = next(a for a in plan.activities if a.rule == "A-demo")
    weekday = next(lesson.day for lesson in sol.lessons if lesson.key == demo.lesson_key)
    theirs = next(lesson for lesson in sol.lessons if lesson.school == "a3" and lesson.subject == "数学"
                  and lesson.day == weekday)
    moved = dataclasses.replace(demo, host="a3", teacher=theirs.teacher, class_id=theirs.class_id, lesson_key=theirs.key)
    bad = dataclasses.replace(plan, activities=tuple(moved if a is demo else a for a in plan.activities))
    found = check_activities(s, sol, bad)
    texts = " | ".join(v.en for v in found)
    assert f"the demonstration lesson is for class {theirs.class_id} of grade 3, not of grades 4-4" in texts
    assert "rule A-demo host rotation: a3 is not in the rotation" in texts
    assert all(v.zh for v in found)


def test_checker_reports_a_demonstration_lesson_not_taught_at_its_host(two_years):
    s, sol, plan = two_years[0]
    demo = next(a for a in plan.activities if a.rule == "A-demo")
    other = "a2" if demo.host == "a1" else "a1"
    bad = dataclasses.replace(plan, activities=tuple(dataclasses.replace(a, host=other) if a is demo else a
                                                      for a in plan.activities))
    texts = " | ".join(v.en for v in check_activities(s, sol, bad))
    assert f"the demonstration lesson is not taught by the host {other} itself" in texts


def test_a_round_owing_a_school_that_lost_the_grades_still_plans():
    # Autumn 2026: a3 teaches grade 4; a1 and a2 host the two demonstration lessons, so the round owes a3.
    # From spring 2027 its grade-4 classes are gone (grade 3 only): the rotation goes on over a1 and a2
    # alone instead of waiting for a3 for ever.
    plans = _plan_terms((AUTUMN_2026, SPRING_2027, AUTUMN_2027), [{}, GRADE_3_VILLAGE, GRADE_3_VILLAGE])
    assert plans[1][2].state_before.rotation("A-demo|host").round == {"a1": 1, "a2": 1}
    for s, sol, plan in plans:
        assert plan.ok, plan.problems
        assert check_activities(s, sol, plan) == [], plan.term
    assert "a3" not in _hosts(plans[1:], "A-demo")


def test_a_state_naming_a_school_that_lost_the_grades_as_served_still_plans():
    # The state says a3 and a1 hosted in autumn (a3 still had grade 4 then). In spring a3 is no member: its
    # turns stay in the history and year counts, its place in the round is dropped, so a2 is owed the next
    # turn, and the year bound compares a1 and a2 only.
    autumn = _plan_terms((AUTUMN_2026,), [{}])[0][2]
    state = autumn.state_after.copy()
    state.rotations["A-demo|host"] = Rotation(round={"a3": 1, "a1": 1}, year={"a3": 1, "a1": 1}, total={"a3": 1, "a1": 1},
                                              history=[("2026-10-12", "a3"), ("2026-12-17", "a1")])
    s = scenario(SPRING_2027, GRADE_3_VILLAGE)
    sol = solution(s)
    plan = plan_activities(s, sol, rules(), state=state, time_limit=LIMIT)
    assert plan.ok, plan.problems
    assert check_activities(s, sol, plan) == []
    assert _hosts([(s, sol, plan)], "A-demo")[0] == "a2"
    after = plan.state_after.rotation("A-demo|host")
    assert after.year["a3"] == 1 and [m for _, m in after.history[:2]] == ["a3", "a1"]
