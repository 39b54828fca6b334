"""The report's page images of a PDF's tables, rendered in a forked child while the reading
process goes on (scoring, the other tables' material).

Rendering and encoding a table's page images takes about a sixth of a PDF's reading, and it
waits only for the grids: the child starts once they are found and works on a copy of the open
document (``fork`` copies the process, PDFium's state included), so no PDFium call is shared
between two threads (PDFium is not thread-safe) and no lock on Python's interpreter (PNG
encoding holds it) slows the reading. The batch runner asks for it only where a core is spare
(fewer workers than cores: ``jixiao run -j 1`` on two cores), and only from its own worker
processes, which run no threads: a fork in a process with threads (a notebook, a Dask worker)
could copy a lock held by a thread that is not copied.

The child renders with the same functions as the reading process would
(:func:`~jixiao.extract.readers.pdf.render.document_to_crops`), from the same state, so its
images are the same bytes. Whatever it cannot give — a region it failed on, a child that
died, a pipe that broke — is rendered in the reading process as before, which says why a
region cannot be drawn. The child ends when it has written its images; it is killed if the
reading process is (``PR_SET_PDEATHSIG`` where Linux has it) or closes the file first.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pickle
import signal
from collections.abc import Mapping, Sequence

import pypdfium2 as pdfium

from jixiao.extract.readers.pdf.render import document_to_crops
from jixiao.model.pane import Crop, Region

_PR_SET_PDEATHSIG = 1  # prctl option (linux/prctl.h)
_FAILED = 70  # the child's exit code when it could not write its images


class CropsAhead:
    """Page images of ``regions`` (at ``dpi``) being rendered in a child process; :meth:`take`
    gives one (``None``: not rendered there, render it here); :meth:`close` ends the child."""

    __slots__ = ("_crops", "_dpi", "_pid", "_read_end", "_regions")

    def __init__(self, pid: int, read_end: int, regions: Sequence[Region], dpi: float) -> None:
        self._pid: int | None = pid
        self._read_end: int | None = read_end
        self._regions = tuple(regions)
        self._dpi = dpi
        self._crops: dict[Region, Crop] | None = None

    def take(self, region: Region, dpi: float) -> Crop | None:
        """The child's image of ``region`` at ``dpi``, waiting for the child the first time;
        ``None`` when the child has none (another region or dpi, a failure)."""
        if dpi != self._dpi:
            return None
        if self._crops is None:
            self._crops = self._collect()
        return self._crops.get(region)

    def close(self) -> None:
        """End the child, whether or not its images were taken (idempotent)."""
        if self._pid is not None:
            if self._crops is None:  # not waited for: not needed any more
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self._pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._pid, 0)
            self._pid = None
        if self._read_end is not None:
            os.close(self._read_end)
            self._read_end = None

    def _collect(self) -> dict[Region, Crop]:
        """The child's images by region, once it has ended; none if it failed."""
        assert self._read_end is not None
        assert self._pid is not None
        chunks = []
        try:
            while chunk := os.read(self._read_end, 1 << 20):
                chunks.append(chunk)
            _, status = os.waitpid(self._pid, 0)
            self._pid = None
        except OSError:
            return {}
        finally:
            os.close(self._read_end)
            self._read_end = None
        if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
            return {}
        try:
            made: list[Crop | None] = pickle.loads(b"".join(chunks))
        except Exception:  # a broken message is no image: rendered here instead
            return {}
        return {region: crop for region, crop in zip(self._regions, made, strict=False) if crop}


def crops_ahead(
    document: pdfium.PdfDocument,
    regions: Sequence[Region],
    dpi: float,
    *,
    pages: Mapping[int, pdfium.PdfPage] | None = None,
) -> CropsAhead | None:
    """Start rendering ``regions`` of the open ``document`` in a forked child (``pages``: its
    pages open already, by number); ``None`` where there is nothing to render or no ``fork``."""
    if not regions or not hasattr(os, "fork"):
        return None
    read_end, write_end = os.pipe()
    parent = os.getpid()
    try:
        pid = os.fork()
    except OSError:  # no room for a process: rendered in this one
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # pragma: no cover - the child; its images are checked by the tests
        _child(document, regions, dpi, pages, parent, read_end, write_end)
    os.close(write_end)
    return CropsAhead(pid, read_end, regions, dpi)


def _child(
    document: pdfium.PdfDocument,
    regions: Sequence[Region],
    dpi: float,
    pages: Mapping[int, pdfium.PdfPage] | None,
    parent: int,
    read_end: int,
    write_end: int,
) -> None:  # pragma: no cover - runs in the child, ends it
    status = _FAILED
    try:
        os.close(read_end)
        _die_with(parent)
        made: list[Crop | None] = []
        for region in regions:
            try:
                (crop,) = document_to_crops(document, [region], dpi, pages=pages) or (None,)
            except Exception:  # the reading process renders it again and says why
                crop = None
            made.append(crop)
        data = pickle.dumps(made, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(data)
        while view:
            view = view[os.write(write_end, view) :]
        status = 0
    finally:
        os._exit(status)


def _die_with(parent: int) -> None:  # pragma: no cover - runs in the child
    """Be killed when ``parent`` ends (Linux); exit now if it has ended already."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(_FAILED)
