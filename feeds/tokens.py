"""Secret subscription tokens: one per feed plus one for the staff index page, kept in OUT/tokens.json.

A token is 256 random bits (``secrets.token_urlsafe(32)``). A revoked feed keeps an entry with no
token, so ``ensure_tokens`` does not silently re-open it; only ``rotate`` gives it a new one.
The file is written atomically with mode 0600 and is carried into each new OUT by ``write_feeds``.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

from feeds.writer import FEEDS_DIR, MANIFEST, TOKENS
from models.errors import BadInput

INDEX = "index"
TOKEN_BYTES = 32


class UnknownFeed(BadInput, KeyError):
    """Feed ids that OUT does not have (exit 2; a KeyError too, as a lookup that failed)."""


def published_feeds(out: Path) -> Path:
    """OUT, when it holds published feeds; otherwise a bad input that says to solve first."""
    if not (out / FEEDS_DIR / MANIFEST).is_file():
        raise BadInput(f"{out} has no feeds: run tongbu solve first", f"{out} 中没有日历订阅：请先运行 tongbu solve")
    return out


@dataclass(frozen=True)
class TokenEntry:
    """A row of ``tongbu tokens list``: the feed, what it is, and its URL path (None when revoked)."""

    feed: str
    kind: str
    name: str
    token: str | None

    @property
    def path(self) -> str | None:
        if self.token is None:
            return None
        return f"/i/{self.token}" if self.feed == INDEX else f"/f/{self.token}.ics"

    @property
    def page_path(self) -> str | None:
        """The feed's web page (the same token); None for the index and when revoked."""
        if self.token is None or self.feed == INDEX:
            return None
        return f"/p/{self.token}/"


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def read_manifest(out: Path) -> dict:
    path = Path(out) / FEEDS_DIR / MANIFEST
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: run tongbu solve first / 请先运行 tongbu solve")
    return json.loads(path.read_text(encoding="utf-8"))


def read_tokens(out: Path) -> dict[str, str | None]:
    path = Path(out) / TOKENS
    if not path.exists():
        return {}
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {str(k): (str(v) if v else None) for k, v in raw.get("tokens", {}).items()}


def write_tokens(out: Path, tokens: dict[str, str | None]) -> None:
    path = Path(out) / TOKENS
    text = json.dumps({"version": 1, "tokens": dict(sorted(tokens.items()))}, indent=1) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=".tokens.", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def ensure_tokens(out: Path, carry: dict[str, str | None] | None = None) -> dict[str, str | None]:
    """Give every feed of the manifest (and the index) a token if it has no entry; return all tokens.

    ``carry`` (a server's tokens from before a new OUT was published) fills entries missing from the
    file first, so a feed's URL survives a publish that raced with token creation.
    """
    manifest = read_manifest(out)
    tokens = read_tokens(out)
    wanted = [INDEX] + [f["id"] for f in manifest["feeds"]]
    changed = False
    for feed in wanted:
        if feed not in tokens:
            tokens[feed] = carry[feed] if carry and feed in carry else new_token()
            changed = True
    if changed:
        write_tokens(out, tokens)
    return tokens


def list_tokens(out: Path) -> list[TokenEntry]:
    """Every feed with its kind, Chinese name and token (creating missing tokens), index first."""
    tokens = ensure_tokens(out)
    feeds = {f["id"]: f for f in read_manifest(out)["feeds"]}
    rows = [TokenEntry(INDEX, "index", "订阅目录（教职工）", tokens.get(INDEX))]
    rows += [TokenEntry(fid, feeds[fid]["kind"], feeds[fid]["name"], tokens.get(fid)) for fid in sorted(feeds)]
    return rows


def _resolve(out: Path, feeds: list[str] | None) -> list[str]:
    known = [INDEX] + [f["id"] for f in read_manifest(out)["feeds"]]
    if not feeds:
        return known
    unknown = [f for f in feeds if f not in known]
    if unknown:
        ids = ", ".join(unknown)
        raise UnknownFeed(f"unknown feed id(s): {ids} (see tongbu tokens list)", f"未知的订阅编号：{ids}（见 tongbu tokens list）")
    return list(feeds)


def rotate(out: Path, feeds: list[str] | None = None) -> dict[str, str]:
    """New tokens for ``feeds`` (all, and the index, when None); old URLs stop working at once."""
    tokens = ensure_tokens(out)
    fresh = {feed: new_token() for feed in _resolve(out, feeds)}
    tokens.update(fresh)
    write_tokens(out, tokens)
    return fresh


def revoke(out: Path, feeds: list[str]) -> list[str]:
    """Revoke tokens: the feeds are not served until rotated. Returns the feed ids revoked."""
    if not feeds:
        raise ValueError("name the feed ids to revoke (tongbu tokens list shows them) / 请指定要吊销的订阅编号")
    tokens = ensure_tokens(out)
    chosen = _resolve(out, feeds)
    for feed in chosen:
        tokens[feed] = None
    write_tokens(out, tokens)
    return chosen
