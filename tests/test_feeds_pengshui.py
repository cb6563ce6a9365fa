"""The Pengshui sample's feeds read back by icalendar + recurring-ical-events and by ical.js.

The committed sample is solved reproducibly (effort, not the clock: a loaded machine still gets a
timetable), or a solution.json is taken from $TONGBU_PENGSHUI_SOLUTION. The expected events are
computed here from the sample's calendar facts written out by hand (its scenario.yaml's term and
bells: holidays, make-up days, the winter switch) and the solution's lessons, without models.term
or feeds.events, so a bug in the calendar logic cannot hide in its own expectations; a few
lesson-dates are also spelled out as clock times.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections import Counter
from datetime import date, datetime, time, timedelta
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events

from feeds import write_feeds
from feeds.writer import FEEDS_DIR, MANIFEST, feed_id
from models.validation import load_scenario
from models.solution import Solution

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "pengshui"
pytestmark = pytest.mark.slow  # solves the county (90 s on the clock) and parses every class feed

# -- the calendar facts of samples/pengshui/scenario.yaml, by hand ---------------------------------------
FIRST, LAST = date(2026, 9, 1), date(2027, 1, 22)
HOLIDAYS = {date(2026, 9, 25), date(2026, 9, 26), date(2026, 9, 27), *(date(2026, 10, d) for d in range(1, 8)),
            date(2027, 1, 1), date(2027, 1, 2), date(2027, 1, 3)}
ASSESSMENT = {date(2027, 1, 14), date(2027, 1, 15)}  # the whole day's timetable gives way to the tests
OFF = HOLIDAYS | ASSESSMENT
MAKEUP = {date(2026, 9, 20): 0, date(2026, 10, 10): 1}  # Sunday follows 周一, Saturday follows 周二
WINTER_FROM = date(2026, 10, 8)
BELLS = {  # bell schedule -> (before the winter switch, from it); periods 1..7
    "县城作息": ("08:00-08:40 08:50-09:30 10:00-10:40 10:50-11:30 14:30-15:10 15:20-16:00 16:10-16:50".split(),
             "08:00-08:40 08:50-09:30 10:00-10:40 10:50-11:30 14:00-14:40 14:50-15:30 15:40-16:20".split()),
    "乡镇作息": ("08:10-08:50 09:00-09:40 10:10-10:50 11:00-11:40 14:20-15:00 15:10-15:50 16:00-16:40".split(),
             "08:10-08:50 09:00-09:40 10:10-10:50 11:00-11:40 13:50-14:30 14:40-15:20 15:30-16:10".split()),
    "村小作息": ("08:15-08:55 09:05-09:45 10:15-10:55 11:05-11:45 14:00-14:40 14:50-15:30 15:40-16:20".split(),
             "08:15-08:55 09:05-09:45 10:15-10:55 11:05-11:45 13:30-14:10 14:20-15:00 15:10-15:50".split()),
}


def dates_following(weekday: int) -> list[date]:
    """Teaching dates of the term that keep the timetable of ``weekday`` (0 = Monday)."""
    found, day = [], FIRST
    while day <= LAST:
        follows = MAKEUP.get(day, day.weekday() if day.weekday() < 5 else None)
        if day not in OFF and follows == weekday:
            found.append(day)
        day += timedelta(days=1)
    return found


def clock(day: date, bell: str, period: int, end: bool = False) -> datetime:
    text = BELLS[bell][day >= WINTER_FROM][period - 1].split("-")[end]
    return datetime.combine(day, time.fromisoformat(text))


def expected_class_times(scenario, solution) -> dict[str, Counter]:
    bell_of = {s.id: s.bell_schedule for s in scenario.schools}
    result: dict[str, Counter] = {}
    for lesson in solution.lessons:
        bell = bell_of[lesson.school]
        for day in dates_following(lesson.day.index):
            times = (clock(day, bell, lesson.period), clock(day, bell, lesson.period + lesson.length - 1, end=True))
            result.setdefault(feed_id("class", lesson.class_id), Counter())[times] += 1
    return result


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    scenario = load_scenario(SAMPLE)
    given = os.environ.get("TONGBU_PENGSHUI_SOLUTION")
    if given:
        solution = Solution.model_validate_json(Path(given).read_text(encoding="utf-8"))
    else:
        from scheduler.timetable.solve import solve_scenario

        # Seconds on the clock: any verified timetable will do here (the first ones take ~20 s of the 90).
        result = solve_scenario(scenario, time_limit=90, seed=0, workers=2)
        assert result.solution is not None, (result.status, [(p.id, p.status) for p in result.parts])
        solution = result.solution
    out = tmp_path_factory.mktemp("pengshui")
    write_feeds(scenario, solution, out)
    return scenario, solution, out


def test_the_hand_written_calendar_is_the_samples() -> None:
    """The facts above are the sample's own; if scenario.yaml changes its calendar, they must be rewritten."""
    scenario = load_scenario(SAMPLE)
    term = scenario.term
    assert (term.start, term.end) == (FIRST, LAST)
    assert set(term.holidays) == HOLIDAYS and set(term.assessment_days) == ASSESSMENT
    assert {m.date: m.follows.index for m in term.makeup_days} == MAKEUP
    for bells in scenario.bell_schedules:
        summer, winter = BELLS[bells.id]
        assert [f"{p.start:%H:%M}-{p.end:%H:%M}" for p in bells.periods] == summer
        (season,) = bells.seasons
        assert season.starts == WINTER_FROM
        assert [f"{p.start:%H:%M}-{p.end:%H:%M}" for p in season.periods] == winter
    assert {s.bell_schedule for s in scenario.schools} == set(BELLS)


def test_the_hand_written_dates() -> None:
    tuesdays = dates_following(1)
    assert date(2026, 9, 29) in tuesdays and date(2026, 10, 13) in tuesdays
    assert date(2026, 10, 10) in tuesdays  # the make-up Saturday
    assert date(2026, 10, 6) not in tuesdays  # National Day week
    assert date(2026, 9, 20) in dates_following(0) and date(2026, 9, 21) in dates_following(0)
    assert not any(date(2026, 10, 1) in dates_following(d) for d in range(7))
    assert date(2027, 1, 14) not in dates_following(3) and date(2027, 1, 21) in dates_following(3)


def _expand_with_python(path: str) -> Counter:
    """(start, end) of every occurrence in one feed, by icalendar + recurring-ical-events."""
    calendar = icalendar.Calendar.from_ical(Path(path).read_bytes())
    events = recurring_ical_events.of(calendar).between(datetime(2000, 1, 1), datetime(2100, 1, 1))
    return Counter((e["DTSTART"].dt.replace(tzinfo=None), e["DTEND"].dt.replace(tzinfo=None)) for e in events)


def test_class_feeds_expand_to_the_solution(published):
    from concurrent.futures import ProcessPoolExecutor

    scenario, solution, out = published
    expected = expected_class_times(scenario, solution)
    manifest = json.loads((out / FEEDS_DIR / MANIFEST).read_text(encoding="utf-8"))
    # Every lesson of the county is in exactly one class feed (receiving classes have their own), so the
    # class feeds are the complete check: ical.js reads all of them (test_icaljs_reads_the_pengshui_feeds);
    # here icalendar + recurring-ical-events expand every fifth by id (all ~70 MB took over 6 minutes of CI),
    # spread over two processes.
    classes = sorted((f for f in manifest["feeds"] if f["kind"] == "class"), key=lambda f: f["id"])
    assert len(classes) == len(scenario.classes) > 500
    entries = classes[::5]
    with ProcessPoolExecutor(max_workers=2) as pool:
        counts = list(pool.map(_expand_with_python, [str(out / FEEDS_DIR / f["file"]) for f in entries], chunksize=4))
    for entry, got in zip(entries, counts):
        assert got == expected.get(entry["id"], Counter()), entry["name"]
    # No lesson on a holiday or assessment day, and lessons on both make-up days, across the county.
    dates = {start.date() for got in counts for start, _end in got}
    assert not dates & OFF
    assert set(MAKEUP) <= dates


def _class_feed(out: Path, class_id: str) -> Counter:
    manifest = json.loads((out / FEEDS_DIR / MANIFEST).read_text(encoding="utf-8"))
    (entry,) = [f for f in manifest["feeds"] if f["kind"] == "class" and f["id"] == feed_id("class", class_id)]
    return _expand_with_python(str(out / FEEDS_DIR / entry["file"]))


def _a_lesson(scenario, solution, bell: str, weekday: int, period: int):
    """The first (by key) single lesson at a school of ``bell`` on ``weekday`` in ``period``."""
    bell_of = {s.id: s.bell_schedule for s in scenario.schools}
    found = sorted((x for x in solution.lessons if bell_of[x.school] == bell and x.day.index == weekday
                    and x.period == period and x.length == 1), key=lambda x: x.key)
    assert found, f"no single lesson in period {period} on weekday {weekday} at a {bell} school"
    return found[0]


def test_a_county_seat_tuesday_afternoon_lesson_by_hand(published):
    """Period 5 at a 县城作息 school is 14:30-15:10 until 2026-10-07 and 14:00-14:40 from 2026-10-08; the
    make-up Saturday 2026-10-10 keeps Tuesday's timetable (winter times); Tuesday 2026-10-06 is a holiday."""
    scenario, solution, out = published
    lesson = _a_lesson(scenario, solution, "县城作息", 1, 5)
    got = _class_feed(out, lesson.class_id)
    assert got[(datetime(2026, 9, 29, 14, 30), datetime(2026, 9, 29, 15, 10))] == 1
    assert got[(datetime(2026, 10, 13, 14, 0), datetime(2026, 10, 13, 14, 40))] == 1
    assert got[(datetime(2026, 10, 10, 14, 0), datetime(2026, 10, 10, 14, 40))] == 1
    assert got[(datetime(2027, 1, 19, 14, 0), datetime(2027, 1, 19, 14, 40))] == 1  # the term's last Tuesday
    assert not any(start.date() in (date(2026, 10, 6), date(2026, 10, 1)) for start, _ in got)
    # The class's whole make-up Saturday: its Tuesday lessons at winter times, nothing else.
    saturday = date(2026, 10, 10)
    tuesday = [x for x in solution.lessons if x.class_id == lesson.class_id and x.day.index == 1]
    assert Counter({k: v for k, v in got.items() if k[0].date() == saturday}) == Counter(
        (clock(saturday, "县城作息", x.period), clock(saturday, "县城作息", x.period + x.length - 1, end=True))
        for x in tuesday)


def test_a_village_monday_afternoon_lesson_by_hand(published):
    """Period 5 at a 乡镇作息 school is 14:20-15:00 until the switch and 13:50-14:30 after it; Sunday
    2026-09-20 keeps Monday's timetable."""
    scenario, solution, out = published
    lesson = _a_lesson(scenario, solution, "乡镇作息", 0, 5)
    got = _class_feed(out, lesson.class_id)
    assert got[(datetime(2026, 9, 20, 14, 20), datetime(2026, 9, 20, 15, 0))] == 1
    assert got[(datetime(2026, 9, 21, 14, 20), datetime(2026, 9, 21, 15, 0))] == 1
    assert got[(datetime(2026, 10, 12, 13, 50), datetime(2026, 10, 12, 14, 30))] == 1
    assert got[(datetime(2026, 10, 5, 14, 20), datetime(2026, 10, 5, 15, 0))] == 0  # a Monday of the holiday


def test_icaljs_reads_the_pengshui_feeds(published):
    """ical.js (a second, independent parser) on every class and consortium feed — every lesson-date of
    the county — and on every tenth teacher and school feed by id. All 2,309 feeds (411 MB) take ical.js
    over ten minutes, too long for CI; the class feeds are the complete check of the lessons."""
    from test_feeds_icaljs import icaljs_folder

    scenario, solution, out = published
    folder = icaljs_folder()
    manifest = json.loads((out / FEEDS_DIR / MANIFEST).read_text(encoding="utf-8"))
    chosen = []
    for kind in ("class", "consortium", "teacher", "school"):
        feeds = sorted((f for f in manifest["feeds"] if f["kind"] == kind), key=lambda f: f["id"])
        chosen += feeds if kind in ("class", "consortium") else feeds[::10]
    paths = [str(out / FEEDS_DIR / f["file"]) for f in chosen]
    # Two node processes, one per core.
    runs = [subprocess.Popen(["node", str(folder / "expand.mjs"), *half], cwd=folder, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for half in (paths[0::2], paths[1::2])]
    parsed = {}
    for run in runs:
        stdout, stderr = run.communicate(timeout=1200)
        assert run.returncode == 0, stderr
        parsed.update(json.loads(stdout))
    expected = expected_class_times(scenario, solution)
    assert len(parsed) == len(chosen)
    for entry in chosen:
        times = parsed[str(out / FEEDS_DIR / entry["file"])]
        assert len(times) == entry["events"], entry["name"]
        if entry["kind"] == "class":
            got = Counter((datetime.fromisoformat(s[:-1]) + timedelta(hours=8),
                           datetime.fromisoformat(e[:-1]) + timedelta(hours=8)) for s, e, _z in times)
            assert got == expected.get(entry["id"], Counter()), entry["name"]


def test_every_property_of_the_county_is_icalendars_bytes(published):
    """The fast renderer writes TEXT properties itself (feeds.ical.text_line): every distinct SUMMARY,
    DESCRIPTION and LOCATION of the county's events, each calendar name and description, equals
    icalendar's serialization; and every 500th event, whole, equals icalendar's VEVENT."""
    import icalendar as ical

    from feeds.events import term_occurrences
    from feeds.ical import FeedRenderer, dtstamp_for, event_component, text_line
    from feeds.writer import feed_specs

    scenario, solution, _out = published
    occurrences = term_occurrences(scenario, solution)
    values = {(name, getattr(o.text, name)) for o in occurrences for name in ("summary", "description", "location")}
    values |= {(prop, value) for spec in feed_specs(scenario, solution)
               for prop, value in (("name", spec.name), ("x-wr-calname", spec.name), ("x-wr-caldesc", spec.description))}
    assert len(values) > 10_000
    for name, value in sorted(values):
        holder = ical.Event()
        holder.add(name, value)
        assert text_line(name.upper(), value) == b"\r\n".join(holder.to_ical().split(b"\r\n")[1:-2]) + b"\r\n", value
    stamp = dtstamp_for(scenario.term.start)
    renderer = FeedRenderer(stamp)
    for occurrence in occurrences[::500]:
        assert renderer.event(occurrence, 3) == event_component(occurrence, 3, stamp).to_ical(), occurrence.uid
