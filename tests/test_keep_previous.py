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
    result = solve_scenario(scenario, effort=6, seed=0, workers=2)
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
    result = solve_scenario(changed, effort=6, seed=0, workers=2, previous=before)
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
