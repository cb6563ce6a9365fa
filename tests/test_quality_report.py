"""The quality report (课表质量报告): what solve writes, verify recounts, and a wrong figure or penalty is caught."""

from __future__ import annotations

import json

from click.testing import CliRunner

import cli
from constraints.checks.quality import check_report, penalties
from models.files import write_scenario
from models.preferences import QualityRules
from reports.quality import quality_report, report_json
from scheduler.timetable.solve import solve_scenario
from tests.test_solver_scenarios import tiny_scenario


def _solved():
    scenario = tiny_scenario(quality=QualityRules(class_day=4, pe_not_first="off", pe_not_after_lunch="off"))
    result = solve_scenario(scenario, time_limit=30, effort=5, workers=1)
    assert result.solution is not None
    return scenario, result


def test_the_solvers_penalties_are_those_of_the_definitions() -> None:
    scenario, result = _solved()
    assert result.penalties() == {k: v for k, v in penalties(scenario, result.solution).items() if v}
    assert result.objective == sum(penalties(scenario, result.solution).values())


def test_a_wrong_figure_or_penalty_in_the_report_is_caught() -> None:
    scenario, result = _solved()
    report = json.loads(report_json(quality_report(scenario, result.solution, result.penalties())))
    assert check_report(scenario, result.solution, report) == []
    report["classes"][0]["holes"] += 1
    report["penalties"]["daily_balance"] = report["penalties"].get("daily_balance", 0) + 7
    found = [(v.rule, v.where) for v in check_report(scenario, result.solution, report)]
    assert ("quality.report", report["classes"][0]["name"]) in found
    assert ("quality.penalty", "daily_balance") in found


def test_solve_writes_the_report_and_prints_the_county_figures(tmp_path) -> None:
    folder, out = tmp_path / "county", tmp_path / "out"
    folder.mkdir()
    write_scenario(tiny_scenario(), folder)
    result = CliRunner().invoke(cli.main, ["--lang", "en", "solve", str(folder), "--out", str(out), "--effort", "3",
                                           "--workers", "1", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "core subjects in the morning" in result.output
    assert {p.name for p in out.iterdir()} >= {"quality.json", "quality.html", "quality.xlsx"}
    assert CliRunner().invoke(cli.main, ["verify", str(folder), str(out)]).exit_code == 0
    report = json.loads((out / "quality.json").read_text(encoding="utf-8"))
    report["county"]["holes"] += 3
    (out / "quality.json").write_text(json.dumps(report), encoding="utf-8")
    assert CliRunner().invoke(cli.main, ["verify", str(folder), str(out)]).exit_code == 1
