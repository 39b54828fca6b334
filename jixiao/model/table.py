"""A 自评表 as read by its labels: the boundary value between extract/ and normalize/.

Every field is a :class:`CellText` (the raw text of one cell and where it came from) or
``None`` when the table has no such cell. "No cell" and "an empty cell" stay distinct:
``None`` versus ``CellText("", …)``.
"""

from __future__ import annotations

from dataclasses import dataclass

from jixiao.model.source import Problem, Source


@dataclass(frozen=True, slots=True)
class CellText:
    """The raw text of one cell and its source."""

    raw: str
    source: Source

    @property
    def blank(self) -> bool:
        return not self.raw.strip()


Extra = tuple[tuple[str, CellText], ...]
"""Cells of columns that have no field: (the column's header text, the cell)."""


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
    extra: Extra = ()


@dataclass(frozen=True, slots=True)
class Role:
    """What a column of the 绩效指标 block holds, beyond the roles every layout has.

    ``name`` is how code asks for the cell (:meth:`IndicatorRow.cell`); ``label`` the header
    the cell is kept under in the outputs' ``extra`` (the usual printed wording).
    """

    name: str
    label: str
    meaning: str


#: The roles an indicator row's cells take besides level1 … note, each printed by some layouts:
#: the layout reader gives a row's cell for each role its header names, and scoring asks for
#: them by name. A role a new layout needs is a line here (and its label words in
#: :data:`jixiao.core.vocabulary.INDICATOR_COLUMNS`), not a field of :class:`IndicatorRow`.
INDICATOR_ROLES: tuple[Role, ...] = (
    Role("target_adjusted", "调整指标值", "the target as adjusted in the year; scored instead"),
    Role("nature", "指标性质", "an operator printed apart (≧), or 定量/定性"),
    Role("unit", "度量单位", "the unit printed apart from the target"),
    Role("coefficient", "得分系数", "a factor the weight is multiplied by to give the score"),
    Role("share", "权重占比", "the weight as a share of the table's points"),
    Role("converted", "折算得分", "the score converted to the table's points"),
    Role("core", "是否核心指标", "whether the indicator is a core one"),
)
ROLE_NAMES = frozenset(role.name for role in INDICATOR_ROLES)

#: The roles every layout has: the row's own fields.
CORE_ROLES = ("level1", "level2", "level3", "target", "actual", "weight", "score", "note")


@dataclass(frozen=True, slots=True)
class IndicatorRow:
    """One 三级指标 row. ``level1``/``level2`` are filled down from the rows above when their
    cells are blank or merged; ``inherited`` names the levels that were filled down.

    ``weight`` is the indicator's printed points (分值 / 指标权重, only a column that holds
    points) and ``score`` its own printed score (得分 / 指标得分 / 单项指标得分). ``cells``
    holds the cells of the other roles the layout prints (:data:`INDICATOR_ROLES`: 调整指标值,
    指标性质, 度量单位, 得分系数 …) by role name; :meth:`cell` gives any role's cell. ``block`` is
    the cell left of the 一级 column (年度绩效目标1(40分) in some layouts), filled down.
    ``placeholder`` marks template rows (``指标1:``, ``……``) and ``sub_row`` the ``其中…`` rows
    that carry no score.
    """

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
    cells: tuple[tuple[str, CellText], ...] = ()
    block: CellText | None = None
    placeholder: bool = False
    sub_row: bool = False
    extra: Extra = ()

    def __post_init__(self) -> None:
        unknown = [name for name, _ in self.cells if name not in ROLE_NAMES]
        if unknown:
            raise ValueError(f"IndicatorRow.cells: unknown roles {unknown} (see INDICATOR_ROLES)")

    def cell(self, role: str) -> CellText | None:
        """The row's cell of a role (a core one, or one of :data:`INDICATOR_ROLES`), ``None``
        when the table has no such column."""
        if role in CORE_ROLES:
            value: CellText | None = getattr(self, role)
            return value
        return next((cell for name, cell in self.cells if name == role), None)


@dataclass(frozen=True, slots=True)
class ColumnRole:
    """One column of the 绩效指标 header as the layout reader read it: its ``role`` (``None``:
    kept in ``extra`` under ``header``), how sure the reader is of it (``confidence``, 0–1: 1
    for a whole label, less for a word it contains, 0.5 for a role read from the column's place
    and cells alone) and why (``evidence``)."""

    col: int
    header: str
    role: str | None
    confidence: float
    evidence: str


@dataclass(frozen=True, slots=True)
class TotalRow:
    """The 总分 row: the printed weight total and score total."""

    weight: CellText | None
    score: CellText | None
    source: Source
    grade: CellText | None = None


@dataclass(frozen=True, slots=True)
class SelfEvalTable:
    """One 自评表 with every field it prints, the raw text kept, plus what the reader noticed.

    ``family`` names the layout family (``standard``, ``xianjie``, ``split_operator``, ``hubei``,
    ``department_whole``, ``hebei_converted`` or ``unknown``); ``funds_header`` keeps the header
    cell of each 项目资金 column (a score header such as ``得分(20分*执行率)`` carries the
    execution weight); ``indicator_block`` the ``绩效指标(90分)`` label; ``extra`` the cells no
    field takes (a grade printed beside the total, …). ``read_gaps`` says what kept the reader
    from reading the table completely: ``funds`` / ``indicators`` / ``total`` (a section not
    found), ``layout`` (an unknown layout), ``values`` (a number in the 项目资金 or 绩效指标
    block that no field took); empty when it was read completely.
    """

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
    family: str = "standard"
    funds_header: tuple[tuple[str, CellText], ...] = ()
    indicator_block: CellText | None = None
    extra: Extra = ()
    read_gaps: tuple[str, ...] = ()
    columns: tuple[ColumnRole, ...] = ()

    @property
    def source(self) -> Source:
        return Source(self.file, page=self.page_start, line=self.line_start)
