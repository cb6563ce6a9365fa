"""The FET-like construction (scheduler/timetable/construct.py): what it places meets the rules it checks, the
same seed gives the same placement, and a solve of an imported file whose rules it all checks starts from it."""

from __future__ import annotations

import pytest

from constraints.checks import verify
from constraints.index_fet import build_fet_index
from models.explicit import TimeRule
from models.fet import read_fet
from scheduler.timetable.construct import construct
from scheduler.timetable.solve import solve_scenario
from tests.test_fet import EXAMPLES, _scenario, _tiny, needs_examples


def _placed_slots(index, choice):
    """(day, first hour, hours) of each activity's chosen option."""
    found = {}
    for activity, n in zip(index.activities, choice):
        day, period = activity.options[n].start
        found[activity.index] = (day, period, activity.length)
    return found


def test_the_tiny_file_is_placed_whole_without_clashes_and_min_days_kept():
    rules = (TimeRule(kind="MinDaysBetweenActivities", activities=(1, 3), value=1),)
    index = build_fet_index(_scenario(_tiny(rules)))
    built = construct(index, seed=0)
    assert built.complete and built.all_checked and built.left_out == ()
    slots = _placed_slots(index, built.choice)
    cells: dict[tuple, int] = {}
    for activity in index.activities:
        day, period, length = slots[activity.index]
        for resource in [("t", t) for t in activity.teachers] + [("g", g) for g in activity.classes]:
            for hour in range(period, period + length):
                assert (resource, day, hour) not in cells, "two activities share a teacher or group at one hour"
                cells[(resource, day, hour)] = activity.index
    # Activities 1 and 3 (one each of the index's activities) lie on different days.
    position = {member: activity.index for activity in index.activities for member in activity.members}
    assert slots[position[1]][0] != slots[position[3]][0]


def test_a_rule_the_construction_does_not_check_is_said_so():
    rules = (TimeRule(kind="StudentsMaxGapsPerWeek", students="Y", value=0),)
    built = construct(build_fet_index(_scenario(_tiny(rules))), seed=0)
    assert not built.all_checked


def test_the_same_seed_gives_the_same_placement():
    index = build_fet_index(_scenario(_tiny()))
    assert construct(index, seed=3).choice == construct(index, seed=3).choice


@needs_examples
@pytest.mark.parametrize("name", ["Namibia/by-Bobby/set-2/KPS.fet"])
def test_a_file_whose_rules_it_all_checks_is_placed_whole_and_solves_from_it(name):
    scenario = read_fet(EXAMPLES / name)
    index = build_fet_index(scenario)
    first = construct(index, seed=0)
    assert first.complete and first.all_checked
    assert construct(index, seed=0).choice == first.choice
    result = solve_scenario(scenario, time_limit=30, effort=5, workers=1)
    assert result.solution is not None and verify(scenario, result.solution) == []
    again = solve_scenario(scenario, time_limit=30, effort=5, workers=1)
    assert again.solution is not None and again.solution.lessons == result.solution.lessons

