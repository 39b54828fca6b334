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
from jixiao.core.model import Problem, Severity
from jixiao.extract.grid import Cell, Grid
from jixiao.extract.table import CellText, SelfEvalTable
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
            ("coefficient", row.coefficient, is_number),
            ("share", row.share, is_number),
            ("item_score", row.item_score, is_number),
            ("converted", row.converted, is_number),
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
    return Problem(
        code=CODE,
        severity=Severity.WARNING,
        message=(
            f"扫描件文字识别结果存疑（{doubt}）：“{cell.text}”，识别置信度 {confidence:.2f}，"
            "请对照原件核对"
        ),
        source=cell.source,
        field=field,
        found=cell.text,
    )


def table_to_ocr_problems(table: SelfEvalTable, grid: Grid) -> tuple[Problem, ...]:
    """One problem per OCR'd cell in doubt (low confidence, or text that misfits its field),
    in grid order."""
    recognized = {(c.row, c.col): c for c in grid.cells if c.confidence is not None}
    if not recognized:
        return ()
    fields: dict[tuple[int, int], tuple[str, bool]] = {}
    for name, text, grammar in table_to_fields(table):
        key = (text.source.row, text.source.col)
        if key[0] is None or key[1] is None or key not in recognized:
            continue
        fits = grammar(text.raw)
        known = fields.get((key[0], key[1]))
        if known is None or (known[1] and not fits):
            fields[(key[0], key[1])] = (name, fits)
    problems: list[Problem] = []
    for key in sorted(recognized):
        cell = recognized[key]
        confidence = cell.confidence if cell.confidence is not None else 1.0
        name, fits = fields.get(key, ("", True))
        if confidence < LOW_CONFIDENCE or not fits:
            problems.append(_problem(cell, confidence, name, fits))
    return tuple(problems)


def with_ocr_problems(table: SelfEvalTable, grid: Grid) -> SelfEvalTable:
    """The table with a problem for each of its OCR'd cells in doubt (unchanged for text)."""
    problems = table_to_ocr_problems(table, grid)
    if not problems:
        return table
    return replace(table, problems=(*table.problems, *problems))
