"""What an office document really is, from its first bytes.

A file's suffix says what it claims to be; its first bytes say what it is. Sites publish
"Excel" files that are HTML tables (``.xls`` saved as a web page), ``.doc`` files that are
HTML or ``.docx`` inside, and ``.xlsx`` files renamed from ``.xls``; each is read by the reader
of what it is (:func:`bytes_to_kind`, asked by :func:`jixiao.extract.readers.read_file` for
the forms registered as ``sniffed``).
"""

from __future__ import annotations

import io
import zipfile
from typing import Final

_ZIP: Final = b"PK\x03\x04"
_OLE2: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE: Final = "EncryptedPackage".encode("utf-16-le")
_WORD_STREAM: Final = "WordDocument".encode("utf-16-le")
_XLS_STREAMS: Final = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))
_SPREADSHEET_ML: Final = b"urn:schemas-microsoft-com:office:spreadsheet"


def bytes_to_kind(data: bytes, claimed: str) -> str:
    """What a file is, from its first bytes; ``claimed`` is the kind its suffix gives.

    Returns one of ``html``, ``xlsx``, ``xls``, ``docx``, ``encrypted``, ``spreadsheetml``,
    or ``claimed`` when the bytes do not say otherwise.

    >>> bytes_to_kind(b"<html><table>", "xls"), bytes_to_kind(b"\\xef\\xbb\\xbf <p>", "doc")
    ('html', 'html')
    >>> bytes_to_kind(b"junk", "docx")
    'docx'
    """
    head = data[:4096]
    if head.startswith(_ZIP):
        return _zip_kind(data, claimed)
    if head.startswith(_OLE2):
        if _ENCRYPTED_PACKAGE in data:
            return "encrypted"
        if _WORD_STREAM in data:
            return claimed if claimed in ("doc", "wps") else "doc"
        if any(stream in data for stream in _XLS_STREAMS):
            return "xls" if claimed in ("xls", "xlsx") else claimed
        return claimed
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if _SPREADSHEET_ML in head:
        return "spreadsheetml"
    if text[:1] == b"<" and claimed != "html":
        return "html"
    return claimed


def head_is_ole2_workbook(data: bytes) -> bool:
    """An OLE2 container with an Excel workbook stream (``Workbook`` or ``Book``)."""
    return data.startswith(_OLE2) and any(stream in data for stream in _XLS_STREAMS)


def _zip_kind(data: bytes, claimed: str) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return claimed  # a damaged zip: its reader says so
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return claimed
