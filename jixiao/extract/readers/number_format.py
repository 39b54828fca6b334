"""Spreadsheet number formats: a cell's stored value → the text the spreadsheet shows.

A workbook stores ``0.9949`` and shows ``99.49%`` (format ``0.00%``), stores ``100.0`` and
shows ``100``, stores a date serial and shows ``2024/1/15``. A 自评表 is read as printed, so the
spreadsheet readers turn every stored value into its displayed text with
:func:`value_to_text` and keep the stored value in the cell's provenance.

Covered: ``General``; the digit placeholders ``0 # ?`` with decimals, thousands separators and
scaling commas, percent and scientific ``E+00``; literal text (``"元"``, ``\\x``, ``[$¥-804]``),
padding ``_x`` and fill ``*x``; sections (positive;negative;zero;text), colours and simple
conditions (``[Red]``, ``[红色]``, ``[>=100]``); ``G/通用格式`` (General as zh-CN Excel writes it);
dates and times (``yyyy m d h mm ss AM/PM``, elapsed ``[h]``), month and weekday names as a
zh-CN spreadsheet shows them (``aaaa`` is 星期一), and the built-in date
formats by id as zh-CN Excel shows them (:data:`ZH_CN_BUILTIN_FORMATS`). Fractions
(``# ?/?``) are shown as General.

Rounding is half away from zero on the value's first 15 significant digits, as Excel does
(``2.675`` with ``0.00`` shows ``2.68``, though the double is slightly below 2.675).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

import regex

#: Built-in format ids whose text depends on the locale, as zh-CN Excel shows them (ECMA-376
#: Part 1, 18.8.30); the readers use these instead of the en-US strings the libraries give.
ZH_CN_BUILTIN_FORMATS: Final = {
    14: "yyyy/m/d",
    22: "yyyy/m/d h:mm",
    27: 'yyyy"年"m"月"',
    28: 'm"月"d"日"',
    29: 'm"月"d"日"',
    30: "m-d-yy",
    31: 'yyyy"年"m"月"d"日"',
    32: 'h"时"mm"分"',
    33: 'h"时"mm"分"ss"秒"',
    34: '上午/下午h"时"mm"分"',
    35: '上午/下午h"时"mm"分"ss"秒"',
    36: 'yyyy"年"m"月"',
    50: 'yyyy"年"m"月"',
    51: 'm"月"d"日"',
    52: 'yyyy"年"m"月"',
    53: 'm"月"d"日"',
    54: 'm"月"d"日"',
    55: '上午/下午h"时"mm"分"',
    56: '上午/下午h"时"mm"分"ss"秒"',
    57: 'yyyy"年"m"月"',
    58: 'm"月"d"日"',
}

_EXCEL_EPOCH: Final = dt.datetime(1899, 12, 30)
_WEEKDAYS: Final = ("一", "二", "三", "四", "五", "六", "日")
_MONTHS: Final = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二")

# One token of a format section, in the order tried.
_TOKEN: Final = regex.compile(
    r"""
      "(?P<quoted>[^"]*)"?                     # "literal text"
    | \\(?P<escaped>.)                         # \x: one literal character
    | _(?P<pad>.)                              # _x: a space as wide as x
    | \*(?P<fill>.)                            # *x: repeat x to fill the cell
    | \[(?P<bracket>[^\]]*)\]                  # [Red] [>=100] [$¥-804] [h] [DBNum1]
    | (?P<general>[Gg][Ee][Nn][Ee][Rr][Aa][Ll]|G/通用格式)  # General, or as zh-CN Excel
                                               # writes it; also inside a section ("¥"General)
    | (?P<ampm>AM/PM|am/pm|A/P|a/p|上午/下午)   # 12-hour clock marker
    | (?P<date>[yY]+|[mM]+|[dD]+|[hH]+|[sS]+|[eE](?![+-])|[bB][12]?|a{3,4})  # date, time,
                                               # aaa/aaaa: the weekday as zh-CN writes it
    | (?P<sci>[eE][+-])                        # scientific notation
    | (?P<digit>[0#?])                         # digit placeholders
    | (?P<other>.)                             # anything else: itself
    """,
    regex.VERBOSE | regex.DOTALL,
)
_CONDITION: Final = regex.compile(r"^(?P<op><=|>=|<>|<|>|=)\s*(?P<value>-?[\d.]+)$")
_CURRENCY: Final = regex.compile(r"^\$(?P<symbol>[^-]*)(?:-[0-9A-Fa-f]+)?$")
_ELAPSED: Final = regex.compile(r"^(?P<unit>[hH]+|[mM]+|[sS]+)$")


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "literal", "general", "date", "elapsed", "ampm", "digit", "point", "comma",
    # "percent", "sci", "text", "slash"
    text: str


@dataclass(frozen=True, slots=True)
class _Section:
    tokens: tuple[_Token, ...]
    condition: tuple[str, Decimal] | None

    @property
    def is_date(self) -> bool:
        return any(t.kind in ("date", "elapsed") for t in self.tokens)

    @property
    def has_text(self) -> bool:
        return any(t.kind == "text" for t in self.tokens)


def value_to_text(value: object, number_format: str = "General") -> str:
    """The text a spreadsheet shows for a stored value under a number format.

    >>> value_to_text(0.9949, "0.00%"), value_to_text(100.0, "General"), value_to_text(1, "0%")
    ('99.49%', '100', '100%')
    >>> value_to_text(89.974, "0.00"), value_to_text(1234.5, "#,##0.0"), value_to_text(3, "0.0")
    ('89.97', '1,234.5', '3.0')
    >>> value_to_text(-5, '0.00_);[Red](0.00)'), value_to_text(620.82, '0.00"万元"')
    ('(5.00)', '620.82万元')
    >>> value_to_text(dt.datetime(2024, 1, 5), 'yyyy"年"m"月"d"日"')
    '2024年1月5日'
    >>> value_to_text("≥90%", "@"), value_to_text(None), value_to_text(True)
    ('≥90%', '', 'TRUE')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    sections = _parse(number_format)
    if isinstance(value, str):
        text_section = next((s for s in sections if s.has_text), None)
        if text_section is None:
            return value
        return _render_literals(text_section, value)
    if isinstance(value, dt.timedelta):
        value = _EXCEL_EPOCH + value
    elif isinstance(value, dt.time):
        value = dt.datetime.combine(_EXCEL_EPOCH.date(), value)
    elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    if isinstance(value, dt.datetime):
        section = next((s for s in sections if s.is_date), None)
        if section is None:
            return value.isoformat(sep=" ").removesuffix(" 00:00:00")
        return _render_date(section, value).strip(" ")
    if not isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    number = to_decimal(value)
    section, signed = _choose(sections, number)
    if section is None:
        return general_text(number)
    if section.is_date:
        return _render_date(section, _EXCEL_EPOCH + dt.timedelta(days=float(number))).strip(" ")
    if not signed:
        number = abs(number)
    return _render_number(section, number).strip(" ")  # padding (``_)``) is not text


def to_decimal(value: int | float | Decimal) -> Decimal:
    """A stored number as Excel sees it: its first 15 significant digits.

    >>> to_decimal(0.1 + 0.2), to_decimal(100.0), to_decimal(7)
    (Decimal('0.3'), Decimal('100'), Decimal('7'))
    """
    if isinstance(value, float):
        value = Decimal(format(value, ".15g"))
    number = Decimal(value)
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number.normalize()


def general_text(number: Decimal) -> str:
    """The General format: the number with at most 11 characters, no trailing zeros.

    >>> general_text(Decimal("89.974")), general_text(Decimal("0.123456789012"))
    ('89.974', '0.123456789')
    >>> general_text(Decimal("123456789012345")), general_text(Decimal("-3"))
    ('1.23457E+14', '-3')
    """
    if number == 0:
        return "0"
    sign = "-" if number < 0 else ""
    number = abs(number)
    if number >= Decimal("1e11") or number < Decimal("1e-9"):
        mantissa, exponent = f"{number:.5E}".split("E")
        mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{sign}{mantissa}E{int(exponent):+03d}"
    integer_digits = len(str(int(number))) if number >= 1 else 1
    places = max(0, 10 - integer_digits)
    rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{rounded:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return sign + text


def _parse(number_format: str) -> list[_Section]:
    if number_format.strip().casefold() in ("", "general", "g/通用格式"):
        return []
    sections: list[_Section] = []
    tokens: list[_Token] = []
    condition: tuple[str, Decimal] | None = None
    for match in _TOKEN.finditer(number_format):
        kind = match.lastgroup
        text = match.group(kind or 0)
        if kind == "other" and text == ";":
            sections.append(_Section(tuple(tokens), condition))
            tokens, condition = [], None
            continue
        if kind == "bracket":
            condition = _bracket(text, tokens) or condition
            continue
        tokens.extend(_tokens_of(kind, text))
    sections.append(_Section(tuple(tokens), condition))
    if all(not s.tokens for s in sections):
        return []
    return sections


def _bracket(text: str, tokens: list[_Token]) -> tuple[str, Decimal] | None:
    """Handle a ``[…]`` part: a condition is returned, a currency or elapsed time appended."""
    condition = _CONDITION.match(text.strip())
    if condition:
        return condition["op"], Decimal(condition["value"])
    currency = _CURRENCY.match(text)
    if currency:
        if currency["symbol"]:
            tokens.append(_Token("literal", currency["symbol"]))
        return None
    if _ELAPSED.match(text):
        tokens.append(_Token("elapsed", text.lower()))
    return None  # a colour, DBNum, a locale: nothing to show


def _tokens_of(kind: str | None, text: str) -> list[_Token]:
    if kind in ("quoted", "escaped"):
        return [_Token("literal", text)]
    if kind == "pad":
        return [_Token("literal", " ")]
    if kind == "fill":
        return []
    if kind == "general":
        return [_Token("general", text)]
    if kind == "ampm":
        return [_Token("ampm", text)]
    if kind == "date":
        if text[0] in "bB":
            return []
        return [_Token("date", text.lower())]
    if kind == "sci":
        return [_Token("sci", text)]
    if kind == "digit":
        return [_Token("digit", text)]
    special = {".": "point", ",": "comma", "%": "percent", "@": "text", "/": "slash"}
    return [_Token(special.get(text, "literal"), text)]


def _choose(sections: list[_Section], number: Decimal) -> tuple[_Section | None, bool]:
    """The section a number is shown with, and whether its sign is shown as a minus."""
    numeric = [s for s in sections if not (s.has_text and not _has_digits(s))] or sections
    if not numeric:
        return None, True
    if any(s.condition for s in numeric[:2]):
        for section in numeric[:2]:
            if section.condition and _holds(section.condition, number):
                return section, section is numeric[0] or number >= 0
        rest = numeric[2] if len(numeric) > 2 else numeric[-1]
        return rest, True
    if number < 0 and len(numeric) >= 2:
        return numeric[1], False
    if number == 0 and len(numeric) >= 3:
        return numeric[2], False
    return numeric[0], True


def _has_digits(section: _Section) -> bool:
    return any(t.kind in ("digit", "date", "elapsed", "general") for t in section.tokens)


def _holds(condition: tuple[str, Decimal], number: Decimal) -> bool:
    op, bound = condition
    return {
        "<": number < bound,
        "<=": number <= bound,
        ">": number > bound,
        ">=": number >= bound,
        "=": number == bound,
        "<>": number != bound,
    }[op]


def _render_literals(section: _Section, text: str) -> str:
    return "".join(text if t.kind == "text" else t.text for t in section.tokens)


def _render_number(section: _Section, number: Decimal) -> str:
    tokens = section.tokens
    if any(t.kind == "general" for t in tokens):
        return "".join(general_text(number) if t.kind == "general" else t.text for t in tokens)
    if any(t.kind == "slash" for t in tokens) and any(t.kind == "digit" for t in tokens):
        return general_text(number)  # fractions: not covered
    digit_positions = [i for i, t in enumerate(tokens) if t.kind == "digit"]
    if not digit_positions:
        return ("-" if number < 0 else "") + "".join(t.text for t in tokens if t.kind != "comma")
    sci = next((i for i, t in enumerate(tokens) if t.kind == "sci"), None)
    mantissa_end = sci if sci is not None else len(tokens)
    point = next(
        (i for i, t in enumerate(tokens[:mantissa_end]) if t.kind == "point"), mantissa_end
    )
    integer = [tokens[i].text for i in digit_positions if i < point]
    decimals = [tokens[i].text for i in digit_positions if point < i < mantissa_end]
    last_integer = max((i for i in digit_positions if i < point), default=-1)
    grouping = any(
        t.kind == "comma" and i < last_integer and i > digit_positions[0]
        for i, t in enumerate(tokens)
    )
    scaling = _scaling_commas(tokens, digit_positions, mantissa_end)
    percent = sum(1 for t in tokens if t.kind == "percent")
    value = number * Decimal(100) ** percent / Decimal(1000) ** scaling
    exponent_text = ""
    if sci is not None:
        value, exponent_text = _scientific(value, len(integer), tokens, sci)
    negative = value < 0
    value = abs(value).quantize(Decimal(1).scaleb(-len(decimals)), rounding=ROUND_HALF_UP)
    whole, _, fraction = f"{value:f}".partition(".")
    whole = _integer_text(whole, integer, grouping)
    fraction = _fraction_text(fraction, decimals)
    out: list[str] = ["-"] if negative and value != 0 else []
    placed_integer = placed_fraction = False
    for i, token in enumerate(tokens[:mantissa_end]):
        if token.kind == "digit":
            if i < point and not placed_integer:
                out.append(whole)
                placed_integer = True
            elif i > point and not placed_fraction:
                out.append(fraction)
                placed_fraction = True
        elif token.kind == "point":
            if not placed_integer:
                out.append(whole)
                placed_integer = True
            out.append(".")
        elif token.kind not in ("comma", "sci"):
            out.append(token.text)
    out.append(exponent_text)
    if sci is not None:
        out.extend(t.text for t in tokens[mantissa_end + 1 :] if t.kind != "digit")
    return "".join(out)


def _scaling_commas(tokens: tuple[_Token, ...], digits: list[int], end: int) -> int:
    """Commas right after the last digit placeholder of the integer (or decimal) part."""
    last = max((i for i in digits if i < end), default=-1)
    count = 0
    for token in tokens[last + 1 : end]:
        if token.kind == "comma":
            count += 1
        elif token.kind in ("literal", "percent"):
            continue
        else:
            break
    return count


def _scientific(
    value: Decimal, integer_places: int, tokens: tuple[_Token, ...], sci: int
) -> tuple[Decimal, str]:
    places = max(1, integer_places)
    exponent = 0
    if value != 0:
        exponent = value.copy_abs().adjusted() - (places - 1)
    mantissa = value.scaleb(-exponent)
    exponent_digits = sum(1 for t in tokens[sci + 1 :] if t.kind == "digit")
    sign = "-" if exponent < 0 else ("+" if tokens[sci].text.endswith("+") else "")
    return mantissa, f"E{sign}{abs(exponent):0{max(exponent_digits, 1)}d}"


def _integer_text(whole: str, placeholders: list[str], grouping: bool) -> str:
    if whole == "0" and "0" not in placeholders:
        whole = ""
    minimum = sum(1 for p in placeholders if p == "0")
    whole = whole.rjust(minimum, "0")
    if grouping and whole:
        whole = f"{int(whole):,}".rjust(minimum, "0")
    spaces = sum(1 for p in placeholders if p == "?")
    return whole.rjust(minimum + spaces)


def _fraction_text(fraction: str, placeholders: list[str]) -> str:
    digits = list(fraction.ljust(len(placeholders), "0"))
    for i in range(len(placeholders) - 1, -1, -1):
        if digits[i] != "0" or placeholders[i] == "0":
            break
        digits[i] = " " if placeholders[i] == "?" else ""
    return "".join(digits)


def _render_date(section: _Section, moment: dt.datetime) -> str:
    tokens = section.tokens
    twelve_hour = any(t.kind == "ampm" for t in tokens)
    out: list[str] = []
    for i, token in enumerate(tokens):
        if token.kind == "date":
            out.append(_date_part(token.text, moment, _is_minute(tokens, i), twelve_hour))
        elif token.kind == "elapsed":
            seconds = (moment - _EXCEL_EPOCH).total_seconds()
            unit = {"h": 3600, "m": 60, "s": 1}[token.text[0]]
            out.append(f"{int(seconds // unit):0{len(token.text)}d}")
        elif token.kind == "ampm":
            morning = moment.hour < 12
            if token.text == "上午/下午":
                out.append("上午" if morning else "下午")
            else:
                first, second = token.text.split("/")
                out.append(first if morning else second)
        elif token.kind == "point" and i > 0 and tokens[i - 1].text.startswith("s"):
            places = 0
            while i + 1 + places < len(tokens) and tokens[i + 1 + places].text == "0":
                places += 1
            fraction = f"{moment.microsecond / 1e6:.{places}f}"[1:] if places else "."
            out.append(fraction)
        elif token.kind == "digit" and i > 0 and tokens[i - 1].kind in ("point", "digit"):
            continue  # fractional seconds, written with the point
        else:
            out.append(token.text)
    return "".join(out)


def _is_minute(tokens: tuple[_Token, ...], index: int) -> bool:
    """``m`` is a minute right after an hour or right before a second, else a month."""
    if not tokens[index].text.startswith("m"):
        return False
    before = [t for t in tokens[:index] if t.kind in ("date", "elapsed")]
    after = [t for t in tokens[index + 1 :] if t.kind in ("date", "elapsed")]
    after_hour = bool(before) and before[-1].text.lstrip("[").startswith("h")
    before_second = bool(after) and after[0].text.lstrip("[").startswith("s")
    return after_hour or before_second


def _date_part(text: str, moment: dt.datetime, minute: bool, twelve_hour: bool) -> str:
    letter, width = text[0], len(text)
    if letter in "ye":
        return f"{moment.year % 100:02d}" if letter == "y" and width <= 2 else str(moment.year)
    if letter == "m" and minute:
        return f"{moment.minute:02d}" if width >= 2 else str(moment.minute)
    if letter == "m":
        if width >= 4:
            return _MONTHS[moment.month - 1] + "月"
        if width == 3:
            return f"{moment.month}月"
        return f"{moment.month:02d}" if width == 2 else str(moment.month)
    if letter == "a":  # aaa: 一, aaaa: 星期一
        return ("星期" if width >= 4 else "") + _WEEKDAYS[moment.weekday()]
    if letter == "d":
        if width >= 4:
            return "星期" + _WEEKDAYS[moment.weekday()]
        if width == 3:
            return "周" + _WEEKDAYS[moment.weekday()]
        return f"{moment.day:02d}" if width == 2 else str(moment.day)
    if letter == "h":
        hour = (moment.hour % 12 or 12) if twelve_hour else moment.hour
        return f"{hour:02d}" if width >= 2 else str(hour)
    return f"{moment.second:02d}" if width >= 2 else str(moment.second)  # "s"
