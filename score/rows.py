"""An indicator row's cells as the texts that scoring reads, whatever the layout family.

Layouts spread one indicator over different columns: the split-operator family prints the
operator, the number and the unit in three columns; the 部门整体 family adds a 调整指标值 and a
计量单位; 一级 labels may carry points (``产出指标(50分)``, a bare ``(30分)``), and core
indicators a ``★``. :func:`row_to_texts` puts these back together and keeps every extra cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import regex

from extract.table import CellText, IndicatorRow
from normalize import clean_text, parts_to_text

# Points carried by a label: '产出指标(50分)', '(30分)', '年度绩效目标1(40分)',
# '预算执行情况(10分)', and a weight in a formula: '得分(20分*执行率)'.
_POINTS = regex.compile(r"[(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]|(\d+(?:\.\d+)?)\s*分\s*\*")
_POINTS_SUFFIX = regex.compile(r"\s*[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]\s*$")
#: The 一级 group of each 二级 group, for a 一级 label lost in print (a bare '(30分)').
LEVEL1_OF_LEVEL2 = {
    "数量指标": "产出指标",
    "质量指标": "产出指标",
    "时效指标": "产出指标",
    "成本指标": "产出指标",
    "经济效益指标": "效益指标",
    "社会效益指标": "效益指标",
    "生态效益指标": "效益指标",
    "可持续影响指标": "效益指标",
    "服务对象满意度指标": "满意度指标",
    "满意度指标": "满意度指标",
}
_EXTRA_FIELDS = {
    "target_adjusted": "调整指标值",
    "nature": "指标性质",
    "unit": "度量单位",
    "coefficient": "得分系数",
    "share": "权重占比",
    "item_score": "单项指标得分",
    "converted": "折算得分",
    "core": "是否核心指标",
}


def points_of(text: str | None) -> Decimal | None:
    """The points a label carries.

    >>> points_of("产出指标(50分)"), points_of("得分(20分*执行率)"), points_of("产出指标")
    (Decimal('50'), Decimal('20'), None)
    """
    match = _POINTS.search(text or "")
    return Decimal(match.group(1) or match.group(2)) if match else None


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
        {
            label: clean_text(cell.raw)
            for name, label in _EXTRA_FIELDS.items()
            if (cell := getattr(row, name)) is not None and not cell.blank
        }
    )
    level1_raw = _clean(row.level1)
    level2 = _clean(row.level2)
    level1 = _POINTS_SUFFIX.sub("", level1_raw or "") if level1_raw is not None else None
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
    target = _clean(row.target_adjusted) or _clean(row.target) or ""
    if _clean(row.target_adjusted) and _clean(row.target):
        extra["年初指标值"] = _clean(row.target) or ""
    unit = _clean(row.unit) or ""
    nature = _clean(row.nature) or ""
    return IndicatorTexts(
        level1=level1,
        level2=level2,
        level3=level3,
        target=parts_to_text(nature, target, unit),
        actual=parts_to_text("", _clean(row.actual) or "", unit),
        note=_clean(row.note),
        group=group,
        group_points=points_of(group),
        extra=extra,
    )


def _clean(cell: CellText | None) -> str | None:
    return clean_text(cell.raw) if cell is not None else None
