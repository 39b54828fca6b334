"""The XLSX workbook: one sheet per frame, for analysts who open the results in Excel/WPS.

A ``departments`` sheet (部门汇总) comes last: per 主管部门, its tables, how completely they were
read, their problems by severity and their grades (:mod:`jixiao.export.departments`).

Each sheet has a bold, frozen header row with an autofilter and column widths fitted to the
header and the first rows (Chinese characters count double). Rows that need a look are
highlighted by conditional formats, so the colours follow the rows when the sheet is sorted:

* ``problems``: ``error`` rows red, ``warning`` rows yellow;
* ``tables``: tables with an error red, other tables with a problem yellow, tables not read
  completely (``read_status`` not ``complete``) grey;
* ``indicators``: indicators whose printed score differs from the recomputed one
  (``score_delta`` not 0) yellow.

Rows are streamed to disk (xlsxwriter's constant-memory mode). A sheet holds at most
1,048,575 rows; more continue on ``<sheet> (2)`` and so on.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import xlsxwriter  # type: ignore[import-untyped]
from xlsxwriter.worksheet import Worksheet  # type: ignore[import-untyped]

from jixiao.export.labels_zh import VALUES_ZH, column_labels, sheet_name

MAX_ROWS = 1_048_575  # data rows under the header
_MAX_WIDTH, _MIN_WIDTH = 50, 6
_RED, _YELLOW, _GREY = "#FFC7CE", "#FFEB9C", "#E7E6E6"
# frame → (column, formula on that column's cell in row 2 → fill colour) for highlighting
_HIGHLIGHTS: dict[str, list[tuple[str, str, str]]] = {
    "problems": [("severity", '={cell}="error"', _RED), ("severity", '={cell}="warning"', _YELLOW)],
    "tables": [
        ("read_status", '={cell}<>"complete"', _GREY),
        ("error_count", "=N({cell})>0", _RED),
        ("problem_count", "=N({cell})>0", _YELLOW),
    ],
    "indicators": [("score_delta", '=AND({cell}<>"",{cell}<>0)', _YELLOW)],
}


class XlsxWorkbook:
    """A workbook being written, one frame (sheet) at a time."""

    def __init__(self, path: Path, temporary: Path, labels: str) -> None:
        """A workbook for ``path``, written to ``temporary`` (the caller renames it)."""
        self.path = path
        self.labels = labels
        self._book = xlsxwriter.Workbook(
            str(temporary),
            {
                "constant_memory": True,
                "strings_to_formulas": False,  # cell text such as '=100%' stays text
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        self.header_format = self._book.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1}
        )
        self.fills = {c: self._book.add_format({"bg_color": c}) for c in (_RED, _YELLOW, _GREY)}

    def sheet(self, frame: str, columns: list[str], headers: list[str] | None = None) -> XlsxSheet:
        return XlsxSheet(self, frame, columns, headers)

    def add_worksheet(self, name: str) -> Worksheet:
        return self._book.add_worksheet(name[:31])

    def close(self) -> None:
        self._book.close()


class XlsxSheet:
    """The sheet(s) of one frame; ``write`` appends rows, ``close`` sets widths and colours."""

    def __init__(
        self, book: XlsxWorkbook, frame: str, columns: list[str], headers: list[str] | None = None
    ) -> None:
        """``headers``: the header row (default: the frame's columns under the book's labels)."""
        self._book = book
        self._frame = frame
        self._columns = columns
        self._headers = headers or column_labels(frame, columns, book.labels)
        self._widths = [_width(h) for h in self._headers]
        self._sized = False
        self._sheets: list[tuple[Worksheet, int]] = []  # (sheet, data rows written)
        self._new_sheet()

    def write_rows(self, rows: Sequence[Sequence[Any]]) -> None:
        """Append rows of the sheet's columns (``None`` for an empty cell)."""
        if not self._sized:
            self._fit_widths(rows[:200])
        for row in rows:
            sheet, written = self._sheets[-1]
            if written == MAX_ROWS:
                self._new_sheet()
                sheet, written = self._sheets[-1]
            sheet.write_row(written + 1, 0, [_cell(v) for v in row])
            self._sheets[-1] = (sheet, written + 1)

    def close(self) -> None:
        for sheet, written in self._sheets:
            for col, width in enumerate(self._widths):
                sheet.set_column(col, col, width)
            last = max(written, 1)
            sheet.autofilter(0, 0, last, len(self._columns) - 1)
            for column, template, colour in _HIGHLIGHTS.get(self._frame, []):
                letter = xlsxwriter.utility.xl_col_to_name(self._columns.index(column))
                formula = template
                if self._book.labels == "zh":  # the values are Chinese too: "error" → "错误"
                    for value, word in VALUES_ZH.get(column, {}).items():
                        formula = formula.replace(f'"{value}"', f'"{word}"')
                sheet.conditional_format(
                    1,
                    0,
                    last,
                    len(self._columns) - 1,
                    {
                        "type": "formula",
                        "criteria": formula.format(cell=f"${letter}2"),
                        "format": self._book.fills[colour],
                    },
                )

    def _new_sheet(self) -> None:
        name = sheet_name(self._frame, self._book.labels)
        if self._sheets:
            name = f"{name} ({len(self._sheets) + 1})"
        sheet = self._book.add_worksheet(name)
        sheet.write_row(0, 0, self._headers, self._book.header_format)
        sheet.freeze_panes(1, 0)
        self._sheets.append((sheet, 0))

    def _fit_widths(self, sample: Sequence[Sequence[Any]]) -> None:
        for col in range(len(self._columns)):
            texts = [str(row[col]) for row in sample if row[col] is not None]
            longest = max((_width(t) for t in texts), default=0)
            self._widths[col] = max(self._widths[col], longest)
        self._widths = [min(max(w + 2, _MIN_WIDTH), _MAX_WIDTH) for w in self._widths]
        self._sized = True


def _width(text: str) -> int:
    """Display width: East Asian wide and full-width characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(value: Any) -> Any:
    if isinstance(value, str) and len(value) > 32_767:  # Excel's limit for one cell
        return value[:32_766] + "…"
    return value
