"""The web page, workbook and Word readers: encodings, spans, values as displayed, headings,
sniffing, broken files. The golden frames of whole fixtures are in test_office_frames.py."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

import docx
import openpyxl
import pytest

from jixiao.extract.readers import read_file
from jixiao.extract.readers.blocks import lines_to_heading
from jixiao.extract.readers.html import bytes_to_markup, webpage_to_extraction
from jixiao.extract.readers.number_format import value_to_text
from jixiao.extract.readers.sniff import bytes_to_kind
from jixiao.extract.readers.spreadsheet import xlsx_to_extraction
from jixiao.extract.readers.word import docx_to_extraction
from jixiao.model.grid import Grid
from jixiao.pipeline.discover import discover

# --- number formats ---------------------------------------------------------------------------

FORMAT_CASES = [
    # (stored value, number format, text shown)
    (0.9949, "0.00%", "99.49%"),
    (1, "0%", "100%"),
    (0.955, "0%", "96%"),
    (100.0, "General", "100"),
    (89.974, "General", "89.974"),
    (1 / 3, "General", "0.333333333"),
    (1.5e15, "General", "1.5E+15"),
    (409.9, "0.00", "409.90"),
    (2.675, "0.00", "2.68"),
    (-2.5, "0", "-3"),
    (1200000, "#,##0.00", "1,200,000.00"),
    (1234567, "#,##0,", "1,235"),
    (620.82, '0.00"万元"', "620.82万元"),
    (5, "0.0_)", "5.0"),
    (-5, "0.00_);[Red](0.00)", "(5.00)"),
    (0, '0.00;-0.00;"-"', "-"),
    (0.5, "#.00", ".50"),
    (3.1, "0.0#", "3.1"),
    (3.14159, "0.0#", "3.14"),
    (12345.678, "0.00E+00", "1.23E+04"),
    (7, '[>=5]"多";"少"', "多"),
    (5, '"¥"General', "¥5"),
    (95.5, "G/通用格式", "95.5"),
    (20, 'G/通用格式"分"', "20分"),
    (-3.5, "0.00_);[红色]\\(0.00\\)", "(3.50)"),
    (409.9, "#,##0.00_ ", "409.90"),
    (dt.date(2024, 3, 1), 'yyyy"年"m"月"d"日" aaaa', "2024年3月1日 星期五"),
    (12, "[$¥-804]#,##0.00", "¥12.00"),
    ("≥90%", "@", "≥90%"),
    ("达成", '@"（定性）"', "达成（定性）"),
    (True, "General", "TRUE"),
    (None, "0.00", ""),
    (dt.datetime(2024, 1, 5), "yyyy/m/d", "2024/1/5"),
    (dt.datetime(2024, 1, 5), 'yyyy"年"m"月"d"日"', "2024年1月5日"),
    (dt.datetime(2024, 12, 31, 15, 7, 9), "yyyy-mm-dd hh:mm:ss", "2024-12-31 15:07:09"),
    (dt.datetime(2024, 12, 31, 15, 7), "h:mm AM/PM", "3:07 PM"),
    (dt.datetime(2024, 3, 1), "mmmm", "三月"),
    (dt.date(2024, 3, 1), "dddd", "星期五"),
    (dt.timedelta(hours=27, minutes=5), "[h]:mm", "27:05"),
    (45292.0, "yyyy-mm-dd", "2024-01-01"),
]


@pytest.mark.parametrize(
    ("value", "number_format", "shown"),
    FORMAT_CASES,
    ids=[f"{v!r}|{f}" for v, f, _ in FORMAT_CASES],
)
def test_value_shown_as_the_spreadsheet_shows_it(
    value: object, number_format: str, shown: str
) -> None:
    assert value_to_text(value, number_format) == shown


def test_format_cases_are_unique() -> None:
    keys = [(repr(v), f) for v, f, _ in FORMAT_CASES]
    assert len(keys) == len(set(keys))


# --- web pages: encodings ----------------------------------------------------------------------

PAGE = "<html><head>{head}</head><body><p>项目支出绩效自评表</p></body></html>"
ENCODING_CASES = [
    # (id, bytes, encoding found)
    ("meta-charset-gb2312", PAGE.format(head='<meta charset="gb2312">').encode("gbk"), "gb18030"),
    (
        "http-equiv-gbk",
        PAGE.format(
            head='<meta http-equiv="Content-Type" content="text/html; charset=GBK">'
        ).encode("gbk"),
        "gb18030",
    ),
    ("utf8-bom", b"\xef\xbb\xbf" + PAGE.format(head="").encode(), "utf-8"),
    ("utf16-bom", PAGE.format(head="").encode("utf-16"), "utf-16-le"),
    ("undeclared-utf8", PAGE.format(head="").encode(), "utf-8"),
    (
        "declared-latin1-is-utf8",
        PAGE.format(head='<meta charset="iso-8859-1">').encode(),
        "utf-8",
    ),
    ("declared-utf8-is-gbk", PAGE.format(head='<meta charset="utf-8">').encode("gbk"), None),
]


@pytest.mark.parametrize(
    ("data", "encoding"),
    [(d, e) for _, d, e in ENCODING_CASES],
    ids=[i for i, _, _ in ENCODING_CASES],
)
def test_page_decoded_by_what_it_says(data: bytes, encoding: str | None) -> None:
    text, found = bytes_to_markup(data)
    assert "项目支出绩效自评表" in text
    if encoding is not None:
        assert found == encoding


def test_undeclared_gbk_page_is_detected() -> None:
    body = "<p>根据预算绩效管理有关规定，现将本单位项目支出绩效自评情况公开如下。</p>" * 5
    text, _ = bytes_to_markup(f"<html><body>{body}</body></html>".encode("gbk"))
    assert "预算绩效管理" in text


# --- web pages: tables -------------------------------------------------------------------------


def _page_grids(body: str) -> list[Grid]:
    page = f'<html><head><meta charset="utf-8"></head><body>{body}</body></html>'
    extraction = webpage_to_extraction(page.encode(), file="p.html")
    assert extraction.problems == ()
    return list(extraction.grids)


def _rows(grid: Grid) -> list[list[str | None]]:
    return [[c.text if c else None for c in row] for row in grid.matrix()]


SPANS = """<table border=1>
<tr><td>项目名称</td><td colspan=3>某项目</td></tr>
<tr><td rowspan=2>项目资金<br>(万元)</td><td></td><td>年初预算数</td><td>全年预算数</td></tr>
<tr><td>年度资金总额</td><td>1</td><td>2</td></tr>
</table>"""


def test_rowspan_and_colspan_are_spans() -> None:
    [grid] = _page_grids(SPANS)
    assert _rows(grid) == [
        ["项目名称", "某项目", None, None],
        ["项目资金\n(万元)", "", "年初预算数", "全年预算数"],
        [None, "年度资金总额", "1", "2"],
    ]
    money = grid.matrix()[1][0]
    assert money is not None
    assert (money.rowspan, money.colspan) == (2, 1)
    assert money.source.locator == "table 1 R2C1"
    assert money.source.line == 3


def test_cell_lines_and_spaces_as_a_browser_shows_them() -> None:
    body = (
        "<table><tr><td><p class=MsoNormal><span>指标</span><span>25:</span>"
        "<span>签约率</span></p></td><td><p>第一行</p><p>&nbsp;</p><div>第二 \n  行</div></td>"
        "<td>&nbsp;</td></tr><tr><td>a</td><td>b<br/>c</td><td>　全角</td></tr></table>"
    )
    [grid] = _page_grids(body)
    assert _rows(grid) == [["指标25:签约率", "第一行\n第二 行", ""], ["a", "b\nc", "　全角"]]


def test_layout_tables_scripts_and_hidden_rows_are_not_tables() -> None:
    body = (
        "<table class=layout><tr><td><a>首页</a></td></tr><tr><td>"
        "<p>项目支出绩效自评表</p><p>(2024年度)</p>"
        "<table><tr><td>项目名称</td><td>X</td></tr>"
        "<tr style='display:none'><td>隐藏</td><td>行</td></tr>"
        "<tr><td>总分</td><td>100</td></tr></table>"
        "<script>document.write('<table><tr><td>a</td><td>b</td></tr></table>')</script>"
        "</td></tr></table>"
        "<table><tr><td>只有一列的表格</td></tr><tr><td>（用于排版）</td></tr></table>"
    )
    [grid] = _page_grids(body)
    assert _rows(grid) == [["项目名称", "X"], ["总分", "100"]]
    assert (grid.title, grid.year_text) == ("项目支出绩效自评表", "(2024年度)")
    assert grid.matrix()[0][0].source.locator == "table 2 R1C1"  # type: ignore[union-attr]


def test_title_rows_inside_one_table_start_each_table() -> None:
    body = (
        "<table>"
        "<tr><td colspan=2>甲项目支出绩效自评表</td></tr><tr><td colspan=2>(2023年度)</td></tr>"
        "<tr><td>项目名称</td><td>甲</td></tr><tr><td>总分</td><td>90</td></tr>"
        "<tr><td></td><td></td></tr>"
        "<tr><td colspan=2>乙项目支出绩效自评表</td></tr><tr><td colspan=2>(2024年度)</td></tr>"
        "<tr><td>项目名称</td><td>乙</td></tr><tr><td>总分</td><td>80</td></tr>"
        "</table>"
    )
    grids = _page_grids(body)
    assert [(g.title, g.year_text, _rows(g)[0][1]) for g in grids] == [
        ("甲项目支出绩效自评表", "(2023年度)", "甲"),
        ("乙项目支出绩效自评表", "(2024年度)", "乙"),
    ]


def test_rows_above_the_project_row_are_heading_lines() -> None:
    body = (
        "<table><tr><td colspan=3>项目支出绩效自评表<br>（2024年度）</td></tr>"
        "<tr><td>填报单位：某局</td><td></td><td>单位：万元</td></tr>"
        "<tr><td>项目名称</td><td colspan=2>X</td></tr><tr><td>总分</td><td>9</td><td>8</td></tr>"
        "</table>"
    )
    [grid] = _page_grids(body)
    assert (grid.title, grid.year_text) == ("项目支出绩效自评表", "（2024年度）")
    assert grid.context == ("填报单位：某局", "单位：万元")
    assert _rows(grid)[0] == ["项目名称", "X", None]


def test_second_project_row_starts_a_new_table() -> None:
    body = (
        "<table><tr><td>项目名称</td><td>甲</td></tr><tr><td>总分</td><td>90</td></tr>"
        "<tr><td>项目名称</td><td>乙</td></tr><tr><td>总分</td><td>80</td></tr></table>"
    )
    assert [_rows(g)[0][1] for g in _page_grids(body)] == ["甲", "乙"]


def test_self_eval_table_with_a_table_in_a_cell_is_kept() -> None:
    body = (
        "<table><tr><td>项目名称</td><td>X</td></tr>"
        "<tr><td>一级指标</td><td>二级指标</td></tr><tr><td>三级指标</td>"
        "<td>见附表<table><tr><td>a</td><td>b</td></tr></table></td></tr>"
        "<tr><td>总分</td><td>90</td></tr></table>"
        "<table><tr><td>其他表</td><td>列</td></tr><tr><td>a</td><td>b</td></tr></table>"
    )
    grids = _page_grids(body)
    assert [_rows(g)[0] for g in grids] == [["项目名称", "X"], ["其他表", "列"]]
    assert _rows(grids[0])[2] == ["三级指标", "见附表\na\nb"]
    assert grids[1].cells[0].source.locator == "table 3 R1C1"  # the inner table is table 2


def test_open_table_continues_in_the_next_table() -> None:
    body = (
        "<p>项目支出绩效自评表</p>"
        "<table><tr><td>项目名称</td><td>X</td></tr><tr><td>一级指标</td><td>二级指标</td></tr>"
        "</table><p>（续表）</p>"
        "<table><tr><td>产出指标</td><td>数量指标</td></tr><tr><td>总分</td><td>100</td></tr>"
        "</table>"
        "<table><tr><td>其他表</td><td>列</td></tr><tr><td>a</td><td>b</td></tr></table>"
    )
    grids = _page_grids(body)
    assert [len(_rows(g)) for g in grids] == [4, 2]
    assert grids[0].context == ("（续表）",)
    last = grids[0].matrix()[3][1]
    assert last is not None
    assert (last.source.row, last.source.locator) == (3, "table 2 R2C2")


HEADING_CASES = [
    # (id, lines above the table, title, year line)
    ("title-then-year", ["说明", "项目支出绩效自评表", "(2024年度)"], "项目支出绩效自评表", "(2024年度)"),  # noqa: E501
    ("year-in-title", ["某局项目支出绩效自评表（2023年度）"], "某局项目支出绩效自评表", "（2023年度）"),  # noqa: E501
    ("nearest-title-wins", ["某市2022年度项目支出绩效自评表", "2022年度水土保持監測項目績效自評表"],
     "2022年度水土保持監測項目績效自評表", None),
    ("year-without-brackets", ["部门整体支出绩效自评表", "2024年度", "单位：万元"],
     "部门整体支出绩效自评表", "2024年度"),
    ("no-title", ["根据有关规定，现公开如下："], None, None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("lines", "title", "year"),
    [case[1:] for case in HEADING_CASES],
    ids=[case[0] for case in HEADING_CASES],
)
def test_title_and_year_from_the_lines_above(
    lines: list[str], title: str | None, year: str | None
) -> None:
    assert lines_to_heading(lines)[:2] == (title, year)


# --- workbooks ---------------------------------------------------------------------------------


def _xlsx(build: Callable[[openpyxl.Workbook], None]) -> bytes:
    book = openpyxl.Workbook()
    build(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_table(book: openpyxl.Workbook) -> None:
    sheet = book.active
    assert sheet is not None
    sheet.title = "自评表"
    sheet["B1"] = "项目支出绩效自评表"
    sheet.merge_cells("B1:E1")
    sheet["B2"] = "(2024年度)"
    sheet.merge_cells("B2:E2")
    sheet["B4"], sheet["C4"] = "项目名称", "某项目"
    sheet.merge_cells("C4:E4")
    sheet["B5"], sheet["C5"], sheet["D5"] = "执行率", 0.9949, 100.0
    sheet["C5"].number_format = "0.00%"
    sheet["B6"], sheet["C6"] = "完成时间", dt.datetime(2024, 12, 31)
    sheet["C6"].number_format = 'yyyy"年"m"月"d"日"'
    hidden = book.create_sheet("代码")
    hidden["A1"], hidden["B1"] = "项目名称", "不该读"
    hidden.sheet_state = "hidden"


def test_workbook_values_as_displayed_with_stored_value_kept() -> None:
    [grid] = xlsx_to_extraction(_xlsx(_sheet_table), file="a.xlsx").grids
    assert (grid.title, grid.year_text) == ("项目支出绩效自评表", "(2024年度)")
    assert _rows(grid) == [
        ["项目名称", "某项目", None, None],
        ["执行率", "99.49%", "100", ""],
        ["完成时间", "2024年12月31日", "", ""],
    ]
    rate = grid.matrix()[1][1]
    assert rate is not None
    assert (rate.source.locator, rate.source.stored) == ("自评表!C5", "0.9949 [0.00%]")
    assert str(rate.source) == "a.xlsx 自评表!C5"
    name = grid.matrix()[0][1]
    assert name is not None
    assert (name.colspan, name.source.stored) == (3, None)


# --- Word ---------------------------------------------------------------------------------------


def _docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("项目支出绩效自评表")
    document.add_paragraph("(2024年度)")
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).text = "项目名称"
    table.cell(0, 1).merge(table.cell(0, 2)).text = "某项目"
    money = table.cell(1, 0).merge(table.cell(2, 0))
    money.text = "项目资金"
    money.add_paragraph("(万元)")
    table.cell(1, 1).text = "年初预算数"
    table.cell(2, 1).text = "10"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_word_merges_are_spans_and_cell_paragraphs_are_lines() -> None:
    [grid] = docx_to_extraction(_docx_bytes(), file="a.docx").grids
    assert (grid.title, grid.year_text) == ("项目支出绩效自评表", "(2024年度)")
    assert _rows(grid) == [
        ["项目名称", "某项目", None],
        ["项目资金\n(万元)", "年初预算数", ""],
        [None, "10", ""],
    ]
    money = grid.matrix()[1][0]
    assert money is not None
    assert (money.rowspan, money.source.locator) == (2, "table 1 R2C1")


# --- sniffing and broken files ----------------------------------------------------------------

KIND_CASES = [
    # (id, first bytes, kind the suffix claims, kind read as)
    ("html-named-xls", b"<html xmlns:x='urn:schemas-microsoft-com:office:excel'>", "xls", "html"),
    ("html-named-doc", b"\xef\xbb\xbf\r\n<html>", "doc", "html"),
    ("spreadsheetml", b"<?xml version='1.0'?><Workbook xmlns='urn:schemas-microsoft-com:office:spreadsheet'>", "xls", "spreadsheetml"),  # noqa: E501
    ("ole2-word", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le"), "docx", "doc"),  # noqa: E501
    ("ole2-encrypted", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"), "xlsx", "encrypted"),  # noqa: E501
    ("ole2-workbook", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "Workbook".encode("utf-16-le"), "xlsx", "xls"),  # noqa: E501
    ("zip-named-doc", _docx_bytes(), "doc", "docx"),
    ("garbage", b"\x00\x01junk", "xlsx", "xlsx"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("data", "claimed", "kind"),
    [case[1:] for case in KIND_CASES],
    ids=[case[0] for case in KIND_CASES],
)
def test_file_is_read_as_what_its_bytes_are(data: bytes, claimed: str, kind: str) -> None:
    assert bytes_to_kind(data, claimed) == kind


BROKEN_CASES = [
    # (id, bytes, claimed kind, problem code)
    ("empty-page", b"  \n", "html", "empty_file"),
    ("binary-page", b"\x00\x01\x02<html>", "html", "unreadable_file"),
    ("truncated-xlsx", _xlsx(_sheet_table)[:300], "xlsx", "unreadable_file"),
    ("not-a-workbook", b"hello", "xlsx", "unreadable_file"),
    ("not-an-xls", b"hello", "xls", "unreadable_file"),
    ("truncated-docx", _docx_bytes()[:500], "docx", "unreadable_file"),
    ("spreadsheetml", b"<?xml version='1.0'?><Workbook xmlns='urn:schemas-microsoft-com:office:spreadsheet'/>", "xls", "unsupported_format"),  # noqa: E501
    ("wps", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "wps", "unsupported_format"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("data", "claimed", "code"),
    [case[1:] for case in BROKEN_CASES],
    ids=[case[0] for case in BROKEN_CASES],
)
def test_broken_file_is_one_problem(data: bytes, claimed: str, code: str) -> None:
    extraction = read_file(data, path=Path("x"), name="x", claimed=claimed)
    assert extraction.grids == ()
    assert [p.code for p in extraction.problems] == [code]


def test_unsupported_format_says_how_to_convert() -> None:
    [problem] = read_file(b"\xd0\xcf\x11\xe0", path=Path("旧.et"), name="a/旧.et").problems
    assert problem.code == "unsupported_format"
    assert "a/旧.et" in problem.message
    assert 'soffice --headless --convert-to xlsx "旧.et"' in problem.message


def test_discovery_finds_pages_workbooks_word_and_unsupported_files(tmp_path: Path) -> None:
    names = ["a.HTML", "b.htm", "c.xlsx", "d.xls", "e.docx", "f.doc", "g.wps", "h.et", "i.gif"]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    found = {f.name: f.kind for f in discover([tmp_path])}
    assert found == {
        "a.HTML": "html",
        "b.htm": "html",
        "c.xlsx": "xlsx",
        "d.xls": "xls",
        "e.docx": "docx",
        "f.doc": "doc",
        "g.wps": "wps",
        "h.et": "et",
    }
