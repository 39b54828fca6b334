"""``--policy auto`` must not explain away a publisher's error (#29).

Single errors are planted in the seed's tables and in the complete real tables (a met target
under-scored, a missed target scored in full, each with the 总分 left as printed or changed
with it; a 总分 off by one; an execution score off by one), and each table is scored under
``auto``: the planted cell must still carry a finding of severity warning or error, never an
info that a rule variant adopted for the occasion would give it. The real tables' own
conventions stay recognised (``tests/test_score_real.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from jixiao.extract import grid_to_table, text_to_grids
from jixiao.model.grid import Cell, Grid
from jixiao.normalize import parse_decimal
from jixiao.score import (
    auto_candidates,
    load_policy,
    score_table,
    score_table_best,
    score_tables_best_rows,
)

ROOT = Path(__file__).resolve().parent.parent
#: The seed and the complete real tables (tests/test_score_real.py)
TEXTS = {
    "seed": ROOT / "fixtures" / "seed" / "000_a203d4b834672a09.txt",
    **{
        tid: ROOT / "fixtures" / "real" / "tsv" / f"{tid}.txt"
        for tid in ("real-003", "real-010", "real-014", "real-019")
    },
}


@dataclass(frozen=True)
class Plant:
    """One error planted in one table: the cells changed ((row, col) → text), and the cell
    whose finding must stay a warning or an error."""

    name: str
    grid: Grid
    changes: dict[tuple[int, int], str]
    watched: tuple[int, int]

    def planted(self) -> Grid:
        cells = tuple(
            replace(c, text=self.changes[c.row, c.col]) if (c.row, c.col) in self.changes else c
            for c in self.grid.cells
        )
        return replace(self.grid, cells=cells)


def _grids() -> Iterator[tuple[str, Grid]]:
    for name, path in TEXTS.items():
        for k, grid in enumerate(text_to_grids(path.read_text("utf-8"), file=path.name), 1):
            yield f"{name}#{k}", grid


def _number(cell: Cell | None) -> Decimal | None:
    return None if cell is None else parse_decimal(cell.text)


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _plants() -> Iterator[Plant]:
    for name, grid in _grids():
        table = grid_to_table(grid)
        frames = score_table(table, table_id="t", policy=load_policy("national"))
        indicators = frames.indicators.set_index("seq")
        achieved = {
            int(seq): None if met is pd.NA else bool(met)
            for seq, met in indicators["achieved"].items()
        }
        rule_score = {
            int(seq): Decimal(str(value))
            for seq, value in indicators["score"].items()
            if pd.notna(value)
        }
        total = table.total.score if table.total is not None else None
        total_at = (total.source.row, total.source.col) if total is not None else None
        total_value = _number(_cell(grid, total_at))
        for seq, row in enumerate(table.indicators, 1):
            if row.score is None or row.weight is None or row.sub_row or row.placeholder:
                continue
            at = (row.score.source.row, row.score.source.col)
            weight, printed = parse_decimal(row.weight.raw), parse_decimal(row.score.raw)
            if weight is None or printed is None or weight < 5:
                continue
            met = achieved.get(seq)
            if met is True and printed == weight:
                wrong = (weight * Decimal("0.8")).to_integral_value()
                kind = "met-underscored"
            elif met is False and printed < weight and weight - rule_score.get(seq, weight) >= 1:
                # full marks where the rule gives a point or more less (not a display rounding)
                wrong, kind = weight, "missed-scored-in-full"
            else:
                continue
            changes = {at: _fmt(wrong)}
            yield Plant(f"{name}/{kind}/ind{seq}", grid, dict(changes), at)
            if total_at is not None and total_value is not None:
                changes[total_at] = _fmt(total_value + wrong - printed)
                yield Plant(f"{name}/{kind}+total/ind{seq}", grid, changes, at)
        if total_at is not None and total_value is not None:
            yield Plant(f"{name}/total+1", grid, {total_at: _fmt(total_value + 1)}, total_at)
        execution = next(
            (f.score for f in table.funds if f.score and parse_decimal(f.score.raw)), None
        )
        if execution is not None:
            at = (execution.source.row, execution.source.col)
            value = parse_decimal(execution.raw)
            assert value is not None
            yield Plant(f"{name}/execution-1", grid, {at: _fmt(value - 1)}, at)


def _cell(grid: Grid, at: tuple[int | None, int | None] | None) -> Cell | None:
    if at is None:
        return None
    return next((c for c in grid.cells if (c.row, c.col) == at), None)


PLANTS = list(_plants())


def test_errors_are_planted_of_every_kind() -> None:
    kinds = {plant.name.split("/")[1] for plant in PLANTS}
    assert kinds >= {
        "met-underscored",
        "met-underscored+total",
        "missed-scored-in-full",
        "total+1",
        "execution-1",
    }
    assert len(PLANTS) >= 40


@pytest.mark.parametrize("plant", PLANTS, ids=[p.name for p in PLANTS])
def test_a_planted_error_stays_a_finding_under_auto(plant: Plant) -> None:
    """A finding of warning or error on the planted row (on the cell itself where the policy
    has a rule for it; a qualitative target's score has none, and its row says that the score
    below the weight has no 偏差原因), and no info that calls the planted number a judgement or
    a convention."""
    table = grid_to_table(plant.planted())
    frames = score_table_best(table, table_id="t#1", policies=auto_candidates())
    p = frames.problems
    on_row = p[p["row"] == plant.watched[0]]
    excused = on_row[
        (on_row["col"] == plant.watched[1])
        & (on_row["severity"] == "info")
        & on_row["kind"].isin(["judgement", "convention"])
    ]
    policy = frames.tables["policy"].iloc[0]
    found = on_row[["code", "kind", "severity", "message"]].to_dict("records")
    assert set(on_row["severity"]) & {"warning", "error"}, f"under {policy}: {found}"
    assert excused.empty, f"under {policy}: {found}"


def test_the_seed_is_one_publisher_and_says_so() -> None:
    """The seed's six tables (one department, one year) are chosen for together, and each
    record says by what: the group, the runner-up and the numbers each reproduces."""
    (grids,) = [list(text_to_grids(TEXTS["seed"].read_text("utf-8"), file="seed.txt"))]
    tables = [(grid_to_table(grid), f"seed.txt#{k}") for k, grid in enumerate(grids, 1)]
    rows = score_tables_best_rows(tables, policies=auto_candidates())
    records = [r.tables[0] for r in rows]
    assert {r["policy"] for r in records} == {"shanghai-2024"}
    assert {r["policy_basis"] for r in records} == {"group of 6 tables"}
    assert {r["policy_runner_up"] for r in records} == {"national"}
    assert all(r["numbers_reproduced"] == r["numbers_printed"] for r in records)
    assert all(r["runner_up_reproduced"] < r["numbers_reproduced"] for r in records)
