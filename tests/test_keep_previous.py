"""Minimal-change re-solving (``tongbu solve --previous``): a permanent change moves few lessons, the
schools it does not touch keep their published lessons exactly, and what moved is counted from the two
timetables alone (constraints/checks/stability.py), not from the solver's model."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from constraints.checks import verify
from constraints.checks.stability import check_kept, moves_by_school
from models import SlotRange, Weekday
from scheduler.timetable.solve import solve_scenario
from test_solver_scenarios import county_scenario


@pytest.fixture(scope="module")
def published():
    scenario = county_scenario(consortia=1, villages=2)
    result = solve_scenario(scenario, effort=4, seed=0, workers=2)
    assert result.solution is not None and not verify(scenario, result.solution)
    return scenario, result.solution


def _monday_morning_training(scenario):
    """One maths teacher of the lead school now trains every Monday morning (periods 1-4)."""
    victim = next(t for t in scenario.teachers if t.school == scenario.schools[0].id and "数学" in t.subjects)
    changed = victim.model_copy(update={"unavailable": (SlotRange(day=Weekday.MON, first=1, last=4),)})
    teachers = tuple(changed if t.id == victim.id else t for t in scenario.teachers)
    # A new Scenario, not model_copy: the copy would keep the cached lookups (teacher_by_id) of the original.
    fields = {name: getattr(scenario, name) for name in type(scenario).model_fields}
    return type(scenario)(**{**fields, "teachers": teachers}), victim.id


def test_a_teachers_new_training_morning_moves_few_lessons(published) -> None:
    scenario, before = published
    changed, victim = _monday_morning_training(scenario)
    assert any(x.teacher == victim and x.day == Weekday.MON and x.period <= 4 for x in before.lessons)
    result = solve_scenario(changed, effort=4, seed=0, workers=2, previous=before)
    after = result.solution
    assert after is not None and verify(changed, after) == []
    assert not any(x.teacher == victim and x.day == Weekday.MON and x.period <= 4 for x in after.lessons)
    moves = moves_by_school(changed, before, after)
    lessons, moved = sum(m.lessons for m in moves), sum(m.moved for m in moves)
    assert 0 < moved <= 0.05 * lessons, (moved, lessons)
    # Schools that share no teacher and no sync lesson with the change keep every lesson, teacher included.
    assert result.kept_schools and scenario.schools[0].id not in result.kept_schools
    assert check_kept(changed, before, after, result.kept_schools) == []
    assert all(m.moved == 0 for m in moves if m.school in result.kept_schools)


def test_the_kept_check_sees_a_moved_lesson(published) -> None:
    scenario, before = published
    lesson = next(x for x in before.lessons if x.school == scenario.schools[-1].id and x.length == 1)
    taken = {(x.day, x.period) for x in before.lessons if x.class_id == lesson.class_id and x.subject == lesson.subject}
    day = next(d for d in (Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI)
               if (d, lesson.period) not in taken)
    shifted = before.model_copy(update={"lessons": tuple(x.model_copy(update={"day": day}) if x == lesson else x
                                                         for x in before.lessons)})
    found = check_kept(scenario, before, shifted, (lesson.school,))
    assert [v.where for v in found] == [lesson.school]
    (row,) = [m for m in moves_by_school(scenario, before, shifted) if m.school == lesson.school]
    assert row.moved == 1 and row.classes_affected == 1 and row.teachers_affected == 1


def test_previous_without_a_solution_is_bad_input(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(tmp_path / "s")]).exit_code == 0
    (tmp_path / "empty").mkdir()
    done = runner.invoke(main, ["--lang", "en", "solve", str(tmp_path / "s"), "--out", str(tmp_path / "o"),
                                "--previous", str(tmp_path / "empty")])
    assert done.exit_code == 2, done.output
    assert "solution.json" in done.output and "Traceback" not in done.output


def test_cli_publishes_moved_csv_that_verify_recounts(published, tmp_path: Path) -> None:
    """`tongbu solve --previous` on a scenario folder, then `tongbu verify`: moved.csv is recounted from
    the two timetables; a moved.csv that misstates a figure or hides a moved lesson is a violation."""
    from models.files import write_scenario
    from models.solution import solution_json

    scenario, before = published
    changed, _victim = _monday_morning_training(scenario)
    write_scenario(changed, tmp_path / "county")
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "solution.json").write_text(solution_json(before), encoding="utf-8")
    runner = CliRunner()
    done = runner.invoke(main, ["--lang", "en", "solve", str(tmp_path / "county"), "--out", str(tmp_path / "new"),
                                "--previous", str(tmp_path / "old"), "--effort", "4", "--quiet"])
    assert done.exit_code == 0, done.output
    assert "kept the published timetable:" in done.output
    checked = runner.invoke(main, ["--lang", "en", "verify", str(tmp_path / "county"), str(tmp_path / "new")])
    assert checked.exit_code == 0, checked.output
    moved = tmp_path / "new" / "moved.csv"
    lines = moved.read_text(encoding="utf-8-sig").splitlines()
    changed_row = next(i for i, line in enumerate(lines[1:], 1)
                       if int(line.split(",")[3]) + int(line.split(",")[4]) > 0)
    cells = lines[changed_row].split(",")
    cells[7] = "是 yes"  # claim the changed school was kept as published
    lines[changed_row] = ",".join(cells)
    moved.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    tampered = runner.invoke(main, ["--lang", "en", "verify", str(tmp_path / "county"), str(tmp_path / "new")])
    assert tampered.exit_code == 1 and "was to keep its published timetable" in tampered.output, tampered.output
