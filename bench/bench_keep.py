"""Minimal-change re-solving, measured as a timetabler runs it: `tongbu solve CHANGED --previous PUBLISHED`
against a from-scratch `tongbu solve CHANGED`, both with the same --time-limit.

Changes made to a copy of the sample (one teacher each, the first maths teacher of the first school):
- training: the teacher now trains every Monday morning (unavailable 周一1-4);
- replaced: the teacher leaves and a new teacher takes over the same classes (a new id and name).

Prints per case: wall seconds, lessons moved (to another day / within the day) of all lessons, schools
kept exactly as published, classes and teachers affected; for the from-scratch solve, the same count
(constraints/checks/stability.py, from the two solution.json files). Targets (issue 19): the change
re-solved in <= 30 s for its consortium, moving <= 5% of that consortium's lessons.

    .venv/bin/python bench/bench_keep.py samples/zhangping --published OUT --time-limit 60
"""

from __future__ import annotations

import argparse
import csv
import io
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from constraints.checks import load_solution  # noqa: E402
from constraints.checks.stability import moves_by_school  # noqa: E402
from models.validation import load_scenario  # noqa: E402


def tongbu(*args: str) -> float:
    command = [sys.executable, "-c", "import sys; from cli import main; sys.argv[0] = 'tongbu'; main()",
               "--lang", "en", *args, "--quiet"]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode:
        print(done.stdout[-2000:], done.stderr[-2000:], sep="\n")
        raise SystemExit(f"tongbu {' '.join(args)}: exit {done.returncode}")
    return time.perf_counter() - started


def edit_csv(path: Path, edit) -> None:  # type: ignore[no-untyped-def]
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    rows = edit(rows)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8-sig")


def the_teacher(folder: Path) -> tuple[str, str]:
    scenario = load_scenario(folder)
    first = scenario.schools[0].id
    person = next(t for t in scenario.teachers if t.school == first and "数学" in t.subjects)
    return person.id, person.school


def make_case(sample: Path, case: str, into: Path) -> Path:
    folder = into / case
    shutil.copytree(sample, folder)
    teacher, _school = the_teacher(sample)

    def training(rows):  # type: ignore[no-untyped-def]
        column = rows[0].index("unavailable")
        for row in rows[1:]:
            if row[0] == teacher:
                row[column] = "周一1-4"
        return rows

    def replaced(rows):  # type: ignore[no-untyped-def]
        for row in rows[1:]:
            if row[0] == teacher:
                row[0], row[1] = teacher + "N", "新任教师"
        return rows

    if case == "training":
        edit_csv(folder / "teachers.csv", training)
    else:
        edit_csv(folder / "teachers.csv", replaced)
        if (folder / "assignments.csv").exists():
            edit_csv(folder / "assignments.csv", lambda rows: [rows[0]] + [
                [teacher + "N" if i == 0 and cell == teacher else cell for i, cell in enumerate(row)] for row in rows[1:]])
    return folder


def moved(folder: Path, before: Path, after: Path) -> str:
    scenario = load_scenario(folder)
    rows = moves_by_school(scenario, load_solution(before / "solution.json"), load_solution(after / "solution.json"))
    lessons = sum(r.lessons for r in rows)
    day, period = sum(r.moved_day for r in rows), sum(r.moved_period for r in rows)
    share = 100 * (day + period) / max(lessons, 1)
    return (f"moved {day + period} of {lessons} ({share:.2f}%; {day} to another day, {period} within the day), "
            f"{sum(r.classes_affected for r in rows)} classes and {sum(r.teachers_affected for r in rows)} teachers affected")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sample", type=Path)
    parser.add_argument("--published", type=Path, help="the sample's OUT (solved first when not given)")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--cases", default="training,replaced")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-keep-") as tmp:
        work = Path(tmp)
        published = args.published
        if published is None:
            published = work / "published"
            print(f"published: {tongbu('solve', str(args.sample), '--out', str(published)):.0f} s wall")
        for case in args.cases.split(","):
            folder = make_case(args.sample, case, work)
            kept_out, scratch_out = work / f"{case}-kept", work / f"{case}-scratch"
            wall = tongbu("solve", str(folder), "--out", str(kept_out), "--previous", str(published),
                          "--time-limit", str(args.time_limit))
            kept = sum(1 for row in csv.DictReader(io.StringIO((kept_out / "moved.csv").read_text(encoding="utf-8-sig")))
                       if row["保持原课表 kept_as_published"].startswith("是"))
            print(f"{case}, --previous: {wall:.0f} s wall; {moved(folder, published, kept_out)}; "
                  f"{kept} schools kept exactly", flush=True)
            wall = tongbu("solve", str(folder), "--out", str(scratch_out), "--time-limit", str(args.time_limit))
            print(f"{case}, from scratch: {wall:.0f} s wall; {moved(folder, published, scratch_out)}", flush=True)


if __name__ == "__main__":
    main()
