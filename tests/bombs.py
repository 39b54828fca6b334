"""Hostile files, made at test time in a temporary folder (nothing big is committed).

Each maker writes one file and returns its path. Big inflated contents cost nothing to make: a
chunk compressed with a full flush is a deflate block that can be repeated, so a stream that
inflates to 1.5 GB is the same few kilobytes written 1,500 times.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

from tests.pdf_bytes import objects_to_pdf

_MB = 1 << 20


@dataclass(frozen=True, slots=True)
class Entry:
    """A zip entry: its name, its raw deflate stream, the CRC and size of what it inflates to,
    and the size its directory declares (``declared``, if it lies)."""

    name: str
    stream: bytes
    crc: int
    size: int
    declared: int | None = None


def deflated(data: bytes) -> Entry:
    """Small contents, deflated normally (name set by :func:`named`)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return Entry("", packer.compress(data) + packer.flush(), zlib.crc32(data), len(data))


def repeated(head: bytes, body: bytes, times: int, tail: bytes) -> Entry:
    """``head + body * times + tail`` deflated without ever holding it: ``body`` is compressed
    once after a full flush, and that block is repeated."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    start = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    block = packer.compress(body) + packer.flush(zlib.Z_FULL_FLUSH)
    end = packer.compress(tail) + packer.flush()
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(body, crc)
    crc = zlib.crc32(tail, crc)
    return Entry("", start + block * times + end, crc, len(head) + len(body) * times + len(tail))


def named(name: str, entry: Entry, declared: int | None = None) -> Entry:
    return Entry(name, entry.stream, entry.crc, entry.size, declared)


def write_zip(path: Path, entries: list[Entry]) -> Path:
    """A zip of deflated entries, each with the size its directory declares."""
    local, central = bytearray(), bytearray()
    for entry in entries:
        name = entry.name.encode()
        size = entry.size if entry.declared is None else entry.declared
        offset = len(local)
        fields = (20, 0, 8, 0, 0, entry.crc, len(entry.stream), size, len(name), 0)
        local += struct.pack("<4s5H3L2H", b"PK\x03\x04", *fields) + name + entry.stream
        central += (
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                *fields,
                0,
                0,
                0,
                0,
                offset,
            )
            + name
        )
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(central), len(local), 0
    )
    path.write_bytes(bytes(local + central + end))
    return path


_DOCX_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" '
    b'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_DOCX_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
_W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
DOCX_HEAD = b'<?xml version="1.0" encoding="UTF-8"?><w:document ' + _W + b"><w:body>"
DOCX_TAIL = b"</w:body></w:document>"


def docx(path: Path, document: Entry) -> Path:
    """A Word file whose ``word/document.xml`` is ``document``."""
    return write_zip(
        path,
        [
            named("[Content_Types].xml", deflated(_DOCX_TYPES)),
            named("_rels/.rels", deflated(_DOCX_RELS)),
            document,
        ],
    )


def docx_bomb(path: Path, inflated_mb: int = 1500, declared: int | None = None) -> Path:
    """A Word file of ~1.5 MB whose document.xml inflates to ``inflated_mb`` MB of empty
    paragraphs (its directory declaring ``declared`` bytes, when it lies)."""
    body = b"<w:p/>" * (_MB // 6)
    document = repeated(DOCX_HEAD, body, inflated_mb, DOCX_TAIL)
    return docx(path, named("word/document.xml", document, declared))


_XLSX_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" '
    b'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_XLSX_RELS = _DOCX_RELS.replace(b"word/document.xml", b"xl/workbook.xml")
_XLSX_BOOK = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_XLSX_BOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"


def xlsx(path: Path, sheet: Entry) -> Path:
    """A workbook of one sheet whose XML is ``sheet``."""
    return write_zip(
        path,
        [
            named("[Content_Types].xml", deflated(_XLSX_TYPES)),
            named("_rels/.rels", deflated(_XLSX_RELS)),
            named("xl/workbook.xml", deflated(_XLSX_BOOK)),
            named("xl/_rels/workbook.xml.rels", deflated(_XLSX_BOOK_RELS)),
            named("xl/worksheets/sheet1.xml", sheet),
        ],
    )


def xlsx_rows(path: Path, rows: int) -> Path:
    """A workbook of ``rows`` rows of two numbers each."""
    row = b'<row><c t="n"><v>1</v></c><c t="n"><v>2</v></c></row>' * 1000
    sheet = repeated(SHEET_HEAD, row, rows // 1000, SHEET_TAIL)
    return xlsx(path, named("xl/worksheets/sheet1.xml", sheet))


_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lollollollollollollollollollol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b"]>"
)


def xlsx_entities(path: Path) -> Path:
    """A workbook whose sheet expands an entity a billion times ("billion laughs")."""
    sheet = SHEET_HEAD.replace(b'<?xml version="1.0" encoding="UTF-8"?>', _LAUGHS)
    sheet += b'<row><c t="inlineStr"><is><t>&lol9;</t></is></c></row>' + SHEET_TAIL
    return xlsx(path, named("xl/worksheets/sheet1.xml", deflated(sheet)))


def docx_entities(path: Path) -> Path:
    """A Word file whose document.xml expands an entity a billion times."""
    document = DOCX_HEAD.replace(b'<?xml version="1.0" encoding="UTF-8"?>', _LAUGHS)
    document += b"<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>" + DOCX_TAIL
    return docx(path, named("word/document.xml", deflated(document)))


def png(path: Path, width: int, height: int) -> Path:
    """A white grayscale PNG of ``width`` × ``height`` pixels, written a block of rows at a
    time (a 60,000 × 60,000 image is 3.6 GB of pixels in a few MB of file)."""
    rows_per_block = max(1, (4 * _MB) // (width + 1))
    packer = zlib.compressobj(9)
    block = packer.compress((b"\x00" + b"\xff" * width) * rows_per_block)
    block += packer.flush(zlib.Z_FULL_FLUSH)
    blocks, rest = divmod(height, rows_per_block)
    tail = packer.compress((b"\x00" + b"\xff" * width) * rest) + packer.flush()
    data = block * blocks + tail

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">L", len(body)) + kind + body + struct.pack(">L", zlib.crc32(kind + body))
        )

    header = struct.pack(">2L5B", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )
    return path


def pdf_huge_page(path: Path, side: float = 14_400.0) -> Path:
    """A one-page PDF of ``side`` × ``side`` points (14,400: the largest a PDF allows, 200
    inches) whose only content is a small image covering the page: a scanned page."""
    image = zlib.compress(b"\xff" * 64 * 64)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {side:g} {side:g}] "
        "/Resources << /XObject << /Im1 4 0 R >> >> /Contents 5 0 R >>".encode(),
        b"<< /Type /XObject /Subtype /Image /Width 64 /Height 64 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n"
        % len(image)
        + image
        + b"\nendstream",
    ]
    content = f"q {side:g} 0 0 {side:g} 0 0 cm /Im1 Do Q".encode()
    objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    path.write_bytes(objects_to_pdf(objects))
    return path


def html_tables(path: Path, tables: int) -> Path:
    """A web page of ``tables`` one-cell tables, one after another."""
    with path.open("wb") as handle:
        handle.write(b"<html><body>")
        piece = b"<table><tr><td>x</td></tr></table>" * 1000
        for _ in range(tables // 1000):
            handle.write(piece)
        handle.write(b"</body></html>")
    return path


def html_nested(path: Path, depth: int) -> Path:
    """A web page of ``depth`` tables, each inside a cell of the one before."""
    path.write_bytes(
        b"<html><body>" + b"<table><tr><td>" * depth + b"x" + b"</td></tr></table>" * depth
    )
    return path
