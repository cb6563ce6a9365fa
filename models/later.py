"""Places kept for requirements later issues add; each is read and kept, not yet solved.

The scenario loader reads these sections so a scenario written now keeps working when the
itinerant-teacher, activity and exchange-rotation solvers land.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from models.base import Frozen


class ItinerantPost(Frozen):
    """多校设岗、一岗多校: a teacher (or pool) based at one school who may serve others (issue 4)."""

    id: str
    teachers: tuple[str, ...]
    subjects: tuple[str, ...]
    base: str
    schools: tuple[str, ...] = ()
    radius_minutes: int | None = None
    max_schools_per_day: int = 2
    max_travel_minutes_day: int = 120
    max_travel_minutes_week: int = 480
    buffer_minutes: int = 10
    whole_days: bool = Field(default=False, description="one school a day: each day at a school is a whole block")


class ActivityRule(Frozen):
    """A recurring consortium activity such as the monthly joint meeting (issue 6)."""

    id: str
    consortium: str
    kind: str
    count: int = Field(default=1, ge=0)
    attendees: str = "principals"
    minutes: int = 90
    mode: str = "in_person"
    chair: str = "rotating"
    host: str = "rotating"


class ExchangePolicy(Frozen):
    """交流轮岗 policy parameters (issue 7); defaults follow the 2014 national guideline."""

    eligibility_years: int = 6
    yearly_ratio: float = 0.10
    backbone_share: float = 0.20
    placement_years: int = 1
    # The exchange planner (scheduler/exchange/loader.py) re-reads and checks these keys with YAML
    # line numbers; here they are only accepted so validate/solve read a folder that plans exchanges.
    ratio_scope: Literal["school", "consortium", "county"] = "school"
    directions: tuple[Literal["lead_to_member", "member_to_lead", "member_to_member"], ...] = (
        "lead_to_member", "member_to_lead", "member_to_member")
    retirement_exempt_years: int = 0
    retirement_age: int = 60
    start_year: int = 2026
