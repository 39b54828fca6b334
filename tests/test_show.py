"""``jixiao show``: the grid jixiao found, drawn over the PDF page or laid out as text."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from jixiao.core.errors import InputError
from jixiao.model.grid import Cell, Grid
from jixiao.model.source import Source
from jixiao.report.show import COLOURS, Selection, grid_to_text, select, show_file
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
