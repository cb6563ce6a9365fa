"""Province parts on a Dask LocalCluster (2 worker processes, 1 thread each): the same bytes as local
processes, verified; a worker killed mid-part loses nothing; a rerun solves only the parts that have
no checkpoint."""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

import pytest

cloudpickle = pytest.importorskip("cloudpickle")
distributed = pytest.importorskip("distributed")

from bench.province import build_province  # noqa: E402
from constraints.checks import verify  # noqa: E402
from scheduler.executor import Checkpoints, DaskExecutor, LocalExecutor  # noqa: E402
from scheduler.timetable.part import PartInput, PartOutput, solve_part  # noqa: E402
from scheduler.timetable.solve import _part_inputs, solve_scenario  # noqa: E402
from models.solution import solution_json

# 6 consortia of 3 schools (grades 1-2): each part needs about 0.3 deterministic seconds for a first
# timetable; 0.6 per part keeps the file well under a minute on two cores.
EFFORT = 0.6  # deterministic seconds: reproducible, so local and Dask give the same bytes
TIME_LIMIT = 600.0
SEED = 5
WORKERS = 2

# The part functions below run in the cluster's worker processes, which cannot import this test
# module by name: ship it by value.
cloudpickle.register_pickle_by_value(sys.modules[__name__])


class KillWorkerOnce:
    """Solve parts, but the first time ``victim`` arrives, kill the worker process running it."""

    def __init__(self, marker: Path, victim: str) -> None:
        self.marker, self.victim = str(marker), victim

    def __call__(self, part: PartInput) -> PartOutput:
        if part.id == self.victim and not os.path.exists(self.marker):
            Path(self.marker).write_text(str(os.getpid()))
            os._exit(1)  # as a crash or the OOM killer would: no exception, no cleanup
        return solve_part(part)


class RecordCalls:
    """Solve parts and leave one file per call in ``folder`` (calls happen in other processes)."""

    def __init__(self, folder: Path) -> None:
        self.folder = str(folder)

    def __call__(self, part: PartInput) -> PartOutput:
        Path(self.folder, f"{uuid.uuid4().hex}.call").write_text(part.id, encoding="utf-8")
        return solve_part(part)


def calls(folder: Path) -> list[str]:
    return sorted(p.read_text(encoding="utf-8") for p in folder.glob("*.call"))


class FailAlways:
    def __call__(self, part: PartInput) -> PartOutput:
        raise RuntimeError(f"no solver for {part.id}")


def test_local_pool_survives_a_killed_process(tmp_path):
    """The default executor: a pool process that dies takes the pool down; the open parts run again.

    First in the file, so the pool forks this process before any cluster thread exists.
    """
    tiny = build_province(counties=1, consortia=2, seed=SEED, grades=(1,), villages=(1, 1))
    parts = _part_inputs(tiny, SEED, TIME_LIMIT, WORKERS, EFFORT)
    marker = tmp_path / "killed"
    outputs: list[PartOutput] = []
    LocalExecutor(workers=2, function=KillWorkerOnce(marker, parts[1].id)).run(parts, outputs.append)
    assert marker.exists()
    assert sorted(o.id for o in outputs) == sorted(p.id for p in parts)
    assert all(o.status in ("optimal", "feasible") and o.lessons for o in outputs)


@pytest.fixture(scope="module")
def province():
    return build_province(counties=2, consortia=3, seed=SEED, grades=(1, 2), villages=(1, 1))


@pytest.fixture(scope="module")
def local_result(province):
    # Before any cluster exists: the local pool forks this process.
    return solve_scenario(province, time_limit=TIME_LIMIT, effort=EFFORT, seed=SEED, workers=WORKERS)


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster:
        with distributed.Client(cluster) as connected:
            yield connected


@pytest.fixture(scope="module")
def dask_run(local_result, client, province, tmp_path_factory):
    """The province through Dask, one worker killed while solving the largest part."""
    folder = tmp_path_factory.mktemp("dask")
    victim = _part_inputs(province, SEED, TIME_LIMIT, WORKERS, EFFORT)[0].id
    marker = folder / "killed"
    workers_before = set(client.run(os.getpid).values())
    checkpoints = folder / "parts"
    executor = DaskExecutor(client, function=KillWorkerOnce(marker, victim))
    result = solve_scenario(province, time_limit=TIME_LIMIT, effort=EFFORT, seed=SEED, workers=WORKERS, executor=executor,
                            checkpoints=Checkpoints(checkpoints))
    return result, marker, victim, workers_before, checkpoints


def test_dask_equals_local_and_survives_a_killed_worker(local_result, dask_run, province, client):
    result, marker, victim, workers_before, _checkpoints = dask_run
    assert local_result.status in ("optimal", "feasible")
    assert marker.exists(), "the victim part never ran"
    assert int(marker.read_text()) in workers_before
    assert int(marker.read_text()) not in client.run(os.getpid).values(), "the worker was not replaced"
    assert result.status in ("optimal", "feasible")
    assert {p.id for p in result.parts} == {p.id for p in local_result.parts}
    assert next(p for p in result.parts if p.id == victim).status in ("optimal", "feasible")
    assert solution_json(result.solution) == solution_json(local_result.solution)
    assert verify(province, result.solution) == []


def test_rerun_resumes_from_checkpoints(dask_run, client, province, tmp_path):
    first, _marker, _victim, _before, checkpoints = dask_run
    saved = sorted(checkpoints.glob("*.json"))
    assert len(saved) == len(first.parts)  # each part's timetable (found and improved in one go)

    def rerun() -> tuple:
        record = tmp_path / uuid.uuid4().hex
        record.mkdir()
        executor = DaskExecutor(client, function=RecordCalls(record))
        result = solve_scenario(province, time_limit=TIME_LIMIT, effort=EFFORT, seed=SEED, workers=WORKERS, executor=executor,
                                checkpoints=Checkpoints(checkpoints))
        return result, calls(record)

    again, solved = rerun()
    assert solved == []
    assert solution_json(again.solution) == solution_json(first.solution)

    parts = _part_inputs(province, SEED, TIME_LIMIT, WORKERS, EFFORT)
    by_key = {Checkpoints(checkpoints).key(p): p.id for p in parts}
    lost = [checkpoints / f"{key}.json" for key in sorted(by_key)[:2]]
    for path in lost:
        path.unlink()
    again, solved = rerun()
    # The lost parts are solved again: the same timetables (reproducible effort).
    assert solved == sorted(by_key[p.stem] for p in lost)
    assert solution_json(again.solution) == solution_json(first.solution)


def test_checkpoint_key_follows_seed_and_budget(province):
    parts = _part_inputs(province, SEED, TIME_LIMIT, WORKERS, EFFORT)
    store = Checkpoints("unused")
    other_seed = _part_inputs(province, SEED + 1, TIME_LIMIT, WORKERS, EFFORT)
    other_budget = _part_inputs(province, SEED, TIME_LIMIT, WORKERS, EFFORT * 2)
    keys = {store.key(p) for p in parts}
    assert len(keys) == len(parts)
    assert keys.isdisjoint(store.key(p) for p in other_seed)
    assert keys.isdisjoint(store.key(p) for p in other_budget)
    # A fresh store (as in a new process) computes the same keys.
    assert keys == {Checkpoints("unused").key(p) for p in _part_inputs(province, SEED, TIME_LIMIT, WORKERS, EFFORT)}


def test_failing_parts_are_reported_per_part(province):
    parts = _part_inputs(province, SEED, TIME_LIMIT, WORKERS, EFFORT)[:2]
    outputs: list[PartOutput] = []
    LocalExecutor(workers=1, retries=1, function=FailAlways()).run(parts, outputs.append)
    assert [o.id for o in outputs] == [p.id for p in parts]
    for output in outputs:
        assert output.status == "unknown"
        assert [c.kind for c in output.conflicts] == ["executor"]
        assert f"no solver for {output.id}" in output.conflicts[0].en and "2 attempt" in output.conflicts[0].en


def test_cli_solve_on_dask_resumes_and_publishes(dask_run, local_result, province, client, tmp_path):
    """``tongbu solve --dask ADDRESS``: a scenario folder whose parts are all in OUT/.parts (from the run
    above: the keys survive writing and reading the folder) publishes the local result's bytes, and
    publishing leaves no checkpoints behind."""
    import shutil

    from click.testing import CliRunner

    from cli import main
    from scheduler.service import PARTS_FOLDER
    from models.files import write_scenario
    from models.solution import solution_json as published_json

    folder, out = tmp_path / "province", tmp_path / "out"
    folder.mkdir()
    write_scenario(province, folder)
    shutil.copytree(dask_run[4], out / PARTS_FOLDER)
    result = CliRunner().invoke(main, ["--lang", "en", "solve", str(folder), "--out", str(out), "--seed", str(SEED),
                                       "--effort", str(EFFORT), "--workers", str(WORKERS),
                                       "--dask", client.scheduler.address])
    assert result.exit_code == 0, result.output
    assert (out / "solution.json").read_text(encoding="utf-8") == published_json(local_result.solution)
    assert not (out / PARTS_FOLDER).exists()


def test_cli_bad_dask_address_is_a_user_error(tmp_path):
    from click.testing import CliRunner

    from cli import main
    from models.files import write_scenario

    folder = tmp_path / "county"
    folder.mkdir()
    write_scenario(build_province(counties=1, consortia=1, seed=SEED, grades=(1,), villages=(1, 1)), folder)
    result = CliRunner(env={"TONGBU_DASK": "nowhere"}).invoke(main, ["--lang", "en", "solve", str(folder), "--out",
                                                                     str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "cannot reach the Dask scheduler at nowhere" in result.output
    assert not (tmp_path / "out").exists()
