"""Bench the PDF reader against reading every page with pdfplumber or camelot.

Runs, in the same process and on the same file (default: the two 40+ page annual-report
fixtures, made by LibreOffice and by reportlab):

* ``jixiao``: :func:`extract.pdf.pdf_to_extraction` (pdfium page finding, pdfplumber on
  candidate pages only);
* ``pdfplumber``: ``page.extract_tables()`` on every page (the baseline);
* ``camelot``: ``camelot.read_pdf(..., flavor="lattice", pages="all")``;
* ``(pdfium)``: jixiao's page finding alone (the part that replaces reading every page).

Times are the best of ``--repeat`` runs; peak memory is measured in a separate run under
tracemalloc (Python allocations only), so it does not slow the timed runs.

Usage::

    python bench/pdf.py [PDF ...] [--repeat 3] [--skip-camelot]
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pdfplumber  # noqa: E402 - after the sys.path line, so the repo's packages import
import pypdfium2 as pdfium  # noqa: E402

from extract.pdf import pdf_to_extraction, pdf_to_page_kinds  # noqa: E402
from extract.pdf_pages import PageKind  # noqa: E402

DEFAULT_PDFS = [ROOT / "fixtures" / "pdf" / f"{p}_annual_report.pdf" for p in ("lo", "rl")]


@dataclass(frozen=True, slots=True)
class Result:
    """One reader on one file."""

    name: str
    seconds: float
    peak_mb: float
    tables: int


def run_jixiao(path: Path) -> int:
    return len(pdf_to_extraction(path).grids)


def run_page_finding(path: Path) -> int:
    """Only the pdfium pass of jixiao: how many pages it hands to pdfplumber."""
    return sum(1 for kind in pdf_to_page_kinds(path) if kind is PageKind.TABLE)


def run_pdfplumber(path: Path) -> int:
    count = 0
    with pdfplumber.open(str(path)) as pdf:
        for page in pdf.pages:
            count += len(page.extract_tables())
            page.close()
    return count


def run_camelot(path: Path) -> int:
    from camelot.io import read_pdf  # noqa: PLC0415 - heavy (OpenCV): only when benched

    return len(read_pdf(str(path), pages="all", flavor="lattice", suppress_stdout=True))


def best_time(fn: Callable[[Path], int], path: Path, repeat: int) -> tuple[float, int]:
    best, tables = float("inf"), 0
    for _ in range(repeat):
        start = time.perf_counter()
        tables = fn(path)
        best = min(best, time.perf_counter() - start)
    return best, tables


def peak_memory_mb(fn: Callable[[Path], int], path: Path) -> float:
    tracemalloc.start()
    try:
        fn(path)
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def bench(name: str, fn: Callable[[Path], int], path: Path, repeat: int) -> Result:
    seconds, tables = best_time(fn, path, repeat)
    return Result(name, seconds, peak_memory_mb(fn, path), tables)


def page_count(path: Path) -> int:
    doc = pdfium.PdfDocument(str(path))
    try:
        return len(doc)
    finally:
        doc.close()


def report(results: list[Result], pages: int, self_evals: int) -> str:
    base = next(r for r in results if r.name == "pdfplumber")
    header = (
        f"{'reader':<12}{'seconds':>9}{'pages/s':>9}{'s/自评表':>10}{'peak MB':>9}"
        f"{'tables':>8}{'vs plumber':>12}"
    )
    rows = [
        f"{r.name:<12}{r.seconds:>9.2f}{pages / r.seconds:>9.1f}"
        f"{r.seconds / max(self_evals, 1):>11.3f}{r.peak_mb:>9.1f}{r.tables:>8}"
        f"{base.seconds / r.seconds:>11.1f}x"
        for r in results
    ]
    return "\n".join([header, *rows])


def bench_file(path: Path, repeat: int, *, camelot: bool) -> str:
    pages = page_count(path)
    results = [
        bench("jixiao", run_jixiao, path, repeat),
        bench("pdfplumber", run_pdfplumber, path, repeat),
        bench("(pdfium)", run_page_finding, path, repeat),
    ]
    if camelot:
        results.append(bench("camelot", run_camelot, path, 1))
    self_evals = results[0].tables
    title = f"{path.name}: {pages} pages, {self_evals} 自评表 found by jixiao"
    return title + "\n" + report(results, pages, self_evals)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("pdfs", nargs="*", type=Path, default=DEFAULT_PDFS)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-camelot", action="store_true")
    args = parser.parse_args(argv)
    for path in args.pdfs:
        print(bench_file(path, args.repeat, camelot=not args.skip_camelot))
        print()
    print("(s/自评表 divides each reader's time by the 自评表 count; 'vs plumber' is speed-up;")
    print(" '(pdfium)' is jixiao's page finding alone, its 'tables' the candidate pages)")


if __name__ == "__main__":
    main()
