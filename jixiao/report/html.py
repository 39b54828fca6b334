"""Render a :class:`~jixiao.report.model.Report` as one self-contained HTML page, in Chinese.

No network, no external scripts, styles, fonts or images: page images are ``data:`` URIs and
the filters are a small inline script. Every problem is an ``<li data-problem="i">`` (i its
row in the problems frame) inside its table's card; every cell it is about carries
``data-problems`` listing i, in the grid jixiao read and on the page image or source line,
so a test can check both. Highlighted cells use the ``hl`` class and a severity class.

The markup is in ``templates/`` (Jinja2, autoescaping on, so no text from an input file can
become markup), the style and script in ``static/``, inlined at render time. This module
prepares the values the templates show: what goes on each card, which cells are marked and how.
Two pieces of markup are written here, because a card has hundreds of them: the cells of the
grid (:func:`grid_cell_to_html`) and the lines of a text source (:func:`source_line_to_html`),
every value escaped as the templates escape it (:func:`escape_text`).

A card shows the grid jixiao read beside a *source pane*: the page images of a PDF
(``panes/pdf.html.j2``), the numbered lines of a text file (``panes/lines.html.j2``), or the
table of a web page, workbook or Word file at its own addresses (``panes/sheet.html.j2``). A new
kind of source gets its pane by a dataclass with a ``template`` name, a function from a
:class:`~jixiao.report.model.TableCard` to it in :data:`SOURCE_PANES`, and that template.
"""

from __future__ import annotations

import contextlib
import functools
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any, ClassVar

import jinja2
from markupsafe import Markup

from jixiao import __version__
from jixiao.core.problems import CODES, KINDS
from jixiao.export.labels_zh import READ_STATUS_ZH, basis_label, field_label, policy_label
from jixiao.extract.readers.blocks import column_letters, locator_to_place
from jixiao.extract.readers.crops import union_bbox
from jixiao.extract.readers.scan.read import OCR_READER
from jixiao.model.grid import Cell, Grid
from jixiao.model.pane import Crop
from jixiao.pipeline.locate import ProblemRow, is_missing
from jixiao.report.charts import HIGH_BARS, overview_to_charts
from jixiao.report.model import GRADES, NO_GRADE, SEVERITIES, Report, Summary, TableCard

SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}
_OMITTED_LISTED = 500
PAGE_TEMPLATE = "report.html.j2"


def number_text(value: Any) -> str:
    """A frame number as printed: no trailing zeros, empty for missing.

    >>> number_text(99.49), number_text(100.0), number_text(None)
    ('99.49', '100', '')
    """
    if is_missing(value):
        return ""
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)


def severity_name(severity: str) -> str:
    """The Chinese name of a severity, the code itself for an unknown one.

    >>> severity_name("error"), severity_name("fatal")
    ('错误', 'fatal')
    """
    return SEVERITY_NAMES.get(severity, severity)


def code_name(code: str) -> str:
    """A problem code's Chinese name (the registry's description), empty for an unknown one.

    >>> code_name("total_mismatch")
    '总分与复核值不符'
    """
    spec = CODES.get(code)
    return spec.description if spec is not None else ""


def code_label(code: str) -> str:
    """A code as a select option shows it: its Chinese name, the code after it.

    >>> code_label("missing_score"), code_label("new_code")
    ('得分为空（missing_score）', 'new_code')
    """
    name = code_name(code)
    return f"{name}（{code}）" if name else code


def _worst(severities: Iterable[str]) -> str:
    present = set(severities)
    return next((s for s in SEVERITIES if s in present), "")


# -- what the templates show --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Mark:
    """How an element about some problems is marked: the worst severity (its colour), the
    problems' rows (``data-problems``) and their messages; all empty for an unmarked element."""

    severity: str = ""
    problems: str = ""
    titles: tuple[str, ...] = ()  # "code: message" per problem

    @property
    def classes(self) -> str:
        """``hl sev-…`` for a marked element."""
        return f"hl sev-{self.severity}" if self.problems else ""

    @property
    def title(self) -> str:
        """The tooltip: one problem a line."""
        return "\n".join(self.titles)


@dataclass(frozen=True, slots=True)
class CodeRow:
    """One row of the summary's problems-by-code table: the count per severity, in order."""

    code: str
    counts: tuple[tuple[str, int], ...]
    total: int


@dataclass(frozen=True, slots=True)
class Filters:
    """The options of the filter bar's selects, as (value, text)."""

    codes: tuple[tuple[str, str], ...]
    severities: tuple[tuple[str, str], ...]
    files: tuple[tuple[str, str], ...]
    grades: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Omitted:
    """The note on tables left out by ``--report-limit``."""

    total: int
    count: int
    listed: str
    more: int


@dataclass(frozen=True, slots=True)
class GridRow:
    """A row of the grid: its number, where it was read, and its ``<td>`` elements
    (:func:`grid_cell_to_html`, an empty one where no cell covers a position)."""

    number: int
    where: str
    cells_html: Markup


@dataclass(frozen=True, slots=True)
class Box:
    """A highlight over a problem cell on a page image, placed in percent of the image."""

    mark: Mark
    style: str


@dataclass(frozen=True, slots=True)
class Figure:
    """One page image of a PDF table with its highlights."""

    src: str  # a data: URI
    width: int
    height: int
    page: int
    boxes: tuple[Box, ...]


@dataclass(frozen=True, slots=True)
class PdfPane:
    """The page images of the table's region."""

    template: ClassVar[str] = "panes/pdf.html.j2"
    figures: tuple[Figure, ...]
    heading: str = "PDF 原页（同一区域）"


@dataclass(frozen=True, slots=True)
class LinesPane:
    """The source lines of a text input the table was read from."""

    template: ClassVar[str] = "panes/lines.html.j2"
    lines: tuple[Markup, ...]  # one <div> a line (:func:`source_line_to_html`)


@dataclass(frozen=True, slots=True)
class SourceCell:
    """A cell of a web page, workbook or Word table as its file has it: the text shown, its
    address there (``自评表!H7``, ``table 2 R5C3``) and, for a spreadsheet, the stored value."""

    text: str
    classes: str
    problems: str
    rowspan: int
    colspan: int
    address: str
    title: str


@dataclass(frozen=True, slots=True)
class SourceRow:
    """A row of the source table, labelled by its row number in the file."""

    label: str
    cells: tuple[SourceCell | None, ...]


@dataclass(frozen=True, slots=True)
class SheetPane:
    """The table as a web page, workbook or Word file holds it: rows and columns labelled as
    in the file (sheet rows and column letters, table rows and columns), displayed values with
    the stored ones on hover, the lines read above it, problem cells marked."""

    template: ClassVar[str] = "panes/sheet.html.j2"
    caption: str
    heading: tuple[str, ...]
    columns: tuple[str, ...]
    rows: tuple[SourceRow, ...]


SourcePane = PdfPane | LinesPane | SheetPane


@dataclass(frozen=True, slots=True)
class NumberPair:
    """A total as printed in the table and as recomputed; ``differs`` when both are there and
    disagree."""

    label: str
    printed: str
    recomputed: str
    unit: str

    @property
    def differs(self) -> bool:
        return bool(self.printed and self.recomputed and self.printed != self.recomputed)


@dataclass(frozen=True, slots=True)
class ProblemItem:
    """A problem as listed on a card or among the file problems."""

    index: int
    code: str
    severity: str
    source_file: str
    where: str
    message: str
    expected: str
    found: str
    kind: str
    rule: str
    cell: str | None  # "row,col" (col empty for a whole row), None for the whole table

    @property
    def description(self) -> str:
        """The code's Chinese description (the problem registry)."""
        return code_name(self.code)

    @property
    def kind_name(self) -> str:
        """The kind of disagreement in Chinese (舍入差异 …)."""
        kind = KINDS.get(self.kind)
        return kind.zh if kind is not None else self.kind


@dataclass(frozen=True, slots=True)
class CardView:
    """One table's card."""

    number: int
    table_id: str
    kind: str
    worst: str
    file: str
    grade: str
    codes: str
    severities: str
    facts: tuple[str, ...]
    numbers: tuple[NumberPair, ...]
    indicators: str
    note: str
    grid: tuple[GridRow, ...] | None
    pane: SourcePane
    problems: tuple[ProblemItem, ...]
    read_status: str = "complete"

    @property
    def complete(self) -> bool:
        """Read completely: its printed numbers may be shown as wrong (red)."""
        return self.read_status == "complete"

    @property
    def severity_counts(self) -> tuple[tuple[str, int], ...]:
        """The card's problems per severity, worst first, those present: a badge each
        (``错误 1`` ``警告 28``, not ``错误 29``)."""
        counts = [(s, sum(p.severity == s for p in self.problems)) for s in SEVERITIES]
        return tuple((s, n) for s, n in counts if n)

    @property
    def read_status_name(self) -> str:
        """未完整读取 / 未能复核评分 (empty for a complete read)."""
        return "" if self.complete else READ_STATUS_ZH.get(self.read_status, self.read_status)


# -- summary ------------------------------------------------------------------------------------


def summary_to_code_rows(summary: Summary) -> tuple[CodeRow, ...]:
    """Problem counts per code and severity, the most frequent code first."""
    rows = []
    for code in {code for code, _ in summary.by_code}:
        counts = tuple((s, summary.by_code.get((code, s), 0)) for s in SEVERITIES)
        rows.append(CodeRow(code, counts, sum(n for _, n in counts)))
    return tuple(sorted(rows, key=lambda r: (-r.total, r.code)))


def report_to_filters(report: Report) -> Filters:
    codes = sorted({code for code, _ in report.summary.by_code})
    grades = [g for g in (*GRADES, NO_GRADE) if g in report.summary.by_grade]
    return Filters(
        codes=tuple((c, code_label(c)) for c in codes),
        severities=tuple((s, SEVERITY_NAMES[s]) for s in SEVERITIES),
        files=tuple((f, f) for f in report.files),
        grades=tuple((g, g) for g in grades),
    )


def report_to_omitted(report: Report) -> Omitted | None:
    if not report.omitted:
        return None
    listed = report.omitted[:_OMITTED_LISTED]
    return Omitted(
        total=len(report.cards) + len(report.omitted),
        count=len(report.omitted),
        listed="、".join(listed),
        more=len(report.omitted) - len(listed),
    )


def _place(problem: ProblemRow) -> list[str]:
    parts = []
    if problem.page is not None:
        parts.append(f"第{problem.page}页")
    if problem.line is not None:
        parts.append(f"第{problem.line}行")
    return parts


def problem_to_item(problem: ProblemRow, card: TableCard | None = None) -> ProblemItem:
    """A problem as listed: on its table's card (with the cell and rule), or file-level."""
    where = _place(problem)
    cell = None
    rule = ""
    if card is not None:
        ref = card.cells.get(problem.index)
        if ref is not None:
            where.append(f"r{ref.row}" + (f" c{ref.col}" if ref.col is not None else " 整行"))
            address = _address(card, ref.row, ref.col)
            if address:
                where.append(address)
            cell = f"{ref.row},{'' if ref.col is None else ref.col}"
        else:
            where.append("整张表")
        if problem.field:
            where.append(field_label(problem.field))
        rule = card.rules.get(problem.index, "")
    return ProblemItem(
        index=problem.index,
        code=problem.code,
        severity=problem.severity,
        source_file=problem.source_file,
        where=" · ".join(where) if card is not None else "·".join(where),  # file-level: 第3页·第5行
        message=problem.message,
        expected=problem.expected,
        found=problem.found,
        kind=problem.kind,
        rule=rule,
        cell=cell,
    )


def _address(card: TableCard, row: int, col: int | None) -> str:
    """The file's own address of a grid cell (``自评表!H7``), when the form has one."""
    if card.grid is None or col is None:
        return ""
    for cell in card.grid.cells:
        if cell.row <= row < cell.row + cell.rowspan and cell.col <= col < cell.col + cell.colspan:
            return cell.source.locator or ""
    return ""


# -- cards --------------------------------------------------------------------------------------


def _cell_marks(card: TableCard) -> dict[tuple[int, int | None], list[ProblemRow]]:
    """(row, col) → the problems about that cell; col None for a whole row."""
    marks: dict[tuple[int, int | None], list[ProblemRow]] = {}
    for problem in card.problems:
        ref = card.cells.get(problem.index)
        if ref is not None:
            marks.setdefault((ref.row, ref.col), []).append(problem)
    return marks


def _marks_of(
    marks: Mapping[tuple[int, int | None], list[ProblemRow]], row: int, col: int
) -> list[ProblemRow]:
    return [*marks.get((row, col), []), *marks.get((row, None), [])]


# The cells of the grid and the fields of the source lines are written here rather than by a
# template macro: a card has hundreds of them, and a macro call per cell cost ~3 ms a card (a
# third of a run over small text files). The markup is what the templates wrote, escaped as
# Jinja's autoescaping does (markupsafe: & < > ' " — a test holds the two equal).
_SPECIAL = re.compile("[&<>'\"]")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "'": "&#39;", '"': "&#34;"})
_NO_CELL = "<td class='nocell' title='无单元格'></td>\n"


def escape_text(text: str) -> str:
    """``text`` safe inside an element or a quoted attribute.

    >>> escape_text("<b class='x'>A&B</b>")
    '&lt;b class=&#39;x&#39;&gt;A&amp;B&lt;/b&gt;'
    """
    return text.translate(_ESCAPES) if _SPECIAL.search(text) else text  # most text has none


_NO_MARK = Mark()


def problems_to_mark(problems: Sequence[ProblemRow]) -> Mark:
    """The mark of an element about ``problems``: the worst severity decides the colour."""
    if not problems:
        return _NO_MARK
    return Mark(
        severity=_worst(p.severity for p in problems),
        problems=" ".join(str(p.index) for p in problems),
        titles=tuple(f"{p.code}: {p.message}" for p in problems),
    )


def grid_to_rows(grid: Grid, card: TableCard) -> tuple[GridRow, ...]:
    """The grid row by row: merged cells once at their anchor, an empty cell where none is."""
    marks = _cell_marks(card)
    firsts: dict[int, Cell] = {}
    for anchor in grid.cells:
        firsts.setdefault(anchor.row, anchor)
    rows = []
    for r, slots in enumerate(grid_to_slots(grid)):
        parts = []
        for c, cell in slots:
            if cell is None:
                parts.append(_NO_CELL)
            else:
                problems = _marks_of(marks, r, c) if marks else ()
                parts.append(grid_cell_to_html(cell, card.fields.get((r, c), ""), problems))
        rows.append(GridRow(r, _row_label(firsts.get(r)), Markup("".join(parts))))
    return tuple(rows)


def grid_to_slots(grid: Grid) -> list[list[tuple[int, Cell | None]]]:
    """What a table of the grid draws, row by row: ``(col, cell)`` at each merged or single
    cell's anchor, ``(col, None)`` where no cell is; positions inside a merge are left out (the
    anchor's spans cover them).

    >>> from jixiao.model.source import Source
    >>> wide = Cell(0, 0, "项目名称", Source("x"), colspan=2)
    >>> slots = grid_to_slots(Grid("x", "tsv", (wide,), 2, 2))
    >>> [[(c, cell.text if cell else None) for c, cell in row] for row in slots]
    [[(0, '项目名称')], [(0, None), (1, None)]]
    """
    anchors = {(c.row, c.col): c for c in grid.cells}
    covered = {
        (c.row + dr, c.col + dc)
        for c in grid.cells
        for dr in range(c.rowspan)
        for dc in range(c.colspan)
        if dr or dc
    }
    return [
        [
            (c, anchors.get((r, c)))
            for c in range(grid.n_cols)
            if (r, c) in anchors or (r, c) not in covered
        ]
        for r in range(grid.n_rows)
    ]


def _row_label(cell: Cell | None) -> str:
    if cell is None:
        return ""
    if cell.source.line is not None:
        return f"第{cell.source.line}行"
    if cell.source.page is not None:
        return f"第{cell.source.page}页"
    return cell.source.locator or ""


def grid_cell_to_html(cell: Cell, field: str, problems: Sequence[ProblemRow] = ()) -> str:
    """One ``<td>`` of the grid jixiao read: its spans, the problems about it (marked, and
    listed in its tooltip with its place and the field it was read as), its text escaped.
    (One string built in one go: a card has hundreds of cells, most of them unmarked.)"""
    merged = cell.rowspan > 1 or cell.colspan > 1
    title = f"r{cell.row} c{cell.col}"
    if merged:
        title += f" {cell.rowspan}×{cell.colspan}"
    if field:
        title += f" · 字段 {field}"
    attributes = ""
    if problems:
        mark = problems_to_mark(problems)
        title += "".join(f"\n{t}" for t in mark.titles)
        classes = f"{mark.classes} merged" if merged else mark.classes
        attributes = f" class='{escape_text(classes)}'"
    elif merged:
        attributes = " class='merged'"
    if cell.rowspan > 1:
        attributes += f" rowspan='{cell.rowspan}'"
    if cell.colspan > 1:
        attributes += f" colspan='{cell.colspan}'"
    if problems:
        attributes += f" data-problems='{escape_text(mark.problems)}'"
    source = cell.source
    if source.page is not None:
        attributes += f" data-page='{source.page}'"
    if source.line is not None:
        attributes += f" data-line='{source.line}'"
    return (
        f"<td{attributes} data-rc='{cell.row},{cell.col}' title='{escape_text(title)}'>"
        f"{escape_text(cell.text)}</td>\n"
    )


def card_to_pdf_pane(card: TableCard) -> PdfPane:
    """The page images with a box over every problem cell."""
    grid = card.grid
    if grid is None:
        return PdfPane(())
    marks = _cell_marks(card)
    anchors = {(c.row, c.col): c for c in grid.cells}
    figures = []
    for crop in card.crops:
        boxes = []
        for (row, col), problems in marks.items():
            cells = (
                [anchors[(row, col)]] if col is not None and (row, col) in anchors else []
            ) or ([c for c in grid.cells if c.row == row] if col is None else [])
            box = union_bbox(
                c.source.bbox
                for c in cells
                if c.source.page == crop.region.page and c.source.bbox is not None
            )
            if box is not None:
                boxes.append(Box(problems_to_mark(problems), _box_style(crop, box)))
        figures.append(
            Figure(crop.data_uri(), crop.width, crop.height, crop.region.page, tuple(boxes))
        )
    if card.kind == "image":  # a scan: the cells in doubt (ocr_low_confidence) are boxed too
        return PdfPane(tuple(figures), "扫描原图（同一区域）")
    if card.grid is not None and card.grid.reader == OCR_READER:
        return PdfPane(tuple(figures), "PDF 扫描页（同一区域）")
    return PdfPane(tuple(figures))


def _box_style(crop: Crop, box: tuple[float, float, float, float]) -> str:
    """CSS placing ``box`` (PDF points) over the crop's image, in percent."""
    x0, top, x1, bottom = crop.region.bbox
    width, height = max(x1 - x0, 1e-6), max(bottom - top, 1e-6)

    def pct(value: float) -> str:
        return f"{max(0.0, min(100.0, value * 100)):.2f}%"

    return (
        f"left:{pct((box[0] - x0) / width)};top:{pct((box[1] - top) / height)};"
        f"width:{pct((box[2] - box[0]) / width)};height:{pct((box[3] - box[1]) / height)}"
    )


def card_to_lines_pane(card: TableCard) -> LinesPane:
    """The source lines of a text input, tab-separated fields apart, problem fields marked."""
    grid = card.grid
    if grid is None or not card.lines:
        return LinesPane(())
    row_of_line = {c.source.line: c.row for c in grid.cells if c.source.line is not None}
    marks = _cell_marks(card)
    lines = []
    for number, text in card.lines:
        row = row_of_line.get(number)
        if row is None or not marks:
            lines.append(source_line_to_html(number, text))
        else:
            lines.append(source_line_to_html(number, text, marks.get((row, None), ()), row, marks))
    return LinesPane(tuple(lines))


def source_line_to_html(
    number: int,
    text: str,
    whole: Sequence[ProblemRow] = (),
    row: int | None = None,
    marks: Mapping[tuple[int, int | None], Sequence[ProblemRow]] | None = None,
) -> Markup:
    """A numbered source line of a text file as one ``<div>``: its tab-separated fields apart
    (→ for a tab), marked with the problems about the whole row (``whole``) and about each
    field's cell (``marks`` by (row, col) of the grid row ``row``).

    >>> source_line_to_html(3, "分值\\t<5>").count("<span class='tab'>→</span>&lt;5&gt;")
    1
    """
    mark = problems_to_mark(whole)
    classes = f"line {mark.classes}" if mark.classes else "line"
    parts = [f"<div class='{escape_text(classes)}'"]
    if mark.problems:
        parts.append(f" data-problems='{escape_text(mark.problems)}'")
    parts.append(f" data-line='{number}'><span class='ln'>{number}</span>")
    for col, field in enumerate(text.split("\t")):
        if col:
            parts.append("<span class='tab'>→</span>")
        problems = marks.get((row, col), ()) if marks is not None and row is not None else ()
        if problems:
            fmark = problems_to_mark(problems)
            parts.append(
                f"<mark class='{escape_text(fmark.classes)}'"
                f" data-problems='{escape_text(fmark.problems)}'>"
                f"{escape_text(field)}</mark>"
            )
        else:
            parts.append(escape_text(field))
    parts.append("</div>")
    return Markup("".join(parts))


_SCOPE_NAMES = {"html": "网页", "docx": "Word 文档"}


def card_to_sheet_pane(card: TableCard) -> SheetPane:
    """The source table of a web page, workbook or Word file at its own addresses."""
    grid = card.grid
    if grid is None:
        return SheetPane(_sheet_caption(card.kind, ()), (), (), ())
    places = {(c.row, c.col): locator_to_place(c.source.locator) for c in grid.cells}
    scopes = tuple(dict.fromkeys(p.scope for p in places.values() if p is not None))
    located = [
        (cell, place)
        for cell in sorted(grid.cells, key=lambda c: (c.row, c.col))
        if (place := places[cell.row, cell.col]) is not None
    ]
    offset, sheet = 0, False  # grid column + offset = the file's column
    if located:
        top_left, where = located[0]
        offset, sheet = where.col - top_left.col, not where.scope.startswith("table ")
    columns = tuple(
        column_letters(c + offset) if sheet else str(c + offset + 1) for c in range(grid.n_cols)
    )
    marks = _cell_marks(card)
    rows = []
    for r, slots in enumerate(grid_to_slots(grid)):
        row_place = next((p for (pr, _), p in places.items() if pr == r and p is not None), None)
        label = "" if row_place is None else str(row_place.row + 1)
        if row_place is not None and len(scopes) > 1:
            label = f"{_scope_name(row_place.scope)} {label}"
        cells = tuple(
            None if anchor is None else _source_cell(anchor, _marks_of(marks, r, c))
            for c, anchor in slots
        )
        rows.append(SourceRow(label, cells))
    heading = tuple(t for t in (grid.title, grid.year_text) if t)
    return SheetPane(_sheet_caption(card.kind, scopes), heading, columns, tuple(rows))


def _scope_name(scope: str) -> str:
    if scope.startswith("table "):
        return f"第{scope.removeprefix('table ')}个表格"
    return f"工作表“{scope}”"


def _sheet_caption(kind: str, scopes: Sequence[str]) -> str:
    where = "、".join(_scope_name(s) for s in scopes)
    what = _SCOPE_NAMES.get(kind, "工作簿")
    return f"源文件（{what}{where}，行号列号为原文件中的位置）"


def _source_cell(cell: Cell, problems: Sequence[ProblemRow]) -> SourceCell:
    mark = problems_to_mark(problems)
    address = cell.source.locator or ""
    title = address
    if cell.source.stored is not None:
        title += f" · 存储值 {cell.source.stored}"
    if cell.source.line is not None:
        title += f" · 第{cell.source.line}行"
    title += "".join(f"\n{t}" for t in mark.titles)
    merged = cell.rowspan > 1 or cell.colspan > 1
    return SourceCell(
        text=cell.text,
        classes=f"{mark.classes} merged".strip() if merged else mark.classes,
        problems=mark.problems,
        rowspan=cell.rowspan,
        colspan=cell.colspan,
        address=address,
        title=title,
    )


#: The source pane of each kind of input (``TableCard.kind``); other kinds show their lines.
SOURCE_PANES: Mapping[str, Callable[[TableCard], SourcePane]] = {
    "pdf": card_to_pdf_pane,
    "image": card_to_pdf_pane,
    "html": card_to_sheet_pane,
    "xlsx": card_to_sheet_pane,
    "xls": card_to_sheet_pane,
    "docx": card_to_sheet_pane,
}


def record_to_numbers(record: Mapping[str, Any]) -> tuple[NumberPair, ...]:
    """The totals printed in the table beside jixiao's recomputation, those present."""
    pairs = (
        ("执行率", "execution_rate_reported", "execution_rate", "%"),
        ("执行得分", "execution_score_reported", "execution_score", ""),
        ("分值合计", "weight_total_reported", "weight_total", ""),
        ("总分", "score_total_reported", "score_total", ""),
    )
    numbers = (
        NumberPair(label, number_text(record.get(a)), number_text(record.get(b)), unit)
        for label, a, b, unit in pairs
    )
    return tuple(n for n in numbers if n.printed or n.recomputed)


def policy_evidence(record: Mapping[str, Any]) -> str:
    """How sure the policy choice is, beside its name: how it was chosen, and how many printed
    numbers it and the runner-up reproduce.

    >>> policy_evidence({"policy_basis": "group of 6 tables", "numbers_printed": 10,
    ...                  "numbers_reproduced": 10, "policy_runner_up": "national",
    ...                  "runner_up_reproduced": 9})
    '政策依据：按同单位同年 6 张表推断，复核一致 10/10；次优 全国默认 9/10'
    >>> policy_evidence({"policy_basis": "given", "numbers_printed": 8, "numbers_reproduced": 7})
    '政策依据：指定规则，复核一致 7/8'
    """
    basis, printed = _known(record.get("policy_basis")), _known(record.get("numbers_printed"))
    if not basis or not printed:
        return ""
    same = _known(record.get("numbers_reproduced"))
    text = f"政策依据：{basis_label(basis)}，复核一致 {same}/{printed}"
    runner = _known(record.get("policy_runner_up"))
    if runner:
        runner_same = _known(record.get("runner_up_reproduced"))
        text += f"；次优 {policy_label(runner)} {runner_same}/{printed}"
    return text


def _known(value: Any) -> str:
    """A record's value as text; "" for a missing one (None, pandas' NA, NaN)."""
    return "" if is_missing(value) else str(value)


def record_to_facts(record: Mapping[str, Any]) -> tuple[str, ...]:
    """The table's project, department, year, reader … and where it is in its file."""
    facts = []
    for label, key in (
        ("项目名称", "project_name"),
        ("主管部门", "department"),
        ("实施单位", "implementing_unit"),
        ("年度", "year"),
        ("读取器", "reader"),
        ("政策", "policy"),
    ):
        value = record.get(key)
        if value not in (None, ""):
            named = policy_label(str(value)) if key == "policy" else str(value)
            facts.append(f"{label}：{named}" + (f"（{value}）" if named != str(value) else ""))
    evidence = policy_evidence(record)
    if evidence:
        facts.append(evidence)
    if record.get("page_start") is not None:
        start, end = record.get("page_start"), record.get("page_end") or record.get("page_start")
        facts.append(f"第{start}页" if start == end else f"第{start}–{end}页")
    if record.get("line_start") is not None:
        facts.append(f"自第{record.get('line_start')}行")
    return tuple(facts)


def card_to_view(card: TableCard, number: int) -> CardView:
    """Everything one card shows, ready for ``card.html.j2``."""
    record = card.record
    source_file = record.get("source_file")
    return CardView(
        number=number,
        table_id=card.table_id,
        kind=card.kind,
        worst=card.worst,
        file="" if source_file is None else str(source_file),
        grade=str(record.get("grade") or NO_GRADE),
        codes=" ".join(sorted({p.code for p in card.problems})),
        severities=" ".join(s for s in SEVERITIES if any(p.severity == s for p in card.problems)),
        facts=record_to_facts(record),
        numbers=record_to_numbers(record),
        indicators=number_text(record.get("indicator_count")),
        note=card.note,
        grid=grid_to_rows(card.grid, card) if card.grid is not None else None,
        pane=SOURCE_PANES.get(card.kind, card_to_lines_pane)(card),
        problems=tuple(problem_to_item(p, card) for p in card.problems),
        read_status=str(record.get("read_status") or "complete"),
    )


_UNNUMBERED = " id='t0' "  # in a card's first tag, before any text from its input


def card_to_html(card: TableCard, number: int) -> Markup:
    """One card's markup (``card.html.j2``) as card ``number`` of the page: drawn now, or taken
    from ``card.html`` (drawn as card 0 when its table arrived, :func:`draw_card`) and
    numbered."""
    if card.html:
        return Markup(card.html.replace(_UNNUMBERED, f" id='t{number}' ", 1))
    return Markup(load_card()(card_to_view(card, number)))


def draw_card(card: TableCard) -> str:
    """A card's markup before its number is known (card 0): a run draws the cards it may show
    while its files are read, and :func:`card_to_html` numbers them."""
    html = str(card_to_html(card, 0))
    if _UNNUMBERED not in html:
        raise ValueError(f"card.html.j2 no longer writes {_UNNUMBERED!r} in a card's first tag")
    return html


@functools.cache
def load_card() -> Callable[[CardView], str]:
    """The ``card_section`` macro of ``card.html.j2``, as a function."""
    module = environment().get_template("card.html.j2").module
    macro: Callable[[CardView], str] = getattr(module, "card_section")  # noqa: B009 - a macro
    return macro


# -- page ---------------------------------------------------------------------------------------


class TemplateCache(jinja2.FileSystemBytecodeCache):
    """The templates compiled once and kept between runs, as Python keeps its own bytecode:
    compiling them takes ~45 ms of every run that writes a report, loading them ~3 ms. Jinja's
    own cache (a folder of the user's alone in the temporary folder, each file checked against
    its template's source and Jinja's version, written whole or not at all); read where
    present, written unless Python is told not to write bytecode (``PYTHONDONTWRITEBYTECODE``,
    ``-B``). A file that cannot be read, or written, is compiled as before: the report is the
    same either way."""

    @classmethod
    def made(cls, directory: str | None = None) -> TemplateCache | None:
        """The cache (in ``directory``, or Jinja's folder); ``None`` where no folder of this
        user's alone can be had (templates compiled each run)."""
        try:
            return cls(directory)
        except (OSError, RuntimeError):
            return None

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a damaged file: compiled again (and written again)
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if not sys.dont_write_bytecode:
            with contextlib.suppress(OSError):  # a full or read-only disk: compiled next time
                super().dump_bytecode(bucket)


@functools.cache
def environment() -> jinja2.Environment:
    """The templates' environment, made once: autoescaping on for every template, an unknown
    name in a template an error, the compiled templates kept between runs
    (:class:`TemplateCache`)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("jixiao.report", "templates"),
        autoescape=True,  # every template writes HTML (the .j2 suffix hides that from select_…)
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=TemplateCache.made(),
    )
    env.filters["severity_name"] = severity_name
    env.filters["code_name"] = code_name
    env.globals["SEVERITIES"] = SEVERITIES
    env.globals["READ_STATUSES"] = READ_STATUS_ZH
    return env


@functools.cache
def static_text(name: str) -> str:
    """One of our own files in ``static/`` to inline in the page (not input data)."""
    text = (resources.files("jixiao.report") / "static" / name).read_text(encoding="utf-8")
    if "</" in text:  # would end the <style>/<script> element early
        raise ValueError(f"static/{name} must not contain '</'")
    return text


def report_to_html(report: Report) -> str:
    """The whole page."""
    return "".join(report_to_html_pieces(report))


class _NumberedCards:
    """The cards' markup for the page, numbered as the page is written: one card's numbered
    copy at a time, not a second copy of every card's markup (the page counts them and
    writes them once)."""

    def __init__(self, cards: Sequence[TableCard]) -> None:
        self._cards = cards

    def __len__(self) -> int:
        return len(self._cards)

    def __iter__(self) -> Iterator[Markup]:
        return (card_to_html(card, n) for n, card in enumerate(self._cards, start=1))


def report_to_html_pieces(report: Report) -> Iterator[str]:
    """The whole page in the pieces Jinja renders it in (their concatenation is
    :func:`report_to_html`): written piece by piece, a page of many megabytes is never held
    whole, as a string and again as the bytes written (~25 MB at a run's end)."""
    page = environment().get_template(PAGE_TEMPLATE)
    return page.generate(
        report=report,
        summary=report.summary,
        code_rows=summary_to_code_rows(report.summary),
        file_problems=tuple(problem_to_item(p) for p in report.file_problems),
        filters=report_to_filters(report),
        omitted=report_to_omitted(report),
        cards=_NumberedCards(report.cards),
        version=__version__,
        overview=report.overview,
        charts=overview_to_charts(
            report.overview.totals,
            report.overview.scatter,
            report.overview.targets,
            report.overview.heat,
            code_name,
        ),
        high=sum(b.count for b in report.overview.totals.bars if b.label in HIGH_BARS),
        css=static_text("report.css"),
        script=static_text("report.js"),
    )
