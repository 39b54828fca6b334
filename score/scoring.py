"""One :class:`~extract.table.SelfEvalTable` to its rows of the four frames, recomputed and checked.

Every printed number is parsed (Decimal), every indicator's target and actual normalized,
the execution rate and score, every indicator score and the total recomputed under a policy,
and every disagreement with a printed value written as a classified ``problems`` row.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import regex

from jixiao.core.model import Problem, ProblemLog, Severity
from jixiao.core.vocabulary import FUND_TOTAL_WORDS, label_key, money_unit, points_of
from jixiao.extract.table import CellText, FundRow, IndicatorRow, SelfEvalTable
from jixiao.normalize import clean_text, compare, parse_actual, parse_target
from jixiao.score.checks import (
    Checks,
    check_deviation_note,
    check_execution,
    check_family_arithmetic,
    check_fund_rows,
    check_group_points,
    check_indicator,
    check_indicator_reading,
    check_totals,
    check_year,
)
from jixiao.score.execution import execution_of
from jixiao.score.frames import Frames, records_to_frame
from jixiao.score.indicators import IndicatorScore, score_indicator
from jixiao.score.policy import Policy
from jixiao.score.rounding import decimals_step, round_to
from jixiao.score.rows import row_to_texts
from jixiao.score.status import COMPLETE, doubt_disagreements, table_to_read_status

_YEAR = regex.compile(r"((?:19|20)\d{2})\s*年")


def score_table(table: SelfEvalTable, *, table_id: str, policy: Policy) -> Frames:
    """Recompute and check one table; return its rows of the four frames."""
    checks = Checks(table, policy, ProblemLog(list(table.problems)))
    fund_records, execution = _funds(checks, table, table_id, policy)
    indicator_records = [
        _indicator(checks, row, seq, table, table_id, policy)
        for seq, row in enumerate(table.indicators, start=1)
    ]
    rescored = execution.get("score_recomputed") is not None or any(
        r["score"] is not None for r in indicator_records
    )
    table_record = _table(checks, table, table_id, policy, execution, indicator_records)
    status = table_to_read_status(table, rescored=rescored)
    problems = doubt_disagreements(checks.log.problems, status)
    table_record["read_status"] = status
    if status != COMPLETE:
        table_record["grade"] = None  # a total jixiao may have misread is not graded
    table_record["problem_count"] = len(problems)
    table_record["error_count"] = sum(p.severity is Severity.ERROR for p in problems)
    table_record["warning_count"] = sum(p.severity is Severity.WARNING for p in problems)
    names = (table_record["project_name"], table_record["department"])
    return Frames(
        tables=records_to_frame("tables", [table_record]),
        funds=records_to_frame("funds", fund_records),
        indicators=records_to_frame("indicators", indicator_records),
        problems=records_to_frame("problems", problems_to_records(problems, table_id, *names)),
    )


def problems_to_records(
    problems: Iterable[Problem],
    table_id: str | None,
    project_name: str | None = None,
    department: str | None = None,
) -> list[dict[str, Any]]:
    """Problem rows; ``project_name`` and ``department`` are the table's (none for a problem of
    a whole file), so a problem can be read without a join."""
    return [
        {
            "table_id": table_id,
            "source_file": p.source.file,
            "project_name": project_name,
            "department": department,
            "page": p.source.page,
            "line": p.source.line,
            "row": p.source.row,
            "col": p.source.col,
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
    checks: Checks, table: SelfEvalTable, table_id: str, policy: Policy
) -> tuple[list[dict[str, Any]], dict[str, Decimal | None]]:
    records = []
    parsed: list[dict[str, Decimal | None]] = []
    money = _money_unit(table.money_label)
    for seq, row in enumerate(table.funds, start=1):
        values = {
            name: checks.amount(getattr(row, name), f"funds.{name}", money)
            for name in ("budget_initial", "budget_adjusted", "spent")
        } | {
            name: checks.number(getattr(row, name), f"funds.{name}")
            for name in ("weight", "rate", "score")
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
                "extra": _json({k: clean_text(c.raw) for k, c in row.extra}),
            }
        )
    index = _total_fund_index(table.funds)
    if index is None:
        return records, {}
    values = dict(parsed[index])
    if values["weight"] is None:
        values["weight"] = _execution_weight_from_labels(table)
    check_fund_rows(checks, table.funds, parsed, index)
    execution = execution_of(values["budget_adjusted"], values["spent"], values["weight"], policy)
    row = table.funds[index]
    check_execution(
        checks,
        row,
        values,
        execution.rate,
        execution.rate_exact,
        "rate",
        "execution_rate_mismatch",
        "执行率",
    )
    check_execution(
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


def _execution_weight_from_labels(table: SelfEvalTable) -> Decimal | None:
    """A layout without a 分值 column may print the execution weight in a label:
    ``得分(20分*执行率)`` or ``预算执行情况(10分)``."""
    headers = dict(table.funds_header)
    if "weight" in headers:
        return None
    labels = [headers.get("score"), table.money_label]
    return next((p for cell in labels if cell and (p := points_of(cell.raw))), None)


def _total_fund_index(funds: tuple[FundRow, ...]) -> int | None:
    for index, row in enumerate(funds):
        if any(word in label_key(row.label.raw) for word in FUND_TOTAL_WORDS):
            return index
    return 0 if funds else None


def _indicator(
    checks: Checks,
    row: IndicatorRow,
    seq: int,
    table: SelfEvalTable,
    table_id: str,
    policy: Policy,
) -> dict[str, Any]:
    texts = row_to_texts(row)
    weight = _weight(checks, row)
    printed = checks.number(row.score, "score_reported")
    target = parse_target(texts.target, indicator=texts.level3, group=texts.level2)
    actual = parse_actual(texts.actual, target=target)
    comparison = compare(target, actual)
    if row.placeholder or row.sub_row:
        result = IndicatorScore("placeholder" if row.placeholder else "sub_row", None, None)
    else:
        result = score_indicator(target, actual, comparison, weight, policy)
        check_indicator_reading(checks, row, target, actual, comparison)
        check_deviation_note(checks, row, weight, printed)
        check_indicator(
            checks, row, weight, printed, result, comparison.met, texts.target, texts.actual
        )
        check_family_arithmetic(checks, row, weight, printed)
    source = row.source
    return {
        "table_id": table_id,
        "source_file": table.file,
        "page": source.page,
        "line": source.line,
        "seq": seq,
        "level1": texts.level1,
        "level2": texts.level2,
        "level3": texts.level3,
        "target_text": texts.target if _has_target(row) else None,
        "actual_text": texts.actual if row.actual is not None else None,
        "weight": _float(weight),
        "score_reported": _float(printed),
        "deviation_note": texts.note,
        "target_kind": target.kind,
        "target_op": target.op,
        "target_value": _float(target.value),
        "target_upper": _float(target.upper),
        "target_unit": target.unit.text if target.unit else None,
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
        "extra": _json(texts.extra),
        "_score_for_total": _counted(
            checks, row, result.score if result.score is not None else printed, recompute=True
        ),
        "_weight": _weight_for_total(checks, row, weight),
        "_printed": _counted(checks, row, printed, recompute=False),
        "_group": (texts.group, texts.group_points),
        "_counts": not (row.placeholder or row.sub_row),
    }


def _has_target(row: IndicatorRow) -> bool:
    return row.target is not None or row.target_adjusted is not None


def _weight(checks: Checks, row: IndicatorRow) -> Decimal | None:
    """The indicator's printed points (分值 / 指标权重); derived figures are not weights."""
    return checks.number(row.weight, "weight")


def _counted(
    checks: Checks, row: IndicatorRow, score: Decimal | None, *, recompute: bool
) -> Decimal | None:
    """The score that counts toward the total: the 折算得分 where a layout prints one (河北:
    单项指标得分 × 权重占比, recomputed from ``score`` with ``recompute``), else ``score``."""
    if row.converted is None:
        return score
    share = checks.number(row.share, "share") if row.share is not None else None
    if recompute and score is not None and share is not None:
        return round_to(score * share / 100, Decimal("0.01"), "half_up")
    return checks.number(row.converted, "converted")


def _weight_for_total(checks: Checks, row: IndicatorRow, weight: Decimal | None) -> Decimal | None:
    """The points an indicator adds to the table's weight total: its weight, else its
    权重占比 in points (30% → 30) where a layout prints the share instead."""
    if weight is not None or row.share is None:
        return weight
    return checks.number(row.share, "share")


def _json(values: dict[str, str]) -> str | None:
    return json.dumps(values, ensure_ascii=False, sort_keys=True) if values else None


def _table(
    checks: Checks,
    table: SelfEvalTable,
    table_id: str,
    policy: Policy,
    execution: dict[str, Decimal | None],
    indicators: list[dict[str, Any]],
) -> dict[str, Any]:
    weights = [r.pop("_weight") for r in indicators]
    printed_scores = [r.pop("_printed") for r in indicators]
    scores_for_total = [r.pop("_score_for_total") for r in indicators]
    groups = [r.pop("_group") for r in indicators]
    counted = [r.pop("_counts") for r in indicators]
    exec_weight = execution.get("weight")
    block_points = points_of(table.indicator_block.raw) if table.indicator_block else None
    check_group_points(checks, table, groups, weights, printed_scores, block_points)
    weight_total = _sum([exec_weight, *_weights_or_group_points(weights, groups)])
    printed_sum = _sum([execution.get("score"), *printed_scores])
    recomputed = _sum([execution.get("score_recomputed"), *scores_for_total])
    if recomputed is not None:
        recomputed = round_to(recomputed, decimals_step(policy.total_decimals), "half_up")
    total = table.total
    weight_printed = checks.number(total.weight if total else None, "weight_total_reported")
    total_printed = checks.number(total.score if total else None, "score_total_reported")
    check_year(checks, table)
    check_totals(
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
        "indicator_count": sum(counted),
        "weight_total_reported": _float(weight_printed),
        "weight_total": _float(weight_total),
        "score_total_reported": _float(total_printed),
        "score_total_printed_sum": _float(printed_sum),
        "score_total": _float(recomputed),
        "grade": policy.grade(recomputed) if recomputed is not None else None,
        "policy": policy.name,
        "family": table.family,
        "extra": _json({k: clean_text(c.raw) for k, c in table.extra}),
    }


def _weights_or_group_points(
    weights: list[Decimal | None], groups: list[tuple[str, Decimal | None]]
) -> list[Decimal | None]:
    """Indicator weights; where a layout prints none (湖北), the points of each group once."""
    if any(w is not None for w in weights):
        return weights
    points = {name: value for name, value in groups if value is not None}
    return list(points.values())


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
