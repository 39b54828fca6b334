"""实际完成值 -> :class:`~normalize.model.Measurement`.

Same grammar as targets (:mod:`jixiao.normalize.grammar`); words get a completion class
(达成 / 部分达成 / 未达成) from :data:`~normalize.vocab.COMPLETION_EXACT` and
:data:`~normalize.vocab.COMPLETION_CONTAINS`.
"""

from __future__ import annotations

from dataclasses import replace

from jixiao.normalize.grammar import read_value
from jixiao.normalize.model import Completion, Measurement, Target
from jixiao.normalize.vocab import COMPLETION_CONTAINS, COMPLETION_EXACT


def completion_of(text: str) -> tuple[Completion, str]:
    """The completion class of a worded actual, and the word that decided it.

    >>> completion_of("达成预期指标"), completion_of("基本完成"), completion_of("未完成")
    (('达成', '达成预期'), ('部分达成', '基本完成'), ('未达成', '未完成'))
    >>> completion_of("是"), completion_of("天气晴")
    (('达成', '是'), ('', ''))
    """
    if text in COMPLETION_EXACT:
        return COMPLETION_EXACT[text], text
    for word, completion in COMPLETION_CONTAINS:
        if word in text:
            return completion, word
    return "", ""


def parse_actual(text: str, *, target: Target | None = None) -> Measurement:
    """Parse a 实际完成值; never raises.

    With ``target`` given, a bare number takes the target's unit (``95`` for ``≥90%``).

    >>> m = parse_actual("≥266米")
    >>> m.kind, m.op, m.value, m.unit.base if m.unit else None
    ('numeric', '>=', Decimal('266'), '米')
    >>> parse_actual("基本达到").completion, parse_actual("—").kind, parse_actual("前五名").value
    ('部分达成', 'empty', Decimal('5'))
    """
    reading = read_value(text)
    match reading.kind:
        case "numeric" | "range":
            measurement = Measurement(
                "numeric", reading.value, reading.unit, text, reading.op, reading.upper,
                reason=reading.reason,
            )  # fmt: skip
            return _with_target_unit(measurement, target)
        case "rank":
            return Measurement("rank", reading.value, None, text, reading.op, reason=reading.reason)
        case "date":
            return Measurement("date", None, None, text, reason=reading.reason)
        case "words":
            completion, word = completion_of(reading.text)
            why = f"completion word {word}" if word else "words without a completion word"
            return Measurement("qualitative", None, None, text, completion=completion, reason=why)
        case "blank":
            return Measurement("empty", None, None, text, reason=reading.reason)
    return Measurement("unparsed", None, None, text, reason=reading.reason)


def _with_target_unit(measurement: Measurement, target: Target | None) -> Measurement:
    """A unitless numeric actual takes the unit of its target, and says so."""
    if measurement.unit is not None or target is None or target.unit is None:
        return measurement
    return replace(
        measurement,
        unit=target.unit,
        reason=f"{measurement.reason}; unit {target.unit.text} from target",
    )
