"""The combined CSV and Parquet files are written without pandas, and are what pandas would write.

``jixiao run`` never loads pandas (about 0.4 s of CPU a run): the CSV is formatted by the csv
module and the Parquet schema carries the pandas metadata by hand. These tests hold both to
pandas itself, the oracle: ``DataFrame.to_csv`` of the same frame, and ``pa.Schema.from_pandas``
of it, on tables drawn at random (every dtype of the contract, missing values, NaN, infinities,
text that needs quoting or the formula guard) and on a whole run over the fixtures.
"""

from __future__ import annotations

import io
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.batch import combine, parts
from jixiao.cli.main import main
from jixiao.export.labels_zh import column_labels, frame_columns, localize
from jixiao.export.write import Chunk, csv_cell, pandas_metadata, write_chunks
from jixiao.model.frames import OUTPUT_NAMES, arrow_schema, pylist_to_arrow
from jixiao.score import FRAME_NAMES, SCHEMA
from tests.conftest import SEED

LABELS = ("en", "zh")
_TEXT = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["=100%", "-5%", "+A1", "'x", "a,b", 'say "hi"', "two\nlines", "", " "]),
)
_VALUES = {
    "string": _TEXT,
    "Int64": st.integers(min_value=-(2**63), max_value=2**63 - 1),
    "float64": st.floats(allow_nan=True, allow_infinity=True),
    "boolean": st.booleans(),
}
# The vocabulary columns that --labels zh translates: drawn from their words too.
_WORDS = {
    "severity": st.sampled_from(["error", "warning", "info"]),
    "kind": st.sampled_from(["rounding", "unknown-kind"]),
    "read_status": st.sampled_from(["complete", "partial", "unscored"]),
    "policy": st.sampled_from(["national", "national[rate=truncate,step=0.5]", "mine"]),
    "code": st.sampled_from(["table_not_read", "score_mismatch", "no_such_code"]),
}


@st.composite
def records(draw: st.DrawFn, name: str) -> list[dict[str, Any]]:
    rows = []
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        row = {}
        for column, dtype in SCHEMA[name].items():
            if draw(st.booleans()):  # else missing: the column is null
                row[column] = draw(_WORDS.get(column, _VALUES[dtype]) | st.none())
        rows.append(row)
    return rows


def _oracle_frame(name: str, table: pa.Table, labels: str) -> pd.DataFrame:
    """The frame pandas would be given: the chunk as written, in the contract's dtypes."""
    mapping = {
        pa.large_string(): pd.StringDtype("pyarrow"),
        pa.int64(): pd.Int64Dtype(),
        pa.bool_(): pd.BooleanDtype(),
    }
    frame: pd.DataFrame = localize(name, table, labels).to_pandas(types_mapper=mapping.get)
    return frame


def _oracle_csv(name: str, frame: pd.DataFrame, labels: str) -> bytes:
    """pandas' CSV of the frame, text cells through the formula guard."""
    safe = frame.copy()
    for column, dtype in safe.dtypes.items():
        if dtype == "string":
            safe[column] = safe[column].map(csv_cell, na_action="ignore")
    header = column_labels(name, frame_columns(name, labels), labels)
    text = safe.to_csv(index=False, header=header, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def _write(tmp_path: Path, name: str, table: pa.Table, labels: str) -> Path:
    out = tmp_path / labels
    chunks = {n: arrow_schema(n).empty_table() for n in OUTPUT_NAMES} | {name: table}
    write_chunks(out, ("csv", "parquet"), labels, lambda n: iter([chunks[n]]))
    return out


@pytest.mark.parametrize("labels", LABELS)
@pytest.mark.parametrize("name", FRAME_NAMES)
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_csv_and_parquet_are_what_pandas_writes(
    tmp_path: Path, name: str, labels: str, data: st.DataObject
) -> None:
    table = pylist_to_arrow(data.draw(records(name)), arrow_schema(name))
    out = _write(tmp_path, name, table, labels)
    frame = _oracle_frame(name, table, labels)

    assert (out / f"{name}.csv").read_bytes() == _oracle_csv(name, frame, labels)

    header = column_labels(name, frame_columns(name, labels), labels)
    expected = pa.Table.from_pandas(frame.set_axis(header, axis=1), preserve_index=False)
    written = pq.read_table(out / f"{name}.parquet")
    assert written.schema.metadata == expected.schema.metadata
    assert written.equals(expected)
    back = pd.read_parquet(out / f"{name}.parquet")
    assert [str(t) for t in back.dtypes] == [str(t) for t in frame.dtypes]


@pytest.mark.parametrize("labels", LABELS)
@pytest.mark.parametrize("name", FRAME_NAMES)
def test_the_parquet_metadata_is_pyarrows_own(name: str, labels: str) -> None:
    frame = _oracle_frame(name, arrow_schema(name).empty_table(), labels)
    header = column_labels(name, frame_columns(name, labels), labels)
    schema = pa.Schema.from_pandas(frame.set_axis(header, axis=1), preserve_index=False)
    assert pandas_metadata(schema) == schema.metadata[b"pandas"]


@settings(max_examples=200, deadline=None)
@given(rows=st.sampled_from(FRAME_NAMES).flatmap(lambda n: st.tuples(st.just(n), records(n))))
def test_records_become_the_table_from_pylist_makes(rows: tuple[str, list[dict[str, Any]]]) -> None:
    name, found = rows
    schema = arrow_schema(name)
    made, expected = pylist_to_arrow(found, schema), pa.Table.from_pylist(found, schema=schema)
    assert made.schema == expected.schema
    assert _same(made.to_pylist(), expected.to_pylist())


def _same(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> bool:
    """Equal, NaN equal to NaN."""

    def key(value: Any) -> Any:
        return "NaN" if isinstance(value, float) and math.isnan(value) else value

    return [{k: key(v) for k, v in r.items()} for r in a] == [
        {k: key(v) for k, v in r.items()} for r in b
    ]


@pytest.mark.parametrize(
    "record",
    [
        {"table_id": 5},  # an int where text belongs
        {"weight": "ten"},  # text where a number belongs
        {"table_id": "bad \ud800 text"},  # not valid Unicode
    ],
    ids=["int-as-text", "text-as-number", "lone-surrogate"],
)
def test_records_from_pylist_refuses_are_refused_the_same_way(record: dict[str, Any]) -> None:
    schema = arrow_schema("indicators")
    with pytest.raises((pa.ArrowException, TypeError, ValueError)) as expected:
        pa.Table.from_pylist([record], schema=schema)
    with pytest.raises(type(expected.value)):
        pylist_to_arrow([record], schema)


_NO_PANDAS = """
import builtins, sys
from pathlib import Path
marker = Path(sys.argv[1])

class Refuse:  # forked workers inherit it: any process that loads pandas leaves the marker
    def find_spec(self, name, path=None, target=None):
        if name == "pandas":
            marker.write_text("pandas loaded")
        return None

sys.meta_path.insert(0, Refuse())
from jixiao.cli.main import main
sys.argv = ["jixiao", *sys.argv[2:]]
try:
    main()
except SystemExit as stop:
    assert not stop.code, stop.code
"""


@pytest.mark.parametrize(
    "options",
    [["-j", "1"], ["-j", "2", "--labels", "zh", "-f", "csv", "-f", "parquet", "-f", "xlsx"]],
    ids=["default", "zh-xlsx"],
)
def test_a_run_never_loads_pandas(tmp_path: Path, options: list[str]) -> None:
    marker = tmp_path / "marker"
    command = [sys.executable, "-c", _NO_PANDAS, str(marker), "run", str(SEED), "-o"]
    subprocess.run([*command, str(tmp_path / "out"), "-q", *options], check=True, timeout=300)
    assert (tmp_path / "out" / "report.html").exists()
    assert not marker.exists()


def test_the_seed_run_reads_back_as_the_contract(tmp_path: Path) -> None:
    # the end of the road for an analyst: pandas reads the files jixiao wrote without pandas
    assert CliRunner().invoke(main, ["run", str(SEED), "-o", str(tmp_path), "-q"]).exit_code == 0
    for name in FRAME_NAMES:
        frame = pd.read_parquet(tmp_path / f"{name}.parquet")
        assert {c: str(t) for c, t in frame.dtypes.items()} == SCHEMA[name]
        csv_frame = pd.read_csv(io.BytesIO((tmp_path / f"{name}.csv").read_bytes()))
        assert len(csv_frame) == len(frame) > 0


def test_outputs_written_in_many_chunks_equal_one_chunk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = SEED.parent.parent / "families"  # seven text files: the rows of several parts
    whole, chunked = tmp_path / "whole", tmp_path / "chunked"
    assert CliRunner().invoke(main, ["run", str(files), "-o", str(whole), "-q"]).exit_code == 0
    monkeypatch.setattr(parts, "CHUNK_FILES", 1)  # each file its own part, not by timing
    monkeypatch.setattr(combine, "CHUNK_ROWS", 7)  # a chunk as soon as 7 rows are waiting
    assert CliRunner().invoke(main, ["run", str(files), "-o", str(chunked), "-q"]).exit_code == 0
    for name in FRAME_NAMES:
        assert (chunked / f"{name}.csv").read_bytes() == (whole / f"{name}.csv").read_bytes()
        written = pq.ParquetFile(chunked / f"{name}.parquet")
        if name == "indicators":
            assert written.metadata.num_row_groups > 1
        pd.testing.assert_frame_equal(
            pd.read_parquet(chunked / f"{name}.parquet"), pd.read_parquet(whole / f"{name}.parquet")
        )


def test_row_groups_do_not_depend_on_how_rows_were_split_into_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same files give the same Parquet bytes, row groups included, whatever parts their
    rows were written in (the order files finish in, a worker count, a cluster): a row group
    ends every CHUNK_ROWS rows, not where a part ends. Before, a chunk ended at the first part
    boundary past CHUNK_ROWS, so a run on a cluster and one on local workers differed."""
    files = SEED.parent.parent / "families"
    monkeypatch.setattr(combine, "CHUNK_ROWS", 7)
    one, many = tmp_path / "one-part", tmp_path / "a-part-a-file"
    assert CliRunner().invoke(main, ["run", str(files), "-o", str(one), "-q"]).exit_code == 0
    monkeypatch.setattr(parts, "CHUNK_FILES", 1)
    assert CliRunner().invoke(main, ["run", str(files), "-o", str(many), "-q"]).exit_code == 0
    assert len(list((many / "parts").rglob("*.indicators.parquet"))) > len(
        list((one / "parts").rglob("*.indicators.parquet"))
    )
    for name in FRAME_NAMES:
        assert (many / f"{name}.parquet").read_bytes() == (one / f"{name}.parquet").read_bytes()


@pytest.mark.parametrize(
    "values",
    [
        [1.5, None, math.nan, -0.0],
        [math.nan, math.nan],
        [None, None],
        [1.5, None],
        [math.inf, -math.inf, None],
        [],
        [*[2.5] * 1_500, math.nan, None],
    ],
    ids=[
        "all-kinds",
        "only-nan",
        "only-missing",
        "no-nan",
        "infinities",
        "no-rows",
        "second-piece",
    ],
)
def test_a_float_nan_is_written_missing_in_parquet_as_in_csv(
    tmp_path: Path, values: list[float | None]
) -> None:
    """NaN in a float column is missing in both formats, as pandas writes it (the chunk is
    searched for NaN a piece of CSV_ROWS rows at a time: a NaN past the first piece counts)."""
    rows = [{"table_id": f"t{i}", "budget_initial": v} for i, v in enumerate(values)]
    table = pylist_to_arrow(rows, arrow_schema("tables"))
    chunk = Chunk(table)
    has_nan = any(v is not None and math.isnan(v) for v in values)
    assert ("budget_initial" in chunk.with_nan()) is has_nan
    out = _write(tmp_path, "tables", table, "en")
    expected = [None if v is not None and math.isnan(v) else v for v in values]
    written = pq.read_table(out / "tables.parquet").column("budget_initial").to_pylist()
    assert written == expected
    frame = pd.read_csv(out / "tables.csv", encoding="utf-8-sig", dtype={"budget_initial": float})
    read = [None if math.isnan(v) else v for v in frame["budget_initial"]]
    assert read == expected


def test_a_wide_frame_is_written_in_smaller_row_groups(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``tables`` (~1 kB a row in Arrow) is written a quarter as many rows at a time as the
    other frames: its row groups end every WIDE_CHUNK_ROWS rows, the others' every CHUNK_ROWS."""
    files = SEED.parent.parent / "families"
    monkeypatch.setattr(combine, "CHUNK_ROWS", 7)
    monkeypatch.setattr(combine, "WIDE_CHUNK_ROWS", {"tables": 2})
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["run", str(files), "-o", str(out), "-q"]).exit_code == 0

    def groups(name: str) -> list[int]:
        meta = pq.ParquetFile(out / f"{name}.parquet").metadata
        return [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]

    tables, indicators = groups("tables"), groups("indicators")
    assert len(tables) > 1
    assert set(tables[:-1]) == {2}
    assert tables[-1] <= 2
    assert len(indicators) > 1
    assert set(indicators[:-1]) == {7}
    assert indicators[-1] <= 7
    assert combine.chunk_rows("funds") == 7  # not wide: the frames' own rows
