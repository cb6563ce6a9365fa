"""An imported FET file (``Scenario.explicit``) compiled to the engine's intermediate form (:class:`Index`).

One school whose grid is FET's days and hours; student groups are the innermost student sets
(subgroups, or groups and years with none inside), so two sets clash exactly when they share one;
every activity is placed once, covering its groups and teachers. Hard breaks, not-available times
and preferred starting times remove starts before any variable exists (they shrink the model far
more than any constraint, shared/SOLVER-NOTES.md), activities that must start together can start
only where all of them can, and every time constraint becomes a :class:`Rule` of the catalogue.
"""

from __future__ import annotations

from collections import defaultdict

from constraints.index import Activity, Index, Option, Placement, Rule, SchoolBells
from models import Scenario
from models.explicit import ExplicitTimetable, TimeRule

#: Kinds that only restrict where an activity may start; hard ones are applied to the options.
UNARY = frozenset({"BreakTimes", "TeacherNotAvailableTimes", "StudentsSetNotAvailableTimes",
                   "PreferredStartingTimes", "PreferredTimeSlots"})
#: A FET hour as a clock window, for the parts of the engine that think in minutes (8:00, one hour each).
HOUR_MINUTES = 60
FIRST_MINUTE = 8 * 60


def describe(tt: ExplicitTimetable, rule: TimeRule) -> tuple[str, str]:
    """A rule in the user's words (FET's names for kinds, teachers and student sets), en and zh."""
    who = []
    if rule.teacher:
        who.append(f"teacher {rule.teacher}")
    if rule.students:
        who.append(f"students {rule.students}")
    if rule.activities:
        shown = ", ".join(str(a) for a in rule.activities[:6]) + (" …" if len(rule.activities) > 6 else "")
        who.append(f"activities {shown}")
    if rule.kind.startswith("Teacher") and not rule.teacher and rule.kind != "TeacherNotAvailableTimes":
        who.append("every teacher")
    if rule.kind.startswith("Students") and not rule.students and rule.kind != "StudentsSetNotAvailableTimes":
        who.append("every student set")
    if rule.second_tag:
        who.append(f"tags {rule.tag} → {rule.second_tag}")  # the first tag's activities, then the second's
    value = "" if rule.value is None else f", value {rule.value}"
    slots = f", {len(rule.slots)} slots" if rule.slots else ""
    en = f"{rule.kind} ({rule.weight:g}%) for {'; '.join(who) or 'all activities'}{value}{slots}"
    zh_who = "；".join(w.replace("teacher ", "教师 ").replace("students ", "学生 ").replace("activities ", "活动 ")
                      .replace("every teacher", "全体教师").replace("every student set", "全体学生")
                      .replace("tags ", "标签 ") for w in who)
    zh = f"{rule.kind}（权重 {rule.weight:g}%），对象：{zh_who or '全部活动'}" + \
        ("" if rule.value is None else f"，数值 {rule.value}") + (f"，{len(rule.slots)} 个时段" if rule.slots else "")
    return en, zh


class FetIndexBuilder:
    """Builds the :class:`Index` of an imported timetable (always one part)."""

    def __init__(self, scenario: Scenario, *, explain: bool = False) -> None:
        tt = scenario.explicit
        assert tt is not None
        self.scenario, self.tt, self.explain = scenario, tt, explain
        self.days, self.hours = len(tt.days), len(tt.hours)
        atoms = sorted({atom for a in tt.activities for atom in tt.atoms_of(a.students)})
        teachers = sorted({t for a in tt.activities for t in a.teachers})
        school = scenario.schools[0].id if scenario.schools else "school"
        clock = tuple((FIRST_MINUTE + h * HOUR_MINUTES, FIRST_MINUTE + (h + 1) * HOUR_MINUTES) for h in range(self.hours))
        bells = SchoolBells(days=tuple(range(self.days)), variants=(clock,),
                            morning=tuple(h < (self.hours + 1) // 2 for h in range(self.hours)))
        self.index = Index(scenario=scenario, schools=[school], classes=atoms, teachers=teachers, bells=[bells],
                           class_school=[0] * len(atoms), kind="fet")
        ix = self.index
        ix.school_index = {school: 0}
        ix.class_index = {a: i for i, a in enumerate(atoms)}
        ix.teacher_index = {t: i for i, t in enumerate(teachers)}
        ix.max_periods = max(self.hours, 1)

    def slot(self, day: int, hour: int) -> int:
        return day * self.hours + hour

    # -- what the hard rules leave -------------------------------------------------------------------
    def _off(self) -> None:
        ix, tt = self.index, self.tt
        hard = [r for r in tt.rules if r.hard]
        ix.breaks = frozenset(self.slot(d, h) for r in hard if r.kind == "BreakTimes" for d, h in r.slots)
        teacher_off: dict[int, set[int]] = defaultdict(set)
        group_off: dict[int, set[int]] = defaultdict(set)
        for r in hard:
            if r.kind == "TeacherNotAvailableTimes" and r.teacher in ix.teacher_index:
                teacher_off[ix.teacher_index[r.teacher]] |= {self.slot(d, h) for d, h in r.slots}
            if r.kind == "StudentsSetNotAvailableTimes":
                for atom in tt.atoms_of([r.students]):
                    if atom in ix.class_index:
                        group_off[ix.class_index[atom]] |= {self.slot(d, h) for d, h in r.slots}
        ix.teacher_off = {t: frozenset(s) for t, s in teacher_off.items()}
        ix.group_off = {g: frozenset(s) for g, s in group_off.items()}

    def in_day_starts(self, duration: int) -> list[int]:
        return [self.slot(d, h) for d in range(self.days) for h in range(self.hours - duration + 1)]

    def rule_activities(self, rule: TimeRule) -> list[int]:
        """FET activity ids a rule concerns (unary kinds: everyone the rule's teacher or students meet)."""
        tt = self.tt
        if rule.kind == "BreakTimes":
            return [a.id for a in tt.activities]
        if rule.kind == "TeacherNotAvailableTimes":
            return [a.id for a in tt.activities if rule.teacher in a.teachers]
        if rule.kind == "StudentsSetNotAvailableTimes":
            atoms = tt.atoms_of([rule.students])
            return [a.id for a in tt.activities if tt.atoms_of(a.students) & atoms]
        return [a for a in rule.activities if a in tt.activity_by_id]

    def forbidden_starts(self, rule: TimeRule) -> dict[int, set[int]]:
        """The in-day starts a unary rule rules out, by FET activity id."""
        slots = {self.slot(d, h) for d, h in rule.slots}
        result: dict[int, set[int]] = {}
        for ident in self.rule_activities(rule):
            duration = self.tt.activity_by_id[ident].duration
            starts = self.in_day_starts(duration)
            if rule.kind == "PreferredStartingTimes":
                bad = {s for s in starts if s not in slots}
            elif rule.kind == "PreferredTimeSlots":
                bad = {s for s in starts if any(c not in slots for c in range(s, s + duration))}
            else:
                bad = {s for s in starts if any(c in slots for c in range(s, s + duration))}
            if bad:
                result[ident] = bad
        return result

    def allowed_starts(self) -> dict[int, list[int]]:
        tt = self.tt
        allowed = {a.id: set(self.in_day_starts(a.duration)) for a in tt.activities}
        if not self.explain:
            for rule in tt.rules:
                if rule.hard and rule.kind in UNARY:
                    for ident, bad in self.forbidden_starts(rule).items():
                        allowed[ident] -= bad
            for _ in range(2):  # a hard same-start group can start only where all of it can
                for rule in tt.rules:
                    if rule.hard and rule.kind == "ActivitiesSameStartingTime":
                        ids = [a for a in rule.activities if a in allowed]
                        common = set.intersection(*(allowed[a] for a in ids)) if ids else set()
                        for a in ids:
                            allowed[a] = set(common)
        return {ident: sorted(starts) for ident, starts in allowed.items()}

    # -- building ------------------------------------------------------------------------------------
    def together(self) -> list[list[int]]:
        """FET activities that one activity of the index places: hard same-start groups whose members have
        one duration and share no teacher or student set (so one placement is exactly their starts);
        every other activity alone."""
        tt = self.tt
        parent = {a.id: a.id for a in tt.activities}

        def root(x: int) -> int:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        if not self.explain:
            for rule in tt.rules:
                if rule.hard and rule.kind == "ActivitiesSameStartingTime":
                    ids = [a for a in rule.activities if a in parent]
                    for other in ids[1:]:
                        parent[root(other)] = root(ids[0])
        groups: dict[int, list[int]] = {}
        for a in tt.activities:
            groups.setdefault(root(a.id), []).append(a.id)
        found: list[list[int]] = []
        for members in groups.values():
            found += self._separable(members)
        return sorted(found, key=lambda g: min(g))

    def _separable(self, members: list[int]) -> list[list[int]]:
        """Members that can share variables, or each alone when they cannot (different durations, or a
        teacher or student set in two of them: FET's clash rules must still see them)."""
        tt = self.tt
        acts = [tt.activity_by_id[i] for i in sorted(members)]
        teachers = [t for a in acts for t in set(a.teachers)]
        atoms = [x for a in acts for x in tt.atoms_of(a.students)]
        if len({a.duration for a in acts}) == 1 and len(teachers) == len(set(teachers)) and len(atoms) == len(set(atoms)):
            return [sorted(members)]
        return [[i] for i in sorted(members)]

    def build(self) -> Index:
        ix, tt = self.index, self.tt
        self._off()
        allowed = self.allowed_starts()
        self.position = {}
        # Options are immutable: activities of the same student groups and duration share them (building
        # one per start and activity was most of the index's time on large files).
        made: dict[tuple[tuple[int, ...], int, int], Option] = {}
        for number, members in enumerate(self.together()):
            acts = [tt.activity_by_id[i] for i in members]
            for i in members:
                self.position[i] = number
            groups = tuple(sorted({ix.class_index[atom] for a in acts for atom in tt.atoms_of(a.students)}))
            teachers = tuple(sorted({ix.teacher_index[t] for a in acts for t in a.teachers}))
            duration = acts[0].duration
            starts = sorted(set.intersection(*(set(allowed[i]) for i in members)))
            options = []
            for start in starts:
                option = made.get((groups, duration, start))
                if option is None:
                    day, hour = divmod(start, self.hours)
                    option = made[(groups, duration, start)] = Option(
                        start=(day, hour + 1), placements=tuple(Placement(g, day, hour + 1) for g in groups),
                        teacher_keys=tuple((0, day, hour + 1 + k) for k in range(duration)), blocked=False)
                options.append(option)
            ix.activities.append(Activity(index=number, subject=acts[0].subject, teachers=teachers, classes=groups,
                                          length=duration, number=0, sync=None, options=tuple(options),
                                          label=f"A{members[0]}", members=tuple(members)))
        ix.rules = [self._rule(number, rule) for number, rule in enumerate(tt.rules)
                    if not (rule.hard and rule.kind in UNARY and not self.explain) and rule.weight > 0
                    and not self._merged(rule)]
        return ix

    def _merged(self, rule: TimeRule) -> bool:
        """A hard same-start rule whose activities all became one activity holds by construction."""
        return (rule.hard and rule.kind == "ActivitiesSameStartingTime"
                and len({self.position.get(i) for i in rule.activities}) == 1)

    def _rule(self, number: int, rule: TimeRule) -> Rule:
        ix, tt = self.index, self.tt
        if rule.kind.startswith("Teacher"):
            teachers = ((ix.teacher_index[rule.teacher],) if rule.teacher in ix.teacher_index else ()) if rule.teacher \
                else tuple(range(len(ix.teachers)))
        else:
            teachers = ()
        if rule.kind.startswith("Students"):
            atoms = tt.atoms_of([rule.students]) if rule.students else set(ix.classes)
            groups = tuple(sorted(ix.class_index[a] for a in atoms if a in ix.class_index))
        else:
            groups = ()
        if rule.kind in UNARY:
            activities = tuple(sorted({self.position[i] for i in self.rule_activities(rule)}))
        else:
            activities = tuple(dict.fromkeys(self.position[i] for i in rule.activities if i in self.position))
        second = tuple(dict.fromkeys(self.position[i] for i in rule.second if i in self.position))
        en, zh = describe(tt, rule)
        return Rule(kind=rule.kind, hard=rule.hard, weight=int(round(rule.weight)), activities=activities,
                    teachers=teachers, groups=groups, slots=frozenset(self.slot(d, h) for d, h in rule.slots),
                    value=rule.value, flag=rule.flag, ref=f"rule{number + 1}", en=en, zh=zh, second=second)


def build_fet_index(scenario: Scenario, *, explain: bool = False) -> Index:
    return FetIndexBuilder(scenario, explain=explain).build()
