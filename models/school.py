"""Consortia, schools (and sections of nine-year schools), classes and rooms."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from models.base import Frozen
from models.enums import ConsortiumKind, Equipment, SchoolRole, SchoolTier, Stage


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


#: The kind a room with remote equipment is given when its row names none.
REMOTE_KIND = "录播教室"


class Room(Frozen):
    """A room that some lessons need: a 录播教室 (sync lessons), a 操场 (PE), a 音乐室, a 科学实验室, a 计算机房.

    What needs it: lessons of ``subjects`` at ``school`` and, when the room has remote equipment, every end
    of a sync lesson (同步课堂/专递课堂) at the school, whatever its subject. ``capacity`` is how many classes
    it takes at once (a sports ground may take 3 PE classes). The rooms of a school that serve the same
    subjects with the same remote equipment are one group: a lesson needing the group may be in any of them
    (docs/format.md, rooms). A school without any room for a subject teaches it in the classroom.
    """

    id: str
    school: str
    name: str
    subjects: tuple[str, ...] = ()
    kind: str = Field(default="", description="e.g. 录播教室, 操场, 音乐室, 科学实验室, 计算机房; empty = the name")
    capacity: int = Field(default=1, ge=1, description="classes at once")
    equipment: tuple[Equipment, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _default_kind(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data.get("kind"):
            equipment = data.get("equipment") or ()
            remote = not isinstance(equipment, str) and any(_is_remote(e) for e in equipment)
            data = {**data, "kind": REMOTE_KIND if remote else data.get("name", "")}
        return data

    @property
    def takes_sync(self) -> bool:
        """Fitted for live remote lessons: every end of a sync lesson at its school needs such a room."""
        return Equipment.REMOTE in self.equipment


def _is_remote(value: object) -> bool:
    try:
        return Equipment(value) is Equipment.REMOTE
    except ValueError:
        return False  # reported by the model's own validation of ``equipment``
