"""`tongbu validate` from the command line: Chinese output, exit codes, and the bundled samples."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import cli
from fixtures.validate_base import set_cell, write_base
from models.validation import load_scenario

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SAMPLE_NAMES = ("pengshui", "yangcheng", "zhangping")


@pytest.fixture()
def broken(tmp_path: Path) -> Path:
    folder = write_base(tmp_path / "county")
    set_cell(folder, "classes", 5, "school", "不存在小学")
    set_cell(folder, "teachers", 4, "max_weekly", "很多")
    return folder


def test_lang_zh_validate_on_a_broken_scenario_speaks_chinese(broken: Path) -> None:
    result = CliRunner().invoke(cli.main, ["--lang", "zh", "validate", str(broken)])
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert lines == [
        "错误: classes.csv，第 5 行，列 school (学校): 未知的学校“不存在小学”：schools.csv 中没有",
        "错误: teachers.csv，第 4 行，列 max_weekly (周课时上限): “很多”不是整数",
        "共发现 2 个问题",
    ]


def test_lang_en_validate_on_the_same_scenario(broken: Path) -> None:
    result = CliRunner().invoke(cli.main, ["--lang", "en", "validate", str(broken)])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert result.output.strip().splitlines()[-1] == "2 problem(s) found"
    assert all(line.startswith("error: ") for line in result.output.strip().splitlines()[:-1])
    assert not re.search(r"错误|未知|共发现", result.output.replace("不存在小学", "").replace("(学校)", ""))


def test_warnings_alone_exit_0(tmp_path: Path) -> None:
    folder = write_base(tmp_path / "county")
    rows = (folder / "rooms.csv").read_bytes().decode("utf-8-sig")
    (folder / "rooms.csv").write_bytes(rows.replace("equipment", "equipment,备注", 1).encode("utf-8-sig"))
    result = CliRunner().invoke(cli.main, ["--lang", "zh", "validate", str(folder)])
    assert result.exit_code == 0, result.output
    assert "警告: rooms.csv，第 1 行，列 备注: 列“备注”不是 tongbu 使用的列，已忽略" in result.output
    assert "未发现问题" in result.output


def test_describe_on_a_broken_scenario_is_bad_input_not_a_traceback(broken: Path) -> None:
    result = CliRunner().invoke(cli.main, ["--lang", "zh", "describe", str(broken)])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert "未知的学校“不存在小学”" in result.output


def _sample(name: str) -> Path:
    # The samples are committed: a missing one is a failure, not a reason to skip.
    folder = SAMPLES / name
    assert (folder / "scenario.yaml").is_file(), f"samples/{name}/scenario.yaml is missing"
    return folder


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_samples_validate(name: str) -> None:
    folder = _sample(name)
    for lang in ("en", "zh"):
        result = CliRunner().invoke(cli.main, ["--lang", lang, "validate", str(folder)])
        assert result.exit_code == 0, result.output
        assert result.exception is None


def test_pengshui_summary_shows_its_consortia_and_schools() -> None:
    folder = _sample("pengshui")
    scenario = load_scenario(folder)
    # Counted from the roster table itself, not from the loader, so the summary is checked against the
    # data; the README states the roster's 50 schools in 8 consortia.
    with (folder / "schools.csv").open(encoding="utf-8-sig", newline="") as handle:
        roster = list(csv.DictReader(handle))
    assert len(roster) == 50
    assert len({row["consortium"] for row in roster}) == 8
    result = CliRunner().invoke(cli.main, ["--lang", "en", "validate", str(folder)])
    assert result.exit_code == 0, result.output
    assert len(scenario.consortia) == 8
    assert "8 consortia" in result.output
    assert len(scenario.schools) == len(roster)
    assert "50 schools" in result.output
    zh = CliRunner().invoke(cli.main, ["--lang", "zh", "validate", str(folder)])
    assert "8 个共同体" in zh.output and "50 所学校" in zh.output


def test_copy_of_a_sample_with_one_mistake_fails(tmp_path: Path) -> None:
    source = _sample("pengshui")
    folder = tmp_path / "pengshui"
    shutil.copytree(source, folder)
    assert (folder / "classes.csv").is_file(), "samples/pengshui/classes.csv is missing"
    set_cell(folder, "classes", 2, "grade", "十")
    result = CliRunner().invoke(cli.main, ["--lang", "en", "validate", str(folder)])
    assert result.exit_code == 2
    assert "classes.csv, row 2, column grade" in result.output
