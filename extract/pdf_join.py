"""Table parts (one per page) → chains of parts (one per table) → :class:`Grid`.

Row and column boundaries are found by clustering the cells' edge coordinates with a
tolerance (columns over all parts of a table at once, so a continuation lines up with its first
page; rows per part). Each box then gets its exact ``rowspan``/``colspan``.

When a table runs onto the next page: a repeated header row is dropped, a row split by the
page break is put back together, and a merged label cell cut by the break (一级指标, 绩效指标)
becomes one cell again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from extract.grid import Cell, Grid
from extract.pdf_cells import BBox, TablePart
from extract.pdf_pages import HEADER_LABELS, squash
from extract.pdf_text import join_wrapped
from jixiao.model import Source

EDGE_TOLERANCE = 2.5  # points: edges closer than this are the same ruling line


@dataclass(slots=True)
class Placed:
    """A cell being placed in the joined table (mutable while the parts are stitched)."""

    row: int
    col: int
    rowspan: int
    colspan: int
    text: str
    page: int
    bbox: BBox


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


def nearest_index(centers: Sequence[float], value: float) -> int:
    """Index of the center nearest to ``value``."""
    return min(range(len(centers)), key=lambda i: abs(centers[i] - value))


def part_to_placed(
    part: TablePart, col_centers: Sequence[float], row_offset: int
) -> tuple[list[Placed], int]:
    """Place the boxes of one part on the grid; returns the cells and the part's row count."""
    row_centers = values_to_centers(v for cell in part.cells for v in (cell.bbox[1], cell.bbox[3]))
    placed: list[Placed] = []
    taken: set[tuple[int, int]] = set()
    for cell in part.cells:
        x0, top, x1, bottom = cell.bbox
        r0, r1 = nearest_index(row_centers, top), nearest_index(row_centers, bottom)
        c0, c1 = nearest_index(col_centers, x0), nearest_index(col_centers, x1)
        if r1 <= r0 or c1 <= c0:
            continue  # a sliver thinner than the tolerance
        area = {(r, c) for r in range(r0, r1) for c in range(c0, c1)}
        if area & taken:
            continue  # overlapping boxes: keep the first
        taken |= area
        placed.append(
            Placed(row_offset + r0, c0, r1 - r0, c1 - c0, cell.text, part.page, cell.bbox)
        )
    return placed, max(len(row_centers) - 1, 0)


# -- chaining parts into tables ---------------------------------------------------------------


def is_closed(part: TablePart) -> bool:
    """A part that holds the 总分 row ends its table."""
    return any(squash(cell.text).startswith("总分") for cell in part.cells)


def _first_row_texts(part: TablePart) -> list[str]:
    top = part.bbox[1]
    return [squash(c.text) for c in part.cells if abs(c.bbox[1] - top) <= EDGE_TOLERANCE]


def starts_table(part: TablePart, first: TablePart) -> bool:
    """A part begins a new table: it has a heading, or a 项目名称 row other than a repeat."""
    if part.has_heading:
        return True
    row = _first_row_texts(part)
    return "项目名称" in row and sorted(row) != sorted(_first_row_texts(first))


def looks_continued(part: TablePart) -> bool:
    """A part with no heading and no 项目名称 row: the rest of a table from the page before."""
    return not part.has_heading and "项目名称" not in _first_row_texts(part)


def parts_to_chains(parts: Sequence[TablePart]) -> list[list[TablePart]]:
    """Group parts (in page order) into tables: an open table continues on the next page."""
    chains: list[list[TablePart]] = []
    last_page = 0
    for part in parts:
        first_on_page = part.page != last_page
        last_page = part.page
        if chains:
            prev = chains[-1][-1]
            if (
                first_on_page
                and part.page == prev.page + 1
                and not is_closed(prev)
                and not starts_table(part, chains[-1][0])
            ):
                chains[-1].append(part)
                continue
        chains.append([part])
    return chains


def is_self_evaluation(chain: Sequence[TablePart]) -> bool:
    """The table carries 自评表 labels (项目名称 with indicator headers)."""
    texts = set().union(*(part.texts() for part in chain))
    headers = sum(1 for label in HEADER_LABELS if any(label in t for t in texts))
    return headers >= 3 or ("项目名称" in texts and headers >= 1)


# -- stitching --------------------------------------------------------------------------------


def _anchored(cells: list[Placed], row: int) -> list[Placed]:
    return [c for c in cells if c.row == row]


def _covering(cells: list[Placed], row: int, col: int) -> Placed | None:
    for c in cells:
        if c.row <= row < c.row + c.rowspan and c.col <= col < c.col + c.colspan:
            return c
    return None


def _signature(cells: list[Placed], row: int) -> tuple[tuple[int, int, str], ...]:
    return tuple(sorted((c.col, c.colspan, squash(c.text)) for c in _anchored(cells, row)))


def _drop_row(cells: list[Placed], row: int) -> list[Placed]:
    """Remove a row: its one-row cells go, taller cells lose their first row (and text)."""
    kept: list[Placed] = []
    for c in cells:
        if c.row == row and c.rowspan == 1:
            continue
        if c.row == row:
            c.row, c.rowspan, c.text = row + 1, c.rowspan - 1, ""
        if c.row > row:
            c.row -= 1
        elif c.row + c.rowspan > row:
            c.rowspan -= 1
        kept.append(c)
    return kept


def drop_repeated_header(cells: list[Placed], start: int) -> list[Placed]:
    """Drop rows at the top of a continuation that repeat a row printed before."""
    earlier = {_signature(cells, r) for r in range(start)}
    while True:
        sig = _signature(cells, start)
        if sum(1 for _, _, text in sig if text) < 2 or sig not in earlier:
            return cells
        cells = _drop_row(cells, start)


def _filled(cells: list[Placed], row: int) -> dict[tuple[int, int], Placed]:
    return {
        (c.col, c.colspan): c for c in _anchored(cells, row) if c.rowspan == 1 and c.text.strip()
    }


def is_split_row(cells: list[Placed], start: int) -> bool:
    """The first row of a continuation holds only the rest of the previous row's text."""
    above, here = _filled(cells, start - 1), _filled(cells, start)
    if not here or not set(here) <= set(above) or len(here) >= len(above):
        return False
    return len(here) <= 2 or 2 * len(here) <= len(above)


def merge_split_row(cells: list[Placed], start: int) -> list[Placed]:
    """Append the continuation row's text to the row above and remove the continuation row."""
    above = _filled(cells, start - 1)
    for key, cell in _filled(cells, start).items():
        above[key].text = join_wrapped([above[key].text, cell.text])
        cell.text = ""
    return _drop_row(cells, start)


def merge_cut_spans(cells: list[Placed], start: int) -> list[Placed]:
    """An empty cell at the top of a continuation joins the cell above it, cut by the page break.

    Only under a cell of the same width that is tall itself, or that has text in a column where
    cells merge downwards (一级/二级 labels) - never an empty note cell under a note.
    """
    kept = list(cells)
    label_cols = {c.col for c in cells if c.rowspan > 1}  # columns where cells merge downwards
    for cell in _anchored(cells, start):
        if cell.text.strip() or start == 0:
            continue
        above = _covering(cells, start - 1, cell.col)
        if (
            above is not None
            and above.col == cell.col
            and above.colspan == cell.colspan
            and above.row + above.rowspan == start
            and (
                above.rowspan > 1
                or cell.rowspan > 1
                or (cell.col in label_cols and above.text.strip())
            )
        ):
            above.rowspan += cell.rowspan
            kept.remove(cell)
    return kept


def _compact(cells: list[Placed]) -> tuple[list[Placed], int]:
    """Renumber rows so that no row is left without cells."""
    used = sorted({r for c in cells for r in range(c.row, c.row + c.rowspan)})
    index = {r: i for i, r in enumerate(used)}
    for c in cells:
        last = index[c.row + c.rowspan - 1]
        c.row = index[c.row]
        c.rowspan = last - c.row + 1
    return cells, len(used)


def chain_to_placed(chain: Sequence[TablePart]) -> tuple[list[Placed], int, int]:
    """All parts of a table on one grid: cells, row count, column count."""
    col_centers = values_to_centers(
        v for part in chain for cell in part.cells for v in (cell.bbox[0], cell.bbox[2])
    )
    cells: list[Placed] = []
    start = 0
    for k, part in enumerate(chain):
        placed, n_rows = part_to_placed(part, col_centers, start)
        cells += placed
        if k:
            cells = drop_repeated_header(cells, start)
            if is_split_row(cells, start):
                cells = merge_split_row(cells, start)
            cells = merge_cut_spans(cells, start)
        start = max((c.row + c.rowspan for c in cells), default=0)
    cells, n_rows = _compact(cells)
    return cells, n_rows, max(len(col_centers) - 1, 1)


def chain_to_grid(chain: Sequence[TablePart], file: str) -> Grid:
    """One table (its parts on consecutive pages) as a :class:`Grid`."""
    placed, n_rows, n_cols = chain_to_placed(chain)
    cells = tuple(
        Cell(
            row=p.row,
            col=p.col,
            text=p.text,
            source=Source(file, page=p.page, bbox=p.bbox, row=p.row, col=p.col),
            rowspan=p.rowspan,
            colspan=p.colspan,
        )
        for p in sorted(placed, key=lambda p: (p.row, p.col))
    )
    first = chain[0]
    return Grid(
        file=file,
        source_kind="pdf",
        cells=cells,
        n_rows=n_rows,
        n_cols=n_cols,
        title=first.title,
        year_text=first.year_text,
        page_start=first.page,
        page_end=chain[-1].page,
        reader=first.reader,
        context=first.context,
    )
