"""The role of each column of a 绩效指标 header, decided for the whole header at once.

Three kinds of evidence, as a person reading an unfamiliar table uses them:

- **the words of its label** (:func:`jixiao.core.columns.label_to_evidence`): a whole label
  (三级指标) is certain; a word it contains (具体指标, 权重分, 自评得分) is evidence, weaker the
  less of the label it covers; a ``not`` word rules a role out (得分计算方法 is no score);
- **what its cells hold**: points are numbers, so a 分值 column of words is no weight; a name
  column holds words, not numbers;
- **where it stands**: a 一级 column printed under another header is the named column left of
  二级; an unlabelled column right of the 一级/二级 columns that holds names is the 三级 column;
  an unlabelled column between the target and the score that holds values is the actual.

Each role goes to one column: the strongest claim wins, and a column that loses its first role
takes its next one. Every column gets a :class:`ColumnRole` with a confidence (1 for a whole
label; the word's strength; 0.5 for a role read from cells and position alone). A role the
table needs (三级指标, 年度指标值, 实际完成值) that no column takes, or takes only by cells and
position, is a doubt the reader reports (``missing_column``, ``doubtful_column``): the table is
then read as ``partial`` and nothing in it is blamed on the publisher. A label no class
explains is kept under its header in ``extra`` (``unknown_column``), never lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from jixiao.core import labels, vocabulary
from jixiao.core.columns import Evidence, label_to_evidence
from jixiao.extract.layout.cells import NOT_APPLICABLE, NUMBER, Row, at, blank, key
from jixiao.model.table import INDICATOR_ROLES, ColumnRole

#: How messages name a role: the usual printed header.
ROLE_NAMES = {
    "level1": "一级指标",
    "level2": "二级指标",
    "level3": "三级指标",
    "target": "年度指标值",
    "actual": "实际完成值",
    "weight": "分值",
    "score": "得分",
    "note": "偏差原因分析及改进措施",
    **{role.name: role.label for role in INDICATOR_ROLES},
}
#: Roles every indicator table prints: without them the table cannot be read completely.
REQUIRED = ("level3", "target", "actual")
#: Roles whose column holds points: a column of words does not have them.
POINTS_ROLES = frozenset({"weight"})
#: Share of a column's printed cells that must be numbers for it to hold points.
POINTS_SHARE = 0.5
#: Confidence of a role read from a column's cells and place alone.
INFERRED = 0.5
#: Share of a column's printed cells that must be words (no digit) for it to hold names.
NAMES_SHARE = 0.6


@dataclass(frozen=True, slots=True)
class Header:
    """A header read: role → column, extra column → its printed name, each column's role, and
    the doubts to report: ``missing`` roles, ``doubtful`` roles (read by place and cells only),
    ``unknown`` columns (no class explains their label)."""

    columns: dict[str, int]
    extras: dict[int, str]
    roles: tuple[ColumnRole, ...]
    missing: tuple[str, ...] = ()
    doubtful: tuple[ColumnRole, ...] = ()
    unknown: tuple[ColumnRole, ...] = ()


def header_to_roles(names: Row, body: Sequence[Row]) -> Header:
    """Decide the role of every labelled column of an indicator header (``names``: the header
    cells, a second header row laid over them) from its label, its cells in ``body`` and its
    place."""
    claims = {
        col: _claims(cell.text, col, body)
        for col, cell in enumerate(names)
        if cell is not None and not blank(cell)
    }
    columns: dict[str, int] = {}
    chosen: dict[int, Evidence] = {}
    # the strongest claims first; a tie goes to the leftmost column (as the header is read)
    ranked = sorted(
        ((e.strength, -col, col, e) for col, found in claims.items() for e in found),
        key=lambda item: (-item[0], -item[1]),
    )
    for _, _, col, evidence in ranked:
        if col in chosen or (evidence.role is not None and evidence.role in columns):
            continue
        chosen[col] = evidence
        if evidence.role is not None:
            columns[evidence.role] = col
    roles = {
        col: ColumnRole(col, _printed(names, col), e.role, e.strength, e.why)
        for col, e in chosen.items()
    }
    inferred = _infer_by_place(names, body, columns, claims)
    roles.update({r.col: r for r in inferred})
    columns.update({r.role: r.col for r in inferred if r.role is not None})
    first = min(columns.values(), default=0)
    extras: dict[int, str] = {}
    unknown = []
    for col in sorted(claims):
        role = roles.get(col)
        if role is not None and role.role is not None:
            continue
        if col <= first:
            continue  # left of the block: a goal block label (湖北), read with the rows
        extras[col] = _printed(names, col)
        if role is None and claims[col]:  # its roles went to columns with stronger claims
            best = claims[col][0]
            why = f"{best.why}，但该角色已归另一列"
            roles[col] = ColumnRole(col, _printed(names, col), None, best.strength, why)
        elif role is None:
            role = ColumnRole(col, _printed(names, col), None, 0.0, "标签无法识别")
            roles[col] = role
            unknown.append(role)
    missing = tuple(role for role in REQUIRED if role not in columns)
    return Header(
        columns,
        extras,
        tuple(roles[col] for col in sorted(roles)),
        missing,
        tuple(r for r in inferred if r.confidence <= INFERRED),
        tuple(unknown),
    )


def _claims(text: str, col: int, body: Sequence[Row]) -> tuple[Evidence, ...]:
    """The roles a column's label claims, without those its cells rule out (a column of words
    holds no points)."""
    found = label_to_evidence("indicators", text)
    if any(e.role in POINTS_ROLES for e in found) and not holds_points(body, col):
        found = tuple(
            Evidence(None, e.strength, f"{e.why}，但单元格不是分数")
            if e.role in POINTS_ROLES
            else e
            for e in found
        )
    return found


def holds_points(rows: Sequence[Row], col: int) -> bool:
    """Whether a column's printed cells are mostly numbers (points), not words."""
    printed = _printed_cells(rows, col)
    if not printed:
        return True
    numbers = sum(1 for t in printed if NUMBER.match(t))
    return numbers >= POINTS_SHARE * len(printed)


def _holds_names(rows: Sequence[Row], col: int) -> bool:
    printed = _printed_cells(rows, col)
    words = sum(1 for t in printed if not any(ch.isdigit() for ch in t))
    return bool(printed) and words >= NAMES_SHARE * len(printed)


def _holds_values(rows: Sequence[Row], col: int) -> bool:
    return bool(_printed_cells(rows, col))


def _printed_cells(rows: Sequence[Row], col: int) -> list[str]:
    texts = [key(cell) for row in rows if (cell := at(row, col)) is not None]
    return [t for t in texts if t not in NOT_APPLICABLE]


def _printed(names: Row, col: int) -> str:
    """A header as printed, made comparable (no spaces or line breaks: 实际 完成值 → 实际完成值)."""
    cell = at(names, col)
    return labels.printed_key(cell.text) if cell is not None else ""


def _infer_by_place(
    names: Row,
    body: Sequence[Row],
    columns: dict[str, int],
    claims: dict[int, tuple[Evidence, ...]],
) -> list[ColumnRole]:
    """Roles read from where a column stands and what it holds, for columns whose label no class
    explains: the 一级 column left of 二级, the 三级 column right of the levels, the actual
    column between the target and the score."""
    free = [col for col, found in claims.items() if not found and col not in columns.values()]
    found: list[ColumnRole] = []

    def take(col: int, role: str, confidence: float, why: str) -> None:
        found.append(ColumnRole(col, _printed(names, col), role, confidence, why))
        free.remove(col)
        columns[role] = col

    level1 = _level1_left_of_level2(names, columns)
    if level1 is not None:
        # as before: a 一级 column printed under another header (项目权重) is certain by place
        found.append(ColumnRole(level1, _printed(names, level1), "level1", 1.0, "二级指标左侧一列"))
        columns["level1"] = level1
        if level1 in free:
            free.remove(level1)
    levels = [columns[r] for r in ("level1", "level2") if r in columns]
    if "level3" not in columns and levels:
        col = max(levels) + 1
        if col in free and _holds_names(body, col):
            take(col, "level3", INFERRED, "位于一级/二级指标右侧，单元格为指标名称")
    if "actual" not in columns and "target" in columns:
        col = columns["target"] + 1
        if col in free and _holds_values(body, col):
            take(col, "actual", INFERRED, "位于指标值右侧，单元格为完成值")
    if "target" not in columns and "actual" in columns:
        col = columns["actual"] - 1
        if col in free and _holds_values(body, col):
            take(col, "target", INFERRED, "位于完成值左侧，单元格为指标值")
    return found


def _level1_left_of_level2(names: Row, columns: dict[str, int]) -> int | None:
    """A 一级 column printed under another header (项目权重): the named column left of 二级."""
    if "level1" in columns or "level2" not in columns:
        return None
    col = columns["level2"] - 1
    cell = at(names, col)
    if (
        cell is None
        or blank(cell)
        or col in columns.values()
        or labels.base_key(cell.text) in vocabulary.INDICATOR_BLOCK
    ):
        return None
    return col
