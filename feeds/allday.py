"""All-day entries (models.events.DayEvent) as feed events: this week's pacing, unified assessment days.

An entry spans its dates as an all-day event (DTSTART;VALUE=DATE, DTEND the day after its last date),
in the feeds of the classes, teachers, schools and consortia it names. Its UID comes from its identity
and teaching week (``feeds.events.uid_for``), so a re-plan changes the entry in place.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta

from feeds.events import ZONE, EventText, Occurrence, feed_id, uid_for
from models.events import DayEvent
from models.scenario import Scenario


def day_occurrences(scenario: Scenario, events: Iterable[DayEvent]) -> list[Occurrence]:
    """One all-day occurrence per entry, in the feeds it names that the scenario has."""
    found = []
    for event in events:
        feeds = {feed_id("class", c) for c in event.classes if c in scenario.class_by_id}
        feeds |= {feed_id("teacher", t) for t in event.teachers if t in scenario.teacher_by_id}
        feeds |= {feed_id("school", s) for s in event.schools if s in scenario.school_by_id}
        feeds |= {feed_id("consortium", c) for c in event.consortia if c in scenario.consortium_by_id}
        if not feeds:
            continue
        found.append(Occurrence(
            uid=uid_for(scenario.district, event.source, event.week, 1),
            start=datetime.combine(event.first, time(0, 0), tzinfo=ZONE),
            end=datetime.combine(event.last + timedelta(days=1), time(0, 0), tzinfo=ZONE),
            text=EventText(summary=event.summary, description=event.description, location="",
                           categories=event.categories),
            feeds=tuple(sorted(feeds)), source=event.source, day=event.first, all_day=True))
    return sorted(found, key=lambda o: (o.start, o.uid))
