"""A solved timetable as domain objects: what ``solve`` writes to solution.json and ``verify`` reads."""

from __future__ import annotations

from pydantic import Field

from models.base import Frozen
from models.enums import Weekday
from models.status import Status


class LessonPlacement(Frozen):
    """One lesson of the week: a class, subject and teacher at a weekday and period(s).

    ``key`` is the lesson's stable identity (class, subject and its number among that class's
    lessons of the subject), used for calendar UIDs across re-solves.
    """

    key: str
    class_id: str = Field(alias="class")
    school: str
    subject: str
    teacher: str
    day: Weekday
    period: int = Field(ge=1, description="first period, 1-based")
    length: int = Field(default=1, ge=1, description="2 for a double period")
    room: str | None = None
    sync: str | None = Field(default=None, description="id of the synchronized lesson this belongs to")
    sync_role: str | None = Field(default=None, description="'teaching' or 'receiving'")
    #: An imported FET file's day (0-based), which is a label, not a weekday: a file may have more than 7, and
    #: ``day`` is then only its place in a 7-day cycle. Left out of solution.json when None.
    fet_day: int | None = Field(default=None, ge=0, exclude_if=lambda value: value is None)
    #: The real rooms a lesson in a FET virtual room takes, one of each of its sets (left out of solution.json when none).
    real_rooms: tuple[str, ...] = Field(default=(), exclude_if=lambda value: not value)

    def periods(self) -> range:
        return range(self.period, self.period + self.length)


class ResearchPlacement(Frozen):
    """When a research block meets each week: a weekday and a clock window (minutes since midnight)."""

    block: str
    day: Weekday
    start_minute: int
    end_minute: int
    teachers: tuple[str, ...]
    host: str | None = None


class PartReport(Frozen):
    """How one independent part (a set of coupled schools) was solved."""

    id: str
    schools: tuple[str, ...]
    status: Status
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    wall_seconds: float | None = Field(default=None, description="not written to solution.json (determinism)")


class Solution(Frozen):
    """The solved term timetable of a scenario."""

    district: str
    seed: int
    lessons: tuple[LessonPlacement, ...]
    research: tuple[ResearchPlacement, ...] = ()
    parts: tuple[PartReport, ...] = ()


def solution_json(solution: Solution) -> str:
    """solution.json text: lessons and blocks sorted, wall-clock times left out, so reruns are byte-identical."""
    lessons = sorted(solution.lessons, key=lambda x: (x.school, x.class_id, x.day.index, x.period, x.key))
    research = sorted(solution.research, key=lambda r: r.block)
    parts = tuple(p.model_copy(update={"wall_seconds": None}) for p in sorted(solution.parts, key=lambda p: p.id))
    stable = solution.model_copy(update={"lessons": tuple(lessons), "research": tuple(research), "parts": parts})
    return stable.model_dump_json(by_alias=True, indent=1, exclude={"parts": {"__all__": {"wall_seconds"}}}) + "\n"
