"""A run gives back the memory it has freed as it goes (#26): after each part it writes, and
between the combined outputs' chunks (:mod:`jixiao.batch.freed`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from jixiao.batch import combine, freed, parts
from jixiao.cli.main import main
from tests.conftest import SEED

FAMILIES = SEED.parent.parent / "families"  # seven one-table text files


def test_memory_is_given_back_after_each_part_and_each_chunk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(parts, "CHUNK_FILES", 1)  # a part for each file
    monkeypatch.setattr(parts, "release_freed_memory", lambda: calls.append("part"))
    monkeypatch.setattr(combine, "CHUNK_ROWS", 7)  # several chunks of indicators
    monkeypatch.setattr(combine, "release_freed_memory", lambda: calls.append("end"))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(FAMILIES), "-o", str(out), "-q", "-j", "1"])
    assert result.exit_code == 0, result.output
    files = len(list(FAMILIES.glob("*.txt")))
    assert calls.count("part") >= files
    assert calls.index("end") > max(i for i, c in enumerate(calls) if c == "part")
    indicators = len((out / "indicators.csv").read_text(encoding="utf-8-sig").splitlines()) - 1
    assert calls.count("end") > -(-indicators // 7)  # at least once a chunk


def test_without_pyarrow_loaded_there_is_nothing_to_give_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delitem(freed.sys.modules, "pyarrow", raising=False)
    freed.release_freed_memory()  # no import, no error
    assert "pyarrow" not in freed.sys.modules
