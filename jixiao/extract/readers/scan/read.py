"""Where OCR meets the PDF reader: a scanned PDF page read into table parts, and the grids
built from such parts given their recognizer confidences and their place on the scan.

:func:`jixiao.extract.readers.pdf.reader.pdf_to_extraction` calls :func:`pdf_page_to_scan` for
each page that has images but no text (and only for those: a born-digital page never reaches the
OCR), and :func:`grid_with_readings` on each grid it builds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from jixiao.core.errors import OcrUnavailableError
from jixiao.model.grid import Grid

if TYPE_CHECKING:  # the scan modules load OpenCV: imported on the first scanned page only
    import pypdfium2 as pdfium  # annotations only: the report of a text run imports this module

    from jixiao.extract.readers.scan.page import CellReading, ScanPage

__all__ = ["OCR_READER", "OcrUnavailableError", "grid_with_readings", "pdf_page_to_scan"]

OCR_READER = "ocr"  # Grid.reader of a table read from an image


def pdf_page_to_scan(page: pdfium.PdfPage, number: int) -> ScanPage:
    """Read the ruled tables of a scanned PDF page by OCR (raises
    :class:`~jixiao.core.errors.OcrUnavailableError` when the recognizer cannot be loaded)."""
    # The scan reader loads OpenCV and numpy (~0.3 s): this module loads with every PDF read.
    from jixiao.extract.readers.scan.image import pdf_page_to_image  # noqa: PLC0415 - OpenCV
    from jixiao.extract.readers.scan.page import image_to_scan_page  # noqa: PLC0415 - OpenCV

    return image_to_scan_page(pdf_page_to_image(page, number))


def grid_with_readings(grid: Grid, scans: Sequence[ScanPage]) -> Grid:
    """The grid with each cell read by OCR given its confidence, and its source box moved from
    the straightened page to where it lies on the scan. Other cells are left as they are."""
    if not scans:
        return grid
    readings: dict[tuple[int, tuple[float, ...]], CellReading] = {
        (r.page, r.bbox): r for scan in scans for r in scan.readings
    }
    pages = {scan.number: scan for scan in scans}
    cells = []
    changed = False
    for cell in grid.cells:
        source = cell.source
        reading = (
            readings.get((source.page, source.bbox))
            if source.page is not None and source.bbox is not None
            else None
        )
        if reading is None or source.bbox is None:
            cells.append(cell)
            continue
        changed = True
        bbox = pages[reading.page].to_original(source.bbox)
        cells.append(
            replace(cell, source=replace(source, bbox=bbox), confidence=reading.confidence)
        )
    if not changed:
        return grid
    return replace(grid, cells=tuple(cells))
