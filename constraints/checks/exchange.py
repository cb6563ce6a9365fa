"""The independent plan check: ratios, coverage, eligibility, fairness — from plan.csv and the scenario alone.

Shares no code with the planner's model: demand, capacity, eligibility and the restart rule are
computed again here in plain Python, straight from the written plan (``plan.csv``, the years in
``plan_info.yaml``) and the scenario folder (read by the same loader), so a modelling bug in the
planner shows up as a violation instead of being repeated. Like every check it imports only ``models`` and
its siblings (the AST guard in tests/test_checks.py).
"""

from __future__ import annotations

import csv
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import yaml

from constraints.checks import Violation
from models import Scenario
from models.enums import SchoolRole
from models.exchange_files import ExchangeInputError, load_exchange_inputs
from models.exchange_inputs import ExchangeInputs
from models.validation import validate_folder

#: One finding, in English and Chinese; ``check`` turns them into violations.
Message = tuple[str, str]
#: What stops ``tongbu solve`` before it builds its model, on a year scenario (its folder's name, the scenario):
#: the timetable solver's own steps, given by the caller (scheduler.exchange.presolve).
BeforeSolve = Callable[[str, Scenario], list[Message]]


@dataclass(frozen=True)
class Row:
    line: int
    teacher: str
    home: str
    host: str
    year: int
    years: int


def _fraction(value: float) -> Fraction:
    return Fraction(str(value)).limit_denominator(1000)


def read_plan_rows(plan_dir: Path) -> tuple[list[Row], list[Message]]:
    path = plan_dir / "plan.csv"
    if not path.is_file():
        return [], [(f"{path} does not exist", f"{path} 不存在")]
    rows, bad = [], []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for line, record in enumerate(csv.DictReader(handle), start=2):
            try:
                rows.append(Row(line, record["teacher"].strip(), record["from"].strip(), record["to"].strip(),
                                int(record["year"]), int(record["years"])))
            except (KeyError, ValueError, AttributeError):
                bad.append((f"plan.csv row {line}: cannot read teacher/from/to/year/years",
                            f"plan.csv 第 {line} 行：无法读取 teacher/from/to/year/years"))
    return rows, bad


def read_years(plan_dir: Path) -> list[int] | None:
    path = plan_dir / "plan_info.yaml"
    if not path.is_file():
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return [int(y) for y in data.get("years", [])]
    except (yaml.YAMLError, TypeError, ValueError, AttributeError):
        return None


class PlanCheck:
    def __init__(self, inputs: ExchangeInputs, rows: list[Row], years: list[int]) -> None:
        self.inputs = inputs
        self.s: Scenario = inputs.scenario
        self.cfg = inputs.settings
        self.rows = rows
        self.years = years
        self.out: list[Message] = []
        #: the kind of each violation in ``out``: "ratio" (the yearly ratio or backbone share) or "plan"
        self.kinds: list[str] = []
        self.first = years[0]
        self.progress: Callable[[str, str], None] | None = None
        self.before_solve: BeforeSolve | None = None

    def bad(self, en: str, zh: str, kind: str = "plan") -> None:
        self.out.append((en, zh))
        self.kinds.append(kind)

    # --- facts, computed here on their own ------------------------------------------------------

    def class_periods(self) -> dict[tuple[str, str], list[int]]:
        """(school, subject) -> the weekly periods each of its classes needs locally (sync-received excluded)."""
        synced: dict[tuple[str, str], int] = {}
        for lesson in self.s.sync_lessons:
            for c in lesson.receiving_classes:
                synced[(c, lesson.subject)] = synced.get((c, lesson.subject), 0) + lesson.per_week
        periods: dict[tuple[str, str], list[int]] = {}
        for c in self.s.classes:
            stage = self.s.school_by_id[c.school].stage
            for e in self.s.curriculum:
                if e.stage == stage and e.grade == c.grade and e.periods > 0:
                    local = e.periods - synced.get((c.id, e.subject), 0)
                    if local > 0:
                        periods.setdefault((c.school, e.subject), []).append(local)
        return periods

    def weekly_demand(self) -> dict[tuple[str, str], int]:
        return {key: sum(values) for key, values in self.class_periods().items()}

    def starts_of(self, teacher: str) -> list[Row]:
        return sorted((r for r in self.rows if r.teacher == teacher), key=lambda r: r.year)

    def is_eligible(self, teacher_id: str, year: int) -> bool:
        t = self.s.teacher_by_id[teacher_id]
        row = self.inputs.teachers.get(teacher_id)
        if t.years_at_school is None or (row and row.exempt):
            return False
        if (t.birth_year is not None and self.cfg.retirement_exempt_years
                and self.cfg.retirement_age - (year - t.birth_year) <= self.cfg.retirement_exempt_years):
            return False
        tenure = t.years_at_school + (year - self.first)
        for r in self.starts_of(teacher_id):
            if r.year < year:
                tenure = year - (r.year + r.years)  # back home: the count starts again
        return tenure >= self.cfg.eligibility_years

    def away(self, year: int) -> dict[str, Row]:
        return {r.teacher: r for r in self.rows if r.year <= year < r.year + r.years}

    # --- checks -----------------------------------------------------------------------------

    def rows_valid(self) -> list[Row]:
        good = []
        for r in self.rows:
            where_en, where_zh = f"plan.csv row {r.line}", f"plan.csv 第 {r.line} 行"
            t = self.s.teacher_by_id.get(r.teacher)
            host = self.s.school_by_id.get(r.host)
            if t is None or host is None:
                self.bad(f"{where_en}: unknown teacher {r.teacher} or school {r.host}",
                         f"{where_zh}：未知的教师 {r.teacher} 或学校 {r.host}")
                continue
            if r.year not in self.years:
                self.bad(f"{where_en}: {r.year} is not a planned year", f"{where_zh}：{r.year} 不在规划学年内")
                continue
            if r.home != t.school:
                self.bad(f"{where_en}: {t.name}'s home school is {t.school}, not {r.home}",
                         f"{where_zh}：{t.name} 的人事所在学校是 {t.school}，不是 {r.home}")
            expected = min(self.cfg.placement_years, self.years[-1] - r.year + 1)
            if r.years != expected:
                self.bad(f"{where_en}: a placement lasts {expected} year(s) here, not {r.years}",
                         f"{where_zh}：交流期应为 {expected} 年，而不是 {r.years} 年")
            self.host_allowed(r, where_en, where_zh)
            good.append(r)
        return good

    def host_allowed(self, r: Row, where_en: str, where_zh: str) -> None:
        t = self.s.teacher_by_id[r.teacher]
        home, host = self.s.school_by_id[t.school], self.s.school_by_id[r.host]
        if host.consortium != home.consortium or host.place == home.place:
            self.bad(f"{where_en}: {host.name} is not another school of {home.name}'s consortium",
                     f"{where_zh}：{host.name} 不是 {home.name} 所在共同体的其他学校")
        lead_home, lead_host = home.role == SchoolRole.LEAD, host.role == SchoolRole.LEAD
        way = "lead_to_member" if lead_home and not lead_host else \
            "member_to_lead" if lead_host and not lead_home else "member_to_member"
        if way not in {d.value for d in self.cfg.directions}:
            self.bad(f"{where_en}: direction {way} is not allowed", f"{where_zh}：不允许 {way} 方向的交流")
        if not any(c.school == host.id and any(e.subject in t.subjects and e.periods > 0
                                               for e in self.s.class_curriculum(c.id)) for c in self.s.classes):
            self.bad(f"{where_en}: {host.name} does not teach any of {t.name}'s subjects",
                     f"{where_zh}：{host.name} 不开设 {t.name} 的任教学科")
        pref = self.inputs.teachers.get(t.id)
        if pref and pref.preferred_schools and host.id not in pref.preferred_schools:
            self.bad(f"{where_en}: {host.name} is not among {t.name}'s preferred schools",
                     f"{where_zh}：{host.name} 不在 {t.name} 的意向学校中")
        if pref and pref.max_travel_minutes is not None:
            minutes = self.s.travel.minutes(home.place, host.place)
            if minutes is None or minutes > pref.max_travel_minutes:
                self.bad(f"{where_en}: {host.name} is {minutes} minutes away, {t.name} travels at most "
                         f"{pref.max_travel_minutes}", f"{where_zh}：{host.name} 距离 {minutes} 分钟，超过 {t.name} 的"
                         f"最远通勤 {pref.max_travel_minutes} 分钟")

    def eligibility_and_overlap(self, rows: list[Row]) -> None:
        for r in rows:
            t = self.s.teacher_by_id[r.teacher]
            if not self.is_eligible(r.teacher, r.year):
                self.bad(f"plan.csv row {r.line}: {t.name}({t.id}) is not eligible in {r.year} (exempt, near "
                         f"retirement, fewer than {self.cfg.eligibility_years} years, or rotated recently)",
                         f"plan.csv 第 {r.line} 行：{t.name}（{t.id}）{r.year} 学年不应交流（豁免、临近退休、"
                         f"任教不满 {self.cfg.eligibility_years} 年或刚交流过）")
        for year in self.years:
            seen: dict[str, int] = {}
            for r in rows:
                if r.year <= year < r.year + r.years:
                    if r.teacher in seen:
                        self.bad(f"{r.teacher} is placed twice in {year} (rows {seen[r.teacher]} and {r.line})",
                                 f"{r.teacher} 在 {year} 学年被安排了两次（第 {seen[r.teacher]} 行和第 {r.line} 行）")
                    seen[r.teacher] = r.line

    def coverage(self) -> None:
        """Per school, year and subject group (one subject; each set of subjects one teacher combines; all), the
        teachers present can give what the classes need, counting whole classes: a teacher's week holds
        max_weekly rounded down to the common step of the sizes of the group's classes they teach there,
        and at most the periods the school has in the group's subjects that teacher teaches."""
        periods = self.class_periods()
        order = {subject.id: n for n, subject in enumerate(self.s.subjects)}

        def ordered(subjects: set[str]) -> tuple[str, ...]:
            return tuple(sorted(subjects, key=lambda j: (order.get(j, len(order)), j)))

        for school in self.s.schools:
            base = [t for t in self.s.teachers if t.school == school.id or school.id in t.also_schools]
            taught = {j for (sid, j) in periods if sid == school.id}
            groups = {(j,) for j in taught}
            for t in base:  # every set of two or more subjects one teacher combines (all of them past 5)
                mine = ordered(set(t.subjects) & taught)
                sizes = range(2, len(mine) + 1) if len(mine) <= 5 else [len(mine)]
                groups |= {g for r in sizes for g in itertools.combinations(mine, r)}
            checks = [(set(g), "、".join(g)) for g in sorted(groups)] + [(taught, None)]
            for group, label in checks:
                want = sum(n for (sid, j), ns in periods.items() if sid == school.id and j in group for n in ns)
                if not want:
                    continue

                def capacity(teachers: list, group=group) -> int:
                    total = 0
                    for t in teachers:
                        # whole classes of the group's subjects this teacher teaches here
                        classes = [n for j in sorted(group & set(t.subjects)) for n in periods.get((school.id, j), [])]
                        if classes:
                            step = math.gcd(*classes)
                            total += min(t.max_weekly // step * step, sum(classes))
                    return total

                had = capacity(base)
                for year in self.years:
                    gone = self.away(year)
                    now = [t for t in base if t.id not in gone]
                    now += [self.s.teacher_by_id[r.teacher] for r in gone.values() if r.host == school.id]
                    has = capacity(now)
                    if has < min(want, had):
                        what_en = label or "all subjects"
                        what_zh = label or "全部学科"
                        self.bad(f"{year}: {school.name} can give {has} {what_en} periods a week, its classes need "
                                 f"{want}" + (f" (it had {had})" if had < want else ""),
                                 f"{year} 学年：{school.name} 的{what_zh}每周只能上 {has} 节，班级需要 {want} 节"
                                 + (f"（原有 {had} 节）" if had < want else ""))

    def ratios(self) -> None:
        scope = self.cfg.ratio_scope.value
        ratio, share = _fraction(self.cfg.yearly_ratio), _fraction(self.cfg.backbone_share)

        def unit(school_id: str) -> str:
            return school_id if scope == "school" else (
                self.s.school_by_id[school_id].consortium if scope == "consortium" else "county")

        for year in self.years:
            eligible: dict[str, int] = {}
            eligible_backbone: dict[str, int] = {}
            rotated: dict[str, int] = {}
            backbone: dict[str, int] = {}
            for t in self.s.teachers:
                u = unit(t.school)
                ok = self.is_eligible(t.id, year)
                eligible[u] = eligible.get(u, 0) + ok
                eligible_backbone[u] = eligible_backbone.get(u, 0) + (ok and t.backbone)
            for r in self.rows:
                if r.year == year and r.teacher in self.s.teacher_by_id:
                    t = self.s.teacher_by_id[r.teacher]
                    u = unit(t.school)
                    rotated[u] = rotated.get(u, 0) + 1
                    backbone[u] = backbone.get(u, 0) + t.backbone
            for u in sorted(eligible):
                least = math.ceil(ratio * eligible[u])
                if rotated.get(u, 0) < least:
                    self.bad(f"{year}: {u} rotates {rotated.get(u, 0)} of {eligible[u]} eligible teachers, "
                             f"{float(ratio):.0%} needs {least}",
                             f"{year} 学年：{u} 应交流教师 {eligible[u]} 人，只交流 {rotated.get(u, 0)} 人，"
                             f"按 {float(ratio):.0%} 至少 {least} 人", kind="ratio")
                # the share, or every eligible backbone teacher when the unit has fewer
                least_bb = min(math.ceil(share * rotated.get(u, 0)), eligible_backbone[u])
                if backbone.get(u, 0) < least_bb:
                    self.bad(f"{year}: {u} rotates {backbone.get(u, 0)} backbone teacher(s) of {rotated.get(u, 0)}, "
                             f"{float(share):.0%} needs {least_bb}",
                             f"{year} 学年：{u} 交流 {rotated.get(u, 0)} 人中骨干教师 {backbone.get(u, 0)} 人，"
                             f"按 {float(share):.0%} 至少 {least_bb} 人", kind="ratio")

    def fairness(self) -> None:
        for r in sorted(self.rows, key=lambda r: (r.year, r.line)):
            if r.teacher not in self.s.teacher_by_id or not any(o.year < r.year for o in self.starts_of(r.teacher)):
                continue
            home = self.s.teacher_by_id[r.teacher].school
            for u in sorted(self.s.teachers, key=lambda t: t.id):
                if u.school != home or u.id == r.teacher:
                    continue
                if self.is_eligible(u.id, r.year) and not any(o.year <= r.year for o in self.starts_of(u.id)):
                    self.bad(f"{r.year}: {r.teacher} rotates a second time while {u.name}({u.id}) at {home} has not "
                             f"rotated once", f"{r.year} 学年：{r.teacher} 第二次交流，而同校的 {u.name}（{u.id}）尚未交流过")

    def handover(self, plan_dir: Path) -> None:
        """Each written year scenario validates and has the placed teachers at their hosts."""
        for year in self.years:
            folder = plan_dir / f"scenario_{year}"
            if not folder.is_dir():
                self.bad(f"{folder.name} is missing: every planned year has its hand-over scenario",
                         f"缺少 {folder.name}：每个规划学年都应有交接方案")
                continue
            if self.progress is not None:
                self.progress(f"checking {folder.name}: validate, hand-over, the checks tongbu solve runs first",
                              f"核验 {folder.name}：方案检查、交接、tongbu solve 的排课前检查")
            scenario, problems = validate_folder(folder)
            errors = [p for p in problems if p.severity == "error"]
            if scenario is None or errors:
                first = errors[0].render("en") if errors else "unreadable"
                self.bad(f"{folder.name}: the hand-over scenario has {len(errors)} error(s), e.g. {first}",
                         f"{folder.name}：交接方案有 {len(errors)} 个错误，例如 {errors[0].render('zh') if errors else '无法读取'}")
                continue
            self.handover_teaching(folder, scenario)
            self.handover_unlisted(folder, scenario, year)
            self.handover_presolve(folder, scenario)
            gone = self.away(year)
            for t in scenario.teachers:
                want = gone[t.id].host if t.id in gone else self.s.teacher_by_id[t.id].school \
                    if t.id in self.s.teacher_by_id else t.school
                if t.school != want:
                    self.bad(f"{folder.name}: {t.name}({t.id}) is at {t.school}, the plan puts them at {want}",
                             f"{folder.name}：{t.name}（{t.id}）在 {t.school}，按规划应在 {want}")


    def handover_teaching(self, folder: Path, scenario) -> None:
        """Every class-subject the scenario gives a teacher has one in the year scenario, a teacher now at
        that school who teaches the subject, and nobody is given more than their max_weekly."""
        given = {(a.class_id, a.subject) for a in self.s.assignments}
        now = {(a.class_id, a.subject): a.teacher for a in scenario.assignments}
        synced, periods = _sync_periods(scenario)
        for class_id, subject in sorted(given):
            klass = scenario.class_by_id.get(class_id)
            teacher = scenario.teacher_by_id.get(now.get((class_id, subject), ""))
            if klass is None:
                continue
            if teacher is None or subject not in teacher.subjects or \
                    klass.school not in (teacher.school, *teacher.also_schools):
                self.bad(f"{folder.name}: {class_id} {subject} has no teacher at {klass.school} in the hand-over "
                         f"(given: {teacher.id if teacher else '-'})",
                         f"{folder.name}：{class_id} 的{subject}在交接方案中没有本校任课教师"
                         f"（现为 {teacher.id if teacher else '无'}）")
                continue
            stage = scenario.school_by_id[klass.school].stage
            need = sum(e.periods for e in scenario.curriculum
                       if e.stage == stage and e.grade == klass.grade and e.subject == subject)
            periods[teacher.id] = periods.get(teacher.id, 0) + max(0, need - synced.get((class_id, subject), 0))
        for tid, load in sorted(periods.items()):
            if load > scenario.teacher_by_id[tid].max_weekly:
                self.bad(f"{folder.name}: {tid} is given {load} periods a week, more than max_weekly "
                         f"{scenario.teacher_by_id[tid].max_weekly}",
                         f"{folder.name}：{tid} 每周任课 {load} 节，超过周课时上限 "
                         f"{scenario.teacher_by_id[tid].max_weekly}")


    def handover_unlisted(self, folder: Path, scenario, year: int) -> None:
        """At every school a placement that year leaves or joins, a class-subject the year scenario leaves
        unassigned is one no teacher of the school teaches (left to an itinerant post that serves it).

        Otherwise ``tongbu solve`` would hand it to whichever teacher of the school has the least load,
        unchecked against the deal: e.g. a placed teacher of music arriving where music came from a
        post would be given every music class on top of what the hand-over dealt them."""

        touched = {s for r in self.away(year).values() for s in (r.home, r.host)}
        assigned = {(a.class_id, a.subject) for a in scenario.assignments}
        travelling = {t for p in scenario.itinerant_posts for t in p.teachers}
        teaches: dict[tuple[str, str], list[str]] = {}
        for t in sorted(scenario.teachers, key=lambda t: t.id):
            if t.id not in travelling:
                for school in (t.school, *t.also_schools):
                    for subject in t.subjects:
                        teaches.setdefault((school, subject), []).append(t.id)
        served = {(school, subject) for p in scenario.itinerant_posts if p.teachers
                  for school in scenario.post_schools(p) for subject in p.subjects}
        before = {(school, subject) for t in self.s.teachers for school in (t.school, *t.also_schools)
                  for subject in t.subjects} | {(school, subject) for p in self.s.itinerant_posts
                                                for school in self.s.post_schools(p) for subject in p.subjects}
        received, _named = _sync_periods(scenario)
        for klass in sorted(scenario.classes, key=lambda c: c.id):
            if klass.school not in touched:
                continue
            stage = scenario.school_by_id[klass.school].stage
            for e in scenario.curriculum:
                key = (klass.id, e.subject)
                if e.stage != stage or e.grade != klass.grade or key in assigned or \
                        e.periods - received.get(key, 0) <= 0:
                    continue
                if (klass.school, e.subject) in teaches:
                    self.bad(f"{folder.name}: {klass.id} {e.subject} is left unassigned although "
                             f"{', '.join(teaches[(klass.school, e.subject)])} teach it at {klass.school}: "
                             f"the timetable would give it to one of them unchecked",
                             f"{folder.name}：{klass.id} 的{e.subject}未安排任课教师，而本校的 "
                             f"{'、'.join(teaches[(klass.school, e.subject)])} 可任教：排课时会未经核对地交给其中一人")
                elif (klass.school, e.subject) not in served and (klass.school, e.subject) in before:
                    self.bad(f"{folder.name}: {klass.id} {e.subject} has no teacher at {klass.school} and no "
                             f"itinerant post serving it",
                             f"{folder.name}：{klass.id} 的{e.subject}在本校无人任教，也没有走教岗位覆盖")


    def handover_presolve(self, folder: Path, scenario: Scenario) -> None:
        """What ``tongbu solve`` does before building its model, run on the year scenario by the caller's
        ``before_solve`` (the timetable solver's own steps: they live in ``scheduler``, which no check imports)."""
        if self.before_solve is not None:
            for en, zh in self.before_solve(folder.name, scenario):
                self.bad(en, zh)


def _sync_periods(scenario) -> tuple[dict[tuple[str, str], int], dict[str, int]]:
    """Per (class, subject), the periods no local class teacher gives: received by sync lesson, or given
    to the teaching class by a sync lesson's named teacher; and per named teacher, those periods."""
    off: dict[tuple[str, str], int] = {}
    named: dict[str, int] = {}
    for lesson in scenario.sync_lessons:
        for c in lesson.receiving_classes:
            off[(c, lesson.subject)] = off.get((c, lesson.subject), 0) + lesson.per_week
        if lesson.teacher is not None:  # given by a named teacher: theirs, not the class teacher's
            named[lesson.teacher] = named.get(lesson.teacher, 0) + lesson.per_week
            key = (lesson.teaching_class, lesson.subject)
            off[key] = off.get(key, 0) + lesson.per_week
    return off, named


def check(folder: Path, plan_dir: Path, progress: Callable[[str, str], None] | None = None,
          before_solve: BeforeSolve | None = None) -> list[Violation]:
    """Every way the plan in ``plan_dir`` breaks the policy of the scenario in ``folder``; [] when it holds. The rule
    says what kind: ``exchange.ratio`` for the yearly ratio and backbone share, ``exchange.input`` for a folder that
    cannot be read, ``exchange.plan`` for everything else. ``before_solve`` adds, for each year scenario, what
    would stop ``tongbu solve`` before its model (scheduler.exchange.check_plan passes the solver's steps)."""
    try:
        inputs = load_exchange_inputs(folder)
    except ExchangeInputError as err:
        return [Violation("exchange.input", "", p.render("en"), p.render("zh")) for p in err.problems
                if p.severity == "error"]
    plan_dir = Path(plan_dir)
    years = read_years(plan_dir)
    if not years:
        return [Violation("exchange.plan", "", f"{plan_dir / 'plan_info.yaml'} is missing or has no years",
                          f"{plan_dir / 'plan_info.yaml'} 缺失或没有规划学年")]
    rows, unreadable = read_plan_rows(plan_dir)
    check = PlanCheck(inputs, rows, years)
    check.progress, check.before_solve = progress, before_solve
    for en, zh in unreadable:
        check.bad(en, zh)
    check.rows = check.rows_valid()
    check.eligibility_and_overlap(check.rows)
    check.coverage()
    check.ratios()
    check.fairness()
    check.handover(plan_dir)
    return [Violation(f"exchange.{kind}", "", en, zh) for kind, (en, zh) in zip(check.kinds, check.out, strict=True)]
