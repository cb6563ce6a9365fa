"""The plan check of ``tongbu verify-plan`` and ``plan-exchange``: the independent policy check
(constraints/checks/exchange.py) with, on each year scenario, what ``tongbu solve`` does before it builds
its model.

Those first steps are the timetable solver's own (itinerant posts planned by scheduler.itinerant, the
teaching assignment completed by models.assignment), run as the solve runs them, not the exchange
planner's: the check asks whether the solve will start. They live here, in ``scheduler``, because no
check may import the solver; the check receives them as its ``before_solve``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from constraints.checks import exchange
from models.assignment import AssignmentError, complete_assignment
from models.scenario import Scenario
from models.violation import Violation
from scheduler.itinerant.assign import itinerant_scenario


def check_plan(folder: Path, plan_dir: Path, progress: Callable[[str, str], None] | None = None) -> list[Violation]:
    """Every way the plan in ``plan_dir`` breaks the policy of the scenario in ``folder``, or would stop
    ``tongbu solve`` on a year scenario; [] when it holds."""
    return exchange.check(folder, plan_dir, progress, before_solve=solve_would_stop)


def solve_would_stop(name: str, scenario: Scenario) -> list[tuple[str, str]]:
    """What stops ``tongbu solve`` before its model on the year scenario ``name``: the itinerant posts must
    cover every class that needs them (a post that lost a teacher to a placement must still cover its
    schools), every class-subject must get a teacher, and the completed assignment must give nobody more
    than max_weekly (it would otherwise pick the least loaded teacher and the solve would fail)."""
    try:
        solved_for, _days = itinerant_scenario(scenario)
        given = complete_assignment(solved_for)
    except AssignmentError as err:
        return [(f"{name}: tongbu solve would stop before timetabling: {err.en}",
                 f"{name}：tongbu solve 会在排课前停止：{err.zh}")]
    named: dict[str, int] = {}
    off: dict[tuple[str, str], int] = {}
    for lesson in solved_for.sync_lessons:
        if lesson.teacher is not None:
            named[lesson.teacher] = named.get(lesson.teacher, 0) + lesson.per_week
            key = (lesson.teaching_class, lesson.subject)
            off[key] = off.get(key, 0) + lesson.per_week
    load = dict(named)
    for key, teacher in given.teacher_of.items():
        load[teacher] = load.get(teacher, 0) + max(0, given.local_periods.get(key, 0) - off.get(key, 0))
    found = []
    for tid, periods in sorted(load.items()):
        teacher = solved_for.teacher_by_id.get(tid)
        if teacher is not None and periods > teacher.max_weekly:
            found.append((f"{name}: tongbu solve would give {teacher.name}({tid}) {periods} periods a week, "
                          f"more than max_weekly {teacher.max_weekly}",
                          f"{name}：tongbu solve 会给 {teacher.name}（{tid}）每周 {periods} 节课，超过周课时上限 "
                          f"{teacher.max_weekly}"))
    return found
