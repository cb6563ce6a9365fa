"""``tongbu describe`` shows each school's rooms by kind, read from the scenario's rooms table."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

import cli
from models.validation import load_scenario

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "zhangping"


def test_describe_by_school_lists_each_schools_rooms_by_kind() -> None:
    scenario = load_scenario(SAMPLE)
    school = scenario.schools[0]
    kinds: dict[str, int] = {}
    for room in scenario.rooms:
        if room.school == school.id:
            kinds[room.kind] = kinds.get(room.kind, 0) + 1
    assert kinds, "the sample's first school has rooms"
    result = CliRunner().invoke(cli.main, ["--lang", "en", "describe", str(SAMPLE), "--by", "school"])
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if line.startswith(school.name + " "))
    for kind, count in kinds.items():
        assert f"{kind} {count}" in row


def test_the_summary_counts_the_rooms() -> None:
    scenario = load_scenario(SAMPLE)
    result = CliRunner().invoke(cli.main, ["--lang", "en", "describe", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    assert f"{len(scenario.rooms)} rooms" in result.output.splitlines()[0]
