"""The overview at the top of report.html (#27): its counts (table-driven, on hand-made rows),
its numbers against the frames of the fixtures, and the page in headless chromium on 1 table
and on 2,016 tables (drawn, screenshot taken, within 2 s of page load)."""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

import jixiao.api
from jixiao.batch.run import BatchSettings
from jixiao.model.frames import Rows
from jixiao.report.build import frames_to_report
from jixiao.report.html import code_name, report_to_html
from jixiao.report.overview import (
    LISTED_OUTLIERS,
    NO_DEPARTMENT,
    OTHER_CODES,
    TOP_CODES,
    TOP_DEPARTMENTS,
    TOTAL_TOLERANCE,
    indicator_to_cell,
    rows_to_overview,
    total_to_bin,
)
from tests.conftest import SEED
from tests.test_report import Node, _browser, _chromium, parse_html

CHARTS = ("chart-totals", "chart-scatter", "chart-targets", "chart-problems")


# -- the counts, case by case -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "bar"),
    [
        pytest.param("0", 0, id="zero"),
        pytest.param("4.99", 0, id="just-below-5"),
        pytest.param("5", 1, id="five-opens-the-second-bar"),
        pytest.param("89.99", 17, id="just-below-90"),
        pytest.param("90", 18, id="ninety"),
        pytest.param("99.99", 19, id="just-below-100"),
        pytest.param("100", 19, id="hundred-in-the-last-bar"),
        pytest.param("100.01", 20, id="above-100"),
        pytest.param("-0.5", -1, id="negative"),
    ],
)
def test_total_falls_in_its_bar(total: str, bar: int) -> None:
    assert total_to_bin(Decimal(total)) == bar


@pytest.mark.parametrize(
    ("achieved", "weight", "score", "cell"),
    [
        pytest.param(True, 20.0, 20.0, "met_full", id="met-full"),
        pytest.param(True, 20.0, 16.0, "met_lost", id="met-but-lost-points"),
        pytest.param(True, 20.0, 25.0, "met_lost", id="met-above-weight-is-not-full"),
        pytest.param(False, 10.0, 10.0, "missed_full", id="missed-but-full-points"),
        pytest.param(False, 10.0, 7.47, "missed_partial", id="missed-partial"),
        pytest.param(None, 10.0, 10.0, "", id="achieved-unknown"),
        pytest.param(True, None, 10.0, "", id="no-weight"),
        pytest.param(False, 10.0, None, "", id="no-score"),
        pytest.param(True, 20.0, 20, "met_full", id="float-weight-whole-score"),
    ],
)
def test_indicator_falls_in_its_cell(
    achieved: bool | None, weight: float | None, score: float | None, cell: str
) -> None:
    record = {"achieved": achieved, "weight": weight, "score_reported": score}
    assert indicator_to_cell(record) == cell


def _table(
    n: int, reported: Any, recomputed: Any, status: str = "complete", dept: str = "甲"
) -> Any:
    return {
        "table_id": f"f.txt#{n}",
        "department": dept,
        "read_status": status,
        "score_total_reported": reported,
        "score_total": recomputed,
    }


def test_histogram_counts_complete_tables_and_those_with_no_total() -> None:
    tables = (
        _table(1, 94.95, 94.95),
        _table(2, 100.0, 100.0),
        _table(3, None, 90.0),
        _table(4, 97.0, None, status="partial"),
        _table(5, 101.0, 101.0),
    )
    totals = rows_to_overview([Rows(tables=tables)]).totals
    bars = {bar.label: bar.count for bar in totals.bars}
    assert (bars["90–95"], bars["95–100"], bars[">100"]) == (1, 1, 1)
    assert "<0" not in bars
    assert (totals.complete, totals.no_total, totals.not_complete, totals.counted) == (4, 1, 1, 3)


@pytest.mark.parametrize(
    ("reported", "recomputed", "outside"),
    [
        pytest.param(94.95, 94.95, False, id="equal"),
        pytest.param(95.0, 94.0, False, id="tolerance-itself-is-within"),
        pytest.param(95.01, 94.0, True, id="just-beyond"),
        pytest.param(80.0, 90.0, True, id="below"),
    ],
)
def test_scatter_highlights_totals_beyond_the_tolerance(
    reported: float, recomputed: float, outside: bool
) -> None:
    scatter = rows_to_overview([Rows(tables=(_table(1, reported, recomputed),))]).scatter
    assert (scatter.outside, scatter.within) == ((1, 0) if outside else (0, 1))
    assert [c.outside for c in scatter.cells] == [outside]
    assert Decimal(1) == TOTAL_TOLERANCE


def test_outliers_are_the_largest_whatever_the_order_files_arrive_in() -> None:
    tables = [_table(n, 100.0, 100.0 - 2 - n % 70, dept=f"部门{n % 3}") for n in range(140)]
    files = [Rows(tables=tuple(tables[k : k + 10])) for k in range(0, 140, 10)]
    first = rows_to_overview(files)
    random.Random(7).shuffle(files)
    assert rows_to_overview(files) == first
    differences = [o.difference for o in first.scatter.outliers]
    assert len(differences) == LISTED_OUTLIERS
    assert differences == sorted(differences, reverse=True)
    assert differences[0] == Decimal(71)  # 100 - (100 - 2 - 69)


def test_problems_chart_counts_warnings_and_errors_of_tables_only() -> None:
    problems = [
        {"table_id": "t#1", "department": f"部门{d:02}", "code": f"c{c}", "severity": "warning"}
        for d in range(TOP_DEPARTMENTS + 5)
        for c in range(TOP_CODES + 2)
        for _ in range(d + c + 1)
    ]
    problems.append({"table_id": "t#1", "department": "部门00", "code": "c0", "severity": "info"})
    problems.append({"table_id": None, "department": "部门00", "code": "c0", "severity": "error"})
    problems.append({"table_id": "t#2", "department": None, "code": "c0", "severity": "error"})
    heat = rows_to_overview([Rows(problems=tuple(problems))]).heat
    assert len(heat.rows) == TOP_DEPARTMENTS
    assert heat.departments == TOP_DEPARTMENTS + 5 + 1  # and the one with no department
    assert heat.rows[0].department == f"部门{TOP_DEPARTMENTS + 4:02}"
    assert heat.codes == (*(f"c{c}" for c in range(TOP_CODES + 1, 1, -1)), OTHER_CODES)
    first = heat.rows[0]
    assert sum(first.counts) == first.total
    assert first.counts[-1] == (TOP_DEPARTMENTS + 4 + 0 + 1) + (TOP_DEPARTMENTS + 4 + 1 + 1)
    expected = sum(d + c + 1 for d in range(TOP_DEPARTMENTS + 5) for c in range(TOP_CODES + 2))
    assert heat.problems == expected + 1
    assert NO_DEPARTMENT not in {row.department for row in heat.rows}


def test_the_tally_keeps_counts_not_rows() -> None:
    """5,000 tables of a few totals make a few scatter cells and at most LISTED_OUTLIERS
    listed tables: memory follows the distinct values, not the number of tables."""
    tables = tuple(_table(n, 90.0 + n % 3, 90.0 + (n % 3) * 2) for n in range(5000))
    overview = rows_to_overview([Rows(tables=tables[k : k + 100]) for k in range(0, 5000, 100)])
    cells = {(c.reported, c.recomputed, c.outside): c.count for c in overview.scatter.cells}
    assert cells == {
        (Decimal(90), Decimal(90), False): 1667,
        (Decimal(91), Decimal(92), False): 1667,
        (Decimal(92), Decimal(94), True): 1666,
    }
    assert len(overview.scatter.outliers) == LISTED_OUTLIERS
    assert sum(bar.count for bar in overview.totals.bars) == 5000


def test_an_empty_run_draws_four_empty_charts() -> None:
    html = report_to_html(frames_to_report(_empty_frames(), {}, limit=0, pages=0))
    svgs = {n.attrs["id"]: n for n in parse_html(html).walk() if n.tag == "svg"}
    assert set(svgs) == set(CHARTS)
    assert "没有印制总分" in svgs["chart-totals"].all_text()


def _empty_frames() -> Any:
    from jixiao.model.frames import rows_to_frames  # noqa: PLC0415

    return rows_to_frames(Rows())


# -- the numbers against the frames -------------------------------------------------------------


def _rows_of(dom: Node, table_id: str) -> list[list[str]]:
    [table] = [n for n in dom.walk() if n.attrs.get("id") == table_id]
    rows = [n for n in table.walk() if n.tag == "tr"][1:]
    return [[c.all_text().strip() for c in r.children if c.tag in ("td", "th")] for r in rows]


@pytest.fixture(scope="module")
def fixtures_overview(fixtures_read: jixiao.api.Result) -> tuple[Any, Node]:
    frames = fixtures_read.frames
    html = report_to_html(frames_to_report(frames, {}, limit=0, pages=0))
    return frames, parse_html(html)


def _bar_label(value: float) -> str:
    k = min(int(value // 5), 19)
    if value < 0:
        return "<0"
    if value > 100:
        return ">100"
    return f"{5 * k}–{5 * k + 5}"


def test_overview_counts_every_table_whatever_the_report_limit(
    fixtures_read: jixiao.api.Result,
) -> None:
    frames = fixtures_read.frames
    summary_only = frames_to_report(frames, {}, limit=0, pages=0).overview
    assert frames_to_report(frames, {}, limit=2, pages=0).overview == summary_only
    assert summary_only.totals.complete == int((frames.tables["read_status"] == "complete").sum())


def test_histogram_matches_the_tables_frame(fixtures_overview: tuple[Any, Node]) -> None:
    frames, dom = fixtures_overview
    complete = frames.tables[frames.tables["read_status"] == "complete"]
    printed = complete["score_total_reported"].dropna()
    expected = Counter(_bar_label(float(v)) for v in printed)
    rows = _rows_of(dom, "data-totals")
    shown = {label: int(n) for label, n in rows[:-1]}
    assert {k: v for k, v in shown.items() if v} == dict(expected)
    assert rows[-1] == ["未印总分", str(complete["score_total_reported"].isna().sum())]
    bars = [n for n in _svg(dom, "chart-totals").walk() if n.tag == "rect"]
    assert [int(re.findall(r"(\d+) 张", b.all_text())[0]) for b in bars] == list(shown.values())
    by_id = {n.attrs["id"]: n.all_text() for n in dom.walk() if "id" in n.attrs}
    assert by_id["ov-complete"] == str(len(complete))
    assert by_id["ov-high"] == str(sum(1 for v in printed if 90 <= v <= 100))


def _svg(dom: Node, chart: str) -> Node:
    return next(n for n in dom.walk() if n.tag == "svg" and n.attrs.get("id") == chart)


def test_scatter_matches_the_tables_frame(fixtures_overview: tuple[Any, Node]) -> None:
    frames, dom = fixtures_overview
    both = frames.tables.dropna(subset=["score_total_reported", "score_total"])
    diff = both["score_total_reported"].map(lambda v: Decimal(str(v))) - both["score_total"].map(
        lambda v: Decimal(str(v))
    )
    outside = both[diff.abs() > 1]
    by_id = {n.attrs["id"]: n.all_text() for n in dom.walk() if "id" in n.attrs}
    assert (by_id["ov-outside"], by_id["ov-within"]) == (
        str(len(outside)),
        str(len(both) - len(outside)),
    )
    assert len(outside) > 0
    dots = [n for n in _svg(dom, "chart-scatter").walk() if n.tag == "circle"]
    assert sum(int(re.findall(r"(\d+) 张", d.all_text())[0]) for d in dots) == len(both)
    assert sum("out" in d.attrs["class"].split() for d in dots) >= 1
    listed = {r[0]: Decimal(r[4]) for r in _rows_of(dom, "data-outliers")}
    largest = diff[diff.abs() > 1].abs().sort_values(ascending=False)
    assert len(listed) == min(len(outside), LISTED_OUTLIERS)
    assert max(abs(v) for v in listed.values()) == largest.iloc[0]
    for table_id, difference in listed.items():
        assert difference == diff[both["table_id"] == table_id].iloc[0]


def test_targets_grid_matches_the_indicators_frame(fixtures_overview: tuple[Any, Node]) -> None:
    frames, dom = fixtures_overview
    known = frames.indicators.dropna(subset=["achieved", "weight", "score_reported"])
    met = known["achieved"].astype(bool)
    full = known["score_reported"] == known["weight"]
    expected = {
        "met_full": int((met & full).sum()),
        "met_lost": int((met & ~full).sum()),
        "missed_full": int((~met & full).sum()),
        "missed_partial": int((~met & ~full).sum()),
        "unknown": len(frames.indicators) - len(known),
    }
    [table] = [n for n in dom.walk() if n.attrs.get("id") == "data-targets"]
    shown = {
        n.attrs["data-cell"]: int(n.all_text()) for n in table.walk() if "data-cell" in n.attrs
    }
    assert shown == expected
    assert expected["met_lost"] > 0
    assert expected["missed_full"] > 0


def test_problems_chart_matches_the_problems_frame(fixtures_overview: tuple[Any, Node]) -> None:
    frames, dom = fixtures_overview
    p = frames.problems
    p = p[p["severity"].isin(["warning", "error"]) & p["table_id"].notna()]
    totals = p.groupby(p["department"].fillna(NO_DEPARTMENT)).size()
    top = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_DEPARTMENTS]
    rows = _rows_of(dom, "data-problems")
    assert [(r[0], int(r[-1])) for r in rows] == [(d, int(n)) for d, n in top]
    [table] = [n for n in dom.walk() if n.attrs.get("id") == "data-problems"]
    codes = [n.attrs["data-code"] for n in table.walk() if "data-code" in n.attrs]
    first = rows[0]
    for code, n in zip(codes, first[1:-1], strict=True):
        if code != OTHER_CODES:
            assert int(n) == int(((p["department"] == first[0]) & (p["code"] == code)).sum())
    headers = [c.all_text() for c in next(n for n in table.walk() if n.tag == "tr").children][1:-1]
    assert headers[0] == code_name(codes[0])
    cells = [n for n in _svg(dom, "chart-problems").walk() if n.tag == "rect"]
    assert len(cells) == len(rows) * (len(codes) + 1)


# -- in a real browser ----------------------------------------------------------------------------

#: Put into a copy of the report right after the overview: the time since navigation began when
#: the overview's charts are parsed and laid out (their boxes measured), and each chart's
#: bounding box and its marks of non-empty size.
OVERVIEW_PROBE = """<script>
(function(){
  var out = {charts: {}};
  %s.forEach(function(id){
    var svg = document.getElementById(id); if (!svg) return;
    var box = svg.getBoundingClientRect(), marks = 0;
    svg.querySelectorAll('rect,circle').forEach(function(m){
      var b = m.getBoundingClientRect(); if (b.width > 0 && b.height > 0) marks++; });
    out.charts[id] = {width: box.width, height: box.height, marks: marks};
  });
  out.overview = performance.now();
  window.jixiaoProbe = out;
})();
</script>"""

#: Appended to the copy: once the page has loaded, the probe with the page's load time and its
#: first paint, written where --dump-dom shows it.
LOAD_PROBE = """<script>
addEventListener('load', function(){ setTimeout(function(){
  var out = window.jixiaoProbe || {};
  out.loaded = performance.timing.loadEventStart - performance.timing.navigationStart;
  performance.getEntriesByType('paint').forEach(function(e){ out[e.name] = e.startTime; });
  var pre = document.createElement('pre'); pre.id = 'probe';
  pre.textContent = JSON.stringify(out); document.body.appendChild(pre);
}, 0); });
</script>"""


def _probe(report: Path, tmp_path: Path) -> dict[str, Any]:
    chromium = _chromium()
    copy = tmp_path / "probed.html"
    html = report.read_text(encoding="utf-8")
    end = html.index("</section>", html.index("<section id='overview'>")) + len("</section>")
    probed = html[:end] + OVERVIEW_PROBE % json.dumps(CHARTS) + html[end:]
    copy.write_text(probed.replace("</body>", LOAD_PROBE + "</body>"), "utf-8")
    dom = _browser(chromium, tmp_path / "p", "--dump-dom", copy.as_uri())
    probe = next((n for n in parse_html(dom.stdout).walk() if n.attrs.get("id") == "probe"), None)
    assert probe is not None, dom.stderr[-2000:]
    result: dict[str, Any] = json.loads(probe.all_text())
    print("probe", result)
    return result


def _screenshot(report: Path, tmp_path: Path) -> Image.Image:
    shot = tmp_path / "overview.png"
    done = _browser(
        _chromium(),
        tmp_path / "s",
        f"--screenshot={shot}",
        "--window-size=1280,1100",
        report.as_uri(),
    )
    assert shot.exists(), done.stderr[-2000:]
    return Image.open(shot).convert("RGB")


def _seed_copies(folder: Path, files: int, copies: int) -> int:
    """``files`` text files of ``copies`` seed texts each, with varied departments and printed
    totals (some off the recomputed ones); the number of tables written."""
    rng = random.Random(27)
    seed = SEED.read_text(encoding="utf-8")
    folder.mkdir()
    tables = 0
    for f in range(files):
        parts = []
        for _ in range(copies):
            text = seed.replace("上海市人民政府办公厅", f"某市第{rng.randrange(40)}局")

            def total(m: re.Match[str]) -> str:
                roll = rng.random()
                value = m.group(2) if roll < 0.6 else f"{rng.uniform(55, 100):.2f}"
                return m.group(1) + value

            parts.append(re.sub(r"(总分\t\t\t\t\t100\t)([\d.]+)", total, text))
            tables += 6
        (folder / f"batch_{f}.txt").write_text("\n".join(parts), encoding="utf-8")
    return tables


@pytest.fixture(scope="module")
def big_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    base = tmp_path_factory.mktemp("big")
    tables = _seed_copies(base / "in", files=4, copies=84)
    jixiao.api.run(base / "in", base / "out", settings=BatchSettings(workers=2, formats=("csv",)))
    return base / "out" / "report.html", tables


@pytest.fixture(scope="module")
def one_table_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("one")
    (base / "in").mkdir()
    # the seed's first table, its printed total 90.95 where its scores add up to 94.95
    first = SEED.read_text(encoding="utf-8").split("总分")[0] + "总分\t\t\t\t\t100\t90.95\t\t\n"
    (base / "in" / "one.txt").write_text(first, encoding="utf-8")
    jixiao.api.run(base / "in", base / "out", settings=BatchSettings(workers=1, formats=("csv",)))
    return base / "out" / "report.html"


def _assert_drawn(probe: dict[str, Any]) -> None:
    """Each of the four charts has a box of some size and marks drawn in it."""
    charts = probe["charts"]
    assert sorted(charts) == sorted(CHARTS)
    blank = {
        chart: box
        for chart, box in charts.items()
        if box["width"] < 100 or box["height"] < 100 or box["marks"] == 0
    }
    assert blank == {}


def test_one_table_overview_renders_in_headless_chromium(
    one_table_run: Path, tmp_path: Path
) -> None:
    dom = parse_html(one_table_run.read_text(encoding="utf-8"))
    by_id = {n.attrs["id"]: n.all_text() for n in dom.walk() if "id" in n.attrs}
    assert (by_id["n-tables"], by_id["ov-outside"]) == ("1", "1")
    probe = _probe(one_table_run, tmp_path)
    _assert_drawn(probe)
    assert probe["overview"] < 2000, probe
    image = _screenshot(one_table_run, tmp_path)
    assert len(image.getcolors(maxcolors=1 << 20) or []) > 50


def test_2016_tables_overview_renders_within_2_s_of_page_load(
    big_run: tuple[Path, int], tmp_path: Path
) -> None:
    report, tables = big_run
    dom = parse_html(report.read_text(encoding="utf-8"))
    by_id = {n.attrs["id"]: n.all_text() for n in dom.walk() if "id" in n.attrs}
    assert by_id["n-tables"] == str(tables) == "2016"
    assert int(by_id["ov-outside"]) > 100  # the varied totals are off the recomputed ones
    assert len(_rows_of(dom, "data-problems")) == TOP_DEPARTMENTS
    probe = _probe(report, tmp_path)
    _assert_drawn(probe)
    assert probe["overview"] < 2000, probe
    image = _screenshot(report, tmp_path)
    top = image.crop((0, 60, 1280, 900))
    colours = top.getcolors(maxcolors=1 << 20) or []
    blue = sum(
        n
        for n, c in colours
        if abs(c[0] - 0x15) < 8 and abs(c[1] - 0x65) < 8 and abs(c[2] - 0xC0) < 8
    )
    red = sum(
        n
        for n, c in colours
        if abs(c[0] - 0xC6) < 8 and abs(c[1] - 0x28) < 8 and abs(c[2] - 0x28) < 8
    )
    assert blue > 500, "no 90–100 bars or dots drawn"
    assert red > 50, "no highlighted dot or problem cell drawn"
