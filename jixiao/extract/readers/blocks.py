"""Documents with real tables (web pages, workbooks, Word files) → grids.

The HTML, spreadsheet and Word readers each turn their file into the same stream of
:data:`Block` values, in reading order: :class:`Paragraph` (a line of text outside any table)
and :class:`SourceTable` (a table exactly as the file has it: anchored cells with their spans,
in the table's own coordinates). :func:`blocks_to_grids` turns that stream into :class:`Grid`
values, the same for every form:

* a table's leading rows that hold one piece of text (a title row merged across a sheet, a
  ``(2024年度)`` row), and any rows just above its 项目名称 row that no merged cell joins to it
  (``填报单位：… 单位：万元``), are lines above the table, not table rows; so is a title or year
  row in the middle of a table, which starts the next table (several 自评表 on one sheet or in one
  exported HTML table); a second 项目名称 row starts a new table too, as in text files;
* blank rows and blank outer columns are dropped (a sheet's margins), never a row or column
  that a merged cell crosses;
* the title and the year line of each table come from the lines just above it
  (:func:`lines_to_heading`, at most :data:`HEADING_LINES` of them), the rest of those lines
  is kept as the grid's context;
* a table that has not reached its 总分 row continues in the next table when that one has the
  same columns, no title or year line above it and no 项目名称 row (a Word table broken by a
  paragraph, a page converted to HTML page by page), as a PDF table continues on the next page.

Cells keep the :class:`~jixiao.model.source.Source` their reader gave them (an HTML line, a
spreadsheet cell ``自评表!H7`` and its stored value, a Word table and its row and column), with
``row``/``col`` set to their place in the grid.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import regex

from jixiao.core.labels import label_key
from jixiao.core.problems import make_problem
from jixiao.core.vocabulary import (
    PROJECT_NAME,
    TITLE_WORD,
    YEAR_IN_PARENS,
    is_total_label,
    is_year_line,
    join_title_lines,
)
from jixiao.model.grid import Cell, Grid
from jixiao.model.source import Problem, Source

#: How many lines above a table are searched for its title and year line.
HEADING_LINES = 4
_MAX_TITLE_CHARS = 60


@dataclass(frozen=True, slots=True)
class Place:
    """Where a cell is in its file, from its locator: the sheet or table (``scope``), and its
    0-based row and column there; ``column`` is the column as the form names it (``H`` on a
    sheet, ``3`` in a table)."""

    scope: str
    row: int
    col: int
    column: str


def sheet_locator(sheet: str, row: int, col: int) -> str:
    """A spreadsheet cell's locator from its 0-based position.

    >>> sheet_locator("自评表", 6, 7), sheet_locator("S", 0, 27)
    ('自评表!H7', 'S!AB1')
    """
    return f"{sheet}!{column_letters(col)}{row + 1}"


def table_locator(index: int, row: int, col: int) -> str:
    """An HTML or Word table cell's locator: the 1-based table, row and column.

    >>> table_locator(2, 4, 2)
    'table 2 R5C3'
    """
    return f"table {index} R{row + 1}C{col + 1}"


def column_letters(col: int) -> str:
    """A 0-based column as a spreadsheet names it: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def locator_to_place(locator: str | None) -> Place | None:
    """The place a cell locator names (see :func:`sheet_locator`, :func:`table_locator`).

    >>> locator_to_place("自评表!H7")
    Place(scope='自评表', row=6, col=7, column='H')
    >>> locator_to_place("table 2 R5C3")
    Place(scope='table 2', row=4, col=2, column='3')
    >>> locator_to_place("自评表") is None, locator_to_place(None) is None
    (True, True)
    """
    if not locator:
        return None
    table = _TABLE_CELL.match(locator)
    if table:
        col = int(table["col"]) - 1
        return Place(table["scope"], int(table["row"]) - 1, col, str(col + 1))
    sheet, bang, cell = locator.rpartition("!")
    address = _SHEET_CELL.match(cell)
    if not bang or address is None:
        return None
    col = 0
    for letter in address["letters"]:
        col = col * 26 + ord(letter) - ord("A") + 1
    return Place(sheet, int(address["row"]) - 1, col - 1, address["letters"])


_TABLE_CELL = regex.compile(r"^(?P<scope>table \d+) R(?P<row>\d+)C(?P<col>\d+)$")
_SHEET_CELL = regex.compile(r"^(?P<letters>[A-Z]{1,3})(?P<row>\d+)$")


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A line of text outside any table: a heading, a year line, prose."""

    text: str
    source: Source


@dataclass(frozen=True, slots=True)
class SourceTable:
    """One table as its file has it: anchored cells (row, col, spans) in table coordinates.

    ``source`` says where the table is (its locator, e.g. ``table 2`` or a sheet name, and the
    HTML line it starts on).
    """

    cells: tuple[Cell, ...]
    n_rows: int
    n_cols: int
    source: Source


Block = Paragraph | SourceTable


@dataclass(frozen=True, slots=True)
class _Segment:
    """Rows ``rows`` of one source table that form one grid."""

    table: SourceTable
    rows: tuple[int, ...]


def blocks_to_grids(
    blocks: Iterable[Block], *, file: str, source_kind: str, reader: str
) -> list[Grid]:
    """The grids of a document's blocks, in order (see the module docstring).

    >>> src = Source("a.html")
    >>> def cell(r, c, text, colspan=1):
    ...     return Cell(r, c, text, src, colspan=colspan)
    >>> table = SourceTable(
    ...     (cell(0, 0, "财政项目支出绩效自评表", 2), cell(1, 0, "项目名称"), cell(1, 1, "X")),
    ...     2, 2, src)
    >>> [grid] = blocks_to_grids([Paragraph("(2024年度)", src), table], file="a.html",
    ...                          source_kind="html", reader="lxml")
    >>> grid.title, grid.year_text, grid.n_rows, [c.text for c in grid.cells]
    ('财政项目支出绩效自评表', '(2024年度)', 1, ['项目名称', 'X'])
    """
    grids: list[Grid] = []
    pending: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            pending.extend(_lines(block.text))
            continue
        for piece in table_to_pieces(block):
            if isinstance(piece, Paragraph):
                pending.extend(_lines(piece.text))
                continue
            grid = _segment_to_grid(piece, pending, file, source_kind, reader)
            pending = []
            if grid is None:
                continue
            if grids and _continues(grids[-1], grid):
                grids[-1] = _joined(grids[-1], grid)
            else:
                grids.append(grid)
    return grids


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _continues(table: Grid, part: Grid) -> bool:
    """``part`` is the rest of ``table``: the table is open (no 总分 row yet), the part has the
    same columns and neither a heading above it nor a 项目名称 row."""
    if part.title is not None or part.year_text is not None or part.n_cols != table.n_cols:
        return False
    if any(label_key(c.text) in PROJECT_NAME for c in part.cells):
        return False
    return not any(is_total_label(c.text) for c in table.cells)


def _joined(table: Grid, part: Grid) -> Grid:
    offset = table.n_rows
    moved = tuple(
        dataclasses.replace(
            c, row=c.row + offset, source=dataclasses.replace(c.source, row=c.row + offset)
        )
        for c in part.cells
    )
    return dataclasses.replace(
        table,
        cells=table.cells + moved,
        n_rows=table.n_rows + part.n_rows,
        context=table.context + part.context,
    )


def table_to_pieces(table: SourceTable) -> list[Paragraph | _Segment]:
    """Split a source table into heading lines and the row ranges of its tables."""
    anchors: list[list[Cell]] = [[] for _ in range(table.n_rows)]
    covered = [False] * table.n_rows  # a merged cell from a row above reaches this row
    spans_down = [False] * table.n_rows
    for cell in table.cells:
        anchors[cell.row].append(cell)
        if cell.rowspan > 1:
            spans_down[cell.row] = True
            for r in range(cell.row + 1, min(cell.row + cell.rowspan, table.n_rows)):
                covered[r] = True
    pieces: list[Paragraph | _Segment] = []
    rows: list[int] = []
    named = False  # the current rows hold a 项目名称 row

    def close() -> None:
        nonlocal named
        if rows:
            pieces.append(_Segment(table, tuple(rows)))
            rows.clear()
        named = False

    filled_rows = [[c for c in anchors[r] if c.text.strip()] for r in range(table.n_rows)]
    named_rows = [any(label_key(c.text) in PROJECT_NAME for c in f) for f in filled_rows]
    for r in range(table.n_rows):
        filled = filled_rows[r]
        free = not covered[r] and not spans_down[r]
        if free and not filled:
            continue  # a blank row
        above_name = not rows and not named_rows[r] and _name_row_follows(r, named_rows, free)
        if free and (above_name or _is_heading_row(filled, leading=not rows)):
            close()
            pieces.extend(Paragraph(c.text, c.source) for c in sorted(filled, key=_by_col))
            continue
        starts = any(label_key(c.text) in PROJECT_NAME for c in filled)
        if starts and named and not covered[r]:
            close()
        named = named or starts
        rows.append(r)
    close()
    return pieces


def _by_col(cell: Cell) -> int:
    return cell.col


def _name_row_follows(r: int, named_rows: Sequence[bool], free: bool) -> bool:
    """The 项目名称 row comes within the next few rows: rows before it that no merged cell
    joins to the table are the heading lines a sheet prints above it (填报单位 … 单位：万元)."""
    return free and any(named_rows[r + 1 : r + 1 + HEADING_LINES])


def _is_heading_row(filled: Sequence[Cell], *, leading: bool) -> bool:
    """A row of heading text: above a table, one cell or a year line beside another cell
    (``(2024年度) … 单位：万元``); inside one, only a title or a year line alone."""
    texts = [c.text.strip() for c in filled]
    if len(texts) == 1:
        return leading or is_title(texts[0]) or is_year_line(texts[0])
    return leading and len(texts) == 2 and any(is_year_line(t) for t in texts)


def is_title(line: str) -> bool:
    """A table's title: a short line naming a 自评表, or ending in 表 (a caption).

    >>> is_title("项目支出绩效自评表"), is_title("2020年度水土保持監測項目績效自評表")
    (True, True)
    >>> is_title("项目名称"), is_title("（2024年度）")
    (False, False)
    """
    key = label_key(line)
    return len(key) <= _MAX_TITLE_CHARS and (TITLE_WORD in key or key.endswith("表"))


def lines_to_heading(lines: Sequence[str]) -> tuple[str | None, str | None, tuple[str, ...]]:
    """The title, the year line and the other lines, from the lines just above a table.

    The nearest title and year line win; a year in parentheses at the end of a title line is
    its year line (``某项目绩效自评表(2024年度)``); a title wrapped over two or three lines is
    one line (:func:`~jixiao.core.vocabulary.join_title_lines`).

    >>> lines_to_heading(["根据有关规定公开如下：", "项目支出绩效自评表", "(2024年度)"])
    ('项目支出绩效自评表', '(2024年度)', ('根据有关规定公开如下：',))
    >>> lines_to_heading(["某局项目支出绩效自评表（2023年度）"])
    ('某局项目支出绩效自评表', '（2023年度）', ())
    >>> lines_to_heading(["某局2023年度部门整体绩效自", "评表"])
    ('某局2023年度部门整体绩效自评表', None, ())
    """
    title_at: int | None = None
    year_at: int | None = None
    title = year = None
    lines = join_title_lines(lines)
    for i, line in enumerate(lines):
        if is_year_line(line):
            year_at, year = i, line.strip()
        elif is_title(line):
            title_at, title = i, line.strip()
            embedded = YEAR_IN_PARENS.search(title)
            if embedded and embedded.end() == len(title):
                year_at, year = i, embedded.group()
                title = title[: embedded.start()].strip()
    context = tuple(line for i, line in enumerate(lines) if i not in (title_at, year_at))
    return title, year, context


def _segment_to_grid(
    segment: _Segment, above: Sequence[str], file: str, source_kind: str, reader: str
) -> Grid | None:
    table = segment.table
    new_row = {r: i for i, r in enumerate(segment.rows)}
    cells = [c for c in table.cells if c.row in new_row]
    filled = [c for c in cells if c.text.strip()]
    if not filled:
        return None
    first_col = min(c.col for c in filled)
    last_col = max(c.col + c.colspan - 1 for c in filled)
    placed: list[Cell] = []
    for cell in cells:
        left = max(cell.col, first_col)
        right = min(cell.col + cell.colspan - 1, last_col)
        if right < left:
            continue  # a blank cell in a blank outer column
        row, col = new_row[cell.row], left - first_col
        placed.append(
            dataclasses.replace(
                cell,
                row=row,
                col=col,
                colspan=right - left + 1,
                source=dataclasses.replace(cell.source, row=row, col=col),
            )
        )
    placed.sort(key=lambda c: (c.row, c.col))
    title, year_text, context = lines_to_heading(list(above)[-HEADING_LINES:])
    lines = [c.source.line for c in placed if c.row == 0 and c.source.line is not None]
    return Grid(
        file=file,
        source_kind=source_kind,
        cells=tuple(placed),
        n_rows=len(segment.rows),
        n_cols=last_col - first_col + 1,
        title=title,
        year_text=year_text,
        line_start=min(lines) if lines else None,
        reader=reader,
        context=context,
    )


def unreadable_problem(file: str, what: str, reason: str) -> Problem:
    """One ``unreadable_file`` problem for a file that cannot be opened as what it claims to be.

    The message says the reason in Chinese; a library's English words after it stay in
    ``found`` only.

    >>> unreadable_problem("a.xlsx", "Excel 工作簿", "文件已损坏").message
    '无法读取 Excel 工作簿 a.xlsx：文件已损坏'
    >>> p = unreadable_problem("a.docx", "Word 文档", "文件已损坏（File is not a zip file）")
    >>> p.message, p.found
    ('无法读取 Word 文档 a.docx：文件已损坏', '文件已损坏（File is not a zip file）')
    """
    said = _LIBRARY_WORDS.sub("", reason) if _HAN.search(reason) else "文件无法解析"
    return make_problem(
        "unreadable_file", f"无法读取 {what} {file}：{said}", Source(file), found=reason
    )


# A library's own (English) words in parentheses at the end of a reason.
_LIBRARY_WORDS = regex.compile(r"（[^（）\p{Han}]*[A-Za-z]{3,}[^（）\p{Han}]*）$")
_HAN = regex.compile(r"\p{Han}")
