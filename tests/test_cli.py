"""The CLI's surface: every command listed with one line of help, in English and Chinese."""

from __future__ import annotations

from click.testing import CliRunner

import cli

COMMANDS = ("validate", "describe", "init", "schema", "solve", "verify", "plan-activities", "draw", "plan-exchange",
            "verify-plan", "serve", "tokens", "substitute")


def test_help_lists_every_command_with_one_line_each() -> None:
    result = CliRunner().invoke(cli.main, ["--lang", "en", "--help"])
    assert result.exit_code == 0
    lines = result.output.split("Commands:")[1].splitlines()
    listed = {line.split()[0] for line in lines if line.startswith("  ") and not line.startswith("   ")}
    assert set(COMMANDS) <= listed


def test_help_in_chinese() -> None:
    result = CliRunner().invoke(cli.main, ["--lang", "zh", "--help"])
    assert result.exit_code == 0
    assert "检查方案文件夹" in result.output
    assert "显示本帮助并退出" in result.output
    assert "Check a scenario folder" not in result.output


def test_locale_picks_the_default_language(monkeypatch) -> None:
    monkeypatch.setenv("TONGBU_LANG", "zh_CN.UTF-8")
    result = CliRunner().invoke(cli.main, ["validate", "--help"])
    assert "检查方案文件夹" in result.output


def test_missing_folder_is_bad_input_not_a_traceback(tmp_path) -> None:
    result = CliRunner().invoke(cli.main, ["--lang", "en", "validate", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)
    assert "does not exist" in result.output


def test_init_writes_a_scenario_that_validates(tmp_path) -> None:
    folder = tmp_path / "county"
    runner = CliRunner()
    assert runner.invoke(cli.main, ["init", str(folder)]).exit_code == 0
    assert (folder / "scenario.xlsx").is_file() and (folder / "scenario.yaml").is_file()
    result = runner.invoke(cli.main, ["--lang", "en", "validate", str(folder)])
    assert result.exit_code == 0, result.output
    assert "no problems found" in result.output
    again = runner.invoke(cli.main, ["init", str(folder)])
    assert again.exit_code == 2
