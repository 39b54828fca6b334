"""The report's page images of a PDF's tables, rendered in a forked child while the reading
process goes on.

Rendering and encoding a table's page images takes about a sixth of a PDF's reading. The child
is forked when the first table part is found (a file without tables makes none) and works on
its own copy of the document (``fork`` copies the process, PDFium's state included), so no
PDFium call is ever shared between two threads (PDFium is not thread-safe) and no lock on
Python's interpreter (PNG encoding holds it) slows the reading. The reading process tells it
each table part's region as the page is read (:meth:`CropsAhead.ask`: the child renders it
while the next pages are read), then, once the grids are made, the regions the panes will show
(:meth:`CropsAhead.finish`: the child renders those it has not, while the tables are scored,
and sends them all). The batch runner asks for it only where a core is spare (fewer workers
than cores: ``jixiao run -j 1`` on two cores), and only from its own worker processes, which
run no threads: a fork in a process with threads (a notebook, a Dask worker) could copy a lock
held by a thread that is not copied.

The child renders with the function the reading process uses
(:func:`~jixiao.extract.readers.pdf.render.document_to_crops`) from a copy of its state, so its
images are the same bytes. Whatever it cannot give — a region it failed on, a child that
died, a pipe that broke — is rendered in the reading process as before, which says why a
region cannot be drawn. The child ends when it has sent its images, when the reading process
closes the pipe, or with the reading process (``PR_SET_PDEATHSIG`` where Linux has it).
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import pickle
import signal
import struct
from collections.abc import Iterable, Sequence
from typing import Any

import pypdfium2 as pdfium

from jixiao.core.pipes import read_exactly, write_all
from jixiao.extract.readers.pdf.render import document_to_crops
from jixiao.model.pane import Crop, Region

_PR_SET_PDEATHSIG = 1  # prctl option (linux/prctl.h)
_FAILED = 70  # the child's exit code when it could not send its images
_LENGTH = struct.Struct("!I")  # a message: its length, then a pickle
_ASK, _FINISH = "ask", "finish"
#: Pages the child keeps open between its regions (a table's pages are mostly consecutive).
_OPEN_PAGES = 8


class CropsAhead:
    """Page images of ``document`` at ``dpi`` rendered in a child process, forked when the
    first region is asked for (a file without tables makes none): :meth:`ask` and
    :meth:`finish` say which, :meth:`take` gives one (``None``: not rendered there, render it
    here), :meth:`close` ends the child."""

    __slots__ = ("_asks", "_crops", "_document", "_dpi", "_finished", "_pid", "_results", "_tried")

    def __init__(self, document: pdfium.PdfDocument, dpi: float) -> None:
        self._document = document
        self._dpi = dpi
        self._tried = False  # whether the child was forked (or could not be)
        self._pid: int | None = None
        self._asks: int | None = None  # this process writes the regions here …
        self._results: int | None = None  # … and reads the images here
        self._finished: tuple[Region, ...] | None = None
        self._crops: dict[Region, Crop] | None = None

    def ask(self, regions: Iterable[Region]) -> None:
        """Have the child render these regions now, if it can (a region the panes show in
        the end is sent again by :meth:`finish`; one they do not is wasted work)."""
        asked = tuple(regions)
        if self._finished is None and asked and self._started():
            self._send((_ASK, asked))

    def finish(self, regions: Sequence[Region]) -> None:
        """The regions the panes will show: the child renders those it has not and sends them
        all; no region is asked after this."""
        if self._finished is None:
            self._finished = tuple(regions)
            if self._finished and self._started():
                self._send((_FINISH, self._finished))
            self._close_asks()

    def _started(self) -> bool:
        """Fork the child the first time; whether it can be asked."""
        if not self._tried:
            self._tried = True
            forked = _fork(self._document, self._dpi)
            if forked is not None:
                self._pid, self._asks, self._results = forked
        return self._asks is not None

    def take(self, region: Region, dpi: float) -> Crop | None:
        """The child's image of ``region`` at ``dpi``, waiting for the child the first time
        (after :meth:`finish`); ``None`` when the child has none."""
        if dpi != self._dpi or self._finished is None:
            return None
        if self._crops is None:
            self._crops = self._collect(self._finished)
        return self._crops.get(region)

    def close(self) -> None:
        """End the child, whether or not its images were taken (idempotent)."""
        self._close_asks()
        if self._pid is not None:
            if self._crops is None:  # not waited for: not needed any more
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self._pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._pid, 0)
            self._pid = None
        if self._results is not None:
            os.close(self._results)
            self._results = None

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

    def _collect(self, regions: Sequence[Region]) -> dict[Region, Crop]:
        """The child's images by region, once it has ended; none if it failed."""
        if self._results is None or self._pid is None:
            return {}
        chunks = []
        try:
            while chunk := os.read(self._results, 1 << 20):
                chunks.append(chunk)
            _, status = os.waitpid(self._pid, 0)
            self._pid = None
        except OSError:
            return {}
        finally:
            os.close(self._results)
            self._results = None
        if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
            return {}
        try:
            made: list[Crop | None] = pickle.loads(b"".join(chunks))
        except Exception:  # a broken message is no image: rendered here instead
            return {}
        return {region: crop for region, crop in zip(regions, made, strict=False) if crop}


def crops_ahead(document: pdfium.PdfDocument, dpi: float) -> CropsAhead | None:
    """A child to render regions of the open ``document`` at ``dpi`` as it is asked (forked
    when first asked); ``None`` where this system has no ``fork``."""
    return CropsAhead(document, dpi) if hasattr(os, "fork") else None


def _fork(document: pdfium.PdfDocument, dpi: float) -> tuple[int, int, int] | None:
    """Fork the child: its pid, the end this process asks on and the end it reads the images
    from; ``None`` when there is no room for a process (the images are rendered here)."""
    _load_encoder()
    asks_read, asks_write = os.pipe()
    results_read, results_write = os.pipe()
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
        _child(document, dpi, parent, asks_read, results_write)
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
    document: pdfium.PdfDocument, dpi: float, parent: int, asks: int, results: int
) -> None:  # pragma: no cover - runs in the child, ends it
    status = _FAILED
    try:
        _die_with(parent)
        pages: dict[int, pdfium.PdfPage] = {}
        made: dict[Region, Crop | None] = {}
        while (message := _read(asks)) is not None:
            what, regions = message
            for region in regions:
                if region not in made:
                    made[region] = _render(document, region, dpi, pages)
            if what == _FINISH:
                _write(results, [made[region] for region in regions], framed=False)
                status = 0
                break
    finally:
        os._exit(status)


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


def _write(fd: int, message: Any, *, framed: bool = True) -> None:
    """Write a pickle of ``message`` to ``fd``, after its length when ``framed``."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    write_all(fd, _LENGTH.pack(len(data)) + data if framed else data)


def _read(fd: int) -> Any:  # pragma: no cover - runs in the child
    """The next framed message on ``fd``; ``None`` at its end (the reading process closed it)."""
    header = read_exactly(fd, _LENGTH.size)
    if header is None:
        return None
    data = read_exactly(fd, _LENGTH.unpack(header)[0])
    return None if data is None else pickle.loads(data)
