"""Serving the feeds from a static web server: ``tongbu serve OUT --static-dir DIR --base-url URL``.

The export is checked file by file against OUT, and then served by an off-the-shelf static file
server (the standard library's, as the simplest stand-in for nginx or Caddy) to show that the
token-named layout is all such a server needs.
"""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from test_feeds_fixtures import solution
from test_serve import publish

import cli
from feeds.server import ServeError
from feeds.static import PLACEHOLDER, export_static
from feeds.tokens import INDEX, read_manifest, read_tokens, revoke, rotate
from feeds.writer import FEEDS_DIR

BASE = "https://feeds.example.edu.cn/kb"


@pytest.fixture()
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "OUT"
    publish(folder, solution())
    return folder


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


def test_every_feed_is_a_file_named_by_its_token(out, tmp_path):
    site = tmp_path / "site"
    result = CliRunner().invoke(cli.main, ["--lang", "en", "serve", str(out), "--static-dir", str(site),
                                           "--base-url", BASE])
    assert result.exit_code == 0, result.output
    feeds = read_manifest(out)["feeds"]
    assert f"{len(feeds)} feeds in {site.resolve()}/f ({len(feeds)} written, 0 unchanged, 0 removed)" in result.output
    tokens = read_tokens(out)
    expected = {f"f/{tokens[f['id']]}.ics" for f in feeds} | {f"i/{tokens[INDEX]}/index.html"} \
        | {"index.html", "f/index.html", "i/index.html", "p/index.html"}
    for feed in feeds:  # each feed's pages under its token (this OUT has no timetables to download)
        expected |= {f"p/{tokens[feed['id']]}/{name}" for name in ("index.html", "term/index.html", ".stamp", ".stamp-files")}
        if feed["kind"] == "school":
            expected |= {f"p/{tokens[feed['id']]}/{name}" for name in ("sheet/index.html", "sheet.pdf", "links.txt")}
    assert _files(site) == expected  # nothing else: no tokens.json, no manifest, no feed ids
    for feed in feeds:
        assert (site / "f" / f"{tokens[feed['id']]}.ics").read_bytes() == (out / FEEDS_DIR / feed["file"]).read_bytes()
    index = (site / "i" / tokens[INDEX] / "index.html").read_text(encoding="utf-8")
    assert all(f'href="webcal://feeds.example.edu.cn/kb/f/{tokens[f["id"]]}.ics"' in index for f in feeds)
    assert (site / "f" / "index.html").read_bytes() == PLACEHOLDER


def test_rerunning_keeps_unchanged_files_and_drops_revoked_and_rotated_tokens(out, tmp_path):
    site = tmp_path / "site"
    export_static(out, site, BASE)
    feeds = {f["of"]: f["id"] for f in read_manifest(out)["feeds"]}
    before = read_tokens(out)
    kept = site / "f" / f"{before[feeds['T1']]}.ics"
    kept_mtime = kept.stat().st_mtime_ns
    revoke(out, [feeds["T2"]])
    new = rotate(out, [feeds["T3"]])[feeds["T3"]]
    report = export_static(out, site, BASE)
    assert (report.written, report.removed) == (1, 2)
    assert not (site / "f" / f"{before[feeds['T2']]}.ics").exists()
    assert not (site / "f" / f"{before[feeds['T3']]}.ics").exists()
    assert (site / "f" / f"{new}.ics").is_file()
    assert kept.stat().st_mtime_ns == kept_mtime  # the web server's ETag/Last-Modified stay the same


def test_the_export_needs_a_base_url_and_a_folder_outside_out(out, tmp_path):
    with pytest.raises(ServeError, match="needs --base-url"):
        export_static(out, tmp_path / "site", None)
    for folder in (out, out / "public", tmp_path):
        with pytest.raises(ServeError, match="must be outside OUT"):
            export_static(out, folder, BASE)
    with pytest.raises(ServeError, match="give the public address"):
        export_static(out, tmp_path / "site", "feeds.example.edu.cn")


def test_a_plain_static_server_serves_the_export_like_tongbu_serve(out, tmp_path):
    site = tmp_path / "site"
    export_static(out, site, BASE)
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        tokens = read_tokens(out)
        for feed in read_manifest(out)["feeds"]:
            answer = httpx.get(f"{base}/f/{tokens[feed['id']]}.ics", timeout=10)
            assert answer.status_code == 200 and answer.content == (out / FEEDS_DIR / feed["file"]).read_bytes()
        listing = httpx.get(f"{base}/f/", timeout=10)
        assert not any(t and t.encode() in listing.content for t in tokens.values())
        assert httpx.get(f"{base}/tokens.json", timeout=10).status_code == 404
    finally:
        server.shutdown()
        server.server_close()
