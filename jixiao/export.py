"""Write a run's frames and its manifest.

CSV files are UTF-8 with a BOM so that Excel opens the Chinese text correctly; Parquet files
keep the contract's dtypes; the XLSX workbook (``results.xlsx``) has one sheet per frame (see
:mod:`jixiao.export_xlsx`). Headers are the contract's English names, or the Chinese labels
of :mod:`jixiao.labels_zh` with ``labels="zh"``.

A batch run's combined outputs are rebuilt from the per-file parts (:func:`write_combined`),
streaming: memory holds one chunk of rows, not the whole run. ``manifest.json`` records the
inputs (with content hashes), the versions of jixiao and its libraries, the settings, the
counts and the timings.
"""

from __future__ import annotations

import json
import os
import platform
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import IO, Any, Protocol

import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from jixiao import __version__
from jixiao.batch_parts import FileRecord
from jixiao.export_xlsx import XlsxSheet, XlsxWorkbook
from jixiao.labels_zh import column_labels
from score import FRAME_NAMES, SCHEMA, Frames, Policy, empty_frame

FORMATS = ("csv", "parquet", "xlsx")
DEFAULT_FORMATS = ("csv", "parquet")
XLSX_NAME = "results.xlsx"
CHUNK_ROWS = 50_000
_LIBRARIES = ("pandas", "pyarrow", "regex", "pdfplumber", "pypdfium2", "camelot-py", "click")


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
    written, _ = _write(out_dir, formats, labels, lambda name: iter([getattr(frames, name)]))
    return written


def write_combined(
    out_dir: Path, records: Sequence[FileRecord], formats: Sequence[str], labels: str = "en"
) -> tuple[list[Path], Totals]:
    """Rebuild the combined outputs from the parts of ``records``, in the records' order."""

    def chunks(name: str) -> Iterator[pd.DataFrame]:
        pending: list[pa.Table] = []
        rows = 0
        for record in records:
            relative = record.parts.get(name)
            if relative is None:
                continue
            part = pq.read_table(out_dir / relative)
            pending.append(part)
            rows += part.num_rows
            if rows >= CHUNK_ROWS:
                yield _stack(name, pending)
                pending, rows = [], 0
        if pending:
            yield _stack(name, pending)

    return _write(out_dir, formats, labels, chunks)


def _stack(name: str, parts: list[pa.Table]) -> pd.DataFrame:
    """One frame of many parts (converted to pandas once, not part by part)."""
    frame: pd.DataFrame = pa.concat_tables(parts).to_pandas()
    return frame.astype(SCHEMA[name])


def _write(
    out_dir: Path,
    formats: Sequence[str],
    labels: str,
    chunks: Callable[[str], Iterator[pd.DataFrame]],
) -> tuple[list[Path], Totals]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    counter = _Counter()
    xlsx = out_dir / XLSX_NAME
    book = XlsxWorkbook(xlsx, _temporary(xlsx), labels) if "xlsx" in formats else None
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
        empty = empty_frame(name).set_axis(self._header, axis=1)
        self._schema = pa.Schema.from_pandas(empty, preserve_index=False)
        self._writer = pq.ParquetWriter(_temporary(path), self._schema)

    def write(self, chunk: pd.DataFrame) -> None:
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


def concat_parts(out_dir: Path, records: Iterable[FileRecord]) -> Frames:
    """The combined frames of some records, in memory, in the records' order."""
    records = list(records)
    frames = {}
    for name in FRAME_NAMES:
        parts = [pq.read_table(out_dir / r.parts[name]) for r in records if name in r.parts]
        frames[name] = _stack(name, parts) if parts else empty_frame(name)
    return Frames(**frames)


def manifest_of(
    *,
    status: str,
    records: Sequence[FileRecord],
    totals: Totals,
    inputs: Sequence[str],
    policies: Sequence[Policy],
    settings: Mapping[str, Any],
    started: datetime,
    seconds: float,
    peak_rss_mb: Mapping[str, float],
    outputs: Sequence[Path],
    out_dir: Path,
) -> dict[str, object]:
    """The manifest of a run, as a JSON-ready dict."""
    failed = [r for r in records if r.failed]
    return {
        "jixiao_version": __version__,
        "status": status,
        "python": platform.python_version(),
        "libraries": {name: _version(name) for name in _LIBRARIES},
        "policy": {
            "name": policies[0].name if len(policies) == 1 else "auto",
            "candidates": [{"name": p.name, "description": p.description} for p in policies],
        },
        "inputs": list(inputs),
        "settings": dict(settings),
        "started": started.isoformat(timespec="seconds"),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "counts": {
            "files": len(records),
            "files_failed": len(failed),
            "files_reused": sum(r.reused for r in records),
            "files_by_status": dict(sorted(Counter(r.status for r in records).items())),
            "tables": totals.rows["tables"],
            "indicators": totals.rows["indicators"],
            "funds": totals.rows["funds"],
            "problems": totals.rows["problems"],
            "problems_by_severity": dict(totals.severities),
            "tables_by_policy": dict(sorted(totals.policies.items())),
        },
        "timings": {
            "seconds_total": round(seconds, 4),
            "peak_rss_mb": dict(peak_rss_mb),
            "seconds_per_file": {r.path: round(r.seconds, 4) for r in records},
        },
        "files": [r.to_json() for r in records],
        "outputs": [p.relative_to(out_dir).as_posix() for p in outputs],
    }


def write_manifest(manifest: Mapping[str, object], out_dir: Path) -> Path:
    """Write ``manifest.json`` atomically (a reader never sees half a manifest)."""
    path = out_dir / "manifest.json"
    temporary = path.with_name("manifest.json.tmp")
    temporary.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", "utf-8")
    os.replace(temporary, path)
    return path


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None
