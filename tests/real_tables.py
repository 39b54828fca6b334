"""Real 自评表 as printed, built straight from their hand-transcribed truth files.

``fixtures/real/truth/<id>.json`` is the ground truth of a real table (fixtures/real/README.md):
every cell as printed. Building the :class:`SelfEvalTable` from it, rather than reading the
table's text, tests the scorer on what the table prints, whatever the reader makes of its layout.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jixiao.model.source import Source
from jixiao.model.table import CellText, FundRow, IndicatorRow, SelfEvalTable, TotalRow

REAL = Path(__file__).resolve().parent.parent / "fixtures" / "real"

_FAMILIES = {"split-operator": "split_operator", "dept-overall": "department_whole"}
_PLACEHOLDER_PREFIXES = ("指标", "……", "...")


def truth_to_table(truth_id: str) -> SelfEvalTable:
    """The table a truth file describes, every cell on its own line of a pretend file."""
    data: dict[str, Any] = json.loads((REAL / "truth" / f"{truth_id}.json").read_text("utf-8"))
    file = f"{truth_id}.json"
    lines = iter(range(1, 10_000))

    def cell(text: str | None) -> CellText | None:
        return None if text is None else CellText(text, Source(file, line=next(lines)))

    def required(text: str | None) -> CellText:
        return CellText(text or "", Source(file, line=next(lines)))

    funds = tuple(
        FundRow(
            required(f["label"]),
            cell(f.get("budget_initial")),
            cell(f.get("budget_adjusted")),
            cell(f.get("spent")),
            cell(f.get("weight")),
            cell(f.get("rate")),
            cell(f.get("score")),
        )
        for f in data["funds"]
    )
    indicators = tuple(_indicator(i, cell, file, next(lines)) for i in data["indicators"])
    headers_extra = data.get("headers_extra") or {}
    funds_header = (
        (("score", required(headers_extra["funds_score"])),)
        if "funds_score" in headers_extra
        else ()
    )
    money = data.get("money_unit")
    return SelfEvalTable(
        file=file,
        source_kind="tsv",
        title=data.get("title"),
        year_text=f"({data['year']}年度)" if data.get("year") else None,
        page_start=None,
        page_end=None,
        line_start=1,
        project_name=cell(data.get("project_name")),
        department=cell(data.get("department")),
        implementing_unit=cell(data.get("implementing_unit")),
        money_label=cell(f"项目资金({money})" if money else None),
        funds=funds,
        goal_planned=cell(data.get("goal_planned")),
        goal_achieved=cell(data.get("goal_achieved")),
        indicators=indicators,
        total=TotalRow(
            cell(data.get("total_weight")),
            cell(data.get("total_score")),
            Source(file, line=next(lines)),
            grade=cell(data.get("grade")),
        ),
        problems=(),
        family=_FAMILIES.get(data["family"], data["family"]),
        funds_header=funds_header,
    )


def _indicator(data: dict[str, Any], cell: Any, file: str, line: int) -> IndicatorRow:
    level3 = data.get("level3") or ""
    return IndicatorRow(
        level1=cell(data.get("level1")),
        level2=cell(data.get("level2")),
        level3=cell(level3),
        target=cell(data.get("target")),
        actual=cell(data.get("actual")),
        weight=cell(data.get("weight")),
        score=cell(data.get("score")),
        note=cell(data.get("note")),
        source=Source(file, line=line),
        block=cell(data.get("block")),
        sub_row=level3.startswith("其中"),
        placeholder=level3.startswith(_PLACEHOLDER_PREFIXES) and not data.get("target"),
    )
