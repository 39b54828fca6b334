"""Fonts that are not embedded: the text and widths come from the PDF, never from the machine.

fixtures/pdf/fonts/ holds PDFs whose fonts are named but not embedded (SimSun with Identity-H
and /ToUnicode, SimHei with GBK-EUC-H, MingLiU and MSung in traditional characters, Times New
Roman and Arial for Latin runs); their MANIFEST.json records what each page draws. Whatever
fonts this machine has, a page with such a font must read exactly that (the rule:
:mod:`jixiao.extract.readers.pdf.pages`); tests/test_pdf_fonts_hidden.py runs this file again with
every system font hidden.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest

from jixiao.extract.readers.pdf import plumber_tables  # patched below: the reader loads it late
from jixiao.extract.readers.pdf.pages import PageScan, TextSource, squash
from jixiao.extract.readers.pdf.pdfium_records import page_fonts_embedded, page_to_fonts
from jixiao.extract.readers.pdf.pdfium_tables import MINER_READER, PageRecords, page_to_records
from jixiao.extract.readers.pdf.plumber_tables import (
    CHAR_FIELDS,
    layout_to_chars,
    plumber_page_to_chars,
)
from jixiao.extract.readers.pdf.reader import pdf_to_extraction, pdf_to_scans

PDF = Path(__file__).resolve().parents[1] / "fixtures" / "pdf"
FONTS = PDF / "fonts"
MANIFEST: dict[str, dict[str, Any]] = json.loads(
    (FONTS / "MANIFEST.json").read_text(encoding="utf-8")
)
#: The fonts each fixture names (base font, embedded?), as the generator writes them.
NAMED = {
    "nf_simsun_identity.pdf": [("SimSun", False), ("TimesNewRomanPSMT", False)],
    "nf_simhei_gbk.pdf": [("SimHei", False)],
    "nf_mingliu_identity_tc.pdf": [("ArialMT", False), ("MingLiU", False)],
    "nf_msung_big5_tc.pdf": [("MSungStd-Light", False)],
}


@cache
def scans(name: str) -> list[PageScan]:
    return pdf_to_scans(FONTS / name)


def test_every_font_fixture_is_listed() -> None:
    assert sorted(NAMED) == sorted(MANIFEST) == sorted(p.name for p in FONTS.glob("*.pdf"))


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_page_text_is_exactly_what_was_drawn(name: str) -> None:
    """The page finder's text (labels are compared in simplified characters) is the text drawn."""
    assert [scan.text for scan in scans(name)] == [squash(t) for t in MANIFEST[name]["page_texts"]]


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_characters_are_exactly_what_was_drawn(name: str) -> None:
    """pdfminer's characters of every page, as printed (traditional stays traditional)."""
    import pdfplumber  # noqa: PLC0415 - the reference reader, for this test only

    with pdfplumber.open(str(FONTS / name)) as pdf:
        texts = ["".join(c["text"] for c in plumber_page_to_chars(page)) for page in pdf.pages]
    assert ["".join(t.split()) for t in texts] == MANIFEST[name]["page_texts"]


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_fonts_are_named_not_embedded(name: str) -> None:
    doc = pdfium.PdfDocument(str(FONTS / name))
    try:
        page = doc[0]
        try:
            assert page_to_fonts(page) == NAMED[name]
            assert not page_fonts_embedded(page)
        finally:
            page.close()
    finally:
        doc.close()


@pytest.mark.parametrize(
    ("folder", "name", "source"),
    [
        pytest.param(FONTS, "nf_simsun_identity.pdf", TextSource.PDFMINER, id="nf_simsun"),
        pytest.param(FONTS, "nf_msung_big5_tc.pdf", TextSource.PDFMINER, id="nf_msung"),
        pytest.param(PDF, "rl_seed.pdf", TextSource.PDFMINER, id="reportlab-STSong-Light"),
        pytest.param(PDF, "lo_seed.pdf", TextSource.PDFIUM, id="libreoffice-embedded"),
        pytest.param(PDF, "lo_annual_report.pdf", TextSource.PDFIUM, id="lo-report"),
        pytest.param(PDF, "rl_annual_report.pdf", TextSource.PDFMINER, id="rl-report"),
    ],
)
def test_pdfium_characters_only_where_every_font_is_embedded(
    folder: Path, name: str, source: TextSource
) -> None:
    assert {scan.source for scan in pdf_to_scans(folder / name)} == {source}


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_tables_read_with_pdfminers_characters(name: str) -> None:
    grids = pdf_to_extraction(FONTS / name).grids
    assert {grid.reader for grid in grids} <= {MINER_READER}


def _records(name: str, number: int) -> PageRecords:
    """The records jixiao reads a page of a fonts fixture with."""
    import pdfplumber  # noqa: PLC0415 - the reference reader, for this helper only

    doc = pdfium.PdfDocument(str(FONTS / name))
    try:
        page = doc[number - 1]
        try:
            with pdfplumber.open(str(FONTS / name)) as pdf:
                chars = plumber_page_to_chars(pdf.pages[number - 1])
            return page_to_records(page, chars=chars)
        finally:
            page.close()
    finally:
        doc.close()


@pytest.mark.parametrize(
    ("name", "font"),
    [
        pytest.param("nf_simsun_identity.pdf", "SimSun", id="SimSun-W"),
        pytest.param("nf_simsun_identity.pdf", "TimesNewRomanPSMT", id="TimesNewRoman-Widths"),
        pytest.param("nf_simhei_gbk.pdf", "SimHei", id="SimHei-GBK-W"),
        pytest.param("nf_mingliu_identity_tc.pdf", "ArialMT", id="Arial-Widths"),
        pytest.param("nf_msung_big5_tc.pdf", "MSungStd-Light", id="MSung-Big5-W"),
    ],
)
def test_advance_widths_come_from_the_pdf(name: str, font: str) -> None:
    """Each character is as wide as the font's /W (or /Widths) entry says, times its size
    (the writer recorded the widths it gave in the manifest)."""
    widths = MANIFEST[name]["widths"][font]
    chars = [c for c in _records(name, 1).chars if c["fontname"] == font]
    assert len(chars) > 20
    if len(set(widths.values())) > 1:  # half- and full-width characters on the page
        assert len({widths[c["text"]] for c in chars}) > 1
    for char in chars:
        expected = widths[char["text"]] * float(char["size"]) / 1000
        assert float(char["x1"]) - float(char["x0"]) == pytest.approx(expected, abs=1e-6), char


@pytest.mark.parametrize(
    ("path", "number"),
    [
        pytest.param(FONTS / "nf_simsun_identity.pdf", 1, id="nf_simsun"),
        pytest.param(FONTS / "nf_simhei_gbk.pdf", 5, id="nf_simhei-bottom-start"),
        pytest.param(PDF / "rl_rotated.pdf", 1, id="rl_rotated"),
        pytest.param(PDF / "rl_fake_bold.pdf", 1, id="rl_fake_bold"),
        pytest.param(PDF / "lo_seed.pdf", 2, id="lo_seed"),
    ],
)
def test_layout_characters_are_pdfplumbers(path: Path, number: int) -> None:
    """The characters built from pdfminer's layout are pdfplumber's ``page.chars``."""
    import pdfplumber  # noqa: PLC0415 - the reference reader, for this test only

    with pdfplumber.open(str(path)) as pdf:
        page = pdf.pages[number - 1]
        theirs = [{key: char[key] for key in CHAR_FIELDS} for char in page.chars]
        page.flush_cache()
        assert layout_to_chars(page) == theirs


def test_a_page_pdfminer_cannot_parse_is_one_failed_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """A page with a font not embedded that neither PLAYA nor then pdfminer can parse becomes
    one ``unreadable_pdf`` problem for that page (pdfminer's error); the other pages' tables
    are still read."""
    import jixiao.extract.readers.pdf.reader as pdf_module  # noqa: PLC0415 - patched for this test only

    real, real_playa = plumber_tables.plumber_page_to_chars, pdf_module.playa_page_to_chars

    def failing(page: Any) -> Any:
        if page.page_number == 2:
            raise ValueError("broken content stream")
        return real(page)

    def failing_playa(page: Any, frame: Any) -> Any:
        if page.page_idx == 1:
            raise KeyError("PLAYA fails too")
        return real_playa(page, frame)

    monkeypatch.setattr(plumber_tables, "plumber_page_to_chars", failing)
    monkeypatch.setattr(pdf_module, "playa_page_to_chars", failing_playa)
    result = pdf_to_extraction(PDF / "rl_seed.pdf")
    assert [g.page_start for g in result.grids] == [1, 3, 4, 5, 6]
    failed = [p for p in result.problems if p.code == "unreadable_pdf"]
    assert [(p.source.page, p.found) for p in failed] == [(2, "ValueError: broken content stream")]
