"""The stage markers: every test file and module has a stage, every stage is registered, and the
markers tests/conftest.py gives agree with each other on every test of this run."""

from __future__ import annotations

import tomllib
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tests.conftest import (
    FAST_STAGES,
    MODULE_STAGES,
    ROOT,
    SLOW_FIXTURES,
    TEST_STAGES,
    pytest_collection_modifyitems,
    stage_of,
)

STAGES = frozenset(TEST_STAGES.values()) | frozenset(MODULE_STAGES.values())


def _registered() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    lines = config["tool"]["pytest"]["ini_options"]["markers"]
    return {line.split(":", 1)[0].strip() for line in lines}


def test_every_test_file_has_a_stage_and_every_entry_a_file() -> None:
    files = {path.name for path in (ROOT / "tests").glob("test_*.py")}
    assert files - TEST_STAGES.keys() == set(), "add these files to TEST_STAGES"
    assert TEST_STAGES.keys() - files == set(), "these files are gone: remove them from TEST_STAGES"


def test_every_module_of_the_package_has_a_stage() -> None:
    modules = sorted((ROOT / "jixiao").rglob("*.py"))
    assert modules
    assert [m.relative_to(ROOT).as_posix() for m in modules if stage_of(m) is None] == []
    assert [place for place in MODULE_STAGES if not (ROOT / place).exists()] == []


def test_every_stage_and_no_other_marker_is_registered() -> None:
    assert _registered() == STAGES | {"fast", "slow"}
    assert FAST_STAGES <= STAGES


@pytest.mark.parametrize(
    ("path", "stage"),
    [
        ("tests/test_layout.py", "layout"),
        ("tests/test_scan_report.py", "report"),
        ("tests/test_new_thing.py", None),
        ("tests/frames_compare.py", None),
        ("tests/sub/test_layout.py", None),
        ("jixiao/extract/layout/table.py", "layout"),
        ("jixiao/extract/readers/text.py", "layout"),
        ("jixiao/extract/readers/html.py", "office"),
        ("jixiao/extract/readers/pdf/join.py", "pdf"),
        ("jixiao/extract/readers/scan/ocr.py", "scan"),
        ("jixiao/model/grid.py", "core"),
        ("jixiao/api.py", "cli"),
        ("README.md", "docs"),
        ("docs/architecture.md", "docs"),
        ("fixtures/make_pdf_fixtures.py", None),
    ],
)
def test_stage_of_a_path(path: str, stage: str | None) -> None:
    assert stage_of(ROOT / path) == stage


def test_a_path_outside_the_repository_has_no_stage(tmp_path: Path) -> None:
    assert stage_of(tmp_path / "test_layout.py") is None


class _Item(SimpleNamespace):
    """What the hook reads of a test item."""

    def add_marker(self, name: str) -> None:
        self.marks.append(name)

    def get_closest_marker(self, name: str) -> Any:
        return name if name in self.marks else None


def _item(file: str, *fixtures: str) -> _Item:
    return _Item(path=ROOT / "tests" / file, marks=[], fixturenames=list(fixtures))


def test_a_test_file_of_no_stage_stops_the_collection() -> None:
    known, new = _item("test_layout.py"), _item("test_new_thing.py")
    with pytest.raises(pytest.UsageError, match=r"test_new_thing\.py.*TEST_STAGES"):
        pytest_collection_modifyitems([known, new])  # type: ignore[list-item]


@pytest.mark.parametrize("fixture", SLOW_FIXTURES)
def test_a_slow_fixture_makes_a_quick_stage_slow(fixture: str) -> None:
    quick, slow = _item("test_problems.py", "tmp_path"), _item("test_problems.py", fixture)
    pytest_collection_modifyitems([quick, slow])  # type: ignore[list-item]
    assert quick.marks == ["core", "fast"]
    assert slow.marks == ["core", "slow"]


def test_every_test_of_this_run_has_one_stage_and_fast_only_where_quick(
    request: pytest.FixtureRequest,
) -> None:
    items = request.session.items
    assert request.node in items
    for item in items:
        stages = [m.name for m in item.iter_markers() if m.name in STAGES]
        assert len(stages) == 1, (item.nodeid, stages)
        if item.get_closest_marker("fast") is not None:
            assert item.get_closest_marker("slow") is None, item.nodeid
            assert stages[0] in FAST_STAGES or isinstance(item, pytest.DoctestItem), item.nodeid
        elif stages[0] in FAST_STAGES:
            assert item.get_closest_marker("slow") is not None, item.nodeid
