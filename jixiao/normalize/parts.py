"""One target text from a layout that prints it in parts: 指标性质 | 指标值 | 度量单位.

>>> parts_to_text("≧", "735", "人次")
'≧735人次'
>>> parts_to_text("定量", "≥22", "项")
'≥22项'
>>> parts_to_text("定性", "显著", "—")
'显著'
>>> parts_to_text("", "36公里", "公里")
'36公里'
>>> parts_to_text("", "95", "——"), parts_to_text("", "3", "一")
('95', '3')
"""

from __future__ import annotations

from jixiao.normalize.vocab import COLUMN_BLANKS, OPERATOR_CHARACTERS


def parts_to_text(nature: str, value: str, unit: str) -> str:
    """Join an operator column (ignored when it holds 定量/定性), a value and a unit column; the
    unit is appended only to a value that ends in a digit."""
    nature, value, unit = nature.strip(), value.strip(), unit.strip()
    text = nature + value if _is_operator(nature) and not value.startswith(nature) else value
    if unit not in COLUMN_BLANKS and text[-1:].isdigit():
        text += unit
    return text


def _is_operator(text: str) -> bool:
    """One or two operator characters (``≧``, ``>=``) and nothing else."""
    return 0 < len(text) <= 2 and set(text) <= OPERATOR_CHARACTERS
