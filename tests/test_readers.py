"""The readers' one interface: every form registered by what it reads, each reader a function
``(SourceFile, ReadSettings) → Reading``, and a new form needs nothing but its module and its
line in the registry."""

from __future__ import annotations

import inspect
import sys
import types
from importlib import import_module
from pathlib import Path

import pytest

from jixiao.extract import readers
from jixiao.extract.readers import (
    INPUT_SUFFIXES,
    READERS,
    Reader,
    Reading,
    ReadSettings,
    SourceFile,
    path_to_kind,
    read_file,
    reader_of,
)
from jixiao.model.grid import Cell, Grid
from jixiao.model.pane import SourcePane
from jixiao.model.source import Source
from jixiao.pipeline.discover import discover
from tests.conftest import FIXTURES


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.kinds[0])
def test_every_registered_reader_is_a_read_function(reader: Reader) -> None:
    module, _, name = reader.function.partition(":")
    function = getattr(import_module(module), name)
    assert list(inspect.signature(function).parameters) == ["source", "settings"]


def test_each_suffix_and_kind_has_one_reader() -> None:
    suffixes = [s for reader in READERS for s in reader.suffixes]
    kinds = [k for reader in READERS for k in reader.kinds]
    assert len(suffixes) == len(set(suffixes))
    assert len(kinds) == len(set(kinds))
    assert all(s == s.lower() and s.startswith(".") for s in suffixes)
    assert set(suffixes) == INPUT_SUFFIXES


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("a.txt", "tsv"),
        ("a.TSV", "tsv"),
        ("a.pdf", "pdf"),
        ("a.Tiff", "image"),
        ("a.xhtml", "html"),
        ("a.xlsm", "xlsx"),
        ("a.xls", "xls"),
        ("a.docx", "docx"),
        ("a.wps", "wps"),
        ("a.et", "et"),
        ("no-suffix", "tsv"),
        ("a.csv", "tsv"),
    ],
)
def test_a_suffix_claims_a_kind(name: str, kind: str) -> None:
    assert path_to_kind(Path(name)) == kind
    assert kind in reader_of(kind).kinds


def test_discovery_takes_every_registered_suffix(tmp_path: Path) -> None:
    for suffix in INPUT_SUFFIXES:
        (tmp_path / f"f{suffix.upper()}").write_bytes(b"x")
    (tmp_path / "f.gif").write_bytes(b"x")
    found = {f.path.suffix.lower() for f in discover([tmp_path])}
    assert found == INPUT_SUFFIXES


def test_office_files_are_read_as_what_their_bytes_are() -> None:
    """An Excel web export named .xls is a web page."""
    path = FIXTURES / "office" / "families_web.xls"
    with read_file(path.read_bytes(), path=path, name=path.name) as reading:
        assert reading.grids
        assert {g.source_kind for g in reading.grids} == {"html"}


def test_text_files_are_never_sniffed() -> None:
    """A text file that starts with '<' is still text (only office forms are sniffed)."""
    with read_file(b"<b>\t1\n", path=Path("a.txt"), name="a.txt") as reading:
        assert [g.source_kind for g in reading.grids] == ["tsv"]


@pytest.mark.parametrize(
    ("fixture", "kind", "panes"),
    [
        ("seed/000_a203d4b834672a09.txt", "tsv", "lines"),
        ("pdf/lo_seed.pdf", "pdf", "crops"),
        ("office/seed.html", "html", "none"),
        ("office/seed.xlsx", "xlsx", "none"),
        ("office/seed.docx", "docx", "none"),
    ],
)
def test_every_form_gives_a_reading_with_its_source_pane(
    fixture: str, kind: str, panes: str
) -> None:
    path = FIXTURES / fixture
    with read_file(path.read_bytes(), path=path, name=fixture) as reading:
        assert reading.grids, "no grid read"
        assert {grid.source_kind for grid in reading.grids} == {kind}
        pane = reading.pane(reading.grids[0])
    assert bool(pane.crops) is (panes == "crops")
    assert bool(pane.lines) is (panes == "lines")
    assert pane.note == ""


def _grid(file: str) -> Grid:
    return Grid(file, "fake", (Cell(0, 0, "项目名称", Source(file, row=0, col=0)),), 1, 1)


def test_a_new_form_is_a_module_and_a_registry_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a reader of a new form needs: its function, in a module, named in the registry;
    discovery, read_file and the runner then take files of that form."""
    module = types.ModuleType("jixiao_fake_reader")

    def read_fake_file(source: SourceFile, settings: ReadSettings) -> Reading:
        return Reading((_grid(source.name),), pane=lambda grid, dpi=0: SourcePane(note="fake"))

    module.read_fake_file = read_fake_file  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "jixiao_fake_reader", module)
    fake = Reader(("fake",), (".fake",), "jixiao_fake_reader:read_fake_file")
    monkeypatch.setattr(readers, "_BY_SUFFIX", {**readers._BY_SUFFIX, ".fake": "fake"})
    monkeypatch.setattr(readers, "_BY_KIND", {**readers._BY_KIND, "fake": fake})
    reading = read_file(b"", path=Path("x.fake"), name="x.fake")
    assert [g.file for g in reading.grids] == ["x.fake"]
    assert reading.pane(reading.grids[0]).note == "fake"
