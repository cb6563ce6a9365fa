"""Benchmark ``tongbu solve`` on the samples the way a user runs it, and print what a school would see.

For each sample folder: ``tongbu solve FOLDER --out OUT`` with the CLI's defaults (or ``--time-limit``),
then ``tongbu verify``. Printed per sample: wall time of the whole command, exit code, verify result,
peak memory of the command and of its largest worker process, and from OUT/quality.json the figures of
the quality targets (holes, late starts, core subjects in the morning, teacher gaps per teacher-day,
subjects repeated in a day) for the county and for each consortium, with the objective, the counting
lower bound and the best objective known for the sample (bench/results/best_known.json, kept from long
runs with ``--record-best``); and from the progress lines, when each part had its first timetable.

    .venv/bin/python bench/bench_solve.py [--time-limit 120] [--repeats 1] [--record-best] [FOLDER ...]
    .venv/bin/python bench/bench_solve.py --effort 800 --time-limit 7200 --record-best samples/pengshui   # best known

The machine is shared: run it alone, several times (``--repeats``), and read the medians.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
TONGBU = [sys.executable, "-m", "cli"]
BEST = ROOT / "bench" / "results" / "best_known.json"


def _watch(process: psutil.Popen, peaks: dict[str, float], stop: threading.Event) -> None:
    """Peak resident memory of the command and of its largest child (a worker), sampled twice a second."""
    while not stop.is_set():
        try:
            own = process.memory_info().rss
            children = [c.memory_info().rss for c in process.children(recursive=True)]
        except psutil.Error:
            break
        peaks["command"] = max(peaks.get("command", 0.0), own / 2**20)
        peaks["worker"] = max(peaks.get("worker", 0.0), max(children, default=0) / 2**20)
        stop.wait(0.5)


def run_solve(folder: Path, out: Path, extra: list[str]) -> dict:
    command = TONGBU + ["--lang", "en", "solve", str(folder), "--out", str(out)] + extra
    started = time.perf_counter()
    peaks: dict[str, float] = {}
    stop = threading.Event()
    process = psutil.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watcher = threading.Thread(target=_watch, args=(process, peaks, stop), daemon=True)
    watcher.start()
    stdout, stderr = process.communicate()
    wall = time.perf_counter() - started
    stop.set()
    watcher.join()
    firsts = [float(m) for m in re.findall(r"\] [^:]+: (?:feasible|optimal)[^\n]* in (\d+) s", stderr)]
    return {"wall": wall, "code": process.returncode, "stdout": stdout, "stderr": stderr, "peaks": peaks,
            "parts_done_seconds": firsts}


def run_verify(folder: Path, out: Path) -> str:
    done = subprocess.run(TONGBU + ["--lang", "en", "verify", str(folder), str(out)], cwd=ROOT, capture_output=True,
                          text=True)
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else f"exit {done.returncode}"


def _figures(row: dict) -> str:
    share = f"{100 * row['core_morning'] / row['core_lessons']:.1f}%" if row.get("core_lessons") else "-"
    gaps = f"{row['teacher_gaps'] / row['teacher_days']:.2f}" if row.get("teacher_days") else "-"
    return (f"holes {row['holes']:>4}  late {row['late_starts']:>4}  core-morning {share:>6}  "
            f"gaps/teacher-day {gaps:>5}  repeats {row['repeats']:>4}")


def report(name: str, folder: Path, runs: list[dict], best: dict) -> None:
    walls = [r["wall"] for r in runs]
    print(f"== {name}: {len(runs)} run(s); wall median {statistics.median(walls):.1f} s (min {min(walls):.1f}, "
          f"max {max(walls):.1f}); exit {[r['code'] for r in runs]}; verify: {[r['verify'] for r in runs]}")
    peaks = [r["peaks"] for r in runs]
    print(f"   peak memory: command {max(p.get('command', 0) for p in peaks):.0f} MB, largest worker "
          f"{max(p.get('worker', 0) for p in peaks):.0f} MB")
    last = runs[-1]
    if last.get("quality") is None:
        print("   no quality.json (nothing published)")
        print("   " + last["stderr"].strip().replace("\n", "\n   ")[-2000:])
        return
    quality = last["quality"]
    print(f"   county      {_figures(quality['county'])}")
    for row in quality["consortia"]:
        print(f"   {row['name'][:20]:<20} {_figures(row)}")
    objective, bound = quality.get("objective"), quality.get("bound")
    known = best.get(name)
    distance = "-" if not known or objective is None else f"{100 * (objective - known) / max(1.0, known):+.1f}%"
    print(f"   objective {objective}  lower bound {bound}  best known {known}  from best known {distance}")
    print(f"   penalties by family: {quality.get('penalties')}")
    if last["parts_done_seconds"]:
        print(f"   parts finished after (s, from their start): {sorted(last['parts_done_seconds'])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="*")
    parser.add_argument("--time-limit", type=float, default=None, help="default: the CLI's own")
    parser.add_argument("--effort", type=float, default=None,
                        help="pass --effort to tongbu solve: a long reproducible run for --record-best (its quality does not "
                             "depend on how busy the machine is; give a --time-limit cap long enough)")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--record-best", action="store_true", help="store a better objective in best_known.json")
    args = parser.parse_args()
    folders = [Path(f) for f in args.folders] or sorted(p.parent for p in (ROOT / "samples").glob("*/scenario.yaml"))
    best = json.loads(BEST.read_text(encoding="utf-8")) if BEST.is_file() else {}
    extra = [] if args.time_limit is None else ["--time-limit", str(args.time_limit)]
    extra += [] if args.effort is None else ["--effort", str(args.effort)]
    for folder in folders:
        runs = []
        for _ in range(args.repeats):
            with tempfile.TemporaryDirectory(prefix="tongbu-bench-") as tmp:
                out = Path(tmp) / "out"
                run = run_solve(folder.resolve(), out, extra)
                run["verify"] = run_verify(folder.resolve(), out) if run["code"] == 0 else "-"
                path = out / "quality.json"
                run["quality"] = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
                runs.append(run)
        report(folder.name, folder, runs, best)
        objective = runs[-1]["quality"]["objective"] if runs[-1].get("quality") else None
        if args.record_best and objective is not None and objective < best.get(folder.name, float("inf")):
            best[folder.name] = objective
            BEST.write_text(json.dumps(best, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
            print(f"   recorded as the best known objective of {folder.name}")


if __name__ == "__main__":
    main()
