"""``--format duckdb``: one ``results.duckdb`` with every frame and views for the common
questions (the optional extra ``jixiao[duckdb]``).

Every frame of the contract is a table of the same name and columns (English names and values
whatever ``--labels``: the database is for queries), written a chunk at a time as the other
formats are; then the views of :data:`VIEWS`. The file is written under a temporary name and
renamed when complete. docs/outputs.md shows five queries.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jixiao.core.errors import OutputError

if TYPE_CHECKING:
    import pyarrow as pa  # type: ignore[import-untyped]

#: The views made over the frames: name → the query that defines it.
VIEWS: dict[str, str] = {
    # the indicator series whose year-over-year flags an analyst asks about
    "panel_flags": """
        SELECT project_key, indicator_key, year, level3, target_text, actual_text, score_reported,
               target_lowered_after_exceeded, target_equals_previous_actual, target_repeated
        FROM series
        WHERE target_lowered_after_exceeded OR target_equals_previous_actual OR target_repeated
    """,
    # per 主管部门: tables (each counted once), printed and recomputed totals, problems
    "scores_by_department": """
        SELECT t.department,
               count(*) AS tables,
               avg(t.score_total_reported) AS score_total_reported_mean,
               avg(t.score_total) AS score_total_mean,
               sum(t.error_count) AS errors,
               sum(t.warning_count) AS warnings
        FROM tables AS t
        WHERE t.duplicate_of IS NULL OR t.duplicate_of = ''
        GROUP BY t.department
    """,
    # the printed indicator scores furthest from the recomputed ones, on tables read completely
    "largest_disagreements": """
        SELECT i.table_id, t.department, t.project_name, i.level3, i.target_text, i.actual_text,
               i.weight, i.score_reported, i.score, i.score_delta, i.explanation
        FROM indicators AS i JOIN tables AS t USING (table_id)
        WHERE t.read_status = 'complete' AND i.score_delta IS NOT NULL AND i.score_delta <> 0
        ORDER BY abs(i.score_delta) DESC
    """,
}


class DuckdbFile:
    """``results.duckdb`` being written: :meth:`write` each frame's chunks, then :meth:`close`
    (views, then the rename)."""

    def __init__(self, path: Path) -> None:
        try:
            import duckdb  # noqa: PLC0415 - an optional extra, loaded for this format only
        except ImportError as error:
            raise OutputError(
                "--format duckdb needs the duckdb package: pip install 'jixiao[duckdb]'"
            ) from error
        self.path = path
        self.temporary = path.with_name(f".{path.name}.tmp")
        self.temporary.unlink(missing_ok=True)
        self.connection: Any = duckdb.connect(str(self.temporary))
        self.made: set[str] = set()

    def write(self, name: str, table: pa.Table) -> None:
        """Add the rows of one chunk of frame ``name`` (the contract's columns)."""
        self.connection.register("chunk", table)
        if name in self.made:
            self.connection.execute(f'INSERT INTO "{name}" SELECT * FROM chunk')
        else:
            self.connection.execute(f'CREATE TABLE "{name}" AS SELECT * FROM chunk')
            self.made.add(name)
        self.connection.unregister("chunk")

    def close(self, empty: dict[str, pa.Table]) -> Path:
        """Make the tables of frames that had no chunk (``empty``: their schemas), the views,
        and put the file in place."""
        for name, table in empty.items():
            if name not in self.made:
                self.write(name, table)
        for name, query in VIEWS.items():
            self.connection.execute(f'CREATE VIEW "{name}" AS {query}')
        self.connection.close()
        os.replace(self.temporary, self.path)
        return self.path
