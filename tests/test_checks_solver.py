"""The solver's timetable of the checks' tiny scenario passes every independent check.

The checks and the solver share no code (STYLE.md, practice 3), so agreement here is evidence
for both; a disagreement names the rule in the user's words.
"""

from __future__ import annotations

from datetime import date

import pytest
from test_checks import make_scenario

from constraints.checks import verify
from scheduler.publish import run_solve


@pytest.mark.parametrize("term_end", ["winter", "autumn only"])
def test_the_solvers_timetable_passes_every_check(term_end: str) -> None:
    scenario = make_scenario(term_end=date(2027, 1, 22) if term_end == "winter" else date(2026, 9, 30))
    result = run_solve(scenario, time_limit=10, seed=0, workers=1)
    assert result.solution is not None, result.status
    assert [(v.rule, v.en) for v in verify(scenario, result.solution)] == []
    assert len(result.solution.research) == 1
    assert {(x.class_id, x.sync_role) for x in result.solution.lessons if x.sync == "S1"} == {
        ("A41", "teaching"), ("B41", "receiving")}
