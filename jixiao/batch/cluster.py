"""Run the unit of work on a Dask distributed cluster (``--scheduler ADDRESS``).

Each task is a few files, :func:`files_on_worker`: the worker reads them in a child it forks,
one after another, with the same time limit per file as a local run (a file past it, or one that
kills the child, is lost alone: a fresh child takes the next), and sends the files' frames back
with their tables' report material, as local workers do when the report is on. This process
writes the parts, so the outputs are the same as a local run's, and the report never reads a
file again here (it would for a table without material: one file after another, in this
process). The material is made unless ``material=False``: it costs the workers no CPU that can
be measured, only a larger result (~0.4 MB instead of ~0.06 MB for a 50-page annual report).

Why a few files a task (:func:`files_to_chunks`): a child loads what reading needs on its first
file (the font maps of pdfminer, the office libraries) and keeps it for the next; a child per
file paid that for every file, besides a fork and a round trip through the scheduler (the 31
PDF fixtures on two workers: 14.4-15.2 CPU s with a task a file, 11.3-13.1 s with tasks of up
to eight; 50-page annual reports cost the same either way). Tasks shrink to one file as the run
nears its end, so no worker waits long for another's last task. A worker is also warmed up
once, at its first task (:func:`jixiao.batch.warmup.warm_up`, as the local pool's parent is
before it forks): its children find the libraries imported.

Workers need jixiao (same version) installed and the input files at the same absolute paths (a
shared file system); the output directory only has to exist here. At most
:data:`TASKS_PER_THREAD` tasks per worker thread are in flight at a time, so the scheduler and
the workers never hold more than a window of results. Needs the optional dependency
``dask[distributed]`` (``pip install 'jixiao[cluster]'``).
"""

from __future__ import annotations

import time
from collections.abc import Generator, Iterable, Sequence
from typing import Any, TypeVar

from jixiao import __version__
from jixiao.batch.pool import Reader, hash_file, map_isolated, stopped_result
from jixiao.batch.warmup import warm_up
from jixiao.core.errors import ClusterError
from jixiao.core.problems import error_text, error_to_chinese
from jixiao.pipeline.runner import FileResult, InputFile, stopped_file_result
from jixiao.score import Policy

TASKS_PER_THREAD = 2  # tasks in flight per worker thread: one being read, one waiting
FILES_PER_TASK = 8  # at most, while many files are left (:func:`files_to_chunks`)

T = TypeVar("T")


def map_on_dask(
    files: Iterable[InputFile],
    policies: Sequence[Policy],
    *,
    scheduler: str,
    time_limit: float | None,
    material: bool = True,
) -> Generator[FileResult, None, None]:
    """Each file's result as it finishes on the cluster (completion order), with its tables'
    report material unless ``material`` is False."""
    try:
        import distributed  # noqa: PLC0415 - an optional dependency, imported when used
    except ImportError as error:
        raise ClusterError(
            "--scheduler needs dask.distributed: pip install 'jixiao[cluster]'"
        ) from error
    dask: Any = distributed  # untyped library
    try:
        client: Any = dask.Client(scheduler, timeout="20s", set_as_default=False)
    except (OSError, TimeoutError) as error:
        raise ClusterError(
            f"cannot reach the Dask scheduler at {scheduler} ({error}); start one with "
            "`dask scheduler` and workers with `dask worker ADDRESS`, or check the address"
        ) from error
    in_flight: set[Any] = set()
    try:
        threads = _check_workers(client)
        [shared] = client.scatter([tuple(policies)], broadcast=True, hash=False)
        absolute = [InputFile(f.path.absolute(), f.name) for f in files]
        pending = iter(files_to_chunks(absolute, threads))
        by_key: dict[Any, tuple[InputFile, ...]] = {}
        running: Any = dask.as_completed(loop=client.loop)

        def submit() -> bool:
            chunk = next(pending, None)
            if chunk is None:
                return False
            future = client.submit(
                files_on_worker, chunk, shared, time_limit, material, pure=False, retries=0
            )
            by_key[future.key] = chunk
            in_flight.add(future)
            running.add(future)
            return True

        for _ in range(max(2, TASKS_PER_THREAD * threads)):
            if not submit():
                break
        for future in running:
            chunk = by_key.pop(future.key)
            in_flight.discard(future)
            results = _results(future, chunk)
            future.release()
            submit()
            yield from results
    finally:
        client.cancel(list(in_flight))
        client.close()


def files_to_chunks(files: Sequence[T], threads: int) -> list[tuple[T, ...]]:
    """The files in tasks, in order: :data:`FILES_PER_TASK` a task while many are left, then
    fewer (a thread's share of what is left over twice the tasks it has in flight), the last
    ones alone.

    >>> [len(c) for c in files_to_chunks(range(60), threads=2)]
    [7, 6, 5, 5, 4, 4, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
    """
    chunks: list[tuple[T, ...]] = []
    start = 0
    while start < len(files):
        left = len(files) - start
        size = max(1, min(FILES_PER_TASK, left // (2 * TASKS_PER_THREAD * max(1, threads))))
        chunks.append(tuple(files[start : start + size]))
        start += size
    return chunks


def files_on_worker(
    files: Sequence[InputFile],
    policies: Sequence[Policy],
    time_limit: float | None,
    material: bool,
) -> list[FileResult]:
    """A Dask task: ``files`` read one after another in a child forked from this worker, each
    killed at ``time_limit`` (the local pool's isolation: a file that times out or crashes the
    child is lost alone); the worker is warmed up first, once."""
    _warm_worker(policies, pdf=any(f.kind == "pdf" for f in files))
    work = Reader(tuple(policies), material)
    return list(map_isolated(files, work, stopped_result, workers=1, time_limit=time_limit))


#: What this process (a Dask worker) has been warmed up for: ``False`` text, ``True`` PDF too.
_WARMED: set[bool] = set()


def _warm_worker(policies: Sequence[Policy], *, pdf: bool) -> None:
    """Warm this worker once (once more for the PDF libraries at its first PDF): what it
    loads, every child forked from it has, as the local pool's workers have their parent's."""
    if pdf in _WARMED or True in _WARMED:
        return
    warm_up(policies, pdf=pdf)
    _WARMED.add(pdf)


def _check_workers(client: Any) -> int:
    """Worker threads on the cluster; every worker must run this jixiao version."""
    started = time.monotonic()
    while not client.nthreads():
        if time.monotonic() - started > 30:
            raise ClusterError("the Dask scheduler has no workers; start some with `dask worker`")
        time.sleep(0.2)
    try:
        versions = client.run(_jixiao_version)
    except Exception as error:
        raise ClusterError(
            f"Dask workers cannot run jixiao ({error}); install jixiao on every worker"
        ) from error
    wrong = {worker: v for worker, v in versions.items() if v != __version__}
    if wrong:
        listed = ", ".join(f"{w}: {v}" for w, v in sorted(wrong.items()))
        raise ClusterError(
            f"Dask workers run another jixiao version than this {__version__} ({listed}); "
            "install the same version on every worker"
        )
    return sum(int(n) for n in client.nthreads().values())


def _jixiao_version() -> str:
    return __version__


def _results(future: Any, files: Sequence[InputFile]) -> list[FileResult]:
    """The task's results; a task the cluster lost (a killed worker) is a crashed file each."""
    try:
        results = future.result()
    except Exception as error:  # any task failure is one problem row a file
        return [_lost(file, error) for file in files]
    if not isinstance(results, list) or not all(isinstance(r, FileResult) for r in results):
        raise ClusterError(f"a Dask worker returned {type(results).__name__}, not FileResults")
    return results


def _lost(file: InputFile, error: Exception) -> FileResult:
    sha256, size = hash_file(file.path)
    return stopped_file_result(
        file,
        status="crashed",
        message=f"Dask 任务失败（{error_to_chinese(error)}），文件未能读取",
        found=error_text(error),
        sha256=sha256,
        size=size,
        seconds=0.0,
    )
