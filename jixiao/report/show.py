"""``jixiao show``: draw the grid jixiao found over a PDF page, for debugging a bad extraction.

As pdfplumber's ``debug_tablefinder`` draws its cells, :func:`page_to_debug_image` outlines
every cell of every 自评表 grid on the page (one colour per table), a merged cell in a thicker
line with its span, each labelled ``row,col``, and a banner naming the table, the reader that
produced it and its size. A text input has no page to draw on: :func:`grid_to_text` lays its
grid out as aligned text, one line per grid row with the source line number.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFont

from jixiao.core.errors import InputError
from jixiao.model.grid import Grid
from jixiao.report.image import DEFAULT_DPI
from jixiao.report.source import SourceFile, read_source

COLOURS = ((214, 39, 40), (31, 119, 180), (44, 160, 44), (255, 127, 14), (148, 103, 189))
_CELL_WIDTH = 14
_BANNER_PX = 16


@dataclass(frozen=True, slots=True)
class Selection:
    """What to draw: the page, and the tables (numbered from 1 in the file) on it."""

    page: int
    tables: tuple[int, ...]


def grid_summary(number: int, grid: Grid) -> str:
    """One line about a grid: number, reader, size, where.

    >>> from jixiao.model.grid import Grid
    >>> grid_summary(2, Grid("a.txt", "tsv", (), 0, 0, line_start=5, reader="tsv"))
    'table #2: reader=tsv, 0 rows x 0 cols, 0 cells, line 5'
    """
    if grid.page_start is not None:
        end = grid.page_end or grid.page_start
        where = f"page {grid.page_start}" + (f"-{end}" if end != grid.page_start else "")
    elif grid.line_start is not None or not grid.cells:
        where = f"line {grid.line_start}"
    else:  # a workbook or Word table: where its top-left cell is
        where = min(grid.cells, key=lambda c: (c.row, c.col)).source.locator or ""
    return (
        f"table #{number}: reader={grid.reader or grid.source_kind}, {grid.n_rows} rows x "
        f"{grid.n_cols} cols, {len(grid.cells)} cells, {where}"
    )


def grid_pages(grid: Grid) -> list[int]:
    """The pages a grid has cells on, in order."""
    return sorted({c.source.page for c in grid.cells if c.source.page is not None})


def select(grids: Sequence[Grid], page: int | None, table: int | None) -> Selection:
    """Which page to draw and which tables on it.

    ``table`` (1-based) picks one table and, without ``page``, its first page; ``page`` alone
    draws every table on that page; neither draws the first page that holds a table.
    Raises ``ValueError`` (with the choices) for a table number out of range.
    """
    if table is not None and not 1 <= table <= len(grids):
        raise ValueError(_no_table(table, len(grids)))
    chosen = [table] if table is not None else list(range(1, len(grids) + 1))
    if page is None:
        pages = [p for k in chosen for p in grid_pages(grids[k - 1])]
        page = min(pages) if pages else 1
    on_page = tuple(k for k in chosen if page in grid_pages(grids[k - 1]))
    return Selection(page, on_page)


def _no_table(table: int, count: int) -> str:
    return f"table {table} not found: the file has {count} 自评表 (choose 1..{count})"


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1 has only the fixed bitmap font
        return ImageFont.load_default()


def page_to_debug_image(
    page_image: Image.Image, scale: float, grids: Sequence[tuple[int, Grid]], page: int
) -> Image.Image:
    """The page with each grid's cells on it outlined and labelled (``scale``: px per point)."""
    image = page_image.convert("RGB")
    draw = ImageDraw.Draw(image, "RGBA")
    small, large = _font(9), _font(12)
    for number, grid in grids:
        colour = COLOURS[(number - 1) % len(COLOURS)]
        cells = [c for c in grid.cells if c.source.page == page and c.source.bbox is not None]
        for cell in cells:
            assert cell.source.bbox is not None
            x0, top, x1, bottom = (v * scale for v in cell.source.bbox)
            merged = cell.rowspan > 1 or cell.colspan > 1
            draw.rectangle(
                (x0, top, x1, bottom),
                outline=colour,
                width=3 if merged else 1,
                fill=(*colour, 28 if merged else 10),
            )
            label = f"{cell.row},{cell.col}" + (f" {cell.rowspan}x{cell.colspan}" if merged else "")
            draw.text((x0 + 2, top + 1), label, fill=colour, font=small)
        if cells:
            left = min(c.source.bbox[0] for c in cells if c.source.bbox) * scale
            top = min(c.source.bbox[1] for c in cells if c.source.bbox) * scale
            banner = (
                f"table #{number}  reader={grid.reader or grid.source_kind}  "
                f"{grid.n_rows}x{grid.n_cols}  page {page}"
            )
            y = max(0.0, top - _BANNER_PX)
            box = draw.textbbox((left, y), banner, font=large)
            draw.rectangle(box, fill=(255, 255, 255, 220))
            draw.text((left, y), banner, fill=colour, font=large)
    return image


def pdf_to_debug_image(
    path: Path, grids: Sequence[tuple[int, Grid]], page: int, dpi: float = DEFAULT_DPI
) -> Image.Image:
    """Render one page of a PDF and draw the grids on it."""
    doc = pdfium.PdfDocument(str(path))
    try:
        if not 1 <= page <= len(doc):
            raise ValueError(f"page {page} not found: the file has {len(doc)} pages")
        pdf_page = doc[page - 1]
        try:
            rendered = pdf_page.render(scale=dpi / 72).to_pil()
        finally:
            pdf_page.close()
    finally:
        doc.close()
    return page_to_debug_image(rendered, dpi / 72, grids, page)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fit(text: str, width: int) -> str:
    """Text cut and padded to a display width (CJK characters count 2).

    >>> _fit("项目名称", 6) + "|", _fit("ab", 4) + "|"
    ('项目… |', 'ab  |')
    """
    text = " ".join(text.split())
    if _width(text) > width:
        out = ""
        for ch in text:
            if _width(out + ch) > width - 1:
                break
            out += ch
        text = out + "…"
    return text + " " * (width - _width(text))


def grid_to_text(number: int, grid: Grid, cell_width: int = _CELL_WIDTH) -> str:
    """A grid as aligned text: one line per grid row (source line, row number, cells), a cell
    covered by a merge shown as ``^`` (from above) or ``<`` (from the left), no cell as ``.``."""
    anchors = {(c.row, c.col): c for c in grid.cells}
    covered: dict[tuple[int, int], str] = {}
    for merged in grid.cells:
        for dr in range(merged.rowspan):
            for dc in range(merged.colspan):
                if dr or dc:
                    covered[(merged.row + dr, merged.col + dc)] = "^" if dr else "<"
    places = [_row_place(grid, r) for r in range(grid.n_rows)]
    width = max([5, *map(len, places)])
    label = "line" if not any(c.source.locator for c in grid.cells[:1]) else "where"
    lines = [grid_summary(number, grid)]
    header = f"{label:>{width}}   row | " + " | ".join(
        _fit(f"c{c}", cell_width) for c in range(grid.n_cols)
    )
    lines += [header.rstrip(), "-" * _width(header)]
    for r in range(grid.n_rows):
        texts = []
        for c in range(grid.n_cols):
            cell = anchors.get((r, c))
            text = cell.text if cell is not None else covered.get((r, c), ".")
            texts.append(_fit(text, cell_width))
        lines.append((f"{places[r]:>{width}} {r:>5} | " + " | ".join(texts)).rstrip())
    return "\n".join(lines) + "\n"


def _row_place(grid: Grid, row: int) -> str:
    """Where a grid row is in its source: the text line, else the first cell's locator."""
    first = next((c for c in grid.cells if c.row == row), None)
    if first is None:
        return ""
    if first.source.line is not None:
        return str(first.source.line)
    return first.source.locator or ""


def source_to_text(source: SourceFile, table: int | None = None) -> str:
    """The text layout of one table (``table``, 1-based) or of every table of a file."""
    numbers = [table] if table is not None else list(range(1, len(source.grids) + 1))
    if table is not None and not 1 <= table <= len(source.grids):
        raise ValueError(_no_table(table, len(source.grids)))
    return "\n".join(grid_to_text(k, source.grids[k - 1]) for k in numbers)


def show_file(
    path: Path,
    *,
    page: int | None = None,
    table: int | None = None,
    output: Path | None = None,
    dpi: float = DEFAULT_DPI,
) -> str:
    """What ``jixiao show`` does: for a PDF, draw the page to ``output`` (PNG) and return a
    summary of the tables drawn; for a text input, return the grid as text (and write it to
    ``output`` when given). Raises ``ValueError`` for a bad choice (no such table or page, no
    output for a PDF) and :class:`~jixiao.core.errors.InputError` for a file that cannot be read."""
    source = read_source(path, path.name)
    source.close()  # the grids are all that is needed: a PDF page is drawn from its path
    if source.error:
        raise InputError(source.error, file=path.name, code="file_error")
    if source.kind != "pdf":
        text = source_to_text(source, table)
        if not source.grids:
            text = f"{path.name}: no 自评表 found\n"
        if output is not None:
            output.write_text(text, encoding="utf-8")
        return text
    if output is None:
        raise ValueError("a PDF is drawn to an image: give -o FILE.png")
    chosen = select(source.grids, page, table)
    drawn = [(k, source.grids[k - 1]) for k in chosen.tables]
    try:
        image = pdf_to_debug_image(path, drawn, chosen.page, dpi)
    except pdfium.PdfiumError as error:
        raise InputError(
            f"cannot open the PDF ({error})", file=path.name, code="unreadable_pdf"
        ) from error
    output.parent.mkdir(parents=True, exist_ok=True)
    image.save(output, "PNG", optimize=True)
    lines = [f"{path.name} page {chosen.page}: {len(drawn)} of {len(source.grids)} 自评表 drawn"]
    lines += [grid_summary(k, grid) for k, grid in drawn]
    lines += [f"problem: {p.code}: {p.message}" for p in source.problems]
    lines.append(f"wrote {output} ({image.width}x{image.height})")
    return "\n".join(lines) + "\n"
