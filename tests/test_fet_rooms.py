"""Rooms of imported FET files (constraints/fet_rooms.py and its check), and files of more than 7 days.

``tests/fixtures/fet_rooms.fet`` is hand-written: two days of two hours, rooms L1, L2 (30 places) and Hall
(100) in two buildings, and overlapping preferred-room sets: Lab in L1 or L2; activity 2 (a Lab double) also
in L2 or Hall, so only L2; the ``big`` tag in Hall; Art preferably (80 %) in L2 or Hall; Y1's home room L1
(which counts for none of Y1's activities, since preferred-room rules name them all); L2 not available on
Monday's first hour. ``fet_rooms_9days.fet`` is the same on nine days (D1 … D9) of two hours, activity 1 fixed
at D9's second hour.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from constraints.checks import load_solution, verify
from constraints.checks.fet_rooms import penalties
from models.fet import read_fet
from models.fet.writer import write_fet
from models.files import write_scenario
from models.validation import load_scenario
from scheduler.timetable.solve import solve_scenario

FIXTURES = Path(__file__).parent / "fixtures"
ROOMS = FIXTURES / "fet_rooms.fet"
NINE_DAYS = FIXTURES / "fet_rooms_9days.fet"
EXAMPLES = Path("/usr/share/doc/fet-data/examples/FET-5-official")
needs_examples = pytest.mark.skipif(not EXAMPLES.is_dir(), reason=(
    "FET's example files are not installed (Debian package fet-data: apt-get install fet-data)"))
needs_fet_cl = pytest.mark.skipif(shutil.which("fet-cl") is None, reason=(
    "fet-cl is not installed (Debian package fet); the export round trip needs it"))


def test_import_reads_rooms_buildings_tags_and_room_constraints():
    tt = read_fet(ROOMS).explicit
    assert tt.buildings == ("Main", "Annex")
    assert [(r.name, r.building, r.capacity) for r in tt.rooms] == [("L1", "Main", 30), ("L2", "Annex", 30),
                                                                    ("Hall", "Main", 100)]
    assert tt.activity_by_id[3].tags == ("big",)
    assert [(r.kind, r.weight, r.activities, r.rooms) for r in tt.room_rules] == [
        ("SubjectPreferredRooms", 100, (1, 2), ("L1", "L2")),
        ("ActivityPreferredRooms", 100, (2,), ("L2", "Hall")),
        ("ActivityTagPreferredRoom", 100, (3,), ("Hall",)),
        ("SubjectPreferredRooms", 80, (3, 4, 5), ("L2", "Hall")),
        ("StudentsSetHomeRoom", 100, (), ("L1",)),  # Y1's activities 1 and 4 are named by preferred-room rules
        ("RoomNotAvailableTimes", 100, (), ("L2",)),
    ]
    assert tt.room_rules[-1].slots == ((0, 0),)
    assert tt.left_out == ()


def test_rooms_solve_and_verify_with_overlapping_preferred_sets():
    scenario = read_fet(ROOMS)
    result = solve_scenario(scenario, time_limit=20, effort=2)
    assert result.solution is not None, (result.status, result.explanation)
    room = {x.key: x.room for x in result.solution.lessons}
    assert room["A1"] in ("L1", "L2") and room["A2"] == "L2" and room["A3"] == "Hall"
    assert room["A4"] in ("L2", "Hall") and room["A5"] in ("L2", "Hall")  # the weighted rule is kept: nothing forces it
    assert result.objective == 0
    assert verify(scenario, result.solution) == []
    placed = {(x.room, x.fet_day, p) for x in result.solution.lessons for p in x.periods()}
    assert len(placed) == sum(x.length for x in result.solution.lessons)  # no room holds two at once
    a2 = next(x for x in result.solution.lessons if x.key == "A2")
    assert a2.fet_day == 1  # L2 is not available on Monday's first hour, and A2 is a double


def test_verify_catches_a_broken_room_assignment_written_to_the_solution(tmp_path):
    from cli import main

    folder, out = tmp_path / "school", tmp_path / "published"
    runner = CliRunner()
    assert runner.invoke(main, ["--lang", "en", "import-fet", str(ROOMS), "--out", str(folder)]).exit_code == 0
    solved = runner.invoke(main, ["--lang", "en", "solve", str(folder), "--out", str(out), "--effort", "2"])
    assert solved.exit_code == 0, solved.output
    assert "教室" in (out / "lessons.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    checked = runner.invoke(main, ["--lang", "en", "verify", str(folder), str(out)])
    assert checked.exit_code == 0 and "0 violations" in checked.output
    solution = load_solution(out / "solution.json")
    by_key = {x.key: x for x in solution.lessons}
    a1, a3 = by_key["A1"], by_key["A3"]
    # Activity 3 (tag big: Hall only) moved into L1, at activity 1's hour when activity 1 is in L1.
    broken = solution.model_copy(update={"lessons": tuple(
        x.model_copy(update={"room": "L1", "fet_day": a1.fet_day, "period": a1.period}) if x.key == "A3"
        else x.model_copy(update={"room": "L1"}) if x.key == "A1" else x for x in solution.lessons)})
    (out / "solution.json").write_text(broken.model_dump_json(by_alias=True), encoding="utf-8")
    checked = runner.invoke(main, ["--lang", "en", "verify", str(folder), str(out)])
    assert checked.exit_code == 1, checked.output
    assert "ActivityTagPreferredRoom (space_constraints.csv row 4): activity 3 is in room L1" in checked.output
    assert "room L1 holds activities 1 and 3 at once" in checked.output
    assert a3.room == "Hall"


def test_verify_names_a_missing_room_and_an_unavailable_room():
    scenario = read_fet(ROOMS)
    result = solve_scenario(scenario, time_limit=20, effort=2)
    lessons = tuple(x.model_copy(update={"room": None}) if x.key == "A2"
                    else x.model_copy(update={"room": "L2", "fet_day": 0, "period": 1}) if x.key == "A4" else x
                    for x in result.solution.lessons)
    found = verify(scenario, result.solution.model_copy(update={"lessons": lessons}))
    rules = {v.rule for v in found}
    assert {"fet_rooms.missing", "fet_rooms.RoomNotAvailableTimes"} <= rules, found


def test_weighted_room_rule_costs_its_weight_when_broken():
    scenario = read_fet(ROOMS)
    result = solve_scenario(scenario, time_limit=20, effort=2)
    assert penalties(scenario, result.solution) == {"fet_rooms": 0}
    lessons = tuple(x.model_copy(update={"room": None}) if x.key == "A5" else x for x in result.solution.lessons)
    assert penalties(scenario, result.solution.model_copy(update={"lessons": lessons})) == {"fet_rooms": 80}


def test_round_trip_import_export_import_keeps_rooms_and_room_constraints(tmp_path):
    scenario = read_fet(ROOMS)
    path = tmp_path / "back.fet"
    path.write_bytes(write_fet(scenario))
    again = read_fet(path).explicit
    assert again.rooms == scenario.explicit.rooms
    assert again.buildings == scenario.explicit.buildings
    assert again.room_rules == scenario.explicit.room_rules
    write_scenario(scenario, tmp_path / "folder")
    assert load_scenario(tmp_path / "folder") == scenario


@needs_fet_cl
def test_fet_cl_solves_the_export_of_an_import_with_rooms(tmp_path):
    path = tmp_path / "back.fet"
    path.write_bytes(write_fet(read_fet(ROOMS)))
    done = subprocess.run(["fet-cl", f"--inputfile={path}", f"--outputdir={tmp_path / 'fet'}", "--timelimitseconds=20"],
                          capture_output=True, text=True, timeout=80)
    result = (tmp_path / "fet" / "logs" / "result.txt").read_text(errors="replace")
    assert "Simulation successful" in result, done.stdout[-2000:] + result


def test_a_file_of_nine_days_imports_solves_and_publishes_without_weekly_outputs(tmp_path):
    from cli import main

    scenario = read_fet(NINE_DAYS)
    assert len(scenario.explicit.days) == 9
    folder, out = tmp_path / "school", tmp_path / "published"
    runner = CliRunner()
    assert runner.invoke(main, ["--lang", "en", "import-fet", str(NINE_DAYS), "--out", str(folder)]).exit_code == 0
    solved = runner.invoke(main, ["--lang", "en", "solve", str(folder), "--out", str(out), "--effort", "2"])
    assert solved.exit_code == 0, solved.output
    assert sorted(p.name for p in out.iterdir()) == ["lessons.csv", "solution.json"]
    solution = load_solution(out / "solution.json")
    a1 = next(x for x in solution.lessons if x.key == "A1")
    assert (a1.fet_day, a1.period, a1.room in ("L1", "L2")) == (8, 2, True)
    assert ",D9,2," in (out / "lessons.csv").read_text(encoding="utf-8-sig")
    assert verify(load_scenario(folder), solution) == []
    assert runner.invoke(main, ["--lang", "en", "verify", str(folder), str(out)]).exit_code == 0


@needs_examples
def test_the_nine_day_saudi_examination_file_imports():
    tt = read_fet(EXAMPLES / "Saudi-Arabia/may-not-solve/Arabic_Saudi_Examination.fet").explicit
    assert len(tt.days) == 9 and tt.rooms and tt.room_rules


@needs_examples
def test_a_real_file_with_room_constraints_solves_with_every_activity_in_its_room():
    scenario = read_fet(EXAMPLES / "Argentina/Horario_ISJ.fet")
    tt = scenario.explicit
    assert tt.left_out == () and {r.kind for r in tt.room_rules} == {"ActivityPreferredRoom", "RoomNotAvailableTimes"}
    result = solve_scenario(scenario, time_limit=60, effort=5)
    assert result.solution is not None, (result.status, result.explanation)
    assert verify(scenario, result.solution) == []
    assert all(x.room for x in result.solution.lessons)


def _with(*rules):
    scenario = read_fet(ROOMS)
    tt = scenario.explicit
    return scenario.model_copy(update={"explicit": tt.model_copy(update={"room_rules": tt.room_rules + rules})})


def test_verify_counts_building_changes():
    from models import LessonPlacement, Solution, Weekday
    from models.explicit import RoomRule

    rules = (RoomRule(kind="TeacherMaxBuildingChangesPerDay", teacher="T1", value=0),
             RoomRule(kind="TeacherMaxBuildingChangesPerWeek", value=0),
             RoomRule(kind="TeacherMinGapsBetweenBuildingChanges", teacher="T1", value=1),
             RoomRule(kind="StudentsMinGapsBetweenBuildingChanges", students="Y2", value=0))
    scenario = _with(*rules)

    def lesson(ident: int, day: int, period: int, room: str, length: int = 1) -> LessonPlacement:
        return LessonPlacement(key=f"A{ident}", class_id="-", school="school", subject="x", teacher="",
                               day=Weekday.of_index(day), fet_day=day, period=period, length=length, room=room)

    # T1: A1 in L1 (Main) then A4 in L2 (Annex) right after, on Monday.
    lessons = (lesson(1, 0, 1, "L1"), lesson(4, 0, 2, "L2"), lesson(2, 1, 1, "L2", 2), lesson(3, 0, 1, "Hall"),
               lesson(5, 0, 2, "Hall"))
    found = verify(scenario, Solution(district="x", seed=0, lessons=lessons))
    broken = {v.rule for v in found}
    assert broken == {"fet_rooms.TeacherMaxBuildingChangesPerDay", "fet_rooms.TeacherMaxBuildingChangesPerWeek",
                      "fet_rooms.TeacherMinGapsBetweenBuildingChanges"}, found  # Y2 has one building a day
    assert any("broken by teacher T1 on Mon" in v.en for v in found)


def test_building_changes_solve_verify_and_write_back(tmp_path):
    from models.explicit import RoomRule

    scenario = _with(RoomRule(kind="TeacherMaxBuildingChangesPerDay", value=0),
                     RoomRule(kind="StudentsMinGapsBetweenBuildingChanges", value=1))
    result = solve_scenario(scenario, time_limit=20, effort=2)
    assert result.solution is not None, (result.status, result.explanation)
    assert verify(scenario, result.solution) == []
    path = tmp_path / "back.fet"
    path.write_bytes(write_fet(scenario))
    assert read_fet(path).explicit.room_rules == scenario.explicit.room_rules


def test_solve_says_the_timetable_is_partial_when_the_import_left_something_out(tmp_path):
    from cli import main

    text = ROOMS.read_text(encoding="utf-8").replace("</Time_Constraints_List>", (
        "<ConstraintStudentsSetMaxDaysPerWeek><Weight_Percentage>100</Weight_Percentage><Students>Y1</Students>"
        "<Max_Days_Per_Week>2</Max_Days_Per_Week><Active>true</Active></ConstraintStudentsSetMaxDaysPerWeek>"
        "</Time_Constraints_List>"))
    source = tmp_path / "span.fet"
    source.write_text(text, encoding="utf-8")
    folder, out = tmp_path / "school", tmp_path / "published"
    runner = CliRunner()
    imported = runner.invoke(main, ["--lang", "en", "import-fet", str(source), "--out", str(folder)])
    assert imported.exit_code == 0 and "  - StudentsSetMaxDaysPerWeek: 1" in imported.output, \
        imported.output
    solved = runner.invoke(main, ["--lang", "en", "solve", str(folder), "--out", str(out), "--effort", "2", "--quiet"])
    assert solved.exit_code == 0, solved.output
    assert ("partial: this timetable does not consider the constraints the import left out: "
            "StudentsSetMaxDaysPerWeek (1)") in solved.output


def test_an_activity_no_room_can_seat_is_named_when_no_timetable_exists(tmp_path):
    text = ROOMS.read_text(encoding="utf-8").replace(
        "<Name>Hall</Name><Building>Main</Building><Capacity>100</Capacity>",
        "<Name>Hall</Name><Building>Main</Building><Capacity>10</Capacity>")  # Y3 (40 students) fits nowhere
    path = tmp_path / "small.fet"
    path.write_text(text, encoding="utf-8")
    result = solve_scenario(read_fet(path), time_limit=20, effort=2)
    assert result.status == "infeasible"
    assert [c.en for c in result.explanation] == [
        "activity 3 (Art) needs a room, but no room is allowed by all its hard room constraints and seats its students"]


def _virtual(tmp_path: Path) -> Path:
    """The fixture with a virtual room "Both" (one of L1, L2 and the Hall) for the ``big`` activity 3."""
    text = ROOMS.read_text(encoding="utf-8").replace("</Rooms_List>", (
        "<Room><Name>Both</Name><Building></Building><Capacity>100</Capacity><Virtual>true</Virtual>"
        "<Number_of_Sets_of_Real_Rooms>2</Number_of_Sets_of_Real_Rooms>"
        "<Set_of_Real_Rooms><Number_of_Real_Rooms>2</Number_of_Real_Rooms><Real_Room>L1</Real_Room>"
        "<Real_Room>L2</Real_Room></Set_of_Real_Rooms>"
        "<Set_of_Real_Rooms><Number_of_Real_Rooms>1</Number_of_Real_Rooms><Real_Room>Hall</Real_Room>"
        "</Set_of_Real_Rooms></Room></Rooms_List>")).replace(
        "<Activity_Tag>big</Activity_Tag><Room>Hall</Room>", "<Activity_Tag>big</Activity_Tag><Room>Both</Room>")
    path = tmp_path / "virtual.fet"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_virtual_room_takes_one_real_room_of_each_set(tmp_path):
    scenario = read_fet(_virtual(tmp_path))
    both = next(r for r in scenario.explicit.rooms if r.name == "Both")
    assert both.sets == (("L1", "L2"), ("Hall",)) and scenario.explicit.left_out == ()
    result = solve_scenario(scenario, time_limit=20, effort=2)
    assert result.solution is not None, (result.status, result.explanation)
    assert verify(scenario, result.solution) == []
    a3 = next(x for x in result.solution.lessons if x.key == "A3")
    assert a3.room == "Both" and a3.real_rooms[0] in ("L1", "L2") and a3.real_rooms[1] == "Hall"
    taken = {(r, x.fet_day, p) for x in result.solution.lessons for r in (x.room, *x.real_rooms) if r
             for p in x.periods()}
    assert len(taken) == sum(x.length * (1 + len(x.real_rooms)) for x in result.solution.lessons if x.room)
    wrong = tuple(x.model_copy(update={"real_rooms": ("Hall", "L1")}) if x.key == "A3" else x
                  for x in result.solution.lessons)
    assert "fet_rooms.virtual" in {v.rule for v in verify(scenario, result.solution.model_copy(update={"lessons": wrong}))}
    path = tmp_path / "back.fet"
    path.write_bytes(write_fet(scenario))
    assert read_fet(path).explicit.rooms == scenario.explicit.rooms
    write_scenario(scenario, tmp_path / "folder")
    assert load_scenario(tmp_path / "folder") == scenario


@needs_fet_cl
def test_fet_cl_solves_the_export_of_a_file_with_a_virtual_room(tmp_path):
    path = tmp_path / "back.fet"
    path.write_bytes(write_fet(read_fet(_virtual(tmp_path))))
    subprocess.run(["fet-cl", f"--inputfile={path}", f"--outputdir={tmp_path / 'fet'}", "--timelimitseconds=20"],
                   capture_output=True, text=True, timeout=80)
    assert "Simulation successful" in (tmp_path / "fet" / "logs" / "result.txt").read_text(errors="replace")


def _same_room_if_consecutive():
    """A4 then A1 straight after (Y1 and T1's two activities), A4 only in L1, and A1 wished (90 %) in L2: the
    rule keeps A1 in L1 at the wish's cost, where without it A1 would go to L2 for free."""
    from models.explicit import RoomRule, TimeRule

    scenario = _with(RoomRule(kind="ActivityPreferredRoom", activities=(4,), rooms=("L1",)),
                     RoomRule(kind="ActivityPreferredRoom", weight=90, activities=(1,), rooms=("L2",)),
                     RoomRule(kind="ActivitiesSameRoomIfConsecutive", activities=(1, 4, 3)))
    tt = scenario.explicit
    return scenario.model_copy(update={"explicit": tt.model_copy(update={
        "rules": tt.rules + (TimeRule(kind="TwoActivitiesConsecutive", activities=(4, 1)),)})})


def test_activities_same_room_if_consecutive_solves_and_verifies():
    scenario = _same_room_if_consecutive()
    result = solve_scenario(scenario, time_limit=20, effort=2)
    assert result.solution is not None, (result.status, result.explanation)
    assert verify(scenario, result.solution) == []
    room = {x.key: x.room for x in result.solution.lessons}
    assert room["A1"] == room["A4"] == "L1"
    assert result.objective == 90 + 80  # the wish for L2 is what the rule costs (80: A4 is Art, wished in L2 or Hall)
    without = scenario.model_copy(update={"explicit": scenario.explicit.model_copy(update={
        "room_rules": scenario.explicit.room_rules[:-1]})})
    free = solve_scenario(without, time_limit=20, effort=2)
    assert {x.key: x.room for x in free.solution.lessons}["A1"] == "L2" and free.objective == 80


def test_verify_flags_consecutive_activities_in_two_rooms():
    from models import LessonPlacement, Solution, Weekday

    def lesson(ident: int, day: int, period: int, room: str | None, length: int = 1) -> LessonPlacement:
        return LessonPlacement(key=f"A{ident}", class_id="-", school="school", subject="x", teacher="",
                               day=Weekday.of_index(day), fet_day=day, period=period, length=length, room=room)

    scenario = _same_room_if_consecutive()
    apart = (lesson(4, 0, 1, "L1"), lesson(1, 0, 2, "L2"), lesson(2, 1, 1, "L2", 2), lesson(3, 1, 1, "Hall"),
             lesson(5, 0, 1, "Hall"))
    found = [v.rule for v in verify(scenario, Solution(district="x", seed=0, lessons=apart))]
    assert found == ["fet_rooms.ActivitiesSameRoomIfConsecutive"]


def _shared_virtual_room(tmp_path: Path) -> Path:
    """One hour in the week and two sport lessons in it, both in the virtual room "Sport" (a hall of H1/H2 and a
    changing room of C1/C2): they can only share the virtual room, each with its own real rooms."""
    lesson = ("<Activity><Teacher>{t}</Teacher><Subject>PE</Subject><Students>{s}</Students><Duration>1</Duration>"
              "<Total_Duration>1</Total_Duration><Id>{i}</Id><Activity_Group_Id>0</Activity_Group_Id>"
              "<Active>true</Active></Activity>")
    real = "".join(f"<Room><Name>{n}</Name><Building></Building><Capacity>30</Capacity><Virtual>false</Virtual></Room>"
                   for n in ("H1", "H2", "C1", "C2"))
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<fet version="6.8.5"><Institution_Name>shared</Institution_Name>'
        "<Days_List><Number_of_Days>1</Number_of_Days><Day><Name>Mon</Name></Day></Days_List>"
        "<Hours_List><Number_of_Hours>1</Number_of_Hours><Hour><Name>1</Name></Hour></Hours_List>"
        "<Subjects_List><Subject><Name>PE</Name></Subject></Subjects_List>"
        "<Teachers_List><Teacher><Name>T1</Name></Teacher><Teacher><Name>T2</Name></Teacher></Teachers_List>"
        "<Students_List><Year><Name>Y1</Name><Number_of_Students>20</Number_of_Students></Year>"
        "<Year><Name>Y2</Name><Number_of_Students>20</Number_of_Students></Year></Students_List>"
        f"<Activities_List>{lesson.format(t='T1', s='Y1', i=1)}{lesson.format(t='T2', s='Y2', i=2)}</Activities_List>"
        f"<Buildings_List></Buildings_List><Rooms_List>{real}"
        "<Room><Name>Sport</Name><Building></Building><Capacity>30000</Capacity><Virtual>true</Virtual>"
        "<Number_of_Sets_of_Real_Rooms>2</Number_of_Sets_of_Real_Rooms>"
        "<Set_of_Real_Rooms><Number_of_Real_Rooms>2</Number_of_Real_Rooms><Real_Room>H1</Real_Room>"
        "<Real_Room>H2</Real_Room></Set_of_Real_Rooms>"
        "<Set_of_Real_Rooms><Number_of_Real_Rooms>2</Number_of_Real_Rooms><Real_Room>C1</Real_Room>"
        "<Real_Room>C2</Real_Room></Set_of_Real_Rooms></Room></Rooms_List>"
        "<Time_Constraints_List><ConstraintBasicCompulsoryTime><Weight_Percentage>100</Weight_Percentage>"
        "<Active>true</Active></ConstraintBasicCompulsoryTime></Time_Constraints_List>"
        "<Space_Constraints_List><ConstraintBasicCompulsorySpace><Weight_Percentage>100</Weight_Percentage>"
        "<Active>true</Active></ConstraintBasicCompulsorySpace>"
        "<ConstraintSubjectPreferredRoom><Weight_Percentage>100</Weight_Percentage><Subject>PE</Subject>"
        "<Room>Sport</Room><Active>true</Active></ConstraintSubjectPreferredRoom></Space_Constraints_List></fet>\n")
    path = tmp_path / "shared.fet"
    path.write_text(text, encoding="utf-8")
    return path


def test_two_activities_share_a_virtual_room_at_once_through_different_real_rooms(tmp_path):
    scenario = read_fet(_shared_virtual_room(tmp_path))
    assert scenario.explicit.left_out == ()
    result = solve_scenario(scenario, time_limit=20, effort=2)
    assert result.solution is not None, (result.status, [c.en for c in result.explanation])
    assert verify(scenario, result.solution) == []
    lessons = sorted(result.solution.lessons, key=lambda x: x.key)
    assert [x.room for x in lessons] == ["Sport", "Sport"]
    assert {x.real_rooms[0] for x in lessons} == {"H1", "H2"} and {x.real_rooms[1] for x in lessons} == {"C1", "C2"}
    # Both in the same hall is a clash of the real room, which verify names.
    same = tuple(x.model_copy(update={"real_rooms": ("H1", x.real_rooms[1])}) for x in result.solution.lessons)
    found = verify(scenario, result.solution.model_copy(update={"lessons": same}))
    assert [v.rule for v in found] == ["fet_rooms.clash"] and "H1" in found[0].en


@needs_fet_cl
def test_fet_cl_too_puts_two_activities_in_one_virtual_room_at_once(tmp_path):
    path = _shared_virtual_room(tmp_path)
    subprocess.run(["fet-cl", f"--inputfile={path}", f"--outputdir={tmp_path / 'fet'}", "--timelimitseconds=20"],
                   capture_output=True, text=True, timeout=80)
    assert "Simulation successful" in (tmp_path / "fet" / "logs" / "result.txt").read_text(errors="replace")
