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

    return write_chunks(out_dir, formats, labels, chunks)


def _stack(name: str, parts: list[pa.Table]) -> pd.DataFrame:
    """One frame of many parts (converted to pandas once, not part by part)."""
    return arrow_to_frame(name, pa.concat_tables(parts))


def concat_parts(out_dir: Path, records: Iterable[FileRecord]) -> Frames:
    """The combined frames of some records, in memory, in the records' order."""
    records = list(records)
    frames = {}
    for name in FRAME_NAMES:
        parts = [pq.read_table(out_dir / r.parts[name]) for r in records if name in r.parts]
        frames[name] = _stack(name, parts) if parts else empty_frame(name)
    return Frames(**frames)
