"""How a solve runs: complete the assignment, split into parts, solve parts in parallel, assemble.

One pipeline for every scenario: a consortium county is split into independent parts (consortia
not coupled by shared teachers or sync lessons; scheduler/timetable/parts.py), an imported FET file
is one part; each part is compiled to the engine's intermediate form and solved by
:func:`scheduler.timetable.part.solve_part` on the executor (local processes or Dask).

Two ways to limit it:

* ``time_limit``: seconds on the clock for the whole solve (the default). The parts share them: each
  part's share is in proportion to its classes among the parts that run one after another in the
  same process ("lane"), and a part still without a timetable may go on to the end of the solve. The
  result is the best timetable found in the time, and two runs may differ.
* ``effort``: reproducible. Each part gets deterministic time (CP-SAT's own measure of work) in
  proportion to its classes, ``effort * min(workers, parts)`` in all, each at most ``effort`` and at
  least ``MIN_PART_EFFORT``; the same input, seed and effort give the same bytes on any machine and
  executor. ``time_limit`` then only stops a run that takes too long on the clock, and says so.

The result does not depend on where or in which order parts finish (outputs are keyed and sorted).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from models import LessonPlacement, PartReport, Scenario, Solution
from constraints.stability import PreviousLesson
from models.assignment import AssignmentError, complete_assignment
from models.errors import Impossible, NotFoundInTime, TongbuError
from models.status import Status
from scheduler.cpsat import relative_gap
from scheduler.executor import Checkpoints, Executor, LocalExecutor, run_parts
from scheduler.timetable.part import Conflict, PartInput, PartOutput
from scheduler.timetable.parts import PartPlan, split_parts

#: The default seconds on the clock of a solve, and of the whole ``tongbu solve`` command.
DEFAULT_TIME_LIMIT = 120.0
#: The least effort (deterministic seconds) any part gets: at province scale (hundreds of parts sharing
#: the effort) 2 s left 5 of 200 synthetic consortia without a first timetable; 4 s is the margin.
MIN_PART_EFFORT = 4.0
#: A part with no timetable after its effort (status unknown) is tried once more with this many times it.
RETRY_BUDGET_FACTOR = 3.0

@dataclass(frozen=True)
class SolveResult:
    """The one result of a solve: status, the solution as domain objects, part reports, explanation, runtime."""

    status: Status
    solution: Solution | None
    parts: tuple[PartReport, ...]
    explanation: tuple[Conflict, ...] = ()
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    outputs: tuple[PartOutput, ...] = field(default=(), repr=False, compare=False)
    wall_seconds: float = field(default=0.0, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", Status(self.status))  # a status word given as text

    def recompute_objective(self, scenario: Scenario) -> int | None:
        """The objective recomputed in Python from the soft families' definitions (must equal ``objective``)."""
        from constraints.checks.quality import objective

        if self.solution is None:
            return None
        return objective(scenario, self.solution)

    @property
    def kept_schools(self) -> tuple[str, ...]:
        """With a previous timetable: the schools whose lessons were fixed as published."""
        return tuple(sorted(s for output in self.outputs for s in output.kept_schools))

    def penalties(self) -> dict[str, int]:
        """Each soft family's penalty as the solver counted it (summed over the parts)."""
        found: dict[str, int] = {}
        for output in self.outputs:
            for name, value in output.penalties:
                family = name.split("(", 1)[0]
                found[family] = found.get(family, 0) + value
        return found


def lanes_of(plans: list[PartPlan], workers: int) -> list[int]:
    """Which process ("lane") each part will run in: largest first, each to the least loaded lane."""
    loads = [0] * max(1, min(workers, len(plans)))
    lane = [0] * len(plans)
    for i in sorted(range(len(plans)), key=lambda i: (-plans[i].classes, plans[i].id)):
        lane[i] = min(range(len(loads)), key=lambda k: (loads[k], k))
        loads[lane[i]] += max(plans[i].classes, 1)
    return lane


def part_seconds(plans: list[PartPlan], seconds: float, workers: int) -> list[float]:
    """Each part's share of the solve's seconds: in proportion to its classes within its lane."""
    lane = lanes_of(plans, workers)
    totals: dict[int, int] = {}
    for i, plan in enumerate(plans):
        totals[lane[i]] = totals.get(lane[i], 0) + max(plan.classes, 1)
    return [seconds * max(plan.classes, 1) / totals[lane[i]] for i, plan in enumerate(plans)]


def part_efforts(plans: list[PartPlan], effort: float, workers: int) -> list[float]:
    lanes = max(1, min(workers, len(plans)))
    total = sum(max(plan.classes, 1) for plan in plans) or 1
    return [min(effort, max(MIN_PART_EFFORT, effort * lanes * max(plan.classes, 1) / total)) for plan in plans]


def _part_inputs(scenario: Scenario, seed: int, seconds: float, workers: int, effort: float | None = None,
                 deadline: float | None = None, previous: Solution | None = None,
                 keep_unaffected: bool = True, grace: float = 0.0) -> list[PartInput]:
    """The parts of a scenario with their shares of the seconds (and of the effort, when reproducible)."""
    deadline = deadline if deadline is not None else time.time() + seconds
    if scenario.explicit is not None:  # an imported file: one part
        school = scenario.schools[0].id if scenario.schools else "school"
        return [PartInput(id="fet", scenario=scenario, assignment=None, schools=(school,), sync_ids=(), block_ids=(),
                          seed=seed, seconds=seconds, deadline=deadline, first_deadline=deadline + grace, effort=effort,
                          cp_workers=max(1, workers))]
    from scheduler.itinerant.assign import itinerant_scenario

    # Itinerant posts' classes become fixed assignments, their planned days per school caps (issue 4).
    scenario, visit_days = itinerant_scenario(scenario)
    assignment = dataclasses.replace(complete_assignment(scenario), visit_days=visit_days)
    plans = split_parts(scenario, assignment)
    left = max(1.0, deadline - time.time())
    shares = part_seconds(plans, left, workers)
    efforts = part_efforts(plans, effort, workers) if effort is not None else [None] * len(plans)
    cp_workers = max(1, workers // max(1, len(plans)))
    return [PartInput(id=plan.id, scenario=scenario, assignment=assignment, schools=plan.schools,
                      sync_ids=plan.sync_ids, block_ids=plan.block_ids, seed=seed, seconds=share, deadline=deadline,
                      first_deadline=deadline + grace,
                      effort=part_effort, cp_workers=cp_workers, previous=previous_lessons(scenario, plan, previous),
                      keep_unaffected=keep_unaffected)
            for plan, share, part_effort in zip(plans, shares, efforts)]


def previous_lessons(scenario: Scenario, plan: PartPlan, previous: Solution | None) -> tuple[PreviousLesson, ...]:
    """The published lessons of the part's classes that still exist, as plain data for the part."""
    if previous is None:
        return ()
    schools = set(plan.schools)
    classes = {c.id for c in scenario.classes if c.school in schools}
    return tuple(sorted(PreviousLesson(x.class_id, x.subject, x.teacher, x.day.index, x.period, x.length)
                        for x in previous.lessons if x.class_id in classes))


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
        progress({"event": "started", "parts": [(p.id, _classes(p)) for p in inputs],
                  "stage": inputs[0].stage if inputs else "both"})

    def report(done: PartOutput, from_checkpoint: bool) -> None:
        if progress is not None:
            progress({"event": "done", "part": done.id, "status": done.status, "objective": done.objective,
                      "bound": done.bound, "seconds": done.build_seconds + done.solve_seconds,
                      "first": None if done.first_feasible_seconds is None
                      else done.build_seconds + done.first_feasible_seconds, "from_checkpoint": from_checkpoint})

    results = run_parts(inputs, executor or LocalExecutor(workers), report, checkpoints)
    return [results[p.id] for p in inputs]


def _classes(part: PartInput) -> int:
    if part.scenario.explicit is not None:
        return len(part.scenario.explicit.student_sets)
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


def _overall_status(outputs: list[PartOutput]) -> Status:
    return Status.worst(o.status for o in outputs)


def _assignment_failure(error: AssignmentError, scenario: Scenario, seed: int) -> SolveResult:
    conflict = Conflict(kind="assignment", ref="", en=error.en, zh=error.zh)
    return SolveResult(status=Status.INFEASIBLE, solution=None, parts=(), explanation=(conflict,))


def solve_scenario(scenario: Scenario, *, time_limit: float = DEFAULT_TIME_LIMIT, effort: float | None = None,
                   seed: int = 0, workers: int = 2, progress: Callable[[dict], None] | None = None,
                   executor: Executor | None = None, checkpoints: Checkpoints | None = None,
                   previous: Solution | None = None, keep_unaffected: bool = True, grace: float = 0.0) -> SolveResult:
    """Solve a scenario's term timetable in ``time_limit`` seconds on the clock, or reproducibly with ``effort``
    (see the module docstring).

    ``executor`` runs the parts (default: ``workers`` local processes; scheduler.executor.DaskExecutor
    sends them to a Dask cluster); shares follow ``workers`` either way. ``checkpoints`` keeps each
    finished part so that a rerun solves only the missing ones. ``previous`` is a published timetable to
    change as little as possible (constraints/stability.py); ``keep_unaffected`` fixes the schools the
    change does not touch. ``grace``: seconds past ``time_limit`` that a part still without a timetable may
    go on looking (the caller's time kept for publishing: late is better than nothing).
    """
    started = time.time()
    deadline = started + time_limit
    try:
        inputs = _part_inputs(scenario, seed, time_limit, workers, effort, deadline, previous, keep_unaffected, grace)
    except AssignmentError as error:
        return _assignment_failure(error, scenario, seed)

    def run(parts: list[PartInput]) -> list[PartOutput]:
        return _run_parts(parts, workers, progress, executor, checkpoints)

    # Each part goes on to improve its first timetable within its share (stage "both"): a second stage
    # would build every part's model again.
    outputs = run(inputs)
    # Fallback: a part whose timetable cannot keep the itinerant plan's days per school is solved
    # again without those caps (the post's daily and weekly limits still hold), so no plan that the
    # timetable did not honour is ever returned.
    inputs, outputs = _rerun(run, inputs, outputs, [
        dataclasses.replace(p, assignment=dataclasses.replace(p.assignment, visit_days={}))
        for p, o in zip(inputs, outputs) if o.status == Status.INFEASIBLE and p.assignment and p.assignment.visit_days])
    if effort is not None:
        # Reproducible runs: a part that found no first timetable within its effort (status unknown,
        # measured in deterministic time, so the same on every machine) gets one more try with more:
        # at province scale the least effort left 1 of 200 synthetic consortia without a timetable,
        # which 8 s solved. A part the executor lost is the executor's to report, and one stopped by
        # the clock is not reproducible.
        inputs, outputs = _rerun(run, inputs, outputs, [
            dataclasses.replace(p, effort=(p.effort or 0.0) * RETRY_BUDGET_FACTOR)
            for p, o in zip(inputs, outputs) if o.status == Status.UNKNOWN and not o.hit_wall_limit
            and not any(c.kind == "executor" for c in o.conflicts)])
    if all(o.status.found for o in outputs) and any(o.objective is None for o in outputs):
        # A part that stopped at its first timetable (its share spent): the time left goes to improving
        # those (a part whose improvement fails keeps its first timetable).
        outputs = _improved(run, inputs, outputs, workers, deadline)
    return _assemble(scenario, seed, outputs, time.time() - started)


def _improved(run: Callable[[list[PartInput]], list[PartOutput]], inputs: list[PartInput], firsts: list[PartOutput],
              workers: int, deadline: float) -> list[PartOutput]:
    waiting = [(p, o) for p, o in zip(inputs, firsts) if o.objective is None]
    plans = [PartPlan(id=p.id, schools=p.schools, sync_ids=p.sync_ids, block_ids=p.block_ids, classes=_classes(p))
             for p, _o in waiting]
    shares = part_seconds(plans, max(0.0, deadline - time.time()), workers)
    improved = run([dataclasses.replace(p, stage="improve", start=o.choices, start_windows=o.window_choices,
                                        class_shape=o.class_shape, seconds=share,
                                        keep_unaffected=p.keep_unaffected and bool(o.kept_schools))
                    for (p, o), share in zip(waiting, shares)])
    better = {b.id: b for b in improved if b.status.found}
    return [better.get(first.id, first) for first in firsts]


def _assemble(scenario: Scenario, seed: int, outputs: list[PartOutput], wall_seconds: float) -> SolveResult:
    status = _overall_status(outputs)
    reports = tuple(PartReport(id=o.id, schools=o.schools, status=o.status, objective=o.objective, bound=o.bound,
                               gap=o.gap, wall_seconds=round(o.build_seconds + o.solve_seconds, 3))
                    for o in outputs)
    explanation = tuple(c for o in outputs for c in o.conflicts)
    if not status.found:
        return SolveResult(status=status, solution=None, parts=reports, explanation=explanation, outputs=tuple(outputs),
                           wall_seconds=wall_seconds)
    lessons = sorted((lesson for o in outputs for lesson in o.lessons), key=_lesson_order)
    research = sorted((r for o in outputs for r in o.research), key=lambda r: r.block)
    # wall_seconds stays out of solution.json: it differs run to run.
    written_parts = tuple(r.model_copy(update={"wall_seconds": None}) for r in reports)
    solution = Solution(district=scenario.district, seed=seed, lessons=tuple(lessons), research=tuple(research),
                        parts=written_parts)
    total = sum(o.objective or 0.0 for o in outputs)
    bound = sum(o.bound or 0.0 for o in outputs)
    return SolveResult(status=status, solution=solution, parts=reports, explanation=explanation,
                       objective=total, bound=bound, gap=relative_gap(total, bound), outputs=tuple(outputs),
                       wall_seconds=wall_seconds)


def failure_of(result: SolveResult) -> TongbuError:
    """Why a solve gave no timetable, in the user's words: proven impossible (exit 3) only when the
    solver proved it for some part; otherwise not found in the time given (exit 4), one may exist."""
    conflicts = [c for c in result.explanation if c.kind != "executor"]
    lost = [c for c in result.explanation if c.kind == "executor"]
    if any(part.status == Status.INFEASIBLE for part in result.parts) or result.status == Status.INFEASIBLE:
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
    open_parts = [part for part in result.parts if not part.status.found]
    details = [(f"{part.id}: no timetable found in its share of the time limit (status {part.status})",
                f"{part.id}：在分配的时间内未找到课表（状态 {part.status}）") for part in open_parts]
    return NotFoundInTime(
        "No timetable was found in the time given; one may exist (nothing was proven impossible): "
        "run again with a longer --time-limit, or relax the requirements of the parts below",
        "在给定时间内未找到课表；课表可能存在（并未证明不可能）：请加大 --time-limit 重新运行，或放宽以下部分的要求",
        details)


def _lesson_order(lesson: LessonPlacement) -> tuple:
    return (lesson.school, lesson.class_id, lesson.day.index, lesson.period, lesson.key)
