"""A title wrapped over two or three lines above a table is one title, with its year.

A narrow page (or a long title) breaks ``某局2023年度部门整体绩效自评表`` into ``…绩效自评`` and
``表``; the lines that make the title together, and no line of them a title, year line, field or
attachment label of its own, are joined before the title and the year are looked for. The same
rule serves every reader of lines above a table (PDF text, scans, documents) and the census of
titles on a page.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.core.vocabulary import join_title_lines, lines_to_titles
from jixiao.extract.readers import blocks
from jixiao.extract.readers.pdf import parts as pdf_parts
from jixiao.extract.readers.pdf.reader import pdf_to_extraction

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

TITLE = "某局2023年度部门整体绩效自评表"


@pytest.mark.parametrize(
    ("lines", "joined"),
    [
        pytest.param(
            ["某局2023年度部门整体绩效自评", "表"], [TITLE], id="cut-before-the-last-word"
        ),
        pytest.param(["某局2023年度部门整体绩效自", "评表"], [TITLE], id="cut-in-the-title-word"),
        pytest.param(["某局2023年度部门", "整体绩效自评", "表"], [TITLE], id="three-lines"),
        pytest.param(["某局2023年度", "部门整体绩效自评表"], [TITLE], id="year-on-the-first-line"),
        pytest.param(
            ["某局 2023 年度部门整体绩效自评", "表", "单位：万元"],
            ["某局 2023 年度部门整体绩效自评表", "单位：万元"],
            id="then-a-unit-line",
        ),
        pytest.param(
            ["附件3", "某局2023年度部门整体绩效自评", "表"],
            ["附件3", TITLE],
            id="attachment-label-stays",
        ),
        pytest.param(
            ["主管部门：某局", "部门整体绩效自评", "表"],
            ["主管部门：某局", "部门整体绩效自评表"],
            id="field-line-stays",
        ),
        pytest.param(
            ["（2023年度）", "部门整体绩效自评", "表"],
            ["（2023年度）", "部门整体绩效自评表"],
            id="year-line-stays",
        ),
        pytest.param(
            ["项目支出绩效自评表", "（2023年度）"],
            ["项目支出绩效自评表", "（2023年度）"],
            id="title-then-year-line",
        ),
        pytest.param(
            ["说明", "项目支出绩效自评表"], ["说明", "项目支出绩效自评表"], id="line-then-a-title"
        ),
        pytest.param(
            ["项目支出绩效自评表", "项目支出绩效自评表"],
            ["项目支出绩效自评表", "项目支出绩效自评表"],
            id="two-titles",
        ),
        pytest.param(
            ["现将自评情况公布如下，", "部门整体绩效自评", "表"],
            ["现将自评情况公布如下，", "部门整体绩效自评表"],
            id="prose-stays",
        ),
        pytest.param(
            ["某局", "2023年度", "收支表"], ["某局", "2023年度", "收支表"], id="not-a-title"
        ),
        pytest.param([], [], id="no-lines"),
    ],
)
def test_join_title_lines(lines: list[str], joined: list[str]) -> None:
    assert join_title_lines(lines) == joined


@pytest.mark.parametrize(
    ("lines", "title", "year"),
    [
        pytest.param(["某局2023年度部门整体绩效自评", "表"], TITLE, 2023, id="two-lines"),
        pytest.param(["某局2023年度部门", "整体绩效自评", "表"], TITLE, 2023, id="three-lines"),
        pytest.param(
            ["财政项目支出绩效自", "评表", "(2024年度)"],
            "财政项目支出绩效自评表",
            2024,
            id="then-a-year-line",
        ),
    ],
)
def test_wrapped_title_above_a_pdf_table(lines: list[str], title: str, year: int) -> None:
    found, year_text, context = pdf_parts.lines_to_heading(lines)
    assert found == title
    assert context == ()
    assert any(str(year) in text for text in (found, year_text) if text)


@pytest.mark.parametrize(
    ("lines", "title"),
    [
        pytest.param(["某局2023年度部门整体绩效自评", "表"], TITLE, id="two-lines"),
        pytest.param(["某局2023年度部门", "整体绩效自评", "表"], TITLE, id="three-lines"),
    ],
)
def test_wrapped_title_above_a_document_table(lines: list[str], title: str) -> None:
    assert blocks.lines_to_heading(lines) == (title, None, ())


def test_census_counts_a_title_wrapped_over_three_lines_once() -> None:
    assert lines_to_titles(["某局2023年度部门", "整体绩效自评", "表", "项目名称"]) == [TITLE]


@pytest.mark.parametrize(
    ("name", "title"),
    [
        pytest.param(
            "real/narrow/real-017.pdf", "重庆市梁平区林业局2023年度部门整体绩效自评表", id="narrow"
        ),
        pytest.param(
            "real/word/real-017.pdf", "重庆市梁平区林业局2023年度部门整体绩效自评表", id="word"
        ),
    ],
)
def test_real_title_and_its_year(name: str, title: str) -> None:
    extraction = pdf_to_extraction(FIXTURES / name)
    (grid,) = extraction.grids
    assert "".join((grid.title or "").split()) == title
    assert "2023" in (grid.year_text or grid.title or "")
    assert ["".join(t.split()) for _, t in extraction.titles] == [title]
