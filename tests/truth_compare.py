"""Whether a value read equals the truth of a real table: the rules of the shared ``eval.py``
(text compared without spaces or tags and width-folded, numbers within 0.005, a null truth field
not compared), for the real-table tests and the variant suite alike."""

from __future__ import annotations

import math
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

import regex

NUMERIC = {
    "year", "budget_initial", "budget_adjusted", "spent", "execution_weight",
    "execution_rate_reported", "execution_score_reported", "weight_total_reported",
    "score_total_reported", "weight", "score_reported",
}  # fmt: skip
_SPACE = regex.compile(r"\s+")
_TAG = regex.compile(r"<[^>]+>")
_POINTS = regex.compile(r"[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]")
_EMPTY = {"", "nan", "None", "<NA>"}


def norm(value: object) -> str:
    """A value as eval.py compares it: width-folded, without tags or white space."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return _SPACE.sub("", _TAG.sub("", text))


def _number(value: object) -> Decimal | None:
    text = norm(value).replace(",", "").rstrip("%")
    try:
        return Decimal(text) if text not in ("", "—", "-", "--", "/") else None
    except InvalidOperation:
        return None


def same(field: str, truth: object, got: object) -> bool:
    """Whether a value read equals the truth (the rules of the shared eval.py)."""
    t, g = norm(truth), norm(got)
    if field == "level1":
        t, g = _POINTS.sub("", t), _POINTS.sub("", g)
        if not t:  # only "(50分)" printed: the group's name may be given
            return True
    if field == "level3":
        t, g = t.lstrip("★"), g.lstrip("★")
    if t in ("", "—") and g in {*_EMPTY, "—"}:
        return True
    tn, gn = _number(truth), _number(got)
    if field in NUMERIC and t and tn is None and g in _EMPTY:
        return True  # a printed non-number (OCR noise such as "IO") read as no value
    if field in NUMERIC and tn is not None and gn is not None:
        return abs(tn - gn) < Decimal("0.005")
    return t == ("" if g in _EMPTY else g)


def truth_table(truth: dict[str, Any]) -> dict[str, object]:
    funds = (truth.get("funds") or [{}])[0]
    return {
        "project_name": truth.get("project_name"),
        "department": truth.get("department"),
        "implementing_unit": truth.get("implementing_unit"),
        "year": truth.get("year"),
        "budget_initial": funds.get("budget_initial"),
        "budget_adjusted": funds.get("budget_adjusted"),
        "spent": funds.get("spent"),
        "execution_weight": funds.get("weight"),
        "execution_rate_reported": funds.get("rate"),
        "execution_score_reported": funds.get("score"),
        "weight_total_reported": truth.get("total_weight"),
        "score_total_reported": truth.get("total_score"),
    }


def truth_indicator(indicator: dict[str, Any]) -> dict[str, object]:
    names = {"target_text": "target", "actual_text": "actual", "score_reported": "score",
             "deviation_note": "note"}  # fmt: skip
    fields = ("level1", "level2", "level3", "target_text", "actual_text", "weight",
              "score_reported", "deviation_note")  # fmt: skip
    return {field: indicator.get(names.get(field, field)) for field in fields}
