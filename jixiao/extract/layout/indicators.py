"""The 绩效指标 block of a 自评表: its header, its indicator rows, its 总分 row.

The header is the first row that names three indicator fields, one of them a level (一级 /
二级 / 三级指标, 指标名称, 评价内容): a 项目资金 header (权重 | 得分 | 原因) is never taken for
it. A second header row right under it (指标性质 | 指标值 | 度量单位 under a merged
年度指标值) refines the columns. Columns are given roles by meaning:

- a 一级 column without a 一级 header is the named column left of 二级指标 (项目权重 holding
  ``项目决策2分``);
- a 分值 / 指标分值 column is ``weight`` only when it holds points; one that holds words (a
  description of the indicator) is kept as an extra column under its header;
- 权重占比, 折算得分 and 得分系数 have fields of their own, apart from ``weight`` / ``score``.

A label left of the 一级 column (``年度绩效目标1(40分)``, ``项目绩效85分 / 项目年度目标1``),
on an indicator row or on a repeated header row, starts a goal block that runs down until the
next one. Notes rows (``填报说明…``, ``1.预算执行率=…``) go to the table's extra, never to the
indicators.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import regex

from jixiao.core import labels, vocabulary
from jixiao.extract.layout.cells import (
    NUMBER,
    Reading,
    Row,
    at,
    blank,
    extra_cells,
    fields_of,
    first_cell,
    is_number,
    key,
    nonblank,
)
from jixiao.extract.layout.columns import ROLE_NAMES, Header, header_to_roles
from jixiao.model.grid import Cell
from jixiao.model.source import Source
from jixiao.model.table import (
    INDICATOR_ROLES,
    CellText,
    ColumnRole,
    Extra,
    IndicatorRow,
    TotalRow,
)
from jixiao.normalize.vocab import OPERATOR_CHARACTERS

_PLAIN_NUMBER = regex.compile(r"^\d+(?:\.\d+)?$")
_MIN_SHIFT_GAIN = 3
_TARGETISH = regex.compile(rf"\d|[{regex.escape(''.join(sorted(OPERATOR_CHARACTERS)))}]|前|第|名")
#: Fields that make a row an indicator (a row with only 一级/二级 labels is a group row).
VALUE_FIELDS = (
    "level3",
    "target",
    "actual",
    "weight",
    "score",
    "note",
    *(r.name for r in INDICATOR_ROLES),
)
# Template rows left unfilled: '指标1:', '指标2：', '……', '...'.
_PLACEHOLDER = regex.compile(r"^(?:指标\d*[:：]?|[.…。·、]+)$")
# A grade printed beside the total: 优, 良, 中, 差, 优秀, 良好, 合格, 不合格, A/B/C/D 级.
_GRADE = regex.compile(r"^(?:优秀?|良好?|中等?|差|合格|不合格|[A-D]级?)$")
# A numbered rule of a notes row: '1.预算执行率=…', '1、…；2、…'.
_NUMBERED_RULE = regex.compile(r"^\d+[.、]\S")
_NOTES_MIN_CHARS = 20
_SHIFTS = (0, 1, -1)
#: Share of a 分值 column's cells that must be numbers for it to hold points.
_POINTS_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class Indicators:
    """What the 绩效指标 block gave; ``columns`` maps each field to its column and ``end`` is
    the first row after the block (after the 总分 row)."""

    rows: tuple[IndicatorRow, ...] = ()
    total: TotalRow | None = None
    block_label: CellText | None = None
    columns: dict[str, int] | None = None
    end: int = 0
    roles: tuple[ColumnRole, ...] = ()


def find_indicator_header(rows: Sequence[Row], start: int = 0) -> int | None:
    """The first row from ``start`` naming three indicator fields, one of them a level."""
    for index in range(start, len(rows)):
        if _is_header(rows[index]):
            return index
    return None


def _is_header(row: Row) -> bool:
    found = fields_of(row, vocabulary.indicator_field)
    return len(found) >= 3 and bool(found.intersection(vocabulary.LEVEL_FIELDS))


def read_indicators(state: Reading, header: int | None, after: int) -> Indicators:
    """The indicator rows under the header row ``header``, the 总分 row, and the block label."""
    if header is None:
        state.log.add(
            "missing_section",
            "未找到“绩效指标”表头（一级指标、二级指标…），表格可能不完整",
            state.grid.source,
            "indicators",
        )
        total_row = _find_total(state.rows, after)
        total = _read_total(state, total_row, {}) if total_row is not None else None
        return Indicators(total=total, end=len(state.rows) if total_row is None else total_row + 1)
    names, body = _header_names(state, header)
    total_row = _find_total(state.rows, body)
    end = total_row if total_row is not None else len(state.rows)
    read = header_to_roles(names, state.rows[body:end])
    columns, extras = read.columns, read.extras
    _report_columns(state, read, state.rows[header])
    first = min(columns.values())
    for row in state.rows[header:body]:
        for col in (*columns.values(), *extras):
            state.take(at(row, col))
    block_label = _indicator_block_label(state, header, first)
    block = _goal_block(state, state.rows[header], first)
    indicators: list[IndicatorRow] = []
    previous: IndicatorRow | None = None
    header_block = block  # the first header's own label: printed again on later pages
    repeated = False  # the row before was a header printed again (a page break)
    for row in state.rows[body:end]:
        if _is_header(row):
            for cell in row:
                state.take(cell)
            block = _repeated_block(_goal_block(state, row, first), block, header_block)
            repeated = True
            continue
        if repeated and _is_sub_header(row):
            for cell in row:
                state.take(cell)
            continue
        repeated = False
        if all(blank(c) for c in row):
            continue
        notes = notes_cell(row)
        if notes is not None:
            state.keep(notes_name(notes), notes)
            for cell in row:
                state.take(cell)
            continue
        shift = _best_shift(row, columns)
        if shift:
            _report_shift(state, row, shift)
        cells = {name: at(row, col + shift) for name, col in columns.items()}
        left = [c for c in row[: max(first + shift, 0)] if not blank(c)]
        if left:
            block = state.take(left[-1])
        extra = extra_cells(state, row, extras, shift)
        if all(blank(cells.get(name)) for name in VALUE_FIELDS):
            previous = _group_only(state, cells, previous, block)
            continue
        previous = _indicator(state, cells, previous, row, block, extra)
        indicators.append(previous)
    total = None
    if total_row is not None:
        total = _read_total(state, total_row, columns)
    else:
        state.log.add(
            "missing_total",
            "未找到“总分”行，表格可能被截断",
            state.grid.source,
            "score_total_reported",
        )
    return Indicators(
        tuple(indicators),
        total,
        block_label,
        columns,
        end + 1 if total_row is not None else end,
        read.roles,
    )


def _header_names(state: Reading, header: int) -> tuple[Row, int]:
    """The header's cells with a second header row laid over them, and the first body row.

    A second row names the parts of a merged header cell (指标性质 | 指标值 | 度量单位 under
    年度指标值): it holds only field names and blanks.
    """
    names = list(state.rows[header])
    below = header + 1
    if below >= len(state.rows):
        return names, below
    sub = state.rows[below]
    if not _is_sub_header(sub) or _is_header(sub):
        return names, below
    for cell in nonblank(sub):
        names[cell.col] = cell
        state.take(cell)
    return names, below + 1


def notes_cell(row: Row) -> Cell | None:
    """The cell of a notes row: one text (maybe repeated over merged cells) that starts like
    a note (填报说明, 注：, 说明：) or is a long numbered rule (``1.预算执行率=…;2.…``)."""
    cells = nonblank(row)
    if not cells or len({key(c) for c in cells}) != 1:
        return None
    text = key(cells[0])
    numbered = (
        _NUMBERED_RULE.match(text) is not None
        and len(text) >= _NOTES_MIN_CHARS
        and any(mark in text for mark in ("=", ";", "。"))
    )
    return cells[0] if text.startswith(vocabulary.NOTES_PREFIXES) or numbered else None


def notes_name(cell: Cell) -> str:
    """The name a notes row is kept under: its own label (填报说明) or 说明."""
    text = key(cell)
    return next((p.rstrip(":") for p in vocabulary.NOTES_PREFIXES if text.startswith(p)), "说明")


def _find_total(rows: Sequence[Row], start: int) -> int | None:
    for index in range(start, len(rows)):
        if _total_col(rows[index]) is not None:
            return index
    return None


def _total_col(row: Row) -> int | None:
    return next(
        (i for i, c in enumerate(row) if c is not None and vocabulary.is_total_label(c.text)),
        None,
    )


def _indicator_block_label(state: Reading, header: int, first: int) -> CellText | None:
    """The 绩效指标 label left of the header (``绩效指标(90分)``), in the header or above it."""
    for row in (state.rows[header], *state.rows[:header]):
        for cell in row[: first + 1]:
            if cell is not None and labels.base_key(cell.text) in vocabulary.INDICATOR_BLOCK:
                return state.take(cell)
    return None


def _repeated_block(
    label: CellText | None, block: CellText | None, first: CellText | None
) -> CellText | None:
    """The goal block after a header printed again: a new label starts a new block (湖北); no
    label, the block's own, or the first header's (a header row repeated on every page)
    continues it."""
    same = {c.raw.strip() for c in (block, first) if c is not None}
    if label is None or label.raw.strip() in same:
        return block
    return label


def _is_sub_header(row: Row) -> bool:
    """A second header row: only indicator field names (指标性质 | 指标值 | 度量单位)."""
    cells = nonblank(row)
    named = [c for c in cells if vocabulary.indicator_field(c.text) is not None]
    return len(named) >= 2 and len(named) == len(cells)


def _goal_block(state: Reading, row: Row, first: int) -> CellText | None:
    """A goal block label left of a header row's 一级 column (年度绩效目标1(40分)); the
    绩效指标 label is not one."""
    left = [
        c
        for c in row[:first]
        if not blank(c) and labels.base_key(c.text) not in vocabulary.INDICATOR_BLOCK  # type: ignore[union-attr]
    ]
    return state.take(left[-1]) if left else None


def _fit(row: Row, columns: dict[str, int], shift: int) -> int:
    """How well a row reads under a column shift: numbers where numbers belong, and so on."""

    def text(name: str) -> str:
        return key(at(row, columns[name] + shift)) if name in columns else ""

    score = 0
    for name in ("weight", "score"):
        value = text(name)
        score += 2 if _PLAIN_NUMBER.match(value) else (0 if not value else -2)
    score += 1 if _TARGETISH.search(text("target")) else 0
    level3 = text("level3")
    score -= 3 if level3 in vocabulary.LEVEL2_GROUPS else 0
    score -= 2 if NUMBER.match(level3) or level3[:1] in OPERATOR_CHARACTERS else 0
    return score


def _best_shift(row: Row, columns: dict[str, int]) -> int:
    """0, or ±1 when the row reads clearly better shifted (by ``_MIN_SHIFT_GAIN`` points) and
    no cell would be lost by it."""
    first, last = min(columns.values()), max(columns.values())
    best, best_fit = 0, _fit(row, columns, 0)
    for shift in _SHIFTS[1:]:
        dropped = row[first : first + shift] if shift > 0 else row[last + shift + 1 : last + 1]
        if not all(blank(c) for c in dropped):
            continue
        fit = _fit(row, columns, shift)
        if fit >= best_fit + _MIN_SHIFT_GAIN:
            best, best_fit = shift, fit
    return best


def _report_shift(state: Reading, row: Row, shift: int) -> None:
    cell = first_cell(row)
    assert cell is not None
    texts = " | ".join(c.text for c in row if c is not None)
    direction = "右" if shift > 0 else "左"
    state.log.add(
        "row_realigned",
        f"该行整体{direction}移了一列，已按表头重新对齐：{texts}",
        cell.source,
        "indicator",
        found=texts,
    )


def _group_only(
    state: Reading,
    cells: dict[str, Cell | None],
    previous: IndicatorRow | None,
    block: CellText | None,
) -> IndicatorRow | None:
    """A row with only 一级/二级 labels and no indicator: report it and carry its vocabulary."""
    cell = next((c for c in cells.values() if not blank(c)), None)
    if cell is None:
        return previous
    texts = " | ".join(c.text for c in cells.values() if not blank(c))  # type: ignore[union-attr]
    state.log.add(
        "empty_indicator_row",
        f"该行只有指标类别，没有三级指标：{texts}",
        cell.source,
        "indicator",
        found=texts,
    )
    level1 = cells.get("level1")
    level2 = cells.get("level2")
    same_block = previous is not None and previous.block == block
    carried = (
        previous.level1
        if previous is not None and same_block and blank(level1)
        else state.take(level1)
    )
    return IndicatorRow(
        level1=carried,
        level2=state.take(level2) if not blank(level2) else None,
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
    state: Reading,
    cells: dict[str, Cell | None],
    previous: IndicatorRow | None,
    row: Row,
    block: CellText | None,
    extra: Extra,
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
    anchor = next(c for c in row if not blank(c))
    assert anchor is not None
    source = Source(
        anchor.source.file, page=anchor.source.page, line=anchor.source.line, row=anchor.row
    )
    values = {name: state.take(cells.get(name)) for name in VALUE_FIELDS}
    level3 = labels.label_key(values["level3"].raw) if values["level3"] is not None else ""
    placeholder = _PLACEHOLDER.match(level3) is not None and all(
        v is None or v.blank for name, v in values.items() if name not in ("level3", "note")
    )
    if placeholder:
        state.log.add(
            "placeholder_row",
            f"模板占位行，未填写指标：{level3}",
            source,
            "indicator",
            found=level3,
        )
    return IndicatorRow(
        level1=level1,
        level2=level2,
        level3=values["level3"],
        target=values["target"],
        actual=values["actual"],
        weight=values["weight"],
        score=values["score"],
        note=values["note"],
        source=source,
        inherited=tuple(inherited),
        cells=tuple(
            (role.name, cell) for role in INDICATOR_ROLES if (cell := values[role.name]) is not None
        ),
        block=block,
        placeholder=placeholder,
        sub_row=vocabulary.is_sub_row_label(level3),
        extra=extra,
    )


def _read_total(state: Reading, index: int, columns: dict[str, int]) -> TotalRow:
    """The 总分 row. Its label may start in the first or the second column, so the numbers are
    taken in order after the label: the weight total, then the score total."""
    row = state.rows[index]
    label_col = _total_col(row)
    assert label_col is not None
    label = row[label_col]
    assert label is not None
    state.take(label)
    numbers = [c for c in row[label_col + 1 :] if c is not None and is_number(c)]
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
        (c for c in row[after + 1 :] if c is not None and _GRADE.match(key(c))),
        None,
    )
    return TotalRow(
        weight=state.take(weight),
        score=state.take(score),
        source=label.source,
        grade=state.take(grade),
    )


def _report_columns(state: Reading, read: Header, header: Row) -> None:
    """The header's doubts as problems: a required role no column takes, a role read from a
    column's place and cells alone, a column whose label no class explains."""
    anchor = next((c for c in header if c is not None), None)
    source = anchor.source if anchor is not None else state.grid.source
    for role in read.missing:
        state.log.add(
            "missing_column",
            f"未找到“{ROLE_NAMES[role]}”列：表头中没有能识别为该列的标签",
            source,
            role,
        )
    for column in read.doubtful:
        state.log.add(
            "doubtful_column",
            f"“{column.header or '（无标签）'}”列按位置和内容推断为"
            f"“{ROLE_NAMES[column.role or '']}”（{column.evidence}），请核对",
            column_source(header, column.col, source),
            column.role or "",
            found=column.header,
        )
    for column in read.unknown:
        state.log.add(
            "unknown_column",
            f"无法识别的表头“{column.header}”：该列内容保留在 extra 中",
            column_source(header, column.col, source),
            "extra",
            found=column.header,
        )


def column_source(header: Row, col: int, default: Source) -> Source:
    cell = at(header, col)
    return cell.source if cell is not None else default
