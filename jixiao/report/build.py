"""The spot-check report: ``out/report.html``, one self-contained file for checking a run by eye.

:func:`frames_to_report` gathers what the page shows — a summary of the run and, per table
(problem tables first, at most ``limit``), the grid jixiao read, an image of the same region of
the PDF page (or the source lines of a text input) and the problems, each tied to its cell
(:mod:`jixiao.report.locate`). :func:`report_to_html` (in :mod:`jixiao.report.html`) renders it;
:func:`write_report` does both and writes the file.

The frames keep no geometry, so the source files of the tables shown are read a second time
(:mod:`jixiao.report.source`); the cost is bounded by ``limit``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from jixiao.batch.combine import concat_parts
from jixiao.batch.parts import GRIDS_PART, FileRecord
from jixiao.export.departments import NO_GRADE as NO_GRADE_COLUMN
from jixiao.export.departments import STATUSES, tables_to_departments
from jixiao.export.write import REPORT_NAME
from jixiao.extract.layout import grid_to_table
from jixiao.extract.pdf import PdfSettings
from jixiao.pipeline.discover import InputFile
from jixiao.report.html import report_to_html
from jixiao.report.image import DEFAULT_DPI, Crop, grid_to_regions, image_to_crops, pdf_to_crops
from jixiao.report.locate import (
    CellRef,
    ProblemRow,
    frame_to_problem_rows,
    is_missing,
    locate_problems,
    table_to_slots,
)
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
from jixiao.report.source import SourceFile, file_kind, pdf_page_count, read_source
from jixiao.score import Frames

DEFAULT_LIMIT = 300

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


def order_tables(
    table_ids: Sequence[str], problems: Mapping[str, Sequence[ProblemRow]]
) -> list[str]:
    """Problem tables first: by worst severity, then number of problems, then run order.

    >>> p = ProblemRow(0, "b#1", "b", None, 1, "", "info", "x", "", "", "", "")
    >>> order_tables(["a#1", "b#1"], {"b#1": [p]})
    ['b#1', 'a#1']
    """
    position = {tid: i for i, tid in enumerate(table_ids)}

    def key(tid: str) -> tuple[int, int, int]:
        rows = problems.get(tid, ())
        worst = min((_severity_rank(p.severity) for p in rows), default=len(SEVERITIES) + 1)
        return worst, -len(rows), position[tid]

    return sorted(table_ids, key=key)


def frames_to_summary(
    frames: Frames, files: Sequence[str], pages: int, problems: Sequence[ProblemRow]
) -> Summary:
    """Counts of the run, problems by code and severity, tables by grade, failed files."""
    with_tables = set(frames.tables["source_file"].dropna().astype(str))
    grades = Counter(
        str(g) if isinstance(g, str) and g else NO_GRADE for g in frames.tables["grade"].tolist()
    )
    failed = tuple(
        FailedFile(
            name, tuple(p.message for p in problems if p.source_file == name and not p.table_id)
        )
        for name in files
        if name not in with_tables
    )
    return Summary(
        files=len(files),
        pages=pages,
        tables=len(frames.tables),
        indicators=len(frames.indicators),
        problems=len(problems),
        by_severity=Counter(p.severity for p in problems),
        by_code=Counter((p.code, p.severity) for p in problems),
        by_grade={g: grades[g] for g in (*GRADES, NO_GRADE) if grades[g]},
        failed=failed,
        not_read=sum(p.code == "table_not_read" for p in problems),
        by_read_status=Counter(frames.tables["read_status"].dropna().astype(str)),
        departments=tables_to_department_rows(frames.tables),
    )


def tables_to_department_rows(tables: pd.DataFrame) -> tuple[DepartmentRow, ...]:
    """The per-department summary (:func:`jixiao.export.departments.tables_to_departments`)."""
    frame = tables_to_departments(tables)
    fixed = {"department", "tables", *STATUSES, "errors", "warnings", "infos"}
    grade_columns = [str(c) for c in frame.columns if c not in fixed]
    rows = []
    for record in frame.to_dict("records"):
        grades = {
            NO_GRADE if g == NO_GRADE_COLUMN else g: int(record[g])
            for g in grade_columns
            if record[g]
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
            text = indicator_rules.get(cell.row, "")
        elif problem.field.startswith("funds."):
            text = "年度资金总额 = Σ 其中各行"
        else:
            text = _FIELD_RULES.get(problem.field, "")
        rules[problem.index] = f"{text}（政策 {policy}）" if text and policy else text
    return rules


def _rule_text(indicator: Mapping[str, Any]) -> str:
    """An indicator's rule and its evidence: ``higher_ratio：未达标，按实际值/目标值×分值…``."""
    rule = str(indicator.get("rule") or "")
    explanation = indicator.get("explanation")
    return f"{rule}：{explanation}" if explanation else rule


def table_to_card(
    table_id: str,
    record: Mapping[str, Any],
    problems: Sequence[ProblemRow],
    indicators: pd.DataFrame,
    source: SourceFile | None,
    dpi: float = DEFAULT_DPI,
) -> TableCard:
    """The card of one table: its grid read again, its problems located, its source image."""
    kind = str(record.get("source_kind") or (source.kind if source else ""))
    base = TableCard(table_id, record, tuple(problems), kind)
    if source is None:
        return _replace(base, note="源文件不在本次输入中，无法显示原表")
    grid = source.grid_of(table_id)
    if grid is None:
        reason = source.error or "重新读取时未找到该表"
        return _replace(base, note=f"无法重新读取源文件：{reason}")
    table = grid_to_table(grid)
    cells = locate_problems(problems, table)
    fields: dict[tuple[int, int], str] = {}
    for slot in table_to_slots(table):
        if slot.col is not None:
            fields.setdefault((slot.row, slot.col), slot.field)
    seq_rules = {
        int(r["seq"]): _rule_text(r)
        for r in _records(indicators[indicators["table_id"] == table_id])
    }
    indicator_rules = {
        row.source.row: seq_rules.get(seq, "")
        for seq, row in enumerate(table.indicators, start=1)
        if row.source.row is not None
    }
    rules = _rules(problems, cells, indicator_rules, str(record.get("policy") or ""))
    crops: tuple[Crop, ...] = ()
    lines: tuple[tuple[int, str], ...] = ()
    note = ""
    if source.kind in ("pdf", "image"):
        to_crops = pdf_to_crops if source.kind == "pdf" else image_to_crops
        try:
            crops = tuple(to_crops(source.path, grid_to_regions(grid), dpi=dpi))
        except Exception as error:  # a page that cannot be rendered must not stop the report
            note = f"无法渲染原页面：{type(error).__name__}: {error}"
    else:
        numbers = [c.source.line for c in grid.cells if c.source.line is not None]
        if numbers:
            lines = tuple(
                (n, source.lines[n - 1])
                for n in range(min(numbers), max(numbers) + 1)
                if n - 1 < len(source.lines)
            )
    return TableCard(
        table_id,
        record,
        tuple(problems),
        kind,
        grid=grid,
        cells=cells,
        fields=fields,
        rules=rules,
        crops=crops,
        lines=lines,
        note=note,
    )


def _replace(card: TableCard, *, note: str) -> TableCard:
    return TableCard(card.table_id, card.record, card.problems, card.kind, note=note)


def frames_to_report(
    frames: Frames,
    sources: Mapping[str, Path],
    *,
    limit: int = DEFAULT_LIMIT,
    dpi: float = DEFAULT_DPI,
    settings: PdfSettings | None = None,
    generated: str | None = None,
    pages: int | None = None,
    scanned: Mapping[str, Path] | None = None,
) -> Report:
    """Build the report of a run: ``sources`` maps each input's name (as in ``source_file``)
    to its path; at most ``limit`` tables get a card, problem tables first. ``pages`` is the
    run's PDF page count when known (else the PDFs are opened to count them). ``scanned`` maps
    the name of each file read by OCR to the grids part the run wrote for it (so the report
    does not read it by OCR again)."""
    if limit < 0:
        raise ValueError(f"report limit must be >= 0, got {limit}")
    problems = frame_to_problem_rows(frames.problems)
    by_table: dict[str, list[ProblemRow]] = {}
    for problem in problems:
        if problem.table_id:
            by_table.setdefault(problem.table_id, []).append(problem)
    records = {str(r["table_id"]): r for r in _records(frames.tables)}
    ordered = order_tables(list(records), by_table)
    shown, omitted = ordered[:limit], ordered[limit:]
    names = sorted(set(sources) | set(frames.tables["source_file"].dropna().astype(str)))
    if pages is None:
        pages = sum(pdf_page_count(p) for p in sources.values() if file_kind(p) == "pdf")
    read: dict[str, SourceFile] = {}
    cards = []
    for table_id in shown:
        record = records[table_id]
        name = str(record["source_file"])
        if name not in read and name in sources:
            grids = (scanned or {}).get(name)
            read[name] = read_source(sources[name], name, settings, grids)
        cards.append(
            table_to_card(
                table_id, record, by_table.get(table_id, []), frames.indicators, read.get(name), dpi
            )
        )
    return Report(
        summary=frames_to_summary(frames, names, pages, problems),
        cards=tuple(cards),
        omitted=tuple(omitted),
        file_problems=tuple(p for p in problems if not p.table_id),
        files=tuple(names),
        generated=generated or datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        limit=limit,
    )


def write_report(
    frames: Frames,
    sources: Mapping[str, Path],
    path: Path,
    *,
    limit: int = DEFAULT_LIMIT,
    dpi: float = DEFAULT_DPI,
    settings: PdfSettings | None = None,
    pages: int | None = None,
    scanned: Mapping[str, Path] | None = None,
) -> Path:
    """Build the report and write it to ``path`` (UTF-8); return the path."""
    report = frames_to_report(
        frames, sources, limit=limit, dpi=dpi, settings=settings, pages=pages, scanned=scanned
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report_to_html(report), encoding="utf-8")
    return path


def write_batch_report(
    out_dir: Path, records: Iterable[FileRecord], files: Iterable[InputFile], limit: int
) -> Path:
    """``out_dir/report.html`` for a batch run, from the per-file parts it wrote."""
    records = list(records)
    frames = concat_parts(out_dir, records)
    sources = {f.name: f.path for f in files}
    pages = sum(r.pages for r in records)
    scanned = {r.path: out_dir / r.parts[GRIDS_PART] for r in records if GRIDS_PART in r.parts}
    return write_report(
        frames, sources, out_dir / REPORT_NAME, limit=limit, pages=pages, scanned=scanned
    )
