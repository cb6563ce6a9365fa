"""Hand-over: the scenario of one planned school year, with placed teachers at their host schools.

A placed teacher's ``school`` becomes the host school, so ``tongbu solve`` timetables them there;
their home school (人事关系, unchanged by a placement) is kept in ``roles`` as ``affiliation:<home
school id>`` and in the sidecar ``exchange_affiliation.csv`` (teacher, name, home, host, year, kind)
for people. Their ``also_schools`` are cleared (they no longer teach near home), the class-subjects
of every school they left or joined are re-dealt among the teachers now there (see ``reassigned``), sync lessons they were named
for fall back to the teaching class's teacher, and they leave itinerant posts. ``years_at_school``
becomes the years that school year: +1 a year, restarting at 0 for a teacher placed or returned.
The term calendar is copied unchanged: edit its dates for later school years.
"""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

from models import Scenario, Teacher, TeachingAssignment
from models.assignment import received_periods
from models.files import write_csv, write_scenario
from scheduler.exchange.plan import ExchangePlan, Placement
from scheduler.itinerant.demand import Unit

AFFILIATION_PREFIX = "affiliation:"
AFFILIATION_FILE = "exchange_affiliation.csv"


def years_at_school_in(plan: ExchangePlan, teacher_id: str, base: int | None, year: int) -> int | None:
    """Years at the (home) school in ``year``: counting on from the plan's first year, restarting after a placement."""
    if base is None:
        return None
    mine = [p for p in plan.placements if p.teacher == teacher_id and p.year <= year]
    if not mine:
        return base + (year - plan.years[0])
    last = max(mine, key=lambda p: p.year)
    return 0 if last.away_in(year) else year - (last.year + last.years)


def year_scenario(plan: ExchangePlan, year: int) -> Scenario:
    """The scenario of school ``year`` of the plan, ready for ``tongbu solve``."""
    if year not in plan.years:
        raise ValueError(f"{year} is not a year of the plan ({', '.join(map(str, plan.years))})")
    scenario = plan.inputs.scenario
    tenure = {t.id: years_at_school_in(plan, t.id, t.years_at_school, year) for t in scenario.teachers}
    return staffed(scenario, {p.teacher: p for p in plan.away_in(year)}, tenure)[0]


def staffed(scenario: Scenario, moved: dict[str, Placement], tenure: dict[str, int | None] | None = None
            ) -> tuple[Scenario, list[str]]:
    """The scenario with the teachers in ``moved`` at their hosts (affiliation kept in ``roles``), the
    classes of the schools they left or joined re-dealt (``reassigned``), sync lessons and itinerant posts
    without them, and ``years_at_school`` from ``tenure`` when given; and the schools that could not be dealt."""
    teachers = []
    for teacher in scenario.teachers:
        update = {} if tenure is None else {"years_at_school": tenure.get(teacher.id, teacher.years_at_school)}
        placement = moved.get(teacher.id)
        if placement is not None:
            roles = tuple(r for r in teacher.roles if not r.startswith(AFFILIATION_PREFIX))
            update.update({"school": placement.host, "also_schools": (),
                           "roles": roles + (AFFILIATION_PREFIX + placement.home,)})
        teachers.append(teacher.model_copy(update=update) if update else teacher)
    assignments, undealt = reassigned(scenario, teachers, moved)
    syncs = tuple(s.model_copy(update={"teacher": None}) if s.teacher in moved else s for s in scenario.sync_lessons)
    posts = remaining_posts(scenario, moved)
    # A new Scenario, not model_copy: model_copy would carry the cached lookups (teacher_by_id …) of the old one.
    fields = {name: getattr(scenario, name) for name in Scenario.model_fields}
    fields.update(teachers=tuple(teachers), assignments=assignments, sync_lessons=syncs, itinerant_posts=tuple(posts))
    return Scenario(**fields), undealt


def remaining_posts(scenario: Scenario, moved: dict[str, Placement]) -> list:
    """The itinerant posts without the placed teachers (who leave them); posts left empty are dropped."""
    posts = [p.model_copy(update={"teachers": tuple(t for t in p.teachers if t not in moved)})
             for p in scenario.itinerant_posts]
    return [p for p in posts if p.teachers]


def placed_teachers(scenario: Scenario, moved: dict[str, Placement]) -> list[Teacher]:
    """The scenario's teachers with those in ``moved`` at their host schools (only what dealing needs)."""
    return [t.model_copy(update={"school": moved[t.id].host, "also_schools": ()}) if t.id in moved else t
            for t in scenario.teachers]


def undealt_schools(scenario: Scenario, placements: list[Placement], year: int) -> list[str]:
    """Schools whose class-subjects cannot all be given a teacher present in ``year`` (see reassigned)."""
    moved = {p.teacher: p for p in placements if p.away_in(year)}
    if not moved:
        return []
    return reassigned(scenario, placed_teachers(scenario, moved), moved)[1]


def uncovered_posts(scenario: Scenario, placements: list[Placement], year: int) -> list[Unit]:
    """The classes itinerant teachers must teach in ``year`` that the posts' assignment (the one ``tongbu
    solve`` runs first, scheduler.itinerant) leaves uncovered, where the placements changed anything:
    a post lost a teacher, or a school lost or gained one. Posts the placements do not touch are not
    solved again (their assignment is the scenario's own)."""
    from scheduler.itinerant.assign import components, plan_itinerant
    from scheduler.itinerant.demand import travellers, uncovered_units

    moved = {p.teacher: p for p in placements if p.away_in(year)}
    if not moved or not scenario.itinerant_posts:
        return []
    touched = {s for p in moved.values() for s in (p.home, p.host)}
    lost = {post.id for post in scenario.itinerant_posts if set(post.teachers) & set(moved)}
    now, _undealt = staffed(scenario, moved)
    people, units = travellers(now), uncovered_units(now)
    # Components of "could take" (as scheduler.itinerant solves them): those with a touched school or a
    # post that lost a teacher are solved again; a unit nobody can take is uncovered outright.
    chosen_people: set[str] = set()
    chosen_units: set[tuple[str, str]] = set()
    for staff, members in components(people, units):
        if any(u.school in touched for u in members) or any(p.post.id in lost for p in staff):
            chosen_people.update(p.id for p in staff)
            chosen_units.update((u.class_id, u.subject) for u in members)
    if not chosen_units:
        return []
    posts = [p for p in now.itinerant_posts if set(p.teachers) & chosen_people]
    fields = {name: getattr(now, name) for name in Scenario.model_fields}
    fields.update(itinerant_posts=tuple(posts))
    plan = plan_itinerant(Scenario(**fields))
    covered = set(plan.taken)
    return [u for u in units if (u.class_id, u.subject) in chosen_units and (u.class_id, u.subject) not in covered]


def reassigned(scenario: Scenario, teachers: list[Teacher], moved: dict[str, Placement]
               ) -> tuple[tuple[TeachingAssignment, ...], list[str]]:
    """The assignments with the class-subjects of every school a placed teacher left or joined re-dealt,
    and the schools where that was impossible.

    Per such school, a small CP-SAT model gives each class-subject that had a teacher, and each one
    the scenario leaves unassigned that will need a teacher of the school (see ``unlisted_work``), one teacher now
    at the school (incoming placed teachers included), within every teacher's max_weekly (their
    classes at other schools counted), changing as few of the given assignments as it can. Giving
    only the moved teachers' classes to whoever has room, as the solver's own greedy assignment
    does, overloads some teachers while placed ones stay idle. A school whose classes cannot be
    dealt this way keeps its remaining assignments and leaves the moved teachers' classes open.
    """
    received = received_periods(scenario)

    # A sync lesson given by a named teacher (one who stays; a moved one falls back to the class's
    # teacher) is that teacher's load, not the teaching class's teacher's: as models.assignment counts it.
    named = [s for s in scenario.sync_lessons if s.teacher is not None and s.teacher not in moved]
    by_named: dict[tuple[str, str], int] = defaultdict(int)
    for sync in named:
        by_named[(sync.teaching_class, sync.subject)] += sync.per_week

    def periods(a: TeachingAssignment) -> int:
        total = sum(e.periods for e in scenario.class_curriculum(a.class_id) if e.subject == a.subject)
        return max(0, total - received.get((a.class_id, a.subject), 0) - by_named[(a.class_id, a.subject)])

    # A placed teacher comes to teach: aim for the load they had at home (two thirds of max_weekly if none).
    home_load: dict[str, int] = defaultdict(int)
    for a in scenario.assignments:
        home_load[a.teacher] += periods(a)
    by_id = {t.id: t for t in teachers}
    targets = {tid: min(by_id[tid].max_weekly, home_load[tid] or by_id[tid].max_weekly * 2 // 3) for tid in moved}
    affected = {p.home for p in moved.values()} | {p.host for p in moved.values()}
    school_of = {a.class_id: scenario.class_by_id[a.class_id].school for a in scenario.assignments}
    result = [a for a in scenario.assignments if school_of[a.class_id] not in affected]
    unlisted, unserved = unlisted_work(scenario, teachers, moved, affected, periods)
    undealt = sorted(unserved)
    for school in sorted(unserved):  # keeps what it can; the school is reported undealt
        result += [a for a in scenario.assignments if school_of[a.class_id] == school and a.teacher not in moved]
    for school in sorted(affected - unserved):
        given = [a for a in scenario.assignments if school_of[a.class_id] == school] + unlisted.get(school, [])
        outside = defaultdict(int)
        for a in result:
            outside[a.teacher] += periods(a)
        for sync in named:
            outside[sync.teacher] += sync.per_week
        dealt = deal_school(school, given, teachers, outside, periods, set(moved), targets)
        if dealt is None:
            undealt.append(school)
            dealt = [a for a in given if a.teacher and a.teacher not in moved]
        result += dealt
    return tuple(sorted(result, key=lambda a: (a.class_id, a.subject))), sorted(undealt)


def unlisted_work(scenario: Scenario, teachers: list[Teacher], moved: dict[str, Placement], schools: set[str],
                  periods) -> tuple[dict[str, list[TeachingAssignment]], set[str]]:
    """The class-subjects of ``schools`` that the scenario leaves unassigned but that will need a teacher
    of the school in the new staffing (teacher ``""``: anyone may take them), and the schools where
    such a class-subject will have no teacher at all.

    ``tongbu solve`` gives an unlisted class-subject to the school's own teachers of the subject when
    it has any, else to an itinerant post serving the school (scheduler/itinerant). So a placed
    teacher of music arriving where music came from a post takes over all its music classes, and a
    school whose only teacher of a subject left is served by a post or by nobody: these must be
    dealt here, within max_weekly, or the year's timetable has an overloaded teacher.
    """
    def covered(staff: list[Teacher], posts) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
        travelling = {t for p in posts for t in p.teachers}
        own = {(school, subject) for t in staff if t.id not in travelling
               for school in (t.school, *t.also_schools) for subject in t.subjects}
        served = {(school, subject) for p in posts for school in scenario.post_schools(p) for subject in p.subjects}
        return own, served

    own, served = covered(teachers, remaining_posts(scenario, moved))
    own_before, served_before = covered(list(scenario.teachers), scenario.itinerant_posts)
    listed = {(a.class_id, a.subject) for a in scenario.assignments}
    open_work: dict[str, list[TeachingAssignment]] = defaultdict(list)
    unserved: set[str] = set()
    for klass in scenario.classes:
        if klass.school not in schools:
            continue
        for entry in scenario.class_curriculum(klass.id):
            unit = TeachingAssignment(teacher="", class_id=klass.id, subject=entry.subject)
            if (klass.id, entry.subject) in listed or periods(unit) <= 0:
                continue
            if (klass.school, entry.subject) in own:
                open_work[klass.school].append(unit)
            elif (klass.school, entry.subject) not in served and \
                    ((klass.school, entry.subject) in own_before or (klass.school, entry.subject) in served_before):
                # Only what the placements break: a class nobody could teach before is the scenario's own problem.
                unserved.add(klass.school)
    return dict(open_work), unserved


def deal_school(school: str, given: list[TeachingAssignment], teachers: list[Teacher], outside: dict[str, int],
                periods, moved: set[str], targets: dict[str, int] | None = None) -> list[TeachingAssignment] | None:
    """One school's class-subjects dealt to the teachers there (see reassigned); None when impossible.

    Objective: 3 per given assignment kept, 2 per period an incoming placed teacher teaches up to
    their target, and 4 per incoming teacher who teaches at all: they take over the classes of
    whoever left, and a class of 2 or more periods from a colleague who stays rather than sit idle;
    two arriving together share rather than one taking everything.
    """
    from ortools.sat.python import cp_model

    from scheduler.cpsat import make_solver, status_of

    here = sorted((t for t in teachers if t.school == school or school in t.also_schools), key=lambda t: t.id)
    model = cp_model.CpModel()
    choice: dict[tuple[int, str], cp_model.IntVar] = {}
    for index, a in enumerate(given):
        options = [t for t in here if a.subject in t.subjects]
        if not options:
            return None
        for t in options:
            choice[(index, t.id)] = model.new_bool_var(f"{a.class_id}/{a.subject}/{t.id}")
        model.add_exactly_one(choice[(index, t.id)] for t in options)
    mine: dict[str, list] = {t.id: [v for (_i, tid), v in choice.items() if tid == t.id] for t in here}
    load = {t.id: sum(periods(given[i]) * v for (i, tid), v in choice.items() if tid == t.id) for t in here}
    for t in here:
        if mine[t.id]:
            model.add(load[t.id] <= t.max_weekly - outside.get(t.id, 0))
    kept = [v for (i, tid), v in choice.items() if given[i].teacher == tid and tid not in moved]
    taught, teaching = [], []
    for t in here:
        target = (targets or {}).get(t.id, 0) if t.id in moved else 0
        if target > 0 and mine[t.id]:
            got = model.new_int_var(0, target, f"taught[{t.id}]")
            model.add(got <= load[t.id])
            taught.append(got)
            teaches = model.new_bool_var(f"teaches[{t.id}]")
            model.add(teaches <= sum(mine[t.id]))
            teaching.append(teaches)
    model.maximize(3 * sum(kept) + 2 * sum(taught) + 4 * sum(teaching))
    solver = make_solver(seed=0, seconds=math.inf, effort=5.0)
    if not status_of(solver.solve(model)).found:
        return None
    return [TeachingAssignment(teacher=tid, class_id=given[i].class_id, subject=given[i].subject)
            for (i, tid), v in sorted(choice.items()) if solver.value(v)]


def affiliation_rows(plan: ExchangePlan, year: int) -> list[list[str]]:
    rows = [["teacher", "name", "home_school", "host_school", "year", "kind"]]
    for p in sorted(plan.away_in(year), key=lambda p: p.teacher):
        rows.append([p.teacher, p.name, p.home, p.host, str(p.year), p.direction.value])
    return rows


def write_year_scenario(plan: ExchangePlan, year: int, folder: Path) -> list[Path]:
    written = write_scenario(year_scenario(plan, year), folder)
    sidecar = Path(folder) / AFFILIATION_FILE
    write_csv(affiliation_rows(plan, year), sidecar)
    return written + [sidecar]
