"""Golden files: a small feed and a small workbook, written again from a fixed scenario and solution
and compared byte for byte with the copies in tests/golden/ (STYLE.md practice 8).

The scenario and solution are the feed fixtures' (tests/test_feeds_fixtures.py: two schools, a sync
lesson, a research block) over a short term, 2026-09-14 to 2026-10-16, that still holds the
Mid-autumn holiday, National Day, both make-up workdays and the winter bell switch.

* ``teacher-T1.ics``: teacher T1's feed (lessons and the weekly research block). Compared whole:
  the writer has no clock in it (DTSTAMP is the term's first day, UIDs come from the lesson keys).
* ``S1.xlsx``: school S1's printable timetable. reports/workbook.py stamps it with the term's first
  day and dates every zip entry 1980-01-01, so its bytes are reproducible too; but the deflate
  stream depends on the zlib build, so the parts are compared unzipped (names, order, and every
  XML part's bytes), and the entries' dates are checked separately.

A difference is either a regression or an intended change of the output. To accept an intended
change, regenerate and review the diff before committing:

    TONGBU_UPDATE_GOLDEN=1 .venv/bin/python -m pytest -o addopts="" -q tests/test_golden.py
    git diff --stat tests/golden/      # then unzip -p tests/golden/S1.xlsx xl/worksheets/sheet1.xml … to read

With TONGBU_UPDATE_GOLDEN=1 the tests rewrite the files and skip (they prove nothing on that run).
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from datetime import date
from pathlib import Path

import pytest

from feeds import write_feeds
from feeds.writer import FEEDS_DIR, MANIFEST, feed_id
from reports import school_file_stems, write_school_timetables
from models.cells import ZIP_EPOCH
from test_feeds_fixtures import scenario, solution

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("TONGBU_UPDATE_GOLDEN") == "1"


def small_scenario():
    return scenario(start=date(2026, 9, 14), end=date(2026, 10, 16), holidays=(), assessment_days=())


def _compare_or_update(name: str, fresh: bytes, compare) -> None:
    golden = GOLDEN / name
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        golden.write_bytes(fresh)
        pytest.skip(f"TONGBU_UPDATE_GOLDEN=1: rewrote tests/golden/{name}; review git diff before committing")
    assert golden.is_file(), f"tests/golden/{name} is missing: regenerate it with TONGBU_UPDATE_GOLDEN=1 (docstring)"
    compare(golden.read_bytes(), fresh)


def _parts(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info.filename, archive.read(info.filename)) for info in archive.infolist()]


def test_golden_teacher_feed(tmp_path: Path) -> None:
    write_feeds(small_scenario(), solution(), tmp_path)
    manifest = json.loads((tmp_path / FEEDS_DIR / MANIFEST).read_text(encoding="utf-8"))
    (entry,) = [f for f in manifest["feeds"] if f["id"] == feed_id("teacher", "T1")]
    fresh = (tmp_path / FEEDS_DIR / entry["file"]).read_bytes()

    def same(golden: bytes, new: bytes) -> None:
        assert new.decode("utf-8").splitlines() == golden.decode("utf-8").splitlines()  # a readable diff first
        assert new == golden  # then line endings (CRLF) and folding, byte for byte

    _compare_or_update("teacher-T1.ics", fresh, same)


def test_golden_school_workbook(tmp_path: Path) -> None:
    s = small_scenario()
    write_school_timetables(s, solution(), tmp_path)
    fresh = (tmp_path / f"{school_file_stems(s)['S1']}.xlsx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(fresh)) as archive:
        assert {info.date_time for info in archive.infolist()} == {ZIP_EPOCH}  # no clock in the container

    def same(golden: bytes, new: bytes) -> None:
        old_parts, new_parts = _parts(golden), _parts(new)
        assert [n for n, _ in new_parts] == [n for n, _ in old_parts]
        for (name, old), (_, now) in zip(old_parts, new_parts):
            assert now == old, f"{name} differs from tests/golden/S1.xlsx"

    _compare_or_update("S1.xlsx", fresh, same)


def test_golden_files_hold_what_they_are_said_to() -> None:
    """The committed goldens themselves: the feed spans the short term's calendar, the workbook is S1's week."""
    if UPDATE:
        pytest.skip("TONGBU_UPDATE_GOLDEN=1")
    feed = (GOLDEN / "teacher-T1.ics").read_bytes().decode("utf-8")
    # T1: 数学 double on Monday periods 1-2 and Friday period 3 at S1 (B1 bells), research Thursday 16:10-17:10.
    assert "DTSTART;TZID=Asia/Shanghai:20260914T080000" in feed  # Monday 14 Sep, summer bells
    assert "DTSTART;TZID=Asia/Shanghai:20260918T100000" in feed  # Friday period 3, summer
    assert "DTSTART;TZID=Asia/Shanghai:20260920T100000" in feed  # Sunday make-up day following Friday
    assert "DTSTART;TZID=Asia/Shanghai:20261009T101000" in feed  # Friday period 3 after the winter switch
    assert "20260925T" not in feed and "20261001T" not in feed  # Mid-autumn, National Day
    parts = dict(_parts((GOLDEN / "S1.xlsx").read_bytes()))
    assert "xl/worksheets/sheet1.xml" in parts and b"2026-09-14T00:00:00Z" in parts["docProps/core.xml"]
