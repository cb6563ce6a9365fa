"""The samples' activity_rules.yaml are what samples/activity_rules.py writes, and load against each sample."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.validation import load_scenario
from samples.activity_rules import COUNTIES, rules_text
from scheduler.activities import load_activity_rules

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@pytest.mark.parametrize("county", sorted(COUNTIES))
def test_committed_rules_are_current_and_load(county: str) -> None:
    path = SAMPLES / county / "activity_rules.yaml"
    assert path.read_text(encoding="utf-8") == rules_text(county), \
        "stale: run  python -m samples.activity_rules"
    scenario = load_scenario(SAMPLES / county)
    rules = load_activity_rules(SAMPLES / county, scenario)
    consortia = {c.id for c in scenario.consortia}
    assert rules and {r.consortium for r in rules} == consortia
