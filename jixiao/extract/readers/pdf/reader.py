"""PDF → :class:`~jixiao.model.grid.Grid` values, one per 项目支出绩效自评表.

The pipeline, each step a small function whose result can be inspected:

1. ``page_to_scan`` (:mod:`jixiao.extract.readers.pdf.pages`, the one place pages are classified):
   the text of each page, and ``text_to_kind`` tells 自评表 candidates from prose and other
   financial tables, scans and garbled pages. The text is PDFium's where every font of the
   page is embedded, pdfminer's where one is not: PDFium needs the font program to place a
   character and drops what it cannot place, pdfminer reads codes, Unicode and widths from the
   PDF alone, so a page reads the same on any machine, whatever fonts it has installed (the
   rule and why: :mod:`jixiao.extract.readers.pdf.pages`);
2. on candidate pages and the pages their tables run onto, while the page is open (one pass,
   each page closed before the next: memory does not grow with pages):
   ``page_to_records`` + ``records_to_parts`` (those characters and PDFium's ruling through
   our table finder, ~15 ms a page): ruled cells with their text, title and year
   line; ``plumber_page_to_parts`` (pdfplumber, ~80 ms a page) where PDFium finds no ruled
   table, and ``camelot_page_to_parts`` where neither does;
3. ``parts_to_chains``: a table that has not reached its 总分 row continues on the next page;
4. ``chain_to_grid``: row/column boundaries by clustering, exact spans, one :class:`Grid`.

Bad files never raise: they come back as problems: ``unreadable_pdf`` (damaged, not a PDF,
password; or one page that fails to parse), ``scanned_page`` (image only), ``unreadable_text``
(``(cid:…)``, U+FFFD, control characters; per page, and per cell on the grid) and
``table_not_found`` (a page with 自评表 labels but no ruled table).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pypdfium2 as pdfium

from jixiao.core.errors import FileTooLargeError
from jixiao.core.problems import error_to_chinese, make_problem
from jixiao.core.vocabulary import is_self_evaluation, self_evaluation_title
from jixiao.extract.readers import Reading, ReadSettings, SourceFile
from jixiao.extract.readers.crops import DEFAULT_DPI, boxes_to_region, grid_to_regions
from jixiao.extract.readers.pdf.join import (
    chain_to_grid,
    chain_to_texts,
    is_closed,
    looks_continued,
    parts_to_chains,
)
from jixiao.extract.readers.pdf.pages import (
    PageKind,
    PageScan,
    TextSource,
    page_to_scan,
    page_to_source,
)
from jixiao.extract.readers.pdf.parts import TablePart, lines_to_heading
from jixiao.extract.readers.pdf.pdfium_tables import PageRecords, page_to_records, records_to_parts
from jixiao.extract.readers.pdf.playa_chars import (
    DocumentFrames,
    NotHandledError,
    PageFrame,
    open_document,
    playa_page_to_chars,
)
from jixiao.extract.readers.pdf.render import document_to_crops
from jixiao.extract.readers.pdf.render_ahead import CropsAhead, crops_ahead
from jixiao.extract.readers.pdf.settings import PdfSettings
from jixiao.extract.readers.pdf.text import Char, chars_without_fake_bold, is_unreadable
from jixiao.extract.readers.scan.read import (
    OCR_READER,
    OcrUnavailableError,
    grid_with_readings,
    pdf_page_to_scan,
)
from jixiao.model.grid import Grid, Title
from jixiao.model.pane import Crop, Region, SourcePane
from jixiao.model.source import Problem, Source

if TYPE_CHECKING:
    from jixiao.extract.readers.scan.page import ScanPage


@dataclass(frozen=True, slots=True)
class PdfExtraction:
    """What one PDF gave: its 自评表 grids, the file- and page-level problems, its page count,
    and the lines of its pages that title a 自评表 (page, text), for the census of tables."""

    grids: tuple[Grid, ...]
    problems: tuple[Problem, ...]
    pages: int
    titles: tuple[tuple[int, str], ...] = ()
    headings: frozenset[tuple[int, str]] = frozenset()  # titles that head other titles


@dataclass(slots=True)
class _Pass:
    """What the pdfplumber pass collects (internal)."""

    parts: list[TablePart] = field(default_factory=list)
    unreadable: list[int] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)
    titles: list[tuple[int, str]] = field(default_factory=list)
    headings: set[tuple[int, str]] = field(default_factory=set)
    tails: dict[int, tuple[str, ...]] = field(default_factory=dict)  # page → its last lines
    scans: list[ScanPage] = field(default_factory=list)  # scanned pages read by OCR
    ocr_error: str = ""  # why the OCR engine could not be loaded
    too_large: list[tuple[int, FileTooLargeError]] = field(default_factory=list)  # pages refused

    def add(self, other: _Pass) -> None:
        """What ``other`` found, after what this found (a page read ahead, in its turn)."""
        self.parts += other.parts
        self.unreadable += other.unreadable
        self.failed += other.failed
        self.titles += other.titles
        self.headings |= other.headings
        self.tails.update(other.tails)
        self.scans += other.scans
        self.ocr_error = self.ocr_error or other.ocr_error
        self.too_large += other.too_large


#: A PDF of this many pages or more is read on two cores where a child renders its page images
#: (:meth:`CropsAhead.read_pages`): the child reads pages from the last down while this
#: process reads from the first up. A shorter one is read here alone (a fork costs about as much
#: as reading a page).
PAGES_READ_AHEAD = 4


@dataclass(frozen=True, slots=True)
class _PageAhead:
    """A page classified, and read when it is a candidate, by the child that reads pages
    ahead (:meth:`CropsAhead.read_pages`): what each step found, for :func:`_read_pass` to
    take in the page's turn."""

    kind: PageKind | None  # None: the page could not be classified (``scanned.failed`` says why)
    scanned: _Pass
    read: _Pass | None  # None: not read there (not a candidate)


def read_pdf_file(source: SourceFile, settings: ReadSettings) -> Reading:
    """A PDF read into grids, with its 自评表 titles, left open so that a table's source pane
    renders the pages it spans (the reader registered for ``pdf``)."""
    try:
        document = pdfium.PdfDocument(source.data)
    except (pdfium.PdfiumError, OSError):
        document = None  # pdf_to_extraction says why, as a problem
    kept = KeptPages()
    ahead = (
        crops_ahead(document, DEFAULT_DPI)
        if settings.render_ahead and document is not None
        else None
    )
    try:
        extraction = pdf_to_extraction(
            source.path,
            display_name=source.name,
            settings=settings.pdf,
            document=document,
            kept=kept,
            ahead=ahead,
        )
    except BaseException:  # a MemoryError past a worker's ceiling: the child ends here too
        if ahead is not None:
            ahead.close()
        raise
    titles = tuple(
        Title(text.strip(), Source(source.name, page=page), (page, text) in extraction.headings)
        for page, text in extraction.titles
        if self_evaluation_title(text) is not None
    )
    grids = extraction.grids
    scanned = grids if any(grid.reader == OCR_READER for grid in grids) else ()
    if document is None:
        return Reading(grids, extraction.problems, extraction.pages, titles, scanned)
    if ahead is not None:  # what the panes show: the child renders it while tables are scored
        ahead.finish(list(dict.fromkeys(r for grid in grids for r in grid_to_regions(grid))))
    panes = _Panes(document, kept, ahead)
    return Reading(
        grids,
        extraction.problems,
        extraction.pages,
        titles,
        scanned,
        pane=panes.pane,
        close=panes.close,
    )


@dataclass(frozen=True, slots=True)
class _Panes:
    """The source panes of an open PDF's tables: taken from ``ahead`` where it rendered them
    (:mod:`~jixiao.extract.readers.pdf.render_ahead`), rendered when asked for otherwise;
    :meth:`close` lets the file go."""

    document: pdfium.PdfDocument
    kept: KeptPages
    ahead: CropsAhead | None = None

    def pane(self, grid: Grid, dpi: float = DEFAULT_DPI) -> SourcePane:
        return document_to_pane(self.document, grid, dpi, pages=self.kept.pages, ahead=self.ahead)

    def close(self) -> None:
        if self.ahead is not None:
            self.ahead.close()
        self.kept.close(self.document)


def document_to_pane(
    document: pdfium.PdfDocument,
    grid: Grid,
    dpi: float = DEFAULT_DPI,
    *,
    pages: Mapping[int, pdfium.PdfPage] | None = None,
    ahead: CropsAhead | None = None,
) -> SourcePane:
    """A table's source pane: the region of each page it spans, rendered from the open PDF
    (``pages``: pages open already, by number: rendered as they are, left open), or taken
    from ``ahead`` where it rendered them."""
    try:
        crops: list[Crop] = []
        for region in grid_to_regions(grid):
            crop = ahead.take(region, dpi) if ahead is not None else None
            crops += [crop] if crop else document_to_crops(document, [region], dpi, pages=pages)
        return SourcePane(crops=tuple(crops))
    except Exception as error:  # a page that cannot be rendered must not lose the file
        return SourcePane(note=f"无法渲染原页面：{type(error).__name__}: {error}")


#: Pages read for their tables stay open for the report's crops (one load a page, not two),
#: up to this many a file, and only while the pages kept hold this many page objects in all
#: (PDFium's parsed page takes ~0.1 MB for a page of a 自评表, ~0.2 kB an object): memory
#: stays bounded whatever the page count; a page past either bound is loaded again for its crops.
KEEP_PAGES = 32
KEEP_OBJECTS = 20_000


@dataclass(slots=True)
class KeptPages:
    """The pages of a file kept open after its read pass, for the crops of its tables, by
    number; they are closed with the file (:meth:`close`)."""

    pages: dict[int, pdfium.PdfPage] = field(default_factory=dict)
    objects: int = 0  # page objects of the pages kept (top level)

    def keep(self, number: int, page: pdfium.PdfPage) -> bool:
        """Keep ``page`` open, if the bounds allow (else the caller closes it)."""
        if number in self.pages or len(self.pages) >= KEEP_PAGES:
            return False
        count = max(pdfium.raw.FPDFPage_CountObjects(page.raw), 0)
        if self.objects + count > KEEP_OBJECTS:
            return False
        self.pages[number] = page
        self.objects += count
        return True

    def close(self, document: pdfium.PdfDocument | None = None) -> None:
        """Close the pages kept, then ``document`` (the file they belong to), if given."""
        for page in self.pages.values():
            page.close()
        self.pages.clear()
        self.objects = 0
        if document is not None:
            document.close()


def pdf_to_grids(path: str | Path, *, display_name: str | None = None) -> list[Grid]:
    """The 自评表 grids of a PDF (see :func:`pdf_to_extraction` for the problems too)."""
    return list(pdf_to_extraction(path, display_name=display_name).grids)


def pdf_to_page_kinds(path: str | Path) -> list[PageKind]:
    """What each page looks like to the page finder (for inspection; raises on bad files)."""
    return [scan.kind for scan in pdf_to_scans(path)]


def pdf_to_scans(path: str | Path) -> list[PageScan]:
    """Each page's text as the page finder sees it, and whose characters it is (raises on bad
    files)."""
    sources = _Sources(Path(path), pdfium.PdfDocument(str(path)), PdfSettings())
    try:
        scans: list[PageScan] = []
        for number in range(1, len(sources.doc) + 1):
            opened = _Open.of(sources, number)
            try:
                scans.append(opened.scan())
            finally:
                opened.close()
        return scans
    finally:
        sources.close()


def pdf_to_extraction(
    path: str | Path,
    *,
    display_name: str | None = None,
    settings: PdfSettings | None = None,
    document: pdfium.PdfDocument | None = None,
    kept: KeptPages | None = None,
    ahead: CropsAhead | None = None,
) -> PdfExtraction:
    """Read every 自评表 of a PDF; never raises for a bad file.

    ``document``: the file already open in PDFium; it is read from and left open (the caller
    renders from it while it is open: one pass per file). ``kept``: where the pages read for
    their tables are kept open for their crops (with ``document`` only: the caller closes
    them, before the document). ``ahead``: a child rendering the report's page images, told
    each table part's region as its page is read; ``document`` must then be open from the
    file's bytes, not its path (:mod:`~jixiao.extract.readers.pdf.render_ahead` says why)."""
    path = Path(path)
    name = display_name or path.name
    settings = settings or PdfSettings()
    try:
        if document is not None:
            doc = document
        else:  # from its bytes where a child forks: no file offset shared with it
            doc = pdfium.PdfDocument(path.read_bytes() if ahead is not None else str(path))
    except (pdfium.PdfiumError, OSError) as error:
        return PdfExtraction((), (unreadable_pdf_problem(name, error),), 0)
    owns_doc = document is None  # pages are kept open only in a document the caller closes
    sources = _Sources(
        path, doc, settings, owns_doc=owns_doc, kept=None if owns_doc else kept, ahead=ahead
    )
    kinds: list[PageKind] = []
    n_pages = len(doc)
    if ahead is not None and n_pages >= PAGES_READ_AHEAD:
        mine = _Sources(path, doc, settings, owns_doc=False)  # the child's: nothing open yet
        _open_first_page(sources, mine)
        ahead.read_pages(n_pages, functools.partial(_page_ahead, mine))
    try:
        found = _read_pass(sources, kinds)
    except Exception as error:  # pdfminer raises many kinds of errors on damaged files
        problems = kinds_to_problems(kinds, name)
        return PdfExtraction((), (*problems, unreadable_pdf_problem(name, error)), n_pages)
    finally:
        sources.close()
    candidates = [i + 1 for i, kind in enumerate(kinds) if kind is PageKind.TABLE]
    problems = kinds_to_problems(kinds, name, found.scans, found.ocr_error)
    problems += pass_to_problems(found, name)
    problems += missing_tables_to_problems(candidates, found, name)
    parts = parts_with_tails(found.parts, found.tails)
    chains = [
        chain for chain in parts_to_chains(parts) if is_self_evaluation(chain_to_texts(chain))
    ]
    grids = tuple(grid_with_readings(chain_to_grid(chain, name), found.scans) for chain in chains)
    headings = frozenset(found.headings)
    return PdfExtraction(grids, tuple(problems), n_pages, tuple(found.titles), headings)


def parts_with_tails(
    parts: Sequence[TablePart], tails: Mapping[int, tuple[str, ...]]
) -> list[TablePart]:
    """The first table of a page takes the title and year lines that end the page before
    (``tails``, :func:`~jixiao.extract.readers.pdf.pages.lines_to_tail`) when it has no heading
    of its own: a title printed at the bottom of a page whose table starts on the next."""
    out: list[TablePart] = []
    for part in parts:
        tail = tails.get(part.page - 1, ())
        first = not out or out[-1].page != part.page
        if first and tail and not part.has_heading:
            title, year, _ = lines_to_heading(list(tail))
            out.append(replace(part, title=title, year_text=year, title_page=part.page - 1))
        else:
            out.append(part)
    return out


@dataclass(slots=True)
class _Sources:
    """The open documents of one file: PDFium's, and pdfplumber's once a page needs it."""

    path: Path
    doc: pdfium.PdfDocument
    settings: PdfSettings
    plumber: Any = None
    owns_doc: bool = True  # False: the caller opened ``doc`` and closes it
    plumber_error: Exception | None = None
    playa: Any = None  # the file open in PLAYA, once a page needs characters from the PDF alone
    playa_failed: bool = False
    frames: DocumentFrames | None = None  # where pdfplumber places each page, from PLAYA's
    kept: KeptPages | None = None  # pages kept open for their crops (None: none are)
    ahead: CropsAhead | None = None  # a child rendering the crops, told of each part
    first: _Open | None = None  # the first page, opened before the child was forked

    def page_read_ahead(self, number: int) -> _PageAhead | None:
        """What the child reading pages ahead found on page ``number``, if it took the page;
        ``None``: read it here."""
        early = self.ahead.page_read(number) if self.ahead is not None else None
        return early if isinstance(early, _PageAhead) else None

    def open_page(self, number: int) -> _Open:
        """Page ``number`` open in PDFium: the first page as it was opened before the child
        was forked, if it was."""
        first, self.first = self.first, None
        if first is not None and first.number == number:
            return first
        if first is not None:
            first.close()
        return _Open.of(self, number)

    def found_parts(self, parts: Sequence[TablePart]) -> None:
        """Parts read on a page: their regions are rendered ahead, where a child does that."""
        if self.ahead is not None and parts:
            self.ahead.ask(boxes_to_region(p.page, (c.bbox for c in p.cells)) for p in parts)

    def pdf_chars(self, number: int) -> list[Char]:
        """A page's characters from the PDF alone (no font program), fake bold removed, as
        pdfminer reads them: by PLAYA, in about a third of the time, or by pdfminer where
        PLAYA cannot (:mod:`jixiao.extract.readers.pdf.playa_chars`)."""
        if not self.playa_failed:
            try:
                if self.playa is None:
                    self.playa = open_document(self.path)
                chars = playa_page_to_chars(self.playa.pages[number - 1], self._frame(number))
            except Exception:  # PLAYA refused the page or failed: pdfminer reads it (and says why)
                self.playa_failed = self.playa is None  # the file itself: not tried again
            else:
                return chars_without_fake_bold(chars)
        from jixiao.extract.readers.pdf import plumber_tables  # noqa: PLC0415 - when a page needs it

        return plumber_tables.plumber_page_to_chars(self.plumber_page(number))

    def _frame(self, number: int) -> PageFrame:
        """Where pdfplumber places page ``number``: from PLAYA's page attributes, or from
        pdfplumber where they are not plain numbers."""
        if self.frames is None:
            self.frames = DocumentFrames(self.playa)
        try:
            return self.frames.frame(number)
        except NotHandledError:
            return PageFrame.of_plumber_page(self.plumber_page(number))

    def plumber_page(self, number: int) -> Any:
        if self.plumber_error is not None:
            raise self.plumber_error
        if self.plumber is None:
            import pdfplumber  # noqa: PLC0415 - pdfplumber and pdfminer (~60 ms): a page that needs them

            try:
                self.plumber = pdfplumber.open(str(self.path))
            except Exception as error:  # pdfminer raises many kinds of errors on damaged files
                self.plumber_error = error
                raise
        return self.plumber.pages[number - 1]

    def release(self, number: int) -> None:
        """Drop what pdfplumber cached for a page (memory must not grow with pages)."""
        if self.plumber is not None:
            self.plumber.pages[number - 1].close()

    def close(self) -> None:
        if self.first is not None:  # the pass ended before it came to the first page
            self.first.close()
            self.first = None
        if self.plumber is not None:
            self.plumber.close()
        if self.playa is not None:
            self.playa.close()
        if self.owns_doc:
            self.doc.close()


@dataclass(slots=True)
class _Open:
    """One page open in PDFium, whose characters it is read with, and pdfminer's characters
    once they are needed (internal)."""

    sources: _Sources
    number: int
    page: pdfium.PdfPage
    textpage: pdfium.PdfTextPage | None  # None: the page's characters are pdfminer's
    source: TextSource
    miner: list[Char] | None = None

    @classmethod
    def of(cls, sources: _Sources, number: int) -> _Open:
        page = sources.doc[number - 1]
        try:
            source = page_to_source(page)
            textpage = page.get_textpage() if source is TextSource.PDFIUM else None
        except Exception:
            page.close()
            raise
        return cls(sources, number, page, textpage, source)

    def miner_chars(self) -> list[Char]:
        """pdfminer's characters of the page, fake bold removed (read once)."""
        if self.miner is None:
            self.miner = self.sources.pdf_chars(self.number)
        return self.miner

    def scan(self) -> PageScan:
        return page_to_scan(self.page, self.textpage, self.number, self.miner_chars, self.source)

    def records(self) -> PageRecords:
        """Characters and ruling, the characters from :attr:`source`."""
        chars = self.miner_chars() if self.source is TextSource.PDFMINER else None
        return page_to_records(self.page, self.textpage, chars)

    def close(self, *, keep: bool = False) -> None:
        """Close the page (``keep``: keep it open for its crops, where the bounds allow)."""
        if self.textpage is not None:
            self.textpage.close()
        kept = self.sources.kept
        if not (keep and kept is not None and kept.keep(self.number, self.page)):
            self.page.close()
        if self.miner is not None:
            self.sources.release(self.number)


def _pdfium_parts(opened: _Open) -> tuple[list[TablePart], bool]:
    """Parts of one page found by PDFium's ruling, and whether its text is unreadable."""
    records = opened.records()
    if is_unreadable("".join(str(c["text"]) for c in records.chars)):
        return [], True
    return records_to_parts(records, opened.number), False


def _plumber_parts(
    sources: _Sources, number: int, *, check_text: bool
) -> tuple[list[TablePart], bool]:
    """Parts of one page read with pdfplumber (camelot where allowed and needed)."""
    from jixiao.extract.readers.pdf import plumber_tables  # noqa: PLC0415 - when a page needs it

    page = sources.plumber_page(number)
    reader = sources.settings.reader
    try:
        if check_text and is_unreadable("".join(str(c["text"]) for c in page.chars)):
            return [], True
        parts: list[TablePart] = []
        if reader in ("auto", "pdfplumber"):
            parts = plumber_tables.plumber_page_to_parts(page, number)
        if not parts and reader in ("auto", "camelot"):
            try:
                parts = plumber_tables.camelot_page_to_parts(sources.path, page, number)
            except Exception:  # camelot's own failures: the page is reported as table_not_found
                parts = []
        return parts, False
    finally:
        page.close()


def _page_parts(opened: _Open) -> tuple[list[TablePart], bool]:
    """Parts on one page, and whether its text is unreadable.

    ``auto``: PDFium's ruling first; pdfplumber, then camelot, only on a page where it finds
    no table.
    """
    sources, number = opened.sources, opened.number
    reader = sources.settings.reader
    if reader in ("auto", "pdfium"):
        parts, unreadable = _pdfium_parts(opened)
        if parts or unreadable or reader == "pdfium":
            return parts, unreadable
        return _plumber_parts(sources, number, check_text=False)
    return _plumber_parts(sources, number, check_text=True)


def _read_page(
    sources: _Sources, number: int, found: _Pass, opened: _Open | None = None
) -> list[TablePart]:
    """Read one page into ``found`` (opened here unless the caller has it open; then kept
    open for its crops when it has tables)."""
    parts: list[TablePart] = []
    try:
        if opened is not None:
            parts, unreadable = _page_parts(opened)
        else:
            own = _Open.of(sources, number)
            try:
                parts, unreadable = _page_parts(own)
            finally:
                own.close(keep=bool(parts))
    except Exception as error:  # one bad page must not lose the others
        found.failed.append((number, f"{type(error).__name__}: {error}"))
        return []
    if unreadable:
        found.unreadable.append(number)
    found.parts += parts
    sources.found_parts(parts)
    return parts


def _read_scanned(page: pdfium.PdfPage, number: int, found: _Pass) -> list[TablePart]:
    """The OCR hook: read a scanned page's ruled tables into ``found``; returns its parts."""
    if found.ocr_error:
        return []
    try:
        scan = pdf_page_to_scan(page, number)
    except OcrUnavailableError as error:
        found.ocr_error = str(error)
        return []
    except FileTooLargeError as error:  # past the pixel limit: said as such, with the setting
        found.too_large.append((number, error))
        return []
    except Exception as error:  # one bad page must not lose the others
        found.failed.append((number, f"{type(error).__name__}: {error}"))
        return []
    found.scans.append(scan)
    found.parts += scan.parts
    return list(scan.parts)


def _scan(opened: _Open, found: _Pass) -> PageKind | None:
    """Classify one page; ``None`` for a page pdfminer cannot parse (a failed page)."""
    try:
        scan = opened.scan()
        found.titles += [(opened.number, title) for title in scan.titles]
        found.headings |= {(opened.number, title) for title in scan.headings}
        if scan.tail:
            found.tails[opened.number] = scan.tail
        return scan.kind
    except Exception as error:  # pdfminer raises many kinds of errors on damaged pages
        found.failed.append((opened.number, f"{type(error).__name__}: {error}"))
        return None


def _open_first_page(sources: _Sources, child: _Sources) -> None:
    """Open the first page before the child that reads pages ahead is forked (this process
    reads it first anyway), and where its characters are pdfminer's, read them now, so the
    child starts with PLAYA loaded and the file open in it, its fonts and CMaps read
    (~80 ms the first time in a process, ~5 ms a file after). PLAYA reads the file through a
    read-only map: each process goes on with its own copy. Whatever fails here is left for the
    pass to meet again, in its place."""
    try:
        opened = sources.first = _Open.of(sources, 1)
    except Exception:  # the pass opens it again, and says what is wrong
        return
    if opened.source is TextSource.PDFMINER:
        with contextlib.suppress(Exception):
            opened.miner_chars()
        child.playa, child.frames = sources.playa, sources.frames


def _page_ahead(sources: _Sources, number: int) -> tuple[_PageAhead | None, list[Region]]:
    """Page ``number`` classified, and read when it is a candidate, with the regions of its
    tables; ``None`` for a scanned page (OCR is left to the reading process). What the child
    that reads pages ahead does with each of its pages."""
    opened = _Open.of(sources, number)
    parts: list[TablePart] = []
    try:
        scanned = _Pass()
        kind = _scan(opened, scanned)
        if kind is PageKind.SCANNED:
            return None, []
        read = None
        if kind is PageKind.TABLE:
            read = _Pass()
            parts = _read_page(sources, number, read, opened)
        regions = [boxes_to_region(p.page, (c.bbox for c in p.cells)) for p in parts]
        return _PageAhead(kind, scanned, read), regions
    finally:
        opened.close()


def _read_pass(sources: _Sources, kinds: list[PageKind]) -> _Pass:
    """One pass over the pages: classify each, and read it while it is open when it is a
    candidate or an open table runs onto it; every page is closed before the next is opened.

    A table that has not reached its 总分 row continues on the next page (at most
    ``max_continuation`` pages). A candidate page whose first table looks like a continuation
    makes the page before it read too (a table that starts at the bottom of a page, below
    prose): that page is opened again.

    Where a child reads pages ahead (:meth:`CropsAhead.read_pages`, from the last page down),
    a page it took is not opened here: what it found is taken in the page's turn, and the page
    is read here only if it must be and the child did not (a page an open table runs onto).
    """
    found = _Pass()
    done: set[int] = set()
    follow: int | None = None  # pages the open table has run onto so far; None: no open table
    for number in range(1, len(sources.doc) + 1):
        early = sources.page_read_ahead(number)
        opened = sources.open_page(number) if early is None else None
        parts: list[TablePart] = []
        try:
            if early is None:
                kind = _scan(opened, found) if opened is not None else None
            else:
                kind = early.kind
                found.add(early.scanned)
            kinds.append(kind or PageKind.OTHER)
            if kind is None:  # not read: an open table cannot run on over it
                follow = None
                continue
            scanned = kind is PageKind.SCANNED and sources.settings.ocr
            if kind is not PageKind.TABLE and follow is None and not scanned:
                continue
            continuing, run = follow is not None, follow or 0
            done.add(number)
            if early is not None and early.read is not None:  # its images drawn there too
                found.add(early.read)
                parts = list(early.read.parts)
            elif scanned and opened is not None:  # the child leaves scanned pages to this one
                parts = _read_scanned(opened.page, number, found)
            else:
                parts = _read_page(sources, number, found, opened)
        finally:
            if opened is not None:
                opened.close(keep=bool(parts))  # a page with tables: open for their crops
        if (
            not continuing
            and parts
            and looks_continued(parts[0])
            and number - 1 not in done
            and number > 1
        ):
            done.add(number - 1)
            _read_page(sources, number - 1, found)
        closed = not parts or is_closed(parts[-1])
        follow = None if closed or run >= sources.settings.max_continuation else run + 1
    found.parts.sort(key=lambda p: (p.page, p.bbox[1]))
    return found


# -- problems ---------------------------------------------------------------------------------


def unreadable_pdf_problem(name: str, error: BaseException) -> Problem:
    """The whole file could not be opened (the library's error, in English, in ``found``)."""
    text = str(error) or type(error).__name__
    reason = error_to_chinese(f"{type(error).__name__}: {text}")
    if reason.startswith("未预期的错误"):
        reason = "文件已损坏或不是PDF文件"
    return make_problem(
        "unreadable_pdf", f"无法读取PDF文件 {name}：{reason}", Source(name), found=text
    )


def _pages_text(pages: Sequence[int]) -> str:
    return "、".join(f"第{p}页" for p in pages)


def kinds_to_problems(
    kinds: Sequence[PageKind], name: str, scans: Sequence[ScanPage] = (), ocr_error: str = ""
) -> list[Problem]:
    """Scanned pages (a note when OCR read a table on it, else a warning) and pages whose text
    does not decode (one problem)."""
    read = {scan.number for scan in scans if scan.parts}
    looked = {scan.number for scan in scans}
    problems = [
        scanned_page_problem(name, i + 1, read=i + 1 in read, looked=i + 1 in looked, why=ocr_error)
        for i, kind in enumerate(kinds)
        if kind is PageKind.SCANNED
    ]
    garbled = [i + 1 for i, kind in enumerate(kinds) if kind is PageKind.UNREADABLE]
    if garbled:
        problems.append(unreadable_text_problem(name, garbled))
    return problems


def scanned_page_problem(name: str, page: int, *, read: bool, looked: bool, why: str) -> Problem:
    """A page that is an image: read by OCR (``ocr_page``, a note), or why its table was not
    read (``scanned_page``)."""
    head = f"{name} 第{page}页只有图像、没有文字层（扫描页）"
    if read:
        return make_problem("ocr_page", f"{head}，已用文字识别（OCR）读取", Source(name, page=page))
    if looked:
        message = f"{head}，未找到带表格线的表格，未读取"
    elif why:  # the recognizer's own (English) reason stays in found
        message = f"{head}，文字识别（OCR）不可用，其中的表格未读取"
    else:
        message = f"{head}，其中的表格未读取"
    return make_problem("scanned_page", message, Source(name, page=page), found=why)


def unreadable_text_problem(name: str, pages: Sequence[int]) -> Problem:
    return make_problem(
        "unreadable_text",
        f"{name} {_pages_text(pages)}的文字无法解码（字体缺少文字编码映射，或是乱码），"
        "其中的表格未读取",
        Source(name, page=pages[0]),
        found=",".join(str(p) for p in pages),
    )


def missing_tables_to_problems(candidates: Sequence[int], found: _Pass, name: str) -> list[Problem]:
    """Candidate pages on which no ruled table was found (a table drawn without lines)."""
    read = {part.page for part in found.parts} | set(found.unreadable)
    read |= {page for page, _ in (*found.failed, *found.too_large)}
    return [
        make_problem(
            "table_not_found",
            f"{name} 第{page}页有自评表的栏目名称，但没有找到带表格线的表格，未读取",
            Source(name, page=page),
        )
        for page in candidates
        if page not in read
    ]


def pass_to_problems(found: _Pass, name: str) -> list[Problem]:
    problems: list[Problem] = []
    if found.unreadable:
        problems.append(unreadable_text_problem(name, found.unreadable))
    problems += [
        make_problem(
            "unreadable_pdf",
            f"{name} 第{page}页无法解析（{error_to_chinese(error)}）",
            Source(name, page=page),
            found=error,
        )
        for page, error in found.failed
    ]
    problems += [
        make_problem(
            "file_too_large",
            f"{name} 第{page}页未读取：{error.message_zh}",
            Source(name, page=page),
            found=error.found,
        )
        for page, error in found.too_large
    ]
    return problems
