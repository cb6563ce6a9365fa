"""The tongbu command line: a thin layer over library functions.

Help texts and messages exist in English and Chinese; ``--lang`` (default from the locale) picks one.
Exit codes (models/errors.py): 0 done, 1 violations found, 2 bad input, 3 proven impossible, 4 not found in
the time given.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import click

from models.errors import BadInput, TongbuError, ViolationsFound
from models.messages import STATUS_ZH, default_language, language, pick, set_language, tr

DEFAULT_TIME_LIMIT = 120.0
#: When the command started (set by ``main`` for each invocation): ``solve --time-limit`` counts from here.
STARTED = time.time()


#: click's own texts in Chinese (its msgids, as click 8 writes them); anything not listed stays as click says it.
CLICK_ZH: dict[str, str] = {
    "Usage:": "用法：", "Options": "选项", "Commands": "命令", "Positional arguments": "位置参数",
    "Show this message and exit.": "显示本帮助并退出。", "Show the version and exit.": "显示版本并退出。",
    "Error: {message}": "错误：{message}", "Try '{command} {option}' for help.": "运行“{command} {option}”查看帮助。",
    "Missing argument": "缺少参数", "Missing option": "缺少选项", "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}", "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing command.": "缺少命令。", "No such command {name!r}.": "没有命令 {name!r}。",
    "No such option {name!r}.": "没有选项 {name!r}。", "Option {name!r} does not take a value.": "选项 {name!r} 不带值。",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}", "Aborted!": "已中止！",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的数值。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是文件夹。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 不可读。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 不可写。",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "default: {default}": "默认：{default}", "env var: {var}": "环境变量：{var}", "required": "必填",
    "file": "文件", "directory": "文件夹", "path": "路径", "integer": "整数", "float": "数",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}", "(dynamic)": "（动态）", "deprecated": "已弃用",
}
CLICK_ZH_PLURAL: dict[str, str] = {
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。", "{value!r} is not one of {choices}.": "{value!r} 不是 {choices} 之一。",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个值。",
    "Got unexpected extra argument ({args})": "多余的参数（{args}）", "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "Did you mean {possibility}?": "是否想用 {possibility}？", "(Possible options: {possibilities})": "（可能的选项：{possibilities}）",
}


def _click_gettext(message: str) -> str:
    return CLICK_ZH.get(message, message) if language() == "zh" else message


def _click_ngettext(singular: str, plural: str, count: int) -> str:
    text = singular if count == 1 else plural
    return CLICK_ZH_PLURAL.get(text, text) if language() == "zh" else text


def _translate_click() -> None:
    """click looks its texts up through gettext in each of its modules; give those lookups the Chinese."""
    import importlib

    for name in ("core", "exceptions", "formatting", "types", "parser", "decorators", "termui", "utils"):
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = _click_gettext
        if hasattr(module, "ngettext"):
            module.ngettext = _click_ngettext


_translate_click()


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


def _usage_zh(pieces: list[str]) -> list[str]:
    words = {"[OPTIONS]": "[选项]", "COMMAND": "命令", "[ARGS]...": "[参数]..."}
    return [words.get(p, p) for p in pieces] if language() == "zh" else pieces


class I18nCommand(click.Command):
    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        return _usage_zh(super().collect_usage_pieces(ctx))

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

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        return _usage_zh(" ".join(super().collect_usage_pieces(ctx)).split(" "))

    def get_short_help_str(self, limit: int = 45) -> str:
        return resolve(self.short_help or self.help or "").split("\n")[0].strip()

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        return _translate_help_option(super().get_help_option(ctx))

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        original = self.help
        self.help = resolve(original)
        try:
            super().format_help_text(ctx, formatter)
        finally:
            self.help = original

    def invoke(self, ctx: click.Context) -> Any:
        """Every library failure becomes its message and exit code here, and nowhere else."""
        try:
            return super().invoke(ctx)
        except TongbuError as err:
            if err.text(language()):  # empty when the command has already printed what was found
                click.echo(err.text(language()), err=True)
            ctx.exit(err.exit_code)

    def main(self, args: Any = None, *rest: Any, **kwargs: Any) -> Any:
        global STARTED
        # A command's seconds count from when its process started (imports included); a test that calls
        # main() in its own process counts from the call.
        STARTED = _process_start() if args is None else time.time()
        argv = list(sys.argv[1:] if args is None else args)
        set_language(_lang_in(argv) or default_language())
        return super().main(argv, *rest, **kwargs)


def _process_start() -> float:
    try:
        import psutil

        return min(time.time(), psutil.Process().create_time())
    except Exception:  # noqa: BLE001 - an unusual platform: count from now
        return time.time()


def _lang_in(argv: list[str]) -> str | None:
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def option(*names: str, **kwargs: Any) -> Any:
    return click.option(*names, cls=I18nOption, **kwargs)


def _set_lang(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value:
        set_language(value)


@click.group(cls=I18nGroup, help=bi(
    "tongbu (同步): timetables, synchronized lessons and calendar feeds for school consortia.\n\n"
    "validate -> solve -> verify -> serve. Exit codes: 0 done, 1 violations, 2 bad input, 3 no timetable exists "
    "(proven), 4 none found in the time given (one may exist).",
    "tongbu（同步）：教研共同体的课表、同步课堂与日历订阅。\n\n"
    "validate（检查）→ solve（排课）→ verify（核验）→ serve（发布）。退出码：0 完成，1 有违规，2 输入有误，3 无可行课表（已证明），4 在给定时间内未找到课表（可能存在）。"))
@option("--lang", type=click.Choice(["en", "zh"]), callback=_set_lang, expose_value=False, is_eager=True,
        help=bi("language of messages (default: from the locale)", "界面语言（默认随系统区域设置）"))
def main() -> None:
    pass


def _load(folder: Path) -> Any:
    from scheduler.service import load

    return load(folder)


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
        raise BadInput(tr("problems_found", "en", count=len(errors)), tr("problems_found", "zh", count=len(errors)))
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
@option("--time-limit", type=float, default=DEFAULT_TIME_LIMIT, show_default=True,
        help=bi("seconds on the clock for the whole command (solving and publishing); the best timetable found by "
                "then is published", "整个命令（求解与发布）的时限，单位为秒；到时发布已找到的最好课表"))
@option("--effort", type=float, default=None,
        help=bi("reproducible instead: solver effort (CP-SAT's deterministic seconds, shared by the parts); the same "
                "input, seed and effort give the same bytes; --time-limit then only caps the run",
                "改为可复现求解：求解工作量（CP-SAT 的确定性秒数，由各部分分摊）；相同输入、种子与工作量得到完全相同的结果；"
                "此时 --time-limit 仅作上限"))
@option("--seed", type=int, default=0, show_default=True, help=bi("random seed", "随机种子"))
@option("--workers", type=int, default=2, show_default=True, help=bi("parallel processes", "并行进程数"))
@option("--previous", type=click.Path(path_type=Path), default=None,
        help=bi("the last published OUT: change it as little as possible (schools the change does not touch keep "
                "their lessons; moved.csv says what moved) and keep calendar events' identity",
                "上次发布的输出文件夹：尽量少改动（不受变更影响的学校课表保持不变；moved.csv 列出调动的课），并保持日历事件的标识"))
@option("--move-anywhere", is_flag=True, default=False,
        help=bi("with --previous: lessons of schools the change does not touch may move too (each move still costs)",
                "配合 --previous：不受变更影响的学校的课也可调动（每次调动仍计代价）"))
@option("--dask", "dask", metavar="ADDRESS", envvar="TONGBU_DASK", default=None,
        help=bi("solve the parts on the Dask cluster whose scheduler is at ADDRESS (e.g. tcp://10.0.0.5:8786; "
                "also $TONGBU_DASK); shares of the time still follow --workers",
                "在 Dask 集群上求解各部分（调度器地址 ADDRESS，如 tcp://10.0.0.5:8786；也可用环境变量 TONGBU_DASK）；"
                "时长分配仍按 --workers"))
@option("--quiet", is_flag=True, default=False, help=bi("no progress lines on stderr", "不在标准错误输出显示进度"))
def solve(folder: Path, out: Path, time_limit: float, effort: float | None, seed: int, workers: int,
          previous: Path | None, move_anywhere: bool, dask: str | None, quiet: bool) -> None:
    from scheduler.service import SolveRequest, solve_folder

    request = SolveRequest(folder=folder, out=out, time_limit=time_limit, effort=effort, seed=seed, workers=workers,
                           previous=previous, move_anywhere=move_anywhere, dask=dask, quiet=quiet, started=STARTED)
    _print_solve_report(solve_folder(request), out)


def _print_solve_report(report: Any, out: Path) -> None:
    for en, zh in report.warnings:
        click.echo(pick(en, zh), err=True)
    for part in report.result.parts:
        click.echo(pick(f"{part.id}: {part.status}, objective {part.objective}, bound {part.bound}, gap {_pct(part.gap)}",
                        f"{part.id}：{STATUS_ZH.get(part.status, part.status)}，目标值 {part.objective}，下界 {part.bound}，"
                        f"差距 {_pct(part.gap)}"))
    if report.quality is not None:
        click.echo(_quality_line(report.quality))
    if report.moves:
        click.echo(_moves_line(report.moves))
    click.echo(pick(f"published to {out}", f"已发布到 {out}"))


def _moves_line(moves: Any) -> str:
    lessons = sum(m.lessons for m in moves)
    period, day = sum(m.moved_period for m in moves), sum(m.moved_day for m in moves)
    schools = sum(1 for m in moves if m.moved)
    classes, teachers = sum(m.classes_affected for m in moves), sum(m.teachers_affected for m in moves)
    return pick(f"kept the published timetable: {period + day} of {lessons} lessons moved ({day} to another day, "
                f"{period} within their day) at {schools} schools; {classes} classes and {teachers} teachers affected "
                "(moved.csv)",
                f"沿用已发布课表：{lessons} 节课中调动 {period + day} 节（改日 {day} 节，同日调节次 {period} 节），"
                f"涉及 {schools} 所学校、{classes} 个班级、{teachers} 位教师（见 moved.csv）")


def _quality_line(q: Any) -> str:
    share = "-" if q.core_morning_share is None else f"{100 * q.core_morning_share:.1f}%"
    gaps = "-" if q.gaps_per_teacher_day is None else f"{q.gaps_per_teacher_day:.2f}"
    return pick(f"quality: {q.holes} holes and {q.late_starts} late starts in {q.class_days} class-days; core subjects "
                f"in the morning {share}; {gaps} teacher gaps per teacher-day; {q.repeats} subjects repeated in a day "
                "(quality.html)",
                f"课表质量：{q.class_days} 个班级日中空节 {q.holes} 个、迟开课 {q.late_starts} 个；主科上午占比 {share}；"
                f"每教师日空堂 {gaps} 节；同日重复学科 {q.repeats} 次（见 quality.html）")


def _pct(gap: float | None) -> str:
    return "-" if gap is None else f"{100 * gap:.2f}%"


@main.command(help=bi("Check a published solution against every hard requirement of the scenario; exit 1 on violations.",
                      "按方案的全部硬性要求核验已发布的结果；有违规时退出码为 1。"))
@click.argument("folder", type=click.Path(path_type=Path))
@click.argument("out", type=click.Path(path_type=Path))
def verify(folder: Path, out: Path) -> None:
    from constraints.checks.report import format_report
    from scheduler.service import verify_folder

    violations = verify_folder(folder, out)
    click.echo(format_report(violations, language()))
    if violations:
        raise ViolationsFound("", "")  # the report above says what; the exit code is left


@main.command("substitute", help=bi(
    "Plan covers for a change set (absences, events, staff changes) on the timetable published in PUBLISHED: "
    "substitutes, remote delivery, swaps or supervised self-study, chosen together by CP-SAT; checked, then "
    "written to OUT with change notices per school and teacher and the feeds updated in place.",
    "按变动（缺勤、活动、人员调动）为 PUBLISHED 中已发布的课表安排代课：本校代课、专递课堂、调课或自习看班，由 CP-SAT "
    "统一求解；核验后写入 OUT，附各校与各教师的调课/代课通知，并就地更新日历订阅。"))
@click.argument("folder", type=click.Path(path_type=Path))
@click.argument("published", type=click.Path(path_type=Path))
@option("--changes", "changes", type=click.Path(path_type=Path), required=True,
        help=bi("the changes/ folder (changes.yaml, absences.csv, events.csv, staff.csv)",
                "变动文件夹 changes/（changes.yaml、absences.csv、events.csv、staff.csv）"))
@option("--out", "out", type=click.Path(path_type=Path), required=True, help=bi("output folder", "输出文件夹"))
@option("--seed", type=int, default=0, show_default=True, help=bi("random seed", "随机种子"))
@option("--time-limit", type=float, default=60.0, show_default=True,
        help=bi("seconds on the clock for the cover model", "代课模型的求解时限（秒）"))
@option("--effort", type=float, default=10.0, show_default=True,
        help=bi("solver effort (CP-SAT deterministic seconds): the same input and effort give the same plan",
                "求解工作量（CP-SAT 确定性秒数）：相同输入与工作量得到相同方案"))
def substitute_command(folder: Path, published: Path, changes: Path, out: Path, seed: int, time_limit: float,
                       effort: float) -> None:
    from models.changes import KIND_NAMES
    from scheduler.service import substitute_folder

    report = substitute_folder(folder, published, changes, out, seed=seed, time_limit=time_limit, effort=effort)
    kinds = ", ".join(f"{KIND_NAMES[k][0]} {n}" for k, n in report.kinds.items())
    kinds_zh = "，".join(f"{KIND_NAMES[k][1]} {n}" for k, n in report.kinds.items())
    click.echo(pick(f"{report.tasks} lessons to cover ({report.plan.status}); {kinds}; {report.teachers_affected} "
                    f"teachers affected; plan in {report.plan_seconds:.1f} s, all in {report.total_seconds:.1f} s",
                    f"需安排 {report.tasks} 节（{STATUS_ZH.get(report.plan.status, report.plan.status)}）；{kinds_zh}；"
                    f"涉及教师 {report.teachers_affected} 人；求解 {report.plan_seconds:.1f} 秒，共 {report.total_seconds:.1f} 秒"))
    if report.kept:
        click.echo(pick(f"{report.kept} covers of the earlier runs kept as published",
                        f"保留此前已发布的代课安排 {report.kept} 节"))
    uncovered = report.kinds.get("uncovered", 0)
    if uncovered:
        click.echo(pick(f"{uncovered} lessons have no cover: the schools must arrange them (see the notices)",
                        f"{uncovered} 节无人代课：需学校另行安排（见通知）"), err=True)
    click.echo(pick(f"written to {out}: notices in {out / 'changes' / 'notices'}, {report.feeds_changed} feeds updated",
                    f"已写入 {out}：通知见 {out / 'changes' / 'notices'}，更新日历订阅 {report.feeds_changed} 个"))


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
    from scheduler.service import replan_activities

    plan = replan_activities(folder, out, previous_state, seed, time_limit)
    click.echo(pick(f"{len(plan.activities)} activities planned; written to {out / 'activities'}",
                    f"已安排 {len(plan.activities)} 项活动；写入 {out / 'activities'}"))


@main.command("plan-pacing", help=bi(
    "Plan the pacing calendar (学科进度同步) from the scenario's pacing table on the published timetable in OUT: "
    "the week each unit starts and ends, the same for every class of a grade in a consortium; writes OUT/pacing and "
    "adds this week's progress and the assessment days to the feeds. Exit 3, with each class, week and shortfall, "
    "when some class cannot keep the pace.",
    "按方案的教学进度表和 OUT 中已发布的课表编排教学进度：每个单元起止的教学周，同一共同体同年级各班一致；写入 OUT/pacing，"
    "并把本周进度和统一测评日加入日历订阅。若有班级跟不上进度，列出班级、周次与所缺课时，退出码为 3。"))
@click.argument("folder", type=click.Path(path_type=Path))
@click.argument("out", type=click.Path(path_type=Path))
def plan_pacing_command(folder: Path, out: Path) -> None:
    from scheduler.service import replan_pacing

    groups = len(replan_pacing(folder, out).groups)
    click.echo(pick(f"pacing calendar of {groups} grade-subjects planned and verified; written to {out / 'pacing'}",
                    f"已编排并核验 {groups} 个年级学科的教学进度；写入 {out / 'pacing'}"))


@main.command("draw", help=bi(
    "Draw the teacher of a spot-check lesson (随机抽测) with a published seed; anyone rerunning it gets the same "
    "teacher; the draw is recorded in OUT/activities/draws.json.",
    "用公布的种子抽取随机抽测课的授课教师；任何人重跑结果相同；结果记录在 OUT/activities/draws.json。"))
@click.argument("folder", type=click.Path(path_type=Path))
@click.argument("out", type=click.Path(path_type=Path))
@click.argument("activity")
@option("--seed", "seed", required=True, help=bi("the published seed (text)", "公布的随机种子（文本）"))
def draw_command(folder: Path, out: Path, activity: str, seed: str) -> None:
    from scheduler.service import spot_check_draw

    record, scenario = spot_check_draw(folder, out, activity, seed)
    teacher = scenario.teacher_by_id.get(record.teacher)
    name, log = (teacher.name if teacher else record.teacher), out / "activities" / "draws.json"
    click.echo(pick(f"{record.activity}: {name} ({record.teacher}) teaches {record.subject} to {record.class_id} "
                    f"on {record.date} {record.time}; drawn as item {record.index} of {len(record.eligible)} "
                    f"(sha256 of '{record.text}'); recorded in {log}",
                    f"{record.activity}：{name}（{record.teacher}）{record.date} {record.time} 为 {record.class_id} "
                    f"上{record.subject}；在 {len(record.eligible)} 名符合条件的教师中抽中第 {record.index} 名"
                    f"（'{record.text}' 的 sha256）；已记录于 {log}"))


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
@option("--effort", type=float, default=180.0, show_default=True,
        help=bi("search effort in deterministic units (CP-SAT deterministic time, shared by the consortia): the "
                "same input, seed and effort give the same plan on any machine",
                "搜索计算量（CP-SAT 确定性时间，由各共同体分摊）：相同输入、随机种子和计算量在任何机器上得到相同计划"))
@option("--time-limit", type=float, default=1800.0, show_default=True,
        help=bi("seconds on the clock for the whole command (a safety cap; a plan it cuts short may differ "
                "from run to run)", "整个命令的时钟秒数上限（安全上限；被它中止的搜索所得计划可能每次不同）"))
@option("--quiet", is_flag=True, help=bi("no progress lines on stderr", "不在标准错误输出显示进度"))
def plan_exchange_command(folder: Path, years: int, out: Path, seed: int, effort: float, time_limit: float,
                          quiet: bool) -> None:
    from scheduler.exchange import publish_plan

    _load(folder)
    result = publish_plan(folder, years, out, seed=seed, effort=effort, time_limit=time_limit,
                          progress=None if quiet else lambda en, zh: click.echo(pick(en, zh), err=True))
    failure = result.failure()
    if failure is not None:
        raise failure
    click.echo("\n".join(pick(en, zh) for en, zh in result.messages))


@main.command("verify-plan", help=bi("Check an exchange plan in OUT against the policy of the scenario; exit 1 on violations.",
                                     "按方案的政策核验 OUT 中的交流计划；有违规时退出码为 1。"))
@click.argument("folder", type=click.Path(path_type=Path))
@click.argument("out", type=click.Path(path_type=Path))
def verify_plan_command(folder: Path, out: Path) -> None:
    from scheduler.exchange import check_plan

    problems = check_plan(folder, out)
    for problem in problems:
        click.echo("- " + problem.text(language()))
    click.echo(pick(f"{len(problems)} violations", f"{len(problems)} 处违规"))
    if problems:
        raise ViolationsFound("", "")  # the lines above say what; the exit code is left


@main.command(help=bi("Serve the calendar feeds of OUT and their pages (today, this week, the term, a QR code to "
                      "subscribe; for a school, its printable QR sheet) behind secret-token URLs until stopped (Ctrl-C). "
                      "With --static-dir, write them as token-named files for any static web server instead.",
                      "以带密钥的链接发布 OUT 中的日历订阅及其页面（今日、本周、学期课表与订阅二维码；学校另有可打印的"
                      "订阅二维码表），直到停止（Ctrl-C）。使用 --static-dir 时改为写出以密钥命名的文件，供任意静态网站服务器发布。"))
@click.argument("out", type=click.Path(path_type=Path))
@option("--host", default="127.0.0.1", show_default=True, help=bi("address to listen on", "监听地址"))
@option("--port", type=int, default=8080, show_default=True, help=bi("port (1-65535)", "端口（1-65535）"))
@option("--base-url", envvar="TONGBU_BASE_URL", default=None,
        help=bi("public URL the links are built on, e.g. https://feeds.example.edu.cn (env TONGBU_BASE_URL; "
                "default http://HOST:PORT)",
                "链接使用的对外地址，如 https://feeds.example.edu.cn（环境变量 TONGBU_BASE_URL；默认 http://HOST:PORT）"))
@option("--workers", type=int, default=1, show_default=True, help=bi("worker processes", "工作进程数"))
@option("--header-timeout", type=float, default=10.0, show_default=True,
        help=bi("seconds a client has to send a request's headers; idle connections close after it too",
                "客户端发送请求头的时限（秒）；空闲连接也在此后关闭"))
@option("--max-requests", type=int, default=4096, show_default=True,
        help=bi("connections served at once per worker", "每个工作进程同时处理的连接数上限"))
@option("--access-log", is_flag=True, default=False,
        help=bi("log one line per request on stderr (tokens cut out)", "每个请求在标准错误输出记录一行（隐去密钥）"))
@option("--static-dir", type=click.Path(path_type=Path), default=None,
        help=bi("write OUT's feeds as DIR/f/<token>.ics, their pages under DIR/p/<token>/ (and the index as "
                "DIR/i/<token>/index.html) and exit",
                "将订阅写为 DIR/f/<密钥>.ics、页面写入 DIR/p/<密钥>/（目录页为 DIR/i/<密钥>/index.html）后退出"))
def serve(out: Path, host: str, port: int, base_url: str | None, workers: int, header_timeout: float,
          max_requests: int, access_log: bool, static_dir: Path | None) -> None:
    from feeds.server import ServeSettings
    from feeds.server import serve as run_server
    from feeds.tokens import published_feeds
    from reports.documents import OutDocuments

    settings = ServeSettings(out=published_feeds(out), host=host, port=port, base_url=base_url, workers=workers,
                             header_timeout=header_timeout, max_requests=max_requests, access_log=access_log)
    run_server(settings, echo=click.echo, static_dir=static_dir, pick=pick, documents=OutDocuments)


@main.group(cls=I18nGroup, help=bi("Manage the secret feed tokens of OUT: list, rotate, revoke.",
                                   "管理 OUT 中订阅链接的密钥：列出、更换、吊销。"))
def tokens() -> None:
    pass


@tokens.command("list", cls=I18nCommand, help=bi("List every feed with its subscription path and its page's path.",
                                               "列出每个订阅的链接路径及其页面路径。"))
@click.argument("out", type=click.Path(path_type=Path))
def tokens_list(out: Path) -> None:
    from feeds.tokens import list_tokens, published_feeds

    for entry in list_tokens(published_feeds(out)):
        row = [entry.feed, entry.kind, entry.name, entry.path or pick("(revoked)", "（已吊销）")]
        click.echo("\t".join(row + ([entry.page_path] if entry.page_path else [])))


@tokens.command("rotate", cls=I18nCommand, help=bi("Give feeds new tokens (all feeds when none is named); old URLs stop working.",
                                                 "更换订阅密钥（未指定时全部更换）；旧链接失效。"))
@click.argument("out", type=click.Path(path_type=Path))
@click.argument("feeds", nargs=-1)
def tokens_rotate(out: Path, feeds: tuple[str, ...]) -> None:
    from feeds.tokens import published_feeds, rotate

    changed = rotate(published_feeds(out), list(feeds) or None)
    click.echo(pick(f"{len(changed)} tokens rotated", f"已更换 {len(changed)} 个密钥"))


@tokens.command("revoke", cls=I18nCommand, help=bi("Revoke feeds' tokens: their URLs stop working until rotated.",
                                                 "吊销订阅密钥：链接失效，直到重新更换。"))
@click.argument("out", type=click.Path(path_type=Path))
@click.argument("feeds", nargs=-1, required=True)
def tokens_revoke(out: Path, feeds: tuple[str, ...]) -> None:
    from feeds.tokens import published_feeds, revoke

    revoked = revoke(published_feeds(out), list(feeds))
    click.echo(pick(f"{len(revoked)} tokens revoked", f"已吊销 {len(revoked)} 个密钥"))


@main.command("import-fet", help=bi(
    "Make a scenario folder from a FET file (.fet): days, hours, teachers, student sets, activities, rooms and the "
    "time and space constraints tongbu knows; every constraint left out is listed by kind and count.",
    "由 FET 文件（.fet）生成方案文件夹：天、节次、教师、学生组、活动、教室及 tongbu 支持的时间与空间约束；未导入的约束按类型与数量列出。"))
@click.argument("file", type=click.Path(path_type=Path))
@option("--out", "out", type=click.Path(path_type=Path), required=True, help=bi("scenario folder to write", "要写入的方案文件夹"))
def import_fet(file: Path, out: Path) -> None:
    from scheduler.service import import_fet_file

    tt = import_fet_file(file, out).explicit
    assert tt is not None
    click.echo(pick(f"{len(tt.activities)} activities, {len(tt.teachers)} teachers, {len(tt.student_sets)} student sets, "
                    f"{len(tt.rules)} time constraints, {len(tt.rooms)} rooms, {len(tt.room_rules)} space constraints "
                    f"imported to {out}",
                    f"已导入到 {out}：{len(tt.activities)} 个活动、{len(tt.teachers)} 位教师、{len(tt.student_sets)} 个学生组、"
                    f"{len(tt.rules)} 条时间约束、{len(tt.rooms)} 间教室、{len(tt.room_rules)} 条空间约束"))
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
    from scheduler.service import export_fet_file

    export_fet_file(folder, out)
    click.echo(pick(f"wrote {out}", f"已写入 {out}"))


if __name__ == "__main__":
    main()
