"""Progress of a solve, for a person watching it: a line on stderr per part started and finished, and
a periodic line while parts run (elapsed time, phase, the incumbent), whether or not stderr is a
terminal, so a county solve that runs for minutes never looks stuck and a log file shows it too.

Parts run in other processes (or on a Dask cluster). A part writes what it is doing to a small JSON
file in a folder the parent gives it (``PartInput.progress_file``); the parent reads those files for
its periodic line. Where the files are not shared (Dask workers on other machines), the line shows
the elapsed time only. Nothing here steers a solve: the files are written from CP-SAT's solution
callbacks, which observe the search without changing it.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from models.messages import STATUS_ZH, pick

#: Seconds between the periodic lines while parts run.
HEARTBEAT_SECONDS = 15.0
#: Least seconds between two writes of one part's progress file.
WRITE_EVERY_SECONDS = 1.0


class PartProgress:
    """What one part reports while it is solved (a no-op without a file)."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.started = time.time()  # wall clock: the parent compares it with its own clock
        self._last = 0.0

    def write(self, phase: str, objective: float | None = None, *, force: bool = False) -> None:
        if self.path is None:
            return
        now = time.time()
        if not force and now - self._last < WRITE_EVERY_SECONDS:
            return
        self._last = now
        folder = os.path.dirname(self.path)
        try:
            handle, temporary = tempfile.mkstemp(prefix=".progress.", dir=folder)
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump({"phase": phase, "objective": objective, "started": self.started}, stream)
            os.replace(temporary, self.path)
        except OSError:
            pass  # progress is a courtesy: a full disk must not stop the solve


PHASES = {
    "build": ("building the model", "建模"),
    "first": ("looking for a first timetable", "寻找第一张课表"),
    "improve": ("improving", "优化"),
    "explain": ("explaining why no timetable exists", "分析无解原因"),
}


class ProgressReporter:
    """Prints the progress lines of one solve to ``stream`` (stderr); silent when ``quiet``.

    Used as the ``progress`` callback of :func:`scheduler.timetable.solve.solve_scenario`, which calls
    :meth:`parts_started` once with every part and :meth:`part_done` as each part finishes.
    """

    def __init__(self, stream: TextIO | None = None, *, quiet: bool = False,
                 interval: float = HEARTBEAT_SECONDS) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.interval = interval
        self.folder: Path | None = None
        self._temporary: tempfile.TemporaryDirectory[str] | None = None
        self._started = time.perf_counter()
        self._open: dict[str, float] = {}
        self._total = 0
        self._done = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- lifetime -----------------------------------------------------------------------------
    def __enter__(self) -> ProgressReporter:
        if not self.quiet:
            self._temporary = tempfile.TemporaryDirectory(prefix="tongbu-progress-")
            self.folder = Path(self._temporary.name)
            self._thread = threading.Thread(target=self._beat, name="tongbu-progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._temporary is not None:
            self._temporary.cleanup()
        self.folder = None

    def file_for(self, part_id: str) -> str | None:
        """Where the part ``part_id`` writes its progress (None when nobody reads it)."""
        if self.folder is None:
            return None
        return str(self.folder / (hashlib.sha256(part_id.encode()).hexdigest()[:16] + ".json"))

    # -- events from the solve ---------------------------------------------------------------------
    def parts_started(self, parts: Sequence[tuple[str, int]], stage: str = "both") -> None:
        """``parts``: (part id, classes) of every part about to be solved (checkpointed ones included);
        ``stage``: "first" (first timetables), "improve" (from them) or "both"."""
        with self._lock:
            self._total, self._done = len(parts), 0
            now = time.perf_counter()
            self._open = {part_id: now for part_id, _classes in parts}
        classes = sum(c for _p, c in parts)
        if stage == "improve":
            self._say(f"improving the timetables of {len(parts)} parts", f"开始优化 {len(parts)} 个部分的课表")
        else:
            self._say(f"solving {len(parts)} parts ({classes} classes)", f"开始求解 {len(parts)} 个部分（{classes} 个班级）")

    def part_done(self, part_id: str, status: str, objective: float | None, seconds: float | None,
                  from_checkpoint: bool = False, first: float | None = None) -> None:
        with self._lock:
            self._open.pop(part_id, None)
            self._done += 1
            done, total = self._done, self._total
        how_en = " (kept from an earlier run)" if from_checkpoint else (f" in {seconds:.0f} s" if seconds else "")
        how_zh = "（沿用上次运行的结果）" if from_checkpoint else (f"，用时 {seconds:.0f} 秒" if seconds else "")
        if first is not None and not from_checkpoint:
            how_en += f" (first timetable after {first:.1f} s)"
            how_zh += f"（{first:.1f} 秒时得到第一张课表）"
        value = "" if objective is None else f", objective {objective:g}"
        value_zh = "" if objective is None else f"，目标值 {objective:g}"
        self._say(f"[{done}/{total}] {part_id}: {status}{value}{how_en}",
                  f"[{done}/{total}] {part_id}：{_status_zh(status)}{value_zh}{how_zh}")

    def __call__(self, event: dict[str, Any]) -> None:
        """The dictionary form solve_scenario also accepts (kept for scripts that pass a plain function)."""
        if event.get("event") == "started":
            self.parts_started(event["parts"], event.get("stage", "both"))
        elif event.get("event") == "done":
            self.part_done(event["part"], event["status"], event.get("objective"), event.get("seconds"),
                           event.get("from_checkpoint", False), event.get("first"))

    # -- the periodic line -------------------------------------------------------------------------
    def _beat(self) -> None:
        while not self._stop.wait(self.interval):
            with self._lock:
                running = dict(self._open)
                done, total = self._done, self._total
            if not running:
                continue
            now = time.perf_counter()
            shown_en, shown_zh = [], []
            for part_id in sorted(running, key=lambda p: running[p]):
                state = self._read(part_id)
                if state is None:
                    continue
                phase_en, phase_zh = PHASES.get(state.get("phase", ""), (state.get("phase", ""), state.get("phase", "")))
                value = state.get("objective")
                extra_en = "" if value is None else f", objective {value:g}"
                extra_zh = "" if value is None else f"，目标值 {value:g}"
                running_for = max(0.0, time.time() - float(state.get("started", time.time())))
                shown_en.append(f"{part_id} {phase_en} {running_for:.0f} s{extra_en}")
                shown_zh.append(f"{part_id} {phase_zh} {running_for:.0f} 秒{extra_zh}")
            waiting = len(running) - len(shown_en)
            elapsed = now - self._started
            tail_en = f"; {waiting} waiting" if waiting and shown_en else (f"; {waiting} in progress" if waiting else "")
            tail_zh = f"；{waiting} 个等待中" if waiting and shown_en else (f"；{waiting} 个进行中" if waiting else "")
            self._say(f"{elapsed:.0f} s: {done}/{total} parts done; " + "; ".join(shown_en) + tail_en,
                      f"已用 {elapsed:.0f} 秒：完成 {done}/{total} 个部分；" + "；".join(shown_zh) + tail_zh)

    def _read(self, part_id: str) -> dict[str, Any] | None:
        path = self.file_for(part_id)
        if path is None:
            return None
        try:
            return json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def _say(self, en: str, zh: str) -> None:
        if self.quiet:
            return
        self.stream.write(pick(en, zh) + "\n")
        self.stream.flush()


def _status_zh(status: str) -> str:
    return STATUS_ZH.get(status, status)
