"""The subscription service as an ASGI application; ``feeds.server`` runs it under Granian.

* ``GET /f/<token>.ics`` — a feed (text/calendar), with ETag and Last-Modified, 304 to
  ``If-None-Match``/``If-Modified-Since``; ``GET /i/<token>`` — the staff index with webcal:// links.
  ``HEAD`` works too. Anything else, a wrong or revoked token included, is the same 404: nothing is
  listed without a token. Methods other than GET and HEAD get 405.
* The links of the index are built from the configured public base URL, never from the request's
  Host header (which any client can set, so it would let a forged request put another host in the
  page).
* Feed bytes come from ``feeds.store.FeedStore``: only what matches the published manifest, 503 with
  ``Retry-After: 5`` for a feed it has never seen whole.
"""

from __future__ import annotations

import html
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from feeds.store import FeedStore, Snapshot, not_modified

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

FEED_PATH = re.compile(r"^/f/([A-Za-z0-9_-]{20,})(?:\.ics)?$")
INDEX_PATH = re.compile(r"^/i/([A-Za-z0-9_-]{20,})/?$")
TOKEN_IN_PATH = re.compile(r"/([fi])/[^/]+")
KIND_ZH = {"consortium": "共同体", "school": "学校", "class": "班级", "teacher": "教师"}
NOT_FOUND = "not found / 未找到\n".encode()
PUBLISHING = "publishing, try again / 正在发布，请稍后重试\n".encode()
NOT_ALLOWED = "method not allowed / 不支持的请求方法\n".encode()
TEXT = [(b"content-type", b"text/plain; charset=utf-8"), (b"cache-control", b"no-store")]
COMMON = [(b"x-content-type-options", b"nosniff")]


def feed_links(base_url: str, token: str) -> tuple[str, str]:
    """(webcal:// URL, http(s):// URL) of a feed under the public base URL."""
    https = f"{base_url.rstrip('/')}/f/{token}.ics"
    parts = urlsplit(https)
    return f"webcal://{parts.netloc}{parts.path}", https


def index_page(snap: Snapshot, base_url: str) -> bytes:
    """The staff index: every feed by kind with webcal:// and http(s) links under ``base_url``."""
    rows = []
    for feed in sorted(snap.feeds.values(), key=lambda f: (list(KIND_ZH).index(f["kind"]), f["name"])):
        token = snap.tokens.get(feed["id"])
        if not token:
            continue
        webcal, https = (html.escape(link) for link in feed_links(base_url, token))
        rows.append(f"<tr><td>{KIND_ZH.get(feed['kind'], feed['kind'])}</td><td>{html.escape(feed['name'])}</td>"
                    f"<td><a href=\"{webcal}\">webcal://</a></td><td><a href=\"{https}\">.ics</a></td>"
                    f"<td>{feed['events']}</td></tr>")
    page = ("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"robots\" content=\"noindex\">"
            "<meta name=\"referrer\" content=\"no-referrer\">"
            "<title>课表订阅 · Timetable feeds</title></head><body><h1>课表订阅 Timetable feeds</h1>"
            "<p>点击 webcal:// 链接即可在日历应用中订阅；链接含密钥，请勿公开。"
            " Click a webcal:// link to subscribe; links contain secrets, do not share them publicly.</p>"
            "<table><tr><th>类别</th><th>名称</th><th>订阅</th><th>下载</th><th>事件数</th></tr>"
            + "".join(rows) + "</table></body></html>")
    return page.encode("utf-8")


class FeedApp:
    """ASGI application serving the feeds of one OUT under one public base URL.

    ``access_log`` (optional) receives one line per request, with tokens cut out of the path.
    """

    def __init__(self, store: FeedStore, base_url: str, access_log: Callable[[str], None] | None = None) -> None:
        self.store = store
        self.base_url = base_url
        self.access_log = access_log

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
        return await self._send(send, 404, NOT_FOUND, TEXT, send_body)

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
