"""No clash: a class and a teacher are each in at most one lesson at a time (rooms: constraints/rooms.py).

Classes: at most one option covering each (class, slot). Teachers: when all of a teacher's lessons
of a day are at one school, at most one option per (school, day, period); when the teacher teaches
at several schools that day, two periods clash if their clock times (under any bell variant) come
closer than the travel time between the schools, and at most one option is allowed per maximal
clique of clashing periods.
"""

from __future__ import annotations

import itertools
from collections import defaultdict

import networkx as nx

from constraints.index import Index
from constraints.context import ModelContext

def add(ctx: ModelContext) -> None:
    if ctx.index.kind == "fet":
        _fet_resources(ctx)
        return
    _classes(ctx)
    _teachers(ctx)


def _fet_resources(ctx: ModelContext) -> None:
    """An imported file's teachers and student groups: at most one activity an hour (BasicCompulsoryTime).

    A group whose activities are all another's adds nothing (a year without groups, say), so only the
    largest activity sets are posted. A resource whose activities fill every hour it has (no break, not
    unavailable) gets exactly one activity an hour, which propagates far better.
    """
    ix = ctx.index
    slots = range(len(ix.bells[0].days) * ix.max_periods)
    by_teacher: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for (teacher, (_school, day, period)), variables in ctx.teacher_key.items():
        by_teacher[teacher][ix.slot(day, period)] += variables
    by_group: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for (group, slot), variables in ctx.class_slot.items():
        by_group[group][slot] += variables
    need: dict[tuple[str, int], int] = defaultdict(int)
    owned: dict[tuple[str, int], set[int]] = defaultdict(set)
    for activity in ix.activities:
        for teacher in activity.teachers:
            need[("t", teacher)] += activity.periods
            owned[("t", teacher)].add(activity.index)
        for group in activity.classes:
            need[("g", group)] += activity.periods
            owned[("g", group)].add(activity.index)
    sets = {frozenset(owned[("g", g)]) for g in by_group}
    posted: set[tuple[frozenset[int], frozenset[int]]] = set()
    resources = [("t", t, by_teacher[t], ix.teacher_off.get(t, frozenset())) for t in sorted(by_teacher)]
    resources += [("g", g, by_group[g], ix.group_off.get(g, frozenset())) for g in sorted(by_group)
                  if not any(frozenset(owned[("g", g)]) < other for other in sets)]
    for kind, ident, cover, off in resources:
        signature = (frozenset(owned[(kind, ident)]), off)
        if kind == "g" and signature in posted:
            continue
        posted.add(signature)
        unusable = ix.breaks | off
        full = need[(kind, ident)] == len(slots) - len(unusable)
        for slot in slots:
            variables = cover.get(slot, [])
            if full and slot not in unusable:
                ctx.model.AddExactlyOne(variables)
            elif len(variables) > 1:
                ctx.model.AddAtMostOne(variables)


def _classes(ctx: ModelContext) -> None:
    for key in sorted(ctx.class_slot):
        variables = ctx.class_slot[key]
        if len(variables) > 1:
            ctx.model.AddAtMostOne(variables)


def keys_clash(index: Index, a: tuple[int, int, int], b: tuple[int, int, int]) -> bool:
    """Can one teacher not be at both (school, day, period) keys? Clock times plus travel."""
    if a[1] != b[1]:
        return False
    if a[0] == b[0]:
        return a[2] == b[2]
    scenario = index.scenario
    travel = scenario.travel_minutes(index.schools[a[0]], index.schools[b[0]])
    travel = 24 * 60 if travel is None else travel
    return any(x[0] < y[1] + travel and y[0] < x[1] + travel
               for x in index.key_intervals(a) for y in index.key_intervals(b))


def _teachers(ctx: ModelContext) -> None:
    by_teacher_day: dict[tuple[int, int], list[tuple[int, int, int]]] = defaultdict(list)
    for teacher, key in ctx.teacher_key:
        by_teacher_day[(teacher, key[1])].append(key)
    for teacher, day in sorted(by_teacher_day):
        keys = sorted(by_teacher_day[(teacher, day)])
        if len({k[0] for k in keys}) == 1:
            for key in keys:
                variables = ctx.teacher_key[(teacher, key)]
                if len(variables) > 1:
                    ctx.model.AddAtMostOne(variables)
            continue
        graph = nx.Graph()
        graph.add_nodes_from(keys)
        graph.add_edges_from((a, b) for a, b in itertools.combinations(keys, 2) if keys_clash(ctx.index, a, b))
        for clique in sorted(sorted(c) for c in nx.find_cliques(graph)):
            seen: dict[int, object] = {}
            for key in clique:
                for var in ctx.teacher_key[(teacher, key)]:
                    seen.setdefault(var.Index(), var)
            if len(seen) > 1:
                ctx.model.AddAtMostOne(list(seen.values()))
