"""Does a measurement meet its target? :func:`compare` returns a :class:`Comparison`.

Conventions the scorer relies on (see the module docstring of :mod:`jixiao.normalize`):

- ``ratio`` is actual/target (``B/A``) for higher-is-better, target/actual (``A/B``) for
  lower-is-better, ``None`` when the divisor is 0, for zero targets, ranks and words;
  for a range it is ``B/lower`` below, ``upper/B`` above and ``1`` inside.
- values are compared in their base unit (value × scale); a side without a unit takes the
  other side's unit; a base of ``""`` (a bare ``万``) matches any base except ``%``.
- ``met`` is ``None`` and ``comparable`` ``False`` when the two cannot be compared
  (unparsed or empty cells, unit mismatch, a word actual for a numeric target).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from jixiao.normalize.model import Comparison, Measurement, Target, Unit


def _cannot(reason: str) -> Comparison:
    """A comparison that cannot be made, and why."""
    return Comparison(None, None, reason, comparable=False)


def _show(value: Decimal) -> str:
    """A decimal for a reason, without exponent (``4.0E+9`` prints as ``4000000000``)."""
    return format(value, "f")


def _kind(actual: Measurement) -> str:
    """How a reason names the kind of an actual: a qualitative one is a "word" actual."""
    return "word" if actual.kind == "qualitative" else actual.kind


def _bases_match(first: Unit, second: Unit) -> bool:
    """Same base, or one is a bare scale word (``万``) and the other is not a percentage."""
    if first.base == second.base:
        return True
    return (first.base == "" and second.base != "%") or (second.base == "" and first.base != "%")


def _scales(target: Target, actual: Measurement) -> tuple[Decimal, Decimal] | str:
    """Scales that bring target and actual to their common base unit, or why there is none."""
    t_unit = target.unit or actual.unit
    a_unit = actual.unit or target.unit
    if t_unit is None or a_unit is None:
        return Decimal(1), Decimal(1)
    if not _bases_match(t_unit, a_unit):
        return f"unit mismatch: {t_unit.base or t_unit.text} vs {a_unit.base or a_unit.text}"
    return t_unit.scale, a_unit.scale


def _higher(bound: Decimal, value: Decimal, strict: bool) -> Comparison:
    """Higher is better: met when ``B ≥ A`` (``B > A`` for ``>``); ratio ``B/A``."""
    met = value > bound if strict else value >= bound
    ratio = None if bound == 0 else value / bound
    return Comparison(met, ratio, f"{_show(value)} {'>' if strict else '≥'} {_show(bound)}: {met}")


def _lower(bound: Decimal, value: Decimal, strict: bool) -> Comparison:
    """Lower is better: met when ``B ≤ A`` (``B < A`` for ``<``); ratio ``A/B``."""
    met = value < bound if strict else value <= bound
    ratio = None if value == 0 else bound / value
    return Comparison(met, ratio, f"{_show(value)} {'<' if strict else '≤'} {_show(bound)}: {met}")


def _in_range(low: Decimal, high: Decimal, value: Decimal) -> Comparison:
    """Met inside ``[low, high]``; ratio ``B/low`` below, ``high/B`` above, 1 inside."""
    if value < low:
        ratio = None if low == 0 else value / low
        return Comparison(False, ratio, f"{_show(value)} below {_show(low)}")
    if value > high:
        return Comparison(False, high / value, f"{_show(value)} above {_show(high)}")
    return Comparison(True, Decimal(1), f"{_show(value)} within {_show(low)}-{_show(high)}")


def _by_kind(target: Target, bound: Decimal, value: Decimal, scale: Decimal) -> Comparison:
    """Compare values already in their common base unit, as the target's kind says."""
    if target.kind == "zero":
        return Comparison(value <= 0, None, f"zero target: actual {_show(value)}")
    if target.kind == "range":
        assert target.upper is not None  # a range always has both ends
        return _in_range(bound, target.upper * scale, value)
    if target.direction == "lower":
        return _lower(bound, value, strict=target.op == "<")
    return _higher(bound, value, strict=target.op == ">")


def _numbers(target: Target, actual: Measurement) -> Comparison:
    """A numeric, zero or range target against a numeric actual."""
    if actual.op == "between":
        return _cannot("actual is a range")
    scales = _scales(target, actual)
    if isinstance(scales, str):
        return _cannot(scales)
    assert target.value is not None  # checked by the callers
    assert actual.value is not None
    bound, value = target.value * scales[0], actual.value * scales[1]
    result = _by_kind(target, bound, value, scales[0])
    if actual.op and actual.op != "=":
        return replace(result, reason=f"{result.reason}; actual printed with {actual.op}")
    return result


def _words(target: Target, actual: Measurement) -> Comparison:
    """A qualitative or date target: only a completion word decides."""
    if actual.completion:
        met = actual.completion == "达成"
        return Comparison(met, None, f"word actual: {actual.completion}")
    if actual.raw.strip() and actual.raw.strip() == target.raw.strip():
        return Comparison(True, None, "the actual repeats the target")
    return _cannot(f"no completion word in a {actual.kind} actual for a {target.kind} target")


def _rank(target: Target, actual: Measurement) -> Comparison:
    """A rank target: met when the actual rank is at most the target's."""
    unit_ok = actual.unit is None or actual.unit.base in ("名", "位")
    if actual.kind not in ("rank", "numeric") or not unit_ok or actual.value is None:
        return _cannot(f"{_kind(actual)} actual for a rank target")
    assert target.value is not None  # a rank always has its number
    met = actual.value <= target.value
    return Comparison(met, None, f"rank {_show(actual.value)} ≤ {_show(target.value)}: {met}")


def compare(target: Target, actual: Measurement) -> Comparison:
    """Whether ``actual`` meets ``target``, with the completion ratio used by scoring rules.

    >>> from jixiao.normalize.target import parse_target
    >>> from jixiao.normalize.actual import parse_actual
    >>> compare(parse_target("≥50%"), parse_actual("40%"))
    Comparison(met=False, ratio=Decimal('0.8'), reason='40 ≥ 50: False', comparable=True)
    >>> compare(parse_target("≥90%"), parse_actual("30件")).reason
    'unit mismatch: % vs 件'
    """
    if target.kind == "unparsed":
        return _cannot(f"target not understood: {target.reason}")
    if actual.kind in ("empty", "unparsed"):
        return _cannot(f"actual {actual.kind}: {actual.reason}")
    if target.kind in ("qualitative", "date"):
        return _words(target, actual)
    if target.kind == "rank":
        return _rank(target, actual)
    if actual.kind != "numeric" or actual.value is None:
        said = f" (says {actual.completion})" if actual.completion else ""
        return _cannot(f"{_kind(actual)} actual for a numeric target{said}")
    return _numbers(target, actual)
