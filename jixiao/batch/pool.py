"""Run the unit of work in child processes: one forked process per file, killed at its time limit.

:func:`map_isolated` keeps up to ``workers`` children running and yields each file's result as
it finishes (completion order; the caller sorts). A child runs the work — in a local batch,
:func:`~jixiao.pipeline.runner.file_to_result` and writing the file's parts — pickles its return
value into a pipe and exits, so a file cannot leak memory or state into the next one. A child still
running at the time limit is killed (status ``timeout``); a child that dies without a result (a
crash in a C library, the out-of-memory killer) is status ``crashed``; either way the caller's
``stopped`` function turns it into a result, one ``file_error`` row (:func:`stopped_result`).

Children are made with ``os.fork``: cheap (a few ms, the libraries are already imported) and
usable inside a Dask worker, which may not start ``multiprocessing`` children. Where there is
no ``fork`` (Windows) files are read in this process, without a time limit.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import selectors
import signal
import time
from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar, cast

from jixiao.pipeline.runner import FileResult, InputFile, file_to_result, stopped_file_result
from jixiao.score import Policy

CAN_ISOLATE = hasattr(os, "fork")
_CHILD_FAILED = 70  # exit code of a child whose work raised (file_to_result never should)

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Stopped:
    """A file whose child gave no result: ``status`` ``timeout`` or ``crashed``, and why."""

    file: InputFile
    status: str
    message: str
    seconds: float


@dataclass(slots=True)
class _Child:
    """A running child (internal, mutable: it collects the pickled result as it arrives)."""

    file: InputFile
    pid: int
    fd: int
    started: float
    chunks: list[bytes] = field(default_factory=list)


def map_isolated(
    files: Iterable[InputFile],
    work: Callable[[InputFile], R],
    stopped: Callable[[Stopped], R],
    *,
    workers: int,
    time_limit: float | None,
) -> Generator[R, None, None]:
    """``work(file)`` for every file, each in its own child, at most ``workers`` at a time.

    Results come in the order the children finish. A child past ``time_limit`` seconds is
    killed, and a child that dies without a result is reported: both give ``stopped(...)``.
    Close the iterator (or let an exception pass through it) to kill the running children.
    """
    if not CAN_ISOLATE:
        yield from map(work, files)
        return
    pending = iter(files)
    running: dict[int, _Child] = {}
    selector = selectors.DefaultSelector()
    try:
        while True:
            while len(running) < workers and (file := next(pending, None)) is not None:
                child = _fork(file, work)
                running[child.fd] = child
                selector.register(child.fd, selectors.EVENT_READ)
            if not running:
                return
            finished = []
            for key, _ in selector.select(_wait(running.values(), time_limit)):
                child = running[key.fd]
                chunk = os.read(key.fd, 1 << 20)
                if chunk:
                    child.chunks.append(chunk)
                else:
                    finished.append(child)
            now = time.monotonic()
            expired = [
                c
                for c in running.values()
                if c not in finished and time_limit is not None and now - c.started > time_limit
            ]
            for child in finished + expired:
                selector.unregister(child.fd)
                del running[child.fd]
            for child in finished:
                yield _collect(child, stopped)
            for child in expired:
                _kill(child)
                yield stopped(_timed_out(child, time_limit or 0.0))
    finally:
        for child in running.values():
            _kill(child)
        selector.close()


def guarded_file_to_result(
    file: InputFile, policies: Sequence[Policy], time_limit: float | None
) -> FileResult:
    """:func:`~jixiao.pipeline.runner.file_to_result` in a child process with a time limit
    (a Dask task)."""
    work = _Reader(tuple(policies))
    return next(map_isolated([file], work, stopped_result, workers=1, time_limit=time_limit))


def stopped_result(stop: Stopped) -> FileResult:
    """The one-``file_error``-row result of a stopped file."""
    sha256, size = hash_file(stop.file.path)
    return stopped_file_result(
        stop.file,
        status=stop.status,
        message=stop.message,
        sha256=sha256,
        size=size,
        seconds=stop.seconds,
    )


@dataclass(frozen=True, slots=True)
class _Reader:
    """``file_to_result`` with the policies bound (a picklable stand-in for functools.partial)."""

    policies: tuple[Policy, ...]

    def __call__(self, file: InputFile) -> FileResult:
        return file_to_result(file, self.policies)


def hash_file(path: Path) -> tuple[str, int]:
    """SHA-256 and size of a file ('' and 0 when it cannot be read)."""
    digest = hashlib.sha256()
    size = 0
    try:
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
                size += len(block)
    except OSError:
        return "", 0
    return digest.hexdigest(), size


def _fork(file: InputFile, work: Callable[[InputFile], object]) -> _Child:
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 0
        try:
            os.close(read_fd)
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
            data = pickle.dumps(work(file), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_fd, "wb") as out:
                out.write(data)
        except BaseException:  # whatever happens, the child must exit here
            code = _CHILD_FAILED
        finally:
            os._exit(code)
    os.close(write_fd)
    return _Child(file, pid, read_fd, time.monotonic())


def _wait(children: Iterable[_Child], time_limit: float | None) -> float | None:
    """Seconds until the first child reaches the time limit (None: no limit)."""
    if time_limit is None:
        return None
    first = min(c.started for c in children)
    return max(0.0, first + time_limit - time.monotonic()) + 0.01


def _collect(child: _Child, stopped: Callable[[Stopped], R]) -> R:
    os.close(child.fd)
    _, status = os.waitpid(child.pid, 0)
    data = b"".join(child.chunks)
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 and data:
        try:
            return cast(R, pickle.loads(data))
        except Exception:  # a torn result is reported as a crash below
            status = -1
    how = _describe_exit(status) if status != -1 else "结果不完整"
    return stopped(
        Stopped(
            child.file,
            "crashed",
            f"处理文件的子进程异常退出（{how}），文件未能读取",
            time.monotonic() - child.started,
        )
    )


def _kill(child: _Child) -> None:
    with contextlib.suppress(ProcessLookupError, ChildProcessError):
        os.kill(child.pid, signal.SIGKILL)
        os.waitpid(child.pid, 0)
    with contextlib.suppress(OSError):
        os.close(child.fd)


def _timed_out(child: _Child, limit: float) -> Stopped:
    return Stopped(
        child.file,
        "timeout",
        f"处理超时：超过单文件时间限制 {limit:g} 秒，已中止（可用 --file-timeout 调整）",
        time.monotonic() - child.started,
    )


def _describe_exit(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            return f"信号 {signal.Signals(number).name}"
        except ValueError:
            return f"信号 {number}"
    return f"退出码 {os.WEXITSTATUS(status)}"
