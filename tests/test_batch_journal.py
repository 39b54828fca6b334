"""The records of a run from its journal on disk, the manifest written record by record, and
report cards drawn as their tables arrive (#26: flat memory, fixed costs)."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from jixiao.batch.manifest import manifest_files, manifest_of, write_manifest
from jixiao.batch.parts import JOURNAL, PARTS_DIR, FileRecord, Journal, JournalRecords
from jixiao.batch.pool import map_isolated
from jixiao.export.write import Totals
from jixiao.pipeline.runner import FileResult, InputFile, file_to_result
from jixiao.report.build import ReportCollector
from jixiao.report.html import report_to_html
from jixiao.score import load_policy

ROOT = Path(__file__).resolve().parent.parent
TEXTS = sorted(
    [
        *(ROOT / "fixtures" / "synthetic").glob("*.txt"),
        ROOT / "fixtures" / "seed" / "000_a203d4b834672a09.txt",
    ]
)


def _record(name: str, *, seconds: float = 0.5, status: str = "ok") -> FileRecord:
    return FileRecord(
        path=name,
        kind="tsv",
        sha256="ab" * 32,
        bytes=100,
        pages=0,
        status=status,
        tables=1,
        indicators=3,
        problems=2,
        seconds=seconds,
        time_limit=None,
        parts={"tables": "parts/aa/x-1.tables.parquet"},
        slices={"tables": (0, 1)},
    )


RECORDS = {
    "none": [],
    "one": [_record("a.txt")],
    "several": [
        _record("2024/市财政局 决算.txt", seconds=1.23456),
        _record("b.txt", status="failed"),
        _record('c "quoted"\\.txt'),
    ],
}


@pytest.mark.parametrize("records", RECORDS.values(), ids=RECORDS.keys())
def test_manifest_written_record_by_record_is_json_dumps_of_the_whole(
    records: list[FileRecord], tmp_path: Path
) -> None:
    manifest = manifest_of(
        status="complete",
        records=records,
        totals=Totals({"tables": 1, "funds": 0, "indicators": 3, "problems": 2}, {}, {}),
        inputs=["in/"],
        policies=[load_policy("national")],
        settings={"workers": 1},
        started=datetime(2026, 1, 1, tzinfo=UTC),
        seconds=1.0,
        peak_rss_mb={"main": 1.0},
        outputs=[tmp_path / "tables.csv"],
        out_dir=tmp_path,
    )
    path = write_manifest(manifest, tmp_path, records)
    whole = dict(manifest) | {"files": manifest_files(records)["files"]}
    whole["timings"] = dict(manifest["timings"]) | {  # type: ignore[arg-type]
        "seconds_per_file": manifest_files(records)["seconds_per_file"]
    }
    assert (
        path.read_text(encoding="utf-8") == json.dumps(whole, ensure_ascii=False, indent=2) + "\n"
    )
    assert json.loads(path.read_text(encoding="utf-8"))["counts"]["files_failed"] == sum(
        r.failed for r in records
    )


def _journal(folder: Path, records: Sequence[FileRecord], more: Sequence[FileRecord] = ()) -> None:
    journal = Journal(folder, "fp", records)
    journal.extend(more)
    journal.close()


@pytest.mark.parametrize("held", [2_000, 0], ids=["held", "read-again"])
def test_journal_records_are_the_journals_in_name_order(held: int, tmp_path: Path) -> None:
    records = [_record(n) for n in ("c.txt", "a/z.txt", "b.txt", "中文.txt")]
    _journal(tmp_path, records[:2], records[2:])
    read = JournalRecords.read(tmp_path, "fp", held=held)
    assert read is not None
    assert list(read) == sorted(records, key=lambda r: r.path)
    assert [read[i] for i in range(len(read))] == list(read)
    assert list(read[1:3]) == list(read)[1:3]
    assert len(read) == 4


@pytest.mark.parametrize("held", [2_000, 0], ids=["held", "read-again"])
def test_a_files_last_line_wins_and_a_torn_line_is_ignored(held: int, tmp_path: Path) -> None:
    first, again = _record("a.txt", seconds=1.0), _record("a.txt", seconds=2.0)
    _journal(tmp_path, [first, _record("b.txt")], [again])
    path = tmp_path / PARTS_DIR / JOURNAL
    with path.open("ab") as handle:
        handle.write('{"path": "c.txt", "kind": "中'.encode()[:-1])  # killed mid-character
    read = JournalRecords.read(tmp_path, "fp", held=held)
    assert read is not None
    assert [(r.path, r.seconds) for r in read] == [("a.txt", 2.0), ("b.txt", 0.5)]


def test_a_journal_of_other_settings_or_none_gives_none(tmp_path: Path) -> None:
    assert JournalRecords.read(tmp_path, "fp") is None
    _journal(tmp_path, [_record("a.txt")])
    assert JournalRecords.read(tmp_path, "other") is None


def test_records_follow_their_journal_when_the_folder_is_switched_in(tmp_path: Path) -> None:
    _journal(tmp_path / "staging", [_record("a.txt")])
    read = JournalRecords.read(tmp_path / "staging", "fp", held=0)
    assert read is not None
    (tmp_path / "staging").rename(tmp_path / "out")
    assert [r.path for r in read.moved(tmp_path / "out")] == ["a.txt"]


# -- report cards drawn as they come --------------------------------------------------------


@pytest.fixture(scope="module")
def results() -> list[FileResult]:
    policies = (load_policy("national"),)
    files = [InputFile(p, p.name) for p in TEXTS] + [InputFile(TEXTS[0], "zz_seed_again.txt")]
    return [file_to_result(file, policies, material=True) for file in files]


def _page(results: Sequence[FileResult], limit: int, *, draw: bool) -> str:
    collector = ReportCollector(limit, draw=draw)
    drawn = 0
    for result in results:
        collector.add_result(result)
        while collector.draw_next():  # as a run does while its workers read
            drawn += 1
    assert drawn if draw and limit >= len(results[0].rows.tables) else not drawn
    return report_to_html(collector.report(generated="t"))


@pytest.mark.parametrize("limit", [300, 7, 3, 1], ids=["all", "seven", "three", "one"])
@pytest.mark.parametrize("order", ["names", "reversed"])
def test_cards_drawn_as_they_come_are_the_cards_drawn_at_the_end(
    results: list[FileResult], limit: int, order: str
) -> None:
    with_problems = [r.file.name for r in results if r.problems]
    assert len(with_problems) >= 2  # else no file's problems follow another's: no offset tested
    arrived = results if order == "names" else results[::-1]
    assert _page(arrived, limit, draw=True) == _page(results, limit, draw=False)


def _slow_name(file: InputFile) -> str:
    time.sleep(0.05)
    return file.name


def test_idle_work_runs_while_the_workers_read(tmp_path: Path) -> None:
    files = [InputFile(tmp_path / f"{i}.txt", f"{i}.txt") for i in range(3)]
    pieces: list[float] = []

    def idle() -> bool:  # five pieces of work, each done while no result waits
        if len(pieces) == 5:
            return False
        pieces.append(time.monotonic())
        return True

    names = map_isolated(files, _slow_name, str, workers=1, time_limit=None, idle=idle)
    assert sorted(names) == ["0.txt", "1.txt", "2.txt"]
    assert len(pieces) == 5


def test_a_reports_cards_are_made_as_the_page_reads_them(results: list[FileResult]) -> None:
    """A report holds its tables' material, not a card (grid, cells) for each of them: each card
    is made when the page reads it, and let go after (#26); the page numbers them in turn."""
    collector = ReportCollector(300)  # nothing drawn while the files came
    for result in results:
        collector.add_result(result)
    report = collector.report(generated="t")
    assert len(report.cards) > 1
    first = report.cards[0]
    assert first.grid is not None
    assert report.cards[0] is not first  # made again: not held by the report
    assert [c.table_id for c in report.cards] == [c.table_id for c in report.cards[:]]
    page = report_to_html(report)
    assert [f" id='t{n}' " in page for n in range(len(report.cards) + 2)] == [
        False,
        *[True] * len(report.cards),
        False,
    ]
