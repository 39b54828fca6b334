"""What the golden frame tests share: a fixture read into frames, and one table of another
reading compared with a table read from text, provenance left out (tests/test_pdf_frames.py,
tests/test_office_frames.py, tests/test_scan_frames.py)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from functools import cache
from pathlib import Path

import pandas as pd

from jixiao.pipeline.runner import InputFile, file_to_result
from jixiao.score import Frames, load_policy

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
POLICY = (load_policy("national"),)
#: Columns that differ by nature between two readings of one table (file, kind, reader, page,
#: line), left out of the comparison.
PROVENANCE = {
    "tables": [
        "table_id",
        "source_file",
        "source_kind",
        "reader",
        "page_start",
        "page_end",
        "line_start",
    ],
    "funds": ["table_id"],
    "indicators": ["table_id", "source_file", "page", "line"],
}


@cache
def fixture_frames(relative: str) -> Frames:
    """The frames of a fixture file (``relative`` to fixtures/), read once per test run."""
    path = FIXTURES / relative
    return file_to_result(InputFile(path, path.name), POLICY).frames


def table_rows(frames: Frames, name: str, table_id: str) -> pd.DataFrame:
    """One table's rows of one frame, without the provenance columns."""
    frame = getattr(frames, name)
    return frame[frame["table_id"] == table_id].drop(columns=PROVENANCE[name])


def problem_keys(
    frames: Frames, table_id: str, source_only: Collection[str]
) -> Counter[tuple[str, str, str, str]]:
    """One table's problems as (code, field, expected, found), those of ``source_only`` codes
    (problems only one kind of source can have) left out."""
    p = frames.problems[frames.problems["table_id"] == table_id]
    return Counter(
        (code, field, expected, found)
        for code, field, expected, found in p[["code", "field", "expected", "found"]].itertuples(
            index=False
        )
        if code not in source_only
    )


def assert_table_equals_text(
    frames: Frames,
    table_id: str,
    text_frames: Frames,
    text_id: str,
    source_only: Collection[str],
) -> None:
    """Every value of the table, every number included, and its problems are exactly those of
    the same table read from text."""
    for name in PROVENANCE:
        got = table_rows(frames, name, table_id).reset_index(drop=True)
        want = table_rows(text_frames, name, text_id).reset_index(drop=True)
        pd.testing.assert_frame_equal(got, want, check_exact=True, obj=f"{table_id} {name}")
    assert problem_keys(frames, table_id, source_only) == problem_keys(
        text_frames, text_id, source_only
    ), table_id
