"""The report of a scanned file: its grids come from the run (no second OCR), and the cells in
doubt are boxed on the scan."""

from __future__ import annotations

from html import escape
from pathlib import Path

import pandas as pd
import pytest

from jixiao.api import run
from jixiao.batch.parts import grids_to_json, json_to_grids
from jixiao.batch.run import BatchSettings
from jixiao.core.errors import OcrUnavailableError
from jixiao.extract.readers.scan import ocr
from jixiao.extract.readers.scan.files import image_to_extraction
from jixiao.report.image import grid_to_regions, image_to_crops
from jixiao.report.source import read_source

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "scan"


@pytest.fixture(scope="module")
def scanned_grids() -> tuple:  # type: ignore[type-arg]
    return image_to_extraction(FIXTURES / "lo_seed_p3.jpg").grids


@pytest.mark.slow
def test_grids_survive_their_json_part(scanned_grids: tuple) -> None:  # type: ignore[type-arg]
    assert json_to_grids(grids_to_json(scanned_grids)) == scanned_grids


@pytest.mark.slow
def test_the_report_takes_a_scan_from_the_run_not_from_the_ocr(
    scanned_grids: tuple,  # type: ignore[type-arg]
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    part = tmp_path / "scan.grids.json"
    part.write_text(grids_to_json(scanned_grids), encoding="utf-8")

    def no_ocr() -> ocr.Recognizer:
        raise OcrUnavailableError("the report must not run the OCR")

    monkeypatch.setattr(ocr, "recognizer", no_ocr)
    source = read_source(FIXTURES / "lo_seed_p3.jpg", "lo_seed_p3.jpg", scanned=part)
    assert (source.kind, source.error) == ("image", "")
    assert source.grids == scanned_grids


@pytest.mark.slow
def test_an_image_crop_is_the_table_region(scanned_grids: tuple) -> None:  # type: ignore[type-arg]
    (region,) = grid_to_regions(scanned_grids[0])
    (crop,) = image_to_crops(FIXTURES / "lo_seed_p3.jpg", [region], dpi=72)
    x0, top, x1, bottom = crop.region.bbox
    assert (crop.width, crop.height) == (round(x1 - x0), round(bottom - top))
    assert crop.png.startswith(b"\x89PNG")


@pytest.mark.slow
def test_a_cell_in_doubt_is_boxed_on_the_scan(tmp_path: Path) -> None:
    scan = FIXTURES / "real" / "seed-1.pdf"
    run([scan], tmp_path / "out", settings=BatchSettings(workers=1))
    problems = pd.read_csv(tmp_path / "out" / "problems.csv", encoding="utf-8-sig")
    doubt = problems[problems["code"] == "ocr_low_confidence"]
    assert len(doubt) >= 1
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "PDF 扫描页（同一区域）" in html
    assert html.count("box-hl") >= len(doubt)
    assert all(escape(message, quote=True) in html for message in doubt["message"])
    assert list((tmp_path / "out" / "parts").rglob("*.grids.json"))
