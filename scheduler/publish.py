"""From a solve to a published OUT folder: verify first, write everything to a temporary folder, then
move it into place so a crash never leaves a half-written OUT.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from models.scenario import Scenario
from models.solution import Solution, solution_json

SOLUTION_FILE = "solution.json"
ACTIVITIES_DIR = "activities"
PACING_DIR = "pacing"


def run_solve(scenario: Scenario, *, time_limit: float, seed: int, workers: int, progress: Any = None) -> Any:
    from scheduler.timetable.solve import solve_scenario

    return solve_scenario(scenario, time_limit=time_limit, seed=seed, workers=workers, progress=progress)


def write_tables(scenario: Scenario, result: Any, folder: Path) -> None:
    """What OUT holds of the timetable alone (no activity or pacing plan needed), written into ``folder``
    (a temporary folder that already holds solution.json): tables, workbooks, pages, the quality report,
    the itinerant teachers' routes."""
    solution = result.solution
    if scenario.explicit is not None and not scenario.explicit.on_weekdays:
        # A FET file with more than 7 days: its days are labels, not weekdays, so no weekly workbook, page or
        # calendar feed; the timetable is solution.json and lessons.csv (each lesson on its FET day).
        from reports import write_lessons_csv

        write_lessons_csv(scenario, solution, folder / "lessons.csv")
        return
    from reports import workbook_stamp, write_all
    from reports.quality import write_quality

    write_all(scenario, solution, folder)
    if scenario.explicit is None:
        write_quality(scenario, solution, folder, workbook_stamp(scenario), result.penalties(), result.objective,
                      result.bound)
    from scheduler.itinerant.routes import write_routes

    write_routes(scenario, solution, folder)  # itinerant teachers' routes and county summary, when posts exist


def has_feeds(scenario: Scenario) -> bool:
    """False for a FET file with more than 7 days (its days are labels, not dates of the term)."""
    return scenario.explicit is None or scenario.explicit.on_weekdays


def write_feeds_with_activities(scenario: Scenario, solution: Solution, folder: Path, previous: Path | None,
                                activities: Any = None, pacing: Any = None, events: Any = None) -> None:
    """Feeds, with the consortium activities (and their outputs under activities/) when there is a plan,
    the pacing calendar's weekly progress and assessment days (and its outputs under pacing/) when there
    is one, and the itinerant teachers' travel legs. ``events``: the lessons' and research blocks' own
    (``feeds.events.term_occurrences``), when made already.

    A plan not given is taken from ``folder`` when it holds one (a copy of OUT being rewritten by
    ``plan-activities`` or ``plan-pacing``), so rewriting the feeds for one never drops the other."""
    from feeds import write_feeds
    from feeds.activities import activity_occurrences
    from feeds.allday import day_occurrences
    from feeds.travel import travel_occurrences
    from models.pacing import PLAN_FILE, read_pacing_plan
    from scheduler.activities import activity_events, read_plan, write_activity_outputs
    from scheduler.itinerant.routes import dated_legs
    from scheduler.pacing.events import pacing_events
    from scheduler.pacing.writers import write_pacing_outputs

    extra = []
    if activities is not None:
        write_activity_outputs(activities, folder / ACTIVITIES_DIR)
    elif (folder / ACTIVITIES_DIR / "plan.json").is_file():
        activities = read_plan(folder)
    if activities is not None:
        extra = activity_occurrences(scenario, activity_events(activities))
    if pacing is not None:
        if (folder / PACING_DIR).exists():
            shutil.rmtree(folder / PACING_DIR)
        write_pacing_outputs(scenario, pacing, folder / PACING_DIR)
    elif (folder / PACING_DIR / PLAN_FILE).is_file():
        pacing = read_pacing_plan(folder)
    if pacing is not None and pacing.ok:
        extra += day_occurrences(scenario, pacing_events(scenario, solution, pacing))
    extra += travel_occurrences(scenario, dated_legs(scenario, solution))
    write_feeds(scenario, solution, folder, previous=previous, extra=extra, events=events)


def publish_solution(scenario: Scenario, result: Any, scenario_folder: Path, out: Path,
                     previous: Path | None = None, activities: Any = None, pacing: Any = None,
                     kept_from: Solution | None = None, plans: Callable[[], tuple[Any, Any]] | None = None) -> list[Any]:
    """Verify the solution independently (and the activity and pacing plans given), then write and move OUT
    into place. A pacing plan that is not ok is published only as its shortfalls (OUT/pacing/shortfalls.csv).

    ``kept_from`` is the published timetable a minimal-change solve kept: the schools the result says it
    kept must be unchanged, and OUT gets moved.csv (what moved, per school).

    ``plans``, given instead of ``activities`` and ``pacing``, makes them (activities, pacing) while a
    second process verifies the timetable and writes its tables: the plans need the timetable only, and on a
    county each side takes seconds.

    Returns the violations found; OUT is left untouched when there are any.
    """
    from constraints.checks import load_solution
    from models.parallel import Beside

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if previous is None and out.exists() and (out / SOLUTION_FILE).exists():
        previous = out
    staging = staging_folder(out)
    try:
        (staging / SOLUTION_FILE).write_text(solution_json(result.solution), encoding="utf-8")
        # Verify what was written, read back from disk, as `tongbu verify` would.
        solution = load_solution(staging / SOLUTION_FILE)
        tables = Beside(lambda: _verified_tables(scenario, result, solution, staging, kept_from))
        try:
            if plans is not None:
                activities, pacing = plans()
            plan_violations = _plan_violations(scenario, solution, activities, pacing)
            events = None
            if has_feeds(scenario):
                from feeds.events import term_occurrences

                events = term_occurrences(scenario, solution)  # the feeds' longest single step, while tables are written
        except BaseException:
            tables.cancel()  # it would go on writing into the staging folder removed below
            raise
        violations = tables.result() + plan_violations
        if violations:
            return violations
        if has_feeds(scenario):
            write_feeds_with_activities(scenario, solution, staging, previous, activities, pacing, events)
        swap_into_place(staging, out)
        return []
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _verified_tables(scenario: Scenario, result: Any, solution: Solution, staging: Path,
                     kept_from: Solution | None) -> list[Any]:
    """The timetable's violations; when there are none, its tables written into ``staging`` and the quality
    report among them recounted."""
    from constraints.checks import verify

    violations = verify(scenario, solution)
    if kept_from is not None:
        from constraints.checks.stability import check_kept

        violations += check_kept(scenario, kept_from, solution, result.kept_schools)
    if violations:
        return violations
    write_tables(scenario, result, staging)
    if kept_from is not None:
        write_moves(scenario, kept_from, solution, result.kept_schools, staging)
        # The timetable it was kept from, so `tongbu verify` can recount moved.csv on its own.
        (staging / PREVIOUS_SOLUTION_FILE).write_text(solution_json(kept_from), encoding="utf-8")
    if (staging / "quality.json").is_file():
        # The quality report and the solver's penalties, recounted as `tongbu verify` will.
        from constraints.checks.quality import check_report

        return check_report(scenario, solution, json.loads((staging / "quality.json").read_text(encoding="utf-8")))
    return []


def _plan_violations(scenario: Scenario, solution: Solution, activities: Any, pacing: Any) -> list[Any]:
    violations: list[Any] = []
    if activities is not None:
        from constraints.checks import activities as activity_check

        violations += activity_check.check(scenario, solution, activities)
    if pacing is not None and pacing.ok:
        from constraints.checks import pacing as pacing_check

        violations += pacing_check.check(scenario, solution, pacing)
    return violations


MOVES_FILE = "moved.csv"
PREVIOUS_SOLUTION_FILE = "previous_solution.json"


def write_moves(scenario: Scenario, previous: Solution, solution: Solution, kept: tuple[str, ...], folder: Path) -> None:
    """moved.csv: per school, the lessons that stayed, moved within their day or to another day, and the
    classes and teachers affected (constraints/checks/stability.py counts them)."""
    from constraints.checks.stability import moves_by_school
    from models.cells import csv_bytes

    rows: list[list[Any]] = [["学校 school", "课时 lessons", "未动 stayed", "同日调节次 moved_period", "改日 moved_day",
                              "受影响班级 classes_affected", "受影响教师 teachers_affected", "保持原课表 kept_as_published"]]
    names = {s.id: s.name for s in scenario.schools}
    for row in moves_by_school(scenario, previous, solution):
        rows.append([names[row.school], row.lessons, row.stayed, row.moved_period, row.moved_day, row.classes_affected,
                     row.teachers_affected, "是 yes" if row.school in kept else "否 no"])
    (folder / MOVES_FILE).write_bytes(csv_bytes(rows))


def staging_folder(out: Path) -> Path:
    """A new empty folder beside ``out`` to write into, after removing what killed runs left there."""
    remove_stale_staging(out)
    return Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-{os.getpid()}-", dir=out.parent))


def remove_stale_staging(out: Path) -> list[Path]:
    """Remove the staging and retired folders of ``out`` whose process is gone (a publish killed midway
    leaves one, up to hundreds of MB on a county); a publish still running in another process keeps its own."""
    import psutil

    removed = []
    for kind in ("staging", "old"):
        for path in sorted(out.parent.glob(f".{out.name}.{kind}-*-*")):
            pid = path.name[len(f".{out.name}.{kind}-"):].split("-", 1)[0]
            if path.is_dir() and pid.isdigit() and not psutil.pid_exists(int(pid)):
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
    return removed


def swap_into_place(staging: Path, out: Path) -> None:
    """Replace ``out`` by ``staging`` with renames only, so readers see the old or the new folder, never a mix."""
    if not out.exists():
        os.rename(staging, out)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-{os.getpid()}-", dir=out.parent))
    retired.rmdir()
    os.rename(out, retired)
    os.rename(staging, out)
    shutil.rmtree(retired, ignore_errors=True)
