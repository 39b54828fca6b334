"""Text recognition of single lines of text, offline, with the model shipped in ``rapidocr``.

The ``rapidocr`` package (Apache-2.0) ships PaddleOCR's PP-OCRv6 recognition model for Chinese
(Apache-2.0) inside its wheel, with its character list in the model's metadata; nothing is
downloaded. The lines are cut out of the cells by :mod:`jixiao.extract.readers.scan.cells`, so
only the recognizer runs (no text detector, no angle classifier), on onnxruntime, one thread, one
line at a time: the preprocessing (height 48, values scaled to −1…1) and the CTC decoding are
rapidocr's, done here in a few lines because importing rapidocr's pipeline costs a second of
start-up (it parses its model catalogue) that one model file does not need.

The model is loaded on the first scanned page (a born-digital PDF never pays for it) and kept
for the rest of the process.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from jixiao.core.errors import OcrUnavailableError

MODEL_PACKAGE = "rapidocr"
MODEL_FILES = ("PP-OCRv6_rec_small.onnx",)  # the Chinese recognizer in rapidocr's wheel
HEIGHT = 48  # the model's input height
_MIN_WIDTH = 32


DIGITS = "0123456789.%"  # the alphabet of a number as printed in a numeric column


@dataclass(frozen=True, slots=True)
class Reading:
    """The text of one line image and the recognizer's confidence in it: the lowest
    probability of any of its characters (0–1; 0 for an empty result).

    ``digits`` is the same image read with the number alphabet only (:data:`DIGITS`), with its
    own confidence: what the line says if it is known to be a number (a lone ``3`` that the
    recognizer, without context, takes for a ``B``).
    """

    text: str
    confidence: float
    digits: str = ""
    digits_confidence: float = 0.0
    confidences: tuple[float, ...] = ()  # of each character of ``text``


@dataclass(frozen=True, slots=True)
class Recognizer:
    """An onnxruntime session of the recognition model and its characters (index 0 is the
    CTC blank)."""

    session: Any
    input_name: str
    characters: tuple[str, ...]
    digit_classes: tuple[int, ...] = ()  # the blank and the classes of DIGITS


def model_path() -> Path:
    """The recognition model inside the installed rapidocr package."""
    try:
        folder = resources.files(MODEL_PACKAGE) / "models"
    except ModuleNotFoundError as error:
        raise OcrUnavailableError(f"{MODEL_PACKAGE} is not installed") from error
    for name in MODEL_FILES:
        candidate = folder / name
        if candidate.is_file():
            return Path(str(candidate))
    raise OcrUnavailableError(f"{MODEL_PACKAGE} ships none of {', '.join(MODEL_FILES)}")


def load_recognizer(path: Path | None = None) -> Recognizer:
    """Open the model on one thread and read its character list."""
    try:
        import onnxruntime as ort  # noqa: PLC0415 - may fail: then the page is ocr_unavailable
    except ImportError as error:
        raise OcrUnavailableError(f"onnxruntime cannot be imported: {error}") from error
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    session = ort.InferenceSession(
        str(path or model_path()), sess_options=options, providers=["CPUExecutionProvider"]
    )
    listed = session.get_modelmeta().custom_metadata_map.get("character", "")
    if not listed:
        raise OcrUnavailableError("the recognition model carries no character list")
    characters = ("", *listed.splitlines(), " ")
    digit_classes = (0, *(i for i, c in enumerate(characters) if c and c in DIGITS))
    return Recognizer(session, session.get_inputs()[0].name, characters, digit_classes)


_recognizer: Recognizer | None = None


def recognizer() -> Recognizer:
    """The process's recognizer, loaded on first use."""
    global _recognizer  # noqa: PLW0603 - one model per process, loaded lazily
    if _recognizer is None:
        _recognizer = load_recognizer()
    return _recognizer


def crop_to_input(crop: NDArray[np.uint8]) -> NDArray[np.float32]:
    """A grayscale line image as the model's input: height 48, three equal channels, −1…1."""
    height, width = crop.shape
    resized_width = max(_MIN_WIDTH, math.ceil(HEIGHT * width / max(height, 1)))
    resized = cv2.resize(crop, (resized_width, HEIGHT)).astype(np.float32)
    scaled = resized / 127.5 - 1.0
    return np.ascontiguousarray(np.broadcast_to(scaled, (1, 3, HEIGHT, resized_width)))


def _greedy(best: NDArray[np.int64], chosen: NDArray[np.float32]) -> tuple[list[int], list[float]]:
    """CTC greedy decoding of the best class at each step: repeats collapsed, blanks dropped;
    the classes kept and the probability of each."""
    keep = np.ones(len(best), dtype=bool)
    keep[1:] = best[1:] != best[:-1]
    keep &= best != 0
    return best[keep].tolist(), chosen[keep].tolist()


def _text(
    classes: Sequence[int], probabilities: Sequence[float], characters: Sequence[str]
) -> tuple[str, tuple[float, ...]]:
    """The characters of the classes without leading and trailing spaces, and their
    probabilities."""
    pairs = [(characters[c], p) for c, p in zip(classes, probabilities, strict=True)]
    while pairs and pairs[0][0].isspace():
        pairs.pop(0)
    while pairs and pairs[-1][0].isspace():
        pairs.pop()
    return "".join(ch for ch, _ in pairs), tuple(round(p, 4) for _, p in pairs)


def decode(
    probabilities: NDArray[np.float32], characters: Sequence[str], digits: Sequence[int] = ()
) -> Reading:
    """The text of one line from the model's per-step class probabilities; with ``digits``
    (the blank and the classes of :data:`DIGITS`) also the reading restricted to them."""
    text, confidences = _text(
        *_greedy(probabilities.argmax(axis=1), probabilities.max(axis=1)), characters
    )
    if not text:
        return Reading("", 0.0)
    number = ""
    number_confidences: tuple[float, ...] = ()
    if digits:
        allowed = np.asarray(digits)
        subset = probabilities[:, allowed]
        found, chosen = _greedy(allowed[subset.argmax(axis=1)], subset.max(axis=1))
        number, number_confidences = _text(found, chosen, characters)
    return Reading(
        text, min(confidences), number, min(number_confidences, default=0.0), confidences
    )


def _run(model: Recognizer, crop: NDArray[np.uint8]) -> Reading:
    (output,) = model.session.run(None, {model.input_name: crop_to_input(crop)})
    return decode(output[0], model.characters, model.digit_classes)


def crops_to_readings(crops: Sequence[NDArray[np.uint8]]) -> list[Reading]:
    """Recognize each grayscale line image."""
    model = recognizer()
    return [_run(model, crop) for crop in crops]


def side_by_side(first: NDArray[np.uint8], second: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """Two line images next to each other, the lower one padded with paper below."""
    height = max(first.shape[0], second.shape[0])
    pieces = [
        np.pad(image, ((0, height - image.shape[0]), (0, 0)), constant_values=255)
        for image in (first, second)
    ]
    return np.hstack(pieces)


def anchored_reading(
    crop: NDArray[np.uint8], anchor: NDArray[np.uint8], known: str
) -> Reading | None:
    """Read a lone character with context: ``crop`` after ``anchor``, a line of the same page
    whose text ``known`` is sure. Alone, a ``/`` reads as ``7``, a ``≧`` as ``M``, a ``3`` as
    ``B``; after a few characters of the page's own print they read right. ``None`` when the
    anchor itself is not read back (the context did not help).
    """
    reading = _run(recognizer(), side_by_side(anchor, crop))
    if not reading.text.startswith(known):
        return None
    pairs = list(zip(reading.text, reading.confidences, strict=True))[len(known) :]
    while pairs and pairs[0][0].isspace():
        pairs.pop(0)
    if not pairs:
        return Reading("", 0.0)
    own = tuple(p for _, p in pairs)
    return Reading("".join(ch for ch, _ in pairs), min(own), confidences=own)
