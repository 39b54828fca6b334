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
from collections.abc import Sequence
from dataclasses import dataclass, field

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
    """A text file read into grids, with its 自评表 titles; a table's source pane is its lines
    (the reader registered for ``tsv``)."""
    text = bytes_to_text(source.data, file=source.name)
    grids = tuple(text_to_grids(text, file=source.name))
    lines = tuple(text.splitlines())
    titles = tuple(text_to_titles(text, file=source.name))
    return Reading(grids, titles=titles, pane=LinesPane(lines))


@dataclass(frozen=True, slots=True)
class LinesPane:
    """A text table's source pane: the lines of the file it was read from (no images)."""

    lines: tuple[str, ...]

    def __call__(self, grid: Grid, dpi: float = DEFAULT_DPI) -> SourcePane:
        return SourcePane(lines=grid_to_lines(grid, self.lines))


def bytes_to_text(data: bytes, *, file: str) -> str:
    """Decode a text file: UTF-8 (with or without BOM), else GB18030; binary data is refused.

    >>> bytes_to_text("项目名称".encode("gb18030"), file="a.txt")
    '项目名称'
    """
    if not data.strip():
        raise InputError("the file is empty", file=file, code="empty_file")
    if b"\x00" in data[:8192]:
        raise InputError("the file is binary, not text", file=file, code="binary_file")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError("the file is neither UTF-8 nor GB18030 text", file=file, code="binary_file")


def text_to_grids(text: str, *, file: str) -> list[Grid]:
    """Split text into the grids of the tables it holds, in order.

    >>> text = "# 项目支出绩效自评表\\n(2024年度)\\n项目名称\\tX\\n总分\\t100"
    >>> grids = text_to_grids(text, file="t.txt")
    >>> [(g.title, g.year_text, g.n_rows, g.n_cols, g.line_start) for g in grids]
    [('项目支出绩效自评表', '(2024年度)', 2, 2, 3)]
    """
    blocks: list[_Block] = []
    pending = _Pending()
    current: _Block | None = None
    for number, fields in text_to_records(text):
        if len(fields) == 1:
            stripped = fields[0].strip()
            if not stripped:
                continue
            if _is_heading(stripped):
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
            current = _Block(pending)
            blocks.append(current)
            pending = _Pending()
        current.rows.append((number, fields))
    return [_block_to_grid(block, file) for block in blocks]


# A spreadsheet's quoted field: "…" with "" for a quote inside, ending at a tab or a line end.
_QUOTED = regex.compile(r'"((?:[^"]|"")*)"(?=\t|\r?\n|\r|\Z)')
_FIELD_END = regex.compile(r"\t|\r?\n|\r")
_FIELD_END_LINE = regex.compile(r"\r?\n|\r")


def text_to_records(text: str) -> list[tuple[int, list[str]]]:
    r"""Tab-separated records with the line each starts on.

    A paste from a spreadsheet quotes a cell that holds a line break, a tab or a quote
    (``"第一行\n第二行"``, ``""`` for ``"``); such a cell is one field, over several lines. Quotes
    around a cell that holds none of these are kept as printed (``"一网通办"工作经费``).

    >>> text_to_records('a\t"第一行\n第二行"\tc\nd\t"一网通办"工作经费\n"x""y"\t1')
    [(1, ['a', '第一行\n第二行', 'c']), (3, ['d', '"一网通办"工作经费']), (4, ['x"y', '1'])]
    """
    records: list[tuple[int, list[str]]] = []
    fields: list[str] = []
    line = start = 1
    pos = 0
    while pos < len(text):
        if not fields:  # a record starts: a line without quotes is split at its tabs at once
            end = _FIELD_END_LINE.search(text, pos)
            stop = end.start() if end else len(text)
            if '"' not in text[pos:stop]:
                records.append((start, text[pos:stop].split("\t")))
                if end is None:
                    return records
                pos, line = end.end(), line + 1
                start = line
                continue
        quoted = _QUOTED.match(text, pos) if text[pos] == '"' else None
        if quoted and regex.search(r'[\t\n\r]|""', quoted.group(1)):
            fields.append(quoted.group(1).replace('""', '"'))
            line += quoted.group(1).count("\n")
            pos = quoted.end()
        else:
            end = _FIELD_END.search(text, pos)
            stop = end.start() if end else len(text)
            fields.append(text[pos:stop])
            pos = stop
        end = _FIELD_END.match(text, pos)
        if end is None:  # end of text
            break
        pos = end.end()
        if end.group() == "\t" and pos == len(text):
            fields.append("")  # a tab at the very end: one more, empty, field
        elif end.group() != "\t":
            records.append((start, fields))
            fields, line = [], line + 1
            start = line
    if fields or (text and not text.endswith(("\n", "\r"))):
        records.append((start, fields or [""]))
    return records


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
    titles = []
    for line, fields in text_to_records(text):
        if len(fields) != 1:
            continue
        title = self_evaluation_title(fields[0].strip().lstrip("#"))
        if title is not None:
            titles.append(Title(fields[0].strip().lstrip("# "), Source(file, line=line)))
    return titles


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
