"""The policy-free half of scoring: every printed number and text of one table, parsed once.

``--policy auto`` scores a table under many policies; what does not depend on the policy
(the printed numbers, the targets and actuals, the reading problems) is worked out here once
and kept, with the problems it raised, at the place they belong in the table's problem list.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from jixiao.core.labels import to_simplified
from jixiao.core.problems import ProblemLog, indicator_label
from jixiao.core.vocabulary import SATISFACTION_WORD, money_unit
from jixiao.model.source import Problem
from jixiao.model.table import FundRow, IndicatorRow, SelfEvalTable
from jixiao.normalize import Comparison, Measurement, Target, compare, parse_actual, parse_target
from jixiao.score.checks import (
    Checks,
    check_deviation_note,
    check_indicator_reading,
    parse_amount_cell,
    parse_number_cell,
)
from jixiao.score.fund_rows import execution_fund_index, total_fund_index
from jixiao.score.rows import IndicatorTexts, row_to_texts

_FUND_AMOUNTS = ("budget_initial", "budget_adjusted", "spent")
_FUND_NUMBERS = ("weight", "rate", "score")


@dataclass(frozen=True, slots=True)
class ParsedRow:
    """One indicator row: its texts, printed weight and score, parsed target and actual, and
    the problems reading it raised."""

    row: IndicatorRow
    seq: int
    texts: IndicatorTexts
    weight: Decimal | None
    printed: Decimal | None
    target: Target
    actual: Measurement
    comparison: Comparison
    satisfaction: bool
    problems: tuple[Problem, ...]
    share: Decimal | None = None  # 权重占比 in percent (河北 折算)
    converted: Decimal | None = None  # 折算得分 as printed: what counts toward the total

    @property
    def counts(self) -> bool:
        """Whether the row's score counts toward the total (not a placeholder or 其中 row)."""
        return not (self.row.placeholder or self.row.sub_row)

    @property
    def name(self) -> str:
        return self.texts.level3 or ""

    @property
    def label(self) -> str:
        """How a message names the indicator: ``指标“培训人次”``, or ``第12行的指标`` when it has
        no name."""
        return indicator_label(self.name, self.row.source)


@dataclass(frozen=True, slots=True)
class ParsedTable:
    """One table with its printed numbers parsed; ``funds`` holds each 项目资金 row's values,
    ``total_index`` the 年度资金总额 row among them, ``execution_index`` the row that carries
    the execution weight and score (:mod:`jixiao.score.fund_rows`)."""

    table: SelfEvalTable
    money_unit: str | None
    funds: tuple[dict[str, Decimal | None], ...]
    fund_problems: tuple[Problem, ...]
    total_index: int | None
    execution_index: int | None
    rows: tuple[ParsedRow, ...]
    weight_printed: Decimal | None
    total_printed: Decimal | None
    total_problems: tuple[Problem, ...]


def table_to_parsed(table: SelfEvalTable) -> ParsedTable:
    """Parse every printed number, target and actual of a table."""
    money = money_unit(table.money_label.raw) if table.money_label is not None else None
    log = ProblemLog()
    funds = tuple(_fund_values(log, row, money) for row in table.funds)
    fund_problems = tuple(log.problems)
    rows = tuple(_row(row, seq) for seq, row in enumerate(table.indicators, start=1))
    log = ProblemLog()
    total = table.total
    weight_printed = parse_number_cell(
        log, total.weight if total else None, "weight_total_reported"
    )
    total_printed = parse_number_cell(log, total.score if total else None, "score_total_reported")
    return ParsedTable(
        table=table,
        money_unit=money,
        funds=funds,
        fund_problems=fund_problems,
        total_index=total_fund_index(table.funds),
        execution_index=execution_fund_index(table.funds),
        rows=rows,
        weight_printed=weight_printed,
        total_printed=total_printed,
        total_problems=tuple(log.problems),
    )


def _fund_values(log: ProblemLog, row: FundRow, money: str | None) -> dict[str, Decimal | None]:
    values = {
        name: parse_amount_cell(log, getattr(row, name), f"funds.{name}", money)
        for name in _FUND_AMOUNTS
    }
    return values | {
        name: parse_number_cell(log, getattr(row, name), f"funds.{name}") for name in _FUND_NUMBERS
    }


def _row(row: IndicatorRow, seq: int) -> ParsedRow:
    log = ProblemLog()
    texts = row_to_texts(row)
    weight = parse_number_cell(log, row.weight, "weight")
    printed = parse_number_cell(log, row.score, "score_reported")
    target = parse_target(texts.target, indicator=texts.level3, group=texts.level2)
    actual = parse_actual(texts.actual, target=target)
    comparison = compare(target, actual)
    if not (row.placeholder or row.sub_row):
        checks = Checks(log)
        check_indicator_reading(checks, row, target, actual, comparison)
        check_deviation_note(checks, row, weight, printed)
    return ParsedRow(
        row=row,
        seq=seq,
        texts=texts,
        weight=weight,
        printed=printed,
        target=target,
        actual=actual,
        comparison=comparison,
        satisfaction=_is_satisfaction(texts),
        problems=tuple(log.problems),
        share=_number_of_role(log, row, "share"),
        converted=_number_of_role(log, row, "converted"),
    )


def _is_satisfaction(texts: IndicatorTexts) -> bool:
    """A 满意度 indicator (by its 一级, 二级 or 三级 label, traditional characters too)."""
    labels = (texts.level1, texts.level2, texts.level3)
    return any(SATISFACTION_WORD in to_simplified(label) for label in labels if label)


def _number_of_role(log: ProblemLog, row: IndicatorRow, role: str) -> Decimal | None:
    """The number in a row's cell of ``role`` (``share``, ``converted``), None without one."""
    cell = row.cell(role)
    return parse_number_cell(log, cell, role) if cell is not None else None
