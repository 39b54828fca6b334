"""Characters from the PDF alone, read by PLAYA: pdfminer's characters, value for value.

A page with a font that is not embedded is read with characters that need no font program;
PLAYA reads them (:mod:`jixiao.extract.readers.pdf.playa_chars`) where pdfminer did. Every such
page of the PDF fixtures and a sample of the printed variants must give exactly pdfminer's
records (every field, floats included); what the reader does not handle (vertical and Type 3
fonts, simple fonts without a width for a code, text at size 0) must be refused, and the page
then read by pdfminer. Small PDFs written here byte by byte cover the rules one at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pdfplumber
import pypdfium2 as pdfium
import pytest

from jixiao.extract.readers.pdf.pdfium_records import page_fonts_embedded
from jixiao.extract.readers.pdf.playa_chars import (
    DocumentFrames,
    NotHandledError,
    PageFrame,
    open_document,
    playa_page_to_chars,
)
from jixiao.extract.readers.pdf.plumber_tables import (
    CHAR_FIELDS,
    layout_to_chars,
    plumber_page_to_chars,
)
from jixiao.extract.readers.pdf.reader import _Sources
from jixiao.extract.readers.pdf.settings import PdfSettings
from tests.pdf_bytes import objects_to_pdf

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = sorted((ROOT / "fixtures" / "pdf").rglob("*.pdf"))
VARIANTS = sorted((ROOT / "tests" / "variant_pdfs").glob("*.pdf"))[::50]  # every 50th


def pages_without_embedded_fonts(path: Path) -> Iterator[tuple[int, Any, Any]]:
    """(number, PLAYA page, pdfplumber page) of each page with a font not embedded."""
    try:
        doc = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError:
        return  # the damaged, password and not-a-PDF fixtures
    try:
        numbers = [i + 1 for i in range(len(doc)) if not page_fonts_embedded(doc[i])]
    finally:
        doc.close()
    if not numbers:
        return
    playa_doc = open_document(path)
    with pdfplumber.open(path) as pdf:
        for number in numbers:
            yield number, playa_doc.pages[number - 1], pdf.pages[number - 1]
    playa_doc.close()


def check_same(path: Path) -> int:
    """Pages of ``path`` read by PLAYA with exactly pdfminer's characters (all are asked to)."""
    read = 0
    for number, playa_page, plumber_page in pages_without_embedded_fonts(path):
        ours = playa_page_to_chars(playa_page, PageFrame.of_plumber_page(plumber_page))
        theirs = layout_to_chars(plumber_page)
        assert len(ours) == len(theirs), f"{path.name} page {number}"
        for k, (mine, miner) in enumerate(zip(ours, theirs, strict=True)):
            for field in CHAR_FIELDS:
                assert mine[field] == miner[field], f"{path.name} p{number} char {k} {field}"
        read += 1
    return read


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: str(p.relative_to(ROOT / "fixtures")))
def test_fixture_pages_read_as_pdfminer_reads_them(path: Path) -> None:
    check_same(path)


def test_the_fixtures_have_such_pages() -> None:
    """The comparison above is not empty: the reportlab and fonts fixtures have fonts not
    embedded on every page."""
    assert sum(check_same(p) for p in FIXTURES if p.name.startswith(("rl_", "nf_"))) > 100


@pytest.mark.parametrize("path", VARIANTS, ids=lambda p: p.stem)
def test_printed_variants_read_as_pdfminer_reads_them(path: Path) -> None:
    assert check_same(path) >= 1


# -- small PDFs, one rule each ----------------------------------------------------------------

CID_FONT = (
    "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /{encoding} "
    "/DescendantFonts [<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
    "/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> {widths} "
    "/FontDescriptor << /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
    "/FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 {descent} /CapHeight 880 "
    "/StemV 93 >> >>] >>"
)


def cid_font(
    *, encoding: str = "UniGB-UCS2-H", widths: str = "/W [1 [500]]", descent: str = "/Descent -120"
) -> str:
    return CID_FONT.format(encoding=encoding, widths=widths, descent=descent)


HELVETICA = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def write_pdf(path: Path, font: str, content: str) -> Path:
    """A one-page PDF (A4, the font as /F1, not embedded) drawing ``content``."""
    stream = content.encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        font.encode("latin-1"),
    ]
    path.write_bytes(objects_to_pdf(objects))
    return path


# 项目名称 in UCS-2, then a code /W does not list (its width is /DW)
HAN = "<9879 76EE 540D 79F0> Tj <FF1A> Tj"


@pytest.mark.parametrize(
    ("font", "content"),
    [
        pytest.param(cid_font(), f"BT /F1 12 Tf 72 700 Td {HAN} ET", id="cid"),
        pytest.param(cid_font(widths=""), f"BT /F1 12 Tf 72 700 Td {HAN} ET", id="no-W"),
        pytest.param(
            cid_font(widths="/DW 800 /W [30343 [1000]]"),
            f"BT /F1 9 Tf 72 700 Td {HAN} ET",
            id="DW",
        ),
        pytest.param(
            cid_font(descent="/Descent 120"), f"BT /F1 12 Tf 72 700 Td {HAN} ET", id="descent>0"
        ),
        pytest.param(cid_font(descent=""), f"BT /F1 12 Tf 72 700 Td {HAN} ET", id="no-descent"),
        pytest.param(cid_font(), f"BT /F1 12 Tf 3 Ts 72 700 Td {HAN} ET", id="rise"),
        pytest.param(
            cid_font(), f"BT /F1 10 Tf 75 Tz 0.7 0.7 -0.7 0.7 200 500 Tm {HAN} ET", id="rotated"
        ),
        pytest.param(
            cid_font(),
            f"q 1 0 0 1 30 -40 cm BT /F1 11 Tf 2 0 0 2 72 600 Tm {HAN} ET Q",
            id="scaled",
        ),
        pytest.param(
            cid_font(), "BT /F1 12 Tf 72 700 Td [<9879> -250 <76EE> 120 <540D>] TJ ET", id="TJ"
        ),
    ],
)
def test_small_pdfs_read_as_pdfminer_reads_them(tmp_path: Path, font: str, content: str) -> None:
    assert check_same(write_pdf(tmp_path / "one.pdf", font, content)) == 1


@pytest.mark.parametrize(
    ("font", "content", "why"),
    [
        pytest.param(
            cid_font(encoding="UniGB-UCS2-V"),
            f"BT /F1 12 Tf 300 700 Td {HAN} ET",
            "vertical",
            id="vertical",
        ),
        pytest.param(
            HELVETICA, "BT /F1 12 Tf 72 700 Td (Total 100) Tj ET", "no width", id="base14"
        ),
        pytest.param(cid_font(), f"BT /F1 0 Tf 72 700 Td {HAN} ET", "size 0", id="size-0"),
    ],
)
def test_what_is_not_handled_is_read_by_pdfminer(
    tmp_path: Path, font: str, content: str, why: str
) -> None:
    """The reader refuses the page, and the page's characters are then pdfminer's."""
    path = write_pdf(tmp_path / "one.pdf", font, content)
    playa_doc = open_document(path)
    with pdfplumber.open(path) as pdf:
        plumber_page = pdf.pages[0]
        with pytest.raises(NotHandledError, match=why):
            playa_page_to_chars(playa_doc.pages[0], PageFrame.of_plumber_page(plumber_page))
        expected = plumber_page_to_chars(plumber_page)
    playa_doc.close()
    sources = _Sources(path, pdfium.PdfDocument(str(path)), PdfSettings())
    try:
        chars = sources.pdf_chars(1)
        assert chars == expected
        assert "".join(str(c["text"]) for c in chars).strip()
    finally:
        sources.close()


def test_character_spacing_after_a_strings_last_glyph(tmp_path: Path) -> None:
    """The one place PLAYA's positions differ from pdfminer's: the character spacing (Tc) that
    follows the last glyph of a string. The PDF applies it after every glyph (PDF 2.0,
    9.3.2); pdfminer forgets it at the end of each string, so the next string starts Tc too far
    left. PLAYA follows the PDF: here the fifth character starts right after the fourth."""
    path = write_pdf(tmp_path / "tc.pdf", cid_font(), f"BT /F1 12 Tf 1.5 Tc 72 700 Td {HAN} ET")
    playa_doc = open_document(path)
    with pdfplumber.open(path) as pdf:
        frame = PageFrame.of_plumber_page(pdf.pages[0])
        ours = playa_page_to_chars(playa_doc.pages[0], frame)
        theirs = layout_to_chars(pdf.pages[0])
    playa_doc.close()
    assert [c["text"] for c in ours] == [c["text"] for c in theirs] == list("项目名称：")
    assert ours[:4] == theirs[:4]
    step = ours[1]["x0"] - ours[0]["x0"]  # /DW 1000: 1000/1000 × 12 + 1.5
    assert step == pytest.approx(13.5)
    assert ours[4]["x0"] - ours[3]["x0"] == pytest.approx(step)
    assert theirs[4]["x0"] - theirs[3]["x0"] == pytest.approx(step - 1.5)


def test_a_file_playa_cannot_open_is_read_by_pdfminer(tmp_path: Path) -> None:
    """Where PLAYA fails (here: told to open a file that is gone after pdfminer opened it),
    the page is read by pdfminer, never lost."""
    path = write_pdf(tmp_path / "one.pdf", cid_font(), f"BT /F1 12 Tf 72 700 Td {HAN} ET")
    sources = _Sources(path, pdfium.PdfDocument(str(path)), PdfSettings())
    try:
        expected = plumber_page_to_chars(sources.plumber_page(1))
        path.unlink()
        assert sources.pdf_chars(1) == expected
        assert sources.playa_failed
    finally:
        sources.close()


# -- where each page is placed, without pdfplumber --------------------------------------------


def frames_match(path: Path) -> int:
    """Pages of ``path`` placed by :class:`DocumentFrames` exactly as pdfplumber places them
    (every page: a page's ``doctop`` sums the heights of all pages before it)."""
    try:
        plumber = pdfplumber.open(path)
    except Exception:
        return 0  # the damaged, password and not-a-PDF fixtures
    playa_doc = open_document(path)
    try:
        frames = DocumentFrames(playa_doc)
        for number, page in enumerate(plumber.pages, start=1):
            mine, theirs = frames.frame(number), PageFrame.of_plumber_page(page)
            assert mine == theirs, f"{path.name} page {number}"
            assert [type(v) for v in (mine.height, mine.doctop)] == [
                type(v) for v in (theirs.height, theirs.doctop)
            ]
        return len(plumber.pages)
    finally:
        plumber.close()
        playa_doc.close()


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: str(p.relative_to(ROOT / "fixtures")))
def test_fixture_pages_placed_as_pdfplumber_places_them(path: Path) -> None:
    frames_match(path)


def test_variants_placed_as_pdfplumber_places_them() -> None:
    assert sum(frames_match(path) for path in VARIANTS) >= len(VARIANTS)


def write_boxed_pdf(path: Path, pages: list[str]) -> Path:
    """A PDF of pages with these attributes (MediaBox, Rotate, …), the first MediaBox on the
    page tree for pages that give none, each drawing 项目名称 in a font not embedded."""
    stream = f"BT /F1 12 Tf 72 100 Td {HAN} ET".encode("latin-1")
    first = 3 + 1  # the stream and the font come before the pages
    kids = " ".join(f"{first + 1 + k} 0 R" for k in range(len(pages)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} /MediaBox [0 0 300 400] "
        "/Resources << /Font << /F1 4 0 R >> >> >>".encode("latin-1"),
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        cid_font().encode("latin-1"),
        *(f"<< /Type /Page /Parent 2 0 R {attrs} /Contents 3 0 R >>".encode() for attrs in pages),
    ]
    path.write_bytes(objects_to_pdf(objects))
    return path


def test_boxes_and_turns_placed_as_pdfplumber_places_them(tmp_path: Path) -> None:
    """Corners given in any order, a box away from the origin, fractions, turned pages and an
    inherited box, one after another, so each doctop sums unlike heights."""
    pages = [
        "/MediaBox [0 0 595 842]",
        "/MediaBox [595 842 0 0]",
        "/MediaBox [10.5 20.25 610 812.75]",
        "/MediaBox [0 0 595 842] /Rotate 90",
        "/MediaBox [-30 -40 400 500.5] /Rotate -90",
        "/MediaBox [0 0 842 595] /Rotate 180",
        "",  # inherits [0 0 300 400]
        "/MediaBox [0 0 595.3 841.9] /Rotate 450",
    ]
    path = write_boxed_pdf(tmp_path / "boxes.pdf", pages)
    assert frames_match(path) == len(pages)
    # the characters too, but for the corners given top right first: pdfminer moves the origin
    # to the first corner as given (its characters fall off the page), PLAYA to the lower left
    unreversed = write_boxed_pdf(tmp_path / "unreversed.pdf", pages[:1] + pages[2:])
    assert check_same(unreversed) == len(pages) - 1


def test_a_box_of_other_things_is_placed_by_pdfplumber(tmp_path: Path) -> None:
    """A MediaBox that is not four numbers: the frame is pdfplumber's (here it reads it) for
    that page and the pages after it, and the characters are still PLAYA's."""
    path = write_boxed_pdf(
        tmp_path / "odd.pdf",
        ["/MediaBox [0 0 595 842]", "/MediaBox [0 0 595 842 0]", "/MediaBox [0 0 300 300]"],
    )
    playa_doc = open_document(path)
    frames = DocumentFrames(playa_doc)
    assert frames.frame(1).height == 842
    for number in (2, 3):
        with pytest.raises(NotHandledError, match="MediaBox"):
            frames.frame(number)
    playa_doc.close()
    sources = _Sources(path, pdfium.PdfDocument(str(path)), PdfSettings())
    try:
        with pdfplumber.open(path) as pdf:
            expected = [layout_to_chars(page) for page in pdf.pages]
        for number in (1, 2, 3):
            assert sources.pdf_chars(number) == expected[number - 1], number
        assert sources.plumber is not None  # asked for the frames of pages 2 and 3
    finally:
        sources.close()


def test_pdfplumber_is_not_opened_for_a_page_playa_reads(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "one.pdf", cid_font(), f"BT /F1 12 Tf 72 700 Td {HAN} ET")
    sources = _Sources(path, pdfium.PdfDocument(str(path)), PdfSettings())
    try:
        assert "".join(str(c["text"]) for c in sources.pdf_chars(1)) == "项目名称："
        assert sources.plumber is None
    finally:
        sources.close()
