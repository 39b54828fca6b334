"""The ruling lines of a scanned page (turned straight first), as pdfplumber edge records.

Ink is separated from paper by Otsu's threshold; a morphological opening with a long thin
kernel keeps only runs of ink longer than any stroke of text: horizontally ``H_KERNEL_PT``,
vertically ``V_KERNEL_PT`` (rows of a table can be as low as one line of text, so the vertical
kernel is shorter; text strokes that survive it are dropped because they do not reach from one
horizontal ruling to another). Each connected run becomes one segment through the middle of
its pixels; coordinates are converted to PDF points (``scale`` pixels per point) so that
the PDF reader's table finder (:mod:`~jixiao.extract.readers.pdf.ruling`) and the rest of the
PDF reader apply unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from jixiao.extract.readers.scan.deskew import Gray

H_KERNEL_PT = 24.0  # longer than any horizontal stroke of 10–12 pt text ("一", "—")
V_KERNEL_PT = 9.0  # shorter than a one-line row; longer than most vertical strokes
TOUCH_PT = 3.0  # an end this close to a crossing line touches it

Record = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Segment:
    """One ruling line in pixels: horizontal (``y0 == y1``) or vertical (``x0 == x1``)."""

    x0: float
    y0: float
    x1: float
    y1: float
    pixels: tuple[int, int, int, int] = (0, 0, 0, 0)  # the run's box: x, y, width, height

    @property
    def horizontal(self) -> bool:
        return self.y0 == self.y1


def ink_mask(gray: Gray, threshold: int) -> NDArray[np.uint8]:
    """255 where the page is ink (no lighter than ``threshold``), 0 where it is paper."""
    _, mask = cv2.threshold(gray, threshold, 255, cv2.THRESH_BINARY_INV)
    return np.asarray(mask, dtype=np.uint8)


def _boxes(mask: NDArray[np.uint8]) -> list[tuple[int, int, int, int]]:
    """The box (x, y, width, height) of each 8-connected run of ink, top to bottom.

    The boxes of the outer contours (OpenCV's two-level hierarchy puts a run lying inside
    another's hole at the top level too): the boxes a labelling of connected components
    gives, at a twentieth of its cost on a page of sparse rulings.
    """
    contours, hierarchy = cv2.findContours(mask, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return []
    outer = []
    for contour, (_, _, _, parent) in zip(contours, hierarchy[0], strict=True):
        if parent < 0:
            x, y, width, height = cv2.boundingRect(contour)
            outer.append((x, y, width, height))
    return sorted(outer, key=lambda box: (box[1], box[0], box[3], box[2]))


def _runs(mask: NDArray[np.uint8], horizontal: bool) -> list[Segment]:
    segments: list[Segment] = []
    for x, y, w, h in _boxes(mask):
        if horizontal:
            mid = y + (h - 1) / 2
            segments.append(Segment(float(x), mid, float(x + w - 1), mid, (x, y, w, h)))
        else:
            mid = x + (w - 1) / 2
            segments.append(Segment(mid, float(y), mid, float(y + h - 1), (x, y, w, h)))
    return segments


def _morph(mask: NDArray[np.uint8], operation: int, size: tuple[int, int]) -> NDArray[np.uint8]:
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, size)
    return np.asarray(cv2.morphologyEx(mask, operation, kernel), dtype=np.uint8)


def mask_to_segments(ink: NDArray[np.uint8], scale: float) -> list[Segment]:
    """Horizontal and vertical runs of ink longer than the kernels (in pixels)."""
    h_len = max(int(H_KERNEL_PT * scale), 8)
    v_len = max(int(V_KERNEL_PT * scale), 5)
    # a ruling one pixel off straight breaks the opening: close small gaps along the line
    h_mask = _morph(_morph(ink, cv2.MORPH_OPEN, (h_len, 1)), cv2.MORPH_CLOSE, (5, 3))
    v_mask = _morph(_morph(ink, cv2.MORPH_OPEN, (1, v_len)), cv2.MORPH_CLOSE, (3, 5))
    return _runs(h_mask, True) + _runs(v_mask, False)


def _crossings(vertical: Segment, horizontal: Sequence[Segment], tol: float) -> list[float]:
    """Heights at which horizontal lines meet a vertical run (ends within ``tol``)."""
    return [
        h.y0
        for h in horizontal
        if h.x0 - tol <= vertical.x0 <= h.x1 + tol
        and vertical.y0 - tol <= h.y0 <= vertical.y1 + tol
    ]


def keep_rulings(segments: Sequence[Segment], scale: float) -> list[Segment]:
    """The runs that are ruling lines of a table.

    A vertical run is kept from the first to the last horizontal line it meets (at least two):
    a text stroke meets none, and a stroke that touches a ruling's end is cut off it. A
    horizontal run is kept when a vertical line meets it.
    """
    tol = TOUCH_PT * scale
    horizontal = [s for s in segments if s.horizontal]
    vertical: list[Segment] = []
    for s in segments:
        if s.horizontal:
            continue
        ys = _crossings(s, horizontal, tol)
        if len(ys) >= 2 and max(ys) - min(ys) > tol:
            top, bottom = max(min(ys), s.y0), min(max(ys), s.y1)
            x, _, width, _ = s.pixels
            pixels = (x, int(top), width, int(bottom - top) + 1)
            vertical.append(Segment(s.x0, top, s.x1, bottom, pixels))
    crossed = [
        h
        for h in horizontal
        if any(
            h.x0 - tol <= v.x0 <= h.x1 + tol and v.y0 - tol <= h.y0 <= v.y1 + tol for v in vertical
        )
    ]
    return crossed + vertical


def segments_to_edges(segments: Sequence[Segment], scale: float) -> list[Record]:
    """pdfplumber edge records (points, top-down) of the segments."""
    edges: list[Record] = []
    for s in segments:
        x0, x1 = s.x0 / scale, s.x1 / scale
        top, bottom = s.y0 / scale, s.y1 / scale
        edges.append(
            {
                "object_type": "line",
                "orientation": "h" if s.horizontal else "v",
                "x0": x0,
                "x1": x1,
                "top": top,
                "bottom": bottom,
                "width": x1 - x0,
                "height": bottom - top,
            }
        )
    return edges


def segments_to_mask(segments: Sequence[Segment], shape: tuple[int, int]) -> NDArray[np.uint8]:
    """255 on the pixels of the given rulings (their runs' boxes)."""
    mask = np.zeros(shape, dtype=np.uint8)
    for s in segments:
        x, y, w, h = s.pixels
        mask[y : y + h, x : x + w] = 255
    return mask
