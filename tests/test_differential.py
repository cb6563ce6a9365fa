"""Solver against ``tongbu verify`` on generated consortia (bench/fuzz.py): they must always agree.

Hypothesis draws small consortia (2–4 schools, differing and seasonal bells, partial-overlap sync and
remote lessons, shared teachers with travel, unavailable times, rooms, research blocks):

* planted ones have a timetable by construction (the planted one, which ``verify`` accepts): the solver
  must publish one, and ``verify`` must accept it as read back from solution.json;
* perturbed ones (one requirement tightened) may have none: a published timetable must verify, and
  "impossible" must be explained, and stay impossible with a four times larger budget and another seed.

``derandomize`` keeps CI reproducible; ``bench/bench_fuzz.py`` runs the same properties on many more
seeded cases.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.fuzz import perturbed_scenario, planted_scenario
from constraints.checks import load_solution, verify
from scheduler.timetable.solve import solve_scenario
from models.solution import solution_json

BUDGET = 6.0  # deterministic seconds per part: far more than these consortia need
CASES = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


class DrawChooser:
    """bench.fuzz's Chooser, drawing from hypothesis so failing cases shrink."""

    def __init__(self, data: st.DataObject) -> None:
        self.data = data

    def integer(self, lo: int, hi: int) -> int:
        return self.data.draw(st.integers(lo, hi))

    def chance(self, percent: int) -> bool:
        return self.data.draw(st.integers(0, 99)) < percent


def published(scenario, tmp_path_factory):
    result = solve_scenario(scenario, time_limit=BUDGET, seed=0, workers=1)
    if result.solution is None:
        return result, None
    path = tmp_path_factory.mktemp("solution") / "solution.json"
    path.write_text(solution_json(result.solution), encoding="utf-8")
    return result, load_solution(path)


@CASES
@given(data=st.data())
def test_planted_consortia_are_solved_and_verify(data, tmp_path_factory) -> None:
    planted = planted_scenario(DrawChooser(data))
    assert verify(planted.scenario, planted.solution) == [], "the generator planted an invalid timetable"
    result, solution = published(planted.scenario, tmp_path_factory)
    assert solution is not None, (result.status, [c.en for c in result.explanation])
    assert [v.en for v in verify(planted.scenario, solution)] == []


@CASES
@given(data=st.data())
def test_perturbed_consortia_verify_or_are_proven_impossible(data, tmp_path_factory) -> None:
    scenario, kind = perturbed_scenario(DrawChooser(data))
    result, solution = published(scenario, tmp_path_factory)
    if solution is not None:
        assert [v.en for v in verify(scenario, solution)] == [], kind
        return
    assert result.status == "infeasible", (kind, result.status)
    assert result.explanation, kind
    again = solve_scenario(scenario, time_limit=4 * BUDGET, seed=1, workers=1)
    assert again.solution is None and again.status == "infeasible", kind
