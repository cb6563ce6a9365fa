"""What an exchange-rotation (交流轮岗) plan is made from, beyond the term scenario.

``ExchangeSettings`` is the ``exchange:`` mapping of scenario.yaml; ``TeacherExchange`` one row of
``exchange_teachers.csv`` (exemptions and preferences); ``SchoolNeed`` one row of ``school_needs.csv``.
These are plain frozen dataclasses: the planner and the independent checker both read them, and
neither adds solver types to them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from models import Scenario
from models.problems import Problem


class Direction(str, Enum):
    """Which way a teacher may go, by the roles of the home and host schools (centre counts as member)."""

    LEAD_TO_MEMBER = "lead_to_member"      # 支教: a lead-school teacher teaches at a member school
    MEMBER_TO_LEAD = "member_to_lead"      # 跟岗: a member-school teacher works and trains at the lead school
    MEMBER_TO_MEMBER = "member_to_member"  # 交流: between member (or centre) schools

    @property
    def zh(self) -> str:
        return {"lead_to_member": "支教", "member_to_lead": "跟岗", "member_to_member": "交流"}[self.value]

    @property
    def en(self) -> str:
        return {"lead_to_member": "teaching placement", "member_to_lead": "shadowing placement",
                "member_to_member": "member exchange"}[self.value]


class RatioScope(str, Enum):
    """Where the yearly ratio is counted: each school, each consortium, or the whole county."""

    SCHOOL = "school"
    CONSORTIUM = "consortium"
    COUNTY = "county"


@dataclass(frozen=True)
class ExchangeSettings:
    """Policy parameters; defaults follow the 2014 national guideline (6 years, 10%, 20% backbone)."""

    eligibility_years: int = 6
    yearly_ratio: float = 0.10
    backbone_share: float = 0.20
    placement_years: int = 1
    ratio_scope: RatioScope = RatioScope.SCHOOL
    directions: tuple[Direction, ...] = (Direction.LEAD_TO_MEMBER, Direction.MEMBER_TO_LEAD,
                                         Direction.MEMBER_TO_MEMBER)
    retirement_exempt_years: int = 0
    retirement_age: int = 60
    start_year: int = 2026


@dataclass(frozen=True)
class TeacherExchange:
    """A teacher's row in exchange_teachers.csv: exemption and preferences."""

    teacher: str
    exempt: bool = False
    reason: str = ""
    preferred_schools: tuple[str, ...] = ()
    max_travel_minutes: int | None = None
    row: int | None = None


@dataclass(frozen=True)
class SchoolNeed:
    """A row of school_needs.csv: the school wants at least ``min_teachers`` teachers of ``subject``."""

    school: str
    subject: str
    min_teachers: int
    row: int | None = None


@dataclass(frozen=True)
class ExchangeInputs:
    """A scenario with everything the exchange planner reads; ``warnings`` are problems that do not stop it."""

    scenario: Scenario
    settings: ExchangeSettings
    teachers: dict[str, TeacherExchange] = field(default_factory=dict)
    needs: tuple[SchoolNeed, ...] = ()
    warnings: tuple[Problem, ...] = ()


def unit_of(scenario: Scenario, scope: RatioScope, school: str) -> str:
    """The unit a school's ratio is counted in: the school, its consortium or the county."""
    if scope == RatioScope.SCHOOL:
        return school
    if scope == RatioScope.CONSORTIUM:
        return scenario.school_by_id[school].consortium
    return scenario.district
