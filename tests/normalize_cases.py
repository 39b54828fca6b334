"""Shorthands the normalizer's table-driven tests write their expected values with."""

from __future__ import annotations

from decimal import Decimal

from jixiao.normalize import Unit


def unit_of(spec: str | tuple[str, str, str] | None) -> Unit | None:
    """``"次"`` for a unit that is its own base at scale 1, else ``(text, base, scale)``."""
    if spec is None:
        return None
    if isinstance(spec, str):
        return Unit(spec, spec, Decimal(1))
    text, base, scale = spec
    return Unit(text, base, Decimal(scale))


def decimal_of(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)
