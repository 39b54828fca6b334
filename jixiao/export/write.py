"""Write a run's frames and its manifest.

CSV files are UTF-8 with a BOM so that Excel opens the Chinese text correctly, and safe to
open there: a text cell that Excel or LibreOffice would run as a formula (CSV injection) — one
that begins with ``=``, ``@``, a tab or a carriage return, or with ``+`` or ``-`` followed by
anything but a number (``-`` alone and ``-5%`` are constants, ``-2+3`` is a formula) — is
written with a ``'`` in front, as is a cell that begins with ``'`` itself, so removing one
leading ``'`` from every text cell gives the value back (:func:`csv_cell`, :func:`uncsv_cell`).
Parquet files keep the contract's dtypes and the values unchanged; the XLSX workbook
(``results.xlsx``) has one sheet per frame (see :mod:`jixiao.export.xlsx`). Headers are the
contract's English names, or the Chinese labels of :mod:`jixiao.export.labels_zh` with
``labels="zh"``.

:func:`write_chunks` writes frames that arrive in chunks (a batch run streams its per-file
parts through it, :mod:`jixiao.batch.combine`), so memory holds one chunk, not the whole run.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Protocol

import regex

from jixiao.core.errors import OutputError
from jixiao.export import XLSX_NAME
from jixiao.export.labels_zh import column_labels, frame_columns, localize
from jixiao.score import FRAME_NAMES, Frames, empty_frame

if TYPE_CHECKING:  # pandas, pyarrow and xlsxwriter load when an output is written
    import pandas as pd

    from jixiao.export.xlsx import XlsxSheet, XlsxWorkbook


#: What a CSV text cell must not begin with (OWASP, CSV injection), and the quote that makes
#: it text; a cell that begins with the quote is quoted too, so unquoting is exact.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_QUOTE = "'"
# A cell that begins with + or - and is still a constant for a spreadsheet: the sign alone, or
# a signed number (with a % or thousands separators): '-', '-5%', '+1,200.5'.
_SIGNED_CONSTANT = regex.compile(r"^[+-](?:\d[\d,]*(?:\.\d+)?%?)?$")


@dataclass(frozen=True, slots=True)
class Totals:
    """Counts of the combined outputs, gathered while writing them."""

    rows: Mapping[str, int]  # frame name → rows
    severities: Mapping[str, int]  # problems by severity
    policies: Mapping[str, int]  # tables by the policy that scored them
    not_read: int = 0  # 自评表 seen but not read (table_not_read problems)

    @property
    def seen(self) -> int:
        """自评表 seen in the inputs: read ones and ones named in a table_not_read problem."""
        return self.rows.get("tables", 0) + self.not_read


def write_frames(
    frames: Frames, out_dir: Path, formats: Sequence[str], labels: str = "en"
) -> list[Path]:
    """Write in-memory frames in each format; return the paths written."""
    written, _ = write_chunks(out_dir, formats, labels, lambda name: iter([getattr(frames, name)]))
    return written


def write_chunks(
    out_dir: Path,
    formats: Sequence[str],
    labels: str,
    chunks: Callable[[str], Iterator[pd.DataFrame]],
) -> tuple[list[Path], Totals]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    counter = _Counter()
    xlsx = out_dir / XLSX_NAME
    book = None
    if "xlsx" in formats:
        from jixiao.export.xlsx import XlsxWorkbook  # noqa: PLC0415 - xlsxwriter when asked for

        book = XlsxWorkbook(xlsx, _temporary(xlsx), labels)
    for name in FRAME_NAMES:
        sinks = _sinks(name, out_dir, formats, labels, book)
        for chunk in chunks(name):
            counter.add(name, chunk)
            written_chunk = localize(name, chunk, labels)
            for sink in sinks:
                sink.write(written_chunk)
        for sink in sinks:
            written.extend(sink.close())
    if book is not None:
        departments = counter.departments.frame()
        columns = [str(c) for c in departments.columns]
        from jixiao.export.departments import department_labels  # noqa: PLC0415 - pandas

        sheet = book.sheet("departments", columns, department_labels(columns, labels))
        sheet.write(departments)
        sheet.close()
        book.close()
        os.replace(_temporary(book.path), book.path)
        written.append(book.path)
    return written, counter.totals()


class _Sink(Protocol):
    def write(self, chunk: pd.DataFrame) -> None: ...
    def close(self) -> list[Path]: ...


def _sinks(
    name: str, out_dir: Path, formats: Sequence[str], labels: str, book: XlsxWorkbook | None
) -> list[_Sink]:
    sinks: list[_Sink] = []
    if "csv" in formats:
        sinks.append(_CsvSink(out_dir / f"{name}.csv", name, labels))
    if "parquet" in formats:
        sinks.append(_ParquetSink(out_dir / f"{name}.parquet", name, labels))
    if book is not None:
        sinks.append(_XlsxSink(book.sheet(name, frame_columns(name, labels))))
    return sinks


def output_names(formats: Sequence[str]) -> list[str]:
    """The combined outputs written for some formats (in the output directory)."""
    names = [
        f"{name}.{fmt}" for fmt in ("csv", "parquet") if fmt in formats for name in FRAME_NAMES
    ]
    return [*names, XLSX_NAME] if "xlsx" in formats else names


def check_writable(out_dir: Path) -> None:
    """Create ``out_dir`` if needed and make sure files can be written in it.

    Raises :class:`~jixiao.core.errors.OutputError` with the reason otherwise.
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out_dir):
            pass
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise OutputError(f"cannot write to the output directory {out_dir}: {reason}") from error


def csv_cell(text: str) -> str:
    """A text cell as written to CSV: quoted with ``'`` when Excel would run it as a formula.

    >>> csv_cell("=100%"), csv_cell("-2+3"), csv_cell("@SUM(A1)"), csv_cell("'x")
    ("'=100%", "'-2+3", "'@SUM(A1)", "''x")
    >>> csv_cell("-"), csv_cell("-5%"), csv_cell("100%")
    ('-', '-5%', '100%')
    """
    return CSV_QUOTE + text if _needs_quote(text) else text


def _needs_quote(text: str) -> bool:
    if text.startswith(("+", "-")):
        return _SIGNED_CONSTANT.match(text) is None
    return text.startswith((*FORMULA_STARTS, CSV_QUOTE))


def uncsv_cell(text: str) -> str:
    """The value of a CSV text cell: :func:`csv_cell` undone.

    >>> uncsv_cell("'=100%"), uncsv_cell("''x"), uncsv_cell("100%")
    ('=100%', "'x", '100%')
    """
    return text.removeprefix(CSV_QUOTE)


def _csv_safe(chunk: pd.DataFrame, text_columns: Sequence[str]) -> pd.DataFrame:
    """The chunk with :func:`csv_cell` applied to its text columns (copied only if needed)."""
    safe = chunk
    for column in text_columns:
        values = chunk[column]
        starts = values.str[:1].isin([*FORMULA_STARTS, CSV_QUOTE]).fillna(False)
        if starts.any():
            quote = values[starts].map(_needs_quote).astype(bool)
            if quote.any():
                if safe is chunk:
                    safe = chunk.copy()
                index = quote[quote].index
                safe.loc[index, column] = CSV_QUOTE + values[index]
    return safe


#: Records end in CRLF (RFC 4180), so a cell holding a CR or an LF is quoted, never a row break.
_CRLF = "\r\n"


class _CsvSink:
    """UTF-8 with BOM, header once, chunks appended; renamed into place when closed."""

    def __init__(self, path: Path, name: str, labels: str) -> None:
        self.path = path
        self._handle: IO[str] = _temporary(path).open("w", encoding="utf-8-sig", newline="")
        empty = localize(name, empty_frame(name), labels)
        header = column_labels(name, list(empty.columns), labels)
        empty.to_csv(self._handle, index=False, header=header, lineterminator=_CRLF)
        self._text = [str(column) for column, dtype in empty.dtypes.items() if dtype == "string"]

    def write(self, chunk: pd.DataFrame) -> None:
        _csv_safe(chunk, self._text).to_csv(
            self._handle, index=False, header=False, lineterminator=_CRLF
        )

    def close(self) -> list[Path]:
        self._handle.close()
        os.replace(_temporary(self.path), self.path)
        return [self.path]


class _ParquetSink:
    """One row group per chunk, typed by the contract's dtypes (pandas metadata included)."""

    def __init__(self, path: Path, name: str, labels: str) -> None:
        self.path = path
        import pyarrow as pa  # type: ignore[import-untyped]  # noqa: PLC0415 - loaded when used
        import pyarrow.parquet as pq  # type: ignore[import-untyped]  # noqa: PLC0415

        empty = localize(name, empty_frame(name), labels)
        self._header = column_labels(name, list(empty.columns), labels)
        empty = empty.set_axis(self._header, axis=1)
        self._schema = pa.Schema.from_pandas(empty, preserve_index=False)
        self._writer = pq.ParquetWriter(_temporary(path), self._schema)

    def write(self, chunk: pd.DataFrame) -> None:
        import pyarrow as pa  # noqa: PLC0415 - loaded when used

        table = pa.Table.from_pandas(
            chunk.set_axis(self._header, axis=1), schema=self._schema, preserve_index=False
        )
        self._writer.write_table(table)

    def close(self) -> list[Path]:
        self._writer.close()
        os.replace(_temporary(self.path), self.path)
        return [self.path]


def _temporary(path: Path) -> Path:
    """Where an output is written before it is renamed into place (no half-written outputs)."""
    return path.with_name(path.name + ".tmp")


class _XlsxSink:
    def __init__(self, sheet: XlsxSheet) -> None:
        self._sheet = sheet

    def write(self, chunk: pd.DataFrame) -> None:
        self._sheet.write(chunk)

    def close(self) -> list[Path]:
        self._sheet.close()
        return []  # the workbook is one output, listed once when it is closed


class _Counter:
    def __init__(self) -> None:
        self.rows: Counter[str] = Counter(dict.fromkeys(FRAME_NAMES, 0))
        self.severities: Counter[str] = Counter(dict.fromkeys(("error", "warning", "info"), 0))
        self.policies: Counter[str] = Counter()
        self.not_read = 0
        from jixiao.export.departments import DepartmentTally  # noqa: PLC0415 - pandas

        self.departments = DepartmentTally()

    def add(self, name: str, chunk: pd.DataFrame) -> None:
        self.rows[name] += len(chunk)
        if name == "problems":
            self.severities.update(chunk["severity"].dropna().astype(str))
            self.not_read += int((chunk["code"] == "table_not_read").sum())
        elif name == "tables":
            self.policies.update(chunk["policy"].dropna().astype(str))
            self.departments.add(chunk)

    def totals(self) -> Totals:
        rows, severities = dict(self.rows), dict(self.severities)
        return Totals(rows, severities, dict(self.policies), self.not_read)
