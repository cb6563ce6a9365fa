"""What each command of the command line does, as library functions: load, plan, check, publish.

``cli.py`` parses a command's options, calls one function here and prints what it returns. Failures
are raised as :mod:`models.errors` (a message in both languages and an exit code), never printed here.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from constraints.checks import Violation, load_solution, verify
from constraints.checks.quality import check_report
from models import Scenario, Solution
from models.errors import BadInput, Impossible, NotFoundInTime, ViolationsFound
from models.validation import load_scenario
from models.messages import pick, tr
from models.problems import ScenarioInvalid
from models.term import TermDataMissing

#: Finished parts are kept here inside OUT until the solve is published (scheduler/executor.py).
PARTS_FOLDER = ".parts"
#: Seconds kept for publishing (verification, tables, feeds, pages) out of the command's time limit on a
#: quiet machine: a base, and per thousand lesson-periods a week; and for the activity calendar, when the
#: scenario has activity rules, per sync lesson (its debriefs and demonstration lessons are most of the
#: calendar's model). The calendar is planned while a second process verifies the timetable and writes its
#: tables (scheduler/publish.py), so it mostly hides behind them. Measured after the timetable (the progress
#: line "OUT written (N s after the timetable)") on the 2-core machine with a low-priority job beside it:
#: Pengshui (16,708 periods a week, 180 sync lessons) 19-21 s, Zhangping (15,278, 9) 13-17 s, Yangcheng
#: (66 sync lessons) 17-28 s; 0.8-1.6 s per thousand periods, 1.3 kept (a run over its limit is the worse
#: miss). The calendar alone (CPU seconds, median of 5, bench/results/activities.md): Pengshui 2.0 s,
#: Yangcheng 1.4 s, Zhangping 0.3 s.
PUBLISH_BASE_SECONDS = 3.0
PUBLISH_SECONDS_PER_1000_PERIODS = 1.3
ACTIVITY_SECONDS_PER_SYNC_LESSON = 0.02
#: The activity planner's effort in ``solve``: the same as ``plan-activities``'s default, so that a re-plan
#: of the same term gives the same calendar (the planner is deterministic for a given effort).
ACTIVITY_EFFORT = 30.0


# -- loading ------------------------------------------------------------------------------------------
def load(folder: Path) -> Scenario:
    """The scenario of a folder, or every problem found in it (exit 2)."""
    try:
        return load_scenario(folder)
    except ScenarioInvalid as err:
        raise BadInput(*(problems_text(err.problems, lang) for lang in ("en", "zh"))) from None


def problems_text(problems: list, lang: str) -> str:
    """Every problem on its line, then how many (as ``tongbu validate`` prints them)."""
    return "\n".join([p.render(lang) for p in problems] + [tr("problems_found", lang, count=len(problems))])


def published_solution(out: Path) -> Solution:
    path = out / "solution.json"
    if not path.is_file():
        raise BadInput(f"{path} does not exist: run tongbu solve first", f"{path} 不存在：请先运行 tongbu solve")
    try:
        return load_solution(path)
    except ValueError as err:
        raise BadInput(f"{path} is not a tongbu solution: {err}", f"{path} 不是 tongbu 结果文件：{err}") from None


def activity_rules(folder: Path, scenario: Scenario) -> tuple:
    from scheduler.activities import RulesInvalid, load_activity_rules

    try:
        return load_activity_rules(folder, scenario)
    except RulesInvalid as err:
        raise BadInput("\n".join(en for en, _ in err.problems), "\n".join(zh for _, zh in err.problems)) from None


def _feeds_writable(err: Exception) -> None:
    if isinstance(err, TermDataMissing):
        raise BadInput(f"cannot write calendar feeds: {err}", f"无法生成日历订阅：{err}") from None


# -- activities ---------------------------------------------------------------------------------------
def rotation_state(source: Path | None, scenario: Scenario) -> Any:
    """The rotation state to continue from: the previous term's end state, or, when ``source`` holds a
    plan of this same term (a re-solve), the state this term started from, so nothing is counted twice."""
    from scheduler.activities import read_plan, read_state

    if source is None:
        return None
    try:
        plan = read_plan(source)
    except (FileNotFoundError, KeyError, ValueError):
        plan = None
    if plan is not None and plan.term == (scenario.term.name or f"{scenario.term.start}..{scenario.term.end}"):
        return plan.state_before
    try:
        return read_state(source)
    except FileNotFoundError:
        return None


def activity_plan(scenario: Scenario, solution: Solution, rules: tuple, state_from: Path | None, seed: int,
                  time_limit: float) -> Any:
    """The activity plan around a timetable; when none meets every rule, :class:`Impossible` with the reasons."""
    from scheduler.activities import plan_activities

    plan = plan_activities(scenario, solution, rules, state=rotation_state(state_from, scenario), seed=seed,
                           time_limit=time_limit)
    if not plan.ok:
        details = list(plan.problems) or [(f"the planner stopped with status {plan.status}", f"规划器状态 {plan.status}")]
        raise Impossible("No activity calendar meets every rule:", "没有满足全部规则的活动安排：", details)
    return plan


# -- solve --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SolveRequest:
    folder: Path
    out: Path
    time_limit: float
    effort: float | None = None
    seed: int = 0
    workers: int = 2
    previous: Path | None = None
    #: With ``previous``: let lessons move at schools the change does not touch (still at a cost).
    move_anywhere: bool = False
    dask: str | None = None
    quiet: bool = False
    #: When the command started (epoch seconds): ``time_limit`` counts from here.
    started: float = field(default_factory=time.time)


@dataclass(frozen=True)
class SolveReport:
    """What a published solve says: the result, and warnings to show (activities left out)."""

    result: Any
    warnings: tuple[tuple[str, str], ...] = ()
    #: The county's row of the quality report (reports/quality.py), None for an imported file.
    quality: Any = None
    #: With a previous timetable: what moved, per school (constraints/checks/stability.SchoolMoves).
    moves: tuple[Any, ...] = ()


def publish_reserve(scenario: Scenario, workers: int = 2, activities: bool = False) -> float:
    """Seconds to keep for what follows the timetable (activity calendar, verification, tables, feeds, pages),
    which grows with the lessons of the week, on this machine as loaded as it is now (``machine_slowdown``):
    the time limit is seconds on the clock, and a shared machine writes the same files more slowly."""
    periods = sum(e.periods for klass in scenario.classes for e in scenario.class_curriculum(klass.id))
    calendar = ACTIVITY_SECONDS_PER_SYNC_LESSON * len(scenario.sync_lessons) if activities else 0.0
    quiet = PUBLISH_BASE_SECONDS + PUBLISH_SECONDS_PER_1000_PERIODS * periods / 1000 + calendar
    return quiet * machine_slowdown(workers)


#: The most a loaded machine is assumed to slow publishing down (beyond, the solve would get no time at all).
MAX_SLOWDOWN = 3.0


def machine_slowdown(workers: int) -> float:
    """How much slower than on a quiet machine this command's processes will run: the work others run now and
    this command's ``workers`` share the cores. "Now" is the cores busy over a quarter of a second, and when
    they are all busy, the one-minute load average (which also counts the processes waiting for a core);
    on a machine not saturated the lesser of the two (the load average still counts a command that has
    just ended, a quarter of a second may catch a spike). Work run at a lower priority (``nice``) is not
    counted: it gives way to this command, though the load average counts it."""
    import psutil

    cores = os.cpu_count() or 1
    shares = psutil.cpu_times_percent(interval=0.25)
    # The kinds of busy time counted one by one: a virtual machine's shares need not add up to 100.
    busy = sum(getattr(shares, kind, 0.0) for kind in ("user", "system", "irq", "softirq", "steal")) / 100 * cores
    try:
        load = os.getloadavg()[0]
    except OSError:  # no load average on this system
        load = busy
    others = load if busy >= 0.9 * cores else min(load, busy)
    return min(MAX_SLOWDOWN, max(1.0, (others + min(workers, cores)) / cores))


def solve_folder(request: SolveRequest) -> SolveReport:
    """``tongbu solve``: solve within the time limit (or reproducibly), verify, and publish OUT.

    Raises :class:`Impossible` (proven), :class:`NotFoundInTime`, :class:`BadInput` or
    :class:`ViolationsFound` (the independent check rejected the result: nothing is published).
    """
    from scheduler.executor import Checkpoints, ExecutorUnavailable, executor_for
    from scheduler.progress import ProgressReporter
    from scheduler.publish import publish_solution
    from scheduler.timetable.solve import failure_of, solve_scenario

    scenario = load(request.folder)
    kept_from = published_timetable(request.previous) if request.previous is not None else None
    rules = activity_rules(request.folder, scenario)
    checkpoints = Checkpoints(request.out / PARTS_FOLDER)
    # Never more than three quarters of the limit: on a very busy machine the timetable still needs some.
    reserve = min(publish_reserve(scenario, request.workers, bool(rules)), 0.75 * request.time_limit)
    left = request.started + request.time_limit - time.time() - reserve
    try:
        with executor_for(request.dask, request.workers) as executor, \
                ProgressReporter(quiet=request.quiet) as progress:  # Dask is connected first: a wrong address fails fast
            result = solve_scenario(scenario, time_limit=max(1.0, left), effort=request.effort, seed=request.seed,
                                    workers=request.workers, progress=progress, executor=executor,
                                    checkpoints=checkpoints, previous=kept_from,
                                    keep_unaffected=not request.move_anywhere, grace=reserve)
    except ExecutorUnavailable as err:
        raise BadInput(err.en, err.zh) from None
    if result.solution is None:
        raise failure_of(result)
    publishing = time.time()
    _say(request.quiet, f"{publishing - request.started:.0f} s: timetable found; planning activities, verifying and "
         f"writing OUT ({reserve:.0f} s were kept for it)",
         f"已用 {publishing - request.started:.0f} 秒：课表已得到；正在安排活动、校验并写出结果（为此预留 {reserve:.0f} 秒）")
    warnings: list[tuple[str, str]] = []

    def plans() -> tuple[Any, Any]:
        """The activity calendar and pacing plan of the timetable, made while it is verified and written."""
        activities = pacing = None
        if rules:
            # The timetable is the main job: activities that cannot be planned are explained, not a reason to
            # withhold the timetable.
            try:
                activities = activity_plan(scenario, result.solution, rules, request.previous or request.out,
                                           request.seed, ACTIVITY_EFFORT)
            except Impossible as err:
                warnings.extend(((err.en, err.zh),) + err.details +
                                (("The timetable is published without activities; change the rules and run "
                                  "tongbu plan-activities.",
                                  "课表照常发布，但不含活动；请修改活动规则后运行 tongbu plan-activities。"),))
        if scenario.pacing and scenario.explicit is None:
            pacing, pacing_warnings = pacing_plan(scenario, result.solution)
            warnings.extend(pacing_warnings)
        return activities, pacing

    try:
        violations = publish_solution(scenario, result, request.folder, request.out, previous=request.previous,
                                      kept_from=kept_from, plans=plans)
    except TermDataMissing as err:
        _feeds_writable(err)
        raise
    if violations:
        checkpoints.clear()  # the parts that made this timetable must not be reused as if they were right
        raise _violations(violations)
    _say(request.quiet, f"{time.time() - request.started:.0f} s: OUT written ({time.time() - publishing:.0f} s after the "
         "timetable)", f"已用 {time.time() - request.started:.0f} 秒：结果已写出（课表之后用时 {time.time() - publishing:.0f} 秒）")
    quality = None
    if scenario.explicit is None:
        from reports.quality import quality_report

        quality = quality_report(scenario, result.solution).county
    moves = ()
    if kept_from is not None:
        from constraints.checks.stability import moves_by_school

        moves = tuple(moves_by_school(scenario, kept_from, result.solution))
    return SolveReport(result=result, warnings=_partial_import(scenario) + tuple(warnings), quality=quality, moves=moves)


def _partial_import(scenario: Any) -> tuple[tuple[str, str], ...]:
    """An imported file whose import left constraints out: the timetable solves part of the problem only."""
    tt = scenario.explicit
    if tt is None or not tt.left_out:
        return ()
    kinds = ", ".join(f"{x.kind} ({x.count})" for x in tt.left_out)
    return ((f"partial: this timetable does not consider the constraints the import left out: {kinds}",
             f"部分求解：本课表未考虑导入时未能读入的约束：{kinds}"),)


def _say(quiet: bool, en: str, zh: str) -> None:
    """A progress line on stderr (the solve's own lines come from scheduler/progress.py)."""
    if not quiet:
        print(pick(en, zh), file=sys.stderr, flush=True)


def published_timetable(folder: Path) -> Any:
    """The solution.json of a published OUT (``--previous``), or a message saying what to give instead."""
    from constraints.checks import load_solution
    from scheduler.publish import SOLUTION_FILE

    path = folder / SOLUTION_FILE
    if not path.is_file():
        raise BadInput(f"--previous {folder}: no {SOLUTION_FILE} there; give the OUT folder of the last tongbu solve",
                       f"--previous {folder}：其中没有 {SOLUTION_FILE}；请给出上次 tongbu solve 的输出文件夹")
    try:
        return load_solution(path)
    except (ValueError, OSError) as err:
        raise BadInput(f"--previous {path}: not a timetable tongbu wrote ({str(err).splitlines()[0]})",
                       f"--previous {path}：不是 tongbu 写出的课表（{str(err).splitlines()[0]}）") from None


def _violations(violations: list[Violation]) -> ViolationsFound:
    from constraints.checks.report import format_report

    return ViolationsFound(format_report(violations, "en"), format_report(violations, "zh"))


# -- pacing -------------------------------------------------------------------------------------------
def pacing_plan(scenario: Scenario, solution: Solution) -> tuple[Any, tuple[tuple[str, str], ...]]:
    """The pacing calendar on a timetable, and, when some class cannot keep it, why (the timetable is still
    published, with the shortfalls in OUT/pacing/shortfalls.csv)."""
    from scheduler.pacing import plan_pacing
    from scheduler.pacing.publish import explanation

    try:
        plan = plan_pacing(scenario, solution)
    except TermDataMissing as err:
        _feeds_writable(err)
        raise
    if plan.ok:
        return plan, ()
    head = ("Some classes cannot keep the pacing calendar; it is not published (OUT/pacing/shortfalls.csv):",
            "有班级跟不上教学进度，进度表未发布（见 OUT/pacing/shortfalls.csv）：")
    return plan, (head,) + tuple(("  - " + en, "  - " + zh) for en, zh in explanation(scenario, plan))


def replan_pacing(folder: Path, out: Path) -> Any:
    """``tongbu plan-pacing``: the pacing calendar on OUT's timetable, verified and added to OUT."""
    from scheduler.pacing.publish import explanation, publish_pacing

    scenario = load(folder)
    if not scenario.pacing:
        raise BadInput(f"{folder}: no pacing table (pacing.csv, or a sheet 教学进度); tongbu init shows its columns",
                       f"{folder}：没有教学进度表（pacing.csv 或工作表“教学进度”）；tongbu init 生成的模板中有其各列")
    published_solution(out)
    try:
        outcome = publish_pacing(scenario, out)
    except TermDataMissing as err:
        _feeds_writable(err)
        raise
    if outcome.violations:
        raise _violations(outcome.violations)
    if not outcome.plan.ok:
        raise Impossible("Some classes cannot keep the pace (all in OUT/pacing/shortfalls.csv):",
                         "有班级跟不上教学进度（全部列于 OUT/pacing/shortfalls.csv）：", explanation(scenario, outcome.plan))
    return outcome.plan


# -- verify -------------------------------------------------------------------------------------------
def verify_folder(folder: Path, out: Path) -> list[Violation]:
    """``tongbu verify``: every violation of the published timetable (and its activity calendar)."""
    from constraints.checks import activities as activity_check
    from scheduler.activities import read_plan

    scenario = load(folder)
    solution = published_solution(out)
    _same_scenario(scenario, solution, folder, out)
    violations = verify(scenario, solution)
    if (out / "quality.json").is_file():
        # The quality report published with the timetable, and the solver's penalties by family.
        violations += check_report(scenario, solution, json.loads((out / "quality.json").read_text(encoding="utf-8")))
    if (out / "pacing" / "plan.json").is_file():
        from constraints.checks import pacing
        from models.pacing import read_pacing_plan

        # The pacing calendar: lessons recounted from the calendar and timetable, units in order, assessments after.
        violations += pacing.check(scenario, solution, read_pacing_plan(out))
    if (out / "activities" / "plan.json").is_file():
        # The activity calendar published with the timetable: fairness bounds, clashes, double bookings.
        violations += activity_check.check(scenario, solution, read_plan(out))
    if (out / "previous_solution.json").is_file() and (out / "moved.csv").is_file():
        from constraints.checks.stability import check_moves_report

        # A minimal-change solve: moved.csv recounted, and the schools it says were kept unchanged.
        violations += check_moves_report(scenario, load_solution(out / "previous_solution.json"), solution,
                                         (out / "moved.csv").read_text(encoding="utf-8-sig"))
    if (out / "changes" / "plan.json").is_file():
        from scheduler.changes.publish import verify_changes

        # Changes during the term: the timetable with the change plan applied, on every date it touches.
        violations += verify_changes(scenario, out)
    return violations


def _same_scenario(scenario: Scenario, solution: Solution, folder: Path, out: Path) -> None:
    """A published timetable that names classes, teachers, schools, subjects, sync lessons or research blocks
    the scenario does not have was made from another scenario (or an older version of it): no check can
    judge it, so say so (exit 2) instead of checking it."""
    if scenario.explicit is not None:
        return
    known = {"class": {c.id for c in scenario.classes}, "teacher": {t.id for t in scenario.teachers},
             "school": {s.id for s in scenario.schools}, "subject": {s.id for s in scenario.subjects},
             "sync lesson": {s.id for s in scenario.sync_lessons},
             "research block": {b.id for b in scenario.research_blocks}}
    unknown: dict[str, set[str]] = {kind: set() for kind in known}
    for lesson in solution.lessons:
        for kind, value in (("class", lesson.class_id), ("teacher", lesson.teacher), ("school", lesson.school),
                            ("subject", lesson.subject), ("sync lesson", lesson.sync)):
            if value is not None and value not in known[kind]:
                unknown[kind].add(value)
    for block in solution.research:
        if block.block not in known["research block"]:
            unknown["research block"].add(block.block)
        unknown["teacher"].update(t for t in block.teachers if t not in known["teacher"])
    found = {kind: sorted(values) for kind, values in unknown.items() if values}
    if not found:
        return
    names_zh = {"class": "班级", "teacher": "教师", "school": "学校", "subject": "学科", "sync lesson": "同步课堂",
                "research block": "教研活动"}
    shown = "; ".join(f"{len(v)} {k}{'es' if k == 'class' and len(v) > 1 else ('s' if len(v) > 1 else '')} "
                      f"({', '.join(v[:3])}{' …' if len(v) > 3 else ''})" for k, v in found.items())
    shown_zh = "；".join(f"{names_zh[k]} {len(v)} 个（{'、'.join(v[:3])}{' …' if len(v) > 3 else ''}）"
                         for k, v in found.items())
    raise BadInput(f"{out / 'solution.json'} names what {folder} does not have: {shown}. It was published from another "
                   "scenario (or an older version of this one): give that scenario folder, or solve this one again.",
                   f"{out / 'solution.json'} 中有 {folder} 里没有的对象：{shown_zh}。它是由另一个场景（或本场景的旧版本）"
                   "发布的：请给出对应的场景文件夹，或重新求解本场景。")


# -- changes during the term ----------------------------------------------------------------------------
def substitute_folder(folder: Path, published: Path, changes: Path, out: Path, seed: int = 0,
                      time_limit: float = 30.0, effort: float | None = 10.0) -> Any:
    """``tongbu substitute``: covers for every lesson a change set touches, checked, then written to OUT
    (notices, plan, feeds updated in place). Raises :class:`ViolationsFound` when the independent check
    rejects the plan (nothing is written)."""
    from scheduler.changes import substitute

    scenario = load(folder)
    published_solution(published)
    if out.resolve() == published.resolve():
        raise BadInput(f"--out {out} is PUBLISHED itself: give a new folder (PUBLISHED stays as it is; serve OUT afterwards)",
                       f"--out {out} 就是 PUBLISHED：请给出新的文件夹（PUBLISHED 保持不变；之后发布 OUT）")
    if not changes.exists():
        raise BadInput(f"{changes} does not exist: give the changes/ folder (tongbu init writes a template)",
                       f"{changes} 不存在：请给出 changes/ 文件夹（tongbu init 会生成模板）")
    try:
        report = substitute(scenario, published, changes, out, seed=seed, time_limit=time_limit, effort=effort)
    except TermDataMissing as err:
        _feeds_writable(err)
        raise
    if report.plan.status not in ("optimal", "feasible"):
        raise NotFoundInTime(f"no cover plan found in the time given (status {report.plan.status}): try a larger "
                             "--time-limit or --effort", f"在给定时间内未找到代课方案（状态 {report.plan.status}）："
                             "请加大 --time-limit 或 --effort")
    if report.violations:
        raise _violations(report.violations)
    return report


# -- activities on a published timetable ------------------------------------------------------------------
def replan_activities(folder: Path, out: Path, previous_state: Path | None, seed: int, time_limit: float) -> Any:
    """``tongbu plan-activities``: plan the term's activities around OUT's timetable and add them to OUT."""
    from constraints.checks import activities as activity_check
    from scheduler.publish import staging_folder, swap_into_place, write_feeds_with_activities

    scenario = load(folder)
    rules = activity_rules(folder, scenario)
    if not rules:
        raise BadInput(f"{folder}: no activity rules (activity_rules.yaml or activity_rules: in scenario.yaml)",
                       f"{folder}：没有活动规则（activity_rules.yaml 或 scenario.yaml 中的 activity_rules:）")
    solution = published_solution(out)
    plan = activity_plan(scenario, solution, rules, previous_state or out, seed, time_limit)
    problems = activity_check.check(scenario, solution, plan)
    if problems:
        raise ViolationsFound("the activity plan fails its check:", "活动安排未通过核验：", [(v.en, v.zh) for v in problems])
    # Rewrite a copy of OUT and swap it in, so the feed server never sees half-written feeds.
    staging = staging_folder(out)
    try:
        shutil.copytree(out, staging, dirs_exist_ok=True)
        try:
            write_feeds_with_activities(scenario, solution, staging, out, plan)
        except TermDataMissing as err:
            _feeds_writable(err)
        swap_into_place(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return plan


def spot_check_draw(folder: Path, out: Path, activity: str, seed: str) -> tuple[Any, Scenario]:
    """``tongbu draw``: the teacher of a spot-check lesson, drawn with a published seed and recorded in OUT."""
    from scheduler.activities import DrawError, draw_and_record, read_plan

    scenario = load(folder)
    solution = published_solution(out)
    try:
        plan = read_plan(out)
    except FileNotFoundError:
        raise BadInput(f"{out}: no activity plan; run tongbu plan-activities first",
                       f"{out}：没有活动安排；请先运行 tongbu plan-activities") from None
    # Activity ids are "<school year>/<season>/<rule>#<n>"; "<rule>#<n>" alone is accepted when unique.
    matches = [a.id for a in plan.activities if a.id == activity or a.id.endswith("/" + activity)]
    if len(matches) == 1:
        activity = matches[0]
    try:
        record = draw_and_record(scenario, solution, plan, activity, seed=seed, log_path=out / "activities" / "draws.json")
    except DrawError as err:
        raise BadInput(err.en, err.zh) from None
    return record, scenario


# -- FET files ------------------------------------------------------------------------------------------
def import_fet_file(file: Path, out: Path) -> Scenario:
    """``tongbu import-fet``: a FET file as a scenario folder; what it leaves out is on the scenario."""
    from models.fet import FetError, read_fet
    from models.files import write_scenario

    if not file.is_file():
        raise BadInput(f"{file} does not exist: give the path of a .fet file", f"{file} 不存在：请给出 .fet 文件的路径")
    if out.exists() and any(out.iterdir()):
        raise BadInput(f"{out} is not empty: choose a new folder", f"{out} 不是空文件夹：请换一个新文件夹")
    try:
        scenario = read_fet(file)
    except FetError as err:
        raise BadInput(err.en, err.zh) from None
    write_scenario(scenario, out)
    return scenario


def export_fet_file(folder: Path, out: Path) -> None:
    """``tongbu export-fet``: a scenario (imported, or a consortium's with its completed assignment) as FET."""
    from models.assignment import AssignmentError, complete_assignment
    from models.fet.writer import write_fet

    scenario = load(folder)
    if out.parent and not out.parent.exists():
        raise BadInput(f"{out.parent} does not exist: create the folder first", f"{out.parent} 不存在：请先建立该文件夹")
    if scenario.explicit is not None:
        out.write_bytes(write_fet(scenario))
        return
    from scheduler.itinerant.assign import itinerant_scenario

    try:
        # Itinerant teachers' classes first (as solve does), then every other class-subject its teacher.
        scenario, _days = itinerant_scenario(scenario)
        assignment = complete_assignment(scenario)
    except AssignmentError as err:
        raise BadInput(err.en, err.zh) from None
    out.write_bytes(write_fet(scenario, assignment.teacher_of, assignment.local_periods, assignment.sync_teacher))
