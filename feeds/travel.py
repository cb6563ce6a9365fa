"""Itinerant teachers' travel legs (走教路程) as events in the teacher's own feed.

Each teaching date of the term gets the legs of the weekday it follows (make-up days included),
with the clock times in force at the schools on that date (seasonal switches included). A leg's
identity is the teacher, the weekday, its origin and destination and its rank that day, plus the
week of term, so a re-solve that moves a leg keeps its UID.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time

from feeds.events import ZONE, EventText, Occurrence, feed_id, uid_for
from feeds.term import teaching_days, week_of_term
from models.scenario import Scenario
from models.solution import Solution

CATEGORY = "走教路程"


def _at(day, minute: int) -> datetime:  # type: ignore[no-untyped-def]
    return datetime.combine(day, time(minute // 60 % 24, minute % 60), tzinfo=ZONE)


def travel_occurrences(scenario: Scenario, solution: Solution) -> list[Occurrence]:
    """One event per leg per teaching date, in the travelling teacher's feed; none without posts."""
    if not scenario.itinerant_posts:
        return []
    from scheduler.itinerant.routes import travel_legs

    names = {s.id: s.name for s in scenario.schools}
    found: list[Occurrence] = []
    ordinals: dict[tuple[str, int], int] = defaultdict(int)
    for day in teaching_days(scenario):
        legs = travel_legs(scenario, solution, periods_of=lambda school: day.periods(scenario.bells_of(school)),
                           weekdays=(day.follows,))
        week = week_of_term(scenario.term, day.date)
        for teacher, mine in sorted(legs.items()):
            for rank, leg in enumerate(mine, start=1):
                source = f"travel\x1f{teacher}\x1f{leg.day.value}\x1f{rank}\x1f{leg.origin}\x1f{leg.destination}"
                ordinals[(source, week)] += 1
                origin, destination = names.get(leg.origin, leg.origin), names.get(leg.destination, leg.destination)
                found.append(Occurrence(
                    uid=uid_for(scenario.district, source, week, ordinals[(source, week)]),
                    start=_at(day.date, leg.depart), end=_at(day.date, leg.arrive),
                    text=EventText(summary=f"走教：{origin} → {destination}",
                                   description=f"路上约 {leg.minutes} 分钟 / about {leg.minutes} minutes' travel",
                                   location=origin, categories=(CATEGORY,)),
                    feeds=(feed_id("teacher", teacher),), source=source, day=day.date))
    return sorted(found, key=lambda o: (o.start, o.uid))
