"""Whole messages through a pipe: a batch worker's files and results, and the page images a
PDF reader's child renders (:mod:`jixiao.batch.pool`,
:mod:`jixiao.extract.readers.pdf.render_ahead`)."""

from __future__ import annotations

import contextlib
import os


def read_exactly(fd: int, size: int) -> bytes | None:
    """``size`` bytes from ``fd``, None at end of file."""
    parts, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def write_all(fd: int, data: bytes) -> None:
    """All of ``data`` to ``fd`` (a pipe takes it in pieces)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def widen(pipe: int, size: int) -> None:
    """Ask for a pipe of ``size`` bytes (Linux's ``F_SETPIPE_SZ``; elsewhere, or beyond the
    system's limit, the pipe stays as it is)."""
    import fcntl  # noqa: PLC0415 - POSIX only, as fork is

    set_size = getattr(fcntl, "F_SETPIPE_SZ", None)
    if set_size is not None:
        with contextlib.suppress(OSError):
            fcntl.fcntl(pipe, set_size, size)
