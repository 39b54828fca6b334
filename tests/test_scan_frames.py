"""Golden: a scanned table gives the frames its text gives, wherever the OCR is exact, and every
place where it is not carries an ``ocr_low_confidence`` problem on the cell.

``fixtures/scan/MANIFEST.json`` names, for each scan made by ``fixtures/make_scan_fixtures.py``
(image-only PDFs, a mixed PDF, PNG, multi-page TIFF, JPEG), the text table of each table on it.
Texts are compared after NFKC and without whitespace (the recognizer cannot tell ``：`` from
``:``, nor a wrap from a space), numbers exactly. ``fixtures/scan/real/`` holds two real scans
with their ground truth, compared field by field the same way.
"""

from __future__ import annotations

import json
import math
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import regex

from jixiao.extract.layout.table import grid_to_table
from jixiao.extract.readers.pdf.reader import pdf_to_extraction
from jixiao.extract.readers.scan.check import CODE
from jixiao.extract.readers.scan.files import image_to_extraction
from jixiao.model.table import SelfEvalTable
from jixiao.score import Frames
from tests import frames_compare
from tests.frames_compare import FIXTURES, fixture_frames

SCANS = FIXTURES / "scan"
MANIFEST = json.loads((SCANS / "MANIFEST.json").read_text(encoding="utf-8"))
PROVENANCE = {
    **frames_compare.PROVENANCE,
    # the scan's own ocr_low_confidence rows count too
    "tables": [*frames_compare.PROVENANCE["tables"], "problem_count"],
}
MIN_EXACT = 0.97


def norm(value: Any) -> str:
    """A value as compared: NFKC, no whitespace; a missing value is empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return "".join(unicodedata.normalize("NFKC", str(value)).split())


@cache
def tables(relative: str) -> tuple[SelfEvalTable, ...]:
    """The layout reader's tables of a scan (to find the cell of a frame value)."""
    path = FIXTURES / relative
    read = image_to_extraction if path.suffix != ".pdf" else pdf_to_extraction
    return tuple(grid_to_table(grid) for grid in read(path).grids)


def _rows(frame: pd.DataFrame, name: str, table_id: str) -> list[dict[str, Any]]:
    own = frame[frame["table_id"] == table_id].drop(columns=PROVENANCE[name])
    return list(own.to_dict("records"))


def _flagged_rows(scan: Frames, table_id: str) -> set[int]:
    p = scan.problems
    rows = p.loc[(p["table_id"] == table_id) & (p["code"] == CODE), "row"]
    return {int(r) for r in rows.dropna()}


def _differences(scan: Frames, text: Frames, scan_id: str, text_id: str) -> list[str]:
    """Every value of the scan's frames that differs from the text's, as ``frame[i].column``."""
    out: list[str] = []
    for name in PROVENANCE:
        got, want = (
            _rows(getattr(scan, name), name, scan_id),
            _rows(getattr(text, name), name, text_id),
        )
        assert len(got) == len(want), f"{scan_id} {name}: {len(got)} rows, text has {len(want)}"
        out += [
            f"{name}[{i}].{column}"
            for i, (g, w) in enumerate(zip(got, want, strict=True))
            for column in w
            if norm(g[column]) != norm(w[column])
        ]
    return out


def _unflagged(differences: list[str], table: SelfEvalTable, flagged: set[int]) -> list[str]:
    """The differences with no ocr_low_confidence problem on a cell they come from.

    An indicator value comes from its row; a table or funds value needs a flag in the table
    (the values derived from a misread cell differ too: totals, scores, problem counts).
    """
    out = []
    for difference in differences:
        frame, _, rest = difference.partition("[")
        index = int(rest.partition("]")[0])
        if frame == "indicators":
            row = table.indicators[index].source.row
            if row not in flagged:
                out.append(difference)
        elif not flagged:
            out.append(difference)
    return out


CASES = [
    pytest.param(name, number, entry, id=f"{name}#{number}")
    for name, item in MANIFEST.items()
    for number, entry in enumerate(item["tables"], start=1)
]


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_every_table_of_a_scan_is_found(name: str) -> None:
    found = fixture_frames(f"scan/{name}").tables
    assert len(found) == len(MANIFEST[name]["tables"])
    for number, entry in enumerate(MANIFEST[name]["tables"], start=1):
        row = found.set_index("table_id").loc[f"{name}#{number}"]
        assert (row["page_start"], row["page_end"]) == (entry["page_start"], entry["page_end"])


@pytest.mark.slow
@pytest.mark.parametrize(("name", "number", "entry"), CASES)
def test_scan_frames_equal_text_frames_or_are_flagged(
    name: str, number: int, entry: dict[str, Any]
) -> None:
    scan, text = fixture_frames(f"scan/{name}"), fixture_frames(entry["text"])
    scan_id, text_id = f"{name}#{number}", f"{Path(entry['text']).name}#{entry['table']}"
    differences = _differences(scan, text, scan_id, text_id)
    table = tables(f"scan/{name}")[number - 1]
    assert _unflagged(differences, table, _flagged_rows(scan, scan_id)) == []
    values = sum(
        len(rows) * len(rows[0]) if rows else 0
        for rows in (_rows(getattr(text, n), n, text_id) for n in PROVENANCE)
    )
    assert 1 - len(differences) / values >= MIN_EXACT


def test_the_mixed_pdf_reads_its_text_page_as_text() -> None:
    readers = fixture_frames("scan/lo_synthetic_mixed.pdf").tables.set_index("page_start")["reader"]
    assert readers.to_dict() == {1: "pdfium", 2: "ocr"}


# -- real scans ---------------------------------------------------------------------------

REAL = sorted(p.name for p in (SCANS / "real").glob("*.pdf"))
TABLE_FIELDS = {
    "project_name": "project_name",
    "department": "department",
    "implementing_unit": "implementing_unit",
    "year": "year",
    "weight_total_reported": "total_weight",
    "score_total_reported": "total_score",
}
FUND_FIELDS = {
    "budget_initial": "budget_initial",
    "budget_adjusted": "budget_adjusted",
    "spent": "spent",
    "execution_weight": "weight",
    "execution_rate_reported": "rate",
    "execution_score_reported": "score",
}
TRUTH_INDICATOR = {
    "level1": "level1",
    "level2": "level2",
    "level3": "level3",
    "target_text": "target",
    "actual_text": "actual",
    "weight": "weight",
    "score_reported": "score",
    "deviation_note": "note",
}


POINTS = regex.compile(r"[(（]\d+(?:\.\d+)?分[)）]")  # "(50分)" after a 一级 label


def same(truth: str | None, got: Any, column: str = "") -> bool:
    """A printed value as the truth has it: text after NFKC, numbers by value, "—" blank; a
    一级 label with or without its points (the layout reader keeps them in ``extra``)."""
    t, g = norm(truth), norm(got)
    if column == "level1":
        t, g = POINTS.sub("", t), POINTS.sub("", g)
    if t in ("", "—") and g in ("", "—"):
        return True
    try:
        return Decimal(t.rstrip("%")) == Decimal(g.rstrip("%"))
    except InvalidOperation:
        return t == g


def _real_misses(name: str) -> tuple[list[str], int, SelfEvalTable, set[int]]:
    """The fields of a real scan that differ from its truth, and how many there are."""
    truth = json.loads((SCANS / "real" / name.replace(".pdf", ".json")).read_text("utf-8"))
    scan = fixture_frames(f"scan/real/{name}")
    (row,) = scan.tables.to_dict("records")
    fund = (truth.get("funds") or [{}])[0]
    expected = {c: truth.get(k) for c, k in TABLE_FIELDS.items()}
    expected |= {c: fund.get(k) for c, k in FUND_FIELDS.items()}
    checked = [(c, t, row[c]) for c, t in expected.items() if t is not None]
    indicators = scan.indicators.to_dict("records")
    assert len(indicators) == len(truth["indicators"])
    for k, (got, want) in enumerate(zip(indicators, truth["indicators"], strict=True)):
        checked += [
            (f"ind{k}.{column}", want[key], got[column])
            for column, key in TRUTH_INDICATOR.items()
            if want.get(key) is not None
        ]
    misses = [c for c, t, g in checked if not same(t, g, c.rpartition(".")[2])]
    return (
        misses,
        len(checked),
        tables(f"scan/real/{name}")[0],
        _flagged_rows(scan, row["table_id"]),
    )


@pytest.mark.slow
@pytest.mark.parametrize("name", REAL)
def test_real_scan_fields_equal_the_truth_or_are_flagged(name: str) -> None:
    misses, checked, table, flagged = _real_misses(name)
    assert 1 - len(misses) / checked >= MIN_EXACT
    for miss in misses:
        if miss.startswith("ind"):
            k = int(miss[3:].partition(".")[0])
            assert table.indicators[k].source.row in flagged, miss
        else:
            assert flagged, miss
