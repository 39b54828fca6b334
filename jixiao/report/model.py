"""The values the spot-check report is built from (see :mod:`jixiao.report.build`).

Plain frozen dataclasses, so that gathering the data (:mod:`jixiao.report.build`) and rendering it
(:mod:`jixiao.report.html`) stay apart and can be tested apart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from jixiao.export.departments import GRADE_ORDER
from jixiao.model.grid import Grid
from jixiao.model.pane import Crop
from jixiao.pipeline.locate import CellRef, ProblemRow
from jixiao.report.overview import Overview, OverviewTally

SEVERITIES = ("error", "warning", "info")
GRADES = GRADE_ORDER  # 优 良 中 差, in the order the department summary shows them
NO_GRADE = "无"


@dataclass(frozen=True, slots=True)
class TableCard:
    """One table as the report shows it.

    ``cells`` maps a problem's index in the problems frame to its cell (``None``: the whole
    table); ``fields`` names the field jixiao read from a cell; ``rules`` says, per problem,
    the rule the expected value comes from. ``lines`` are the numbered source lines of a text
    input; ``crops`` the page images of a PDF; ``note`` why either is missing.
    """

    table_id: str
    record: Mapping[str, Any]
    problems: tuple[ProblemRow, ...]
    kind: str
    grid: Grid | None = None
    cells: Mapping[int, CellRef | None] = field(default_factory=dict)
    fields: Mapping[tuple[int, int], str] = field(default_factory=dict)
    rules: Mapping[int, str] = field(default_factory=dict)
    crops: tuple[Crop, ...] = ()
    lines: tuple[tuple[int, str], ...] = ()
    note: str = ""
    html: str = ""  # its markup, when drawn as its table arrived (numbered 0; see report.html)

    @property
    def worst(self) -> str:
        """The most severe problem's severity, ``""`` when there is none."""
        present = {p.severity for p in self.problems}
        return next((s for s in SEVERITIES if s in present), "")


@dataclass(frozen=True, slots=True)
class FailedFile:
    """A file that gave no table, with the messages of its problems."""

    name: str
    messages: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Summary:
    """The run at a glance."""

    files: int
    pages: int
    tables: int
    indicators: int
    problems: int
    by_severity: Mapping[str, int]
    by_code: Mapping[tuple[str, str], int]  # (code, severity) → rows
    by_grade: Mapping[str, int]
    failed: tuple[FailedFile, ...]
    without_tables: tuple[str, ...] = ()  # files read to the end with no 自评表 (no_tables)
    not_read: int = 0  # 自评表 seen but not read (table_not_read problems)
    by_read_status: Mapping[str, int] = field(default_factory=dict)
    departments: tuple[DepartmentRow, ...] = ()

    @property
    def seen(self) -> int:
        """自评表 seen: read, or named in a table_not_read problem."""
        return self.tables + self.not_read


@dataclass(frozen=True, slots=True)
class DepartmentRow:
    """One 主管部门 in the summary: its tables, how they were read, problems and grades."""

    department: str
    tables: int
    by_read_status: Mapping[str, int]
    by_severity: Mapping[str, int]
    by_grade: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class Report:
    """Everything the page shows."""

    summary: Summary
    cards: Sequence[TableCard]  # a card may be made only when it is read (build.py)
    omitted: Sequence[str]  # the tables not shown, in order (build.py: made as read)
    file_problems: tuple[ProblemRow, ...]
    files: tuple[str, ...]
    generated: str
    limit: int
    overview: Overview = field(default_factory=lambda: OverviewTally().overview())
