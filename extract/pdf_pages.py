"""Fast page finding with pypdfium2: which pages may hold a 自评表, which are scans or garbled.

pdfplumber is slow (pure Python layout analysis); pdfium's text is enough to tell a
自评表 page from a prose page or a 收入支出决算总表 page, so pdfplumber only runs where it
matters.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
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
from jixiao.extract.pdf_text import is_unreadable

_MARKERS = (*PAGE_MARKERS, *INDICATOR_HEADERS)


class PageKind(enum.StrEnum):
    """What a page looks like from its pdfium text."""

    TABLE = "table"  # may hold a 自评表
    OTHER = "other"  # text, but no 自评表 labels
    SCANNED = "scanned"  # no text, but images: a scan
    EMPTY = "empty"  # no text, no images
    UNREADABLE = "unreadable"  # text that does not decode ((cid:…), controls, U+FFFD)


@dataclass(frozen=True, slots=True)
class PageScan:
    """One page as pdfium sees it (1-based ``number``; ``text`` without whitespace; ``titles``
    the lines that title a 自评表)."""

    number: int
    text: str
    has_images: bool
    titles: tuple[str, ...] = ()


def squash(text: str) -> str:
    """Text without any whitespace (labels wrap anywhere), in simplified characters: the form
    labels are compared in (a table printed in traditional characters reads the same)."""
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


def page_to_scan(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, number: int) -> PageScan:
    """pdfium text of one page (images are looked for only when it has no text)."""
    lines = textpage.get_text_range()
    text = squash(lines)
    titles = tuple(lines_to_titles(lines.splitlines()))
    return PageScan(number, text, not text and _page_has_images(page), titles)


def document_to_scans(doc: pdfium.PdfDocument) -> list[PageScan]:
    """pdfium text of every page (images are looked for only on pages without text)."""
    scans: list[PageScan] = []
    for index in range(len(doc)):
        page = doc[index]
        try:
            textpage = page.get_textpage()
            try:
                scans.append(page_to_scan(page, textpage, index + 1))
            finally:
                textpage.close()
        finally:
            page.close()
    return scans


def scans_to_kinds(scans: Sequence[PageScan]) -> list[PageKind]:
    return [text_to_kind(scan.text, has_images=scan.has_images) for scan in scans]
