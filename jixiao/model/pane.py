"""What a reader shows of a table's source beside its rows: the *source pane* of the report.

A reader makes it while its file is open (one pass per file: the report never opens a source
again): page images of a PDF or a scanned image (:class:`Crop`, one per page the table spans),
or the numbered source lines of a text file; for web pages, workbooks and Word files the grid
itself is the source view and the pane is empty.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

BBox = tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class Region:
    """Part of one page, in PDF points: ``(x0, top, x1, bottom)``."""

    page: int
    bbox: BBox


@dataclass(frozen=True, slots=True)
class Crop:
    """A rendered region: the image bytes (``mime``) and the region it shows (after padding
    and clamping to the page)."""

    region: Region
    png: bytes
    width: int
    height: int
    mime: str = "image/png"

    def data_uri(self) -> str:
        return f"data:{self.mime};base64," + base64.b64encode(self.png).decode("ascii")


@dataclass(frozen=True, slots=True)
class SourcePane:
    """A table's source pane: page images, or numbered source lines, or ``note`` saying why
    neither could be made (an empty pane with no note: the form has none)."""

    crops: tuple[Crop, ...] = ()
    lines: tuple[tuple[int, str], ...] = ()
    note: str = ""
