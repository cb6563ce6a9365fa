"""同步教学研讨: a short online debrief after every sync lesson (002: "同步课堂结束后，要针对双边课堂情况及时开展同步教学研讨").

A ``debrief`` rule of a consortium asks, for every occurrence of every sync (or remote-delivery) lesson
whose teaching class is at one of its schools — each teaching date of the term the lesson meets — one
online meeting of ``minutes`` of the lesson's teacher and the receiving classes' teachers of the subject
(the teachers of their own lessons of it; the assignments table when they have none), on the lesson's
date after every end of it has finished, or on one of the next ``within_days`` school days, inside the
rule's clock window, when all of them are free by clock time at their own schools (lessons, research
blocks, and the consortium activities already planned, which they attend).

Placed in order of the lessons, each at the earliest such time ("及时"): exact for one debrief at a
time, and in the samples every debrief finds its place, so no search over the others is needed. A
debrief with no such time is reported with the sync lesson, its date and the people. The checker
(``check.py``) recomputes the occurrences, the people, the dates and the free times on its own.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from models.activity_plan import PlannedActivity, clock
from models.activity_rules import ActivitySpec
from models.alignment import SyncLesson
from models.solution import LessonPlacement
from models.term import TeachingDay, week_of_term
from scheduler.activities.context import ActivityContext


@dataclass(frozen=True)
class SyncMeeting:
    """One occurrence of a sync lesson: its teaching lesson on a date, when its last end finishes, who debriefs."""

    sync: SyncLesson
    lesson: LessonPlacement
    day: TeachingDay
    index: int  # position of ``day`` among the term's teaching days
    week: int
    ordinal: int  # the n-th meeting of this sync lesson in its week
    ends: int
    people: tuple[str, ...]


def receiving_teachers(ctx: ActivityContext, sync: SyncLesson) -> set[str]:
    """The receiving classes' own teachers of the subject: who teaches their other lessons of it, else the assignment."""
    found: set[str] = set()
    for class_id in sync.receiving_classes:
        own = {x.teacher for x in ctx.lessons_by_class_subject.get((class_id, sync.subject), ()) if x.sync != sync.id}
        own |= {a.teacher for a in ctx.assignments_by_class_subject.get((class_id, sync.subject), ())}
        found |= own
    return found


def meetings(ctx: ActivityContext, consortium: str) -> list[SyncMeeting]:
    """Every occurrence in the term of the sync lessons taught at the consortium's schools, by date and end."""
    schools = set(ctx.consortium_schools(consortium))
    position = {d.date: i for i, d in enumerate(ctx.days)}
    found = []
    for sync in sorted(ctx.scenario.sync_lessons, key=lambda s: s.id):
        teaching = ctx.scenario.class_by_id.get(sync.teaching_class)
        if teaching is None or teaching.school not in schools:
            continue
        parts = ctx.lessons_by_sync.get(sync.id, [])
        lessons = sorted((x for x in parts if x.class_id == sync.teaching_class), key=lambda x: (x.day.index, x.period))
        others = receiving_teachers(ctx, sync)
        per_week: Counter[int] = Counter()
        dated = sorted(((day, lesson) for lesson in lessons for day in ctx.days if day.follows == lesson.day),
                       key=lambda pair: (pair[0].date, pair[1].period))
        for day, lesson in dated:
            week = week_of_term(ctx.scenario.term, day.date)
            per_week[week] += 1
            ends = max(ctx.lesson_clock(x, day.date)[1] for x in parts if x.day == lesson.day)
            found.append(SyncMeeting(sync, lesson, day, position[day.date], week, per_week[week], ends,
                                     tuple(sorted({lesson.teacher} | others))))
    return sorted(found, key=lambda m: (m.day.date, m.ends, m.sync.id))


def debrief_id(school_year: str, season: str, rule: ActivitySpec, meeting: SyncMeeting) -> str:
    return f"{school_year}/{season}/{rule.id}#{meeting.sync.id}#w{meeting.week:02d}-{meeting.ordinal}"


class _Booked:
    """Times already taken by planned activities, per person and date (whole-day ones take the day)."""

    def __init__(self, activities: list[PlannedActivity], rules: dict[str, ActivitySpec]) -> None:
        self.busy: dict[tuple[str, date], list[tuple[int, int]]] = defaultdict(list)
        for activity in activities:
            whole = rules[activity.rule].whole_day if activity.rule in rules else False
            span = (0, 24 * 60) if whole else (activity.start, activity.end)
            for person in activity.everyone:
                self.busy[(person, activity.date)].append(span)

    def free(self, person: str, on: date, start: int, end: int) -> bool:
        return all(end <= lo or hi <= start for lo, hi in self.busy.get((person, on), ()))

    def take(self, people: tuple[str, ...], on: date, start: int, end: int) -> None:
        for person in people:
            self.busy[(person, on)].append((start, end))


def plan_debriefs(ctx: ActivityContext, rules: list[ActivitySpec], planned: list[PlannedActivity],
                  all_rules: dict[str, ActivitySpec]) -> tuple[list[PlannedActivity], list[tuple[str, str]]]:
    """Every debrief of ``rules`` at its earliest free time, around the ``planned`` activities; and the problems."""
    booked = _Booked(planned, all_rules)
    placed: list[PlannedActivity] = []
    problems: list[tuple[str, str]] = []
    for rule in sorted(rules, key=lambda r: r.id):
        low, high = rule.time_window
        count = 0
        for meeting in meetings(ctx, rule.consortium):
            chosen = None
            for day in ctx.days[meeting.index:meeting.index + rule.within_days + 1]:
                if day.follows not in rule.weekdays:
                    continue
                first = max(low, meeting.ends) if day.date == meeting.day.date else low
                starts = [first] + [t for t in range(low, high, rule.step_minutes) if t > first]
                for start in starts:
                    end = start + rule.minutes
                    if end > high:
                        break
                    if all(booked.free(p, day.date, start, end) and ctx.free(p, day.date, start, end, None)
                           for p in meeting.people):
                        chosen = (day.date, start, end)
                        break
                if chosen:
                    break
            if chosen is None:
                problems.append(_no_time(ctx, rule, meeting))
                continue
            on, start, end = chosen
            booked.take(meeting.people, on, start, end)
            count += 1
            klass = ctx.scenario.class_by_id[meeting.sync.teaching_class]
            school = ctx.scenario.school_by_id[klass.school].name
            placed.append(PlannedActivity(
                id=debrief_id(ctx.school_year, ctx.season, rule, meeting), rule=rule.id, consortium=rule.consortium,
                kind=rule.kind, name=f"{rule.display_name}（{meeting.sync.subject}·{school}{klass.label}）", index=count - 1,
                date=on, start=start, end=end, mode=rule.mode.value, host=None, chair=None, attendees=meeting.people,
                teacher=meeting.lesson.teacher, class_id=meeting.sync.teaching_class))
    return placed, problems


def _no_time(ctx: ActivityContext, rule: ActivitySpec, meeting: SyncMeeting) -> tuple[str, str]:
    people = "、".join(ctx.scenario.teacher_by_id[p].name for p in meeting.people if p in ctx.scenario.teacher_by_id)
    return (f"{rule.id}: no {rule.minutes}-minute time in {rule.time} from the end of sync lesson {meeting.sync.id} "
            f"on {meeting.day.date} ({clock(meeting.ends)}) through the next {rule.within_days} school days when all of "
            f"{people} are free: widen the time window or within_days",
            f"{rule.id}：同步课堂 {meeting.sync.id} {meeting.day.date}（{clock(meeting.ends)} 结束）之后 {rule.within_days} 个"
            f"上课日内，在 {rule.time} 中找不到 {people} 都有空的 {rule.minutes} 分钟：请放宽时段或天数（within_days）")
