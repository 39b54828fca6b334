"""Real 自评表 of every family, in every printed form we read, against their ground truth.

``fixtures/real/`` holds thirteen real tables from eight provinces (安徽, 四川, 河北, 湖北, 宁夏,
重庆, 云南, 山西: the standard, 衔接资金, split-operator, 湖北, 部门整体 families and others),
each printed as tab-separated text (``tsv/``), a Word PDF (``word/``), a narrow-column PDF whose
cells wrap over several lines (``narrow/``), a spreadsheet PDF (``calc/``), and published as a
web page (``html/``, some GBK), a workbook (``xlsx/``) and a Word file (``docx/``), with the truth
of every field in ``truth/<id>.json`` and ``MANIFEST.json`` naming the tables of each file.
The expected frames are the truth: each table is read and compared field by field, the way
the shared ``eval.py`` scores a run (text compared without spaces or tags and width-folded,
numbers within 0.005, a null truth field not compared).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jixiao.pipeline.runner import discover, run
from jixiao.score import Frames, load_policy
from tests.truth_compare import same, truth_indicator, truth_table

REAL = Path(__file__).resolve().parent.parent / "fixtures" / "real"
MANIFEST: dict[str, dict[str, Any]] = json.loads(
    (REAL / "MANIFEST.json").read_text(encoding="utf-8")
)["files"]
TRUTH = {
    path.stem: json.loads(path.read_text(encoding="utf-8"))
    for path in sorted((REAL / "truth").glob("*.json"))
}

#: Where a printed form loses what the truth has; each is an xfail that must keep failing.
KNOWN_GAPS: dict[str, str] = {}


def differences(frames: Frames, file: str, ids: list[str]) -> list[str]:
    """Every field of the file's tables that differs from the truth, as ``where: truth≠got``."""
    tables = frames.tables[frames.tables["source_file"] == file]
    found: list[str] = []
    if len(tables) != len(ids):
        found.append(f"{len(tables)} tables read, the truth has {len(ids)}")
    for (_, row), table_id in zip(tables.iterrows(), ids, strict=False):
        truth = TRUTH[table_id]
        for field, value in truth_table(truth).items():
            if value is not None and not same(field, value, row[field]):
                found.append(f"{field}: {value!r} ≠ {row[field]!r}")
        got = frames.indicators[frames.indicators["table_id"] == row["table_id"]]
        records = got.sort_values("seq").to_dict("records")
        if len(records) != len(truth["indicators"]):
            found.append(
                f"{len(records)} indicators read, the truth has {len(truth['indicators'])}"
            )
        for seq, (indicator, record) in enumerate(
            zip(truth["indicators"], records, strict=False), start=1
        ):
            for field, value in truth_indicator(indicator).items():
                if value is not None and not same(field, value, record[field]):
                    found.append(f"indicator {seq} {field}: {value!r} ≠ {record[field]!r}")
    return found


@pytest.fixture(scope="module")
def frames() -> Frames:
    return run(discover([REAL]), (load_policy("national"),)).frames


def _case(file: str) -> Any:
    entry = MANIFEST[file]
    family = TRUTH[entry["ids"][0]]["family"]
    marks = [pytest.mark.xfail(reason=KNOWN_GAPS[file], strict=True)] if file in KNOWN_GAPS else []
    return pytest.param(file, entry["ids"], id=f"{family}:{file}", marks=marks)


@pytest.mark.parametrize(("file", "ids"), [_case(file) for file in MANIFEST])
def test_real_table_reads_as_its_truth(frames: Frames, file: str, ids: list[str]) -> None:
    assert differences(frames, file, ids) == []


def test_every_family_is_in_the_real_set() -> None:
    families = {TRUTH[entry["ids"][0]]["family"] for entry in MANIFEST.values()}
    assert families == {"standard", "xianjie", "split-operator", "hubei", "dept-overall", "other"}


def test_every_printed_form_of_a_table_is_here() -> None:
    stems = {folder: {Path(f).stem for f in MANIFEST if f.startswith(f"{folder}/")}
             for folder in ("tsv", "word", "narrow", "calc", "html", "xlsx", "docx")}  # fmt: skip
    assert all(names == stems["tsv"] for names in stems.values())
    assert len(stems["tsv"]) == 13


def test_no_cell_of_a_real_table_is_left_unread(frames: Frames) -> None:
    codes = set(frames.problems["code"])
    assert {"unread_cell", "unknown_layout", "no_tables", "not_self_eval"}.isdisjoint(codes)


# (id, field) → what the comparison must say: the rules it shares with eval.py.
SAME_CASES = [
    ("spaces-and-width", "level3", "营养改善计划覆 盖率", "营养改善计划覆盖率", True),
    ("points-on-level1", "level1", "产出指标(50分)", "产出指标", True),
    ("bare-points-level1", "level1", "(50分)", "产出指标", True),
    ("number-tolerance", "weight", "25.00", 25.0, True),
    ("number-differs", "score_reported", "19.6", 19.0, False),
    ("blank-is-dash", "deviation_note", "—", None, True),
    ("text-differs", "target_text", "≧735人次", "≧", False),
    ("ocr-noise-number", "score_reported", "IO", None, True),
]


@pytest.mark.parametrize(
    ("field", "truth", "got", "expected"),
    [c[1:] for c in SAME_CASES],
    ids=[c[0] for c in SAME_CASES],
)
def test_comparison_rules(field: str, truth: object, got: object, expected: bool) -> None:
    assert same(field, truth, got) is expected
