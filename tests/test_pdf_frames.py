"""Golden: every PDF fixture gives exactly the frames its tables give when read from text.

fixtures/pdf/MANIFEST.json, fixtures/pdf/families/MANIFEST.json and
fixtures/pdf/fonts/MANIFEST.json name, for each PDF, the text file and table number of each
table it holds, in order. Provenance columns (file, page, line, reader) differ by nature and are
left out; every other value, every number included, must be exactly equal. The fonts fixtures
name their fonts without embedding them: their frames prove the text and widths come from the
PDF, not from the machine's fonts (tests/test_pdf_fonts_hidden.py runs this file with every
system font hidden).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.frames_compare import FIXTURES, assert_table_equals_text, fixture_frames

MANIFEST = {
    f"{folder}/{name}": entry
    for folder in ("pdf", "pdf/families", "pdf/fonts")
    for name, entry in json.loads(
        (FIXTURES / folder / "MANIFEST.json").read_text(encoding="utf-8")
    ).items()
}
#: Problems that only a text export can have (a row shifted by a column), or only a PDF.
SOURCE_ONLY = {
    "row_realigned",
    "unreadable_text",
    "garbled_cell",
    "scanned_page",
    "ocr_page",
    "table_not_found",
}
PDFS = sorted(name for name, entry in MANIFEST.items() if entry["tables"])


@pytest.mark.parametrize("pdf", PDFS)
def test_pdf_frames_equal_text_frames(pdf: str) -> None:
    pdf_frames = fixture_frames(pdf)
    expected = MANIFEST[pdf]["tables"]
    ocr = MANIFEST[pdf].get("ocr_tables", [])  # read by OCR: compared in tests/test_scan_frames
    assert len(pdf_frames.tables) == len(expected) + len(ocr)
    for number, entry in enumerate(expected, start=1):
        pdf_id = f"{Path(pdf).name}#{number}"
        text_id = f"{Path(entry['text']).name}#{entry['table']}"
        text_frames = fixture_frames(entry["text"])
        assert_table_equals_text(pdf_frames, pdf_id, text_frames, text_id, SOURCE_ONLY)
        pages = pdf_frames.tables.set_index("table_id").loc[pdf_id]
        assert (pages["page_start"], pages["page_end"]) == (entry["page_start"], entry["page_end"])
