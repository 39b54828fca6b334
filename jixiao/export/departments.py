"""The per-department summary: for each 主管部门, its tables, how completely they were read,
their problems by severity and their grades (a sheet of ``results.xlsx`` and a table of the
report).

It is computed from the ``tables`` frame alone (each table row carries its problem counts), so
a batch run gathers it while it streams the tables (:class:`DepartmentTally`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

import pandas as pd

from jixiao.export.labels_zh import READ_STATUS_ZH

NO_DEPARTMENT = "（未注明主管部门）"
NO_GRADE = "ungraded"
#: Grades in the order analysts read them (a policy's other grade names follow, sorted).
GRADE_ORDER = ("优", "良", "中", "差")
STATUSES = tuple(READ_STATUS_ZH)
SEVERITY_COLUMNS = {"errors": "error_count", "warnings": "warning_count"}

#: Chinese headers of the fixed columns; grade columns are the grade names themselves.
COLUMNS_ZH: Mapping[str, str] = {
    "department": "主管部门",
    "tables": "自评表数",
    **READ_STATUS_ZH,
    "errors": "错误",
    "warnings": "警告",
    "infos": "提示",
    NO_GRADE: "未评级",
}


class DepartmentTally:
    """Counts per department, added to chunk by chunk from the ``tables`` frame."""

    def __init__(self) -> None:
        self._counts: dict[str, Counter[str]] = {}

    def add(self, tables: pd.DataFrame) -> None:
        departments = tables["department"].astype("string").fillna(NO_DEPARTMENT)
        departments = departments.where(departments.str.strip() != "", NO_DEPARTMENT)
        statuses = tables["read_status"].astype("string").fillna("")
        grades = tables["grade"].astype("string").fillna(NO_GRADE)
        problems = tables["problem_count"].fillna(0).astype(int)
        errors = tables["error_count"].fillna(0).astype(int)
        warnings = tables["warning_count"].fillna(0).astype(int)
        rows = zip(departments, statuses, grades, problems, errors, warnings, strict=True)
        for department, status, grade, total, error, warning in rows:
            counts = self._counts.setdefault(str(department), Counter())
            counts["tables"] += 1
            counts[str(status)] += 1
            counts[f"grade:{grade}"] += 1
            counts["errors"] += error
            counts["warnings"] += warning
            counts["infos"] += total - error - warning

    def frame(self) -> pd.DataFrame:
        """One row per department (most tables first, then by name)."""
        grades = sorted(
            {key[6:] for counts in self._counts.values() for key in counts if key[:6] == "grade:"},
            key=_grade_order,
        )
        columns = ["department", "tables", *STATUSES, "errors", "warnings", "infos", *grades]
        records = [
            {
                "department": department,
                **{c: counts[c] for c in ("tables", *STATUSES, "errors", "warnings", "infos")},
                **{grade: counts[f"grade:{grade}"] for grade in grades},
            }
            for department, counts in sorted(
                self._counts.items(), key=lambda item: (-item[1]["tables"], item[0])
            )
        ]
        frame = pd.DataFrame.from_records(records, columns=columns)
        return frame.astype(dict.fromkeys(columns[1:], "Int64") | {"department": "string"})


def _grade_order(grade: str) -> tuple[int, str]:
    if grade == NO_GRADE:
        return (len(GRADE_ORDER) + 1, grade)
    return (GRADE_ORDER.index(grade) if grade in GRADE_ORDER else len(GRADE_ORDER), grade)


def tables_to_departments(tables: pd.DataFrame) -> pd.DataFrame:
    """The per-department summary of a ``tables`` frame.

    >>> tables = pd.DataFrame({"department": ["甲局", "甲局", None], "read_status":
    ...     ["complete", "partial", "complete"], "grade": ["优", None, "良"],
    ...     "problem_count": [3, 1, 0], "error_count": [1, 0, 0], "warning_count": [1, 1, 0]})
    >>> tables_to_departments(tables).to_dict("records")[0]  # doctest: +NORMALIZE_WHITESPACE
    {'department': '甲局', 'tables': 2, 'complete': 1, 'partial': 1, 'unscored': 0,
     'errors': 1, 'warnings': 2, 'infos': 1, '优': 1, '良': 0, 'ungraded': 1}
    """
    tally = DepartmentTally()
    if len(tables):
        tally.add(tables)
    return tally.frame()


def department_labels(columns: list[str], labels: str) -> list[str]:
    """The header row of the department summary under a label set."""
    if labels == "en":
        return [f"grade_{c}" if c not in COLUMNS_ZH else c for c in columns]
    return [COLUMNS_ZH.get(c, c) for c in columns]
