"""normalize: cell text -> checked values (targets, measurements, numbers, clean text).

Pure functions over strings; nothing here does I/O or raises on odd input except
:func:`parse_decimal`, which is strict by design.

- :func:`clean_text` — tags, entities and wrap artifacts removed, for analysts.
- :func:`parse_decimal`, :func:`parse_amount`, :func:`parse_chinese_number` — numbers.
- :func:`parse_target` / :func:`format_target` — 年度指标值.
- :func:`parse_actual` — 实际完成值.
- :func:`parts_to_text` — a target printed in 指标性质 | 指标值 | 度量单位 columns, as one text.
- :func:`compare` — does the actual meet the target, and the completion ratio.

Design decisions the scorer relies on:

- a bare ``万`` / ``亿`` after a number (``≥2800(万)``) is ``Unit("万", base="", scale=1E4)``:
  a scaled count of an unnamed thing, comparable with any unit except ``%``;
- ``%``, ``百分比``, ``%(百分比)`` are ``Unit("%", "%", 1)``; ``‰`` is ``Unit("‰", "%", 0.1)``;
- ``ratio`` is B/A (higher better) or A/B (lower better), ``None`` when it does not apply;
  ``=`` with a bound above 0 is scored like ``≥``.
"""

from jixiao.normalize.actual import parse_actual
from jixiao.normalize.compare import compare
from jixiao.normalize.model import Comparison, Measurement, Target, Unit
from jixiao.normalize.numbers import parse_amount, parse_chinese_number, parse_decimal
from jixiao.normalize.parts import parts_to_text
from jixiao.normalize.target import format_target, parse_target
from jixiao.normalize.text import clean_text

__all__ = [
    "Comparison",
    "Measurement",
    "Target",
    "Unit",
    "clean_text",
    "compare",
    "format_target",
    "parse_actual",
    "parse_amount",
    "parse_chinese_number",
    "parse_decimal",
    "parse_target",
    "parts_to_text",
]
