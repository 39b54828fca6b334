"""How completely a table was read, and what that means for its checks.

``complete``: every section was found and every number of the 项目资金 and 绩效指标 blocks was
placed. ``partial``: a section is missing, the layout is unknown, a number no field took
(``SelfEvalTable.read_gaps``), or a printed number could not be read. ``unscored``: read
completely (a table that prints no score at all needs no 总分 row), but no printed score could
be recomputed (no indicator rescored, no execution score), so nothing was checked against the
rules; it has no score total, no grade.

A table that is not ``complete`` is still exported, but jixiao does not blame the publisher for
what may be its own misreading: every disagreement with a printed number becomes
``parse_doubt`` (a warning, never a ``rule`` error or a ``judgement``), and the table is not
graded.
"""

from __future__ import annotations

from collections.abc import Iterable

from jixiao.core.problems import with_kind
from jixiao.model.source import Problem
from jixiao.model.table import SelfEvalTable

COMPLETE, PARTIAL, UNSCORED = "complete", "partial", "unscored"

_NOTES = {
    PARTIAL: "（该表未完整读取，差异可能来自读取）",
    UNSCORED: "（该表未能复核评分，差异仅供参考）",
}


def table_to_read_status(
    table: SelfEvalTable, *, rescored: bool, printed: bool = True, unreadable: bool = False
) -> str:
    """``complete``, ``partial`` or ``unscored`` (``rescored``: some printed score was
    recomputed; ``printed``: the table prints a score at all; ``unreadable``: a printed number
    could not be read, ``IO`` for 10, so its sums cannot be checked). A table that prints no
    score (a 区域 table of targets and results) has no 总分 row to miss: it is ``unscored``."""
    gaps = set(table.read_gaps) | ({"values"} if unreadable else set())
    if not printed and gaps <= {"total"}:
        return UNSCORED
    if gaps:
        return PARTIAL
    return COMPLETE if rescored else UNSCORED


def doubt_disagreements(problems: Iterable[Problem], status: str) -> list[Problem]:
    """The problems of a table of this read status: on a table not read completely, every
    disagreement with a printed number is ``parse_doubt``; on an ``unscored`` one (read
    completely), what it leaves blank stays ``missing_data``."""
    if status == COMPLETE:
        return list(problems)
    kept = {"parse_doubt"} | ({"missing_data"} if status == UNSCORED else set())
    return [
        with_kind(p, "parse_doubt", _NOTES[status]) if p.kind and p.kind not in kept else p
        for p in problems
    ]
