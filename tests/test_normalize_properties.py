"""Invariants of the normalizer, checked with hypothesis."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import example, given
from hypothesis import strategies as st

from jixiao.core.errors import NumberParseError
from jixiao.normalize import (
    Target,
    clean_text,
    compare,
    format_target,
    parse_actual,
    parse_decimal,
    parse_target,
)
from jixiao.normalize.units import make_unit

# Characters the grammar cares about, so that generated text often comes close to a target.
GRAMMAR_CHARS = (
    "0123456789.,%‰()（）≥≤<>=＝≧≦＞＜═~～-—至到 前第名次人万亿元个天以上内下不低于高控制在"
    "百分之一二三四五六七八九十两零点年月日底完成达基本未否是O l"
)
grammar_text = st.text(alphabet=GRAMMAR_CHARS, max_size=20)
any_text = st.one_of(st.text(max_size=40), grammar_text)

# Units that print and read back unchanged (not 年 / 月: ``≥2021年`` reads as a date).
UNIT_TEXTS = [
    "", "%", "‰", "次", "人", "人次", "万人", "万元", "元", "亿元", "亿次", "万", "个", "件",
    "起", "亩", "万亩", "米", "公里", "厘米", "天", "个工作日", "分", "名", "户", "项", "场",
    "元/人、天", "次/年", "小时",
]  # fmt: skip
OPS = [">=", ">", "<=", "<", "="]

positive = st.decimals(
    min_value=Decimal("0.01"), max_value=Decimal(10**7), places=2, allow_nan=False
).map(lambda d: d.normalize())


@given(any_text)
@example("≥")
@example("(" * 50 + "1")
@example("前" + "一" * 30 + "名")
@example("前" + "九" * 5000)
def test_parse_target_never_raises(text):
    target = parse_target(text, indicator=text, group=text)
    assert target.raw == text
    assert target.kind != "unparsed" or target.reason


@given(any_text, st.one_of(st.none(), any_text.map(parse_target)))
def test_parse_actual_never_raises(text, target):
    actual = parse_actual(text, target=target)
    assert actual.raw == text


@given(any_text, any_text)
def test_compare_never_raises_and_met_needs_comparable(target_text, actual_text):
    target = parse_target(target_text)
    result = compare(target, parse_actual(actual_text, target=target))
    assert result.comparable or result.met is None


@given(any_text)
def test_parse_decimal_raises_only_its_own_error(text):
    try:
        value = parse_decimal(text)
    except NumberParseError as error:
        raised: NumberParseError | None = error
    else:
        raised = None
        assert value is None or isinstance(value, Decimal)
    assert raised is None or raised.raw == text


@given(st.text(max_size=40))
def test_clean_text_has_no_wrap_artifacts(text):
    cleaned = clean_text(text)
    assert cleaned == cleaned.strip()
    assert "  " not in cleaned
    assert "\n" not in cleaned


def _same(first: Target, second: Target) -> bool:
    return (first.kind, first.op, first.value, first.upper, first.unit) == (
        second.kind,
        second.op,
        second.value,
        second.upper,
        second.unit,
    )


@given(st.sampled_from(OPS), positive, st.sampled_from(UNIT_TEXTS))
def test_numeric_target_survives_format_and_parse(op, value, unit):
    target = Target("numeric", op, value, None, make_unit(unit) if unit else None, "")
    again = parse_target(format_target(target))
    assert _same(again, target), (format_target(target), again)


@given(st.sampled_from(["=", "<=", ""]), st.sampled_from(UNIT_TEXTS))
def test_zero_target_survives_format_and_parse(op, unit):
    target = Target("zero", op, Decimal(0), None, make_unit(unit) if unit else None, "")
    assert _same(parse_target(format_target(target)), target)


@given(positive, positive, st.sampled_from(UNIT_TEXTS))
def test_range_target_survives_format_and_parse(low, high, unit):
    low, high = min(low, high), max(low, high)
    target = Target("range", "between", low, high, make_unit(unit) if unit else None, "")
    assert _same(parse_target(format_target(target)), target)


@given(st.integers(min_value=1, max_value=500))
def test_rank_target_survives_format_and_parse(rank):
    target = Target("rank", "<=", Decimal(rank), None, None, "")
    assert _same(parse_target(format_target(target)), target)


def _result(target_text, value):
    target = parse_target(target_text)
    return compare(target, parse_actual(format(value, "f"), target=target))


@given(positive, positive, positive, st.sampled_from([">=", ">", "="]))
def test_compare_is_monotonic_for_higher_is_better(bound, first, second, op):
    low, high = min(first, second), max(first, second)
    text = f"{ {'>=': '≥', '>': '>', '=': '='}[op] }{bound:f}%"
    worse, better = _result(text, low), _result(text, high)
    assert not worse.met or better.met
    assert worse.ratio is not None
    assert better.ratio is not None
    assert worse.ratio <= better.ratio


@given(positive, positive, positive, st.sampled_from(["≤", "<", "控制在"]))
def test_compare_is_antimonotonic_for_lower_is_better(bound, first, second, op):
    low, high = min(first, second), max(first, second)
    text = f"{op}{bound:f}%"
    better, worse = _result(text, low), _result(text, high)
    assert not worse.met or better.met
    assert worse.ratio is not None
    assert better.ratio is not None
    assert worse.ratio <= better.ratio


@given(positive, positive, positive)
def test_range_met_exactly_inside(first, second, value):
    low, high = min(first, second), max(first, second)
    result = _result(f"{low:f}%-{high:f}%", value)
    assert result.met == (low <= value <= high)
    assert result.ratio is None or result.ratio <= 1
