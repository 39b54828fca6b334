"""The Python API: jixiao.read gives the frames jixiao run writes, and fails clearly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import jixiao
from jixiao.cli import main
from jixiao.core.errors import NoInputsError, PolicyError
from jixiao.score import FRAME_NAMES
from tests.conftest import ROOT

SEED = ROOT / "fixtures" / "seed"


@pytest.fixture(scope="module")
def seed_result() -> jixiao.Result:
    return jixiao.read(SEED, policy="auto")


@pytest.fixture(scope="module")
def seed_run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run")
    result = CliRunner().invoke(main, ["run", str(SEED), "-o", str(out), "-p", "auto", "-q"])
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("name", FRAME_NAMES)
def test_read_gives_the_frames_that_run_writes(
    seed_result: jixiao.Result, seed_run_dir: Path, name: str
) -> None:
    written = pd.read_parquet(seed_run_dir / f"{name}.parquet")
    pd.testing.assert_frame_equal(getattr(seed_result, name), written)


def test_read_takes_files_directories_and_a_list(seed_result: jixiao.Result) -> None:
    one_file = jixiao.read(next(SEED.glob("*.txt")), policy="auto")
    listed = jixiao.read([str(SEED)], policy="auto")
    pd.testing.assert_frame_equal(one_file.indicators, seed_result.indicators)
    pd.testing.assert_frame_equal(listed.tables, seed_result.tables)
    assert [r.file.name for r in seed_result.files] == ["000_a203d4b834672a09.txt"]


def test_to_dir_writes_what_run_writes(
    seed_result: jixiao.Result, seed_run_dir: Path, tmp_path: Path
) -> None:
    written = seed_result.to_dir(tmp_path, formats=["csv"])
    assert sorted(p.name for p in written) == sorted(
        [*(f"{name}.csv" for name in FRAME_NAMES), "report.html"]
    )
    for name in FRAME_NAMES:
        ours = (tmp_path / f"{name}.csv").read_bytes()
        assert ours == (seed_run_dir / f"{name}.csv").read_bytes(), name


@pytest.mark.parametrize(
    ("paths", "message"),
    [
        pytest.param("no/such/dir", "no such file or directory: no/such/dir", id="missing"),
        pytest.param(
            ROOT / "jixiao" / "report" / "templates",  # docs/ holds an input: report.png
            r"no \.doc, .*\.pdf, .*\.png, .*\.xlsx files found",
            id="no-inputs",
        ),
    ],
)
def test_read_without_inputs_says_why(paths: object, message: str) -> None:
    with pytest.raises(NoInputsError, match=message):
        jixiao.read(paths)  # type: ignore[arg-type]


def test_read_with_an_unknown_policy_is_a_policy_error() -> None:
    with pytest.raises(PolicyError):
        jixiao.read(SEED, policy="no-such-policy")


def test_importing_jixiao_loads_no_stage() -> None:
    code = (
        "import sys, jixiao; "
        "print(sorted(m for m in sys.modules if m.startswith(('pandas', 'jixiao.'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
