"""The unit of work: read one file into frames, never stop on a bad file.

Each file is read on its own (:func:`file_to_result`); whatever goes wrong with it becomes a
``problems`` row naming the file, and the run goes on with the next one. :func:`run` processes
files one after another in this process and keeps every frame in memory (the library API, used
by the golden tests); parallel, resumable runs that write per-file parts are
:func:`jixiao.batch.run.run_batch`.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from jixiao.core.errors import InputError
from jixiao.core.model import Problem, Severity, Source
from jixiao.core.problems import error_text, error_to_chinese, make_problem, problem_code
from jixiao.core.vocabulary import is_self_evaluation
from jixiao.extract.documents import document_to_extraction
from jixiao.extract.grid import Grid
from jixiao.extract.layout import grid_to_table
from jixiao.extract.pdf import pdf_to_extraction
from jixiao.extract.scan.check import with_ocr_problems
from jixiao.extract.scan.files import image_to_extraction
from jixiao.extract.scan.read import OCR_READER
from jixiao.extract.tsv import bytes_to_text, text_to_grids
from jixiao.pipeline.census import (
    SeenGrid,
    Title,
    pages_to_titles,
    text_to_titles,
    titles_to_problems,
)
from jixiao.pipeline.discover import INPUT_SUFFIXES, InputFile, discover
from jixiao.score import (
    Frames,
    Policy,
    concat_frames,
    problems_to_records,
    records_to_frame,
    score_table_best,
)

__all__ = [
    "INPUT_SUFFIXES",
    "FileResult",
    "InputFile",
    "RunResult",
    "discover",
    "file_to_result",
    "run",
    "stopped_file_result",
]


@dataclass(frozen=True, slots=True)
class FileResult:
    """What one input file gave: its frames and a summary for the manifest."""

    file: InputFile
    sha256: str
    size: int
    pages: int
    status: str  # "ok", "failed" (no table read), "timeout" or "crashed" (see jixiao.batch.pool)
    tables: int
    indicators: int
    problems: int
    seconds: float
    frames: Frames
    # the grids of a file read by OCR (a scan), kept for the report: reading it again would
    # run the OCR again; empty for files read as text
    scanned: tuple[Grid, ...] = ()


def file_to_result(file: InputFile, policies: Sequence[Policy]) -> FileResult:
    """Read, extract, normalize and score one file. Never raises.

    With one policy every table is scored under it; with several, each table under the one
    that reproduces the most of its printed numbers (``--policy auto``).
    """
    started = time.perf_counter()
    data = b""
    pages = 0
    scanned: tuple[Grid, ...] = ()
    try:
        data = file.path.read_bytes()
        grids, problems, pages, titles = _file_to_grids(data, file)
        frames = _grids_to_frames(grids, problems, file, policies, titles)
        if any(grid.reader == OCR_READER for grid in grids):
            scanned = tuple(grids)
    except InputError as error:
        reason = problem_code(error.code).description
        frames = _file_problem(file, error.code, f"无法读取文件：{reason}", str(error))
    except Exception as error:  # a broken file must never stop a batch run: it becomes a row
        message = f"处理文件时出错：{error_to_chinese(error)}"
        frames = _file_problem(file, "file_error", message, error_text(error))
    tables = len(frames.tables)
    return FileResult(
        file=file,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        pages=pages,
        status="ok" if tables else "failed",
        tables=tables,
        indicators=len(frames.indicators),
        problems=len(frames.problems),
        seconds=time.perf_counter() - started,
        frames=frames,
        scanned=scanned,
    )


def _file_to_grids(
    data: bytes, file: InputFile
) -> tuple[list[Grid], list[Problem], int, list[Title]]:
    """The grids of a file, the problems met reading it, its page count (0 for text), and the
    titles of 自评表 it shows (:mod:`jixiao.pipeline.census`)."""
    if file.kind == "pdf":
        extraction = pdf_to_extraction(file.path, display_name=file.name)
        titles = pages_to_titles(extraction.titles, file=file.name)
        return list(extraction.grids), list(extraction.problems), extraction.pages, titles
    if file.kind == "image":  # a scan: no text layer to find titles in
        extraction = image_to_extraction(file.path, display_name=file.name)
        return list(extraction.grids), list(extraction.problems), extraction.pages, []
    if file.kind != "tsv":  # web pages, workbooks, Word files: the tables' own titles only
        document = document_to_extraction(data, file=file.name, claimed=file.kind)
        return list(document.grids), list(document.problems), 0, []
    text = bytes_to_text(data, file=file.name)
    return text_to_grids(text, file=file.name), [], 0, text_to_titles(text, file=file.name)


def _grids_to_frames(
    grids: Iterable[Grid],
    problems: list[Problem],
    file: InputFile,
    policies: Sequence[Policy],
    titles: Sequence[Title] = (),
) -> Frames:
    parts: list[Frames] = []
    seen = []
    for grid in grids:
        read = is_self_evaluation(grid.texts())
        seen.append(SeenGrid(grid, read))
        if not read:
            continue
        table = with_ocr_problems(grid_to_table(grid), grid)
        table_id = f"{file.name}#{len(parts) + 1}"
        parts.append(score_table_best(table, table_id=table_id, policies=policies))
    skipped = [*problems, *titles_to_problems(titles, seen, problems)]
    if not parts and not any(p.severity is Severity.ERROR for p in skipped):
        skipped.append(
            make_problem(
                "no_tables",
                "文件中未找到绩效自评表（需要“项目名称”和“绩效指标”等标签）",
                Source(file.name),
            )
        )
    return concat_frames([*parts, _problems_frames(skipped)])


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
    frames = _file_problem(file, "file_error", message, found)
    return FileResult(file, sha256, size, 0, status, 0, 0, 1, seconds, frames)


def _file_problem(file: InputFile, code: str, message: str, found: str = "") -> Frames:
    return _problems_frames([make_problem(code, message, Source(file.name), found=found)])


def _problems_frames(problems: list[Problem]) -> Frames:
    return Frames(
        tables=records_to_frame("tables", []),
        funds=records_to_frame("funds", []),
        indicators=records_to_frame("indicators", []),
        problems=records_to_frame("problems", problems_to_records(problems, None)),
    )


@dataclass(frozen=True, slots=True)
class RunResult:
    """The combined frames of a run and the per-file results."""

    frames: Frames
    files: tuple[FileResult, ...]
    seconds: float

    @property
    def failed(self) -> tuple[FileResult, ...]:
        return tuple(r for r in self.files if r.status != "ok")


def run(
    files: Iterable[InputFile],
    policies: Sequence[Policy],
    on_file: Callable[[FileResult], None] | None = None,
) -> RunResult:
    """Process files in order; ``on_file`` is called after each (for progress display)."""
    started = time.perf_counter()
    results = []
    for file in files:
        result = file_to_result(file, policies)
        results.append(result)
        if on_file is not None:
            on_file(result)
    frames = concat_frames(r.frames for r in results)
    return RunResult(frames, tuple(results), time.perf_counter() - started)
