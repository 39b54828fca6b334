"""Text recognition of single lines of text, offline, with the model shipped in ``rapidocr``.

The ``rapidocr`` package (Apache-2.0) ships PaddleOCR's PP-OCRv6 recognition model for Chinese
(Apache-2.0) inside its wheel, with its character list in the model's metadata; nothing is
downloaded. The lines are cut out of the cells by :mod:`jixiao.extract.scan.cells`, so only the
recognizer runs (no text detector, no angle classifier), on onnxruntime, one thread, one line
at a time: the preprocessing (height 48, values scaled to −1…1) and the CTC decoding are
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
        import onnxruntime as ort  # noqa: PLC0415 - heavy: loaded on the first scanned page
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


def _greedy(best: NDArray[np.int64], chosen: NDArray[np.float32]) -> tuple[list[int], float]:
    """CTC greedy decoding of the best class at each step: repeats collapsed, blanks dropped;
    the classes and the lowest probability among them."""
    keep = np.ones(len(best), dtype=bool)
    keep[1:] = best[1:] != best[:-1]
    keep &= best != 0
    if not keep.any():
        return [], 0.0
    return best[keep].tolist(), float(chosen[keep].min())


def decode(
    probabilities: NDArray[np.float32], characters: Sequence[str], digits: Sequence[int] = ()
) -> Reading:
    """The text of one line from the model's per-step class probabilities; with ``digits``
    (the blank and the classes of :data:`DIGITS`) also the reading restricted to them."""
    best = probabilities.argmax(axis=1)
    classes, confidence = _greedy(best, probabilities.max(axis=1))
    text = "".join(characters[i] for i in classes).strip()
    if not text:
        return Reading("", 0.0)
    number, number_confidence = "", 0.0
    if digits:
        allowed = np.asarray(digits)
        subset = probabilities[:, allowed]
        picked = subset.argmax(axis=1)
        found, number_confidence = _greedy(allowed[picked], subset.max(axis=1))
        number = "".join(characters[i] for i in found)
    return Reading(text, round(confidence, 4), number, round(number_confidence, 4))


def crops_to_readings(crops: Sequence[NDArray[np.uint8]]) -> list[Reading]:
    """Recognize each grayscale line image."""
    model = recognizer()
    readings: list[Reading] = []
    for crop in crops:
        (output,) = model.session.run(None, {model.input_name: crop_to_input(crop)})
        readings.append(decode(output[0], model.characters, model.digit_classes))
    return readings
