"""Why the yearly ratios cannot be met, in the user's words: schools, subjects, periods.

Given the closest plan (fewest missing rotations, every other rule kept), each unit and year that
falls short is explained school by school: how many eligible teachers it has, how many rotate, and
for each one who does not, what stops them — leaving would take a school below the periods its
classes need in a subject, or there is no school they may go to (and why).
"""

from __future__ import annotations

from collections import defaultdict

from models import Teacher
from models.exchange_files import ratio_fraction
from models.exchange_inputs import RatioScope, unit_of
from scheduler.exchange.plan import Placement, UnitSummary


def no_plan_explanation(status: str) -> list[tuple[str, str]]:
    if status == "infeasible":
        return [(("the solver proved that no plan keeps every school's coverage, the hosts and the restart rule "
                  "together (status infeasible)"),
                 "求解器已证明：没有方案能同时满足各校课务覆盖、可去学校和重新计年规则（状态 infeasible）")]
    return [(f"the solver found no plan within the effort (status {status}); try a larger --effort",
             f"求解器在计算量内未找到方案（状态 {status}）；可加大 --effort")]


def _unit_label(facts, scope: str, unit: str) -> tuple[str, str]:
    scenario = facts.scenario
    if scope == RatioScope.SCHOOL.value:
        name = scenario.school_by_id[unit].name
        return name, name
    if scope == RatioScope.CONSORTIUM.value:
        name = scenario.consortium_by_id[unit].name if unit in scenario.consortium_by_id else unit
        return f"consortium {name}", f"共同体 {name}"
    return f"the county ({unit})", f"全县（{unit}）"


def _subject_names(facts, subject: str) -> tuple[str, str]:
    found = facts.scenario.subject_by_id.get(subject)
    return ((found.name_en or found.name) if found else subject), (found.name if found else subject)


def _present_capacity(facts, school: str, group, k: int, placements: list[Placement]) -> int:
    year = facts.years[k]
    away = {p.teacher for p in placements if p.away_in(year)}
    present = [t for t in facts.able[school] if t.id not in away]
    present += [facts.scenario.teacher_by_id[p.teacher] for p in placements if p.host == school and p.away_in(year)]
    return sum(facts.usable(t, school, group) for t in present)


def _group_names(facts, group) -> tuple[str, str]:
    names = [_subject_names(facts, j) for j in sorted(group, key=[s.id for s in facts.scenario.subjects].index)]
    return " and ".join(en for en, _zh in names), "和".join(zh for _en, zh in names)


def _why_stays(facts, teacher: Teacher, k: int, placements: list[Placement]) -> tuple[str, tuple[str, str]]:
    """A grouping key and (en, zh): why this eligible teacher does not rotate in year index k."""
    if teacher.id in facts.no_host_reason:
        en, zh = facts.no_host_reason[teacher.id]
        return "nohost:" + en, (en, zh)
    schools = [teacher.school, *teacher.also_schools]
    for school_id in schools:
        school = facts.scenario.school_by_id[school_id]
        # single subjects first: "without a maths teacher" says more than "short of maths and science"
        for group in facts.groups(school_id):
            mine = facts.usable(teacher, school_id, group)
            need = facts.required(school_id, group)
            if need <= 0 or mine <= 0:
                continue
            left = _present_capacity(facts, school_id, group, k, placements) - mine
            if left >= need:
                continue
            if group is None:
                return f"total:{school_id}", (
                    f"leaving would leave {school.name} unable to give its {need} periods a week ({left} left)",
                    f"离开后{school.name}每周 {need} 节课无人可上（只剩 {left} 节）")
            en_name, zh_name = _group_names(facts, group)
            demand = sum(facts.demand.get((school_id, j), 0) for j in group)
            key = f"subject:{school_id}:{'+'.join(sorted(group))}"
            if left <= 0:
                return key, (
                    f"leaving would leave {school.name} without a {en_name} teacher ({demand} periods a week)",
                    f"离开后{school.name}将没有{zh_name}教师（每周 {demand} 节）")
            return key, (
                f"leaving would leave {school.name} short of {en_name} ({demand} periods a week, {left} left)",
                f"离开后{school.name}的{zh_name}课时不足（每周需 {demand} 节，只剩 {left} 节）")
    return "together", ("no single rule stops them alone, but with the other moves of this plan their going "
                        "would break coverage, the backbone share or fairness",
                        "单看本人可以交流，但与本方案其他人员调动合在一起会破坏课时保障、骨干比例或公平轮换")


def _school_lines(facts, school_id: str, k: int, placements: list[Placement], eligible: dict) -> list[tuple[str, str]]:
    scenario = facts.scenario
    school = scenario.school_by_id[school_id]
    year = facts.years[k]
    teachers = sorted((t for t in scenario.teachers if t.school == school_id), key=lambda t: t.id)
    elig = [t for t in teachers if eligible[(t.id, k)]]
    if not elig:
        return []
    going = {p.teacher for p in placements if p.year == year}
    staying = [t for t in elig if t.id not in going]
    rotating = len(elig) - len(staying)
    head_en = f"{school.name} has {len(elig)} eligible teacher(s), {rotating} rotate(s)"
    head_zh = f"{school.name} 有 {len(elig)} 位应交流教师，{rotating} 位交流"
    if not staying:
        return [(head_en, head_zh)]
    groups: dict[str, tuple[tuple[str, str], list[Teacher]]] = {}
    for t in staying:
        key, text = _why_stays(facts, t, k, placements)
        groups.setdefault(key, (text, []))[1].append(t)
    parts_en, parts_zh = [], []
    for _key, ((en, zh), people) in sorted(groups.items()):
        names = "、".join(f"{t.name}({t.id})" for t in people[:6]) + (" …" if len(people) > 6 else "")
        parts_en.append(f"{len(people)} cannot: {en} [{names}]")
        parts_zh.append(f"{len(people)} 位不能交流：{zh}［{names}］")
    return [(f"{head_en}; " + "; ".join(parts_en), f"{head_zh}；" + "；".join(parts_zh))]


def explain_shortfall(facts, placements: list[Placement], eligible: dict[tuple[str, int], bool], units: list[UnitSummary],
                      proven: bool) -> list[tuple[str, str]]:
    """Why the ratios cannot be met; ``eligible``: each (teacher, year index)'s eligibility under the plan."""
    scenario, settings = facts.scenario, facts.inputs.settings
    scope = settings.ratio_scope
    ratio, share = ratio_fraction(settings.yearly_ratio), ratio_fraction(settings.backbone_share)
    pct, bb_pct = f"{100 * float(ratio):g}%", f"{100 * float(share):g}%"
    lines: list[tuple[str, str]] = []
    schools_of: dict[str, list[str]] = defaultdict(list)
    for school in sorted(scenario.schools, key=lambda s: s.id):
        schools_of[unit_of(scenario, scope, school.id)].append(school.id)
    for summary in units:
        if summary.scope != scope.value or summary.met:
            continue
        k = facts.years.index(summary.year)
        label_en, label_zh = _unit_label(facts, summary.scope, summary.unit)
        where = len(schools_of[summary.unit])
        if summary.rotated < summary.required:
            lines.append((
                f"{label_en}, school year {summary.year}: {summary.eligible} eligible teachers, so {pct} means at least "
                f"{summary.required} must rotate, but only {summary.rotated} can"
                + (f" from its {where} schools" if where > 1 else "") + ":",
                f"{label_zh} {summary.year} 学年：应交流教师 {summary.eligible} 人，按 {pct} 至少 {summary.required} 人交流，"
                f"但{f'其 {where} 所学校' if where > 1 else ''}最多只能 {summary.rotated} 人："))
            for school_id in schools_of[summary.unit]:
                lines += [("  " + en, "  " + zh) for en, zh in _school_lines(facts, school_id, k, placements, eligible)]
        if summary.backbone < summary.backbone_required:
            ids = set(schools_of[summary.unit])
            backbone = [t for t in scenario.teachers if t.school in ids and t.backbone and eligible[(t.id, k)]]
            lines.append((
                f"{label_en}, school year {summary.year}: {summary.rotated} rotate, so {bb_pct} means at least "
                f"{summary.backbone_required} backbone teacher(s), but only {summary.backbone} can go "
                f"({len(backbone)} eligible backbone teacher(s))",
                f"{label_zh} {summary.year} 学年：{summary.rotated} 人交流，按 {bb_pct} 至少应有 {summary.backbone_required} 名骨干教师，"
                f"但只能安排 {summary.backbone} 名（应交流骨干教师 {len(backbone)} 人）"))
            for t in sorted(backbone, key=lambda t: t.id):
                if any(p.teacher == t.id and p.year == summary.year for p in placements):
                    continue
                _key, (en, zh) = _why_stays(facts, t, k, placements)
                lines.append((f"  {t.name}({t.id}), {scenario.school_by_id[t.school].name}: {en}",
                               f"  {t.name}（{t.id}），{scenario.school_by_id[t.school].name}：{zh}"))
    if not proven:
        lines.append(("(the solver did not prove within the effort that no better plan exists; a larger "
                      "--effort may find one)", "（求解器未在计算量内证明不存在更好的方案；加大 --effort 或可找到）"))
    if not lines:  # the shortfall is in a unit the summaries round differently; say so rather than nothing
        lines.append((f"the ratios ({pct}, backbone {bb_pct}) cannot be met", f"无法达到交流比例（{pct}，骨干 {bb_pct}）"))
    return lines
