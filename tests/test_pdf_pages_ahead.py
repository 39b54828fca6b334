"""A PDF read on two cores (#26, round 6): a child reads pages from the last down while the
reading process reads from the first up, and the process takes what the child found in each
page's turn. Wherever the two meet, the extraction is the one read on one core: the tables
that run over the meeting page, the page before a table that starts at a page's foot, scanned
and fonts-not-embedded pages alike. The child's pages are stood in for here by pages read in
this process (:func:`reader._page_ahead`, the child's own function), so every meeting page
is tried, not only the one a race gives; ``test_pdf_render_ahead`` runs the real child."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest

from jixiao.extract.readers.pdf import reader
from jixiao.extract.readers.pdf.pages import PageKind
from jixiao.extract.readers.pdf.reader import PdfExtraction, pdf_to_extraction
from jixiao.extract.readers.pdf.render_ahead import CropsAhead
from jixiao.extract.readers.pdf.settings import PdfSettings
from jixiao.model.pane import Region

PDF = Path(__file__).resolve().parent.parent / "fixtures" / "pdf"


def _opens(path: Path) -> bool:
    """Whether PDFium opens the file (one it cannot is never read page by page)."""
    try:
        pdfium.PdfDocument(path).close()
    except pdfium.PdfiumError:
        return False
    return True


SHORT = sorted(
    p.name for p in PDF.glob("*.pdf") if not p.name.endswith("annual_report.pdf") and _opens(p)
)


class _Given:
    """Stands in for the child: what it read of ``pages``, read in this process beforehand."""

    def __init__(self, path: Path, pages: Iterable[int]) -> None:
        document = pdfium.PdfDocument(path)
        sources = reader._Sources(path, document, PdfSettings(), owns_doc=False)
        try:
            self.read = {n: reader._page_ahead(sources, n)[0] for n in pages}
        finally:
            sources.close()
            document.close()
        self.taken: list[int] = []

    def read_pages(self, count: int, read_page: Any) -> None:
        pass

    def page_read(self, number: int) -> Any:
        if self.read.get(number) is not None:
            self.taken.append(number)
        return self.read.get(number)

    def ask(self, regions: Iterable[Region]) -> None:
        pass


def _read(path: Path, given: _Given | None = None) -> PdfExtraction:
    ahead: Any = given
    return pdf_to_extraction(path, ahead=ahead)


def _pages(path: Path) -> int:
    document = pdfium.PdfDocument(path)
    try:
        return len(document)
    finally:
        document.close()


@pytest.mark.parametrize("name", SHORT)
def test_wherever_the_two_meet_the_extraction_is_the_same(name: str) -> None:
    path = PDF / name
    alone = _read(path)
    count = _pages(path)
    for meeting in range(1, count + 1):  # the child has the pages from here to the last
        given = _Given(path, range(meeting, count + 1))
        assert _read(path, given) == alone, f"child from page {meeting}"
        kinds = reader.pdf_to_page_kinds(path)
        # every page it was given and could read was taken (a scanned one is read here)
        assert given.taken == [
            n for n in range(meeting, count + 1) if kinds[n - 1] is not PageKind.SCANNED
        ]


@pytest.mark.parametrize("name", ["lo_annual_report.pdf", "rl_annual_report.pdf"])
def test_an_annual_report_read_in_two_halves_is_the_same(name: str) -> None:
    path = PDF / name
    alone = _read(path)
    assert alone.grids
    count = _pages(path)
    # the meeting before, inside and after the run of 自评表 pages (36–46), and every other
    # page given (a meeting that moves: pages taken and not, in turn)
    for pages in (
        range(2, count + 1),
        range(37, count + 1),
        range(41, count + 1),
        range(2, count + 1, 2),
    ):
        given = _Given(path, pages)
        assert _read(path, given) == alone, f"child pages {pages}"
        assert given.taken


def test_a_page_the_child_gave_up_is_read_here() -> None:
    path = PDF / "lo_seed.pdf"
    given = _Given(path, range(1, _pages(path) + 1))
    given.read = dict.fromkeys(given.read)  # it could read none of them
    assert _read(path, given) == _read(path)
    assert given.taken == []


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the child needs os.fork")
@pytest.mark.parametrize("name", ["lo_annual_report.pdf", "rl_annual_report.pdf", "lo_seed.pdf"])
def test_the_child_reads_its_pages_and_the_extraction_is_the_same(name: str) -> None:
    path = PDF / name
    document = pdfium.PdfDocument(path)
    try:
        ahead = CropsAhead(document, 110)
        extraction = pdf_to_extraction(path, document=document, ahead=ahead)
        ahead.close()
    finally:
        document.close()
    assert extraction == _read(path)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the child needs os.fork")
def test_pages_the_child_read_are_taken_in_their_turn() -> None:
    document = pdfium.PdfDocument(PDF / "lo_seed.pdf")
    try:
        ahead = CropsAhead(document, 110)
        ahead.read_pages(5, lambda number: (f"page {number}", []))
        while not ahead._pages_done:  # this process reads none: the child comes to the first
            ahead._receive()
        assert [ahead.page_read(n) for n in range(1, 6)] == [f"page {n}" for n in range(1, 6)]
        ahead.close()
        assert ahead._pid is None
    finally:
        document.close()
