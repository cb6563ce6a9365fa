"""Where the independent parts of a solve run: local processes (the default) or a Dask cluster.

Both executors take the same ``PartInput`` objects and return the ``PartOutput`` of the pure
``solve_part``, so the result does not depend on where a part ran: same input and seed, same bytes.
The budgets of the parts come from ``--workers`` (scheduler.timetable.solve.part_budgets), never from the
size of the pool or the cluster, for the same reason.

Every part of one solve carries the same scenario (a province is megabytes); it is sent once per
worker process (the pool's initializer, Dask's ``scatter``) and each task carries only the
part's own fields.

Failures are per part. A Dask worker that dies mid-part is replaced and its parts rescheduled by
the Dask scheduler (up to ``distributed.scheduler.allowed-failures`` times); a part that raises is
retried ``retries`` times (Dask ``retries=``; in the local pool a broken pool is rebuilt for the
parts still open). A part that still fails is reported as status "unknown" with a conflict of kind
"executor" naming it; the other parts are kept. There is no wall-clock timeout around a task: each part
stops its own solvers at the solve's deadline (``PartInput.deadline``).

Checkpoints: each finished ``PartOutput`` with a timetable is written as JSON to
``folder/<key>.json`` as soon as it arrives, keyed by a hash of the part's input (scenario,
assignment, schools, seed, effort, solver workers; not the clock's share) and of the solver's code, so a
rerun after a crash or a lost worker solves only what is missing. A reproducible (effort) part stopped
by the clock is not kept, nor are parts without a timetable. JSON cannot run code,
so a file planted in OUT can at worst be ignored.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import functools
import hashlib
import json
import os
import tempfile
import uuid
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

from models import LessonPlacement, ResearchPlacement
from models.status import Status
from scheduler.timetable.part import Conflict, PartInput, PartOutput, solve_part

#: Environment variable naming a Dask scheduler address (like ``--dask``).
DASK_ENV = "TONGBU_DASK"
#: Retries of a part that raised (a lost worker is retried by the Dask scheduler on its own).
DEFAULT_RETRIES = 2
#: Seconds to wait for a Dask scheduler to answer before giving up.
CONNECT_TIMEOUT = "10s"

PartFunction = Callable[[PartInput], PartOutput]
Done = Callable[[PartOutput], None]


class Executor(Protocol):
    """Runs parts and calls ``done`` with each output as it finishes (in any order).

    Also a context manager: entering it acquires what it needs (a Dask connection), exiting releases it.
    """

    name: str

    def __enter__(self) -> Executor: ...

    def __exit__(self, *_exc: object) -> None: ...

    def run(self, parts: Sequence[PartInput], done: Done) -> None: ...


class ExecutorUnavailable(RuntimeError):
    """The Dask scheduler cannot be reached. Carries the message in English and Chinese."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.en = en
        self.zh = zh


# -- shipping the shared scenario once -------------------------------------------------------------
def _shared_table(parts: Sequence[PartInput]) -> tuple[list[Any], list[tuple[int, int]]]:
    """The distinct scenario and assignment objects of the parts, and each part's indices into them.

    Usually every part holds the same two objects; a re-solve (e.g. without itinerant day caps)
    may give some parts an assignment of their own.
    """
    table: list[Any] = []
    position: dict[int, int] = {}

    def index_of(obj: Any) -> int:
        if id(obj) not in position:
            position[id(obj)] = len(table)
            table.append(obj)
        return position[id(obj)]

    return table, [(index_of(p.scenario), index_of(p.assignment)) for p in parts]


def _slim(part: PartInput) -> PartInput:
    return dataclasses.replace(part, scenario=None, assignment=None)  # type: ignore[arg-type]


def _rejoin(function: PartFunction, slim: PartInput, scenario: Any, assignment: Any) -> PartOutput:
    """Runs on the worker: put the shared objects back into the part and solve it."""
    return function(dataclasses.replace(slim, scenario=scenario, assignment=assignment))


_LOCAL_TABLE: list[Any] = []  # in a pool process: the shared objects, installed once by the initializer


def _install(table: list[Any]) -> None:
    _LOCAL_TABLE[:] = table


def _run_local(function: PartFunction, slim: PartInput, where: tuple[int, int]) -> PartOutput:
    return _rejoin(function, slim, _LOCAL_TABLE[where[0]], _LOCAL_TABLE[where[1]])


# -- failures --------------------------------------------------------------------------------------
def failed_output(part: PartInput, reason: str, attempts: int) -> PartOutput:
    """A part the executor could not solve, reported as status unknown with the reason."""
    conflict = Conflict(
        kind="executor", ref=part.id,
        en=f"part {part.id} was not solved after {attempts} attempt(s): {reason}; run again to retry it "
           f"(finished parts are kept)",
        zh=f"部分 {part.id} 尝试 {attempts} 次后仍未求解：{reason}；重新运行即可重试（已完成的部分会保留）")
    return PartOutput(id=part.id, schools=part.schools, status=Status.UNKNOWN, objective=None, bound=None, gap=None,
                      conflicts=(conflict,))


def _reason(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


# -- local processes -------------------------------------------------------------------------------
class LocalExecutor:
    """``workers`` processes on this machine (in this process when one suffices).

    ``function`` is what solves a part (tests pass one that fails on purpose); it must be picklable.
    """

    name = "local"

    def __init__(self, workers: int = 2, retries: int = DEFAULT_RETRIES, function: PartFunction = solve_part) -> None:
        self.workers = max(1, workers)
        self.retries = retries
        self.function = function

    def __enter__(self) -> LocalExecutor:
        return self

    def __exit__(self, *_exc: object) -> None:
        return None

    def run(self, parts: Sequence[PartInput], done: Done) -> None:
        function = self.function
        if self.workers <= 1 or len(parts) <= 1:
            for part in parts:
                done(self._in_process(part, function))
            return
        attempts: dict[str, int] = {p.id: 0 for p in parts}
        errors: dict[str, str] = {}
        open_parts = list(parts)
        while open_parts:
            table, where = _shared_table(open_parts)
            finished: set[str] = set()
            # A worker that dies breaks the whole pool: every open part fails with BrokenProcessPool
            # and is tried again in a new pool, up to ``retries`` times.
            with concurrent.futures.ProcessPoolExecutor(max_workers=min(self.workers, len(open_parts)),
                                                        initializer=_install, initargs=(table,)) as pool:
                futures = {pool.submit(_run_local, function, _slim(part), spot): part
                           for part, spot in zip(open_parts, where)}
                for future in concurrent.futures.as_completed(futures):
                    part = futures[future]
                    try:
                        output = future.result()
                    except Exception as error:  # noqa: BLE001 - BrokenProcessPool or the part's own: per part
                        attempts[part.id] += 1
                        errors[part.id] = _reason(error)
                        continue
                    finished.add(part.id)
                    done(output)
            still = [p for p in open_parts if p.id not in finished]
            for part in still:
                if attempts[part.id] > self.retries:
                    done(failed_output(part, errors[part.id], attempts[part.id]))
            open_parts = [p for p in still if attempts[p.id] <= self.retries]

    def _in_process(self, part: PartInput, function: PartFunction) -> PartOutput:
        error: BaseException | None = None
        for _attempt in range(self.retries + 1):
            try:
                return function(part)
            except Exception as caught:  # noqa: BLE001 - reported per part
                error = caught
        assert error is not None
        return failed_output(part, _reason(error), self.retries + 1)


# -- Dask --------------------------------------------------------------------------------------------
class DaskExecutor:
    """Parts as tasks of a Dask distributed cluster: ``address`` of its scheduler, or a ``Client``.

    Used as a context manager it connects on entry (so a wrong address is reported before any
    work) and disconnects on exit; otherwise each ``run`` connects and disconnects.
    """

    name = "dask"

    def __init__(self, address: str | Any, retries: int = DEFAULT_RETRIES, function: PartFunction = solve_part) -> None:
        self.address = address
        self.retries = retries
        self.function = function
        self._connected: Any = None

    def __enter__(self) -> DaskExecutor:
        self._connected = self._connect()
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._connected is not None and self._connected is not self.address:
            self._connected.close()
        self._connected = None

    def _connect(self) -> Any:
        from distributed import Client
        from distributed.comm import get_address_host_port

        if isinstance(self.address, Client):
            return self.address
        try:
            # A malformed address is caught here: a Client that fails on one spends 20 s closing itself.
            get_address_host_port(self.address)
            return Client(self.address, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as error:
            raise ExecutorUnavailable(
                f"cannot reach the Dask scheduler at {self.address}: {_reason(error)}",
                f"无法连接 Dask 调度器 {self.address}：{_reason(error)}") from None

    def _client(self) -> tuple[Any, bool]:
        if self._connected is not None:
            return self._connected, False
        client = self._connect()
        return client, client is not self.address

    def run(self, parts: Sequence[PartInput], done: Done) -> None:
        from distributed import as_completed

        if not parts:
            return
        client, owned = self._client()
        try:
            table, where = _shared_table(parts)
            shipped = [client.scatter(obj, broadcast=True, hash=False) for obj in table]
            run_id = uuid.uuid4().hex[:8]
            futures = {}
            for rank, (part, (s, a)) in enumerate(zip(parts, where)):
                # Explicit keys: readable on the dashboard, unique per run (a rerun may change the function).
                future = client.submit(_rejoin, self.function, _slim(part), shipped[s], shipped[a],
                                       key=f"tongbu-part-{run_id}-{rank}", retries=self.retries,
                                       priority=len(parts) - rank, pure=False)
                futures[future] = part
            for future in as_completed(list(futures)):
                part = futures[future]
                try:
                    output = future.result()
                except Exception as error:  # noqa: BLE001 - KilledWorker, a part's own error: per part
                    done(failed_output(part, _reason(error), self.retries + 1))
                    continue
                done(output)
        finally:
            if owned:
                client.close()


def executor_for(dask: str | None, workers: int) -> Executor:
    """The executor the command line asks for: Dask at ``dask`` (or $TONGBU_DASK), else local processes."""
    address = dask or os.environ.get(DASK_ENV) or None
    return DaskExecutor(address) if address else LocalExecutor(workers)


# -- checkpoints -------------------------------------------------------------------------------------
def _canonical(obj: Any) -> Any:
    """A JSON-able form that does not depend on set order or on cached properties."""
    if hasattr(obj, "model_dump"):
        return _canonical(obj.model_dump(mode="json", by_alias=True))
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _canonical(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, dict):
        return sorted(([_canonical(k), _canonical(v)] for k, v in obj.items()), key=json.dumps)
    if isinstance(obj, (set, frozenset)):
        return sorted((_canonical(x) for x in obj), key=json.dumps)
    if isinstance(obj, (list, tuple)):
        return [_canonical(x) for x in obj]
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    return repr(obj)


def digest(obj: Any) -> str:
    return hashlib.sha256(json.dumps(_canonical(obj), ensure_ascii=False, sort_keys=True,
                                     separators=(",", ":")).encode()).hexdigest()


@functools.cache
def code_fingerprint() -> str:
    """The solver's code: CP-SAT's version and the source of the packages that build and solve a part.

    Read once per process, near the imports, so it stands for the code that is running.
    """
    from ortools import __version__ as ortools_version

    root = Path(__file__).resolve().parent.parent
    sha = hashlib.sha256(ortools_version.encode())
    for package in ("scheduler", "constraints", "models"):
        for path in sorted((root / package).rglob("*.py")):
            if "checks" in path.relative_to(root).parts:
                continue  # verification code does not change what a part's solve returns
            sha.update(str(path.relative_to(root)).encode())
            sha.update(path.read_bytes())
    return sha.hexdigest()


class Checkpoints:
    """Finished parts as JSON files in ``folder``, keyed by what determines them.

    JSON, not pickle: the folder lies inside OUT, where anyone who can write a file could otherwise
    make the next solve run their code. Each file repeats its key, checked on loading. Only parts with
    a timetable are kept; a part without one (impossible, out of time, lost) is solved again.
    """

    SUFFIX = ".json"

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)
        self._code: str | None = None
        self._digests: dict[int, str] = {}

    def _digest(self, obj: Any) -> str:
        if id(obj) not in self._digests:
            self._digests[id(obj)] = digest(obj)
        return self._digests[id(obj)]

    def key(self, part: PartInput) -> str:
        if self._code is None:
            self._code = code_fingerprint()
        own = {f.name: _canonical(getattr(part, f.name)) for f in dataclasses.fields(part)
               if f.name not in ("scenario", "assignment", "progress_file", "deadline", "first_deadline", "seconds")}
        text = json.dumps([self._code, self._digest(part.scenario), self._digest(part.assignment), own],
                          ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def load(self, part: PartInput) -> PartOutput | None:
        key = self.key(part)
        try:
            document = json.loads((self.folder / f"{key}{self.SUFFIX}").read_text(encoding="utf-8"))
            if document.get("key") != key:
                return None
            output = output_from_json(document["output"])
        except (OSError, ValueError, KeyError, TypeError):
            return None  # missing, half-written by a killed run, or not ours: solve the part again
        return output if output.id == part.id and output.status.found else None

    def save(self, part: PartInput, output: PartOutput) -> None:
        if not output.status.found or output.hit_wall_limit:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        key = self.key(part)
        handle, temporary = tempfile.mkstemp(prefix=".part.", dir=self.folder)
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump({"key": key, "output": output_to_json(output)}, stream, ensure_ascii=False)
        os.replace(temporary, self.folder / f"{key}{self.SUFFIX}")  # a reader sees all or nothing

    def clear(self) -> None:
        """Forget every kept part (e.g. when a solve's result failed its independent check)."""
        for path in self.folder.glob(f"*{self.SUFFIX}"):
            path.unlink(missing_ok=True)


def output_to_json(output: PartOutput) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for item in dataclasses.fields(output):
        value = getattr(output, item.name)
        if item.name in ("lessons", "research"):
            value = [x.model_dump(mode="json", by_alias=True) for x in value]
        elif item.name == "conflicts":
            value = [dataclasses.asdict(c) for c in value]
        document[item.name] = value
    return document


def output_from_json(document: dict[str, Any]) -> PartOutput:
    fields = {f.name for f in dataclasses.fields(PartOutput)}
    values = {k: v for k, v in document.items() if k in fields}
    values["schools"] = tuple(values.get("schools", ()))
    values["status"] = Status(values["status"])
    values["lessons"] = tuple(LessonPlacement.model_validate(x) for x in values.get("lessons", ()))
    values["research"] = tuple(ResearchPlacement.model_validate(x) for x in values.get("research", ()))
    values["conflicts"] = tuple(Conflict(**x) for x in values.get("conflicts", ()))
    values["penalties"] = tuple((str(name), int(value)) for name, value in values.get("penalties", ()))
    values["choices"] = tuple(tuple(int(n) for n in chosen) for chosen in values.get("choices", ()))
    values["window_choices"] = tuple(int(n) for n in values.get("window_choices", ()))
    values["kept_schools"] = tuple(values.get("kept_schools", ()))
    return PartOutput(**values)


# -- one call for scheduler.timetable.solve --------------------------------------------------------------------
def run_parts(inputs: Sequence[PartInput], executor: Executor, done: Callable[[PartOutput, bool], None],
              checkpoints: Checkpoints | None = None) -> dict[str, PartOutput]:
    """Solve ``inputs`` (largest first) with ``executor``, skipping those already in ``checkpoints``.

    ``done(output, from_checkpoint)`` sees every output, checkpointed ones first; the outputs are
    returned by part id.
    """
    outputs: dict[str, PartOutput] = {}
    by_id = {p.id: p for p in inputs}

    def finished(output: PartOutput) -> None:
        outputs[output.id] = output
        if checkpoints is not None and output.id in by_id:
            checkpoints.save(by_id[output.id], output)
        done(output, False)

    open_parts = []
    for part in _largest_first(inputs):
        kept = checkpoints.load(part) if checkpoints is not None else None
        if kept is None:
            open_parts.append(part)
        else:
            outputs[part.id] = kept
            done(kept, True)
    executor.run(open_parts, finished)
    for part in inputs:  # an executor that lost a part without saying so still gets it reported
        if part.id not in outputs:
            finished(failed_output(part, "no result came back", 1))
    return outputs


def _largest_first(inputs: Iterable[PartInput]) -> list[PartInput]:
    return sorted(inputs, key=lambda p: (-len(p.schools), p.id))
