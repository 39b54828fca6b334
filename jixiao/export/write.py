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

:func:`write_chunks` writes frames that arrive in chunks of Arrow tables (a batch run streams
its per-file parts through it, :mod:`jixiao.batch.combine`), so memory holds one chunk, not the
whole run. No writer loads pandas (a command-line run then never does: about 0.4 s of CPU):
the CSV cells are formatted as pandas' ``to_csv`` formats them (the same bytes; a test holds the
two equal), the Parquet schema carries the pandas metadata ``DataFrame.to_parquet`` would write,
so ``pandas.read_parquet`` gives the contract's dtypes back (:func:`pandas_metadata`), and the
XLSX sheets take rows of Python values.
"""

from __future__ import annotations

import csv
import functools
import json
import math
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol

import regex

from jixiao.core.errors import OutputError
from jixiao.export import DUCKDB_NAME, XLSX_NAME
from jixiao.export.departments import TALLY_COLUMNS, DepartmentTally, department_labels
from jixiao.export.labels_zh import column_labels, frame_columns, localize
from jixiao.model.frames import (
    OUTPUT_NAMES,
    OUTPUT_SCHEMA,
    arrow_schema,
    frame_to_arrow,
    values_to_arrow,
)
from jixiao.normalize.vocab import PRINTED_NUMBER
from jixiao.score import FRAME_NAMES, Frames

if TYPE_CHECKING:  # pyarrow and xlsxwriter load when an output is written
    import pandas as pd
    import pyarrow as pa  # type: ignore[import-untyped]

    from jixiao.export.xlsx import XlsxSheet, XlsxWorkbook


#: What a CSV text cell must not begin with (OWASP, CSV injection), and the quote that makes
#: it text; a cell that begins with the quote is quoted too, so unquoting is exact.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_QUOTE = "'"
# A cell that begins with + or - and is still a constant for a spreadsheet: the sign alone, or
# a signed number (with a % or thousands separators): '-', '-5%', '+1,200.5'.
_SIGNED_CONSTANT = regex.compile(rf"^[+-](?:{PRINTED_NUMBER})?$")


@dataclass(frozen=True, slots=True)
class Totals:
    """Counts of the combined outputs, gathered while writing them."""

    rows: Mapping[str, int]  # frame name → rows
    severities: Mapping[str, int]  # problems by severity
    policies: Mapping[str, int]  # tables by the policy that scored them
    not_read: int = 0  # 自评表 seen but not read (table_not_read problems)
    duplicates: int = 0  # rows of tables that are another reading of a table (duplicate_of)

    @property
    def tables(self) -> int:
        """自评表 read, each counted once: the rows of ``tables`` but the duplicates."""
        return self.rows.get("tables", 0) - self.duplicates

    @property
    def seen(self) -> int:
        """自评表 seen in the inputs, each counted once: read ones and ones named in a
        table_not_read problem."""
        return self.tables + self.not_read


def write_frames(
    frames: Frames,
    out_dir: Path,
    formats: Sequence[str],
    labels: str = "en",
    panel: Mapping[str, pd.DataFrame] | None = None,
) -> list[Path]:
    """Write in-memory frames, and the panel frames (``projects``, ``series``) of ``panel``
    (empty ones without it), in each format; return the paths written."""

    def chunks(name: str) -> Iterator[pa.Table]:
        if name in FRAME_NAMES:
            yield frame_to_arrow(name, getattr(frames, name))
        elif panel is not None and name in panel:
            yield frame_to_arrow(name, panel[name])

    written, _ = write_chunks(out_dir, formats, labels, chunks)
    return written


class Chunk:
    """Some rows of one frame as written: an Arrow table, and its columns as Python values
    (each converted once, when a writer first asks for it; ``None`` where a value is missing,
    a float NaN included, as pandas writes both)."""

    __slots__ = ("_nan", "_nan_found", "_values", "table")

    def __init__(self, table: pa.Table) -> None:
        self.table = table
        self._values: dict[str, list[Any]] = {}
        self._nan: set[str] = set()
        self._nan_found: set[str] | None = None  # _nan once every float column is checked

    def __len__(self) -> int:
        return int(self.table.num_rows)

    def values(self, column: str) -> list[Any]:
        found = self._values.get(column)
        if found is None:
            found = self.table.column(column).to_pylist()
            is_float = self.table.schema.field(column).type == _float64()
            if is_float and any(v is not None and math.isnan(v) for v in found):
                self._nan.add(column)
                found = [None if v is not None and math.isnan(v) else v for v in found]
            self._values[column] = found
        return found

    def with_nan(self) -> set[str]:
        """The float columns that hold a NaN, looked for a piece of :data:`CSV_ROWS` rows at a
        time (the Python values of every float column of the chunk are not held at once)."""
        if self._nan_found is None:
            floats = [f.name for f in self.table.schema if f.type == _float64()]
            found: set[str] = set()
            for piece in self.pieces(CSV_ROWS):
                for name in floats:
                    if name not in found:
                        piece.values(name)
                found |= piece._nan
            self._nan_found = found
        return self._nan_found

    def rows(self, columns: Sequence[str]) -> list[tuple[Any, ...]]:
        return list(zip(*(self.values(c) for c in columns), strict=True))

    def pieces(self, rows: int) -> Iterator[Chunk]:
        """The chunk in pieces of at most ``rows`` rows (itself when it is no longer), for a
        writer that holds every column of its rows as values and text at once."""
        if len(self) <= rows:
            yield self
            return
        for start in range(0, len(self), rows):
            yield Chunk(self.table.slice(start, rows))


def _float64() -> pa.DataType:
    # This module loads with jixiao.api and with `jixiao run` before its workers start; a run
    # loads pyarrow beside their reading (jixiao.batch.run), not before it.
    import pyarrow as pa  # noqa: PLC0415 - pyarrow, ~0.2 s: when an output is written

    return pa.float64()


def write_chunks(
    out_dir: Path,
    formats: Sequence[str],
    labels: str,
    chunks: Callable[[str], Iterator[pa.Table]],
) -> tuple[list[Path], Totals]:
    """Write the frames that ``chunks(name)`` gives as Arrow tables of the contract's columns,
    a chunk at a time, in each format; return the paths written and the counts."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    counter = _Counter()
    xlsx = out_dir / XLSX_NAME
    book = None
    if "xlsx" in formats:
        from jixiao.export.xlsx import XlsxWorkbook  # noqa: PLC0415 - xlsxwriter: ~40 ms, for XLSX only

        book = XlsxWorkbook(xlsx, _temporary(xlsx), labels)
    database = None
    if "duckdb" in formats:
        from jixiao.export.duckdb_file import DuckdbFile  # noqa: PLC0415 - an optional extra

        database = DuckdbFile(out_dir / DUCKDB_NAME)
    for name in OUTPUT_NAMES:
        sinks = _sinks(name, out_dir, formats, labels, book)
        for table in chunks(name):
            chunk = Chunk(table)
            counter.add(name, chunk)
            written_chunk = Chunk(localize(name, table, labels)) if labels != "en" else chunk
            for sink in sinks:
                sink.write(written_chunk)
            if database is not None:  # the contract's names and values, whatever the labels
                database.write(name, table)
            del table, chunk, written_chunk  # freed before the next chunk is made, not after
        for sink in sinks:
            written.extend(sink.close())
    if database is not None:
        empty = {name: arrow_schema(name).empty_table() for name in OUTPUT_NAMES}
        written.append(database.close(empty))
    if book is not None:
        columns = counter.departments.columns()
        sheet = book.sheet("departments", columns, department_labels(columns, labels))
        sheet.write_rows(counter.departments.rows())
        sheet.close()
        book.close()
        os.replace(_temporary(book.path), book.path)
        written.append(book.path)
    return written, counter.totals()


class _Sink(Protocol):
    def write(self, chunk: Chunk) -> None: ...
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
        columns = frame_columns(name, labels)
        sinks.append(_XlsxSink(book.sheet(name, columns), columns))
    return sinks


def output_names(formats: Sequence[str]) -> list[str]:
    """The combined outputs written for some formats (in the output directory)."""
    names = [
        f"{name}.{fmt}" for fmt in ("csv", "parquet") if fmt in formats for name in OUTPUT_NAMES
    ]
    names = [*names, XLSX_NAME] if "xlsx" in formats else names
    return [*names, DUCKDB_NAME] if "duckdb" in formats else names


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


#: Rows a CSV writer formats at a time (the same bytes as the whole chunk at once).
CSV_ROWS = 1_000
#: Records end in CRLF (RFC 4180), so a cell holding a CR or an LF is quoted, never a row break.
_CRLF = "\r\n"


#: First characters :func:`csv_cell` may quote after (most text starts otherwise).
_QUOTE_STARTS = frozenset((*FORMULA_STARTS, CSV_QUOTE))


def _csv_text(value: Any) -> str:
    """A text cell: :func:`csv_cell`, and nothing for a missing value (one call a cell: a
    run writes every text cell of its frames through here)."""
    if value is None:
        return ""
    return csv_cell(value) if value[:1] in _QUOTE_STARTS else value


def _csv_value(value: Any) -> str:
    """A number or a truth value as pandas' ``to_csv`` writes it: ``repr`` of a float
    (``100.0``, ``1e-05``), the integer, ``True``/``False``; nothing for a missing value."""
    return "" if value is None else repr(value)


class _CsvSink:
    """UTF-8 with BOM, header once, chunks appended; renamed into place when closed.

    Written with :mod:`csv` as pandas' ``to_csv`` writes (minimal quoting, ``"`` doubled, CRLF),
    each column formatted by its Arrow type (:func:`_csv_text`, :func:`_csv_value`)."""

    def __init__(self, path: Path, name: str, labels: str) -> None:
        self.path = path
        self._handle: IO[str] = _temporary(path).open("w", encoding="utf-8-sig", newline="")
        self._writer = csv.writer(self._handle, lineterminator=_CRLF, quoting=csv.QUOTE_MINIMAL)
        self._columns = frame_columns(name, labels)
        self._writer.writerow(column_labels(name, self._columns, labels))
        text = {c for c, dtype in OUTPUT_SCHEMA[name].items() if dtype == "string"}
        self._formats = [
            _csv_text if c in text or c not in OUTPUT_SCHEMA[name] else _csv_value
            for c in self._columns
        ]

    def write(self, chunk: Chunk) -> None:
        for piece in chunk.pieces(CSV_ROWS):  # every column of a chunk as text: ~100 MB
            columns = [
                list(map(form, piece.values(c)))
                for c, form in zip(self._columns, self._formats, strict=True)
            ]
            self._writer.writerows(zip(*columns, strict=True))

    def close(self) -> list[Path]:
        self._handle.close()
        os.replace(_temporary(self.path), self.path)
        return [self.path]


#: The pandas dtype each Arrow type of the frames stands for: (pandas_type, numpy_type) in the
#: pandas metadata of a Parquet file.
_PANDAS_TYPES = {
    "large_string": ("object", "string"),
    "int64": ("int64", "Int64"),
    "double": ("float64", "float64"),
    "bool": ("bool", "boolean"),
}


def pandas_metadata(schema: pa.Schema) -> bytes:
    """The ``pandas`` schema metadata ``DataFrame.to_parquet`` writes for a frame of the
    contract's dtypes with these columns (no index), so that ``pandas.read_parquet`` gives the
    dtypes back; made without loading pandas (a test holds it equal to pyarrow's own).
    """
    import pyarrow as pa  # noqa: PLC0415 - pyarrow, ~0.2 s: when an output is written

    columns = []
    for field in schema:
        pandas_type, numpy_type = _PANDAS_TYPES[str(field.type)]
        columns.append(
            {
                "name": field.name,
                "field_name": field.name,
                "pandas_type": pandas_type,
                "numpy_type": numpy_type,
                "metadata": None,
            }
        )
    return json.dumps(
        {
            "index_columns": [],
            "column_indexes": [],
            "columns": columns,
            "attributes": {},
            "creator": {"library": "pyarrow", "version": pa.__version__},
            "pandas_version": _pandas_version(),
        }
    ).encode("utf-8")


@functools.cache
def _pandas_version() -> str:
    """The installed pandas' version, read from its metadata (pandas is not imported)."""
    from importlib import metadata  # noqa: PLC0415 - ~15 ms (email): not before the first file

    return metadata.version("pandas")


class _ParquetSink:
    """One row group per chunk, typed by the contract's dtypes (pandas metadata included)."""

    def __init__(self, path: Path, name: str, labels: str) -> None:
        self.path = path
        import pyarrow as pa  # noqa: PLC0415 - pyarrow, ~0.2 s: when an output is written
        import pyarrow.parquet as pq  # type: ignore[import-untyped]  # noqa: PLC0415 - as above

        contract = arrow_schema(name)
        columns = frame_columns(name, labels)
        header = column_labels(name, columns, labels)
        types = [
            contract.field(c).type if c in OUTPUT_SCHEMA[name] else pa.large_string()
            for c in columns
        ]
        schema = pa.schema(list(zip(header, types, strict=True)))
        self._schema = schema.with_metadata({b"pandas": pandas_metadata(schema)})
        self._writer = pq.ParquetWriter(_temporary(path), self._schema)

    def write(self, chunk: Chunk) -> None:
        import pyarrow as pa  # noqa: PLC0415 - pyarrow, ~0.2 s: when an output is written

        columns = []
        for field, name in zip(self._schema, chunk.table.column_names, strict=True):
            column = chunk.table.column(name)
            if field.type == pa.float64() and name in chunk.with_nan():
                column = values_to_arrow(chunk.values(name), field.type)  # NaN: missing
            columns.append(column)
        table = pa.Table.from_arrays(columns, schema=self._schema).combine_chunks()
        self._writer.write_table(table)

    def close(self) -> list[Path]:
        self._writer.close()
        os.replace(_temporary(self.path), self.path)
        return [self.path]


def _temporary(path: Path) -> Path:
    """Where an output is written before it is renamed into place (no half-written outputs)."""
    return path.with_name(path.name + ".tmp")


class _XlsxSink:
    def __init__(self, sheet: XlsxSheet, columns: list[str]) -> None:
        self._sheet = sheet
        self._columns = columns

    def write(self, chunk: Chunk) -> None:
        self._sheet.write_rows(chunk.rows(self._columns))

    def close(self) -> list[Path]:
        self._sheet.close()
        return []  # the workbook is one output, listed once when it is closed


class _Counter:
    def __init__(self) -> None:
        self.rows: Counter[str] = Counter(dict.fromkeys(FRAME_NAMES, 0))
        self.severities: Counter[str] = Counter(dict.fromkeys(("error", "warning", "info"), 0))
        self.policies: Counter[str] = Counter()
        self.not_read = 0
        self.duplicates = 0
        self.departments = DepartmentTally()

    def add(self, name: str, whole: Chunk) -> None:
        self.rows[name] += len(whole)
        for chunk in whole.pieces(CSV_ROWS):  # values of a piece at a time, as the CSV
            self._add(name, chunk)

    def _add(self, name: str, chunk: Chunk) -> None:
        if name == "problems":
            self.severities.update(str(v) for v in chunk.values("severity") if v is not None)
            self.not_read += sum(v == "table_not_read" for v in chunk.values("code"))
        elif name == "tables":
            kept = [v is None for v in chunk.values("duplicate_of")]
            self.duplicates += kept.count(False)
            policies = compress(chunk.values("policy"), kept)
            self.policies.update(str(v) for v in policies if v is not None)
            self.departments.add(compress(chunk.rows(TALLY_COLUMNS), kept))

    def totals(self) -> Totals:
        rows, severities = dict(self.rows), dict(self.severities)
        return Totals(rows, severities, dict(self.policies), self.not_read, self.duplicates)
