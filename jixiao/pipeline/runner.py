"""The unit of work: read one file into its rows, never stop on a bad file.

Each file is read on its own (:func:`file_to_result`) in one pass: while it is open, its
自评表 are read, scored, and (when asked) given their report material (page images from the open
PDF, source lines of a text: :mod:`jixiao.pipeline.material`). The result keeps plain records
(:class:`~jixiao.score.Rows`), not frames: frames are built once per run. Whatever goes wrong
with a file becomes a ``problems`` row naming it, and the run goes on with the next one.
:func:`run` processes files one after another in this process and builds the run's frames at
the end (the library API, used by the golden tests); parallel, resumable runs are
:func:`jixiao.batch.run.run_batch`.

Every form of file is read through one interface (:func:`jixiao.extract.readers.read_file`):
the reader gives a :class:`~jixiao.extract.readers.Reading` that stays open until the file's
tables are scored, and whose ``pane`` makes the source pane of a table's report material.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from jixiao.core.errors import InputError
from jixiao.core.problems import error_text, error_to_chinese, make_problem, problem_code
from jixiao.core.vocabulary import is_self_evaluation
from jixiao.extract.layout.table import grid_to_table
from jixiao.extract.readers import Reading, ReadSettings, read_file
from jixiao.extract.readers.limits import memory_error_text
from jixiao.extract.readers.scan.check import with_ocr_problems
from jixiao.model.frames import records_by_table
from jixiao.model.grid import Grid
from jixiao.model.pane import SourcePane
from jixiao.model.source import Problem, Severity, Source
from jixiao.model.table import SelfEvalTable
from jixiao.pipeline.census import SeenGrid, titles_to_problems
from jixiao.pipeline.discover import InputFile, discover
from jixiao.pipeline.locate import CellRef, locate_problems, record_to_problem_row, table_to_slots
from jixiao.pipeline.material import FileMaterial, TableMaterial, grid_to_cell_values
from jixiao.score import (
    Frames,
    Policy,
    Rows,
    concat_rows,
    problems_to_records,
    rows_to_frames,
    score_tables_best_rows,
)
from jixiao.score.duplicates import rows_with_duplicates
from jixiao.score.panel import Panel, PanelSettings, records_to_panel

__all__ = [
    "FILE_STATUSES",
    "FileResult",
    "InputFile",
    "RunResult",
    "discover",
    "file_to_result",
    "run",
    "status_is_read",
    "stopped_file_result",
]


#: A file's status in a run, and whether it counts as read (the exit code is 1 only for files
#: that were not: ``failed``, ``timeout``, ``crashed``).
FILE_STATUSES = {"ok": True, "no_tables": True, "failed": False, "timeout": False, "crashed": False}


def status_is_read(status: str) -> bool:
    """Whether a file of this status was read (a file without a 自评表 was).

    >>> [status_is_read(s) for s in ("ok", "no_tables", "failed", "timeout")]
    [True, True, False, False]
    """
    return FILE_STATUSES.get(status, False)


def rows_to_status(rows: Rows) -> str:
    """``ok`` when a 自评表 was read; ``no_tables`` when the file was read and none is in it
    (no error row: a ``no_tables`` info row says so); else ``failed`` (it could not be read, or
    a 自评表 in it was seen but not read, or a reader gave an error)."""
    if rows.tables:
        return "ok"
    if any(p["severity"] == Severity.ERROR.value for p in rows.problems):
        return "failed"
    return "no_tables"


@dataclass(frozen=True, slots=True)
class FileResult:
    """What one input file gave: its rows of the four frames and a summary for the manifest.

    ``rows`` are plain records (:class:`~jixiao.score.Rows`): frames are built once per run,
    ``frames`` builds them for this file alone. ``material`` is what the report shows of each
    table besides its rows (made when asked for, while the file was open), else None.
    """

    file: InputFile
    sha256: str
    size: int
    pages: int
    # "ok" (a 自评表 read), "no_tables" (read, no 自评表 in it), "failed" (not read, or a 自评表
    # seen but none read), "timeout" or "crashed" (see jixiao.batch.pool): FILE_STATUSES
    status: str
    tables: int
    indicators: int
    problems: int
    seconds: float
    rows: Rows
    material: FileMaterial | None = None

    @property
    def frames(self) -> Frames:
        return rows_to_frames(self.rows)

    # the grids of a file read by OCR (a scan): the parts keep them, so that a run that reuses
    # the file does not read it by OCR again for the report; empty for files read as text
    scanned: tuple[Grid, ...] = ()


def file_to_result(
    file: InputFile,
    policies: Sequence[Policy],
    *,
    material: bool = False,
    render_ahead: bool = False,
) -> FileResult:
    """Read, extract, normalize and score one file. Never raises.

    With one policy every table is scored under it; with several, each table under the one
    that reproduces the most of its printed numbers (``--policy auto``). With ``material``, the
    report material of each table is made too, while the file is open; with ``render_ahead``
    too, its page images are rendered beside the reading (:class:`ReadSettings`: for a
    process that runs no other thread, on a machine with a core to spare).
    """
    started = time.perf_counter()
    data = b""
    pages = 0
    made: FileMaterial | None = None
    scanned: tuple[Grid, ...] = ()
    try:
        data = file.path.read_bytes()
        settings = ReadSettings(render_ahead=True) if material and render_ahead else None
        read = read_file(data, path=file.path, name=file.name, claimed=file.kind, settings=settings)
        with read as reading:
            pages, scanned = reading.pages, reading.scanned
            rows, tables = reading_to_rows(reading, file, policies)
            if material:
                made = FileMaterial(
                    file.name,
                    file.kind,
                    tuple(
                        read_to_material(t, mine, reading.pane(t.grid))
                        for t, mine in zip(tables, rows_by_table(rows, tables), strict=True)
                    ),
                )
    except InputError as error:
        reason = problem_code(error.code).description
        rows = _file_problem(file, error.code, f"无法读取文件：{reason}", str(error))
    except MemoryError as error:  # past a worker's memory ceiling, wherever it was met
        message = f"处理文件时出错：{error_to_chinese(error)}"
        rows = _file_problem(file, "file_error", message, str(error) or memory_error_text())
    except Exception as error:  # a broken file must never stop a batch run: it becomes a row
        message = f"处理文件时出错：{error_to_chinese(error)}"
        rows = _file_problem(file, "file_error", message, error_text(error))
    tables_read = len(rows.tables)
    return FileResult(
        file=file,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        pages=pages,
        status=rows_to_status(rows),
        tables=tables_read,
        indicators=len(rows.indicators),
        problems=len(rows.problems),
        seconds=time.perf_counter() - started,
        rows=rows,
        material=made,
        scanned=scanned,
    )


@dataclass(frozen=True, slots=True)
class ReadTable:
    """A 自评表 of a file as read: its id, its grid and the record read from it."""

    table_id: str
    grid: Grid
    table: SelfEvalTable


def indicator_rule_text(indicator: Mapping[str, Any]) -> str:
    """An indicator's rule and its evidence: ``higher_ratio：未达标，按实际值/目标值×分值…``."""
    rule = str(indicator.get("rule") or "")
    explanation = indicator.get("explanation")
    return f"{rule}：{explanation}" if explanation else rule


def rows_by_table(rows: Rows, tables: Sequence[ReadTable]) -> list[Rows]:
    """Each table's own problems and indicators, in one pass over a file's rows (a file of
    thousands of tables must not scan them all once per table)."""
    problems, indicators = records_by_table(rows.problems), records_by_table(rows.indicators)
    return [
        Rows(indicators=tuple(indicators.get(t.table_id, ())),
             problems=tuple(problems.get(t.table_id, ())))
        for t in tables
    ]  # fmt: skip


def read_to_material(read: ReadTable, rows: Rows, pane: SourcePane) -> TableMaterial:
    """A table's report material: its grid, the field read from each cell, the rule of each
    indicator row and the cell each of its problems (in ``rows``) is about."""
    table_id, table = read.table_id, read.table
    mine = [p for p in rows.problems if p["table_id"] == table_id]
    problems = [record_to_problem_row(i, p) for i, p in enumerate(mine)]
    slots = table_to_slots(table)
    cells: dict[int, CellRef | None] = locate_problems(problems, table, slots)
    located = tuple(
        None if (cell := cells.get(i)) is None else (cell.row, cell.col)
        for i in range(len(problems))
    )
    fields: dict[tuple[int, int], str] = {}
    for slot in slots:
        if slot.col is not None:
            fields.setdefault((slot.row, slot.col), slot.field)
    seq_rules = {
        int(r["seq"]): indicator_rule_text(r) for r in rows.indicators if r["table_id"] == table_id
    }
    rules = tuple(
        (row.source.row, seq_rules.get(seq, ""))
        for seq, row in enumerate(table.indicators, start=1)
        if row.source.row is not None
    )
    grid = read.grid
    return TableMaterial(
        table_id,
        grid.file,
        grid.source_kind,
        grid.n_rows,
        grid.n_cols,
        grid_to_cell_values(grid),
        title=grid.title,
        year_text=grid.year_text,
        reader=grid.reader,
        fields=tuple((r, c, f) for (r, c), f in fields.items()),
        rules=rules,
        located=located,
        crops=pane.crops,
        lines=pane.lines,
        note=pane.note,
    )


def reading_to_rows(
    reading: Reading, file: InputFile, policies: Sequence[Policy]
) -> tuple[Rows, list[ReadTable]]:
    """The rows of every 自评表 a reader found in a file, read by the layout reader and scored,
    and the file's problems: the reader's, titles no table was read under, ``no_tables``."""
    problems = list(reading.problems)
    tables: list[ReadTable] = []
    seen = []
    for grid in reading.grids:
        read = is_self_evaluation(grid.texts())
        seen.append(SeenGrid(grid, read))
        if not read:
            continue
        table = with_ocr_problems(grid_to_table(grid), grid)
        tables.append(ReadTable(f"{file.name}#{len(tables) + 1}", grid, table))
    # scored together: the policy is chosen per publisher (jixiao.score.choice)
    parts = score_tables_best_rows([(t.table, t.table_id) for t in tables], policies=policies)
    skipped = [*problems, *titles_to_problems(reading.titles, seen, problems)]
    if not parts and not any(p.severity is Severity.ERROR for p in skipped):
        skipped.append(
            make_problem(
                "no_tables",
                "文件中未找到绩效自评表（需要“项目名称”和“绩效指标”等标签）",
                Source(file.name),
            )
        )
    return concat_rows([*parts, _problems_rows(skipped)]), tables


def stopped_file_result(
    file: InputFile,
    *,
    status: str,
    message: str,
    sha256: str,
    size: int,
    seconds: float,
    found: str = "",
) -> FileResult:
    """The result of a file whose processing was stopped (``timeout``) or died (``crashed``):
    one ``file_error`` problem row with the message (``found``: the original error, if any)."""
    rows = _file_problem(file, "file_error", message, found)
    return FileResult(file, sha256, size, 0, status, 0, 0, 1, seconds, rows)


def _file_problem(file: InputFile, code: str, message: str, found: str = "") -> Rows:
    return _problems_rows([make_problem(code, message, Source(file.name), found=found)])


def _problems_rows(problems: list[Problem]) -> Rows:
    return Rows(problems=tuple(problems_to_records(problems, None)))


@dataclass(frozen=True, slots=True)
class RunResult:
    """The combined frames of a run and the per-file results."""

    frames: Frames
    files: tuple[FileResult, ...]
    seconds: float
    panel: Panel

    @property
    def failed(self) -> tuple[FileResult, ...]:
        return tuple(r for r in self.files if not status_is_read(r.status))


def run(
    files: Iterable[InputFile],
    policies: Sequence[Policy],
    on_file: Callable[[FileResult], None] | None = None,
    panel_settings: PanelSettings | None = None,
) -> RunResult:
    """Process files in order; ``on_file`` is called after each (for progress display). The
    panel (``projects``, ``series``) is built over all of them with ``panel_settings``."""
    started = time.perf_counter()
    results = []
    for file in files:
        result = file_to_result(file, policies)
        results.append(result)
        if on_file is not None:
            on_file(result)
    # the same table read twice is marked over the whole run, as `jixiao run` marks it
    rows = rows_with_duplicates(concat_rows(r.rows for r in results))
    panel = records_to_panel(rows.tables, rows.indicators, panel_settings)
    frames = rows_to_frames(rows)
    return RunResult(frames, tuple(results), time.perf_counter() - started, panel)
