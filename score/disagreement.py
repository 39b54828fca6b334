"""Classify a disagreement between a printed number and the recomputed one.

==================  ==========================================================  ========
kind                meaning                                                     severity
==================  ==========================================================  ========
``rounding``        the printed value is the exact value rounded or truncated   info
                    to a step the policy knows (0.01, 0.1, 0.5)
``integer_display`` the printed value is the exact value shown as a whole number info
``judgement``       an evaluator's call the rules allow but cannot reproduce    warning
                    (a met target scored below its weight, a missed rank)
``missing_data``    a value needed for the check is blank                       warning
``parse_doubt``     jixiao could not read a target or actual with confidence    warning
``rule``            outside every known rule: the printed number looks wrong    error
==================  ==========================================================  ========
"""

from __future__ import annotations

from decimal import Decimal

from jixiao.core.model import Severity
from jixiao.score.rounding import ROUNDING_MODES, round_to

SEVERITY_OF_KIND: dict[str, Severity] = {
    "rounding": Severity.INFO,
    "integer_display": Severity.INFO,
    "judgement": Severity.WARNING,
    "missing_data": Severity.WARNING,
    "parse_doubt": Severity.WARNING,
    "rule": Severity.ERROR,
}


def classify(printed: Decimal, exact: Decimal, steps: tuple[Decimal, ...]) -> str:
    """``rounding``, ``integer_display`` or ``rule`` for a printed value against the exact one.

    >>> steps = (Decimal("0.01"), Decimal("0.1"), Decimal("0.5"), Decimal("1"))
    >>> classify(Decimal("15"), Decimal("15.2"), steps)
    'rounding'
    >>> classify(Decimal("99.49"), Decimal("99.4994"), steps)
    'rounding'
    >>> classify(Decimal("9"), Decimal("9.62"), steps)
    'integer_display'
    >>> classify(Decimal("12"), Decimal("15.2"), steps)
    'rule'
    """
    for step in steps:
        for mode in ROUNDING_MODES:
            if round_to(exact, step, mode) == printed:
                return "integer_display" if step >= 1 else "rounding"
    return "rule"


def fmt(value: Decimal | None) -> str:
    """A Decimal as analysts write it: no exponent, no trailing zeros.

    >>> fmt(Decimal("15.20")), fmt(Decimal("100")), fmt(Decimal("1E+2")), fmt(None)
    ('15.2', '100', '100', '')
    """
    if value is None:
        return ""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
