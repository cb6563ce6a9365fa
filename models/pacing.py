"""Teaching in step (学科进度同步): the pacing table a consortium fills in (its rows, :mod:`models.pacing_table`,
are part of the scenario), and the pacing plan made from it.

The input (``pacing.csv``, table ``pacing`` / 教学进度) lists, per grade and subject, the term's
teaching sequence in order: textbook units with the lessons (课时) each needs, review allowances,
and unified assessments (统一测评) with their dates. Rows with an empty ``consortium`` hold for every
consortium of the county (a county-wide sequence, its assessments county-wide); rows naming a
consortium replace the county-wide rows of that grade and subject for that consortium (its
assessments are then the consortium's own).

The result (:class:`PacingPlan`, ``OUT/pacing/plan.json``) gives for every consortium, grade and
subject the lessons of each unit planned in each school week (a week is split at an assessment
date: lessons before the test and after it are counted apart). Every class of the group follows the
same plan; ``available`` records the lessons each class has in each part of the week, as the
planner counted them, so that ``tongbu verify`` can recount them independently and compare.

Plain pydantic; no solver types. The planner is ``scheduler/pacing``; the independent check is
``constraints/checks/pacing.py``.
"""

from __future__ import annotations

import datetime as dt
import json
from datetime import date
from pathlib import Path

from pydantic import Field

from models.base import Frozen
from models.pacing_table import PacingRow, sequences  # the table, re-exported with its plan
from models.scenario import Scenario

PLAN_FILE = "plan.json"
PACING_DIR = "pacing"
GroupKey = tuple[str, int, str]  # (consortium, grade, subject)


def group_classes(scenario: Scenario, consortium: str, grade: int, subject: str) -> list[str]:
    """The classes that keep one pace: the consortium's classes of the grade whose curriculum has the subject."""
    schools = {s.id for s in scenario.schools if s.consortium == consortium}
    return sorted(c.id for c in scenario.classes if c.school in schools and c.grade == grade
                  and any(e.subject == subject for e in scenario.class_curriculum(c.id)))


def pacing_groups(scenario: Scenario) -> dict[GroupKey, list[PacingRow]]:
    """Every (consortium, grade, subject) with a sequence and at least one class, with its rows.

    A consortium's own rows for a grade and subject replace the county-wide ones.
    """
    by_key = sequences(scenario.pacing)
    groups: dict[GroupKey, list[PacingRow]] = {}
    for consortium in sorted(c.id for c in scenario.consortia):
        subjects = {(g, s) for (c, g, s) in by_key if c is None or c == consortium}
        for grade, subject in sorted(subjects):
            rows = by_key.get((consortium, grade, subject)) or by_key.get((None, grade, subject))
            if rows and group_classes(scenario, consortium, grade, subject):
                groups[(consortium, grade, subject)] = rows
    return groups


# --- the plan -------------------------------------------------------------------------------------


class Fix(Frozen):
    """A way for one class to find a missing lesson: an extra lesson in a free period, or a swap (调课)."""

    kind: str = Field(description="free_period: a period with no lesson where the teacher is free; "
                                  "swap: a lesson of a subject with spare lessons that week")
    date: dt.date
    period: int
    other_subject: str | None = None
    en: str
    zh: str


class Shortfall(Frozen):
    """A class that cannot keep the consortium's pace: in ``week`` it needs ``needed`` lessons and has ``available``."""

    class_id: str
    week: int
    first: date
    last: date
    needed: int
    available: int
    fixes: tuple[Fix, ...] = ()

    @property
    def short(self) -> int:
        return self.needed - self.available


class PacingSlot(Frozen):
    """One school week (or the part of it before or after an assessment date) of a pacing group.

    ``first``..``last`` are calendar dates (inclusive, within the term); ``items`` are (seq, lessons)
    taught in it, in order; ``available`` is each class's lessons of the subject in these dates.
    """

    week: int
    first: date
    last: date
    planned: int
    items: tuple[tuple[int, int], ...] = ()
    available: dict[str, int] = Field(default_factory=dict)

    @property
    def least(self) -> int:
        return min(self.available.values(), default=0)


class PacingGroup(Frozen):
    """The pace of one consortium, grade and subject: its sequence, its classes, and the plan week by week."""

    consortium: str
    grade: int
    subject: str
    county_wide: bool = Field(description="the sequence is the county's (its assessments county-wide)")
    classes: tuple[str, ...]
    items: tuple[PacingRow, ...]
    slots: tuple[PacingSlot, ...]
    shortfalls: tuple[Shortfall, ...] = ()
    # Lessons the sequence needs beyond what the slowest classes have, per stretch between assessments.
    problems: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> GroupKey:
        return (self.consortium, self.grade, self.subject)

    @property
    def textbook(self) -> str:
        return next((r.textbook for r in self.items if r.textbook), "")

    def item(self, seq: int) -> PacingRow:
        return next(r for r in self.items if r.seq == seq)


class PacingPlan(Frozen):
    """The consortium pacing calendar of a term: every group's plan, or the shortfalls that prevent one."""

    district: str
    term: str
    status: str = Field(description="ok: every class keeps every pace; short: some class cannot (see shortfalls)")
    method: str = ""
    groups: tuple[PacingGroup, ...]

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def group(self, key: GroupKey) -> PacingGroup | None:
        return next((g for g in self.groups if g.key == key), None)


def plan_json(plan: PacingPlan) -> str:
    """plan.json text: sorted as built, no clock stamps."""
    return json.dumps(plan.model_dump(mode="json"), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def read_pacing_plan(path: Path | str) -> PacingPlan:
    """Read plan.json (or the one in an OUT folder's pacing/ folder)."""
    path = Path(path)
    for candidate in (path, path / PLAN_FILE, path / PACING_DIR / PLAN_FILE):
        if candidate.is_file():
            return PacingPlan.model_validate_json(candidate.read_text(encoding="utf-8"))
    raise FileNotFoundError(f"no pacing plan.json at {path}")
