"""Time whole commands side by side as a user runs them (for bench/pdf.py and bench/batch.py).

Each command is a fresh process (start-up and imports counted). The commands of a comparison run
in turn, A B A B …, so a machine that speeds up or slows down during the run moves both; each
run's CPU seconds (user + system, children included), wall seconds and peak resident memory come
from the operating system (``os.wait4``). The ratio of two commands is taken run by run and the
median quoted: on a shared, noisy machine medians and ratios hold where single times do not.

The commands run as installed code runs (:func:`installed_env`): with Python's compiled
bytecode. ``pip install`` compiles a package's modules when it installs them, and Python writes
the bytecode of a checkout on its first run; a machine that forbids writing it
(``PYTHONDONTWRITEBYTECODE``, set on some CI images) would count compiling jixiao's ~200 modules
(~0.1 s) in every run of jixiao and in no run of the baselines, whose libraries pip compiled.
The first, uncounted run of each command writes it.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass


def installed_env(root: os.PathLike[str] | str, **extra: str) -> dict[str, str]:
    """This process's environment for a command that runs the jixiao in ``root``, as installed
    code runs: bytecode written once and reused (see the module docstring)."""
    env = {**os.environ, "PYTHONPATH": str(root), **extra}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


@dataclass(frozen=True, slots=True)
class Timing:
    """One finished run of a command."""

    wall: float
    cpu: float  # user + system seconds of the process and the children it waited for
    peak_mb: float  # the largest resident size of the process or one of its children
    returncode: int


def run_once(command: Sequence[str], env: dict[str, str] | None = None) -> Timing:
    """Run ``command`` to the end, its output thrown away."""
    started = time.perf_counter()
    process = subprocess.Popen(
        list(command), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert process.stderr is not None
    error = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{error.decode()}")
    return Timing(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, process.returncode)


def compare(
    commands: dict[str, Sequence[str]], repeat: int, env: dict[str, str] | None = None
) -> dict[str, list[Timing]]:
    """Every command ``repeat`` times, in turn, after one warm-up run of each (not counted)."""
    for command in commands.values():
        run_once(command, env)
    timings: dict[str, list[Timing]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():
            timings[name].append(run_once(command, env))
    return timings


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def ratio(slow: Sequence[Timing], fast: Sequence[Timing], field: str) -> float:
    """The median of the run-by-run ratios slow/fast of a figure (``wall`` or ``cpu``)."""
    return median([getattr(s, field) / getattr(f, field) for s, f in zip(slow, fast, strict=True)])


def load_average() -> str:
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "?"
