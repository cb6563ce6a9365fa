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
def solve(folder: Path, out: Path, time_limit: float, seed: int, workers: int, previous: Path | None) -> None:
    from scheduler.publish import publish_solution, run_solve

    scenario = _load(folder)
    result = run_solve(scenario, time_limit=time_limit, seed=seed, workers=workers)
    if result.solution is None:
        lines = [pick("No timetable exists that meets every requirement:", "不存在满足全部要求的课表：")]
        lines += ["  - " + pick(c.en, c.zh) for c in result.explanation]
        if not result.explanation:
            lines.append("  - " + pick(f"the solver stopped with status '{result.status}' within the time limit; "
                                       "try a longer --time-limit", f"求解器在时限内未找到课表（状态 {result.status}）；可加大 --time-limit"))
        click.echo("\n".join(lines), err=True)
        sys.exit(EXIT_INFEASIBLE if result.status == "infeasible" else EXIT_INFEASIBLE)
    violations = publish_solution(scenario, result, folder, out, previous=previous)
    if violations:
        from constraints.checks.report import format_report

        click.echo(format_report(violations, language()), err=True)
        sys.exit(EXIT_VIOLATIONS)
    for part in result.parts:
        click.echo(pick(f"{part.id}: {part.status}, objective {part.objective}, bound {part.bound}, gap {_pct(part.gap)}",
                        f"{part.id}：{part.status}，目标值 {part.objective}，下界 {part.bound}，差距 {_pct(part.gap)}"))
    click.echo(pick(f"published to {out}", f"已发布到 {out}"))


def _pct(gap: float | None) -> str:
    return "-" if gap is None else f"{100 * gap:.2f}%"


@main.command(help=bi("Check a published solution against every hard requirement of the scenario; exit 1 on violations.",
                      "按方案的全部硬性要求核验已发布的结果；有违规时退出码为 1。"))
@click.argument("folder", type=click.Path(path_type=Path))
@click.argument("out", type=click.Path(path_type=Path))
def verify(folder: Path, out: Path) -> None:
    from constraints.checks import load_solution, verify as run_checks
    from constraints.checks.report import format_report

    scenario = _load(folder)
    path = out / "solution.json"
    if not path.is_file():
        raise UserError(pick(f"{path} does not exist: run tongbu solve first", f"{path} 不存在：请先运行 tongbu solve"))
    try:
        solution = load_solution(path)
    except ValueError as err:
        raise UserError(pick(f"{path} is not a tongbu solution: {err}", f"{path} 不是 tongbu 结果文件：{err}")) from None
    violations = run_checks(scenario, solution)
    click.echo(format_report(violations, language()))
    if violations:
        sys.exit(EXIT_VIOLATIONS)


if __name__ == "__main__":
    main()
