"""The subscription server and its tokens, exercised over loopback with httpx as the client."""

from __future__ import annotations

import base64
import os
import shutil
import signal
import stat
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest

from feeds import write_feeds
from feeds.server import make_server
from feeds.tokens import INDEX, list_tokens, read_manifest, read_tokens, revoke, rotate
from feeds.writer import FEEDS_DIR, TOKENS
from models import Weekday
from test_feeds_fixtures import scenario, solution

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


@pytest.fixture()
def live(tmp_path):
    out = tmp_path / "OUT"
    publish(out, solution())
    server = make_server(out, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    with httpx.Client(base_url=base, timeout=10) as client:
        yield out, client
    server.shutdown()
    server.server_close()


def _feed_url(out: Path, kind: str, of: str) -> str:
    feed = next(f["id"] for f in read_manifest(out)["feeds"] if f["kind"] == kind and f["of"] == of)
    return f"/f/{read_tokens(out)[feed]}.ics"


def test_feed_is_served_with_validators_and_304(live):
    out, client = live
    url = _feed_url(out, "class", "S1-4-1")
    first = client.get(url)
    assert first.status_code == 200
    assert first.headers["content-type"] == "text/calendar; charset=utf-8"
    entry = next(f for f in read_manifest(out)["feeds"] if f["kind"] == "class" and f["of"] == "S1-4-1")
    assert first.content == (out / FEEDS_DIR / entry["file"]).read_bytes()
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    head = client.head(url)
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"] == etag


def test_nothing_without_a_valid_token(live):
    out, client = live
    good = _feed_url(out, "teacher", "T1")
    for path in ("/", "/f/", "/i/", f"/{FEEDS_DIR}/", "/f/" + "A" * 43 + ".ics", "/i/" + "A" * 43,
                 good.replace("/f/", "/i/").removesuffix(".ics"), "/../tokens.json", "/" + TOKENS):
        answer = client.get(path)
        assert answer.status_code == 404, path
        assert b"BEGIN:VCALENDAR" not in answer.content and b"<table" not in answer.content


def test_index_lists_webcal_links_behind_its_own_token(live):
    out, client = live
    tokens = read_tokens(out)
    page = client.get(f"/i/{tokens[INDEX]}")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    text = page.text
    feeds = read_manifest(out)["feeds"]
    assert text.count('href="webcal://127.0.0.1:') == len(feeds)
    for feed in feeds:
        assert f"/f/{tokens[feed['id']]}.ics" in text
    assert "李老师" in text


def test_tokens_are_secret_and_managed(live):
    out, client = live
    assert stat.S_IMODE((out / TOKENS).stat().st_mode) == 0o600
    rows = list_tokens(out)
    assert rows[0].feed == INDEX and len(rows) == len(read_manifest(out)["feeds"]) + 1
    for row in rows:
        assert len(base64.urlsafe_b64decode(row.token + "=" * (-len(row.token) % 4))) * 8 >= 128
    assert len({r.token for r in rows}) == len(rows)
    old = _feed_url(out, "teacher", "T2")
    feed = next(f["id"] for f in read_manifest(out)["feeds"] if f["of"] == "T2")
    new = f"/f/{rotate(out, [feed])[feed]}.ics"
    assert client.get(old).status_code == 404 and client.get(new).status_code == 200
    assert revoke(out, [feed]) == [feed]
    assert client.get(new).status_code == 404
    assert [r.path for r in list_tokens(out) if r.feed == feed] == [None]  # stays revoked
    with pytest.raises(KeyError):
        rotate(out, ["teacher-nope"])


def test_a_published_change_arrives_and_tokens_survive(live):
    out, client = live
    url = _feed_url(out, "class", "S1-4-1")
    before = client.get(url)
    publish(out, solution(**{"S1-4-1|数学|2": (Weekday.THU, 2)}))
    assert _feed_url(out, "class", "S1-4-1") == url  # the subscription URL is unchanged
    after = client.get(url, headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200 and after.content != before.content
    assert after.content == (out / FEEDS_DIR / next(
        f["file"] for f in read_manifest(out)["feeds"] if f["of"] == "S1-4-1")).read_bytes()
    assert b"SEQUENCE:1" in after.content
    assert client.get(url, headers={"If-None-Match": after.headers["etag"]}).status_code == 304
    # A feed whose content did not change keeps its ETag across the publish.
    other = _feed_url(out, "class", "S2-4-1")
    assert client.get(other, headers={"If-None-Match": client.get(other).headers["etag"]}).status_code == 304


def test_a_half_written_file_is_never_served(live):
    out, client = live
    url = _feed_url(out, "teacher", "T3")
    entry = next(f for f in read_manifest(out)["feeds"] if f["of"] == "T3")
    path = out / FEEDS_DIR / entry["file"]
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])  # a writer that did not use a temporary file
    answer = client.get(url)
    assert answer.status_code == 503 and answer.headers["retry-after"] == "5"
    path.write_bytes(whole)
    assert client.get(url).content == whole


def test_missing_out_during_a_swap_keeps_the_last_snapshot(live):
    out, client = live
    url = _feed_url(out, "school", "S1")
    body = client.get(url).content
    moved = out.parent / "elsewhere"
    os.rename(out, moved)
    try:
        assert client.get(url).content == body
    finally:
        os.rename(moved, out)


def test_serve_stops_cleanly_on_sigterm(tmp_path):
    out = tmp_path / "OUT"
    publish(out, solution())
    code = ("import sys; sys.path.insert(0, sys.argv[1]); from feeds.server import serve; "
            "serve(sys.argv[2], '127.0.0.1', 0)")
    proc = subprocess.Popen([sys.executable, "-c", code, str(ROOT), str(out)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith("tongbu serve: http://127.0.0.1:"), line + proc.stderr.read()
        port = int(line.split(":")[3].split("/")[0])
        index = proc.stdout.readline().strip().split(": ", 1)[1]
        assert httpx.get(index, timeout=5).status_code == 200
        assert f":{port}/i/" in index
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
