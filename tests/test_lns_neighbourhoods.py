"""The large-neighbourhood search's neighbourhoods (scheduler/timetable/lns.py): what a round frees."""

from __future__ import annotations

import random
from types import SimpleNamespace

import pytest

from scheduler.timetable import lns

DAYS, PERIODS = 5, 2


def _context(classes: int = 8) -> tuple[SimpleNamespace, dict[int, tuple[int, int]]]:
    """Classes in a ring, each with two activities; class k's second activity shares a teacher with class k+1.
    Every activity may start on any day at any period; returns the context and each variable's (class, day)."""
    activities, options, where = [], [], {}
    number = 0
    for klass in range(classes):
        for second in (False, True):
            teachers = (klass, (klass + 1) % classes) if second else (klass,)
            index = len(activities)
            activities.append(SimpleNamespace(index=index, classes=(klass,), teachers=teachers))
            created = []
            for day in range(DAYS):
                for period in range(1, PERIODS + 1):
                    created.append((SimpleNamespace(start=(day, period)), SimpleNamespace(Index=lambda n=number: n)))
                    where[number] = (klass, day)
                    number += 1
            options.append(created)
    return SimpleNamespace(index=SimpleNamespace(classes=list(range(classes)), activities=activities),
                           options=options), where


def test_a_whole_week_round_frees_every_option_of_linked_classes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lns, "DAY_SHARE", 0.0)
    ctx, where = _context()
    freed = lns.class_neighbourhoods(ctx)(random.Random(1), 3)
    classes = {where[v][0] for v in freed}
    assert len(classes) == 3
    assert freed == {v for v, (k, _d) in where.items() if k in classes}  # every day of each
    # Linked through shared teachers: the classes form a run of the ring, not three drawn anywhere.
    assert any(all((k + i) % 8 in classes for i in range(3)) for k in classes)


def test_a_day_round_frees_two_days_of_twice_the_classes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lns, "DAY_SHARE", 1.0)
    ctx, where = _context()
    for seed in range(20):
        freed = lns.class_neighbourhoods(ctx)(random.Random(seed), 2)
        days = {where[v][1] for v in freed}
        classes = {where[v][0] for v in freed}
        assert len(days) == lns.DAYS_FREED and len(classes) == 2 * lns.DAY_CLASSES_FACTOR
        assert freed == {v for v, (k, d) in where.items() if k in classes and d in days}


def test_no_day_round_when_it_would_take_every_class(monkeypatch: pytest.MonkeyPatch) -> None:
    """A round that frees every class must free every day: the search stops on its proof of optimality."""
    monkeypatch.setattr(lns, "DAY_SHARE", 1.0)
    ctx, where = _context(classes=4)
    freed = lns.class_neighbourhoods(ctx)(random.Random(3), 2)
    assert {where[v][1] for v in freed} == set(range(DAYS))
