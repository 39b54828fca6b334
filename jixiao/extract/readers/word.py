"""Word files (``.docx``, python-docx) → grids: the document's tables with their real merges.

The body is read in order (content controls included) as paragraphs and tables. A table's
cells are placed on its column grid: ``w:gridBefore`` skips columns, ``w:gridSpan`` is a
colspan, and a ``w:vMerge`` run (``restart`` then continuation cells) is one cell with a
rowspan. The paragraphs inside a cell are its lines (joined by line breaks); a continuation
cell that holds text, against Word's rules, adds its lines to the merged cell rather than
losing them. :func:`~jixiao.extract.readers.blocks.blocks_to_grids` takes each table's title and
year from the paragraphs above it.

Each cell's :class:`~jixiao.model.source.Source` has the locator ``table 2 R5C3``: the
document's 2nd table (body tables, in order), row 5, grid column 3 (1-based).

A damaged file or one that is not a ``.docx`` comes back as one ``unreadable_file`` problem.
"""

from __future__ import annotations

import dataclasses
import io
import zipfile
from collections.abc import Iterator
from typing import Any

import docx
import lxml.etree
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph as DocxParagraph

from jixiao.extract.readers import Reading, ReadSettings, SourceFile
from jixiao.extract.readers.blocks import (
    Block,
    Paragraph,
    SourceTable,
    blocks_to_grids,
    table_locator,
    unreadable_problem,
)
from jixiao.extract.readers.limits import DOCX_CELLS, check_zip
from jixiao.model.grid import Cell
from jixiao.model.source import Source

READER = "python-docx"
_WHAT = "Word 文档"
_P, _TBL, _SDT, _SDT_CONTENT = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:sdtContent")
_TR, _TC, _VAL = qn("w:tr"), qn("w:tc"), qn("w:val")


def docx_to_extraction(data: bytes, *, file: str) -> Reading:
    """Read every table of a ``.docx``; never raises for a bad file."""
    try:
        document = docx.Document(io.BytesIO(data))
    except (
        zipfile.BadZipFile,
        PackageNotFoundError,
        KeyError,
        ValueError,
        lxml.etree.XMLSyntaxError,
    ) as error:
        reason = f"文件已损坏或不是 .docx 文档（{error or type(error).__name__}）"
        return Reading((), (unreadable_problem(file, _WHAT, reason),))
    blocks = body_to_blocks(document.element.body, file=file)
    grids = blocks_to_grids(blocks, file=file, source_kind="docx", reader=READER)
    return Reading(tuple(grids))


def read_docx_file(source: SourceFile, settings: ReadSettings) -> Reading:
    """A Word file read into grids (the reader registered for ``docx``), once it passes the
    limits (:func:`~jixiao.extract.readers.limits.check_zip`)."""
    check_zip(source.data, file=source.name, limits=settings.limits, cells=DOCX_CELLS)
    return docx_to_extraction(source.data, file=source.name)


def body_to_blocks(body: Any, *, file: str) -> list[Block]:
    """The body's paragraphs and tables, in order."""
    blocks: list[Block] = []
    tables = 0
    for element in _body_items(body):
        if element.tag == _P:
            blocks.append(Paragraph(_paragraph_text(element), Source(file)))
        else:
            tables += 1
            blocks.append(table_to_source(element, file=file, index=tables))
    return blocks


def _body_items(element: Any) -> Iterator[Any]:
    for child in element.iterchildren():
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag == _SDT:
            for content in child.iterchildren(_SDT_CONTENT):
                yield from _body_items(content)


def _paragraph_text(p: Any) -> str:
    return str(DocxParagraph(p, None).text)  # type: ignore[arg-type]  # no part needed for text


def table_to_source(tbl: Any, *, file: str, index: int) -> SourceTable:
    """A ``w:tbl`` as anchored cells: gridSpan → colspan, a vMerge run → rowspan."""
    cells: list[Cell] = []
    # the cell each grid column's vertical merge continues: (index in cells, its column)
    open_merges: dict[int, int] = {}
    n_rows = 0
    n_cols = 0
    for r, tr in enumerate(tbl.iterchildren(_TR)):
        n_rows = r + 1
        col = _grid_before(tr)
        continued: dict[int, int] = {}
        for tc in tr.iterchildren(_TC):
            span = _int_attr(tc, "w:tcPr/w:gridSpan")
            merge = _v_merge(tc)
            text = _cell_text(tc)
            if merge == "continue" and col in open_merges:
                k = open_merges[col]
                anchor = cells[k]
                joined = anchor.text + "\n" + text if text else anchor.text
                cells[k] = dataclasses.replace(anchor, rowspan=r - anchor.row + 1, text=joined)
                continued[col] = k
            else:
                source = Source(file, row=r, col=col, locator=table_locator(index, r, col))
                cells.append(Cell(r, col, text, source, 1, span))
                if merge == "restart":
                    continued[col] = len(cells) - 1
            col += span
            n_cols = max(n_cols, col)
        open_merges = continued
    source = Source(file, locator=f"table {index}")
    return SourceTable(tuple(cells), n_rows, n_cols, source)


def _grid_before(tr: Any) -> int:
    return _int_attr(tr, "w:trPr/w:gridBefore", default=0)


def _int_attr(element: Any, path: str, *, default: int = 1) -> int:
    found = element.find(_qualified(path))
    if found is None:
        return default
    try:
        return max(int(found.get(_VAL, default)), 0 if default == 0 else 1)
    except ValueError:
        return default


def _v_merge(tc: Any) -> str | None:
    """``restart``, ``continue`` or None (no vertical merge)."""
    found = tc.find(_qualified("w:tcPr/w:vMerge"))
    if found is None:
        return None
    return "restart" if found.get(_VAL) == "restart" else "continue"


def _qualified(path: str) -> str:
    return "/".join(qn(part) for part in path.split("/"))


def _cell_text(tc: Any) -> str:
    """The cell's paragraphs as lines (nested tables' cells as further lines), blank lines out."""
    lines: list[str] = []
    for element in tc.iter(_P):
        text = _paragraph_text(element).strip()
        if text:
            lines.append(text)
    return "\n".join(lines)
