"""Workbooks (``.xlsx`` with openpyxl, ``.xls`` with xlrd) → grids, values as displayed.

Every visible worksheet is one :class:`~jixiao.extract.readers.blocks.SourceTable` (its used range,
merged ranges as spans); :func:`~jixiao.extract.readers.blocks.blocks_to_grids` then takes the title
and year rows above each table and splits a sheet that holds several 自评表. Hidden sheets
(lookup lists, templates) are not read.

A cell's text is what the spreadsheet shows
(:func:`~jixiao.extract.readers.number_format.value_to_text`):
a 0.9949 formatted ``0.00%`` is ``99.49%``, a stored 100.0 is ``100``, a date is shown by its
format; formulas give their cached result. Each cell's :class:`~jixiao.model.source.Source` has
the locator ``<sheet>!<cell>`` (``自评表!H7``) and, where the text shown differs from the
stored value, that value and its format (``0.9949 [0.00%]``).

A damaged file, a password-protected workbook or a file that is not a workbook comes back as
one ``unreadable_file`` problem.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterator
from typing import Any
from xml.etree import ElementTree

import openpyxl
import xlrd
from openpyxl.utils.exceptions import InvalidFileException
from xlrd.biffh import XLRDError
from xlrd.compdoc import CompDocError

from jixiao.extract.readers import Reading, ReadSettings, SourceFile
from jixiao.extract.readers.blocks import (
    SourceTable,
    blocks_to_grids,
    sheet_locator,
    unreadable_problem,
)
from jixiao.extract.readers.limits import XLSX_CELLS, check_zip
from jixiao.extract.readers.number_format import ZH_CN_BUILTIN_FORMATS, value_to_text
from jixiao.model.grid import Cell
from jixiao.model.source import Source

XLSX_READER = "openpyxl"
XLS_READER = "xlrd"
_WHAT = "Excel 工作簿"
_MAX_FILLED = 200_000  # cells; a larger used range keeps only the cells the file holds


def xlsx_to_extraction(data: bytes, *, file: str) -> Reading:
    """Read every visible sheet of an ``.xlsx`` workbook; never raises for a bad file."""
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (
        zipfile.BadZipFile,
        InvalidFileException,
        KeyError,
        OSError,
        ValueError,
        ElementTree.ParseError,  # broken XML, or entities expanded past expat's limit
    ) as error:
        return Reading((), (unreadable_problem(file, _WHAT, _reason(error)),))
    tables = [
        _xlsx_sheet_to_table(sheet, file)
        for sheet in book.worksheets
        if sheet.sheet_state == "visible"
    ]
    grids = blocks_to_grids(tables, file=file, source_kind="xlsx", reader=XLSX_READER)
    return Reading(tuple(grids))


def read_xlsx_file(source: SourceFile, settings: ReadSettings) -> Reading:
    """An ``.xlsx`` workbook read into grids (the reader registered for ``xlsx``), once it
    passes the limits (:func:`~jixiao.extract.readers.limits.check_zip`)."""
    check_zip(source.data, file=source.name, limits=settings.limits, cells=XLSX_CELLS)
    return xlsx_to_extraction(source.data, file=source.name)


def xls_to_extraction(data: bytes, *, file: str) -> Reading:
    """Read every visible sheet of an ``.xls`` (BIFF) workbook; never raises for a bad file."""
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True)
    except (XLRDError, CompDocError, AssertionError, IndexError) as error:
        return Reading((), (unreadable_problem(file, _WHAT, _reason(error)),))
    except (ValueError, KeyError, TypeError) as error:  # xlrd on truncated records
        return Reading((), (unreadable_problem(file, _WHAT, _reason(error)),))
    tables = [
        _xls_sheet_to_table(book, sheet, file) for sheet in book.sheets() if sheet.visibility == 0
    ]
    grids = blocks_to_grids(tables, file=file, source_kind="xls", reader=XLS_READER)
    return Reading(tuple(grids))


def read_xls_file(source: SourceFile, settings: ReadSettings) -> Reading:
    """An ``.xls`` workbook read into grids (the reader registered for ``xls``)."""
    return xls_to_extraction(source.data, file=source.name)


def _reason(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    if "encrypted" in text.casefold():
        return "工作簿有密码保护（加密），请去掉密码后另存再读"
    if isinstance(error, zipfile.BadZipFile | InvalidFileException):
        return f"文件已损坏或不是 .xlsx 工作簿（{text}）"
    return f"文件已损坏或格式不对（{text}）"


def stored_text(value: object, number_format: str, shown: str) -> str | None:
    """The stored value and its format, where the text shown differs from it.

    >>> stored_text(0.9949, "0.00%", "99.49%"), stored_text("x", "General", "x")
    ('0.9949 [0.00%]', None)
    """
    if value is None or (isinstance(value, str) and value == shown):
        return None
    if isinstance(value, dt.datetime | dt.date | dt.time | dt.timedelta):
        plain = value.isoformat() if not isinstance(value, dt.timedelta) else str(value)
    else:
        plain = str(value)
    if plain == shown:
        return None
    return f"{plain} [{number_format}]"


def _used_range(
    positions: set[tuple[int, int]], spans: dict[tuple[int, int], tuple[int, int]]
) -> tuple[int, int]:
    n_rows = max((r + spans.get((r, c), (1, 1))[0] for r, c in positions), default=0)
    n_cols = max((c + spans.get((r, c), (1, 1))[1] for r, c in positions), default=0)
    return n_rows, n_cols


def _every_cell(
    positions: set[tuple[int, int]], covered: set[tuple[int, int]], n_rows: int, n_cols: int
) -> set[tuple[int, int]]:
    """Every position of the used range that is not under a merged range: a sheet's empty
    cells are cells (``""``), as in a text export, not missing ones. A degenerate used range
    (a stray value far out) is not filled."""
    if n_rows * n_cols > _MAX_FILLED:
        return positions
    return positions | {
        (r, c) for r in range(n_rows) for c in range(n_cols) if (r, c) not in covered
    }


def _sheet_to_table(
    file: str,
    sheet_name: str,
    filled: set[tuple[int, int]],
    spans: dict[tuple[int, int], tuple[int, int]],
    covered: set[tuple[int, int]],
    value_at: Callable[[int, int], tuple[object, str]],
) -> SourceTable:
    """A sheet's cells as a table, whichever library read it: ``filled`` the positions holding
    a value, ``spans`` the merged ranges at their anchors, ``covered`` every position inside
    one, ``value_at`` a position's stored value and number format."""
    positions = filled | set(spans)
    n_rows, n_cols = _used_range(positions, spans)
    cells: list[Cell] = []
    for r, c in sorted(_every_cell(positions, covered, n_rows, n_cols)):
        if (r, c) in covered and (r, c) not in spans:
            continue  # a value hidden under a merged range: the anchor's text is shown
        value, number_format = value_at(r, c)
        text = value_to_text(value, number_format)
        rowspan, colspan = spans.get((r, c), (1, 1))
        source = Source(
            file,
            row=r,
            col=c,
            locator=sheet_locator(sheet_name, r, c),
            stored=stored_text(value, number_format, text),
        )
        cells.append(Cell(r, c, text, source, rowspan, colspan))
    return SourceTable(tuple(cells), n_rows, n_cols, Source(file, locator=sheet_name))


# -- .xlsx ------------------------------------------------------------------------------------


def _xlsx_sheet_to_table(sheet: Any, file: str) -> SourceTable:
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    covered: set[tuple[int, int]] = set()
    for merged in sheet.merged_cells.ranges:
        top, left = merged.min_row - 1, merged.min_col - 1
        spans[top, left] = (
            merged.max_row - merged.min_row + 1,
            merged.max_col - merged.min_col + 1,
        )
        covered.update(
            (r - 1, c - 1)
            for r in range(merged.min_row, merged.max_row + 1)
            for c in range(merged.min_col, merged.max_col + 1)
        )
    values = {
        (r - 1, c - 1): cell
        for (r, c), cell in sheet._cells.items()  # the cells the file holds, not the whole range
        if cell.value is not None
    }

    def value_at(r: int, c: int) -> tuple[object, str]:
        cell = values.get((r, c))
        return (None, "General") if cell is None else (cell.value, _xlsx_format(cell))

    return _sheet_to_table(file, sheet.title, set(values), spans, covered, value_at)


def _xlsx_format(cell: Any) -> str:
    style = getattr(cell, "_style", None)
    builtin = getattr(style, "numFmtId", None)
    if isinstance(builtin, int) and builtin in ZH_CN_BUILTIN_FORMATS:
        return ZH_CN_BUILTIN_FORMATS[builtin]
    return str(cell.number_format or "General")


# -- .xls -------------------------------------------------------------------------------------


def _xls_sheet_to_table(book: Any, sheet: Any, file: str) -> SourceTable:
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    covered: set[tuple[int, int]] = set()
    for rlo, rhi, clo, chi in sheet.merged_cells:
        spans[rlo, clo] = (rhi - rlo, chi - clo)
        covered.update((r, c) for r in range(rlo, rhi) for c in range(clo, chi))
    return _sheet_to_table(
        file,
        sheet.name,
        set(_xls_filled(sheet)),
        spans,
        covered,
        lambda r, c: _xls_value(book, sheet, r, c),
    )


def _xls_filled(sheet: Any) -> Iterator[tuple[int, int]]:
    for r in range(sheet.nrows):
        for c, kind in enumerate(sheet.row_types(r)):
            if kind not in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                yield r, c


def _xls_value(book: Any, sheet: Any, r: int, c: int) -> tuple[object, str]:
    if r >= sheet.nrows or c >= sheet.row_len(r):
        return None, "General"
    cell = sheet.cell(r, c)
    xf = book.xf_list[cell.xf_index] if cell.xf_index is not None else None
    key = xf.format_key if xf is not None else 0
    number_format = ZH_CN_BUILTIN_FORMATS.get(key) or (
        book.format_map[key].format_str if key in book.format_map else "General"
    )
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(cell.value, book.datemode), number_format
        except (xlrd.xldate.XLDateError, OverflowError, ValueError):
            return cell.value, "General"
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value), number_format
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERR"), "General"
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None, number_format
    return cell.value, number_format
