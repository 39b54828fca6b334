"""The ruling finder (:mod:`jixiao.extract.readers.pdf.ruling`) against its oracle, pdfplumber's
"lines" table finder, and the PDFium reader without pdfplumber.

The oracle is pdfplumber's own functions, called as its ``TableFinder`` calls them for the
"lines" strategy (``filter_edges`` → ``merge_edges`` → ``filter_edges`` →
``edges_to_intersections`` → ``intersections_to_cells`` → ``cells_to_tables``). Each step is
compared, not only the tables: the lines kept (boxes and the lengths the filters read), the
crossings in the order they are found with the lines meeting at each, the cells, and the tables,
by ``repr`` so that every float must be the same float. Inputs: the PDFium ruling of every page of
every PDF under ``fixtures/`` (real tables in ``fixtures/real`` included), and random ruling
whose coordinates, ends and lengths sit on, inside and just past the tolerances.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from collections.abc import Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pdfplumber import table as oracle
from pdfplumber.utils.geometry import filter_edges

from jixiao.extract.readers.pdf import ruling
from jixiao.extract.readers.pdf.pdfium_records import page_to_edges, page_to_frame, round4
from jixiao.extract.readers.pdf.ruling import (
    TABLE_SETTINGS,
    Line,
    RulingSettings,
    cells_to_tables,
    crossings_to_cells,
    edges_to_ruling,
    edges_to_tables,
    lines_to_edges,
    open_sides_to_lines,
    ruling_to_crossings,
    ruling_to_merged,
)

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
Record = dict[str, Any]
Box = tuple[Any, Any, Any, Any]


@dataclass(frozen=True, slots=True)
class Steps:
    """What the finder gives at each step, in a form both finders can be put in."""

    vertical: list[tuple[Any, ...]]  # kept lines: x0, top, x1, bottom, length
    horizontal: list[tuple[Any, ...]]
    crossings: list[tuple[tuple[Any, Any], list[Box], list[Box]]]  # point, its lines' boxes
    cells: list[Box]
    tables: list[list[Box]]


def _box(edge: Mapping[str, Any]) -> Box:
    return (edge["x0"], edge["top"], edge["x1"], edge["bottom"])


def theirs(
    edges: Sequence[Record], explicit: Sequence[Record] = (), table_settings: Any = None
) -> Steps:
    """pdfplumber's finder, step by step (the oracle)."""
    s = oracle.TableSettings.resolve(table_settings or TABLE_SETTINGS)
    base = filter_edges(list(edges), min_length=s.edge_min_length_prefilter)
    vertical = [e for e in base if e["orientation"] == "v"]
    vertical += [e for e in explicit if e["orientation"] == "v"]
    horizontal = [e for e in base if e["orientation"] == "h"]
    horizontal += [e for e in explicit if e["orientation"] == "h"]
    merged = oracle.merge_edges(
        vertical + horizontal,
        snap_x_tolerance=s.snap_x_tolerance,
        snap_y_tolerance=s.snap_y_tolerance,
        join_x_tolerance=s.join_x_tolerance,
        join_y_tolerance=s.join_y_tolerance,
    )
    kept = filter_edges(merged, min_length=s.edge_min_length)
    points = oracle.edges_to_intersections(
        kept, s.intersection_x_tolerance, s.intersection_y_tolerance
    )
    cells = oracle.intersections_to_cells(points)
    return Steps(
        [(*_box(e), e["height"]) for e in kept if e["orientation"] == "v"],
        [(*_box(e), e["width"]) for e in kept if e["orientation"] == "h"],
        [
            (point, sorted({_box(e) for e in met["v"]}), sorted({_box(e) for e in met["h"]}))
            for point, met in points.items()
        ],
        cells,
        oracle.cells_to_tables(cells),
    )


def _line_box(line: Line, *, vertical: bool) -> Box:
    if vertical:
        return (line.pos, line.start, line.pos2, line.end)
    return (line.start, line.pos, line.end, line.pos2)


def _bits(mask: int) -> list[int]:
    return [i for i in range(mask.bit_length()) if mask >> i & 1]


def ours(
    edges: Sequence[Record], explicit: Sequence[Record] = (), table_settings: Any = None
) -> Steps:
    """This module's finder, step by step."""
    s = RulingSettings.of(table_settings or TABLE_SETTINGS)
    merged = ruling_to_merged(edges_to_ruling(edges, explicit, s), s)
    crossings = ruling_to_crossings(merged, s)
    # the crossings number the lines sorted by position, then start (as merged lists them)
    vertical = sorted(merged.vertical, key=lambda v: (v.pos, v.start))
    horizontal = sorted(merged.horizontal, key=lambda h: (h.pos, h.start))
    cells = crossings_to_cells(crossings)
    return Steps(
        [(*_line_box(v, vertical=True), v.length) for v in merged.vertical],
        [(*_line_box(h, vertical=False), h.length) for h in merged.horizontal],
        [
            (
                point,
                sorted(_line_box(vertical[i], vertical=True) for i in _bits(met.vertical)),
                sorted(_line_box(horizontal[i], vertical=False) for i in _bits(met.horizontal)),
            )
            for point, met in crossings.items()
        ],
        cells,
        cells_to_tables(cells),
    )


def assert_same_steps(mine: Steps, their: Steps) -> None:
    """Step by step, so a failure names the first step that differs; by ``repr``: the same
    floats, sign of zero included."""
    for step in ("vertical", "horizontal", "crossings", "cells", "tables"):
        assert repr(getattr(mine, step)) == repr(getattr(their, step)), step


# -- every page of every fixture PDF --------------------------------------------------------------


def _opens(path: Path) -> bool:
    try:
        pdfium.PdfDocument(path).close()
    except pdfium.PdfiumError:
        return False  # the damaged, the encrypted and the one that is no PDF
    return True


PDFS = sorted(str(p.relative_to(FIXTURES)) for p in FIXTURES.rglob("*.pdf") if _opens(p))


def _page_edges(name: str) -> list[tuple[list[Record], list[Record]]]:
    """Each page's ruling edges as PDFium reads them, and the lines closing open sides."""
    pages = []
    with closing(pdfium.PdfDocument(FIXTURES / name)) as document:
        for page in document:
            edges = page_to_edges(page, page_to_frame(page))
            page.close()
            pages.append((edges, lines_to_edges(open_sides_to_lines(edges))))
    return pages


def test_fixture_pdfs_are_found() -> None:
    assert len(PDFS) >= 80
    assert any(name.startswith("real/") for name in PDFS)  # real tables (../shared/real)


@pytest.mark.parametrize("name", PDFS)
def test_every_page_is_found_as_pdfplumber_finds_it(name: str) -> None:
    for number, (edges, explicit) in enumerate(_page_edges(name), start=1):
        try:
            assert_same_steps(ours(edges, explicit), theirs(edges, explicit))
        except AssertionError as error:
            raise AssertionError(f"page {number}: {error}") from error


def test_the_annual_report_has_tables_to_find() -> None:
    """The comparison above is not empty: the annual report's 自评表 pages have ruled tables."""
    pages = _page_edges("pdf/lo_annual_report.pdf")
    found = [edges_to_tables(edges, explicit) for edges, explicit in pages]
    assert sum(1 for tables in found if tables) >= 10
    assert max(len(table) for tables in found for table in tables) >= 30


# -- random ruling ---------------------------------------------------------------------------------

#: Offsets that sit on the tolerances (3 points), just inside and just past them, and some way off.
NEAR_TOLERANCE = st.sampled_from(
    [0.0, 0.1, -0.1, 0.5, -1.0, 1.5, 2.5, -2.9999, 2.9999, 3.0, -3.0, 3.0001, -3.0001, 3.5, 6.0]
)
OFFSET = st.one_of(NEAR_TOLERANCE, st.floats(-4, 4, allow_nan=False, allow_subnormal=False))


def _edge(orientation: str, pos: float, start: float, end: float, length: float) -> Record:
    if orientation == "v":
        return {
            "orientation": "v",
            **{"x0": pos, "x1": pos, "top": start, "bottom": end},
            **{"width": 0.0, "height": length},
        }
    return {
        "orientation": "h",
        **{"x0": start, "x1": end, "top": pos, "bottom": pos},
        **{"width": length, "height": 0.0},
    }


@st.composite
def segments(
    draw: st.DrawFn, orientation: str, pos: float, start: float, end: float
) -> list[Record]:
    """One ruling line of a grid, jittered: moved across, its ends moved, split in pieces that
    overlap or leave a gap, its length field as PDFium rounds it or a hair off."""
    pos += draw(OFFSET)
    a, b = start + draw(OFFSET), end + draw(OFFSET)
    a, b = min(a, b), max(a, b)
    cuts = sorted(draw(st.lists(st.floats(a, b), max_size=2)))
    points = [a, *cuts, b]
    pieces = []
    for s, e in itertools.pairwise(points):
        s2, e2 = s + draw(OFFSET) * draw(st.sampled_from([0, 1])), e
        s2, e2 = min(s2, e2), max(s2, e2)
        length = draw(st.sampled_from([e2 - s2, round4(e2 - s2), e2 - s2 + 1e-5, e2 - s2 - 1e-5]))
        pieces.append(_edge(orientation, pos + draw(NEAR_TOLERANCE) / 10, s2, e2, length))
    return pieces


@st.composite
def jittered_grids(draw: st.DrawFn) -> tuple[list[Record], list[Record]]:
    """The ruling of a table or two: rows and columns of lines at uneven spacings, pieces
    missing (merged cells, open sides), every line jittered around the tolerances; some lines
    given as explicit (past the length pre-filter). Edges in a random order."""
    edges: list[Record] = []
    for _ in range(draw(st.integers(1, 2))):
        x0, y0 = draw(st.integers(0, 30)) * 10, draw(st.integers(0, 30)) * 10
        xs = sorted(
            {x0 + 10 * k for k in draw(st.sets(st.integers(0, 20), min_size=2, max_size=6))}
        )
        ys = sorted(
            {y0 + 10 * k for k in draw(st.sets(st.integers(0, 20), min_size=2, max_size=6))}
        )
        for y in ys:
            for a, b in itertools.pairwise(xs):
                if draw(st.integers(0, 4)):  # mostly drawn
                    edges += draw(segments("h", y, a, b))
        for x in xs:
            for a, b in itertools.pairwise(ys):
                if draw(st.integers(0, 4)):
                    edges += draw(segments("v", x, a, b))
    edges = draw(st.permutations(edges))
    explicit = [e for e in edges if draw(st.integers(0, 9)) == 0]
    return [e for e in edges if all(e is not x for x in explicit)], explicit


@settings(max_examples=400, deadline=None)
@given(ruled=jittered_grids())
def test_jittered_grids_are_found_as_pdfplumber_finds_them(
    ruled: tuple[list[Record], list[Record]],
) -> None:
    edges, explicit = ruled
    assert_same_steps(ours(edges, explicit), theirs(edges, explicit))


COORD = st.one_of(
    st.integers(0, 12).map(float),  # many lines on the same x or top
    st.floats(0, 40, allow_nan=False, allow_subnormal=False),
    st.integers(0, 400).map(lambda k: k / 10),  # tenths: sums that are not exact
)


@st.composite
def scattered(draw: st.DrawFn) -> Record:
    """A vertical or horizontal segment anywhere in a small square: crowded, overlapping,
    duplicated, short, zero long."""
    a, b = sorted((draw(COORD), draw(COORD)))
    length = draw(st.sampled_from([b - a, round4(b - a)]))
    return _edge(draw(st.sampled_from("vh")), draw(COORD), a, b, length)


TOLERANCE = st.sampled_from([0, 0.5, 1, 2.5, 3, 5])


@st.composite
def table_settings(draw: st.DrawFn) -> dict[str, Any]:
    """pdfplumber's settings for the "lines" strategy, x and y apart, zero included."""
    found: dict[str, Any] = {}
    for name in ("snap", "join", "intersection"):
        found[f"{name}_tolerance"] = draw(TOLERANCE)
        for axis in ("x", "y"):
            if draw(st.booleans()):
                found[f"{name}_{axis}_tolerance"] = draw(TOLERANCE)
    found["edge_min_length"] = draw(st.sampled_from([0, 1, 3, 5]))
    found["edge_min_length_prefilter"] = draw(st.sampled_from([0, 1, 2]))
    return found


@settings(max_examples=400, deadline=None)
@given(
    edges=st.lists(scattered(), max_size=30),
    explicit=st.lists(scattered(), max_size=3),
    chosen=st.one_of(st.just(TABLE_SETTINGS), table_settings()),
)
def test_scattered_segments_are_found_as_pdfplumber_finds_them(
    edges: list[Record], explicit: list[Record], chosen: dict[str, Any]
) -> None:
    assert_same_steps(ours(edges, explicit, chosen), theirs(edges, explicit, chosen))


@settings(max_examples=150, deadline=None)
@given(ruled=jittered_grids(), chosen=table_settings())
def test_jittered_grids_under_other_settings(
    ruled: tuple[list[Record], list[Record]], chosen: dict[str, Any]
) -> None:
    edges, explicit = ruled
    assert_same_steps(ours(edges, explicit, chosen), theirs(edges, explicit, chosen))


@settings(max_examples=200, deadline=None)
@given(cells=st.lists(st.tuples(*[st.integers(0, 6)] * 4), max_size=25, unique=True))
def test_tables_group_and_order_cells_as_pdfplumber_does(
    cells: list[tuple[int, int, int, int]],
) -> None:
    """Any distinct cells, not only a finder's: tables by shared corners, cells in sweep order.
    (A finder's cells are distinct: each starts at its own crossing.)"""
    assert cells_to_tables(cells) == oracle.cells_to_tables(cells)


# -- cases that pin a rule -------------------------------------------------------------------


def test_snapped_lines_land_where_pdfplumber_puts_them() -> None:
    """Two verticals 1.3 apart snap to their mean, 0.85, by ``x + (mean - x)``: from 0.2 that is
    0.8499999999999999, so they stay two lines, as in pdfplumber (each then meets the rules)."""
    edges = [_edge("v", x, 0.0, 10.0, 10.0) for x in (0.2, 1.5)]
    edges += [_edge("h", y, -1.0, 5.0, 6.0) for y in (0.0, 10.0)]
    landed = [v.pos for v in ruling_to_merged(edges_to_ruling(edges)).vertical]
    assert landed == [0.8499999999999999, 0.85]
    assert_same_steps(ours(edges), theirs(edges))


@pytest.mark.parametrize(
    ("orientation", "kept"),
    [("v", []), ("h", [(0.0, 0.0, 3.9, 0.0, 3.9)])],
    ids=["vertical-adds-extensions", "horizontal-measures-ends"],
)
def test_joined_lines_length_as_pdfplumber_keeps_it(
    orientation: str, kept: list[tuple[float, ...]]
) -> None:
    """Two pieces 0–2 and 1–3.9 whose length fields say 1.0 and 2.9 join into one line 3.9
    long by its ends. A vertical line's length is its first piece's field plus the extension,
    1.0 + 1.9 = 2.9, under the 3 points kept; a horizontal line's is end − start, 3.9."""
    pieces = [_edge(orientation, 0.0, 0.0, 2.0, 1.0), _edge(orientation, 0.0, 1.0, 3.9, 2.9)]
    mine = ours(pieces)
    assert (mine.vertical if orientation == "v" else mine.horizontal) == kept
    assert_same_steps(mine, theirs(pieces))


def test_settings_are_pdfplumbers() -> None:
    mine = RulingSettings.of(TABLE_SETTINGS)
    their = oracle.TableSettings.resolve(TABLE_SETTINGS)
    assert (mine.snap_x, mine.snap_y, mine.join_x, mine.join_y) == (
        their.snap_x_tolerance,
        their.snap_y_tolerance,
        their.join_x_tolerance,
        their.join_y_tolerance,
    )
    assert (mine.intersection_x, mine.intersection_y) == (
        their.intersection_x_tolerance,
        their.intersection_y_tolerance,
    )
    assert (mine.min_length, mine.min_length_prefilter) == (
        their.edge_min_length,
        their.edge_min_length_prefilter,
    )
    assert mine == ruling.RULING


@pytest.mark.parametrize(
    ("settings_", "message"),
    [
        ({"snap_tolerance": -1}, "'snap_x' must be 0 or more"),
        ({"join_y_tolerance": float("nan")}, "'join_y' must be 0 or more"),
        ({"vertical_strategy": "text"}, "'vertical_strategy' must be 'lines'"),
    ],
    ids=["negative", "nan", "strategy"],
)
def test_bad_settings_are_named(settings_: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        RulingSettings.of(settings_)


# -- the PDFium path loads neither pdfplumber nor pdfminer ----------------------------------------

_READ = """
import json, sys
import jixiao
result = jixiao.read(sys.argv[1])
loaded = sorted({name.split(".")[0] for name in sys.modules} & {"pdfplumber", "pdfminer"})
print(json.dumps({"tables": len(result.tables), "readers": sorted(set(result.tables["reader"])),
                  "loaded": loaded}))
"""


def _read_in_fresh_process(path: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", _READ, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=300,
    )
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def test_fonts_embedded_pdf_is_read_without_pdfplumber_or_pdfminer() -> None:
    found = _read_in_fresh_process(FIXTURES / "pdf" / "lo_seed.pdf")
    assert found == {"tables": 6, "readers": ["pdfium"], "loaded": []}


def test_fonts_not_embedded_pdf_still_reads_with_pdfminers_characters() -> None:
    """pdfminer's characters, read by PLAYA, each page placed as pdfplumber places it:
    neither pdfplumber nor pdfminer is loaded."""
    found = _read_in_fresh_process(FIXTURES / "pdf" / "rl_seed.pdf")
    assert found == {"tables": 6, "readers": ["pdfium+pdfminer"], "loaded": []}
