"""The command line: exit codes, messages, outputs, help."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pandas as pd
import pytest
from click.testing import CliRunner

from jixiao import __version__
from jixiao.cli.main import main
from tests.conftest import SEED

OUTPUTS = [
    f"{name}.{ext}"
    for name in ("tables", "indicators", "funds", "problems", "projects", "series")
    for ext in ("csv", "parquet")
]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_run_on_seed_writes_every_output(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(main, ["run", str(SEED.parent), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "tables:     6" in result.output
    assert "indicators: 43" in result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [*OUTPUTS, "manifest.json", "parts", "report.html"]
    )
    assert (out / "tables.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["tables"] == 6
    assert manifest["counts"]["indicators"] == 43
    assert manifest["files"][0]["sha256"]
    assert manifest["policy"]["name"] == "national"
    csv = pd.read_csv(out / "indicators.csv", encoding="utf-8-sig")
    assert len(csv) == 43
    assert csv.loc[0, "level3"] == "保障公务外出次数"


def test_broken_inputs_do_not_stop_the_run(runner: CliRunner, tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SEED, inputs / "good.txt")
    (inputs / "empty.txt").write_bytes(b"")
    (inputs / "binary.tsv").write_bytes(b"\x00\x01\x02\x03" * 50)
    (inputs / "other.txt").write_text("收入支出决算总表\n项目\t金额\n收入\t1\n", encoding="utf-8")
    lines = SEED.read_text(encoding="utf-8").splitlines()
    (inputs / "truncated.txt").write_text("\n".join(lines[:20]), encoding="utf-8")
    (inputs / ".hidden.txt").write_text("ignored", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(main, ["run", str(inputs), "-o", str(out)])
    assert result.exit_code == 1
    assert "2 of 5 files could not be read: binary.tsv, empty.txt;" in result.output
    assert "files:      3 read, 1 without a 自评表, 2 failed" in result.output
    assert str(out / "problems.csv") in result.output
    tables = pd.read_parquet(out / "tables.parquet")
    assert tables["source_file"].value_counts().to_dict() == {"good.txt": 6, "truncated.txt": 1}
    problems = pd.read_parquet(out / "problems.parquet")
    codes = {(f, c) for f, c in problems[["source_file", "code"]].itertuples(index=False)}
    assert {
        ("empty.txt", "empty_file"),
        ("binary.tsv", "binary_file"),
        ("other.txt", "not_self_eval"),
        ("other.txt", "no_tables"),
        ("truncated.txt", "missing_total"),
    } <= codes


def test_files_read_without_a_self_evaluation_table_are_not_failures(
    runner: CliRunner, tmp_path: Path
) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (inputs / name).write_text("收入支出决算总表\n项目\t金额\n收入\t1\n", encoding="utf-8")
    shutil.copy(SEED, inputs / "seed.txt")
    out = tmp_path / "out"
    result = runner.invoke(main, ["run", str(inputs), "-o", str(out), "-j", "1"])
    assert result.exit_code == 0, result.output
    assert "files:      4 read, 3 without a 自评表, 0 failed" in result.output
    assert "could not be read" not in result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["files_failed"] == 0
    assert manifest["counts"]["files_without_tables"] == 3
    assert {f["path"]: f["status"] for f in manifest["files"]} == {
        "a.txt": "no_tables",
        "b.txt": "no_tables",
        "c.txt": "no_tables",
        "seed.txt": "ok",
    }
    problems = pd.read_parquet(out / "problems.parquet")
    rows = problems[problems["code"] == "no_tables"]
    assert sorted(rows["source_file"]) == ["a.txt", "b.txt", "c.txt"]
    assert set(rows["severity"]) == {"info"}


def test_unknown_policy_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["run", str(SEED), "-o", str(tmp_path), "--policy", "nope"])
    assert result.exit_code == 2
    assert "national" in result.output


def test_missing_input_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["run", str(tmp_path / "nowhere"), "-o", str(tmp_path)])
    assert result.exit_code == 2


def test_policies_lists_builtins(runner: CliRunner) -> None:
    result = runner.invoke(main, ["policies"])
    assert result.exit_code == 0
    assert [line.split()[0] for line in result.output.splitlines()] == [
        "linear-reverse",
        "national",
        "shanghai-2024",
    ]


def test_version(runner: CliRunner) -> None:
    assert __version__ in runner.invoke(main, ["--version"]).output


def _commands() -> list[tuple[str, ...]]:
    group = main
    assert isinstance(group, click.Group)
    return [(), *((name,) for name in group.commands)]


@pytest.mark.parametrize("command", _commands(), ids=lambda c: " ".join(c) or "jixiao")
def test_every_command_has_help_with_an_example(runner: CliRunner, command: tuple) -> None:
    result = runner.invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output


def test_each_command_is_registered_once_under_its_name() -> None:
    """One name per command: a command registered twice (``@main.command`` and
    ``main.add_command``) shows as ``run`` and ``run-command`` under click 8.1."""
    assert isinstance(main, click.Group)
    assert len({id(command) for command in main.commands.values()}) == len(main.commands)
    assert {name: command.name for name, command in main.commands.items()} == {
        name: name for name in main.commands
    }
    assert sorted(main.commands) == ["parse-actual", "parse-target", "policies", "run", "show"]


def test_auto_policy_is_reported_in_summary_and_manifest(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["run", str(SEED), "-o", str(tmp_path), "--policy", "auto"])
    assert result.exit_code == 0, result.output
    assert "auto (shanghai-2024: 6 tables)" in result.output
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["policy"]["name"] == "auto"


def test_progress_is_plain_log_lines_off_a_terminal(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["run", str(SEED), "-o", str(tmp_path), "-j", "1"])
    assert result.exit_code == 0, result.output
    assert "reading 1 of 1 file (1 worker)" in result.output
    assert "[1/1] 100%: 6 tables, 9 problems, 0 failed" in result.output


def test_quiet_prints_nothing(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["run", str(SEED), "-o", str(tmp_path), "--quiet"])
    assert result.exit_code == 0
    assert result.output == ""


def test_rerun_with_resume_reads_nothing_unchanged(runner: CliRunner, tmp_path: Path) -> None:
    assert runner.invoke(main, ["run", str(SEED.parent), "-o", str(tmp_path)]).exit_code == 0
    before = (tmp_path / "indicators.csv").read_bytes()
    again = runner.invoke(main, ["run", str(SEED.parent), "-o", str(tmp_path), "--resume"])
    assert again.exit_code == 0, again.output
    assert "reading 0 of 1 file, 1 unchanged since the last run" in again.output
    assert "files:      1 read, 0 failed, 1 unchanged" in again.output
    assert (tmp_path / "indicators.csv").read_bytes() == before


_BLAS_THREADS = "import os, sys; {imports}; print(os.environ.get('OPENBLAS_NUM_THREADS'))"
_ARROW_POOL = "{imports}; import pyarrow; print(pyarrow.default_memory_pool().backend_name)"


@pytest.mark.parametrize(
    ("imports", "preset", "expected"),
    [
        ("import jixiao.cli.main", None, "1"),  # the command line: one OpenBLAS thread
        ("import jixiao.cli.main", "4", "4"),  # a user's own setting wins
        ("import jixiao, jixiao.api", None, "None"),  # the library leaves the environment alone
    ],
    ids=["command-line", "user-setting", "library"],
)
def test_the_command_line_asks_openblas_for_one_thread(
    imports: str, preset: str | None, expected: str
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if preset is not None:
        env["OPENBLAS_NUM_THREADS"] = preset
    command = [sys.executable, "-c", _BLAS_THREADS.format(imports=imports)]
    found = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    assert found.stdout.strip() == expected


@pytest.mark.parametrize(
    ("imports", "preset", "expected"),
    [
        ("import jixiao.cli.main", None, "system"),  # the command line: malloc, which gives back
        ("import jixiao.cli.main", "jemalloc", "jemalloc"),  # a user's own setting wins
        ("import jixiao, jixiao.api", None, None),  # the library: Arrow's own default
    ],
    ids=["command-line", "user-setting", "library"],
)
def test_the_command_line_has_arrow_allocate_with_malloc(
    imports: str, preset: str | None, expected: str | None
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    if preset is not None:
        env["ARROW_DEFAULT_MEMORY_POOL"] = preset

    def backend(imports: str) -> str:
        command = [sys.executable, "-c", _ARROW_POOL.format(imports=imports)]
        found = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
        return found.stdout.strip()

    arrows_own = backend("import sys")  # mimalloc or jemalloc, by platform
    assert arrows_own != "system"
    assert backend(imports) == (expected or arrows_own)


_LAST_COLLECTION = """
import atexit, gc, sys
atexit.register(lambda: print("frozen", gc.get_freeze_count() > 0))  # runs after later ones
from click.testing import CliRunner
from jixiao.cli.main import main
result = CliRunner().invoke(main, ["run", sys.argv[1], "-o", sys.argv[2], "-q", "-j", "1"])
print("exit", result.exit_code)
"""


def test_a_run_leaves_its_objects_out_of_the_collection_at_exit(tmp_path: Path) -> None:
    """`jixiao run` freezes what is left at exit (Python's last collection would walk it all:
    ~0.12 s after 200 files); the same process's own code before exit is unaffected."""
    command = [sys.executable, "-c", _LAST_COLLECTION, str(SEED), str(tmp_path / "out")]
    found = subprocess.run(command, capture_output=True, text=True, check=True)
    assert found.stdout.split() == ["exit", "0", "frozen", "True"]
