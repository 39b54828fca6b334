"""Duplicates and near copies over a run's table records (jixiao.score.duplicates): which
reading is kept, what makes two readings the same table, what a conflict names."""

from __future__ import annotations

from typing import Any

import pytest

from jixiao.model.frames import Rows
from jixiao.score.duplicates import records_to_duplicates, rows_with_duplicates

KEY = "池州市贵池区棠溪镇人民政府|委托业务"


def table(table_id: str, **changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "table_id": table_id,
        "source_file": table_id.split("#", maxsplit=1)[0],
        "project_name": "委托业务项目",
        "department": "219-池州市贵池区棠溪镇人民政府",
        "project_key": KEY,
        "year": 2022,
        "read_status": "complete",
        "indicator_count": 2,
        "budget_initial": 10.0,
        "budget_adjusted": 10.0,
        "spent": 9.5,
        "execution_weight": 10.0,
        "execution_rate_reported": 95.0,
        "execution_score_reported": 9.5,
        "weight_total_reported": 100.0,
        "score_total_reported": 99.5,
        "problem_count": 0,
        "warning_count": 0,
    }
    return row | changes


def indicators(
    table_id: str, target: str = "≥200(次)", score: float = 45.0
) -> list[dict[str, Any]]:
    return [
        {"table_id": table_id, "indicator_key": "培训人次", "target_text": target,
         "actual_text": "235次", "weight": 45.0, "score_reported": score},
        {"table_id": table_id, "indicator_key": "满意度", "target_text": "≥90%",
         "actual_text": "95%", "weight": 45.0, "score_reported": 45.0},
    ]  # fmt: skip


#: (case id, tables, indicators, expected duplicate_of, expected conflicts as (table, other))
CASES = [
    (
        "same table in two files: the first by source_file kept",
        [table("b.html#1"), table("a.pdf#1")],
        indicators("a.pdf#1") + indicators("b.html#1"),
        {"b.html#1": "a.pdf#1"},
        [],
    ),
    (
        "complete kept over partial even when partial comes first",
        [table("a.pdf#1", read_status="partial"), table("b.html#1")],
        indicators("a.pdf#1") + indicators("b.html#1"),
        {"a.pdf#1": "b.html#1"},
        [],
    ),
    (
        "same table twice in one file",
        [table("a.pdf#1"), table("a.pdf#2")],
        indicators("a.pdf#1") + indicators("a.pdf#2"),
        {"a.pdf#2": "a.pdf#1"},
        [],
    ),
    (
        "traditional copy with other operator and width is the same table",
        [table("a.pdf#1"), table("b.html#1")],
        indicators("a.pdf#1") + indicators("b.html#1", target="≧２００（次）"),
        {"b.html#1": "a.pdf#1"},
        [],
    ),
    (
        "another year is not a copy",
        [table("a.pdf#1"), table("b.html#1", year=2023)],
        indicators("a.pdf#1") + indicators("b.html#1"),
        {},
        [],
    ),
    (
        "one score differs: a conflict on each, no duplicate",
        [table("a.pdf#1"), table("b.html#1")],
        indicators("a.pdf#1") + indicators("b.html#1", score=40.0),
        {},
        [("a.pdf#1", "b.html#1"), ("b.html#1", "a.pdf#1")],
    ),
    (
        "printed total differs",
        [table("a.pdf#1"), table("b.html#1", score_total_reported=94.5)],
        indicators("a.pdf#1") + indicators("b.html#1"),
        {},
        [("a.pdf#1", "b.html#1"), ("b.html#1", "a.pdf#1")],
    ),
    (
        "no project key: never a copy",
        [table("a.pdf#1", project_key=None), table("b.html#1", project_key=None)],
        indicators("a.pdf#1") + indicators("b.html#1"),
        {},
        [],
    ),
    (
        "three readings: two the same, the third a near copy of the kept one",
        [table("a.pdf#1"), table("b.html#1"), table("c.xlsx#1", spent=9.0)],
        indicators("a.pdf#1") + indicators("b.html#1") + indicators("c.xlsx#1"),
        {"b.html#1": "a.pdf#1"},
        [("a.pdf#1", "c.xlsx#1"), ("c.xlsx#1", "a.pdf#1")],
    ),
]


@pytest.mark.parametrize(
    ("tables", "rows", "duplicate_of", "conflicts"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_duplicates(
    tables: list[dict[str, Any]],
    rows: list[dict[str, Any]],
    duplicate_of: dict[str, str],
    conflicts: list[tuple[str, str]],
) -> None:
    found = records_to_duplicates(tables, rows)
    assert dict(found.duplicate_of) == duplicate_of
    assert [(c.copy.table_id, c.other.table_id) for c in found.conflicts] == conflicts


def test_copies_with_nothing_in_common_are_two_tables() -> None:
    other = [dict(r, indicator_key=f"其他{n}") for n, r in enumerate(indicators("b.html#1"))]
    found = records_to_duplicates(
        [table("a.pdf#1"), table("b.html#1", spent=1.0, score_total_reported=80.0)],
        indicators("a.pdf#1") + other,
    )
    assert (dict(found.duplicate_of), found.conflicts) == ({}, ())


def test_conflict_problem_names_the_other_copy_and_the_cells() -> None:
    rows = Rows(
        tables=(table("a.pdf#1"), table("b.html#1")),
        indicators=(*indicators("a.pdf#1"), *indicators("b.html#1", score=40.0)),
    )
    marked = rows_with_duplicates(rows)
    problem = marked.problems[0]
    assert len(marked.problems) == 2
    assert (problem["code"], problem["severity"], problem["table_id"]) == (
        "conflicting_copies",
        "warning",
        "a.pdf#1",
    )
    assert (problem["expected"], problem["found"]) == ("b.html#1", "培训人次.score_reported")
    assert "培训人次.score_reported: 45.0 / 40.0" in problem["message"]
    assert [t["warning_count"] for t in marked.tables] == [1, 1]
    assert [t["duplicate_of"] for t in marked.tables] == [None, None]
