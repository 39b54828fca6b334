"""Source files → grids: one reader per form of document, behind one interface.

Every reader is a function ``(SourceFile, ReadSettings) → Reading`` in a module of its own: it
turns a file's bytes into :class:`~jixiao.model.grid.Grid` values (and the problems, page count
and 自评表 titles it met) and says how to show a table's source in the report
(:class:`~jixiao.model.pane.SourcePane`). What happens next — the layout reader, scoring, the
outputs and the report — is the same code for every form.

:data:`READERS` registers each reader by what it reads: the suffixes that claim its form, and,
for office documents, the first bytes (a ``.xls`` that is really a web page is read as one:
:func:`~jixiao.extract.readers.sniff.bytes_to_kind`). A new form is a new module with its
``read_…`` function and one :class:`Reader` line here; discovery (:data:`INPUT_SUFFIXES`), the
runner, the report and :func:`jixiao.open` take it from there.

A reader's module is imported when a file of its form is first read, not before: the PDF and
OCR stacks (pypdfium2, pdfplumber, OpenCV, onnxruntime) cost 0.3–1 s to import, which a run over
text files, and ``jixiao --help``, never pay.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from jixiao.core.errors import FileTooLargeError
from jixiao.extract.readers.crops import DEFAULT_DPI
from jixiao.extract.readers.limits import (
    InputLimits,
    limits_from_environment,
    memory_error_text,
)
from jixiao.extract.readers.pdf.settings import PdfSettings
from jixiao.extract.readers.sniff import bytes_to_kind
from jixiao.model.grid import Grid, Title
from jixiao.model.pane import SourcePane
from jixiao.model.source import Problem, Source

if TYPE_CHECKING:
    from types import TracebackType

__all__ = [
    "INPUT_SUFFIXES",
    "READERS",
    "PaneMaker",
    "ReadSettings",
    "Reader",
    "Reading",
    "SourceFile",
    "path_to_kind",
    "read_file",
    "reader_of",
]


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file to read: its bytes, where they came from (``path``: PDFium and the OCR read from
    it), the name it goes by in the outputs, and the kind of document it is."""

    data: bytes
    path: Path
    name: str
    kind: str


@dataclass(frozen=True, slots=True)
class ReadSettings:
    """How files are read: ``pdf`` (:class:`~jixiao.extract.readers.pdf.settings.PdfSettings`)
    for PDFs and scanned pages; ``limits``
    (:class:`~jixiao.extract.readers.limits.InputLimits`) what a file may hold before it is
    read, by default from the environment (``JIXIAO_MAX_ENTRY_MB`` …); ``render_ahead``: a
    PDF's page images for its panes are rendered in a forked child while the file is read and
    scored (:mod:`~jixiao.extract.readers.pdf.render_ahead`: only for a process that runs no
    other thread, on a machine with a core to spare)."""

    pdf: PdfSettings = field(default_factory=PdfSettings)
    limits: InputLimits = field(default_factory=limits_from_environment)
    render_ahead: bool = False


class PaneMaker(Protocol):
    """Makes a table's source pane from its grid, page images at ``dpi``."""

    def __call__(self, grid: Grid, dpi: float = DEFAULT_DPI) -> SourcePane: ...


def _no_pane(grid: Grid, dpi: float = DEFAULT_DPI) -> SourcePane:
    return SourcePane()


def _nothing() -> None:
    return None


@dataclass(frozen=True, slots=True)
class Reading:
    """What a reader made of one file, still open for its report material.

    ``grids``: every table the reader found, 自评表 or not (the runner decides); ``problems``:
    what it met reading the file (unreadable pages, a damaged file, an unsupported format);
    ``pages``: the page count (0 for forms without pages); ``titles``: the lines that title a
    自评表, for the census of tables; ``scanned``: the grids when some were read by OCR (a run
    keeps them, so that the report does not read the file by OCR again). ``pane`` makes a
    table's source pane while the file is open; ``close`` (or leaving a ``with`` block) lets
    the file go.
    """

    grids: tuple[Grid, ...]
    problems: tuple[Problem, ...] = ()
    pages: int = 0
    titles: tuple[Title, ...] = ()
    scanned: tuple[Grid, ...] = ()
    pane: PaneMaker = _no_pane
    close: Callable[[], None] = _nothing

    def __enter__(self) -> Reading:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class ReadFunction(Protocol):
    def __call__(self, source: SourceFile, settings: ReadSettings) -> Reading: ...


@dataclass(frozen=True, slots=True)
class Reader:
    """A form of document and the function that reads it.

    ``kinds``: the kinds of file it reads (``pdf``, ``html`` …: the first is the one its
    ``suffixes`` claim); ``function``: ``module:name`` of its read function, imported on first
    use; ``sniffed``: whether a file claiming this form is first asked what it really is by
    its bytes (office documents are often published under another suffix).
    """

    kinds: tuple[str, ...]
    suffixes: tuple[str, ...]
    function: str
    sniffed: bool = False

    def read(self, source: SourceFile, settings: ReadSettings) -> Reading:
        module, _, name = self.function.partition(":")
        read: ReadFunction = getattr(import_module(module), name)
        return read(source, settings)


_UNSUPPORTED = "jixiao.extract.readers.unsupported:read_unsupported_file"

#: Every form jixiao reads, by what it reads. The text reader also takes a file with a suffix
#: no reader claims (a file named on the command line is always read).
READERS: tuple[Reader, ...] = (
    Reader(("tsv",), (".txt", ".tsv"), "jixiao.extract.readers.text:read_text_file"),
    Reader(("pdf",), (".pdf",), "jixiao.extract.readers.pdf.reader:read_pdf_file"),
    Reader(
        ("image",),
        (".png", ".jpg", ".jpeg", ".tif", ".tiff"),
        "jixiao.extract.readers.scan.files:read_image_file",
    ),
    Reader(
        ("html",),
        (".html", ".htm", ".shtml", ".xhtml"),
        "jixiao.extract.readers.html:read_html_file",
        sniffed=True,
    ),
    Reader(
        ("xlsx",),
        (".xlsx", ".xlsm"),
        "jixiao.extract.readers.spreadsheet:read_xlsx_file",
        sniffed=True,
    ),
    Reader(("xls",), (".xls",), "jixiao.extract.readers.spreadsheet:read_xls_file", sniffed=True),
    Reader(("docx",), (".docx",), "jixiao.extract.readers.word:read_docx_file", sniffed=True),
    # formats jixiao cannot read: each is one problem that says how to convert the file
    Reader(("doc",), (".doc",), _UNSUPPORTED, sniffed=True),
    Reader(("wps",), (".wps",), _UNSUPPORTED, sniffed=True),
    Reader(("et",), (".et",), _UNSUPPORTED, sniffed=True),
    Reader(("encrypted", "spreadsheetml"), (), _UNSUPPORTED),  # only ever sniffed
)

_BY_SUFFIX = {suffix: reader.kinds[0] for reader in READERS for suffix in reader.suffixes}
_BY_KIND = {kind: reader for reader in READERS for kind in reader.kinds}
_FALLBACK_KIND = "tsv"

#: The suffixes (lower case) that discovery takes from a folder.
INPUT_SUFFIXES = frozenset(_BY_SUFFIX)


def path_to_kind(path: Path) -> str:
    """The kind of document a file's suffix claims (any case): ``pdf``, ``image``, ``html`` …,
    and ``tsv`` (text) for a suffix no reader claims.

    >>> path_to_kind(Path("报告/附件1.XLS")), path_to_kind(Path("a.jpeg")), path_to_kind(Path("a"))
    ('xls', 'image', 'tsv')
    """
    return _BY_SUFFIX.get(path.suffix.lower(), _FALLBACK_KIND)


def reader_of(kind: str) -> Reader:
    """The reader of a kind of document (the text reader for a kind no reader claims)."""
    return _BY_KIND.get(kind, _BY_KIND[_FALLBACK_KIND])


def read_file(
    data: bytes,
    *,
    path: Path,
    name: str,
    claimed: str | None = None,
    settings: ReadSettings | None = None,
) -> Reading:
    """Read one file's bytes with the reader of what it is: the kind its suffix claims
    (``claimed``, else :func:`path_to_kind`), or what its first bytes say for office
    documents. A reader says what it could not read as problems; a file that passes a limit
    (:mod:`jixiao.extract.readers.limits`) is one ``file_too_large`` problem; any other
    exception is a fault of the file or of jixiao, and the caller keeps it as a problem row."""
    claimed = claimed or path_to_kind(path)
    kind = bytes_to_kind(data, claimed) if reader_of(claimed).sniffed else claimed
    source = SourceFile(data, path, name, kind)
    try:
        return reader_of(kind).read(source, settings or ReadSettings())
    except FileTooLargeError as error:
        from jixiao.core.problems import make_problem  # noqa: PLC0415 - regex, 10 ms of start-up

        problem = make_problem(
            "file_too_large", f"{name} 未读取：{error.message_zh}", Source(name), found=error.found
        )
        return Reading((), (problem,))
    except MemoryError:  # past a worker's memory ceiling: said below, once the reader's
        pass  # frames (and what they hold) are let go with this exception
    raise MemoryError(memory_error_text())
