"""``--format duckdb``: one results.duckdb with every frame and the views, and the five queries
of docs/outputs.md run on it (#27)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import regex
from click.testing import CliRunner

from jixiao.cli.main import main
from jixiao.model.frames import OUTPUT_SCHEMA
from tests.conftest import ROOT, SEED

QUERIES = regex.findall(
    r"```sql\n(.*?)```",
    (ROOT / "docs" / "outputs.md").read_text(encoding="utf-8").split("## results.duckdb")[1],
    flags=regex.DOTALL,
)


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("db") / "out"
    inputs = [str(SEED), str(ROOT / "fixtures" / "real" / "tsv")]
    result = CliRunner().invoke(main, ["run", *inputs, "-o", str(out), "-q", "-j", "1",
                                       "-f", "csv", "-f", "duckdb"])  # fmt: skip
    assert result.exit_code in (0, 1), result.output
    return out / "results.duckdb"


def test_every_frame_is_a_table_with_the_csv_rows(database: Path) -> None:
    with duckdb.connect(str(database), read_only=True) as con:
        for name, columns in OUTPUT_SCHEMA.items():
            cursor = con.execute(f'SELECT * FROM "{name}" LIMIT 0')
            described = [column[0] for column in cursor.description]
            assert described == list(columns), name
            rows = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()
            csv_lines = (database.parent / f"{name}.csv").read_text("utf-8-sig").count("\n")
            assert rows is not None
            # a CSV row may hold a line break inside a quoted cell: at least as many lines
            assert csv_lines >= rows[0] + 1, name


def test_five_documented_queries_run(database: Path) -> None:
    assert len(QUERIES) == 5
    with duckdb.connect(str(database), read_only=True) as con:
        answers = [con.execute(query).fetchall() for query in QUERIES]
    departments, disagreements, _, _, codes = answers
    assert departments
    assert disagreements
    assert codes
    assert all(len(row) == 6 for row in disagreements)
