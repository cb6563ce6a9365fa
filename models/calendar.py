"""The term calendar: teaching dates, holidays and make-up workdays (调休)."""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import Field, model_validator

from models.base import Frozen
from models.enums import Weekday


class MakeupDay(Frozen):
    """A weekend day declared a working day, teaching the timetable of ``follows``."""

    date: date
    follows: Weekday


class TermCalendar(Frozen):
    """The dates of a term. Holidays and make-up days declared here override any package data."""

    name: str = ""
    start: date
    end: date
    holidays: tuple[date, ...] = ()
    makeup_days: tuple[MakeupDay, ...] = ()
    assessment_days: tuple[date, ...] = ()
    use_official_holidays: bool = Field(
        default=True, description="fill holidays and make-up days from the chinesecalendar package where it has data")

    @model_validator(mode="after")
    def _coherent(self) -> TermCalendar:
        if self.end < self.start:
            raise ValueError(f"term ends {self.end} before it starts {self.start}")
        holidays = set(self.holidays)
        for makeup in self.makeup_days:
            if makeup.date in holidays:
                raise ValueError(f"{makeup.date} is declared both a holiday and a make-up workday")
            if makeup.follows in (Weekday.SAT, Weekday.SUN):
                raise ValueError(f"make-up day {makeup.date} must follow a weekday's timetable, not {makeup.follows.value}")
        return self

    def dates(self) -> list[date]:
        days = (self.end - self.start).days + 1
        return [self.start + timedelta(days=i) for i in range(days)]
