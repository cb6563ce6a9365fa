"""Solve one independent part of a scenario: a pure, picklable function of plain data.

``solve_part(PartInput) -> PartOutput`` builds the index and the CP-SAT model of the part, solves
it with deterministic limits, reads the solution back into domain objects and, when the part is
infeasible, asks the solver for a sufficient set of conflicting requirement groups. It touches
no global state, so a process pool (or, later, Dask) can run it anywhere.
"""

from __future__ import annotations

import resource
import time
from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

import constraints
from models import LessonPlacement, ResearchPlacement, Scenario, Solution, Weekday
from scheduler.timetable import objective as python_objective
from models.assignment import Assignment
from constraints.index import Index, IndexBuilder
from scheduler.progress import PartProgress
from constraints.context import ModelContext, PenaltyTerm, Requirement

#: Every CP-SAT status, mapped explicitly to the words tongbu reports.
STATUS_NAMES: dict[int, str] = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.UNKNOWN: "unknown",
    cp_model.MODEL_INVALID: "invalid",
}
#: Phase 1 (any timetable meeting the hard requirements) may use the part's whole deterministic
#: budget; phase 2 (soft penalties) gets what phase 1 left, and never less than this share of it.
MIN_IMPROVEMENT_SHARE = 0.3
#: Cores up to this size are shrunk by deletion (one small solve per literal).
MAX_CORE_TO_SHRINK = 40
#: Deterministic time of each deletion test while shrinking a core.
SHRINK_DETERMINISTIC_TIME = 2.0


@dataclass(frozen=True)
class Conflict:
    """One requirement in an infeasibility explanation, in the user's words (en and zh)."""

    kind: str
    ref: str
    en: str
    zh: str


@dataclass(frozen=True)
class PartInput:
    """Everything one part needs; plain data, picklable."""

    id: str
    scenario: Scenario
    assignment: Assignment
    schools: tuple[str, ...]
    sync_ids: tuple[str, ...]
    block_ids: tuple[str, ...]
    seed: int = 0
    deterministic_time: float = 60.0
    wall_limit: float = 600.0
    cp_workers: int = 1
    explain_first: bool = False
    #: Where to write the part's running state for the progress lines (scheduler/progress.py); not an input.
    progress_file: str | None = None


@dataclass(frozen=True)
class PartOutput:
    id: str
    schools: tuple[str, ...]
    status: str
    objective: float | None
    bound: float | None
    gap: float | None
    lessons: tuple[LessonPlacement, ...] = ()
    research: tuple[ResearchPlacement, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    penalties: tuple[tuple[str, int], ...] = ()
    build_seconds: float = 0.0
    solve_seconds: float = 0.0
    first_feasible_seconds: float | None = None
    deterministic_time: float = 0.0
    hit_wall_limit: bool = False
    variables: int = 0
    peak_rss_mb: float = field(default=0.0)


class _FirstSolution(cp_model.CpSolverSolutionCallback):
    """Records when the first solution arrived; reads nothing that steers the search."""

    def __init__(self, progress: PartProgress) -> None:
        super().__init__()
        self.started = time.perf_counter()
        self.first: float | None = None
        self.progress = progress

    def on_solution_callback(self) -> None:
        if self.first is None:
            self.first = time.perf_counter() - self.started
            self.progress.write("improve", force=True)


class _Incumbent(cp_model.CpSolverSolutionCallback):
    """Reports each better timetable's objective to the progress lines; observes only."""

    def __init__(self, progress: PartProgress) -> None:
        super().__init__()
        self.progress = progress

    def on_solution_callback(self) -> None:
        self.progress.write("improve", self.ObjectiveValue())


def build_model(index: Index, *, explain: bool) -> tuple[ModelContext, list[PenaltyTerm]]:
    """Post every registered family (hard, then soft unless explaining) and the objective."""
    ctx = post_hard(index, explain=explain)
    terms = [] if explain else post_soft(ctx)
    return ctx, terms


def post_hard(index: Index, *, explain: bool) -> ModelContext:
    ctx = ModelContext(index, explain=explain)
    for family in constraints.HARD:
        family.add(ctx)
    return ctx


def post_soft(ctx: ModelContext) -> list[PenaltyTerm]:
    terms: list[PenaltyTerm] = []
    for family in constraints.SOFT:
        terms.extend(family.add(ctx))
    objective = [t.weight * t.expr for t in terms]
    if objective:
        ctx.model.Minimize(sum(objective))
    return terms


def hint_from(ctx: ModelContext, solver: cp_model.CpSolver) -> None:
    """Hint every placement and window variable with the value of a feasible solution."""
    for created in ctx.options:
        for _option, var in created:
            ctx.model.AddHint(var, solver.BooleanValue(var))
    for windows in ctx.windows:
        for var in windows:
            ctx.model.AddHint(var, solver.BooleanValue(var))


def complete_hint(ctx: ModelContext, part: PartInput) -> None:
    """Extend the placement hint to the soft families' auxiliary variables.

    With every placement fixed to its hinted value the auxiliaries follow by propagation, so a
    short solve of a copy of the model gives a complete feasible assignment; CP-SAT then starts
    phase 2 from it instead of searching for a first solution again.
    """
    fixed = ctx.model.Clone()
    proto = fixed.Proto()
    for var_index, value in zip(list(proto.solution_hint.vars), list(proto.solution_hint.values)):
        fixed.Add(fixed.GetIntVarFromProtoIndex(var_index) == value)
    solver = solver_for(part, max(1.0, part.deterministic_time * 0.05), 1)
    if solver.Solve(fixed) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return
    ctx.model.ClearHints()
    for var_index in range(len(proto.variables)):
        ctx.model.AddHint(ctx.model.GetIntVarFromProtoIndex(var_index), solver.Value(fixed.GetIntVarFromProtoIndex(var_index)))


def solver_for(part: PartInput, deterministic_time: float, workers: int, *,
               feasibility: bool = False) -> cp_model.CpSolver:
    """Deterministic parameters: a fixed seed, a deterministic-time limit, interleaved workers.

    CP-SAT's parallel portfolio races threads against the wall clock, so results vary run to run;
    with ``interleave_search`` the workers run in deterministic batches, and
    ``max_deterministic_time`` stops at a point that does not depend on machine load. The wall
    limit is only a safety net; if it is hit the result is flagged as not reproducible.
    """
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.random_seed = part.seed
    params.num_workers = max(1, workers)
    if workers > 1:
        params.interleave_search = True
    params.max_deterministic_time = deterministic_time
    params.max_time_in_seconds = part.wall_limit
    params.log_search_progress = False
    if feasibility:
        # Without LP relaxations the single worker finds a first timetable 5-10x sooner on the
        # samples (a 57-class Pengshui consortium: 4 s instead of no timetable in 90 s); the LP only
        # helps once there is an objective to bound.
        params.linearization_level = 0
    return solver


def solve_part(part: PartInput) -> PartOutput:
    """Solve one part; on infeasibility return the conflicting requirements instead of lessons."""
    started = time.perf_counter()
    progress = PartProgress(part.progress_file)
    progress.write("build", force=True)
    index = IndexBuilder(part.scenario, part.assignment, list(part.schools), list(part.sync_ids),
                         list(part.block_ids)).build()
    prechecks = structural_prechecks(index)
    if part.explain_first or prechecks:
        progress.write("explain", force=True)
        return _explained(part, index, prechecks, started, time.perf_counter() - started)
    ctx = post_hard(index, explain=False)
    build_seconds = time.perf_counter() - started
    progress.write("first", force=True)
    # Phase 1 finds a timetable meeting every hard requirement (one worker: its search found one
    # fastest); phase 2 starts from it (complete hint) with interleaved workers, deterministic, to
    # lower the soft penalties and prove a bound. Without phase 1 the objective steered the search
    # away from feasibility for longer than the budget.
    watcher = _FirstSolution(progress)
    feasibility = solver_for(part, part.deterministic_time, 1, feasibility=True)
    code = feasibility.Solve(ctx.model, watcher)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        status = STATUS_NAMES[code]
        if status == "infeasible":
            progress.write("explain", force=True)
            return _explained(part, index, prechecks, started, build_seconds, proven=True)
        return PartOutput(id=part.id, schools=part.schools, status=status, objective=None, bound=None, gap=None,
                          build_seconds=build_seconds, solve_seconds=feasibility.wall_time,
                          deterministic_time=feasibility.deterministic_time,
                          hit_wall_limit=feasibility.wall_time >= part.wall_limit * 0.99,
                          variables=len(ctx.model.Proto().variables), peak_rss_mb=_peak_rss_mb())
    hint_from(ctx, feasibility)
    soft_started = time.perf_counter()
    terms = post_soft(ctx)
    build_seconds += time.perf_counter() - soft_started
    complete_hint(ctx, part)
    left = max(part.deterministic_time - feasibility.deterministic_time, part.deterministic_time * MIN_IMPROVEMENT_SHARE)
    solver = solver_for(part, left, max(2, part.cp_workers))
    code = solver.Solve(ctx.model, _Incumbent(progress))
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # Out of time before re-finding the hinted timetable: keep the phase-1 one, objective from Python.
        lessons = read_lessons(ctx, feasibility)
        value = python_objective.objective(part.scenario, Solution(district="", seed=part.seed, lessons=lessons))
        return PartOutput(id=part.id, schools=part.schools, status="feasible", objective=float(value), bound=None,
                          gap=None, lessons=lessons, research=read_research(ctx, feasibility),
                          build_seconds=build_seconds, solve_seconds=feasibility.wall_time + solver.wall_time,
                          first_feasible_seconds=watcher.first,
                          deterministic_time=feasibility.deterministic_time + solver.deterministic_time,
                          hit_wall_limit=solver.wall_time >= part.wall_limit * 0.99,
                          variables=len(ctx.model.Proto().variables), peak_rss_mb=_peak_rss_mb())
    status = STATUS_NAMES[code]
    solve_seconds = feasibility.wall_time + solver.wall_time
    common = dict(id=part.id, schools=part.schools, build_seconds=build_seconds, solve_seconds=solve_seconds,
                  first_feasible_seconds=watcher.first,
                  deterministic_time=feasibility.deterministic_time + solver.deterministic_time,
                  hit_wall_limit=solver.wall_time >= part.wall_limit * 0.99 and status != "optimal",
                  variables=len(ctx.model.Proto().variables), peak_rss_mb=_peak_rss_mb())
    if status not in ("optimal", "feasible"):
        return PartOutput(status=status, objective=None, bound=None, gap=None, **common)  # type: ignore[arg-type]
    bound = solver.BestObjectiveBound() if terms else 0.0
    lessons, research = read_lessons(ctx, solver), read_research(ctx, solver)
    tight = tightened(ctx, part, solver) if terms else None
    objective = 0.0 if not terms else (tight.ObjectiveValue() if tight else solver.ObjectiveValue())
    valued = tight or solver
    penalties = tuple((t.name, int(valued.Value(t.expr)) * t.weight) for t in terms if valued.Value(t.expr))
    return PartOutput(
        status=status, objective=objective, bound=bound, gap=relative_gap(objective, bound),
        lessons=lessons, research=research, penalties=penalties, **common)  # type: ignore[arg-type]


def tightened(ctx: ModelContext, part: PartInput, solver: cp_model.CpSolver) -> cp_model.CpSolver | None:
    """Re-solve with every placement fixed so the penalty auxiliaries take their least values.

    The soft families bound their auxiliaries from below only; a solution stopped by the time
    limit may leave one above its least value, so its objective would overstate the timetable's
    penalty. With placements fixed this is a propagation-sized solve.
    """
    fixed = ctx.model.Clone()
    fixed.ClearHints()
    for created in ctx.options:
        for _option, var in created:
            fixed.Add(fixed.GetIntVarFromProtoIndex(var.Index()) == solver.Value(var))
    for windows in ctx.windows:
        for var in windows:
            fixed.Add(fixed.GetIntVarFromProtoIndex(var.Index()) == solver.Value(var))
    polish = solver_for(part, max(1.0, part.deterministic_time * 0.05), 1)
    return polish if polish.Solve(fixed) == cp_model.OPTIMAL else None


def relative_gap(objective: float, bound: float) -> float:
    return 0.0 if objective == bound else abs(objective - bound) / max(1.0, abs(objective))


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# -- reading the solution ------------------------------------------------------------------------
def read_lessons(ctx: ModelContext, solver: cp_model.CpSolver) -> tuple[LessonPlacement, ...]:
    ix = ctx.index
    scenario = ix.scenario
    lessons = []
    for activity in ix.activities:
        chosen = [option for option, var in ctx.options[activity.index] if solver.BooleanValue(var)]
        if not chosen:
            continue
        option = chosen[0]
        teacher = ix.teachers[activity.teacher]
        for role_number, placement in enumerate(option.placements):
            class_id = ix.classes[placement.klass]
            if activity.sync is None:
                key, role = f"{class_id}:{activity.subject}:{activity.number}", None
            else:
                key = f"{class_id}:{activity.subject}:{activity.sync}:{activity.number}"
                role = "teaching" if role_number == 0 else "receiving"
            lessons.append(LessonPlacement(
                key=key, class_id=class_id, school=scenario.class_by_id[class_id].school, subject=activity.subject,
                teacher=teacher, day=Weekday.of_index(placement.day), period=placement.period,
                length=activity.length, sync=activity.sync, sync_role=role))
    return tuple(assign_rooms(scenario, lessons))


def assign_rooms(scenario: Scenario, lessons: list[LessonPlacement]) -> list[LessonPlacement]:
    """Give lessons of room subjects a special room, first free room by id (receiving classes need none).

    The model keeps room use within the rooms' count per slot, so a room is nearly always free;
    when subjects share rooms unevenly a lesson may be left without one (room None).
    """
    rooms_of: dict[tuple[str, str], list[str]] = defaultdict(list)
    for room in sorted(scenario.rooms, key=lambda r: r.id):
        for subject in room.subjects:
            rooms_of[(room.school, subject)].append(room.id)
    busy: set[tuple[str, str, int]] = set()
    placed = []
    for lesson in sorted(lessons, key=lambda x: (x.school, x.day.index, x.period, x.class_id, x.key)):
        candidates = rooms_of.get((lesson.school, lesson.subject), [])
        if candidates and lesson.sync_role != "receiving":
            for room in candidates:
                if all((room, lesson.day.value, p) not in busy for p in lesson.periods()):
                    busy.update((room, lesson.day.value, p) for p in lesson.periods())
                    lesson = lesson.model_copy(update={"room": room})
                    break
        placed.append(lesson)
    return placed


def read_research(ctx: ModelContext, solver: cp_model.CpSolver) -> tuple[ResearchPlacement, ...]:
    placements = []
    for group, windows in zip(ctx.index.research, ctx.windows):
        for window, var in zip(group.windows, windows):
            if solver.BooleanValue(var):
                placements.append(ResearchPlacement(
                    block=group.block.id, day=Weekday.of_index(window.day), start_minute=window.start,
                    end_minute=window.end, teachers=tuple(ctx.index.teachers[t] for t in group.teachers),
                    host=group.block.host))
                break
    return tuple(placements)


# -- explaining infeasibility ----------------------------------------------------------------------
def structural_prechecks(index: Index) -> list[Conflict]:
    """Cheap checks before solving: an activity with no allowed start at all (bell slots, halves, clock times)."""
    conflicts = []
    seen = set()
    scenario = index.scenario
    for activity in index.activities:
        if activity.options:
            continue
        klass = scenario.class_by_id[index.classes[activity.classes[0]]]
        name = f"{scenario.school_by_id[klass.school].name} {klass.label}"
        subject = scenario.subject_by_id[activity.subject].name if activity.subject in scenario.subject_by_id else activity.subject
        if activity.sync is not None:
            key = ("sync", activity.sync)
            en = (f"synchronized lesson {activity.sync} ({name} {subject}): no period of the receiving schools "
                  f"overlaps a period of the teaching school under every bell schedule and season")
            zh = f"同步课堂 {activity.sync}（{name} {subject}）：在所有作息（含冬夏季）下，接收学校都没有与授课学校同时的课节"
        elif activity.length == 2:
            key = ("double", f"{klass.id}:{activity.subject}")
            en = f"{name}: {subject} asks for a double period but no half-day of its bell schedule has 2 periods in a row"
            zh = f"{name}：{subject}要求连堂，但作息表中没有同一半天内连续两节的课时"
        else:
            key = ("slots", klass.id)
            en = f"{name}: its bell schedule has no teaching slot"
            zh = f"{name}：作息表中没有可上课的课时"
        if key not in seen:
            seen.add(key)
            conflicts.append(Conflict(kind="precheck", ref=key[1], en=en, zh=zh))
    return conflicts + _overloaded_teachers(index)


def _overloaded_teachers(index: Index) -> list[Conflict]:
    """Teachers given more periods than their max_weekly: certain infeasibility, named before any search
    (finding it as a core of the full model can outlast the budget on a county-sized part)."""
    load: dict[int, int] = defaultdict(int)
    for activity in index.activities:
        load[activity.teacher] += activity.length
    conflicts = []
    for teacher, periods in sorted(load.items()):
        person = index.scenario.teacher_by_id[index.teachers[teacher]]
        if periods > person.max_weekly:
            school = index.scenario.school_by_id[person.school].name
            conflicts.append(Conflict(
                kind="precheck", ref=person.id,
                en=(f"{person.name}({person.id}, {school}) is given {periods} periods a week but teaches at most "
                    f"{person.max_weekly} (max_weekly): give some classes to another teacher or raise the limit"),
                zh=(f"{person.name}（{person.id}，{school}）每周被安排 {periods} 节课，超过周课时上限 {person.max_weekly} 节："
                    f"请把部分班级交给其他教师，或提高上限")))
    return conflicts


def _core(ctx: ModelContext, part: PartInput, literals: list) -> tuple[str, list[int]]:
    """Solve under the given assumptions; return the status and a sufficient core (literal indices)."""
    ctx.model.ClearAssumptions()
    ctx.model.AddAssumptions([ctx.assumptions[i][0] for i in literals])
    # One worker: interleaved search ignores assumptions (or-tools issue #4875).
    solver = solver_for(part, max(10.0, part.deterministic_time), 1, feasibility=True)
    status = STATUS_NAMES[solver.Solve(ctx.model)]
    if status != "infeasible":
        return status, []
    by_var = {ctx.assumptions[i][0].Index(): i for i in literals}
    return status, sorted(by_var[v] for v in solver.SufficientAssumptionsForInfeasibility() if v in by_var)


def shrink_core(ctx: ModelContext, part: PartInput, core: list[int]) -> list[int]:
    """Deletion-based shrinking: drop a literal whenever the rest is still infeasible."""
    if len(core) > MAX_CORE_TO_SHRINK:
        return core
    kept = list(core)
    for literal in list(core):
        trial = [i for i in kept if i != literal]
        if not trial:
            continue
        ctx.model.ClearAssumptions()
        ctx.model.AddAssumptions([ctx.assumptions[i][0] for i in trial])
        solver = solver_for(part, SHRINK_DETERMINISTIC_TIME, 1, feasibility=True)
        if solver.Solve(ctx.model) == cp_model.INFEASIBLE:
            kept = trial
    return kept


def _explained(part: PartInput, index: Index, prechecks: list[Conflict], started: float,
               build_seconds: float, *, proven: bool = False) -> PartOutput:
    ctx, _terms = build_model(index, explain=True)
    status, core = _core(ctx, part, list(range(len(ctx.assumptions))))
    if status == "infeasible":
        core = shrink_core(ctx, part, core)
    requirements: list[Requirement] = [ctx.assumptions[i][1] for i in core]
    conflicts = tuple(Conflict(kind=r.kind, ref=r.ref, en=r.en, zh=r.zh) for r in requirements) + tuple(prechecks)
    final = "infeasible" if status == "infeasible" or prechecks or proven else status
    return PartOutput(id=part.id, schools=part.schools, status=final, objective=None, bound=None, gap=None,
                      conflicts=conflicts, build_seconds=build_seconds,
                      solve_seconds=time.perf_counter() - started - build_seconds,
                      variables=len(ctx.model.Proto().variables), peak_rss_mb=_peak_rss_mb())
