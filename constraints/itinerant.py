"""Itinerant teachers (走教): a travel-feasible day for every teacher of an itinerant post.

For each teacher of a post, ``visit[day, half, school]`` is true when one of their lessons at the
school falls in that half-day (morning or afternoon). Posted, under one assumption literal per
teacher when explaining:

- at most one school per half-day (one per day with ``whole_days``): a day is base -> A -> B ->
  base at most, never A -> B -> A, so its travel is at most the two round trips;
- at most ``max_schools_per_day`` schools a day;
- round trips of the day (2 x base-to-school minutes per school visited) within
  ``max_travel_minutes_day``, and of the week within ``max_travel_minutes_week``; a route is never
  longer than this estimate (shortest times obey the triangle inequality);
- at most the days per school the itinerant assignment planned (``Index.visit_days``), so the
  travel driven is at most what the assignment chose;
- two lessons at different schools on one day at least travel + ``buffer_minutes`` apart in clock
  time, under every combination of the two schools' bell variants (at most one of each maximal
  clique of clashing periods, as ``no_clash`` does for plain travel).
"""

from __future__ import annotations

import itertools
from collections import defaultdict

import networkx as nx

from constraints.context import ModelContext

#: Minutes treated as "cannot get there" when two schools are not joined by roads.
UNREACHABLE = 24 * 60


def add(ctx: ModelContext) -> None:
    ix = ctx.index
    scenario = ix.scenario
    posts = scenario.post_of
    keys_of: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for teacher, key in ctx.teacher_key:
        if ix.teachers[teacher] in posts:
            keys_of[teacher].append(key)
    for teacher in sorted(keys_of):
        teacher_id = ix.teachers[teacher]
        _teacher(ctx, teacher, posts[teacher_id], sorted(set(keys_of[teacher])))


def _minutes(ctx: ModelContext, a: str, b: str) -> int:
    minutes = ctx.index.scenario.travel_minutes(a, b)
    return UNREACHABLE if minutes is None else minutes


def _teacher(ctx: ModelContext, teacher: int, post, keys: list[tuple[int, int, int]]) -> None:  # type: ignore[no-untyped-def]
    ix, m = ctx.index, ctx.model
    name_en, name_zh = ctx.teacher_name(teacher)
    literal = ctx.requirement(
        "itinerant", ix.teachers[teacher],
        f"{name_en} travels as itinerant post {post.id} allows (at most {post.max_schools_per_day} schools and "
        f"{post.max_travel_minutes_day} minutes a day, {post.max_travel_minutes_week} a week, "
        f"{post.buffer_minutes} minutes' buffer)",
        f"{name_zh}按走教岗位 {post.id} 的要求走教（每天最多 {post.max_schools_per_day} 所学校、路上 "
        f"{post.max_travel_minutes_day} 分钟，每周 {post.max_travel_minutes_week} 分钟，到校后留 {post.buffer_minutes} 分钟）")
    round_trip = {s: 2 * _minutes(ctx, post.base, ix.schools[s]) for s in {k[0] for k in keys}}
    visit: dict[tuple[int, bool, int], object] = {}
    for key in keys:
        school, day, period = key
        morning = ix.bells[school].morning[0][period - 1]
        slot = (day, morning, school)
        if slot not in visit:
            visit[slot] = m.NewBoolVar(f"visit[{ix.teachers[teacher]},{day},{int(morning)},{school}]")
        for var in ctx.teacher_key[(teacher, key)]:
            m.AddImplication(var, visit[slot])
    per_day = 1 if post.whole_days else max(1, post.max_schools_per_day)
    week_terms = []
    days_at: dict[int, list] = defaultdict(list)
    for day in sorted({d for d, _h, _s in visit}):
        schools = sorted({s for d, _h, s in visit if d == day})
        at = {}
        for school in schools:
            halves = [v for (d, _h, s), v in visit.items() if d == day and s == school]
            at[school] = m.NewBoolVar("")
            for var in halves:
                m.AddImplication(var, at[school])
            days_at[school].append(at[school])
        for half in (True, False):
            here = [v for (d, h, _s), v in visit.items() if d == day and h == half]
            if len(here) > 1:
                ctx.enforce(m.AddAtMostOne(here), literal)
        if post.whole_days and len(schools) > 1:
            ctx.enforce(m.AddAtMostOne(list(at.values())), literal)
        if len(schools) > per_day:
            ctx.enforce(m.Add(sum(at.values()) <= per_day), literal)
        trips = [round_trip[s] * at[s] for s in schools if round_trip[s]]
        if trips:
            ctx.enforce(m.Add(sum(trips) <= post.max_travel_minutes_day), literal)
            week_terms += trips
        _buffers(ctx, teacher, post, [k for k in keys if k[1] == day], literal)
    if week_terms:
        ctx.enforce(m.Add(sum(week_terms) <= post.max_travel_minutes_week), literal)
    for school in sorted(days_at):
        cap = ix.visit_days.get((ix.teachers[teacher], ix.schools[school]))
        if cap is not None and len(days_at[school]) > cap:
            ctx.enforce(m.Add(sum(days_at[school]) <= cap), literal)


def _buffers(ctx: ModelContext, teacher: int, post, keys: list[tuple[int, int, int]], literal) -> None:  # type: ignore[no-untyped-def]
    ix = ctx.index
    if len({k[0] for k in keys}) < 2:
        return

    def clash(a: tuple[int, int, int], b: tuple[int, int, int]) -> bool:
        if a[0] == b[0]:
            return False  # same school: no_clash keeps one lesson per period
        gap = _minutes(ctx, ix.schools[a[0]], ix.schools[b[0]]) + post.buffer_minutes
        return any(x[0] < y[1] + gap and y[0] < x[1] + gap
                   for x in ix.key_intervals(a) for y in ix.key_intervals(b))

    graph = nx.Graph()
    graph.add_nodes_from(keys)
    graph.add_edges_from((a, b) for a, b in itertools.combinations(keys, 2) if clash(a, b))
    for clique in sorted(sorted(c) for c in nx.find_cliques(graph)):
        if len({k[0] for k in clique}) < 2:
            continue
        seen: dict[int, object] = {}
        for key in clique:
            for var in ctx.teacher_key[(teacher, key)]:
                seen.setdefault(var.Index(), var)
        if len(seen) > 1:
            ctx.enforce(ctx.model.AddAtMostOne(list(seen.values())), literal)
