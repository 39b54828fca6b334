"""Rounding as a policy decision: every rounding in jixiao goes through :func:`round_to`.

>>> round_to(Decimal("99.4994"), Decimal("0.01"), "truncate")
Decimal('99.49')
>>> round_to(Decimal("15.2"), Decimal("0.5"), "half_up")
Decimal('15.0')
>>> round_to(Decimal("7.4736"), Decimal("0.5"), "half_up")
Decimal('7.5')
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Literal

RoundingMode = Literal["half_up", "truncate"]
ROUNDING_MODES: tuple[RoundingMode, ...] = ("half_up", "truncate")
_DECIMAL_MODES = {"half_up": ROUND_HALF_UP, "truncate": ROUND_DOWN}


def round_to(value: Decimal, step: Decimal, mode: RoundingMode) -> Decimal:
    """Round ``value`` to a multiple of ``step`` (0.01, 0.1, 0.5, 1 …) with the given mode."""
    units = (value / step).quantize(Decimal(1), rounding=_DECIMAL_MODES[mode])
    return (units * step).quantize(step if step < 1 else Decimal(1))


def decimals_step(decimals: int) -> Decimal:
    """The step of rounding to ``decimals`` places.

    >>> decimals_step(2)
    Decimal('0.01')
    """
    return Decimal(1).scaleb(-decimals)
