"""The events of a term: every lesson (and research block) at every teaching date, with stable identity.

One VEVENT per lesson per date (see docs/feeds.md for why not RRULE). An event's UID is derived
from the lesson's stable key and *which occurrence of the term* it is — teaching week N, the first
(or, on a week with a make-up day teaching the same weekday, second) time the lesson meets that
week — not from its date or period. So when a re-solve moves a lesson from Monday to Tuesday, each
week's event keeps its UID and only its times change (SEQUENCE goes up, see ``feeds.state``).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import NamedTuple
from zoneinfo import ZoneInfo

from models.alignment import ResearchBlock
from models.bells import BellSchedule
from models.enums import DeliveryMode, Weekday
from models.scenario import Scenario
from models.solution import LessonPlacement, ResearchPlacement, Solution
from models.term import TeachingDay, teaching_days, week_of_term

TZID = "Asia/Shanghai"
ZONE = ZoneInfo(TZID)
UID_DOMAIN = "tongbu"

MODE_ZH = {DeliveryMode.SYNC: "同步课堂", DeliveryMode.REMOTE: "专递课堂", DeliveryMode.ONLINE: "线上",
           DeliveryMode.IN_PERSON: "线下"}


@dataclass(frozen=True)
class EventText:
    """What an event says, the same for every date of a weekly lesson (make-up days add a line)."""

    summary: str
    description: str
    location: str
    categories: tuple[str, ...]
    geo: tuple[float, float] | None = None


class Occurrence(NamedTuple):
    """One event: a lesson (or research block) on one date, and the feeds it belongs to.

    A named tuple rather than a frozen dataclass: a county has a third of a million of them, and a
    frozen dataclass takes several times as long to make."""

    uid: str
    start: datetime
    end: datetime
    text: EventText
    feeds: tuple[str, ...]
    # Identity inputs, kept for tests and state: the placement key (or block id) and the date.
    source: str = ""
    day: date = date.min
    # An all-day event (本周进度, a unified assessment): start and end are midnights, written as dates.
    all_day: bool = False


def uid_for(district: str, source: str, week: int, ordinal: int) -> str:
    """A short ASCII UID from stable domain identity; short so a content line never needs folding."""
    digest = hashlib.sha1(f"{district}\x1f{source}".encode("utf-8")).hexdigest()[:20]
    suffix = "" if ordinal == 1 else f"-{ordinal}"
    return f"{digest}-w{week:02d}{suffix}@{UID_DOMAIN}"


def feed_id(kind: str, entity: str) -> str:
    """URL- and file-safe feed id; ids are often Chinese, so they are hashed (the manifest names them)."""
    return f"{kind}-{hashlib.sha1(entity.encode('utf-8')).hexdigest()[:12]}"


class Namer:
    """Chinese display names of the scenario's things, falling back to ids."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.rooms = {r.id: r for r in scenario.rooms}

    def teacher(self, teacher_id: str) -> str:
        teacher = self.scenario.teacher_by_id.get(teacher_id)
        return teacher.name if teacher else teacher_id

    def subject(self, subject_id: str) -> str:
        subject = self.scenario.subject_by_id.get(subject_id)
        return subject.name if subject else subject_id

    def school(self, school_id: str) -> str:
        school = self.scenario.school_by_id.get(school_id)
        return school.name if school else school_id

    def klass(self, class_id: str) -> str:
        klass = self.scenario.class_by_id.get(class_id)
        if klass is None:
            return class_id
        return f"{self.school(klass.school)} {klass.label}班"

    def location(self, school_id: str, room: str | None = None) -> str:
        school = self.scenario.school_by_id.get(school_id)
        name = school.name if school else school_id
        if room:
            name += " " + (self.rooms[room].name if room in self.rooms else room)
        if school and school.address:
            name += f"（{school.address}）"
        return name

    def geo(self, school_id: str) -> tuple[float, float] | None:
        school = self.scenario.school_by_id.get(school_id)
        if school and school.latitude is not None and school.longitude is not None:
            return (school.latitude, school.longitude)
        return None


def _periods_label(placement: LessonPlacement) -> str:
    if placement.length == 1:
        return f"第{placement.period}节"
    return f"第{placement.period}–{placement.period + placement.length - 1}节（连堂）"


class SyncPairs:
    """For each synchronized placement, the placements of the same occurrence at the other schools."""

    def __init__(self, scenario: Scenario, solution: Solution) -> None:
        self.scenario = scenario
        self.syncs = {s.id: s for s in scenario.sync_lessons}
        self.by_sync_day: dict[tuple[str, Weekday], list[LessonPlacement]] = defaultdict(list)
        for lesson in solution.lessons:
            if lesson.sync:
                self.by_sync_day[(lesson.sync, lesson.day)].append(lesson)

    def _minutes(self, lesson: LessonPlacement) -> tuple[int, int]:
        periods = self.scenario.bells_of(lesson.school).periods
        return periods[lesson.period - 1].start_minute, periods[lesson.period + lesson.length - 2].end_minute

    def partners(self, lesson: LessonPlacement, role: str) -> list[LessonPlacement]:
        """Placements of ``role`` in the same occurrence: same sync and day, overlapping clock times."""
        same_day = [p for p in self.by_sync_day[(lesson.sync or "", lesson.day)] if p.sync_role == role and p != lesson]
        start, end = self._minutes(lesson)
        overlapping = [p for p in same_day if self._minutes(p)[0] < end and start < self._minutes(p)[1]]
        return sorted(overlapping or same_day, key=lambda p: (p.school, p.class_id))

    def mode(self, lesson: LessonPlacement) -> str:
        sync = self.syncs.get(lesson.sync or "")
        return MODE_ZH.get(sync.mode, "同步课堂") if sync else "同步课堂"

    def receiving_classes(self, lesson: LessonPlacement) -> list[str]:
        found = [p.class_id for p in self.partners(lesson, "receiving")]
        sync = self.syncs.get(lesson.sync or "")
        return found or (list(sync.receiving_classes) if sync else [])

    def teaching(self, lesson: LessonPlacement) -> LessonPlacement | None:
        found = self.partners(lesson, "teaching")
        return found[0] if found else None


def lesson_text(lesson: LessonPlacement, names: Namer, pairs: SyncPairs) -> EventText:
    """SUMMARY, DESCRIPTION, LOCATION of a weekly lesson: class, subject and teacher named in Chinese."""
    subject, klass, teacher = names.subject(lesson.subject), names.klass(lesson.class_id), names.teacher(lesson.teacher)
    lines = [f"班级：{klass}", f"学科：{subject}", f"教师：{teacher}", f"节次：{_periods_label(lesson)}"]
    categories = [subject]
    summary = f"{subject} · {klass} · {teacher}"
    if lesson.sync:
        mode = pairs.mode(lesson)
        categories.append(mode)
        if lesson.sync_role == "receiving":
            teaching = pairs.teaching(lesson)
            source = teaching.class_id if teaching else pairs.syncs[lesson.sync].teaching_class \
                if lesson.sync in pairs.syncs else ""
            summary = f"【{mode}·接收】{summary}"
            lines.append(f"{mode}：接收 {names.klass(source)} 的授课" if source else f"{mode}：接收班级")
            lines.append(f"授课班级：{names.klass(source)}" if source else "授课班级：—")
        else:
            receiving = pairs.receiving_classes(lesson)
            summary = f"【{mode}·授课】{summary}"
            lines.append(f"{mode}：授课班级 {klass}")
            lines.append("接收班级：" + "、".join(names.klass(c) for c in receiving))
    if lesson.room:
        lines.append("教室：" + names.location(lesson.school, lesson.room).split("（")[0])
    return EventText(summary=summary, description="\n".join(lines), location=names.location(lesson.school, lesson.room),
                     categories=tuple(categories), geo=names.geo(lesson.school))


def research_text(placement: ResearchPlacement, block: ResearchBlock | None, names: Namer) -> EventText:
    name = block.name if block else placement.block
    mode = block.mode if block else DeliveryMode.ONLINE
    teachers = "、".join(names.teacher(t) for t in sorted(placement.teachers))
    lines = [f"教研活动：{name}", f"形式：{MODE_ZH.get(mode, mode.value)}", f"参加教师（{len(placement.teachers)}人）：{teachers}"]
    if block and block.subject:
        lines.insert(1, f"学科：{names.subject(block.subject)}")
    host = placement.host or (block.host if block else None)
    if host and mode != DeliveryMode.ONLINE:
        location = names.location(host)
        lines.append(f"主办学校：{names.school(host)}")
    else:
        location = "线上（网络教研）"
    return EventText(summary=f"【教研】{name}", description="\n".join(lines), location=location,
                     categories=("教研",), geo=names.geo(host) if host and mode != DeliveryMode.ONLINE else None)


def makeup_text(text: EventText, day: TeachingDay) -> EventText:
    """The same text with the make-up day said, so nobody wonders why there are lessons on a Saturday."""
    if not day.makeup:
        return text
    note = f"调休上班日：按{day.follows.zh}课表上课"
    return EventText(summary=text.summary, description=text.description + "\n" + note, location=text.location,
                     categories=text.categories, geo=text.geo)


class FeedMembership:
    """Which feeds an event belongs to: teacher, class, room, school and consortium feeds by rule."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.rooms = {room.id for room in scenario.rooms}

    def school_consortium(self, school_id: str) -> str | None:
        school = self.scenario.school_by_id.get(school_id)
        return school.consortium if school else None

    def of_lesson(self, lesson: LessonPlacement, pairs: SyncPairs) -> tuple[str, ...]:
        feeds = {feed_id("class", lesson.class_id), feed_id("school", lesson.school)}
        if lesson.room is not None and lesson.room in self.rooms:
            feeds.add(feed_id("room", lesson.room))
        teaching = pairs.teaching(lesson) if lesson.sync_role == "receiving" else None
        # The teacher of a synchronized lesson teaches it once: it is in their feed as the teaching
        # class's event (marked with the receiving classes), not once per receiving class.
        if teaching is None or teaching.teacher != lesson.teacher:
            feeds.add(feed_id("teacher", lesson.teacher))
        if lesson.sync and lesson.sync_role != "receiving":
            consortia = {self.school_consortium(lesson.school)}
            consortia |= {self.school_consortium(self.scenario.class_by_id[c].school)
                          for c in pairs.receiving_classes(lesson) if c in self.scenario.class_by_id}
            feeds |= {feed_id("consortium", c) for c in consortia if c}
        return tuple(sorted(feeds))

    def of_research(self, placement: ResearchPlacement, block: ResearchBlock | None) -> tuple[str, ...]:
        feeds = {feed_id("teacher", t) for t in placement.teachers}
        if block and block.consortium:
            feeds.add(feed_id("consortium", block.consortium))
        else:
            consortia = {self.scenario.teacher_by_id[t].school for t in placement.teachers if t in self.scenario.teacher_by_id}
            feeds |= {feed_id("consortium", c) for c in {self.school_consortium(s) for s in consortia} if c}
        return tuple(sorted(feeds))


def _clock(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=ZONE)


def _check_unique_keys(solution: Solution) -> None:
    seen: set[tuple[str, str]] = set()
    for lesson in solution.lessons:
        identity = (lesson.class_id, lesson.key)
        if identity in seen:
            raise ValueError(f"two lessons of class {lesson.class_id} share the key {lesson.key!r}: "
                             "calendar UIDs need one key per lesson")
        seen.add(identity)


def term_occurrences(scenario: Scenario, solution: Solution) -> list[Occurrence]:
    """Every event of the term, sorted by start, then UID. Raises ``TermDataMissing`` on calendar gaps."""
    _check_unique_keys(solution)
    days = teaching_days(scenario)
    by_follows: dict[Weekday, list[TeachingDay]] = defaultdict(list)
    for day in days:
        by_follows[day.follows].append(day)
    names, pairs, members = Namer(scenario), SyncPairs(scenario, solution), FeedMembership(scenario)
    term = scenario.term
    weeks = {day.date: week_of_term(term, day.date) for day in days}
    # A county has a third of a million events but few distinct (bells, weekday, periods) slots: each
    # slot's dates, clock times and UID endings (week, and which meeting of that week) are made once
    # and shared by every lesson in it, the datetime objects included.
    clocks: dict[tuple[date, time], datetime] = {}
    periods_of: dict[tuple[str, date], tuple] = {}
    slots: dict[tuple, list[tuple[str, datetime, datetime, bool, date]]] = {}

    def at(day: date, clock: time) -> datetime:
        moment = clocks.get((day, clock))
        if moment is None:
            moment = clocks[(day, clock)] = _clock(day, clock)
        return moment

    def dated(key: tuple, follows: Weekday, times: Callable[[TeachingDay], tuple[time, time]]) \
            -> list[tuple[str, datetime, datetime, bool, date]]:
        found = slots.get(key)
        if found is None:
            found = []
            ordinals: dict[int, int] = defaultdict(int)
            for day in by_follows[follows]:
                week = weeks[day.date]
                ordinals[week] += 1
                start, end = times(day)
                found.append((_uid_tail(week, ordinals[week]), at(day.date, start), at(day.date, end), day.makeup,
                              day.date))
            slots[key] = found
        return found

    def lesson_times(bells: BellSchedule, first: int, last: int) -> Callable[[TeachingDay], tuple[time, time]]:
        def times(day: TeachingDay) -> tuple[time, time]:
            periods = periods_of.get((bells.id, day.date))
            if periods is None:
                periods = periods_of[(bells.id, day.date)] = day.periods(bells)
            return periods[first].start, periods[last].end
        return times

    result: list[Occurrence] = []
    for lesson in solution.lessons:
        bells = scenario.bells_of(lesson.school)
        if lesson.day not in bells.days:
            continue
        if lesson.period + lesson.length - 1 > bells.periods_per_day:
            raise ValueError(f"lesson {lesson.key} of {lesson.class_id} is at period {lesson.period} "
                             f"(length {lesson.length}), beyond the {bells.periods_per_day} periods of {bells.id}")
        text, feeds = lesson_text(lesson, names, pairs), members.of_lesson(lesson, pairs)
        source = f"lesson\x1f{lesson.class_id}\x1f{lesson.key}"
        digest = _uid_digest(scenario.district, source)
        texts = {False: text}
        first, last = lesson.period - 1, lesson.period + lesson.length - 2
        for tail, start, end, makeup, day_date in dated((bells.id, lesson.day, first, last), lesson.day,
                                                       lesson_times(bells, first, last)):
            chosen = texts.get(makeup)
            if chosen is None:
                chosen = texts[makeup] = makeup_text(text, next(d for d in by_follows[lesson.day] if d.date == day_date))
            result.append(Occurrence(digest + tail, start, end, chosen, feeds, source, day_date))
    blocks = {b.id: b for b in scenario.research_blocks}
    for placement in solution.research:
        block = blocks.get(placement.block)
        text, feeds = research_text(placement, block, names), members.of_research(placement, block)
        source = f"research\x1f{placement.block}"
        digest = _uid_digest(scenario.district, source)
        texts = {False: text}
        clock_times = (time(placement.start_minute // 60, placement.start_minute % 60),
                       time(placement.end_minute // 60, placement.end_minute % 60))
        for tail, start, end, makeup, day_date in dated(("research", placement.day, *clock_times), placement.day,
                                                       lambda _day, times=clock_times: times):
            chosen = texts.get(makeup)
            if chosen is None:
                chosen = texts[makeup] = makeup_text(text, next(d for d in by_follows[placement.day] if d.date == day_date))
            result.append(Occurrence(digest + tail, start, end, chosen, feeds, source, day_date))
    uids = {o.uid for o in result}
    if len(uids) != len(result):
        raise ValueError("two events got the same UID; lesson keys must be unique per class")
    return sorted(result, key=lambda o: (o.start, o.end, o.uid))


def _uid_digest(district: str, source: str) -> str:
    """The part of ``uid_for`` that depends on the source: computed once per lesson, not per date."""
    return uid_for(district, source, 0, 1).split("-w", 1)[0]


def _uid_tail(week: int, ordinal: int) -> str:
    """The rest of ``uid_for``: ``-w05@tongbu`` or ``-w05-2@tongbu``."""
    return "-w" + uid_for("", "", week, ordinal).split("-w", 1)[1]


