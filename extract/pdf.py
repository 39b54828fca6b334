"""PDF → :class:`~extract.grid.Grid` values, one per 项目支出绩效自评表.

The pipeline, each step a small function whose result can be inspected:

1. ``document_to_scans`` (pypdfium2, fast): the text of every page; ``text_to_kind`` tells
   自评表 candidates from prose and other financial tables, scans and garbled pages;
2. ``plumber_page_to_parts`` (pdfplumber) on candidate pages and the pages that continue
   them: ruled cells with their text, title and year line; ``camelot_page_to_parts`` where
   pdfplumber finds no ruling;
3. ``parts_to_chains``: a table that has not reached its 总分 row continues on the next page;
4. ``chain_to_grid``: row/column boundaries by clustering, exact spans, one :class:`Grid`.

Bad files never raise: they come back as problems: ``unreadable_pdf`` (damaged, not a PDF,
password; or one page that fails to parse), ``scanned_page`` (image only), ``unreadable_text``
(``(cid:…)``, U+FFFD, control characters; per page, and per cell on the grid) and
``table_not_found`` (a page with 自评表 labels but no ruled table).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pdfplumber
import pypdfium2 as pdfium

from extract.grid import Grid
from extract.pdf_cells import TablePart, camelot_page_to_parts, plumber_page_to_parts
from extract.pdf_join import (
    chain_to_grid,
    is_closed,
    is_self_evaluation,
    looks_continued,
    parts_to_chains,
)
from extract.pdf_pages import PageKind, document_to_scans, scans_to_kinds
from extract.pdf_text import is_unreadable
from jixiao.model import Problem, Severity, Source

READERS = ("auto", "pdfplumber", "camelot")


@dataclass(frozen=True, slots=True)
class PdfSettings:
    """How PDFs are read.

    ``reader``: ``auto`` (pdfplumber, camelot where pdfplumber finds no ruling),
    ``pdfplumber`` or ``camelot`` only. ``max_continuation``: how many pages after a
    candidate page a table may run onto.
    """

    reader: str = "auto"
    max_continuation: int = 3

    def __post_init__(self) -> None:
        if self.reader not in READERS:
            raise ValueError(f"PdfSettings.reader must be one of {READERS}, got {self.reader!r}")
        if self.max_continuation < 0:
            raise ValueError(
                f"PdfSettings.max_continuation must be >= 0, got {self.max_continuation}"
            )


@dataclass(frozen=True, slots=True)
class PdfExtraction:
    """What one PDF gave: its 自评表 grids, the file- and page-level problems, its page count."""

    grids: tuple[Grid, ...]
    problems: tuple[Problem, ...]
    pages: int


@dataclass(slots=True)
class _Pass:
    """What the pdfplumber pass collects (internal)."""

    parts: list[TablePart] = field(default_factory=list)
    unreadable: list[int] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)


def pdf_to_grids(path: str | Path, *, display_name: str | None = None) -> list[Grid]:
    """The 自评表 grids of a PDF (see :func:`pdf_to_extraction` for the problems too)."""
    return list(pdf_to_extraction(path, display_name=display_name).grids)


def pdf_to_page_kinds(path: str | Path) -> list[PageKind]:
    """What each page looks like to the page finder (for inspection; raises on bad files)."""
    doc = pdfium.PdfDocument(str(path))
    try:
        return scans_to_kinds(document_to_scans(doc))
    finally:
        doc.close()


def pdf_to_extraction(
    path: str | Path, *, display_name: str | None = None, settings: PdfSettings | None = None
) -> PdfExtraction:
    """Read every 自评表 of a PDF; never raises for a bad file."""
    path = Path(path)
    name = display_name or path.name
    settings = settings or PdfSettings()
    try:
        doc = pdfium.PdfDocument(str(path))
    except (pdfium.PdfiumError, OSError) as error:
        return PdfExtraction((), (unreadable_pdf_problem(name, error),), 0)
    try:
        kinds = scans_to_kinds(document_to_scans(doc))
    finally:
        doc.close()
    problems = kinds_to_problems(kinds, name)
    candidates = [i + 1 for i, kind in enumerate(kinds) if kind is PageKind.TABLE]
    if not candidates:
        return PdfExtraction((), tuple(problems), len(kinds))
    try:
        found = _plumber_pass(path, candidates, len(kinds), settings)
    except Exception as error:  # pdfminer raises many kinds of errors on damaged files
        return PdfExtraction((), (*problems, unreadable_pdf_problem(name, error)), len(kinds))
    problems += pass_to_problems(found, name)
    problems += missing_tables_to_problems(candidates, found, name)
    chains = [chain for chain in parts_to_chains(found.parts) if is_self_evaluation(chain)]
    grids = tuple(chain_to_grid(chain, name) for chain in chains)
    return PdfExtraction(grids, tuple(problems), len(kinds))


def _page_parts(
    pdf: Any, path: Path, number: int, settings: PdfSettings
) -> tuple[list[TablePart], bool]:
    """Parts on one page, and whether its text is unreadable."""
    page = pdf.pages[number - 1]
    try:
        if is_unreadable("".join(str(c["text"]) for c in page.chars)):
            return [], True
        parts: list[TablePart] = []
        if settings.reader != "camelot":
            parts = plumber_page_to_parts(page, number)
        if not parts and settings.reader != "pdfplumber":
            try:
                parts = camelot_page_to_parts(path, page, number)
            except Exception:  # camelot's own failures: the page is reported as table_not_found
                parts = []
        return parts, False
    finally:
        page.close()


def _read_page(
    pdf: Any, path: Path, number: int, settings: PdfSettings, found: _Pass
) -> list[TablePart]:
    """Read one page into ``found``; returns its parts."""
    try:
        parts, unreadable = _page_parts(pdf, path, number, settings)
    except Exception as error:  # one bad page must not lose the others
        found.failed.append((number, f"{type(error).__name__}: {error}"))
        return []
    if unreadable:
        found.unreadable.append(number)
    found.parts += parts
    return parts


def _plumber_pass(
    path: Path, candidates: Sequence[int], n_pages: int, settings: PdfSettings
) -> _Pass:
    """Read the candidate pages, following open tables onto the next pages.

    A candidate page whose first table looks like a continuation makes the page before it
    read too (a table that starts at the bottom of a page, below prose).
    """
    found = _Pass()
    done: set[int] = set()
    with pdfplumber.open(str(path)) as pdf:
        for first in candidates:
            number, follow = first, 0
            while number <= n_pages and number not in done:
                done.add(number)
                parts = _read_page(pdf, path, number, settings, found)
                if (
                    number == first
                    and parts
                    and looks_continued(parts[0])
                    and number - 1 not in done
                    and number > 1
                ):
                    done.add(number - 1)
                    _read_page(pdf, path, number - 1, settings, found)
                if not parts or is_closed(parts[-1]) or follow >= settings.max_continuation:
                    break
                number += 1
                follow += 1
    found.parts.sort(key=lambda p: (p.page, p.bbox[1]))
    return found


# -- problems ---------------------------------------------------------------------------------


def unreadable_pdf_problem(name: str, error: BaseException) -> Problem:
    """The whole file could not be opened."""
    text = str(error) or type(error).__name__
    if (
        "password" in text.lower()
        or "encrypt" in text.lower()
        or type(error).__name__ == "PDFPasswordIncorrect"
    ):
        reason = "文件有打开密码，无法读取"
    else:
        reason = "文件已损坏或不是PDF文件"
    return Problem(
        code="unreadable_pdf",
        severity=Severity.ERROR,
        message=f"无法读取PDF文件 {name}：{reason}（{text}）",
        source=Source(name),
        found=text,
    )


def _pages_text(pages: Sequence[int]) -> str:
    return "、".join(f"第{p}页" for p in pages)


def kinds_to_problems(kinds: Sequence[PageKind], name: str) -> list[Problem]:
    """Scanned pages (one warning each) and pages whose text does not decode (one problem)."""
    problems = [
        Problem(
            code="scanned_page",
            severity=Severity.WARNING,
            message=f"{name} 第{i + 1}页只有图像、没有文字层（扫描页），其中的表格未读取",
            source=Source(name, page=i + 1),
        )
        for i, kind in enumerate(kinds)
        if kind is PageKind.SCANNED
    ]
    garbled = [i + 1 for i, kind in enumerate(kinds) if kind is PageKind.UNREADABLE]
    if garbled:
        problems.append(unreadable_text_problem(name, garbled))
    return problems


def unreadable_text_problem(name: str, pages: Sequence[int]) -> Problem:
    return Problem(
        code="unreadable_text",
        severity=Severity.ERROR,
        message=(
            f"{name} {_pages_text(pages)}的文字无法解码（字体缺少 ToUnicode 映射或乱码），"
            "其中的表格未读取"
        ),
        source=Source(name, page=pages[0]),
        found=",".join(str(p) for p in pages),
    )


def missing_tables_to_problems(candidates: Sequence[int], found: _Pass, name: str) -> list[Problem]:
    """Candidate pages on which no ruled table was found (a table drawn without lines)."""
    read = {part.page for part in found.parts} | set(found.unreadable)
    read |= {page for page, _ in found.failed}
    return [
        Problem(
            code="table_not_found",
            severity=Severity.WARNING,
            message=f"{name} 第{page}页有自评表的栏目名称，但没有找到带表格线的表格，未读取",
            source=Source(name, page=page),
        )
        for page in candidates
        if page not in read
    ]


def pass_to_problems(found: _Pass, name: str) -> list[Problem]:
    problems: list[Problem] = []
    if found.unreadable:
        problems.append(unreadable_text_problem(name, found.unreadable))
    problems += [
        Problem(
            code="unreadable_pdf",
            severity=Severity.ERROR,
            message=f"{name} 第{page}页无法解析（{error}）",
            source=Source(name, page=page),
            found=error,
        )
        for page, error in found.failed
    ]
    return problems
