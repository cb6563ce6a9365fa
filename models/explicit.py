"""Explicit activities: timetabling data given lesson by lesson, as FET and similar tools hold it.

A tongbu scenario normally derives its lessons from the curriculum plan and teaching assignments.
Data imported from FET instead lists every activity: a subject, any number of teachers (possibly
none), any number of student sets that may overlap (a year contains its groups, a group its
subgroups), a duration, time constraints with weights (100 = hard, lower = soft with that
weight), and rooms with room constraints (:class:`RoomRule`). A FET day is a label, not a weekday:
a file may have any number of days. Slots are (day, hour) pairs counted from 0, days and hours named as in the source.
"""

from __future__ import annotations

from functools import cached_property

from pydantic import ConfigDict, Field

from models.base import Frozen

#: Days a week that map onto weekdays (clock times, workbooks, calendar feeds); a file with more is published
#: as a grid of labelled days (solution.json, lessons.csv).
WEEK_DAYS = 7
#: Student set kinds, outermost first.
STUDENT_KINDS = ("year", "group", "subgroup")


class StudentSet(Frozen):
    """A year, group or subgroup. ``within`` names the sets that directly contain it."""

    id: str
    kind: str = Field(description="year, group or subgroup")
    within: tuple[str, ...] = ()
    size: int = 0


class ExplicitActivity(Frozen):
    """One activity (one weekly lesson of ``duration`` consecutive hours).

    ``group`` is the FET activity group id of a split activity (0 when it stands alone).
    """

    id: int
    subject: str
    teachers: tuple[str, ...] = ()
    students: tuple[str, ...] = ()
    duration: int = Field(default=1, ge=1)
    group: int = 0
    tags: tuple[str, ...] = ()


class TimeRule(Frozen):
    """One imported time constraint, in a normal form shared by the solver and the checks.

    ``kind`` is the FET constraint name without its ``Constraint`` prefix. Filters of the source
    (by teacher, students, subject, tag, duration) are resolved into ``activities`` when imported;
    ``teacher``/``students`` empty on a Teachers…/Students… kind means every teacher/every set.
    ``value`` is the number the kind takes (min days, max gaps, max hours …); ``flag`` is
    consecutive-if-same-day for MinDaysBetweenActivities and allow-empty-days for MinHoursDaily.

    The ordered-pair kinds (Teacher…/StudentsMinGapsBetweenOrderedPairOfActivityTags) hold two tags: the
    first tag's activities in ``activities`` and ``tag``, the second tag's in ``second`` and ``second_tag``,
    the min gaps (hours) in ``value``.
    """

    kind: str
    weight: float = Field(default=100.0, ge=0, le=100)
    activities: tuple[int, ...] = ()
    teacher: str = ""
    students: str = ""
    slots: tuple[tuple[int, int], ...] = ()
    value: int | None = None
    flag: bool = False
    #: The activity tag of an …ActivityTag… kind (its activities resolved into ``activities`` when imported).
    tag: str = ""
    #: The second tag's activities of an ordered-pair kind (empty for every other kind).
    second: tuple[int, ...] = ()
    #: The second activity tag of an ordered-pair kind.
    second_tag: str = ""

    @property
    def hard(self) -> bool:
        return self.weight >= 100.0


class FetRoom(Frozen):
    """A room of an imported file: it holds one activity at a time, of at most ``capacity`` students.

    A FET *virtual* room has ``sets`` of real rooms: an activity in it also takes one real room of each set.
    """

    name: str
    building: str = ""
    capacity: int = Field(default=30000, ge=0)
    sets: tuple[tuple[str, ...], ...] = ()


class RoomRule(Frozen):
    """One imported room (space) constraint, in a normal form shared by the solver and the checks.

    ``kind`` is the FET constraint name without its ``Constraint`` prefix: a preferred-room kind
    (Activity…, Subject…, ActivityTag…, SubjectActivityTag…PreferredRoom(s)), a home-room kind
    (StudentsSet…/Teacher…HomeRoom(s)) or RoomNotAvailableTimes. The source's filter is kept to write
    the file back (``subject``, ``tag``, ``teacher``, ``students``) and resolved into ``activities``
    when imported; ``rooms`` are the rooms allowed (the one room, for RoomNotAvailableTimes), and
    ``slots`` the hours a room is not available. ActivitiesOccupyMaxDifferentRooms (at most ``value`` rooms
    among its activities) and ActivitiesSameRoomIfConsecutive (two of its activities back to back on a day
    are in one room) name activities only. The building kinds (Teacher…/Students…MaxBuildingChangesPerDay,
    …PerWeek, …MinGapsBetweenBuildingChanges) name a ``teacher`` or ``students`` (empty: every one) and a
    ``value``; a lesson's building is its room's (a room with no building, or no room, counts for none).

    What an activity needs (FET's BasicCompulsorySpace, read from FET's generator): an activity with
    a hard preferred-room rule must be in a room every such rule allows; one with only weighted
    preferred-room rules may be in any room they name or in none, each rule it misses costing its
    weight; home rooms count only for activities with no preferred-room rule at all (the import leaves
    them out of a home rule's ``activities``) and work the same way. An activity no rule names needs no room.
    """

    kind: str
    weight: float = Field(default=100.0, ge=0, le=100)
    activities: tuple[int, ...] = ()
    rooms: tuple[str, ...] = ()
    subject: str = ""
    tag: str = ""
    teacher: str = ""
    students: str = ""
    slots: tuple[tuple[int, int], ...] = ()
    #: The most rooms of ActivitiesOccupyMaxDifferentRooms.
    value: int | None = None

    @property
    def hard(self) -> bool:
        return self.weight >= 100.0

    @property
    def preferred(self) -> bool:
        """A preferred- or home-room rule (the others say nothing of which rooms an activity may take)."""
        return self.kind.endswith(("PreferredRoom", "PreferredRooms", "HomeRoom", "HomeRooms"))


class LeftOut(Frozen):
    """A kind of constraint the import did not take in, and how many of them there were."""

    kind: str
    count: int


class ExplicitTimetable(Frozen):
    """Everything an imported timetable problem holds beyond the scenario's own tables."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, ignored_types=(cached_property,))

    days: tuple[str, ...]
    hours: tuple[str, ...]
    teachers: tuple[str, ...] = ()
    student_sets: tuple[StudentSet, ...] = ()
    activities: tuple[ExplicitActivity, ...] = ()
    rules: tuple[TimeRule, ...] = ()
    buildings: tuple[str, ...] = ()
    rooms: tuple[FetRoom, ...] = ()
    room_rules: tuple[RoomRule, ...] = ()
    left_out: tuple[LeftOut, ...] = Field(default=(), description="constraint kinds not imported, with counts")

    @property
    def on_weekdays(self) -> bool:
        """The days fit a week of weekdays (at most 7): the published timetable can have workbooks and feeds."""
        return len(self.days) <= WEEK_DAYS

    @property
    def partial(self) -> bool:
        return bool(self.left_out)

    @cached_property
    def activity_by_id(self) -> dict[int, ExplicitActivity]:
        return {a.id: a for a in self.activities}

    @cached_property
    def atoms(self) -> dict[str, frozenset[str]]:
        """Each student set -> the innermost sets (subgroups, or groups/years with none inside) it covers.

        Two sets clash exactly when their atoms meet: a year clashes with its groups and subgroups,
        and two groups that share a subgroup (FET's overlapping divisions) clash too.
        """
        inside: dict[str, set[str]] = {s.id: set() for s in self.student_sets}
        for s in self.student_sets:
            for parent in s.within:
                inside.setdefault(parent, set()).add(s.id)
        memo: dict[str, frozenset[str]] = {}

        def atoms_of(name: str, path: frozenset[str]) -> frozenset[str]:
            if name in memo:
                return memo[name]
            children = inside.get(name, set()) - path
            found = frozenset({name}) if not children else frozenset().union(
                *(atoms_of(c, path | {name}) for c in sorted(children)))
            memo[name] = found
            return found

        return {name: atoms_of(name, frozenset()) for name in inside}

    def atoms_of(self, sets: tuple[str, ...] | list[str]) -> frozenset[str]:
        table = self.atoms
        return frozenset().union(*(table.get(s, frozenset({s})) for s in sets)) if sets else frozenset()
