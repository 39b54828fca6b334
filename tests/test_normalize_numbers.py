"""parse_decimal, parse_amount and Chinese numerals; expected values written out by hand."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest

from jixiao.core.errors import NumberParseError
from jixiao.model.source import Source
from jixiao.normalize import Unit, parse_amount, parse_chinese_number, parse_decimal

DECIMALS = [
    ("409.90", "409.90"),
    ("495.40", "495.40"),
    ("10", "10"),
    ("0", "0"),
    ("99.49", "99.49"),
    ("99.49%", "99.49"),
    ("94.95", "94.95"),
    ("1,234.5", "1234.5"),
    ("1,234,567", "1234567"),
    ("１２", "12"),
    ("１２．５", "12.5"),
    (" 9.95 ", "9.95"),
    ("-3.5", "-3.5"),
    ("+2", "2"),
    (".5", "0.5"),
    ("100％", "100"),
    ("<p>7.5</p>", "7.5"),
    ("1 0", "10"),
]

BLANKS = ["", " ", "—", "-", "--", "/", "无", "——", "\n", "<p></p>"]

BAD = ["12.3.4", "abc", "1,23", "9O", "≥90", "十", "1.2.3%", "%", "5万元", "两"]


@pytest.mark.parametrize(("text", "expected"), DECIMALS, ids=[t for t, _ in DECIMALS])
def test_parse_decimal(text, expected):
    value = parse_decimal(text)
    assert value == Decimal(expected)
    assert str(value) == expected  # the printed precision is kept


@pytest.mark.parametrize("text", BLANKS, ids=[repr(t) for t in BLANKS])
def test_blank_cell_is_none(text):
    assert parse_decimal(text) is None


@pytest.mark.parametrize("text", BAD)
def test_not_a_number_raises_with_raw_and_source(text):
    source = Source("seed.txt", line=17, col=7)
    with pytest.raises(NumberParseError) as caught:
        parse_decimal(text, source=source)
    assert (caught.value.raw, caught.value.source) == (text, source)
    assert "seed.txt line 17, col 7" in str(caught.value)


def test_number_cases_have_no_duplicate_inputs():
    counts = Counter([t for t, _ in DECIMALS] + BLANKS + BAD)
    assert [t for t, n in counts.items() if n > 1] == []


AMOUNTS = [
    ("620.82万元", "620.82", Unit("万元", "元", Decimal("1E4"))),
    ("10萬", "10", Unit("萬", "", Decimal("1E4"))),
    ("409.90", "409.90", None),
    ("1,000元", "1000", Unit("元", "元", Decimal(1))),
    ("2亿元", "2", Unit("亿元", "元", Decimal("1E8"))),
    ("35(亿次)", "35", Unit("亿次", "次", Decimal("1E8"))),
]


@pytest.mark.parametrize(("text", "value", "unit"), AMOUNTS, ids=[a[0] for a in AMOUNTS])
def test_parse_amount(text, value, unit):
    assert parse_amount(text) == (Decimal(value), unit)


def test_parse_amount_blank_and_bad():
    assert parse_amount("—") is None
    with pytest.raises(NumberParseError):
        parse_amount("万元")


CHINESE = [
    ("三", "3"),
    ("十", "10"),
    ("十二", "12"),
    ("二十", "20"),
    ("二十五", "25"),
    ("一百", "100"),
    ("一百零五", "105"),
    ("一百二十", "120"),
    ("两千", "2000"),
    ("三千零八", "3008"),
    ("一万", "10000"),
    ("十万", "100000"),
    ("一万二千", "12000"),
    ("一亿五千万", "150000000"),
    ("百分之九十", "90"),
    ("百分之百", "100"),
    ("百分之九十五点五", "95.5"),
    ("三点五", "3.5"),
    ("零", "0"),
    ("〇", "0"),
    ("二〇二一", "2021"),
    ("叁", "3"),
    ("壹佰", "100"),
    ("两", "2"),
]

NOT_CHINESE = ["", "完成", "三次", "点五", "三点", "12"]


@pytest.mark.parametrize(("text", "expected"), CHINESE, ids=[t for t, _ in CHINESE])
def test_parse_chinese_number(text, expected):
    assert parse_chinese_number(text) == Decimal(expected)


@pytest.mark.parametrize("text", NOT_CHINESE, ids=[repr(t) for t in NOT_CHINESE])
def test_not_a_chinese_number(text):
    assert parse_chinese_number(text) is None


def test_chinese_cases_have_no_duplicate_inputs():
    counts = Counter([t for t, _ in CHINESE] + NOT_CHINESE)
    assert [t for t, n in counts.items() if n > 1] == []
