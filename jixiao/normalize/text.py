"""Cleaning cell text for analysts: no tags, no entities, no wrap artifacts.

A cell's text wraps inside the cell and the wrap shows up as a space or a line break
(``偏差原因分析及改 进措施``); web exports add ``<p>`` tags and HTML entities; some tables print
full-width digits (``１２３``). :func:`clean_text` removes all of that and nothing else: Chinese
punctuation (``，。：“”（）``) stays as printed, traditional characters stay as printed.
"""

from __future__ import annotations

import functools
import html
from typing import Final

import regex

# An HTML tag: ``<p>``, ``</p>``, ``<br/>``, ``<span class="x">``. A letter must follow ``<``
# so that ``<5%`` (an operator) is never taken for a tag.
_TAG: Final = regex.compile(
    r"""
    < /?                  # opening bracket, optional slash of a closing tag
    [A-Za-z][A-Za-z0-9]*  # tag name
    (?: \s [^<>]* )?      # attributes
    /? >                  # optional self-closing slash, closing bracket
    """,
    regex.VERBOSE,
)

# Any run of whitespace, including the ideographic space, no-break space and line breaks.
_SPACE_RUN: Final = regex.compile(r"[\s\u3000\u00a0]+")

# Characters that never belong in cleaned text: zero-width spaces and joiners, BOM, soft hyphen.
_INVISIBLE: Final = regex.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")

# A space next to a CJK character or CJK / full-width punctuation: a wrap artifact.
_WIDE: Final = r"""[\p{Han}\u3000-\u303f\uff00-\uffef\u2018-\u201f\u2014\u2026\u00b7]"""
_WRAP_SPACE: Final = regex.compile(
    rf"""
    (?<= {_WIDE} ) \x20   # a space after a wide character
    | \x20 (?= {_WIDE} )  # or before one
    """,
    regex.VERBOSE,
)

# A full-width full stop between two digits is a decimal point (``１２．５``).
_WIDE_POINT: Final = regex.compile(r"(?<=[0-9０-９])．(?=[0-9０-９])")

# Full-width digits, letters and percent signs -> their ASCII forms.
_WIDTH_TABLE: Final = str.maketrans(
    {
        **{chr(0xFF10 + i): chr(0x30 + i) for i in range(10)},
        **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
        **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
        "％": "%",
        "﹪": "%",
    }
)


@functools.lru_cache(maxsize=1 << 16)  # a cell is cleaned by the reader, the scorer and the report
def clean_text(raw: str) -> str:
    """Return ``raw`` without tags, entities and wrap artifacts.

    >>> clean_text("<p>年度 总体 目标</p>")
    '年度总体目标'
    >>> clean_text("偏差原因分析及改\\n进措施")
    '偏差原因分析及改进措施'
    >>> clean_text("280 人")
    '280人'
    >>> clean_text("“市政大厅” 累计访问量")
    '“市政大厅”累计访问量'
    >>> clean_text("  ISO   9001 ")
    'ISO 9001'
    >>> clean_text("≥９０％ &amp; 好")
    '≥90% &好'
    >>> clean_text("<5%")
    '<5%'
    """
    text = _TAG.sub(" ", raw)
    text = html.unescape(text)
    text = _INVISIBLE.sub("", text)
    text = _WIDE_POINT.sub(".", text)
    text = text.translate(_WIDTH_TABLE)
    text = _SPACE_RUN.sub(" ", text).strip()
    return _WRAP_SPACE.sub("", text)
