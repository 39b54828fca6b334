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
    document = pdfium.PdfDocument(path.read_bytes())  # as the reader opens it: render_ahead
    try:
        ahead = CropsAhead(document, 110)
        extraction = pdf_to_extraction(path, document=document, ahead=ahead)
        ahead.close()
    finally:
        document.close()
    assert extraction == _read(path)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the child needs os.fork")
def test_pages_the_child_read_are_taken_in_their_turn() -> None:
    document = pdfium.PdfDocument((PDF / "lo_seed.pdf").read_bytes())
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


# -- the first page, opened before the child is forked -----------------------------------------


def _first_opened(name: str) -> tuple[reader._Sources, reader._Sources]:
    """The reading process's sources and the child's, after the first page was opened."""
    path = PDF / name
    document = pdfium.PdfDocument(path)
    mine = reader._Sources(path, document, PdfSettings(), owns_doc=True)
    child = reader._Sources(path, document, PdfSettings(), owns_doc=False)
    reader._open_first_page(mine, child)
    return mine, child


def test_the_child_starts_with_the_first_pages_fonts_read() -> None:
    """Fonts not embedded: the first page's characters are read before the fork, so the
    child has PLAYA, the file open in it and its fonts (and so does this process: the page is
    not read again)."""
    mine, child = _first_opened("rl_annual_report.pdf")
    try:
        assert mine.first is not None
        assert mine.first.number == 1
        assert mine.first.miner  # read, and kept for the pass
        assert mine.playa is not None
        assert child.playa is mine.playa
        assert child.frames is mine.frames
        taken = mine.open_page(1)  # the pass takes it, read
        assert taken.miner
        assert mine.first is None
        taken.close()
    finally:
        mine.close()


def test_fonts_embedded_the_first_page_is_only_opened() -> None:
    mine, child = _first_opened("lo_annual_report.pdf")
    try:
        assert mine.first is not None
        assert mine.first.textpage is not None
        assert mine.playa is None
        assert child.playa is None
    finally:
        mine.close()  # closes the first page the pass never took


def test_a_first_page_the_child_took_is_closed_unread() -> None:
    mine, _ = _first_opened("rl_seed.pdf")
    first = mine.first
    assert first is not None
    assert first.page.raw is not None
    try:
        second = mine.open_page(2)  # the pass asks for page 2 first: the child had page 1
        assert second.number == 2
        assert first.page.raw is None
        assert mine.first is None
        second.close()
    finally:
        mine.close()


def test_a_first_page_that_cannot_be_opened_is_left_to_the_pass(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Opening it fails before the fork: nothing is kept, and the pass meets the failure
    again in its place (here it opens the second time)."""
    path = PDF / "rl_seed.pdf"
    alone = _read(path)
    real = reader._Open.of
    calls: list[int] = []

    def fails_once(sources: reader._Sources, number: int) -> reader._Open:
        calls.append(number)
        if len(calls) == 1:
            raise pdfium.PdfiumError("failed to load page")
        return real(sources, number)

    monkeypatch.setattr(reader._Open, "of", staticmethod(fails_once))
    given = _Given(path, ())
    assert _read(path, given) == alone
    assert calls[:2] == [1, 1]


def test_with_a_child_the_file_is_opened_from_its_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    """A document opened from its path is read through the file's offset, which a forked
    child shares (render_ahead): where a child may fork, the reader opens the file's bytes."""
    opened: list[object] = []
    real = pdfium.PdfDocument

    def recording(source: object, *args: Any, **kwargs: Any) -> Any:
        opened.append(source)
        return real(source, *args, **kwargs)

    monkeypatch.setattr(reader.pdfium, "PdfDocument", recording)
    path = PDF / "lo_seed.pdf"
    _read(path, _Given(path, ()))
    _read(path)
    assert [type(source) for source in opened[-2:]] == [bytes, str]
