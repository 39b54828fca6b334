"""The same projects in two forms and three years (issue #27): every duplicate marked, every
project keyed across years, the panel flags against hand-worked expectations.

The folder is made at test time from the seed (six tables of 上海市人民政府办公厅, 2024), its
web-page form (fixtures/office/seed.html) and a real table in two forms (real-001, 棠溪镇 2022,
as text and as a web page):

- ``2022/seed.txt``: the seed with its year set to 2022;
- ``2022/seed_web.txt``: the same, one printed score of table 1 changed (年终预算执行率 10 → 9):
  table 1 is a near copy, tables 2–6 duplicates;
- ``2023/seed.txt``: year 2023; table 1's 保障公务外出次数 target lowered to ``≥180(次)`` (235
  were done in 2022 against ≥200) with 240 done, its 年终预算执行率 target set to 2022's actual
  (``≥99.49(%)``), and table 5's printed 总分 set to 100 while its execution rate is 80.88%;
- ``2024/seed.txt`` (the seed) and ``2024/seed.html`` (the same tables as a web page);
- ``2022/real-001.txt`` and ``2022/real-001.html``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import jixiao
from jixiao.cli.main import main
from tests.conftest import FIXTURES, SEED

KEY_1 = "上海市人民政府办公厅|市政府办公厅专项工作业务"  # seed table 1
KEY_5 = "上海市人民政府办公厅|市政府法律事务工作"  # seed table 5: execution 80.88%
REAL_001 = "池州市贵池区棠溪镇人民政府|委托业务"


def _seed(year: int) -> str:
    return (
        SEED.read_text(encoding="utf-8")
        .replace("(2024年度)", f"({year}年度)")
        .replace("(2024 年度)", f"({year} 年度)")
    )


def _replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def make_folder(root: Path) -> Path:
    for year in (2022, 2023, 2024):
        (root / str(year)).mkdir(parents=True)
    (root / "2022" / "seed.txt").write_text(_seed(2022), encoding="utf-8")
    web = _replace_once(
        _seed(2022),
        "年终预算执行率\t≥90(%)\t99.49%\t10\t10",
        "年终预算执行率\t≥90(%)\t99.49%\t10\t9",
    )
    (root / "2022" / "seed_web.txt").write_text(web, encoding="utf-8")
    later = _replace_once(
        _seed(2023), "保障公务外出次数\t≥200(次)\t235次", "保障公务外出次数\t≥180(次)\t240次"
    )
    later = _replace_once(later, "年终预算执行率\t≥90(%)", "年终预算执行率\t≥99.49(%)")
    later = _replace_once(later, "\t总分\t\t\t\t\t100\t88.09", "\t总分\t\t\t\t\t100\t100")
    (root / "2023" / "seed.txt").write_text(later, encoding="utf-8")
    shutil.copy(SEED, root / "2024" / "seed.txt")
    shutil.copy(FIXTURES / "office" / "seed.html", root / "2024" / "seed.html")
    shutil.copy(FIXTURES / "real" / "tsv" / "real-001.txt", root / "2022" / "real-001.txt")
    shutil.copy(FIXTURES / "real" / "html" / "real-001.html", root / "2022" / "real-001.html")
    return root


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_folder(tmp_path_factory.mktemp("panel"))


@pytest.fixture(scope="module")
def result(folder: Path) -> jixiao.api.Result:
    return jixiao.read(folder)


def test_every_duplicate_is_marked(result: jixiao.api.Result) -> None:
    marked = result.tables.dropna(subset=["duplicate_of"])
    found = dict(zip(marked["table_id"], marked["duplicate_of"], strict=True))
    expected = {f"2024/seed.txt#{n}": f"2024/seed.html#{n}" for n in range(1, 7)}
    # the near copy's other five tables are the same tables
    expected |= {f"2022/seed_web.txt#{n}": f"2022/seed.txt#{n}" for n in range(2, 7)}
    expected["2022/real-001.txt#1"] = "2022/real-001.html#1"
    assert found == expected


def test_the_near_copy_is_a_conflict_on_both_not_a_duplicate(result: jixiao.api.Result) -> None:
    problems = result.problems[result.problems["code"] == "conflicting_copies"]
    found = sorted(zip(problems["table_id"], problems["expected"], problems["found"], strict=True))
    assert found == [
        ("2022/seed.txt#1", "2022/seed_web.txt#1", "年终预算执行率.score_reported"),
        ("2022/seed_web.txt#1", "2022/seed.txt#1", "年终预算执行率.score_reported"),
    ]


def test_every_project_is_keyed_across_years(result: jixiao.api.Result) -> None:
    projects = result.projects
    years = projects.groupby("project_key")["year"].apply(list).to_dict()
    seed_keys = [k for k in years if k.startswith("上海市人民政府办公厅|")]
    assert len(seed_keys) == 6
    assert all(years[k] == [2022, 2023, 2024] for k in seed_keys)
    assert years[REAL_001] == [2022]
    assert len(projects) == 6 * 3 + 1
    # every reading is listed on its project-year, duplicates and near copies included
    listed = {t for ids in projects["table_ids"] for t in json.loads(ids)}
    assert listed == set(result.tables["table_id"])
    row = projects.set_index(["project_key", "year"]).loc[(KEY_1, 2022)]
    assert (row["table_id"], row["table_count"]) == ("2022/seed.txt#1", 2)


def _flags(series: pd.DataFrame, key: str, indicator: str) -> list[tuple[object, ...]]:
    rows = series[(series["project_key"] == key) & (series["indicator_key"] == indicator)]
    columns = [
        "year",
        "target_lowered_after_exceeded",
        "target_equals_previous_actual",
        "target_repeated",
    ]
    return [
        tuple(None if pd.isna(v) else v for v in row)
        for row in rows[columns].itertuples(index=False)
    ]


#: (indicator of seed table 1, flags per year: (year, lowered, equals previous actual, repeated))
FLAGS = [
    pytest.param(
        "保障公务外出次数",
        # 2022 ≥200 / 235 done; 2023 ≥180 (lowered after exceeded) / 240; 2024 ≥200 / 235
        [(2022, None, None, None), (2023, True, False, False), (2024, False, False, False)],
        id="target lowered after exceeded",
    ),
    pytest.param(
        "年终预算执行率",
        # 2022 ≥90% / 99.49%; 2023 ≥99.49% (= 2022's actual) / 99.49%; 2024 ≥90%: 2023's
        # actual only met its target, so going back to 90 is not "after exceeded"
        [(2022, None, None, None), (2023, False, True, False), (2024, False, False, False)],
        id="target equal to the previous actual",
    ),
    pytest.param(
        "调研集中出行率",
        # ≥90% and 100% every year
        [(2022, None, None, None), (2023, False, False, True), (2024, False, False, True)],
        id="same target repeated",
    ),
]


@pytest.mark.parametrize(("indicator", "expected"), FLAGS)
def test_series_flags(
    result: jixiao.api.Result, indicator: str, expected: list[tuple[object, ...]]
) -> None:
    assert _flags(result.series, KEY_1, indicator) == expected


def test_full_score_with_low_execution_is_flagged_only_there(result: jixiao.api.Result) -> None:
    flagged = result.projects[result.projects["full_score_low_execution"].fillna(False)]
    assert list(zip(flagged["project_key"], flagged["year"], strict=True)) == [(KEY_5, 2023)]
    row = flagged.iloc[0]
    assert (row["score_total_reported"], row["execution_rate_reported"]) == (100.0, 80.88)


def test_a_batch_run_writes_the_same_panel_and_counts_each_table_once(
    folder: Path, result: jixiao.api.Result, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    run = CliRunner().invoke(main, ["run", str(folder), "-o", str(out), "-q", "-j", "1"])
    assert run.exit_code == 0, run.output
    for name in ("projects", "series"):
        written = pd.read_parquet(out / f"{name}.parquet")
        pd.testing.assert_frame_equal(written, getattr(result, name))
    tables = pd.read_parquet(out / "tables.parquet")
    pd.testing.assert_frame_equal(tables, result.tables)
    counts = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["counts"]
    assert (counts["tables"], counts["duplicates"]) == (len(tables) - 12, 12)
