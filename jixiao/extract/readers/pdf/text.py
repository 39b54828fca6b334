"""Characters of a PDF page → lines → cell text, and a test for text that cannot be read.

pdfplumber gives one dict per drawn character (``text``, ``x0``, ``x1``, ``top``, ``bottom``,
``size``). Lines are clusters of characters on the same baseline band; within a line a gap wider
than a quarter of the font size between two narrow (Latin) characters becomes a space; wrapped
lines are joined without a space, except between Latin letters/digits when the line was broken
at a space (it stops well short of the cell's right edge).

>>> chars = [_c("偏", 0, 0), _c("差", 10, 0), _c("分", 0, 12), _c("析", 10, 12)]
>>> lines_to_text(chars_to_lines(chars))
'偏差分析'
>>> digits = chars_to_lines([_c("1", 0, 0, 5), _c("2", 5, 0, 5), _c("3", 0, 12, 5)])
>>> lines_to_text(digits, (0, 0, 10, 20))  # the line fills the cell: a number broken in two
'123'
>>> lines_to_text(digits, (0, 0, 40, 20))  # room left on the line: broken at a space
'12 3'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from operator import itemgetter
from typing import Any

Char = Mapping[str, Any]

_CID = re.compile(r"\(cid:\d+\)")
_SPACES = re.compile(r"\s+")
_SPACE_GAP = 0.25  # a gap wider than this share of the font size is a space (Latin text)
_LINE_BAND = 0.5  # characters whose middles differ by less than this share of the size share a line
UNREADABLE_SHARE = 0.2  # share of unreadable characters from which a page's text is not trusted


def _c(text: str, x0: float, top: float, size: float = 10.0) -> dict[str, Any]:
    """A minimal character dict (for doctests and tests)."""
    return {"text": text, "x0": x0, "x1": x0 + size, "top": top, "bottom": top + size, "size": size}


def is_wide(ch: str) -> bool:
    """True for CJK and full-width characters (no space is ever put next to them)."""
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _mid(char: Char) -> float:
    return (float(char["top"]) + float(char["bottom"])) / 2


def _x0(char: Char) -> float:
    return float(char["x0"])


def _size(char: Char) -> float:
    return float(char.get("size") or (float(char["bottom"]) - float(char["top"])) or 1.0)


def chars_to_lines(chars: Iterable[Char]) -> list[list[Char]]:
    """Cluster characters into lines (top to bottom), each sorted left to right."""
    return middles_to_lines(sorted([(_mid(c), c) for c in chars], key=itemgetter(0)))


def middles_to_lines(placed: Iterable[tuple[float, Char]]) -> list[list[Char]]:
    """:func:`chars_to_lines` of characters already sorted by the height of their middle,
    each with that height (``(top + bottom) / 2``): a cell's characters come so from
    :func:`~jixiao.extract.readers.pdf.parts.boxes_to_cells`."""
    lines: list[list[Char]] = []
    line: list[Char] = []  # the last line, whose middle is the mean of its characters'
    line_mid = 0.0
    for mid, char in placed:
        if line and mid - line_mid <= _LINE_BAND * _size(char):
            line.append(char)
            count = len(line)
            line_mid = (line_mid * (count - 1) + mid) / count
        else:
            line = [char]
            lines.append(line)
            line_mid = mid
    return [sorted(line, key=_x0) if len(line) > 1 else line for line in lines]


def line_to_text(line: Sequence[Char]) -> str:
    """The characters of one line, with spaces where Latin words are apart."""
    out: list[str] = []
    prev: Char | None = None
    for char in line:
        text = str(char["text"])
        if prev is not None and out and not out[-1].endswith(" ") and not text.isspace():
            gap = float(char["x0"]) - float(prev["x1"])
            last = out[-1][-1:]
            if gap > _SPACE_GAP * _size(char) and not (is_wide(last) or is_wide(text[:1])):
                out.append(" ")
        out.append(text)
        prev = char
    return _SPACES.sub(" ", "".join(out)).strip()


def join_wrapped(parts: Iterable[str], spaced: Iterable[bool] | None = None) -> str:
    """Join the lines of a wrapped cell.

    No space between lines unless both sides are Latin letters or digits and the line was broken
    at a space (``spaced``, from the geometry; without it: only between two letters).

    >>> join_wrapped(["偏差原因分析及改", "进措施"])
    '偏差原因分析及改进措施'
    >>> join_wrapped(["产出指标(5", "0分)"])
    '产出指标(50分)'
    >>> join_wrapped(["annual", "report"])
    'annual report'
    """
    flags = list(spaced) if spaced is not None else None
    text = ""
    for i, raw in enumerate(parts):
        part = raw.strip()
        if not part:
            continue
        if text and _latin(text[-1]) and _latin(part[0]):
            wide_gap = (
                flags[i - 1]
                if flags is not None and i >= 1
                else text[-1].isalpha() and part[0].isalpha()
            )
            if wide_gap:
                text += " "
        text += part
    return text


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def lines_to_breaks(
    lines: Sequence[Sequence[Char]], bbox: tuple[float, float, float, float]
) -> list[bool]:
    """For each line: was it broken at a space (room left for a word at its right)?

    The left padding (first character to the cell's left edge) is taken as the right padding too;
    a line that stops more than ~one Latin word short of the right edge was broken at a space.
    """
    breaks: list[bool] = []
    for line in lines:
        left_pad = float(line[0]["x0"]) - bbox[0]
        leftover = bbox[2] - float(line[-1]["x1"]) - max(left_pad, 0.0)
        breaks.append(leftover > 0.7 * _size(line[-1]))
    return breaks


#: A last line that leaves room for this many more of its characters ended by choice (a
#: wrapped line leaves up to about two: a word kept whole, punctuation kept off a line start).
_ROOM_LEFT = 3.0


def lines_to_runs_on(
    lines: Sequence[Sequence[Char]], bbox: tuple[float, float, float, float]
) -> bool:
    """Could the text go on past the bottom of its box (a cell cut by a page break)?

    Wrapped Chinese text fills its lines; a last line that stops with room for three more of its
    characters ended its paragraph there. The padding on each side is taken to be the narrowest
    on the left, so a line's room is the same whether the text is aligned left, centred or
    right. A last line ending
    in a Latin letter or digit may have been broken at a space before a long word: not known,
    so it may run on, as may a box without text.

    >>> full = [[_c("农", 0, 0), _c("村", 10, 0)], [_c("公", 0, 12), _c("路", 10, 12)]]
    >>> lines_to_runs_on(full, (0, 0, 20, 30))
    True
    >>> lines_to_runs_on([*full, [_c("率", 0, 24)]], (0, 0, 20, 40))  # a narrow cell: not known
    True
    >>> wide = [[_c(ch, 10 * i, 0) for i, ch in enumerate("农村公路建设")], [_c("率", 0, 12)]]
    >>> lines_to_runs_on(wide, (0, 0, 60, 30))
    False
    """
    if not lines or not lines[-1]:
        return True
    last = lines[-1][-1]
    if not is_wide(str(last["text"])[-1:]):
        return True
    extents = [(float(line[0]["x0"]), float(line[-1]["x1"])) for line in lines if line]
    return extents_to_runs_on(extents, (bbox[0], bbox[2]), _size(last))


def extents_to_runs_on(
    lines: Sequence[tuple[float, float]], box: tuple[float, float], size: float
) -> bool:
    """:func:`lines_to_runs_on` from the left and right ends of a box's lines of Chinese text
    (``lines``, top to bottom), the box's left and right sides and the characters' size, in
    any one unit (points, or pixels of a scan).

    >>> extents_to_runs_on([(2, 58), (2, 58), (25, 35)], (0, 60), 10)  # centred, one left
    False
    >>> extents_to_runs_on([(2, 58), (2, 48)], (0, 60), 10)  # the next character did not fit
    True
    """
    if not lines:
        return True
    pad = max(min(x0 for x0, _ in lines) - box[0], 0.0)
    x0, x1 = lines[-1]
    return box[1] - box[0] - 2 * pad - (x1 - x0) < _ROOM_LEFT * size


def lines_to_text(
    lines: Sequence[Sequence[Char]], bbox: tuple[float, float, float, float] | None = None
) -> str:
    """The lines of a cell joined as wrapped text (``bbox``: the cell, for spaces)."""
    breaks = lines_to_breaks(lines, bbox) if bbox is not None and lines else None
    return join_wrapped((line_to_text(line) for line in lines), breaks)


#: The characters that cannot be text: U+FFFD and the general categories Cc (controls), Cs
#: (surrogates) and Co (private use), whose ranges Unicode's stability policy fixes (a test
#: checks them against ``unicodedata.category``): one regex pass instead of a lookup each.
UNREADABLE_CHARACTER = re.compile(
    "[\ufffd\x00-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd]"
)


def text_to_unreadable_share(text: str) -> float:
    """Share of characters that cannot be text: ``(cid:n)``, U+FFFD, controls, private use
    (whitespace not counted)."""
    cids = len(_CID.findall(text)) if "(cid:" in text else 0
    visible = "".join((_CID.sub("", text) if cids else text).split())
    total = cids + len(visible)
    return (cids + len(UNREADABLE_CHARACTER.findall(visible))) / total if total else 0.0


def is_unreadable(text: str) -> bool:
    """True when too much of ``text`` is unreadable to trust it."""
    return text_to_unreadable_share(text) >= UNREADABLE_SHARE


def chars_without_fake_bold(chars: Sequence[Char], tolerance: float = 1.0) -> list[Char]:
    """pdfplumber's ``dedupe_chars(tolerance=1, extra_attrs=("fontname",))``, in linear time.

    The same rule: characters with the same text, font and uprightness whose ``doctop`` and
    then ``x0`` values chain within ``tolerance`` are one character ("fake bold": a line drawn
    twice, slightly offset), the top-left one kept; the order is kept. pdfplumber sorts every
    character and looks each kept one up in the list (quadratic); here characters are grouped
    in a dict and only groups of two or more are clustered, each character's ``doctop`` and
    ``x0`` read once for the page.
    """
    groups: dict[tuple[Any, ...], list[int]] = {}
    for i, char in enumerate(chars):
        key = (char["upright"], char["text"], char["fontname"])
        members = groups.get(key)
        if members is None:
            groups[key] = [i]
        else:
            members.append(i)
    dropped: set[int] = set()
    doctops: list[float] = []
    x0s: list[float] = []
    for members in groups.values():
        if len(members) < 2:
            continue
        if not doctops:  # the first group of two: the values are read now, once
            doctops = [float(char["doctop"]) for char in chars]
            x0s = [float(char["x0"]) for char in chars]
        for band in _chains(members, doctops, tolerance):
            if len(band) < 2:
                continue  # a character alone on its line: nothing to drop
            for cluster in _chains(band, x0s, tolerance):
                if len(cluster) > 1:
                    keep = min(cluster, key=lambda i: (chars[i]["doctop"], chars[i]["x0"], i))
                    dropped.update(i for i in cluster if i != keep)
    if not dropped:
        return list(chars)
    return [char for i, char in enumerate(chars) if i not in dropped]


def _chains(members: Sequence[int], values: Sequence[float], tolerance: float) -> list[list[int]]:
    """Members whose sorted ``values`` (by member) each lie within ``tolerance`` of the
    previous one."""
    clusters: list[list[int]] = []
    last = 0.0
    for i in sorted(members, key=values.__getitem__):
        v = values[i]
        if clusters and v <= last + tolerance:
            clusters[-1].append(i)
        else:
            clusters.append([i])
        last = v
    return clusters
