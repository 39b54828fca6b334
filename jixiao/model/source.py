"""Values shared by every stage: where a value came from, and what went wrong with it.

Stages import this module and the stages before them, never the orchestration modules.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Source:
    """Where a cell, row or table came from.

    ``page`` is 1-based and set for PDFs; ``line`` is the 1-based line of a text file (or of
    an HTML page's source); ``bbox`` is ``(x0, top, x1, bottom)`` in PDF points; ``row``/``col``
    are 0-based grid coordinates. ``locator`` names the place in a file that has no pages or
    lines in the form's own words: a spreadsheet cell (``自评表!H7``), an HTML or Word table
    and its 1-based row and column (``table 2 R5C3``). ``stored`` is a spreadsheet cell's stored
    value where the text shown differs from it (``0.9949 [0.00%]`` shown as ``99.49%``).

    >>> str(Source("a.txt", line=17, row=10, col=4))
    'a.txt line 17, col 4'
    >>> str(Source("a.pdf", page=3, bbox=(1.0, 2.0, 3.0, 4.0)))
    'a.pdf p.3'
    >>> str(Source("a.xlsx", row=6, col=7, locator="自评表!H7"))
    'a.xlsx 自评表!H7'
    """

    file: str
    page: int | None = None
    line: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    row: int | None = None
    col: int | None = None
    locator: str | None = None
    stored: str | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.page is not None:
            parts.append(f"p.{self.page}")
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.locator is not None:
            parts.append(self.locator)
        text = " ".join(parts)
        if self.col is not None and self.locator is None:
            text += f", col {self.col}"
        return text


class Severity(enum.StrEnum):
    """How much a problem matters to an analyst."""

    ERROR = "error"  # a value is wrong or missing: the table's numbers cannot be trusted as printed
    WARNING = "warning"  # something needs a person's look (a doubt, a judgement call)
    INFO = "info"  # explained and harmless (rounding), or a repair jixiao made


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing that went wrong, at one place.

    ``code`` is a short stable English identifier (part of the output contract);
    ``message`` is Chinese, for the analyst; ``kind`` classifies a disagreement with a
    printed value (``rounding``, ``integer_display``, ``judgement``, ``missing_data``,
    ``rule``, ``parse_doubt``) and is empty for problems that are not disagreements.
    """

    code: str
    severity: Severity
    message: str
    source: Source
    field: str = ""
    expected: str = ""
    found: str = ""
    kind: str = ""
