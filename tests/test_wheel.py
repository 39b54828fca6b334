"""The wheel: one top-level package, installable beside the index's `normalize`, and it runs.

The package index has distributions named ``normalize``, ``extract`` and ``score``; jixiao must not
install (or shadow) anything under those names. The wheel is built without build isolation from
this checkout (setuptools comes with the test extra), installed without dependencies into a fresh
virtual environment that borrows this environment's libraries through a ``.pth`` line, next to the
real ``normalize`` from the index.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("jixiao-*.whl")
    return path


def test_wheel_holds_one_top_level_package(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert tops == {"jixiao"}
    for expected in (
        "jixiao/py.typed",
        "jixiao/extract/layout/table.py",
        "jixiao/normalize/target.py",
        "jixiao/score/scoring.py",
        "jixiao/score/policies/national.toml",
    ):
        assert expected in names
    metadata = (
        zipfile.ZipFile(wheel)
        .read(next(n for n in names if n.endswith(".dist-info/METADATA")))
        .decode()
    )
    assert "License-Expression: MIT" in metadata


def _fresh_venv(path: Path) -> Path:
    venv.create(path, with_pip=True)
    python = path / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # jixiao's dependencies come from this environment (a plain path line: its .pth files,
    # among them the editable install of this checkout, are not run).
    Path(purelib, "borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python


def test_installs_beside_the_index_normalize_and_reads_the_seed(
    wheel: Path, tmp_path: Path
) -> None:
    python = _fresh_venv(tmp_path / "venv")
    pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, "--no-deps", str(wheel)], check=True, capture_output=True)
    index = subprocess.run([*pip, "normalize"], check=False, capture_output=True, text=True)
    if index.returncode != 0:
        pytest.skip(f"the package index cannot be reached: {index.stderr.strip()[-200:]}")
    code = (
        "import normalize, jixiao.normalize, pathlib; "
        "assert 'jixiao' not in pathlib.Path(normalize.__file__).parts, normalize.__file__; "
        "assert jixiao.normalize.parse_target('≥90%').op == '>='; print('ok')"
    )
    both = subprocess.run(
        [str(python), "-c", code], check=False, cwd=tmp_path, capture_output=True, text=True
    )
    assert both.stdout.strip() == "ok", both.stderr
    run = subprocess.run(
        [
            str(python),
            "-m",
            "jixiao",
            "run",
            str(ROOT / "fixtures" / "seed"),
            "-o",
            "out",
            "-j",
            "1",
            "-q",
        ],
        check=False,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    tables = (tmp_path / "out" / "tables.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(tables) == 1 + 6
