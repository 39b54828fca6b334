"""compare: target and actual as printed -> met, ratio; expected values written out by hand.

``ratio`` is written as a string (``"0.8"``) or as a fraction ``("71", "95")`` when its decimal
expansion does not end.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

import pytest

from jixiao.core.errors import NumberParseError
from jixiao.normalize import compare, parse_actual, parse_decimal, parse_target


@dataclass(frozen=True)
class Case:
    target: str
    actual: str
    met: bool | None
    ratio: str | tuple[str, str] | None = None
    comparable: bool = True
    reason: str | None = None
    indicator: str | None = None


def C(target, actual, met, ratio=None, **kw):  # noqa: N802 - a table shorthand
    return Case(target, actual, met, ratio, **kw)


def X(target, actual, reason):  # noqa: N802 - cannot be compared
    return Case(target, actual, None, None, comparable=False, reason=reason)


SEED = [
    C("≥200(次)", "235次", True, "1.175"),
    C("≥90(%)", "99.49%", True, ("99.49", "90")),
    C("≥50%", "60%", True, "1.2"),
    C("≥90%", "100%", True, ("100", "90")),
    C("=0%", "2.5%", False, None, reason="zero target"),
    C("≥4次", "10次", True, "2.5"),
    C("≤5%", "0%", True, None),
    C("≥50%", "40%", False, "0.8"),
    C("≥40次", "95次", True, "2.375"),
    C("≥3(次)", "4(次)", True, ("4", "3")),
    C("≥50%", "38%", False, "0.76"),
    C("≥95%", "96%", True, ("96", "95")),
    C("≥95%", "71%", False, ("71", "95")),
    C("≥50%", "10%", False, "0.2"),
    C("前五名", "前五名", True, None),
    C("≥90%", "95%", True, ("95", "90")),
    C("≥2800(万)", "3000(万)", True, ("3000", "2800")),
    C("=100%", "100%", True, "1"),
    C("≥50%", "25%", False, "0.5"),
    C("≥35(亿次)", "40(亿次)", True, ("40", "35")),
    C("≥1次", "1次", True, "1"),
    C("≥60%", "30%", False, "0.5"),
    C("≥90%", "90%", True, "1"),
    C("≥95%", "100%", True, ("100", "95")),
    C("≥200 人", "280 人", True, "1.4"),
    C("≥5(次)", "8 次", True, "1.6"),
    C("≥50%", "26%", False, "0.52"),
    C("≥1 次", "2 次", True, "2"),
]

NUMBERS = [
    C("≥90%", "95", True, ("95", "90")),
    C("≥200(次)", "150", False, "0.75"),
    C(">80%", "80%", False, "1"),
    C(">80%", "81%", True, "1.0125"),
    C("<3%", "3%", False, "1"),
    C("<3%", "2%", True, "1.5"),
    C("≤5%", "10%", False, "0.5"),
    C("≤5%", "4%", True, "1.25"),
    C("控制在5%以内", "3%", True, ("5", "3")),
    C("不超过30万元", "40万元", False, "0.75"),
    C("不超过30万元", "200000元", True, "1.5"),
    C("=100%", "120%", True, "1.2"),
    C("=100%", "90%", False, "0.9"),
    C("100%", "90%", False, "0.9"),
    C("2%", "1%", True, "2", indicator="公文出错率"),
    C("2%", "4%", False, "0.5", indicator="公文出错率"),
    C("≥1.2万人", "13000人", True, ("13000", "12000")),
    C("≥1.2万人", "9000人", False, "0.75"),
    C("≥2800万", "2900万人", True, ("2900", "2800")),
    C("≥1公里", "800米", False, "0.8"),
    C("≥50‰", "6%", True, "1.2"),
    C("≥0", "0", True, None),
    C("<0", "0", False, None),
    C("<0", "-1", True, "0"),
    C("≥100", "0", False, "0"),
    C("≥95%", "≥96%", True, ("96", "95"), reason="actual printed with >="),
    C("≥200米", "≥266米", True, "1.33"),
    C("不少于三次", "3次", True, "1"),
    C("百分之九十", "92%", True, ("92", "90")),
    C("≥20厘米", "0.3米", True, "1.5"),
    C("≤15天", "30天", False, "0.5"),
]

ZERO = [
    C("=0%", "0%", True, None),
    C("0起", "0", True, None),
    C("0起", "1起", False, None),
    C("≤0", "0.1", False, None),
    C("=0%", "0", True, None),
    X("0起", "无", "actual empty"),
    X("0起", "5%", "unit mismatch: 起 vs %"),
]

RANGES = [
    C("90%-95%", "92%", True, "1"),
    C("90%-95%", "85%", False, ("85", "90")),
    C("90%-95%", "97%", False, ("95", "97")),
    C("90~95%", "90%", True, "1"),
    C("90~95%", "95%", True, "1"),
    C("3-5次", "6次", False, ("5", "6")),
    C("0-5%", "6%", False, ("5", "6")),
    X("90%-95%", "90件", "unit mismatch: % vs 件"),
]

RANKS = [
    C("前五名", "第3名", True, None),
    C("前三", "第5名", False, None),
    C("第一名", "第一名", True, None),
    C("前5名", "5", True, None),
    C("前5名", "3名", True, None),
    X("前五名", "达成", "word actual for a rank target"),
    X("前五名", "95%", "numeric actual for a rank target"),
]

WORDS = [
    C("效果明显", "达成预期指标", True, None),
    C("效果明显", "基本完成", False, None),
    C("效果明显", "未完成", False, None),
    C("是", "是", True, None),
    C("是", "否", False, None),
    C("全省前列", "已完成", True, None),
    C("2021年底", "按期完成", True, None),
    C("11月底完成", "延期完成", False, None),
    C("健全", "健全", True, None, reason="repeats the target"),
    C("规范有序", "规范有序", True, None, reason="repeats the target"),
    X("效果明显", "95%", "no completion word in a numeric actual"),
    X("效果明显", "详见附件", "no completion word"),
    X("2021年底", "2021年12月", "no completion word in a date actual"),
]

INCOMPARABLE = [
    X("≤30万元", "完成", "word actual for a numeric target (says 达成)"),
    X("100%", "1000件", "unit mismatch: % vs 件"),
    X("≥90%", "30件", "unit mismatch: % vs 件"),
    X("≥2800(万)", "95%", "unit mismatch: 万 vs %"),
    X("≥9O%", "95%", "target not understood"),
    X("", "95%", "target not understood: empty"),
    X("≥90%", "", "actual empty"),
    X("≥90%", "—", "actual empty"),
    X("≥90%", "9O%", "actual unparsed"),
    X("≥90%", "前三", "rank actual for a numeric target"),
    X("≥90%", "2024年底", "date actual for a numeric target"),
    X("≥90%", "90%-95%", "actual is a range"),
]

CASES = SEED + NUMBERS + ZERO + RANGES + RANKS + WORDS + INCOMPARABLE


def _ratio(spec):
    if spec is None:
        return None
    if isinstance(spec, tuple):
        return Decimal(spec[0]) / Decimal(spec[1])
    return Decimal(spec)


@pytest.mark.parametrize("case", CASES, ids=[f"{c.target}|{c.actual}" for c in CASES])
def test_compare(case):
    target = parse_target(case.target, indicator=case.indicator)
    result = compare(target, parse_actual(case.actual, target=target))
    assert (result.met, result.ratio, result.comparable) == (
        case.met,
        _ratio(case.ratio),
        case.comparable,
    ), result.reason
    if case.reason is not None:
        assert case.reason in result.reason


def test_compare_cases_have_no_duplicate_inputs():
    keys = Counter((c.target, c.actual, c.indicator) for c in CASES)
    assert [k for k, n in keys.items() if n > 1] == []


def _indicator_rows(seed_text):
    """(target, actual) of each indicator row: the two cells before weight and score."""
    rows, inside = [], False
    for line in seed_text.splitlines():
        cells = [c.strip() for c in line.split("\t") if c.strip()]
        if any("指标值" in c for c in cells):
            inside = True
            continue
        if not inside or not cells or cells[0] == "总分":
            inside = inside and bool(cells) and cells[0] != "总分"
            continue
        numeric = []
        for i, cell in enumerate(cells):
            try:
                numeric.append((i, parse_decimal(cell)))
            except NumberParseError:
                continue
        weight_at = [i for i, v in numeric if v is not None][-2]
        rows.append((cells[weight_at - 2], cells[weight_at - 1]))
    return rows


def test_every_seed_target_and_actual_is_understood(seed_text):
    rows = _indicator_rows(seed_text)
    assert len(rows) == 43  # 7 + 6 + 8 + 8 + 7 + 7 indicator rows
    for target_text, actual_text in rows:
        target = parse_target(target_text)
        actual = parse_actual(actual_text, target=target)
        assert target.kind != "unparsed", target_text
        assert actual.kind not in ("unparsed", "empty"), actual_text
        assert compare(target, actual).comparable, (target_text, actual_text)
