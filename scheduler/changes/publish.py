"""``tongbu substitute``: read a change set, plan the covers, check the plan independently, and write OUT2.

OUT2 starts as a copy of the published OUT (files hard-linked where the file system allows: nothing is
written through a link, every changed file is replaced by rename) and gains:

* ``changes/plan.json`` — every resolution (lesson, date, kind, teacher, why) and the substitution counts
  per teacher over the term (read back by the next run, from its PUBLISHED folder, for fairness);
* ``changes/input/`` — the change set the plan was made from (``tongbu verify`` re-reads it);
* ``changes/changes.csv`` and ``changes/notices/`` — the notices (调课/代课通知) per school and per teacher;
* the feeds, updated in place (feeds/changes.py).
"""

from __future__ import annotations

import os
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from constraints.checks import Violation, load_solution
from models import Scenario, Solution
from models.changes import CHANGES_DIR, ChangePlan, ChangeSet, load_changes, plan_json, read_plan
from models.errors import BadInput
from models.problems import ScenarioInvalid

PLAN = "plan.json"
INPUT = "input"


@dataclass(frozen=True)
class SubstituteReport:
    plan: ChangePlan
    kinds: dict[str, int]
    teachers_affected: int
    tasks: int
    kept: int
    plan_seconds: float
    total_seconds: float
    violations: list[Violation] = field(default_factory=list)
    feeds_changed: int = 0


def read_changes(folder: Path, scenario: Scenario) -> ChangeSet:
    """The change set, or every problem in it (exit 2)."""
    from models.messages import tr

    try:
        return load_changes(folder, scenario)
    except ScenarioInvalid as err:
        errors = sum(1 for p in err.problems if p.severity == "error")
        texts = ["\n".join([p.render(lang) for p in err.problems] + [tr("problems_found", lang, count=errors)])
                 for lang in ("en", "zh")]
        raise BadInput(*texts) from None


def prior_of(published: Path, scenario: Scenario) -> tuple[ChangePlan | None, ChangeSet | None]:
    """PUBLISHED's own change plan and change set, when it is the output of an earlier ``tongbu substitute``."""
    path = published / CHANGES_DIR / PLAN
    if not path.is_file() or not (published / CHANGES_DIR / INPUT).is_dir():
        return None, None
    try:
        plan = read_plan(path)
    except ValueError as err:
        raise BadInput(f"{path} is not a tongbu change plan: {err}", f"{path} 不是 tongbu 变动方案：{err}") from None
    return plan, read_changes(published / CHANGES_DIR / INPUT, scenario)


def change_input_folder(folder: Path) -> Path:
    return folder / CHANGES_DIR if (folder / CHANGES_DIR).is_dir() else folder


def check_plan(scenario: Scenario, solution: Solution, changes: ChangeSet, plan: ChangePlan) -> list[Violation]:
    from constraints.checks import changes as change_checks, sort_violations

    return sort_violations(change_checks.check(scenario, solution, changes, plan))


def _copy(published: Path, out: Path) -> None:
    """OUT2 as a copy of PUBLISHED. The feed files (hundreds of MB for a county) are hard-linked where the file
    system allows: every writer of feeds replaces a file by rename (feeds.writer.write_atomically), never
    through the link; every other file is copied, since other commands may rewrite those in place."""
    def link_or_copy(source: str, target: str) -> None:
        path = Path(source)
        if path.parent.name == "feeds" and path.suffix in (".ics", ".json"):
            try:
                os.link(source, target)
                return
            except OSError:
                pass
        shutil.copy2(source, target)

    shutil.copytree(published, out, copy_function=link_or_copy, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns(".parts", ".*staging*", ".*.old-*"))
    stale = out / CHANGES_DIR
    if stale.exists():
        shutil.rmtree(stale)


def _publish(scenario: Scenario, solution: Solution, changes: ChangeSet, plan: ChangePlan, prior: ChangePlan | None,
             chained: bool, published: Path, changes_folder: Path, out: Path, notices_per_teacher: bool) -> list[str]:
    """Write OUT: PUBLISHED's copy with the plan, the change set, the notices and the feeds updated, built in a
    staging folder beside OUT and renamed into place (a feed server on OUT sees the old or the new, never a mix)."""
    from feeds.changes import apply_plan
    from reports.notices import write_notices
    from scheduler.publish import staging_folder, swap_into_place

    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists() and any(out.iterdir()) and not (out / "solution.json").is_file():
        raise BadInput(f"{out} is not empty and not a tongbu output: choose a new folder for --out",
                       f"{out} 不是空文件夹，也不是 tongbu 的输出：请为 --out 另选文件夹")
    staging = staging_folder(out)
    try:
        _copy(published, staging)
        target = staging / CHANGES_DIR
        target.mkdir(parents=True, exist_ok=True)
        (target / PLAN).write_text(plan_json(plan), encoding="utf-8")
        if not chained:
            shutil.copytree(change_input_folder(changes_folder), target / INPUT, dirs_exist_ok=True)
        else:
            (target / INPUT).mkdir()
            (target / INPUT / "changes.yaml").write_text(changes.yaml_text(), encoding="utf-8")
        extended = changes.with_arrivals(scenario)
        write_notices(extended, plan, target, teachers_too=notices_per_teacher)
        # A published OUT without feeds (none were written) has none to update.
        changed = apply_plan(extended, solution, plan, staging, prior=prior) \
            if (staging / "feeds" / "manifest.json").is_file() else []
        swap_into_place(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return changed


def substitute(scenario: Scenario, published: Path, changes_folder: Path, out: Path, seed: int = 0,
               time_limit: float = 30.0, effort: float | None = 10.0, notices_per_teacher: bool = True) -> SubstituteReport:
    from scheduler.changes.planner import plan_changes

    began = time.perf_counter()
    solution = load_solution(published / "solution.json")
    prior, prior_changes = prior_of(published, scenario)
    changes = read_changes(changes_folder, scenario)
    if prior_changes is not None:
        # A chain of runs (PUBLISHED is an earlier run's OUT): this run's changes join the earlier ones, whose
        # covers stay as published where still possible; the counts go on from before the first run.
        changes = prior_changes.merged(changes)
    outcome = plan_changes(scenario, solution, changes, prior.counts_before if prior else {}, seed=seed,
                           time_limit=time_limit, effort=effort, prior=prior)
    plan = outcome.plan
    violations = check_plan(scenario, solution, changes, plan)
    # Lessons nobody can cover are published (the notices tell the schools) and reported by verify; any other
    # violation means the plan is wrong, and nothing is written.
    blocking = [v for v in violations if v.rule not in ("changes.uncovered", "changes.status")]
    changed: list[str] = []
    if not blocking and plan.status in ("optimal", "feasible"):
        changed = _publish(scenario, solution, changes, plan, prior, prior_changes is not None, published,
                           changes_folder, out, notices_per_teacher)
    kinds = Counter(r.kind for r in plan.resolutions)
    teachers = {t for r in plan.resolutions if r.kind != "event"
                for t in (r.absent, r.teacher, r.swap_teacher) if t}
    return SubstituteReport(plan=plan, kinds=dict(sorted(kinds.items())), teachers_affected=len(teachers),
                            tasks=outcome.tasks, kept=outcome.kept, plan_seconds=outcome.seconds,
                            total_seconds=time.perf_counter() - began, violations=blocking,
                            feeds_changed=len(changed))


def verify_changes(scenario: Scenario, out: Path) -> list[Violation]:
    """The change plan in OUT (if any), checked against its change set and the weekly timetable."""
    path = out / CHANGES_DIR / PLAN
    if not path.is_file():
        return []
    solution = load_solution(out / "solution.json")
    changes = read_changes(out / CHANGES_DIR / INPUT, scenario)
    return check_plan(scenario, solution, changes, read_plan(path))
