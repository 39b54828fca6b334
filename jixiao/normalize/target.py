"""年度指标值 -> :class:`~normalize.model.Target`, and back (:func:`format_target`).

The grammar lives in :mod:`jixiao.normalize.grammar`; this module decides the kind (``zero`` for a
bound of 0), the direction (from the operator, else from the indicator's name and group) and
records why in ``reason``.
"""

from __future__ import annotations

from decimal import Decimal

from jixiao.normalize.grammar import Reading, read_value
from jixiao.normalize.model import Direction, Op, Target
from jixiao.normalize.vocab import (
    COST_GROUPS,
    LOWER_IS_BETTER_WORDS,
    OPERATOR_DISPLAY,
    QUALITATIVE_RANK_WORDS,
)

_ZERO_OPS: frozenset[Op] = frozenset({"=", "<=", ""})


def _direction(op: Op, names: dict[str, str | None]) -> tuple[Direction, str]:
    """Which way is better, and why; ``names`` are the texts that may hold a cost word."""
    if op in (">=", ">", "="):
        shown = OPERATOR_DISPLAY[op]
        return "higher", f"operator {shown}" + ("; scored like ≥" if op == "=" else "")
    if op in ("<=", "<"):
        return "lower", f"operator {OPERATOR_DISPLAY[op]}"
    group = names.get("group")
    if group and group.replace(" ", "") in COST_GROUPS:
        return "lower", f"no operator; group {group}"
    for place, name in names.items():
        word = next((w for w in LOWER_IS_BETTER_WORDS if name and w in name), None)
        if word:
            return "lower", f"no operator; {place} contains {word}"
    return "higher", "no operator; default higher"


def _numeric(reading: Reading, raw: str, indicator: str | None, group: str | None) -> Target:
    """A bound: ``zero`` when it is 0 with ``=``/``≤``/no operator, else ``numeric``."""
    if reading.value == 0 and reading.op in _ZERO_OPS:
        return Target(
            "zero", reading.op, Decimal(0), None, reading.unit, raw, "lower",
            f"zero bound; {reading.reason}",
        )  # fmt: skip
    names = {"indicator name": indicator, "group": group, "words before the number": reading.label}
    direction, why = _direction(reading.op, names)
    details = reading.reason.partition("; ")[2]  # what the grammar noted after the operator
    return Target(
        "numeric", reading.op, reading.value, None, reading.unit, raw, direction,
        f"{why}; {details}" if details else why,
    )  # fmt: skip


def parse_target(text: str, *, indicator: str | None = None, group: str | None = None) -> Target:
    """Parse a 年度指标值; never raises (``kind="unparsed"`` with a ``reason`` instead).

    ``indicator`` (三级指标) and ``group`` (二级指标) decide the direction when no operator
    is printed.

    >>> t = parse_target("≥200(次)")
    >>> t.kind, t.op, t.value, t.unit.text if t.unit else None, t.direction, t.reason
    ('numeric', '>=', Decimal('200'), '次', 'higher', 'operator ≥')
    >>> parse_target("=0%").kind, parse_target("前五名").value, parse_target("90%-95%").upper
    ('zero', Decimal('5'), Decimal('95'))
    >>> parse_target("2%", indicator="公文出错率").reason
    'no operator; indicator name contains 出错率'
    >>> parse_target("").reason, parse_target("效果明显").kind
    ('empty', 'qualitative')
    """
    reading = read_value(text)
    match reading.kind:
        case "numeric":
            return _numeric(reading, text, indicator, group)
        case "rank":
            return Target("rank", "<=", reading.value, None, None, text, "lower", reading.reason)
        case "range":
            return Target("range", "between", reading.value, reading.upper, reading.unit, text,
                          "", "range")  # fmt: skip
        case "date":
            return Target("date", "", None, None, None, text, "", reading.reason)
        case "words":
            rank = next((w for w in QUALITATIVE_RANK_WORDS if w in reading.text), None)
            why = f"qualitative rank {rank}" if rank else "qualitative"
            return Target("qualitative", "", None, None, None, text, "", why)
        case "blank":
            return Target("unparsed", "", None, None, None, text, "", reading.reason)
    return Target("unparsed", "", None, None, None, text, "", reading.reason)


def _plain(value: Decimal | None) -> str:
    """A decimal without exponent: ``1E+3`` prints as ``1000``."""
    return "" if value is None else format(value, "f")


def format_target(target: Target) -> str:
    """Print a target so that :func:`parse_target` reads it back the same.

    Qualitative, date and unparsed targets print their raw text.

    >>> format_target(parse_target("不低于200 次")), format_target(parse_target("90~95%"))
    ('≥200次', '90%-95%')
    >>> format_target(parse_target("前五名")), format_target(parse_target("=0%"))
    ('前5名', '=0%')
    """
    unit = target.unit.text if target.unit else ""
    op = OPERATOR_DISPLAY.get(target.op, "")
    match target.kind:
        case "numeric" | "zero":
            return f"{op}{_plain(target.value)}{unit}"
        case "range":
            return f"{_plain(target.value)}{unit}-{_plain(target.upper)}{unit}"
        case "rank":
            return f"前{_plain(target.value)}名"
    return target.raw
