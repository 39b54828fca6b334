"""The output contract: the four tidy frames, their columns and dtypes.

Column names are part of the public interface (README documents them). Numbers are float64
in the frames (computed in Decimal before); whole numbers that may be missing are ``Int64``;
text is pandas ``string``; ``achieved`` is nullable ``boolean``. "No cell" is ``<NA>``,
an empty cell is ``""``. ``extra`` columns hold a JSON object of the cells that have no column
of their own (keyed by the printed header), or ``<NA>`` when there are none.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas and pyarrow load when a frame is first built, not on import
    import pandas as pd
    import pyarrow as pa  # type: ignore[import-untyped]

S, INT, F, B = "string", "Int64", "float64", "boolean"

SCHEMA: dict[str, dict[str, str]] = {
    "tables": {
        "table_id": S,
        "source_file": S,
        "source_kind": S,
        "reader": S,
        "family": S,
        "page_start": INT,
        "page_end": INT,
        "line_start": INT,
        "year": INT,
        "title": S,
        "project_name": S,
        "department": S,
        "implementing_unit": S,
        "money_unit": S,
        "budget_initial": F,
        "budget_adjusted": F,
        "spent": F,
        "execution_weight": F,
        "execution_rate_reported": F,
        "execution_score_reported": F,
        "execution_rate": F,
        "execution_score": F,
        "goal_planned": S,
        "goal_achieved": S,
        "indicator_count": INT,
        "weight_total_reported": F,
        "weight_total": F,
        "score_total_reported": F,
        "score_total_printed_sum": F,
        "score_total": F,
        "grade": S,
        "policy": S,
        "policy_basis": S,
        "policy_runner_up": S,
        "numbers_printed": INT,
        "numbers_reproduced": INT,
        "runner_up_reproduced": INT,
        "read_status": S,
        "problem_count": INT,
        "error_count": INT,
        "warning_count": INT,
        "extra": S,
        "project_key": S,
        "duplicate_of": S,
    },
    "funds": {
        "table_id": S,
        "seq": INT,
        "label": S,
        "budget_initial": F,
        "budget_adjusted": F,
        "spent": F,
        "weight": F,
        "execution_rate_reported": F,
        "score_reported": F,
        "extra": S,
    },
    "indicators": {
        "table_id": S,
        "source_file": S,
        "page": INT,
        "line": INT,
        "seq": INT,
        "level1": S,
        "level2": S,
        "level3": S,
        "target_text": S,
        "actual_text": S,
        "weight": F,
        "score_reported": F,
        "deviation_note": S,
        "target_kind": S,
        "target_op": S,
        "target_value": F,
        "target_upper": F,
        "target_unit": S,
        "actual_value": F,
        "actual_unit": S,
        "direction": S,
        "achieved": B,
        "completion_ratio": F,
        "score": F,
        "score_delta": F,
        "rule": S,
        "explanation": S,
        "extra": S,
        "indicator_key": S,
    },
    "problems": {
        "table_id": S,
        "source_file": S,
        "project_name": S,
        "department": S,
        "page": INT,
        "line": INT,
        "row": INT,
        "col": INT,
        "field": S,
        "severity": S,
        "code": S,
        "kind": S,
        "message": S,
        "expected": S,
        "found": S,
    },
}
FRAME_NAMES = tuple(SCHEMA)

#: The panel frames, built over a whole run from the four (:mod:`jixiao.score.panel`): one row
#: per project and year, one per indicator and year. Written beside the four in every format.
PANEL_SCHEMA: dict[str, dict[str, str]] = {
    "projects": {
        "project_key": S,
        "year": INT,
        "department": S,
        "project_name": S,
        "table_id": S,
        "table_ids": S,
        "table_count": INT,
        "read_status": S,
        "budget_adjusted": F,
        "spent": F,
        "execution_rate_reported": F,
        "execution_rate": F,
        "indicator_count": INT,
        "weight_total_reported": F,
        "score_total_reported": F,
        "score_total": F,
        "grade": S,
        "full_score_low_execution": B,
    },
    "series": {
        "project_key": S,
        "indicator_key": S,
        "year": INT,
        "table_id": S,
        "level1": S,
        "level2": S,
        "level3": S,
        "target_text": S,
        "actual_text": S,
        "target_op": S,
        "target_value": F,
        "target_unit": S,
        "actual_value": F,
        "actual_unit": S,
        "direction": S,
        "achieved": B,
        "weight": F,
        "score_reported": F,
        "score": F,
        "target_lowered_after_exceeded": B,
        "target_equals_previous_actual": B,
        "target_repeated": B,
    },
}
PANEL_NAMES = tuple(PANEL_SCHEMA)
#: Every frame written: the four and the panel.
OUTPUT_SCHEMA: dict[str, dict[str, str]] = {**SCHEMA, **PANEL_SCHEMA}
OUTPUT_NAMES = tuple(OUTPUT_SCHEMA)

Record = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Frames:
    """The four output frames of one table, one file, or a whole run."""

    tables: pd.DataFrame
    funds: pd.DataFrame
    indicators: pd.DataFrame
    problems: pd.DataFrame

    def items(self) -> list[tuple[str, pd.DataFrame]]:
        return [(name, getattr(self, name)) for name in FRAME_NAMES]


@dataclass(frozen=True, slots=True)
class Rows:
    """The rows of the four frames of one table, one file, or a whole run, as plain records.

    What a table's scoring and a file's reading produce and what travels between processes:
    building a DataFrame costs more than reading a small table, so frames are built once, at
    the end (:func:`rows_to_frames`, :func:`records_to_arrow`), each with its schema.
    """

    tables: tuple[Record, ...] = ()
    funds: tuple[Record, ...] = ()
    indicators: tuple[Record, ...] = ()
    problems: tuple[Record, ...] = ()

    def items(self) -> list[tuple[str, tuple[Record, ...]]]:
        return [(name, getattr(self, name)) for name in FRAME_NAMES]

    def __len__(self) -> int:
        """Rows in all four frames."""
        return sum(len(records) for _, records in self.items())


def records_by_table(records: Iterable[Record]) -> dict[str, list[Record]]:
    """Records grouped by their ``table_id``, in their order, in one pass."""
    grouped: dict[str, list[Record]] = {}
    for record in records:
        grouped.setdefault(str(record.get("table_id")), []).append(record)
    return grouped


def concat_rows(parts: Iterable[Rows]) -> Rows:
    """The rows of many tables or files, one after another.

    >>> len(concat_rows([Rows(tables=({"table_id": "a#1"},)), Rows(problems=({},))]))
    2
    """
    parts = list(parts)
    return Rows(**{name: tuple(r for p in parts for r in getattr(p, name)) for name in FRAME_NAMES})


def rows_to_frames(rows: Rows) -> Frames:
    """The four frames of some rows, each built once with the contract's dtypes."""
    return Frames(**{name: records_to_frame(name, records) for name, records in rows.items()})


def arrow_schema(name: str) -> pa.Schema:
    """The Arrow schema of a frame: what its pandas dtypes are stored as."""
    import pyarrow as pa  # noqa: PLC0415 - pyarrow, ~0.2 s: `jixiao --help` loads this module

    types = {S: pa.large_string(), INT: pa.int64(), F: pa.float64(), B: pa.bool_()}
    return pa.schema([(col, types[dtype]) for col, dtype in OUTPUT_SCHEMA[name].items()])


def records_to_arrow(name: str, records: Iterable[Record]) -> pa.Table:
    """An Arrow table of a frame's records, typed by its schema (a column a record lacks is
    null; keys outside the schema are left out)."""
    return pylist_to_arrow(list(records), arrow_schema(name))


def pylist_to_arrow(records: Sequence[Record], schema: pa.Schema) -> pa.Table:
    """``pa.Table.from_pylist(records, schema=schema)``, the same table, without loading pandas.

    pyarrow's converters from Python objects (``pa.array``, ``from_pylist``) import pandas to
    ask whether an object is a pandas one: 0.4 s of CPU for a run that never uses it. The
    records go through pyarrow's JSON reader instead (floats are written by ``repr`` and read
    back exactly). A record it cannot take that way (a NaN or an infinity, which JSON lacks, a
    value of another type, text that is not valid Unicode) sends the whole list to
    ``from_pylist``, which converts, or raises, as before.
    """
    import pyarrow as pa  # noqa: PLC0415 - pyarrow, ~0.2 s: `jixiao --help` loads this module
    import pyarrow.json as pa_json  # type: ignore[import-untyped]  # noqa: PLC0415 - as above

    if not records:
        return schema.empty_table()
    try:
        lines = "\n".join([json.dumps(r, ensure_ascii=False, allow_nan=False) for r in records])
        table = pa_json.read_json(
            io.BytesIO(lines.encode("utf-8")),
            read_options=pa_json.ReadOptions(use_threads=False),
            parse_options=pa_json.ParseOptions(
                explicit_schema=schema, unexpected_field_behavior="ignore"
            ),
        )
        table = table.select(schema.names)
        return table if table.schema == schema else table.cast(schema)  # cast loads compute
    except (TypeError, ValueError, pa.ArrowException):
        return pa.Table.from_pylist(list(records), schema=schema)


def values_to_arrow(values: list[Any], type_: pa.DataType) -> pa.ChunkedArray:
    """``pa.array(values, type_)`` (as a chunked array), without loading pandas
    (:func:`pylist_to_arrow`)."""
    import pyarrow as pa  # noqa: PLC0415 - pyarrow, ~0.2 s: `jixiao --help` loads this module

    table = pylist_to_arrow([{"v": v} for v in values], pa.schema([("v", type_)]))
    return table.column(0)


def arrow_to_frame(name: str, table: pa.Table) -> pd.DataFrame:
    """A frame with exactly the contract's columns and dtypes from an Arrow table of them."""
    import pandas as pd  # noqa: PLC0415 - pandas, ~0.6 s: `jixiao run` never loads it
    import pyarrow as pa  # noqa: PLC0415 - pyarrow, ~0.2 s: `jixiao --help` loads this module

    mapping = {
        pa.large_string(): pd.StringDtype("pyarrow"),
        pa.string(): pd.StringDtype("pyarrow"),
        pa.int64(): pd.Int64Dtype(),
        pa.bool_(): pd.BooleanDtype(),
    }
    frame: pd.DataFrame = table.select(list(OUTPUT_SCHEMA[name])).to_pandas(
        types_mapper=mapping.get
    )
    return frame


def frame_to_arrow(name: str, frame: pd.DataFrame) -> pa.Table:
    """An Arrow table of a frame's contract columns, typed by its schema (the reverse of
    :func:`arrow_to_frame`; NaN and ``<NA>`` become null)."""
    import pyarrow as pa  # noqa: PLC0415 - pyarrow, ~0.2 s: `jixiao --help` loads this module

    columns = list(OUTPUT_SCHEMA[name])
    return pa.Table.from_pandas(frame[columns], schema=arrow_schema(name), preserve_index=False)


def records_to_frame(name: str, records: Iterable[Record]) -> pd.DataFrame:
    """A frame with exactly the contract's columns and dtypes, in order."""
    return arrow_to_frame(name, records_to_arrow(name, records))


def empty_frame(name: str) -> pd.DataFrame:
    return records_to_frame(name, [])


def concat_frames(parts: Iterable[Frames]) -> Frames:
    """Stack the frames of many tables or files, keeping the contract's dtypes."""
    import pandas as pd  # noqa: PLC0415 - pandas, ~0.6 s: `jixiao run` never loads it

    parts = list(parts)
    stacked = {}
    for name in FRAME_NAMES:
        pieces = [getattr(p, name) for p in parts if len(getattr(p, name))]
        frame = pd.concat(pieces, ignore_index=True) if pieces else empty_frame(name)
        stacked[name] = frame.astype(SCHEMA[name])
    return Frames(**stacked)
