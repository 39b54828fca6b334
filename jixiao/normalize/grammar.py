"""The shared grammar of 年度指标值 and 实际完成值 cells.

:func:`read_value` turns one cell into a :class:`Reading` (bound, operator, unit, or the kind
of words it holds) without deciding anything about direction or completion; ``target.py`` and
``actual.py`` build their model values from it. It never raises.

The grammar, tried in this order on the cleaned text with spaces removed:

- blank: ``''``, ``—``, ``/``, ``无`` …
- rank: ``前五名``, ``前5名``, ``第一名``, ``全国前3``
- range: ``90%-95%``, ``90~95%``, ``90%至95%``
- date: ``2021年12月31日``, ``2021年底``, ``11月底完成``, ``年底前完成``
- bound: ``[words] [operator] number [unit] [operator word] [filler]``, where the operator is a
  symbol (``≥``) or a word (``不低于``, ``以上``), the number arabic (``1,234.5``) or Chinese
  (``三``, ``百分之九十``), and the unit parenthesised or not (``≥35(亿次)``).
- words: anything without a digit or an operator symbol.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Literal

import regex

from jixiao.core.labels import to_simplified
from jixiao.normalize.model import Op, Unit
from jixiao.normalize.numbers import ARABIC_NUMBER, parse_chinese_number
from jixiao.normalize.text import clean_text
from jixiao.normalize.units import is_known_unit, make_unit
from jixiao.normalize.vocab import (
    BLANK_MARKS,
    CHINESE_BIG_UNITS,
    CHINESE_DIGITS,
    CHINESE_SMALL_UNITS,
    DATE_WORDS,
    OPERATOR_SYMBOLS,
    PERCENT_PREFIX,
    PERCENT_WORDS,
    PREFIX_OPERATOR_WORDS,
    RANGE_JOINERS,
    RANK_LEADS,
    SUFFIX_OPERATOR_WORDS,
    TRAILING_FILLERS,
    UNIT_NOTES_IGNORED,
)

ReadingKind = Literal["blank", "numeric", "range", "rank", "date", "words", "unparsed"]


@dataclass(frozen=True, slots=True)
class Reading:
    """What a cell says, before it becomes a target or a measurement."""

    kind: ReadingKind
    op: Op = ""
    value: Decimal | None = None
    upper: Decimal | None = None
    unit: Unit | None = None
    text: str = ""  # the prepared text the grammar read
    reason: str = ""
    label: str = ""  # words printed before a bound (``覆盖率`` in ``覆盖率≥95%``)


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation of ``words``, longest first so that ``不低于`` beats ``低于``."""
    return "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True))


_SYM: Final = _alternation(OPERATOR_SYMBOLS)
_PRE: Final = _alternation(PREFIX_OPERATOR_WORDS)
_POST: Final = _alternation(SUFFIX_OPERATOR_WORDS)
_FILLER: Final = _alternation(TRAILING_FILLERS)
_JOIN: Final = _alternation(RANGE_JOINERS)
_LEADS: Final = _alternation(RANK_LEADS)

_CN_DIGIT: Final = "".join(CHINESE_DIGITS)  # 零〇○一壹二贰两三叁 …
_CN_ANY: Final = _CN_DIGIT + "".join(CHINESE_SMALL_UNITS) + "".join(CHINESE_BIG_UNITS)
# The characters of the range joiners, for a character class (``-`` escaped).
_JOIN_CHARS: Final = regex.escape("".join(RANGE_JOINERS))

# A number: arabic with optional thousands separators and decimals, or a Chinese numeral that
# starts with a digit or 十 (so that a lone 万 or 百 is never a number).
_NUMBER: Final = rf"""
    (?: {ARABIC_NUMBER}                                           # 1,234.5  12  0.5
      | \.\d+                                                     # .5
      | (?: {PERCENT_PREFIX} [{_CN_ANY}]+                          # 百分之九十  百分之百
          | [{_CN_DIGIT}十拾] [{_CN_ANY}]*                         # 三  十二  两千
        ) (?: 点 [{_CN_DIGIT}]+ )?                                # 三点五
    )
"""

# A unit after a number: parenthesised, or bare with an optional parenthesised note.
_UNIT: Final = r"""
    (?: \( (?P<punit> [^()]{1,10} ) \)             # (次)  (%)  (亿次)
      | (?P<unit> [^\d()]{0,12}? )                 # 次  %  个工作日  (lazy: leave room)
        (?: \( (?P<note> [^()]{1,10} ) \) )?       # %(百分比)  %(含)
    )
"""

_BOUND: Final = regex.compile(
    rf"""
    ^
    (?P<label> [\p{{Han}}A-Za-z“”"]+? )??          # indicator words repeated before the bound
    (?P<pre1> {_SYM} | {_PRE} )?                   # an operator symbol or word
    (?P<pre2> {_SYM} | {_PRE} )?                   # a second one (达到≥95%)
    (?P<num> {_NUMBER} )                           # the bound
    {_UNIT}
    (?P<post> {_POST} )?                           # operator word after the number (以上)
    (?P<filler> (?: {_FILLER} )* )                 # words that change nothing (完成, 左右)
    $
    """,
    regex.VERBOSE,
)

_RANGE: Final = regex.compile(
    rf"""
    ^
    (?P<label> [\p{{Han}}A-Za-z]+? )??           # indicator words before the range
    (?: 在 )?                                    # 在90%-95%之间
    (?P<lo> {_NUMBER} ) (?P<u1> [^\d(){_JOIN_CHARS}]{{0,6}}? )  # lower end and its unit
    (?: {_JOIN} )                                # - ~ 至 到
    (?P<hi> {_NUMBER} ) (?P<u2> [^\d()]{{0,6}}? )  # upper end and its unit
    (?: 之间 | 区间 | 范围内 | 内 )?              # trailing words
    $
    """,
    regex.VERBOSE,
)

_RANK: Final = regex.compile(
    rf"""
    ^
    (?: {_LEADS} )*                              # 全国, 排名, 位列 …
    (?P<pre> 前 | 第 )                           # 前五名 (top N) or 第一名 (place N)
    (?P<num> \d+ | [{_CN_ANY}]+ )                # the rank
    (?: 名 | 位 | 强 )?                          # 名 / 位 / 强
    (?: 以内 | 之内 | 内 | 以上 )?               # 前五名以内
    $
    """,
    regex.VERBOSE,
)

_DATE: Final = regex.compile(
    rf"""
    (?: (?:19|20)\d{{2}} 年 (?: \d{{1,2}} 月 (?: \d{{1,2}} 日 )? )? # 2021年  2021年12月31日
      | (?:19|20)\d{{2}} [-./] \d{{1,2}} [-./] \d{{1,2}}           # 2021-12-31
      | (?: \d{{1,2}} | [{_CN_ANY}]{{1,3}} ) 月 (?: \d{{1,2}} 日 | 底 | 末 | 份 | 前 | [上中下]旬 )
      | {"|".join(DATE_WORDS)}                                     # 年底前完成
    )
    """,
    regex.VERBOSE,
)

# Any operator symbol, anywhere (a text holding one is never plain words).
_OPERATOR_SYMBOL: Final = regex.compile(_SYM)
# Words need at least one letter of some script (``%`` or ``……`` alone are not words).
_WORD: Final = regex.compile(r"[\p{L}]")
# An unknown unit is accepted when it is a few Chinese characters (``个项目``, ``人/平方公里``).
_UNKNOWN_UNIT: Final = regex.compile(r"[\p{Han}/、·]{1,6}")
# A Latin letter touching a digit or a percent sign: OCR noise such as ``9O%`` or ``l00%``.
# 一 alone (or twice) in a value cell is a dash typed or recognised as the character: a target
# or an actual is never the bare numeral 一.
_LONE_DASH: Final = regex.compile(r"一{1,2}")
# A Latin letter glued to a number (OCR noise: 9O%, M.8万元, 1O0): the number is not read.
_LETTER_NEXT_TO_DIGIT: Final = regex.compile(r"[A-Za-z]\.?\d|\d\.?[A-Za-z]|[A-Za-z]%")
# Full-width parentheses -> ASCII before the grammar reads (traditional characters are
# converted by OpenCC, :func:`jixiao.core.labels.to_simplified`).
_PARENTHESES: Final = str.maketrans({"（": "(", "）": ")"})

#: Longer texts are sentences, not bounds: the grammar does not try them.
_MAX_BOUND_LENGTH: Final = 60

_OPS_OF: Final[dict[str, str]] = {
    **OPERATOR_SYMBOLS,
    **PREFIX_OPERATOR_WORDS,
    **SUFFIX_OPERATOR_WORDS,
}


def prepare(raw: str) -> str:
    """Cleaned text in simplified characters, ASCII parentheses, without any space.

    >>> prepare("<p>≥200 人</p>"), prepare("300 公 里"), prepare("達成預期指標")
    ('≥200人', '300公里', '达成预期指标')
    >>> prepare("≥90（%）")
    '≥90(%)'
    """
    return to_simplified(clean_text(raw)).translate(_PARENTHESES).replace(" ", "")


def to_number(text: str) -> Decimal | None:
    """The value of an arabic or Chinese number matched by the grammar.

    >>> to_number("1,234.50"), to_number("十二"), to_number("百分之九十")
    (Decimal('1234.50'), Decimal('12'), Decimal('90'))
    """
    if any(c.isdigit() for c in text):
        return Decimal(text.replace(",", ""))
    return parse_chinese_number(text)


def combine_ops(printed: Iterable[str | None]) -> Op | None:
    """One operator from those printed around a number; ``None`` when they conflict.

    >>> combine_ops(["控制在", None, "以内"]), combine_ops([None]), combine_ops(["≥", "<"])
    ('<=', '', None)
    >>> combine_ops(["高于", "以上"])
    '>'
    """
    ops = [_OPS_OF[p] for p in printed if p]
    distinct = set(ops)
    if not ops:
        return ""
    if len(distinct) == 1 or distinct in ({">", ">="}, {"<", "<="}):
        return _as_op(ops[0])
    return None


def _as_op(text: str) -> Op:
    """Narrow an operator string of the vocabulary to :data:`~normalize.model.Op`."""
    for op in (">=", ">", "<=", "<", "="):
        if text == op:
            return op
    return ""


def _valid_unit(text: str) -> bool:
    """Whether ``text`` may stand as a unit: a known one, or a few Chinese characters."""
    return not text or is_known_unit(text) or _UNKNOWN_UNIT.fullmatch(text) is not None


def _unit_text(match: regex.Match[str]) -> str | None:
    """The unit of a bound (``None`` when it cannot be one), parentheses and notes dropped."""
    unit = match["punit"] or match["unit"] or ""
    note = match["note"]
    if note and note not in UNIT_NOTES_IGNORED:
        if not unit:
            unit = note
        elif any(c.isdigit() for c in note):  # a second bound: 95%(其中一类≥98%)
            return None
    if not unit and match["num"].startswith(PERCENT_PREFIX):
        unit = "%"
    if unit in PERCENT_WORDS:
        unit = "%"
    return unit if _valid_unit(unit) else None


def _read_rank(text: str) -> Reading | None:
    """``前五名`` (rank at most 5) or ``第一名`` (rank 1)."""
    match = _RANK.fullmatch(text)
    value = to_number(match["num"]) if match else None
    if match is None or value is None or value < 1:
        return None
    op: Op = "<=" if match["pre"] == "前" else "="
    return Reading("rank", op, value, text=text, reason=f"rank {match['pre']}{match['num']}")


def _read_range(text: str) -> Reading | None:
    """``90%-95%``, ``90~95%``, ``90%至95%``."""
    match = _RANGE.fullmatch(text)
    if match is None:
        return None
    low, high = to_number(match["lo"]), to_number(match["hi"])
    first, second = match["u1"], match["u2"]
    if low is None or high is None or not _valid_unit(first) or not _valid_unit(second):
        return None
    if first and second and make_unit(first).base != make_unit(second).base:
        return None
    if low > high:
        return Reading("unparsed", text=text, reason="range ends reversed")
    unit = second or first
    unit = "%" if unit in PERCENT_WORDS else unit
    return Reading(
        "range", "between", low, high, make_unit(unit) if unit else None, text, reason="range"
    )


def _read_date(text: str) -> Reading | None:
    """A date or deadline, when nothing else in the text is a number."""
    match = _DATE.search(text)
    if match is None:
        return None
    rest = text[: match.start()] + text[match.end() :]
    if any(c.isdigit() for c in rest) or _OPERATOR_SYMBOL.search(rest):
        return None
    return Reading("date", text=text, reason=f"date {match[0]}")


def _read_bound(text: str) -> Reading | None:
    """``[words] [operator] number [unit] [operator word] [filler]``."""
    if len(text) > _MAX_BOUND_LENGTH or _LETTER_NEXT_TO_DIGIT.search(text):
        return None
    match = _BOUND.fullmatch(text)
    if match is None:
        return None
    value = to_number(match["num"])
    unit = _unit_text(match)
    if value is None or unit is None:
        return None
    printed = [match["pre1"], match["pre2"], match["post"]]
    chinese = not any(c.isdigit() for c in match["num"])
    if chinese and not (is_known_unit(unit) or (not unit and not match["label"])):
        return None
    op = combine_ops(printed)
    if op is None:
        words = " ".join(p for p in printed if p)
        return Reading("unparsed", text=text, reason=f"conflicting operators {words}")
    reason = f"operator {' '.join(p for p in printed if p)}" if op else "no operator"
    if match["label"]:
        reason += f"; words before the number: {match['label']}"
    if match["note"] and match["unit"]:
        reason += f"; ignored note ({match['note']})"
    if match["filler"]:
        reason += f"; ignored {match['filler']}"
    return Reading(
        "numeric", op, value, None, make_unit(unit) if unit else None, text, reason,
        match["label"] or "",
    )  # fmt: skip


def _read_words(text: str) -> Reading | None:
    """Words (qualitative): some letters, and no digit or operator symbol."""
    if any(c.isdigit() for c in text) or _OPERATOR_SYMBOL.search(text):
        return None
    if _WORD.search(text) is None:
        return None
    return Reading("words", text=text, reason="words")


def read_value(raw: str) -> Reading:
    """Read one 年度指标值 or 实际完成值 cell; never raises.

    >>> r = read_value("覆盖率≥35(亿次)")
    >>> r.kind, r.op, r.value, r.unit, r.label
    ('numeric', '>=', Decimal('35'), Unit(text='亿次', base='次', scale=Decimal('1E+8')), '覆盖率')
    >>> read_value("控制在5%以内").op, read_value("前五名").value, read_value("9O%").reason
    ('<=', Decimal('5'), 'letters next to digits (OCR noise?)')
    """
    text = prepare(raw)
    if not text:
        return Reading("blank", text=text, reason="empty")
    if text in BLANK_MARKS or _LONE_DASH.fullmatch(text):
        return Reading("blank", text=text, reason="not applicable")
    for reader in (_read_rank, _read_range, _read_date, _read_bound, _read_words):
        reading = reader(text)
        if reading is not None:
            return reading
    if _LETTER_NEXT_TO_DIGIT.search(text):
        return Reading("unparsed", text=text, reason="letters next to digits (OCR noise?)")
    if _OPERATOR_SYMBOL.search(text) and not any(c.isdigit() for c in text):
        return Reading("unparsed", text=text, reason="operator without a number")
    if not any(c.isdigit() for c in text):
        return Reading("unparsed", text=text, reason="no words and no number")
    return Reading("unparsed", text=text, reason="number with unrecognised text")
