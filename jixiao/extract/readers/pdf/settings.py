"""How PDFs are read: which table finder, how far a table may run on, whether scans are read."""

from __future__ import annotations

from dataclasses import dataclass

PDF_READERS = ("auto", "pdfium", "pdfplumber", "camelot")


@dataclass(frozen=True, slots=True)
class PdfSettings:
    """How PDFs are read.

    ``reader``: ``auto`` (PDFium's ruling; pdfplumber on a page where PDFium finds no ruled
    table, camelot where neither does), or one reader only: ``pdfium``, ``pdfplumber`` (the
    pure pdfplumber path, for cross-checking) or ``camelot``. Whichever finds the cells, their
    characters are PDFium's only on pages whose fonts are all embedded. ``max_continuation``:
    how many pages after a candidate page a table may run onto. ``ocr``: read the ruled tables
    of scanned pages (images without text) by OCR (:mod:`jixiao.extract.readers.scan`); off,
    such pages are only reported.
    """

    reader: str = "auto"
    max_continuation: int = 8  # a narrow print of a long table runs over five pages
    ocr: bool = True

    def __post_init__(self) -> None:
        if self.reader not in PDF_READERS:
            raise ValueError(
                f"PdfSettings.reader must be one of {PDF_READERS}, got {self.reader!r}"
            )
        if self.max_continuation < 0:
            raise ValueError(
                f"PdfSettings.max_continuation must be >= 0, got {self.max_continuation}"
            )
