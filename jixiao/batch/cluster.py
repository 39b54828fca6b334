"""Run the unit of work on a Dask distributed cluster (``--scheduler ADDRESS``).

Each file is one task, :func:`file_on_worker`: the worker reads the file in a forked child with
the same time limit as a local run, and sends the file's frames back with its tables' report
material, as local workers do when the report is on; this process writes the parts, so the
outputs are the same as a local run's, and the report never reads a file again here (it would
for a table without material: one file after another, in this process). The material is made
unless ``material=False``: it costs the workers no CPU that can be measured, only a larger
result (~0.4 MB instead of ~0.06 MB for a 50-page annual report).

A worker is warmed up once, at its first file (:func:`jixiao.batch.warmup.warm_up`, as the local
pool's parent is before it forks): the child forked per file then finds the libraries loaded
instead of loading them for every file. Workers need jixiao (same version) installed and the
input files at the same absolute paths (a shared file system); the output directory only has to
exist here.

At most a few tasks per worker thread are in flight at a time, so the scheduler and the
workers never hold more than a window of results. Needs the optional dependency
``dask[distributed]`` (``pip install 'jixiao[cluster]'``).
"""

from __future__ import annotations

import time
from collections.abc import Generator, Iterable, Sequence
from typing import Any

from jixiao import __version__
from jixiao.batch.pool import Reader, hash_file, map_isolated, stopped_result
from jixiao.batch.warmup import warm_up
from jixiao.core.errors import ClusterError
from jixiao.core.problems import error_text, error_to_chinese
from jixiao.pipeline.runner import FileResult, InputFile, stopped_file_result
from jixiao.score import Policy

TASKS_PER_THREAD = 4


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
        window = max(2, TASKS_PER_THREAD * _check_workers(client))
        [shared] = client.scatter([tuple(policies)], broadcast=True, hash=False)
        pending = iter([InputFile(f.path.absolute(), f.name) for f in files])
        by_key: dict[Any, InputFile] = {}
        running: Any = dask.as_completed(loop=client.loop)

        def submit() -> bool:
            file = next(pending, None)
            if file is None:
                return False
            future = client.submit(
                file_on_worker, file, shared, time_limit, material, pure=False, retries=0
            )
            by_key[future.key] = file
            in_flight.add(future)
            running.add(future)
            return True

        for _ in range(window):
            if not submit():
                break
        for future in running:
            file = by_key.pop(future.key)
            in_flight.discard(future)
            yield _result(future, file)
            future.release()
            submit()
    finally:
        client.cancel(list(in_flight))
        client.close()


def file_on_worker(
    file: InputFile, policies: Sequence[Policy], time_limit: float | None, material: bool
) -> FileResult:
    """A Dask task: ``file`` read in a child forked from this worker, killed at ``time_limit``
    (the local pool's isolation, one file per child); the worker is warmed up first, once."""
    _warm_worker(policies, pdf=file.kind == "pdf")
    work = Reader(tuple(policies), material)
    return next(map_isolated([file], work, stopped_result, workers=1, time_limit=time_limit))


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


def _result(future: Any, file: InputFile) -> FileResult:
    """The task's result; a task the cluster lost (a killed worker) is a crashed file."""
    try:
        result = future.result()
    except Exception as error:  # any task failure is one problem row
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
    if not isinstance(result, FileResult):
        raise ClusterError(f"a Dask worker returned {type(result).__name__}, not a FileResult")
    return result
