"""Determinism and objective recomputation of whole solves."""

from __future__ import annotations

from scheduler.timetable.solve import solve_scenario
from models.solution import solution_json
from models import SchoolClass, Teacher
from test_solver_scenarios import school, tiny_scenario


def two_independent_schools():
    """Two schools sharing no teacher: two parts, solved in two processes."""
    base = tiny_scenario()
    other_classes = tuple(SchoolClass(id=f"乙校-4-{n}", school="乙校", grade=4, section=n) for n in (1, 2, 3))
    other_teachers = tuple(Teacher(id=f"乙{t.id}", name=t.name + "乙", school="乙校", subjects=t.subjects)
                           for t in base.teachers)
    return base.model_copy(update={"schools": base.schools + (school("乙校"),),
                                   "classes": base.classes + other_classes,
                                   "teachers": base.teachers + other_teachers})


def test_same_seed_gives_byte_identical_solution_json() -> None:
    scenario = two_independent_schools()
    first = solve_scenario(scenario, time_limit=120, effort=2, seed=3, workers=2)
    second = solve_scenario(scenario, time_limit=120, effort=2, seed=3, workers=2)
    assert first.status in ("optimal", "feasible")
    assert [p.schools for p in first.parts] == [("乙校",), ("甲校",)]
    assert solution_json(first.solution).encode() == solution_json(second.solution).encode()


def test_objective_recomputed_in_python_matches_the_solver() -> None:
    scenario = tiny_scenario()
    # Make soft terms bite: a teacher avoids mornings and prefers Mondays.
    from models import SlotRange, Weekday
    picky = scenario.teachers[1].model_copy(update={"avoided": (SlotRange(day=Weekday.TUE),),
                                                    "preferred": (SlotRange(day=Weekday.MON, first=5, last=6),)})
    scenario = scenario.model_copy(update={"teachers": (scenario.teachers[0], picky, scenario.teachers[2])})
    result = solve_scenario(scenario, time_limit=10, workers=1)
    assert result.status in ("optimal", "feasible")
    assert result.objective is not None and result.objective > 0
    assert result.recompute_objective(scenario) == round(result.objective)
