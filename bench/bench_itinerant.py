"""Benchmark the itinerant-teacher assignment: CP-SAT against the greedy nearest-school baseline.

Usage:
    .venv/bin/python bench/bench_itinerant.py [--deterministic-time 10] [FOLDER]   # default samples/pengshui

Prints, for both: coverage of the periods that need an itinerant teacher, total weekly travel
minutes (the round-trip estimate of scheduler/itinerant/demand.py, an upper bound of the routes
driven), the largest per-teacher weekly travel, solve time and CP-SAT's gap (the total-travel
stage; the baseline has none). The timetable itself is benchmarked by bench/bench_solve.py.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(ROOT / "samples" / "pengshui"))
    parser.add_argument("--deterministic-time", type=float, default=10.0, help="per stage and group (CP-SAT)")
    args = parser.parse_args()

    from models.validation import load_scenario
    from scheduler.itinerant.assign import plan_itinerant
    from scheduler.itinerant.baseline import greedy_plan

    scenario = load_scenario(args.folder)
    posts = scenario.itinerant_posts
    teachers = {t for p in posts for t in p.teachers}
    schools = {s for p in posts for s in p.schools} - {p.base for p in posts}
    print(f"{args.folder}: {len(posts)} posts, {len(teachers)} itinerant teachers, {len(schools)} schools listed")
    optimized = plan_itinerant(scenario, args.deterministic_time)
    baseline = greedy_plan(scenario)
    header = f"{'':<22}{'coverage':>16}{'total min/wk':>14}{'largest min/wk':>16}{'mean min/wk':>13}{'seconds':>9}{'gap':>8}"
    print(header)
    for label, plan in (("CP-SAT (lexicographic)", optimized), ("greedy nearest (base)", baseline)):
        coverage = f"{plan.covered}/{plan.demand} {100 * plan.covered / max(1, plan.demand):.0f}%"
        mean = plan.total_travel / max(1, len(plan.travel))
        gap = "-" if plan.gap is None else f"{100 * plan.gap:.1f}%"
        print(f"{label:<22}{coverage:>16}{plan.total_travel:>14}{plan.largest_travel:>16}{mean:>13.1f}"
              f"{plan.seconds:>9.1f}{gap:>8}")
    if baseline.total_travel:
        saved = 100 * (baseline.total_travel - optimized.total_travel) / baseline.total_travel
        print(f"total travel: {saved:.1f}% less than the baseline "
              f"({(baseline.total_travel - optimized.total_travel) / 60:.1f} hours a week); status {optimized.status}")


if __name__ == "__main__":
    main()
