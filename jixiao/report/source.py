"""Read an input file again for the report and ``jixiao show``: its 自评表 grids by table id.

The frames keep no grid geometry, so the report reads each source file it shows a second time
with the same extract functions the runner uses. ``table_id`` is ``<name>#<n>``, where n counts
from 1 the grids of the file that :func:`jixiao.core.vocabulary.is_self_evaluation` accepts, in
order: :func:`grids_to_table_ids` gives that numbering.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from jixiao.batch.parts import json_to_grids
from jixiao.core.errors import InputError
from jixiao.core.vocabulary import is_self_evaluation
from jixiao.extract.readers import PaneMaker, ReadSettings, path_to_kind, read_file
from jixiao.extract.readers.crops import DEFAULT_DPI
from jixiao.model.grid import Grid, Title
from jixiao.model.pane import SourcePane
from jixiao.model.source import Problem
from jixiao.pipeline.census import SeenGrid

if TYPE_CHECKING:  # the readers of PDFs, scans and documents load when such a file is read
    from jixiao.extract.readers.pdf.settings import PdfSettings


def _no_pane(grid: Grid, dpi: float = DEFAULT_DPI) -> SourcePane:
    return SourcePane()


def _nothing() -> None:
    return None


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One input read again: its 自评表 grids in table-id order, and its text lines.

    ``error`` says why the file could not be read again (the report then shows its tables
    without the source); ``problems`` are what the reader noticed (scanned or undecodable
    pages …); ``pane`` makes a table's source pane while the file is open (``close``).
    """

    name: str
    path: Path
    kind: str  # "tsv", "pdf", "image", or the kind of document its suffix claims ("html" …)
    grids: tuple[Grid, ...]
    error: str = ""
    problems: tuple[Problem, ...] = ()
    pane: PaneMaker = _no_pane
    close: Callable[[], None] = _nothing
    #: every grid the reader gave, 自评表 or not, in its order (``jixiao show`` draws them all)
    seen: tuple[SeenGrid, ...] = ()
    titles: tuple[Title, ...] = ()  # the 自评表 titles the reader saw (the census of tables)

    def grid_of(self, table_id: str) -> Grid | None:
        """The grid of one table id of this file, if it is there."""
        return grids_to_table_ids(self.name, self.grids).get(table_id)


def self_eval_grids(grids: Iterable[Grid]) -> list[Grid]:
    """The grids the runner scores, in order: those that look like a 自评表."""
    return [grid for grid in grids if is_self_evaluation(grid.texts())]


def grids_to_table_ids(name: str, grids: Iterable[Grid]) -> dict[str, Grid]:
    """Table id → grid, numbering the 自评表 grids of file ``name`` from 1 as the runner does.

    >>> grids_to_table_ids("a.txt", [])
    {}
    """
    return {f"{name}#{n}": grid for n, grid in enumerate(self_eval_grids(grids), start=1)}


def read_source(
    path: Path, name: str, settings: PdfSettings | None = None, scanned: Path | None = None
) -> SourceFile:
    """Read one input file into its 自评表 grids; never raises (the error is kept instead).

    ``scanned``: the grids part the run wrote for a file it read by OCR; they are taken from
    there rather than read by OCR a second time.
    """
    kind = path_to_kind(path)
    try:
        if scanned is not None and scanned.is_file():
            grids = json_to_grids(scanned.read_text(encoding="utf-8"))
            from jixiao.report.image import path_to_pane  # noqa: PLC0415 - PDFium, OpenCV

            pane = functools.partial(path_to_pane, kind, path)
            return SourceFile(name, path, kind, tuple(self_eval_grids(grids)), pane=pane)
        options = ReadSettings(settings) if settings is not None else ReadSettings()
        reading = read_file(path.read_bytes(), path=path, name=name, settings=options)
    except (InputError, OSError) as error:
        return SourceFile(name, path, kind, (), error=str(error))
    seen = tuple(SeenGrid(grid, is_self_evaluation(grid.texts())) for grid in reading.grids)
    return SourceFile(
        name,
        path,
        kind,
        tuple(s.grid for s in seen if s.read),
        problems=reading.problems,
        pane=reading.pane,
        close=reading.close,
        seen=seen,
        titles=reading.titles,
    )


def pdf_page_count(path: Path) -> int:
    """The number of pages of a PDF, 0 when it cannot be opened."""
    try:
        import pypdfium2 as pdfium  # noqa: PLC0415 - a text run loads no PDF library

        doc = pdfium.PdfDocument(str(path))
    except (pdfium.PdfiumError, OSError):
        return 0
    try:
        return len(doc)
    finally:
        doc.close()
