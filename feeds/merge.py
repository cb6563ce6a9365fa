"""One event per thing that happens: a demonstration lesson (示范课) is a lesson and an activity at once.

The activity planner places a demonstration lesson on a lesson of the timetable; the lesson is already
an event (in the teacher's, the class's and the school's feeds) and the activity is another (in the
feeds of everyone taking part, the consortium and the host school), at the same time. Both in one
feed would show the teacher two overlapping entries for one lesson. So the two become one event: the
lesson (its UID, place and times), marked with the activity in its summary, description and
categories, in the feeds of both.

Which lesson an activity is on follows from the data: the activity's people are free at its time
except the teacher who teaches it (the activity check of ``tongbu verify`` holds every other attendee
to that), so a lesson in the feed of one of its attendees that overlaps it is that lesson. When more
than one would match, nothing is merged (the check reports the clash).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from feeds.events import EventText, Occurrence

LESSON, ACTIVITY = "lesson\x1f", "activity\x1f"


def _teacher_feeds(occurrence: Occurrence) -> list[str]:
    return [feed for feed in occurrence.feeds if feed.startswith("teacher-")]


def merged_text(lesson: EventText, activity: EventText) -> EventText:
    """The lesson's text marked with the activity: what it is comes first, then what makes it special."""
    categories = tuple(dict.fromkeys((*lesson.categories, *activity.categories)))
    return EventText(summary=f"{lesson.summary} · {activity.summary}",
                     description=f"{lesson.description}\n——\n{activity.description}",
                     location=lesson.location, categories=categories, geo=lesson.geo)


def merge_demonstrations(occurrences: Iterable[Occurrence]) -> list[Occurrence]:
    """The occurrences with each activity held during one of its attendees' lessons merged into that lesson."""
    found = list(occurrences)
    activities = [(i, o) for i, o in enumerate(found) if o.source.startswith(ACTIVITY)]
    if not activities:
        return found
    wanted = {(feed, a.day) for _, a in activities for feed in _teacher_feeds(a)}
    days = {day for _, day in wanted}
    lessons: dict[tuple[str, object], list[int]] = defaultdict(list)
    for index, occurrence in enumerate(found):
        if occurrence.day in days and occurrence.source.startswith(LESSON):
            for feed in _teacher_feeds(occurrence):
                if (feed, occurrence.day) in wanted:
                    lessons[(feed, occurrence.day)].append(index)
    replaced: dict[int, Occurrence] = {}
    dropped: set[int] = set()
    for position, activity in activities:
        matches = sorted({i for feed in _teacher_feeds(activity) for i in lessons.get((feed, activity.day), ())
                          if found[i].start < activity.end and activity.start < found[i].end})
        if len(matches) != 1 or matches[0] in replaced:
            continue
        lesson = found[matches[0]]
        replaced[matches[0]] = Occurrence(
            uid=lesson.uid, start=min(lesson.start, activity.start), end=max(lesson.end, activity.end),
            text=merged_text(lesson.text, activity.text), feeds=tuple(sorted({*lesson.feeds, *activity.feeds})),
            source=lesson.source, day=lesson.day)
        dropped.add(position)
    if not replaced:
        return found
    return [replaced.get(i, o) for i, o in enumerate(found) if i not in dropped]
