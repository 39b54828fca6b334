"""The sdist carries what its tests need: the tests, every fixture, the docs, bench/ and .ci.

The sdist is built with ``python -m build --sdist --no-isolation`` (build and setuptools come
with the test extra) from a copy of this checkout, so that the build's ``jixiao.egg-info`` is not
written here while another test worker builds the wheel. Its contents are held to the files git
tracks (outside a git checkout, in an unpacked sdist, to the files on disk); unpacked, its test
suite is collected and a few of its tests run there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

#: Folders whose every file the sdist holds, as git tracks them.
FOLDERS = ("fixtures", "tests", "docs", "bench", ".ci")
#: Not copied to build from: what git ignores here (the environment, caches, earlier builds).
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "__pycache__", "*.egg-info", "build", "dist", ".*_cache", ".hypothesis", "out"
)


@pytest.fixture(scope="module")
def sdist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("source") / "jixiao"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    out = tmp_path_factory.mktemp("sdist")
    build = [sys.executable, "-m", "build", "--sdist", "--no-isolation", "--outdir", str(out)]
    done = subprocess.run(
        [*build, str(source)], capture_output=True, text=True, check=False, timeout=600
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (path,) = out.glob("jixiao-*.tar.gz")
    return path


@pytest.fixture(scope="module")
def names(sdist: Path) -> set[str]:
    """The sdist's files, each without the leading ``jixiao-<version>/``."""
    with tarfile.open(sdist) as archive:
        return {m.name.split("/", 1)[1] for m in archive.getmembers() if m.isfile()}


def _tracked(folder: str) -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--", folder],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if listed.returncode == 0:
        return sorted(name for name in listed.stdout.split("\0") if name)
    # an unpacked sdist: no git, the files on disk are the tracked ones
    return sorted(
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    )


def test_sdist_holds_the_seed_the_test_setup_and_the_project_files(names: set[str]) -> None:
    assert any(name.startswith("fixtures/seed/") for name in names)
    for expected in (
        "tests/conftest.py",
        "fixtures/seed/000_a203d4b834672a09.txt",
        "README.md",
        "LICENSE",
        "pyproject.toml",
        ".ci/run",
        "jixiao/py.typed",
        "jixiao/score/policies/national.toml",
    ):
        assert expected in names
    if (ROOT / "CHANGELOG.md").is_file():
        assert "CHANGELOG.md" in names


@pytest.mark.parametrize("folder", FOLDERS)
def test_sdist_holds_every_tracked_file_of(names: set[str], folder: str) -> None:
    tracked = _tracked(folder)
    assert tracked, f"git tracks nothing under {folder}/"
    assert [name for name in tracked if name not in names] == []


def test_sdist_holds_no_cache_environment_or_build_output(names: set[str]) -> None:
    parts = {part for name in names for part in name.split("/")[:-1]}
    assert parts.isdisjoint({"__pycache__", ".venv", ".git", "build", "dist", "out"})
    assert not [name for name in names if name.endswith((".pyc", ".pyo"))]


def test_tests_of_the_unpacked_sdist_run(sdist: Path, tmp_path: Path) -> None:
    """Unpacked, the whole suite is collected (every test module imports, reads its manifests
    and has its stage), and the seed's golden tests and the marker checks pass there."""
    with tarfile.open(sdist) as archive:
        safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}  # Python ≥ 3.11.4
        archive.extractall(tmp_path, **safe)  # type: ignore[arg-type]
    (unpacked,) = tmp_path.iterdir()

    def pytest_in_unpacked(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args],
            cwd=unpacked,  # first on sys.path: jixiao and tests are imported from the sdist
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )

    collected = pytest_in_unpacked("--collect-only")
    assert collected.returncode == 0, collected.stdout[-3000:] + collected.stderr[-3000:]
    ran = pytest_in_unpacked("tests/test_seed_golden.py", "tests/test_markers.py")
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-3000:]
    assert " passed" in ran.stdout.splitlines()[-1]
