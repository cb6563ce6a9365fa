"""Min gaps between an ordered pair of activity tags (FET's Teacher/Teachers/StudentsSet/Students…MinGapsBetween
OrderedPairOfActivityTags): read, solved, checked, kept in the scenario folder and written back.

``tests/fixtures/fet_tag_pair.fet`` is hand-written: one day of four hours; year Y1 with groups G1 and G2;
activity 1 (T, Y1, tag L) fixed at hour 1, activity 2 (U, G1, tag P, two hours) preferably (50 %) at hour 2,
activity 3 (T, G2, tag P). Its rules, all hard (FET accepts this kind at 100 % only): every students set
L → P at least 1 hour apart, G1 L → P 1 hour, teacher T L → P 2 hours, every teacher P → L 3 hours. The only
timetable is 1 at hour 1, 2 at hours 3-4 and 3 at hour 4 (fet-cl finds the same): 2 cannot follow 1 straight
away, and 3 must wait two hours after 1. P → L holds since no P activity comes before an L one (the order counts:
read both ways, 3 after 1 would be 2 hours apart, fewer than 3).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from constraints.checks import load_solution, verify
from constraints.checks.rules import broken_weights
from models import Weekday
from models.fet import read_fet
from models.fet.writer import write_fet
from models.files import write_scenario
from models.solution import LessonPlacement, Solution
from models.validation import load_scenario
from scheduler.timetable.solve import solve_scenario

FIXTURE = Path(__file__).parent / "fixtures" / "fet_tag_pair.fet"
STUDENTS = "StudentsMinGapsBetweenOrderedPairOfActivityTags"
TEACHER = "TeacherMinGapsBetweenOrderedPairOfActivityTags"
needs_fet_cl = pytest.mark.skipif(shutil.which("fet-cl") is None, reason=(
    "fet-cl is not installed (Debian package fet); the export round trip needs it"))


def _pair_rules(scenario):
    return [r for r in scenario.explicit.rules if "OrderedPair" in r.kind]


def _without_pair_rules(scenario):
    tt = scenario.explicit
    return scenario.model_copy(update={"explicit": tt.model_copy(update={
        "rules": tuple(r for r in tt.rules if "OrderedPair" not in r.kind)})})


def _lesson(ident: int, hour: int, length: int = 1) -> LessonPlacement:
    """Activity ``ident`` on Monday from ``hour`` (counted from 1)."""
    return LessonPlacement(key=f"A{ident}", class_id="-", school="school", subject="x", teacher="",
                           day=Weekday.of_index(0), period=hour, length=length)


def _timetable(one: int, two: int, three: int) -> Solution:
    return Solution(district="tag pair test", seed=0,
                    lessons=(_lesson(1, one), _lesson(2, two, 2), _lesson(3, three)))


def test_the_four_forms_are_read_into_two_normal_kinds_with_both_tags_activities():
    scenario = read_fet(FIXTURE)
    assert scenario.explicit.left_out == () and not scenario.not_imported
    rules = [(r.kind, r.teacher, r.students, r.tag, r.activities, r.second_tag, r.second, r.value)
             for r in _pair_rules(scenario)]
    assert rules == [(STUDENTS, "", "", "L", (1,), "P", (2, 3), 1),
                     (STUDENTS, "", "G1", "L", (1,), "P", (2, 3), 1),
                     (TEACHER, "T", "", "L", (1,), "P", (2, 3), 2),
                     (TEACHER, "", "", "P", (2, 3), "L", (1,), 3)]


def test_an_unconstrained_solve_breaks_the_rules_and_the_checker_says_so():
    scenario = read_fet(FIXTURE)
    free = solve_scenario(_without_pair_rules(scenario), time_limit=20, effort=5, workers=1)
    assert free.solution is not None
    at = {x.key: x.period for x in free.solution.lessons}
    assert at["A2"] == 2  # the weighted preference, right after activity 1
    kinds = {v.rule for v in verify(scenario, free.solution)}
    assert f"fet.{STUDENTS}" in kinds


def test_the_solved_timetable_keeps_every_pair_rule():
    scenario = read_fet(FIXTURE)
    result = solve_scenario(scenario, time_limit=20, effort=5, workers=1)
    assert result.solution is not None, result.explanation
    assert verify(scenario, result.solution) == []
    at = {x.key: x.period for x in result.solution.lessons}
    assert at == {"A1": 1, "A2": 3, "A3": 4}  # as fet-cl places them
    assert broken_weights(scenario, result.solution) == 50  # the preferred hour of activity 2 gives way


def test_the_checker_flags_too_short_gaps_in_the_rule_s_order_only():
    scenario = read_fet(FIXTURE)
    # 2 straight after 1 (students G1: 0 hours), 3 one hour after 1 (teacher T: fewer than 2).
    found = verify(scenario, _timetable(1, 2, 3))
    assert sorted({v.rule for v in found}) == [f"fet.{STUDENTS}", f"fet.{TEACHER}"], found
    texts = " ".join(v.en for v in found)
    assert "students G1: activity 2 (P) starts 0 hours after activity 1 (L) ends on Mon, fewer than 1" in texts
    assert "teacher T: activity 3 (P) starts 1 hours after activity 1 (L) ends on Mon, fewer than 2" in texts
    assert "students G2" not in texts  # 3 comes 1 hour after 1 for G2: enough
    assert any("教师 T：Mon 活动 3（P）在活动 1（L）结束后 1 节就开始，少于 2 节" in v.zh for v in found)
    # 3 (P) straight before 1 (L): only the P → L rule of every teacher minds; L → P says nothing of it.
    found = verify(scenario, _timetable(2, 3, 1))
    texts = " ".join(v.en for v in found if v.rule == f"fet.{TEACHER}")
    assert texts.count("starts") == 1
    assert "teacher T: activity 1 (L) starts 0 hours after activity 3 (P) ends on Mon, fewer than 3" in texts


def test_a_weighted_pair_rule_is_kept_when_it_weighs_more_than_what_it_costs():
    scenario = read_fet(FIXTURE)
    tt = scenario.explicit
    only_g1 = tuple(r for r in tt.rules if "OrderedPair" not in r.kind or r.students == "G1")

    def solve_with(weight: float) -> dict[str, int]:
        rules = tuple(r.model_copy(update={"weight": weight}) if r.students == "G1" else r for r in only_g1)
        weighted = scenario.model_copy(update={"explicit": tt.model_copy(update={"rules": rules})})
        result = solve_scenario(weighted, time_limit=20, effort=5, workers=1)
        assert result.solution is not None and verify(weighted, result.solution) == []
        assert broken_weights(weighted, result.solution) == min(weight, 50)
        return {x.key: x.period for x in result.solution.lessons}

    assert solve_with(70)["A2"] == 3  # the pair rule (70) outweighs the preferred hour (50)
    assert solve_with(30)["A2"] == 2  # and not when it weighs 30


def test_the_scenario_folder_and_fet_export_keep_the_rules(tmp_path):
    scenario = read_fet(FIXTURE)
    write_scenario(scenario, tmp_path / "s")
    assert load_scenario(tmp_path / "s") == scenario
    back = tmp_path / "back.fet"
    back.write_bytes(write_fet(scenario))
    assert read_fet(back).explicit.rules == scenario.explicit.rules
    text = back.read_text(encoding="utf-8")
    for form in ("Students", "StudentsSet", "Teacher", "Teachers"):
        assert f"<Constraint{form}MinGapsBetweenOrderedPairOfActivityTags>" in text


def test_cli_imports_solves_verifies_and_exports_the_rules(tmp_path):
    from cli import main

    folder, out, back = tmp_path / "school", tmp_path / "published", tmp_path / "back.fet"
    runner = CliRunner()
    imported = runner.invoke(main, ["--lang", "en", "import-fet", str(FIXTURE), "--out", str(folder)])
    assert imported.exit_code == 0, imported.output
    assert "left out" not in imported.output.lower()
    solved = runner.invoke(main, ["--lang", "en", "solve", str(folder), "--out", str(out), "--time-limit", "10",
                                  "--workers", "1"])
    assert solved.exit_code == 0, solved.output
    checked = runner.invoke(main, ["--lang", "en", "verify", str(folder), str(out)])
    assert checked.exit_code == 0 and "0 violations" in checked.output, checked.output
    at = {x.key: x.period for x in load_solution(out / "solution.json").lessons}
    assert at == {"A1": 1, "A2": 3, "A3": 4}
    exported = runner.invoke(main, ["--lang", "en", "export-fet", str(folder), "--out", str(back)])
    assert exported.exit_code == 0, exported.output
    assert read_fet(back).explicit.rules == read_fet(FIXTURE).explicit.rules


@needs_fet_cl
def test_fet_cl_reads_the_export_and_places_as_tongbu_does(tmp_path):
    back = tmp_path / "back.fet"
    back.write_bytes(write_fet(read_fet(FIXTURE)))
    out = tmp_path / "fet"
    done = subprocess.run(["fet-cl", f"--inputfile={back}", f"--outputdir={out}", "--timelimitseconds=10"],
                          capture_output=True, text=True, timeout=70)
    assert "Simulation successful" in done.stdout + done.stderr, (done.stdout + done.stderr)[-2000:]
    placed = (out / "timetables" / "back" / "back_activities.xml").read_text(encoding="utf-8-sig")
    for ident, hour in ((1, 1), (2, 3), (3, 4)):
        assert f"<Id>{ident}</Id>" in placed
        assert f"<Activity>\n\t<Id>{ident}</Id>\n\t<Day>Mon</Day>\n\t<Hour>{hour}</Hour>" in placed
