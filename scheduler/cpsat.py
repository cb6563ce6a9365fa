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

from models.status import Status

#: Every CP-SAT status, mapped explicitly to the one status vocabulary (models.status.Status).
STATUS_NAMES: dict[int, Status] = {
    cp_model.OPTIMAL: Status.OPTIMAL,
    cp_model.FEASIBLE: Status.FEASIBLE,
    cp_model.INFEASIBLE: Status.INFEASIBLE,
    cp_model.UNKNOWN: Status.UNKNOWN,
    cp_model.MODEL_INVALID: Status.MODEL_INVALID,
}
FOUND = (cp_model.OPTIMAL, cp_model.FEASIBLE)


def status_of(code: int) -> Status:
    return STATUS_NAMES[code]


def relative_gap(objective: float, bound: float) -> float:
    """The optimality gap of a minimisation: how far the best objective may be above the optimum, as a share
    of the objective (0 when proven optimal); the one gap every planner reports."""
    return 0.0 if objective == bound else abs(objective - bound) / max(1.0, abs(objective))


def make_solver(*, seed: int, seconds: float, effort: float | None = None, workers: int = 1,
                first_solution: bool = False, interleave: bool = False, light: bool = False,
                quick_presolve: bool = False) -> cp_model.CpSolver:
    """A CP-SAT solver limited by ``seconds`` on the clock, or by ``effort`` (deterministic) when given.

    ``first_solution``: a search for any solution of the hard rules, without LP relaxations (5-10x sooner
    to a first timetable on the samples; the LP only helps once there is an objective to bound).
    ``interleave``: the ``workers`` subsolvers run in one thread, in deterministic batches.
    ``light``: no LP relaxations, probing or symmetry detection, for small sub-models solved many times
    (measured on Pengshui's largest consortium, 30 s of LNS rounds each: penalties of 2,504-2,605 where
    the defaults reached 3,662-3,781).
    ``quick_presolve``: no probing or symmetry detection in presolve, for a search for any solution of a
    large model of start booleans (an imported FET file: presolve was 2.1 of KPS's 3.7 s and 6.1 of PBS's
    7.1 s to a first timetable, 0.3 and 1.7 s without them; the timetable was found by CP-SAT's
    feasibility-jump local search either way, which the symmetry and probing do not help).
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
    if light or quick_presolve:
        params.cp_model_probing_level = 0
        params.symmetry_level = 0
    if light:
        params.linearization_level = 0
    params.log_search_progress = False
    return solver
