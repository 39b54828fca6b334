"""Skew of a scanned page: the angle that makes its rows of ink (ruling lines, text lines)
horizontal, and the page turned by it.

The angle is found by the projection-profile method: the ink pixels are sheared by each
candidate angle and counted per row; the angle whose rows are most uneven (the largest sum of
squared row counts) lines up the rulings. A coarse pass over ``±max_degrees`` on a page at half
size, then a fine one at full size around the best coarse angle.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
from numpy.typing import NDArray

Gray = NDArray[np.uint8]  # a grayscale page, 0 = black, 255 = white

MAX_DEGREES = 2.0  # scans lean up to ~1°; a little more is still found
_COARSE_STEP = 0.1
_FINE_STEP = 0.01


def ink_threshold(gray: Gray) -> int:
    """Otsu's threshold between ink and paper: pixels no lighter than it are ink (a pure
    black-and-white page gives 0)."""
    threshold, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return int(threshold)


def faint_threshold(gray: Gray, threshold: int) -> int:
    """A threshold halfway between Otsu's and the paper: it also takes the faint strokes of a
    light scan (a thin 一 at 110 dpi is lighter than Otsu's threshold) as ink."""
    paper = int(np.percentile(gray, 90))
    return max(threshold, (threshold + paper) // 2)


def _profile_score(ys: NDArray[np.float64], xs: NDArray[np.float64], degrees: float) -> int:
    """The sum of squared counts of ink pixels per row, the pixels sheared by ``degrees``."""
    shift = np.rint(ys - xs * math.tan(math.radians(degrees))).astype(np.int64)
    counts = np.bincount(shift - shift.min())
    return int(np.dot(counts, counts))


def _best_angle(
    ys: NDArray[np.float64], xs: NDArray[np.float64], center: float, span: float, step: float
) -> float:
    angles = np.arange(center - span, center + span + step / 2, step)
    scores = [_profile_score(ys, xs, float(a)) for a in angles]
    return float(angles[int(np.argmax(scores))])


def _ink_at(ink: NDArray[np.bool_]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    ys, xs = np.nonzero(ink)
    return ys.astype(np.float64), xs.astype(np.float64)


def image_to_skew(gray: Gray, max_degrees: float = MAX_DEGREES) -> float:
    """The page's skew in degrees: positive when its lines fall to the right (clockwise).

    Turning the page by :func:`rotate` with this angle makes them horizontal.
    """
    ink = gray <= ink_threshold(gray)
    ys, xs = _ink_at(ink[::2, ::2])
    if len(ys) < 100:
        return 0.0
    coarse = _best_angle(ys, xs, 0.0, max_degrees, _COARSE_STEP)
    ys, xs = _ink_at(ink)
    fine = _best_angle(ys, xs, coarse, _COARSE_STEP, _FINE_STEP)
    return round(fine, 2)


def rotate(gray: Gray, degrees: float) -> Gray:
    """The page turned so that lines falling by ``degrees`` to the right become horizontal
    (same size, corners filled with white)."""
    if degrees == 0:
        return gray
    height, width = gray.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    turned = cv2.warpAffine(
        gray,
        matrix,
        (width, height),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=255,
    )
    return np.asarray(turned, dtype=np.uint8)
