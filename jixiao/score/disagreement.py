"""Classify a disagreement between a printed number and the recomputed one.

==================  ==========================================================  ========
kind                meaning                                                     severity
==================  ==========================================================  ========
``rounding``        the printed value is the exact value rounded or truncated   info
                    to a step the policy knows (0.01, 0.1, 0.5)
``integer_display`` the printed value is the exact value shown as a whole number info
``convention``      a total that follows a publisher's convention: the execution info
                    block or the 其中 sub-rows counted differently
``judgement``       an evaluator's call the rules allow but cannot reproduce    warning
                    (a met target scored below its weight, a partial score off
                    the formula, a missed target scored in full); ``info``
                    when the policy allows it (a met target inside the 达成 band)
``missing_data``    a value needed for the check is blank                       warning
``parse_doubt``     jixiao could not read a target or actual with confidence    warning
``rule``            arithmetic the table contradicts by itself: a score above   error
                    its weight, weights that do not add up, a total that is not
                    the sum of its scores, a rate that is not 执行数/预算数
==================  ==========================================================  ========
"""

from __future__ import annotations

from decimal import Decimal

from jixiao.core import problems
from jixiao.score.rounding import ROUNDING_MODES, round_to

#: The severity of each kind: the problem registry's (one copy, jixiao.core.problems).
SEVERITY_OF_KIND = problems.SEVERITY_OF_KIND


#: Kinds from the most harmless to the most serious; a total takes the worst of its causes.
KIND_ORDER = (
    "",
    "rounding",
    "integer_display",
    "convention",
    "judgement",
    "missing_data",
    "parse_doubt",
    "rule",
)


def rounded_kind(printed: Decimal, exact: Decimal, steps: tuple[Decimal, ...]) -> str:
    """``rounding`` or ``integer_display`` when ``printed`` is ``exact`` rounded or truncated
    to one of ``steps``, else ``""``.

    >>> steps = (Decimal("0.01"), Decimal("0.1"), Decimal("0.5"), Decimal("1"))
    >>> rounded_kind(Decimal("9"), Decimal("9.91"), steps)
    'integer_display'
    >>> rounded_kind(Decimal("8"), Decimal("9.91"), steps)
    ''
    """
    for step in steps:
        for mode in ROUNDING_MODES:
            if round_to(exact, step, mode) == printed:
                return "integer_display" if step >= 1 else "rounding"
    return ""


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
    return rounded_kind(printed, exact, steps) or "rule"


def fmt(value: Decimal | None) -> str:
    """A Decimal as analysts write it: no exponent, no trailing zeros.

    >>> fmt(Decimal("15.20")), fmt(Decimal("100")), fmt(Decimal("1E+2")), fmt(None)
    ('15.2', '100', '100', '')
    """
    if value is None:
        return ""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
