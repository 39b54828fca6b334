"""Work done in a forked child beside other work (the report beside the combined outputs,
#26): done once, by the child where it can; what the child could not do is done here and
raises here; no child where another thread runs."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from jixiao.batch.beside import Beside

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


@pytest.fixture
def alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """This process taken to run no other thread: a thread an earlier test in the same
    process left (Dask keeps its offload thread for the life of the process) is not these
    tests' subject."""
    monkeypatch.setattr(threading, "active_count", lambda: 1)


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"{text} {os.getpid()}\n")


def test_the_child_does_the_work_once(tmp_path: Path, alone: None) -> None:
    log = tmp_path / "log"
    beside = Beside.start(lambda: _append(log, "done"))
    assert beside._pid is not None
    beside.join()
    beside.finish()
    beside.finish()
    (line,) = log.read_text(encoding="utf-8").splitlines()
    assert line.split()[1] != str(os.getpid())  # written by the child


def test_what_the_child_could_not_do_is_done_here_and_raises_here(
    tmp_path: Path, alone: None
) -> None:
    log = tmp_path / "log"

    def fails() -> None:
        _append(log, "tried")
        raise OSError("disk full")

    beside = Beside.start(fails)
    beside.join()
    with pytest.raises(OSError, match="disk full"):
        beside.finish()
    pids = [line.split()[1] for line in log.read_text(encoding="utf-8").splitlines()]
    assert len(pids) == 2
    assert pids[1] == str(os.getpid())


def test_no_child_where_another_thread_runs(tmp_path: Path) -> None:
    log = tmp_path / "log"
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        beside = Beside.start(lambda: _append(log, "done"))
        assert beside._pid is None
        beside.finish()
    finally:
        stop.set()
        thread.join()
    assert log.read_text(encoding="utf-8").split()[1] == str(os.getpid())


def test_a_child_that_is_killed_is_done_here(tmp_path: Path, alone: None) -> None:
    log = tmp_path / "log"
    gate = tmp_path / "gate"

    def slow() -> None:
        while not gate.exists():
            pass
        _append(log, "done")

    beside = Beside.start(slow)
    assert beside._pid is not None
    os.kill(beside._pid, 9)  # before the gate opens: it has done nothing
    gate.touch()
    beside.finish()
    (line,) = log.read_text(encoding="utf-8").splitlines()
    assert line.split()[1] == str(os.getpid())
