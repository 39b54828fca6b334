"""What the problem messages say (issue #25): the numbers a table's frame holds, shown as the
table prints them, a blank cell called blank, and one problem per cause.

Each case is a small hand-made 自评表 (:class:`tests.test_score_checks.Sheet`) scored under the
national policy."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest
import regex

from jixiao.extract import grid_to_table, text_to_grids
from jixiao.score import Frames, load_policy, score_table
from tests.test_score_checks import Sheet

#: A printed total of whole points explained by the unrounded execution score (9.9499…, printed
#: 9): the sum of the exact parts has every digit of a Decimal, and the total compared the
#: publisher's way (92) is not the table's score_total (91.95).
UNROUNDED_EXECUTION = Sheet(
    "unrounded-execution-whole-total",
    [],
    funds=("409.90", "495.40", "492.92", "10", "99.49", "9"),
    sub_funds=("409.90", "495.40", "492.92"),
    rows=(
        ("甲完成数", "≥10次", "12次", "50", "50", ""),
        ("乙达标率", "≥90%", "72%", "40", "40", ""),
    ),
    total=("100", "100"),
)

TOTAL_CASES = [
    UNROUNDED_EXECUTION,
    Sheet("total-not-sum-of-printed", [], total=("100", "95")),
    Sheet(
        "missed-target-whole-total",
        [],
        rows=(
            ("甲完成数", "≥10次", "12次", "50", "50", ""),
            ("乙达标率", "≥90%", "71%", "40", "40", ""),
        ),
    ),
]


def _frames(sheet: Sheet) -> Frames:
    (grid,) = text_to_grids(sheet.text(), file="t.tsv")
    return score_table(grid_to_table(grid), table_id="t.tsv#1", policy=load_policy(sheet.policy))


def _problems(sheet: Sheet) -> pd.DataFrame:
    return _frames(sheet).problems


@pytest.mark.parametrize("sheet", TOTAL_CASES, ids=lambda s: s.id)
def test_the_recomputed_total_in_a_message_is_the_frames(sheet: Sheet) -> None:
    frames = _frames(sheet)
    (score_total,) = frames.tables["score_total"]
    mismatch = frames.problems[frames.problems["code"] == "total_mismatch"]
    assert len(mismatch) == 1
    said = regex.search(r"按规则重算为 ([\d.]+)", mismatch["message"].iloc[0])
    assert said is not None
    assert Decimal(said.group(1)) == Decimal(str(score_total))
    assert Decimal(mismatch["expected"].iloc[0]) == Decimal(str(score_total))


def test_the_publishers_way_of_adding_up_is_said_beside_the_recomputed_total() -> None:
    problems = _problems(UNROUNDED_EXECUTION)
    (message,) = problems.loc[problems["code"] == "total_mismatch", "message"]
    assert message == (
        "总分：表中为 100，按规则重算为 91.95（按表中的加总方式："
        "按未取整的预算执行得分（≈9.95）计，合计 ≈91.95，取整为 92；差异来自上面各行的差异）"
    )


#: A number in a message with more decimals than the policy prints (two, national).
_LONG_NUMBER = regex.compile(r"\d\.\d{3,}")


@pytest.mark.parametrize("sheet", TOTAL_CASES, ids=lambda s: s.id)
def test_no_message_prints_a_raw_decimal(sheet: Sheet) -> None:
    messages = _problems(sheet)["message"].tolist()
    assert [m for m in messages if _LONG_NUMBER.search(m)] == []


def test_a_sum_in_a_message_is_shown_at_the_policys_precision() -> None:
    problems = _problems(UNROUNDED_EXECUTION)
    (message,) = problems.loc[problems["code"] == "total_sum_mismatch", "message"]
    assert message.endswith("合计 ≈99.95，表中取整为 100")


def test_an_unscored_table_names_no_recomputed_total() -> None:
    """An unscored table has no score_total: no message may claim one."""
    sheet = Sheet(
        "unscored",
        [],
        funds=("100", "100", "100", "", "100.00", ""),
        rows=(("甲完成数", "", "12次", "50", "50", ""), ("乙达标率", "", "95%", "40", "40", "")),
        total=("100", "95"),
    )
    frames = _frames(sheet)
    assert frames.tables["read_status"].tolist() == ["unscored"]
    assert frames.tables["score_total"].isna().all()
    messages = frames.problems["message"].tolist()
    assert [m for m in messages if "重算为" in m] == []
    assert "total_sum_mismatch" in frames.problems["code"].tolist()  # the printed sum still


BLANK_CASES = [
    pytest.param(
        ("", "12次"), "unparsed_target", "年度指标值为空，该指标不重算得分", id="blank-target"
    ),
    pytest.param(
        ("  ", "12次"), "unparsed_target", "年度指标值为空，该指标不重算得分", id="spaces-target"
    ),
    pytest.param(
        ("≥10次", ""), "unparsed_actual", "实际完成值为空，该指标不重算得分", id="blank-actual"
    ),
]


@pytest.mark.parametrize(("cells", "code", "message"), BLANK_CASES)
def test_a_blank_cell_is_described_as_blank(
    cells: tuple[str, str], code: str, message: str
) -> None:
    target, actual = cells
    rows = (
        ("甲完成数", target, actual, "50", "50", ""),
        ("乙达标率", "≥90%", "95%", "40", "40", ""),
    )
    problems = _problems(Sheet("blank", [], rows=rows))
    assert problems.loc[problems["code"] == code, "message"].tolist() == [message]


def test_an_unreadable_target_still_quotes_its_text() -> None:
    rows = (("甲完成数", "≥", "12次", "50", "50", ""), ("乙达标率", "≥90%", "95%", "40", "40", ""))
    problems = _problems(Sheet("operator-only", [], rows=rows))
    (message,) = problems.loc[problems["code"] == "unparsed_target", "message"]
    assert message.startswith("无法识别的年度指标值：“≥”（")


@pytest.mark.parametrize("score", ["IO", "4O", "M.8"])
def test_an_unreadable_score_is_one_problem(score: str) -> None:
    """``IO`` for 10 is an unreadable number, not also a missing score."""
    rows = (
        ("甲完成数", "≥10次", "12次", "50", "50", ""),
        ("乙达标率", "≥90%", "95%", "40", score, ""),
    )
    problems = _problems(Sheet("unreadable-score", [], rows=rows))
    cell = problems[(problems["row"] == 9) & (problems["col"] == 7)]
    assert cell["code"].tolist() == ["unparsed_number"]
    assert cell["found"].tolist() == [score]


def test_a_blank_score_is_still_a_missing_score() -> None:
    rows = (
        ("甲完成数", "≥10次", "12次", "50", "50", ""),
        ("乙达标率", "≥90%", "95%", "40", "", ""),
    )
    problems = _problems(Sheet("blank-score", [], rows=rows))
    assert problems.loc[problems["code"] == "missing_score", "field"].tolist() == ["score_reported"]
