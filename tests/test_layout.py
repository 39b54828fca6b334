"""The layout reader on small tables: each case one behaviour the real tables taught (labels in
traditional characters, 部门整体 subjects, split and two-row headers, column roles by meaning,
goal blocks, notes rows), read from tab-separated text."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from jixiao.core import vocabulary
from jixiao.extract import grid_to_table, text_to_grids
from jixiao.model import SelfEvalTable
from jixiao.score import load_policy, score_table


def _table(rows: list[str], heading: str = "# 项目支出绩效自评表\n(2024年度)") -> SelfEvalTable:
    text = heading + "\n" + "\n".join(row.replace(" | ", "\t") for row in rows) + "\n"
    (grid,) = text_to_grids(text, file="t.txt")
    return grid_to_table(grid)


def _raw(cell: object) -> str | None:
    return getattr(cell, "raw", None)


def _codes(table: SelfEvalTable) -> list[str]:
    return sorted(p.code for p in table.problems)


HEAD = [
    "项目名称 | 某项目 |  |  |  |  |  | ",
    "主管部门 | 某局 |  |  | 实施单位 | 某中心 |  | ",
    "项目资金(万元) |  | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分",
    " | 年度资金总额 | 10 | 10 | 10 | 10 | 100% | 10",
]
STANDARD_HEADER = (
    "绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分"
)


def test_traditional_labels_are_read_and_values_kept_as_printed() -> None:
    table = _table(
        [
            "項目名稱 | 水土保持監測 |  |  |  |  | ",
            "主管部門 | 黃岡市水利局 |  | 實施單位 | 本單位 |  | ",
            "預算執行情況(萬元)(20分) |  |  | 預算數(A) | 執行數(B) | 執行率(B/A)"
            " | 得分(20分*執行率)",
            " | 年度財政資金總額 |  | 10 | 10 | 100% | 20",
            "年度績效目標1(80分) | 一級指標 | 二級指標 | 三級指標 | 年初目標值(A)"
            " | 實際完成值(B) | 得分",
            " | 產出指標 | 質量指標 | 監測數據合格 | 100% | 100% | 80",
            "總分 |  |  |  |  |  | 100",
        ],
        heading="# 2020年度水土保持監測項目績效自評表",
    )
    assert (_raw(table.project_name), _raw(table.department), _raw(table.implementing_unit)) == (
        "水土保持監測",
        "黃岡市水利局",
        "本單位",
    )
    assert table.title == "2020年度水土保持監測項目績效自評表"
    assert _raw(table.money_label) == "預算執行情況(萬元)(20分)"
    (row,) = table.indicators
    assert (_raw(row.level1), _raw(row.level3), _raw(row.score)) == (
        "產出指標",
        "監測數據合格",
        "80",
    )
    assert _raw(row.block) == "年度績效目標1(80分)"
    assert table.total is not None
    assert _raw(table.total.score) == "100"
    assert table.family == "hubei"
    assert _codes(table) == []


def test_department_whole_table_names_its_department_and_no_project() -> None:
    table = _table(
        [
            "主管部门 | 某区林业局 |  |  |  |  | ",
            "项目资金 |  |  | 执行率权重 |  | 执行率(%) | 执行率得分",
            " | 年度总金额 |  |  |  |  | ",
            " | 其中财政拨款 |  | 10 |  | 79.27 | 7.93",
            "绩效 指标 | 指标名称 | 指标值 | 计量单位 | 全年完成值 | 指标权重(分) | 指标得分(分)",
            " | 任务完成率 | 90 | % | 100 | 10 | 10",
            " | 公益林管护面积 |  | 万亩 |  |  | ",
            " | 总分 |  |  |  |  | 97.93",
        ],
        heading="# 某区林业局2023年度部门整体绩效自评表",
    )
    assert table.project_name is None
    assert _raw(table.department) == "某区林业局"
    assert table.family == "department_whole"
    assert [_raw(f.weight) for f in table.funds] == ["", "10"]
    assert [_raw(f.score) for f in table.funds] == ["", "7.93"]
    assert [_raw(r.level3) for r in table.indicators] == ["任务完成率", "公益林管护面积"]
    assert [_raw(r.cell("unit")) for r in table.indicators] == ["%", "万亩"]
    assert "missing_field" not in _codes(table)


def test_unit_subject_goes_to_the_department() -> None:
    table = _table(
        [
            "单位名称 | 某市统计局 |  | ",
            "一级指标 | 指标名称 | 指标值 | 得分",
            "产出指标 | 项目数 | 3 | 10",
        ],
        heading="# 部门整体支出绩效自评表",
    )
    assert (table.project_name, _raw(table.department)) == (None, "某市统计局")


def test_split_operator_under_a_merged_target_header() -> None:
    table = _table(
        [
            *HEAD,
            "绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 |  |  | 实际完成值 | 分值"
            " | 得分",
            " |  |  |  | 指标性质 | 指标值 | 度量单位 |  |  | ",
            " | 产出指标 | 数量指标 | 受资助人数 | ≧ | 735 | 人次 | 735 | 90 | 90",
            " | 总分 |  |  |  |  |  | 100 | 100",
        ]
    )
    (row,) = table.indicators
    assert (
        _raw(row.cell("nature")),
        _raw(row.target),
        _raw(row.cell("unit")),
        _raw(row.actual),
    ) == (
        "≧",
        "735",
        "人次",
        "735",
    )
    assert table.family == "split_operator"
    frames = score_table(table, table_id="t#1", policy=load_policy("national"))
    first = frames.indicators.iloc[0]
    assert (first["target_text"], first["actual_text"]) == ("≧735人次", "735")
    assert (first["actual_unit"], first["achieved"]) == ("人次", True)


def test_a_points_column_of_words_is_kept_as_an_extra_column() -> None:
    table = _table(
        [
            *HEAD,
            "绩效指标 | 一级指标 | 二级指标 | 三级指标 | 符号 | 预期指标值 | 单位(文字描述) | "
            "单项指标实际完成值 | 单项指标得分 | 指标分值 | 权重占比(%) | 单项指标折算得分",
            " | 产出指标 | 质量指标 | 覆盖率 | >= | 98 | %(百分比) | 100% | 25.00"
            " | 享受补贴人数占比"
            " | 25.00 | 6.25",
        ]
    )
    (row,) = table.indicators
    assert row.weight is None
    assert (_raw(row.score), _raw(row.cell("share")), _raw(row.cell("converted"))) == (
        "25.00",
        "25.00",
        "6.25",
    )
    assert [(name, cell.raw) for name, cell in row.extra] == [("指标分值", "享受补贴人数占比")]
    frames = score_table(table, table_id="t#1", policy=load_policy("national"))
    first = frames.indicators.iloc[0]
    assert first["target_text"] == ">=98%(百分比)"
    assert first["score_reported"] == 25
    assert pd.isna(first["weight"])
    assert json.loads(first["extra"]) == {
        "指标分值": "享受补贴人数占比",
        "权重占比": "25.00",
        "折算得分": "6.25",
        "度量单位": "%(百分比)",
        "指标性质": ">=",
    }


def test_a_funds_header_is_not_taken_for_the_indicator_header() -> None:
    table = _table(
        [
            "项目名称 | 工资性支出 |  |  |  |  |  |  |  | ",
            "预算执行情况(10分) |  |  | 年初预算 | 调整后预算数 | 预算执行数 | 权重"
            " | 预算执行率 | 得分 | 原因",
            " | 总额 |  | 238.93 | 251.89 | 251.89 | 10 | 100.00% | "
            " | 1.预算执行率=预算执行数/调整后预算数;2.其他",
            "绩效指标(90分) | 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位"
            " | 完成值 | 权重 | 得分",
            " | 产出指标 | 数量指标 | 覆盖率 | = | 100 | % |  | 90 | ",
            " | 总分 |  |  |  |  |  |  | 100 | ",
        ]
    )
    (fund,) = table.funds
    assert (_raw(fund.budget_initial), _raw(fund.budget_adjusted), _raw(fund.weight)) == (
        "238.93",
        "251.89",
        "10",
    )
    assert [name for name, _ in fund.extra] == ["原因"]
    assert [_raw(r.level3) for r in table.indicators] == ["覆盖率"]
    assert _raw(table.indicator_block) == "绩效指标(90分)"
    assert table.total is not None
    assert _raw(table.total.weight) == "100"


def test_level1_column_under_another_header_and_goal_block_on_a_repeated_header() -> None:
    table = _table(
        [
            *HEAD,
            "绩效指标 | 项目权重 | 二级指标 | 评价内容 | 年初指标值 | 年终完成值 | 分值"
            " | 自评分 | 复核分",
            " | 项目决策2分 |  | 决策依据 |  |  | 2 | 2 | ",
            "项目绩效88分 / 年度目标1 | 项目权重 | 二级指标 | 评价内容 | 年初指标值"
            " | 年终完成值 | 分值 | 自评分 | 复核分",
            " | 产出指标40分 | 数量指标15分 | 道路养护里程 | 300公里 | 300公里 |  | 15 | ",
            " |  | 质量指标12分 | 验收合格率 |  |  |  |  | ",
            " | 总分 |  |  |  |  |  | 95 | ",
        ]
    )
    level1 = [_raw(r.level1) for r in table.indicators]
    assert level1 == ["项目决策2分", "产出指标40分", "产出指标40分"]
    assert [_raw(r.block) for r in table.indicators] == [None, *["项目绩效88分 / 年度目标1"] * 2]
    assert [_raw(r.score) for r in table.indicators] == ["2", "15", ""]
    assert vocabulary.points_of("项目决策2分") == 2


def test_notes_rows_go_to_extra_never_to_the_indicators() -> None:
    table = _table(
        [
            *HEAD,
            STANDARD_HEADER,
            " | 产出指标 | 数量指标 | 项目数 | 3个 | 3个 | 90 | 90",
            " | 填报说明:本表金额单位为万元 |  |  |  |  |  | ",
            " | 总分 |  |  |  |  | 100 | 100",
            "1.预算执行率=预算执行数/全年预算数;2.得分保留两位小数 |  |  |  |  |  |  | ",
            "项目负责人 | 张三 |  |  |  |  |  | ",
        ]
    )
    assert [_raw(r.level3) for r in table.indicators] == ["项目数"]
    assert [(name, cell.raw) for name, cell in table.extra] == [
        ("填报说明", "填报说明:本表金额单位为万元"),
        ("说明", "1.预算执行率=预算执行数/全年预算数;2.得分保留两位小数"),
        ("项目负责人", "张三"),
    ]
    assert "unread_cell" not in _codes(table)


def test_a_report_number_above_the_table_goes_to_extra() -> None:
    table = _table(["报表编号:510000_0013zp |  |  | ", *HEAD, STANDARD_HEADER])
    assert [name for name, _ in table.extra] == ["报表编号"]


def test_a_second_department_row_starts_the_next_table() -> None:
    rows = ["主管部门\t甲局", "绩效指标\t指标名称\t指标值\t指标得分", "\t完成率\t90\t10"]
    text = "\n".join([*rows, *(r.replace("甲局", "乙局") for r in rows)])
    grids = text_to_grids(text, file="t.txt")
    assert [grid_to_table(g).department.raw for g in grids] == ["甲局", "乙局"]  # type: ignore[union-attr]


# (id, header text, field the 项目资金 block gives it)
FUND_HEADERS = [
    ("initial-short", "年初预算", "budget_initial"),
    ("adjusted", "调整后预算数", "budget_adjusted"),
    ("arranged", "预算安排情况(调整后)", "budget_adjusted"),
    ("adjusted-in-parens", "全年(调整)预算数", "budget_adjusted"),
    ("executed", "资金执行情况", "spent"),
    ("progress", "预算执行进度(%)", "rate"),
    ("rate-weight", "执行率权重", "weight"),
    ("rate-score", "执行率得分", "score"),
    ("weight", "权重", "weight"),
    ("arrived-is-extra", "到位数", None),
    ("traditional", "執行數(B)", "spent"),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in FUND_HEADERS], ids=[c[0] for c in FUND_HEADERS]
)
def test_fund_header_variants(text: str, expected: str | None) -> None:
    assert vocabulary.fund_field(text) == expected


# (id, header text, field the 绩效指标 block gives it)
INDICATOR_HEADERS = [
    ("sign", "符号", "nature"),
    ("unit-described", "单位(文字描述)", "unit"),
    ("planned", "预期指标值", "target"),
    ("item-actual", "单项指标实际完成值", "actual"),
    ("item-score-is-the-score", "单项指标得分", "score"),
    ("converted", "单项指标折算得分", "converted"),
    ("share", "权重占比(%)", "share"),
    ("evaluation-content", "评价内容", "level3"),
    ("year-end", "年终完成值", "actual"),
    ("self-score", "自评分", "score"),
    ("actual-indicator", "实际完成指标值", "actual"),
    ("review-score-is-extra", "复核分", None),
    ("traditional", "年初目標值(A)", "target"),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [c[1:] for c in INDICATOR_HEADERS],
    ids=[c[0] for c in INDICATOR_HEADERS],
)
def test_indicator_header_variants(text: str, expected: str | None) -> None:
    assert vocabulary.indicator_field(text) == expected
