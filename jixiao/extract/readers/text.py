"""Tab-separated text to grids.

A text file may hold many tables, each under a heading such as ``# 财政项目支出绩效自评表`` and a
year line ``(2024年度)``, or be a plain paste of one table from a spreadsheet with no heading.
Each tab-separated line is a grid row and each field a cell; a merged cell shows as blank
cells. A new table starts at a heading line, at a second ``项目名称`` (部门名称) row, or at a
second ``主管部门`` row (a 部门整体 table may start with it). Headings and labels are recognised
in traditional characters too (``…績效自評表``); the text is kept as printed.
"""

from __future__ import annotations

import codecs
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import overload

import regex

from jixiao.core.errors import InputError
from jixiao.core.labels import label_key, to_simplified
from jixiao.core.vocabulary import (
    DEPARTMENT,
    PROJECT_NAME,
    TITLE_WORD,
    is_year_line,
    self_evaluation_title,
)
from jixiao.extract.readers import Reading, ReadSettings, SourceFile
from jixiao.extract.readers.crops import DEFAULT_DPI
from jixiao.model.grid import Cell, Grid, Title
from jixiao.model.pane import SourcePane
from jixiao.model.source import Source

# A heading line: an optional Markdown '#', then a title that names a 自评表 (TITLE_WORD).
_HEADING = regex.compile(r"^\s*\#*\s*(?P<title>\S.*?)\s*$")
_MAX_HEADING_CHARS = 60


@dataclass(slots=True)
class _Pending:
    """What has been read since the last table: heading, year line, other text."""

    title: str | None = None
    year_text: str | None = None
    context: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Block:
    """The rows of one table being collected: (line number, fields)."""

    pending: _Pending
    rows: list[tuple[int, list[str]]] = field(default_factory=list)

    def has_label(self, labels: frozenset[str]) -> bool:
        return any(label_key(text) in labels for _, fields in self.rows for text in fields)

    def is_started_again_by(self, fields: list[str]) -> bool:
        """A row that starts another table: a 项目名称 (部门名称) or 主管部门 row when this
        table already has one."""
        keys = {label_key(f) for f in fields}
        return any(keys & labels and self.has_label(labels) for labels in _STARTS)


#: Labels of which a table has one row: a second one starts the next table.
_STARTS = (PROJECT_NAME, DEPARTMENT)


def read_text_file(source: SourceFile, settings: ReadSettings) -> Reading:
    """A text file read into grids, with its 自评表 titles, in one pass over its records as the
    bytes are decoded (the text is never held whole); a table's source pane is its lines,
    decoded again when the pane is made (the reader registered for ``tsv``)."""
    encoding = bytes_to_encoding(source.data, file=source.name)
    chunks = bytes_to_chunks(source.data, encoding)
    grids, titles = text_to_grids_and_titles(chunks, file=source.name)
    return Reading(
        tuple(grids), titles=tuple(titles), pane=LinesPane(TextLines(source.data, encoding))
    )


@dataclass(frozen=True, slots=True)
class LinesPane:
    """A text table's source pane: the lines of the file it was read from (no images)."""

    lines: Sequence[str]

    def __call__(self, grid: Grid, dpi: float = DEFAULT_DPI) -> SourcePane:
        return SourcePane(lines=grid_to_lines(grid, self.lines))


class TextLines(Sequence[str]):
    """The lines of a file's text, as ``text.splitlines()`` gives them, without holding them:
    where each line starts and ends in the bytes is found on first use (16 bytes a line), and
    a line is decoded when asked for.

    >>> lines = TextLines("a\\r\\nb\\x0c项\\n".encode(), "utf-8")
    >>> len(lines), lines[0], lines[2], list(lines) == "a\\r\\nb\\x0c项\\n".splitlines()
    (3, 'a', '项', True)
    """

    __slots__ = ("_data", "_encoding", "_ends", "_starts")

    def __init__(self, data: bytes, encoding: str) -> None:
        self._data = data
        self._encoding = encoding
        self._starts: array[int] | None = None
        self._ends: array[int] | None = None

    def _index(self) -> tuple[array[int], array[int]]:
        if self._starts is None or self._ends is None:
            self._starts, self._ends = _line_offsets(self._data, self._encoding)
        return self._starts, self._ends

    def __len__(self) -> int:
        return len(self._index()[0])

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...

    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        starts, ends = self._index()
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(starts)))]
        piece = self._data[starts[index] : ends[index]]
        return piece.decode("utf-8" if self._encoding == "utf-8-sig" else self._encoding)


def _line_offsets(data: bytes, encoding: str) -> tuple[array[int], array[int]]:
    """Where each line of the text starts and ends (before its line break), in bytes."""
    starts, ends = array("q"), array("q")
    name = "utf-8" if encoding == "utf-8-sig" else encoding
    offset = (
        len(codecs.BOM_UTF8) if encoding == "utf-8-sig" and data.startswith(codecs.BOM_UTF8) else 0
    )
    carry = ""
    for chunk in bytes_to_chunks(data, encoding):
        pieces = (carry + chunk).splitlines(keepends=True)
        # the last piece may go on in the next chunk (no line break yet, or a \r before a \n)
        carry = pieces.pop() if pieces else ""
        for piece in pieces:
            line = piece.splitlines()[0] if piece.splitlines() else ""
            starts.append(offset)
            ends.append(offset + len(line.encode(name)))
            offset += len(piece.encode(name))
    if carry:
        line = carry.splitlines()[0] if carry.splitlines() else ""
        starts.append(offset)
        ends.append(offset + len(line.encode(name)))
    return starts, ends


def bytes_to_text(data: bytes, *, file: str) -> str:
    """Decode a text file: UTF-8 (with or without BOM), else GB18030; binary data is refused.

    >>> bytes_to_text("项目名称".encode("gb18030"), file="a.txt")
    '项目名称'
    """
    return "".join(bytes_to_chunks(data, bytes_to_encoding(data, file=file)))


def bytes_to_encoding(data: bytes, *, file: str) -> str:
    """The encoding a text file is read in: ``utf-8-sig`` (UTF-8, a BOM skipped), else
    ``gb18030``; an empty file, binary data or other bytes are refused
    (:class:`~jixiao.core.errors.InputError`). The bytes are checked a chunk at a time: the
    text is not made.

    >>> bytes_to_encoding("项目名称".encode("gb18030"), file="a.txt")
    'gb18030'
    """
    if not data or data.isspace():
        raise InputError("the file is empty", file=file, code="empty_file")
    if b"\x00" in data[:8192]:
        raise InputError("the file is binary, not text", file=file, code="binary_file")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            for _ in bytes_to_chunks(data, encoding):
                pass
        except UnicodeDecodeError:
            continue
        return encoding
    raise InputError("the file is neither UTF-8 nor GB18030 text", file=file, code="binary_file")


#: How much of a file is decoded at a time.
CHUNK_BYTES = 1 << 20


def bytes_to_chunks(data: bytes, encoding: str, size: int = CHUNK_BYTES) -> Iterator[str]:
    """A file's text in pieces of about ``size`` bytes, decoded as it is read (a character cut
    by a piece's end is decoded with the next; ``utf-8-sig`` skips a BOM).

    >>> list(bytes_to_chunks("项目".encode(), "utf-8", size=2))
    ['', '项', '目', '']
    """
    decoder = codecs.getincrementaldecoder(encoding)()
    view = memoryview(data)
    for start in range(0, len(view), size):
        yield decoder.decode(view[start : start + size])
    yield decoder.decode(b"", final=True)


def text_to_grids(text: str, *, file: str) -> list[Grid]:
    """Split text into the grids of the tables it holds, in order.

    >>> text = "# 项目支出绩效自评表\\n(2024年度)\\n项目名称\\tX\\n总分\\t100"
    >>> grids = text_to_grids(text, file="t.txt")
    >>> [(g.title, g.year_text, g.n_rows, g.n_cols, g.line_start) for g in grids]
    [('项目支出绩效自评表', '(2024年度)', 2, 2, 3)]
    """
    return text_to_grids_and_titles(text, file=file)[0]


def text_to_grids_and_titles(
    text: str | Iterable[str], *, file: str
) -> tuple[list[Grid], list[Title]]:
    """The grids of the tables a text (or its pieces, as they are decoded) holds and its 自评表
    titles, in one pass over its records (:func:`iter_records`): each table becomes its grid as
    soon as the next one starts, so no more than one table's rows are held besides the
    grids."""
    grids: list[Grid] = []
    titles: list[Title] = []
    pending = _Pending()
    current: _Block | None = None
    for number, fields in iter_records(text):
        if len(fields) == 1:
            title = _record_title(number, fields[0], file)
            if title is not None:
                titles.append(title)
            stripped = fields[0].strip()
            if not stripped:
                continue
            if _is_heading(stripped):
                if current is not None:
                    grids.append(_block_to_grid(current, file))
                current = None
                pending = _Pending(title=_HEADING.match(stripped)["title"])  # type: ignore[index]
                continue
            if current is None:
                if is_year_line(stripped) and pending.year_text is None:
                    pending.year_text = stripped
                else:
                    pending.context.append(stripped)
                continue
        elif not any(f.strip() for f in fields):
            continue
        if current is None or current.is_started_again_by(fields):
            if current is not None:
                grids.append(_block_to_grid(current, file))
            current = _Block(pending)
            pending = _Pending()
        current.rows.append((number, fields))
    if current is not None:
        grids.append(_block_to_grid(current, file))
    return grids, titles


# A spreadsheet's quoted field: "…" with "" for a quote inside, ending at a tab or a line end.
_QUOTED = regex.compile(r'"((?:[^"]|"")*)"(?=\t|\r?\n|\r|\Z)')
_FIELD_END = regex.compile(r"\t|\r?\n|\r")
_FIELD_END_LINE = regex.compile(r"\r?\n|\r")


def text_to_records(text: str) -> list[tuple[int, list[str]]]:
    r"""Tab-separated records with the line each starts on (:func:`iter_records`, as a list).

    A paste from a spreadsheet quotes a cell that holds a line break, a tab or a quote
    (``"第一行\n第二行"``, ``""`` for ``"``); such a cell is one field, over several lines. Quotes
    around a cell that holds none of these are kept as printed (``"一网通办"工作经费``).

    >>> text_to_records('a\t"第一行\n第二行"\tc\nd\t"一网通办"工作经费\n"x""y"\t1')
    [(1, ['a', '第一行\n第二行', 'c']), (3, ['d', '"一网通办"工作经费']), (4, ['x"y', '1'])]
    """
    return list(iter_records(text))


def iter_records(text: str | Iterable[str]) -> Iterator[tuple[int, list[str]]]:
    """Tab-separated records with the line each starts on, one at a time, from a text or from
    its pieces as they are decoded (:func:`bytes_to_chunks`): only the record being read and
    what its quotes need to be understood are held (see :func:`text_to_records`).

    >>> list(iter_records(['a\\t"x', '\\ny"\\tb\\r', '\\nc']))
    [(1, ['a', 'x\\ny', 'b']), (3, ['c'])]
    """
    window = _Window(iter((text,)) if isinstance(text, str) else iter(text))
    fields: list[str] = []
    line = start = 1
    pos = 0
    while not window.at_end(pos):
        if not fields:  # a record starts: a line without quotes is split at its tabs at once
            pos = window.let_go(pos)
            end = window.search(_FIELD_END_LINE, pos)
            stop = end.start() if end else len(window.text)
            if '"' not in window.text[pos:stop]:
                yield start, window.text[pos:stop].split("\t")
                if end is None:
                    return
                pos, line = end.end(), line + 1
                start = line
                continue
        quoted = _quoted_at(window, pos) if window.text[pos] == '"' else None
        if quoted and regex.search(r'[\t\n\r]|""', quoted.group(1)):
            fields.append(quoted.group(1).replace('""', '"'))
            line += quoted.group(1).count("\n")
            pos = quoted.end()
        else:
            end = window.search(_FIELD_END, pos)
            stop = end.start() if end else len(window.text)
            fields.append(window.text[pos:stop])
            pos = stop
        end = window.match(_FIELD_END, pos)
        if end is None:  # end of text
            break
        pos = end.end()
        if end.group() == "\t" and window.at_end(pos):
            fields.append("")  # a tab at the very end: one more, empty, field
        elif end.group() != "\t":
            yield start, fields
            fields, line = [], line + 1
            start = line
    if fields or (window.last and window.last not in "\n\r"):
        yield start, fields or [""]


class _Window:
    """The part of a text that the record reader is looking at: pieces are added at its end
    when a look-ahead needs them, and what lies before the record being read is let go."""

    __slots__ = ("_pieces", "done", "last", "text")

    def __init__(self, pieces: Iterator[str]) -> None:
        self._pieces = pieces
        self.text = ""
        self.done = False
        self.last = ""  # the last character of the whole text read so far

    def more(self) -> bool:
        """Add the next piece; False at the end of the text."""
        for piece in self._pieces:
            if piece:
                self.text += piece
                self.last = piece[-1]
                return True
        self.done = True
        return False

    def let_go(self, pos: int) -> int:
        """Forget the text before ``pos`` (the start of a record) once it is most of the
        window; returns where ``pos`` is then."""
        if pos > len(self.text) // 2:
            self.text = self.text[pos:]
            return 0
        return pos

    def at_end(self, pos: int) -> bool:
        while pos >= len(self.text):
            if not self.more():
                return True
        return False

    def search(self, pattern: regex.Pattern[str], pos: int) -> regex.Match[str] | None:
        """``pattern.search`` as on the whole text: a match that ends at the window's end (a
        ``\\r`` whose ``\\n`` may be next) is looked for again with more text."""
        while True:
            found = pattern.search(self.text, pos)
            if (found and found.end() < len(self.text)) or not self.more():
                return found

    def match(self, pattern: regex.Pattern[str], pos: int) -> regex.Match[str] | None:
        """``pattern.match`` of a field end at ``pos``, as on the whole text (two characters
        seen: ``\\r\\n``)."""
        while pos + 2 > len(self.text) and self.more():
            pass
        return pattern.match(self.text, pos)


def _quoted_at(window: _Window, pos: int) -> regex.Match[str] | None:
    """:data:`_QUOTED` matched at ``pos`` as on the whole text. The pattern looks no further
    than two characters past the first run of an odd number of quotes after the opening one
    (a lone quote closes the field or ends the match; pairs go on), so that much is added to
    the window first."""
    i = pos + 1
    while True:
        found = window.text.find('"', i)
        while found < 0 and window.more():
            found = window.text.find('"', i)
        if found < 0:
            break  # no quote to the end: the whole text is there
        run_end = found
        while True:
            while run_end < len(window.text) and window.text[run_end] == '"':
                run_end += 1
            if run_end < len(window.text) or not window.more():
                break
        if (run_end - found) % 2:
            while run_end + 2 > len(window.text) and window.more():
                pass
            break
        i = run_end
    return _QUOTED.match(window.text, pos)


def _is_heading(line: str) -> bool:
    return len(line) <= _MAX_HEADING_CHARS and TITLE_WORD in to_simplified(line)


def _block_to_grid(block: _Block, file: str) -> Grid:
    cells = tuple(
        Cell(row=r, col=c, text=text, source=Source(file, line=number, row=r, col=c))
        for r, (number, fields) in enumerate(block.rows)
        for c, text in enumerate(fields)
    )
    return Grid(
        file=file,
        source_kind="tsv",
        cells=cells,
        n_rows=len(block.rows),
        n_cols=max(len(fields) for _, fields in block.rows),
        title=block.pending.title,
        year_text=block.pending.year_text,
        line_start=block.rows[0][0],
        reader="tsv",
        context=tuple(block.pending.context),
    )


def text_to_titles(text: str, *, file: str) -> list[Title]:
    """The titles in a text file: lines of one field that title a 自评表."""
    return text_to_grids_and_titles(text, file=file)[1]


def _record_title(line: int, field: str, file: str) -> Title | None:
    """The 自评表 title a record of one field is, if it is one."""
    if self_evaluation_title(field.strip().lstrip("#")) is None:
        return None
    return Title(field.strip().lstrip("# "), Source(file, line=line))


def grid_to_lines(grid: Grid, lines: Sequence[str]) -> tuple[tuple[int, str], ...]:
    r"""The numbered source lines a text table was read from (first to last line of its cells).

    >>> cell = Cell(0, 0, "项目名称", Source("a.txt", line=2))
    >>> grid_to_lines(Grid("a.txt", "tsv", (cell,), 1, 1), ["# 标题", "项目名称\t某项目"])
    ((2, '项目名称\t某项目'),)
    """
    numbers = [c.source.line for c in grid.cells if c.source.line is not None]
    if not numbers:
        return ()
    last = min(max(numbers), len(lines))
    return tuple((n, lines[n - 1]) for n in range(min(numbers), last + 1))
