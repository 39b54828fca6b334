"""``jixiao show``: draw the grid jixiao found over a PDF page, for debugging a bad extraction.

As pdfplumber's ``debug_tablefinder`` draws its cells, :func:`page_to_debug_image` outlines
every cell of every 自评表 grid on the page (one colour per table), a merged cell in a thicker
line with its span, each labelled ``row,col``, and a banner naming the table, the reader that
produced it and its size. A grid the reader found that gave no 自评表 is drawn too, in grey,
and the command prints why (the census problem's message, :func:`seen_to_shown`), as it prints
every problem about the page (a 自评表 title with no ruled table under it …). A text input has
no page to draw on: :func:`grid_to_text` lays its grid out as aligned text, one line per grid
row with the source line number.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFont

from jixiao.core.errors import InputError
from jixiao.model.grid import Grid, Title
from jixiao.model.source import Problem
from jixiao.pipeline.census import SeenGrid, titles_to_problems
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


def select(
    grids: Sequence[Grid], page: int | None, table: int | None, elsewhere: Sequence[int] = ()
) -> Selection:
    """Which page to draw and which tables on it.

    ``table`` (1-based) picks one table and, without ``page``, its first page; ``page`` alone
    draws every table on that page; neither draws the first page that holds a table, else the
    first of ``elsewhere`` (pages where something was found but no 自评表 read), else page 1.
    Raises ``ValueError`` (with the choices) for a table number out of range.
    """
    if table is not None and not 1 <= table <= len(grids):
        raise ValueError(_no_table(table, len(grids)))
    chosen = [table] if table is not None else list(range(1, len(grids) + 1))
    if page is None:
        pages = [p for k in chosen for p in grid_pages(grids[k - 1])]
        page = min(pages) if pages else min(elsewhere, default=1)
    on_page = tuple(k for k in chosen if page in grid_pages(grids[k - 1]))
    return Selection(page, on_page)


@dataclass(frozen=True, slots=True)
class Unread:
    """A grid the reader found that gave no 自评表: its number among the file's grids (in the
    reader's order), and why it was not read (the census problem about it, if any)."""

    number: int
    grid: Grid
    why: Problem | None


@dataclass(frozen=True, slots=True)
class Shown:
    """What ``jixiao show`` draws on one page: the 自评表 grids on it (numbered as their table
    ids), the other grids the reader found there (drawn too, with why no 自评表 was read from
    them), and the problems about the page (a table not read, a page with no ruled table)."""

    page: int
    tables: tuple[tuple[int, Grid], ...]
    unread: tuple[Unread, ...]
    notes: tuple[Problem, ...]


#: Problems that say why a 自评表 was not read where it was seen.
WHY_NOT_CODES = frozenset(
    {"table_not_read", "not_self_eval", "table_not_found", "scanned_page", "unreadable_text"}
)


def seen_to_shown(
    seen: Sequence[SeenGrid],
    titles: Sequence[Title],
    problems: Sequence[Problem],
    page: int | None,
    table: int | None,
) -> Shown:
    """Choose the page and what to draw on it from every grid a reader gave (``seen``), the
    titles it saw and its problems: the 自评表 of the page (or ``table``), the grids on it that
    gave no 自评表, each with its census problem, and every problem about the page."""
    census = titles_to_problems(titles, seen, problems)
    every = [*problems, *census]
    grids = [s.grid for s in seen if s.read]
    unread_grids = [(n, s.grid) for n, s in enumerate(seen, start=1) if not s.read]
    elsewhere = [p for _, grid in unread_grids for p in grid_pages(grid)]
    elsewhere += [p.source.page for p in every if p.code in WHY_NOT_CODES and p.source.page]
    chosen = select(grids, page, table, elsewhere)
    why = [p for p in census if p.code in ("table_not_read", "not_self_eval")]
    unread = []
    if table is None:
        for number, grid in unread_grids:
            if chosen.page in grid_pages(grid):
                mine = next((p for p in why if p.source.page == grid.page_start), None)
                if mine is not None:
                    why.remove(mine)
                unread.append(Unread(number, grid, mine))
    notes = tuple(p for p in every if p.source.page in (None, chosen.page))
    tables = tuple((k, grids[k - 1]) for k in chosen.tables)
    return Shown(chosen.page, tables, tuple(unread), notes)


def _no_table(table: int, count: int) -> str:
    return f"table {table} not found: the file has {count} 自评表 (choose 1..{count})"


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1 has only the fixed bitmap font
        return ImageFont.load_default()


def page_to_debug_image(
    page_image: Image.Image,
    scale: float,
    grids: Sequence[tuple[int, Grid]],
    page: int,
    unread: Sequence[Unread] = (),
    notes: Sequence[Problem] = (),
    found: Found | None = None,
) -> Image.Image:
    """The page with each grid's cells on it outlined and labelled (``scale``: px per point):
    the 自评表 in colour, the grids that gave no 自评表 in grey with the code of why not; with
    no grid, a banner at the top names the page's problems (their codes), and the cells
    pdfplumber's finder sees there (``found``) are outlined in grey."""
    image = page_image.convert("RGB")
    draw = ImageDraw.Draw(image, "RGBA")
    fonts = (_font(9), _font(12))
    reader = "reader={}  {}x{}  page " + str(page)
    for number, grid in grids:
        colour = COLOURS[(number - 1) % len(COLOURS)]
        size = reader.format(grid.reader or grid.source_kind, grid.n_rows, grid.n_cols)
        _draw_grid(draw, fonts, grid, page, scale, colour, f"table #{number}  {size}")
    for grey in unread:
        grid = grey.grid
        size = reader.format(grid.reader or grid.source_kind, grid.n_rows, grid.n_cols)
        why = f": {grey.why.code}" if grey.why is not None else ""
        banner = f"grid {grey.number} (no 自评表 read{why})  {size}"
        _draw_grid(draw, fonts, grid, page, scale, UNREAD_COLOUR, banner)
    if not grids and not unread:
        codes = ", ".join(dict.fromkeys(p.code for p in notes)) or "no grid found"
        _banner(draw, fonts[1], (4.0, 4.0), f"page {page}: no grid read ({codes})", UNREAD_COLOUR)
    if found is not None:
        for x0, top, x1, bottom in found.cells:
            box = (x0 * scale, top * scale, x1 * scale, bottom * scale)
            draw.rectangle(box, outline=UNREAD_COLOUR, width=1, fill=(*UNREAD_COLOUR, 10))
        left = min(c[0] for c in found.cells) * scale
        top = min(c[1] for c in found.cells) * scale
        banner = f"pdfplumber {found.strategy} strategy: {len(found.cells)} cells (not read)"
        _banner(draw, fonts[1], (left, max(0.0, top - _BANNER_PX)), banner, UNREAD_COLOUR)
    return image


UNREAD_COLOUR = (110, 110, 110)

#: pdfplumber's table finder settings tried on a page where jixiao found no grid: its ruling
#: (jixiao's own), then the text alignment, which finds a table drawn without lines.
FINDER_STRATEGIES: tuple[tuple[str, dict[str, str]], ...] = (
    ("lines", {}),
    ("text", {"vertical_strategy": "text", "horizontal_strategy": "text"}),
)

BBox = tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class Found:
    """What pdfplumber's table finder sees on a page where jixiao found no grid: the strategy
    that found something and the cells' boxes (points, top-left origin, as a Source's bbox)."""

    strategy: str
    cells: tuple[BBox, ...]


def pdf_page_to_found(path: Path, page: int) -> Found | None:
    """The cells pdfplumber's table finder sees on a page (its ruling first, then the text
    alignment), as pdfplumber's ``debug_tablefinder`` shows them; ``None`` when it sees none.
    jixiao reads ruled tables only: cells found by the text alignment show what is there."""
    import pdfplumber  # noqa: PLC0415 - only for a page where no grid was found

    try:
        with pdfplumber.open(path) as pdf:
            if not 1 <= page <= len(pdf.pages):
                return None
            plumber_page = pdf.pages[page - 1]
            for name, settings in FINDER_STRATEGIES:
                cells = [cell for t in plumber_page.find_tables(settings) for cell in t.cells]
                if cells:
                    return Found(name, tuple(_bbox(cell) for cell in cells))
    except Exception:  # pdfminer's many errors on a damaged file: the page is drawn without
        return None
    return None


def _bbox(values: Sequence[float]) -> BBox:
    x0, top, x1, bottom = (float(v) for v in values)
    return (x0, top, x1, bottom)


def _draw_grid(
    draw: ImageDraw.ImageDraw,
    fonts: tuple[ImageFont.ImageFont | ImageFont.FreeTypeFont, ...],
    grid: Grid,
    page: int,
    scale: float,
    colour: tuple[int, int, int],
    banner: str,
) -> None:
    small, large = fonts
    boxes = [c for c in grid.cells if c.source.page == page and c.source.bbox is not None]
    for cell in boxes:
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
    if boxes:
        left = min(c.source.bbox[0] for c in boxes if c.source.bbox) * scale
        top = min(c.source.bbox[1] for c in boxes if c.source.bbox) * scale
        _banner(draw, large, (left, max(0.0, top - _BANNER_PX)), banner, colour)


def _banner(
    draw: ImageDraw.ImageDraw,
    font: ImageFont.ImageFont | ImageFont.FreeTypeFont,
    at: tuple[float, float],
    text: str,
    colour: tuple[int, int, int],
) -> None:
    box = draw.textbbox(at, text, font=font)
    draw.rectangle(box, fill=(255, 255, 255, 220))
    draw.text(at, text, fill=colour, font=font)


def pdf_to_debug_image(
    path: Path,
    grids: Sequence[tuple[int, Grid]],
    page: int,
    dpi: float = DEFAULT_DPI,
    unread: Sequence[Unread] = (),
    notes: Sequence[Problem] = (),
    found: Found | None = None,
) -> Image.Image:
    """Render one page of a PDF and draw the grids on it (:func:`page_to_debug_image`)."""
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
    return page_to_debug_image(rendered, dpi / 72, grids, page, unread, notes, found)


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
    shown = seen_to_shown(source.seen, source.titles, source.problems, page, table)
    try:
        found = None if shown.tables or shown.unread else pdf_page_to_found(path, shown.page)
        image = pdf_to_debug_image(
            path, shown.tables, shown.page, dpi, shown.unread, shown.notes, found
        )
    except pdfium.PdfiumError as error:
        raise InputError(
            f"cannot open the PDF ({error})", file=path.name, code="unreadable_pdf"
        ) from error
    output.parent.mkdir(parents=True, exist_ok=True)
    image.save(output, "PNG", optimize=True)
    lines = [f"{path.name} {shown_to_text(shown, len(source.grids), found)}"]
    lines.append(f"wrote {output} ({image.width}x{image.height})")
    return "\n".join(lines) + "\n"


def shown_to_text(shown: Shown, tables: int, found: Found | None = None) -> str:
    """What ``jixiao show`` prints about a page: what it drew, and why no 自评表 was read
    from a grid or on the page (the problems' messages)."""
    head = f"page {shown.page}: {len(shown.tables)} of {tables} 自评表 drawn"
    if shown.unread:
        count = len(shown.unread)
        head += f", and {count} grid{'s' if count > 1 else ''} that gave no 自评表"
    lines = [head, *(grid_summary(k, grid) for k, grid in shown.tables)]
    for grey in shown.unread:
        why = f": {grey.why.message}" if grey.why is not None else ""
        lines.append(grid_summary(grey.number, grey.grid).replace("table #", "grid ", 1) + why)
    if found is not None:
        lines.append(
            f"pdfplumber's table finder ({found.strategy} strategy) sees {len(found.cells)} "
            "cells on the page, drawn in grey: jixiao read no grid there"
        )
    lines += [f"problem: {p.code}: {p.message}" for p in shown.notes]
    return "\n".join(lines)
