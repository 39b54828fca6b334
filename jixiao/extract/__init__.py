"""extract: find 自评表 in source files and read them as tables, by their labels.

Two steps, each a pure function:

- a *source reader* turns a file's content into :class:`~extract.grid.Grid` values
  (cells with row/col spans and provenance): :func:`jixiao.extract.tsv.text_to_grids` for
  tab-separated text;
- the *layout reader* :func:`jixiao.extract.layout.grid_to_table` turns one grid into a
  :class:`~extract.table.SelfEvalTable` by finding its labels, never by fixed positions.
"""

from jixiao.extract.grid import Cell, Grid
from jixiao.extract.layout import grid_to_table
from jixiao.extract.table import CellText, FundRow, IndicatorRow, SelfEvalTable, TotalRow
from jixiao.extract.tsv import text_to_grids

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
