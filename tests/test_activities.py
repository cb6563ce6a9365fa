"""Issue 6: the activity calendar — planning, independent checks, rotation across terms, draws, writers."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import date

import pytest

from models.status import Status
from scheduler.activities import (
    ActivitySpec, DrawError, RulesInvalid, activity_events, check_activities, draw, load_activity_rules,
    plan_activities, read_plan, write_activity_outputs,
)
from scheduler.activities.draw import draw_index
from test_activities_support import AUTUMN_2026, AUTUMN_2027, SPRING_2027, rules, scenario, solution

LIMIT = 5


@pytest.fixture(scope="module")
def autumn():
    s = scenario(AUTUMN_2026)
    sol = solution(s)
    return s, sol, plan_activities(s, sol, rules(), time_limit=LIMIT)


def test_full_term_plan_verifies(autumn):
    s, sol, plan = autumn
    assert plan.ok, plan.problems
    assert check_activities(s, sol, plan) == []
    by_rule = {r.id: sum(1 for a in plan.activities if a.rule == r.id) for r in plan.rules}
    # Sep..Jan: five months with teaching days; 2 demos, 3 exchanges, 1 forum, 1 assessment, 2 spot checks.
    assert by_rule["A-meeting"] == 5 and by_rule["A-demo"] == 2 and by_rule["A-exchange"] == 3
    assert by_rule["A-forum"] == 1 and by_rule["A-assessment"] == 1 and by_rule["A-spot"] == 2


def test_no_meeting_on_a_principals_lesson(autumn):
    s, _, plan = autumn
    # t01 (principal of a1) teaches Tue/Thu 14:00-14:40 and Wed 14:50-15:30 at a1.
    lessons = {1: (14 * 60, 14 * 60 + 40), 3: (14 * 60, 14 * 60 + 40), 2: (14 * 60 + 50, 15 * 60 + 30)}
    checked = [a for a in plan.activities
               if "t01" in a.everyone and a.kind != "assessment" and a.date.weekday() in lessons]
    # A's five joint meetings all involve its principal t01; the planner picks their weekdays, so only
    # "at least one falls on a day t01 teaches" is fixed, and without it this test would check nothing.
    assert sum(1 for a in plan.activities if a.rule == "A-meeting" and "t01" in a.everyone) == 5
    assert checked, "no activity of t01 falls on a Tue/Wed/Thu: the lesson clash is never checked"
    for a in checked:
        travel = s.travel_minutes("a1", a.host) if a.host and a.mode != "online" else 0
        start, end = lessons[a.date.weekday()]
        assert a.end + travel <= start or end + travel <= a.start, a


def test_chairs_rotate_and_differ_by_at_most_one(autumn):
    _, _, plan = autumn
    meetings = sorted((a for a in plan.activities if a.rule == "A-meeting"), key=lambda a: a.date)
    chairs = [a.chair for a in meetings]
    assert sorted(chairs[:3]) == ["t01", "t06", "t11"]  # every principal once before anyone twice
    counts = plan.state_after.rotation("A-meeting|chair").year
    assert max(counts.values()) - min(counts.values()) <= 1
    assert all(a.host == {"t01": "a1", "t06": "a2", "t11": "a3"}[a.chair] for a in meetings)


def test_spread_over_window(autumn):
    _, _, plan = autumn
    exchanges = sorted(a.date for a in plan.activities if a.rule == "B-exchange")
    assert exchanges[0].month <= 10 and exchanges[-1] >= date(2026, 12, 1)
    spots = [a for a in plan.activities if a.kind == "spot_check"]
    assert len(spots) == 4  # two per consortium, A and B
    assert all(date(2026, 11, 1) <= a.date <= date(2026, 12, 31) for a in spots)


def test_research_officer_never_double_booked(autumn):
    _, _, plan = autumn
    officer_days = [a.date for a in plan.activities if "t31" in a.everyone]
    assert len(officer_days) == len(set(officer_days)) >= 8


def test_next_terms_continue_the_rotation(autumn):
    s1, _, plan1 = autumn
    history = list(plan1.state_after.rotation("A-meeting|chair").history)
    state = plan1.state_after
    for term in (SPRING_2027, AUTUMN_2027):
        s = scenario(term)
        sol = solution(s)
        plan = plan_activities(s, sol, rules(), state=state, time_limit=LIMIT)
        assert plan.ok and check_activities(s, sol, plan) == []
        history += [(str(a.date), a.chair) for a in sorted(plan.activities, key=lambda a: a.date) if a.rule == "A-meeting"]
        state = plan.state_after
    chairs = [c for _, c in history]
    assert len(chairs) == 15  # a meeting a month: five months with teaching days in each of the three terms
    # Across three terms the chair sequence is one unbroken round-robin: each window of 3 is a permutation.
    for at in range(0, len(chairs) - 2, 3):
        assert sorted(chairs[at:at + 3]) == ["t01", "t06", "t11"], chairs
    # Year counts restarted for 2027-2028 but the round did not.
    assert state.school_year == "2027-2028"
    assert sum(state.rotation("A-meeting|chair").year.values()) == 5


def test_checker_flags_a_lesson_clash_and_a_rotation_break(autumn):
    s, sol, plan = autumn
    meetings = sorted((a for a in plan.activities if a.rule == "A-meeting"), key=lambda a: a.date)
    clash = dataclasses.replace(meetings[0], date=date(2026, 9, 16), start=14 * 60 + 30, end=16 * 60, host="a1", chair="t01")
    repeat = dataclasses.replace(meetings[1], chair="t01", host="a1")
    bad = dataclasses.replace(plan, activities=tuple(clash if a is meetings[0] else repeat if a is meetings[1] else a
                                                      for a in plan.activities))
    found = check_activities(s, sol, bad)
    texts = " | ".join(v.en for v in found)
    assert "李老师1 (t01) has 道德与法治 a1-4-2 14:50-15:30 at a1" in texts
    assert "rule A-meeting chair rotation: t01 serves again before" in texts
    assert all(v.zh for v in found)


def test_checker_flags_double_booking(autumn):
    s, sol, plan = autumn
    a_demo = next(a for a in plan.activities if a.rule == "A-demo")
    b_demo = next(a for a in plan.activities if a.rule == "B-demo")
    moved = dataclasses.replace(b_demo, date=a_demo.date, start=a_demo.start, end=a_demo.end)
    bad = dataclasses.replace(plan, activities=tuple(moved if a is b_demo else a for a in plan.activities))
    assert any("is double-booked on" in en and "t31" in en for en in (v.en for v in check_activities(s, sol, bad)))


def test_outputs_are_deterministic_and_read_back(autumn, tmp_path):
    s, sol, plan = autumn
    first = write_activity_outputs(plan, tmp_path / "one")
    second = write_activity_outputs(plan, tmp_path / "two")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    assert (tmp_path / "one" / "calendar.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    again = read_plan(tmp_path / "one")
    assert again.activities == plan.activities and check_activities(s, sol, again) == []
    fairness = (tmp_path / "one" / "fairness.csv").read_text(encoding="utf-8-sig")
    chaired = sum(1 for a in plan.activities if a.rule == "A-meeting" and a.chair == "t01")
    hosted = sum(1 for a in plan.activities if a.rule == "A-meeting" and a.host == "a1")
    assert f"联席会议,城关一小,李老师1,{chaired},{hosted},{chaired},{hosted}" in fairness


def test_events_have_stable_unique_uids(autumn):
    _, _, plan = autumn
    events = activity_events(plan)
    assert len({e.uid for e in events}) == len(events) == len(plan.activities)
    meeting = next(e for e in events if e.summary == "【城关一小教共体】联席会议")
    assert meeting.start.tzinfo is None and meeting.consortium == "A" and "主持人" in meeting.description


def test_same_input_same_plan():
    s = scenario(AUTUMN_2026)
    sol = solution(s)
    small = tuple(r for r in rules() if r.kind == "joint_meeting")
    one, two = (plan_activities(s, sol, small, time_limit=1) for _ in range(2))
    assert one.activities == two.activities and one.ok


def test_draw_is_reproducible_and_cycles(autumn):
    s, sol, plan = autumn
    spots = [a for a in plan.activities if a.kind == "spot_check" and a.consortium == "A"]
    record = draw(s, sol, plan, spots[0].id, seed="county-2026", records=[])
    assert record == draw(s, sol, plan, spots[0].id, seed="county-2026", records=[])
    text = f"county-2026|{spots[0].date.isoformat()}|{','.join(record.eligible)}"
    digest = hashlib.sha256(text.encode()).hexdigest()
    assert (record.text, record.digest) == (text, digest)
    assert record.teacher == record.eligible[int(digest, 16) % len(record.eligible)]
    second = draw(s, sol, plan, spots[1].id, seed="county-2026", records=[record])
    assert second.teacher != record.teacher and record.teacher not in second.eligible
    with pytest.raises(DrawError):
        draw(s, sol, plan, spots[0].id, seed="other", records=[record])


def test_draw_never_repeats_before_everyone_drawn():
    pool = [f"t{i}" for i in range(5)]
    drawn, cycle = [], set()
    for day in range(1, 11):
        eligible = sorted(set(pool) - cycle) or pool
        _, _, index = draw_index("s", date(2026, 11, day), eligible)
        drawn.append(eligible[index])
        cycle = set() if len(cycle | {eligible[index]}) == len(pool) else cycle | {eligible[index]}
    assert sorted(drawn[:5]) == pool and sorted(drawn[5:]) == pool


def test_rules_file_and_bad_rules(tmp_path):
    (tmp_path / "activity_rules.yaml").write_text(
        "activity_rules:\n"
        "  - {id: m, consortium: A, kind: joint_meeting, frequency: monthly, host: chair_school}\n"
        "  - {id: x, consortium: A, kind: exchange, count: 3, window: 09-12 至 12-31, attendees: 'subject:数学'}\n",
        encoding="utf-8")
    loaded = load_activity_rules(tmp_path, scenario())
    assert [r.id for r in loaded] == ["m", "x"]
    assert loaded[1].window_dates(date(2026, 9, 1), date(2027, 1, 22)) == (date(2026, 9, 12), date(2026, 12, 31))
    (tmp_path / "activity_rules.yaml").write_text(
        "activity_rules:\n  - {id: q, consortium: Z, kind: party, count: 1}\n  - {id: r, consortium: Z, kind: forum}\n",
        encoding="utf-8")
    with pytest.raises(RulesInvalid) as err:
        load_activity_rules(tmp_path, scenario())
    ens = [en for en, _ in err.value.problems]
    assert any("kind 'party' is not one of" in en for en in ens)
    assert "rule r: unknown consortium 'Z'" in ens


def test_unreachable_window_is_reported():
    s = scenario(AUTUMN_2026)
    # Every principal teaches at 14:00 on Tuesdays; a Tuesday-only meeting at 14:00-14:40 cannot happen.
    rule = ActivitySpec(id="m", consortium="A", kind="joint_meeting", count=1, weekdays=("tue",), time="14:00-14:40",
                        minutes=40, host="chair_school")
    plan = plan_activities(s, solution(s), (rule,), time_limit=1)
    assert plan.status == Status.INFEASIBLE and "no date" in plan.problems[0][0]
