"""Nothing dropped silently: every 自评表 a file shows is read, or named in a table_not_read
problem with its page or line and its title."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
import regex

import jixiao
import jixiao.api
from jixiao.core.vocabulary import lines_to_titles, self_evaluation_title
from jixiao.extract.readers import INPUT_SUFFIXES
from jixiao.model.grid import Cell, Grid, Title
from jixiao.model.source import Source
from jixiao.pipeline.census import SeenGrid, titles_to_problems
from tests.conftest import FIXTURES, ROOT

#: The shared real inputs: beside the clone (as CI lays them out), else the workplace's.
_BESIDE = ROOT.parent / "shared" / "real" / "inputs"
REAL = _BESIDE if _BESIDE.is_dir() else Path("/work/shared/real/inputs")


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("财政项目支出绩效自评表", "财政项目支出绩效自评表"),
        ("# 2022年度项目支出绩效自评表", "2022年度项目支出绩效自评表"),
        ("2020年度水土保持監測項目績效自評表", "2020年度水土保持監測項目績效自評表"),
        ("部门预算项目支出绩效自评表(2023年度)", "部门预算项目支出绩效自评表"),
        ("梁平区林业局 2023 年度部门整体绩效自评表", "梁平区林业局2023年度部门整体绩效自评表"),
        ("某局部门整体支出绩效评价表", "某局部门整体支出绩效评价表"),
        ("附件：项目支出绩效自评表", "附件:项目支出绩效自评表"),
        ("项目支出绩效自评结果详见附表，自评表列示绩效指标", None),
        ("十、项目支出绩效自评表……………36", None),
        ("《银川市本级部门项目支出绩效自评表.docx》由会员分享", None),
        ("四、项目支出绩效自评情况", None),
        ("收入支出决算总表", None),
    ],
    ids=lambda v: str(v)[:24],
)
def test_a_title_is_a_short_line_that_names_a_self_evaluation(line: str, title: str | None) -> None:
    assert self_evaluation_title(line.lstrip("# ")) == title


def test_a_title_wrapped_onto_a_second_line_is_joined() -> None:
    lines = ["某局2023年度部门整体绩效自评", "表", "主管部门", "项目支出绩效自评表", "表"]
    assert lines_to_titles(lines) == ["某局2023年度部门整体绩效自评表", "项目支出绩效自评表"]


# -- matching titles with tables -------------------------------------------------------------------


def _grid(
    *,
    page: int | None = None,
    line: int | None = None,
    title: str | None = None,
    texts: tuple[str, ...] = ("项目名称", "某项目"),
    page_end: int | None = None,
) -> Grid:
    cells = tuple(
        Cell(row=0, col=c, text=t, source=Source("f", page=page, line=line, row=0, col=c))
        for c, t in enumerate(texts)
    )
    return Grid(
        "f",
        "pdf" if page else "tsv",
        cells,
        1,
        len(texts),
        title=title,
        page_start=page,
        page_end=page_end or page,
        line_start=line,
    )


def _title(text: str, *, page: int | None = None, line: int | None = None) -> Title:
    return Title(text, Source("f", page=page, line=line))


T = "财政项目支出绩效自评表"


@pytest.mark.parametrize(
    ("titles", "grids", "not_read"),
    [
        pytest.param([_title(T, page=1)], [SeenGrid(_grid(page=1, title=T), True)], [], id="read"),
        pytest.param(
            [_title(T, page=1), _title(T, page=1)],
            [SeenGrid(_grid(page=1, title=T), True), SeenGrid(_grid(page=1, title=T), True)],
            [],
            id="two-per-page",
        ),
        pytest.param(
            [_title(T, page=1), _title(T, page=2), _title(T, page=3)],
            [SeenGrid(_grid(page=1, title=T), True), SeenGrid(_grid(page=3, title=T), True)],
            [2],
            id="page-2-not-read",
        ),
        pytest.param(
            [_title("附件：" + T, page=35), _title(T, page=36)],
            [SeenGrid(_grid(page=36, title=T), True)],
            [],
            id="section-heading",
        ),
        pytest.param(
            [_title(T, page=4)],
            [SeenGrid(_grid(page=5, title=None), True)],
            [],
            id="title-at-the-foot-of-the-page-before",
        ),
        pytest.param(
            [_title(T, page=1), _title(T, page=2)],
            [SeenGrid(_grid(page=1, page_end=2, title=T), True)],
            [],
            id="title-repeated-on-the-next-page",
        ),
        pytest.param([_title("附件：" + T, page=9)], [], [9], id="a-heading-with-nothing-after-it"),
        pytest.param(
            [Title("某局2022年度" + T, Source("f", page=8), heading=True), _title(T, page=8)],
            [SeenGrid(_grid(page=8, title=T), True)],
            [],
            id="annex-heading-over-a-titled-table",
        ),
        pytest.param(
            [_title("某局2022年度" + T, line=1), _title(T, line=2), _title(T, line=30)],
            [SeenGrid(_grid(line=4, title=T), True), SeenGrid(_grid(line=32, title=T), True)],
            [],
            id="text-annex-heading-over-titled-tables",
        ),
        pytest.param(
            [_title("项目支出绩效自评表", page=11), _title(T, page=11), _title("X" + T, page=12)],
            [
                SeenGrid(_grid(page=11, title="项目支出绩效自评表"), True),
                SeenGrid(_grid(page=12, title=T), True),  # its title ends page 11
                SeenGrid(_grid(page=12, title="X" + T), True),
            ],
            [],
            id="title-at-a-page-foot-before-another-title-on-the-next-page",
        ),
        pytest.param(
            [_title(T, line=1), _title(T, line=20)],
            [SeenGrid(_grid(line=3, title=T), True)],
            [20],
            id="text-heading-without-table",
        ),
        pytest.param(
            [_title("績效自評表", line=1)],
            [SeenGrid(_grid(line=3, texts=("項目名稱", "某項目")), False)],
            [1],
            id="skipped-grid-under-a-title",
        ),
    ],
)
def test_every_title_is_read_or_not_read(
    titles: list[Title], grids: list[SeenGrid], not_read: list[int]
) -> None:
    problems = titles_to_problems(titles, grids, [])
    assert {p.code for p in problems} <= {"table_not_read"}
    assert [p.source.page or p.source.line for p in problems] == not_read


def test_a_skipped_grid_that_looks_like_one_is_not_read_others_are_not_self_eval() -> None:
    looks = SeenGrid(_grid(line=1, texts=("项目", "自评得分")), False)
    other = SeenGrid(_grid(line=9, texts=("收入支出决算总表", "金额")), False)
    codes = [p.code for p in titles_to_problems([], [looks, other], [])]
    assert codes == ["table_not_read", "not_self_eval"]


def test_the_reason_comes_from_the_page_problem() -> None:
    from jixiao.core.problems import make_problem  # noqa: PLC0415

    page = make_problem("table_not_found", "…", Source("f", page=2))
    [problem] = titles_to_problems([_title(T, page=2)], [], [page])
    assert problem.message == f"第2页的“{T}”是自评表，但没有读出：该页没有找到带表格线的表格"
    assert (problem.found, problem.field) == (T, "title")


# -- the fixtures and the real tables --------------------------------------------------------------


def _accounted(result: jixiao.api.Result, name: str) -> Counter[int]:
    """Pages (PDF) or lines (text) where a 自评表 of a file was read or named as not read."""
    tables = result.tables[result.tables["source_file"] == name]
    problems = result.problems[
        (result.problems["source_file"] == name) & (result.problems["code"] == "table_not_read")
    ]
    places = [*tables["page_start"].fillna(tables["line_start"]).tolist()]
    places += problems["page"].fillna(problems["line"]).tolist()
    return Counter(int(p) for p in places if not pd.isna(p))


_PDF_MANIFEST = json.loads((FIXTURES / "pdf" / "MANIFEST.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(_PDF_MANIFEST), ids=str)
def test_every_fixture_pdf_table_is_read_or_not_read(
    fixtures_read: jixiao.api.Result, name: str
) -> None:
    expected = Counter(t["page_start"] for t in _PDF_MANIFEST[name]["tables"])
    accounted = _accounted(fixtures_read, f"pdf/{name}")
    assert expected - accounted == Counter(), f"pages with a 自评表 neither read nor named: {name}"


_HEADING = regex.compile(r"^#.*自[评評]表")
_TEXTS = sorted(p for p in FIXTURES.rglob("*") if p.suffix in (".txt", ".tsv"))


@pytest.mark.parametrize("path", _TEXTS, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_every_fixture_text_heading_is_read_or_not_read(
    fixtures_read: jixiao.api.Result, path: Path
) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    headings = [n for n, line in enumerate(lines, start=1) if _HEADING.match(line)]
    assert _count(fixtures_read, path.relative_to(FIXTURES).as_posix()) >= len(headings)
    assert len(headings) > 0 or path.name.startswith("0")  # the seed and synthetic have titles


#: Real files whose 自评表 are neither read nor named yet: strict, so they fail once fixed.
REAL_GAPS: dict[str, str] = {}


def _real_cases() -> list[object]:
    if not (REAL / "MANIFEST.json").is_file():
        return [pytest.param("", id="no-real-inputs", marks=pytest.mark.skip("no real inputs"))]
    manifest = json.loads((REAL / "MANIFEST.json").read_text(encoding="utf-8"))["files"]
    cases = []
    for name in sorted(manifest):
        if Path(name).suffix.lower() not in INPUT_SUFFIXES:
            continue  # a format jixiao does not read yet
        gap = REAL_GAPS.get(name)
        marks = [pytest.mark.xfail(strict=True, reason=gap)] if gap else []
        cases.append(pytest.param(name, id=name, marks=marks))
    return cases


@pytest.fixture(scope="module")
def real_read() -> jixiao.api.Result:
    return jixiao.read(REAL)


@pytest.mark.parametrize("name", _real_cases())
def test_every_real_table_is_read_or_not_read(real_read: jixiao.api.Result, name: str) -> None:
    manifest = json.loads((REAL / "MANIFEST.json").read_text(encoding="utf-8"))["files"]
    expected = len(manifest[name]["ids"])
    assert _count(real_read, name) >= expected


def _count(result: jixiao.api.Result, name: str) -> int:
    """自评表 of a file read, or named in a table_not_read problem (wherever they are)."""
    problems = result.problems
    named = (problems["source_file"] == name) & (problems["code"] == "table_not_read")
    return int((result.tables["source_file"] == name).sum() + named.sum())
