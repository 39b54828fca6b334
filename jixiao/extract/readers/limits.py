"""Limits a file must pass before it is read, so that a hostile file costs one problem row.

A zip bomb (a 1.5 MB ``.docx`` whose ``document.xml`` inflates to 1.5 GB), a decompression-bomb
image (60,000 × 60,000 pixels) or a web page of a million tables would take a worker's memory
long before a library says anything. Each is refused before the work, by what the file
declares, with one ``file_too_large`` problem that names the limit and the setting that raises
it (:class:`~jixiao.core.errors.FileTooLargeError`):

* zip-based files (``.xlsx``, ``.xlsm``, ``.docx``): the central directory is read first, and an
  entry that declares more than :attr:`InputLimits.max_entry_mb` inflated, or more than
  :attr:`InputLimits.max_ratio` times its compressed size (entries over
  :data:`RATIO_FLOOR_BYTES`), or entries that declare more than
  :attr:`InputLimits.max_total_mb` together, are refused; then every entry is inflated with a
  running cap, so a directory that lies about a size is caught too (:func:`check_zip`);
* table cells (web pages, workbooks, Word files): a file whose markup holds more than
  :attr:`InputLimits.max_cells` cells is refused before it is parsed (:func:`count_cells`);
* pixels (image files, and scanned PDF pages rendered for OCR): an image of more than
  :attr:`InputLimits.max_megapixels` million pixels is refused before it is decoded
  (:func:`check_pixels`).

Each limit is a field of :class:`InputLimits` (``ReadSettings(limits=InputLimits(...))``) and an
environment variable (:data:`ENVIRONMENT`), read when the settings are made: a run's workers
inherit it. A worker's memory as a whole is bounded by :mod:`jixiao.batch.limits`.
"""

from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, fields

from jixiao.core.errors import FileTooLargeError

__all__ = [
    "DOCX_CELLS",
    "ENVIRONMENT",
    "RATIO_FLOOR_BYTES",
    "WORKER_MEMORY_VARIABLE",
    "XLSX_CELLS",
    "CellMarks",
    "InputLimits",
    "check_cells",
    "check_pixels",
    "check_zip",
    "count_cells",
    "limits_from_environment",
    "memory_error_text",
]

_MB = 1 << 20

#: Entries smaller than this inflate harmlessly whatever their ratio (a page of blank cells
#: compresses 1,000 times); the ratio is checked above it.
RATIO_FLOOR_BYTES = 4 * _MB

#: The environment variable of each limit (``InputLimits`` field → variable).
ENVIRONMENT: Mapping[str, str] = {
    "max_entry_mb": "JIXIAO_MAX_ENTRY_MB",
    "max_total_mb": "JIXIAO_MAX_TOTAL_MB",
    "max_ratio": "JIXIAO_MAX_ZIP_RATIO",
    "max_cells": "JIXIAO_MAX_CELLS",
    "max_megapixels": "JIXIAO_MAX_MEGAPIXELS",
}


@dataclass(frozen=True, slots=True)
class InputLimits:
    """What a file may hold before it is read (the defaults hold every real and generated
    自评表 file many times over; docs/inputs.md, Limits).

    ``max_entry_mb``: inflated size of one entry of a zip-based file (``.xlsx``, ``.docx``);
    ``max_total_mb``: of all its entries together; ``max_ratio``: inflated size over compressed
    size of an entry larger than :data:`RATIO_FLOOR_BYTES`; ``max_cells``: table cells in a
    web page, workbook or Word file; ``max_megapixels``: pixels of an image or of a scanned
    page, in millions.
    """

    max_entry_mb: int = 64
    max_total_mb: int = 256
    max_ratio: int = 200
    max_cells: int = 500_000
    max_megapixels: int = 64

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(
                    f"InputLimits.{item.name} must be a whole number >= 1, got {value!r} "
                    f"(environment variable {ENVIRONMENT[item.name]})"
                )

    def setting(self, name: str, unit: str) -> str:
        """A limit as a message names it: its value and how to raise it.

        >>> InputLimits().setting("max_ratio", "倍")
        '200 倍（可调大：环境变量 JIXIAO_MAX_ZIP_RATIO，或 InputLimits.max_ratio）'
        """
        return (
            f"{getattr(self, name):,} {unit}（可调大：环境变量 {ENVIRONMENT[name]}，"
            f"或 InputLimits.{name}）"
        )


def limits_from_environment(environ: Mapping[str, str] | None = None) -> InputLimits:
    """The limits, each from its environment variable when set (:data:`ENVIRONMENT`).

    >>> limits_from_environment({"JIXIAO_MAX_MEGAPIXELS": "200"}).max_megapixels
    200
    >>> limits_from_environment({"JIXIAO_MAX_CELLS": "many"})
    Traceback (most recent call last):
    ValueError: JIXIAO_MAX_CELLS must be a whole number >= 1, got 'many'
    """
    environ = os.environ if environ is None else environ
    values: dict[str, int] = {}
    for name, variable in ENVIRONMENT.items():
        text = environ.get(variable, "").strip()
        if not text:
            continue
        try:
            values[name] = int(text)
        except ValueError:
            raise ValueError(f"{variable} must be a whole number >= 1, got {text!r}") from None
    return InputLimits(**values)


#: The environment variable of a worker's memory ceiling (:mod:`jixiao.batch.limits`).
WORKER_MEMORY_VARIABLE = "JIXIAO_WORKER_MEMORY_MB"


def memory_error_text() -> str:
    """What a ``MemoryError`` met reading a file means: the process's memory ceiling, if it has
    one (a run's worker, :mod:`jixiao.batch.limits`), and how to raise it."""
    try:
        import resource  # noqa: PLC0415 - POSIX only

        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    except (ImportError, ValueError, OSError):
        soft = -1
    if soft < 0 or soft == getattr(resource, "RLIM_INFINITY", -1):
        return "out of memory reading the file (this process has no memory ceiling)"
    return (
        f"out of memory: the worker's memory ceiling of {soft // _MB} MB of address space "
        f"(RLIMIT_AS) was reached; raise it with {WORKER_MEMORY_VARIABLE} (MB the worker may "
        "map beyond its start; 0: no ceiling)"
    )


# -- zip-based files ----------------------------------------------------------------------------

_CHUNK = 1 << 16
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # zipfile's structFileHeader
_LOCAL_NAME_LENGTH, _LOCAL_EXTRA_LENGTH = 10, 11  # field indexes of the name's and extra's lengths


@dataclass(frozen=True, slots=True)
class CellMarks:
    """Where a zip-based form keeps its table cells and how a cell starts there: the entries
    whose names start with ``prefix`` and the bytes that open a cell in them."""

    what: str  # the form, as a message names it: 工作簿, Word 文档
    prefix: str
    markers: tuple[bytes, ...]


#: The cells of a workbook (``<c r="A1">`` in each sheet) and of a Word file (``<w:tc>``).
XLSX_CELLS = CellMarks("工作簿", "xl/worksheets/", (b"<c ", b"<c>"))
DOCX_CELLS = CellMarks("Word 文档", "word/document", (b"<w:tc>", b"<w:tc "))


def check_zip(data: bytes, *, file: str, limits: InputLimits, cells: CellMarks) -> None:
    """Refuse a zip-based file whose entries inflate past the limits, or that holds more table
    cells than :attr:`InputLimits.max_cells` (:class:`~jixiao.core.errors.FileTooLargeError`);
    a file that is not a zip is left to its reader, which says so.

    The central directory is checked first (each entry's declared size and ratio, their sum);
    then each entry is inflated in chunks and counted (and its cells, in the entries ``cells``
    names), and reading stops as soon as an entry gives more than it declared: a lying
    directory costs at most one chunk over the limit.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return
    with archive:
        entries = archive.infolist()
    declared_total = sum(entry.file_size for entry in entries)
    for entry in entries:
        _check_declared(entry, file, limits)
    if declared_total > limits.max_total_mb * _MB:
        raise FileTooLargeError(
            f"文件中各部分解压后共 {_mb(declared_total)} MB，超过上限 "
            f"{limits.setting('max_total_mb', 'MB')}",
            file=file,
            found=f"declared total {declared_total} bytes > max_total_mb",
        )
    count = 0
    for entry in entries:
        markers = cells.markers if entry.filename.startswith(cells.prefix) else ()
        count += count_cells(_inflated_chunks(data, entry, file), markers)
        check_cells(count, file=file, what=cells.what, limits=limits)


def _check_declared(entry: zipfile.ZipInfo, file: str, limits: InputLimits) -> None:
    size, packed = entry.file_size, max(entry.compress_size, 1)
    if size > limits.max_entry_mb * _MB:
        raise FileTooLargeError(
            f"文件中的 {entry.filename} 解压后有 {_mb(size)} MB，超过单个部分的上限 "
            f"{limits.setting('max_entry_mb', 'MB')}",
            file=file,
            found=f"{entry.filename}: declared {size} bytes > max_entry_mb",
        )
    if size > RATIO_FLOOR_BYTES and size > limits.max_ratio * packed:
        raise FileTooLargeError(
            f"文件中的 {entry.filename} 压缩比为 {size // packed} 倍（{_mb(packed)} MB 解压为 "
            f"{_mb(size)} MB），超过上限 {limits.setting('max_ratio', '倍')}，可能是压缩炸弹",
            file=file,
            found=f"{entry.filename}: ratio {size // packed} > max_ratio",
        )


def _inflated_chunks(data: bytes, entry: zipfile.ZipInfo, file: str) -> Iterator[bytes]:
    """One entry's bytes, inflated a chunk at a time; raises at the first byte past what the
    entry declared (its size was checked against the limits). A damaged entry ends early:
    its reader says it is damaged."""
    start = entry.header_offset
    header = data[start : start + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size or entry.compress_type not in _METHODS:
        return
    values = _LOCAL_HEADER.unpack(header)
    begin = start + _LOCAL_HEADER.size + values[_LOCAL_NAME_LENGTH] + values[_LOCAL_EXTRA_LENGTH]
    stream = memoryview(data)[begin : begin + entry.compress_size]
    if entry.compress_type == zipfile.ZIP_STORED:
        for offset in range(0, len(stream), _CHUNK):
            yield bytes(stream[offset : offset + _CHUNK])
        return
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    made = 0
    try:
        for offset in range(0, len(stream), _CHUNK):
            piece: bytes | memoryview = stream[offset : offset + _CHUNK]
            while piece:
                chunk = inflater.decompress(piece, _CHUNK)
                made += len(chunk)
                if made > entry.file_size:
                    raise FileTooLargeError(
                        f"文件中的 {entry.filename} 解压后超过它自己声明的 "
                        f"{_mb(entry.file_size)} MB（文件目录与内容不符，可能是压缩炸弹）",
                        file=file,
                        found=f"{entry.filename}: inflates past its declared "
                        f"{entry.file_size} bytes",
                    )
                yield chunk
                piece = inflater.unconsumed_tail
    except zlib.error:
        return


_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


def _mb(size: int) -> str:
    return f"{size / _MB:,.1f}".rstrip("0").rstrip(".")


# -- table cells --------------------------------------------------------------------------------


def count_cells(chunks: Iterable[bytes], markers: tuple[bytes, ...]) -> int:
    """How many times the cell markers (``b"<td"``, ``b"<c "`` …) occur in a stream of
    chunks, a marker split between two chunks counted once.

    >>> count_cells([b"<tr><td>1</t", b"d><t", b"d>2</td></tr>"], (b"<td",))
    2
    """
    count = 0
    carry = b""
    if not markers:
        for _ in chunks:  # still read: the stream checks what it gives
            pass
        return 0
    longest = max(len(m) for m in markers)
    for chunk in chunks:
        text = carry + chunk
        count += sum(text.count(marker) for marker in markers)
        carry = text[-(longest - 1) :] if longest > 1 else b""
        # a marker wholly inside the carry is counted again with the next chunk: not here
        count -= sum(carry.count(marker) for marker in markers)
    return count


def check_cells(count: int, *, file: str, what: str, limits: InputLimits) -> None:
    """Refuse a file of more table cells than :attr:`InputLimits.max_cells`."""
    if count > limits.max_cells:
        raise FileTooLargeError(
            f"{what}中有 {count:,} 个表格单元格，超过上限 {limits.setting('max_cells', '个')}",
            file=file,
            found=f"{count} cells > max_cells",
        )


# -- pixels -------------------------------------------------------------------------------------


def check_pixels(width: int, height: int, *, file: str, what: str, limits: InputLimits) -> None:
    """Refuse an image of more pixels than :attr:`InputLimits.max_megapixels` million.

    >>> check_pixels(60_000, 60_000, file="a.png", what="图像", limits=InputLimits())
    Traceback (most recent call last):
    jixiao.core.errors.FileTooLargeError: a.png: image 60000 x 60000 = 3600000000 pixels > ...
    """
    if width * height > limits.max_megapixels * 1_000_000:
        raise FileTooLargeError(
            f"{what}有 {width} × {height} = {width * height / 1e6:,.0f} 百万像素，超过上限 "
            f"{limits.setting('max_megapixels', '百万像素')}",
            file=file,
            found=f"image {width} x {height} = {width * height} pixels > max_megapixels",
        )
