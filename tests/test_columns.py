"""Column roles by evidence: a header's words by class, its cells and its place, for the whole
header at once; honest (``partial``) where the evidence is thin, never complete and wrong."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import jixiao
from jixiao.core.columns import label_to_evidence
from jixiao.core.labels import label_key
from tests.conftest import SEED
from tests.variants import SHARED_REAL

SEED_TEXT = SEED.read_text(encoding="utf-8")
FIELDS = ["level1", "level2", "level3", "target_text", "actual_text", "weight", "score_reported"]


@pytest.mark.parametrize(
    ("block", "label", "role"),
    [
        ("indicators", "三级指标", "level3"),
        ("indicators", "具体指标", "level3"),
        ("indicators", "考核内容", "level3"),
        ("indicators", "年度目标值", "target"),
        ("indicators", "计划值", "target"),
        ("indicators", "实际完成情况", "actual"),
        ("indicators", "实现值", "actual"),
        ("indicators", "权重分", "weight"),
        ("indicators", "标准分值", "weight"),
        ("indicators", "满分值", "weight"),
        ("indicators", "自评得分", "score"),
        ("indicators", "评分", "score"),
        ("indicators", "偏差原因", "note"),
        ("indicators", "存在问题及整改措施", "note"),
        ("indicators", "权重占比(%)", "share"),
        ("indicators", "得分计算方法", None),  # known, no field: kept in extra
        ("indicators", "复核得分", None),
        ("indicators", "评分标准", None),
        ("funds", "调整后的预算", "budget_adjusted"),
        ("funds", "年初核定预算数", "budget_initial"),
        ("funds", "累计支出", "spent"),
        ("funds", "预算执行率%", "rate"),
    ],
)
def test_a_header_is_read_by_the_class_of_its_words(
    block: str, label: str, role: str | None
) -> None:
    evidence = label_to_evidence(block, label)
    assert evidence, f"no class explains {label}"
    assert evidence[0].role == role


def test_a_label_no_class_explains_gives_no_evidence() -> None:
    assert label_to_evidence("indicators", "考评栏") == ()


def _reword(text: str, rewording: dict[str, str]) -> str:
    """The text with every cell whose label is a key of ``rewording`` printed as its value
    (labels compared as the reader compares them: ``实际 完成值`` is ``实际完成值``)."""
    lines = []
    for line in text.splitlines():
        cells = [rewording.get(label_key(cell), cell) for cell in line.split("\t")]
        lines.append("\t".join(cells))
    changed = "\n".join(lines)
    assert changed != text, f"nothing reworded: {rewording}"
    return changed


def _read(text: str, tmp_path: Path) -> jixiao.Result:
    path = tmp_path / "v.txt"
    path.write_text(text, encoding="utf-8")
    return jixiao.read(path)


@pytest.fixture(scope="module")
def seed() -> jixiao.Result:
    return jixiao.read(SEED)


@pytest.mark.parametrize(
    "rewording",
    [
        {"三级指标": "具体指标"},
        {"分值": "权重分"},
        {"分值": "标准分值", "得分": "自评得分"},
        {"年度指标值": "年度目标值", "实际完成值": "实际完成情况"},
        {"三级指标": "指标内容", "偏差原因分析及改进措施": "存在问题及改进措施"},
    ],
    ids=lambda r: ",".join(f"{a}→{b}" for a, b in r.items()),
)
def test_other_publishers_wordings_read_as_the_seed(
    rewording: dict[str, str], seed: jixiao.Result, tmp_path: Path
) -> None:
    result = _read(_reword(SEED_TEXT, rewording), tmp_path)
    assert list(result.tables["read_status"]) == list(seed.tables["read_status"])
    assert list(result.tables["family"]) == list(seed.tables["family"])
    pd.testing.assert_frame_equal(result.indicators[FIELDS], seed.indicators[FIELDS])
    assert list(result.tables["score_total"]) == list(seed.tables["score_total"])
    rules = result.problems.query("kind == 'rule'")
    assert rules.empty, rules[["code", "message"]]


def test_an_unexplained_name_column_is_read_by_its_place_and_doubted(tmp_path: Path) -> None:
    """三级指标 → 考评栏 (no class knows it): the column right of 二级指标 holding names is the
    三级 column, but only by place and cells: the table says partial and why."""
    result = _read(_reword(SEED_TEXT, {"三级指标": "考评栏"}), tmp_path)
    assert set(result.tables["read_status"]) == {"partial"}
    doubts = result.problems.query("code == 'doubtful_column'")
    assert len(doubts) == len(result.tables)
    assert set(doubts["field"]) == {"level3"}
    assert result.indicators["level3"].notna().all()
    assert result.problems.query("kind == 'rule'").empty


def test_a_required_column_that_no_header_names_is_missing(tmp_path: Path) -> None:
    """Without a 实际完成值 header nor a column to take its place, the table is partial."""
    result = _read(_reword(SEED_TEXT, {"实际完成值": "考评栏"}), tmp_path)
    assert set(result.tables["read_status"]) == {"partial"}
    assert result.problems.query("kind == 'rule'").empty
    found = result.problems.query("code in ('missing_column', 'doubtful_column')")
    assert set(found["field"]) == {"actual"}


def test_an_unknown_header_is_kept_in_extra_and_said(tmp_path: Path) -> None:
    result = _read(_reword(SEED_TEXT, {"偏差原因分析及改进措施": "考评栏"}), tmp_path)
    unknown = result.problems.query("code == 'unknown_column'")
    assert len(unknown) == len(result.tables)
    assert set(unknown["severity"]) == {"info"}
    assert result.indicators["extra"].dropna().str.contains("考评栏").any()


def _run_with_words(
    words: str | None, text: str, tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "v.txt"
    path.write_text(text, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "JIXIAO_COLUMN_WORDS"}
    if words is not None:
        (tmp_path / "words.toml").write_text(words, encoding="utf-8")
        env["JIXIAO_COLUMN_WORDS"] = str(tmp_path / "words.toml")
    code = (
        "import json, sys, jixiao; r = jixiao.read(sys.argv[1]);"
        "print(json.dumps(sorted(set(r.tables.read_status))))"
    )
    return subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_a_user_extends_the_words_with_a_file_of_their_own(tmp_path: Path) -> None:
    text = _reword(SEED_TEXT, {"三级指标": "考评栏"})
    without = _run_with_words(None, text, tmp_path)
    assert json.loads(without.stdout) == ["partial"]
    words = '[indicators.level3]\nwords = ["考评栏"]\n'
    with_words = _run_with_words(words, text, tmp_path)
    assert json.loads(with_words.stdout) == ["complete"], with_words.stderr


def test_a_broken_words_file_is_a_clear_error(tmp_path: Path) -> None:
    ran = _run_with_words('[indicators.level3]\nlabel = ["x"]\n', SEED_TEXT, tmp_path)
    assert ran.returncode != 0
    assert "ColumnWordsError" in ran.stderr
    assert "words.toml: [indicators.level3] has unknown keys ['label']" in ran.stderr


# -- rows: totals however worded, tables that print no scores ----------------------------------


def test_a_total_row_worded_otherwise_is_the_total(seed: jixiao.Result, tmp_path: Path) -> None:
    result = _read(_reword(SEED_TEXT, {"总分": "自评总分（分）"}), tmp_path)
    assert list(result.tables["indicator_count"]) == list(seed.tables["indicator_count"])
    assert list(result.tables["score_total_reported"]) == list(seed.tables["score_total_reported"])
    assert list(result.tables["read_status"]) == list(seed.tables["read_status"])


def test_a_table_that_prints_no_scores_is_unscored_without_total_or_grade(tmp_path: Path) -> None:
    """The 区域 tables print targets and results only: nothing to add up, nothing to grade."""
    path = SHARED_REAL / "inputs" / "tsv" / "real-025.txt"
    if not path.is_file():
        pytest.skip(f"the shared real tables are not on this machine ({SHARED_REAL})")
    result = jixiao.read(path)
    assert list(result.tables["read_status"]) == ["unscored"]
    assert result.tables["score_total"].isna().all()
    assert result.tables["grade"].isna().all()
    assert result.problems.query("kind == 'rule'").empty


def test_each_column_keeps_its_role_confidence_and_evidence(tmp_path: Path) -> None:
    path = tmp_path / "v.txt"
    path.write_text(_reword(SEED_TEXT, {"三级指标": "考评栏", "分值": "权重分"}), encoding="utf-8")
    with jixiao.open(path) as doc:
        columns = {c.header: c for c in doc.tables[0].columns}
    assert (columns["一级指标"].role, columns["一级指标"].confidence) == ("level1", 1.0)
    assert columns["权重分"].role == "weight"
    assert 0.5 < columns["权重分"].confidence < 1.0
    assert "权重" in columns["权重分"].evidence
    assert (columns["考评栏"].role, columns["考评栏"].confidence) == ("level3", 0.5)
