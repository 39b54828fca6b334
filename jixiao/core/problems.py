"""Every problem code jixiao reports, in one registry, and the one way to make a problem.

A :class:`ProblemCode` says what a code means (in English for the README, in Chinese for the
analyst), how severe it is and what to do about it. A problem's severity is never chosen where
the problem is made: :func:`make_problem` takes it from the registry, or, for a disagreement
with a printed number, from its ``kind`` (:data:`KINDS`), so one code has one severity rule
everywhere. The README's problem table is generated from :data:`CODES`
(``python -m tests.readme_problems``) and a test keeps the two equal.

The words of a message follow rules an analyst can rely on: Chinese throughout (a library's
English error is translated by :func:`error_to_chinese`, its original kept in ``found``), an
indicator without a name named by its row (:func:`indicator_label`), each value said once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import regex

from jixiao.model.source import Problem, Severity, Source

__all__ = [
    "BY_KIND",
    "CODES",
    "KINDS",
    "SEVERITY_OF_KIND",
    "Kind",
    "ProblemCode",
    "ProblemLog",
    "codes_to_markdown",
    "error_text",
    "error_to_chinese",
    "indicator_label",
    "make_problem",
    "problem_code",
    "reason_to_chinese",
    "with_kind",
]


@dataclass(frozen=True, slots=True)
class Kind:
    """A class of disagreement between a printed number and the recomputed one."""

    name: str
    severity: Severity
    zh: str  # the analyst's word for it (--labels zh)
    meaning: str  # English, for the README


#: The kinds of disagreement, mildest first (a total's kind is the worst of its rows').
KINDS: Mapping[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            "rounding",
            Severity.INFO,
            "舍入差异",
            "the printed value is the exact one rounded or truncated to a step the policy knows",
        ),
        Kind(
            "integer_display",
            Severity.INFO,
            "取整显示",
            "the printed value is the exact one shown as a whole number",
        ),
        Kind(
            "convention",
            Severity.INFO,
            "填报惯例",
            "a total that follows a publisher's convention: the execution block or the 其中 "
            "sub-rows counted differently",
        ),
        Kind(
            "judgement",
            Severity.WARNING,
            "评价判断",
            "an evaluator's call the rules allow but cannot reproduce (a met target below its "
            "weight, a partial score off the formula, a missed target scored in full)",
        ),
        Kind(
            "missing_data",
            Severity.WARNING,
            "数据缺失",
            "a value needed for the check is blank",
        ),
        Kind(
            "parse_doubt",
            Severity.WARNING,
            "读取存疑",
            "jixiao could not read the cells with confidence (an unread target or number, "
            "or a table not read completely)",
        ),
        Kind(
            "rule",
            Severity.ERROR,
            "规则不符",
            "arithmetic the table contradicts by itself: a score above its weight, weights "
            "that do not add up, a total that is not the sum of its scores, a rate that is "
            "not 执行数/预算数",
        ),
    )
}
SEVERITY_OF_KIND: Mapping[str, Severity] = {name: k.severity for name, k in KINDS.items()}
SEVERITY_ZH: Mapping[str, str] = {"error": "错误", "warning": "警告", "info": "提示"}

#: The severity of a code whose problems carry a kind: the kind decides.
BY_KIND = None


@dataclass(frozen=True, slots=True)
class ProblemCode:
    """One problem code: what it means (``meaning`` in English, ``description`` in Chinese),
    what to do (``hint``) and how severe it is.

    ``kinds``: the kinds of disagreement its problems carry (empty: none; such a problem has
    no kind). ``severity``: fixed, or ``BY_KIND`` (the problem's kind decides: ``rule`` is an
    error, ``rounding`` info …); a code with a fixed severity keeps it whatever its kind.
    """

    code: str
    severity: Severity | None
    meaning: str
    description: str
    hint: str
    kinds: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.severity is BY_KIND and not self.kinds:
            raise ValueError(f"problem code {self.code!r}: a BY_KIND severity needs kinds")
        unknown = set(self.kinds) - set(KINDS)
        if unknown:
            raise ValueError(f"problem code {self.code!r}: unknown kinds {sorted(unknown)}")

    def severity_of(self, kind: str) -> Severity:
        """The severity of a problem of this code and kind."""
        if self.severity is not BY_KIND:
            return self.severity
        return SEVERITY_OF_KIND[kind]

    @property
    def severity_text(self) -> str:
        """The severity as the README states it: ``error``, ``error (`rule`)``, ``by kind``."""
        kinds = ", ".join(f"`{kind}`" for kind in self.kinds)
        if self.severity is not BY_KIND:
            return f"{self.severity} ({kinds})" if kinds else str(self.severity)
        severities = {SEVERITY_OF_KIND[kind] for kind in self.kinds}
        return f"{severities.pop()} ({kinds})" if len(severities) == 1 else "by kind"


_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO
_DIFFERENCE = tuple(KINDS)  # any kind: the disagreement is classified by its cause

#: Every problem code, in the README's order: whole files, tables not read, reading a table,
#: reading its values, and the checks of its printed numbers.
CODES: Mapping[str, ProblemCode] = {
    c.code: c
    for c in (
        # -- whole files -------------------------------------------------------------------
        ProblemCode(
            "empty_file",
            _E,
            "the file is empty",
            "文件为空",
            "检查文件是否完整下载或导出。",
        ),
        ProblemCode(
            "binary_file",
            _E,
            "the file is neither UTF-8 nor GB18030 text",
            "文件不是可读取的文本（既不是 UTF-8 也不是 GB18030 编码）",
            "确认文件类型：表格请导出为 PDF 或制表符分隔的文本。",
        ),
        ProblemCode(
            "file_error",
            _E,
            "the file could not be processed: a time limit, a crash, an unexpected error "
            "(the original error in `found`)",
            "处理文件时出错",
            "超时可调大 --file-timeout；其他错误请把文件和 found 列的原文报告给维护者。",
        ),
        ProblemCode(
            "file_too_large",
            _E,
            "the file passes a limit checked before it is read (a zip entry's size or "
            "compression ratio, a table's cells, an image's pixels): `message` names the limit "
            "and the setting that raises it (docs/inputs.md, Limits)",
            "文件超过读取上限，未读取",
            "确认文件正常；确需读取时按 message 中的设置调大上限（见 docs/inputs.md）。",
        ),
        ProblemCode(
            "unsupported_format",
            _E,
            "a `.doc`, `.wps` or `.et` file (or an Excel 2003 XML table): `message` says how to "
            "convert it with LibreOffice",
            "不支持的文件格式",
            "按说明用 LibreOffice 或 Office/WPS 转换为 .docx/.xlsx 后再读。",
        ),
        ProblemCode(
            "unreadable_file",
            _E,
            "a web page, workbook or Word file that is damaged, password-protected or not what "
            "its name says",
            "网页、工作簿或 Word 文件无法读取",
            "用 Office/WPS 打开确认文件完好；有密码的文件去掉密码另存后再读。",
        ),
        ProblemCode(
            "unreadable_pdf",
            _E,
            "the PDF cannot be opened (damaged, not a PDF, a password) or one page cannot be "
            "parsed (the library's error in `found`)",
            "PDF 无法读取",
            "用 PDF 阅读器打开确认文件完好；有打开密码的文件先去除密码。",
        ),
        ProblemCode(
            "scanned_page",
            _W,
            "a page holds only images (a scan) and its table was not read: OCR found no ruled "
            "table there, or is not available",
            "扫描页（只有图像，没有文字层）",
            "需要文字识别（OCR），或找到该文件的文字版。",
        ),
        ProblemCode(
            "ocr_page",
            _I,
            "a page that holds only images (a scan) was read by text recognition (OCR)",
            "扫描页已用文字识别（OCR）读取",
            "对照原件抽查识别结果，尤其是数字。",
        ),
        ProblemCode(
            "ocr_low_confidence",
            _W,
            "a cell read by OCR that may be misread: a character recognized with confidence "
            "under 0.5, or text that does not fit its field (a score `IO`); its text in `found`",
            "扫描件文字识别结果存疑",
            "对照原件核对该单元格。",
        ),
        ProblemCode(
            "ocr_unavailable",
            _E,
            "an image file needs OCR, but the text recognizer cannot be loaded (its error in "
            "`found`)",
            "需要文字识别（OCR），但它不可用",
            "安装文字识别所需的程序包（见 README 的 Scanned pages 一节）后再读。",
        ),
        ProblemCode(
            "unreadable_image",
            _E,
            "an image file that cannot be decoded (the library's error in `found`)",
            "图像文件无法读取",
            "确认文件完好，是 PNG、JPEG 或 TIFF 图像。",
        ),
        ProblemCode(
            "unreadable_text",
            _E,
            "a page's text does not decode (a font without a ToUnicode map): its tables are "
            "not read",
            "页面文字无法解码",
            "找到该文件的其他版本（另存为 PDF 时嵌入字体），或使用文字识别。",
        ),
        ProblemCode(
            "garbled_cell",
            _W,
            "a cell's text holds characters that do not decode",
            "单元格文字含无法解码的字符",
            "对照原件核对该单元格。",
        ),
        ProblemCode(
            "no_tables",
            _I,
            "the file was read and holds no 自评表 (it counts as read, not as failed)",
            "文件中未找到绩效自评表",
            "确认文件含有项目支出绩效自评表；表格是图片时需要文字识别。",
        ),
        ProblemCode(
            "not_self_eval",
            _W,
            "a table that is not a 自评表 (e.g. 收入支出决算总表) was skipped",
            "不是绩效自评表的表格，已跳过",
            "无需处理；如果它其实是自评表，请报告给维护者。",
        ),
        # -- tables seen but not read ------------------------------------------------------
        ProblemCode(
            "table_not_read",
            _E,
            "a title or grid that names a 自评表 gave no table: its place and title are given",
            "发现自评表但未能读取",
            "按页码/行号对照原件；该表的数据不在输出中，需要人工录入或报告给维护者。",
        ),
        ProblemCode(
            "table_not_found",
            _W,
            "a page with 自评表 labels where no ruled table was found",
            "页面有自评表栏目名称，但没有找到带表格线的表格",
            "对照原件；没有表格线的表格目前无法读取。",
        ),
        # -- reading a table ---------------------------------------------------------------
        ProblemCode(
            "missing_field",
            _E,
            "a label is missing (项目名称 …)",
            "缺少栏目",
            "对照原件，确认表格是否完整。",
        ),
        ProblemCode(
            "missing_section",
            _E,
            "a block is missing (项目资金, 绩效指标): the table is read partially",
            "缺少表格区块",
            "对照原件；该表未完整读取，其差异只作为读取存疑报告。",
        ),
        ProblemCode(
            "missing_total",
            _E,
            "the 总分 row is missing (a truncated table)",
            "缺少总分行",
            "对照原件，确认表格是否被截断或跨页未接上。",
        ),
        ProblemCode(
            "unknown_layout",
            _E,
            "no 绩效指标 header was found: what could be read is kept",
            "无法识别的表样",
            "把该表报告给维护者，以便支持这种表样。",
        ),
        ProblemCode(
            "missing_column",
            _W,
            "no header column could be read as a column every table prints (三级指标, 年度指标值, "
            "实际完成值): the table is read partially",
            "未识别出必需的列",
            "对照原件找到该列的表头；若是新的写法，把它加入列名词表（JIXIAO_COLUMN_WORDS）。",
        ),
        ProblemCode(
            "doubtful_column",
            _W,
            "a column's role was read from its place and cells, not its label: the table is "
            "read partially",
            "列的含义由位置推断",
            "对照原件确认该列；若表头是新的写法，把它加入列名词表（JIXIAO_COLUMN_WORDS）。",
        ),
        ProblemCode(
            "unknown_column",
            _I,
            "a header no column words explain; its cells are kept in `extra` under it",
            "无法识别的列",
            "通常无需处理；若该列有意义，把表头加入列名词表（JIXIAO_COLUMN_WORDS）。",
        ),
        ProblemCode(
            "unread_cell",
            _W,
            "a non-empty cell no field took; its text is in `found`",
            "单元格内容未归入任何字段",
            "对照原件，确认该内容是否重要。",
        ),
        ProblemCode(
            "empty_indicator_row",
            _W,
            "a row with only 一级/二级 labels",
            "只有指标类别、没有三级指标的行",
            "通常无需处理。",
        ),
        ProblemCode(
            "row_realigned",
            _I,
            "a row shifted by a column was realigned to the header",
            "错位的行已按表头重新对齐",
            "无需处理；必要时对照原件。",
        ),
        ProblemCode(
            "placeholder_row",
            _I,
            "a template row left unfilled (`指标1:`, `……`), kept",
            "未填写的模板占位行",
            "无需处理。",
        ),
        # -- reading values ----------------------------------------------------------------
        ProblemCode(
            "unparsed_number",
            BY_KIND,
            "a number cell that is not a number",
            "无法识别的数字",
            "对照原件核对该单元格。",
            ("parse_doubt",),
        ),
        ProblemCode(
            "unparsed_target",
            BY_KIND,
            "a target jixiao cannot read, or a blank one; the indicator is not rescored",
            "无法识别或为空的年度指标值",
            "对照原件；该指标的得分未复核。",
            ("parse_doubt", "missing_data"),
        ),
        ProblemCode(
            "unparsed_actual",
            BY_KIND,
            "an actual jixiao cannot read, or a blank one; the indicator is not rescored",
            "无法识别或为空的实际完成值",
            "对照原件；该指标的得分未复核。",
            ("parse_doubt", "missing_data"),
        ),
        ProblemCode(
            "unit_mismatch",
            BY_KIND,
            "target and actual have units that cannot be compared",
            "目标与实际的单位无法比较",
            "对照原件；该指标的得分未复核。",
            ("parse_doubt",),
        ),
        ProblemCode(
            "not_comparable",
            BY_KIND,
            "target and actual cannot be compared",
            "目标与实际无法比较",
            "对照原件；该指标的得分未复核。",
            ("parse_doubt",),
        ),
        # -- checks of the printed numbers -------------------------------------------------
        ProblemCode(
            "execution_rate_mismatch",
            BY_KIND,
            "the printed execution rate differs from the recomputed one",
            "执行率与复核值不符",
            "看差异类型：舍入差异无需处理，规则不符需核对。",
            _DIFFERENCE,
        ),
        ProblemCode(
            "execution_score_mismatch",
            BY_KIND,
            "the printed execution score differs from the recomputed one",
            "预算执行得分与复核值不符",
            "看差异类型：舍入差异无需处理，规则不符需核对。",
            _DIFFERENCE,
        ),
        ProblemCode(
            "indicator_score_mismatch",
            BY_KIND,
            "an indicator's printed score differs from the recomputed one",
            "指标得分与复核值不符",
            "看差异类型：舍入差异无需处理，规则不符需核对。",
            _DIFFERENCE,
        ),
        ProblemCode(
            "met_target_not_full_score",
            BY_KIND,
            "target met but scored below its weight",
            "已达标但未得满分",
            "评价人的判断，核对偏差原因。",
            ("judgement",),
        ),
        ProblemCode(
            "met_target_in_band",
            _I,
            "target met, scored inside the 达成 band (80–100 % of the weight) under a "
            '`met_scoring = "band"` policy',
            "已达标，得分在达成区间内",
            "无需处理：评分规则允许的酌情扣分。",
            ("judgement",),
        ),
        ProblemCode(
            "missed_target_full_score",
            BY_KIND,
            "target missed but scored in full (the evaluator's leniency)",
            "未达标却得满分",
            "核对该指标的目标、实际完成值和得分。",
            ("judgement", "integer_display", "rounding"),
        ),
        ProblemCode(
            "score_above_weight",
            BY_KIND,
            "a score above its weight",
            "得分超过分值",
            "核对该指标的分值和得分。",
            ("rule",),
        ),
        ProblemCode(
            "qualitative_band",
            BY_KIND,
            "a qualitative score outside its 达成/部分达成/未达成 band",
            "定性指标得分不在完成情况对应的区间内",
            "评价人的判断，核对完成情况与得分。",
            ("judgement",),
        ),
        ProblemCode(
            "missing_score",
            BY_KIND,
            "a score cell is blank where a score is due",
            "得分为空",
            "对照原件核对得分。",
            ("missing_data",),
        ),
        ProblemCode(
            "missing_value",
            BY_KIND,
            "a rate, score or amount is blank where a value is due",
            "应有数值的单元格为空",
            "对照原件核对该单元格。",
            ("missing_data",),
        ),
        ProblemCode(
            "weight_total_mismatch",
            BY_KIND,
            "the weights do not add up to the printed total (or to 100 when none is printed)",
            "各项分值合计与总分值不符",
            "核对各项分值。",
            ("rule",),
        ),
        ProblemCode(
            "missing_deviation_note",
            BY_KIND,
            "a score below its weight with no 偏差原因 note",
            "得分低于分值但未填写偏差原因",
            "提醒填报单位补充偏差原因分析。",
            ("missing_data",),
        ),
        ProblemCode(
            "fund_rows_mismatch",
            BY_KIND,
            "年度资金总额 differs from the sum of its 其中… rows (blank while they hold amounts: "
            "`missing_value`)",
            "资金总额与其下各行合计不符",
            "核对项目资金各行的金额。",
            ("rule",),
        ),
        ProblemCode(
            "year_mismatch",
            _W,
            "the year line says one year, the title or project name another",
            "表头年度与标题或项目名称中的年度不一致",
            "核对表格所属年度。",
        ),
        ProblemCode(
            "group_points_mismatch",
            BY_KIND,
            "a label's points (`产出指标(50分)`, `绩效指标(90分)`) differ from its indicators' "
            "weights",
            "类别标注的分数与其下指标分值合计不符",
            "核对类别分数与各指标分值。",
            ("rule",),
        ),
        ProblemCode(
            "group_score_above_points",
            BY_KIND,
            "a goal block's scores add up to more than its points (湖北)",
            "目标区块得分合计超过其分数",
            "核对该区块各指标的得分。",
            ("rule",),
        ),
        ProblemCode(
            "group_score_below_points",
            BY_KIND,
            "a goal block whose targets are all met scores below its points, and no weight "
            "says where (湖北)",
            "目标区块的指标均已达标，得分合计却低于其分数",
            "评价人的判断，核对该区块各指标的得分。",
            ("judgement",),
        ),
        ProblemCode(
            "coefficient_score_mismatch",
            BY_KIND,
            "a score is not its weight × 得分系数 (部门整体: 指标得分 = 指标权重 × 得分系数)",
            "指标得分与“权重×得分系数”不符",
            "看差异类型：舍入差异无需处理，规则不符需核对。",
            _DIFFERENCE,
        ),
        ProblemCode(
            "converted_score_mismatch",
            BY_KIND,
            "a converted score is not the item score × its share "
            "(河北: 折算得分 = 单项指标得分 × 权重占比)",
            "折算得分与“单项得分×权重占比”不符",
            "看差异类型：舍入差异无需处理，规则不符需核对。",
            _DIFFERENCE,
        ),
        ProblemCode(
            "total_sum_mismatch",
            BY_KIND,
            "总分 differs from the sum of the printed scores; the message names the way of "
            "adding up that explains it (Total reconciliation, below), or says none does",
            "总分与表中各项得分之和不符",
            "看差异类型：舍入差异无需处理，规则不符需核对。",
            _DIFFERENCE,
        ),
        ProblemCode(
            "total_mismatch",
            BY_KIND,
            "总分 differs from the recomputed total added up the same way (the message and "
            "`expected` give the table's `score_total`, the same-way total beside it); the kind "
            "of the rows it comes from",
            "总分与复核值不符",
            "先看同表其他差异：总分的差异通常来自各行的差异。",
            _DIFFERENCE,
        ),
        ProblemCode(
            "total_mismatch_allowed",
            _I,
            "总分 differs from the recomputed total only through rows the policy allows (met "
            "targets scored inside the 达成 band)",
            "总分与复核值的差异来自评分规则允许的酌情扣分",
            "无需处理。",
            ("judgement",),
        ),
        ProblemCode(
            "conflicting_copies",
            _W,
            "two readings of the same project and year (same `project_key` and `year`) differ "
            "in some printed cells: one of the copies has an error, or one was misread; "
            "`expected` names the other copy, `found` the cells that differ (outputs.md, "
            "Duplicates)",
            "同一项目同一年度的两份表数据不一致",
            "对照两份表的原件，确认哪一份有误。",
        ),
    )
}


def problem_code(code: str) -> ProblemCode:
    """The registry entry of a code; a code not in the registry is a programming error."""
    try:
        return CODES[code]
    except KeyError:
        raise ValueError(
            f"problem code {code!r} is not in the registry: add it to jixiao/core/problems.py"
        ) from None


def make_problem(
    code: str,
    message: str,
    source: Source,
    field: str = "",
    *,
    expected: str = "",
    found: str = "",
    kind: str = "",
) -> Problem:
    """A problem of a registered code, its severity from the registry or its kind.

    >>> p = make_problem("total_mismatch", "总分：表中为 95，按规则应为 94.5", Source("a.txt"),
    ...                  kind="rounding")
    >>> p.severity, p.kind
    (<Severity.INFO: 'info'>, 'rounding')
    >>> make_problem("missing_total", "未找到“总分”行", Source("a.txt")).severity
    <Severity.ERROR: 'error'>
    """
    spec = problem_code(code)
    if spec.kinds and kind not in KINDS:
        raise ValueError(f"problem code {code!r} needs a kind of {tuple(KINDS)}, got {kind!r}")
    if not spec.kinds and kind:
        raise ValueError(f"problem code {code!r} carries no kind, got {kind!r}")
    severity = spec.severity_of(kind)
    return Problem(code, severity, message, source, field, expected, found, kind)


@dataclass(slots=True)
class ProblemLog:
    """Problems collected while one table is read or checked, in the order they were found;
    each made by :func:`make_problem` (its severity from the registry)."""

    problems: list[Problem] = field(default_factory=list)

    def add(
        self,
        code: str,
        message: str,
        source: Source,
        field_name: str = "",
        *,
        expected: str = "",
        found: str = "",
        kind: str = "",
    ) -> Problem:
        problem = make_problem(
            code, message, source, field_name, expected=expected, found=found, kind=kind
        )
        self.problems.append(problem)
        return problem


def with_kind(problem: Problem, kind: str, note: str = "") -> Problem:
    """The same problem reclassified (its severity follows the new kind); ``note`` is added
    to the message."""
    return make_problem(
        problem.code,
        problem.message + note,
        problem.source,
        problem.field,
        expected=problem.expected,
        found=problem.found,
        kind=kind,
    )


def indicator_label(name: str, source: Source) -> str:
    """How a message names an indicator: by its name, or by its row when it has none.

    >>> indicator_label("培训人次", Source("a.txt", line=12))
    '指标“培训人次”'
    >>> indicator_label("", Source("a.txt", line=12)), indicator_label(" ", Source("a.pdf", row=4))
    ('第12行的指标', '表格第5行的指标')
    """
    name = name.strip()
    if name:
        return f"指标“{name}”"
    if source.line is not None:
        return f"第{source.line}行的指标"
    if source.row is not None:
        return f"表格第{source.row + 1}行的指标"
    return "未命名的指标"


# Library error texts → what they mean, in the analyst's words. First match wins.
_ERRORS_ZH: tuple[tuple[regex.Pattern[str], str], ...] = tuple(
    (regex.compile(pattern, regex.IGNORECASE), text)
    for pattern, text in (
        (r"password|encrypt", "文件有打开密码，无法读取"),
        (r"unsupported security", "文件的加密方式不受支持"),
        (r"data format error|no /root|not a pdf|PDFSyntaxError", "文件已损坏或不是PDF文件"),
        (r"unexpected eof|PSEOF|truncat", "文件不完整（提前结束），可能没有下载完"),
        (r"page error|page not found", "PDF 页面已损坏"),
        (r"PermissionError|permission denied", "没有读取该文件的权限"),
        (r"FileNotFoundError|no such file|file error|file access", "文件不存在或无法访问"),
        (r"MemoryError|out of memory|cannot allocate", "内存不足"),
        (r"UnicodeDecodeError|codec can't decode", "文字编码无法识别"),
        (r"RecursionError|maximum recursion", "文件结构过深，无法解析"),
    )
)


def error_to_chinese(error: BaseException | str) -> str:
    """What a library's error means, in Chinese; the original text belongs in ``found``.

    >>> error_to_chinese("Failed to load document (PDFium: Data format error).")
    '文件已损坏或不是PDF文件'
    >>> error_to_chinese(ValueError("something odd"))
    '未预期的错误（ValueError）'
    """
    text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    for pattern, meaning in _ERRORS_ZH:
        if pattern.search(text):
            return meaning
    name = type(error).__name__ if isinstance(error, BaseException) else ""
    return f"未预期的错误（{name}）" if name else "未预期的错误"


# Why a target or actual could not be read or compared (the normalizer's English reasons,
# jixiao.normalize) → the analyst's words. First match wins; \1, \2 keep the units.
_REASONS_ZH: tuple[tuple[regex.Pattern[str], str], ...] = tuple(
    (regex.compile(pattern), text)
    for pattern, text in (
        (r"unit mismatch: (.+?) vs (.+?)(?:;|$)", r"单位不同：\1 与 \2"),
        (r"unit (.+?) vs (.+?)(?:;|$)", r"单位不同：\1 与 \2"),
        (r"letters next to digits", "数字中夹有字母，可能是识别错误"),
        (r"operator without a number", "只有比较符号，没有数字"),
        (r"no words and no number", "既没有数字也没有文字"),
        (r"number with unrecognised text", "数字旁有无法识别的文字"),
        (r"range ends reversed", "区间的上下限颠倒"),
        (r"conflicting operators", "比较符号互相矛盾"),
        (r"actual is a range", "实际完成值是一个区间"),
        (r"no completion word", "实际完成值没有说明完成情况"),
        (r"actual for a rank target", "名次目标的实际完成值不是名次"),
        (r"actual for a numeric target", "数值目标的实际完成值不是数值"),
        (r"target not understood", "年度指标值无法识别"),
        (r"not applicable", "不适用"),
        (r"^empty|: empty", "为空"),
    )
)


def reason_to_chinese(reason: str) -> str:
    """Why a target or actual could not be read or compared, in Chinese.

    >>> reason_to_chinese("unit mismatch: 人次 vs 人")
    '单位不同：人次 与 人'
    >>> reason_to_chinese("letters next to digits (OCR noise?)")
    '数字中夹有字母，可能是识别错误'
    >>> reason_to_chinese("something new")
    '无法识别'
    """
    for pattern, text in _REASONS_ZH:
        match = pattern.search(reason)
        if match:
            return match.expand(text)
    return "无法识别"


def error_text(error: BaseException) -> str:
    """The original text of an error, for ``found``: ``ValueError: something odd``."""
    message = str(error)
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def codes_to_markdown() -> str:
    """The README's tables of problem codes and kinds, generated from the registry."""
    lines = [
        "| code | severity | meaning | 说明 | 处理建议 |",
        "|---|---|---|---|---|",
        *(
            f"| `{c.code}` | {c.severity_text} | {c.meaning} | {c.description} | {c.hint} |"
            for c in CODES.values()
        ),
        "",
        "| kind | severity | meaning | 中文 |",
        "|---|---|---|---|",
        *(f"| `{k.name}` | {k.severity} | {k.meaning} | {k.zh} |" for k in KINDS.values()),
    ]
    return "\n".join(lines) + "\n"
