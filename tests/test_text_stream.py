"""Text inputs read as a stream (#25): the same records, grids, titles and source lines whatever
the pieces the bytes are decoded in, and memory that grows with the file by a small factor.

The record reader looks ahead only as far as a quote needs (:func:`iter_records`); the
properties below cut texts rich in quotes, tabs and line breaks into pieces of one to seven
characters, so that every look-ahead crosses a piece's end somewhere.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.extract.readers.text import (
    TextLines,
    bytes_to_chunks,
    bytes_to_encoding,
    iter_records,
    text_to_grids_and_titles,
)
from tests.big_text import make_text_file

# Pieces that make the reader's hard cases: quotes alone and doubled, tabs, every line break,
# a heading, a year line and the labels that start a table.
_PIECES = st.sampled_from(
    [
        '"',
        '""',
        "\t",
        "\n",
        "\r",
        "\r\n",
        "\x0c",
        "\u2028",
        " ",
        "a",
        "项",
        "项目名称",
        "主管部门",
        "# 项目支出绩效自评表",
        "(2024年度)",
    ]
)
TEXTS = st.lists(_PIECES, max_size=40).map("".join)


def _cut(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


@settings(max_examples=500, deadline=None)
@given(TEXTS, st.integers(1, 7))
def test_records_do_not_depend_on_the_pieces(text: str, size: int) -> None:
    assert list(iter_records(_cut(text, size))) == list(iter_records(text))


def _outcome(text: str | list[str]) -> object:
    """The grids and titles read, or the error met (a heading inside a quoted cell of several
    lines is a known failure of the whole-text reader too: the pieces must fail alike)."""
    try:
        return text_to_grids_and_titles(text, file="t.txt")
    except TypeError as error:
        return type(error)


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.integers(1, 7))
def test_grids_and_titles_do_not_depend_on_the_pieces(text: str, size: int) -> None:
    assert _outcome(_cut(text, size)) == _outcome(text)


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.sampled_from(["utf-8-sig", "gb18030"]), st.booleans())
def test_text_lines_are_the_split_lines(text: str, encoding: str, bom: bool) -> None:
    data = text.encode("utf-8" if encoding == "utf-8-sig" else encoding)
    if bom and encoding == "utf-8-sig":
        data = b"\xef\xbb\xbf" + data
    assert list(TextLines(data, encoding)) == text.splitlines()


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        pytest.param("项目名称\t某项目\n", "utf-8", id="utf-8"),
        pytest.param("\ufeff项目名称", "utf-8", id="utf-8-bom"),
        pytest.param("項目名稱\t某項目", "gb18030", id="gb18030"),
    ],
)
def test_chunks_decode_to_the_text(text: str, encoding: str) -> None:
    data = text.encode(encoding)
    found = bytes_to_encoding(data, file="a.txt")
    assert "".join(bytes_to_chunks(data, found, size=3)) == text.removeprefix("\ufeff")


# Reads one file with jixiao's reader in a fresh process and prints its size and how much the
# process grew while reading it (and making 50 tables' source lines), in bytes.
_GROWTH = """
import sys
from pathlib import Path
from jixiao.extract.readers import read_file
import jixiao.extract.readers.text, jixiao.extract.layout.table
path = Path(sys.argv[1])
data = path.read_bytes()
def kilobytes(key):  # this process's own figures (ru_maxrss keeps a forking parent's peak)
    line = next(l for l in open('/proc/self/status') if l.startswith(key + ':'))
    return int(line.split()[1]) * 1024
base = kilobytes('VmRSS')
reading = read_file(data, path=path, name=path.name)
assert len(reading.grids) > 100
panes = [reading.pane(grid).lines for grid in reading.grids[:50]]
print(len(data), kilobytes('VmHWM') - base)
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc (Linux)")
def test_reading_a_big_text_grows_by_a_small_factor_of_its_size(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    make_text_file(path, 12)
    done = subprocess.run(
        [sys.executable, "-c", _GROWTH, str(path)], capture_output=True, text=True, check=True
    )
    size, growth = (int(v) for v in done.stdout.split())
    # held: the grids (cells, and the prose above each table as its context) and, while the
    # file is read, one window of text; the whole text, its records or its lines never are
    # (reading the whole text first grew by 7.5 times the file's size)
    assert growth <= 3 * size, (size, growth)
