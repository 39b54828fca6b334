"""Ruling lines → cells → tables: the "lines" table finder, computed by sorting and bisection.

A ruled table is found from the axis-parallel pieces of a page's paths (edges: records with
``orientation`` ``"v"`` or ``"h"``, ``x0``, ``top``, ``x1``, ``bottom``, ``width``, ``height``,
as :mod:`jixiao.extract.readers.pdf.pdfium_records` and pdfplumber make them), in steps whose
results can each be inspected:

1. :func:`edges_to_ruling`: the edges long enough to be ruling, vertical and horizontal apart,
   with given lines (the closed sides of open tables) added past that length check;
2. :func:`ruling_to_merged`: lines that lie close to the same x (vertical) or top (horizontal)
   snapped to their cluster's mean, lines of one axis that overlap or nearly meet joined into
   one, and lines then too short dropped;
3. :func:`ruling_to_crossings`: the points where a vertical and a horizontal line meet (within
   the intersection tolerance), and which lines meet at each;
4. :func:`crossings_to_cells`: from each crossing, the smallest cell whose corners are crossings
   joined by lines;
5. :func:`cells_to_tables`: cells that share a corner make one table.

The results are those of pdfplumber's "lines" finder with :data:`TABLE_SETTINGS` (the same
cells, in the same order, with the same float values), so that the PDFium reader, which has no
need of pdfplumber otherwise, finds the cells the pdfplumber reader finds. pdfplumber's finder
is the oracle ``tests/test_pdf_ruling.py`` holds this module to, on every page of every fixture
PDF, step by step, and on random ruling. What has to agree, to the last bit:

* a cluster is a chain: positions sorted, each within the tolerance of the one before it
  (``x <= previous + tolerance``) joins its cluster; its mean is Python's ``sum`` of the
  members' positions in the order the lines were given, divided by their number; a line moves
  by ``mean - position``, so it lands on ``position + (mean - position)``, which may differ from
  the mean in its last bit: lines are grouped for joining by where they land;
* joining goes along each group sorted by start (ties in the order snapping leaves them: by
  cluster, then as given); a line starting within the tolerance of the current line's end
  extends it when it ends further; a joined horizontal line's length is end − start, a joined
  vertical line's its first piece's length plus each extension (both as pdfplumber keeps them:
  the length filters read these values, not the coordinates);
* a table's cells are listed in the order pdfplumber's sweeps add them (from its first cell,
  sweep after sweep over the rest in order, each cell that shares a corner with the cells taken
  so far), and tables by their top-left cell; a table of one cell is none.

What costs pdfplumber time is done otherwise: each vertical line looks only at the band of
horizontal lines its span can reach (found by bisection), the lines meeting at a crossing are a
bit mask, and a table's cells are found by their shared corners (a union-find) and then put in
order among themselves.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, NamedTuple

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points, top-down
Point = tuple[float, float]  # a crossing of the ruling: (x, top)

#: The table finder's settings, as pdfplumber's ``find_tables`` takes them (the pdfplumber reader
#: passes them on; :data:`RULING` is the same values for this module).
TABLE_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "intersection_tolerance": 3,
}
EDGE_TOLERANCE = 2.5  # points: edges closer than this are the same ruling line


@dataclass(frozen=True, slots=True)
class RulingSettings:
    """Tolerances and minimum lengths of the finder, in points (pdfplumber's ``TableSettings``
    names, without ``_tolerance``). ``snap_x`` moves vertical lines, ``snap_y`` horizontal
    ones; ``join_x`` joins horizontal lines end to end, ``join_y`` vertical ones; lines shorter
    than ``min_length_prefilter`` are not ruling, and shorter than ``min_length`` once joined."""

    snap_x: float = 3
    snap_y: float = 3
    join_x: float = 3
    join_y: float = 3
    intersection_x: float = 3
    intersection_y: float = 3
    min_length: float = 3
    min_length_prefilter: float = 1

    def __post_init__(self) -> None:
        for setting in fields(self):
            value = getattr(self, setting.name)
            if not value >= 0:  # NaN too
                raise ValueError(f"ruling setting {setting.name!r} must be 0 or more, not {value}")

    @classmethod
    def of(cls, settings: Mapping[str, Any]) -> RulingSettings:
        """The settings of a pdfplumber settings dict for the "lines" strategy: an x or y
        tolerance not given is the shared one (``snap_tolerance``, …), pdfplumber's default
        where neither is.

        >>> RulingSettings.of({"snap_tolerance": 2, "snap_y_tolerance": 1}).snap_y
        1
        """
        for key in ("vertical_strategy", "horizontal_strategy"):
            if settings.get(key, "lines") != "lines":
                raise ValueError(
                    f"table setting {key!r} must be 'lines' here, not {settings[key]!r}"
                )
        default = cls()

        def pick(name: str, fallback: str, value: float) -> Any:
            return settings.get(name, settings.get(fallback, value))

        return cls(
            snap_x=pick("snap_x_tolerance", "snap_tolerance", default.snap_x),
            snap_y=pick("snap_y_tolerance", "snap_tolerance", default.snap_y),
            join_x=pick("join_x_tolerance", "join_tolerance", default.join_x),
            join_y=pick("join_y_tolerance", "join_tolerance", default.join_y),
            intersection_x=pick(
                "intersection_x_tolerance", "intersection_tolerance", default.intersection_x
            ),
            intersection_y=pick(
                "intersection_y_tolerance", "intersection_tolerance", default.intersection_y
            ),
            min_length=settings.get("edge_min_length", default.min_length),
            min_length_prefilter=settings.get(
                "edge_min_length_prefilter", default.min_length_prefilter
            ),
        )


RULING = RulingSettings.of(TABLE_SETTINGS)


class Line(NamedTuple):
    """One ruling line, along its axis: ``pos`` is its x (vertical) or top (horizontal), ``pos2``
    its x1 or bottom (the same, for a straight line), ``start`` and ``end`` where it begins and
    ends along the axis (top and bottom, or x0 and x1); ``length`` as the length filters read it
    (the edge's ``height`` or ``width``)."""

    pos: float
    pos2: float
    start: float
    end: float
    length: float


@dataclass(frozen=True, slots=True)
class Ruling:
    """The ruling lines of a page, vertical and horizontal apart."""

    vertical: tuple[Line, ...]
    horizontal: tuple[Line, ...]

    def boxes(self) -> tuple[list[BBox], list[BBox]]:
        """The lines as boxes ``(x0, top, x1, bottom)``, vertical then horizontal (to inspect
        them, and compare with pdfplumber's edges)."""
        vertical = [(v.pos, v.start, v.pos2, v.end) for v in self.vertical]
        horizontal = [(h.start, h.pos, h.end, h.pos2) for h in self.horizontal]
        return vertical, horizontal


class Crossing(NamedTuple):
    """The lines that meet at a crossing: bit ``i`` of ``vertical`` is set when line ``i`` of
    the crossings' vertical lines passes there (sorted by x, then top), likewise
    ``horizontal`` (sorted by top, then x). Two crossings are joined by a line when their masks
    share a bit."""

    vertical: int
    horizontal: int


def edges_to_ruling(
    edges: Iterable[Mapping[str, Any]],
    explicit: Iterable[Mapping[str, Any]] = (),
    settings: RulingSettings = RULING,
) -> Ruling:
    """Step 1: the edges at least ``min_length_prefilter`` long, as lines, each orientation in
    the order given, then the ``explicit`` ones (kept whatever their length)."""
    shortest = settings.min_length_prefilter
    vertical: list[Line] = []
    horizontal: list[Line] = []
    for edge in edges:
        if edge["orientation"] == "v":
            if edge["height"] >= shortest:
                vertical.append(_vertical(edge))
        elif edge["width"] >= shortest:
            horizontal.append(_horizontal(edge))
    for edge in explicit:
        if edge["orientation"] == "v":
            vertical.append(_vertical(edge))
        else:
            horizontal.append(_horizontal(edge))
    return Ruling(tuple(vertical), tuple(horizontal))


def _vertical(edge: Mapping[str, Any]) -> Line:
    return Line(edge["x0"], edge["x1"], edge["top"], edge["bottom"], edge["height"])


def _horizontal(edge: Mapping[str, Any]) -> Line:
    return Line(edge["top"], edge["bottom"], edge["x0"], edge["x1"], edge["width"])


def ruling_to_merged(ruling: Ruling, settings: RulingSettings = RULING) -> Ruling:
    """Step 2: lines snapped to their cluster's mean (when a snap tolerance is set), joined
    along each x (vertical) or top (horizontal), and then at least ``min_length`` long; each
    orientation sorted by position, then start."""
    vertical, horizontal = list(ruling.vertical), list(ruling.horizontal)
    if settings.snap_x > 0 or settings.snap_y > 0:
        vertical = _snapped(vertical, settings.snap_x)
        horizontal = _snapped(horizontal, settings.snap_y)
    shortest = settings.min_length
    return Ruling(
        tuple(v for v in _joined(vertical, settings.join_y, grows=True) if v.length >= shortest),
        tuple(h for h in _joined(horizontal, settings.join_x, grows=False) if h.length >= shortest),
    )


def _snapped(lines: Sequence[Line], tolerance: float) -> list[Line]:
    """Lines moved to the mean position of their cluster: clusters in order of position, the
    lines of each in the order given."""
    by_position = sorted(range(len(lines)), key=lambda i: lines[i].pos)
    cluster_of = [0] * len(lines)
    count = 0
    previous = 0.0
    for i in by_position:
        pos = lines[i].pos
        if not count or pos > previous + tolerance:
            count += 1
        cluster_of[i] = count - 1
        previous = pos
    members: list[list[Line]] = [[] for _ in range(count)]
    for i, line in enumerate(lines):
        members[cluster_of[i]].append(line)
    snapped: list[Line] = []
    for cluster in members:
        mean = sum([line.pos for line in cluster]) / len(cluster)
        for pos, pos2, start, end, length in cluster:
            shift = mean - pos
            snapped.append(Line(pos + shift, pos2 + shift, start, end, length))
    return snapped


def _joined(lines: Sequence[Line], tolerance: float, *, grows: bool) -> list[Line]:
    """Lines at the same position that overlap or lie within ``tolerance`` end to start, as
    one. ``grows``: a joined line's length is its first piece's plus each extension (vertical
    lines); else its end minus its start (horizontal)."""
    joined: list[Line] = []
    current: Line | None = None
    for line in sorted(lines, key=lambda line: (line.pos, line.start)):  # stable: ties as given
        if current is None or line.pos != current.pos or line.start > current.end + tolerance:
            if current is not None:
                joined.append(current)
            current = line
        elif line.end > current.end:
            pos, pos2, start, end, length = current
            length = length + (line.end - end) if grows else line.end - start
            current = Line(pos, pos2, start, line.end, length)
    if current is not None:
        joined.append(current)
    return joined


def ruling_to_crossings(ruling: Ruling, settings: RulingSettings = RULING) -> dict[Point, Crossing]:
    """Step 3: where a vertical line meets a horizontal one, and the lines that meet there.

    A vertical line ``v`` meets a horizontal line ``h`` at ``(v.x, h.top)`` when
    ``v.top <= h.top + ty``, ``v.bottom >= h.top - ty``, ``v.x >= h.x0 - tx`` and
    ``v.x <= h.x1 + tx`` (the intersection tolerances). The first two hold for a run of the
    horizontal lines sorted by top (the sums are monotonic in the top), found by bisection;
    crossings are listed as pdfplumber lists them (vertical lines by x then top, each one's
    horizontal lines by top then x).
    """
    tx, ty = settings.intersection_x, settings.intersection_y
    vertical = sorted(ruling.vertical, key=lambda v: (v.pos, v.start))
    horizontal = sorted(ruling.horizontal, key=lambda h: (h.pos, h.start))
    reach_below = [h.pos + ty for h in horizontal]  # v.top <= this: from some index on
    reach_above = [h.pos - ty for h in horizontal]  # v.bottom >= this: up to some index
    crossings: dict[Point, Crossing] = {}
    for i, (x, _, top, bottom, _) in enumerate(vertical):
        first = bisect.bisect_left(reach_below, top)
        last = bisect.bisect_right(reach_above, bottom)
        for j in range(first, last):
            h = horizontal[j]
            if x >= h.start - tx and x <= h.end + tx:
                point = (x, h.pos)
                met = crossings.get(point)
                if met is None:
                    crossings[point] = Crossing(1 << i, 1 << j)
                else:
                    crossings[point] = Crossing(met.vertical | 1 << i, met.horizontal | 1 << j)
    return crossings


def crossings_to_cells(crossings: Mapping[Point, Crossing]) -> list[BBox]:
    """Step 4: each crossing's smallest cell, crossings taken by x, then top.

    From a corner, the crossings below it that a vertical line joins to it are tried top to
    bottom, and for each the crossings to its right that a horizontal line joins to it, left to
    right; the first whose far corner is a crossing joined to both makes the cell. Each
    crossing's column and row are listed once, so a corner looks only at its own.

    >>> crossings_to_cells({(0, 0): Crossing(1, 1), (10, 0): Crossing(2, 1),
    ...                     (0, 5): Crossing(1, 2), (10, 5): Crossing(2, 2)})
    [(0, 0, 10, 5)]
    """
    points = sorted(crossings)
    columns: dict[float, list[Point]] = {}
    rows: dict[float, list[Point]] = {}
    place: list[tuple[int, int]] = []
    for point in points:  # sorted: a column top to bottom, a row left to right
        column, row = columns.setdefault(point[0], []), rows.setdefault(point[1], [])
        place.append((len(column), len(row)))
        column.append(point)
        row.append(point)
    cells: list[BBox] = []
    for point, (down, across) in zip(points, place, strict=True):
        cell = _smallest_cell(
            point, columns[point[0]][down + 1 :], rows[point[1]][across + 1 :], crossings
        )
        if cell is not None:
            cells.append(cell)
    return cells


def _smallest_cell(
    corner: Point,
    below: Sequence[Point],
    right: Sequence[Point],
    crossings: Mapping[Point, Crossing],
) -> BBox | None:
    vertical, horizontal = crossings[corner]
    across = [(p, crossings[p].vertical) for p in right if crossings[p].horizontal & horizontal]
    if not across:
        return None
    for down in below:
        if not crossings[down].vertical & vertical:
            continue
        bottom = down[1]
        down_horizontal = crossings[down].horizontal
        for (x, _), across_vertical in across:
            far = crossings.get((x, bottom))
            if (
                far is not None
                and far.vertical & across_vertical
                and far.horizontal & down_horizontal
            ):
                return (corner[0], corner[1], x, bottom)
    return None


def _corners(cell: BBox) -> tuple[Point, Point, Point, Point]:
    x0, top, x1, bottom = cell
    return ((x0, top), (x0, bottom), (x1, top), (x1, bottom))


def cells_to_tables(cells: Sequence[BBox]) -> list[list[BBox]]:
    """Step 5: the cells that share corners, as tables of two cells or more, top-left first.

    Cells are one table when a chain of shared corners links them (a union-find over the
    corners); a table's cells are in the order pdfplumber's sweeps add them (see the module).
    The cells are distinct, as :func:`crossings_to_cells` gives them (each starts at its own
    crossing).

    >>> cells_to_tables([(0, 0, 5, 5), (9, 9, 12, 12), (5, 0, 8, 5)])
    [[(0, 0, 5, 5), (5, 0, 8, 5)]]
    """
    parent = list(range(len(cells)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[Point, int] = {}
    for i, cell in enumerate(cells):
        for corner in _corners(cell):
            j = owner.setdefault(corner, i)
            if j != i:
                parent[root(i)] = root(j)
    members: dict[int, list[int]] = {}  # by first cell: the order pdfplumber starts tables in
    for i in range(len(cells)):
        members.setdefault(root(i), []).append(i)
    tables = [_swept(cells, group) for group in members.values() if len(group) > 1]
    return sorted(tables, key=lambda table: min((c[1], c[0]) for c in table))


def _swept(cells: Sequence[BBox], group: Sequence[int]) -> list[BBox]:
    """One table's cells in the order of pdfplumber's sweeps: its first cell, then sweep after
    sweep over the rest in order, each cell that shares a corner with those taken so far."""
    first, *rest = group
    taken = [cells[first]]
    corners = set(_corners(cells[first]))
    while rest:
        left: list[int] = []
        for i in rest:
            cell_corners = _corners(cells[i])
            if corners.isdisjoint(cell_corners):
                left.append(i)
            else:
                taken.append(cells[i])
                corners.update(cell_corners)
        if len(left) == len(rest):  # cannot happen: the group is linked by corners
            taken += [cells[i] for i in left]
            break
        rest = left
    return taken


def edges_to_tables(
    edges: Iterable[Mapping[str, Any]],
    explicit: Iterable[Mapping[str, Any]] = (),
    settings: RulingSettings = RULING,
) -> list[list[BBox]]:
    """The cell boxes of each table the edges rule (steps 1–5), as floats."""
    merged = ruling_to_merged(edges_to_ruling(edges, explicit, settings), settings)
    cells = crossings_to_cells(ruling_to_crossings(merged, settings))
    return [[_floats(cell) for cell in table] for table in cells_to_tables(cells)]


def _floats(values: Sequence[Any]) -> BBox:
    x0, top, x1, bottom = (float(v) for v in values)
    return (x0, top, x1, bottom)


# -- open table sides ---------------------------------------------------------------------------


def values_to_centers(values: Iterable[float], tolerance: float = EDGE_TOLERANCE) -> list[float]:
    """Cluster coordinates: sorted values closer than ``tolerance`` to the previous one join it.

    >>> values_to_centers([10.0, 10.4, 50.0, 49.2, 90.0])
    [10.2, 49.6, 90.0]
    """
    clusters: list[list[float]] = []
    for value in sorted(values):
        if clusters and value - clusters[-1][-1] <= tolerance:
            clusters[-1].append(value)
        else:
            clusters.append([value])
    return [round(sum(c) / len(c), 3) for c in clusters]


def _spans(vertical: Sequence[Mapping[str, Any]], a: float, b: float, x0: float, x1: float) -> bool:
    """Some vertical ruling between ``x0`` and ``x1`` runs from ``a`` down to ``b``."""
    tol = EDGE_TOLERANCE
    return any(
        x0 - tol <= float(v["x0"]) <= x1 + tol
        and float(v["top"]) <= a + tol
        and float(v["bottom"]) >= b - tol
        for v in vertical
    )


def open_sides_to_lines(edges: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Vertical lines for table sides left open (rows ruled, outer verticals not drawn).

    Where at least three horizontal rules end at the same x and no vertical rule exists at that
    x, a line is added between consecutive rules that the table's other verticals also join.
    """
    horizontal = [e for e in edges if e["orientation"] == "h"]
    vertical = [e for e in edges if e["orientation"] == "v"]
    lines: list[dict[str, Any]] = []
    for key in ("x0", "x1"):
        for x in values_to_centers(float(e[key]) for e in horizontal):
            group = [e for e in horizontal if abs(float(e[key]) - x) <= EDGE_TOLERANCE]
            if len(group) < 3 or any(abs(float(v["x0"]) - x) <= EDGE_TOLERANCE for v in vertical):
                continue
            left = min(float(e["x0"]) for e in group)
            right = max(float(e["x1"]) for e in group)
            tops = values_to_centers(float(e["top"]) for e in group)
            for a, b in itertools.pairwise(tops):
                if _spans(vertical, a, b, left, right):
                    lines.append(
                        {"object_type": "line", "x0": x, "x1": x, "top": a, "bottom": b}
                        | {"width": 0.0, "height": b - a}
                    )
    return lines


def lines_to_edges(lines: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Lines (e.g. :func:`open_sides_to_lines`) as edges: vertical where ``x0 == x1``."""
    return [{**line, "orientation": "v" if line["x0"] == line["x1"] else "h"} for line in lines]
