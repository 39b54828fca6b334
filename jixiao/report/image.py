"""Images of PDF regions (and of scanned image files) for the report: a table's region of
each page it spans.

Pages are rendered with pypdfium2 in the same coordinates pdfplumber reports (points from the
top-left of the page as displayed, rotation applied), cropped to the union of the table's cell
boxes on that page, and encoded as a grayscale PNG with 4 levels (2 bits): text stays legible and
a table's image takes some 15-30 kB at ~110 dpi.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from jixiao.extract.grid import Grid

BBox = tuple[float, float, float, float]
DEFAULT_DPI = 110
MAX_WIDTH_PX = 1100
PAD_POINTS = 4.0
_GRAY_LEVELS = 4


@dataclass(frozen=True, slots=True)
class Region:
    """Part of one page, in PDF points: ``(x0, top, x1, bottom)``."""

    page: int
    bbox: BBox


@dataclass(frozen=True, slots=True)
class Crop:
    """A rendered region: PNG bytes and the region it shows (after padding and clamping)."""

    region: Region
    png: bytes
    width: int
    height: int

    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


def union_bbox(boxes: Iterable[BBox]) -> BBox | None:
    """The smallest box holding every box, ``None`` for none.

    >>> union_bbox([(1, 2, 3, 4), (0, 3, 2, 9)])
    (0, 2, 3, 9)
    """
    boxes = list(boxes)
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def grid_to_regions(grid: Grid) -> list[Region]:
    """One region per page the grid spans: the union of its cell boxes there, padded."""
    by_page: dict[int, list[BBox]] = {}
    for cell in grid.cells:
        if cell.source.page is not None and cell.source.bbox is not None:
            by_page.setdefault(cell.source.page, []).append(cell.source.bbox)
    regions = []
    for page in sorted(by_page):
        box = union_bbox(by_page[page])
        assert box is not None
        x0, top, x1, bottom = box
        regions.append(
            Region(page, (x0 - PAD_POINTS, top - PAD_POINTS, x1 + PAD_POINTS, bottom + PAD_POINTS))
        )
    return regions


def image_to_png(image: Image.Image) -> bytes:
    """A grayscale image as a 4-level PNG: legible text at a third of the 8-bit size."""
    buffer = io.BytesIO()
    image.convert("L").quantize(_GRAY_LEVELS).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def render_page(page: pdfium.PdfPage, dpi: float) -> Image.Image:
    """One page as a grayscale image at ``dpi``."""
    image: Image.Image = page.render(scale=dpi / 72, grayscale=True).to_pil()
    return image


def pdf_to_crops(
    path: Path, regions: Sequence[Region], dpi: float = DEFAULT_DPI, max_width: int = MAX_WIDTH_PX
) -> list[Crop]:
    """Render each region of a PDF; a page that cannot be rendered is left out."""
    crops: list[Crop] = []
    if not regions:
        return crops
    doc = pdfium.PdfDocument(str(path))
    try:
        for region in regions:
            if not 1 <= region.page <= len(doc):
                continue
            page = doc[region.page - 1]
            try:
                crops.append(_crop(page, region, dpi, max_width))
            finally:
                page.close()
    finally:
        doc.close()
    return crops


def image_to_crops(
    path: Path, regions: Sequence[Region], dpi: float = DEFAULT_DPI, max_width: int = MAX_WIDTH_PX
) -> list[Crop]:
    """Crop each region (in points at the image's own resolution, as the scan reader gives
    them) of an image file's pages; a page that is not there is left out."""
    from jixiao.extract.scan.image import image_file_to_pages  # noqa: PLC0415 - OpenCV, lazily

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


def _crop(page: pdfium.PdfPage, region: Region, dpi: float, max_width: int) -> Crop:
    width, height = page.get_size()
    x0, top, x1, bottom = region.bbox
    box = (max(0.0, x0), max(0.0, top), min(width, x1), min(height, bottom))
    region_width = max(box[2] - box[0], 1.0)
    dpi = min(dpi, max_width * 72 / region_width)
    scale = dpi / 72
    left, top_px, right, bottom_px = (round(v * scale) for v in box)
    image = render_page(page, dpi).crop((left, top_px, right, bottom_px))
    return Crop(Region(region.page, box), image_to_png(image), image.width, image.height)
