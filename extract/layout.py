"""Read a grid as a 自评表 by finding its labels, never by fixed positions.

:func:`grid_to_table` locates the labelled sections (项目名称 / 主管部门 / 实施单位, the 项目资金
block, 年度总体目标, the 绩效指标 block, the 总分 row), maps each header cell to a field, and
reads the rows below it. Merged 一级/二级 cells (blank in text exports) are filled down. A row
shifted by one column (a text export artifact) is realigned and reported. Every non-empty cell
that no field takes is reported as an ``unread_cell`` problem, so nothing is lost silently.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import regex

from jixiao.core import vocabulary
from jixiao.core.model import ProblemLog, Severity, Source
from jixiao.extract.grid import Cell, Grid
from jixiao.extract.table import CellText, FundRow, IndicatorRow, SelfEvalTable, TotalRow

Row = list[Cell | None]

_NUMBER = regex.compile(r"^[+-]?\d[\d,]*(?:\.\d+)?%?$")
_PLAIN_NUMBER = regex.compile(r"^\d+(?:\.\d+)?$")
_MIN_SHIFT_GAIN = 3
_TARGETISH = regex.compile(r"\d|[≥≤><=＝═≧≦]|前|第|名")
#: Fields that make a row an indicator (a row with only 一级/二级 labels is a group row).
_VALUE_FIELDS = (
    "level3",
    "target",
    "target_adjusted",
    "actual",
    "weight",
    "score",
    "note",
    "nature",
    "unit",
    "coefficient",
    "share",
    "item_score",
    "converted",
    "core",
)
# Template rows left unfilled: '指标1:', '指标2：', '……', '...'.
_PLACEHOLDER = regex.compile(r"^(?:指标\d*[:：]?|[.…。·、]+)$")
# A grade printed beside the total: 优, 良, 中, 差, 优秀, 良好, 合格, 不合格, A/B/C/D 级.
_GRADE = regex.compile(r"^(?:优秀?|良好?|中等?|差|合格|不合格|[A-D]级?)$")
_SHIFTS = (0, 1, -1)


@dataclass(slots=True)
class _Reading:
    """Mutable state while one grid is read: which cells were used, what went wrong."""

    grid: Grid
    rows: list[Row]
    used: set[tuple[int, int]] = field(default_factory=set)
    log: ProblemLog = field(default_factory=ProblemLog)

    def take(self, cell: Cell | None) -> CellText | None:
        if cell is None:
            return None
        self.used.add((cell.row, cell.col))
        return CellText(cell.text, cell.source)


def grid_to_table(grid: Grid) -> SelfEvalTable:
    """Read one grid as a :class:`SelfEvalTable`."""
    state = _Reading(grid, grid.matrix())
    project = _labelled_value(state, vocabulary.PROJECT_NAME)
    department = _labelled_value(state, vocabulary.DEPARTMENT)
    unit = _labelled_value(state, vocabulary.IMPLEMENTING_UNIT)
    if project is None:
        state.log.add(
            "missing_field", Severity.ERROR, "未找到“项目名称”", grid.source, "project_name"
        )
    goal_row = _find_row(state.rows, lambda key: key.startswith(vocabulary.GOAL_PREFIXES))
    header_row = _find_header(state.rows, vocabulary.indicator_field)
    funds_row = _find_header(state.rows, vocabulary.fund_field, stop=header_row)
    section_end = _first_of(goal_row, header_row, len(state.rows))
    funds = _read_funds(state, funds_row, section_end)
    planned, achieved = _read_goal(state, goal_row, _first_of(header_row, len(state.rows)))
    after = max(r for r in (goal_row, funds_row, 0) if r is not None)
    indicators, total, block_label = _read_indicators(state, header_row, after)
    columns = _columns(state.rows[header_row], vocabulary.indicator_field) if header_row else {}
    family = _family(grid, columns, indicators, funds)
    if family == "unknown":
        state.log.add(
            "unknown_layout",
            Severity.ERROR,
            "无法识别的自评表版式：未找到绩效指标表头，已保留能读取的内容",
            grid.source,
            "family",
        )
    extra = (("总分等级", total.grade),) if total is not None and total.grade else ()
    _report_unread(state)
    first_block = min((r for r in (funds_row, header_row) if r is not None), default=None)
    return SelfEvalTable(
        file=grid.file,
        source_kind=grid.source_kind,
        title=grid.title,
        year_text=grid.year_text,
        page_start=grid.page_start,
        page_end=grid.page_end,
        line_start=grid.line_start,
        project_name=project,
        department=department,
        implementing_unit=unit,
        money_label=funds.money_label,
        funds=funds.rows,
        goal_planned=planned,
        goal_achieved=achieved,
        indicators=indicators,
        total=total,
        problems=(*grid.problems, *state.log.problems),
        reader=grid.reader,
        family=family,
        funds_header=funds.header,
        indicator_block=block_label,
        extra=extra,
        read_gaps=_read_gaps(state, family, first_block, total),
    )


_DIGIT = regex.compile(r"\d")


def _read_gaps(
    state: _Reading, family: str, first_block: int | None, total: TotalRow | None
) -> tuple[str, ...]:
    """What kept the table from being read completely (see ``SelfEvalTable.read_gaps``)."""
    gaps = [p.field for p in state.log.problems if p.code == "missing_section"]
    gaps += ["total"] if total is None else []
    gaps += ["layout"] if family == "unknown" else []
    last = total.source.row if total is not None and total.source.row is not None else None
    unread = (
        c
        for c in state.grid.iter_nonempty()
        if (c.row, c.col) not in state.used
        and first_block is not None
        and first_block <= c.row <= (c.row if last is None else last)
        and _DIGIT.search(c.text)
    )
    gaps += ["values"] if next(unread, None) is not None else []
    return tuple(gaps)


def _family(
    grid: Grid, columns: dict[str, int], indicators: Sequence[IndicatorRow], funds: _Funds
) -> str:
    """Which layout family a table belongs to, from the columns its header names."""
    if not columns:
        return "unknown"
    if "coefficient" in columns:
        return "department_whole"
    if "share" in columns or "converted" in columns:
        return "hebei_converted"
    if "nature" in columns and "unit" in columns:
        return "split_operator"
    if "weight" not in columns:
        return "hubei"
    title = vocabulary.label_key(grid.title or "")
    if columns["weight"] < columns.get("target", columns["weight"]) or "衔接" in title:
        return "xianjie"
    return "standard"


def _key(cell: Cell | None) -> str:
    return vocabulary.label_key(cell.text) if cell is not None else ""


def _blank(cell: Cell | None) -> bool:
    return cell is None or not cell.text.strip()


def _first_of(*candidates: int | None) -> int:
    return min(c for c in candidates if c is not None)


def _labelled_value(state: _Reading, names: frozenset[str]) -> CellText | None:
    """The cell right of a label cell (the first non-blank one, else the adjacent empty one)."""
    for row in state.rows:
        for col, cell in enumerate(row):
            if cell is None or _key(cell) not in names:
                continue
            state.take(cell)
            right = [c for c in row[col + 1 :] if c is not None]
            if not right:
                return None
            value = next((c for c in right if not _blank(c)), right[0])
            if vocabulary.label_key(value.text) in _ALL_ROW_LABELS:
                return state.take(right[0]) if right[0] is not value else None
            return state.take(value)
    return None


_ALL_ROW_LABELS = vocabulary.PROJECT_NAME | vocabulary.DEPARTMENT | vocabulary.IMPLEMENTING_UNIT


def _find_row(rows: Sequence[Row], test: Callable[[str], bool]) -> int | None:
    for index, row in enumerate(rows):
        if any(test(_key(cell)) for cell in row if cell is not None):
            return index
    return None


def _find_header(
    rows: Sequence[Row], to_field: Callable[[str], str | None], stop: int | None = None
) -> int | None:
    """The first row (before ``stop``) where three or more cells name fields."""
    for index, row in enumerate(rows[:stop]):
        if len({to_field(c.text) for c in row if c is not None} - {None}) >= 3:
            return index
    return None


def _columns(row: Row, to_field: Callable[[str], str | None]) -> dict[str, int]:
    """Field → column of a header row (the first column naming each field)."""
    columns: dict[str, int] = {}
    for col, cell in enumerate(row):
        name = to_field(cell.text) if cell is not None else None
        if name is not None and name not in columns:
            columns[name] = col
    return columns


@dataclass(frozen=True, slots=True)
class _Funds:
    """What the 项目资金 block gave."""

    money_label: CellText | None = None
    rows: tuple[FundRow, ...] = ()
    header: tuple[tuple[str, CellText], ...] = ()


def _read_funds(state: _Reading, header: int | None, end: int) -> _Funds:
    if header is None:
        state.log.add(
            "missing_section",
            Severity.ERROR,
            "未找到“项目资金”表头（年初预算数、全年预算数…）",
            state.grid.source,
            "funds",
        )
        return _Funds()
    header_cells = state.rows[header]
    columns = _columns(header_cells, vocabulary.fund_field)
    first_value_col = min(columns.values())
    extra_columns = _extra_columns(header_cells, columns, vocabulary.fund_field, first_value_col)
    header_texts = tuple(
        (name, text) for name, col in columns.items() if (text := state.take(header_cells[col]))
    )
    for col in extra_columns:
        state.take(header_cells[col])
    money_label = None
    for cell in (c for row in state.rows[header:end] for c in row[:first_value_col]):
        if cell is not None and _is_money_label(cell):
            money_label = state.take(cell)
    funds = []
    for row in state.rows[header + 1 : end]:
        label_cells = [
            c
            for c in row[:first_value_col]
            if c is not None and c.text.strip() and not _is_money_label(c)
        ]
        values = {name: _at(row, col) for name, col in columns.items()}
        if not label_cells and all(_blank(v) for v in values.values()):
            continue
        label = label_cells[-1] if label_cells else _first_cell(row)
        if label is None:
            continue
        funds.append(
            FundRow(
                label=state.take(label),  # type: ignore[arg-type]
                extra=_extra_cells(state, row, extra_columns, 0),
                **{name: state.take(values.get(name)) for name in _FUND_FIELDS},
            )
        )
    return _Funds(money_label, tuple(funds), header_texts)


def _is_money_label(cell: Cell) -> bool:
    return _key(cell).startswith(vocabulary.MONEY_LABEL_PREFIXES)


_FUND_FIELDS = ("budget_initial", "budget_adjusted", "spent", "weight", "rate", "score")


def _at(row: Row, col: int) -> Cell | None:
    return row[col] if 0 <= col < len(row) else None


def _first_cell(row: Row) -> Cell | None:
    return next((c for c in row if c is not None), None)


def _read_goal(
    state: _Reading, goal: int | None, end: int
) -> tuple[CellText | None, CellText | None]:
    if goal is None:
        return None, None
    row = state.rows[goal]
    label_col = next(
        i
        for i, c in enumerate(row)
        if c is not None and _key(c).startswith(vocabulary.GOAL_PREFIXES)
    )
    state.take(row[label_col])
    planned_col = _col_of(row, vocabulary.GOAL_PLANNED)
    achieved_col = _col_of(row, vocabulary.GOAL_ACHIEVED)
    if planned_col is None and achieved_col is None:
        rest = [c for c in row[label_col + 1 :] if not _blank(c)]
        return (state.take(rest[0]) if rest else None), None
    for col in (planned_col, achieved_col):
        if col is not None:
            state.take(row[col])
    content = [r for r in state.rows[goal + 1 : end] if any(not _blank(c) for c in r)]
    if not content:
        return None, None
    body = content[0]
    stop = achieved_col if achieved_col is not None else len(body)
    planned = _first_nonblank(body, planned_col, stop) if planned_col is not None else None
    achieved = _first_nonblank(body, achieved_col, len(body)) if achieved_col is not None else None
    return state.take(planned), state.take(achieved)


def _col_of(row: Row, names: frozenset[str]) -> int | None:
    return next((i for i, c in enumerate(row) if c is not None and _key(c) in names), None)


def _first_nonblank(row: Row, start: int, stop: int) -> Cell | None:
    window = [c for c in row[start:stop] if c is not None]
    return next((c for c in window if not _blank(c)), window[0] if window else None)


def _read_indicators(
    state: _Reading, header: int | None, after: int
) -> tuple[tuple[IndicatorRow, ...], TotalRow | None, CellText | None]:
    """The indicator rows under the 绩效指标 header, the 总分 row, and the block label."""
    if header is None:
        state.log.add(
            "missing_section",
            Severity.ERROR,
            "未找到“绩效指标”表头（一级指标、二级指标…），表格可能不完整",
            state.grid.source,
            "indicators",
        )
        return (), _find_total(state, after, {}), None
    header_cells = state.rows[header]
    columns = _columns(header_cells, vocabulary.indicator_field)
    first = min(columns.values())
    extra_columns = _extra_columns(header_cells, columns, vocabulary.indicator_field, first)
    for col in (*columns.values(), *extra_columns):
        state.take(header_cells[col])
    block_label = _indicator_block_label(state, header, first)
    indicators: list[IndicatorRow] = []
    total: TotalRow | None = None
    previous: IndicatorRow | None = None
    for row in state.rows[header + 1 :]:
        total_col = _total_col(row)
        if total_col is not None:
            total = _read_total(state, row, total_col, columns)
            break
        if _is_repeated_header(row):
            for cell in row:
                state.take(cell)
            continue
        if all(_blank(c) for c in row):
            continue
        shift = _best_shift(row, columns)
        if shift:
            _report_shift(state, row, shift)
        cells = {name: _at(row, col + shift) for name, col in columns.items()}
        block = _block_cell(state, row, first + shift, previous)
        extra = _extra_cells(state, row, extra_columns, shift)
        if all(_blank(cells.get(name)) for name in _VALUE_FIELDS):
            previous = _group_only(state, cells, previous, block)
            continue
        previous = _indicator(state, cells, previous, row, block, extra)
        indicators.append(previous)
    if total is None:
        state.log.add(
            "missing_total",
            Severity.ERROR,
            "未找到“总分”行，表格可能被截断",
            state.grid.source,
            "score_total_reported",
        )
    return tuple(indicators), total, block_label


def _total_col(row: Row) -> int | None:
    return next(
        (i for i, c in enumerate(row) if c is not None and _key(c) in vocabulary.TOTAL), None
    )


def _find_total(state: _Reading, after: int, columns: dict[str, int]) -> TotalRow | None:
    """The 总分 row of a table whose indicator header was not found."""
    for row in state.rows[after:]:
        total_col = _total_col(row)
        if total_col is not None:
            return _read_total(state, row, total_col, columns)
    return None


def _extra_columns(
    header: Row, columns: dict[str, int], to_field: Callable[[str], str | None], first: int
) -> dict[int, str]:
    """Header cells right of the first field that name no field: column → header text."""
    taken = set(columns.values())
    return {
        col: vocabulary.label_key(cell.text)
        for col, cell in enumerate(header)
        if col > first
        and col not in taken
        and cell is not None
        and not _blank(cell)
        and to_field(cell.text) is None
    }


def _extra_cells(
    state: _Reading, row: Row, extra_columns: dict[int, str], shift: int
) -> tuple[tuple[str, CellText], ...]:
    found = []
    for col, name in extra_columns.items():
        cell = _at(row, col + shift)
        if not _blank(cell):
            found.append((name, state.take(cell)))
    return tuple((name, text) for name, text in found if text is not None)


def _indicator_block_label(state: _Reading, header: int, first: int) -> CellText | None:
    """The 绩效指标 label left of the header (``绩效指标(90分)``), in the header or above it."""
    for row in (state.rows[header], *state.rows[:header]):
        for cell in row[: first + 1]:
            if cell is not None and vocabulary.base_key(cell.text) in vocabulary.INDICATOR_BLOCK:
                return state.take(cell)
    return None


def _block_cell(
    state: _Reading, row: Row, first: int, previous: IndicatorRow | None
) -> CellText | None:
    """The cell left of the 一级 column (年度绩效目标1(40分)), or the one carried down."""
    cells = [c for c in row[: max(first, 0)] if not _blank(c)]
    if cells:
        return state.take(cells[-1])
    return previous.block if previous is not None else None


def _is_repeated_header(row: Row) -> bool:
    return len({vocabulary.indicator_field(c.text) for c in row if c is not None} - {None}) >= 3


def _fit(row: Row, columns: dict[str, int], shift: int) -> int:
    """How well a row reads under a column shift: numbers where numbers belong, and so on."""

    def text(name: str) -> str:
        cell = _at(row, columns[name] + shift) if name in columns else None
        return vocabulary.label_key(cell.text) if cell is not None else ""

    score = 0
    for name in ("weight", "score"):
        value = text(name)
        score += 2 if _PLAIN_NUMBER.match(value) else (0 if not value else -2)
    score += 1 if _TARGETISH.search(text("target")) else 0
    level3 = text("level3")
    score -= 3 if level3 in vocabulary.LEVEL2_GROUPS else 0
    score -= 2 if _NUMBER.match(level3) or level3.startswith(("≥", "≤", ">", "<", "=")) else 0
    return score


def _best_shift(row: Row, columns: dict[str, int]) -> int:
    """0, or ±1 when the row reads clearly better shifted (by ``_MIN_SHIFT_GAIN`` points) and
    no cell would be lost by it."""
    first, last = min(columns.values()), max(columns.values())
    best, best_fit = 0, _fit(row, columns, 0)
    for shift in _SHIFTS[1:]:
        dropped = row[first : first + shift] if shift > 0 else row[last + shift + 1 : last + 1]
        if not all(_blank(c) for c in dropped):
            continue
        fit = _fit(row, columns, shift)
        if fit >= best_fit + _MIN_SHIFT_GAIN:
            best, best_fit = shift, fit
    return best


def _report_shift(state: _Reading, row: Row, shift: int) -> None:
    cell = _first_cell(row)
    assert cell is not None
    texts = " | ".join(c.text for c in row if c is not None)
    direction = "右" if shift > 0 else "左"
    state.log.add(
        "row_realigned",
        Severity.INFO,
        f"该行整体{direction}移了一列，已按表头重新对齐：{texts}",
        cell.source,
        "indicator",
        found=texts,
    )


def _group_only(
    state: _Reading,
    cells: dict[str, Cell | None],
    previous: IndicatorRow | None,
    block: CellText | None,
) -> IndicatorRow | None:
    """A row with only 一级/二级 labels and no indicator: report it and carry its vocabulary."""
    cell = next((c for c in cells.values() if not _blank(c)), None)
    if cell is None:
        return previous
    texts = " | ".join(c.text for c in cells.values() if not _blank(c))  # type: ignore[union-attr]
    state.log.add(
        "empty_indicator_row",
        Severity.WARNING,
        f"该行只有指标类别，没有三级指标：{texts}",
        cell.source,
        "indicator",
        found=texts,
    )
    level1 = cells.get("level1")
    level2 = cells.get("level2")
    carried = previous.level1 if previous is not None and _blank(level1) else state.take(level1)
    return IndicatorRow(
        level1=carried,
        level2=state.take(level2) if not _blank(level2) else None,
        level3=None,
        target=None,
        actual=None,
        weight=None,
        score=None,
        note=None,
        source=cell.source,
        block=block,
    )


def _indicator(
    state: _Reading,
    cells: dict[str, Cell | None],
    previous: IndicatorRow | None,
    row: Row,
    block: CellText | None,
    extra: tuple[tuple[str, CellText], ...],
) -> IndicatorRow:
    inherited: list[str] = []
    level1 = state.take(cells.get("level1"))
    level2 = state.take(cells.get("level2"))
    same_block = previous is not None and previous.block == block
    if previous is not None and same_block and (level1 is None or level1.blank):
        level1 = previous.level1
        inherited.append("level1")
        if level2 is None or level2.blank:
            level2 = previous.level2
            inherited.append("level2")
    anchor = next(c for c in row if not _blank(c))
    assert anchor is not None
    source = Source(
        anchor.source.file, page=anchor.source.page, line=anchor.source.line, row=anchor.row
    )
    values = {name: state.take(cells.get(name)) for name in _VALUE_FIELDS}
    level3 = vocabulary.label_key(values["level3"].raw) if values["level3"] is not None else ""
    placeholder = _PLACEHOLDER.match(level3) is not None and all(
        v is None or v.blank for name, v in values.items() if name not in ("level3", "note")
    )
    if placeholder:
        state.log.add(
            "placeholder_row",
            Severity.INFO,
            f"模板占位行，未填写指标：{level3}",
            source,
            "indicator",
            found=level3,
        )
    return IndicatorRow(
        level1=level1,
        level2=level2,
        source=source,
        inherited=tuple(inherited),
        block=block,
        placeholder=placeholder,
        sub_row=level3.startswith("其中"),
        extra=extra,
        **values,
    )


def _read_total(state: _Reading, row: Row, label_col: int, columns: dict[str, int]) -> TotalRow:
    """The 总分 row. Its label may start in the first or the second column, so the numbers are
    taken in order after the label: the weight total, then the score total."""
    label = row[label_col]
    assert label is not None
    state.take(label)
    numbers = [
        c
        for c in row[label_col + 1 :]
        if c is not None and _NUMBER.match(vocabulary.label_key(c.text))
    ]
    weight: Cell | None = None
    score: Cell | None = None
    if len(numbers) >= 2:
        weight, score = numbers[0], numbers[1]
    elif len(numbers) == 1:
        if numbers[0].col == columns.get("weight"):
            weight = numbers[0]
        else:
            score = numbers[0]
    after = score.col if score is not None else label_col
    grade = next(
        (
            c
            for c in row[after + 1 :]
            if c is not None and _GRADE.match(vocabulary.label_key(c.text))
        ),
        None,
    )
    return TotalRow(
        weight=state.take(weight),
        score=state.take(score),
        source=label.source,
        grade=state.take(grade),
    )


def _report_unread(state: _Reading) -> None:
    for cell in state.grid.iter_nonempty():
        if (cell.row, cell.col) in state.used:
            continue
        state.log.add(
            "unread_cell",
            Severity.WARNING,
            f"单元格内容未能归入任何字段：{cell.text.strip()}",
            cell.source,
            found=cell.text,
        )
