"""The subscription server as a user runs it: ``tongbu serve OUT`` in its own process, over loopback.

httpx and raw sockets are the clients (a raw socket sends paths exactly as written and keeps one
connection for sure). Each server is a process group of its own, stopped with SIGTERM (killed if it
does not stop) at the end of each test.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest
from test_feeds_fixtures import scenario, solution

from feeds import write_feeds
from feeds.tokens import INDEX, list_tokens, read_manifest, read_tokens, revoke, rotate
from feeds.writer import FEEDS_DIR, TOKENS
from models import Weekday

ROOT = Path(__file__).resolve().parent.parent


def publish(out: Path, sol) -> None:
    """Publish like solve does: write a staging folder, then swap it into place with renames."""
    staging = out.parent / f".{out.name}.staging"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    write_feeds(scenario(), sol, staging, previous=out if out.exists() else None)
    if out.exists():
        retired = out.parent / f".{out.name}.old"
        os.rename(out, retired)
        os.rename(staging, out)
        shutil.rmtree(retired)
    else:
        os.rename(staging, out)


def tongbu(*args: str) -> list[str]:
    return [sys.executable, "-c", "import sys, cli; sys.exit(cli.main())", *args]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Served:
    """``tongbu serve OUT --port P [options]`` running; ``url`` is its loopback address."""

    def __init__(self, out: Path, *options: str) -> None:
        for _attempt in range(3):  # another process may take the free port first
            self.port = free_port()
            self.log_path = out.parent / f"serve-{self.port}.log"
            self.log = open(self.log_path, "w+", encoding="utf-8")  # noqa: SIM115
            self.proc = subprocess.Popen(tongbu("serve", str(out), "--port", str(self.port), *options), cwd=ROOT,
                                         env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE,
                                         stderr=self.log, text=True, start_new_session=True)
            self.first_line = self.proc.stdout.readline()
            if self.first_line.startswith("tongbu serve: "):
                break
            self.stop()
            if "in use" not in self.errors():
                break
        assert self.first_line.startswith("tongbu serve: "), self.first_line + self.errors()
        self.index_line = self.proc.stdout.readline()
        self.url = f"http://127.0.0.1:{self.port}"

    def errors(self) -> str:
        return self.log_path.read_text(encoding="utf-8")

    def processes(self) -> list[psutil.Process]:
        main = psutil.Process(self.proc.pid)
        return [main, *main.children(recursive=True)]

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()
        return self.proc.returncode


@pytest.fixture()
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "OUT"
    publish(folder, solution())
    return folder


@pytest.fixture()
def live(out: Path):
    served = Served(out)
    with httpx.Client(base_url=served.url, timeout=10) as client:
        yield out, client, served
    assert served.stop() == 0, served.errors()  # SIGTERM stops it cleanly


def _feed(out: Path, kind: str, of: str) -> dict:
    return next(f for f in read_manifest(out)["feeds"] if f["kind"] == kind and f["of"] == of)


def _feed_url(out: Path, kind: str, of: str) -> str:
    return f"/f/{read_tokens(out)[_feed(out, kind, of)['id']]}.ics"


def _read_response(conn: socket.socket, buffered: bytes = b"") -> tuple[int, dict[str, str], bytes, bytes]:
    """(status, headers, body, bytes read past this response) of one HTTP/1.1 response on ``conn``."""
    data = buffered
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        assert chunk, f"connection closed before a response: {data!r}"
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = conn.recv(65536)
        assert chunk, "connection closed inside a body"
        rest += chunk
    return int(lines[0].split()[1]), headers, rest[:length], rest[length:]


def raw_get(port: int, path: str, host: str = "feeds.test") -> tuple[int, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode("latin-1"))
        status, _headers, body, _rest = _read_response(conn)
        return status, body


def test_feed_is_served_with_validators_and_304(live):
    out, client, _served = live
    url = _feed_url(out, "class", "S1-4-1")
    first = client.get(url)
    assert first.status_code == 200
    assert first.headers["content-type"] == "text/calendar; charset=utf-8"
    assert first.content == (out / FEEDS_DIR / _feed(out, "class", "S1-4-1")["file"]).read_bytes()
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"If-None-Match": f'"x", W/{etag}'}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    assert client.get(url, headers={"If-None-Match": '"other"', "If-Modified-Since": modified}).status_code == 200
    head = client.head(url)
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"] == etag
    assert head.headers["content-length"] == str(len(first.content))


def test_nothing_without_a_valid_token(live):
    out, client, served = live
    good = _feed_url(out, "teacher", "T1")
    secrets = [t for t in read_tokens(out).values() if t]
    for path in ("/", "/f/", "/i/", f"/{FEEDS_DIR}/", "/f/" + "A" * 43 + ".ics", "/i/" + "A" * 43,
                 good.replace("/f/", "/i/").removesuffix(".ics"), good + "x", "/" + TOKENS, "/feeds/manifest.json"):
        answer = client.get(path)
        assert answer.status_code == 404, path
        assert answer.content == "not found / 未找到\n".encode()
    # Paths as an attacker writes them, sent byte for byte (an HTTP client would normalise them).
    for path in ("/f/../tokens.json", "/f/%2e%2e/tokens.json", "/..%2ftokens.json", "/../../etc/passwd",
                 "//etc/passwd", f"{good}/../../{TOKENS}", f"/f/..%2F..%2F{TOKENS}", "/%2e%2e/feeds/manifest.json",
                 "/f/%00.ics"):
        status, body = raw_get(served.port, path)
        assert status == 404, path
        assert b"BEGIN:VCALENDAR" not in body and not any(t.encode() in body for t in secrets), path
    assert client.post(good).status_code == 405


def test_keep_alive_requests_do_not_stall(live):
    # http.server answered each request on a kept-alive connection ~44 ms late (headers and body in
    # two writes meet the client's delayed ACK): 50 requests took over 2 s. One connection, 50 requests.
    out, _client, served = live
    path = _feed_url(out, "teacher", "T1")
    expected = (out / FEEDS_DIR / _feed(out, "teacher", "T1")["file"]).read_bytes()
    request = f"GET {path} HTTP/1.1\r\nHost: feeds.test\r\n\r\n".encode()
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as conn:
        conn.sendall(request)
        _read_response(conn)  # the first request reads and verifies the file
        started = time.perf_counter()
        rest = b""
        for _ in range(50):
            conn.sendall(request)
            status, headers, body, rest = _read_response(conn, rest)
            assert status == 200 and body == expected and headers.get("connection") != "close"
        elapsed = time.perf_counter() - started
    assert elapsed < 1.0, f"50 requests on one connection took {elapsed:.2f} s"


def test_index_links_come_from_the_configured_base_url_not_the_host_header(out):
    served = Served(out, "--base-url", "https://feeds.example.edu.cn/kb/")
    try:
        tokens = read_tokens(out)
        assert served.index_line.strip().endswith(f"https://feeds.example.edu.cn/kb/i/{tokens[INDEX]}")
        status, page = raw_get(served.port, f"/i/{tokens[INDEX]}", host="evil.example")
        text = page.decode()
        assert status == 200 and "evil.example" not in text
        feeds = read_manifest(out)["feeds"]
        for feed in feeds:
            token = tokens[feed["id"]]
            assert f'href="webcal://feeds.example.edu.cn/kb/f/{token}.ics"' in text
            assert f'href="https://feeds.example.edu.cn/kb/f/{token}.ics"' in text
        assert len(re.findall(r'href="webcal://', text)) == len(feeds)
        assert "李老师" in text
    finally:
        assert served.stop() == 0


def test_index_without_a_base_url_names_the_listening_address(live):
    out, _client, served = live
    tokens = read_tokens(out)
    status, page = raw_get(served.port, f"/i/{tokens[INDEX]}", host="evil.example")
    assert status == 200 and b"evil.example" not in page
    assert page.decode().count(f'href="webcal://127.0.0.1:{served.port}/f/') == len(read_manifest(out)["feeds"])


def test_header_deadline_closes_a_slow_client_and_an_idle_connection(out):
    served = Served(out, "--header-timeout", "1")
    try:
        with socket.create_connection(("127.0.0.1", served.port), timeout=10) as slow, \
                socket.create_connection(("127.0.0.1", served.port), timeout=10) as idle:
            idle.sendall(b"GET /nothing HTTP/1.1\r\nHost: feeds.test\r\n\r\n")
            assert _read_response(idle)[0] == 404
            slow.sendall(b"GET " + _feed_url(out, "teacher", "T1").encode() + b" HTTP/1.1\r\n")
            started = time.monotonic()
            slow.settimeout(0.2)
            closed_after = None
            while time.monotonic() - started < 8:
                try:
                    slow.sendall(b"X-Drip: 1\r\n")  # a header line every 0.2 s, never the blank line
                    if slow.recv(1024) == b"":
                        closed_after = time.monotonic() - started
                        break
                except TimeoutError:
                    continue
                except ConnectionError:
                    closed_after = time.monotonic() - started
                    break
            assert closed_after is not None and 0.8 <= closed_after <= 4, closed_after
            # Meanwhile other clients were served, and the idle kept-alive connection was closed too.
            assert httpx.get(served.url + _feed_url(out, "teacher", "T1"), timeout=5).status_code == 200
            idle.settimeout(5)
            assert idle.recv(1) == b""
    finally:
        assert served.stop() == 0


def test_many_connections_do_not_cost_a_thread_each(live):
    # http.server took a thread per connection (4,000 connections, 4,001 threads).
    out, client, served = live
    conns = []
    try:
        for _ in range(300):
            conn = socket.create_connection(("127.0.0.1", served.port), timeout=10)
            conn.sendall(b"GET / HTTP/1.1\r\n")  # an unfinished request: the connection is in use
            conns.append(conn)
        assert client.get(_feed_url(out, "school", "S1")).status_code == 200
        threads = sum(p.num_threads() for p in served.processes())
        assert threads < 60, threads
    finally:
        for conn in conns:
            conn.close()


def test_tokens_are_secret_and_managed(live):
    out, client, _served = live
    assert stat.S_IMODE((out / TOKENS).stat().st_mode) == 0o600
    rows = list_tokens(out)
    assert rows[0].feed == INDEX and len(rows) == len(read_manifest(out)["feeds"]) + 1
    for row in rows:
        assert len(base64.urlsafe_b64decode(row.token + "=" * (-len(row.token) % 4))) * 8 >= 128
    assert len({r.token for r in rows}) == len(rows)
    old = _feed_url(out, "teacher", "T2")
    feed = _feed(out, "teacher", "T2")["id"]
    new = f"/f/{rotate(out, [feed])[feed]}.ics"
    assert client.get(old).status_code == 404 and client.get(new).status_code == 200
    assert revoke(out, [feed]) == [feed]
    assert client.get(new).status_code == 404
    assert [r.path for r in list_tokens(out) if r.feed == feed] == [None]  # stays revoked
    with pytest.raises(KeyError):
        rotate(out, ["teacher-nope"])


def test_a_published_change_arrives_and_tokens_survive(live):
    out, client, _served = live
    url = _feed_url(out, "class", "S1-4-1")
    before = client.get(url)
    publish(out, solution(**{"S1-4-1|数学|2": (Weekday.THU, 2)}))
    assert _feed_url(out, "class", "S1-4-1") == url  # the subscription URL is unchanged
    after = client.get(url, headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200 and after.content != before.content
    assert after.content == (out / FEEDS_DIR / _feed(out, "class", "S1-4-1")["file"]).read_bytes()
    assert b"SEQUENCE:1" in after.content
    assert client.get(url, headers={"If-None-Match": after.headers["etag"]}).status_code == 304
    # A feed whose content did not change keeps its ETag across the publish.
    other = _feed_url(out, "class", "S2-4-1")
    assert client.get(other, headers={"If-None-Match": client.get(other).headers["etag"]}).status_code == 304


def test_a_half_written_file_is_never_served(live):
    out, client, _served = live
    url = _feed_url(out, "teacher", "T3")
    path = out / FEEDS_DIR / _feed(out, "teacher", "T3")["file"]
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])  # a writer that did not use a temporary file
    answer = client.get(url)
    assert answer.status_code == 503 and answer.headers["retry-after"] == "5"
    path.write_bytes(whole)
    assert client.get(url).content == whole


def test_missing_out_during_a_swap_keeps_the_last_snapshot(live):
    out, client, _served = live
    url = _feed_url(out, "school", "S1")
    body = client.get(url).content
    moved = out.parent / "elsewhere"
    os.rename(out, moved)
    try:
        assert client.get(url).content == body
    finally:
        os.rename(moved, out)


def test_a_killed_server_leaves_no_worker_serving(out):
    served = Served(out)
    workers = served.processes()[1:]
    assert workers, "expected worker processes"
    os.kill(served.proc.pid, signal.SIGKILL)
    served.proc.wait()
    _gone, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive, alive
    with pytest.raises(httpx.ConnectError):
        httpx.get(served.url, timeout=2)
    served.stop()


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(tongbu("--lang", "en", *args), cwd=ROOT, capture_output=True, text=True, timeout=60,
                          check=False, env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.mark.parametrize(("options", "message"), [
    (["--port", "99999"], "--port 99999: a port is a number from 1 to 65535"),
    (["--port", "0"], "--port 0: a port is a number from 1 to 65535"),
    (["--base-url", "ftp://feeds"], "--base-url 'ftp://feeds': give the public address"),
    (["--header-timeout", "600"], "--header-timeout 600: give 0.1 to 60 seconds"),
    (["--host", "nowhere.invalid"], "--host nowhere.invalid:"),
])
def test_bad_options_are_exit_2_with_a_message(out, options, message):
    done = run_cli("serve", str(out), *options)
    assert done.returncode == 2, done.stdout + done.stderr
    assert message in done.stderr and "Traceback" not in done.stderr + done.stdout


def test_a_port_in_use_is_exit_2_with_a_message(out):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run_cli("serve", str(out), "--port", str(port))
    assert done.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}: the port is in use" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_the_access_log_cuts_tokens(out):
    served = Served(out, "--access-log")
    url = _feed_url(out, "teacher", "T1")
    assert httpx.get(served.url + url, timeout=10).status_code == 200
    assert served.stop() == 0
    log = served.errors()
    assert "127.0.0.1 GET /f/… 200" in log
    assert not any(t and t in log for t in read_tokens(out).values())
