"""A page read for its tables is not loaded again for their crops (#26, round 4): the reader
keeps it open after the read pass, within bounds (:class:`KeptPages`), and the crops rendered
from it are the bytes a page loaded again gives; the pages kept are closed with the file."""

from __future__ import annotations

import io
from collections import Counter
from contextlib import closing
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest

from jixiao.extract.readers import Reading, read_file
from jixiao.extract.readers.crops import _PALETTE, _TO_LEVEL, grid_to_regions, image_to_png
from jixiao.extract.readers.pdf import reader
from jixiao.extract.readers.pdf.pages import TextSource, page_to_scan
from jixiao.extract.readers.pdf.render import document_to_crops

PDF = Path(__file__).resolve().parent.parent / "fixtures" / "pdf"
# many tables (PDFium's characters); many tables (pdfminer's: fonts not embedded); a table over
# several pages; two tables on a page; a table that starts below prose (the page before read)
NAMES = [
    "lo_annual_report.pdf",
    "rl_annual_report.pdf",
    "lo_long.pdf",
    "lo_two_per_page.pdf",
    "rl_bottom_start.pdf",
]


def _read(name: str) -> Reading:
    path = PDF / name
    return read_file(path.read_bytes(), path=path, name=name)


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> Counter[int]:
    """Page numbers loaded by PDFium from now on, each with how many times."""
    counted: Counter[int] = Counter()
    get_page = pdfium.PdfDocument.get_page

    def counting(self: pdfium.PdfDocument, index: int) -> Any:
        counted[index + 1] += 1
        return get_page(self, index)

    monkeypatch.setattr(pdfium.PdfDocument, "get_page", counting)
    return counted


def _kept(reading: Reading) -> dict[int, pdfium.PdfPage]:
    pages: dict[int, pdfium.PdfPage] = reading.pane.__self__.kept.pages  # type: ignore[attr-defined]
    return pages


@pytest.mark.parametrize("name", NAMES)
def test_crops_load_no_page_again(name: str, loads: Counter[int]) -> None:
    with _read(name) as reading:
        assert reading.grids
        read = sum(loads.values())
        panes = [reading.pane(grid) for grid in reading.grids]
        assert sum(loads.values()) == read  # every page the crops are of was open already
    assert all(pane.crops for pane in panes)


@pytest.mark.parametrize("name", NAMES)
def test_crops_of_kept_pages_are_the_crops_of_pages_loaded_again(name: str) -> None:
    with _read(name) as reading, closing(pdfium.PdfDocument(PDF / name)) as document:
        for grid in reading.grids:
            again = document_to_crops(document, grid_to_regions(grid))
            assert reading.pane(grid).crops == tuple(again)


@pytest.mark.parametrize(("pages", "objects"), [(2, reader.KEEP_OBJECTS), (32, 400), (0, 0)])
def test_pages_kept_stay_within_bounds(
    pages: int, objects: int, monkeypatch: pytest.MonkeyPatch, loads: Counter[int]
) -> None:
    """Past either bound a page is closed after its read and loaded again for its crops: the
    same crops."""
    with _read("lo_annual_report.pdf") as reading:
        everything = [reading.pane(grid).crops for grid in reading.grids]
    monkeypatch.setattr(reader, "KEEP_PAGES", pages)
    monkeypatch.setattr(reader, "KEEP_OBJECTS", objects)
    with _read("lo_annual_report.pdf") as reading:
        kept = _kept(reading)
        assert len(kept) <= pages
        assert sum(pdfium.raw.FPDFPage_CountObjects(page.raw) for page in kept.values()) <= objects
        shown = {region.page for grid in reading.grids for region in grid_to_regions(grid)}
        assert len(kept) < len(shown)  # some pages are loaded again for their crops
        assert [reading.pane(grid).crops for grid in reading.grids] == everything


def test_pages_kept_are_closed_with_the_file() -> None:
    reading = _read("lo_annual_report.pdf")
    pages = list(_kept(reading).values())
    assert pages
    assert all(page.raw for page in pages)
    reading.close()
    assert not any(page.raw for page in pages)
    assert not _kept(reading)


def test_no_page_is_kept_without_a_caller_to_close_it() -> None:
    """pdf_to_extraction that opens the file itself closes every page with it."""
    kept = reader.KeptPages()
    reader.pdf_to_extraction(PDF / "lo_annual_report.pdf", kept=kept)
    assert not kept.pages


@pytest.mark.parametrize("mode", ["L", "RGB", "LA"])
def test_png_of_a_gray_image_is_the_png_of_its_copy(mode: str) -> None:
    """A grayscale render is encoded as it is, without the copy ``convert("L")`` made: the
    same image as the copy's, for every mode (four gray levels, two bits a pixel)."""
    from PIL import Image  # noqa: PLC0415 - Pillow comes with pypdfium2's to_pil

    gray = Image.linear_gradient("L").resize((300, 120))
    image = gray if mode == "L" else gray.convert(mode)
    before = image.convert("L").point(_TO_LEVEL).convert("P")
    before.putpalette(_PALETTE)
    encoded = image_to_png(image)
    assert encoded == image_to_png(image.convert("L"))
    with Image.open(io.BytesIO(encoded)) as after:
        assert after.mode == "P"
        assert after.getpalette() == _PALETTE
        assert after.tobytes() == before.tobytes()
    assert encoded[24] == 2  # IHDR's bit depth


def test_a_page_scanned_without_its_text_page_opens_one() -> None:
    """``page_to_scan`` given no text page for a page whose characters are PDFium's opens
    one itself: the same scan as with the caller's."""
    document = pdfium.PdfDocument((PDF / "lo_seed.pdf").read_bytes())
    try:
        page = document[0]
        textpage = page.get_textpage()
        given = page_to_scan(page, textpage, 1, list, TextSource.PDFIUM)
        textpage.close()
        assert page_to_scan(page, None, 1, list, TextSource.PDFIUM) == given
        assert given.text
        page.close()
    finally:
        document.close()
