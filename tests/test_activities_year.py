"""Issue 6 over a school year and into the next: autumn 2026 -> spring 2027 -> autumn 2027.

Fairness is counted here from the planned activities themselves (not from the solver's rotation
state): over each school year chair and host counts (per weight) differ by at most one, and the
first turns of the next school year are exactly the turns the unfinished 2026-2027 round still owed.
"""

from __future__ import annotations

from collections import Counter

import pytest

from scheduler.activities import check_activities, plan_activities
from test_activities_support import AUTUMN_2026, AUTUMN_2027, SPRING_2027, rules, scenario, solution

LIMIT = 5
PRINCIPALS = {"A": {"t01": "a1", "t06": "a2", "t11": "a3"}, "B": {"t16": "b1", "t21": "b2", "t26": "b3"}}


@pytest.fixture(scope="module")
def year_plans():
    plans, state = [], None
    for term in (AUTUMN_2026, SPRING_2027, AUTUMN_2027):
        s = scenario(term)
        sol = solution(s)
        plan = plan_activities(s, sol, rules(), state=state, time_limit=LIMIT)
        plans.append((s, sol, plan))
        state = plan.state_after
    return plans


def _turns(plans, rule: str, what: str) -> list[str]:
    found = []
    for _, _, plan in plans:
        mine = sorted((a for a in plan.activities if a.rule == rule), key=lambda a: (a.date, a.start))
        found += [a.chair if what == "chair" else a.host for a in mine]
    return found


def test_every_term_verifies(year_plans):
    for s, sol, plan in year_plans:
        assert plan.ok, plan.problems
        assert check_activities(s, sol, plan) == [], plan.term
    assert [p.school_year for _, _, p in year_plans] == ["2026-2027", "2026-2027", "2027-2028"]


@pytest.mark.parametrize("consortium", ["A", "B"])
def test_chair_counts_differ_by_at_most_one_each_school_year(year_plans, consortium):
    for plans in (year_plans[:2], year_plans[2:]):
        chairs = Counter(_turns(plans, f"{consortium}-meeting", "chair"))
        counts = [chairs[p] for p in PRINCIPALS[consortium]]  # principals who never chaired count 0
        assert sum(counts) == sum(1 for _, _, p in plans for a in p.activities if a.rule == f"{consortium}-meeting")
        assert max(counts) - min(counts) <= 1, chairs
    # The host follows the chair (host: chair_school).
    hosts = _turns(year_plans, f"{consortium}-meeting", "host")
    assert hosts == [PRINCIPALS[consortium][c] for c in _turns(year_plans, f"{consortium}-meeting", "chair")]


def test_host_counts_per_weight_differ_by_at_most_one_each_school_year(year_plans):
    # Every school has two classes, so by_size weights are all 1; the forum is once a year (autumn).
    for rule in ("A-exchange", "B-exchange", "A-forum", "B-forum"):
        schools = sorted(PRINCIPALS[rule[0]].values())
        for plans in (year_plans[:2], year_plans[2:]):
            hosts = Counter(_turns(plans, rule, "host"))
            counts = [hosts[s] for s in schools]
            assert max(counts) - min(counts) <= 1, (rule, hosts)


@pytest.mark.parametrize("rule,what,members", [
    ("A-meeting", "chair", ("t01", "t06", "t11")), ("B-meeting", "chair", ("t16", "t21", "t26")),
    ("A-exchange", "host", ("a1", "a2", "a3")), ("A-forum", "host", ("a1", "a2", "a3")),
])
def test_next_school_year_continues_the_round(year_plans, rule, what, members):
    first_year = _turns(year_plans[:2], rule, what)
    next_year = _turns(year_plans[2:], rule, what)
    # Replay the first year's turns in rounds of one turn each, to find what its last round still owes.
    served: set[str] = set()
    for member in first_year:
        if served == set(members):
            served = set()
        assert member not in served, first_year  # nobody twice before everyone once
        served.add(member)
    owed = set(members) - served if served != set(members) else set(members)
    first = next_year[:len(owed)]
    assert set(first) <= owed and len(set(first)) == len(first), (first_year, next_year, owed)
    if rule.endswith("meeting"):
        # 5 + 5 meetings over three principals leave one turn served, two owed: a real continuation.
        assert 0 < len(owed) < len(members) and len(first) == len(owed)
    # The rotation state carries the same history on: last year's turns, then this year's.
    history = [m for _, m in year_plans[2][2].state_after.rotation(f"{rule}|{what}").history]
    assert history == first_year + next_year


def test_monthly_rule_skips_a_stub_month():
    # A spring term ending on Friday 2 July: July has two teaching days, too few for a monthly meeting.
    from datetime import date

    from models import TermCalendar

    term = TermCalendar(name="2027年春季学期", start=date(2027, 3, 1), end=date(2027, 7, 2), use_official_holidays=False,
                        holidays=(date(2027, 4, 5), date(2027, 5, 3), date(2027, 5, 4), date(2027, 5, 5)))
    s = scenario(term)
    sol = solution(s)
    meetings = tuple(r for r in rules() if r.kind == "joint_meeting")
    plan = plan_activities(s, sol, meetings, time_limit=LIMIT)
    assert plan.ok, plan.problems
    assert check_activities(s, sol, plan) == []
    months = sorted({(a.consortium, a.date.month) for a in plan.activities})
    assert months == [(c, m) for c in ("A", "B") for m in (3, 4, 5, 6)]
