"""A batch run's combined outputs, rebuilt from its per-file parts.

Streaming: :func:`write_combined` reads the parts in chunks of :data:`CHUNK_ROWS` rows
and passes them to the writers as Arrow tables, so memory holds one chunk, not the whole run
(and pandas is not loaded: :mod:`jixiao.export.write`). The checks over the whole run hold no
table's values either: the duplicates check reads the cells of the files a chunk at a time
(:data:`CHECK_ROWS` rows) and keeps a digest of each table's
(:func:`~jixiao.score.duplicates.digests_to_duplicates`), and the panel reads the few columns
that group the tables first, then the values of only the table that gives each project-year's
row (:func:`parts_to_panel`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from jixiao.batch.columns import TextMapping
from jixiao.batch.freed import release_freed_memory
from jixiao.batch.parts import FileRecord
from jixiao.export.write import Totals, write_chunks
from jixiao.model.frames import PANEL_NAMES, records_to_arrow, values_to_arrow
from jixiao.score import FRAME_NAMES, SCHEMA, Frames, arrow_to_frame, empty_frame
from jixiao.score.duplicates import (
    INDICATOR_COLUMNS,
    TABLE_COLUMNS,
    Copy,
    CopyDigest,
    Duplicates,
    copies_to_digests,
    digests_to_duplicates,
    duplicates_to_problem_records,
    records_to_copies,
    table_with_duplicates,
)
from jixiao.score.panel import GROUP_COLUMNS as PANEL_GROUP_COLUMNS
from jixiao.score.panel import INDICATOR_COLUMNS as PANEL_INDICATOR_COLUMNS
from jixiao.score.panel import TABLE_COLUMNS as PANEL_TABLE_COLUMNS
from jixiao.score.panel import Panel, records_to_panel, tables_to_project_years

if TYPE_CHECKING:  # pandas only for frames in memory (concat_parts), not for the outputs
    import pandas as pd

CHUNK_ROWS = 10_000  # rows of a frame written at a time: a Parquet row group
#: … fewer for the frames whose rows are wide, to hold ~2.5 MB of Arrow data a chunk: a row of
#: ``tables`` is ~1 kB (44 columns), of ``indicators`` ~0.45 kB and ``problems`` ~0.4 kB, of
#: ``funds`` ~0.13 kB. A chunk costs a few times its data while it is written (the parts it
#: is read from, the Parquet writer's contiguous copy, the CSV's text).
WIDE_CHUNK_ROWS = {"tables": 2_500, "indicators": 5_000, "problems": 5_000}


def chunk_rows(name: str) -> int:
    """Rows of frame ``name`` written at a time (each chunk is a row group of its Parquet file;
    where chunks end depends on the rows alone: :func:`tables_to_chunks`)."""
    return min(CHUNK_ROWS, WIDE_CHUNK_ROWS.get(name, CHUNK_ROWS))


#: Rows of tables and indicators the duplicates check holds as values, a chunk of files at a
#: time (2,000 until #26's fifth round: each row is a dict and each table's cells a Copy while
#: its chunk is checked, and the larger chunks left ~2 MB more behind at 10,000 files).
CHECK_ROWS = 500


def write_combined(
    out_dir: Path, records: Sequence[FileRecord], formats: Sequence[str], labels: str = "en"
) -> tuple[list[Path], Totals]:
    """Rebuild the combined outputs from the parts of ``records``, in the records' order.

    Over the whole run, the same table read twice is marked (``tables.duplicate_of``) and near
    copies that disagree get a ``conflicting_copies`` problem after the others
    (:mod:`jixiao.score.duplicates`): the columns that needs are read from the parts first."""
    release_freed_memory()  # what writing the parts used, before the checks
    duplicates = parts_to_duplicates(out_dir, records)
    release_freed_memory()  # the cells and digests the check read
    panel = parts_to_panel(out_dir, records, duplicates)

    def chunks(name: str) -> Iterator[pa.Table]:
        release_freed_memory()  # what the frame before used
        if name in PANEL_NAMES:
            yield records_to_arrow(name, getattr(panel, name))
            return
        for chunk in tables_to_chunks(_rows(out_dir, records, name), chunk_rows(name)):
            # one piece a column, and the parts it was sliced from let go before it is written:
            # the Parquet writer takes it as it is (it made this copy itself, parts held)
            table = _concat(name, chunk).combine_chunks()
            del chunk
            yield _marked(name, table, duplicates)
            del table
            release_freed_memory()  # the chunk just written
        if name == "problems" and duplicates.conflicts:
            yield records_to_arrow(name, duplicates_to_problem_records(duplicates))

    written = write_chunks(out_dir, formats, labels, chunks)
    release_freed_memory()  # what the writers used, before the report
    return written


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
    """The duplicates and conflicts among the tables of ``records``: a digest of each table's
    cells, then the cells again of only the tables still to compare
    (:func:`~jixiao.score.duplicates.digests_to_duplicates`)."""
    digests = list(copies_to_digests(_copies(out_dir, records)))

    def copies_at(wanted: Sequence[CopyDigest]) -> list[Copy]:
        ids = {copy.table_id for copy in wanted}
        found = {c.table_id: c for c in _copies(out_dir, records, ids) if c.table_id in ids}
        return [found[copy.table_id] for copy in wanted]

    found = digests_to_duplicates(digests, copies_at)
    del digests
    # held through the outputs: a column of texts, not a dict of one str per table and copy
    return replace(found, duplicate_of=TextMapping(found.duplicate_of))


def _copies(
    out_dir: Path, records: Sequence[FileRecord], table_ids: set[str] | None = None
) -> Iterator[Copy]:
    """The copies among the tables of ``records`` (all of them, or those of ``table_ids``),
    with their cells, in order, read a few files at a time: the columns the check compares,
    and the indicators of those tables only."""
    held: dict[tuple[str, Any], tuple[str, pa.Table]] = {}  # a part read for two chunks once
    for chunk in _record_chunks(records, CHECK_ROWS):
        tables = _values(out_dir, chunk, "tables", TABLE_COLUMNS, table_ids, held)
        if tables:
            indicators = _values(out_dir, chunk, "indicators", INDICATOR_COLUMNS, table_ids, held)
            yield from records_to_copies(tables, indicators)


def _record_chunks(records: Iterable[FileRecord], rows: int) -> Iterator[list[FileRecord]]:
    """Records in runs holding about ``rows`` rows of tables and indicators (a file's rows are
    never split: its indicators stay with its tables)."""
    chunk: list[FileRecord] = []
    held = 0
    for record in records:
        chunk.append(record)
        held += record.tables + record.indicators
        if held >= rows:
            yield chunk
            chunk, held = [], 0
    if chunk:
        yield chunk


def _values(
    out_dir: Path,
    records: Sequence[FileRecord],
    name: str,
    columns: Sequence[str],
    table_ids: Collection[str] | None = None,
    held: dict[tuple[str, Any], tuple[str, pa.Table]] | None = None,
) -> list[dict[str, Any]]:
    """Some columns of the records' rows of one frame as values (of the rows of ``table_ids``
    only, when given: taken as slices, as ``pyarrow.compute`` would load pandas); ``held``
    as for :func:`_rows`."""
    values = []
    for part in _rows(out_dir, records, name, columns, held):
        selected = part.select(list(columns))
        if table_ids is None:
            values.extend(selected.to_pylist())
            continue
        wanted = [str(t) in table_ids for t in selected.column("table_id").to_pylist()]
        for start, stop in _runs(wanted):
            values.extend(selected.slice(start, stop - start).to_pylist())
    return values


def _runs(flags: Sequence[bool]) -> Iterator[tuple[int, int]]:
    """(start, stop) of each run of true flags.

    >>> list(_runs([True, True, False, True])), list(_runs([]))
    ([(0, 2), (3, 4)], [])
    """
    start = None
    for index, flag in enumerate(flags):
        if flag and start is None:
            start = index
        elif not flag and start is not None:
            yield start, index
            start = None
    if start is not None:
        yield start, len(flags)


_REPEATED = ("source_file", "project_key", "read_status")


def parts_to_panel(out_dir: Path, records: Sequence[FileRecord], duplicates: Duplicates) -> Panel:
    """The panel of the tables of ``records`` (:mod:`jixiao.score.panel`), the duplicates
    marked: the columns that group the tables into project-years are read first; the other
    columns, and the indicators, of only the table that gives each project-year's row."""

    shared: dict[str, str] = {}  # texts many tables repeat, held once

    def marked(row: dict[str, Any]) -> dict[str, Any]:
        for name in _REPEATED:
            if isinstance(row[name], str):
                row[name] = shared.setdefault(row[name], row[name])
        kept = duplicates.duplicate_of.get(str(row["table_id"]))  # a new str each: held once
        row["duplicate_of"] = None if kept is None else shared.setdefault(kept, kept)
        return row

    grouped = [marked(row) for row in _values(out_dir, records, "tables", PANEL_GROUP_COLUMNS)]
    firsts = {str(group[0]["table_id"]) for group in tables_to_project_years(grouped).values()}
    rows = _values(out_dir, records, "tables", PANEL_TABLE_COLUMNS, firsts)
    full = {str(row["table_id"]): marked(row) for row in rows}
    tables = [full.get(str(row["table_id"]), row) for row in grouped]
    indicators = _values(out_dir, records, "indicators", PANEL_INDICATOR_COLUMNS, firsts)
    return records_to_panel(tables, indicators)


def _marked(name: str, table: pa.Table, duplicates: Duplicates) -> pa.Table:
    """A chunk of ``tables`` with ``duplicate_of`` set and conflicts counted in its problem
    counts (:func:`~jixiao.score.duplicates.table_with_duplicates`); other frames unchanged."""
    if name != "tables" or not (duplicates.duplicate_of or duplicates.conflicts):
        return table
    columns = ("table_id", "duplicate_of", "problem_count", "warning_count")
    marked: dict[str, list[Any]] = {column: [] for column in columns[1:]}
    # a row at a time, its cells as lists: not a dict per row of the chunk, and a copy of each
    for row in zip(*(table.column(c).to_pylist() for c in columns), strict=True):
        record = table_with_duplicates(dict(zip(columns, row, strict=True)), duplicates)
        for column, values in marked.items():
            values.append(record[column])
    for column, values in marked.items():
        index = table.schema.get_field_index(column)
        field = table.schema.field(column)
        table = table.set_column(index, field, values_to_arrow(values, field.type))
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


def _rows(
    out_dir: Path,
    records: Iterable[FileRecord],
    name: str,
    columns: Sequence[str] | None = None,
    held: dict[tuple[str, Any], tuple[str, pa.Table]] | None = None,
) -> Iterator[pa.Table]:
    """The records' rows of one frame, in order, as few slices of their parts as can be: the
    files of a chunk share a part and usually come one after another, so their rows are taken
    in one slice (a slice per file costs more memory than the rows of a small file). The last
    part read is kept, in ``held`` too when given (for the next records, read in turn), and
    only ``columns`` are read when given."""
    key = (name, None if columns is None else tuple(columns))
    path, table = held.get(key, ("", None)) if held is not None else ("", None)
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
                table = part.read(columns=None if columns is None else list(columns))
                path = relative
            if held is not None:
                held[key] = (path, table)
        first, count = record.slices.get(name, (0, table.num_rows))
        if run is not None and run[1] + run[2] == first:
            run = (relative, run[1], run[2] + count)
            continue
        if run is not None:
            yield table.slice(run[1], run[2])
        run = (relative, first, count)
    if run is not None and table is not None:
        yield table.slice(run[1], run[2])
