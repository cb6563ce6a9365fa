"""The one place CP-SAT solvers are configured and their statuses named, for every planner.

Two ways to limit a solve, as the command line offers them (docs/format.md, README):

* **seconds on the clock** (the default): ``max_time_in_seconds``; several workers race (CP-SAT's
  portfolio), which finds timetables soonest, but two runs may differ;
* **effort** (reproducible): ``max_deterministic_time``, CP-SAT's own measure of work, with one
  worker or several interleaved in deterministic batches; the same input, seed and effort give the
  same result on any machine. The seconds still apply as a safety cap; a run stopped by them says so.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

#: Every CP-SAT status, mapped explicitly to the words tongbu reports (models.messages.STATUS_ZH).
STATUS_NAMES: dict[int, str] = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.UNKNOWN: "unknown",
    cp_model.MODEL_INVALID: "invalid",
}
FOUND = (cp_model.OPTIMAL, cp_model.FEASIBLE)


def status_of(code: int) -> str:
    return STATUS_NAMES[code]


def make_solver(*, seed: int, seconds: float, effort: float | None = None, workers: int = 1,
                first_solution: bool = False, interleave: bool = False) -> cp_model.CpSolver:
    """A CP-SAT solver limited by ``seconds`` on the clock, or by ``effort`` (deterministic) when given.

    ``first_solution``: a search for any solution of the hard rules, without LP relaxations (5-10x sooner
    to a first timetable on the samples; the LP only helps once there is an objective to bound).
    ``interleave``: the ``workers`` subsolvers run in one thread, in deterministic batches.
    """
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.random_seed = seed
    params.num_workers = max(1, workers)
    params.max_time_in_seconds = max(0.05, seconds)
    if effort is not None:
        params.max_deterministic_time = max(0.05, effort)
    if workers > 1 and (effort is not None or interleave):
        params.interleave_search = True
    if first_solution and workers <= 1:
        params.linearization_level = 0
    params.log_search_progress = False
    return solver
