"""Find the grid cell each ``problems`` row is about.

A row of the problems frame keeps only ``page``/``line`` and ``field``; the worker that read the
table matches each of its problems to a cell while it has the table at hand (the report
material, :mod:`jixiao.pipeline.material`):

- problems of the layout reader (``unread_cell``, ``row_realigned`` …) are in
  ``SelfEvalTable.problems`` with their full source: matched by code and message;
- scoring problems name a ``field`` (``execution_rate``, ``score_reported``, ``funds.spent`` …):
  the cells that carry that field in the table (:func:`table_to_slots`) are narrowed by the
  row's ``line`` (text) or ``page`` (PDF), then by the printed value in ``found`` and the
  indicator name quoted in the message.

A problem about the whole table (``year_mismatch``, ``missing_total`` …) has no cell.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from jixiao.core.errors import NumberParseError
from jixiao.model.source import Source
from jixiao.model.table import CellText, SelfEvalTable
from jixiao.normalize import clean_text, parse_decimal
from jixiao.score.disagreement import fmt
from jixiao.score.fund_rows import execution_fund_index

_FUND_FIELDS = ("budget_initial", "budget_adjusted", "spent", "weight", "rate", "score")
# Problem field → the IndicatorRow roles that can hold it, in the order score/ reads them
# (a 折算得分 counts before 得分; 权重占比 stands in for a missing 分值).
_INDICATOR_FIELDS = {
    "target_text": ("target", "target_adjusted"),
    "actual_text": ("actual",),
    "weight": ("weight", "share"),
    "score_reported": ("converted", "score"),
    "deviation_note": ("note",),
    "coefficient": ("coefficient",),
}
# Layout problems about a whole row (realigned, only group labels): the row is highlighted.
_ROW_FIELDS = frozenset({"indicator"})
_EVIDENCE = 4  # the fit of a slot whose text or indicator name the problem quotes


@dataclass(frozen=True, slots=True)
class ProblemRow:
    """One row of the problems frame, with its position in the frame (``index``)."""

    index: int
    table_id: str
    source_file: str
    page: int | None
    line: int | None
    field: str
    severity: str
    code: str
    kind: str
    message: str
    expected: str
    found: str
    row: int | None = None
    col: int | None = None


@dataclass(frozen=True, slots=True)
class Slot:
    """A cell (or a whole row when ``col`` is None) that holds one field of the table.

    ``name`` is the indicator name (三级指标) of an indicator cell, for matching messages.
    """

    field: str
    row: int
    col: int | None
    source: Source
    text: str
    name: str = ""


def record_to_problem_row(index: int, record: Mapping[str, Any]) -> ProblemRow:
    """One problems record (a frame's row or a plain record) as the ``index``-th row."""
    return ProblemRow(
        index=index,
        table_id=_str(record.get("table_id")),
        source_file=_str(record.get("source_file")),
        page=_int(record.get("page")),
        line=_int(record.get("line")),
        field=_str(record.get("field")),
        severity=_str(record.get("severity")),
        code=_str(record.get("code")),
        kind=_str(record.get("kind")),
        message=_str(record.get("message")),
        expected=_str(record.get("expected")),
        found=_str(record.get("found")),
        row=_int(record.get("row")),
        col=_int(record.get("col")),
    )


def is_missing(value: Any) -> bool:
    """``None``, ``pd.NA`` or NaN.

    >>> import pandas as pd
    >>> is_missing(pd.NA), is_missing(float("nan")), is_missing(""), is_missing(0)
    (True, True, False, False)
    """
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return type(value).__name__ == "NAType"  # pandas' NA, without loading pandas


def _str(value: Any) -> str:
    return "" if is_missing(value) else str(value)


def _int(value: Any) -> int | None:
    return None if is_missing(value) else int(value)


def _cell_slot(field: str, cell: CellText | None, name: str = "") -> Iterator[Slot]:
    if cell is not None and cell.source.row is not None:
        yield Slot(field, cell.source.row, cell.source.col, cell.source, cell.raw, name)


def table_to_slots(table: SelfEvalTable) -> list[Slot]:
    """Every cell of a table that a scoring problem can name, with the field it carries."""
    slots: list[Slot] = []
    for field_name, cell in (
        ("project_name", table.project_name),
        ("department", table.department),
        ("implementing_unit", table.implementing_unit),
        ("goal_planned", table.goal_planned),
        ("goal_achieved", table.goal_achieved),
    ):
        slots += _cell_slot(field_name, cell)
    execution_index = execution_fund_index(table.funds)
    for index, fund in enumerate(table.funds):
        for name in _FUND_FIELDS:
            cell = getattr(fund, name)
            slots += _cell_slot(f"funds.{name}", cell)
            if index == execution_index and name in ("rate", "score"):
                slots += _cell_slot(f"execution_{name}", cell or fund.label)
    for indicator in table.indicators:
        name = clean_text(indicator.level3.raw) if indicator.level3 else ""
        for field_name, attrs in _INDICATOR_FIELDS.items():
            cells = [c for role in attrs if (c := indicator.cell(role)) is not None]
            for cell in cells:
                slots += _cell_slot(field_name, cell, name)
            if not cells and indicator.source.row is not None:
                slots.append(
                    Slot(field_name, indicator.source.row, None, indicator.source, "", name)
                )
    if table.total is not None:
        label = table.total.source
        for field_name, cell in (
            ("weight_total_reported", table.total.weight),
            ("score_total_reported", table.total.score),
        ):
            if cell is not None:
                slots += _cell_slot(field_name, cell)
            elif label.row is not None:
                slots.append(Slot(field_name, label.row, label.col, label, ""))
    return slots


def _same_place(problem: ProblemRow, source: Source) -> bool:
    if problem.line is not None:
        return source.line == problem.line
    if problem.page is not None:
        return source.page == problem.page
    return True


def _number_text(text: str) -> str | None:
    try:
        return fmt(parse_decimal(text))
    except (NumberParseError, ValueError, ArithmeticError):
        return None


def _fit(problem: ProblemRow, slot: Slot) -> int:
    """How well a slot explains a problem (higher is better)."""
    score = 0
    if problem.found:
        if problem.found in (slot.text, clean_text(slot.text), _number_text(slot.text)):
            score += _EVIDENCE
        elif problem.found in slot.text:
            score += 1
    if slot.name and f"“{slot.name}”" in problem.message:
        score += _EVIDENCE
    if slot.col is not None:
        score += 1
    return score


def _layout_match(problem: ProblemRow, table: SelfEvalTable) -> Source | None:
    for candidate in table.problems:
        same = candidate.code == problem.code and candidate.message == problem.message
        if same and _same_place(problem, candidate.source):
            return candidate.source
    return None


@dataclass(frozen=True, slots=True)
class CellRef:
    """The grid position a problem is about; ``col`` None means the whole row."""

    row: int
    col: int | None


def locate_problems(
    problems: Iterable[ProblemRow], table: SelfEvalTable, slots: Sequence[Slot] | None = None
) -> dict[int, CellRef | None]:
    """Problem index → the cell it is about (``None`` for a problem about the whole table);
    ``slots``: the table's :func:`table_to_slots`, when already at hand."""
    slots = table_to_slots(table) if slots is None else slots
    used: dict[tuple[str, str], set[int]] = {}
    located: dict[int, CellRef | None] = {}
    for problem in problems:
        located[problem.index] = _locate(problem, table, slots, used)
    return located


def _locate(
    problem: ProblemRow,
    table: SelfEvalTable,
    slots: Sequence[Slot],
    used: dict[tuple[str, str], set[int]],
) -> CellRef | None:
    if problem.row is not None:
        return CellRef(problem.row, None if problem.field in _ROW_FIELDS else problem.col)
    source = _layout_match(problem, table)
    if source is not None:
        if source.row is None:
            return None
        return CellRef(source.row, None if problem.field in _ROW_FIELDS else source.col)
    candidates = [
        (i, slot)
        for i, slot in enumerate(slots)
        if slot.field == problem.field and _same_place(problem, slot.source)
    ]
    if not candidates:
        return None
    taken = used.setdefault((problem.code, problem.field), set())
    best = max(candidates, key=lambda item: (_fit(problem, item[1]), item[0] not in taken))
    if _fit(problem, best[1]) < _EVIDENCE and _wants_evidence(problem, len(candidates)):
        return None
    taken.add(best[0])
    return CellRef(best[1].row, best[1].col)


def _wants_evidence(problem: ProblemRow, candidates: int) -> bool:
    """Whether a match by place and field alone is too weak: on a PDF page many cells share
    the field, and a problem about a whole group (``found`` a sum, no cell's text) must not be
    pinned on one of them. One candidate on its own text line is taken."""
    return problem.line is None and candidates > 1 and bool(problem.found or "“" in problem.message)
