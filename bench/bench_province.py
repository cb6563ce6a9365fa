"""Benchmark a synthetic province: parts per minute on local processes and on a Dask LocalCluster.

Usage:
    .venv/bin/python bench/bench_province.py [--counties 10 --consortia 20] [--sample 12] [--repeats 1]
                                             [--time-limit 10] [--skip-full]

1. Throughput: the same ``--sample`` parts (fixed inputs, so the same work) solved by 1 local
   process (in this process), 2 local processes, and a 2-worker Dask LocalCluster (processes, one
   thread each): parts per minute, scaling from 1 to 2 workers, scheduler overhead per part
   (workers x elapsed - pure solve time, per part: what the pool or Dask adds, including sending
   the scenario), peak memory per worker (the largest ru_maxrss any part saw in its process), and
   the deterministic time per part (CP-SAT's own measure of work: does not depend on load).
   With ``--repeats`` > 1 each figure is the median of the repeats.
2. The full province (``--counties`` x ``--consortia`` consortia) solved with ``solve_scenario``
   through the 2-worker LocalCluster and through 2 local processes: same solution.json bytes, and
   the independent checks (constraints.checks.verify) find no violation.

Budgets: at province scale every part gets scheduler.timetable.solve's minimum deterministic budget (4 s)
for any ``--time-limit`` below about the number of parts (the limit is shared by the parts in
proportion to their classes); phase 1 may use all of it. A part that finds no first timetable in
its budget is tried once more with RETRY_BUDGET_FACTOR (3) times the budget: on the default
200-consortium province 1 of 200 parts needed that (at a 2 s minimum, 5 of 200 found nothing).
With ``--save`` the part outputs are saved and compared even when a part has no timetable.
"""

from __future__ import annotations

import argparse
import pickle
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.province import build_province  # noqa: E402
from scheduler.executor import DaskExecutor, LocalExecutor  # noqa: E402
from scheduler.timetable.part import PartOutput  # noqa: E402
from scheduler.timetable.solve import MIN_PART_EFFORT, _part_inputs, solve_scenario  # noqa: E402
from models.solution import solution_json


def _timed_run(executor, parts) -> tuple[float, list[PartOutput]]:
    outputs: list[PartOutput] = []
    started = time.perf_counter()
    executor.run(parts, outputs.append)
    return time.perf_counter() - started, outputs


def _figures(elapsed: float, outputs: list[PartOutput], lanes: int) -> dict[str, float]:
    pure = [o.build_seconds + o.solve_seconds for o in outputs]
    return {"elapsed_s": elapsed, "parts_per_min": 60 * len(outputs) / elapsed,
            "solve_s_per_part": statistics.median(pure),
            "overhead_s_per_part": (lanes * elapsed - sum(pure)) / len(outputs),
            "dtime_per_part": statistics.median(o.deterministic_time for o in outputs),
            "peak_rss_mb": max(o.peak_rss_mb for o in outputs),
            "solved": sum(o.status in ("optimal", "feasible") for o in outputs)}


def _median(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def _print(name: str, fig: dict[str, float], parts: int) -> None:
    print(f"{name:<22} {fig['parts_per_min']:>7.1f} parts/min  elapsed {fig['elapsed_s']:>6.1f} s  "
          f"solve {fig['solve_s_per_part']:>5.1f} s/part (median)  overhead {fig['overhead_s_per_part']:>5.2f} s/part  "
          f"dtime {fig['dtime_per_part']:.2f}  peak RSS/worker {fig['peak_rss_mb']:.0f} MB  "
          f"solved {fig['solved']:.0f}/{parts}", flush=True)


def sample_parts(args: argparse.Namespace) -> list:
    """Parts of a smaller province with the budget every part gets at province scale (the minimum)."""
    sample = build_province(1, args.sample, args.seed + 1)
    # Every part gets the least effort (as at province scale); the clock only caps the run.
    return _part_inputs(sample, args.seed, 3600.0, 2, effort=MIN_PART_EFFORT)


_SOLVED: dict[str, dict[str, tuple]] = {}  # executor name -> part id -> (status, lessons, research): must agree


def measure(name: str, make, lanes: int, parts: list, repeats: int) -> dict[str, float]:
    runs = []
    for _ in range(repeats):
        elapsed, outputs = _timed_run(make(), parts)
        runs.append(_figures(elapsed, outputs, lanes))
        _SOLVED[name] = {o.id: (o.status, o.lessons, o.research) for o in outputs}
    figures = _median(runs)
    _print(name, figures, len(parts))
    return figures


def spot_check(scenario, dask_json: str, count: int, seed: int, time_limit: float) -> None:
    """Re-solve ``count`` parts of the province locally (2 processes) and compare with the Dask run's lessons."""
    import json

    from models import Solution

    parts = _part_inputs(scenario, seed, time_limit, 2)
    step = max(1, len(parts) // count)
    chosen = parts[::step][:count]
    outputs: list[PartOutput] = []
    LocalExecutor(2).run(chosen, outputs.append)
    lessons = [lesson for o in outputs for lesson in o.lessons]
    local = json.loads(Solution(district="", seed=seed, lessons=tuple(lessons)).model_dump_json(by_alias=True))
    schools = {school for p in chosen for school in p.schools}
    remote = [lesson for lesson in json.loads(dask_json)["lessons"] if lesson["school"] in schools]

    def key(lesson: dict) -> str:
        return json.dumps(lesson, sort_keys=True, ensure_ascii=False)

    same = sorted(map(key, local["lessons"])) == sorted(map(key, remote))
    print(f"spot check: {len(chosen)} parts re-solved locally ({len(lessons)} lessons): "
          f"{'identical to' if same else 'DIFFER from'} the Dask run", flush=True)


def _solve_full(name: str, scenario, args: argparse.Namespace, executor):
    done, total = [0], [0]

    def progress(event: dict) -> None:
        if event["event"] == "started":
            total[0] = len(event["parts"])
            return
        done[0] += 1
        if done[0] % 25 == 0 or done[0] == total[0]:
            print(f"   .. {done[0]}/{total[0]} parts", flush=True)

    started = time.perf_counter()
    result = solve_scenario(scenario, time_limit=args.time_limit, seed=args.seed, workers=2, progress=progress,
                            executor=executor)
    elapsed = time.perf_counter() - started
    outputs = list(result.outputs)
    pure = [o.build_seconds + o.solve_seconds for o in outputs]
    solved = sum(p.status in ("optimal", "feasible") for p in result.parts)
    print(f"{name:<22} status {result.status}, {solved}/{len(result.parts)} parts solved in {elapsed:.0f} s "
          f"({60 * len(outputs) / elapsed:.1f} parts/min), median solve {statistics.median(pure):.1f} s/part, "
          f"overhead {(2 * elapsed - sum(pure)) / len(outputs):.2f} s/part, median dtime "
          f"{statistics.median(o.deterministic_time for o in outputs):.2f}, peak RSS/worker "
          f"{max(o.peak_rss_mb for o in outputs):.0f} MB", flush=True)
    for conflict in result.explanation[:5]:
        print("   conflict:", conflict.en)
    return result


def _save(args: argparse.Namespace, name: str, scenario, result) -> None:
    """With --save: keep this run's solution.json, and compare with the other run's when it is there."""
    if args.save is None:
        return
    args.save.mkdir(parents=True, exist_ok=True)
    if result.solution is None:
        # Still comparable part by part: every part's status and lessons, in part order.
        import json

        parts = [{"id": o.id, "status": o.status, "lessons": [lesson.model_dump(mode="json") for lesson in o.lessons]}
                 for o in sorted(result.outputs, key=lambda o: o.id)]
        text = json.dumps(parts, ensure_ascii=False, sort_keys=True)
        (args.save / f"{name}-parts.json").write_text(text, encoding="utf-8")
        other = args.save / ("dask-parts.json" if name == "local" else "local-parts.json")
        if other.exists():
            same = other.read_text(encoding="utf-8") == text
            print(f"RESULT: {name} part outputs {'identical to' if same else 'DIFFER from'} {other.name}", flush=True)
        return
    from constraints.checks import verify

    (args.save / f"{name}.json").write_text(solution_json(result.solution), encoding="utf-8")
    print(f"{name}: verify: {len(verify(scenario, result.solution))} violations", flush=True)
    other = args.save / ("dask.json" if name == "local" else "local.json")
    if other.exists():
        same = other.read_text(encoding="utf-8") == solution_json(result.solution)
        print(f"RESULT: {name} solution.json {'identical to' if same else 'DIFFERS from'} {other.name}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counties", type=int, default=10)
    parser.add_argument("--consortia", type=int, default=20, help="consortia per county")
    parser.add_argument("--sample", type=int, default=12, help="parts in the throughput runs")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-full", action="store_true", help="throughput only")
    parser.add_argument("--skip-throughput", action="store_true", help="full province only")
    parser.add_argument("--only", choices=["local", "dask"], help="solve the full province only this way")
    parser.add_argument("--spot-check", type=Path, metavar="DASK_JSON",
                        help="only re-solve --sample parts of the province locally and compare with this dask.json")
    parser.add_argument("--save", type=Path, help="write each full run's solution.json here (local.json, dask.json) "
                                                  "and compare with the other run's file when it is there")
    args = parser.parse_args()
    if args.spot_check is not None:
        scenario = build_province(args.counties, args.consortia, args.seed)
        spot_check(scenario, args.spot_check.read_text(encoding="utf-8"), args.sample, args.seed, args.time_limit)
        return

    # Local pools fork this process, so every local run comes before the cluster's threads exist.
    results: dict[str, dict[str, float]] = {}
    if not args.skip_throughput:
        parts = sample_parts(args)
        print(f"== throughput: {len(parts)} parts, budgets {min(p.deterministic_time for p in parts):.1f}-"
              f"{max(p.deterministic_time for p in parts):.1f} deterministic s, {args.repeats} repeat(s), medians",
              flush=True)
        results["local1"] = measure("local, 1 worker", lambda: LocalExecutor(1), 1, parts, args.repeats)
        results["local2"] = measure("local, 2 workers", lambda: LocalExecutor(2), 2, parts, args.repeats)
    local = scenario = None
    if not args.skip_full:
        started = time.perf_counter()
        scenario = build_province(args.counties, args.consortia, args.seed)
        print(f"== province: {len(scenario.consortia)} consortia, {len(scenario.schools)} schools, "
              f"{len(scenario.classes)} classes, {len(scenario.teachers)} teachers (built in "
              f"{time.perf_counter() - started:.1f} s, {len(pickle.dumps(scenario)) / 2**20:.1f} MB pickled)",
              flush=True)
        if args.only != "dask":
            local = _solve_full("local, 2 workers", scenario, args, None)
            _save(args, "local", scenario, local)

    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
            Client(cluster) as client:
        if not args.skip_throughput:
            results["dask2"] = measure("dask, 2 workers", lambda: DaskExecutor(client), 2, parts, args.repeats)
            one = results["local1"]["parts_per_min"]
            print(f"scaling 1 -> 2 local workers: {results['local2']['parts_per_min'] / one:.2f}x; "
                  f"1 local -> 2 Dask workers: {results['dask2']['parts_per_min'] / one:.2f}x", flush=True)
            agree = all(solved == _SOLVED["local, 1 worker"] for solved in _SOLVED.values())
            print(f"outputs of the {len(parts)} parts {'identical' if agree else 'DIFFER'} across "
                  f"{', '.join(_SOLVED)}", flush=True)
        if scenario is not None and args.only != "local":
            dask = _solve_full("dask, 2 workers", scenario, args, DaskExecutor(client))
            _save(args, "dask", scenario, dask)
            if local is None or local.solution is None or dask.solution is None:
                print("RESULT: no complete solution; not compared", flush=True)
                return
            from constraints.checks import verify

            same = solution_json(local.solution) == solution_json(dask.solution)
            violations = verify(scenario, dask.solution)
            print(f"RESULT: dask solution.json {'identical to' if same else 'DIFFERS from'} local; "
                  f"verify: {len(violations)} violations", flush=True)


if __name__ == "__main__":
    main()
