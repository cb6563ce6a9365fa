"""How a solve runs: complete the assignment, split into parts, solve parts in parallel, assemble.

Determinism: the wall clock never decides when a part stops. Each part is solved by CP-SAT with
``random_seed=seed`` and a deterministic-time limit (``max_deterministic_time``, CP-SAT's own
measure of work), in two phases: phase 1 (up to the part's whole budget, one worker, which is
deterministic) finds a timetable meeting every hard requirement; phase 2 (what is left, at least
30% of the budget, with at least two
workers with ``interleave_search``, whose batches are deterministic) improves the soft penalties
from it. ``--time-limit`` maps to deterministic time: the parts share
``time_limit * min(workers, parts)`` deterministic seconds in proportion to their classes, each
part getting at most ``time_limit`` and at least 2. On this machine a deterministic second took
2 to 6 wall seconds under load (bench/bench_solve.py prints both), so wall time can exceed
``time_limit``; the wall limit (4x the budget + 30 s) is only a safety net and is reported when
hit, since such a run is not reproducible. Parts run in ``min(workers, parts)`` processes, or as
tasks of a Dask cluster (scheduler/executor.py); the result does not depend on where or in which
order parts finish (outputs are keyed and sorted).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field

from models import LessonPlacement, PartReport, Scenario, Solution
from models.errors import Impossible, NotFoundInTime, TongbuError
from scheduler.timetable import objective as python_objective
from models.assignment import AssignmentError, complete_assignment
from scheduler.executor import Checkpoints, Executor, LocalExecutor, run_parts
from scheduler.timetable.part import Conflict, PartInput, PartOutput
from scheduler.timetable.parts import PartPlan, split_parts

#: The wall-clock safety net, as a multiple of the deterministic budget (plus a constant).
WALL_SAFETY_FACTOR = 4.0
WALL_SAFETY_SECONDS = 30.0
#: The least deterministic time any part gets: at province scale (hundreds of parts sharing the
#: limit) 2 s left 5 of 200 synthetic consortia without a first timetable; 4 s is the margin.
MIN_PART_DETERMINISTIC_TIME = 4.0
#: A part with no timetable after its budget (status unknown) is tried once more with this many times the budget.
RETRY_BUDGET_FACTOR = 3.0

_STATUS_ORDER = ("invalid", "infeasible", "unknown", "feasible", "optimal")


@dataclass(frozen=True)
class SolveResult:
    """The one result of a solve: status, the solution as domain objects, part reports, explanation."""

    status: str
    solution: Solution | None
    parts: tuple[PartReport, ...]
    explanation: tuple[Conflict, ...] = ()
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    outputs: tuple[PartOutput, ...] = field(default=(), repr=False, compare=False)

    def recompute_objective(self, scenario: Scenario) -> int | None:
        """The objective recomputed in Python from the solution (must equal ``objective``)."""
        if self.solution is None:
            return None
        return python_objective.objective(scenario, self.solution)


def part_budgets(plans: list[PartPlan], time_limit: float, workers: int) -> list[float]:
    lanes = max(1, min(workers, len(plans)))
    total = sum(max(plan.classes, 1) for plan in plans) or 1
    return [min(time_limit, max(MIN_PART_DETERMINISTIC_TIME, time_limit * lanes * max(plan.classes, 1) / total))
            for plan in plans]


def _part_inputs(scenario: Scenario, seed: int, time_limit: float, workers: int) -> list[PartInput]:
    from scheduler.itinerant.assign import itinerant_scenario

    # Itinerant posts' classes become fixed assignments, their planned days per school caps (issue 4).
    scenario, visit_days = itinerant_scenario(scenario)
    assignment = dataclasses.replace(complete_assignment(scenario), visit_days=visit_days)
    plans = split_parts(scenario, assignment)
    budgets = part_budgets(plans, time_limit, workers)
    cp_workers = max(1, workers // max(1, len(plans)))
    return [PartInput(id=plan.id, scenario=scenario, assignment=assignment, schools=plan.schools,
                      sync_ids=plan.sync_ids, block_ids=plan.block_ids, seed=seed, deterministic_time=budget,
                      wall_limit=_wall_limit(budget), cp_workers=cp_workers)
            for plan, budget in zip(plans, budgets)]


def _wall_limit(budget: float) -> float:
    return budget * WALL_SAFETY_FACTOR + WALL_SAFETY_SECONDS


def _run_parts(inputs: list[PartInput], workers: int, progress: Callable[[dict], None] | None,
               executor: Executor | None = None, checkpoints: Checkpoints | None = None) -> list[PartOutput]:
    """Solve parts, largest first, with ``executor`` (default: ``workers`` local processes, or this
    process when one suffices), skipping parts already in ``checkpoints`` (scheduler/executor.py).

    ``progress`` hears {"event": "started", "parts": [(id, classes)...]} once, then {"event": "done", ...}
    per part; a progress object with ``file_for(part_id)`` also gets each part's running state.
    """
    file_for = getattr(progress, "file_for", None)
    if file_for is not None:
        inputs = [dataclasses.replace(p, progress_file=file_for(p.id)) for p in inputs]
    if progress is not None:
        progress({"event": "started", "parts": [(p.id, _classes(p)) for p in inputs]})

    def report(done: PartOutput, from_checkpoint: bool) -> None:
        if progress is not None:
            progress({"event": "done", "part": done.id, "status": done.status, "objective": done.objective,
                      "bound": done.bound, "seconds": done.build_seconds + done.solve_seconds,
                      "from_checkpoint": from_checkpoint})

    results = run_parts(inputs, executor or LocalExecutor(workers), report, checkpoints)
    return [results[p.id] for p in inputs]


def _classes(part: PartInput) -> int:
    schools = set(part.schools)
    return sum(1 for c in part.scenario.classes if c.school in schools)


def _rerun(run: Callable[[list[PartInput]], list[PartOutput]], inputs: list[PartInput], outputs: list[PartOutput],
           again: list[PartInput]) -> tuple[list[PartInput], list[PartOutput]]:
    """Solve the parts in ``again`` (changed inputs of some parts) and put them in place of the old ones."""
    if not again:
        return inputs, outputs
    redone = {o.id: o for o in run(again)}
    replaced = {p.id: p for p in again}
    return [replaced.get(p.id, p) for p in inputs], [redone.get(o.id, o) for o in outputs]


def _gap(objective: float, bound: float) -> float:
    return 0.0 if objective == bound else abs(objective - bound) / max(1.0, abs(objective))


def _overall_status(outputs: list[PartOutput]) -> str:
    return min((o.status for o in outputs), key=_STATUS_ORDER.index, default="optimal")


def _assignment_failure(error: AssignmentError, scenario: Scenario, seed: int) -> SolveResult:
    conflict = Conflict(kind="assignment", ref="", en=error.en, zh=error.zh)
    return SolveResult(status="infeasible", solution=None, parts=(), explanation=(conflict,))


def solve_scenario(scenario: Scenario, *, time_limit: float = 60.0, seed: int = 0, workers: int = 2,
                   progress: Callable[[dict], None] | None = None, executor: Executor | None = None,
                   checkpoints: Checkpoints | None = None) -> SolveResult:
    """Solve a scenario's term timetable; see the module docstring for determinism and limits.

    ``executor`` runs the parts (default: ``workers`` local processes; scheduler.executor.DaskExecutor
    sends them to a Dask cluster); budgets follow ``workers`` either way, so the result is the same.
    ``checkpoints`` keeps each finished part so that a rerun solves only the missing ones.
    """
    if scenario.explicit is not None:  # an imported (FET) scenario: activities are given one by one
        from scheduler.timetable.explicit import solve_explicit

        return solve_explicit(scenario, time_limit=time_limit, seed=seed, workers=workers)
    try:
        inputs = _part_inputs(scenario, seed, time_limit, workers)
    except AssignmentError as error:
        return _assignment_failure(error, scenario, seed)
    def run(parts: list[PartInput]) -> list[PartOutput]:
        return _run_parts(parts, workers, progress, executor, checkpoints)

    outputs = run(inputs)
    # Fallback: a part whose timetable cannot keep the itinerant plan's days per school is solved
    # again without those caps (the post's daily and weekly limits still hold), so no plan that the
    # timetable did not honour is ever returned.
    inputs, outputs = _rerun(run, inputs, outputs, [
        dataclasses.replace(p, assignment=dataclasses.replace(p.assignment, visit_days={}))
        for p, o in zip(inputs, outputs) if o.status == "infeasible" and p.assignment.visit_days])
    # A part that found no first timetable within its budget (status unknown, measured in deterministic
    # time, so the same on every machine) gets one more try with a larger budget: at province scale
    # the least budget left 1 of 200 synthetic consortia without a timetable, which 8 s solved. A part
    # the executor lost is the executor's to report, and one stopped by the wall clock is not reproducible.
    inputs, outputs = _rerun(run, inputs, outputs, [
        dataclasses.replace(p, deterministic_time=p.deterministic_time * RETRY_BUDGET_FACTOR,
                            wall_limit=_wall_limit(p.deterministic_time * RETRY_BUDGET_FACTOR))
        for p, o in zip(inputs, outputs) if o.status == "unknown" and not o.hit_wall_limit
        and not any(c.kind == "executor" for c in o.conflicts)])
    status = _overall_status(outputs)
    reports = tuple(PartReport(id=o.id, schools=o.schools, status=o.status, objective=o.objective, bound=o.bound,
                               gap=o.gap, wall_seconds=round(o.build_seconds + o.solve_seconds, 3))
                    for o in outputs)
    explanation = tuple(c for o in outputs for c in o.conflicts)
    if status not in ("optimal", "feasible"):
        return SolveResult(status=status, solution=None, parts=reports, explanation=explanation, outputs=tuple(outputs))
    lessons = sorted((lesson for o in outputs for lesson in o.lessons), key=_lesson_order)
    research = sorted((r for o in outputs for r in o.research), key=lambda r: r.block)
    # wall_seconds stays out of solution.json: it differs run to run.
    written_parts = tuple(r.model_copy(update={"wall_seconds": None}) for r in reports)
    solution = Solution(district=scenario.district, seed=seed, lessons=tuple(lessons), research=tuple(research),
                        parts=written_parts)
    total = sum(o.objective or 0.0 for o in outputs)
    bound = sum(o.bound or 0.0 for o in outputs)
    return SolveResult(status=status, solution=solution, parts=reports, explanation=explanation,
                       objective=total, bound=bound, gap=_gap(total, bound), outputs=tuple(outputs))


def failure_of(result: SolveResult) -> TongbuError:
    """Why a solve gave no timetable, in the user's words: proven impossible (exit 3) only when the
    solver proved it for some part; otherwise not found in the time given (exit 4), one may exist."""
    conflicts = [c for c in result.explanation if c.kind != "executor"]
    lost = [c for c in result.explanation if c.kind == "executor"]
    if any(part.status == "infeasible" for part in result.parts) or result.status == "infeasible":
        details = [(c.en, c.zh) for c in conflicts] or [(
            "the solver proved that the requirements contradict each other but could not narrow them down within "
            "the time limit; a longer --time-limit lets it name them. Likely places: teachers' weekly and daily "
            "limits against their classes, unavailable days, synchronized lessons and research blocks",
            "求解器已证明各项要求相互矛盾，但未能在时限内指出是哪几项；加大 --time-limit 可让它指明。"
            "常见原因：教师周/日课时上限与所任班级不符、不可排课时段、同步课堂和教研时段")]
        return Impossible("No timetable exists that meets every requirement:", "不存在满足全部要求的课表：", details)
    if lost:
        return NotFoundInTime("Some parts could not be solved (finished parts are kept; run the same command again):",
                              "部分未能求解（已完成的部分已保留；请重新运行同一命令）：", [(c.en, c.zh) for c in lost])
    open_parts = [part for part in result.parts if part.status not in ("optimal", "feasible")]
    details = [(f"{part.id}: no timetable found in its share of the time limit (status {part.status})",
                f"{part.id}：在分配的时间内未找到课表（状态 {part.status}）") for part in open_parts]
    return NotFoundInTime(
        "No timetable was found in the time given; one may exist (nothing was proven impossible): "
        "run again with a longer --time-limit, or relax the requirements of the parts below",
        "在给定时间内未找到课表；课表可能存在（并未证明不可能）：请加大 --time-limit 重新运行，或放宽以下部分的要求",
        details)


def _lesson_order(lesson: LessonPlacement) -> tuple:
    return (lesson.school, lesson.class_id, lesson.day.index, lesson.period, lesson.key)


def solution_json(solution: Solution) -> str:
    """solution.json text: by alias, indent 1 (lessons already sorted by school, class, day, period)."""
    return solution.model_dump_json(by_alias=True, indent=1)

