"""``tongbu serve OUT``: the subscription server for the feeds of a published OUT.

Standard library only (``http.server.ThreadingHTTPServer``): the server serves a few hundred small,
immutable files from memory to calendar clients that poll every few hours, so a framework would
add a dependency and nothing else; the benchmark (bench/bench_feeds.py) shows the throughput.

* ``GET /f/<token>.ics`` — a feed (text/calendar), with ETag and Last-Modified, 304 to
  ``If-None-Match``/``If-Modified-Since``; ``GET /i/<token>`` — the staff index with webcal:// links.
  Anything else, a wrong or revoked token included, is the same 404: nothing is listed without a token.
* Publishing: ``solve`` writes a new OUT beside the old one and renames it into place. The server
  notices a new ``feeds/manifest.json`` (by inode, size and mtime), and loads feed bytes only when
  their SHA-256 matches the manifest, so it never serves a half-written or mixed set; while OUT is
  missing or inconsistent it keeps serving the last good snapshot. Token changes (``tongbu tokens``)
  are picked up the same way.
* Binds to 127.0.0.1 unless told otherwise; SIGTERM and SIGINT shut it down cleanly.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import signal
import sys
import threading
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from feeds.tokens import INDEX, ensure_tokens, read_tokens
from feeds.writer import FEEDS_DIR, MANIFEST, TOKENS

FEED_PATH = re.compile(r"^/f/([A-Za-z0-9_-]{20,})(?:\.ics)?$")
INDEX_PATH = re.compile(r"^/i/([A-Za-z0-9_-]{20,})/?$")
HOST_HEADER = re.compile(r"^[A-Za-z0-9.\-]+(?::\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::\d{1,5})?$")
KIND_ZH = {"consortium": "共同体", "school": "学校", "class": "班级", "teacher": "教师"}


def _digest(token: str) -> str:
    # Tokens are looked up by their hash, so lookup timing says nothing about a token's characters.
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


class Inconsistent(Exception):
    """A feed file does not match the manifest (a publish is under way)."""


class FeedStore:
    """The current snapshot of OUT, reloaded when the manifest or tokens change on disk."""

    def __init__(self, out: Path) -> None:
        self.out = Path(out)
        self.lock = threading.Lock()
        self.first_seen: dict[str, float] = {}  # etag -> Last-Modified, stable across publishes
        self.snapshot = self._load(carry=None)
        if self.snapshot is None:
            raise FileNotFoundError(f"{self.out / FEEDS_DIR / MANIFEST} does not exist: run tongbu solve first "
                                    f"/ 找不到订阅清单，请先运行 tongbu solve")

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
        by_token = {_digest(t): feed for feed, t in tokens.items() if t and feed != INDEX}
        index = tokens.get(INDEX)
        return Snapshot(folder=folder, manifest_sig=manifest_sig, tokens_sig=_signature(self.out / TOKENS),
                        feeds={f["id"]: f for f in manifest["feeds"]}, by_token=by_token,
                        index_digest=_digest(index) if index else None, tokens=tokens)

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
        digest = hashlib.sha256(data).hexdigest()
        if digest != entry["sha256"]:
            raise Inconsistent(feed)
        etag = f'"{digest[:32]}"'
        last_modified = self.first_seen.setdefault(etag, float(int(mtime)))
        body = FeedBody(data=data, etag=etag, last_modified=last_modified)
        snap.bodies[feed] = body
        return body

    def feed_for(self, token: str) -> tuple[Snapshot, str] | None:
        snap = self.current()
        feed = snap.by_token.get(_digest(token))
        if feed is None or feed not in snap.feeds:
            return None
        return snap, feed


def not_modified(headers: Any, body: FeedBody) -> bool:
    """RFC 9110: If-None-Match decides when present; otherwise If-Modified-Since."""
    match = headers.get("If-None-Match")
    if match is not None:
        tags = {t.strip().removeprefix("W/") for t in match.split(",")}
        return "*" in tags or body.etag in tags
    since = headers.get("If-Modified-Since")
    if since:
        try:
            return parsedate_to_datetime(since).timestamp() >= body.last_modified
        except (TypeError, ValueError):
            return False
    return False


def index_page(snap: Snapshot, host: str) -> bytes:
    """The staff index: every feed by kind with webcal:// and https links."""
    rows = []
    for feed in sorted(snap.feeds.values(), key=lambda f: (list(KIND_ZH).index(f["kind"]), f["name"])):
        token = snap.tokens.get(feed["id"])
        if not token:
            continue
        path = f"/f/{token}.ics"
        rows.append(f"<tr><td>{KIND_ZH.get(feed['kind'], feed['kind'])}</td><td>{html.escape(feed['name'])}</td>"
                    f"<td><a href=\"webcal://{host}{path}\">webcal://</a></td><td><a href=\"{path}\">.ics</a></td>"
                    f"<td>{feed['events']}</td></tr>")
    page = ("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"robots\" content=\"noindex\">"
            "<title>课表订阅 · Timetable feeds</title></head><body><h1>课表订阅 Timetable feeds</h1>"
            "<p>点击 webcal:// 链接即可在日历应用中订阅；链接含密钥，请勿公开。"
            " Click a webcal:// link to subscribe; links contain secrets, do not share them publicly.</p>"
            "<table><tr><th>类别</th><th>名称</th><th>订阅</th><th>下载</th><th>事件数</th></tr>"
            + "".join(rows) + "</table></body></html>")
    return page.encode("utf-8")


class FeedHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: calendar clients and load tools reuse connections
    server_version = "tongbu"
    sys_version = ""
    store: FeedStore
    quiet = True

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._answer(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(send_body=False)

    def _answer(self, send_body: bool) -> None:
        path = self.path.split("?", 1)[0]
        feed = FEED_PATH.match(path)
        if feed:
            return self._feed(feed.group(1), send_body)
        index = INDEX_PATH.match(path)
        if index:
            return self._index(index.group(1), send_body)
        self._plain(404, "not found / 未找到", send_body)

    def _feed(self, token: str, send_body: bool) -> None:
        found = self.store.feed_for(token)
        if found is None:
            return self._plain(404, "not found / 未找到", send_body)
        snap, feed = found
        try:
            body = self.store.body(snap, feed)
        except Inconsistent:
            snap = self.store.current(force=True)
            try:
                body = self.store.body(snap, feed) if feed in snap.feeds else None
            except Inconsistent:
                body = None
            if body is None:
                return self._plain(503, "publishing, try again / 正在发布，请稍后重试", send_body, retry=True)
        headers = {"ETag": body.etag, "Last-Modified": formatdate(body.last_modified, usegmt=True),
                   "Cache-Control": "private, no-cache"}
        if not_modified(self.headers, body):
            return self._send(304, b"", headers, send_body=False)
        headers["Content-Type"] = "text/calendar; charset=utf-8"
        headers["Content-Disposition"] = f'inline; filename="{feed}.ics"'
        self._send(200, body.data, headers, send_body)

    def _index(self, token: str, send_body: bool) -> None:
        snap = self.store.current()
        if snap.index_digest is None or _digest(token) != snap.index_digest:
            return self._plain(404, "not found / 未找到", send_body)
        host = self.headers.get("Host", "")
        if not HOST_HEADER.match(host):
            host = f"{self.server.server_address[0]}:{self.server.server_address[1]}"
        self._send(200, index_page(snap, host), {"Content-Type": "text/html; charset=utf-8",
                                                 "Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer"},
                   send_body)

    def _plain(self, status: int, text: str, send_body: bool, retry: bool = False) -> None:
        headers = {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}
        if retry:
            headers["Retry-After"] = "5"
        self._send(status, (text + "\n").encode("utf-8"), headers, send_body)

    def _send(self, status: int, data: bytes, headers: dict[str, str], send_body: bool) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Length", str(len(data)) if status != 304 else "0")
        self.end_headers()
        if send_body and status != 304:
            self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        if not self.quiet:
            # Never log a token: the request line is logged with tokens cut.
            line = re.sub(r"/([fi])/[A-Za-z0-9_-]+", r"/\1/…", format % args)
            sys.stderr.write(f"{self.address_string()} {line}\n")


class FeedHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-response (a closed laptop, a load tool stopping) is not an error.
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


def make_server(out: Path, host: str = "127.0.0.1", port: int = 8080, quiet: bool = True) -> FeedHTTPServer:
    """A bound server (port 0 picks a free port); call ``serve_forever`` on it."""
    store = FeedStore(Path(out))
    handler = type("BoundFeedHandler", (FeedHandler,), {"store": store, "quiet": quiet})
    return FeedHTTPServer((host, port), handler)


def serve(out_dir: Path, host: str = "127.0.0.1", port: int = 8080, quiet: bool = False,
          ready: Any = None) -> None:
    """Serve OUT until SIGTERM or SIGINT; prints the staff index URL (it holds a secret token).

    ``ready`` (optional) is called with the server once it listens — used by tests.
    """
    server = make_server(Path(out_dir), host, port, quiet=quiet)
    stop = threading.Event()

    def _stop(_signum: int, _frame: Any) -> None:
        if not stop.is_set():
            stop.set()
            # shutdown() waits for serve_forever to return, so it must run on another thread.
            threading.Thread(target=server.shutdown, daemon=True).start()

    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        bound_host, bound_port = server.server_address[:2]
        index = server.RequestHandlerClass.store.current().tokens.get(INDEX)  # type: ignore[attr-defined]
        shown = f"[{bound_host}]" if ":" in str(bound_host) else bound_host
        print(f"tongbu serve: http://{shown}:{bound_port}/ (pid {os.getpid()})", flush=True)
        if index:
            print(f"staff index / 订阅目录: http://{shown}:{bound_port}/i/{index}", flush=True)
        if ready is not None:
            ready(server)
        server.serve_forever(poll_interval=0.25)
    finally:
        server.server_close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
