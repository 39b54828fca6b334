"""Office files jixiao cannot read: each is one problem row that says why and what to do.

A password-protected Office file (an OLE2 container holding an ``EncryptedPackage``) is one
``unreadable_file`` problem; the old binary Word and WPS formats (``.doc``, ``.wps``, ``.et``)
and Excel 2003 XML are one ``unsupported_format`` problem that says how to convert the file
with LibreOffice (a ``.et`` that holds an Excel 97 workbook, as WPS often writes, is read as
one). Nothing here raises for a bad file.
"""

from __future__ import annotations

from typing import Final

from jixiao.core.problems import make_problem
from jixiao.extract.readers import Reading, ReadSettings, SourceFile
from jixiao.extract.readers.blocks import unreadable_problem
from jixiao.extract.readers.sniff import head_is_ole2_workbook
from jixiao.extract.readers.spreadsheet import xls_to_extraction
from jixiao.model.source import Problem, Source

# What an unreadable format is, and what to convert it to.
_CONVERSIONS: Final = {
    "doc": ("Word 97-2003 文档", "docx"),
    "wps": ("WPS 文字文档", "docx"),
    "et": ("WPS 表格", "xlsx"),
    "spreadsheetml": ("Excel 2003 XML 表格", "xlsx"),
}


def read_unsupported_file(source: SourceFile, settings: ReadSettings) -> Reading:
    """One problem naming the file and how to convert it (or the workbook inside a ``.et``)."""
    if source.kind == "et" and head_is_ole2_workbook(source.data):
        attempt = xls_to_extraction(source.data, file=source.name)  # WPS 表格 often writes BIFF
        if not attempt.problems:
            return Reading(attempt.grids)
    if source.kind == "encrypted":
        reason = "文件有密码保护（加密），请在 Office/WPS 中去掉密码另存后再读"
        return Reading((), (unreadable_problem(source.name, "Office 文件", reason),))
    return Reading((), (unsupported_problem(source.name, source.kind),))


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
