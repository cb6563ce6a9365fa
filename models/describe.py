"""``tongbu describe``: a scenario summarized as a table a timetabler can read at a glance."""

from __future__ import annotations

from collections import defaultdict

from models.messages import pick
from models.scenario import Scenario


def summary_line(scenario: Scenario) -> str:
    periods = sum(sum(e.periods for e in scenario.class_curriculum(c.id)) for c in scenario.classes)
    return pick(
        f"{scenario.district}: {len(scenario.consortia)} consortia, {len(scenario.schools)} schools, "
        f"{len(scenario.classes)} classes, {len(scenario.teachers)} teachers, {periods} lesson periods a week, "
        f"{len(scenario.sync_lessons)} synchronized lessons, {len(scenario.research_blocks)} research blocks, "
        f"{len(scenario.rooms)} rooms",
        f"{scenario.district}：{len(scenario.consortia)} 个共同体，{len(scenario.schools)} 所学校，"
        f"{len(scenario.classes)} 个班级，{len(scenario.teachers)} 名教师，每周 {periods} 节课，"
        f"{len(scenario.sync_lessons)} 项同步课堂，{len(scenario.research_blocks)} 项教研活动，{len(scenario.rooms)} 间专用教室")


def rooms_by_kind(scenario: Scenario, schools: set[str]) -> str:
    """The schools' rooms as kind and count (e.g. "录播教室 2, 操场 1"); a room's capacity is not counted."""
    kinds: dict[str, int] = defaultdict(int)
    for room in scenario.rooms:
        if room.school in schools:
            kinds[room.kind] += 1
    return ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items())) or "-"


def _table(header: list[str], rows: list[list[str]]) -> str:
    def width(text: str) -> int:
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)

    cols = [max(width(r[i]) for r in [header] + rows) for i in range(len(header))]

    def line(row: list[str]) -> str:
        return "  ".join(cell + " " * (cols[i] - width(cell)) for i, cell in enumerate(row)).rstrip()

    return "\n".join([line(header), line(["-" * c for c in cols])] + [line(r) for r in rows])


def demand_and_capacity(scenario: Scenario) -> tuple[dict[tuple[str, str], int], dict[tuple[str, str], int]]:
    """Weekly periods demanded and teachers' max weekly capacity, per (school, subject)."""
    demand: dict[tuple[str, str], int] = defaultdict(int)
    for klass in scenario.classes:
        for entry in scenario.class_curriculum(klass.id):
            demand[(klass.school, entry.subject)] += entry.periods
    capacity: dict[tuple[str, str], int] = defaultdict(int)
    for teacher in scenario.teachers:
        for subject in teacher.subjects:
            for school in (teacher.school, *teacher.also_schools):
                capacity[(school, subject)] += teacher.max_weekly
    return demand, capacity


def describe_table(scenario: Scenario, by: str = "consortium") -> str:
    demand, capacity = demand_and_capacity(scenario)
    if by == "subject":
        header = [pick("subject", "学科"), pick("periods/week", "周课时需求"), pick("teacher capacity", "教师容量"),
                  pick("schools short", "不足的学校")]
        rows = []
        for subject in scenario.subjects:
            need = sum(v for (s, sub), v in demand.items() if sub == subject.id)
            cap = sum(v for (s, sub), v in capacity.items() if sub == subject.id)
            short = sum(1 for (s, sub), v in demand.items() if sub == subject.id and capacity.get((s, sub), 0) < v)
            rows.append([subject.name, str(need), str(cap), str(short)])
        return _table(header, rows)
    if by == "school":
        header = [pick("school", "学校"), pick("consortium", "共同体"), pick("role", "角色"), pick("classes", "班级"),
                  pick("teachers", "教师"), pick("periods/week", "周课时"), pick("rooms", "专用教室")]
        rows = [[s.name, s.consortium, s.role.value, str(sum(1 for c in scenario.classes if c.school == s.id)),
                 str(sum(1 for t in scenario.teachers if t.school == s.id)),
                 str(sum(v for (school, _), v in demand.items() if school == s.id)), rooms_by_kind(scenario, {s.id})]
                for s in scenario.schools]
        return _table(header, rows)
    header = [pick("consortium", "共同体"), pick("lead", "牵头学校"), pick("schools", "学校数"), pick("classes", "班级"),
              pick("teachers", "教师"), pick("periods/week", "周课时"), pick("sync lessons", "同步课堂"),
              pick("rooms", "专用教室")]
    rows = []
    for consortium in scenario.consortia:
        schools = [s for s in scenario.schools if s.consortium == consortium.id]
        ids = {s.id for s in schools}
        lead = next((s.name for s in schools if s.role.value == "lead"), "-")
        rows.append([consortium.name, lead, str(len(schools)), str(sum(1 for c in scenario.classes if c.school in ids)),
                     str(sum(1 for t in scenario.teachers if t.school in ids)),
                     str(sum(v for (school, _), v in demand.items() if school in ids)),
                     str(sum(1 for x in scenario.sync_lessons if scenario.class_by_id[x.teaching_class].school in ids)),
                     str(sum(1 for r in scenario.rooms if r.school in ids))])
    return _table(header, rows)
