"""The panel: each project by year (``projects``) and each indicator by year (``series``), with
the flags analysts ask about.

Built over a whole run from the ``tables`` and ``indicators`` records, after duplicates are
marked (:mod:`jixiao.score.duplicates`): a duplicate reading only adds its ``table_id`` to its
project-year. Where a project-year still has more than one table (near copies, or two tables
that share a name), the most completely read one (:meth:`~jixiao.score.duplicates.Copy.rank`)
gives the row's numbers and all are listed in ``table_ids``.

Flags (``series``; "the year before" is ``year − 1`` of the same ``project_key`` and
``indicator_key``, compared on the parsed numbers when both carry the same unit):

- ``target_lowered_after_exceeded``: the year before, the actual went beyond the target in the
  indicator's direction (above for ``higher``, below for ``lower``), and this year's target is
  less demanding than that year's (lower for ``higher``, higher for ``lower``);
- ``target_equals_previous_actual``: this year's target value is the year before's actual value;
- ``target_repeated``: this year's target, as printed, is the year before's (compared as copies
  are compared: width, spaces, traditional characters and operator spellings aside).

And on ``projects``: ``full_score_low_execution``: the printed 总分 is the table's maximum (its
printed 总分 分值, or 100 when none is printed) while the execution rate (printed, else
recomputed) is below :attr:`PanelSettings.execution_threshold` (default 90%).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from jixiao.core.errors import PolicyError
from jixiao.model.frames import Record, records_by_table
from jixiao.score.duplicates import STATUS_RANK, text_to_compared

FULL_SCORE = Decimal(100)


@dataclass(frozen=True, slots=True)
class PanelSettings:
    """Settings of the panel's flags.

    ``execution_threshold``: an execution rate (percent) below which a full self-score is
    flagged (``full_score_low_execution``); between 0 and 100.

    >>> PanelSettings().execution_threshold
    Decimal('90')
    >>> PanelSettings(Decimal(120))
    Traceback (most recent call last):
    ...
    jixiao.core.errors.PolicyError: execution_threshold: give a percentage from 0 to 100, not 120
    """

    execution_threshold: Decimal = field(default=Decimal(90))

    def __post_init__(self) -> None:
        if not Decimal(0) <= self.execution_threshold <= FULL_SCORE:
            raise PolicyError(
                "execution_threshold: give a percentage from 0 to 100, "
                f"not {self.execution_threshold}"
            )


@dataclass(frozen=True, slots=True)
class Panel:
    """The two panel frames as records, in the order written."""

    projects: tuple[dict[str, Any], ...]
    series: tuple[dict[str, Any], ...]


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _rank(table: Record) -> tuple[int, int, str, str]:
    status = STATUS_RANK.get(str(table.get("read_status")), len(STATUS_RANK))
    count = int(table.get("indicator_count") or 0)
    return (status, -count, str(table.get("source_file") or ""), str(table.get("table_id")))


def tables_to_project_years(
    tables: Iterable[Record],
) -> dict[tuple[str, int | None], list[Record]]:
    """The tables of each (project_key, year), the one that gives the row's numbers first:
    kept readings by rank, then the duplicates."""
    groups: dict[tuple[str, int | None], list[Record]] = defaultdict(list)
    for table in tables:
        if table.get("project_key"):
            groups[(str(table["project_key"]), table.get("year"))].append(table)
    return {
        key: sorted(group, key=lambda t: (t.get("duplicate_of") is not None, _rank(t)))
        for key, group in sorted(groups.items(), key=lambda item: (item[0][0], _year(item[0][1])))
    }


def _year(year: int | None) -> int:
    return -1 if year is None else year


def full_score_low_execution(table: Record, settings: PanelSettings) -> bool | None:
    """A printed 总分 at the maximum while execution is below the threshold; none when the
    total or the rate is not known.

    >>> row = {"score_total_reported": 100.0, "execution_rate_reported": 62.5}
    >>> full_score_low_execution(row, PanelSettings())
    True
    >>> full_score_low_execution(row | {"execution_rate_reported": 95.0}, PanelSettings())
    False
    >>> full_score_low_execution({"score_total_reported": 100.0}, PanelSettings()) is None
    True
    """
    total = _decimal(table.get("score_total_reported"))
    rate = _decimal(table.get("execution_rate_reported"))
    if rate is None:
        rate = _decimal(table.get("execution_rate"))
    if total is None or rate is None:
        return None
    maximum = _decimal(table.get("weight_total_reported")) or FULL_SCORE
    return total >= maximum and rate < settings.execution_threshold


def records_to_panel(
    tables: Sequence[Record],
    indicators: Iterable[Record],
    settings: PanelSettings | None = None,
) -> Panel:
    """The ``projects`` and ``series`` records of a run (the module's rules)."""
    settings = settings or PanelSettings()
    groups = tables_to_project_years(tables)
    by_table = records_by_table(indicators)
    projects = []
    series_rows: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for (project_key, year), group in groups.items():
        first = group[0]
        projects.append(_project(project_key, year, group, settings))
        for row in by_table.get(str(first["table_id"]), ()):
            key = row.get("indicator_key")
            if key:
                series_rows[(project_key, str(key))].append(_point(project_key, year, first, row))
    series = []
    for points in series_rows.values():
        previous: dict[str, Any] | None = None
        for point in points:  # in year order: the groups are
            series.append(_flagged(point, previous))
            previous = point
    series.sort(key=lambda p: (p["project_key"], p["indicator_key"], _year(p["year"])))
    return Panel(tuple(projects), tuple(series))


def _project(
    project_key: str, year: int | None, group: Sequence[Record], settings: PanelSettings
) -> dict[str, Any]:
    first = group[0]
    return {
        "project_key": project_key,
        "year": year,
        "department": first.get("department"),
        "project_name": first.get("project_name"),
        "table_id": first.get("table_id"),
        "table_ids": json.dumps([t.get("table_id") for t in group], ensure_ascii=False),
        "table_count": sum(t.get("duplicate_of") is None for t in group),
        "read_status": first.get("read_status"),
        "budget_adjusted": first.get("budget_adjusted"),
        "spent": first.get("spent"),
        "execution_rate_reported": first.get("execution_rate_reported"),
        "execution_rate": first.get("execution_rate"),
        "indicator_count": first.get("indicator_count"),
        "weight_total_reported": first.get("weight_total_reported"),
        "score_total_reported": first.get("score_total_reported"),
        "score_total": first.get("score_total"),
        "grade": first.get("grade"),
        "full_score_low_execution": full_score_low_execution(first, settings),
    }


_POINT_COLUMNS = (
    "level1",
    "level2",
    "level3",
    "target_text",
    "actual_text",
    "target_op",
    "target_value",
    "target_unit",
    "actual_value",
    "actual_unit",
    "direction",
    "achieved",
    "weight",
    "score_reported",
    "score",
)


#: The columns of ``tables`` and ``indicators`` the panel reads.
TABLE_COLUMNS = (
    "table_id",
    "source_file",
    "project_key",
    "duplicate_of",
    "year",
    "department",
    "project_name",
    "read_status",
    "budget_adjusted",
    "spent",
    "execution_rate_reported",
    "execution_rate",
    "indicator_count",
    "weight_total_reported",
    "score_total_reported",
    "score_total",
    "grade",
)
INDICATOR_COLUMNS = ("table_id", "indicator_key", *_POINT_COLUMNS)
#: The columns of ``tables`` that group them into project-years and order each
#: (:func:`tables_to_project_years`, with ``duplicate_of``): a run's panel reads the others
#: only for the table that gives a project-year's row.
GROUP_COLUMNS = ("table_id", "source_file", "project_key", "year", "read_status", "indicator_count")


def _point(project_key: str, year: int | None, table: Record, row: Record) -> dict[str, Any]:
    point: dict[str, Any] = {
        "project_key": project_key,
        "indicator_key": row.get("indicator_key"),
        "year": year,
        "table_id": table.get("table_id"),
    }
    point.update({name: row.get(name) for name in _POINT_COLUMNS})
    return point


def _flagged(point: dict[str, Any], previous: Mapping[str, Any] | None) -> dict[str, Any]:
    flags = dict.fromkeys(
        ("target_lowered_after_exceeded", "target_equals_previous_actual", "target_repeated")
    )
    year = point["year"]
    if previous is not None and year is not None and previous["year"] == year - 1:
        flags = {
            "target_lowered_after_exceeded": target_lowered_after_exceeded(previous, point),
            "target_equals_previous_actual": target_equals_previous_actual(previous, point),
            "target_repeated": target_repeated(previous, point),
        }
    return point | flags


def _same_unit(first: Any, second: Any) -> bool:
    return (first or "") == (second or "")


def target_lowered_after_exceeded(before: Mapping[str, Any], now: Mapping[str, Any]) -> bool | None:
    """The year before's actual beyond its target, and this year's target less demanding.

    >>> before = {"target_value": 200.0, "actual_value": 235.0, "target_unit": "次",
    ...           "actual_unit": "次", "direction": "higher"}
    >>> target_lowered_after_exceeded(before, {"target_value": 180.0, "target_unit": "次"})
    True
    >>> target_lowered_after_exceeded(before, {"target_value": 220.0, "target_unit": "次"})
    False
    >>> lower = before | {"target_value": 5.0, "actual_value": 3.0, "direction": "lower"}
    >>> target_lowered_after_exceeded(lower, {"target_value": 8.0, "target_unit": "次"})
    True
    """
    target, actual = _decimal(before.get("target_value")), _decimal(before.get("actual_value"))
    now_target = _decimal(now.get("target_value"))
    units = (before.get("target_unit"), before.get("actual_unit"), now.get("target_unit"))
    if target is None or actual is None or now_target is None:
        return None
    if not (_same_unit(units[0], units[1]) and _same_unit(units[0], units[2])):
        return None
    if before.get("direction") == "lower":
        return actual < target and now_target > target
    return actual > target and now_target < target


def target_equals_previous_actual(before: Mapping[str, Any], now: Mapping[str, Any]) -> bool | None:
    """This year's target value is the year before's actual value (same unit).

    >>> target_equals_previous_actual({"actual_value": 235.0, "actual_unit": "次"},
    ...                               {"target_value": 235.0, "target_unit": "次"})
    True
    """
    actual, target = _decimal(before.get("actual_value")), _decimal(now.get("target_value"))
    if actual is None or target is None:
        return None
    if not _same_unit(before.get("actual_unit"), now.get("target_unit")):
        return None
    return actual == target


def target_repeated(before: Mapping[str, Any], now: Mapping[str, Any]) -> bool | None:
    """This year's target as printed is the year before's.

    >>> target_repeated({"target_text": "≥90%"}, {"target_text": "≧９０％"})
    True
    """
    first, second = before.get("target_text"), now.get("target_text")
    if not first or not second:
        return None
    return text_to_compared(str(first)) == text_to_compared(str(second))
