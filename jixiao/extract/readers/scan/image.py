"""Page images: a scanned PDF page or an image file, as a grayscale array and its scale.

Coordinates of everything read from an image are given in PDF points (1/72 inch, top-down),
as for born-digital pages, so the table joiner and the report treat both alike: ``scale`` is
pixels per point. A PDF page whose one image covers the page gives that image's own pixels
(no resampling); any other page is rendered at the resolution of its images. An image file
gives one page per frame (multi-page TIFF), at the resolution it records (``DEFAULT_DPI``
when it records none).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import regex
from PIL import Image, ImageOps, ImageSequence

from jixiao.core.errors import FileTooLargeError
from jixiao.extract.readers.limits import (
    InputLimits,
    check_pixels,
    limits_from_environment,
)
from jixiao.extract.readers.scan.deskew import Gray

DEFAULT_DPI = 200.0  # an image file that records no resolution
MIN_DPI, MAX_DPI = 100.0, 400.0  # a page is rendered within these
MIN_RENDER_DPI = 50.0  # … or down to this, to stay within the pixel limit
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


def pdf_page_to_image(
    page: pdfium.PdfPage, number: int, limits: InputLimits | None = None
) -> PageImage:
    """The pixels of a scanned PDF page, never more than ``limits`` allow (by default those of
    the environment): a page image of more pixels is not decoded, the page is rendered at the
    resolution that fits (a huge page at a lower one); a page that fits only below
    :data:`MIN_RENDER_DPI` is refused (:class:`~jixiao.core.errors.FileTooLargeError`)."""
    limits = limits or limits_from_environment()
    budget = limits.max_megapixels * 1_000_000
    width, height = page.get_size()
    image = _page_image(page)
    if image is not None and _pixels(image.get_px_size()) <= budget:
        gray = _to_gray(image.get_bitmap().to_pil())
        if gray.shape[1] >= 0.8 * width * MIN_DPI / 72:
            return PageImage(gray, gray.shape[1] / width, number)
    scale = min(_images_dpi(page) / 72, math.sqrt(budget / max(width * height, 1.0)))
    if scale * 72 < MIN_RENDER_DPI:
        check_pixels(
            round(width * MIN_RENDER_DPI / 72),
            round(height * MIN_RENDER_DPI / 72),
            file=f"第{number}页",
            what=f"第{number}页（{width / 72:,.0f} × {height / 72:,.0f} 英寸）在 "
            f"{MIN_RENDER_DPI:.0f} dpi 下",
            limits=limits,
        )
    bitmap = page.render(scale=scale, grayscale=True)
    return PageImage(_to_gray(bitmap.to_pil()), scale, number)


def _pixels(size: tuple[int, int]) -> int:
    return size[0] * size[1]


def _dpi(image: Image.Image) -> float:
    dpi = image.info.get("dpi")
    try:
        value = float(dpi[0]) if dpi else 0.0
    except (TypeError, ValueError, IndexError):
        value = 0.0
    return value if MIN_DPI / 2 <= value <= 2 * MAX_DPI else DEFAULT_DPI


def image_file_to_pages(path: str | Path, limits: InputLimits | None = None) -> Iterator[PageImage]:
    """Every frame of an image file (PNG, JPEG, TIFF …) as a page, turned upright by its EXIF
    orientation. Raises ``OSError`` (PIL's ``UnidentifiedImageError``) for a file that is not
    an image, and :class:`~jixiao.core.errors.FileTooLargeError` before decoding a frame of
    more pixels than ``limits`` allow (by default those of the environment)."""
    limits = limits or limits_from_environment()
    name = Path(path).name
    try:
        with warnings.catch_warnings():  # Pillow's warning of a big image: jixiao's limit says
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            opened = Image.open(path)
    except Image.DecompressionBombError as error:  # past Pillow's own guard: said the same way
        raise _pillow_refusal(error, name, limits) from None
    with opened as image:
        for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
            width, height = frame.size
            check_pixels(width, height, file=name, what=f"第{number}页图像", limits=limits)
            upright = ImageOps.exif_transpose(frame)
            yield PageImage(_to_gray(upright), _dpi(frame) / 72, number)


# Pillow's DecompressionBombError: "Image size (3600000000 pixels) exceeds limit of …"
_BOMB_SIZE = regex.compile(r"\((\d+) pixels\)")


def _pillow_refusal(
    error: Image.DecompressionBombError, name: str, limits: InputLimits
) -> FileTooLargeError:
    """Pillow's guard against decompression bombs (twice ``PIL.Image.MAX_IMAGE_PIXELS``),
    said as jixiao's own limit is."""
    size = _BOMB_SIZE.search(str(error))
    pixels = f"{int(size[1]) / 1e6:,.0f} 百万像素" if size else "过多像素"
    message = f"图像有 {pixels}，超过上限 {limits.setting('max_megapixels', '百万像素')}"
    if Image.MAX_IMAGE_PIXELS and limits.max_megapixels * 1_000_000 > 2 * Image.MAX_IMAGE_PIXELS:
        message += "，也超过图像库 Pillow 的上限（PIL.Image.MAX_IMAGE_PIXELS 的两倍）"
    return FileTooLargeError(message, file=name, found=str(error))
