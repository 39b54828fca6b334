"""Doubt made visible: every cell read by OCR that may be misread becomes a problem row.

A cell is in doubt when the recognizer's confidence in it is low (the lowest probability of any
of its characters is under :data:`LOW_CONFIDENCE`), or when its text does not fit the grammar
of the field the layout reader placed it in: a weight or score that is not a number (``IO``), a
rate that is not a percentage (``880%^80%``), a target or actual value that cannot be read.
Each such cell gives one ``ocr_low_confidence`` warning with its place, its text and the
confidence, so a person can check it against the scan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

from jixiao.core.errors import NumberParseError
from jixiao.core.problems import make_problem
from jixiao.extract.readers.pdf.text import is_wide
from jixiao.extract.readers.scan.text import DASH, is_dash
from jixiao.model.grid import Cell, Grid
from jixiao.model.source import Problem
from jixiao.model.table import CellText, SelfEvalTable
from jixiao.normalize.actual import parse_actual
from jixiao.normalize.numbers import parse_amount, parse_decimal
from jixiao.normalize.target import parse_target

CODE = "ocr_low_confidence"
LOW_CONFIDENCE = 0.5  # a character recognized with less probability than this is in doubt

Grammar = Callable[[str], bool]  # whether a cell's text fits its field


def is_number(text: str) -> bool:
    """A number, a blank or a "not applicable" mark.

    >>> is_number("99.49%"), is_number("—"), is_number("IO"), is_number("880%^80%")
    (True, True, False, False)
    """
    try:
        parse_decimal(text)
    except NumberParseError:
        return False
    return True


def is_amount(text: str) -> bool:
    """A number that may carry a unit (``620.82万元``), or a blank."""
    try:
        parse_amount(text)
    except NumberParseError:
        return False
    return True


def is_target(text: str) -> bool:
    return parse_target(text).kind != "unparsed" or not text.strip()


def is_actual(text: str) -> bool:
    return parse_actual(text).kind != "unparsed" or not text.strip()


def _anything(_text: str) -> bool:
    return True


_NUMBER_GRAMMARS: tuple[Grammar, ...] = (is_number, is_amount)


def _only_wide(text: str) -> bool:
    return all(is_wide(ch) for ch in "".join(text.split()))


def table_to_fields(table: SelfEvalTable) -> Iterator[tuple[str, CellText, Grammar]]:
    """Every field cell of a table with the grammar its text must fit."""
    named = (
        ("project_name", table.project_name),
        ("department", table.department),
        ("implementing_unit", table.implementing_unit),
        ("goal_planned", table.goal_planned),
        ("goal_achieved", table.goal_achieved),
    )
    for name, cell in named:
        if cell is not None:
            yield name, cell, _anything
    for fund in table.funds:
        funds: tuple[tuple[str, CellText | None, Grammar], ...] = (
            ("budget_initial", fund.budget_initial, is_amount),
            ("budget_adjusted", fund.budget_adjusted, is_amount),
            ("spent", fund.spent, is_amount),
            ("weight", fund.weight, is_number),
            ("execution_rate", fund.rate, is_number),
            ("score", fund.score, is_number),
        )
        for name, cell, grammar in funds:
            if cell is not None:
                yield name, cell, grammar
    for row in table.indicators:
        indicators: tuple[tuple[str, CellText | None, Grammar], ...] = (
            ("level1", row.level1, _anything),
            ("level2", row.level2, _anything),
            ("level3", row.level3, _anything),
            ("target", row.target, is_target),
            ("actual", row.actual, is_actual),
            ("weight", row.weight, is_number),
            ("score", row.score, is_number),
            ("deviation_note", row.note, _anything),
            *((name, row.cell(name), is_number) for name in sorted(_NUMBER_ROLES)),
        )
        for name, cell, grammar in indicators:
            if cell is not None and not (name.startswith("level") and row.inherited):
                yield name, cell, grammar
    if table.total is not None:
        for name, cell in (
            ("weight_total", table.total.weight),
            ("score_total", table.total.score),
        ):
            if cell is not None:
                yield name, cell, is_number


def _problem(cell: Cell, confidence: float, field: str, fits: bool) -> Problem:
    doubt = "置信度低" if fits else "不符合该栏的格式"
    return make_problem(
        CODE,
        f"扫描件文字识别结果存疑（{doubt}）：“{cell.text}”，识别置信度 {confidence:.2f}，"
        "请对照原件核对",
        cell.source,
        field,
        found=cell.text,
    )


def _key(text: CellText) -> tuple[int, int] | None:
    row, col = text.source.row, text.source.col
    return None if row is None or col is None else (row, col)


def table_to_ocr_problems(table: SelfEvalTable, grid: Grid) -> tuple[Problem, ...]:
    """One problem per OCR'd cell in doubt (low confidence, or text that misfits its field),
    in grid order. A lone dash in a number field is not in doubt: which dash it is does not
    matter (see :func:`table_with_dashes`)."""
    recognized = {(c.row, c.col): c for c in grid.cells if c.confidence is not None}
    if not recognized:
        return ()
    fields: dict[tuple[int, int], tuple[str, bool]] = {}
    dashes: set[tuple[int, int]] = set()
    for name, text, grammar in table_to_fields(table):
        key = _key(text)
        if key is None or key not in recognized:
            continue
        if grammar in _NUMBER_GRAMMARS and is_dash(text.raw):
            dashes.add(key)
            continue
        # a number cell holding only Chinese (a unit, a label) is the layout's doing
        fits = grammar(text.raw) or (grammar is not _anything and _only_wide(text.raw))
        known = fields.get(key)
        if known is None or (known[1] and not fits):
            fields[key] = (name, fits)
    problems: list[Problem] = []
    for key in sorted(recognized):
        cell = recognized[key]
        confidence = cell.confidence if cell.confidence is not None else 1.0
        name, fits = fields.get(key, ("", True))
        if key in dashes and key not in fields:
            continue
        if confidence < LOW_CONFIDENCE or not fits:
            problems.append(_problem(cell, confidence, name, fits))
    return tuple(problems)


#: The roles of an indicator row besides weight and score that hold numbers.
_NUMBER_ROLES = frozenset({"coefficient", "share", "converted"})


def _dash(text: CellText | None, recognized: set[tuple[int, int]]) -> CellText | None:
    return None if text is None else _dash_cell(text, recognized)


def _dash_cell(text: CellText, recognized: set[tuple[int, int]]) -> CellText:
    if _key(text) not in recognized or not is_dash(text.raw):
        return text
    return replace(text, raw=DASH * len("".join(text.raw.split())))


def table_with_dashes(table: SelfEvalTable, grid: Grid) -> SelfEvalTable:
    """The table with each OCR'd number field that holds a lone dash-like mark (``一``, ``-``)
    given the em dash: "not applicable", which the recognizer cannot tell from 一 alone."""
    recognized = {(c.row, c.col) for c in grid.cells if c.confidence is not None}
    if not recognized:
        return table
    funds = tuple(
        replace(
            f,
            budget_initial=_dash(f.budget_initial, recognized),
            budget_adjusted=_dash(f.budget_adjusted, recognized),
            spent=_dash(f.spent, recognized),
            weight=_dash(f.weight, recognized),
            rate=_dash(f.rate, recognized),
            score=_dash(f.score, recognized),
        )
        for f in table.funds
    )
    rows = tuple(
        replace(
            r,
            weight=_dash(r.weight, recognized),
            score=_dash(r.score, recognized),
            cells=tuple(
                (name, _dash_cell(cell, recognized) if name in _NUMBER_ROLES else cell)
                for name, cell in r.cells
            ),
        )
        for r in table.indicators
    )
    total = table.total
    if total is not None:
        total = replace(
            total, weight=_dash(total.weight, recognized), score=_dash(total.score, recognized)
        )
    return replace(table, funds=funds, indicators=rows, total=total)


def with_ocr_problems(table: SelfEvalTable, grid: Grid) -> SelfEvalTable:
    """The table read from a scan made ready for scoring: lone dashes in number fields read as
    dashes, and a problem for each OCR'd cell in doubt (unchanged for a table read as text)."""
    problems = table_to_ocr_problems(table, grid)
    table = table_with_dashes(table, grid)
    if not problems:
        return table
    return replace(table, problems=(*table.problems, *problems))
