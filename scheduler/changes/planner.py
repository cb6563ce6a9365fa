"""``tongbu substitute``: one CP-SAT model choosing a cover for every lesson a change set touches.

Every lesson an absence touches (a *task*: one lesson on one date) gets exactly one option:

* ``substitute`` — a teacher of the subject who may teach at the class's school (home school, a school
  they also teach at, a school of their itinerant post), free at that clock time with travel to and from
  their other commitments of the day;
* ``remote`` — a teacher of the subject at another school of the same consortium, teaching from their
  own school (专递课堂), where the class's school can receive (``policy.remote_schools``, by default the
  schools that receive a sync lesson);
* ``swap`` (调课) — another lesson of the class in the same week changes places with it: the absent
  teacher teaches this lesson at that time (when present and free), and the other lesson's teacher
  teaches theirs here (when free); lessons with a room, a sync lesson or an itinerant teacher are not
  swapped, so rooms, sync occurrences and routes keep every rule;
* ``self_study`` (自习) — the class studies, supervised by a free teacher of its school;
* ``uncovered`` — only when nothing else is possible, at a cost above every other choice.

The choices share teachers, so they are made together: a teacher covers at most one thing at a time
(travel included), within their daily and weekly limits (lessons and covers counted together) and
within the policy's extra load (``max_extra_per_day``/``week``). The objective ranks the kinds in the
policy's order (each step costs more than any difference within a kind), then prefers teachers who know
the class, are near, and have covered least this term (a convex cost per extra cover: the counts kept
in OUT/changes/plan.json from run to run stay balanced).
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from ortools.sat.python import cp_model

from feeds.events import SyncPairs
from models import LessonPlacement, Scenario, Solution
from models.changes import ChangePlan, ChangeSet, Resolution
from scheduler.changes.dated import Dated, Item, clock
from scheduler.cpsat import FOUND, make_solver, status_of

RANK_STEP = 10_000  # one step of the policy's order costs more than anything within a kind
UNCOVERED = 100 * RANK_STEP
FAIRNESS = 4  # per cover, times the teacher's running count of covers this term
STRANGER = 60  # the teacher does not teach the class
SAME_GRADE = 15  # teaches the class's grade at the school, not the class itself
SUPERVISORS = 8  # self-study supervisors considered per lesson (the least busy that day)


@dataclass
class Option:
    kind: str
    teacher: str | None
    cost: int
    reasons: tuple[tuple[str, str], ...]
    partner: tuple[LessonPlacement, date] | None = None
    var: cp_model.IntVar | None = None
    chosen: bool = False


@dataclass
class Task:
    lesson: LessonPlacement
    day: date
    window: tuple[int, int]
    absent: str
    cause: str
    options: list[Option] = field(default_factory=list)

    @property
    def ref(self) -> str:
        return f"{self.lesson.class_id}\x1f{self.lesson.key}"


@dataclass
class PlanOutcome:
    plan: ChangePlan
    seconds: float
    tasks: int
    variables: int
    kept: int = 0
    groups: int = 1


def _label(dated: Dated, teacher: str) -> str:
    who = dated.scenario.teacher_by_id.get(teacher)
    return f"{who.name}（{teacher}）" if who else teacher


class Planner:
    def __init__(self, scenario: Scenario, solution: Solution, changes: ChangeSet,
                 previous_counts: dict[str, int] | None = None, prior: ChangePlan | None = None) -> None:
        self.dated = Dated(scenario, solution, changes)
        self.scenario = self.dated.scenario
        self.changes = changes
        self.policy = changes.policy
        self.previous = dict(previous_counts or {})
        # The plan of the earlier runs (PUBLISHED's): each of its covers stays as it is while it is still possible.
        self.prior = {(r.date, r.class_id, r.key): r for r in (prior.resolutions if prior else ())}
        self.kept = 0
        self.pairs: SyncPairs | None = None  # made when a sync lesson needs cover
        self.by_subject: dict[str, list[str]] = defaultdict(list)
        for teacher in self.scenario.teachers:
            for subject in teacher.subjects:
                self.by_subject[subject].append(teacher.id)
        self.by_school: dict[str, list[str]] = defaultdict(list)
        for teacher in self.scenario.teachers:
            self.by_school[teacher.school].append(teacher.id)
            for school in teacher.also_schools:
                self.by_school[school].append(teacher.id)
        self.knows: dict[str, set[str]] = defaultdict(set)  # teacher -> classes taught
        self.grades: dict[str, set[tuple[str, int]]] = defaultdict(set)
        for lesson in solution.lessons:
            self.knows[lesson.teacher].add(lesson.class_id)
            self.grades[lesson.teacher].add((lesson.school, self.dated.grade.get(lesson.class_id, 0)))
        if self.policy.remote_schools:
            self.receivers = set(self.policy.remote_schools)
        else:
            self.receivers = {self.scenario.class_by_id[c].school for s in self.scenario.sync_lessons
                              for c in s.receiving_classes if c in self.scenario.class_by_id}
        self.rank = {kind: index for index, kind in enumerate(self.policy.order)}
        self.items_cache: dict[tuple[str, date], list[Item]] = {}

    # -- tasks --------------------------------------------------------------------------------------------
    def tasks(self) -> list[Task]:
        dated, found = self.dated, []
        causes: dict[tuple[str, date], str] = {}
        for absence in self.changes.absences:
            for day in absence.dates:
                causes.setdefault((absence.teacher, day), absence.reason or "缺勤")
        for teacher, change in sorted(self.dated.leaves.items()):
            for day in dated.days:
                if day >= change.date:
                    causes.setdefault((teacher, day), "调离")
        for (teacher, day), cause in sorted(causes.items()):
            if day not in dated.days:
                continue
            for lesson in sorted(dated.lessons_on(teacher, day), key=lambda x: (x.period, x.class_id)):
                window = dated.lesson_window(lesson, day)
                if dated.absent_at(teacher, day, window) or not dated.present(teacher, day):
                    found.append(Task(lesson, day, window, teacher, cause))
        return found

    def items(self, teacher: str, day: date) -> list[Item]:
        key = (teacher, day)
        if key not in self.items_cache:
            self.items_cache[key] = self.dated.items(teacher, day)
        return self.items_cache[key]

    def free(self, teacher: str, day: date, item: Item, ignore: str = "") -> bool:
        dated = self.dated
        if not dated.present(teacher, day) or dated.absent_at(teacher, day, (item.start, item.end)):
            return False
        if dated.unavailable_at(teacher, day, (item.start, item.end)):
            return False
        return all(other.ref == ignore or dated.compatible(item, other) for other in self.items(teacher, day))

    # -- options ------------------------------------------------------------------------------------------
    def _knows(self, teacher: str, lesson: LessonPlacement) -> tuple[int, tuple[str, str]]:
        if lesson.class_id in self.knows[teacher]:
            return 0, ("knows the class (teaches it)", "熟悉该班（任教该班）")
        grade = self.dated.grade.get(lesson.class_id, 0)
        if (lesson.school, grade) in self.grades[teacher]:
            return SAME_GRADE, (f"teaches grade {grade} at this school", f"任教本校{grade}年级")
        return STRANGER, ("does not teach this class yet", "未任教该班")

    def _load_text(self, teacher: str, day: date) -> tuple[str, str]:
        n = sum(1 for i in self.items(teacher, day) if i.lesson)
        return f"free then ({n} lessons that day)", f"该时段无课（当天 {n} 节课）"

    def _fair_text(self, teacher: str) -> tuple[str, str]:
        n = self.previous.get(teacher, 0)
        return f"{n} covers earlier this term", f"本学期此前代课 {n} 节"

    def options(self, task: Task) -> list[Option]:
        dated, lesson, day = self.dated, task.lesson, task.day
        subject = self.scenario.subject_by_id[lesson.subject].name if lesson.subject in self.scenario.subject_by_id \
            else lesson.subject
        school_name = self.scenario.school_by_id[lesson.school].name
        here = Item(task.window[0], task.window[1], lesson.school)
        options: list[Option] = []
        rank = self.rank
        for teacher in sorted(set(self.by_subject.get(lesson.subject, ()))):
            if teacher == task.absent:
                continue
            who = self.scenario.teacher_by_id[teacher]
            if "substitute" in rank and dated.allowed_at(teacher, lesson.school) and self.on_route(teacher, day, lesson.school) \
                    and self.free(teacher, day, here):
                cost, knows = self._knows(teacher, lesson)
                minutes = max((dated.travel(i.school, lesson.school) or 0) for i in self.items(teacher, day)) \
                    if who.school != lesson.school and self.items(teacher, day) else (dated.travel(who.school, lesson.school) or 0)
                near = (("teaches at this school", "本校教师") if who.school == lesson.school else
                        (f"{minutes} minutes from {self.scenario.school_by_id[who.school].name}",
                         f"距{self.scenario.school_by_id[who.school].name} {minutes} 分钟"))
                options.append(Option("substitute", teacher, rank["substitute"] * RANK_STEP + cost + minutes,
                                      ((f"teaches {subject}", f"任教{subject}"), knows, self._load_text(teacher, day),
                                       near, self._fair_text(teacher))))
                continue
            if "remote" in rank and lesson.school in self.receivers and who.school != lesson.school \
                    and self._same_consortium(who.school, lesson.school) and lesson.sync is None:
                remote = Item(task.window[0], task.window[1], who.school)
                if self.free(teacher, day, remote):
                    cost, knows = self._knows(teacher, lesson)
                    home = self.scenario.school_by_id[who.school].name
                    options.append(Option("remote", teacher, rank["remote"] * RANK_STEP + cost,
                                          ((f"teaches {subject} at {home}, same consortium", f"同共同体{home}的{subject}教师"),
                                           (f"{school_name} receives 专递课堂", f"{school_name}可接收专递课堂"),
                                           knows, self._load_text(teacher, day), self._fair_text(teacher))))
        if "swap" in rank:
            options += self._swaps(task, subject)
        if "self_study" in rank:
            supervisors = []
            for teacher in sorted(set(self.by_school.get(lesson.school, ()))):
                if teacher == task.absent or not self.free(teacher, day, here):
                    continue
                load = sum(1 for i in self.items(teacher, day) if i.lesson)
                supervisors.append((load + self.previous.get(teacher, 0), teacher))
            for _load, teacher in sorted(supervisors)[:SUPERVISORS]:
                cost, knows = self._knows(teacher, lesson)
                options.append(Option("self_study", teacher, rank["self_study"] * RANK_STEP + cost,
                                      ((f"no teacher of {subject} left free within the limits", f"无空闲且未超负荷的{subject}教师"),
                                       ("supervises self-study (自习) in the class's room", "在本班看自习"),
                                       ("teaches at this school", "本校教师"), knows, self._load_text(teacher, day),
                                       self._fair_text(teacher))))
        options.append(Option("uncovered", None, UNCOVERED,
                              (("no teacher is free to cover or supervise it: the school must arrange it",
                                "无可代课或看班的空闲教师：需学校另行安排"),)))
        return options

    def on_route(self, teacher: str, day: date, school: str) -> bool:
        """An itinerant teacher covers at a school other than their base only when already there that day, so
        their route (schools a day, travel minutes) stays as published."""
        if teacher not in self.scenario.post_of or school == self.scenario.teacher_by_id[teacher].school:
            return True
        return any(item.school == school for item in self.items(teacher, day))

    def _same_consortium(self, a: str, b: str) -> bool:
        schools = self.scenario.school_by_id
        return schools[a].consortium == schools[b].consortium

    def _pe_forbidden(self, subject: str, school: str, period: int, length: int) -> bool:
        """A PE lesson moved onto a period the scenario's hard quality rules keep PE out of."""
        rules = self.scenario.quality
        pe = set(rules.pe_subjects) or {s.id for s in self.scenario.subjects if "体育" in s.id or "体育" in s.name}
        if subject not in pe:
            return False
        halves = [p.is_morning for p in self.scenario.bells_of(school).periods]
        banned = set()
        if rules.pe_not_first == "hard":
            banned.add(1)
        if rules.pe_not_after_lunch == "hard":
            banned |= {p + 1 for p in range(1, len(halves)) if halves[p - 1] and not halves[p]}
        return any(p in banned for p in range(period, period + length))

    def _swappable(self, lesson: LessonPlacement, teacher: str) -> bool:
        return lesson.sync is None and lesson.room is None and teacher not in self.scenario.post_of

    def _swaps(self, task: Task, subject: str) -> list[Option]:
        dated, lesson, day = self.dated, task.lesson, task.day
        if not self._swappable(lesson, task.absent):
            return []
        found: list[Option] = []
        names = self.scenario.subject_by_id
        for other_day in dated.dates_of_week(dated.week(day)):
            follows = dated.days[other_day].follows
            for other in dated.by_class_day.get((lesson.class_id, follows), ()):
                if other.key == lesson.key and other_day == day:
                    continue
                if other.length != lesson.length or other.sync_role == "receiving":
                    continue
                partner_teacher = dated.teacher_of(other, other_day)
                if partner_teacher == task.absent or not self._swappable(other, partner_teacher):
                    continue
                if dated.event_of(other, other_day) is not None:
                    continue
                if self._pe_forbidden(lesson.subject, lesson.school, other.period, lesson.length) or \
                        self._pe_forbidden(other.subject, other.school, lesson.period, other.length):
                    continue
                there = dated.lesson_window(other, other_day)
                if dated.absent_at(partner_teacher, other_day, there):
                    continue  # the partner is itself a task
                # The absent teacher teaches this lesson at the partner's time; the partner teaches here.
                moved = Item(there[0], there[1], lesson.school)
                if not self.free(task.absent, other_day, moved):
                    continue
                here = Item(task.window[0], task.window[1], lesson.school)
                ignore = f"{other.class_id}\x1f{other.key}" if other_day == day else ""
                if not self.free(partner_teacher, day, here, ignore=ignore):
                    continue
                other_subject = names[other.subject].name if other.subject in names else other.subject
                when = f"{other_day:%m-%d} P{other.period}"
                when_zh = f"{other_day.month}月{other_day.day}日第{other.period}节"
                cost = self.rank["swap"] * RANK_STEP + abs((other_day - day).days) * 5 + abs(other.period - lesson.period)
                found.append(Option("swap", partner_teacher, cost,
                                    ((f"{_label(dated, task.absent)} teaches {subject} on {when} instead, present then",
                                      f"{_label(dated, task.absent)}改在{when_zh}上{subject}（当时在岗）"),
                                     (f"{_label(dated, partner_teacher)}'s {other_subject} moves here; free then",
                                      f"{_label(dated, partner_teacher)}的{other_subject}调到此时（该时段无课）"),
                                     ("same class, same week: the week's lessons stay the same",
                                      "同班同周对调：本周课时不变")),
                                    partner=(other, other_day)))
        return found

    # -- the model ----------------------------------------------------------------------------------------
    def solve(self, seed: int = 0, time_limit: float = 30.0, effort: float | None = 10.0) -> PlanOutcome:
        """Options of every task, then one CP-SAT model per group of tasks that share a teacher (tasks that share
        none cannot affect each other: the same optimum, found far sooner than in one model)."""
        began = time.perf_counter()
        tasks = self.tasks()
        for task in tasks:
            task.options = self.options(task)
        groups = self._groups(tasks)
        codes, objective, variables = [], 0.0, 0
        for group in groups:
            left = max(1.0, time_limit - (time.perf_counter() - began))
            code, value, size = self._solve_group(group, seed, left, effort)
            codes.append(code)
            objective += value
            variables += size
        found = all(code in FOUND for code in codes)
        status = "optimal" if all(code == cp_model.OPTIMAL for code in codes) else \
            "feasible" if found else status_of(next(code for code in codes if code not in FOUND))
        resolutions: list[Resolution] = []
        counts = dict(self.previous)
        if found:
            for task in tasks:
                chosen = next(o for o in task.options if o.chosen)
                resolutions.append(self._resolution(task, chosen))
                if chosen.kind in ("substitute", "remote", "self_study") and chosen.teacher:
                    counts[chosen.teacher] = counts.get(chosen.teacher, 0) + 1
        resolutions += self._fixed_resolutions(tasks)
        plan = ChangePlan(district=self.scenario.district, status=status, objective=objective if found else None,
                          resolutions=tuple(resolutions), counts=counts, counts_before=dict(self.previous),
                          events=self.changes.events, bell_overrides=self.changes.bell_overrides)
        return PlanOutcome(plan=plan, seconds=time.perf_counter() - began, tasks=len(tasks), variables=variables,
                           groups=len(groups))

    @staticmethod
    def _groups(tasks: list[Task]) -> list[list[Task]]:
        """Tasks joined when their options involve a common teacher, in the order of their first task."""
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            while parent.setdefault(x, x) != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        def people(task: Task) -> list[str]:
            return [task.absent] + [o.teacher for o in task.options if o.teacher]

        for task in tasks:
            first, *rest = people(task)
            for other in rest:
                parent[find(other)] = find(first)
        groups: dict[str, list[Task]] = {}
        for task in tasks:
            groups.setdefault(find(task.absent), []).append(task)
        return list(groups.values())

    def _solve_group(self, tasks: list[Task], seed: int, time_limit: float, effort: float | None
                     ) -> tuple[int, float, int]:
        model = cp_model.CpModel()
        optional: dict[tuple[str, date], list[tuple[cp_model.IntVar, Item, bool]]] = defaultdict(list)
        moved_by: dict[tuple[str, date, str], list[cp_model.IntVar]] = defaultdict(list)
        covers: dict[str, list[tuple[cp_model.IntVar, date]]] = defaultdict(list)
        objective = []
        for t_index, task in enumerate(tasks):
            for o_index, option in enumerate(task.options):
                option.var = model.NewBoolVar(f"t{t_index}o{o_index}:{option.kind}:{option.teacher}")
                objective.append(option.cost * option.var)
            model.AddExactlyOne(o.var for o in task.options)
            before = self.prior.get((task.day, task.lesson.class_id, task.lesson.key))
            if before is not None:
                same = [o for o in task.options if self._same(o, before)]
                if same:
                    model.Add(same[0].var == 1)
                    self.kept += 1
            for option in task.options:
                if option.kind in ("substitute", "self_study"):
                    item = Item(task.window[0], task.window[1], task.lesson.school, True)
                    optional[(option.teacher, task.day)].append((option.var, item, True))
                    covers[option.teacher].append((option.var, task.day))
                elif option.kind == "remote":
                    home = self.scenario.teacher_by_id[option.teacher].school
                    optional[(option.teacher, task.day)].append((option.var, Item(task.window[0], task.window[1], home), True))
                    covers[option.teacher].append((option.var, task.day))
                elif option.kind == "swap":
                    other, other_day = option.partner
                    there = self.dated.lesson_window(other, other_day)
                    optional[(task.absent, other_day)].append(
                        (option.var, Item(there[0], there[1], task.lesson.school), True))
                    optional[(option.teacher, task.day)].append(
                        (option.var, Item(task.window[0], task.window[1], task.lesson.school), True))
                    moved_by[(option.teacher, other_day, f"{other.class_id}\x1f{other.key}")].append(option.var)
        # A lesson changes places at most once.
        for variables in moved_by.values():
            model.AddAtMostOne(variables)
        days_by_week: dict[tuple[str, int], list[date]] = defaultdict(list)
        for teacher, day in sorted(optional, key=lambda k: (k[0], k[1])):
            variables = optional[(teacher, day)]
            fixed = self.items(teacher, day)
            conditional = [(i, moved_by.get((teacher, day, i.ref))) for i in fixed]
            # Clashes with travel: two new commitments, or a new one and a lesson that may move away.
            for a in range(len(variables)):
                va, ia, _ = variables[a]
                for b in range(a + 1, len(variables)):
                    vb, ib, _ = variables[b]
                    if not self.dated.compatible(ia, ib):
                        model.AddBoolOr([va.Not(), vb.Not()])
                for item, movers in conditional:
                    if movers and not self.dated.compatible(ia, item):
                        # Allowed only if that lesson moves away (its swap).
                        model.Add(va <= sum(movers))
            who = self.scenario.teacher_by_id[teacher]
            base = sum(1 for i in fixed if i.lesson)
            gone = [v for i, movers in conditional if movers and i.lesson for v in movers]
            model.Add(base - sum(gone) + sum(v for v, _i, counts in variables if counts) <= max(who.max_daily, base))
            mine = [v for v, d in covers.get(teacher, ()) if d == day]
            if mine:
                model.Add(sum(mine) <= self.policy.max_extra_per_day)
            days_by_week[(teacher, self.dated.week(day))].append(day)
        for (teacher, week), days in sorted(days_by_week.items()):
            who = self.scenario.teacher_by_id[teacher]
            week_days = self.dated.dates_of_week(week)
            base = sum(1 for d in week_days for i in self.items(teacher, d) if i.lesson)
            gone = [v for d in week_days for i in self.items(teacher, d) if i.lesson
                    for v in moved_by.get((teacher, d, i.ref), ())]
            new = [v for d in days for v, _i, counts in optional[(teacher, d)] if counts]
            model.Add(base - sum(gone) + sum(new) <= max(who.max_weekly, base))
            mine = [v for v, d in covers.get(teacher, ()) if self.dated.week(d) == week]
            if mine:
                model.Add(sum(mine) <= self.policy.max_extra_per_week)
        # Fairness: the k-th cover of a teacher in this run costs FAIRNESS * (earlier covers + k).
        for teacher, pairs in sorted(covers.items()):
            count = len(pairs)
            if count < 2 and not self.previous.get(teacher):
                objective.append(FAIRNESS * pairs[0][0])
                continue
            steps = [model.NewBoolVar(f"n[{teacher}]>={k}") for k in range(1, count + 1)]
            model.Add(sum(steps) == sum(v for v, _d in pairs))
            for k in range(1, count):
                model.AddImplication(steps[k], steps[k - 1])
            objective += [FAIRNESS * (self.previous.get(teacher, 0) + k + 1) * s for k, s in enumerate(steps)]
        model.Minimize(sum(objective))
        solver = make_solver(seed=seed, seconds=time_limit, effort=effort, workers=1)
        code = solver.Solve(model)
        if code in FOUND:
            for task in tasks:
                for option in task.options:
                    option.chosen = bool(solver.Value(option.var))
        return code, solver.ObjectiveValue() if code in FOUND else 0.0, len(model.Proto().variables)

    @staticmethod
    def _same(option: Option, before: Resolution) -> bool:
        if option.kind != before.kind:
            return False
        if option.kind == "swap":
            return option.partner is not None and (option.partner[0].key, option.partner[1]) == \
                (before.swap_key, before.swap_date) and option.teacher == before.swap_teacher
        return option.teacher == before.teacher

    # -- results ------------------------------------------------------------------------------------------
    def _receiving(self, lesson: LessonPlacement) -> tuple[LessonPlacement, ...]:
        """The receiving ends of the same sync occurrence (same sync lesson and day, overlapping clock times)."""
        if lesson.sync is None or lesson.sync_role != "teaching":
            return ()
        if self.pairs is None:
            self.pairs = SyncPairs(self.scenario, self.dated.solution)
        return tuple(self.pairs.partners(lesson, "receiving"))

    def _resolution(self, task: Task, option: Option) -> Resolution:
        lesson, dated = task.lesson, self.dated
        receiving = self._receiving(lesson)
        fields: dict[str, object] = {}
        if option.kind == "swap" and option.partner is not None:
            other, other_day = option.partner
            there = dated.lesson_window(other, other_day)
            fields = {"swap_key": other.key, "swap_date": other_day, "swap_period": other.period,
                      "swap_teacher": option.teacher, "swap_subject": other.subject,
                      "swap_start": f"{clock(there[0])}-{clock(there[1])}"}
        return Resolution(date=task.day, week=dated.week(task.day), kind=option.kind, key=lesson.key,
                          class_id=lesson.class_id, school=lesson.school, subject=lesson.subject, absent=task.absent,
                          period=lesson.period, length=lesson.length,
                          start=f"{clock(task.window[0])}-{clock(task.window[1])}",
                          teacher=task.absent if option.kind == "swap" else option.teacher, cause=task.cause,
                          receiving=tuple(p.class_id for p in receiving), receiving_keys=tuple(p.key for p in receiving),
                          reasons=option.reasons, **fields)

    def _fixed_resolutions(self, tasks: list[Task]) -> list[Resolution]:
        """Lessons cancelled by events, and lessons a replacement or newly assigned teacher takes over: no choice."""
        dated, found = self.dated, []
        absent_keys = {(t.day, t.lesson.class_id, t.lesson.key) for t in tasks}
        event_days = sorted({d for e in self.changes.events for d in e.dates if d in dated.days})
        touched = {k.id for k in self.scenario.classes
                   if any(e.touches(k.id, k.school, k.grade) for e in self.changes.events)}
        for day in event_days:
            follows = dated.days[day].follows
            for class_id in sorted(touched):
                for lesson in dated.by_class_day.get((class_id, follows), ()):
                    event = dated.event_of(lesson, day)
                    if event is None:
                        continue
                    window = dated.lesson_window(lesson, day)
                    found.append(Resolution(date=day, week=dated.week(day), kind="event", key=lesson.key,
                                            class_id=lesson.class_id, school=lesson.school, subject=lesson.subject,
                                            absent=lesson.teacher, period=lesson.period, length=lesson.length,
                                            start=f"{clock(window[0])}-{clock(window[1])}", cause=event.name,
                                            reasons=((f"replaced by {event.name} ({event.id})", f"因{event.name}停课"),)))
        for (class_id, subject), changes in sorted(dated.assigned.items()):
            for day in sorted(dated.days):
                if day < changes[0].date:
                    continue
                follows = dated.days[day].follows
                for lesson in dated.by_class_day.get((class_id, follows), ()):
                    if lesson.subject != subject or lesson.sync_role == "receiving" or dated.event_of(lesson, day):
                        continue
                    by = dated.teacher_of(lesson, day)
                    if by == lesson.teacher or (day, lesson.class_id, lesson.key) in absent_keys:
                        continue
                    window = dated.lesson_window(lesson, day)
                    found.append(Resolution(date=day, week=dated.week(day), kind="reassign", key=lesson.key,
                                            class_id=lesson.class_id, school=lesson.school, subject=lesson.subject,
                                            absent=lesson.teacher, period=lesson.period, length=lesson.length,
                                            start=f"{clock(window[0])}-{clock(window[1])}", teacher=by,
                                            cause="任课调整",
                                            reasons=((f"{_label(dated, by)} teaches {subject} in {class_id} from "
                                                      f"{changes[0].date}", f"{_label(dated, by)}自{changes[0].date}起"
                                                      f"任教{class_id}{subject}"),)))
        for teacher, change in sorted(dated.replacements.items()):
            by = change.replaced_by or ""
            for day in sorted(dated.days):
                if day < change.date:
                    continue
                follows = dated.days[day].follows
                for lesson in sorted((x for x in self.dated.solution.lessons if x.teacher == teacher and x.day == follows),
                                     key=lambda x: (x.period, x.class_id)):
                    if dated.event_of(lesson, day) is not None or dated.teacher_of(lesson, day) != by \
                            or (day, lesson.class_id, lesson.key) in absent_keys:
                        continue
                    window = dated.lesson_window(lesson, day)
                    found.append(Resolution(date=day, week=dated.week(day), kind="reassign", key=lesson.key,
                                            class_id=lesson.class_id, school=lesson.school, subject=lesson.subject,
                                            absent=teacher, period=lesson.period, length=lesson.length,
                                            start=f"{clock(window[0])}-{clock(window[1])}", teacher=by,
                                            cause=f"{_label(dated, teacher)} 调离",
                                            reasons=((f"{_label(dated, by)} takes over from {change.date}",
                                                      f"{_label(dated, by)}自{change.date}起接任"),)))
        return found


def plan_changes(scenario: Scenario, solution: Solution, changes: ChangeSet, previous_counts: dict[str, int] | None = None,
                 seed: int = 0, time_limit: float = 30.0, effort: float | None = 10.0,
                 prior: ChangePlan | None = None) -> PlanOutcome:
    """Covers for ``changes`` (the earlier runs' changes included, when ``prior`` is their plan: its covers are
    kept where still possible); ``previous_counts`` are the covers per teacher before any of them."""
    planner = Planner(scenario, solution, changes, previous_counts, prior)
    outcome = planner.solve(seed=seed, time_limit=time_limit, effort=effort)
    outcome.kept = planner.kept
    return outcome
