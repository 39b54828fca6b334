"""Batch runs: many files, in parallel, resumable, on this machine or a Dask cluster.

:func:`run_batch` is the whole job:

1. **plan** — with ``resume``, a file whose content hash, settings fingerprint (policies and
   jixiao version) and parts are unchanged since the last run is reused; everything else is
   done (again). A file that timed out is retried only under a longer time limit.
2. **read** — the files to do go to the executor (:mod:`jixiao.batch.pool`, worker processes
   isolated per file, or :mod:`jixiao.batch.cluster`); as they finish their rows are written
   as parts, a chunk of files at a time, and their records appended to the journal
   (:mod:`jixiao.batch.parts`), so memory holds one chunk of rows, not the records of the
   run, and a stopped run loses nothing already written. Each result is also handed to
   ``on_result`` (the report takes what it shows from there: no file is read twice).
3. **combine** — the combined outputs are rebuilt from the parts in name order (then table
   number, as each part is in table order), so every executor and worker count gives the same
   bytes; ``manifest.json`` is written last, with ``status`` ``complete`` or ``interrupted``.
   Both take the records from the journal on disk (:class:`~jixiao.batch.parts.JournalRecords`).
4. **switch** — everything above is written in a staging folder beside the output folder
   (:mod:`jixiao.batch.commit`); a complete run then replaces the output folder in one step,
   keeping the files in it that jixiao did not write. The output folder always holds a whole
   run: the last complete one.

Ctrl-C (KeyboardInterrupt) during step 2 stops the children, and step 3 still runs on the files
finished so far, in the staging folder, which is not switched in: the output folder keeps the
last complete run, and ``resume`` completes this one from the staging folder. A write that fails
(a read-only folder, a full disk) raises :class:`~jixiao.core.errors.OutputError` and leaves
the output folder as it was; a killed run too (the next run finishes a half-done switch).
"""

from __future__ import annotations

import errno
import gc
import hashlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from jixiao import __version__
from jixiao.batch.beside import Beside
from jixiao.batch.cluster import map_on_dask
from jixiao.batch.commit import RunFolders, begin_run, output_error, prune_parts, switch_run
from jixiao.batch.manifest import manifest_of
from jixiao.batch.manifest import write_manifest as _write_manifest
from jixiao.batch.parts import (
    FileRecord,
    Journal,
    JournalRecords,
    PartWriter,
    clear_parts,
    link_parts,
    parts_exist,
    parts_schema,
    read_journal,
    remove_parts,
)
from jixiao.batch.pool import (
    CAN_ISOLATE,
    Reader,
    hash_file,
    map_isolated,
    spare_cores,
    stopped_result,
)
from jixiao.batch.progress import NullProgress, Progress
from jixiao.batch.warmup import warm_up
from jixiao.core.errors import OutputError
from jixiao.export import DEFAULT_FORMATS, FORMATS, LABEL_SETS
from jixiao.export.write import Totals
from jixiao.pipeline.runner import FileResult, InputFile
from jixiao.score import Policy

COMPLETE, INTERRUPTED, RUNNING = "complete", "interrupted", "running"


@dataclass(frozen=True, slots=True)
class BatchSettings:
    """How a batch run reads and writes (every option of ``jixiao run`` but the inputs).

    ``workers``: child processes at a time (ignored with ``scheduler``); ``file_timeout``:
    seconds one file may take (None: no limit); ``resume``: reuse unchanged files of the last
    run in ``out_dir``; ``formats``: of ``csv``, ``parquet``, ``xlsx``; ``labels``: ``en``
    (the contract's column names) or ``zh``; ``scheduler``: a Dask scheduler address.
    """

    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    file_timeout: float | None = None
    resume: bool = False
    formats: tuple[str, ...] = DEFAULT_FORMATS
    labels: str = "en"
    scheduler: str | None = None

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise ValueError(f"BatchSettings.workers must be >= 1, got {self.workers}")
        if self.file_timeout is not None and self.file_timeout <= 0:
            raise ValueError(
                f"BatchSettings.file_timeout must be > 0 or None, got {self.file_timeout}"
            )
        if not self.formats or set(self.formats) - set(FORMATS):
            raise ValueError(f"BatchSettings.formats must be some of {FORMATS}, got {self.formats}")
        if self.labels not in LABEL_SETS:
            raise ValueError(f"BatchSettings.labels must be one of {LABEL_SETS}, got {self.labels}")

    def describe(self) -> str:
        """How files are read, for the progress line."""
        if self.scheduler:
            return f"Dask cluster at {self.scheduler}"
        return f"{self.workers} worker{'s' if self.workers != 1 else ''}"


@dataclass(frozen=True, slots=True)
class BatchResult:
    """A finished (or interrupted) batch run."""

    status: str  # "complete" or "interrupted"
    records: Sequence[FileRecord]  # the files in the outputs, by name (read from the journal)
    total_files: int  # files found, finished or not
    totals: Totals
    outputs: tuple[Path, ...]
    out_dir: Path  # the output folder; for an interrupted run, the staging folder it is kept in
    seconds: float
    warnings: tuple[str, ...] = ()  # what the run kept that it did not write, and where

    @property
    def failed(self) -> tuple[FileRecord, ...]:
        return tuple(r for r in self.records if r.failed)

    @property
    def reused(self) -> int:
        return sum(r.reused for r in self.records)

    @property
    def interrupted(self) -> bool:
        return self.status == INTERRUPTED


def settings_fingerprint(policies: Sequence[Policy]) -> str:
    """What makes parts reusable: the policies (their full settings), jixiao's version and the
    version of the parts (:func:`~jixiao.batch.parts.parts_schema`: the frames' columns and
    the reading code)."""
    text = f"{__version__}\n{parts_schema()}\n{policies!r}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def run_batch(
    files: Sequence[InputFile],
    policies: Sequence[Policy],
    out_dir: Path,
    settings: BatchSettings,
    *,
    progress: Progress | None = None,
    inputs: Sequence[str] = (),
    on_result: Callable[[FileResult], None] | None = None,
    material: bool = False,
    prepare: Callable[[], Iterable[None]] | None = None,
    before_switch: Callable[[Path, BatchResult], None] | None = None,
    beside_outputs: Callable[[Path, JournalRecords], None] | None = None,
    idle: Callable[[], bool] | None = None,
) -> BatchResult:
    """Read ``files`` into parts and combined outputs under ``out_dir``; ``on_result`` is
    given each file's result as it finishes (not those reused), with its tables' report
    material when ``material`` is asked for (local workers and Dask alike). ``prepare`` loads
    what comes after the reading, beside it once the first files are being read: a step each
    time it is advanced (a step a result, and while the workers read and no result waits).
    ``before_switch`` is called with the staging folder and the result of a complete run
    before it replaces ``out_dir``: what it writes there switches in with the run.
    ``beside_outputs`` (the report) is called with the staging folder and the run's records
    while the combined outputs are written, in a forked child where one can be
    (:class:`~jixiao.batch.beside.Beside`; what the child could not do is done after them,
    raising what it raises): what it writes switches in with the run too, and a run
    interrupted meanwhile may keep it in its staging folder. ``idle``
    is called while the local workers read and no result waits, until it returns False
    (:func:`~jixiao.batch.pool.map_isolated`).

    Raises :class:`~jixiao.core.errors.OutputError` when ``out_dir`` holds an input, cannot be
    replaced, or a write fails; ``out_dir`` then keeps the last complete run."""
    started_at, started = datetime.now(UTC), time.monotonic()
    progress = progress or NullProgress()
    _check_inputs_outside(files, out_dir)
    folders = begin_run(out_dir, resume=settings.resume, formats=settings.formats)
    stage = folders.staging
    fingerprint = settings_fingerprint(policies)
    with _writes(out_dir):
        reused, todo = _plan(files, folders, fingerprint, settings)
        manifest = _Manifest(stage, inputs, policies, settings, fingerprint, started_at)
        journal = Journal(stage, fingerprint, reused)
    status = COMPLETE
    progress.start(len(files), reused, settings.describe())
    ready = _Prepare(partial(_write_running, manifest, reused, out_dir), prepare)
    del reused  # in the journal: the outputs and the manifest are made from it
    writer = PartWriter(stage)
    unwritten: list[OSError] = []
    saved = journal.extend

    try:
        with (
            _fewer_collections(),
            closing(_execute(todo, policies, settings, material, ready, idle)) as results,
        ):
            for result in results:
                record = _record(result, settings.file_timeout)
                if on_result is not None:
                    on_result(result)
                with _writes(out_dir):
                    saved(writer.add(result, record))
                progress.advance(record)
                ready.step()
    except KeyboardInterrupt:
        status = INTERRUPTED
    finally:
        with _deferred_interrupt() as interrupt:  # the files read so far are kept
            try:
                saved(writer.flush())
            except OSError as error:  # raised below, unless something else is on its way
                unwritten.append(error)
        status = INTERRUPTED if interrupt else status
        journal.close()
        progress.finish()
    if unwritten:
        raise output_error(unwritten[0], out_dir) from unwritten[0]
    ready()  # what is left of it (all of it when no file was read: all reused)
    from jixiao.batch.combine import write_combined  # noqa: PLC0415 - pyarrow: while reading

    with _deferred_interrupt() as interrupt, _writes(out_dir):  # Ctrl-C now: no valid outputs
        records = JournalRecords.read(stage, fingerprint)
        if records is None:
            raise FileNotFoundError(errno.ENOENT, "journal not found", str(journal.path))
        prune_parts(stage, (p for r in records for p in r.parts.values()))
        # the report beside the combined outputs (a forked child, where one can be)
        report = Beside.start(partial(beside_outputs, stage, records)) if beside_outputs else None
        try:
            outputs, totals = write_combined(stage, records, settings.formats, settings.labels)
        finally:
            if report is not None:
                report.join()
        status = INTERRUPTED if interrupt else status
        seconds = time.monotonic() - started
        manifest.write(status, records, totals, outputs, seconds)
        batch = BatchResult(status, records, len(files), totals, tuple(outputs), stage, seconds)
        if status == INTERRUPTED:
            return batch  # kept in the staging folder, for --resume
        if report is not None:
            report.finish()  # what the child could not write, written here
        if before_switch is not None:
            before_switch(stage, batch)
        warnings = switch_run(folders)
    moved = tuple(out_dir / p.relative_to(stage) for p in outputs)
    return replace(
        batch,
        records=records.moved(folders.out),
        outputs=moved,
        out_dir=out_dir,
        warnings=tuple(warnings),
    )


def _check_inputs_outside(files: Sequence[InputFile], out_dir: Path) -> None:
    """A run replaces its output folder: no input may be in it."""
    outs = {RunFolders.of(out_dir).out, out_dir.absolute()}  # the folder, and a link to it
    for file in files:
        if not outs.isdisjoint(file.path.absolute().parents):
            raise OutputError(
                f"the output directory {out_dir} holds the input {file.path}, and a run "
                "replaces its output directory"
            )


@contextmanager
def _writes(out_dir: Path) -> Iterator[None]:
    """A write that fails (a read-only folder, a full disk) as an OutputError."""
    try:
        yield
    except OSError as error:
        raise output_error(error, out_dir) from error


#: Objects made between two collections of the youngest generation while files are read (700
#: by default): the parent unpickles ~100,000 small acyclic objects a second, and collecting
#: every 700 of them cost ~7% of its time (0.13 s of a 200-file run, 0.64 s of 3,000).
YOUNG_COLLECTION = 50_000


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Collect cycles less often while the files are read (see :data:`YOUNG_COLLECTION`)."""
    previous = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION, *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)


def _collect_young() -> bool:
    """Collect the youngest objects while the workers read and nothing else waits, once there
    are a quarter of :data:`YOUNG_COLLECTION` of them: a collection otherwise falls on a
    result, maybe the last one, whose outputs then wait for it (~9 ms for 45,000 objects).
    Whether it collected."""
    if gc.get_count()[0] < YOUNG_COLLECTION // 4:
        return False
    gc.collect(0)
    return True


@contextmanager
def _deferred_interrupt() -> Iterator[list[int]]:
    """Hold Ctrl-C back while the outputs are written; the list says whether one came."""
    came: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield came
        return
    previous = signal.getsignal(signal.SIGINT)
    if previous is not signal.default_int_handler:
        yield came  # SIGINT ignored or handled by someone else: leave it alone
        return
    signal.signal(signal.SIGINT, lambda number, _frame: came.append(number))
    try:
        yield came
    finally:
        signal.signal(signal.SIGINT, previous)


def _plan(
    files: Sequence[InputFile], folders: RunFolders, fingerprint: str, settings: BatchSettings
) -> tuple[list[FileRecord], Sequence[InputFile]]:
    """(records reused, files to read: ``files`` themselves without ``resume``). With
    ``resume`` a file is reused from the staging folder a stopped run left, else from the last
    complete run (its parts linked into the staging folder); the staging folder's parts no
    longer needed are removed."""
    stage, out = folders.staging, folders.out
    if not settings.resume:
        clear_parts(stage)
        return [], files
    stopped = read_journal(stage, fingerprint)
    if stopped is None:
        clear_parts(stage)  # none, or of other settings
        stopped = {}
    last = read_journal(out, fingerprint) or {}
    reused, todo, redone = [], [], []
    limit, linked = settings.file_timeout, set[str]()
    for file in files:
        record = stopped.pop(file.name, None)
        if record is not None and _reusable(record, file, stage, limit):
            reused.append(replace(record, reused=True))
            continue
        redone += [record] if record is not None else []
        record = last.get(file.name)
        if record is not None and _reusable(record, file, out, limit):
            link_parts(record, out, stage, linked)
            reused.append(replace(record, reused=True))
        else:
            todo.append(file)
    # parts of files gone from the inputs or read again, unless a reused file shares them
    remove_parts([*stopped.values(), *redone], stage, keep=reused)
    return reused, todo


def _reusable(record: FileRecord, file: InputFile, folder: Path, time_limit: float | None) -> bool:
    if record.status == "timeout" and (
        time_limit is None or record.time_limit is None or time_limit > record.time_limit
    ):
        return False  # retried under a longer limit
    return hash_file(file.path)[0] == record.sha256 and parts_exist(record, folder)


def _write_running(manifest: _Manifest, reused: Sequence[FileRecord], out_dir: Path) -> None:
    """The staging folder's manifest while the files are read (status ``running``)."""
    with _writes(out_dir):
        manifest.write(RUNNING, reused, Totals({}, {}, {}), (), 0.0)


class _Prepare:
    """What the outputs need, loaded while the workers read the first files, a step at a
    time (:meth:`step`; calling it does the rest): the manifest of a running run (``first``),
    numpy, pyarrow and the writers, then ``then``'s steps (the report). Not before the first
    file: ~0.3 s. Not in one go either: the parent would not hand out files meanwhile, and one
    worker on small files waited that long once it had read the few files sent ahead."""

    __slots__ = ("_steps",)

    def __init__(
        self, first: Callable[[], None] | None, then: Callable[[], Iterable[None]] | None
    ) -> None:
        self._steps: Iterator[None] | None = _preparing(first, then)

    def step(self) -> bool:
        """One step; False when none is left."""
        if self._steps is None:
            return False
        if next(self._steps, _DONE) is _DONE:
            self._steps = None
            return False
        return True

    def __call__(self) -> None:
        while self.step():
            pass


_DONE = object()


def _preparing(
    first: Callable[[], None] | None, then: Callable[[], Iterable[None]] | None
) -> Iterator[None]:
    if first is not None:
        first()
        yield
    import numpy  # noqa: F401, PLC0415 - ~0.1 s, the largest step: pyarrow's first import

    yield
    import pyarrow  # type: ignore[import-untyped]  # noqa: F401, PLC0415

    yield
    import jixiao.batch.combine  # noqa: F401, PLC0415 - pyarrow.parquet and the writers

    yield
    if then is not None:
        yield from then()


def _execute(
    files: Sequence[InputFile],
    policies: Sequence[Policy],
    settings: BatchSettings,
    material: bool,
    prepare: _Prepare,
    idle: Callable[[], bool] | None = None,
) -> Generator[FileResult, None, None]:
    """Each file's result as it finishes (worker processes here, or a Dask cluster)."""
    limit = settings.file_timeout
    if settings.scheduler:
        prepare()
        yield from map_on_dask(
            files, policies, scheduler=settings.scheduler, time_limit=limit, material=material
        )
        return
    if files:
        warm_up(policies, pdf=settings.workers > 1 and any(f.kind == "pdf" for f in files))
    # a PDF's page images rendered beside its reading, where a core is spare and workers are ours
    ahead = material and CAN_ISOLATE and spare_cores(settings.workers) > 0
    work = Reader(tuple(policies), material, render_ahead=ahead)

    def idle_step() -> bool:
        """A step of ``prepare``, else the caller's ``idle``, else the young objects collected."""
        return prepare.step() or (idle is not None and idle()) or _collect_young()

    yield from map_isolated(
        files,
        work,
        stopped_result,
        workers=settings.workers,
        time_limit=limit,
        started=prepare.step,
        idle=idle_step,
    )


def _record(result: FileResult, time_limit: float | None) -> FileRecord:
    """A file's record, before its parts are written."""
    return FileRecord(
        path=result.file.name,
        kind=result.file.kind,
        sha256=result.sha256,
        bytes=result.size,
        pages=result.pages,
        status=result.status,
        tables=result.tables,
        indicators=result.indicators,
        problems=result.problems,
        seconds=result.seconds,
        time_limit=time_limit,
    )


@dataclass(frozen=True, slots=True)
class _Manifest:
    """What the manifest needs besides the results (internal)."""

    out_dir: Path
    inputs: Sequence[str]
    policies: Sequence[Policy]
    settings: BatchSettings
    fingerprint: str
    started: datetime

    def write(
        self,
        status: str,
        records: Sequence[FileRecord],
        totals: Totals,
        outputs: Sequence[Path],
        seconds: float,
    ) -> None:
        manifest = manifest_of(
            status=status,
            records=records,
            totals=_complete(totals),
            inputs=self.inputs,
            policies=self.policies,
            settings=self._settings(),
            started=self.started,
            seconds=seconds,
            peak_rss_mb=_peak_rss_mb(),
            outputs=outputs,
            out_dir=self.out_dir,
        )
        _write_manifest(manifest, self.out_dir, records)

    def _settings(self) -> dict[str, Any]:
        s = self.settings
        return {
            "fingerprint": self.fingerprint,
            "workers": None if s.scheduler else s.workers,
            "scheduler": s.scheduler,
            "file_timeout": s.file_timeout,
            "resume": s.resume,
            "formats": list(s.formats),
            "labels": s.labels,
        }


def _complete(totals: Totals) -> Totals:
    rows = {
        name: totals.rows.get(name, 0) for name in ("tables", "funds", "indicators", "problems")
    }
    severities = {k: totals.severities.get(k, 0) for k in ("error", "warning", "info")}
    return Totals(rows, severities, totals.policies, totals.not_read, totals.duplicates)


def _peak_rss_mb() -> dict[str, float]:
    """Peak resident memory of this process and of the largest finished child, in MB (empty
    where the platform has no ``resource`` module: Windows)."""
    if sys.platform == "win32":
        return {}
    import resource  # noqa: PLC0415 - POSIX only: a top-level import breaks the CLI on Windows

    scale = 1 / 1024 if sys.platform != "darwin" else 1 / 1024 / 1024  # KB on Linux, B on macOS
    return {
        "main": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale, 1),
        "largest_child": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * scale, 1),
    }
