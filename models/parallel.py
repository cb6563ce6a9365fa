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


class Beside:
    """``function()`` run in a forked process while the caller goes on with other work; :meth:`result`
    waits for it and returns its value. Where a fork is not safe (``can_fork``) or the forked run fails,
    the function runs in this process when :meth:`result` is called, so a failure raises here as the
    caller's own exception (an exception does not always survive pickling). ``function`` must give the
    same result, and leave the same files, when run twice."""

    def __init__(self, function: Callable[[], T]) -> None:
        self._function = function
        self._process: Any = None
        self._receiver: Any = None
        if can_fork():
            context = multiprocessing.get_context("fork")
            self._receiver, sender = context.Pipe(duplex=False)
            self._process = context.Process(target=_send_result, args=(function, sender), daemon=False)
            self._process.start()
            sender.close()

    def result(self) -> T:
        if self._process is not None:
            try:
                ok, value = self._receiver.recv()
            except (EOFError, OSError):  # the fork died without a word (killed, out of memory)
                ok, value = False, None
            self._reap()
            if ok:
                return value
        return self._function()

    def cancel(self) -> None:
        """Stop the forked run, if any, without its result (the caller failed and will not use it)."""
        if self._process is not None:
            self._process.terminate()
            self._reap()

    def _reap(self) -> None:
        self._process.join()
        self._receiver.close()
        self._process = None


def _send_result(function: Callable[[], Any], sender: Any) -> None:
    try:
        value = (True, function())
    except BaseException:  # noqa: BLE001 - the parent runs it again and raises its own exception
        value = (False, None)
    sender.send(value)
    sender.close()
