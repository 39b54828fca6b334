"""A table as a grid of cells, whatever it was read from, and the titles printed around it.

Every source reader (text, PDF, web page, workbook, Word) produces :class:`Grid` values; the
layout reader only ever sees grids. A merged cell is one :class:`Cell` with ``rowspan``/``colspan``
greater than one, anchored at its top-left position. Text exports lose merges: there a merge
shows as blank cells, which the layout reader treats the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from jixiao.model.source import Problem, Source


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell: its top-left grid position, its spans, its raw text and where it came from.

    ``confidence`` is the text recognizer's confidence (0–1) for a cell read from an image
    (a scanned page), ``None`` for text read as text.
    """

    row: int
    col: int
    text: str
    source: Source
    rowspan: int = 1
    colspan: int = 1
    confidence: float | None = None

    def __post_init__(self) -> None:
        if self.row < 0 or self.col < 0:
            raise ValueError(f"cell position must be >= 0, got ({self.row}, {self.col})")
        if self.rowspan < 1 or self.colspan < 1:
            raise ValueError(f"cell spans must be >= 1, got ({self.rowspan}, {self.colspan})")


@dataclass(frozen=True, slots=True)
class Grid:
    """The cells of one table plus what was read around it.

    ``title`` and ``year_text`` come from the lines above the table (outside its ruling in a
    PDF, the ``# …自评表`` heading and ``(2024年度)`` line in text); ``context`` keeps any other
    lines read before the table so that nothing is lost. ``problems`` are what the source
    reader noticed (e.g. unreadable text) and travel with the grid. ``title_page``: the page
    the title is printed on when that is not ``page_start`` (a title at the foot of the page
    before the table's first row).
    """

    file: str
    source_kind: str  # "tsv", "pdf", "html", "xlsx", "xls" or "docx"
    cells: tuple[Cell, ...]
    n_rows: int
    n_cols: int
    title: str | None = None
    year_text: str | None = None
    page_start: int | None = None
    page_end: int | None = None
    line_start: int | None = None
    reader: str = ""
    context: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = field(default=())
    title_page: int | None = None

    def __post_init__(self) -> None:
        for cell in self.cells:
            if cell.row + cell.rowspan > self.n_rows or cell.col + cell.colspan > self.n_cols:
                raise ValueError(
                    f"cell at ({cell.row}, {cell.col}) with spans ({cell.rowspan}, "
                    f"{cell.colspan}) lies outside the {self.n_rows}x{self.n_cols} grid"
                )

    def matrix(self) -> list[list[Cell | None]]:
        """Rows of anchor cells: a merged cell appears once, at its top-left position.

        Positions covered by a merge (and positions with no cell) are ``None``; this is the
        same picture a text export gives, where a merge shows as blank cells.
        """
        rows: list[list[Cell | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for cell in self.cells:
            rows[cell.row][cell.col] = cell
        return rows

    def iter_nonempty(self) -> Iterator[Cell]:
        """Every cell whose text is not blank."""
        return (cell for cell in self.cells if cell.text.strip())

    def texts(self) -> list[str]:
        """The texts of the non-blank cells (what
        :func:`~jixiao.core.vocabulary.is_self_evaluation` reads)."""
        return [cell.text for cell in self.iter_nonempty()]

    @property
    def source(self) -> Source:
        """Where the table starts."""
        return Source(self.file, page=self.page_start, line=self.line_start)


@dataclass(frozen=True, slots=True)
class Title:
    """A line a reader saw that titles a 自评表 (``…项目支出绩效自评表``), and where it is
    (``page`` in a PDF, ``line`` in text): the census of tables counts titles against the
    tables read (:mod:`jixiao.pipeline.census`). ``heading``: the line is followed by another
    title with no table between them (``XX局2022年度项目支出绩效自评表`` over the titled tables
    of an annex): it heads those tables rather than titling one."""

    text: str
    source: Source
    heading: bool = False
