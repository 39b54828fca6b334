"""Web pages (``.html``/``.htm``) → grids: every 自评表 a page shows, exactly as marked up.

Government sites publish 自评表 as HTML tables inside articles, often GBK-encoded, exported
from Word or Excel (``<p class=MsoNormal><span>…</span></p>`` in every cell), with rowspan and
colspan, several tables a page, and layout tables around the content. The steps:

1. :func:`bytes_to_markup`: the encoding from the page itself: a byte-order mark, else the
   ``<meta charset>`` / ``http-equiv`` declaration (found by parsing the page's head; GB2312
   and GBK read as their superset GB18030), else UTF-8 when it decodes, else
   charset-normalizer's guess;
2. :func:`markup_to_blocks` (lxml's HTML parser): the page in reading order as paragraphs
   (text outside tables, one per block element or ``<br>`` line) and tables. A table with a
   table inside it is a layout table (unless its own cells are a 自评表): its cells are read
   as paragraphs and its inner tables as tables; so is a table of one column. Rowspan and
   colspan are placed by the HTML table model; ``<br>`` and ``<p>``/``<div>`` inside a cell
   are line breaks; white space is collapsed as a browser does and ``&nbsp;`` is a space;
   scripts, styles, comments and hidden elements are skipped;
3. :func:`~jixiao.extract.readers.blocks.blocks_to_grids`: title and year from the lines above each
   table, title rows inside a table, several 自评表 in one table.

Each cell's :class:`~jixiao.model.source.Source` has the line of its ``<td>`` in the page and a
locator ``table 2 R5C3``: the page's 2nd ``<table>`` element (counting every table, layout
ones too, in document order), row 5, column 3 of that table's grid (1-based).
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from typing import Final

import charset_normalizer
import lxml.etree
import lxml.html
import regex

from jixiao.core.problems import make_problem
from jixiao.core.vocabulary import is_self_evaluation
from jixiao.extract.readers import Reading, ReadSettings, SourceFile
from jixiao.extract.readers.blocks import (
    Block,
    Paragraph,
    SourceTable,
    blocks_to_grids,
    table_locator,
    unreadable_problem,
)
from jixiao.extract.readers.limits import check_cells, count_cells
from jixiao.model.grid import Cell
from jixiao.model.source import Problem, Source

READER = "lxml"
_PRESCAN_BYTES = 4096
_MAX_DEPTH = 300  # deeper than this (junk pages), an element's text is read flat
_MAX_SPAN = 1000  # rowspan/colspan beyond this are taken as this (as browsers clamp them)

# Elements whose content is never shown.
_SKIPPED: Final = frozenset(
    {"head", "script", "style", "noscript", "template", "select", "option", "textarea", "iframe"}
)
# Elements that start and end a line of text.
_BLOCKS: Final = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
        "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1",
        "h2", "h3", "h4", "h5", "h6", "header", "hr", "html", "li", "main", "nav", "ol", "p",
        "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
# HTML white space (not the no-break or ideographic space, which are characters of the text).
_HTML_SPACE: Final = regex.compile(r"[ \t\n\r\f]+")
_LEADING_DIGITS: Final = regex.compile(r"^\s*(\d+)")
_HIDDEN_STYLE: Final = regex.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", regex.I)
# Labels of the GB family, read as GB18030 (a superset: GB2312 pages use GBK characters).
_GB_FAMILY: Final = frozenset({"gb2312", "gbk", "gb18030", "cp936", "x-gbk", "euc-cn", "hz"})
_SINGLE_BYTE: Final = frozenset({"latin-1", "iso8859-1", "cp1252", "ascii"})


def webpage_to_extraction(data: bytes, *, file: str) -> Reading:
    """Read every table of a web page; never raises for a bad page."""
    if not data.strip():
        return Reading((), (_problem(file, "empty_file", "文件为空"),))
    text, _ = bytes_to_markup(data)
    if "\x00" in text[:8192]:
        return Reading((), (unreadable_problem(file, "网页", "不是文本（二进制数据）"),))
    try:
        root = lxml.html.document_fromstring(
            text.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8")
        )
    except (lxml.etree.ParserError, ValueError) as error:
        return Reading((), (unreadable_problem(file, "网页", str(error)),))
    blocks = markup_to_blocks(root, file=file)
    grids = [
        grid
        for grid in blocks_to_grids(blocks, file=file, source_kind="html", reader=READER)
        if grid.n_rows >= 2 and grid.n_cols >= 2
    ]
    return Reading(tuple(grids))


def read_html_file(source: SourceFile, settings: ReadSettings) -> Reading:
    """A web page read into grids (the reader registered for ``html``), once its cells are
    counted (:data:`CELL_MARKERS`) and found within the limits."""
    cells = count_cells(_lowered(source.data), CELL_MARKERS)
    check_cells(cells, file=source.name, what="网页", limits=settings.limits)
    return webpage_to_extraction(source.data, file=source.name)


#: How a cell starts in markup (any case): ``<td`` and ``<th`` (a ``<thead>`` counts once
#: per table, which the limit can afford).
CELL_MARKERS = (b"<td", b"<th")


def _lowered(data: bytes, size: int = 1 << 20) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size].lower()


def _problem(file: str, code: str, message: str) -> Problem:
    return make_problem(code, f"无法读取网页 {file}：{message}", Source(file))


def bytes_to_markup(data: bytes) -> tuple[str, str]:
    """Decode a page by what it says about itself; returns the text and the encoding used.

    >>> page = '<meta charset="gb2312"><p>绩效自评表</p>'.encode("gbk")
    >>> bytes_to_markup(page)
    ('<meta charset="gb2312"><p>绩效自评表</p>', 'gb18030')
    >>> bytes_to_markup("<p>项目名称</p>".encode())[1]
    'utf-8'
    """
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace"), encoding
    declared = _declared_encoding(data[:_PRESCAN_BYTES])
    if declared is not None:
        try:
            text = data.decode(declared)
        except UnicodeDecodeError:
            pass
        else:
            if declared in _SINGLE_BYTE and not data.isascii():
                try:  # a page declared Latin-1 that is really UTF-8 (a common slip)
                    return data.decode("utf-8"), "utf-8"
                except UnicodeDecodeError:
                    pass
            return text, declared
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is not None and best.encoding:
        encoding = _codec_name(best.encoding) or best.encoding
        return data.decode(encoding, errors="replace"), encoding
    return data.decode("gb18030", errors="replace"), "gb18030"


def _declared_encoding(head: bytes) -> str | None:
    """The encoding a page's ``<meta>`` declares, as a Python codec name."""
    try:
        root = lxml.html.document_fromstring(
            head, parser=lxml.html.HTMLParser(encoding="iso-8859-1")
        )
    except (lxml.etree.ParserError, ValueError):
        return None
    for meta in root.iter("meta"):
        label = meta.get("charset")
        if label is None and (meta.get("http-equiv") or "").casefold() == "content-type":
            content = meta.get("content") or ""
            _, found, label = content.casefold().partition("charset=")
            label = label.strip(" '\";") if found else None
        if label:
            name = _codec_name(label.strip())
            if name is not None:
                return name
    return None


def _codec_name(label: str) -> str | None:
    """A codec name for an encoding label; the GB family is GB18030.

    >>> _codec_name("GB2312"), _codec_name("utf8"), _codec_name("x-gbk"), _codec_name("nope")
    ('gb18030', 'utf-8', 'gb18030', None)
    """
    label = label.strip().casefold()
    if label in _GB_FAMILY:
        return "gb18030"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if name in _GB_FAMILY:
        return "gb18030"
    if name == "big5":
        return "big5hkscs"
    return name


def markup_to_blocks(root: lxml.html.HtmlElement, *, file: str) -> list[Block]:
    """The page in reading order: paragraphs of text and data tables (see the module doc)."""
    walker = _Walker(file)
    walker.walk(root, 0)
    walker.flush()
    return walker.blocks


class _Walker:
    """Collects blocks while walking the element tree in document order."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.blocks: list[Block] = []
        self.buffer: list[str] = []
        self.buffer_line: int | None = None
        self.tables = 0

    def flush(self) -> None:
        text = _collapse("".join(self.buffer))
        if text:
            self.blocks.append(Paragraph(text, Source(self.file, line=self.buffer_line)))
        self.buffer = []
        self.buffer_line = None

    def add(self, text: str | None, line: int | None) -> None:
        if text:
            if self.buffer_line is None and text.strip():
                self.buffer_line = line
            self.buffer.append(text)

    def walk(self, element: lxml.html.HtmlElement, depth: int) -> None:
        tag = _tag(element)
        if tag is None or tag in _SKIPPED or _hidden(element):
            return
        if depth > _MAX_DEPTH:
            self.add(" ".join(element.itertext()), element.sourceline)
            return
        if tag == "br":
            self.flush()
            return
        if tag == "table":
            self.tables += 1
            if not _is_layout(element):
                self.flush()
                self.table(element, self.tables)
                # tables inside its cells are part of their cells' text, but keep their number
                self.tables += sum(
                    1 for inner in element.iterdescendants() if _tag(inner) == "table"
                )
                return
        block = tag in _BLOCKS
        if block:
            self.flush()
        self.add(element.text, element.sourceline)
        for child in element:
            self.walk(child, depth + 1)
            self.add(child.tail, child.sourceline)
        if block:
            self.flush()

    def table(self, element: lxml.html.HtmlElement, index: int) -> None:
        for caption in element.findall("caption"):
            text = cell_text(caption)
            if text:
                self.blocks.append(Paragraph(text, Source(self.file, line=caption.sourceline)))
        cells, n_rows, n_cols = _place(element, self.file, index)
        source = Source(self.file, line=element.sourceline, locator=f"table {index}")
        self.blocks.append(SourceTable(tuple(cells), n_rows, n_cols, source))


def _tag(element: lxml.html.HtmlElement) -> str | None:
    """The lower-case local tag name; None for comments and processing instructions."""
    tag = element.tag
    if not isinstance(tag, str):
        return None
    return tag.rpartition("}")[2].rpartition(":")[2].lower()


def _hidden(element: lxml.html.HtmlElement) -> bool:
    if element.get("hidden") is not None:
        return True
    style = element.get("style")
    return bool(style) and _HIDDEN_STYLE.search(style or "") is not None


def _rows(table: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The table's own rows (not those of tables inside it), in document order."""
    rows = []
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows.extend(row for row in child if _tag(row) == "tr")
    return [row for row in rows if not _hidden(row)]


def _cells(row: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    return [cell for cell in row if _tag(cell) in ("td", "th") and not _hidden(cell)]


def _is_layout(table: lxml.html.HtmlElement) -> bool:
    """A table holding another table (unless its own cells are a 自评表), or of one column:
    layout, read as paragraphs."""
    if any(_tag(inner) == "table" for inner in table.iterdescendants()):
        own = ["".join(_own_text(cell)) for row in _rows(table) for cell in _cells(row)]
        return not is_self_evaluation(own)
    for row in _rows(table):
        cells = _cells(row)
        if len(cells) > 1 or (cells and _span(cells[0], "colspan") > 1):
            return False
    return True


def _own_text(element: lxml.html.HtmlElement) -> Iterator[str]:
    """The text of an element outside the tables inside it."""
    yield element.text or ""
    for child in element:
        if _tag(child) != "table":
            yield from _own_text(child)
        yield child.tail or ""


def _span(cell: lxml.html.HtmlElement, name: str) -> int:
    """A rowspan or colspan as browsers read it; 0 for ``rowspan="0"`` (to the last row)."""
    match = _LEADING_DIGITS.match(cell.get(name) or "")
    value = int(match.group(1)) if match else 1
    if value == 0 and name == "rowspan":
        return 0
    return min(max(value, 1), _MAX_SPAN)


def _place(table: lxml.html.HtmlElement, file: str, index: int) -> tuple[list[Cell], int, int]:
    """Cells at their grid positions by the HTML table model (rowspan/colspan)."""
    rows = _rows(table)
    n_rows = len(rows)
    taken: set[tuple[int, int]] = set()
    cells: list[Cell] = []
    n_cols = 0
    for r, row in enumerate(rows):
        c = 0
        for element in _cells(row):
            while (r, c) in taken:
                c += 1
            rowspan = _span(element, "rowspan")
            rowspan = n_rows - r if rowspan == 0 else min(rowspan, n_rows - r)
            colspan = _span(element, "colspan")
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken.add((r + dr, c + dc))
            source = Source(
                file,
                line=element.sourceline,
                row=r,
                col=c,
                locator=table_locator(index, r, c),
            )
            cells.append(Cell(r, c, cell_text(element), source, rowspan, colspan))
            c += colspan
            n_cols = max(n_cols, c)
    n_cols = max([n_cols, *(col + 1 for _, col in taken)])
    return cells, n_rows, n_cols


def cell_text(element: lxml.html.HtmlElement) -> str:
    """A cell's text as a browser shows it: ``<br>`` and block elements break lines, white space
    collapses, ``&nbsp;`` is a space; blank lines are dropped.

    >>> cell_text(lxml.html.fragment_fromstring(
    ...     '<td><p><span>项目资金</span><br><span>(</span>万元<span>)</span></p>'
    ...     '<p>&nbsp;</p></td>'))
    '项目资金\\n(万元)'
    """
    lines = "".join(_cell_pieces(element, 0)).split("\n")
    return "\n".join(line for line in map(_collapse, lines) if line)


def _cell_pieces(element: lxml.html.HtmlElement, depth: int) -> Iterator[str]:
    if element.text:
        yield _HTML_SPACE.sub(" ", element.text)  # a line break in the source is a space
    for child in element:
        tag = _tag(child)
        if tag is not None and tag not in _SKIPPED and not _hidden(child):
            if tag == "br":
                yield "\n"
            elif tag in _BLOCKS:
                yield "\n"
                yield from _child_pieces(child, depth)
                yield "\n"
            else:
                yield from _child_pieces(child, depth)
        if child.tail:
            yield _HTML_SPACE.sub(" ", child.tail)


def _child_pieces(child: lxml.html.HtmlElement, depth: int) -> Iterator[str]:
    if depth < _MAX_DEPTH:
        yield from _cell_pieces(child, depth + 1)
    else:
        yield _HTML_SPACE.sub(" ", " ".join(child.itertext()))


def _collapse(text: str) -> str:
    """HTML white space collapsed to one space, no-break spaces as spaces, ends trimmed."""
    return _HTML_SPACE.sub(" ", text.replace("\u00a0", " ")).strip(" ")
