"""Weights a table does not print, implied by its group points (湖北 layout).

A 湖北 table prints ``年度绩效目标1(40分)`` over its indicators and no 分值 column. Under a
policy, a met target scores its full weight (or rate × weight where the policy scores rates),
so its printed score implies its weight: ``weight = score / share``. When every indicator of a
group is met, the implied weights must add up to the group's points; when all but one are met,
the last one's weight is what remains. A group whose met indicators fall short of its points
lost points somewhere: an evaluator's judgement, reported once for the group, since the table
does not say which indicator lost them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from jixiao.core.problems import ProblemLog
from jixiao.model.source import Source
from jixiao.score.disagreement import fmt
from jixiao.score.indicators import met_fraction, rate_scored
from jixiao.score.parsed import ParsedRow
from jixiao.score.policy import Policy


@dataclass(frozen=True, slots=True)
class ImpliedWeights:
    """Weights implied per row index, the note that says where each came from, and the rows
    of groups whose scores fall short of their points."""

    weights: dict[int, Decimal] = field(default_factory=dict)
    notes: dict[int, str] = field(default_factory=dict)
    short: dict[int, str] = field(default_factory=dict)


def implied_weights(
    rows: Sequence[ParsedRow], policy: Policy, log: ProblemLog, source: Source
) -> ImpliedWeights:
    """The weights of a table that prints none, from its groups' points; a group whose met
    indicators fall short of its points becomes a ``group_score_below_points`` problem."""
    result = ImpliedWeights()
    if any(r.weight is not None for r in rows if r.counts):
        return result
    groups: dict[str, list[int]] = {}
    for index, row in enumerate(rows):
        if row.counts and row.texts.group_points is not None:
            groups.setdefault(row.texts.group, []).append(index)
    for name, members in groups.items():
        points = rows[members[0]].texts.group_points
        assert points is not None
        _group(rows, members, name, points, policy, log, source, result)
    return result


def _group(
    rows: Sequence[ParsedRow],
    members: list[int],
    name: str,
    points: Decimal,
    policy: Policy,
    log: ProblemLog,
    source: Source,
    result: ImpliedWeights,
) -> None:
    known: dict[int, Decimal] = {}
    unknown: list[int] = []
    for index in members:
        share = _share(rows[index], policy)
        printed = rows[index].printed
        if share is None or printed is None:
            unknown.append(index)
        else:
            known[index] = printed / share
    implied = sum(known.values(), Decimal(0))
    note = f"表中未列分值，按“{name}”的 {fmt(points)} 分推得分值"
    if not unknown:
        if abs(implied - points) <= policy.tolerance:
            for index, weight in known.items():
                result.weights[index] = weight
                result.notes[index] = f"{note} {fmt(weight)}"
            return
        printed_sum = sum((rows[i].printed or Decimal(0) for i in members), Decimal(0))
        if printed_sum > points:
            return  # scores above the points: group_score_above_points says so
        log.add(
            "group_score_below_points",
            f"“{name}”标明 {fmt(points)} 分，其下指标均已达标，按满分推得分值合计 "
            f"{fmt(implied)}，相差 {fmt(points - implied)} 分：有指标未得满分（评价人判断），"
            "表中未列分值，无法确定是哪一项",
            source,
            field_name="score_reported",
            expected=fmt(points),
            found=fmt(implied),
            kind="judgement",
        )
        for index in members:
            result.short[index] = (
                f"表中未列分值；已达标，但“{name}”各项合计比 {fmt(points)} 分少 "
                f"{fmt(points - implied)} 分（评价人判断）"
            )
        return
    rest = points - implied
    if len(unknown) == 1 and rest > 0:
        for index, weight in known.items():
            result.weights[index] = weight
            result.notes[index] = f"{note} {fmt(weight)}"
        result.weights[unknown[0]] = rest
        result.notes[unknown[0]] = f"{note} {fmt(rest)}（{fmt(points)} 减去其余各项）"


def _share(row: ParsedRow, policy: Policy) -> Decimal | None:
    """The share of its weight a row scores under the policy, where that is known: a met
    target's full weight, or its measured rate (None: not met, qualitative, or unknown)."""
    if row.target.kind == "qualitative":
        return None  # a met qualitative target scores anywhere in its band
    scored_by_rate = rate_scored(row.target, row.actual, policy, satisfaction=row.satisfaction)
    if not scored_by_rate and row.comparison.met is not True:
        return None
    share = met_fraction(row.target, row.actual, policy, satisfaction=row.satisfaction)
    return share if share > 0 else None
