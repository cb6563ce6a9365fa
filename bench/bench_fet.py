"""tongbu against FET's own solver on FET's real-school example files.

For each file: import, solve (hard rules only, first timetable: the same goal as fet-cl), verify,
then run ``fet-cl`` on the same file with the same time limit, and print one markdown row:
activities, constraints left out, tongbu status and time, FET status and time, ratio.

    .venv/bin/python -m bench.bench_fet --time-limit 60 --out bench/results/fet.md [FILES…]

Without FILES it takes ``DEFAULT_FILES`` under FET-5-official. Times are wall seconds on this
machine (tongbu's include building the model; FET's are fet-cl's whole run). The time limit is
a wall limit for both, so the comparison is fair; tongbu's ``solve`` uses deterministic time instead.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path("/usr/share/doc/fet-data/examples/FET-5-official")
DEFAULT_FILES = (
    "Algeria/Mechanical-Batna_Univ/ET2012-2013-S1.fet",
    "Algeria/Mechanical-Batna_Univ/ET2012-2013-S2.fet",
    "Argentina/Horario_ISJ.fet",
    "Belize/Sacred-Heart-College/shc-2008/shc-prelim-08.fet",
    "Belize/Sacred-Heart-College/shc-2012/test-2012.fet",
    "Belize/Sacred-Heart-College/shc-2013/shc-2013.fet",
    "Belize/Sacred-Heart-College/shc-2013/shc-2013-more-difficult.fet",
    "Brazil/1/Brazil.fet",
    "Brazil/1/Brazil-more-difficult.fet",
    "Brazil/2/EEBLJ-Noturno.fet",
    "Brazil/3/ACHILES-MANHA.fet",
    "Bulgaria/Lom_high_school_2007-2008.fet",
    "Denmark/small-school.fet",
    "Egypt/Dakahlia/institution-2012-2013.fet",
    "Germany/DGS-Pro/dgspro200809.fet",
    "Germany/secondary-school-1/older/secondary_school.fet",
    "Germany/secondary-school-2/GYR.fet",
    "Greece/Didymoteicho/6th-Primary-School.fet",
    "Greece/Gymnasio/Gymnasio.fet",
    "Greece/Little-Music-School/MSA.fet",
    "Hong-Kong/secondary-school-2/FET-2020-07-30-SAMPLE_HK_6_period.fet",
    "Hungary/Bethlen/2007-2008-difficult/Bethlen_2007_2008.fet",
    "Hungary/Bethlen/2008-2009/2-newer/Bethlen-2008-2009.fet",
    "Hungary/Varosmajori_Gimnazium_Budapest/vmg-20180901b-2.fet",
    "Italy/2007/simple/simpler-Italian.fet",
    "Italy/2010/Liceo-2010.fet",
    "Namibia/by-Bobby/set-1/PBS.fet",
    "Namibia/by-Bobby/set-2/FGPS.fet",
    "Namibia/by-Bobby/set-2/JMSS.fet",
    "Namibia/by-Bobby/set-2/KPS.fet",
    "Namibia/by-Bobby/set-2/may-take-hours/CONCORDIA.fet",
    "Namibia/by-Bobby/set-5/KalengaPSY15T1a.fet",
    "Namibia/by-Willy/Highlands_Christian_School.fet",
    "Romania/Pedagogic-High-School-Tg-Mures/2006-2007.fet",
    "Saudi-Arabia/Arabic_Saudi_1.fet",
    "Saudi-Arabia/may-not-solve/Arabic_Saudi_Examination.fet",
    "Spain/1-school/school.fet",
    "United-Kingdom/Hopwood/Hopwood.fet",
    "Vietnam/2-secondary-school/VietNamHungYen.fet",
)
HARD_NAMES = ("impossible", "unsolvable", "may-not-solve")


def run_tongbu(path: Path, limit: float) -> dict:
    from constraints.checks import verify
    from models.fet import FetError, read_fet
    from scheduler.timetable.explicit import ExplicitRun, solve_explicit

    started = time.perf_counter()
    try:
        scenario = read_fet(path)
    except FetError as err:
        return {"status": "not read", "note": err.en.split(": ", 1)[-1], "seconds": None, "activities": "-", "left": "-"}
    tt = scenario.explicit
    run = ExplicitRun()
    result = solve_explicit(scenario, time_limit=limit, optimize=False, wall_limit=limit, workers=2, run=run,
                            reproducible_first=False, race=True)
    seconds = time.perf_counter() - started
    status = {"optimal": "solved", "feasible": "solved"}.get(result.status, result.status)
    note = ""
    if result.solution is not None:
        violations = verify(scenario, result.solution)
        status += f", {len(violations)} violations"
    elif result.explanation:
        note = "; ".join(c.en for c in result.explanation[:2])
    left = sum(x.count for x in tt.left_out)
    kinds = ", ".join(f"{x.kind} {x.count}" for x in tt.left_out)
    return {"status": status, "seconds": seconds, "activities": len(tt.activities), "left": left, "kinds": kinds,
            "note": note, "build": run.build_seconds}


def run_fet(path: Path, limit: float) -> dict:
    if shutil.which("fet-cl") is None:
        return {"status": "no fet-cl", "seconds": None}
    out = Path(tempfile.mkdtemp(prefix="fetbench."))
    started = time.perf_counter()
    try:
        done = subprocess.run(["fet-cl", f"--inputfile={path}", f"--outputdir={out}", f"--timelimitseconds={int(limit)}"],
                              capture_output=True, text=True, timeout=limit + 60)
        seconds = time.perf_counter() - started
        text = done.stdout + done.stderr
        result = (out / "logs" / "result.txt")
        text += result.read_text(errors="replace") if result.is_file() else ""
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "seconds": time.perf_counter() - started}
    finally:
        shutil.rmtree(out, ignore_errors=True)
    if "Simulation successful" in text:
        status = "solved"
    elif "Time exceeded" in text:
        status = "not solved"
    else:  # FET stopped before searching (its initial checks found the data impossible) or failed
        last = [line.strip() for line in text.splitlines() if line.strip()]
        status = "stopped: " + (last[-1][:80] if last else f"exit {done.returncode}")
    return {"status": status, "seconds": seconds}


def _fmt(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--no-fet", action="store_true", help="skip fet-cl (tongbu only)")
    args = parser.parse_args(argv)
    files = [Path(f) if Path(f).is_absolute() else ROOT / f for f in (args.files or DEFAULT_FILES)]
    header = ("| file | activities | left out | tongbu | s | FET | s | ratio |\n"
              "|---|---:|---:|---|---:|---|---:|---:|")
    lines = [header]
    print(header, flush=True)
    rows = []
    for path in files:
        if not path.is_file():
            print(f"| {path} | missing | | | | | | |", flush=True)
            continue
        ours = run_tongbu(path, args.time_limit)
        theirs = {"status": "skipped", "seconds": None} if args.no_fet else run_fet(path, args.time_limit)
        ratio = (ours["seconds"] / theirs["seconds"]
                 if ours["seconds"] and theirs["seconds"] and ours["status"].startswith("solved")
                 and theirs["status"] == "solved" else None)
        name = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
        status = ours["status"] + (f" ({ours['note']})" if ours.get("note") else "")
        line = (f"| {name} | {ours['activities']} | {ours['left']} | {status} | {_fmt(ours['seconds'])} | "
                f"{theirs['status']} | {_fmt(theirs['seconds'])} | {'-' if ratio is None else f'{ratio:.2f}'} |")
        print(line, flush=True)
        lines.append(line)
        rows.append((name, ours, theirs, ratio))
    summary = summarize(rows, args.time_limit)
    print("\n" + summary)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(f"Time limit {args.time_limit:g} s (wall, both solvers).\n\n" + "\n".join(lines) + "\n\n"
                            + summary + "\n", encoding="utf-8")
    return 0


def summarize(rows: list, limit: float) -> str:
    complete = [r for r in rows if r[1]["left"] == 0]
    target = [r for r in complete if r[2]["status"] == "solved"]
    met = [r for r in target if r[1]["status"].startswith("solved")]
    slow = [r[3] for r in rows if r[3] is not None and r[2]["seconds"] and r[2]["seconds"] > 5]
    both = [r for r in rows if r[1]["status"].startswith("solved") and r[2]["status"] == "solved"]
    lines = [
        f"- files: {len(rows)}; tongbu solved {sum(r[1]['status'].startswith('solved') for r in rows)}, "
        f"FET solved {sum(r[2]['status'] == 'solved' for r in rows)}, both {len(both)}",
        f"- every constraint imported and FET solves within {limit:g} s: {len(target)} files; tongbu solves {len(met)} "
        f"of them" + (f" (not: {', '.join(r[0] for r in target if r not in met)})" if len(met) < len(target) else ""),
        f"- median tongbu/FET time ratio where FET needed > 5 s and both solved: "
        + (f"{statistics.median(slow):.2f} over {len(slow)} files" if slow else "no such file"),
        f"- median ratio over every file both solved: "
        + (f"{statistics.median([r[3] for r in both]):.2f}" if both else "-"),
    ]
    for name, ours, _theirs, _ in rows:
        if any(word in name.lower() for word in HARD_NAMES):
            lines.append(f"- {name} (FET's folder says it may not solve): tongbu {ours['status']}"
                         + (f": {ours['note']}" if ours.get("note") else ""))
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
