"""Score one indicator from its parsed target and actual under a policy.

Rules (``w`` weight, ``A`` target, ``B`` actual; README, Scoring policies):

==================  =========================================================
rule                score
==================  =========================================================
``higher_ratio``    met → w; missed → w × B/A  (≥, >, = with A > 0, no operator)
``lower_ratio``     met → w; missed → w × A/B  (≤, <, lower-is-better names)
``lower_linear``    met → w; missed → w × (1 − (B − A)/A), 0 at B = 2A
``rate_times_weight`` min(B, 100%) × w, met or not: a percent actual under a policy with
                    ``rate_scored`` (``satisfaction``: 满意度 indicators; ``percent``: all)
``zero_target``     met (B ≤ 0) → w; else 0
``range_ratio``     inside → w; outside → w × completion ratio
``rank``            met → w; missed → 0 (``rank_rule = "full_or_zero"``) or not
                    recomputable (``rank_rule = "judgement"``)
``qualitative_band``not recomputable; the printed score is checked against the band of the
                    actual's completion class (policy ``qualitative_bands``)
``date``            not recomputable
==================  =========================================================
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from jixiao.normalize import Comparison, Measurement, Target, Unit
from jixiao.score.policy import Policy
from jixiao.score.rounding import round_to


@dataclass(frozen=True, slots=True)
class IndicatorScore:
    """The recomputed score of one indicator (``None`` when it cannot be recomputed) with the
    unrounded value, the rule used, and for qualitative targets the allowed band."""

    rule: str
    score: Decimal | None
    score_exact: Decimal | None
    band: tuple[Decimal, Decimal] | None = None
    reason: str = ""


_HUNDRED = Decimal(100)


def rule_of(
    target: Target, policy: Policy, actual: Measurement | None = None, *, satisfaction: bool = False
) -> str:
    """The rule that scores a target under a policy (``satisfaction``: a 满意度 indicator)."""
    if actual is not None and rate_scored(target, actual, policy, satisfaction=satisfaction):
        return "rate_times_weight"
    if target.kind == "zero":
        return "zero_target"
    if target.kind == "range":
        return "range_ratio"
    if target.kind in ("rank", "date"):
        return target.kind
    if target.kind == "qualitative":
        return "qualitative_band"
    if target.kind == "numeric":
        return "lower_" + policy.lower_rule if target.direction == "lower" else "higher_ratio"
    return ""


def rate_scored(
    target: Target, actual: Measurement, policy: Policy, *, satisfaction: bool = False
) -> bool:
    """Whether the policy scores this indicator as its measured rate × weight: a percent
    target and actual, higher is better, and (``rate_scored = "satisfaction"``) a 满意度
    indicator."""
    if policy.rate_scored == "none" or (policy.rate_scored == "satisfaction" and not satisfaction):
        return False
    return (
        target.kind == "numeric"
        and target.direction == "higher"
        and _percent(target.unit)
        and actual.kind == "numeric"
        and actual.value is not None
        and _percent(actual.unit)
    )


def _percent(unit: Unit | None) -> bool:
    return unit is not None and unit.base == "%"


def met_fraction(
    target: Target, actual: Measurement, policy: Policy, *, satisfaction: bool = False
) -> Decimal:
    """The share of its weight a met target scores under the policy: 1, or the measured rate
    where the policy scores rate × weight."""
    if rate_scored(target, actual, policy, satisfaction=satisfaction) and actual.value is not None:
        return min(actual.value * _scale(actual.unit) / _HUNDRED, Decimal(1))
    return Decimal(1)


def _scale(unit: Unit | None) -> Decimal:
    return unit.scale if unit is not None else Decimal(1)


def score_indicator(
    target: Target,
    actual: Measurement,
    comparison: Comparison,
    weight: Decimal | None,
    policy: Policy,
    *,
    satisfaction: bool = False,
) -> IndicatorScore:
    """Recompute one indicator's score (``satisfaction``: a 满意度 indicator)."""
    rule = rule_of(target, policy, actual, satisfaction=satisfaction)
    if weight is None:
        return IndicatorScore(rule, None, None, reason="no weight")
    if rule == "qualitative_band":
        band = policy.qualitative_bands.get(actual.completion)
        limits = (band[0] * weight, band[1] * weight) if band else None
        return IndicatorScore(rule, None, None, band=limits, reason=comparison.reason)
    if rule == "rate_times_weight":
        rated = met_fraction(target, actual, policy, satisfaction=satisfaction) * weight
        return IndicatorScore(
            rule, round_to(rated, policy.partial_step, policy.partial_rounding), rated
        )
    if comparison.met is None:
        return IndicatorScore(rule, None, None, reason=comparison.reason)
    if comparison.met:
        return IndicatorScore(rule, weight, weight)
    exact = _missed(rule, target, actual, comparison, weight, policy)
    if exact is None:
        return IndicatorScore(rule, None, None, reason=f"{rule}: a missed target has no formula")
    exact = min(max(exact, Decimal(0)), weight)
    return IndicatorScore(
        rule, round_to(exact, policy.partial_step, policy.partial_rounding), exact
    )


def _missed(
    rule: str,
    target: Target,
    actual: Measurement,
    comparison: Comparison,
    weight: Decimal,
    policy: Policy,
) -> Decimal | None:
    if rule == "zero_target" or (rule == "rank" and policy.rank_rule == "full_or_zero"):
        return Decimal(0)
    if rule == "lower_linear" and target.value and actual.value is not None:
        a = target.value * (target.unit.scale if target.unit else 1)
        b = actual.value * (actual.unit.scale if actual.unit else 1)
        return weight * (1 - (b - a) / a)
    if rule in ("higher_ratio", "lower_ratio", "range_ratio") and comparison.ratio is not None:
        return weight * comparison.ratio
    return None
