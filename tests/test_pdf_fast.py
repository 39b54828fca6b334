"""The PDFium reader against the pure-pdfplumber reader: the same grids from every fixture PDF.

Golden rule: for every PDF in fixtures/pdf (and fixtures/pdf/families), ``reader="pdfium"`` and
``reader="pdfplumber"`` give the same tables: same cells at the same places with the same
spans, bboxes equal within 0.01 pt, same text, title, year line and problems. Known
differences are kept as strict xfails, so they announce themselves when fixed.
"""

from __future__ import annotations

import hashlib
import math
from contextlib import closing
from functools import cache
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.extract.readers.pdf.pdfium_records import (
    Record,
    box_to_frame,
    page_to_frame,
    round4,
    textpage_to_chars,
    textpage_to_codes,
)
from jixiao.extract.readers.pdf.pdfium_tables import page_to_records
from jixiao.extract.readers.pdf.plumber_tables import curves_to_lines, page_without_fake_bold
from jixiao.extract.readers.pdf.reader import PdfExtraction, pdf_to_extraction
from jixiao.extract.readers.pdf.settings import PdfSettings
from jixiao.extract.readers.pdf.text import chars_without_fake_bold
from jixiao.model.grid import Grid

PDF = Path(__file__).resolve().parents[1] / "fixtures" / "pdf"
NAMES = sorted(
    str(path.relative_to(PDF))
    for path in [
        *PDF.glob("*.pdf"),
        *(PDF / "families").glob("*.pdf"),
        *(PDF / "fonts").glob("*.pdf"),
    ]
)
BBOX_TOLERANCE = 0.01

# PDFium drops a space drawn at the end of a text object (LibreOffice ends a wrapped run with
# one): "培训资料再生纸 使用率" reads "培训资料再生纸使用率". Squashed text is still equal.
# (Pages whose fonts are not embedded are read with pdfminer's characters: no such difference.)
DROPPED_SPACES = {"lo_annual_report.pdf", "lo_seed.pdf"}
# LibreOffice's fonts carry /Ascent 0 /Descent 0; pdfminer takes the 0, PDFium the font's own
# descent, so characters sit 0.12 em lower and a prose line crosses the 90 pt window above
# the table in which the title and context lines are looked for.
CONTEXT_WINDOW = {"lo_split_rows.pdf"}


def known(name: str, names: set[str], reason: str) -> object:
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if name in names else []
    return pytest.param(name, id=name, marks=marks)


@cache
def read(name: str, reader: str) -> PdfExtraction:
    return pdf_to_extraction(PDF / name, display_name=name, settings=PdfSettings(reader=reader))


def both(name: str) -> list[tuple[Grid, Grid]]:
    fast, plumber = read(name, "pdfium"), read(name, "pdfplumber")
    assert len(fast.grids) == len(plumber.grids)
    return list(zip(fast.grids, plumber.grids, strict=True))


def squash(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("name", NAMES)
def test_same_cells_spans_and_boxes(name: str) -> None:
    for fast, plumber in both(name):
        assert (fast.n_rows, fast.n_cols) == (plumber.n_rows, plumber.n_cols)
        assert (fast.page_start, fast.page_end) == (plumber.page_start, plumber.page_end)
        assert [(c.row, c.col, c.rowspan, c.colspan) for c in fast.cells] == [
            (c.row, c.col, c.rowspan, c.colspan) for c in plumber.cells
        ]
        for a, b in zip(fast.cells, plumber.cells, strict=True):
            assert a.source.page == b.source.page
            assert a.source.bbox is not None
            assert b.source.bbox is not None
            assert a.source.bbox == pytest.approx(b.source.bbox, abs=BBOX_TOLERANCE)


@pytest.mark.parametrize("name", NAMES)
def test_same_text_without_spaces(name: str) -> None:
    for fast, plumber in both(name):
        assert [squash(c.text) for c in fast.cells] == [squash(c.text) for c in plumber.cells]


@pytest.mark.parametrize(
    "name", [known(n, DROPPED_SPACES, "PDFium drops a space ending a text object") for n in NAMES]
)
def test_same_text(name: str) -> None:
    for fast, plumber in both(name):
        assert [c.text for c in fast.cells] == [c.text for c in plumber.cells]


@pytest.mark.parametrize("name", NAMES)
def test_same_title_and_year(name: str) -> None:
    for fast, plumber in both(name):
        assert (fast.title, fast.year_text) == (plumber.title, plumber.year_text)


@pytest.mark.parametrize(
    "name", [known(n, CONTEXT_WINDOW, "fonts with /Descent 0 sit lower in PDFium") for n in NAMES]
)
def test_same_context(name: str) -> None:
    for fast, plumber in both(name):
        assert fast.context == plumber.context


@pytest.mark.parametrize("name", NAMES)
def test_same_problems(name: str) -> None:
    def view(result: PdfExtraction) -> list[tuple[str, str, int | None]]:
        problems = [*result.problems, *(p for g in result.grids for p in g.problems)]
        return sorted((p.code, p.message, p.source.page) for p in problems)

    assert view(read(name, "pdfium")) == view(read(name, "pdfplumber"))
    assert read(name, "pdfium").pages == read(name, "pdfplumber").pages


def test_auto_reads_with_pdfium_and_falls_back_to_camelot() -> None:
    assert {g.reader for g in read("lo_seed.pdf", "auto").grids} == {"pdfium"}
    assert {g.reader for g in read("rl_raster_rules.pdf", "auto").grids} == {"camelot"}
    assert read("rl_raster_rules.pdf", "pdfium").grids == ()


def test_pdfplumber_reader_is_pure_pdfplumber() -> None:
    assert {g.reader for g in read("lo_seed.pdf", "pdfplumber").grids} == {"pdfplumber"}


# -- the records ------------------------------------------------------------------------------


def _records(name: str, number: int) -> tuple[list[Record], list[Record], list[Record]]:
    """PDFium's edges and chars of a page, and pdfplumber's edges (with curve pieces)."""
    doc = pdfium.PdfDocument(str(PDF / name))
    try:
        page = doc[number - 1]
        records = page_to_records(page)
        page.close()
    finally:
        doc.close()
    with pdfplumber.open(str(PDF / name)) as pdf:
        plumber = pdf.pages[number - 1]
        lines = [
            {**ln, "orientation": "v" if ln["x0"] == ln["x1"] else "h"}
            for ln in curves_to_lines(plumber.curves)
        ]
        edges = [e for e in plumber.edges if e["orientation"] in ("h", "v")] + lines
    return list(records.edges), list(records.chars), edges


def _edge_set(edges: list[Record]) -> set[tuple[str, float, float, float, float]]:
    def at(e: Record, key: str) -> float:
        return round(float(e[key]), 1)

    return {
        (str(e["orientation"]), at(e, "x0"), at(e, "top"), at(e, "x1"), at(e, "bottom"))
        for e in edges
    }


@pytest.mark.parametrize(
    ("name", "number"),
    [("lo_annual_report.pdf", 36), ("rl_annual_report.pdf", 45), ("rl_rotated.pdf", 1)],
)
def test_ruling_edges_are_pdfplumbers(name: str, number: int) -> None:
    fast, _, plumber = _records(name, number)
    assert _edge_set(fast) == _edge_set(plumber)


@pytest.mark.parametrize(("name", "number"), [("lo_annual_report.pdf", 36), ("lo_rotated.pdf", 1)])
def test_characters_line_up_with_pdfplumbers(name: str, number: int) -> None:
    """PDFium's characters (fonts embedded) have pdfminer's text, left edges and sizes."""
    _, chars, _ = _records(name, number)
    with pdfplumber.open(str(PDF / name)) as pdf:
        theirs = page_without_fake_bold(pdf.pages[number - 1]).chars
    assert [c["text"] for c in chars] == [c["text"] for c in theirs]
    for mine, their in zip(chars, theirs, strict=True):
        assert mine["x0"] == pytest.approx(their["x0"], abs=0.05)
        assert mine["size"] == pytest.approx(their["size"], abs=0.05)


@pytest.mark.parametrize(
    ("name", "number"),
    [("lo_annual_report.pdf", 36), ("lo_rotated.pdf", 1), ("rl_annual_report.pdf", 40)],
)
def test_codes_in_one_call_are_pdfiums_per_character(name: str, number: int) -> None:
    """The page's codes taken in one ``FPDFText_GetText`` call line up with the character
    indices: each is what ``FPDFText_GetUnicode`` gives for its index."""
    with closing(pdfium.PdfDocument(str(PDF / name))) as doc:
        page = doc[number - 1]
        textpage = page.get_textpage()
        count = pdfium_c.FPDFText_CountChars(textpage.raw)
        one_by_one = [pdfium_c.FPDFText_GetUnicode(textpage.raw, i) for i in range(count)]
        codes = textpage_to_codes(textpage)
        textpage.close()
        page.close()
    assert count > 100
    assert codes == one_by_one


def test_dedupe_drops_what_pdfplumber_drops() -> None:
    from pdfplumber.utils.text import dedupe_chars  # noqa: PLC0415 - the reference only

    _, chars, _ = _records("rl_seed.pdf", 1)
    doubled = [*chars, *({**c, "x0": c["x0"] + 0.3, "doctop": c["doctop"] + 0.3} for c in chars)]
    doubled += [{**chars[0], "x0": chars[0]["x0"] + 5}]  # near, but not within the tolerance
    theirs = dedupe_chars(doubled, tolerance=1, extra_attrs=("fontname",))
    assert chars_without_fake_bold(doubled) == theirs
    assert len(chars_without_fake_bold(doubled)) == len(chars) + 1


@pytest.mark.parametrize(
    ("rotation", "point", "expected"),
    [
        (0, (100, 700), (100.0, 100.0)),
        (90, (100, 700), (700.0, 100.0)),
        (180, (100, 700), (500.0, 700.0)),
        (270, (100, 700), (100.0, 500.0)),
    ],
)
def test_frame_turns_like_pdfminer(
    rotation: int, point: tuple[float, float], expected: tuple[float, float]
) -> None:
    assert box_to_frame((0, 0, 600, 800), rotation).point(*point) == expected


# -- rounding: round4 is round(x, 4) -----------------------------------------------------------


def _same_float(a: float, b: float) -> bool:
    """The same float: equal with the same sign (zeros), or both NaN."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


@settings(max_examples=3000, deadline=None)
@given(
    x=st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.floats(-20000, 20000),
        st.integers(-(10**9), 10**9).map(lambda k: (k + 0.5) / 10000),  # halves, near
        st.integers(-(10**9), 10**9).map(lambda k: k / 20000),
        st.floats(-1e-3, 1e-3),
    )
)
def test_round4_is_round(x: float) -> None:
    assert _same_float(round4(x), round(x, 4))


@pytest.mark.parametrize(
    "x", [0.03125, -0.03125, 0.00005, -0.00005, 1e-300, -1e-300, 0.0, -0.0, 99999.99995, 1e9]
)
def test_round4_is_round_at_edges(x: float) -> None:
    assert _same_float(round4(x), round(x, 4))


# -- characters: the same records as at the start of #26 ---------------------------------------


def _chars_digest(chars: list[Record]) -> str:
    rows = [tuple(sorted((key, repr(value)) for key, value in char.items())) for char in chars]
    return hashlib.sha256(repr(rows).encode()).hexdigest()[:16]


@pytest.mark.parametrize(
    ("name", "number", "digest"),
    [
        ("lo_annual_report.pdf", 36, "0cdd6234f3aad13e"),
        ("lo_rotated.pdf", 1, "2fd3c025ad138f44"),  # /Rotate: the baseline is an x
        ("lo_seed.pdf", 1, "de6fd650ed227abe"),
    ],
)
def test_characters_are_unchanged(name: str, number: int, digest: str) -> None:
    """Every field of every character, as textpage_to_chars gave them before its shortcuts
    (round4, the top and bottom once per baseline run; 'width' was dropped then)."""
    with closing(pdfium.PdfDocument(PDF / name)) as document:
        page = document[number - 1]
        textpage = page.get_textpage()
        chars = textpage_to_chars(textpage, page_to_frame(page))
        textpage.close()
        page.close()
    assert _chars_digest(chars) == digest
