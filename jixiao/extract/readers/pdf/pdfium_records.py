"""A PDFium page → pdfplumber-style records: characters and ruling edges.

pdfplumber (through pdfminer) parses a page in pure Python, about 80 ms for a 自评表 page;
PDFium gives the same information in a few milliseconds. This module turns PDFium's text page
and path objects into the records, in pdfplumber's format, that the ruling finder
(:mod:`~jixiao.extract.readers.pdf.ruling`) and jixiao's text code read:

* characters: ``text``, ``x0``, ``x1``, ``top``, ``bottom``, ``size``, ``fontname``,
  ``upright``, ``doctop``; the box is pdfminer's (the advance width by the font size, from the
  font's descent up), so the text of a cell is read the same way;
* edges: each axis-parallel piece of a path (a ruling line, a side of a rectangle, a thin
  filled rectangle's long sides), ``orientation`` ``"h"`` or ``"v"``.

Coordinates are pdfplumber's: points from the top-left of the page as displayed, after the
page's ``/Rotate`` and with the same MediaBox offsets pdfplumber applies, so both readers give
the same boxes for the same page.

PDFium's characters depend on the font program: where a font is not embedded it measures (and
may drop) characters with a substitute font the machine may not have. They are read only from
pages whose fonts are all embedded (:func:`page_fonts_embedded`; the rule is in
:mod:`jixiao.extract.readers.pdf.pages`); the ruling edges never depend on fonts.
"""

from __future__ import annotations

import ctypes
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

Matrix = tuple[float, float, float, float, float, float]  # a b c d e f, PDF row-vector form
Record = dict[str, Any]

IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
AXIS_NOISE = 0.5  # points: a path piece this close to vertical/horizontal is a ruling line
_MAX_FORM_DEPTH = 8  # form XObjects nested deeper than this are not searched for ruling


# Coordinates are rounded to 4 decimals (:func:`round4`): PDFium keeps float32 values.
_ROUND_RANGE = 1e9  # |x| · 10⁴ below this: x · 10⁴ is within 2⁻⁵³ · 10⁹ ≈ 1e-7 of exact
_ROUND_MARGIN = 1e-6  # … so a product this far from a half is rounded as the exact value is


def round4(x: float) -> float:
    """``round(x, 4)`` (the same float, sign of zero included), in half the time.

    ``round`` with digits converts to decimal and back; here ``x · 10⁴`` is rounded to an
    integer and divided by 10⁴, which gives the same float wherever the product cannot have
    crossed a half by its own rounding error (it is more than :data:`_ROUND_MARGIN` from
    one); elsewhere, for zero and for huge or odd values, ``round`` itself answers.
    Characters and edges take six of these each (PDFium keeps float32 values).

    >>> round4(123.456789), round4(-0.00001), round4(0.03125)
    (123.4568, -0.0, 0.0312)
    """
    t = x * 10000.0
    if -_ROUND_RANGE < t < _ROUND_RANGE:
        k = round(t)
        if k and 0.5 - abs(t - k) > _ROUND_MARGIN:
            return k / 10000.0
    return round(x, 4)


def multiply(m: Matrix, n: Matrix) -> Matrix:
    """``m`` then ``n`` (PDF's row-vector convention: ``p · m · n``).

    >>> multiply((2, 0, 0, 2, 1, 1), (1, 0, 0, 1, 10, 0))
    (2, 0, 0, 2, 11, 1)
    """
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (
        a * p + b * r,
        a * q + b * s,
        c * p + d * r,
        c * q + d * s,
        e * p + f * r + t,
        e * q + f * s + u,
    )


def apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return (a * x + c * y + e, b * x + d * y + f)


@dataclass(frozen=True, slots=True)
class PageFrame:
    """PDF user space → pdfplumber's top-down coordinates for one page.

    ``ctm`` is pdfminer's page matrix (rotation, MediaBox origin); ``x_shift`` and ``top`` are
    pdfplumber's MediaBox corrections; ``width``/``height`` the page as displayed.
    """

    ctm: Matrix
    x_shift: float
    top: float
    width: float
    height: float

    def point(self, x: float, y: float) -> tuple[float, float]:
        """A user-space point as pdfplumber's ``(x, top)`` (rounded: PDFium keeps float32)."""
        px, top = self.raw_point(x, y)
        return (round4(px), round4(top))

    def raw_point(self, x: float, y: float) -> tuple[float, float]:
        dx, dy = apply(self.ctm, x, y)
        return (dx + self.x_shift, self.height - dy + self.top)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.x_shift, self.top, self.x_shift + self.width, self.top + self.height)


def box_to_frame(mediabox: tuple[float, float, float, float], rotation: int) -> PageFrame:
    """The frame pdfminer and pdfplumber use for a page with this MediaBox and ``/Rotate``.

    >>> box_to_frame((0, 0, 600, 800), 0).point(100, 700)
    (100.0, 100.0)
    >>> box_to_frame((0, 0, 600, 800), 90).point(100, 700)  # turned: 800 wide, 600 high
    (700.0, 100.0)
    """
    x0, y0, x1, y1 = mediabox
    rotation %= 360
    ctm: Matrix
    if rotation == 90:
        ctm = (0.0, -1.0, 1.0, 0.0, -y0, x1)
    elif rotation == 180:
        ctm = (-1.0, 0.0, 0.0, -1.0, x1, y1)
    elif rotation == 270:
        ctm = (0.0, 1.0, -1.0, 0.0, y1, -x0)
    else:
        ctm = (1.0, 0.0, 0.0, 1.0, -x0, -y0)
    lo_x, hi_x = sorted((x0, x1))
    lo_y, hi_y = sorted((y0, y1))
    if rotation in (90, 270):
        lo_x, lo_y, hi_x, hi_y = lo_y, lo_x, hi_y, hi_x
    height = hi_y - lo_y
    return PageFrame(ctm, lo_x, height - hi_y, hi_x - lo_x, height)


def page_to_frame(page: pdfium.PdfPage) -> PageFrame:
    """The frame of a PDFium page (its MediaBox, or its size when it has none of its own)."""
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    if pdfium_c.FPDFPage_GetMediaBox(page.raw, left, bottom, right, top):
        box = (left.value, bottom.value, right.value, top.value)
    else:
        width, height = page.get_size()
        if page.get_rotation() in (90, 270):
            width, height = height, width
        box = (0.0, 0.0, width, height)
    return box_to_frame(box, page.get_rotation())


# -- fonts -------------------------------------------------------------------------------------


class _Handle(ctypes.c_void_p):
    """A PDFium handle as returned by :data:`_GET_PAGE_OBJECT` and the like: a subclass, so
    ctypes hands back the instance (passed on to the next call as it is) and not an int."""


def page_fonts_embedded(page: pdfium.PdfPage) -> bool:
    """Whether every font the page's text is drawn in is embedded (inside form XObjects too).

    A Type 3 font counts as embedded (its glyphs are drawn by the PDF itself), as PDFium's
    ``FPDFFont_GetIsEmbedded`` counts it. A page without text has nothing to distrust.
    Each font is asked once (a page draws hundreds of text objects in a few fonts), through
    prototypes without argument conversion (see :data:`_GET_TEXT_OBJECT`).
    """
    raw = _Handle(ctypes.cast(page.raw, ctypes.c_void_p).value)
    stack: list[tuple[_Handle, int]] = [
        (_GET_PAGE_OBJECT(raw, i), 0) for i in range(_COUNT_PAGE_OBJECTS(raw))
    ]
    text, form = pdfium_c.FPDF_PAGEOBJ_TEXT, pdfium_c.FPDF_PAGEOBJ_FORM
    seen: set[int] = set()  # fonts found embedded
    while stack:
        obj, depth = stack.pop()
        kind = _GET_OBJECT_TYPE(obj)
        if kind == text:
            font = _GET_FONT(obj)
            key = font.value
            if key in seen:
                continue
            if not key or not _FONT_IS_EMBEDDED(font):
                return False
            seen.add(key)
        elif kind == form and depth < _MAX_FORM_DEPTH:
            n = _COUNT_FORM_OBJECTS(obj)
            stack.extend((_GET_FORM_OBJECT(obj, i), depth + 1) for i in range(n))
    return True


def page_to_fonts(page: pdfium.PdfPage) -> list[tuple[str, bool]]:
    """Base font name and whether it is embedded, for each font the page's text uses (sorted).

    For inspection and tests; :func:`page_fonts_embedded` is the fast check.
    """
    found: set[tuple[str, bool]] = set()
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT], max_depth=_MAX_FORM_DEPTH):
        font = pdfium_c.FPDFTextObj_GetFont(obj.raw)
        name, _ = _font_info(font, {})
        found.add((name, bool(font) and bool(pdfium_c.FPDFFont_GetIsEmbedded(font))))
    return sorted(found)


# -- characters --------------------------------------------------------------------------------


def _font_info(font: Any, cache: dict[int, tuple[str, float]]) -> tuple[str, float]:
    """Base font name and descent (a share of the font size, negative) of a PDFium font."""
    key = ctypes.cast(font, ctypes.c_void_p).value or 0
    info = cache.get(key)
    if info is None:
        name, descent = "", 0.0
        if font:
            buffer = ctypes.create_string_buffer(256)
            size = pdfium_c.FPDFFont_GetBaseFontName(font, buffer, 256)
            name = buffer.raw[: max(size - 1, 0)].decode("utf-8", "replace")
            value = ctypes.c_float()
            if pdfium_c.FPDFFont_GetDescent(font, ctypes.c_float(1000.0), value):
                descent = -abs(value.value) / 1000
        info = cache[key] = (name, descent)
    return info


def _prototype(function: Any, restype: Any, *argtypes: Any) -> Any:
    """The PDFium function behind a pypdfium2 binding, called through a prototype of our own."""
    address = ctypes.cast(function, ctypes.c_void_p).value
    assert address is not None  # a bound library function has an address
    return ctypes.CFUNCTYPE(restype, *argtypes)(address)


# Per-character calls as ctypes prototypes of our own: they return plain ints (pypdfium2's own
# bindings return a pointer object for a text object, which has to be cast to be compared),
# and they declare no argument types: the text page goes in as a c_void_p made once per page,
# the index as a C int by ctypes' default rule, the out-parameters by reference. That skips
# the conversion of every argument on every call (~180 ns a call instead of ~320): the same
# PDFium functions, called once per character, so their overhead counts.
_VOID, _INT = ctypes.c_void_p, ctypes.c_int
_GET_TEXT_OBJECT = _prototype(pdfium_c.FPDFText_GetTextObject, _VOID)
_IS_GENERATED = _prototype(pdfium_c.FPDFText_IsGenerated, _INT)
_HAS_MAP_ERROR = _prototype(pdfium_c.FPDFText_HasUnicodeMapError, _INT)
_GET_ORIGIN = _prototype(pdfium_c.FPDFText_GetCharOrigin, _INT)
_GET_LOOSE_BOX = _prototype(pdfium_c.FPDFText_GetLooseCharBox, _INT)
# … and once per text object (a LibreOffice page draws about three characters per object).
_GET_FONT_SIZE = _prototype(pdfium_c.FPDFText_GetFontSize, ctypes.c_double)
_GET_MATRIX = _prototype(pdfium_c.FPDFText_GetMatrix, _INT)
# … and the calls per page object of page_fonts_embedded, handles kept as _Handle instances.
_COUNT_PAGE_OBJECTS = _prototype(pdfium_c.FPDFPage_CountObjects, _INT)
_GET_PAGE_OBJECT = _prototype(pdfium_c.FPDFPage_GetObject, _Handle)
_GET_OBJECT_TYPE = _prototype(pdfium_c.FPDFPageObj_GetType, _INT)
_GET_FONT = _prototype(pdfium_c.FPDFTextObj_GetFont, _Handle)
_FONT_IS_EMBEDDED = _prototype(pdfium_c.FPDFFont_GetIsEmbedded, _INT)
_COUNT_FORM_OBJECTS = _prototype(pdfium_c.FPDFFormObj_CountObjects, _INT)
_GET_FORM_OBJECT = _prototype(pdfium_c.FPDFFormObj_GetObject, _Handle)
_GET_OBJECT_MATRIX = _prototype(pdfium_c.FPDFPageObj_GetMatrix, _INT)
# … and per segment of a path (path_to_subpaths: a ruled page has thousands).
_COUNT_SEGMENTS = _prototype(pdfium_c.FPDFPath_CountSegments, _INT)
_GET_SEGMENT = _prototype(pdfium_c.FPDFPath_GetPathSegment, _Handle)
_SEGMENT_TYPE = _prototype(pdfium_c.FPDFPathSegment_GetType, _INT)
_SEGMENT_POINT = _prototype(pdfium_c.FPDFPathSegment_GetPoint, _INT)
_SEGMENT_CLOSES = _prototype(pdfium_c.FPDFPathSegment_GetClose, _INT)
# The characters PDFium makes up (spaces between words, line breaks) have these codes: only a
# character with one of them is asked whether it was made up.
_GENERATED_CODES = frozenset({0x0A, 0x0D, 0x20})


def textpage_to_codes(textpage: pdfium.PdfTextPage) -> list[int]:
    """The UTF-16 code of each character index of a text page, in one call for the page
    (``FPDFText_GetText``), each index's code as ``FPDFText_GetUnicode`` gives it."""
    raw = textpage.raw
    count = pdfium_c.FPDFText_CountChars(raw)
    if count <= 0:
        return []
    buffer = (ctypes.c_ushort * (count + 1))()
    written = pdfium_c.FPDFText_GetText(raw, 0, count, buffer)
    if written != count + 1:  # not one unit per index: ask character by character
        return [pdfium_c.FPDFText_GetUnicode(raw, index) for index in range(count)]
    return list(buffer)[:count]


def _text_object_style(
    handle: ctypes.c_void_p,
    index: int,
    text_object: int,
    linear: tuple[float, float, float, float],
    fonts: dict[int, tuple[str, float]],
    matrix: ctypes.Array[ctypes.c_float],
) -> tuple[str, float, bool, bool, float]:
    """Font name, descent, whether upright, whether level, and font size on the page of the
    text object character ``index`` belongs to (its own, as every character of it has them).
    ``linear``: the linear part of the page's frame; ``fonts``: what :func:`_font_info` gave
    each font handle so far; ``matrix``: room for an ``FS_MATRIX`` (six floats), reused."""
    font = _GET_FONT(_Handle(text_object)).value if text_object else None
    info = fonts.get(font or 0)
    if info is None:  # a font not met before on the page
        info = _font_info(ctypes.cast(font, pdfium_c.FPDF_FONT) if font else None, fonts)
    fontname, descent = info
    _GET_MATRIX(handle, index, ctypes.byref(matrix))
    ma, mb, mc, md = matrix[:4]
    ra, rb, rc, rd = linear
    # the character's matrix on the displayed page (its linear part)
    a = ma * ra + mb * rc
    b = ma * rb + mb * rd
    c = mc * ra + md * rc
    d = mc * rb + md * rd
    upright = a * d > 0 and b * c <= 0
    level = upright and abs(b) < 1e-6 and abs(c) < 1e-6
    return (fontname, descent, upright, level, _GET_FONT_SIZE(handle, index) * abs(d))


def textpage_to_chars(textpage: pdfium.PdfTextPage, frame: PageFrame) -> list[Record]:
    """The drawn characters of a page (not the spaces and breaks PDFium makes up), in order.

    PDFium drops a space drawn at the end of a text object (and may make one up in its place,
    which cannot be told from a space made up for a gap): such a space is missing here.

    Upright characters get pdfminer's box: from the origin, the advance width wide, the font
    size high, standing on the font's descent. Other characters get PDFium's loose box.

    The codes come from PDFium in one call for the page (:func:`textpage_to_codes`); the
    font, size and turn once per text object (:func:`_text_object_style`); the origin and box
    once per character; the top and bottom once per run of characters on one baseline. Each
    x is rounded once per value (a character's right side is mostly the next one's left:
    ``rounded`` keeps what :func:`round4` gave, zero left out, whose sign a dict would lose).
    """
    handle = ctypes.c_void_p(ctypes.cast(textpage.raw, ctypes.c_void_p).value)
    fonts: dict[int, tuple[str, float]] = {}
    styles: dict[int, tuple[str, float, bool, bool, float]] = {}
    rounded: dict[float, float] = {}
    remembered = rounded.get
    origin = (ctypes.c_double * 2)()
    origin_x_ref, origin_y_ref = ctypes.byref(origin), ctypes.byref(origin, 8)
    loose = (ctypes.c_float * 4)()  # an FS_RECTF: left, top, right, bottom
    matrix = (ctypes.c_float * 6)()  # an FS_MATRIX: a b c d e f
    loose_ref = ctypes.byref(loose)
    linear = frame.ctm[:4]
    ca, cb, cc, cd, ce, cf = frame.ctm
    x_shift, height_, top_ = frame.x_shift, frame.height, frame.top
    chars: list[Record] = []
    pending_high = ""
    generated = _GENERATED_CODES
    # A level character on the baseline of the one before it, in the same text object, has
    # its top, bottom and height: they are worked out once per run of such characters.
    last_across, last_style = 0.0, None
    top = bottom = height = 0.0
    for index, code in enumerate(textpage_to_codes(textpage)):
        if code in generated and _IS_GENERATED(handle, index) == 1:
            continue
        if 0xD800 <= code < 0xDC00:  # first half of a surrogate pair: joined with the next
            pending_high = chr(code)
            continue
        if _HAS_MAP_ERROR(handle, index) == 1:
            text = "\ufffd"
        elif pending_high and 0xDC00 <= code < 0xE000:
            text = (pending_high + chr(code)).encode("utf-16", "surrogatepass").decode("utf-16")
        else:
            text = chr(code)
        pending_high = ""
        key = _GET_TEXT_OBJECT(handle, index) or 0
        style = styles.get(key)
        if style is None:  # font, size and turn are the text object's: looked up once
            style = styles[key] = _text_object_style(handle, index, key, linear, fonts, matrix)
        fontname, descent, upright, level, size = style
        _GET_LOOSE_BOX(handle, index, loose_ref)
        # frame.raw_point of the box's corners, written out (this loop runs per character)
        left, box_top, right, box_bottom = loose[:]
        lx0 = ca * left + cc * box_top + ce + x_shift
        lx1 = ca * right + cc * box_bottom + ce + x_shift
        # min and max of the two, as the builtins pick them (the first of equals)
        low, high = (lx1 if lx1 < lx0 else lx0), (lx1 if lx1 > lx0 else lx0)
        x0 = remembered(low)
        if x0 is None:
            x0 = round4(low)
            if low:
                rounded[low] = x0
        x1 = remembered(high)
        if x1 is None:
            x1 = round4(high)
            if high:
                rounded[high] = x1
        if level:
            _GET_ORIGIN(handle, index, origin_x_ref, origin_y_ref)
            across = cb * origin[0] + cd * origin[1]
            if across != last_across or style is not last_style:  # else: as the last one
                base = height_ - (across + cf) + top_
                bottom = round4(base - descent * size)
                top = round4(bottom - size)
                height = round4(bottom - top)
                last_across, last_style = across, style
        else:
            lt0 = height_ - (cb * left + cd * box_top + cf) + top_
            lt1 = height_ - (cb * right + cd * box_bottom + cf) + top_
            top, bottom = round4(min(lt0, lt1)), round4(max(lt0, lt1))
            height = round4(bottom - top)
            last_style = None
        chars.append(
            {
                "object_type": "char",
                "text": text,
                "fontname": fontname,
                "size": height,
                "upright": upright,
                "x0": x0,
                "x1": x1,
                "top": top,
                "bottom": bottom,
                "doctop": top,
                "height": height,
            }
        )
    return chars


# -- ruling ------------------------------------------------------------------------------------


def _object_matrix(obj: Any, buffer: ctypes.Array[ctypes.c_float] | None = None) -> Matrix:
    """A page object's matrix (``buffer``: room for six floats, reused between calls)."""
    m = buffer if buffer is not None else (ctypes.c_float * 6)()
    if not _GET_OBJECT_MATRIX(obj, ctypes.byref(m)):
        return IDENTITY
    a, b, c, d, e, f = m[:]
    return (a, b, c, d, e, f)


def _page_objects(page: pdfium.PdfPage) -> Iterator[tuple[Any, Matrix]]:
    """Every path object of the page, inside form XObjects too, with its full matrix.

    Every object of the page is asked its type (a page of text holds thousands): through the
    prototypes of :func:`page_fonts_embedded`, handles kept as :class:`_Handle` instances."""
    raw = _Handle(ctypes.cast(page.raw, ctypes.c_void_p).value)
    count = _COUNT_PAGE_OBJECTS(raw)
    stack: list[tuple[Any, Matrix, int]] = [
        (_GET_PAGE_OBJECT(raw, i), IDENTITY, 0) for i in range(count - 1, -1, -1)
    ]
    path, form = pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM
    buffer = (ctypes.c_float * 6)()
    while stack:
        obj, parent, depth = stack.pop()
        kind = _GET_OBJECT_TYPE(obj)
        if kind == path:
            yield obj, multiply(_object_matrix(obj, buffer), parent)
        elif kind == form and depth < _MAX_FORM_DEPTH:
            inner = multiply(_object_matrix(obj, buffer), parent)
            n = _COUNT_FORM_OBJECTS(obj)
            stack.extend((_GET_FORM_OBJECT(obj, i), inner, depth + 1) for i in range(n - 1, -1, -1))


def path_to_subpaths(obj: Any) -> list[list[tuple[float, float]]]:
    """The points of a path object, one list per subpath, as pdfminer lists them.

    Each segment contributes its end point (a Bézier curve only its last point); a closed
    subpath ends with its first point again.
    """
    subpaths: list[list[tuple[float, float]]] = []
    xy = (ctypes.c_float * 2)()
    x_ref, y_ref = ctypes.byref(xy), ctypes.byref(xy, 4)
    moveto, bezierto = pdfium_c.FPDF_SEGMENT_MOVETO, pdfium_c.FPDF_SEGMENT_BEZIERTO
    bezier = 0
    for i in range(_COUNT_SEGMENTS(obj)):
        segment = _GET_SEGMENT(obj, i)
        kind = _SEGMENT_TYPE(segment)
        _SEGMENT_POINT(segment, x_ref, y_ref)
        point = (xy[0], xy[1])
        if kind == moveto or not subpaths:
            subpaths.append([point])
            bezier = 0
        elif kind == bezierto:
            bezier += 1
            if bezier % 3 == 0:
                subpaths[-1].append(point)
        else:
            subpaths[-1].append(point)
        if _SEGMENT_CLOSES(segment):
            subpaths[-1].append(subpaths[-1][0])
    return subpaths


def segment_to_edge(p0: tuple[float, float], p1: tuple[float, float]) -> Record | None:
    """An axis-parallel piece of a path (top-down points) as a pdfplumber edge, else None.

    >>> segment_to_edge((10, 5), (10.2, 50))["orientation"]
    'v'
    >>> segment_to_edge((10, 5), (40, 50)) is None
    True
    """
    (xa, ya), (xb, yb) = p0, p1
    if abs(xa - xb) <= AXIS_NOISE and abs(ya - yb) > AXIS_NOISE:
        x = round4((xa + xb) / 2)
        top, bottom = min(ya, yb), max(ya, yb)
        return {
            "object_type": "line",
            "orientation": "v",
            "x0": x,
            "x1": x,
            "top": top,
            "bottom": bottom,
            "doctop": top,
            "width": 0.0,
            "height": round4(bottom - top),
        }
    if abs(ya - yb) <= AXIS_NOISE and abs(xa - xb) > AXIS_NOISE:
        y = round4((ya + yb) / 2)
        x0, x1 = min(xa, xb), max(xa, xb)
        return {
            "object_type": "line",
            "orientation": "h",
            "x0": x0,
            "x1": x1,
            "top": y,
            "bottom": y,
            "doctop": y,
            "width": round4(x1 - x0),
            "height": 0.0,
        }
    return None


def page_to_edges(page: pdfium.PdfPage, frame: PageFrame) -> list[Record]:
    """Every axis-parallel piece of every path on the page, as pdfplumber edges."""
    edges: list[Record] = []
    for obj, matrix in _page_objects(page):
        full = multiply(matrix, frame.ctm)
        for subpath in path_to_subpaths(obj):
            points = [_to_frame(full, frame, p) for p in subpath]
            for p0, p1 in itertools.pairwise(points):
                edge = segment_to_edge(p0, p1)
                if edge is not None:
                    edges.append(edge)
    return edges


def _to_frame(full: Matrix, frame: PageFrame, point: tuple[float, float]) -> tuple[float, float]:
    dx, dy = apply(full, *point)
    return (round4(dx + frame.x_shift), round4(frame.height - dy + frame.top))
