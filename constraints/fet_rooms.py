"""Rooms of an imported FET file: each activity that needs a room gets one it is allowed, and a room holds one
activity at a time (FET's BasicCompulsorySpace and its room constraints, ``ExplicitTimetable.room_rules``).

Which activity needs which rooms is documented on :class:`models.explicit.RoomRule`: the rooms every hard
preferred-room (or, for an activity no preferred-room rule names, home-room) rule of the activity allows,
too small rooms (fewer places than the activity's students) removed; an activity with only weighted rules
may take a room they name or none. FET's preferred-room sets overlap, so rooms are not grouped: each
activity that needs or may take a room has one boolean per room it may take (exactly one when it needs a
room, at most one otherwise) at each start the activity takes, and a room holds at most one of the
literals covering an hour (boolean only: shared/SOLVER-NOTES.md measured the boolean formulation fastest,
and the large-neighbourhood search reads linear and boolean constraints only). A hard not-available hour
of a room gets no literal. An activity in a FET virtual room also takes one real room of each of the room's
sets (a literal per real room, exactly one per set when the virtual room is taken), which it holds too.
Activities no rule names get no variable at all. Weighted rules cost their weight when broken: a
preferred/home-room rule when one of its activities is in none of its rooms, a room's not-available
times when an activity is in the room then. The check is ``constraints/checks/fet_rooms.py`` (shares no code).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from constraints.context import ModelContext, PenaltyTerm
from models.explicit import ExplicitTimetable, RoomRule

SHARED_KEY = "fet_rooms.vars"


def allowed_rooms(tt: ExplicitTimetable) -> dict[int, tuple[tuple[str, ...], bool]]:
    """FET activity id -> (the rooms it may take, whether it must take one), for activities some rule names."""
    capacity = {room.name: room.capacity for room in tt.rooms}
    size = {s.id: s.size for s in tt.student_sets}
    hard: dict[int, set[str]] = {}
    soft: dict[int, set[str]] = defaultdict(set)
    for rule in tt.room_rules:
        if not rule.preferred:
            continue
        for ident in rule.activities:
            if rule.hard:
                hard[ident] = set(rule.rooms) if ident not in hard else hard[ident] & set(rule.rooms)
            elif rule.weight > 0:
                soft[ident] |= set(rule.rooms)
    found = {}
    for ident in set(hard) | set(soft):
        activity = tt.activity_by_id.get(ident)
        if activity is None:
            continue
        students = sum(size.get(s, 0) for s in activity.students)
        rooms = hard[ident] if ident in hard else soft[ident]
        found[ident] = (tuple(sorted(r for r in rooms if capacity.get(r, -1) >= students)), ident in hard)
    return found


class RoomVars:
    """For each activity that needs or may take a room: a boolean per (room, start), built once per model.

    ``y[ident][room]`` lists (start slot, literal): the activity starts there in that room. An activity
    that needs a room and may take only one uses its start literals themselves (no new variable: the
    most common case, FET's ActivityPreferredRoom and home rooms).
    """

    def __init__(self, ctx: ModelContext) -> None:
        ix, model = ctx.index, ctx.model
        tt = ix.scenario.explicit
        assert tt is not None
        self.tt = tt
        plan = allowed_rooms(tt)
        off: dict[str, set[int]] = defaultdict(set)
        for rule in tt.room_rules:
            if rule.kind == "RoomNotAvailableTimes" and rule.hard:
                off[rule.rooms[0]] |= {ix.slot(day, hour + 1) for day, hour in rule.slots}
        virtual = {room.name: room.sets for room in tt.rooms if room.sets}
        self.y: dict[int, dict[str, list[tuple[int, Any]]]] = {}
        #: (activity, virtual room, start) -> for each of the room's sets, (real room, literal) choices.
        self.real: dict[tuple[int, str, int], list[list[tuple[str, Any]]]] = {}
        self.duration: dict[int, int] = {}
        load: dict[tuple[str, int], list[Any]] = defaultdict(list)
        for activity in ix.activities:
            starts = [(ix.slot(*option.start), var) for option, var in ctx.options[activity.index]]
            length = activity.length
            for member in activity.members:
                if member not in plan:
                    continue
                rooms, needed = plan[member]
                self.duration[member] = length
                # While explaining, one literal per activity, so that the core names it.
                literal = (ctx.requirement("fet_rooms", f"A{member}", *_needs_words(tt, member, rooms)) if needed
                           else None)
                own = needed and len(rooms) == 1 and literal is None
                by_room: dict[str, list[tuple[int, Any]]] = {}
                for room in rooms:
                    by_room[room] = []
                    for start, lit in starts:
                        blocked = any(s in off[room] for s in range(start, start + length))
                        if own and blocked:
                            model.Add(lit == 0)
                        elif own:
                            by_room[room].append((start, lit))
                        elif not blocked:
                            by_room[room].append((start, model.NewBoolVar(f"room[A{member},{room},{start}]")))
                self.y[member] = by_room
                if not own:
                    at_start: dict[int, list[Any]] = defaultdict(list)
                    for taken in by_room.values():
                        for start, var in taken:
                            at_start[start].append(var)
                    for start, lit in starts:
                        here = at_start.get(start, [])
                        if needed and literal is None:
                            model.Add(sum(here) == lit)
                        else:
                            model.Add(sum(here) <= lit)
                            if needed:
                                ctx.enforce(model.Add(sum(here) == lit), literal)
                for room, taken in by_room.items():
                    for start, var in taken:
                        if room in virtual:
                            # A virtual room takes one real room of each of its sets, and only those real rooms are
                            # held: FET lets several activities share a virtual room at once (Germany's
                            # test-virtual-rooms-3 puts 42 sport hours in one virtual room of a 30-hour week).
                            self.real[(member, room, start)] = self._real_rooms(model, virtual[room], off, start, length,
                                                                                var, load)
                            continue
                        for s in range(start, start + length):
                            load[(room, s)].append(var)
        for key in sorted(load):
            if len(load[key]) > 1:
                model.AddAtMostOne(load[key])

    @staticmethod
    def _real_rooms(model: Any, sets: tuple[tuple[str, ...], ...], off: dict[str, set[int]], start: int, length: int,
                    var: Any, load: dict[tuple[str, int], list[Any]]) -> list[list[tuple[str, Any]]]:
        chosen = []
        for group in sets:
            choices = [(real, model.NewBoolVar("")) for real in group
                       if not any(s in off[real] for s in range(start, start + length))]
            model.Add(sum(w for _real, w in choices) == var)
            for real, w in choices:
                for s in range(start, start + length):
                    load[(real, s)].append(w)
            chosen.append(choices)
        return chosen

    @staticmethod
    def of(ctx: ModelContext) -> RoomVars:
        found = ctx.shared.get(SHARED_KEY)
        if found is None:
            found = ctx.shared[SHARED_KEY] = RoomVars(ctx)
        return found


def _needs_words(tt: ExplicitTimetable, ident: int, rooms: tuple[str, ...]) -> tuple[str, str]:
    """An activity's need for a room in the user's words (en, zh)."""
    subject = tt.activity_by_id[ident].subject
    if not rooms:
        return (f"activity {ident} ({subject}) needs a room, but no room is allowed by all its hard room constraints "
                "and seats its students", f"活动 {ident}（{subject}）需要教室，但没有同时满足其全部硬性教室约束且容量足够的教室")
    return (f"activity {ident} ({subject}) is in one of the rooms {', '.join(rooms)}",
            f"活动 {ident}（{subject}）安排在教室 {'、'.join(rooms)} 之一")


def _enforce(constraint: Any, on: Any) -> None:
    if on is not None:
        constraint.OnlyEnforceIf(on)


def _on_activities(ctx: ModelContext, rv: RoomVars, number: int, on: Any) -> None:
    """ActivitiesOccupyMaxDifferentRooms and ActivitiesSameRoomIfConsecutive (``on``: None always, else a literal)."""
    model, rule, hours = ctx.model, rv.tt.room_rules[number], ctx.index.max_periods
    taken = {ident: rv.y[ident] for ident in rule.activities if ident in rv.y}
    if rule.kind == "ActivitiesOccupyMaxDifferentRooms":
        used = []
        for room in sorted({room for by_room in taken.values() for room in by_room}):
            flag = model.NewBoolVar("")
            for by_room in taken.values():
                for _start, var in by_room.get(room, ()):
                    model.AddImplication(var, flag)
            used.append(flag)
        if len(used) > (rule.value or 0):
            _enforce(model.Add(sum(used) <= (rule.value or 0)), on)
        return
    # Same room if consecutive: at each boundary between two hours of a day, a flag per room for "one of the
    # activities ends here in this room" and one for "one starts here in this room"; an end and a start in two
    # different rooms may not meet. Rooms squared clauses per boundary, where pairs of activities times pairs of
    # rooms times pairs of starts took 12.4 million clauses on a 658-activity file (Kurukshetra MED_2019-20-1).
    ends: dict[tuple[int, str], Any] = {}
    starts: dict[tuple[int, str], Any] = {}
    for ident, by_room in taken.items():
        for room, at in by_room.items():
            for start, var in at:
                end = start + rv.duration[ident]
                if end // hours == start // hours and end % hours:
                    model.AddImplication(var, _flag(model, ends, (end, room)))
                if start % hours:
                    model.AddImplication(var, _flag(model, starts, (start, room)))
    starting_at: dict[int, list[tuple[str, Any]]] = defaultdict(list)
    for (boundary, room), starting in starts.items():
        starting_at[boundary].append((room, starting))
    for (boundary, room), ending in ends.items():
        for elsewhere, starting in starting_at.get(boundary, ()):
            if elsewhere != room:
                _enforce(model.AddBoolOr([ending.Not(), starting.Not()]), on)


def _flag(model: Any, flags: dict[tuple[int, str], Any], key: tuple[int, str]) -> Any:
    if key not in flags:
        flags[key] = model.NewBoolVar("")
    return flags[key]


def _owners(tt: ExplicitTimetable, rule: RoomRule) -> list[list[int]]:
    """The FET activities of each teacher, or of each innermost student set, a building rule concerns."""
    if rule.kind.startswith("Teacher"):
        names = [rule.teacher] if rule.teacher else sorted({t for a in tt.activities for t in a.teachers})
        return [[a.id for a in tt.activities if name in a.teachers] for name in names]
    atoms_of = {a.id: tt.atoms_of(a.students) for a in tt.activities}
    atoms = sorted(tt.atoms_of([rule.students])) if rule.students else sorted(set().union(*atoms_of.values()))
    return [[i for i, inside in atoms_of.items() if atom in inside] for atom in atoms]


def _buildings(ctx: ModelContext, rv: RoomVars, rule: RoomRule, on: Any) -> None:
    """Building changes of each teacher or student set: min free hours between two lessons in different
    buildings, or at most ``value`` changes a day / a week (a change: a lesson in another building than the
    last one with a building that day; the last building is a state literal per building and hour)."""
    model, hours, days = ctx.model, ctx.index.max_periods, len(rv.tt.days)
    building = {room.name: room.building for room in rv.tt.rooms if room.building}
    for idents in _owners(rv.tt, rule):
        occupied: dict[tuple[int, str], list[Any]] = defaultdict(list)
        for ident in idents:
            for room, taken in rv.y.get(ident, {}).items():
                for start, var in taken if room in building else ():
                    for s in range(start, start + rv.duration[ident]):
                        occupied[(s, building[room])].append(var)
        names = sorted({b for _s, b in occupied})
        if len(names) < 2:
            continue
        if rule.kind.endswith("MinGapsBetweenBuildingChanges"):
            for (s, b), lits in sorted(occupied.items()):
                for later in range(s + 1, min(s + (rule.value or 0), (s // hours + 1) * hours - 1) + 1):
                    for other in names:
                        if other != b and occupied.get((later, other)):
                            _enforce(model.Add(sum(lits) + sum(occupied[(later, other)]) <= 1), on)
            continue
        week = []
        for d in range(days):
            last: dict[str, Any] | None = None
            changes = []
            for s in range(d * hours, (d + 1) * hours):
                here = {b: occupied.get((s, b), []) for b in names}
                busy = [v for b in names for v in here[b]]
                if last is not None and busy:
                    change = model.NewBoolVar("")
                    for b in names:
                        for was in names:
                            if was != b and here[b]:
                                model.Add(change >= sum(here[b]) + last[was] - 1)
                    changes.append(change)
                if busy or last is not None:
                    state = {}
                    for b in names:
                        state[b] = model.NewBoolVar("")
                        if here[b]:
                            model.Add(state[b] >= sum(here[b]))
                        if last is not None:
                            model.Add(state[b] >= last[b] - sum(busy))
                    last = state
            if rule.kind.endswith("PerDay") and len(changes) > (rule.value or 0):
                _enforce(model.Add(sum(changes) <= (rule.value or 0)), on)
            week += changes
        if rule.kind.endswith("PerWeek") and len(week) > (rule.value or 0):
            _enforce(model.Add(sum(week) <= (rule.value or 0)), on)


#: Room rules on a list of activities (which rooms they may take is said by other rules).
ON_ACTIVITIES = ("ActivitiesOccupyMaxDifferentRooms", "ActivitiesSameRoomIfConsecutive")


def _applies(ctx: ModelContext) -> bool:
    tt = ctx.index.scenario.explicit
    return ctx.index.kind == "fet" and tt is not None and bool(tt.room_rules)


def add_hard(ctx: ModelContext) -> None:
    if not _applies(ctx):
        return
    rv = RoomVars.of(ctx)
    for number, rule in enumerate(rv.tt.room_rules):
        if rule.hard and "Building" in rule.kind:
            _buildings(ctx, rv, rule, ctx.requirement("fet_rooms", f"{rule.kind} row {number + 2}",
                                                      f"{rule.kind} (space_constraints.csv row {number + 2})",
                                                      f"{rule.kind}（space_constraints.csv 第 {number + 2} 行）"))
        if rule.hard and rule.kind in ON_ACTIVITIES:
            _on_activities(ctx, rv, number, ctx.requirement("fet_rooms", f"{rule.kind} row {number + 2}",
                                                            f"{rule.kind} (space_constraints.csv row {number + 2})",
                                                            f"{rule.kind}（space_constraints.csv 第 {number + 2} 行）"))


def add_soft(ctx: ModelContext) -> list[PenaltyTerm]:
    """Weighted room rules: each broken one costs its weight (FET's percentage, rounded)."""
    if not _applies(ctx):
        return []
    rv = RoomVars.of(ctx)
    model, ix = ctx.model, ctx.index
    terms = []
    for number, rule in enumerate(rv.tt.room_rules, start=1):
        weight = int(round(rule.weight))
        if rule.hard or weight <= 0:
            continue
        violated = model.NewBoolVar("")
        if "Building" in rule.kind:
            _buildings(ctx, rv, rule, violated.Not())
        elif rule.kind in ON_ACTIVITIES:
            _on_activities(ctx, rv, number - 1, violated.Not())
        elif rule.preferred:
            for ident in rule.activities:
                taken = rv.y.get(ident, {})
                model.Add(sum(var for r in rule.rooms for _s, var in taken.get(r, ())) + violated >= 1)
        else:
            room, slots = rule.rooms[0], {ix.slot(d, h + 1) for d, h in rule.slots}
            for ident, taken in rv.y.items():
                for start, var in taken.get(room, ()):
                    if any(s in slots for s in range(start, start + rv.duration[ident])):
                        model.AddImplication(var, violated)
        terms.append(PenaltyTerm("fet_rooms", f"fet_rooms({rule.kind} row {number + 1})", violated, weight))
    return terms


def room_of(ctx: ModelContext, ident: int, value: Any) -> tuple[str | None, tuple[str, ...]]:
    """The room FET activity ``ident`` takes in a solution (``value`` reads a variable), or None, and for a
    virtual room the real rooms it takes (one of each set)."""
    rv = ctx.shared.get(SHARED_KEY)
    if rv is None:
        return None, ()
    for room, taken in rv.y.get(ident, {}).items():
        for start, var in taken:
            if value(var):
                sets = rv.real.get((ident, room, start), [])
                return room, tuple(next((real for real, w in choices if value(w)), "") for choices in sets)
    return None, ()
