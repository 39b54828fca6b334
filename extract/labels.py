"""The labels a 自评表 is read by, and how a cell's text is compared with them.

Data only, plus :func:`label_key`. The field names on the right are the ones the layout
reader fills; ../shared/domain.md §2 lists the label variants seen in real tables.
"""

from __future__ import annotations

import unicodedata

import regex

_TAG = regex.compile(r"<[^>]*>")
_SPACE = regex.compile(r"\s+")
_PAREN_SUFFIX = regex.compile(r"\([^()]*\)$")


def label_key(text: str) -> str:
    """The comparable form of a label: width-folded, without tags, spaces or a trailing colon.

    >>> label_key("年度 总体 目标")
    '年度总体目标'
    >>> label_key("项目资金 （万元）")
    '项目资金(万元)'
    >>> label_key("<p>偏差原因分析及改 进措施</p>")
    '偏差原因分析及改进措施'
    """
    folded = unicodedata.normalize("NFKC", text)
    return _SPACE.sub("", _TAG.sub("", folded)).rstrip(":")


def base_key(text: str) -> str:
    """:func:`label_key` without a trailing parenthesised note: ``执行率(%)`` → ``执行率``."""
    return _PAREN_SUFFIX.sub("", label_key(text))


PROJECT_NAME = frozenset({"项目名称", "部门名称", "单位名称", "部门(单位)名称"})
DEPARTMENT = frozenset({"主管部门", "主管单位"})
IMPLEMENTING_UNIT = frozenset({"实施单位", "项目实施单位"})
MONEY_LABEL_PREFIXES = ("项目资金", "预算执行情况", "预算执行", "资金情况", "资金投入")
MONEY_UNITS = {"万元": "万元", "元": "元", "亿元": "亿元"}

#: 项目资金 block columns: base key → FundRow field.
FUND_COLUMNS: dict[str, str] = {
    "年初预算数": "budget_initial",
    "全年预算数": "budget_adjusted",
    "调整后预算数": "budget_adjusted",
    "预算数": "budget_adjusted",
    "转移支付预算数": "budget_adjusted",
    "全年执行数": "spent",
    "执行数": "spent",
    "预算执行数": "spent",
    "分值": "weight",
    "执行率": "rate",
    "预算执行率": "rate",
    "得分": "score",
}

GOAL_PREFIXES = ("年度总体目标", "总体目标", "年度目标")
GOAL_PLANNED = frozenset({"预期目标", "年度预期目标"})
GOAL_ACHIEVED = frozenset({"实际完成情况", "实际完成"})

#: 绩效指标 block columns: base key → IndicatorRow field.
INDICATOR_COLUMNS: dict[str, str] = {
    "一级指标": "level1",
    "二级指标": "level2",
    "三级指标": "level3",
    "年度指标值": "target",
    "年度目标值": "target",
    "指标值": "target",
    "年初目标值": "target",
    "年初指标值": "target",
    "目标值": "target",
    "实际完成值": "actual",
    "全年实际值": "actual",
    "全年完成值": "actual",
    "完成值": "actual",
    "实际值": "actual",
    "指标名称": "level3",
    "调整指标值": "target_adjusted",
    "调整后指标值": "target_adjusted",
    "指标性质": "nature",
    "度量单位": "unit",
    "计量单位": "unit",
    "得分系数": "coefficient",
    "是否核心指标": "core",
    "权重占比": "share",
    "折算得分": "converted",
    "分值": "weight",
    "权重": "weight",
    "指标分值": "weight",
    "指标权重": "weight",
    "得分": "score",
    "指标得分": "score",
    "自评得分": "score",
    "单项指标得分": "item_score",
}
NOTE_PREFIXES = ("偏差原因", "未完成原因", "原因")
INDICATOR_BLOCK = frozenset({"绩效指标", "绩效指标完成情况"})
TOTAL = frozenset({"总分", "合计", "总计"})

#: 二级 group names: a row whose 三级 cell holds one of these is shifted by a column.
LEVEL2_GROUPS = frozenset(
    {
        "数量指标",
        "质量指标",
        "时效指标",
        "成本指标",
        "经济成本指标",
        "社会成本指标",
        "生态环境成本指标",
        "经济效益指标",
        "社会效益指标",
        "生态效益指标",
        "可持续影响指标",
        "服务对象满意度指标",
        "满意度指标",
    }
)


def fund_field(text: str) -> str | None:
    """The FundRow field a 项目资金 header cell names, if any.

    >>> fund_field("执行率(%)"), fund_field("全年 预算数"), fund_field("其他")
    ('rate', 'budget_adjusted', None)
    """
    key = base_key(text)
    if key.startswith("执行率"):
        return "rate"
    return FUND_COLUMNS.get(key)


def indicator_field(text: str) -> str | None:
    """The IndicatorRow field a 绩效指标 header cell names, if any.

    >>> indicator_field("年度 指标值"), indicator_field("偏差原因分析及改 进措施")
    ('target', 'note')
    """
    key = base_key(text)
    if key.startswith(NOTE_PREFIXES):
        return "note"
    return INDICATOR_COLUMNS.get(key)


def money_unit(text: str) -> str | None:
    """The money unit of a ``项目资金(万元)`` label.

    >>> money_unit("项目资金 (万元)"), money_unit("项目资金（元）"), money_unit("项目资金")
    ('万元', '元', None)
    """
    key = label_key(text)
    match = regex.search(r"\(([^()]*)\)", key)
    return MONEY_UNITS.get(match.group(1)) if match else None
