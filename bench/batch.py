"""Bench ``jixiao run`` on many small files: against a pandas read loop, and by worker count.

**Small files** (the default): N one-table text files (the fixtures' tables, one per file, in
turn), ``jixiao run DIR -o OUT -j 1`` as a user runs it (a fresh process, report written)
against the loop a user would write to merely read them, ``pandas.read_csv`` on each file (also
a fresh process), in turn, ``--repeat`` times each (:mod:`bench.whole`), for each N of
``--files`` (default 200 and 2,000: peak memory must not grow with the files). Prints medians of
wall and CPU seconds, files/s, peak memory and jixiao's cost in pandas loops (the median of the
run-by-run ratios).

**Per table** (``--per-table``): in this process, the cost of one one-table text file by
stage, median of ``--repeat`` passes over N files: reading (text to grid to 自评表 record),
scoring and problem logging (plain records), the report material, and the frames built once at
the end for all the files (divided by N).

**Fixed costs** (``--fixed``): ``jixiao run -j 1`` (report on) on N files, ``--repeat`` runs,
each split by timestamps at three points: the process started (taken by this process just
before it), a worker started reading the first file, the worker finished the last file, and
the process ended. The run is the command line's own, started through a few lines that wrap
the worker's ``file_to_result`` to note the time (``FIXED_PROBE``). Prints each phase's median:
start-up (goal ≤ 0.25 s), reading, and after the last file (goal ≤ 0.3 s for 200 files).

**Memory** (``--memory``): peak resident memory of ``jixiao run -j 1`` (report on) on 1,000
and 10,000 one-table text files (``--memory-files``), one run each: the whole process tree's
peak (``os.wait4``: the main process, which outgrows its worker) and the worker's (the
manifest's ``largest_child``), and their ratios, largest over smallest (the goal: ≤ 1.1).
Minutes: not for CI.

**Timeline** (``--timeline``): the main process's ``VmRSS`` and ``VmHWM`` sampled every 20 ms
while ``jixiao run -j 1`` (report on) reads the last of ``--memory-files``, by phase (the run
is started through :data:`TIMELINE_PROBE`, which marks each: discovery, every 1,000th result,
the end of the reading, the duplicates check, the panel, each frame written, the manifest, the
report): which phase holds the peak.

**Mixed corpus** (``--mixed``): ``tests/test_batch_corpus.make_corpus`` (440 single-table text
files, 60 PDFs, the five kinds of broken file) read with each of ``--workers``; ``batch s`` is
the manifest's ``seconds_total`` (reading and writing, no report); peak memory from the
manifest (``main`` the jixiao process, ``child`` the largest worker).

Usage::

    python bench/batch.py [--files 200 2000] [--repeat 5]
    python bench/batch.py --per-table [--files 200]
    python bench/batch.py --fixed [--files 200] [--repeat 5] [--code OTHER_CHECKOUT .]
    python bench/batch.py --memory [--memory-files 1000 10000]
    python bench/batch.py --timeline [--memory-files 10000]
    python bench/batch.py --mixed [--text-files 440] [--pdf-copies 20] [--workers 1 2]
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

from bench.whole import compare, installed_env, load_average, median, ratio  # noqa: E402
from bench.whole import run_once as run_whole  # noqa: E402
from tests.test_batch_corpus import make_corpus, single_tables  # noqa: E402 - after sys.path

BASELINE_COLUMNS = 16  # wider than any fixture table: the C parser then takes ragged rows


def small_files(folder: Path, count: int) -> Path:
    """``count`` one-table text files in ``folder``, the fixtures' tables in turn."""
    folder.mkdir(parents=True, exist_ok=True)
    tables = single_tables()
    for i in range(count):
        path = folder / f"{i // 100:03d}" / f"{i:05d}_自评表.txt"
        path.parent.mkdir(exist_ok=True)
        path.write_text(tables[i % len(tables)], encoding="utf-8")
    return folder


def pandas_baseline(folder: Path) -> None:
    """The baseline: read every text file of a folder with pandas, nothing more."""
    import pandas as pd  # noqa: PLC0415 - counted in the baseline's time, as in jixiao's

    rows = 0
    for path in sorted(folder.rglob("*.txt")):
        frame = pd.read_csv(
            path,
            sep="\t",
            header=None,
            names=range(BASELINE_COLUMNS),
            dtype=str,
            keep_default_na=False,
            encoding="utf-8",
        )
        rows += len(frame)
    print(rows)


def small_files_bench(counts: list[int], repeat: int) -> str:
    lines = [
        f"one-table text files, jixiao run -j 1 (report on) against a pandas read loop; "
        f"{repeat} runs each after a warm-up, in turn; {os.cpu_count()} cores, load average "
        f"{load_average()} before",
        "| files | command | wall s | CPU s | files/s | peak MB | jixiao / pandas (wall, CPU) |",
        "|---|---|---|---|---|---|---|",
    ]
    env = installed_env(ROOT)
    for count in counts:
        with tempfile.TemporaryDirectory(prefix="jixiao-bench-batch-") as tmp:
            corpus = small_files(Path(tmp) / "in", count)
            out = Path(tmp) / "out"
            commands = {
                "jixiao run -j 1": [sys.executable, "-m", "jixiao", "run", str(corpus), "-o",
                                    str(out), "-j", "1", "-q"],
                "pandas loop": [sys.executable, __file__, "--pandas-baseline", str(corpus)],
            }  # fmt: skip
            timings = compare(commands, repeat, env)
        jixiao, pandas = timings["jixiao run -j 1"], timings["pandas loop"]
        for name, runs in timings.items():
            wall, cpu = median([t.wall for t in runs]), median([t.cpu for t in runs])
            versus = (
                f"{ratio(jixiao, pandas, 'wall'):.1f}x, {ratio(jixiao, pandas, 'cpu'):.1f}x"
                if runs is jixiao
                else ""
            )
            lines.append(
                f"| {count} | {name} | {wall:.2f} | {cpu:.2f} | {count / wall:.0f} | "
                f"{median([t.peak_mb for t in runs]):.0f} | {versus} |"
            )
    lines.append(f"load average after: {load_average()}")
    return "\n".join(lines)


def per_table_bench(count: int, repeat: int) -> str:
    """Milliseconds per one-table file by stage, in this process, with the worker's own
    functions (:func:`jixiao.pipeline.runner.file_to_result` in pieces), and the whole of it."""
    from jixiao.core.vocabulary import is_self_evaluation  # noqa: PLC0415
    from jixiao.extract.layout.table import grid_to_table  # noqa: PLC0415
    from jixiao.extract.readers import read_file  # noqa: PLC0415
    from jixiao.pipeline.runner import (  # noqa: PLC0415
        InputFile,
        ReadTable,
        file_to_result,
        read_to_material,
        rows_by_table,
    )
    from jixiao.score import (  # noqa: PLC0415
        Rows,
        concat_rows,
        load_policy,
        rows_to_frames,
        score_tables_best_rows,
    )

    policies = (load_policy("national"),)
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-table-") as tmp:
        paths = sorted(small_files(Path(tmp) / "in", count).rglob("*.txt"))
        data = [(p, p.name, p.read_bytes()) for p in paths]
        stages: dict[str, list[float]] = {
            "read": [], "score": [], "material": [], "frames": [], "whole": []
        }  # fmt: skip
        for _ in range(repeat):
            spent = dict.fromkeys(stages, 0.0)
            all_rows: list[Rows] = []
            for path, name, raw in data:
                started = time.perf_counter()
                with read_file(raw, path=path, name=name, claimed="tsv") as reading:
                    tables = [
                        ReadTable(f"{name}#{i}", grid, grid_to_table(grid))
                        for i, grid in enumerate(
                            (g for g in reading.grids if is_self_evaluation(g.texts())), start=1
                        )
                    ]
                    read = time.perf_counter()
                    rows = concat_rows(
                        score_tables_best_rows(
                            [(t.table, t.table_id) for t in tables], policies=policies
                        )
                    )
                    scored = time.perf_counter()
                    for table, mine in zip(tables, rows_by_table(rows, tables), strict=True):
                        read_to_material(table, mine, reading.pane(table.grid))
                spent["read"] += read - started
                spent["score"] += scored - read
                spent["material"] += time.perf_counter() - scored
                all_rows.append(rows)
            started = time.perf_counter()
            rows_to_frames(concat_rows(all_rows))
            spent["frames"] += time.perf_counter() - started
            started = time.perf_counter()
            for path, name, _ in data:
                file_to_result(InputFile(path, name), policies, material=True)
            spent["whole"] += time.perf_counter() - started
            for stage, seconds in spent.items():
                stages[stage].append(seconds / count * 1000)
    cells = " | ".join(f"{median(v):.2f}" for v in stages.values())
    return "\n".join(
        [
            f"one-table text files, {count} per pass, median of {repeat} passes, ms per file "
            f"(load average {load_average()})",
            "| read | score and problems | report material | frames (once, per file) "
            "| the worker's whole file_to_result |",
            "|---|---|---|---|---|",
            f"| {cells} |",
        ]
    )


FIXED_PROBE = """
import os, sys, time
import jixiao.batch.pool as pool
def note(what):
    with open(os.environ["JIXIAO_BENCH_TIMES"], "a") as log:
        log.write(f"{what} {time.time()}\\n")
read = pool.file_to_result
def timed(*args, **kwargs):
    note("start")
    try:
        return read(*args, **kwargs)
    finally:
        note("end")
pool.file_to_result = timed  # the workers' reading (the warm-up is not timed)
sys.argv = ["jixiao", *sys.argv[1:]]
try:  # the process as ``python -m jixiao`` runs it (a checkout before #26's sixth round: main)
    from jixiao.cli.program import program
except ImportError:
    from jixiao.cli.main import main as program
program()
"""


PHASES = ("start-up", "reading", "after the last file")


def fixed_costs_bench(count: int, repeat: int, codes: list[Path]) -> str:
    """Start-up, reading and what comes after the last file, by timestamps (module docstring),
    for jixiao's code in each of ``codes`` (folders holding the package), in turn."""
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-fixed-") as tmp:
        corpus = small_files(Path(tmp) / "in", count)
        return phases_bench(corpus, f"{count} one-table text files", repeat, codes)


def phases_bench(corpus: Path, described: str, repeat: int, codes: list[Path]) -> str:
    """:data:`PHASES` of ``jixiao run -j 1`` (report on) on ``corpus``, by the timestamps
    :data:`FIXED_PROBE` notes around each file the worker reads, for the code in each of
    ``codes``, in turn, ``repeat`` runs after an uncounted one; the median and range of each."""
    phases = {code: {phase: list[float]() for phase in PHASES} for code in codes}
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-phases-") as tmp:
        log = Path(tmp) / "times"
        for run in range(repeat + 1):  # the first round warms the caches: not counted
            for i, code in enumerate(codes):
                env = installed_env(code, JIXIAO_BENCH_TIMES=str(log))
                out = str(Path(tmp) / f"out-{run}-{i}")  # a new folder, as a first run
                log.unlink(missing_ok=True)
                started = time.time()
                command = [sys.executable, "-c", FIXED_PROBE, "run", str(corpus), "-o", out]
                # cwd: a folder without a jixiao/ in it (python -c puts it first on sys.path)
                subprocess.run([*command, "-j", "1", "-q"], env=env, check=False, cwd=tmp)
                ended = time.time()
                times = [line.split() for line in log.read_text(encoding="utf-8").splitlines()]
                first = min(float(t) for what, t in times if what == "start")
                last = max(float(t) for what, t in times if what == "end")
                spans = (first - started, last - first, ended - last)
                for phase, seconds in zip(PHASES, spans, strict=True):
                    phases[code][phase] += [seconds] if run else []
    lines = [
        f"{described}, jixiao run -j 1 (report on), median (range) of {repeat} runs in turn, "
        f"seconds; load average {load_average()} after",
        f"| code | {' | '.join(PHASES)} |",
        "|---|---|---|---|",
    ]
    for code, spans_of in phases.items():
        cells = " | ".join(
            f"{median(v):.2f} ({min(v):.2f}–{max(v):.2f})" for v in spans_of.values()
        )
        lines.append(f"| {code} | {cells} |")
    return "\n".join(lines)


def memory_bench(counts: list[int]) -> str:
    """Peak memory of one run per file count (see the module docstring)."""
    lines = [
        f"one-table text files, jixiao run -j 1 (report on), one run each; load average "
        f"{load_average()} before",
        "| files | wall s | peak MB (main) | peak MB (worker) |",
        "|---|---|---|---|",
    ]
    env = installed_env(ROOT)
    peaks: list[tuple[float, float]] = []
    for count in counts:
        with tempfile.TemporaryDirectory(prefix="jixiao-bench-memory-") as tmp:
            corpus, out = small_files(Path(tmp) / "in", count), Path(tmp) / "out"
            command = [sys.executable, "-m", "jixiao", "run", str(corpus), "-o", str(out)]
            timing = run_whole([*command, "-j", "1", "-q"], env)
            manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        worker = manifest["timings"]["peak_rss_mb"]["largest_child"]
        peaks.append((timing.peak_mb, worker))
        lines.append(f"| {count} | {timing.wall:.1f} | {timing.peak_mb:.0f} | {worker:.0f} |")
    (main_low, worker_low), (main_high, worker_high) = peaks[0], peaks[-1]
    lines.append(
        f"ratio {counts[-1]} / {counts[0]} files: main {main_high / main_low:.2f}, "
        f"worker {worker_high / worker_low:.2f}; load average after: {load_average()}"
    )
    return "\n".join(lines)


TIMELINE_PROBE = """
import os, sys, time
MARKS = open(os.environ["JIXIAO_BENCH_MARKS"], "a", buffering=1)
def mark(what):
    MARKS.write(f"{time.time()} {what}\\n")
import jixiao.api as api
import jixiao.batch.run as run
def wrap(module, name, label=None, after=True):
    original = getattr(module, name)
    def wrapped(*args, **kwargs):
        mark(f"{label or name} start")
        try:
            return original(*args, **kwargs)
        finally:
            if after:
                mark(f"{label or name} end")
    setattr(module, name, wrapped)
wrap(api, "discover")
wrap(run, "prune_parts", "journal read; prune_parts")
wrap(run._Manifest, "write", "manifest")
wrap(run, "switch_run")
results = [0]
original_add = api._RunReport.add_result
def add_result(self, result):
    results[0] += 1
    if results[0] == 1 or results[0] % 1000 == 0:
        mark(f"result {results[0]}")
    return original_add(self, result)
api._RunReport.add_result = add_result
original_write = api._RunReport.write
def write(self, staged, batch):
    mark("report start")
    try:
        return original_write(self, staged, batch)
    finally:
        mark("report end")
api._RunReport.write = write
def patch_the_end():  # once loaded (while reading): pyarrow and the report not before the fork
    import jixiao.batch.combine as combine
    wrap(combine, "parts_to_duplicates", "duplicates")
    wrap(combine, "parts_to_panel", "panel")
    original_chunks = combine.write_chunks
    def write_chunks(out_dir, formats, labels, chunks):
        def marked(name):
            mark(f"frame {name}")
            for i, chunk in enumerate(chunks(name)):
                if i:
                    mark(f"frame {name}, chunk {i + 1}")
                yield chunk
                del chunk  # not held while the next is made
        try:
            return original_chunks(out_dir, formats, labels, marked)
        finally:
            mark("writers end")
    combine.write_chunks = write_chunks
    import jixiao.report.build as build
    wrap(build.ReportCollector, "report", "collector.report")
    wrap(build, "_write", "page")
original_prepare = run._Prepare.__call__
def prepared(self):
    mark("reading end")
    original_prepare(self)
    patch_the_end()
run._Prepare.__call__ = prepared
sys.argv = ["jixiao", *sys.argv[1:]]
from jixiao.cli.main import main
try:
    main()
finally:
    mark("exit")
"""


def _status_mb(pid: int) -> tuple[float, float] | None:
    """(VmRSS, VmHWM) of a process, in MB; None once it is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            text = status.read()
    except OSError:
        return None
    values = {}
    for line in text.splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            key, kb, _ = line.split()
            values[key[:-1]] = int(kb) / 1024
    if len(values) < 2:
        return None
    return values["VmRSS"], values["VmHWM"]


def timeline_bench(count: int, every: float = 0.02) -> str:
    """The main process's resident size (VmRSS) and high-water mark (VmHWM), sampled every
    ``every`` seconds while ``jixiao run -j 1`` (report on) reads ``count`` one-table text
    files, by phase (:data:`TIMELINE_PROBE` marks each): where the run's peak is held."""
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-timeline-") as tmp:
        corpus, out = small_files(Path(tmp) / "in", count), Path(tmp) / "out"
        marks = Path(tmp) / "marks"
        env = installed_env(ROOT, JIXIAO_BENCH_MARKS=str(marks), ARROW_DEFAULT_MEMORY_POOL="system")
        command = [sys.executable, "-c", TIMELINE_PROBE, "run", str(corpus), "-o", str(out)]
        samples: list[tuple[float, float, float]] = []
        with subprocess.Popen([*command, "-j", "1", "-q"], env=env, cwd=tmp) as process:
            while process.poll() is None:
                now, sizes = time.time(), _status_mb(process.pid)
                if sizes is not None:
                    samples.append((now, *sizes))
                time.sleep(every)
        marked = [line.split(" ", 1) for line in marks.read_text(encoding="utf-8").splitlines()]
    phases = [(float(t), what) for t, what in marked]
    lines = [
        f"{count} one-table text files, jixiao run -j 1 (report on): the main process sampled "
        f"every {every * 1000:.0f} ms; load average {load_average()} after",
        "| from | s | RSS at start MB | max RSS MB | HWM at end MB |",
        "|---|---|---|---|---|",
    ]
    bounds = [(samples[0][0] if samples else 0.0, "start"), *phases]
    for i, (begun, what) in enumerate(bounds):
        ended = bounds[i + 1][0] if i + 1 < len(bounds) else float("inf")
        inside = [s for s in samples if begun <= s[0] < ended]
        if not inside:
            lines.append(f"| {what} | {begun - bounds[0][0]:.2f} | | | |")
            continue
        lines.append(
            f"| {what} | {begun - bounds[0][0]:.2f} | {inside[0][1]:.1f} | "
            f"{max(s[1] for s in inside):.1f} | {inside[-1][2]:.1f} |"
        )
    if samples:
        lines.append(f"peak (VmHWM): {max(s[2] for s in samples):.1f} MB")
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Result:
    """One run of the mixed corpus with one worker count."""

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
    env = installed_env(ROOT)
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


def mixed_bench(text_files: int, pdf_copies: int, workers: list[int], repeat: int) -> None:
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as tmp:
        corpus = make_corpus(Path(tmp) / "corpus", text_files=text_files, pdf_copies=pdf_copies)
        print(
            f"corpus: {corpus.files} files ({corpus.pages} PDF pages), {os.cpu_count()} cores, "
            f"load average before: {load_average()}"
        )
        print(
            "| workers | files | pages | tables | seconds | files/s | pages/s "
            "| batch s | batch files/s | peak MB main | peak MB child |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for count in workers:
            runs = [
                run_once(corpus.root, Path(tmp) / f"out-{count}-{i}", count) for i in range(repeat)
            ]
            print(min(runs, key=lambda r: r.seconds).row(), flush=True)
        print(f"load average after: {load_average()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, nargs="+", default=[200, 2000])
    parser.add_argument("--repeat", type=int, default=None, help="runs (5 small files, 1 mixed)")
    parser.add_argument("--mixed", action="store_true", help="the mixed corpus by worker count")
    parser.add_argument("--per-table", action="store_true", help="ms per file by stage")
    parser.add_argument("--memory", action="store_true", help="peak memory by file count")
    parser.add_argument("--fixed", action="store_true", help="start-up and the end, timed")
    parser.add_argument(
        "--timeline", action="store_true", help="the main process's memory by phase"
    )
    parser.add_argument(
        "--code", type=Path, nargs="+", help="with --fixed: folders of jixiao's code, in turn"
    )
    parser.add_argument("--memory-files", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--text-files", type=int, default=440)
    parser.add_argument("--pdf-copies", type=int, default=20, help="3 PDFs (6 pages) per copy")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--pandas-baseline", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pandas_baseline:
        pandas_baseline(args.pandas_baseline)
    elif args.fixed:
        print(fixed_costs_bench(args.files[0], args.repeat or 5, args.code or [ROOT]))
    elif args.memory:
        print(memory_bench(args.memory_files))
    elif args.timeline:
        print(timeline_bench(args.memory_files[-1]))
    elif args.per_table:
        print(per_table_bench(args.files[0], args.repeat or 5))
    elif args.mixed:
        mixed_bench(args.text_files, args.pdf_copies, args.workers, args.repeat or 1)
    else:
        print(small_files_bench(args.files, args.repeat or 5))


if __name__ == "__main__":
    main()
