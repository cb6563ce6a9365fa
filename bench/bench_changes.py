"""Changes during the term (代课/调课) on Pengshui: figures of ``tongbu substitute`` run as a user runs it.

    .venv/bin/python bench/bench_changes.py --published /tmp/ps_out [--out /tmp/ps_changed] [--save bench/results/changes.md]

PUBLISHED is a ``tongbu solve samples/pengshui --out PUBLISHED`` (solved first, with --effort, when it is not
given: several minutes). The change set is samples/pengshui/changes: three teachers ill for a week, one at
training for two days, grade 6's mid-term exams every morning of a week, one teacher leaving (replaced).

Printed: the command's wall time and the cover model's (target: a county week's plan in ≤ 10 s), the lessons
resolved by each kind, the lessons moved by swaps, the teachers affected, the feeds rewritten, and
``tongbu verify``'s time and violations on the result (target: 0).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CLI = "import sys; from cli import main; sys.argv[0] = 'tongbu'; main()"
SAMPLE = ROOT / "samples" / "pengshui"
TARGET_SECONDS = 10.0


def tongbu(*args: str) -> tuple[int, str, float]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CLI, "--lang", "en", *args], cwd=ROOT, capture_output=True, text=True)
    return done.returncode, done.stdout + done.stderr, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--published", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--save", type=Path, default=None)
    parser.add_argument("--stress", type=int, default=60,
                        help="also: this many teachers (every k-th by id) ill for the whole of week 10; 0 = skip")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="bench_changes_"))
    published = args.published
    if published is None:
        published = scratch / "published"
        code, text, seconds = tongbu("solve", str(SAMPLE), "--out", str(published), "--effort", "60", "--time-limit",
                                     "900", "--quiet")
        print(f"solved {SAMPLE.name} in {seconds:.0f} s (exit {code})")
        if code:
            sys.exit(text)
    out = args.out or scratch / "changed"
    report = figures("the Pengshui change set (samples/pengshui/changes)", published, SAMPLE / "changes", out)
    if args.stress:
        stress = scratch / "stress"
        stress.mkdir()
        ids = sorted(line.split(",")[0] for line in (SAMPLE / "teachers.csv").read_text(encoding="utf-8-sig")
                     .splitlines()[1:] if line)
        step = max(1, len(ids) // args.stress)
        rows = [f"{teacher},2026-11-02..2026-11-06,,病假" for teacher in ids[::step][: args.stress]]
        (stress / "absences.csv").write_text("teacher,dates,periods,reason\n" + "\n".join(rows) + "\n",
                                             encoding="utf-8")
        report += "\n" + figures(f"stress: {len(rows)} teachers ill for the whole of week 10", published, stress,
                                 scratch / "stressed")
    print(report)
    if args.save:
        args.save.write_text(report, encoding="utf-8")


def figures(title: str, published: Path, changes: Path, out: Path) -> str:
    from models.changes import KIND_NAMES, read_plan

    code, text, wall = tongbu("substitute", str(SAMPLE), str(published), "--changes", str(changes), "--out", str(out))
    if code:
        sys.exit(f"tongbu substitute failed ({code}):\n{text}")
    plan_seconds = float(re.search(r"plan in ([\d.]+) s", text).group(1))
    plan = read_plan(out / "changes" / "plan.json")
    kinds = Counter(r.kind for r in plan.resolutions)
    tasks = sum(n for k, n in kinds.items() if k not in ("event", "reassign"))
    weeks = Counter(r.week for r in plan.resolutions if r.kind not in ("event", "reassign"))
    teachers = {t for r in plan.resolutions if r.kind != "event" for t in (r.absent, r.teacher, r.swap_teacher) if t}
    covering = {r.teacher for r in plan.resolutions if r.kind in ("substitute", "remote", "self_study")}
    moved = 2 * kinds.get("swap", 0)
    before = json.loads((published / "feeds" / "manifest.json").read_text(encoding="utf-8"))
    after = json.loads((out / "feeds" / "manifest.json").read_text(encoding="utf-8"))
    old = {f["id"]: f["sha256"] for f in before["feeds"]}
    rewritten = sum(1 for f in after["feeds"] if old.get(f["id"]) != f["sha256"])
    vcode, vtext, vseconds = tongbu("verify", str(SAMPLE), str(out))
    violations = re.search(r"(\d+) violations", vtext)
    count = int(violations.group(1)) if violations else (0 if vcode == 0 else -1)
    lines = [
        f"## {title}: {len(plan.resolutions)} lesson-dates in the plan", "",
        "| figure | value |", "|---|---|",
        f"| wall time of `tongbu substitute` (load, plan, check, notices, feeds) | {wall:.1f} s |",
        f"| cover model (build + CP-SAT), {tasks} lessons to cover | {plan_seconds:.1f} s "
        f"({'meets' if plan_seconds <= TARGET_SECONDS else 'misses'} the ≤ {TARGET_SECONDS:.0f} s target) |",
        f"| lessons to cover per week | {', '.join(f'week {w}: {n}' for w, n in sorted(weeks.items()))} |",
    ]
    lines += [f"| {KIND_NAMES[k][0]} ({KIND_NAMES[k][1]}) | {kinds[k]} |" for k in KIND_NAMES if kinds.get(k)]
    lines += [
        f"| lessons moved by swaps (调课, both ends) | {moved} |",
        f"| teachers affected (absent, covering, swapped, new) | {len(teachers)} |",
        f"| teachers covering (代课/专递/看班) | {len(covering)}, at most {max(plan.counts.values(), default=0)} covers each |",
        f"| feeds rewritten | {rewritten} of {len(after['feeds'])} |",
        f"| `tongbu verify` on the result | {count} violations in {vseconds:.1f} s |",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
