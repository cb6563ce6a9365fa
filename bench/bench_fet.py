"""tongbu against FET's own solver on FET's real-school example files, each run as a user runs it.

For each file, one at a time: ``tongbu import-fet FILE --out D``; ``tongbu solve D --out O --time-limit
LIMIT`` (the CLI's defaults otherwise; the time to its first timetable is read from its progress line);
``tongbu verify D O``; ``tongbu export-fet D --out E.fet``; then ``fet-cl`` with the same limit on the
original file and on tongbu's export of it (the same problem tongbu solved: what tongbu leaves out is
left out of the export too). One markdown row per file: activities, what the import left out (by kind),
rooms used (activities tongbu placed in a room, of those the file's room constraints ask one for),
tongbu's status, first-timetable and whole-command seconds, verify, peak memory of the solve, FET's
status and seconds on the original and on the export, and the ratio of tongbu's first timetable to
FET's time on the export.

    .venv/bin/python bench/bench_fet.py --time-limit 60 --out bench/results/fet.md [FILES…]

Without FILES it takes every .fet file under FET-5-official (several hours at 60 s a file; pass files
or ``--max-files`` for less). Times are wall seconds on this machine; run it alone.

With ``--out T.md`` every file's figures are also kept, as each file finishes, in ``T.jsonl`` beside it, and
the table is rebuilt from all of them; ``--resume`` skips the files already there, so the whole set can be
run in several sittings (a run that is stopped loses only the file it was on):

    .venv/bin/python bench/bench_fet.py --time-limit 60 --out bench/results/fet.md --resume
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path("/usr/share/doc/fet-data/examples/FET-5-official")
REPO = Path(__file__).resolve().parent.parent
TONGBU = [sys.executable, "-m", "cli", "--lang", "en"]


def _run(command: list[str], timeout: float) -> tuple[int, str, str, float, float]:
    """Exit code, stdout, stderr, wall seconds and peak memory (MB, the command and its children)."""
    started, peak = time.perf_counter(), [0.0]
    process = psutil.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            try:
                rss = process.memory_info().rss + sum(c.memory_info().rss for c in process.children(recursive=True))
            except psutil.Error:
                break
            peak[0] = max(peak[0], rss / 2**20)
            stop.wait(0.25)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
    stop.set()
    thread.join()
    return process.returncode, out, err, time.perf_counter() - started, peak[0]


def run_tongbu(path: Path, limit: float, work: Path) -> dict:
    folder, out, export = work / "scenario", work / "out", work / "export.fet"
    code, stdout, stderr, _, _ = _run(TONGBU + ["import-fet", str(path), "--out", str(folder)], 600)
    if code != 0:
        return {"status": "not read", "note": (stderr or stdout).strip().splitlines()[-1][:80] if (stderr or stdout)
                else f"exit {code}", "activities": "-", "left": "-", "kinds": ""}
    activities = re.search(r"(\d+) activities", stdout)
    left = re.findall(r"  - (\S+): (\d+)", stdout)
    found = {"activities": int(activities.group(1)) if activities else "-", "left": sum(int(n) for _, n in left),
             "kinds": ", ".join(f"{k} {n}" for k, n in left)}
    code, stdout, stderr, wall, peak = _run(TONGBU + ["solve", str(folder), "--out", str(out), "--time-limit",
                                                      f"{limit:g}"], limit * 3 + 120)
    first = re.search(r"first timetable after ([\d.]+) s", stderr)
    found.update(code=code, seconds=wall, first=float(first.group(1)) if first else None, peak=peak,
                 status={0: "solved", 3: "impossible", 4: "not found"}.get(code, f"exit {code}"))
    found["rooms"] = _rooms_used(folder, out) if code == 0 else "-"
    if code == 0:
        checked = subprocess.run(TONGBU + ["verify", str(folder), str(out)], cwd=REPO, capture_output=True, text=True)
        found["verify"] = checked.stdout.strip().splitlines()[-1] if checked.stdout.strip() else f"exit {checked.returncode}"
    else:
        found["note"] = _headline(stderr)
    exported = subprocess.run(TONGBU + ["export-fet", str(folder), "--out", str(export)], cwd=REPO, capture_output=True)
    found["export"] = export if exported.returncode == 0 else None
    return found


def _headline(stderr: str) -> str:
    """The failure's headline: tongbu prints it after its progress lines, followed by its detail lines ("  - …")."""
    lines = [line for line in stderr.splitlines() if line.strip() and not line.startswith("  - ")]
    return lines[-1].strip()[:100] if lines else ""


def _rooms_used(folder: Path, out: Path) -> str:
    """``placed / needing``: activities in a room in solution.json, of the activities a hard room rule names."""
    solution = json.loads((out / "solution.json").read_text(encoding="utf-8"))
    placed = sum(1 for lesson in solution["lessons"] if lesson.get("room"))
    rules = folder / "space_constraints.csv"
    needing: set[str] = set()
    if rules.is_file():
        import csv

        for row in csv.DictReader(rules.read_text(encoding="utf-8-sig").splitlines()):
            if float(row["weight"] or 100) >= 100 and row["kind"] != "RoomNotAvailableTimes":
                needing |= {a for a in row["activities"].split("|") if a}
    return f"{placed} / {len(needing)}"


def run_fet(path: Path | None, limit: float) -> dict:
    if path is None:
        return {"status": "-", "seconds": None}
    if shutil.which("fet-cl") is None:
        return {"status": "no fet-cl", "seconds": None}
    out = Path(tempfile.mkdtemp(prefix="fetbench."))
    started = time.perf_counter()
    try:
        done = subprocess.run(["fet-cl", f"--inputfile={path}", f"--outputdir={out}", f"--timelimitseconds={int(limit)}"],
                              capture_output=True, text=True, timeout=limit + 60)
        seconds = time.perf_counter() - started
        text = done.stdout + done.stderr
        result = out / "logs" / "result.txt"
        text += result.read_text(errors="replace") if result.is_file() else ""
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "seconds": time.perf_counter() - started}
    finally:
        shutil.rmtree(out, ignore_errors=True)
    if "Simulation successful" in text:
        return {"status": "solved", "seconds": seconds}
    if "Time exceeded" in text:
        return {"status": "not solved", "seconds": seconds}
    last = [line.strip() for line in text.splitlines() if line.strip()]
    return {"status": "stopped: " + (last[-1][:60] if last else f"exit {done.returncode}"), "seconds": seconds}


def run_fets_together(original: Path, export: Path | None, limit: float) -> tuple[dict, dict]:
    """fet-cl on both files at once, each in its own thread (fet-cl itself is single-threaded)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:
        first, second = pool.submit(run_fet, original, limit), pool.submit(run_fet, export, limit)
        return first.result(), second.result()


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def summarize(rows: list[tuple], limit: float) -> str:
    complete = [r for r in rows if r[1]["left"] == 0]
    fet_solves = [r for r in rows if r[3]["status"] == "solved"]
    met = [r for r in fet_solves if r[1].get("status") == "solved" and r[1].get("verify") == "0 violations"
           and (r[1].get("seconds") or 1e9) <= limit + 1]
    slow = [r[1]["first"] / r[3]["seconds"] for r in rows if r[1].get("first") is not None
            and r[3]["status"] == "solved" and r[3]["seconds"] and r[3]["seconds"] > 1]
    return "\n".join([
        f"- files: {len(rows)}; nothing left out on {len(complete)} ({100 * len(complete) / max(1, len(rows)):.0f}%)",
        f"- FET solves tongbu's export within {limit:g} s: {len(fet_solves)} files; tongbu publishes a verified "
        f"timetable within {limit:g} s on {len(met)} of them"
        + (f" (not: {', '.join(r[0] for r in fet_solves if r not in met)})" if len(met) < len(fet_solves) else ""),
        "- median of tongbu's first timetable / FET's time on the same problem, where FET needs > 1 s: "
        + (f"{statistics.median(slow):.2f} over {len(slow)} files" if slow else "no such file"),
        f"- tongbu's verify found violations on {sum(1 for r in rows if r[1].get('verify') not in (None, '0 violations'))} "
        "files (target 0)",
    ])


def _read_records(path: Path) -> dict[str, dict]:
    """The figures kept by earlier runs, by file (a line cut short by a stopped run is left out)."""
    found: dict[str, dict] = {}
    if path.is_file():
        for text in path.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(text)
            except ValueError:
                continue
            found[record["row"][0]] = record
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--max-files", type=int, default=None)
    parser.add_argument("--no-fet", action="store_true", help="skip fet-cl (tongbu only)")
    parser.add_argument("--fet-together", action="store_true",
                        help="run fet-cl on the original and on the export side by side (fet-cl uses one thread; on a "
                             "machine with two free cores each still has one to itself), after tongbu, for a shorter run")
    parser.add_argument("--pause-while", type=Path, default=None, metavar="FILE",
                        help="before each file, wait while FILE exists (lend the machine to other work between files "
                             "without disturbing a file's timings)")
    parser.add_argument("--resume", action="store_true", help="keep the figures in OUT's .jsonl and run only the files "
                                                               "not there yet")
    args = parser.parse_args(argv)
    records = args.out.with_suffix(".jsonl") if args.out else None
    kept = _read_records(records) if records is not None and args.resume else {}
    if records is not None:
        records.parent.mkdir(parents=True, exist_ok=True)
        if not args.resume:
            records.unlink(missing_ok=True)
    files = ([Path(f) if Path(f).is_absolute() else ROOT / f for f in args.files] if args.files
             else sorted(ROOT.rglob("*.fet")))[: args.max_files]
    header = ("| file | activities | left out (by kind) | rooms used | tongbu | first s | command s | verify | peak MB | "
              "FET | s | FET on export | s | first / FET |\n|---|---:|---|---:|---|---:|---:|---|---:|---|---:|---|---:|---:|")
    lines, rows = [header], []
    print(header, flush=True)
    for path in files:
        name = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
        if name in kept:
            continue
        while args.pause_while is not None and args.pause_while.exists():
            time.sleep(5)
        with tempfile.TemporaryDirectory(prefix="tongbu-fet-") as tmp:
            ours = run_tongbu(path, args.time_limit, Path(tmp))
            skipped = {"status": "skipped", "seconds": None}
            if args.no_fet:
                original = exported = skipped
            elif args.fet_together:
                original, exported = run_fets_together(path, ours.get("export"), args.time_limit)
            else:
                original, exported = run_fet(path, args.time_limit), run_fet(ours.get("export"), args.time_limit)
        ratio = (ours["first"] / exported["seconds"] if ours.get("first") is not None and exported["status"] == "solved"
                 and exported["seconds"] else None)
        status = ours["status"] + (f" ({ours['note']})" if ours.get("note") else "")
        line = (f"| {name} | {ours['activities']} | {ours['kinds'] or 0} | {ours.get('rooms', '-')} | {status} | {_fmt(ours.get('first'))} | "
                f"{_fmt(ours.get('seconds'))} | {ours.get('verify', '-')} | {_fmt(ours.get('peak'))} | "
                f"{original['status']} | {_fmt(original['seconds'])} | {exported['status']} | "
                f"{_fmt(exported['seconds'])} | {'-' if ratio is None else f'{ratio:.2f}'} |")
        print(line, flush=True)
        ours.pop("export", None)  # a temporary file, gone by now
        kept[name] = {"line": line, "row": [name, ours, original, exported, ratio]}
        if records is not None:
            with records.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(kept[name], ensure_ascii=False, sort_keys=True) + "\n")
    for name in sorted(kept):
        lines.append(kept[name]["line"])
        rows.append(tuple(kept[name]["row"]))
    summary = summarize(rows, args.time_limit)
    print("\n" + summary)
    how = ("; fet-cl on the original and on the export side by side, after tongbu" if args.fet_together else "")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(f"`tongbu solve --time-limit {args.time_limit:g}` and fet-cl with the same limit, one "
                            f"file at a time{how}.\n\n" + "\n".join(lines) + "\n\n" + summary + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
