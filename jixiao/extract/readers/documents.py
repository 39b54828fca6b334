"""Web pages, workbooks and Word files: pick the reader by what the bytes are.

A file's suffix says what it claims to be; its first bytes say what it is. Sites publish
"Excel" files that are HTML tables (``.xls`` saved as a web page), ``.doc`` files that are
HTML or ``.docx`` inside, and ``.xlsx`` files renamed from ``.xls``; each is read by the reader
of what it is (:func:`bytes_to_kind`). A password-protected Office file (an OLE2 container
holding an ``EncryptedPackage``) is one ``unreadable_file`` problem; the old binary Word and
WPS formats (``.doc``, ``.wps``, ``.et``) are one ``unsupported_format`` problem that says how
to convert the file with LibreOffice (a ``.et`` that holds an Excel 97 workbook, as WPS often
writes, is read as one). Nothing here raises for a bad file.
"""

from __future__ import annotations

import io
import zipfile
from typing import Final

from jixiao.core.problems import make_problem
from jixiao.extract.readers.blocks import DocumentExtraction, unreadable_problem
from jixiao.extract.readers.html import webpage_to_extraction
from jixiao.extract.readers.spreadsheet import xls_to_extraction, xlsx_to_extraction
from jixiao.extract.readers.word import docx_to_extraction
from jixiao.model.source import Problem, Source

#: Kinds read here (see :func:`document_to_extraction`).
READABLE: Final = frozenset({"html", "xlsx", "xls", "docx"})

_ZIP: Final = b"PK\x03\x04"
_OLE2: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE: Final = "EncryptedPackage".encode("utf-16-le")
_WORD_STREAM: Final = "WordDocument".encode("utf-16-le")
_XLS_STREAMS: Final = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))
_SPREADSHEET_ML: Final = b"urn:schemas-microsoft-com:office:spreadsheet"

# What an unreadable format is, and what to convert it to.
_CONVERSIONS: Final = {
    "doc": ("Word 97-2003 文档", "docx"),
    "wps": ("WPS 文字文档", "docx"),
    "et": ("WPS 表格", "xlsx"),
    "spreadsheetml": ("Excel 2003 XML 表格", "xlsx"),
}


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


def document_to_extraction(data: bytes, *, file: str, claimed: str) -> DocumentExtraction:
    """Read a web page, workbook or Word file (or say why not) as the reader of what it is."""
    kind = bytes_to_kind(data, claimed)
    if kind == "html":
        return webpage_to_extraction(data, file=file)
    if kind == "xlsx":
        return xlsx_to_extraction(data, file=file)
    if kind == "xls":
        return xls_to_extraction(data, file=file)
    if kind == "docx":
        return docx_to_extraction(data, file=file)
    if kind == "et" and head_is_ole2_workbook(data):
        attempt = xls_to_extraction(data, file=file)  # WPS 表格 often writes a BIFF workbook
        if not attempt.problems:
            return attempt
    if kind == "encrypted":
        reason = "文件有密码保护（加密），请在 Office/WPS 中去掉密码另存后再读"
        return DocumentExtraction((), (unreadable_problem(file, "Office 文件", reason),))
    return DocumentExtraction((), (unsupported_problem(file, kind),))


def unsupported_problem(file: str, kind: str) -> Problem:
    """One ``unsupported_format`` problem naming the file and how to convert it.

    >>> problem = unsupported_problem("报告/附件1.doc", "doc")
    >>> problem.code, problem.message.split("：", 1)[1].split("，")[0]
    ('unsupported_format', '报告/附件1.doc 是 Word 97-2003 文档')
    >>> problem.message.rpartition("：")[2]
    'soffice --headless --convert-to docx "附件1.doc"'
    """
    what, target = _CONVERSIONS.get(kind, (f".{kind} 文件", "docx"))
    name = file.rpartition("/")[2]
    message = (
        f"不支持的文件格式：{file} 是 {what}，jixiao 读不了。请转换为 .{target} 后再读，"
        f'例如用 LibreOffice：soffice --headless --convert-to {target} "{name}"'
    )
    return make_problem(
        "unsupported_format", message, Source(file), expected=f".{target}", found=kind
    )
