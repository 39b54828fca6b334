"""A ceiling on each worker's memory, so that a file that escapes the checks made before reading
(:mod:`jixiao.extract.readers.limits`) costs its own problem row, never the run or the machine.

At its start a worker (:mod:`jixiao.batch.pool`) caps its address space (``RLIMIT_AS``) at what
it maps then, plus an allowance: ``JIXIAO_WORKER_MEMORY_MB`` (``0``: no ceiling), by default
:func:`default_worker_memory_mb` (2,048 MB and 128 MB per CPU: each thread a library starts
reserves a stack and a malloc arena). An allocation past the ceiling fails: Python raises
``MemoryError``, the file gets one ``file_error`` row whose ``found`` names the limit
(:func:`jixiao.extract.readers.limits.memory_error_text`), and the worker reads the next file.

The ceiling counts virtual memory, not resident memory: PDFium, numpy and onnxruntime (for OCR)
reserve address space they never touch, and each thread reserves a stack and a malloc arena.
The allowance is above what a worker maps on every real and bundled file, OCR included
(docs/inputs.md, Limits, gives the measurement). Where there is no ``resource`` module
(Windows) there is no ceiling: files are read in the parent there, without workers.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from jixiao.extract.readers.limits import WORKER_MEMORY_VARIABLE

__all__ = [
    "BASE_WORKER_MEMORY_MB",
    "PER_CPU_WORKER_MEMORY_MB",
    "WORKER_MEMORY_VARIABLE",
    "default_worker_memory_mb",
    "limit_worker_memory",
    "worker_memory_mb",
]

#: Address space a worker may map beyond what it maps when it starts, in MB: this much …
BASE_WORKER_MEMORY_MB = 2048
#: … and this much more per CPU (threads that OpenCV or OpenBLAS start, one per CPU).
PER_CPU_WORKER_MEMORY_MB = 128


def default_worker_memory_mb() -> int:
    """The default allowance on this machine (2,304 MB on two CPUs)."""
    return BASE_WORKER_MEMORY_MB + PER_CPU_WORKER_MEMORY_MB * (os.cpu_count() or 1)


_MB = 1 << 20


def worker_memory_mb(environ: Mapping[str, str] | None = None) -> int:
    """The allowance from ``JIXIAO_WORKER_MEMORY_MB`` (``0``: no ceiling), else the default.

    >>> worker_memory_mb({}) == default_worker_memory_mb()
    True
    >>> worker_memory_mb({"JIXIAO_WORKER_MEMORY_MB": "0"})
    0
    >>> worker_memory_mb({"JIXIAO_WORKER_MEMORY_MB": "-1"})
    Traceback (most recent call last):
    ValueError: JIXIAO_WORKER_MEMORY_MB must be a whole number of MB >= 0, got '-1'
    """
    environ = os.environ if environ is None else environ
    text = environ.get(WORKER_MEMORY_VARIABLE, "").strip()
    if not text:
        return default_worker_memory_mb()
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise ValueError(
            f"{WORKER_MEMORY_VARIABLE} must be a whole number of MB >= 0, got {text!r}"
        )
    return value


def limit_worker_memory(allowance_mb: int | None = None) -> int | None:
    """Cap this process's address space at what it maps now plus ``allowance_mb`` (by default
    :func:`worker_memory_mb`); returns the ceiling in bytes, or None when there is none (an
    allowance of 0, no ``resource`` module, no way to know what is mapped). Never raises: an
    environment variable that cannot be read leaves the default."""
    try:
        allowance = worker_memory_mb() if allowance_mb is None else allowance_mb
    except ValueError:
        allowance = default_worker_memory_mb()
    mapped = _mapped_bytes()
    if not allowance or mapped is None:
        return None
    try:
        import resource  # noqa: PLC0415 - POSIX only
    except ImportError:
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    ceiling = mapped + allowance * _MB
    if hard != resource.RLIM_INFINITY:
        ceiling = min(ceiling, hard)
    if soft != resource.RLIM_INFINITY and soft < ceiling:
        return soft  # a lower ceiling set by whoever started the run stays
    try:
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))
    except (ValueError, OSError):
        return None
    return ceiling


def _mapped_bytes() -> int | None:
    """This process's address space (VmSize) in bytes; None where /proc is not there."""
    try:
        with open("/proc/self/statm", "rb") as handle:
            pages = int(handle.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")
