"""The timetables behind the feed pages' download links, made when asked for.

``tongbu solve`` writes every class's and teacher's weekly grid, as drawn in the school workbooks, to
``OUT/timetables/grids.json`` (``grids_json``). The feed server (``feeds.app``) is handed a
``Documents`` object by the CLI and asks it for a feed's timetable as XLSX or PDF, or for a school's
QR sheet as PDF: a class gets its grid, a teacher their grid at each school they teach at, a school
all of its grids. Nothing is written ahead for two thousand teachers and classes that may never be
downloaded.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from models.enums import Weekday
from reports.grid import Cell, Grid, PeriodRow
from reports.pdf import grids_pdf, qr_sheet_pdf
from reports.workbook import grid_workbook

GRIDS_FILE = "grids.json"
FORMATS = ("xlsx", "pdf")


def grid_dict(grid: Grid, school: str) -> dict[str, Any]:
    return {"kind": grid.kind, "owner": grid.owner, "school": school, "name": grid.name, "title": grid.title,
            "subtitle": grid.subtitle, "days": [d.value for d in grid.days],
            "rows": [[r.period, r.label, r.times, r.afternoon_starts] for r in grid.rows],
            "cells": [[d.value, p, list(c.lines), c.span, c.sync] for (d, p), c in
                      sorted(grid.cells.items(), key=lambda item: (item[0][0].index, item[0][1]))],
            "covered": sorted([[d.value, p] for d, p in grid.covered], key=lambda x: (Weekday(x[0]).index, x[1])),
            "notes": list(grid.notes)}


def grid_of(raw: dict[str, Any]) -> Grid:
    cells = {(Weekday(d), int(p)): Cell(tuple(lines), int(span), bool(sync)) for d, p, lines, span, sync in raw["cells"]}
    return Grid(kind=raw["kind"], owner=raw["owner"], name=raw["name"], title=raw["title"], subtitle=raw["subtitle"],
                days=tuple(Weekday(d) for d in raw["days"]),
                rows=tuple(PeriodRow(int(p), label, times, bool(pm)) for p, label, times, pm in raw["rows"]),
                cells=cells, covered=frozenset((Weekday(d), int(p)) for d, p in raw["covered"]),
                notes=tuple(raw["notes"]))


def grids_json(grids: Sequence[tuple[str, Grid]], stamp: datetime) -> str:
    """``grids``: (school id, grid) pairs; ``stamp``: the workbooks' fixed created/modified time."""
    return json.dumps({"version": 1, "stamp": stamp.isoformat(), "grids": [grid_dict(g, s) for s, g in grids]},
                      ensure_ascii=False, separators=(",", ":")) + "\n"


class OutDocuments:
    """XLSX and PDF timetables of a published OUT's feeds, and PDF QR sheets (``feeds.app.Documents``)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loaded: dict[Path, tuple[tuple[int, int, int], dict[str, Any]]] = {}

    def _grids(self, out: Path) -> dict[str, Any] | None:
        path = Path(out) / "timetables" / GRIDS_FILE
        try:
            st = path.stat()
        except FileNotFoundError:
            return None
        signature = (st.st_ino, st.st_size, st.st_mtime_ns)
        with self._lock:
            cached = self._loaded.get(path)
            if cached is not None and cached[0] == signature:
                return cached[1]
        raw = json.loads(path.read_text(encoding="utf-8"))
        with self._lock:
            self._loaded[path] = (signature, raw)
        return raw

    def _chosen(self, out: Path, feed: dict) -> tuple[list[Grid], datetime] | None:
        raw = self._grids(out)
        if raw is None:
            return None
        kind, of = feed.get("kind"), feed.get("of")
        if kind in ("class", "teacher", "room"):
            picked = [g for g in raw["grids"] if g["kind"] == kind and g["owner"] == of]
        elif kind == "school":
            picked = [g for g in raw["grids"] if g["school"] == of]
        else:
            picked = []
        if not picked:
            return None
        return [grid_of(g) for g in picked], datetime.fromisoformat(raw["stamp"])

    def formats(self, out: Path, feed: dict) -> tuple[str, ...]:
        raw = self._grids(out)
        if raw is None or feed.get("kind") not in ("class", "teacher", "room", "school"):
            return ()
        kind, of = feed["kind"], feed["of"]
        key = "school" if kind == "school" else "owner"
        return FORMATS if any(g[key] == of and (kind == "school" or g["kind"] == kind) for g in raw["grids"]) else ()

    def timetable(self, out: Path, feed: dict, fmt: str) -> bytes | None:
        chosen = self._chosen(out, feed)
        if chosen is None or fmt not in FORMATS:
            return None
        grids, stamp = chosen
        if fmt == "xlsx":
            return grid_workbook(grids, stamp)
        return grids_pdf(grids, title=feed.get("label") or feed.get("name") or "")

    def qr_sheet(self, title: str, note: str, cards: Sequence[tuple[str, str, str, tuple[str, ...]]]) -> bytes:
        return qr_sheet_pdf(title, note, cards)
