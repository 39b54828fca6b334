"""PDF reader: every fixture in fixtures/pdf/MANIFEST.json read back and compared with its text.

Golden rule: a PDF table's grid, with merges expanded to blank cells, equals the text table it
was printed from, cell by cell, after whitespace removal (wrapping adds or drops spaces). The
merges themselves are checked against the rules the generator printed them with, and the
tables read by the layout reader must agree field by field with the text tables.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from jixiao.extract.layout.table import grid_to_table
from jixiao.extract.readers.pdf.join import chain_to_grid, completes_label, parts_to_chains
from jixiao.extract.readers.pdf.pages import PageKind, lines_to_labels, text_to_kind
from jixiao.extract.readers.pdf.parts import BoxCell, TablePart, lines_to_heading
from jixiao.extract.readers.pdf.reader import (
    PdfExtraction,
    PdfSettings,
    pdf_to_extraction,
    pdf_to_grids,
    pdf_to_page_kinds,
)
from jixiao.extract.readers.pdf.ruling import values_to_centers
from jixiao.extract.readers.pdf.text import is_unreadable, join_wrapped
from jixiao.extract.readers.text import text_to_grids
from jixiao.model.grid import Grid
from jixiao.model.source import Severity
from tests.fixture_generator import generator

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PDF = FIXTURES / "pdf"
MANIFEST: dict[str, dict[str, Any]] = json.loads(
    (PDF / "MANIFEST.json").read_text(encoding="utf-8")
)


@cache
def extraction(name: str) -> PdfExtraction:
    return pdf_to_extraction(PDF / name, display_name=f"pdf/{name}")


@cache
def text_table(file: str, number: int) -> Any:
    return generator().text_file_to_tables(FIXTURES / file)[number - 1]


def squash(text: str) -> str:
    return "".join(text.split())


def grid_to_rows(grid: Grid) -> list[list[str]]:
    """The grid as a text export shows it: merges expanded to blank cells."""
    return [["" if cell is None else cell.text for cell in row] for row in grid.matrix()]


def squashed(rows: Any) -> list[list[str]]:
    return [[squash(cell) for cell in row] for row in rows]


def placed(name: str) -> list[dict[str, Any]]:
    return list(MANIFEST[name]["tables"])


def pairs() -> list[Any]:
    return [
        pytest.param(name, i, id=f"{name}#{i + 1}")
        for name in MANIFEST
        for i in range(len(placed(name)))
    ]


def pdf_and_text(name: str, index: int) -> tuple[Grid, Any]:
    entry = placed(name)[index]
    return extraction(name).grids[index], text_table(entry["text"], entry["table"])


# -- every fixture against the manifest -----------------------------------------------------


@pytest.mark.parametrize("name", list(MANIFEST))
def test_table_count_matches_manifest(name: str) -> None:
    ocr = MANIFEST[name].get("ocr_tables", [])  # tables on scanned pages, read by OCR
    assert len(extraction(name).grids) == len(placed(name)) + len(ocr)


@pytest.mark.parametrize("name", list(MANIFEST))
def test_page_count_matches_manifest(name: str) -> None:
    assert extraction(name).pages == MANIFEST[name]["pages"]


@pytest.mark.parametrize("name", list(MANIFEST))
def test_problem_codes_match_manifest(name: str) -> None:
    codes = sorted({p.code for p in extraction(name).problems})
    assert codes == sorted(MANIFEST[name]["problems"])


@pytest.mark.parametrize(("name", "index"), pairs())
def test_grid_equals_text_table(name: str, index: int) -> None:
    grid, table = pdf_and_text(name, index)
    assert squashed(grid_to_rows(grid)) == squashed(table.rows)


@pytest.mark.parametrize(("name", "index"), pairs())
def test_merged_cells_have_the_printed_spans(name: str, index: int) -> None:
    grid, table = pdf_and_text(name, index)
    printed = {(s.row, s.col, s.rowspan, s.colspan) for s in generator().rows_to_spans(table.rows)}
    assert {(c.row, c.col, c.rowspan, c.colspan) for c in grid.cells} == printed


@pytest.mark.parametrize(("name", "index"), pairs())
def test_cell_text_is_raw_where_the_text_has_no_spaces(name: str, index: int) -> None:
    grid, table = pdf_and_text(name, index)
    for cell in grid.cells:
        expected = table.rows[cell.row][cell.col]
        if expected == squash(expected):
            assert cell.text == expected, cell.source


@pytest.mark.parametrize(("name", "index"), pairs())
def test_pages_title_and_year(name: str, index: int) -> None:
    entry = placed(name)[index]
    grid, table = pdf_and_text(name, index)
    assert (grid.page_start, grid.page_end) == (entry["page_start"], entry["page_end"])
    assert grid.title == table.title
    assert squash(grid.year_text or "") == squash(table.year)


@pytest.mark.parametrize(("name", "index"), pairs())
def test_every_cell_has_its_source(name: str, index: int) -> None:
    grid, _ = pdf_and_text(name, index)
    assert grid.page_start is not None
    assert grid.page_end is not None
    for cell in grid.cells:
        source = cell.source
        assert source.file == f"pdf/{name}"
        assert (source.row, source.col) == (cell.row, cell.col)
        assert source.page is not None
        assert grid.page_start <= source.page <= grid.page_end
        assert source.bbox is not None
        x0, top, x1, bottom = source.bbox
        assert x0 < x1
        assert top < bottom


def expected_reader(name: str) -> str:
    """camelot where the ruling is a picture; else PDFium's ruling, with pdfminer's characters
    where the fonts are not embedded (reportlab's STSong-Light), PDFium's where they are."""
    if name == "rl_raster_rules.pdf":
        return "camelot"
    return "pdfium+pdfminer" if MANIFEST[name]["producer"].startswith("reportlab") else "pdfium"


@pytest.mark.parametrize(("name", "index"), pairs())
def test_grid_metadata(name: str, index: int) -> None:
    grid, _ = pdf_and_text(name, index)
    assert grid.file == f"pdf/{name}"
    assert grid.source_kind == "pdf"
    assert grid.reader == expected_reader(name)
    assert grid.problems == ()


@pytest.mark.parametrize(("name", "index"), pairs())
def test_layout_reads_pdf_and_text_alike(name: str, index: int) -> None:
    """The layout reader gives the same fields (and problems) for the PDF and the text grid."""
    entry = placed(name)[index]
    text = (FIXTURES / entry["text"]).read_text(encoding="utf-8")
    from_text = grid_to_table(text_to_grids(text, file=entry["text"])[entry["table"] - 1])
    from_pdf = grid_to_table(extraction(name).grids[index])
    assert table_view(from_pdf) == table_view(from_text)
    assert sorted(p.code for p in from_pdf.problems) == sorted(p.code for p in from_text.problems)


_NOT_COMPARED = {"source", "problems", "file", "source_kind", "page_start", "page_end"}
_NOT_COMPARED |= {"line_start", "reader", "title", "year_text"}


def table_view(value: Any) -> Any:
    """Field values of a layout table with raw texts squashed and sources dropped."""
    if hasattr(value, "raw") and hasattr(value, "source"):
        return squash(value.raw)
    if isinstance(value, tuple):
        return tuple(table_view(v) for v in value)
    if hasattr(value, "__dataclass_fields__"):
        fields = value.__dataclass_fields__
        return {k: table_view(getattr(value, k)) for k in fields if k not in _NOT_COMPARED}
    return value


# -- particular fixtures --------------------------------------------------------------------


def test_fake_bold_characters_are_read_once() -> None:
    grid = extraction("rl_fake_bold.pdf").grids[0]
    names = [c.text for c in grid.cells if c.text.startswith("市政府")]
    assert names == ["市政府办公厅专项工作业务经费"]


def test_row_split_by_the_page_break_is_one_row() -> None:
    grid = extraction("rl_long_split_row.pdf").grids[0]
    (row,) = [r for r in grid.matrix() if r[3] is not None and r[3].text == "数据复用节约建设资金"]
    name, note = row[3], row[8]
    assert name is not None
    assert note is not None
    assert note.text == "部分复用项目推迟至下一年度。"
    assert name.source.page == 1


def test_header_row_cut_by_the_page_break_is_one_row() -> None:
    grid = extraction("lo_split_rows.pdf").grids[0]
    (header,) = [row for row in grid.matrix() if row[3] is not None and row[3].text == "三级指标"]
    texts = [squash(cell.text) if cell is not None else None for cell in header]
    assert texts[0] == "绩效指标"
    assert texts[4:] == ["年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    assert {cell.source.page for cell in header if cell is not None} == {1}


def test_fund_row_cut_by_the_page_break_is_one_row() -> None:
    grid = extraction("lo_split_rows.pdf").grids[1]
    labels = [squash(c.text) for c in grid.cells if c.col == 1 and c.row < 7]
    assert labels[-2:] == ["上年结转资金", "其他资金"]


@pytest.mark.parametrize("name", ["rl_long_repeat.pdf", "lo_long_repeat.pdf"])
def test_repeated_header_row_is_dropped(name: str) -> None:
    grid = extraction(name).grids[0]
    assert grid.n_rows == 37
    assert sum(1 for c in grid.cells if c.text == "三级指标") == 1
    assert sum(1 for c in grid.cells if c.text == "项目名称") == 1


@pytest.mark.parametrize("name", ["rl_long_repeat.pdf", "lo_long_repeat.pdf", "lo_long.pdf"])
def test_label_cut_by_the_page_break_is_one_cell(name: str) -> None:
    grid = extraction(name).grids[0]
    (label,) = [c for c in grid.cells if c.col == 0 and squash(c.text) == "绩效指标"]
    assert label.rowspan == 1 + 26 + (0 if grid.matrix()[-1][0] is not None else 1)
    assert (grid.page_start, grid.page_end) == (1, 2)


def test_table_starting_at_the_page_bottom_keeps_prose_as_context() -> None:
    grid = extraction("rl_bottom_start.pdf").grids[0]
    assert (grid.page_start, grid.page_end) == (1, 2)
    assert grid.context[-1].endswith("说明如下。")


def test_label_text_flowing_over_the_page_break_is_one_cell() -> None:
    grid = extraction("rl_annual_report.pdf").grids[-1]
    (label,) = [c for c in grid.cells if squash(c.text) == "可持续影响指标"]
    assert (label.rowspan, label.source.page) == (2, grid.page_start)
    assert grid.page_start is not None
    assert grid.page_end == grid.page_start + 1


@pytest.mark.parametrize(
    ("head", "tail", "expected"),
    [
        pytest.param("可持续影响", "指标", True, id="level2-cut"),
        pytest.param("产出指标(5", "0分)", True, id="cut-inside-the-points"),
        pytest.param("产出", "指标(50分)", True, id="label-with-points"),
        pytest.param("数量指标", "质量指标", False, id="next-group"),
        pytest.param("数量指标", "", False, id="complete-already"),
    ],
)
def test_completes_label(head: str, tail: str, expected: bool) -> None:
    assert completes_label(head, tail) is expected


def test_two_tables_on_one_page() -> None:
    first, second = extraction("rl_two_per_page.pdf").grids
    assert first.page_start == second.page_start == 1
    assert first.year_text == "(2024年度)"
    assert second.year_text == "（2024 年度）"


@pytest.mark.parametrize("name", ["rl_annual_report.pdf", "lo_annual_report.pdf"])
def test_annual_report_candidates_are_the_self_evaluation_pages(name: str) -> None:
    kinds = pdf_to_page_kinds(PDF / name)
    tables = [i + 1 for i, kind in enumerate(kinds) if kind is PageKind.TABLE]
    assert tables == [t["page_start"] for t in placed(name)]
    assert len(kinds) >= 40


def test_camelot_reader_agrees_with_the_text() -> None:
    result = pdf_to_extraction(PDF / "lo_seed.pdf", settings=PdfSettings(reader="camelot"))
    tables = generator().text_file_to_tables(generator().SEED)
    assert [g.reader for g in result.grids] == ["camelot"] * 6
    assert [squashed(grid_to_rows(g)) for g in result.grids] == [squashed(t.rows) for t in tables]


def test_pdf_to_grids_returns_the_grids() -> None:
    grids = pdf_to_grids(PDF / "lo_seed.pdf")
    assert len(grids) == 6
    assert grids[0].file == "lo_seed.pdf"


# -- broken files ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("damaged.pdf", "损坏"),
        ("not_a_pdf.pdf", "损坏"),
        ("password.pdf", "密码"),
    ],
)
def test_unreadable_file_is_one_error_naming_it(name: str, words: str) -> None:
    result = extraction(name)
    (problem,) = result.problems
    assert (problem.code, problem.severity) == ("unreadable_pdf", Severity.ERROR)
    assert f"pdf/{name}" in problem.message
    assert words in problem.message
    assert problem.source.file == f"pdf/{name}"
    assert result.grids == ()


def test_scanned_page_is_read_by_ocr_and_noted_naming_the_page() -> None:
    result = extraction("scanned_page.pdf")
    (problem,) = result.problems
    assert (problem.code, problem.severity) == ("ocr_page", Severity.INFO)
    assert problem.source.page == 2
    assert "第2页" in problem.message
    assert "OCR" in problem.message
    # page 1's font is not embedded: PDFium's ruling, pdfminer's characters (issue 13)
    assert [(g.reader, g.page_start) for g in result.grids] == [
        ("pdfium+pdfminer", 1),
        ("ocr", 2),
    ]


def test_scanned_page_without_ocr_is_a_warning_naming_the_page() -> None:
    result = pdf_to_extraction(PDF / "scanned_page.pdf", settings=PdfSettings(ocr=False))
    (problem,) = result.problems
    assert (problem.code, problem.severity) == ("scanned_page", Severity.WARNING)
    assert problem.source.page == 2
    assert "第2页" in problem.message
    assert [g.page_start for g in result.grids] == [1]


def test_cid_text_is_unreadable_text_naming_the_page() -> None:
    (problem,) = extraction("cid_text.pdf").problems
    assert problem.code == "unreadable_text"
    assert problem.source.page == 1
    assert "第1页" in problem.message


def test_missing_file_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    result = pdf_to_extraction(tmp_path / "missing.pdf")
    assert [p.code for p in result.problems] == ["unreadable_pdf"]


def test_cells_with_cid_codes_are_reported_on_the_grid() -> None:
    cells = (
        BoxCell((0, 0, 50, 10), "项目名称"),
        BoxCell((50, 0, 100, 10), "(cid:12)(cid:13)"),
        BoxCell((0, 10, 50, 20), "三级指标"),
        BoxCell((50, 10, 100, 20), "年度指标值"),
    )
    grid = chain_to_grid([TablePart(1, (0, 0, 100, 20), cells, "pdfplumber")], "x.pdf")
    (problem,) = grid.problems
    assert problem.code == "garbled_cell"
    assert (problem.source.row, problem.source.col) == (0, 1)


# -- stitching a table over a page break (hand-made parts) ------------------------------------

HEADER = (
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "分值",
    "得分",
    "偏差原因",
)
ROW_A = ("产出指标", "数量指标", "培训次数", "≥4次", "4次", "10", "10", "")
ROW_B = ("", "", "出席率", "≥90%", "95%", "10", "10", "")
ROW_NOTE = ("", "", "执行率", "≥50%", "40%", "20", "16", "部分工作有调整，")


def part_from_rows(page: int, rows: list[tuple[str, ...]], *, heading: bool = False) -> TablePart:
    """A part whose cells are all 1x1, 20pt wide and 10pt high."""
    cells = tuple(
        BoxCell((20.0 * c, 10.0 * r, 20.0 * (c + 1), 10.0 * (r + 1)), text)
        for r, row in enumerate(rows)
        for c, text in enumerate(row)
    )
    bbox = (0.0, 0.0, 20.0 * len(rows[0]), 10.0 * len(rows))
    title = "项目支出绩效自评表" if heading else None
    return TablePart(page, bbox, cells, "pdfplumber", title=title)


def stitched(first: list[tuple[str, ...]], second: list[tuple[str, ...]]) -> list[list[str]]:
    chains = parts_to_chains([part_from_rows(1, first, heading=True), part_from_rows(2, second)])
    assert len(chains) == 1
    return grid_to_rows(chain_to_grid(chains[0], "x.pdf"))


def test_repeated_header_at_the_top_of_a_continuation_is_dropped() -> None:
    assert stitched([HEADER, ROW_A], [HEADER, ROW_B]) == [list(HEADER), list(ROW_A), list(ROW_B)]


def test_data_row_equal_to_an_earlier_row_is_kept() -> None:
    rows = stitched([HEADER, ROW_B], [ROW_B])
    assert rows == [list(HEADER), list(ROW_B), list(ROW_B)]


def test_note_tail_is_joined_to_the_row_above() -> None:
    tail = ("", "", "", "", "", "", "", "下半年开展。")
    rows = stitched([HEADER, ROW_NOTE], [tail, ROW_B])
    assert rows[1][-1] == "部分工作有调整，下半年开展。"
    assert len(rows) == 3


def test_full_row_after_a_page_break_is_a_new_row() -> None:
    rows = stitched([HEADER, ROW_A], [ROW_B])
    assert len(rows) == 3


def test_new_table_with_a_heading_is_not_a_continuation() -> None:
    first = part_from_rows(1, [("项目名称", "甲"), *[(h, "") for h in HEADER[:3]]], heading=True)
    second = part_from_rows(2, [("项目名称", "乙"), *[(h, "") for h in HEADER[:3]]], heading=True)
    assert len(parts_to_chains([first, second])) == 2


def test_continuation_whose_columns_do_not_line_up_is_a_new_table() -> None:
    first = part_from_rows(1, [HEADER, ROW_A], heading=True)
    narrow = part_from_rows(2, [("收入", "支出"), ("1", "2")])
    moved = TablePart(
        2,
        narrow.bbox,
        tuple(
            BoxCell((c.bbox[0] * 1.7 + 3, c.bbox[1], c.bbox[2] * 1.7 + 3, c.bbox[3]), c.text)
            for c in narrow.cells
        ),
        "pdfplumber",
    )
    assert len(parts_to_chains([first, moved])) == 2


# -- small functions ------------------------------------------------------------------------


def test_settings_name_the_bad_setting() -> None:
    with pytest.raises(ValueError, match=r"PdfSettings\.reader"):
        PdfSettings(reader="tabula")
    with pytest.raises(ValueError, match=r"PdfSettings\.max_continuation"):
        PdfSettings(max_continuation=-1)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        pytest.param([1.0, 1.5, 2.0], [1.5], id="chain-within-tolerance"),
        pytest.param([0.0, 10.0], [0.0, 10.0], id="apart"),
        pytest.param([5.0, 0.0, 5.1], [0.0, 5.05], id="unsorted"),
        pytest.param([], [], id="empty"),
    ],
)
def test_values_to_centers(values: list[float], expected: list[float]) -> None:
    assert values_to_centers(values) == expected


@pytest.mark.parametrize(
    ("parts", "spaced", "expected"),
    [
        pytest.param(["偏差原因分析及改", "进措施"], None, "偏差原因分析及改进措施", id="cjk"),
        pytest.param(["≥200(", "次)"], None, "≥200(次)", id="bracket"),
        pytest.param(["12650人", "次"], None, "12650人次", id="unit"),
        pytest.param(["1265", "0人次"], [False, False], "12650人次", id="number-filled-line"),
        pytest.param(["Annual", "Report"], [True, False], "Annual Report", id="words"),
        pytest.param(["PU", "E"], [False, False], "PUE", id="word-cut"),
        pytest.param(["", " a ", ""], None, "a", id="blank-lines"),
    ],
)
def test_join_wrapped(parts: list[str], spaced: list[bool] | None, expected: str) -> None:
    assert join_wrapped(parts, spaced) == expected


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        pytest.param("项目名称某项目绩效指标一级指标二级指标", PageKind.TABLE, id="first-page"),
        pytest.param("二级指标三级指标年度指标值实际完成值", PageKind.TABLE, id="continuation"),
        pytest.param(
            "财政项目支出绩效自评表(2024年度)项目名称某项目", PageKind.TABLE, id="low-start"
        ),
        pytest.param("收入支出决算总表项目行次金额", PageKind.OTHER, id="other-table"),
        pytest.param("项目支出决算表项目名称科目编码决算数", PageKind.OTHER, id="project-list"),
        pytest.param("绩效指标、年度指标值和实际完成值", PageKind.OTHER, id="prose"),
        pytest.param(
            "绩效指标一级指标二级指标三级指标指标值完成值权重得分总分100",
            PageKind.TABLE,
            id="fragment-without-project-name",
        ),
        pytest.param(
            "区域绩效目标自评表实施单位某局绩效指标二级指标三级指标指标值完成值",
            PageKind.TABLE,
            id="regional-table",
        ),
        pytest.param("\x01\x02\x03\x04项目", PageKind.UNREADABLE, id="controls"),
        pytest.param("", PageKind.EMPTY, id="empty"),
    ],
)
def test_text_to_kind(text: str, kind: PageKind) -> None:
    assert text_to_kind(text) is kind


def test_prose_that_names_the_labels_is_no_table() -> None:
    lines = [
        "项目支出绩效自评结果详见附表，自评表列示一级指标、二级指标、三级指标、年度指标值",
        "和实际完成值。",
    ]
    text = "".join(lines)
    assert text_to_kind(text) is PageKind.TABLE  # the words alone would do
    assert text_to_kind(text, labels=lines_to_labels(lines)) is PageKind.OTHER


def test_page_without_text_but_with_images_is_scanned() -> None:
    assert text_to_kind("", has_images=True) is PageKind.SCANNED


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("(cid:1)(cid:2)(cid:3)", True, id="cid"),
        pytest.param("项目\ufffd\ufffd", True, id="replacement"),
        pytest.param("项目名称(cid:3)" + "正常文字" * 5, False, id="a-few"),
        pytest.param("项目名称", False, id="clean"),
    ],
)
def test_is_unreadable(text: str, expected: bool) -> None:
    assert is_unreadable(text) is expected


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        pytest.param(
            ["财政项目支出绩效自评表", "(2024年度)"],
            ("财政项目支出绩效自评表", "(2024年度)", ()),
            id="title-year",
        ),
        pytest.param(
            ["项目支出绩效自评表", "（2024 年度）", "单位：万元"],
            ("项目支出绩效自评表", "（2024 年度）", ("单位：万元",)),
            id="full-width",
        ),
        pytest.param(["一些说明文字"], (None, None, ("一些说明文字",)), id="prose"),
        pytest.param(
            ["项目支出绩效自评表（2024年度）"],
            ("项目支出绩效自评表", "（2024年度）", ()),
            id="one-line",
        ),
        pytest.param(
            ["附表3 2024年度项目支出绩效自评表"],
            ("附表3 2024年度项目支出绩效自评表", None, ()),
            id="year-in-title",
        ),
        pytest.param(
            ["收入支出决算总表", "(2024年度) 单位：万元"],
            (None, "(2024年度)", ("收入支出决算总表", "单位：万元")),
            id="other-table",
        ),
    ],
)
def test_lines_to_heading(lines: list[str], expected: tuple[Any, ...]) -> None:
    assert lines_to_heading(lines) == expected
