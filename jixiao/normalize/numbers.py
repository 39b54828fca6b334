"""Numbers in cells: money, weights, scores, rates, and Chinese numerals.

:func:`parse_decimal` is strict: a cell that should hold a number either holds one, is blank /
"not applicable" (``None``), or raises :class:`~jixiao.core.errors.NumberParseError`. The printed
precision is kept (``409.90`` stays ``Decimal('409.90')``) because rounding checks need it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

import regex

from jixiao.core.errors import NumberParseError
from jixiao.model.source import Source
from jixiao.normalize.model import Unit
from jixiao.normalize.text import clean_text
from jixiao.normalize.units import make_unit
from jixiao.normalize.vocab import (
    BLANK_MARKS,
    CHINESE_BIG_UNITS,
    CHINESE_DIGITS,
    CHINESE_POINT,
    CHINESE_SMALL_UNITS,
    PERCENT_PREFIX,
)

# A plain number as printed in a numeric cell.
_NUMBER: Final = regex.compile(
    r"""
    (?P<sign> [+-] )?                           # optional sign
    (?P<int> \d{1,3} (?: ,\d{3} )+ | \d+ )?     # integer part, maybe with thousands separators
    (?P<frac> \. \d+ )?                         # decimal part
    (?P<pct> % )?                               # a trailing percent sign is allowed
    """,
    regex.VERBOSE,
)

#: An arabic number (a pattern piece): a sign, the integer part with or without thousands
#: separators, decimals: ``-1,234.5``, ``12``, ``0.5``.
ARABIC_NUMBER: Final = r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"

# A number followed by a unit, as in ``620.82万元`` or ``10萬``.
_AMOUNT: Final = regex.compile(
    rf"""
    (?P<num> {ARABIC_NUMBER} )     # the number
    (?P<unit> [^\d\s]* )           # the unit, maybe empty
    """,
    regex.VERBOSE,
)


def _compact(text: str) -> str:
    """Cleaned text without any spaces (numbers never contain one)."""
    return clean_text(text).replace(" ", "")


def parse_decimal(text: str, *, source: Source | None = None) -> Decimal | None:
    """Parse a numeric cell; ``None`` for a blank or "not applicable" cell.

    >>> parse_decimal("409.90")
    Decimal('409.90')
    >>> parse_decimal("1,234.5"), parse_decimal("99.49%"), parse_decimal("１２")
    (Decimal('1234.5'), Decimal('99.49'), Decimal('12'))
    >>> parse_decimal("—") is None, parse_decimal(" ") is None
    (True, True)
    >>> parse_decimal("12.3.4")
    Traceback (most recent call last):
    ...
    jixiao.core.errors.NumberParseError: cannot parse number '12.3.4'
    """
    compact = _compact(text)
    if not compact or compact in BLANK_MARKS:
        return None
    match = _NUMBER.fullmatch(compact)
    if match is None or not (match["int"] or match["frac"]):
        raise NumberParseError(text, source=source)
    digits = (match["int"] or "0").replace(",", "") + (match["frac"] or "")
    value = Decimal(digits)
    return -value if match["sign"] == "-" else value


def parse_amount(text: str, *, source: Source | None = None) -> tuple[Decimal, Unit | None] | None:
    """Parse a number that may carry a unit (``620.82万元``); ``None`` for a blank cell.

    The value is returned as printed, in the printed unit.

    >>> parse_amount("620.82万元")
    (Decimal('620.82'), Unit(text='万元', base='元', scale=Decimal('1E+4')))
    >>> parse_amount("409.90")
    (Decimal('409.90'), None)
    """
    compact = _compact(text)
    if not compact or compact in BLANK_MARKS:
        return None
    match = _AMOUNT.fullmatch(compact)
    if match is None:
        raise NumberParseError(text, source=source)
    value = parse_decimal(match["num"], source=source)
    if value is None:  # pragma: no cover - the pattern always holds a number
        raise NumberParseError(text, source=source)
    unit = match["unit"].strip("()（）")
    return value, (make_unit(unit) if unit else None)


def _chinese_integer(text: str) -> str | None:
    """Arabic digits of a Chinese integer numeral (``十二``, ``两千``, ``二〇二一``), or ``None``.

    Digits, not an ``int``: a long digit-by-digit numeral must not hit Python's limit on
    int/str conversion.
    """
    if not text or any(
        c not in CHINESE_DIGITS and c not in CHINESE_SMALL_UNITS and c not in CHINESE_BIG_UNITS
        for c in text
    ):
        return None
    if all(c in CHINESE_DIGITS for c in text):  # digit by digit: 二〇二一
        return "".join(str(CHINESE_DIGITS[c]) for c in text)
    total = section = number = 0
    for char in text:
        if char in CHINESE_DIGITS:
            number = CHINESE_DIGITS[char]
        elif char in CHINESE_SMALL_UNITS:
            section += (number or 1) * CHINESE_SMALL_UNITS[char]
            number = 0
        else:
            total += (section + number) * CHINESE_BIG_UNITS[char]
            section = number = 0
    return str(total + section + number)


def parse_chinese_number(text: str) -> Decimal | None:
    """Value of a Chinese numeral, or ``None`` when ``text`` is not one.

    ``百分之九十`` gives 90 (the caller knows the unit is ``%``).

    >>> parse_chinese_number("三"), parse_chinese_number("十二"), parse_chinese_number("两千")
    (Decimal('3'), Decimal('12'), Decimal('2000'))
    >>> parse_chinese_number("百分之九十"), parse_chinese_number("三点五")
    (Decimal('90'), Decimal('3.5'))
    >>> parse_chinese_number("一亿五千万"), parse_chinese_number("一百零五")
    (Decimal('150000000'), Decimal('105'))
    >>> parse_chinese_number("完成") is None
    True
    """
    text = text.removeprefix(PERCENT_PREFIX)
    whole, point, fraction = text.partition(CHINESE_POINT)
    integer = _chinese_integer(whole)
    if integer is None:
        return None
    if not point:
        return Decimal(integer)
    if not fraction or any(c not in CHINESE_DIGITS for c in fraction):
        return None
    digits = "".join(str(CHINESE_DIGITS[c]) for c in fraction)
    return Decimal(f"{integer}.{digits}")
