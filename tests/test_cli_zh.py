"""``--lang zh`` is complete: help, click's own texts, errors, the solve summary and verify speak Chinese.

Every output below is searched for English words; what may remain are ids and data (paths, option and
command names, file names, placeholders such as FOLDER) and the product names listed in ALLOWED.
"""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

import cli
from models.files import write_scenario
from tests.test_solver_scenarios import tiny_scenario

#: Words that are names, not sentences: commands, placeholders, formats and products.
ALLOWED = {
    "tongbu", "validate", "solve", "verify", "serve", "describe", "init", "schema", "draw", "tokens", "list",
    "rotate", "revoke", "plan", "activities", "pacing", "exchange", "import", "export", "fet", "FET", "cl", "JSON", "Schema",
    "CSV", "XLSX", "xlsx", "YAML", "yaml", "Excel", "WPS", "UTF", "Dask", "TONGBU", "DASK", "tcp", "webcal",
    "https", "http", "Ctrl", "sha", "ADDRESS", "FOLDER", "OUT", "PATH", "FLOAT", "INTEGER", "TEXT", "FILE",
    "FEEDS", "ACTIVITY", "RULE", "en", "zh", "sync", "remote", "iCalendar", "HTML", "PDF", "BOM", "HOST", "PORT",
    "BASE", "URL", "DIR", "CP", "SAT", "substitute", "PUBLISHED",
}


def _english_words(text: str, data: set[str]) -> set[str]:
    words = set()
    text = re.sub(r"\[[a-z_]+(\|[a-z_]+)+\]", " ", text)  # a choice's values, e.g. [consortium|subject|school]
    for token in re.split(r"[\s，。：；、（）()\[\]“”'\"<>|=,:;]+", text):
        if not token or token.startswith("-") or "/" in token or "." in token or token in data:
            continue
        words |= {w for w in re.findall(r"[A-Za-z]{2,}", token)}
    return {w for w in words if w not in ALLOWED and w not in data}


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli.main, ["--lang", "zh", *args], prog_name="tongbu")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.output


def _help_pages() -> list[tuple[str, ...]]:
    pages: list[tuple[str, ...]] = [("--help",)]
    for name, command in cli.main.commands.items():
        pages.append((name, "--help"))
        for sub in getattr(command, "commands", {}):
            pages.append((name, sub, "--help"))
    return pages


@pytest.mark.parametrize("args", _help_pages(), ids=lambda a: " ".join(a))
def test_every_help_page_is_chinese(args: tuple[str, ...]) -> None:
    output = _run(*args)
    assert "用法：" in output and "选项" in output
    assert _english_words(output, set()) == set(), output


@pytest.mark.parametrize("args", [
    ("solve",), ("solve", "x", "--out", "y", "--time-limit", "abc"), ("nosuch",), ("validate", "a", "b"),
    ("solve", "x", "--bogus"), ("tokens", "list"),
])
def test_clicks_own_errors_are_chinese(args: tuple[str, ...]) -> None:
    output = _run(*args)
    assert "错误：" in output
    assert _english_words(output, {"x", "y", "abc", "nosuch", "a", "b", "bogus"}) == set(), output


def test_a_solve_and_its_check_speak_chinese(tmp_path) -> None:
    scenario = tiny_scenario()
    folder, out = tmp_path / "county", tmp_path / "out"
    folder.mkdir()
    write_scenario(scenario, folder)
    data = {c.id for c in scenario.consortia} | {s.id for s in scenario.schools} | {t.id for t in scenario.teachers}
    data |= {str(folder), str(out)}
    for args in (("validate", str(folder)), ("solve", str(folder), "--out", str(out), "--time-limit", "3",
                                             "--workers", "1"), ("verify", str(folder), str(out))):
        output = _run(*args)
        assert _english_words(output, data) == set(), output


def test_a_yaml_mistake_is_described_in_chinese(tmp_path) -> None:
    folder = tmp_path / "county"
    folder.mkdir()
    write_scenario(tiny_scenario(), folder)
    (folder / "scenario.yaml").write_text("district: 测试县\nterm:\n  start: 2026-09-01\n\tend: 2027-01-20\n",
                                          encoding="utf-8")
    output = _run("validate", str(folder))
    assert "第 4 行，第 1 列" in output and "制表符" in output
    assert _english_words(output, set()) == set(), output
