"""Large-neighbourhood search over a part's CP-SAT model: free a few classes or teachers, keep the rest.

Measured on Pengshui's largest consortium (91 classes, 60k variables, 65k constraints): from the same
first timetable, CP-SAT's own portfolio (8 interleaved subsolvers or 8 racing threads) lowered the
soft penalty by 1% in 60 s, re-solving the whole model with all but three classes fixed lowered it by
24% in 22 rounds (each paid ~1 s of presolve for the whole model). Here a round builds a *sub-model*
that holds only what the freed variables can reach: the constraints that contain them, and, through
auxiliary variables (gap chains, busy flags, visit days…), the constraints those reach; every other
decision variable in them is fixed to its current value, and objective terms outside are constants.
Constraints left out contain only fixed decisions and unchanged auxiliaries, so they still hold: every
accepted round is a complete timetable meeting every hard requirement, and no worse than before.

Rounds are limited by deterministic time when the part is reproducible (so the same effort gives
the same rounds), by the clock otherwise. Neighbourhoods are drawn from a seeded random stream.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ortools.sat import cp_model_pb2
from ortools.sat.python import cp_model

from models.status import Status
from scheduler.cpsat import FOUND, make_solver, status_of

#: Seconds (or deterministic seconds) a round may take: short at first, longer once short rounds stop
#: finding gains. Rounds that run out shrink the neighbourhood. Measured on two Pengshui consortia (彭水一小,
#: 两江), mean penalty: at a fixed effort of 8 deterministic seconds a part, rounds of 0.1 s reached 1,050 and
#: of 0.3 s 2,076; at 25, 483 and 605. On the clock (shared machine), 15 s a part: 0.1 s 1,763, 0.15 s 1,935,
#: 0.3 s 2,955, 0.6 s 3,444; 40 s: fixed 0.1 s 756, fixed 0.3 s 667, 0.1 s lengthened after 8 rounds
#: without a gain 654 (short rounds gain sooner, longer ones find what short ones cannot).
ROUND_SECONDS = 0.1
ROUND_SECONDS_MAX = 0.6
#: Rounds in a row without a gain after which rounds get 1.5 times longer.
LENGTHEN_AFTER = 8
#: Most groups (classes) one round frees, and rounds in a row without a gain before the search stops.
MAX_GROUPS = 8
STALL_ROUNDS = 60


#: How a sub-model rebuilds one constraint: its kind, references, coefficients, domain, enforcement
#: literals and, for lin_max, (vars, coeffs, offset) of the target and of each expression.
Recipe = tuple


def _structure(model: cp_model.CpModel) -> tuple[list[list[int]], list[Recipe]]:
    """Each constraint's variables (negated literals as their variable), and its recipe, read through
    protobuf's C reader: about three times faster than asking the model's own objects constraint by
    constraint, and a sub-model built from plain lists fills each field with one call."""
    with tempfile.TemporaryDirectory(prefix="tongbu-lns-") as folder:
        path = os.path.join(folder, "model.pb")
        model.ExportToFile(path)
        proto = cp_model_pb2.CpModelProto()
        with open(path, "rb") as handle:
            proto.ParseFromString(handle.read())
    found, recipes = [], []
    for constraint in proto.constraints:
        kind = constraint.WhichOneof("constraint")
        enforcement = list(constraint.enforcement_literal)
        if kind == "linear":
            refs = list(constraint.linear.vars)
            recipe = (kind, refs, list(constraint.linear.coeffs), list(constraint.linear.domain), enforcement, ())
        elif kind in ("at_most_one", "exactly_one", "bool_or", "bool_and"):
            refs = list(getattr(constraint, kind).literals)
            recipe = (kind, refs, (), (), enforcement, ())
        elif kind == "lin_max":
            exprs = [(list(e.vars), list(e.coeffs), e.offset) for e in (constraint.lin_max.target, *constraint.lin_max.exprs)]
            refs = [v for e in exprs for v in e[0]]
            recipe = (kind, refs, (), (), enforcement, exprs)
        else:  # a kind the families do not post: the sub-models would not know how to renumber it
            raise ValueError(f"large-neighbourhood search does not know {kind} constraints")
        refs = refs + enforcement
        found.append(sorted({r if r >= 0 else -r - 1 for r in refs}))
        recipes.append(recipe)
    return found, recipes


@dataclass
class Round:
    improved: bool
    objective: float
    seconds: float
    deterministic: float
    exhausted: bool


@dataclass
class SubModels:
    """Builds sub-models of ``model`` around freed decision variables, from a current complete solution."""

    model: cp_model.CpModel
    decisions: frozenset[int]
    values: list[int]
    seed: int
    var_constraints: list[list[int]] = field(default_factory=list)
    constraint_vars: list[list[int]] = field(default_factory=list)
    recipes: list[Recipe] = field(default_factory=list)
    domains: list[list[int]] = field(default_factory=list)
    #: Deterministic seconds the rounds spent.
    deterministic: float = 0.0

    def __post_init__(self) -> None:
        proto = self.model.Proto()
        self.domains = [list(variable.domain) for variable in proto.variables]
        self.var_constraints = [[] for _ in range(len(proto.variables))]
        self.constraint_vars, self.recipes = _structure(self.model)
        for number, refs in enumerate(self.constraint_vars):
            for var in refs:
                self.var_constraints[var].append(number)
        self.objective = list(zip(proto.objective.vars, proto.objective.coeffs))

    def value(self) -> float:
        return float(sum(coeff * self.values[var] for var, coeff in self.objective))

    def closure(self, free: set[int]) -> tuple[list[int], set[int], set[int]]:
        """Constraints reachable from ``free`` through non-decision variables; the variables they reach
        (auxiliaries, which move) and the decisions they mention (which stay fixed)."""
        constraints: set[int] = set()
        moving = set(free)
        fixed: set[int] = set()
        frontier = list(free)
        while frontier:
            var = frontier.pop()
            for number in self.var_constraints[var]:
                if number in constraints:
                    continue
                constraints.add(number)
                for other in self.constraint_vars[number]:
                    if other in moving or other in fixed:
                        continue
                    if other in self.decisions:
                        fixed.add(other)
                    else:
                        moving.add(other)
                        frontier.append(other)
        return sorted(constraints), moving, fixed

    def improve(self, free: set[int], seconds: float, effort: float | None) -> Round:
        """Re-optimise the freed decisions; keep the result when it is no worse."""
        started = time.perf_counter()
        constraints, moving, fixed = self.closure(free)
        # The sub-model numbers only the variables it holds: a CP-SAT model of 60k variables, even
        # unconstrained ones, takes seconds to load.
        order = sorted(moving | fixed)
        local = {var: n for n, var in enumerate(order)}
        sub = cp_model.CpModel()
        sp = sub.Proto()
        for var in order:
            sp.variables.add().domain.extend([self.values[var]] * 2 if var in fixed else self.domains[var])
        for number in constraints:
            _rebuild(sp.constraints.add(), self.recipes[number], local)
        terms = [(v, c) for v, c in self.objective if v in moving]
        before = sum(c * self.values[v] for v, c in terms)
        sp.objective.vars.extend([local[var] for var, _coeff in terms])
        sp.objective.coeffs.extend([coeff for _var, coeff in terms])
        sp.solution_hint.vars.extend(range(len(order)))
        sp.solution_hint.values.extend([self.values[var] for var in order])
        # Sub-models are small and re-solved many times: ``light`` (see make_solver).
        solver = make_solver(seed=self.seed, seconds=seconds, effort=effort, light=True)
        code = solver.Solve(sub)
        self.deterministic += solver.deterministic_time
        exhausted = status_of(code) not in (Status.OPTIMAL, Status.INFEASIBLE)
        improved = False
        if code in FOUND and solver.ObjectiveValue() < before - 0.5:
            solution = solver.ResponseProto().solution
            for var in moving:
                self.values[var] = int(solution[local[var]])
            improved = True
        return Round(improved=improved, objective=self.value(), seconds=time.perf_counter() - started,
                     deterministic=solver.deterministic_time, exhausted=exhausted)


def _rebuild(constraint, recipe: Recipe, local: dict[int, int]) -> None:  # type: ignore[no-untyped-def]
    """Fill an empty constraint of a sub-model from ``recipe``, in the sub-model's numbering."""
    def lits(refs: list[int]) -> list[int]:
        return [local[r] if r >= 0 else -local[-r - 1] - 1 for r in refs]

    kind, refs, coeffs, domain, enforcement, exprs = recipe
    if enforcement:
        constraint.enforcement_literal.extend(lits(enforcement))
    if kind == "linear":
        constraint.linear.vars.extend([local[r] for r in refs])
        constraint.linear.coeffs.extend(coeffs)
        constraint.linear.domain.extend(domain)
    elif kind == "lin_max":
        for n, (variables, factors, offset) in enumerate(exprs):
            expr = constraint.lin_max.target if n == 0 else constraint.lin_max.exprs.add()
            expr.vars.extend([local[r] for r in variables])
            expr.coeffs.extend(factors)
            expr.offset = offset
    else:
        getattr(constraint, kind).literals.extend(lits(refs))


def search(sub: SubModels, neighbourhood: Callable[[random.Random, int], set[int]], *, seconds: float,
           effort: float | None, seed: int, groups: int, on_better: Callable[[float], None] | None = None,
           lower_bound: float = 0.0) -> int:
    """Rounds until ``seconds`` on the clock (or ``effort`` deterministic seconds) are spent; returns the
    number of rounds. ``neighbourhood(rng, size)`` gives decision variables to free for ``size`` of the
    part's ``groups`` (classes); ``size`` grows while rounds finish and shrinks when they run out of
    time. The search stops early at ``lower_bound``, when a round freed every group and proved its
    result optimal (the whole part is then optimal), or after ``STALL_ROUNDS`` rounds without a gain."""
    rng = random.Random(seed)
    started, spent, rounds, size, stalled = time.perf_counter(), 0.0, 0, min(3, groups), 0
    length = ROUND_SECONDS
    while sub.value() > lower_bound and stalled < STALL_ROUNDS:
        left = seconds - (time.perf_counter() - started)
        if left <= 0.05 or (effort is not None and spent >= effort):
            break
        step = None if effort is None else min(length, effort - spent)
        result = sub.improve(neighbourhood(rng, size), min(length, left) if effort is None else left, step)
        rounds += 1
        spent += result.deterministic
        if size >= groups and not result.exhausted:
            break  # the whole part re-optimised to proven optimality
        size = max(1, size - 1) if result.exhausted else min(size + 1, groups, MAX_GROUPS)
        stalled = 0 if result.improved else stalled + 1
        if stalled and stalled % LENGTHEN_AFTER == 0 and length < ROUND_SECONDS_MAX:
            length, stalled = min(ROUND_SECONDS_MAX, length * 1.5), 0
        if result.improved and on_better is not None:
            on_better(result.objective)
    return rounds


def by_groups(groups: Sequence[Sequence[int]]) -> Callable[[random.Random, int], set[int]]:
    """Neighbourhoods of ``size`` random groups (each a list of decision variables), drawn from
    ``groups``; a round frees their union."""
    def draw(rng: random.Random, size: int) -> set[int]:
        chosen = rng.sample(range(len(groups)), min(size, len(groups)))
        return set().union(*(set(groups[i]) for i in chosen)) if chosen else set()
    return draw


#: Share of rounds that start from a class drawn by its penalty (the rest start anywhere, so the search
#: also finds gains where nothing looks wrong yet).
GUIDED_SHARE = 0.7
#: Share of rounds that free a few days of twice as many classes rather than every day of a few: a teacher's
#: gaps and a class's morning lie within a day, and trading lessons inside a day needs all the classes its
#: teachers meet that day, more than a whole-week neighbourhood of the same size can hold. Measured on two
#: Pengshui consortia (彭水一小, 两江; seeds 0 and 1), mean penalty at 8 deterministic seconds a part: whole-week
#: rounds only 1,079, half the rounds by day 975 (0.8 of them: 999; three times the classes: 1,001); at 25
#: (nearer what a part gets at the defaults): 503, half by day 409, 0.7 by day 376 (teacher gaps 202-216 ->
#: 117-153; one day of three times the classes: 440). Zhangping (实验小学, 桂林逸夫), at 25: 1,631 -> 1,574.
DAY_SHARE = 0.7
#: Days such a round frees, and how many more classes than a whole-week round.
DAYS_FREED = 2
DAY_CLASSES_FACTOR = 2


def class_neighbourhoods(ctx, terms=(), values: Callable[[], list[int]] | None = None  # type: ignore[no-untyped-def]
                         ) -> Callable[[random.Random, int], set[int]]:
    """Rounds that free ``size`` classes linked by shared teachers: a class, then classes its teachers
    also teach, and so on (so a teacher's lessons can trade places across their classes), with every
    activity of a freed class (a sync lesson with all its ends). Most rounds start from a class drawn in
    proportion to the penalty it and its teachers carry in the current timetable (``terms`` valued by
    ``values()``), the others from any class."""
    ix = ctx.index
    options_of: dict[int, set[int]] = {k: set() for k in range(len(ix.classes))}
    # The same by day of the option's start: freeing an activity's options on some days only lets it move
    # among those days when it is on one of them, and keeps it where it is otherwise (exactly one option).
    day_options: dict[tuple[int, int], set[int]] = defaultdict(set)
    teachers_of: dict[int, set[int]] = {k: set() for k in range(len(ix.classes))}
    classes_of: dict[int, set[int]] = {}
    for activity in ix.activities:
        variables = {var.Index() for _option, var in ctx.options[activity.index]}
        for klass in activity.classes:
            options_of[klass] |= variables
            for option, var in ctx.options[activity.index]:
                day_options[(klass, option.start[0])].add(var.Index())
            teachers_of[klass].update(activity.teachers)
        for teacher in activity.teachers:
            classes_of.setdefault(teacher, set()).update(activity.classes)
    linked = {k: sorted({c for t in teachers_of[k] for c in classes_of[t]} - {k}) for k in options_of}
    classes = sorted(k for k in options_of if options_of[k])
    days = sorted({day for _klass, day in day_options})

    def start(rng: random.Random) -> int:
        if values is None or not terms or rng.random() >= GUIDED_SHARE:
            return rng.choice(classes)
        current = values()
        weight = dict.fromkeys(classes, 0)
        for term in terms:
            cost = term.weight * current[term.expr.Index()]
            if not cost:
                continue
            for klass in term.classes:
                if klass in weight:
                    weight[klass] += cost
            for teacher in term.teachers:
                for klass in classes_of.get(teacher, ()):
                    if klass in weight:
                        weight[klass] += cost
        if not any(weight.values()):
            return rng.choice(classes)
        return rng.choices(classes, weights=[weight[k] for k in classes])[0]

    def draw(rng: random.Random, size: int) -> set[int]:
        if not classes:
            return set()
        # Never when twice the classes would be all of them: a round freeing every class must free every day,
        # or its proof of optimality would not hold for the part (search stops on it).
        by_day = (DAY_SHARE > 0 and len(days) > DAYS_FREED and size * DAY_CLASSES_FACTOR < len(classes)
                  and rng.random() < DAY_SHARE)
        if by_day:
            size *= DAY_CLASSES_FACTOR
        chosen = [start(rng)]
        pool = list(chosen)
        while len(chosen) < size and pool:
            klass = pool.pop(rng.randrange(len(pool)))
            fresh = [k for k in linked[klass] if k not in chosen]
            rng.shuffle(fresh)
            for k in fresh[:size - len(chosen)]:
                chosen.append(k)
                pool.append(k)
        if len(chosen) < size:  # a small school: fill up with classes of anywhere
            rest = [k for k in classes if k not in chosen]
            chosen += rng.sample(rest, min(size - len(chosen), len(rest)))
        if by_day:
            freed = rng.sample(days, DAYS_FREED)
            return set().union(*(day_options.get((k, d), set()) for k in chosen for d in freed))
        return set().union(*(options_of[k] for k in chosen))

    return draw
