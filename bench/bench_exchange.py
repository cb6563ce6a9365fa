"""Benchmark: a 3-year exchange plan for each sample, checked independently; prints the figures.

Usage: .venv/bin/python bench/bench_exchange.py [--years 3] [--time-limit 30] [--out /tmp/bench_exchange]
           [sample …]   (default: every folder under samples/ with a scenario.yaml)

Per sample: status, wall seconds of planning, rotations per year, backbone share of those who rotate,
eligible teachers, the enforced units meeting their ratio, and the plan check's violation count.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scheduler.exchange import check_plan, plan_exchange, write_plan  # noqa: E402


def bench(folder: Path, years: int, time_limit: float, out: Path) -> None:
    started = time.perf_counter()
    plan = plan_exchange(folder, years, time_limit=time_limit)
    planned = time.perf_counter() - started
    write_plan(plan, out)
    violations = check_plan(folder, out)
    checked = time.perf_counter() - started - planned
    scope = plan.inputs.settings.ratio_scope.value
    print(f"{folder.name}: status {plan.status}, plan {planned:.1f} s, write+check {checked:.1f} s, scope {scope}, "
          f"teachers {len(plan.inputs.scenario.teachers)}, violations {len(violations)}")
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("samples", nargs="*")
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--out", type=Path, default=Path("/tmp/bench_exchange"))
    args = parser.parse_args()
    folders = [Path(s) for s in args.samples] or sorted(p.parent for p in (ROOT / "samples").glob("*/scenario.yaml"))
    for folder in folders:
        bench(folder, args.years, args.time_limit, args.out / folder.name)


if __name__ == "__main__":
    main()
