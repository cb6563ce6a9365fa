"""Activity rules (活动规则): what each consortium holds, how often, when, who attends, chairs and hosts.

Read from ``activity_rules:`` in ``scenario.yaml`` and/or from ``activity_rules.yaml`` beside it (a
mapping with an ``activity_rules:`` list, or a bare list). The older placeholder section
``activities:`` (:class:`models.later.ActivityRule`) is still accepted: each entry becomes a rule
here with the same meaning (``count`` per term, attendees, minutes, mode, chair, host).

Dates in ``window`` may be written ``MM-DD`` (year-free, so one rule file serves every year: the
date is placed in the term's year span) or as full dates.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, ValidationError, field_validator, model_validator

from models.base import Frozen
from models.enums import DeliveryMode, Weekday
from models.later import ActivityRule
from models.scenario import Scenario
from models.times import minutes_of, parse_clock

RULES_FILE = "activity_rules.yaml"
RULES_KEY = "activity_rules"

KINDS = {
    "joint_meeting": "联席会议", "demo_lesson": "轮讲共听互评示范课", "exchange": "交流活动",
    "forum": "校长论坛", "open_day": "教育教学开放日", "homeroom_exchange": "班主任工作交流会",
    "assessment": "统一质量监测", "spot_check": "随机抽测课", "research": "联合教研",
    "debrief": "同步教学研讨",
}
# A debrief (同步教学研讨) follows every occurrence of every sync lesson of the consortium: short, online,
# chaired by nobody and hosted nowhere; these are its defaults (docs/activities.md).
DEBRIEF_DEFAULTS = {"minutes": 30, "step_minutes": 10, "time": "08:00-18:00", "mode": "online", "chair": "none",
                    "host": "none", "attendees": ()}
# Kinds whose host school teaches one of its own timetabled lessons of the rule's subject and grades.
LESSON_HOSTED_KINDS = ("demo_lesson",)
FREQUENCIES = ("per_term", "monthly", "yearly")
ATTENDEE_GROUP = re.compile(r"^(principals|research_officers|homeroom|all|subject:[^@]+(@\d+(-\d+)?)?|grades:\d+(-\d+)?|teacher:.+)$")


class RulesInvalid(ValueError):
    """The activity rules cannot be used; ``problems`` are (en, zh) messages."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(en for en, _ in problems))
        self.problems = problems


def _month_day(text: str) -> tuple[int, int] | date:
    text = str(text).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return date.fromisoformat(text)
    match = re.fullmatch(r"(\d{1,2})[-/.月](\d{1,2})日?", text)
    if not match:
        raise ValueError(f"'{text}' is not a date like 09-12 or 2026-09-12")
    month, day = int(match[1]), int(match[2])
    date(2024, month, day)  # raises on 02-30; 2024 is a leap year so 02-29 passes
    return month, day


class ActivitySpec(Frozen):
    """One recurring consortium activity.

    ``count`` is per term for ``per_term``; ``monthly`` holds one in every calendar month of the
    window that has at least five teaching days in the term (not in a term's stub month); ``yearly`` holds ``count`` in the school year, in the terms named by ``terms``.
    """

    id: str
    consortium: str
    kind: str
    name: str = ""
    frequency: str = "per_term"
    count: int = Field(default=1, ge=0)
    terms: tuple[str, ...] = ("autumn", "spring")
    window: tuple[str, str] | None = None
    weekdays: tuple[Weekday, ...] = (Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI)
    time: str = "14:00-17:30"
    minutes: int = Field(default=90, ge=10)
    step_minutes: int = Field(default=30, ge=5)
    attendees: tuple[str, ...] = ("principals",)
    mode: DeliveryMode = DeliveryMode.IN_PERSON
    chair: str = "rotating"
    chair_pool: str = "all"
    host: str = "rotating"
    host_weights: str | dict[str, int] = "equal"
    subject: str | None = None
    grades: tuple[int, ...] = ()
    observers_per_school: int = Field(default=1, ge=0)
    young_age: int = 35
    within_days: int = Field(default=2, ge=0, description="debrief: at most this many school days after the sync lesson "
                                                          "(0: the same day, after the lesson)")

    @model_validator(mode="before")
    @classmethod
    def _debrief_defaults(cls, data: object) -> object:
        if isinstance(data, dict) and data.get("kind") == "debrief":
            return {**DEBRIEF_DEFAULTS, **data}
        return data

    @field_validator("attendees", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in re.split(r"[;,，；、]", value) if part.strip())
        return value

    @field_validator("window", mode="before")
    @classmethod
    def _window(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in re.split(r"\s*(?:~|～|至|to|\.\.)\s*", value) if p.strip()]
            return tuple(parts)
        if isinstance(value, (list, tuple)):
            return tuple(str(v) for v in value)
        return value

    @model_validator(mode="after")
    def _coherent(self) -> ActivitySpec:
        if self.kind not in KINDS:
            raise ValueError(f"kind '{self.kind}' is not one of {', '.join(KINDS)}")
        if self.frequency not in FREQUENCIES:
            raise ValueError(f"frequency '{self.frequency}' is not one of {', '.join(FREQUENCIES)}")
        for season in self.terms:
            if season not in ("autumn", "spring"):
                raise ValueError(f"terms: '{season}' is neither autumn nor spring")
        for group in self.attendees:
            if not ATTENDEE_GROUP.match(group):
                raise ValueError(f"attendee group '{group}' is not principals, research_officers, homeroom, all, "
                                 "subject:<id>[@g-h], grades:g-h or teacher:<id>")
        if self.window is not None:
            if len(self.window) != 2:
                raise ValueError("window needs a start and an end, e.g. [09-12, 10-31]")
            for part in self.window:
                _month_day(part)
        start, end = self.time_window
        if end - start < self.minutes and not self.whole_day and self.kind not in ("demo_lesson", "spot_check"):
            raise ValueError(f"time window {self.time} is shorter than {self.minutes} minutes")
        if self.kind in ("demo_lesson",) and not self.subject:
            raise ValueError("a demonstration lesson needs a subject")
        if self.kind == "debrief" and (self.mode != DeliveryMode.ONLINE or self.chair != "none" or self.host != "none"
                                       or self.attendees):
            raise ValueError("a debrief (同步教学研讨) is online, with no chair, host or attendee groups: its people are "
                             "the sync lesson's teacher and the receiving classes' teachers of the subject")
        if self.chair not in ("rotating", "none", "lead") and not self.chair.startswith("teacher:"):
            raise ValueError(f"chair '{self.chair}' is not rotating, lead, none or teacher:<id>")
        if self.chair_pool not in ("all", "members"):
            raise ValueError(f"chair_pool '{self.chair_pool}' is not all or members")
        if self.host not in ("rotating", "chair_school", "lead", "none") and not self.host.startswith("school:"):
            raise ValueError(f"host '{self.host}' is not rotating, chair_school, lead, none or school:<id>")
        if self.host == "chair_school" and self.chair != "rotating":
            raise ValueError("host: chair_school needs chair: rotating")
        if isinstance(self.host_weights, str) and self.host_weights not in ("equal", "by_size"):
            raise ValueError(f"host_weights '{self.host_weights}' is not equal, by_size or a mapping school: weight")
        return self

    @property
    def display_name(self) -> str:
        return self.name or KINDS[self.kind]

    @property
    def hosted_at_a_lesson(self) -> bool:
        """The host teaches a timetabled lesson of ``subject`` (``grades``) for it, so only a school with such a
        lesson can host (a demonstration lesson, 轮讲): its rotation is over those schools (docs/activities.md)."""
        return self.kind in LESSON_HOSTED_KINDS

    @property
    def whole_day(self) -> bool:
        """A unified assessment replaces the day's timetable for its grades."""
        return self.kind == "assessment"

    @property
    def time_window(self) -> tuple[int, int]:
        first, last = (part.strip() for part in self.time.replace("–", "-").split("-", 1))
        return minutes_of(parse_clock(first)), minutes_of(parse_clock(last))

    @property
    def in_person(self) -> bool:
        return self.mode != DeliveryMode.ONLINE

    def window_dates(self, term_start: date, term_end: date) -> tuple[date, date]:
        """The rule's window placed in the term (year-free dates get the year that puts them in the term)."""
        if self.window is None:
            return term_start, term_end
        placed = [_place(part, term_start, term_end) for part in self.window]
        return max(placed[0], term_start), min(placed[1], term_end)


def _place(text: str, term_start: date, term_end: date) -> date:
    parsed = _month_day(text)
    if isinstance(parsed, date):
        return parsed
    month, day = parsed
    for year in range(term_start.year, term_end.year + 1):
        candidate = date(year, month, day)
        if term_start <= candidate <= term_end:
            return candidate
    # Outside the term: keep the year of the term start so an empty window is reported, not guessed.
    return date(term_start.year, month, day)


def term_season(term_start: date) -> str:
    """autumn for a term starting July–December, else spring."""
    return "autumn" if term_start.month >= 7 else "spring"


def school_year(term_start: date) -> str:
    """The school year (学年) of a term, e.g. 2026-2027 for autumn 2026 and spring 2027."""
    first = term_start.year if term_start.month >= 7 else term_start.year - 1
    return f"{first}-{first + 1}"


def from_placeholder(rule: ActivityRule) -> ActivitySpec:
    """An ``activities:`` entry of scenario.yaml read as a rule (count per term, same names)."""
    kind = rule.kind if rule.kind in KINDS else "exchange"
    return ActivitySpec(id=rule.id, consortium=rule.consortium, kind=kind, name="" if kind == rule.kind else rule.kind,
                        count=rule.count, attendees=rule.attendees, minutes=rule.minutes, mode=rule.mode,
                        chair=rule.chair, host=rule.host)


def _raw_rules(data: Any, where: str, problems: list[tuple[str, str]]) -> list[dict[str, Any]]:
    if data is None:
        return []
    if isinstance(data, dict):
        data = data.get(RULES_KEY) or []
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        problems.append((f"{where}: activity_rules must be a list of mappings",
                         f"{where}：activity_rules 应为若干条规则（映射）组成的列表"))
        return []
    return data


def parse_rules(raw: list[dict[str, Any]], where: str) -> tuple[list[ActivitySpec], list[tuple[str, str]]]:
    rules, problems = [], []
    for index, item in enumerate(raw, start=1):
        try:
            rules.append(ActivitySpec.model_validate(item))
        except ValidationError as err:
            for error in err.errors():
                field = ".".join(str(p) for p in error["loc"]) or "rule"
                message = error["msg"].removeprefix("Value error, ")
                name = item.get("id", f"#{index}")
                problems.append((f"{where}: rule {name}, {field}: {message}",
                                 f"{where}：规则 {name} 的 {field} 有误：{message}"))
    return rules, problems


def load_activity_rules(folder: Path | str, scenario: Scenario | None = None) -> tuple[ActivitySpec, ...]:
    """Every activity rule of a scenario folder, sorted by id; raises :class:`RulesInvalid`."""
    folder = Path(folder)
    problems: list[tuple[str, str]] = []
    raw: list[tuple[str, list[dict[str, Any]]]] = []
    for name in ("scenario.yaml", RULES_FILE):
        path = folder / name
        if not path.is_file():
            continue
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
        except yaml.YAMLError as err:
            problems.append((f"{name}: not valid YAML: {err}", f"{name}：YAML 格式有误：{err}"))
            continue
        if name == "scenario.yaml":
            data = data.get(RULES_KEY) if isinstance(data, dict) else None
        raw.append((name, _raw_rules(data, name, problems)))
    rules: list[ActivitySpec] = []
    for name, items in raw:
        parsed, found = parse_rules(items, name)
        rules += parsed
        problems += found
    if scenario is not None:
        rules += [from_placeholder(rule) for rule in scenario.activities]
        problems += rule_reference_problems(rules, scenario)
    ids = [r.id for r in rules]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append((f"activity rule id '{dup}' is used twice", f"活动规则编号“{dup}”重复"))
    if problems:
        raise RulesInvalid(problems)
    return tuple(sorted(rules, key=lambda r: r.id))


def rule_reference_problems(rules: list[ActivitySpec], scenario: Scenario) -> list[tuple[str, str]]:
    """Consortium, school, subject and teacher ids that the scenario does not have."""
    problems = []
    for rule in rules:
        if rule.consortium not in scenario.consortium_by_id:
            problems.append((f"rule {rule.id}: unknown consortium '{rule.consortium}'",
                             f"规则 {rule.id}：未知的共同体“{rule.consortium}”"))
        if rule.subject and rule.subject not in scenario.subject_by_id:
            problems.append((f"rule {rule.id}: unknown subject '{rule.subject}'", f"规则 {rule.id}：未知的学科“{rule.subject}”"))
        refs = [g.split(":", 1)[1] for g in rule.attendees if g.startswith("teacher:")]
        refs += [rule.chair.split(":", 1)[1]] if rule.chair.startswith("teacher:") else []
        for teacher in refs:
            if teacher not in scenario.teacher_by_id:
                problems.append((f"rule {rule.id}: unknown teacher '{teacher}'", f"规则 {rule.id}：未知的教师“{teacher}”"))
        if rule.host.startswith("school:") and rule.host.split(":", 1)[1] not in scenario.school_by_id:
            problems.append((f"rule {rule.id}: unknown host school '{rule.host[7:]}'", f"规则 {rule.id}：未知的承办学校“{rule.host[7:]}”"))
        if isinstance(rule.host_weights, dict):
            for school in rule.host_weights:
                if school not in scenario.school_by_id:
                    problems.append((f"rule {rule.id}: host_weights names unknown school '{school}'",
                                     f"规则 {rule.id}：host_weights 中的学校“{school}”不存在"))
    return problems
