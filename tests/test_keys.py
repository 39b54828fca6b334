# ruff: noqa: E501 - a table of real names, one case a line
"""Project and indicator keys (jixiao.normalize.keys) on real names, varied as publishers vary
them: a year in front, full-width characters, spaces, 项目/资金/经费 endings, traditional
characters, budget codes. Names from ../shared/real/truth (real-001, -002, -003, -010, -018,
-021 …)."""

from __future__ import annotations

from collections import Counter

import pytest

from jixiao.normalize.keys import (
    levels_to_indicator_keys,
    name_to_key,
    table_to_project_key,
    text_to_key,
)

TANGXI = "219-池州市贵池区棠溪镇人民政府"  # real-001, real-002 (2022)
TANGXI_KEY = "池州市贵池区棠溪镇人民政府"

#: (department, project name as printed, expected project_key, what varies)
SAME_PROJECT = [
    (TANGXI, "委托业务项目", f"{TANGXI_KEY}|委托业务", "as printed (real-001)"),
    (TANGXI, "2023年委托业务项目", f"{TANGXI_KEY}|委托业务", "year prefix"),
    (TANGXI, "2023年度委托业务", f"{TANGXI_KEY}|委托业务", "年度 prefix, no suffix"),
    (TANGXI, "委托业务项目资金", f"{TANGXI_KEY}|委托业务", "项目资金 suffix"),
    (TANGXI, "委託業務項目", f"{TANGXI_KEY}|委托业务", "traditional"),
    ("池州市贵池区 棠溪镇人民政府", "委托 业务 项目", f"{TANGXI_KEY}|委托业务", "spaces"),
    ("池州市贵池区棠溪镇人民政府", "２０２４年委托业务（项目）", f"{TANGXI_KEY}|委托业务", "full-width"),
    (TANGXI, "村级补助及运转经费", f"{TANGXI_KEY}|村级补助及运转", "as printed (real-002)"),
    (TANGXI, "村级补助及运转资金", f"{TANGXI_KEY}|村级补助及运转", "资金 for 经费"),
    (TANGXI, "2021年度村级补助及运转经费", f"{TANGXI_KEY}|村级补助及运转", "year and suffix"),
    (TANGXI, "<p>村级补助及运转经费</p>", f"{TANGXI_KEY}|村级补助及运转", "web tag"),
    ("黃岡市水利和湖泊局", "水土保持監測", "黄冈市水利和湖泊局|水土保持监测", "real-010, traditional"),
    ("黄冈市水利和湖泊局", "2021年水土保持监测项目", "黄冈市水利和湖泊局|水土保持监测", "real-010 simplified"),
    ("區園林和林業局", "區級森林防火專項經費", "区园林和林业局|区级森林防火", "real-018"),
    ("区园林和林业局", "区级森林防火专项资金", "区园林和林业局|区级森林防火", "real-018 varied"),
    ("青神县发展和改革局本级", "51000021R000000019951-工资性支出", "青神县发展和改革局本级|工资性支出", "real-003 code"),
    ("314002-成安县民政局机关", "19名百岁老人高龄津贴", "成安县民政局机关|19名百岁老人高龄津贴", "real-021: 19 is no year"),
    ("北京市海淀区人民政府学院路街道办事处", "【体制】自管道路清扫保洁外包工作经费", "北京市海淀区人民政府学院路街道办事处|体制自管道路清扫保洁外包工作", "real-009 brackets"),
    ("隆阳区农业农村局", "隆阳区2021年中央化肥减量增效示范县项目补助资金", "隆阳区农业农村局|隆阳区2021年中央化肥减量增效示范县项目补助", "real-006: inner year kept"),
    ("农业农村厅", None, "农业农村厅|", "部门整体: no name (real-007)"),
    ("", "水旱灾害防御经费", "|水旱灾害防御", "no department (real-026)"),
]  # fmt: skip


def test_cases_are_distinct() -> None:
    counts = Counter((dept, name) for dept, name, _, _ in SAME_PROJECT)
    assert [k for k, n in counts.items() if n > 1] == []


@pytest.mark.parametrize(
    ("department", "name", "expected"),
    [pytest.param(d, n, k, id=f"{n}-{why}") for d, n, k, why in SAME_PROJECT],
)
def test_project_key(department: str, name: str | None, expected: str) -> None:
    assert table_to_project_key(department, name) == expected


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param("委托业务项目", "村级补助及运转经费", id="two Tangxi projects (real-001/002)"),
        pytest.param(
            "2023年杨楼社区特色种养殖补贴到户项目", "河西村特色种养补贴到户项目", id="real-023/008"
        ),
        pytest.param("初中公用经费", "小学公用经费", id="one character apart"),
    ],
)
def test_different_projects_keep_different_keys(first: str, second: str) -> None:
    assert name_to_key(first) != name_to_key(second)


def test_no_department_and_no_name_has_no_key() -> None:
    assert table_to_project_key(None, "  ") is None


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        pytest.param("培训人次", "培训人次", id="plain"),
        pytest.param("培 训 人 次", "培训人次", id="spaced"),
        pytest.param("服務對象滿意度（%）", "服务对象满意度", id="traditional, unit"),
        pytest.param("２０２２年度项目完成率", "项目完成率", id="year prefix"),
        pytest.param("2022年12月底前完成率", "12月底前完成率", id="year prefix before a date"),
    ],
)
def test_indicator_text_key(label: str, expected: str) -> None:
    assert text_to_key(label) == expected


def test_repeated_indicator_gets_a_number() -> None:
    keys = levels_to_indicator_keys(["完成率", "满意度", "完成 率", "", "完成率"])
    assert keys == ["完成率", "满意度", "完成率#2", None, "完成率#3"]
