"""A feed's events read back from its bytes, for the web pages.

The pages show exactly what the subscribed calendar shows: they are made from the same verified feed
bytes the server answers ``/f/<token>.ics`` with, never from a second path through the solution. The
feeds are this package's own output (one VEVENT per lesson-date, local times with TZID, no
recurrence), so reading them takes unfolding, splitting and TEXT unescaping, not a general parser;
tests/test_pages.py checks it against icalendar on every feed of the fixture.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

_ESCAPED = re.compile(r"\\(.)")
_UNESCAPE = {"n": "\n", "N": "\n", "\\": "\\", ";": ";", ",": ","}
_UNESCAPED_COMMA = re.compile(r"(?<!\\),")


@dataclass(frozen=True)
class PageEvent:
    """One event of a feed as a page shows it: local times, the texts, the categories."""

    uid: str
    start: datetime  # local (Asia/Shanghai) wall-clock time, naive
    end: datetime
    summary: str
    description: str
    location: str
    categories: tuple[str, ...]
    sequence: int = 0

    @property
    def day(self) -> date:
        return self.start.date()

    def line(self, prefix: str) -> str:
        """The description line starting with ``prefix`` (e.g. ``接收班级：``), without it; '' if none."""
        for line in self.description.split("\n"):
            if line.startswith(prefix):
                return line[len(prefix):]
        return ""


def unescape(value: str) -> str:
    return _ESCAPED.sub(lambda m: _UNESCAPE.get(m.group(1), m.group(1)), value) if "\\" in value else value


def _local(value: str) -> datetime:
    """``20260901T080000`` (the value after TZID=Asia/Shanghai) or ``…Z`` as naive local time."""
    return datetime(int(value[0:4]), int(value[4:6]), int(value[6:8]), int(value[9:11]), int(value[11:13]),
                    int(value[13:15]))


def read_events(data: bytes) -> list[PageEvent]:
    """Every VEVENT of a feed, by start. The texts of a weekly lesson repeat on every date, so each distinct
    value is unescaped (and each time parsed) once. Cancelled events (``STATUS:CANCELLED``, a lesson a change
    replaced: feeds/changes.py) are left out, as calendars leave them out; a changed feed has its changed and
    added events where they were or at its end, so the events are sorted (already sorted: linear)."""
    events: list[PageEvent] = []
    current: dict[str, str] | None = None
    texts: dict[str, str] = {}
    times: dict[str, datetime] = {}
    categories: dict[str, tuple[str, ...]] = {}

    def text(name: str) -> str:
        raw = current.get(name, "") if current is not None else ""
        found = texts.get(raw)
        if found is None:
            found = texts[raw] = unescape(raw)
        return found

    def moment(name: str) -> datetime:
        raw = current[name] if current is not None else ""
        found = times.get(raw)
        if found is None:
            found = times[raw] = _local(raw)
        return found

    for line in data.decode("utf-8").replace("\r\n ", "").split("\r\n"):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT" and current is not None:
            if current.get("STATUS") == "CANCELLED":
                current = None
                continue
            raw = current.get("CATEGORIES", "")
            if raw not in categories:
                categories[raw] = tuple(unescape(c) for c in _UNESCAPED_COMMA.split(raw) if c)
            events.append(PageEvent(uid=current.get("UID", ""), start=moment("DTSTART"), end=moment("DTEND"),
                                    summary=text("SUMMARY"), description=text("DESCRIPTION"), location=text("LOCATION"),
                                    categories=categories[raw], sequence=int(current.get("SEQUENCE", "0") or 0)))
            current = None
        elif current is not None:
            colon = line.find(":")
            if colon > 0:
                semicolon = line.find(";", 0, colon)
                current[line[:semicolon if semicolon > 0 else colon]] = line[colon + 1:]
    events.sort(key=lambda e: (e.start, e.end))
    return events
