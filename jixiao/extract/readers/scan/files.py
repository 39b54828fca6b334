"""Image files (PNG, JPEG, TIFF; a multi-page TIFF is one page per frame) → the 自评表 grids on
them, read by OCR the way a scanned PDF page is.

The scan reader (OpenCV, the recognizer) loads with this module: the readers' registry
(:mod:`jixiao.extract.readers`) imports it only to read an image file.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from PIL import Image

from jixiao.core.errors import OcrUnavailableError
from jixiao.core.problems import make_problem
from jixiao.core.vocabulary import is_self_evaluation
from jixiao.extract.readers import Reading, ReadSettings, SourceFile
from jixiao.extract.readers.crops import DEFAULT_DPI, MAX_WIDTH_PX, grid_to_regions, image_to_png
from jixiao.extract.readers.limits import InputLimits
from jixiao.extract.readers.pdf.join import chain_to_grid, chain_to_texts, parts_to_chains
from jixiao.extract.readers.pdf.reader import PdfExtraction
from jixiao.extract.readers.scan.image import image_file_to_pages
from jixiao.extract.readers.scan.page import ScanPage, image_to_scan_page
from jixiao.extract.readers.scan.read import grid_with_readings
from jixiao.model.grid import Grid
from jixiao.model.pane import Crop, Region, SourcePane
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


def read_image_file(source: SourceFile, settings: ReadSettings) -> Reading:
    """An image file read into grids by OCR; a table's source pane is its region of each page
    (the reader registered for ``image``)."""
    extraction = image_to_extraction(source.path, display_name=source.name, limits=settings.limits)
    grids = extraction.grids
    return Reading(
        grids,
        extraction.problems,
        extraction.pages,
        scanned=grids,
        pane=functools.partial(image_file_to_pane, source.path),
    )


def image_file_to_pane(path: Path, grid: Grid, dpi: float = DEFAULT_DPI) -> SourcePane:
    """A table's source pane: its region of each page of the image file."""
    try:
        return SourcePane(crops=tuple(image_file_to_crops(path, grid_to_regions(grid), dpi)))
    except Exception as error:  # a page that cannot be rendered must not lose the file
        return SourcePane(note=f"无法渲染原页面：{type(error).__name__}: {error}")


def image_to_extraction(
    path: str | Path, *, display_name: str | None = None, limits: InputLimits | None = None
) -> PdfExtraction:
    """Read every 自评表 of an image file; never raises for a bad file, raises
    :class:`~jixiao.core.errors.FileTooLargeError` for an image of more pixels than
    ``limits`` allow (by default those of the environment)."""

    name = display_name or Path(path).name
    scans: list[ScanPage] = []
    try:
        scans.extend(image_to_scan_page(image) for image in image_file_to_pages(path, limits))
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


def image_file_to_crops(
    path: Path, regions: Sequence[Region], dpi: float = DEFAULT_DPI, max_width: int = MAX_WIDTH_PX
) -> list[Crop]:
    """Crop each region (in points at the image's own resolution, as the scan reader gives
    them) of a scanned image file's pages; a page that is not there is left out."""

    wanted = {region.page for region in regions}
    pages = {page.number: page for page in image_file_to_pages(path) if page.number in wanted}
    crops: list[Crop] = []
    for region in regions:
        page = pages.get(region.page)
        if page is None:
            continue
        width, height = page.size
        x0, top, x1, bottom = region.bbox
        box = (max(0.0, x0), max(0.0, top), min(width, x1), min(height, bottom))
        left, top_px, right, bottom_px = (round(v * page.scale) for v in box)
        image = Image.fromarray(page.gray).crop((left, top_px, right, bottom_px))
        region_dpi = min(dpi, max_width * 72 / max(box[2] - box[0], 1.0))
        size = (
            round((box[2] - box[0]) * region_dpi / 72),
            round((box[3] - box[1]) * region_dpi / 72),
        )
        image = image.resize((max(size[0], 1), max(size[1], 1)), Image.Resampling.LANCZOS)
        crops.append(Crop(Region(region.page, box), image_to_png(image), image.width, image.height))
    return crops
