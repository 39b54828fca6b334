"""Property: no tab-separated text makes the text reader, the layout reader or the scorer raise,
and every table read yields frames with the contract's columns.

The text is built from the words real tables are made of (labels, numbers, targets, blanks) in
random arrangements, and from cut and shuffled rows of the seed, so the layout reader meets
shifted, truncated and mislabelled tables of every kind.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.core.vocabulary import is_self_evaluation
from jixiao.extract import grid_to_table, text_to_grids
from jixiao.score import SCHEMA, load_policy, score_table
from tests.conftest import SEED

WORDS = [
    "",
    "",
    "",
    "项目名称",
    "主管部门",
    "实施单位",
    "项目资金(万元)",
    "年初预算数",
    "全年预算数",
    "全年执行数",
    "分值",
    "执行率(%)",
    "得分",
    "年度资金总额",
    "其中：当年财政拨款",
    "年度总体目标",
    "预期目标",
    "实际完成情况",
    "绩效指标",
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "偏差原因分析及改进措施",
    "总分",
    "产出指标(50分)",
    "(30分)",
    "数量指标",
    "质量指标",
    "指标1:",
    "……",
    "其中：新建",
    "≥90%",
    "≤5%",
    "=0%",
    "前五名",
    "效果明显",
    "达成预期指标",
    "100",
    "10",
    "9.95",
    "—",
    "abc",
    "620.82万元",
    "1,200.00",
    "优",
    "★甲",
    "指标性质",
    "度量单位",
    "≧",
    "得分系数(%)",
    "权重占比",
    "折算得分",
    "年度绩效目标1(40分)",
    "<p>文字</p>",
    "0",
    "-3",
    "1e9",
    "９９",
    "四十",
]
NAMED = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
POLICY = load_policy("national")
SEED_ROWS = [line for line in SEED.read_text(encoding="utf-8").splitlines() if "\t" in line]

rows = st.lists(st.sampled_from(WORDS), min_size=1, max_size=11).map("\t".join)
random_tables = st.lists(rows, min_size=1, max_size=30).map(
    lambda lines: "\n".join(["项目名称\t测试", *lines])
)
seed_pieces = st.lists(st.sampled_from(SEED_ROWS), min_size=1, max_size=40).map("\n".join)


def _read_everything(text: str) -> None:
    for grid in text_to_grids(text, file="t.tsv"):
        table = grid_to_table(grid)
        if not is_self_evaluation(grid.texts()):
            continue
        frames = score_table(table, table_id="t.tsv#1", policy=POLICY)
        for name, columns in SCHEMA.items():
            assert list(getattr(frames, name).columns) == list(columns)
        assert len(frames.tables) == 1


@NAMED
@given(random_tables)
def test_random_tables_never_crash(text: str) -> None:
    _read_everything(text)


@NAMED
@given(seed_pieces)
def test_cut_and_shuffled_seed_rows_never_crash(text: str) -> None:
    _read_everything(text)
