"""The subscription service as an ASGI application; ``feeds.server`` runs it under Granian.

* ``GET /f/<token>.ics`` — a feed (text/calendar), with ETag and Last-Modified, 304 to
  ``If-None-Match``/``If-Modified-Since``; ``GET /i/<token>`` — the staff index with webcal:// links.
* ``GET /p/<token>/`` — the feed's page (today and this week; ``?date=YYYY-MM-DD`` for another
  week), ``term/`` (the term), ``timetable.xlsx``/``.pdf`` (when a documents maker is given), and
  for a school's token ``sheet/`` (订阅二维码), ``sheet.pdf`` and ``links.txt`` (``feeds.pages``).
  The same token as the feed: one secret per feed.
* ``HEAD`` works too. Anything else, a wrong or revoked token included, is the same 404: nothing is
  listed without a token. Methods other than GET and HEAD get 405.
* The links of the index are built from the configured public base URL, never from the request's
  Host header (which any client can set, so it would let a forged request put another host in the
  page).
* Feed bytes come from ``feeds.store.FeedStore``: only what matches the published manifest, 503 with
  ``Retry-After: 5`` for a feed it has never seen whole.
"""

from __future__ import annotations

import asyncio
import html
import re
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

from feeds.events import ZONE
from feeds.pages import (
    FeedView,
    Links,
    PageOptions,
    SheetEntry,
    Term,
    is_in_app_browser,
    links_text,
    main_page,
    qr_matrix,
    sheet_entries,
    sheet_page,
    term_page,
)
from feeds.reader import read_events
from feeds.store import FeedBody, FeedStore, Snapshot, not_modified

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

FEED_PATH = re.compile(r"^/f/([A-Za-z0-9_-]{20,})(?:\.ics)?$")
INDEX_PATH = re.compile(r"^/i/([A-Za-z0-9_-]{20,})/?$")
PAGE_PATH = re.compile(r"^/p/([A-Za-z0-9_-]{20,})(/[a-z./]*)?$")
TOKEN_IN_PATH = re.compile(r"/([fip])/[^/]+")
KIND_ZH = {"consortium": "共同体", "school": "学校", "class": "班级", "teacher": "教师"}
NOT_FOUND = "not found / 未找到\n".encode()
PUBLISHING = "publishing, try again / 正在发布，请稍后重试\n".encode()
NOT_ALLOWED = "method not allowed / 不支持的请求方法\n".encode()
TEXT = [(b"content-type", b"text/plain; charset=utf-8"), (b"cache-control", b"no-store")]
COMMON = [(b"x-content-type-options", b"nosniff")]
# Pages load nothing from anywhere: inline styles and inline SVG only, no scripts, no frames.
PAGE_HEADERS = [(b"cache-control", b"private, no-store"), (b"referrer-policy", b"no-referrer"),
                (b"content-security-policy", b"default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                                             b"base-uri 'none'; form-action 'none'; frame-ancestors 'none'")]
HTML = b"text/html; charset=utf-8"
CONTENT_TYPES = {"xlsx": b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 "pdf": b"application/pdf", "txt": b"text/plain; charset=utf-8"}
CACHED_EVENTS = 250_000  # events of the feeds kept read for their pages (about 100 MB; a county has a million)
CACHED_PAGES = 2048


class Documents(Protocol):
    """Makes the downloadable files of the pages (XLSX and PDF); ``reports.documents`` is one.

    The feeds package writes no spreadsheet or PDF itself: the application is given a maker (the CLI
    passes the one in ``reports``), and without one the pages offer no downloads.
    """

    def formats(self, out: Path, feed: dict) -> tuple[str, ...]:
        """The timetable formats (``xlsx``, ``pdf``) there are for this feed."""

    def timetable(self, out: Path, feed: dict, fmt: str) -> bytes | None:
        """The feed's timetable as an XLSX or PDF file; None when there is none."""

    def qr_sheet(self, title: str, note: str, cards: Sequence[tuple[str, str, str, tuple[str, ...]]]) -> bytes:
        """A printable PDF of QR codes: cards of (group, label, URL, QR rows of '1'/'0')."""


def feed_links(base_url: str, token: str) -> tuple[str, str]:
    """(webcal:// URL, http(s):// URL) of a feed under the public base URL."""
    https = f"{base_url.rstrip('/')}/f/{token}.ics"
    parts = urlsplit(https)
    return f"webcal://{parts.netloc}{parts.path}", https


def sheet_cards(view: FeedView, entries: Sequence[SheetEntry]) -> tuple[str, str, list[tuple[str, str, str, tuple[str, ...]]]]:
    """(title, note, cards) of a school's QR sheet as plain data for a PDF maker."""
    from feeds.pages import SHEET_GROUPS, SHEET_HOW

    title = f"{view.label} 课表订阅二维码" + (f" · {view.term.name}" if view.term.name else "")
    groups = dict(SHEET_GROUPS)
    return title, SHEET_HOW, [(groups[e.kind], e.label, e.links.page, qr_matrix(e.links.page)) for e in entries]


def index_page(snap: Snapshot, base_url: str) -> bytes:
    """The staff index: every feed by kind with webcal:// and http(s) links under ``base_url``."""
    rows = []
    for feed in sorted(snap.feeds.values(), key=lambda f: (list(KIND_ZH).index(f["kind"]), f["name"])):
        token = snap.tokens.get(feed["id"])
        if not token:
            continue
        webcal, https = (html.escape(link) for link in feed_links(base_url, token))
        page = html.escape(Links.of(base_url, token).page)
        rows.append(f"<tr><td>{KIND_ZH.get(feed['kind'], feed['kind'])}</td><td>{html.escape(feed['name'])}</td>"
                    f"<td><a href=\"{page}\">页面</a></td>"
                    f"<td><a href=\"{webcal}\">webcal://</a></td><td><a href=\"{https}\">.ics</a></td>"
                    f"<td>{feed['events']}</td></tr>")
    page = ("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"robots\" content=\"noindex\">"
            "<meta name=\"referrer\" content=\"no-referrer\">"
            "<title>课表订阅 · Timetable feeds</title></head><body><h1>课表订阅 Timetable feeds</h1>"
            "<p>点击 webcal:// 链接即可在日历应用中订阅；链接含密钥，请勿公开。"
            " Click a webcal:// link to subscribe; links contain secrets, do not share them publicly.</p>"
            "<table><tr><th>类别</th><th>名称</th><th>页面</th><th>订阅</th><th>下载</th><th>事件数</th></tr>"
            + "".join(rows) + "</table></body></html>")
    return page.encode("utf-8")


class FeedApp:
    """ASGI application serving the feeds of one OUT under one public base URL.

    ``access_log`` (optional) receives one line per request, with tokens cut out of the path.
    """

    def __init__(self, store: FeedStore, base_url: str, access_log: Callable[[str], None] | None = None,
                 documents: Documents | None = None, today: Callable[[], date] | None = None) -> None:
        self.store = store
        self.base_url = base_url
        self.access_log = access_log
        self.documents = documents
        self.today = today or (lambda: datetime.now(ZONE).date())
        self._lock = threading.Lock()
        self._views: OrderedDict[tuple[str, str], FeedView] = OrderedDict()
        self._cached_events = 0
        self._pages: OrderedDict[tuple[Any, ...], tuple[bytes, bytes]] = OrderedDict()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            return await self._lifespan(receive, send)
        if scope["type"] != "http":
            return None
        status = await self._answer(scope, send)
        if self.access_log is not None:
            client = (scope.get("client") or ("-",))[0]
            path = TOKEN_IN_PATH.sub(r"/\1/…", scope["path"])
            self.access_log(f"{client} {scope['method']} {path} {status}")
        return None

    async def _answer(self, scope: Scope, send: Send) -> int:
        method = scope["method"]
        if method not in ("GET", "HEAD"):
            return await self._send(send, 405, NOT_ALLOWED, TEXT + [(b"allow", b"GET, HEAD")], True)
        send_body = method == "GET"
        path = scope["path"]  # query strings are ignored, as calendar clients sometimes add their own
        feed = FEED_PATH.match(path)
        if feed:
            return await self._feed(scope, send, feed.group(1), send_body)
        index = INDEX_PATH.match(path)
        if index:
            return await self._index(send, index.group(1), send_body)
        page = PAGE_PATH.match(path)
        if page:
            return await self._page(scope, send, page.group(1), page.group(2), send_body)
        return await self._send(send, 404, NOT_FOUND, TEXT, send_body)

    def _view(self, snap: Snapshot, feed: str, body: FeedBody, token: str) -> FeedView:
        key = (feed, body.etag)
        with self._lock:
            view = self._views.get(key)
        if view is None or view.links.page != Links.of(self.base_url, token).page:
            view = FeedView(feed=snap.feeds[feed], events=read_events(body.data), term=Term.of(snap.meta),
                            links=Links.of(self.base_url, token), district=str(snap.meta.get("district") or ""))
        with self._lock:
            if key not in self._views:
                self._cached_events += len(view.events)
            self._views[key] = view
            self._views.move_to_end(key)
            while self._cached_events > CACHED_EVENTS and len(self._views) > 1:
                self._cached_events -= len(self._views.popitem(last=False)[1].events)
        return view

    async def _page(self, scope: Scope, send: Send, token: str, rest: str | None, send_body: bool) -> int:
        found = self.store.feed_for(token)
        if found is None:
            return await self._send(send, 404, NOT_FOUND, TEXT, send_body)
        snap, feed = found
        entry = snap.feeds[feed]
        if rest is None or rest == "/term" or rest == "/sheet":
            # Relative links need the final slash; a relative Location keeps any path prefix of a proxy.
            target = (token + "/") if rest is None else rest[1:] + "/"
            return await self._send(send, 301, b"", [(b"location", target.encode("ascii"))], False)
        downloads = self.documents.formats(self.store.out, entry) if self.documents is not None else ()
        school = entry["kind"] == "school"
        known = (rest in ("/", "/term/") or (school and rest in ("/sheet/", "/links.txt"))
                 or (school and rest == "/sheet.pdf" and self.documents is not None)
                 or (rest in ("/timetable.xlsx", "/timetable.pdf") and rest.rsplit(".", 1)[1] in downloads))
        if not known:  # the QR sheet and the link list only behind the school's own token
            return await self._send(send, 404, NOT_FOUND, TEXT, send_body)
        body = self.store.verified_body(snap, feed)
        if body is None:
            return await self._send(send, 503, PUBLISHING, TEXT + [(b"retry-after", b"5")], send_body)
        headers = dict(scope["headers"])
        in_app = is_in_app_browser(headers.get(b"user-agent", b"").decode("latin-1"))
        day, chosen = self.today(), False
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        if query.get("date"):
            try:
                day, chosen = date.fromisoformat(query["date"][0]), True
            except ValueError:
                pass
        key = (feed, body.etag, token, rest, day, chosen, in_app, snap.tokens_sig, tuple(downloads))
        cached = self._pages.get(key)
        if cached is None:
            cached = await asyncio.to_thread(self._render, snap, feed, body, token, rest, day, chosen, in_app,
                                             tuple(downloads))
            if cached is None:
                return await self._send(send, 404, NOT_FOUND, TEXT, send_body)
            self._pages[key] = cached
            while len(self._pages) > CACHED_PAGES:
                self._pages.popitem(last=False)
        content_type, data = cached
        extra = []
        if content_type in (CONTENT_TYPES["xlsx"], CONTENT_TYPES["pdf"]):
            suffix = "xlsx" if content_type == CONTENT_TYPES["xlsx"] else "pdf"
            name = "sheet" if rest == "/sheet.pdf" else "timetable"
            extra = [(b"content-disposition", f'attachment; filename="{name}-{feed}.{suffix}"'.encode("ascii"))]
        return await self._send(send, 200, data, [(b"content-type", content_type), *PAGE_HEADERS, *extra], send_body)

    def _render(self, snap: Snapshot, feed: str, body: FeedBody, token: str, rest: str, day: date, chosen: bool,
                in_app: bool, downloads: tuple[str, ...]) -> tuple[bytes, bytes] | None:
        entry = snap.feeds[feed]
        if rest in ("/timetable.xlsx", "/timetable.pdf"):
            assert self.documents is not None
            data = self.documents.timetable(self.store.out, entry, rest.rsplit(".", 1)[1])
            return None if data is None else (CONTENT_TYPES[rest.rsplit(".", 1)[1]], data)
        view = self._view(snap, feed, body, token)
        options = PageOptions(today=day, chosen=chosen, in_app=in_app, downloads=downloads)
        if rest == "/":
            return HTML, main_page(view, options)
        if rest == "/term/":
            return HTML, term_page(view, options)
        entries = sheet_entries(entry, snap.feeds.values(), snap.tokens, self.base_url)
        if rest == "/sheet/":
            return HTML, sheet_page(view, entries, pdf=self.documents is not None)
        if rest == "/links.txt":
            return CONTENT_TYPES["txt"], links_text(view, entries)
        assert self.documents is not None
        return CONTENT_TYPES["pdf"], self.documents.qr_sheet(*sheet_cards(view, entries))

    async def _feed(self, scope: Scope, send: Send, token: str, send_body: bool) -> int:
        found = self.store.feed_for(token)
        if found is None:
            return await self._send(send, 404, NOT_FOUND, TEXT, send_body)
        snap, feed = found
        body = self.store.verified_body(snap, feed)
        if body is None:
            return await self._send(send, 503, PUBLISHING, TEXT + [(b"retry-after", b"5")], send_body)
        headers = [(b"etag", body.etag.encode()), (b"last-modified", body.http_date.encode()),
                   (b"cache-control", b"private, no-cache")]
        if_none_match = if_modified_since = None
        for name, value in scope["headers"]:
            if name == b"if-none-match":
                if_none_match = value.decode("latin-1")
            elif name == b"if-modified-since":
                if_modified_since = value.decode("latin-1")
        if not_modified(if_none_match, if_modified_since, body):
            return await self._send(send, 304, b"", headers, False)
        headers += [(b"content-type", b"text/calendar; charset=utf-8"),
                    (b"content-disposition", f'inline; filename="{feed}.ics"'.encode())]
        return await self._send(send, 200, body.data, headers, send_body)

    async def _index(self, send: Send, token: str, send_body: bool) -> int:
        snap = self.store.index_for(token)
        if snap is None:
            return await self._send(send, 404, NOT_FOUND, TEXT, send_body)
        headers = [(b"content-type", b"text/html; charset=utf-8"), (b"cache-control", b"private, no-store"),
                   (b"referrer-policy", b"no-referrer")]
        return await self._send(send, 200, index_page(snap, self.base_url), headers, send_body)

    @staticmethod
    async def _send(send: Send, status: int, data: bytes, headers: list[tuple[bytes, bytes]],
                    send_body: bool) -> int:
        length = b"0" if status == 304 else str(len(data)).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": headers + COMMON + [(b"content-length", length)]})
        await send({"type": "http.response.body", "body": data if send_body and status != 304 else b""})
        return status

    @staticmethod
    async def _lifespan(receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
