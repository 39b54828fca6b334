"""How completely a table was read, and what that means for its checks.

``complete``: every section was found and every number of the 项目资金 and 绩效指标 blocks was
placed. ``partial``: a section is missing, the layout is unknown, or a number no field took
(``SelfEvalTable.read_gaps``). ``unscored``: read completely, but no printed score could be
recomputed (no indicator rescored, no execution score), so nothing was checked against the rules.

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


def table_to_read_status(table: SelfEvalTable, *, rescored: bool) -> str:
    """``complete``, ``partial`` or ``unscored`` (``rescored``: some printed score was
    recomputed)."""
    if table.read_gaps:
        return PARTIAL
    return COMPLETE if rescored else UNSCORED


def doubt_disagreements(problems: Iterable[Problem], status: str) -> list[Problem]:
    """The problems of a table of this read status: on a table not read completely, every
    disagreement with a printed number is ``parse_doubt``."""
    if status == COMPLETE:
        return list(problems)
    return [
        with_kind(p, "parse_doubt", _NOTES[status]) if p.kind and p.kind != "parse_doubt" else p
        for p in problems
    ]
