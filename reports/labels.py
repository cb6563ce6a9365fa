"""How ids, clock times and roles are written on printed timetables (in Chinese, as users read them)."""

from __future__ import annotations

import re

from models.bells import BellPeriod, BellSchedule
from models.enums import DeliveryMode
from models.scenario import Scenario

ROLE_ZH = {"teaching": "主讲", "receiving": "接收"}
MODE_PREFIX = {DeliveryMode.SYNC: "同步", DeliveryMode.REMOTE: "专递"}
MODE_ZH = {DeliveryMode.SYNC: "同步课堂", DeliveryMode.REMOTE: "专递课堂", DeliveryMode.IN_PERSON: "线下",
           DeliveryMode.ONLINE: "线上"}

_UNSAFE_FILE_CHARS = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def clock(minute: int) -> str:
    """``480`` -> ``08:00``."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def clock_range(start_minute: int, end_minute: int) -> str:
    return f"{clock(start_minute)}-{clock(end_minute)}"


def window(periods: tuple[BellPeriod, ...], first: int, length: int = 1) -> tuple[int, int] | None:
    """Clock window (minutes) of periods ``first..first+length-1``; None when the bells have no such period."""
    last = first + length - 1
    if first < 1 or last > len(periods):
        return None
    return periods[first - 1].start_minute, periods[last - 1].end_minute


def season_short(name: str) -> str:
    """``冬季作息`` -> ``冬``: the short form printed beside the base times."""
    short = name.strip()
    for suffix in ("作息时间", "作息", "时间"):
        if short.endswith(suffix) and len(short) > len(suffix):
            short = short[: -len(suffix)]
    if short.endswith("季") and len(short) > 1:
        short = short[:-1]
    return short


def season_variants(bells: BellSchedule, first: int, length: int = 1) -> list[tuple[str, str]]:
    """(short season name, clock range) of each season whose times differ from the base, in start order."""
    base = window(bells.periods, first, length)
    variants = []
    for season in sorted(bells.seasons, key=lambda s: (s.starts, s.name)):
        span = window(season.periods, first, length)
        if span is not None and span != base:
            variants.append((season_short(season.name), clock_range(*span)))
    return variants


def times_text(bells: BellSchedule, first: int, length: int = 1, separator: str = " ") -> str:
    """``08:00-08:40 (冬 08:10-08:50)``: base clock times, then each season's where they differ."""
    base = window(bells.periods, first, length)
    if base is None:
        return ""
    text = clock_range(*base)
    variants = season_variants(bells, first, length)
    if variants:
        text += separator + "(" + "; ".join(f"{name} {span}" for name, span in variants) + ")"
    return text


def periods_text(first: int, length: int) -> str:
    """``第3节`` or ``第3-4节``."""
    return f"第{first}节" if length == 1 else f"第{first}-{first + length - 1}节"


def season_legend(bells: BellSchedule) -> str:
    """e.g. ``括号内为冬季作息时间（冬季作息自 2026-10-01 起）``; empty without seasons."""
    if not bells.seasons:
        return ""
    parts = [f"{season.name}自 {season.starts.isoformat()} 起" for season in sorted(bells.seasons, key=lambda s: (s.starts, s.name))]
    return "括号内为季节作息时间：" + "；".join(parts)


def school_name(scenario: Scenario, school_id: str) -> str:
    school = scenario.school_by_id.get(school_id)
    return school.name if school else school_id


def class_label(scenario: Scenario, class_id: str) -> str:
    """``4(2)班`` (without the school)."""
    klass = scenario.class_by_id.get(class_id)
    return f"{klass.label}班" if klass else class_id


def class_with_school(scenario: Scenario, class_id: str) -> str:
    """``新田镇小学 4(1)班``."""
    klass = scenario.class_by_id.get(class_id)
    if klass is None:
        return class_id
    return f"{school_name(scenario, klass.school)} {klass.label}班"


def classes_by_school(scenario: Scenario, class_ids: tuple[str, ...] | list[str]) -> str:
    """``新田镇小学 4(1)班、4(2)班；桥头村小 4(1)班``: classes grouped under their school, in the order
    given, so a cell naming several partner classes stays one short line."""
    groups: dict[str, list[str]] = {}
    for class_id in class_ids:
        klass = scenario.class_by_id.get(class_id)
        school = school_name(scenario, klass.school) if klass else ""
        groups.setdefault(school, []).append(class_label(scenario, class_id))
    return "；".join(f"{school} {'、'.join(labels)}".strip() for school, labels in groups.items())


def teacher_name(scenario: Scenario, teacher_id: str) -> str:
    teacher = scenario.teacher_by_id.get(teacher_id)
    return teacher.name if teacher else teacher_id


def subject_name(scenario: Scenario, subject_id: str) -> str:
    subject = scenario.subject_by_id.get(subject_id)
    return subject.name if subject else subject_id


def safe_file_stem(text: str) -> str:
    """A file name from an id: characters Windows forbids become ``_``."""
    stem = _UNSAFE_FILE_CHARS.sub("_", text).strip(" .")
    return stem or "_"
