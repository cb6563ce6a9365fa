"""Keeping a published timetable: re-solving after a permanent change moves as few lessons as it can.

A term timetable lives in teachers' phones; when a teacher leaves or a sync lesson is added, the
county wants the change, not a new timetable. Given the lessons of the timetable published before
(``PreviousLesson``), this family

- hints every placement variable with the published timetable, so the first search starts from it;
- fixes the lessons of every school the change does not touch ("unaffected": its classes need exactly
  the lessons they had, from the same teachers, and every one of them can still stand where it stood),
  unless the user allows moves anywhere;
- costs every lesson that moves: ``DAY_MOVE`` when its class no longer has that subject on that day,
  ``PERIOD_MOVE`` when it moved within the day, weighted ``MOVE_WEIGHT`` so that moves are minimised
  first and the usual soft rules second (one term per class, so the search looks where lessons moved).

A moved lesson is seen as its class sees it: a lesson at the same weekday and period with the same
subject stayed, whoever teaches it now. The independent count of what moved is
``constraints/checks/stability.py``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import NamedTuple

from constraints.context import ModelContext, PenaltyTerm

FAMILY = "moved_lessons"
PERIOD_MOVE = 1
DAY_MOVE = 3
#: Above any saving one moved lesson can buy in the usual soft rules, so moves come first.
MOVE_WEIGHT = 1000


class PreviousLesson(NamedTuple):
    """One lesson of the published timetable (a class's end of it): plain data for a part's input."""

    class_id: str
    subject: str
    teacher: str
    day: int
    period: int
    length: int


def unaffected_schools(ctx: ModelContext, previous: tuple[PreviousLesson, ...]) -> set[str]:
    """The part's schools whose published lessons all still fit the new scenario unchanged.

    A school qualifies when every activity that reaches one of its classes can take its ``count``
    placements exactly as published (same class, subject, teacher, weekday, period and length at every
    end, the option still allowed) and its classes have no published lesson left over; a sync lesson
    links its schools, so a school sharing one with a school that changed has changed too.
    """
    ix = ctx.index
    published = Counter((p.class_id, p.subject, p.day, p.period, p.length) for p in previous)
    teachers_at = {(p.class_id, p.subject, p.day, p.period): p.teacher for p in previous}
    needed: Counter = Counter()
    candidates = set(ix.schools)
    links: list[set[str]] = []
    for activity in ix.activities:
        schools = {ix.schools[ix.school_of_class(k)] for k in activity.classes}
        links.append(schools)
        exact = sum(1 for option, _var in ctx.options[activity.index]
                    if not option.blocked and _as_published(ctx, activity, option, published, teachers_at))
        if exact < activity.count:
            candidates -= schools
        for option_class in activity.classes:
            needed[ix.classes[option_class]] += activity.count
    held = Counter(p.class_id for p in previous)
    for class_id in set(held) | set(needed):
        if held[class_id] != needed[class_id] and class_id in ix.class_index:
            candidates.discard(ix.schools[ix.school_of_class(ix.class_index[class_id])])
    changed = True
    while changed:  # a sync lesson with one changed end changes every end
        changed = False
        for schools in links:
            if schools - candidates and schools & candidates:
                candidates -= schools
                changed = True
    return candidates


def _as_published(ctx: ModelContext, activity, option, published: Counter,  # type: ignore[no-untyped-def]
                  teachers_at: dict | None) -> bool:
    """The option puts every end of the activity where the published timetable had it (and, given
    ``teachers_at``, with the same teacher)."""
    ix = ctx.index
    teacher = ix.teachers[activity.teacher]
    for position, placement in enumerate(option.placements):
        class_id = ix.classes[placement.klass]
        if not published[(class_id, activity.subject, placement.day, placement.period, activity.length)]:
            return False
        if position == 0 and teachers_at is not None and \
                teachers_at.get((class_id, activity.subject, placement.day, placement.period)) != teacher:
            return False
    return True


def add_stability(ctx: ModelContext, previous: tuple[PreviousLesson, ...], keep_unaffected: bool
                  ) -> tuple[list[PenaltyTerm], tuple[str, ...], list[list]]:
    """Hint the published timetable, fix the unaffected schools (when asked) and return the moved-lesson
    terms (to add to the objective), the schools kept as published, and per activity the variables of its
    options exactly as published (a search can start by fixing those)."""
    ix = ctx.index
    published = Counter((p.class_id, p.subject, p.day, p.period, p.length) for p in previous)
    starts = {(p.class_id, p.subject, p.day, p.period) for p in previous}
    days = {(p.class_id, p.subject, p.day) for p in previous}
    kept = unaffected_schools(ctx, previous) if keep_unaffected else set()
    costs: dict[int, list] = defaultdict(list)
    exact_of: list[list] = []
    for activity in ix.activities:
        fixed = {ix.schools[ix.school_of_class(k)] for k in activity.classes} <= kept
        exact = []
        for option, var in ctx.options[activity.index]:
            teaching = option.placements[0]
            class_id = ix.classes[teaching.klass]
            # A lesson at its published time with a new teacher (one who replaced a leaver) has not moved.
            as_published = _as_published(ctx, activity, option, published, None)
            ctx.model.AddHint(var, 1 if as_published else 0)
            if as_published:
                exact.append(var)
            if (class_id, activity.subject, teaching.day, teaching.period) in starts:
                continue
            cost = PERIOD_MOVE if (class_id, activity.subject, teaching.day) in days else DAY_MOVE
            costs[teaching.klass].append(cost * var)
        exact_of.append(exact)
        if fixed:
            ctx.model.Add(sum(exact) == activity.count)
    terms = [PenaltyTerm(family=FAMILY, name=f"{FAMILY}({ix.classes[klass]})", expr=sum(parts), weight=MOVE_WEIGHT,
                         classes=(klass,))
             for klass, parts in sorted(costs.items())]
    return terms, tuple(sorted(kept)), exact_of
