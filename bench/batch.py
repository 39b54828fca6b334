"""Bench ``jixiao run`` on a generated corpus: files/s, pages/s and peak memory by worker count.

The corpus (``tests/test_batch_corpus.make_corpus``) holds single-table text files cut from the
fixtures, copies of three small PDF fixtures (6 pages per copy) and the five kinds of broken
file; by default 440 text + 60 PDF + 5 broken = 505 files. Each worker count runs
``python -m jixiao run CORPUS -o OUT -j N -q`` in a fresh process (so imports are counted, as a
user would see them, and the report.html written at the end); ``batch s`` is the manifest's
``seconds_total``: discovery excluded, reading every file and writing parts and combined
outputs included, report excluded. Peak memory comes from the manifest: ``main`` is the
jixiao process, ``child`` the largest per-file child process.

Usage::

    python bench/batch.py [--text-files 440] [--pdf-copies 20] [--workers 1 2] [--repeat 1]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.test_batch_corpus import make_corpus  # noqa: E402 - after the sys.path line


@dataclass(frozen=True, slots=True)
class Result:
    """One run of the corpus with one worker count."""

    workers: int
    seconds: float
    batch_seconds: float  # the manifest's seconds_total: reading and writing, no report
    files: int
    pages: int
    tables: int
    main_mb: float
    child_mb: float

    def row(self) -> str:
        return (
            f"| {self.workers} | {self.files} | {self.pages} | {self.tables} | "
            f"{self.seconds:.1f} | {self.files / self.seconds:.1f} | "
            f"{self.pages / self.seconds:.1f} | {self.batch_seconds:.1f} | "
            f"{self.files / self.batch_seconds:.1f} | {self.main_mb:.0f} | {self.child_mb:.0f} |"
        )


def run_once(corpus: Path, out: Path, workers: int) -> Result:
    command = [sys.executable, "-m", "jixiao", "run", str(corpus), "-o", str(out)]
    command += ["-j", str(workers), "-q"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"jixiao run failed ({done.returncode}):\n{done.stderr}")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    peak = manifest["timings"]["peak_rss_mb"]
    return Result(
        workers=workers,
        seconds=seconds,
        batch_seconds=manifest["timings"]["seconds_total"],
        files=manifest["counts"]["files"],
        pages=sum(f["pages"] for f in manifest["files"]),
        tables=manifest["counts"]["tables"],
        main_mb=peak["main"],
        child_mb=peak["largest_child"],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--text-files", type=int, default=440)
    parser.add_argument("--pdf-copies", type=int, default=20, help="3 PDFs (6 pages) per copy")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=1, help="runs per worker count; best kept")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as tmp:
        corpus = make_corpus(
            Path(tmp) / "corpus", text_files=args.text_files, pdf_copies=args.pdf_copies
        )
        print(
            f"corpus: {corpus.files} files ({corpus.pages} PDF pages), {os.cpu_count()} cores, "
            f"load average before: {os.getloadavg()[0]:.2f}"
        )
        print(
            "| workers | files | pages | tables | seconds | files/s | pages/s "
            "| batch s | batch files/s | peak MB main | peak MB child |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for workers in args.workers:
            runs = [
                run_once(corpus.root, Path(tmp) / f"out-{workers}-{i}", workers)
                for i in range(args.repeat)
            ]
            print(min(runs, key=lambda r: r.seconds).row(), flush=True)
        print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
