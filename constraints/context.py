"""The one owner of every CP-SAT variable of a part, with lookups by domain meaning.

Constraint modules ask this object for "the variables that put teacher t in (school, day, period)"
or "the variables that put class c's subject s on day d"; none of them creates its own indexing.
It also owns the assumption literals used to explain infeasibility, each named after the
requirement it switches on, in the user's words.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from constraints.index import Activity, Index, Option


@dataclass(frozen=True)
class Requirement:
    """A group of hard constraints that can be switched on by one assumption literal.

    ``kind`` is one of curriculum, availability, daily_limit, weekly_limit, subject_daily, sync,
    research, rooms; ``ref`` the domain id it is about (class, teacher, sync lesson or block id; for
    rooms ``school:room names`` of a group of rooms).
    """

    kind: str
    ref: str
    en: str
    zh: str


@dataclass(frozen=True)
class PenaltyTerm:
    """A named soft-constraint term: ``weight * expr`` is added to the objective."""

    family: str
    name: str
    expr: Any
    weight: int
    #: The classes and teachers (dense indices) whose lessons decide this term: where a search should look.
    classes: tuple[int, ...] = ()
    teachers: tuple[int, ...] = ()


class ModelContext:
    """The CP-SAT model of one part, its variables and lookups.

    With ``explain=True`` the options where a teacher is unavailable also get variables (the
    availability family forbids them under an assumption literal), and every requirement group
    gets an assumption literal, so the solver can name a sufficient set of conflicting groups.
    """

    def __init__(self, index: Index, *, explain: bool = False) -> None:
        self.index = index
        self.explain = explain
        self.model = cp_model.CpModel()
        self.options: list[list[tuple[Option, cp_model.IntVar]]] = []
        self.assumptions: list[tuple[cp_model.IntVar, Requirement]] = []
        self._requirements: dict[tuple[str, str], cp_model.IntVar] = {}
        #: Lookups a family builds once and others may reuse (e.g. the rule catalogue's grid).
        self.shared: dict[str, Any] = {}
        self.class_slot: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
        self.teacher_key: dict[tuple[int, tuple[int, int, int]], list[cp_model.IntVar]] = defaultdict(list)
        self.class_subject_day: dict[tuple[int, str, int], list[cp_model.IntVar]] = defaultdict(list)
        self._create_option_variables()
        self.windows: list[list[cp_model.IntVar]] = [
            [self.model.NewBoolVar(f"research[{g.block.id}]#{w}") for w in range(len(g.windows))]
            for g in index.research
        ]

    def _create_option_variables(self) -> None:
        ix = self.index
        new_bool, slot = self.model.NewBoolVar, ix.slot
        class_slot, class_subject_day, teacher_key = self.class_slot, self.class_subject_day, self.teacher_key
        for activity in ix.activities:
            created = []
            length, subject, teachers = activity.length, activity.subject, activity.teachers
            for option in activity.options:
                if option.blocked and not self.explain:
                    continue  # pre-filtered: the teacher is unavailable there
                var = new_bool("")
                created.append((option, var))
                for placement in option.placements:
                    klass, day = placement.klass, placement.day
                    for p in range(placement.period, placement.period + length):
                        class_slot[(klass, slot(day, p))].append(var)
                    class_subject_day[(klass, subject, day)].append(var)
                for key in option.teacher_keys:
                    for teacher in teachers:
                        teacher_key[(teacher, key)].append(var)
            self.options.append(created)

    # -- lookups ---------------------------------------------------------------------------
    def vars_of(self, activity: Activity) -> list[cp_model.IntVar]:
        return [var for _option, var in self.options[activity.index]]

    def class_name(self, klass: int) -> tuple[str, str]:
        """A class (or FET student set) in the user's words, (en, zh): school name and grade(section)."""
        name = self.index.group_name(klass)
        return name, name

    def teacher_name(self, teacher: int) -> tuple[str, str]:
        scenario = self.index.scenario
        person = scenario.teacher_by_id.get(self.index.teachers[teacher])
        if person is None or person.school not in scenario.school_by_id:
            return f"teacher {self.index.teacher_name(teacher)}", f"{self.index.teacher_name(teacher)}老师"
        school = scenario.school_by_id[person.school].name
        return f"teacher {person.name} ({school})", f"{school} {person.name}老师"

    def subject_name(self, subject: str) -> tuple[str, str]:
        found = self.index.scenario.subject_by_id.get(subject)
        if found is None:
            return subject, subject
        return (found.name_en or found.name), found.name

    # -- requirements (assumption literals) ----------------------------------------------------
    def requirement(self, kind: str, ref: str, en: str, zh: str) -> cp_model.IntVar | None:
        """The literal switching a requirement group on when explaining, else None (always on)."""
        if not self.explain:
            return None
        key = (kind, ref)
        if key not in self._requirements:
            literal = self.model.NewBoolVar(f"{kind}({ref})")
            self._requirements[key] = literal
            self.assumptions.append((literal, Requirement(kind, ref, en, zh)))
        return self._requirements[key]

    def place(self, activity: Activity, literal: cp_model.IntVar | None) -> None:
        """The activity takes ``count`` of its options (always, or when ``literal`` is on)."""
        variables = self.vars_of(activity)
        if literal is None:
            if activity.count == 1:
                self.model.AddExactlyOne(variables)
            else:
                self.model.Add(sum(variables) == activity.count)
            return
        self.model.Add(sum(variables) <= activity.count)
        self.enforce(self.model.Add(sum(variables) == activity.count), literal)

    @staticmethod
    def enforce(constraint: cp_model.Constraint, literal: cp_model.IntVar | None) -> None:
        if literal is not None:
            constraint.OnlyEnforceIf(literal)
