"""A batch run's combined outputs, rebuilt from its per-file parts.

Streaming: :func:`write_combined` reads the parts in chunks of about :data:`CHUNK_ROWS` rows
and passes them to the writers, so memory holds one chunk, not the whole run.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from jixiao.batch.parts import FileRecord
from jixiao.export.write import Totals, write_chunks
from jixiao.score import FRAME_NAMES, Frames, arrow_to_frame, empty_frame

CHUNK_ROWS = 50_000


def write_combined(
    out_dir: Path, records: Sequence[FileRecord], formats: Sequence[str], labels: str = "en"
) -> tuple[list[Path], Totals]:
    """Rebuild the combined outputs from the parts of ``records``, in the records' order."""

    def chunks(name: str) -> Iterator[pd.DataFrame]:
        pending: list[pa.Table] = []
        rows = 0
        reader = _PartReader(out_dir)
        for record in records:
            part = reader.rows(record, name)
            if part is None:
                continue
            pending.append(part)
            rows += part.num_rows
            if rows >= CHUNK_ROWS:
                yield _stack(name, pending)
                pending, rows = [], 0
        if pending:
            yield _stack(name, pending)

    return write_chunks(out_dir, formats, labels, chunks)


def _stack(name: str, parts: list[pa.Table]) -> pd.DataFrame:
    """One frame of many parts (converted to pandas once, not part by part)."""
    return arrow_to_frame(name, pa.concat_tables(parts))


def concat_parts(out_dir: Path, records: Iterable[FileRecord]) -> Frames:
    """The combined frames of some records, in memory, in the records' order."""
    records = list(records)
    frames = {}
    reader = _PartReader(out_dir)
    for name in FRAME_NAMES:
        parts = [part for r in records if (part := reader.rows(r, name)) is not None]
        frames[name] = _stack(name, parts) if parts else empty_frame(name)
    return Frames(**frames)


class _PartReader:
    """A file's rows of one frame from its part; the last part read is kept, since the files
    of a chunk share it and usually come one after another."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self._path = ""
        self._table: pa.Table | None = None

    def rows(self, record: FileRecord, name: str) -> pa.Table | None:
        relative = record.parts.get(name)
        if relative is None:
            return None
        if relative != self._path or self._table is None:
            self._table, self._path = pq.read_table(self.out_dir / relative), relative
        where = record.slices.get(name)
        return self._table if where is None else self._table.slice(*where)
