"""The feeds of OUT as plain files for any static web server: the token is the file name.

``export_static(OUT, DIR, base_url)`` writes

* ``DIR/f/<token>.ics`` — each feed that has a token (revoked feeds have none, so no file), the same
  bytes ``tongbu serve`` answers, checked against the manifest's SHA-256 first;
* ``DIR/i/<index token>/index.html`` — the staff index, its links built on ``base_url``;
* an empty ``index.html`` in ``DIR``, ``DIR/f`` and ``DIR/i``, so a server that lists folders shows
  nothing even if listing was left on.

so a web server whose document root is ``DIR`` (served at ``base_url``) answers ``/f/<token>.ics``
exactly as ``tongbu serve`` does. A file whose bytes did not change is left untouched (its mtime,
and so the web server's ETag and Last-Modified, stay the same); changed files are written to a
temporary name and renamed, so the web server never sends a half-written file; files of rotated or
revoked tokens are deleted. Run it again after every publish and every ``tongbu tokens`` change.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from feeds.app import index_page
from feeds.server import ServeError, check_base_url
from feeds.store import FeedStore, Inconsistent, NotPublished
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


def export_static(out: Path, folder: Path, base_url: str | None) -> ExportReport:
    """Write OUT's feeds and index into ``folder`` for a static web server (see the module docstring)."""
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
    feeds_dir, index_dir = folder / "f", folder / "i"
    for path in (folder, feeds_dir, index_dir):
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
    return ExportReport(written=written, unchanged=unchanged, removed=removed, folder=folder)
