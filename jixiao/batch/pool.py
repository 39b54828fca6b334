"""Run the unit of work in worker processes: long-lived, isolated per file, killed at a time limit.

:func:`map_isolated` keeps up to ``workers`` worker processes and gives each one file at a time;
it yields each file's result as it finishes (completion order; the caller sorts). A worker runs
the work — in a local batch, :func:`~jixiao.pipeline.runner.file_to_result` — pickles its return
value into a pipe and reads the next file, so the cost per file is two small messages, not a
process. Small next files (up to :data:`QUEUE_AHEAD_FILES` of :data:`QUEUE_AHEAD_BYTES` or less)
are sent before the worker finishes the one it reads: it reads on while the parent handles a
result, writes a part or loads what the outputs need. Isolation stays per file: a worker still
busy with a file at the time limit is killed (status ``timeout``; the limit runs from when the
parent sees the worker begin the file); a worker that dies during a file (a crash in a C
library, the out-of-memory killer) is status ``crashed``; either way only that file is lost,
the caller's ``stopped`` function turns it into a result (one ``file_error`` row,
:func:`stopped_result`), the files sent ahead to that worker go back in the queue, and a fresh
worker takes the next file. A worker retires after :data:`FILES_PER_WORKER` files or when it
has grown by :data:`WORKER_GROWTH_MB` (a library that leaks cannot grow without bound).

Workers are made with ``os.fork`` from the warmed-up parent (the libraries already imported),
with Ctrl-C blocked across the fork: a Ctrl-C that arrives while a worker is being made is
delivered to the parent right after (never half-way through the fork handlers, where it could
leave a lock taken), and workers ignore it (Ctrl-C is the parent's to handle). ``fork`` also
works inside a Dask worker, which may not start ``multiprocessing`` children. Where there is no
``fork`` (Windows) files are read in this process, without a time limit.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
import selectors
import signal
import struct
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar, cast

from jixiao.batch.limits import WORKER_MEMORY_VARIABLE, limit_worker_memory, worker_memory_mb
from jixiao.core.pipes import read_exactly, widen, write_all
from jixiao.pipeline.runner import FileResult, InputFile, file_to_result, stopped_file_result
from jixiao.score import Policy

CAN_ISOLATE = hasattr(os, "fork")
FILES_PER_WORKER = 500  # a worker is replaced after this many files
WORKER_GROWTH_MB = 512  # … or when its resident memory grew by this much since it started
#: A worker's next files are sent ahead, while it reads its current one, when they are at most
#: this big: a small file is read in milliseconds. A big one is not: queued behind a slow file,
#: it would wait while another worker idles.
QUEUE_AHEAD_BYTES = 256 * 1024
#: … up to this many: their time covers a step of the parent's work (the largest, loading
#: numpy, ~0.1 s), and their results fit in the result pipe (:data:`RESULT_PIPE_BYTES`).
QUEUE_AHEAD_FILES = 16
#: The size asked for a worker's result pipe (Linux; 64 kB by default, 4 or 5 results of a
#: one-table file): a worker that reads ahead need not wait for the parent to take its results.
RESULT_PIPE_BYTES = 1 << 20
_CHILD_FAILED = 70  # exit code of a worker whose work raised (file_to_result never should)
_HEADER = struct.Struct("!QB")  # result message: length of the pickle, 1 if the worker retires

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Stopped:
    """A file whose worker gave no result: ``status`` ``timeout`` or ``crashed``, and why."""

    file: InputFile
    status: str
    message: str
    seconds: float


@dataclass(slots=True)
class _Worker:
    """A worker process as the parent sees it (internal, mutable)."""

    pid: int
    tasks: int  # write end of its task pipe
    results: int  # read end of its result pipe
    file: InputFile | None = None  # the file it is reading, None when idle
    queued: deque[InputFile] = field(default_factory=deque)  # sent ahead, read next in order
    started: float = 0.0
    buffer: bytearray = field(default_factory=bytearray)
    retiring: bool = False


class _Pending:
    """The files no worker has yet: those given back (a worker's files sent ahead, when it
    retires or dies) first, then the rest of the run's files from where it has got to. The
    files are taken from the run's sequence as they are given, not copied into a queue: a
    sequence that makes each file when it is read (:class:`~jixiao.batch.columns.InputFiles`)
    holds no object per file."""

    __slots__ = ("_back", "_files", "_next")

    def __init__(self, files: Iterable[InputFile]) -> None:
        self._files: Sequence[InputFile] = files if isinstance(files, Sequence) else list(files)
        self._next = 0
        self._back: deque[InputFile] = deque()

    def __len__(self) -> int:
        return len(self._back) + len(self._files) - self._next

    def __iter__(self) -> Iterator[InputFile]:
        """The files in the order they will be given (the sequence's made as they are read)."""
        yield from self._back
        for index in range(self._next, len(self._files)):
            yield self._files[index]

    def first(self) -> InputFile:
        """The file :meth:`popleft` gives next."""
        return self._back[0] if self._back else self._files[self._next]

    def popleft(self) -> InputFile:
        if self._back:
            return self._back.popleft()
        file = self._files[self._next]
        self._next += 1
        return file

    def extendleft(self, files: Iterable[InputFile]) -> None:
        """Give ``files`` back, each before the one given back before it (as a deque's)."""
        self._back.extendleft(files)


def map_isolated(
    files: Iterable[InputFile],
    work: Callable[[InputFile], R],
    stopped: Callable[[Stopped], R],
    *,
    workers: int,
    time_limit: float | None,
    started: Callable[[], object] | None = None,
    idle: Callable[[], bool] | None = None,
) -> Generator[R, None, None]:
    """``work(file)`` for every file in worker processes, at most ``workers`` at a time.

    Results come in the order the files finish. A file still running after ``time_limit``
    seconds has its worker killed, and a worker that dies during a file is reported: both give
    ``stopped(...)``. Close the iterator (or let an exception pass through it) to stop the
    workers. ``started`` is called once, when the first workers have their files: what this
    process does then (loading the libraries the outputs need) runs beside their reading.
    ``idle`` is called while the workers read and no result is waiting, again and again until
    it says it has nothing left to do (False): small pieces of the caller's work (drawing
    report cards) that must not keep a worker waiting for its next file.
    """
    if not CAN_ISOLATE:
        if started is not None:
            started()
        yield from map(work, files)
        return
    pending = _Pending(files)
    pool: dict[int, _Worker] = {}  # by result fd
    selector = selectors.DefaultSelector()
    try:
        while True:
            for worker in list(pool.values()):
                if worker.file is None and worker.retiring:
                    _retire(worker, pool, selector)
            while len(pool) < min(workers, len(pending) + _busy(pool)):
                worker = _spawn(work, pool.values())
                pool[worker.results] = worker
                selector.register(worker.results, selectors.EVENT_READ)
            for worker in pool.values():  # a file each first, then some sent ahead
                _give(worker, pending, 0)
            for worker in pool.values():
                _give(worker, pending, len(pool))
            if started is not None:
                call, started = started, None
                call()
            if not _busy(pool):
                return
            ready = selector.select(0) if idle is not None else []
            while not ready and idle is not None and idle():
                ready = selector.select(0)
            ready = ready or selector.select(_wait(pool.values(), time_limit))
            now = time.monotonic()
            for key, _ in ready:
                worker = pool[key.fd]
                chunk = os.read(key.fd, 1 << 20)
                if not chunk:
                    yield from _died(worker, pool, selector, stopped, pending)
                    continue
                worker.buffer += chunk
                while (message := _take_message(worker)) is not None:
                    _next_file(worker, pending, now, len(pool))  # first: it reads on meanwhile
                    yield cast(R, pickle.loads(message))
            for worker in list(pool.values()):
                if worker.file is not None and _expired(worker, now, time_limit):
                    file, seconds = worker.file, now - worker.started
                    _kill(worker, pool, selector)
                    _requeue(worker, pending)
                    yield stopped(_timed_out(file, time_limit or 0.0, seconds))
    finally:
        for worker in list(pool.values()):
            _kill(worker, pool, selector)
        selector.close()


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
        found=crash_text() if stop.status == "crashed" else "",
    )


def crash_text() -> str:
    """What may have stopped a worker that died: its memory ceiling, when workers have one
    (a ``MemoryError`` the worker could not even report), and how to raise it."""
    try:
        allowance = worker_memory_mb()
    except ValueError:
        return ""
    if not allowance:
        return ""
    return (
        f"the worker stopped; workers have a memory ceiling of {allowance} MB beyond their start "
        f"({WORKER_MEMORY_VARIABLE}; 0: no ceiling): a file that needs more stops its worker"
    )


@dataclass(frozen=True, slots=True)
class Reader:
    """``file_to_result`` with its settings bound (a picklable stand-in for functools.partial);
    ``material``: make each table's report material too; ``render_ahead``: its page images
    beside the scoring, in a child of the worker (for workers made here, when a core is spare:
    :func:`spare_cores`)."""

    policies: tuple[Policy, ...]
    material: bool = False
    render_ahead: bool = False

    def __call__(self, file: InputFile) -> FileResult:
        return file_to_result(
            file, self.policies, material=self.material, render_ahead=self.render_ahead
        )


def spare_cores(workers: int) -> int:
    """The cores this process may use that ``workers`` worker processes leave free."""
    usable = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    return max((len(usable) if usable else os.cpu_count() or 1) - workers, 0)


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


# -- the parent's side ---------------------------------------------------------------------------


def _busy(pool: dict[int, _Worker]) -> int:
    return sum(1 for w in pool.values() if w.file is not None)


def _give(worker: _Worker, pending: _Pending, workers: int) -> None:
    """An idle worker its next file, and small files after it (:data:`QUEUE_AHEAD_BYTES`) up
    to :data:`QUEUE_AHEAD_FILES` and to its share of ``pending`` among ``workers`` (none for
    0): the last files of a run are not held by one worker while the others idle. Nothing to
    a worker that retires."""
    if worker.retiring or not pending:
        return
    if worker.file is None:
        worker.file, worker.started = pending.popleft(), time.monotonic()
        _send(worker, worker.file)
    while (
        workers
        and pending
        and len(worker.queued) < min(QUEUE_AHEAD_FILES, _share(worker, pending, workers))
        and _small(pending.first())
    ):
        worker.queued.append(pending.popleft())
        _send(worker, worker.queued[-1])


def _share(worker: _Worker, pending: _Pending, workers: int) -> int:
    """A worker's share of the files not yet being read, those sent ahead to it included."""
    return (len(pending) + len(worker.queued)) // workers


def _next_file(worker: _Worker, pending: _Pending, now: float, workers: int) -> None:
    """After a worker's result: the first file sent ahead is the one it reads now (one that
    retires never reads them: back to the front of ``pending``), and more are given."""
    if worker.retiring:
        _requeue(worker, pending)
    elif worker.queued:
        worker.file, worker.started = worker.queued.popleft(), now
    _give(worker, pending, workers)


def _requeue(worker: _Worker, pending: _Pending) -> None:
    """The files sent ahead to a worker that will not read them, back to the front of
    ``pending`` in their order."""
    pending.extendleft(reversed(worker.queued))
    worker.queued.clear()


def _small(file: InputFile) -> bool:
    try:
        return file.path.stat().st_size <= QUEUE_AHEAD_BYTES
    except OSError:
        return False  # its worker will say what is wrong with it


def _send(worker: _Worker, file: InputFile) -> None:
    data = pickle.dumps(file, protocol=pickle.HIGHEST_PROTOCOL)
    with contextlib.suppress(OSError):  # a worker gone: its result pipe says so (a crash)
        write_all(worker.tasks, struct.pack("!Q", len(data)) + data)


def _take_message(worker: _Worker) -> bytes | None:
    """The pickled result in the worker's buffer once it is whole (the worker is then idle
    again)."""
    if len(worker.buffer) < _HEADER.size:
        return None
    length, retiring = _HEADER.unpack_from(worker.buffer)
    end = _HEADER.size + length
    if len(worker.buffer) < end:
        return None
    message = bytes(worker.buffer[_HEADER.size : end])
    del worker.buffer[:end]
    worker.file, worker.retiring = None, bool(retiring)
    return message


def _died(
    worker: _Worker,
    pool: dict[int, _Worker],
    selector: selectors.BaseSelector,
    stopped: Callable[[Stopped], R],
    pending: _Pending,
) -> Generator[R, None, None]:
    """A worker's result pipe closed: it retired, or died during its file (a crash); the files
    sent ahead to it go back to ``pending``."""
    file, seconds = worker.file, time.monotonic() - worker.started
    _requeue(worker, pending)
    status = _reap(worker, pool, selector)
    if file is None:
        return
    how = _describe_exit(status) if status is not None else "结果不完整"
    message = f"处理文件的子进程异常退出（{how}），文件未能读取"
    yield stopped(Stopped(file, "crashed", message, seconds))


def _retire(worker: _Worker, pool: dict[int, _Worker], selector: selectors.BaseSelector) -> None:
    _reap(worker, pool, selector)


def _reap(
    worker: _Worker, pool: dict[int, _Worker], selector: selectors.BaseSelector
) -> int | None:
    """Forget a worker whose pipe closed; its exit status (None if it cannot be had)."""
    _forget(worker, pool, selector)
    try:
        _, status = os.waitpid(worker.pid, 0)
    except ChildProcessError:
        return None
    return status


def _kill(worker: _Worker, pool: dict[int, _Worker], selector: selectors.BaseSelector) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(worker.pid, signal.SIGKILL)
    _forget(worker, pool, selector)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(worker.pid, 0)


def _forget(worker: _Worker, pool: dict[int, _Worker], selector: selectors.BaseSelector) -> None:
    pool.pop(worker.results, None)
    with contextlib.suppress(KeyError, ValueError):
        selector.unregister(worker.results)
    for fd in (worker.tasks, worker.results):
        with contextlib.suppress(OSError):
            os.close(fd)


def _expired(worker: _Worker, now: float, time_limit: float | None) -> bool:
    return time_limit is not None and now - worker.started > time_limit


def _wait(pool: Iterable[_Worker], time_limit: float | None) -> float | None:
    """Seconds until the first busy worker reaches the time limit (None: no limit)."""
    started = [w.started for w in pool if w.file is not None]
    if time_limit is None or not started:
        return None
    return max(0.0, min(started) + time_limit - time.monotonic()) + 0.01


def _timed_out(file: InputFile, limit: float, seconds: float) -> Stopped:
    return Stopped(
        file,
        "timeout",
        f"处理超时：超过单文件时间限制 {limit:g} 秒，已中止（可用 --file-timeout 调整）",
        seconds,
    )


def _describe_exit(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            return f"信号 {signal.Signals(number).name}"
        except ValueError:
            return f"信号 {number}"
    return f"退出码 {os.WEXITSTATUS(status)}"


def _spawn(work: Callable[[InputFile], object], others: Iterable[_Worker]) -> _Worker:
    """Fork a worker, with Ctrl-C held back across the fork (see the module docstring)."""
    task_read, task_write = os.pipe()
    result_read, result_write = os.pipe()
    widen(result_write, RESULT_PIPE_BYTES)
    inherited = [fd for w in others for fd in (w.tasks, w.results)]
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    gc.freeze()  # the worker's collections then leave the parent's objects (and pages) alone
    pid = os.fork()
    if pid == 0:  # the worker: never returns
        code = 0
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
            for fd in (task_write, result_read, *inherited):
                os.close(fd)
            limit_worker_memory()  # a file past the checks costs its row, not the machine
            _serve(task_read, result_write, work)
        except BaseException:  # whatever happens, the worker must exit here
            code = _CHILD_FAILED
        finally:
            os._exit(code)
    gc.unfreeze()  # the parent's own cycles are collected as before
    os.close(task_read)
    os.close(result_write)
    worker = _Worker(pid, task_write, result_read)
    try:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)  # a held Ctrl-C arrives here
    except BaseException:
        with contextlib.suppress(ProcessLookupError, ChildProcessError):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        for fd in (task_write, result_read):
            os.close(fd)
        raise
    return worker


# -- the worker's side ---------------------------------------------------------------------------


def _serve(tasks: int, results: int, work: Callable[[InputFile], object]) -> None:
    """Read files from the task pipe until it closes, sending each result back."""
    start_mb = _resident_mb()
    for done in range(1, FILES_PER_WORKER + 1):
        head = read_exactly(tasks, 8)
        if head is None:
            return
        (length,) = struct.unpack("!Q", head)
        message = read_exactly(tasks, length)
        if message is None:
            return
        file: InputFile = pickle.loads(message)
        data = pickle.dumps(work(file), protocol=pickle.HIGHEST_PROTOCOL)
        retiring = done == FILES_PER_WORKER or _resident_mb() - start_mb > WORKER_GROWTH_MB
        write_all(results, _HEADER.pack(len(data), int(retiring)) + data)
        if retiring:
            return


def _resident_mb() -> float:
    """This process's resident memory in MB (0 where /proc is not there)."""
    try:
        with open("/proc/self/statm", "rb") as handle:
            pages = int(handle.read().split()[1])
    except (OSError, ValueError, IndexError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6
