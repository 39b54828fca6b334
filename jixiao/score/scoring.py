"""One :class:`~jixiao.model.table.SelfEvalTable` to its rows of the four frames, recomputed and
checked.

Every printed number is parsed (Decimal), every indicator's target and actual normalized
(:mod:`jixiao.score.parsed`, once per table), then under a policy the execution rate and score,
every indicator score and the total are recomputed, and every disagreement with a printed value
is written as a classified ``problems`` row; each indicator gets an ``explanation`` that says
in plain Chinese why its printed score is accepted or flagged.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from jixiao.core.problems import ProblemLog
from jixiao.core.vocabulary import points_of
from jixiao.model.frames import Frames, Rows, rows_to_frames
from jixiao.model.source import Problem, Severity
from jixiao.model.table import CellText, SelfEvalTable
from jixiao.normalize import clean_text
from jixiao.normalize.keys import levels_to_indicator_keys, table_to_project_key
from jixiao.normalize.vocab import OPERATOR_CODES
from jixiao.score.checks import (
    Checks,
    Verdict,
    check_execution,
    check_family_arithmetic,
    check_fund_rows,
    check_group_points,
    check_indicator,
    check_year,
    first_year,
)
from jixiao.score.disagreement import SEVERITY_OF_KIND, fmt
from jixiao.score.execution import Execution, execution_of
from jixiao.score.explain import RULE_NAMES
from jixiao.score.fund_rows import EXECUTION_CELLS
from jixiao.score.indicators import IndicatorScore, score_indicator
from jixiao.score.parsed import ParsedRow, ParsedTable, table_to_parsed
from jixiao.score.policy import Policy
from jixiao.score.rounding import decimals_step, round_to
from jixiao.score.status import COMPLETE, UNSCORED, doubt_disagreements, table_to_read_status
from jixiao.score.totals import (
    Basis,
    Part,
    check_totals,
    contradicted_roundings,
    printed_sum,
    recomputed_sum,
)
from jixiao.score.weights import ImpliedWeights, implied_weights

_EXECUTION_LABEL = "预算执行得分"
_NOT_SCORED = {rule: RULE_NAMES[rule] for rule in ("placeholder", "sub_row")}


@dataclass(frozen=True, slots=True)
class Scored:
    """One table scored under one policy: the records of its four frames, not yet frames."""

    table: dict[str, Any]
    funds: list[dict[str, Any]]
    indicators: list[dict[str, Any]]
    problems: list[Problem]
    table_id: str
    contradicted: int = 0

    @property
    def misses(self) -> tuple[int, int]:
        """(printed numbers flagged, printed numbers explained but not reproduced): the
        policy that leaves the fewest of the first, then of the second, explains the table
        best. A score the policy rounds by rule while the printed total used it unrounded
        counts as explained, not reproduced (:func:`.totals.contradicted_roundings`)."""
        flagged = sum(1 for p in self.problems if p.kind and p.severity is not Severity.INFO)
        explained = sum(1 for p in self.problems if p.kind and p.severity is Severity.INFO)
        return flagged, explained + self.contradicted


def score_table(table: SelfEvalTable, *, table_id: str, policy: Policy) -> Frames:
    """Recompute and check one table; return its rows of the four frames."""
    return rows_to_frames(score_table_rows(table, table_id=table_id, policy=policy))


def score_table_rows(table: SelfEvalTable, *, table_id: str, policy: Policy) -> Rows:
    """:func:`score_table` as plain records (frames are built once per run, not per table)."""
    return scored_to_rows(score_parsed(table_to_parsed(table), table_id=table_id, policy=policy))


#: The problems that compare the printed 总分 with jixiao's recomputed total (``score_total``).
_RECOMPUTED_TOTAL_CODES = frozenset({"total_mismatch", "total_mismatch_allowed"})


def scored_to_rows(scored: Scored) -> Rows:
    """The records of a scored table's four frames. On a table not read completely
    (``read_status``), every disagreement is ``parse_doubt`` (:mod:`.status`); the table counts
    its problems."""
    table = dict(scored.table)
    problems = doubt_disagreements(scored.problems, str(table["read_status"]))
    table["problem_count"] = len(problems)
    table["error_count"] = sum(p.severity is Severity.ERROR for p in problems)
    table["warning_count"] = sum(p.severity is Severity.WARNING for p in problems)
    names = (table["project_name"], table["department"])
    return Rows(
        tables=(table,),
        funds=tuple(scored.funds),
        indicators=tuple(scored.indicators),
        problems=tuple(problems_to_records(problems, scored.table_id, *names)),
    )


def scored_to_frames(scored: Scored) -> Frames:
    return rows_to_frames(scored_to_rows(scored))


def score_parsed(parsed: ParsedTable, *, table_id: str, policy: Policy) -> Scored:
    """Score a parsed table under a policy."""
    table = parsed.table
    checks = Checks(ProblemLog(list(table.problems)), policy)
    checks.log.problems.extend(parsed.fund_problems)
    execution, execution_kind = _execution(checks, parsed, policy)
    implied_log = ProblemLog()
    implied = implied_weights(parsed.rows, policy, implied_log, table.source)
    indicators: list[dict[str, Any]] = []
    parts: list[Part] = []
    for index, row in enumerate(parsed.rows):
        record, part = _indicator(checks, row, table, table_id, policy, implied, index)
        indicators.append(record)
        if part is not None:
            parts.append(part)
    keys = levels_to_indicator_keys(r["level3"] for r in indicators)
    for indicator, key in zip(indicators, keys, strict=True):
        indicator["indicator_key"] = key
    if execution.get("score") is not None or execution.get("score_recomputed") is not None:
        parts.insert(
            0,
            Part(
                _EXECUTION_LABEL,
                execution.get("score"),
                execution.get("score_recomputed"),
                execution.get("score_exact"),
                execution_kind,
                SEVERITY_OF_KIND[execution_kind] if execution_kind else None,
                execution=True,
            ),
        )
    record, basis = _table(checks, parsed, table_id, policy, execution, parts, implied_log)
    rescored = execution.get("score_recomputed") is not None or any(
        r["score"] is not None for r in indicators
    )
    printed = (
        execution.get("score") is not None
        or any(r["score_reported"] is not None for r in indicators)
        or (
            table.total is not None
            and table.total.score is not None
            and not table.total.score.blank
        )
    )
    unreadable = any(p.code == "unparsed_number" for p in checks.log.problems)
    record["read_status"] = table_to_read_status(
        table, rescored=rescored, printed=printed, unreadable=unreadable
    )
    if record["read_status"] != COMPLETE:
        record["grade"] = None  # a total jixiao may have misread is not graded
    problems = checks.log.problems
    if record["read_status"] == UNSCORED:
        record["score_total"] = None  # nothing printed to add up: no total of jixiao's either
        # nor a message that names one (total_sum_mismatch still compares the printed numbers)
        problems = [p for p in problems if p.code not in _RECOMPUTED_TOTAL_CODES]
    return Scored(
        table=record,
        funds=_fund_records(parsed, table_id),
        indicators=indicators,
        problems=problems,
        table_id=table_id,
        contradicted=contradicted_roundings(basis, parts),
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


def _fund_records(parsed: ParsedTable, table_id: str) -> list[dict[str, Any]]:
    return [
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
        for seq, (row, values) in enumerate(zip(parsed.table.funds, parsed.funds, strict=True), 1)
    ]


def _execution(
    checks: Checks, parsed: ParsedTable, policy: Policy
) -> tuple[dict[str, Decimal | None], str]:
    """Recompute and check the execution block; return its values and the kind of the
    execution score's disagreement.

    The budget and the amount spent are the 年度资金总额 row's; the weight, rate and score those
    of the row that prints them (:func:`~jixiao.score.fund_rows.execution_fund_index`), and the
    rate is recomputed from that row's amounts when it prints them."""
    table, index, carrier = parsed.table, parsed.total_index, parsed.execution_index
    if index is None or carrier is None:
        return {}, ""
    values = dict(parsed.funds[index])
    basis = values
    if carrier != index:  # weight and score printed on a row under the total (其中：财政拨款)
        carried = parsed.funds[carrier]
        values |= {name: carried[name] for name in EXECUTION_CELLS}
        if carried["budget_adjusted"] is not None and carried["spent"] is not None:
            basis = carried
    if values["weight"] is None:
        values["weight"] = _execution_weight_from_labels(table)
    check_fund_rows(checks, table.funds, parsed.funds, index)
    execution = execution_of(basis["budget_adjusted"], basis["spent"], values["weight"], policy)
    row = table.funds[carrier]
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
    kind = check_execution(
        checks,
        row,
        values,
        execution.score,
        execution.score_exact,
        "score",
        "execution_score_mismatch",
        "预算执行得分",
    )
    return _with_recomputed(values, execution), kind


def _with_recomputed(
    values: dict[str, Decimal | None], execution: Execution
) -> dict[str, Decimal | None]:
    return {
        **values,
        "rate_recomputed": execution.rate,
        "score_recomputed": execution.score,
        "score_exact": execution.score_exact,
    }


def _execution_weight_from_labels(table: SelfEvalTable) -> Decimal | None:
    """A layout without a 分值 column may print the execution weight in a label:
    ``得分(20分*执行率)`` or ``预算执行情况(10分)``."""
    headers = dict(table.funds_header)
    if "weight" in headers:
        return None
    labels = [headers.get("score"), table.money_label]
    return next((p for cell in labels if cell and (p := points_of(cell.raw))), None)


def _indicator(
    checks: Checks,
    parsed: ParsedRow,
    table: SelfEvalTable,
    table_id: str,
    policy: Policy,
    implied: ImpliedWeights,
    index: int,
) -> tuple[dict[str, Any], Part | None]:
    row, texts, target, actual = parsed.row, parsed.texts, parsed.target, parsed.actual
    checks.log.problems.extend(parsed.problems)
    weight = parsed.weight if parsed.weight is not None else implied.weights.get(index)
    if not parsed.counts:
        rule = "placeholder" if row.placeholder else "sub_row"
        result = IndicatorScore(rule, None, None)
        printed_note = (
            f"（表中列有得分 {fmt(parsed.printed)}）" if parsed.printed is not None else ""
        )
        verdict = Verdict("", None, _NOT_SCORED[rule] + printed_note)
    else:
        result = score_indicator(
            target, actual, parsed.comparison, weight, policy, satisfaction=parsed.satisfaction
        )
        verdict = check_indicator(checks, parsed, weight, result)
        check_family_arithmetic(checks, row, parsed.weight, parsed.printed)
    explanation = verdict.explanation
    if parsed.weight is None and index in implied.notes:
        explanation = f"{implied.notes[index]}；{explanation}"
    elif index in implied.short:
        explanation = implied.short[index]
    # a score recomputed from an implied weight is evidence, not a recomputation: the frame's
    # score stays empty where the table prints no weight
    score = result.score if parsed.weight is not None else None
    printed = parsed.printed
    source = row.source
    record = {
        "table_id": table_id,
        "source_file": table.file,
        "page": source.page,
        "line": source.line,
        "seq": parsed.seq,
        "level1": texts.level1,
        "level2": texts.level2,
        "level3": texts.level3,
        "target_text": texts.target if _has_target(parsed) else None,
        "actual_text": texts.actual if row.actual is not None else None,
        "weight": _float(parsed.weight),
        "score_reported": _float(printed),
        "deviation_note": texts.note,
        "target_kind": target.kind,
        "target_op": OPERATOR_CODES[target.op],
        "target_value": _float(target.value),
        "target_upper": _float(target.upper),
        "target_unit": target.unit.text if target.unit else None,
        "actual_value": _float(actual.value),
        "actual_unit": actual.unit.text if actual.unit else None,
        "direction": target.direction,
        "achieved": parsed.comparison.met,
        "completion_ratio": _float(parsed.comparison.ratio),
        "score": _float(score),
        "score_delta": _float(printed - score)
        if printed is not None and score is not None
        else None,
        "rule": result.rule,
        "explanation": explanation,
        "extra": _json(texts.extra),
    }
    if row.placeholder:
        return record, None
    exact = result.score_exact if parsed.weight is not None else None
    counted, recomputed = printed, score
    if row.cell("converted") is not None:
        # 河北 折算: the 折算得分 counts toward the total, recomputed as score × 权重占比
        counted, exact = parsed.converted, None
        base = score if score is not None else printed
        recomputed = (
            round_to(base * parsed.share / 100, Decimal("0.01"), "half_up")
            if base is not None and parsed.share is not None
            else parsed.converted
        )
    return record, Part(
        parsed.label,
        counted,
        recomputed,
        exact,
        verdict.kind,
        verdict.severity,
        sub_row=row.sub_row,
        weighted=parsed.weight is not None,
    )


def _has_target(parsed: ParsedRow) -> bool:
    return parsed.row.target is not None or parsed.row.cell("target_adjusted") is not None


def _json(values: dict[str, str]) -> str | None:
    return json.dumps(values, ensure_ascii=False, sort_keys=True) if values else None


def _table(
    checks: Checks,
    parsed: ParsedTable,
    table_id: str,
    policy: Policy,
    execution: dict[str, Decimal | None],
    parts: list[Part],
    implied_log: ProblemLog,
) -> tuple[dict[str, Any], Basis | None]:
    table = parsed.table
    # the points an indicator adds to the weight total: its weight, else its 权重占比 in points
    weights = [r.weight if r.weight is not None else r.share for r in parsed.rows]
    groups = [(r.texts.group, r.texts.group_points) for r in parsed.rows]
    printed_scores = [r.printed for r in parsed.rows]
    exec_weight = execution.get("weight")
    block_points = points_of(table.indicator_block.raw) if table.indicator_block else None
    check_group_points(checks, table, groups, weights, printed_scores, block_points)
    checks.log.problems.extend(implied_log.problems)
    indicator_weights = _sum(_weights_or_group_points(weights, groups))
    weight_total = _sum([exec_weight, indicator_weights])
    recomputed = recomputed_sum(parts)
    if recomputed is not None:
        recomputed = round_to(recomputed, decimals_step(policy.total_decimals), "half_up")
    checks.log.problems.extend(parsed.total_problems)
    weight_printed, total_printed = parsed.weight_printed, parsed.total_printed
    check_year(checks, table)
    _check_weight_total(checks, table, weight_printed, weight_total)
    total = table.total
    label = total.source if total is not None else table.source
    source = total.score.source if total is not None and total.score else label
    basis = check_totals(
        checks.log,
        policy,
        source,
        total_printed,
        parts,
        recomputed=recomputed,
        execution_in_weights=(
            weight_printed is not None
            and exec_weight is not None
            and weight_total is not None
            and abs(weight_printed - weight_total) <= policy.tolerance
        ),
    )
    return {
        "table_id": table_id,
        "source_file": table.file,
        "source_kind": table.source_kind,
        "reader": table.reader,
        "page_start": table.page_start,
        "page_end": table.page_end,
        "line_start": table.line_start,
        "year": table_year(table),
        "title": table.title,
        "project_name": _text(table.project_name),
        "department": _text(table.department),
        "implementing_unit": _text(table.implementing_unit),
        "money_unit": parsed.money_unit,
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
        "indicator_count": sum(r.counts for r in parsed.rows),
        "weight_total_reported": _float(weight_printed),
        "weight_total": _float(weight_total),
        "score_total_reported": _float(total_printed),
        "score_total_printed_sum": _float(printed_sum(parts)),
        "score_total": _float(recomputed),
        "grade": policy.grade(recomputed) if recomputed is not None else None,
        "policy": policy.name,
        "family": table.family,
        "extra": _json({k: clean_text(c.raw) for k, c in table.extra}),
        "project_key": table_to_project_key(_text(table.department), _text(table.project_name)),
        "duplicate_of": None,  # set over a whole run: jixiao.score.duplicates
    }, basis


def _check_weight_total(
    checks: Checks,
    table: SelfEvalTable,
    weight_printed: Decimal | None,
    weight_total: Decimal | None,
) -> None:
    """The weights must add up to the 总分 row's 分值 (or to 100 when none is printed): a table
    whose weights do not contradicts itself."""
    total = table.total
    label = total.source if total is not None else table.source
    source = total.weight.source if total is not None and total.weight else label
    expected = weight_printed if weight_printed is not None else Decimal(100)
    if weight_total is None or abs(expected - weight_total) <= checks.rules.tolerance:
        return
    where = "总分行的分值" if weight_printed is not None else "满分"
    checks.log.add(
        "weight_total_mismatch",
        f"各项分值合计 {fmt(weight_total)}，与{where} {fmt(expected)} 不符",
        source,
        field_name="weight_total_reported",
        expected=fmt(expected),
        found=fmt(weight_total),
        kind="rule",
    )


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


def table_year(table: SelfEvalTable) -> int | None:
    """The year a table reports on, from its year line or its title."""
    for text in (table.year_text, table.title):
        year = first_year(text)
        if year is not None:
            return year
    return None
