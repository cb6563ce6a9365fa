"""Weekly slots (day, period) and the compact notation people write them in.

``周一1-2; Tue5`` means Monday periods 1 and 2, and Tuesday period 5. Periods are numbered from 1
as on a printed timetable.
"""

from __future__ import annotations

import re
from datetime import time

from models.base import Frozen
from models.enums import Weekday

_SLOT_ITEM = re.compile(r"^\s*(?P<day>[^\d\s:：]+)\s*[:：]?\s*(?:(?P<a>\d+)\s*(?:[-–~～至]\s*(?P<b>\d+))?)?\s*$")


class Slot(Frozen):
    """One period of the teaching week: a weekday and a period number (1-based)."""

    day: Weekday
    period: int

    def __str__(self) -> str:
        return f"{self.day.zh}第{self.period}节"


class SlotRange(Frozen):
    """Periods ``first..last`` of one weekday; ``first=None`` means the whole day."""

    day: Weekday
    first: int | None = None
    last: int | None = None

    def covers(self, day: Weekday, period: int) -> bool:
        if day != self.day:
            return False
        if self.first is None:
            return True
        return self.first <= period <= (self.last if self.last is not None else self.first)


def parse_slot_ranges(text: str) -> tuple[SlotRange, ...]:
    """Parse ``周一1-2;Tue5;周五`` into slot ranges; raise ``ValueError`` naming the bad part."""
    ranges: list[SlotRange] = []
    for raw in re.split(r"[;；,，、]", text or ""):
        if not raw.strip():
            continue
        match = _SLOT_ITEM.match(raw)
        if not match:
            raise ValueError(f"cannot read '{raw.strip()}' as a weekday and periods (e.g. 周一1-2 or Tue5)")
        try:
            day = Weekday(match["day"])
        except ValueError as err:
            raise ValueError(f"'{match['day']}' is not a weekday (周一…周日 or Mon…Sun)") from err
        first = int(match["a"]) if match["a"] else None
        last = int(match["b"]) if match["b"] else first
        if first is not None and (first < 1 or last is None or last < first):
            raise ValueError(f"periods in '{raw.strip()}' must be 1 or more and ascending")
        ranges.append(SlotRange(day=day, first=first, last=last))
    return tuple(ranges)


def parse_clock(text: str) -> time:
    """Read ``8:05``/``08:05``/``8：05`` as a clock time; raise ``ValueError`` otherwise."""
    match = re.fullmatch(r"\s*(\d{1,2})\s*[:：.]\s*(\d{2})(?::\d{2})?\s*", str(text))
    if not match:
        raise ValueError(f"'{text}' is not a clock time like 08:05")
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        raise ValueError(f"'{text}' is not a clock time like 08:05")
    return time(hour, minute)


def minutes_of(clock: time) -> int:
    """Minutes since midnight."""
    return clock.hour * 60 + clock.minute
