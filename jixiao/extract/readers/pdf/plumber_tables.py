"""One PDF page → the ruled tables on it, as boxes with text (:class:`TablePart`).

pdfplumber finds the cells of a ruled table from its lines (each merged cell is one box);
the text of a box is the characters whose middle lies inside it. The title and year line are
read from the text just above the table. Where pdfplumber finds no ruling, camelot's lattice
reader (which looks at the rendered page) supplies the boxes instead; the text still comes
from the page's characters.
"""

from __future__ import annotations

import bisect
import itertools
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pdfminer.layout import LTChar, LTContainer
from pdfplumber.page import fix_fontname_bytes

from jixiao.core.vocabulary import YEAR_IN_PARENS, join_title_lines
from jixiao.extract.readers.pdf.pages import squash
from jixiao.extract.readers.pdf.text import (
    Char,
    chars_to_lines,
    chars_without_fake_bold,
    line_to_text,
    lines_to_runs_on,
    lines_to_text,
    middles_to_lines,
)

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points, top-down

TABLE_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "intersection_tolerance": 3,
}
_AXIS_NOISE = 0.5  # points: a path piece this close to vertical/horizontal is a ruling line
EDGE_TOLERANCE = 2.5  # points: edges closer than this are the same ruling line
HEADING_WINDOW = 90.0  # points above a table searched for its title and year line


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


@dataclass(frozen=True, slots=True)
class BoxCell:
    """One ruled cell (a merged cell is one box) and its text.

    ``runs_on``: the text may go on past the box's bottom (its last line is full, as in a cell
    cut by a page break); False when its last line stops short, as a finished paragraph does.
    True when not known.
    """

    bbox: BBox
    text: str
    runs_on: bool = True


@dataclass(frozen=True, slots=True)
class TablePart:
    """The part of a table that stands on one page."""

    page: int
    bbox: BBox
    cells: tuple[BoxCell, ...]
    reader: str
    title: str | None = None
    year_text: str | None = None
    context: tuple[str, ...] = ()
    title_page: int | None = None  # where the heading is printed, when not on ``page``

    @property
    def has_heading(self) -> bool:
        return self.title is not None or self.year_text is not None

    def texts(self) -> set[str]:
        return {squash(cell.text) for cell in self.cells}


def _center(char: Char) -> tuple[float, float]:
    return (
        (float(char["x0"]) + float(char["x1"])) / 2,
        (float(char["top"]) + float(char["bottom"])) / 2,
    )


def boxes_to_cells(
    boxes: Iterable[BBox],
    chars: Sequence[Char],
    centers: Sequence[tuple[float, float]] | None = None,
) -> tuple[BoxCell, ...]:
    """Give each box the characters whose middle lies inside it (each character once).

    Characters are sorted by the height of their middle, so each box only looks at the band
    of characters between its top and bottom. ``centers``: the characters' middles when the
    caller has them already (:func:`boxes_to_parts`).
    """
    if centers is None:
        centers = [_center(c) for c in chars]
    ordered = sorted(boxes, key=lambda b: (b[1], b[0]))
    placed = sorted((y, x, i) for i, (x, y) in enumerate(centers))
    ys = [y for y, _, _ in placed]
    taken: set[int] = set()
    cells: list[BoxCell] = []
    for box in ordered:
        lo, hi = bisect.bisect_left(ys, box[1]), bisect.bisect_right(ys, box[3])
        inside = [(y, i) for y, x, i in placed[lo:hi] if box[0] <= x <= box[2] and i not in taken]
        taken.update(i for _, i in inside)
        lines = middles_to_lines([(y, chars[i]) for y, i in inside])  # sorted by y already
        cells.append(BoxCell(box, lines_to_text(lines, box), lines_to_runs_on(lines, box)))
    return tuple(cells)


def lines_to_heading(lines: Sequence[str]) -> tuple[str | None, str | None, tuple[str, ...]]:
    """Pick the title (…表 with 自评/绩效) and the year line out of the lines above a table; a
    title wrapped over two or three lines is one line (:func:`join_title_lines`).

    >>> lines_to_heading(["说明", "财政项目支出绩效自评表", "(2024年度)"])
    ('财政项目支出绩效自评表', '(2024年度)', ('说明',))
    >>> lines_to_heading(["某局 2023 年度部门整体绩效自评", "表"])
    ('某局 2023 年度部门整体绩效自评表', None, ())
    """
    title: str | None = None
    year: str | None = None
    context: list[str] = []
    for line in join_title_lines(lines):
        match = YEAR_IN_PARENS.search(line)
        rest = line.replace(match.group(), " ").strip() if match else line
        if match and year is None and (_is_title(rest) or len(squash(rest)) <= 20):
            year = match.group() if rest else line
            if _is_title(rest):
                title = rest
            elif rest:
                context.append(rest)  # e.g. 单位：万元 on the year line
        elif _is_title(line):
            title = line
        else:
            context.append(line)
    return title, year, tuple(context)


def _is_title(line: str) -> bool:
    flat = squash(line)
    return flat.endswith("表") and ("自评" in flat or "绩效" in flat) and len(flat) <= 40


def _heading_chars(chars: Sequence[Char], top_limit: float, table_top: float) -> list[Char]:
    return [
        c for c in chars if float(c["bottom"]) <= table_top + 1 and float(c["top"]) >= top_limit
    ]


def part_with_heading(part: TablePart, chars: Sequence[Char], top_limit: float) -> TablePart:
    """Read the title, the year and other lines between ``top_limit`` and the table's top."""
    limit = max(top_limit, part.bbox[1] - HEADING_WINDOW)
    lines = [
        line_to_text(line) for line in chars_to_lines(_heading_chars(chars, limit, part.bbox[1]))
    ]
    title, year, context = lines_to_heading([line for line in lines if line])
    return TablePart(part.page, part.bbox, part.cells, part.reader, title, year, context)


def _is_usable(boxes: Sequence[BBox]) -> bool:
    """Boxes that can be (a piece of) a table: two side by side at least. One row is enough:
    a table cut by a page break may leave only its 项目名称 row at the bottom of a page, or
    its last row at the top of the next (whether a piece is a 自评表 is judged once the
    pieces are joined). A lone box (a frame around text) is no table.

    >>> _is_usable([(0, 0, 50, 10), (50, 0, 200, 10)]), _is_usable([(0, 0, 200, 10)])
    (True, False)
    """
    xs = {round(b[0]) for b in boxes}
    return len(boxes) >= 2 and len(xs) >= 2


def boxes_to_parts(
    tables: Sequence[Sequence[BBox]], chars: Sequence[Char], number: int, reader: str
) -> list[TablePart]:
    """Turn the boxes of each table on a page into parts, with text and heading."""
    parts: list[TablePart] = []
    centers = [_center(c) for c in chars]  # each character's middle, worked out once
    for boxes in sorted(tables, key=lambda bs: min(b[1] for b in bs)):
        if not _is_usable(boxes):
            continue
        bbox = (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )
        inside = [
            i
            for i, (x, y) in enumerate(centers)
            if bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]
        ]
        cells = boxes_to_cells(boxes, [chars[i] for i in inside], [centers[i] for i in inside])
        part = TablePart(number, bbox, cells, reader)
        top_limit = parts[-1].bbox[3] if parts else 0.0
        parts.append(part_with_heading(part, chars, top_limit))
    return parts


def page_without_fake_bold(page: Any) -> Any:
    """Drop characters drawn twice at almost the same place ("fake bold").

    Not keyed on the font size: the second copy's size often differs in the last bits.
    """
    return page.dedupe_chars(tolerance=1, extra_attrs=("fontname",))


#: The fields of pdfplumber's character records that :func:`layout_to_chars` fills.
CHAR_FIELDS = (
    "object_type",
    "text",
    "fontname",
    "size",
    "adv",
    "upright",
    "matrix",
    "x0",
    "x1",
    "top",
    "bottom",
    "doctop",
    "width",
    "height",
)


def _layout_chars(objects: Iterable[Any]) -> Iterator[Any]:
    for obj in objects:
        if isinstance(obj, LTContainer):
            yield from _layout_chars(obj)
        elif isinstance(obj, LTChar):
            yield obj


def layout_to_chars(page: Any) -> list[Char]:
    """``page.chars`` of a pdfplumber page, built straight from pdfminer's layout.

    The same values in the fields of :data:`CHAR_FIELDS`, computed as pdfplumber's
    ``Page.process_object`` computes them (top-down, MediaBox offsets added), without its
    generic conversion of every attribute of every object, a third of the page's time.
    """
    mb_x0, mb_top = page.mediabox[:2]
    height, doctop = page.height, page.initial_doctop
    chars: list[Char] = []
    for obj in _layout_chars(page.layout):
        fontname = obj.fontname
        if isinstance(fontname, bytes):  # (rare) byte-encoded font names, as pdfplumber does
            fontname = fix_fontname_bytes(fontname)
        top = (height - obj.y1) + mb_top
        chars.append(
            {
                "object_type": "char",
                "text": obj.get_text(),
                "fontname": fontname,
                "size": obj.size,
                "adv": obj.adv,
                "upright": obj.upright,
                "matrix": obj.matrix,
                "x0": obj.x0 + mb_x0,
                "x1": obj.x1 + mb_x0,
                "top": top,
                "bottom": (height - obj.y0) + mb_top,
                "doctop": doctop + top,
                "width": obj.width,
                "height": obj.height,
            }
        )
    return chars


def plumber_page_to_chars(page: Any) -> list[Char]:
    """A pdfplumber page's characters as pdfminer reads them, fake bold removed (same rule as
    :func:`page_without_fake_bold`, in linear time), in the order they are drawn.

    No font program is needed: Unicode comes from ``/ToUnicode`` or the predefined CJK CMaps,
    widths from ``/W``, ``/DW`` and ``/Widths``, so the result is the same on every machine.
    """
    return chars_without_fake_bold(layout_to_chars(page))


def _orientation(line: Mapping[str, Any]) -> str:
    return "v" if line["x0"] == line["x1"] else "h"


def _segment(p0: tuple[float, float], p1: tuple[float, float]) -> dict[str, Any] | None:
    (xa, ya), (xb, yb) = p0, p1
    if abs(xa - xb) <= _AXIS_NOISE and abs(ya - yb) > _AXIS_NOISE:
        x = (xa + xb) / 2
        return {"object_type": "line", "x0": x, "x1": x, "top": min(ya, yb), "bottom": max(ya, yb)}
    if abs(ya - yb) <= _AXIS_NOISE and abs(xa - xb) > _AXIS_NOISE:
        y = (ya + yb) / 2
        return {"object_type": "line", "x0": min(xa, xb), "x1": max(xa, xb), "top": y, "bottom": y}
    return None


def curves_to_lines(curves: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Axis-parallel pieces of curve paths (or of noisy lines) as lines.

    A rectangle drawn under a rotated or scaled matrix picks up float noise, and pdfminer then
    calls it a curve, which pdfplumber's "lines" strategy ignores.
    """
    lines: list[dict[str, Any]] = []
    for curve in curves:
        points = [(float(x), float(y)) for x, y in curve.get("pts", ())]
        for p0, p1 in itertools.pairwise(points):
            segment = _segment(p0, p1)
            if segment is not None:
                segment["width"] = segment["x1"] - segment["x0"]
                segment["height"] = segment["bottom"] - segment["top"]
                lines.append(segment)
    return lines


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


def _is_noisy(line: Mapping[str, Any]) -> bool:
    """A line that is neither exactly horizontal nor exactly vertical: pdfplumber calls every
    line whose ends differ in height vertical, so a rule drawn under a turned page matrix
    (float noise in its y) would be lost."""
    return float(line["top"]) != float(line["bottom"]) and float(line["x0"]) != float(line["x1"])


def page_to_table_settings(page: Any) -> dict[str, Any]:
    """The "lines" settings, plus the ruling hidden in curves and noisy lines, and the open
    sides."""
    lines = curves_to_lines([*page.curves, *(ln for ln in page.lines if _is_noisy(ln))])
    edges = [*page.edges, *({**ln, "orientation": _orientation(ln)} for ln in lines)]
    lines += open_sides_to_lines(edges)
    if not lines:
        return TABLE_SETTINGS
    return {
        **TABLE_SETTINGS,
        "explicit_vertical_lines": [ln for ln in lines if ln["x0"] == ln["x1"]],
        "explicit_horizontal_lines": [ln for ln in lines if ln["top"] == ln["bottom"]],
    }


def plumber_page_to_parts(page: Any, number: int) -> list[TablePart]:
    """Ruled tables of a pdfplumber page (characters deduplicated first: fake bold)."""
    page = page_without_fake_bold(page)
    tables = page.find_tables(table_settings=page_to_table_settings(page))
    boxes = [[_bbox(cell) for cell in table.cells] for table in tables]
    return boxes_to_parts(boxes, page.chars, number, "pdfplumber")


def _bbox(values: Sequence[Any]) -> BBox:
    x0, top, x1, bottom = (float(v) for v in values)
    return (x0, top, x1, bottom)


def _camelot_groups(cells: Sequence[Sequence[Any]]) -> list[list[tuple[int, int]]]:
    """Group camelot's grid cells into merged cells (no ruling between them)."""
    parent: dict[tuple[int, int], tuple[int, int]] = {}

    def find(key: tuple[int, int]) -> tuple[int, int]:
        while parent.setdefault(key, key) != key:
            key = parent[key]
        return key

    for r, row in enumerate(cells):
        for c, cell in enumerate(row):
            find((r, c))
            if c + 1 < len(row) and not cell.right:
                parent[find((r, c + 1))] = find((r, c))
            if r + 1 < len(cells) and not cell.bottom:
                parent[find((r + 1, c))] = find((r, c))
    groups: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for key in parent:
        groups.setdefault(find(key), []).append(key)
    return list(groups.values())


def camelot_table_to_boxes(table: Any, page_height: float) -> list[BBox]:
    """Merged-cell boxes of one camelot table, in top-down coordinates."""
    boxes: list[BBox] = []
    for group in _camelot_groups(table.cells):
        members = [table.cells[r][c] for r, c in group]
        x0 = min(float(m.x1) for m in members)
        x1 = max(float(m.x2) for m in members)
        y0 = min(float(m.y1) for m in members)
        y1 = max(float(m.y2) for m in members)
        boxes.append((x0, page_height - y1, x1, page_height - y0))
    return boxes


def camelot_page_to_parts(path: Path, page: Any, number: int) -> list[TablePart]:
    """Ruled tables found by camelot's lattice reader (lines seen on the rendered page)."""
    from camelot.io import read_pdf  # noqa: PLC0415 - camelot, OpenCV: ~0.7 s, for unruled pages

    with warnings.catch_warnings():  # "no tables found" is an answer here, not a warning
        warnings.simplefilter("ignore")
        tables = read_pdf(str(path), pages=str(number), flavor="lattice", suppress_stdout=True)
    page = page_without_fake_bold(page)
    boxes = [camelot_table_to_boxes(table, float(page.height)) for table in tables]
    return boxes_to_parts(boxes, page.chars, number, "camelot")
