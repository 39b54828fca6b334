"""Checks of one table's printed numbers against the recomputed ones.

Each check appends :class:`~jixiao.model.source.Problem` rows to a :class:`Checks` collector; a
disagreement with a printed value is classified (see :mod:`jixiao.score.disagreement`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

import regex

from jixiao.core.errors import NumberParseError
from jixiao.core.problems import ProblemLog, indicator_label, reason_to_chinese
from jixiao.core.vocabulary import MONEY_UNITS
from jixiao.model.source import Severity, Source
from jixiao.model.table import CellText, FundRow, IndicatorRow, SelfEvalTable
from jixiao.normalize import (
    Comparison,
    Measurement,
    Target,
    clean_text,
    parse_amount,
    parse_decimal,
)
from jixiao.score.disagreement import SEVERITY_OF_KIND, classify, fmt, rounded_kind
from jixiao.score.explain import band_text, rounding_of, rounding_text, rule_text, unchecked_text
from jixiao.score.indicators import IndicatorScore
from jixiao.score.policy import Policy
from jixiao.score.rounding import round_to

if TYPE_CHECKING:
    from jixiao.score.parsed import ParsedRow


def parse_number_cell(log: ProblemLog, cell: CellText | None, field_name: str) -> Decimal | None:
    """A printed number; an unreadable one becomes a problem and ``None``."""
    if cell is None:
        return None
    try:
        return parse_decimal(cell.raw, source=cell.source)
    except NumberParseError:
        log.add(
            "unparsed_number",
            f"无法识别的数字：“{cell.raw.strip()}”",
            cell.source,
            field_name=field_name,
            found=cell.raw,
            kind="parse_doubt",
        )
        return None


def parse_amount_cell(
    log: ProblemLog, cell: CellText | None, field_name: str, money: str | None
) -> Decimal | None:
    """A printed amount, converted to the table's money unit when the cell names its own
    (``620.82万元`` in a 元 table)."""
    if cell is None:
        return None
    try:
        parsed = parse_amount(cell.raw, source=cell.source)
    except NumberParseError:
        return parse_number_cell(log, cell, field_name)
    if parsed is None:
        return None
    value, unit = parsed
    if unit is None or unit.base != "元" or money not in MONEY_UNITS:
        return value
    return value * unit.scale / MONEY_UNITS[money]


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the check of one printed number concluded: ``kind`` of its disagreement (empty
    when it is reproduced or cannot be checked), the problem's severity, and the evidence in
    plain Chinese."""

    kind: str
    severity: Severity | None
    explanation: str


@dataclass(slots=True)
class Checks:
    """Problems collected while one table is scored under ``policy``."""

    log: ProblemLog = field(default_factory=ProblemLog)
    policy: Policy | None = None

    @property
    def rules(self) -> Policy:
        if self.policy is None:  # pragma: no cover - a programming error
            raise ValueError("this check needs a policy")
        return self.policy

    def number(self, cell: CellText | None, field_name: str) -> Decimal | None:
        return parse_number_cell(self.log, cell, field_name)

    def disagreement(
        self,
        code: str,
        label: str,
        source: Source,
        field_name: str,
        printed: Decimal,
        expected: Decimal,
        exact: Decimal | None,
        kind: str | None = None,
        detail: str = "",
    ) -> str:
        """Log a printed value that differs from the recomputed one (its severity follows the
        code and the kind: :mod:`jixiao.core.problems`); return its kind."""
        kind = kind or classify(
            printed, exact if exact is not None else expected, self.rules.rounding_steps
        )
        note = f"（{detail}）" if detail else ""
        self.log.add(
            code,
            f"{label}：表中为 {fmt(printed)}，按规则应为 {fmt(expected)}{note}",
            source,
            field_name=field_name,
            expected=fmt(expected),
            found=fmt(printed),
            kind=kind,
        )
        return kind


def check_execution(
    checks: Checks,
    row: FundRow,
    values: dict[str, Decimal | None],
    expected: Decimal | None,
    exact: Decimal | None,
    name: str,
    code: str,
    label: str,
) -> str:
    """Check the printed execution rate or score; return the kind of its disagreement."""
    printed = values[name]
    cell = getattr(row, name)
    source = cell.source if cell is not None else row.label.source
    if expected is None:
        return ""
    if printed is None:
        if name == "rate" or values["weight"] is not None:
            checks.log.add(
                "missing_value",
                f"{label}为空，按规则应为 {fmt(expected)}",
                source,
                field_name=f"execution_{name}",
                expected=fmt(expected),
                kind="missing_data",
            )
            return "missing_data"
        return ""
    if abs(printed - expected) > checks.rules.tolerance:
        return checks.disagreement(
            code, label, source, f"execution_{name}", printed, expected, exact
        )
    return ""


def check_indicator(
    checks: Checks,
    parsed: ParsedRow,
    weight: Decimal | None,
    result: IndicatorScore,
) -> Verdict:
    """Check one indicator's printed score against the recomputed one (or its band); log the
    disagreement and return the verdict with its evidence."""
    policy = checks.rules
    row, printed, met = parsed.row, parsed.printed, parsed.comparison.met
    source = row.score.source if row.score is not None else row.source
    name = parsed.label
    target_text, actual_text = parsed.texts.target, parsed.texts.actual
    rule = rule_text(result, weight, parsed.target, parsed.actual, parsed.comparison)
    how = rule + _policy_rounding(result, policy)
    if printed is None:
        if weight is None:
            return Verdict("", None, "表中未列分值和得分")
        if _score_unreadable(parsed):  # one problem per cause: the unparsed_number says it
            return Verdict("parse_doubt", Severity.WARNING, "得分无法识别，未核对")
        checks.log.add(
            "missing_score",
            f"{name}有分值 {fmt(weight)} 但得分为空",
            source,
            field_name="score_reported",
            kind="missing_data",
        )
        expected = f"；按规则应为 {fmt(result.score)}（{how}）" if result.score is not None else ""
        return Verdict("missing_data", Severity.WARNING, f"得分为空{expected}")
    if weight is not None and printed > weight:
        checks.log.add(
            "score_above_weight",
            f"{name}得分 {fmt(printed)} 超过分值 {fmt(weight)}",
            source,
            field_name="score_reported",
            expected=f"≤{fmt(weight)}",
            found=fmt(printed),
            kind="rule",
        )
        return Verdict(
            "rule", Severity.ERROR, f"得分 {fmt(printed)} 超过分值 {fmt(weight)}，表内自相矛盾"
        )
    if result.band is not None and weight is not None:
        low, high = result.band
        band = band_text(parsed.actual.completion, low, high, weight)
        if low <= printed <= high:
            return Verdict("", None, f"定性指标，{band}，得分在区间内")
        checks.log.add(
            "qualitative_band",
            f"{name}（定性）得分 {fmt(printed)} 不在完成情况“{actual_text}”对应的区间 "
            f"{fmt(low)}–{fmt(high)} 内",
            source,
            field_name="score_reported",
            expected=f"{fmt(low)}–{fmt(high)}",
            found=fmt(printed),
            kind="judgement",
        )
        return Verdict(
            "judgement", Severity.WARNING, f"定性指标，{band}，得分不在区间内（评价人判断）"
        )
    if result.score is None:
        return Verdict(
            "",
            None,
            unchecked_text(result, weight, parsed.target, parsed.actual, parsed.comparison),
        )
    if abs(printed - result.score) <= policy.tolerance:
        return Verdict("", None, how)
    exact = result.score_exact if result.score_exact is not None else result.score
    if met and weight is not None and printed < weight and result.rule != "rate_times_weight":
        return _met_below_weight(checks, parsed, weight, source, result)
    kind = rounded_kind(printed, exact, policy.rounding_steps)
    if not kind and met is False and weight is not None and printed == weight:
        checks.disagreement(
            "missed_target_full_score",
            f"{name}未达标（{target_text} → {actual_text}）却得满分",
            source,
            "score_reported",
            printed,
            result.score,
            result.score_exact,
            kind="judgement",
        )
        return Verdict(
            "judgement",
            Severity.WARNING,
            f"{how}；表中却得满分 {fmt(printed)}（评价人从宽判断）",
        )
    kind = kind or "judgement"
    checks.disagreement(
        "indicator_score_mismatch",
        f"{name}得分",
        source,
        "score_reported",
        printed,
        result.score,
        result.score_exact,
        kind=kind,
        detail=f"{rule}，{target_text} → {actual_text}",
    )
    if kind != "judgement":
        shown = rounding_of(printed, exact, policy.rounding_steps)
        assert shown is not None
        return Verdict(
            kind, SEVERITY_OF_KIND[kind], f"{rule}，{rounding_text(exact, printed, *shown)}"
        )
    side = "低于" if printed < result.score else "高于"
    return Verdict(
        "judgement",
        Severity.WARNING,
        f"{how}；表中为 {fmt(printed)}，{side}规则（评价人判断）",
    )


def _policy_rounding(result: IndicatorScore, policy: Policy) -> str:
    """How the policy rounds a partial score: ``，按 0.5 分取整为 15`` (empty when exact, or
    at two decimals, which is how every score is shown: ``≈9.78`` says it)."""
    exact, score = result.score_exact, result.score
    if score is None or exact is None or score == exact or policy.partial_step == Decimal("0.01"):
        return ""
    if result.rule not in _PARTIAL_RULES:
        return ""
    text = rounding_text(exact, score, policy.partial_step, policy.partial_rounding)
    return "，" + text.removeprefix("表中")


_PARTIAL_RULES = frozenset(
    {"higher_ratio", "lower_ratio", "lower_linear", "range_ratio", "rate_times_weight"}
)


def _met_below_weight(
    checks: Checks, parsed: ParsedRow, weight: Decimal, source: Source, result: IndicatorScore
) -> Verdict:
    """A met target scored below its weight: an evaluator's call, inside the policy's 达成 band
    (info) or not (warning)."""
    printed = parsed.printed
    assert printed is not None
    band = checks.rules.met_band
    label = f"{parsed.label}已达标（{parsed.texts.target} → {parsed.texts.actual}）但未得满分"
    if band is not None and printed >= band[0] * weight:
        low = band[0] * weight
        checks.disagreement(
            "met_target_in_band",
            label,
            source,
            "score_reported",
            printed,
            weight,
            weight,
            kind="judgement",
            detail=f"在达成区间 {fmt(low)}–{fmt(weight)} 内",
        )
        return Verdict(
            "judgement",
            Severity.INFO,
            f"已达标，得分 {fmt(printed)} 在分值的 {fmt(band[0] * 100)}%–100%"
            f"（{fmt(low)}–{fmt(weight)}）酌情区间内（评价人判断）",
        )
    checks.disagreement(
        "met_target_not_full_score",
        label,
        source,
        "score_reported",
        printed,
        result.score if result.score is not None else weight,
        result.score_exact,
        kind="judgement",
    )
    return Verdict(
        "judgement",
        Severity.WARNING,
        f"已达标但未得满分，少 {fmt(weight - printed)} 分（评价人判断）",
    )


_FUND_AMOUNTS = ("budget_initial", "budget_adjusted", "spent")
_FUND_LABELS = {
    "budget_initial": "年初预算数",
    "budget_adjusted": "全年预算数",
    "spent": "全年执行数",
}


def check_fund_rows(
    checks: Checks,
    funds: Sequence[FundRow],
    parsed: Sequence[dict[str, Decimal | None]],
    total_index: int,
) -> None:
    """The 年度资金总额 row must equal the sum of the rows under it (其中：当年财政拨款,
    上年结转资金, 其他资金), column by column, wherever those rows hold amounts."""
    below = parsed[total_index + 1 :]
    total_row = funds[total_index]
    for name in _FUND_AMOUNTS:
        parts = [value for values in below if (value := values[name]) is not None]
        if not parts:
            continue
        expected = sum(parts, Decimal(0))
        printed = parsed[total_index][name]
        cell = getattr(total_row, name)
        source = cell.source if cell is not None else total_row.label.source
        if printed is None:
            checks.log.add(
                "missing_value",
                f"年度资金总额的{_FUND_LABELS[name]}为空，其下各行合计 {fmt(expected)}",
                source,
                field_name=f"funds.{name}",
                expected=fmt(expected),
                kind="missing_data",
            )
        elif abs(printed - expected) > checks.rules.tolerance:
            checks.log.add(
                "fund_rows_mismatch",
                f"年度资金总额的{_FUND_LABELS[name]}为 {fmt(printed)}，"
                f"与其下各行（其中…）合计 {fmt(expected)} 不符",
                source,
                field_name=f"funds.{name}",
                expected=fmt(expected),
                found=fmt(printed),
                kind="rule",
            )


def check_indicator_reading(
    checks: Checks,
    row: IndicatorRow,
    target: Target,
    actual: Measurement,
    comparison: Comparison,
) -> None:
    """A target or actual that cannot be read, or that cannot be compared, is reported."""
    target_text = target.raw
    actual_text = actual.raw
    if target.kind == "unparsed":
        _unreadable(
            checks,
            "unparsed_target",
            "年度指标值",
            target_text,
            target.reason,
            row.target.source if row.target else row.source,
            "target_text",
        )
    elif actual.kind in ("unparsed", "empty"):
        _unreadable(
            checks,
            "unparsed_actual",
            "实际完成值",
            actual_text,
            actual.reason,
            row.actual.source if row.actual else row.source,
            "actual_text",
        )
    elif not comparison.comparable:
        checks.log.add(
            "unit_mismatch" if "unit" in comparison.reason else "not_comparable",
            f"目标“{target_text}”与实际“{actual_text}”无法比较（{reason_to_chinese(comparison.reason)}），"
            "该指标不重算得分",
            row.source,
            field_name="actual_text",
            expected=target_text,
            found=actual_text,
            kind="parse_doubt",
        )


def _score_unreadable(parsed: ParsedRow) -> bool:
    """The printed score is there but is not a number (``IO``): already an unparsed_number."""
    return any(p.code == "unparsed_number" and p.field == "score_reported" for p in parsed.problems)


def _unreadable(
    checks: Checks, code: str, label: str, text: str, reason: str, source: Source, field_name: str
) -> None:
    if not text.strip():
        message = f"{label}为空，该指标不重算得分"
    else:
        message = f"无法识别的{label}：“{text}”（{reason_to_chinese(reason)}），该指标不重算得分"
    checks.log.add(
        code,
        message,
        source,
        field_name,
        found=text,
        kind="parse_doubt" if text else "missing_data",
    )


def check_deviation_note(
    checks: Checks, row: IndicatorRow, weight: Decimal | None, printed: Decimal | None
) -> None:
    """A score below the weight needs a 偏差原因 note."""
    if weight is None or printed is None or printed >= weight:
        return
    if row.note is None or not row.note.blank:
        return  # no note column in this layout, or a note is given
    name = indicator_label(_clean(row.level3), row.source)
    checks.log.add(
        "missing_deviation_note",
        f"{name}得分 {fmt(printed)} 低于分值 {fmt(weight)}，但未填写偏差原因及改进措施",
        row.note.source if row.note is not None else row.source,
        field_name="deviation_note",
        kind="missing_data",
    )


# A year in a title, a year line or a project name: '2023年', '(2024 年度)'.
_YEAR_IN_TEXT = regex.compile(r"((?:19|20)\d{2})\s*年")


def check_year(checks: Checks, table: SelfEvalTable) -> None:
    """The year of the year line must match a year printed in the title or the project name."""
    line_year = first_year(table.year_text)
    if line_year is None:
        return
    for label, text in (("标题", table.title), ("项目名称", _clean(table.project_name))):
        year = first_year(text)
        if year is not None and year != line_year:
            checks.log.add(
                "year_mismatch",
                f"表头年度为 {line_year} 年，{label}中却写 {year} 年：“{text}”",
                table.source,
                field_name="year",
                expected=str(line_year),
                found=str(year),
            )


def first_year(text: str | None) -> int | None:
    """The first year a text names.

    >>> first_year("（2024 年度）"), first_year("某项目2023年度绩效自评表"), first_year("2023")
    (2024, 2023, None)
    """
    match = _YEAR_IN_TEXT.search(text or "")
    return int(match.group(1)) if match else None


def _clean(cell: CellText | None) -> str:
    return clean_text(cell.raw) if cell is not None else ""


def check_family_arithmetic(
    checks: Checks, row: IndicatorRow, weight: Decimal | None, printed: Decimal | None
) -> None:
    """Arithmetic a layout prints: 指标得分 = 指标权重 × 得分系数 (部门整体), and
    折算得分 = 单项指标得分 × 权重占比 (河北); both in percent, rounded to 0.01."""
    name = indicator_label(_clean(row.level3), row.source)
    coefficient = row.cell("coefficient")
    if coefficient is not None and weight is not None and printed is not None:
        factor = checks.number(coefficient, "coefficient")
        _check_product(
            checks,
            row,
            "coefficient_score_mismatch",
            f"{name}得分（权重×得分系数）",
            weight,
            factor,
            printed,
        )
    share_cell, converted_cell = row.cell("share"), row.cell("converted")
    if share_cell is not None and converted_cell is not None and printed is not None:
        share = checks.number(share_cell, "share")
        converted = checks.number(converted_cell, "converted")
        if share is not None and converted is not None:
            _check_product(
                checks,
                row,
                "converted_score_mismatch",
                f"{name}折算得分（单项得分×权重占比）",
                printed,
                share,
                converted,
            )


def _check_product(
    checks: Checks,
    row: IndicatorRow,
    code: str,
    label: str,
    weight: Decimal,
    percent: Decimal | None,
    printed: Decimal,
) -> None:
    if percent is None:
        return
    exact = weight * percent / 100
    expected = round_to(exact, Decimal("0.01"), "half_up")
    if abs(expected - printed) > checks.rules.tolerance:
        checks.disagreement(code, label, row.source, "score_reported", printed, expected, exact)


def check_group_points(
    checks: Checks,
    table: SelfEvalTable,
    groups: Sequence[tuple[str, Decimal | None]],
    weights: Sequence[Decimal | None],
    scores: Sequence[Decimal | None],
    block_points: Decimal | None,
) -> None:
    """Points printed on a group label (产出指标(50分), 年度绩效目标1(40分), 绩效指标(90分)) must
    equal the weights of its indicators; where no weights are printed, its scores must not
    exceed them."""
    members: dict[str, list[int]] = {}
    for index, (name, points) in enumerate(groups):
        if points is not None:
            members.setdefault(name, []).append(index)
    checks_to_run = [(name, groups[idx[0]][1], idx) for name, idx in members.items()]
    if block_points is not None:
        checks_to_run.append(("绩效指标", block_points, list(range(len(groups)))))
    source = table.source
    for name, points, indexes in checks_to_run:
        assert points is not None
        group_weights = [w for i in indexes if (w := weights[i]) is not None]
        if group_weights:
            total = sum(group_weights, Decimal(0))
            if abs(total - points) > checks.rules.tolerance:
                checks.log.add(
                    "group_points_mismatch",
                    f"“{name}”标明 {fmt(points)} 分，其下指标分值合计 {fmt(total)}",
                    source,
                    field_name="weight",
                    expected=fmt(points),
                    found=fmt(total),
                    kind="rule",
                )
            continue
        group_scores = sum((s for i in indexes if (s := scores[i]) is not None), Decimal(0))
        if group_scores > points:
            checks.log.add(
                "group_score_above_points",
                f"“{name}”标明 {fmt(points)} 分，其下指标得分合计 {fmt(group_scores)}",
                source,
                field_name="score_reported",
                expected=f"≤{fmt(points)}",
                found=fmt(group_scores),
                kind="rule",
            )
