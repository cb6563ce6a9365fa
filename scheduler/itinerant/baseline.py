"""The greedy nearest-school baseline (for the benchmark only; ``solve`` never uses it).

Units are taken school by school (school id, then class id); each goes to the teacher whose base
is nearest to its school among those who can still take it within every weekly limit (ties: the
teacher id). This is how a county office tends to do it by hand: fill the nearest teacher first.
"""

from __future__ import annotations

import time

from models import Scenario
from scheduler.itinerant.assign import ItinerantPlan, _result
from scheduler.itinerant.demand import Unit, can_take, fits, load_of, teaching_days, travellers, uncovered_units


def greedy_plan(scenario: Scenario) -> ItinerantPlan:
    started = time.perf_counter()
    people, units = travellers(scenario), uncovered_units(scenario)
    days_of = {s.id: teaching_days(scenario, s.id) for s in scenario.schools}
    mine: dict[str, list[Unit]] = {p.id: [] for p in people}
    taken: dict[tuple[str, str], str] = {}
    for unit in sorted(units, key=lambda u: (u.school, u.class_id, u.subject)):
        for person in sorted((p for p in people if can_take(p, unit)),
                             key=lambda p: (p.round_trip[unit.school], p.id)):
            if fits(person, load_of(person, mine[person.id] + [unit], days_of)):
                mine[person.id].append(unit)
                taken[(unit.class_id, unit.subject)] = person.id
                break
    return _result(scenario, people, units, taken, "greedy", None, started)
