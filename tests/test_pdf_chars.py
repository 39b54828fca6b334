"""PDFium's characters (:func:`textpage_to_chars`) are the records a plain reading gives, on
every page of every fixture PDF: every field of every character, with its type and the sign of
its zeros (#26, round 4: the per-character shortcuts must not change a character); fake bold
is dropped as pdfplumber drops it, on generated characters; the ruling edges of every page are
the ones a walk of its objects through pypdfium2's own bindings gives.

The plain reading asks PDFium through pypdfium2's own bindings, one character at a time, every
value worked out for every character and rounded by ``round(x, 4)``, as the records were read
before any shortcut.
"""

from __future__ import annotations

import ctypes
import itertools
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.extract.readers.pdf.pdfium_records import (
    IDENTITY,
    Matrix,
    PageFrame,
    _to_frame,
    multiply,
    page_to_edges,
    page_to_frame,
    segment_to_edge,
    textpage_to_chars,
)
from jixiao.extract.readers.pdf.text import chars_without_fake_bold
from tests.pdf_bytes import objects_to_pdf

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PDFS = sorted(
    path
    for path in FIXTURES.rglob("*.pdf")
    if path.name not in {"damaged.pdf", "not_a_pdf.pdf", "password.pdf"}
)


# Text in every direction: level, turned a quarter and a half, slanted, sheared, raised, in a
# Type 1 standard font (PDFium's own, the same on every machine), on pages turned by /Rotate
# with their MediaBox off the origin.
_TURNED_TEXT = b"""BT /F1 12 Tf 1 0 0 1 50 700 Tm (Level text) Tj 0 -14 Td (next line) Tj ET
BT /F1 12 Tf 0 1 -1 0 100 400 Tm (Turned) Tj ET
BT /F1 12 Tf -1 0 0 -1 400 300 Tm (Upside) Tj ET
BT /F1 12 Tf 0.866 0.5 -0.5 0.866 200 200 Tm (Slanted) Tj ET
BT /F1 12 Tf 1 0 0.3 1 50 100 Tm (Sheared) Tj ET
BT /F1 9 Tf 1 0 0 1 300 600 Tm (a) Tj 3 Ts (b) Tj -2 Ts (c) Tj ET
BT /F1 10 Tf 2 0 0 -1 300 500 Tm (Mirrored) Tj ET
BT /F1 10 Tf 1 0 0 1 10 640 Tm (At the edge) Tj -1 0 0 1 10 620 Tm (Back) Tj ET
BT /F1 10 Tf -1 0 0 1 -0 600 Tm (Zero) Tj 1 0 0 1 -0 580 Tm (zero) Tj ET"""


def _turned_pdf(rotate: int) -> bytes:
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [10 20 622 812] /Rotate %d " % rotate
    page += b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>"
    return objects_to_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            page,
            b"<< /Length %d >>\nstream\n" % len(_TURNED_TEXT) + _TURNED_TEXT + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )


def _plain_font(font: Any) -> tuple[str, float]:
    if not font:
        return "", 0.0
    buffer = ctypes.create_string_buffer(256)
    size = pdfium_c.FPDFFont_GetBaseFontName(font, buffer, 256)
    name = buffer.raw[: max(size - 1, 0)].decode("utf-8", "replace")
    value = ctypes.c_float()
    descent = 0.0
    if pdfium_c.FPDFFont_GetDescent(font, ctypes.c_float(1000.0), value):
        descent = -abs(value.value) / 1000
    return name, descent


def _plain_chars(textpage: pdfium.PdfTextPage, frame: PageFrame) -> list[dict[str, Any]]:
    """The drawn characters of a page, each worked out on its own (the rule of
    :func:`textpage_to_chars`, written out plainly)."""
    raw = textpage.raw
    chars: list[dict[str, Any]] = []
    pending_high = ""
    for index in range(pdfium_c.FPDFText_CountChars(raw)):
        code = pdfium_c.FPDFText_GetUnicode(raw, index)
        if code in (0x0A, 0x0D, 0x20) and pdfium_c.FPDFText_IsGenerated(raw, index) == 1:
            continue
        if 0xD800 <= code < 0xDC00:
            pending_high = chr(code)
            continue
        if pdfium_c.FPDFText_HasUnicodeMapError(raw, index) == 1:
            text = "\ufffd"
        elif pending_high and 0xDC00 <= code < 0xE000:
            text = (pending_high + chr(code)).encode("utf-16", "surrogatepass").decode("utf-16")
        else:
            text = chr(code)
        pending_high = ""
        text_object = pdfium_c.FPDFText_GetTextObject(raw, index)
        fontname, descent = _plain_font(
            pdfium_c.FPDFTextObj_GetFont(text_object) if text_object else None
        )
        matrix = pdfium_c.FS_MATRIX()
        pdfium_c.FPDFText_GetMatrix(raw, index, matrix)
        ra, rb, rc, rd = frame.ctm[:4]
        a = matrix.a * ra + matrix.b * rc
        b = matrix.a * rb + matrix.b * rd
        c = matrix.c * ra + matrix.d * rc
        d = matrix.c * rb + matrix.d * rd
        upright = a * d > 0 and b * c <= 0
        level = upright and abs(b) < 1e-6 and abs(c) < 1e-6
        size = pdfium_c.FPDFText_GetFontSize(raw, index) * abs(d)
        loose = pdfium_c.FS_RECTF()
        pdfium_c.FPDFText_GetLooseCharBox(raw, index, loose)
        lx0, lt0 = frame.raw_point(loose.left, loose.top)
        lx1, lt1 = frame.raw_point(loose.right, loose.bottom)
        x0, x1 = round(min(lx0, lx1), 4), round(max(lx0, lx1), 4)
        if level:
            x, y = ctypes.c_double(), ctypes.c_double()
            pdfium_c.FPDFText_GetCharOrigin(raw, index, x, y)
            _, base = frame.raw_point(x.value, y.value)
            bottom = round(base - descent * size, 4)
            top = round(bottom - size, 4)
        else:
            top, bottom = round(min(lt0, lt1), 4), round(max(lt0, lt1), 4)
        height = round(bottom - top, 4)
        chars.append(
            {
                "object_type": "char",
                "text": text,
                "fontname": fontname,
                "size": height,
                "upright": upright,
                "x0": x0,
                "x1": x1,
                "top": top,
                "bottom": bottom,
                "doctop": top,
                "height": height,
            }
        )
    return chars


def _exact(char: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Each field with its type and repr (``-0.0`` is not ``0.0`` here), in key order."""
    return [(key, type(value).__name__, repr(value)) for key, value in char.items()]


def _pages(path: Path | bytes) -> Iterator[tuple[int, pdfium.PdfPage, pdfium.PdfTextPage]]:
    with closing(pdfium.PdfDocument(path)) as document:
        for number in range(1, len(document) + 1):
            page = document[number - 1]
            textpage = page.get_textpage()
            try:
                yield number, page, textpage
            finally:
                textpage.close()
                page.close()


@pytest.mark.parametrize("path", PDFS, ids=[str(p.relative_to(FIXTURES)) for p in PDFS])
def test_characters_are_the_plain_reading(path: Path) -> None:
    for number, page, textpage in _pages(path):
        frame = page_to_frame(page)
        fast = [_exact(char) for char in textpage_to_chars(textpage, frame)]
        plain = [_exact(char) for char in _plain_chars(textpage, frame)]
        assert fast == plain, f"page {number}"


@pytest.mark.parametrize("rotate", [0, 90, 180, 270])
def test_turned_characters_are_the_plain_reading(rotate: int) -> None:
    """Characters that are not level (their box is PDFium's loose box), which no fixture has."""
    for _, page, textpage in _pages(_turned_pdf(rotate)):
        frame = page_to_frame(page)
        fast = textpage_to_chars(textpage, frame)
        assert {char["upright"] for char in fast} == {True, False}
        assert [_exact(char) for char in fast] == [
            _exact(char) for char in _plain_chars(textpage, frame)
        ]


# -- fake bold: the characters pdfplumber's dedupe_chars keeps -----------------------------------

_placed_chars = st.lists(
    st.fixed_dictionaries(
        {
            "text": st.sampled_from("项目目标"),
            "fontname": st.sampled_from(["SimSun", "SimHei"]),
            "upright": st.booleans(),
            # a coarse grid: characters within the tolerance, at it, and past it
            "doctop": st.integers(0, 6).map(lambda k: k * 0.5),
            "x0": st.integers(0, 10).map(lambda k: k * 0.25),
        }
    ),
    max_size=40,
)


@settings(max_examples=400, deadline=None)
@given(chars=_placed_chars)
def test_fake_bold_is_pdfplumbers_dedupe(chars: list[dict[str, Any]]) -> None:
    from pdfplumber.utils.text import dedupe_chars  # noqa: PLC0415 - the reference only

    theirs = dedupe_chars(chars, tolerance=1, extra_attrs=("fontname",))
    mine = chars_without_fake_bold(chars)
    assert [id(char) for char in mine] == [id(char) for char in theirs]


# -- ruling: the points of every path, as pypdfium2's own bindings give them ---------------------


def _plain_subpaths(obj: Any) -> list[list[tuple[float, float]]]:
    subpaths: list[list[tuple[float, float]]] = []
    x, y = ctypes.c_float(), ctypes.c_float()
    bezier = 0
    for i in range(pdfium_c.FPDFPath_CountSegments(obj)):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj, i)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
        point = (x.value, y.value)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO or not subpaths:
            subpaths.append([point])
            bezier = 0
        elif kind == pdfium_c.FPDF_SEGMENT_BEZIERTO:
            bezier += 1
            if bezier % 3 == 0:
                subpaths[-1].append(point)
        else:
            subpaths[-1].append(point)
        if pdfium_c.FPDFPathSegment_GetClose(segment):
            subpaths[-1].append(subpaths[-1][0])
    return subpaths


def _plain_edges(page: pdfium.PdfPage, frame: PageFrame) -> list[dict[str, Any]]:
    """:func:`page_to_edges` with the page's objects walked through pypdfium2's bindings."""

    def matrix_of(obj: Any) -> Matrix:
        m = pdfium_c.FS_MATRIX()
        if not pdfium_c.FPDFPageObj_GetMatrix(obj, m):
            return IDENTITY
        return (m.a, m.b, m.c, m.d, m.e, m.f)

    count = pdfium_c.FPDFPage_CountObjects(page.raw)
    stack = [(pdfium_c.FPDFPage_GetObject(page.raw, i), IDENTITY, 0) for i in range(count)][::-1]
    edges: list[dict[str, Any]] = []
    while stack:
        obj, parent, depth = stack.pop()
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            full = multiply(multiply(matrix_of(obj), parent), frame.ctm)
            for subpath in _plain_subpaths(obj):
                points = [_to_frame(full, frame, p) for p in subpath]
                edges += filter(
                    None, (segment_to_edge(a, b) for a, b in itertools.pairwise(points))
                )
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < 8:
            inner = multiply(matrix_of(obj), parent)
            n = pdfium_c.FPDFFormObj_CountObjects(obj)
            stack += [(pdfium_c.FPDFFormObj_GetObject(obj, i), inner, depth + 1) for i in range(n)][
                ::-1
            ]
    return edges


@pytest.mark.parametrize("path", PDFS, ids=[str(p.relative_to(FIXTURES)) for p in PDFS])
def test_edges_are_the_plain_reading(path: Path) -> None:
    for number, page, _ in _pages(path):
        frame = page_to_frame(page)
        assert repr(page_to_edges(page, frame)) == repr(_plain_edges(page, frame)), f"page {number}"
