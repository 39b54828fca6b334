"""Bench ``jixiao run`` on a Dask cluster against the local pool, on generated annual reports.

**The corpus:** ``--reports`` annual reports (default 500, ~50 pages each) in a temporary
folder, made from the four of :func:`bench.pdf.annual_reports` (two annual-report fixtures, two
assembled from their front pages and the other PDF fixtures; fonts embedded and not). Report
``i`` is report ``i % 4`` with one of its front pages left out and the other front pages
rotated (:func:`variant_pages`), so no two files are byte-identical copies.

**The runs**, each a fresh ``jixiao run CORPUS -o OUT -q`` process as a user runs it, in turn
(local, cluster, local, … ``--repeat`` times each; no warm-up run, the corpus is in the page
cache since it was just written):

* ``local -j 2``: the local pool, two worker processes;
* ``dask 2x1``: ``--scheduler ADDRESS`` of a Dask ``LocalCluster`` this bench starts (two worker
  processes, one thread each, on loopback), started once before the runs (its start is timed
  apart: a cluster is started once and serves many runs).

Wall seconds, CPU seconds and peak memory of the ``jixiao run`` process come from the operating
system (:func:`bench.whole.run_once`: the process and the children it waited for). A cluster
run's CPU also counts what the run cost the cluster: the workers' CPU (their own and that of the
children they fork to read, from ``getrusage`` on each worker before and after) and this
process's (the scheduler and the nannies run here), printed by process too; its peak is the
largest of the ``jixiao`` process, a worker and a worker's child. ``batch s`` is the manifest's
``seconds_total`` (reading and writing the outputs), the rest of the wall time start-up and the
report. ``overhead`` is the cluster run's wall time over the local run's (the median of the
run-by-run ratios). On a shared machine wall times move with the other jobs: CPU seconds and
``--repeat`` (the runs alternate) say more.

**Same outputs:** every CSV and Parquet file of the two runs byte for byte, the manifest's
counts, and its per-file records apart from ``seconds`` (times) and ``parts``/``slices`` (where
the rows were written: parts follow the order files finish, which differs between any two
runs). Exits with 1 if anything differs.

**What the overhead is made of** (measured on the running cluster, after the runs): starting
the cluster; what every ``--scheduler`` run pays before its first file (connecting, checking the
workers' version, sending the policies: :func:`jixiao.batch.cluster.map_on_dask` over no files);
a task's round trip through the scheduler (no-op tasks, as many in flight as jixiao keeps);
bringing a file's result back to the client (a task returning as many bytes as a pickled
``FileResult`` of the corpus, with and without report material, less the no-op); and the CPU a
file costs on a freshly started worker read as tasks were read before (a child forked per
file, :func:`one_file_in_a_child`) and as now (a task of several files, one
child: :func:`jixiao.batch.cluster.files_on_worker`).

Usage::

    python bench/cluster.py [--reports 500] [--repeat 1] [--report-limit N] [--no-parts]
                            [--no-malloc-trim] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pypdfium2 as pdfium  # noqa: E402 - after the sys.path line, so the repo's packages import
from distributed import Client, LocalCluster  # noqa: E402

from bench.pdf import FRONT_PAGES, annual_reports  # noqa: E402
from bench.whole import Timing, installed_env, load_average, median, run_once  # noqa: E402
from jixiao.batch.cluster import (  # noqa: E402
    FILES_PER_TASK,
    TASKS_PER_THREAD,
    files_on_worker,
    files_to_chunks,
    map_on_dask,
)
from jixiao.batch.pool import Reader, map_isolated, stopped_result  # noqa: E402
from jixiao.pipeline.runner import FileResult, InputFile  # noqa: E402
from jixiao.score import Policy, load_policy  # noqa: E402

WORKERS = 2
ENV = installed_env(ROOT)


# -- the corpus -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Corpus:
    root: Path
    files: int
    pages: int
    megabytes: float


def variant_pages(pages: int, variant: int) -> list[int]:
    """The page order of variant ``variant`` of a report of ``pages`` pages: the cover, its
    front pages but one (the ``variant % (FRONT_PAGES - 1)``-th left out) rotated by
    ``variant // (FRONT_PAGES - 1)``, then the rest (the 自评表) as they were."""
    inner = list(range(1, FRONT_PAGES))
    inner.pop(variant % len(inner))
    shift = (variant // (FRONT_PAGES - 1)) % len(inner)
    return [0, *inner[shift:], *inner[:shift], *range(FRONT_PAGES, pages)]


def make_corpus(folder: Path, reports: int) -> Corpus:
    """``reports`` annual reports under ``folder`` (100 to a subfolder), all different."""
    bases = annual_reports(folder.parent / f"{folder.name}-bases")
    sources = [pdfium.PdfDocument(str(p)) for p in bases]
    pages = 0
    try:
        for i in range(reports):
            source, base = sources[i % len(bases)], bases[i % len(bases)]
            order = variant_pages(len(source), i // len(bases))
            path = folder / f"{i // 100:02d}" / f"{i:04d}_{base.stem}.pdf"
            path.parent.mkdir(parents=True, exist_ok=True)
            dest = pdfium.PdfDocument.new()
            try:
                dest.import_pages(source, order)
                dest.save(str(path))
            finally:
                dest.close()
            pages += len(order)
    finally:
        for source in sources:
            source.close()
    shutil.rmtree(bases[0].parent)
    size = sum(p.stat().st_size for p in folder.rglob("*.pdf")) / 1e6
    return Corpus(folder, reports, pages, size)


# -- the runs -------------------------------------------------------------------------------------


def jixiao_command(corpus: Path, out: Path, *options: str) -> list[str]:
    return [sys.executable, "-m", "jixiao", "run", str(corpus), "-o", str(out), "-q", *options]


def worker_usage() -> tuple[float, float, float, float]:
    """On a Dask worker: CPU seconds of the worker and of its waited-for children, the
    worker's peak resident MB and its largest child's."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (
        own.ru_utime + own.ru_stime,
        children.ru_utime + children.ru_stime,
        own.ru_maxrss / 1024,
        children.ru_maxrss / 1024,
    )


def cluster_run(client: Client, command: Sequence[str]) -> tuple[Timing, dict[str, float]]:
    """``command`` (a ``--scheduler`` run), its CPU with the cluster's and its peak with the
    workers'; and its CPU seconds by process."""
    before = client.run(worker_usage)
    here = time.process_time()
    timing = run_once(command, ENV)
    split = {"jixiao (client)": timing.cpu, "scheduler, nannies": time.process_time() - here}
    after = client.run(worker_usage)
    split["Dask workers"] = sum(after[w][0] - before[w][0] for w in after)
    split["their children (reading)"] = sum(after[w][1] - before[w][1] for w in after)
    peak = max([timing.peak_mb, *(max(a[2], a[3]) for a in after.values())])
    return Timing(timing.wall, sum(split.values()), peak, timing.returncode), split


def start_cluster(malloc_trim: bool) -> tuple[LocalCluster, float]:
    """The cluster and the seconds it took to start; without ``malloc_trim``, the workers do
    not get Dask's ``MALLOC_TRIM_THRESHOLD_`` (which also fixes glibc's mmap threshold)."""
    import dask  # noqa: PLC0415

    environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ"))
    if not malloc_trim:
        environ.pop("MALLOC_TRIM_THRESHOLD_", None)
    started = time.perf_counter()
    with dask.config.set({"distributed.nanny.pre-spawn-environ": environ}):
        cluster = LocalCluster(
            n_workers=WORKERS,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            host="127.0.0.1",
        )
    return cluster, time.perf_counter() - started


# -- same outputs ---------------------------------------------------------------------------------


def outputs_of(out: Path) -> dict[str, bytes]:
    """The CSV and Parquet outputs of a run (not the parts) by relative path."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.suffix in (".csv", ".parquet") and "parts" not in p.relative_to(out).parts
    }


RUN_FIELDS = ("seconds", "parts", "slices")  # a run's times and where it wrote the rows


def manifest_facts(out: Path) -> dict[str, Any]:
    """The manifest's counts and per-file records, without what differs from run to run."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    files = [{k: v for k, v in f.items() if k not in RUN_FIELDS} for f in manifest["files"]]
    return {"counts": manifest["counts"], "files": files}


def differences(local: Path, dask: Path) -> list[str]:
    """What differs between the outputs of the two runs (nothing, if all is well)."""
    mine, theirs = outputs_of(local), outputs_of(dask)
    found = [f"only in one run: {n}" for n in sorted(set(mine) ^ set(theirs))]
    found += [
        f"{n} differs{_parquet_note(local / n, dask / n)}"
        for n in sorted(set(mine) & set(theirs))
        if mine[n] != theirs[n]
    ]
    facts, other = manifest_facts(local), manifest_facts(dask)
    if facts["counts"] != other["counts"]:
        found.append(f"manifest counts differ: {facts['counts']} != {other['counts']}")
    found += [
        f"manifest record differs: {a} != {b}"
        for a, b in zip(facts["files"], other["files"], strict=False)
        if a != b
    ]
    if len(facts["files"]) != len(other["files"]):
        found.append("manifest records differ in number")
    if not mine:
        found.append("no CSV or Parquet output")
    return found


def _parquet_note(local: Path, dask: Path) -> str:
    """For a Parquet file whose bytes differ: whether its data differ too, and its row
    groups (the combined outputs write a row group per chunk of parts)."""
    if local.suffix != ".parquet":
        return ""
    import pyarrow.parquet as pq  # noqa: PLC0415

    files = [pq.ParquetFile(p) for p in (local, dask)]
    groups = [[f.metadata.row_group(i).num_rows for i in range(f.num_row_groups)] for f in files]
    equal = files[0].read().equals(files[1].read())
    return f" ({'same data' if equal else 'DATA DIFFER'}; row groups {groups[0]} vs {groups[1]})"


# -- what the overhead is made of -----------------------------------------------------------------


def round_trips(client: Client, tasks: int, result_bytes: int) -> float:
    """Seconds per task for ``tasks`` no-op tasks each returning ``result_bytes`` bytes, with
    as many in flight as jixiao keeps, each result fetched to this process."""
    from distributed import as_completed  # noqa: PLC0415

    window = TASKS_PER_THREAD * WORKERS
    started = time.perf_counter()
    running = as_completed(loop=client.loop)
    submitted = 0
    while submitted < min(window, tasks):
        running.add(client.submit(_returning, result_bytes, submitted, pure=False))
        submitted += 1
    for future in running:
        assert len(future.result()) == result_bytes
        future.release()
        if submitted < tasks:
            running.add(client.submit(_returning, result_bytes, submitted, pure=False))
            submitted += 1
    return (time.perf_counter() - started) / tasks


def _returning(size: int, _: int) -> bytes:
    return bytes(size)


def _cpu() -> float:
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def one_file_in_a_child(file: InputFile, policies: tuple[Policy, ...]) -> FileResult:
    """A Dask task as it was before tasks of several files: one file read in a child process
    forked for it (``map_isolated`` with one worker)."""
    return next(map_isolated([file], Reader(policies), stopped_result, workers=1, time_limit=None))


def read_on_worker(paths: list[Path], policies: tuple[Policy, ...]) -> dict[str, float]:
    """On a freshly started Dask worker: CPU seconds a file (the worker's and its children's)
    of ``paths`` read as tasks were before this branch (a child forked per file, the worker not
    warmed up), as tasks are now (:func:`files_to_chunks` for one thread, a child a task; the
    first also warms the worker up), and again."""
    files = [InputFile(path, path.name) for path in paths]
    spent: dict[str, float] = {}
    for name, read in (
        ("a child per file, worker cold", lambda: [
            one_file_in_a_child(f, policies) for f in files
        ]),
        ("tasks, worker cold", lambda: [
            files_on_worker(chunk, policies, None, True) for chunk in files_to_chunks(files, 1)
        ]),
        ("tasks, worker warm", lambda: [
            files_on_worker(chunk, policies, None, True) for chunk in files_to_chunks(files, 1)
        ]),
    ):  # fmt: skip
        started = _cpu()
        read()
        spent[name] = (_cpu() - started) / len(files)
    return spent


def result_bytes(paths: Sequence[Path], material: bool) -> int:
    """Mean size of a pickled FileResult of these files (read here)."""
    work = Reader((load_policy("national"),), material)
    sizes = [len(pickle.dumps(work(InputFile(p, p.name)))) for p in paths]
    return sum(sizes) // len(sizes)


def fixed_cost(address: str) -> float:
    """What a ``--scheduler`` run pays before its first file: map_on_dask over no files."""
    started = time.perf_counter()
    for _ in map_on_dask([], (load_policy("national"),), scheduler=address, time_limit=None):
        pass
    return time.perf_counter() - started


def on_fresh_workers(client: Client, paths: list[Path], times: int) -> dict[str, float]:
    """:func:`read_on_worker` on a worker restarted for it, ``times`` times: the medians."""
    spent: dict[str, list[float]] = {}
    for _ in range(times):
        client.restart()
        client.wait_for_workers(WORKERS)
        worker = sorted(client.nthreads())[0]
        policies = (load_policy("national"),)
        future = client.submit(read_on_worker, paths, policies, workers=[worker], pure=False)
        for name, seconds in future.result().items():
            spent.setdefault(name, []).append(seconds)
    return {name: median(values) for name, values in spent.items()}


def overhead_parts(cluster: LocalCluster, corpus: Corpus, started: float) -> list[str]:
    samples = sorted(corpus.root.rglob("*.pdf"))[:4]  # one of each of the four bases
    per_task = {
        "annual reports": [p.absolute() for p in sorted(corpus.root.rglob("*.pdf"))[:8]],
        "PDF fixtures": sorted(p.absolute() for p in (ROOT / "fixtures" / "pdf").glob("*.pdf")),
    }
    plain, with_material = result_bytes(samples, False), result_bytes(samples, True)
    with Client(cluster, set_as_default=False) as client:
        small = round_trips(client, 400, 100)
        transfer = {n: round_trips(client, 200, n) - small for n in (plain, with_material)}
        cpu = {
            f"{kind}: {len(paths)} files": on_fresh_workers(client, paths, 2)
            for kind, paths in per_task.items()
        }
    connect = fixed_cost(cluster.scheduler_address)
    files = corpus.files
    tasks = len(files_to_chunks(range(files), WORKERS))
    per_worker = files / WORKERS
    rows: list[tuple[str, float, float]] = [
        ("cluster start (LocalCluster, 2 worker processes), once", started, started),
        ("before the first file (connect, version check, policies)", connect, connect),
        (f"task round trip (no-op), per task ({tasks} tasks)", small, small * tasks),
        *(
            (
                f"a result of {n / 1e3:.0f} kB to the client, beyond a no-op",
                seconds,
                seconds * files,
            )
            for n, seconds in transfer.items()
        ),
    ]
    lines = [
        f"what a cluster run costs beyond the reading (wall s; {files} files, tasks "
        f"{TASKS_PER_THREAD * WORKERS} in flight on {WORKERS} workers; results "
        f"{plain / 1e3:.0f} kB a file, {with_material / 1e3:.0f} kB with report material)",
        "| cost | each | for this corpus |",
        "|---|---|---|",
        *(f"| {name} | {each:.4f} | {total:.1f} |" for name, each, total in rows),
        "",
        "CPU s a file on a freshly started worker (mean of 2 restarts): a child per file "
        f"(before) and tasks of up to {FILES_PER_TASK} files (now); {per_worker:.0f} files a "
        "worker here",
        "| files | " + " | ".join(next(iter(cpu.values()))) + " |",
        "|---|" + "---|" * len(next(iter(cpu.values()))),
        *(f"| {name} | " + " | ".join(f"{v:.3f}" for v in spent.values()) + " |"
          for name, spent in cpu.items()),
    ]  # fmt: skip
    return lines


# -- the bench ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Run:
    """One ``jixiao run``: the operating system's figures and the manifest's ``seconds_total``
    (reading and writing the outputs; the rest of the wall time is start-up and the report)."""

    timing: Timing
    batch: float
    cpu_split: dict[str, float]  # CPU seconds by process (a cluster run)


def run_to(out: Path, run: Callable[[Path], tuple[Timing, dict[str, float]]]) -> Run:
    timing, split = run(out)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return Run(timing, manifest["timings"]["seconds_total"], split)


def row(name: str, runs: list[Run], corpus: Corpus, versus: list[Run] | None) -> str:
    wall = median([r.timing.wall for r in runs])
    batch = median([r.batch for r in runs])
    over = ""
    if versus is not None:
        pairs = zip(runs, versus, strict=True)
        over = f"{median([r.timing.wall / v.timing.wall for r, v in pairs]):.2f}x"
    return (
        f"| {name} | {wall:.1f} | {batch:.1f} | {wall - batch:.1f} | "
        f"{median([r.timing.cpu for r in runs]):.1f} | {corpus.pages / wall:.0f} | "
        f"{corpus.files / wall:.2f} | {median([r.timing.peak_mb for r in runs]):.0f} | {over} |"
    )


def bench(
    folder: Path, reports: int, repeat: int, options: Sequence[str], parts: bool, trim: bool
) -> None:
    made = time.perf_counter()
    corpus = make_corpus(folder / "corpus", reports)
    print(
        f"corpus: {corpus.files} annual reports, {corpus.pages} pages, {corpus.megabytes:.0f} MB "
        f"(made in {time.perf_counter() - made:.0f} s); {os.cpu_count()} cores, "
        f"load average {load_average()} before",
        flush=True,
    )
    cluster, started = start_cluster(trim)
    try:
        with Client(cluster, set_as_default=False) as client:
            address = cluster.scheduler_address
            commands: dict[str, Callable[[Path], tuple[Timing, dict[str, float]]]] = {
                "local -j 2": lambda out: (
                    run_once(jixiao_command(corpus.root, out, "-j", "2", *options), ENV),
                    {},
                ),
                "dask 2x1": lambda out: cluster_run(
                    client, jixiao_command(corpus.root, out, "--scheduler", address, *options)
                ),
            }
            runs: dict[str, list[Run]] = {name: [] for name in commands}
            for i in range(repeat):
                for name, command in commands.items():
                    runs[name].append(run_to(folder / f"out-{name.split()[0]}", command))
                    print(f"  run {i + 1} {name}: {runs[name][-1].timing.wall:.1f} s", flush=True)
        found = differences(folder / "out-local", folder / "out-dask")
        print(
            f"jixiao run {' '.join(options)}, {repeat} run(s) each, in turn; load average "
            f"{load_average()} after; the cluster started in {started:.1f} s (not in its runs)"
            + ("" if trim else "; workers without MALLOC_TRIM_THRESHOLD_")
        )
        print(
            "| run | wall s | batch s | start-up and report s | CPU s | pages/s | files/s "
            "| peak MB | overhead (wall) |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        print(row("local -j 2", runs["local -j 2"], corpus, None))
        print(row("dask 2x1", runs["dask 2x1"], corpus, runs["local -j 2"]))
        split = runs["dask 2x1"][-1].cpu_split
        print("dask CPU s by process: " + ", ".join(f"{k} {v:.1f}" for k, v in split.items()))
        outputs = len(outputs_of(folder / "out-local"))
        print(
            f"outputs: {outputs} CSV/Parquet files and the manifest's {corpus.files} records "
            + ("identical" if not found else "DIFFER:\n  " + "\n  ".join(found[:20])),
            flush=True,
        )
        if parts:
            print()
            print("\n".join(overhead_parts(cluster, corpus, started)))
    finally:
        cluster.close()
    if found:
        raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--report-limit", type=int, help="passed to both runs (0: no report)")
    parser.add_argument("--no-parts", action="store_true", help="skip the overhead's parts")
    parser.add_argument("--keep", type=Path, help="build the corpus and outputs here, keep them")
    parser.add_argument(
        "--no-malloc-trim", action="store_true", help="workers without MALLOC_TRIM_THRESHOLD_"
    )
    args = parser.parse_args()
    options = [] if args.report_limit is None else ["--report-limit", str(args.report_limit)]
    trim = not args.no_malloc_trim
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        bench(args.keep, args.reports, args.repeat, options, not args.no_parts, trim)
        return
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-cluster-") as tmp:
        bench(Path(tmp), args.reports, args.repeat, options, not args.no_parts, trim)


if __name__ == "__main__":
    main()
