"""iCalendar feeds: form, agreement with icalendar + recurring-ical-events, determinism, stable UIDs."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, datetime
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events

from feeds import write_feeds
from feeds.events import term_occurrences
from feeds.ical import FeedRenderer, dtstamp_for, reference_calendar
from models.term import TermDataMissing
from feeds.writer import FEEDS_DIR, MANIFEST, STATE, feed_id, feed_specs, read_state, render_feeds
from models import Weekday
from test_feeds_expected import HOLIDAY, MAKEUP_DAY, SWITCH_DAY, expected_feeds
from test_feeds_fixtures import scenario, solution


def _manifest(out: Path) -> dict:
    return json.loads((out / FEEDS_DIR / MANIFEST).read_text(encoding="utf-8"))


def _feed_path(out: Path, kind: str, of: str) -> Path:
    entry = next(f for f in _manifest(out)["feeds"] if f["kind"] == kind and f["of"] == of)
    return out / FEEDS_DIR / entry["file"]


def _expand(data: bytes) -> list[tuple[datetime, datetime]]:
    calendar = icalendar.Calendar.from_ical(data)
    events = recurring_ical_events.of(calendar).between(datetime(2026, 1, 1), datetime(2028, 1, 1))
    times = []
    for event in events:
        start, end = event["DTSTART"].dt, event["DTEND"].dt
        assert start.utcoffset().total_seconds() == 8 * 3600
        times.append((start.replace(tzinfo=None), end.replace(tzinfo=None)))
    return sorted(times)


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("out")
    write_feeds(scenario(), solution(), folder)
    return folder


def test_every_feed_expands_to_exactly_the_solution_lessons(out):
    expected = expected_feeds()
    manifest = _manifest(out)
    assert {(f["kind"], f["of"]) for f in manifest["feeds"]} >= set(expected)
    for entry in manifest["feeds"]:
        got = _expand((out / FEEDS_DIR / entry["file"]).read_bytes())
        assert got == expected.get((entry["kind"], entry["of"]), []), entry["name"]
        assert entry["events"] == len(got)


def test_the_crossed_days_are_really_in_the_expectations():
    # The agreement above is only meaningful if the expectations cross a holiday, a make-up day and
    # a seasonal switch: check the class feed of 彭水一小 4(1) around them.
    times = expected_feeds()[("class", "S1-4-1")]
    days = {s.date() for s, _ in times}
    assert HOLIDAY not in days and date(2026, 9, 30) in days
    assert MAKEUP_DAY in days  # Saturday, following Wednesday (the music sync lesson)
    winter = [s for s, _ in times if s.date() == MAKEUP_DAY]
    assert winter == [datetime(2026, 10, 10, 14, 0)]  # winter period 4, after the switch on 8 Oct
    assert datetime(2026, 9, 30, 14, 30) in [s for s, _ in times]  # summer period 4 before it
    assert SWITCH_DAY == date(2026, 10, 8)


def test_fast_renderer_equals_icalendar_built_calendar():
    s, sol = scenario(), solution()
    rendered = render_feeds(s, sol, {})
    occurrences = term_occurrences(s, sol)
    stamp = dtstamp_for(s.term.start)
    for spec in feed_specs(s):
        events = [(o, rendered.state[o.uid].sequence) for o in occurrences if spec.id in o.feeds]
        assert rendered.data[spec.id] == reference_calendar(spec.name, spec.description, events, stamp), spec.name


def test_calendar_form(out):
    for path in sorted((out / FEEDS_DIR).glob("*.ics")):
        text = path.read_bytes().decode("utf-8")
        head = text.split("BEGIN:VEVENT")[0]
        assert "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT6H\r\n" in head
        assert "\r\nX-PUBLISHED-TTL:PT6H\r\n" in head
        assert "\r\nX-WR-TIMEZONE:Asia/Shanghai\r\n" in head
        assert re.search(r"\r\nX-WR-CALNAME:[^\r]*[\u4e00-\u9fff]", head)
        assert "\r\nUID:" not in head and "METHOD:" not in text
        assert text.count("BEGIN:VTIMEZONE") == 1 and "BEGIN:DAYLIGHT" not in text
        assert "TZOFFSETTO:+0800" in head and "TZOFFSETFROM:+0800" in head
        for forbidden in ("RRULE", "RDATE", "EXDATE"):
            assert f"\r\n{forbidden}" not in text
        unfolded = text.replace("\r\n ", "")
        for line in unfolded.split("\r\n"):
            if line.startswith(("DTSTART", "DTEND")) and "BEGIN:STANDARD" not in line and not line.startswith("DTSTART:1970"):
                assert line.startswith(("DTSTART;TZID=Asia/Shanghai:", "DTEND;TZID=Asia/Shanghai:")), line
        assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_events_name_class_subject_teacher_and_school(out):
    calendar = icalendar.Calendar.from_ical(_feed_path(out, "teacher", "T2").read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert events
    for event in events:
        assert "同步课堂" in str(event["SUMMARY"])
        description = str(event["DESCRIPTION"])
        assert "彭水一小 4(1)班" in description and "音乐" in description and "李老师" in description
        assert "接收班级：新田镇小学 4(1)班" in description
        assert str(event["LOCATION"]) == "彭水一小（重庆市彭水县汉葭街道）"
    receiving = icalendar.Calendar.from_ical(_feed_path(out, "class", "S2-4-1").read_bytes())
    music = [e for e in receiving.walk("VEVENT") if "音乐" in str(e["SUMMARY"])]
    assert music and all("接收" in str(e["SUMMARY"]) and "授课班级：彭水一小 4(1)班" in str(e["DESCRIPTION"])
                         for e in music)
    makeup = [e for e in receiving.walk("VEVENT") if e["DTSTART"].dt.date() == MAKEUP_DAY]
    assert makeup and all("按周三课表" in str(e["DESCRIPTION"]) for e in makeup)


def test_regenerating_is_byte_identical(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    write_feeds(scenario(), solution(), first)
    write_feeds(scenario(), solution(), second, previous=first)
    names = sorted(p.name for p in (first / FEEDS_DIR).iterdir())
    assert names == sorted(p.name for p in (second / FEEDS_DIR).iterdir())
    for name in names:
        assert (first / FEEDS_DIR / name).read_bytes() == (second / FEEDS_DIR / name).read_bytes(), name


def _events_of(path: Path) -> dict[str, tuple[int, datetime]]:
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    return {str(e["UID"]): (int(e["SEQUENCE"]), e["DTSTART"].dt) for e in calendar.walk("VEVENT")}


def test_a_moved_lesson_keeps_its_uids_and_raises_sequence(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    write_feeds(scenario(), solution(), old)
    # Friday period 3 maths moves to Thursday period 2.
    write_feeds(scenario(), solution(**{"S1-4-1|数学|2": (Weekday.THU, 2)}), new, previous=old)
    before, after = _events_of(_feed_path(old, "class", "S1-4-1")), _events_of(_feed_path(new, "class", "S1-4-1"))
    moved = [uid for uid in after if before.get(uid) and before[uid][1] != after[uid][1]]
    assert len(moved) > 10
    for uid in moved:
        assert after[uid][0] == before[uid][0] + 1
        assert after[uid][1].weekday() == 3 and before[uid][1].weekday() in (4, 6)
    unchanged = [uid for uid in after if uid in before and before[uid][1] == after[uid][1]]
    assert unchanged and all(after[uid][0] == 0 for uid in unchanged)
    # Week 3 met twice (Friday 18 Sep and the make-up Sunday 20 Sep, which follows Friday); on
    # Thursdays it meets once, so the second event of week 3 is gone — and remembered as removed.
    gone = [uid for uid in before if uid not in after]
    assert gone and all(before[uid][1].date() == date(2026, 9, 20) for uid in gone)
    state = read_state(new)
    assert all(state[uid].removed for uid in gone)
    # Unchanged feeds are byte-identical to before.
    assert _feed_path(old, "class", "S2-4-1").read_bytes() == _feed_path(new, "class", "S2-4-1").read_bytes()
    # Publishing the same solution again changes nothing.
    again = tmp_path / "again"
    write_feeds(scenario(), solution(**{"S1-4-1|数学|2": (Weekday.THU, 2)}), again, previous=new)
    for path in sorted((new / FEEDS_DIR).iterdir()):
        assert path.read_bytes() == (again / FEEDS_DIR / path.name).read_bytes(), path.name


def test_moving_back_raises_sequence_again(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    write_feeds(scenario(), solution(), a)
    write_feeds(scenario(), solution(**{"S2-4-1|数学|1": (Weekday.WED, 1)}), b, previous=a)
    write_feeds(scenario(), solution(), c, previous=b)
    first, last = _events_of(_feed_path(a, "class", "S2-4-1")), _events_of(_feed_path(c, "class", "S2-4-1"))
    changed = [uid for uid in last if last[uid][0] == 2]
    assert changed and all(last[uid][1] == first[uid][1] for uid in changed)


def test_feed_files_disappear_with_their_entity(tmp_path):
    out = tmp_path / "out"
    write_feeds(scenario(), solution(), out)
    stale = out / FEEDS_DIR / "teacher-000000000000.ics"
    stale.write_text("old", encoding="utf-8")
    write_feeds(scenario(), solution(), out)
    assert not stale.exists()
    assert (out / FEEDS_DIR / STATE).exists()


def test_incomplete_term_data_stops_feed_writing(tmp_path):
    with pytest.raises(TermDataMissing):
        write_feeds(scenario(holidays=()), solution(), tmp_path / "out")


def test_uid_lines_never_fold():
    with pytest.raises(ValueError):
        FeedRenderer.uid_line("x" * 80)


def test_unchanged_feeds_are_linked_from_the_previous_publish(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    write_feeds(scenario(), solution(), old)
    # Only class S1-4-1's Friday maths moves: its class, teacher (T1) and school (S1) feeds change.
    write_feeds(scenario(), solution(**{"S1-4-1|数学|2": (Weekday.THU, 2)}), new, previous=old)
    before = {f["id"]: f for f in json.loads((old / FEEDS_DIR / MANIFEST).read_text(encoding="utf-8"))["feeds"]}
    after = {f["id"]: f for f in json.loads((new / FEEDS_DIR / MANIFEST).read_text(encoding="utf-8"))["feeds"]}
    linked = {fid for fid, f in after.items()
              if (new / FEEDS_DIR / f["file"]).stat().st_ino == (old / FEEDS_DIR / f["file"]).stat().st_ino}
    changed = {fid for fid, f in after.items() if f["sha256"] != before[fid]["sha256"]}
    assert changed == {feed_id("class", "S1-4-1"), feed_id("teacher", "T1"), feed_id("school", "S1")}
    assert linked == set(after) - changed
    for fid, f in after.items():  # linked or written, every file is what the manifest says
        assert hashlib.sha256((new / FEEDS_DIR / f["file"]).read_bytes()).hexdigest() == f["sha256"], fid


def test_two_processes_write_the_same_bytes_as_one(tmp_path):
    """The county's path (two forked processes, each rendering the feeds of half the schools) against one
    process, on the fixture with the size threshold lowered; run in a child so no test thread is about."""
    import subprocess
    import sys

    code = ("import sys; sys.path[:0] = ['.', 'tests']\n"
            "from pathlib import Path\nfrom feeds import writer\nfrom test_feeds_fixtures import scenario, solution\n"
            "writer.PARALLEL_FROM = 0\n"
            "writer.write_feeds(scenario(), solution(), Path(sys.argv[1]), previous=Path(sys.argv[2]))\n"
            "print(writer.last_processes)\n")
    one, two = tmp_path / "one", tmp_path / "two"
    previous = tmp_path / "previous"
    write_feeds(scenario(), solution(**{"S1-4-1|数学|2": (Weekday.THU, 2)}), previous)  # some SEQUENCEs go up
    write_feeds(scenario(), solution(), one, previous=previous)
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", code, str(two), str(previous)], cwd=root, capture_output=True,
                          text=True, timeout=120, check=True)
    assert done.stdout.strip() == "2", done.stderr
    names = sorted(p.name for p in (one / FEEDS_DIR).iterdir())
    assert names == sorted(p.name for p in (two / FEEDS_DIR).iterdir())
    for name in names:
        assert (one / FEEDS_DIR / name).read_bytes() == (two / FEEDS_DIR / name).read_bytes(), name
    assert b"SEQUENCE:1" in b"".join((two / FEEDS_DIR / n).read_bytes() for n in names if n.endswith(".ics"))
