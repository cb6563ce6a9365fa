"""The CP-SAT exchange planner: who goes where in which school year (交流轮岗多年规划).

Model (one boolean per teacher, host school and school year the teacher may start a placement in):

- a teacher may start only in a year they are *eligible*: not exempt (exchange_teachers.csv, or
  within ``retirement_exempt_years`` of ``retirement_age``) and at least ``eligibility_years`` at the
  school. A rotation restarts the count: a teacher placed in year k for P years returns in year
  k+P with 0 years, so starts of one teacher are at least P + eligibility_years apart;
- hosts are schools of the teacher's consortium, in an allowed direction (by the roles: lead → member
  支教, member → lead 跟岗, member ↔ member; centre schools count as members), teaching at least one
  of the teacher's subjects, within the teacher's travel limit and among their preferred schools;
- ratio: in each unit of ``ratio_scope`` and year, rotated × D ≥ R × eligible (ratio R/D), which is
  rotated ≥ ceil(ratio × eligible); backbone rotated ≥ ceil(backbone_share × rotated);
- coverage: in every school, subject group and year, the weekly capacity of the teachers present
  (home teachers not away, shared teachers via also_schools, incoming placed teachers) is at least
  the curriculum demand of its classes (periods received by sync lessons excluded), or, where the
  school is already short, no less than it was. Groups are each subject, each set of subjects one
  teacher teaches together (music and art: one teacher's week cannot serve both in full), and all
  subjects; a teacher's capacity for a group is what is left of max_weekly after what an arriving
  teacher must take over of a subject no teacher of the host teaches (Facts.takeover), rounded down
  to whole classes of the group's subjects that teacher teaches there (three 4-period PE classes fit
  in 15 periods, not 3.75), and at most the school's demand in those subjects (Facts.capacity);
- itinerant posts: in every year, the post teachers still there have the weekly room for the classes
  only posts teach, per group of posts as scheduler.itinerant solves them (PostGroup);
- hand-over: the classes of every school a placement touches can be dealt out whole to the teachers
  present (scheduler.exchange.handover.reassigned); where a plan's cannot, the part is planned again
  (at most MAX_HANDOVER_ROUNDS times) with the subject sets found short added as coverage groups
  (short_groups), or else that combination of moves cut off; then the itinerant posts' assignment is
  run for every year (handover.uncovered_posts) and combinations leaving classes uncovered are cut
  off (at most MAX_ITINERANT_ROUNDS times), so the year scenarios can be timetabled (PartPlanner, solve);
- fairness: nobody starts a second rotation while an eligible colleague at the same home school has
  not rotated once (only matters when the plan is longer than P + eligibility_years).

Objective (minimised): missing teachers against school_needs.csv (1000 each), rotations above a
unit-year's requirement (200 each: the plan rotates steadily, year by year), and per placement 50,
minus 30 when it brings a shortage subject to a member school (shortage subjects first), minus the
teacher's years at the school up to 20 (the longest-serving go first), plus travel minutes / 10.
Backbone: ceil(share × rotated) backbone teachers, or every eligible backbone teacher of the unit
when there are fewer (a village school without backbone teachers can still rotate).

Placements stay inside a consortium, so unless the ratio is county-wide each consortium (joined with
any other it shares teachers with through also_schools) is a separate, much smaller model. Each is
solved in two phases with a share of the effort (deterministic time, scheduler.exchange.search): phase
A finds the fewest missing rotations against the ratios (0 when they can be met); phase B fixes that
number and optimises the rest. When phase A cannot reach 0 the plan is returned with an explanation
naming schools and subjects. A part whose plan still cannot be handed over is ``not_found``: the plan
is returned for diagnosis, and publish_plan never writes it.
"""

from __future__ import annotations

import itertools
import math
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
from ortools.sat.python import cp_model

from models import Scenario, Teacher
from models.assignment import received_periods
from models.enums import SchoolRole
from models.exchange_files import load_exchange_inputs, ratio_fraction
from models.exchange_inputs import Direction, ExchangeInputs, RatioScope, unit_of
from models.status import Status
from scheduler.exchange.plan import ExchangePlan, Placement, SchoolSummary, UnitSummary
from scheduler.exchange.search import DEFAULT_EFFORT, Search
from scheduler.itinerant.demand import can_take, travellers, uncovered_units

W_NEED = 1000
W_EXCESS = 200
W_ROTATION = 50
W_COVER = 30
MAX_TENURE_BONUS = 20
#: Plans re-solved with a cut when a school's classes cannot be dealt out in a year (see solve_part).
MAX_HANDOVER_ROUNDS = 4


# --- facts the model is built from ------------------------------------------------------------

@dataclass(frozen=True)
class PostGroup:
    """Itinerant teachers and the classes only they can teach, joined by who can reach what (the groups
    scheduler.itinerant solves apart): in every year the room of the post teachers still there must hold
    the classes' periods. ``room`` is each teacher's weekly periods for travelling (max_weekly less their
    own classes, within days × max_daily)."""

    posts: tuple[str, ...]
    subjects: tuple[str, ...]
    schools: tuple[str, ...]
    room: tuple[tuple[str, int], ...]
    periods: int

    @property
    def required(self) -> int:
        return min(self.periods, sum(r for _t, r in self.room))


#: A set of subjects whose periods the present teachers must be able to give together; None: all subjects.
Group = frozenset[str] | None

@dataclass
class Facts:
    """Everything derived from the inputs once, keyed by domain ids."""

    inputs: ExchangeInputs
    years: tuple[int, ...]
    demand: dict[tuple[str, str], int] = field(default_factory=dict)
    able: dict[str, list[Teacher]] = field(default_factory=dict)
    base_elig: dict[str, tuple[bool, ...]] = field(default_factory=dict)
    hosts: dict[str, list[tuple[str, Direction]]] = field(default_factory=dict)
    no_host_reason: dict[str, tuple[str, str]] = field(default_factory=dict)
    short: dict[str, set[str]] = field(default_factory=dict)
    coverage_groups: dict[str, list[Group]] = field(default_factory=dict)
    #: school -> {subject: weekly periods} of the subjects it teaches that none of its own teachers does
    #: (an itinerant post or a sync lesson gives them); see Facts.takeover
    unowned: dict[str, dict[str, int]] = field(default_factory=dict)
    #: (school, subject) -> local weekly periods of each of its classes (class_subject_periods)
    sizes: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    #: itinerant posts' coverage, kept every year (post_groups)
    posts: list[PostGroup] = field(default_factory=list)
    _usable: dict[tuple[str, str, Group], int] = field(default_factory=dict, repr=False)

    @property
    def scenario(self) -> Scenario:
        return self.inputs.scenario

    @property
    def window(self) -> int:
        """Two starts of one teacher are at least this many years apart (placement + eligibility)."""
        s = self.inputs.settings
        return s.placement_years + s.eligibility_years

    def groups(self, school: str) -> list[Group]:
        """The subject groups whose coverage is kept at ``school``: each subject it teaches, each set of
        subjects one of its teachers teaches together (a music-and-art teacher cannot give music periods
        and art periods at once), the smaller sets a failed hand-over added (add_group), and everything (None)."""
        return self.coverage_groups.get(school, [None])

    def add_group(self, school: str, group: Group) -> None:
        """Keep ``group``'s coverage at ``school`` from now on (before the all-subjects group, which stays last)."""
        groups = self.coverage_groups.setdefault(school, [None])
        if group in groups:
            return
        groups.insert(len(groups) - 1 if groups and groups[-1] is None else len(groups), group)

    def usable(self, teacher: Teacher, school: str, group: Group) -> int:
        """Weekly periods ``teacher`` can give to ``group`` at ``school`` (cached; see Facts.capacity)."""
        key = (teacher.id, school, group)
        if key not in self._usable:
            self._usable[key] = self.capacity(teacher, school, group)
        return self._usable[key]

    def capacity(self, teacher: Teacher, school: str, group: Group) -> int:
        """Weekly periods ``teacher`` can give to ``group`` at ``school``: what is left of max_weekly after the
        classes they must take over (Facts.takeover), rounded down to whole classes when the classes of the
        group's subjects they teach there come in one size step (15 periods hold three 4-period PE classes,
        not 3.75; a teacher of 2-period activity classes gives 14 of 15), and no more than the school needs
        of those subjects (an IT teacher arriving adds the IT periods to an English-art-IT group, not a
        whole week). The step is the teacher's own: a colleague who also teaches 1-period IT classes can
        fill a week that one teaching only the 2-period classes cannot."""
        unowned = self.unowned.get(school, {})
        mine = (set(teacher.subjects) if group is None else set(teacher.subjects) & group) - set(unowned)
        sizes = [n for j in sorted(mine) for n in self.sizes.get((school, j), [])]
        if not sizes:
            return 0
        step = math.gcd(*sizes)
        room = max(0, teacher.max_weekly - self.takeover(teacher, school))
        return min(room // step * step, sum(sizes))

    def takeover(self, teacher: Teacher, school: str) -> int:
        """Weekly periods a teacher placed at ``school`` takes on before anything else: every class there of
        a subject they teach that no teacher of the school does. ``tongbu solve`` gives such a class to
        the school's own teachers of the subject once there are any, and no longer to the itinerant
        post (scheduler/itinerant): a music teacher arriving where music came by post teaches it all."""
        unowned = self.unowned.get(school, {})
        return sum(unowned.get(j, 0) for j in teacher.subjects)

    def required(self, school: str, group: Group, cached: bool = True) -> int:
        """Weekly periods the present teachers must be able to give: the demand, or the base capacity if less."""
        demand = sum(d for (s, j), d in self.demand.items() if s == school and (group is None or j in group))
        give = self.usable if cached else self.capacity
        base = sum(give(t, school, group) for t in self.able[school])
        return min(demand, base)

    def tenure(self, teacher: Teacher, k: int) -> int:
        return (teacher.years_at_school or 0) + k


def class_subject_periods(scenario: Scenario) -> dict[tuple[str, str], list[int]]:
    """Per (school, subject), the local weekly periods of each of its classes (sync-received excluded)."""
    received = received_periods(scenario)
    sizes: dict[tuple[str, str], list[int]] = defaultdict(list)
    for klass in scenario.classes:
        for entry in scenario.class_curriculum(klass.id):
            local = entry.periods - received.get((klass.id, entry.subject), 0)
            if local > 0:
                sizes[(klass.school, entry.subject)].append(local)
    return dict(sizes)


def coverage_groups(facts: Facts) -> None:
    """Fill ``facts.coverage_groups`` and ``facts.step`` (see Facts.groups and Facts.usable): each subject,
    each set of subjects one teacher combines, everything. Smaller sets of a teacher's subjects are
    added when a plan shows one short (solve_part, short_groups)."""
    for school, teachers in facts.able.items():
        taught = {j for (s, j), d in facts.demand.items() if s == school and d > 0}
        groups: set[frozenset[str]] = {frozenset((j,)) for j in taught}
        groups |= {frozenset(set(t.subjects) & taught) for t in teachers if len(set(t.subjects) & taught) > 1}
        facts.coverage_groups[school] = []
        for group in [*sorted(groups, key=lambda g: (len(g), sorted(g))), None]:
            facts.add_group(school, group)


#: A teacher's subjects combine into every subset up to this many subjects; beyond, only the whole set.
MAX_GROUP_SUBJECTS = 5


def subject_sets(combined: frozenset[str]) -> set[frozenset[str]]:
    """The sets of two or more of one teacher's subjects (all of them past MAX_GROUP_SUBJECTS)."""
    if len(combined) < 2:
        return set()
    if len(combined) > MAX_GROUP_SUBJECTS:
        return {combined}
    ordered = sorted(combined)
    return {frozenset(c) for r in range(2, len(ordered) + 1) for c in itertools.combinations(ordered, r)}


def direction_of(scenario: Scenario, home: str, host: str) -> Direction:
    home_lead = scenario.school_by_id[home].role == SchoolRole.LEAD
    host_lead = scenario.school_by_id[host].role == SchoolRole.LEAD
    if home_lead and not host_lead:
        return Direction.LEAD_TO_MEMBER
    if host_lead and not home_lead:
        return Direction.MEMBER_TO_LEAD
    return Direction.MEMBER_TO_MEMBER


def base_eligibility(inputs: ExchangeInputs, teacher: Teacher, years: tuple[int, ...]) -> tuple[bool, ...]:
    s = inputs.settings
    info = inputs.teachers.get(teacher.id)
    if teacher.years_at_school is None or (info is not None and info.exempt):
        return tuple(False for _ in years)
    result = []
    for k, year in enumerate(years):
        near_retirement = (teacher.birth_year is not None and s.retirement_exempt_years > 0
                           and year - teacher.birth_year >= s.retirement_age - s.retirement_exempt_years)
        result.append(not near_retirement and teacher.years_at_school + k >= s.eligibility_years)
    return tuple(result)


def allowed_hosts(facts: Facts, teacher: Teacher) -> tuple[list[tuple[str, Direction]], tuple[str, str]]:
    """Hosts a teacher may go to, and (en, zh) why there is none when the list is empty."""
    scenario, settings = facts.scenario, facts.inputs.settings
    info = facts.inputs.teachers.get(teacher.id)
    home = scenario.school_by_id[teacher.school]
    others = [s for s in scenario.schools if s.consortium == home.consortium and s.place != home.place]
    if not others:
        return [], (f"{home.name} has no other school in its consortium", f"{home.name} 所在共同体没有其他学校")
    directed = [(s, direction_of(scenario, home.id, s.id)) for s in others]
    directed = [(s, d) for s, d in directed if d in settings.directions]
    if not directed:
        allowed = ", ".join(d.value for d in settings.directions) or "-"
        return [], (f"no allowed direction leaves a {home.role.value} school (directions: {allowed})",
                    f"允许的交流方向（{allowed}）不含从{_role_zh(home.role)}出发的方向")
    teaching = [(s, d) for s, d in directed if any(facts.demand.get((s.id, j), 0) for j in teacher.subjects)]
    if not teaching:
        return [], ("no school they may go to teaches their subjects", "可去的学校都不开设其任教学科")
    hosts = [(s, d) for s, d in teaching if facts.takeover(teacher, s.id) <= teacher.max_weekly]
    if not hosts:
        return [], ("at every possible host they would have to take over more classes of a subject nobody "
                    "there teaches than their max_weekly allows",
                    "在每所可去的学校，他们都须接手该校无人任教学科的全部课，超过其周课时上限")
    if info is not None and info.max_travel_minutes is not None:
        hosts = [(s, d) for s, d in hosts if (m := scenario.travel_minutes(home.id, s.id)) is not None
                 and m <= info.max_travel_minutes]
        if not hosts:
            return [], (f"no possible host is within their {info.max_travel_minutes} travel minutes",
                        f"通勤 {info.max_travel_minutes} 分钟内没有可去的学校")
    if info is not None and info.preferred_schools:
        hosts = [(s, d) for s, d in hosts if s.id in info.preferred_schools]
        if not hosts:
            return [], (f"none of their preferred schools ({', '.join(info.preferred_schools)}) is a possible host",
                        f"意向学校（{'、'.join(info.preferred_schools)}）都不是可去的学校")
    return sorted(((s.id, d) for s, d in hosts), key=lambda h: h[0]), ("", "")


def _role_zh(role: SchoolRole) -> str:
    return {"lead": "牵头学校", "centre": "中心学校", "member": "成员学校"}.get(role.value, role.value)


def shortage_subjects(scenario: Scenario, inputs: ExchangeInputs, demand: dict[tuple[str, str], int],
                      able: dict[str, list[Teacher]]) -> dict[str, set[str]]:
    """Per member school, the subjects a placed teacher would help most: shortage subjects, needs, or short."""
    flagged = {s.id for s in scenario.subjects if s.shortage}
    needed = {(n.school, n.subject) for n in inputs.needs}
    result: dict[str, set[str]] = {}
    for school in scenario.schools:
        if school.role == SchoolRole.LEAD:
            continue
        subjects = set()
        for (s, j), d in demand.items():
            if s != school.id or d <= 0:
                continue
            cap = sum(t.max_weekly for t in able[s] if j in t.subjects)
            if j in flagged or (s, j) in needed or cap < d:
                subjects.add(j)
        result[school.id] = subjects
    return result


def post_groups(scenario: Scenario) -> list[PostGroup]:
    """The itinerant posts' groups (see PostGroup), from the scenario as it stands."""
    people, units = travellers(scenario), uncovered_units(scenario)
    graph = nx.Graph()
    graph.add_nodes_from(("t", p.id) for p in people)
    for person in people:
        for unit in units:
            if can_take(person, unit):
                graph.add_edge(("t", person.id), ("u", unit.class_id, unit.subject))
    by_id = {p.id: p for p in people}
    unit_by = {(u.class_id, u.subject): u for u in units}
    groups = []
    for component in sorted((sorted(c) for c in nx.connected_components(graph)), key=lambda c: c[0]):
        staff = [by_id[n[1]] for n in component if n[0] == "t"]
        served = [unit_by[(n[1], n[2])] for n in component if n[0] == "u"]
        if not staff or not served:
            continue
        groups.append(PostGroup(posts=tuple(sorted({p.post.id for p in staff})),
                                subjects=tuple(sorted({u.subject for u in served})),
                                schools=tuple(sorted({u.school for u in served})),
                                room=tuple((p.id, min(p.free, p.days * p.teacher.max_daily)) for p in staff),
                                periods=sum(u.periods for u in served)))
    return groups


def build_facts(inputs: ExchangeInputs, years: int) -> Facts:
    scenario = inputs.scenario
    school_years = tuple(inputs.settings.start_year + k for k in range(years))
    sizes = class_subject_periods(scenario)
    facts = Facts(inputs=inputs, years=school_years, demand={key: sum(n) for key, n in sizes.items()}, sizes=sizes)
    facts.able = {s.id: [] for s in scenario.schools}
    for teacher in sorted(scenario.teachers, key=lambda t: t.id):
        for school in (teacher.school, *teacher.also_schools):
            if school in facts.able and teacher not in facts.able[school]:
                facts.able[school].append(teacher)
    coverage_groups(facts)
    for (school, subject), periods in sorted(facts.demand.items()):
        if periods > 0 and school in facts.able and not any(subject in t.subjects for t in facts.able[school]):
            facts.unowned.setdefault(school, {})[subject] = periods
    facts.short = shortage_subjects(scenario, inputs, facts.demand, facts.able)
    facts.posts = post_groups(scenario)
    for teacher in sorted(scenario.teachers, key=lambda t: t.id):
        facts.base_elig[teacher.id] = base_eligibility(inputs, teacher, school_years)
        if any(facts.base_elig[teacher.id]):
            hosts, why = allowed_hosts(facts, teacher)
            facts.hosts[teacher.id] = hosts
            if not hosts:
                facts.no_host_reason[teacher.id] = why
    return facts


# --- the model ---------------------------------------------------------------------------------

@dataclass
class ExchangeModel:
    model: cp_model.CpModel
    x: dict[tuple[str, str, int], cp_model.IntVar]
    starts: dict[tuple[str, int], list[cp_model.IntVar]]
    elig: dict[tuple[str, int], cp_model.LinearExprT]
    ratio_slack: dict[tuple[str, int], cp_model.IntVar]
    backbone_slack: dict[tuple[str, int], cp_model.IntVar]
    need_gap: list[cp_model.IntVar]
    rest: cp_model.LinearExprT = 0
    excess: list[cp_model.IntVar] = field(default_factory=list)
    #: away(teacher id, year index) -> 0/1 expression; incoming[(school, year index)] -> [(teacher, 0/1 var)]
    away: Callable[[str, int], cp_model.LinearExprT] | None = None
    incoming: dict[tuple[str, int], list] = field(default_factory=dict)


def split_parts(facts: Facts) -> list[frozenset[str]]:
    """Groups of schools that can be planned apart: consortia (placements stay inside one), joined when a
    teacher shares schools across them (also_schools) — or the whole county when the ratio is county-wide."""
    scenario = facts.scenario
    if facts.inputs.settings.ratio_scope == RatioScope.COUNTY:
        return [frozenset(s.id for s in scenario.schools)]
    graph = nx.Graph()
    graph.add_nodes_from(c for c in sorted({s.consortium for s in scenario.schools}))
    for teacher in scenario.teachers:
        home = scenario.school_by_id[teacher.school].consortium
        for other in teacher.also_schools:
            graph.add_edge(home, scenario.school_by_id[other].consortium)
    parts = [frozenset(s.id for s in scenario.schools if s.consortium in group)
             for group in nx.connected_components(graph)]
    return sorted(parts, key=lambda part: min(part))


def build_model(facts: Facts, schools: frozenset[str]) -> ExchangeModel:
    """The model of one part (a set of schools closed under placements and shared teachers)."""
    scenario, settings = facts.scenario, facts.inputs.settings
    model = cp_model.CpModel()
    n = len(facts.years)
    members = sorted((t for t in scenario.teachers if t.school in schools), key=lambda t: t.id)
    x: dict[tuple[str, str, int], cp_model.IntVar] = {}
    for tid, hosts in sorted(facts.hosts.items()):
        if scenario.teacher_by_id[tid].school not in schools:
            continue
        for k, year in enumerate(facts.years):
            if facts.base_elig[tid][k]:
                for host, _direction in hosts:
                    x[(tid, host, k)] = model.new_bool_var(f"place[{tid}->{host}@{year}]")
    starts: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
    for (tid, _host, k), var in x.items():
        starts[(tid, k)].append(var)

    def start(tid: str, k: int) -> cp_model.LinearExprT:
        return sum(starts.get((tid, k), []))

    elig: dict[tuple[str, int], cp_model.LinearExprT] = {}
    for teacher in members:
        tid = teacher.id
        for k in range(n):
            # at most one start in any `window` consecutive years: the restart rule
            span = [v for j in range(k, min(n, k + facts.window)) for v in starts.get((tid, j), [])]
            if len(span) > 1:
                model.add(sum(span) <= 1)
            if not facts.base_elig[tid][k]:
                elig[(tid, k)] = 0
                continue
            earlier = [v for j in range(max(0, k - facts.window + 1), k) for v in starts.get((tid, j), [])]
            if not earlier:
                elig[(tid, k)] = 1
            else:
                e = model.new_bool_var(f"eligible[{tid}@{facts.years[k]}]")
                model.add(e >= 1 - sum(earlier))
                for v in earlier:
                    model.add(e <= 1 - v)
                elig[(tid, k)] = e

    def away(tid: str, k: int) -> cp_model.LinearExprT:
        return sum(start(tid, j) for j in range(max(0, k - settings.placement_years + 1), k + 1))

    incoming: dict[tuple[str, int], list[tuple[Teacher, cp_model.LinearExprT]]] = defaultdict(list)
    for (tid, host, k0), var in sorted(x.items()):
        for k in range(k0, min(n, k0 + settings.placement_years)):
            incoming[(host, k)].append((scenario.teacher_by_id[tid], var))

    add_coverage(model, facts, schools, away, incoming)
    add_post_coverage(model, facts, {t.id for t in members}, away)
    need_gap = add_needs(model, facts, schools, away, incoming)
    ratio_slack, backbone_slack, excess = add_ratios(model, facts, members, starts, elig)
    add_fairness(model, facts, members, starts, elig)
    rest = objective_rest(facts, x, need_gap, excess)
    return ExchangeModel(model, x, dict(starts), elig, ratio_slack, backbone_slack, need_gap, rest, excess,
                         away, dict(incoming))


def add_coverage(model: cp_model.CpModel, facts: Facts, schools: frozenset[str], away, incoming) -> None:
    for school in sorted(schools):
        for group in facts.groups(school):
            add_group_coverage(model, facts, school, group, away, incoming)


def add_post_coverage(model: cp_model.CpModel, facts: Facts, members: set[str], away) -> None:
    """In every year, the post teachers still there have the room for the classes only posts teach (a
    counting bound: the itinerant assignment also needs the days and travel to fit, see solve_part)."""
    for group in facts.posts:
        if not any(tid in members for tid, _room in group.room) or group.required <= 0:
            continue
        for k in range(len(facts.years)):
            model.add(sum(room * (1 - away(tid, k)) if tid in members else room for tid, room in group.room)
                      >= group.required)


def add_group_coverage(model: cp_model.CpModel, facts: Facts, school: str, group: Group, away, incoming) -> None:
    """In every year, the teachers present at ``school`` can give what its classes need of ``group``."""
    need = facts.required(school, group)
    if need <= 0:
        return
    for k in range(len(facts.years)):
        present = [facts.usable(t, school, group) * (1 - away(t.id, k)) for t in facts.able[school]]
        arrived = [facts.usable(t, school, group) * v for t, v in incoming.get((school, k), [])]
        model.add(sum(present) + sum(arrived) >= need)


#: Schools teaching at most this many subjects have every subject set checked when a deal fails (2^n sets).
MAX_HALL_SUBJECTS = 12
#: At most this many short subject sets are added per failed deal (the smallest first).
MAX_NEW_GROUPS = 6


def short_groups(facts: Facts, school: str, k: int, placements: list[Placement]) -> list[frozenset[str]]:
    """Sets of subjects that the teachers present at ``school`` in year index ``k`` under ``placements``
    cannot give (Hall's condition: the periods of a set of subjects need that much room among the teachers
    of those subjects), the smallest first and none containing another: e.g. an English-art-IT teacher
    leaving while IT teachers arrive leaves English and art to the one English-art-IT colleague, though
    the three subjects together still fit. Every set of the school's subjects is tried when it teaches at
    most MAX_HALL_SUBJECTS; otherwise the subsets of what each teacher teaches."""
    year = facts.years[k]
    away = {p.teacher for p in placements if p.away_in(year)}
    present = [t for t in facts.able[school] if t.id not in away]
    present += [facts.scenario.teacher_by_id[p.teacher] for p in placements if p.away_in(year) and p.host == school]
    taught = sorted({j for (s, j), d in facts.demand.items() if s == school and d > 0})
    candidates: set[frozenset[str]] = set()
    if len(taught) <= MAX_HALL_SUBJECTS:
        candidates = {frozenset(c) for r in range(2, len(taught) + 1) for c in itertools.combinations(taught, r)}
    else:
        for t in facts.able[school] + present:
            candidates |= subject_sets(frozenset(set(t.subjects) & set(taught)))
    short: list[frozenset[str]] = []
    for group in sorted(candidates - set(facts.groups(school)), key=lambda g: (len(g), sorted(g))):
        if any(found <= group for found in short):
            continue
        if sum(facts.capacity(t, school, group) for t in present) < facts.required(school, group, cached=False):
            short.append(group)
            if len(short) >= MAX_NEW_GROUPS:
                break
    return short


def add_needs(model: cp_model.CpModel, facts: Facts, schools: frozenset[str], away, incoming) -> list[cp_model.IntVar]:
    gaps = []
    for need in (n for n in facts.inputs.needs if n.school in schools):
        for k, year in enumerate(facts.years):
            present = [1 - away(t.id, k) for t in facts.able[need.school] if need.subject in t.subjects]
            arrived = [v for t, v in incoming.get((need.school, k), []) if need.subject in t.subjects]
            gap = model.new_int_var(0, need.min_teachers, f"need_gap[{need.school},{need.subject}@{year}]")
            model.add(sum(present) + sum(arrived) + gap >= need.min_teachers)
            gaps.append(gap)
    return gaps


def add_ratios(model: cp_model.CpModel, facts: Facts, teachers_in: list[Teacher], starts, elig):
    """rotated ≥ ceil(ratio × eligible); backbone ≥ ceil(share × rotated), or every eligible backbone teacher.

    Returns the slacks (phase A minimises them) and each unit-year's rotations above its requirement
    (penalised, so the plan rotates steadily instead of sending everyone in year 1, which would leave
    nobody eligible later and so, perversely, minimise the count).
    """
    scenario, settings = facts.scenario, facts.inputs.settings
    ratio, share = ratio_fraction(settings.yearly_ratio), ratio_fraction(settings.backbone_share)
    members: dict[str, list[Teacher]] = defaultdict(list)
    for teacher in teachers_in:
        members[unit_of(scenario, settings.ratio_scope, teacher.school)].append(teacher)
    ratio_slack, backbone_slack, excess = {}, {}, []
    for unit, teachers in sorted(members.items()):
        count = len(teachers)
        for k, year in enumerate(facts.years):
            rotated = sum(v for t in teachers for v in starts.get((t.id, k), []))
            backbone = sum(v for t in teachers if t.backbone for v in starts.get((t.id, k), []))
            eligible = sum(elig[(t.id, k)] for t in teachers)
            eligible_backbone = sum(elig[(t.id, k)] for t in teachers if t.backbone)
            slack = model.new_int_var(0, count, f"ratio_missing[{unit}@{year}]")
            model.add(ratio.denominator * (rotated + slack) >= ratio.numerator * eligible)
            required = model.new_int_var(0, count, f"ratio_required[{unit}@{year}]")
            model.add(ratio.denominator * required >= ratio.numerator * eligible)
            model.add(ratio.denominator * required <= ratio.numerator * eligible + ratio.denominator - 1)
            over = model.new_int_var(0, count, f"ratio_excess[{unit}@{year}]")
            model.add(over >= rotated - required)
            excess.append(over)
            bb_slack = model.new_int_var(0, count, f"backbone_missing[{unit}@{year}]")
            by_share = model.new_bool_var(f"backbone_by_share[{unit}@{year}]")
            model.add(share.denominator * (backbone + bb_slack) >= share.numerator * rotated).only_enforce_if(by_share)
            model.add(backbone + bb_slack >= eligible_backbone).only_enforce_if(by_share.Not())
            ratio_slack[(unit, k)] = slack
            backbone_slack[(unit, k)] = bb_slack
    return ratio_slack, backbone_slack, excess


def add_fairness(model: cp_model.CpModel, facts: Facts, teachers_in: list[Teacher], starts, elig) -> None:
    """A second start of t in year k needs every colleague eligible in k to have rotated by k."""
    n = len(facts.years)
    if n <= facts.window:
        return  # no teacher can start twice within the plan
    by_school: dict[str, list[Teacher]] = defaultdict(list)
    for teacher in teachers_in:
        by_school[teacher.school].append(teacher)
    for teachers in by_school.values():
        for t in teachers:
            for k in range(facts.window, n):
                now = starts.get((t.id, k), [])
                before = [v for j in range(0, k - facts.window + 1) for v in starts.get((t.id, j), [])]
                if not now or not before:
                    continue
                for u in teachers:
                    if u.id == t.id or isinstance(elig[(u.id, k)], int) and elig[(u.id, k)] == 0:
                        continue
                    rotated = sum(v for j in range(0, k + 1) for v in starts.get((u.id, j), []))
                    model.add(sum(now) + sum(before) + elig[(u.id, k)] - rotated <= 2)


def objective_rest(facts: Facts, x, need_gap, excess) -> cp_model.LinearExprT:
    scenario = facts.scenario
    terms = [W_NEED * g for g in need_gap] + [W_EXCESS * e for e in excess]
    for (tid, host, k), var in sorted(x.items()):
        teacher = scenario.teacher_by_id[tid]
        cover = bool(set(teacher.subjects) & facts.short.get(host, set()))
        minutes = scenario.travel_minutes(teacher.school, host) or 0
        weight = W_ROTATION - (W_COVER if cover else 0) - min(facts.tenure(teacher, k), MAX_TENURE_BONUS) + minutes // 10
        terms.append(weight * var)
    return sum(terms)


# --- solving -----------------------------------------------------------------------------------

def _hint(em: ExchangeModel, solver: cp_model.CpSolver) -> None:
    """Hint every variable (a partial hint is often dropped by CP-SAT) with the solver's last solution."""
    _hint_values(em.model, list(solver.response_proto.solution))


def _hint_values(model: cp_model.CpModel, values: list[int]) -> None:
    model.clear_hints()
    for index, value in enumerate(values):
        model.add_hint(model.get_int_var_from_proto_index(index), value)


def hint_greedy(em: ExchangeModel, start: set[tuple[str, str, int]], search: Search, label: tuple[str, str]) -> None:
    """Complete the greedy plan to every variable (a quick solve with the placements fixed) and hint it."""
    trial = em.model.clone()
    for key, var in em.x.items():
        trial.add(trial.get_int_var_from_proto_index(var.index) == (1 if key in start else 0))
    solver, status = search.solve(trial, 1.0, label)
    if status.found:
        _hint_values(em.model, list(solver.response_proto.solution))


def greedy_start(facts: Facts, schools: frozenset[str], x: dict) -> set[tuple[str, str, int]]:
    """A quick plan to hint phase A with: year by year, each unit sends its longest-serving eligible
    teachers (backbone first, for the share) whose leaving keeps every school covered, to a host that is
    short of one of their subjects when there is one. Only a hint: CP-SAT repairs or replaces it."""
    scenario, settings = facts.scenario, facts.inputs.settings
    ratio, share = ratio_fraction(settings.yearly_ratio), ratio_fraction(settings.backbone_share)
    n, length = len(facts.years), settings.placement_years
    cap: dict[tuple[str, Group, int], int] = {}
    for school in schools:
        for group in facts.groups(school):
            for k in range(n):
                cap[(school, group, k)] = sum(facts.usable(t, school, group) for t in facts.able[school])
    chosen: set[tuple[str, str, int]] = set()
    last_start: dict[str, int] = {}

    def shift(teacher: Teacher, school: str, k: int, sign: int) -> None:
        for group in facts.groups(school):
            for kk in range(k, min(n, k + length)):
                if (school, group, kk) in cap:
                    cap[(school, group, kk)] += sign * facts.usable(teacher, school, group)

    def can_leave(teacher: Teacher, k: int) -> bool:
        return all(cap[(school, group, kk)] - facts.usable(teacher, school, group) >= facts.required(school, group)
                   for school in (teacher.school, *teacher.also_schools) if school in schools
                   for group in facts.groups(school) if (school, group, k) in cap
                   for kk in range(k, min(n, k + length)))

    units: dict[str, list[Teacher]] = defaultdict(list)
    for teacher in sorted(scenario.teachers, key=lambda t: t.id):
        if teacher.school in schools:
            units[unit_of(scenario, settings.ratio_scope, teacher.school)].append(teacher)
    for k in range(n):
        for _unit, teachers in sorted(units.items()):
            eligible = [t for t in teachers if facts.base_elig[t.id][k]
                        and (t.id not in last_start or k - last_start[t.id] >= facts.window)]
            need = math.ceil(ratio * len(eligible))
            backbone_need = math.ceil(share * need)
            ordered = sorted(eligible, key=lambda t: (not (t.backbone and backbone_need > 0),
                                                      -facts.tenure(t, k), t.id))
            sent = 0
            for teacher in ordered:
                if sent >= need:
                    break
                hosts = [h for h, _d in facts.hosts.get(teacher.id, []) if (teacher.id, h, k) in x]
                if not hosts or not can_leave(teacher, k):
                    continue
                host = min(hosts, key=lambda h: (not set(teacher.subjects) & facts.short.get(h, set()), h))
                shift(teacher, teacher.school, k, -1)
                for other in teacher.also_schools:
                    if other in schools:
                        shift(teacher, other, k, -1)
                shift(teacher, host, k, +1)
                chosen.add((teacher.id, host, k))
                last_start[teacher.id] = k
                sent += 1
    return chosen


#: Plans of a part re-solved after a failed hand-over deal, or after an itinerant cut (see PartPlanner).
MAX_HANDOVER_ROUNDS = 8
#: Rounds of the itinerant check over the whole county (see solve).
MAX_ITINERANT_ROUNDS = 4


@dataclass
class Unsettled:
    """A school and year whose classes the planner could not hand over (the last plan's problem)."""

    en: str
    zh: str


class PartPlanner:
    """One part (schools closed under placements and shared teachers): phase A, the fewest missing
    rotations; phase B, the best plan with that many, re-solved until every school it touches can deal
    its classes out whole (``settle``). Kept alive so that the county-wide itinerant check can cut a
    plan and ask again (``forbid``)."""

    def __init__(self, facts: Facts, schools: frozenset[str], budget: float, search: Search,
                 name: tuple[str, str]) -> None:
        self.facts, self.schools, self.budget, self.search, self.name = facts, schools, budget, search, name
        self.em = build_model(facts, schools)
        self.status = Status.UNKNOWN
        self.placements: list[Placement] = []
        self.missing, self.proven = 0, False
        self.objective, self.bound = 0.0, 0.0
        self.cuts = 0
        self.problems: list[Unsettled] = []

    @property
    def settled(self) -> bool:
        return self.status.found and not self.problems

    def first(self) -> None:
        """Phase A, then ``settle``."""
        em, facts, search, name = self.em, self.facts, self.search, self.name
        missing = sum(em.ratio_slack.values()) + sum(em.backbone_slack.values())
        # Phase A also keeps rotations near each year's requirement (far below one missing rotation in
        # weight), so phase B starts from a steady plan rather than from any plan meeting the ratios.
        steady_weight = len(facts.scenario.teachers) * len(facts.years) + 1
        em.model.minimize(steady_weight * missing + sum(em.excess))
        hint_greedy(em, greedy_start(facts, self.schools, em.x), search,
                    (f"{name[0]}: greedy start", f"{name[1]}：贪心初始方案"))
        if search.expired():
            self.status = Status.UNKNOWN
            return
        search.say(f"{name[0]}: fewest missing rotations (effort {0.3 * self.budget:.1f})",
                   f"{name[1]}：求最少的缺额（计算量 {0.3 * self.budget:.1f}）")
        solver, status = search.solve(em.model, 0.3 * self.budget, (f"{name[0]}, phase A", f"{name[1]}，阶段 A"))
        if not status.found:
            self.status = status
            return
        self.missing = round(solver.objective_value) // steady_weight
        self.proven = status == Status.OPTIMAL or self.missing == 0
        search.say(f"{name[0]}: {self.missing} missing rotation(s) ({status}, {solver.wall_time:.0f} s)",
                   f"{name[1]}：缺额 {self.missing} 人（{status}，{solver.wall_time:.0f} 秒）")
        _hint(em, solver)
        em.model.add(missing <= self.missing)
        em.model.minimize(em.rest)
        self.placements = read_placements(facts, em, solver)
        self.settle()

    def forbid(self, moves: list, why: tuple[str, str]) -> None:
        """Rule out this combination of placements (at least one of ``moves`` is not made); ``settle`` next."""
        self.em.model.add(sum(moves) <= len(moves) - 1)
        self.cuts += 1
        self.search.say(f"{self.name[0]}: {why[0]}; planning again", f"{self.name[1]}：{why[1]}；重新规划")

    def settle(self) -> None:
        """Phase B rounds until every touched school's classes can be dealt out whole (or rounds run out)."""
        em, facts, search, name = self.em, self.facts, self.search, self.name
        self.problems = []
        for round_ in range(1, MAX_HANDOVER_ROUNDS + 1):
            if search.expired():
                self.problems = [Unsettled("the --time-limit ran out before the plan was settled",
                                           "在 --time-limit 内未能完成规划")]
                return
            solver, status = search.solve(em.model, 0.7 * self.budget,
                                          (f"{name[0]}, phase B round {round_}", f"{name[1]}，阶段 B 第 {round_} 轮"))
            if not status.found:
                if status == Status.INFEASIBLE:
                    self.problems = [Unsettled("no plan keeps every rule together with the hand-over cuts",
                                               "加上交接限制后，没有满足全部规则的方案")]
                else:
                    self.problems = [Unsettled(f"no plan found within the effort (round {round_})",
                                               f"在计算量内未找到方案（第 {round_} 轮）")]
                self.status = Status.UNKNOWN
                return
            self.status = status
            self.placements = read_placements(facts, em, solver)
            self.objective, self.bound = solver.objective_value, solver.best_objective_bound
            failed = handover_failures(facts, self.placements)
            search.say(f"{name[0]}: plan with {len(self.placements)} placements ({self.status}, objective "
                       f"{self.objective:.0f}, {solver.wall_time:.0f} s); hand-over: "
                       + ("every school deals its classes out" if not failed else
                          ", ".join(f"{_school_name(facts, s)} {facts.years[k]} cannot" for s, k in failed)),
                       f"{name[1]}：方案 {len(self.placements)} 人次（{self.status}，目标值 {self.objective:.0f}，"
                       f"{solver.wall_time:.0f} 秒）；交接："
                       + ("各校课务均可分派" if not failed else
                          "、".join(f"{_school_name(facts, s)} {facts.years[k]} 学年无法分派" for s, k in failed)))
            _hint(em, solver)  # the next round (or a later cut) starts from this plan
            if not failed:
                self.problems = []
                return
            # Capacity counts allow it, but the classes cannot be dealt out whole (who teaches which class):
            # keep the coverage of the subject sets found short from now on, or, where none is, forbid this
            # combination of moves at that school and year; then plan again.
            self.cuts += len(failed)
            self.problems = [Unsettled(
                f"{_school_name(facts, school)}, school year {facts.years[k]}: its classes cannot be dealt out "
                f"whole to the teachers present under the last plan",
                f"{_school_name(facts, school)} {facts.years[k]} 学年：按最后的方案，在校教师无法整班分派全部课务")
                for school, k in failed]
            for school, k in failed:
                groups = short_groups(facts, school, k, self.placements)
                for group in groups:  # a rule every plan must keep: added for all years
                    facts.add_group(school, group)
                    add_group_coverage(em.model, facts, school, group, em.away, em.incoming)
                moves = affecting(facts, em, school, k, self.placements)
                if not groups and moves:
                    em.model.add(sum(moves) <= len(moves) - 1)
                where = f"{_school_name(facts, school)} {facts.years[k]}"
                if groups:
                    sets = "; ".join("、".join(sorted(g)) for g in groups)
                    search.say(f"  {where}: the teachers present cannot give {sets}; that coverage is kept from now on",
                               f"  {where}：在校教师无法承担 {sets}；此后保持其覆盖")
                else:
                    search.say(f"  {where}: whole classes do not pack; that combination of {len(moves)} move(s) "
                               f"is ruled out", f"  {where}：整班无法分派；排除这 {len(moves)} 项调动的组合")


def _school_name(facts: Facts, school: str) -> str:
    return facts.scenario.school_by_id[school].name


def handover_failures(facts: Facts, placements: list[Placement]) -> list[tuple[str, int]]:
    """(school, year index) pairs whose classes cannot all get a teacher present that year (handover.reassigned)."""
    from scheduler.exchange.handover import undealt_schools

    return [(school, k) for k, year in enumerate(facts.years)
            for school in undealt_schools(facts.scenario, placements, year)]


def _presence(facts: Facts, em: ExchangeModel, chosen: list[Placement], k: int, keep) -> list:
    """For each of the ``chosen`` placements under way in year index ``k`` that ``keep(teacher, host)``
    selects, a 0/1 expression that is 1 when the plan does the same again: the teacher away from home
    (whatever the host) when they leave a school that matters, else the teacher at that host. A cut
    "not all of these" then rules out this plan and the ones that only send the same people elsewhere."""
    length = facts.inputs.settings.placement_years
    result = []
    for p in chosen:
        k0 = facts.years.index(p.year)
        if not k0 <= k < k0 + length:
            continue
        teacher = facts.scenario.teacher_by_id[p.teacher]
        leaves, joins = keep(teacher, p.host)
        if leaves:
            result.append(em.away(p.teacher, k))
        elif joins:
            result.append(sum(var for (tid, host, j), var in em.x.items()
                              if tid == p.teacher and host == p.host and j <= k < j + length))
    return result


def affecting(facts: Facts, em: ExchangeModel, school: str, k: int, chosen: list[Placement]) -> list:
    """The ``chosen`` placements that take a teacher from or bring one to ``school`` in year index ``k``
    (as _presence expressions)."""
    return _presence(facts, em, chosen, k, lambda teacher, host: (
        school in (teacher.school, *teacher.also_schools), host == school))


def itinerant_moves(facts: Facts, em: ExchangeModel, units: list, k: int, chosen: list[Placement]) -> list:
    """The ``chosen`` placements that can explain itinerant classes left uncovered in year index ``k`` (as
    _presence expressions): post teachers of the posts that could teach them leaving, and teachers of
    the classes' subjects leaving or joining their schools."""
    scenario = facts.scenario
    wanted = {(u.school, u.subject) for u in units}
    post_teachers = {t for post in scenario.itinerant_posts
                     if set(post.subjects) & {u.subject for u in units} for t in post.teachers}

    def keep(teacher: Teacher, host: str) -> tuple[bool, bool]:
        home = {teacher.school, *teacher.also_schools}
        leaves = teacher.id in post_teachers or any((s, j) in wanted for s in home for j in teacher.subjects)
        return leaves, any((host, j) in wanted for j in teacher.subjects)

    return _presence(facts, em, chosen, k, keep)


def solve(facts: Facts, search: Search) -> tuple[list[PartPlanner], list[Unsettled]]:
    """Every part, each with a share of the effort by its teachers (at least 2 deterministic units); then,
    year by year, the itinerant posts' assignment over the county (what ``tongbu solve`` runs first): where
    it leaves classes uncovered, the parts whose placements explain it are planned again without that
    combination."""
    from scheduler.exchange.handover import uncovered_posts

    parts = split_parts(facts)
    sizes = [sum(1 for t in facts.scenario.teachers if t.school in part) for part in parts]
    total = max(1, sum(sizes))
    planners = []
    for index, (part, size) in enumerate(zip(parts, sizes, strict=True), start=1):
        consortia = sorted({facts.scenario.school_by_id[s].consortium for s in part})
        names = [facts.scenario.consortium_by_id[c].name if c in facts.scenario.consortium_by_id else c
                 for c in consortia]
        name = (f"part {index}/{len(parts)} ({', '.join(names)}; {size} teachers)",
                f"第 {index}/{len(parts)} 部分（{'、'.join(names)}；{size} 名教师）")
        planner = PartPlanner(facts, part, max(2.0, search.effort * size / total), search, name)
        planner.first()
        planners.append(planner)
    problems: list[Unsettled] = []
    if not all(p.settled for p in planners) or search.expired():
        return planners, problems
    for round_ in range(MAX_ITINERANT_ROUNDS + 1):
        placements = sorted((p for planner in planners for p in planner.placements),
                            key=lambda p: (p.year, p.home, p.teacher))
        problems, cuts = [], []
        for k, year in enumerate(facts.years):
            units = uncovered_posts(facts.scenario, placements, year)
            en, zh = _units_text(facts, units)
            search.say(f"itinerant posts, school year {year}: " + (
                "every class that needs an itinerant teacher is covered" if not units else
                f"{sum(u.periods for u in units)} periods uncovered: {en}"),
                f"{year} 学年走教岗位：" + ("需走教的课均有人上" if not units else
                                      f"{sum(u.periods for u in units)} 节无人上：{zh}"))
            if not units:
                continue
            problems.append(Unsettled(f"school year {year}: the itinerant posts cannot cover {en}",
                                      f"{year} 学年：走教岗位无法覆盖 {zh}"))
            for planner in planners:
                moves = itinerant_moves(facts, planner.em, units, k, planner.placements)
                if moves:
                    cuts.append((planner, moves, year))
        if not problems or not cuts or round_ == MAX_ITINERANT_ROUNDS or search.expired():
            break
        for planner, moves, year in cuts:
            planner.forbid(moves, (f"itinerant classes uncovered in {year}", f"{year} 学年走教课无人上"))
        for planner in planners:
            if any(cut[0] is planner for cut in cuts):
                planner.settle()
        if not all(p.settled for p in planners):
            break
    return planners, problems


def _units_text(facts: Facts, units: list) -> tuple[str, str]:
    by: dict[tuple[str, str], list] = defaultdict(list)
    for unit in units:
        by[(unit.school, unit.subject)].append(unit)
    en, zh = [], []
    for (school, subject), found in sorted(by.items()):
        labels = "、".join(facts.scenario.class_by_id[u.class_id].label for u in found)
        en.append(f"{_school_name(facts, school)} {subject} {labels}")
        zh.append(f"{_school_name(facts, school)}{subject} {labels}")
    return "; ".join(en), "；".join(zh)


# --- reading the plan --------------------------------------------------------------------------

def placement_of(facts: Facts, tid: str, host: str, k: int) -> Placement:
    scenario, settings = facts.scenario, facts.inputs.settings
    teacher = scenario.teacher_by_id[tid]
    direction = direction_of(scenario, teacher.school, host)
    order = [s.id for s in scenario.subjects]
    covers = tuple(sorted(set(teacher.subjects) & facts.short.get(host, set()), key=order.index))
    years = min(settings.placement_years, len(facts.years) - k)
    host_name = scenario.school_by_id[host].name
    en = f"{direction.en} at {host_name}"
    zh = {Direction.LEAD_TO_MEMBER: f"到{host_name}支教", Direction.MEMBER_TO_LEAD: f"到牵头学校{host_name}跟岗",
          Direction.MEMBER_TO_MEMBER: f"到{host_name}交流"}[direction]
    if covers:
        en += f", covers {', '.join(covers)}"
        zh += f"，补充{'、'.join(covers)}"
    en += f"; {facts.tenure(teacher, k)} years at {scenario.school_by_id[teacher.school].name}"
    zh += f"；本校任教 {facts.tenure(teacher, k)} 年"
    if teacher.backbone:
        en += "; backbone teacher"
        zh += "；骨干教师"
    return Placement(teacher=tid, name=teacher.name, home=teacher.school, host=host, year=facts.years[k], years=years,
                     direction=direction, backbone=teacher.backbone, covers=covers, reason_en=en, reason_zh=zh)


def read_placements(facts: Facts, em: ExchangeModel, solver: cp_model.CpSolver) -> list[Placement]:
    chosen = [(k, tid, host) for (tid, host, k), var in em.x.items() if solver.value(var)]
    return [placement_of(facts, tid, host, k) for k, tid, host in sorted(chosen)]


def eligible_after(facts: Facts, placements: list[Placement]) -> dict[tuple[str, int], bool]:
    """Eligibility per teacher and year index, given the plan (the restart rule applied)."""
    starts = defaultdict(list)
    for p in placements:
        starts[p.teacher].append(facts.years.index(p.year))
    result = {}
    for tid, base in facts.base_elig.items():
        for k in range(len(facts.years)):
            recent = any(k - facts.window < j < k for j in starts[tid])
            result[(tid, k)] = base[k] and not recent
    return result


def summaries(facts: Facts, placements: list[Placement]) -> tuple[list[UnitSummary], list[SchoolSummary]]:
    scenario, settings = facts.scenario, facts.inputs.settings
    ratio, share = ratio_fraction(settings.yearly_ratio), ratio_fraction(settings.backbone_share)
    elig = eligible_after(facts, placements)
    units: list[UnitSummary] = []
    for scope in RatioScope:
        groups: dict[str, list[Teacher]] = defaultdict(list)
        for t in scenario.teachers:
            groups[unit_of(scenario, scope, t.school)].append(t)
        for unit, teachers in sorted(groups.items()):
            ids = {t.id for t in teachers}
            for k, year in enumerate(facts.years):
                eligible = sum(elig[(t.id, k)] for t in teachers)
                started = [p for p in placements if p.year == year and p.teacher in ids]
                backbone = sum(p.backbone for p in started)
                eligible_backbone = sum(elig[(t.id, k)] for t in teachers if t.backbone)
                units.append(UnitSummary(scope=scope.value, unit=unit, year=year, eligible=eligible,
                                         required=math.ceil(ratio * eligible), rotated=len(started), backbone=backbone,
                                         backbone_required=min(math.ceil(share * len(started)), eligible_backbone)))
    schools: list[SchoolSummary] = []
    for school in sorted(scenario.schools, key=lambda s: s.id):
        home = [t for t in scenario.teachers if t.school == school.id]
        for k, year in enumerate(facts.years):
            started = [p for p in placements if p.year == year and p.home == school.id]
            schools.append(SchoolSummary(
                year=year, school=school.id, consortium=school.consortium, role=school.role.value, teachers=len(home),
                eligible=sum(elig[(t.id, k)] for t in home), rotated_out=len(started),
                backbone_out=sum(p.backbone for p in started),
                away=sum(p.away_in(year) for p in placements if p.home == school.id),
                incoming=sum(p.away_in(year) for p in placements if p.host == school.id)))
    return units, schools


# --- the public API ----------------------------------------------------------------------------

def plan_from_inputs(inputs: ExchangeInputs, years: int, *, seed: int = 0, effort: float = DEFAULT_EFFORT,
                     search: Search | None = None) -> ExchangePlan:
    """Plan ``years`` school years from loaded inputs. ``search`` (seed, effort, wall-clock cap, progress)
    overrides ``seed`` and ``effort``; see scheduler.exchange.search."""
    if years < 1:
        raise ValueError("years must be at least 1")
    search = search or Search(seed=seed, effort=effort)
    started = time.perf_counter()
    facts = build_facts(inputs, years)
    search.say(f"planning {years} school year(s) from {facts.years[0]} for {len(facts.scenario.teachers)} teachers "
               f"in {len(facts.scenario.schools)} schools (effort {search.effort:g}, seed {search.seed})",
               f"为 {len(facts.scenario.schools)} 所学校的 {len(facts.scenario.teachers)} 名教师规划自 {facts.years[0]} "
               f"起的 {years} 个学年（计算量 {search.effort:g}，随机种子 {search.seed}）")
    planners, itinerant = solve(facts, search)
    placements = sorted((p for planner in planners for p in planner.placements), key=lambda p: (p.year, p.home, p.teacher))
    statuses = [p.status for p in planners]
    common = {"inputs": inputs, "years": facts.years, "seed": search.seed, "effort": search.effort,
              "handover_cuts": sum(p.cuts for p in planners)}
    if any(s in (Status.INFEASIBLE, Status.MODEL_INVALID) for s in statuses) and not any(p.problems for p in planners):
        from scheduler.exchange.explain import no_plan_explanation

        return ExchangePlan(**common, status="infeasible", placements=(), units=(), schools=(),
                            explanation=tuple(no_plan_explanation("infeasible")), stopped_by_time_limit=search.stopped,
                            runtime_seconds=time.perf_counter() - started)
    problems = [(f"{planner.name[0]}: {problem.en}", f"{planner.name[1]}：{problem.zh}")
                for planner in planners for problem in planner.problems]
    problems += [(problem.en, problem.zh) for problem in itinerant]
    problems += [(f"{planner.name[0]}: no plan found within the effort (status {planner.status})",
                  f"{planner.name[1]}：在计算量内未找到方案（状态 {planner.status}）")
                 for planner in planners if not planner.status.found and not planner.problems]
    if problems:
        return ExchangePlan(**common, status="not_found", placements=tuple(placements), units=(), schools=(),
                            explanation=tuple(problems), stopped_by_time_limit=search.stopped,
                            runtime_seconds=time.perf_counter() - started)
    units, schools = summaries(facts, placements)
    status = Status.worst(statuses).value  # every part has its plan: optimal or feasible (a plain word for the files)
    explanation: list[tuple[str, str]] = []
    missing = sum(p.missing for p in planners)
    proven = all(p.proven for p in planners)
    if missing > 0:
        from scheduler.exchange.explain import explain_shortfall

        explanation = explain_shortfall(facts, placements, eligible_after(facts, placements), units, proven)
        status = "ratios_impossible"
    return ExchangePlan(**common, status=status, placements=tuple(placements), units=tuple(units),
                        schools=tuple(schools), explanation=tuple(explanation), proven=proven,
                        objective=sum(p.objective for p in planners), bound=sum(p.bound for p in planners),
                        stopped_by_time_limit=search.stopped, runtime_seconds=time.perf_counter() - started)


def plan_exchange(folder: Path, years: int, *, seed: int = 0, effort: float = DEFAULT_EFFORT,
                  search: Search | None = None) -> ExchangePlan:
    """Plan ``years`` school years of exchange rotation for the scenario in ``folder``.

    Raises :class:`models.exchange_files.ExchangeInputError` for bad input. The returned plan's
    ``status`` is ``ratios_impossible`` (with ``explanation``) when the ratios cannot be met,
    ``infeasible`` when no plan keeps the rules, ``not_found`` when none was found within the effort
    or the clock (``explanation`` says what stayed open). This does not check the plan: publish_plan
    (scheduler.exchange.publish, what ``tongbu plan-exchange`` runs) writes only a plan check_plan accepts.
    """
    return plan_from_inputs(load_exchange_inputs(folder), years, seed=seed, effort=effort, search=search)
