"""Bench reading PDFs: the whole command against pdfplumber, and the readers one by one.

**Whole program** (the default): ``jixiao run DIR -o OUT -j 1`` as a user runs it (a fresh
process, report written) against the baseline a user would write, pdfplumber's
``extract_tables()`` on every page of every PDF (also a fresh process), in turn, ``--repeat``
times each (:mod:`bench.whole`). DIR holds four annual reports (~190 pages), assembled in a
temporary directory by :func:`annual_reports` from the annual-report fixtures (LibreOffice and
reportlab) and, for the other two, their front pages followed by the other PDF fixtures. Prints
medians of wall and CPU seconds, pages/s, files/s, peak memory and the speed-up (the median of
the run-by-run ratios). ``--by-producer`` adds the same for each producer's two reports.

**Phases** (``--fixed``): start-up to the first file, reading, and after the last file of
``jixiao run -j 1`` on the LibreOffice pair, by timestamps around each file the worker reads
(:func:`bench.batch.phases_bench`), for each ``--code`` checkout in turn.

**Readers** (``--readers [PDF ...]``), in the same process and on the same file (default: the
two 40+ page annual-report fixtures, made by LibreOffice and by reportlab):

* ``jixiao``: :func:`jixiao.extract.readers.pdf.reader.pdf_to_extraction` as shipped
  (``reader="auto"``: PDFium page
  finding, PDFium objects through jixiao's ruling finder on candidate pages);
* ``jixiao-plumb``: the same with ``reader="pdfplumber"`` (pdfminer parses candidate pages);
* ``pdfplumber``: ``page.extract_tables()`` on every page (the baseline);
* ``camelot``: ``camelot.read_pdf(..., flavor="lattice", pages="all")``;
* ``(pages)``: jixiao's page finding alone (PDFium; pdfminer on pages whose fonts are not
  embedded).

Times are the best of ``--repeat`` runs, twice: ``seconds`` on the wall clock and ``cpu s``, the
process's CPU time (``time.process_time``), which other jobs on a shared machine disturb far
less; ``vs plumber`` divides pdfplumber's CPU time by the reader's. Peak memory twice, neither
slowing the timed runs:
``py MB``, tracemalloc's peak of Python allocations in a separate run; ``rss MB``, the peak
resident size (``VmHWM``) of a fresh child process that imports the libraries and reads the
file once (the imports alone: ``--baseline-rss``). Then the annual report is joined 4 times
into one file (pypdfium2 ``import_pages``, in a temporary directory) and jixiao's peaks are
shown for 1× and 4×: pages are released as they are read, so memory does not grow with pages.

Usage::

    python bench/pdf.py [--repeat 5] [--by-producer]              # whole program
    python bench/pdf.py --fixed [--repeat 5] [--code OTHER_CHECKOUT .]  # phases, LibreOffice pair
    python bench/pdf.py --readers [PDF ...] [--repeat 3] [--skip-camelot]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pdfplumber  # noqa: E402 - after the sys.path line, so the repo's packages import
import pypdfium2 as pdfium  # noqa: E402

from bench.whole import compare, installed_env, load_average, median, ratio  # noqa: E402
from jixiao.extract.readers.pdf.pages import PageKind  # noqa: E402
from jixiao.extract.readers.pdf.reader import pdf_to_extraction, pdf_to_page_kinds  # noqa: E402
from jixiao.extract.readers.pdf.settings import PdfSettings  # noqa: E402

DEFAULT_PDFS = [ROOT / "fixtures" / "pdf" / f"{p}_annual_report.pdf" for p in ("lo", "rl")]


@dataclass(frozen=True, slots=True)
class Result:
    """One reader on one file."""

    name: str
    seconds: float
    cpu: float
    peak_mb: float
    rss_mb: float
    tables: int


def run_jixiao(path: Path) -> int:
    return len(pdf_to_extraction(path).grids)


def run_jixiao_plumber(path: Path) -> int:
    return len(pdf_to_extraction(path, settings=PdfSettings(reader="pdfplumber")).grids)


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


def best_time(fn: Callable[[Path], int], path: Path, repeat: int) -> tuple[float, float, int]:
    """Best wall-clock and best CPU seconds of ``repeat`` runs, and the tables found."""
    best, best_cpu, tables = float("inf"), float("inf"), 0
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        tables = fn(path)
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - start_cpu)
    return best, best_cpu, tables


def peak_memory_mb(fn: Callable[[Path], int], path: Path) -> float:
    tracemalloc.start()
    try:
        fn(path)
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


READERS: dict[str, Callable[[Path], int]] = {}


def child_rss_mb(name: str, path: Path | None) -> float:
    """Peak RSS of a fresh process that reads ``path`` with reader ``name`` (None: imports)."""
    args = [sys.executable, __file__, "--child", name, str(path or "")]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return float(json.loads(out.strip().splitlines()[-1])["rss_mb"])


def bench(name: str, fn: Callable[[Path], int], path: Path, repeat: int) -> Result:
    seconds, cpu, tables = best_time(fn, path, repeat)
    return Result(name, seconds, cpu, peak_memory_mb(fn, path), child_rss_mb(name, path), tables)


def page_count(path: Path) -> int:
    doc = pdfium.PdfDocument(str(path))
    try:
        return len(doc)
    finally:
        doc.close()


def report(results: list[Result], pages: int, self_evals: int) -> str:
    base = next(r for r in results if r.name == "pdfplumber")
    header = (
        f"{'reader':<14}{'seconds':>9}{'cpu s':>8}{'pages/s':>9}{'s/自评表':>10}{'py MB':>8}"
        f"{'rss MB':>8}{'tables':>8}{'vs plumber':>12}"
    )
    rows = [
        f"{r.name:<14}{r.seconds:>9.3f}{r.cpu:>8.3f}{pages / r.cpu:>9.1f}"
        f"{r.cpu / max(self_evals, 1):>11.3f}{r.peak_mb:>8.1f}{r.rss_mb:>8.0f}{r.tables:>8}"
        f"{base.cpu / r.cpu:>11.1f}x"
        for r in results
    ]
    return "\n".join([header, *rows])


def bench_file(path: Path, repeat: int, *, camelot: bool) -> str:
    pages = page_count(path)
    results = [
        bench("jixiao", run_jixiao, path, repeat),
        bench("jixiao-plumb", run_jixiao_plumber, path, repeat),
        bench("pdfplumber", run_pdfplumber, path, repeat),
        bench("(pages)", run_page_finding, path, repeat),
    ]
    if camelot:
        results.append(bench("camelot", run_camelot, path, 1))
    self_evals = results[0].tables
    title = f"{path.name}: {pages} pages, {self_evals} 自评表 found by jixiao"
    return title + "\n" + report(results, pages, self_evals)


def repeat_pdf(path: Path, times: int, out: Path) -> Path:
    """``path`` joined ``times`` times into one PDF at ``out``."""
    src = pdfium.PdfDocument(str(path))
    dest = pdfium.PdfDocument.new()
    try:
        for _ in range(times):
            dest.import_pages(src)
        dest.save(str(out))
    finally:
        dest.close()
        src.close()
    return out


def memory_growth(path: Path, times: int = 4) -> str:
    """jixiao's peaks on ``path`` and on ``path`` joined ``times`` times."""
    with tempfile.TemporaryDirectory() as tmp:
        big = repeat_pdf(path, times, Path(tmp) / f"{path.stem}_x{times}.pdf")
        lines = [
            f"memory vs pages ({path.name} joined {times}x; imports alone: "
            f"{child_rss_mb('imports', None):.0f} MB rss)"
        ]
        lines.append(f"{'file':<28}{'pages':>7}{'tables':>8}{'cpu s':>9}{'py MB':>8}{'rss MB':>8}")
        for file in (path, big):
            _, cpu, tables = best_time(run_jixiao, file, 1)
            lines.append(
                f"{file.name:<28}{page_count(file):>7}{tables:>8}{cpu:>9.3f}"
                f"{peak_memory_mb(run_jixiao, file):>8.1f}{child_rss_mb('jixiao', file):>8.0f}"
            )
    return "\n".join(lines)


def child(name: str, path: str) -> None:
    """Read ``path`` once with reader ``name`` and print the process's peak RSS."""
    if path:
        READERS[name](Path(path))
    print(json.dumps({"rss_mb": peak_rss_kb() / 1024}))


def peak_rss_kb() -> float:
    """This process's peak resident size: VmHWM (Linux), else ru_maxrss.

    ru_maxrss carries the parent's size over fork and exec; VmHWM starts afresh at exec.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return float(line.split()[1])
    return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


READERS.update(
    {
        "jixiao": run_jixiao,
        "jixiao-plumb": run_jixiao_plumber,
        "pdfplumber": run_pdfplumber,
        "(pages)": run_page_finding,
        "camelot": run_camelot,
    }
)


PDF_FIXTURES = ROOT / "fixtures" / "pdf"
#: The two assembled reports: the front matter of an annual-report fixture (cover, prose, other
#: financial tables: pages 1-35), then these fixtures' tables.
ASSEMBLED = {
    "lo": ("lo_split_rows", "lo_long", "lo_landscape", "lo_narrow", "lo_two_per_page",
           "lo_synthetic", "lo_seed"),
    "rl": ("rl_seed", "rl_long_split_row", "rl_bottom_start", "rl_narrow", "rl_two_per_page",
           "rl_open_sides", "rl_landscape"),
}  # fmt: skip
FRONT_PAGES = 35


def annual_reports(out: Path) -> list[Path]:
    """Four annual reports in ``out``: the two annual-report fixtures and two assembled ones."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for producer, tables in ASSEMBLED.items():
        source = PDF_FIXTURES / f"{producer}_annual_report.pdf"
        copy = out / source.name
        copy.write_bytes(source.read_bytes())
        paths.append(copy)
        dest = pdfium.PdfDocument.new()
        front = pdfium.PdfDocument(str(source))
        try:
            dest.import_pages(front, list(range(FRONT_PAGES)))
            for name in tables:
                part = pdfium.PdfDocument(str(PDF_FIXTURES / f"{name}.pdf"))
                try:
                    dest.import_pages(part)
                finally:
                    part.close()
            assembled = out / f"{producer}_assembled_report.pdf"
            dest.save(str(assembled))
            paths.append(assembled)
        finally:
            front.close()
            dest.close()
    return sorted(paths)


def plumber_baseline(folder: Path) -> None:
    """The baseline: pdfplumber's ``extract_tables()`` on every page of every PDF in a folder."""
    tables = 0
    for path in sorted(folder.glob("*.pdf")):
        with pdfplumber.open(str(path)) as pdf:
            for page in pdf.pages:
                tables += len(page.extract_tables())
                page.close()
    print(tables)


PRODUCERS = {
    "lo": "made by LibreOffice, fonts embedded (PDFium's characters)",
    "rl": "made by reportlab, fonts not embedded (pdfminer's characters)",
}


def whole_program(repeat: int, producer: str | None = None) -> str:
    """``jixiao run -j 1`` (report on) against the pdfplumber baseline, both fresh processes;
    ``producer`` (``lo``, ``rl``): that producer's two reports only."""
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-pdf-") as tmp:
        corpus = Path(tmp) / "reports"
        paths = annual_reports(corpus)
        if producer is not None:
            for path in paths:
                if not path.name.startswith(f"{producer}_"):
                    path.unlink()
            paths = [p for p in paths if p.exists()]
        pages = sum(page_count(p) for p in paths)
        out = Path(tmp) / "out"
        env = installed_env(ROOT)
        commands = {
            "jixiao run -j 1": [sys.executable, "-m", "jixiao", "run", str(corpus), "-o", str(out),
                                "-j", "1", "-q"],
            "pdfplumber": [sys.executable, __file__, "--plumber-baseline", str(corpus)],
        }  # fmt: skip
        before = load_average()
        timings = compare(commands, repeat, env)
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        report = (out / "report.html").stat().st_size / 1e6
    which = f" ({PRODUCERS[producer]})" if producer else ""
    lines = [
        f"{len(paths)} annual reports{which}, {pages} pages, "
        f"{manifest['counts']['tables']} 自评表; "
        f"{repeat} runs each after a warm-up, in turn; {os.cpu_count()} cores, load average "
        f"{before} before, {load_average()} after; report.html {report:.1f} MB",
        "| command | wall s | CPU s | pages/s | files/s | peak MB |",
        "|---|---|---|---|---|---|",
    ]
    for name, runs in timings.items():
        wall, cpu = median([t.wall for t in runs]), median([t.cpu for t in runs])
        lines.append(
            f"| {name} | {wall:.2f} | {cpu:.2f} | {pages / wall:.0f} | {len(paths) / wall:.1f} | "
            f"{median([t.peak_mb for t in runs]):.0f} |"
        )
    jixiao_runs, plumber_runs = timings["jixiao run -j 1"], timings["pdfplumber"]
    lines.append(
        f"jixiao run is {ratio(plumber_runs, jixiao_runs, 'wall'):.1f}x pdfplumber in wall time, "
        f"{ratio(plumber_runs, jixiao_runs, 'cpu'):.1f}x in CPU time (medians of run-by-run ratios)"
    )
    return "\n".join(lines)


def phases_of_producer(producer: str, repeat: int, codes: list[Path]) -> str:
    """Start-up, reading and after the last file of ``jixiao run -j 1`` on one producer's two
    annual reports (:func:`bench.batch.phases_bench`), for the code in each of ``codes``."""
    from bench.batch import phases_bench  # noqa: PLC0415 - the text-file bench's machinery

    with tempfile.TemporaryDirectory(prefix="jixiao-bench-pdf-phases-") as tmp:
        folder = Path(tmp) / producer
        folder.mkdir()
        for path in annual_reports(Path(tmp) / "all"):
            if path.name.startswith(f"{producer}_"):
                path.rename(folder / path.name)
        return phases_bench(folder, f"2 annual reports ({PRODUCERS[producer]})", repeat, codes)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("pdfs", nargs="*", type=Path, default=DEFAULT_PDFS)
    parser.add_argument("--readers", action="store_true", help="the in-process reader table")
    parser.add_argument("--repeat", type=int, default=None, help="runs (5 whole, 3 readers)")
    parser.add_argument("--skip-camelot", action="store_true")
    parser.add_argument(
        "--by-producer", action="store_true", help="whole program: also each producer's reports"
    )
    parser.add_argument(
        "--fixed", action="store_true", help="start-up, reading and the end, by timestamps"
    )
    parser.add_argument(
        "--code", type=Path, nargs="+", help="with --fixed: folders of jixiao's code, in turn"
    )
    parser.add_argument("--child", nargs=2, metavar=("READER", "PDF"), help=argparse.SUPPRESS)
    parser.add_argument("--plumber-baseline", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return
    if args.plumber_baseline:
        plumber_baseline(args.plumber_baseline)
        return
    if args.fixed:
        print(phases_of_producer("lo", args.repeat or 5, args.code or [ROOT]))
        return
    if not args.readers:
        print(whole_program(args.repeat or 5))
        for producer in PRODUCERS if args.by_producer else ():
            print()
            print(whole_program(args.repeat or 5, producer))
        return
    for path in args.pdfs:
        print(bench_file(path, args.repeat or 3, camelot=not args.skip_camelot))
        print()
    print(memory_growth(args.pdfs[0]))
    print()
    print("(pages/s and s/自评表 use CPU time; 'vs plumber' is the speed-up in CPU time;")
    print(" '(pages)' is jixiao's page finding alone, its 'tables' the candidate pages;")
    print(" rss MB includes the libraries' imports: camelot loads OpenCV)")


if __name__ == "__main__":
    main()
