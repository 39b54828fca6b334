"""Page images of a PDF table, rendered with PDFium from the open document (the report's
source pane; the format is :mod:`jixiao.extract.readers.crops`')."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pypdfium2 as pdfium

from jixiao.extract.readers.crops import DEFAULT_DPI, MAX_WIDTH_PX, image_to_png
from jixiao.extract.readers.limits import limits_from_environment
from jixiao.model.pane import Crop, Region


def document_to_crops(
    doc: pdfium.PdfDocument,
    regions: Sequence[Region],
    dpi: float = DEFAULT_DPI,
    max_width: int = MAX_WIDTH_PX,
    *,
    pages: Mapping[int, pdfium.PdfPage] | None = None,
) -> list[Crop]:
    """Render each region of an open PDF; a region on a page the PDF does not have is left
    out. ``pages``: pages of ``doc`` open already, by number (rendered as they are and left
    open); any other page is loaded for its region and closed."""
    crops: list[Crop] = []
    for region in regions:
        if not 1 <= region.page <= len(doc):
            continue
        page = pages.get(region.page) if pages else None
        if page is not None:
            crops.append(page_to_crop(page, region, dpi, max_width))
            continue
        page = doc[region.page - 1]
        try:
            crops.append(page_to_crop(page, region, dpi, max_width))
        finally:
            page.close()
    return crops


def page_to_crop(
    page: pdfium.PdfPage, region: Region, dpi: float = DEFAULT_DPI, max_width: int = MAX_WIDTH_PX
) -> Crop:
    """One region of a page, rendered alone (the rest of the page is never drawn), at a
    resolution that keeps it within ``max_width`` pixels and the pixel limit of the
    environment (:class:`~jixiao.extract.readers.limits.InputLimits`: a region of a huge page
    is drawn smaller, never at a size that takes the memory)."""
    width, height = page.get_size()
    x0, top, x1, bottom = region.bbox
    box = (max(0.0, x0), max(0.0, top), min(width, x1), min(height, bottom))
    area = max(box[2] - box[0], 1.0) * max(box[3] - box[1], 1.0)
    budget = limits_from_environment().max_megapixels * 1_000_000
    dpi = min(dpi, max_width * 72 / max(box[2] - box[0], 1.0), 72 * math.sqrt(budget / area))
    # PDFium crops in points from each edge of the page, bottom-up
    crop = (box[0], height - box[3], width - box[2], box[1])
    image = page.render(scale=dpi / 72, crop=crop, grayscale=True).to_pil()
    return Crop(Region(region.page, box), image_to_png(image), image.width, image.height)
