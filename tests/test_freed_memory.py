"""A run gives back the memory it has freed as it goes (#26): after each part it writes, and
between the combined outputs' chunks (:mod:`jixiao.batch.freed`)."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from click.testing import CliRunner

from jixiao.batch import combine, freed, parts
from jixiao.batch import run as batch_run
from jixiao.cli.main import main
from jixiao.pipeline.runner import FileResult, InputFile, file_to_result
from jixiao.report.build import InputPaths
from jixiao.score.policy import load_policy
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


def test_the_part_writer_holds_a_files_rows_without_its_report_material(tmp_path: Path) -> None:
    """Files wait for their part with their rows only: the report has taken its material
    already, and up to CHUNK_FILES files' grids and crops held here were a peak of their own."""
    file = InputFile(sorted(FAMILIES.glob("*.txt"))[0], "a.txt")
    result = file_to_result(file, [load_policy("national")], material=True)
    material = result.material
    assert material is not None
    writer = parts.PartWriter(tmp_path)
    assert writer.add(result, batch_run._record(result, None)) == []  # waiting for its part
    del result
    gc.collect()
    assert not any(isinstance(r, FileResult) for r in gc.get_referrers(material))
    (record,) = writer.flush()
    assert {"tables", "funds", "indicators"} <= set(record.parts)  # its rows were written


def test_the_reports_inputs_make_a_path_only_when_asked() -> None:
    """The report's inputs by name (#26: a Path for each of 10,000 inputs at once was ~5 MB at
    the end of a run): the mapping of names to paths, a Path made per lookup."""
    files = [InputFile("/in//2024/a.pdf", "2024/a.pdf"), InputFile("/in/b.txt", "b.txt")]
    paths = InputPaths(files)
    assert list(paths) == ["2024/a.pdf", "b.txt"]
    assert len(paths) == 2
    assert paths["2024/a.pdf"] == Path("/in/2024/a.pdf")
    assert isinstance(paths["b.txt"], Path)
    assert "b.txt" in paths
    assert "c.txt" not in paths
    assert paths.get("c.txt") is None
    assert dict(paths) == {f.name: f.path for f in files}
    with pytest.raises(KeyError):
        paths["c.txt"]
