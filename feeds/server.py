"""``tongbu serve OUT``: the subscription server for the feeds of a published OUT.

The HTTP side is Granian (a maintained HTTP server for Python, in Rust on hyper and tokio) running the
ASGI application of ``feeds.app`` over HTTP/1.1. It gives what the standard library's http.server did
not: a deadline for a request's headers (a client that drips them is cut off, and a kept-alive
connection left idle is closed after the same time), connections held by async I/O instead of a
thread each, a bounded number of connections per worker, a fixed number of worker processes, and
keep-alive without a per-request stall. docs/feeds.md says why Granian rather than uvicorn.

* The public base URL of the links in the staff index is configuration (``--base-url``), not the
  request's Host header.
* Settings are checked before anything binds: a bad port, base URL or limit, or a port in use, is a
  ``ServeError`` (the CLI prints it and exits 2), never a traceback.
* Binds to 127.0.0.1 unless told otherwise; SIGTERM and SIGINT stop it cleanly (exit 0).
"""

from __future__ import annotations

import errno
import ipaddress
import os
import resource
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

from feeds.app import Documents, FeedApp
from feeds.store import FeedStore, NotPublished
from feeds.tokens import INDEX
from models.errors import BadInput

DEFAULT_HEADER_TIMEOUT = 10.0  # seconds; a real client sends its headers in one packet
DEFAULT_MAX_REQUESTS = 4096  # connections/requests per worker; a slow client holds one for at most the timeout
MAX_HEADER_TIMEOUT = 60.0  # Granian's upper bound


class ServeError(BadInput):
    """A setting or the environment prevents serving; ``en`` and ``zh`` say why (exit 2)."""


@dataclass(frozen=True)
class ServeSettings:
    """How ``tongbu serve`` runs; ``check`` validates it, ``base`` gives the public base URL."""

    out: Path
    host: str = "127.0.0.1"
    port: int = 8080
    base_url: str | None = None  # public URL the index links use; default http://HOST:PORT
    workers: int = 1  # worker processes; each holds its own copy of the feeds it has served
    header_timeout: float = DEFAULT_HEADER_TIMEOUT  # seconds to receive a request's headers, and to idle
    max_requests: int = DEFAULT_MAX_REQUESTS  # requests (and connections) in progress per worker
    access_log: bool = False  # one line per request on stderr, tokens cut out

    def check(self) -> ServeSettings:
        if not 1 <= self.port <= 65535:
            raise ServeError(f"--port {self.port}: a port is a number from 1 to 65535",
                             f"--port {self.port}：端口应为 1 到 65535 之间的整数")
        if not self.host:
            raise ServeError("--host is empty", "--host 不能为空")
        if not 1 <= self.workers <= 64:
            raise ServeError(f"--workers {self.workers}: give 1 to 64 worker processes",
                             f"--workers {self.workers}：工作进程数应为 1 到 64")
        if not 0.1 <= self.header_timeout <= MAX_HEADER_TIMEOUT:
            raise ServeError(f"--header-timeout {self.header_timeout:g}: give 0.1 to {MAX_HEADER_TIMEOUT:g} seconds",
                             f"--header-timeout {self.header_timeout:g}：应为 0.1 到 {MAX_HEADER_TIMEOUT:g} 秒")
        if not 16 <= self.max_requests <= 65536:
            raise ServeError(f"--max-requests {self.max_requests}: give 16 to 65536",
                             f"--max-requests {self.max_requests}：应为 16 到 65536")
        if self.base_url is not None:
            check_base_url(self.base_url)
        return self

    @property
    def base(self) -> str:
        if self.base_url is not None:
            return self.base_url.rstrip("/")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"


def check_base_url(url: str) -> str:
    """``url`` if it is an absolute http(s) URL without query or fragment; else ``ServeError``."""
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 (raises ValueError for a bad port)
    except ValueError:
        parts = parts._replace(netloc="")
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment \
            or any(c.isspace() or c in "<>\"'" for c in url):
        raise ServeError(f"--base-url {url!r}: give the public address, e.g. https://feeds.example.edu.cn",
                         f"--base-url {url!r}：请填写对外的地址，例如 https://feeds.example.edu.cn")
    return url


def _check_bindable(host: str, port: int) -> None:
    """Bind the address once, without SO_REUSEPORT, so a port in use or a foreign address is reported.

    Granian binds with SO_REUSEPORT, which would let two servers share a port silently.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as err:
        raise ServeError(f"--host {host}: {err.strerror}", f"--host {host}：无法解析（{err.strerror}）") from None
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                raise ServeError(f"cannot listen on {host}:{port}: the port is in use",
                                 f"无法监听 {host}:{port}：端口已被占用") from None
            raise ServeError(f"cannot listen on {host}:{port}: {err.strerror}",
                             f"无法监听 {host}:{port}：{err.strerror}") from None


def build_app(out: str, base_url: str, parent: int | None = None, access_log: bool = False,
              documents: Callable[[], Documents] | None = None) -> FeedApp:
    """The ASGI application for OUT, built in each worker process; ``parent`` is the serving process;
    ``documents`` makes the pages' XLSX/PDF maker (a class, so it travels to the workers by name)."""
    if parent is not None:
        _exit_with_parent(parent)
    return FeedApp(FeedStore(Path(out)), base_url, _log_line if access_log else None,
                   documents=documents() if documents is not None else None)


def _log_line(line: str) -> None:
    sys.stderr.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {line}\n")
    sys.stderr.flush()


def _exit_with_parent(parent: int) -> None:
    """Have the kernel stop this worker when the serving process dies, even by SIGKILL.

    Granian's workers are processes of their own; without this, a ``kill -9`` of ``tongbu serve``
    would leave a worker serving on the port with nobody to stop it.
    """
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
    if os.getppid() != parent:  # the parent died before the request above took effect
        os._exit(0)


def _allow_open_files(needed: int, echo: Callable[[str], None]) -> None:
    """Raise the soft limit on open files (often 1024) towards ``needed``: each connection is one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return
    wanted = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    if wanted < needed:
        echo(f"warning: at most {wanted} open files (ulimit -n); fewer than --max-requests connections can be held "
             f"/ 警告：打开文件数上限为 {wanted}，少于 --max-requests")


def _connect_address(host: str, port: int) -> tuple[str, int]:
    try:
        unspecified = ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return host, port
    if unspecified:
        return ("::1" if ":" in host else "127.0.0.1"), port
    return host, port


def _announce_when_listening(settings: ServeSettings, index: str | None, echo: Callable[[str], None]) -> None:
    """Print the address and the index URL once a worker accepts connections (Granian's workers bind)."""
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(_connect_address(settings.host, settings.port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                echo("warning: the server does not accept connections yet / 警告：服务尚未接受连接")
                break
            time.sleep(0.02)
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    echo(f"tongbu serve: http://{host}:{settings.port}/ (pid {os.getpid()}), public base URL {settings.base}")
    if index:
        echo(f"staff index / 订阅目录: {settings.base}/i/{index}")
    if _connect_address(settings.host, settings.port)[0] != settings.host and settings.base_url is None:
        echo("note: listening on every address; give --base-url so the index links name the public address "
             "/ 提示：监听所有地址时请用 --base-url 指定对外地址")


def serve(settings: ServeSettings, echo: Callable[[str], None] = print, static_dir: Path | None = None,
          pick: Callable[[str, str], str] = lambda en, _zh: en, documents: Callable[[], Documents] | None = None) -> None:
    """Serve OUT until SIGTERM or SIGINT. Prints the address and the staff index URL (a secret).

    With ``static_dir``, write the static layout there instead (``feeds.static``), print what was
    done (``pick`` chooses the language) and return. ``documents`` makes the maker of the pages'
    XLSX/PDF files (``reports.documents.OutDocuments``; without it the pages offer no downloads).
    Raises ``ServeError`` for bad settings or an address that cannot be bound, before serving.
    """
    settings.check()
    if static_dir is not None:
        from feeds.static import export_static

        report = export_static(settings.out, static_dir, settings.base_url,
                               documents() if documents is not None else None)
        echo(pick(report.en, report.zh))
        return
    _run(settings, echo, documents)


def _run(settings: ServeSettings, echo: Callable[[str], None], documents: Callable[[], Documents] | None = None) -> None:
    from granian.constants import HTTPModes, Interfaces, Loops
    from granian.http import HTTP1Settings
    from granian.log import LogLevels
    from granian.server import Server

    try:
        store = FeedStore(settings.out)  # creates missing tokens once, before the workers start
    except NotPublished:
        raise ServeError(f"{settings.out} has no feeds: run tongbu solve first",
                         f"{settings.out} 中没有日历订阅：请先运行 tongbu solve") from None
    _check_bindable(settings.host, settings.port)
    _allow_open_files(settings.max_requests + 256, echo)
    server = Server(
        "feeds.server:build_app",  # informational: the loader below builds the app
        address=settings.host,
        port=settings.port,
        interface=Interfaces.ASGINL,
        # HTTP/1.1 only: with protocol detection ("auto") a connection that never sends a byte is
        # held with no deadline while the server waits to see which protocol it speaks.
        http=HTTPModes.http1,
        workers=settings.workers,
        loop=Loops.asyncio,
        backlog=max(1024, settings.max_requests),
        backpressure=settings.max_requests,
        websockets=False,
        http1_settings=HTTP1Settings(header_read_timeout=int(settings.header_timeout * 1000), keep_alive=True),
        log_level=LogLevels.warning,
        log_access=False,
        respawn_failed_workers=True,
        workers_kill_timeout=10,
    )
    announce = partial(_announce_when_listening, settings, store.current().tokens.get(INDEX), echo)
    server.on_startup(lambda: threading.Thread(target=announce, daemon=True).start())
    try:
        loader = partial(build_app, str(settings.out), settings.base, os.getpid(), settings.access_log, documents)
        server.serve(target_loader=loader, wrap_loader=False)
    except SystemExit as stop:
        # Granian exits non-zero when a worker died and could not be respawned.
        if stop.code:
            raise ServeError("the server stopped because a worker failed (see the messages above)",
                             "工作进程出错，服务已停止（见上方信息）") from None


__all__ = ["ServeError", "ServeSettings", "build_app", "check_base_url", "serve"]
