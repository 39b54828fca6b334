"""Bench one big text file: time and peak memory of ``jixiao run`` for 5, 50 and 200 MB (#25).

Each file repeats a real table (``fixtures/real/tsv/real-001.txt``, its heading and year line
included) with unrelated text between the copies, as a 部门决算 exported to text has: about 25 KB
of prose (:data:`PROSE`, repeated) and a small financial table that is not a 自评表
(:data:`OTHER_TABLE`), up to the size asked for.
``jixiao run FILE -o OUT -j 1 -q`` runs as a user runs it (a fresh process); wall
and CPU seconds come from the operating system, peak memory from the manifest (``worker``: the
process that read the file; ``main``: the one that wrote the outputs). Time should grow
linearly with the size (the ``CPU s per MB`` column: CPU time, which a shared machine's load
moves less than wall time) and the worker's memory by a small factor of it at most.

Usage::

    python bench/text.py [--sizes 5 50 200] [--repeat 1]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.whole import installed_env, load_average, median, run_once  # noqa: E402 - after sys.path
from tests.big_text import make_text_file  # noqa: E402


def bench(sizes: list[float], repeat: int) -> str:
    lines = [
        f"one text file, `jixiao run FILE -j 1 -q`; median of {repeat} run(s); "
        f"{os.cpu_count()} cores, load average {load_average()} before",
        "| size MB | tables | wall s | CPU s | CPU s per MB | peak MB worker | peak MB main |",
        "|---|---|---|---|---|---|---|",
    ]
    env = installed_env(ROOT)
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="jixiao-bench-text-") as tmp:
            path = Path(tmp) / "big.txt"
            written, tables = make_text_file(path, size)
            out = Path(tmp) / "out"
            command = [sys.executable, "-m", "jixiao", "run", str(path), "-o", str(out)]
            command += ["-j", "1", "-q"]
            runs, workers, mains = [], [], []
            for _ in range(repeat):
                runs.append(run_once(command, env))
                manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
                peak = manifest["timings"]["peak_rss_mb"]
                workers.append(peak["largest_child"])
                mains.append(peak["main"])
        wall, cpu = median([r.wall for r in runs]), median([r.cpu for r in runs])
        megabytes = written / 1e6
        lines.append(
            f"| {megabytes:.0f} | {tables} | {wall:.1f} | {cpu:.1f} | {cpu / megabytes:.2f} | "
            f"{median(workers):.0f} | {median(mains):.0f} |"
        )
        print(lines[-1], file=sys.stderr, flush=True)
    lines.append(f"load average after: {load_average()}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[5, 50, 200])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    print(bench(args.sizes, args.repeat))


if __name__ == "__main__":
    main()
