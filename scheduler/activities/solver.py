"""The activity solver: one CP-SAT model choosing every occurrence's date, time, host, chair,
demonstrating lesson and observers for every consortium of a term.

Variables (all booleans): ``pick[o][i]`` — occurrence ``o`` takes candidate ``i`` (a date, clock
window and host, or for a demonstration lesson a timetabled lesson of the subject on a date);
``chair[o][p]``; ``observer[o][t]``. Candidates are pre-filtered: every fixed attendee is free at
the candidate, travel to the host included (the timetable's lessons and research blocks); a meeting has
one candidate per date and host, at the earliest start that suits everyone (later starts the same day
are the same to every rule below and to the objective); at most ``MAX_CANDIDATES`` per occurrence are
kept, nearest the centre of its dates, in turn from every host. So the model only couples occurrences
with each other:

* exactly one candidate per occurrence; occurrence k of a rule lies in the k-th equal part of the
  rule's window (monthly: in its month) — this is how occurrences spread;
* at most one activity per consortium per date, and at most one per date for anyone attending
  activities of several consortia (county research officers), so nobody is double-booked;
* rotations (chair, host): served in rounds — nobody serves again before every member served its
  weight — continuing the round of the previous state; year counts (state + this term) differ by at
  most one (hosts: by weight, ``count/weight`` differ by at most one). A demonstration lesson's host
  rotation is over the schools that teach a lesson of its subject and grades
  (:meth:`ActivityContext.rotation_schools`); a school of the state that is no member now is left out;
* observers: ``observers_per_school`` from every other school of the consortium, each free at the
  lesson (travel included).

Objective (minimised): days from the centre of each occurrence's part of the window, attendees'
travel, and the most any one teacher demonstrates or observes.
"""

from __future__ import annotations

import dataclasses
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from ortools.sat.python import cp_model

from models.activity_plan import ActivityPlan, PlannedActivity
from models.activity_rules import ActivitySpec
from models.enums import Weekday
from models.rotation import Rotation, RotationState, advance
from models.scenario import Scenario
from models.solution import LessonPlacement, Solution
from models.status import Status
from scheduler.activities.context import ActivityContext, OccurrenceSlot, clashes
from scheduler.cpsat import make_solver, status_of

# Candidates kept per occurrence (nearest the centre of its dates, in turn from every host): a bound on the
# model's size. Measured on the samples: the optimum is the same with 120, 150 or 400 kept (Pengshui 421,
# Yangcheng 635, Zhangping 83), and CP-SAT's deterministic time to prove it 0.36 instead of 1.0 on Pengshui.
MAX_CANDIDATES = 150
# CP-SAT deterministic time units per second of ``time_limit`` (measured about 0.1–0.3 per second on 2 cores).
DETERMINISTIC_PER_SECOND = 0.1


@dataclass(frozen=True)
class Candidate:
    date: date
    start: int
    end: int
    host: str | None
    lesson: LessonPlacement | None = None
    travel: int = 0


@dataclass
class Occ:
    slot: OccurrenceSlot
    attendees: tuple[str, ...]
    candidates: list[Candidate]
    observer_pool: dict[str, list[str]]  # school -> teachers who may observe (demonstration lessons)
    observers_free: ObserversFree | None = None

    @property
    def rule(self) -> ActivitySpec:
        return self.slot.rule


# --- candidates -----------------------------------------------------------------------------------

def host_options(ctx: ActivityContext, rule: ActivitySpec) -> list[str | None]:
    if rule.host == "none":
        return [None]
    if rule.host == "lead":
        return [ctx.lead_school(rule.consortium)]
    if rule.host.startswith("school:"):
        return [rule.host.split(":", 1)[1]]
    if rule.host == "chair_school":
        return sorted({ctx.scenario.teacher_by_id[p].school for p in ctx.principals(rule.consortium, rule.chair_pool)})
    return ctx.rotation_schools(rule)


def _travel_total(ctx: ActivityContext, people: tuple[str, ...], host: str | None) -> int:
    if host is None:
        return 0
    return sum(ctx.travel(ctx.scenario.teacher_by_id[p].school, host) or 0 for p in people)


def meeting_candidates(ctx: ActivityContext, slot: OccurrenceSlot, people: tuple[str, ...]) -> list[Candidate]:
    rule = slot.rule
    first, last = rule.time_window
    if rule.whole_day or rule.kind == "spot_check":
        starts = [(first, last)]
    else:
        starts = [(s, s + rule.minutes) for s in range(first, last - rule.minutes + 1, rule.step_minutes)]
    hosts = host_options(ctx, rule)

    def on_date(on: date, wanted: set[str]) -> list[Candidate]:
        found = []
        for host in hosts:
            if (host or "") not in wanted:
                continue
            travel_host = host if rule.in_person else None
            # A unified assessment replaces the day's lessons: nobody's lesson clashes with it.
            blocked = () if rule.whole_day else ctx.blocked_for_all(people, on, travel_host)
            if blocked is None:
                continue
            for start, end in starts:
                if clashes(blocked, start, end):
                    continue
                if rule.kind == "spot_check" and not young_teachers_teaching(ctx, rule, on):
                    continue
                found.append(Candidate(on, start, end, host, None, _travel_total(ctx, people, travel_host)))
                # Later starts the same day at the same host are the same to every rule and to the objective
                # (they count dates, hosts and travel): only the earliest is offered, not one per start.
                break
        return found

    return nearest_first(slot, [h or "" for h in hosts], on_date)


def young_teachers_teaching(ctx: ActivityContext, rule: ActivitySpec, on: date) -> list[str]:
    """Young teachers (under ``rule.young_age`` in the year of ``on``) of the consortium with a lesson in the window."""
    schools = set(ctx.consortium_schools(rule.consortium))
    first, last = rule.time_window
    found = []
    for teacher in ctx.scenario.teachers:
        if teacher.school not in schools or teacher.birth_year is None or on.year - teacher.birth_year >= rule.young_age:
            continue
        for item in ctx.busy(teacher.id, on):
            lesson = item.lesson
            if lesson is None or not (first <= item.start and item.end <= last):
                continue
            if rule.subject and lesson.subject != rule.subject:
                continue
            found.append(teacher.id)
            break
    return sorted(found)


def observer_pool(ctx: ActivityContext, rule: ActivitySpec) -> dict[str, list[str]]:
    spec = f"subject:{rule.subject}" + (f"@{min(rule.grades)}-{max(rule.grades)}" if rule.grades else "")
    group = ctx.group(spec, rule.consortium)
    pool: dict[str, list[str]] = defaultdict(list)
    for teacher in sorted(group):
        pool[ctx.scenario.teacher_by_id[teacher].school].append(teacher)
    return dict(pool)


def demo_candidates(ctx: ActivityContext, slot: OccurrenceSlot, people: tuple[str, ...],
                    observers: ObserversFree) -> list[Candidate]:
    rule = slot.rule
    hosts = {h for h in host_options(ctx, rule) if h is not None}
    lessons = [lesson for lesson in ctx.demonstrable_lessons(rule) if lesson.school in hosts]
    by_day: dict[Weekday, list[LessonPlacement]] = defaultdict(list)
    for lesson in sorted(lessons, key=lambda x: (x.school, x.class_id, x.period)):
        by_day[lesson.day].append(lesson)

    def on_date(on: date, wanted: set[str]) -> list[Candidate]:
        found = []
        around: dict[tuple[str | None, str], tuple[tuple[int, int], ...] | None] = {}
        for lesson in by_day[ctx.day_by_date[on].follows]:
            if lesson.school not in wanted:
                continue
            start, end = ctx.lesson_clock(lesson, on)
            host = lesson.school
            # Watched online (同步课堂), nobody travels: only the lesson time must be free.
            place = host if rule.in_person else None
            if (place, lesson.teacher) not in around:
                around[(place, lesson.teacher)] = ctx.blocked_for_all([p for p in people if p != lesson.teacher], on, place)
            blocked = around[(place, lesson.teacher)]
            if blocked is None or clashes(blocked, start, end):
                continue
            if observers.enough(on, start, end, place, lesson, rule.observers_per_school):
                found.append(Candidate(on, start, end, host, lesson, _travel_total(ctx, people, place)))
        return found

    return nearest_first(slot, sorted({lesson.school for lesson in lessons}), on_date)


class ObserversFree:
    """Who of each school's observer pool is free at a lesson time: the same for every lesson of that time,
    place and kind of day, so asked once for each (a pool of a large consortium is dozens of teachers)."""

    def __init__(self, ctx: ActivityContext, pool: dict[str, list[str]]) -> None:
        self.ctx, self.pool = ctx, pool
        self._free: dict[tuple, dict[str, set[str]]] = {}

    def free(self, on: date, start: int, end: int, place: str | None) -> dict[str, set[str]]:
        key = (self.ctx.day_kind(on), start, end, place)
        if key not in self._free:
            self._free[key] = {school: {t for t in teachers if self.ctx.free(t, on, start, end, place)}
                               for school, teachers in self.pool.items()}
        return self._free[key]

    def enough(self, on: date, start: int, end: int, place: str | None, lesson: LessonPlacement, wanted: int) -> bool:
        """Every school but the host's has ``wanted`` observers free (all of its pool when smaller), the
        demonstrating teacher not counted."""
        free = self.free(on, start, end, place)
        for school, teachers in self.pool.items():
            if school == lesson.school:
                continue
            mine = free[school]
            others = len(teachers) - (lesson.teacher in teachers)
            if len(mine) - (lesson.teacher in mine) < min(wanted, others):
                return False
        return True


def nearest_first(slot: OccurrenceSlot, hosts: list[str],
                  on_date: Callable[[date, set[str]], list[Candidate]]) -> list[Candidate]:
    """The candidates :func:`_thin` keeps, asking ``on_date`` (a date, the hosts wanted: "" for none) for dates
    nearest the slot's centre first, only for the hosts with fewer than ``MAX_CANDIDATES`` so far.

    :func:`_thin` keeps a host's candidates nearest the centre first, and never more than ``MAX_CANDIDATES``
    of one host, so once a host has that many from every date up to some distance, the further dates
    cannot add one of its candidates that is kept; the kept set is the same as from every date (a large
    consortium's demonstration lessons were tens of thousands of lessons to check for a few hundred kept)."""
    centre = slot.centre
    by_distance: dict[int, list[date]] = defaultdict(list)
    for on in slot.dates:
        by_distance[abs((on - centre).days)].append(on)
    found: list[Candidate] = []
    counts: Counter[str] = Counter()
    for distance in sorted(by_distance):
        wanted = {h for h in hosts if counts[h] < MAX_CANDIDATES}
        if not wanted:
            break
        for on in by_distance[distance]:
            new = on_date(on, wanted)
            counts.update(c.host or "" for c in new)
            found += new
    return _thin(slot, found)


def _thin(slot: OccurrenceSlot, candidates: list[Candidate]) -> list[Candidate]:
    """Keep the candidates nearest the centre of the slot's dates (a bound on model size), taken in
    turn from every host: a rotation that continues last term's round may need one particular host,
    and cutting by date alone could drop every candidate of a host whose free days lie further out."""
    centre = slot.centre

    def key(c: Candidate) -> tuple:
        return (abs((c.date - centre).days), c.travel, c.start, c.host or "",
                c.lesson.class_id if c.lesson else "", c.lesson.key if c.lesson else "")

    by_host: dict[str, list[Candidate]] = defaultdict(list)
    for candidate in candidates:
        by_host[candidate.host or ""].append(candidate)
    ranked = []
    for group in by_host.values():
        ranked += [(rank, key(c), c) for rank, c in enumerate(sorted(group, key=key))]
    return [c for _, _, c in sorted(ranked, key=lambda x: (x[0], x[1]))[:MAX_CANDIDATES]]


def build_occurrences(ctx: ActivityContext, rules: tuple[ActivitySpec, ...]) -> list[Occ]:
    occs = []
    for rule in rules:
        if rule.kind == "debrief":
            continue  # placed after the model, around what it plans (scheduler/activities/debriefs.py)
        people = ctx.attendees(rule)
        demo = rule.kind == "demo_lesson"
        pool = observer_pool(ctx, rule) if demo else {}
        observers = ObserversFree(ctx, pool) if demo else None
        for slot in ctx.slots(rule):
            if observers is not None:
                candidates = demo_candidates(ctx, slot, people, observers)
            else:
                candidates = meeting_candidates(ctx, slot, people)
            occs.append(Occ(slot, people, candidates, pool, observers))
    return occs


# --- the model ------------------------------------------------------------------------------------

def host_weights(ctx: ActivityContext, rule: ActivitySpec, schools: list[str]) -> dict[str, int]:
    if isinstance(rule.host_weights, dict):
        return {s: max(1, int(rule.host_weights.get(s, 1))) for s in schools}
    if rule.host_weights == "by_size":
        sizes = {s: sum(1 for c in ctx.scenario.classes if c.school == s) for s in schools}
        smallest = min((n for n in sizes.values() if n), default=1)
        return {s: max(1, round(sizes[s] / smallest)) for s in schools}
    return {s: 1 for s in schools}


def add_rotation(model: cp_model.CpModel, sequence: list[dict[str, cp_model.LinearExprT]], weights: dict[str, int],
                 prior: Rotation, name: str) -> None:
    """Rounds continuing ``prior`` (no second turn before everyone's turn) and a year bound of one turn."""
    if not sequence or not weights:
        return
    used = {m: min(prior.round.get(m, 0), w) for m, w in weights.items()}
    capacity = {m: w - used[m] for m, w in weights.items()}
    if sum(capacity.values()) == 0:
        capacity = dict(weights)
    at = 0
    while at < len(sequence):
        size = sum(capacity.values())
        block = sequence[at:at + size]
        for member, cap in capacity.items():
            model.Add(sum(step.get(member, 0) for step in block) <= cap).WithName(f"{name} round@{at} {member}")
        at += size
        capacity = dict(weights)
    counts = {m: prior.year.get(m, 0) + sum(step.get(m, 0) for step in sequence) for m in weights}
    for a in weights:
        for b in weights:
            if a == b:
                continue
            was = prior.year.get(a, 0) * weights[b] - prior.year.get(b, 0) * weights[a]
            bound = max(weights[a] * weights[b], was)
            model.Add(counts[a] * weights[b] - counts[b] * weights[a] <= bound).WithName(f"{name} year {a}>{b}")


class ActivityModel:
    def __init__(self, ctx: ActivityContext, occs: list[Occ], state: RotationState) -> None:
        self.ctx, self.occs, self.state = ctx, occs, state
        self.model = cp_model.CpModel()
        self.pick: list[list[cp_model.IntVar]] = []
        self.chair: list[dict[str, cp_model.IntVar]] = []
        self.observer: list[dict[str, cp_model.IntVar]] = []
        self.penalties: list[cp_model.LinearExprT] = []
        self._hosts: dict[tuple[int, str], cp_model.LinearExprT] = {}

    def build(self) -> None:
        for o, occ in enumerate(self.occs):
            picks = [self.model.NewBoolVar(f"pick {occ.slot.id} {i}") for i in range(len(occ.candidates))]
            self.model.AddExactlyOne(picks)
            self.pick.append(picks)
            self.chair.append(self._chairs(o, occ))
            self.observer.append(self._observers(o, occ))
            centre = occ.slot.centre
            self.penalties.append(sum((2 * abs((c.date - centre).days) + c.travel // 30) * v
                                      for c, v in zip(occ.candidates, picks)))
        self._one_per_day()
        self._rotations()

    def _host_expr(self, o: int, school: str) -> cp_model.LinearExprT:
        """1 when occurrence ``o`` is held at ``school``: one boolean standing for the sum of its candidates
        there, so the rotation constraints (every pair of schools, every round) stay a few terms long."""
        key = (o, school)
        if key not in self._hosts:
            there = [v for c, v in zip(self.occs[o].candidates, self.pick[o]) if c.host == school]
            if there:
                var = self.model.NewBoolVar(f"host {self.occs[o].slot.id} {school}")
                self.model.Add(var == sum(there))
                self._hosts[key] = var
            else:
                self._hosts[key] = 0
        return self._hosts[key]

    def _chairs(self, o: int, occ: Occ) -> dict[str, cp_model.IntVar]:
        if occ.rule.chair != "rotating":
            return {}
        pool = self.ctx.principals(occ.rule.consortium, occ.rule.chair_pool)
        chairs = {p: self.model.NewBoolVar(f"chair {occ.slot.id} {p}") for p in pool}
        self.model.AddExactlyOne(chairs.values())
        if occ.rule.host == "chair_school":
            for school in host_options(self.ctx, occ.rule):
                mine = [v for p, v in chairs.items() if self.ctx.scenario.teacher_by_id[p].school == school]
                self.model.Add(sum(mine) == self._host_expr(o, school or ""))
        return chairs

    def _observers(self, o: int, occ: Occ) -> dict[str, cp_model.IntVar]:
        if occ.rule.kind != "demo_lesson" or occ.rule.observers_per_school == 0:
            return {}
        result = {}
        observers, in_person = occ.observers_free, occ.rule.in_person
        for school, teachers in occ.observer_pool.items():
            chosen = []
            for teacher in teachers:
                var = self.model.NewBoolVar(f"observe {occ.slot.id} {teacher}")
                # Observing needs a lesson elsewhere, by someone else, at a time the teacher is free; a lesson
                # at the teacher's own school already sends nobody from it (below), so only the others can
                # rule the teacher out: at most one of the teacher observing and those lessons.
                unable = [v for c, v in zip(occ.candidates, self.pick[o])
                          if c.host != school and (c.lesson is None or c.lesson.teacher == teacher or teacher not in
                                                   observers.free(c.date, c.start, c.end, c.host if in_person else None)[school])]
                self.model.AddAtMostOne([var] + unable)
                result[teacher] = var
                chosen.append(var)
            # Each other school sends its share; the host school's teachers do not observe their own.
            wanted = min(occ.rule.observers_per_school, len(teachers))
            hosting = self._host_expr(o, school)
            demo_here = sum(v for c, v in zip(occ.candidates, self.pick[o])
                            if c.host != school and c.lesson is not None and c.lesson.teacher in teachers)
            # When the demonstrating teacher is one of this school's pool (itinerant), one fewer is free.
            self.model.Add(sum(chosen) >= wanted * (1 - hosting) - demo_here)
            self.model.Add(sum(chosen) <= wanted * (1 - hosting))
        return result

    def _one_per_day(self) -> None:
        by_consortium_date: dict[tuple[str, date], list[cp_model.IntVar]] = defaultdict(list)
        by_person_date: dict[tuple[str, date], list[cp_model.IntVar]] = defaultdict(list)
        consortia_of: dict[str, set[str]] = defaultdict(set)
        for occ in self.occs:
            for person in occ.attendees:
                consortia_of[person].add(occ.rule.consortium)
        for o, occ in enumerate(self.occs):
            for c, v in zip(occ.candidates, self.pick[o]):
                by_consortium_date[(occ.rule.consortium, c.date)].append(v)
                for person in occ.attendees:
                    if len(consortia_of[person]) > 1:
                        by_person_date[(person, c.date)].append(v)
        for (consortium, on), picks in sorted(by_consortium_date.items()):
            if len(picks) > 1:
                self.model.AddAtMostOne(picks).WithName(f"one activity per day {consortium} {on}")
        seen: set[tuple[date, tuple[str, ...]]] = set()
        for (person, on), picks in sorted(by_person_date.items()):
            names = tuple(sorted(v.Name() for v in picks))
            if len(picks) > 1 and (on, names) not in seen:
                seen.add((on, names))
                self.model.AddAtMostOne(picks).WithName(f"one activity per day {person} {on}")

    def _rotations(self) -> None:
        by_rule: dict[str, list[int]] = defaultdict(list)
        for o, occ in enumerate(self.occs):
            by_rule[occ.rule.id].append(o)
        for rule_id, indices in sorted(by_rule.items()):
            rule = self.occs[indices[0]].rule
            if rule.chair == "rotating":
                weights = {p: 1 for p in self.ctx.principals(rule.consortium, rule.chair_pool)}
                add_rotation(self.model, [dict(self.chair[o]) for o in indices], weights,
                             self.state.rotation(f"{rule_id}|chair"), f"chair {rule_id}")
            if rule.host in ("rotating",):
                schools = [s for s in host_options(self.ctx, rule) if s]
                weights = host_weights(self.ctx, rule, schools)
                add_rotation(self.model, [{s: self._host_expr(o, s) for s in schools} for o in indices], weights,
                             self.state.rotation(f"{rule_id}|host"), f"host {rule_id}")
        self._load_penalties(by_rule)

    def _load_penalties(self, by_rule: dict[str, list[int]]) -> None:
        """The most any teacher demonstrates (weight 20) or observes (weight 5) in the year."""
        teach: dict[str, list] = defaultdict(list)
        watch: dict[str, list] = defaultdict(list)
        prior_teach: dict[str, int] = defaultdict(int)
        prior_watch: dict[str, int] = defaultdict(int)
        for rule_id, indices in by_rule.items():
            for person, n in self.state.rotation(f"{rule_id}|teacher").year.items():
                prior_teach[person] += n
            for person, n in self.state.rotation(f"{rule_id}|observer").year.items():
                prior_watch[person] += n
            for o in indices:
                for c, v in zip(self.occs[o].candidates, self.pick[o]):
                    if c.lesson is not None:
                        teach[c.lesson.teacher].append(v)
                for person, v in self.observer[o].items():
                    watch[person].append(v)
        for weight, loads, prior, label in ((20, teach, prior_teach, "teach"), (5, watch, prior_watch, "watch")):
            if not loads:
                continue
            most = self.model.NewIntVar(0, 10_000, f"most {label}")
            for person, terms in loads.items():
                self.model.Add(most >= prior[person] + sum(terms))
            self.penalties.append(weight * most)


# --- solve and read back --------------------------------------------------------------------------

def _empty_problems(occs: list[Occ], ctx: ActivityContext) -> list[tuple[str, str]]:
    problems = []
    for occ in occs:
        if not occ.candidates and occ.rule.hosted_at_a_lesson and not ctx.demonstrable_lessons(occ.rule):
            problems.append(_no_lesson_to_demonstrate(occ))
        elif not occ.candidates:
            first, last = occ.slot.dates[0], occ.slot.dates[-1]
            problems.append((
                f"{occ.slot.id} ({occ.rule.display_name}, {occ.rule.consortium}): no date {first}–{last} and time in "
                f"{occ.rule.time} when every attendee is free (lessons, travel) — widen the window or time",
                f"{occ.slot.id}（{occ.rule.consortium} {occ.rule.display_name}）：{first} 至 {last} 在 {occ.rule.time} "
                f"内找不到全体参加者都有空（上课、路程）的时间——请放宽日期或时段"))
    return problems


def _no_lesson_to_demonstrate(occ: Occ) -> tuple[str, str]:
    rule = occ.rule
    grades = f" in grades {min(rule.grades)}-{max(rule.grades)}" if rule.grades else ""
    grades_zh = f"{min(rule.grades)}-{max(rule.grades)} 年级" if rule.grades else ""
    return (f"{occ.slot.id} ({rule.display_name}, {rule.consortium}): no school of the consortium teaches a {rule.subject} "
            f"lesson{grades} in the timetable, so none can host it — check the rule's subject and grades",
            f"{occ.slot.id}（{rule.consortium} {rule.display_name}）：共同体内没有学校在课表中开设{grades_zh}{rule.subject}课，"
            f"无校可承办——请检查规则的学科和年级")


def unreachable_hosts(ctx: ActivityContext, occs: list[Occ]) -> list[tuple[str, str]]:
    """Rotating hosts that no occurrence of their rule can have this term: a round owing them a turn
    cannot be completed (the usual cause of an infeasible plan in a later term or year)."""
    found = []
    by_rule: dict[str, list[Occ]] = defaultdict(list)
    for occ in occs:
        by_rule[occ.rule.id].append(occ)
    for rule_id, mine in sorted(by_rule.items()):
        rule = mine[0].rule
        if rule.host not in ("rotating", "chair_school"):
            continue
        able = {c.host for occ in mine for c in occ.candidates}
        for school in [h for h in host_options(ctx, rule) if h and h not in able]:
            found.append((f"rule {rule_id}: {school} can host none of this term's occurrences (an attendee, the "
                          f"demonstrating teacher or an observer is never free), so its turn in the rotation cannot come",
                          f"规则 {rule_id}：本学期 {school} 无法承办任何一次（总有参加者、授课教师或听课教师没空），轮值无法轮到该校"))
    return found


def plan_activities(scenario: Scenario, solution: Solution, rules: tuple[ActivitySpec, ...] | list[ActivitySpec], *,
                    state: RotationState | None = None, seed: int = 0, time_limit: float = 30) -> ActivityPlan:
    """Plan every activity of the term; ``state`` is the rotation state the previous plan left. The plan says how
    long planning took (``seconds``, not written to plan.json)."""
    started = time.perf_counter()
    plan = _plan(scenario, solution, rules, state, seed, time_limit)
    return dataclasses.replace(plan, seconds=time.perf_counter() - started)


def _plan(scenario: Scenario, solution: Solution, rules: tuple[ActivitySpec, ...] | list[ActivitySpec],
          state: RotationState | None, seed: int, time_limit: float) -> ActivityPlan:
    ctx = ActivityContext(scenario, solution)
    rules = tuple(sorted(rules, key=lambda r: r.id))
    before = (state or RotationState()).for_year(ctx.school_year)
    term_name = scenario.term.name or f"{scenario.term.start}..{scenario.term.end}"
    occs = build_occurrences(ctx, rules)
    base = dict(district=scenario.district, term=term_name, school_year=ctx.school_year, season=ctx.season,
                rules=rules, state_before=before, names=display_names(scenario))
    problems = _empty_problems(occs, ctx)
    if problems:
        return ActivityPlan(status=Status.INFEASIBLE, activities=(), state_after=before, problems=tuple(problems), **base)
    built = ActivityModel(ctx, occs, before)
    built.build()
    built.model.Minimize(sum(built.penalties))
    solver, status = solve_deterministically(built.model, seed, time_limit)
    if not status.found:
        message = ("no activity plan satisfies every rule together (rotation rounds, one activity per day, "
                   "year bounds); check the rules' windows and counts",
                   "找不到同时满足全部规则（轮值顺序、每天至多一项活动、学年均衡）的活动安排；请检查各规则的日期范围和次数")
        problems = (message,) + tuple(unreachable_hosts(ctx, occs))
        return ActivityPlan(status=status, activities=(), state_after=before, problems=problems, **base)
    planned = [_read(ctx, occ, built, o, solver) for o, occ in enumerate(occs)]
    debrief_rules = [r for r in rules if r.kind == "debrief"]
    if debrief_rules:
        from scheduler.activities.debriefs import plan_debriefs

        debriefs, problems = plan_debriefs(ctx, debrief_rules, planned, {r.id: r for r in rules})
        if problems:
            return ActivityPlan(status=Status.INFEASIBLE, activities=(), state_after=before, problems=tuple(problems), **base)
        planned += debriefs
    activities = tuple(sorted(planned, key=lambda a: (a.date, a.start, a.consortium, a.id)))
    after = next_state(ctx, rules, activities, before, term_name)
    return ActivityPlan(status=status, activities=activities, state_after=after,
                        objective=solver.ObjectiveValue(), **base)


def display_names(scenario: Scenario) -> dict[str, str]:
    names = {f"school:{s.id}": s.name for s in scenario.schools}
    names |= {f"teacher:{t.id}": t.name for t in scenario.teachers}
    names |= {f"consortium:{c.id}": c.name for c in scenario.consortia}
    names |= {f"class:{c.id}": f"{scenario.school_by_id[c.school].name} {c.label}班" for c in scenario.classes}
    names |= {f"subject:{s.id}": s.name for s in scenario.subjects}
    # Facts the writers need without the scenario: each person's school, each consortium's schools.
    names |= {f"school_of:{t.id}": t.school for t in scenario.teachers}
    names |= {f"member:{s.consortium}:{s.id}": s.id for s in scenario.schools}
    return names


def solve_deterministically(model: cp_model.CpModel, seed: int, time_limit: float) -> tuple[cp_model.CpSolver, Status]:
    """One worker stopped by a deterministic-time budget, so the same input gives the same plan on any
    machine, however loaded; the budget doubles (up to ten times) while no plan at all is found.
    The wall-clock limit is only a safety net (3x time_limit)."""
    budget = max(0.05, float(time_limit) * DETERMINISTIC_PER_SECOND)
    for _ in range(4):
        solver = make_solver(seed=seed, seconds=float(time_limit) * 3, effort=budget)
        # Presolve (its probing above all) spent the whole first budget on Pengshui's 80 occurrences and
        # 14,000 candidates without a plan; the model is already in the form presolve aims at (exactly-one
        # and at-most-one over booleans, short rotation sums), and without it the search proves the optimum
        # within the first budget (Pengshui 1.5 of 3 deterministic seconds, Yangcheng 1.0).
        solver.parameters.cp_model_presolve = False
        # Probing at the start of the search fixes nothing the linear relaxation does not (same optimum, a third
        # less deterministic time on Pengshui).
        solver.parameters.cp_model_probing_level = 0
        status = status_of(solver.Solve(model))
        if status != Status.UNKNOWN:
            break
        budget *= 2
    return solver, status


def _read(ctx: ActivityContext, occ: Occ, built: ActivityModel, o: int, solver: cp_model.CpSolver) -> PlannedActivity:
    chosen = next(c for c, v in zip(occ.candidates, built.pick[o]) if solver.Value(v))
    chair = next((p for p, v in built.chair[o].items() if solver.Value(v)), None)
    if occ.rule.chair == "lead":
        lead = ctx.lead_school(occ.rule.consortium)
        chair = next((p for p in ctx.principals(occ.rule.consortium) if ctx.scenario.teacher_by_id[p].school == lead), None)
    elif occ.rule.chair.startswith("teacher:"):
        chair = occ.rule.chair.split(":", 1)[1]
    observers = tuple(sorted(p for p, v in built.observer[o].items() if solver.Value(v)))
    lesson = chosen.lesson
    return PlannedActivity(
        id=f"{ctx.school_year}/{ctx.season}/{occ.slot.id}", rule=occ.rule.id, consortium=occ.rule.consortium,
        kind=occ.rule.kind, name=occ.rule.display_name, index=occ.slot.index, date=chosen.date, start=chosen.start,
        end=chosen.end, mode=occ.rule.mode.value, host=chosen.host, chair=chair, attendees=occ.attendees,
        teacher=lesson.teacher if lesson else None, class_id=lesson.class_id if lesson else None,
        lesson_key=lesson.key if lesson else None, observers=observers)


def next_state(ctx: ActivityContext, rules: tuple[ActivitySpec, ...], activities: tuple[PlannedActivity, ...],
               before: RotationState, term_name: str) -> RotationState:
    """Advance every rotation by this term's activities, in date order."""
    after = before.copy()
    after.school_year = ctx.school_year
    if term_name not in after.terms:
        after.terms.append(term_name)
    for rule in rules:
        mine = sorted((a for a in activities if a.rule == rule.id), key=lambda a: a.index)
        if not mine:
            continue
        if rule.chair == "rotating":
            members = {p: 1 for p in ctx.principals(rule.consortium, rule.chair_pool)}
            key = f"{rule.id}|chair"
            after.rotations[key] = advance(before.rotation(key), members, [(str(a.date), a.chair or "") for a in mine])
        if rule.host in ("rotating", "chair_school"):
            schools = [s for s in host_options(ctx, rule) if s]
            members = host_weights(ctx, rule, schools) if rule.host == "rotating" else {s: 1 for s in schools}
            key = f"{rule.id}|host"
            after.rotations[key] = advance(before.rotation(key), members, [(str(a.date), a.host or "") for a in mine])
        if rule.kind == "demo_lesson":
            key = f"{rule.id}|teacher"
            after.rotations[key] = advance(before.rotation(key), {}, [(str(a.date), a.teacher or "") for a in mine])
            key = f"{rule.id}|observer"
            after.rotations[key] = advance(before.rotation(key), {},
                                           [(str(a.date), p) for a in mine for p in a.observers])
    return after
