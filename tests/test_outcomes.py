"""Honest outcomes of ``tongbu solve``: impossible only when proven, a time-out is its own exit code, parts
without a timetable are never kept, checkpoints cannot run code, killed publishes are cleaned up, and
progress reaches stderr whether or not it is a terminal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

import cli
from constraints.checks import verify
from models import PartReport, Teacher
from models.errors import EXIT_IMPOSSIBLE, EXIT_NOT_FOUND, Impossible, NotFoundInTime
from models.files import write_scenario
from scheduler.executor import Checkpoints
from scheduler.timetable.part import Conflict, PartInput, PartOutput
from scheduler.publish import remove_stale_staging, staging_folder
from scheduler.timetable.solve import SolveResult, _part_inputs, failure_of, solve_scenario
from tests.test_solver_scenarios import tiny_scenario

ROOT = Path(__file__).resolve().parent.parent


def _report(status: str) -> PartReport:
    return PartReport(id="第一教共体", schools=("甲校",), status=status, objective=None, bound=None, gap=None)


def test_a_part_without_a_timetable_in_its_time_is_not_called_impossible() -> None:
    error = failure_of(SolveResult(status="unknown", solution=None, parts=(_report("unknown"),)))
    assert isinstance(error, NotFoundInTime) and error.exit_code == EXIT_NOT_FOUND == 4
    assert "one may exist" in error.text("en") and "longer --time-limit" in error.text("en")
    assert "课表可能存在" in error.text("zh") and "第一教共体" in error.text("zh")


def test_a_proven_impossibility_is_exit_3_with_its_explanation() -> None:
    conflict = Conflict(kind="daily_limit", ref="t1", en="teacher 王芳 teaches at most 1 period a day",
                        zh="王芳老师每天最多上 1 节课")
    error = failure_of(SolveResult(status="infeasible", solution=None, parts=(_report("infeasible"),),
                                   explanation=(conflict,)))
    assert isinstance(error, Impossible) and error.exit_code == EXIT_IMPOSSIBLE == 3
    assert error.text("zh").splitlines() == ["不存在满足全部要求的课表：", "  - 王芳老师每天最多上 1 节课"]


def test_cli_exit_code_4_when_no_timetable_was_found_in_time(tmp_path, monkeypatch) -> None:
    folder = tmp_path / "county"
    folder.mkdir()
    write_scenario(tiny_scenario(), folder)
    monkeypatch.setattr("scheduler.timetable.solve.solve_scenario",
                        lambda *a, **k: SolveResult(status="unknown", solution=None, parts=(_report("unknown"),)))
    result = CliRunner().invoke(cli.main, ["--lang", "en", "solve", str(folder), "--out", str(tmp_path / "out")])
    assert result.exit_code == 4, result.output
    assert "No timetable was found in the time given; one may exist" in result.output
    assert "No timetable exists" not in result.output


def test_a_huge_weekly_limit_does_not_draw_every_class_to_one_teacher() -> None:
    # Four classes of 语文 (5 periods each) and two teachers; 王芳 declares max_weekly 1000. Her real
    # capacity is her daily limit times the week's days (4 x 5 = 20), so the classes are shared out.
    base = tiny_scenario()
    classes = base.classes + tuple(c.model_copy(update={"id": f"甲校-4-{n}", "section": n}) for c, n in
                                   ((base.classes[0], 3), (base.classes[0], 4)))
    teachers = (Teacher(id="t语文", name="王芳", school="甲校", subjects=("语文",), max_weekly=1000, max_daily=4),
                Teacher(id="t语文2", name="陈静", school="甲校", subjects=("语文",)),
                Teacher(id="t数学", name="李强", school="甲校", subjects=("数学",), max_weekly=20, max_daily=4),
                Teacher(id="t音乐", name="赵敏", school="甲校", subjects=("音乐",)))
    scenario = base.model_copy(update={"classes": classes, "teachers": teachers})
    result = solve_scenario(scenario, time_limit=10, seed=0, workers=1)
    assert result.solution is not None, [c.en for c in result.explanation]
    assert verify(scenario, result.solution) == []
    chinese = {lesson.teacher for lesson in result.solution.lessons if lesson.subject == "语文"}
    assert chinese == {"t语文", "t语文2"}


def _one_part(scenario) -> PartInput:
    return _part_inputs(scenario, 0, 5.0, 1)[0]


def test_checkpoints_keep_only_parts_with_a_timetable(tmp_path) -> None:
    part = _one_part(tiny_scenario())
    store = Checkpoints(tmp_path)
    for status in ("infeasible", "unknown"):
        store.save(part, PartOutput(id=part.id, schools=part.schools, status=status, objective=None, bound=None,
                                    gap=None))
        assert list(tmp_path.iterdir()) == [] and store.load(part) is None


def test_checkpoints_are_json_that_round_trips_and_a_planted_file_cannot_run_code(tmp_path) -> None:
    scenario = tiny_scenario()
    part = _one_part(scenario)
    result = solve_scenario(scenario, time_limit=5, seed=0, workers=1)
    output = result.outputs[0]
    store = Checkpoints(tmp_path)
    store.save(part, output)
    (saved,) = tmp_path.glob("*.json")
    assert store.load(part) == output
    document = json.loads(saved.read_text(encoding="utf-8"))
    assert document["key"] == store.key(part)
    # A pickle that would run code if unpickled, planted under every name a loader might try: ignored.
    marker = tmp_path / "pwned"
    payload = (b"cos\nsystem\n(S'touch " + str(marker).encode() + b"'\ntR.")
    for name in (saved.with_suffix(".pickle"), saved):
        name.write_bytes(payload)
    assert store.load(part) is None and not marker.exists()
    # A well-formed file under this part's name but for another key is not taken either.
    saved.write_text(json.dumps({**document, "key": "0" * 32}), encoding="utf-8")
    assert store.load(part) is None


def test_stale_staging_folders_of_killed_publishes_are_removed(tmp_path) -> None:
    out = tmp_path / "published"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    stale = [tmp_path / f".published.staging-{dead_pid}-abc", tmp_path / f".published.old-{dead_pid}-def"]
    alive = tmp_path / f".published.staging-{os.getpid()}-xyz"
    other = tmp_path / f".elsewhere.staging-{dead_pid}-abc"
    for folder in (*stale, alive, other):
        folder.mkdir()
        (folder / "solution.json").write_text("{}", encoding="utf-8")
    assert sorted(remove_stale_staging(out)) == sorted(stale)
    assert alive.exists() and other.exists() and not any(p.exists() for p in stale)
    fresh = staging_folder(out)
    assert fresh.name.startswith(f".published.staging-{os.getpid()}-") and fresh.is_dir()


def test_progress_lines_reach_stderr_when_it_is_not_a_terminal(tmp_path) -> None:
    folder = tmp_path / "county"
    folder.mkdir()
    write_scenario(tiny_scenario(), folder)
    command = [sys.executable, "-m", "cli", "--lang", "en", "solve", str(folder), "--out", str(tmp_path / "out"),
               "--time-limit", "3", "--workers", "1"]
    run = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, stdin=subprocess.DEVNULL)
    assert run.returncode == 0, run.stderr
    assert "solving 1 parts (2 classes)" in run.stderr
    assert "[1/1] 第一教共体" not in run.stdout and "[1/1] " in run.stderr
    quiet = subprocess.run(command[:-4] + ["--out", str(tmp_path / "out2"), "--quiet", "--time-limit", "3",
                                           "--workers", "1"],
                           capture_output=True, text=True, cwd=ROOT, stdin=subprocess.DEVNULL)
    assert quiet.returncode == 0 and "[1/1]" not in quiet.stderr
