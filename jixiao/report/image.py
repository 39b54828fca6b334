"""Images of PDF regions (and of scanned image files) for the report: a table's region of
each page it spans.

The page images a run shows are made by the worker that reads the PDF, while the file is open
(:mod:`jixiao.pipeline.material`, which says what format and why); this module renders them
from a path, for a file the run did not read (the report of a ``--resume`` run) and for
``jixiao show``. Coordinates are the ones pdfplumber reports: points from the top-left of the
page as displayed, rotation applied.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from jixiao.pipeline import DEFAULT_DPI
from jixiao.pipeline.material import (
    MAX_WIDTH_PX,
    PAD_POINTS,
    BBox,
    Crop,
    Region,
    document_to_crops,
    grid_to_regions,
    image_file_to_crops,
    image_to_png,
    union_bbox,
)

__all__ = [
    "DEFAULT_DPI",
    "MAX_WIDTH_PX",
    "PAD_POINTS",
    "BBox",
    "Crop",
    "Region",
    "grid_to_regions",
    "image_file_to_crops",
    "image_to_crops",
    "image_to_png",
    "pdf_to_crops",
    "render_page",
    "union_bbox",
]


def render_page(page: pdfium.PdfPage, dpi: float) -> Image.Image:
    """One page as a grayscale image at ``dpi``."""
    image: Image.Image = page.render(scale=dpi / 72, grayscale=True).to_pil()
    return image


def pdf_to_crops(
    path: Path, regions: Sequence[Region], dpi: float = DEFAULT_DPI, max_width: int = MAX_WIDTH_PX
) -> list[Crop]:
    """Render each region of a PDF; a page that cannot be rendered is left out."""
    if not regions:
        return []
    doc = pdfium.PdfDocument(str(path))
    try:
        return document_to_crops(doc, regions, dpi, max_width)
    finally:
        doc.close()


image_to_crops = image_file_to_crops  # the crops of a scanned image file, from its path
