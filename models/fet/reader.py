"""Read a FET file (``.fet``, XML, optionally gzipped) into a tongbu scenario with explicit activities.

What is taken in: days (any number: a FET day is a label), hours, teachers, subjects, the students
tree (years, groups, subgroups), active activities (split activities keep their group id and their
activity tags), the time constraints in ``IMPORTED_KINDS``, buildings, real rooms with their capacity
and the space constraints in ``ROOM_KINDS`` (BasicCompulsorySpace is implied). Every other active
constraint is counted by kind in ``left_out`` (space kinds as ``space:<kind>``) and in the scenario's
``not_imported``; nothing is dropped silently. A virtual room keeps its sets of real rooms.
"""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import date, time
from pathlib import Path

from models.bells import BellPeriod, BellSchedule
from models.calendar import TermCalendar
from models.curriculum import Subject
from models.enums import SchoolRole, SchoolTier, Stage, Weekday
from models.explicit import WEEK_DAYS, ExplicitActivity, ExplicitTimetable, FetRoom, LeftOut, RoomRule, StudentSet, TimeRule
from models.scenario import Scenario
from models.school import Consortium, School

SCHOOL_ID = "school"
CONSORTIUM_ID = "fet"
BELLS_ID = "fet"

# FET kind -> (normal kind, how to read it). Teachers…/Students… forms read into the same normal
# kind with no teacher/students named (meaning every one).
_TEACHER_VALUE = {
    "TeacherMaxDaysPerWeek": ("TeacherMaxDaysPerWeek", "Max_Days_Per_Week"),
    "TeachersMaxDaysPerWeek": ("TeacherMaxDaysPerWeek", "Max_Days_Per_Week"),
    "TeacherMaxHoursDaily": ("TeacherMaxHoursDaily", "Maximum_Hours_Daily"),
    "TeachersMaxHoursDaily": ("TeacherMaxHoursDaily", "Maximum_Hours_Daily"),
    "TeacherMinHoursDaily": ("TeacherMinHoursDaily", "Minimum_Hours_Daily"),
    "TeachersMinHoursDaily": ("TeacherMinHoursDaily", "Minimum_Hours_Daily"),
    "TeacherMaxGapsPerWeek": ("TeacherMaxGapsPerWeek", "Max_Gaps"),
    "TeachersMaxGapsPerWeek": ("TeacherMaxGapsPerWeek", "Max_Gaps"),
    "TeacherMaxGapsPerDay": ("TeacherMaxGapsPerDay", "Max_Gaps"),
    "TeachersMaxGapsPerDay": ("TeacherMaxGapsPerDay", "Max_Gaps"),
    "TeacherMaxHoursContinuously": ("TeacherMaxHoursContinuously", "Maximum_Hours_Continuously"),
    "TeachersMaxHoursContinuously": ("TeacherMaxHoursContinuously", "Maximum_Hours_Continuously"),
    "TeacherMinDaysPerWeek": ("TeacherMinDaysPerWeek", "Minimum_Days_Per_Week"),
    "TeachersMinDaysPerWeek": ("TeacherMinDaysPerWeek", "Minimum_Days_Per_Week"),
}
_STUDENTS_VALUE = {
    "StudentsSetMinHoursDaily": ("StudentsMinHoursDaily", "Minimum_Hours_Daily"),
    "StudentsMinHoursDaily": ("StudentsMinHoursDaily", "Minimum_Hours_Daily"),
    "StudentsSetMaxHoursDaily": ("StudentsMaxHoursDaily", "Maximum_Hours_Daily"),
    "StudentsMaxHoursDaily": ("StudentsMaxHoursDaily", "Maximum_Hours_Daily"),
    "StudentsSetMaxGapsPerWeek": ("StudentsMaxGapsPerWeek", "Max_Gaps"),
    "StudentsMaxGapsPerWeek": ("StudentsMaxGapsPerWeek", "Max_Gaps"),
    "StudentsSetMaxGapsPerDay": ("StudentsMaxGapsPerDay", "Max_Gaps"),
    "StudentsMaxGapsPerDay": ("StudentsMaxGapsPerDay", "Max_Gaps"),
    "StudentsSetEarlyMaxBeginningsAtSecondHour": ("StudentsEarlyMaxBeginningsAtSecondHour", "Max_Beginnings_At_Second_Hour"),
    "StudentsEarlyMaxBeginningsAtSecondHour": ("StudentsEarlyMaxBeginningsAtSecondHour", "Max_Beginnings_At_Second_Hour"),
    "StudentsSetMaxHoursContinuously": ("StudentsMaxHoursContinuously", "Maximum_Hours_Continuously"),
    "StudentsMaxHoursContinuously": ("StudentsMaxHoursContinuously", "Maximum_Hours_Continuously"),
}
#: The activity-tag forms: FET kind -> (normal kind, value tag); only activities with the tag count.
_TAG_VALUE = {
    "TeacherActivityTagMaxHoursDaily": ("TeacherActivityTagMaxHoursDaily", "Maximum_Hours_Daily"),
    "TeachersActivityTagMaxHoursDaily": ("TeacherActivityTagMaxHoursDaily", "Maximum_Hours_Daily"),
    "TeacherActivityTagMaxHoursContinuously": ("TeacherActivityTagMaxHoursContinuously", "Maximum_Hours_Continuously"),
    "TeachersActivityTagMaxHoursContinuously": ("TeacherActivityTagMaxHoursContinuously", "Maximum_Hours_Continuously"),
    "StudentsSetActivityTagMaxHoursDaily": ("StudentsActivityTagMaxHoursDaily", "Maximum_Hours_Daily"),
    "StudentsActivityTagMaxHoursDaily": ("StudentsActivityTagMaxHoursDaily", "Maximum_Hours_Daily"),
    "StudentsSetActivityTagMaxHoursContinuously": ("StudentsActivityTagMaxHoursContinuously", "Maximum_Hours_Continuously"),
    "StudentsActivityTagMaxHoursContinuously": ("StudentsActivityTagMaxHoursContinuously", "Maximum_Hours_Continuously"),
}
#: Min gaps between an ordered pair of activity tags: FET kind -> normal kind (Teacher…/StudentsSet… name one
#: teacher/set in ``Teacher``/``Students``; Teachers…/Students… mean every one).
_TAG_PAIR = {"TeacherMinGapsBetweenOrderedPairOfActivityTags": "TeacherMinGapsBetweenOrderedPairOfActivityTags",
             "TeachersMinGapsBetweenOrderedPairOfActivityTags": "TeacherMinGapsBetweenOrderedPairOfActivityTags",
             "StudentsSetMinGapsBetweenOrderedPairOfActivityTags": "StudentsMinGapsBetweenOrderedPairOfActivityTags",
             "StudentsMinGapsBetweenOrderedPairOfActivityTags": "StudentsMinGapsBetweenOrderedPairOfActivityTags"}
_ACTIVITY_LISTS = ("MinDaysBetweenActivities", "ActivitiesSameStartingTime", "ActivitiesNotOverlapping",
                   "TwoActivitiesConsecutive", "ActivitiesSameStartingDay", "MinGapsBetweenActivities",
                   "TwoActivitiesGrouped", "ActivitiesSameStartingHour", "MaxDaysBetweenActivities",
                   "TwoActivitiesOrdered", "TwoActivitiesOrderedIfSameDay", "ActivitiesOccupyMaxTimeSlotsFromSelection",
                   "ActivitiesMaxSimultaneousInSelectedTimeSlots", "ThreeActivitiesGrouped")
#: Max span per day (hours from a day's first busy hour to its last); ``flag``: one day may span one hour more.
_SPAN = {"TeacherMaxSpanPerDay": "TeacherMaxSpanPerDay", "TeachersMaxSpanPerDay": "TeacherMaxSpanPerDay",
         "StudentsSetMaxSpanPerDay": "StudentsMaxSpanPerDay", "StudentsMaxSpanPerDay": "StudentsMaxSpanPerDay"}
#: Min resting hours (between a day's last hour and the next day's first; ``flag``: also from the last day to the first).
_RESTING = {"TeacherMinRestingHours": "TeacherMinRestingHours", "TeachersMinRestingHours": "TeacherMinRestingHours",
            "StudentsSetMinRestingHours": "StudentsMinRestingHours", "StudentsMinRestingHours": "StudentsMinRestingHours"}
#: FET kind -> normal kind of the interval forms (a teacher's or students' days with a lesson in some hours).
_INTERVAL = {"TeacherIntervalMaxDaysPerWeek": "TeacherIntervalMaxDaysPerWeek",
             "TeachersIntervalMaxDaysPerWeek": "TeacherIntervalMaxDaysPerWeek",
             "StudentsSetIntervalMaxDaysPerWeek": "StudentsIntervalMaxDaysPerWeek",
             "StudentsIntervalMaxDaysPerWeek": "StudentsIntervalMaxDaysPerWeek"}
#: Kinds read into another normal kind: the activities that end the students' day, and preferred times of the
#: n-th activity of split activities (FET's "component number": id - group id + 1, 1 for one not split).
_OTHER = ("ActivityEndsStudentsDay", "ActivitiesEndStudentsDay", "SubactivitiesPreferredTimeSlots",
          "SubactivitiesPreferredStartingTimes")
_SLOT_KINDS = ("BreakTimes", "TeacherNotAvailableTimes", "StudentsSetNotAvailableTimes", "ActivityPreferredStartingTime",
               "ActivityPreferredStartingTimes", "ActivityPreferredTimeSlots", "ActivitiesPreferredStartingTimes",
               "ActivitiesPreferredTimeSlots")
#: Every FET time constraint kind the import takes in (plus BasicCompulsoryTime, which is implied).
IMPORTED_KINDS = frozenset(("BasicCompulsoryTime",) + tuple(_TEACHER_VALUE) + tuple(_STUDENTS_VALUE)
                           + _ACTIVITY_LISTS + _SLOT_KINDS + tuple(_INTERVAL) + _OTHER + tuple(_TAG_VALUE)
                           + tuple(_RESTING) + tuple(_SPAN) + tuple(_TAG_PAIR))
#: Space kinds read into :class:`RoomRule`: FET kind -> (tag of the room list, filter tags).
_ROOM_KINDS = {
    "ActivityPreferredRoom": ("Room", ("Activity_Id",)),
    "ActivityPreferredRooms": ("Preferred_Room", ("Activity_Id",)),
    "SubjectPreferredRoom": ("Room", ("Subject",)),
    "SubjectPreferredRooms": ("Preferred_Room", ("Subject",)),
    "SubjectActivityTagPreferredRoom": ("Room", ("Subject", "Activity_Tag")),
    "SubjectActivityTagPreferredRooms": ("Preferred_Room", ("Subject", "Activity_Tag")),
    "ActivityTagPreferredRoom": ("Room", ("Activity_Tag",)),
    "ActivityTagPreferredRooms": ("Preferred_Room", ("Activity_Tag",)),
    "StudentsSetHomeRoom": ("Room", ("Students",)),
    "StudentsSetHomeRooms": ("Preferred_Room", ("Students",)),
    "TeacherHomeRoom": ("Room", ("Teacher",)),
    "TeacherHomeRooms": ("Preferred_Room", ("Teacher",)),
    "RoomNotAvailableTimes": ("Room", ()),
    "ActivitiesOccupyMaxDifferentRooms": ("", ()),
    "ActivitiesSameRoomIfConsecutive": ("", ()),
}
#: Building changes: FET kind -> (normal kind, value tag); Teacher…/StudentsSet… name one, the others every one.
_BUILDING = {who + what: (normal + what, tag)
             for who, normal in (("Teacher", "Teacher"), ("Teachers", "Teacher"), ("StudentsSet", "Students"),
                                 ("Students", "Students"))
             for what, tag in (("MaxBuildingChangesPerDay", "Max_Building_Changes_Per_Day"),
                               ("MaxBuildingChangesPerWeek", "Max_Building_Changes_Per_Week"),
                               ("MinGapsBetweenBuildingChanges", "Min_Gaps_Between_Building_Changes"))}
#: Every FET space constraint kind the import takes in.
ROOM_KINDS = frozenset(("BasicCompulsorySpace",) + tuple(_ROOM_KINDS) + tuple(_BUILDING))


class FetError(ValueError):
    """A FET file tongbu cannot read; ``en``/``zh`` say what is wrong and what to do."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.en, self.zh = en, zh


def _text(node: ET.Element | None, tag: str, default: str = "") -> str:
    if node is None:
        return default
    child = node.find(tag)
    return default if child is None or child.text is None else child.text


def _texts(node: ET.Element, tag: str) -> list[str]:
    return [c.text or "" for c in node.findall(tag)]


def _bool(node: ET.Element, tag: str, default: bool) -> bool:
    value = _text(node, tag, "").strip().lower()
    return default if value == "" else value == "true"


def _int(node: ET.Element, tag: str, default: int | None = None) -> int | None:
    value = _text(node, tag, "").strip()
    return default if value == "" else int(value)


def parse_root(path: Path) -> ET.Element:
    data = Path(path).read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    try:
        root = ET.fromstring(data)
    except ET.ParseError as err:
        raise FetError(f"{path}: not a FET file (XML error: {err}); open it in FET and save it again",
                       f"{path}：不是 FET 文件（XML 错误：{err}）；请在 FET 中打开后重新保存") from None
    if root.tag != "fet":
        raise FetError(f"{path}: the root element is <{root.tag}>, not <fet>: this is not a FET file",
                       f"{path}：根元素是 <{root.tag}> 而不是 <fet>：这不是 FET 文件")
    return root


class _Import:
    def __init__(self, root: ET.Element, source: str) -> None:
        self.root, self.source = root, source
        self.days = [_text(d, "Name") for d in root.findall("Days_List/Day")]
        self.hours = [_text(h, "Name") for h in root.findall("Hours_List/Hour")]
        if not self.days or not self.hours:
            raise FetError(f"{source}: no days or no hours are defined", f"{source}：未定义天或节次")
        self.day_index = {name: i for i, name in enumerate(self.days)}
        self.hour_index = {name: i for i, name in enumerate(self.hours)}
        self.left_out: Counter[str] = Counter()

    # --- lists ----------------------------------------------------------------------------------

    def student_sets(self) -> list[StudentSet]:
        sets: dict[str, dict] = {}

        def add(name: str, kind: str, parent: str | None, size: str) -> None:
            entry = sets.setdefault(name, {"kind": kind, "within": [], "size": int(size or 0)})
            if parent and parent not in entry["within"]:
                entry["within"].append(parent)

        for year in self.root.findall("Students_List/Year"):
            year_name = _text(year, "Name")
            add(year_name, "year", None, _text(year, "Number_of_Students", "0"))
            for group in year.findall("Group"):
                group_name = _text(group, "Name")
                add(group_name, "group", year_name, _text(group, "Number_of_Students", "0"))
                for sub in group.findall("Subgroup"):
                    add(_text(sub, "Name"), "subgroup", group_name, _text(sub, "Number_of_Students", "0"))
        return [StudentSet(id=name, kind=e["kind"], within=tuple(e["within"]), size=e["size"]) for name, e in sets.items()]

    def activities(self) -> list[ExplicitActivity]:
        found = []
        for node in self.root.findall("Activities_List/Activity"):
            if not _bool(node, "Active", True):
                continue
            found.append(ExplicitActivity(
                id=int(_text(node, "Id")), subject=_text(node, "Subject"), teachers=tuple(_texts(node, "Teacher")),
                students=tuple(_texts(node, "Students")), duration=int(_text(node, "Duration", "1")),
                group=int(_text(node, "Activity_Group_Id", "0") or 0),
                tags=tuple(_texts(node, "Activity_Tag"))))
        return found

    # --- constraints ----------------------------------------------------------------------------

    def slot(self, day: str | None, hour: str | None) -> list[tuple[int, int]]:
        """A (day, hour) given by names; a missing day or hour means every day / every hour."""
        days = range(len(self.days)) if not day else [self.day_index[day]]
        hours = range(len(self.hours)) if not hour else [self.hour_index[hour]]
        return [(d, h) for d in days for h in hours]

    def slots(self, node: ET.Element, item: str, day_tag: str, hour_tag: str) -> tuple[tuple[int, int], ...]:
        found: list[tuple[int, int]] = []
        for child in node.findall(item):
            found += self.slot(_text(child, day_tag) or None, _text(child, hour_tag) or None)
        return tuple(sorted(set(found)))

    def matching(self, node: ET.Element, activities: list[ExplicitActivity]) -> tuple[int, ...]:
        """Activities selected by the filters of an Activities… constraint (FET compares names exactly)."""
        teacher, students = _text(node, "Teacher_Name"), _text(node, "Students_Name")
        subject, tag, duration = _text(node, "Subject_Name"), _text(node, "Activity_Tag_Name"), _text(node, "Duration")
        return tuple(a.id for a in activities
                     if (not teacher or teacher in a.teachers) and (not students or students in a.students)
                     and (not subject or subject == a.subject) and (not tag or tag in a.tags)
                     and (not duration.strip() or int(duration) == a.duration))

    def rule(self, kind: str, node: ET.Element, activities: list[ExplicitActivity], active_ids: set[int]) -> TimeRule | None:
        weight = float(_text(node, "Weight_Percentage", "100"))
        if kind == "BasicCompulsoryTime":
            return None
        if kind in _TEACHER_VALUE:
            normal, tag = _TEACHER_VALUE[kind]
            return TimeRule(kind=normal, weight=weight, teacher=_text(node, "Teacher_Name") if kind.startswith("Teacher") and
                            not kind.startswith("Teachers") else "", value=_int(node, tag),
                            flag=_bool(node, "Allow_Empty_Days", True) if normal == "TeacherMinHoursDaily" else False)
        if kind in _STUDENTS_VALUE:
            normal, tag = _STUDENTS_VALUE[kind]
            return TimeRule(kind=normal, weight=weight, students=_text(node, "Students") if kind.startswith("StudentsSet") else "",
                            value=_int(node, tag), flag=_bool(node, "Allow_Empty_Days", False))
        if kind == "ThreeActivitiesGrouped":
            ids = tuple(int(_text(node, tag)) for tag in ("First_Activity_Id", "Second_Activity_Id", "Third_Activity_Id"))
            return TimeRule(kind=kind, weight=weight, activities=ids) if set(ids) <= active_ids else None
        if kind in _SPAN:
            who = ({"teacher": _text(node, "Teacher_Name")} if kind == "TeacherMaxSpanPerDay"
                   else {"students": _text(node, "Students")} if kind == "StudentsSetMaxSpanPerDay" else {})
            return TimeRule(kind=_SPAN[kind], weight=weight, value=_int(node, "Max_Span"),
                            flag=_bool(node, "Allow_One_Day_Exception_of_Plus_One", False), **who)
        if kind in _RESTING:
            who = ({"teacher": _text(node, "Teacher_Name")} if kind == "TeacherMinRestingHours"
                   else {"students": _text(node, "Students")} if kind == "StudentsSetMinRestingHours" else {})
            return TimeRule(kind=_RESTING[kind], weight=weight, value=_int(node, "Minimum_Resting_Hours"),
                            flag=_bool(node, "Circular", False), **who)
        if kind in _TAG_PAIR:
            return self.tag_pair(kind, node, activities, weight)
        if kind in _TAG_VALUE:
            normal, value_tag = _TAG_VALUE[kind]
            tag = _text(node, "Activity_Tag_Name") or _text(node, "Activity_Tag")
            who = ({"teacher": _text(node, "Teacher_Name")} if kind.startswith("Teacher") and not kind.startswith("Teachers")
                   else {"students": _text(node, "Students")} if kind.startswith("StudentsSet") else {})
            return TimeRule(kind=normal, weight=weight, value=_int(node, value_tag), tag=tag,
                            activities=tuple(a.id for a in activities if tag in a.tags), **who)
        if kind in ("MinDaysBetweenActivities", "ActivitiesSameStartingTime", "ActivitiesNotOverlapping",
                    "ActivitiesSameStartingDay", "MinGapsBetweenActivities", "ActivitiesSameStartingHour",
                    "MaxDaysBetweenActivities", "ActivitiesOccupyMaxTimeSlotsFromSelection",
                    "ActivitiesMaxSimultaneousInSelectedTimeSlots"):
            ids = tuple(i for i in (int(x) for x in _texts(node, "Activity_Id")) if i in active_ids)
            value_tag = {"MinGapsBetweenActivities": "MinGaps", "MaxDaysBetweenActivities": "MaxDays",
                         "ActivitiesOccupyMaxTimeSlotsFromSelection": "Max_Number_of_Occupied_Time_Slots",
                         "ActivitiesMaxSimultaneousInSelectedTimeSlots": "Max_Number_of_Simultaneous_Activities",
                         }.get(kind, "MinDays")
            slots = (self.slots(node, "Selected_Time_Slot", "Selected_Day", "Selected_Hour")
                     if kind.endswith(("FromSelection", "InSelectedTimeSlots")) else ())
            return TimeRule(kind=kind, weight=weight, activities=ids, value=_int(node, value_tag), slots=slots,
                            flag=_bool(node, "Consecutive_If_Same_Day", False))
        if kind in _INTERVAL:
            start = self.hour_index[_text(node, "Interval_Start_Hour")]
            end_name = _text(node, "Interval_End_Hour")
            end = self.hour_index[end_name] if end_name else len(self.hours)  # empty: the end of the day
            who = {"teacher": _text(node, "Teacher_Name")} if kind.startswith("Teacher") else {"students": _text(node, "Students")}
            return TimeRule(kind=_INTERVAL[kind], weight=weight, value=_int(node, "Max_Days_Per_Week"),
                            slots=tuple((d, h) for d in range(len(self.days)) for h in range(start, end)), **who)
        if kind in ("ActivityEndsStudentsDay", "ActivitiesEndStudentsDay"):
            ids = ((int(_text(node, "Activity_Id")),) if kind == "ActivityEndsStudentsDay"
                   else self.matching(node, activities))
            ids = tuple(i for i in ids if i in active_ids)
            return TimeRule(kind="EndsStudentsDay", weight=weight, activities=ids) if ids else None
        if kind in ("SubactivitiesPreferredTimeSlots", "SubactivitiesPreferredStartingTimes"):
            starting = "Starting" in kind
            component = _int(node, "Component_Number", 1)
            ids = tuple(a for a in self.matching(node, activities)
                        if (a - self.group_of[a] + 1 if self.group_of[a] else 1) == component)
            slots = (self.slots(node, "Preferred_Starting_Time", "Preferred_Starting_Day", "Preferred_Starting_Hour")
                     if starting else self.slots(node, "Preferred_Time_Slot", "Preferred_Day", "Preferred_Hour"))
            return TimeRule(kind="PreferredStartingTimes" if starting else "PreferredTimeSlots", weight=weight,
                            activities=ids, slots=slots) if ids else None
        if kind in ("TwoActivitiesConsecutive", "TwoActivitiesGrouped", "TwoActivitiesOrdered",
                    "TwoActivitiesOrderedIfSameDay"):
            ids = (int(_text(node, "First_Activity_Id")), int(_text(node, "Second_Activity_Id")))
            return TimeRule(kind=kind, weight=weight, activities=ids) if set(ids) <= active_ids else None
        if kind == "BreakTimes":
            return TimeRule(kind=kind, weight=weight, slots=self.slots(node, "Break_Time", "Day", "Hour"))
        if kind == "TeacherNotAvailableTimes":
            return TimeRule(kind=kind, weight=weight, teacher=_text(node, "Teacher"),
                            slots=self.slots(node, "Not_Available_Time", "Day", "Hour"))
        if kind == "StudentsSetNotAvailableTimes":
            return TimeRule(kind=kind, weight=weight, students=_text(node, "Students"),
                            slots=self.slots(node, "Not_Available_Time", "Day", "Hour"))
        if kind == "ActivityPreferredStartingTime":
            ident = int(_text(node, "Activity_Id"))
            slots = tuple(self.slot(_text(node, "Preferred_Day") or None, _text(node, "Preferred_Hour") or None))
            return TimeRule(kind="PreferredStartingTimes", weight=weight, activities=(ident,), slots=slots) \
                if ident in active_ids else None
        if kind in ("ActivityPreferredStartingTimes", "ActivityPreferredTimeSlots"):
            ident = int(_text(node, "Activity_Id"))
            starting = "Starting" in kind
            slots = (self.slots(node, "Preferred_Starting_Time", "Preferred_Starting_Day", "Preferred_Starting_Hour")
                     if starting else self.slots(node, "Preferred_Time_Slot", "Preferred_Day", "Preferred_Hour"))
            return TimeRule(kind="PreferredStartingTimes" if starting else "PreferredTimeSlots", weight=weight,
                            activities=(ident,), slots=slots) if ident in active_ids else None
        if kind in ("ActivitiesPreferredStartingTimes", "ActivitiesPreferredTimeSlots"):
            starting = "Starting" in kind
            slots = (self.slots(node, "Preferred_Starting_Time", "Preferred_Starting_Day", "Preferred_Starting_Hour")
                     if starting else self.slots(node, "Preferred_Time_Slot", "Preferred_Day", "Preferred_Hour"))
            return TimeRule(kind="PreferredStartingTimes" if starting else "PreferredTimeSlots", weight=weight,
                            activities=self.matching(node, activities), slots=slots)
        raise AssertionError(kind)

    def tag_pair(self, kind: str, node: ET.Element, activities: list[ExplicitActivity], weight: float) -> TimeRule:
        """Min gaps between an ordered pair of tags: each tag's activities resolved now, as for the other tag kinds."""
        first, second = _text(node, "First_Activity_Tag"), _text(node, "Second_Activity_Tag")
        who = ({"teacher": _text(node, "Teacher")} if kind.startswith("Teacher") and not kind.startswith("Teachers")
               else {"students": _text(node, "Students")} if kind.startswith("StudentsSet") else {})
        return TimeRule(kind=_TAG_PAIR[kind], weight=weight, value=_int(node, "MinGaps"), tag=first, second_tag=second,
                        activities=tuple(a.id for a in activities if first in a.tags),
                        second=tuple(a.id for a in activities if second in a.tags), **who)

    def rules(self, activities: list[ExplicitActivity]) -> list[TimeRule]:
        active_ids = {a.id for a in activities}
        self.group_of = {a.id: a.group for a in activities}
        found: list[TimeRule] = []
        for node in self.root.findall("Time_Constraints_List/*"):
            if not _bool(node, "Active", True):
                continue
            kind = node.tag.removeprefix("Constraint")
            if kind not in IMPORTED_KINDS:
                self.left_out[kind] += 1
                continue
            try:
                made = self.rule(kind, node, activities, active_ids)
            except (KeyError, ValueError) as err:
                raise FetError(f"{self.source}: a {node.tag} names an unknown day, hour or number ({err}); fix it in FET",
                               f"{self.source}：一条 {node.tag} 引用了不存在的天、节次或数字（{err}）；请在 FET 中修正") from None
            if made is not None:
                found.append(made)
        return found

    # --- rooms ----------------------------------------------------------------------------------

    def rooms(self) -> tuple[list[str], list[FetRoom], set[str]]:
        """Buildings and rooms (a virtual room with its sets of real rooms), and virtual rooms left out (none now)."""
        buildings = [_text(b, "Name") for b in self.root.findall("Buildings_List/Building")]
        rooms = []
        for node in self.root.findall("Rooms_List/Room"):
            sets = tuple(tuple(_texts(group, "Real_Room")) for group in node.findall("Set_of_Real_Rooms"))
            rooms.append(FetRoom(name=_text(node, "Name"), building=_text(node, "Building"),
                                 capacity=_int(node, "Capacity", 30000) or 0,
                                 sets=sets if _bool(node, "Virtual", False) else ()))
        return buildings, rooms, set()

    def room_rule(self, kind: str, node: ET.Element, activities: list[ExplicitActivity],
                  active_ids: set[int]) -> RoomRule | None:
        weight = float(_text(node, "Weight_Percentage", "100"))
        if kind in _BUILDING:
            normal, value_tag = _BUILDING[kind]
            who = ({"teacher": _text(node, "Teacher")} if kind.startswith("Teacher") and not kind.startswith("Teachers")
                   else {"students": _text(node, "Students")} if kind.startswith("StudentsSet") else {})
            return RoomRule(kind=normal, weight=weight, value=_int(node, value_tag), **who)
        list_tag, filters = _ROOM_KINDS[kind]
        if not list_tag:  # on a list of activities
            ids = tuple(i for i in (int(x) for x in _texts(node, "Activity_Id")) if i in active_ids)
            return RoomRule(kind=kind, weight=weight, activities=ids,
                            value=_int(node, "Max_Number_of_Different_Rooms")) if ids else None
        rooms = tuple(_texts(node, list_tag))
        if kind == "RoomNotAvailableTimes":
            return RoomRule(kind=kind, weight=weight, rooms=rooms,
                            slots=self.slots(node, "Not_Available_Time", "Day", "Hour"))
        fields = {"subject": _text(node, "Subject"), "tag": _text(node, "Activity_Tag"), "teacher": _text(node, "Teacher"),
                  "students": _text(node, "Students")}
        if "Activity_Id" in filters:
            ident = int(_text(node, "Activity_Id"))
            if ident not in active_ids:
                return None
            chosen: tuple[int, ...] = (ident,)
        else:
            chosen = tuple(a.id for a in activities
                           if (not fields["subject"] or a.subject == fields["subject"])
                           and (not fields["tag"] or fields["tag"] in a.tags)
                           and (not fields["teacher"] or a.teachers == (fields["teacher"],))
                           and (not fields["students"] or a.students == (fields["students"],)))
        return RoomRule(kind=kind, weight=weight, activities=chosen, rooms=rooms, **fields)

    def room_rules(self, activities: list[ExplicitActivity], rooms: list[FetRoom], virtual: set[str]) -> list[RoomRule]:
        """The space constraints taken in; a home-room rule keeps only activities no preferred-room rule names."""
        active_ids = {a.id for a in activities}
        known = {r.name for r in rooms}
        found: list[RoomRule] = []
        for node in self.root.findall("Space_Constraints_List/*"):
            if not _bool(node, "Active", True):
                continue
            kind = node.tag.removeprefix("Constraint")
            if kind not in ROOM_KINDS:
                self.left_out["space:" + kind] += 1
                continue
            if kind == "BasicCompulsorySpace":
                continue
            try:
                made = self.room_rule(kind, node, activities, active_ids)
            except (KeyError, ValueError) as err:
                raise FetError(f"{self.source}: a {node.tag} names an unknown day, hour or number ({err}); fix it in FET",
                               f"{self.source}：一条 {node.tag} 引用了不存在的天、节次或数字（{err}）；请在 FET 中修正") from None
            if made is None:
                continue
            if any(r in virtual for r in made.rooms):
                self.left_out["space:" + kind] += 1
                continue
            unknown = [r for r in made.rooms if r not in known]
            if unknown or (not made.rooms and (made.preferred or made.kind == "RoomNotAvailableTimes")):
                raise FetError(f"{self.source}: a {node.tag} names room '{unknown[0] if unknown else ''}', which is not in "
                               "the rooms list; fix it in FET",
                               f"{self.source}：一条 {node.tag} 引用的教室“{unknown[0] if unknown else ''}”不在教室列表中；"
                               "请在 FET 中修正")
            found.append(made)
        named = {a for r in found if r.kind.endswith(("PreferredRoom", "PreferredRooms")) for a in r.activities}
        return [r.model_copy(update={"activities": tuple(a for a in r.activities if a not in named)})
                if "HomeRoom" in r.kind else r for r in found]

    # --- the scenario ---------------------------------------------------------------------------

    def timetable(self) -> ExplicitTimetable:
        activities = self.activities()
        rules = self.rules(activities)
        buildings, rooms, virtual = self.rooms()
        room_rules = self.room_rules(activities, rooms, virtual)
        teachers = [_text(t, "Name") for t in self.root.findall("Teachers_List/Teacher")]
        return ExplicitTimetable(days=tuple(self.days), hours=tuple(self.hours), teachers=tuple(teachers),
                                 student_sets=tuple(self.student_sets()), activities=tuple(activities),
                                 rules=tuple(rules), buildings=tuple(buildings), rooms=tuple(rooms),
                                 room_rules=tuple(room_rules),
                                 left_out=tuple(LeftOut(kind=k, count=c) for k, c in sorted(self.left_out.items())))


def synthetic_periods(hours: int) -> tuple[BellPeriod, ...]:
    """Clock times for FET hours (FET names hours but gives no times): from 07:00, back to back."""
    length = max(5, min(45, (23 * 60 - 7 * 60) // hours))
    return tuple(BellPeriod(start=time(*divmod(7 * 60 + i * length, 60)), end=time(*divmod(7 * 60 + (i + 1) * length, 60)))
                 for i in range(hours))


def read_fet(path: Path | str) -> Scenario:
    """A scenario from a FET file; raise :class:`FetError` (with en and zh text) when it cannot be read."""
    path = Path(path)
    try:
        root = parse_root(path)
    except OSError as err:
        raise FetError(f"{path}: cannot read the file ({err.strerror})", f"{path}：无法读取文件（{err.strerror}）") from None
    work = _Import(root, path.name)
    try:
        timetable = work.timetable()
    except (KeyError, ValueError) as err:
        if isinstance(err, FetError):
            raise
        raise FetError(f"{path.name}: unexpected content ({err}); open it in FET and save it again",
                       f"{path.name}：内容无法识别（{err}）；请在 FET 中打开后重新保存") from None
    institution = (_text(root, "Institution_Name") or path.stem).strip() or path.stem
    subjects = sorted({a.subject for a in timetable.activities} | {_text(s, "Name") for s in root.findall("Subjects_List/Subject")})
    # More than 7 FET days: the bell schedule (clock times, calendar) covers the first week's worth only.
    bells = BellSchedule(id=BELLS_ID, name=institution,
                         days=tuple(Weekday.of_index(i) for i in range(min(WEEK_DAYS, len(timetable.days)))),
                         periods=synthetic_periods(len(timetable.hours)))
    return Scenario(
        district=institution,
        term=TermCalendar(name="FET", start=date(2026, 9, 1), end=date(2027, 1, 22), use_official_holidays=False),
        consortia=(Consortium(id=CONSORTIUM_ID, name=institution),),
        schools=(School(id=SCHOOL_ID, name=institution, consortium=CONSORTIUM_ID, role=SchoolRole.LEAD,
                        tier=SchoolTier.COUNTY_SEAT, stage=Stage.JUNIOR, grades=(7,), bell_schedule=BELLS_ID),),
        bell_schedules=(bells,), subjects=tuple(Subject(id=s, name=s) for s in subjects), curriculum=(), classes=(),
        teachers=(), imported_from=path.name,
        not_imported=tuple(f"{x.kind}: {x.count}" for x in timetable.left_out), explicit=timetable)
