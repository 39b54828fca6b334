"""What the layout reader's parts share: the reading state and small helpers over grid rows.

A row is the list of anchor cells of one grid row (``None`` where a merge covers the position
or no cell is printed), as :meth:`~jixiao.model.grid.Grid.matrix` gives it. Labels are
compared through :func:`~jixiao.core.labels.label_key` (width-folded, simplified
characters); texts that are kept (values, the names of extra columns) stay as printed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import regex

from jixiao.core import labels
from jixiao.core.problems import ProblemLog
from jixiao.model.grid import Cell, Grid
from jixiao.model.table import CellText, Extra
from jixiao.normalize.vocab import COLUMN_BLANKS, PRINTED_NUMBER

Row = list[Cell | None]
FieldOf = Callable[[str], str | None]

#: A printed number: '25.00', '1,500', '100%', '-3'.
NUMBER = regex.compile(rf"^[+-]?{PRINTED_NUMBER}$")
#: Cells that stand for "nothing here" in a number column, as :func:`key` gives them (width-folded:
#: ``／`` is ``/``, ``……`` is ``......``).
NOT_APPLICABLE = frozenset(labels.label_key(mark) for mark in COLUMN_BLANKS)


@dataclass(slots=True)
class Reading:
    """Mutable state while one grid is read: which cells were used, what went wrong, and the
    cells kept for the table's ``extra``."""

    grid: Grid
    rows: list[Row]
    used: set[tuple[int, int]] = field(default_factory=set)
    log: ProblemLog = field(default_factory=ProblemLog)
    extra: list[tuple[str, CellText]] = field(default_factory=list)

    def take(self, cell: Cell | None) -> CellText | None:
        if cell is None:
            return None
        self.used.add((cell.row, cell.col))
        return CellText(cell.text, cell.source)

    def keep(self, name: str, cell: Cell) -> None:
        """Keep a cell that has no field in the table's ``extra``, under ``name``."""
        text = self.take(cell)
        assert text is not None
        self.extra.append((name, text))


def key(cell: Cell | None) -> str:
    return labels.label_key(cell.text) if cell is not None else ""


def blank(cell: Cell | None) -> bool:
    return cell is None or not cell.text.strip()


def at(row: Row, col: int) -> Cell | None:
    return row[col] if 0 <= col < len(row) else None


def first_cell(row: Row) -> Cell | None:
    return next((c for c in row if c is not None), None)


def nonblank(row: Row) -> list[Cell]:
    return [c for c in row if c is not None and c.text.strip()]


def first_of(*candidates: int | None) -> int:
    return min(c for c in candidates if c is not None)


def find_row(rows: Sequence[Row], test: Callable[[str], bool]) -> int | None:
    for index, row in enumerate(rows):
        if any(test(key(cell)) for cell in row if cell is not None):
            return index
    return None


def fields_of(row: Row, to_field: FieldOf) -> set[str]:
    return {name for c in row if c is not None and (name := to_field(c.text)) is not None}


def find_header(
    rows: Sequence[Row],
    to_field: FieldOf,
    stop: int | None = None,
    needs: Sequence[str] = (),
) -> int | None:
    """The first row (before ``stop``) where three or more cells name fields, one of them in
    ``needs`` when given."""
    for index, row in enumerate(rows[:stop]):
        found = fields_of(row, to_field)
        if len(found) >= 3 and (not needs or found.intersection(needs)):
            return index
    return None


def columns_of(row: Row, to_field: FieldOf) -> dict[str, int]:
    """Field → column of a header row (the first column naming each field)."""
    columns: dict[str, int] = {}
    for col, cell in enumerate(row):
        name = to_field(cell.text) if cell is not None else None
        if name is not None and name not in columns:
            columns[name] = col
    return columns


def extra_columns(
    header: Row, columns: dict[str, int], to_field: FieldOf, first: int
) -> dict[int, str]:
    """Header cells right of the first field that name no field: column → header as printed."""
    taken = set(columns.values())
    return {
        col: labels.printed_key(cell.text)
        for col, cell in enumerate(header)
        if col > first
        and col not in taken
        and cell is not None
        and not blank(cell)
        and to_field(cell.text) is None
    }


def extra_cells(state: Reading, row: Row, columns: dict[int, str], shift: int = 0) -> Extra:
    found = []
    for col, name in columns.items():
        cell = at(row, col + shift)
        if not blank(cell):
            found.append((name, state.take(cell)))
    return tuple((name, text) for name, text in found if text is not None)


def is_number(cell: Cell | None) -> bool:
    return NUMBER.match(key(cell)) is not None
