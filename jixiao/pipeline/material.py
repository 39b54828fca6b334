"""What the spot-check report shows of a table besides its rows: its report material.

The worker that reads a file makes it while the file is open (one pass per file: the report
never opens a source again), and it travels with the file's result
(:attr:`~jixiao.pipeline.runner.FileResult.material`):

- :class:`TableMaterial`: the grid jixiao read, what was read from it (which cell holds which
  field, the cell each problem is about: :mod:`jixiao.pipeline.locate`) and the *source pane*
  its reader made (:class:`~jixiao.model.pane.SourcePane`: page images of a PDF or a scan, or
  the numbered source lines of a text file);
- :class:`FileMaterial`: the material of each 自评表 of one file.

A reader of a new form makes its pane itself (:attr:`jixiao.extract.readers.Reading.pane`);
nothing here changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from jixiao.model.grid import Cell, Grid
from jixiao.model.pane import BBox, Crop
from jixiao.model.source import Source

#: A grid cell as the report material carries it: plain values, which cross a process boundary
#: several times faster than the Cell and Source objects (row, col, text, rowspan, colspan,
#: and its Source's page, line, bbox, locator, stored).
CellValues = tuple[
    int, int, str, int, int, int | None, int | None, BBox | None, str | None, str | None
]


@dataclass(frozen=True, slots=True)
class TableMaterial:
    """One 自评表 as the report shows it beside its rows, in plain values.

    ``cells``, ``n_rows``, ``n_cols``, ``title``, ``year_text``, ``reader``: the grid jixiao read
    (:meth:`grid` rebuilds it);
    ``fields``: the field jixiao took from a cell, ``(row, col, field)``; ``rules``: the scoring
    rule of the indicator on a grid row, ``(row, rule)``; ``located``: the cell each of the
    table's problems is about, in the order of its problem rows (``(row, col)``, col None for
    a whole row; None for the whole table). ``crops``: the page images of a PDF table, a page
    each; ``lines``: the numbered source lines of a text table; ``note``: why neither could be
    made.
    """

    table_id: str
    file: str
    source_kind: str
    n_rows: int
    n_cols: int
    cells: tuple[CellValues, ...]
    title: str | None = None
    year_text: str | None = None
    reader: str = ""
    fields: tuple[tuple[int, int, str], ...] = ()
    rules: tuple[tuple[int, str], ...] = ()
    located: tuple[tuple[int, int | None] | None, ...] = ()
    crops: tuple[Crop, ...] = ()
    lines: tuple[tuple[int, str], ...] = ()
    note: str = ""

    def grid(self) -> Grid:
        """The grid, as the reader made it (the cells and their places)."""
        cells = tuple(
            Cell(
                row,
                col,
                text,
                Source(self.file, page, line, bbox, row, col, locator, stored),
                rowspan,
                colspan,
            )
            for row, col, text, rowspan, colspan, page, line, bbox, locator, stored in self.cells
        )
        return Grid(
            self.file,
            self.source_kind,
            cells,
            self.n_rows,
            self.n_cols,
            title=self.title,
            year_text=self.year_text,
            reader=self.reader,
        )


def grid_to_cell_values(grid: Grid) -> tuple[CellValues, ...]:
    """The cells of a grid as plain values (see :data:`CellValues`)."""
    return tuple(
        (
            c.row,
            c.col,
            c.text,
            c.rowspan,
            c.colspan,
            c.source.page,
            c.source.line,
            c.source.bbox,
            c.source.locator,
            c.source.stored,
        )
        for c in grid.cells
    )


@dataclass(frozen=True, slots=True)
class FileMaterial:
    """The report material of each 自评表 of one file, in table order."""

    name: str
    kind: str
    tables: tuple[TableMaterial, ...] = ()
