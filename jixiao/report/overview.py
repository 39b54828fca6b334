"""The overview at the top of ``report.html`` (#27): four pictures of the whole run.

1. :class:`TotalsHistogram`: the printed totals (``score_total_reported``) of the tables read
   completely, by :data:`BIN_WIDTH` points, and how many of them print no total;
2. :class:`TotalsScatter`: printed against recomputed totals (``score_total``), the tables whose
   two totals differ by more than :data:`TOTAL_TOLERANCE` apart;
3. :class:`TargetsGrid`: indicators met or missed (``achieved``) against scored in full or not
   (``score_reported == weight``);
4. :class:`ProblemHeat`: warnings and errors per 主管部门 and problem code, the
   :data:`TOP_DEPARTMENTS` departments with the most.

:class:`OverviewTally` counts them as the files of a run finish (:meth:`OverviewTally.add`
takes a file's rows) and keeps only counts, never the rows: its memory is bounded by the number
of departments × codes, the scatter's cells (totals rounded to :data:`SCATTER_STEP`, at most
a few tens of thousands) and :data:`LISTED_OUTLIERS` tables. The result does not depend on the
order the files arrive in. Numbers are compared as :class:`~decimal.Decimal`.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from jixiao.export.departments import NO_DEPARTMENT
from jixiao.model.frames import Rows

BIN_WIDTH = Decimal(5)  # points per bar of the totals' histogram
FULL_MARKS = Decimal(100)  # the last bar holds its upper edge: 95–100 includes 100
TOTAL_TOLERANCE = Decimal(1)  # printed and recomputed totals further apart are highlighted
SCATTER_STEP = Decimal("0.5")  # the scatter's totals are counted in cells of this size
LISTED_OUTLIERS = 50  # tables outside the tolerance listed by name, largest difference first
TOP_DEPARTMENTS = 15  # departments shown in the problems chart
TOP_CODES = 8  # problem codes given a column of their own; the rest are counted under 其他
CHART_SEVERITIES = ("error", "warning")  # the problems chart counts these
OTHER_CODES = "其他"
COMPLETE = "complete"


def to_decimal(value: Any) -> Decimal | None:
    """A frame value as a Decimal; ``None`` for a missing, non-finite or non-numeric one.

    >>> to_decimal(94.95), to_decimal(None), to_decimal(float("nan")), to_decimal("x")
    (Decimal('94.95'), None, None, None)
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def decimal_text(value: Decimal) -> str:
    """A Decimal as printed, without trailing zeros or an exponent.

    >>> decimal_text(Decimal("82.0")), decimal_text(Decimal("100")), decimal_text(Decimal("-0.50"))
    ('82', '100', '-0.5')
    """
    text = f"{value.normalize():f}"
    return "0" if text == "-0" else text


def total_to_bin(total: Decimal) -> int:
    """The histogram bar a printed total falls in: ``k`` for ``[5k, 5k+5)``, the last full bar
    ``19`` also holding 100; below 0 is ``-1``, above 100 is ``20``.

    >>> [total_to_bin(Decimal(v)) for v in ("0", "4.99", "90", "94.95", "100", "100.5", "-1")]
    [0, 0, 18, 18, 19, 20, -1]
    """
    bars = int(FULL_MARKS / BIN_WIDTH)
    if total < 0:
        return -1
    if total > FULL_MARKS:
        return bars
    return min(int(total // BIN_WIDTH), bars - 1)


def _cell(value: Decimal) -> Decimal:
    return (value / SCATTER_STEP).to_integral_value() * SCATTER_STEP


# -- what the overview shows ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar of the histogram: its label (``90–95``) and count."""

    label: str
    count: int


@dataclass(frozen=True, slots=True)
class TotalsHistogram:
    """Printed totals of the tables read completely (``complete``), by :data:`BIN_WIDTH`.

    ``bars`` are ``0–5`` … ``95–100`` (100 in the last), with ``<0`` first and ``>100`` last
    when any total falls there; ``no_total`` complete tables print none; ``not_complete``
    tables were left out (read partly or not scored).
    """

    bars: tuple[Bar, ...]
    complete: int
    no_total: int
    not_complete: int

    @property
    def counted(self) -> int:
        return sum(bar.count for bar in self.bars)


@dataclass(frozen=True, slots=True)
class Outlier:
    """A table whose printed total differs from the recomputed one beyond the tolerance."""

    table_id: str
    department: str
    reported: Decimal
    recomputed: Decimal

    @property
    def difference(self) -> Decimal:
        return self.reported - self.recomputed


@dataclass(frozen=True, slots=True)
class ScatterCell:
    """Tables whose (printed, recomputed) totals round to this cell (:data:`SCATTER_STEP`);
    ``outside``: their totals differ by more than the tolerance."""

    reported: Decimal
    recomputed: Decimal
    count: int
    outside: bool


@dataclass(frozen=True, slots=True)
class TotalsScatter:
    """Printed against recomputed totals, of the tables that have both."""

    cells: tuple[ScatterCell, ...]
    within: int
    outside: int
    outliers: tuple[Outlier, ...]  # the largest differences, at most LISTED_OUTLIERS
    tolerance: Decimal = TOTAL_TOLERANCE

    @property
    def tables(self) -> int:
        return self.within + self.outside


@dataclass(frozen=True, slots=True)
class TargetsGrid:
    """Indicators by met/missed target and full/partial score (``score_reported == weight``);
    ``unknown``: no ``achieved``, ``weight`` or ``score_reported`` to tell."""

    met_full: int
    met_lost: int  # met, but scored below (or above) the weight: 达成但未得满分
    missed_full: int  # missed, yet scored in full: 未达成仍得满分
    missed_partial: int
    unknown: int

    @property
    def counted(self) -> int:
        return self.met_full + self.met_lost + self.missed_full + self.missed_partial


@dataclass(frozen=True, slots=True)
class HeatRow:
    """One department of the problems chart: its count per column, and its total."""

    department: str
    counts: tuple[int, ...]
    total: int


@dataclass(frozen=True, slots=True)
class ProblemHeat:
    """Warnings and errors per department (rows, most first) and code (columns, most first;
    :data:`OTHER_CODES` last when codes beyond :data:`TOP_CODES` were met)."""

    codes: tuple[str, ...]
    rows: tuple[HeatRow, ...]
    departments: int  # departments with any warning or error
    problems: int  # warnings and errors counted, of every department


@dataclass(frozen=True, slots=True)
class Overview:
    """The four charts' numbers."""

    totals: TotalsHistogram
    scatter: TotalsScatter
    targets: TargetsGrid
    heat: ProblemHeat


# -- counting ---------------------------------------------------------------------------------


class OverviewTally:
    """The overview's counts, added to file by file in any order (see the module docstring)."""

    def __init__(self) -> None:
        self._bins: Counter[int] = Counter()
        self._complete = 0
        self._no_total = 0
        self._not_complete = 0
        self._cells: Counter[tuple[Decimal, Decimal, bool]] = Counter()
        self._outliers: list[tuple[Decimal, str, Outlier]] = []  # a min-heap of the largest
        self._targets: Counter[str] = Counter()
        self._problems: Counter[tuple[str, str]] = Counter()  # (department, code)

    def add(self, rows: Rows) -> None:
        """Count one file's (or table's) rows."""
        for table in rows.tables:
            self._add_table(table)
        for indicator in rows.indicators:
            self._targets[indicator_to_cell(indicator)] += 1
        for problem in rows.problems:
            if problem.get("severity") in CHART_SEVERITIES and problem.get("table_id"):
                self._problems[(_department(problem), str(problem.get("code") or ""))] += 1

    def _add_table(self, table: Mapping[str, Any]) -> None:
        reported = to_decimal(table.get("score_total_reported"))
        if table.get("read_status") == COMPLETE:
            self._complete += 1
            if reported is None:
                self._no_total += 1
            else:
                self._bins[total_to_bin(reported)] += 1
        else:
            self._not_complete += 1
        recomputed = to_decimal(table.get("score_total"))
        if reported is None or recomputed is None:
            return
        outside = abs(reported - recomputed) > TOTAL_TOLERANCE
        self._cells[(_cell(reported), _cell(recomputed), outside)] += 1
        if outside:
            table_id = str(table.get("table_id") or "")
            outlier = Outlier(table_id, _department(table), reported, recomputed)
            item = (abs(outlier.difference), table_id, outlier)
            if len(self._outliers) < LISTED_OUTLIERS:
                heapq.heappush(self._outliers, item)
            elif item[:2] > self._outliers[0][:2]:
                heapq.heapreplace(self._outliers, item)

    def overview(self) -> Overview:
        """The charts' numbers of everything added so far."""
        return Overview(self._histogram(), self._scatter(), self._grid(), self._heat())

    def _histogram(self) -> TotalsHistogram:
        bars = int(FULL_MARKS / BIN_WIDTH)
        shown = [Bar(f"{k * BIN_WIDTH}–{(k + 1) * BIN_WIDTH}", self._bins[k]) for k in range(bars)]
        if self._bins[-1]:
            shown.insert(0, Bar("<0", self._bins[-1]))
        if self._bins[bars]:
            shown.append(Bar(f">{FULL_MARKS}", self._bins[bars]))
        return TotalsHistogram(tuple(shown), self._complete, self._no_total, self._not_complete)

    def _scatter(self) -> TotalsScatter:
        cells = tuple(
            ScatterCell(x, y, n, outside) for (x, y, outside), n in sorted(self._cells.items())
        )
        outliers = tuple(o for *_, o in sorted(self._outliers, key=lambda i: (-i[0], i[1])))
        within = sum(c.count for c in cells if not c.outside)
        outside = sum(c.count for c in cells if c.outside)
        return TotalsScatter(cells, within, outside, outliers)

    def _grid(self) -> TargetsGrid:
        t = self._targets
        return TargetsGrid(
            t["met_full"], t["met_lost"], t["missed_full"], t["missed_partial"], t[""]
        )

    def _heat(self) -> ProblemHeat:
        return problems_to_heat(self._problems)


def indicator_to_cell(indicator: Mapping[str, Any]) -> str:
    """Which cell of the met/missed × full/partial grid an indicator row falls in, ``""`` when
    it cannot tell (no ``achieved``, ``weight`` or ``score_reported``).

    >>> indicator_to_cell({"achieved": True, "weight": 20.0, "score_reported": 16.0})
    'met_lost'
    >>> indicator_to_cell({"achieved": False, "weight": 10.0, "score_reported": 10})
    'missed_full'
    """
    achieved = indicator.get("achieved")
    weight = to_decimal(indicator.get("weight"))
    score = to_decimal(indicator.get("score_reported"))
    if achieved is None or weight is None or score is None:
        return ""
    met = bool(achieved)
    full = score == weight
    return ("met_" if met else "missed_") + ("full" if full else ("lost" if met else "partial"))


def _department(record: Mapping[str, Any]) -> str:
    name = record.get("department")
    text = "" if name is None else str(name).strip()
    return text or NO_DEPARTMENT


def problems_to_heat(counts: Mapping[tuple[str, str], int]) -> ProblemHeat:
    """The problems chart from counts per (department, code): the :data:`TOP_DEPARTMENTS`
    departments and :data:`TOP_CODES` codes with the most (ties by name), the other codes
    under :data:`OTHER_CODES`."""
    by_department: Counter[str] = Counter()
    by_code: Counter[str] = Counter()
    for (department, code), n in counts.items():
        by_department[department] += n
        by_code[code] += n
    codes = sorted(by_code, key=lambda c: (-by_code[c], c))
    shown, rest = codes[:TOP_CODES], set(codes[TOP_CODES:])
    departments = sorted(by_department, key=lambda d: (-by_department[d], d))
    rows = []
    for department in departments[:TOP_DEPARTMENTS]:
        row = [counts.get((department, code), 0) for code in shown]
        if rest:
            row.append(sum(counts.get((department, code), 0) for code in rest))
        rows.append(HeatRow(department, tuple(row), by_department[department]))
    columns = (*shown, OTHER_CODES) if rest else tuple(shown)
    return ProblemHeat(columns, tuple(rows), len(by_department), sum(by_department.values()))


def rows_to_overview(rows: Iterable[Rows]) -> Overview:
    """The overview of some files' rows (a convenience for tests and one-off use)."""
    tally = OverviewTally()
    for one in rows:
        tally.add(one)
    return tally.overview()
