"""A page's characters from the PDF alone, read by PLAYA, as pdfminer's layout gives them.

A page with a font that is not embedded is read with characters that need no font program
(:mod:`jixiao.extract.readers.pdf.pages` says why): codes from the content stream, Unicode
from ``/ToUnicode`` or the predefined CJK CMaps, advance widths from ``/W``, ``/DW`` and
``/Widths``. pdfminer reads them so, but its content-stream interpreter is most of the time
such a page costs (~40 ms). PLAYA (``playa-pdf``, a faster descendant of pdfminer) reads the
same codes, Unicode and widths in about a third of the time; :func:`playa_page_to_chars` turns its
glyphs into the character records :func:`~jixiao.extract.readers.pdf.plumber_tables.layout_to_chars`
makes from pdfminer's layout, by pdfminer's rules: a glyph's box is its advance wide and its
font size high, from the font's ``/Descent`` (made negative, 0 when missing) below the
baseline, through the text matrix without the font size; ``(cid:N)`` for a code without
Unicode; ``size`` the box's height.

Only what is common is handled here: horizontal writing in Type 1, TrueType and CID fonts, with
a font size and horizontal scaling that are not zero. A page with anything else (a vertical
font, a Type 3 font, text drawn at size 0) raises :class:`NotHandledError`, and the caller reads
that page with pdfminer, as before. ``tests/test_pdf_playa.py`` compares the two, field by
field, on every such page of the fixtures and of the real set.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeGuard

from jixiao.extract.readers.pdf.text import Char

_TEXT_SPACE = 0.001  # glyph units per text space unit, as pdfminer scales /Descent


class NotHandledError(Exception):
    """A page this reader leaves to pdfminer (a vertical or Type 3 font, text at size 0)."""


@dataclass(frozen=True, slots=True)
class PageFrame:
    """Where pdfplumber places a page: its height, its MediaBox's left and top, and the top
    of the page in the whole document (``doctop``: the heights of the pages before it)."""

    height: float
    mediabox_x0: float
    mediabox_top: float
    doctop: float

    @classmethod
    def of_plumber_page(cls, page: Any) -> PageFrame:
        mb_x0, mb_top = page.mediabox[:2]
        return cls(float(page.height), mb_x0, mb_top, page.initial_doctop)


class DocumentFrames:
    """Each page's :class:`PageFrame`, from the document open in PLAYA, as pdfplumber places it
    (``pdfplumber.Page``: the MediaBox's corners sorted, its sides swapped on a page turned a
    quarter, flipped top-down; ``doctop`` the sum of the heights of the pages before), the same
    numbers from the same operations, without opening the file in pdfplumber (~50 ms to import
    it, ~10 ms a file to list its pages). A page whose MediaBox or ``/Rotate`` is not plain
    numbers raises :class:`NotHandledError`, as does every page after it (its ``doctop`` is not
    known): the caller asks pdfplumber for those."""

    def __init__(self, document: Any) -> None:
        self._pages = document.pages
        self._frames: list[PageFrame] = []
        self._doctop: float = 0  # pdfplumber's running sum starts at the integer 0

    def frame(self, number: int) -> PageFrame:
        """The frame of page ``number`` (1-based)."""
        while len(self._frames) < number:
            height, x0, top = attributes_to_placement(self._pages[len(self._frames)].attrs)
            self._frames.append(PageFrame(float(height), x0, top, self._doctop))
            self._doctop += height  # pdfplumber sums the heights as they are (ints stay ints)
        return self._frames[number - 1]


def attributes_to_placement(attrs: dict[str, Any]) -> tuple[float, float, float]:
    """A page's height and its MediaBox's left and top as pdfplumber computes them from the
    page's attributes (inherited ones included); raises :class:`NotHandledError` where they
    are not plain numbers (pdfplumber raises on some such pages, reads others its own way).

    >>> attributes_to_placement({"MediaBox": [0, 842, 595, 0]})
    (842, 0, 0)
    >>> attributes_to_placement({"MediaBox": [10, 20, 610, 812.5], "Rotate": 450})
    (600, 20, -10)
    """
    from playa.pdftypes import resolve_all  # noqa: PLC0415 - loaded with the document

    box = resolve_all(attrs.get("MediaBox"))
    rotate = resolve_all(attrs.get("Rotate"))
    rotate = 0 if rotate is None else rotate
    if not (isinstance(box, list) and len(box) == 4 and all(map(_is_number, box))):
        raise NotHandledError(f"a MediaBox pdfplumber reads its own way: {box!r}")
    if not _is_number(rotate):
        raise NotHandledError(f"a /Rotate pdfplumber reads its own way: {rotate!r}")
    x0, x1 = sorted((box[0], box[2]))  # pdfplumber's _normalize_box and _invert_box
    y0, y1 = sorted((box[1], box[3]))
    if rotate % 360 in (90, 270):
        x0, y0, x1, y1 = y0, x0, y1, x1
    mb_height = y1 - y0
    top, bottom = mb_height - y1, mb_height - y0
    return bottom - top, x0, top


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def open_document(path: Path) -> Any:
    """The PDF opened in PLAYA, in pdfminer's page space (origin at the MediaBox's corner).
    PLAYA is imported here, by the first page that needs it (~30 ms: a run of PDFs whose fonts
    are all embedded never loads it)."""
    import playa  # noqa: PLC0415

    return playa.open(path, space="page")


def playa_page_to_chars(page: Any, frame: PageFrame) -> list[Char]:
    """The page's characters in drawing order, in the fields and values of
    :func:`~jixiao.extract.readers.pdf.plumber_tables.layout_to_chars` (fake bold kept);
    raises :class:`NotHandledError` for a page pdfminer must read."""
    return list(_chars(page, frame))


def _chars(page: Any, frame: PageFrame) -> Iterator[Char]:
    """The characters of each text object: what a text object's glyphs share (font, size,
    scaling, rise, and the rendering matrix but for its translation) is read once, at its
    first glyph (a text object with no glyph is no error, whatever its state)."""
    height, mb_x0, mb_top, doctop = (
        frame.height,
        frame.mediabox_x0,
        frame.mediabox_top,
        frame.doctop,
    )
    metrics: dict[int, tuple[float, float | None]] = {}
    for text_object in page.texts:
        glyphs = iter(text_object)
        first = next(glyphs, None)
        if first is None:
            continue
        font = first.font
        known = metrics.get(id(font))
        if known is None:
            known = metrics[id(font)] = font_metrics(font)
        descent, default_width = known
        gstate = first.gstate
        fontsize, scaling, rise = gstate.fontsize, gstate.scaling * 0.01, gstate.rise
        if fontsize == 0 or scaling == 0:
            raise NotHandledError("text drawn at size 0")
        # PLAYA's matrix is the rendering matrix, diag(size × scaling, size) with the rise
        # before the text matrix (pdfminer's ``matrix``); undo the first to get the second.
        # Its first four entries are the same for every glyph of the object (a glyph's place
        # only translates it)
        ta, tb, tc, td, _, _ = first.matrix
        a, b = ta / (fontsize * scaling), tb / (fontsize * scaling)
        c, d = tc / fontsize, td / fontsize
        rise_c, rise_d = rise * c, rise * d
        low = descent * fontsize + rise
        high = low + fontsize
        d_low, d_high, c_low, c_high = d * low, d * high, c * low, c * high
        upright = a * d * scaling > 0 and b * c <= 0
        fontname, widths = font.fontname, font.widths
        straight = b == 0 and c == 0
        glyph = first
        while glyph is not None:
            _, _, _, _, te, tf = glyph.matrix
            e, f = te - rise_c, tf - rise_d
            cid = glyph.cid
            width = widths.get(cid, default_width)
            if width is None:  # a simple font: pdfminer looks the width up by the Unicode then
                raise NotHandledError(f"no width for code {cid} in {fontname}")
            adv = width * _TEXT_SPACE * fontsize * scaling
            if straight:  # upright, unskewed: two corners (the same floats as four)
                left, right, bottom, top = e, a * adv + e, d_low + f, d_high + f
                x0, x1 = (left, right) if left <= right else (right, left)
                y0, y1 = (bottom, top) if bottom <= top else (top, bottom)
            else:  # pdfminer's apply_matrix_rect: the box around the four corners
                xs = (e + c_low, a * adv + c_low + e, a * adv + c_high + e, c_high + e)
                ys = (d_low + f, b * adv + d_low + f, b * adv + d_high + f, d_high + f)
                x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
            text = glyph.text
            top = (height - y1) + mb_top
            yield {
                "object_type": "char",
                "text": f"(cid:{cid})" if text is None else text,
                "fontname": fontname,
                "size": y1 - y0,
                "adv": adv,
                "upright": upright,
                "matrix": (a, b, c, d, e, f),
                "x0": x0 + mb_x0,
                "x1": x1 + mb_x0,
                "top": top,
                "bottom": (height - y0) + mb_top,
                "doctop": doctop + top,
                "width": x1 - x0,
                "height": y1 - y0,
            }
            glyph = next(glyphs, None)


def font_metrics(font: Any) -> tuple[float, float | None]:
    """pdfminer's descent of a font, in text space (``/Descent`` made negative, 0 when the
    descriptor has none: PLAYA takes -120, or the font's box, instead), and the width of a code
    ``/W`` does not list (``/DW``, 1000 when missing, in a CID font as in pdfminer; ``None`` in
    a simple font, where pdfminer's rule differs from PLAYA's); raises
    :class:`NotHandledError` for a vertical or Type 3 font."""
    from playa.font import CIDFont, Type3Font  # noqa: PLC0415 - loaded with the document
    from playa.pdftypes import resolve1  # noqa: PLC0415

    if font.vertical or isinstance(font, Type3Font):
        raise NotHandledError(f"a {'vertical' if font.vertical else 'Type 3'} font")
    value = resolve1(font.descriptor.get("Descent", 0))
    descent = float(value) if isinstance(value, int | float) else 0.0  # pdfminer's num_value
    default_width = float(font.default_width) if isinstance(font, CIDFont) else None
    return (-descent if descent > 0 else descent) * _TEXT_SPACE, default_width
