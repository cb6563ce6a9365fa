"""FET files: import, solve and verify imported scenarios, export back to FET that fet-cl reads."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from constraints.checks import verify
from models.explicit import ExplicitActivity, ExplicitTimetable, StudentSet, TimeRule
from models import (BellSchedule, Consortium, Scenario, School, SchoolRole, SchoolTier, Stage, Subject, TermCalendar,
                    Weekday)
from models.fet import read_fet
from models.fet.reader import synthetic_periods
from models.fet.writer import fet_xml, write_fet
from models.files import write_scenario
from models.validation import load_scenario
from models.solution import LessonPlacement, Solution
from scheduler.timetable.solve import solve_scenario

EXAMPLES = Path("/usr/share/doc/fet-data/examples/FET-5-official")
needs_examples = pytest.mark.skipif(not EXAMPLES.is_dir(), reason=(
    "FET's example files are not installed (Debian package fet-data: apt-get install fet-data); "
    "the FET import tests need them"))
needs_fet_cl = pytest.mark.skipif(shutil.which("fet-cl") is None, reason=(
    "fet-cl is not installed (Debian package fet); the export round trip needs it"))

SMALL = ("Denmark/small-school.fet", "Argentina/Horario_ISJ.fet", "Brazil/2/EEBLJ-Noturno.fet",
         "Greece/Didymoteicho/6th-Primary-School.fet")


def _tiny(rules: tuple[TimeRule, ...] = ()) -> ExplicitTimetable:
    """Two days of three hours; a year with two groups; teacher T teaches the year and each group."""
    return ExplicitTimetable(
        days=("Mon", "Tue"), hours=("1", "2", "3"), teachers=("T", "U"),
        student_sets=(StudentSet(id="Y", kind="year"), StudentSet(id="G1", kind="group", within=("Y",)),
                      StudentSet(id="G2", kind="group", within=("Y",))),
        activities=(ExplicitActivity(id=1, subject="Maths", teachers=("T",), students=("Y",)),
                    ExplicitActivity(id=2, subject="Art", teachers=("U",), students=("G1",), duration=2),
                    ExplicitActivity(id=3, subject="Music", teachers=("T",), students=("G2",))),
        rules=rules)


def _scenario(tt: ExplicitTimetable) -> Scenario:
    """The tiny timetable as an imported scenario (one school, two days of the timetable's hours)."""
    return Scenario(
        district="tiny", term=TermCalendar(start=date(2026, 9, 1), end=date(2026, 12, 31), use_official_holidays=False),
        consortia=(Consortium(id="fet", name="tiny"),),
        schools=(School(id="school", name="tiny", consortium="fet", role=SchoolRole.LEAD, tier=SchoolTier.COUNTY_SEAT,
                        stage=Stage.JUNIOR, grades=(7,), bell_schedule="fet"),),
        bell_schedules=(BellSchedule(id="fet", days=(Weekday.MON, Weekday.TUE), periods=synthetic_periods(len(tt.hours))),),
        subjects=tuple(Subject(id=s, name=s) for s in ("Maths", "Art", "Music")), curriculum=(), classes=(),
        teachers=(), explicit=tt)


def _lesson(ident: int, day: int, period: int, length: int = 1) -> LessonPlacement:
    return LessonPlacement(key=f"A{ident}", class_id="-", school="school", subject="x", teacher="",
                           day=Weekday.of_index(day), period=period, length=length)


# --- the model and the checks, without FET installed ---------------------------------------------


def test_a_year_clashes_with_its_groups_and_groups_do_not_clash_with_each_other():
    tt = _tiny()
    assert tt.atoms["Y"] == {"G1", "G2"}
    assert not (tt.atoms_of(["G1"]) & tt.atoms_of(["G2"]))


def test_check_flags_a_year_and_its_group_at_once_and_a_teacher_twice():
    scenario = _scenario(_tiny())
    bad = Solution(district="tiny", seed=0, lessons=(_lesson(1, 0, 1), _lesson(2, 0, 1, 2), _lesson(3, 0, 1)))
    rules = sorted({v.rule for v in verify(scenario, bad)})
    texts = " ".join(v.en for v in verify(scenario, bad))
    assert rules == ["fet.BasicCompulsoryTime"]
    assert "students G1 has activities 1 and 2 at once" in texts
    assert "teacher T has activities 1 and 3 at once" in texts
    assert any("教师 T 同时有活动 1 与 3" in v.zh for v in verify(scenario, bad))


def test_check_flags_each_hard_rule_kind_it_is_given():
    rules = (TimeRule(kind="BreakTimes", slots=((1, 1),)),
             TimeRule(kind="MinDaysBetweenActivities", activities=(1, 3), value=1),
             TimeRule(kind="TeacherMaxGapsPerDay", value=0),
             TimeRule(kind="StudentsEarlyMaxBeginningsAtSecondHour", value=0),
             TimeRule(kind="TeacherMaxHoursDaily", weight=50, value=0))  # soft: never a violation
    scenario = _scenario(_tiny(rules))
    # T: activity 1 at Mon 1, activity 3 at Mon 3 (a gap at Mon 2, the same day as 1); 2 covers the Tue 2 break.
    bad = Solution(district="tiny", seed=0, lessons=(_lesson(1, 0, 1), _lesson(2, 1, 2, 2), _lesson(3, 0, 3)))
    kinds = sorted({v.rule for v in verify(scenario, bad)})
    assert kinds == ["fet.BreakTimes", "fet.MinDaysBetweenActivities", "fet.StudentsEarlyMaxBeginningsAtSecondHour",
                     "fet.TeacherMaxGapsPerDay"]


def test_tiny_solves_and_verifies_with_every_rule_kind():
    rules = (TimeRule(kind="BreakTimes", slots=((1, 2),)),
             TimeRule(kind="TeacherNotAvailableTimes", teacher="U", slots=((0, 0),)),
             TimeRule(kind="StudentsSetNotAvailableTimes", students="G2", slots=((1, 0),)),
             TimeRule(kind="MinDaysBetweenActivities", activities=(1, 3), value=1),
             TimeRule(kind="PreferredStartingTimes", activities=(2,), slots=((0, 1), (1, 0))),
             TimeRule(kind="TeacherMaxGapsPerWeek", value=0),
             TimeRule(kind="StudentsMaxGapsPerDay", value=0),
             TimeRule(kind="TeacherMaxHoursDaily", teacher="T", value=1),
             TimeRule(kind="TeacherMinHoursDaily", value=1, flag=True),
             TimeRule(kind="StudentsMinHoursDaily", value=1, flag=True),
             TimeRule(kind="TeacherMaxDaysPerWeek", teacher="T", value=2),
             TimeRule(kind="StudentsEarlyMaxBeginningsAtSecondHour", value=1),
             TimeRule(kind="ActivitiesNotOverlapping", activities=(2, 3)),
             TimeRule(kind="MinDaysBetweenActivities", weight=80, activities=(1, 2), value=1))
    scenario = _scenario(_tiny(rules))
    result = solve_scenario(scenario, time_limit=30, effort=5, workers=1)
    assert result.solution is not None, result.explanation
    assert verify(scenario, result.solution) == []


def test_check_flags_each_further_rule_kind():
    # A1 (T, Y) Mon 1; A2 (U, G1, 2 hours) Mon 2-3; A3 (T, G2) Tue 1.
    rules = (TimeRule(kind="ActivitiesSameStartingDay", activities=(1, 3)),
             TimeRule(kind="MinGapsBetweenActivities", activities=(1, 2), value=1),
             TimeRule(kind="TwoActivitiesGrouped", activities=(1, 3)),
             TimeRule(kind="EndsStudentsDay", activities=(1,)),
             TimeRule(kind="TeacherMaxHoursContinuously", teacher="U", value=1),
             TimeRule(kind="TeacherMinDaysPerWeek", teacher="U", value=2),
             TimeRule(kind="TeacherIntervalMaxDaysPerWeek", teacher="T", value=1, slots=((0, 0), (1, 0))),
             TimeRule(kind="StudentsIntervalMaxDaysPerWeek", students="G2", value=0, slots=((0, 0), (1, 0))))
    scenario = _scenario(_tiny(rules))
    bad = Solution(district="tiny", seed=0, lessons=(_lesson(1, 0, 1), _lesson(2, 0, 2, 2), _lesson(3, 1, 1)))
    found = verify(scenario, bad)
    assert sorted({v.rule for v in found}) == sorted(f"fet.{r.kind}" for r in rules), found
    texts = " ".join(v.en for v in found)
    assert "activity 1 does not end its students' day: activity 2 comes after it" in texts
    assert "teacher U: 2 hours in a row on Mon, more than 1" in texts


def test_tiny_solves_and_verifies_with_the_further_rule_kinds():
    rules = (TimeRule(kind="ActivitiesSameStartingDay", activities=(2, 3)),
             TimeRule(kind="MinGapsBetweenActivities", activities=(1, 3), value=1),
             TimeRule(kind="TwoActivitiesGrouped", activities=(2, 3)),
             TimeRule(kind="EndsStudentsDay", activities=(2,)),
             TimeRule(kind="TeacherMaxHoursContinuously", teacher="T", value=1),
             TimeRule(kind="TeacherMinDaysPerWeek", teacher="T", value=2),
             TimeRule(kind="TeacherIntervalMaxDaysPerWeek", teacher="U", value=1,
                      slots=tuple((d, h) for d in (0, 1) for h in (0, 1, 2))),
             TimeRule(kind="StudentsIntervalMaxDaysPerWeek", students="G1", value=2, slots=((0, 1), (1, 1))))
    scenario = _scenario(_tiny(rules))
    result = solve_scenario(scenario, time_limit=30, effort=5, workers=1)
    assert result.solution is not None, result.explanation
    assert verify(scenario, result.solution) == []
    at = {x.key: (x.fet_day, x.period) for x in result.solution.lessons}
    # Grouped, the same day, A2 (two hours) ending its students' day: A3 at 1 and A2 at 2-3, or A2 at 1-2 and
    # A3 at 3 (G2's day, not G1's, ends with A3); both meet every rule.
    assert at["A2"][0] == at["A3"][0] != at["A1"][0]
    assert (at["A3"][1], at["A2"][1]) in {(1, 2), (3, 1)}


def _across_a_break(kind: str, *activities: int) -> Scenario:
    """Mon hour 2 is a break; T may teach only Mon 1 and Mon 3, so activities 1 and 3 (both T's) can only be
    back to back across the break."""
    return _scenario(_tiny((TimeRule(kind="BreakTimes", slots=((0, 1),)),
                            TimeRule(kind="TeacherNotAvailableTimes", teacher="T", slots=((1, 0), (1, 1), (1, 2))),
                            TimeRule(kind=kind, activities=activities))))


@pytest.mark.parametrize("kind,order", [("TwoActivitiesConsecutive", (1, 3)), ("TwoActivitiesConsecutive", (3, 1)),
                                        ("TwoActivitiesGrouped", (3, 1))])
def test_two_activities_with_only_a_break_between_them_are_back_to_back_as_in_fet(kind, order):
    # FET (generate.cpp) skips break hours after the first activity before it compares with the second's start:
    # shc-prelim-08.fet (Belize) needs it, its lab being free only at hours with a break between them.
    scenario = _across_a_break(kind, *order)
    result = solve_scenario(scenario, time_limit=30, effort=5, workers=1)
    assert result.solution is not None, result.explanation
    assert verify(scenario, result.solution) == []
    at = {x.key: (x.fet_day, x.period) for x in result.solution.lessons}
    first, second = order
    assert (at[f"A{first}"], at[f"A{second}"]) == ((0, 1), (0, 3)) or kind == "TwoActivitiesGrouped"


def test_the_check_accepts_a_break_between_consecutive_activities_and_no_other_hour():
    scenario = _across_a_break("TwoActivitiesConsecutive", 1, 3)
    across = Solution(district="tiny", seed=0, lessons=(_lesson(1, 0, 1), _lesson(2, 1, 1, 2), _lesson(3, 0, 3)))
    assert verify(scenario, across) == []
    # Without the break, hour 2 is a free hour between them: not consecutive.
    plain = _scenario(_tiny((TimeRule(kind="TwoActivitiesConsecutive", activities=(1, 3)),)))
    assert [v.rule for v in verify(plain, across)] == ["fet.TwoActivitiesConsecutive"]


def test_three_activities_grouped_may_hold_a_break_inside():
    rules = (TimeRule(kind="BreakTimes", slots=((0, 1),)), TimeRule(kind="ThreeActivitiesGrouped", activities=(1, 2, 3)))
    scenario = _scenario(_tiny(rules).model_copy(update={"hours": ("1", "2", "3", "4", "5")}))
    # A1, the Mon break, A3, then A2 (two hours): one block; the same on Tue leaves hour 2 free, no break.
    monday = Solution(district="tiny", seed=0, lessons=(_lesson(1, 0, 1), _lesson(3, 0, 3), _lesson(2, 0, 4, 2)))
    tuesday = Solution(district="tiny", seed=0, lessons=(_lesson(1, 1, 1), _lesson(3, 1, 3), _lesson(2, 1, 4, 2)))
    assert verify(scenario, monday) == []
    assert [v.rule for v in verify(scenario, tuesday)] == ["fet.ThreeActivitiesGrouped"]
    result = solve_scenario(scenario, time_limit=30, effort=5, workers=1)
    assert result.solution is not None and verify(scenario, result.solution) == []


def test_further_rule_kinds_write_back_and_read_the_same(tmp_path):
    rules = (TimeRule(kind="ActivitiesSameStartingDay", activities=(2, 3)),
             TimeRule(kind="MinGapsBetweenActivities", activities=(1, 3), value=1),
             TimeRule(kind="TwoActivitiesGrouped", activities=(2, 3)),
             TimeRule(kind="EndsStudentsDay", activities=(2,)),
             TimeRule(kind="TeacherMaxHoursContinuously", teacher="T", value=1),
             TimeRule(kind="TeacherMinDaysPerWeek", value=1),
             TimeRule(kind="TeacherIntervalMaxDaysPerWeek", teacher="U", value=1, slots=((0, 1), (0, 2), (1, 1), (1, 2))),
             TimeRule(kind="StudentsIntervalMaxDaysPerWeek", students="G1", value=2, slots=((0, 0), (1, 0))))
    path = tmp_path / "tiny.fet"
    path.write_bytes(fet_xml(_tiny(rules), "tiny"))
    again = read_fet(path).explicit
    assert again.rules == rules and again.left_out == ()


#: More kinds: A1 (T, Y, tag "core") Mon 1; A2 (U, G1, 2 hours) Mon 2-3; A3 (T, G2, tag "core") Tue 1 breaks each.
MORE_BROKEN = (TimeRule(kind="ActivitiesSameStartingHour", activities=(1, 2)),
               TimeRule(kind="MaxDaysBetweenActivities", activities=(1, 3), value=0),
               TimeRule(kind="TwoActivitiesOrdered", activities=(3, 1)),
               TimeRule(kind="TwoActivitiesOrderedIfSameDay", activities=(2, 1)),
               TimeRule(kind="ActivitiesOccupyMaxTimeSlotsFromSelection", activities=(1, 2), value=1,
                        slots=((0, 0), (0, 1))),
               TimeRule(kind="StudentsMaxHoursContinuously", students="G1", value=2),
               TimeRule(kind="TeacherActivityTagMaxHoursDaily", value=0, tag="core", activities=(1, 3)),
               TimeRule(kind="StudentsActivityTagMaxHoursContinuously", value=0, tag="core", activities=(1, 3)))


def _tagged(rules: tuple[TimeRule, ...]) -> ExplicitTimetable:
    tt = _tiny(rules)
    return tt.model_copy(update={"activities": tuple(a.model_copy(update={"tags": ("core",)}) if a.id in (1, 3) else a
                                                     for a in tt.activities)})


def test_check_flags_the_kinds_of_the_second_batch():
    scenario = _scenario(_tagged(MORE_BROKEN))
    bad = Solution(district="tiny", seed=0, lessons=(_lesson(1, 0, 1), _lesson(2, 0, 2, 2), _lesson(3, 1, 1)))
    found = verify(scenario, bad)
    assert sorted({v.rule for v in found}) == sorted(f"fet.{r.kind}" for r in MORE_BROKEN), found
    texts = " ".join(v.en for v in found)
    assert "students G1: 3 hours in a row on Mon, more than 2" in texts  # A1 (as part of year Y) then A2
    assert "the activities occupy 2 of the selected slots, more than 1" in texts


def test_tiny_solves_and_verifies_with_the_kinds_of_the_second_batch():
    rules = (TimeRule(kind="ActivitiesSameStartingHour", activities=(1, 3)),
             TimeRule(kind="MaxDaysBetweenActivities", activities=(2, 3), value=0),
             TimeRule(kind="TwoActivitiesOrdered", activities=(1, 3)),
             TimeRule(kind="TwoActivitiesOrderedIfSameDay", activities=(3, 2)),
             TimeRule(kind="ActivitiesOccupyMaxTimeSlotsFromSelection", activities=(1, 2), value=0, slots=((0, 2),)),
             TimeRule(kind="TeacherActivityTagMaxHoursDaily", value=1, tag="core", activities=(1, 3)),
             TimeRule(kind="StudentsMaxHoursContinuously", value=2))
    scenario = _scenario(_tagged(rules))
    result = solve_scenario(scenario, time_limit=30, effort=5, workers=1)
    assert result.solution is not None, result.explanation
    assert verify(scenario, result.solution) == []
    at = {x.key: (x.fet_day, x.period) for x in result.solution.lessons}
    assert at["A1"] == (0, 1) and at["A3"] == (1, 1) and at["A2"] == (1, 2)


def test_the_kinds_of_the_second_batch_write_back_and_read_the_same(tmp_path):
    path = tmp_path / "tiny.fet"
    path.write_bytes(fet_xml(_tagged(MORE_BROKEN), "tiny"))
    again = read_fet(path).explicit
    assert again.rules == MORE_BROKEN and again.left_out == ()


#: The third batch: A1 (T, Y) Mon 1; A2 (U, G1, 2 hours) Mon 2-3; A3 (T, G2) Tue 1 breaks each.
THIRD_BROKEN = (TimeRule(kind="ActivitiesMaxSimultaneousInSelectedTimeSlots", activities=(1, 3), value=0, slots=((1, 0),)),
                TimeRule(kind="ThreeActivitiesGrouped", activities=(1, 2, 3)),
                TimeRule(kind="TeacherMinRestingHours", teacher="T", value=3),
                TimeRule(kind="StudentsMinRestingHours", value=3, flag=True),
                TimeRule(kind="TeacherMaxSpanPerDay", teacher="U", value=1, flag=False),
                TimeRule(kind="StudentsMaxSpanPerDay", students="G1", value=2, flag=True))


def test_check_flags_the_kinds_of_the_third_batch():
    scenario = _scenario(_tiny(THIRD_BROKEN))
    bad = Solution(district="tiny", seed=0, lessons=(_lesson(1, 0, 1), _lesson(2, 0, 2, 2), _lesson(3, 1, 1)))
    found = verify(scenario, bad)
    assert sorted({v.rule for v in found}) == sorted(f"fet.{r.kind}" for r in THIRD_BROKEN[:-1]), found
    texts = " ".join(v.en for v in found)
    assert "teacher T: 2 free hours from Mon to Tue, fewer than 3" in texts
    assert "students G2: 2 free hours from Tue to Mon, fewer than 3" in texts  # circular: from the last day to the first
    assert "teacher U: 2 hours from first to last on Mon, more than 1" in texts
    assert "students G1: 3 hours from first to last" not in texts  # one day may span one hour more


def test_tiny_solves_and_verifies_with_the_kinds_of_the_third_batch():
    rules = (TimeRule(kind="ActivitiesMaxSimultaneousInSelectedTimeSlots", activities=(2, 3), value=1,
                      slots=((0, 1), (1, 1))),
             TimeRule(kind="ThreeActivitiesGrouped", activities=(1, 2, 3)),
             TimeRule(kind="TeacherMinRestingHours", value=1),
             TimeRule(kind="StudentsMaxSpanPerDay", value=3, flag=True))
    tt = _tiny(rules).model_copy(update={"hours": ("1", "2", "3", "4")})  # the three take 4 hours in a row
    scenario = _scenario(tt)
    result = solve_scenario(scenario, time_limit=30, effort=5, workers=1)
    assert result.solution is not None, result.explanation
    assert verify(scenario, result.solution) == []
    assert len({x.fet_day for x in result.solution.lessons}) == 1  # one block of the day's four hours


def test_the_kinds_of_the_third_batch_write_back_and_read_the_same(tmp_path):
    path = tmp_path / "tiny.fet"
    path.write_bytes(fet_xml(_tiny(THIRD_BROKEN), "tiny"))
    again = read_fet(path).explicit
    assert again.rules == THIRD_BROKEN and again.left_out == ()


def test_subactivities_preferred_slots_apply_to_the_component_of_each_split_activity(tmp_path):
    tt = _tiny().model_copy(update={"activities": (
        ExplicitActivity(id=1, subject="Maths", teachers=("T",), students=("Y",), group=1),
        ExplicitActivity(id=2, subject="Maths", teachers=("T",), students=("Y",), group=1),
        ExplicitActivity(id=3, subject="Maths", teachers=("U",), students=("G1",)))})
    text = fet_xml(tt, "tiny").decode().replace("</Time_Constraints_List>", """<ConstraintSubactivitiesPreferredTimeSlots>
<Weight_Percentage>100</Weight_Percentage><Component_Number>2</Component_Number><Teacher_Name></Teacher_Name>
<Students_Name></Students_Name><Subject_Name>Maths</Subject_Name><Activity_Tag_Name></Activity_Tag_Name>
<Duration></Duration><Number_of_Preferred_Time_Slots>1</Number_of_Preferred_Time_Slots>
<Preferred_Time_Slot><Preferred_Day>Tue</Preferred_Day><Preferred_Hour>3</Preferred_Hour></Preferred_Time_Slot>
<Active>true</Active><Comments></Comments></ConstraintSubactivitiesPreferredTimeSlots></Time_Constraints_List>""")
    path = tmp_path / "sub.fet"
    path.write_text(text, encoding="utf-8")
    rules = read_fet(path).explicit.rules
    assert rules == (TimeRule(kind="PreferredTimeSlots", activities=(2,), slots=((1, 2),)),)


def test_infeasible_rules_are_named():
    rules = (TimeRule(kind="MinDaysBetweenActivities", activities=(1, 3), value=1),
             TimeRule(kind="TeacherMaxDaysPerWeek", teacher="T", value=1))
    result = solve_scenario(_scenario(_tiny(rules)), time_limit=30, effort=5, workers=1)
    assert result.status == "infeasible"
    named = " ".join(c.en for c in result.explanation)
    assert "MinDaysBetweenActivities" in named and "TeacherMaxDaysPerWeek" in named


def test_too_many_hours_for_a_teacher_is_named_before_searching():
    rules = (TimeRule(kind="TeacherNotAvailableTimes", teacher="T", slots=tuple((d, h) for d in (0, 1) for h in (0, 1))),)
    result = solve_scenario(_scenario(_tiny(rules)), time_limit=30, effort=5, workers=1)
    assert result.status == "optimal"  # two hours to teach, two hours free
    rules += (TimeRule(kind="BreakTimes", slots=((0, 2),)),)
    result = solve_scenario(_scenario(_tiny(rules)), time_limit=30, effort=5, workers=1)
    assert any("teacher T has 2 hours of activities but only 1 free hours" in c.en for c in result.explanation)


# --- FET's own examples ---------------------------------------------------------------------------


@needs_examples
def test_the_kurukshetra_file_imports_whole_with_its_ordered_pairs_of_tags():
    scenario = read_fet(EXAMPLES / "India/Kurukshetra/Institute-of-Technology/MED_2019-20-1.fet")
    assert not scenario.explicit.partial and not scenario.not_imported
    pairs = [r for r in scenario.explicit.rules if r.kind == "StudentsMinGapsBetweenOrderedPairOfActivityTags"]
    assert len(pairs) == 12 and all(r.tag and r.second_tag and r.activities and r.value == 1 for r in pairs)
    assert not read_fet(EXAMPLES / "Argentina/Horario_ISJ.fet").explicit.partial  # its rooms are read


def test_import_lists_every_constraint_left_out(tmp_path):
    left_out = ("<ConstraintStudentsSetMaxDaysPerWeek><Weight_Percentage>100</Weight_Percentage><Students>G1</Students>"
                "<Max_Days_Per_Week>1</Max_Days_Per_Week><Active>{}</Active></ConstraintStudentsSetMaxDaysPerWeek>")
    path = tmp_path / "left.fet"
    path.write_text(fet_xml(_tiny(), "tiny").decode().replace(
        "</Time_Constraints_List>", left_out.format("true") * 2 + left_out.format("false") + "</Time_Constraints_List>"),
        encoding="utf-8")
    scenario = read_fet(path)
    assert {x.kind: x.count for x in scenario.explicit.left_out} == {"StudentsSetMaxDaysPerWeek": 2}  # not the inactive
    assert scenario.explicit.partial
    assert "StudentsSetMaxDaysPerWeek: 2" in scenario.not_imported


@needs_examples
def test_scenario_folder_round_trips_an_import(tmp_path):
    scenario = read_fet(EXAMPLES / "Greece/Didymoteicho/6th-Primary-School.fet")
    write_scenario(scenario, tmp_path)
    assert load_scenario(tmp_path) == scenario


@needs_examples
@pytest.mark.parametrize("name", SMALL)
def test_small_examples_import_solve_and_verify(name):
    scenario = read_fet(EXAMPLES / name)
    result = solve_scenario(scenario, time_limit=15)
    assert result.solution is not None, (result.status, result.explanation)
    assert len(result.solution.lessons) == len(scenario.explicit.activities)
    assert verify(scenario, result.solution) == []


@needs_examples
@needs_fet_cl
def test_export_of_an_import_is_read_by_fet_cl_and_imports_back_the_same(tmp_path):
    scenario = read_fet(EXAMPLES / "Argentina/Horario_ISJ.fet")
    path = tmp_path / "back.fet"
    path.write_bytes(write_fet(scenario))
    assert write_fet(scenario) == path.read_bytes()  # deterministic
    again = read_fet(path)
    assert again.explicit.activities == scenario.explicit.activities
    assert again.explicit.student_sets == scenario.explicit.student_sets
    assert again.explicit.rules == scenario.explicit.rules
    out = _fet_cl(path, tmp_path / "fet")
    assert "Simulation successful" in out, out[-2000:]


def _fet_cl(path: Path, out: Path, seconds: int = 10) -> str:
    done = subprocess.run(["fet-cl", f"--inputfile={path}", f"--outputdir={out}", f"--timelimitseconds={seconds}"],
                          capture_output=True, text=True, timeout=seconds + 60)
    result = out / "logs" / "result.txt"
    return done.stdout + done.stderr + (result.read_text(errors="replace") if result.is_file() else "")


@needs_fet_cl
def test_a_consortium_scenario_exports_to_a_file_fet_cl_reads(tmp_path):
    from cli import main

    target = tmp_path / "yangcheng.fet"
    run = CliRunner().invoke(main, ["--lang", "en", "export-fet", "samples/yangcheng", "--out", str(target)])
    assert run.exit_code == 0, run.output
    text = _fet_cl(target, tmp_path / "fet", seconds=3)
    assert "Starting timetable generation" in text, text[-2000:]
    tt = read_fet(target).explicit
    assert tt.activities and {r.kind for r in tt.rules} >= {"MinDaysBetweenActivities", "TeacherMaxHoursDaily"}


def test_import_fet_rejects_a_file_that_is_not_fet(tmp_path):
    from cli import main

    bad = tmp_path / "bad.fet"
    bad.write_text("<html></html>", encoding="utf-8")
    run = CliRunner().invoke(main, ["--lang", "en", "import-fet", str(bad), "--out", str(tmp_path / "x")])
    assert run.exit_code == 2
    assert "bad.fet" in run.output and "not a FET file" in run.output


def test_fet_xml_of_tiny_is_stable():
    assert fet_xml(_tiny(), "tiny") == fet_xml(_tiny(), "tiny")


@needs_examples
def test_cli_imports_solves_and_verifies_a_fet_file(tmp_path):
    from cli import main

    folder, out = tmp_path / "school", tmp_path / "published"
    runner = CliRunner()
    imported = runner.invoke(main, ["--lang", "en", "import-fet", str(EXAMPLES / "Denmark/small-school.fet"),
                                    "--out", str(folder)])
    assert imported.exit_code == 0, imported.output
    assert "25 activities" in imported.output
    solved = runner.invoke(main, ["--lang", "en", "solve", str(folder), "--out", str(out), "--time-limit", "5",
                                  "--workers", "1"])
    assert solved.exit_code == 0, solved.output
    checked = runner.invoke(main, ["--lang", "en", "verify", str(folder), str(out)])
    assert checked.exit_code == 0 and "0 violations" in checked.output


@needs_examples
def test_a_reproducible_solve_of_an_import_gives_the_same_timetable_with_two_workers():
    # With an effort (deterministic time, two interleaved workers) every run gives the same timetable.
    scenario = read_fet(EXAMPLES / "Denmark/small-school.fet")
    first = solve_scenario(scenario, time_limit=60, effort=5, workers=2)
    second = solve_scenario(scenario, time_limit=60, effort=5, workers=2)
    assert first.solution is not None and verify(scenario, first.solution) == []
    assert first.solution.lessons == second.solution.lessons
