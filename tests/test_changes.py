"""Changes during the term (tongbu substitute): a small consortium solved once, then change sets applied.

What is asserted is re-derived here by hand from solution.json and the change set, not taken from the
planner or from constraints/checks/changes.py: every substitute teaches the subject, is on the staff and
free at that clock time (with travel), within the daily limit; every swap stays within one class and one
week and clashes with nothing; feeds change only where the plan says, every other event keeps its bytes,
and ical.js (a second iCalendar implementation) reads the changed feeds.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

import cli
from constraints.checks import load_solution
from models.changes import read_plan
from models.validation import load_scenario
from models.term import teaching_days

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "changes_tiny"


def run(*args: str) -> object:
    return CliRunner().invoke(cli.main, ["--lang", "en", *args])


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("published") / "out"
    result = run("solve", str(FIXTURE), "--out", str(out), "--effort", "5", "--time-limit", "120", "--quiet")
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def changed(published, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("changed") / "out2"
    result = run("substitute", str(FIXTURE), str(published), "--changes", str(FIXTURE / "changes"), "--out", str(out))
    assert result.exit_code == 0, result.output
    return out


# -- hand-made helpers (deliberately not the planner's or the check's) ------------------------------------
def minutes(text: str) -> tuple[int, int]:
    a, b = text.split("-")
    return int(a[:2]) * 60 + int(a[3:]), int(b[:2]) * 60 + int(b[3:])


def period_minutes(scenario, school: str, day: date, period: int, length: int = 1) -> tuple[int, int]:
    periods = scenario.bells_of(school).periods_on(day)
    return (periods[period - 1].start.hour * 60 + periods[period - 1].start.minute,
            periods[period + length - 2].end.hour * 60 + periods[period + length - 2].end.minute)


def busy_on(scenario, solution, plan, teacher: str, day: date) -> list[tuple[int, int, str]]:
    """(start, end, school) of everything ``teacher`` does on ``day`` once the plan is applied."""
    follows = {d.date: d.follows for d in teaching_days(scenario)}[day]
    resolved = {(r.class_id, r.key): r for r in plan.resolutions if r.date == day}
    found = []
    for lesson in solution.lessons:
        if lesson.day != follows or lesson.sync_role == "receiving":
            continue
        r = resolved.get((lesson.class_id, lesson.key))
        who = lesson.teacher if r is None else (r.absent if r.kind == "swap" else r.teacher)
        if r is not None and r.kind in ("event", "uncovered"):
            continue
        if r is not None and r.kind == "swap":
            continue
        if any(s.swap_date == day and s.swap_key == lesson.key and s.class_id == lesson.class_id for s in plan.resolutions):
            continue  # moved away by a swap
        if who == teacher:
            window = period_minutes(scenario, lesson.school, day, lesson.period, lesson.length)
            place = scenario.teacher_by_id[teacher].school if r is not None and r.kind == "remote" else lesson.school
            found.append((*window, place))
    for r in plan.resolutions:
        if r.kind != "swap":
            continue
        if r.swap_date == day and r.absent == teacher:
            found.append((*minutes(r.swap_start), r.school))
        if r.date == day and r.swap_teacher == teacher:
            found.append((*minutes(r.start), r.school))
    return sorted(found)


def assert_no_overlap(scenario, items: list[tuple[int, int, str]], who: str) -> None:
    for (a0, a1, sa), (b0, b1, sb) in zip(items, items[1:]):
        travel = 0 if sa == sb else scenario.travel_minutes(sa, sb)
        assert travel is not None and b0 >= a1 + travel, f"{who}: {a0}-{a1} at {sa} and {b0}-{b1} at {sb}"


# -- input ---------------------------------------------------------------------------------------------------
def test_bad_change_input_names_file_row_and_field(published, tmp_path) -> None:
    changes = tmp_path / "changes"
    changes.mkdir()
    (changes / "changes.yaml").write_text("policy:\n  order: [substitute, teleport]\n", encoding="utf-8")
    (changes / "absences.csv").write_text("teacher,dates,periods,reason\nJ99,2026-11-02,,病假\n"
                                          "J01,2026-13-01,,病假\nJ03,2027-03-01,,病假\nJ04,2026-11-02,1-9,\n",
                                          encoding="utf-8-sig")
    (changes / "staff.csv").write_text("action,teacher,date,name,school,subjects\nretire,J05,2026-11-16,,,\n"
                                       "arrive,J50,2026-11-16,新老师,丙校,语文\narrive,J01,2026-11-16,王芳,甲校,语文\n",
                                       encoding="utf-8")
    (changes / "events.csv").write_text("编号,名称,日期,学校,年级,课表\nE1,运动会,2026-10-23,甲小,4-x,\n",
                                        encoding="utf-8")
    result = run("substitute", str(FIXTURE), str(published), "--changes", str(changes), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2, result.output
    out = result.output
    assert "changes/absences.csv, row 2, column teacher: 'J99' is not a teacher" in out
    assert "changes/absences.csv, row 3, column dates: cannot read '2026-13-01' as a date" in out
    assert "changes/absences.csv, row 4, column dates: 2027-03-01 is outside the term" in out
    assert "changes/absences.csv, row 5, column periods: cannot read '1-9' as periods 1..7" in out
    assert "changes/staff.csv, row 2, column action: 'retire' is not a change" in out
    assert "key policy.order" in out and "teleport" in out
    assert "changes/staff.csv, row 3, column school: '丙校' is not a school" in out
    assert "changes/staff.csv, row 4, column teacher: J01 is already a teacher" in out
    assert "changes/events.csv, row 2, column schools: '甲小' is not a school of the scenario" in out
    assert "changes/events.csv, row 2, column grades: cannot read '4-x' as grades" in out
    assert "warning: changes/events.csv, row 1, column 课表: unknown column" in out
    assert not (tmp_path / "o").exists()
    zh = CliRunner().invoke(cli.main, ["--lang", "zh", "substitute", str(FIXTURE), str(published), "--changes",
                                       str(changes), "--out", str(tmp_path / "o")])
    assert zh.exit_code == 2 and "第 2 行" in zh.output and "不是方案中的教师" in zh.output


def test_init_writes_a_change_template_that_loads(tmp_path) -> None:
    from models.changes import load_changes

    assert run("init", str(tmp_path / "new")).exit_code == 0
    changes = load_changes(tmp_path / "new", load_scenario(tmp_path / "new"))
    assert changes.absences and changes.events and len(changes.staff) == 3


# -- the plan --------------------------------------------------------------------------------------------------
def test_every_absent_lesson_is_covered_by_a_free_qualified_teacher_within_limits(published, changed) -> None:
    scenario, solution = load_scenario(FIXTURE), load_solution(published / "solution.json")
    plan = read_plan(changed / "changes" / "plan.json")
    teachers = {**scenario.teacher_by_id}
    kinds = defaultdict(int)
    for r in plan.resolutions:
        kinds[r.kind] += 1
    # J01 is ill the whole week of 2 November: all 12 of 语文 lessons (4(1), 4(2)) are resolved, none by J01.
    j01 = [r for r in plan.resolutions if r.absent == "J01" and date(2026, 11, 2) <= r.date <= date(2026, 11, 6)]
    assert len(j01) == 12 and all(r.teacher != "J01" for r in j01)
    assert kinds["uncovered"] == 0 and kinds["substitute"] >= 6
    # Grade 6 mornings of 4-5 November are the exam: their lessons are cancelled, nothing else of those classes.
    events = [r for r in plan.resolutions if r.kind == "event"]
    assert events and all(r.class_id.endswith("6(1)") and r.period <= 4 for r in events)
    # J02 leaves on 16 November: J09 takes over 语文 (J09 teaches it), 科学 is covered by others.
    takeover = [r for r in plan.resolutions if r.kind == "reassign"]
    assert takeover and {r.teacher for r in takeover} == {"J09"} and {r.subject for r in takeover} == {"语文"}
    assert all(r.date >= date(2026, 11, 16) for r in takeover)
    science = [r for r in plan.resolutions if r.absent == "J02" and r.subject == "科学"]
    assert science and all(r.teacher not in ("J02", None) for r in science)
    for r in plan.resolutions:
        if r.kind not in ("substitute", "remote", "self_study"):
            continue
        who = teachers[r.teacher]
        if r.kind != "self_study":
            assert r.subject in who.subjects, r
        if r.kind == "substitute" or r.kind == "self_study":
            assert r.school == who.school or r.school in who.also_schools, r
        items = busy_on(scenario, solution, plan, r.teacher, r.date)
        assert_no_overlap(scenario, items, f"{r.teacher} on {r.date}")
        assert len(items) <= who.max_daily, (r.teacher, r.date, items)
        assert r.reasons and all(en and zh for en, zh in r.reasons)
    per_week = defaultdict(int)
    for r in plan.resolutions:
        if r.kind in ("substitute", "remote", "self_study"):
            per_week[(r.teacher, r.week)] += 1
    assert max(per_week.values()) <= 4  # policy.max_extra_per_week
    assert plan.counts == {t: sum(n for (u, _w), n in per_week.items() if u == t) for t in {t for t, _w in per_week}}
    verified = run("verify", str(FIXTURE), str(changed))
    assert verified.exit_code == 0 and verified.output.strip().endswith("0 violations"), verified.output


def test_swaps_keep_every_rule(published, tmp_path) -> None:
    changes = tmp_path / "changes"
    changes.mkdir()
    (changes / "changes.yaml").write_text("policy:\n  order: [swap, substitute, self_study]\n", encoding="utf-8")
    (changes / "absences.csv").write_text("teacher,dates,periods,reason\nJ03,2026-11-10,,外出培训\n"
                                          "Y02,2026-11-11,,事假\n", encoding="utf-8")
    out = tmp_path / "out2"
    result = run("substitute", str(FIXTURE), str(published), "--changes", str(changes), "--out", str(out))
    assert result.exit_code == 0, result.output
    scenario, solution = load_scenario(FIXTURE), load_solution(published / "solution.json")
    plan = read_plan(out / "changes" / "plan.json")
    swaps = [r for r in plan.resolutions if r.kind == "swap"]
    assert len(swaps) >= 3
    lessons = {(x.class_id, x.key): x for x in solution.lessons}
    weeks = {d.date: d for d in teaching_days(scenario)}
    for r in swaps:
        partner = lessons[(r.class_id, r.swap_key)]
        assert r.swap_date is not None and r.swap_date.isocalendar()[1] == r.date.isocalendar()[1]
        assert weeks[r.swap_date].follows == partner.day and partner.teacher == r.swap_teacher
        assert r.teacher == r.absent and r.swap_date != r.date  # the absent teacher is away all day
        for teacher, day in ((r.absent, r.swap_date), (r.swap_teacher, r.date)):
            assert_no_overlap(scenario, busy_on(scenario, solution, plan, teacher, day), f"{teacher} {day}")
    # The class has one lesson at a time on every date a swap touches.
    for day in {r.date for r in swaps} | {r.swap_date for r in swaps}:
        for class_id in {r.class_id for r in swaps}:
            follows = weeks[day].follows
            mine = [s for s in swaps if s.class_id == class_id]
            gone = {s.key for s in mine if s.date == day} | {s.swap_key for s in mine if s.swap_date == day}
            slots = [x.period for x in solution.lessons
                     if x.class_id == class_id and x.day == follows and x.key not in gone]
            slots += [s.period for s in mine if s.date == day] + [s.swap_period for s in mine if s.swap_date == day]
            assert len(slots) == len(set(slots)), (class_id, day, slots)
    assert run("verify", str(FIXTURE), str(out)).exit_code == 0


def test_the_check_flags_a_busy_or_unqualified_substitute(published, changed) -> None:
    from constraints.checks import changes as change_checks
    from models.changes import load_changes

    scenario, solution = load_scenario(FIXTURE), load_solution(published / "solution.json")
    plan = read_plan(changed / "changes" / "plan.json")
    change_set = load_changes(FIXTURE / "changes", scenario)
    assert change_checks.check(scenario, solution, change_set, plan) == []
    index = next(i for i, r in enumerate(plan.resolutions) if r.kind == "substitute")
    first = plan.resolutions[index]
    busy = next(x.teacher for x in solution.lessons if x.school == first.school and x.teacher != first.absent
                and x.day.index == first.date.weekday() and x.period == first.period and x.subject != first.subject
                and first.subject not in scenario.teacher_by_id[x.teacher].subjects)
    broken = plan.model_copy(update={"resolutions": plan.resolutions[:index] + (first.model_copy(update={"teacher": busy}),)
                                     + plan.resolutions[index + 1:]})
    rules = {v.rule for v in change_checks.check(scenario, solution, change_set, broken)}
    assert {"changes.subject", "changes.clash"} <= rules
    dropped = plan.model_copy(update={"resolutions": plan.resolutions[:index] + plan.resolutions[index + 1:]})
    assert "changes.coverage" in {v.rule for v in change_checks.check(scenario, solution, change_set, dropped)}


# -- outputs -----------------------------------------------------------------------------------------------------
def events_of(path: Path) -> dict[str, bytes]:
    data = path.read_bytes()
    return {re.search(rb"\r\nUID:([^\r]+)\r\n", block).group(1).decode(): block
            for block in re.findall(rb"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", data, flags=re.S)}


def test_feeds_change_only_where_the_plan_says(published, changed) -> None:
    before = json.loads((published / "feeds" / "manifest.json").read_text(encoding="utf-8"))
    after = json.loads((changed / "feeds" / "manifest.json").read_text(encoding="utf-8"))
    old = {f["of"]: f for f in before["feeds"]}
    new = {f["of"]: f for f in after["feeds"]}
    assert set(new) == set(old) | {"J09"}  # the arriving teacher has a feed now
    changed_uids: set[str] = set()
    for of, entry in new.items():
        data = (changed / "feeds" / entry["file"]).read_bytes()
        import hashlib

        assert hashlib.sha256(data).hexdigest() == entry["sha256"] and len(data) == entry["bytes"]
        after_events = events_of(changed / "feeds" / entry["file"])
        before_events = events_of(published / "feeds" / old[of]["file"]) if of in old else {}
        assert entry["events"] == len(after_events)
        for uid, block in after_events.items():
            if block == before_events.get(uid):
                continue
            changed_uids.add(uid)
            sequence = int(re.search(rb"SEQUENCE:(\d+)", block).group(1))
            old_block = before_events.get(uid)
            if old_block is not None:
                assert sequence == int(re.search(rb"SEQUENCE:(\d+)", old_block).group(1)) + 1
        assert set(before_events) <= set(after_events)  # nothing disappears: cancelled events stay, cancelled
    plan = read_plan(changed / "changes" / "plan.json")
    j01 = events_of(changed / "feeds" / new["J01"]["file"])
    cancelled = [b for b in j01.values() if b"STATUS:CANCELLED" in b]
    assert len(cancelled) == sum(1 for r in plan.resolutions if r.absent == "J01")
    j07 = events_of(changed / "feeds" / new["J07"]["file"])
    covered = [r for r in plan.resolutions if r.teacher == "J07"]
    assert len(j07) - len(events_of(published / "feeds" / old["J07"]["file"])) == len(covered)
    assert all("代课".encode() in b or "看班".encode() in b for b in j07.values())
    # state.json stays in the writer's own form, with every changed event's SEQUENCE.
    from feeds.writer import _state_json, read_state

    state = read_state(changed)
    assert (changed / "feeds" / "state.json").read_text(encoding="utf-8") == _state_json(state)
    assert set(read_state(published)) < set(state)
    # Exactly the plan's events changed: each resolution's lesson (and swap partner), plus one event per class-day.
    expected = len({(r.class_id, r.key, r.date) for r in plan.resolutions})
    exams = len({(r.class_id, r.date) for r in plan.resolutions if r.kind == "event"})
    assert len(changed_uids) == expected + exams


def test_icaljs_reads_the_changed_feeds(published, changed) -> None:
    from test_feeds_icaljs import icaljs_folder

    folder = icaljs_folder()
    script = folder / "changes.mjs"
    script.write_text(r"""
import ICAL from "ical.js";
import { readFileSync } from "node:fs";
const result = {};
for (const path of process.argv.slice(2)) {
  const root = new ICAL.Component(ICAL.parse(readFileSync(path, "utf8")));
  result[path] = root.getAllSubcomponents("vevent").map((v) => {
    const e = new ICAL.Event(v);
    return [e.uid, e.startDate.toString(), e.endDate.toString(), v.getFirstPropertyValue("sequence"),
            v.getFirstPropertyValue("status") || "", e.summary];
  });
}
process.stdout.write(JSON.stringify(result));
""", encoding="utf-8")
    manifest = json.loads((changed / "feeds" / "manifest.json").read_text(encoding="utf-8"))
    files = {f["of"]: f["file"] for f in manifest["feeds"]}
    picked = [files[o] for o in ("J01", "J07", "J09", "甲校4(1)", "甲校")]
    paths = [str(changed / "feeds" / f) for f in picked] + [str(published / "feeds" / f) for f in picked if f != files["J09"]]
    done = subprocess.run(["node", str(script), *paths], cwd=folder, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    parsed = json.loads(done.stdout)
    plan = read_plan(changed / "changes" / "plan.json")
    for name in picked:
        after = {e[0]: e for e in parsed[str(changed / "feeds" / name)]}
        before = {e[0]: e for e in parsed.get(str(published / "feeds" / name), [])}
        for uid, event in before.items():
            if after[uid][3] == event[3]:
                assert after[uid] == event  # unchanged events read the same
            else:
                assert after[uid][3] == event[3] + 1
    j01 = parsed[str(changed / "feeds" / files["J01"])]
    assert sum(1 for e in j01 if e[4] == "CANCELLED") == sum(1 for r in plan.resolutions if r.absent == "J01")
    j09 = parsed[str(changed / "feeds" / files["J09"])]
    assert len(j09) == sum(1 for r in plan.resolutions if r.teacher == "J09") and all(e[4] == "" for e in j09)


def test_notices_and_determinism(published, changed, tmp_path) -> None:
    notices = changed / "changes" / "notices"
    assert (notices / "甲校.html").is_file() and (notices / "甲校.xlsx").is_file()
    assert (notices / "teachers" / "J01.html").is_file() and (notices / "teachers" / "J07.xlsx").is_file()
    html = (notices / "teachers" / "J07.html").read_text(encoding="utf-8")
    assert "代课" in html and "任教语文" in html
    csv = (changed / "changes" / "changes.csv").read_bytes()
    assert csv.startswith(b"\xef\xbb\xbf")
    again = tmp_path / "again"
    result = run("substitute", str(FIXTURE), str(published), "--changes", str(FIXTURE / "changes"), "--out", str(again))
    assert result.exit_code == 0
    for path in sorted(p for p in changed.rglob("*") if p.is_file()):
        assert (again / path.relative_to(changed)).read_bytes() == path.read_bytes(), path
    shutil.rmtree(again)


def test_a_second_run_keeps_the_first_and_counts_on(published, changed, tmp_path) -> None:
    """PUBLISHED may be an earlier run's OUT: its changes stay (same covers, same event bytes), the new ones
    join them, and the substitution counts go on over the term."""
    first = read_plan(changed / "changes" / "plan.json")
    changes = tmp_path / "changes"
    changes.mkdir()
    (changes / "absences.csv").write_text("teacher,dates\nJ01,2026-11-23..2026-11-24\n", encoding="utf-8")
    out = tmp_path / "out3"
    result = run("substitute", str(FIXTURE), str(changed), "--changes", str(changes), "--out", str(out))
    assert result.exit_code == 0, result.output
    second = read_plan(out / "changes" / "plan.json")
    earlier = {(r.date, r.class_id, r.key): r for r in first.resolutions}
    later = {(r.date, r.class_id, r.key): r for r in second.resolutions}
    assert set(earlier) < set(later)
    assert all(later[k] == r for k, r in earlier.items())
    new = [r for k, r in later.items() if k not in earlier]
    assert new and all(r.absent == "J01" and r.date in (date(2026, 11, 23), date(2026, 11, 24)) for r in new)
    covers = defaultdict(int)
    for r in second.resolutions:
        if r.kind in ("substitute", "remote", "self_study"):
            covers[r.teacher] += 1
    assert second.counts_before == first.counts_before == {} and second.counts == dict(covers)
    assert all(second.counts[t] >= n for t, n in first.counts.items())
    # Feeds: what the first run changed reads byte for byte the same; only the new lessons' events differ.
    manifest = json.loads((out / "feeds" / "manifest.json").read_text(encoding="utf-8"))
    differing = set()
    for entry in manifest["feeds"]:
        before, after = events_of(changed / "feeds" / entry["file"]), events_of(out / "feeds" / entry["file"])
        differing |= {uid for uid, block in after.items() if before.get(uid) != block}
    assert len(differing) == len({(r.class_id, r.key, r.date) for r in new})
    verified = run("verify", str(FIXTURE), str(out))
    assert verified.exit_code == 0, verified.output


def test_a_cancelled_event_is_what_icalendar_writes() -> None:
    """feeds/changes.py renders changed events with FeedRenderer and adds STATUS itself: the same bytes as
    icalendar's own component with STATUS added."""
    from datetime import datetime

    from feeds.changes import CANCELLED, END
    from feeds.events import ZONE, EventText, Occurrence
    from feeds.ical import FeedRenderer, dtstamp_for, event_component

    text = EventText(summary="【停课】数学 · 甲校 4(1)班 · 张伟", description="因六年级期中测试停课\n班级：甲校 4(1)班，第3节",
                     location="甲校（县城中心路1号）", categories=("数学", "调课代课"), geo=(29.3, 108.2))
    occurrence = Occurrence("abc-w10@tongbu", datetime(2026, 11, 4, 10, 10, tzinfo=ZONE),
                            datetime(2026, 11, 4, 10, 50, tzinfo=ZONE), text, ())
    stamp = dtstamp_for(date(2026, 9, 1))
    live = FeedRenderer(stamp).event(occurrence, 3)
    component = event_component(occurrence, 3, stamp)
    assert live == component.to_ical()
    component.add("status", "CANCELLED")
    assert live[: -len(END)] + CANCELLED + END == component.to_ical()


def test_a_bell_override_retimes_that_school_on_that_date(published, tmp_path) -> None:
    changes = tmp_path / "changes"
    changes.mkdir()
    (changes / "changes.yaml").write_text("bell_overrides:\n  - {schools: [乙校], bell_schedule: 县城作息, "
                                          "dates: '2026-12-01'}\n", encoding="utf-8")
    (changes / "absences.csv").write_text("teacher,dates\nY02,2026-12-01\n", encoding="utf-8")
    out = tmp_path / "out2"
    result = run("substitute", str(FIXTURE), str(published), "--changes", str(changes), "--out", str(out))
    assert result.exit_code == 0, result.output
    scenario, solution = load_scenario(FIXTURE), load_solution(published / "solution.json")
    manifest = json.loads((out / "feeds" / "manifest.json").read_text(encoding="utf-8"))
    school = next(f["file"] for f in manifest["feeds"] if f["of"] == "乙校")
    before, after = events_of(published / "feeds" / school), events_of(out / "feeds" / school)
    first_period = [b for b in after.values() if b"DTSTART;TZID=Asia/Shanghai:20261201T080000" in b]
    tuesday = [x for x in solution.lessons if x.school == "乙校" and x.day.value == "tue"]
    assert first_period and not any(b"20261201T082000" in b for b in after.values())  # village P1 was 08:20
    changed = {uid for uid, block in after.items() if before.get(uid) != block}
    assert len(changed) == len(tuesday)  # every lesson of 乙校 that Tuesday, and nothing else
    plan = read_plan(out / "changes" / "plan.json")
    assert all(r.start.startswith(("08:00", "08:50", "10:10", "11:00", "14:30", "15:20", "16:10"))
               for r in plan.resolutions)
    assert run("verify", str(FIXTURE), str(out)).exit_code == 0
    assert scenario.bells_of("乙校").id == "乡村作息"


def test_the_scenario_sets_the_order_and_a_change_set_may_override_it(published, tmp_path) -> None:
    scenario_folder = tmp_path / "scenario"
    shutil.copytree(FIXTURE, scenario_folder, ignore=shutil.ignore_patterns("changes"))
    yaml_path = scenario_folder / "scenario.yaml"
    yaml_path.write_text(yaml_path.read_text(encoding="utf-8") + "substitution:\n  order: [调课, 自习]\n", encoding="utf-8")
    changes = tmp_path / "changes"
    changes.mkdir()
    (changes / "absences.csv").write_text("teacher,dates\nJ03,2026-11-10\n", encoding="utf-8")
    out = tmp_path / "out2"
    assert run("substitute", str(scenario_folder), str(published), "--changes", str(changes), "--out", str(out)).exit_code == 0
    kinds = {r.kind for r in read_plan(out / "changes" / "plan.json").resolutions}
    assert kinds <= {"swap", "self_study"} and "swap" in kinds
    (changes / "changes.yaml").write_text("policy:\n  order: [substitute]\n", encoding="utf-8")
    out = tmp_path / "out3"
    assert run("substitute", str(scenario_folder), str(published), "--changes", str(changes), "--out", str(out)).exit_code == 0
    assert {r.kind for r in read_plan(out / "changes" / "plan.json").resolutions} <= {"substitute", "uncovered"}
    yaml_path.write_text(yaml_path.read_text(encoding="utf-8").replace("[调课, 自习]", "[调课, 请假]"), encoding="utf-8")
    bad = run("validate", str(scenario_folder))
    assert bad.exit_code == 2 and "substitution" in bad.output and "请假" in bad.output


def test_the_pages_show_the_changed_day(published, changed) -> None:
    """The phone pages read the feed bytes: a cancelled lesson is not shown, a cover is, in time order."""
    from feeds.reader import read_events

    manifest = json.loads((changed / "feeds" / "manifest.json").read_text(encoding="utf-8"))
    files = {f["of"]: f["file"] for f in manifest["feeds"]}
    plan = read_plan(changed / "changes" / "plan.json")
    j01 = read_events((changed / "feeds" / files["J01"]).read_bytes())
    absent_days = {r.date for r in plan.resolutions if r.absent == "J01"}
    assert not [e for e in j01 if e.day in absent_days]
    j07 = read_events((changed / "feeds" / files["J07"]).read_bytes())
    assert [e.start for e in j07] == sorted(e.start for e in j07)
    assert {e.day for e in j07} >= {r.date for r in plan.resolutions if r.teacher == "J07"}


def test_random_change_sets_pass_the_independent_check(published) -> None:
    """Seeded random change sets on the small consortium: every plan the model makes passes the check that
    shares no code with it (uncovered lessons aside, which the check reports as such)."""
    import random

    from constraints.checks import changes as change_checks
    from models.changes import Absence, ChangeEvent, ChangeSet
    from models.cover_policy import COVER_KINDS, ChangePolicy
    from scheduler.changes import plan_changes

    scenario, solution = load_scenario(FIXTURE), load_solution(published / "solution.json")
    days = [d.date for d in teaching_days(scenario) if date(2026, 11, 2) <= d.date <= date(2026, 11, 20)]
    teachers = sorted(scenario.teacher_by_id)
    seen: set[str] = set()
    for seed in range(6):
        rng = random.Random(seed)
        absences = []
        for teacher in rng.sample(teachers, rng.randint(2, 5)):
            first = rng.randrange(len(days) - 3)
            dates = tuple(days[first: first + rng.randint(1, 3)])
            periods = tuple(sorted(rng.sample(range(1, 8), rng.randint(2, 4)))) if rng.random() < 0.4 else ()
            absences.append(Absence(teacher=teacher, dates=dates, periods=periods, reason="病假"))
        events = (ChangeEvent(id="E", name="运动会", dates=(rng.choice(days),), grades=(rng.choice((4, 6)),),
                              periods=(5, 6, 7)),) if seed % 2 else ()
        order = tuple(rng.sample(COVER_KINDS, rng.randint(2, 4)))
        policy = ChangePolicy(order=order, max_extra_per_week=rng.randint(1, 4), max_extra_per_day=rng.randint(1, 2))
        change_set = ChangeSet(policy=policy, absences=tuple(absences), events=events)
        plan = plan_changes(scenario, solution, change_set, effort=2.0).plan
        assert plan.status == "optimal", seed
        problems = [v for v in change_checks.check(scenario, solution, change_set, plan) if v.rule != "changes.uncovered"]
        assert problems == [], (seed, problems[:3])
        assert {r.kind for r in plan.resolutions} <= set(order) | {"event", "uncovered"}
        seen.update(r.kind for r in plan.resolutions)
    assert {"substitute", "swap", "self_study", "remote"} <= seen


def test_a_bell_override_that_parts_a_sync_lesson_is_refused(published, tmp_path) -> None:
    scenario_folder = tmp_path / "scenario"
    shutil.copytree(FIXTURE, scenario_folder, ignore=shutil.ignore_patterns("changes"))
    yaml_path = scenario_folder / "scenario.yaml"
    late = "- id: 迟作息\n  days: [周一, 周二, 周三, 周四, 周五]\n  periods: [09:30-10:10, 10:20-11:00, 11:10-11:50, " \
           "12:00-12:40, 15:30-16:10, 16:20-17:00, 17:10-17:50]\nsubjects:\n"
    yaml_path.write_text(yaml_path.read_text(encoding="utf-8").replace("subjects:\n", late, 1), encoding="utf-8")
    solution = load_solution(published / "solution.json")
    sync_day = next(x.day for x in solution.lessons if x.sync_role == "receiving")
    day = next(d.date for d in teaching_days(load_scenario(FIXTURE))
               if d.follows == sync_day and d.date >= date(2026, 12, 1))
    changes = tmp_path / "changes"
    changes.mkdir()
    (changes / "changes.yaml").write_text(f"bell_overrides:\n  - {{schools: [乙校], bell_schedule: 迟作息, dates: '{day}'}}\n",
                                          encoding="utf-8")
    result = run("substitute", str(scenario_folder), str(published), "--changes", str(changes), "--out", str(tmp_path / "o"))
    assert result.exit_code == 1, result.output
    assert "sync lesson S1" in result.output and "no longer meet" in result.output
    assert not (tmp_path / "o").exists()


def test_swaps_keep_hard_pe_rules(published) -> None:
    from constraints.checks import changes as change_checks
    from models.changes import Absence, ChangeSet, Resolution
    from models.cover_policy import ChangePolicy
    from scheduler.changes import plan_changes

    base = load_scenario(FIXTURE)
    scenario = base.model_copy(update={"quality": base.quality.model_copy(update={"pe_not_first": "hard"})})
    solution = load_solution(published / "solution.json")
    monday = date(2026, 11, 9)
    change_set = ChangeSet(policy=ChangePolicy(order=("swap", "self_study")),
                           absences=(Absence(teacher="J06", dates=(monday,), reason="病假"),))
    plan = plan_changes(scenario, solution, change_set, effort=2.0).plan
    lessons = {(x.class_id, x.key): x for x in solution.lessons}
    swaps = [r for r in plan.resolutions if r.kind == "swap"]
    assert swaps and all(r.swap_period != 1 for r in swaps if r.subject == "体育与健康")
    assert change_checks.check(scenario, solution, change_set, plan) == []
    # A hand-made swap putting PE in period 1 is flagged.
    pe = next(x for x in solution.lessons if x.teacher == "J06" and x.subject == "体育与健康" and x.day.value == "mon"
              and x.period != 1)
    first = next(x for x in solution.lessons if x.class_id == pe.class_id and x.period == 1 and x.day.value == "tue"
                 and x.length == pe.length and x.teacher != "J06")
    bad = Resolution(date=monday, week=plan.resolutions[0].week, kind="swap", key=pe.key, **{"class": pe.class_id},
                     school=pe.school, subject=pe.subject, absent="J06", period=pe.period, start="00:00-00:01",
                     teacher="J06", swap_key=first.key, swap_date=date(2026, 11, 10), swap_period=1,
                     swap_teacher=first.teacher, swap_subject=first.subject, swap_start="08:00-08:40")
    rest = tuple(r for r in plan.resolutions if (r.class_id, r.key, r.date) != (pe.class_id, pe.key, monday))
    rules = {v.rule for v in change_checks.check(scenario, solution, change_set, plan.model_copy(
        update={"resolutions": rest + (bad,)}))}
    assert "changes.pe" in rules and lessons[(first.class_id, first.key)].period == 1


def test_an_assignment_change_hands_a_class_subject_over(published, tmp_path) -> None:
    changes = tmp_path / "changes"
    changes.mkdir()
    (changes / "staff.csv").write_text("变动,教师,日期,任教学科,班级\n任课调整,J07,2026-12-14,数学,甲校4(2)\n",
                                       encoding="utf-8-sig")
    out = tmp_path / "out2"
    result = run("substitute", str(FIXTURE), str(published), "--changes", str(changes), "--out", str(out))
    assert result.exit_code == 0, result.output
    scenario, solution = load_scenario(FIXTURE), load_solution(published / "solution.json")
    plan = read_plan(out / "changes" / "plan.json")
    weekly = sum(1 for x in solution.lessons if x.class_id == "甲校4(2)" and x.subject == "数学")
    days = [d for d in teaching_days(scenario) if d.date >= date(2026, 12, 14)]
    expected = sum(1 for d in days for x in solution.lessons
                   if x.class_id == "甲校4(2)" and x.subject == "数学" and x.day == d.follows)
    handed = [r for r in plan.resolutions if r.kind == "reassign"]
    assert weekly == 5 and len(handed) == expected
    assert {(r.absent, r.teacher, r.class_id, r.subject) for r in handed} == {("J03", "J07", "甲校4(2)", "数学")}
    assert run("verify", str(FIXTURE), str(out)).exit_code == 0
    (changes / "staff.csv").write_text("变动,教师,日期,任教学科,班级\n任课调整,J05,2026-12-14,数学,甲校4(2)\n",
                                       encoding="utf-8-sig")
    bad = run("substitute", str(FIXTURE), str(published), "--changes", str(changes), "--out", str(tmp_path / "o3"))
    assert bad.exit_code == 2 and "changes/staff.csv, row 2, column subjects: J05 does not teach 数学" in bad.output


def test_a_sync_lessons_receiving_class_follows_its_cover(published, tmp_path) -> None:
    solution = load_solution(published / "solution.json")
    teaching = next(x for x in solution.lessons if x.sync_role == "teaching")
    day = next(d.date for d in teaching_days(load_scenario(FIXTURE))
               if d.follows == teaching.day and d.date >= date(2026, 11, 16))
    changes = tmp_path / "changes"
    changes.mkdir()
    (changes / "absences.csv").write_text(f"teacher,dates\n{teaching.teacher},{day}\n", encoding="utf-8")
    out = tmp_path / "out2"
    assert run("substitute", str(FIXTURE), str(published), "--changes", str(changes), "--out", str(out)).exit_code == 0
    plan = read_plan(out / "changes" / "plan.json")
    cover = next(r for r in plan.resolutions if r.key == teaching.key and r.class_id == teaching.class_id)
    receiving = next(x for x in solution.lessons if x.sync_role == "receiving" and x.sync == teaching.sync
                     and x.day == teaching.day)
    assert cover.receiving == (receiving.class_id,) and cover.receiving_keys == (receiving.key,)
    manifest = json.loads((out / "feeds" / "manifest.json").read_text(encoding="utf-8"))
    feed = next(f["file"] for f in manifest["feeds"] if f["of"] == receiving.class_id)
    changed = [b for uid, b in events_of(out / "feeds" / feed).items()
               if events_of(published / "feeds" / feed).get(uid) != b]
    assert len(changed) == 1
    name = load_scenario(FIXTURE).teacher_by_id[cover.teacher].name if cover.teacher else ""
    text = changed[0].decode("utf-8").replace("\r\n ", "")
    assert (name and name in text) or "自习" in text or "CANCELLED" in text
    assert run("verify", str(FIXTURE), str(out)).exit_code == 0


def test_the_pengshui_change_set_is_valid_and_says_what_the_sample_promises() -> None:
    from models.changes import load_changes

    root = Path(__file__).resolve().parent.parent / "samples" / "pengshui"
    changes = load_changes(root / "changes", load_scenario(root))
    week = [a for a in changes.absences if len(a.dates) == 5 and not a.periods]
    assert len(week) == 3 and all(a.reason == "病假" for a in week)
    assert [len(a.dates) for a in changes.absences if a not in week] == [2]
    (exam,) = changes.events
    assert exam.grades == (6,) and len(exam.dates) == 5
    actions = sorted((s.action, s.teacher) for s in changes.staff)
    assert actions == [("arrive", "PS9001"), ("leave", "PS0222")]
    assert changes.leaves()["PS0222"].replaced_by == "PS9001"


def test_out_must_be_new_or_a_tongbu_output(published, tmp_path) -> None:
    precious = tmp_path / "documents"
    precious.mkdir()
    (precious / "letter.txt").write_text("keep me", encoding="utf-8")
    result = run("substitute", str(FIXTURE), str(published), "--changes", str(FIXTURE / "changes"), "--out", str(precious))
    assert result.exit_code == 2 and "not a tongbu output" in result.output
    assert (precious / "letter.txt").read_text(encoding="utf-8") == "keep me"
    same = run("substitute", str(FIXTURE), str(published), "--changes", str(FIXTURE / "changes"), "--out", str(published))
    assert same.exit_code == 2 and "PUBLISHED itself" in same.output
