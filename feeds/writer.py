"""``write_feeds``: every teacher, class, school and consortium feed of a solution, into OUT/feeds/.

Files written (all deterministic: the same scenario, solution and previous state give the same bytes):

* ``feeds/<feed id>.ics`` — one calendar per feed; ids are ``teacher-…``, ``class-…``, ``school-…``,
  ``consortium-…`` followed by a hash of the domain id (ids are often Chinese; file names and URLs
  stay ASCII);
* ``feeds/state.json`` — per event UID: a hash of what it says and its SEQUENCE, so the next solve
  (``solve --previous OLD_OUT``) can raise SEQUENCE exactly for events that changed;
* ``feeds/manifest.json`` — written last: every feed's kind, domain id, Chinese name, file, SHA-256
  and event count. The server trusts a feed file only when its hash matches the manifest.

Subscription tokens (``OUT/tokens.json``) are secrets, not solver output: they are carried over
from the previous OUT when there is one, and created by ``tongbu tokens``/``tongbu serve``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from models.scenario import Scenario
from models.solution import Solution
from feeds.events import Occurrence, feed_id, term_occurrences
from feeds.ical import FeedRenderer, content_hash, dtstamp_for

FEEDS_DIR = "feeds"
MANIFEST = "manifest.json"
STATE = "state.json"
TOKENS = "tokens.json"
KINDS = ("consortium", "school", "class", "teacher")


@dataclass(frozen=True)
class FeedSpec:
    """One feed: what it is of and what it is called."""

    id: str
    kind: str
    of: str
    name: str
    description: str

    @property
    def file(self) -> str:
        return f"{self.id}.ics"


def _term_label(scenario: Scenario) -> str:
    term = scenario.term
    return term.name or f"{term.start:%Y-%m-%d}至{term.end:%Y-%m-%d}"


def feed_specs(scenario: Scenario) -> list[FeedSpec]:
    """Every feed of a scenario (one per consortium, school, class and teacher), sorted by id."""
    term = _term_label(scenario)
    school_name = {s.id: s.name for s in scenario.schools}
    specs = []
    for consortium in scenario.consortia:
        specs.append(FeedSpec(feed_id("consortium", consortium.id), "consortium", consortium.id,
                              f"{consortium.name} 同步课堂与教研 · {term}",
                              f"{consortium.name}：各校之间的同步课堂、专递课堂和教研活动"))
    for school in scenario.schools:
        specs.append(FeedSpec(feed_id("school", school.id), "school", school.id, f"{school.name} 全校课表 · {term}",
                              f"{school.name} 每个班级的全部课程"))
    for klass in scenario.classes:
        label = f"{school_name.get(klass.school, klass.school)} {klass.label}班"
        specs.append(FeedSpec(feed_id("class", klass.id), "class", klass.id, f"{label} 课表 · {term}",
                              f"{label} 本学期的全部课程"))
    for teacher in scenario.teachers:
        specs.append(FeedSpec(feed_id("teacher", teacher.id), "teacher", teacher.id,
                              f"{teacher.name}（{school_name.get(teacher.school, teacher.school)}）课表 · {term}",
                              f"{teacher.name} 本学期的课程和教研活动"))
    ids = [s.id for s in specs]
    if len(set(ids)) != len(ids):
        raise ValueError("two feeds got the same id (a hash collision of ids): rename one of the ids")
    return sorted(specs, key=lambda s: s.id)


@dataclass(frozen=True)
class EventState:
    content: str
    sequence: int
    removed: bool = False


def read_state(previous: Path | None) -> dict[str, EventState]:
    """The previous OUT's event state; empty when there is none (every SEQUENCE starts at 0)."""
    if previous is None:
        return {}
    path = Path(previous) / FEEDS_DIR / STATE
    if not path.exists():
        return {}
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {uid: EventState(content=item["content"], sequence=int(item["sequence"]), removed=bool(item.get("removed")))
            for uid, item in raw.get("events", {}).items()}


def next_state(previous: dict[str, EventState], current: dict[str, str]) -> dict[str, EventState]:
    """SEQUENCE per UID: unchanged content keeps it, changed content raises it by one.

    Events that are gone are kept as ``removed`` so that if one comes back its SEQUENCE is higher
    than anything a client saw.
    """
    state: dict[str, EventState] = {}
    for uid, content in current.items():
        before = previous.get(uid)
        if before is None:
            state[uid] = EventState(content, 0)
        elif before.content == content and not before.removed:
            state[uid] = before
        else:
            state[uid] = EventState(content, before.sequence + 1)
    for uid, before in previous.items():
        if uid not in current:
            state[uid] = EventState(before.content, before.sequence, removed=True)
    return state


def _state_json(state: dict[str, EventState]) -> str:
    """One event per line, sorted; compact items (json's C encoder, which ``indent`` would disable)."""
    lines = []
    for uid in sorted(state):
        item: dict[str, object] = {"content": state[uid].content, "sequence": state[uid].sequence}
        if state[uid].removed:
            item["removed"] = True
        lines.append(f"{json.dumps(uid)}: {json.dumps(item, sort_keys=True)}")
    return '{"version": 1, "events": {\n' + ",\n".join(lines) + "\n}}\n"


def write_atomically(path: Path, data: bytes) -> bool:
    """Write via a temporary file and rename, so a reader sees the old or the new file; skip if equal."""
    if path.exists() and path.read_bytes() == data:
        return False
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


@dataclass(frozen=True)
class RenderedFeeds:
    """Feed bytes by feed id, and the new event state."""

    specs: list[FeedSpec]
    data: dict[str, bytes]
    events: dict[str, int]
    state: dict[str, EventState]


def render_feeds(scenario: Scenario, solution: Solution, previous_state: dict[str, EventState],
                 extra: Sequence[Occurrence] = ()) -> RenderedFeeds:
    """Every feed's bytes, in memory; ``extra`` adds events beyond lessons and research blocks (activities)."""
    occurrences = sorted([*term_occurrences(scenario, solution), *extra], key=lambda o: (o.start, o.end, o.uid))
    renderer = FeedRenderer(dtstamp_for(scenario.term.start))
    contents = {o.uid: content_hash(renderer.content(o)) for o in occurrences}
    state = next_state(previous_state, contents)
    event_bytes = {o.uid: renderer.event(o, state[o.uid].sequence) for o in occurrences}
    members: dict[str, list[Occurrence]] = defaultdict(list)
    for occurrence in occurrences:
        for feed in occurrence.feeds:
            members[feed].append(occurrence)
    specs = feed_specs(scenario)
    data, counts = {}, {}
    for spec in specs:
        head, tail = renderer.shell(spec.name, spec.description)
        events = members.get(spec.id, [])
        data[spec.id] = head + b"".join(event_bytes[o.uid] for o in events) + tail
        counts[spec.id] = len(events)
    return RenderedFeeds(specs=specs, data=data, events=counts, state=state)


def manifest_json(scenario: Scenario, rendered: RenderedFeeds) -> str:
    feeds = [{"id": s.id, "kind": s.kind, "of": s.of, "name": s.name, "file": s.file, "events": rendered.events[s.id],
              "bytes": len(rendered.data[s.id]), "sha256": hashlib.sha256(rendered.data[s.id]).hexdigest()}
             for s in rendered.specs]
    term = scenario.term
    return json.dumps({"version": 1, "district": scenario.district,
                       "term": {"name": term.name, "start": term.start.isoformat(), "end": term.end.isoformat()},
                       "feeds": feeds}, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def write_feeds(scenario: Scenario, solution: Solution, out_dir: Path, previous: Path | None = None,
                extra: Sequence[Occurrence] = ()) -> list[Path]:
    """Write every feed into ``out_dir/feeds``; return the .ics paths written (sorted).

    ``previous`` is the last published OUT (``solve --previous``): its ``feeds/state.json`` decides
    SEQUENCE numbers and its ``tokens.json`` is carried over so subscriptions keep working.
    Raises ``models.term.TermDataMissing`` when the term's calendar data is incomplete.
    """
    out_dir = Path(out_dir)
    folder = out_dir / FEEDS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    rendered = render_feeds(scenario, solution, read_state(previous), extra)
    paths = []
    for spec in rendered.specs:
        path = folder / spec.file
        write_atomically(path, rendered.data[spec.id])
        paths.append(path)
    write_atomically(folder / STATE, _state_json(rendered.state).encode("utf-8"))
    # The manifest goes last: a reader that trusts it finds every file it lists already complete.
    write_atomically(folder / MANIFEST, manifest_json(scenario, rendered).encode("utf-8"))
    keep = {p.name for p in paths} | {STATE, MANIFEST}
    for stale in sorted(folder.glob("*.ics")):
        if stale.name not in keep:
            stale.unlink()
    _carry_tokens(previous, out_dir)
    return sorted(paths)


def _carry_tokens(previous: Path | None, out_dir: Path) -> None:
    if previous is None:
        return
    source, target = Path(previous) / TOKENS, out_dir / TOKENS
    if source.exists() and not target.exists() and source.resolve() != target.resolve():
        shutil.copy2(source, target)
        os.chmod(target, 0o600)
