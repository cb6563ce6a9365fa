"""Weights of the soft preferences of a timetable; 0 switches one off."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, Union

from pydantic import Field, NonNegativeInt, field_validator

from models.base import Frozen
from models.curriculum import Subject
from models.times import SlotRange, parse_slot_ranges


class SoftWeights(Frozen):
    """Penalty of each breach of a soft preference; their sum is what the solver lowers.

    Defaults and why: a core lesson in the afternoon (10) is what a school's 教务处 notices first; a
    teacher's idle period (3) costs them a wasted period at school; two lessons of a subject on
    adjacent days (2) and an unbalanced day (1) are milder.
    """

    core_in_morning: int = Field(default=10, ge=0, description="core subjects (语文, 数学; see quality) in the morning, "
                                                               "per afternoon period")
    spread: int = Field(default=2, ge=0, description="a subject's lessons on different days, not adjacent days")
    teacher_gaps: int = Field(default=3, ge=0, description="idle periods between a teacher's lessons in a day")
    daily_balance: int = Field(default=1, ge=0, description="a class's daily load close to its average")
    teacher_times: int = Field(default=2, ge=0, description="teachers' preferred and avoided times")


#: How strongly a quality rule holds: "hard" (never broken), a weight (each breach costs it), or "off" (0).
Strength = Union[Literal["hard", "off"], NonNegativeInt]


def is_hard(strength: Strength) -> bool:
    return strength == "hard"


def weight_of(strength: Strength) -> int:
    """The penalty of one breach of a soft rule (0 when hard or off)."""
    return strength if isinstance(strength, int) else 0


class QualityRules(Frozen):
    """The rules a Chinese school's 教务处 checks first (scenario.yaml ``quality:``), each hard, a weight or off.

    Defaults and why (docs/format.md): a class's day has no holes (primary pupils cannot be left alone
    between two lessons) and its free periods are the last of the day, which schools use for 课后服务 and
    自习; PE is not in the first period or straight after lunch (pupils arrive cold or have just eaten);
    core subjects (语文, 数学, and English from a grade where the school says so) belong in the morning,
    which ``weights.core_in_morning`` prices.
    """

    class_day: Strength = Field(default="hard", description="no free period between two lessons of a class's day and "
                                "none before its first: a class's free periods are the last of its day")
    free_slots: tuple[SlotRange, ...] = Field(
        default=(), description="where classes' free periods go instead, e.g. 周三7;周五6-7 (every other period is "
                                "taught); empty = the last periods of each day")
    core_subjects: tuple[str, ...] = Field(default=(), description="subject ids that are core; empty = subjects "
                                           "marked core (语文, 数学)")
    core_from_grade: dict[str, int] = Field(default_factory=dict, description="subjects core from a grade on, e.g. "
                                            "{英语: 3}")
    pe_subjects: tuple[str, ...] = Field(default=(), description="subject ids of PE; empty = subjects whose id or "
                                         "name contains 体育")
    pe_not_first: Strength = Field(default=5, description="PE not in a day's first period")
    pe_not_after_lunch: Strength = Field(default=5, description="PE not in the first period after lunch")

    @field_validator("free_slots", mode="before")
    @classmethod
    def _slots(cls, value: object) -> object:
        return parse_slot_ranges(value) if isinstance(value, str) else value

    def core(self, subjects: Iterable[Subject], grade: int) -> frozenset[str]:
        """The core subjects of a class of ``grade``."""
        listed = set(self.core_subjects) or {s.id for s in subjects if s.core}
        return frozenset(listed | {s for s, first in self.core_from_grade.items() if grade >= first})

    def pe(self, subjects: Iterable[Subject]) -> frozenset[str]:
        return frozenset(self.pe_subjects) or frozenset(s.id for s in subjects if "体育" in s.id or "体育" in s.name)
