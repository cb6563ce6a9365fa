"""Solve a scenario of explicit activities (an imported FET file) with CP-SAT.

The formulation measured fastest on FET's own examples (shared/SOLVER-NOTES.md): one boolean per
(activity, allowed start), exactly one per activity, at most one per (teacher or student subgroup,
hour) over the booleans covering it. Starts that hard breaks, not-available and preferred times
rule out are removed before any variable exists.

Phase 1 (one worker, no LP, deterministic time) finds a timetable meeting every hard rule; phase
2, only with soft rules and time left, adds them with their weights and improves from phase 1's
timetable. When phase 1 proves there is none, the hard rules get one literal each and the solver
names a set of them that cannot hold together.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from constraints import explicit as families
from models import LessonPlacement, PartReport, Scenario, Solution, Weekday
from models.explicit import ExplicitTimetable, TimeRule
from scheduler.timetable.part import STATUS_NAMES, Conflict

#: Share of the time limit phase 1 may use when soft rules wait for phase 2.
FEASIBILITY_SHARE = 0.6
#: Deterministic time for naming a conflict once infeasibility is proved.
EXPLAIN_TIME = 20.0


@dataclass(frozen=True)
class Resource:
    """A teacher, or student subgroups that have the same activities and unavailable hours."""

    name: str
    activities: tuple[int, ...]
    off: frozenset[int]


@dataclass
class ExplicitModel:
    """The CP-SAT model of explicit activities: variables by domain meaning, and helpers the families use."""

    tt: ExplicitTimetable
    explain: bool = False
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)

    def __post_init__(self) -> None:
        tt = self.tt
        self.days, self.hours = len(tt.days), len(tt.hours)
        self.duration = {a.id: a.duration for a in tt.activities}
        self.day_index = {name: i for i, name in enumerate(tt.days)}
        hard = [r for r in tt.rules if r.hard]
        self.breaks = frozenset(self.slot(d, h) for r in hard if r.kind == "BreakTimes" for d, h in r.slots)
        teacher_off: dict[str, set[int]] = defaultdict(set)
        for r in hard:
            if r.kind == "TeacherNotAvailableTimes":
                teacher_off[r.teacher] |= {self.slot(d, h) for d, h in r.slots}
        atom_off: dict[str, set[int]] = defaultdict(set)
        for r in hard:
            if r.kind == "StudentsSetNotAvailableTimes":
                for atom in tt.atoms_of([r.students]):
                    atom_off[atom] |= {self.slot(d, h) for d, h in r.slots}
        by_teacher: dict[str, list[int]] = defaultdict(list)
        by_atom: dict[str, list[int]] = defaultdict(list)
        for a in tt.activities:
            for t in a.teachers:
                by_teacher[t].append(a.id)
            for atom in tt.atoms_of(a.students):
                by_atom[atom].append(a.id)
        self.teacher_resources = {t: Resource(f"teacher {t}", tuple(ids), frozenset(teacher_off.get(t, ())))
                                  for t, ids in sorted(by_teacher.items())}
        self.atom_resources = {atom: Resource(f"students {atom}", tuple(ids), frozenset(atom_off.get(atom, ())))
                               for atom, ids in sorted(by_atom.items())}
        self._cache: dict[tuple, Any] = {}
        self.x: dict[int, dict[int, Any]] = {}
        self.cover: dict[int, dict[int, list[Any]]] = {}
        self.penalties: list[tuple[int, Any]] = []

    # --- slots and starts ------------------------------------------------------------------------

    def slot(self, day: int, hour: int) -> int:
        return day * self.hours + hour

    def in_day_starts(self, ident: int) -> list[int]:
        length = self.duration[ident]
        return [self.slot(d, h) for d in range(self.days) for h in range(self.hours - length + 1)]

    def covered(self, ident: int, start: int) -> range:
        return range(start, start + self.duration[ident])

    def rule_activities(self, rule: TimeRule) -> list[int]:
        tt = self.tt
        if rule.kind == "BreakTimes":
            return [a.id for a in tt.activities]
        if rule.kind == "TeacherNotAvailableTimes":
            return list(self.teacher_resources[rule.teacher].activities) if rule.teacher in self.teacher_resources else []
        if rule.kind == "StudentsSetNotAvailableTimes":
            atoms = tt.atoms_of([rule.students])
            return [a.id for a in tt.activities if tt.atoms_of(a.students) & atoms]
        return [a for a in rule.activities if a in self.duration]

    def forbidden_starts(self, rule: TimeRule) -> dict[int, set[int]]:
        """The in-day starts a unary rule rules out, by activity."""
        slots = {self.slot(d, h) for d, h in rule.slots}
        result: dict[int, set[int]] = {}
        for ident in self.rule_activities(rule):
            if rule.kind == "PreferredStartingTimes":
                bad = {s for s in self.in_day_starts(ident) if s not in slots}
            elif rule.kind == "PreferredTimeSlots":
                bad = {s for s in self.in_day_starts(ident) if any(c not in slots for c in self.covered(ident, s))}
            else:
                bad = {s for s in self.in_day_starts(ident) if any(c in slots for c in self.covered(ident, s))}
            if bad:
                result[ident] = bad
        return result

    def allowed_starts(self) -> dict[int, list[int]]:
        allowed = {a.id: set(self.in_day_starts(a.id)) for a in self.tt.activities}
        if not self.explain:
            for rule in self.tt.rules:
                if rule.hard and rule.kind in families.UNARY:
                    for ident, bad in self.forbidden_starts(rule).items():
                        allowed[ident] -= bad
            for _ in range(2):  # a hard same-start group can start only where all of it can
                for rule in self.tt.rules:
                    if rule.hard and rule.kind == "ActivitiesSameStartingTime":
                        ids = [a for a in rule.activities if a in allowed]
                        common = set.intersection(*(allowed[a] for a in ids)) if ids else set()
                        for a in ids:
                            allowed[a] = set(common)
        return {ident: sorted(starts) for ident, starts in allowed.items()}

    # --- building ---------------------------------------------------------------------------------

    def build(self, allowed: dict[int, list[int]]) -> None:
        m = self.model
        for a in self.tt.activities:
            self.x[a.id] = {s: m.NewBoolVar(f"a{a.id}@{s}") for s in allowed[a.id]}
            m.AddExactlyOne(self.x[a.id].values())
            cover: dict[int, list[Any]] = defaultdict(list)
            for s, lit in self.x[a.id].items():
                for c in self.covered(a.id, s):
                    cover[c].append(lit)
            self.cover[a.id] = cover
        self.no_clash()

    def no_clash(self) -> None:
        """BasicCompulsoryTime: a teacher, and a student subgroup, is in one activity at a time."""
        every = list(self.teacher_resources.values()) + list(self.atom_resources.values())
        full = {frozenset(r.activities): self.breaks | r.off for r in every if self.is_full(r)}
        groups = {frozenset(r.activities) for r in self.teacher_resources.values()}
        atom_sets = {frozenset(r.activities) for r in self.atom_resources.values()}
        # A subgroup whose activities are all another's adds nothing (a year without groups, say).
        largest = sorted(atom_sets, key=len, reverse=True)
        for candidate in largest:
            if not any(candidate < other for other in largest if len(other) > len(candidate)):
                groups.add(candidate)
        for ids in sorted(groups | set(full), key=lambda g: sorted(g)):
            by_slot: dict[int, list[Any]] = defaultdict(list)
            for a in sorted(ids):
                for s, lits in self.cover[a].items():
                    by_slot[s] += lits
            for s, lits in sorted(by_slot.items()):
                if ids in full and s not in full[ids]:
                    # Every hour it may use is taken: exactly one, which propagates far better.
                    self.model.AddExactlyOne(lits)
                elif len(lits) > 1:
                    self.model.AddAtMostOne(lits)

    def is_full(self, resource: Resource) -> bool:
        """Whether a teacher's or subgroup's activities fill every hour it has (no break, not unavailable)."""
        need = sum(self.duration[a] for a in resource.activities)
        return need == self.days * self.hours - len(self.breaks | resource.off)

    def post(self, rule: TimeRule, on: Any) -> None:
        families.FAMILIES[rule.kind](self, rule, on)

    # --- what families ask for --------------------------------------------------------------------

    def resources(self, rule: TimeRule) -> list[Resource]:
        if rule.kind.startswith("Teacher"):
            if rule.teacher:
                return [self.teacher_resources[rule.teacher]] if rule.teacher in self.teacher_resources else []
            return list(self.teacher_resources.values())
        atoms = sorted(self.tt.atoms_of([rule.students])) if rule.students else sorted(self.atom_resources)
        merged = {(r.activities, r.off): r for r in (self.atom_resources[a] for a in atoms if a in self.atom_resources)}
        return [merged[k] for k in sorted(merged, key=lambda k: (k[0], sorted(k[1])))]

    def starts_on_day(self, ident: int, day: int) -> list[Any]:
        low, high = self.slot(day, 0), self.slot(day, self.hours)
        return [lit for s, lit in self.x[ident].items() if low <= s < high]

    def busy(self, resource: Resource, slot: int) -> Any:
        key = ("busy", resource.activities, slot)
        if key not in self._cache:
            lits = [lit for a in resource.activities for lit in self.cover[a].get(slot, ())]
            if not lits:
                self._cache[key] = 0
            elif len(lits) == 1:
                self._cache[key] = lits[0]
            else:
                b = self.model.NewBoolVar("")
                self.model.Add(b == sum(lits))
                self._cache[key] = b
        return self._cache[key]

    def day_used(self, resource: Resource, day: int) -> Any:
        key = ("used", resource.activities, day)
        if key not in self._cache:
            lits = [lit for a in resource.activities for lit in self.starts_on_day(a, day)]
            if not lits:
                self._cache[key] = 0
            else:
                used = self.model.NewBoolVar("")
                for lit in lits:
                    self.model.AddImplication(lit, used)
                self.model.Add(used <= sum(lits))
                self._cache[key] = used
        return self._cache[key]

    def hours_on_day(self, resource: Resource, day: int) -> Any:
        terms = [self.duration[a] * lit for a in resource.activities for lit in self.starts_on_day(a, day)]
        return sum(terms) if terms else None

    def counted_hours(self, resource: Resource, day: int) -> list[int]:
        """The slots of a day that count for gaps and beginnings: not breaks, not the resource's unavailable hours."""
        return [s for s in range(self.slot(day, 0), self.slot(day, self.hours))
                if s not in self.breaks and s not in resource.off]

    def gaps_on_day(self, resource: Resource, day: int) -> list[Any]:
        key = ("gaps", resource.activities, resource.off, day)
        if key in self._cache:
            return self._cache[key]
        busy = [self.busy(resource, s) for s in self.counted_hours(resource, day)]
        gaps: list[Any] = []
        if sum(1 for b in busy if not isinstance(b, int)) >= 2 and len(busy) >= 3:
            m = self.model
            # started[i]/ending[i]: some lesson at or before/after counted hour i; a gap is an idle
            # counted hour with both. Defined exactly (not only bounded) so the solver propagates both ways.
            started = [m.NewBoolVar("") for _ in busy]
            ending = [m.NewBoolVar("") for _ in busy]
            for i, b in enumerate(busy):
                m.Add(started[i] >= b)
                m.Add(ending[i] >= b)
                if i:
                    m.Add(started[i] >= started[i - 1])
                    m.Add(started[i] <= started[i - 1] + b)
                else:
                    m.Add(started[i] <= b)
            for i in range(len(busy) - 1, -1, -1):
                if i < len(busy) - 1:
                    m.Add(ending[i] >= ending[i + 1])
                    m.Add(ending[i] <= ending[i + 1] + busy[i])
                else:
                    m.Add(ending[i] <= busy[i])
            for i in range(1, len(busy) - 1):
                g = m.NewBoolVar("")
                m.Add(g >= started[i - 1] + ending[i + 1] - busy[i] - 1)
                m.Add(g <= started[i - 1])
                m.Add(g <= ending[i + 1])
                m.Add(g <= 1 - busy[i])
                gaps.append(g)
        self._cache[key] = gaps
        return gaps

    def forbid_gaps(self, resource: Resource, day: int, on: Any) -> None:
        """No gap on a day: after a lesson and an idle counted hour, no later lesson (exact, and propagates well)."""
        busy = [self.busy(resource, s) for s in self.counted_hours(resource, day)]
        for i in range(len(busy) - 2):
            if isinstance(busy[i], int):
                continue
            for k in range(i + 2, len(busy)):
                if isinstance(busy[k], int):
                    continue
                clause = [busy[i].Not(), busy[k].Not()] + ([] if isinstance(busy[i + 1], int) else [busy[i + 1]])
                constraint = self.model.AddBoolOr(clause)
                if on is not None:
                    constraint.OnlyEnforceIf(on)

    # --- reading ----------------------------------------------------------------------------------

    def placements(self, solver: cp_model.CpSolver) -> dict[int, int]:
        return {ident: next(s for s, lit in starts.items() if solver.BooleanValue(lit)) for ident, starts in self.x.items()}


def describe(tt: ExplicitTimetable, rule: TimeRule) -> tuple[str, str]:
    """A rule in the user's words (FET's names for kinds, teachers and student sets), en and zh."""
    who = []
    if rule.teacher:
        who.append(f"teacher {rule.teacher}")
    if rule.students:
        who.append(f"students {rule.students}")
    if rule.activities:
        shown = ", ".join(str(a) for a in rule.activities[:6]) + (" …" if len(rule.activities) > 6 else "")
        who.append(f"activities {shown}")
    if rule.kind.startswith("Teacher") and not rule.teacher and rule.kind != "TeacherNotAvailableTimes":
        who.append("every teacher")
    if rule.kind.startswith("Students") and not rule.students and rule.kind != "StudentsSetNotAvailableTimes":
        who.append("every student set")
    value = "" if rule.value is None else f", value {rule.value}"
    slots = f", {len(rule.slots)} slots" if rule.slots else ""
    en = f"{rule.kind} ({rule.weight:g}%) for {'; '.join(who) or 'all activities'}{value}{slots}"
    zh_who = "；".join(w.replace("teacher ", "教师 ").replace("students ", "学生 ").replace("activities ", "活动 ")
                      .replace("every teacher", "全体教师").replace("every student set", "全体学生") for w in who)
    zh = f"{rule.kind}（权重 {rule.weight:g}%），对象：{zh_who or '全部活动'}" + \
        ("" if rule.value is None else f"，数值 {rule.value}") + (f"，{len(rule.slots)} 个时段" if rule.slots else "")
    return en, zh


def capacity_conflicts(ctx: ExplicitModel, allowed: dict[int, list[int]]) -> list[Conflict]:
    """Conflicts found by counting, before any search: an activity with nowhere to start, more hours than hours free."""
    found = []
    for ident, starts in allowed.items():
        if not starts:
            a = ctx.tt.activity_by_id[ident]
            found.append(Conflict(kind="activity", ref=str(ident),
                                  en=f"activity {ident} ({a.subject}, {'+'.join(a.teachers) or 'no teacher'}, "
                                     f"{'+'.join(a.students) or 'no students'}) has no hour left where it may start: "
                                     "its breaks, not-available and preferred times exclude every one",
                                  zh=f"活动 {ident}（{a.subject}，{'+'.join(a.teachers) or '无教师'}，"
                                     f"{'+'.join(a.students) or '无学生'}）没有可开始的时段：休息、不可用与指定时间排除了全部时段"))
    for resource in list(ctx.teacher_resources.values()) + list(ctx.atom_resources.values()):
        need = sum(ctx.duration[a] for a in resource.activities)
        free = ctx.days * ctx.hours - len(ctx.breaks | resource.off)
        if need > free:
            found.append(Conflict(kind="capacity", ref=resource.name,
                                  en=f"{resource.name} has {need} hours of activities but only {free} free hours a week "
                                     "(BasicCompulsoryTime with breaks and not-available times)",
                                  zh=f"{resource.name.replace('teacher', '教师').replace('students', '学生')} 每周有 {need} 课时的活动，"
                                     f"但只有 {free} 个空闲课时（BasicCompulsoryTime 与休息、不可用时间）"))
    return found


def _solver(seed: int, deterministic: float, wall: float, workers: int, feasibility: bool,
            race: bool = False) -> cp_model.CpSolver:
    """Deterministic by default: one worker, or several interleaved, limited by deterministic time.

    With ``race`` several workers race as CP-SAT's portfolio, wall-limited: on FET's examples that
    found timetables 10x sooner than one worker or interleaved workers (Brazil: 3 s against none in
    30 s), but its result can differ run to run, so it is opt-in (``race=True``: the
    benchmark against fet-cl).
    """
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.random_seed = seed
    p.num_workers = max(1, workers)
    if workers <= 1 or not race:
        p.max_deterministic_time = max(0.1, deterministic)
    if workers > 1 and not race:
        p.interleave_search = True
    p.max_time_in_seconds = max(0.1, wall)
    if feasibility:
        p.linearization_level = 0  # 5-10x faster to a first timetable on our samples (SOLVER-NOTES.md)
    return solver


@dataclass
class ExplicitRun:
    """Timings and status of the phases, for benchmarks."""

    build_seconds: float = 0.0
    feasible_seconds: float = 0.0
    improve_seconds: float = 0.0
    phase1_status: str = ""


def explain(tt: ExplicitTimetable, seed: int, wall: float) -> list[Conflict]:
    """Hard rules the solver names as not holding together (a sufficient set, not always minimal)."""
    ctx = ExplicitModel(tt, explain=True)
    ctx.build(ctx.allowed_starts())
    literals: dict[int, tuple[Any, TimeRule]] = {}
    for number, rule in enumerate(tt.rules):
        if rule.hard:
            lit = ctx.model.NewBoolVar(f"rule{number}")
            ctx.post(rule, lit)
            literals[lit.Index()] = (lit, rule)
    ctx.model.AddAssumptions([lit for lit, _ in literals.values()])
    solver = _solver(seed, EXPLAIN_TIME, wall, 1, True)
    status = solver.Solve(ctx.model)
    if status != cp_model.INFEASIBLE:
        return [Conflict(kind="unexplained", ref="", en="no timetable exists, but naming the conflicting rules took too long",
                         zh="不存在可行课表，但在时限内未能指出互相冲突的规则")]
    core = [literals[i][1] for i in solver.SufficientAssumptionsForInfeasibility() if i in literals]
    if not core:
        return [Conflict(kind="BasicCompulsoryTime", ref="",
                         en="teachers' and students' activities cannot all fit without clashes (BasicCompulsoryTime alone)",
                         zh="教师与学生的活动无法全部无冲突地排入（仅 BasicCompulsoryTime 即不可行）")]
    return [Conflict(kind=rule.kind, ref="", en=describe(tt, rule)[0], zh=describe(tt, rule)[1]) for rule in core]


#: Deterministic seconds the reproducible single worker gets first when several workers are asked for.
REPRODUCIBLE_FIRST = 10.0


def solve_explicit(scenario: Scenario, *, time_limit: float = 60.0, seed: int = 0, workers: int = 2,
                   optimize: bool = True, wall_limit: float | None = None, run: ExplicitRun | None = None,
                   reproducible_first: bool = True, race: bool = False) -> Any:
    """Solve an imported scenario; returns ``scheduler.timetable.solve.SolveResult``.

    With one worker ``time_limit`` is deterministic time (reproducible) and ``wall_limit`` (default
    4x + 30 s) the safety net; with more, both limit wall seconds (see ``_solver``).
    ``optimize=False`` stops at the first timetable that meets every hard rule. With several workers
    and ``reproducible_first``, one deterministic worker tries first (a quarter of the limit, at most
    ``REPRODUCIBLE_FIRST``), so that whatever it finds is the same every run; only then the race
    (with ``race``; otherwise interleaved workers, reproducible too).
    """
    from scheduler.timetable.solve import SolveResult

    tt = scenario.explicit
    assert tt is not None
    run = run if run is not None else ExplicitRun()
    wall = wall_limit if wall_limit is not None else 4 * time_limit + 30
    started = time.perf_counter()
    ctx = ExplicitModel(tt)
    allowed = ctx.allowed_starts()
    school = scenario.schools[0].id if scenario.schools else "school"
    conflicts = capacity_conflicts(ctx, allowed)
    if conflicts:
        run.build_seconds, run.phase1_status = time.perf_counter() - started, "infeasible"
        part = PartReport(id="fet", schools=(school,), status="infeasible")
        return SolveResult(status="infeasible", solution=None, parts=(part,), explanation=tuple(conflicts))
    ctx.build(allowed)
    for rule in tt.rules:
        if rule.hard and rule.kind not in families.UNARY:
            ctx.post(rule, None)
    run.build_seconds = time.perf_counter() - started
    soft = [r for r in tt.rules if not r.hard and r.weight > 0] if optimize else []
    share = FEASIBILITY_SHARE if soft else 1.0
    status = cp_model.UNKNOWN
    if workers > 1 and reproducible_first and race:
        first = min(REPRODUCIBLE_FIRST, time_limit * share / 4)
        solver = _solver(seed, first, wall * share, 1, True)
        status = solver.Solve(ctx.model)
    if status == cp_model.UNKNOWN:
        spent = time.perf_counter() - started - run.build_seconds
        budget = (wall if workers <= 1 or not race else min(wall, time_limit)) * share - spent
        solver = _solver(seed, time_limit * share, max(1.0, budget), workers, True, race)
        status = solver.Solve(ctx.model)
    run.feasible_seconds = time.perf_counter() - started - run.build_seconds
    name = STATUS_NAMES[status]
    run.phase1_status = name
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        explanation: tuple[Conflict, ...] = ()
        if status == cp_model.INFEASIBLE:
            explanation = tuple(explain(tt, seed, max(5.0, wall - (time.perf_counter() - started))))
        part = PartReport(id="fet", schools=(school,), status=name, wall_seconds=round(time.perf_counter() - started, 3))
        return SolveResult(status=name, solution=None, parts=(part,), explanation=explanation)
    placed = ctx.placements(solver)
    # Without soft rules any timetable is optimal (objective 0); with them, unknown until phase 2 reports.
    objective: float | None = None if soft else 0.0
    bound: float | None = None if soft else 0.0
    name = "feasible" if soft else "optimal"
    if soft:
        left = max(0.1, time_limit - solver.deterministic_time)
        terms = []
        for rule in soft:
            violated = ctx.model.NewBoolVar("")
            ctx.post(rule, violated.Not())
            terms.append(int(round(rule.weight)) * violated)
        ctx.model.Minimize(sum(terms))
        for ident, s in placed.items():
            for start, lit in ctx.x[ident].items():
                ctx.model.AddHint(lit, start == s)
        wall_left = (wall if workers <= 1 or not race else min(wall, time_limit)) - (time.perf_counter() - started)
        improve = _solver(seed, left, max(1.0, wall_left), workers, False, race)
        t0 = time.perf_counter()
        status2 = improve.Solve(ctx.model)
        run.improve_seconds = time.perf_counter() - t0
        if status2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            placed = ctx.placements(improve)
            objective, bound = improve.ObjectiveValue(), improve.BestObjectiveBound()
            name = STATUS_NAMES[status2]
    lessons = tuple(sorted((lesson(tt, ident, s, ctx.hours, school) for ident, s in placed.items()),
                           key=lambda x: (x.day.index, x.period, x.key)))
    gap = None if objective is None or bound is None else (
        0.0 if objective == bound else abs(objective - bound) / max(1.0, abs(objective)))
    part = PartReport(id="fet", schools=(school,), status=name, objective=objective, bound=bound, gap=gap,
                      wall_seconds=round(time.perf_counter() - started, 3))
    written = part.model_copy(update={"wall_seconds": None})
    solution = Solution(district=scenario.district, seed=seed, lessons=lessons, parts=(written,))
    return SolveResult(status=name, solution=solution, parts=(part,), objective=objective, bound=bound, gap=gap)


def lesson(tt: ExplicitTimetable, ident: int, start: int, hours: int, school: str) -> LessonPlacement:
    a = tt.activity_by_id[ident]
    day, hour = divmod(start, hours)
    return LessonPlacement(key=f"A{ident}", class_id=" + ".join(a.students) or "-", school=school, subject=a.subject,
                           teacher=" + ".join(a.teachers), day=Weekday.of_index(day), period=hour + 1, length=a.duration)
