"""The published timetable with a change plan applied, checked date by date (``tongbu verify`` on OUT/changes).

Re-derived from the scenario, the weekly timetable, the change set and the plan alone, sharing no code
with the cover model (scheduler/changes): on every date the plan touches, the lessons as they now are
(covers, swaps, self-study, cancellations, new teachers) must keep these rules:

* every lesson an absence or a leave touches is covered (not taught by the absent teacher) or cancelled
  by an event; nobody teaches while absent, before arriving or after leaving;
* a substitute or new teacher teaches the subject and may teach at the school; a remote teacher is of
  the class's consortium and the school receives 专递课堂; a supervisor belongs to the school;
* nobody is in two places at once, travel between schools included; a class has one lesson at a time;
* daily and weekly loads within the teacher's limits (or the published load, when that is higher), and
  covers within the policy's extra load;
* a swap is within one class and one week, between lessons of the same length without rooms or sync
  lessons, and puts no teacher in their unavailable times.

Dates the plan does not touch are the weekly timetable, which the other checks verify.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from constraints.checks import Violation
from models import Scenario, Solution
from models.changes import ChangePlan, ChangeSet
from models.enums import DeliveryMode, Weekday
from models.term import teaching_days, week_of_term

COVERS = ("substitute", "remote", "self_study")


class _Day:
    """One teaching date: the weekday it follows and each school's clock times."""

    def __init__(self, scenario: Scenario, changes: ChangeSet) -> None:
        self.scenario = scenario
        self.follows = {d.date: d.follows for d in teaching_days(scenario)}
        self.override = {(s, d): o.bell_schedule for o in changes.bell_overrides for s in o.schools for d in o.dates}
        self.cache: dict[tuple[str, date, int, int], tuple[int, int]] = {}

    def minutes(self, school: str, day: date, first: int, length: int) -> tuple[int, int]:
        key = (school, day, first, length)
        found = self.cache.get(key)
        if found is None:
            found = self.cache[key] = self._minutes(school, day, first, length)
        return found

    def _minutes(self, school: str, day: date, first: int, length: int) -> tuple[int, int]:
        bells_id = self.override.get((school, day), self.scenario.school_by_id[school].bell_schedule)
        periods = self.scenario.bells_by_id[bells_id].periods_on(day)
        a, b = periods[first - 1], periods[first + length - 2]
        return a.start.hour * 60 + a.start.minute, b.end.hour * 60 + b.end.minute


def check(scenario: Scenario, solution: Solution, changes: ChangeSet, plan: ChangePlan) -> list[Violation]:
    arriving = {s.teacher: s for s in changes.staff if s.action == "arrive"}
    leaving = {s.teacher: s for s in changes.staff if s.action == "leave"}
    teachers = dict(scenario.teacher_by_id)
    for s in arriving.values():
        from models.staff import Teacher

        teachers[s.teacher] = Teacher(id=s.teacher, name=s.name, school=s.school, subjects=s.subjects,
                                      max_weekly=s.max_weekly, max_daily=s.max_daily)
    clock = _Day(scenario, changes)
    found: list[Violation] = []
    name = {t: f"{w.name}({t})" for t, w in teachers.items()}

    def bad(rule: str, where: str, en: str, zh: str) -> None:
        found.append(Violation(f"changes.{rule}", where, en, zh))

    if plan.status not in ("optimal", "feasible"):
        bad("status", "plan", f"the change plan has status {plan.status}", f"变动方案状态为 {plan.status}")
    lessons = {(x.class_id, x.key): x for x in solution.lessons}
    by = {(r.date, r.class_id, r.key): r for r in plan.resolutions}
    touched = {week_of_term(scenario.term, r.date) for r in plan.resolutions} | \
        {week_of_term(scenario.term, d) for o in changes.bell_overrides for d in o.dates if d in clock.follows}
    # Whole weeks, so that weekly loads are counted on the changed timetable.
    dates = sorted(d for d in clock.follows if week_of_term(scenario.term, d) in touched)
    usual_day: dict[tuple[str, Weekday], int] = defaultdict(int)
    on_weekday: dict[Weekday, list] = defaultdict(list)
    for x in solution.lessons:
        on_weekday[x.day].append(x)
        if x.sync_role != "receiving":
            usual_day[(x.teacher, x.day)] += 1
    receivers = set(changes.policy.remote_schools) or {scenario.class_by_id[c].school for s in scenario.sync_lessons
                                                       for c in s.receiving_classes if c in scenario.class_by_id}
    grade = {k.id: (k.school, k.grade) for k in scenario.classes}

    def absent(teacher: str, day: date, window: tuple[int, int]) -> bool:
        if teacher in arriving and day < arriving[teacher].date:
            return True
        if teacher in leaving and day >= leaving[teacher].date:
            return True
        for a in changes.absences:
            if a.teacher != teacher or day not in a.dates:
                continue
            if not a.periods:
                return True
            for p in a.periods:
                w = clock.minutes(teachers[teacher].school, day, p, 1)
                if w[0] < window[1] and window[0] < w[1]:
                    return True
        return False

    def cancelled_by_event(class_id: str, day: date, periods: range) -> bool:
        school, g = grade[class_id]
        return any(day in e.dates and (not e.classes or class_id in e.classes) and (not e.schools or school in e.schools)
                   and (not e.grades or g in e.grades) and (not e.periods or any(p in e.periods for p in periods))
                   for e in changes.events)

    # Each date as it now is: (teacher, class, school, window, what, counts, place).
    taught: dict[date, list[tuple[str, str, str, tuple[int, int], str, bool, str | None]]] = defaultdict(list)
    moved_in: dict[date, list] = defaultdict(list)
    moved_out: set[tuple[date, str, str]] = set()
    covers: dict[str, list[date]] = defaultdict(list)
    itinerant_covers: list[tuple[str, date, str, str]] = []

    def unavailable(teacher: str, day: date, window: tuple[int, int]) -> bool:
        who = teachers[teacher]
        for u in who.unavailable:
            if u.day != clock.follows.get(day):
                continue
            if u.first is None:
                return True
            for p in range(u.first, (u.last or u.first) + 1):
                w = clock.minutes(who.school, day, p, 1)
                if w[0] < window[1] and window[0] < w[1]:
                    return True
        return False

    for r in plan.resolutions:
        where = f"{r.date} {r.class_id} {r.key}"
        lesson = lessons.get((r.class_id, r.key))
        if lesson is None or clock.follows.get(r.date) != lesson.day:
            bad("unknown", where, f"{r.class_id} has no lesson {r.key} on {r.date}", f"{r.class_id} 在 {r.date} 没有课 {r.key}")
            continue
        subject_ok = lambda t: t in teachers and lesson.subject in teachers[t].subjects  # noqa: E731
        if r.kind in ("substitute", "remote", "self_study", "reassign") and r.teacher in teachers:
            if unavailable(r.teacher, r.date, clock.minutes(lesson.school, r.date, lesson.period, lesson.length)):
                bad("unavailable", where, f"{name[r.teacher]} is unavailable then ({r.date} period {r.period})",
                    f"{name[r.teacher]} {r.date} 第{r.period}节不能上课")
            if r.kind == "substitute" and r.teacher in scenario.post_of and lesson.school != teachers[r.teacher].school:
                itinerant_covers.append((r.teacher, r.date, lesson.school, where))
        if r.kind == "uncovered":
            bad("uncovered", where, f"{r.class_id} {lesson.subject} on {r.date} period {r.period} has no cover",
                f"{r.class_id} {r.date} 第{r.period}节{lesson.subject}无人代课")
        elif r.kind in ("substitute", "reassign", "remote"):
            t = r.teacher or ""
            if not subject_ok(t):
                bad("subject", where, f"{name.get(t, t)} does not teach {lesson.subject} but covers {r.class_id}",
                    f"{name.get(t, t)} 不教{lesson.subject}，却为 {r.class_id} 代课")
            elif r.kind == "remote":
                home = teachers[t].school
                if lesson.school not in receivers or scenario.school_by_id[home].consortium != \
                        scenario.school_by_id[lesson.school].consortium:
                    bad("remote", where, f"{r.class_id} cannot receive 专递课堂 from {home}",
                        f"{r.class_id} 不能接收 {home} 的专递课堂")
            else:
                who = teachers[t]
                post = scenario.post_of.get(t)
                if lesson.school not in (who.school, *who.also_schools) and \
                        not (post and lesson.school in scenario.post_schools(post)):
                    bad("school", where, f"{name[t]} may not teach at {lesson.school}", f"{name[t]} 不能在 {lesson.school} 任课")
        elif r.kind == "self_study":
            t = r.teacher or ""
            if t not in teachers or lesson.school not in (teachers[t].school, *teachers[t].also_schools):
                bad("supervisor", where, f"the supervisor {t} is not of {lesson.school}", f"看班教师 {t} 不是 {lesson.school} 的教师")
        elif r.kind == "swap":
            partner = lessons.get((r.class_id, r.swap_key or ""))
            if partner is None or r.swap_date is None or clock.follows.get(r.swap_date) != partner.day:
                bad("swap", where, "the swap partner is not a lesson of the class on that date", "调课对象不是该班当天的课")
                continue
            if week_of_term(scenario.term, r.swap_date) != week_of_term(scenario.term, r.date) or \
                    partner.length != lesson.length or partner.room or lesson.room or partner.sync or lesson.sync:
                bad("swap", where, "a swap must be in one week, of equal lengths, without rooms or sync lessons",
                    "调课须在同一周内、节数相同，且不涉及专用教室或同步课堂")
            for t, day, period, weekday in ((r.absent, r.swap_date, partner.period, partner.day),
                                            (partner.teacher, r.date, lesson.period, lesson.day)):
                who = teachers.get(t)
                if who and any(u.covers(weekday, p) for u in who.unavailable for p in range(period, period + lesson.length)):
                    bad("unavailable", where, f"{name[t]} is unavailable on {day} period {period}",
                        f"{name[t]} {day} 第{period}节不能上课")
            rules = scenario.quality
            pe = set(rules.pe_subjects) or {x.id for x in scenario.subjects if "体育" in x.id or "体育" in x.name}
            halves = [x.is_morning for x in scenario.bells_of(lesson.school).periods]
            after_lunch = next((p + 1 for p in range(1, len(halves)) if halves[p - 1] and not halves[p]), None)
            for moved, period in ((lesson, partner.period), (partner, lesson.period)):
                slots = range(period, period + moved.length)
                if moved.subject in pe and ((rules.pe_not_first == "hard" and 1 in slots) or
                                            (rules.pe_not_after_lunch == "hard" and after_lunch in slots)):
                    bad("pe", where, f"the swap puts {moved.subject} in period {period}, which the hard quality rules "
                        "keep PE out of", f"调课把{moved.subject}调到第{period}节，违反体育课节次的硬性规定")
            moved_out.add((r.swap_date, r.class_id, partner.key))
            moved_in[r.swap_date].append((r.absent, lesson, partner.period))
            moved_in[r.date].append((partner.teacher, partner, lesson.period))
    for day in dates:
        follows = clock.follows.get(day)
        if follows is None:
            continue
        for lesson in on_weekday.get(follows, ()):
            if lesson.sync_role == "receiving":
                continue
            periods = lesson.periods()
            window = clock.minutes(lesson.school, day, lesson.period, lesson.length)
            r = by.get((day, lesson.class_id, lesson.key))
            teacher = lesson.teacher
            handed = any(c.action == "assign" and c.class_id == lesson.class_id and lesson.subject in c.subjects
                         and c.date <= day for c in changes.staff)
            if handed or (teacher in leaving and leaving[teacher].replaced_by and day >= leaving[teacher].date):
                if r is None and not cancelled_by_event(lesson.class_id, day, periods):
                    bad("reassign", f"{day} {lesson.class_id} {lesson.key}", f"{lesson.key} on {day}: no new teacher",
                        f"{day} {lesson.key} 未更换任课教师")
            if (day, lesson.class_id, lesson.key) in moved_out:
                continue
            if r is None:
                if cancelled_by_event(lesson.class_id, day, periods):
                    continue
                taught[day].append((teacher, lesson.class_id, lesson.school, window, lesson.subject, True, lesson.school))
                continue
            if r.kind in ("event", "uncovered"):
                continue
            if r.kind == "swap":
                continue  # placed below, at its new time
            place = teachers[r.teacher].school if r.kind == "remote" and r.teacher in teachers else lesson.school
            taught[day].append((r.teacher or "", lesson.class_id, lesson.school, window, lesson.subject, True, place))
            if r.kind in COVERS and r.teacher:
                covers[r.teacher].append(day)
        for teacher, lesson, period in moved_in.get(day, ()):
            window = clock.minutes(lesson.school, day, period, lesson.length)
            taught[day].append((teacher, lesson.class_id, lesson.school, window, lesson.subject, True, lesson.school))
        for placement in solution.research:
            if placement.day != follows:
                continue
            block = next((b for b in scenario.research_blocks if b.id == placement.block), None)
            place = (placement.host or (block.host if block else None)) if block and block.mode == DeliveryMode.IN_PERSON else None
            for teacher in placement.teachers:
                taught[day].append((teacher, "", "", (placement.start_minute, placement.end_minute), "research", False, place))
    # Uncovered absences: an absent teacher's lesson still theirs.
    for day, items in sorted(taught.items()):
        per_teacher: dict[str, list] = defaultdict(list)
        per_class: dict[str, list] = defaultdict(list)
        for item in items:
            teacher, class_id, _school, window, subject, _counts, _place = item
            if subject != "research" and absent(teacher, day, window):
                bad("absent", f"{day} {class_id}", f"{name.get(teacher, teacher)} is absent but teaches {class_id} "
                    f"{subject} at {window[0] // 60:02d}:{window[0] % 60:02d} on {day}",
                    f"{name.get(teacher, teacher)} {day} 缺勤，却要上 {class_id} 的{subject}")
            per_teacher[teacher].append(item)
            if class_id:
                per_class[class_id].append(window)
        for teacher, mine in sorted(per_teacher.items()):
            mine = sorted(mine, key=lambda i: i[3])
            for i in range(len(mine)):
                for j in range(i + 1, len(mine)):
                    a, b = mine[i], mine[j]
                    need = 0
                    if a[6] and b[6] and a[6] != b[6]:
                        need = scenario.travel_minutes(a[6], b[6])
                        need = 10 ** 6 if need is None else need
                    if b[3][0] < a[3][1] + need and a[3][0] < b[3][1] + need:
                        bad("clash", f"{day} {teacher}", f"{name.get(teacher, teacher)} cannot teach both {a[1] or a[4]} and "
                            f"{b[1] or b[4]} on {day} (times or travel)",
                            f"{name.get(teacher, teacher)} {day} 无法同时承担 {a[1] or a[4]} 与 {b[1] or b[4]}（时间或路程冲突）")
            who = teachers.get(teacher)
            if who is not None:
                count = sum(1 for i in mine if i[5])
                usual = usual_day[(teacher, clock.follows[day])]
                if count > max(who.max_daily, usual):
                    bad("daily", f"{day} {teacher}", f"{name[teacher]} teaches {count} lessons on {day} (limit {who.max_daily})",
                        f"{name[teacher]} {day} 上课 {count} 节（上限 {who.max_daily}）")
        for class_id, windows in per_class.items():
            windows.sort()
            for a, b in zip(windows, windows[1:]):
                if b[0] < a[1]:
                    bad("class_clash", f"{day} {class_id}", f"{class_id} has two lessons at once on {day}",
                        f"{class_id} {day} 同一时间有两节课")
    for teacher, days in sorted(covers.items()):
        per_day: dict[date, int] = defaultdict(int)
        per_week: dict[int, int] = defaultdict(int)
        for day in days:
            per_day[day] += 1
            per_week[week_of_term(scenario.term, day)] += 1
        for day, n in per_day.items():
            if n > changes.policy.max_extra_per_day:
                bad("extra", f"{day} {teacher}", f"{name[teacher]} covers {n} lessons on {day}", f"{name[teacher]} {day} 代课 {n} 节")
        for week, n in per_week.items():
            if n > changes.policy.max_extra_per_week:
                bad("extra", f"week {week} {teacher}", f"{name[teacher]} covers {n} lessons in week {week}",
                    f"{name[teacher]} 第{week}周代课 {n} 节")
    # Bell overrides: the ends of a sync lesson still meet (overlap, or nest when no overlap is set).
    overridden = {d for (_s, d) in clock.override if d in clock.follows}
    syncs = {x.id: x for x in scenario.sync_lessons}
    for day in sorted(overridden):
        for sync_id, sync in syncs.items():
            teaching = [x for x in on_weekday.get(clock.follows[day], ()) if x.sync == sync_id and x.sync_role == "teaching"]
            receiving = [x for x in on_weekday.get(clock.follows[day], ()) if x.sync == sync_id and x.sync_role == "receiving"]
            for t in teaching:
                if not any((x.school, day) in clock.override for x in [t, *receiving]):
                    continue
                tw = clock.minutes(t.school, day, t.period, t.length)
                for x in receiving:
                    xw = clock.minutes(x.school, day, x.period, x.length)
                    if abs(xw[0] - tw[0]) > 120:
                        continue  # another occurrence of the same sync lesson that day
                    common = min(tw[1], xw[1]) - max(tw[0], xw[0])
                    nested = (xw[0] <= tw[0] and tw[1] <= xw[1]) or (tw[0] <= xw[0] and xw[1] <= tw[1])
                    ok = common >= sync.min_overlap_minutes if sync.min_overlap_minutes is not None else nested
                    if not ok:
                        bad("sync", f"{day} {sync_id}", f"sync lesson {sync_id}: {t.class_id} and {x.class_id} no longer "
                            f"meet on {day} under the bell override", f"同步课堂 {sync_id}：作息调整后 {day} {t.class_id} 与 "
                            f"{x.class_id} 的时间不再重合")
    # An itinerant teacher covers only at a school already on that day's route.
    for teacher, day, school, where in itinerant_covers:
        if sum(1 for item in taught.get(day, ()) if item[0] == teacher and item[6] == school) < 2:
            bad("route", where, f"{name[teacher]} would travel to {school} on {day} only to cover: their route changes",
                f"{name[teacher]} {day} 仅为代课专程前往 {school}：走教路线会改变")
    # Weekly loads on the changed weeks (each one whole in ``dates``).
    weekly: dict[tuple[str, int], int] = defaultdict(int)
    usual_week: dict[tuple[str, int], int] = defaultdict(int)
    for day in dates:
        week = week_of_term(scenario.term, day)
        for item in taught.get(day, ()):
            if item[5]:
                weekly[(item[0], week)] += 1
        for (teacher, weekday), n in usual_day.items():
            if weekday == clock.follows[day]:
                usual_week[(teacher, week)] += n
    for (teacher, week), count in sorted(weekly.items()):
        who = teachers.get(teacher)
        if who is not None and count > max(who.max_weekly, usual_week[(teacher, week)]):
            bad("weekly", f"week {week} {teacher}", f"{name[teacher]} teaches {count} lessons in week {week} "
                f"(limit {who.max_weekly})", f"{name[teacher]} 第{week}周上课 {count} 节（上限 {who.max_weekly}）")
    # Coverage: every lesson an absence touches is resolved.
    for a in changes.absences:
        for day in a.dates:
            follows = clock.follows.get(day)
            for lesson in on_weekday.get(follows, ()) if follows is not None else ():
                if lesson.teacher != a.teacher or lesson.sync_role == "receiving":
                    continue
                window = clock.minutes(lesson.school, day, lesson.period, lesson.length)
                if absent(a.teacher, day, window) and (day, lesson.class_id, lesson.key) not in by \
                        and not cancelled_by_event(lesson.class_id, day, lesson.periods()):
                    bad("coverage", f"{day} {lesson.class_id} {lesson.key}",
                        f"{lesson.class_id} {lesson.subject} on {day} period {lesson.period}: its teacher is absent and "
                        "the plan says nothing of it", f"{lesson.class_id} {day} 第{lesson.period}节：任课教师缺勤，方案未作安排")
    return found
