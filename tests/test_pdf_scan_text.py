"""The page scan's shortcuts (#26) give what the plain rules give: titles and their marks, the
tail of a page, and the share of unreadable characters, each against the rule written out
plainly (as it was before the shortcuts), on generated pages."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.core.vocabulary import is_year_line, join_title_lines, self_evaluation_title
from jixiao.extract.readers.pdf.pages import (
    _FOLIO,
    _is_label,
    lines_to_tail,
    lines_to_titles_marked,
    squash,
)
from jixiao.extract.readers.pdf.text import (
    _CID,
    UNREADABLE_CHARACTER,
    text_to_unreadable_share,
)


def _plain_titles_marked(lines: Iterable[str]) -> list[tuple[str, bool]]:
    joined = [line for line in join_title_lines(lines) if squash(line) and not _is_label(line)]
    is_title = [self_evaluation_title(line) is not None for line in joined]
    return [
        (line, k + 1 < len(joined) and is_title[k + 1])
        for k, line in enumerate(joined)
        if is_title[k]
    ]


def _plain_tail(lines: Iterable[str]) -> tuple[str, ...]:
    joined = [line for line in join_title_lines(lines) if squash(line)]
    while joined and _FOLIO.match(squash(joined[-1])):
        joined.pop()
    tail: list[str] = []
    while joined and (self_evaluation_title(joined[-1]) is not None or is_year_line(joined[-1])):
        tail.insert(0, joined.pop())
    return tuple(tail)


def _plain_unreadable_share(text: str) -> float:
    cids = len(_CID.findall(text))
    rest = _CID.sub("", text)
    visible = [ch for ch in rest if not ch.isspace()]
    bad = sum(
        1 for ch in visible if ch == "\ufffd" or unicodedata.category(ch) in ("Cc", "Co", "Cs")
    )
    total = cids + len(visible)
    return (cids + bad) / total if total else 0.0


# Lines a page of an annual report holds: titles (whole, wrapped, traditional, with a note),
# attachment labels, year lines, page numbers, fields, prose, blank lines.
LINES = [
    "财政项目支出绩效自评表",
    "某局2022年度项目支出绩效自评表",
    "2020年度水土保持監測項目績效自評表",
    "某局項目績效自評錶",
    "某局2023年度部门整体绩效自评",
    "表",
    "某县农业农村局2023年度农村公路",
    "建设养护项目支出绩效自",
    "评表",
    "绩效自评表（修改）",
    "附件1",
    "附表2：",
    "附件 自评表",
    "第五部分 附件",
    "（2024年度）",
    "2024年 度",
    "— 11 —",
    "第3页",
    "项目名称 某项目",
    "主管部门：某局",
    "收入支出决算总表",
    "项目支出绩效自评结果详见附表，自评表列示绩效指标。",
    "十、项目支出绩效自评表……36",
    "",
    "   ",
    " 总分 100 95 ",
]


@settings(max_examples=1500, deadline=None)
@given(lines=st.lists(st.sampled_from(LINES), max_size=14))
def test_titles_marked_as_the_plain_rule(lines: list[str]) -> None:
    assert lines_to_titles_marked(lines) == _plain_titles_marked(lines)


@settings(max_examples=1500, deadline=None)
@given(lines=st.lists(st.sampled_from(LINES), max_size=14))
def test_tail_as_the_plain_rule(lines: list[str]) -> None:
    assert lines_to_tail(lines) == _plain_tail(lines)


_PIECES = st.one_of(
    st.text(st.characters(), max_size=6),
    st.sampled_from(["(cid:12)", "(cid:", "\ufffd", "\ue000", "\x07", "\u3000", " ", "\n"]),
)


@settings(max_examples=1500, deadline=None)
@given(text=st.lists(_PIECES, max_size=8).map("".join))
def test_unreadable_share_as_the_plain_rule(text: str) -> None:
    assert text_to_unreadable_share(text) == _plain_unreadable_share(text)


@pytest.mark.parametrize("plane", range(17))
def test_unreadable_characters_are_their_categories(plane: int) -> None:
    """The regex's ranges are exactly U+FFFD, Cc, Cs and Co in this Python's Unicode data."""
    chars = (chr(cp) for cp in range(plane << 16, (plane + 1) << 16))
    wrong = [
        ch
        for ch in chars
        if (UNREADABLE_CHARACTER.fullmatch(ch) is not None)
        != (ch == "\ufffd" or unicodedata.category(ch) in ("Cc", "Co", "Cs"))
    ]
    assert wrong == []
