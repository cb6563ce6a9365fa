"""Subjects and the curriculum plan (课程计划)."""

from __future__ import annotations

from pydantic import Field, model_validator

from models.base import Frozen
from models.enums import Stage


class Subject(Frozen):
    id: str
    name: str
    name_en: str = ""
    shortage: bool = Field(default=False, description="紧缺学科: music, art, PE, IT")
    core: bool = Field(default=False, description="Chinese and maths: preferred in the morning")


class CurriculumEntry(Frozen):
    """Weekly periods of a subject in a grade; ``doubles`` of them are taught as double periods (连堂)."""

    stage: Stage
    grade: int
    subject: str
    periods: int = Field(ge=0)
    doubles: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _doubles_fit(self) -> CurriculumEntry:
        if 2 * self.doubles > self.periods:
            raise ValueError(f"{self.doubles} double periods need {2 * self.doubles} periods, only {self.periods} given")
        return self
