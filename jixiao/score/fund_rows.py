"""Which rows of the 项目资金 block the table's figures come from.

The budget, the amount spent and the execution rate of a table are those of its 年度资金总额
row (the first row when none is labelled so). Most templates print the execution weight and
score on that row too; some print them on the row under it that the money came from
(``其中：当年财政拨款``), with dashes on the total row. Scoring and the report's cell locator
both choose the rows here, so that a message names the cell the number was taken from.
"""

from __future__ import annotations

from collections.abc import Sequence

from jixiao.core.errors import NumberParseError
from jixiao.core.labels import label_key
from jixiao.core.vocabulary import FUND_TOTAL_WORDS
from jixiao.model.table import CellText, FundRow
from jixiao.normalize import parse_decimal

#: The cells of a funds row that belong to the execution block rather than to the budget.
EXECUTION_CELLS = ("weight", "rate", "score")


def total_fund_index(funds: Sequence[FundRow]) -> int | None:
    """The 年度资金总额 row (by its label's words), or the first row; None without rows."""
    for index, row in enumerate(funds):
        if any(word in label_key(row.label.raw) for word in FUND_TOTAL_WORDS):
            return index
    return 0 if funds else None


def execution_fund_index(funds: Sequence[FundRow]) -> int | None:
    """The row that carries the execution weight and score.

    The 年度资金总额 row when it prints either; otherwise the one row under it that prints a
    weight or a score (a number, or a damaged one). With none, or with several such rows (which
    one would be the execution's is a guess), the total row.
    """
    total = total_fund_index(funds)
    if total is None or _prints_weight_or_score(funds[total]):
        return total
    carriers = [
        index for index in range(total + 1, len(funds)) if _prints_weight_or_score(funds[index])
    ]
    return carriers[0] if len(carriers) == 1 else total


def _prints_weight_or_score(row: FundRow) -> bool:
    return _prints_number(row.weight) or _prints_number(row.score)


def _prints_number(cell: CellText | None) -> bool:
    """A cell holding a number, or text in a number's place (``IO``); not a blank or a dash."""
    if cell is None:
        return False
    try:
        return parse_decimal(cell.raw) is not None
    except NumberParseError:
        return True
