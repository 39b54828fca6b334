"""One PDF page → its text, read the same on every machine, and what kind of page it is.

This module is the one place where a page is classified (:func:`page_to_scan`): a 自评表
candidate, another page with text, a scan (images only, no text), an empty page, or text that
does not decode. Everything after it (table finding, OCR of scans) starts from its answer.

**Which characters to trust (the decision rule).** PDFium reads a page in a few milliseconds,
but where a font is *not embedded* it draws and measures the text with whatever substitute
font the machine has installed, and its text extraction depends on that substitute: without
one (a server or CI image with no CJK fonts) it drops every text object whose glyphs it cannot
measure, so ``项目名称`` arrives as ``项目名`` when ``称`` stands alone on a wrapped line, and it
drops repeated lines it then takes for duplicates; with one, character boxes take the
substitute's glyph widths. pdfminer (through pdfplumber) needs no font program at all: codes
come from the content stream, Unicode from the font's ``/ToUnicode`` map or the predefined CJK
CMaps (``UniGB-UCS2-H``, ``GBK-EUC-H``, ``ETen-B5-H`` …), advance widths from ``/W`` and ``/DW``
(``/Widths`` for simple fonts). So, per page:

* every font the page's text uses is embedded (Type 3 included; inside form XObjects too), or
  the page has no text: :attr:`TextSource.PDFIUM`: PDFium's text and characters; the embedded
  font programs are part of the file, so the answer is the same on every machine;
* any font not embedded: :attr:`TextSource.PDFMINER`: the page's text, for classifying it
  and for its cells, is pdfminer's characters (fake bold removed); PDFium still gives the ruling
  and the images, which do not depend on fonts.

The rule looks only at the file, never at the machine, so a page takes the same path
everywhere. The cost falls only on pages with fonts that are not embedded: pdfminer parses
such a page in ~40 ms where PDFium takes ~2 ms. PDFium's text of such a page is not used even
where it looks complete (every text object gave characters): whether it does depends on the
machine's fonts (with a CJK font installed fewer objects are dropped), so the page's path, and
the order of its text (PDFium sorts the runs of a line by position, pdfminer keeps the drawing
order: ``改进措施`` can come out ``改指标性进措施``), would depend on the machine again.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from jixiao.core.vocabulary import (
    INDICATOR_HEADERS,
    PAGE_MARKERS,
    PROJECT_NAME,
    TITLE_WORD,
    lines_to_titles,
    to_simplified,
)
from jixiao.extract.readers.pdf.pdfium_records import page_fonts_embedded
from jixiao.extract.readers.pdf.text import Char, is_unreadable

_MARKERS = (*PAGE_MARKERS, *INDICATOR_HEADERS)


class PageKind(enum.StrEnum):
    """What a page looks like from its text."""

    TABLE = "table"  # may hold a 自评表
    OTHER = "other"  # text, but no 自评表 labels
    SCANNED = "scanned"  # no text, but images: a scan
    EMPTY = "empty"  # no text, no images
    UNREADABLE = "unreadable"  # text that does not decode ((cid:…), controls, U+FFFD)


class TextSource(enum.StrEnum):
    """Whose characters a page is read with (see the module docstring for the rule)."""

    PDFIUM = "pdfium"  # every font embedded
    PDFMINER = "pdfminer"  # some font not embedded


@dataclass(frozen=True, slots=True)
class PageScan:
    """One page's text (1-based ``number``; ``text`` without whitespace), where it came from,
    and the lines that title a 自评表 (``titles``, for the census of tables)."""

    number: int
    text: str
    has_images: bool
    source: TextSource = TextSource.PDFIUM
    titles: tuple[str, ...] = ()

    @property
    def kind(self) -> PageKind:
        return text_to_kind(self.text, has_images=self.has_images)


def squash(text: str) -> str:
    """Text without any whitespace (labels wrap anywhere), in simplified characters (a table
    printed in traditional characters reads the same): the form a page's text and the lines
    above a table are searched in for label words. Not width-folded, unlike
    :func:`~jixiao.core.vocabulary.label_key`, which a cell's label is compared through."""
    return to_simplified("".join(text.split()))


def text_to_kind(text: str, *, has_images: bool = False) -> PageKind:
    """Classify a page by its squashed text: a cheap filter that decides where cells are read.

    It may accept a page that holds no 自评表 (the cells are then judged by
    :func:`jixiao.core.vocabulary.is_self_evaluation`), never the other way round.

    >>> text_to_kind("项目名称某项目绩效指标一级指标二级指标")
    <PageKind.TABLE: 'table'>
    >>> text_to_kind("收入支出决算总表项目名称行次金额")
    <PageKind.OTHER: 'other'>
    >>> text_to_kind("部门整体支出绩效自评表部门名称某局年度总体目标一级指标")
    <PageKind.TABLE: 'table'>
    """
    if not text:
        return PageKind.SCANNED if has_images else PageKind.EMPTY
    if is_unreadable(text):
        return PageKind.UNREADABLE
    markers = sum(1 for word in _MARKERS if word in text)
    headers = sum(1 for word in INDICATOR_HEADERS if word in text)
    named = any(name in text for name in PROJECT_NAME)
    titled = named and TITLE_WORD in text  # a table that starts low on the page
    if (named and markers >= 2) or headers >= 4 or titled:
        return PageKind.TABLE
    return PageKind.OTHER


def _page_has_images(page: pdfium.PdfPage) -> bool:
    return any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2))


def page_to_source(page: pdfium.PdfPage) -> TextSource:
    """Whose characters to read this page with: PDFium's only where every font is embedded."""
    return TextSource.PDFIUM if page_fonts_embedded(page) else TextSource.PDFMINER


def chars_to_page_text(chars: Sequence[Char]) -> str:
    """A page's squashed text from its characters, in the order they are drawn.

    >>> chars_to_page_text([{"text": "项"}, {"text": " "}, {"text": "目"}])
    '项目'
    """
    return squash("".join(str(char["text"]) for char in chars))


def page_to_scan(
    page: pdfium.PdfPage,
    textpage: pdfium.PdfTextPage,
    number: int,
    miner_chars: Callable[[], Sequence[Char]],
    source: TextSource | None = None,
) -> PageScan:
    """The text of one page, from PDFium or pdfminer by :func:`page_to_source`.

    ``miner_chars``: the page's characters as pdfminer reads them (called only for a page
    with a font that is not embedded); ``source``: the page's :func:`page_to_source` when the
    caller has it already. Images are looked for only when the page has no text.
    """
    source = source or page_to_source(page)
    if source is TextSource.PDFIUM:
        raw = textpage.get_text_range()
        text, lines = squash(raw), raw.splitlines()
    else:
        chars = miner_chars()
        text, lines = chars_to_page_text(chars), chars_to_lines(chars)
    titles = tuple(lines_to_titles(lines))
    return PageScan(number, text, not text and _page_has_images(page), source, titles)


def chars_to_lines(chars: Sequence[Char]) -> list[str]:
    """A page's lines of text from its characters: characters whose tops lie within half a
    character's height of each other are one line, read left to right.

    >>> placed = (("表", 30, 100), ("评", 20, 101), ("自", 10, 100), ("项", 10, 130))
    >>> chars = [{"text": t, "x0": x, "top": y, "bottom": y + 10} for t, x, y in placed]
    >>> chars_to_lines(chars)
    ['自评表', '项']
    """
    lines: list[list[Char]] = []
    for char in sorted(chars, key=lambda c: (float(c["top"]), float(c["x0"]))):
        height = float(char["bottom"]) - float(char["top"])
        if lines and float(char["top"]) - float(lines[-1][0]["top"]) <= height / 2:
            lines[-1].append(char)
        else:
            lines.append([char])
    return [
        "".join(str(c["text"]) for c in sorted(line, key=lambda c: float(c["x0"])))
        for line in lines
    ]
