"""An indicator row's cells as the texts that scoring reads, whatever the layout family.

Layouts spread one indicator over different columns: the split-operator family prints the
operator, the number and the unit in three columns; the 部门整体 family adds a 调整指标值 and a
计量单位; 一级 labels may carry points (``产出指标(50分)``, a bare ``(30分)``), and core
indicators a ``★``. :func:`row_to_texts` puts these back together and keeps every extra cell.
The target is joined from its parts as printed (``≧`` + ``735`` + ``人次`` → ``≧735人次``); the
actual stays as printed (a bare ``735`` takes the target's unit when it is normalized).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from jixiao.core.vocabulary import LEVEL1_OF_LEVEL2, POINTS_SUFFIX, points_of
from jixiao.model.table import INDICATOR_ROLES, CellText, IndicatorRow
from jixiao.normalize import clean_text, parts_to_text

_ROLE_LABELS = {role.name: role.label for role in INDICATOR_ROLES}


@dataclass(frozen=True, slots=True)
class IndicatorTexts:
    """The cleaned texts of one indicator, assembled across split columns."""

    level1: str | None
    level2: str | None
    level3: str | None
    target: str
    actual: str
    note: str | None
    group: str  # the label that carries the group's points: a goal block or the 一级 cell
    group_points: Decimal | None
    extra: dict[str, str]


def row_to_texts(row: IndicatorRow) -> IndicatorTexts:
    """Clean and assemble one indicator row's texts."""
    extra = {label: clean_text(cell.raw) for label, cell in row.extra}
    extra.update(
        {_ROLE_LABELS[name]: clean_text(cell.raw) for name, cell in row.cells if not cell.blank}
    )
    level1_raw = _clean(row.level1)
    level2 = _clean(row.level2)
    level1 = POINTS_SUFFIX.sub("", level1_raw or "") if level1_raw is not None else None
    if level1 == "" and level2 in LEVEL1_OF_LEVEL2:
        level1 = LEVEL1_OF_LEVEL2[level2]
        extra["一级指标"] = f"{level1_raw}（按二级指标推断为{level1}）"
    elif level1_raw != level1 and level1_raw is not None:
        extra["一级指标"] = level1_raw
    level3 = _clean(row.level3)
    if level3 is not None and level3.startswith("★"):
        level3 = level3.lstrip("★")
        extra["核心指标"] = "★"
    block = _clean(row.block)
    if block:
        extra["绩效目标"] = block
    group = block if block is not None and points_of(block) is not None else (level1_raw or "")
    adjusted = _clean(row.cell("target_adjusted"))
    target = adjusted or _clean(row.target) or ""
    if adjusted and _clean(row.target):
        extra["年初指标值"] = _clean(row.target) or ""
    unit = _clean(row.cell("unit")) or ""
    nature = _clean(row.cell("nature")) or ""
    return IndicatorTexts(
        level1=level1,
        level2=level2,
        level3=level3,
        target=parts_to_text(nature, target, unit),
        actual=_clean(row.actual) or "",
        note=_clean(row.note),
        group=group,
        group_points=points_of(group),
        extra=extra,
    )


def _clean(cell: CellText | None) -> str | None:
    return clean_text(cell.raw) if cell is not None else None
