"""Lines of text inside a cell of a scanned table, cut out for the recognizer.

The ruling lines are painted out first (:func:`text_layer`), so a crop may reach up to the
cell's edge without picking up a border. Inside a cell, rows of ink separated by rows of paper
are the lines of a wrapped text (:func:`box_to_lines`); each line is cropped tight around its
ink, with a margin of paper added around it as the recognizer expects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from jixiao.extract.readers.scan.deskew import Gray

PixelBox = tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels, x1/y1 exclusive

_SPECK_AREA = 3  # ink components smaller than this (pixels) are JPEG noise (:func:`specks`)
_SIDE_MARGIN = 0.2  # paper added left and right
_MARGIN = 0.45  # paper added around a line, as a share of its height
_JOIN_GAP = 0.15  # paper between the lines of a cell put side by side, as a share of height


@dataclass(frozen=True, slots=True)
class TextLayer:
    """A straightened page with its ruling lines painted out: ``gray`` (paper where a ruling
    was) and ``ink`` (True where text is)."""

    gray: Gray
    ink: NDArray[np.bool_]


def text_layer(gray: Gray, ink: NDArray[np.uint8], rulings: NDArray[np.uint8]) -> TextLayer:
    """Paint the ruling lines (``rulings``: 255 on a ruling) out of the page and drop specks.

    ``ink`` is taken with a lenient threshold (faint strokes are text too), so the rulings are
    grown by two pixels each side first: their grey fringe is not text.
    """
    grown = cv2.dilate(rulings, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5)))
    text = cv2.bitwise_and(ink, cv2.bitwise_not(grown))
    mask = text > 0
    mask[specks(mask)] = False
    clean = gray.copy()
    clean[grown > 0] = 255
    return TextLayer(clean, mask)


def _neighbours(mask: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """How many of each pixel's eight neighbours are set in a 0/1 mask (outside: none)."""
    around = cv2.boxFilter(mask, -1, (3, 3), normalize=False, borderType=cv2.BORDER_CONSTANT)
    return np.asarray(cv2.subtract(around, mask), dtype=np.uint8)


def specks(ink: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """The pixels of the 8-connected pieces of ink smaller than ``_SPECK_AREA`` pixels (three):
    a pixel without set neighbours, and two pixels that are each other's only neighbour.

    The same pixels a labelling of connected components finds by area, without labelling a
    page of text (under half the cost).
    """
    ones = ink.view(np.uint8)
    around = _neighbours(ones)
    paired = ones & (around == 1)
    found: NDArray[np.bool_] = (ink & (around == 0)) | (
        paired.view(np.bool_) & (_neighbours(paired) == 1)
    )
    return found


def _bands(profile: NDArray[np.int64], min_gap: int) -> list[tuple[int, int]]:
    """Runs of non-zero entries, runs closer than ``min_gap`` joined."""
    rows = np.flatnonzero(profile)
    if len(rows) == 0:
        return []
    bands: list[tuple[int, int]] = []
    start = prev = int(rows[0])
    for row in rows[1:].tolist():
        if row - prev > min_gap:
            bands.append((start, prev + 1))
            start = row
        prev = row
    bands.append((start, prev + 1))
    return bands


def _join_small(bands: list[tuple[int, int]], line_height: float) -> list[tuple[int, int]]:
    """Join a band much lower than a line (the strokes of 二, 三, a dot) to its neighbour."""
    out: list[tuple[int, int]] = []
    for band in bands:
        if out:
            prev = out[-1]
            small = min(band[1] - band[0], prev[1] - prev[0]) < 0.45 * line_height
            close = band[0] - prev[1] < 0.4 * line_height
            if small and close and band[1] - prev[0] <= 1.5 * line_height:
                out[-1] = (prev[0], band[1])
                continue
        out.append(band)
    return out


def box_to_lines(layer: TextLayer, box: PixelBox, line_height: float) -> list[PixelBox]:
    """The lines of text inside a cell, each as the box around its ink (top to bottom)."""
    x0, y0, x1, y1 = box
    ink = layer.ink[y0:y1, x0:x1]
    if not ink.any():
        return []
    gap = max(1, int(0.08 * line_height))
    rows = _join_small(_bands(ink.sum(axis=1), gap), line_height)
    lines: list[PixelBox] = []
    for top, bottom in rows:
        cols = np.flatnonzero(ink[top:bottom].any(axis=0))
        if bottom - top < 0.2 * line_height and len(cols) < 0.15 * line_height:
            continue  # a speck, not a line
        lines.append((x0 + int(cols[0]), y0 + top, x0 + int(cols[-1]) + 1, y0 + bottom))
    return lines


def _framed(crop: Gray, height: int) -> Gray:
    """A crop with paper added: above and below to ``height`` plus the margin, and at the sides."""
    pad = max(2, int(_MARGIN * height))
    side = max(2, int(_SIDE_MARGIN * height))
    extra = max(0, height - crop.shape[0])
    top, bottom = pad + extra // 2, pad + extra - extra // 2
    framed = cv2.copyMakeBorder(crop, top, bottom, side, side, cv2.BORDER_CONSTANT, value=255)
    return np.asarray(framed, dtype=np.uint8)


def lines_to_crop(layer: TextLayer, lines: Sequence[PixelBox], line_height: float) -> Gray:
    """The lines of one cell side by side, as one line of text, with paper around them.

    A wrapped cell read as one line gives the recognizer the context a lone character lacks
    (the 门 of 主管部门 wrapped onto a line of its own); the gap between the pieces is as
    wide as the space between two characters, so no space is read into it.
    """
    height = max(*(y1 - y0 for _, y0, _, y1 in lines), int(0.6 * line_height))
    gap = np.full((height, max(1, int(_JOIN_GAP * height))), 255, dtype=np.uint8)
    pieces: list[Gray] = []
    for x0, y0, x1, y1 in lines:
        crop = layer.gray[y0:y1, x0:x1]
        extra = height - crop.shape[0]
        piece = cv2.copyMakeBorder(
            crop, extra // 2, extra - extra // 2, 0, 0, cv2.BORDER_CONSTANT, value=255
        )
        if pieces:
            pieces.append(gap)
        pieces.append(np.asarray(piece, dtype=np.uint8))
    return _framed(np.hstack(pieces), height)


def line_to_crop(layer: TextLayer, line: PixelBox, line_height: float) -> Gray:
    """One line's pixels with a margin of paper around them."""
    return lines_to_crop(layer, [line], line_height)
