"""A 自评表 as read by its labels: the boundary value between extract/ and normalize/.

Every field is a :class:`CellText` (the raw text of one cell and where it came from) or
``None`` when the table has no such cell. "No cell" and "an empty cell" stay distinct:
``None`` versus ``CellText("", …)``.
"""

from __future__ import annotations

from dataclasses import dataclass

from jixiao.model import Problem, Source


@dataclass(frozen=True, slots=True)
class CellText:
    """The raw text of one cell and its source."""

    raw: str
    source: Source

    @property
    def blank(self) -> bool:
        return not self.raw.strip()


@dataclass(frozen=True, slots=True)
class FundRow:
    """One row of the 项目资金 block (年度资金总额, 其中：当年财政拨款, 上年结转资金, 其他资金)."""

    label: CellText
    budget_initial: CellText | None
    budget_adjusted: CellText | None
    spent: CellText | None
    weight: CellText | None
    rate: CellText | None
    score: CellText | None


@dataclass(frozen=True, slots=True)
class IndicatorRow:
    """One 三级指标 row. ``level1``/``level2`` are filled down from the rows above when their
    cells are blank or merged; ``inherited`` names the levels that were filled down."""

    level1: CellText | None
    level2: CellText | None
    level3: CellText | None
    target: CellText | None
    actual: CellText | None
    weight: CellText | None
    score: CellText | None
    note: CellText | None
    source: Source
    inherited: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TotalRow:
    """The 总分 row: the printed weight total and score total."""

    weight: CellText | None
    score: CellText | None
    source: Source


@dataclass(frozen=True, slots=True)
class SelfEvalTable:
    """One 自评表 with every field it prints, the raw text kept, plus what the reader noticed."""

    file: str
    source_kind: str
    title: str | None
    year_text: str | None
    page_start: int | None
    page_end: int | None
    line_start: int | None
    project_name: CellText | None
    department: CellText | None
    implementing_unit: CellText | None
    money_label: CellText | None
    funds: tuple[FundRow, ...]
    goal_planned: CellText | None
    goal_achieved: CellText | None
    indicators: tuple[IndicatorRow, ...]
    total: TotalRow | None
    problems: tuple[Problem, ...]
    reader: str = ""

    @property
    def source(self) -> Source:
        return Source(self.file, page=self.page_start, line=self.line_start)
