"""Chinese headers and values for analysts (``--labels zh``).

The English names are the contract (README, jixiao/model/frames.py); with ``zh`` the combined CSV /
Parquet / XLSX outputs get Chinese column headers and sheet names, and the values of the
vocabulary columns are said in Chinese too: ``severity`` (错误/警告/提示), ``kind`` (舍入差异 …),
``read_status`` (完整读取 …), ``policy`` (全国默认 …), ``family`` (标准表样 …), ``source_kind``,
``target_kind``, ``target_op`` (≥ ≤ ＝ …), ``direction``, ``rule`` and a problem's ``field``
(得分, 项目资金·全年执行数 …); the problems get a 问题类型 column with the code's Chinese
description beside the code, which stays (the registry, :mod:`jixiao.core.problems`). ``reader``
names a library (pdfium, openpyxl …) and stays as it is.
Where the form prints a label, the label is the form's (项目名称, 年初预算数 …); ``（表中）``
marks a value as printed, ``（复核）`` as recomputed by jixiao. Every column has a label, unique
in its frame (a test checks both; a column added without a label keeps its English name).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import regex

from jixiao.core.problems import CODES, KINDS, SEVERITY_ZH
from jixiao.model.frames import OUTPUT_SCHEMA, values_to_arrow
from jixiao.score.explain import RULE_NAMES

if TYPE_CHECKING:  # pyarrow loads with the first frame written, not with the command line
    import pyarrow as pa  # type: ignore[import-untyped]


SHEETS_ZH: Mapping[str, str] = {
    "departments": "部门汇总",
    "tables": "自评表",
    "funds": "项目资金",
    "indicators": "绩效指标",
    "problems": "问题",
    "projects": "项目逐年",
    "series": "指标逐年",
}

_PANEL_FLAGS_ZH = {
    "full_score_low_execution": "满分但执行率偏低",
    "target_lowered_after_exceeded": "上年超额完成后调低目标",
    "target_equals_previous_actual": "目标等于上年实际值",
    "target_repeated": "目标与上年相同",
}

COLUMNS_ZH: Mapping[str, Mapping[str, str]] = {
    "tables": {
        "table_id": "表编号",
        "source_file": "来源文件",
        "source_kind": "文件类型",
        "reader": "读取方式",
        "family": "表样类型",
        "page_start": "起始页",
        "page_end": "结束页",
        "line_start": "起始行",
        "year": "年度",
        "title": "表名",
        "project_name": "项目名称",
        "department": "主管部门",
        "implementing_unit": "实施单位",
        "money_unit": "金额单位",
        "budget_initial": "年初预算数",
        "budget_adjusted": "全年预算数",
        "spent": "全年执行数",
        "execution_weight": "执行率分值",
        "execution_rate_reported": "执行率（表中）",
        "execution_score_reported": "执行率得分（表中）",
        "execution_rate": "执行率（复核）",
        "execution_score": "执行率得分（复核）",
        "goal_planned": "年度总体目标（预期）",
        "goal_achieved": "年度总体目标（实际完成）",
        "indicator_count": "三级指标数",
        "weight_total_reported": "总分值（表中）",
        "weight_total": "总分值（复核）",
        "score_total_reported": "总分（表中）",
        "score_total_printed_sum": "总分（表中得分合计）",
        "score_total": "总分（复核）",
        "grade": "等级（复核）",
        "policy": "评分规则",
        "policy_basis": "评分规则依据",
        "policy_runner_up": "次优评分规则",
        "numbers_printed": "表中可复核数字数",
        "numbers_reproduced": "复核一致数",
        "runner_up_reproduced": "次优规则复核一致数",
        "read_status": "读取状态",
        "problem_count": "问题数",
        "error_count": "错误数",
        "warning_count": "警告数",
        "extra": "其他单元格",
        "project_key": "项目键",
        "duplicate_of": "重复于（保留的表编号）",
    },
    "funds": {
        "table_id": "表编号",
        "seq": "序号",
        "label": "资金项目",
        "budget_initial": "年初预算数",
        "budget_adjusted": "全年预算数",
        "spent": "全年执行数",
        "weight": "分值",
        "execution_rate_reported": "执行率（表中）",
        "score_reported": "得分（表中）",
        "extra": "其他单元格",
    },
    "indicators": {
        "table_id": "表编号",
        "source_file": "来源文件",
        "page": "页",
        "line": "行",
        "seq": "序号",
        "level1": "一级指标",
        "level2": "二级指标",
        "level3": "三级指标",
        "target_text": "年度指标值",
        "actual_text": "实际完成值",
        "weight": "分值",
        "score_reported": "得分（表中）",
        "deviation_note": "偏差原因分析及改进措施",
        "target_kind": "指标值类型",
        "target_op": "比较符",
        "target_value": "指标值",
        "target_upper": "指标值上限",
        "target_unit": "指标值单位",
        "actual_value": "完成值",
        "actual_unit": "完成值单位",
        "direction": "方向",
        "achieved": "是否达成",
        "completion_ratio": "完成比例",
        "score": "得分（复核）",
        "score_delta": "得分差（表中−复核）",
        "rule": "计分规则",
        "explanation": "计分说明",
        "extra": "其他单元格",
        "indicator_key": "指标键",
    },
    "problems": {
        "table_id": "表编号",
        "source_file": "来源文件",
        "project_name": "项目名称",
        "department": "主管部门",
        "page": "页",
        "line": "行",
        "row": "表格行（从0起）",
        "col": "表格列（从0起）",
        "field": "字段",
        "severity": "严重程度",
        "code": "问题代码",
        "kind": "差异类型",
        "message": "说明",
        "expected": "应为",
        "found": "表中为",
    },
    "projects": {
        "project_key": "项目键",
        "year": "年度",
        "department": "主管部门",
        "project_name": "项目名称",
        "table_id": "表编号（取数）",
        "table_ids": "各份表编号",
        "table_count": "表数（不含重复）",
        "read_status": "读取状态",
        "budget_adjusted": "全年预算数",
        "spent": "全年执行数",
        "execution_rate_reported": "执行率（表中）",
        "execution_rate": "执行率（复核）",
        "indicator_count": "三级指标数",
        "weight_total_reported": "总分分值（表中）",
        "score_total_reported": "总分（表中）",
        "score_total": "总分（复核）",
        "grade": "等级",
        "full_score_low_execution": _PANEL_FLAGS_ZH["full_score_low_execution"],
    },
    "series": {
        "project_key": "项目键",
        "indicator_key": "指标键",
        "year": "年度",
        "table_id": "表编号",
        "level1": "一级指标",
        "level2": "二级指标",
        "level3": "三级指标",
        "target_text": "年度指标值",
        "actual_text": "实际完成值",
        "target_op": "比较符",
        "target_value": "指标值",
        "target_unit": "指标值单位",
        "actual_value": "完成值",
        "actual_unit": "完成值单位",
        "direction": "方向",
        "achieved": "是否达成",
        "weight": "分值",
        "score_reported": "得分（表中）",
        "score": "得分（复核）",
        "target_lowered_after_exceeded": _PANEL_FLAGS_ZH["target_lowered_after_exceeded"],
        "target_equals_previous_actual": _PANEL_FLAGS_ZH["target_equals_previous_actual"],
        "target_repeated": _PANEL_FLAGS_ZH["target_repeated"],
    },
}


#: Columns the Chinese outputs add: (frame, column, the column it follows) → its header.
EXTRA_COLUMNS_ZH: Mapping[tuple[str, str, str], str] = {
    ("problems", "code_description", "code"): "问题类型",
}

READ_STATUS_ZH: Mapping[str, str] = {
    "complete": "完整读取",
    "partial": "未完整读取",
    "unscored": "未能复核评分",
}
#: The built-in policies, and the rule variants --policy auto names (national[rate=truncate]).
POLICY_ZH: Mapping[str, str] = {
    "national": "全国默认",
    "shanghai-2024": "上海2024",
    "linear-reverse": "反向指标线性扣分",
}
_VARIANT_ZH: Mapping[str, str] = {
    "rate=truncate": "执行率截尾",
    "rate=half_up": "执行率四舍五入",
    "lower=linear": "反向指标线性扣分",
    "lower=ratio": "反向指标按比例",
}
_STEP = regex.compile(r"^step=(.+)$")
_VARIANT = regex.compile(r"^([^\[]+)\[([^\]]*)\]$")

#: Layout families (``family``, 表样类型; docs/outputs.md).
FAMILY_ZH: Mapping[str, str] = {
    "standard": "标准表样",
    "xianjie": "衔接资金（分值在指标值前）",
    "split_operator": "指标性质分列",
    "hubei": "湖北（目标区块计分）",
    "department_whole": "部门整体",
    "hebei_converted": "河北（折算得分）",
    "unknown": "未识别表样",
}
#: The kinds of document a file is read as (``source_kind``, the readers' registry).
SOURCE_KIND_ZH: Mapping[str, str] = {
    "pdf": "PDF",
    "tsv": "文本（制表符分隔）",
    "html": "网页",
    "docx": "Word 文档",
    "doc": "Word 97-2003 文档",
    "wps": "WPS 文字文档",
    "xlsx": "Excel 工作簿",
    "xls": "Excel 97-2003 工作簿",
    "spreadsheetml": "Excel 2003 XML 工作簿",
    "et": "WPS 表格文档",
    "image": "图片",
    "encrypted": "加密文件",
}
#: What a 年度指标值 was read as (``target_kind``).
TARGET_KIND_ZH: Mapping[str, str] = {
    "numeric": "数值",
    "rank": "名次",
    "range": "区间",
    "zero": "零目标",
    "date": "日期",
    "qualitative": "定性",
    "unparsed": "无法识别",
}
#: The operator words of ``target_op`` (jixiao.normalize.vocab.OPERATOR_CODES), as signs that
#: need no formula guard in a CSV (full-width ＝, ＞, ＜).
OPERATOR_ZH: Mapping[str, str] = {
    "ge": "≥",
    "gt": "＞",
    "le": "≤",
    "lt": "＜",
    "eq": "＝",
    "between": "区间",
}
DIRECTION_ZH: Mapping[str, str] = {"higher": "越高越好", "lower": "越低越好"}
#: The fields a problem is about (``field``): a column of the frames, a 项目资金 cell
#: (``funds.spent``), or a part of the table. A field not listed is named by the column of
#: that name (:func:`field_label`).
FIELD_ZH: Mapping[str, str] = {
    "score_reported": "得分",
    "score": "得分",
    "weight": "分值",
    "target_text": "年度指标值",
    "target": "年度指标值",
    "actual_text": "实际完成值",
    "actual": "实际完成值",
    "deviation_note": "偏差原因分析及改进措施",
    "note": "偏差原因分析及改进措施",
    "score_total_reported": "总分",
    "weight_total_reported": "总分值",
    "execution_rate": "执行率",
    "execution_score": "执行率得分",
    "execution_weight": "执行率分值",
    "funds": "项目资金",
    "indicator": "指标行",
    "indicators": "绩效指标",
    "family": "表样",
    "title": "表名",
    "rate": "执行率",
}
_FUND_FIELD = "funds."


def field_label(field: str) -> str:
    """The Chinese name of a problem's ``field``.

    >>> field_label("score_reported"), field_label("funds.spent"), field_label("funds.rate")
    ('得分', '项目资金·全年执行数', '项目资金·执行率')
    >>> field_label("goal_planned"), field_label("something_new")
    ('年度总体目标（预期）', 'something_new')
    """
    if field in FIELD_ZH:
        return FIELD_ZH[field]
    if field.startswith(_FUND_FIELD):
        return f"{FIELD_ZH['funds']}·{field_label(field.removeprefix(_FUND_FIELD))}"
    for frame in ("indicators", "tables", "funds"):
        if field in COLUMNS_ZH[frame]:
            return COLUMNS_ZH[frame][field]
    return field


#: Columns whose values are codes, and the Chinese name of each code (``--labels zh``); a value
#: not listed (a code added since) is written as it is.
VALUES_ZH: Mapping[str, Mapping[str, str]] = {
    "severity": SEVERITY_ZH,
    "kind": {name: kind.zh for name, kind in KINDS.items()},
    "read_status": READ_STATUS_ZH,
    "family": FAMILY_ZH,
    "source_kind": SOURCE_KIND_ZH,
    "target_kind": TARGET_KIND_ZH,
    "target_op": OPERATOR_ZH,
    "direction": DIRECTION_ZH,
    "rule": RULE_NAMES,
}


_GROUP = regex.compile(r"group of (\d+) tables")
_BASIS_ZH = {
    "given": "指定规则",
    "table": "按本表推断",
    "table, departing from its group": "按本表推断（与同单位同年各表不同）",
}


def basis_label(basis: str) -> str:
    """How a policy was chosen (``tables.policy_basis``), in words.

    >>> basis_label("group of 6 tables"), basis_label("given")
    ('按同单位同年 6 张表推断', '指定规则')
    """
    group = _GROUP.fullmatch(basis)
    if group is not None:
        return f"按同单位同年 {group.group(1)} 张表推断"
    return _BASIS_ZH.get(basis, basis)


def policy_label(name: str) -> str:
    """A policy's name for analysts: a built-in's Chinese name, a variant's changes in words.

    >>> policy_label("national"), policy_label("national[rate=truncate,step=0.5]")
    ('全国默认', '全国默认[执行率截尾,部分得分步长0.5]')
    >>> policy_label("my-policy")
    'my-policy'
    """
    variant = _VARIANT.match(name)
    if variant is None:
        return POLICY_ZH.get(name, name)
    changes = [
        _VARIANT_ZH.get(change) or _STEP.sub(r"部分得分步长\1", change)
        for change in variant.group(2).split(",")
    ]
    return f"{POLICY_ZH.get(variant.group(1), variant.group(1))}[{','.join(changes)}]"


def frame_columns(frame: str, labels: str) -> list[str]:
    """The columns of a frame as written under a label set (``zh`` adds a few)."""
    columns = list(OUTPUT_SCHEMA[frame])
    if labels == "zh":
        for name, column, after in EXTRA_COLUMNS_ZH:
            if name == frame:
                columns.insert(columns.index(after) + 1, column)
    return columns


def localize(frame: str, table: pa.Table, labels: str) -> pa.Table:
    """Some rows of a frame (an Arrow table of the contract's columns) as written under a
    label set: ``zh`` says the vocabulary values in Chinese and adds the columns of
    :func:`frame_columns` (English column names still)."""
    if labels == "en":
        return table
    import pyarrow as pa  # noqa: PLC0415 - pyarrow, ~0.2 s: when a frame is written

    columns = {name: table.column(name) for name in table.column_names}
    for column, words in VALUES_ZH.items():
        if column in columns:
            columns[column] = _mapped(columns[column], words.get)
    for column in ("policy", "policy_runner_up"):
        if column in columns:
            columns[column] = _mapped(columns[column], policy_label)
    if "policy_basis" in columns:
        columns["policy_basis"] = _mapped(columns["policy_basis"], basis_label)
    if "field" in columns:
        columns["field"] = _mapped(columns["field"], field_label)
    if frame == "problems":
        descriptions = {code: spec.description for code, spec in CODES.items()}
        columns["code_description"] = _mapped(columns["code"], descriptions.get)
    names = frame_columns(frame, labels)
    return pa.Table.from_arrays([columns[name] for name in names], names=names)


def _mapped(values: pa.ChunkedArray, word: Callable[[str], str | None]) -> pa.ChunkedArray:
    """Each value through ``word`` (a value it does not know stays as it is; null stays null)."""
    import pyarrow as pa  # noqa: PLC0415 - pyarrow, ~0.2 s: when a frame is written

    said = [None if v is None else (word(v) or v) for v in values.to_pylist()]
    return values_to_arrow(said, pa.large_string())


def column_labels(frame: str, columns: list[str], labels: str) -> list[str]:
    """The header row of a frame under a label set (``en``: the contract's names).

    >>> column_labels("funds", ["table_id", "seq"], "zh")
    ['表编号', '序号']
    """
    if labels == "en":
        return list(columns)
    zh = dict(COLUMNS_ZH[frame])
    zh |= {column: label for (name, column, _), label in EXTRA_COLUMNS_ZH.items() if name == frame}
    return [zh.get(c, c) for c in columns]  # a column added since keeps its English name


def sheet_name(frame: str, labels: str) -> str:
    return SHEETS_ZH[frame] if labels == "zh" else frame
