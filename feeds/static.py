"""The feeds of OUT as plain files for any static web server: the token is the file name.

``export_static(OUT, DIR, base_url)`` writes

* ``DIR/f/<token>.ics`` — each feed that has a token (revoked feeds have none, so no file), the same
  bytes ``tongbu serve`` answers, checked against the manifest's SHA-256 first;
* ``DIR/i/<index token>/index.html`` — the staff index, its links built on ``base_url``;
* ``DIR/p/<token>/`` — each feed's pages as ``tongbu serve`` draws them (``feeds.pages``), for the
  day of the export: ``index.html``, ``term/index.html``, with a documents maker
  ``timetable.xlsx``/``.pdf``, and for a school ``sheet/index.html``, ``sheet.pdf``, ``links.txt``.
  A page's inputs (feed hash, day, base URL, the school's tokens) are kept in ``.stamp`` beside it
  and the downloads' (the grids, base URL, tokens) in ``.stamp-files``, so nothing unchanged is made
  again: the export run every few minutes moves "today" on at midnight without remaking the PDFs;
* an empty ``index.html`` in ``DIR``, ``DIR/f``, ``DIR/i`` and ``DIR/p``, so a server that lists
  folders shows nothing even if listing was left on.

so a web server whose document root is ``DIR`` (served at ``base_url``) answers ``/f/<token>.ics``
exactly as ``tongbu serve`` does. A file whose bytes did not change is left untouched (its mtime,
and so the web server's ETag and Last-Modified, stay the same); changed files are written to a
temporary name and renamed, so the web server never sends a half-written file; files of rotated or
revoked tokens are deleted. Run it again after every publish and every ``tongbu tokens`` change.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from feeds.app import Documents, index_page, sheet_cards
from feeds.events import ZONE
from feeds.pages import FeedView, Links, PageOptions, Term, links_text, main_page, sheet_entries, sheet_page, term_page
from feeds.reader import read_events
from feeds.server import ServeError, check_base_url
from feeds.store import FeedStore, Inconsistent, NotPublished, Snapshot
from feeds.tokens import INDEX

TOKEN_FILE = re.compile(r"^[A-Za-z0-9_-]{20,}\.ics$")
TOKEN_DIR = re.compile(r"^[A-Za-z0-9_-]{20,}$")
PLACEHOLDER = b"<!DOCTYPE html><title>tongbu</title>\n"


@dataclass(frozen=True)
class ExportReport:
    written: int
    unchanged: int
    removed: int
    folder: Path

    @property
    def en(self) -> str:
        return (f"{self.written + self.unchanged} feeds in {self.folder}/f ({self.written} written, "
                f"{self.unchanged} unchanged, {self.removed} removed)")

    @property
    def zh(self) -> str:
        return (f"{self.folder}/f 中共 {self.written + self.unchanged} 个订阅（写入 {self.written}，"
                f"未变 {self.unchanged}，删除 {self.removed}）")


def _write_if_changed(path: Path, data: bytes) -> bool:
    if path.is_file() and path.read_bytes() == data:
        return False
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        os.fchmod(fd, 0o644)  # the web server's user reads it
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def export_static(out: Path, folder: Path, base_url: str | None, documents: Documents | None = None,
                  today: date | None = None) -> ExportReport:
    """Write OUT's feeds, pages and index into ``folder`` for a static web server (see the module docstring)."""
    if base_url is None:
        raise ServeError("--static-dir needs --base-url: the public URL DIR is served at (for the index links)",
                         "使用 --static-dir 时须用 --base-url 指定该目录对外的地址（目录页链接需要）")
    base = check_base_url(base_url).rstrip("/")
    out, folder = Path(out).resolve(), Path(folder).resolve()
    if folder == out or out.is_relative_to(folder) or folder.is_relative_to(out):
        # A document root holding OUT would publish tokens.json; one inside OUT vanishes at the next publish.
        raise ServeError(f"--static-dir {folder} must be outside OUT and must not contain it",
                         f"--static-dir {folder} 必须在 OUT 之外，且不能包含 OUT")
    try:
        store = FeedStore(out)
    except NotPublished:
        raise ServeError(f"{out} has no feeds: run tongbu solve first",
                         f"{out} 中没有日历订阅：请先运行 tongbu solve") from None
    snap = store.current()
    bodies = {}
    for feed in snap.feeds:
        token = snap.tokens.get(feed)
        if not token:
            continue
        try:
            bodies[f"{token}.ics"] = store.body(snap, feed).data
        except Inconsistent:
            raise ServeError(f"{out}: feed {feed} does not match the manifest (a publish under way?); run again",
                             f"{out}：订阅 {feed} 与清单不符（可能正在发布），请稍后重试") from None
    feeds_dir, index_dir, pages_dir = folder / "f", folder / "i", folder / "p"
    for path in (folder, feeds_dir, index_dir, pages_dir):
        path.mkdir(parents=True, exist_ok=True)
        _write_if_changed(path / "index.html", PLACEHOLDER)
    written = unchanged = removed = 0
    for name, data in sorted(bodies.items()):
        if _write_if_changed(feeds_dir / name, data):
            written += 1
        else:
            unchanged += 1
    for stale in sorted(feeds_dir.iterdir()):
        if TOKEN_FILE.match(stale.name) and stale.name not in bodies:
            stale.unlink()
            removed += 1
    index = snap.tokens.get(INDEX)
    if index:
        (index_dir / index).mkdir(exist_ok=True)
        _write_if_changed(index_dir / index / "index.html", index_page(snap, base))
    for stale in sorted(index_dir.iterdir()):
        if stale.is_dir() and TOKEN_DIR.match(stale.name) and stale.name != index:
            shutil.rmtree(stale)
    _export_pages(store, snap, pages_dir, base, documents, today or datetime.now(ZONE).date())
    return ExportReport(written=written, unchanged=unchanged, removed=removed, folder=folder)


def _export_pages(store: FeedStore, snap: Snapshot, pages_dir: Path, base: str, documents: Documents | None,
                  today: date) -> None:
    """Each feed's pages under ``pages_dir/<token>/``, skipped when their inputs are unchanged."""
    term = Term.of(snap.meta)
    school_tokens = hashlib.sha256(json.dumps(snap.tokens, sort_keys=True).encode()).hexdigest()
    meta = hashlib.sha256(json.dumps(snap.meta, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    grids = store.out / "timetables" / "grids.json"
    grids_sig = f"{grids.stat().st_size}-{grids.stat().st_mtime_ns}" if grids.exists() else "-"
    wanted = set()
    for feed, entry in sorted(snap.feeds.items()):
        token = snap.tokens.get(feed)
        if not token:
            continue
        wanted.add(token)
        target = pages_dir / token
        school = entry["kind"] == "school"
        # Two sets of inputs: the pages change with the day; the downloads (XLSX, PDF) only with a publish.
        shared = [base, meta, school_tokens if school else "", entry.get("label", ""), 2]
        stamps = {".stamp": json.dumps([entry["sha256"], today.isoformat(), *shared]),
                  ".stamp-files": json.dumps([grids_sig if documents is not None else "", *shared])}
        fresh = {name: not ((target / name).is_file() and (target / name).read_text(encoding="utf-8") == value)
                 for name, value in stamps.items()}
        if not any(fresh.values()):
            continue
        body = store.body(snap, feed)
        view = FeedView(feed=entry, events=read_events(body.data), term=term, links=Links.of(base, token),
                        district=str(snap.meta.get("district") or ""))
        downloads = documents.formats(store.out, entry) if documents is not None else ()
        options = PageOptions(today=today, static=True, downloads=downloads)
        files: dict[str, bytes] = {}
        entries = sheet_entries(entry, snap.feeds.values(), snap.tokens, base) if school else []
        if fresh[".stamp"]:
            files["index.html"] = main_page(view, options)
            files["term/index.html"] = term_page(view, options)
            if school:
                files["sheet/index.html"] = sheet_page(view, entries, pdf=documents is not None)
                files["links.txt"] = links_text(view, entries)
        if fresh[".stamp-files"] and documents is not None:
            for fmt in downloads:
                data = documents.timetable(store.out, entry, fmt)
                if data is not None:
                    files[f"timetable.{fmt}"] = data
            if school:
                files["sheet.pdf"] = documents.qr_sheet(*sheet_cards(view, entries))
        for name, data in files.items():
            path = target / name
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_if_changed(path, data)
        for name, value in stamps.items():
            _write_if_changed(target / name, value.encode("utf-8"))
    for stale in sorted(pages_dir.iterdir()):
        if stale.is_dir() and TOKEN_DIR.match(stale.name) and stale.name not in wanted:
            shutil.rmtree(stale)
