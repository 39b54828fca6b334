"""The ruled tables of one page as boxes with text (:class:`TablePart`), whichever reader found
the boxes.

A reader finds the cells of a ruled table (each merged cell one box: PDFium's ruling through
:mod:`jixiao.extract.readers.pdf.ruling`, pdfplumber's or camelot's in
:mod:`jixiao.extract.readers.pdf.plumber_tables`, the recognizer's in
:mod:`jixiao.extract.readers.scan.page`); the text of a box is the characters whose middle lies
inside it. The title and year line are read from the text just above the table. Nothing here
needs pdfplumber or pdfminer: the PDFium reader reads a page without loading them.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from jixiao.core.vocabulary import YEAR_IN_PARENS, join_title_lines
from jixiao.extract.readers.pdf.pages import squash
from jixiao.extract.readers.pdf.ruling import BBox
from jixiao.extract.readers.pdf.text import (
    Char,
    chars_to_lines,
    line_to_text,
    lines_to_runs_on,
    lines_to_text,
    middles_to_lines,
)

HEADING_WINDOW = 90.0  # points above a table searched for its title and year line


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
