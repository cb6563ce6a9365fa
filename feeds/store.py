"""What the subscription server knows of a published OUT: one consistent snapshot at a time.

* Publishing: ``solve`` writes a new OUT beside the old one and renames it into place. The store
  notices a new ``feeds/manifest.json`` (by inode, size and mtime), and loads feed bytes only when
  their SHA-256 matches the manifest, so it never serves a half-written or mixed set; while OUT is
  missing or inconsistent it keeps the last good snapshot. Token changes (``tongbu tokens``) are
  picked up the same way.
* Tokens are looked up by their SHA-256, so how long a lookup takes says nothing about how many
  characters of a guess were right (a dict lookup of a digest, not a string compare of the token).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from typing import Any

from feeds.tokens import INDEX, ensure_tokens
from feeds.writer import FEEDS_DIR, MANIFEST, TOKENS


def digest(token: str) -> str:
    """The key a token is looked up by."""
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


@dataclass
class FeedBody:
    data: bytes
    etag: str
    last_modified: float
    http_date: str = ""  # last_modified as an HTTP date, formatted once

    def __post_init__(self) -> None:
        self.http_date = self.http_date or formatdate(self.last_modified, usegmt=True)


@dataclass
class Snapshot:
    """One consistent published state: manifest, tokens and (lazily) verified feed bytes."""

    folder: Path
    manifest_sig: tuple[int, int, int] | None
    tokens_sig: tuple[int, int, int] | None
    feeds: dict[str, dict[str, Any]]
    by_token: dict[str, str]
    index_digest: str | None
    tokens: dict[str, str | None]
    bodies: dict[str, FeedBody] = field(default_factory=dict)
    # The manifest's district, term and calendar (teaching days, holidays…), for the pages.
    meta: dict[str, Any] = field(default_factory=dict)


class Inconsistent(Exception):
    """A feed file does not match the manifest (a publish is under way)."""


class NotPublished(FileNotFoundError):
    """OUT has no feeds manifest."""


class FeedStore:
    """The current snapshot of OUT, reloaded when the manifest or tokens change on disk."""

    def __init__(self, out: Path) -> None:
        self.out = Path(out)
        self.lock = threading.Lock()
        self.first_seen: dict[str, float] = {}  # etag -> Last-Modified, stable across publishes
        snapshot = self._load(carry=None)
        if snapshot is None:
            raise NotPublished(f"{self.out / FEEDS_DIR / MANIFEST} does not exist: run tongbu solve first "
                               f"/ 找不到订阅清单，请先运行 tongbu solve")
        self.snapshot = snapshot

    def _load(self, carry: dict[str, str | None] | None) -> Snapshot | None:
        folder = self.out / FEEDS_DIR
        manifest_sig = _signature(folder / MANIFEST)
        if manifest_sig is None:
            return None
        try:
            manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            tokens = ensure_tokens(self.out, carry=carry)
        except (OSError, ValueError):
            return None
        by_token = {digest(t): feed for feed, t in tokens.items() if t and feed != INDEX}
        index = tokens.get(INDEX)
        return Snapshot(folder=folder, manifest_sig=manifest_sig, tokens_sig=_signature(self.out / TOKENS),
                        feeds={f["id"]: f for f in manifest["feeds"]}, by_token=by_token,
                        index_digest=digest(index) if index else None, tokens=tokens,
                        meta={k: manifest.get(k) for k in ("district", "term", "calendar")})

    def current(self, force: bool = False) -> Snapshot:
        snap = self.snapshot
        folder = self.out / FEEDS_DIR
        if not force and _signature(folder / MANIFEST) == snap.manifest_sig \
                and _signature(self.out / TOKENS) == snap.tokens_sig:
            return snap
        with self.lock:
            if self.snapshot is not snap:
                return self.snapshot
            fresh = self._load(carry=snap.tokens)
            if fresh is not None:
                self.snapshot = fresh  # one reference assignment: requests see the old or the new state
            return self.snapshot

    def body(self, snap: Snapshot, feed: str) -> FeedBody:
        """The feed's verified bytes; raises ``Inconsistent`` when the file does not match the manifest."""
        cached = snap.bodies.get(feed)
        if cached is not None:
            return cached
        entry = snap.feeds[feed]
        path = snap.folder / entry["file"]
        try:
            data = path.read_bytes()
            mtime = path.stat().st_mtime
        except FileNotFoundError as err:
            raise Inconsistent(feed) from err
        sha = hashlib.sha256(data).hexdigest()
        if sha != entry["sha256"]:
            raise Inconsistent(feed)
        etag = f'"{sha[:32]}"'
        last_modified = self.first_seen.setdefault(etag, float(int(mtime)))
        body = FeedBody(data=data, etag=etag, last_modified=last_modified)
        snap.bodies[feed] = body
        return body

    def verified_body(self, snap: Snapshot, feed: str) -> FeedBody | None:
        """The feed's bytes, re-reading OUT once if they do not match; None while a publish is under way."""
        try:
            return self.body(snap, feed)
        except Inconsistent:
            snap = self.current(force=True)
            try:
                return self.body(snap, feed) if feed in snap.feeds else None
            except Inconsistent:
                return None

    def feed_for(self, token: str) -> tuple[Snapshot, str] | None:
        snap = self.current()
        feed = snap.by_token.get(digest(token))
        if feed is None or feed not in snap.feeds:
            return None
        return snap, feed

    def index_for(self, token: str) -> Snapshot | None:
        snap = self.current()
        if snap.index_digest is None or not hmac.compare_digest(digest(token), snap.index_digest):
            return None
        return snap


def not_modified(if_none_match: str | None, if_modified_since: str | None, body: FeedBody) -> bool:
    """RFC 9110: If-None-Match decides when present; otherwise If-Modified-Since."""
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return "*" in tags or body.etag in tags
    if if_modified_since:
        try:
            return parsedate_to_datetime(if_modified_since).timestamp() >= body.last_modified
        except (TypeError, ValueError):
            return False
    return False
