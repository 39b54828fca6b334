"""The execution block: rate = 全年执行数 / 全年预算数, score = min(rate, 1) × weight.

The rate is computed against the adjusted budget (全年预算数), not 年初预算数, in percent
units (99.49, not 0.9949). Rounding of the rate and the score follows the policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from jixiao.score.policy import Policy
from jixiao.score.rounding import decimals_step, round_to

_HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class Execution:
    """The recomputed execution rate and score, with their unrounded values."""

    rate: Decimal | None
    rate_exact: Decimal | None
    score: Decimal | None
    score_exact: Decimal | None


def execution_of(
    budget: Decimal | None, spent: Decimal | None, weight: Decimal | None, policy: Policy
) -> Execution:
    """Recompute the execution rate (percent) and score.

    >>> from jixiao.score.policy import load_policy
    >>> e = execution_of(Decimal("495.40"), Decimal("492.92"), Decimal(10), load_policy("national"))
    >>> e.rate, e.score
    (Decimal('99.50'), Decimal('9.95'))
    >>> execution_of(Decimal("495.40"), Decimal("492.92"), Decimal(10),
    ...              load_policy("shanghai-2024")).rate
    Decimal('99.49')
    """
    if budget is None or spent is None or budget <= 0:
        return Execution(None, None, None, None)
    rate_exact = spent / budget * _HUNDRED
    rate = round_to(rate_exact, decimals_step(policy.rate_decimals), policy.rate_rounding)
    if weight is None:
        return Execution(rate, rate_exact, None, None)
    basis = rate_exact if policy.score_from == "exact_rate" else rate
    fraction = min(basis / _HUNDRED, Decimal(1)) if policy.cap_at_weight else basis / _HUNDRED
    score_exact = fraction * weight
    score = round_to(score_exact, decimals_step(policy.score_decimals), policy.score_rounding)
    return Execution(rate, rate_exact, score, score_exact)
