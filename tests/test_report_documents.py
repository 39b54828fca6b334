"""The report's card for web pages, workbooks and Word files: the source table at the file's
own addresses in place of the PDF crop, every problem cell marked on both sides."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.test_report import TABLE_LEVEL, Node, Run, _highlighted, _run, _table_problems

OFFICE = ROOT / "fixtures" / "office"
FILES = ("seed.xlsx", "synthetic.xls", "synthetic_gbk.htm", "seed.docx", "families_web.xls")


@pytest.fixture(scope="module")
def office_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return _run([OFFICE / name for name in FILES], tmp_path_factory.mktemp("office-report"))


def _source_pane(card: Node) -> Node:
    [table] = [n for n in card.walk() if n.tag == "table" and "sheet" in n.attrs.get("class", "")]
    return table


@pytest.mark.parametrize(
    ("name", "caption"),
    [
        ("seed.xlsx", "工作簿工作表“自评表1-3”"),
        ("synthetic.xls", "工作簿工作表“自评表”"),
        ("synthetic_gbk.htm", "网页第1个表格"),
        ("seed.docx", "Word 文档第1个表格"),
        ("families_web.xls", "网页第1个表格"),
    ],
)
def test_card_shows_the_source_table_in_place_of_a_page_image(
    office_run: Run, name: str, caption: str
) -> None:
    card = office_run.cards()[f"{name}#1"]
    headings = [n.all_text() for n in card.walk() if n.tag == "h3"]
    assert any(caption in h for h in headings), headings
    assert not [n for n in card.walk() if n.tag == "img"]
    assert _source_pane(card)


def test_source_columns_and_rows_are_the_files_own(office_run: Run) -> None:
    pane = _source_pane(office_run.cards()["seed.xlsx#1"])
    header, first = [n for n in pane.children if n.tag == "tr"][:2]
    assert [n.all_text() for n in header.children if n.tag == "th"][1:4] == ["B", "C", "D"]
    assert first.children[0].all_text() == "4"  # title, year and a blank row above it
    assert first.children[1].attrs["data-addr"] == "自评表1-3!B4"


def test_displayed_value_with_the_stored_one_on_hover(office_run: Run) -> None:
    cells = [n for n in _source_pane(office_run.cards()["seed.xlsx#1"]).walk() if n.tag == "td"]
    rate = next(n for n in cells if n.attrs.get("data-addr") == "自评表1-3!G15")
    assert rate.all_text() == "99.49%"
    assert "存储值 0.9949 [0.00%]" in rate.attrs["title"]


def test_every_cell_problem_is_marked_in_both_panes_on_the_same_cell(office_run: Run) -> None:
    cards = office_run.cards()
    problems = [p for p in _table_problems(office_run) if p.code not in TABLE_LEVEL]
    assert problems
    for problem in problems:
        card = cards[problem.table_id]
        tds = _highlighted(card, problem.index, "td")
        left = [td for td in tds if "data-rc" in td.attrs]
        right = [td for td in tds if "data-addr" in td.attrs]
        assert left, problem
        assert sorted(td.all_text() for td in left) == sorted(td.all_text() for td in right)
        item = next(n for n in card.walk() if n.attrs.get("data-problem") == str(problem.index))
        if len(right) == 1:  # a one-cell problem names the cell's address in the file
            assert right[0].attrs["data-addr"] in item.all_text(), problem


def test_broken_and_unsupported_files_are_listed_with_their_reason(tmp_path: Path) -> None:
    names = ["password.xlsx", "legacy.doc", "seed.html"]
    result = _run([OFFICE / n for n in names], tmp_path)
    text = result.dom.all_text()
    assert "soffice --headless --convert-to docx" in text
    assert "密码" in text
