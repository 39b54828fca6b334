"""One PDF page read with PDFium → the ruled tables on it (:class:`TablePart`), fast.

The same steps as :func:`jixiao.extract.readers.pdf.plumber_tables.plumber_page_to_parts`, on
PDFium's records instead of pdfminer's (see :mod:`jixiao.extract.readers.pdf.pdfium_records`),
without loading pdfplumber or pdfminer:

1. ``page_to_records``: characters (fake bold removed by pdfplumber's ``dedupe_chars`` rule)
   and ruling edges, in pdfplumber's coordinates; the characters are PDFium's where every
   font of the page is embedded, pdfminer's otherwise (the rule:
   :mod:`jixiao.extract.readers.pdf.pages`), and the table then says ``reader="pdfium+pdfminer"``;
2. ``edges_to_tables`` (:mod:`jixiao.extract.readers.pdf.ruling`): the cells pdfplumber's
   "lines" table finder finds, the same values in the same order, by our own sorting and
   bisection (open table sides closed first);
3. ``boxes_to_parts`` (:mod:`jixiao.extract.readers.pdf.parts`, shared with the pdfplumber
   reader): text, title and year line.

A page costs a few milliseconds instead of pdfminer's ~80 ms; the pdfplumber reader stays
for cross-checking (``PdfSettings(reader="pdfplumber")``) and as the fallback.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pypdfium2 as pdfium

from jixiao.extract.readers.pdf.parts import TablePart, boxes_to_parts
from jixiao.extract.readers.pdf.pdfium_records import (
    Record,
    page_to_edges,
    page_to_frame,
    textpage_to_chars,
)
from jixiao.extract.readers.pdf.ruling import (
    BBox,
    edges_to_tables,
    lines_to_edges,
    open_sides_to_lines,
)
from jixiao.extract.readers.pdf.text import Char, chars_without_fake_bold

READER = "pdfium"
#: The reader of a page whose characters are pdfminer's (a font not embedded), ruling PDFium's.
MINER_READER = "pdfium+pdfminer"


@dataclass(frozen=True, slots=True)
class PageRecords:
    """What the table finder needs from one page: characters, ruling edges, the page box, and
    the reader that gave the characters."""

    chars: tuple[Char, ...]
    edges: tuple[Record, ...]
    bbox: BBox
    reader: str = READER


def page_to_records(
    page: pdfium.PdfPage,
    textpage: pdfium.PdfTextPage | None = None,
    chars: Sequence[Char] | None = None,
) -> PageRecords:
    """Characters (drawn once: fake bold removed) and ruling edges of a PDFium page.

    ``textpage``: the page's text page when the caller has it open already (it stays open).
    ``chars``: the page's characters read by pdfminer, fake bold removed, for a page whose
    fonts are not all embedded (see :mod:`jixiao.extract.readers.pdf.pages`); PDFium's otherwise.
    """
    frame = page_to_frame(page)
    edges = tuple(page_to_edges(page, frame))
    if chars is not None:
        return PageRecords(tuple(chars), edges, frame.bbox, MINER_READER)
    if textpage is None:
        own = page.get_textpage()
        try:
            found = textpage_to_chars(own, frame)
        finally:
            own.close()
    else:
        found = textpage_to_chars(textpage, frame)
    return PageRecords(tuple(chars_without_fake_bold(found)), edges, frame.bbox)


def records_to_parts(records: PageRecords, number: int) -> list[TablePart]:
    """Ruled tables of a page from its records (open table sides closed first)."""
    explicit = lines_to_edges(open_sides_to_lines(records.edges))
    tables = edges_to_tables(records.edges, explicit)
    return boxes_to_parts(tables, records.chars, number, records.reader)
