"""Units as printed -> :class:`~normalize.model.Unit` (base and scale).

A unit is a base (``次``, ``元``, ``%``, ``米`` …) optionally preceded by a scale word (``万``,
``亿`` …). A scale word alone (``≥2800(万)``) is a scaled count of an unnamed thing: its base is
``""``. Text that is not a known unit keeps itself as its base with scale 1, so two cells
printing the same unknown unit still compare.
"""

from __future__ import annotations

from decimal import Decimal

from normalize.model import Unit
from normalize.vocab import COUNT_UNITS, SCALE_WORDS, SIMPLIFIED_CHARS, TRADITIONAL_CHARS, UNITS

_TRADITIONAL = str.maketrans(TRADITIONAL_CHARS, SIMPLIFIED_CHARS)


def _base(text: str) -> tuple[str, Decimal] | None:
    """Base and scale of a unit without a scale word, or ``None`` when unknown."""
    if text in UNITS:
        return UNITS[text]
    if text in COUNT_UNITS:
        return text, Decimal(1)
    return None


def make_unit(text: str) -> Unit:
    """Return the unit printed as ``text`` (already without parentheses and spaces).

    >>> make_unit("亿次")
    Unit(text='亿次', base='次', scale=Decimal('1E+8'))
    >>> make_unit("%")
    Unit(text='%', base='%', scale=Decimal('1'))
    >>> make_unit("万")
    Unit(text='万', base='', scale=Decimal('1E+4'))
    >>> make_unit("萬元")
    Unit(text='萬元', base='元', scale=Decimal('1E+4'))
    >>> make_unit("公里")
    Unit(text='公里', base='米', scale=Decimal('1000'))
    >>> make_unit("人/平方公里")
    Unit(text='人/平方公里', base='人/平方公里', scale=Decimal('1'))
    """
    key = text.translate(_TRADITIONAL)
    known = _base(key)
    if known is not None:
        return Unit(text, known[0], known[1])
    for word, scale in SCALE_WORDS.items():
        if not key.startswith(word):
            continue
        rest = key[len(word) :]
        if not rest:
            return Unit(text, "", scale)
        inner = _base(rest)
        if inner is not None:
            return Unit(text, inner[0], scale * inner[1])
    return Unit(text, key, Decimal(1))


def is_known_unit(text: str) -> bool:
    """Whether ``text`` is a unit of the tables (not merely some trailing words).

    >>> is_known_unit("万人次"), is_known_unit("个工作日"), is_known_unit("完成")
    (True, True, False)
    """
    unit = make_unit(text)
    return unit.base != unit.text.translate(_TRADITIONAL) or _base(unit.base) is not None
