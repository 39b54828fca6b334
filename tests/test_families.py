"""Layout families: each read from its text fixture, checked against golden frames, with the
numbers that identify the family pinned by hand, and no non-empty cell lost."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from jixiao.core import vocabulary as labels
from jixiao.core.errors import NumberParseError
from jixiao.core.vocabulary import is_self_evaluation
from jixiao.extract import grid_to_table, text_to_grids
from jixiao.normalize import clean_text, parse_amount
from jixiao.pipeline.runner import discover, run
from jixiao.score import FRAME_NAMES, Frames, load_policy, score_table
from tests.golden_frames import FIXTURES, golden_folder, read_golden

FAMILIES = FIXTURES / "families"


@pytest.fixture(scope="module")
def frames() -> Frames:
    return run(discover([FAMILIES]), (load_policy("national"),)).frames


@pytest.mark.parametrize("name", FRAME_NAMES)
def test_family_frames_match_golden_files(frames: Frames, name: str) -> None:
    expected = read_golden(golden_folder("families", "national"), name)
    pd.testing.assert_frame_equal(getattr(frames, name), expected, check_exact=False, rtol=1e-9)


# file → (family, execution weight, weight total, printed total, recomputed total, indicators)
FAMILY_FACTS = {
    "standard_variants.txt#1": ("standard", 10, 100, 99, 99, 7),
    "standard_variants.txt#2": ("standard", 10, 100, 100, 100, 3),
    "xianjie.txt#1": ("xianjie", 10, 100, 98.81, 98.81, 6),
    "split_operator.txt#1": ("split_operator", 10, 100, 98.05, 98.05, 6),
    "hubei.txt#1": ("hubei", 20, 100, 97, 97, 5),
    "department_whole.txt#1": ("department_whole", 10, 100, 95.28, 95.28, 5),
    "hebei_converted.txt#1": ("hebei_converted", 10, 100, 98.97, 98.97, 5),
}


@pytest.mark.parametrize("table_id", FAMILY_FACTS)
def test_family_is_recognised_and_scored(frames: Frames, table_id: str) -> None:
    row = frames.tables.set_index("table_id").loc[table_id]
    family, execution_weight, weight_total, printed, recomputed, count = FAMILY_FACTS[table_id]
    assert row["family"] == family
    assert row["execution_weight"] == execution_weight
    assert row["weight_total"] == weight_total
    assert row["score_total_reported"] == printed
    assert row["score_total"] == recomputed
    assert row["indicator_count"] == count


def test_families_have_no_score_problems(frames: Frames) -> None:
    known = frames.problems[~frames.problems["table_id"].str.startswith("unknown")]
    assert sorted(known["code"]) == ["empty_indicator_row", "placeholder_row", "placeholder_row"]


def test_split_operator_columns_make_one_target(frames: Frames) -> None:
    rows = frames.indicators[frames.indicators["table_id"] == "split_operator.txt#1"]
    assert rows["target_text"].tolist()[:3] == ["≧35公里", "═100%", "≦300天"]
    assert rows["direction"].tolist()[2] == "lower"
    assert json.loads(rows["extra"].tolist()[0]) == {"度量单位": "公里", "指标性质": "≧"}


def test_department_whole_uses_the_adjusted_target_and_unit_column(frames: Frames) -> None:
    first = frames.indicators[frames.indicators["table_id"] == "department_whole.txt#1"].iloc[0]
    assert (first["target_text"], first["actual_text"]) == ("≥22项", "23")
    assert (first["actual_value"], first["actual_unit"]) == (23, "项")  # the unit, from 计量单位


def test_department_whole_names_a_department_not_a_project(frames: Frames) -> None:
    table = frames.tables.set_index("table_id").loc["department_whole.txt#1"]
    assert pd.isna(table["project_name"])
    assert table["department"] == "某市统计局"
    assert json.loads(table["extra"]) == {"部门名称": "某市统计局"}


def test_hebei_score_is_the_item_score_and_the_derived_figures_are_extra(frames: Frames) -> None:
    rows = frames.indicators[frames.indicators["table_id"] == "hebei_converted.txt#1"]
    assert rows["weight"].isna().all()  # 权重占比 is a share, not points
    assert rows["score_reported"].tolist() == [100, 100, 94.74, 100, 100]
    assert json.loads(rows["extra"].tolist()[2]) == {"折算得分": "9.47", "权重占比": "10%"}
    table = frames.tables.set_index("table_id").loc["hebei_converted.txt#1"]
    assert table["score_total_printed_sum"] == 98.97  # execution + Σ 折算得分


def test_standard_variants(frames: Frames) -> None:
    rows = frames.indicators[frames.indicators["table_id"] == "standard_variants.txt#1"]
    assert rows["level1"].tolist() == ["产出指标"] * 5 + ["效益指标"] * 4 + ["满意度指标"]
    assert rows["rule"].tolist()[1] == "sub_row"
    assert rows["rule"].tolist()[6:8] == ["placeholder", "placeholder"]
    table = frames.tables.set_index("table_id").loc["standard_variants.txt#1"]
    assert table["money_unit"] == "元"
    assert table["budget_adjusted"] == 1_000_000
    assert json.loads(table["extra"]) == {"总分等级": "优"}
    amounts = frames.tables.set_index("table_id").loc["standard_variants.txt#2"]
    assert amounts["spent"] == 620.82  # printed as '620.82万元' in a 万元 table


def test_unknown_layout_is_kept_and_reported(frames: Frames) -> None:
    table = frames.tables.set_index("table_id").loc["unknown_layout.txt#1"]
    assert table["family"] == "unknown"
    assert table["project_name"] == "机关后勤保障"
    assert table["score_total_reported"] == 95
    codes = frames.problems[frames.problems["table_id"] == "unknown_layout.txt#1"]["code"]
    assert "unknown_layout" in set(codes)
    assert (codes == "unread_cell").sum() == 10


def _label(text: str) -> bool:
    key = labels.label_key(text)
    base = labels.base_key(text)
    return bool(
        labels.indicator_field(text)
        or labels.fund_field(text)
        or key in labels.PROJECT_NAME
        or key in labels.DEPARTMENT
        or key in labels.IMPLEMENTING_UNIT
        or key in labels.TOTAL
        or key.startswith(labels.GOAL_PREFIXES)
        or key in labels.GOAL_PLANNED
        or key in labels.GOAL_ACHIEVED
        or key.startswith(labels.MONEY_LABEL_PREFIXES)
        or base in labels.INDICATOR_BLOCK
    )


def _frame_values(frames: Frames) -> tuple[set[str], set[Decimal]]:
    texts: set[str] = set()
    numbers: set[Decimal] = set()
    for name in FRAME_NAMES:
        frame = getattr(frames, name)
        for column in frame.columns:
            for value in frame[column].dropna():
                if isinstance(value, str):
                    texts.add(value)
                    if column == "extra":
                        texts.update(json.loads(value).values())
                elif isinstance(value, int | float) and not isinstance(value, bool):
                    numbers.add(Decimal(str(value)).normalize())
    return texts, numbers


def _number(text: str) -> Decimal | None:
    try:
        amount = parse_amount(text)
    except NumberParseError:
        return None
    return amount[0].normalize() if amount is not None else None


@pytest.mark.parametrize("path", sorted(FAMILIES.glob("*.txt")), ids=lambda p: p.name)
def test_no_nonempty_cell_is_lost(path: Path, frames: Frames) -> None:
    """Every non-empty cell is a label, a frame value, an extra value, or in a problem row."""
    texts, numbers = _frame_values(frames)
    messages = " ".join(frames.problems["message"].dropna())
    grids = [
        g
        for g in text_to_grids(path.read_text("utf-8"), file=path.name)
        if is_self_evaluation(g.texts())
    ]
    lost = []
    for grid in grids:
        grid_to_table(grid)
        for cell in grid.iter_nonempty():
            text = clean_text(cell.text)
            number = _number(text)
            placed = (
                _label(cell.text)
                or text in texts
                or text.lstrip("★") in texts
                or (number is not None and number in numbers)
                or text in messages
                or any(text in t for t in texts)
            )
            if not placed:
                lost.append((cell.source.line, cell.col, text))
    assert lost == []


def _problems_of(path: Path, old: str, new: str) -> list[tuple[str, str, str]]:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    (grid,) = [
        g
        for g in text_to_grids(text.replace(old, new), file=path.name)
        if is_self_evaluation(g.texts())
    ][:1]
    frames = score_table(grid_to_table(grid), table_id="t#1", policy=load_policy("national"))
    p = frames.problems
    return sorted(zip(p["code"], p["expected"], p["found"], strict=True))


# (id, fixture, printed text, altered text, expected problems (code, expected, found))
FAMILY_CHECKS = [
    (
        "group-points-differ-from-weights",
        "standard_variants.txt",
        "产出指标(50分)",
        "产出指标(40分)",
        [
            ("empty_indicator_row", "", "经济效益指标"),
            ("group_points_mismatch", "40", "50"),
            ("placeholder_row", "", "指标1"),
            ("placeholder_row", "", "......"),
        ],
    ),
    (
        "block-points-differ-from-weights",
        "split_operator.txt",
        "绩效指标(90分)",
        "绩效指标(80分)",
        [("group_points_mismatch", "80", "90")],
    ),
    (
        "block-scores-above-points",
        "hubei.txt",
        "年度绩效目标1(40分)",
        "年度绩效目标1(30分)",
        [("group_score_above_points", "≤30", "40"), ("weight_total_mismatch", "100", "90")],
    ),
    # 10 × 97.78% = 9.778 → 9.78; printed 9.5
    (
        "coefficient-score-wrong",
        "department_whole.txt",
        "97.78\t10\t9.78",
        "97.78\t10\t9.5",
        [
            ("coefficient_score_mismatch", "9.78", "9.5"),
            ("indicator_score_mismatch", "9.78", "9.5"),
            ("total_sum_mismatch", "95", "95.28"),
        ],
    ),
    # 94.74 × 10% = 9.474 → 9.47; printed 9
    (
        "converted-score-wrong",
        "hebei_converted.txt",
        "10%\t9.47",
        "10%\t9",
        [("converted_score_mismatch", "9.47", "9"), ("total_sum_mismatch", "98.5", "98.97")],
    ),
    (
        "twenty-point-execution-score-wrong",
        "hubei.txt",
        "95.00%\t19.00",
        "95.00%\t18.00",
        [("execution_score_mismatch", "19", "18"), ("total_sum_mismatch", "96", "97")],
    ),
]


@pytest.mark.parametrize(
    ("fixture", "old", "new", "expected"),
    [c[1:] for c in FAMILY_CHECKS],
    ids=[c[0] for c in FAMILY_CHECKS],
)
def test_family_checks(fixture: str, old: str, new: str, expected: list) -> None:
    assert _problems_of(FAMILIES / fixture, old, new) == sorted(expected)
