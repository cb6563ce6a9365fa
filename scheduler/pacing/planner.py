"""The consortium pacing calendar: how many lessons of each unit every class of a grade teaches each week.

For one consortium, grade and subject (a *group*) every class follows one plan, so the classes are at
the same unit every week. The term is cut into *slots*: the school weeks, each split at the date of
a unified assessment of the group (the lessons before the test and after it are counted apart; the
test day's lessons of the subject are the test). For slot k the plan teaches ``p[k]`` lessons, and
the lessons of the sequence (units and reviews, in order) fill the slots in order.

What must hold (and what ``tongbu verify`` rechecks):

* no class needs more than it has: ``p[k] <= a[c][k]`` for every class c, i.e. ``p[k] <= m[k] = min_c a[c][k]``;
* an assessment comes after the units before it in the sequence and before those after it: the
  lessons planned before its date are exactly the lessons of the rows before it.

So the stretches between assessments are independent, and a stretch with rows needing ``R`` lessons
and capacity ``M = sum m[k]`` has a plan exactly when ``R <= M``. The slack ``M - R`` is spread in
proportion to each week's capacity: the planned total after slot k is ``P[k] = round(R * C[k] / M)``
(``C[k]``: capacity up to k, halves rounded up), the closest integer path to the straight line from
nothing to everything — no partial sum strays from it by more than half a lesson, which no other
plan does better, and ``0 <= P[k] - P[k-1] <= m[k]`` holds because ``R <= M``. Each week thus keeps
about the same share of its lessons spare (机动) for the unforeseen.

Why not CP-SAT: the problem is one-dimensional and separable by stretch; the rounding above is exact
(optimal for the largest deviation from the even spread) and needs no search, time limit or seed.

When ``R > M`` the stretch cannot be kept by every class. The planner then finds the plan with the
fewest missing class-lessons (the marginal cost of one more lesson in slot k is the number of classes
with ``a[c][k] <= p[k]``, non-decreasing, so adding lessons greedily where it costs least is exact)
and reports each class, week and shortfall, with fixes (``scheduler.pacing.fixes``).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from datetime import date, timedelta

from models.enums import PacingKind
from models.pacing import PacingGroup, PacingPlan, PacingRow, PacingSlot, Shortfall, group_classes, pacing_groups
from models.scenario import Scenario
from models.solution import Solution
from scheduler.pacing.count import LessonCounter, term_weeks

METHOD = ("exact: stretches between unified assessments are independent; each is spread over its slots by "
          "cumulative proportional rounding of the weekly capacity (the least lessons every class of the group has)")


@dataclass
class Slot:
    week: int
    first: date
    last: date
    stretch: int  # how many of the group's assessments come before it
    available: dict[str, int] = field(default_factory=dict)

    @property
    def least(self) -> int:
        return min(self.available.values(), default=0)


def group_slots(scenario: Scenario, tests: list[date]) -> list[Slot]:
    """The weeks of the term, each split at the assessment dates in it (the dates themselves left out)."""
    slots = []
    for week in term_weeks(scenario.term):
        lo = week.first
        for day in sorted(d for d in tests if week.first <= d <= week.last):
            if lo <= day - timedelta(days=1):
                slots.append(Slot(week.number, lo, day - timedelta(days=1), sum(1 for t in tests if t < lo)))
            lo = day + timedelta(days=1)
        if lo <= week.last:
            slots.append(Slot(week.number, lo, week.last, sum(1 for t in tests if t < lo)))
    return slots


def proportional(total: int, capacity: list[int]) -> list[int]:
    """``total`` lessons over slots of ``capacity`` (total <= sum): the partial sums round(total * C[k] / M)."""
    whole = sum(capacity)
    if total > whole:
        raise ValueError(f"{total} lessons do not fit in {whole}")
    if whole == 0:
        return [0] * len(capacity)
    result, before, running = [], 0, 0
    for cap in capacity:
        running += cap
        after = (2 * total * running + whole) // (2 * whole)  # floor(total * running / whole + 1/2)
        result.append(after - before)
        before = after
    return result


def fewest_missing(total: int, available: list[dict[str, int]]) -> list[int]:
    """``total`` lessons over slots where classes have ``available[k][class]``, missing as few class-lessons as
    possible: start from what every class has, add the rest one by one where it leaves the fewest classes short."""
    plan = [min(a.values(), default=0) for a in available]
    most = [max(a.values(), default=0) for a in available]

    def cost(k: int) -> tuple[int, int, int]:
        return (sum(1 for n in available[k].values() if n <= plan[k]), -most[k], k)

    heap = [cost(k) for k in range(len(plan))]
    heapq.heapify(heap)
    for _ in range(total - sum(plan)):
        if not heap:
            break
        k = heapq.heappop(heap)[2]
        plan[k] += 1
        heapq.heappush(heap, cost(k))
    return plan


def fill(rows: list[PacingRow], plan: list[int]) -> list[tuple[tuple[int, int], ...]]:
    """The (seq, lessons) taught in each slot when the rows' lessons fill the planned lessons in order."""
    queue = [[r.seq, r.lessons] for r in rows if r.lessons > 0]
    result = []
    for lessons in plan:
        taught = []
        while lessons > 0 and queue:
            take = min(lessons, queue[0][1])
            taught.append((queue[0][0], take))
            queue[0][1] -= take
            lessons -= take
            if queue[0][1] == 0:
                queue.pop(0)
        result.append(tuple(taught))
    return result


def _label(grade: int, subject: str, consortium: str) -> tuple[str, str]:
    return f"grade {grade} {subject} ({consortium})", f"{consortium} {grade}年级{subject}"


def plan_group(scenario: Scenario, counter: LessonCounter, key: tuple[str, int, str],
               rows: list[PacingRow]) -> PacingGroup:
    consortium, grade, subject = key
    classes = group_classes(scenario, consortium, grade, subject)
    tests = [r.date for r in rows if r.kind == PacingKind.ASSESSMENT and r.date is not None]
    slots = group_slots(scenario, tests)
    skip = frozenset(tests)
    for slot in slots:
        slot.available = {c: counter.count(c, subject, slot.first, slot.last, skip) for c in classes}
    stretches: list[list[PacingRow]] = [[]]
    assessments: list[PacingRow] = []
    for row in rows:
        if row.kind == PacingKind.ASSESSMENT:
            stretches.append([])
            assessments.append(row)
        else:
            stretches[-1].append(row)
    planned = [0] * len(slots)
    items: list[tuple[tuple[int, int], ...]] = [()] * len(slots)
    problems: list[tuple[str, str]] = []
    label_en, label_zh = _label(grade, subject, consortium)
    for stretch, stretch_rows in enumerate(stretches):
        mine = [k for k, s in enumerate(slots) if s.stretch == stretch]
        need = sum(r.lessons for r in stretch_rows)
        capacity = [slots[k].least for k in mine]
        if need <= sum(capacity):
            plan = proportional(need, capacity)
        else:
            plan = fewest_missing(need, [slots[k].available for k in mine])
            problems.append(_stretch_problem(label_en, label_zh, stretch, assessments, mine, slots, need, sum(capacity),
                                             scenario))
        for k, lessons, taught in zip(mine, plan, fill(stretch_rows, plan)):
            planned[k], items[k] = lessons, taught
    shortfalls = tuple(Shortfall(class_id=c, week=s.week, first=s.first, last=s.last, needed=planned[k],
                                 available=s.available[c])
                       for k, s in enumerate(slots) for c in classes if planned[k] > s.available[c])
    return PacingGroup(
        consortium=consortium, grade=grade, subject=subject, county_wide=all(not r.consortium for r in rows),
        classes=tuple(classes), items=tuple(rows), shortfalls=shortfalls, problems=tuple(problems),
        slots=tuple(PacingSlot(week=s.week, first=s.first, last=s.last, planned=planned[k], items=items[k],
                               available=dict(sorted(s.available.items()))) for k, s in enumerate(slots)))


def _stretch_problem(label_en: str, label_zh: str, stretch: int, assessments: list[PacingRow], mine: list[int],
                     slots: list[Slot], need: int, capacity: int, scenario: Scenario) -> tuple[str, str]:
    before = assessments[stretch] if stretch < len(assessments) else None
    after = assessments[stretch - 1] if stretch > 0 else None
    first = slots[mine[0]].first if mine else scenario.term.start
    last = slots[mine[-1]].last if mine else scenario.term.end
    what_en = f"the rows before {before.title} ({before.date})" if before else (
        f"the rows after {after.title} ({after.date})" if after else "the sequence")
    what_zh = f"{before.title}（{before.date}）之前的内容" if before else (
        f"{after.title}（{after.date}）之后的内容" if after else "全部内容")
    return (f"{label_en}: {what_en} need {need} lessons, but from {first} to {last} the classes can all keep only "
            f"{capacity} (in each week, the lessons of the class with the fewest): {need - capacity} short — shorten "
            f"those units or the review by {need - capacity} lessons, move the assessment later, or give the classes "
            f"named below the extra lessons",
            f"{label_zh}：{what_zh}需要 {need} 课时，而 {first} 至 {last} 各班都能跟上的只有 {capacity} 课时（每周取课时最少的班）："
            f"缺 {need - capacity} 课时——请把这些单元或复习减少 {need - capacity} 课时、推迟测评，或为下列班级补足课时")


def plan_pacing(scenario: Scenario, solution: Solution) -> PacingPlan:
    """The pacing calendar of every consortium, grade and subject of the scenario's pacing table.

    Raises ``models.term.TermDataMissing`` when the term calendar lacks data (as the feeds do).
    """
    from scheduler.pacing.fixes import with_fixes

    counter = LessonCounter(scenario, solution)
    groups = [plan_group(scenario, counter, key, rows) for key, rows in pacing_groups(scenario).items()]
    short = any(g.shortfalls or g.problems for g in groups)
    if short:
        groups = with_fixes(scenario, solution, counter, groups)
    term = scenario.term.name or f"{scenario.term.start}..{scenario.term.end}"
    return PacingPlan(district=scenario.district, term=term, status="short" if short else "ok", method=METHOD,
                      groups=tuple(groups))
