"""Consortia, schools (and sections of nine-year schools), classes and special rooms."""

from __future__ import annotations

from pydantic import Field

from models.base import Frozen
from models.enums import ConsortiumKind, SchoolRole, SchoolTier, Stage


class Consortium(Frozen):
    """A 教研共同体 / 教共体 / 教育联盟: a lead school, usually a centre school, and members."""

    id: str
    name: str
    kind: ConsortiumKind = ConsortiumKind.CO_BUILT


class School(Frozen):
    """A school, or one section (小学部/初中部) of a nine-year school.

    Sections of one nine-year school share ``campus`` (the school's own name): they stand at the
    same place, so travel between them takes no time, and a teacher may teach in both.
    """

    id: str
    name: str
    consortium: str
    role: SchoolRole
    tier: SchoolTier
    stage: Stage
    grades: tuple[int, ...]
    bell_schedule: str
    campus: str | None = Field(default=None, description="the nine-year school this is a section of")
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None

    @property
    def place(self) -> str:
        """The travel-graph node of this school: its campus for a section, else itself."""
        return self.campus or self.id


class SchoolClass(Frozen):
    """A class (班级), e.g. 彭水一小 4(2)."""

    id: str
    school: str
    grade: int
    section: int
    size: int = 0

    @property
    def label(self) -> str:
        return f"{self.grade}({self.section})"


class Room(Frozen):
    """A special room (music room, computer room, gym) that lessons of some subjects need."""

    id: str
    school: str
    name: str
    subjects: tuple[str, ...]
