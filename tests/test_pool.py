"""The worker pool: long-lived workers, one file at a time, isolated per file."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from jixiao.batch import pool
from jixiao.batch.pool import Stopped, map_isolated
from jixiao.pipeline.discover import InputFile

pytestmark = pytest.mark.skipif(not pool.CAN_ISOLATE, reason="needs fork")


def _files(names: list[str]) -> list[InputFile]:
    return [InputFile(Path(name), name) for name in names]


def _pid(file: InputFile) -> tuple[str, int]:
    if "crash" in file.name:
        os.kill(os.getpid(), signal.SIGKILL)
    return file.name, os.getpid()


def _stopped(stop: Stopped) -> tuple[str, int]:
    return stop.file.name, -1 if stop.status == "crashed" else -2


def test_one_worker_reads_every_file_in_one_process() -> None:
    results = list(map_isolated(_files(list("abcde")), _pid, _stopped, workers=1, time_limit=5))
    assert [name for name, _ in results] == list("abcde")
    pids = {pid for _, pid in results}
    assert len(pids) == 1
    assert os.getpid() not in pids


def test_a_worker_is_replaced_after_its_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool, "FILES_PER_WORKER", 2)
    results = list(map_isolated(_files(list("abcde")), _pid, _stopped, workers=1, time_limit=5))
    pids = [pid for _, pid in results]
    assert [name for name, _ in results] == list("abcde")
    assert pids[0] == pids[1] != pids[2] == pids[3] != pids[4]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_crash_loses_only_its_file(workers: int) -> None:
    names = ["a", "crash", "b", "c"]
    results = dict(map_isolated(_files(names), _pid, _stopped, workers=workers, time_limit=5))
    assert set(results) == set(names)
    assert results["crash"] == -1
    assert all(results[name] > 0 for name in ("a", "b", "c"))


def test_workers_ignore_ctrl_c() -> None:
    """Ctrl-C is the parent's to handle: a worker it reaches goes on with its file."""

    def sigint(file: InputFile) -> tuple[str, int]:
        os.kill(os.getpid(), signal.SIGINT)  # as a terminal sends it to every process
        return file.name, os.getpid()

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        results = list(map_isolated(_files(["a", "b"]), sigint, _stopped, workers=1, time_limit=5))
    finally:
        signal.signal(signal.SIGINT, previous)
    assert [name for name, _ in results] == ["a", "b"]
    assert all(pid > 0 for _, pid in results)
