"""Consortium activities (joint meetings, demonstration lessons, forums...) as feed events.

The activity planner gives plain calendar events (models.events.CalendarEvent); here they become feed
occurrences: in the feed of every person taking part, of the consortium and of the host school.
Their UIDs come from the planner (domain identity, not date), so a re-planned meeting moves in
subscribers' calendars instead of appearing twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from feeds.events import ZONE, EventText, Occurrence, feed_id
from models.events import CalendarEvent
from models.scenario import Scenario

CATEGORY = "教共体活动"


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=ZONE)


def activity_occurrences(scenario: Scenario, events: Iterable[CalendarEvent]) -> list[Occurrence]:
    """One occurrence per planned activity: in its attendees', its consortium's and its host school's feeds."""
    found = []
    for event in events:
        feeds = {feed_id("teacher", person) for person in event.attendees if person in scenario.teacher_by_id}
        feeds.add(feed_id("consortium", event.consortium))
        if event.host and event.host in scenario.school_by_id:
            feeds.add(feed_id("school", event.host))
        start = _aware(event.start)
        found.append(Occurrence(
            uid=event.uid, start=start, end=_aware(event.end),
            text=EventText(summary=event.summary, description=event.description, location=event.location,
                           categories=(CATEGORY,)),
            feeds=tuple(sorted(feeds)), source=f"activity\x1f{event.activity or event.uid}", day=start.date()))
    return found
