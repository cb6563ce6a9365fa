"""What ``tongbu plan-exchange`` runs, and the benchmark with it: plan, check, publish only what passes.

``publish_plan`` plans (scheduler.exchange.planner), writes the plan and its year scenarios to a
staging folder beside OUT, runs the independent plan check on what was written
(constraints.checks.exchange: the policy, each ``scenario_<year>`` through ``tongbu validate``'s checks
and through the steps ``tongbu solve`` runs before its model — itinerant coverage, the completed
teaching assignment within max_weekly), and only then moves the files into OUT. A plan the check
rejects is never published; the result says what failed, in the user's words, with the exit code:

- 0: published (status optimal or feasible);
- 3: proven impossible — the ratios cannot be met (the closest plan is published, with
  explanation.txt, status ``ratios_impossible``), or no plan keeps the rules;
- 4: no publishable plan found within the effort or the time limit (one may exist): the planner ran
  out, or the plan found fails the check, and nothing is written; or the ratios were not met within the
  effort (not proven impossible), and the closest plan is written as for 3, status
  ``ratios_impossible``, its explanation naming the schools short.

(1, violations found by a check, is ``tongbu verify-plan``'s; 2, bad input, is raised as
``ExchangeInputError``.)
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from models.errors import EXIT_DONE, EXIT_IMPOSSIBLE, EXIT_NOT_FOUND, Impossible, NotFoundInTime, TongbuError
from models.exchange_files import load_exchange_inputs
from models.violation import Violation
from scheduler.exchange.plan import ExchangePlan
from scheduler.exchange.planner import plan_from_inputs
from scheduler.exchange.presolve import check_plan as plan_findings
from scheduler.exchange.search import DEFAULT_EFFORT, DEFAULT_TIME_LIMIT, Progress, Search
from scheduler.exchange.writers import write_plan

#: At most this many problems are listed when a plan is rejected (the count is always given).
MAX_SHOWN = 20

Message = tuple[str, str]


@dataclass(frozen=True)
class PublishResult:
    """What happened: the plan, whether OUT now holds it, the exit code and the lines for the user."""

    plan: ExchangePlan
    published: bool
    exit_code: int
    messages: tuple[Message, ...]
    #: what the plan check found on the plan (before publishing); ratio findings for ratios_impossible
    findings: tuple[Violation, ...]
    plan_seconds: float
    check_seconds: float

    def failure(self) -> TongbuError | None:
        """The exit (3 or 4) with the lines for the user as its message; None when the plan was published (0)."""
        if self.exit_code == EXIT_DONE:
            return None
        kind = Impossible if self.exit_code == EXIT_IMPOSSIBLE else NotFoundInTime
        return kind("\n".join(en for en, _ in self.messages), "\n".join(zh for _, zh in self.messages))


def publish_plan(folder: Path, years: int, out: Path, *, seed: int = 0, effort: float = DEFAULT_EFFORT,
                 time_limit: float | None = DEFAULT_TIME_LIMIT, progress: Progress | None = None) -> PublishResult:
    """Plan ``years`` school years for the scenario in ``folder`` and publish the plan to ``out`` if the plan
    check accepts it (see the module docstring). ``effort`` (deterministic units) and ``seed`` fix the
    plan; ``time_limit`` is wall seconds for the whole call. Raises ExchangeInputError for bad input."""
    search = Search(seed=seed, effort=effort, time_limit=time_limit, progress=progress)
    folder, out = Path(folder), Path(out)
    search.say(f"reading {folder}", f"读取 {folder}")
    inputs = load_exchange_inputs(folder)
    plan = plan_from_inputs(inputs, years, search=search)
    planned = search.elapsed()
    if plan.status in ("infeasible", "not_found"):
        return _refused(plan, search, planned)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        search.say(f"writing the plan and {len(plan.years)} year scenario(s)", f"写出计划和 {len(plan.years)} 个学年方案")
        write_plan(plan, staging)
        search.say("checking the plan independently (as tongbu verify-plan)", "独立核验计划（同 tongbu verify-plan）")
        started = time.monotonic()
        findings = plan_findings(folder, staging, progress=search.say)
        checked = time.monotonic() - started
        tolerated = {"ratio"} if plan.status == "ratios_impossible" else set()
        blocking = [(v.en, v.zh) for v in findings if v.rule.removeprefix("exchange.") not in tolerated]
        if blocking:
            return PublishResult(plan, False, EXIT_NOT_FOUND, _rejected(plan, blocking, out), tuple(findings),
                                 planned, checked)
        _move_into(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    search.say(f"published to {out}", f"已发布到 {out}")
    messages: list[Message] = []
    if plan.stopped_by_time_limit:
        messages.append((f"warning: the --time-limit of {time_limit:g} s stopped a search before its effort was spent, "
                         "so this plan may differ from run to run; for a reproducible plan raise --time-limit or "
                         "lower --effort",
                         f"注意：--time-limit（{time_limit:g} 秒）在计算量用完前中止了搜索，此计划可能每次不同；"
                         "如需可复现的计划，请加大 --time-limit 或减小 --effort"))
    placed = len(plan.placements)
    if plan.status == "ratios_impossible":
        code = EXIT_IMPOSSIBLE if plan.proven else EXIT_NOT_FOUND
        head = ("No exchange plan meets the policy:", "没有满足政策的交流计划：") if plan.proven else \
            ("No exchange plan meeting the policy was found within the effort (one may exist):",
             "在计算量内未找到满足政策的交流计划（可能存在）：")
        messages.append(head)
        messages += [("  - " + en, "  - " + zh) for en, zh in plan.explanation]
        messages.append((f"the closest plan ({placed} placements, every other rule kept, checked) is written to {out}",
                         f"最接近的计划（{placed} 人次，其他规则均满足，已核验）已写入 {out}"))
        return PublishResult(plan, True, code, tuple(messages), tuple(findings), planned, checked)
    messages.append((f"exchange plan ({plan.status}) written to {out}: {placed} placements in "
                     f"{plan.years[0]}–{plan.years[-1]}; plan check: 0 violations, and every year scenario passes "
                     f"validate and the checks tongbu solve runs first",
                     f"交流计划（{plan.status}）已写入 {out}：{plan.years[0]}–{plan.years[-1]} 学年共 {placed} 人次；"
                     f"核验 0 处违规，各学年方案均通过方案检查和 tongbu solve 的排课前检查"))
    return PublishResult(plan, True, EXIT_DONE, tuple(messages), tuple(findings), planned, checked)


def _refused(plan: ExchangePlan, search: Search, planned: float) -> PublishResult:
    """No plan to publish: proven impossible (3) or not found within the effort or the clock (4)."""
    if plan.status == "infeasible":
        head = ("No exchange plan keeps the rules (nothing written):", "没有满足规则的交流计划（未写出任何文件）：")
        code = EXIT_IMPOSSIBLE
    else:
        head = ("No exchange plan that can be handed over was found within the effort and time given (one may "
                "exist; nothing written):", "在给定的计算量和时间内未找到可交接的交流计划（可能存在；未写出任何文件）：")
        code = EXIT_NOT_FOUND
    lines = [head] + [("  - " + en, "  - " + zh) for en, zh in plan.explanation[:MAX_SHOWN]]
    if len(plan.explanation) > MAX_SHOWN:
        more = len(plan.explanation) - MAX_SHOWN
        lines.append((f"  … and {more} more", f"  ……另有 {more} 项"))
    if code == EXIT_NOT_FOUND:
        lines.append(_hint(search))
    return PublishResult(plan, False, code, tuple(lines), (), planned, 0.0)


def _rejected(plan: ExchangePlan, blocking: list[Message], out: Path) -> tuple[Message, ...]:
    lines = [(f"The plan found does not pass the plan check ({len(blocking)} problem(s)); nothing was written to {out}:",
              f"找到的计划未通过核验（{len(blocking)} 个问题）；未写入 {out}：")]
    lines += [("  - " + en, "  - " + zh) for en, zh in blocking[:MAX_SHOWN]]
    if len(blocking) > MAX_SHOWN:
        more = len(blocking) - MAX_SHOWN
        lines.append((f"  … and {more} more", f"  ……另有 {more} 项"))
    lines.append(("a larger --effort (or another --seed) may find a plan that passes",
                  "加大 --effort（或换一个 --seed）或可找到能通过核验的计划"))
    return tuple(lines)


def _hint(search: Search) -> Message:
    if search.stopped or search.expired():
        return (f"the --time-limit of {search.time_limit:g} s ran out first: raise it, or lower --effort",
                f"--time-limit（{search.time_limit:g} 秒）先用完了：请加大它，或减小 --effort")
    return ("a larger --effort (or another --seed) may find one", "加大 --effort（或换一个 --seed）或可找到")


def _move_into(staging: Path, out: Path) -> None:
    """Put the staged files in ``out``, replacing an earlier plan's (old year scenarios and explanation too)."""
    out.mkdir(parents=True, exist_ok=True)
    for old in sorted(out.glob("scenario_*")):
        if old.is_dir():
            shutil.rmtree(old)
    (out / "explanation.txt").unlink(missing_ok=True)
    for entry in sorted(staging.iterdir()):
        target = out / entry.name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
        entry.rename(target)
