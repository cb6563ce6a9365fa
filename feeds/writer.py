"""``write_feeds``: every teacher, class, room, school and consortium feed of a solution, into OUT/feeds/.

Files written (all deterministic: the same scenario, solution and previous state give the same bytes):

* ``feeds/<feed id>.ics`` — one calendar per feed; ids are ``teacher-…``, ``class-…``, ``room-…``, ``school-…``,
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

import gc
import hashlib
import json
import multiprocessing
import os
import re
import shutil
import sys
import tempfile
import threading
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
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
KINDS = ("consortium", "school", "class", "teacher", "room")


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
    """Every feed of a scenario (one per consortium, school, class, teacher and room), sorted by id."""
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
    for room in scenario.rooms:
        label = f"{school_name.get(room.school, room.school)} {room.name}"
        specs.append(FeedSpec(feed_id("room", room.id), "room", room.id, f"{label} 使用表 · {term}",
                              f"{label}（{room.kind}）本学期在此上课的班级", label, (room.school,)))
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


def state_of(before: EventState | None, content: str) -> EventState:
    """An event's state now: unchanged content keeps its SEQUENCE, changed (or returning) content raises it."""
    if before is None:
        return EventState(content, 0)
    if before.content == content and not before.removed:
        return before
    return EventState(content, before.sequence + 1)


def next_state(previous: dict[str, EventState], current: dict[str, str]) -> dict[str, EventState]:
    """SEQUENCE per UID: unchanged content keeps it, changed content raises it by one.

    Events that are gone are kept as ``removed`` so that if one comes back its SEQUENCE is higher
    than anything a client saw.
    """
    state = {uid: state_of(previous.get(uid), content) for uid, content in current.items()}
    return with_removed(previous, state)


def with_removed(previous: dict[str, EventState], state: dict[str, EventState]) -> dict[str, EventState]:
    for uid, before in previous.items():
        if uid not in state:
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
    """Feed bytes by feed id, with each feed's event count and digest, and the new event state."""

    specs: list[FeedSpec]
    data: dict[str, bytes]
    events: dict[str, int]
    digests: dict[str, str]
    state: dict[str, EventState]


@dataclass
class FeedJob:
    """Everything rendering needs: the term's events in feed order, the feeds and which events each holds,
    the previous state; with ``folder`` the feeds are written there (else kept in memory)."""

    occurrences: list[Occurrence]
    specs: dict[str, FeedSpec]
    members: dict[str, list[int]]
    previous_state: dict[str, EventState]
    dtstamp: datetime
    folder: Path | None = None
    previous_folder: Path | None = None  # the previous OUT's feeds folder, for linking unchanged feeds
    previous_feeds: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class GroupResult:
    """What rendering a group of feeds gave: SHA-256 and size, digest and (in memory) bytes of each feed,
    and the state of every event rendered."""

    sums: dict[str, tuple[str, int]] = field(default_factory=dict)
    digests: dict[str, str] = field(default_factory=dict)
    data: dict[str, bytes] = field(default_factory=dict)
    state: dict[str, EventState] = field(default_factory=dict)


def feed_events(scenario: Scenario, solution: Solution, extra: Sequence[Occurrence] = (),
                events: Sequence[Occurrence] | None = None) -> list[Occurrence]:
    """Every event of the term in feed order; ``extra`` adds events beyond lessons and research blocks
    (activities, travel legs). A demonstration lesson and its activity become one event (``feeds.merge``).
    ``events``: the lessons' and research blocks' own (``term_occurrences``), when made already."""
    lessons = term_occurrences(scenario, solution) if events is None else events
    occurrences = merge_demonstrations([*lessons, *extra])
    occurrences.sort(key=lambda o: (o.start, o.end, o.uid))
    return occurrences


def prepare(scenario: Scenario, solution: Solution, previous_state: dict[str, EventState],
            extra: Sequence[Occurrence] = (), events: Sequence[Occurrence] | None = None) -> FeedJob:
    occurrences = feed_events(scenario, solution, extra, events)
    members: dict[str, list[int]] = defaultdict(list)
    for index, occurrence in enumerate(occurrences):
        for feed in occurrence.feeds:
            members[feed].append(index)
    return FeedJob(occurrences=occurrences, specs={s.id: s for s in feed_specs(scenario, solution)},
                   members=dict(members), previous_state=previous_state, dtstamp=dtstamp_for(scenario.term.start))


def render_group(job: FeedJob, feeds: Sequence[str], also: Sequence[int] = ()) -> GroupResult:
    """Render the events of ``feeds`` (and the events ``also``: those of no feed, for the state), then each
    feed: linked from the previous publish when its digest is unchanged, else joined, hashed and written
    (by two threads: hashing and writing release the GIL) or kept."""
    renderer = FeedRenderer(job.dtstamp)
    needed = sorted(set(also).union(*(job.members.get(f, ()) for f in feeds)))
    event_bytes: dict[int, bytes] = {}
    identities: dict[int, bytes] = {}  # what a feed's bytes depend on, per event: UID, content and SEQUENCE
    result = GroupResult()
    previous = job.previous_state
    for index in needed:
        occurrence = job.occurrences[index]
        what, rest = renderer.parts(occurrence)
        state = result.state[occurrence.uid] = state_of(previous.get(occurrence.uid), content_hash(what + rest))
        event_bytes[index] = renderer.assemble((what, rest), occurrence.uid, state.sequence)
        identities[index] = f"{occurrence.uid} {state.content} {state.sequence}\n".encode("ascii", "backslashreplace")
    heads = {feed: renderer.shell(job.specs[feed].name, job.specs[feed].description) for feed in feeds}
    for feed in feeds:
        digest = hashlib.sha256(b"".join(heads[feed]) + renderer.dtstamp_line)
        digest.update(b"".join([identities[i] for i in job.members.get(feed, ())]))
        result.digests[feed] = digest.hexdigest()[:32]

    def one(feed: str) -> tuple[str, tuple[str, int], bytes | None]:
        spec, old = job.specs[feed], job.previous_feeds.get(feed)
        if job.folder is not None and job.previous_folder is not None and old is not None \
                and old["digest"] == result.digests[feed] \
                and _reuse(job.previous_folder / old["file"], job.folder / spec.file, int(old["bytes"])):
            return feed, (old["sha256"], int(old["bytes"])), None
        head, tail = heads[feed]
        data = head + b"".join([event_bytes[i] for i in job.members.get(feed, ())]) + tail
        sums = (hashlib.sha256(data).hexdigest(), len(data))
        if job.folder is None:
            return feed, sums, data
        write_atomically(job.folder / spec.file, data)
        return feed, sums, None

    with ThreadPoolExecutor(max_workers=2) as pool:
        for feed, sums, data in pool.map(one, feeds):
            result.sums[feed] = sums
            if data is not None:
                result.data[feed] = data
    return result


def render_feeds(scenario: Scenario, solution: Solution, previous_state: dict[str, EventState],
                 extra: Sequence[Occurrence] = ()) -> RenderedFeeds:
    """Every feed's bytes, in memory (one process); ``write_feeds`` writes them and may use two."""
    job = prepare(scenario, solution, previous_state, extra)
    specs = sorted(job.specs.values(), key=lambda s: s.id)
    result = render_group(job, [s.id for s in specs], range(len(job.occurrences)))
    return RenderedFeeds(specs=specs, data=result.data, events={s.id: len(job.members.get(s.id, ())) for s in specs},
                         digests=result.digests, state=with_removed(previous_state, result.state))


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


def manifest_json(scenario: Scenario, specs: Sequence[FeedSpec], events: dict[str, int], digests: dict[str, str],
                  sums: dict[str, tuple[str, int]]) -> str:
    """``sums``: each feed's SHA-256 and size in bytes."""
    feeds = [{"id": s.id, "kind": s.kind, "of": s.of, "name": s.name, "label": s.label, "schools": list(s.schools),
              "file": s.file, "events": events[s.id], "bytes": sums[s.id][1], "sha256": sums[s.id][0],
              "digest": digests[s.id]}
             for s in specs]
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


PARALLEL_FROM = 50_000  # events; below this, forking a second process costs more than it saves
_JOB: FeedJob | None = None  # the job a forked worker renders (inherited, not pickled)
last_processes = 0  # how many processes the last write_feeds used (for tests and benchmarks)


def _processes(events: int) -> int:
    """2 when a second process can be forked safely and is worth it, else 1.

    Forking copies the events without pickling them; it is safe only from a process with no other
    thread (a fork keeps just the calling thread) that is not itself a daemonic worker.
    """
    wanted = int(os.environ.get("TONGBU_FEED_PROCESSES", "2"))
    if wanted < 2 or events < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
        return 1
    if not sys.platform.startswith("linux") or multiprocessing.current_process().daemon \
            or threading.active_count() > 1:  # (macOS's system libraries are not fork-safe)
        return 1
    return 2


def _partition(job: FeedJob, groups: int) -> list[list[str]]:
    """Feeds in ``groups`` groups of about equal events, a school's feeds (its own, its classes', its
    teachers') together, so few events are rendered in both."""
    by_key: dict[str, list[str]] = defaultdict(list)
    for spec in job.specs.values():
        key = spec.of if spec.kind == "school" else f"consortium:{spec.of}" if spec.kind == "consortium" \
            else (spec.schools[0] if spec.schools else spec.of)
        by_key[key].append(spec.id)
    weights = {key: sum(len(job.members.get(f, ())) for f in feeds) for key, feeds in by_key.items()}
    chosen: list[list[str]] = [[] for _ in range(groups)]
    loads = [0] * groups
    for key in sorted(by_key, key=lambda k: (-weights[k], k)):
        lightest = loads.index(min(loads))
        chosen[lightest] += by_key[key]
        loads[lightest] += weights[key]
    return [sorted(group) for group in chosen if group]


def _render_in_worker(feeds: list[str], also: list[int]) -> GroupResult:
    assert _JOB is not None
    return render_group(_JOB, feeds, also)


def write_feeds(scenario: Scenario, solution: Solution, out_dir: Path, previous: Path | None = None,
                extra: Sequence[Occurrence] = (), events: Sequence[Occurrence] | None = None) -> list[Path]:
    """Write every feed into ``out_dir/feeds``; return the .ics paths written (sorted).

    ``previous`` is the last published OUT (``solve --previous``): its ``feeds/state.json`` decides
    SEQUENCE numbers, a feed whose events are all unchanged since it is linked from it instead of
    written again, and its ``tokens.json`` is carried over so subscriptions keep working. ``events``: the
    term's lesson and research events (``term_occurrences``) when the caller made them already.
    A county's feeds are rendered and written by two forked processes, each taking the feeds of about
    half the schools (``_partition``); every event's state depends on that event alone, so the result
    is the same bytes as one process gives.
    Raises ``models.term.TermDataMissing`` when the term's calendar data is incomplete.
    """
    # A county makes millions of objects that live until the end and hold no cycles: the cyclic
    # collector would walk them again and again (and, after a fork, copy every page it touches).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _write_feeds(scenario, solution, Path(out_dir), previous, extra, events)
    finally:
        if collecting:
            gc.enable()


def _write_feeds(scenario: Scenario, solution: Solution, out_dir: Path, previous: Path | None,
                 extra: Sequence[Occurrence], events: Sequence[Occurrence] | None) -> list[Path]:
    global _JOB, last_processes
    folder = out_dir / FEEDS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    previous_state = read_state(previous)
    job = prepare(scenario, solution, previous_state, extra, events)
    job.folder = folder
    if previous is not None:
        job.previous_folder, job.previous_feeds = Path(previous) / FEEDS_DIR, _previous_feeds(previous)
    covered = set().union(*job.members.values()) if job.members else set()
    also = [i for i in range(len(job.occurrences)) if i not in covered]  # events of no feed still have a state
    processes = _processes(len(job.occurrences))
    groups = _partition(job, processes)
    last_processes = len(groups)
    if len(groups) > 1:
        _JOB = job
        gc.freeze()  # the workers share the parent's objects; nothing should make them copy the pages
        try:
            with ProcessPoolExecutor(max_workers=len(groups), mp_context=multiprocessing.get_context("fork")) as pool:
                results = list(pool.map(_render_in_worker, groups, [also] + [[]] * (len(groups) - 1)))
        finally:
            gc.unfreeze()
            _JOB = None
    else:
        results = [render_group(job, groups[0] if groups else [], also)]
    sums, digests, state = {}, {}, {}
    for result in results:
        sums.update(result.sums)
        digests.update(result.digests)
        state.update(result.state)
    specs = sorted(job.specs.values(), key=lambda s: s.id)
    paths = [folder / spec.file for spec in specs]
    write_atomically(folder / STATE, _state_json(with_removed(previous_state, state)).encode("utf-8"))
    # The manifest goes last: a reader that trusts it finds every file it lists already complete.
    events = {s.id: len(job.members.get(s.id, ())) for s in specs}
    write_atomically(folder / MANIFEST, manifest_json(scenario, specs, events, digests, sums).encode("utf-8"))
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
