"""The duplicates check by digest (a batch run's, jixiao.score.duplicates.digests_to_duplicates)
finds what the cell-by-cell check (copies_to_duplicates, jixiao.read's) finds: the same
duplicate_of, the same conflicts in the same order, the same problem rows; and a batch run's
check over its parts (jixiao.batch.combine.parts_to_duplicates) the same as over its rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import jixiao
import jixiao.batch.combine
from jixiao.cli.main import main
from jixiao.score.duplicates import (
    INDICATOR_FIELDS,
    TABLE_FIELDS,
    Copy,
    CopyDigest,
    Duplicates,
    cells_to_digest,
    copies_to_digests,
    copies_to_duplicates,
    digests_to_duplicates,
    duplicates_to_problem_records,
    records_to_copies,
    records_to_duplicates,
)
from tests.test_duplicates import CASES
from tests.test_panel import make_folder


def by_digest(copies: list[Copy]) -> Duplicates:
    """The digest path over copies held in memory (a batch reads them again from its parts)."""

    def copies_at(wanted: list[CopyDigest]) -> list[Copy]:
        return [copies[copy.position] for copy in wanted]

    return digests_to_duplicates(list(copies_to_digests(copies)), copies_at)


def found(duplicates: Duplicates) -> tuple[Any, ...]:
    """Everything the outputs take from a check, comparable (NaN aside: see ``same``)."""
    return (
        dict(duplicates.duplicate_of),
        [(c.copy.table_id, c.other.table_id, c.fields) for c in duplicates.conflicts],
        dict(duplicates.conflict_counts),
        [(r["table_id"], r["expected"], r["found"], r["message"]) for r in
         duplicates_to_problem_records(duplicates)],
    )  # fmt: skip


@pytest.mark.parametrize(
    ("tables", "rows"), [pytest.param(*case[1:3], id=case[0]) for case in CASES]
)
def test_digest_check_finds_what_the_cell_check_finds_on_the_cases(
    tables: list[dict[str, Any]], rows: list[dict[str, Any]]
) -> None:
    copies = records_to_copies(tables, rows)
    assert found(by_digest(copies)) == found(copies_to_duplicates(copies))


def test_conflicts_come_by_project_year_in_the_order_each_first_appears() -> None:
    """Project A appears first with a copy that is a duplicate; project B's kept copies come
    before A's: A's conflicts still come first, as the cell-by-cell check orders them."""

    def reading(table_id: str, key: str, spent: float, status: str = "complete") -> dict[str, Any]:
        return {"table_id": table_id, "source_file": table_id.split("#", maxsplit=1)[0],
                "project_key": key, "year": 2022, "read_status": status, "indicator_count": 0,
                "spent": spent, "score_total_reported": 90.0}  # fmt: skip

    tables = [
        reading("a.pdf#1", "A", 1.0, "partial"),
        reading("b.pdf#1", "B", 1.0),
        reading("c.pdf#1", "B", 2.0),
        reading("d.pdf#1", "A", 1.0),
        reading("e.pdf#1", "A", 2.0),
    ]
    copies = records_to_copies(tables, [])
    digested = by_digest(copies)
    assert found(digested) == found(copies_to_duplicates(copies))
    assert digested.duplicate_of == {"a.pdf#1": "d.pdf#1"}
    assert [c.copy.table_id for c in digested.conflicts] == ["d.pdf#1", "e.pdf#1", "b.pdf#1",
                                                             "c.pdf#1"]  # fmt: skip


#: Cells that compare equal across types (45 == 45.0, 0 == -0.0), ones that do not (None and
#: 0), and NaN, which equals nothing.
NUMBERS = st.sampled_from([None, 0, 0.0, -0.0, 45, 45.0, 45.5, 1e20, float("inf"), float("nan")])
TEXTS = st.sampled_from([None, "", "≥90%", "≧９０％", "≥ 90%", "≤90%", "95%", "235次"])
KEYS = st.sampled_from([None, "培训人次", "满意度", "满意度", "覆盖率"])  # None: "#n"; repeats


@st.composite
def run_of_copies(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Tables of a few project-years, each drawn as a variation of its project's first table:
    identical copies, near copies, far copies, missing cells, NaN."""
    tables: list[dict[str, Any]] = []
    indicators: list[dict[str, Any]] = []
    bases = draw(st.lists(st.fixed_dictionaries(dict.fromkeys(TABLE_FIELDS, NUMBERS)), min_size=1,
                          max_size=3))  # fmt: skip
    rows_of = draw(st.lists(st.lists(st.fixed_dictionaries(
        {"indicator_key": KEYS, "target_text": TEXTS, "actual_text": TEXTS,
         "weight": NUMBERS, "score_reported": NUMBERS}), max_size=4), min_size=len(bases),
        max_size=len(bases)))  # fmt: skip
    for number in range(draw(st.integers(min_value=1, max_value=12))):
        base = draw(st.integers(min_value=0, max_value=len(bases) - 1))
        table_id = f"{draw(st.sampled_from(['a.pdf', 'b.html', 'c.xlsx']))}#{number}"
        changed = draw(st.dictionaries(st.sampled_from(TABLE_FIELDS), NUMBERS, max_size=2))
        tables.append(
            {
                "table_id": table_id,
                "source_file": table_id.split("#", maxsplit=1)[0],
                "project_name": "项目",
                "department": "部门",
                "project_key": draw(st.sampled_from(["甲|项目", "乙|项目", None])),
                "year": draw(st.sampled_from([2022, 2022, 2023, None])),
                "read_status": draw(st.sampled_from(["complete", "partial", "unscored", ""])),
                "indicator_count": draw(st.integers(min_value=0, max_value=3)),
            }
            | bases[base]
            | changed
        )
        for row in rows_of[base]:
            change = draw(st.sampled_from([None, *INDICATOR_FIELDS]))
            value = draw(TEXTS if change in ("target_text", "actual_text") else NUMBERS)
            if draw(st.integers(min_value=0, max_value=9)):  # now and then a row is missing
                indicators.append(
                    {"table_id": table_id} | row | ({change: value} if change else {})
                )
    return tables, indicators


@settings(max_examples=300, deadline=None)
@given(run_of_copies())
def test_digest_check_finds_what_the_cell_check_finds(
    run: tuple[list[dict[str, Any]], list[dict[str, Any]]],
) -> None:
    copies = records_to_copies(*run)
    expected, digested = copies_to_duplicates(copies), by_digest(copies)
    assert found(digested) == found(expected)


@pytest.mark.parametrize(
    ("first", "second", "equal"),
    [
        pytest.param([("spent", 45)], [("spent", 45.0)], True, id="int and float equal"),
        pytest.param([("spent", 0.0)], [("spent", -0.0)], True, id="zero and minus zero"),
        pytest.param([("spent", None)], [("spent", 0)], False, id="missing is not zero"),
        pytest.param([("spent", None)], [], False, id="missing cell is not a cell lacked"),
        pytest.param([("spent", "45")], [("spent", 45)], False, id="text is not a number"),
        pytest.param([("spent", 0.1 + 0.2)], [("spent", 0.3)], False, id="floats exactly"),
        pytest.param([("a", 1), ("a", 2)], [("a", 2)], True, id="a name twice: the last"),
        pytest.param([("a", 1), ("b", 2)], [("b", 2), ("a", 1)], True, id="order aside"),
        pytest.param([("a", 1e20)], [("a", 10**20)], True, id="large whole float and int"),
        pytest.param([("a", float("inf"))], [("a", float("inf"))], True, id="infinity"),
    ],
)
def test_equal_digests_are_cells_that_do_not_differ(
    first: list[tuple[str, Any]], second: list[tuple[str, Any]], equal: bool
) -> None:
    assert (cells_to_digest(first) == cells_to_digest(second)) is equal
    assert cells_to_digest(first) is not None


@pytest.mark.parametrize("value", [float("nan"), object()], ids=["nan", "another type"])
def test_a_cell_that_equals_nothing_by_digest_has_none(value: Any) -> None:
    assert cells_to_digest([("spent", 1.0), ("x.weight", value)]) is None


def test_nan_copies_are_compared_cell_by_cell() -> None:
    tables = [
        {"table_id": f"{name}#1", "source_file": name, "project_key": "k", "year": 2022,
         "read_status": "complete", "indicator_count": 0, "spent": float("nan")}
        for name in ("a.pdf", "b.html")
    ]  # fmt: skip
    copies = records_to_copies(tables, [])
    digested = by_digest(copies)
    assert found(digested) == found(records_to_duplicates(tables, []))
    assert digested.duplicate_of == {}  # NaN equals nothing: two tables, a conflict on each
    assert [(c.copy.table_id, c.other.table_id) for c in digested.conflicts] == [
        ("a.pdf#1", "b.html#1"),
        ("b.html#1", "a.pdf#1"),
    ]


def test_copies_at_must_give_the_copies_asked_for() -> None:
    tables = [
        {"table_id": f"{name}#1", "source_file": name, "project_key": "k", "year": 2022,
         "read_status": "complete", "indicator_count": 0, "spent": spent}
        for name, spent in (("a.pdf", 1.0), ("b.html", 2.0))
    ]  # fmt: skip
    digests = list(copies_to_digests(records_to_copies(tables, [])))
    with pytest.raises(ValueError, match="copies_at"):
        digests_to_duplicates(digests, lambda wanted: [])


@pytest.mark.parametrize("check_rows", [1, jixiao.batch.combine.CHECK_ROWS])
def test_a_batch_run_marks_and_names_the_copies_as_jixiao_read_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, check_rows: int
) -> None:
    """Duplicates and near copies (test_panel's folder), the cells read a file at a time or
    all at once: the same tables, problems and panel as jixiao.read."""
    folder = make_folder(tmp_path / "in")
    result = jixiao.read(folder)
    monkeypatch.setattr(jixiao.batch.combine, "CHECK_ROWS", check_rows)
    out = tmp_path / "out"
    run = CliRunner().invoke(main, ["run", str(folder), "-o", str(out), "-q", "-j", "1"])
    assert run.exit_code == 0, run.output
    assert (result.problems["code"] == "conflicting_copies").sum() == 2
    for name in ("tables", "problems", "projects", "series"):
        written = pd.read_parquet(out / f"{name}.parquet")
        pd.testing.assert_frame_equal(written, getattr(result, name))
