"""Half of a PDF's pages, and the report's page images of its tables, done in a forked child
while the reading process goes on.

The child works on its own copy of the open document (``fork`` copies the process, PDFium's
state included), so no PDFium call is ever shared between two threads (PDFium is not
thread-safe) and no lock on Python's interpreter (PNG encoding holds it) slows the reading.
The document must be open from the file's bytes in memory (``pdfium.PdfDocument(data)``, as
the PDF reader opens it), never from its path: PDFium reads a document opened from a path
through the file's descriptor, by a seek and then a read, and a forked child shares that
descriptor's offset with its parent, so the two processes reading at once can each read the
other's bytes ("Failed to load page", or a page that loads with parts missing: measured, 2
runs in 25 of a test that opened the file by its path; none in 40 from its bytes).

- **Pages** (:meth:`CropsAhead.read_pages`, a PDF of a few pages or more): the child is forked
  at the start of the pass and reads pages from the last one down, drawing the images of the
  tables it finds at once, while the reading process reads from the first one up. Each writes
  the page it has come to in a small shared map and reads the other's: they meet where each has
  done its share (its images counted in). The reading process takes what the child found on a
  page in that page's turn (:meth:`CropsAhead.page_read`); a stale read of the other's place
  only makes both read a page, never neither.
- **Images** (:meth:`CropsAhead.finish`, :meth:`CropsAhead.take`): once the grids are made, the
  child is sent the regions the panes will show, in the order they are taken; it sends them
  from the last one, each as it is drawn (those it drew while reading cost nothing), while the
  reading process scores the tables and then takes them from the first, drawing itself those
  the child has not come to (the same shared map). A short PDF's child is forked when its first
  table part is found (:meth:`CropsAhead.ask`: the child draws each part as its page is read;
  a file without tables makes none).

The batch runner asks for it only where a core is spare (fewer workers than cores:
``jixiao run -j 1`` on two cores), and only from its own worker processes, which run no
threads: a fork in a process with threads (a notebook, a Dask worker) could copy a lock held by
a thread that is not copied.

The child reads and draws with the functions the reading process uses, from a copy of its
state, so its pages and images are the same. Whatever it cannot give — a page or region it
failed on, a child that died, a pipe that broke — is read or drawn in the reading process as
before, which says why it cannot be. The child ends when it has sent its images, when the
reading process closes the pipe, or with the reading process (``PR_SET_PDEATHSIG`` where
Linux has it).
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import mmap
import os
import pickle
import select
import signal
import struct
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import pypdfium2 as pdfium

from jixiao.core.pipes import read_exactly, widen, write_all
from jixiao.extract.readers.pdf.render import document_to_crops
from jixiao.model.pane import Crop, Region

_PR_SET_PDEATHSIG = 1  # prctl option (linux/prctl.h)
_FAILED = 70  # the child's exit code when it could not send its images
_LENGTH = struct.Struct("!I")  # a message: its length, then a pickle
_ASK, _FINISH = "ask", "finish"  # this process's messages to the child
_PAGE, _CROP, _DONE = "page", "crop", "done"  # the child's: a page read, an image, no more
#: The size asked for the pipe of the child's pages and images (Linux): it need not wait for
#: this process to take them while this one scores the tables (a table's image: ~30 kB).
_RESULTS_PIPE_BYTES = 1 << 20
#: Pages the child keeps open between its regions (a table's pages are mostly consecutive).
_OPEN_PAGES = 8
#: Where the two processes have come to, shared: each writes its own place, then reads the
#: other's. This process goes up from the first page (and the first region of the panes), the
#: child down from the last; they meet where each has done its share. A stale read only makes
#: both do one page or region, never neither (and what the child gives up is done here).
_PLACE = struct.Struct("q")
_PAGE_HERE, _PAGE_THERE, _CROP_HERE, _CROP_THERE = (i * _PLACE.size for i in range(4))
#: What the child reads of one page: a result for :meth:`CropsAhead.page_read`, and the
#: regions of the tables it found there (rendered as the page is read).
PageReader = Callable[[int], tuple[Any, Sequence[Region]]]


class CropsAhead:
    """Page images of ``document`` at ``dpi`` rendered in a child process, forked when the
    first region is asked for (a file without tables makes none) or, to read half of the
    pages too, by :meth:`read_pages`: :meth:`ask` and :meth:`finish` say which, :meth:`take`
    gives one (``None``: not rendered there, render it here), :meth:`close` ends the child."""

    __slots__ = (
        "_asks",
        "_crops",
        "_crops_done",
        "_document",
        "_dpi",
        "_finished",
        "_index",
        "_pages",
        "_pages_done",
        "_pid",
        "_places",
        "_reads_pages",
        "_results",
        "_tried",
    )

    def __init__(self, document: pdfium.PdfDocument, dpi: float) -> None:
        self._document = document
        self._dpi = dpi
        self._tried = False  # whether the child was forked (or could not be)
        self._pid: int | None = None
        self._asks: int | None = None  # this process writes the regions here …
        self._results: int | None = None  # … and reads the pages and the images here
        self._places: mmap.mmap | None = None  # where each process has come to (_PLACE)
        self._pages: dict[int, Any] = {}  # what the child read, by page, not taken yet
        self._pages_done = True  # whether the child has stopped reading pages
        self._reads_pages = False  # whether it was forked to (then nothing is asked of it)
        self._finished: tuple[Region, ...] | None = None
        self._index: dict[Region, int] = {}  # a finished region's place in the list
        self._crops: dict[int, Crop | None] = {}  # what the child sent, by that place
        self._crops_done = False  # whether it has sent all it will

    def read_pages(self, count: int, read_page: PageReader) -> None:
        """Fork the child now, to read the pages of the document with ``read_page`` from the
        last one down, rendering the regions of the tables it finds, while this process reads
        them from the first up, until the two meet (:meth:`page_read`). Nothing where the
        child was forked already."""
        if not self._tried:
            self._tried = True
            self._fork((count, read_page))

    def page_read(self, number: int) -> Any | None:
        """What the child read of page ``number``, if it took that page (waiting for it);
        ``None``: this process reads it (the child takes no page from here on). Ask for the
        pages in order, each once."""
        places = self._places
        if places is None or (self._pages_done and not self._pages):
            return None
        _PLACE.pack_into(places, _PAGE_HERE, number)
        if number < _PLACE.unpack_from(places, _PAGE_THERE)[0]:
            return None
        while number not in self._pages and not self._pages_done:
            self._receive()
        return self._pages.pop(number, None)

    def ask(self, regions: Iterable[Region]) -> None:
        """Have the child render these regions now, if it can (a region the panes show in
        the end is sent again by :meth:`finish`; one they do not is wasted work). Not where
        it reads pages: it renders what it read, and meets this process in :meth:`finish`'s
        list."""
        asked = tuple(regions)
        if self._finished is None and asked and not self._reads_pages and self._started():
            self._send((_ASK, asked))

    def finish(self, regions: Sequence[Region]) -> None:
        """The regions the panes will show, in the order they are taken: the child renders
        them from the last up, sending each, while this process takes them from the first and
        renders those the child has not come to (:meth:`take`); no region is asked after this."""
        if self._finished is None:
            self._finished = tuple(regions)
            self._index = {region: i for i, region in enumerate(self._finished)}
            if self._finished and self._started():
                self._stop_pages()
                self._send((_FINISH, self._finished))
            self._close_asks()

    def take(self, region: Region, dpi: float) -> Crop | None:
        """The child's image of ``region`` at ``dpi`` (waiting for it, where the child has
        come to it); ``None``: render it here (the child has not come to it, or cannot)."""
        index = self._index.get(region) if dpi == self._dpi else None
        places = self._places
        if index is None or places is None or self._results is None:
            return None
        while index not in self._crops and _ready(self._results) and not self._crops_done:
            self._receive()  # what has come (a child never waits on a full pipe for long)
        if index in self._crops or self._crops_done:
            return self._crops.get(index)
        if index > _PLACE.unpack_from(places, _CROP_HERE)[0]:  # a region taken again: no
            _PLACE.pack_into(places, _CROP_HERE, index)
        if index < _PLACE.unpack_from(places, _CROP_THERE)[0]:
            return None
        while index not in self._crops and not self._crops_done:
            self._receive()
        return self._crops.get(index)

    def close(self) -> None:
        """End the child, whether or not its images were taken (idempotent)."""
        self._close_asks()
        if self._pid is not None:
            if not self._crops_done:  # not waited for: not needed any more
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self._pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._pid, 0)
            self._pid = None
        if self._results is not None:
            os.close(self._results)
            self._results = None
        if self._places is not None:
            self._places.close()
            self._places = None
        self._pages_done = self._crops_done = True

    def _started(self) -> bool:
        """Fork the child the first time; whether it can be asked."""
        if not self._tried:
            self._tried = True
            self._fork(None)
        return self._asks is not None

    def _fork(self, reading: tuple[int, PageReader] | None) -> None:
        try:
            places = mmap.mmap(-1, 4 * _PLACE.size)
        except OSError:  # no child: everything is done here
            return
        # nothing done yet: each is before its first (the child: past its last)
        _PLACE.pack_into(places, _PAGE_HERE, 0)
        _PLACE.pack_into(places, _PAGE_THERE, reading[0] + 1 if reading else 0)
        _PLACE.pack_into(places, _CROP_HERE, -1)
        _PLACE.pack_into(places, _CROP_THERE, 1 << 62)
        forked = _fork(self._document, self._dpi, places, reading)
        if forked is None:
            places.close()
            return
        self._pid, self._asks, self._results = forked
        self._places, self._pages_done = places, reading is None
        self._reads_pages = reading is not None

    def _stop_pages(self) -> None:
        """Have the child stop reading pages, and take what it read off the pipe (its images
        follow)."""
        if self._places is not None and not self._pages_done:
            _PLACE.pack_into(self._places, _PAGE_HERE, 1 << 62)  # past every page: it stops
            while not self._pages_done:
                self._receive()
        self._pages.clear()

    def _receive(self) -> None:
        """The child's next message: a page read, an image (or ``None``: it could not draw
        it), or that it has done all it will of either; a child gone has done all."""
        try:
            message = _read(self._results) if self._results is not None else None
        except Exception:  # a broken message: what is missing is done here
            message = None
        if message is None:
            self._pages_done = self._crops_done = True
            if self._pid is not None:  # gone, or sending what cannot be read: ended
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self._pid, signal.SIGKILL)
        elif message[0] == _PAGE:
            self._pages[message[1]] = message[2]
        elif message[0] == _CROP:
            self._crops[message[1]] = message[2]
        elif self._pages_done:
            self._crops_done = True
        else:
            self._pages_done = True
        if self._crops_done and self._pid is not None:  # it ends now: reaped
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._pid, 0)
            self._pid = None

    def _send(self, message: tuple[str, tuple[Region, ...]]) -> None:
        if self._asks is None:
            return
        try:
            _write(self._asks, message)
        except OSError:  # the child is gone: everything is rendered here
            self._close_asks()

    def _close_asks(self) -> None:
        if self._asks is not None:
            os.close(self._asks)
            self._asks = None


def crops_ahead(document: pdfium.PdfDocument, dpi: float) -> CropsAhead | None:
    """A child to render regions of the open ``document`` at ``dpi`` as it is asked (forked
    when first asked); ``None`` where this system has no ``fork``."""
    return CropsAhead(document, dpi) if hasattr(os, "fork") else None


def _fork(
    document: pdfium.PdfDocument,
    dpi: float,
    places: mmap.mmap,
    reading: tuple[int, PageReader] | None,
) -> tuple[int, int, int] | None:
    """Fork the child (``reading``: to read pages first, :meth:`CropsAhead.read_pages`): its
    pid, the end this process asks on and the end it reads the pages and images from; ``None``
    when there is no room for a process (the images are rendered here)."""
    _load_encoder()
    asks_read, asks_write = os.pipe()
    results_read, results_write = os.pipe()
    widen(results_write, _RESULTS_PIPE_BYTES)
    parent = os.getpid()
    try:
        pid = os.fork()
    except OSError:
        for end in (asks_read, asks_write, results_read, results_write):
            os.close(end)
        return None
    if pid == 0:  # pragma: no cover - the child; its images are checked by the tests
        os.close(asks_write)
        os.close(results_read)
        _child(document, dpi, parent, (asks_read, results_write, places), reading)
    os.close(asks_read)
    os.close(results_write)
    return pid, asks_write, results_read


@functools.cache
def _load_encoder() -> None:
    """Import Pillow and its PNG plugin in this process, once, before a child is forked: each
    child inherits them instead of importing them again (~40 ms a child, on the spare core
    that the main process's own loading shares at the first file)."""
    from PIL import Image  # noqa: PLC0415 - PDFium's bitmaps to PNG: once a page is drawn

    Image.preinit()


def _child(
    document: pdfium.PdfDocument,
    dpi: float,
    parent: int,
    ends: tuple[int, int, mmap.mmap],
    reading: tuple[int, PageReader] | None,
) -> None:  # pragma: no cover - runs in the child, ends it
    status = _FAILED
    asks, results, places = ends
    try:
        _die_with(parent)
        pages: dict[int, pdfium.PdfPage] = {}
        made: dict[Region, Crop | None] = {}

        def render(region: Region) -> Crop | None:
            if region not in made:
                made[region] = _render(document, region, dpi, pages)
            return made[region]

        if reading is not None:
            _read_pages(results, places, *reading, render)
        while (message := _read(asks)) is not None:
            what, regions = message
            if what == _ASK:
                for region in regions:
                    render(region)
                continue
            for index in range(len(regions) - 1, -1, -1):  # the last first: this process
                _PLACE.pack_into(places, _CROP_THERE, index)  # takes them from the first
                if index <= _PLACE.unpack_from(places, _CROP_HERE)[0]:
                    break
                _write(results, (_CROP, index, render(regions[index])))
            _write(results, (_DONE, 0, None))
            status = 0
            break
    finally:
        os._exit(status)


def _read_pages(
    results: int,
    places: mmap.mmap,
    count: int,
    read_page: PageReader,
    render: Callable[[Region], object],
) -> None:  # pragma: no cover - runs in the child
    """Read pages from the last down, each sent as it is read, then the regions of its tables
    rendered, until the reading process has come to the page: its rendering counts in where
    the two meet (a table's page images take about as long as reading its page)."""
    for number in range(count, 0, -1):
        _PLACE.pack_into(places, _PAGE_THERE, number)
        if number <= _PLACE.unpack_from(places, _PAGE_HERE)[0]:
            break  # the reading process has it
        try:
            result, regions = read_page(number)
            message = pickle.dumps((_PAGE, number, result), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # the reading process reads the page again, and says what is wrong
            message, regions = pickle.dumps((_PAGE, number, None)), ()
        write_all(results, _LENGTH.pack(len(message)) + message)
        for region in regions:
            render(region)
    _write(results, (_DONE, 0, None))


def _render(
    document: pdfium.PdfDocument, region: Region, dpi: float, pages: dict[int, pdfium.PdfPage]
) -> Crop | None:  # pragma: no cover - runs in the child
    """One region's image, its page kept open for the next regions; ``None`` on a failure
    (the reading process renders it again and says why) or a page the PDF does not have."""
    try:
        if region.page not in pages and 1 <= region.page <= len(document):
            if len(pages) >= _OPEN_PAGES:
                pages.pop(next(iter(pages))).close()
            pages[region.page] = document[region.page - 1]
        crops = document_to_crops(document, [region], dpi, pages=pages)
    except Exception:
        return None
    return crops[0] if crops else None


def _die_with(parent: int) -> None:  # pragma: no cover - runs in the child
    """Be killed when ``parent`` ends (Linux); exit now if it has ended already."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(_FAILED)


def _write(fd: int, message: Any) -> None:
    """Write a pickle of ``message`` to ``fd``, after its length."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    write_all(fd, _LENGTH.pack(len(data)) + data)


def _ready(fd: int) -> bool:
    """Whether ``fd`` has something to read now."""
    return bool(select.select([fd], [], [], 0)[0])


def _read(fd: int) -> Any:
    """The next framed message on ``fd``; ``None`` at its end (the reading process closed it)."""
    header = read_exactly(fd, _LENGTH.size)
    if header is None:
        return None
    data = read_exactly(fd, _LENGTH.unpack(header)[0])
    return None if data is None else pickle.loads(data)
