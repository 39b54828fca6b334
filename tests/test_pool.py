"""The worker pool: long-lived workers, one file at a time, isolated per file."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from jixiao.batch import pool
from jixiao.batch.pool import Stopped, map_isolated
from jixiao.core.pipes import widen
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


# -- the next file sent ahead ------------------------------------------------------------------


def _small_files(folder: Path, names: list[str], size: int = 10) -> list[InputFile]:
    """Files that exist, small enough to be sent ahead (unlike ``_files``' missing ones)."""
    for name in names:
        (folder / name).write_bytes(b"x" * size)
    return [InputFile(folder / name, name) for name in names]


def _slow(file: InputFile) -> tuple[str, int]:
    if "slow" in file.name:
        time.sleep(3)
    return _pid(file)


def test_a_small_next_file_is_sent_ahead_and_read_by_the_same_worker(tmp_path: Path) -> None:
    files = _small_files(tmp_path, list("abcde"))
    results = list(map_isolated(files, _pid, _stopped, workers=1, time_limit=5))
    assert [name for name, _ in results] == list("abcde")
    assert len({pid for _, pid in results}) == 1


def test_results_that_arrive_together_are_all_taken(tmp_path: Path) -> None:
    """The parent is slow (it sleeps on each result) while its worker reads the files sent
    ahead: several results wait in the pipe and come in one read; none is left behind."""
    results = []
    for result in map_isolated(_small_files(tmp_path, list("abcdef")), _pid, _stopped,
                               workers=1, time_limit=2):  # fmt: skip
        results.append(result)
        time.sleep(0.1)
    assert [name for name, _ in results] == list("abcdef")
    assert all(pid > 0 for _, pid in results)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_crash_gives_back_the_file_sent_ahead(tmp_path: Path, workers: int) -> None:
    names = ["a", "crash", "b", "c", "d", "e", "f", "g"]
    files = _small_files(tmp_path, names)
    results = dict(map_isolated(files, _pid, _stopped, workers=workers, time_limit=5))
    assert set(results) == set(names)
    assert results["crash"] == -1
    assert all(results[name] > 0 for name in names if name != "crash")


def test_a_timeout_gives_back_the_file_sent_ahead(tmp_path: Path) -> None:
    names = ["a", "slow", "b", "c", "d", "e", "f", "g"]
    results = dict(map_isolated(_small_files(tmp_path, names), _slow, _stopped, workers=1,
                                time_limit=1))  # fmt: skip
    assert results["slow"] == -2
    assert all(results[name] > 0 for name in names if name != "slow")
    assert results["a"] != results["b"] == results["g"]  # a fresh worker took b and the rest


def test_a_retiring_worker_gives_back_the_file_sent_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pool, "FILES_PER_WORKER", 3)
    files = _small_files(tmp_path, list("abcdefgh"))
    results = list(map_isolated(files, _pid, _stopped, workers=1, time_limit=5))
    pids = [pid for _, pid in results]
    assert [name for name, _ in results] == list("abcdefgh")
    assert pids[0] == pids[2] != pids[3] == pids[5] != pids[6] == pids[7]


def test_a_big_next_file_waits_for_its_worker(tmp_path: Path) -> None:
    """Only a small file is sent ahead: a big one queued behind a slow file could wait while
    another worker idles."""
    small, big, after = _small_files(tmp_path, ["a", "b", "c"])
    (tmp_path / "b").write_bytes(b"x" * (pool.QUEUE_AHEAD_BYTES + 1))
    read, write = os.pipe()
    try:
        worker = pool._Worker(pid=0, tasks=write, results=read)
        pending = pool._Pending([small, big, after])
        pool._give(worker, pending, 1)
        assert (worker.file, list(worker.queued), list(pending)) == (small, [], [big, after])
        worker.file = None
        pool._give(worker, pending, 1)
        assert (worker.file, list(worker.queued), list(pending)) == (big, [after], [])
    finally:
        os.close(read)
        os.close(write)


@pytest.mark.parametrize(
    ("pending", "workers", "queued"),
    [(40, 1, 16), (10, 1, 10), (20, 8, 2), (7, 8, 0), (40, 2, 16), (12, 0, 0)],
)
def test_files_sent_ahead_are_at_most_a_workers_share(
    tmp_path: Path, pending: int, workers: int, queued: int
) -> None:
    """A worker gets its file, then small files sent ahead: at most QUEUE_AHEAD_FILES, and
    no more than its share of what is left, so the last files of a run are spread."""
    files = pool._Pending(_small_files(tmp_path, [f"f{i}" for i in range(pending + 1)]))
    read, write = os.pipe()
    widen(write, pool.RESULT_PIPE_BYTES)
    try:
        worker = pool._Worker(pid=0, tasks=write, results=read)
        pool._give(worker, files, workers)
        assert worker.file is not None
        assert len(worker.queued) == queued
    finally:
        os.close(read)
        os.close(write)


def test_a_result_pipe_holds_the_results_of_the_files_sent_ahead() -> None:
    fcntl = pytest.importorskip("fcntl")
    if not hasattr(fcntl, "F_GETPIPE_SZ"):
        pytest.skip("pipe sizes are Linux's")
    read, write = os.pipe()
    try:
        widen(write, pool.RESULT_PIPE_BYTES)
        assert fcntl.fcntl(write, fcntl.F_GETPIPE_SZ) == pool.RESULT_PIPE_BYTES
    finally:
        os.close(read)
        os.close(write)
