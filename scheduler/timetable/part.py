"""Solve one independent part of a scenario: a pure, picklable function of plain data.

``solve_part(PartInput) -> PartOutput`` compiles the part to the engine's intermediate form (a
consortium's schools, or an imported FET file), builds the CP-SAT model from the registered
families and the rule catalogue, solves it, reads the solution back into domain objects and, when the
part is proven infeasible, asks the solver for a sufficient set of conflicting requirements. It
touches no global state, so a process pool or a Dask cluster can run it anywhere.

Limits (scheduler/cpsat.py): by default the part has ``seconds`` on the clock and its workers race;
with ``effort`` it is reproducible (deterministic time), ``seconds`` then only a safety cap. Phase 1
looks for any timetable meeting the hard requirements, and may use the time up to ``deadline`` (the
whole solve's): a part is only useful with a timetable; on an imported file CP-SAT's local search
looks alone first, for a few seconds, then the full portfolio (``_first_search``). Phase 2 starts from
it (a complete hint) and lowers the soft penalties until the part's own share of the time is spent.
"""

from __future__ import annotations

import dataclasses
import resource
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

import constraints
from models import LessonPlacement, ResearchPlacement, Scenario, Solution, Weekday
from constraints import fet_rooms, rooms
from constraints.context import ModelContext, PenaltyTerm, Requirement
from constraints.index import Index, IndexBuilder
from constraints.index_fet import build_fet_index
from constraints.stability import PreviousLesson, add_stability
from models.assignment import Assignment
from models.status import Status
from scheduler.cpsat import FOUND, make_solver, relative_gap, status_of
from scheduler.timetable.bounds import lower_bound
from scheduler.timetable.construct import CHECKED, Construction, Constructor
from scheduler.timetable.lns import SubModels, class_neighbourhoods, search
from scheduler.progress import PartProgress

#: With ``effort``: phase 1 may use the part's whole effort; phase 2 gets what phase 1 left, and
#: never less than this share of it.
MIN_IMPROVEMENT_SHARE = 0.3
#: Cores up to this size are shrunk by deletion (one small solve per literal).
MAX_CORE_TO_SHRINK = 40
#: Effort (deterministic seconds) of each deletion test while shrinking a core, and of the search for
#: the first core.
SHRINK_EFFORT = 2.0
EXPLAIN_EFFORT = 10.0
#: Phase 2 runs this many of CP-SAT's subsolvers (large-neighbourhood search among them) interleaved in
#: one thread: one core per part, yet the improving search CP-SAT's portfolio gives.
IMPROVE_WORKERS = 8
#: Seconds the count of a fixed timetable's penalties may take (it is a propagation: well under one).
COUNTING_SECONDS = 10.0
#: Upper end of a penalty term's variable (a term counts periods, gaps or days of one class or teacher).
PENALTY_CEILING = 1_000_000


@dataclass(frozen=True)
class Conflict:
    """One requirement in an infeasibility explanation, in the user's words (en and zh)."""

    kind: str
    ref: str
    en: str
    zh: str


@dataclass(frozen=True)
class PartInput:
    """Everything one part needs; plain data, picklable.

    ``seconds`` is the part's share of the time on the clock and ``deadline`` (epoch seconds) when the
    whole solve must end; ``effort`` (deterministic seconds) makes the part reproducible. An imported
    FET file is one part with ``assignment`` None.
    """

    id: str
    scenario: Scenario
    assignment: Assignment | None
    schools: tuple[str, ...]
    sync_ids: tuple[str, ...]
    block_ids: tuple[str, ...]
    seed: int = 0
    seconds: float = 60.0
    deadline: float = float("inf")
    #: Until when (epoch seconds) the search for a first timetable may go on, when later than ``deadline``:
    #: the command's own end, which the time kept for publishing may give up for a part with no timetable.
    first_deadline: float | None = None
    effort: float | None = None
    cp_workers: int = 1
    explain_first: bool = False
    #: How a hard class-day rule is posted (constraints/class_day.py): "balanced", or "prefix" when that fails.
    class_shape: str = "balanced"
    #: "first" (a timetable meeting the hard requirements), "improve" (from ``start``) or "both".
    stage: str = "both"
    #: The first stage's timetable: each activity's chosen options, each research block's window.
    start: tuple[tuple[int, ...], ...] | None = None
    start_windows: tuple[int, ...] = ()
    #: Where to write the part's running state for the progress lines (scheduler/progress.py); not an input.
    progress_file: str | None = None
    #: The published timetable to keep (constraints/stability.py): its lessons at the part's classes.
    previous: tuple[PreviousLesson, ...] = ()
    #: With ``previous``: fix the lessons of the schools the change does not touch.
    keep_unaffected: bool = True


@dataclass(frozen=True)
class PartOutput:
    id: str
    schools: tuple[str, ...]
    status: Status
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
    #: With ``effort``: the clock stopped the part before its effort was spent (not reproducible).
    hit_wall_limit: bool = False
    variables: int = 0
    #: Rounds of the large-neighbourhood search (scheduler/timetable/lns.py).
    rounds: int = 0
    #: The timetable as choices in the part's index (see ``PartInput.start``), and the class-day shape it
    #: was found with (the index those choices belong to).
    choices: tuple[tuple[int, ...], ...] = ()
    window_choices: tuple[int, ...] = ()
    class_shape: str = "balanced"
    peak_rss_mb: float = field(default=0.0)
    #: With ``PartInput.previous``: the schools whose lessons were kept exactly as published.
    kept_schools: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", Status(self.status))  # a status word given as text


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
        if family.applies(index.kind):
            family.add(ctx)
    return ctx


def post_soft(ctx: ModelContext, extra: list[PenaltyTerm] | tuple = ()) -> list[PenaltyTerm]:
    """Every soft family's penalty terms (and ``extra`` ones), each as a variable of its own (so a solution's
    value of each term can be read), and their weighted sum as the objective."""
    terms: list[PenaltyTerm] = list(extra)
    for family in constraints.SOFT:
        if family.applies(ctx.index.kind):
            terms.extend(family.add(ctx))
    valued = []
    for term in terms:
        var = ctx.model.NewIntVar(0, PENALTY_CEILING, f"penalty[{term.name}]")
        ctx.model.Add(var == term.expr)
        valued.append(dataclasses.replace(term, expr=var))
    if valued:
        ctx.model.Minimize(sum(t.weight * t.expr for t in valued))
    return valued


def hint_from(ctx: ModelContext, solver: cp_model.CpSolver) -> None:
    """Hint every placement and window variable with the value of a feasible solution."""
    for created in ctx.options:
        for _option, var in created:
            ctx.model.AddHint(var, solver.BooleanValue(var))
    for windows in ctx.windows:
        for var in windows:
            ctx.model.AddHint(var, solver.BooleanValue(var))


def _solver(part: PartInput, seconds: float, effort: float | None, workers: int, *,
            first_solution: bool = False, interleave: bool = False, deadline: float | None = None,
            quick: bool = False) -> cp_model.CpSolver:
    """A solver for this part: ``seconds`` on the clock (never past ``deadline``, by default the part's), or
    ``effort`` when the part is reproducible (its seconds then a safety cap). ``quick``: the search for a first
    timetable; on an imported file it skips presolve's probing and symmetry detection (scheduler/cpsat.py,
    ``quick_presolve``)."""
    left = max(0.05, (part.deadline if deadline is None else deadline) - time.time())
    return make_solver(seed=part.seed, seconds=min(seconds, left), effort=effort if part.effort is not None else None,
                       workers=workers, first_solution=first_solution, interleave=interleave,
                       quick_presolve=quick and part.scenario.explicit is not None)


def _stopped_by_clock(part: PartInput, solver: cp_model.CpSolver, effort: float | None) -> bool:
    """In effort mode: did the clock stop the solver before its effort was spent (not reproducible)?"""
    return part.effort is not None and effort is not None and solver.deterministic_time < effort * 0.99


def solve_part(part: PartInput) -> PartOutput:
    """Solve one part; on a proven infeasibility return the conflicting requirements instead of lessons.

    Stage "first" stops at a timetable meeting every hard requirement; stage "improve" starts from
    ``part.start`` (the first stage's choices, in the same index) and lowers the soft penalties;
    "both" does one after the other.
    """
    started = time.perf_counter()
    wall_started = time.time()
    progress = PartProgress(part.progress_file)
    progress.write("build", force=True)
    index = build_index(part)
    prechecks = structural_prechecks(index)
    if part.explain_first or prechecks:
        progress.write("explain", force=True)
        return _explained(part, index, prechecks, started, time.perf_counter() - started)
    ctx = post_hard(index, explain=False)
    moved, kept, exact = add_stability(ctx, part.previous, part.keep_unaffected) if part.previous else ([], (), [])
    common = dict(id=part.id, schools=part.schools, build_seconds=time.perf_counter() - started,
                  variables=len(ctx.model.Proto().variables), class_shape=part.class_shape, kept_schools=kept)
    repaired = _repaired(part, ctx, exact) if part.start is None and part.previous else None
    if part.start is not None:
        first_values, first_seconds, first_effort = _from_choices(ctx, part.start, part.start_windows), None, 0.0
    elif repaired is not None:
        first_values, first_effort = repaired
        first_seconds = time.time() - wall_started
        if part.stage == "first":
            value = _reader(first_values)
            return PartOutput(status=Status.FEASIBLE, objective=None, bound=None, gap=None, lessons=read_lessons(ctx, value),
                              research=read_research(ctx, value), choices=_choices(ctx, value),
                              window_choices=_window_choices(ctx, value), solve_seconds=first_seconds,
                              first_feasible_seconds=first_seconds, deterministic_time=first_effort,
                              peak_rss_mb=_peak_rss_mb(), **common)  # type: ignore[arg-type]
    else:
        progress.write("first", force=True)
        watcher = _FirstSolution(progress)
        code, first, searched = _first_search(part, ctx, watcher)
        if code not in FOUND:
            return _no_timetable(part, index, prechecks, started, first, status_of(code), common, progress)
        first_values = [int(v) for v in first.ResponseProto().solution]
        first_seconds, first_effort = watcher.first, searched + first.deterministic_time
        if part.stage == "first":
            value = _reader(first_values)
            return PartOutput(status=Status.FEASIBLE, objective=None, bound=None, gap=None, lessons=read_lessons(ctx, value),
                              research=read_research(ctx, value), choices=_choices(ctx, value),
                              window_choices=_window_choices(ctx, value), solve_seconds=first.wall_time,
                              first_feasible_seconds=first_seconds, deterministic_time=first_effort,
                              peak_rss_mb=_peak_rss_mb(), **common)  # type: ignore[arg-type]
    return _improve(part, ctx, first_values, first_seconds, first_effort, wall_started, common, progress, moved)


#: An imported file's first timetable is looked for by CP-SAT's local search alone (feasibility jump, on
#: every worker) for up to this many seconds, or deterministic seconds with ``effort``, before the full
#: portfolio, which alone can prove a file impossible. Measured on FET's example files (first timetable,
#: presolve included, 3 runs): KPS 0.6-0.8 s where the portfolio took 1.4-1.7 s, PBS 1.3-1.6 s where it
#: took 1.7-2.9 s; in the portfolio too the timetables of these files came from its feasibility jump.
LOCAL_SEARCH_SECONDS = 5.0


def _first_search(part: PartInput, ctx: ModelContext, watcher: _FirstSolution
                  ) -> tuple[int, cp_model.CpSolver, float]:
    """Phase 1: any timetable meeting the hard requirements; it may take until the deadline, or the later
    first_deadline (a part without a timetable is of no use). Returns the status code, the solver that ended
    the search, and the deterministic seconds spent before that solver. On an imported file, CP-SAT's local
    search goes first (it found the timetables of KPS, PBS and Highlands in 0.5-2.5 s, as soon as or sooner than
    the construction), then, when the construction checks every hard rule of the file
    (scheduler/timetable/construct.py), the construction, then the portfolio."""
    until = max(part.deadline, part.first_deadline or part.deadline)
    spent = 0.0
    if ctx.index.kind == "fet":
        local = _solver(part, LOCAL_SEARCH_SECONDS, LOCAL_SEARCH_SECONDS, part.cp_workers, first_solution=True,
                        deadline=until, quick=True)
        local.parameters.use_ls_only = True
        code = local.Solve(ctx.model, watcher)
        if code in FOUND:
            return code, local, 0.0
        spent = local.deterministic_time
    if ctx.index.kind == "fet" and all(r.kind in CHECKED for r in ctx.index.rules if r.hard):
        code, solver, effort = _constructed(part, ctx, watcher, until)
        if code in FOUND:
            return code, solver, spent + effort
        spent += effort
    # The full presolve here, as before: skipping probing and symmetry was measured to help the local search
    # only (on simpler-Italian and Brazil-more-difficult neither presolve found a timetable reliably in 60 s).
    first = _solver(part, until - time.time(), None if part.effort is None else max(0.05, part.effort - spent),
                    part.cp_workers, first_solution=True, deadline=until)
    return first.Solve(ctx.model, watcher), first, spent


#: The construction runs in chunks of this many calls an activity; after a chunk whose placement leaves out
#: at most ``COMPLETE_LEFT_OUT`` (share of the activities, at least 2) and fewer than any before, CP-SAT tries
#: to complete it (``_completed``). Measured on FET's example files: KPS, PBS and Highlands placed whole in
#: 0.2-1.2 s; KalengaPSY15T1a in 9-35 s; with one activity left out, CP-SAT placed it in 0.9 s once the
#: activities sharing a student group with it, then a teacher or group with those, were freed.
CONSTRUCT_CHUNK = 50
COMPLETE_LEFT_OUT = 0.03
#: With ``effort``: calls of the construction per activity and deterministic second of the part's effort
#: (this machine made 10,000-15,000 calls a second on FET's example files of 300-1,300 activities).
CONSTRUCT_CALLS_PER_EFFORT = 40
#: Share of the time (or effort) left to the first timetable that the construction may take: the local search
#: and the portfolio follow with what is left.
CONSTRUCT_SHARE = 0.75
#: Seconds (deterministic with ``effort``) of each round completing a placement, and rounds at most.
COMPLETE_ROUND_SECONDS = 3.0
COMPLETE_ROUNDS = 3


def _constructed(part: PartInput, ctx: ModelContext, watcher: _FirstSolution, until: float
                 ) -> tuple[int, cp_model.CpSolver | None, float]:
    """A first timetable from a FET-like construction that CP-SAT completes: the construction places what its
    slot checks allow; CP-SAT places what it left out (``_completed``), and the rooms. Returns the status
    code (UNKNOWN when no round found one in the time or effort), the solver, and the deterministic seconds
    CP-SAT spent."""
    activities = max(1, len(ctx.index.activities))
    builder = Constructor(ctx.index, part.seed)
    started = time.time()
    # With ``effort`` the calls are the budget (the clock only a safety cap), so the placement is reproducible.
    stop = started + CONSTRUCT_SHARE * max(0.0, until - started) if part.effort is None else until
    budget = None if part.effort is None else int(CONSTRUCT_CALLS_PER_EFFORT * CONSTRUCT_SHARE * part.effort * activities)
    spent, tried_at = 0.0, activities - max(2, int(COMPLETE_LEFT_OUT * activities)) - 1
    while time.time() < stop and (budget is None or builder.calls < budget):
        before = builder.calls
        built = builder.advance(CONSTRUCT_CHUNK * activities if budget is None else
                                min(CONSTRUCT_CHUNK * activities, budget - builder.calls))
        if built.placed > tried_at:
            tried_at = built.placed
            code, solver, effort = _completed(part, ctx, built, watcher, until)
            spent += effort
            if code in FOUND:
                return code, solver, spent - solver.deterministic_time  # the caller counts the last solver's own
        if built.complete or builder.calls == before:
            break  # nothing more to place: more construction would not change the placement
    return cp_model.UNKNOWN, None, spent


def _completed(part: PartInput, ctx: ModelContext, built: Construction, watcher: _FirstSolution, until: float
               ) -> tuple[int, cp_model.CpSolver, float]:
    """CP-SAT completes a placement: the activities left out are freed with those sharing a student group with
    them, and each round the last proves impossible, with those sharing a teacher or student group with the
    freed; the rest stays where the construction put it (a complete placement is first tried whole)."""
    ix = ctx.index
    free = _widened(ix, set(built.left_out), teachers=False) if built.left_out else set()
    spent = 0.0
    for _round in range(COMPLETE_ROUNDS):
        model = ctx.model.Clone()
        for activity in ix.activities:
            n = built.choice[activity.index]
            if n is not None:
                var = ctx.options[activity.index][n][1]
                model.AddHint(var, 1) if activity.index in free else model.Add(var == 1)
        # One worker when reproducible: interleaved workers on such a model, its placements fixed or hinted,
        # stopped CP-SAT 9.15 at "Check failed: heuristics.fixed_search != nullptr" (KalengaPSY15T1a, --effort 30).
        solver = _solver(part, COMPLETE_ROUND_SECONDS, COMPLETE_ROUND_SECONDS, 1 if part.effort is not None
                         else part.cp_workers, first_solution=True, deadline=until)
        code = solver.Solve(model, watcher)
        spent += solver.deterministic_time
        if code in FOUND or status_of(code) != Status.INFEASIBLE or len(free) == len(ix.activities):
            break
        free = _widened(ix, free, teachers=True) if free else set(range(len(ix.activities)))
    return code, solver, spent


def _widened(ix: Index, free: set[int], *, teachers: bool) -> set[int]:
    """``free`` with every activity sharing a student group (and with ``teachers``, a teacher) with one of it."""
    groups = {g for a in free for g in ix.activities[a].classes}
    taught = {t for a in free for t in ix.activities[a].teachers} if teachers else set()
    return free | {a.index for a in ix.activities if groups.intersection(a.classes) or taught.intersection(a.teachers)}


#: Rounds of the repair from a published timetable (each frees the classes linked to the last by teachers),
#: and the share of the part's time (or effort) each may take.
REPAIR_ROUNDS = 4
REPAIR_SHARE = 0.15


def _repaired(part: PartInput, ctx: ModelContext, exact: list[list]) -> tuple[list[int], float] | None:
    """A first timetable that keeps the published one wherever it can: every activity that can stand where
    it stood is fixed there, except those of the classes the change reaches (an activity that cannot), then
    of the classes linked to them by a teacher, and so on for a few rounds. None when no round finds one
    (the ordinary first search follows)."""
    ix = ctx.index
    teachers_of: dict[int, set[int]] = defaultdict(set)
    classes_of: dict[int, set[int]] = defaultdict(set)
    for activity in ix.activities:
        for klass in activity.classes:
            teachers_of[klass].update(activity.teachers)
        for teacher in activity.teachers:
            classes_of[teacher].update(activity.classes)
    free = {k for a in ix.activities if len(exact[a.index]) < a.count for k in a.classes}
    spent = 0.0
    for _round in range(REPAIR_ROUNDS):
        model = ctx.model.Clone()
        for activity in ix.activities:
            if not free.intersection(activity.classes):
                model.Add(sum(exact[activity.index]) == activity.count)
        seconds = max(1.0, part.seconds * REPAIR_SHARE)
        effort = None if part.effort is None else max(1.0, part.effort * REPAIR_SHARE)
        solver = _solver(part, seconds, effort, part.cp_workers, first_solution=True)
        code = solver.Solve(model)
        spent += solver.deterministic_time
        if code in FOUND:
            return [int(v) for v in solver.ResponseProto().solution], spent
        wider = free | {c for k in free for t in teachers_of[k] for c in classes_of[t]}
        if status_of(code) != Status.INFEASIBLE or wider == free or time.time() >= part.deadline:
            return None  # out of time (a wider round would need more) or nothing left to free
        free = wider
    return None


def _no_timetable(part: PartInput, index: Index, prechecks: list[Conflict], started: float,
                  first: cp_model.CpSolver, status: Status, common: dict, progress: PartProgress) -> PartOutput:
    if status == Status.INFEASIBLE and common["kept_schools"]:
        # The untouched schools' lessons cannot all stay (a shared teacher, a research block): let them move,
        # still at a cost per moved lesson.
        return solve_part(dataclasses.replace(part, keep_unaffected=False))
    if status == Status.INFEASIBLE and part.class_shape == "balanced" and _balanced_matters(index):
        # Balanced days could not hold: any prefix shape may (constraints/class_day.py).
        return solve_part(dataclasses.replace(part, class_shape="prefix"))
    if status == Status.INFEASIBLE:
        progress.write("explain", force=True)
        return _explained(part, index, prechecks, started, common["build_seconds"], proven=True)
    return PartOutput(status=status, objective=None, bound=None, gap=None, solve_seconds=first.wall_time,
                      deterministic_time=first.deterministic_time,
                      hit_wall_limit=_stopped_by_clock(part, first, part.effort), peak_rss_mb=_peak_rss_mb(),
                      **common)  # type: ignore[arg-type]


def _improve(part: PartInput, ctx: ModelContext, first_values: list[int], first_seconds: float | None,
             first_effort: float, wall_started: float, common: dict, progress: PartProgress,
             moved: list[PenaltyTerm]) -> PartOutput:
    """Phase 2: large-neighbourhood search from the first timetable, for what is left of the part's share
    (``moved``: the cost of lessons moved from a published timetable, when one is kept)."""
    soft_started = time.perf_counter()
    terms = post_soft(ctx, moved)
    common.update(build_seconds=common["build_seconds"] + time.perf_counter() - soft_started,
                  variables=len(ctx.model.Proto().variables))
    first_timetable = dict(first_feasible_seconds=first_seconds, choices=_choices(ctx, _reader(first_values)),
                           window_choices=_window_choices(ctx, _reader(first_values)))
    if not terms:
        value = _reader(first_values)
        return PartOutput(status=Status.OPTIMAL, objective=0.0, bound=0.0, gap=0.0, lessons=read_lessons(ctx, value),
                          research=read_research(ctx, value), solve_seconds=time.time() - wall_started,
                          deterministic_time=first_effort, peak_rss_mb=_peak_rss_mb(), **first_timetable,
                          **common)  # type: ignore[arg-type]
    progress.write("improve", force=True)
    values = complete_solution(ctx, part, first_values)
    if values is None:  # the clock ran out before the penalties of the first timetable could be counted
        if part.start is not None:
            return PartOutput(status=Status.UNKNOWN, objective=None, bound=None, gap=None, peak_rss_mb=_peak_rss_mb(),
                              **common)  # type: ignore[arg-type]
        return _unimproved(ctx, first_values, first_effort, wall_started, first_timetable, common)
    sub = SubModels(ctx.model, frozenset(v.Index() for created in ctx.options for _o, v in created), values, part.seed)
    share_left = max(part.seconds - (time.time() - wall_started), 0.0)
    effort_left = None if part.effort is None else max(part.effort - first_effort, part.effort * MIN_IMPROVEMENT_SHARE)
    bound = lower_bound(ctx, terms)
    rounds = search(sub, class_neighbourhoods(ctx, terms, lambda: sub.values), seconds=min(share_left, part.deadline - time.time())
                    if part.effort is None else part.deadline - time.time(), effort=effort_left, seed=part.seed,
                    groups=len(ctx.index.classes), lower_bound=bound,
                    on_better=lambda objective: progress.write("improve", objective))
    # A round stopped by its time may leave a penalty's auxiliaries above their least values: count the
    # final timetable's penalties exactly (its decisions fixed, the auxiliaries at their least).
    final = complete_solution(ctx, part, sub.values) or sub.values
    value = _reader(final)
    objective = float(sum(_evaluate(t.expr, final) * t.weight for t in terms))
    penalties = tuple((t.name, int(_evaluate(t.expr, final)) * t.weight) for t in terms if _evaluate(t.expr, final))
    first_timetable.update(choices=_choices(ctx, value), window_choices=_window_choices(ctx, value))
    return PartOutput(
        status=Status.OPTIMAL if objective <= bound else Status.FEASIBLE, objective=objective, bound=bound,
        gap=relative_gap(objective, bound), lessons=read_lessons(ctx, value), research=read_research(ctx, value),
        penalties=penalties, solve_seconds=time.time() - wall_started, deterministic_time=first_effort + sub.deterministic,
        rounds=rounds, hit_wall_limit=part.effort is not None and sub.deterministic < (effort_left or 0) * 0.99
        and time.time() >= part.deadline, peak_rss_mb=_peak_rss_mb(), **first_timetable,
        **common)  # type: ignore[arg-type]


def _unimproved(ctx: ModelContext, first_values: list[int], first_effort: float, wall_started: float,
                first_timetable: dict, common: dict) -> PartOutput:
    """The first timetable as it is (objective None: the solve may improve it later from its choices)."""
    value = _reader(first_values)
    return PartOutput(status=Status.FEASIBLE, objective=None, bound=None, gap=None, lessons=read_lessons(ctx, value),
                      research=read_research(ctx, value), solve_seconds=time.time() - wall_started,
                      deterministic_time=first_effort, peak_rss_mb=_peak_rss_mb(), **first_timetable,
                      **common)  # type: ignore[arg-type]


def _choices(ctx: ModelContext, value: Values) -> tuple[tuple[int, ...], ...]:
    """Which options each activity took (their positions in the index), to carry a timetable between stages."""
    return tuple(tuple(n for n, (_option, var) in enumerate(created) if value(var)) for created in ctx.options)


def _window_choices(ctx: ModelContext, value: Values) -> tuple[int, ...]:
    return tuple(next((n for n, var in enumerate(windows) if value(var)), -1) for windows in ctx.windows)


def _from_choices(ctx: ModelContext, choices: tuple[tuple[int, ...], ...], windows: tuple[int, ...]) -> list[int]:
    """Decision values of a timetable given by its choices (every other variable 0: completed later)."""
    values = [0] * len(ctx.model.Proto().variables)
    for created, chosen in zip(ctx.options, choices):
        for n in chosen:
            values[created[n][1].Index()] = 1
    for variables, n in zip(ctx.windows, windows):
        if n >= 0:
            values[variables[n].Index()] = 1
    return values


def _reader(values: list[int]) -> Values:
    return lambda var: values[var.Index()]


def _evaluate(expr: object, values: list[int]) -> int:
    """A penalty term's value in a solution (post_soft gives every term a variable of its own)."""
    return expr if isinstance(expr, int) else values[expr.Index()]  # type: ignore[attr-defined]


def complete_solution(ctx: ModelContext, part: PartInput, decisions: list[int]) -> list[int] | None:
    """Every variable's value for a timetable: its placements fixed, the auxiliaries at their least (so
    the objective counts exactly the penalties of that timetable)."""
    fixed = ctx.model.Clone()
    proto = fixed.Proto()
    for created in ctx.options:
        for _option, var in created:
            domain = proto.variables[var.Index()].domain
            domain[0] = domain[1] = decisions[var.Index()]
    for windows in ctx.windows:
        for var in windows:
            domain = proto.variables[var.Index()].domain
            domain[0] = domain[1] = decisions[var.Index()]
    # Propagation-sized with every decision fixed; allowed a few seconds past the part's deadline, since
    # a timetable whose penalties cannot be counted is no use.
    solver = make_solver(seed=part.seed, seconds=COUNTING_SECONDS, effort=None if part.effort is None else
                         max(1.0, part.effort))
    if status_of(solver.Solve(fixed)) != Status.OPTIMAL:
        return None
    return [int(v) for v in solver.ResponseProto().solution]


def _balanced_matters(index: Index) -> bool:
    rules = index.scenario.quality
    return index.kind == "consortium" and rules.class_day == "hard" and not rules.free_slots


def build_index(part: PartInput, *, explain: bool = False) -> Index:
    """The part in the engine's intermediate form: an imported file's activities, or the consortium's lessons."""
    if part.scenario.explicit is not None:
        return build_fet_index(part.scenario, explain=explain)
    assert part.assignment is not None
    index = IndexBuilder(part.scenario, part.assignment, list(part.schools), list(part.sync_ids),
                         list(part.block_ids)).build()
    index.class_shape = part.class_shape
    return index


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# -- reading the solution ------------------------------------------------------------------------
#: The value of a model variable in a solution (a solver's, or the search's current one).
Values = Callable[[cp_model.IntVar], int]


def read_lessons(ctx: ModelContext, value: Values) -> tuple[LessonPlacement, ...]:
    ix = ctx.index
    scenario = ix.scenario
    if ix.kind == "fet":
        return _fet_lessons(ctx, value)
    lessons = []
    for activity in ix.activities:
        # The options an activity took, numbered in week order (interchangeable lessons, one key each).
        chosen = sorted((option for option, var in ctx.options[activity.index] if value(var)),
                        key=lambda option: option.start)
        teacher = ix.teachers[activity.teacher]
        for offset, option in enumerate(chosen):
            number = activity.number + offset
            for role_number, placement in enumerate(option.placements):
                class_id = ix.classes[placement.klass]
                if activity.sync is None:
                    key, role = f"{class_id}:{activity.subject}:{number}", None
                else:
                    key = f"{class_id}:{activity.subject}:{activity.sync}:{number}"
                    role = "teaching" if role_number == 0 else "receiving"
                lessons.append(LessonPlacement(
                    key=key, class_id=class_id, school=scenario.class_by_id[class_id].school, subject=activity.subject,
                    teacher=teacher, day=Weekday.of_index(placement.day), period=placement.period,
                    length=activity.length, sync=activity.sync, sync_role=role))
    return tuple(rooms.assign(scenario, lessons))


def _fet_lessons(ctx: ModelContext, value: Values) -> tuple[LessonPlacement, ...]:
    """One lesson per imported activity, keyed ``A<id>``, named by its student sets and teachers as in the file."""
    ix = ctx.index
    tt = ix.scenario.explicit
    assert tt is not None
    lessons = []
    for activity in ix.activities:
        chosen = next((option for option, var in ctx.options[activity.index] if value(var)), None)
        if chosen is None:
            continue
        day, period = chosen.start
        for member in activity.members:
            a = tt.activity_by_id[member]
            room, real_rooms = fet_rooms.room_of(ctx, a.id, value)
            lessons.append(LessonPlacement(key=f"A{a.id}", class_id=" + ".join(a.students) or "-",
                                           school=ix.schools[0], subject=a.subject, teacher=" + ".join(a.teachers),
                                           day=Weekday.of_index(day % 7), period=period, length=a.duration,
                                           room=room, real_rooms=real_rooms, fet_day=day))
    return tuple(sorted(lessons, key=lambda x: (x.fet_day, x.period, x.key)))


def read_research(ctx: ModelContext, value: Values) -> tuple[ResearchPlacement, ...]:
    placements = []
    for group, windows in zip(ctx.index.research, ctx.windows):
        for window, var in zip(group.windows, windows):
            if value(var):
                placements.append(ResearchPlacement(
                    block=group.block.id, day=Weekday.of_index(window.day), start_minute=window.start,
                    end_minute=window.end, teachers=tuple(ctx.index.teachers[t] for t in group.teachers),
                    host=group.block.host))
                break
    return tuple(placements)


# -- explaining infeasibility ----------------------------------------------------------------------
def structural_prechecks(index: Index) -> list[Conflict]:
    """Cheap checks before solving: an activity with no allowed start at all (bell slots, halves, clock times)."""
    if index.kind == "fet":
        return _fet_capacity(index)
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


def _fet_capacity(index: Index) -> list[Conflict]:
    """Found by counting, before any search: an activity with nowhere to start, more hours than hours free."""
    tt = index.scenario.explicit
    assert tt is not None
    found = []
    for activity in index.activities:
        if not activity.options:
            a = tt.activity_by_id[activity.members[0]]
            found.append(Conflict(kind="activity", ref=str(a.id),
                                  en=f"activity {a.id} ({a.subject}, {'+'.join(a.teachers) or 'no teacher'}, "
                                     f"{'+'.join(a.students) or 'no students'}) has no hour left where it may start: "
                                     "its breaks, not-available and preferred times exclude every one",
                                  zh=f"活动 {a.id}（{a.subject}，{'+'.join(a.teachers) or '无教师'}，"
                                     f"{'+'.join(a.students) or '无学生'}）没有可开始的时段：休息、不可用与指定时间排除了全部时段"))
    week = len(index.bells[0].days) * index.max_periods
    need: dict[tuple[str, int], int] = defaultdict(int)
    for activity in index.activities:
        for teacher in activity.teachers:
            need[("teacher", teacher)] += activity.periods
        for group in activity.classes:
            need[("students", group)] += activity.periods
    for (kind, ident), hours in sorted(need.items()):
        off = index.teacher_off.get(ident, frozenset()) if kind == "teacher" else index.group_off.get(ident, frozenset())
        free = week - len(index.breaks | off)
        name = index.teacher_name(ident) if kind == "teacher" else index.classes[ident]
        if hours > free:
            found.append(Conflict(kind="capacity", ref=f"{kind} {name}",
                                  en=f"{kind} {name} has {hours} hours of activities but only {free} free hours a week "
                                     "(BasicCompulsoryTime with breaks and not-available times)",
                                  zh=f"{'教师' if kind == 'teacher' else '学生'} {name} 每周有 {hours} 课时的活动，"
                                     f"但只有 {free} 个空闲课时（BasicCompulsoryTime 与休息、不可用时间）"))
    return found


def _overloaded_teachers(index: Index) -> list[Conflict]:
    """Teachers given more periods than their max_weekly: certain infeasibility, named before any search
    (finding it as a core of the full model can outlast the budget on a county-sized part)."""
    load: dict[int, int] = defaultdict(int)
    for activity in index.activities:
        load[activity.teacher] += activity.periods
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


def _core(ctx: ModelContext, part: PartInput, literals: list) -> tuple[Status, list[int]]:
    """Solve under the given assumptions; return the status and a sufficient core (literal indices)."""
    ctx.model.ClearAssumptions()
    ctx.model.AddAssumptions([ctx.assumptions[i][0] for i in literals])
    # One worker: interleaved search ignores assumptions (or-tools issue #4875).
    solver = _solver(part, max(10.0, part.seconds), max(EXPLAIN_EFFORT, part.effort or 0.0), 1, first_solution=True)
    status = status_of(solver.Solve(ctx.model))
    if status != Status.INFEASIBLE:
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
        solver = _solver(part, SHRINK_EFFORT * 2, SHRINK_EFFORT, 1, first_solution=True)
        if status_of(solver.Solve(ctx.model)) == Status.INFEASIBLE:
            kept = trial
    return kept


def _explained(part: PartInput, index: Index, prechecks: list[Conflict], started: float,
               build_seconds: float, *, proven: bool = False) -> PartOutput:
    if index.kind == "fet":  # every start gets a variable, so the unary rules can be named too
        index = build_index(part, explain=True)
    ctx, _terms = build_model(index, explain=True)
    status, core = _core(ctx, part, list(range(len(ctx.assumptions))))
    if status == Status.INFEASIBLE:
        core = shrink_core(ctx, part, core)
    requirements: list[Requirement] = [ctx.assumptions[i][1] for i in core]
    conflicts = tuple(Conflict(kind=r.kind, ref=r.ref, en=r.en, zh=r.zh) for r in requirements) + tuple(prechecks)
    if status == Status.INFEASIBLE and not conflicts and index.kind == "fet":
        conflicts = (Conflict(kind="BasicCompulsoryTime", ref="",
                              en="teachers' and students' activities cannot all fit without clashes "
                                 "(BasicCompulsoryTime alone)",
                              zh="教师与学生的活动无法全部无冲突地排入（仅 BasicCompulsoryTime 即不可行）"),)
    final = Status.INFEASIBLE if status == Status.INFEASIBLE or prechecks or proven else status
    return PartOutput(id=part.id, schools=part.schools, status=final, objective=None, bound=None, gap=None,
                      conflicts=conflicts, build_seconds=build_seconds,
                      solve_seconds=time.perf_counter() - started - build_seconds,
                      variables=len(ctx.model.Proto().variables), peak_rss_mb=_peak_rss_mb())
