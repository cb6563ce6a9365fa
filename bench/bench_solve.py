"""Benchmark the solver: per part and in total, build and solve time, first feasible, memory, objective, gap.

Usage:
    .venv/bin/python bench/bench_solve.py [--time-limit 60] [--workers 2] [--seed 0] [FOLDER ...]

Without folders it solves every sample folder under samples/ that has a scenario.yaml, and when
there is none, a generated county (tests/test_solver_scenarios.county_scenario: 8 consortia).
Peak memory is the largest resident set of this process and of the worker processes.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _scenarios(folders: list[str], villages: int) -> list[tuple[str, object]]:
    from models.files import load_scenario

    paths = [Path(f) for f in folders] or sorted(p.parent for p in (ROOT / "samples").glob("*/scenario.yaml"))
    found = [(str(p), load_scenario(p)) for p in paths]
    if not found:
        sys.path.insert(0, str(ROOT / "tests"))
        from test_solver_scenarios import county_scenario

        found = [(f"generated county (8 consortia, {villages} village schools each)", county_scenario(villages=villages))]
    return found


def _fmt(value: float | None, spec: str = ".1f") -> str:
    return "-" if value is None else format(value, spec)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--villages", type=int, default=4, help="village schools per consortium when generating")
    args = parser.parse_args()

    from scheduler.timetable.solve import solve_scenario

    for name, scenario in _scenarios(args.folders, args.villages):
        print(f"== {name}: {len(scenario.schools)} schools, {len(scenario.classes)} classes, "
              f"{len(scenario.teachers)} teachers; time limit {args.time_limit}, workers {args.workers}")
        started = time.perf_counter()
        result = solve_scenario(scenario, time_limit=args.time_limit, seed=args.seed, workers=args.workers,
                                progress=lambda p: p["event"] == "done" and print(
                                    f"   .. {p['part']} {p['status']} objective {p['objective']}", flush=True))
        wall = time.perf_counter() - started
        print(f"{'part':<24} {'status':<10} {'build s':>8} {'solve s':>8} {'first s':>8} {'dtime':>6} "
              f"{'vars':>8} {'RSS MB':>7} {'objective':>10} {'bound':>10} {'gap':>7}")
        for out in result.outputs:
            print(f"{out.id:<24} {out.status:<10} {out.build_seconds:>8.1f} {out.solve_seconds:>8.1f} "
                  f"{_fmt(out.first_feasible_seconds):>8} {out.deterministic_time:>6.1f} {out.variables:>8} "
                  f"{out.peak_rss_mb:>7.0f} {_fmt(out.objective, '.0f'):>10} {_fmt(out.bound, '.0f'):>10} "
                  f"{_fmt(out.gap, '.2%'):>7}{'  (wall safety limit hit)' if out.hit_wall_limit else ''}")
        peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                   resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
        recomputed = result.recompute_objective(scenario)
        print(f"TOTAL {result.status}: wall {wall:.1f} s, objective {_fmt(result.objective, '.0f')} "
              f"(recomputed {recomputed}), bound {_fmt(result.bound, '.0f')}, gap {_fmt(result.gap, '.2%')}, "
              f"peak RSS {peak:.0f} MB")
        for conflict in result.explanation[:10]:
            print("  conflict:", conflict.en)


if __name__ == "__main__":
    main()
