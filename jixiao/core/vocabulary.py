"""The label words a 自评表 is recognised and read by: the project's one copy of them.

Data, plus the small functions that compare a cell's text with it (through
:mod:`jixiao.core.labels`: :func:`~jixiao.core.labels.label_key` and its kin;
:func:`fund_field`, :func:`indicator_field`, :func:`points_of`) and the one predicate that
decides whether some cells are a 自评表 (:func:`is_self_evaluation`). Every stage reads its
words from here: the PDF page finder and page joiner, the layout reader, the scorer.
The field names on the right of the column maps are the ones the layout reader fills.

The words are listed in simplified characters. Tables printed in traditional characters
(項目名稱, 績效指標, 總分, 萬元) match them because :func:`label_key` compares labels through
OpenCC's traditional-to-simplified conversion (:func:`to_simplified`); the values read from
the cells stay as printed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

import regex

from jixiao.core.columns import label_to_evidence, labels_of
from jixiao.core.labels import PAREN_SUFFIX, base_key, label_key, printed_key, to_simplified

#: The label of the project a 自评表 reads (its ``project_name``).
PROJECT_LABELS = frozenset({"项目名称"})
#: The subject of a 部门整体 table, which names a department or unit instead of a project
#: (read as its ``department``; ``project_name`` stays empty).
UNIT_SUBJECT = frozenset({"部门名称", "单位名称", "部门(单位)名称", "预算单位名称"})
#: The word of a 部门整体 table's title (``…部门整体绩效自评表``).
DEPARTMENT_WHOLE_WORD = "整体"
#: The label of a 自评表's first row: 项目名称, or the 部门/单位 of a 部门整体 table.
PROJECT_NAME = PROJECT_LABELS | UNIT_SUBJECT
DEPARTMENT = frozenset({"主管部门", "主管单位", "中央主管部门"})
IMPLEMENTING_UNIT = frozenset({"实施单位", "项目实施单位", "实施(主管)单位"})
MONEY_LABEL_PREFIXES = ("项目资金", "预算执行情况", "预算执行", "资金情况", "资金投入")
#: Money units of a 项目资金 label, with their value in 元.
MONEY_UNITS = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000)}

#: 项目资金 block columns: whole label (a trailing ``(…)`` note removed: ``预算安排情况(调整后)`` →
#: ``预算安排情况``) → FundRow field, from the column words (``jixiao/core/columns.toml``).
FUND_COLUMNS: dict[str, str] = labels_of("funds")

GOAL_PREFIXES = ("年度总体目标", "总体目标", "年度目标", "当年绩效目标")
GOAL_PLANNED = frozenset({"预期目标", "年度预期目标", "年初绩效目标", "全年(调整)绩效目标"})
GOAL_ACHIEVED = frozenset({"实际完成情况", "实际完成", "全年目标实际完成情况"})

#: 绩效指标 block columns: whole label → IndicatorRow role, from the column words
#: (``jixiao/core/columns.toml``). ``weight`` is the printed points of an indicator, ``score`` its
#: own printed score; derived figures (得分系数, 权重占比, 折算得分) have roles of their own.
INDICATOR_COLUMNS: dict[str, str] = labels_of("indicators")
#: The fields that name an indicator or its group: an indicator header shows at least one.
LEVEL_FIELDS = ("level1", "level2", "level3")
NOTE_PREFIXES = ("偏差原因", "未完成原因", "原因")
INDICATOR_BLOCK = frozenset({"绩效指标", "绩效指标完成情况"})
TOTAL = frozenset(
    {"总分", "合计", "总计", "自评总分", "总得分", "综合得分", "自评总得分", "合计得分"}
)
#: Words of the 项目资金 row that carries the table's funds (the others are its sub-rows).
FUND_TOTAL_WORDS = ("资金总额", "总金额", "合计", "总计")
#: How a notes row starts (填报说明, 注：, 备注：, or a numbered rule ``1.预算执行率=…``).
NOTES_PREFIXES = ("填报说明", "说明:", "注:", "备注:", "注释:")

#: Header cells of the indicator block, as printed in the standard layout; a 自评表 shows
#: several of them (the PDF page finder counts them in a page's text).
INDICATOR_HEADERS = (
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "偏差原因",
    # the 部门整体 layout (no 一级/二级 columns)
    "指标名称",
    "全年完成值",
    "指标权重",
    "指标得分",
)
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

#: The word of a satisfaction indicator (满意度指标, 服务对象满意度, 群众满意度): some
#: provinces score these as the measured rate × the weight.
SATISFACTION_WORD = "满意度"

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

# Points in parentheses: '(50分)', '（ 12.5 分）'.
_POINTS_IN_PARENS = r"[(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]"
# Points written right after the label's words: '项目决策2分'.
_POINTS_AFTER_WORDS = r"(?<=\p{Han})(\d+(?:\.\d+)?)分"
# Points carried by a label: '产出指标(50分)', '(30分)', '年度绩效目标1(40分)',
# '预算执行情况(10分)', a weight in a formula: '得分(20分*执行率)', and points written right
# after the label's words: '项目决策2分', '项目绩效85分 / 项目年度目标1'.
_POINTS = regex.compile(
    rf"""{_POINTS_IN_PARENS}                  # (50分)
      | (\d+(?:\.\d+)?)\s*分\s*\*            # 20分*执行率
      | {_POINTS_AFTER_WORDS}(?!\p{{Han}})     # 项目决策2分
    """,
    regex.VERBOSE,
)
#: Points at the end of a label: '产出指标(50分)' → '产出指标'.
POINTS_SUFFIX = regex.compile(rf"\s*{_POINTS_IN_PARENS}\s*$")
#: Points written at the end of a label's words: '质量指标12分' → '质量指标'.
BARE_POINTS_SUFFIX = regex.compile(rf"{_POINTS_AFTER_WORDS}$")


def points_of(text: str | None) -> Decimal | None:
    """The points a label carries.

    >>> points_of("产出指标(50分)"), points_of("得分(20分*执行率)"), points_of("产出指标")
    (Decimal('50'), Decimal('20'), None)
    >>> points_of("项目管理13分"), points_of("项目绩效85分 / 项目年度目标1"), points_of("得分")
    (Decimal('13'), Decimal('85'), None)
    """
    match = _POINTS.search(text or "")
    return Decimal(next(g for g in match.groups() if g)) if match else None


#: An indicator block shows at least this many distinct header cells.
MIN_INDICATOR_HEADERS = 3


#: Words that make cells look like a 自评表 even when they are not read as one (a layout
#: jixiao does not know): such a table is reported as not read rather than skipped.
SELF_EVALUATION_WORDS = ("自评", "绩效指标")


def is_self_evaluation(texts: Iterable[str], *, loosely: bool = False) -> bool:
    """Whether the cell texts of one table are a 自评表 (``loosely``: or look like one: a
    cell speaks of 自评 or 绩效指标, so a table jixiao cannot read is reported, not skipped).

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
    >>> cells = ["考核内容", "自評情況"]
    >>> is_self_evaluation(cells), is_self_evaluation(cells, loosely=True)
    (False, True)
    """
    keys = {label_key(text) for text in texts}
    headers = len({field for key in keys if (field := indicator_field(key)) is not None})
    named = bool(keys & PROJECT_NAME)
    summary = any(key.startswith(GOAL_PREFIXES) or is_total_label(key) for key in keys)
    if _enough_evidence(headers, named=named, summary=summary):
        return True
    return loosely and any(word in key for key in keys for word in SELF_EVALUATION_WORDS)


def _enough_evidence(headers: int, *, named: bool, summary: bool) -> bool:
    """The rule of :func:`is_self_evaluation` (and of :func:`text_may_be_self_evaluation`):
    ``headers`` distinct indicator fields; ``named``: a 项目名称 (部门名称) label; ``summary``:
    a 年度总体目标 block or a 总分 row."""
    return headers >= MIN_INDICATOR_HEADERS or (named and (headers >= 1 or summary))


def text_may_be_self_evaluation(text: str) -> bool:
    """:func:`is_self_evaluation` for a page's text instead of a table's cells: the same rule,
    with each label word found anywhere in the text rather than as a whole cell.

    A page whose cells :func:`is_self_evaluation` accepts is accepted (a label that wraps
    inside its cell stays whole in the text without white space); a page it accepts may still
    hold no 自评表 (its cells are judged again once they are read). Prose that names the
    labels (``自评表列示绩效指标、年度指标值和实际完成值``) should be left out by the caller.

    >>> text_may_be_self_evaluation("绩效指标一级指标二级指标三级指标指标值完成值权重得分总分100")
    True
    >>> text_may_be_self_evaluation("实施单位某局绩效指标二级指标三级指标指标值完成值")
    True
    >>> text_may_be_self_evaluation("收入支出决算总表项目名称行次金额")
    False
    """
    key = to_simplified(printed_key(text))  # not cached: a page's text is seen once
    fields = {field for word, field in INDICATOR_COLUMNS.items() if word in key}
    if any(prefix in key for prefix in NOTE_PREFIXES):
        fields.add("note")
    named = any(name in key for name in PROJECT_NAME)
    summary = any(word in key for word in (*GOAL_PREFIXES, *TOTAL))
    return _enough_evidence(len(fields), named=named, summary=summary)


def fund_field(text: str) -> str | None:
    """The FundRow field a 项目资金 header cell names, if any.

    >>> fund_field("执行率(%)"), fund_field("全年 预算数"), fund_field("其他")
    ('rate', 'budget_adjusted', None)
    >>> fund_field("執行率權重"), fund_field("预算安排情况(调整后)"), fund_field("到位数")
    ('weight', 'budget_adjusted', None)
    """
    key = label_key(text)
    base = PAREN_SUFFIX.sub("", key)
    found = FUND_COLUMNS.get(key) or FUND_COLUMNS.get(base)
    if found is None and base.startswith("执行率"):
        return "rate"
    if found is None:  # no whole label: the words it contains (调整后的预算, 累计支出 …)
        evidence = label_to_evidence("funds", text)
        found = evidence[0].role if evidence else None
    return found


def indicator_field(text: str) -> str | None:
    """The IndicatorRow field a 绩效指标 header cell names, if any.

    >>> indicator_field("年度 指标值"), indicator_field("偏差原因分析及改 进措施")
    ('target', 'note')
    >>> indicator_field("單位(文字描述)"), indicator_field("單項指標得分"), indicator_field("说明")
    ('unit', 'score', None)
    """
    key = label_key(text)
    base = PAREN_SUFFIX.sub("", key)
    if base.startswith(NOTE_PREFIXES):
        return "note"
    return INDICATOR_COLUMNS.get(key) or INDICATOR_COLUMNS.get(base)


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


_TITLE_NOTE = regex.compile(r"\([^()]{0,20}\)$")


def self_evaluation_title(line: str) -> str | None:
    """The title a line gives a 自评表 (as printed, without spaces or a trailing note), or None
    when the line is not such a title.

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
    if _TITLE_LINE.match(label_key(line).rstrip("。.;；")) is None:
        return None
    printed = printed_key(line).rstrip("。.;；")
    return _TITLE_NOTE.sub("", printed) if printed.endswith(")") else printed


#: A title wraps over at most this many lines.
_MAX_TITLE_LINES = 3
# A year in a line (``2023年度``, ``2023 年``).
_YEAR_WORD = regex.compile(r"\d{4}\s*年")
# A year as a heading prints it: '2024年度', '2024 年', '2024年 度'.
_YEAR = r"(?:19|20)\d{2}\s*年\s*度?"
# A line that is only a year: '(2024年度)', '（2024 年度）', '2024年度', '2024年 度'.
_YEAR_LINE = regex.compile(rf"^[(（]?\s*{_YEAR}\s*[)）]?$")
#: A year in parentheses, alone or at the end of a title line: '某项目绩效自评表(2024年度)'.
YEAR_IN_PARENS = regex.compile(rf"[(（]\s*{_YEAR}\s*[)）]")


def is_year_line(line: str) -> bool:
    """A line that is only a year: ``(2024年度)``, ``（2024 年度）``, ``2024年度``.

    >>> is_year_line("（2024 年度）"), is_year_line(" 2024年 度"), is_year_line("2024年度自评表")
    (True, True, False)
    """
    return _YEAR_LINE.match(line.strip()) is not None


def _title_head(line: str) -> bool:
    """A line that can begin a wrapped title: text that is no title, year line, field
    (``主管部门：…``) or attachment label (``附件3``) of its own."""
    key = label_key(line)
    return bool(
        key
        and self_evaluation_title(line) is None
        and not is_year_line(line)
        and ":" not in key
        and not key.startswith(SECTION_PREFIXES)
    )


def _wrapped_title(lines: Sequence[str]) -> bool:
    """``lines`` (two or three) are one title wrapped: joined they name a 自评表, no line
    before the last is a title, year line or field of its own, and the last is no title of its
    own unless the lines before it carry the year (``某局2023年度`` over ``部门整体绩效自评表``).
    """
    if not any("表" in line or "錶" in line for line in lines):
        return False  # every title ends in 表 (錶 is 表 in simplified): most lines stop here
    *head, tail = lines
    if not tail or not all(_title_head(line) for line in head):
        return False
    if self_evaluation_title("".join(lines)) is None:
        return False
    return self_evaluation_title(tail) is None or any(_YEAR_WORD.search(h) for h in head)


def join_title_lines(lines: Iterable[str]) -> list[str]:
    """The lines (stripped), with a 自评表 title wrapped over two or three lines joined into one
    (the longest run of lines that makes the title: the year may stand on its first line).

    >>> join_title_lines(["附件3", "某局2023年度部门整体绩效自评", "表", "单位：万元"])
    ['附件3', '某局2023年度部门整体绩效自评表', '单位：万元']
    >>> join_title_lines(["某县农业农村局2023年度农村公路", "建设养护项目支出绩效自", "评表"])
    ['某县农业农村局2023年度农村公路建设养护项目支出绩效自评表']
    >>> join_title_lines(["某县农业农村局2023年度", "农村公路建设养护项目", "支出绩效自评表"])
    ['某县农业农村局2023年度农村公路建设养护项目支出绩效自评表']
    >>> join_title_lines(["主管部门", "项目支出绩效自评表", "（2023年度）"])
    ['主管部门', '项目支出绩效自评表', '（2023年度）']
    """
    stripped = [line.strip() for line in lines]
    joined: list[str] = []
    index = 0
    while index < len(stripped):
        for end in range(min(index + _MAX_TITLE_LINES, len(stripped)), index + 1, -1):
            if _wrapped_title(stripped[index:end]):
                joined.append("".join(stripped[index:end]))
                index = end
                break
        else:
            joined.append(stripped[index])
            index += 1
    return joined


def lines_to_titles(lines: Iterable[str]) -> list[str]:
    """The lines that title a 自评表, a title wrapped over two or three lines joined
    (:func:`join_title_lines`).

    >>> lines_to_titles(["某局2023年度部门整体绩效自评", "表", "主管部门", "项目支出绩效自评表"])
    ['某局2023年度部门整体绩效自评表', '项目支出绩效自评表']
    >>> lines_to_titles([])
    []
    """
    return [line for line in join_title_lines(lines) if self_evaluation_title(line)]


#: What an indicator row or funds row that details the one above starts with: 其中：桃树种植面积.
SUB_ROW_PREFIX = "其中"


def is_sub_row_label(text: str) -> bool:
    """Whether a row's label details the row above (``其中：…``, ``其中:…``).

    >>> is_sub_row_label("其中：桃树种植面积"), is_sub_row_label(" 其 中 当年财政拨款")
    (True, True)
    >>> is_sub_row_label("中期")
    False
    """
    return label_key(text).startswith(SUB_ROW_PREFIX)


def is_total_label(text: str) -> bool:
    """Whether a cell labels the 总分 row, however worded: 总分, 合计, 自评总分(分), 综合得分 ….

    >>> is_total_label("自评总分（分）"), is_total_label("总 分"), is_total_label("总分值")
    (True, True, False)
    """
    return base_key(text) in TOTAL


#: What a label of the table's subject may carry after its name: 主管部门及代码, 单位名称(盖章).
SUBJECT_LABEL_SUFFIXES = ("及代码", "(代码)", "代码", "(盖章)", "(公章)")


def label_subject(text: str) -> str:
    """A subject label (项目名称, 主管部门, 实施单位 …) without what may follow its name.

    >>> label_subject("主管部门及代码"), label_subject("实施单位（盖章）")
    ('主管部门', '实施单位')
    >>> label_subject("项目名称"), label_subject("代码")
    ('项目名称', '代码')
    """
    key = label_key(text)
    for suffix in SUBJECT_LABEL_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            return key.removesuffix(suffix)
    return key
