"""Read a grid as a 自评表 by finding its labels, never by fixed positions.

:func:`grid_to_table` locates the labelled sections (项目名称 / 主管部门 / 实施单位, the 项目资金
block, 年度总体目标, the 绩效指标 block, the 总分 row), maps each header cell to a field, and
reads the rows below it (the blocks: :mod:`~jixiao.extract.layout.funds`,
:mod:`~jixiao.extract.layout.indicators`). Merged 一级/二级 cells (blank in text exports) are
filled down. A row shifted by one column (a text export artifact) is realigned and reported.
Labels are matched in simplified characters, so a table printed in traditional characters
(項目名稱, 績效指標, 總分) reads the same; values stay as printed.

The subject: ``project_name`` is the 项目名称. A 部门整体 table names a department or unit
instead (部门名称 / 单位名称, or only 主管部门): its ``project_name`` stays empty and the
department or unit is its ``department`` (or, when a 主管部门 is printed as well, its
``implementing_unit``).

Cells around the blocks that name something (``报表编号：…`` above the table, notes rows such as
``填报说明…`` or ``1.预算执行率=…``, ``项目负责人 | 某某`` below it) go to the table's ``extra``.
Every other non-empty cell that no field takes is reported as an ``unread_cell`` problem, so
nothing is lost silently.
"""

from __future__ import annotations

from collections import Counter

import regex

from jixiao.core import labels, vocabulary
from jixiao.extract.layout.cells import (
    Reading,
    Row,
    blank,
    find_header,
    find_row,
    first_of,
    key,
    nonblank,
)
from jixiao.extract.layout.funds import read_funds
from jixiao.extract.layout.indicators import (
    find_indicator_header,
    notes_cell,
    notes_name,
    read_indicators,
)
from jixiao.model.grid import Cell, Grid
from jixiao.model.table import CellText, Extra, SelfEvalTable, TotalRow

_SUBJECT_LABELS = vocabulary.PROJECT_NAME | vocabulary.DEPARTMENT | vocabulary.IMPLEMENTING_UNIT
#: A short label beside its value below the table (项目负责人 | 某某).
_MAX_LABEL_CHARS = 12


def grid_to_table(grid: Grid) -> SelfEvalTable:
    """Read one grid as a :class:`SelfEvalTable`."""
    state = Reading(grid, grid.matrix())
    project = _labelled(state, vocabulary.PROJECT_LABELS)[1]
    subject_label, subject = _labelled(state, vocabulary.UNIT_SUBJECT)
    department = _labelled(state, vocabulary.DEPARTMENT)[1]
    unit = _labelled(state, vocabulary.IMPLEMENTING_UNIT)[1]
    if subject is not None and department is None:
        department, subject = subject, None
    elif subject is not None and unit is None:
        unit, subject = subject, None
    goal_row = find_row(state.rows, lambda text: text.startswith(vocabulary.GOAL_PREFIXES))
    header_row = find_indicator_header(state.rows)
    funds_row = find_header(state.rows, vocabulary.fund_field, stop=header_row)
    section_end = first_of(goal_row, header_row, len(state.rows))
    funds = read_funds(state, funds_row, section_end)
    planned, achieved = _read_goal(state, goal_row, first_of(header_row, len(state.rows)))
    after = max(r for r in (goal_row, funds_row, 0) if r is not None)
    block = read_indicators(state, header_row, after)
    columns = block.columns or {}
    family = _family(grid, columns, named_project=project is not None)
    if project is None and family != "department_whole":
        state.log.add("missing_field", "未找到“项目名称”", grid.source, "project_name")
    if family == "unknown":
        state.log.add(
            "unknown_layout",
            "无法识别的自评表版式：未找到绩效指标表头，已保留能读取的内容",
            grid.source,
            "family",
        )
    _read_preamble(state)
    _read_trailer(state, block.end)
    extra: list[tuple[str, CellText]] = []
    if subject is not None:
        extra.append((labels.printed_key(subject_label), subject))
    if block.total is not None and block.total.grade:
        extra.append(("总分等级", block.total.grade))
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
        indicators=block.rows,
        total=block.total,
        problems=(*grid.problems, *state.log.problems),
        reader=grid.reader,
        family=family,
        funds_header=funds.header,
        indicator_block=block.block_label,
        extra=_unique_names((*extra, *state.extra)),
        read_gaps=_read_gaps(state, family, first_block, block.total),
        columns=block.roles,
    )


_DIGIT = regex.compile(r"\d")


def _read_gaps(
    state: Reading, family: str, first_block: int | None, total: TotalRow | None
) -> tuple[str, ...]:
    """What kept the table from being read completely (see ``SelfEvalTable.read_gaps``): a
    section not found, an unknown layout, a number between the first block's header and the
    总分 row that no field took."""
    gaps = [p.field for p in state.log.problems if p.code == "missing_section"]
    columns = {"missing_column", "doubtful_column"}
    gaps += ["columns"] if any(p.code in columns for p in state.log.problems) else []
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


def _family(grid: Grid, columns: dict[str, int], *, named_project: bool) -> str:
    """Which layout family a table belongs to, from the labels it prints."""
    if not columns:
        return "unknown"
    title = labels.label_key(grid.title or "")
    no_levels = "level1" not in columns and "level2" not in columns
    whole = vocabulary.DEPARTMENT_WHOLE_WORD in title or no_levels
    if "coefficient" in columns or (not named_project and whole):
        return "department_whole"
    if "share" in columns or "converted" in columns:
        return "hebei_converted"
    if "nature" in columns and "unit" in columns:
        return "split_operator"
    if "weight" not in columns:
        return "hubei"
    if columns["weight"] < columns.get("target", columns["weight"]) or "衔接" in title:
        return "xianjie"
    return "standard"


def _labelled(state: Reading, names: frozenset[str]) -> tuple[str, CellText | None]:
    """The first label cell naming one of ``names`` and the cell right of it (the first
    non-blank one, else the adjacent empty one): (the label as printed, the value)."""
    for row in state.rows:
        for col, cell in enumerate(row):
            if cell is None or vocabulary.label_subject(cell.text) not in names:
                continue
            state.take(cell)
            right = [c for c in row[col + 1 :] if c is not None]
            if not right:
                return cell.text, None
            value = next((c for c in right if not blank(c)), right[0])
            if key(value) in _SUBJECT_LABELS:
                return cell.text, state.take(right[0]) if right[0] is not value else None
            return cell.text, state.take(value)
    return "", None


def _read_goal(
    state: Reading, goal: int | None, end: int
) -> tuple[CellText | None, CellText | None]:
    if goal is None:
        return None, None
    row = state.rows[goal]
    label_col = next(
        i
        for i, c in enumerate(row)
        if c is not None and key(c).startswith(vocabulary.GOAL_PREFIXES)
    )
    state.take(row[label_col])
    planned_col = _col_of(row, vocabulary.GOAL_PLANNED)
    achieved_col = _col_of(row, vocabulary.GOAL_ACHIEVED)
    if planned_col is None and achieved_col is None:
        rest = [c for c in row[label_col + 1 :] if not blank(c)]
        return (state.take(rest[0]) if rest else None), None
    for col in (planned_col, achieved_col):
        if col is not None:
            state.take(row[col])
    content = [r for r in state.rows[goal + 1 : end] if any(not blank(c) for c in r)]
    if not content:
        return None, None
    body = content[0]
    stop = achieved_col if achieved_col is not None else len(body)
    planned = _first_nonblank(body, planned_col, stop) if planned_col is not None else None
    achieved = _first_nonblank(body, achieved_col, len(body)) if achieved_col is not None else None
    return state.take(planned), state.take(achieved)


def _col_of(row: Row, names: frozenset[str]) -> int | None:
    return next((i for i, c in enumerate(row) if c is not None and key(c) in names), None)


def _first_nonblank(row: Row, start: int, stop: int) -> Cell | None:
    window = [c for c in row[start:stop] if c is not None]
    return next((c for c in window if not blank(c)), window[0] if window else None)


def _read_preamble(state: Reading) -> None:
    """Rows above the table's first labelled row (报表编号：510000_0013zp, 单位：万元): their
    ``name：value`` cells go to extra."""
    first = find_row(state.rows, lambda text: text in _SUBJECT_LABELS)
    for row in state.rows[: first or 0]:
        _keep_named_cells(state, row)


def _read_trailer(state: Reading, start: int) -> None:
    """Rows below the 总分 row: notes rows, ``name：value`` cells and ``name | value`` pairs
    (项目负责人 | 某某) go to extra; anything else stays unread (and is reported)."""
    for row in state.rows[start:]:
        notes = notes_cell(row)
        if notes is not None:
            state.keep(notes_name(notes), notes)
            for cell in row:
                state.take(cell)
            continue
        _keep_named_cells(state, row)
        cells = [c for c in nonblank(row) if (c.row, c.col) not in state.used]
        if len(cells) == 2 and len(key(cells[0])) <= _MAX_LABEL_CHARS:
            state.take(cells[0])
            state.keep(labels.printed_key(cells[0].text), cells[1])


def _keep_named_cells(state: Reading, row: Row) -> None:
    for cell in nonblank(row):
        name, colon, value = labels.printed_key(cell.text).partition(":")
        if colon and name and value and len(name) <= _MAX_LABEL_CHARS:
            state.keep(name, cell)


def _unique_names(extra: tuple[tuple[str, CellText], ...]) -> Extra:
    """Extra cells with unique names: a second 说明 becomes 说明2."""
    seen: Counter[str] = Counter()
    named = []
    for name, text in extra:
        seen[name] += 1
        named.append((name if seen[name] == 1 else f"{name}{seen[name]}", text))
    return tuple(named)


def _report_unread(state: Reading) -> None:
    for cell in state.grid.iter_nonempty():
        if (cell.row, cell.col) in state.used:
            continue
        state.log.add(
            "unread_cell",
            f"单元格内容未能归入任何字段：{cell.text.strip()}",
            cell.source,
            found=cell.text,
        )
