"""``jixiao show``: the grid jixiao found, drawn over the PDF page or laid out as text."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

import jixiao
from jixiao.core.errors import InputError
from jixiao.model.grid import Cell, Grid
from jixiao.model.source import Source
from jixiao.pipeline.census import SeenGrid
from jixiao.report.show import (
    COLOURS,
    UNREAD_COLOUR,
    Selection,
    grid_to_text,
    page_to_debug_image,
    seen_to_shown,
    select,
    show_file,
    shown_to_text,
)
from tests.conftest import ROOT, SEED

PDF = ROOT / "fixtures" / "pdf"


def _grid(pages: list[int]) -> Grid:
    cells = tuple(
        Cell(
            i,
            0,
            "x",
            Source("a.pdf", page=p, bbox=(10, 10 + 20 * i, 50, 30 + 20 * i), row=i, col=0),
        )
        for i, p in enumerate(pages)
    )
    return Grid("a.pdf", "pdf", cells, len(pages), 1, page_start=pages[0], page_end=pages[-1])


GRIDS = [_grid([1, 2]), _grid([2]), _grid([4])]


@pytest.mark.parametrize(
    ("page", "table", "expected"),
    [
        pytest.param(None, None, Selection(1, (1,)), id="first-page-with-a-table"),
        pytest.param(2, None, Selection(2, (1, 2)), id="every-table-on-the-page"),
        pytest.param(None, 3, Selection(4, (3,)), id="table-picks-its-first-page"),
        pytest.param(2, 1, Selection(2, (1,)), id="table-continued-on-the-page"),
        pytest.param(3, None, Selection(3, ()), id="page-without-a-table"),
    ],
)
def test_select(page: int | None, table: int | None, expected: Selection) -> None:
    assert select(GRIDS, page, table) == expected


@pytest.mark.parametrize("table", [0, 4])
def test_select_refuses_a_missing_table(table: int) -> None:
    with pytest.raises(ValueError, match=r"choose 1\.\.3"):
        select(GRIDS, None, table)


def test_grid_to_text_marks_merges_and_missing_cells() -> None:
    src = Source("a.txt", line=3)
    grid = Grid(
        "a.txt",
        "tsv",
        (Cell(0, 0, "项目名称", src, rowspan=2), Cell(0, 1, "X", src, colspan=2)),
        2,
        3,
        line_start=3,
        reader="tsv",
    )
    lines = grid_to_text(1, grid, cell_width=8).splitlines()
    assert lines[0] == "table #1: reader=tsv, 2 rows x 3 cols, 2 cells, line 3"
    assert lines[3].split("|")[1:] == [" 项目名称 ", " X        ", " <"]
    assert [part.strip() for part in lines[4].split("|")[1:]] == ["^", ".", "."]


def test_show_text_input_prints_the_grid(tmp_path: Path) -> None:
    out = tmp_path / "grid.txt"
    text = show_file(SEED, table=2, output=out)
    assert text.startswith("table #2: reader=tsv")
    assert "项目名称" in text
    assert out.read_text(encoding="utf-8") == text


def test_show_pdf_draws_the_cells(tmp_path: Path) -> None:
    out = tmp_path / "page.png"
    message = show_file(PDF / "lo_two_per_page.pdf", output=out, dpi=72)
    assert "page 1: 2 of 2 自评表 drawn" in message
    image = Image.open(out).convert("RGB")
    assert image.size == (596, 842)
    colours = {c for _, c in image.getcolors(maxcolors=1 << 20) or []}
    assert COLOURS[0] in colours
    assert COLOURS[1] in colours


def test_show_pdf_needs_an_output(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="-o"):
        show_file(PDF / "rl_seed.pdf")


def test_show_unreadable_pdf_is_an_input_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 not really a pdf")
    with pytest.raises(InputError, match="cannot open"):
        show_file(broken, output=tmp_path / "x.png")


# -- a page where no 自评表 was read: the grids found there, and why not ------------------------


def _unread_grid(page: int, first: str) -> Grid:
    """A grid the reader gave that is not a 自评表 (a 收入支出决算总表, say)."""
    source = Source("a.pdf", page=page, bbox=(10, 10, 200, 30), row=0, col=0)
    return Grid("a.pdf", "pdf", (Cell(0, 0, first, source),), 1, 1, page_start=page, page_end=page)


READ, OTHER = _grid([1]), _unread_grid(2, "收入支出决算总表")


@pytest.mark.parametrize(
    ("seen", "page", "expected_page", "tables", "unread"),
    [
        pytest.param([(READ, True), (OTHER, False)], None, 1, [1], [], id="a-table-first"),
        pytest.param([(READ, True), (OTHER, False)], 2, 2, [], [2], id="the-page-of-a-grid"),
        pytest.param([(OTHER, False)], None, 2, [], [1], id="no-table-the-grid-page"),
    ],
)
def test_the_grids_of_a_page_are_shown_read_or_not(
    seen: list[tuple[Grid, bool]],
    page: int | None,
    expected_page: int,
    tables: list[int],
    unread: list[int],
) -> None:
    shown = seen_to_shown([SeenGrid(g, read) for g, read in seen], [], [], page, None)
    assert shown.page == expected_page
    assert [k for k, _ in shown.tables] == tables
    assert [u.number for u in shown.unread] == unread


def test_a_grid_that_gave_no_table_says_why() -> None:
    shown = seen_to_shown([SeenGrid(OTHER, False)], [], [], None, None)
    (grey,) = shown.unread
    assert grey.why is not None
    assert grey.why.code == "not_self_eval"
    text = shown_to_text(shown, 0)
    assert text.splitlines()[:2] == [
        "page 2: 0 of 0 自评表 drawn, and 1 grid that gave no 自评表",
        "grid 1: reader=pdf, 1 rows x 1 cols, 1 cells, page 2: " + grey.why.message,
    ]


def test_a_grid_that_gave_no_table_is_drawn_in_grey() -> None:
    page = Image.new("RGB", (300, 300), "white")
    shown = seen_to_shown([SeenGrid(OTHER, False)], [], [], None, None)
    image = page_to_debug_image(page, 1.0, shown.tables, shown.page, shown.unread, shown.notes)
    colours = {c for _, c in image.getcolors(maxcolors=1 << 20) or []}
    assert UNREAD_COLOUR in colours


def test_show_a_page_with_a_table_not_read_says_why(tmp_path: Path) -> None:
    """rl_unruled.pdf: a 自评表 with no ruling, found by its title and labels, not read."""
    out = tmp_path / "page.png"
    message = show_file(PDF / "rl_unruled.pdf", output=out, dpi=72)
    assert message.splitlines()[:2] == [
        "rl_unruled.pdf page 1: 0 of 0 自评表 drawn",
        "pdfplumber's table finder (text strategy) sees 129 cells on the page, drawn in grey: "
        "jixiao read no grid there",
    ]
    assert (
        "problem: table_not_read: 第1页的“财政项目支出绩效自评表”是自评表，但没有读出："
        "该页没有找到带表格线的表格"
    ) in message.splitlines()
    colours = {c for _, c in Image.open(out).convert("RGB").getcolors(maxcolors=1 << 20) or []}
    assert UNREAD_COLOUR in colours  # the cells pdfplumber sees, the banner of the problems


def test_the_document_draws_the_page_where_no_table_was_read() -> None:
    with jixiao.open(PDF / "rl_unruled.pdf") as doc:
        image = doc.show()
    assert not isinstance(image, str)
    colours = {c for _, c in image.convert("RGB").getcolors(maxcolors=1 << 20) or []}
    assert UNREAD_COLOUR in colours
