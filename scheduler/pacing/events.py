"""The pacing calendar as all-day feed entries (models.events.DayEvent):

* 本周进度 — one entry a week in every class's feed (the units of each paced subject taught that week,
  with lessons planned and the class's own lessons) and in every teacher's feed (the units of what
  they teach), spanning the week's teaching days;
* 统一测评 — each unified assessment day, in the feeds of the tested classes, their teachers of the
  tested subjects, their schools and the consortium.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from models.enums import PacingKind
from models.events import DayEvent
from models.pacing import PacingGroup, PacingPlan
from models.scenario import Scenario
from models.solution import Solution
from models.term import teaching_days, week_of_term

CN_NUMBER = "〇一二三四五六七八九"
PROGRESS, ASSESSMENT = "教学进度", "统一测评"


def _grade_zh(grade: int) -> str:
    return f"{CN_NUMBER[grade]}年级" if grade < 10 else f"{grade}年级"


def _day_zh(day: date) -> str:
    return f"{day.month}月{day.day}日（周{'一二三四五六日'[day.weekday()]}）"


class _Week:
    """What one group teaches in one week: (title, first lesson, last lesson) per unit, lessons planned,
    each class's own lessons, and the assessments that week."""

    def __init__(self) -> None:
        self.units: list[tuple[str, int, int, int]] = []  # title, from, to, total lessons of the unit
        self.planned = 0
        self.available: dict[str, int] = defaultdict(int)
        self.tests: list[tuple[str, date]] = []


def weekly(group: PacingGroup, week_of) -> dict[int, _Week]:  # type: ignore[no-untyped-def]
    """Per week of the term: the group's units (with their lesson numbers), lessons and assessments."""
    done: dict[int, int] = defaultdict(int)
    found: dict[int, _Week] = defaultdict(_Week)
    for slot in sorted(group.slots, key=lambda s: s.first):
        week = found[slot.week]
        week.planned += slot.planned
        for class_id, n in slot.available.items():
            week.available[class_id] += n
        for seq, n in slot.items:
            item = group.item(seq)
            first = done[seq] + 1
            done[seq] += n
            if week.units and week.units[-1][0] == item.title and week.units[-1][2] == first - 1:
                week.units[-1] = (item.title, week.units[-1][1], done[seq], item.lessons)
            else:
                week.units.append((item.title, first, done[seq], item.lessons))
    for item in group.items:
        if item.kind == PacingKind.ASSESSMENT and item.date is not None:
            found[week_of(item.date)].tests.append((item.title, item.date))
    return found


def _units_text(week: _Week) -> str:
    parts = []
    for title, first, last, total in week.units:
        span = f"第{first}课时" if first == last else f"第{first}–{last}课时"
        parts.append(f"{title}（{span}，共{total}课时）")
    return "、".join(parts)


def _short_units(week: _Week) -> str:
    return "、".join(dict.fromkeys(title for title, *_ in week.units)) or "机动/复习"


def pacing_events(scenario: Scenario, solution: Solution, plan: PacingPlan) -> list[DayEvent]:
    """Every 本周进度 entry (classes and teachers) and every unified assessment day, sorted."""
    term = scenario.term

    def week_of(day: date) -> int:
        return week_of_term(term, day)

    spans: dict[int, list[date]] = defaultdict(list)
    for day in teaching_days(scenario):
        spans[week_of(day.date)].append(day.date)
    teachers_of: dict[tuple[str, str], set[str]] = defaultdict(set)
    for lesson in solution.lessons:
        teachers_of[(lesson.class_id, lesson.subject)].add(lesson.teacher)
    weeks = {g.key: weekly(g, week_of) for g in plan.groups}
    by_class: dict[tuple[str, int], list[str]] = defaultdict(list)
    by_teacher: dict[tuple[str, int], list[str]] = defaultdict(list)
    heads_class: dict[tuple[str, int], list[str]] = defaultdict(list)
    heads_teacher: dict[tuple[str, int], list[str]] = defaultdict(list)
    for group in sorted(plan.groups, key=lambda g: (g.grade, g.subject, g.consortium)):
        book = group.textbook or group.subject
        for number, week in sorted(weeks[group.key].items()):
            if not week.units and not week.tests:
                continue
            tests = "；".join(f"{title} {_day_zh(day)}" for title, day in week.tests)
            for class_id in group.classes:
                has = week.available.get(class_id, 0)
                line = f"{group.subject}（{book}）：{_units_text(week) or '无新课'}；本周计划 {week.planned} 课时，本班可用 {has} 课时"
                if has > week.planned:
                    line += f"，机动 {has - week.planned} 课时"
                if tests:
                    line += f"；测评：{tests}"
                by_class[(class_id, number)].append(line)
                heads_class[(class_id, number)].append(f"{group.subject} {_short_units(week)}")
                for teacher in sorted(teachers_of.get((class_id, group.subject), ())):
                    by_teacher[(teacher, number)].append(f"{scenario.school_by_id[scenario.class_by_id[class_id].school].name} "
                                                         f"{scenario.class_by_id[class_id].label}班 " + line)
                    head = f"{group.grade}年级{group.subject} {_short_units(week)}"
                    if head not in heads_teacher[(teacher, number)]:
                        heads_teacher[(teacher, number)].append(head)
    events = []
    for (class_id, number), lines in sorted(by_class.items()):
        if not spans.get(number):
            continue
        events.append(DayEvent(
            source=f"pacing\x1fclass\x1f{class_id}", week=number, first=spans[number][0], last=spans[number][-1],
            summary="本周进度：" + "；".join(heads_class[(class_id, number)]),
            description=f"第{number}周 教学进度（{plan.term}，教共体统一进度）\n" + "\n".join(lines),
            categories=(PROGRESS,), classes=(class_id,)))
    for (teacher, number), lines in sorted(by_teacher.items()):
        if not spans.get(number):
            continue
        events.append(DayEvent(
            source=f"pacing\x1fteacher\x1f{teacher}", week=number, first=spans[number][0], last=spans[number][-1],
            summary="本周进度：" + "；".join(heads_teacher[(teacher, number)]),
            description=f"第{number}周 教学进度（{plan.term}，教共体统一进度）\n" + "\n".join(lines),
            categories=(PROGRESS,), teachers=(teacher,)))
    events += assessment_events(scenario, plan, teachers_of, week_of)
    return sorted(events, key=lambda e: (e.first, e.source, e.week))


def assessment_events(scenario: Scenario, plan: PacingPlan, teachers_of: dict[tuple[str, str], set[str]],
                      week_of) -> list[DayEvent]:  # type: ignore[no-untyped-def]
    """One entry per consortium, grade and assessment date: the subjects tested and what each covers."""
    tested: dict[tuple[str, int, date], list[tuple[PacingGroup, str, str]]] = defaultdict(list)
    for group in plan.groups:
        covered: list[str] = []
        for item in group.items:
            if item.kind != PacingKind.ASSESSMENT:
                covered.append(item.title)
                continue
            if item.date is not None:
                scope = f"{covered[0]}至{covered[-1]}" if covered else "—"
                tested[(group.consortium, group.grade, item.date)].append((group, item.title, scope))
    events = []
    for (consortium, grade, day), entries in sorted(tested.items()):
        classes = sorted({c for g, _, _ in entries for c in g.classes})
        teachers = sorted({t for g, _, _ in entries for c in g.classes for t in teachers_of.get((c, g.subject), ())})
        subjects = "、".join(g.subject for g, _, _ in sorted(entries, key=lambda e: e[0].subject))
        titles = "、".join(dict.fromkeys(title for _, title, _ in entries))
        scope = "全县统一测评" if all(g.county_wide for g, _, _ in entries) else "共同体统一测评"
        lines = [f"{scope}：{_grade_zh(grade)} {titles}", f"日期：{_day_zh(day)}", f"科目：{subjects}"]
        lines += [f"{g.subject}测评范围：{covered}" for g, _, covered in sorted(entries, key=lambda e: e[0].subject)]
        lines.append(f"参加班级（{len(classes)}个）：" + "、".join(
            f"{scenario.school_by_id[scenario.class_by_id[c].school].name}{scenario.class_by_id[c].label}" for c in classes))
        events.append(DayEvent(
            source=f"pacing-assessment\x1f{consortium}\x1f{grade}\x1f{day.isoformat()}", week=week_of(day), first=day,
            last=day, summary=f"【{ASSESSMENT}】{_grade_zh(grade)} {titles}（{subjects}）", description="\n".join(lines),
            categories=(ASSESSMENT,), classes=tuple(classes), teachers=tuple(teachers),
            schools=tuple(sorted({scenario.class_by_id[c].school for c in classes})), consortia=(consortium,)))
    return events
