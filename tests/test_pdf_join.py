"""A table over a page break: is the first row of the next page the rest of a row cut by the
break, or a row of its own?

A person looks at the text above the break: Chinese text cut by the break fills its last line
(the next character did not fit), a text that ended leaves room on its last line. A row that
starts with its own text (a 三级指标 name) under finished texts is a new row, even when it fills
only one cell (the next 三级指标 of the same 二级 group); a row without a name of its own is the
rest of the row above (a note cut between two paragraphs). Hand-made parts pin the rule; the
real fixtures show both cases: the same row of real-022 is cut in the narrow print and whole
in the Word print.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.extract.readers.pdf.join import chain_to_grid, nearest_index, parts_to_chains
from jixiao.extract.readers.pdf.parts import BoxCell, TablePart
from jixiao.extract.readers.pdf.reader import pdf_to_extraction
from jixiao.extract.readers.pdf.text import extents_to_runs_on, lines_to_runs_on
from jixiao.model.grid import Grid
from tests.test_pdf_extract import HEADER  # the 自评表 header row of the hand-made parts

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _chars(line: str, left: float, top: float, size: float = 10.0) -> list[dict[str, Any]]:
    """One line of characters of ``size`` points, the first at ``left``."""
    return [
        {"text": ch, "x0": left + size * i, "x1": left + size * (i + 1), "top": top,
         "bottom": top + size, "size": size}
        for i, ch in enumerate(line)
    ]  # fmt: skip


def _lines(texts: list[str], box_width: float, align: str = "left") -> list[list[dict[str, Any]]]:
    """Lines of 10 pt characters in a box ``box_width`` wide with 2 pt padding."""
    lines = []
    for k, text in enumerate(texts):
        width = 10.0 * len(text)
        left = {"left": 2.0, "centre": (box_width - width) / 2, "right": box_width - 2 - width}
        lines.append(_chars(text, left[align], 12.0 * k))
    return lines


@pytest.mark.parametrize(
    ("texts", "box_width", "align", "runs_on"),
    [
        pytest.param(["农村公路建", "设验收合格"], 54, "left", True, id="full-last-line"),
        pytest.param(["农村公路建", "设验收合格", "率"], 54, "left", False, id="one-left"),
        pytest.param(
            ["农村公路建", "设验收合格", "率"], 54, "centre", False, id="one-left-centred"
        ),
        pytest.param(["农村公路建", "设验收合"], 54, "left", True, id="room-for-one"),
        pytest.param(["农村公路建", "设验收"], 54, "left", True, id="room-for-two"),
        pytest.param(["农村公路建", "设验"], 54, "left", False, id="room-for-three"),
        pytest.param(["农村", "率"], 24, "left", True, id="narrow-cell"),
        pytest.param(["完成率达到", "≥90"], 54, "left", True, id="latin-end"),
        pytest.param(["合格率"], 54, "centre", True, id="one-centred-line"),
        pytest.param(["合格率"], 80, "left", False, id="one-short-line"),
        pytest.param([], 54, "left", True, id="empty"),
    ],
)
def test_whether_a_cell_text_runs_on(
    texts: list[str], box_width: float, align: str, runs_on: bool
) -> None:
    assert lines_to_runs_on(_lines(texts, box_width, align), (0, 0, box_width, 40)) is runs_on


@pytest.mark.parametrize(
    ("lines", "runs_on"),
    [
        pytest.param([(10, 190), (10, 190), (90, 110)], False, id="centred-one-left"),
        pytest.param([(10, 190), (10, 170)], True, id="one-did-not-fit"),
        pytest.param([(10, 190), (10, 120)], False, id="paragraph-end"),
        pytest.param([], True, id="no-lines"),
    ],
)
def test_whether_scanned_lines_run_on(lines: list[tuple[float, float]], runs_on: bool) -> None:
    """Ink extents of the lines of a scanned cell (pixels; characters 20 pixels wide)."""
    assert extents_to_runs_on(lines, (0, 200), 20) is runs_on


# -- hand-made parts --------------------------------------------------------------------------

LAST = ("产出指标", "质量指标", "验收合格率", "100%", "100%", "10", "10", "部分工作有调整")
Row = tuple[str, ...]


def _part(page: int, rows: list[Row], finished: set[tuple[int, int]]) -> TablePart:
    """A part of 1x1 cells, 20 pt wide and 10 pt high; the cells at ``finished`` end their text
    with room to spare (the others may run on)."""
    cells = tuple(
        BoxCell((20.0 * c, 10.0 * r, 20.0 * (c + 1), 10.0 * (r + 1)), text, (r, c) not in finished)
        for r, row in enumerate(rows)
        for c, text in enumerate(row)
    )
    bbox = (0.0, 0.0, 20.0 * len(rows[0]), 10.0 * len(rows))
    title = "项目支出绩效自评表" if page == 1 else None
    return TablePart(page, bbox, cells, "pdfplumber", title=title)


def _rows(grid: Grid) -> list[list[str]]:
    return [["" if cell is None else cell.text for cell in row] for row in grid.matrix()]


def _blank(**texts: str) -> Row:
    """A row of blank cells with text in the named columns (``c2="…"``)."""
    return tuple(texts.get(f"c{c}", "") for c in range(len(HEADER)))


LEVEL2_CUT = ("", "可持续影响", "验收合格率", "", "", "", "", "")


@pytest.mark.parametrize(
    ("last", "top", "finished", "joined", "n_rows"),
    [
        pytest.param(
            LAST, _blank(c2="养护合格率"), {2}, None, 3, id="next-name-under-a-finished-name"
        ),
        pytest.param(
            LAST, _blank(c2="养护合格率"), set(), "验收合格率养护合格率", 2, id="name-cut"
        ),
        pytest.param(
            LAST, _blank(c7="下半年开展。"), {2}, "部分工作有调整下半年开展。", 2, id="note-runs-on"
        ),
        pytest.param(
            LAST,
            _blank(c7="下半年开展。"),
            {7},
            "部分工作有调整下半年开展。",
            2,
            id="note-cut-between-paragraphs",
        ),
        pytest.param(
            LAST,
            _blank(c2="养护合格率", c7="下半年开展。"),
            {2, 7},
            None,
            3,
            id="name-and-note-under-finished-texts",
        ),
        pytest.param(
            LAST,
            _blank(c2="（公里）", c7="下半年开展。"),
            {2},
            "验收合格率（公里）",
            2,
            id="one-cell-runs-on-the-other-ended",
        ),
        pytest.param(LAST, _blank(c4="90%"), {4}, "100%90%", 2, id="latin-continuation-not-known"),
        pytest.param(
            LEVEL2_CUT, _blank(c1="指标"), {1, 2}, "可持续影响指标", 2, id="label-completed"
        ),
        # every text above may run on; the row below is a row of its own all the same (#24):
        # numbers under numbers (a 分值 and a 得分 never go on over a break) …
        pytest.param(
            LAST,
            _blank(c1="标", c2="养护合格率", c5="8", c6="8"),
            set(),
            None,
            3,
            id="weight-and-score-under-weight-and-score",
        ),
        # … a total row, a 其中 row, a whole 二级 label under a whole one
        pytest.param(LAST, _blank(c1="总分", c6="95"), set(), None, 3, id="total-row"),
        pytest.param(LAST, _blank(c2="其中：养护合格率", c4="90%"), set(), None, 3, id="sub-row"),
        pytest.param(
            LAST, _blank(c1="时效指标", c2="及时率"), set(), None, 3, id="next-level2-label"
        ),
    ],
)
def test_first_row_of_the_next_page(
    last: Row, top: Row, finished: set[int], joined: str | None, n_rows: int
) -> None:
    first = _part(1, [HEADER, last], {(1, c) for c in finished})
    second = _part(2, [top], set())
    (chain,) = parts_to_chains([first, second])
    rows = _rows(chain_to_grid(chain, "x.pdf"))
    assert len(rows) == n_rows
    if joined is not None:
        assert joined in rows[1]
    else:
        assert rows[2] == list(top)


SUB_HEADER = _blank(c3="指标性质", c4="指标值")  # a header's second row, under 年度指标值


def test_a_two_row_header_printed_again_is_dropped_whole() -> None:
    """A two-row header repeated at the top of the next page goes, both rows (#24): the
    second (指标性质 | 指标值) would otherwise join the last row above as its text's end."""
    first = _part(1, [HEADER, SUB_HEADER, LAST], set())
    second = _part(2, [HEADER, SUB_HEADER, _blank(c2="养护合格率", c5="8", c6="8")], set())
    (chain,) = parts_to_chains([first, second])
    rows = _rows(chain_to_grid(chain, "x.pdf"))
    assert rows == [list(HEADER), list(SUB_HEADER), list(LAST), list(second_row(second))]


def second_row(part: TablePart) -> tuple[str, ...]:
    return tuple(cell.text for cell in part.cells[-len(HEADER) :])


# -- the real fixtures ------------------------------------------------------------------------


@cache
def _grids(name: str) -> tuple[Grid, ...]:
    return pdf_to_extraction(FIXTURES / name, display_name=name).grids


def _texts(name: str) -> set[str]:
    return {"".join(cell.text.split()) for grid in _grids(name) for cell in grid.cells}


@pytest.mark.parametrize(
    ("name", "text"),
    [
        pytest.param("real/narrow/real-022.pdf", "农村公路建设验收合格率", id="narrow-022-name"),
        pytest.param(
            "real/narrow/real-022.pdf",
            "1、项目绩效目标全申报的1分,缺一项扣0.5分,扣完为止;2、绩效目标规范1分,"
            "不规范扣0.5分;3、按时申报绩效目标计2分,逾期扣1分。",
            id="narrow-022-standard",
        ),
        pytest.param(
            "real/word/real-015.pdf", "指标24:传染病及突发公共卫生事件报告数", id="word-015"
        ),
        pytest.param("real/narrow/real-015.pdf", "指标21:肺结核健康规范管理数", id="narrow-015"),
        pytest.param(
            "real/narrow/real-024.pdf",
            "指标1:辖区内与补助资金相关的重大食品安全监管责任事故发生数",
            id="narrow-024",
        ),
        pytest.param("real/narrow/real-021.pdf", "%(百分比)", id="narrow-021-unit"),
        pytest.param("pdf/lo_split_rows.pdf", "其他资金", id="lo-fund-row"),
        pytest.param("pdf/rl_long_split_row.pdf", "数据复用节约建设资金", id="rl-indicator-row"),
    ],
)
def test_row_cut_by_the_page_break_is_one_row(name: str, text: str) -> None:
    assert text in _texts(name)


@pytest.mark.parametrize("name", ["real/word/real-022.pdf"])
def test_next_indicator_at_the_top_of_a_page_is_a_row_of_its_own(name: str) -> None:
    (grid,) = _grids(name)
    rows = grid.matrix()
    at = {
        "".join(cell.text.split()): r
        for r, row in enumerate(rows)
        for cell in row
        if cell is not None and cell.text
    }
    built, kept = at["农村公路建设验收合格率"], at["农村公路养护验收合格率"]
    assert kept == built + 1
    assert [cell.source.page for cell in (rows[built][3], rows[kept][3]) if cell] == [1, 2]
    (group,) = [c for c in grid.cells if "".join(c.text.split()) == "质量指标12分"]
    assert group.row + group.rowspan - 1 == kept  # the 二级 cell spans both rows


@given(
    st.lists(st.integers(0, 1000), min_size=1, max_size=20, unique=True),
    st.integers(-100, 1100),
)
def test_nearest_index_is_the_nearest_center_the_lower_on_a_tie(
    tenths: list[int], value: int
) -> None:
    centers = sorted(t / 10 for t in tenths)
    x = value / 10
    brute = min(range(len(centers)), key=lambda i: abs(centers[i] - x))
    assert nearest_index(centers, x) == brute
