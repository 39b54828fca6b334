"""Table parts (one per page) → chains of parts (one per table) → :class:`Grid`.

Row and column boundaries are found by clustering the cells' edge coordinates with a
tolerance (columns over all parts of a table at once, so a continuation lines up with its first
page; rows per part). Each box then gets its exact ``rowspan``/``colspan``.

When a table runs onto the next page: a repeated header row is dropped, a row split by the
page break is put back together, and a merged label cell cut by the break (一级指标, 绩效指标)
becomes one cell again.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import regex

from jixiao.core.labels import label_key
from jixiao.core.problems import make_problem
from jixiao.core.vocabulary import (
    BARE_POINTS_SUFFIX,
    FUND_HEADERS,
    INDICATOR_BLOCK,
    INDICATOR_HEADERS,
    LEVEL1_GROUPS,
    LEVEL2_GROUPS,
    NOTE_HEADERS,
    POINTS_SUFFIX,
    PROJECT_NAME,
    SECTION_LABELS,
    is_sub_row_label,
    is_total_label,
)
from jixiao.extract.readers.pdf.parts import TablePart
from jixiao.extract.readers.pdf.ruling import EDGE_TOLERANCE, BBox, values_to_centers
from jixiao.extract.readers.pdf.text import is_wide, join_wrapped, text_to_unreadable_share
from jixiao.model.grid import Cell, Grid
from jixiao.model.source import Problem, Source

# 一级/二级 labels and block labels: text cut by a page break that joins up to one of these
# was one cell.
LEVEL_LABELS = frozenset((*SECTION_LABELS, *LEVEL1_GROUPS, *LEVEL2_GROUPS))
# Labels whose two halves, one on each side of a page break, show that a row was cut.
SPLIT_LABELS = LEVEL_LABELS | frozenset((*INDICATOR_HEADERS, *NOTE_HEADERS, *FUND_HEADERS))


def _label_key(text: str) -> str:
    return POINTS_SUFFIX.sub("", label_key(text))


def is_level_label(text: str) -> bool:
    """A 一级/二级 label or block label, with or without its points.

    >>> is_level_label("质量指标12分"), is_level_label("产出指标(50分)"), is_level_label("合格率")
    (True, True, False)
    """
    return BARE_POINTS_SUFFIX.sub("", _label_key(text)) in LEVEL_LABELS


def completes_label(head: str, tail: str, labels: frozenset[str] = LEVEL_LABELS) -> bool:
    """``tail`` finishes ``head`` into a known label that ``head`` alone is not.

    >>> completes_label("可持续影响", "指标")
    True
    >>> completes_label("数量指标", "质量指标")
    False
    >>> completes_label("项目资金（万", "元）")  # compared width-folded: 项目资金(万元)
    True
    """
    return _label_key(head + tail) in labels and _label_key(head) not in labels


# Labels of the rows a producer repeats at the top of a continuation page.
REPEATED_LABELS = frozenset((*INDICATOR_HEADERS, *INDICATOR_BLOCK, *PROJECT_NAME))


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
    runs_on: bool = True  # see :class:`~jixiao.extract.readers.pdf.parts.BoxCell`


def nearest_index(centers: Sequence[float], value: float) -> int:
    """Index of the center nearest to ``value`` in sorted ``centers`` (the lower on a tie), by
    bisection: a table's every cell edge is looked up.

    >>> nearest_index([10.0, 20.0, 30.0], 14.0), nearest_index([10.0, 20.0, 30.0], 15.0)
    (0, 0)
    >>> nearest_index([10.0, 20.0, 30.0], 99.0), nearest_index([10.0, 20.0, 30.0], -5.0)
    (2, 0)
    """
    i = bisect.bisect_left(centers, value)
    if i == 0:
        return 0
    if i == len(centers):
        return i - 1
    return i - 1 if value - centers[i - 1] <= centers[i] - value else i


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
            Placed(
                row_offset + r0,
                c0,
                r1 - r0,
                c1 - c0,
                cell.text,
                part.page,
                cell.bbox,
                cell.runs_on,
            )
        )
    return placed, max(len(row_centers) - 1, 0)


# -- chaining parts into tables ---------------------------------------------------------------


def is_closed(part: TablePart) -> bool:
    """A part that holds the 总分 row ends its table."""
    return any(label_key(cell.text).startswith("总分") for cell in part.cells)


def _first_row_texts(part: TablePart) -> list[str]:
    top = part.bbox[1]
    return [label_key(c.text) for c in part.cells if abs(c.bbox[1] - top) <= EDGE_TOLERANCE]


def starts_table(part: TablePart, first: TablePart) -> bool:
    """A part begins a new table: it has a heading, or a 项目名称 (部门名称) row other than a
    repeat."""
    if part.has_heading:
        return True
    row = _first_row_texts(part)
    named = any(name in row for name in PROJECT_NAME)
    return named and sorted(row) != sorted(_first_row_texts(first))


def looks_continued(part: TablePart) -> bool:
    """A part with no heading and no 项目名称 (部门名称) row: the rest of a table from the page
    before."""
    row = _first_row_texts(part)
    return not part.has_heading and not any(name in row for name in PROJECT_NAME)


def _x_edges(parts: Iterable[TablePart]) -> list[float]:
    return values_to_centers(
        v for part in parts for cell in part.cells for v in (cell.bbox[0], cell.bbox[2])
    )


def columns_line_up(part: TablePart, chain: Sequence[TablePart], share: float = 0.8) -> bool:
    """Most vertical rulings of ``part`` continue rulings of the table so far, or most rulings
    of the table so far continue in ``part`` (a first page of merged header cells shows fewer
    rulings than the indicator rows below it); or ``part`` has the table's frame (its left and
    right rulings) and half the rulings of the one with fewer go on in the other: a
    spreadsheet's page shows only the columns its merged cells leave, another set on each page.
    """
    known = _x_edges(chain)
    edges = _x_edges([part])
    if not known or not edges:
        return False
    forward, backward = _continued(edges, known), _continued(known, edges)
    if forward >= share * len(edges) or backward >= share * len(known):
        return True
    framed = _continued([edges[0], edges[-1]], [known[0], known[-1]]) == 2
    return framed and 2 * min(forward, backward) >= min(len(edges), len(known))


def _continued(edges: Sequence[float], others: Sequence[float]) -> int:
    return sum(1 for x in edges if any(abs(x - k) <= EDGE_TOLERANCE for k in others))


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
                and columns_line_up(part, chains[-1])
            ):
                chains[-1].append(part)
                continue
        chains.append([part])
    return chains


def chain_to_texts(chain: Sequence[TablePart]) -> set[str]:
    """The cell texts of a joined table, for :func:`~jixiao.core.vocabulary.is_self_evaluation`."""
    return set().union(*(part.texts() for part in chain))


# -- stitching --------------------------------------------------------------------------------


def _anchored(cells: list[Placed], row: int) -> list[Placed]:
    return [c for c in cells if c.row == row]


def _covering(cells: list[Placed], row: int, col: int) -> Placed | None:
    for c in cells:
        if c.row <= row < c.row + c.rowspan and c.col <= col < c.col + c.colspan:
            return c
    return None


def _signature(cells: list[Placed], row: int) -> tuple[tuple[int, int, str], ...]:
    return tuple(sorted((c.col, c.colspan, label_key(c.text)) for c in _anchored(cells, row)))


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
    """Drop rows at the top of a continuation that repeat a header row printed before.

    Only rows carrying a header label: a data row that happens to equal an earlier one is data;
    and the rows that followed such a row the first time, as they were (the second row of a
    two-row header: ``指标性质 | 指标值 | 度量单位`` under ``年度指标值``).
    """
    earlier = {_signature(cells, r): r for r in reversed(range(start))}
    follows: tuple[tuple[int, int, str], ...] | None = None  # the row after a dropped header
    while True:
        sig = _signature(cells, start)
        texts = [text for _, _, text in sig if text]
        if len(texts) < 2:
            return cells
        if sig in earlier and REPEATED_LABELS.intersection(texts):
            following = earlier[sig] + 1
            follows = _texts(_signature(cells, following)) if following < start else None
        elif follows is not None and _texts(sig) == follows:
            follows = None
        else:
            return cells
        cells = _drop_row(cells, start)


def _texts(sig: tuple[tuple[int, int, str], ...]) -> tuple[tuple[int, int, str], ...]:
    """A row's signature without its empty cells (the boxes a tall cell above leaves when its
    first row is dropped)."""
    return tuple(entry for entry in sig if entry[2])


def _filled(cells: list[Placed], row: int) -> dict[tuple[int, int], Placed]:
    return {
        (c.col, c.colspan): c for c in _anchored(cells, row) if c.rowspan == 1 and c.text.strip()
    }


def continues_text(above: Placed, below: Placed) -> bool:
    """``below`` (top of a continuation) may be the rest of the text of ``above`` (bottom of the
    page before): the text above may run on (its last line is full, see
    :func:`~jixiao.extract.readers.pdf.text.lines_to_runs_on`), or the text below starts with a
    Latin letter or digit (a word kept whole leaves room on the line before), or the two halves make
    a known label. A Chinese text that ended with room to spare on its last line is finished:
    the text below starts a row of its own.
    """
    head = below.text.lstrip()[:1]
    return (
        above.runs_on or not is_wide(head) or completes_label(above.text, below.text, SPLIT_LABELS)
    )


def _own_text_col(cells: list[Placed], row: int) -> int | None:
    """The column where a row's own text starts: its leftmost one-row cell with text that is
    no 一级/二级 label and not in a column where cells merge downwards (the 三级 name of an
    indicator row, the label of a fund row)."""
    label_cols = {c.col for c in cells if c.rowspan > 1}
    own = [
        col
        for (col, _), cell in _filled(cells, row).items()
        if col not in label_cols and not is_level_label(cell.text)
    ]
    return min(own, default=None)


def is_split_row(cells: list[Placed], start: int) -> bool:
    """The first row of a continuation holds only the rest of the previous row's text.

    Its filled cells lie under filled cells of the previous row, and they are few (at most two,
    or half as many), or joined to the text above they make a known label (a header row cut:
    ``年度指标`` + ``值``). And the break shows a cut: one text at least goes on with the text
    above it (:func:`continues_text`), or the row has no text of its own where the row above
    has its own first text (a note cut between two paragraphs, under an empty name). A row
    that starts with its own text under finished texts is a new row: the next 三级指标 of a
    group, alone at the top of the page; and so is a row with two numbers or more under numbers
    (its 分值 and 得分 under the row above's), even when a tall label cut by the break goes on in
    it (``数量指`` + ``标``), and a row that a total or a new 一级/二级 label starts
    (:func:`_starts_row`).
    """
    above, here = _filled(cells, start - 1), _filled(cells, start)
    if not here or not set(here) <= set(above) or len(here) >= len(above):
        return False
    if sum(_is_number(above[k].text) and _is_number(cell.text) for k, cell in here.items()) >= 2:
        return False  # numbers under numbers (分值, 得分): no number goes on over a page break
    if any(_starts_row(above[k].text, cell.text) for k, cell in here.items()):
        return False
    if not any(continues_text(above[k], cell) for k, cell in here.items()):
        own = _own_text_col(cells, start - 1)
        if own is None or any(col == own for col, _ in here):
            return False
    if len(here) <= 2 or 2 * len(here) <= len(above):
        return True
    return any(completes_label(above[k].text, cell.text, SPLIT_LABELS) for k, cell in here.items())


def _starts_row(above: str, below: str) -> bool:
    """``below`` labels a row of its own: a total (总分, 自评总分(分)), a 其中 row, or a whole
    一级/二级 label under another whole one (``质量指标12分`` under ``数量指标15分``)."""
    return (
        is_total_label(below)
        or is_sub_row_label(below)
        or (is_level_label(above) and is_level_label(below))
    )


_NUMBER = regex.compile(r"[+-]?\d+(?:\.\d+)?%?")


def _is_number(text: str) -> bool:
    """A number on its own (``8``, ``99.5``, ``100%``): a cell that a page break never cuts."""
    return _NUMBER.fullmatch("".join(text.split())) is not None


def merge_split_row(cells: list[Placed], start: int) -> list[Placed]:
    """Append the continuation row's text to the row above and remove the continuation row."""
    above = _filled(cells, start - 1)
    for key, cell in _filled(cells, start).items():
        above[key].text = join_wrapped([above[key].text, cell.text])
        cell.text = ""
    for cell in _anchored(cells, start):  # a tall label cut too: its text goes up as well
        over = _covering(cells, start - 1, cell.col)
        if (
            cell.text.strip()
            and over is not None
            and (over.col, over.colspan) == (cell.col, cell.colspan)
        ):
            over.text = join_wrapped([over.text, cell.text])
            cell.text = ""
    return _drop_row(cells, start)


def _continues(cell: Placed, above: Placed, start: int, label_cols: set[int]) -> bool:
    """``cell`` (top of a continuation) is the rest of ``above`` (bottom of the page before)."""
    if (above.col, above.colspan) != (cell.col, cell.colspan) or above.row + above.rowspan != start:
        return False
    if cell.text.strip():
        return completes_label(above.text, cell.text)
    if above.rowspan > 1 or cell.rowspan > 1:
        return True
    return (cell.col in label_cols or is_level_label(above.text)) and bool(above.text.strip())


def merge_cut_spans(cells: list[Placed], start: int) -> list[Placed]:
    """A cell at the top of a continuation joins the cell above it, cut by the page break.

    An empty cell: only under a cell of the same width that is tall itself, or that has text in
    a column where cells merge downwards, or that is a 一级/二级 label (a group cut after its
    first row: ``数量指标`` over an empty box) - never an empty note cell under a note. A cell
    with text: only when it finishes the label above (``可持续影响`` + ``指标``).
    """
    if start == 0:
        return cells
    kept = list(cells)
    label_cols = {c.col for c in cells if c.rowspan > 1}  # columns where cells merge downwards
    for cell in _anchored(cells, start):
        above = _covering(cells, start - 1, cell.col)
        if above is not None and _continues(cell, above, start, label_cols):
            above.text = join_wrapped([above.text, cell.text])
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
    problems = tuple(cell_to_problem(c) for c in cells if text_to_unreadable_share(c.text) > 0)
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
        problems=problems,
        title_page=first.title_page,
    )


def cell_to_problem(cell: Cell) -> Problem:
    """A cell whose text holds characters that did not decode."""
    return make_problem(
        "garbled_cell",
        f"单元格文字含无法解码的字符：{cell.text!r}",
        cell.source,
        found=cell.text,
    )
