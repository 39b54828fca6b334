"""Text recognition of single lines of text, offline, with the models shipped in ``rapidocr``.

rapidocr (Apache-2.0; its PP-OCRv6 detection/recognition models, Apache-2.0, ship inside its
wheel) runs on onnxruntime. Only its recognizer is used: the lines are cut out of the cells by
:mod:`jixiao.extract.scan.cells`, so neither the text detector nor the angle classifier runs.
The engine is imported and loaded on the first scanned page (a born-digital PDF never pays for
it) and kept for the rest of the process; it runs on one thread, as the batch runner gives each
file its own process.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

ENGINE_PARAMS: dict[str, Any] = {
    "Global.log_level": "error",
    "Global.use_det": False,
    "Global.use_cls": False,
    "Global.use_preprocess_img": False,
    "Global.use_vertical_padding": False,
    "Global.return_word_box": True,  # per-character confidences
    "Rec.rec_img_shape": [3, 48, 48],  # no padding of short lines to 320 pixels
    "EngineConfig.onnxruntime.intra_op_num_threads": 1,
    "EngineConfig.onnxruntime.inter_op_num_threads": 1,
}


class OcrUnavailableError(RuntimeError):
    """The OCR engine cannot be loaded (rapidocr or onnxruntime missing or broken)."""


@dataclass(frozen=True, slots=True)
class Reading:
    """The text of one line image and the recognizer's confidence in it (the lowest of its
    characters' probabilities, 0–1; 0 for an empty result)."""

    text: str
    confidence: float


_engine: Any = None


def engine() -> Any:
    """The process's recognizer, loaded on first use."""
    global _engine  # noqa: PLW0603 - one engine per process, loaded lazily
    if _engine is None:
        try:
            from rapidocr import RapidOCR  # noqa: PLC0415 - heavy: loaded on the first scan
        except ImportError as error:
            raise OcrUnavailableError(f"rapidocr cannot be imported: {error}") from error
        _engine = RapidOCR(params=ENGINE_PARAMS)
    return _engine


def _confidence(result: Any) -> float:
    words = getattr(result, "word_results", None) or ()
    confs = [float(c) for info in words if info is not None for c in getattr(info, "confs", ())]
    if confs:
        return min(confs)
    scores = getattr(result, "scores", None) or (0.0,)
    return float(scores[0])


def crops_to_readings(crops: Sequence[NDArray[np.uint8]]) -> list[Reading]:
    """Recognize each grayscale line image."""
    ocr = engine()
    readings: list[Reading] = []
    for crop in crops:
        rgb = np.repeat(crop[:, :, None], 3, axis=2)
        result = ocr(rgb)
        texts = getattr(result, "txts", None) or ("",)
        text = str(texts[0]).strip()
        readings.append(Reading(text, _confidence(result) if text else 0.0))
    return readings
