"""The scan reader's steps on pages made here: skew, rulings and cells with spans, the text of a
cell, the recognizer's decoding, doubt made visible, and where OCR runs (only on images)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from jixiao.core.errors import OcrUnavailableError
from jixiao.extract.layout.table import grid_to_table
from jixiao.extract.readers.pdf import reader as pdf_module
from jixiao.extract.readers.pdf.reader import pdf_to_extraction
from jixiao.extract.readers.pdf.settings import PdfSettings
from jixiao.extract.readers.scan import cells as cells_module
from jixiao.extract.readers.scan import lines as lines_module
from jixiao.extract.readers.scan import ocr
from jixiao.extract.readers.scan.check import (
    CODE,
    LOW_CONFIDENCE,
    is_amount,
    is_number,
    table_to_ocr_problems,
    with_ocr_problems,
)
from jixiao.extract.readers.scan.deskew import image_to_skew, rotate
from jixiao.extract.readers.scan.files import image_to_extraction
from jixiao.extract.readers.scan.image import PageImage, image_file_to_pages
from jixiao.extract.readers.scan.page import ScanPage, image_to_tables
from jixiao.extract.readers.scan.text import clean_cell_text
from jixiao.extract.readers.text import text_to_grids
from jixiao.model.grid import Grid
from jixiao.model.source import Severity
from jixiao.pipeline.discover import InputFile, discover

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SEED = FIXTURES / "seed" / "000_a203d4b834672a09.txt"
SCALE = 200 / 72  # pixels per point of the pages drawn here


def ruled_page(merge: bool = True) -> np.ndarray:
    """A white page with one ruled table: 3 rows × 3 columns, the first column's lower two
    cells merged; short vertical strokes inside the cells stand for text."""
    page = np.full((1400, 1000), 255, dtype=np.uint8)
    xs, ys = (100, 300, 600, 900), (200, 280, 360, 440)
    for y in ys:
        cv2.line(page, (xs[0], y), (xs[-1], y), 0, 2)
    for x in xs:
        cv2.line(page, (x, ys[0]), (x, ys[-1]), 0, 2)
    if merge:
        cv2.line(page, (xs[0] + 2, ys[2]), (xs[1] - 2, ys[2]), 255, 4)  # erase: a merged cell
    for x in (150, 400, 700):
        for y in ys[:-1]:
            cv2.line(page, (x, y + 25), (x, y + 50), 0, 2)  # a glyph's stroke
    return page


# -- skew ---------------------------------------------------------------------------------


@pytest.mark.parametrize("degrees", [-1.0, -0.5, 0.0, 0.3, 0.9], ids=lambda d: f"{d:+.1f}deg")
def test_skew_is_found_and_undone(degrees: float) -> None:
    sheet = np.asarray(
        Image.fromarray(ruled_page()).rotate(
            degrees, resample=Image.Resampling.BICUBIC, fillcolor=255
        )
    )
    skew = image_to_skew(sheet)
    assert abs(abs(skew) - abs(degrees)) <= 0.05
    assert abs(image_to_skew(rotate(sheet, skew))) <= 0.05


# -- rulings and cells --------------------------------------------------------------------


def _spans(page: np.ndarray) -> list[tuple[int, int, int, int]]:
    """The cell boxes found, in pixels (rounded), top to bottom, left to right."""
    (boxes,) = image_to_tables(PageImage(page, SCALE, 1)).tables
    return sorted(tuple(round(v * SCALE) for v in box) for box in boxes)


def test_cells_come_from_the_rulings_with_their_spans() -> None:
    boxes = _spans(ruled_page())
    assert len(boxes) == 8  # 9 cells, two of them merged into one
    merged = [b for b in boxes if b[0] == 100 and b[3] - b[1] > 100]
    assert len(merged) == 1
    assert abs(merged[0][1] - 280) <= 2
    assert abs(merged[0][3] - 440) <= 2


def test_strokes_of_text_do_not_split_cells() -> None:
    assert len(_spans(ruled_page(merge=False))) == 9


def test_a_page_without_rulings_has_no_table() -> None:
    page = np.full((1400, 1000), 255, dtype=np.uint8)
    cv2.putText(page, "no table here", (100, 300), cv2.FONT_HERSHEY_SIMPLEX, 2, 0, 3)
    assert image_to_tables(PageImage(page, SCALE, 1)).tables == ()


def _labelled(mask: np.ndarray) -> tuple[list[tuple[int, ...]], np.ndarray]:
    """What a labelling of 8-connected components gives: the boxes, and the pixels of the
    pieces smaller than three pixels."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8) * 255)
    boxes = sorted(tuple(int(v) for v in stats[k, :4]) for k in range(1, count))
    small = [k for k in range(1, count) if stats[k, cv2.CC_STAT_AREA] < 3]
    return boxes, np.isin(labels, small) & mask


@pytest.mark.parametrize(
    "rows",
    [
        pytest.param(["#.", ".."], id="one-pixel"),
        pytest.param(["#.#", "#.."], id="a-pair-and-a-pixel"),
        pytest.param(["#..", ".#.", "..#"], id="a-diagonal-of-three"),
        pytest.param(["###", "#.#", "###", "..."], id="a-ring"),
        pytest.param(["#####", "#...#", "#.#.#", "#...#", "#####"], id="a-pixel-in-a-ring"),
        pytest.param(["##", "##"], id="touching-every-edge"),
        pytest.param(["#.#.#", ".....", "##.##"], id="pieces-on-the-border"),
    ],
)
def test_boxes_and_specks_are_those_of_connected_components(rows: list[str]) -> None:
    mask = np.array([[ch == "#" for ch in row] for row in rows])
    boxes, small = _labelled(mask)
    assert sorted(lines_module._boxes(mask.astype(np.uint8) * 255)) == boxes
    assert (cells_module.specks(mask) == small).all()


def test_boxes_and_specks_agree_with_labelling_on_noise() -> None:
    rng = np.random.default_rng(17)
    for density in (0.05, 0.2, 0.45, 0.7):
        mask = rng.random((60, 90)) < density
        boxes, small = _labelled(mask)
        assert sorted(lines_module._boxes(mask.astype(np.uint8) * 255)) == boxes
        assert (cells_module.specks(mask) == small).all()


# -- the text of a cell -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        pytest.param("一", "一", id="lone-yi-stays-for-the-column-to-judge"),
        pytest.param("一级指标", "一级指标", id="yi-in-words-stays"),
        pytest.param("95 次", "95次", id="space-before-cjk-goes"),
        pytest.param("上海市 人民政府", "上海市人民政府", id="space-between-cjk-goes"),
        pytest.param("annual report", "annual report", id="latin-space-stays"),
        pytest.param("  ", "", id="blank"),
    ],
)
def test_clean_cell_text(raw: str, text: str) -> None:
    assert clean_cell_text(raw) == text


# -- decoding -----------------------------------------------------------------------------

CHARACTERS = ("", "3", "B", "项", "目")  # index 0 is the CTC blank
DIGITS = (0, 1)


def _steps(*rows: dict[int, float]) -> np.ndarray:
    """Per-step class probabilities: the given ones, the rest of the mass on the blank."""
    out = np.zeros((len(rows), len(CHARACTERS)), dtype=np.float32)
    for t, row in enumerate(rows):
        for k, p in row.items():
            out[t, k] = p
        out[t, 0] += 1 - out[t].sum()
    return out


def test_decoding_collapses_repeats_and_drops_blanks() -> None:
    reading = ocr.decode(_steps({3: 0.9}, {3: 0.8}, {}, {4: 0.7}), CHARACTERS, DIGITS)
    assert (reading.text, reading.confidence) == ("项目", pytest.approx(0.7))


def test_decoding_keeps_a_repeat_split_by_a_blank() -> None:
    assert ocr.decode(_steps({1: 0.9}, {}, {1: 0.9}), CHARACTERS).text == "33"


def test_the_digit_reading_of_a_lookalike() -> None:
    reading = ocr.decode(_steps({}, {2: 0.6, 1: 0.35}, {}), CHARACTERS, DIGITS)
    assert (reading.text, reading.digits) == ("B", "3")
    assert reading.digits_confidence == pytest.approx(0.35)


def test_nothing_read_has_no_confidence() -> None:
    assert ocr.decode(_steps({}, {}), CHARACTERS, DIGITS) == ocr.Reading("", 0.0)


# -- doubt --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number"),
    [
        pytest.param("99.49%", True, id="rate"),
        pytest.param("1,234.5", True, id="thousands"),
        pytest.param("—", True, id="dash"),
        pytest.param("", True, id="blank"),
        pytest.param("IO", False, id="letters"),
        pytest.param("880%^80%", False, id="garbled-rate"),
        pytest.param("9.9.5", False, id="two-points"),
    ],
)
def test_is_number(text: str, number: bool) -> None:
    assert is_number(text) is number


def test_an_amount_may_carry_its_unit() -> None:
    assert is_amount("620.82万元")
    assert not is_amount("62O.82")


def _seed_grid() -> Grid:
    """Table 1 of the seed as if read by OCR: every cell recognized with confidence 0.99."""
    grid = text_to_grids(SEED.read_text(encoding="utf-8"), file="seed.txt")[0]
    cells = tuple(replace(c, confidence=0.99) for c in grid.cells)
    return replace(grid, cells=cells)


def _edit(grid: Grid, find: str, text: str | None = None, confidence: float = 0.99) -> Grid:
    """The grid with the first cell reading ``find`` given another text or confidence."""
    cells = list(grid.cells)
    k = next(i for i, c in enumerate(cells) if c.text.strip() == find)
    cells[k] = replace(cells[k], text=find if text is None else text, confidence=confidence)
    return replace(grid, cells=tuple(cells))


def test_a_clean_ocr_table_has_no_doubt() -> None:
    grid = _seed_grid()
    assert table_to_ocr_problems(grid_to_table(grid), grid) == ()


def test_text_read_as_text_is_never_in_doubt() -> None:
    grid = text_to_grids(SEED.read_text(encoding="utf-8"), file="seed.txt")[0]
    assert table_to_ocr_problems(grid_to_table(grid), grid) == ()


@pytest.mark.parametrize(
    ("find", "text", "confidence", "field"),
    [
        pytest.param("94.95", "94.95", 0.31, "score_total", id="low-confidence-total"),
        pytest.param("99.49", "880%^80%", 0.99, "execution_rate", id="garbled-rate"),
        pytest.param("9.95", "IO", 0.99, "score", id="letters-for-a-score"),
        pytest.param("主管部门", "主管部门", 0.2, "", id="low-confidence-label"),
    ],
)
def test_a_doubtful_cell_is_one_problem_on_that_cell(
    find: str, text: str, confidence: float, field: str
) -> None:
    grid = _edit(_seed_grid(), find, text, confidence)
    (problem,) = table_to_ocr_problems(grid_to_table(grid), grid)
    cell = next(c for c in grid.cells if c.text == text and c.confidence == confidence)
    assert (problem.code, problem.severity, problem.field) == (CODE, Severity.WARNING, field)
    assert (problem.source.row, problem.source.col) == (cell.row, cell.col)
    assert problem.found == text
    assert f"{confidence:.2f}" in problem.message
    assert confidence < LOW_CONFIDENCE or "格式" in problem.message


def test_a_lone_dash_in_a_number_field_is_a_dash_and_no_doubt() -> None:
    grid = _seed_grid()
    k = next(i for i, c in enumerate(grid.cells) if c.text.strip() == "—")
    cells = list(grid.cells)
    cells[k] = replace(cells[k], text="一", confidence=0.42)  # the recognizer's guess
    grid = replace(grid, cells=tuple(cells))
    table = with_ocr_problems(grid_to_table(grid), grid)
    assert table.problems == grid_to_table(grid).problems
    dashed = [
        text.raw
        for fund in table.funds
        for text in (fund.weight, fund.score)
        if text is not None and (text.source.row, text.source.col) == (cells[k].row, cells[k].col)
    ]
    assert dashed == ["—"]


# -- where OCR runs -----------------------------------------------------------------------


@pytest.fixture
def scans_seen(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The pages handed to the OCR (recorded, then read as usual)."""
    seen: list[int] = []
    real = pdf_module.pdf_page_to_scan

    def spy(page: object, number: int) -> ScanPage:
        seen.append(number)
        return real(page, number)

    monkeypatch.setattr(pdf_module, "pdf_page_to_scan", spy)
    return seen


@pytest.mark.parametrize(
    "name", ["lo_seed.pdf", "lo_annual_report.pdf", "lo_long_repeat.pdf"], ids=str
)
def test_a_born_digital_pdf_never_goes_through_ocr(name: str, scans_seen: list[int]) -> None:
    result = pdf_to_extraction(FIXTURES / "pdf" / name)
    assert result.grids
    assert scans_seen == []
    assert {g.reader for g in result.grids} == {"pdfium"}
    assert all(c.confidence is None for g in result.grids for c in g.cells)


@pytest.mark.slow
def test_a_mixed_pdf_reads_each_page_its_own_way(scans_seen: list[int]) -> None:
    result = pdf_to_extraction(FIXTURES / "scan" / "lo_synthetic_mixed.pdf")
    assert scans_seen == [2]
    assert [(g.page_start, g.reader) for g in result.grids] == [(1, "pdfium"), (2, "ocr")]
    text, scan = result.grids
    assert all(c.confidence is None for c in text.cells)
    assert all(c.confidence is not None for c in scan.cells)


def test_ocr_can_be_switched_off(scans_seen: list[int]) -> None:
    result = pdf_to_extraction(
        FIXTURES / "scan" / "lo_long_repeat.pdf", settings=PdfSettings(ocr=False)
    )
    assert (scans_seen, result.grids) == ([], ())
    assert [p.severity for p in result.problems] == [Severity.WARNING, Severity.WARNING]


def test_without_the_recognizer_a_scan_is_a_warning_that_says_why(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def missing() -> ocr.Recognizer:
        raise OcrUnavailableError("onnxruntime cannot be imported")

    monkeypatch.setattr(ocr, "recognizer", missing)
    result = pdf_to_extraction(FIXTURES / "scan" / "lo_long_repeat.pdf")
    assert result.grids == ()
    assert [p.code for p in result.problems] == ["scanned_page", "scanned_page"]
    assert all("OCR）不可用" in p.message for p in result.problems)
    assert all("onnxruntime" in p.found for p in result.problems)
    image = image_to_extraction(FIXTURES / "scan" / "lo_seed_p3.jpg")
    (problem,) = image.problems
    assert (problem.code, problem.severity) == ("ocr_unavailable", Severity.ERROR)


# -- image files --------------------------------------------------------------------------


def test_a_multipage_tiff_is_one_page_per_frame_at_its_resolution() -> None:
    pages = list(image_file_to_pages(FIXTURES / "scan" / "lo_landscape.tif"))
    assert [p.number for p in pages] == [1, 2]
    assert pages[0].scale == pytest.approx(150 / 72)
    width, height = pages[0].size
    assert width > height  # landscape, in points
    assert round(width) == 842


def test_a_broken_image_is_one_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "scan.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n not really")
    result = image_to_extraction(path, display_name="in/scan.png")
    (problem,) = result.problems
    assert (problem.code, problem.severity) == ("unreadable_image", Severity.ERROR)
    assert "in/scan.png" in problem.message
    assert result.grids == ()


def test_images_are_discovered_by_their_suffix(tmp_path: Path) -> None:
    for name in ("a.PNG", "b.jpg", "c.jpeg", "d.tif", "e.TIFF", "f.gif", "g.pdf"):
        (tmp_path / name).write_bytes(b"x")
    found = {f.name: f.kind for f in discover([tmp_path])}
    assert found == {
        "a.PNG": "image",
        "b.jpg": "image",
        "c.jpeg": "image",
        "d.tif": "image",
        "e.TIFF": "image",
        "g.pdf": "pdf",
    }
    assert InputFile(tmp_path / "x.txt", "x.txt").kind == "tsv"


@pytest.mark.slow
def test_an_image_file_gives_its_tables_with_their_place() -> None:
    result = image_to_extraction(FIXTURES / "scan" / "lo_two_per_page.png")
    assert [(g.source_kind, g.reader, g.page_start) for g in result.grids] == [
        ("image", "ocr", 1),
        ("image", "ocr", 1),
    ]
    first, second = result.grids
    assert first.title is not None
    assert "自评表" in first.title
    assert first.year_text is not None
    assert max(c.source.bbox[3] for c in first.cells if c.source.bbox) < min(
        c.source.bbox[1] for c in second.cells if c.source.bbox
    )


# -- offline ------------------------------------------------------------------------------


def _network_is_blocked() -> bool:
    unshare = shutil.which("unshare")
    if unshare is None:
        return False
    probe = subprocess.run([unshare, "-rn", "true"], capture_output=True, check=False)
    return probe.returncode == 0


@pytest.mark.slow
@pytest.mark.skipif(not _network_is_blocked(), reason="needs unshare -rn (a network namespace)")
def test_the_recognizer_runs_with_the_network_cut_off() -> None:
    script = (
        "from jixiao.extract.readers.scan.files import image_to_extraction;"
        "g = image_to_extraction('fixtures/scan/lo_seed_p3.jpg').grids[0];"
        "print(next(c.text for c in g.cells if c.row == 0 and c.col == 1))"
    )
    done = subprocess.run(
        ["unshare", "-rn", sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "“一网通办”工作经费"


OCR_MODULES = "('cv2', 'onnxruntime', 'rapidocr')"


def test_the_recognizer_is_not_loaded_for_text() -> None:
    script = (
        "import sys; from jixiao.api import read;"
        "read('fixtures/pdf/lo_seed.pdf');"
        f"print(sorted(m for m in {OCR_MODULES} if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.slow
def test_a_whole_run_of_a_text_pdf_never_loads_the_recognizer(tmp_path: Path) -> None:
    """``jixiao run`` with its report, the file read in the same process (no worker to hide
    what the reading imported)."""
    script = (
        "import sys; import jixiao.batch.pool as pool; pool.CAN_ISOLATE = False;"
        "from jixiao.cli.main import main;"
        f"main(['run', 'fixtures/pdf/lo_seed.pdf', '-o', {str(tmp_path)!r}, '-j', '1', '-q'],"
        " standalone_mode=False);"
        f"print(sorted(m for m in {OCR_MODULES} if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
    assert (tmp_path / "report.html").is_file()


def test_decimal_fields_of_an_ocr_table_parse_like_text() -> None:
    grid = _seed_grid()
    table = grid_to_table(grid)
    assert table.total is not None
    assert table.total.score is not None
    assert Decimal(table.total.score.raw) == Decimal("94.95")
