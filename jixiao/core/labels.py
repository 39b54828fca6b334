"""Labels made comparable: how a header or label cell's text is compared with the words it is
read by (width-folded, without tags or spaces, in simplified characters).

The column words (:mod:`jixiao.core.columns`) and the vocabulary (:mod:`jixiao.core.vocabulary`)
both compare through these functions; they live apart from both so that neither imports the
other for them.
"""

from __future__ import annotations

import functools
import unicodedata

import opencc
import regex

_TAG = regex.compile(r"<[^>]*>")
_SPACE = regex.compile(r"\s+")
#: A trailing parenthesised note: ``执行率(%)``, ``预算安排情况(调整后)``.
PAREN_SUFFIX = regex.compile(r"\([^()]*\)$")


#: OpenCC's traditional → simplified converter (phrases, then characters), made once.
_T2S = opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional characters to simplified ones, for comparing labels (never for values).

    Simplified text is returned unchanged.

    >>> to_simplified("項目名稱"), to_simplified("績效指標(萬元)"), to_simplified("总分")
    ('项目名称', '绩效指标(万元)', '总分')
    """
    if not text or text.isascii():
        return text
    return _short_simplified(text) if len(text) <= _REMEMBERED else str(_T2S.convert(text))


#: A label this long or shorter is converted once and remembered: the same few hundred labels
#: and values (``产出指标``, ``≥90%``) make nine in ten conversions of a file.
_REMEMBERED = 32


@functools.lru_cache(maxsize=4096)
def _short_simplified(text: str) -> str:
    return str(_T2S.convert(text))


def printed_key(text: str) -> str:
    """A label as printed, made comparable: width-folded, without tags, spaces or a trailing
    colon (the characters are not converted; a header kept as a name uses this form).

    >>> printed_key("权重占比 （%）"), printed_key("得 分："), printed_key("單項指標")
    ('权重占比(%)', '得分', '單項指標')
    """
    folded = unicodedata.normalize("NFKC", text)
    return _SPACE.sub("", _TAG.sub("", folded)).rstrip(":")


@functools.lru_cache(maxsize=1 << 16)
def label_key(text: str) -> str:
    """The comparable form of a label: :func:`printed_key` in simplified characters (cached:
    the same labels are compared again and again).

    >>> label_key("年度 总体 目标")
    '年度总体目标'
    >>> label_key("项目资金 （万元）")
    '项目资金(万元)'
    >>> label_key("<p>偏差原因分析及改 进措施</p>")
    '偏差原因分析及改进措施'
    >>> label_key("項目名稱："), label_key("總 分")
    ('项目名称', '总分')
    """
    return to_simplified(printed_key(text))


@functools.lru_cache(maxsize=1 << 16)
def base_key(text: str) -> str:
    """:func:`label_key` without a trailing parenthesised note: ``执行率(%)`` → ``执行率``."""
    return PAREN_SUFFIX.sub("", label_key(text))
