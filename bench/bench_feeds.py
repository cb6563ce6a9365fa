"""Benchmark of the feeds and their pages: writing every feed of each sample, and the server under wrk.

    python bench/bench_feeds.py [--case SCENARIO[=OUT]]... [--time-limit 60] [--duration 10]
                                [--connections 16] [--runs 3] [--skip-server]

Each ``--case`` is a scenario folder and, after ``=``, a published OUT of it (``tongbu solve``), whose
``solution.json`` and ``activities/plan.json`` are used; without ``=OUT`` the scenario is solved first
(``--time-limit``). Default: ``samples/pengshui``.

Generation runs the way ``tongbu solve`` publishes the feeds (``scheduler.publish.write_feeds_with_activities``:
lessons, research blocks, the activity plan, itinerant travel legs) into an empty folder, in a child
process of its own, so the figures are that step's alone: wall seconds (target ≤ 10 s on Pengshui),
CPU seconds (user + system of all its threads and worker processes: what the machine's load inflates
least), peak RSS of the process and of its workers, and the load average at the start (the machine is
shared).

The server (first case only, unless ``--skip-server``): ``tongbu serve`` on the generated OUT, run as a
user runs it; ``wrk -t2 -c16`` over loopback fetching 200 teacher and class feeds (bench/bench_server.py:
keep-alive, ``Connection: close``, 304 revalidation), then their pages ``/p/<token>/``: p50 and p99 with
every request for a different day (``?date=``, so each page is drawn: render time) and for today's page
(drawn once, then from the cache). Medians of ``--runs`` runs. Exit status 1 when a target is missed,
2 when a tool or input is missing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_server import P99_TARGET_MS, RPS_TARGET, Server, server_figures  # noqa: E402
from feeds.tokens import ensure_tokens, read_manifest  # noqa: E402

GENERATION_TARGET_S = 10.0
PAGES_MEASURED = 200
PAGE_SCRIPT = """
local paths = {%s}
local days = {%s}
local vary = os.getenv("BENCH_VARY_DAY") == "1"
local i = 0
request = function()
  i = i + 1
  local path = paths[(i %% #paths) + 1]
  if vary then
    path = path .. "?date=" .. days[(math.floor(i / #paths) %% #days) + 1]
  end
  return wrk.format("GET", path)
end
"""

GENERATE = """
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from models.validation import load_scenario
from models.solution import Solution
from scheduler.publish import write_feeds_with_activities
scenario = load_scenario(Path({scenario!r}))
solution = Solution.model_validate_json(Path({solution!r}).read_text(encoding="utf-8"))
plan = None
if {plan!r}:
    from scheduler.activities import read_plan
    plan = read_plan(Path({plan!r}).parent.parent)
from feeds import writer
def used(who):
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime
main_before, workers_before = used(resource.RUSAGE_SELF), used(resource.RUSAGE_CHILDREN)
rss_before = int(open("/proc/self/statm").read().split()[1]) * resource.getpagesize() if Path("/proc/self/statm").exists() else 0
started = time.perf_counter()
write_feeds_with_activities(scenario, solution, Path({out!r}), None, plan)
wall = time.perf_counter() - started
main_cpu, workers_cpu = used(resource.RUSAGE_SELF) - main_before, used(resource.RUSAGE_CHILDREN) - workers_before
print(json.dumps({{"wall": wall, "cpu": main_cpu + workers_cpu, "main_cpu": main_cpu, "workers_cpu": workers_cpu,
                  "processes": writer.last_processes,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "worker_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                  "inputs_mb": rss_before / 2**20}}))
"""


def solved(scenario_dir: Path, out: Path | None, time_limit: float, work: Path) -> tuple[Path, Path | None]:
    """(solution.json, activities/plan.json or None) of a case; solves the scenario when no OUT is given."""
    if out is not None:
        plan = out / "activities" / "plan.json"
        return out / "solution.json", plan if plan.is_file() else None
    from models.validation import load_scenario
    from models.solution import solution_json
    from scheduler.timetable.solve import solve_scenario

    result = solve_scenario(load_scenario(scenario_dir), time_limit=time_limit, seed=0, workers=2)
    path = work / f"{scenario_dir.name}-solution.json"
    path.write_text(solution_json(result.solution), encoding="utf-8")
    return path, None


def generate(scenario_dir: Path, solution: Path, plan: Path | None, out: Path) -> dict:
    """Write the feeds in a child process; its wall and CPU seconds and peak RSS, with feed counts."""
    out.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()[0]
    code = GENERATE.format(root=str(ROOT), scenario=str(scenario_dir), solution=str(solution),
                           plan=str(plan) if plan else "", out=str(out))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(done.stdout + done.stderr)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    manifest = read_manifest(out)
    kinds: dict[str, int] = {}
    for feed in manifest["feeds"]:
        kinds[feed["kind"]] = kinds.get(feed["kind"], 0) + 1
    size = sum(f["bytes"] for f in manifest["feeds"])
    events = sum(f["events"] for f in manifest["feeds"])
    print(f"{scenario_dir.name}: {len(manifest['feeds'])} feeds ({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))}), "
          f"{events} events in all, {size / 1e6:.0f} MB")
    processes = figures["processes"]
    workers = (f", each of the {processes} worker processes at most {figures['worker_peak_mb']:.0f} MB"
               if processes > 1 else "")
    # What the wall time would be with the two cores to itself: the main process's part, then the workers'
    # part shared by the cores (the load of a shared machine stretches the measured wall time).
    alone = figures["main_cpu"] + figures["workers_cpu"] / max(1, min(processes, os.cpu_count() or 1))
    print(f"{scenario_dir.name}: feed generation {figures['wall']:.2f} s wall (target <= {GENERATION_TARGET_S:.0f} s); "
          f"CPU {figures['main_cpu']:.2f} s in the main process + {figures['workers_cpu']:.2f} s in {processes if processes > 1 else 'no'} "
          f"worker process(es), so about {alone:.1f} s on an otherwise idle {os.cpu_count()}-core machine; "
          f"peak RSS {figures['peak_mb']:.0f} MB ({figures['inputs_mb']:.0f} MB with scenario and solution loaded){workers}; "
          f"load average {load:.1f} at the start")
    return {"sample": scenario_dir.name, "feeds": len(manifest["feeds"]), "events": events, "mb": round(size / 1e6),
            "wall_s": round(figures["wall"], 2), "cpu_s": round(figures["cpu"], 2), "idle_estimate_s": round(alone, 1),
            "processes": figures["processes"],
            "peak_mb": round(figures["peak_mb"]), "worker_peak_mb": round(figures["worker_peak_mb"]), "load": round(load, 1)}


def _percentiles(text: str) -> tuple[float, float, float]:
    """(requests per second, p50 ms, p99 ms) from ``wrk --latency`` output."""
    unit = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    rate = re.search(r"Requests/sec:\s+([\d.]+)", text)
    p50 = re.search(r"\s50%\s+([\d.]+)(us|ms|s)\b", text)
    p99 = re.search(r"\s99%\s+([\d.]+)(us|ms|s)\b", text)
    if not (rate and p50 and p99) or "Non-2xx" in text:
        raise RuntimeError(f"unexpected wrk output:\n{text}")
    return float(rate.group(1)), float(p50.group(1)) * unit[p50.group(2)], float(p99.group(1)) * unit[p99.group(2)]


def page_figures(out: Path, runs: int, duration: int, connections: int) -> dict:
    """Pages of 200 teacher and class feeds under wrk: drawn for a different day each time, and today's."""
    tokens = ensure_tokens(out)
    manifest = read_manifest(out)
    chosen = [f for f in sorted(manifest["feeds"], key=lambda f: f["id"])
              if f["kind"] in ("teacher", "class") and tokens.get(f["id"])][:PAGES_MEASURED]
    start = date.fromisoformat(manifest["term"]["start"])
    days = [start + timedelta(days=7 * week + offset) for week in range(18) for offset in range(5)]
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "pages.lua"
        script.write_text(PAGE_SCRIPT % (", ".join(f'"/p/{tokens[f["id"]]}/"' for f in chosen),
                                         ", ".join(f'"{d.isoformat()}"' for d in days)), encoding="utf-8")
        server = Server(out)
        try:
            import httpx

            with httpx.Client(base_url=server.url, timeout=60) as client:
                for feed in chosen:  # the first request reads, verifies and parses each feed
                    client.get(f"/p/{tokens[feed['id']]}/").raise_for_status()
            for label, vary in (("pages drawn", True), ("pages cached", False)):
                measured = []
                for _ in range(runs):
                    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "-s", str(script),
                               server.url + "/"]
                    done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60, check=False,
                                          env={**os.environ, "BENCH_VARY_DAY": "1" if vary else "0"})
                    measured.append(_percentiles(done.stdout))
                rps = statistics.median(m[0] for m in measured)
                p50 = statistics.median(m[1] for m in measured)
                p99 = statistics.median(m[2] for m in measured)
                print(f"{label:12}: {rps:6.0f} requests/s, p50 {p50:5.1f} ms, p99 {p99:6.1f} ms (median of {runs}; "
                      f"wrk -t2 -c{connections} -d{duration}s over {len(chosen)} pages"
                      + (", a different day each request)" if vary else ", today's page)"))
                key = "drawn" if vary else "cached"
                results[f"pages_{key}_rps"] = round(rps)
                results[f"pages_{key}_p50_ms"], results[f"pages_{key}_p99_ms"] = round(p50, 1), round(p99, 1)
            print(f"server RSS after the pages: {server.rss_mb():.0f} MB (main process and workers)")
        finally:
            server.stop()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--case", action="append", default=[], metavar="SCENARIO[=OUT]",
                        help="a scenario folder and, after =, a published OUT of it (repeatable)")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--runs", type=int, default=3, help="wrk runs (the median is reported)")
    parser.add_argument("--skip-server", action="store_true")
    args = parser.parse_args(argv)
    cases = []
    for case in args.case or [str(ROOT / "samples" / "pengshui")]:
        scenario, _, out = case.partition("=")
        cases.append((Path(scenario), Path(out) if out else None))
        if not (Path(scenario) / "scenario.yaml").exists() or (out and not (Path(out) / "solution.json").exists()):
            print(f"{case}: no scenario.yaml or no OUT/solution.json", file=sys.stderr)
            return 2
    if not args.skip_server and shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk): server benchmark not run", file=sys.stderr)
        return 2
    summary: dict[str, object] = {"generation": []}
    met = True
    with tempfile.TemporaryDirectory() as folder:
        for number, (scenario, out) in enumerate(cases):
            solution, plan = solved(scenario, out, args.time_limit, Path(folder))
            target = Path(folder) / f"OUT-{number}"
            figures = generate(scenario, solution, plan, target)
            summary["generation"].append(figures)  # type: ignore[union-attr]
            met &= figures["wall_s"] <= GENERATION_TARGET_S or scenario.name != "pengshui"
            if number == 0 and not args.skip_server:
                started = time.perf_counter()
                feeds = server_figures(target, runs=args.runs, duration=args.duration, connections=args.connections)
                pages = page_figures(target, args.runs, args.duration, args.connections)
                summary.update(feeds)
                summary.update(pages)
                met &= feeds["keepalive_rps"] >= RPS_TARGET and feeds["keepalive_p99_ms"] <= P99_TARGET_MS
                print(f"server figures took {time.perf_counter() - started:.0f} s")
            shutil.rmtree(target, ignore_errors=True)
    summary["targets_met"] = met
    print(json.dumps(summary, ensure_ascii=False))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
