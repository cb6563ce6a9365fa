"""iCalendar (RFC 5545) text of feeds, written with the icalendar package.

Two paths produce the same bytes:

* ``reference_calendar`` builds a whole ``icalendar.Calendar`` — the obvious way, and slow
  (about half a millisecond per event, most of it line folding of Chinese text);
* ``FeedRenderer`` serializes each distinct property once with icalendar (a lesson's SUMMARY,
  DESCRIPTION and LOCATION are the same on every date; DTSTART values repeat across classes) and
  joins the cached lines in icalendar's own property order.

tests/test_feeds.py asserts the two agree byte for byte, so the fast path is icalendar's output.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone
from typing import Any

import icalendar
from icalendar.prop import vInt, vText

from feeds.events import TZID, EventText, Occurrence

PRODID = "-//tongbu//tongbu feeds 1.0//ZH"
REFRESH = timedelta(hours=6)
CRLF = b"\r\n"


def dtstamp_for(term_start: Any) -> datetime:
    """DTSTAMP of every event: midnight (Beijing) of the term's first day, in UTC.

    RFC 5545 requires DTSTAMP; the current time would make every regeneration differ, so it is a
    fixed point of the scenario. Changes are signalled by SEQUENCE, which clients compare first.
    """
    return datetime(term_start.year, term_start.month, term_start.day, tzinfo=timezone(timedelta(hours=8))) \
        .astimezone(timezone.utc)


def timezone_component() -> icalendar.Timezone:
    """One VTIMEZONE for Asia/Shanghai with its single offset (+08:00, no DST since 1991)."""
    zone = icalendar.Timezone()
    zone.add("tzid", TZID)
    standard = icalendar.TimezoneStandard()
    standard.add("dtstart", datetime(1970, 1, 1))
    standard.add("tzoffsetfrom", timedelta(hours=8))
    standard.add("tzoffsetto", timedelta(hours=8))
    standard.add("tzname", "CST")
    zone.add_component(standard)
    return zone


def calendar_shell(name: str, description: str) -> icalendar.Calendar:
    """The VCALENDAR with its properties and VTIMEZONE, no events.

    No calendar-level UID (vdirsyncer's http storage would key the whole file on it) and no METHOD
    (a METHOD without ORGANIZER makes some clients treat the feed as an invitation).
    """
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-caldesc", description)
    calendar.add("x-wr-timezone", TZID)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT6H")
    calendar.add_component(timezone_component())
    return calendar


def event_component(occurrence: Occurrence, sequence: int, dtstamp: datetime) -> icalendar.Event:
    """The VEVENT of one occurrence, built property by property (the reference form)."""
    event = icalendar.Event()
    event.add("uid", occurrence.uid)
    event.add("dtstamp", dtstamp)
    event.add("sequence", sequence)
    event.add("dtstart", _when(occurrence, occurrence.start))
    event.add("dtend", _when(occurrence, occurrence.end))
    for name, value in _text_properties(occurrence.text):
        event.add(name, value)
    return event


def _when(occurrence: Occurrence, moment: datetime) -> Any:
    """The value of DTSTART/DTEND: a date (VALUE=DATE) for an all-day event, else the local time."""
    return moment.date() if occurrence.all_day else moment


def _text_properties(text: EventText) -> list[tuple[str, Any]]:
    props: list[tuple[str, Any]] = [("summary", text.summary), ("description", text.description),
                                    ("location", text.location), ("categories", list(text.categories))]
    if text.geo is not None:
        props.append(("geo", text.geo))
    return props


def reference_calendar(name: str, description: str, events: list[tuple[Occurrence, int]], dtstamp: datetime) -> bytes:
    calendar = calendar_shell(name, description)
    for occurrence, sequence in events:
        calendar.add_component(event_component(occurrence, sequence, dtstamp))
    return calendar.to_ical()


def _property_lines(name: str, value: Any) -> bytes:
    """One property as icalendar writes it (escaped, folded, CRLF), without BEGIN/END lines."""
    holder = icalendar.Event()
    holder.add(name, value)
    lines = holder.to_ical().split(CRLF)
    return CRLF.join(lines[1:-2]) + CRLF


class FeedRenderer:
    """Renders events with a cache of serialized properties; output equals ``reference_calendar``."""

    def __init__(self, dtstamp: datetime) -> None:
        self.dtstamp_line = _property_lines("dtstamp", dtstamp)
        self._times: dict[tuple[str, Any], bytes] = {}
        self._properties: dict[tuple[str, Any], bytes] = {}
        # Keyed by object identity (the text object is kept in the value, so the id stays valid):
        # the events of one weekly lesson share one EventText, and hashing long texts is slow.
        self._texts: dict[int, tuple[EventText, bytes, bytes]] = {}
        self._sequences: dict[int, bytes] = {}

    def _time(self, name: str, value: Any) -> bytes:
        key = (name, value)
        if key not in self._times:
            self._times[key] = _property_lines(name, value)
        return self._times[key]

    def _property(self, name: str, value: Any) -> bytes:
        key = (name, tuple(value) if isinstance(value, list) else value)
        if key not in self._properties:
            self._properties[key] = _property_lines(name, value)
        return self._properties[key]

    def _text(self, text: EventText) -> tuple[bytes, bytes]:
        """(SUMMARY line, the alphabetically sorted rest) — icalendar's order puts SUMMARY first."""
        cached = self._texts.get(id(text))
        if cached is None:
            rest = sorted((name.upper(), self._property(name, value)) for name, value in _text_properties(text)
                          if name != "summary")
            cached = (text, self._property("summary", text.summary), b"".join(line for _, line in rest))
            self._texts[id(text)] = cached
        return cached[1], cached[2]

    def _sequence(self, sequence: int) -> bytes:
        if sequence not in self._sequences:
            self._sequences[sequence] = b"SEQUENCE:" + vInt(sequence).to_ical() + CRLF
        return self._sequences[sequence]

    @staticmethod
    def uid_line(uid: str) -> bytes:
        line = b"UID:" + vText(uid).to_ical() + CRLF
        if len(line) > 77 or not uid.isascii():
            raise ValueError(f"UID {uid!r} would need folding; UIDs are short ASCII by design")
        return line

    def content(self, occurrence: Occurrence) -> bytes:
        """The event's lines that say what and when, without UID/SEQUENCE/DTSTAMP: what SEQUENCE tracks."""
        summary, rest = self._text(occurrence.text)
        return summary + self._time("dtstart", _when(occurrence, occurrence.start)) \
            + self._time("dtend", _when(occurrence, occurrence.end)) + rest

    def event(self, occurrence: Occurrence, sequence: int) -> bytes:
        # icalendar's canonical order: SUMMARY, DTSTART, DTEND, DTSTAMP, UID, SEQUENCE, then the rest sorted.
        summary, rest = self._text(occurrence.text)
        return b"".join((b"BEGIN:VEVENT\r\n", summary, self._time("dtstart", _when(occurrence, occurrence.start)),
                         self._time("dtend", _when(occurrence, occurrence.end)), self.dtstamp_line, self.uid_line(occurrence.uid),
                         self._sequence(sequence), rest, b"END:VEVENT\r\n"))

    @staticmethod
    def shell(name: str, description: str) -> tuple[bytes, bytes]:
        """(everything before the events, the closing line)."""
        whole = calendar_shell(name, description).to_ical()
        closing = b"END:VCALENDAR\r\n"
        assert whole.endswith(closing)
        return whole[: -len(closing)], closing


def content_hash(content: bytes) -> str:
    return hashlib.sha1(content).hexdigest()[:16]
