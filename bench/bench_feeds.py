"""Benchmark of the feeds: writing every feed of a sample, and the subscription server under wrk.

    python bench/bench_feeds.py [--scenario samples/pengshui] [--solution OUT/solution.json]
                                [--time-limit 60] [--duration 10] [--connections 16]

Without ``--solution`` the scenario is solved first (scheduler.timetable.solve.solve_scenario, the time limit
given). Figures printed: feed generation seconds (target ≤ 10 s) with feed and event counts; the
server's requests/s (target ≥ 1,000) and p99 latency (target ≤ 50 ms) under ``wrk`` over loopback,
a bounded run of ``--duration`` seconds fetching a mix of real feed URLs. Exit status 1 when a
target is missed, 2 when a tool or input is missing.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from feeds.server import make_server  # noqa: E402
from feeds.tokens import ensure_tokens, read_manifest  # noqa: E402
from feeds.writer import write_feeds  # noqa: E402
from models.solution import Solution  # noqa: E402

GENERATION_TARGET_S = 10.0
RPS_TARGET = 1000.0
P99_TARGET_MS = 50.0

WRK_SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
"""


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


def parse_wrk(text: str) -> tuple[float, float]:
    """(requests per second, p99 latency in ms) from ``wrk --latency`` output."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    value, unit = re.search(r"\s99%\s+([\d.]+)(us|ms|s)\b", text).groups()
    p99 = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    return rps, p99


def bench_server(out: Path, duration: int, connections: int) -> tuple[float, float]:
    wrk = shutil.which("wrk")
    if wrk is None:
        print("wrk is not installed (apt-get install wrk): server benchmark not run", file=sys.stderr)
        sys.exit(2)
    tokens = ensure_tokens(out)
    feeds = sorted(read_manifest(out)["feeds"], key=lambda f: f["id"])
    # A realistic mix: teacher and class feeds (what people subscribe to), up to 200 distinct URLs.
    chosen = [f for f in feeds if f["kind"] in ("teacher", "class")][:200] or feeds
    paths = [f"/f/{tokens[f['id']]}.ics" for f in chosen]
    mean_kb = sum(f["bytes"] for f in chosen) / len(chosen) / 1024
    server = make_server(out, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        # Warm-up: the server reads and verifies each feed on its first request; measure steady state.
        import httpx

        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            for path in paths:
                client.get(path).raise_for_status()
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(WRK_SCRIPT % ", ".join(f'"{p}"' for p in paths))
        done = subprocess.run([wrk, "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "-s", script.name,
                               f"http://127.0.0.1:{port}/"], capture_output=True, text=True, timeout=duration + 60)
        Path(script.name).unlink(missing_ok=True)
    finally:
        server.shutdown()
        server.server_close()
    if done.returncode != 0 or "Non-2xx" in done.stdout:
        print(done.stdout + done.stderr, file=sys.stderr)
        sys.exit(1)
    rps, p99 = parse_wrk(done.stdout)
    print(f"server: {rps:.0f} requests/s (target >= {RPS_TARGET:.0f}), p99 {p99:.1f} ms (target <= {P99_TARGET_MS:.0f} ms); "
          f"wrk -t2 -c{connections} -d{duration}s over {len(paths)} feeds of {mean_kb:.0f} KB on average")
    return rps, p99


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", type=Path, default=ROOT / "samples" / "pengshui")
    parser.add_argument("--solution", type=Path, default=None, help="a solution.json (else the scenario is solved)")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args(argv)
    if not args.scenario.exists():
        print(f"{args.scenario} does not exist", file=sys.stderr)
        return 2
    scenario, solution = load_inputs(args.scenario, args.solution, args.time_limit)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "OUT"
        seconds = bench_generation(scenario, solution, out)
        rps, p99 = bench_server(out, args.duration, args.connections)
    met = seconds <= GENERATION_TARGET_S and rps >= RPS_TARGET and p99 <= P99_TARGET_MS
    print(json.dumps({"generation_s": round(seconds, 2), "requests_per_s": round(rps), "p99_ms": round(p99, 1),
                      "targets_met": met}))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
