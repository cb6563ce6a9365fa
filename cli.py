"""The tongbu command line: a thin layer over library functions.

Help texts and messages exist in English and Chinese; ``--lang`` (default from the locale) picks one.
Exit codes: 0 done, 1 verify found violations, 2 bad input, 3 no timetable exists.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from models.messages import default_language, language, pick, set_language, tr

EXIT_VIOLATIONS, EXIT_BAD_INPUT, EXIT_INFEASIBLE = 1, 2, 3
PARTS_FOLDER = ".parts"  # checkpoints of finished parts inside OUT (scheduler/executor.py)


def bi(en: str, zh: str) -> str:
    """A bilingual help text, resolved when help is shown."""
    return f"{en}\x1f{zh}"


def resolve(text: str | None) -> str | None:
    if text and "\x1f" in text:
        en, zh = text.split("\x1f", 1)
        return pick(en, zh)
    return text


class I18nOption(click.Option):
    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        original = self.help
        self.help = resolve(original)
        try:
            return super().get_help_record(ctx)
        finally:
            self.help = original


def _translate_help_option(option: click.Option | None) -> click.Option | None:
    if option is not None:
        option.help = pick("Show this message and exit.", "显示本帮助并退出。")
    return option


class I18nCommand(click.Command):
    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        return _translate_help_option(super().get_help_option(ctx))

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        original = self.help
        self.help = resolve(original)
        try:
            super().format_help_text(ctx, formatter)
        finally:
            self.help = original

    def get_short_help_str(self, limit: int = 45) -> str:
        return resolve(self.short_help or self.help or "").split("\n")[0].strip()


class I18nGroup(click.Group):
    command_class = I18nCommand

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        return _translate_help_option(super().get_help_option(ctx))

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        original = self.help
        self.help = resolve(original)
        try:
            super().format_help_text(ctx, formatter)
        finally:
            self.help = original

    def main(self, args: Any = None, *rest: Any, **kwargs: Any) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        set_language(_lang_in(argv) or default_language())
        return super().main(argv, *rest, **kwargs)


def _lang_in(argv: list[str]) -> str | None:
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


class UserError(click.ClickException):
    """Bad input: exit code 2, message already in the user's language."""

    exit_code = EXIT_BAD_INPUT

    def show(self, file: Any = None) -> None:
        click.echo(self.format_message(), err=True)


def option(*names: str, **kwargs: Any) -> Any:
    return click.option(*names, cls=I18nOption, **kwargs)


def _set_lang(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value:
        set_language(value)


@click.group(cls=I18nGroup, help=bi(
    "tongbu (同步): timetables, synchronized lessons and calendar feeds for school consortia.\n\n"
    "validate -> solve -> verify -> serve. Exit codes: 0 done, 1 violations, 2 bad input, 3 no timetable exists.",
    "tongbu（同步）：教研共同体的课表、同步课堂与日历订阅。\n\n"
    "validate（检查）→ solve（排课）→ verify（核验）→ serve（发布）。退出码：0 完成，1 有违规，2 输入有误，3 无可行课表。"))
@option("--lang", type=click.Choice(["en", "zh"]), callback=_set_lang, expose_value=False, is_eager=True,
        help=bi("language of messages (default: from the locale)", "界面语言（默认随系统区域设置）"))
def main() -> None:
    pass


def _load(folder: Path):
    from models.problems import ScenarioInvalid
    from models.files import load_scenario

    try:
        return load_scenario(folder)
    except ScenarioInvalid as err:
        lines = [p.render() for p in err.problems]
        lines.append(tr("problems_found", count=len(err.problems)))
        raise UserError("\n".join(lines)) from None


@main.command(help=bi("Check a scenario folder: references, times, capacity. Lists every problem; exit 2 if any.",
                      "检查方案文件夹：引用、时间与容量。列出全部问题；有错误时退出码为 2。"))
@click.argument("folder", type=click.Path(path_type=Path))
def validate(folder: Path) -> None:
    from models.validation import validate_folder

    scenario, problems = validate_folder(folder)
    errors = [p for p in problems if p.severity == "error"]
    for problem in problems:
        click.echo(problem.render(), err=bool(errors))
    if errors or scenario is None:
        raise UserError(tr("problems_found", count=len(errors)))
    from models.describe import summary_line

    click.echo(tr("valid", path=folder))
    click.echo(summary_line(scenario))


@main.command(help=bi("Summarize a scenario: consortia, schools, classes, teachers, demand and capacity per subject.",
                      "概览方案：共同体、学校、班级、教师，以及各学科需求与师资容量。"))
@click.argument("folder", type=click.Path(path_type=Path))
@option("--by", type=click.Choice(["consortium", "subject", "school"]), default="consortium",
        help=bi("what each row of the table is", "表格按什么分行"))
def describe(folder: Path, by: str) -> None:
    from models.describe import describe_table, summary_line

    scenario = _load(folder)
    click.echo(summary_line(scenario))
    click.echo(describe_table(scenario, by))


@main.command(help=bi("Write an empty scenario (scenario.yaml + scenario.xlsx with headers and two example rows).",
                      "生成空白方案（scenario.yaml 与带表头和两行示例的 scenario.xlsx）。"))
@click.argument("folder", type=click.Path(path_type=Path))
def init(folder: Path) -> None:
    from models.scaffold import write_scaffold

    if folder.exists() and any(folder.iterdir()):
        raise UserError(pick(f"{folder} is not empty: choose a new folder", f"{folder} 不是空文件夹：请换一个新文件夹"))
    for path in write_scaffold(folder):
        click.echo(str(path))


@main.command(help=bi("Print the JSON Schema of scenario and solution files.", "输出方案与结果文件的 JSON Schema。"))
@option("--out", type=click.Path(path_type=Path), help=bi("folder to write the schema files to", "Schema 文件的输出文件夹"))
def schema(out: Path | None) -> None:
    from models.schema import schemas

    documents = schemas()
    if out is None:
        click.echo(json.dumps(documents, ensure_ascii=False, indent=1, sort_keys=True))
        return
    out.mkdir(parents=True, exist_ok=True)
    for name, document in documents.items():
        (out / f"{name}.schema.json").write_text(json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                                 encoding="utf-8")
        click.echo(str(out / f"{name}.schema.json"))


@main.command(help=bi("Solve the term timetables of a scenario and publish them to OUT (verified before publishing).",
                      "为方案排出学期课表并发布到 OUT（发布前先核验）。"))
@click.argument("folder", type=click.Path(path_type=Path))
@option("--out", "out", type=click.Path(path_type=Path), required=True, help=bi("output folder", "输出文件夹"))
@option("--time-limit", type=float, default=60.0, show_default=True,
        help=bi("solver effort per part, in seconds on this machine (deterministic)", "每个部分的求解时长（秒，结果可复现）"))
@option("--seed", type=int, default=0, show_default=True, help=bi("random seed", "随机种子"))
@option("--workers", type=int, default=2, show_default=True, help=bi("parallel processes", "并行进程数"))
@option("--previous", type=click.Path(path_type=Path), default=None,
        help=bi("the last published OUT, so calendar events keep their identity", "上次发布的输出文件夹（保持日历事件的标识）"))
@option("--dask", "dask", metavar="ADDRESS", envvar="TONGBU_DASK", default=None,
        help=bi("solve the parts on the Dask cluster whose scheduler is at ADDRESS (e.g. tcp://10.0.0.5:8786; "
                "also $TONGBU_DASK); same result as local processes; budgets still follow --workers",
                "在 Dask 集群上求解各部分（调度器地址 ADDRESS，如 tcp://10.0.0.5:8786；也可用环境变量 TONGBU_DASK）；"
                "结果与本机进程相同；时长分配仍按 --workers"))
def solve(folder: Path, out: Path, time_limit: float, seed: int, workers: int, previous: Path | None,
          dask: str | None) -> None:
    from scheduler.executor import Checkpoints, ExecutorUnavailable, executor_for
    from scheduler.publish import ProgressLine, publish_solution
    from scheduler.solve import solve_scenario

    scenario = _load(folder)
    rules = _activity_rules(folder, scenario)
    # Finished parts are kept in OUT/.parts until the solve is published (publishing replaces OUT),
    # so a run stopped by a crash or a lost worker resumes where it stopped.
    try:
        with executor_for(dask, workers) as executor:  # connects to Dask first: a wrong address fails fast
            result = solve_scenario(scenario, time_limit=time_limit, seed=seed, workers=workers,
                                    progress=ProgressLine(), executor=executor,
                                    checkpoints=Checkpoints(out / PARTS_FOLDER))
    except ExecutorUnavailable as err:
        raise UserError(pick(err.en, err.zh)) from None
    if result.solution is None and any(c.kind == "executor" for c in result.explanation):
        lines = [pick("Some parts could not be solved (finished parts are kept; run the same command again):",
                      "部分未能求解（已完成的部分已保留；请重新运行同一命令）：")]
        lines += ["  - " + pick(c.en, c.zh) for c in result.explanation if c.kind == "executor"]
        click.echo("\n".join(lines), err=True)
        sys.exit(EXIT_INFEASIBLE)
    if result.solution is None:
        lines = [pick("No timetable exists that meets every requirement:", "不存在满足全部要求的课表：")]
        lines += ["  - " + pick(c.en, c.zh) for c in result.explanation]
        if not result.explanation and result.status == "infeasible":
            lines.append("  - " + pick(
                "the solver proved that the requirements contradict each other but could not narrow them down "
                "within the time limit; a longer --time-limit lets it name them. Likely places: teachers' weekly "
                "and daily limits against their classes, unavailable days, synchronized lessons and research blocks",
                "求解器已证明各项要求相互矛盾，但未能在时限内指出是哪几项；加大 --time-limit 可让它指明。"
                "常见原因：教师周/日课时上限与所任班级不符、不可排课时段、同步课堂和教研时段"))
        elif not result.explanation:
            lines.append("  - " + pick(f"the solver stopped with status '{result.status}' within the time limit; "
                                       "try a longer --time-limit", f"求解器在时限内未找到课表（状态 {result.status}）；可加大 --time-limit"))
        click.echo("\n".join(lines), err=True)
        sys.exit(EXIT_INFEASIBLE)
    activities = None
    if rules:
        # The timetable is the main job: activities that cannot be planned are explained, not a reason to
        # withhold the timetable.
        activities = _plan_activities(scenario, result.solution, rules, previous or out, seed, time_limit,
                                      required=False)
    try:
        violations = publish_solution(scenario, result, folder, out, previous=previous, activities=activities)
    except Exception as err:  # noqa: BLE001 - only the calendar-data gap is the user's to fix
        _term_data_missing(err)
        raise
    if violations:
        from constraints.checks.report import format_report

        click.echo(format_report(violations, language()), err=True)
        sys.exit(EXIT_VIOLATIONS)
    for part in result.parts:
        click.echo(pick(f"{part.id}: {part.status}, objective {part.objective}, bound {part.bound}, gap {_pct(part.gap)}",
                        f"{part.id}：{part.status}，目标值 {part.objective}，下界 {part.bound}，差距 {_pct(part.gap)}"))
    click.echo(pick(f"published to {out}", f"已发布到 {out}"))


def _term_data_missing(err: Exception) -> None:
    from feeds.term import TermDataMissing

    if isinstance(err, TermDataMissing):
        raise UserError(pick(f"cannot write calendar feeds: {err}", f"无法生成日历订阅：{err}")) from None


def _activity_rules(folder: Path, scenario: Any) -> tuple:
    from scheduler.activities import RulesInvalid, load_activity_rules

    try:
        return load_activity_rules(folder, scenario)
    except RulesInvalid as err:
        lines = [pick(en, zh) for en, zh in err.problems]
        raise UserError("\n".join(lines)) from None


def _rotation_state(source: Path | None, scenario: Any) -> Any:
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


def _plan_activities(scenario: Any, solution: Any, rules: tuple, state_from: Path | None, seed: int,
                     time_limit: float, *, required: bool = True) -> Any:
    """The activity plan; when none meets every rule, explain and exit 3 (or, with ``required=False``,
    return None so the timetable is still published)."""
    from scheduler.activities import plan_activities

    plan = plan_activities(scenario, solution, rules, state=_rotation_state(state_from, scenario), seed=seed,
                           time_limit=time_limit)
    if not plan.ok:
        lines = [pick("No activity calendar meets every rule:", "没有满足全部规则的活动安排：")]
        lines += ["  - " + pick(en, zh) for en, zh in plan.problems]
        if not plan.problems:
            lines.append("  - " + pick(f"the planner stopped with status {plan.status}", f"规划器状态 {plan.status}"))
        if not required:
            lines.append(pick("The timetable is published without activities; change the rules and run "
                              "tongbu plan-activities.",
                              "课表照常发布，但不含活动；请修改活动规则后运行 tongbu plan-activities。"))
        click.echo("\n".join(lines), err=True)
        if required:
            sys.exit(EXIT_INFEASIBLE)
        return None
    return plan


def _pct(gap: float | None) -> str:
    return "-" if gap is None else f"{100 * gap:.2f}%"


@main.command(help=bi("Check a published solution against every hard requirement of the scenario; exit 1 on violations.",
                      "按方案的全部硬性要求核验已发布的结果；有违规时退出码为 1。"))
@click.argument("folder", type=click.Path(path_type=Path))
@click.argument("out", type=click.Path(path_type=Path))
def verify(folder: Path, out: Path) -> None:
    from constraints.checks import verify as run_checks
    from constraints.checks.report import format_report

    scenario = _load(folder)
    solution = _published_solution(out)
    violations = run_checks(scenario, solution)
    if (out / "activities" / "plan.json").is_file():
        from constraints.checks import Violation
        from scheduler.activities import check_activities, read_plan

        # The activity calendar published with the timetable: fairness bounds, clashes, double bookings.
        violations += [Violation("activities", "", en, zh)
                       for en, zh in check_activities(scenario, solution, read_plan(out))]
    click.echo(format_report(violations, language()))
    if violations:
        sys.exit(EXIT_VIOLATIONS)


def _published_solution(out: Path) -> Any:
    from constraints.checks import load_solution

    path = out / "solution.json"
    if not path.is_file():
        raise UserError(pick(f"{path} does not exist: run tongbu solve first", f"{path} 不存在：请先运行 tongbu solve"))
    try:
        return load_solution(path)
    except ValueError as err:
        raise UserError(pick(f"{path} is not a tongbu solution: {err}", f"{path} 不是 tongbu 结果文件：{err}")) from None


@main.command("plan-activities", help=bi(
    "Plan the consortium activities (meetings, demonstration lessons...) of the term around the published "
    "timetable in OUT; writes OUT/activities and adds them to the calendar feeds.",
    "按 OUT 中已发布的课表安排本学期教共体活动（联席会议、轮讲共听互评等），写入 OUT/activities 并加入日历订阅。"))
@click.argument("folder", type=click.Path(path_type=Path))
@click.argument("out", type=click.Path(path_type=Path))
@option("--previous-state", type=click.Path(path_type=Path), default=None,
        help=bi("rotation_state.json (or OUT) of the previous term, so chairs and hosts continue in turn",
                "上学期的 rotation_state.json（或输出文件夹），使主持与承办轮换接续"))
@option("--seed", type=int, default=0, show_default=True, help=bi("random seed", "随机种子"))
@option("--time-limit", type=float, default=30.0, show_default=True, help=bi("planner effort", "求解时长"))
def plan_activities_command(folder: Path, out: Path, previous_state: Path | None, seed: int, time_limit: float) -> None:
    import shutil
    import tempfile

    from scheduler.publish import swap_into_place, write_feeds_with_activities

    scenario = _load(folder)
    rules = _activity_rules(folder, scenario)
    if not rules:
        raise UserError(pick(f"{folder}: no activity rules (activity_rules.yaml or activity_rules: in scenario.yaml)",
                             f"{folder}：没有活动规则（activity_rules.yaml 或 scenario.yaml 中的 activity_rules:）"))
    solution = _published_solution(out)
    plan = _plan_activities(scenario, solution, rules, previous_state or out, seed, time_limit)
    from scheduler.activities import check_activities

    problems = check_activities(scenario, solution, plan)
    if problems:
        click.echo("\n".join("- " + pick(en, zh) for en, zh in problems), err=True)
        sys.exit(EXIT_VIOLATIONS)
    # Rewrite a copy of OUT and swap it in, so the feed server never sees half-written feeds.
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        shutil.copytree(out, staging, dirs_exist_ok=True)
        try:
            write_feeds_with_activities(scenario, solution, staging, out, plan)
        except Exception as err:  # noqa: BLE001
            _term_data_missing(err)
            raise
        swap_into_place(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    click.echo(pick(f"{len(plan.activities)} activities planned; written to {out / 'activities'}",
                    f"已安排 {len(plan.activities)} 项活动；写入 {out / 'activities'}"))


@main.command("draw", help=bi(
    "Draw the teacher of a spot-check lesson (随机抽测) with a published seed; anyone rerunning it gets the same "
    "teacher; the draw is recorded in OUT/activities/draws.json.",
    "用公布的种子抽取随机抽测课的授课教师；任何人重跑结果相同；结果记录在 OUT/activities/draws.json。"))
@click.argument("folder", type=click.Path(path_type=Path))
@click.argument("out", type=click.Path(path_type=Path))
@click.argument("activity")
@option("--seed", "seed", required=True, help=bi("the published seed (text)", "公布的随机种子（文本）"))
def draw_command(folder: Path, out: Path, activity: str, seed: str) -> None:
    from scheduler.activities import DrawError, draw_and_record, read_plan

    scenario = _load(folder)
    solution = _published_solution(out)
    try:
        plan = read_plan(out)
    except FileNotFoundError:
        raise UserError(pick(f"{out}: no activity plan; run tongbu plan-activities first",
                             f"{out}：没有活动安排；请先运行 tongbu plan-activities")) from None
    # Activity ids are "<school year>/<season>/<rule>#<n>"; "<rule>#<n>" alone is accepted when unique.
    matches = [a.id for a in plan.activities if a.id == activity or a.id.endswith("/" + activity)]
    if len(matches) == 1:
        activity = matches[0]
    try:
        record = draw_and_record(scenario, solution, plan, activity, seed=seed,
                                 log_path=out / "activities" / "draws.json")
    except DrawError as err:
        raise UserError(pick(err.en, err.zh)) from None
    teacher = scenario.teacher_by_id.get(record.teacher)
    name = teacher.name if teacher else record.teacher
    click.echo(pick(f"{record.activity}: {name} ({record.teacher}) teaches {record.subject} to {record.class_id} "
                    f"on {record.date} {record.time}; drawn as item {record.index} of {len(record.eligible)} "
                    f"(sha256 of '{record.text}'); recorded in {out / 'activities' / 'draws.json'}",
                    f"{record.activity}：{name}（{record.teacher}）{record.date} {record.time} 为 {record.class_id} "
                    f"上{record.subject}；在 {len(record.eligible)} 名符合条件的教师中抽中第 {record.index} 名"
                    f"（'{record.text}' 的 sha256）；已记录于 {out / 'activities' / 'draws.json'}"))


@main.command("plan-exchange", help=bi(
    "Plan teacher exchange rotation (交流轮岗) over N school years: who goes where, meeting the policy ratios; "
    "writes the plan, summaries, notifications and one scenario per year to OUT, only once the plan check "
    "(verify-plan) and the checks tongbu solve runs first accept them. Exit 3: proven impossible; exit 4: "
    "no such plan found within --effort and --time-limit (one may exist).",
    "制订 N 个学年的教师交流轮岗计划：谁在哪一年去哪所学校，满足政策比例；计划通过核验（verify-plan）和 tongbu solve "
    "的排课前检查后，才输出计划、汇总、通知名单和每学年的方案。退出码 3：已证明不可能；4：在 --effort 和 --time-limit "
    "内未找到（可能存在）。"))
@click.argument("folder", type=click.Path(path_type=Path))
@option("--years", type=int, default=3, show_default=True, help=bi("school years to plan", "规划学年数"))
@option("--out", "out", type=click.Path(path_type=Path), required=True, help=bi("output folder", "输出文件夹"))
@option("--seed", type=int, default=0, show_default=True, help=bi("random seed", "随机种子"))
@option("--effort", type=float, default=60.0, show_default=True,
        help=bi("search effort in deterministic units (CP-SAT deterministic time, shared by the consortia): the "
                "same input, seed and effort give the same plan on any machine",
                "搜索计算量（CP-SAT 确定性时间，由各共同体分摊）：相同输入、随机种子和计算量在任何机器上得到相同计划"))
@option("--time-limit", type=float, default=1800.0, show_default=True,
        help=bi("seconds on the clock for the whole command (a safety cap; a plan it cuts short may differ "
                "from run to run)", "整个命令的时钟秒数上限（安全上限；被它中止的搜索所得计划可能每次不同）"))
@option("--quiet", is_flag=True, help=bi("no progress lines on stderr", "不在 stderr 输出进度"))
def plan_exchange_command(folder: Path, years: int, out: Path, seed: int, effort: float, time_limit: float,
                          quiet: bool) -> None:
    from scheduler.exchange import ExchangeInputError, publish_plan

    _load(folder)
    try:
        result = publish_plan(folder, years, out, seed=seed, effort=effort, time_limit=time_limit,
                              progress=None if quiet else lambda en, zh: click.echo(pick(en, zh), err=True))
    except ExchangeInputError as err:
        raise UserError("\n".join(p.render() for p in err.problems)) from None
    click.echo("\n".join(pick(en, zh) for en, zh in result.messages), err=result.exit_code != 0)
    if result.exit_code:
        sys.exit(result.exit_code)


@main.command("verify-plan", help=bi("Check an exchange plan in OUT against the policy of the scenario; exit 1 on violations.",
                                     "按方案的政策核验 OUT 中的交流计划；有违规时退出码为 1。"))
@click.argument("folder", type=click.Path(path_type=Path))
@click.argument("out", type=click.Path(path_type=Path))
def verify_plan_command(folder: Path, out: Path) -> None:
    from scheduler.exchange import check_plan

    problems = check_plan(folder, out)
    for en, zh in problems:
        click.echo("- " + pick(en, zh))
    click.echo(pick(f"{len(problems)} violations", f"{len(problems)} 处违规"))
    if problems:
        sys.exit(EXIT_VIOLATIONS)


@main.command(help=bi("Serve the calendar feeds of OUT behind secret-token URLs until stopped (Ctrl-C).",
                      "以带密钥的链接发布 OUT 中的日历订阅，直到停止（Ctrl-C）。"))
@click.argument("out", type=click.Path(path_type=Path))
@option("--host", default="127.0.0.1", show_default=True, help=bi("address to listen on", "监听地址"))
@option("--port", type=int, default=8080, show_default=True, help=bi("port", "端口"))
def serve(out: Path, host: str, port: int) -> None:
    from feeds.server import serve as run_server

    _feeds_out(out)
    try:
        run_server(out, host=host, port=port)
    except OSError as err:
        raise UserError(pick(f"cannot listen on {host}:{port}: {err.strerror}", f"无法监听 {host}:{port}：{err.strerror}")) from None


@main.group(cls=I18nGroup, help=bi("Manage the secret feed tokens of OUT: list, rotate, revoke.",
                                   "管理 OUT 中订阅链接的密钥：列出、更换、吊销。"))
def tokens() -> None:
    pass


def _feeds_out(out: Path) -> Path:
    if not (out / "feeds" / "manifest.json").is_file():
        raise UserError(pick(f"{out} has no feeds: run tongbu solve first", f"{out} 中没有日历订阅：请先运行 tongbu solve"))
    return out


@tokens.command("list", cls=I18nCommand, help=bi("List every feed with its subscription path.", "列出每个订阅及其链接路径。"))
@click.argument("out", type=click.Path(path_type=Path))
def tokens_list(out: Path) -> None:
    from feeds.tokens import list_tokens

    for entry in list_tokens(_feeds_out(out)):
        click.echo("\t".join([entry.feed, entry.kind, entry.name, entry.path or pick("(revoked)", "（已吊销）")]))


@tokens.command("rotate", cls=I18nCommand, help=bi("Give feeds new tokens (all feeds when none is named); old URLs stop working.",
                                                 "更换订阅密钥（未指定时全部更换）；旧链接失效。"))
@click.argument("out", type=click.Path(path_type=Path))
@click.argument("feeds", nargs=-1)
def tokens_rotate(out: Path, feeds: tuple[str, ...]) -> None:
    from feeds.tokens import rotate

    try:
        changed = rotate(_feeds_out(out), list(feeds) or None)
    except KeyError as err:
        raise UserError(str(err.args[0])) from None
    click.echo(pick(f"{len(changed)} tokens rotated", f"已更换 {len(changed)} 个密钥"))


@tokens.command("revoke", cls=I18nCommand, help=bi("Revoke feeds' tokens: their URLs stop working until rotated.",
                                                 "吊销订阅密钥：链接失效，直到重新更换。"))
@click.argument("out", type=click.Path(path_type=Path))
@click.argument("feeds", nargs=-1, required=True)
def tokens_revoke(out: Path, feeds: tuple[str, ...]) -> None:
    from feeds.tokens import revoke

    try:
        revoked = revoke(_feeds_out(out), list(feeds))
    except KeyError as err:
        raise UserError(str(err.args[0])) from None
    click.echo(pick(f"{len(revoked)} tokens revoked", f"已吊销 {len(revoked)} 个密钥"))


@main.command("import-fet", help=bi(
    "Make a scenario folder from a FET file (.fet): days, hours, teachers, student sets, activities and the time "
    "constraints tongbu knows; every constraint left out is listed by kind and count.",
    "由 FET 文件（.fet）生成方案文件夹：天、节次、教师、学生组、活动及 tongbu 支持的时间约束；未导入的约束按类型与数量列出。"))
@click.argument("file", type=click.Path(path_type=Path))
@option("--out", "out", type=click.Path(path_type=Path), required=True, help=bi("scenario folder to write", "要写入的方案文件夹"))
def import_fet(file: Path, out: Path) -> None:
    from models.fet import FetError, read_fet
    from models.files import write_scenario

    if not file.is_file():
        raise UserError(pick(f"{file} does not exist: give the path of a .fet file", f"{file} 不存在：请给出 .fet 文件的路径"))
    if out.exists() and any(out.iterdir()):
        raise UserError(pick(f"{out} is not empty: choose a new folder", f"{out} 不是空文件夹：请换一个新文件夹"))
    try:
        scenario = read_fet(file)
    except FetError as err:
        raise UserError(pick(err.en, err.zh)) from None
    write_scenario(scenario, out)
    tt = scenario.explicit
    assert tt is not None
    click.echo(pick(f"{len(tt.activities)} activities, {len(tt.teachers)} teachers, {len(tt.student_sets)} student sets, "
                    f"{len(tt.rules)} time constraints imported to {out}",
                    f"已导入到 {out}：{len(tt.activities)} 个活动、{len(tt.teachers)} 位教师、{len(tt.student_sets)} 个学生组、"
                    f"{len(tt.rules)} 条时间约束"))
    if tt.left_out:
        click.echo(pick("partial: not imported (kind: count):", "部分导入：以下约束未导入（类型：数量）："))
        for item in tt.left_out:
            click.echo(f"  - {item.kind}: {item.count}")


@main.command("export-fet", help=bi(
    "Write a scenario as a FET file that fet-cl reads (a consortium included: each school a building).",
    "把方案写成 fet-cl 可读的 FET 文件（可含整个共同体：每所学校作为一栋楼）。"))
@click.argument("folder", type=click.Path(path_type=Path))
@option("--out", "out", type=click.Path(path_type=Path), required=True, help=bi("the .fet file to write", "要写入的 .fet 文件"))
def export_fet(folder: Path, out: Path) -> None:
    from models.fet.writer import write_fet

    scenario = _load(folder)
    if scenario.explicit is not None:
        data = write_fet(scenario)
    else:
        from scheduler.assign import AssignmentError, complete_assignment

        try:
            assignment = complete_assignment(scenario)
        except AssignmentError as err:
            raise UserError(pick(err.en, err.zh)) from None
        data = write_fet(scenario, assignment.teacher_of, assignment.local_periods, assignment.sync_teacher)
    if out.parent and not out.parent.exists():
        raise UserError(pick(f"{out.parent} does not exist: create the folder first", f"{out.parent} 不存在：请先建立该文件夹"))
    out.write_bytes(data)
    click.echo(pick(f"wrote {out}", f"已写入 {out}"))


if __name__ == "__main__":
    main()
