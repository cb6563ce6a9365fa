"""The ``rules`` family (FET's time constraints, constraints/rules.py) over an imported file's timetable: every
activity placed once without clashes (BasicCompulsoryTime), every hard rule kept (``check``), and the weights
of the broken weighted rules (``penalties``).

Plain Python over the written solution: each lesson's key ``A<id>`` names its activity, its day and
period say where it starts. Nothing here comes from the solver side (``scheduler``,
``constraints.rules``): occupancy, gaps and beginnings are recounted from scratch.
"""

from __future__ import annotations

from collections import defaultdict

from constraints.checks import Violation
from constraints.checks._common import idle_periods
from models import Scenario, Solution
from models.explicit import ExplicitTimetable, TimeRule


class _Grid:
    """Where every activity is: (day, first hour) and the hours it covers."""

    def __init__(self, tt: ExplicitTimetable, starts: dict[int, tuple[int, int]]) -> None:
        self.tt, self.starts = tt, starts
        self.hours = len(tt.hours)

    def covered(self, ident: int) -> list[tuple[int, int]]:
        day, hour = self.starts[ident]
        return [(day, h) for h in range(hour, hour + self.tt.activity_by_id[ident].duration)]

    def busy(self, idents: list[int]) -> dict[int, set[int]]:
        """Day -> hours in which any of these activities takes place."""
        found: dict[int, set[int]] = defaultdict(set)
        for ident in idents:
            if ident in self.starts:
                for day, hour in self.covered(ident):
                    found[day].add(hour)
        return found


def _v(rule: str, where: str, en: str, zh: str) -> Violation:
    return Violation(rule=f"fet.{rule}", where=where, en=en, zh=zh)


def _hard_slots(tt: ExplicitTimetable, kind: str, who: str | None = None) -> set[tuple[int, int]]:
    found: set[tuple[int, int]] = set()
    for rule in tt.rules:
        if rule.hard and rule.kind == kind and (who is None or who in (rule.teacher, rule.students)):
            found |= set(rule.slots)
    return found


def _teacher_activities(tt: ExplicitTimetable) -> dict[str, list[int]]:
    found: dict[str, list[int]] = defaultdict(list)
    for a in tt.activities:
        for t in a.teachers:
            found[t].append(a.id)
    return found


def _atom_activities(tt: ExplicitTimetable) -> dict[str, list[int]]:
    found: dict[str, list[int]] = defaultdict(list)
    for a in tt.activities:
        for atom in tt.atoms_of(a.students):
            found[atom].append(a.id)
    return found


def _atom_off(tt: ExplicitTimetable) -> dict[str, set[tuple[int, int]]]:
    off: dict[str, set[tuple[int, int]]] = defaultdict(set)
    for rule in tt.rules:
        if rule.hard and rule.kind == "StudentsSetNotAvailableTimes":
            for atom in tt.atoms_of([rule.students]):
                off[atom] |= set(rule.slots)
    return off


def _placements(tt: ExplicitTimetable, solution: Solution, out: list[Violation]) -> dict[int, tuple[int, int]]:
    starts: dict[int, tuple[int, int]] = {}
    for lesson in solution.lessons:
        ident = int(lesson.key[1:]) if lesson.key[:1] == "A" and lesson.key[1:].isdigit() else None
        if ident is None or ident not in tt.activity_by_id:
            out.append(_v("placement", lesson.key, f"lesson {lesson.key} is not an activity of the scenario",
                          f"课节 {lesson.key} 不是方案中的活动"))
            continue
        activity = tt.activity_by_id[ident]
        day, hour = (lesson.fet_day if lesson.fet_day is not None else lesson.day.index), lesson.period - 1
        if ident in starts:
            out.append(_v("placement", lesson.key, f"activity {ident} is placed twice", f"活动 {ident} 被安排了两次"))
        elif day >= len(tt.days) or hour + activity.duration > len(tt.hours) or lesson.length != activity.duration:
            out.append(_v("placement", lesson.key,
                          f"activity {ident} (duration {activity.duration}) does not fit at day {day + 1}, hour {hour + 1} "
                          f"with length {lesson.length}",
                          f"活动 {ident}（时长 {activity.duration}）无法安排在第 {day + 1} 天第 {hour + 1} 节（长度 {lesson.length}）"))
        else:
            starts[ident] = (day, hour)
    for a in tt.activities:
        if a.id not in starts and not any(v.where == f"A{a.id}" for v in out):
            out.append(_v("placement", f"A{a.id}", f"activity {a.id} ({a.subject}) is not placed",
                          f"活动 {a.id}（{a.subject}）未被安排"))
    return starts


def _clashes(grid: _Grid, owners: dict[str, list[int]], label: str, label_zh: str, out: list[Violation]) -> None:
    tt = grid.tt
    for owner, idents in sorted(owners.items()):
        seen: dict[tuple[int, int], int] = {}
        for ident in sorted(i for i in idents if i in grid.starts):
            for slot in grid.covered(ident):
                if slot in seen:
                    out.append(_v("BasicCompulsoryTime", f"{label} {owner}",
                                  f"{label} {owner} has activities {seen[slot]} and {ident} at once ({tt.days[slot[0]]}, {tt.hours[slot[1]]})",
                                  f"{label_zh} {owner} 同时有活动 {seen[slot]} 与 {ident}（{tt.days[slot[0]]}，{tt.hours[slot[1]]}）"))
                else:
                    seen[slot] = ident


def _resources(tt: ExplicitTimetable, rule: TimeRule) -> list[tuple[str, list[int], set[tuple[int, int]]]]:
    """(name, activities, unavailable slots) of each teacher or student subgroup the rule applies to."""
    keep = set(rule.activities) if "ActivityTag" in rule.kind else None  # the tag's activities only

    def own(found: list[int]) -> list[int]:
        return [a for a in found if keep is None or a in keep]

    if rule.kind.startswith("Teacher"):
        teachers = _teacher_activities(tt)
        names = [rule.teacher] if rule.teacher else sorted(teachers)
        return [(f"teacher {t}", own(teachers.get(t, [])), _hard_slots(tt, "TeacherNotAvailableTimes", t)) for t in names]
    atoms = _atom_activities(tt)
    off = _atom_off(tt)
    names = sorted(tt.atoms_of([rule.students])) if rule.students else sorted(atoms)
    return [(f"students {a}", own(atoms.get(a, [])), off.get(a, set())) for a in names]


def _counted(tt: ExplicitTimetable, day: int, off: set[tuple[int, int]], breaks: set[tuple[int, int]]) -> list[int]:
    return [h for h in range(len(tt.hours)) if (day, h) not in breaks and (day, h) not in off]


def _straight_after(start: tuple[int, int], duration: int, later: tuple[int, int],
                    breaks: set[tuple[int, int]]) -> bool:
    """Does ``later`` start on the same day as the activity at ``start`` ends, nothing but breaks between (FET)?"""
    (day, hour), (later_day, later_hour) = start, later
    if later_day != day or later_hour < hour + duration:
        return False
    return all((day, h) in breaks for h in range(hour + duration, later_hour))


def _check_rule(grid: _Grid, rule: TimeRule, breaks: set[tuple[int, int]]) -> list[tuple[str, str]]:
    """What breaks one hard rule, in English and Chinese; empty when it holds."""
    tt, s = grid.tt, grid.starts
    found: list[tuple[str, str]] = []
    placed = [a for a in rule.activities if a in s]
    if rule.kind in ("BreakTimes", "TeacherNotAvailableTimes", "StudentsSetNotAvailableTimes"):
        slots = set(rule.slots)
        if rule.kind == "BreakTimes":
            idents = list(s)
        elif rule.kind == "TeacherNotAvailableTimes":
            idents = [a.id for a in tt.activities if rule.teacher in a.teachers]
        else:
            atoms = tt.atoms_of([rule.students])
            idents = [a.id for a in tt.activities if tt.atoms_of(a.students) & atoms]
        found += [(f"activity {i} takes place at a forbidden hour", f"活动 {i} 排在了禁止的时段") for i in sorted(idents)
                  if i in s and any(c in slots for c in grid.covered(i))]
    elif rule.kind == "PreferredStartingTimes":
        found += [(f"activity {i} starts outside its preferred starting times", f"活动 {i} 的开始时间不在指定的开始时间内")
                  for i in placed if s[i] not in set(rule.slots)]
    elif rule.kind == "PreferredTimeSlots":
        found += [(f"activity {i} lies outside its preferred time slots", f"活动 {i} 超出了指定的时段") for i in placed
                  if any(c not in set(rule.slots) for c in grid.covered(i))]
    elif rule.kind == "ActivitiesSameStartingTime":
        if len({s[i] for i in placed}) > 1:
            found.append(("the activities do not start at the same time", "这些活动没有在同一时间开始"))
    elif rule.kind == "TwoActivitiesConsecutive":
        first, second = rule.activities
        if first in s and second in s:
            if not _straight_after(s[first], tt.activity_by_id[first].duration, s[second], breaks):
                found.append((f"activity {second} does not start right after activity {first} ends",
                              f"活动 {second} 没有紧接在活动 {first} 之后开始"))
    elif rule.kind == "ActivitiesNotOverlapping":
        seen: dict[tuple[int, int], int] = {}
        for i in placed:
            for c in grid.covered(i):
                if c in seen:
                    found.append((f"activities {seen[c]} and {i} overlap", f"活动 {seen[c]} 与 {i} 时间重叠"))
                seen[c] = i
    elif rule.kind == "MinDaysBetweenActivities":
        for index, i in enumerate(placed):
            for j in placed[index + 1:]:
                if abs(s[i][0] - s[j][0]) < (rule.value or 0):
                    found.append((f"activities {i} and {j} are fewer than {rule.value} days apart",
                                  f"活动 {i} 与 {j} 相隔不足 {rule.value} 天"))
    elif rule.kind == "ActivitiesSameStartingDay":
        if len({s[i][0] for i in placed}) > 1:
            found.append(("the activities do not start on the same day", "这些活动没有在同一天开始"))
    elif rule.kind == "MinGapsBetweenActivities":
        for index, i in enumerate(placed):
            for j in placed[index + 1:]:
                (di, hi), (dj, hj) = s[i], s[j]
                ei, ej = hi + tt.activity_by_id[i].duration, hj + tt.activity_by_id[j].duration
                if di == dj and hj < ei + (rule.value or 0) and hi < ej + (rule.value or 0):
                    found.append((f"activities {i} and {j} are fewer than {rule.value} hours apart on {tt.days[di]}",
                                  f"活动 {i} 与 {j} 在 {tt.days[di]} 相隔不足 {rule.value} 节"))
    elif rule.kind == "TwoActivitiesGrouped":
        first, second = rule.activities
        if first in s and second in s:
            one, other = tt.activity_by_id[first].duration, tt.activity_by_id[second].duration
            if not (_straight_after(s[first], one, s[second], breaks)
                    or _straight_after(s[second], other, s[first], breaks)):
                found.append((f"activities {first} and {second} are not back to back on one day",
                              f"活动 {first} 与 {second} 没有在同一天紧挨着"))
    elif rule.kind == "ActivitiesSameStartingHour":
        if len({s[i][1] for i in placed}) > 1:
            found.append(("the activities do not start at the same hour", "这些活动没有在同一节次开始"))
    elif rule.kind == "MaxDaysBetweenActivities":
        for index, i in enumerate(placed):
            for j in placed[index + 1:]:
                if abs(s[i][0] - s[j][0]) > (rule.value or 0):
                    found.append((f"activities {i} and {j} are more than {rule.value} days apart",
                                  f"活动 {i} 与 {j} 相隔超过 {rule.value} 天"))
    elif rule.kind in ("TwoActivitiesOrdered", "TwoActivitiesOrderedIfSameDay"):
        first, second = rule.activities
        if first in s and second in s:
            (d1, h1), (d2, h2) = s[first], s[second]
            end = h1 + tt.activity_by_id[first].duration
            after = d2 > d1 or (d2 == d1 and h2 >= end)
            if not after and (rule.kind == "TwoActivitiesOrdered" or d1 == d2):
                found.append((f"activity {second} does not start after activity {first} ends",
                              f"活动 {second} 没有在活动 {first} 结束之后开始"))
    elif rule.kind == "ActivitiesOccupyMaxTimeSlotsFromSelection":
        taken = {c for i in placed for c in grid.covered(i)} & set(rule.slots)
        if len(taken) > (rule.value or 0):
            found.append((f"the activities occupy {len(taken)} of the selected slots, more than {rule.value}",
                          f"这些活动占用了 {len(taken)} 个指定时段，多于 {rule.value} 个"))
    elif rule.kind == "ActivitiesMaxSimultaneousInSelectedTimeSlots":
        for slot in sorted(set(rule.slots)):
            here = [i for i in placed if slot in grid.covered(i)]
            if len(here) > (rule.value or 0):
                found.append((f"{len(here)} of the activities at {tt.days[slot[0]]}, {tt.hours[slot[1]]}, more than {rule.value}",
                              f"{tt.days[slot[0]]} {tt.hours[slot[1]]} 有 {len(here)} 个这些活动，多于 {rule.value} 个"))
    elif rule.kind == "ThreeActivitiesGrouped":
        if all(i in s for i in rule.activities):
            ordered_starts = sorted((s[i], tt.activity_by_id[i].duration) for i in rule.activities)
            days = {start[0] for start, _ in ordered_starts}
            touching = all(_straight_after(ordered_starts[k][0], ordered_starts[k][1], ordered_starts[k + 1][0], breaks)
                           for k in range(2))
            if len(days) > 1 or not touching:
                found.append(("the three activities are not one block of consecutive hours on a day",
                              "三个活动没有在同一天连续排列"))
    elif rule.kind == "EndsStudentsDay":
        for i in placed:
            atoms, (day, hour) = tt.atoms_of(tt.activity_by_id[i].students), s[i]
            end = hour + tt.activity_by_id[i].duration
            later = sorted(j for j in s if j != i and s[j][0] == day and tt.atoms_of(tt.activity_by_id[j].students) & atoms
                           and s[j][1] + tt.activity_by_id[j].duration > end)
            if later:
                found.append((f"activity {i} does not end its students' day: activity {later[0]} comes after it",
                              f"活动 {i} 之后学生当天还有活动 {later[0]}"))
    elif rule.kind.endswith("MinGapsBetweenOrderedPairOfActivityTags"):
        found += _tag_pair_problems(grid, rule)
    else:
        for name, idents, off in _resources(tt, rule):
            busy = grid.busy(idents)
            name_zh = name.replace("teacher ", "教师 ").replace("students ", "学生 ")
            found += [(f"{name}: {en}", f"{name_zh}：{zh}") for en, zh in _resource_rule(tt, rule, busy, off, breaks)]
    return found


def _tag_pair_problems(grid: _Grid, rule: TimeRule) -> list[tuple[str, str]]:
    """Min gaps between an ordered pair of tags: for each teacher or student subgroup, a second-tag activity that
    starts on the day a first-tag one ends, at or after that end, starts at least ``value`` hours later (the hour
    difference on the day's grid, as FET counts it). Each pair of activities is reported once."""
    tt, s, least = grid.tt, grid.starts, rule.value or 0
    if rule.kind.startswith("Teacher"):
        owners, label, label_zh = _teacher_activities(tt), "teacher", "教师"
        names = [rule.teacher] if rule.teacher else sorted(owners)
    else:
        owners, label, label_zh = _atom_activities(tt), "students", "学生"
        names = sorted(tt.atoms_of([rule.students])) if rule.students else sorted(owners)
    firsts, seconds = set(rule.activities), set(rule.second)
    seen: set[tuple[int, int]] = set()
    found: list[tuple[str, str]] = []
    for name in names:
        mine = [i for i in owners.get(name, []) if i in s]
        for i in (x for x in mine if x in firsts):
            day, end = s[i][0], s[i][1] + tt.activity_by_id[i].duration
            for j in (x for x in mine if x in seconds and x != i and s[x][0] == day):
                between = s[j][1] - end
                if 0 <= between < least and (i, j) not in seen:
                    seen.add((i, j))
                    found.append((f"{label} {name}: activity {j} ({rule.second_tag}) starts {between} hours after activity "
                                  f"{i} ({rule.tag}) ends on {tt.days[day]}, fewer than {least}",
                                  f"{label_zh} {name}：{tt.days[day]} 活动 {j}（{rule.second_tag}）在活动 {i}（{rule.tag}）"
                                  f"结束后 {between} 节就开始，少于 {least} 节"))
    return found


def _resource_rule(tt: ExplicitTimetable, rule: TimeRule, busy: dict[int, set[int]], off: set[tuple[int, int]],
                   breaks: set[tuple[int, int]]) -> list[tuple[str, str]]:
    value = rule.value or 0
    kind = rule.kind
    days = range(len(tt.days))
    if kind == "TeacherMaxDaysPerWeek":
        used = sum(1 for d in days if busy.get(d))
        return [(f"works {used} days, more than {value}", f"上课 {used} 天，多于 {value} 天")] if used > value else []
    if kind.endswith("MaxHoursDaily"):
        return [(f"{len(busy[d])} hours on {tt.days[d]}, more than {value}", f"{tt.days[d]} 有 {len(busy[d])} 节，多于 {value} 节")
                for d in days if len(busy.get(d, ())) > value]
    if kind.endswith("MinHoursDaily"):
        return [(f"{len(busy.get(d, ()))} hours on {tt.days[d]}, fewer than {value}",
                 f"{tt.days[d]} 只有 {len(busy.get(d, ()))} 节，少于 {value} 节") for d in days
                if len(busy.get(d, ())) < value and not (rule.flag and not busy.get(d))]
    if "MaxGaps" in kind:
        gaps = {}
        for d in days:
            counted = _counted(tt, d, off, breaks)
            taken = [i for i, h in enumerate(counted) if h in busy.get(d, ())]
            gaps[d] = idle_periods(taken)
        if kind.endswith("PerDay"):
            return [(f"{gaps[d]} gaps on {tt.days[d]}, more than {value}", f"{tt.days[d]} 有 {gaps[d]} 个空节，多于 {value} 个")
                    for d in days if gaps[d] > value]
        total = sum(gaps.values())
        return [(f"{total} gaps a week, more than {value}", f"每周 {total} 个空节，多于 {value} 个")] if total > value else []
    if kind.endswith("MaxHoursContinuously"):
        found = []
        for d in days:
            run = longest = 0
            for h in range(len(tt.hours)):
                run = run + 1 if h in busy.get(d, ()) else 0
                longest = max(longest, run)
            if longest > value:
                found.append((f"{longest} hours in a row on {tt.days[d]}, more than {value}",
                              f"{tt.days[d]} 连续 {longest} 节，多于 {value} 节"))
        return found
    if kind == "TeacherMinDaysPerWeek":
        used = sum(1 for d in days if busy.get(d))
        return [(f"works {used} days, fewer than {value}", f"上课 {used} 天，少于 {value} 天")] if used < value else []
    if kind.endswith("IntervalMaxDaysPerWeek"):
        hours = {h for _d, h in rule.slots}
        used = sum(1 for d in days if hours & busy.get(d, set()))
        return [(f"{used} days with an hour in the interval, more than {value}",
                 f"有 {used} 天在指定时段上课，多于 {value} 天")] if used > value else []
    if kind.endswith("MaxSpanPerDay"):
        spans = {d: max(busy[d]) - min(busy[d]) + 1 for d in days if busy.get(d)}
        over = sorted(d for d, span in spans.items() if span > value)
        allowed = {over[0]} if rule.flag and len(over) == 1 and spans[over[0]] == value + 1 else set()
        return [(f"{spans[d]} hours from first to last on {tt.days[d]}, more than {value}",
                 f"{tt.days[d]} 从第一节到最后一节共 {spans[d]} 节，多于 {value} 节") for d in over if d not in allowed]
    if kind.endswith("MinRestingHours"):
        pairs = [(d, d + 1) for d in range(len(tt.days) - 1)] + ([(len(tt.days) - 1, 0)] if rule.flag and len(tt.days) > 1 else [])
        found = []
        for today, tomorrow in pairs:
            if busy.get(today) and busy.get(tomorrow):
                rest = len(tt.hours) - 1 - max(busy[today]) + min(busy[tomorrow])
                if rest < value:
                    found.append((f"{rest} free hours from {tt.days[today]} to {tt.days[tomorrow]}, fewer than {value}",
                                  f"{tt.days[today]} 到 {tt.days[tomorrow]} 之间只休息 {rest} 节，少于 {value} 节"))
        return found
    if kind == "StudentsEarlyMaxBeginningsAtSecondHour":
        problems, second = [], 0
        for d in days:
            counted = _counted(tt, d, off, breaks)
            taken = [i for i, h in enumerate(counted) if h in busy.get(d, ())]
            if taken and taken[0] >= 2:
                problems.append((f"begins at hour {counted[taken[0]] + 1} on {tt.days[d]}, later than the second",
                                 f"{tt.days[d]} 从第 {counted[taken[0]] + 1} 节才开始，晚于第二节"))
            elif taken and taken[0] == 1:
                second += 1
        if second > value:
            problems.append((f"begins at the second hour on {second} days, more than {value}",
                             f"有 {second} 天从第二节开始，多于 {value} 天"))
        return problems
    return []


def broken_weights(scenario: Scenario, solution: Solution) -> int:
    """The summed weights of the weighted (soft) rules the timetable breaks: each broken rule costs its weight
    once, FET's percentage rounded to a whole number (a weight that rounds to 0 costs nothing)."""
    tt = scenario.explicit
    if tt is None:
        return 0
    grid = _Grid(tt, _placements(tt, solution, []))
    breaks = _hard_slots(tt, "BreakTimes")
    return sum(round(rule.weight) for rule in tt.rules
               if not rule.hard and round(rule.weight) > 0 and _check_rule(grid, rule, breaks))


def check(scenario: Scenario, solution: Solution) -> list[Violation]:
    tt = scenario.explicit
    if tt is None:
        return []
    out: list[Violation] = []
    grid = _Grid(tt, _placements(tt, solution, out))
    _clashes(grid, _teacher_activities(tt), "teacher", "教师", out)
    _clashes(grid, _atom_activities(tt), "students", "学生", out)
    breaks = _hard_slots(tt, "BreakTimes")
    for number, rule in enumerate(tt.rules, start=1):
        if not rule.hard or rule.weight <= 0:
            continue
        for problem in _check_rule(grid, rule, breaks):
            where = f"time_constraints.csv row {number + 1}"
            out.append(_v(rule.kind, where, f"{rule.kind} ({where}): {problem[0]}",
                          f"{rule.kind}（time_constraints.csv 第 {number + 1} 行）：{problem[1]}"))
    return out


def penalties(scenario: Scenario, solution: Solution) -> dict[str, int]:
    """The family's penalty: the weights of the weighted rules the timetable breaks."""
    return {"rules": broken_weights(scenario, solution)}
