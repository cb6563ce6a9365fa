"""How long the exchange planner searches, and what it says while it does.

Two settings, kept apart on purpose:

- ``effort``: CP-SAT deterministic time (its own unit, roughly seconds of one core on an idle
  machine), shared by the parts of the county in proportion to their teachers. The plan depends
  on the inputs, ``seed`` and ``effort`` only: the same on any machine, however loaded.
- ``time_limit``: seconds on the clock for the whole command, a safety cap. Every search is given
  at most the time left; a search the clock stops before its effort is spent sets ``stopped``,
  and a plan found that way may differ from run to run (the command says so).

``Search.solve`` also prints progress: the caller's ``progress(en, zh)`` gets a line when a search
starts and ends and one every ``heartbeat`` seconds while it runs (elapsed time, best objective).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from models.status import Status
from scheduler.cpsat import make_solver, status_of

#: Default planning effort (deterministic units, shared by the parts) and wall-clock cap of plan-exchange.
DEFAULT_EFFORT = 180.0
DEFAULT_TIME_LIMIT = 1800.0
#: Seconds between the progress lines of a running search.
HEARTBEAT_SECONDS = 15.0
#: CP-SAT workers per search: two, interleaved, so the result does not depend on thread timing.
WORKERS = 2

Progress = Callable[[str, str], None]


class _Best(cp_model.CpSolverSolutionCallback):
    """Remembers the objective of the last solution found (read by the heartbeat)."""

    def __init__(self) -> None:
        super().__init__()
        self.objective: float | None = None

    def on_solution_callback(self) -> None:
        self.objective = self.objective_value


@dataclass
class Search:
    seed: int = 0
    effort: float = DEFAULT_EFFORT
    time_limit: float | None = None
    progress: Progress | None = None
    heartbeat: float = HEARTBEAT_SECONDS
    started: float = field(default_factory=time.monotonic)
    #: True once the wall clock cut a search short (the plan may then differ from run to run)
    stopped: bool = False

    def __post_init__(self) -> None:
        self.effort = float(self.effort)  # 60 and 60.0 are one setting (and write as one)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def remaining(self) -> float | None:
        """Seconds left on the clock, or None without a time limit."""
        return None if self.time_limit is None else max(0.0, self.time_limit - self.elapsed())

    def expired(self) -> bool:
        left = self.remaining()
        return left is not None and left <= 0.0

    def say(self, en: str, zh: str) -> None:
        if self.progress is not None:
            stamp = f"[{self.elapsed():5.0f} s] "
            self.progress(stamp + en, stamp + zh)

    def solve(self, model: cp_model.CpModel, deterministic_time: float, label: tuple[str, str]
              ) -> tuple[cp_model.CpSolver, Status]:
        """Solve ``model`` with ``deterministic_time`` (at least 1) and the clock's remaining time as its caps."""
        left = self.remaining()
        # ``WORKERS`` interleaved (with an effort, make_solver interleaves them): reproducible.
        solver = make_solver(seed=self.seed, seconds=math.inf if left is None else max(0.1, left),
                             effort=max(1.0, deterministic_time), workers=WORKERS)
        params = solver.parameters
        best = _Best()
        done = threading.Event()
        began = time.monotonic()

        def beat() -> None:
            while not done.wait(self.heartbeat):
                objective = "-" if best.objective is None else f"{best.objective:.0f}"
                seconds = time.monotonic() - began
                self.say(f"  … {label[0]}: searching for {seconds:.0f} s, best objective {objective}",
                         f"  … {label[1]}：已搜索 {seconds:.0f} 秒，当前最优目标值 {objective}")

        thread = None
        if self.progress is not None:
            thread = threading.Thread(target=beat, daemon=True)
            thread.start()
        try:
            status = status_of(solver.solve(model, best))
        finally:
            done.set()
            if thread is not None:
                thread.join()
        if left is not None and status in (Status.FEASIBLE, Status.UNKNOWN) \
                and solver.wall_time >= params.max_time_in_seconds - 0.5 \
                and solver.response_proto.deterministic_time < params.max_deterministic_time:
            self.stopped = True
        return solver, status
