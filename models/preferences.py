"""Weights of the soft preferences of a timetable; 0 switches one off."""

from __future__ import annotations

from pydantic import Field

from models.base import Frozen


class SoftWeights(Frozen):
    core_in_morning: int = Field(default=3, ge=0, description="Chinese and maths in the morning")
    spread: int = Field(default=2, ge=0, description="a subject's lessons on different days, not adjacent days")
    teacher_gaps: int = Field(default=1, ge=0, description="idle periods between a teacher's lessons in a day")
    daily_balance: int = Field(default=1, ge=0, description="a class's daily load close to its average")
    teacher_times: int = Field(default=2, ge=0, description="teachers' preferred and avoided times")
