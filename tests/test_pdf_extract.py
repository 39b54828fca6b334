"""PDF reader: every fixture in fixtures/pdf/MANIFEST.json read back and compared with its text.

Golden rule: a PDF table's grid, with merges expanded to blank cells, equals the text table it
was printed from, cell by cell, after whitespace removal (wrapping adds or drops spaces).
"""

from __future__ import annotations

import importlib.util
import json
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest

from extract.grid import Grid
from extract.pdf import PdfExtraction, PdfSettings, pdf_to_extraction, pdf_to_grids
from extract.pdf_join import values_to_centers
from extract.pdf_pages import PageKind, text_to_kind
from extract.pdf_text import is_unreadable, join_wrapped
from jixiao.model import Severity

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PDF = FIXTURES / "pdf"
MANIFEST: dict[str, dict[str, object]] = json.loads(
    (PDF / "MANIFEST.json").read_text(encoding="utf-8")
)


@cache
def generator() -> ModuleType:
    """The fixture generator: its text-table reader and merge rules are the oracle."""
    spec = importlib.util.spec_from_file_location(
        "make_pdf_fixtures", FIXTURES / "make_pdf_fixtures.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@cache
def extraction(name: str) -> PdfExtraction:
    return pdf_to_extraction(PDF / name, display_name=f"pdf/{name}")


@cache
def text_table(file: str, number: int) -> tuple[tuple[str, ...], ...]:
    tables = generator().text_file_to_tables(FIXTURES / file)
    return tuple(tables[number - 1].rows)


def squash(text: str) -> str:
    return "".join(text.split())


def grid_to_rows(grid: Grid) -> list[list[str]]:
    """The grid as a text export shows it: merges expanded to blank cells."""
    return [["" if cell is None else cell.text for cell in row] for row in grid.matrix()]


def squashed(rows: object) -> list[list[str]]:
    return [[squash(cell) for cell in row] for row in rows]  # type: ignore[attr-defined]


def expected_tables(name: str) -> list[dict[str, object]]:
    return list(MANIFEST[name]["tables"])  # type: ignore[call-overload]


GOLDEN = [
    pytest.param(name, i, id=f"{name}#{i + 1}")
    for name in MANIFEST
    for i in range(len(expected_tables(name)))
]


@pytest.mark.parametrize("name", list(MANIFEST))
def test_table_count_matches_manifest(name: str) -> None:
    assert len(extraction(name).grids) == len(expected_tables(name))


@pytest.mark.parametrize("name", list(MANIFEST))
def test_page_count_matches_manifest(name: str) -> None:
    assert extraction(name).pages == MANIFEST[name]["pages"]


@pytest.mark.parametrize("name", list(MANIFEST))
def test_problem_codes_match_manifest(name: str) -> None:
    assert sorted({p.code for p in extraction(name).problems}) == sorted(MANIFEST[name]["problems"])  # type: ignore[arg-type]


@pytest.mark.parametrize(("name", "index"), GOLDEN)
def test_grid_equals_text_table(name: str, index: int) -> None:
    entry = expected_tables(name)[index]
    grid = extraction(name).grids[index]
    expected = squashed(text_table(str(entry["text"]), int(entry["table"])))  # type: ignore[call-overload]
    assert squashed(grid_to_rows(grid)) == expected


@pytest.mark.parametrize(("name", "index"), GOLDEN)
def test_pages_and_heading(name: str, index: int) -> None:
    entry = expected_tables(name)[index]
    grid = extraction(name).grids[index]
    table = generator().text_file_to_tables(FIXTURES / str(entry["text"]))[int(entry["table"]) - 1]  # type: ignore[call-overload]
    assert (grid.page_start, grid.page_end) == (entry["page_start"], entry["page_end"])
    assert grid.title == table.title
    assert squash(grid.year_text or "") == squash(table.year)
