"""Bell schedules (作息时间表): the clock times of each period, with seasonal variants."""

from __future__ import annotations

from datetime import date, time

from pydantic import Field, field_validator, model_validator

from models.base import Frozen
from models.enums import Weekday
from models.times import minutes_of, parse_clock


class BellPeriod(Frozen):
    """One period: its clock times. Periods before 12:00 are morning unless ``half`` says otherwise."""

    start: time
    end: time
    half: str | None = Field(default=None, description="'am' or 'pm'; derived from the start time when empty")

    @field_validator("start", "end", mode="before")
    @classmethod
    def _clock(cls, value: object) -> object:
        return parse_clock(value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _ordered(self) -> BellPeriod:
        if self.end <= self.start:
            raise ValueError(f"period ends {self.end:%H:%M} before it starts {self.start:%H:%M}")
        if self.half not in (None, "am", "pm"):
            raise ValueError("half must be 'am' or 'pm'")
        return self

    @property
    def is_morning(self) -> bool:
        return self.half == "am" if self.half else self.start < time(12, 0)

    @property
    def start_minute(self) -> int:
        return minutes_of(self.start)

    @property
    def end_minute(self) -> int:
        return minutes_of(self.end)


def _check_periods(periods: tuple[BellPeriod, ...], where: str) -> None:
    for earlier, later in zip(periods, periods[1:]):
        if later.start < earlier.end:
            raise ValueError(
                f"{where}: period {periods.index(later) + 1} starts {later.start:%H:%M} "
                f"before period {periods.index(earlier) + 1} ends {earlier.end:%H:%M}"
            )


class BellSeason(Frozen):
    """A seasonal variant (e.g. winter 冬季作息) in force from ``starts`` (inclusive)."""

    name: str
    starts: date
    periods: tuple[BellPeriod, ...]

    @model_validator(mode="after")
    def _no_overlap(self) -> BellSeason:
        _check_periods(self.periods, f"season '{self.name}'")
        return self


class BellSchedule(Frozen):
    """A school's bell schedule: teaching days and the periods of each day.

    ``periods`` is the base (e.g. summer) schedule; each season replaces the clock times from its
    start date. Every season must have as many periods as the base, since the weekly timetable is
    the same and only clock times move.
    """

    id: str
    name: str = ""
    days: tuple[Weekday, ...] = (Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI)
    periods: tuple[BellPeriod, ...]
    seasons: tuple[BellSeason, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> BellSchedule:
        if not self.periods:
            raise ValueError(f"bell schedule '{self.id}' has no periods")
        _check_periods(self.periods, f"bell schedule '{self.id}'")
        for season in self.seasons:
            if len(season.periods) != len(self.periods):
                raise ValueError(
                    f"bell schedule '{self.id}': season '{season.name}' has {len(season.periods)} periods, "
                    f"the base has {len(self.periods)}; a season only moves clock times"
                )
        return self

    @property
    def periods_per_day(self) -> int:
        return len(self.periods)

    @property
    def weekly_slots(self) -> int:
        return len(self.days) * len(self.periods)

    def variants(self) -> tuple[tuple[BellPeriod, ...], ...]:
        """Every set of clock times that can be in force: the base and each season."""
        return (self.periods,) + tuple(season.periods for season in self.seasons)

    def periods_on(self, day: date) -> tuple[BellPeriod, ...]:
        """Clock times in force on a date: the latest season started on or before it, else the base.

        Seasons are cyclic in practice (winter from 1 Oct, summer from 1 May); the scenario lists the
        switch dates that fall in the term, each with its clock times.
        """
        current = self.periods
        for season in sorted(self.seasons, key=lambda s: s.starts):
            if season.starts <= day:
                current = season.periods
        return current
