"""Itinerant teachers' travel legs (走教路程) as events in the teacher's own feed.

The routes planner gives each teaching date the legs of the weekday it follows (make-up days
included), with the clock times in force at the schools on that date (seasonal switches included). A leg's
identity is the teacher, the weekday, its origin and destination and its rank that day, plus the
week of term, so a re-solve that moves a leg keeps its UID.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, time

from feeds.events import ZONE, EventText, Occurrence, feed_id, uid_for
from models.events import TravelLeg
from models.scenario import Scenario
from models.term import week_of_term

CATEGORY = "走教路程"


def _at(day, minute: int) -> datetime:  # type: ignore[no-untyped-def]
    return datetime.combine(day, time(minute // 60 % 24, minute % 60), tzinfo=ZONE)


def travel_occurrences(scenario: Scenario, legs: Iterable[TravelLeg]) -> list[Occurrence]:
    """One event per leg (one trip on one teaching date, scheduler.itinerant.routes.dated_legs) in the
    travelling teacher's feed."""
    names = {s.id: s.name for s in scenario.schools}
    found: list[Occurrence] = []
    ordinals: dict[tuple[str, int], int] = defaultdict(int)
    for leg in legs:
        week = week_of_term(scenario.term, leg.date)
        source = f"travel\x1f{leg.teacher}\x1f{leg.weekday}\x1f{leg.rank}\x1f{leg.origin}\x1f{leg.destination}"
        ordinals[(source, week)] += 1
        origin, destination = names.get(leg.origin, leg.origin), names.get(leg.destination, leg.destination)
        found.append(Occurrence(
            uid=uid_for(scenario.district, source, week, ordinals[(source, week)]),
            start=_at(leg.date, leg.depart), end=_at(leg.date, leg.arrive),
            text=EventText(summary=f"走教：{origin} → {destination}",
                           description=f"路上约 {leg.minutes} 分钟 / about {leg.minutes} minutes' travel",
                           location=origin, categories=(CATEGORY,)),
            feeds=(feed_id("teacher", leg.teacher),), source=source, day=leg.date))
    return sorted(found, key=lambda o: (o.start, o.uid))
