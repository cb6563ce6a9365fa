"""Places kept for requirements later issues add; each is read and kept, not yet solved.

The scenario loader reads these sections so a scenario written now keeps working when the
itinerant-teacher, activity and exchange-rotation solvers land.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from models.base import Frozen


class ItinerantPost(Frozen):
    """多校设岗、一岗多校: a teacher (or a pool of interchangeable teachers) based at one school who
    travels to teach at others (issue 4; solved by scheduler/itinerant and constraints/itinerant.py)."""

    id: str
    teachers: tuple[str, ...] = Field(description="teacher ids; each travels on their own within the post's limits")
    subjects: tuple[str, ...] = Field(description="subjects the post covers where a school has no teacher of its own")
    base: str = Field(description="school id the teachers start from and return to each day")
    schools: tuple[str, ...] = Field(default=(), description="school ids served; empty = all within radius_minutes")
    radius_minutes: int | None = Field(default=None, ge=0, description="serve every school this many minutes from the base")
    max_schools_per_day: int = Field(default=2, ge=1, description="schools a day (the solver keeps one per half-day)")
    max_travel_minutes_day: int = Field(default=120, ge=0, description="travel minutes a day, base to base")
    max_travel_minutes_week: int = Field(default=480, ge=0, description="travel minutes a week")
    buffer_minutes: int = Field(default=10, ge=0, description="between arriving at a school and the lesson")
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
    # The exchange planner (models/exchange_files.py) re-reads and checks these keys with YAML
    # line numbers; here they are only accepted so validate/solve read a folder that plans exchanges.
    ratio_scope: Literal["school", "consortium", "county"] = "school"
    directions: tuple[Literal["lead_to_member", "member_to_lead", "member_to_member"], ...] = (
        "lead_to_member", "member_to_lead", "member_to_member")
    retirement_exempt_years: int = 0
    retirement_age: int = 60
    start_year: int = 2026
