"""The activity planner's shortcuts give what the plain rules give: availability by merged intervals, candidates
asked nearest the centre first, one meeting candidate per date and host."""

from __future__ import annotations

import itertools

import pytest

from scheduler.activities import solver
from scheduler.activities.context import ActivityContext, clashes, merge_spans
from test_activities_support import AUTUMN_2026, rules, scenario, solution


@pytest.fixture(scope="module")
def ctx():
    s = scenario(AUTUMN_2026)
    return ActivityContext(s, solution(s))


def free_by_the_rule(ctx: ActivityContext, teacher: str, on, start: int, end: int, host: str | None) -> bool:
    """The rule as the docstring of ActivityContext.free states it, one commitment at a time."""
    home = ctx.scenario.teacher_by_id[teacher].school
    if host is not None and ctx.scenario.travel_minutes(home, host) is None:
        return False
    for item in ctx.busy(teacher, on):
        before = ctx.scenario.travel_minutes(item.school, host) if host and item.school else 0
        after = ctx.scenario.travel_minutes(host, item.school) if host and item.school else 0
        if before is None or after is None:
            return False
        if item.end + before > start and end + after > item.start:
            return False
    return True


def test_free_matches_the_rule_on_every_window(ctx):
    hosts = [None] + sorted(s.id for s in ctx.scenario.schools)
    teachers = sorted(t.id for t in ctx.scenario.teachers)
    for on in [d.date for d in ctx.days[:10]]:
        for teacher, host in itertools.product(teachers, hosts):
            for start in range(7 * 60, 18 * 60, 25):
                for minutes in (30, 40, 90):
                    assert ctx.free(teacher, on, start, start + minutes, host) == \
                        free_by_the_rule(ctx, teacher, on, start, start + minutes, host), (teacher, on, start, host)


def test_merged_spans_clash_as_the_spans_do():
    spans = [(100, 160), (150, 200), (200, 260), (300, 310), (305, 305), (400, 500), (420, 430)]
    merged = merge_spans(spans)
    assert all(a[1] <= b[0] for a, b in zip(merged, merged[1:]))
    for start in range(50, 560, 5):
        for end in range(start + 1, start + 120, 7):
            assert clashes(merged, start, end) == any(start < hi and end > lo for lo, hi in spans), (start, end)


def candidates(ctx: ActivityContext, rule, slot) -> list:
    people = ctx.attendees(rule)
    if rule.kind == "demo_lesson":
        return solver.demo_candidates(ctx, slot, people, solver.ObserversFree(ctx, solver.observer_pool(ctx, rule)))
    return solver.meeting_candidates(ctx, slot, people)


def test_nearest_first_keeps_what_thinning_every_candidate_keeps(ctx, monkeypatch):
    cut = 0
    for rule in rules():
        if rule.kind == "debrief":
            continue
        for slot in ctx.slots(rule):
            monkeypatch.setattr(solver, "MAX_CANDIDATES", 10**6)
            every = candidates(ctx, rule, slot)
            monkeypatch.setattr(solver, "MAX_CANDIDATES", 4)  # small enough to cut
            kept = candidates(ctx, rule, slot)
            assert kept == solver._thin(slot, every), slot.id
            cut += len(kept) < len(every)
    assert cut


def test_one_meeting_candidate_per_date_and_host_at_its_earliest_free_start(ctx, monkeypatch):
    monkeypatch.setattr(solver, "_thin", lambda slot, found: found)
    for rule in rules():
        if rule.kind not in ("joint_meeting", "exchange", "forum") or rule.whole_day:
            continue
        people = ctx.attendees(rule)
        first, last = rule.time_window
        for slot in ctx.slots(rule)[:2]:
            found = solver.meeting_candidates(ctx, slot, people)
            assert len({(c.date, c.host) for c in found}) == len(found)
            for c in found:
                place = c.host if rule.in_person else None
                earlier = range(first, c.start, rule.step_minutes)
                assert all(not all(ctx.free(p, c.date, s, s + rule.minutes, place) for p in people) for s in earlier)
                assert all(ctx.free(p, c.date, c.start, c.end, place) for p in people)
