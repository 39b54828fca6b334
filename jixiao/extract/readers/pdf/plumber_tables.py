"""One PDF page read by pdfplumber (or camelot) → the ruled tables on it (:class:`TablePart`).

pdfplumber finds the cells of a ruled table from its lines (each merged cell is one box);
where it finds no ruling, camelot's lattice reader (which looks at the rendered page) supplies
the boxes instead; the text still comes from the page's characters. The boxes become parts by
:func:`~jixiao.extract.readers.pdf.parts.boxes_to_parts`, as the PDFium reader's do. This
module loads pdfplumber and pdfminer: the reader imports it only for a page that needs them
(a font not embedded, no ruling found by PDFium, ``reader="pdfplumber"``).
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from pdfminer.layout import LTChar, LTContainer
from pdfplumber.page import fix_fontname_bytes

from jixiao.extract.readers.pdf.parts import TablePart, boxes_to_parts
from jixiao.extract.readers.pdf.ruling import (
    TABLE_SETTINGS,
    BBox,
    lines_to_edges,
    open_sides_to_lines,
)
from jixiao.extract.readers.pdf.text import Char, chars_without_fake_bold

_AXIS_NOISE = 0.5  # points: a path piece this close to vertical/horizontal is a ruling line


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


def _is_noisy(line: Mapping[str, Any]) -> bool:
    """A line that is neither exactly horizontal nor exactly vertical: pdfplumber calls every
    line whose ends differ in height vertical, so a rule drawn under a turned page matrix
    (float noise in its y) would be lost."""
    return float(line["top"]) != float(line["bottom"]) and float(line["x0"]) != float(line["x1"])


def page_to_table_settings(page: Any) -> dict[str, Any]:
    """The "lines" settings, plus the ruling hidden in curves and noisy lines, and the open
    sides."""
    lines = curves_to_lines([*page.curves, *(ln for ln in page.lines if _is_noisy(ln))])
    edges = [*page.edges, *lines_to_edges(lines)]
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
