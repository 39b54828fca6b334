"""Page images: a scanned PDF page or an image file, as a grayscale array and its scale.

Coordinates of everything read from an image are given in PDF points (1/72 inch, top-down),
as for born-digital pages, so the table joiner and the report treat both alike: ``scale`` is
pixels per point. A PDF page whose one image covers the page gives that image's own pixels
(no resampling); any other page is rendered at the resolution of its images. An image file
gives one page per frame (multi-page TIFF), at the resolution it records (``DEFAULT_DPI``
when it records none).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageOps, ImageSequence

from jixiao.extract.readers.scan.deskew import Gray

DEFAULT_DPI = 200.0  # an image file that records no resolution
MIN_DPI, MAX_DPI = 100.0, 400.0  # a page is rendered within these
_COVERS = 0.95  # share of the page an image must cover to be taken as the page


@dataclass(frozen=True, slots=True)
class PageImage:
    """One page as pixels: ``gray`` (0 black … 255 white), ``scale`` pixels per point, the
    1-based page ``number``, and the page size in points."""

    gray: Gray
    scale: float
    number: int

    @property
    def size(self) -> tuple[float, float]:
        height, width = self.gray.shape
        return width / self.scale, height / self.scale


def _to_gray(image: Image.Image) -> Gray:
    if image.mode not in ("L", "RGB"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        if image.mode == "RGBA":  # transparent pixels are paper
            paper = Image.new("RGBA", image.size, (255, 255, 255, 255))
            image = Image.alpha_composite(paper, image).convert("RGB")
    return np.asarray(image.convert("L"), dtype=np.uint8)


def _page_image(page: pdfium.PdfPage) -> pdfium.PdfImage | None:
    """The one image that is the whole page, upright and unscaled in direction, if any."""
    images = list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2))
    if len(images) != 1 or page.get_rotation() != 0:
        return None
    image = images[0]
    matrix = image.get_matrix()
    if matrix.b != 0 or matrix.c != 0 or matrix.a <= 0 or matrix.d <= 0:
        return None
    x0, y0, x1, y1 = image.get_bounds()
    width, height = page.get_size()
    if (x1 - x0) * (y1 - y0) < _COVERS * width * height:
        return None
    return image


def _images_dpi(page: pdfium.PdfPage) -> float:
    """The resolution of the page's finest image (dots per inch of the page)."""
    best = 0.0
    for image in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        x0, _, x1, _ = image.get_bounds()
        px_width, _ = image.get_px_size()
        if x1 > x0:
            best = max(best, px_width / (x1 - x0) * 72)
    return min(max(best, MIN_DPI), MAX_DPI)


def pdf_page_to_image(page: pdfium.PdfPage, number: int) -> PageImage:
    """The pixels of a scanned PDF page."""
    width, _ = page.get_size()
    image = _page_image(page)
    if image is not None:
        gray = _to_gray(image.get_bitmap().to_pil())
        if gray.shape[1] >= 0.8 * width * MIN_DPI / 72:
            return PageImage(gray, gray.shape[1] / width, number)
    scale = _images_dpi(page) / 72
    bitmap = page.render(scale=scale, grayscale=True)
    return PageImage(_to_gray(bitmap.to_pil()), scale, number)


def _dpi(image: Image.Image) -> float:
    dpi = image.info.get("dpi")
    try:
        value = float(dpi[0]) if dpi else 0.0
    except (TypeError, ValueError, IndexError):
        value = 0.0
    return value if MIN_DPI / 2 <= value <= 2 * MAX_DPI else DEFAULT_DPI


def image_file_to_pages(path: str | Path) -> Iterator[PageImage]:
    """Every frame of an image file (PNG, JPEG, TIFF …) as a page, turned upright by its EXIF
    orientation. Raises ``OSError`` (PIL's ``UnidentifiedImageError``) for a file that is not
    an image."""
    with Image.open(path) as image:
        for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
            upright = ImageOps.exif_transpose(frame)
            yield PageImage(_to_gray(upright), _dpi(frame) / 72, number)
