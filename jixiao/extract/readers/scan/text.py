"""What the recognizer's text needs before it is a cell's text: the spaces it puts where a
printed table has none, and the look-alike characters it confuses, undone where the cell
leaves no doubt."""

from __future__ import annotations

import regex

from jixiao.core.labels import to_simplified
from jixiao.extract.readers.pdf.text import is_wide
from jixiao.normalize.vocab import DASH_CHARACTERS, PRINTED_NUMBER

# Alone in a cell of a column of numbers, any dash character is the em dash (in a column of
# text 一 may be what is printed).
DASH = "—"
# Latin letters and marks the recognizer reads for a lone digit without context
DIGIT_LOOKALIKES = frozenset("OoDQIl|iJZzSsBbGgqT")

_NUMBER = regex.compile(rf"[+-]?{PRINTED_NUMBER}|[+-]?\.\d+%?")  # a number as printed, or .5
_SPACE = regex.compile(r"(?<=(?P<before>.))\s+(?=(?P<after>.))")


def is_number(text: str) -> bool:
    """A number as printed in a numeric cell.

    >>> is_number("409.90"), is_number("99.49%"), is_number("1,234"), is_number("B")
    (True, True, True, False)
    """
    return bool(_NUMBER.fullmatch(text))


def is_dash(text: str) -> bool:
    """One or two dash-like marks and nothing else.

    >>> is_dash("一"), is_dash("——"), is_dash("一级")
    (True, True, False)
    """
    flat = "".join(text.split())
    return bool(flat) and len(flat) <= 2 and set(flat) <= DASH_CHARACTERS


def looks_like_digits(text: str) -> bool:
    """Letters a lone number may be read as (``B`` for 3, ``O`` for 0).

    >>> looks_like_digits("B"), looks_like_digits("1O"), looks_like_digits("项")
    (True, True, False)
    """
    return bool(text) and all(ch.isdigit() or ch in ".%" or ch in DIGIT_LOOKALIKES for ch in text)


def _unspaced(text: str) -> str:
    """Spaces next to a CJK or full-width character go (the PDF reader never puts one there:
    :func:`jixiao.extract.readers.pdf.text.line_to_text`); spaces between Latin words stay."""

    def keep(match: regex.Match[str]) -> str:
        return "" if is_wide(match["before"]) or is_wide(match["after"]) else " "

    return _SPACE.sub(keep, text.strip())


def clean_cell_text(text: str) -> str:
    """The recognizer's text of a cell as a reader of the page would type it.

    >>> clean_cell_text("95 次"), clean_cell_text("上海市 人民政府"), clean_cell_text("a b")
    ('95次', '上海市人民政府', 'a b')
    """
    return _unspaced(text)


TRADITIONAL_PAGE = 0.1  # a page with at least this share of traditional characters is in them


def _han(text: str) -> int:
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")


def in_page_script(texts: list[str]) -> list[str]:
    """The texts of one page in the page's own script.

    The recognizer now and then gives a traditional variant of a character on a page printed in
    simplified ones (決 for 决): on a page whose text is nearly all simplified, every text is
    converted to simplified characters; a page printed in traditional characters (at least
    :data:`TRADITIONAL_PAGE` of its characters) is left as read.

    >>> in_page_script(["決策依据", "项目名称", "年度指标值", "实际完成值"])
    ['决策依据', '项目名称', '年度指标值', '实际完成值']
    >>> in_page_script(["水土保持監測", "項目名稱"])
    ['水土保持監測', '項目名稱']
    """
    joined = "".join(texts)
    simplified = to_simplified(joined)
    changed = sum(1 for a, b in zip(joined, simplified, strict=False) if a != b)
    total = _han(joined)
    if not total or len(simplified) != len(joined) or changed >= TRADITIONAL_PAGE * total:
        return list(texts)
    return [to_simplified(text) for text in texts]
