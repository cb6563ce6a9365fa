"""iCalendar (RFC 5545) text of feeds, written with the icalendar package.

Two paths produce the same bytes:

* ``reference_calendar`` builds a whole ``icalendar.Calendar`` — the obvious way, and slow
  (about half a millisecond per event, most of it line folding of Chinese text);
* ``FeedRenderer`` writes the TEXT properties (SUMMARY, DESCRIPTION, LOCATION, the calendar's
  names) itself with ``text_line`` — icalendar's TEXT escaping and its line folding, re-done on
  bytes — serializes the few other distinct values (DTSTART/DTEND, CATEGORIES, GEO) once with
  icalendar, and joins the lines in icalendar's own property order.

tests/test_feeds.py asserts the two agree byte for byte (whole calendars, and ``text_line`` against
icalendar on generated text); tests/test_feeds_pengshui.py does so for every property of a county.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta, timezone
from typing import Any

import icalendar
from icalendar.prop import vInt, vText

from feeds.events import TZID, EventText, Occurrence

PRODID = "-//tongbu//tongbu feeds 1.0//ZH"
REFRESH = timedelta(hours=6)
CRLF = b"\r\n"
FOLD_AT = 74  # icalendar folds a content line so that no piece is 75 octets or longer
SAFE_UID = re.compile(r"^[A-Za-z0-9@._-]{1,73}$")  # no TEXT escaping, never folded
# Placeholders of the calendar shell's per-feed TEXT values (ASCII, nothing to escape or fold).
SHELL_MARKS = {"NAME": "TONGBUMARK1", "X-WR-CALNAME": "TONGBUMARK2", "X-WR-CALDESC": "TONGBUMARK3"}


def escape_text(text: str) -> str:
    """RFC 5545 TEXT escaping exactly as icalendar does it (``icalendar.parser.string._escape_char``)."""
    return (text.replace("\\N", "\n").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: bytes) -> bytes:
    """A UTF-8 content line folded as icalendar folds it, with its CRLF.

    icalendar walks the characters and cuts before the one that would make a piece reach 75 octets,
    moving a trailing ``\\`` or ``^`` to the next piece (its issue #1501). Here the cut is found on
    the bytes: 74 octets on, back to the first byte of a character, one more back for that escape.
    """
    if len(line) <= FOLD_AT:
        return line + CRLF
    pieces, start, end = [], 0, len(line)
    while end - start > FOLD_AT:
        cut = start + FOLD_AT
        while line[cut] & 0xC0 == 0x80:  # a UTF-8 continuation byte: the cut would split a character
            cut -= 1
        if line[cut - 1] in b"\\^" and cut - 1 > start:
            cut -= 1
        pieces.append(line[start:cut])
        start = cut
    pieces.append(line[start:])
    return b"\r\n ".join(pieces) + CRLF


def text_line(name: str, value: str) -> bytes:
    """A TEXT property (SUMMARY, DESCRIPTION, LOCATION…) as icalendar writes it: escaped, folded, CRLF."""
    return fold(f"{name}:{escape_text(value)}".encode("utf-8"))


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


def calendar_shell(name: str, description: str, calname: str | None = None) -> icalendar.Calendar:
    """The VCALENDAR with its properties and VTIMEZONE, no events.

    No calendar-level UID (vdirsyncer's http storage would key the whole file on it) and no METHOD
    (a METHOD without ORGANIZER makes some clients treat the feed as an invitation).
    """
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name if calname is None else calname)
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
    """Renders events from cached lines; output equals ``reference_calendar``."""

    def __init__(self, dtstamp: datetime) -> None:
        self.dtstamp_line = _property_lines("dtstamp", dtstamp)
        self._times: dict[tuple[str, Any], bytes] = {}
        self._by_id: dict[str, dict[int, tuple[Any, bytes]]] = {"dtstart": {}, "dtend": {}}
        self._properties: dict[tuple[str, Any], bytes] = {}
        # Keyed by object identity (the text object is kept in the value, so the id stays valid):
        # the events of one weekly lesson share one EventText, and hashing long texts is slow.
        self._texts: dict[int, tuple[EventText, bytes, bytes]] = {}
        self._sequences: dict[int, bytes] = {}
        self._shell: tuple[bytes, bytes] | None = None

    def _time(self, name: str, value: Any) -> bytes:
        # Keyed by identity first (the term's events share their datetime objects, and hashing an
        # aware datetime asks its zone for the offset), then by value.
        by_id = self._by_id[name]
        found = by_id.get(id(value))
        if found is not None and found[0] is value:
            return found[1]
        key = (name, value)
        line = self._times.get(key)
        if line is None:
            line = self._times[key] = _property_lines(name, value)
        by_id[id(value)] = (value, line)
        return line

    def _property(self, name: str, value: Any) -> bytes:
        key = (name, tuple(value) if isinstance(value, list) else value)
        if key not in self._properties:
            self._properties[key] = _property_lines(name, value)
        return self._properties[key]

    def _text(self, text: EventText) -> tuple[bytes, bytes]:
        """(SUMMARY line, the rest) — icalendar puts SUMMARY first and sorts the rest by name:
        CATEGORIES, DESCRIPTION, GEO, LOCATION."""
        cached = self._texts.get(id(text))
        if cached is None:
            rest = [self._property("categories", list(text.categories)), text_line("DESCRIPTION", text.description)]
            if text.geo is not None:
                rest.append(self._property("geo", text.geo))
            rest.append(text_line("LOCATION", text.location))
            cached = (text, text_line("SUMMARY", text.summary), b"".join(rest))
            self._texts[id(text)] = cached
        return cached[1], cached[2]

    def _sequence(self, sequence: int) -> bytes:
        if sequence not in self._sequences:
            self._sequences[sequence] = b"SEQUENCE:" + vInt(sequence).to_ical() + CRLF
        return self._sequences[sequence]

    @staticmethod
    def uid_line(uid: str) -> bytes:
        if SAFE_UID.match(uid):
            return b"UID:" + uid.encode("ascii") + CRLF
        line = b"UID:" + vText(uid).to_ical() + CRLF
        if len(line) > 77 or not uid.isascii():
            raise ValueError(f"UID {uid!r} would need folding; UIDs are short ASCII by design")
        return line

    def parts(self, occurrence: Occurrence) -> tuple[bytes, bytes]:
        """(SUMMARY, DTSTART and DTEND lines; the rest): what ``content`` joins and ``assemble`` frames."""
        summary, rest = self._text(occurrence.text)
        return (summary + self._time("dtstart", _when(occurrence, occurrence.start))
                + self._time("dtend", _when(occurrence, occurrence.end)), rest)

    def content(self, occurrence: Occurrence) -> bytes:
        """The event's lines that say what and when, without UID/SEQUENCE/DTSTAMP: what SEQUENCE tracks."""
        what, rest = self.parts(occurrence)
        return what + rest

    def assemble(self, parts: tuple[bytes, bytes], uid: str, sequence: int) -> bytes:
        # icalendar's canonical order: SUMMARY, DTSTART, DTEND, DTSTAMP, UID, SEQUENCE, then the rest sorted.
        return b"".join((b"BEGIN:VEVENT\r\n", parts[0], self.dtstamp_line, self.uid_line(uid), self._sequence(sequence),
                         parts[1], b"END:VEVENT\r\n"))

    def event(self, occurrence: Occurrence, sequence: int) -> bytes:
        return self.assemble(self.parts(occurrence), occurrence.uid, sequence)

    def shell(self, name: str, description: str) -> tuple[bytes, bytes]:
        """(everything before the events, the closing line): icalendar's shell, made once with
        placeholders, with the feed's name and description lines put in."""
        if self._shell is None:
            whole = calendar_shell(SHELL_MARKS["NAME"], SHELL_MARKS["X-WR-CALDESC"], SHELL_MARKS["X-WR-CALNAME"]).to_ical()
            closing = b"END:VCALENDAR\r\n"
            assert whole.endswith(closing)
            self._shell = (whole[: -len(closing)], closing)
        head, closing = self._shell
        for prop, value in (("NAME", name), ("X-WR-CALNAME", name), ("X-WR-CALDESC", description)):
            placeholder = f"\r\n{prop}:{SHELL_MARKS[prop]}\r\n".encode("ascii")
            assert head.count(placeholder) == 1
            head = head.replace(placeholder, b"\r\n" + text_line(prop, value))
        return head, closing


def content_hash(content: bytes) -> str:
    return hashlib.sha1(content).hexdigest()[:16]
