"""``tongbu validate`` for the pacing table (教学进度): references, lessons, assessment dates and order.

Called by :func:`models.validation.validate_folder`; every problem names the row and column.
"""

from __future__ import annotations

from typing import Protocol

from models.enums import PacingKind
from models.pacing_table import sequences
from models.scenario import Scenario
from models.term import holidays_in_term, term_problems


class Checker(Protocol):
    """What the pacing checks need of ``models.validation.Checker`` (which calls them): the scenario, and ``at``
    to report a problem at a row."""

    s: Scenario

    def at(self, kind: str, key: str, code: str, column: str | None = None, /, severity: str = "error",
           **params: object) -> None: ...

KIND_WORD = {PacingKind.UNIT: "单元", PacingKind.REVIEW: "复习", PacingKind.ASSESSMENT: "测评"}


def check_pacing(checker: Checker) -> None:
    """Every problem of the pacing rows, reported through ``checker`` (row = the row's index in the table)."""
    s = checker.s
    if not s.pacing:
        return
    index_of = {id(row): str(i) for i, row in enumerate(s.pacing)}
    curriculum = {(e.grade, e.subject) for e in s.curriculum if e.periods > 0}
    term = s.term
    calendar_ok = not term_problems(term)
    holidays = holidays_in_term(term) if calendar_ok else {}
    makeups = {m.date for m in term.makeup_days}
    assessment_days = set(term.assessment_days)
    weekdays = {d.index for b in s.bell_schedules for d in b.days} or {0, 1, 2, 3, 4}
    for row in s.pacing:
        key = index_of[id(row)]
        word = {"kind": row.kind.value, "kind_word": KIND_WORD[row.kind], "title": row.title}
        if row.consortium and row.consortium not in s.consortium_by_id:
            checker.unknown("pacing", key, "consortium", "consortium", row.consortium, "scenario.yaml consortia")
        if row.subject not in s.subject_by_id:
            checker.unknown("pacing", key, "subject", "subject", row.subject, "scenario.yaml subjects")
        elif (row.grade, row.subject) not in curriculum:
            checker.at("pacing", key, "pacing_not_in_curriculum", "subject", grade=row.grade, subject=row.subject)
        if row.teaches and row.lessons < 1:
            checker.at("pacing", key, "pacing_lessons", "lessons", **word)
        if not row.teaches and row.lessons:
            checker.at("pacing", key, "pacing_assessment_lessons", "lessons", **word)
        if row.teaches and row.date is not None:
            checker.at("pacing", key, "pacing_date_unused", "date", **word)
        if row.teaches:
            continue
        if row.date is None:
            checker.at("pacing", key, "pacing_no_date", "date", **word)
        elif not term.start <= row.date <= term.end:
            checker.at("pacing", key, "pacing_date_outside", "date", date=row.date, start=term.start, end=term.end, **word)
        elif calendar_ok and row.date not in assessment_days and row.date not in makeups \
                and (row.date in holidays or row.date.weekday() not in weekdays):
            checker.at("pacing", key, "pacing_date_no_school", "date", date=row.date, **word)
    for (consortium, grade, subject), rows in sequences(s.pacing).items():
        scope = {"scope": f" of {consortium}" if consortium else " (county-wide)",
                 "scope_zh": f"（{consortium}）" if consortium else "（全县）"}
        seen: dict[int, str] = {}
        for row in rows:
            key = index_of[id(row)]
            if row.seq in seen:
                checker.at("pacing", key, "pacing_seq_twice", "seq", grade=grade, subject=subject, seq=row.seq,
                           other=checker.loaded.rows.get(("pacing", seen[row.seq]), "-"), **scope)
            seen.setdefault(row.seq, key)
        last = None
        for row in rows:
            if row.kind != PacingKind.ASSESSMENT or row.date is None:
                continue
            if last is not None and row.date <= last:
                checker.at("pacing", index_of[id(row)], "pacing_date_order", "date", title=row.title, date=row.date,
                           other=last)
            last = row.date if last is None else max(last, row.date)
        _classes_exist(checker, consortium, grade, subject, index_of[id(rows[0])], scope)


def _classes_exist(checker: Checker, consortium: str | None, grade: int, subject: str, key: str,
                   scope: dict[str, str]) -> None:
    """A warning when no class would keep this pace (a sequence for a grade nobody teaches there)."""
    s = checker.s
    if subject not in s.subject_by_id or not any(e.grade == grade and e.subject == subject for e in s.curriculum):
        return  # reported as an unknown subject, or as not in the grade's curriculum
    schools = {x.id for x in s.schools if consortium is None or x.consortium == consortium}
    if any(c.school in schools and c.grade == grade and any(e.subject == subject for e in s.class_curriculum(c.id))
           for c in s.classes if c.school in s.school_by_id):
        return
    where, where_zh = (consortium, consortium) if consortium else ("any consortium", "各共同体")
    checker.at("pacing", key, "pacing_no_classes", "grade", severity="warning", grade=grade, subject=subject,
               where=where, where_zh=where_zh, **scope)
