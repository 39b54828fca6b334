"""A table split across two pages at any row boundary is joined into the grid of the unsplit
table (#24).

Synthetic, at the level of :class:`TablePart`: one PDF per boundary would be thirteen PDFs per
producer for what the joiner sees as two lists of ruled boxes. The table is a standard 自评表
with merged cells (项目资金, 年度总体目标 and 绩效指标 over their blocks, 一级/二级 over their
groups, the 总分 label over six columns). A cut through a merged cell leaves two boxes, as a
printer draws them: the text in the piece above, an empty box below. Every text is finished
(``runs_on=False``): no cell goes on over the break, so no row is cut in two.
"""

from __future__ import annotations

import pytest

from jixiao.extract.readers.pdf.join import chain_to_grid, parts_to_chains
from jixiao.extract.readers.pdf.parts import BoxCell, TablePart
from jixiao.extract.readers.pdf.reader import parts_with_tails
from jixiao.model.grid import Grid

W, H = 40.0, 12.0  # a column's width and a row's height, in points
PAGE_TOP = 60.0  # where a table piece starts on a page

# (row, col, rowspan, colspan, text)
TABLE = (
    (0, 0, 1, 1, "项目名称"), (0, 1, 1, 8, "某某项目"),
    (1, 0, 1, 1, "主管部门"), (1, 1, 1, 3, "某局"), (1, 4, 1, 2, "实施单位"),
    (1, 6, 1, 3, "某中心"),
    (2, 0, 3, 1, "项目资金(万元)"), (2, 1, 1, 2, ""), (2, 3, 1, 1, "年初预算数"),
    (2, 4, 1, 1, "全年预算数"), (2, 5, 1, 1, "全年执行数"), (2, 6, 1, 1, "分值"),
    (2, 7, 1, 1, "执行率(%)"), (2, 8, 1, 1, "得分"),
    (3, 1, 1, 2, "年度资金总额"), (3, 3, 1, 1, "100"), (3, 4, 1, 1, "100"), (3, 5, 1, 1, "90"),
    (3, 6, 1, 1, "10"), (3, 7, 1, 1, "90%"), (3, 8, 1, 1, "9"),
    (4, 1, 1, 2, "其中：当年财政拨款"), (4, 3, 1, 1, "100"), (4, 4, 1, 1, "100"),
    (4, 5, 1, 1, "90"), (4, 6, 1, 1, "—"), (4, 7, 1, 1, "90%"), (4, 8, 1, 1, "—"),
    (5, 0, 2, 1, "年度总体目标"), (5, 1, 1, 4, "预期目标"), (5, 5, 1, 4, "实际完成情况"),
    (6, 1, 1, 4, "开展培训"), (6, 5, 1, 4, "已开展培训"),
    (7, 0, 6, 1, "绩效指标"), (7, 1, 1, 1, "一级指标"), (7, 2, 1, 1, "二级指标"),
    (7, 3, 1, 1, "三级指标"), (7, 4, 1, 1, "年度指标值"), (7, 5, 1, 1, "实际完成值"),
    (7, 6, 1, 1, "分值"), (7, 7, 1, 1, "得分"), (7, 8, 1, 1, "偏差原因分析及改进措施"),
    (8, 1, 3, 1, "产出指标"), (8, 2, 2, 1, "数量指标"), (8, 3, 1, 1, "培训次数"),
    (8, 4, 1, 1, "≥4次"), (8, 5, 1, 1, "4次"), (8, 6, 1, 1, "20"), (8, 7, 1, 1, "20"),
    (8, 8, 1, 1, ""),
    (9, 3, 1, 1, "出席率"), (9, 4, 1, 1, "≥90%"), (9, 5, 1, 1, "95%"), (9, 6, 1, 1, "30"),
    (9, 7, 1, 1, "30"), (9, 8, 1, 1, ""),
    (10, 2, 1, 1, "时效指标"), (10, 3, 1, 1, "完成时间"), (10, 4, 1, 1, "12月底"),
    (10, 5, 1, 1, "12月"), (10, 6, 1, 1, "10"), (10, 7, 1, 1, "10"), (10, 8, 1, 1, ""),
    (11, 1, 1, 1, "效益指标"), (11, 2, 1, 1, "社会效益指标"), (11, 3, 1, 1, "群众知晓率"),
    (11, 4, 1, 1, "≥80%"), (11, 5, 1, 1, "85%"), (11, 6, 1, 1, "20"), (11, 7, 1, 1, "20"),
    (11, 8, 1, 1, ""),
    (12, 1, 1, 1, "满意度指标"), (12, 2, 1, 1, "服务对象满意度指标"), (12, 3, 1, 1, "满意度"),
    (12, 4, 1, 1, "≥90%"), (12, 5, 1, 1, "92%"), (12, 6, 1, 1, "10"), (12, 7, 1, 1, "10"),
    (12, 8, 1, 1, ""),
    (13, 0, 1, 6, "总分"), (13, 6, 1, 1, "100"), (13, 7, 1, 1, "99"), (13, 8, 1, 1, ""),
)  # fmt: skip
N_ROWS = 14


def _piece(page: int, first: int, end: int, *, heading: bool) -> TablePart:
    """The rows ``first``..``end - 1`` of the table as printed on one page: a merged cell
    cut by the break keeps its text in the piece where it starts, an empty box elsewhere."""
    cells = []
    for row, col, rowspan, colspan, text in TABLE:
        top, bottom = max(row, first), min(row + rowspan, end)
        if top >= bottom:
            continue
        y0, y1 = PAGE_TOP + H * (top - first), PAGE_TOP + H * (bottom - first)
        shown = text if top == row else ""
        cells.append(BoxCell((W * col, y0, W * (col + colspan), y1), shown, runs_on=False))
    bbox = (0.0, PAGE_TOP, W * 9, PAGE_TOP + H * (end - first))
    title = "项目支出绩效自评表" if heading else None
    return TablePart(page, bbox, tuple(cells), "pdfium", title=title)


def _shape(grid: Grid) -> list[tuple[int, int, int, int, str]]:
    return [(c.row, c.col, c.rowspan, c.colspan, c.text) for c in grid.cells]


def _joined(parts: list[TablePart]) -> Grid:
    chains = parts_to_chains(parts)
    assert len(chains) == 1, [len(chain) for chain in chains]
    return chain_to_grid(chains[0], "x.pdf")


def test_unsplit_table_is_the_table() -> None:
    grid = _joined([_piece(1, 0, N_ROWS, heading=True)])
    assert _shape(grid) == sorted(TABLE)


@pytest.mark.parametrize("boundary", range(1, N_ROWS), ids=lambda k: f"after-row-{k}")
def test_table_split_at_any_row_boundary_is_the_unsplit_table(boundary: int) -> None:
    whole = _joined([_piece(1, 0, N_ROWS, heading=True)])
    parts = [_piece(1, 0, boundary, heading=True), _piece(2, boundary, N_ROWS, heading=False)]
    assert _shape(_joined(parts)) == _shape(whole)


def test_title_and_year_at_the_foot_of_a_page_head_the_table_on_the_next() -> None:
    table = _piece(5, 0, N_ROWS, heading=False)
    tails = {4: ("财政项目支出绩效自评表", "（2024年度）")}
    (part,) = parts_with_tails([table], tails)
    assert (part.title, part.year_text) == ("财政项目支出绩效自评表", "（2024年度）")
    (kept,) = parts_with_tails([_piece(5, 0, N_ROWS, heading=True)], tails)
    assert (kept.title, kept.year_text) == ("项目支出绩效自评表", None)  # its own heading
