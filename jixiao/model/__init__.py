"""The data model, in one place: the values that pass between the stages.

- :mod:`jixiao.model.source`: where a value came from (:class:`Source`), what went wrong
  (:class:`Problem`) and how much it matters (:class:`Severity`);
- :mod:`jixiao.model.grid`: what a reader makes of a source, a :class:`Grid` of cells with
  their spans, raw text and source;
- :mod:`jixiao.model.table`: what the layout reader makes of a grid, a :class:`SelfEvalTable`
  whose every field keeps its raw text and source (:class:`CellText`);
- :mod:`jixiao.model.frames`: the output contract, the four tidy frames (``tables``, ``funds``,
  ``indicators``, ``problems``), their columns and dtypes (:data:`SCHEMA`).

Nothing here imports another part of jixiao, or pandas and pyarrow before a frame is built.
"""

from jixiao.model.frames import FRAME_NAMES, SCHEMA, Frames, Rows
from jixiao.model.grid import Cell, Grid
from jixiao.model.source import Problem, Severity, Source
from jixiao.model.table import CellText, FundRow, IndicatorRow, SelfEvalTable, TotalRow

__all__ = [
    "FRAME_NAMES",
    "SCHEMA",
    "Cell",
    "CellText",
    "Frames",
    "FundRow",
    "Grid",
    "IndicatorRow",
    "Problem",
    "Rows",
    "SelfEvalTable",
    "Severity",
    "Source",
    "TotalRow",
]
