"""Synchronized lessons as the consortium's one table (同步课堂“一张表”): each occurrence in the week.

An occurrence is one placed lesson of the teaching class together with the lesson each receiving
class joins it with. The solution holds them as separate placements with the same ``sync`` id; they
are paired here by weekday and the largest clock-time overlap (a sync lesson taught twice a week has
two occurrences, and each receiving placement belongs to exactly one of them).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from models.enums import DeliveryMode
from models.scenario import Scenario
from models.solution import LessonPlacement, Solution
from reports.labels import window


@dataclass(frozen=True)
class SyncGroup:
    """Who takes part in a synchronized lesson: from the scenario, or from the placements when it lacks it."""

    id: str
    teaching_class: str
    receiving_classes: tuple[str, ...]
    mode: DeliveryMode


@dataclass(frozen=True)
class SyncOccurrence:
    """One weekly occurrence: the teaching placement and, per receiving class, its placement (None if missing)."""

    group: SyncGroup
    consortium: str
    teaching: LessonPlacement
    receiving: tuple[tuple[str, LessonPlacement | None], ...]


def _base_window(scenario: Scenario, lesson: LessonPlacement) -> tuple[int, int] | None:
    return window(scenario.bells_of(lesson.school).periods, lesson.period, lesson.length)


def _overlap(a: tuple[int, int] | None, b: tuple[int, int] | None) -> int:
    if a is None or b is None:
        return -1
    return min(a[1], b[1]) - max(a[0], b[0])


def is_teaching(lesson: LessonPlacement, group: SyncGroup) -> bool:
    if lesson.sync_role:
        return lesson.sync_role == "teaching"
    return lesson.class_id == group.teaching_class


def sync_groups(scenario: Scenario, solution: Solution) -> dict[str, SyncGroup]:
    """Every sync id used by the scenario or the solution, with its teaching and receiving classes."""
    groups = {s.id: SyncGroup(s.id, s.teaching_class, tuple(s.receiving_classes), s.mode) for s in scenario.sync_lessons}
    by_id: dict[str, list[LessonPlacement]] = defaultdict(list)
    for lesson in solution.lessons:
        if lesson.sync and lesson.sync not in groups:
            by_id[lesson.sync].append(lesson)
    for sync_id, lessons in by_id.items():
        # Only the placements say who takes part: the teaching role names the teaching class.
        teaching = sorted({l.class_id for l in lessons if l.sync_role == "teaching"})
        receiving = sorted({l.class_id for l in lessons if l.sync_role != "teaching"} - set(teaching))
        groups[sync_id] = SyncGroup(sync_id, teaching[0] if teaching else "", tuple(receiving), DeliveryMode.SYNC)
    return groups


def sync_occurrences(scenario: Scenario, solution: Solution) -> list[SyncOccurrence]:
    """Every occurrence, sorted by consortium, weekday, teaching start time and sync id."""
    groups = sync_groups(scenario, solution)
    placements: dict[str, list[LessonPlacement]] = defaultdict(list)
    for lesson in solution.lessons:
        if lesson.sync in groups:
            placements[lesson.sync].append(lesson)
    occurrences = []
    for sync_id in sorted(placements):
        group = groups[sync_id]
        lessons = sorted(placements[sync_id], key=lambda l: (l.day.index, l.period, l.class_id, l.key))
        teaching = [l for l in lessons if is_teaching(l, group)]
        unmatched = [l for l in lessons if not is_teaching(l, group)]
        for lesson in teaching:
            receiving = []
            for class_id in group.receiving_classes:
                match = _best_partner(scenario, lesson, [l for l in unmatched if l.class_id == class_id])
                if match is not None:
                    unmatched.remove(match)
                receiving.append((class_id, match))
            school = scenario.school_by_id.get(lesson.school)
            occurrences.append(SyncOccurrence(group, school.consortium if school else "", lesson, tuple(receiving)))
    return sorted(occurrences, key=lambda o: (o.consortium, o.teaching.day.index,
                                              (_base_window(scenario, o.teaching) or (10_000, 0))[0],
                                              o.group.id, o.teaching.period, o.teaching.key))


def _best_partner(scenario: Scenario, teaching: LessonPlacement,
                  candidates: list[LessonPlacement]) -> LessonPlacement | None:
    """The candidate on the same weekday whose clock window overlaps the teaching lesson's most."""
    same_day = [c for c in candidates if c.day == teaching.day]
    if not same_day:
        return None
    own = _base_window(scenario, teaching)
    # Ties (equal overlap) go to the earliest period so pairing is deterministic.
    return max(same_day, key=lambda c: (_overlap(own, _base_window(scenario, c)), -c.period))


def partner_classes(groups: dict[str, SyncGroup], lesson: LessonPlacement) -> tuple[str, ...]:
    """The classes a sync lesson's placement is joined with: the receiving classes for the teaching
    class, the teaching class for a receiving class. Empty for an ordinary lesson."""
    group = groups.get(lesson.sync) if lesson.sync else None
    if group is None:
        return ()
    if is_teaching(lesson, group):
        return group.receiving_classes
    return (group.teaching_class,) if group.teaching_class else ()
