"""JSON Schemas generated from the models, published in docs/schema/."""

from __future__ import annotations

from typing import Any

from models.pacing import PacingPlan
from models.scenario import Scenario
from models.solution import Solution


def schemas() -> dict[str, dict[str, Any]]:
    return {
        "scenario": Scenario.model_json_schema(by_alias=True),
        "solution": Solution.model_json_schema(by_alias=True),
        "pacing_plan": PacingPlan.model_json_schema(by_alias=True),
    }
