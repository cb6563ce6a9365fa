"""A second, independent iCalendar implementation reads the feeds: Mozilla's ical.js under Node.

ical.js (the parser of Thunderbird) is installed with npm into a cache folder outside the
repository (TONGBU_NODE_CACHE, default ~/.cache/tongbu/icaljs) on first use; the test is skipped,
saying why, when node or npm is missing or the npm registry cannot be reached. It expands every
event (recurrences included, should a feed ever have any) and must find exactly the lessons the
hand-computed expectations list — across a holiday, a make-up workday and a seasonal switch.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from feeds import write_feeds
from feeds.writer import FEEDS_DIR, MANIFEST
from test_feeds_expected import expected_feeds
from test_feeds_fixtures import scenario, solution

ICALJS_VERSION = "2.2.1"

EXPAND_JS = r"""
import ICAL from "ical.js";
import { readFileSync } from "node:fs";

const result = {};
for (const path of process.argv.slice(2)) {
  const root = new ICAL.Component(ICAL.parse(readFileSync(path, "utf8")));
  for (const zone of root.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(new ICAL.Timezone(zone));
  }
  const times = [];
  for (const vevent of root.getAllSubcomponents("vevent")) {
    const event = new ICAL.Event(vevent);
    const minutes = event.endDate.subtractDate(event.startDate).toSeconds() / 60;
    const iterator = event.iterator();
    let next;
    let guard = 0;
    while ((next = iterator.next()) && guard++ < 10000) {
      const start = next.toJSDate();
      times.push([start.toISOString(), new Date(start.getTime() + minutes * 60000).toISOString(),
                  event.startDate.zone.tzid]);
    }
  }
  result[path] = times;
}
process.stdout.write(JSON.stringify(result));
"""


def _cache() -> Path:
    return Path(os.environ.get("TONGBU_NODE_CACHE", Path.home() / ".cache" / "tongbu" / "icaljs"))


def icaljs_folder() -> Path:
    """A folder with ical.js installed and the expansion script, or skip the test saying why."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node/npm not installed: the ical.js cross-check needs Node.js (apt-get install nodejs npm)")
    folder = _cache()
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "node_modules" / "ical.js" / "package.json").exists():
        try:
            subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent", "--prefix", str(folder),
                            f"ical.js@{ICALJS_VERSION}"], check=True, capture_output=True, timeout=180)
        except (subprocess.SubprocessError, OSError) as err:
            pytest.skip(f"cannot install ical.js from npm (registry unreachable?): {err}")
    (folder / "expand.mjs").write_text(EXPAND_JS, encoding="utf-8")
    return folder


def test_icaljs_expands_every_feed_to_the_solution_lessons(tmp_path):
    folder = icaljs_folder()
    write_feeds(scenario(), solution(), tmp_path)
    manifest = json.loads((tmp_path / FEEDS_DIR / MANIFEST).read_text(encoding="utf-8"))
    paths = {str(tmp_path / FEEDS_DIR / f["file"]): (f["kind"], f["of"]) for f in manifest["feeds"]}
    done = subprocess.run(["node", str(folder / "expand.mjs"), *paths], cwd=folder, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    parsed = json.loads(done.stdout)
    expected = expected_feeds()
    utc = timedelta(hours=8)
    for path, key in paths.items():
        got = sorted((datetime.fromisoformat(s.replace("Z", "")) + utc, datetime.fromisoformat(e.replace("Z", "")) + utc)
                     for s, e, _zone in parsed[path])
        assert got == expected.get(key, []), key
        assert {zone for _s, _e, zone in parsed[path]} <= {"Asia/Shanghai"}
