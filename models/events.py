"""What the planners hand to the calendar writers: plain events, no planner types.

The activity planner gives :class:`CalendarEvent` (a meeting, a demonstration lesson…); the itinerant
routes give :class:`TravelLeg` (one trip of a teacher on one teaching date); the pacing planner gives
:class:`DayEvent` (this week's units, a unified assessment). ``feeds/`` turns them into feed events
without importing the planners that made them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class CalendarEvent:
    """A consortium activity on the calendar: naive local times (Asia/Shanghai), UID from its identity."""

    uid: str
    summary: str
    start: datetime
    end: datetime
    location: str
    description: str
    attendees: tuple[str, ...]
    consortium: str
    host: str | None = None
    #: The activity's own id (school year/season/rule#n), the stable part of its feed identity.
    activity: str = ""


@dataclass(frozen=True)
class TravelLeg:
    """One trip of an itinerant teacher on one teaching date (``rank``: its order that day), minutes since midnight."""

    teacher: str
    date: date
    weekday: str
    rank: int
    origin: str
    destination: str
    depart: int
    arrive: int
    minutes: int


@dataclass(frozen=True)
class DayEvent:
    """An all-day entry (e.g. 本周进度, a unified assessment) from ``first`` to ``last`` (inclusive), and whose feeds
    it goes in: the feeds of these classes, teachers, schools and consortia.

    ``source`` is its stable identity; with ``week`` it makes the UID, so a re-plan updates the entry in place.
    """

    source: str
    week: int
    first: date
    last: date
    summary: str
    description: str
    categories: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    teachers: tuple[str, ...] = ()
    schools: tuple[str, ...] = ()
    consortia: tuple[str, ...] = ()
