"""For analysts: Chinese values with --labels zh, problems that name their project and
department, per-table problem counts, a per-department summary."""

from __future__ import annotations

import typing
from collections.abc import Iterable, Mapping
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import regex
from click.testing import CliRunner

from jixiao.cli.main import main
from jixiao.core.problems import CODES, KINDS
from jixiao.export.departments import tables_to_departments
from jixiao.export.labels_zh import (
    COLUMNS_ZH,
    DIRECTION_ZH,
    OPERATOR_ZH,
    POLICY_ZH,
    READ_STATUS_ZH,
    TARGET_KIND_ZH,
    field_label,
    policy_label,
)
from jixiao.normalize.model import Direction, TargetKind
from jixiao.normalize.vocab import OPERATOR_CODES
from jixiao.score import builtin_policy_names
from tests.conftest import ROOT, SEED

FAMILIES = ROOT / "fixtures" / "families"


@pytest.fixture(scope="module")
def zh_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("zh")
    args = ["run", str(SEED), str(FAMILIES), "-o", str(out), "-q", "--labels", "zh"]
    result = CliRunner().invoke(main, [*args, "-f", "csv", "-f", "xlsx"])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def en_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("en")
    result = CliRunner().invoke(main, ["run", str(SEED), str(FAMILIES), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    return out


def test_zh_says_severity_kind_and_code_in_chinese(zh_out: Path) -> None:
    problems = pd.read_csv(zh_out / "problems.csv", encoding="utf-8-sig", dtype=str)
    assert set(problems["严重程度"]) <= {"错误", "警告", "提示"}
    assert set(problems["差异类型"].dropna()) <= {k.zh for k in KINDS.values()}
    assert set(problems["差异类型"].dropna())  # some disagreements are there to translate
    descriptions = {c.code: c.description for c in CODES.values()}
    assert (problems["问题类型"] == problems["问题代码"].map(descriptions)).all()


def test_zh_says_read_status_and_policy_in_chinese(zh_out: Path) -> None:
    tables = pd.read_csv(zh_out / "tables.csv", encoding="utf-8-sig", dtype=str)
    assert set(tables["读取状态"]) <= set(READ_STATUS_ZH.values())
    assert "未完整读取" in set(tables["读取状态"])  # the unknown layout
    assert set(tables["评分规则"]) == {"全国默认"}


#: Every column of codes, (frame, column): under --labels zh each value is its Chinese name.
CODED_COLUMNS = [
    ("tables", "family"),
    ("tables", "source_kind"),
    ("indicators", "target_kind"),
    ("indicators", "target_op"),
    ("indicators", "direction"),
    ("indicators", "rule"),
    ("problems", "field"),
    ("problems", "severity"),
    ("problems", "kind"),
    ("tables", "read_status"),
]


def _zh_column(out: Path, frame: str, column: str) -> pd.Series:
    header = COLUMNS_ZH[frame][column]
    return pd.read_csv(out / f"{frame}.csv", encoding="utf-8-sig", dtype=str)[header].dropna()


@pytest.mark.parametrize(("frame", "column"), CODED_COLUMNS, ids="-".join)
def test_zh_says_every_code_value_in_chinese(
    zh_out: Path, en_out: Path, frame: str, column: str
) -> None:
    """字段, 表样类型, the rules, the operators …: no English code is left in a zh output."""
    english = pd.read_csv(en_out / f"{frame}.csv", encoding="utf-8-sig", dtype=str)[column]
    codes = set(english.dropna()) - {""}
    assert codes  # the run has values to translate
    said = set(_zh_column(zh_out, frame, column))
    assert said & codes == set()
    assert all(regex.search(r"\p{Han}|[≥≤＝＞＜]", value) for value in said), said


@pytest.mark.parametrize(
    ("field", "name"),
    [
        ("score_reported", "得分"),
        ("target_text", "年度指标值"),
        ("funds.spent", "项目资金·全年执行数"),
        ("funds.budget_adjusted", "项目资金·全年预算数"),
        ("execution_rate", "执行率"),
        ("indicator", "指标行"),
        ("goal_planned", "年度总体目标（预期）"),
        ("project_name", "项目名称"),
        ("", ""),
    ],
    ids=lambda value: value or "blank",
)
def test_a_problems_field_has_a_chinese_name(field: str, name: str) -> None:
    assert field_label(field) == name


@pytest.mark.parametrize(
    ("values", "names"),
    [
        pytest.param(OPERATOR_CODES.values(), OPERATOR_ZH, id="operators"),
        pytest.param(typing.get_args(TargetKind), TARGET_KIND_ZH, id="target-kinds"),
        pytest.param(typing.get_args(Direction), DIRECTION_ZH, id="directions"),
    ],
)
def test_every_code_of_a_vocabulary_has_a_chinese_name(
    values: Iterable[str], names: Mapping[str, str]
) -> None:
    assert {v for v in values if v} - set(names) == set()


def test_zh_xlsx_colours_follow_the_chinese_values(zh_out: Path) -> None:
    book = openpyxl.load_workbook(zh_out / "results.xlsx")
    rules = [r.formula[0] for cf in book["问题"].conditional_formatting for r in cf.rules]
    assert any('="错误"' in rule for rule in rules)
    assert not any('="error"' in rule for rule in rules)


def test_every_builtin_policy_has_a_chinese_name() -> None:
    assert set(builtin_policy_names()) <= set(POLICY_ZH)


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("national", "全国默认"),
        ("national[lower=linear]", "全国默认[反向指标线性扣分]"),
        ("national[rate=truncate,step=1]", "全国默认[执行率截尾,部分得分步长1]"),
        ("my.toml-policy", "my.toml-policy"),
    ],
    ids=str,
)
def test_policy_labels(name: str, label: str) -> None:
    assert policy_label(name) == label


def test_english_outputs_keep_the_contract_values(en_out: Path) -> None:
    problems = pd.read_parquet(en_out / "problems.parquet")
    assert set(problems["severity"]) <= {"error", "warning", "info"}
    assert "code_description" not in problems


def test_problems_name_their_project_and_department(en_out: Path) -> None:
    problems = pd.read_parquet(en_out / "problems.parquet")
    tables = pd.read_parquet(en_out / "tables.parquet").set_index("table_id")
    of_tables = problems[problems["table_id"].notna()]
    assert len(of_tables)
    expected = tables.loc[of_tables["table_id"], ["project_name", "department"]]
    assert of_tables["project_name"].tolist() == expected["project_name"].tolist()
    assert of_tables["department"].tolist() == expected["department"].tolist()


def test_tables_count_their_errors_and_warnings(en_out: Path) -> None:
    problems = pd.read_parquet(en_out / "problems.parquet")
    tables = pd.read_parquet(en_out / "tables.parquet").set_index("table_id")
    by_severity = problems.groupby(["table_id", "severity"]).size().unstack(fill_value=0)
    for column, severity in (("error_count", "error"), ("warning_count", "warning")):
        counted = by_severity.get(severity, pd.Series(dtype=int)).reindex(tables.index).fillna(0)
        assert tables[column].astype(int).tolist() == counted.astype(int).tolist()
    assert (tables["problem_count"] >= tables["error_count"] + tables["warning_count"]).all()


def test_department_summary_adds_up_to_the_tables(en_out: Path) -> None:
    tables = pd.read_parquet(en_out / "tables.parquet")
    summary = tables_to_departments(tables)
    assert summary["tables"].sum() == len(tables)
    assert (summary[["complete", "partial", "unscored"]].sum(axis=1) == summary["tables"]).all()
    assert summary["errors"].sum() == tables["error_count"].sum()
    grades = [c for c in summary.columns if c in ("优", "良", "中", "差", "ungraded")]
    assert summary[grades].sum().sum() == len(tables)
    seed = summary.set_index("department").loc["上海市人民政府办公厅"]
    assert seed["tables"] == 6


def test_department_sheet_in_the_workbook(zh_out: Path) -> None:
    book = openpyxl.load_workbook(zh_out / "results.xlsx", read_only=True)
    rows = list(book["部门汇总"].iter_rows(values_only=True))
    assert rows[0][:5] == ("主管部门", "自评表数", "完整读取", "未完整读取", "未能复核评分")
    tables = pd.read_csv(zh_out / "tables.csv", encoding="utf-8-sig")
    assert sum(row[1] for row in rows[1:]) == len(tables)


# -- the report -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report_html(en_out: Path) -> str:
    return (en_out / "report.html").read_text(encoding="utf-8")


def _cards(html: str) -> dict[str, str]:
    """table_id → the card's markup."""
    starts = [m.start() for m in regex.finditer(r"<section class='card", html)]
    cards = [html[a:b] for a, b in zip(starts, [*starts[1:], len(html)], strict=True)]
    return {regex.search(r"data-table='([^']*)'", c).group(1): c for c in cards}  # type: ignore[union-attr]


def test_a_partial_table_says_so_instead_of_red_numbers(en_out: Path, report_html: str) -> None:
    tables = pd.read_parquet(en_out / "tables.parquet")
    partial = tables.loc[tables["read_status"] == "partial", "table_id"].tolist()
    assert partial
    cards = _cards(report_html)
    for table_id in partial:
        assert "未完整读取" in cards[table_id]
        assert "class='diff'" not in cards[table_id]
    complete = tables.loc[tables["read_status"] == "complete", "table_id"].tolist()
    assert all("badge read-" not in cards[t] for t in complete)
    assert any("class='diff'" in cards[t] for t in complete)  # a complete table still shows them


def test_the_report_counts_tables_seen_and_lists_departments(
    en_out: Path, report_html: str
) -> None:
    tables = pd.read_parquet(en_out / "tables.parquet")
    assert f"id='n-seen'>{len(tables)}<" in report_html
    section = report_html[report_html.index("id='by-department'") :]
    section = section[: section.index("</table>")]
    assert "上海市人民政府办公厅</td><td>6</td>" in section
