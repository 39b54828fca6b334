"""One file, opened to look into in a notebook: ``jixiao.open(path)``, as ``pdfplumber.open``.

A :class:`Document` reads its file once, when opened, and keeps what every stage made of it:
the grids its reader found (:attr:`Document.grids`, 自评表 or not), the 自评表 the layout reader
read from them (:attr:`Document.tables`, :class:`~jixiao.model.table.SelfEvalTable` records that
keep every cell's raw text and source), and the scored rows as the four frames of the output
contract (:attr:`Document.frames`, :attr:`Document.problems`). :meth:`Document.show` draws what
``jixiao show`` draws. The file stays open (a PDF's pages render from it) until
:meth:`Document.close` or the end of a ``with`` block.

>>> import jixiao
>>> with jixiao.open("fixtures/seed/000_a203d4b834672a09.txt") as doc:
...     print(doc)
...     print(doc.tables[0].project_name.raw, len(doc.tables[0].indicators))
...     print(doc.frames.tables[["table_id", "score_total"]].head(2).to_string(index=False))
<Document 000_a203d4b834672a09.txt: tsv, 6 grids, 6 自评表, 9 problems>
市政府办公厅专项工作业务经费 7
                  table_id  score_total
000_a203d4b834672a09.txt#1        94.95
000_a203d4b834672a09.txt#2        95.22
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING

from jixiao.extract.readers import Reading, path_to_kind, read_file
from jixiao.extract.readers.crops import DEFAULT_DPI
from jixiao.model.frames import Frames, rows_to_frames
from jixiao.model.grid import Grid
from jixiao.model.pane import SourcePane
from jixiao.model.table import SelfEvalTable
from jixiao.pipeline.census import SeenGrid
from jixiao.pipeline.discover import InputFile
from jixiao.pipeline.runner import ReadTable, reading_to_rows
from jixiao.score import Policy

if TYPE_CHECKING:
    from types import TracebackType

    import pandas as pd
    from PIL import Image

__all__ = ["Document", "open_document"]


class Document:
    """A file read by jixiao, still open: its grids, 自评表, rows and problems.

    ``name``: the file's name in the outputs; ``kind``: the kind of document its suffix claims
    (``pdf``, ``tsv``, ``html`` …); ``pages``: its page count (0 for forms without pages).
    """

    def __init__(self, path: Path, reading: Reading, read: list[ReadTable], frames: Frames):
        self.path = path
        self.name = path.name
        self.kind = path_to_kind(path)
        self.pages = reading.pages
        self._reading = reading
        self._read = read
        self._frames = frames

    @property
    def grids(self) -> tuple[Grid, ...]:
        """Every table the reader found, in order, 自评表 or not."""
        return self._reading.grids

    @property
    def tables(self) -> tuple[SelfEvalTable, ...]:
        """The 自评表 read from the grids, in table-id order (``<name>#1``, ``#2`` …)."""
        return tuple(read.table for read in self._read)

    @property
    def table_ids(self) -> tuple[str, ...]:
        return tuple(read.table_id for read in self._read)

    @property
    def frames(self) -> Frames:
        """The rows of this file in the four frames of the output contract."""
        return self._frames

    @property
    def problems(self) -> pd.DataFrame:
        """Every problem found in the file, one row each (the ``problems`` frame)."""
        return self._frames.problems

    def pane(self, table: int = 1, dpi: float = DEFAULT_DPI) -> SourcePane:
        """What the report shows of a 自评表's source (1-based ``table``): page images of a PDF
        or a scan, the lines of a text file."""
        return self._reading.pane(self._read[self._table_index(table)].grid, dpi)

    def show(
        self, page: int | None = None, table: int | None = None, dpi: float = DEFAULT_DPI
    ) -> Image.Image | str:
        """What ``jixiao show`` draws: for a PDF, a page (``page``, or the first page of
        ``table``) with the cells of each 自评表 on it outlined and labelled, and in grey the
        grids on it that gave no 自评表 (or, with none, the cells pdfplumber's table finder
        sees there), as an image; for other forms, the grid laid out as text."""
        from jixiao.report.show import (  # noqa: PLC0415 - Pillow and PDFium, when drawing
            grid_to_text,
            pdf_page_to_found,
            pdf_to_debug_image,
            seen_to_shown,
        )

        grids = [read.grid for read in self._read]
        if self.kind != "pdf":
            numbers = [table] if table is not None else range(1, len(grids) + 1)
            if table is not None:
                self._table_index(table)
            return "\n".join(grid_to_text(k, grids[k - 1]) for k in numbers)
        read = {id(grid) for grid in grids}
        seen = [SeenGrid(grid, id(grid) in read) for grid in self._reading.grids]
        reading = self._reading
        shown = seen_to_shown(seen, reading.titles, reading.problems, page, table)
        found = None if shown.tables or shown.unread else pdf_page_to_found(self.path, shown.page)
        return pdf_to_debug_image(
            self.path, shown.tables, shown.page, dpi, shown.unread, shown.notes, found
        )

    def close(self) -> None:
        """Let the file go (a PDF's pages can no longer be rendered)."""
        self._reading.close()

    def __enter__(self) -> Document:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        pages = f", {self.pages} pages" if self.pages else ""
        return (
            f"<Document {self.name}: {self.kind}{pages}, {len(self.grids)} grids, "
            f"{len(self._read)} 自评表, {len(self._frames.problems)} problems>"
        )

    def _table_index(self, table: int) -> int:
        if not 1 <= table <= len(self._read):
            count = len(self._read)
            raise IndexError(f"table {table} not found: {self.name} has {count} 自评表")
        return table - 1


def open_document(path: str | PathLike[str], policies: tuple[Policy, ...]) -> Document:
    """Read one file and keep it open (see :func:`jixiao.open`). Raises ``FileNotFoundError``
    for a missing file and :class:`~jixiao.core.errors.InputError` (a ``ValueError``) for a
    text file that cannot be decoded; a damaged PDF, workbook or Word file is a document with
    no grids and a problem row saying why."""
    path = Path(path)
    data = path.read_bytes()
    reading = read_file(data, path=path, name=path.name)
    file = InputFile(path, path.name)
    try:
        rows, read = reading_to_rows(reading, file, policies)
    except BaseException:
        reading.close()
        raise
    return Document(path, reading, read, rows_to_frames(rows))
