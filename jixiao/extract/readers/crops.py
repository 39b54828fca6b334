"""Page images of a table for the report's source pane: the regions a grid covers, and the
image format they are stored in.

PDF and scanned-image readers render a table's region of each page it spans while their file is
open (:mod:`jixiao.extract.readers.pdf.render`, :func:`~jixiao.extract.readers.scan.files.\
image_file_to_crops`), at :data:`DEFAULT_DPI`, and store it as 2-bit grayscale PNG: 110 dpi draws
9-point text about 14 px high, readable at 100% zoom; four gray levels keep the anti-aliased
edges of the glyphs; PNG keeps the strokes sharp (JPEG rings around text and is 4x larger at
this quality), and zlib at level 1 keeps the encoding to a few milliseconds (~20 kB a table).
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterable
from typing import Any

from jixiao.model.grid import Grid
from jixiao.model.pane import BBox, Region

#: Resolution of the page images a report shows of a PDF table (``--dpi``).
DEFAULT_DPI = 110
MAX_WIDTH_PX = 1100
PAD_POINTS = 4.0
_LEVELS = 4  # gray levels of a page image (2 bits a pixel)
_TO_LEVEL = [value * _LEVELS // 256 for value in range(256)]
_PALETTE = [channel for level in range(_LEVELS) for channel in (level * 255 // 3,) * 3]
_ZLIB_LEVEL = 1
# zlib's run-length strategy: a page image is long runs of white and of black, and matching
# only runs is ~20% faster than zlib's default and ~10% smaller (a 910 × 1287 page: 1.7 ms
# and 21 kB against 2.0 ms and 23 kB)
_ZLIB_STRATEGY = zlib.Z_RLE


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
    return [boxes_to_region(page, by_page[page]) for page in sorted(by_page)]


def boxes_to_region(page: int, boxes: Iterable[BBox]) -> Region:
    """The region of a page that shows these boxes: their union, padded (some boxes).

    >>> boxes_to_region(3, [(10, 20, 30, 40), (30, 20, 50, 40)])
    Region(page=3, bbox=(6.0, 16.0, 54.0, 44.0))
    """
    box = union_bbox(boxes)
    if box is None:
        raise ValueError("a region shows some boxes, got none")
    x0, top, x1, bottom = box
    return Region(page, (x0 - PAD_POINTS, top - PAD_POINTS, x1 + PAD_POINTS, bottom + PAD_POINTS))


def image_to_png(image: Any) -> bytes:
    """A grayscale image as a 2-bit (4-level) PNG (an image in another mode is made grayscale
    first; PDFium renders grayscale, which is used as it is: ``convert`` would copy it)."""
    gray = image if image.mode == "L" else image.convert("L")
    levels = gray.point(_TO_LEVEL).convert("P")
    levels.putpalette(_PALETTE)
    buffer = io.BytesIO()
    levels.save(buffer, "PNG", bits=2, compress_level=_ZLIB_LEVEL, compress_type=_ZLIB_STRATEGY)
    return buffer.getvalue()
