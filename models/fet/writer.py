"""Write a FET file (XML that ``fet-cl`` reads) from explicit activities or from a whole tongbu scenario.

An imported scenario is written back from its explicit activities and rules. A curriculum-driven
scenario (a consortium included) becomes explicit first: one year per class, one activity per
weekly lesson (double periods as duration 2, a class-subject's lessons as one split activity with
min 1 day between them at 95%), a synchronized lesson as one activity of its teaching and receiving
classes (so FET places them at the same hour), each school a building, and the hours a school's
bell schedule lacks as not-available times of its classes. Clock times are not carried over: FET
hours have names only.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Callable

from models.explicit import ExplicitActivity, ExplicitTimetable, RoomRule, StudentSet, TimeRule
from models.scenario import Scenario

FET_VERSION = "6.8.5"
#: Weight of the min-days rule between the lessons of a class-subject (soft, as FET's own examples use).
SPREAD_WEIGHT = 95.0


def _add(parent: ET.Element, tag: str, text: object | None = None) -> ET.Element:
    child = ET.SubElement(parent, tag)
    if text is not None:
        child.text = str(text)
    return child


def _weight(weight: float) -> str:
    return f"{weight:g}"


def _slots(node: ET.Element, tt: ExplicitTimetable, slots: tuple[tuple[int, int], ...], count_tag: str, item: str,
           day_tag: str, hour_tag: str) -> None:
    _add(node, count_tag, len(slots))
    for day, hour in slots:
        entry = _add(node, item)
        _add(entry, day_tag, tt.days[day])
        _add(entry, hour_tag, tt.hours[hour])


def _tag_pair_node(start: Callable[[str], ET.Element], rule: TimeRule) -> ET.Element:
    """Min gaps between an ordered pair of tags, in FET's form: Teacher…/StudentsSet… name the one in ``Teacher``/
    ``Students`` (not ``Teacher_Name`` as other teacher kinds), Teachers…/Students… mean every one."""
    teacher = rule.kind.startswith("Teacher")
    named = rule.teacher if teacher else rule.students
    who = ("Teacher" if named else "Teachers") if teacher else ("StudentsSet" if named else "Students")
    node = start(who + "MinGapsBetweenOrderedPairOfActivityTags")
    if named:
        _add(node, "Teacher" if teacher else "Students", named)
    _add(node, "First_Activity_Tag", rule.tag)
    _add(node, "Second_Activity_Tag", rule.second_tag)
    _add(node, "MinGaps", rule.value or 0)
    return node


def _rule_nodes(tt: ExplicitTimetable, rule: TimeRule) -> list[ET.Element]:
    """The FET constraint(s) of one rule (a preferred-times rule becomes one per activity)."""
    kind = rule.kind
    every_teacher, every_set = not rule.teacher, not rule.students

    def start(tag: str) -> ET.Element:
        node = ET.Element("Constraint" + tag)
        _add(node, "Weight_Percentage", _weight(rule.weight))
        return node

    teacher = kind.startswith("Teacher")

    def person() -> ET.Element:
        """A Teacher…/Students… constraint's node: for everyone (Teachers…, Students…) or for the one named."""
        every = every_teacher if teacher else every_set
        rest = kind.removeprefix("Teacher") if teacher else kind.removeprefix("Students")
        node = start(("Teachers" if every else "Teacher") + rest if teacher else
                     ("Students" if every else "StudentsSet") + rest)
        if not every:
            _add(node, "Teacher_Name" if teacher else "Students", rule.teacher if teacher else rule.students)
        return node

    nodes: list[ET.Element] = []
    if kind == "BreakTimes":
        node = start(kind)
        _slots(node, tt, rule.slots, "Number_of_Break_Times", "Break_Time", "Day", "Hour")
        nodes.append(node)
    elif kind == "TeacherNotAvailableTimes":
        node = start(kind)
        _add(node, "Teacher", rule.teacher)
        _slots(node, tt, rule.slots, "Number_of_Not_Available_Times", "Not_Available_Time", "Day", "Hour")
        nodes.append(node)
    elif kind == "StudentsSetNotAvailableTimes":
        node = start(kind)
        _add(node, "Students", rule.students)
        _slots(node, tt, rule.slots, "Number_of_Not_Available_Times", "Not_Available_Time", "Day", "Hour")
        nodes.append(node)
    elif kind in ("PreferredStartingTimes", "PreferredTimeSlots"):
        for ident in rule.activities:
            if kind == "PreferredStartingTimes":
                node = start("ActivityPreferredStartingTimes")
                _add(node, "Activity_Id", ident)
                _slots(node, tt, rule.slots, "Number_of_Preferred_Starting_Times", "Preferred_Starting_Time",
                       "Preferred_Starting_Day", "Preferred_Starting_Hour")
            else:
                node = start("ActivityPreferredTimeSlots")
                _add(node, "Activity_Id", ident)
                _slots(node, tt, rule.slots, "Number_of_Preferred_Time_Slots", "Preferred_Time_Slot", "Preferred_Day",
                       "Preferred_Hour")
            nodes.append(node)
    elif kind in ("MinDaysBetweenActivities", "ActivitiesSameStartingTime", "ActivitiesNotOverlapping",
                  "ActivitiesSameStartingDay", "MinGapsBetweenActivities", "ActivitiesSameStartingHour",
                  "MaxDaysBetweenActivities", "ActivitiesOccupyMaxTimeSlotsFromSelection",
                  "ActivitiesMaxSimultaneousInSelectedTimeSlots"):
        if len(rule.activities) >= 2:
            node = start(kind)
            if kind == "MinDaysBetweenActivities":
                _add(node, "Consecutive_If_Same_Day", "true" if rule.flag else "false")
            _add(node, "Number_of_Activities", len(rule.activities))
            for ident in rule.activities:
                _add(node, "Activity_Id", ident)
            if kind == "MinDaysBetweenActivities":
                _add(node, "MinDays", rule.value or 0)
            if kind == "MinGapsBetweenActivities":
                _add(node, "MinGaps", rule.value or 0)
            if kind == "MaxDaysBetweenActivities":
                _add(node, "MaxDays", rule.value or 0)
            if kind == "ActivitiesOccupyMaxTimeSlotsFromSelection":
                _slots(node, tt, rule.slots, "Number_of_Selected_Time_Slots", "Selected_Time_Slot", "Selected_Day",
                       "Selected_Hour")
                _add(node, "Max_Number_of_Occupied_Time_Slots", rule.value or 0)
            if kind == "ActivitiesMaxSimultaneousInSelectedTimeSlots":
                _slots(node, tt, rule.slots, "Number_of_Selected_Time_Slots", "Selected_Time_Slot", "Selected_Day",
                       "Selected_Hour")
                _add(node, "Max_Number_of_Simultaneous_Activities", rule.value or 0)
            nodes.append(node)
    elif kind == "ThreeActivitiesGrouped":
        node = start(kind)
        for tag, ident in zip(("First_Activity_Id", "Second_Activity_Id", "Third_Activity_Id"), rule.activities):
            _add(node, tag, ident)
        nodes.append(node)
    elif kind.endswith("MaxSpanPerDay"):
        node = person()
        _add(node, "Max_Span", rule.value or 0)
        _add(node, "Allow_One_Day_Exception_of_Plus_One", "true" if rule.flag else "false")
        nodes.append(node)
    elif kind.endswith("MinRestingHours"):
        node = person()
        _add(node, "Minimum_Resting_Hours", rule.value or 0)
        _add(node, "Circular", "true" if rule.flag else "false")
        nodes.append(node)
    elif kind.endswith("MinGapsBetweenOrderedPairOfActivityTags"):
        nodes.append(_tag_pair_node(start, rule))
    elif "ActivityTag" in kind:
        node = person()
        _add(node, "Activity_Tag_Name" if teacher else "Activity_Tag", rule.tag)
        _add(node, "Maximum_Hours_Daily" if kind.endswith("Daily") else "Maximum_Hours_Continuously", rule.value or 0)
        nodes.append(node)
    elif kind == "EndsStudentsDay":
        for ident in rule.activities:
            node = start("ActivityEndsStudentsDay")
            _add(node, "Activity_Id", ident)
            nodes.append(node)
    elif kind.endswith("IntervalMaxDaysPerWeek"):
        node = person()
        hours = sorted({h for _d, h in rule.slots})
        _add(node, "Interval_Start_Hour", tt.hours[hours[0]] if hours else tt.hours[0])
        _add(node, "Interval_End_Hour", tt.hours[hours[-1] + 1] if hours and hours[-1] + 1 < len(tt.hours) else "")
        _add(node, "Max_Days_Per_Week", rule.value or 0)
        nodes.append(node)
    elif kind in ("TwoActivitiesConsecutive", "TwoActivitiesGrouped", "TwoActivitiesOrdered",
                  "TwoActivitiesOrderedIfSameDay"):
        node = start(kind)
        _add(node, "First_Activity_Id", rule.activities[0])
        _add(node, "Second_Activity_Id", rule.activities[1])
        nodes.append(node)
    elif kind.startswith("Teacher"):
        tag, value_tag = {
            "TeacherMaxDaysPerWeek": ("MaxDaysPerWeek", "Max_Days_Per_Week"),
            "TeacherMaxHoursDaily": ("MaxHoursDaily", "Maximum_Hours_Daily"),
            "TeacherMinHoursDaily": ("MinHoursDaily", "Minimum_Hours_Daily"),
            "TeacherMaxGapsPerWeek": ("MaxGapsPerWeek", "Max_Gaps"),
            "TeacherMaxGapsPerDay": ("MaxGapsPerDay", "Max_Gaps"),
            "TeacherMaxHoursContinuously": ("MaxHoursContinuously", "Maximum_Hours_Continuously"),
            "TeacherMinDaysPerWeek": ("MinDaysPerWeek", "Minimum_Days_Per_Week"),
        }[kind]
        node = start(("Teachers" if every_teacher else "Teacher") + tag)
        if not every_teacher:
            _add(node, "Teacher_Name", rule.teacher)
        _add(node, value_tag, rule.value or 0)
        if kind == "TeacherMinHoursDaily":
            _add(node, "Allow_Empty_Days", "true" if rule.flag else "false")
        nodes.append(node)
    elif kind.startswith("Students"):
        tag, value_tag = {
            "StudentsMinHoursDaily": ("MinHoursDaily", "Minimum_Hours_Daily"),
            "StudentsMaxHoursDaily": ("MaxHoursDaily", "Maximum_Hours_Daily"),
            "StudentsMaxGapsPerWeek": ("MaxGapsPerWeek", "Max_Gaps"),
            "StudentsMaxGapsPerDay": ("MaxGapsPerDay", "Max_Gaps"),
            "StudentsEarlyMaxBeginningsAtSecondHour": ("EarlyMaxBeginningsAtSecondHour", "Max_Beginnings_At_Second_Hour"),
            "StudentsMaxHoursContinuously": ("MaxHoursContinuously", "Maximum_Hours_Continuously"),
        }[kind]
        node = start(("Students" if every_set else "StudentsSet") + tag)
        _add(node, value_tag, rule.value or 0)
        if not every_set:
            _add(node, "Students", rule.students)
        if kind == "StudentsMinHoursDaily":
            _add(node, "Allow_Empty_Days", "true" if rule.flag else "false")
        nodes.append(node)
    else:
        raise ValueError(f"no FET form for rule kind {kind}")
    for node in nodes:
        _add(node, "Active", "true")
        _add(node, "Comments", "")
    return nodes


#: Filter tags of each room kind, in FET's order (RoomNotAvailableTimes and the Activity… kinds apart).
_ROOM_FILTERS = {"Subject": ("Subject",), "SubjectActivityTag": ("Subject", "Activity_Tag"), "ActivityTag": ("Activity_Tag",),
                 "StudentsSetHome": ("Students",), "TeacherHome": ("Teacher",)}


def _room_rule_nodes(tt: ExplicitTimetable, rule: RoomRule) -> list[ET.Element]:
    """The FET space constraint(s) of one room rule (an Activity… kind becomes one per activity)."""
    def start(tag: str) -> ET.Element:
        node = ET.Element("Constraint" + tag)
        _add(node, "Weight_Percentage", _weight(rule.weight))
        return node

    def rooms(node: ET.Element) -> None:
        if rule.kind.endswith("Room"):
            _add(node, "Room", rule.rooms[0])
        else:
            _add(node, "Number_of_Preferred_Rooms", len(rule.rooms))
            for room in rule.rooms:
                _add(node, "Preferred_Room", room)

    nodes: list[ET.Element] = []
    if "Building" in rule.kind:
        teacher = rule.kind.startswith("Teacher")
        named = rule.teacher if teacher else rule.students
        what = rule.kind.removeprefix("Teacher").removeprefix("Students")
        node = start(("Teacher" if named else "Teachers") + what if teacher else ("StudentsSet" if named else "Students") + what)
        if named:
            _add(node, "Teacher" if teacher else "Students", named)
        _add(node, {"MaxBuildingChangesPerDay": "Max_Building_Changes_Per_Day",
                    "MaxBuildingChangesPerWeek": "Max_Building_Changes_Per_Week",
                    "MinGapsBetweenBuildingChanges": "Min_Gaps_Between_Building_Changes"}[what], rule.value or 0)
        nodes.append(node)
    elif rule.kind in ("ActivitiesOccupyMaxDifferentRooms", "ActivitiesSameRoomIfConsecutive"):
        node = start(rule.kind)
        _add(node, "Number_of_Activities", len(rule.activities))
        for ident in rule.activities:
            _add(node, "Activity_Id", ident)
        if rule.kind == "ActivitiesOccupyMaxDifferentRooms":
            _add(node, "Max_Number_of_Different_Rooms", rule.value or 0)
        nodes.append(node)
    elif rule.kind == "RoomNotAvailableTimes":
        node = start(rule.kind)
        _add(node, "Room", rule.rooms[0])
        _slots(node, tt, rule.slots, "Number_of_Not_Available_Times", "Not_Available_Time", "Day", "Hour")
        nodes.append(node)
    elif rule.kind.startswith("ActivityPreferredRoom"):
        for ident in rule.activities:
            node = start(rule.kind)
            _add(node, "Activity_Id", ident)
            rooms(node)
            if rule.kind == "ActivityPreferredRoom":
                _add(node, "Permanently_Locked", "false")
            nodes.append(node)
    else:
        prefix = rule.kind.removesuffix("Rooms").removesuffix("Room").removesuffix("Preferred")
        values = {"Subject": rule.subject, "Activity_Tag": rule.tag, "Students": rule.students, "Teacher": rule.teacher}
        node = start(rule.kind)
        for tag in _ROOM_FILTERS[prefix]:
            _add(node, tag, values[tag])
        rooms(node)
        nodes.append(node)
    for node in nodes:
        _add(node, "Active", "true")
        _add(node, "Comments", "")
    return nodes


def _rooms(root: ET.Element, tt: ExplicitTimetable, buildings: tuple[str, ...]) -> None:
    building_list = _add(root, "Buildings_List")
    for name in buildings or tt.buildings:
        b = _add(building_list, "Building")
        _add(b, "Name", name)
        _add(b, "Comments", "")
    room_list = _add(root, "Rooms_List")
    for room in tt.rooms:
        r = _add(room_list, "Room")
        _add(r, "Name", room.name)
        _add(r, "Building", room.building)
        _add(r, "Capacity", room.capacity)
        _add(r, "Virtual", "true" if room.sets else "false")
        if room.sets:
            _add(r, "Number_of_Sets_of_Real_Rooms", len(room.sets))
            for group in room.sets:
                g = _add(r, "Set_of_Real_Rooms")
                _add(g, "Number_of_Real_Rooms", len(group))
                for real in group:
                    _add(g, "Real_Room", real)
        _add(r, "Comments", "")


def _students(root: ET.Element, tt: ExplicitTimetable) -> None:
    box = _add(root, "Students_List")
    inside: dict[str, list[StudentSet]] = defaultdict(list)
    for s in tt.student_sets:
        for parent in s.within:
            inside[parent].append(s)
    for year in (s for s in tt.student_sets if not s.within):
        y = _add(box, "Year")
        _add(y, "Name", year.id)
        _add(y, "Number_of_Students", year.size)
        _add(y, "Comments", "")
        for group in inside.get(year.id, []):
            g = _add(y, "Group")
            _add(g, "Name", group.id)
            _add(g, "Number_of_Students", group.size)
            _add(g, "Comments", "")
            for sub in inside.get(group.id, []):
                u = _add(g, "Subgroup")
                _add(u, "Name", sub.id)
                _add(u, "Number_of_Students", sub.size)
                _add(u, "Comments", "")


def fet_xml(tt: ExplicitTimetable, institution: str, buildings: tuple[str, ...] = ()) -> bytes:
    """The FET file of explicit activities, as UTF-8 bytes (same input, same bytes)."""
    root = ET.Element("fet", version=FET_VERSION)
    _add(root, "Institution_Name", institution)
    _add(root, "Comments", "written by tongbu export-fet")
    days = _add(root, "Days_List")
    _add(days, "Number_of_Days", len(tt.days))
    for name in tt.days:
        _add(_add(days, "Day"), "Name", name)
    hours = _add(root, "Hours_List")
    _add(hours, "Number_of_Hours", len(tt.hours))
    for name in tt.hours:
        _add(_add(hours, "Hour"), "Name", name)
    subjects = _add(root, "Subjects_List")
    for name in sorted({a.subject for a in tt.activities} | {r.subject for r in tt.room_rules if r.subject}):
        s = _add(subjects, "Subject")
        _add(s, "Name", name)
        _add(s, "Comments", "")
    tags = _add(root, "Activity_Tags_List")
    for name in sorted({t for a in tt.activities for t in a.tags} | {r.tag for r in tt.room_rules if r.tag}
                       | {r.tag for r in tt.rules if r.tag} | {r.second_tag for r in tt.rules if r.second_tag}):
        t = _add(tags, "Activity_Tag")
        _add(t, "Name", name)
        _add(t, "Printable", "true")
        _add(t, "Comments", "")
    teachers = _add(root, "Teachers_List")
    for name in sorted(set(tt.teachers) | {t for a in tt.activities for t in a.teachers}
                       | {r.teacher for r in tt.room_rules if r.teacher}):
        t = _add(teachers, "Teacher")
        _add(t, "Name", name)
        _add(t, "Target_Number_of_Hours", 0)
        _add(t, "Qualified_Subjects")
        _add(t, "Comments", "")
    _students(root, tt)
    totals: dict[int, int] = defaultdict(int)
    for a in tt.activities:
        if a.group:
            totals[a.group] += a.duration
    activities = _add(root, "Activities_List")
    for a in tt.activities:
        node = _add(activities, "Activity")
        for t in a.teachers:
            _add(node, "Teacher", t)
        _add(node, "Subject", a.subject)
        for tag in a.tags:
            _add(node, "Activity_Tag", tag)
        for s in a.students:
            _add(node, "Students", s)
        _add(node, "Duration", a.duration)
        _add(node, "Total_Duration", totals.get(a.group, a.duration) if a.group else a.duration)
        _add(node, "Id", a.id)
        _add(node, "Activity_Group_Id", a.group)
        _add(node, "Active", "true")
        _add(node, "Comments", "")
    _rooms(root, tt, buildings)
    time_list = _add(root, "Time_Constraints_List")
    basic = _add(time_list, "ConstraintBasicCompulsoryTime")
    _add(basic, "Weight_Percentage", 100)
    _add(basic, "Active", "true")
    _add(basic, "Comments", "")
    for rule in tt.rules:
        for node in _rule_nodes(tt, rule):
            time_list.append(node)
    space = _add(root, "Space_Constraints_List")
    basic = _add(space, "ConstraintBasicCompulsorySpace")
    _add(basic, "Weight_Percentage", 100)
    _add(basic, "Active", "true")
    _add(basic, "Comments", "")
    for room_rule in tt.room_rules:
        for node in _room_rule_nodes(tt, room_rule):
            space.append(node)
    ET.indent(root, space="\t")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False) + b"\n"


def explicit_from_scenario(scenario: Scenario, teacher_of: dict[tuple[str, str], str],
                           local_periods: dict[tuple[str, str], int], sync_teacher: dict[str, str]) -> ExplicitTimetable:
    """Explicit activities of a curriculum-driven scenario, given its completed teaching assignment.

    The assignment comes from ``models.assignment.complete_assignment`` (passed in as plain mappings:
    the domain model does not reach into the solver side).
    """
    if scenario.explicit is not None:
        return scenario.explicit
    schedules = [scenario.bells_by_id[s.bell_schedule] for s in scenario.schools if s.bell_schedule in scenario.bells_by_id]
    all_days = sorted({d for b in schedules for d in b.days}, key=lambda d: d.index)
    hours = max((b.periods_per_day for b in schedules), default=1)
    day_pos = {d: i for i, d in enumerate(all_days)}
    rules: list[TimeRule] = []
    for klass in scenario.classes:
        bells = scenario.bells_of(klass.school)
        closed = tuple((i, h) for i, d in enumerate(all_days) for h in range(hours)
                       if d not in bells.days or h >= bells.periods_per_day)
        if closed:
            rules.append(TimeRule(kind="StudentsSetNotAvailableTimes", students=klass.id, slots=closed))
    for teacher in scenario.teachers:
        slots = sorted({(day_pos[r.day], h) for r in teacher.unavailable if r.day in day_pos for h in range(hours)
                        if r.covers(r.day, h + 1)})
        if slots:
            rules.append(TimeRule(kind="TeacherNotAvailableTimes", teacher=teacher.id, slots=tuple(slots)))
        if teacher.max_daily:
            rules.append(TimeRule(kind="TeacherMaxHoursDaily", teacher=teacher.id, value=teacher.max_daily))
    activities: list[ExplicitActivity] = []
    taught_by_sync: dict[tuple[str, str], int] = defaultdict(int)
    for sync in scenario.sync_lessons:
        taught_by_sync[(sync.teaching_class, sync.subject)] += sync.per_week
    next_id = 1
    for klass in scenario.classes:
        for entry in scenario.class_curriculum(klass.id):
            key = (klass.id, entry.subject)
            count = max(0, local_periods.get(key, entry.periods) - taught_by_sync.get(key, 0))
            doubles = min(entry.doubles, count // 2)
            lengths = [2] * doubles + [1] * (count - 2 * doubles)
            teacher = teacher_of.get(key)
            group = next_id if len(lengths) > 1 else 0
            ids = []
            for length in lengths:
                activities.append(ExplicitActivity(id=next_id, subject=entry.subject, teachers=(teacher,) if teacher else (),
                                                   students=(klass.id,), duration=length, group=group))
                ids.append(next_id)
                next_id += 1
            if 1 < len(ids) <= len(all_days):
                rules.append(TimeRule(kind="MinDaysBetweenActivities", weight=SPREAD_WEIGHT, activities=tuple(ids), value=1,
                                      flag=True))
    for sync in scenario.sync_lessons:
        teacher = sync_teacher.get(sync.id)
        for _ in range(sync.per_week):
            activities.append(ExplicitActivity(id=next_id, subject=sync.subject, teachers=(teacher,) if teacher else (),
                                               students=(sync.teaching_class, *sync.receiving_classes), tags=("sync",)))
            next_id += 1
    return ExplicitTimetable(
        days=tuple(d.value.capitalize() for d in all_days), hours=tuple(str(h + 1) for h in range(hours)),
        teachers=tuple(t.id for t in scenario.teachers),
        student_sets=tuple(StudentSet(id=c.id, kind="year", size=c.size) for c in scenario.classes),
        activities=tuple(activities), rules=tuple(rules))


def write_fet(scenario: Scenario, teacher_of: dict[tuple[str, str], str] | None = None,
              local_periods: dict[tuple[str, str], int] | None = None,
              sync_teacher: dict[str, str] | None = None) -> bytes:
    """A FET file of a scenario: its explicit activities, or its curriculum made explicit."""
    tt = explicit_from_scenario(scenario, teacher_of or {}, local_periods or {}, sync_teacher or {})
    buildings = tuple(s.name for s in scenario.schools) if scenario.explicit is None else ()
    return fet_xml(tt, scenario.district, buildings)
