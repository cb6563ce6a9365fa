"""Which itinerant teacher takes which classes: a small CP-SAT model, solved before the timetable.

Variables: ``take[t, u]`` (teacher t takes unit u, a whole class-subject) and ``days[t, s]`` (days
t spends at school s). Constraints, per teacher: weekly periods within ``max_weekly`` (less what
``assignments`` already gives them), each class's lessons on distinct days, at most
``max_daily`` periods a day, at most one school per half-day (or per day with ``whole_days``),
the weekly travel estimate (``demand`` module) within ``max_travel_minutes_week``, and only
schools whose round trip fits ``max_travel_minutes_day``.

Objective, lexicographic in three solves: (1) cover the most periods; (2) with that coverage, the
least total weekly travel; (3) with that total, the least travel of the most burdened teacher.
Each solve is single-worker with a fixed seed and a deterministic-time limit, so the plan depends
on the scenario only. The gap reported is that of solve (2), the one the benchmark compares.

Why decomposed rather than one joint model with the timetable: the whole Pengshui timetable takes
minutes per part and the assignment couples every school of a consortium; the assignment here
keeps every weekly promise the timetable family ``constraints/itinerant.py`` enforces, and a
timetable is only published together with the assignment it honours (``solve`` fails with an
explanation otherwise), so no assignment is ever returned that the timetable did not honour.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

import networkx as nx
from ortools.sat.python import cp_model

from models import Scenario, TeachingAssignment
from models.status import Status
from scheduler.cpsat import make_solver, relative_gap, status_of
from scheduler.itinerant.demand import (
    Traveller, Unit, can_take, days_needed, fits, load_of, teaching_days, travellers, uncovered_units,
)

#: Deterministic seconds for the coverage and total-travel solves, and for the last one (the largest
#: burden), which on Pengshui took 7-10 s to prove what it had found in under 1 s.
STAGE_DETERMINISTIC_TIME = 5.0
BURDEN_DETERMINISTIC_TIME = 1.0


@dataclass(frozen=True)
class Fix:
    """The cheapest single hire that would cover the most uncovered periods."""

    subject: str
    base: str
    periods: int
    schools: int
    en: str
    zh: str


@dataclass(frozen=True)
class ItinerantPlan:
    """The chosen assignment: unit -> teacher, uncovered units, travel estimates and solver figures."""

    taken: dict[tuple[str, str], str]
    units: tuple[Unit, ...]
    uncovered: tuple[Unit, ...]
    travel: dict[str, int]
    days_at: dict[str, dict[str, int]]
    status: Status
    gap: float | None
    seconds: float
    fixes: tuple[Fix, ...] = field(default=())

    @property
    def demand(self) -> int:
        return sum(u.periods for u in self.units)

    @property
    def covered(self) -> int:
        return self.demand - sum(u.periods for u in self.uncovered)

    @property
    def total_travel(self) -> int:
        return sum(self.travel.values())

    @property
    def largest_travel(self) -> int:
        return max(self.travel.values(), default=0)


def _solver(deterministic_time: float) -> cp_model.CpSolver:
    """One worker, stopped by the effort (reproducible); the clock is only a safety net."""
    return make_solver(seed=0, seconds=20 * deterministic_time + 30, effort=deterministic_time)


class _Model:
    def __init__(self, scenario: Scenario, people: list[Traveller], units: list[Unit]) -> None:
        self.model = cp_model.CpModel()
        m = self.model
        self.people, self.units = people, units
        school_days = {s.id: teaching_days(scenario, s.id) for s in scenario.schools}
        self.take: dict[tuple[int, int], cp_model.IntVar] = {}
        for i, person in enumerate(people):
            for j, unit in enumerate(units):
                if can_take(person, unit):
                    self.take[(i, j)] = m.NewBoolVar(f"take[{person.id},{unit.class_id},{unit.subject}]")
        for j in range(len(units)):
            options = [v for (i, jj), v in self.take.items() if jj == j]
            if len(options) > 1:
                m.AddAtMostOne(options)
        self.covered = sum(units[j].periods * v for (i, j), v in self.take.items())
        self.travel: list[cp_model.IntVar] = []
        by_person: dict[int, list[int]] = defaultdict(list)
        for i, j in self.take:
            by_person[i].append(j)
        for i, person in enumerate(people):
            post = person.post
            mine = by_person.get(i, [])
            periods = sum(units[j].periods * self.take[(i, j)] for j in mine)
            m.Add(periods <= min(person.free, person.days * person.teacher.max_daily))
            visits = []
            trips = []
            for school in sorted({units[j].school for j in mine}):
                here = [j for j in mine if units[j].school == school]
                days = m.NewIntVar(0, school_days[school], f"days[{person.id},{school}]")
                for j in here:
                    m.Add(days >= min(units[j].lessons, school_days[school]) * self.take[(i, j)])
                m.Add(person.teacher.max_daily * days >= sum(units[j].periods * self.take[(i, j)] for j in here))
                visits.append(days)
                trips.append(person.round_trip[school] * days)
            m.Add(sum(visits) <= person.days * person.visits_per_day)
            travel = m.NewIntVar(0, max(0, post.max_travel_minutes_week), f"travel[{person.id}]")
            m.Add(travel == sum(trips))
            m.Add(travel <= person.days * post.max_travel_minutes_day)
            self.travel.append(travel)
        self.largest = m.NewIntVar(0, max((p.post.max_travel_minutes_week for p in people), default=0), "largest")
        if self.travel:
            m.AddMaxEquality(self.largest, self.travel)

    def hint(self, solver: cp_model.CpSolver) -> None:
        self.model.ClearHints()
        for var in self.take.values():
            self.model.AddHint(var, solver.Value(var))


def components(people: list[Traveller], units: list[Unit]) -> list[tuple[list[Traveller], list[Unit]]]:
    """Independent groups: teachers and units joined by "could take"; each is solved on its own."""
    graph = nx.Graph()
    graph.add_nodes_from(("t", p.id) for p in people)
    graph.add_nodes_from(("u", u.class_id, u.subject) for u in units)
    for person in people:
        for unit in units:
            if can_take(person, unit):
                graph.add_edge(("t", person.id), ("u", unit.class_id, unit.subject))
    groups = []
    for component in sorted((sorted(c) for c in nx.connected_components(graph)), key=lambda c: c[0]):
        members = set(component)
        groups.append(([p for p in people if ("t", p.id) in members],
                       [u for u in units if ("u", u.class_id, u.subject) in members]))
    return groups


def _solve_group(scenario: Scenario, people: list[Traveller], units: list[Unit],
                 deterministic_time: float) -> tuple[dict[tuple[str, str], str], Status, float, float]:
    """One independent group: (taken, status, objective, bound) of the total-travel stage."""
    built = _Model(scenario, people, units)
    m = built.model
    if not built.take:
        return {}, Status.OPTIMAL, 0.0, 0.0
    m.Maximize(built.covered)
    solver = _solver(deterministic_time)
    status = status_of(solver.Solve(m))
    if not status.found:
        return {}, status, 0.0, 0.0
    m.Add(built.covered >= int(solver.ObjectiveValue()))
    built.hint(solver)
    total = sum(built.travel)
    m.Minimize(total)
    solver = _solver(deterministic_time)
    # The first stage's coverage is a solution of this stage too (it is hinted): a plan is in hand.
    status = Status.OPTIMAL if status_of(solver.Solve(m)) == Status.OPTIMAL else Status.FEASIBLE
    best, bound = solver.ObjectiveValue(), solver.BestObjectiveBound()
    m.Add(total <= int(round(best)))
    built.hint(solver)
    m.Minimize(built.largest)
    third = _solver(min(deterministic_time, BURDEN_DETERMINISTIC_TIME))
    if status_of(third.Solve(m)).found:
        solver = third
    taken = {(units[j].class_id, units[j].subject): people[i].id
             for (i, j), var in sorted(built.take.items()) if solver.Value(var)}
    return taken, status, best, bound


def plan_itinerant(scenario: Scenario, deterministic_time: float = STAGE_DETERMINISTIC_TIME) -> ItinerantPlan:
    """The lexicographically best assignment (coverage, then total travel, then the largest burden).

    Teachers and units fall into independent groups (in the samples, one per consortium); each
    group is solved on its own with ``deterministic_time`` per stage. The gap is the total-travel
    stage's, summed over the groups: (sum of objectives - sum of bounds) / sum of objectives.
    """
    started = time.perf_counter()
    people, units = travellers(scenario), uncovered_units(scenario)
    taken: dict[tuple[str, str], str] = {}
    statuses, best, bound = [], 0.0, 0.0
    for group_people, group_units in components(people, units):
        found, status, objective, lower = _solve_group(scenario, group_people, group_units, deterministic_time)
        taken.update(found)
        statuses.append(status)
        best, bound = best + objective, bound + lower
    status = Status.worst(statuses)
    gap = relative_gap(best, bound) if status.found else None
    return _result(scenario, people, units, taken, status, gap, started)


def _result(scenario: Scenario, people: list[Traveller], units: list[Unit], taken: dict[tuple[str, str], str],
            status: Status, gap: float | None, started: float) -> ItinerantPlan:
    days_of = {s.id: teaching_days(scenario, s.id) for s in scenario.schools}
    travel, days_at = {}, {}
    for person in people:
        mine = [u for u in units if taken.get((u.class_id, u.subject)) == person.id]
        load = load_of(person, mine, days_of)
        travel[person.id], days_at[person.id] = load.travel, load.days_at
    uncovered = tuple(u for u in units if (u.class_id, u.subject) not in taken)
    return ItinerantPlan(taken=taken, units=tuple(units), uncovered=uncovered, travel=travel, days_at=days_at,
                         status=status, gap=gap, seconds=time.perf_counter() - started,
                         fixes=tuple(cheapest_fixes(scenario, people, list(uncovered))))


def cheapest_fixes(scenario: Scenario, people: list[Traveller], uncovered: list[Unit]) -> list[Fix]:
    """Per subject left uncovered: the one extra teacher (base school) that would cover the most periods.

    The extra teacher is modelled on the subject's first post (same limits, same reach rule) and
    on its first teacher's weekly and daily maximum; candidate bases are the bases of that
    subject's posts and every county-seat or township school. Ties go to less travel, then the id.
    """
    from models import SchoolTier

    fixes = []
    days_of = {s.id: teaching_days(scenario, s.id) for s in scenario.schools}
    for subject in sorted({u.subject for u in uncovered}):
        models = [p for p in people if subject in p.post.subjects and subject in p.teacher.subjects]
        if not models:
            continue
        model = models[0]
        bases = sorted({p.post.base for p in models} | {s.id for s in scenario.schools
                                                         if s.tier in (SchoolTier.COUNTY_SEAT, SchoolTier.TOWNSHIP)})
        open_units = [u for u in uncovered if u.subject == subject]
        best: tuple | None = None
        for base in bases:
            reach = {}
            for unit in open_units:
                minutes = scenario.travel_minutes(base, unit.school)
                if minutes is not None and 2 * minutes <= model.post.max_travel_minutes_day:
                    reach[unit.school] = 2 * minutes
            if not reach:
                continue
            person = Traveller(teacher=model.teacher, post=model.post.model_copy(update={"base": base}),
                               free=model.teacher.max_weekly, days=days_of.get(base, 5), round_trip=reach)
            chosen: list[Unit] = []
            for unit in sorted((u for u in open_units if u.school in reach),
                               key=lambda u: (reach[u.school], u.school, u.class_id)):
                if fits(person, load_of(person, chosen + [unit], days_of)):
                    chosen.append(unit)
            if not chosen:
                continue
            periods = sum(u.periods for u in chosen)
            schools = len({u.school for u in chosen})
            key = (-periods, load_of(person, chosen, days_of).travel, base)
            if best is None or key < best[0]:
                best = (key, base, periods, schools)
        if best is None:
            continue
        _key, base, periods, schools = best
        name = scenario.school_by_id[base].name
        subject_name = scenario.subject_by_id[subject].name if subject in scenario.subject_by_id else subject
        fixes.append(Fix(subject, base, periods, schools,
                         f"one more {subject_name} teacher based at {name} would cover {periods} uncovered periods "
                         f"at {schools} school{'s' if schools != 1 else ''}",
                         f"在{name}再设一名{subject_name}走教教师，可覆盖 {schools} 所学校的 {periods} 节未覆盖课时"))
    return fixes


def uncovered_text(scenario: Scenario, plan: ItinerantPlan) -> tuple[str, str]:
    """The uncovered periods by school and subject, with the cheapest fix, in English and Chinese."""
    by: dict[tuple[str, str], list[Unit]] = defaultdict(list)
    for unit in plan.uncovered:
        by[(unit.school, unit.subject)].append(unit)
    en_parts, zh_parts = [], []
    for (school, subject), units in sorted(by.items()):
        name = scenario.school_by_id[school].name
        subject_name = scenario.subject_by_id[subject].name if subject in scenario.subject_by_id else subject
        labels = "、".join(scenario.class_by_id[u.class_id].label for u in units)
        periods = sum(u.periods for u in units)
        en_parts.append(f"{name} {subject_name} {labels} ({periods} periods)")
        zh_parts.append(f"{name}{subject_name} {labels}（{periods} 节）")
    en = (f"{plan.demand - plan.covered} of {plan.demand} periods that need an itinerant teacher stay uncovered: "
          + "; ".join(en_parts))
    zh = f"需走教的 {plan.demand} 节课中有 {plan.demand - plan.covered} 节无人可上：" + "；".join(zh_parts)
    if plan.fixes:
        en += ". Cheapest fix: " + "; ".join(f.en for f in plan.fixes)
        zh += "。最省的补救：" + "；".join(f.zh for f in plan.fixes)
    return en, zh


def with_itinerant_assignments(scenario: Scenario, plan: ItinerantPlan) -> Scenario:
    """The scenario with the plan's choices added to ``assignments``, for ``complete_assignment``."""
    added = tuple(TeachingAssignment(teacher=teacher, class_id=class_id, subject=subject)
                  for (class_id, subject), teacher in sorted(plan.taken.items()))
    return scenario.model_copy(update={"assignments": scenario.assignments + added})


__all__ = ["Fix", "ItinerantPlan", "cheapest_fixes", "days_needed", "fits", "plan_itinerant", "uncovered_text",
           "with_itinerant_assignments"]


def itinerant_scenario(scenario: Scenario) -> tuple[Scenario, dict[tuple[str, str], int]]:
    """The scenario the timetable is solved for (itinerant choices added as fixed assignments) and
    the planned days per (teacher, school), which the timetable must not exceed.

    Raises :class:`models.assignment.AssignmentError` naming the uncovered periods and the cheapest
    fix when the posts cannot cover every class-subject that needs them.
    """
    if not scenario.itinerant_posts:
        return scenario, {}
    from models.assignment import AssignmentError

    plan = plan_itinerant(scenario)
    if plan.uncovered:
        raise AssignmentError(*uncovered_text(scenario, plan))
    days = {(teacher, school): k for teacher, schools in sorted(plan.days_at.items()) for school, k in schools.items()}
    return with_itinerant_assignments(scenario, plan), days
