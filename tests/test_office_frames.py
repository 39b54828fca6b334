"""Golden: every web page, workbook and Word fixture gives exactly the frames of its text tables.

fixtures/office/MANIFEST.json (written by fixtures/make_office_fixtures.py) names, for each file,
the text file and table number of each table it holds, in order, and the problem codes a broken
file must give. Provenance columns (file, kind, reader, page, line) differ by nature and are
left out; every other value, every number included, must be exactly equal, and so must the
problems.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jixiao.pipeline.runner import InputFile, run
from tests.frames_compare import FIXTURES, POLICY, assert_table_equals_text, fixture_frames

MANIFEST = json.loads((FIXTURES / "office" / "MANIFEST.json").read_text(encoding="utf-8"))
#: Problems only a text export can have (a row shifted by a column).
SOURCE_ONLY = {"row_realigned"}
READABLE = sorted(name for name, entry in MANIFEST.items() if entry["tables"])
BROKEN = sorted(name for name, entry in MANIFEST.items() if not entry["tables"])


@pytest.mark.parametrize("name", READABLE)
def test_document_frames_equal_text_frames(name: str) -> None:
    frames = fixture_frames(f"office/{name}")
    expected = MANIFEST[name]["tables"]
    assert list(frames.problems.loc[frames.problems["table_id"] == "", "code"]) == []
    assert len(frames.tables) == len(expected)
    for number, entry in enumerate(expected, start=1):
        doc_id = f"{name}#{number}"
        text_id = f"{Path(entry['text']).name}#{entry['table']}"
        text_frames = fixture_frames(entry["text"])
        assert_table_equals_text(frames, doc_id, text_frames, text_id, SOURCE_ONLY)


@pytest.mark.parametrize("name", BROKEN)
def test_broken_file_is_one_problem_row(name: str) -> None:
    frames = fixture_frames(f"office/{name}")
    assert frames.tables.empty
    assert list(frames.problems["code"]) == MANIFEST[name]["problems"]
    assert list(frames.problems["source_file"]) == [name]


def test_run_goes_on_after_broken_files() -> None:
    names = sorted(MANIFEST)
    files = [InputFile(FIXTURES / "office" / n, n) for n in names]
    result = run(files, POLICY)
    tables = {r.file.name: r.tables for r in result.files}
    assert tables == {n: len(MANIFEST[n]["tables"]) for n in names}
    # junk.html is read and holds no table: a file without a 自评表, not a failure
    assert {r.file.name for r in result.failed} == set(BROKEN) - {"junk.html"}
    assert [r.file.name for r in result.files if r.status == "no_tables"] == ["junk.html"]


@pytest.mark.parametrize(
    ("name", "kind", "reader"),
    [
        ("seed.html", "html", "lxml"),
        ("families_web.xls", "html", "lxml"),
        ("seed.xlsx", "xlsx", "openpyxl"),
        ("synthetic.xls", "xls", "xlrd"),
        ("seed.docx", "docx", "python-docx"),
    ],
    ids=str,
)
def test_source_kind_is_what_the_file_is(name: str, kind: str, reader: str) -> None:
    tables = fixture_frames(f"office/{name}").tables
    assert set(tables["source_kind"]) == {kind}
    assert set(tables["reader"]) == {reader}
