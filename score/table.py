"""One :class:`~extract.table.SelfEvalTable` to its rows of the four frames, recomputed and checked.

Every printed number is parsed (Decimal), every indicator's target and actual normalized,
the execution rate and score, every indicator score and the total recomputed under a policy,
and every disagreement with a printed value written as a classified ``problems`` row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import regex

from extract.labels import label_key, money_unit
from extract.table import CellText, FundRow, IndicatorRow, SelfEvalTable
from jixiao.errors import NumberParseError
from jixiao.model import Problem, Severity, Source
from normalize import clean_text, compare, parse_actual, parse_decimal, parse_target
from score.disagreement import SEVERITY_OF_KIND, classify, fmt
from score.execution import execution_of
from score.frames import Frames, records_to_frame
from score.indicators import IndicatorScore, score_indicator
from score.policy import Policy
from score.rounding import decimals_step, round_to

_YEAR = regex.compile(r"((?:19|20)\d{2})\s*年")
_KIND_ORDER = (
    "",
    "rounding",
    "integer_display",
    "judgement",
    "missing_data",
    "parse_doubt",
    "rule",
)


@dataclass(slots=True)
class _Checks:
    """Problems collected while one table is scored, plus the kinds of row disagreements."""

    table: SelfEvalTable
    policy: Policy
    problems: list[Problem] = field(default_factory=list)
    row_kinds: list[str] = field(default_factory=list)

    def add(
        self,
        code: str,
        severity: Severity,
        message: str,
        source: Source,
        *,
        field_name: str = "",
        expected: str = "",
        found: str = "",
        kind: str = "",
    ) -> None:
        self.problems.append(
            Problem(
                code=code,
                severity=severity,
                message=message,
                source=source,
                field=field_name,
                expected=expected,
                found=found,
                kind=kind,
            )
        )

    def number(self, cell: CellText | None, field_name: str) -> Decimal | None:
        """A printed number; an unreadable one becomes a problem and ``None``."""
        if cell is None:
            return None
        try:
            return parse_decimal(cell.raw, source=cell.source)
        except NumberParseError:
            self.add(
                "unparsed_number",
                Severity.ERROR,
                f"无法识别的数字：“{cell.raw.strip()}”",
                cell.source,
                field_name=field_name,
                found=cell.raw,
                kind="parse_doubt",
            )
            return None

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
    ) -> None:
        kind = kind or classify(
            printed, exact if exact is not None else expected, self.policy.rounding_steps
        )
        self.row_kinds.append(kind)
        note = f"（{detail}）" if detail else ""
        self.add(
            code,
            SEVERITY_OF_KIND[kind],
            f"{label}：表中为 {fmt(printed)}，按规则应为 {fmt(expected)}{note}",
            source,
            field_name=field_name,
            expected=fmt(expected),
            found=fmt(printed),
            kind=kind,
        )


def score_table(table: SelfEvalTable, *, table_id: str, policy: Policy) -> Frames:
    """Recompute and check one table; return its rows of the four frames."""
    checks = _Checks(table, policy, list(table.problems))
    fund_records, execution = _funds(checks, table, table_id, policy)
    indicator_records = [
        _indicator(checks, row, seq, table, table_id, policy)
        for seq, row in enumerate(table.indicators, start=1)
    ]
    table_record = _table(checks, table, table_id, policy, execution, indicator_records)
    table_record["problem_count"] = len(checks.problems)
    return Frames(
        tables=records_to_frame("tables", [table_record]),
        funds=records_to_frame("funds", fund_records),
        indicators=records_to_frame("indicators", indicator_records),
        problems=records_to_frame("problems", problems_to_records(checks.problems, table_id)),
    )


def problems_to_records(problems: Iterable[Problem], table_id: str | None) -> list[dict[str, Any]]:
    return [
        {
            "table_id": table_id,
            "source_file": p.source.file,
            "page": p.source.page,
            "line": p.source.line,
            "field": p.field,
            "severity": str(p.severity),
            "code": p.code,
            "kind": p.kind,
            "message": p.message,
            "expected": p.expected,
            "found": p.found,
        }
        for p in problems
    ]


def _text(cell: CellText | None) -> str | None:
    return clean_text(cell.raw) if cell is not None else None


def _float(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _funds(
    checks: _Checks, table: SelfEvalTable, table_id: str, policy: Policy
) -> tuple[list[dict[str, Any]], dict[str, Decimal | None]]:
    records = []
    parsed: list[dict[str, Decimal | None]] = []
    for seq, row in enumerate(table.funds, start=1):
        values = {
            name: checks.number(getattr(row, name), f"funds.{name}")
            for name in ("budget_initial", "budget_adjusted", "spent", "weight", "rate", "score")
        }
        parsed.append(values)
        records.append(
            {
                "table_id": table_id,
                "seq": seq,
                "label": _text(row.label),
                "budget_initial": _float(values["budget_initial"]),
                "budget_adjusted": _float(values["budget_adjusted"]),
                "spent": _float(values["spent"]),
                "weight": _float(values["weight"]),
                "execution_rate_reported": _float(values["rate"]),
                "score_reported": _float(values["score"]),
            }
        )
    index = _total_fund_index(table.funds)
    if index is None:
        return records, {}
    values = parsed[index]
    execution = execution_of(values["budget_adjusted"], values["spent"], values["weight"], policy)
    row = table.funds[index]
    _check_execution(
        checks,
        row,
        values,
        execution.rate,
        execution.rate_exact,
        "rate",
        "execution_rate_mismatch",
        "执行率",
    )
    _check_execution(
        checks,
        row,
        values,
        execution.score,
        execution.score_exact,
        "score",
        "execution_score_mismatch",
        "预算执行得分",
    )
    return records, {
        **values,
        "rate_recomputed": execution.rate,
        "score_recomputed": execution.score,
    }


def _total_fund_index(funds: tuple[FundRow, ...]) -> int | None:
    for index, row in enumerate(funds):
        if any(word in label_key(row.label.raw) for word in ("资金总额", "合计", "总计")):
            return index
    return 0 if funds else None


def _check_execution(
    checks: _Checks,
    row: FundRow,
    values: dict[str, Decimal | None],
    expected: Decimal | None,
    exact: Decimal | None,
    name: str,
    code: str,
    label: str,
) -> None:
    printed = values[name]
    cell = getattr(row, name)
    source = cell.source if cell is not None else row.label.source
    if expected is None:
        return
    if printed is None:
        if name == "rate" or values["weight"] is not None:
            checks.add(
                "missing_value",
                Severity.WARNING,
                f"{label}为空，按规则应为 {fmt(expected)}",
                source,
                field_name=f"execution_{name}",
                expected=fmt(expected),
                kind="missing_data",
            )
        return
    if abs(printed - expected) > checks.policy.tolerance:
        checks.disagreement(code, label, source, f"execution_{name}", printed, expected, exact)


def _indicator(
    checks: _Checks,
    row: IndicatorRow,
    seq: int,
    table: SelfEvalTable,
    table_id: str,
    policy: Policy,
) -> dict[str, Any]:
    weight = checks.number(row.weight, "weight")
    printed = checks.number(row.score, "score_reported")
    target_text = _text(row.target) or ""
    actual_text = _text(row.actual) or ""
    target = parse_target(target_text, indicator=_text(row.level3), group=_text(row.level2))
    actual = parse_actual(actual_text, target=target)
    comparison = compare(target, actual)
    result = score_indicator(target, actual, comparison, weight, policy)
    source = row.source
    if target.kind == "unparsed":
        checks.add(
            "unparsed_target",
            Severity.WARNING,
            f"无法识别的年度指标值：“{target_text}”（{target.reason}），该指标不重算得分",
            row.target.source if row.target else source,
            field_name="target_text",
            found=target_text,
            kind="parse_doubt",
        )
    elif actual.kind in ("unparsed", "empty"):
        checks.add(
            "unparsed_actual",
            Severity.WARNING,
            f"无法识别的实际完成值：“{actual_text}”（{actual.reason}），该指标不重算得分",
            row.actual.source if row.actual else source,
            field_name="actual_text",
            found=actual_text,
            kind="parse_doubt" if actual_text else "missing_data",
        )
    elif not comparison.comparable:
        checks.add(
            "unit_mismatch" if "unit" in comparison.reason else "not_comparable",
            Severity.WARNING,
            f"目标“{target_text}”与实际“{actual_text}”无法比较（{comparison.reason}）",
            source,
            field_name="actual_text",
            expected=target_text,
            found=actual_text,
            kind="parse_doubt",
        )
    _check_indicator(checks, row, weight, printed, result, comparison.met, target_text, actual_text)
    unit = target.unit.text if target.unit else None
    return {
        "table_id": table_id,
        "source_file": table.file,
        "page": source.page,
        "line": source.line,
        "seq": seq,
        "level1": _text(row.level1),
        "level2": _text(row.level2),
        "level3": _text(row.level3),
        "target_text": _text(row.target),
        "actual_text": _text(row.actual),
        "weight": _float(weight),
        "score_reported": _float(printed),
        "deviation_note": _text(row.note),
        "target_kind": target.kind,
        "target_op": target.op,
        "target_value": _float(target.value),
        "target_upper": _float(target.upper),
        "target_unit": unit,
        "actual_value": _float(actual.value),
        "actual_unit": actual.unit.text if actual.unit else None,
        "direction": target.direction,
        "achieved": comparison.met,
        "completion_ratio": _float(comparison.ratio),
        "score": _float(result.score),
        "score_delta": _float(printed - result.score)
        if printed is not None and result.score is not None
        else None,
        "rule": result.rule,
        "_score_for_total": result.score if result.score is not None else printed,
        "_weight": weight,
        "_printed": printed,
    }


def _check_indicator(
    checks: _Checks,
    row: IndicatorRow,
    weight: Decimal | None,
    printed: Decimal | None,
    result: IndicatorScore,
    met: bool | None,
    target_text: str,
    actual_text: str,
) -> None:
    source = row.score.source if row.score is not None else row.source
    name = _text(row.level3) or ""
    if printed is None:
        if weight is not None:
            checks.add(
                "missing_score",
                Severity.WARNING,
                f"指标“{name}”有分值 {fmt(weight)} 但得分为空",
                source,
                field_name="score_reported",
                kind="missing_data",
            )
        return
    if weight is not None and printed > weight:
        checks.add(
            "score_above_weight",
            Severity.ERROR,
            f"指标“{name}”得分 {fmt(printed)} 超过分值 {fmt(weight)}",
            source,
            field_name="score_reported",
            expected=f"≤{fmt(weight)}",
            found=fmt(printed),
            kind="rule",
        )
    if result.band is not None and weight is not None:
        low, high = result.band
        if not low <= printed <= high:
            checks.add(
                "qualitative_band",
                Severity.WARNING,
                f"定性指标“{name}”得分 {fmt(printed)} 不在完成情况“{actual_text}”对应的区间 "
                f"{fmt(low)}–{fmt(high)} 内",
                source,
                field_name="score_reported",
                expected=f"{fmt(low)}–{fmt(high)}",
                found=fmt(printed),
                kind="judgement",
            )
        return
    if result.score is None or abs(printed - result.score) <= checks.policy.tolerance:
        return
    if met and weight is not None and printed < weight:
        checks.disagreement(
            "met_target_not_full_score",
            f"指标“{name}”已达标（{target_text} → {actual_text}）但未得满分",
            source,
            "score_reported",
            printed,
            result.score,
            result.score_exact,
            kind="judgement",
        )
    elif met is False and weight is not None and printed == weight:
        checks.disagreement(
            "missed_target_full_score",
            f"指标“{name}”未达标（{target_text} → {actual_text}）却得满分",
            source,
            "score_reported",
            printed,
            result.score,
            result.score_exact,
            kind="rule",
        )
    else:
        checks.disagreement(
            "indicator_score_mismatch",
            f"指标“{name}”得分",
            source,
            "score_reported",
            printed,
            result.score,
            result.score_exact,
            detail=f"{result.rule}，{target_text} → {actual_text}",
        )


def _table(
    checks: _Checks,
    table: SelfEvalTable,
    table_id: str,
    policy: Policy,
    execution: dict[str, Decimal | None],
    indicators: list[dict[str, Any]],
) -> dict[str, Any]:
    weights = [r.pop("_weight") for r in indicators]
    printed_scores = [r.pop("_printed") for r in indicators]
    scores_for_total = [r.pop("_score_for_total") for r in indicators]
    exec_weight = execution.get("weight")
    weight_total = _sum([exec_weight, *weights])
    printed_sum = _sum([execution.get("score"), *printed_scores])
    recomputed = _sum([execution.get("score_recomputed"), *scores_for_total])
    if recomputed is not None:
        recomputed = round_to(recomputed, decimals_step(policy.total_decimals), "half_up")
    total = table.total
    weight_printed = checks.number(total.weight if total else None, "weight_total_reported")
    total_printed = checks.number(total.score if total else None, "score_total_reported")
    _check_totals(
        checks, table, weight_printed, weight_total, total_printed, printed_sum, recomputed
    )
    return {
        "table_id": table_id,
        "source_file": table.file,
        "source_kind": table.source_kind,
        "reader": table.reader,
        "page_start": table.page_start,
        "page_end": table.page_end,
        "line_start": table.line_start,
        "year": _year(table),
        "title": table.title,
        "project_name": _text(table.project_name),
        "department": _text(table.department),
        "implementing_unit": _text(table.implementing_unit),
        "money_unit": _money_unit(table.money_label),
        "budget_initial": _float(execution.get("budget_initial")),
        "budget_adjusted": _float(execution.get("budget_adjusted")),
        "spent": _float(execution.get("spent")),
        "execution_weight": _float(exec_weight),
        "execution_rate_reported": _float(execution.get("rate")),
        "execution_score_reported": _float(execution.get("score")),
        "execution_rate": _float(execution.get("rate_recomputed")),
        "execution_score": _float(execution.get("score_recomputed")),
        "goal_planned": _text(table.goal_planned),
        "goal_achieved": _text(table.goal_achieved),
        "indicator_count": len(indicators),
        "weight_total_reported": _float(weight_printed),
        "weight_total": _float(weight_total),
        "score_total_reported": _float(total_printed),
        "score_total_printed_sum": _float(printed_sum),
        "score_total": _float(recomputed),
        "grade": policy.grade(recomputed) if recomputed is not None else None,
        "policy": policy.name,
    }


def _check_totals(
    checks: _Checks,
    table: SelfEvalTable,
    weight_printed: Decimal | None,
    weight_total: Decimal | None,
    total_printed: Decimal | None,
    printed_sum: Decimal | None,
    recomputed: Decimal | None,
) -> None:
    source = table.total.source if table.total else table.source
    if (
        weight_printed is not None
        and weight_total is not None
        and abs(weight_printed - weight_total) > checks.policy.tolerance
    ):
        checks.add(
            "weight_total_mismatch",
            Severity.ERROR,
            f"各项分值合计 {fmt(weight_total)}，与总分行的分值 {fmt(weight_printed)} 不符",
            source,
            field_name="weight_total_reported",
            expected=fmt(weight_total),
            found=fmt(weight_printed),
            kind="rule",
        )
    if total_printed is None:
        return
    row_kind = max(checks.row_kinds, key=_KIND_ORDER.index, default="")
    if printed_sum is not None and abs(total_printed - printed_sum) > checks.policy.tolerance:
        checks.add(
            "total_sum_mismatch",
            Severity.ERROR,
            f"总分 {fmt(total_printed)} 不等于表中各项得分之和 {fmt(printed_sum)}",
            source,
            field_name="score_total_reported",
            expected=fmt(printed_sum),
            found=fmt(total_printed),
            kind=classify(total_printed, printed_sum, checks.policy.rounding_steps),
        )
    if recomputed is not None and abs(total_printed - recomputed) > checks.policy.tolerance:
        kind = row_kind if row_kind and total_printed == printed_sum else "rule"
        checks.add(
            "total_mismatch",
            SEVERITY_OF_KIND[kind],
            f"总分：表中为 {fmt(total_printed)}，按规则重算为 {fmt(recomputed)}"
            + ("（差异来自上面各行的差异）" if kind != "rule" else ""),
            source,
            field_name="score_total_reported",
            expected=fmt(recomputed),
            found=fmt(total_printed),
            kind=kind,
        )


def _sum(values: Iterable[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None


def _year(table: SelfEvalTable) -> int | None:
    for text in (table.year_text, table.title):
        match = _YEAR.search(text or "")
        if match:
            return int(match.group(1))
    return None


def _money_unit(label: CellText | None) -> str | None:
    return money_unit(label.raw) if label is not None else None
