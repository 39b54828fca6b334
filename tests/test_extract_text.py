"""Text sources: splitting files into grids, and reading grids by their labels."""

from __future__ import annotations

import pytest

from jixiao.core.errors import InputError
from jixiao.core.vocabulary import is_self_evaluation
from jixiao.extract import grid_to_table, text_to_grids
from jixiao.extract.readers.text import bytes_to_text, text_to_records
from jixiao.model import Cell, Grid
from jixiao.model.source import Source

TABLE = "\n".join(
    [
        "项目名称\t测试项目\t\t\t\t\t\t\t",
        "主管部门\t某局\t\t\t实施单位\t某中心\t\t\t",
        "项目资金 (万元)\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率(%)\t得分\t",
        "\t年度资金总额\t100.00\t80.00\t60.00\t10\t75.00\t7.50\t",
        "年度 总体 目标\t预期目标\t\t\t实际完成情况\t\t\t\t",
        "\t计划\t\t\t完成\t\t\t\t",
        "绩效 指标\t一级指标\t二级指标\t三级指标\t年度 指标值\t实际 完成值\t分值\t得分"
        "\t偏差原因分析及改进措施",
        "\t产出指标\t数量指标\t甲\t≥10次\t12次\t50\t50\t",
        "\t\t\t乙\t≥10次\t5次\t40\t20\t原因",
        "\t总分\t\t\t\t\t\t100\t77.50\t",
    ]
)


def test_seed_splits_into_six_grids(seed_text: str) -> None:
    grids = text_to_grids(seed_text, file="seed.txt")
    assert [g.line_start for g in grids] == [7, 30, 52, 76, 100, 123]
    assert {g.title for g in grids} == {"财政项目支出绩效自评表"}
    assert [g.year_text for g in grids][-1] == "(2024 年度)"
    assert all(is_self_evaluation(g.texts()) for g in grids)


def test_plain_paste_without_heading_is_one_table() -> None:
    (grid,) = text_to_grids(TABLE, file="paste.tsv")
    table = grid_to_table(grid)
    assert grid.title is None
    assert grid.year_text is None
    assert table.project_name is not None
    assert table.project_name.raw == "测试项目"
    assert len(table.indicators) == 2
    assert table.total is not None
    assert table.total.score is not None
    assert table.total.score.raw == "77.50"


def test_second_project_name_row_starts_a_new_table() -> None:
    grids = text_to_grids(TABLE + "\n" + TABLE, file="two.tsv")
    assert [g.line_start for g in grids] == [1, 11]


def test_text_between_heading_and_table_is_kept_as_context() -> None:
    text = "# 项目支出绩效自评表\n(2023年度)\n单位：万元\n" + TABLE
    (grid,) = text_to_grids(text, file="t.txt")
    assert (grid.title, grid.year_text, grid.context) == (
        "项目支出绩效自评表",
        "(2023年度)",
        ("单位：万元",),
    )


def test_columns_are_found_by_label_not_position() -> None:
    # the same table with 分值 before 年度指标值 and the note column first
    swapped = TABLE.replace("年度 指标值\t实际 完成值\t分值", "分值\t年度 指标值\t实际 完成值")
    swapped = swapped.replace("≥10次\t12次\t50", "50\t≥10次\t12次")
    swapped = swapped.replace("≥10次\t5次\t40", "40\t≥10次\t5次")
    table = grid_to_table(text_to_grids(swapped, file="s.tsv")[0])
    first = table.indicators[0]
    assert (first.target.raw, first.actual.raw, first.weight.raw) == ("≥10次", "12次", "50")  # type: ignore[union-attr]


def test_truncated_table_keeps_what_was_read_and_says_so() -> None:
    truncated = "\n".join(TABLE.splitlines()[:8])
    table = grid_to_table(text_to_grids(truncated, file="cut.tsv")[0])
    assert len(table.indicators) == 1
    assert [p.code for p in table.problems] == ["missing_total"]


def test_seed_reads_every_nonempty_cell(seed_text: str) -> None:
    for grid in text_to_grids(seed_text, file="seed.txt"):
        table = grid_to_table(grid)
        assert [p.code for p in table.problems if p.code == "unread_cell"] == []


def test_unknown_cell_is_reported_not_dropped() -> None:
    extra = TABLE.replace("\t原因", "\t原因\t多余内容")
    table = grid_to_table(text_to_grids(extra, file="x.tsv")[0])
    unread = [p for p in table.problems if p.code == "unread_cell"]
    assert [p.found for p in unread] == ["多余内容"]
    assert unread[0].source.line == 9


def test_merged_cells_read_like_blank_cells() -> None:
    """A PDF grid gives a merged 一级 cell once with a rowspan; a text export gives blanks."""
    (text_grid,) = text_to_grids(TABLE, file="t.tsv")
    cells = [c for c in text_grid.cells if c.text.strip() or (c.row, c.col) == (0, 0)]
    merged = [
        Cell(c.row, c.col, c.text, c.source, rowspan=2 if (c.row, c.col) == (7, 1) else 1)
        for c in cells
    ]
    span_grid = Grid("t.pdf", "pdf", tuple(merged), text_grid.n_rows, text_grid.n_cols)
    from_text, from_spans = grid_to_table(text_grid), grid_to_table(span_grid)
    assert [(r.level1.raw, r.level3.raw) for r in from_spans.indicators] == [  # type: ignore[union-attr]
        (r.level1.raw, r.level3.raw) for r in from_text.indicators
    ]  # type: ignore[union-attr]


def test_grid_rejects_cells_outside_it() -> None:
    with pytest.raises(ValueError, match="outside"):
        Grid("g", "tsv", (Cell(0, 3, "x", Source("g")),), n_rows=1, n_cols=2)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty_file"),
        (b"  \n\n", "empty_file"),
        (b"\x00\x01\x02PK", "binary_file"),
        (b"\xff\xfe\xfa\xfb" * 10, "binary_file"),
    ],
    ids=["empty", "whitespace", "nul-bytes", "undecodable"],
)
def test_unreadable_bytes_raise_input_error(data: bytes, code: str) -> None:
    with pytest.raises(InputError) as info:
        bytes_to_text(data, file="bad.txt")
    assert info.value.code == code
    assert "bad.txt" in str(info.value)


def test_utf8_bom_and_gb18030_are_decoded() -> None:
    assert bytes_to_text("\ufeff项目名称".encode(), file="a") == "项目名称"
    assert bytes_to_text("项目名称".encode("gb18030"), file="a") == "项目名称"


def test_other_financial_table_is_not_a_self_eval_table() -> None:
    text = "收入支出决算总表\n项目\t行次\t金额\n一般公共预算财政拨款收入\t1\t100.00\n"
    (grid,) = text_to_grids(text, file="other.txt")
    assert not is_self_evaluation(grid.texts())


@pytest.mark.parametrize(
    ("text", "records"),
    [
        ("a\tb\n", [(1, ["a", "b"])]),
        ("a\tb", [(1, ["a", "b"])]),
        ("a\t", [(1, ["a", ""])]),
        ("a\r\nb\r\n", [(1, ["a"]), (2, ["b"])]),
        ("a\n\nb", [(1, ["a"]), (2, [""]), (3, ["b"])]),
        ('x\t"多行\n单元格"\ty\nz', [(1, ["x", "多行\n单元格", "y"]), (3, ["z"])]),
        ('"含""引号"""\t1', [(1, ['含"引号"', "1"])]),
        ('"一网通办"工作经费\t1', [(1, ['"一网通办"工作经费', "1"])]),
        ('"plain"\t1', [(1, ['"plain"', "1"])]),
    ],
    ids=[
        "newline-end",
        "no-newline",
        "trailing-tab",
        "crlf",
        "blank-line",
        "quoted-multiline",
        "quoted-quotes",
        "leading-quote-literal",
        "needless-quotes-kept",
    ],
)
def test_text_to_records(text: str, records: list) -> None:
    assert text_to_records(text) == records


def test_spreadsheet_paste_with_multiline_cells_reads_like_the_seed(seed_text: str) -> None:
    """The seed's first table as Excel copies it when the goal cells hold line breaks."""
    lines = seed_text.splitlines()[6:24]
    planned = lines[8].split("\t")
    planned[1] = '"为市政府领导正常履职，\n完成社会经济发展目标。"'
    lines[8] = "\t".join(planned)
    table = grid_to_table(text_to_grids("\n".join(lines), file="paste.tsv")[0])
    assert table.goal_planned is not None
    assert table.goal_planned.raw == "为市政府领导正常履职，\n完成社会经济发展目标。"
    assert len(table.indicators) == 7
    assert table.indicators[0].source.line == 12  # the lines after the cell are counted
    assert table.total is not None
    assert table.total.score is not None
    assert table.total.score.raw == "94.95"
