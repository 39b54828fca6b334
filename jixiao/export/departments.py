"""The per-department summary: for each 主管部门, its tables, how completely they were read,
their problems by severity and their grades (a sheet of ``results.xlsx`` and a table of the
report).

It is computed from the ``tables`` frame alone (each table row carries its problem counts), so
a batch run gathers it while it streams the tables (:class:`DepartmentTally`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from jixiao.export.labels_zh import READ_STATUS_ZH

if TYPE_CHECKING:  # pandas only for the summary as a frame
    import pandas as pd

NO_DEPARTMENT = "（未注明主管部门）"
NO_GRADE = "ungraded"
#: Grades in the order analysts read them (a policy's other grade names follow, sorted).
GRADE_ORDER = ("优", "良", "中", "差")
STATUSES = tuple(READ_STATUS_ZH)

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


#: What the summary needs of each table: the ``tables`` columns :meth:`DepartmentTally.add`
#: takes, in this order.
TALLY_COLUMNS = (
    "department",
    "read_status",
    "grade",
    "problem_count",
    "error_count",
    "warning_count",
)


#: The count columns of the summary, after ``department`` and before the grades met.
COUNT_COLUMNS = ("tables", *STATUSES, "errors", "warnings", "infos")


class DepartmentTally:
    """Counts per department, added to table by table (:data:`TALLY_COLUMNS` of each)."""

    def __init__(self) -> None:
        self._counts: dict[str, Counter[str]] = {}

    def add(self, rows: Iterable[Sequence[Any]]) -> None:
        """Count tables given as :data:`TALLY_COLUMNS` values (``None`` where missing)."""
        for department, status, grade, total, error, warning in rows:
            name = NO_DEPARTMENT if department is None else str(department)
            counts = self._counts.setdefault(name if name.strip() else NO_DEPARTMENT, Counter())
            counts["tables"] += 1
            counts["" if status is None else str(status)] += 1
            counts[f"grade:{NO_GRADE if grade is None else grade}"] += 1
            errors, warnings = int(error or 0), int(warning or 0)
            counts["errors"] += errors
            counts["warnings"] += warnings
            counts["infos"] += int(total or 0) - errors - warnings

    def columns(self) -> list[str]:
        """The summary's columns: the fixed ones, then the grades met (:func:`_grade_order`)."""
        grades = sorted(
            {key[6:] for counts in self._counts.values() for key in counts if key[:6] == "grade:"},
            key=_grade_order,
        )
        return ["department", *COUNT_COLUMNS, *grades]

    def rows(self) -> list[list[Any]]:
        """One row per department (most tables first, then by name), in :meth:`columns`."""
        columns = self.columns()
        return [
            [department, *(counts[_key(c)] for c in columns[1:])]
            for department, counts in sorted(
                self._counts.items(), key=lambda item: (-item[1]["tables"], item[0])
            )
        ]

    def frame(self) -> pd.DataFrame:
        """:meth:`rows` as a frame (``Int64`` counts)."""
        import pandas as pd  # noqa: PLC0415 - pandas, ~0.6 s: only for a frame

        columns = self.columns()
        frame = pd.DataFrame.from_records(self.rows(), columns=columns)
        return frame.astype(dict.fromkeys(columns[1:], "Int64") | {"department": "string"})


def _key(column: str) -> str:
    return column if column in COUNT_COLUMNS else f"grade:{column}"


def _grade_order(grade: str) -> tuple[int, str]:
    if grade == NO_GRADE:
        return (len(GRADE_ORDER) + 1, grade)
    return (GRADE_ORDER.index(grade) if grade in GRADE_ORDER else len(GRADE_ORDER), grade)


def tables_to_departments(tables: pd.DataFrame) -> pd.DataFrame:
    """The per-department summary of a ``tables`` frame.

    >>> import pandas as pd
    >>> tables = pd.DataFrame({"department": ["甲局", "甲局", None], "read_status":
    ...     ["complete", "partial", "complete"], "grade": ["优", None, "良"],
    ...     "problem_count": [3, 1, 0], "error_count": [1, 0, 0], "warning_count": [1, 1, 0]})
    >>> tables_to_departments(tables).to_dict("records")[0]  # doctest: +NORMALIZE_WHITESPACE
    {'department': '甲局', 'tables': 2, 'complete': 1, 'partial': 1, 'unscored': 0,
     'errors': 1, 'warnings': 2, 'infos': 1, '优': 1, '良': 0, 'ungraded': 1}
    """
    import pandas as pd  # noqa: PLC0415 - pandas, ~0.6 s: the argument is a frame

    tally = DepartmentTally()
    columns = [tables[c].tolist() for c in TALLY_COLUMNS]
    tally.add([None if pd.isna(v) else v for v in row] for row in zip(*columns, strict=True))
    return tally.frame()


def department_labels(columns: list[str], labels: str) -> list[str]:
    """The header row of the department summary under a label set."""
    if labels == "en":
        return [f"grade_{c}" if c not in COLUMNS_ZH else c for c in columns]
    return [COLUMNS_ZH.get(c, c) for c in columns]
