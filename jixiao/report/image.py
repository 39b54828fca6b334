"""Images of PDF regions (and of scanned image files) for the report: a table's region of
each page it spans.

The page images a run shows are made by the worker that reads the PDF, while the file is open
(:mod:`jixiao.extract.readers.crops` says what format and why); this module renders them
from a path, for a file the run did not read (the report of a ``--resume`` run) and for
``jixiao show``. Coordinates are the ones pdfplumber reports: points from the top-left of the
page as displayed, rotation applied.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from jixiao.extract.readers.crops import (
    DEFAULT_DPI,
    MAX_WIDTH_PX,
    PAD_POINTS,
    grid_to_regions,
    image_to_png,
    union_bbox,
)
from jixiao.extract.readers.pdf.render import document_to_crops
from jixiao.extract.readers.scan.files import image_file_to_crops
from jixiao.model.grid import Grid
from jixiao.model.pane import BBox, Crop, Region, SourcePane

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


def path_to_pane(kind: str, path: Path, grid: Grid, dpi: float = DEFAULT_DPI) -> SourcePane:
    """A table's source pane rendered from its file's path (``kind``: ``pdf`` or ``image``),
    for a table whose grid the run kept (read by OCR) rather than read again."""
    regions = grid_to_regions(grid)
    try:
        if kind == "pdf":
            return SourcePane(crops=tuple(pdf_to_crops(path, regions, dpi=dpi)))
        return SourcePane(crops=tuple(image_file_to_crops(path, regions, dpi=dpi)))
    except Exception as error:  # a page that cannot be rendered must not stop the report
        return SourcePane(note=f"无法渲染原页面：{type(error).__name__}: {error}")
