"""Scoring rules and checks, table-driven with hand-computed expectations."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.core.errors import PolicyError
from jixiao.normalize import compare, parse_actual, parse_target
from jixiao.score import builtin_policy_names, load_policy
from jixiao.score.disagreement import classify
from jixiao.score.execution import execution_of
from jixiao.score.indicators import score_indicator
from jixiao.score.policy import toml_to_policy
from jixiao.score.rounding import round_to

NATIONAL = load_policy("national")
SHANGHAI = load_policy("shanghai-2024")
LINEAR = load_policy("linear-reverse")

# (id, target, actual, weight, policy, expected score, expected rule)
INDICATOR_CASES = [
    ("met-higher", "≥200(次)", "235次", "20", NATIONAL, "20", "higher_ratio"),
    ("missed-higher-40-of-50", "≥50%", "40%", "20", NATIONAL, "16.00", "higher_ratio"),
    ("missed-higher-38-of-50-national", "≥50%", "38%", "20", NATIONAL, "15.20", "higher_ratio"),
    ("missed-higher-38-of-50-half-step", "≥50%", "38%", "20", SHANGHAI, "15.0", "higher_ratio"),
    ("missed-higher-71-of-95-national", "≥95%", "71%", "10", NATIONAL, "7.47", "higher_ratio"),
    ("missed-higher-71-of-95-half-step", "≥95%", "71%", "10", SHANGHAI, "7.5", "higher_ratio"),
    ("missed-higher-10-of-50", "≥50%", "10%", "10", NATIONAL, "2.00", "higher_ratio"),
    ("missed-higher-26-of-50", "≥50%", "26%", "25", NATIONAL, "13.00", "higher_ratio"),
    ("equal-100-met", "=100%", "100%", "10", NATIONAL, "10", "higher_ratio"),
    ("zero-target-missed", "=0%", "2.5%", "5", NATIONAL, "0.00", "zero_target"),
    ("zero-target-met", "=0%", "0%", "5", NATIONAL, "5", "zero_target"),
    ("lower-met", "≤5%", "0%", "15", NATIONAL, "15", "lower_ratio"),
    # lower-is-better missed: ratio 10×5/8 = 6.25; linear 10×(1−(8−5)/5) = 4
    ("lower-missed-ratio", "≤5%", "8%", "10", NATIONAL, "6.25", "lower_ratio"),
    ("lower-missed-linear", "≤5%", "8%", "10", LINEAR, "4.00", "lower_linear"),
    ("lower-linear-floor-at-zero", "≤5%", "12%", "10", LINEAR, "0.00", "lower_linear"),
    ("rank-met", "前五名", "前五名", "10", NATIONAL, "10", "rank"),
    ("big-units-met", "≥35(亿次)", "40(亿次)", "10", NATIONAL, "10", "higher_ratio"),
]


@pytest.mark.parametrize(
    ("target", "actual", "weight", "policy", "expected", "rule"),
    [c[1:] for c in INDICATOR_CASES],
    ids=[c[0] for c in INDICATOR_CASES],
)
def test_indicator_score(target, actual, weight, policy, expected, rule) -> None:
    t = parse_target(target)
    a = parse_actual(actual, target=t)
    result = score_indicator(t, a, compare(t, a), D(weight), policy)
    assert (result.score, result.rule) == (D(expected), rule)


def test_indicator_ids_are_unique() -> None:
    ids = [c[0] for c in INDICATOR_CASES]
    assert len(ids) == len(set(ids))


def test_missing_weight_gives_no_score() -> None:
    t = parse_target("≥50%")
    a = parse_actual("40%", target=t)
    assert score_indicator(t, a, compare(t, a), None, NATIONAL).score is None


# (id, budget, spent, weight, policy, rate, score)
EXECUTION_CASES = [
    ("truncated-99.49", "495.40", "492.92", "10", SHANGHAI, "99.49", "9.95"),
    ("rounded-99.50", "495.40", "492.92", "10", NATIONAL, "99.50", "9.95"),
    ("truncated-80.88", "45.00", "36.40", "10", SHANGHAI, "80.88", "8.09"),
    ("rounded-80.89", "45.00", "36.40", "10", NATIONAL, "80.89", "8.09"),
    ("twenty-points", "100", "90", "20", NATIONAL, "90.00", "18.00"),
    ("over-spent-capped", "100", "120", "10", NATIONAL, "120.00", "10.00"),
    ("no-weight", "100", "50", None, NATIONAL, "50.00", None),
]


@pytest.mark.parametrize(
    ("budget", "spent", "weight", "policy", "rate", "score"),
    [c[1:] for c in EXECUTION_CASES],
    ids=[c[0] for c in EXECUTION_CASES],
)
def test_execution(budget, spent, weight, policy, rate, score) -> None:
    result = execution_of(D(budget), D(spent), D(weight) if weight else None, policy)
    assert result.rate == D(rate)
    assert result.score == (D(score) if score else None)


def test_execution_without_budget_is_not_computed() -> None:
    assert execution_of(D(0), D(5), D(10), NATIONAL).rate is None
    assert execution_of(None, D(5), D(10), NATIONAL).score is None


@pytest.mark.parametrize(
    ("printed", "exact", "kind"),
    [
        ("15", "15.2", "rounding"),
        ("7.5", "7.4737", "rounding"),
        ("99.49", "99.4994", "rounding"),
        ("80.88", "80.8889", "rounding"),
        ("9", "9.6", "integer_display"),
        ("12", "15.2", "rule"),
        ("10", "7.47", "rule"),
    ],
    ids=[
        "half-step-down",
        "half-step-up",
        "truncated-rate",
        "truncated-rate-2",
        "integer",
        "wrong",
        "full-score-for-missed",
    ],
)
def test_classify(printed: str, exact: str, kind: str) -> None:
    assert classify(D(printed), D(exact), NATIONAL.rounding_steps) == kind


@pytest.mark.parametrize(
    ("total", "grade"),
    [("100", "优"), ("90", "优"), ("89.99", "良"), ("80", "良"), ("60", "中"), ("59.99", "差")],
)
def test_grades(total: str, grade: str) -> None:
    assert NATIONAL.grade(D(total)) == grade


def test_builtin_policies_load() -> None:
    assert {"national", "shanghai-2024", "linear-reverse"} <= set(builtin_policy_names())


def test_unknown_policy_names_the_choices() -> None:
    with pytest.raises(PolicyError, match="national"):
        load_policy("no-such-policy")


def test_invalid_policy_setting_is_named() -> None:
    text = (
        (__import__("importlib").resources.files("jixiao.score") / "policies" / "national.toml")
        .read_text("utf-8")
        .replace('lower_rule = "ratio"', 'lower_rule = "cubic"')
    )
    with pytest.raises(PolicyError, match="lower_rule"):
        toml_to_policy(text)


@given(
    st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False),
    st.sampled_from(["0.01", "0.1", "0.5", "1"]),
    st.sampled_from(["half_up", "truncate"]),
)
def test_rounding_stays_within_one_step(value: D, step: str, mode: str) -> None:
    rounded = round_to(value, D(step), mode)  # type: ignore[arg-type]
    assert abs(rounded - value) <= D(step)


weights = st.integers(min_value=1, max_value=30).map(D)
actuals = st.integers(min_value=0, max_value=300)


def _scores(target_text: str, weight: D, policy, *percents: int) -> list[D]:
    """The recomputed score of a target for each actual percentage, in order."""
    t = parse_target(target_text)
    scores = []
    for percent in percents:
        a = parse_actual(f"{percent}%", target=t)
        score = score_indicator(t, a, compare(t, a), weight, policy).score
        assert score is not None
        assert D(0) <= score <= weight
        scores.append(score)
    return scores


@given(weights, actuals, actuals, st.sampled_from([NATIONAL, SHANGHAI, LINEAR]))
def test_higher_score_is_bounded_and_non_decreasing(weight, b1, b2, policy) -> None:
    low, high = _scores("≥80%", weight, policy, *sorted((b1, b2)))
    assert low <= high


@given(weights, actuals, actuals, st.sampled_from([NATIONAL, LINEAR]))
def test_lower_score_is_bounded_and_non_increasing(weight, b1, b2, policy) -> None:
    low, high = _scores("≤20%", weight, policy, *sorted((b1, b2)))
    assert low >= high
