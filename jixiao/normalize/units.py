"""Units as printed -> :class:`~normalize.model.Unit` (base and scale).

A unit is a base (``次``, ``元``, ``%``, ``米`` …) optionally preceded by a scale word (``万``,
``亿`` …). A scale word alone (``≥2800(万)``) is a scaled count of an unnamed thing: its base is
``""``. Text that is not a known unit keeps itself as its base with scale 1, so two cells
printing the same unknown unit still compare.
"""

from __future__ import annotations

from decimal import Decimal

from jixiao.core.labels import to_simplified
from jixiao.normalize.model import Unit
from jixiao.normalize.vocab import (
    COUNT_UNITS,
    SCALE_WORDS,
    UNITS,
)


def _base(text: str) -> tuple[str, Decimal] | None:
    """Base and scale of a unit without a scale word, or ``None`` when unknown."""
    if text in UNITS:
        return UNITS[text]
    if text in COUNT_UNITS:
        return text, Decimal(1)
    return None


def _known(key: str) -> tuple[str, Decimal] | None:
    """Base and scale of a known unit, scale words included (``万元``, a bare ``万``)."""
    known = _base(key)
    if known is not None:
        return known
    for word, scale in SCALE_WORDS.items():
        rest = key.removeprefix(word)
        if rest == key:
            continue
        if not rest:
            return "", scale
        inner = _base(rest)
        if inner is not None:
            return inner[0], scale * inner[1]
    return None


def _resolve(key: str) -> tuple[str, Decimal] | None:
    """Like :func:`_known`, and a rate ``万元/人`` takes the scale of its numerator."""
    known = _known(key)
    numerator, slash, per = key.partition("/")
    if known is not None or not slash:
        return known
    top = _known(numerator)
    return None if top is None else (f"{top[0]}/{per}", top[1])


def make_unit(text: str) -> Unit:
    """Return the unit printed as ``text`` (already without parentheses and spaces).

    An unknown unit is its own base, with scale 1.

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
    >>> make_unit("万元/人")
    Unit(text='万元/人', base='元/人', scale=Decimal('1E+4'))
    >>> make_unit("个项目")
    Unit(text='个项目', base='个项目', scale=Decimal('1'))
    """
    key = to_simplified(text)
    known = _resolve(key)
    if known is None:
        return Unit(text, key, Decimal(1))
    return Unit(text, known[0], known[1])


def is_known_unit(text: str) -> bool:
    """Whether ``text`` is a unit of the tables (not merely some trailing words).

    >>> is_known_unit("万人次"), is_known_unit("个工作日"), is_known_unit("完成")
    (True, True, False)
    """
    return _resolve(to_simplified(text)) is not None
