"""Labels converted to simplified characters (for comparing them): a short label is converted
once and remembered (#26, round 6); every text comes out as OpenCC converts it, whatever its
length, however often it is asked."""

from __future__ import annotations

import opencc
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.core.labels import _REMEMBERED, to_simplified

T2S = opencc.OpenCC("t2s")
TEXTS = [
    "",
    "总分",
    "項目名稱",
    "績效指標(萬元)",
    "≥90%",
    "—",
    "預算執行率" * 10,  # longer than what is remembered
    "單項指標" * (_REMEMBERED // 4),  # as long as what is remembered
    "abc",
]


@pytest.mark.parametrize("text", TEXTS)
def test_as_opencc_converts_it_each_time(text: str) -> None:
    expected = str(T2S.convert(text)) if text and not text.isascii() else text
    assert [to_simplified(text) for _ in range(3)] == [expected] * 3


# characters of both scripts (項目 / 项目 …), digits, signs and spaces
_CHARS = st.sampled_from(
    list("項目名稱项目名称績效绩效指標指标萬元万元預算执行執行率得分總分总分")
    + list(" ≥≤%()（）0123456789.單项")
)


@given(st.text(_CHARS, max_size=2 * _REMEMBERED))
def test_any_text_is_opencc_s(text: str) -> None:
    expected = str(T2S.convert(text)) if text and not text.isascii() else text
    assert to_simplified(text) == expected
    assert to_simplified(text) == expected
