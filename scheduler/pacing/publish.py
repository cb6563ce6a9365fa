"""Planning the pace against a published timetable, and saying why a pace cannot be kept.

``publish_pacing`` is what ``tongbu plan-pacing FOLDER OUT`` runs: plan, check independently, then
rewrite OUT's pacing outputs and feeds in a copy of OUT swapped into place (the feed server never sees
half-written feeds). ``explanation`` is the text both ``solve`` and ``plan-pacing`` print when some
class cannot keep the pace.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models.pacing import PacingPlan
from models.scenario import Scenario
from scheduler.pacing.planner import plan_pacing

MAX_LINES = 40


@dataclass(frozen=True)
class PacingOutcome:
    plan: PacingPlan
    violations: list[Any]


def explanation(scenario: Scenario, plan: PacingPlan) -> list[tuple[str, str]]:
    """(en, zh) lines: every stretch that cannot be kept, then each class, week and shortfall with its fixes."""
    lines: list[tuple[str, str]] = []
    shorts = []
    for group in plan.groups:
        lines += list(group.problems)
        shorts += [(group, s) for s in group.shortfalls]
    for group, short in shorts[:MAX_LINES]:
        klass = scenario.class_by_id.get(short.class_id)
        name = f"{scenario.school_by_id[klass.school].name} {klass.label}" if klass else short.class_id
        fixes_en = "; ".join(f.en for f in short.fixes) or "no free period or spare lesson found that week"
        fixes_zh = "；".join(f.zh for f in short.fixes) or "该周找不到空节或可调的机动课"
        lines.append((f"{name}, {group.subject}, week {short.week} ({short.first}–{short.last}): needs {short.needed} "
                      f"lessons, has {short.available}: {short.short} short. Fix: {fixes_en}",
                      f"{name} {group.subject} 第{short.week}周（{short.first}至{short.last}）：需要 {short.needed} 课时，"
                      f"只有 {short.available} 课时，缺 {short.short} 课时。建议：{fixes_zh}"))
    if len(shorts) > MAX_LINES:
        lines.append((f"... and {len(shorts) - MAX_LINES} more: every one is in OUT/pacing/shortfalls.csv",
                      f"……另有 {len(shorts) - MAX_LINES} 处，全部列于 OUT/pacing/shortfalls.csv"))
    return lines


def publish_pacing(scenario: Scenario, out: Path) -> PacingOutcome:
    """Plan the pace on OUT's timetable, check it, and rewrite OUT/pacing and the feeds.

    A plan that verifies is published with its feed entries; one that some class cannot keep is written
    only as OUT/pacing/shortfalls.csv and the marked tables (the previous pacing entries leave the feeds).
    Nothing is written when the independent check finds a violation in a plan the planner calls ok.
    """
    from constraints.checks import load_solution
    from constraints.checks import pacing as pacing_check
    from scheduler.publish import SOLUTION_FILE, staging_folder, swap_into_place, write_feeds_with_activities

    solution = load_solution(Path(out) / SOLUTION_FILE)
    plan = plan_pacing(scenario, solution)
    violations = pacing_check.check(scenario, solution, plan) if plan.ok else []
    if violations:
        return PacingOutcome(plan, violations)
    staging = staging_folder(Path(out))
    try:
        shutil.copytree(out, staging, dirs_exist_ok=True)
        write_feeds_with_activities(scenario, solution, staging, Path(out), pacing=plan)
        swap_into_place(staging, Path(out))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return PacingOutcome(plan, [])
