"""Benchmark of the feeds: writing every feed of a sample, and the subscription server under wrk.

    python bench/bench_feeds.py [--scenario samples/pengshui] [--solution OUT/solution.json]
                                [--time-limit 60] [--duration 10] [--connections 16] [--runs 3]

Without ``--solution`` the scenario is solved first (scheduler.timetable.solve.solve_scenario, the time limit
given). Figures printed: feed generation seconds (target ≤ 10 s) with feed and event counts; the
server's requests/s (target ≥ 2,000) and p99 latency (target ≤ 20 ms) under ``wrk`` over loopback with
keep-alive and with ``Connection: close``: ``tongbu serve`` run as a user runs it, ``--runs`` bounded runs
of ``--duration`` seconds fetching 200 real feed URLs, medians reported (bench/bench_server.py). Exit status 1 when a
target is missed, 2 when a tool or input is missing.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_server import P99_TARGET_MS, RPS_TARGET, server_figures  # noqa: E402
from feeds.tokens import read_manifest  # noqa: E402
from feeds.writer import write_feeds  # noqa: E402
from models.solution import Solution  # noqa: E402

GENERATION_TARGET_S = 10.0


def load_inputs(scenario_dir: Path, solution_file: Path | None, time_limit: float):
    from models.files import load_scenario

    scenario = load_scenario(scenario_dir)
    if solution_file is not None:
        return scenario, Solution.model_validate_json(solution_file.read_text(encoding="utf-8"))
    from scheduler.timetable.solve import solve_scenario

    result = solve_scenario(scenario, time_limit=time_limit, seed=0, workers=2)
    return scenario, result.solution


def bench_generation(scenario, solution, out: Path) -> float:
    started = time.perf_counter()
    paths = write_feeds(scenario, solution, out)
    seconds = time.perf_counter() - started
    manifest = read_manifest(out)
    kinds: dict[str, int] = {}
    for feed in manifest["feeds"]:
        kinds[feed["kind"]] = kinds.get(feed["kind"], 0) + 1
    events = sum(f["events"] for f in manifest["feeds"])
    size = sum(p.stat().st_size for p in paths)
    print(f"feeds: {len(paths)} ({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))}), "
          f"{events} events in all, {size / 1e6:.1f} MB")
    print(f"feed generation: {seconds:.2f} s (target <= {GENERATION_TARGET_S:.0f} s)")
    return seconds


def bench_server(out: Path, duration: int, connections: int, runs: int) -> tuple[float, float]:
    """``tongbu serve`` on the generated OUT under wrk (bench/bench_server.py does the measuring)."""
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk): server benchmark not run", file=sys.stderr)
        sys.exit(2)
    figures = server_figures(out, runs=runs, duration=duration, connections=connections)
    return figures["keepalive_rps"], figures["keepalive_p99_ms"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", type=Path, default=ROOT / "samples" / "pengshui")
    parser.add_argument("--solution", type=Path, default=None, help="a solution.json (else the scenario is solved)")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--runs", type=int, default=3, help="wrk runs (the median is reported)")
    args = parser.parse_args(argv)
    if not args.scenario.exists():
        print(f"{args.scenario} does not exist", file=sys.stderr)
        return 2
    scenario, solution = load_inputs(args.scenario, args.solution, args.time_limit)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "OUT"
        seconds = bench_generation(scenario, solution, out)
        rps, p99 = bench_server(out, args.duration, args.connections, args.runs)
    met = seconds <= GENERATION_TARGET_S and rps >= RPS_TARGET and p99 <= P99_TARGET_MS
    print(json.dumps({"generation_s": round(seconds, 2), "requests_per_s": round(rps), "p99_ms": round(p99, 1),
                      "targets_met": met}))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
