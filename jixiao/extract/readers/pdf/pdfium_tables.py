"""One PDF page read with PDFium → the ruled tables on it (:class:`TablePart`), fast.

The same steps as :func:`jixiao.extract.readers.pdf.plumber_tables.plumber_page_to_parts`, on
PDFium's records instead of pdfminer's (see :mod:`jixiao.extract.readers.pdf.pdfium_records`):

1. ``page_to_records``: characters (fake bold removed by pdfplumber's ``dedupe_chars`` rule)
   and ruling edges, in pdfplumber's coordinates; the characters are PDFium's where every
   font of the page is embedded, pdfminer's otherwise (the rule:
   :mod:`jixiao.extract.readers.pdf.pages`), and the table then says ``reader="pdfium+pdfminer"``;
2. ``edges_to_tables``: pdfplumber's own table finder, its pure functions called in the order
   ``TableFinder`` calls them for the "lines" strategy: ``filter_edges`` → ``merge_edges``
   (``snap_edges`` + joining) → ``edges_to_intersections`` → ``intersections_to_cells`` →
   ``cells_to_tables``;
3. ``boxes_to_parts`` (shared with the pdfplumber reader): text, title and year line.

A page costs a few milliseconds instead of pdfminer's ~80 ms; the pdfplumber reader stays
for cross-checking (``PdfSettings(reader="pdfplumber")``) and as the fallback.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pypdfium2 as pdfium
from pdfplumber.table import (
    TableSettings,
    cells_to_tables,
    edges_to_intersections,
    merge_edges,
)
from pdfplumber.utils.geometry import filter_edges

from jixiao.extract.readers.pdf.pdfium_records import (
    Record,
    page_to_edges,
    page_to_frame,
    textpage_to_chars,
)
from jixiao.extract.readers.pdf.plumber_tables import (
    TABLE_SETTINGS,
    BBox,
    TablePart,
    boxes_to_parts,
    open_sides_to_lines,
)
from jixiao.extract.readers.pdf.text import Char, chars_without_fake_bold

READER = "pdfium"
Point = tuple[Any, Any]  # an intersection of the ruling: (x, top)
#: The reader of a page whose characters are pdfminer's (a font not embedded), ruling PDFium's.
MINER_READER = "pdfium+pdfminer"


@dataclass(frozen=True, slots=True)
class PageRecords:
    """What the table finder needs from one page: characters, ruling edges, the page box, and
    the reader that gave the characters."""

    chars: tuple[Char, ...]
    edges: tuple[Record, ...]
    bbox: BBox
    reader: str = READER


def page_to_records(
    page: pdfium.PdfPage,
    textpage: pdfium.PdfTextPage | None = None,
    chars: Sequence[Char] | None = None,
) -> PageRecords:
    """Characters (drawn once: fake bold removed) and ruling edges of a PDFium page.

    ``textpage``: the page's text page when the caller has it open already (it stays open).
    ``chars``: the page's characters read by pdfminer, fake bold removed, for a page whose
    fonts are not all embedded (see :mod:`jixiao.extract.readers.pdf.pages`); PDFium's otherwise.
    """
    frame = page_to_frame(page)
    edges = tuple(page_to_edges(page, frame))
    if chars is not None:
        return PageRecords(tuple(chars), edges, frame.bbox, MINER_READER)
    if textpage is None:
        own = page.get_textpage()
        try:
            found = textpage_to_chars(own, frame)
        finally:
            own.close()
    else:
        found = textpage_to_chars(textpage, frame)
    return PageRecords(tuple(chars_without_fake_bold(found)), edges, frame.bbox)


def edges_to_tables(
    edges: Sequence[Record], explicit: Sequence[Record] = (), settings: dict[str, Any] | None = None
) -> list[list[BBox]]:
    """Cell boxes of each table, by pdfplumber's "lines" table finder.

    ``explicit`` edges are added after the length pre-filter, as pdfplumber adds
    ``explicit_vertical_lines``/``explicit_horizontal_lines``.
    """
    cells = points_to_cells(edges_to_points(edges, explicit, settings))
    return [[_bbox(cell) for cell in table] for table in cells_to_tables(cells)]


def edges_to_points(
    edges: Sequence[Record], explicit: Sequence[Record] = (), settings: dict[str, Any] | None = None
) -> dict[Point, dict[str, list[Record]]]:
    """The intersections of the ruling (pdfplumber's ``edges_to_intersections`` of the edges
    its finder keeps: filtered, snapped and joined), with the edges that meet at each."""
    s = TableSettings.resolve(settings or TABLE_SETTINGS)
    base = filter_edges(list(edges), min_length=s.edge_min_length_prefilter)
    vertical = [e for e in base if e["orientation"] == "v"]
    vertical += [e for e in explicit if e["orientation"] == "v"]
    horizontal = [e for e in base if e["orientation"] == "h"]
    horizontal += [e for e in explicit if e["orientation"] == "h"]
    merged = merge_edges(
        vertical + horizontal,
        snap_x_tolerance=s.snap_x_tolerance,
        snap_y_tolerance=s.snap_y_tolerance,
        join_x_tolerance=s.join_x_tolerance,
        join_y_tolerance=s.join_y_tolerance,
    )
    kept = filter_edges(merged, min_length=s.edge_min_length)
    points: dict[Point, dict[str, list[Record]]] = edges_to_intersections(
        kept, s.intersection_x_tolerance, s.intersection_y_tolerance
    )
    return points


def points_to_cells(intersections: Mapping[Point, Mapping[str, Sequence[Record]]]) -> list[BBox]:
    """``pdfplumber.table.intersections_to_cells``: each intersection's smallest cell, the
    same cells in the same order, found in linear rather than quadratic time.

    pdfplumber scans every later point for the ones below and to the right of a corner and
    rebuilds the edge sets of both points at each comparison; here the points of each column
    and row are listed once and each point's edge boxes made once. Two points are joined when
    they share a column and an edge of it, or a row and an edge of it, as there.

    >>> e = lambda x0, top, x1, bottom: {"x0": x0, "top": top, "x1": x1, "bottom": bottom}
    >>> h0, h1, v0, v1 = e(0, 0, 10, 0), e(0, 5, 10, 5), e(0, 0, 0, 5), e(10, 0, 10, 5)
    >>> points_to_cells({(0, 0): {"v": [v0], "h": [h0]}, (10, 0): {"v": [v1], "h": [h0]},
    ...                  (0, 5): {"v": [v0], "h": [h1]}, (10, 5): {"v": [v1], "h": [h1]}})
    [(0, 0, 10, 5)]
    """
    vertical = {p: {_edge_box(e) for e in edges["v"]} for p, edges in intersections.items()}
    horizontal = {p: {_edge_box(e) for e in edges["h"]} for p, edges in intersections.items()}

    def connects(p1: Point, p2: Point) -> bool:
        if p1[0] == p2[0] and not vertical[p1].isdisjoint(vertical[p2]):
            return True
        return p1[1] == p2[1] and not horizontal[p1].isdisjoint(horizontal[p2])

    points = sorted(intersections)
    columns: dict[Any, list[Point]] = {}
    rows: dict[Any, list[Point]] = {}
    place: dict[Point, tuple[int, int]] = {}
    for point in points:  # sorted: a column top to bottom, a row left to right
        column, row = columns.setdefault(point[0], []), rows.setdefault(point[1], [])
        place[point] = (len(column), len(row))
        column.append(point)
        row.append(point)
    cells: list[BBox] = []
    for point in points:
        down, across = place[point]
        below = columns[point[0]][down + 1 :]
        right = rows[point[1]][across + 1 :]
        cell = _smallest_cell(point, below, right, intersections, connects)
        if cell is not None:
            cells.append(cell)
    return cells


def _smallest_cell(
    corner: Point,
    below: Sequence[Point],
    right: Sequence[Point],
    intersections: Mapping[Point, Any],
    connects: Callable[[Point, Point], bool],
) -> BBox | None:
    for down in below:
        if not connects(corner, down):
            continue
        for across in right:
            if not connects(corner, across):
                continue
            far = (across[0], down[1])
            if far in intersections and connects(far, across) and connects(far, down):
                return (corner[0], corner[1], far[0], far[1])
    return None


def _edge_box(edge: Mapping[str, Any]) -> tuple[Any, Any, Any, Any]:
    return (edge["x0"], edge["top"], edge["x1"], edge["bottom"])


def _bbox(values: Sequence[Any]) -> BBox:
    x0, top, x1, bottom = (float(v) for v in values)
    return (x0, top, x1, bottom)


def records_to_parts(records: PageRecords, number: int) -> list[TablePart]:
    """Ruled tables of a page from its records (open table sides closed first)."""
    explicit = [
        {**line, "orientation": "v" if line["x0"] == line["x1"] else "h"}
        for line in open_sides_to_lines(records.edges)
    ]
    tables = edges_to_tables(records.edges, explicit)
    return boxes_to_parts(tables, records.chars, number, records.reader)
