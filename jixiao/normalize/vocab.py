"""Lookup tables of the normalizer: data only, no logic.

Every word list the parsers use lives here, so a new spelling seen in a published table is a
one-line change. Keys are written in simplified characters; text in traditional characters is
converted with OpenCC (:func:`jixiao.core.labels.to_simplified`) before lookup.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final, Literal

from jixiao.core import vocabulary

OpText = Literal[">=", ">", "<=", "<", "="]
CompletionClass = Literal["达成", "部分达成", "未达成"]

# --- operators ------------------------------------------------------------------------------

#: Operator symbols as printed (full-width and look-alike forms included), longest first.
OPERATOR_SYMBOLS: Final[dict[str, OpText]] = {
    "≥=": ">=",
    ">=": ">=",
    "＞=": ">=",
    "＞＝": ">=",
    ">＝": ">=",
    "≥": ">=",
    "≧": ">=",
    "⩾": ">=",
    "≤=": "<=",
    "<=": "<=",
    "＜=": "<=",
    "＜＝": "<=",
    "<＝": "<=",
    "≤": "<=",
    "≦": "<=",
    "⩽": "<=",
    "==": "=",
    "=": "=",
    "＝": "=",
    "═": "=",
    ">": ">",
    "＞": ">",
    "<": "<",
    "＜": "<",
}

#: The characters the operator symbols are printed with.
OPERATOR_CHARACTERS: Final[frozenset[str]] = frozenset("".join(OPERATOR_SYMBOLS))

#: Operator words printed before the number (``不低于95%``, ``控制在5%以内``).
PREFIX_OPERATOR_WORDS: Final[dict[str, OpText]] = {
    "大于或等于": ">=",
    "大于等于": ">=",
    "不低于": ">=",
    "不少于": ">=",
    "不小于": ">=",
    "不下于": ">=",
    "达到": ">=",
    "至少": ">=",
    "超过": ">",
    "高于": ">",
    "大于": ">",
    "多于": ">",
    "小于或等于": "<=",
    "小于等于": "<=",
    "不高于": "<=",
    "不超过": "<=",
    "不多于": "<=",
    "不大于": "<=",
    "控制在": "<=",
    "低于": "<",
    "小于": "<",
    "少于": "<",
    "等于": "=",
}

#: Operator words printed after the number (``95%以上``, ``3个工作日内``).
SUFFIX_OPERATOR_WORDS: Final[dict[str, OpText]] = {
    "及以上": ">=",
    "以上": ">=",
    "及以下": "<=",
    "以下": "<=",
    "以内": "<=",
    "之内": "<=",
    "内": "<=",
}

#: How :func:`jixiao.normalize.format_target` prints each operator.
OPERATOR_DISPLAY: Final[dict[str, str]] = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "="}

#: The operator as the outputs write it (``target_op``): words that read back from a CSV as
#: written, where ``=`` would get the formula guard ``'`` (``'=``), and that are easy to type in
#: a filter (``df.target_op == "eq"``); the names of Python's :mod:`operator` functions.
OPERATOR_CODES: Final[dict[str, str]] = {
    ">=": "ge",
    ">": "gt",
    "<=": "le",
    "<": "lt",
    "=": "eq",
    "between": "between",
    "": "",
}

#: Words that join the two ends of a range (``90%-95%``, ``90~95%``, ``90%至95%``).
RANGE_JOINERS: Final[tuple[str, ...]] = ("-", "－", "~", "～", "〜", "—", "–", "至", "到")

# --- "not applicable" marks -----------------------------------------------------------------

#: Cell contents that mean "not applicable" or "left blank" in a value cell (年度指标值,
#: 实际完成值, an amount), as cleaned (:func:`~jixiao.normalize.text.clean_text` keeps the
#: full-width ``／`` and ``－``). ``一`` is not one: in a value cell it is the numeral one.
BLANK_MARKS: Final[frozenset[str]] = frozenset(
    {"—", "-", "--", "—-", "——", "/", "／", "无", "－", "–", "…", "……", "...", "N/A", "n/a"}
)

#: The same in a column that holds only numbers or unit words (分值, 得分, 度量单位), the empty
#: text included: there ``一`` is a dash too, typed or recognised as the character 一 (such a
#: column never prints a Chinese numeral).
COLUMN_BLANKS: Final[frozenset[str]] = BLANK_MARKS | {"", "一"}

#: The characters a dash is printed or recognised as (the recognizer cannot tell the em dash
#: from 一 or a hyphen when nothing stands beside it): one or two of them alone in a cell of a
#: column of numbers are the "not applicable" dash.
DASH_CHARACTERS: Final[frozenset[str]] = frozenset("一-－—―─–_ー")

# --- numbers as printed ---------------------------------------------------------------------

#: A number as printed in a cell, without its sign (a pattern piece): ``25.00``, ``1,500``,
#: ``100%``. The layout reader, the scan reader and the CSV writer build their patterns on it.
PRINTED_NUMBER: Final[str] = r"\d[\d,]*(?:\.\d+)?%?"

# --- units ----------------------------------------------------------------------------------

#: Base units (the thing counted or measured): printed text -> (base, scale).
#: ``%`` and ``‰`` share the base ``%``; lengths share ``米``.
UNITS: Final[dict[str, tuple[str, Decimal]]] = {
    "%": ("%", Decimal(1)),
    "百分比": ("%", Decimal(1)),
    "%(百分比)": ("%", Decimal(1)),
    "百分点": ("%", Decimal(1)),
    "个百分点": ("%", Decimal(1)),
    "‰": ("%", Decimal("0.1")),
    "元": ("元", Decimal(1)),
    "米": ("米", Decimal(1)),
    "厘米": ("米", Decimal("0.01")),
    "毫米": ("米", Decimal("0.001")),
    "公里": ("米", Decimal(1000)),
    "千米": ("米", Decimal(1000)),
    "平方米": ("平方米", Decimal(1)),
    "平米": ("平方米", Decimal(1)),
    "公顷": ("亩", Decimal(15)),
    "吨": ("吨", Decimal(1)),
    "公斤": ("公斤", Decimal(1)),
    "千克": ("公斤", Decimal(1)),
    "克": ("公斤", Decimal("0.001")),
}

#: Units whose text is their own base and scale 1 (counts, durations, points).
COUNT_UNITS: Final[frozenset[str]] = frozenset(
    {
        "次", "人", "人次", "户", "个", "组", "项", "场", "份", "篇", "件", "起", "例", "种", "只",
        "头", "亩", "天", "日", "个工作日", "工作日", "分", "名", "家", "所", "台", "套", "辆",
        "座", "处", "批", "期", "条", "册", "本", "部", "张", "间", "栋", "块", "棵", "株",
        "公里数",
        "月", "个月", "年", "周", "小时", "分钟", "秒", "次/年", "人/次", "批次", "课时", "学时",
        "元/人、天", "元/人·天", "元/人/天", "元/人", "元/天", "所次", "户次", "家次", "个次",
        "架次", "车次", "单", "宗", "帧", "分钟/次", "小时/次", "个点", "点", "节",
    }
)  # fmt: skip

#: Scale words that may stand before a base unit (``万元``, ``亿次``, ``1.2万人``), or alone.
SCALE_WORDS: Final[dict[str, Decimal]] = {
    "千万": Decimal("1E7"),
    "百万": Decimal("1E6"),
    "十万": Decimal("1E5"),
    "亿": Decimal("1E8"),
    "万": Decimal("1E4"),
    "千": Decimal("1E3"),
}

# --- direction ------------------------------------------------------------------------------

#: Words in an indicator name that make lower values better when no operator is printed.
LOWER_IS_BETTER_WORDS: Final[tuple[str, ...]] = (
    "成本",
    "费用",
    "受害率",
    "成灾率",
    "结余率",
    "结转率",
    "调整率",
    "出错率",
    "错误率",
    "差错率",
    "失误率",
    "误差",
    "投诉",
    "事故",
    "发病率",
    "死亡率",
    "违规",
    "违纪",
    "超支",
    "闲置率",
    "损失",
    "能耗",
    "排放",
    "增长率",
)

#: 二级 groups whose indicators are all lower-is-better.
COST_GROUPS: Final[frozenset[str]] = vocabulary.COST_GROUPS

# --- words for ranks, qualitative completion --------------------------------------------------

#: Rank phrases that are not a number and stay qualitative.
QUALITATIVE_RANK_WORDS: Final[tuple[str, ...]] = ("第一梯队", "前列", "领先", "靠前", "先进")

#: Completion words matched against the WHOLE text (short words that occur inside others).
COMPLETION_EXACT: Final[dict[str, CompletionClass]] = {
    "是": "达成",
    "有": "达成",
    "高": "达成",
    "好": "达成",
    "优": "达成",
    "良": "达成",
    "达到": "达成",
    "完成": "达成",
    "已完成": "达成",
    "全部完成": "达成",
    "中": "部分达成",
    "较高": "部分达成",
    "否": "未达成",
    "差": "未达成",
    "低": "未达成",
}

#: Completion words matched inside the text, checked in this order (negations first).
COMPLETION_CONTAINS: Final[tuple[tuple[str, CompletionClass], ...]] = (
    ("未达成", "未达成"),
    ("未达到", "未达成"),
    ("未完成", "未达成"),
    ("没有完成", "未达成"),
    ("尚未", "未达成"),
    ("未按期", "未达成"),
    ("未能", "未达成"),
    ("无法", "未达成"),
    ("不合格", "未达成"),
    ("不达标", "未达成"),
    ("不合规", "未达成"),
    ("不及时", "未达成"),
    ("不满意", "未达成"),
    ("不明显", "未达成"),
    ("滞后", "未达成"),
    ("延期", "未达成"),
    ("较差", "未达成"),
    ("基本达成", "部分达成"),
    ("基本达到", "部分达成"),
    ("基本完成", "部分达成"),
    ("基本实现", "部分达成"),
    ("基本符合", "部分达成"),
    ("基本满意", "部分达成"),
    ("基本", "部分达成"),
    ("部分完成", "部分达成"),
    ("部分达成", "部分达成"),
    ("部分达到", "部分达成"),
    ("大部分", "部分达成"),
    ("较好", "部分达成"),
    ("一般", "部分达成"),
    ("达成预期", "达成"),
    ("达成", "达成"),
    ("达到预期", "达成"),
    ("达到", "达成"),
    ("完成", "达成"),
    ("实现", "达成"),
    ("达标", "达成"),
    ("合格", "达成"),
    ("合规", "达成"),
    ("及时", "达成"),
    ("按期", "达成"),
    ("按时", "达成"),
    ("有效", "达成"),
    ("明显", "达成"),
    ("显著", "达成"),
    ("提升", "达成"),
    ("提高", "达成"),
    ("改善", "达成"),
    ("良好", "达成"),
    ("优秀", "达成"),
    ("满意", "达成"),
    ("符合", "达成"),
    ("严格执行", "达成"),
    ("到位", "达成"),
    ("正常", "达成"),
    ("保障", "达成"),
    ("稳定", "达成"),
)

# --- Chinese numerals -----------------------------------------------------------------------

#: Chinese digits (everyday and financial forms) -> value.
CHINESE_DIGITS: Final[dict[str, int]] = {
    "零": 0, "〇": 0, "○": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "三": 3, "叁": 3,
    "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}  # fmt: skip

#: Chinese multipliers inside a section (below 万).
CHINESE_SMALL_UNITS: Final[dict[str, int]] = {
    "十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000,
}  # fmt: skip

#: Chinese section multipliers.
CHINESE_BIG_UNITS: Final[dict[str, int]] = {"万": 10_000, "亿": 100_000_000}

#: The decimal point word (``三点五``).
CHINESE_POINT: Final[str] = "点"

#: The percent prefix (``百分之九十`` = 90%).
PERCENT_PREFIX: Final[str] = "百分之"

# --- grammar words --------------------------------------------------------------------------

#: Words that may follow a bound without changing it (``100%完成``, ``≥90%(含)``, ``95%左右``).
TRAILING_FILLERS: Final[tuple[str, ...]] = (
    "(含本数)", "(含)", "含", "左右", "之间", "全部完成", "以上完成", "完成", "为宜", "为准",
    "即可", "以上水平", "水平", "覆盖", "全覆盖", "到位", "达标", "合格",
    "。", "；", ";", ",", "，",
)  # fmt: skip

#: Parenthesised notes after a unit that add nothing (``≥90%(含)``).
UNIT_NOTES_IGNORED: Final[frozenset[str]] = frozenset({"含", "含本数", "百分比", "累计", "年度"})

#: Words that may stand before a rank (``全国前五名``, ``排名前3``).
RANK_LEADS: Final[tuple[str, ...]] = (
    "全国", "全省", "全市", "全区", "全县", "全州", "同级", "同类", "系统内", "排名", "排名在",
    "位列", "位居", "位于", "进入", "保持", "名列", "居",
)  # fmt: skip

#: Words that make a text a deadline when no number is printed (``年底前完成``).
DATE_WORDS: Final[tuple[str, ...]] = (
    "年底", "年末", "年内", "月底", "月末", "季度末", "上半年", "下半年", "年初", "年中",
)  # fmt: skip

#: Unit words that all mean "percent" and are reported as ``%``.
PERCENT_WORDS: Final[frozenset[str]] = frozenset({"百分比", "%(百分比)", "百分点", "个百分点"})

# --- project and indicator keys -------------------------------------------------------------

#: Words a publisher adds to or drops from the end of a project's name from one report to the
#: next (``村级补助及运转经费`` / ``村级补助及运转资金`` / ``村级补助及运转项目``): removed from the
#: end of a name, repeatedly, by :func:`jixiao.normalize.keys.name_to_key`.
PROJECT_NAME_SUFFIXES: Final[tuple[str, ...]] = (
    "专项资金", "专项经费", "项目资金", "项目经费", "资金", "经费", "项目", "专项",
)  # fmt: skip

#: The shortest name left once suffixes are removed: ``项目经费`` alone stays a name.
PROJECT_NAME_MIN_CHARS: Final[int] = 2
