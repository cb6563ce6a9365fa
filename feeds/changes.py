"""A change plan applied to published feeds, in place: only the events a change touches are rewritten.

* A lesson taught by someone else (代课, 专递课堂, a new teacher) keeps its UID; SEQUENCE goes up, the
  teacher and the reason are in its text, and it appears in the new teacher's feed. In the absent
  teacher's feed the same UID is ``STATUS:CANCELLED``.
* A swapped lesson (调课) keeps its UID and moves to its new date and time (SEQUENCE up), in every feed it is in.
* Self-study (自习): the class's event says so and names the supervisor, and appears in the supervisor's
  feed; the teacher's is cancelled. A lesson an event replaces is cancelled everywhere, and the event
  appears in the class's and the school's feeds as its own event.
* Every other event keeps its bytes: feed files are spliced, not re-rendered (tests compare the bytes, and
  read the result with a second iCalendar parser).

``feeds/state.json`` and ``feeds/manifest.json`` are updated to match (SEQUENCE, SHA-256, sizes, counts).
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from feeds.events import (
    ZONE,
    EventText,
    FeedMembership,
    Namer,
    Occurrence,
    SyncPairs,
    _uid_digest,
    _uid_tail,
    feed_id,
    lesson_text,
    makeup_text,
)
from feeds.ical import FeedRenderer, content_hash, dtstamp_for
from feeds.writer import FEEDS_DIR, MANIFEST, STATE, EventState, _state_json, feed_specs, write_atomically
from models.changes import KIND_NAMES, ChangePlan
from models.scenario import Scenario
from models.solution import LessonPlacement, Solution
from models.term import TeachingDay, teaching_days, week_of_term


@dataclass
class Change:
    """One event's new form: the occurrence, the feeds it is in, and the feeds where it is cancelled."""

    occurrence: Occurrence
    feeds: set[str]
    cancelled_in: set[str]
    cancelled_everywhere: bool = False


def _at(day: date, text: str) -> tuple[datetime, datetime]:
    a, b = text.split("-")
    start, end = time.fromisoformat(a), time.fromisoformat(b)
    return datetime.combine(day, start, tzinfo=ZONE), datetime.combine(day, end, tzinfo=ZONE)


class Occurrences:
    """UIDs and texts of single lesson occurrences, computed as ``feeds.events`` computes the whole term's."""

    def __init__(self, scenario: Scenario, solution: Solution) -> None:
        self.scenario = scenario
        self.days: dict[date, TeachingDay] = {d.date: d for d in teaching_days(scenario)}
        self.ordinal: dict[date, tuple[int, int]] = {}
        seen: dict[tuple[int, str], int] = defaultdict(int)
        for day in sorted(self.days.values(), key=lambda d: d.date):
            week = week_of_term(scenario.term, day.date)
            seen[(week, day.follows.value)] += 1
            self.ordinal[day.date] = (week, seen[(week, day.follows.value)])
        self.names = Namer(scenario)
        self.pairs = SyncPairs(scenario, solution)
        self.members = FeedMembership(scenario)
        self.lessons = {(x.class_id, x.key): x for x in solution.lessons}
        self.override: dict[tuple[str, date], str] = {}

    def periods(self, school: str, day: date):
        """The clock times at ``school`` on ``day``, a bell override of the plan included."""
        bells_id = self.override.get((school, day))
        bells = self.scenario.bells_by_id[bells_id] if bells_id else self.scenario.bells_of(school)
        return self.days[day].periods(bells)

    def uid(self, lesson: LessonPlacement, day: date) -> str:
        week, ordinal = self.ordinal[day]
        return _uid_digest(self.scenario.district, f"lesson\x1f{lesson.class_id}\x1f{lesson.key}") + _uid_tail(week, ordinal)

    def text(self, lesson: LessonPlacement, day: date) -> EventText:
        return makeup_text(lesson_text(lesson, self.names, self.pairs), self.days[day])

    def feeds(self, lesson: LessonPlacement) -> set[str]:
        return set(self.members.of_lesson(lesson, self.pairs))


def _noted(text: EventText, prefix: str, lines: list[str]) -> EventText:
    return EventText(summary=prefix + text.summary, description="\n".join([text.description, *lines]),
                     location=text.location, categories=text.categories + ("调课代课",), geo=text.geo)


def changes_of(scenario: Scenario, solution: Solution, plan: ChangePlan) -> list[Change]:
    """Every event the plan changes or adds, in its new form."""
    occ = Occurrences(scenario, solution)
    occ.override = {(s, d): o.bell_schedule for o in plan.bell_overrides for s in o.schools for d in o.dates}
    names = occ.names
    found: list[Change] = []
    event_windows: dict[tuple[str, str, date], list[tuple[str, str]]] = defaultdict(list)
    for r in sorted(plan.resolutions, key=lambda r: (r.date, r.class_id, r.period, r.key)):
        lesson = occ.lessons.get((r.class_id, r.key))
        if lesson is None:
            continue
        uid, old_feeds = occ.uid(lesson, r.date), occ.feeds(lesson)
        start, end = _at(r.date, r.start)
        source = f"lesson\x1f{lesson.class_id}\x1f{lesson.key}"
        absent_feed = feed_id("teacher", r.absent)
        cause = f"（{r.cause}）" if r.cause else ""
        why = "；".join(zh for _en, zh in r.reasons)
        if r.kind in ("substitute", "remote", "reassign") and r.teacher:
            moved = lesson.model_copy(update={"teacher": r.teacher})
            label = {"substitute": "【代课】", "remote": "【专递课堂代课】", "reassign": ""}[r.kind]
            lines = [f"{KIND_NAMES[r.kind][1]}：{names.teacher(r.teacher)}代{names.teacher(r.absent)}{cause}",
                     f"理由：{why}"]
            if r.kind == "remote":
                home = scenario.teacher_by_id[r.teacher].school if r.teacher in scenario.teacher_by_id else ""
                lines.insert(1, f"授课地点：{names.school(home)}（专递课堂远程授课）")
            text = _noted(occ.text(moved, r.date), label, lines)
            feeds = (old_feeds - {absent_feed}) | {feed_id("teacher", r.teacher)}
            found.append(Change(Occurrence(uid, start, end, text, tuple(sorted(feeds)), source, r.date), feeds,
                                {absent_feed} & old_feeds))
            for receiving, key in zip(r.receiving, r.receiving_keys):
                follower = occ.lessons.get((receiving, key))
                if follower is None:
                    continue
                f_uid = occ.uid(follower, r.date)
                f_text = _noted(occ.text(follower.model_copy(update={"teacher": r.teacher}), r.date), label, lines)
                f_start, f_end = _window_of(scenario, follower, r.date, occ)
                f_feeds = occ.feeds(follower) - {absent_feed}
                found.append(Change(Occurrence(f_uid, f_start, f_end, f_text, tuple(sorted(f_feeds)), "", r.date),
                                    f_feeds, set()))
        elif r.kind in ("self_study", "uncovered"):
            what = (f"本节改为自习，由{names.teacher(r.teacher)}看班" if r.kind == "self_study"
                    else "本节无人代课：请学校安排看班")
            text = EventText(summary=f"【自习】{names.klass(r.class_id)}" + (f" · 看班：{names.teacher(r.teacher)}"
                                                                           if r.teacher else ""),
                             description="\n".join([f"班级：{names.klass(r.class_id)}",
                                                    f"原课程：{names.subject(r.subject)}（{names.teacher(r.absent)}）",
                                                    f"{what}{cause}", f"理由：{why}"]),
                             location=names.location(r.school), categories=("自习", "调课代课"), geo=names.geo(r.school))
            feeds = (old_feeds - {absent_feed}) | ({feed_id("teacher", r.teacher)} if r.teacher else set())
            found.append(Change(Occurrence(uid, start, end, text, tuple(sorted(feeds)), source, r.date), feeds,
                                {absent_feed} & old_feeds))
            for receiving, key in zip(r.receiving, r.receiving_keys):
                follower = occ.lessons.get((receiving, key))
                if follower is not None:
                    f_start, f_end = _window_of(scenario, follower, r.date, occ)
                    f_text = _noted(occ.text(follower, r.date), "【取消】", ["授课教师缺勤，本节由本校安排自习"])
                    f_feeds = occ.feeds(follower)
                    found.append(Change(Occurrence(occ.uid(follower, r.date), f_start, f_end, f_text,
                                                   tuple(sorted(f_feeds)), "", r.date), set(), f_feeds, True))
        elif r.kind == "event":
            text = _noted(occ.text(lesson, r.date), "【停课】", [f"因{r.cause}停课"])
            found.append(Change(Occurrence(uid, start, end, text, tuple(sorted(old_feeds)), source, r.date), set(),
                                old_feeds, True))
            event_windows[(r.cause, r.class_id, r.date)].append((r.start, r.school))
        elif r.kind == "swap" and r.swap_date is not None and r.swap_key is not None and r.swap_start is not None:
            partner = occ.lessons.get((r.class_id, r.swap_key))
            if partner is None:
                continue
            here_start, here_end = _at(r.swap_date, r.swap_start)
            note = [f"调课：本节由{r.date:%m-%d}第{r.period}节调至{r.swap_date:%m-%d}第{r.swap_period}节，"
                    f"与{names.subject(r.swap_subject)}（{names.teacher(r.swap_teacher)}）对调{cause}"]
            lesson_there = lesson.model_copy(update={"day": partner.day, "period": partner.period})
            found.append(Change(Occurrence(uid, here_start, here_end,
                                           _noted(occ.text(lesson_there, r.swap_date), "【调课】", note),
                                           tuple(sorted(old_feeds)), source, r.swap_date), old_feeds, set()))
            partner_here = partner.model_copy(update={"day": lesson.day, "period": lesson.period})
            p_feeds = occ.feeds(partner)
            note_p = [f"调课：本节由{r.swap_date:%m-%d}第{r.swap_period}节调至{r.date:%m-%d}第{r.period}节，"
                      f"与{names.subject(r.subject)}（{names.teacher(r.absent)}）对调{cause}"]
            found.append(Change(Occurrence(occ.uid(partner, r.swap_date), start, end,
                                           _noted(occ.text(partner_here, r.date), "【调课】", note_p),
                                           tuple(sorted(p_feeds)), "", r.date), p_feeds, set()))
    # Bell overrides: every other lesson of those schools on those dates at its new clock time.
    resolved = {(r.date, r.class_id, r.key) for r in plan.resolutions} | \
        {(r.swap_date, r.class_id, r.swap_key) for r in plan.resolutions if r.swap_date}
    resolved |= {(r.date, c, k) for r in plan.resolutions for c, k in zip(r.receiving, r.receiving_keys)}
    for (school, day), bells_id in sorted(occ.override.items()):
        if day not in occ.days:
            continue
        follows = occ.days[day].follows
        bells = scenario.bells_by_id[bells_id]
        for lesson in sorted((x for x in solution.lessons if x.school == school and x.day == follows),
                             key=lambda x: (x.class_id, x.period, x.key)):
            if (day, lesson.class_id, lesson.key) in resolved:
                continue
            start, end = _window_of(scenario, lesson, day, occ)
            note = [f"作息调整：本日按{bells.name or bells.id}作息，第{lesson.period}节 {start:%H:%M}-{end:%H:%M}"]
            text = _noted(occ.text(lesson, day), "", note)
            feeds = occ.feeds(lesson)
            found.append(Change(Occurrence(occ.uid(lesson, day), start, end, text, tuple(sorted(feeds)), "", day),
                                feeds, set()))
    # The events themselves: one per class and date, from its first replaced lesson to its last.
    for (name, class_id, day), windows in sorted(event_windows.items()):
        starts = sorted(w for w, _s in windows)
        school = windows[0][1]
        first, _ = _at(day, starts[0])
        _, last = _at(day, max(starts, key=lambda w: w.split("-")[1]))
        uid = hashlib.sha1(f"{scenario.district}\x1fevent\x1f{name}\x1f{class_id}".encode()).hexdigest()[:20] \
            + f"-{day:%Y%m%d}@tongbu"
        text = EventText(summary=f"【{name}】{names.klass(class_id)}", description=f"{name}\n班级：{names.klass(class_id)}",
                         location=names.location(school), categories=("活动",), geo=names.geo(school))
        feeds = {feed_id("class", class_id), feed_id("school", school)}
        found.append(Change(Occurrence(uid, first, last, text, tuple(sorted(feeds)), "", day), feeds, set()))
    return found


def _window_of(scenario: Scenario, lesson: LessonPlacement, day: date, occ: Occurrences) -> tuple[datetime, datetime]:
    periods = occ.periods(lesson.school, day)
    first, last = periods[lesson.period - 1], periods[lesson.period + lesson.length - 2]
    return datetime.combine(day, first.start, tzinfo=ZONE), datetime.combine(day, last.end, tzinfo=ZONE)


END = b"END:VEVENT\r\n"
CANCELLED = b"STATUS:CANCELLED\r\n"


def _uid_of(line: str) -> str:
    return line[1:line.index('": {')]


class StateFile:
    """feeds/state.json, touched only where events change. ``feeds.writer._state_json`` writes one event a line,
    sorted by UID (plain ASCII): a county's has hundreds of thousands of lines, found here by bisection."""

    def __init__(self, path: Path) -> None:
        self.path = path
        parts = path.read_text(encoding="utf-8").split("\n") if path.is_file() else ["", "", ""]
        self.lines = [line for line in parts[1:-2] if line]
        if self.lines and not self.lines[-1].endswith(","):
            self.lines[-1] += ","
        self.updates: dict[str, str] = {}

    def _index(self, uid: str) -> int:
        return bisect.bisect_left(self.lines, uid, key=_uid_of)

    def get(self, uid: str) -> EventState | None:
        line = self.updates.get(uid)
        if line is None:
            at = self._index(uid)
            if at < len(self.lines) and _uid_of(self.lines[at]) == uid:
                line = self.lines[at]
        if line is None:
            return None
        item = json.loads(line[line.index('": {') + 3:].rstrip(","))
        return EventState(item["content"], int(item["sequence"]), bool(item.get("removed")))

    def set(self, uid: str, state: EventState) -> None:
        self.updates[uid] = _state_json({uid: state}).split("\n")[1] + ","

    def write(self) -> None:
        pieces: list[str] = []
        at = 0
        for uid in sorted(self.updates):
            index = self._index(uid)
            pieces += self.lines[at:index]
            pieces.append(self.updates[uid])
            at = index + 1 if index < len(self.lines) and _uid_of(self.lines[index]) == uid else index
        pieces += self.lines[at:]
        body = "\n".join(pieces).rstrip(",")
        write_atomically(self.path, ('{"version": 1, "events": {\n' + body + "\n}}\n").encode("utf-8"))


WEEK_OF_UID = re.compile(r"-w(\d+)(?:-\d+)?@")
UID_LINE = b"\r\nUID:"


def _floor(data: bytes, uids: list[str], first_monday: date) -> int:
    """A position in the feed before every event of ``uids``: the first event of the earliest week they belong to
    (a lesson's UID names its week; a feed is in start order, and a change moves an event within its week)."""
    weeks = [int(m.group(1)) for uid in uids if (m := WEEK_OF_UID.search(uid))]
    if len(weeks) < len(uids) or not weeks:
        return 0
    monday = first_monday + timedelta(days=7 * (min(weeks) - 1))
    found = [at for day in range(7)
             if (at := data.find(b"DTSTART;TZID=Asia/Shanghai:" + f"{monday + timedelta(days=day):%Y%m%d}".encode())) >= 0]
    return max(0, data.rfind(b"BEGIN:VEVENT\r\n", 0, min(found))) if found else 0


def _splice(data: bytes, replacements: dict[str, bytes], count: int, first_monday: date) -> tuple[bytes, int]:
    """The feed with the events of ``replacements`` replaced where they are, the others added before the
    closing line; every other byte as it was. Returns the bytes and the new event count."""
    wanted = set(replacements)
    spans: list[tuple[int, int, bytes]] = []
    at = _floor(data, sorted(wanted), first_monday)
    while wanted:
        at = data.find(UID_LINE, at)
        if at < 0:
            break
        end_of_line = data.index(b"\r\n", at + 2)
        uid = data[at + len(UID_LINE):end_of_line].decode("ascii")
        if uid in wanted:
            wanted.discard(uid)
            start = data.rfind(b"BEGIN:VEVENT\r\n", 0, at)
            end = data.index(END, at) + len(END)
            spans.append((start, end, replacements[uid]))
        at = end_of_line
    added = [replacements[uid] for uid in sorted(wanted)]
    closing = data.rfind(b"END:VCALENDAR\r\n")
    pieces, at = [], 0
    for start, end, block in sorted(spans):
        pieces += [data[at:start], block]
        at = end
    pieces += [data[at:closing], *added, data[closing:]]
    return b"".join(pieces), count + len(added)


def apply_plan(scenario: Scenario, solution: Solution, plan: ChangePlan, out: Path, prior: ChangePlan | None = None
               ) -> list[str]:
    """Rewrite the feeds of ``out`` (a copy of the published OUT) with the plan; returns the feed ids changed.

    ``prior`` is the plan already applied to these feeds (a chain of runs): an event of it that the new plan
    leaves as it was keeps its bytes and SEQUENCE, and a feed it was in that the new plan drops gets it cancelled."""
    folder = out / FEEDS_DIR
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    state_file = StateFile(folder / STATE)
    first_monday = scenario.term.start - timedelta(days=scenario.term.start.weekday())
    changes = changes_of(scenario, solution, plan)
    if prior is not None:
        was_in = {c.occurrence.uid: c.feeds | c.cancelled_in for c in changes_of(scenario, solution, prior)}
        for change in changes:
            change.cancelled_in |= was_in.get(change.occurrence.uid, set()) - change.feeds - change.cancelled_in
    dtstamp = dtstamp_for(scenario.term.start)
    renderer = FeedRenderer(dtstamp)
    by_feed: dict[str, dict[str, bytes]] = defaultdict(dict)  # feed -> uid -> new bytes
    for change in changes:
        o = change.occurrence
        before = state_file.get(o.uid)
        content = content_hash(renderer.content(o))
        # The same content as published (an earlier run's change, kept) keeps its SEQUENCE; any other goes up.
        same = before is not None and before.content == content and not before.removed
        sequence = (before.sequence if same else before.sequence + 1) if before else 0
        state_file.set(o.uid, EventState(content, sequence))
        live = renderer.event(o, sequence)
        cancelled = live[: -len(END)] + CANCELLED + END  # STATUS sorts last of the event's properties
        for feed in change.feeds:
            by_feed[feed][o.uid] = cancelled if change.cancelled_everywhere else live
        for feed in change.cancelled_in:
            by_feed[feed][o.uid] = cancelled
    entries = {f["id"]: f for f in manifest["feeds"]}
    specs = {s.id: s for s in feed_specs(scenario, solution)}
    for feed, replacements in sorted(by_feed.items()):
        entry = entries.get(feed)
        if entry is None:
            spec = specs.get(feed)
            if spec is None:
                continue
            head, closing = renderer.shell(spec.name, spec.description)
            data = head + closing
            entry = {"id": spec.id, "kind": spec.kind, "of": spec.of, "name": spec.name, "label": spec.label,
                     "schools": list(spec.schools), "file": spec.file}
            manifest["feeds"].append(entry)
            entries[feed] = entry
        else:
            data = (folder / entry["file"]).read_bytes()
        data, count = _splice(data, replacements, int(entry.get("events", 0)), first_monday)
        write_atomically(folder / entry["file"], data)
        entry.update({"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(), "events": count,
                      "digest": hashlib.sha256(b"changed\x1f" + data).hexdigest()[:32]})
    manifest["feeds"] = sorted(manifest["feeds"], key=lambda f: f["id"])
    state_file.write()
    write_atomically(folder / MANIFEST, (json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
                     .encode("utf-8"))
    return sorted(by_feed)
