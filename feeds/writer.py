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
import re
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from models.scenario import Scenario
from models.solution import Solution
from models.term import holidays_in_term, season_switches, teaching_days
from feeds.events import Occurrence, feed_id, term_occurrences
from feeds.ical import FeedRenderer, content_hash, dtstamp_for
from feeds.merge import merge_demonstrations

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
    label: str = ""  # short display name for pages: 张伟（彭水一小）, 彭水一小 4(2)班
    schools: tuple[str, ...] = ()  # the schools it belongs to (a teacher: home school first, then where they teach)

    @property
    def file(self) -> str:
        return f"{self.id}.ics"


def _term_label(scenario: Scenario) -> str:
    term = scenario.term
    return term.name or f"{term.start:%Y-%m-%d}至{term.end:%Y-%m-%d}"


def feed_specs(scenario: Scenario, solution: Solution | None = None) -> list[FeedSpec]:
    """Every feed of a scenario (one per consortium, school, class and teacher), sorted by id."""
    term = _term_label(scenario)
    school_name = {s.id: s.name for s in scenario.schools}
    teaches_at: dict[str, set[str]] = defaultdict(set)
    for lesson in solution.lessons if solution is not None else ():
        teaches_at[lesson.teacher].add(lesson.school)
    specs = []
    for consortium in scenario.consortia:
        schools = tuple(sorted(s.id for s in scenario.schools if s.consortium == consortium.id))
        specs.append(FeedSpec(feed_id("consortium", consortium.id), "consortium", consortium.id,
                              f"{consortium.name} 同步课堂与教研 · {term}",
                              f"{consortium.name}：各校之间的同步课堂、专递课堂和教研活动", consortium.name, schools))
    for school in scenario.schools:
        specs.append(FeedSpec(feed_id("school", school.id), "school", school.id, f"{school.name} 全校课表 · {term}",
                              f"{school.name} 每个班级的全部课程", school.name, (school.id,)))
    for klass in scenario.classes:
        label = f"{school_name.get(klass.school, klass.school)} {klass.label}班"
        specs.append(FeedSpec(feed_id("class", klass.id), "class", klass.id, f"{label} 课表 · {term}",
                              f"{label} 本学期的全部课程", label, (klass.school,)))
    for teacher in scenario.teachers:
        label = f"{teacher.name}（{school_name.get(teacher.school, teacher.school)}）"
        schools = (teacher.school, *sorted(teaches_at[teacher.id] - {teacher.school}))
        specs.append(FeedSpec(feed_id("teacher", teacher.id), "teacher", teacher.id, f"{label}课表 · {term}",
                              f"{teacher.name} 本学期的课程和教研活动", label, schools))
    ids = [s.id for s in specs]
    if len(set(ids)) != len(ids):
        raise ValueError("two feeds got the same id (a hash collision of ids): rename one of the ids")
    return sorted(specs, key=lambda s: s.id)


class EventState(NamedTuple):
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
    if not previous:
        return {uid: EventState(content, 0) for uid, content in current.items()}
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


PLAIN_JSON = re.compile(r"^[A-Za-z0-9@._-]*$")  # strings json.dumps writes as they are, in quotes


def _state_json(state: dict[str, EventState]) -> str:
    """One event per line, sorted; compact items, as ``json.dumps(item, sort_keys=True)`` writes them
    (formatted directly for the usual ASCII UIDs and hex hashes: a county has a million lines)."""
    lines = []
    for uid in sorted(state):
        item = state[uid]
        if PLAIN_JSON.match(uid) and PLAIN_JSON.match(item.content):
            removed = '"removed": true, ' if item.removed else ""
            lines.append(f'"{uid}": {{"content": "{item.content}", {removed}"sequence": {item.sequence}}}')
            continue
        fields: dict[str, object] = {"content": item.content, "sequence": item.sequence}
        if item.removed:
            fields["removed"] = True
        lines.append(f"{json.dumps(uid)}: {json.dumps(fields, sort_keys=True)}")
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
    """Every event rendered once, and which events each feed holds; a feed's bytes are joined on demand
    (``feed_bytes``), so a county's 400 MB of feeds need not be in memory at once."""

    specs: list[FeedSpec]
    heads: dict[str, tuple[bytes, bytes]]
    members: dict[str, list[int]]
    event_bytes: list[bytes]
    digests: dict[str, str]
    state: dict[str, EventState]
    events: dict[str, int] = field(default_factory=dict)

    def feed_bytes(self, feed: str) -> bytes:
        head, tail = self.heads[feed]
        return head + b"".join([self.event_bytes[i] for i in self.members.get(feed, ())]) + tail

    @property
    def data(self) -> dict[str, bytes]:
        return {spec.id: self.feed_bytes(spec.id) for spec in self.specs}


def render_feeds(scenario: Scenario, solution: Solution, previous_state: dict[str, EventState],
                 extra: Sequence[Occurrence] = ()) -> RenderedFeeds:
    """Every feed's events, rendered; ``extra`` adds events beyond lessons and research blocks (activities,
    travel legs). A demonstration lesson and its activity become one event (``feeds.merge``)."""
    occurrences = merge_demonstrations([*term_occurrences(scenario, solution), *extra])
    occurrences.sort(key=lambda o: (o.start, o.end, o.uid))
    renderer = FeedRenderer(dtstamp_for(scenario.term.start))
    parts = [renderer.parts(o) for o in occurrences]
    contents = {o.uid: content_hash(what + rest) for o, (what, rest) in zip(occurrences, parts)}
    state = next_state(previous_state, contents)
    event_bytes = []
    identities = []  # what a feed's bytes depend on, per event: UID, content and SEQUENCE
    members: dict[str, list[int]] = defaultdict(list)
    for index, (o, part) in enumerate(zip(occurrences, parts)):
        sequence = state[o.uid].sequence
        event_bytes.append(renderer.assemble(part, o.uid, sequence))
        identities.append(f"{o.uid} {contents[o.uid]} {sequence}\n".encode("ascii", "backslashreplace"))
        for feed in o.feeds:
            members[feed].append(index)
    del parts
    specs = feed_specs(scenario, solution)
    heads, digests = {}, {}
    for spec in specs:
        heads[spec.id] = renderer.shell(spec.name, spec.description)
        digest = hashlib.sha256(b"".join(heads[spec.id]) + renderer.dtstamp_line)
        digest.update(b"".join([identities[i] for i in members.get(spec.id, ())]))
        digests[spec.id] = digest.hexdigest()[:32]
    return RenderedFeeds(specs=specs, heads=heads, members=dict(members), event_bytes=event_bytes, digests=digests,
                         state=state, events={s.id: len(members.get(s.id, ())) for s in specs})


def calendar_of(scenario: Scenario) -> dict[str, Any]:
    """The term's calendar for the pages: teaching days (and the weekday a make-up day follows),
    holidays with their names, assessment days and seasonal bell switches."""
    days = teaching_days(scenario)
    schools_of: dict[str, list[str]] = defaultdict(list)
    for school in scenario.schools:
        schools_of[school.bell_schedule].append(school.id)
    return {
        "teaching": [[d.date.isoformat(), d.follows.zh, d.makeup] for d in days],
        "holidays": {d.isoformat(): name for d, name in holidays_in_term(scenario.term).items()},
        "assessment": sorted(d.isoformat() for d in scenario.term.assessment_days),
        "seasons": [{"date": d.isoformat(), "name": name, "schools": sorted(schools_of.get(bells, []))}
                    for d, bells, name in season_switches(scenario)],
    }


def manifest_json(scenario: Scenario, rendered: RenderedFeeds, sums: dict[str, tuple[str, int]]) -> str:
    """``sums``: each feed's SHA-256 and size in bytes."""
    feeds = [{"id": s.id, "kind": s.kind, "of": s.of, "name": s.name, "label": s.label, "schools": list(s.schools),
              "file": s.file, "events": rendered.events[s.id], "bytes": sums[s.id][1], "sha256": sums[s.id][0],
              "digest": rendered.digests[s.id]}
             for s in rendered.specs]
    term = scenario.term
    return json.dumps({"version": 1, "district": scenario.district,
                       "term": {"name": term.name, "start": term.start.isoformat(), "end": term.end.isoformat()},
                       "calendar": calendar_of(scenario), "feeds": feeds},
                      ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def _previous_feeds(previous: Path | None) -> dict[str, dict[str, Any]]:
    if previous is None:
        return {}
    try:
        manifest = json.loads((Path(previous) / FEEDS_DIR / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {f["id"]: f for f in manifest.get("feeds", []) if isinstance(f, dict) and "digest" in f}


def _reuse(source: Path, target: Path, size: int) -> bool:
    """Put the previous publish's file of an unchanged feed in place (a hard link, renamed in); False
    when that cannot be done and the feed is to be written."""
    try:
        if source.stat().st_size != size:
            return False
        if target.exists() and os.path.samefile(source, target):
            return True
        temporary = target.parent / f".{target.name}.link"
        temporary.unlink(missing_ok=True)
        os.link(source, temporary)
        os.replace(temporary, target)
        return True
    except OSError:
        return False


def write_feeds(scenario: Scenario, solution: Solution, out_dir: Path, previous: Path | None = None,
                extra: Sequence[Occurrence] = ()) -> list[Path]:
    """Write every feed into ``out_dir/feeds``; return the .ics paths written (sorted).

    ``previous`` is the last published OUT (``solve --previous``): its ``feeds/state.json`` decides
    SEQUENCE numbers, a feed whose events are all unchanged since it is linked from it instead of
    written again, and its ``tokens.json`` is carried over so subscriptions keep working.
    Feeds are joined, hashed and written by two threads (hashing and writing release the GIL).
    Raises ``models.term.TermDataMissing`` when the term's calendar data is incomplete.
    """
    out_dir = Path(out_dir)
    folder = out_dir / FEEDS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    rendered = render_feeds(scenario, solution, read_state(previous), extra)
    before = _previous_feeds(previous)

    def write_one(spec: FeedSpec) -> tuple[str, tuple[str, int]]:
        path = folder / spec.file
        old = before.get(spec.id)
        if old is not None and previous is not None and old["digest"] == rendered.digests[spec.id] \
                and _reuse(Path(previous) / FEEDS_DIR / old["file"], path, int(old["bytes"])):
            return spec.id, (old["sha256"], int(old["bytes"]))
        data = rendered.feed_bytes(spec.id)
        write_atomically(path, data)
        return spec.id, (hashlib.sha256(data).hexdigest(), len(data))

    with ThreadPoolExecutor(max_workers=2) as pool:
        sums = dict(pool.map(write_one, rendered.specs))
    paths = [folder / spec.file for spec in rendered.specs]
    write_atomically(folder / STATE, _state_json(rendered.state).encode("utf-8"))
    # The manifest goes last: a reader that trusts it finds every file it lists already complete.
    write_atomically(folder / MANIFEST, manifest_json(scenario, rendered, sums).encode("utf-8"))
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
