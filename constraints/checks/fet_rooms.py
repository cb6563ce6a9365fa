"""The ``fet_rooms`` family (rooms of an imported FET file, constraints/fet_rooms.py) over the written solution:
every activity that needs a room is in one that every hard rule naming it allows and that seats its students,
no room holds two activities in one hour, no activity is in a room at an hour the room is not available (hard
rules: ``check``), and the weights of the broken weighted room rules (``penalties``).

Plain Python from the scenario and solution.json alone: a lesson's key ``A<id>`` names its activity, its day
(``fet_day``) and period say when, its ``room`` where. What an activity needs is re-read here from the rules
(models/explicit.py, RoomRule): hard preferred-room or home-room rules name the rooms it must be in.
"""

from __future__ import annotations

from constraints.checks import Violation
from models import Scenario, Solution
from models.explicit import ExplicitTimetable, RoomRule
from models.solution import LessonPlacement

#: Where a room rule is, for messages: its row in the scenario folder's table.
TABLE = "space_constraints.csv"


def _v(rule: str, where: str, en: str, zh: str) -> Violation:
    return Violation(rule=f"fet_rooms.{rule}", where=where, en=en, zh=zh)


def _ident(lesson: LessonPlacement) -> int | None:
    return int(lesson.key[1:]) if lesson.key[:1] == "A" and lesson.key[1:].isdigit() else None


def _day(lesson: LessonPlacement) -> int:
    return lesson.fet_day if lesson.fet_day is not None else lesson.day.index


def _placed(tt: ExplicitTimetable, solution: Solution) -> dict[int, LessonPlacement]:
    return {i: lesson for lesson in solution.lessons if (i := _ident(lesson)) is not None and i in tt.activity_by_id}


def _in_rule(rule: RoomRule, lesson: LessonPlacement) -> bool:
    return lesson.room is not None and lesson.room in rule.rooms


def _hours(lesson: LessonPlacement) -> list[tuple[int, int]]:
    return [(_day(lesson), p - 1) for p in range(lesson.period, lesson.period + lesson.length)]


def _building_changes(tt: ExplicitTimetable, rule: RoomRule, placed: dict[int, LessonPlacement]) -> list[tuple[int, str]]:
    """Who breaks a building rule and where: (0, "teacher T on Mon") for each teacher or innermost student set
    and day (a lesson's building is its room's; lessons with no room or a room with no building are skipped)."""
    building = {room.name: room.building for room in tt.rooms if room.building}
    if rule.kind.startswith("Teacher"):
        names = [rule.teacher] if rule.teacher else sorted({t for a in tt.activities for t in a.teachers})
        owners = [(f"teacher {n}", [i for i in placed if n in tt.activity_by_id[i].teachers]) for n in names]
    else:
        atoms = sorted(tt.atoms_of([rule.students])) if rule.students else sorted(
            {x for a in tt.activities for x in tt.atoms_of(a.students)})
        owners = [(f"students {x}", [i for i in placed if x in tt.atoms_of(tt.activity_by_id[i].students)]) for x in atoms]
    found: list[tuple[int, str]] = []
    for name, idents in owners:
        by_day: dict[int, list[tuple[int, str]]] = {}
        for i in idents:
            lesson = placed[i]
            if lesson.room in building:
                by_day.setdefault(_day(lesson), []).extend((h, building[lesson.room]) for _d, h in _hours(lesson))
        week = 0
        for day, seen in sorted(by_day.items()):
            seen.sort()
            moves = [(a, b) for a, b in zip(seen, seen[1:]) if a[1] != b[1]]
            week += len(moves)
            label = f"{name} on {tt.days[day] if day < len(tt.days) else day}"
            if rule.kind.endswith("MinGapsBetweenBuildingChanges"):
                if any(b[0] - a[0] - 1 < (rule.value or 0) for a, b in moves):
                    found.append((0, label))
            elif rule.kind.endswith("PerDay") and len(moves) > (rule.value or 0):
                found.append((0, label))
        if rule.kind.endswith("PerWeek") and week > (rule.value or 0):
            found.append((0, name))
    return found


def _broken(rule: RoomRule, placed: dict[int, LessonPlacement], tt: ExplicitTimetable) -> list[tuple[int, str]]:
    """The activities breaking a rule, each with the room it is in (or '' for none); for a building rule, (0, who)."""
    if "Building" in rule.kind:
        return _building_changes(tt, rule, placed)
    if rule.preferred:
        return [(i, placed[i].room or "") for i in rule.activities if i in placed and not _in_rule(rule, placed[i])]
    inside = sorted(i for i in rule.activities if i in placed and placed[i].room is not None)
    if rule.kind == "ActivitiesOccupyMaxDifferentRooms":
        rooms = sorted({placed[i].room or "" for i in inside})
        return [(i, placed[i].room or "") for i in inside] if len(rooms) > (rule.value or 0) else []
    if rule.kind == "ActivitiesSameRoomIfConsecutive":
        found = []
        for a in inside:
            for b in inside:
                x, y = placed[a], placed[b]
                if a < b and _day(x) == _day(y) and x.room and y.room and x.room != y.room and (
                        y.period == x.period + x.length or x.period == y.period + y.length):
                    found.append((b, y.room or ""))
        return found
    room, slots = rule.rooms[0], set(rule.slots)
    return [(i, room) for i, lesson in sorted(placed.items())
            if room in (lesson.room, *lesson.real_rooms) and any(h in slots for h in _hours(lesson))]


def check(scenario: Scenario, solution: Solution) -> list[Violation]:
    tt = scenario.explicit
    if tt is None:
        return []
    placed = _placed(tt, solution)
    if not tt.room_rules and all(lesson.room is None for lesson in placed.values()):
        return []
    found: list[Violation] = []
    rooms = {room.name: room for room in tt.rooms}
    size = {s.id: s.size for s in tt.student_sets}
    needs = {i for rule in tt.room_rules if rule.preferred and rule.hard for i in rule.activities}
    held: dict[tuple[str, int, int], int] = {}
    for ident, lesson in sorted(placed.items()):
        activity = tt.activity_by_id[ident]
        where = f"A{ident}"
        if lesson.room is None:
            if ident in needs:
                found.append(_v("missing", where, f"activity {ident} ({activity.subject}) has no room; a hard room "
                                f"constraint asks for one", f"活动 {ident}（{activity.subject}）没有安排教室，但硬性教室约束要求有教室"))
            continue
        room = rooms.get(lesson.room)
        if room is None:
            found.append(_v("unknown", where, f"activity {ident} is in room '{lesson.room}', which is not in the file",
                            f"活动 {ident} 安排在“{lesson.room}”，文件中没有这间教室"))
            continue
        students = sum(size.get(s, 0) for s in activity.students)
        if students > room.capacity:
            found.append(_v("capacity", where, f"activity {ident} has {students} students but room {room.name} seats "
                            f"{room.capacity}", f"活动 {ident} 有 {students} 名学生，但教室 {room.name} 只能容纳 {room.capacity} 人"))
        if room.sets and (len(lesson.real_rooms) != len(room.sets)
                          or any(real not in group for real, group in zip(lesson.real_rooms, room.sets))):
            found.append(_v("virtual", where, f"activity {ident} is in virtual room {room.name} but does not take one "
                            f"real room of each of its sets (it takes {', '.join(lesson.real_rooms) or 'none'})",
                            f"活动 {ident} 安排在虚拟教室 {room.name}，但没有在其每组实际教室中各占一间"
                            f"（占用：{'、'.join(lesson.real_rooms) or '无'}）"))
        # A virtual room is held through its real rooms only: several activities may share it at once, as in FET.
        held_rooms = lesson.real_rooms if room.sets else (room.name,)
        for name, day, hour in [(r, d, h) for r in held_rooms for d, h in _hours(lesson)]:
            other = held.setdefault((name, day, hour), ident)
            if other != ident:
                found.append(_v("clash", f"{name} {tt.days[day] if day < len(tt.days) else day}",
                                f"room {name} holds activities {other} and {ident} at once "
                                f"({tt.days[day] if day < len(tt.days) else day}, hour {hour + 1})",
                                f"教室 {name} 同时安排了活动 {other} 与 {ident}"
                                f"（{tt.days[day] if day < len(tt.days) else day}，第 {hour + 1} 节）"))
    for number, rule in enumerate(tt.room_rules, start=2):
        if not rule.hard:
            continue
        for ident, room_name in _broken(rule, placed, tt):
            if rule.preferred and not room_name:
                continue  # reported above as missing
            where = f"{TABLE} row {number}"
            if "Building" in rule.kind:
                found.append(_v(rule.kind, where, f"{rule.kind} ({where}, value {rule.value}): broken by {room_name}",
                                f"{rule.kind}（{TABLE} 第 {number} 行，数值 {rule.value}）：{room_name} 不符合"))
                continue
            if rule.kind == "ActivitiesOccupyMaxDifferentRooms":
                found.append(_v(rule.kind, where, f"{rule.kind} ({where}): the activities take more than {rule.value} rooms",
                                f"{rule.kind}（{TABLE} 第 {number} 行）：这些活动使用了多于 {rule.value} 间教室"))
                break
            if rule.kind == "ActivitiesSameRoomIfConsecutive":
                found.append(_v(rule.kind, where, f"{rule.kind} ({where}): activity {ident} (room {room_name}) follows "
                                "another of the activities directly in another room",
                                f"{rule.kind}（{TABLE} 第 {number} 行）：活动 {ident}（{room_name}）紧接在另一活动之后却换了教室"))
                continue
            if rule.preferred:
                found.append(_v(rule.kind, where, f"{rule.kind} ({where}): activity {ident} is in room {room_name}, not in "
                                f"{', '.join(rule.rooms)}", f"{rule.kind}（{TABLE} 第 {number} 行）：活动 {ident} 安排在 "
                                f"{room_name}，不在 {'、'.join(rule.rooms)} 之中"))
            else:
                found.append(_v(rule.kind, where, f"{rule.kind} ({where}): activity {ident} is in room {room_name} at an "
                                "hour the room is not available", f"{rule.kind}（{TABLE} 第 {number} 行）：活动 {ident} "
                                f"在教室 {room_name} 不可用的时段使用该教室"))
    return found


def penalties(scenario: Scenario, solution: Solution) -> dict[str, int]:
    """The family's penalty: each broken weighted room rule costs its weight once (rounded; 0 costs nothing)."""
    tt = scenario.explicit
    if tt is None:
        return {"fet_rooms": 0}
    placed = _placed(tt, solution)
    total = sum(round(rule.weight) for rule in tt.room_rules
                if not rule.hard and round(rule.weight) > 0 and _broken(rule, placed, tt))
    return {"fet_rooms": total}
