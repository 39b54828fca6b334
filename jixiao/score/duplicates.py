"""The same table read twice, and near copies that disagree, over the tables of a whole run.

A department's table is often published twice (inside the 部门决算 PDF and as a web page or a
workbook), and a folder may hold the same file twice. Two readings are **copies** when they
have the same ``project_key`` and the same ``year``. Copies are **the same table** (one is a
duplicate of the other) when every printed number and text below is equal:

- the table's ``budget_initial``, ``budget_adjusted``, ``spent``, ``execution_weight``,
  ``execution_rate_reported``, ``execution_score_reported``, ``weight_total_reported`` and
  ``score_total_reported`` (printed numbers, as read: a missing one equals only a missing one);
- its indicators, matched by ``indicator_key``: the same keys, and for each its
  ``target_text`` and ``actual_text`` (compared as labels are: width-folded, without spaces or
  tags, in simplified characters, and with one spelling of each operator: ``≧`` is ``≥``),
  its ``weight`` and its ``score_reported``.

Of the readings of one table the one kept is the most completely read: ``read_status``
``complete`` before ``partial`` before ``unscored``, then the one with more indicators, then the
first by ``source_file`` and ``table_id``. The others get ``duplicate_of`` = the kept one's
``table_id``. Copies that differ in some of those cells are not duplicates: when at most half of the
compared cells (:data:`NEAR_SHARE`, counted on the kept copy) differ, each kept copy gets one
``conflicting_copies`` problem per such other copy, naming it and the fields that differ
(:func:`duplicates_to_problem_records`); copies that differ in more are two tables that share a
name, and neither is marked. A table with no ``project_key`` is never a copy.

Input and output are plain records (the rows of :class:`~jixiao.model.frames.Rows`), so the same
functions serve ``jixiao.read`` and a batch run's combined outputs.

Over a batch run the cells of every table would not fit in a flat memory, so the check there is
made in two passes (:func:`digests_to_duplicates`): first each copy is kept without its cells,
with a digest of them (:func:`cells_to_digest`: equal digests for cells that compare equal,
none for a cell that never equals anything, such as NaN); copies of one project and year with
the same digest are duplicates, and only the copies that must still be compared cell by cell
(kept copies of a project-year with another kept copy, and the copies of a project-year with an
undigested copy) are read again with their cells, for :func:`copies_to_duplicates`. Same
``duplicate_of``, conflicts and order as :func:`copies_to_duplicates` of all the copies.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import regex

from jixiao.core.labels import label_key
from jixiao.core.problems import make_problem
from jixiao.model.frames import Record, Rows, records_by_table
from jixiao.model.source import Source
from jixiao.normalize.vocab import OPERATOR_SYMBOLS
from jixiao.score.scoring import problems_to_records

#: The printed numbers of a table compared between copies.
TABLE_FIELDS = (
    "budget_initial",
    "budget_adjusted",
    "spent",
    "execution_weight",
    "execution_rate_reported",
    "execution_score_reported",
    "weight_total_reported",
    "score_total_reported",
)
#: The cells of an indicator compared between copies (texts as label keys).
INDICATOR_FIELDS = ("target_text", "actual_text", "weight", "score_reported")
_TEXT_FIELDS = frozenset({"target_text", "actual_text"})
#: Copies are near copies (a conflict) when at most this share of the compared cells differ;
#: beyond it they are two tables under one name (``conflicting_copies`` would be noise).
NEAR_SHARE = 0.5
#: read_status, most completely read first.
STATUS_RANK: Mapping[str, int] = {"complete": 0, "partial": 1, "unscored": 2}

#: The columns of ``tables`` and ``indicators`` the check reads.
TABLE_COLUMNS = (
    "table_id",
    "source_file",
    "project_name",
    "department",
    "project_key",
    "year",
    "read_status",
    "indicator_count",
    *TABLE_FIELDS,
)
INDICATOR_COLUMNS = ("table_id", "indicator_key", *INDICATOR_FIELDS)


@dataclass(frozen=True, slots=True)
class Copy:
    """One reading of a table, with the printed cells copies are compared by: ``cells`` maps
    ``score_total_reported`` or ``<indicator_key>.target_text`` … to the value read."""

    table_id: str
    source_file: str
    project_name: str | None
    department: str | None
    project_key: str
    year: int | None
    read_status: str
    indicator_count: int
    cells: tuple[tuple[str, Any], ...]

    def rank(self) -> tuple[int, int, str, str]:
        """Sort key: the copy kept first."""
        return _rank(self.read_status, self.indicator_count, self.source_file, self.table_id)


def _rank(
    status: str, indicators: int, source_file: str, table_id: str
) -> tuple[int, int, str, str]:
    return (STATUS_RANK.get(status, len(STATUS_RANK)), -indicators, source_file, table_id)


@dataclass(frozen=True, slots=True)
class CopyDigest:
    """A copy without its cells (what ranks it and groups it), with a digest of its cells
    (:func:`cells_to_digest`) and its place in the sequence of copies (``position``), by which
    its cells are read again when they must be compared one by one."""

    position: int
    table_id: str
    source_file: str
    project_key: str
    year: int | None
    read_status: str
    indicator_count: int
    digest: bytes | None  # none: a cell equals nothing by digest (NaN, a value of another type)

    def rank(self) -> tuple[int, int, str, str]:
        """Sort key: the copy kept first (as :meth:`Copy.rank`)."""
        return _rank(self.read_status, self.indicator_count, self.source_file, self.table_id)


@dataclass(frozen=True, slots=True)
class Conflict:
    """A kept copy that disagrees with another copy of the same project and year."""

    copy: Copy
    other: Copy
    fields: tuple[str, ...]  # the cells that differ, in the order compared


@dataclass(frozen=True, slots=True)
class Duplicates:
    """What the check found over a run: ``duplicate_of`` of every duplicate reading (by
    ``table_id``), and the conflicts between copies that differ."""

    duplicate_of: Mapping[str, str]
    conflicts: tuple[Conflict, ...]
    conflict_counts: Mapping[str, int] = field(default_factory=dict)  # by table_id


def records_to_copies(tables: Iterable[Record], indicators: Iterable[Record]) -> list[Copy]:
    """The copies to compare: every table with a ``project_key``, with its printed cells."""
    by_table = records_by_table(indicators)
    copies = []
    for table in tables:
        key = table.get("project_key")
        if not key or table.get("table_id") is None:
            continue
        table_id = str(table["table_id"])
        cells: list[tuple[str, Any]] = [(name, table.get(name)) for name in TABLE_FIELDS]
        for row in by_table.get(table_id, ()):
            indicator = row.get("indicator_key") or f"#{len(cells)}"
            cells.extend(
                (f"{indicator}.{name}", _cell(name, row.get(name))) for name in INDICATOR_FIELDS
            )
        copies.append(
            Copy(
                table_id=table_id,
                source_file=str(table.get("source_file") or ""),
                project_name=table.get("project_name"),
                department=table.get("department"),
                project_key=str(key),
                year=table.get("year"),
                read_status=str(table.get("read_status") or ""),
                indicator_count=int(table.get("indicator_count") or 0),
                cells=tuple(cells),
            )
        )
    return copies


def _cell(name: str, value: Any) -> Any:
    return text_to_compared(value) if name in _TEXT_FIELDS and isinstance(value, str) else value


_OPERATOR = regex.compile("|".join(map(regex.escape, OPERATOR_SYMBOLS)))  # longest first


def text_to_compared(text: str) -> str:
    """A target or actual as copies are compared: :func:`~jixiao.core.labels.label_key` with
    every operator symbol in one spelling (``≧`` and ``>=`` as ``≥``).

    >>> text_to_compared("≧50(萬頁)") == text_to_compared("≥50（万页）")
    True
    >>> text_to_compared("≥98%") == text_to_compared("≤98%")
    False
    """
    return _OPERATOR.sub(lambda m: OPERATOR_SYMBOLS[m.group()], label_key(text))


def cells_that_differ(first: Copy, second: Copy) -> tuple[str, ...]:
    """The cells of two copies that differ (a cell one copy lacks differs), first's order then
    the ones only second has.

    >>> a = Copy("a#1", "a", None, None, "k", 2022, "complete", 1,
    ...          (("spent", 1.0), ("x.target_text", "≥90%")))
    >>> b = Copy("b#1", "b", None, None, "k", 2022, "complete", 1,
    ...          (("spent", 1.0), ("x.target_text", "≥95%"), ("y.weight", 5.0)))
    >>> cells_that_differ(a, b), cells_that_differ(a, a)
    (('x.target_text', 'y.weight'), ())
    """
    ours, theirs = dict(first.cells), dict(second.cells)
    names = [name for name, _ in first.cells] + [n for n, _ in second.cells if n not in ours]
    missing = object()
    return tuple(n for n in names if ours.get(n, missing) != theirs.get(n, missing))


def copies_to_duplicates(copies: Sequence[Copy]) -> Duplicates:
    """Duplicates and conflicts among copies (the module's rules)."""
    groups: dict[tuple[str, int | None], list[Copy]] = defaultdict(list)
    for copy in copies:
        groups[(copy.project_key, copy.year)].append(copy)
    duplicate_of: dict[str, str] = {}
    conflicts: list[Conflict] = []
    for group in groups.values():
        kept: list[Copy] = []
        for copy in sorted(group, key=Copy.rank):
            same = next((k for k in kept if not cells_that_differ(k, copy)), None)
            if same is not None:
                duplicate_of[copy.table_id] = same.table_id
            else:
                kept.append(copy)
        for copy in kept:
            for other in kept:
                differ = cells_that_differ(copy, other) if other is not copy else ()
                if differ and len(differ) <= len(copy.cells) * NEAR_SHARE:
                    conflicts.append(Conflict(copy, other, differ))
    counts: dict[str, int] = defaultdict(int)
    for conflict in conflicts:
        counts[conflict.copy.table_id] += 1
    return Duplicates(duplicate_of, tuple(conflicts), dict(counts))


def records_to_duplicates(tables: Iterable[Record], indicators: Iterable[Record]) -> Duplicates:
    """:func:`copies_to_duplicates` of :func:`records_to_copies`."""
    return copies_to_duplicates(records_to_copies(tables, indicators))


_UNDIGESTED = ("?", None)  # a cell a digest cannot stand for (below)


def _canonical(value: Any) -> tuple[str, Any] | None:
    """A cell as the digest takes it: two cells compare equal (``==``) exactly when their
    canonical forms are equal (a whole float is its int: ``45.0 == 45``; ``-0.0`` is ``0``);
    :data:`_UNDIGESTED` for NaN (it equals nothing, not itself) and for values of other types
    (a Decimal, a NumPy number), which are compared cell by cell."""
    if value is None:
        return None
    if isinstance(value, str):
        return ("s", str(value))
    if isinstance(value, int):  # and bool: True == 1
        return ("n", int(value))
    if not isinstance(value, float) or math.isnan(value):
        return _UNDIGESTED
    if math.isfinite(value) and value.is_integer():
        return ("n", int(value))
    return ("f", repr(float(value)))


def cells_to_digest(cells: Iterable[tuple[str, Any]]) -> bytes | None:
    """A digest of a copy's cells that is the same for two copies exactly when
    :func:`cells_that_differ` finds no cell that differs (the same names, equal values; of a
    name given twice, the last value, as there), or none when a cell cannot be digested.

    >>> cells_to_digest([("spent", 9.5), ("x.weight", 45.0)]) == cells_to_digest(
    ...     [("x.weight", 45), ("spent", 9.5)])
    True
    >>> cells_to_digest([("spent", None)]) == cells_to_digest([("spent", 0.0)])
    False
    >>> cells_to_digest([("spent", float("nan"))]) is None
    True
    """
    by_name = dict(cells)
    canonical = [(name, _canonical(by_name[name])) for name in sorted(by_name)]
    if any(value is _UNDIGESTED for _, value in canonical):
        return None
    return hashlib.blake2b(repr(canonical).encode("utf-8"), digest_size=16).digest()


def copies_to_digests(copies: Iterable[Copy]) -> Iterable[CopyDigest]:
    """Each copy without its cells, with their digest, numbered in order (the texts many
    copies repeat held once: a file's name, a project's key, a status)."""
    shared: dict[str, str] = {}
    for position, copy in enumerate(copies):
        yield CopyDigest(
            position=position,
            table_id=copy.table_id,
            source_file=shared.setdefault(copy.source_file, copy.source_file),
            project_key=shared.setdefault(copy.project_key, copy.project_key),
            year=copy.year,
            read_status=shared.setdefault(copy.read_status, copy.read_status),
            indicator_count=copy.indicator_count,
            digest=cells_to_digest(copy.cells),
        )


def digests_to_duplicates(
    digests: Sequence[CopyDigest],
    copies_at: Callable[[Sequence[CopyDigest]], Sequence[Copy]],
) -> Duplicates:
    """:func:`copies_to_duplicates` of the copies ``digests`` stand for, holding the cells of
    only those that must be compared one by one: ``copies_at`` gives the copies of some
    digests, in their order. Copies of one project and year with equal digests are duplicates
    (of the first by rank); where a project-year keeps more than one copy, or has a copy without
    a digest, :func:`copies_to_duplicates` compares them (the kept ones; all of them)."""
    groups: dict[tuple[str, int | None], list[CopyDigest]] = defaultdict(list)
    for copy in digests:
        groups[(copy.project_key, copy.year)].append(copy)
    duplicate_of: dict[str, str] = {}
    compared: list[CopyDigest] = []  # by project-year, in the copies' order within each
    for group in groups.values():
        if any(copy.digest is None for copy in group):
            compared.extend(group)
            continue
        kept: dict[bytes | None, CopyDigest] = {}
        for copy in sorted(group, key=CopyDigest.rank):
            same = kept.setdefault(copy.digest, copy)
            if same is not copy:
                duplicate_of[copy.table_id] = same.table_id
        if len(kept) > 1:
            compared.extend(sorted(kept.values(), key=lambda copy: copy.position))
    copies = copies_at(compared) if compared else []
    if [c.table_id for c in copies] != [c.table_id for c in compared]:
        raise ValueError("copies_at gave other copies than the digests asked for")
    found = copies_to_duplicates(copies)
    return Duplicates(
        duplicate_of | dict(found.duplicate_of), found.conflicts, dict(found.conflict_counts)
    )


_SHOWN_FIELDS = 8  # cells named in a message; the rest are counted


def duplicates_to_problem_records(duplicates: Duplicates) -> list[dict[str, Any]]:
    """One ``conflicting_copies`` problem row per conflict, on the kept copy, naming the other
    copy (``expected``) and the cells that differ (``found``, and the message)."""
    rows: list[dict[str, Any]] = []
    for conflict in duplicates.conflicts:
        copy, other = conflict.copy, conflict.other
        ours, theirs = dict(copy.cells), dict(other.cells)
        shown = [
            f"{name}: {_shown(ours.get(name))} / {_shown(theirs.get(name))}"
            for name in conflict.fields[:_SHOWN_FIELDS]
        ]
        more = len(conflict.fields) - len(shown)
        listed = "；".join(shown) + (f"；另有 {more} 处" if more > 0 else "")
        year = f"{copy.year}年度" if copy.year is not None else "年度不详"
        problem = make_problem(
            "conflicting_copies",
            f"同一项目（{copy.project_key}）{year}的另一份表 {other.table_id} 有 "
            f"{len(conflict.fields)} 处不同（本表 / 另一份）：{listed}",
            Source(copy.source_file),
            field="copies",
            expected=other.table_id,
            found=", ".join(conflict.fields),
        )
        rows.extend(
            problems_to_records([problem], copy.table_id, copy.project_name, copy.department)
        )
    return rows


def _shown(value: Any) -> str:
    return "（无）" if value is None else str(value)


def table_with_duplicates(table: Record, duplicates: Duplicates) -> dict[str, Any]:
    """A ``tables`` record with its ``duplicate_of`` set and its conflicts counted in
    ``problem_count`` and ``warning_count``."""
    record = dict(table)
    table_id = str(record.get("table_id"))
    record["duplicate_of"] = duplicates.duplicate_of.get(table_id)
    added = duplicates.conflict_counts.get(table_id, 0)
    if added:
        record["problem_count"] = (record.get("problem_count") or 0) + added
        record["warning_count"] = (record.get("warning_count") or 0) + added
    return record


def rows_with_duplicates(rows: Rows) -> Rows:
    """A run's rows with duplicates marked and a ``conflicting_copies`` problem per conflict
    (after the other problems)."""
    duplicates = records_to_duplicates(rows.tables, rows.indicators)
    tables = tuple(table_with_duplicates(t, duplicates) for t in rows.tables)
    problems = (*rows.problems, *duplicates_to_problem_records(duplicates))
    return Rows(tables, rows.funds, rows.indicators, problems)
