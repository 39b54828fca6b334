"""The label words a 自评表 is recognised and read by: the project's one copy of them.

Data, plus the small functions that compare a cell's text with it (:func:`label_key`,
:func:`fund_field`, :func:`indicator_field`, :func:`points_of`) and the one predicate that
decides whether some cells are a 自评表 (:func:`is_self_evaluation`). Every stage reads its
words from here: the PDF page finder and page joiner, the layout reader, the scorer.
The field names on the right of the column maps are the ones the layout reader fills.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from decimal import Decimal

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


#: The label of a 自评表's first row: 项目名称, or the 部门/单位 of a 部门整体 table.
PROJECT_NAME = frozenset({"项目名称", "部门名称", "单位名称", "部门(单位)名称"})
DEPARTMENT = frozenset({"主管部门", "主管单位"})
IMPLEMENTING_UNIT = frozenset({"实施单位", "项目实施单位"})
MONEY_LABEL_PREFIXES = ("项目资金", "预算执行情况", "预算执行", "资金情况", "资金投入")
#: Money units of a 项目资金 label, with their value in 元.
MONEY_UNITS = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000)}

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
#: Words of the 项目资金 row that carries the table's funds (the others are its sub-rows).
FUND_TOTAL_WORDS = ("资金总额", "合计", "总计")

#: Header cells of the indicator block, as printed in the standard layout; a 自评表 shows
#: several of them (the PDF page finder counts them in a page's text).
INDICATOR_HEADERS = ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "偏差原因")
#: Words that go with 项目名称 on the first page of a 自评表.
PAGE_MARKERS = ("绩效指标", "自评", "指标值", "年度总体目标", "预期目标", "实际完成")
#: Note headers printed in full (the indicator block's last column).
NOTE_HEADERS = ("偏差原因分析及改进措施", "未完成原因及拟采取的改进措施")
#: 项目资金 block labels printed in full.
FUND_HEADERS = ("年初预算数", "全年预算数", "全年执行数", "执行率(%)", "年度资金总额", "其他资金")
#: The word that titles a 自评表 (``…项目支出绩效自评表``).
TITLE_WORD = "自评表"

#: The section labels of the first column, printed in full.
SECTION_LABELS = ("绩效指标", "项目资金(万元)", "年度总体目标")

#: 二级 groups whose indicators are all lower-is-better.
COST_GROUPS = frozenset(
    {"成本指标", "经济成本指标", "社会成本指标", "生态环境成本指标", "生态成本指标"}
)

#: 一级 group names of the standard framework.
LEVEL1_GROUPS = frozenset({"产出指标", "效益指标", "满意度指标"})

#: 二级 group names: a row whose 三级 cell holds one of these is shifted by a column.
LEVEL2_GROUPS = frozenset(
    {
        "数量指标",
        "质量指标",
        "时效指标",
        *COST_GROUPS,
        "经济效益指标",
        "社会效益指标",
        "生态效益指标",
        "可持续影响指标",
        "服务对象满意度指标",
        "满意度指标",
    }
)


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

# Points carried by a label: '产出指标(50分)', '(30分)', '年度绩效目标1(40分)',
# '预算执行情况(10分)', and a weight in a formula: '得分(20分*执行率)'.
_POINTS = regex.compile(r"[(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]|(\d+(?:\.\d+)?)\s*分\s*\*")
#: Points at the end of a label: '产出指标(50分)' → '产出指标'.
POINTS_SUFFIX = regex.compile(r"\s*[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]\s*$")


def points_of(text: str | None) -> Decimal | None:
    """The points a label carries.

    >>> points_of("产出指标(50分)"), points_of("得分(20分*执行率)"), points_of("产出指标")
    (Decimal('50'), Decimal('20'), None)
    """
    match = _POINTS.search(text or "")
    return Decimal(match.group(1) or match.group(2)) if match else None


#: An indicator block shows at least this many distinct header cells.
MIN_INDICATOR_HEADERS = 3


def is_self_evaluation(texts: Iterable[str]) -> bool:
    """Whether the cell texts of one table are a 自评表.

    A 自评表 shows several indicator header cells (一级指标, 年度指标值 …), or names its
    subject (项目名称, or 部门名称 in a 部门整体 table) together with an indicator header, a
    年度总体目标 block or a 总分 row. Other financial tables of an annual report
    (收入支出决算总表 …) have neither. A layout jixiao does not know is still a 自评表 by
    these words, and is kept and reported rather than skipped.

    >>> is_self_evaluation(["项目名称", "某项目", "一级指标", "二级指标", "三级指标"])
    True
    >>> is_self_evaluation(["项目名称", "某项目", "总 分", "95"])
    True
    >>> is_self_evaluation(["收入支出决算总表", "项目名称", "行次", "金额"])
    False
    """
    keys = {label_key(text) for text in texts}
    headers = len({field for key in keys if (field := indicator_field(key)) is not None})
    named = bool(keys & PROJECT_NAME)
    summary = any(key.startswith(GOAL_PREFIXES) or key in TOTAL for key in keys)
    return headers >= MIN_INDICATOR_HEADERS or (named and (headers >= 1 or summary))


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
    unit = match.group(1) if match else None
    return unit if unit in MONEY_UNITS else None


#: Headings that introduce 自评表 (``附件：项目支出绩效自评表``) rather than title one.
SECTION_PREFIXES = ("附件", "附表")
# A title line, spaces and a trailing note removed: at most 50 characters ending in 自评表, or
# 部门整体…绩效…表; then an optional '(2023年度)' or '(修改)'. No sentence punctuation (prose).
_TITLE_LINE = regex.compile(
    r"""^(?P<title>[^。，,；;！!？?《》]{0,50}?
         (?:自评表|自評表|部门整体[^。，,；;]{0,20}绩效[^。，,；;]{0,12}表))
        (?:\([^()]{0,20}\))?$""",
    regex.VERBOSE,
)


def self_evaluation_title(line: str) -> str | None:
    """The title a line gives a 自评表, or None when the line is not such a title.

    A title is a short line that ends in 自评表 (or names a 部门整体 table), possibly followed
    by a note in parentheses; prose that mentions a 自评表 and a table of contents line
    (with its page number) are not titles.

    >>> self_evaluation_title("财政项目支出绩效自评表"), self_evaluation_title("绩效自评表（修改）")
    ('财政项目支出绩效自评表', '绩效自评表')
    >>> self_evaluation_title("2020年度水土保持監測項目績效自評表")
    '2020年度水土保持監測項目績效自評表'
    >>> self_evaluation_title("项目支出绩效自评结果详见附表，自评表列示绩效指标")
    >>> self_evaluation_title("十、项目支出绩效自评表……36")
    """
    key = label_key(line).rstrip("。.;；")
    match = _TITLE_LINE.match(key)
    return match.group("title") if match else None


#: A title wrapped over two lines keeps at most this many characters on the second.
_MAX_TITLE_TAIL = 10


def lines_to_titles(lines: Iterable[str]) -> list[str]:
    """The lines that title a 自评表, a title wrapped onto a short second line joined.

    >>> lines_to_titles(["某局2023年度部门整体绩效自评", "表", "主管部门", "项目支出绩效自评表"])
    ['某局2023年度部门整体绩效自评表', '项目支出绩效自评表']
    >>> lines_to_titles([])
    []
    """
    stripped = [line.strip() for line in lines]
    titles = []
    skip = False
    for index, line in enumerate(stripped):
        after = stripped[index + 1] if index + 1 < len(stripped) else ""
        if skip:
            skip = False
        elif self_evaluation_title(line):
            titles.append(line)
        elif (
            after
            and len(after) <= _MAX_TITLE_TAIL
            and not self_evaluation_title(after)
            and self_evaluation_title(line + after)
        ):
            titles.append(line + after)
            skip = True
    return titles
