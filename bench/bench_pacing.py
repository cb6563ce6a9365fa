"""Pacing calendar and debrief figures on solved samples.

    .venv/bin/python bench/bench_pacing.py samples/zhangping=/tmp/zp samples/pengshui=/tmp/ps [--save bench/results/pacing.md]

Each argument is a scenario folder and a published OUT of it (``tongbu solve``). For each: the pacing
groups and classes, the plan's time and status, the independent check's time and violations, the
spare share of lessons (机动) overall and the least in any stretch between assessments, then the debriefs (同步教学研讨):
their number, how long the planning took, how many fell on the lesson's own day, the latest in school
days after the lesson, and the activity check's result.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def measure(folder: Path, out: Path) -> dict[str, object]:
    from constraints.checks import load_solution
    from constraints.checks import pacing as pacing_check
    from models.validation import load_scenario
    from models.term import teaching_days
    from scheduler.activities import check_activities, load_activity_rules, plan_activities
    from scheduler.pacing import plan_pacing

    scenario = load_scenario(folder)
    solution = load_solution(out / "solution.json")
    started = time.perf_counter()
    plan = plan_pacing(scenario, solution)
    planned = time.perf_counter() - started
    started = time.perf_counter()
    violations = pacing_check.check(scenario, solution, plan)
    checked = time.perf_counter() - started
    lessons = sum(s.planned for g in plan.groups for s in g.slots)
    least = sum(s.least for g in plan.groups for s in g.slots)
    stretches = []  # (spare share, label) of every stretch between assessments of every group
    for g in plan.groups:
        tests = sorted(r.date for r in g.items if r.date is not None)
        for k in range(len(tests) + 1):
            mine = [s for s in g.slots if sum(1 for t in tests if t < s.first) == k]
            cap, need = sum(s.least for s in mine), sum(s.planned for s in mine)
            if need:
                stretches.append((1 - need / cap, f"{g.grade}{g.subject}"))
    tightest = min(stretches)
    rules = tuple(r for r in load_activity_rules(folder, scenario) if r.kind == "debrief")
    started = time.perf_counter()
    activities = plan_activities(scenario, solution, rules)
    debriefed = time.perf_counter() - started
    position = {d.date: i for i, d in enumerate(teaching_days(scenario))}
    same_day = late = 0
    from scheduler.activities.context import ActivityContext
    from scheduler.activities.debriefs import debrief_id, meetings

    ctx = ActivityContext(scenario, solution)
    lesson_day = {}
    for rule in rules:
        for m in meetings(ctx, rule.consortium):
            lesson_day[debrief_id(ctx.school_year, ctx.season, rule, m)] = m.day.date
    for a in activities.activities:
        gap = position[a.date] - position[lesson_day[a.id]]
        same_day += gap == 0
        late = max(late, gap)
    return {
        "sample": folder.name, "groups": len(plan.groups), "classes": len({c for g in plan.groups for c in g.classes}),
        "status": plan.status, "plan_s": round(planned, 2), "check_s": round(checked, 2), "violations": len(violations),
        "spare": f"{100 * (least - lessons) / max(1, least):.1f}%", "tightest": f"{100 * tightest[0]:.1f}% ({tightest[1]})",
        "debriefs": len(activities.activities), "debrief_status": activities.status, "debrief_s": round(debriefed, 2),
        "same_day": same_day, "latest_days": late,
        "debrief_violations": len(check_activities(scenario, solution, activities)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pairs", nargs="+", help="FOLDER=OUT")
    parser.add_argument("--save", type=Path)
    args = parser.parse_args()
    rows = [measure(Path(f), Path(o)) for f, o in (p.split("=", 1) for p in args.pairs)]
    head = list(rows[0])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(r[k]) for k in head) + " |" for r in rows]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.save:
        args.save.write_text("# Pacing calendar and debriefs on the solved samples\n\n"
                             "`.venv/bin/python bench/bench_pacing.py " + " ".join(args.pairs) + "`\n\n" + text,
                             encoding="utf-8")


if __name__ == "__main__":
    main()
