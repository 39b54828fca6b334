"""The exceptions jixiao raises, in one tree.

::

    JixiaoError                      base of everything jixiao raises on purpose
    ├── InputError                   a file cannot be read at all (missing, binary, empty)
    │   └── FileTooLargeError        a file passes a limit checked before it is read
    ├── NoInputsError(ValueError)    the paths given hold no file jixiao reads
    │   └── InputNotFoundError       a path given does not exist; also a FileNotFoundError,
    │       (FileNotFoundError)      as pandas and pdfplumber raise for a missing path
    ├── ParseError(ValueError)       a piece of text cannot be understood
    │   └── NumberParseError         '12.3.4' is not a number
    ├── PolicyError(ValueError)      a scoring policy file is missing or invalid
    ├── ColumnWordsError(ValueError) a column words file ($JIXIAO_COLUMN_WORDS) is invalid
    ├── OutputError                  the output directory cannot be written
    ├── OcrUnavailableError          the text recognizer for scanned pages cannot be loaded
    └── ClusterError                 a Dask scheduler cannot be used (absent, unreachable,
                                     another jixiao version on its workers)

Every error carries the raw text and, when known, the :class:`~jixiao.model.source.Source` it came
from, so a message reads like ``cannot parse number '12.3.4' (seed.txt line 17, col 7)``.
Inside a batch run these errors never escape: the runner turns them into ``problems`` rows.
"""

from __future__ import annotations

import errno
from collections.abc import Sequence

from jixiao.model.source import Source


class JixiaoError(Exception):
    """Base class of every exception jixiao raises on purpose."""


class InputError(JixiaoError):
    """A whole input file cannot be read (missing, empty, binary, undecodable)."""

    def __init__(self, message: str, *, file: str, code: str) -> None:
        super().__init__(f"{file}: {message}")
        self.file = file
        self.code = code


class FileTooLargeError(InputError):
    """A file passes a limit checked before it is read (a zip entry that inflates too far, too
    many table cells, too many pixels): ``message_zh`` names the limit and the setting that
    raises it; the code is ``file_too_large``."""

    def __init__(self, message_zh: str, *, file: str, found: str) -> None:
        super().__init__(found, file=file, code="file_too_large")
        self.message_zh = message_zh
        self.found = found


class NoInputsError(JixiaoError, ValueError):
    """The paths given to a run hold no input file (or do not exist)."""


class InputNotFoundError(NoInputsError, FileNotFoundError):
    """A path given to a run does not exist. A :class:`FileNotFoundError` (``errno`` ENOENT,
    ``filename`` the first missing path), as ``pandas.read_csv`` and ``pdfplumber.open`` raise,
    and a :class:`NoInputsError`; ``paths`` holds every missing path."""

    def __init__(self, paths: Sequence[str]) -> None:
        self.paths = tuple(paths)
        super().__init__(f"no such file or directory: {', '.join(self.paths)}")
        self.errno = errno.ENOENT
        self.strerror = "no such file or directory"
        self.filename = self.paths[0] if self.paths else None

    def __str__(self) -> str:  # OSError's would print "[Errno 2] ..." once errno is set
        return str(self.args[0])

    def __reduce__(self) -> tuple[type[InputNotFoundError], tuple[tuple[str, ...]]]:
        return (type(self), (self.paths,))


class ParseError(JixiaoError, ValueError):
    """Text that cannot be understood; keeps the raw text, the position and the source."""

    what = "text"

    def __init__(
        self,
        raw: str,
        *,
        position: int | None = None,
        source: Source | None = None,
        reason: str = "",
    ) -> None:
        self.raw = raw
        self.position = position
        self.source = source
        self.reason = reason
        where = f" at {position}" if position is not None else ""
        origin = f" ({source})" if source is not None else ""
        why = f": {reason}" if reason else ""
        super().__init__(f"cannot parse {self.what} {raw!r}{where}{origin}{why}")


class NumberParseError(ParseError):
    """A cell that should hold a number does not."""

    what = "number"


class PolicyError(JixiaoError, ValueError):
    """A scoring policy that cannot be found or does not validate."""


class ColumnWordsError(JixiaoError, ValueError):
    """A file of column words (``JIXIAO_COLUMN_WORDS``) that cannot be read or has a block, role
    or key jixiao does not know; the message names the file and the entry."""


class OutputError(JixiaoError):
    """The output directory cannot be created or written (read-only, no permission, a file)."""


class ClusterError(JixiaoError):
    """The Dask scheduler cannot be used (not installed, unreachable, wrong jixiao version)."""


class OcrUnavailableError(JixiaoError):
    """The text recognizer that reads scanned pages and images cannot be loaded (its model
    package or onnxruntime missing or broken)."""
