"""extract: find 自评表 in source files and read them as tables, by their labels.

Two steps, each a pure function:

- a *source reader* turns a file's content into :class:`~extract.grid.Grid` values
  (cells with row/col spans and provenance): :func:`extract.tsv.text_to_grids` for
  tab-separated text;
- the *layout reader* :func:`extract.layout.grid_to_table` turns one grid into a
  :class:`~extract.table.SelfEvalTable` by finding its labels, never by fixed positions.
"""

from extract.grid import Cell, Grid
from extract.layout import grid_to_table
from extract.table import CellText, FundRow, IndicatorRow, SelfEvalTable, TotalRow
from extract.tsv import text_to_grids

__all__ = [
    "Cell",
    "CellText",
    "FundRow",
    "Grid",
    "IndicatorRow",
    "SelfEvalTable",
    "TotalRow",
    "grid_to_table",
    "text_to_grids",
]
