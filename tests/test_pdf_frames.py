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
from collections import Counter
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from jixiao.pipeline.runner import InputFile, file_to_result
from jixiao.score import Frames, load_policy

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
MANIFEST = {
    f"{folder}/{name}": entry
    for folder in ("pdf", "pdf/families", "pdf/fonts")
    for name, entry in json.loads(
        (FIXTURES / folder / "MANIFEST.json").read_text(encoding="utf-8")
    ).items()
}
POLICY = (load_policy("national"),)
PROVENANCE = {
    "tables": [
        "table_id",
        "source_file",
        "source_kind",
        "reader",
        "page_start",
        "page_end",
        "line_start",
    ],
    "funds": ["table_id"],
    "indicators": ["table_id", "source_file", "page", "line"],
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


@cache
def _frames(relative: str) -> Frames:
    path = FIXTURES / relative
    return file_to_result(InputFile(path, path.name), POLICY).frames


PDFS = sorted(name for name, entry in MANIFEST.items() if entry["tables"])


def _table(frames: Frames, name: str, table_id: str) -> pd.DataFrame:
    frame = getattr(frames, name)
    return frame[frame["table_id"] == table_id].drop(columns=PROVENANCE[name])


def _problems(frames: Frames, table_id: str) -> Counter[tuple[str, str, str, str]]:
    p = frames.problems[frames.problems["table_id"] == table_id]
    return Counter(
        (code, field, expected, found)
        for code, field, expected, found in p[["code", "field", "expected", "found"]].itertuples(
            index=False
        )
        if code not in SOURCE_ONLY
    )


@pytest.mark.parametrize("pdf", PDFS)
def test_pdf_frames_equal_text_frames(pdf: str) -> None:
    pdf_frames = _frames(pdf)
    expected = MANIFEST[pdf]["tables"]
    ocr = MANIFEST[pdf].get("ocr_tables", [])  # read by OCR: compared in tests/test_scan_frames
    assert len(pdf_frames.tables) == len(expected) + len(ocr)
    for number, entry in enumerate(expected, start=1):
        text_frames = _frames(entry["text"])
        pdf_id = f"{Path(pdf).name}#{number}"
        text_id = f"{Path(entry['text']).name}#{entry['table']}"
        for name in PROVENANCE:
            got = _table(pdf_frames, name, pdf_id).reset_index(drop=True)
            want = _table(text_frames, name, text_id).reset_index(drop=True)
            pd.testing.assert_frame_equal(got, want, check_exact=True, obj=f"{pdf_id} {name}")
        assert _problems(pdf_frames, pdf_id) == _problems(text_frames, text_id), pdf_id
        pages = pdf_frames.tables.set_index("table_id").loc[pdf_id]
        assert (pages["page_start"], pages["page_end"]) == (entry["page_start"], entry["page_end"])
