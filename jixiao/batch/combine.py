"""A batch run's combined outputs, rebuilt from its per-file parts.

Streaming: :func:`write_combined` reads the parts in chunks of :data:`CHUNK_ROWS` rows
and passes them to the writers as Arrow tables, so memory holds one chunk, not the whole run
(and pandas is not loaded: :mod:`jixiao.export.write`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from jixiao.batch.parts import FileRecord
from jixiao.export.write import Totals, write_chunks
from jixiao.model.frames import PANEL_NAMES, records_to_arrow, values_to_arrow
from jixiao.score import FRAME_NAMES, SCHEMA, Frames, arrow_to_frame, empty_frame
from jixiao.score.duplicates import (
    INDICATOR_COLUMNS,
    TABLE_COLUMNS,
    Duplicates,
    duplicates_to_problem_records,
    records_to_duplicates,
    table_with_duplicates,
)
from jixiao.score.panel import INDICATOR_COLUMNS as PANEL_INDICATOR_COLUMNS
from jixiao.score.panel import TABLE_COLUMNS as PANEL_TABLE_COLUMNS
from jixiao.score.panel import Panel, records_to_panel

if TYPE_CHECKING:  # pandas only for frames in memory (concat_parts), not for the outputs
    import pandas as pd

CHUNK_ROWS = 10_000  # rows a writer holds as Python values at a time (~20 MB)


def write_combined(
    out_dir: Path, records: Sequence[FileRecord], formats: Sequence[str], labels: str = "en"
) -> tuple[list[Path], Totals]:
    """Rebuild the combined outputs from the parts of ``records``, in the records' order.

    Over the whole run, the same table read twice is marked (``tables.duplicate_of``) and near
    copies that disagree get a ``conflicting_copies`` problem after the others
    (:mod:`jixiao.score.duplicates`): the columns that needs are read from the parts first."""
    duplicates = parts_to_duplicates(out_dir, records)
    panel = parts_to_panel(out_dir, records, duplicates)

    def chunks(name: str) -> Iterator[pa.Table]:
        if name in PANEL_NAMES:
            yield records_to_arrow(name, getattr(panel, name))
            return
        for chunk in tables_to_chunks(_rows(out_dir, records, name), CHUNK_ROWS):
            yield _marked(name, _concat(name, chunk), duplicates)
        if name == "problems" and duplicates.conflicts:
            yield records_to_arrow(name, duplicates_to_problem_records(duplicates))

    return write_chunks(out_dir, formats, labels, chunks)


def tables_to_chunks(tables: Iterable[pa.Table], rows: int) -> Iterator[list[pa.Table]]:
    """The rows of ``tables`` in chunks of exactly ``rows`` rows (the last one shorter), as
    slices: where a chunk ends depends on the rows alone, never on how they were split into
    parts (the order files finished in, a worker count, a cluster), so a Parquet file's row
    groups, one a chunk, are the same bytes from every run of the same files.

    >>> t = pa.table({"x": list(range(5))})
    >>> [[p.num_rows for p in c] for c in tables_to_chunks([t, t.slice(0, 2), t], 4)]
    [[4], [1, 2, 1], [4]]
    """
    pending: list[pa.Table] = []
    held = 0
    for table in tables:
        start = 0
        while table.num_rows - start >= rows - held:
            take = rows - held
            yield [*pending, table.slice(start, take)]
            pending, held, start = [], 0, start + take
        if start < table.num_rows:
            pending.append(table.slice(start))
            held += table.num_rows - start
    if pending:
        yield pending


def parts_to_duplicates(out_dir: Path, records: Sequence[FileRecord]) -> Duplicates:
    """The duplicates and conflicts among the tables of ``records`` (only the columns the
    check compares are read from the parts)."""

    def values(name: str, columns: Sequence[str]) -> Iterator[dict[str, Any]]:
        for part in _rows(out_dir, records, name):
            yield from part.select(list(columns)).to_pylist()

    tables = values("tables", TABLE_COLUMNS)
    return records_to_duplicates(list(tables), values("indicators", INDICATOR_COLUMNS))


def parts_to_panel(out_dir: Path, records: Sequence[FileRecord], duplicates: Duplicates) -> Panel:
    """The panel of the tables of ``records`` (:mod:`jixiao.score.panel`), the duplicates
    marked (only the columns the panel reads are read from the parts)."""
    tables = [
        row | {"duplicate_of": duplicates.duplicate_of.get(str(row["table_id"]))}
        for part in _rows(out_dir, records, "tables")
        for row in part.select(list(PANEL_TABLE_COLUMNS)).to_pylist()
    ]
    indicators = (
        row
        for part in _rows(out_dir, records, "indicators")
        for row in part.select(list(PANEL_INDICATOR_COLUMNS)).to_pylist()
    )
    return records_to_panel(tables, indicators)


def _marked(name: str, table: pa.Table, duplicates: Duplicates) -> pa.Table:
    """A chunk of ``tables`` with ``duplicate_of`` set and conflicts counted in its problem
    counts (:func:`~jixiao.score.duplicates.table_with_duplicates`); other frames unchanged."""
    if name != "tables" or not (duplicates.duplicate_of or duplicates.conflicts):
        return table
    columns = ("table_id", "duplicate_of", "problem_count", "warning_count")
    marked = [table_with_duplicates(r, duplicates) for r in table.select(columns).to_pylist()]
    for column in columns[1:]:
        index = table.schema.get_field_index(column)
        values = values_to_arrow([r[column] for r in marked], table.schema.field(column).type)
        table = table.set_column(index, table.schema.field(column), values)
    return table


def _concat(name: str, parts: list[pa.Table]) -> pa.Table:
    """One table of many parts, the contract's columns in order."""
    return pa.concat_tables(parts).select(list(SCHEMA[name]))


def _stack(name: str, parts: list[pa.Table]) -> pd.DataFrame:
    """One frame of many parts (converted to pandas once, not part by part)."""
    return arrow_to_frame(name, pa.concat_tables(parts))


def concat_parts(out_dir: Path, records: Iterable[FileRecord]) -> Frames:
    """The combined frames of some records, in memory, in the records' order, with the
    duplicates among them marked as :func:`write_combined` marks them."""
    records = list(records)
    duplicates = parts_to_duplicates(out_dir, records)
    frames = {}
    for name in FRAME_NAMES:
        parts = [_marked(name, part, duplicates) for part in _rows(out_dir, records, name)]
        if name == "problems" and duplicates.conflicts:
            parts.append(records_to_arrow(name, duplicates_to_problem_records(duplicates)))
        frames[name] = _stack(name, parts) if parts else empty_frame(name)
    return Frames(**frames)


def _rows(out_dir: Path, records: Iterable[FileRecord], name: str) -> Iterator[pa.Table]:
    """The records' rows of one frame, in order, as few slices of their parts as can be: the
    files of a chunk share a part and usually come one after another, so their rows are taken
    in one slice (a slice per file costs more memory than the rows of a small file). The last
    part read is kept."""
    path, table = "", None
    run: tuple[str, int, int] | None = None  # (part, first row, rows) not yet given
    for record in records:
        relative = record.parts.get(name)
        if relative is None:
            continue
        if relative != path or table is None:
            if run is not None and table is not None:
                yield table.slice(run[1], run[2])
                run = None
            with pq.ParquetFile(out_dir / relative) as part:  # read_table would load pandas
                table, path = part.read(), relative
        first, count = record.slices.get(name, (0, table.num_rows))
        if run is not None and run[1] + run[2] == first:
            run = (relative, run[1], run[2] + count)
            continue
        if run is not None:
            yield table.slice(run[1], run[2])
        run = (relative, first, count)
    if run is not None and table is not None:
        yield table.slice(run[1], run[2])
