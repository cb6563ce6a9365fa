"""What the fixture's feeds must contain, computed by hand from the fixture's own data.

This does not use models.term or feeds.events: the calendar facts of autumn 2026 are written out
here (from the State Council notice as carried by chinesecalendar), so a bug in the writer's
calendar logic cannot hide in its own expectations.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from models import Weekday
from test_feeds_fixtures import SUMMER, VILLAGE, WINTER, solution

OFF = {date(2026, 9, 25), date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 5), date(2026, 10, 6),
       date(2026, 10, 7), date(2027, 1, 1), date(2027, 1, 20)}
MAKEUP = {date(2026, 9, 20): 4, date(2026, 10, 10): 2}  # Sunday follows Friday, Saturday follows Wednesday
WINTER_FROM = date(2026, 10, 8)
FIRST, LAST = date(2026, 9, 1), date(2027, 1, 22)

HOLIDAY = date(2026, 10, 6)
MAKEUP_DAY = date(2026, 10, 10)
SWITCH_DAY = WINTER_FROM


def term_dates_following(weekday_index: int) -> list[date]:
    result = []
    day = FIRST
    while day <= LAST:
        if day not in OFF:
            follows = MAKEUP.get(day, day.weekday() if day.weekday() < 5 else None)
            if follows == weekday_index:
                result.append(day)
        day += timedelta(days=1)
    return result


def _clock(text: str) -> tuple[int, int]:
    h, m = text.split(":")
    return int(h), int(m)


def bells(school: str, day: date) -> list[tuple[str, str]]:
    if school == "S2":
        return VILLAGE
    return WINTER if day >= WINTER_FROM else SUMMER


def lesson_times(lesson) -> list[tuple[datetime, datetime]]:
    result = []
    for day in term_dates_following(lesson.day.index):
        table = bells(lesson.school, day)
        start, end = _clock(table[lesson.period - 1][0]), _clock(table[lesson.period + lesson.length - 2][1])
        result.append((datetime(day.year, day.month, day.day, *start), datetime(day.year, day.month, day.day, *end)))
    return result


def research_times() -> list[tuple[datetime, datetime]]:
    return [(datetime(d.year, d.month, d.day, 16, 10), datetime(d.year, d.month, d.day, 17, 10))
            for d in term_dates_following(Weekday.THU.index)]


def expected_feeds(sol=None) -> dict[tuple[str, str], list[tuple[datetime, datetime]]]:
    """(kind, domain id) -> sorted (start, end) local times of every event the feed must hold."""
    sol = sol or solution()
    feeds: dict[tuple[str, str], list] = {}

    def add(key, times):
        feeds.setdefault(key, []).extend(times)

    for lesson in sol.lessons:
        times = lesson_times(lesson)
        add(("class", lesson.class_id), times)
        add(("school", lesson.school), times)
        if lesson.sync_role != "receiving":
            add(("teacher", lesson.teacher), times)
        if lesson.sync_role == "teaching":
            add(("consortium", "C1"), times)
    for teacher in ("T1", "T3"):
        add(("teacher", teacher), research_times())
    add(("consortium", "C1"), research_times())
    return {k: sorted(v) for k, v in feeds.items()}
