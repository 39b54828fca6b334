"""Read an input file again for the report and ``jixiao show``: its 自评表 grids by table id.

The frames keep no grid geometry, so the report reads each source file it shows a second time
with the same extract functions the runner uses. ``table_id`` is ``<name>#<n>``, where n counts
from 1 the grids of the file that :func:`jixiao.core.vocabulary.is_self_evaluation` accepts, in
order: :func:`grids_to_table_ids` gives that numbering.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from jixiao.batch.parts import json_to_grids
from jixiao.core.errors import InputError
from jixiao.core.vocabulary import is_self_evaluation
from jixiao.extract.readers.text import bytes_to_text, text_to_grids
from jixiao.model.grid import Grid
from jixiao.model.source import Problem
from jixiao.pipeline.discover import InputFile

if TYPE_CHECKING:  # the readers of PDFs, scans and documents load when such a file is read
    from jixiao.extract.readers.pdf.reader import PdfSettings


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One input read again: its 自评表 grids in table-id order, and its text lines.

    ``lines`` are the lines of a text input (empty for a PDF); ``error`` says why the file
    could not be read again (the report then shows its tables without the source);
    ``problems`` are what the PDF reader noticed (scanned or undecodable pages …).
    """

    name: str
    path: Path
    kind: str  # "tsv", "pdf", "image", or the kind of document its suffix claims ("html" …)
    grids: tuple[Grid, ...]
    lines: tuple[str, ...] = ()
    error: str = ""
    problems: tuple[Problem, ...] = ()

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


def file_kind(path: Path) -> str:
    return InputFile(path, path.name).kind


def read_source(
    path: Path, name: str, settings: PdfSettings | None = None, scanned: Path | None = None
) -> SourceFile:
    """Read one input file into its 自评表 grids; never raises (the error is kept instead).

    ``scanned``: the grids part the run wrote for a file it read by OCR; they are taken from
    there rather than read by OCR a second time.
    """
    kind = file_kind(path)
    try:
        if scanned is not None and scanned.is_file():
            grids = json_to_grids(scanned.read_text(encoding="utf-8"))
            return SourceFile(name, path, kind, tuple(self_eval_grids(grids)))
        if kind == "image":
            from jixiao.extract.readers.scan.files import image_to_extraction  # noqa: PLC0415 - OCR

            extraction = image_to_extraction(path, display_name=name)
            grids = tuple(self_eval_grids(extraction.grids))
            return SourceFile(name, path, kind, grids, problems=extraction.problems)
        if kind == "pdf":
            from jixiao.extract.readers.pdf.reader import pdf_to_extraction  # noqa: PLC0415 - PDF: ~0.2 s

            extraction = pdf_to_extraction(path, display_name=name, settings=settings)
            grids = tuple(self_eval_grids(extraction.grids))
            return SourceFile(name, path, kind, grids, problems=extraction.problems)
        if kind != "tsv":
            from jixiao.extract.readers.documents import document_to_extraction  # noqa: PLC0415 - ~0.5 s

            document = document_to_extraction(path.read_bytes(), file=name, claimed=kind)
            grids = tuple(self_eval_grids(document.grids))
            return SourceFile(name, path, kind, grids, problems=document.problems)
        text = bytes_to_text(path.read_bytes(), file=name)
    except (InputError, OSError) as error:
        return SourceFile(name, path, kind, (), error=str(error))
    found = tuple(self_eval_grids(text_to_grids(text, file=name)))
    return SourceFile(name, path, kind, found, lines=tuple(text.splitlines()))


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
