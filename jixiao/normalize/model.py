"""What the normalizer produces: targets, measurements and their comparison.

Every value keeps the text it was parsed from (``raw``), and a ``reason`` that says how it was
understood or why it could not be.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

TargetKind = Literal["numeric", "rank", "range", "zero", "date", "qualitative", "unparsed"]
MeasurementKind = Literal["numeric", "rank", "date", "qualitative", "empty", "unparsed"]
Op = Literal[">=", ">", "<=", "<", "=", "between", ""]
Direction = Literal["higher", "lower", ""]
Completion = Literal["达成", "部分达成", "未达成", ""]


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit as printed, with the base it measures and its scale.

    ``亿次`` is ``Unit("亿次", base="次", scale=Decimal("1E8"))``; ``%`` is
    ``Unit("%", base="%", scale=Decimal(1))``. Two quantities compare only when their bases
    are equal; their values are then multiplied by their scales first.
    """

    text: str
    base: str
    scale: Decimal = Decimal(1)


@dataclass(frozen=True, slots=True)
class Target:
    """A parsed 年度指标值.

    ``value`` is the bound (or the lower end of a range, the rank number of ``前五名``);
    ``upper`` the upper end of a range. ``direction`` says which way is better and
    ``reason`` why (the operator, or a word in the indicator name when there is no operator).
    """

    kind: TargetKind
    op: Op
    value: Decimal | None
    upper: Decimal | None
    unit: Unit | None
    raw: str
    direction: Direction = ""
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Measurement:
    """A parsed 实际完成值.

    ``completion`` is the completion class of a qualitative actual (达成 / 部分达成 / 未达成),
    empty otherwise; ``op`` keeps an operator repeated in the actual (``≥266米``).
    """

    kind: MeasurementKind
    value: Decimal | None
    unit: Unit | None
    raw: str
    op: Op = ""
    upper: Decimal | None = None
    completion: Completion = ""
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Comparison:
    """Whether a measurement meets a target.

    ``met`` is ``None`` and ``reason`` says why when it cannot be decided (unparsed text,
    incomparable units, a qualitative target). ``ratio`` is the completion ratio used by the
    proportional scoring rules: actual/target for higher-is-better, target/actual for
    lower-is-better; ``None`` when it does not apply.
    """

    met: bool | None
    ratio: Decimal | None
    reason: str = ""
    comparable: bool = True
