"""The pacing table a consortium fills in (``pacing.csv``, table ``pacing`` / 教学进度): per grade and subject,
the term's teaching sequence in order (units, review allowances, unified assessments).

Part of the scenario (``Scenario.pacing``); the plan made from it is :mod:`models.pacing`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from pydantic import Field

from models.base import Frozen
from models.enums import PacingKind


class PacingRow(Frozen):
    """One row of the pacing table: a unit, a review allowance or a unified assessment, in teaching order."""

    consortium: str | None = Field(default=None, description="consortium id; empty = every consortium (county-wide)")
    grade: int = Field(ge=1, le=12)
    subject: str
    seq: int = Field(ge=0, description="position in the teaching order of this grade and subject")
    kind: PacingKind = PacingKind.UNIT
    title: str
    lessons: int = Field(default=0, ge=0, description="lessons (课时) the unit or review needs; 0 for an assessment")
    date: dt.date | None = Field(default=None, description="the day of a unified assessment")
    textbook: str = Field(default="", description="e.g. 统编版 语文 三年级上册")
    note: str = Field(default="", description="where the lesson count comes from, or any remark")

    @property
    def teaches(self) -> bool:
        """A unit or a review: it takes lessons."""
        return self.kind != PacingKind.ASSESSMENT


def sequences(rows: tuple[PacingRow, ...] | list[PacingRow]) -> dict[tuple[str | None, int, str], list[PacingRow]]:
    """Rows by (consortium or None, grade, subject), each in teaching order (``seq``)."""
    found: dict[tuple[str | None, int, str], list[PacingRow]] = defaultdict(list)
    for row in rows:
        found[(row.consortium or None, row.grade, row.subject)].append(row)
    return {key: sorted(items, key=lambda r: r.seq) for key, items in sorted(found.items(), key=lambda kv: _key_order(kv[0]))}


def _key_order(key: tuple[str | None, int, str]) -> tuple[str, int, str]:
    return (key[0] or "", key[1], key[2])
