"""The Pengshui sample's feeds read back by icalendar + recurring-ical-events and by ical.js.

Runs only when samples/pengshui exists; it is solved with a short time limit (or a solution.json
is taken from $TONGBU_PENGSHUI_SOLUTION). Expected events come from the solution and the term's
teaching days, so this checks the writer and both parsers against the solved lessons at scale.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events

from feeds import write_feeds
from models.term import teaching_days
from feeds.writer import FEEDS_DIR, MANIFEST, feed_id

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "pengshui"
pytestmark = pytest.mark.skipif(not (SAMPLE / "scenario.yaml").exists(), reason="samples/pengshui not available yet")


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    from models.files import load_scenario
    from models.solution import Solution

    scenario = load_scenario(SAMPLE)
    given = os.environ.get("TONGBU_PENGSHUI_SOLUTION")
    if given:
        solution = Solution.model_validate_json(Path(given).read_text(encoding="utf-8"))
    else:
        from scheduler.timetable.solve import solve_scenario

        solution = solve_scenario(scenario, time_limit=60, seed=0, workers=2).solution
    out = tmp_path_factory.mktemp("pengshui")
    write_feeds(scenario, solution, out)
    return scenario, solution, out


def expected_class_times(scenario, solution) -> dict[str, Counter]:
    days = teaching_days(scenario)
    result: dict[str, Counter] = {}
    for lesson in solution.lessons:
        bells = scenario.bells_of(lesson.school)
        if lesson.day not in bells.days:
            continue
        for day in (d for d in days if d.follows == lesson.day):
            periods = day.periods(bells)
            start = datetime.combine(day.date, periods[lesson.period - 1].start)
            end = datetime.combine(day.date, periods[lesson.period + lesson.length - 2].end)
            result.setdefault(feed_id("class", lesson.class_id), Counter())[(start, end)] += 1
    return result


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
    assert any(d.makeup for d in teaching_days(scenario)) or not scenario.term.makeup_days
    # Every lesson of the county is in exactly one class feed (receiving classes have their own), so the
    # class feeds are the complete check; parsing ~70 MB of them is spread over two processes.
    entries = [f for f in manifest["feeds"] if f["kind"] == "class"]
    with ProcessPoolExecutor(max_workers=2) as pool:
        counts = list(pool.map(_expand_with_python, [str(out / FEEDS_DIR / f["file"]) for f in entries], chunksize=20))
    for entry, got in zip(entries, counts):
        assert got == expected.get(entry["id"], Counter()), entry["name"]


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
