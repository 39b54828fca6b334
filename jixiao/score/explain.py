"""Plain-Chinese evidence for each indicator: the rule that gives its score, and how the
printed number relates to it (the ``explanation`` column).

>>> from decimal import Decimal as D
>>> rounding_text(D("9.8"), D("9"), D("1"), "truncate")
'表中去尾取整为 9'
>>> rounding_text(D("15.2"), D("15"), D("0.5"), "half_up")
'表中按 0.5 分取整为 15'
>>> share(D("0.76")), approx(D("7.4736842"))
('76%', '≈7.47')
"""

from __future__ import annotations

from decimal import Decimal

from jixiao.normalize import Comparison, Measurement, Target
from jixiao.score.disagreement import fmt
from jixiao.score.indicators import IndicatorScore
from jixiao.score.rounding import RoundingMode, round_to

_CENT = Decimal("0.01")
_STEP_WORDS = {Decimal("0.01"): "两位小数", Decimal("0.1"): "一位小数", Decimal(1): "整数"}

#: What each rule computes for a missed target.
_FORMULAS = {
    "higher_ratio": "按实际值/目标值×分值计分",
    "range_ratio": "按完成比例×分值计分",
    "lower_ratio": "按目标值/实际值×分值计分（越低越好）",
    "lower_linear": "按分值×(1−超出目标部分/目标值)计分（越低越好）",
    "rate_times_weight": "按实际完成率×分值计分",
}


#: Every rule's name in Chinese (the ``rule`` column under ``--labels zh``, and the explanation
#: of a row that is kept but not scored).
RULE_NAMES = {
    **_FORMULAS,  # higher_ratio, range_ratio, lower_ratio, lower_linear, rate_times_weight
    "zero_target": "零目标（实际为0得满分，否则0分）",
    "rank": "名次目标",
    "qualitative_band": "定性指标，按完成情况区间核对",
    "date": "日期目标",
    "sub_row": "“其中”分项，不计分",
    "placeholder": "模板占位行，不计分",
}


def share(ratio: Decimal) -> str:
    """A fraction as a percent with at most two decimals."""
    return fmt(round_to(ratio * 100, _CENT, "half_up")) + "%"


def approx(value: Decimal, step: Decimal = _CENT) -> str:
    """A value rounded half-up to ``step`` (two decimals unless the policy says otherwise),
    marked ``≈`` when digits were dropped: a message shows a number as a table prints it.

    >>> approx(Decimal("93.91014316174230886384404508")), approx(Decimal("9.5"), Decimal(1))
    ('≈93.91', '≈10')
    """
    shown = round_to(value, step, "half_up")
    return ("=" if shown == value else "≈") + fmt(shown)


def rounding_text(exact: Decimal, shown: Decimal, step: Decimal, mode: RoundingMode) -> str:
    """How a rounded score was shown: ``表中去尾取整为 9``, ``表中按 0.5 分取整为 15``."""
    word = _STEP_WORDS.get(step)
    how = "去尾" if mode == "truncate" else ("四舍五入" if word != "整数" else "")
    if word == "整数":
        return f"表中{how}取整为 {fmt(shown)}"
    if word:
        return f"表中{how}保留{word}为 {fmt(shown)}"
    return f"表中按 {fmt(step)} 分{'去尾' if mode == 'truncate' else ''}取整为 {fmt(shown)}"


def rounding_of(
    printed: Decimal, exact: Decimal, steps: tuple[Decimal, ...]
) -> tuple[Decimal, RoundingMode] | None:
    """The step and mode that turn ``exact`` into ``printed``, if any."""
    for step in steps:
        for mode in ("half_up", "truncate"):
            if round_to(exact, step, mode) == printed:
                return step, mode
    return None


def rule_text(
    result: IndicatorScore,
    weight: Decimal | None,
    target: Target,
    actual: Measurement,
    comparison: Comparison,
) -> str:
    """The rule and the arithmetic behind a recomputed score."""
    rule, exact = result.rule, result.score_exact
    if rule == "rate_times_weight" and exact is not None and weight is not None:
        rate = exact / weight if weight else Decimal(0)
        return f"{_FORMULAS[rule]}：{fmt(weight)}×{share(rate)}{approx(exact)}"
    if comparison.met:
        if rule == "zero_target":
            return "目标为0且实际为0，得满分"
        return "已达标，得满分"
    if rule == "zero_target":
        return "目标为0而实际不为0，得0分"
    if rule == "rank":
        return "名次目标未达成，得0分"
    formula = _FORMULAS.get(rule)
    if formula is None or exact is None or weight is None:
        return "未达标"
    if rule == "lower_linear":
        return f"未达标，{formula}：{approx(exact).lstrip('=')}"
    ratio = comparison.ratio
    arithmetic = f"{fmt(weight)}×{share(ratio)}{approx(exact)}" if ratio is not None else ""
    return f"未达标，{formula}：{arithmetic}" if arithmetic else f"未达标，{formula}"


def unchecked_text(
    result: IndicatorScore,
    weight: Decimal | None,
    target: Target,
    actual: Measurement,
    comparison: Comparison | None = None,
) -> str:
    """Why a score was not recomputed."""
    if weight is None:
        met = comparison.met if comparison is not None else None
        note = "" if met is None else ("（已达标）" if met else "（未达标）")
        return f"表中未列分值，未重算{note}"
    if target.kind == "unparsed":
        return "无法识别年度指标值，未重算" if target.raw.strip() else "年度指标值为空，未重算"
    if actual.kind in ("unparsed", "empty"):
        return "无法识别实际完成值，未重算" if actual.raw.strip() else "实际完成值为空，未重算"
    if result.rule == "qualitative_band":
        return "定性指标，完成情况无法归入达成/部分达成/未达成，未重算"
    if result.rule == "rank":
        return "名次目标未达成，得分由评价人判断，不重算"
    if result.rule == "date":
        return "日期类目标，不重算"
    return f"目标与实际无法比较（{result.reason}），未重算" if result.reason else "未重算"


def band_text(completion: str, low: Decimal, high: Decimal, weight: Decimal) -> str:
    """The band a qualitative or banded score must fall in."""
    return (
        f"完成情况“{completion}”对应分值的 {share(low / weight)}–{share(high / weight)}"
        f"（{fmt(low)}–{fmt(high)}）"
    )
