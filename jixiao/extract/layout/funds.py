"""The 项目资金 block of a 自评表: its header, its label, its rows.

The header row is the first one that names three fund fields (年初预算数 / 调整后预算数 /
预算安排情况(调整后), 全年执行数 / 资金执行情况, 分值 / 权重 / 执行率权重, 执行率 / 预算执行进度,
得分 / 执行率得分 …, :data:`~jixiao.core.vocabulary.FUND_COLUMNS`); a header cell that names
no field (到位数, 原因) makes an extra column, kept with each row. The cells left of the first
value column hold the block label (项目资金(万元), 预算执行情况(10分)) and each row's label.
"""

from __future__ import annotations

from dataclasses import dataclass

from jixiao.core import vocabulary
from jixiao.extract.layout.cells import (
    Reading,
    at,
    blank,
    columns_of,
    extra_cells,
    extra_columns,
    first_cell,
    key,
)
from jixiao.model.grid import Cell
from jixiao.model.table import CellText, FundRow

FUND_FIELDS = ("budget_initial", "budget_adjusted", "spent", "weight", "rate", "score")


@dataclass(frozen=True, slots=True)
class Funds:
    """What the 项目资金 block gave."""

    money_label: CellText | None = None
    rows: tuple[FundRow, ...] = ()
    header: tuple[tuple[str, CellText], ...] = ()


def read_funds(state: Reading, header: int | None, end: int) -> Funds:
    """The block whose header row is ``header``, down to row ``end`` (exclusive)."""
    if header is None:
        state.log.add(
            "missing_section",
            "未找到“项目资金”表头（年初预算数、全年预算数…）",
            state.grid.source,
            "funds",
        )
        return Funds()
    header_cells = state.rows[header]
    columns = columns_of(header_cells, vocabulary.fund_field)
    first_value_col = min(columns.values())
    extras = extra_columns(header_cells, columns, vocabulary.fund_field, first_value_col)
    header_texts = tuple(
        (name, text) for name, col in columns.items() if (text := state.take(header_cells[col]))
    )
    for col in extras:
        state.take(header_cells[col])
    money_label = None
    for cell in (c for row in state.rows[header:end] for c in row[:first_value_col]):
        if cell is not None and is_money_label(cell):
            money_label = state.take(cell)
    funds = []
    for row in state.rows[header + 1 : end]:
        label_cells = [
            c
            for c in row[:first_value_col]
            if c is not None and c.text.strip() and not is_money_label(c)
        ]
        values = {name: at(row, col) for name, col in columns.items()}
        if not label_cells and all(blank(v) for v in values.values()):
            continue
        label = label_cells[-1] if label_cells else first_cell(row)
        if label is None:
            continue
        funds.append(
            FundRow(
                label=state.take(label),  # type: ignore[arg-type]
                extra=extra_cells(state, row, extras),
                **{name: state.take(values.get(name)) for name in FUND_FIELDS},
            )
        )
    return Funds(money_label, tuple(funds), header_texts)


def is_money_label(cell: Cell) -> bool:
    return key(cell).startswith(vocabulary.MONEY_LABEL_PREFIXES)
