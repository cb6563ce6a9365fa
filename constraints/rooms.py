"""Rooms: a lesson that needs a room always gets one of its group, and no group is over capacity at any period.

What needs a room (docs/format.md, rooms): a lesson of a subject some room at its school serves, and
every end of a sync lesson (同步课堂/专递课堂: the teaching class and each receiving class) at a school
with a room fitted for remote lessons, whatever its subject; such an end takes the remote room, not the
subject's room. The rooms of a school serving the same subjects with the same remote equipment are one
*group*; validation (models/validation.py) makes the groups of a school a partition of what needs rooms
(one group per subject, one remote group). Every end is counted at its own school, on that school's own
period grid, so a sync lesson occupies a remote room at the teaching school and at every receiving school
at its clock time there.

The model counts, for each (school, group, weekday, period), the lessons that need the group and cover
that period, and keeps the count within the group's total capacity. Rooms are then given out by
:func:`assign`, and that post-pass always succeeds:

*Proof.* Within a group, the lessons are intervals of periods of one school's day. Take them by start
(day, first period) and put each in the first room (by id) that has a place free at every period the
lesson covers. When lesson L starting at period p is placed, every earlier-placed lesson of the same day
that meets L started at or before p and, its periods being consecutive, covers p; so the places taken at
p are at most the group's count at p less one (L itself is counted), which the model keeps below the
total capacity: some room R has a free place at p. Any earlier lesson in R covering a later period
p' of L also covers p (it started at or before p), so R's load at p' is at most its load at p, which is
below its capacity: R is free at every period of L. Hence no lesson that needs a room is left without
one and no room exceeds its capacity at any period. Periods of one school never overlap in clock time
(under any of its seasonal bells), so within the school "at any period" is "at any clock time". ∎
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from constraints.context import ModelContext
from models import LessonPlacement, Room, Scenario

#: A group of interchangeable rooms at a school: (takes sync lessons, the subjects it serves).
GroupKey = tuple[bool, tuple[str, ...]]


@dataclass(frozen=True)
class RoomGroups:
    """The room groups of a scenario's schools and which group each lesson needs."""

    rooms: dict[tuple[str, GroupKey], tuple[Room, ...]]
    by_subject: dict[tuple[str, str], GroupKey]
    remote: dict[str, GroupKey]

    @classmethod
    def of(cls, scenario: Scenario) -> RoomGroups:
        rooms: dict[tuple[str, GroupKey], list[Room]] = defaultdict(list)
        by_subject: dict[tuple[str, str], GroupKey] = {}
        remote: dict[str, GroupKey] = {}
        for room in sorted(scenario.rooms, key=lambda r: r.id):
            key: GroupKey = (room.takes_sync, tuple(sorted(set(room.subjects))))
            rooms[(room.school, key)].append(room)
            for subject in key[1]:
                by_subject.setdefault((room.school, subject), key)
            if room.takes_sync:
                remote.setdefault(room.school, key)
        return cls({k: tuple(v) for k, v in rooms.items()}, by_subject, remote)

    def need(self, school: str, subject: str, sync: bool) -> GroupKey | None:
        """The group a lesson (or a sync lesson's end) at ``school`` needs; None when it needs no room."""
        if sync and school in self.remote:
            return self.remote[school]
        return self.by_subject.get((school, subject))

    def capacity(self, school: str, group: GroupKey) -> int:
        return sum(room.capacity for room in self.rooms.get((school, group), ()))

    def label(self, school: str, group: GroupKey) -> tuple[str, str]:
        """The group in the user's words (en, zh): its rooms' names."""
        names = "、".join(room.name for room in self.rooms.get((school, group), ()))
        return names, names


def add(ctx: ModelContext) -> None:
    ix = ctx.index
    if not ix.scenario.rooms:
        return
    groups = RoomGroups.of(ix.scenario)
    usage: dict[tuple[int, GroupKey, int], list] = defaultdict(list)
    for activity in ix.activities:
        for option, var in ctx.options[activity.index]:
            for placement in option.placements:
                school = ix.class_school[placement.klass]
                group = groups.need(ix.schools[school], activity.subject, activity.sync is not None)
                if group is None:
                    continue
                for p in range(placement.period, placement.period + activity.length):
                    usage[(school, group, ix.slot(placement.day, p))].append(var)
    for school, group, slot in sorted(usage, key=lambda k: (k[0], k[1], k[2])):
        variables = usage[(school, group, slot)]
        capacity = groups.capacity(ix.schools[school], group)
        if len(variables) <= capacity:
            continue
        school_name = ix.scenario.school_by_id[ix.schools[school]].name
        en, zh = groups.label(ix.schools[school], group)
        literal = ctx.requirement(
            "rooms", f"{ix.schools[school]}:{en}",
            f"rooms {en} of {school_name} take at most {capacity} class{'es' if capacity > 1 else ''} at once",
            f"{school_name}的{zh}同时最多容纳 {capacity} 个班")
        ctx.enforce(ctx.model.Add(sum(variables) <= capacity), literal)


def assign(scenario: Scenario, lessons: list[LessonPlacement]) -> list[LessonPlacement]:
    """Each lesson that needs a room gets one of its group: first room by id with a free place (module proof).

    Lessons come back in the order given. Only a timetable the model did not bound (none the engine
    writes) could leave a lesson without a room; ``tongbu verify`` would then name it.
    """
    if not scenario.rooms:
        return list(lessons)
    groups = RoomGroups.of(scenario)
    load: dict[tuple[str, int, int], int] = defaultdict(int)
    placed = list(lessons)
    order = sorted(range(len(lessons)), key=lambda i: (lessons[i].school, lessons[i].day.index, lessons[i].period,
                                                       lessons[i].class_id, lessons[i].key))
    for i in order:
        lesson = lessons[i]
        group = groups.need(lesson.school, lesson.subject, lesson.sync is not None)
        if group is None:
            continue
        for room in groups.rooms[(lesson.school, group)]:
            if all(load[(room.id, lesson.day.index, p)] < room.capacity for p in lesson.periods()):
                for p in lesson.periods():
                    load[(room.id, lesson.day.index, p)] += 1
                placed[i] = lesson.model_copy(update={"room": room.id})
                break
    return placed
