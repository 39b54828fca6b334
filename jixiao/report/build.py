"""The spot-check report: ``out/report.html``, one self-contained file for checking a run by eye.

:class:`ReportCollector` gathers what the page shows as the files of a run finish — the counts
of the summary, the problems of whole files, and of the tables it will show (problem tables
first, at most ``limit``) their rows and report material — so memory holds ``limit`` tables,
not the run. The material (the grid jixiao read, the page images of a PDF or the lines of a text
file) was made by the worker that read the file, while it was open
(:mod:`jixiao.pipeline.material`): the report opens no source again. Only a table whose file
was not read in this run (``--resume`` reused it) is read from its source again
(:mod:`jixiao.report.source`). :func:`report_to_html` (in :mod:`jixiao.report.html`) renders
the :class:`~jixiao.report.model.Report`; :func:`write_report` and
:func:`write_batch_report` write it; :func:`frames_to_report` makes one from frames in memory.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from jixiao.batch.columns import InputFiles, TextColumn
from jixiao.batch.parts import GRIDS_PART, FileRecord
from jixiao.export import REPORT_NAME
from jixiao.export.departments import (
    COUNT_COLUMNS,
    STATUSES,
    TALLY_COLUMNS,
    DepartmentTally,
)
from jixiao.export.departments import NO_GRADE as NO_GRADE_COLUMN
from jixiao.export.labels_zh import policy_label
from jixiao.extract.layout.table import grid_to_table
from jixiao.extract.readers import path_to_kind
from jixiao.extract.readers.crops import DEFAULT_DPI
from jixiao.extract.readers.scan.check import with_ocr_problems
from jixiao.pipeline.discover import InputFile
from jixiao.pipeline.locate import (
    CellRef,
    ProblemRow,
    is_missing,
    record_to_problem_row,
)
from jixiao.pipeline.material import FileMaterial, TableMaterial
from jixiao.pipeline.runner import FileResult, ReadTable, read_to_material
from jixiao.report import DEFAULT_LIMIT
from jixiao.report.model import (
    GRADES,
    NO_GRADE,
    SEVERITIES,
    DepartmentRow,
    FailedFile,
    Report,
    Summary,
    TableCard,
)
from jixiao.report.overview import OverviewTally
from jixiao.report.source import SourceFile, pdf_page_count, read_source
from jixiao.score import Frames, Rows
from jixiao.score.explain import RULE_NAMES

if TYPE_CHECKING:
    import pandas as pd

    from jixiao.extract.readers.pdf.settings import PdfSettings


_FIELD_RULES = {
    "execution_rate": "执行率 = 全年执行数 ÷ 全年预算数",
    "execution_score": "执行得分 = min(执行率, 1) × 分值",
    "score_total_reported": "总分 = 执行得分 + Σ 指标得分",
    "weight_total_reported": "Σ 分值 = 总分行分值（未印时为 100）",
    "deviation_note": "得分低于分值时须填写偏差原因",
}


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {str(k): (None if is_missing(v) else v) for k, v in r.items()}
        for r in frame.to_dict("records")
    ]


def _severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def table_order(severities: Iterable[str], file: str, table_id: str) -> tuple[int, int, str, int]:
    """Where a table stands in the report: problem tables first, by their worst severity, then
    by their number of problems; then by file name and table number.

    >>> table_order(["info", "error"], "a.pdf", "a.pdf#2") < table_order([], "a.pdf", "a.pdf#1")
    True
    """
    ranks = [_severity_rank(severity) for severity in severities]
    worst = min(ranks, default=len(SEVERITIES) + 1)
    return worst, -len(ranks), file, _table_number(table_id)


def tally_to_department_rows(tally: DepartmentTally) -> tuple[DepartmentRow, ...]:
    """The per-department summary of the tables counted (:mod:`jixiao.export.departments`)."""
    columns = tally.columns()
    fixed = {"department", *COUNT_COLUMNS}
    rows = []
    for values in tally.rows():
        record = dict(zip(columns, values, strict=True))
        grades = {
            NO_GRADE if g == NO_GRADE_COLUMN else g: int(record[g])
            for g in columns
            if g not in fixed and record[g]
        }
        rows.append(
            DepartmentRow(
                department=str(record["department"]),
                tables=int(record["tables"]),
                by_read_status={s: int(record[s]) for s in STATUSES},
                by_severity={
                    "error": int(record["errors"]),
                    "warning": int(record["warnings"]),
                    "info": int(record["infos"]),
                },
                by_grade=grades,
            )
        )
    return tuple(rows)


def _rules(
    card_problems: Sequence[ProblemRow],
    cells: Mapping[int, CellRef | None],
    indicator_rules: Mapping[int, str],
    policy: str,
) -> dict[int, str]:
    """The rule behind each problem's expected value."""
    rules = {}
    for problem in card_problems:
        cell = cells.get(problem.index)
        text = ""
        if problem.field in ("score_reported", "actual_text", "target_text") and cell is not None:
            text = _rule_named(indicator_rules.get(cell.row, ""))
        elif problem.field.startswith("funds."):
            text = "年度资金总额 = Σ 其中各行"
        else:
            text = _FIELD_RULES.get(problem.field, "")
        named = policy_label(policy)
        shown = f"{named}，{policy}" if named != policy else policy
        rules[problem.index] = f"{text}（政策 {shown}）" if text and policy else text
    return rules


def _rule_named(text: str) -> str:
    """An indicator's rule text (``higher_ratio：未达标…``) with the rule's Chinese name first:
    ``按实际值/目标值×分值计分（higher_ratio）：未达标…``."""
    rule, colon, rest = text.partition("：")
    name = RULE_NAMES.get(rule)
    return f"{name}（{rule}）{colon}{rest}" if name else text


def _clean(record: Mapping[str, Any]) -> dict[str, Any]:
    return {str(k): (None if is_missing(v) else v) for k, v in record.items()}


def table_to_card(
    record: Mapping[str, Any],
    problems: Sequence[ProblemRow],
    material: TableMaterial | None,
    kind: str,
    note: str = "",
) -> TableCard:
    """The card of one table: its problems (in the order of its problem rows) on the grid read,
    beside its source."""
    table_id = str(record["table_id"])
    if material is None:
        return TableCard(table_id, record, tuple(problems), kind, note=note)
    cells = {
        problem.index: None if where is None else CellRef(*where)
        for problem, where in zip(problems, material.located, strict=False)
    }
    fields = {(row, col): name for row, col, name in material.fields}
    rules = _rules(problems, cells, dict(material.rules), str(record.get("policy") or ""))
    return TableCard(
        table_id,
        record,
        tuple(problems),
        kind,
        grid=material.grid(),
        cells=cells,
        fields=fields,
        rules=rules,
        crops=material.crops,
        lines=material.lines,
        note=material.note,
    )


def _table_number(table_id: str) -> int:
    tail = table_id.rsplit("#", 1)[-1]
    return int(tail) if tail.isdigit() else 0


@dataclass(slots=True)
class _Shown:
    """A table the report may show (internal): what its card needs."""

    record: dict[str, Any]
    problems: list[tuple[int | None, int, Mapping[str, Any]]]  # (index if known, in file, row)
    indicators: list[Mapping[str, Any]]
    material: TableMaterial | None
    kind: str
    drawn: TableCard | None = None  # its card, drawn as it arrived, if its problems' rows …
    offset: int = 0  # … are its file's own plus this (checked when the report is made)


class _FilesSeen:
    """What the report keeps of every file (internal), as columns, a position per file in the
    order they came: its name, its tables and problems counted, and the problems of the whole
    file (of the few files that have them). A run of 10,000 files held an object, a list and
    a second copy of the name per file (~0.25 kB); the columns hold ~50 bytes a file."""

    __slots__ = ("file_problems", "names", "problems", "tables")

    def __init__(self) -> None:
        self.names = TextColumn(indexed=True)
        self.tables = array("q")
        self.problems = array("q")
        self.file_problems: dict[int, list[tuple[int | None, int, Mapping[str, Any]]]] = {}

    def position(self, name: str) -> int:
        """The position of file ``name``, added (nothing counted) if it is new."""
        found = self.names.find(name)
        if found is not None:
            return found
        self.tables.append(0)
        self.problems.append(0)
        return self.names.append(name)

    def __len__(self) -> int:
        return len(self.names)


class _TableOrder:
    """Every table's place in the report (internal, :func:`table_order`) and its id, as
    columns: its worst severity's rank, its problems, its file (a position in
    :class:`_FilesSeen`) and its number. ~50 bytes a table, where a tuple of the key and the id
    took ~0.25 kB."""

    __slots__ = ("files", "ids", "numbers", "problems", "worst")

    def __init__(self) -> None:
        self.worst = array("q")
        self.problems = array("q")
        self.files = array("q")
        self.numbers = array("q")
        self.ids = TextColumn()

    def append(self, key: tuple[int, int, str, int], file: int, table_id: str) -> None:
        worst, problems, _, number = key
        self.worst.append(worst)
        self.problems.append(-problems)
        self.files.append(file)
        self.numbers.append(number)
        self.ids.append(table_id)

    def __len__(self) -> int:
        return len(self.ids)

    def ordered(self, names: TextColumn) -> Sequence[str]:
        """The tables' ids in the report's order (by :func:`table_order`, then id), their
        files' ``names``."""
        rank = array("q", bytes(8 * len(names)))
        for place, file in enumerate(sorted(range(len(names)), key=names.__getitem__)):
            rank[file] = place
        worst, problems, files, numbers = self.worst, self.problems, self.files, self.numbers
        order = sorted(
            range(len(self)), key=lambda i: (worst[i], -problems[i], rank[files[i]], numbers[i])
        )
        start = 0  # tables of one key: by id (as a sort of (key, id) pairs gave them)
        for stop in range(1, len(order) + 1):
            if stop < len(order) and self._key(order[stop]) == self._key(order[start]):
                continue
            if stop - start > 1:
                order[start:stop] = sorted(order[start:stop], key=self.ids.__getitem__)
            start = stop
        return _TextsInOrder(self.ids, array("q", order))

    def _key(self, i: int) -> tuple[int, int, int, int]:
        return self.worst[i], self.problems[i], self.files[i], self.numbers[i]


class _TextsInOrder(Sequence[str]):
    """The texts of a column in an order (a report's omitted tables: counted, the first few
    listed)."""

    __slots__ = ("_order", "_texts")

    def __init__(self, texts: TextColumn, order: array[int]) -> None:
        self._texts, self._order = texts, order

    def __len__(self) -> int:
        return len(self._order)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> _TextsInOrder: ...
    def __getitem__(self, index: int | slice) -> str | _TextsInOrder:
        if isinstance(index, slice):
            return _TextsInOrder(self._texts, self._order[index])
        return self._texts[self._order[index]]


_SLACK = 32  # tables kept beyond the limit before the worst are dropped


class ReportCollector:
    """Gathers a run's report as its files finish, in any order (see the module docstring).

    :meth:`add_result` takes a file's result (rows and material); :meth:`add_rows` takes a
    file's rows without material (a file reused from an earlier run). ``indexes``, when given,
    are the problems' rows in the combined problems frame; otherwise they are counted from the
    files in name order, as the combined outputs are written.

    With ``draw``, the cards of the first ``limit`` tables are drawn while the files are read,
    one at each call of :meth:`draw_next` (a run calls it while its workers read and no result
    waits), not after the last file; past ``limit`` tables a table may push a drawn one out,
    so the rest are drawn at the end, and at most ``limit`` drawings are lost. The first
    file's problems are rows 0…, and each next file's, while the files come in name order,
    follow the problems of those before it. :meth:`report` takes a drawn card whose file's
    problems start where it assumed, and draws the others.
    """

    def __init__(self, limit: int = DEFAULT_LIMIT, *, draw: bool = False) -> None:
        if limit < 0:
            raise ValueError(f"report limit must be >= 0, got {limit}")
        self.limit = limit
        self.draw = draw
        self._last = ""  # the last file added; and the problems of the files added so far
        self._problems = 0  # (while they came in name order; -1 once they did not)
        self._worst: tuple[int, int, str, int] | None = None  # the limit-th key when pruned
        self._undrawn: list[tuple[_Shown, int]] = []  # (table, its file's first problem row)
        self._files = _FilesSeen()
        self._keys = _TableOrder()  # every table's order
        self._kept: list[tuple[tuple[int, int, str, int], _Shown]] = []  # the tables shown
        self._indicators = 0
        self._severities: Counter[str] = Counter()
        self._codes: Counter[tuple[str, str]] = Counter()
        self._grades: Counter[str] = Counter()
        self._read_status: Counter[str] = Counter()
        self._departments = DepartmentTally()
        self._overview = OverviewTally()  # the charts' counts, not the rows

    def add_result(self, result: FileResult) -> None:
        self.add_rows(result.file.name, result.file.kind, result.rows, result.material)

    def add_rows(
        self,
        name: str,
        kind: str,
        rows: Rows,
        material: FileMaterial | None = None,
        indexes: Sequence[int] | None = None,
    ) -> None:
        offset = self._offset(name, rows, indexes)
        seen = self._files
        file = seen.position(name)
        seen.tables[file] += len(rows.tables)
        self._overview.add(rows)
        self._indicators += len(rows.indicators)
        by_table: dict[str, list[tuple[int | None, int, Mapping[str, Any]]]] = {}
        first = seen.problems[file]
        for local, problem in enumerate(rows.problems, start=first):
            index = indexes[local - first] if indexes is not None else None
            severity, code = str(problem["severity"] or ""), str(problem["code"] or "")
            self._severities[severity] += 1
            self._codes[(code, severity)] += 1
            table_id = problem["table_id"]
            if table_id:
                by_table.setdefault(str(table_id), []).append((index, local, problem))
            else:
                seen.file_problems.setdefault(file, []).append((index, local, problem))
        seen.problems[file] += len(rows.problems)
        indicators: dict[str, list[Mapping[str, Any]]] = {}
        for indicator in rows.indicators:
            indicators.setdefault(str(indicator["table_id"]), []).append(indicator)
        materials = {t.table_id: t for t in material.tables} if material is not None else {}
        for record in rows.tables:
            grade = record.get("grade")
            self._grades[str(grade) if isinstance(grade, str) and grade else NO_GRADE] += 1
            if record.get("read_status"):
                self._read_status[str(record["read_status"])] += 1
            self._departments.add([tuple(record.get(c) for c in TALLY_COLUMNS)])
            table_id = str(record["table_id"])
            problems = by_table.get(table_id, [])
            key = table_order((str(p["severity"]) for *_, p in problems), name, table_id)
            self._keys.append(key, file, table_id)
            if self.limit == 0 or (self._worst is not None and key > self._worst):
                continue  # never shown: the first ``limit`` tables are all before it
            shown = _Shown(
                _clean(record),
                problems,
                indicators.get(table_id, []),
                materials.get(table_id),
                str(record.get("source_kind") or kind),
            )
            self._keep(key, shown)
            if offset is not None and shown.material is not None:
                self._undrawn.append((shown, offset))

    def _offset(self, name: str, rows: Rows, indexes: Sequence[int] | None) -> int | None:
        """The row of a file's first problem in the problems frame if the files come in name
        order from now on, when its cards are to be drawn now; None otherwise."""
        if not self.draw or indexes is not None or self._problems < 0:
            return None
        if name <= self._last or len(self._keys) + len(rows.tables) > self.limit:
            # out of name order (a second worker), or more tables than are shown: the cards
            # not drawn yet are drawn at the end, once
            self._problems, self._undrawn = -1, []
            return None
        offset, self._last = self._problems, name
        self._problems += len(rows.problems)
        return offset

    def draw_next(self) -> bool:
        """Draw one card waiting to be drawn; False when none waits."""
        if not self._undrawn:
            return False
        table, offset = self._undrawn.pop()
        _draw(table, offset)
        return True

    def _keep(self, key: tuple[int, int, str, int], shown: _Shown) -> None:
        """Keep the first ``limit`` tables by ``key`` (pruned as they come: memory holds at
        most ``limit`` + :data:`_SLACK` tables' material)."""
        self._kept.append((key, shown))
        if len(self._kept) >= self.limit + _SLACK:
            self._kept.sort(key=lambda kept: kept[0])
            del self._kept[self.limit :]
            self._worst = self._kept[-1][0]

    def _department_rows(self) -> tuple[DepartmentRow, ...]:
        return tally_to_department_rows(self._departments)

    def report(
        self,
        sources: Mapping[str, Path] | None = None,
        *,
        pages: int = 0,
        generated: str | None = None,
        settings: PdfSettings | None = None,
        dpi: float = DEFAULT_DPI,
        scanned: Mapping[str, Path] | None = None,
    ) -> Report:
        """The report of everything added; ``sources`` (name → path) are the run's inputs,
        read again only for a shown table that came without material (``scanned``: the grids
        part of a file read by OCR, taken instead of reading it by OCR again)."""
        sources = sources or {}
        seen = self._files
        names = sorted(set(sources).union(seen.names))
        at = {name: seen.names.find(name) for name in names}  # a file's position, if seen
        offsets: dict[str, int] = {}
        total = 0
        for name in names:
            offsets[name] = total
            file = at[name]
            total += seen.problems[file] if file is not None else 0
        file_problems = [
            record_to_problem_row(local + offsets[name] if index is None else index, problem)
            for name in names
            if (file := at[name]) is not None
            for index, local, problem in seen.file_problems.get(file, ())
        ]
        shown = sorted(self._kept, key=lambda kept: kept[0])[: self.limit]
        read: dict[str, SourceFile | None] = {}
        cards: list[TableCard | Callable[[], TableCard]] = []
        try:
            for _, table in shown:
                name = str(table.record["source_file"])
                problems = [
                    record_to_problem_row(
                        offsets.get(name, 0) + local if index is None else index, p
                    )
                    for index, local, p in table.problems
                ]
                if table.drawn is not None and table.offset == offsets.get(name, 0):
                    cards.append(table.drawn)
                    continue
                material, note = table.material, ""
                if material is None:
                    material, note = _read_again(table, sources, read, settings, dpi, scanned or {})
                # made as the page is written (the material holds no open source)
                cards.append(
                    partial(table_to_card, table.record, problems, material, table.kind, note)
                )
        finally:
            for source in read.values():
                if source is not None:
                    source.close()
        ordered = self._keys.ordered(seen.names)
        untabled = [n for n in names if (file := at[n]) is None or not seen.tables[file]]
        codes = {n: {p.code for p in file_problems if p.source_file == n} for n in untabled}
        # read to the end, no 自评表 in it (other tables skipped): read, not failed
        without = tuple(n for n in untabled if "no_tables" in codes[n] and codes[n] <= _READ_CODES)
        failed = tuple(
            FailedFile(name, tuple(p.message for p in file_problems if p.source_file == name))
            for name in untabled
            if name not in without
        )
        summary = Summary(
            files=len(names),
            pages=pages,
            tables=len(self._keys),
            indicators=self._indicators,
            problems=total,
            by_severity=self._severities,
            by_code=self._codes,
            by_grade={g: self._grades[g] for g in (*GRADES, NO_GRADE) if self._grades[g]},
            failed=failed,
            without_tables=without,
            not_read=sum(n for (code, _), n in self._codes.items() if code == "table_not_read"),
            by_read_status=dict(self._read_status),
            departments=self._department_rows(),
        )
        return Report(
            summary=summary,
            cards=CardsMadeWhenRead(cards),
            omitted=ordered[self.limit :],
            file_problems=tuple(file_problems),
            files=tuple(names),
            generated=generated or datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            limit=self.limit,
            overview=self._overview.overview(),
        )


def _draw(table: _Shown, offset: int) -> None:
    """Draw the card of ``table``, its file's problems taken to start at row ``offset``."""
    problems = [record_to_problem_row(offset + local, p) for _, local, p in table.problems]
    card = table_to_card(table.record, problems, table.material, table.kind)
    table.drawn = card_to_markup_only(card)
    table.offset = offset


class CardsMadeWhenRead(Sequence[TableCard]):
    """A report's cards, each made when it is read (as the page is written) from its table's
    material, which the report holds anyway: one card's grid at a time, not every card's
    (~10 kB a card). Cards given made are returned as they are."""

    def __init__(self, cards: Iterable[TableCard | Callable[[], TableCard]]) -> None:
        self._cards = tuple(cards)

    def __len__(self) -> int:
        return len(self._cards)

    @overload
    def __getitem__(self, index: int) -> TableCard: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[TableCard, ...]: ...
    def __getitem__(self, index: int | slice) -> TableCard | tuple[TableCard, ...]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        card = self._cards[index]
        return card if isinstance(card, TableCard) else card()


def card_to_markup_only(card: TableCard) -> TableCard:
    """The card drawn (:func:`~jixiao.report.html.draw_card`), keeping its markup and not its
    grid, cells and page images: a report holds up to ``limit`` cards until its page is
    written (~10 kB of markup a card, where the grid and material took as much again)."""
    from jixiao.report.html import draw_card  # noqa: PLC0415 - jinja2: loaded by a run already

    html = draw_card(card)
    return TableCard(
        card.table_id, card.record, card.problems, card.kind, note=card.note, html=html
    )


def _read_again(
    table: _Shown,
    sources: Mapping[str, Path],
    read: dict[str, SourceFile | None],
    settings: PdfSettings | None,
    dpi: float,
    scanned: Mapping[str, Path],
) -> tuple[TableMaterial | None, str]:
    """The material of a table whose file was not read in this run, from its source."""
    name, table_id = str(table.record["source_file"]), str(table.record["table_id"])
    if name not in read:
        read[name] = (
            read_source(sources[name], name, settings, scanned=scanned.get(name))
            if name in sources
            else None
        )
    source = read[name]
    if source is None:
        return None, "源文件不在本次输入中，无法显示原表"
    grid = source.grid_of(table_id)
    if grid is None:
        return None, f"无法重新读取源文件：{source.error or '重新读取时未找到该表'}"
    read_table = ReadTable(table_id, grid, with_ocr_problems(grid_to_table(grid), grid))
    rows = Rows(indicators=tuple(table.indicators), problems=tuple(p for _, _, p in table.problems))
    return read_to_material(read_table, rows, source.pane(grid, dpi)), ""


def frames_to_report(
    frames: Frames,
    sources: Mapping[str, Path],
    *,
    limit: int = DEFAULT_LIMIT,
    dpi: float = DEFAULT_DPI,
    settings: PdfSettings | None = None,
    generated: str | None = None,
    pages: int | None = None,
    materials: Iterable[FileMaterial] = (),
    scanned: Mapping[str, Path] | None = None,
) -> Report:
    """The report of frames in memory: ``sources`` maps each input's name (as in
    ``source_file``) to its path; ``materials`` are the files' report material where it was
    made (the others are read again). ``pages`` is the run's PDF page count when known (else
    the PDFs are opened to count them)."""
    collector = ReportCollector(limit)
    by_name = {m.name: m for m in materials}
    for name, rows, indexes in _frames_by_file(frames):
        kind = by_name[name].kind if name in by_name else ""
        collector.add_rows(name, kind, rows, by_name.get(name), indexes)
    if pages is None:
        pages = sum(pdf_page_count(p) for p in sources.values() if path_to_kind(p) == "pdf")
    return collector.report(
        sources, pages=pages, generated=generated, settings=settings, dpi=dpi, scanned=scanned
    )


def _frames_by_file(frames: Frames) -> list[tuple[str, Rows, list[int]]]:
    """Each file's rows of the frames, with its problems' rows in the problems frame."""
    records = {name: _records(frame) for name, frame in frames.items() if name != "funds"}
    files: dict[str, dict[str, list[Any]]] = {}
    owner = {str(r["table_id"]): str(r["source_file"]) for r in records["tables"]}

    def add(name: str | None, frame: str, value: Any) -> None:
        entry = files.setdefault(name or "", {"tables": [], "indicators": [], "problems": []})
        entry[frame].append(value)

    for record in records["tables"]:
        add(record["source_file"], "tables", record)
    for record in records["indicators"]:
        add(owner.get(str(record["table_id"]), record.get("source_file")), "indicators", record)
    for index, record in enumerate(records["problems"]):
        add(record["source_file"], "problems", (index, record))
    out = []
    for name, entry in files.items():
        problems = entry["problems"]
        rows = Rows(
            tables=tuple(entry["tables"]),
            indicators=tuple(entry["indicators"]),
            problems=tuple(p for _, p in problems),
        )
        out.append((name, rows, [i for i, _ in problems]))
    return out


def write_report(
    frames: Frames,
    sources: Mapping[str, Path],
    path: Path,
    *,
    limit: int = DEFAULT_LIMIT,
    dpi: float = DEFAULT_DPI,
    settings: PdfSettings | None = None,
    pages: int | None = None,
    materials: Iterable[FileMaterial] = (),
    scanned: Mapping[str, Path] | None = None,
) -> Path:
    """Build the report of frames in memory and write it to ``path`` (UTF-8); return the
    path."""
    report = frames_to_report(
        frames,
        sources,
        limit=limit,
        dpi=dpi,
        settings=settings,
        pages=pages,
        materials=materials,
        scanned=scanned,
    )
    return _write(report, path)


def load_renderer() -> None:
    """Load and compile what rendering the page needs (a run does it while files are read,
    :func:`loading_renderer`)."""
    for _ in loading_renderer():
        pass


def loading_renderer() -> Iterator[None]:
    """:func:`load_renderer` a step at a time: jinja2, then each template, the ones the page
    and the cards include too (Jinja compiles an included template when it is first rendered:
    ~50 ms after the last file, if not before)."""
    from jixiao.report.html import environment, load_card  # noqa: PLC0415 - jinja2

    yield
    env = environment()
    for name in env.list_templates():
        env.get_template(name)
        yield
    load_card()


def _write(report: Report, path: Path) -> Path:
    from jixiao.report.html import report_to_html_pieces  # noqa: PLC0415 - jinja2, when drawn

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for piece in report_to_html_pieces(report):
            handle.write(piece)
    return path


#: The problems of a file read to the end without a 自评表: it holds none, and other tables.
_READ_CODES = frozenset({"no_tables", "not_self_eval"})


class InputPaths(Mapping[str, Path]):
    """A run's input files by name, each one's path made when it is asked for: the report reads
    again only the files of tables it shows that were not read in this run, and a Path made for
    every input at once was ~0.5 kB a file (5 MB of a 10,000-file run, at its end). Given an
    :class:`~jixiao.batch.columns.InputFiles`, it looks names up in it (no mapping of its
    own: ~0.1 kB a file)."""

    def __init__(self, files: Iterable[InputFile]) -> None:
        self._files = files if isinstance(files, InputFiles) else None
        self._locations = (
            {} if self._files is not None else {file.name: file.location for file in files}
        )

    def _location(self, name: str) -> str | None:
        if self._files is not None:
            return self._files.location_of(name)
        return self._locations.get(name)

    def __getitem__(self, name: str) -> Path:
        location = self._location(name)
        if location is None:
            raise KeyError(name)
        return Path(location)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._location(name) is not None

    def __iter__(self) -> Iterator[str]:
        return self._files.names() if self._files is not None else iter(self._locations)

    def __len__(self) -> int:
        return len(self._files) if self._files is not None else len(self._locations)


def write_batch_report(
    out_dir: Path,
    records: Iterable[FileRecord],
    files: Iterable[InputFile],
    collector: ReportCollector,
    reused: Iterable[FileRecord] = (),
) -> Path:
    """``out_dir/report.html`` for a batch run: ``collector`` was given the results of the
    files read; the rows of the ``reused`` ones are read from their parts."""
    from jixiao.batch.combine import concat_parts  # noqa: PLC0415 - pyarrow: for reused files

    for record in reused:
        frames = concat_parts(out_dir, [record])
        for name, rows, _ in _frames_by_file(frames):
            collector.add_rows(name, record.kind, rows)
    sources = InputPaths(files)
    pages, scanned = 0, {}
    for r in records:  # one pass: a large run's records are read from its journal
        pages += r.pages
        if GRIDS_PART in r.parts:
            scanned[r.path] = out_dir / r.parts[GRIDS_PART]
    report = collector.report(sources, pages=pages, scanned=scanned)
    return _write(report, out_dir / REPORT_NAME)
