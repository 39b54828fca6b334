"""extract: find 自评表 in source files and read them as tables, by their labels.

Two steps:

- :mod:`jixiao.extract.readers`: one reader per form of document (text, PDF, scan, web page,
  workbook, Word file) turns a file into :class:`~jixiao.model.grid.Grid` values (cells with
  row/col spans and provenance), e.g. :func:`~jixiao.extract.readers.text.text_to_grids`;
- :mod:`jixiao.extract.layout`: one layout reader, :func:`grid_to_table`, turns any grid into a
  :class:`~jixiao.model.table.SelfEvalTable` by finding its labels, never by fixed positions,
  whatever form the grid came from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jixiao.extract.layout.table import grid_to_table
    from jixiao.extract.readers.text import text_to_grids

__all__ = ["grid_to_table", "text_to_grids"]

_WHERE = {
    "grid_to_table": "jixiao.extract.layout.table",
    "text_to_grids": "jixiao.extract.readers.text",
}


def __getattr__(name: str) -> Any:
    """``grid_to_table`` and ``text_to_grids`` load on first use: the command line imports
    :mod:`jixiao.extract.readers` for its constants without the layout reader."""
    if name in _WHERE:
        from importlib import import_module  # noqa: PLC0415 - only when asked for

        return getattr(import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'jixiao.extract' has no attribute {name!r}")
