"""Every check of a table, on small hand-made tables with hand-computed expectations.

Each case builds one standard 自评表 (execution block + indicators + 总分), scores it, and
compares the (code, kind, expected, found) of its problem rows with the expected ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from jixiao.extract import grid_to_table, text_to_grids
from jixiao.score import auto_candidates, load_policy, score_table, score_table_best

NATIONAL = load_policy("national")


@dataclass(frozen=True)
class Sheet:
    """A table to build: execution row, indicator rows, total row, and what to expect."""

    id: str
    expected: list[tuple[str, str, str, str]]
    # 年初预算数, 全年预算数, 全年执行数, 分值, 执行率, 得分
    funds: tuple[str, ...] = ("100", "100", "100", "10", "100.00", "10")
    sub_funds: tuple[str, ...] = ("100", "100", "100")
    # 分值, 执行率, 得分 of the 其中：当年财政拨款 row
    sub_execution: tuple[str, str, str] = ("—", "", "—")
    # (三级指标, 年度指标值, 实际完成值, 分值, 得分, 偏差原因)
    rows: tuple[tuple[str, ...], ...] = (
        ("甲完成数", "≥10次", "12次", "50", "50", ""),
        ("乙达标率", "≥90%", "95%", "40", "40", ""),
    )
    total: tuple[str, str] = ("100", "100")
    title: str = "项目支出绩效自评表"
    year: str = "(2024年度)"
    project: str = "测试项目"
    policy: str = "national"
    extra: dict[str, str] = field(default_factory=dict)

    def text(self) -> str:
        lines = [
            f"# {self.title}",
            self.year,
            f"项目名称\t{self.project}\t\t\t\t\t\t\t",
            "主管部门\t某局\t\t\t实施单位\t某中心\t\t\t",
            "项目资金(万元)\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率(%)\t得分\t",
            "\t年度资金总额\t" + "\t".join(self.funds) + "\t",
            "\t其中：当年财政拨款\t" + "\t".join(self.sub_funds + self.sub_execution) + "\t",
            "年度总体目标\t预期目标\t\t\t实际完成情况\t\t\t\t",
            "\t计划\t\t\t完成\t\t\t\t",
            "绩效指标\t一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施",
        ]
        for index, (name, target, actual, weight, score, note) in enumerate(self.rows):
            level1 = "产出指标" if index == 0 else ""
            lines.append(
                f"\t{level1}\t数量指标\t{name}\t{target}\t{actual}\t{weight}\t{score}\t{note}"
            )
        lines.append(f"\t总分\t\t\t\t\t{self.total[0]}\t{self.total[1]}\t")
        return "\n".join(lines)


def _problems(sheet: Sheet) -> list[tuple[str, str, str, str]]:
    (grid,) = text_to_grids(sheet.text(), file="t.tsv")
    frames = score_table(grid_to_table(grid), table_id="t.tsv#1", policy=load_policy(sheet.policy))
    p = frames.problems
    return sorted(zip(p["code"], p["kind"], p["expected"], p["found"], strict=True))


NOTE = "原因"
CASES = [
    Sheet("clean-table", []),
    Sheet(
        "total-not-sum-of-printed",
        [("total_mismatch", "rule", "100", "95"), ("total_sum_mismatch", "rule", "100", "95")],
        total=("100", "95"),
    ),
    # the weights contradict the 总分 row (10 + 60 + 40 = 110 under 100): an error of the
    # table; its total 100 is the indicators' scores without the execution block, the total
    # row's own convention (info), and the recomputed total added up the same way agrees
    Sheet(
        "weights-add-to-110",
        [
            ("weight_total_mismatch", "rule", "100", "110"),
            ("total_sum_mismatch", "convention", "110", "100"),
        ],
        rows=(
            ("甲完成数", "≥10次", "12次", "60", "60", ""),
            ("乙达标率", "≥90%", "95%", "40", "40", ""),
        ),
    ),
    # a score above its weight contradicts the table: one error for the cell, and the total
    # that differs only through it takes its kind
    Sheet(
        "score-above-weight",
        [
            ("score_above_weight", "rule", "≤40", "42"),
            ("total_mismatch", "rule", "100", "102"),
        ],
        rows=(
            ("甲完成数", "≥10次", "12次", "50", "50", ""),
            ("乙达标率", "≥90%", "95%", "40", "42", ""),
        ),
        total=("100", "102"),
    ),
    # ≥90% with 80%: 40 × 80/90 = 35.555… → 35.56 under the national default; full marks for
    # a missed target is the evaluator's leniency, not arithmetic the table contradicts
    Sheet(
        "missed-target-scored-in-full",
        [
            ("missed_target_full_score", "judgement", "35.56", "40"),
            ("total_mismatch", "judgement", "95.56", "100"),
        ],
        rows=(
            ("甲完成数", "≥10次", "12次", "50", "50", ""),
            ("乙达标率", "≥90%", "80%", "40", "40", NOTE),
        ),
    ),
    Sheet(
        "met-target-scored-below-weight",
        [
            ("met_target_not_full_score", "judgement", "40", "38"),
            ("total_mismatch", "judgement", "100", "98"),
        ],
        rows=(
            ("甲完成数", "≥10次", "12次", "50", "50", ""),
            ("乙达标率", "≥90%", "95%", "40", "38", NOTE),
        ),
        total=("100", "98"),
    ),
    # ≥100 with 96: 10 × 96/100 = 9.6 printed 10, the full weight: the whole-number display of
    # 9.6, not a missed target scored in full
    Sheet(
        "missed-target-full-weight-as-integer-display",
        [
            ("indicator_score_mismatch", "integer_display", "9.6", "10"),
            ("total_mismatch", "integer_display", "99.6", "100"),
        ],
        rows=(
            ("甲完成数", "≥10次", "12次", "80", "80", ""),
            ("乙达标率", "≥100", "96", "10", "10", ""),
        ),
    ),
    Sheet(
        "missing-deviation-note",
        [("missing_deviation_note", "missing_data", "", "")],
        rows=(
            ("甲完成数", "≥10次", "12次", "50", "50", ""),
            ("乙达标率", "≥90%", "80%", "40", "35.56", ""),
        ),
        total=("100", "95.56"),
    ),
    # 40 × 87/100 = 34.8: 35 is the nearest 0.5 (rounding); 10 × 87/100 = 8.7 printed 9 is only
    # the nearest whole number (integer display)
    Sheet(
        "integer-display",
        [
            ("indicator_score_mismatch", "integer_display", "8.7", "9"),
            ("total_mismatch", "integer_display", "98.7", "99"),
        ],
        rows=(
            ("甲完成数", "≥10次", "12次", "80", "80", ""),
            ("乙达标率", "≥100", "87", "10", "9", NOTE),
        ),
        total=("100", "99"),
    ),
    Sheet(
        "qualitative-outside-band",
        [("qualitative_band", "judgement", "32–40", "20")],
        rows=(
            ("甲完成数", "≥10次", "12次", "50", "50", ""),
            ("乙效果", "效果明显", "达成预期指标", "40", "20", NOTE),
        ),
        total=("100", "80"),
    ),
    Sheet(
        "qualitative-inside-band",
        [],
        rows=(
            ("甲完成数", "≥10次", "12次", "50", "50", ""),
            ("乙效果", "效果明显", "达成预期指标", "40", "36", NOTE),
        ),
        total=("100", "96"),
    ),
    Sheet(
        "unit-mismatch",
        [("unit_mismatch", "parse_doubt", "100%", "1000件")],
        rows=(
            ("甲完成数", "≥10次", "12次", "50", "50", ""),
            ("乙覆盖率", "100%", "1000件", "40", "40", ""),
        ),
    ),
    Sheet(
        "unparsed-target",
        [("unparsed_target", "parse_doubt", "", "≥9O%")],
        rows=(
            ("甲完成数", "≥10次", "12次", "50", "50", ""),
            ("乙达标率", "≥9O%", "95%", "40", "40", ""),
        ),
    ),
    Sheet(
        "missing-score",
        # the total 100 counts the blank score at its recomputed 40: missing data, not a wrong sum
        [
            ("missing_score", "missing_data", "", ""),
            ("total_sum_mismatch", "missing_data", "60", "100"),
        ],
        rows=(
            ("甲完成数", "≥10次", "12次", "50", "50", ""),
            ("乙达标率", "≥90%", "95%", "40", "", ""),
        ),
    ),
    Sheet(
        "unreadable-number",
        [
            # a number jixiao cannot read leaves the sums unchecked: the weights' 60 of 100 is
            # its doubt, not the publisher's error (the table is read as partial, #24)
            ("unparsed_number", "parse_doubt", "", "四十"),
            ("weight_total_mismatch", "parse_doubt", "100", "60"),
        ],
        rows=(
            ("甲完成数", "≥10次", "12次", "50", "50", ""),
            ("乙达标率", "≥90%", "95%", "四十", "40", ""),
        ),
    ),
    Sheet(
        "fund-total-printed-as-zero",
        [("fund_rows_mismatch", "rule", "100", "0")],
        funds=("0", "100", "100", "10", "100.00", "10"),
    ),
    Sheet(
        "fund-total-left-blank",
        [("missing_value", "missing_data", "100", "")],
        funds=("", "100", "100", "10", "100.00", "10"),
        sub_funds=("100", "100", "100"),
    ),
    Sheet(
        "year-in-title-differs",
        [("year_mismatch", "", "2024", "2023")],
        title="2023年度项目支出绩效自评表",
    ),
    # execution: 90/100 = 90%, 20-point weight → 18; printed 17
    Sheet(
        "twenty-point-execution-wrong-score",
        [("execution_score_mismatch", "rule", "18", "17"), ("total_mismatch", "rule", "98", "97")],
        funds=("100", "100", "90", "20", "90.00", "17"),
        sub_funds=("100", "100", "90"),
        rows=(
            ("甲完成数", "≥10次", "12次", "40", "40", ""),
            ("乙达标率", "≥90%", "95%", "40", "40", ""),
        ),
        total=("100", "97"),
    ),
    Sheet(
        "no-execution-weight",
        [],
        funds=("100", "100", "90", "", "90.00", ""),
        sub_funds=("100", "100", "90"),
        rows=(
            ("甲完成数", "≥10次", "12次", "60", "60", ""),
            ("乙达标率", "≥90%", "95%", "40", "40", ""),
        ),
    ),
    Sheet(
        "rate-rounded-under-truncating-policy",
        [("execution_rate_mismatch", "rounding", "66.66", "66.67")],
        funds=("100", "300", "200", "10", "66.67", "6.67"),
        sub_funds=("100", "300", "200"),
        total=("100", "96.67"),
        policy="shanghai-2024",
    ),
    # the execution weight, rate and score printed on the 其中：当年财政拨款 row, dashes on the
    # total row: read from the row that prints them (#24), nothing against the publisher
    Sheet(
        "execution-on-the-appropriation-row",
        [],
        funds=("100", "100", "90", "—", "", "—"),
        sub_funds=("100", "100", "90"),
        sub_execution=("10", "90.00", "9"),
        total=("100", "99"),
    ),
    # the same with a wrong execution score: found on the row that prints it
    Sheet(
        "execution-on-the-appropriation-row-misprinted",
        [
            ("execution_score_mismatch", "rule", "9", "10"),
            ("total_mismatch", "rule", "99", "100"),
        ],
        funds=("100", "100", "90", "—", "", "—"),
        sub_funds=("100", "100", "90"),
        sub_execution=("10", "90.00", "10"),
        total=("100", "100"),
    ),
]


@pytest.mark.parametrize("sheet", CASES, ids=[c.id for c in CASES])
def test_checks(sheet: Sheet) -> None:
    assert _problems(sheet) == sorted(sheet.expected)


def test_case_ids_are_unique() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))


def test_auto_policy_finds_the_rule_variant_a_table_was_scored_under() -> None:
    # 10 × 87/100 = 8.7 printed 9: only whole-point partial scores reproduce it
    sheet = Sheet(
        "integer-scores",
        [],
        rows=(
            ("甲完成数", "≥10次", "12次", "80", "80", ""),
            ("乙达标率", "≥100", "87", "10", "9", NOTE),
        ),
        total=("100", "99"),
    )
    (grid,) = text_to_grids(sheet.text(), file="t.tsv")
    frames = score_table_best(grid_to_table(grid), table_id="t#1", policies=auto_candidates())
    assert frames.tables["policy"].tolist() == ["national[step=1]"]
    assert frames.problems.empty


def test_execution_read_from_the_row_that_prints_it() -> None:
    sheet = Sheet(
        "appropriation-row",
        [],
        funds=("120", "120", "100", "", "", ""),
        sub_funds=("100", "100", "90"),
        sub_execution=("10", "90.00", "9"),
        total=("100", "99"),
    )
    # a second row under the total, with the rest of the money and no execution cells
    carried = "\t上年结转资金\t20\t20\t10\t—\t\t—\t\n年度总体目标"
    text = sheet.text().replace("年度总体目标", carried, 1)
    (grid,) = text_to_grids(text, file="t.tsv")
    frames = score_table(grid_to_table(grid), table_id="t#1", policy=NATIONAL)
    table = frames.tables.iloc[0]
    # the table's budget is the total row's; the execution block that of the row printing it
    assert (table["budget_adjusted"], table["spent"]) == (120, 100)
    assert (table["execution_weight"], table["execution_score_reported"]) == (10, 9)
    assert (table["execution_rate"], table["execution_score"]) == (90, 9)
    assert table["score_total"] == 99
    assert frames.problems.empty, frames.problems[["code", "message"]].to_string()
