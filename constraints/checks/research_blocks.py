"""Research blocks (集体备课, 大教研): each meets once a week, with its whole group free, travel included.

The group of a block is its listed teachers plus, when the block names a subject, grades or a
consortium, every teacher who in the solution teaches a lesson matching all of those it names
(subject; a class of one of the grades; a class at a school of the consortium). A block naming
none of them is its listed teachers only. Members must have no lesson whose clock time, under any
bell-time regime of the term, overlaps the block widened by the travel to the host school and back
(in person only; minutes from each teacher's home school).
"""

from __future__ import annotations

from collections import defaultdict

from constraints.checks import Violation
from constraints.checks._common import (
    Clocks,
    Names,
    Regime,
    Window,
    day_en,
    is_receiving,
    lesson_order,
    overlaps,
    periods_en,
    periods_zh,
    span,
)
from models import DeliveryMode, LessonPlacement, ResearchBlock, ResearchPlacement, Scenario, Solution, Weekday

DAY_MINUTES = 24 * 60


def check(scenario: Scenario, solution: Solution) -> list[Violation]:
    names, clocks = Names(scenario), Clocks(scenario)
    blocks = {block.id: block for block in scenario.research_blocks}
    placements: dict[str, list[ResearchPlacement]] = defaultdict(list)
    found: list[Violation] = []
    for placement in solution.research:
        if placement.block in blocks:
            placements[placement.block].append(placement)
        else:
            found.append(Violation("research_blocks.unknown", f"教研活动 {placement.block}",
                                   f"a research time is placed for block '{placement.block}', which is not in the scenario",
                                   f"结果中有教研活动“{placement.block}”的时间，但方案中没有该教研活动"))
    # A sync lesson's receiving ends are not the teacher's time (docs/format.md, sync_lessons).
    taught: dict[tuple[str, Weekday], list[LessonPlacement]] = defaultdict(list)
    for lesson in solution.lessons:
        if not is_receiving(scenario, lesson):
            taught[(lesson.teacher, lesson.day)].append(lesson)
    for block in sorted(scenario.research_blocks, key=lambda b: b.id):
        found += _block(scenario, solution, names, clocks, block, placements.get(block.id, []), taught)
    return found


def group_of(scenario: Scenario, solution: Solution, block: ResearchBlock) -> set[str]:
    """The teachers who must attend: listed ones plus those the solution makes teachers of the block's lessons."""
    members = set(block.teachers)
    if block.subject is None and not block.grades:
        # No subject and no grades: only the listed teachers (docs/format.md, research_blocks.subject);
        # the consortium then only says whose block it is, not that all its teachers attend.
        return members
    for lesson in solution.lessons:
        klass = scenario.class_by_id.get(lesson.class_id)
        if klass is None or lesson.teacher not in scenario.teacher_by_id or is_receiving(scenario, lesson):
            continue  # a sync teacher belongs to the groups of the class they teach in person
        if block.subject is not None and lesson.subject != block.subject:
            continue
        if block.grades and klass.grade not in block.grades:
            continue
        school = scenario.school_by_id.get(klass.school)
        if block.consortium is not None and (school is None or school.consortium != block.consortium):
            continue
        members.add(lesson.teacher)
    return members


def _label(block: ResearchBlock) -> tuple[str, str]:
    return f"research block {block.name}", f"教研活动 {block.name}"


def _block(scenario: Scenario, solution: Solution, names: Names, clocks: Clocks, block: ResearchBlock,
           placements: list[ResearchPlacement], taught: dict[tuple[str, Weekday], list[LessonPlacement]]) -> list[Violation]:
    where = f"教研活动 {block.name}"
    label_en, label_zh = _label(block)
    if not placements:
        return [Violation("research_blocks.missing", where, f"{label_en} has no time in the timetable",
                          f"{label_zh} 没有排定时间")]
    found: list[Violation] = []
    if len(placements) > 1:
        found.append(Violation("research_blocks.count", where,
                               f"{label_en} is placed {len(placements)} times; it meets once a week",
                               f"{label_zh} 排了{len(placements)}次；每周只开展一次"))
    group = group_of(scenario, solution, block)
    for placement in sorted(placements, key=lambda p: (p.day.index, p.start_minute, p.end_minute)):
        found += _when(block, placement, where, label_en, label_zh)
        host = _host(scenario, block, placement, names, where, label_en, label_zh, found)
        found += _members(group, placement, names, where, label_en, label_zh)
        attendees = sorted(group | {t for t in placement.teachers if t in scenario.teacher_by_id})
        for teacher_id in attendees:
            found += _free(scenario, names, clocks, block, placement, host, teacher_id, taught.get((teacher_id, placement.day), []),
                           where, label_en, label_zh)
    return found


def _when(block: ResearchBlock, placement: ResearchPlacement, where: str, label_en: str,
          label_zh: str) -> list[Violation]:
    found: list[Violation] = []
    if placement.day not in block.days:
        found.append(Violation("research_blocks.day", where,
                               f"{label_en} is placed on {day_en(placement.day)}; it may meet on "
                               f"{', '.join(day_en(d) for d in block.days)}",
                               f"{label_zh} 排在{placement.day.zh}；只能在{'、'.join(d.zh for d in block.days)}开展"))
    length = placement.end_minute - placement.start_minute
    if length < block.minutes:
        found.append(Violation("research_blocks.minutes", where,
                               f"{label_en} lasts {length} minutes ({_span(placement.start_minute, placement.end_minute)}), "
                               f"it needs {block.minutes}",
                               f"{label_zh} 只有{length}分钟（{_span(placement.start_minute, placement.end_minute)}），"
                               f"需要{block.minutes}分钟"))
    return found


def _host(scenario: Scenario, block: ResearchBlock, placement: ResearchPlacement, names: Names, where: str,
          label_en: str, label_zh: str, found: list[Violation]) -> str | None:
    """The host school when the block is in person and the host is known; problems are appended to ``found``."""
    if block.mode != DeliveryMode.IN_PERSON:
        return None
    host = placement.host or block.host
    if block.host and placement.host and placement.host != block.host:
        found.append(Violation("research_blocks.host", where,
                               f"{label_en} is held at {names.school(placement.host)}, its host is {names.school(block.host)}",
                               f"{label_zh} 安排在{names.school(placement.host)}，承办学校应为{names.school(block.host)}"))
        host = block.host
    if host is None or host not in scenario.school_by_id:
        found.append(Violation("research_blocks.host", where,
                               f"{label_en} is held in person but has no known host school"
                               + (f" ('{host}')" if host else ""),
                               f"{label_zh} 为线下活动，但没有有效的承办学校" + (f"（“{host}”）" if host else "")))
        return None
    return host


def _members(group: set[str], placement: ResearchPlacement, names: Names, where: str, label_en: str,
             label_zh: str) -> list[Violation]:
    found: list[Violation] = []
    missing = sorted(group - set(placement.teachers))
    extra = sorted(set(placement.teachers) - group)
    if missing:
        found.append(Violation("research_blocks.members", where,
                               f"{label_en}: missing from its placement, though in the group: {names.teachers(missing, 'en')}",
                               f"{label_zh}：教研组成员 {names.teachers(missing, 'zh')} 未列入参加人员"))
    if extra:
        found.append(Violation("research_blocks.members", where,
                               f"{label_en}: listed in its placement but not in the group: {names.teachers(extra, 'en')}",
                               f"{label_zh}：{names.teachers(extra, 'zh')} 不属于该教研组，却列入了参加人员"))
    return found


def _free(scenario: Scenario, names: Names, clocks: Clocks, block: ResearchBlock, placement: ResearchPlacement,
          host: str | None, teacher_id: str, taught: list[LessonPlacement], where: str, label_en: str,
          label_zh: str) -> list[Violation]:
    """``taught``: the teacher's lessons of the placement's day, receiving ends left out."""
    teacher = scenario.teacher_by_id[teacher_id]
    who = names.teacher(teacher_id)
    to_host = back = 0
    found: list[Violation] = []
    if host is not None and teacher.school in scenario.school_by_id:
        there, home = scenario.travel_minutes(teacher.school, host), scenario.travel_minutes(host, teacher.school)
        if there is None or home is None:
            found.append(Violation("research_blocks.travel", where,
                                   f"{label_en}: {who} cannot travel from {names.school(teacher.school)} to the host "
                                   f"{names.school(host)} (no road in the travel table)",
                                   f"{label_zh}：{who} 无法从{names.school(teacher.school)}前往承办学校{names.school(host)}"
                                   "（交通表中没有道路）"))
        else:
            to_host, back = there, home
    spare = block.travel_buffer_minutes if host and (to_host or back) else 0
    busy = (placement.start_minute - to_host - (spare if to_host else 0), placement.end_minute + back + (spare if back else 0))
    when_en = f"{day_en(placement.day)} {_span(placement.start_minute, placement.end_minute)}"
    when_zh = f"{placement.day.zh} {_span(placement.start_minute, placement.end_minute)}"
    spare_en = f" with {spare} minutes to spare each way" if spare else ""
    spare_zh = f"，另留{spare}分钟余量" if spare else ""
    travel_en = (f"; with travel to {names.school(host)} ({to_host} minutes) and back ({back} minutes){spare_en} "
                 f"they must be free {_span(*busy)}") if host and (to_host or back) else ""
    travel_zh = (f"；往返承办学校{names.school(host)}（去{to_host}分钟、回{back}分钟{spare_zh}），"
                 f"需在{_span(*busy)}空闲") if host and (to_host or back) else ""
    for lesson in sorted(taught, key=lesson_order):
        hit = _first_overlap(clocks, lesson, busy)
        if hit is None:
            continue
        window, regime = hit
        found.append(Violation(
            "research_blocks.busy", where,
            f"{label_en} on {when_en}: {who} teaches {names.klass(lesson.class_id)} {names.subject(lesson.subject)} "
            f"{periods_en(lesson.period, lesson.length)} ({span(window)}){clocks.since_en(regime, clocks.moves(lesson))}{travel_en}",
            f"{label_zh} {when_zh}：{who} 要上 {names.klass(lesson.class_id)} {names.subject(lesson.subject)} "
            f"{periods_zh(lesson.period, lesson.length)}（{span(window)}）{clocks.since_zh(regime, clocks.moves(lesson))}{travel_zh}"))
    return found


def _first_overlap(clocks: Clocks, lesson: LessonPlacement, busy: Window) -> tuple[Window, Regime] | None:
    for regime in clocks.regimes:
        window = clocks.lesson_window(lesson, regime)
        if window is not None and overlaps(window, busy):
            return window, regime
    return None


def _span(start: int, end: int) -> str:
    # Travel can widen a window past midnight; clamp so the clock text stays readable.
    return span((max(0, start), min(DAY_MINUTES, end)))
