"""Rooms: every lesson that needs a room is in one that serves it at its school, no room holds more classes
than its capacity at any clock time, and every end of a sync lesson is in a room with remote equipment.

What needs a room (docs/format.md, rooms), re-read here from the scenario alone: a lesson of a subject
some room at its school lists; an end of a sync lesson (the teaching class or a receiving class) at a
school with a room fitted for remote lessons, whatever the subject, and it must be in such a room. When
the scenario has rooms with remote equipment, an end at a school without one is itself a violation.
Capacity is compared by clock time under every bell regime of the term (a room's lessons are all at its
school, but a lesson in a room of another school is compared as written).
"""

from __future__ import annotations

from collections import defaultdict

from constraints.checks import Violation
from constraints.checks._common import Clocks, Names, Window, day_en, lesson_order, slot_en, slot_zh, span
from models import LessonPlacement, Room, Scenario, Solution, Weekday


def check(scenario: Scenario, solution: Solution) -> list[Violation]:
    if not scenario.rooms:
        return []
    names, clocks = Names(scenario), Clocks(scenario)
    rooms = {room.id: room for room in scenario.rooms}
    remote_schools = {room.school for room in scenario.rooms if room.takes_sync}
    subject_schools = {(room.school, subject) for room in scenario.rooms for subject in room.subjects}
    ends = {(sync.id, class_id) for sync in scenario.sync_lessons
            for class_id in (sync.teaching_class, *sync.receiving_classes)}
    found: list[Violation] = []
    in_room: dict[tuple[str, Weekday], list[LessonPlacement]] = defaultdict(list)
    for lesson in sorted(solution.lessons, key=lesson_order):
        is_end = (lesson.sync or "", lesson.class_id) in ends
        wants_remote = is_end and lesson.school in remote_schools
        if is_end and remote_schools and lesson.school not in remote_schools:
            found.append(_no_equipment(lesson, names))
        needs = wants_remote or (lesson.school, lesson.subject) in subject_schools
        if lesson.room is None:
            if needs:
                found.append(_missing(lesson, names, wants_remote))
            continue
        in_room[(lesson.room, lesson.day)].append(lesson)
        found += _fits(rooms.get(lesson.room), lesson, names, wants_remote)
    for (room_id, day), lessons in sorted(in_room.items(), key=lambda i: (i[0][0], i[0][1].index)):
        room = rooms.get(room_id)
        if room is not None:
            found += _over_capacity(room, day, lessons, names, clocks)
    return found


def _what(lesson: LessonPlacement, names: Names) -> tuple[str, str, str]:
    """(class, subject, where) of a lesson in the user's words."""
    return names.klass(lesson.class_id), names.subject(lesson.subject), f"{names.klass(lesson.class_id)} {slot_zh(lesson.day, lesson.period, lesson.length)}"


def _no_equipment(lesson: LessonPlacement, names: Names) -> Violation:
    cls, subj, where = _what(lesson, names)
    school = names.school(lesson.school)
    return Violation(
        "rooms.sync_unequipped", where,
        f"{cls}: sync lesson {lesson.sync} ({subj}) on {slot_en(lesson.day, lesson.period, lesson.length)} is at "
        f"{school}, which has no room with remote equipment",
        f"{cls}：{slot_zh(lesson.day, lesson.period, lesson.length)}的同步课堂 {lesson.sync}（{subj}）在{school}，"
        f"该校没有配备远程互动设备的教室")


def _missing(lesson: LessonPlacement, names: Names, wants_remote: bool) -> Violation:
    cls, subj, where = _what(lesson, names)
    when_en, when_zh = slot_en(lesson.day, lesson.period, lesson.length), slot_zh(lesson.day, lesson.period, lesson.length)
    if wants_remote:
        return Violation("rooms.missing", where,
                         f"{cls}: sync lesson {lesson.sync} ({subj}) on {when_en} has no room; it needs a room with "
                         f"remote equipment at {names.school(lesson.school)}",
                         f"{cls}：{when_zh}的同步课堂 {lesson.sync}（{subj}）没有安排教室，需要{names.school(lesson.school)}"
                         f"配备远程互动设备的教室")
    return Violation("rooms.missing", where,
                     f"{cls}: {subj} on {when_en} has no room; {names.school(lesson.school)} has rooms for {subj}",
                     f"{cls}：{when_zh}的{subj}没有安排教室，而{names.school(lesson.school)}有{subj}专用教室")


def _fits(room: Room | None, lesson: LessonPlacement, names: Names, wants_remote: bool) -> list[Violation]:
    cls, subj = names.klass(lesson.class_id), names.subject(lesson.subject)
    where = f"{room.name if room is not None else lesson.room} {cls}"
    when_en, when_zh = slot_en(lesson.day, lesson.period, lesson.length), slot_zh(lesson.day, lesson.period, lesson.length)
    if room is None:
        return [Violation("rooms.unknown", where,
                          f"{cls}: {subj} on {when_en} is in room '{lesson.room}', which is not in the scenario",
                          f"{cls}：{when_zh}的{subj}安排在“{lesson.room}”，方案中没有这间教室")]
    found: list[Violation] = []
    if room.school != lesson.school:
        found.append(Violation("rooms.elsewhere", where,
                               f"{cls}: {subj} on {when_en} is in room {room.name} of {names.school(room.school)}, "
                               f"but the lesson is at {names.school(lesson.school)}",
                               f"{cls}：{when_zh}的{subj}安排在{names.school(room.school)}的{room.name}，"
                               f"但这节课在{names.school(lesson.school)}"))
    if wants_remote and not room.takes_sync:
        found.append(Violation("rooms.not_equipped", where,
                               f"{cls}: sync lesson {lesson.sync} ({subj}) on {when_en} is in room {room.name}, "
                               f"which has no remote equipment",
                               f"{cls}：{when_zh}的同步课堂 {lesson.sync}（{subj}）安排在{room.name}，该教室没有远程互动设备"))
    elif not wants_remote and lesson.subject not in room.subjects:
        serves_en = ", ".join(names.subject(s) for s in room.subjects) or "sync lessons"
        serves_zh = "、".join(names.subject(s) for s in room.subjects) or "同步课堂"
        found.append(Violation("rooms.subject", where,
                               f"{cls}: {subj} on {when_en} is in room {room.name}, which serves {serves_en} only",
                               f"{cls}：{when_zh}的{subj}安排在{room.name}，该教室只用于{serves_zh}"))
    return found


def _over_capacity(room: Room, day: Weekday, lessons: list[LessonPlacement], names: Names,
                   clocks: Clocks) -> list[Violation]:
    """The first clock time (under some regime) at which the room holds more classes than its capacity."""
    for regime in clocks.regimes:
        windows: list[tuple[Window, LessonPlacement]] = []
        for lesson in lessons:
            window = clocks.lesson_window(lesson, regime)
            if window is not None:
                windows.append((window, lesson))
        for start, _end in sorted({w for w, _ in windows}):
            present = [(w, x) for w, x in windows if w[0] <= start < w[1]]
            if len(present) <= room.capacity:
                continue
            common = (start, min(w[1] for w, _ in present))
            name = f"{room.name}（{names.school(room.school)}）"
            who_en = ", ".join(f"{names.klass(x.class_id)} {names.subject(x.subject)}" for _, x in present)
            who_zh = "、".join(f"{names.klass(x.class_id)}{names.subject(x.subject)}" for _, x in present)
            since_en = clocks.since_en(regime, clocks.moves(*lessons))
            since_zh = clocks.since_zh(regime, clocks.moves(*lessons))
            return [Violation(
                "rooms.capacity", f"{name} {day.zh}",
                f"room {name} holds {len(present)} classes at once on {day_en(day)} {span(common)}, "
                f"capacity {room.capacity}: {who_en}{since_en}",
                f"{name} {day.zh}{span(common)}同时有 {len(present)} 个班，容量 {room.capacity}：{who_zh}{since_zh}")]
    return []
