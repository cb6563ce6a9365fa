"""models.parallel: work beside the caller in a forked process, with the same result and the caller's own errors."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from models import parallel
from models.errors import BadInput
from models.parallel import Beside, fork_map

forks = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Beside forks on Linux only")


@pytest.fixture(autouse=True)
def _fork_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Earlier tests may leave an idle thread behind (which makes ``can_fork`` refuse): the functions forked
    here touch no lock, so the fork is safe, and these tests are about what Beside does with it."""
    monkeypatch.setattr(parallel, "can_fork", lambda: sys.platform.startswith("linux"))


@forks
def test_beside_runs_in_another_process_at_the_same_time_and_returns_its_value(tmp_path: Path) -> None:
    marker = tmp_path / "started"

    def work() -> tuple[int, list[int]]:
        marker.write_text("x")
        time.sleep(0.5)
        return os.getpid(), [1, 2, 3]

    started = time.perf_counter()
    beside = Beside(work)
    while not marker.exists():  # the caller goes on while the fork works
        assert time.perf_counter() - started < 10
        time.sleep(0.01)
    pid, value = beside.result()
    assert pid != os.getpid() and value == [1, 2, 3]


@forks
def test_a_failure_in_the_fork_raises_the_callers_own_exception() -> None:
    calls = []

    def fails() -> None:
        calls.append(os.getpid())
        raise BadInput("table t.csv row 3: no such teacher", "表 t.csv 第 3 行：没有该教师")

    beside = Beside(fails)
    with pytest.raises(BadInput) as caught:
        beside.result()
    assert caught.value.zh == "表 t.csv 第 3 行：没有该教师"
    assert calls == [os.getpid()]  # the fork's own try is not seen here; the caller ran it again


@forks
def test_cancel_stops_the_fork_before_it_writes(tmp_path: Path) -> None:
    late = tmp_path / "late"

    def slow() -> None:
        time.sleep(3)
        late.write_text("written after the caller gave up")

    beside = Beside(slow)
    beside.cancel()
    time.sleep(3.5)
    assert not late.exists()


def test_without_a_fork_the_function_runs_when_the_result_is_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    calls = []
    beside = Beside(lambda: calls.append(os.getpid()) or "done")
    assert calls == []
    assert beside.result() == "done" and calls == [os.getpid()]


def test_fork_map_keeps_the_groups_order() -> None:
    assert fork_map(lambda group: [x * 2 for x in group], [[1, 2], [3], [4, 5]]) == [[2, 4], [6], [8, 10]]
