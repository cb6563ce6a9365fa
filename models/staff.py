"""Teachers and who teaches which class."""

from __future__ import annotations

from pydantic import Field

from models.base import Frozen
from models.times import SlotRange


class Teacher(Frozen):
    """A teacher at their home school (人事关系所在学校)."""

    id: str
    name: str
    school: str
    subjects: tuple[str, ...]
    max_weekly: int = Field(default=16, ge=0)
    max_daily: int = Field(default=4, ge=0)
    unavailable: tuple[SlotRange, ...] = ()
    preferred: tuple[SlotRange, ...] = ()
    avoided: tuple[SlotRange, ...] = ()
    birth_year: int | None = None
    backbone: bool = False
    roles: tuple[str, ...] = Field(default=(), description="e.g. principal, homeroom, research_officer")
    years_at_school: int | None = None
    also_schools: tuple[str, ...] = Field(
        default=(), description="other schools where this teacher may teach (shared teachers)")

    def is_unavailable(self, day, period: int) -> bool:
        return any(r.covers(day, period) for r in self.unavailable)


class TeachingAssignment(Frozen):
    """Who teaches a subject to a class (任课安排). Unassigned class-subjects get a teacher automatically."""

    teacher: str
    class_id: str = Field(alias="class")
    subject: str
