"""Explicit activities in a scenario folder: three CSV tables and an ``explicit`` key in scenario.yaml.

``scenario.yaml`` holds ``explicit: {days, hours, teachers, left_out}``; the tables are
``student_sets.csv`` (id, kind, within, size), ``explicit_activities.csv`` (id, subject, teachers,
students, duration, group, tags) and ``time_constraints.csv`` (kind, weight, activities, teacher,
students, slots, value, flag, tag, second, second_tag: the second tag's activities and the tag of an ordered-pair
rule); with rooms also ``explicit_rooms.csv`` (name, building, capacity, sets: a virtual
room's sets of real rooms, separated by ``||``)
and ``space_constraints.csv`` (kind, weight, activities, rooms, subject, tag, teacher, students,
slots, value), and ``buildings`` in the ``explicit`` key. Lists in a cell are separated by ``|`` (FET names contain ``;``
and ``,``); a slot is ``day:hour``, both counted from 0. Written with a BOM like every tongbu CSV.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from models.cells import csv_bytes, unescape_cell
from models.explicit import ExplicitActivity, ExplicitTimetable, FetRoom, LeftOut, RoomRule, StudentSet, TimeRule

SETS_FILE = "student_sets.csv"
ACTIVITIES_FILE = "explicit_activities.csv"
RULES_FILE = "time_constraints.csv"
ROOMS_FILE = "explicit_rooms.csv"
ROOM_RULES_FILE = "space_constraints.csv"
SEP = "|"

SETS_COLUMNS = ("id", "kind", "within", "size")
ACTIVITY_COLUMNS = ("id", "subject", "teachers", "students", "duration", "group", "tags")
EXPLICIT_KEYS = ("days", "hours", "teachers", "buildings", "left_out")
RULE_COLUMNS = ("kind", "weight", "activities", "teacher", "students", "slots", "value", "flag", "tag", "second",
                "second_tag")
ROOM_COLUMNS = ("name", "building", "capacity", "sets")
#: Between the sets of real rooms of a virtual room (rooms within a set are separated by SEP).
SETS_SEP = "||"
ROOM_RULE_COLUMNS = ("kind", "weight", "activities", "rooms", "subject", "tag", "teacher", "students", "slots", "value")


def _split(text: str) -> tuple[str, ...]:
    return tuple(part for part in text.split(SEP) if part != "") if text else ()


def _join(items: Any) -> str:
    return SEP.join(str(i) for i in items)


def _slots(text: str) -> tuple[tuple[int, int], ...]:
    result = []
    for part in _split(text):
        day, _, hour = part.partition(":")
        result.append((int(day), int(hour)))
    return tuple(result)


def _rows(path: Path) -> list[dict[str, str]]:
    text = path.read_bytes().decode("utf-8-sig")
    return [{key: unescape_cell(value) if isinstance(value, str) else value for key, value in row.items()}
            for row in csv.DictReader(io.StringIO(text))]


def read_explicit(reader: Any, folder: Path, header: Any) -> ExplicitTimetable | None:
    """The explicit part of a scenario folder, or None when scenario.yaml has no ``explicit`` key.

    Problems go to ``reader`` (a ``models.files.Reader``) with file, row and column.
    """
    if header is None:
        return None
    if not isinstance(header, dict):
        reader.problem("scenario.yaml", "need_mapping", at_column="explicit", key="explicit",
                       example="{days: [Mon, …], hours: ['1', …]}")
        return None
    reader.check_keys(header, EXPLICIT_KEYS, "explicit")
    for index, item in enumerate(header.get("left_out") or (), start=1):
        if isinstance(item, dict):
            reader.check_keys(item, LeftOut.model_fields, f"explicit.left_out[{index}]")
    parts: dict[str, list[Any]] = {"student_sets": [], "activities": [], "rules": [], "rooms": [], "room_rules": []}
    for file, key, parse in ((SETS_FILE, "student_sets", _set), (ACTIVITIES_FILE, "activities", _activity),
                             (RULES_FILE, "rules", _rule), (ROOMS_FILE, "rooms", _room),
                             (ROOM_RULES_FILE, "room_rules", _room_rule)):
        path = folder / file
        if not path.is_file():
            if key == "activities":
                reader.problem(file, "missing_table", table=file.removesuffix(".csv"), workbook=file)
            continue
        try:
            rows = _rows(path)
        except (OSError, UnicodeDecodeError, csv.Error) as err:
            reader.problem(file, "unreadable", detail=str(err))
            continue
        for number, row in enumerate(rows, start=2):
            try:
                parts[key].append(parse(row))
            except (ValueError, TypeError, ValidationError) as err:
                reader.problem(file, "bad_value", at_row=number, detail=_short(err))
    try:
        return ExplicitTimetable(
            days=tuple(str(d) for d in header.get("days") or ()), hours=tuple(str(h) for h in header.get("hours") or ()),
            teachers=tuple(str(t) for t in header.get("teachers") or ()),
            buildings=tuple(str(b) for b in header.get("buildings") or ()),
            rooms=tuple(parts["rooms"]), room_rules=tuple(parts["room_rules"]),
            left_out=tuple(LeftOut(kind=str(x["kind"]), count=int(x["count"])) for x in header.get("left_out") or ()),
            student_sets=tuple(parts["student_sets"]), activities=tuple(parts["activities"]), rules=tuple(parts["rules"]))
    except (ValueError, TypeError, KeyError, ValidationError) as err:
        reader.problem("scenario.yaml", "bad_value", at_column="explicit", detail=_short(err))
        return None


def _short(err: Exception) -> str:
    if isinstance(err, ValidationError):
        first = err.errors()[0]
        return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
    return str(err)


def _set(row: dict[str, str]) -> StudentSet:
    return StudentSet(id=row["id"], kind=row.get("kind") or "group", within=_split(row.get("within") or ""),
                      size=int(row.get("size") or 0))


def _activity(row: dict[str, str]) -> ExplicitActivity:
    return ExplicitActivity(id=int(row["id"]), subject=row.get("subject") or "", teachers=_split(row.get("teachers") or ""),
                            students=_split(row.get("students") or ""), duration=int(row.get("duration") or 1),
                            group=int(row.get("group") or 0), tags=_split(row.get("tags") or ""))


def _rule(row: dict[str, str]) -> TimeRule:
    value = row.get("value") or ""
    return TimeRule(kind=row["kind"], weight=float(row.get("weight") or 100),
                    activities=tuple(int(a) for a in _split(row.get("activities") or "")),
                    teacher=row.get("teacher") or "", students=row.get("students") or "",
                    slots=_slots(row.get("slots") or ""), value=int(value) if value != "" else None,
                    flag=(row.get("flag") or "").strip().lower() in ("1", "true", "yes", "是"), tag=row.get("tag") or "",
                    second=tuple(int(a) for a in _split(row.get("second") or "")),
                    second_tag=row.get("second_tag") or "")


def _room(row: dict[str, str]) -> FetRoom:
    sets = tuple(_split(part) for part in (row.get("sets") or "").split(SETS_SEP) if part)
    return FetRoom(name=row["name"], building=row.get("building") or "", capacity=int(row.get("capacity") or 30000),
                   sets=sets)


def _room_rule(row: dict[str, str]) -> RoomRule:
    return RoomRule(kind=row["kind"], weight=float(row.get("weight") or 100),
                    activities=tuple(int(a) for a in _split(row.get("activities") or "")),
                    rooms=_split(row.get("rooms") or ""), subject=row.get("subject") or "", tag=row.get("tag") or "",
                    teacher=row.get("teacher") or "", students=row.get("students") or "",
                    slots=_slots(row.get("slots") or ""),
                    value=int(row["value"]) if (row.get("value") or "") != "" else None)


def explicit_yaml(timetable: ExplicitTimetable) -> dict[str, Any]:
    found: dict[str, Any] = {"days": list(timetable.days), "hours": list(timetable.hours),
                             "teachers": list(timetable.teachers)}
    if timetable.buildings:
        found["buildings"] = list(timetable.buildings)
    return found | {"left_out": [{"kind": x.kind, "count": x.count} for x in timetable.left_out]}


def _weight(weight: float) -> str:
    return str(int(weight)) if float(weight).is_integer() else repr(weight)


def explicit_tables(timetable: ExplicitTimetable) -> dict[str, list[list[str]]]:
    tables = {
        SETS_FILE: [list(SETS_COLUMNS)] + [[s.id, s.kind, _join(s.within), str(s.size)] for s in timetable.student_sets],
        ACTIVITIES_FILE: [list(ACTIVITY_COLUMNS)] + [
            [str(a.id), a.subject, _join(a.teachers), _join(a.students), str(a.duration), str(a.group), _join(a.tags)]
            for a in timetable.activities],
        RULES_FILE: [list(RULE_COLUMNS)] + [
            [r.kind, _weight(r.weight), _join(r.activities), r.teacher, r.students,
             _join(f"{d}:{h}" for d, h in r.slots), "" if r.value is None else str(r.value), "1" if r.flag else "", r.tag,
             _join(r.second), r.second_tag]
            for r in timetable.rules],
    }
    if timetable.rooms or timetable.room_rules:
        tables[ROOMS_FILE] = [list(ROOM_COLUMNS)] + [[r.name, r.building, str(r.capacity),
                                                                SETS_SEP.join(_join(x) for x in r.sets)]
                                                               for r in timetable.rooms]
        tables[ROOM_RULES_FILE] = [list(ROOM_RULE_COLUMNS)] + [
            [r.kind, _weight(r.weight), _join(r.activities), _join(r.rooms), r.subject, r.tag, r.teacher, r.students,
             _join(f"{d}:{h}" for d, h in r.slots), "" if r.value is None else str(r.value)] for r in timetable.room_rules]
    return tables


def write_explicit(timetable: ExplicitTimetable, folder: Path) -> list[Path]:
    written = []
    for name, rows in explicit_tables(timetable).items():
        (folder / name).write_bytes(csv_bytes(rows))  # with a BOM, as every table tongbu writes
        written.append(folder / name)
    return written
