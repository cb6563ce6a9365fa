"""Benchmark: a 3-year exchange plan for each sample, checked independently; prints the figures.

Usage: .venv/bin/python bench/bench_exchange.py [--years 3] [--time-limit 30] [--out /tmp/bench_exchange]
           [--solve-year-one SECONDS] [sample …]   (default: every folder under samples/ with a scenario.yaml)

Per sample: status, wall seconds of planning, rotations per year, backbone share of those who rotate,
eligible teachers, the enforced units meeting their ratio, hand-over cuts (plans redone because a
school's classes could not be dealt out whole), and the plan check's violation count. With
``--solve-year-one`` the first year's hand-over scenario (OUT/<sample>/scenario_<year>) is timetabled
with that time limit (2 workers) and the timetable re-checked by constraints.checks.verify.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scheduler.exchange import check_plan, plan_exchange, write_plan  # noqa: E402


def solve_year_one(plan, out: Path, time_limit: float) -> None:
    from constraints.checks import verify
    from models.files import load_scenario
    from scheduler.timetable.solve import solve_scenario

    folder = out / f"scenario_{plan.years[0]}"
    scenario = load_scenario(folder)
    started = time.perf_counter()
    result = solve_scenario(scenario, time_limit=time_limit, seed=0, workers=2)
    wall = time.perf_counter() - started
    if result.solution is None:
        print(f"  {folder.name}: no timetable ({result.status}) after {wall:.0f} s")
        for conflict in result.explanation[:5]:
            print("    - " + conflict.en)
        return
    placed = {t.id for t in scenario.teachers if any(r.startswith("affiliation:") for r in t.roles)}
    teaching = {lesson.teacher for lesson in result.solution.lessons if lesson.teacher in placed}
    print(f"  {folder.name}: timetable {result.status} in {wall:.0f} s, {len(result.solution.lessons)} lessons, "
          f"{len(teaching)} of {len(placed)} placed teachers teach at their host; "
          f"verify: {len(verify(scenario, result.solution))} violations")


def bench(folder: Path, years: int, time_limit: float, out: Path, year_one: float | None = None) -> None:
    started = time.perf_counter()
    plan = plan_exchange(folder, years, time_limit=time_limit)
    planned = time.perf_counter() - started
    write_plan(plan, out)
    violations = check_plan(folder, out)
    checked = time.perf_counter() - started - planned
    scope = plan.inputs.settings.ratio_scope.value
    print(f"{folder.name}: status {plan.status}, plan {planned:.1f} s, write+check {checked:.1f} s, scope {scope}, "
          f"teachers {len(plan.inputs.scenario.teachers)}, hand-over cuts {plan.handover_cuts}, violations {len(violations)}")
    for year in plan.years:
        started_now = [p for p in plan.placements if p.year == year]
        county = next(u for u in plan.units if u.scope == "county" and u.year == year)
        enforced = [u for u in plan.units if u.scope == scope and u.year == year]
        backbone = sum(p.backbone for p in started_now)
        share = f"{100 * backbone / len(started_now):.0f}%" if started_now else "-"
        covers = sum(bool(p.covers) for p in started_now)
        print(f"  {year}: eligible {county.eligible}, rotate {len(started_now)} (required county-wide "
              f"{county.required}), backbone {backbone} ({share}), covering shortage subjects {covers}, "
              f"{scope} units meeting ratio {sum(u.met for u in enforced)}/{len(enforced)}")
    for en, _zh in plan.explanation[:12]:
        print("  ! " + en)
    for en, _zh in violations[:5]:
        print("  x " + en)
    if year_one is not None:
        solve_year_one(plan, out, year_one)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("samples", nargs="*")
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--out", type=Path, default=Path("/tmp/bench_exchange"))
    parser.add_argument("--solve-year-one", type=float, metavar="SECONDS",
                        help="also timetable the first year's hand-over scenario with this time limit and verify it")
    args = parser.parse_args()
    folders = [Path(s) for s in args.samples] or sorted(p.parent for p in (ROOT / "samples").glob("*/scenario.yaml"))
    for folder in folders:
        bench(folder, args.years, args.time_limit, args.out / folder.name, args.solve_year_one)


if __name__ == "__main__":
    main()
