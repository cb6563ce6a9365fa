"""Running one function over groups of work in forked processes, when that is safe and worth it.

Writers of a county's outputs (school timetables) do the same work for each school; on Linux a
second process forked from a single-threaded parent shares the parent's objects without pickling
them. Elsewhere, in a daemonic worker or with other threads running, the groups run one after the
other in this process. The results come back in the groups' order, whichever process made them.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
_TASK: Callable[[Any], Any] | None = None  # the function a forked worker runs (inherited, not pickled)


def can_fork() -> bool:
    return (sys.platform.startswith("linux") and (os.cpu_count() or 1) >= 2
            and not multiprocessing.current_process().daemon and threading.active_count() == 1)


def _run(group: Any) -> Any:
    assert _TASK is not None
    return _TASK(group)


def fork_map(function: Callable[[Any], T], groups: Sequence[Any]) -> list[T]:
    """``[function(g) for g in groups]``, in up to two forked processes when ``can_fork()``."""
    global _TASK
    if len(groups) < 2 or not can_fork():
        return [function(group) for group in groups]
    _TASK = function
    try:
        with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_run, groups))
    finally:
        _TASK = None
