"""Golden: every layout family read from PDF gives the frames its text tables give.

fixtures/pdf/families/ holds each table of fixtures/families/*.txt printed by reportlab
(``rl_``) and LibreOffice (``lo_``) with real merged cells; its MANIFEST.json names, for each
PDF, the text file and table number of each table, in order (see fixtures/make_pdf_fixtures.py).
The whole pipeline runs on both forms; provenance columns (file, page, line, reader) differ by
nature and are left out, every other value, ``family``, ``extra`` and every number included,
must be equal, and the problems must be the same.
"""

from __future__ import annotations

import json
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from jixiao.extract.readers.pdf.reader import PdfExtraction, pdf_to_extraction
from jixiao.model.grid import Grid
from jixiao.pipeline.runner import InputFile, file_to_result
from jixiao.score import Frames, load_policy
from tests.fixture_generator import generator

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FAMILY_PDF = FIXTURES / "pdf" / "families"
MANIFEST: dict[str, dict[str, Any]] = json.loads(
    (FAMILY_PDF / "MANIFEST.json").read_text(encoding="utf-8")
)
POLICY = (load_policy("national"),)
#: Columns that say where a value came from: they differ between a PDF and a text file.
PROVENANCE = frozenset(
    (
        *("table_id", "source_file", "source_kind", "reader"),
        *("page_start", "page_end", "line_start", "page", "line"),
    )
)
#: Problems only a text export can have (a row shifted by a column).
TEXT_ONLY = frozenset({"row_realigned"})
FRAMES = ("tables", "funds", "indicators")
#: text file → the family its tables are read as
FAMILY_OF = {
    "standard_variants": "standard",
    "xianjie": "xianjie",
    "split_operator": "split_operator",
    "hubei": "hubei",
    "department_whole": "department_whole",
    "hebei_converted": "hebei_converted",
    "unknown_layout": "unknown",
}
PRODUCERS = {"rl": "reportlab", "lo": "LibreOffice"}


@cache
def frames_of(path: Path) -> Frames:
    return file_to_result(InputFile(path, path.name), POLICY).frames


@cache
def extraction(name: str) -> PdfExtraction:
    return pdf_to_extraction(FAMILY_PDF / name, display_name=name)


@cache
def text_table(file: str, number: int) -> Any:
    return generator().text_file_to_tables(FIXTURES / file)[number - 1]


def pairs() -> list[Any]:
    return [
        pytest.param(name, i, id=f"{name}#{i + 1}")
        for name, entry in MANIFEST.items()
        for i in range(len(entry["tables"]))
    ]


def squash(text: str) -> str:
    return "".join(text.split())


def grid_and_text(name: str, index: int) -> tuple[Grid, Any]:
    entry = MANIFEST[name]["tables"][index]
    return extraction(name).grids[index], text_table(entry["text"], entry["table"])


def table_rows(frames: Frames, frame: str, table_id: str) -> pd.DataFrame:
    data: pd.DataFrame = getattr(frames, frame)
    rows = data[data["table_id"] == table_id]
    kept = rows.drop(columns=[c for c in rows.columns if c in PROVENANCE])
    return kept.reset_index(drop=True)


def problems_of(frames: Frames, table_id: str) -> Counter[tuple[str, str, str, str]]:
    p = frames.problems[frames.problems["table_id"] == table_id]
    return Counter(
        row
        for row in p[["code", "field", "expected", "found"]].itertuples(index=False, name=None)
        if row[0] not in TEXT_ONLY
    )


# -- the fixtures cover every family, in both forms -------------------------------------------


def test_every_family_table_is_printed_by_both_producers() -> None:
    printed = Counter(
        (name.split("_", 1)[0], t["text"], t["table"])
        for name, entry in MANIFEST.items()
        for t in entry["tables"]
    )
    expected = Counter(
        (prefix, table.file, table.number)
        for path in sorted((FIXTURES / "families").glob("*.txt"))
        for table in generator().text_file_to_tables(path)
        for prefix in PRODUCERS
    )
    assert printed == expected
    assert {Path(t).stem for _, t, _ in printed} == set(FAMILY_OF)
    for name, entry in MANIFEST.items():
        assert entry["producer"] == PRODUCERS[name.split("_", 1)[0]]
        assert (FAMILY_PDF / name).stat().st_size == entry["bytes"]


# -- the grid: text, merges, heading ----------------------------------------------------------


@pytest.mark.parametrize("name", list(MANIFEST))
def test_pdf_reader_finds_every_table_and_no_problem(name: str) -> None:
    result = extraction(name)
    assert len(result.grids) == len(MANIFEST[name]["tables"])
    assert result.pages == MANIFEST[name]["pages"]
    assert result.problems == ()


@pytest.mark.parametrize(("name", "index"), pairs())
def test_grid_equals_text_table(name: str, index: int) -> None:
    """Merges expanded to blank cells, the grid is the text table (wrapping spaces aside)."""
    grid, table = grid_and_text(name, index)
    rows = [["" if cell is None else squash(cell.text) for cell in row] for row in grid.matrix()]
    assert rows == [[squash(cell) for cell in row] for row in table.rows]


@pytest.mark.parametrize(("name", "index"), pairs())
def test_merged_cells_have_the_printed_spans(name: str, index: int) -> None:
    grid, table = grid_and_text(name, index)
    printed = {(s.row, s.col, s.rowspan, s.colspan) for s in generator().rows_to_spans(table.rows)}
    assert {(c.row, c.col, c.rowspan, c.colspan) for c in grid.cells} == printed
    assert any(c.rowspan > 1 for c in grid.cells) or "unknown" in name


@pytest.mark.parametrize(("name", "index"), pairs())
def test_pages_title_and_year(name: str, index: int) -> None:
    entry = MANIFEST[name]["tables"][index]
    grid, table = grid_and_text(name, index)
    assert (grid.page_start, grid.page_end) == (entry["page_start"], entry["page_end"])
    assert grid.title == table.title
    assert squash(grid.year_text or "") == squash(table.year)


# -- the whole pipeline: frames and problems --------------------------------------------------


@pytest.mark.parametrize("name", list(MANIFEST))
def test_pdf_tables_are_read_as_their_family(name: str) -> None:
    """The frames themselves are compared with the text's in tests/test_pdf_frames.py."""
    pdf_frames = frames_of(FAMILY_PDF / name)
    expected = MANIFEST[name]["tables"]
    assert len(pdf_frames.tables) == len(expected)
    assert pdf_frames.problems["table_id"].fillna("").ne("").all(), "a whole-file problem"
    tables = pdf_frames.tables.set_index("table_id")
    for number, entry in enumerate(expected, start=1):
        row = tables.loc[f"{name}#{number}"]
        assert row["family"] == FAMILY_OF[Path(entry["text"]).stem]
        assert row["source_kind"] == "pdf"
