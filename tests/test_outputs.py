"""Outputs an analyst can trust: a clear error for a folder that cannot be written, no stale
files from an earlier run, CSV cells that Excel cannot run as formulas, resumes that never
reuse parts of another reader or contract, counts said right."""

from __future__ import annotations

import csv
import errno
import importlib
import json
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from jixiao.batch import parts as parts_module
from jixiao.batch.parts import READING_PACKAGES, parts_schema, reading_sources
from jixiao.batch.run import settings_fingerprint
from jixiao.cli.main import main
from jixiao.export.write import FORMULA_STARTS, _csv_text, csv_cell, uncsv_cell, write_frames
from jixiao.score import SCHEMA, Frames, load_policy, records_to_frame
from tests.conftest import SEED

FRAMES = ("tables", "funds", "indicators", "problems", "projects", "series")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


# -- an output folder that cannot be written ------------------------------------------------------


def test_output_under_a_file_is_a_one_line_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    result = runner.invoke(main, ["run", str(SEED), "-o", str(tmp_path / "file" / "out")])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"Error: cannot write to the output directory {tmp_path / 'file' / 'out'}: "
        "Not a directory; choose another --output directory"
    ]


def test_read_only_output_is_a_usage_error_not_a_traceback(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def read_only(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(tempfile, "TemporaryFile", read_only)  # root ignores chmod: simulate
    result = runner.invoke(main, ["run", str(SEED), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "Read-only file system; choose another --output directory" in result.output
    assert not any((tmp_path / "out").iterdir())


# -- outputs of an earlier run ---------------------------------------------------------------------


def test_a_run_removes_the_outputs_of_an_earlier_run_it_does_not_write(
    runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    first = runner.invoke(main, ["run", str(SEED), "-o", str(out), "-f", "xlsx", "-f", "parquet"])
    assert first.exit_code == 0, first.output
    assert (out / "results.xlsx").is_file()
    second = runner.invoke(main, ["run", str(SEED), "-o", str(out), "-f", "csv"])
    assert second.exit_code == 0, second.output
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([*(f"{f}.csv" for f in FRAMES), "manifest.json", "parts", "report.html"])


def test_files_of_a_folder_without_a_jixiao_manifest_are_left_alone(
    runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "results.xlsx").write_bytes(b"someone else's")
    assert runner.invoke(main, ["run", str(SEED), "-o", str(out), "-f", "csv"]).exit_code == 0
    assert (out / "results.xlsx").read_bytes() == b"someone else's"


# -- CSV for Excel ---------------------------------------------------------------------------------

HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "=100%",
    "+1",
    "-5%",
    "-",
    "-2+3+cmd|' /C calc'!A0",
    "+A1",
    "@SUM(A1)",
    "\tx",
    "\rx",
    "'=quoted already",
    "'plain quote",
    "＝100%",  # full-width: not a formula, left as it is
    "100%",
    "",
]


def _hostile_frames() -> Frames:
    problems = [
        {"table_id": "t#1", "source_file": "t.txt", "severity": "error", "code": "x", "found": text}
        for text in HOSTILE
    ]
    indicators = [
        {"table_id": "t#1", "seq": i, "target_text": text, "weight": -1.5}
        for i, text in enumerate(HOSTILE, start=1)
    ]
    return Frames(
        tables=records_to_frame("tables", []),
        funds=records_to_frame("funds", []),
        indicators=records_to_frame("indicators", indicators),
        problems=records_to_frame("problems", problems),
    )


@pytest.fixture(scope="module")
def hostile_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hostile")
    write_frames(_hostile_frames(), out, ["csv", "parquet"])
    return out


@pytest.mark.parametrize("frame", ["indicators", "problems"])
def test_no_csv_cell_starts_a_formula(hostile_out: Path, frame: str) -> None:
    with (hostile_out / f"{frame}.csv").open(encoding="utf-8-sig", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert cells
    assert [c for c in cells if c.startswith(FORMULA_STARTS) and not _is_number(c)] == []


def _is_number(text: str) -> bool:
    """A constant for a spreadsheet, not a formula: a signed number (-1.5, -5%) or a sign."""
    try:
        float(text.rstrip("%").strip("+-") or "0")
    except ValueError:
        return False
    return True


def test_the_csv_reads_back_unchanged_as_the_readme_says(hostile_out: Path) -> None:
    # README, Outputs: how a pandas user reads a CSV back with the values unchanged.
    frame = pd.read_csv(hostile_out / "indicators.csv", encoding="utf-8-sig", dtype=str)
    text = frame.columns[frame.apply(lambda c: c.str.startswith("'").any())]
    frame[text] = frame[text].apply(lambda column: column.str.removeprefix("'"))
    assert frame["target_text"].fillna("").tolist() == HOSTILE


def test_parquet_keeps_the_values(hostile_out: Path) -> None:
    frame = pd.read_parquet(hostile_out / "problems.parquet")
    assert frame["found"].tolist() == HOSTILE


@pytest.mark.parametrize("text", HOSTILE, ids=repr)
def test_csv_quoting_is_undone_exactly(text: str) -> None:
    assert uncsv_cell(csv_cell(text)) == text


@given(st.text(max_size=8) | st.sampled_from(HOSTILE) | st.none())
def test_the_csv_writers_fast_path_quotes_as_csv_cell(text: str | None) -> None:
    """The CSV writer checks a cell's first character before calling csv_cell: the same text."""
    assert _csv_text(text) == ("" if text is None else csv_cell(text))


def test_the_seed_targets_are_not_formulas_in_csv(runner: CliRunner, tmp_path: Path) -> None:
    assert runner.invoke(main, ["run", str(SEED), "-o", str(tmp_path), "-q"]).exit_code == 0
    targets = pd.read_csv(tmp_path / "indicators.csv", encoding="utf-8-sig")["target_text"]
    assert "'=100%" in targets.tolist()  # printed '=100%' stays text in Excel
    assert "=100%" in pd.read_parquet(tmp_path / "indicators.parquet")["target_text"].tolist()


@pytest.fixture(scope="module")
def seed_every_format(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("formats")
    formats = ["-f", "csv", "-f", "parquet", "-f", "xlsx"]
    result = CliRunner().invoke(main, ["run", str(SEED), "-o", str(out), "-q", *formats])
    assert result.exit_code == 0, result.output
    return out


def _operators(out: Path, form: str) -> pd.Series:
    if form == "csv":
        frame = pd.read_csv(out / "indicators.csv", encoding="utf-8-sig")
    elif form == "xlsx":
        frame = pd.read_excel(out / "results.xlsx", sheet_name="indicators")
    else:
        frame = pd.read_parquet(out / "indicators.parquet")
    return frame.set_index("level3")["target_op"]


#: The seed's operators, as a user filters on them: ≥ ge, ≤ le, =0% eq.
SEED_OPERATORS = {"保障公务外出次数": "ge", "公文出错率": "le", "行政运行成本增长率": "eq"}


@pytest.mark.parametrize("form", ["csv", "parquet", "xlsx"])
@pytest.mark.parametrize(("indicator", "op"), SEED_OPERATORS.items(), ids=SEED_OPERATORS.values())
def test_an_operator_reads_back_as_written_in_every_format(
    seed_every_format: Path, form: str, indicator: str, op: str
) -> None:
    """``df.target_op == "eq"`` after ``pd.read_csv`` finds the ``=0%`` targets: the operator
    needs no formula guard (``'=`` before), and every format holds the same words."""
    operators = _operators(seed_every_format, form)
    assert set(operators.loc[[indicator]]) == {op}
    assert set(operators.dropna()) <= {"ge", "gt", "le", "lt", "eq", "between", ""}


def test_the_operator_words_are_the_same_in_csv_and_parquet(seed_every_format: Path) -> None:
    csv_ops = _operators(seed_every_format, "csv").fillna("")
    parquet_ops = _operators(seed_every_format, "parquet")
    assert csv_ops.tolist() == parquet_ops.tolist()
    assert (csv_ops == "eq").sum() == 4  # =0% once, =100% three times


# -- resume: parts of another reader or contract are never reused ---------------------------------


def test_the_parts_version_follows_the_frames_columns() -> None:
    changed = {name: dict(columns) for name, columns in SCHEMA.items()}
    changed["problems"]["new_column"] = "string"
    assert parts_schema(changed) != parts_schema()
    retyped = {name: dict(columns) for name, columns in SCHEMA.items()}
    retyped["tables"]["year"] = "string"
    assert parts_schema(retyped) != parts_schema()


def test_the_parts_version_follows_the_reading_code() -> None:
    sources = list(reading_sources())
    edited = [*sources[:-1], (sources[-1][0], sources[-1][1] + b"\n# changed\n")]
    assert parts_schema(SCHEMA, edited) != parts_schema(SCHEMA, sources)
    assert parts_schema(SCHEMA, sources) == parts_schema()


def test_every_module_that_reads_a_file_is_in_the_parts_version() -> None:
    importlib.import_module("jixiao.pipeline.runner")
    used = {
        name.split(".")[1]
        for name in sys.modules
        if name.startswith("jixiao.") and name.count(".") >= 1
    }
    readers = {"model", "core", "normalize", "extract", "score", "pipeline"}
    assert readers <= set(READING_PACKAGES)
    digested = {name.split("/")[0] for name, _ in reading_sources()}
    assert digested == set(READING_PACKAGES)
    assert "extract/layout/table.py" in {name for name, _ in reading_sources()}
    assert readers <= used


def test_the_fingerprint_changes_with_the_parts_version(monkeypatch: pytest.MonkeyPatch) -> None:
    policies = (load_policy("national"),)
    before = settings_fingerprint(policies)
    monkeypatch.setattr("jixiao.batch.run.parts_schema", lambda: "another-version")
    assert settings_fingerprint(policies) != before
    assert parts_module.parts_schema() != "another-version"


def test_resume_under_another_parts_version_reads_again(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert runner.invoke(main, ["run", str(SEED), "-o", str(tmp_path)]).exit_code == 0
    monkeypatch.setattr("jixiao.batch.run.parts_schema", lambda: "a-newer-reader")
    again = runner.invoke(main, ["run", str(SEED), "-o", str(tmp_path), "--resume", "-j", "1"])
    assert again.exit_code == 0, again.output
    assert "reading 1 of 1 file (1 worker)" in again.output


# -- counts ----------------------------------------------------------------------------------------


def test_resume_progress_counts_the_reused_files(runner: CliRunner, tmp_path: Path) -> None:
    assert runner.invoke(main, ["run", str(SEED), "-o", str(tmp_path)]).exit_code == 0
    again = runner.invoke(main, ["run", str(SEED), "-o", str(tmp_path), "--resume"])
    assert again.exit_code == 0, again.output
    assert "reading 0 of 1 file, 1 unchanged since the last run" in again.output
    assert "[1/1] 100%: 6 tables, 9 problems, 0 failed" in again.output
    assert "tables:     6" in again.output


def test_summary_points_to_the_report(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["run", str(SEED), "-o", str(tmp_path)])
    assert f"report:     {tmp_path / 'report.html'}" in result.output


def test_one_table_is_said_in_the_singular(runner: CliRunner, tmp_path: Path) -> None:
    one = tmp_path / "one.txt"
    lines = SEED.read_text(encoding="utf-8").splitlines()
    second = [i for i, line in enumerate(lines) if line.startswith("#")][1]
    one.write_text("\n".join(lines[:second]), encoding="utf-8")
    result = runner.invoke(main, ["run", str(one), "-o", str(tmp_path / "o"), "-p", "auto"])
    assert result.exit_code == 0, result.output
    assert ": 1 table)" in result.output
    assert "1 tables" not in result.output


def test_summary_and_manifest_count_tables_seen_and_read(runner: CliRunner, tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "seed.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    lost = "# 某项目支出绩效自评表\n(2024年度)\n（表格以图片形式附后）\n"
    (inputs / "lost.txt").write_text(lost, encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(main, ["run", str(inputs), "-o", str(out)])
    problems = out / "problems.csv"
    assert f"tables:     6 read of 7 自评表 seen; 1 not read (table_not_read in {problems})" in (
        result.output
    )
    counts = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["counts"]
    assert (counts["tables"], counts["tables_seen"], counts["tables_not_read"]) == (6, 7, 1)
    rows = pd.read_csv(problems, encoding="utf-8-sig")
    [row] = rows[rows["code"] == "table_not_read"].to_dict("records")
    assert (row["source_file"], row["line"]) == ("lost.txt", 1)
    assert row["found"] == "某项目支出绩效自评表"


def test_a_policy_file_without_a_section_names_the_missing_setting(
    runner: CliRunner, tmp_path: Path
) -> None:
    policy = tmp_path / "mine.toml"
    policy.write_text('name = "mine"\ndescription = "x"\n', encoding="utf-8")
    result = runner.invoke(main, ["run", str(SEED), "-o", str(tmp_path / "o"), "-p", str(policy)])
    assert result.exit_code == 2
    assert "the setting 'execution' is missing" in result.output
    assert "KeyError" not in result.output
