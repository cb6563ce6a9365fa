"""Benchmark: what a user runs, per sample — plan-exchange, verify-plan, then solve + verify every year.

Usage: .venv/bin/python bench/bench_exchange.py [--years 3] [--effort E] [--time-limit S] [--seed N]
           [--solve-time-limit T] [--no-solve] [--out /tmp/bench_exchange] [sample …]
       (default: every folder under samples/ with a scenario.yaml)

The plan is made by ``scheduler.exchange.publish_plan``, the one function ``tongbu plan-exchange``
calls, with the CLI's defaults, so the bytes in OUT/<sample> are those the command writes for the
same input, seed and effort. The plan is then checked by ``check_plan`` (what ``tongbu verify-plan``
runs), and each ``scenario_<year>`` is timetabled by the ``tongbu solve`` command and re-checked by
``tongbu verify`` (run as processes, exactly as a user would; ``--solve-time-limit`` is passed on as
solve's ``--time-limit`` when given).

Per sample: exit code and status, wall seconds of the plan, placements per year with the ratio
figures, verify-plan violations; per year: solve wall seconds and exit code, verify violations.
A table of the figures ends the output.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scheduler.exchange import DEFAULT_EFFORT, DEFAULT_TIME_LIMIT, check_plan, publish_plan  # noqa: E402


def tongbu(*args: str) -> tuple[int, str, float]:
    """Run the tongbu command (this interpreter's) as a user would: (exit code, stdout, wall seconds)."""
    command = [sys.executable, "-c", "import sys; from cli import main; sys.argv[0] = 'tongbu'; main()",
               "--lang", "en", *args]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode not in (0, 1):
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        print("    " + "\n    ".join(tail))
    return done.returncode, done.stdout, wall


def count_violations(text: str) -> int | None:
    found = re.search(r"(\d+) violations?\s*$", text.strip())
    return int(found.group(1)) if found else None


def bench(folder: Path, args: argparse.Namespace) -> dict:
    out = args.out / folder.name
    started = time.perf_counter()
    result = publish_plan(folder, args.years, out, seed=args.seed, effort=args.effort, time_limit=args.time_limit)
    planned = time.perf_counter() - started
    plan = result.plan
    row = {"sample": folder.name, "exit": result.exit_code, "status": plan.status, "plan_s": planned,
           "placements": len(plan.placements), "years": {}}
    print(f"{folder.name}: plan-exchange exit {result.exit_code}, status {plan.status}, {planned:.0f} s wall "
          f"(planning {result.plan_seconds:.0f} s, check {result.check_seconds:.0f} s), "
          f"{len(plan.inputs.scenario.teachers)} teachers, {len(plan.placements)} placements, "
          f"hand-over cuts {plan.handover_cuts}", flush=True)
    for en, _zh in result.messages:
        print("  " + en)
    if not result.published:
        return row
    scope = plan.inputs.settings.ratio_scope.value
    for year in plan.years:
        started_now = [p for p in plan.placements if p.year == year]
        county = next(u for u in plan.units if u.scope == "county" and u.year == year)
        enforced = [u for u in plan.units if u.scope == scope and u.year == year]
        backbone = sum(p.backbone for p in started_now)
        print(f"  {year}: eligible {county.eligible}, rotate {len(started_now)} (required county-wide "
              f"{county.required}), backbone {backbone}, covering shortage subjects "
              f"{sum(bool(p.covers) for p in started_now)}, {scope} units meeting ratio "
              f"{sum(u.met for u in enforced)}/{len(enforced)}")
    started = time.perf_counter()
    violations = check_plan(folder, out)
    row["verify_plan"] = len(violations)
    print(f"  verify-plan: {len(violations)} violations ({time.perf_counter() - started:.0f} s)", flush=True)
    for violation in violations[:5]:
        print("  x " + violation.en)
    if args.no_solve:
        return row
    for year in plan.years:
        scenario = out / f"scenario_{year}"
        solved = args.out / f"{folder.name}_timetable_{year}"
        limit = ["--time-limit", str(args.solve_time_limit)] if args.solve_time_limit is not None else []
        code, _text, wall = tongbu("solve", str(scenario), "--out", str(solved), *limit)
        figures = {"solve_exit": code, "solve_s": wall}
        line = f"  {scenario.name}: tongbu solve exit {code} in {wall:.0f} s"
        if code in (0, 1):
            _code, text, vwall = tongbu("verify", str(scenario), str(solved))
            figures["verify"] = count_violations(text)
            line += f"; tongbu verify: {figures['verify']} violations ({vwall:.0f} s)"
        row["years"][year] = figures
        print(line, flush=True)
    return row


def table(rows: list[dict]) -> list[str]:
    lines = ["| sample | plan-exchange | plan wall | placements | verify-plan "
             "| per year: tongbu solve wall, tongbu verify |", "|---|---|---|---|---|---|"]
    for r in rows:
        years = "; ".join(f"{y}: {f['solve_s']:.0f} s, {f.get('verify', '-')} violations"
                          + ("" if f["solve_exit"] == 0 else f" (solve exit {f['solve_exit']})")
                          for y, f in r["years"].items()) or "-"
        lines.append(f"| {r['sample']} | exit {r['exit']} ({r['status']}) | {r['plan_s']:.0f} s | {r['placements']} | "
                     f"{r.get('verify_plan', '-')} violations | {years} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("samples", nargs="*")
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--effort", type=float, default=DEFAULT_EFFORT)
    parser.add_argument("--time-limit", type=float, default=DEFAULT_TIME_LIMIT)
    parser.add_argument("--solve-time-limit", type=float, default=None,
                        help="passed to tongbu solve as --time-limit (default: solve's own default)")
    parser.add_argument("--no-solve", action="store_true", help="plan and check only")
    parser.add_argument("--out", type=Path, default=Path("/tmp/bench_exchange"))
    parser.add_argument("--save", type=Path, help="also write the table (markdown) to this file")
    args = parser.parse_args()
    args.out = args.out.resolve()  # tongbu solve runs from the project folder
    folders = [Path(s).resolve() for s in args.samples] or \
        sorted(p.parent for p in (ROOT / "samples").glob("*/scenario.yaml"))
    rows = [bench(folder, args) for folder in folders]
    lines = table(rows)
    print("\n" + "\n".join(lines))
    if args.save:
        command = "`.venv/bin/python bench/bench_exchange.py " + " ".join(sys.argv[1:]) + "`"
        args.save.write_text(f"# Exchange plans, then every year timetabled\n\n{command}, effort {args.effort:g}, "
                             f"seed {args.seed}, {args.years} years (wall seconds on the project's shared 2-core "
                             f"machine)\n\n" + "\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
