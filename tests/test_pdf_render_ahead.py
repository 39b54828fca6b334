"""A PDF's page images rendered ahead in a forked child (#26, round 5) are the bytes the
reading process renders itself; whatever the child cannot give (a region it fails on, a child
that dies) is rendered in the reading process; the child is always reaped; the batch runner
asks for it only with a core to spare."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any, NoReturn

import pypdfium2 as pdfium
import pytest

from jixiao.batch import pool
from jixiao.extract.readers import Reading, ReadSettings, read_file
from jixiao.extract.readers.crops import DEFAULT_DPI, grid_to_regions
from jixiao.extract.readers.pdf import reader, render_ahead
from jixiao.extract.readers.pdf.render import document_to_crops
from jixiao.extract.readers.pdf.render_ahead import CropsAhead, crops_ahead
from jixiao.model.pane import Region
from jixiao.pipeline.runner import InputFile, file_to_result
from jixiao.score import load_policy

PDF = Path(__file__).resolve().parent.parent / "fixtures" / "pdf"
# many tables (PDFium's characters); fonts not embedded; a table over pages (its repeated
# header is not on the grid: the part's region is not the pane's); two tables on a page
NAMES = [
    "lo_annual_report.pdf",
    "rl_annual_report.pdf",
    "lo_long_repeat.pdf",
    "lo_two_per_page.pdf",
]

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="render ahead needs os.fork")


def _read(name: str, *, ahead: bool = False) -> Reading:
    path = PDF / name
    settings = ReadSettings(render_ahead=ahead)
    return read_file(path.read_bytes(), path=path, name=name, settings=settings)


def _regions(reading: Reading) -> list[Region]:
    return list(dict.fromkeys(r for grid in reading.grids for r in grid_to_regions(grid)))


def _ahead(reading: Reading) -> CropsAhead:
    ahead = reading.pane.__self__.ahead  # type: ignore[attr-defined]
    assert isinstance(ahead, CropsAhead)
    return ahead


def _all_sent(ahead: CropsAhead) -> None:
    """Wait until the child has sent every region it was given (this process taking none, it
    comes down to the first)."""
    while not ahead._crops_done:
        ahead._receive()


def _gone(pid: int) -> bool:
    """Whether ``pid`` is no child of this process any more (reaped)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@pytest.mark.parametrize("name", NAMES)
def test_the_child_renders_the_bytes_this_process_renders(name: str) -> None:
    with _read(name) as reading:
        regions = _regions(reading)
    assert regions
    document = pdfium.PdfDocument((PDF / name).read_bytes())
    try:
        ahead = crops_ahead(document, DEFAULT_DPI)
        assert ahead is not None
        ahead.ask(regions[:1])  # asked early, then among the regions it finishes with
        ahead.ask([Region(1, (0, 0, 10, 10))])  # asked, then not wanted
        ahead.finish(regions)
        _all_sent(ahead)
        taken = [ahead.take(region, DEFAULT_DPI) for region in regions]
        ahead.close()
        assert taken == document_to_crops(document, regions, DEFAULT_DPI)
        assert ahead.take(regions[0], DEFAULT_DPI * 2) is None  # another resolution: not its
    finally:
        document.close()


@pytest.mark.parametrize("name", NAMES)
def test_panes_rendered_ahead_are_the_panes_rendered_when_asked(name: str) -> None:
    with _read(name) as reading:
        asked = [reading.pane(grid) for grid in reading.grids]
    with _read(name, ahead=True) as reading:
        assert [reading.pane(grid) for grid in reading.grids] == asked
        # the images the child sent (those it came to before this process did) are these
        sent = {_regions(reading)[i]: crop for i, crop in _ahead(reading)._crops.items()}
        here = {crop.region: crop for pane in asked for crop in pane.crops}
        assert all(crop == here[region] for region, crop in sent.items())
    assert all(pane.crops for pane in asked)


def _fails(*_: Any, **__: Any) -> NoReturn:
    raise RuntimeError("cannot render")


def _dies(*_: Any, **__: Any) -> NoReturn:
    os._exit(9)


@pytest.mark.parametrize("broken", [_fails, _dies], ids=["region fails", "child dies"])
def test_what_the_child_cannot_give_is_rendered_here(
    broken: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = "lo_two_per_page.pdf"
    with _read(name) as reading:
        asked = [reading.pane(grid) for grid in reading.grids]
    monkeypatch.setattr(render_ahead, "document_to_crops", broken)  # the child's only
    with _read(name, ahead=True) as reading:
        assert [reading.pane(grid) for grid in reading.grids] == asked
        assert not any(_ahead(reading)._crops.values())


def test_a_child_killed_early_gives_nothing_and_nothing_raises() -> None:
    """(Its regions are then rendered by the panes: the test above.)"""
    with _read("lo_annual_report.pdf") as reading:
        regions = _regions(reading)
    document = pdfium.PdfDocument((PDF / "lo_annual_report.pdf").read_bytes())
    ahead = crops_ahead(document, DEFAULT_DPI)
    assert ahead is not None
    ahead.ask(regions[:1])
    os.kill(ahead._pid or 0, signal.SIGKILL)
    ahead.ask(regions)  # the pipe is broken
    ahead.finish(regions)
    assert [ahead.take(region, DEFAULT_DPI) for region in regions] == [None] * len(regions)
    ahead.close()
    document.close()


def test_a_file_without_tables_forks_no_child(tmp_path: Path) -> None:
    blank = pdfium.PdfDocument.new()
    blank.new_page(595, 842)
    path = tmp_path / "blank.pdf"
    blank.save(str(path))
    blank.close()
    with read_file(
        path.read_bytes(), path=path, name="blank.pdf", settings=ReadSettings(render_ahead=True)
    ) as reading:
        assert reading.grids == ()
        assert _ahead(reading)._pid is None
        assert not _ahead(reading)._tried


@pytest.mark.parametrize("finished", [False, True], ids=["never finished", "finished"])
def test_a_child_not_waited_for_is_ended_and_reaped(finished: bool) -> None:
    document = pdfium.PdfDocument((PDF / "lo_annual_report.pdf").read_bytes())
    ahead = crops_ahead(document, DEFAULT_DPI)
    assert ahead is not None
    assert ahead._pid is None  # forked when first asked
    ahead.ask([Region(1, (0, 0, 100, 100))])
    pid = ahead._pid
    assert pid is not None
    if finished:
        ahead.finish([Region(1, (0, 0, 100, 100))])
    else:
        assert ahead.take(Region(1, (0, 0, 100, 100)), DEFAULT_DPI) is None  # not finished
    assert not _gone(pid)
    ahead.close()
    ahead.close()  # twice: nothing left to do
    assert _gone(pid)
    document.close()


def test_the_child_is_reaped_once_it_has_sent_its_images() -> None:
    with _read("lo_annual_report.pdf", ahead=True) as reading:
        ahead = _ahead(reading)
        pid = ahead._pid
        assert pid is not None
        _all_sent(ahead)
        assert ahead._pid is None
        assert _gone(pid)
        assert reading.pane(reading.grids[0]).crops


def test_a_file_read_with_its_images_ahead_gives_the_same_result() -> None:
    file = InputFile(PDF / "lo_annual_report.pdf", "lo_annual_report.pdf")
    policies = [load_policy("national")]
    plain = file_to_result(file, policies, material=True)
    ahead = file_to_result(file, policies, material=True, render_ahead=True)
    assert plain.material is not None
    assert ahead.material == plain.material
    assert ahead.rows == plain.rows


SPARE = [(2, 1, 1), (2, 2, 0), (8, 3, 5), (1, 4, 0)]  # cores, workers, cores spare


@pytest.mark.parametrize(("cores", "workers", "spare"), SPARE)
def test_spare_cores(cores: int, workers: int, spare: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: set(range(cores)), raising=False)
    assert pool.spare_cores(workers) == spare


def test_a_reading_that_fails_ends_its_child(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[CropsAhead] = []

    def fails(*_: Any, ahead: CropsAhead, **__: Any) -> NoReturn:
        ahead.ask([Region(1, (0, 0, 100, 100))])  # a part found, then the reading fails
        made.append(ahead)
        raise MemoryError

    monkeypatch.setattr(reader, "pdf_to_extraction", fails)
    with pytest.raises(MemoryError):
        _read("lo_two_per_page.pdf", ahead=True)
    (ahead,) = made
    assert ahead._tried
    assert ahead._pid is None  # ended and reaped


def test_the_png_encoder_is_loaded_before_a_child_is_forked() -> None:
    """Each child inherits Pillow and its PNG plugin instead of importing them again."""
    code = (
        "import sys, pypdfium2 as pdfium\n"
        "from jixiao.extract.readers.pdf.render_ahead import crops_ahead\n"
        "from jixiao.model.pane import Region\n"
        f"doc = pdfium.PdfDocument(open({str(PDF / 'lo_seed.pdf')!r}, 'rb').read())\n"
        "assert 'PIL.PngImagePlugin' not in sys.modules\n"
        "ahead = crops_ahead(doc, 110)\n"
        "ahead.ask([Region(1, (0, 0, 100, 100))])\n"
        "assert 'PIL.PngImagePlugin' in sys.modules\n"
        "ahead.close()\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=PDF.parent.parent)
