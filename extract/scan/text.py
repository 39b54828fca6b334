"""What the recognizer's text needs before it is a cell's text: the spaces it puts where a
printed table has none, and the look-alike characters it confuses, undone where the cell
leaves no doubt."""

from __future__ import annotations

import regex

from jixiao.extract.pdf_text import is_wide

# A cell holding only a dash-like mark is a dash ("not applicable"): the recognizer cannot tell
# the em dash from 一 (one) or a hyphen when nothing stands beside it.
DASHES = frozenset({"一", "-", "－", "—", "―", "─", "–", "_", "ー"})
DASH = "—"

_SPACE = regex.compile(r"(?<=(?P<before>.))\s+(?=(?P<after>.))")


def _unspaced(text: str) -> str:
    """Spaces next to a CJK or full-width character go (the PDF reader never puts one there:
    :func:`jixiao.extract.pdf_text.line_to_text`); spaces between Latin words stay."""

    def keep(match: regex.Match[str]) -> str:
        return "" if is_wide(match["before"]) or is_wide(match["after"]) else " "

    return _SPACE.sub(keep, text.strip())


def clean_cell_text(text: str) -> str:
    """The recognizer's text of a cell as a reader of the page would type it.

    >>> clean_cell_text("一"), clean_cell_text("一级指标"), clean_cell_text("95 次")
    ('—', '一级指标', '95次')
    >>> clean_cell_text("annual report")
    'annual report'
    """
    flat = "".join(text.split())
    if flat and set(flat) <= DASHES and len(flat) <= 2:
        return DASH * len(flat)
    return _unspaced(text)
