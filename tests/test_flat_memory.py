"""What a run holds for every file it reads grows by bytes a file, not objects (#26, round 5):
the report's counts and the order of every table (:class:`~jixiao.report.build.ReportCollector`)
as columns (:class:`~jixiao.batch.columns.TextColumn`, arrays)."""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.batch import combine, parts, pool
from jixiao.batch.columns import InputFiles, TextColumn, TextMapping
from jixiao.batch.run import BatchSettings, run_batch
from jixiao.pipeline.discover import discover
from jixiao.pipeline.runner import FileResult, InputFile, file_to_result
from jixiao.report.build import InputPaths, ReportCollector, table_order
from jixiao.score import Rows
from jixiao.score.duplicates import Duplicates
from jixiao.score.policy import load_policy
from tests.conftest import SEED

FAMILIES = SEED.parent.parent / "families"  # seven one-table text files


@pytest.fixture(scope="module")
def one_table() -> FileResult:
    path = sorted(FAMILIES.glob("*.txt"))[0]
    return file_to_result(InputFile(path, "a.txt"), [load_policy("national")])


def _renamed(result: FileResult, name: str) -> Rows:
    """The rows of ``result`` as if they were read from file ``name`` (fresh texts, as the
    rows a worker sends are)."""

    def moved(record: dict[str, object]) -> dict[str, object]:
        table = str(record.get("table_id") or "")
        number = table.rsplit("#", 1)[-1] if "#" in table else ""
        return {**record, "source_file": name, "table_id": f"{name}#{number}" if table else ""}

    rows = result.rows
    return Rows(
        tables=tuple(moved(r) for r in rows.tables),
        funds=(),
        indicators=tuple(moved(r) for r in rows.indicators),
        problems=tuple(moved(r) for r in rows.problems),
    )


def _bytes_per_file(add: Callable[[int], None], start: int, files: int) -> float:
    """Python memory held per file between ``start`` and ``start + files`` files added."""
    for i in range(start):
        add(i)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i in range(start, start + files):
            add(i)
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    return (after - before) / files


def test_the_report_keeps_about_a_hundred_bytes_a_one_table_file(one_table: FileResult) -> None:
    """An object, a list and a copy of the name per file, a tuple of the key and the id per
    table, took ~0.55 kB a one-table file (5.5 MB of a 10,000-file run, all through it)."""
    collector = ReportCollector(limit=0)

    def add(i: int) -> None:
        name = f"{i // 100:03d}/{i:05d}_自评表.txt"
        collector.add_rows(name, "tsv", _renamed(one_table, name))

    assert _bytes_per_file(add, 500, 3_000) < 200


def _containers(value: object, depth: int = 2) -> list[object]:
    """The lists, dicts, tuples and sets in ``value``'s attributes, ``depth`` levels down."""
    found: list[object] = []
    names = getattr(value, "__dict__", None) or {
        n: getattr(value, n) for c in type(value).__mro__ for n in getattr(c, "__slots__", ())
    }
    for attribute in names.values() if isinstance(names, dict) else ():
        if isinstance(attribute, list | dict | tuple | set):
            found.append(attribute)
        elif depth > 1 and not isinstance(attribute, str | int | float | bytes | bytearray):
            found += _containers(attribute, depth - 1)
    return found


def test_the_report_holds_its_files_and_tables_as_columns(one_table: FileResult) -> None:
    """No list or dict with an entry per file or table: arrays and one buffer of texts."""
    collector = ReportCollector(limit=0)
    for i in range(50):
        name = f"{i:03d}.txt"
        collector.add_rows(name, "tsv", _renamed(one_table, name))
    grown = [c for c in _containers(collector) if len(c) >= 50]  # type: ignore[arg-type]
    assert not grown, "a container with an entry per file or table"


def test_the_report_of_files_out_of_order_and_repeated_is_as_in_name_order(
    one_table: FileResult,
) -> None:
    """Files that come out of name order, or twice (their counts added), give the report the
    same counts, problem rows and order of tables as the files in name order."""
    names = [f"{i:02d}.txt" for i in range(12)]
    ordered, shuffled = ReportCollector(limit=3), ReportCollector(limit=3)
    for name in names:
        ordered.add_rows(name, "tsv", _renamed(one_table, name))
    for name in [*names[6:], *names[:6]]:
        shuffled.add_rows(name, "tsv", _renamed(one_table, name))
    first, second = ordered.report(), shuffled.report()
    assert list(first.omitted) == list(second.omitted)
    assert first.summary == second.summary
    assert first.file_problems == second.file_problems
    assert [c.table_id for c in first.cards] == [c.table_id for c in second.cards]
    assert len(first.omitted) == 9
    assert list(first.omitted[1:3]) == list(first.omitted)[1:3]
    twice = ReportCollector(limit=3)
    rows = _renamed(one_table, "a.txt")
    twice.add_rows("a.txt", "tsv", rows)
    twice.add_rows("a.txt", "tsv", replace(rows, tables=()))
    report = twice.report()
    assert report.summary.problems == 2 * len(rows.problems)
    assert report.files == ("a.txt",)


def test_the_tables_not_shown_are_in_the_order_of_their_keys_then_ids() -> None:
    """Every table's order, held as columns, sorts as the pairs of its key and id did."""
    results = [
        file_to_result(InputFile(path, path.name), [load_policy("national")])
        for path in sorted(FAMILIES.glob("*.txt"))
    ]
    collector = ReportCollector(limit=2)
    expected = []
    for i, result in enumerate(results * 3):
        name = f"{(i * 7) % 21:02d}.txt"  # out of name order
        rows = _renamed(result, name)
        extra = replace(rows, tables=tuple({**t, "table_id": "xw"[i % 2]} for t in rows.tables))
        for added in (rows, extra):  # "x", "w": number 0, the same key
            collector.add_rows(name, "tsv", added)
            for table in added.tables:
                tid = str(table["table_id"])
                severities = [str(p["severity"]) for p in rows.problems if p["table_id"] == tid]
                expected.append((table_order(severities, name, tid), tid))
    report = collector.report()
    shown = [card.table_id for card in report.cards]
    assert [*shown, *report.omitted] == [tid for _, tid in sorted(expected)]


@given(st.lists(st.text(max_size=6), max_size=40))
def test_a_text_column_gives_back_what_it_was_given(texts: list[str]) -> None:
    column = TextColumn(indexed=True)
    for text in texts:
        column.append(text)
    assert list(column) == texts
    assert [column[i] for i in range(len(texts))] == texts
    assert column[-1:] == texts[-1:]
    for text in texts:
        assert column.find(text) == texts.index(text)
    assert column.find("not held: longer than six") is None


def test_a_text_column_costs_its_utf8_bytes_and_offsets() -> None:
    names = [f"{i // 100:03d}/{i:05d}_自评表.txt" for i in range(10_000)]
    column = TextColumn(names, indexed=True)
    assert column.nbytes() < 10_000 * (len(names[0].encode("utf-8")) + 8 + 32)


def test_a_runs_input_files_are_held_as_columns(tmp_path: Path) -> None:
    """``jixiao.run`` holds its inputs as two columns of text (~0.1 kB a file), not an
    InputFile with its two texts per file (~0.34 kB); each file is made when it is read."""

    def traced(make: Callable[[], object]) -> tuple[object, int]:
        gc.collect()
        tracemalloc.start()
        try:
            made = make()
            return made, tracemalloc.get_traced_memory()[0]
        finally:
            tracemalloc.stop()

    def listed() -> list[InputFile]:
        return [
            InputFile.at(
                str(tmp_path / f"{i // 100:03d}" / f"{i:05d}_自评表.txt"), f"{i:05d}_自评表.txt"
            )
            for i in range(3_000)
        ]

    found, as_objects = traced(listed)
    files, as_columns = traced(lambda: InputFiles(found))  # type: ignore[arg-type]
    assert isinstance(files, InputFiles)
    assert as_columns < as_objects / 2
    assert as_columns < 3_000 * 160
    assert len(files) == 3_000
    assert files[7] == InputFile(str(tmp_path / "000" / "00007_自评表.txt"), "00007_自评表.txt")
    assert [f.name for f in files][:2] == ["00000_自评表.txt", "00001_自评表.txt"]
    assert not _containers(files)
    sources = InputPaths(files)
    assert sources["00002_自评表.txt"] == tmp_path / "000" / "00002_自评表.txt"
    assert "x.txt" not in sources
    assert len(sources) == 3_000
    assert list(sources)[:1] == ["00000_自评表.txt"]


def test_the_workers_take_files_from_the_runs_sequence_as_they_are_given() -> None:
    """No queue of every file: ``map_isolated`` takes each file from the sequence when a
    worker gets it; files given back come first, in their order."""
    read: list[int] = []

    class Files(Sequence[InputFile]):
        def __len__(self) -> int:
            return 5

        def __getitem__(self, index):  # type: ignore[no-untyped-def, override]
            read.append(index)
            return InputFile(f"{index}.txt", f"{index}.txt")

    pending = pool._Pending(Files())
    assert read == []
    first, second = pending.popleft(), pending.popleft()
    assert read == [0, 1]
    pending.extendleft(reversed([first, second]))
    assert len(pending) == 5
    assert [pending.popleft().name for _ in range(5)] == [f"{i}.txt" for i in range(5)]
    assert read == [0, 1, 2, 3, 4]


def test_a_run_of_input_files_gives_the_outputs_of_a_list(tmp_path: Path) -> None:
    files = discover([FAMILIES])
    policies = [load_policy("national")]
    out = tmp_path / "columns"
    run_batch(InputFiles(files), policies, out, BatchSettings(workers=1))
    run_batch(files, policies, tmp_path / "list", BatchSettings(workers=1))
    for name in ("tables.csv", "indicators.csv", "problems.csv"):
        assert (out / name).read_bytes() == (tmp_path / "list" / name).read_bytes()


def test_the_end_of_a_run_holds_duplicate_of_as_columns_and_writes_whole_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``duplicate_of`` (an entry per copy) is held through the outputs as a TextMapping,
    not a dict of str; each chunk reaches the writers in one piece a column, the parts it was
    sliced from let go (the Parquet writer copied it into one piece with them held)."""
    inputs = tmp_path / "in"
    for i, path in enumerate(sorted(FAMILIES.glob("*.txt")) * 2):  # every table read twice
        (inputs / str(i)).mkdir(parents=True)
        (inputs / str(i) / path.name).write_bytes(path.read_bytes())
    monkeypatch.setattr(parts, "CHUNK_FILES", 1)  # a part a file: chunks of many slices
    monkeypatch.setattr(combine, "WIDE_CHUNK_ROWS", {"tables": 5})
    found: list[Duplicates] = []
    pieces: list[int] = []
    checked = combine.parts_to_duplicates
    writer = combine.write_chunks

    def check(*args: object) -> Duplicates:
        found.append(checked(*args))  # type: ignore[arg-type]
        return found[-1]

    def write(out: Path, formats: object, labels: str, chunks: Callable[[str], object]) -> object:
        def counted(name: str) -> object:
            for table in chunks(name):  # type: ignore[attr-defined]
                if name == "tables":
                    pieces.append(max(column.num_chunks for column in table.columns))
                yield table

        return writer(out, formats, labels, counted)  # type: ignore[arg-type]

    monkeypatch.setattr(combine, "parts_to_duplicates", check)
    monkeypatch.setattr(combine, "write_chunks", write)
    run_batch(
        discover([inputs]), [load_policy("national")], tmp_path / "out", BatchSettings(workers=1)
    )
    [duplicates] = found
    assert isinstance(duplicates.duplicate_of, TextMapping)
    assert len(duplicates.duplicate_of) >= 7  # the second reading of each, at least
    assert len(pieces) > 1
    assert set(pieces) == {1}
