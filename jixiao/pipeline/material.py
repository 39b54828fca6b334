"""What the spot-check report shows of a table besides its rows: its report material.

The worker that reads a file makes it while the file is open (one pass per file: the report
never opens a source again), and it travels with the file's result
(:attr:`~jixiao.pipeline.runner.FileResult.material`):

- :class:`TableMaterial`: the grid jixiao read, what was read from it (which cell holds which
  field, the cell each problem is about: :mod:`jixiao.pipeline.locate`) and a *source pane*:
  page images of a PDF (:class:`Crop`) or the numbered source lines of a text file;
- :class:`FileMaterial`: the material of each 自评表 of one file.

A reader of a new kind of source adds its pane here (a field of :class:`TableMaterial`, filled
where the runner reads that kind) and a template in the report (``jixiao.report.html``).

Page images are rendered with PDFium straight into the table's region (not the whole page) at
:data:`~jixiao.pipeline.DEFAULT_DPI` and stored as 2-bit grayscale PNG: 110 dpi draws 9-point
text about 14 px high, readable at 100% zoom; four gray levels keep the anti-aliased edges of
the glyphs; PNG keeps the strokes sharp (JPEG rings around text and is 4x larger at this
quality), and zlib at level 1 keeps the encoding to a few milliseconds (~20 kB a table).
"""

from __future__ import annotations

import base64
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jixiao.pipeline import DEFAULT_DPI

if TYPE_CHECKING:  # only in annotations: this module loads with the command line's options
    import pypdfium2 as pdfium

    from jixiao.model.grid import Grid

BBox = tuple[float, float, float, float]
MAX_WIDTH_PX = 1100
PAD_POINTS = 4.0
_LEVELS = 4  # gray levels of a page image (2 bits a pixel)
_TO_LEVEL = [value * _LEVELS // 256 for value in range(256)]
_PALETTE = [channel for level in range(_LEVELS) for channel in (level * 255 // 3,) * 3]
_ZLIB_LEVEL = 1


@dataclass(frozen=True, slots=True)
class Region:
    """Part of one page, in PDF points: ``(x0, top, x1, bottom)``."""

    page: int
    bbox: BBox


@dataclass(frozen=True, slots=True)
class Crop:
    """A rendered region: the image bytes (``mime``) and the region it shows (after padding
    and clamping to the page)."""

    region: Region
    png: bytes
    width: int
    height: int
    mime: str = "image/png"

    def data_uri(self) -> str:
        return f"data:{self.mime};base64," + base64.b64encode(self.png).decode("ascii")


#: A grid cell as the report material carries it: plain values, which cross a process boundary
#: several times faster than the Cell and Source objects (row, col, text, rowspan, colspan,
#: and its Source's page, line, bbox, locator, stored).
CellValues = tuple[
    int, int, str, int, int, int | None, int | None, BBox | None, str | None, str | None
]


@dataclass(frozen=True, slots=True)
class TableMaterial:
    """One 自评表 as the report shows it beside its rows, in plain values.

    ``cells``, ``n_rows``, ``n_cols``, ``title``, ``year_text``, ``reader``: the grid jixiao read
    (:meth:`grid` rebuilds it);
    ``fields``: the field jixiao took from a cell, ``(row, col, field)``; ``rules``: the scoring
    rule of the indicator on a grid row, ``(row, rule)``; ``located``: the cell each of the
    table's problems is about, in the order of its problem rows (``(row, col)``, col None for
    a whole row; None for the whole table). ``crops``: the page images of a PDF table, a page
    each; ``lines``: the numbered source lines of a text table; ``note``: why neither could be
    made.
    """

    table_id: str
    file: str
    source_kind: str
    n_rows: int
    n_cols: int
    cells: tuple[CellValues, ...]
    title: str | None = None
    year_text: str | None = None
    reader: str = ""
    fields: tuple[tuple[int, int, str], ...] = ()
    rules: tuple[tuple[int, str], ...] = ()
    located: tuple[tuple[int, int | None] | None, ...] = ()
    crops: tuple[Crop, ...] = ()
    lines: tuple[tuple[int, str], ...] = ()
    note: str = ""

    def grid(self) -> Grid:
        """The grid, as the reader made it (the cells and their places)."""
        from jixiao.model.grid import Cell, Grid  # noqa: PLC0415
        from jixiao.model.source import Source  # noqa: PLC0415 - see the TYPE_CHECKING note

        cells = tuple(
            Cell(
                row,
                col,
                text,
                Source(self.file, page, line, bbox, row, col, locator, stored),
                rowspan,
                colspan,
            )
            for row, col, text, rowspan, colspan, page, line, bbox, locator, stored in self.cells
        )
        return Grid(
            self.file,
            self.source_kind,
            cells,
            self.n_rows,
            self.n_cols,
            title=self.title,
            year_text=self.year_text,
            reader=self.reader,
        )


def grid_to_cell_values(grid: Grid) -> tuple[CellValues, ...]:
    """The cells of a grid as plain values (see :data:`CellValues`)."""
    return tuple(
        (
            c.row,
            c.col,
            c.text,
            c.rowspan,
            c.colspan,
            c.source.page,
            c.source.line,
            c.source.bbox,
            c.source.locator,
            c.source.stored,
        )
        for c in grid.cells
    )


@dataclass(frozen=True, slots=True)
class FileMaterial:
    """The report material of each 自评表 of one file, in table order."""

    name: str
    kind: str
    tables: tuple[TableMaterial, ...] = ()


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


def grid_to_lines(grid: Grid, lines: Sequence[str]) -> tuple[tuple[int, str], ...]:
    r"""The numbered source lines a text table was read from (first to last line of its cells).

    >>> from jixiao.model.source import Source
    >>> from jixiao.model.grid import Cell, Grid
    >>> cell = Cell(0, 0, "项目名称", Source("a.txt", line=2))
    >>> grid_to_lines(Grid("a.txt", "tsv", (cell,), 1, 1), ["# 标题", "项目名称\t某项目"])
    ((2, '项目名称\t某项目'),)
    """
    numbers = [c.source.line for c in grid.cells if c.source.line is not None]
    if not numbers:
        return ()
    last = min(max(numbers), len(lines))
    return tuple((n, lines[n - 1]) for n in range(min(numbers), last + 1))


def document_to_crops(
    doc: pdfium.PdfDocument,
    regions: Sequence[Region],
    dpi: float = DEFAULT_DPI,
    max_width: int = MAX_WIDTH_PX,
) -> list[Crop]:
    """Render each region of an open PDF; a region on a page the PDF does not have is left
    out."""
    crops: list[Crop] = []
    for region in regions:
        if not 1 <= region.page <= len(doc):
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
    """One region of a page, rendered alone (the rest of the page is never drawn)."""
    width, height = page.get_size()
    x0, top, x1, bottom = region.bbox
    box = (max(0.0, x0), max(0.0, top), min(width, x1), min(height, bottom))
    dpi = min(dpi, max_width * 72 / max(box[2] - box[0], 1.0))
    # PDFium crops in points from each edge of the page, bottom-up
    crop = (box[0], height - box[3], width - box[2], box[1])
    image = page.render(scale=dpi / 72, crop=crop, grayscale=True).to_pil()
    return Crop(Region(region.page, box), image_to_png(image), image.width, image.height)


def image_to_png(image: Any) -> bytes:
    """A grayscale image as a 2-bit (4-level) PNG."""
    levels = image.convert("L").point(_TO_LEVEL).convert("P")
    levels.putpalette(_PALETTE)
    buffer = io.BytesIO()
    levels.save(buffer, "PNG", bits=2, compress_level=_ZLIB_LEVEL)
    return buffer.getvalue()


def image_file_to_crops(
    path: Path, regions: Sequence[Region], dpi: float = DEFAULT_DPI, max_width: int = MAX_WIDTH_PX
) -> list[Crop]:
    """Crop each region (in points at the image's own resolution, as the scan reader gives
    them) of a scanned image file's pages; a page that is not there is left out."""
    from PIL import Image  # noqa: PLC0415 - loaded for an image file only

    from jixiao.extract.readers.scan.image import image_file_to_pages  # noqa: PLC0415 - OpenCV

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
