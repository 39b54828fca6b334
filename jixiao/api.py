"""The Python API: 自评表 in, tidy pandas frames out, for a notebook or a script.

:func:`read` runs the whole pipeline in this process (find the files, extract, normalize,
score) and returns a :class:`Result` whose frames follow the same contract as the files
``jixiao run`` writes (README, Output contract). :func:`run` is the batch form the command line
uses: worker processes, per-file parts, resume, the combined outputs and the report.

>>> import jixiao
>>> result = jixiao.read("fixtures/seed", policy="shanghai-2024")
>>> result
<Result: 1 file (0 failed), 6 tables, 24 fund rows, 43 indicators, 1 problem>
>>> result.tables[["table_id", "score_total_reported", "score_total", "grade"]].head(3)
                     table_id  score_total_reported  score_total grade
0  000_a203d4b834672a09.txt#1                 94.95        94.95     优
1  000_a203d4b834672a09.txt#2                 95.22        95.22     优
2  000_a203d4b834672a09.txt#3                 82.82        82.82     良
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING

from jixiao.batch.columns import InputFiles
from jixiao.batch.parts import JournalRecords
from jixiao.batch.progress import Progress
from jixiao.batch.run import BatchResult, BatchSettings, run_batch
from jixiao.core.errors import InputNotFoundError, NoInputsError
from jixiao.document import Document, open_document
from jixiao.export import DEFAULT_FORMATS, REPORT_NAME
from jixiao.export.write import write_frames
from jixiao.extract.readers import INPUT_SUFFIXES
from jixiao.model.frames import records_to_frame
from jixiao.pipeline.discover import Filters, InputFile, discover
from jixiao.pipeline.runner import FileResult
from jixiao.pipeline.runner import run as run_in_process
from jixiao.report import DEFAULT_LIMIT
from jixiao.score import AUTO, Frames, Policy, auto_candidates, load_policy
from jixiao.score.panel import PanelSettings

if TYPE_CHECKING:
    import pandas as pd

    from jixiao.report.build import ReportCollector

__all__ = ["Document", "Result", "open", "policies_for", "read", "run"]

PathArg = str | PathLike[str]
PolicyArg = str | PathLike[str] | Policy | Sequence[Policy]


@dataclass(frozen=True, slots=True)
class Result:
    """What :func:`read` found: four frames (the output contract), the two panel frames and a
    summary per file.

    ``tables``: one row per 自评表; ``funds``: its 项目资金 rows; ``indicators``: its
    三级指标 rows with the parsed targets, actuals and recomputed scores; ``problems``: every
    disagreement, doubt and unreadable cell or file, tied to its table and cell. ``projects``:
    one row per project and year; ``series``: one row per indicator and year, with the flags
    (docs/outputs.md, The panel).
    """

    tables: pd.DataFrame
    funds: pd.DataFrame
    indicators: pd.DataFrame
    problems: pd.DataFrame
    files: tuple[FileResult, ...]
    projects: pd.DataFrame
    series: pd.DataFrame

    @property
    def frames(self) -> Frames:
        return Frames(self.tables, self.funds, self.indicators, self.problems)

    @property
    def panel(self) -> dict[str, pd.DataFrame]:
        """The panel frames by name: ``projects`` and ``series``."""
        return {"projects": self.projects, "series": self.series}

    def __repr__(self) -> str:
        """Counts, as a DataFrame's shape: the frames themselves are one attribute away."""
        failed = sum(f.status != "ok" for f in self.files)
        counts = (
            (len(self.tables), "table"),
            (len(self.funds), "fund row"),
            (len(self.indicators), "indicator"),
            (len(self.problems), "problem"),
        )
        rows = ", ".join(_count(n, word) for n, word in counts)
        return f"<Result: {_count(len(self.files), 'file')} ({failed} failed), {rows}>"

    def to_dir(
        self,
        out_dir: PathArg,
        *,
        formats: Sequence[str] = DEFAULT_FORMATS,
        labels: str = "en",
        report: bool = True,
        report_limit: int = DEFAULT_LIMIT,
    ) -> list[Path]:
        """Write the frames as ``jixiao run`` does (CSV with BOM, Parquet, XLSX) and, with
        ``report``, ``report.html``; return the paths written."""
        out = Path(out_dir)
        written = write_frames(self.frames, out, formats, labels, self.panel)
        if report:
            from jixiao.report.build import (  # noqa: PLC0415 - when a page is asked
                InputPaths,
                write_report,
            )

            sources = InputPaths(r.file for r in self.files)
            pages = sum(r.pages for r in self.files)
            materials = [r.material for r in self.files if r.material is not None]

            written.append(
                write_report(
                    self.frames,
                    sources,
                    out / REPORT_NAME,
                    limit=report_limit,
                    pages=pages,
                    materials=materials,
                )
            )
        return written


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def policies_for(policy: PolicyArg) -> tuple[Policy, ...]:
    """The policies a table is scored under: a built-in name, a TOML file, a :class:`Policy`,
    several policies, or ``"auto"`` (every built-in and its rule variants; per table the one
    that reproduces the most printed numbers).

    >>> [p.name for p in policies_for("national")]
    ['national']
    """
    if isinstance(policy, Policy):
        return (policy,)
    if isinstance(policy, str | PathLike):
        value = str(policy)
        return auto_candidates() if value == AUTO else (load_policy(value),)
    policies = tuple(policy)
    if not policies:
        raise ValueError("policy: give at least one policy")
    return policies


def _paths(paths: PathArg | Iterable[PathArg]) -> list[Path]:
    if isinstance(paths, str | PathLike):
        return [Path(paths)]
    return [Path(p) for p in paths]


def _files(paths: PathArg | Iterable[PathArg], filters: Filters) -> list[InputFile]:
    roots = _paths(paths)
    missing = [str(p) for p in roots if not p.exists()]
    if missing:
        raise InputNotFoundError(missing)
    files = discover(roots, filters)
    if not files:
        suffixes = ", ".join(sorted(INPUT_SUFFIXES))
        hint = " (check include/exclude)" if filters.include or filters.exclude else ""
        where = ", ".join(map(str, roots))
        raise NoInputsError(f"no {suffixes} files found in {where}{hint}")
    return files


def read(
    paths: PathArg | Iterable[PathArg],
    policy: PolicyArg = "national",
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    panel: PanelSettings | None = None,
) -> Result:
    """Read every 自评表 in ``paths`` (files or directories, searched recursively) in this
    process. A file that cannot be read becomes a ``problems`` row; nothing is raised for it.

    Raises ``FileNotFoundError`` (:class:`~jixiao.core.errors.InputNotFoundError`) for a path
    that does not exist, :class:`~jixiao.core.errors.NoInputsError` when ``paths`` hold no
    input file and :class:`~jixiao.core.errors.PolicyError` for an unknown or invalid policy.
    ``panel`` sets the panel's flags (:class:`~jixiao.score.panel.PanelSettings`: the execution
    rate below which a full self-score is flagged, 90% by default).
    """
    files = _files(paths, Filters(tuple(include), tuple(exclude)))
    ran = run_in_process(files, policies_for(policy), panel_settings=panel)
    frames = ran.frames
    projects = records_to_frame("projects", ran.panel.projects)
    series = records_to_frame("series", ran.panel.series)
    return Result(
        frames.tables,
        frames.funds,
        frames.indicators,
        frames.problems,
        ran.files,
        projects,
        series,
    )


def open(path: PathArg, policy: PolicyArg = "national") -> Document:  # noqa: A001 - as pdfplumber.open
    """Open one file to look into, as ``pdfplumber.open`` does: its grids, its 自评表 as read,
    their rows and problems (scored under ``policy``, as :func:`read` scores), and a page
    drawing as ``jixiao show`` makes. Use it in a ``with`` block, or call ``close()``.

    >>> import jixiao
    >>> with jixiao.open("fixtures/pdf/lo_seed.pdf") as doc:
    ...     doc
    ...     doc.tables[0].title, doc.tables[0].indicators[0].target.raw
    ...     doc.show(page=1).size, len(doc.pane(1).crops)
    <Document lo_seed.pdf: pdf, 6 pages, 6 grids, 6 自评表, 9 problems>
    ('财政项目支出绩效自评表', '≥200(次)')
    ((910, 1287), 1)
    """
    return open_document(path, policies_for(policy))


def run(
    paths: PathArg | Iterable[PathArg],
    out_dir: PathArg,
    policy: PolicyArg = "national",
    *,
    settings: BatchSettings | None = None,
    filters: Filters | None = None,
    report_limit: int = DEFAULT_LIMIT,
    progress: Progress | None = None,
) -> BatchResult:
    """``jixiao run``: read ``paths`` in worker processes into ``out_dir`` (per-file parts,
    the combined frames, ``manifest.json`` and, unless interrupted, ``report.html``, all
    switched in at once: a run that fails leaves the last complete one)."""
    roots = _paths(paths)
    files = InputFiles(_files(roots, filters or Filters()))  # columns: no object per file
    report = _RunReport(report_limit, files)
    return run_batch(
        files,
        policies_for(policy),
        Path(out_dir),
        settings or BatchSettings(),
        progress=progress,
        inputs=[str(p) for p in roots],
        on_result=report.add_result,
        material=report_limit > 0,
        prepare=report.loading,
        beside_outputs=report.write,
        idle=report.draw_next,
    )


@dataclass(slots=True)
class _RunReport:
    """A run's report.html: its cards drawn as files finish, the page written with the run.
    The report's code loads once the first files are being read, a step at a time beside them
    (:meth:`loading`, the run's ``prepare``): ~0.1 s not before the first file."""

    limit: int
    files: Sequence[InputFile]
    collector: ReportCollector | None = None
    drawing: bool = False  # the templates compiled: cards can be drawn

    def loading(self) -> Iterator[None]:
        """The collector, then the templates compiled, a step at a time."""
        from jixiao.report.build import loading_renderer  # noqa: PLC0415

        self._collector()
        yield
        yield from loading_renderer()
        self.drawing = True

    def add_result(self, result: FileResult) -> None:
        self._collector().add_result(result)

    def draw_next(self) -> bool:
        """A card drawn, if the templates are ready and one is waiting."""
        return self.drawing and self._collector().draw_next()

    def write(self, staged: Path, records: JournalRecords) -> None:
        """report.html, written with the run before it replaces ``out_dir``."""
        from jixiao.report.build import write_batch_report  # noqa: PLC0415

        reused = [r for r in records if r.reused]
        write_batch_report(staged, records, self.files, self._collector(), reused)

    def _collector(self) -> ReportCollector:
        if self.collector is None:
            from jixiao.report.build import ReportCollector  # noqa: PLC0415 - ~20 ms

            self.collector = ReportCollector(self.limit, draw=True)
        return self.collector
