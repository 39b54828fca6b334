"""Image files (PNG, JPEG, TIFF; a multi-page TIFF is one page per frame) → the 自评表 grids on
them, read by OCR the way a scanned PDF page is.

The scan reader (OpenCV, the recognizer) loads with this module: it is imported only to read an
image file (:mod:`jixiao.pipeline.runner` and :mod:`jixiao.report.source` import it then).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from jixiao.core.errors import OcrUnavailableError
from jixiao.core.problems import make_problem
from jixiao.core.vocabulary import is_self_evaluation
from jixiao.extract.readers.pdf.join import chain_to_grid, chain_to_texts, parts_to_chains
from jixiao.extract.readers.pdf.reader import PdfExtraction
from jixiao.extract.readers.scan.image import image_file_to_pages
from jixiao.extract.readers.scan.page import ScanPage, image_to_scan_page
from jixiao.extract.readers.scan.read import grid_with_readings
from jixiao.model.source import Problem, Source

SOURCE_KIND = "image"


def unreadable_image_problem(name: str, error: BaseException) -> Problem:
    """The file is not an image that can be decoded."""
    text = str(error) or type(error).__name__
    return make_problem(
        "unreadable_image",
        f"无法读取图像文件 {name}：文件已损坏或不是支持的图像格式",
        Source(name),
        found=text,
    )


def _no_table_problem(name: str, page: int) -> Problem:
    return make_problem(
        "table_not_found",
        f"{name} 第{page}页没有找到带表格线的表格，未读取",
        Source(name, page=page),
    )


def image_to_extraction(path: str | Path, *, display_name: str | None = None) -> PdfExtraction:
    """Read every 自评表 of an image file; never raises for a bad file."""
    name = display_name or Path(path).name
    scans: list[ScanPage] = []
    try:
        scans.extend(image_to_scan_page(image) for image in image_file_to_pages(path))
    except OcrUnavailableError as error:
        problem = make_problem(
            "ocr_unavailable",
            f"{name} 是图像文件，需要文字识别（OCR），但它不可用",
            Source(name),
            found=str(error),
        )
        return PdfExtraction((), (problem,), len(scans))
    except (OSError, ValueError, SyntaxError) as error:  # PIL's errors for a broken image
        return PdfExtraction((), (unreadable_image_problem(name, error),), len(scans))
    parts = [part for scan in scans for part in scan.parts]
    chains = [c for c in parts_to_chains(parts) if is_self_evaluation(chain_to_texts(c))]
    grids = tuple(
        replace(grid_with_readings(chain_to_grid(chain, name), scans), source_kind=SOURCE_KIND)
        for chain in chains
    )
    problems = tuple(_no_table_problem(name, scan.number) for scan in scans if not scan.parts)
    return PdfExtraction(grids, problems, len(scans))
