"""Write a run's frames and its manifest.

CSV files are UTF-8 with a BOM so that Excel opens the Chinese text correctly; Parquet files
keep the contract's dtypes; the XLSX workbook (``results.xlsx``) has one sheet per frame (see
:mod:`jixiao.export.xlsx`). Headers are the contract's English names, or the Chinese labels
of :mod:`jixiao.export.labels_zh` with ``labels="zh"``.

:func:`write_chunks` writes frames that arrive in chunks (a batch run streams its per-file
parts through it, :mod:`jixiao.batch.combine`), so memory holds one chunk, not the whole run.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Protocol

from jixiao.export.labels_zh import column_labels
from jixiao.score import FRAME_NAMES, SCHEMA, Frames, empty_frame

if TYPE_CHECKING:  # pandas, pyarrow and xlsxwriter load when an output is written
    import pandas as pd

    from jixiao.export.xlsx import XlsxSheet, XlsxWorkbook

FORMATS = ("csv", "parquet", "xlsx")
DEFAULT_FORMATS = ("csv", "parquet")
XLSX_NAME = "results.xlsx"


@dataclass(frozen=True, slots=True)
class Totals:
    """Counts of the combined outputs, gathered while writing them."""

    rows: Mapping[str, int]  # frame name → rows
    severities: Mapping[str, int]  # problems by severity
    policies: Mapping[str, int]  # tables by the policy that scored them


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
            for sink in sinks:
                sink.write(chunk)
        for sink in sinks:
            written.extend(sink.close())
    if book is not None:
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
        sinks.append(_XlsxSink(book.sheet(name, list(SCHEMA[name]))))
    return sinks


class _CsvSink:
    """UTF-8 with BOM, header once, chunks appended; renamed into place when closed."""

    def __init__(self, path: Path, name: str, labels: str) -> None:
        self.path = path
        self._handle: IO[str] = _temporary(path).open("w", encoding="utf-8-sig", newline="")
        header = column_labels(name, list(SCHEMA[name]), labels)
        empty_frame(name).to_csv(self._handle, index=False, header=header)

    def write(self, chunk: pd.DataFrame) -> None:
        chunk.to_csv(self._handle, index=False, header=False)

    def close(self) -> list[Path]:
        self._handle.close()
        os.replace(_temporary(self.path), self.path)
        return [self.path]


class _ParquetSink:
    """One row group per chunk, typed by the contract's dtypes (pandas metadata included)."""

    def __init__(self, path: Path, name: str, labels: str) -> None:
        self.path = path
        self._header = column_labels(name, list(SCHEMA[name]), labels)
        import pyarrow as pa  # type: ignore[import-untyped]  # noqa: PLC0415 - loaded when used
        import pyarrow.parquet as pq  # type: ignore[import-untyped]  # noqa: PLC0415

        empty = empty_frame(name).set_axis(self._header, axis=1)
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

    def add(self, name: str, chunk: pd.DataFrame) -> None:
        self.rows[name] += len(chunk)
        if name == "problems":
            self.severities.update(chunk["severity"].dropna().astype(str))
        elif name == "tables":
            self.policies.update(chunk["policy"].dropna().astype(str))

    def totals(self) -> Totals:
        return Totals(dict(self.rows), dict(self.severities), dict(self.policies))
