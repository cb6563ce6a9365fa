"""Benchmark the activity calendar (issue 6) on the real samples over a school year and into the next.

For each sample county (pengshui, yangcheng, zhangping): the term timetable is solved once (or read
with ``--solution county=PATH``; solutions this script solves are cached under
``OUT/<county>/solution.json`` so reruns are quick), then the activities of three terms are planned
around that same weekly timetable, each continuing the rotation state the previous plan left:

* autumn 2026 (the sample's own term), spring 2027 (same school year 2026-2027), autumn 2027 (the
  next school year: year counts restart, the rotation rounds must not).

It prints per county and term: activities planned, planning seconds, ``check_activities``
violations, chair and host counts per rotation (min/max over the school year, per weight for
hosts), whether the first turns of autumn 2027 are exactly the members the 2026-2027 round still
owed (the rotation continues instead of restarting), and a spot-check draw run twice with the same
seed through ``tongbu draw`` in two fresh output folders (anyone rerunning it gets the same teacher).

Usage:
    .venv/bin/python bench/bench_activities.py [--counties pengshui yangcheng zhangping]
        [--solution pengshui=out/x/solution.json] [--time-limit 120] [--plan-time-limit 30]
        [--out out/bench_activities] [--markdown bench/results/activities.md]

The 2027 and 2028 holidays are declared here (chinesecalendar 1.11 stops at 2026): they are assumed,
patterned on 2021 (a year with the same weekdays) and the 2025 holiday rules, until the State
Council publishes the real arrangement; a school replaces them in its scenario.yaml.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from models.bells import BellSchedule, BellSeason  # noqa: E402
from models.calendar import MakeupDay, TermCalendar  # noqa: E402
from models.enums import SchoolRole, Weekday  # noqa: E402
from models.scenario import Scenario  # noqa: E402
from models.solution import Solution  # noqa: E402

COUNTIES = ("pengshui", "yangcheng", "zhangping")
DRAW_SEED = "2026-11-01 教研室公开种子"


def _days(first: str, last: str) -> tuple[date, ...]:
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    return tuple(start + timedelta(days=i) for i in range((end - start).days + 1))


# 春节 2027 (Feb 6): 除夕 to 初八, in the winter break; 清明 Apr 3–5; 劳动节 May 1–5 with make-up
# Sundays/Saturdays Apr 25 and May 8 (teaching the Tuesday and Wednesday lost); 端午 Jun 9.
SPRING_2027 = TermCalendar(
    name="2027年春季学期", start=date(2027, 2, 22), end=date(2027, 7, 2), use_official_holidays=False,
    holidays=_days("2027-02-05", "2027-02-13") + _days("2027-04-03", "2027-04-05") + _days("2027-05-01", "2027-05-05")
    + (date(2027, 6, 9),),
    makeup_days=(MakeupDay(date=date(2027, 4, 25), follows=Weekday.TUE),
                 MakeupDay(date=date(2027, 5, 8), follows=Weekday.WED)),
    assessment_days=(date(2027, 6, 29), date(2027, 6, 30)))
# 中秋 Sep 15; 国庆 Oct 1–7 with make-up days Sep 26 and Oct 9; 元旦 2028 Jan 1–3.
AUTUMN_2027 = TermCalendar(
    name="2027年秋季学期", start=date(2027, 9, 1), end=date(2028, 1, 21), use_official_holidays=False,
    holidays=(date(2027, 9, 15),) + _days("2027-10-01", "2027-10-07") + _days("2028-01-01", "2028-01-03"),
    makeup_days=(MakeupDay(date=date(2027, 9, 26), follows=Weekday.MON),
                 MakeupDay(date=date(2027, 10, 9), follows=Weekday.TUE)),
    assessment_days=(date(2028, 1, 13), date(2028, 1, 14)))


def _replace_year(day: date, year: int) -> date:
    return day.replace(year=year) if not (day.month == 2 and day.day == 29) else date(year, 2, 28)


def term_bells(bells: BellSchedule, term: TermCalendar) -> BellSchedule:
    """The sample's bell schedule moved to another term: seasons are yearly (winter from October).

    Autumn: each season starts on the same month-day of the term's year. Spring: the seasons in force
    at the end of autumn (winter) hold from the term start until 1 May, when the base (summer) times
    return, as schools switch 作息 twice a year.
    """
    if not bells.seasons:
        return bells
    if term.start.month >= 7:
        seasons = tuple(BellSeason(name=s.name, starts=_replace_year(s.starts, term.start.year), periods=s.periods)
                        for s in bells.seasons)
    else:
        last = max(bells.seasons, key=lambda s: s.starts)
        seasons = (BellSeason(name=last.name, starts=term.start, periods=last.periods),
                   BellSeason(name="夏季作息", starts=date(term.start.year, 5, 1), periods=bells.periods))
    return bells.model_copy(update={"seasons": seasons})


def scenario_for_term(scenario: Scenario, term: TermCalendar) -> Scenario:
    """The same consortia and weekly timetable in another term (a new object: cached lookups are rebuilt)."""
    fields = {name: getattr(scenario, name) for name in type(scenario).model_fields}
    fields["term"] = term
    fields["bell_schedules"] = tuple(term_bells(b, term) for b in scenario.bell_schedules)
    return type(scenario)(**fields)


# --- solving (once per county) -------------------------------------------------------------------

def county_solution(county: str, scenario: Scenario, given: Path | None, out: Path, time_limit: float) -> tuple[Solution, str]:
    from constraints.checks import load_solution

    if given is not None:
        return load_solution(given), f"read {given}"
    cached = out / county / "solution.json"
    if cached.is_file():
        return load_solution(cached), f"cached {cached}"
    from models.solution import solution_json
    from scheduler.timetable.solve import solve_scenario

    started = time.perf_counter()
    result = solve_scenario(scenario, time_limit=time_limit, seed=0, workers=2)
    seconds = time.perf_counter() - started
    if result.solution is None:
        raise SystemExit(f"{county}: the timetable solve found no solution ({result.status})")
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_text(solution_json(result.solution), encoding="utf-8")
    return result.solution, f"solved {result.status} in {seconds:.0f} s (time limit {time_limit:g}), cached {cached}"


# --- rotations -----------------------------------------------------------------------------------

@dataclass
class RotationFigures:
    """One rotation (a rule's chair or host) over the plans of a school year."""

    rule: str
    what: str  # chair | host
    weights: dict[str, int]
    counts: Counter = field(default_factory=Counter)

    def spread(self) -> tuple[float, float]:
        ratios = [self.counts[m] / w for m, w in self.weights.items()]
        return min(ratios), max(ratios)


def rotation_members(scenario: Scenario, solution: Solution, rule, what: str) -> dict[str, int]:
    """Who takes turns and with what weight, recomputed from the scenario (not from the solver)."""
    from constraints.checks.activities import _host_weights

    schools = sorted(s.id for s in scenario.schools if s.consortium == rule.consortium)
    if what == "chair":
        pool = [s for s in schools if rule.chair_pool == "all" or scenario.school_by_id[s].role != SchoolRole.LEAD]
        return {t.id: 1 for t in scenario.teachers if "principal" in t.roles and t.school in pool}
    if rule.host == "chair_school":
        return {}
    return _host_weights(scenario, solution, rule)


def rotations_of(scenario: Scenario, solution: Solution, rules) -> list[RotationFigures]:
    found = []
    for rule in rules:
        if rule.chair == "rotating":
            found.append(RotationFigures(rule.id, "chair", rotation_members(scenario, solution, rule, "chair")))
        if rule.host in ("rotating", "chair_school"):
            weights = rotation_members(scenario, solution, rule, "host")
            if rule.host == "chair_school":
                chairs = rotation_members(scenario, solution, rule, "chair")
                weights = {s: 1 for s in sorted({scenario.teacher_by_id[p].school for p in chairs})}
            found.append(RotationFigures(rule.id, "host", weights))
    return found


def served(plan, rule_id: str, what: str) -> list[str]:
    mine = sorted((a for a in plan.activities if a.rule == rule_id), key=lambda a: (a.date, a.start))
    return [(a.chair if what == "chair" else a.host) or "" for a in mine]


def continues_round(weights: dict[str, int], prior_round: dict[str, int], sequence: list[str]) -> tuple[bool, str]:
    """Do the first turns of ``sequence`` give exactly the turns the unfinished round still owes?"""
    owed = Counter({m: w - min(prior_round.get(m, 0), w) for m, w in weights.items()})
    if sum(owed.values()) == 0 or sum(owed.values()) == sum(weights.values()):
        owed = Counter(weights)  # the round ended exactly: a full new round is owed
    n = sum(owed.values())
    first = Counter(sequence[:n])
    ok = all(first[m] <= owed[m] for m in first) and sum(first.values()) == min(n, len(sequence))
    return ok, f"owed {n} turn(s), first {min(n, len(sequence))} of next year {'match' if ok else 'DO NOT match'}"


# --- the draw ------------------------------------------------------------------------------------

def cli_draw_twice(county: str, folder: Path, term_out: Path, activity_id: str) -> list[str]:
    """Run ``tongbu draw`` in two fresh copies of the published output (as two people would)."""
    lines = []
    for copy in ("draw-a", "draw-b"):
        target = term_out.parent / f"{term_out.name}-{copy}"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(term_out, target)
        (target / "activities" / "draws.json").unlink(missing_ok=True)
        result = subprocess.run([sys.executable, "-m", "cli", "--lang", "en", "draw", str(folder), str(target),
                                 activity_id, "--seed", DRAW_SEED], cwd=ROOT, capture_output=True, text=True)
        text = (result.stdout + result.stderr).strip()
        # The published text lists every eligible id; the teacher and the draw's index are what matter here.
        lines.append(text.split(" (sha256 of")[0] if result.returncode == 0 else f"exit {result.returncode}: {text}")
    return lines


# --- main ----------------------------------------------------------------------------------------

@dataclass
class Row:
    county: str
    term: str
    activities: int
    kinds: str
    seconds: float
    status: str
    violations: int
    rotation: str
    continues: str = ""
    cpu: float = 0.0
    quality: str = ""


def quality_of(scenario: Scenario, solution: Solution, plan) -> str:
    """The objective and its two main parts over the planned occurrences (debriefs aside): days from the centre
    of each occurrence's part of the window, and the attendees' travel minutes to the in-person hosts."""
    from scheduler.activities.context import ActivityContext

    if not plan.ok:
        return ""
    ctx = ActivityContext(scenario, solution)
    centres = {f"{ctx.school_year}/{ctx.season}/{slot.id}": (slot.centre, rule)
               for rule in plan.rules if rule.kind != "debrief" for slot in ctx.slots(rule)}
    spread = travel = 0
    for activity in plan.activities:
        if activity.id not in centres:
            continue
        centre, rule = centres[activity.id]
        spread += abs((activity.date - centre).days)
        if rule.in_person and activity.host:
            travel += sum(ctx.travel(scenario.teacher_by_id[p].school, activity.host) or 0 for p in activity.attendees)
    return f"{plan.objective:g} ({spread} d, {travel} min)"


def run_county(county: str, args: argparse.Namespace, given: Path | None, report: list[str]) -> list[Row]:
    from scheduler.activities import check_activities, draw, load_activity_rules, plan_activities, write_activity_outputs
    from models.solution import solution_json

    folder = ROOT / "samples" / county
    from models.validation import load_scenario

    base = load_scenario(folder)
    rules = load_activity_rules(folder, base)
    solution, how = county_solution(county, base, given, args.out, args.time_limit)
    report.append(f"* {county}: {len(base.schools)} schools, {len(base.consortia)} consortia, {len(rules)} rules; "
                  f"timetable {how}")
    terms = [("autumn 2026", base.term), ("spring 2027", SPRING_2027), ("autumn 2027", AUTUMN_2027)]
    rows: list[Row] = []
    state = None
    year_figures: dict[str, list[RotationFigures]] = {}
    plans = {}
    for label, term in terms:
        scenario = base if term is base.term else scenario_for_term(base, term)
        started, cpu = time.perf_counter(), time.process_time()
        plan = plan_activities(scenario, solution, rules, state=state, seed=0, time_limit=args.plan_time_limit)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        problems = check_activities(scenario, solution, plan)
        for en in [v.en for v in problems[:5]]:
            report.append(f"  - {county} {label}: {en}")
        for en, _ in plan.problems[:5]:
            report.append(f"  - {county} {label} (planner): {en}")
        term_out = args.out / county / label.replace(" ", "-")
        term_out.mkdir(parents=True, exist_ok=True)
        (term_out / "solution.json").write_text(solution_json(solution), encoding="utf-8")
        if plan.ok:
            write_activity_outputs(plan, term_out / "activities")
        figures = year_figures.setdefault(plan.school_year, rotations_of(scenario, solution, rules))
        for fig in figures:
            fig.counts.update(m for m in served(plan, fig.rule, fig.what) if m)
        kinds = Counter(a.kind for a in plan.activities)
        rows.append(Row(county, label, len(plan.activities), ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())),
                        seconds, plan.status, len(problems), "", cpu=cpu,
                        quality=quality_of(scenario, solution, plan)))
        plans[label] = (scenario, plan, term_out)
        state = plan.state_after
    # Rotation figures per school year (after its last plan) and the continuation into 2027-2028.
    for row in rows:
        scenario, plan, _ = plans[row.term]
        figures = year_figures[plan.school_year]
        parts = []
        for what in ("chair", "host"):
            mine = [f for f in figures if f.what == what and f.weights]
            if not mine:
                fixed = sorted({getattr(r, what) for r in rules} - {"rotating", "chair_school"})
                parts.append(f"{what}s: not rotating ({', '.join(fixed)})")
                continue
            lows, highs = zip(*(f.spread() for f in mine))
            worst = max(h - lo for lo, h in zip(lows, highs))
            turns = sum(sum(f.counts.values()) for f in mine)
            parts.append(f"{what}s: {len(mine)} rotations, {turns} turns, per member {min(lows):g}–{max(highs):g}"
                         f"{' (per weight)' if what == 'host' else ''}, max−min within a rotation {worst:g}")
        row.rotation = "; ".join(parts)
    autumn27 = plans["autumn 2027"][1]
    oks, notes = [], []
    for fig in rotations_of(base, solution, rules):
        if not fig.weights:
            continue
        prior = autumn27.state_before.rotation(f"{fig.rule}|{fig.what}").round
        ok, note = continues_round(fig.weights, prior, served(autumn27, fig.rule, fig.what))
        oks.append(ok)
        if not ok:
            notes.append(f"{fig.rule} {fig.what}: {note}")
        # The state's own history must be last year's turns followed by this year's.
        history = [m for _, m in autumn27.state_after.rotation(f"{fig.rule}|{fig.what}").history]
        first_year = [m for lbl in ("autumn 2026", "spring 2027") for m in served(plans[lbl][1], fig.rule, fig.what)]
        if history[:len(first_year)] != first_year:
            oks.append(False)
            notes.append(f"{fig.rule} {fig.what}: state history does not start with 2026-2027's turns")
    if not autumn27.ok:
        oks, notes = [False], ["autumn 2027 was not planned"]
    rows[-1].continues = (f"{sum(oks)}/{len(oks)} rotations continue the 2026-2027 round" if oks else "no rotation") + (
        "; " + "; ".join(notes[:3]) if notes else "")
    # The longest rotation as an example: the turns of 2026-2027 and of 2027-2028 in order.
    longest = max((f for f in rotations_of(base, solution, rules) if f.weights), default=None,
                  key=lambda f: (f.what == "chair", len(served(autumn27, f.rule, f.what)), f.rule))
    if longest:
        year1 = [m for lbl in ("autumn 2026", "spring 2027") for m in served(plans[lbl][1], longest.rule, longest.what)]
        prior = autumn27.state_before.rotation(f"{longest.rule}|{longest.what}").round
        report.append(f"  - {county} example {longest.rule} {longest.what} (already served in the round still open at the end of 2026-2027: "
                      f"{', '.join(sorted(prior)) or 'none'}): 2026-2027 {' '.join(year1)} | 2027-2028 "
                      f"{' '.join(served(autumn27, longest.rule, longest.what))}")
    # Spot checks: draw twice with the same seed, by the library and through the CLI in two fresh folders.
    for label, (scenario, plan, term_out) in plans.items():
        spots = [a for a in plan.activities if a.kind == "spot_check"]
        if not spots:
            continue
        first = spots[0]
        one = draw(scenario, solution, plan, first.id, seed=DRAW_SEED, records=[])
        two = draw(scenario, solution, plan, first.id, seed=DRAW_SEED, records=[])
        report.append(f"  - {county} {label} draw {first.id} seed '{DRAW_SEED}': library twice -> {one.teacher}, "
                      f"{two.teacher} (index {one.index} of {len(one.eligible)}, sha256 {one.digest[:12]}…)")
        if args.cli_draw:
            for line in cli_draw_twice(county, folder, term_out, first.id):
                report.append(f"    `tongbu draw`: {line}")
        break
    return rows


def markdown(rows: list[Row], report: list[str], args: argparse.Namespace, wall: float) -> str:
    head = ("| county | term | activities | by kind | plan s (CPU s) | status | objective (spread, travel) | violations | "
            "chairs / hosts over the school year | next year continues |\n|---|---|---:|---|---:|---|---:|---:|---|---|\n")
    body = "".join(f"| {r.county} | {r.term} | {r.activities} | {r.kinds} | {r.seconds:.1f} ({r.cpu:.1f}) | {r.status} | "
                   f"{r.quality} | {r.violations} | {r.rotation} | {r.continues} |\n" for r in rows)
    return (f"# Activity calendar over a school year and into the next (issue 6)\n\n"
            f"`.venv/bin/python bench/bench_activities.py {' '.join(sys.argv[1:])}`; plan time limit "
            f"{args.plan_time_limit:g} s (deterministic budget), seed 0; total wall {wall:.0f} s on the shared 2-core "
            f"machine.\n\n" + head + body + "\n" + "\n".join(report) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counties", nargs="*", default=list(COUNTIES), choices=COUNTIES)
    parser.add_argument("--solution", action="append", default=[], metavar="COUNTY=PATH",
                        help="reuse a solved solution.json for a county")
    parser.add_argument("--time-limit", type=float, default=120.0, help="timetable solve limit (seconds)")
    parser.add_argument("--plan-time-limit", type=float, default=30.0, help="activity planning limit per term")
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "bench_activities")
    parser.add_argument("--no-cli-draw", dest="cli_draw", action="store_false",
                        help="skip the two `tongbu draw` runs")
    parser.add_argument("--markdown", type=Path, default=None, help="also write the table here")
    args = parser.parse_args()
    given = {}
    for item in args.solution:
        county, _, path = item.partition("=")
        if county not in COUNTIES or not path:
            parser.error(f"--solution {item}: expected COUNTY=PATH with COUNTY one of {', '.join(COUNTIES)}")
        given[county] = Path(path)
    started = time.perf_counter()
    rows: list[Row] = []
    report: list[str] = []
    for county in args.counties:
        rows += run_county(county, args, given.get(county), report)
        print(f"{county} done", file=sys.stderr, flush=True)
    text = markdown(rows, report, args, time.perf_counter() - started)
    print(text)
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
