"""Independent checks of an activity plan (the consortium activity calendar), in plain Python from the written plan.

Shares no code with the planner (``scheduler/activities``): teaching dates come from the term calendar
(``models.term``), and clock times, travel, attendee groups and rotation rounds are recomputed here from
the scenario, the timetable and the rules, so a modelling bug in the planner cannot hide itself. Like
every check it imports only ``models`` and its siblings (the AST guard in tests/test_checks.py).

Travel is counted between consecutive commitments of a person on the day: from a lesson's school to
the host before an in-person activity and from the host to the next lesson's school after it, and
between the hosts of two activities of the same person on one day.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

from constraints.checks import Violation
from models.activity_plan import ActivityPlan, PlannedActivity, clock
from models.activity_rules import ActivitySpec, school_year, term_season
from models.enums import SchoolRole
from models.scenario import Scenario
from models.solution import LessonPlacement, Solution
from models.term import teaching_days

#: One finding of a helper below, in English and Chinese; ``check`` turns them into violations.
Message = tuple[str, str]


def _hm(minute: int) -> str:
    return clock(minute)


class _Facts:
    """Teaching dates and everybody's commitments, recomputed from the scenario and timetable."""

    def __init__(self, scenario: Scenario, solution: Solution) -> None:
        self.scenario = scenario
        self.follows = {d.date: d.follows for d in teaching_days(scenario)}
        self.lessons = defaultdict(list)
        for lesson in solution.lessons:
            self.lessons[(lesson.teacher, lesson.day)].append(lesson)
        self.research = defaultdict(list)
        for placement in solution.research:
            for teacher in placement.teachers:
                self.research[(teacher, placement.day)].append(placement)

    def commitments(self, teacher: str, on: date) -> list[tuple[int, int, str | None, str, str | None]]:
        """(start, end, place, label, lesson key) of a person's timetabled commitments on a date."""
        weekday = self.follows.get(on)
        if weekday is None:
            return []
        found = []
        for lesson in self.lessons.get((teacher, weekday), []):
            periods = self.scenario.bells_of(lesson.school).periods_on(on)
            first, last = periods[lesson.period - 1], periods[lesson.period + lesson.length - 2]
            found.append((first.start_minute, last.end_minute, lesson.school,
                          f"{lesson.subject} {lesson.class_id}", lesson.key))
        for placement in self.research.get((teacher, weekday), []):
            found.append((placement.start_minute, placement.end_minute, placement.host, f"research {placement.block}", None))
        return found

    def minutes(self, a: str | None, b: str | None) -> int | None:
        if a is None or b is None:
            return 0
        return self.scenario.travel_minutes(a, b)


def _name(scenario: Scenario, teacher: str) -> str:
    person = scenario.teacher_by_id.get(teacher)
    return f"{person.name} ({teacher})" if person else teacher


def _eligible_dates(rule: ActivitySpec, facts: _Facts, scenario: Scenario) -> list[date]:
    first, last = rule.window_dates(scenario.term.start, scenario.term.end)
    return sorted(d for d, weekday in facts.follows.items() if first <= d <= last and weekday in rule.weekdays)


# Months of the term with fewer teaching days than this (a week) hold no monthly occurrence.
STUB_MONTH_DAYS = 5


def _expected_parts(rule: ActivitySpec, dates: list[date], season: str,
                    teaching: list[date] | None = None) -> list[list[date]]:
    """The parts of the window each occurrence must fall in (months, or equal runs of eligible dates)."""
    if rule.frequency == "monthly":
        months: dict[tuple[int, int], list[date]] = defaultdict(list)
        for day in dates:
            months[(day.year, day.month)].append(day)
        per_month = Counter((d.year, d.month) for d in (teaching if teaching is not None else dates))
        return [months[m] for m in sorted(months) if per_month[m] >= STUB_MONTH_DAYS]
    if rule.frequency == "yearly" and season not in rule.terms:
        return []
    parts, n = [], rule.count
    if n <= 0:
        return []
    for k in range(n):
        lo, hi = (k * len(dates)) // n, ((k + 1) * len(dates)) // n
        if hi > lo:
            parts.append(dates[lo:hi])
    return parts


def check_schedule(scenario: Scenario, facts: _Facts, rule: ActivitySpec, mine: list[PlannedActivity],
                   season: str) -> list[Message]:
    problems: list[Message] = []
    parts = _expected_parts(rule, _eligible_dates(rule, facts, scenario), season, sorted(facts.follows))
    if len(mine) != len(parts):
        problems.append((f"rule {rule.id}: {len(mine)} occurrences planned, {len(parts)} required this term",
                         f"规则 {rule.id}：本学期安排了 {len(mine)} 次，应为 {len(parts)} 次"))
    low, high = rule.time_window
    for activity in mine:
        if activity.date not in facts.follows:
            problems.append((f"{activity.id}: {activity.date} is not a teaching day (holiday, weekend or assessment day)",
                             f"{activity.id}：{activity.date} 不是教学日（节假日、周末或测试日）"))
        elif facts.follows[activity.date] not in rule.weekdays:
            problems.append((f"{activity.id}: {activity.date} is not one of the rule's weekdays",
                             f"{activity.id}：{activity.date} 不在规则允许的星期内"))
        if rule.kind != "demo_lesson" and not (low <= activity.start and activity.end <= high):
            problems.append((f"{activity.id}: {activity.time_label} is outside {rule.time}",
                             f"{activity.id}：{activity.time_label} 超出时段 {rule.time}"))
        if rule.kind not in ("demo_lesson", "assessment", "spot_check") and activity.end - activity.start != rule.minutes:
            problems.append((f"{activity.id}: lasts {activity.end - activity.start} minutes, the rule says {rule.minutes}",
                             f"{activity.id}：时长 {activity.end - activity.start} 分钟，规则为 {rule.minutes} 分钟"))
    for part, activity in zip(parts, sorted(mine, key=lambda a: (a.date, a.start))):
        if activity.date not in part:
            problems.append((f"{activity.id}: {activity.date} is outside its share of the window ({part[0]}–{part[-1]}): "
                             "occurrences must spread over the window",
                             f"{activity.id}：{activity.date} 不在其应处的时段（{part[0]} 至 {part[-1]}）内：各次活动应均匀分布"))
    return problems


def _group(scenario: Scenario, solution: Solution, spec: str, consortium: str) -> set[str]:
    schools = {s.id for s in scenario.schools if s.consortium == consortium}
    members = [t for t in scenario.teachers if t.school in schools]
    grades_of: dict[str, set[int]] = defaultdict(set)
    for lesson in solution.lessons:
        grades_of[lesson.teacher].add(scenario.class_by_id[lesson.class_id].grade)
    kind, _, arg = spec.partition(":")
    if kind == "principals":
        return {t.id for t in members if "principal" in t.roles}
    if kind == "homeroom":
        return {t.id for t in members if "homeroom" in t.roles}
    if kind == "all":
        return {t.id for t in members}
    if kind == "research_officers":
        return {t.id for t in scenario.teachers if "research_officer" in t.roles
                and (t.school in schools or any(s in schools for s in t.also_schools))}
    if kind == "teacher":
        return {arg}
    subject, _, grade_text = arg.partition("@") if kind == "subject" else ("", "", arg)
    if grade_text:
        lo, _, hi = grade_text.partition("-")
        wanted = set(range(int(lo), int(hi or lo) + 1))
    else:
        wanted = set()
    chosen = [t for t in members if not subject or subject in t.subjects]
    return {t.id for t in chosen if not wanted or grades_of[t.id] & wanted}


def _pool(scenario: Scenario, rule: ActivitySpec) -> list[str]:
    schools = {s.id for s in scenario.schools if s.consortium == rule.consortium
               and (rule.chair_pool == "all" or s.role != SchoolRole.LEAD)}
    return sorted(t.id for t in scenario.teachers if "principal" in t.roles and t.school in schools)


def check_people(scenario: Scenario, solution: Solution, rule: ActivitySpec, mine: list[PlannedActivity]) -> list[Message]:
    problems: list[Message] = []
    expected: set[str] = set()
    for spec in rule.attendees:
        expected |= _group(scenario, solution, spec, rule.consortium)
    pool = _pool(scenario, rule)
    schools = {s.id for s in scenario.schools if s.consortium == rule.consortium}
    for activity in mine:
        missing = sorted(expected - set(activity.everyone))
        if missing:
            problems.append((f"{activity.id}: attendees missing: {', '.join(missing)}",
                             f"{activity.id}：缺少参加者：{'、'.join(missing)}"))
        if rule.chair == "rotating" and activity.chair not in pool:
            problems.append((f"{activity.id}: chair {activity.chair} is not a principal of the consortium's rotation",
                             f"{activity.id}：主持人 {activity.chair} 不是本共同体轮值校长"))
        if activity.host is not None and activity.host not in schools:
            problems.append((f"{activity.id}: host {activity.host} is not a school of consortium {rule.consortium}",
                             f"{activity.id}：承办学校 {activity.host} 不属于共同体 {rule.consortium}"))
        if rule.host == "chair_school" and activity.chair and activity.host != scenario.teacher_by_id[activity.chair].school:
            problems.append((f"{activity.id}: hosted by {activity.host}, not the chair's school",
                             f"{activity.id}：承办学校 {activity.host} 不是主持人所在学校"))
        if rule.kind == "demo_lesson":
            problems += _check_observers(scenario, solution, rule, activity)
    return problems


def _check_observers(scenario: Scenario, solution: Solution, rule: ActivitySpec, activity: PlannedActivity) -> list[Message]:
    lesson = next((x for x in solution.lessons if x.key == activity.lesson_key and x.class_id == activity.class_id), None)
    if lesson is None or lesson.teacher != activity.teacher or lesson.subject != rule.subject:
        return [(f"{activity.id}: the demonstration lesson {activity.lesson_key} is not a {rule.subject} lesson of "
                 f"{activity.teacher} in the timetable", f"{activity.id}：示范课 {activity.lesson_key} 不是课表中该教师的{rule.subject}课")]
    problems = _check_lesson_at_host(scenario, rule, activity, lesson)
    spec = f"subject:{rule.subject}" + (f"@{min(rule.grades)}-{max(rule.grades)}" if rule.grades else "")
    group = _group(scenario, solution, spec, rule.consortium)
    for school in sorted({scenario.teacher_by_id[t].school for t in group}):
        if school == activity.host:
            continue
        eligible = {t for t in group if scenario.teacher_by_id[t].school == school and t != activity.teacher}
        sent = [t for t in activity.observers if t in eligible]
        if len(sent) < min(rule.observers_per_school, len(eligible)):
            problems.append((f"{activity.id}: {school} sends {len(sent)} observers, {rule.observers_per_school} required",
                             f"{activity.id}：{school} 派出听课教师 {len(sent)} 人，应为 {rule.observers_per_school} 人"))
    return problems


def _check_lesson_at_host(scenario: Scenario, rule: ActivitySpec, activity: PlannedActivity,
                          lesson: LessonPlacement) -> list[Message]:
    """The demonstration lesson is one the host school teaches itself, to a class of the rule's grades."""
    problems: list[Message] = []
    grade = scenario.class_by_id[lesson.class_id].grade
    if rule.grades and grade not in rule.grades:
        wanted = f"{min(rule.grades)}-{max(rule.grades)}"
        problems.append((f"{activity.id}: the demonstration lesson is for class {lesson.class_id} of grade {grade}, "
                         f"not of grades {wanted}", f"{activity.id}：示范课的班级 {lesson.class_id} 为 {grade} 年级，"
                         f"不在 {wanted} 年级内"))
    if lesson.school != activity.host or lesson.sync_role == "receiving":
        problems.append((f"{activity.id}: the demonstration lesson is not taught by the host {activity.host} itself "
                         f"(the lesson is at {lesson.school}{', received online' if lesson.sync_role == 'receiving' else ''})",
                         f"{activity.id}：示范课不是承办学校 {activity.host} 自己开设的课（该课在 {lesson.school}"
                         f"{'，为同步课堂接收端' if lesson.sync_role == 'receiving' else ''}）"))
    return problems


def check_lessons(scenario: Scenario, facts: _Facts, activity: PlannedActivity, rule: ActivitySpec) -> list[Message]:
    """Nobody attending has a lesson (or research block) at the time, travel to and from the host included."""
    if rule.kind == "assessment":
        return []  # a unified assessment replaces the day's timetable
    problems: list[Message] = []
    place = activity.host if rule.in_person else None
    for person in activity.everyone:
        home = scenario.teacher_by_id[person].school
        if place is not None and facts.minutes(home, place) is None:
            problems.append((f"{activity.id}: {_name(scenario, person)} cannot reach {place} (no road in the travel table)",
                             f"{activity.id}：{_name(scenario, person)} 无法到达 {place}（路程表中无路线）"))
        for start, end, where, label, key in facts.commitments(person, activity.date):
            if key is not None and key == activity.lesson_key and person == activity.teacher:
                continue  # the demonstration lesson is this lesson
            before, after = facts.minutes(where, place), facts.minutes(place, where)
            if before is None or after is None or (end + before > activity.start and activity.end + after > start):
                problems.append((
                    f"{activity.id} {activity.date} {activity.time_label}: {_name(scenario, person)} has {label} "
                    f"{_hm(start)}-{_hm(end)} at {where} (travel {before} / {after} min)",
                    f"{activity.id} {activity.date} {activity.time_label}：{_name(scenario, person)} 在 {where} 有 {label} "
                    f"{_hm(start)}-{_hm(end)}（路程 {before} / {after} 分钟）"))
    return problems


def check_double_booking(scenario: Scenario, facts: _Facts, plan: ActivityPlan) -> list[Message]:
    rules = {r.id: r for r in plan.rules}
    by_person: dict[tuple[str, date], list[PlannedActivity]] = defaultdict(list)
    for activity in plan.activities:
        for person in activity.everyone:
            by_person[(person, activity.date)].append(activity)
    problems: list[Message] = []
    for (person, on), items in sorted(by_person.items()):
        items = sorted(items, key=lambda a: (a.start, a.id))
        for i, first in enumerate(items):
            for second in items[i + 1:]:
                a = first.host if rules[first.rule].in_person else None
                b = second.host if rules[second.rule].in_person else None
                gap = facts.minutes(a, b)
                whole = rules[first.rule].whole_day or rules[second.rule].whole_day
                if whole or gap is None or first.end + gap > second.start:
                    problems.append((f"{_name(scenario, person)} is double-booked on {on}: {first.id} {first.time_label} "
                                     f"and {second.id} {second.time_label}",
                                     f"{_name(scenario, person)} 在 {on} 同时被安排了 {first.id} {first.time_label} "
                                     f"和 {second.id} {second.time_label}"))
    return problems


def _rounds_ok(sequence: list[str], weights: dict[str, int], prior_round: dict[str, int]) -> str | None:
    """None when ``sequence`` never gives a member a turn beyond its weight before the round is complete."""
    served = {m: n for m, n in prior_round.items() if m in weights}
    for member in sequence:
        if member not in weights:
            return f"{member} is not in the rotation"
        if all(served.get(m, 0) >= w for m, w in weights.items()):
            served = {}
        if served.get(member, 0) >= weights[member]:
            waiting = sorted(m for m, w in weights.items() if served.get(m, 0) < w)
            return f"{member} serves again before {', '.join(waiting)}"
        served[member] = served.get(member, 0) + 1
    return None


def check_fairness(scenario: Scenario, solution: Solution, plan: ActivityPlan) -> list[Message]:
    """Rounds continue the previous state; year counts (per weight) differ by at most one."""
    problems: list[Message] = []
    for rule in plan.rules:
        mine = sorted((a for a in plan.activities if a.rule == rule.id), key=lambda a: (a.date, a.start))
        if not mine:
            continue
        rotations = []
        if rule.chair == "rotating":
            rotations.append(("chair", "主持", {p: 1 for p in _pool(scenario, rule)}, [a.chair or "" for a in mine]))
        if rule.host == "rotating":
            rotations.append(("host", "承办", _host_weights(scenario, solution, rule), [a.host or "" for a in mine]))
        for what, what_zh, weights, sequence in rotations:
            prior = plan.state_before.rotation(f"{rule.id}|{what}")
            wrong = _rounds_ok(sequence, weights, prior.round)
            if wrong:
                problems.append((f"rule {rule.id} {what} rotation: {wrong}", f"规则 {rule.id} 的{what_zh}轮值有误：{wrong}"))
            counts = {m: prior.year.get(m, 0) if plan.state_before.school_year == plan.school_year else 0 for m in weights}
            for member in sequence:
                if member in counts:
                    counts[member] += 1
            ratio = {m: counts[m] / weights[m] for m in weights}
            if ratio and max(ratio.values()) - min(ratio.values()) > 1 + 1e-9:
                most, least = max(ratio, key=ratio.get), min(ratio, key=ratio.get)
                problems.append((f"rule {rule.id}: {what} counts in {plan.school_year} differ by more than one "
                                 f"({most}: {counts[most]}, {least}: {counts[least]})",
                                 f"规则 {rule.id}：{plan.school_year} 学年{what_zh}次数相差超过 1（{most}：{counts[most]}，{least}：{counts[least]}）"))
    return problems


def _rotation_members(scenario: Scenario, solution: Solution, rule: ActivitySpec) -> list[str]:
    """Who takes turns hosting: the consortium's schools; for a demonstration lesson only those teaching one of
    their own lessons of the subject to a class of the rule's grades (no other school could ever host it)."""
    schools = sorted(s.id for s in scenario.schools if s.consortium == rule.consortium)
    if not rule.hosted_at_a_lesson:
        return schools
    teaching = set()
    for lesson in solution.lessons:
        grade = scenario.class_by_id[lesson.class_id].grade
        if lesson.subject == rule.subject and lesson.sync_role != "receiving" and (not rule.grades or grade in rule.grades):
            teaching.add(lesson.school)
    return [s for s in schools if s in teaching]


def _host_weights(scenario: Scenario, solution: Solution, rule: ActivitySpec) -> dict[str, int]:
    schools = _rotation_members(scenario, solution, rule)
    if isinstance(rule.host_weights, dict):
        return {s: max(1, int(rule.host_weights.get(s, 1))) for s in schools}
    if rule.host_weights == "by_size":
        size = {s: sum(1 for c in scenario.classes if c.school == s) for s in schools}
        unit = min([n for n in size.values() if n] or [1])
        return {s: max(1, round(size[s] / unit)) for s in schools}
    return {s: 1 for s in schools}


def _expected_debriefs(scenario: Scenario, solution: Solution, facts: _Facts, rule: ActivitySpec, school_year: str,
                       season: str) -> dict[str, tuple[str, date, int, set[str]]]:
    """id -> (sync id, lesson date, minute its last end finishes, people) for every sync lesson occurrence
    taught at the rule's consortium: each teaching date whose weekday is one of its teaching lessons'."""
    schools = {s.id for s in scenario.schools if s.consortium == rule.consortium}
    dates = sorted(facts.follows)
    monday = scenario.term.start - timedelta(days=scenario.term.start.weekday())
    found: dict[str, tuple[str, date, int, set[str]]] = {}
    of_sync: dict[str | None, list[LessonPlacement]] = defaultdict(list)
    of_class: dict[str, list[LessonPlacement]] = defaultdict(list)
    for x in solution.lessons:
        of_sync[x.sync].append(x)
        of_class[x.class_id].append(x)
    for sync in scenario.sync_lessons:
        klass = scenario.class_by_id.get(sync.teaching_class)
        if klass is None or klass.school not in schools:
            continue
        parts = of_sync[sync.id]
        teaching = sorted((x for x in parts if x.class_id == sync.teaching_class), key=lambda x: x.period)
        receivers = {x.teacher for c in sync.receiving_classes for x in of_class.get(c, ())
                     if x.subject == sync.subject and x.sync != sync.id}
        receivers |= {a.teacher for a in scenario.assignments if a.class_id in sync.receiving_classes
                      and a.subject == sync.subject}
        per_week: Counter[int] = Counter()
        for day in dates:
            for lesson in (x for x in teaching if x.day == facts.follows[day]):
                week = (day - monday).days // 7 + 1
                per_week[week] += 1
                ends = 0
                for part in (x for x in parts if x.day == lesson.day):
                    periods = scenario.bells_of(part.school).periods_on(day)
                    ends = max(ends, periods[part.period + part.length - 2].end_minute)
                found[f"{school_year}/{season}/{rule.id}#{sync.id}#w{week:02d}-{per_week[week]}"] = (
                    sync.id, day, ends, {lesson.teacher} | receivers)
    return found


def check_debriefs(scenario: Scenario, solution: Solution, facts: _Facts, rule: ActivitySpec,
                   mine: list[PlannedActivity], school_year: str, season: str) -> list[Message]:
    """One debrief per sync lesson occurrence, within ``within_days`` school days after it, online, with its people."""
    expected = _expected_debriefs(scenario, solution, facts, rule, school_year, season)
    got = {a.id: a for a in mine}
    position = {d: i for i, d in enumerate(sorted(facts.follows))}
    low, high = rule.time_window
    problems: list[Message] = []
    for ident in sorted(set(expected) - set(got)):
        sync, day, _, _ = expected[ident]
        problems.append((f"rule {rule.id}: no debrief after sync lesson {sync} on {day} ({ident})",
                         f"规则 {rule.id}：同步课堂 {sync} {day} 之后没有安排同步教学研讨（{ident}）"))
    for ident in sorted(set(got) - set(expected)):
        problems.append((f"{ident}: no sync lesson meets that this debrief follows",
                         f"{ident}：没有与之对应的同步课堂"))
    for ident in sorted(set(got) & set(expected)):
        activity, (sync, day, ends, people) = got[ident], expected[ident]
        at = position.get(activity.date)
        if at is None or at < position[day] or at > position[day] + rule.within_days:
            problems.append((f"{ident}: on {activity.date}, not within {rule.within_days} school days after the sync "
                             f"lesson on {day}", f"{ident}：安排在 {activity.date}，不在 {day} 同步课堂之后 "
                             f"{rule.within_days} 个上课日内"))
        elif activity.date == day and activity.start < ends:
            problems.append((f"{ident}: starts {_hm(activity.start)}, before the sync lesson ends ({_hm(ends)})",
                             f"{ident}：{_hm(activity.start)} 开始，早于同步课堂结束（{_hm(ends)}）"))
        if at is not None and facts.follows[activity.date] not in rule.weekdays:
            problems.append((f"{ident}: {activity.date} is not one of the rule's weekdays",
                             f"{ident}：{activity.date} 不在规则允许的星期内"))
        missing = sorted(people - set(activity.everyone))
        if missing:
            problems.append((f"{ident}: teachers of the sync lesson missing: {', '.join(missing)}",
                             f"{ident}：缺少同步课堂的教师：{'、'.join(missing)}"))
        if activity.end - activity.start != rule.minutes or not (low <= activity.start and activity.end <= high):
            problems.append((f"{ident}: {activity.time_label} is not {rule.minutes} minutes inside {rule.time}",
                             f"{ident}：{activity.time_label} 不是 {rule.time} 内的 {rule.minutes} 分钟"))
        if activity.mode != "online" or activity.host is not None:
            problems.append((f"{ident}: a debrief is online, with no host", f"{ident}：同步教学研讨应为线上，不设承办学校"))
    return problems


def check(scenario: Scenario, solution: Solution, plan: ActivityPlan) -> list[Violation]:
    """Every violation of the plan, sorted; an empty list means the plan verifies."""
    facts = _Facts(scenario, solution)
    problems: list[Message] = []
    if plan.school_year != school_year(scenario.term.start):
        problems.append((f"the plan is for {plan.school_year}, the scenario's term is in {school_year(scenario.term.start)}",
                         f"活动安排属于 {plan.school_year} 学年，方案学期属于 {school_year(scenario.term.start)} 学年"))
    season = term_season(scenario.term.start)
    rules = {r.id: r for r in plan.rules}
    for activity in plan.activities:
        if activity.rule not in rules:
            problems.append((f"{activity.id}: no rule {activity.rule}", f"{activity.id}：没有规则 {activity.rule}"))
    for rule in plan.rules:
        mine = [a for a in plan.activities if a.rule == rule.id]
        if rule.kind == "debrief":
            problems += check_debriefs(scenario, solution, facts, rule, mine, plan.school_year, season)
        else:
            problems += check_schedule(scenario, facts, rule, mine, season)
            problems += check_people(scenario, solution, rule, mine)
        for activity in mine:
            problems += check_lessons(scenario, facts, activity, rule)
    problems += check_double_booking(scenario, facts, plan)
    problems += check_fairness(scenario, solution, plan)
    return [Violation("activities", "", en, zh) for en, zh in sorted(set(problems))]
