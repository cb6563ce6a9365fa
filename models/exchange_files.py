"""Read a scenario folder plus its exchange inputs: scenario.yaml ``exchange:``, exchange_teachers, school_needs.

Every problem names its file, row (or YAML line) and column, in English and Chinese (message code
``term_data`` renders ``detail`` / ``detail_zh``). Reading goes through the scenario loader's own
table reader, so CSV (UTF-8 or GBK), XLSX and a sheet in scenario.xlsx all work, with Chinese headers.

The scenario loader (models/) knows only the four oldest ``exchange:`` keys and reports the others
as unknown; those reports are dropped here because this module reads and checks the whole mapping.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from pathlib import Path
from typing import Any

from models import Scenario
from models.errors import BadInput
from models.files import YAML_NAME, Reader, read_config, yaml_line
from models.problems import Problem, sorted_problems
from models.tables import Column, Table, _bool, _count, split_list
from models.validation import validate_folder
from models.exchange_inputs import (
    Direction, ExchangeInputs, ExchangeSettings, RatioScope, SchoolNeed, TeacherExchange,
)


class ExchangeInputError(BadInput):
    """The folder cannot be planned (exit 2): carries every error (and warning) found, one line each."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(p.render("en") for p in problems), "\n".join(p.render("zh") for p in problems))
        self.problems = problems


def _travel_minutes(value: str) -> int:
    return _count(value)


def _schools(value: str) -> tuple[str, ...]:
    return split_list(value)


EXCHANGE_TEACHERS = Table("exchange_teachers", "交流教师", (
    Column("teacher", "工号", required=True, help="teacher id", aliases=("教师", "教师工号")),
    Column("exempt", "豁免", _bool, help="是/否: exempt from rotation"),
    Column("reason", "原因", help="e.g. 临近退休, 困难"),
    Column("preferred_schools", "意向学校", _schools, help="schools the teacher would go to (only these)"),
    Column("max_travel_minutes", "最远通勤分钟", _travel_minutes, help="the longest trip home school → host"),
), required=False)

SCHOOL_NEEDS = Table("school_needs", "学校需求", (
    Column("school", "学校", required=True),
    Column("subject", "学科", required=True),
    Column("min_teachers", "最少教师数", _count, required=True, aliases=("教师数",)),
), required=False)

SETTING_KEYS = ("eligibility_years", "yearly_ratio", "backbone_share", "placement_years", "ratio_scope",
                "directions", "retirement_exempt_years", "retirement_age", "start_year")


def problem(file: str, en: str, zh: str, row: int | None = None, column: str | None = None,
            severity: str = "error") -> Problem:
    return Problem(file=file, code="term_data", params={"detail": en, "detail_zh": zh}, row=row, column=column,
                   severity=severity)


def _labelled(found: Problem, table: Table) -> Problem:
    """Name a column of our tables with its Chinese header too, as the scenario loader does for its own."""
    match = next((c for c in table.columns if c.name == found.column), None)
    return dataclasses.replace(found, column=f"{match.name} ({match.zh})") if match else found


def _from_exchange_mapping(problem_: Problem) -> bool:
    column = problem_.column or ""
    return problem_.file == YAML_NAME and (column == "exchange" or column.startswith("exchange."))


class SettingsReader:
    """The ``exchange:`` mapping of scenario.yaml, each bad value reported at its YAML line."""

    def __init__(self, raw: Any, root: Any) -> None:
        self.raw = raw
        self.root = root
        self.problems: list[Problem] = []

    def bad(self, key: str, en: str, zh: str) -> None:
        where = f"exchange.{key}" if key else "exchange"
        self.problems.append(problem(YAML_NAME, en, zh, row=yaml_line(self.root, where), column=where))

    def number(self, key: str, default: float, *, whole: bool, low: float, high: float | None = None) -> Any:
        value = self.raw.get(key, default)
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and (not whole or float(value).is_integer())
        if not ok or value < low or (high is not None and value > high):
            span = f"{low}..{high}" if high is not None else f"≥ {low}"
            kind_en, kind_zh = ("a whole number", "整数") if whole else ("a number", "数")
            self.bad(key, f"'{value}' should be {kind_en} {span}", f"“{value}”应为{span}范围内的{kind_zh}")
            return default
        return int(value) if whole else float(value)

    def read(self) -> ExchangeSettings:
        if self.raw is None:
            return ExchangeSettings()
        if not isinstance(self.raw, dict):
            self.bad("", "exchange must be a mapping, e.g. exchange: {eligibility_years: 6, yearly_ratio: 0.1}",
                     "exchange 应为“键: 值”结构，例如 exchange: {eligibility_years: 6, yearly_ratio: 0.1}")
            return ExchangeSettings()
        self.raw = {str(k): v for k, v in self.raw.items()}
        for key in sorted(set(self.raw) - set(SETTING_KEYS)):
            self.bad(key, f"'{key}' is not an exchange setting (known: {', '.join(SETTING_KEYS)})",
                     f"“{key}”不是交流轮岗的设置项（可用：{', '.join(SETTING_KEYS)}）")
        defaults = ExchangeSettings()
        return ExchangeSettings(
            eligibility_years=self.number("eligibility_years", defaults.eligibility_years, whole=True, low=1),
            yearly_ratio=self.number("yearly_ratio", defaults.yearly_ratio, whole=False, low=0, high=1),
            backbone_share=self.number("backbone_share", defaults.backbone_share, whole=False, low=0, high=1),
            placement_years=self.number("placement_years", defaults.placement_years, whole=True, low=1, high=6),
            ratio_scope=self.scope(),
            directions=self.directions(),
            retirement_exempt_years=self.number("retirement_exempt_years", defaults.retirement_exempt_years,
                                                whole=True, low=0, high=20),
            retirement_age=self.number("retirement_age", defaults.retirement_age, whole=True, low=40, high=80),
            start_year=self.number("start_year", defaults.start_year, whole=True, low=2000, high=2100),
        )

    def scope(self) -> RatioScope:
        value = self.raw.get("ratio_scope", RatioScope.SCHOOL.value)
        try:
            return RatioScope(str(value).strip())
        except ValueError:
            self.bad("ratio_scope", f"'{value}' is not one of: school, consortium, county",
                     f"“{value}”不是以下之一：school（每校）、consortium（每个共同体）、county（全县）")
            return RatioScope.SCHOOL

    def directions(self) -> tuple[Direction, ...]:
        value = self.raw.get("directions")
        if value is None:
            return ExchangeSettings().directions
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items:
            self.bad("directions", "directions must be a list, e.g. [lead_to_member, member_to_lead]",
                     "directions 应为列表，例如 [lead_to_member, member_to_lead]")
            return ExchangeSettings().directions
        found: list[Direction] = []
        for item in items:
            try:
                direction = Direction(str(item).strip())
            except ValueError:
                self.bad("directions", f"'{item}' is not one of: lead_to_member, member_to_lead, member_to_member",
                         f"“{item}”不是以下之一：lead_to_member（支教）、member_to_lead（跟岗）、member_to_member（成员校间交流）")
                continue
            if direction not in found:
                found.append(direction)
        return tuple(sorted(found, key=lambda d: list(Direction).index(d)))


def read_exchange_teachers(reader: Reader, config: dict[str, Any], scenario: Scenario) -> tuple[dict[str, TeacherExchange], list[Problem]]:
    raw = reader.read_table(EXCHANGE_TEACHERS, config)
    rows = reader.typed_rows(EXCHANGE_TEACHERS, raw)
    problems: list[Problem] = []
    result: dict[str, TeacherExchange] = {}
    seen: dict[str, int] = {}
    for row, values in rows:
        file = raw.file if raw else "exchange_teachers.csv"
        teacher = values["teacher"]
        if teacher not in scenario.teacher_by_id:
            problems.append(problem(file, f"unknown teacher '{teacher}': it is not in the teachers table",
                                    f"未知的教师“{teacher}”：教师表中没有", row.number, "teacher (工号)"))
            continue
        if teacher in seen:
            problems.append(problem(file, f"teacher '{teacher}' is listed twice (also on row {seen[teacher]})",
                                    f"教师“{teacher}”出现两次（另见第 {seen[teacher]} 行）", row.number, "teacher (工号)"))
            continue
        seen[teacher] = row.number
        unknown = [s for s in values.get("preferred_schools", ()) if s not in scenario.school_by_id]
        if unknown:
            problems.append(problem(file, f"unknown school(s) {', '.join(unknown)}: not in the schools table",
                                    f"未知的学校 {'、'.join(unknown)}：学校表中没有", row.number, "preferred_schools (意向学校)"))
            continue
        result[teacher] = TeacherExchange(
            teacher=teacher, exempt=values.get("exempt", False), reason=values.get("reason", ""),
            preferred_schools=tuple(values.get("preferred_schools", ())),
            max_travel_minutes=values.get("max_travel_minutes"), row=row.number)
    return result, problems


def read_school_needs(reader: Reader, config: dict[str, Any], scenario: Scenario) -> tuple[list[SchoolNeed], list[Problem]]:
    raw = reader.read_table(SCHOOL_NEEDS, config)
    problems: list[Problem] = []
    needs: list[SchoolNeed] = []
    seen: dict[tuple[str, str], int] = {}
    for row, values in reader.typed_rows(SCHOOL_NEEDS, raw):
        file = raw.file if raw else "school_needs.csv"
        school, subject = values["school"], values["subject"]
        if school not in scenario.school_by_id:
            problems.append(problem(file, f"unknown school '{school}': it is not in the schools table",
                                    f"未知的学校“{school}”：学校表中没有", row.number, "school (学校)"))
            continue
        if subject not in scenario.subject_by_id:
            problems.append(problem(file, f"unknown subject '{subject}': it is not in scenario.yaml subjects",
                                    f"未知的学科“{subject}”：scenario.yaml 的 subjects 中没有", row.number, "subject (学科)"))
            continue
        if (school, subject) in seen:
            other = seen[(school, subject)]
            problems.append(problem(file, f"{school} {subject} is listed twice (also on row {other}): give one row",
                                    f"{school} 的{subject}出现两次（另见第 {other} 行）：请合并为一行", row.number, "subject (学科)"))
            continue
        seen[(school, subject)] = row.number
        needs.append(SchoolNeed(school=school, subject=subject, min_teachers=values["min_teachers"], row=row.number))
    return needs, problems


def unknown_tenure_warning(scenario: Scenario) -> list[Problem]:
    missing = sorted(t.id for t in scenario.teachers if t.years_at_school is None)
    if not missing:
        return []
    shown = ", ".join(missing[:8]) + (" …" if len(missing) > 8 else "")
    return [problem("teachers.csv", f"{len(missing)} teacher(s) have no years_at_school and are never eligible: {shown}",
                    f"{len(missing)} 位教师未填本校任教年限，不计为应交流教师：{shown}", column="years_at_school (本校任教年限)",
                    severity="warning")]


def load_exchange_inputs(folder: Path | str) -> ExchangeInputs:
    """The scenario and its exchange inputs; raise :class:`ExchangeInputError` when anything is wrong."""
    folder = Path(folder)
    scenario, scenario_problems = validate_folder(folder)
    problems = [p for p in scenario_problems if not _from_exchange_mapping(p)]
    if scenario is None or any(p.severity == "error" for p in problems):
        raise ExchangeInputError(sorted_problems(problems))
    reader = Reader(folder)
    config = read_config(reader, folder / YAML_NAME) or {}
    settings_reader = SettingsReader(config.get("exchange"), reader.yaml_root)
    settings = settings_reader.read()
    teachers, teacher_problems = read_exchange_teachers(reader, config, scenario)
    needs, need_problems = read_school_needs(reader, config, scenario)
    table_problems = [_labelled(p, EXCHANGE_TEACHERS if p.file.startswith("exchange_teachers") else SCHOOL_NEEDS)
                      for p in reader.problems]
    found = problems + settings_reader.problems + teacher_problems + need_problems + table_problems
    found += unknown_tenure_warning(scenario)
    if any(p.severity == "error" for p in found):
        raise ExchangeInputError(sorted_problems(found))
    return ExchangeInputs(scenario=scenario, settings=settings, teachers=teachers, needs=tuple(needs),
                          warnings=tuple(sorted_problems([p for p in found if p.severity != "error"])))


def ratio_fraction(value: float) -> Fraction:
    """A ratio as an exact fraction (0.1 -> 1/10), so "at least 10%" is integer arithmetic."""
    return Fraction(str(value)).limit_denominator(1000)
