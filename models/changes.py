"""Changes during the term (代课/调课): what a timetabler writes in a ``changes/`` folder, and the plan
``tongbu substitute`` makes of it.

A change set is ``changes/changes.yaml`` (the policy, and optionally the lists inline) plus up to three
tables, each a CSV (UTF-8, with or without BOM; headers in English or Chinese):

* ``absences.csv`` (缺勤) — a teacher absent on some dates (optionally some periods), and why;
* ``events.csv`` (活动) — one-off events that replace lessons (exam days, sports day, a trip) for
  some classes (by school, grade or class) on some dates (optionally some periods);
* ``staff.csv`` (人员变动) — permanent changes from a date: a teacher leaves (optionally replaced by
  another, whose lessons they take over) or a new teacher arrives.

``changes.yaml`` may also hold ``bell_overrides`` (a school follows another bell schedule on some dates).

Everything here is plain data: the loader checks references against the scenario and reports every
problem with its file, row and field (exit 2), as the scenario loader does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from difflib import get_close_matches
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field

from models.base import Frozen
from models.cover_policy import COVER_KINDS, KIND_ALIASES, ChangePolicy
from models.problems import Problem, ScenarioInvalid, sorted_problems
from models.scenario import Scenario
from models.staff import Teacher

CHANGES_DIR = "changes"
CHANGES_YAML = "changes.yaml"

#: What each resolution kind is called, in English and Chinese (notices, reasons, feeds).
KIND_NAMES: dict[str, tuple[str, str]] = {
    "substitute": ("substitute teacher", "代课"),
    "remote": ("remote delivery (专递课堂)", "专递课堂代课"),
    "swap": ("lesson swap", "调课"),
    "self_study": ("supervised self-study", "自习（看班）"),
    "event": ("replaced by an event", "活动停课"),
    "reassign": ("new teacher", "更换任课教师"),
    "uncovered": ("no cover found", "未能安排"),
}


class Absence(Frozen):
    """A teacher away on ``dates`` (every period, or only ``periods``)."""

    teacher: str
    dates: tuple[date, ...]
    periods: tuple[int, ...] = ()
    reason: str = ""
    row: int | None = None


class ChangeEvent(Frozen):
    """A one-off event replacing the lessons of some classes (考试, 运动会, 研学) on ``dates``."""

    id: str
    name: str
    dates: tuple[date, ...]
    schools: tuple[str, ...] = ()
    grades: tuple[int, ...] = ()
    classes: tuple[str, ...] = ()
    periods: tuple[int, ...] = ()
    row: int | None = None

    def touches(self, class_id: str, school: str, grade: int) -> bool:
        if self.classes and class_id not in self.classes:
            return False
        if self.schools and school not in self.schools:
            return False
        return not self.grades or grade in self.grades


class BellOverride(Frozen):
    """Schools following another bell schedule (its clock times) on ``dates``."""

    schools: tuple[str, ...]
    bell_schedule: str
    dates: tuple[date, ...]


class StaffChange(Frozen):
    """A permanent change from ``date``: a teacher ``leave``s (their lessons go to ``replaced_by`` when
    given, else they are covered like an absence), ``arrive``s (a new teacher, free to cover), or is
    ``assign``ed a class's subject (任课调整: ``class_id`` and the one subject in ``subjects``)."""

    action: str
    teacher: str
    date: date
    replaced_by: str | None = None
    name: str = ""
    school: str = ""
    subjects: tuple[str, ...] = ()
    max_weekly: int = 16
    max_daily: int = 4
    class_id: str | None = Field(default=None, alias="class", description="assign: the class")
    row: int | None = None


class ChangeSet(Frozen):
    policy: ChangePolicy = ChangePolicy()
    absences: tuple[Absence, ...] = ()
    events: tuple[ChangeEvent, ...] = ()
    bell_overrides: tuple[BellOverride, ...] = ()
    staff: tuple[StaffChange, ...] = ()

    def arriving(self) -> tuple[Teacher, ...]:
        return tuple(Teacher(id=s.teacher, name=s.name, school=s.school, subjects=s.subjects,
                             max_weekly=s.max_weekly, max_daily=s.max_daily)
                     for s in self.staff if s.action == "arrive")

    def with_arrivals(self, scenario: Scenario) -> Scenario:
        """The scenario with the arriving teachers added (they exist from their date on)."""
        new = [t for t in self.arriving() if t.id not in scenario.teacher_by_id]
        if not new:
            return scenario
        copy = scenario.model_copy(update={"teachers": scenario.teachers + tuple(new)})
        for name, value in vars(type(scenario)).items():  # cached lookups were copied too: drop them
            if isinstance(value, cached_property):
                copy.__dict__.pop(name, None)
        return copy

    def starts(self) -> dict[str, date]:
        """Arriving teachers' first day."""
        return {s.teacher: s.date for s in self.staff if s.action == "arrive"}

    def leaves(self) -> dict[str, StaffChange]:
        return {s.teacher: s for s in self.staff if s.action == "leave"}

    def assignments(self) -> dict[tuple[str, str], list[StaffChange]]:
        """(class, subject) -> its assignment changes, by date."""
        found: dict[tuple[str, str], list[StaffChange]] = {}
        for change in sorted((s for s in self.staff if s.action == "assign"), key=lambda s: s.date):
            found.setdefault((change.class_id or "", change.subjects[0] if change.subjects else ""), []).append(change)
        return found

    def merged(self, later: ChangeSet) -> ChangeSet:
        """This change set with a later one added: the later policy; absences, events (by id) and staff
        changes (by action and teacher) of both, the later winning where they name the same thing."""
        absences = list(dict.fromkeys([a.model_copy(update={"row": None}) for a in (*self.absences, *later.absences)]))
        events = {e.id: e.model_copy(update={"row": None}) for e in (*self.events, *later.events)}
        staff = {(c.action, c.teacher, c.class_id, c.subjects if c.action == "assign" else ()):
                 c.model_copy(update={"row": None}) for c in (*self.staff, *later.staff)}
        overrides = list(dict.fromkeys((*self.bell_overrides, *later.bell_overrides)))
        return ChangeSet(policy=later.policy, absences=tuple(absences), events=tuple(events.values()),
                         bell_overrides=tuple(overrides), staff=tuple(staff.values()))

    def yaml_text(self) -> str:
        """The change set as one changes.yaml (lists inline), which ``load_changes`` reads back the same."""
        def dates(days: tuple[date, ...]) -> str:
            return ";".join(d.isoformat() for d in days)

        def listed(items: tuple) -> str:
            return ";".join(str(i) for i in items)

        data: dict[str, Any] = {"policy": {"order": list(self.policy.order),
                                           "max_extra_per_week": self.policy.max_extra_per_week,
                                           "max_extra_per_day": self.policy.max_extra_per_day,
                                           "remote_schools": list(self.policy.remote_schools)}}
        if self.absences:
            data["absences"] = [{"teacher": a.teacher, "dates": dates(a.dates), "periods": listed(a.periods),
                                 "reason": a.reason} for a in self.absences]
        if self.events:
            data["events"] = [{"id": e.id, "name": e.name, "dates": dates(e.dates), "schools": listed(e.schools),
                               "grades": listed(e.grades), "classes": listed(e.classes), "periods": listed(e.periods)}
                              for e in self.events]
        if self.staff:
            data["staff"] = [{k: v for k, v in {
                "action": c.action, "teacher": c.teacher, "date": c.date.isoformat(), "replaced_by": c.replaced_by or "",
                "name": c.name, "school": c.school, "subjects": listed(c.subjects),
                "max_weekly": str(c.max_weekly) if c.action == "arrive" else "",
                "max_daily": str(c.max_daily) if c.action == "arrive" else "", "class": c.class_id or ""}.items() if v}
                for c in self.staff]
        if self.bell_overrides:
            data["bell_overrides"] = [{"schools": list(o.schools), "bell_schedule": o.bell_schedule,
                                       "dates": dates(o.dates)} for o in self.bell_overrides]
        return ("# The change set this plan was made from (every run's changes together), as tongbu substitute read it.\n"
                + yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


# -- the plan ------------------------------------------------------------------------------------------
class Resolution(Frozen):
    """What happens to one lesson on one date: who covers it, or where it moved, and why.

    ``kind``: substitute, remote, swap, self_study (``teacher`` supervises), event, reassign, uncovered.
    For a swap, the ``swap_*`` fields name the other lesson of the class: this lesson moves to its date and
    period, and it moves here (its teacher teaching at this lesson's time).
    """

    date: date
    week: int
    kind: str
    key: str
    class_id: str = Field(alias="class")
    school: str
    subject: str
    absent: str = Field(description="the teacher of the lesson in the published timetable")
    period: int
    length: int = 1
    start: str = Field(description="clock time HH:MM-HH:MM on that date")
    teacher: str | None = Field(default=None, description="who teaches (or supervises) it now")
    swap_key: str | None = None
    swap_date: date | None = None
    swap_period: int | None = None
    swap_teacher: str | None = None
    swap_subject: str | None = None
    swap_start: str | None = None
    cause: str = Field(default="", description="the absence's reason, the event's name, or the leave")
    receiving: tuple[str, ...] = Field(default=(), description="receiving classes of a sync lesson that follow it")
    receiving_keys: tuple[str, ...] = Field(default=(), description="their lessons' keys, in the same order")
    reasons: tuple[tuple[str, str], ...] = Field(default=(), description="why this choice, in English and Chinese")


class ChangePlan(Frozen):
    district: str
    status: str
    objective: float | None = None
    resolutions: tuple[Resolution, ...] = ()
    counts: dict[str, int] = Field(default_factory=dict, description="substitutions per teacher over the term")
    counts_before: dict[str, int] = Field(default_factory=dict, description="the counts before this plan's changes")
    bell_overrides: tuple[BellOverride, ...] = ()
    events: tuple[ChangeEvent, ...] = ()


def plan_json(plan: ChangePlan) -> str:
    ordered = sorted(plan.resolutions, key=lambda r: (r.date, r.school, r.class_id, r.period, r.key))
    stable = plan.model_copy(update={"resolutions": tuple(ordered), "counts": dict(sorted(plan.counts.items())),
                                     "counts_before": dict(sorted(plan.counts_before.items()))})
    return stable.model_dump_json(by_alias=True, indent=1) + "\n"


def read_plan(path: Path) -> ChangePlan:
    return ChangePlan.model_validate_json(Path(path).read_text(encoding="utf-8"))


# -- reading a change set -------------------------------------------------------------------------------
TABLES: dict[str, dict[str, tuple[str, ...]]] = {
    # table -> column -> accepted headers (English first, then Chinese)
    "absences": {"teacher": ("teacher", "教师", "工号"), "dates": ("dates", "日期"), "periods": ("periods", "节次"),
                 "reason": ("reason", "事由", "原因")},
    "events": {"id": ("id", "编号"), "name": ("name", "名称"), "dates": ("dates", "日期"),
               "schools": ("schools", "学校"), "grades": ("grades", "年级"), "classes": ("classes", "班级"),
               "periods": ("periods", "节次")},
    "staff": {"action": ("action", "变动"), "teacher": ("teacher", "教师", "工号"), "date": ("date", "日期"),
              "replaced_by": ("replaced_by", "接替教师"), "name": ("name", "姓名"), "school": ("school", "学校"),
              "subjects": ("subjects", "任教学科"), "max_weekly": ("max_weekly", "周课时上限"),
              "max_daily": ("max_daily", "日课时上限"), "class": ("class", "班级")},
}
TABLE_ZH = {"absences": "缺勤", "events": "活动", "staff": "人员变动"}
REQUIRED = {"absences": ("teacher", "dates"), "events": ("id", "name", "dates"), "staff": ("action", "teacher", "date")}
ACTIONS = {"leave": "leave", "离职": "leave", "调离": "leave", "离岗": "leave",
           "arrive": "arrive", "到岗": "arrive", "调入": "arrive", "新进": "arrive",
           "assign": "assign", "任课调整": "assign", "改任": "assign"}
YAML_KEYS = ("policy", "absences", "events", "staff", "bell_overrides")
LIST_SPLIT = re.compile(r"[;；,，、/|]")

#: Example rows for ``tongbu init`` (docs/format.md shows the same).
EXAMPLES = {
    "absences": [["teacher", "dates", "periods", "reason"],
                 ["T0001", "2026-11-02..2026-11-06", "", "病假"],
                 ["T0002", "2026-11-10;2026-11-11", "1-4", "外出培训"]],
    "events": [["id", "name", "dates", "schools", "grades", "classes", "periods"],
               ["E1", "一年级期中测试", "2026-11-09..2026-11-10", "", "1", "", "1-4"],
               ["E2", "秋季运动会", "2026-10-23", "示例一小", "", "", ""]],
    "staff": [["action", "teacher", "date", "replaced_by", "name", "school", "subjects", "max_weekly", "max_daily",
               "class"],
              ["arrive", "T0901", "2026-11-16", "", "周老师", "示例村小", "语文;体育与健康", "16", "4", ""],
              ["leave", "T0002", "2026-11-16", "T0901", "", "", "", "", "", ""],
              ["assign", "T0001", "2026-12-01", "", "", "", "体育与健康", "", "", "示例一小1(1)"]],
}
EXAMPLE_YAML = """\
# Changes during the term (代课/调课): see docs/format.md, "Changes during the term".
policy:
  order: [substitute, remote, swap, self_study]   # 代课, 专递课堂, 调课, 自习 — most preferred first
  max_extra_per_week: 4                           # covers a teacher takes on in a week
  max_extra_per_day: 2
  remote_schools: []                              # empty = schools that receive a sync lesson
# bell_overrides:
#   - {schools: [示例村小], bell_schedule: 县城作息, dates: '2026-12-01..2026-12-04'}
"""


@dataclass
class _Reader:
    scenario: Scenario
    problems: list[Problem]

    def add(self, file: str, row: int | None, column: str | None, en: str, zh: str, severity: str = "error") -> None:
        self.problems.append(Problem(file=file, code="changes", params={"en": en, "zh": zh}, row=row, column=column,
                                     severity=severity))

    def dates(self, file: str, row: int | None, column: str, text: Any) -> tuple[date, ...] | None:
        """``2026-11-02..2026-11-06``, ``2026-11-02;2026-11-04`` or a mix; every date inside the term."""
        term = self.scenario.term
        found: list[date] = []
        raw_items = text if isinstance(text, list) else LIST_SPLIT.split(str(text or ""))
        for raw in raw_items:
            item = str(raw).strip()
            if not item:
                continue
            try:
                if ".." in item or "～" in item or "至" in item:
                    a, b = re.split(r"\.\.|～|至", item, maxsplit=1)
                    first, last = date.fromisoformat(a.strip()), date.fromisoformat(b.strip())
                    if last < first:
                        self.add(file, row, column, f"the range '{item}' ends before it starts: write FIRST..LAST",
                                 f"日期范围“{item}”的结束早于开始：请写成 开始..结束")
                        return None
                    found += [first + timedelta(days=i) for i in range((last - first).days + 1)]
                else:
                    found.append(date.fromisoformat(item))
            except ValueError:
                self.add(file, row, column, f"cannot read '{item}' as a date: write 2026-11-02, a range "
                         "2026-11-02..2026-11-06, or dates separated by ;",
                         f"无法把“{item}”读作日期：请写成 2026-11-02、范围 2026-11-02..2026-11-06，或用 ; 分隔多个日期")
                return None
        if not found:
            self.add(file, row, column, "no date given: write a date, a range FIRST..LAST or dates separated by ;",
                     "没有填写日期：请填写日期、范围 开始..结束，或用 ; 分隔多个日期")
            return None
        outside = [d for d in found if not term.start <= d <= term.end]
        if outside:
            self.add(file, row, column, f"{outside[0]} is outside the term ({term.start}..{term.end})",
                     f"{outside[0]} 不在本学期内（{term.start}..{term.end}）")
            return None
        return tuple(sorted(set(found)))

    def periods(self, file: str, row: int | None, column: str, text: Any, most: int) -> tuple[int, ...] | None:
        found: set[int] = set()
        items = text if isinstance(text, list) else LIST_SPLIT.split(str(text or ""))
        for raw in items:
            item = str(raw).strip().removeprefix("第").removesuffix("节")
            if not item:
                continue
            match = re.fullmatch(r"(\d+)\s*(?:[-–~～至]\s*(\d+))?", item)
            if not match or int(match[1]) < 1 or int(match[2] or match[1]) > most or int(match[2] or match[1]) < int(match[1]):
                self.add(file, row, column, f"cannot read '{item}' as periods 1..{most}: write e.g. 1-4 or 1;3",
                         f"无法把“{item}”读作第 1 至 {most} 节中的节次：请写成如 1-4 或 1;3")
                return None
            found |= set(range(int(match[1]), int(match[2] or match[1]) + 1))
        return tuple(sorted(found))

    def known(self, file: str, row: int | None, column: str, value: str, known: dict, what: tuple[str, str]) -> bool:
        if value in known:
            return True
        close = get_close_matches(value, list(known), n=1)
        hint_en, hint_zh = (f" (did you mean {close[0]}?)", f"（是否为 {close[0]}？）") if close else ("", "")
        self.add(file, row, column, f"'{value}' is not a {what[0]} of the scenario{hint_en}: use an id from the scenario",
                 f"“{value}”不是方案中的{what[1]}{hint_zh}：请使用方案中的编号")
        return False


def _table_rows(reader: _Reader, path: Path, table: str) -> list[tuple[int, dict[str, str]]]:
    """The rows of a change table as {column: text}, with their spreadsheet row number."""
    from models.cells import decode_csv_bytes, parse_csv_text

    file = f"{CHANGES_DIR}/{path.name}"
    decoded = decode_csv_bytes(path.read_bytes())
    if decoded is None:
        reader.add(file, None, None, "cannot decode the file as UTF-8 or GB18030: save it as 'CSV UTF-8'",
                   "无法按 UTF-8 或 GB18030 解码：请另存为“CSV UTF-8（逗号分隔）”")
        return []
    rows = parse_csv_text(decoded[0])
    if not rows:
        return []
    columns = TABLES[table]
    by_header = {h: name for name, headers in columns.items() for h in headers}
    header: list[str | None] = []
    for cell in rows[0]:
        text = cell.strip()
        name = by_header.get(text) or by_header.get(text.lower())
        if name is None and text:
            reader.add(file, 1, text, f"unknown column '{text}' (ignored); the columns are {', '.join(columns)}",
                       f"未知列“{text}”（已忽略）；可用的列为 {'、'.join(h[1] if len(h) > 1 else h[0] for h in columns.values())}",
                       severity="warning")
        header.append(name)
    missing = [c for c in REQUIRED[table] if c not in header]
    for column in missing:
        reader.add(file, 1, column, f"the column '{column}' ({columns[column][1]}) is missing: add it to the header row",
                   f"缺少列“{columns[column][1]}”（{column}）：请在表头中加上")
    if missing:
        return []
    found = []
    for number, row in enumerate(rows[1:], start=2):
        cells = {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header) if name}
        if any(cells.values()):
            found.append((number, cells))
    return found


def _yaml_rows(raw: Any, table: str, reader: _Reader) -> list[tuple[int | None, dict[str, str]]]:
    if raw is None:
        return []
    file = f"{CHANGES_DIR}/{CHANGES_YAML}"
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        reader.add(file, None, table, f"'{table}' must be a list of mappings, e.g. - {{teacher: T0001, dates: …}}",
                   f"“{table}”应为列表，每项为“键: 值”，如 - {{teacher: T0001, dates: …}}")
        return []
    rows = []
    alias = {h: name for name, headers in TABLES[table].items() for h in headers}
    for item in raw:
        unknown = [k for k in item if str(k) not in alias]
        for key in unknown:
            reader.add(file, None, f"{table}.{key}", f"unknown key '{key}'; the keys are {', '.join(TABLES[table])}",
                       f"未知的键“{key}”；可用的键为 {'、'.join(TABLES[table])}")
        rows.append((None, {alias[str(k)]: ("" if v is None else v if isinstance(v, list) else str(v))
                            for k, v in item.items() if str(k) in alias}))
    return rows


def _list(text: Any) -> tuple[str, ...]:
    items = text if isinstance(text, list) else LIST_SPLIT.split(str(text or ""))
    return tuple(s for s in (str(i).strip() for i in items) if s)


def load_changes(folder: Path | str, scenario: Scenario) -> ChangeSet:
    """The change set of ``folder`` (a ``changes/`` folder, or a folder holding one); raises
    :class:`ScenarioInvalid` with every problem (file, row, column) when any is an error."""
    folder = Path(folder)
    if (folder / CHANGES_DIR / CHANGES_YAML).is_file() or ((folder / CHANGES_DIR).is_dir()
                                                           and not (folder / CHANGES_YAML).is_file()):
        folder = folder / CHANGES_DIR
    reader = _Reader(scenario, [])
    yaml_file = f"{CHANGES_DIR}/{CHANGES_YAML}"
    if not folder.is_dir():
        reader.add(str(folder), None, None, f"the change folder {folder} does not exist (tongbu init writes a template)",
                   f"变动文件夹 {folder} 不存在（tongbu init 会生成模板）")
        raise ScenarioInvalid(reader.problems)
    config: dict[str, Any] = {}
    if (folder / CHANGES_YAML).is_file():
        try:
            loaded = yaml.safe_load((folder / CHANGES_YAML).read_text(encoding="utf-8-sig"))
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            reader.add(yaml_file, mark.line + 1 if mark else None, None, f"cannot read YAML: {err}", f"YAML 格式错误：{err}")
            raise ScenarioInvalid(reader.problems) from None
        if loaded is not None and not isinstance(loaded, dict):
            reader.add(yaml_file, None, None, "changes.yaml must be a mapping of keys to values",
                       "changes.yaml 应为“键: 值”的结构")
            raise ScenarioInvalid(reader.problems)
        config = loaded or {}
    for key in config:
        if key not in YAML_KEYS:
            close = get_close_matches(str(key), YAML_KEYS, n=1)
            reader.add(yaml_file, None, str(key), f"unknown key '{key}'" + (f" (did you mean {close[0]}?)" if close else ""),
                       f"未知的键“{key}”" + (f"（是否为 {close[0]}？）" if close else ""))
    policy = _policy(reader, config.get("policy"))
    rows: dict[str, list[tuple[str, int | None, dict[str, Any]]]] = {}
    for table in TABLES:
        path = folder / f"{table}.csv"
        found = [(f"{CHANGES_DIR}/{table}.csv", n, cells) for n, cells in _table_rows(reader, path, table)] \
            if path.is_file() else []
        found += [(yaml_file, n, cells) for n, cells in _yaml_rows(config.get(table), table, reader)]
        rows[table] = found
    staff = _staff(reader, rows["staff"])
    arriving = {s.teacher: s for s in staff if s.action == "arrive"}
    absences = _absences(reader, rows["absences"], arriving)
    events = _events(reader, rows["events"])
    overrides = _overrides(reader, config.get("bell_overrides"))
    problems = sorted_problems(reader.problems)
    if any(p.severity == "error" for p in problems):
        raise ScenarioInvalid(problems)
    return ChangeSet(policy=policy or reader.scenario.substitution, absences=tuple(absences), events=tuple(events),
                     bell_overrides=tuple(overrides), staff=tuple(staff))


def _policy(reader: _Reader, raw: Any) -> ChangePolicy | None:
    """The scenario's ``substitution:`` with the keys changes.yaml's ``policy:`` sets."""
    file = f"{CHANGES_DIR}/{CHANGES_YAML}"
    base = reader.scenario.substitution
    if raw is None:
        return base
    if not isinstance(raw, dict):
        reader.add(file, None, "policy", "'policy' must be a mapping (order, max_extra_per_week, ...)",
                   "“policy”应为“键: 值”的结构（order、max_extra_per_week 等）")
        return None
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in ChangePolicy.model_fields:
            reader.add(file, None, f"policy.{key}", f"unknown key '{key}'; the keys are {', '.join(ChangePolicy.model_fields)}",
                       f"未知的键“{key}”；可用的键为 {'、'.join(ChangePolicy.model_fields)}")
            continue
        values[key] = value
    order = _list(values.get("order", list(base.order)))
    order = tuple(KIND_ALIASES.get(k, k) for k in order)
    bad = [k for k in order if k not in COVER_KINDS]
    if bad or len(set(order)) != len(order) or not order:
        reader.add(file, None, "policy.order", f"order must list some of {', '.join(COVER_KINDS)} once each (got {bad or list(order)})",
                   f"order 应列出 代课 substitute、专递课堂 remote、调课 swap、自习 self_study 中的若干项，各一次（现为 {bad or list(order)}）")
        return None
    values["order"] = order
    schools = _list(values.get("remote_schools", list(base.remote_schools)))
    for school in schools:
        reader.known(file, None, "policy.remote_schools", school, reader.scenario.school_by_id, ("school", "学校"))
    values["remote_schools"] = schools
    for key in ("max_extra_per_week", "max_extra_per_day"):
        if key in values:
            try:
                values[key] = int(values[key])
                if values[key] < 0:
                    raise ValueError
            except (TypeError, ValueError):
                reader.add(file, None, f"policy.{key}", f"{key} must be a whole number 0 or more", f"{key} 应为不小于 0 的整数")
                return None
    return base.model_copy(update=values)


def _absences(reader: _Reader, rows: list, arriving: dict[str, StaffChange]) -> list[Absence]:
    teachers = {**reader.scenario.teacher_by_id, **arriving}
    found = []
    for file, row, cells in rows:
        teacher = str(cells.get("teacher", "")).strip()
        if not teacher:
            reader.add(file, row, "teacher", "no teacher given: write the teacher's id (工号)", "未填写教师：请填写教师工号")
            continue
        ok = reader.known(file, row, "teacher", teacher, teachers, ("teacher", "教师"))
        dates = reader.dates(file, row, "dates", cells.get("dates"))
        home = reader.scenario.school_by_id.get(getattr(teachers.get(teacher), "school", ""))
        most = reader.scenario.bells_of(home.id).periods_per_day if home else 12
        periods = reader.periods(file, row, "periods", cells.get("periods"), most)
        if ok and dates is not None and periods is not None:
            found.append(Absence(teacher=teacher, dates=dates, periods=periods, reason=str(cells.get("reason", "")).strip(),
                                 row=row))
    return found


def _events(reader: _Reader, rows: list) -> list[ChangeEvent]:
    scenario = reader.scenario
    found, seen = [], set()
    most = max((b.periods_per_day for b in scenario.bell_schedules), default=12)
    for file, row, cells in rows:
        ident, name = str(cells.get("id", "")).strip(), str(cells.get("name", "")).strip()
        if not ident or not name:
            column = "id" if not ident else "name"
            reader.add(file, row, column, f"no {column} given: every event needs an id and a name",
                       "未填写编号或名称：每项活动都需要编号和名称")
            continue
        if ident in seen:
            reader.add(file, row, "id", f"the id '{ident}' is used twice: give each event its own id",
                       f"编号“{ident}”重复：每项活动的编号应唯一")
            continue
        seen.add(ident)
        dates = reader.dates(file, row, "dates", cells.get("dates"))
        periods = reader.periods(file, row, "periods", cells.get("periods"), most)
        schools, classes = _list(cells.get("schools")), _list(cells.get("classes"))
        ok = all([reader.known(file, row, "schools", s, scenario.school_by_id, ("school", "学校")) for s in schools])
        ok = all([reader.known(file, row, "classes", c, scenario.class_by_id, ("class", "班级")) for c in classes]) and ok
        grades: list[int] = []
        for text in _list(cells.get("grades")):
            match = re.fullmatch(r"(\d+)(?:\s*-\s*(\d+))?", text.removesuffix("年级"))
            if not match:
                reader.add(file, row, "grades", f"cannot read '{text}' as grades: write e.g. 6 or 4-6",
                           f"无法把“{text}”读作年级：请写成如 6 或 4-6")
                ok = False
                continue
            grades += list(range(int(match[1]), int(match[2] or match[1]) + 1))
        if ok and dates is not None and periods is not None:
            event = ChangeEvent(id=ident, name=name, dates=dates, schools=schools, grades=tuple(sorted(set(grades))),
                                classes=classes, periods=periods, row=row)
            if not any(event.touches(k.id, k.school, k.grade) for k in scenario.classes):
                reader.add(file, row, "classes", f"event {ident} touches no class: check its schools, grades and classes",
                           f"活动 {ident} 不涉及任何班级：请检查其学校、年级与班级")
                continue
            found.append(event)
    return found


def _staff(reader: _Reader, rows: list) -> list[StaffChange]:
    scenario = reader.scenario
    found: list[StaffChange] = []
    arriving = {str(c.get("teacher", "")).strip() for _f, _r, c in rows
                if ACTIONS.get(str(c.get("action", "")).strip().lower()) == "arrive"}
    for file, row, cells in rows:
        action = ACTIONS.get(str(cells.get("action", "")).strip().lower())
        teacher = str(cells.get("teacher", "")).strip()
        if action is None:
            reader.add(file, row, "action", f"'{cells.get('action', '')}' is not a change: write leave (调离), arrive (调入) "
                       "or assign (任课调整)", f"“{cells.get('action', '')}”不是人员变动：请填写 调离 leave、调入 arrive 或 "
                       "任课调整 assign")
            continue
        if not teacher:
            reader.add(file, row, "teacher", "no teacher given: write the teacher's id (工号)", "未填写教师：请填写教师工号")
            continue
        dates = reader.dates(file, row, "date", cells.get("date"))
        if dates is not None and len(dates) != 1:
            reader.add(file, row, "date", "give one date: the first day the change holds", "请只填写一个日期：变动生效的第一天")
            dates = None
        limits = {}
        for key in ("max_weekly", "max_daily"):
            text = str(cells.get(key, "") or "").strip()
            if text:
                if not text.isdigit():
                    reader.add(file, row, key, f"{key} must be a whole number", f"{key} 应为整数")
                    dates = None
                else:
                    limits[key] = int(text)
        if action == "assign":
            arrivals = {str(c.get("teacher", "")).strip(): c for _f, _r, c in rows
                        if ACTIONS.get(str(c.get("action", "")).strip().lower()) == "arrive"}
            known = {**scenario.teacher_by_id, **arrivals}
            ok = reader.known(file, row, "teacher", teacher, known, ("teacher", "教师"))
            class_id, subjects = str(cells.get("class", "") or "").strip(), _list(cells.get("subjects"))
            ok = reader.known(file, row, "class", class_id, scenario.class_by_id, ("class", "班级")) and ok
            if len(subjects) != 1:
                reader.add(file, row, "subjects", "assign: give the one subject the teacher takes over",
                           "任课调整：请填写所接任的一门学科")
                ok = False
            elif ok and teacher in scenario.teacher_by_id and subjects[0] not in scenario.teacher_by_id[teacher].subjects:
                reader.add(file, row, "subjects", f"{teacher} does not teach {subjects[0]}: assign a teacher of the subject",
                           f"{teacher} 不教{subjects[0]}：请安排该学科的教师")
                ok = False
            elif ok and teacher in arrivals and subjects[0] not in _list(arrivals[teacher].get("subjects")):
                reader.add(file, row, "subjects", f"{teacher} does not teach {subjects[0]}: assign a teacher of the subject",
                           f"{teacher} 不教{subjects[0]}：请安排该学科的教师")
                ok = False
            if ok and dates is not None:
                found.append(StaffChange(action=action, teacher=teacher, date=dates[0], subjects=subjects,
                                         class_id=class_id, row=row))
            continue
        if action == "leave":
            ok = reader.known(file, row, "teacher", teacher, scenario.teacher_by_id, ("teacher", "教师"))
            by = str(cells.get("replaced_by", "") or "").strip() or None
            if by is not None and by not in arriving:
                ok = reader.known(file, row, "replaced_by", by, scenario.teacher_by_id, ("teacher", "教师")) and ok
            if ok and dates is not None:
                found.append(StaffChange(action=action, teacher=teacher, date=dates[0], replaced_by=by, row=row))
            continue
        if teacher in scenario.teacher_by_id:
            reader.add(file, row, "teacher", f"{teacher} is already a teacher of the scenario: an arriving teacher needs a new id",
                       f"{teacher} 已是方案中的教师：调入教师需要新的工号")
            continue
        name, school, subjects = str(cells.get("name", "")).strip(), str(cells.get("school", "")).strip(), _list(cells.get("subjects"))
        ok = True
        for column, value in (("name", name), ("school", school), ("subjects", subjects)):
            if not value:
                reader.add(file, row, column, f"an arriving teacher needs {column}", f"调入教师需要填写{TABLES['staff'][column][1]}")
                ok = False
        if school:
            ok = reader.known(file, row, "school", school, scenario.school_by_id, ("school", "学校")) and ok
        for subject in subjects:
            ok = reader.known(file, row, "subjects", subject, scenario.subject_by_id, ("subject", "学科")) and ok
        if ok and dates is not None:
            found.append(StaffChange(action=action, teacher=teacher, date=dates[0], name=name, school=school,
                                     subjects=subjects, row=row, **limits))
    leaving = [s for s in found if s.action == "leave"]
    for change in leaving:
        if change.replaced_by == change.teacher:
            reader.add(f"{CHANGES_DIR}/staff.csv", change.row, "replaced_by", "a teacher cannot replace themselves",
                       "教师不能接替自己")
    return found


def _overrides(reader: _Reader, raw: Any) -> list[BellOverride]:
    file = f"{CHANGES_DIR}/{CHANGES_YAML}"
    if raw is None:
        return []
    if not isinstance(raw, list):
        reader.add(file, None, "bell_overrides", "bell_overrides must be a list", "bell_overrides 应为列表")
        return []
    found = []
    for index, item in enumerate(raw):
        where = f"bell_overrides[{index}]"
        if not isinstance(item, dict) or set(item) - {"schools", "bell_schedule", "dates"}:
            reader.add(file, None, where, "each bell override is {schools: [...], bell_schedule: ID, dates: ...}",
                       "每项作息调整应为 {schools: [...], bell_schedule: 编号, dates: ...}")
            continue
        schools = _list(item.get("schools"))
        ok = all([reader.known(file, None, f"{where}.schools", s, reader.scenario.school_by_id, ("school", "学校"))
                  for s in schools]) and bool(schools)
        bells = str(item.get("bell_schedule", ""))
        ok = reader.known(file, None, f"{where}.bell_schedule", bells, reader.scenario.bells_by_id,
                          ("bell schedule", "作息表")) and ok
        dates = reader.dates(file, None, f"{where}.dates", item.get("dates"))
        if ok and dates is not None:
            per_day = {reader.scenario.bells_of(s).periods_per_day for s in schools}
            if per_day != {reader.scenario.bells_by_id[bells].periods_per_day}:
                reader.add(file, None, f"{where}.bell_schedule", "the override must have as many periods a day as the schools' own",
                           "调整后的作息表每天节数应与学校原作息表相同")
                continue
            found.append(BellOverride(schools=schools, bell_schedule=bells, dates=dates))
    return found


def write_template(folder: Path) -> list[Path]:
    """A ``changes/`` template: changes.yaml and the three tables with headers and example rows."""
    from models.cells import csv_bytes

    target = folder / CHANGES_DIR
    target.mkdir(parents=True, exist_ok=True)
    paths = [target / CHANGES_YAML]
    paths[0].write_text(EXAMPLE_YAML, encoding="utf-8")
    for table, rows in EXAMPLES.items():
        path = target / f"{table}.csv"
        path.write_bytes(csv_bytes(rows))
        paths.append(path)
    return paths


# -- documentation (docs/format.md is generated from this, by models/docs.py) -------------------------------
MEANINGS = {
    "absences": {"teacher": "teacher id (工号); a teacher arriving in staff.csv may be named too",
                 "dates": "a date, a range 2026-11-02..2026-11-06, or dates separated by ;",
                 "periods": "periods of the teacher's home school, e.g. 1-4; empty = the whole day",
                 "reason": "shown in the notices and feeds, e.g. 病假, 外出培训"},
    "events": {"id": "unique id", "name": "e.g. 六年级期中测试, 秋季运动会", "dates": "as for absences",
               "schools": "school ids; empty = every school", "grades": "e.g. 6 or 4-6; empty = every grade",
               "classes": "class ids; empty = every class of those schools and grades",
               "periods": "the periods replaced, e.g. 1-4; empty = the whole day"},
    "staff": {"action": "leave 调离, arrive 调入 or assign 任课调整", "teacher": "teacher id (a new id for an arriving "
              "teacher; for assign, the teacher who takes the class's subject over)",
              "date": "the first day the change holds", "replaced_by": "leave: the teacher (existing or arriving) who "
              "takes over the lessons of the subjects they teach; empty = the lessons are covered like an absence",
              "name": "arrive: the teacher's name", "school": "arrive: home school id",
              "subjects": "arrive: subjects separated by ;", "max_weekly": "arrive: default 16",
              "max_daily": "arrive: default 4", "class": "assign: the class whose subject (in subjects) changes teacher"},
}


def changes_markdown() -> list[str]:
    """The "Changes during the term" section of docs/format.md."""
    lines = [
        "## Changes during the term (`changes/`)", "",
        "`tongbu substitute SCENARIO PUBLISHED --changes CHANGES --out OUT2` plans covers (代课/调课) for a change set on "
        "a published timetable. CHANGES is a `changes/` folder (`tongbu init` writes a template beside the scenario): "
        "`changes.yaml` with the policy (the scenario's `substitution:` section, which these keys override), and the tables below as CSV (UTF-8, with or without BOM; English or Chinese "
        "headers). The tables' rows may also be written in `changes.yaml` as lists under `absences:`, `events:` and "
        "`staff:`. Bad input is reported like a scenario's (file, row, column; exit 2).", "",
        "Every lesson an absence touches (or a leaving teacher's, without a qualified replacement) gets one cover, chosen "
        "for all of them together by one CP-SAT model: a `substitute` (a free teacher of the subject who may teach at "
        "the school: clock times, travel, daily and weekly limits with the covers counted), `remote` delivery "
        "(专递课堂: a free teacher of the subject at another school of the consortium, where the class's school "
        "receives), a `swap` (调课) with another lesson of the class in the same week (not for lessons with a room, a "
        "sync lesson or an itinerant teacher), or `self_study` (自习) supervised by a free teacher of the school. The "
        "policy's order ranks the kinds; within a kind, teachers who know the class, are near and have covered least "
        "this term come first (the counts are kept in OUT2/changes/plan.json and read back from PUBLISHED by the next "
        "run). Lessons an event replaces are cancelled; a replacement teacher takes over a leaving teacher's lessons "
        "of the subjects they teach.", "",
        "OUT2 is PUBLISHED with `changes/plan.json`, `changes/input/` (the change set), `changes/changes.csv` and "
        "`changes/notices/` (调课/代课通知 per school and per teacher, HTML and XLSX); its feeds are updated in place "
        "(changed events keep their UID with SEQUENCE raised, cancelled ones are `STATUS:CANCELLED`, every other event "
        "keeps its bytes). `tongbu verify SCENARIO OUT2` checks the timetable with the changes applied, date by date.", "",
        "Runs chain: give an earlier run's OUT2 as PUBLISHED and a folder with only the new changes; the new changes "
        "join the earlier ones (recorded together in OUT3/changes/input/changes.yaml), the earlier covers stay as "
        "published wherever they are still possible (their events keep their bytes and SEQUENCE), and the substitution "
        "counts go on. A bell override moves every lesson of its schools on its dates to the other schedule's clock "
        "times (SEQUENCE raised); sync lessons must still meet under it, which `tongbu verify` checks.",
        "", "### changes.yaml", "", "| key | default | meaning |", "|---|---|---|",
    ]
    for key, info in ChangePolicy.model_fields.items():
        default = ", ".join(info.default) if isinstance(info.default, tuple) else str(info.default)
        lines.append(f"| `policy.{key}` | {default} | {info.description or ''} |")
    lines.append("| `bell_overrides` |  | a list of `{schools: [...], bell_schedule: ID, dates: ...}`: those schools "
                 "follow another bell schedule's clock times on those dates (same number of periods) |")
    lines.append("")
    for table, columns in TABLES.items():
        lines += [f"### changes/{table}.csv — {TABLE_ZH[table]}", "", "| column | Chinese header | required | meaning |",
                  "|---|---|---|---|"]
        for column, headers in columns.items():
            required = "yes" if column in REQUIRED[table] else ""
            lines.append(f"| `{column}` | {' / '.join(headers[1:])} | {required} | {MEANINGS[table][column]} |")
        lines += ["", "Example rows:", "", "```csv"] + [",".join(row) for row in EXAMPLES[table]] + ["```", ""]
    return lines
