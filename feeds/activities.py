"""Consortium activities (joint meetings, demonstration lessons, forums...) as feed events.

The activity planner (scheduler/activities) gives plain calendar events; here they become feed
occurrences: in the feed of every person taking part, of the consortium and of the host school.
Their UIDs come from the planner (domain identity, not date), so a re-planned meeting moves in
subscribers' calendars instead of appearing twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from feeds.events import ZONE, EventText, Occurrence, feed_id
from models.scenario import Scenario

CATEGORY = "教共体活动"


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=ZONE)


def activity_occurrences(scenario: Scenario, plan: Any) -> list[Occurrence]:
    """One occurrence per planned activity of ``plan`` (a scheduler.activities.ActivityPlan)."""
    from scheduler.activities.events import activity_events, activity_uid

    hosts = {a.id: a.host for a in plan.activities}
    by_uid = {activity_uid(plan.district, a.id): a.id for a in plan.activities}
    found = []
    for event in activity_events(plan):
        feeds = {feed_id("teacher", person) for person in event.attendees if person in scenario.teacher_by_id}
        feeds.add(feed_id("consortium", event.consortium))
        host = hosts.get(by_uid.get(event.uid, ""))
        if host and host in scenario.school_by_id:
            feeds.add(feed_id("school", host))
        start = _aware(event.start)
        found.append(Occurrence(
            uid=event.uid, start=start, end=_aware(event.end),
            text=EventText(summary=event.summary, description=event.description, location=event.location,
                           categories=(CATEGORY,)),
            feeds=tuple(sorted(feeds)), source=f"activity\x1f{by_uid.get(event.uid, event.uid)}", day=start.date()))
    return found
