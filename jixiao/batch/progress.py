"""Progress of a batch run: a bar on a terminal, plain log lines otherwise, nothing with --quiet.

Both show files done of all, tables found, problems and failed files so far, and the ETA.
Files reused by ``--resume`` count as done from the start, with their tables and problems.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from tqdm import tqdm

    from jixiao.batch.parts import FileRecord


class Progress(Protocol):
    """What :func:`jixiao.batch.run.run_batch` reports to while it runs."""

    def start(self, total: int, reused: Sequence[FileRecord], how: str) -> None:
        """``total`` files, ``reused`` of them done already; ``how`` names the executor."""

    def advance(self, record: FileRecord) -> None:
        """One more file finished."""

    def finish(self) -> None:
        """The run is over (complete or interrupted)."""


@dataclass(slots=True)
class _Tally:
    total: int = 0
    done: int = 0
    new: int = 0
    tables: int = 0
    problems: int = 0
    failed: int = 0
    started: float = 0.0

    @classmethod
    def starting(cls, total: int, reused: Sequence[FileRecord]) -> _Tally:
        tally = cls(total=total, started=time.monotonic())
        for record in reused:
            tally.count(record)
        return tally

    def count(self, record: FileRecord) -> None:
        self.done += 1
        self.tables += record.tables
        self.problems += record.problems
        self.failed += record.failed

    def add(self, record: FileRecord) -> None:
        """A file read in this run."""
        self.count(record)
        self.new += 1

    def eta(self) -> str:
        elapsed = time.monotonic() - self.started
        if not self.new:
            return "?"
        seconds = int(elapsed / self.new * (self.total - self.done))
        return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"

    def counts(self) -> str:
        return (
            f"{plural(self.tables, 'table')}, {plural(self.problems, 'problem')}, "
            f"{self.failed} failed"
        )


def plural(count: int, noun: str) -> str:
    """A count with its noun: ``1 table``, ``2 tables``.

    >>> plural(1, "table"), plural(0, "problem"), plural(3, "file")
    ('1 table', '0 problems', '3 files')
    """
    return f"{count} {noun}{'' if count == 1 else 's'}"


class NullProgress:
    def start(self, total: int, reused: Sequence[FileRecord], how: str) -> None:
        pass

    def advance(self, record: FileRecord) -> None:
        pass

    def finish(self) -> None:
        pass


class BarProgress:
    """A tqdm bar on stderr: files, rate, ETA, and the counts as its postfix."""

    def __init__(self) -> None:
        self._tally = _Tally()
        self._bar: tqdm[Any] | None = None

    def start(self, total: int, reused: Sequence[FileRecord], how: str) -> None:
        from tqdm import tqdm  # noqa: PLC0415 - tqdm, ~40 ms: `jixiao --help` loads this module

        tqdm.monitor_interval = 0  # no monitor thread: children are forked from this process
        self._tally = _Tally.starting(total, reused)
        self._bar = tqdm(
            total=total,
            initial=len(reused),
            unit="file",
            desc=f"reading ({how})",
            file=sys.stderr,
        )
        if reused:
            self._bar.set_postfix_str(self._tally.counts(), refresh=False)

    def advance(self, record: FileRecord) -> None:
        self._tally.add(record)
        if self._bar is not None:
            self._bar.set_postfix_str(self._tally.counts(), refresh=False)
            self._bar.update(1)

    def finish(self) -> None:
        if self._bar is not None:
            self._bar.close()


class LogProgress:
    """A timestamped line at the start, every ``interval`` seconds, and at the end."""

    def __init__(self, echo: Callable[[str], None], interval: float = 10.0) -> None:
        self._echo = echo
        self._interval = interval
        self._tally = _Tally()
        self._last = 0.0

    def start(self, total: int, reused: Sequence[FileRecord], how: str) -> None:
        self._tally = _Tally.starting(total, reused)
        self._last = self._tally.started
        done = len(reused)
        unchanged = f", {done} unchanged since the last run" if done else ""
        self._log(f"reading {total - done} of {plural(total, 'file')}{unchanged} ({how})")

    def advance(self, record: FileRecord) -> None:
        self._tally.add(record)
        now = time.monotonic()
        if now - self._last >= self._interval:
            self._last = now
            self._log(self._line())

    def finish(self) -> None:
        self._log(self._line())

    def _line(self) -> str:
        t = self._tally
        share = 100 * t.done // t.total if t.total else 100
        eta = f", ETA {t.eta()}" if t.done < t.total else ""
        return f"[{t.done}/{t.total}] {share}%: {t.counts()}{eta}"

    def _log(self, text: str) -> None:
        self._echo(f"{datetime.now(UTC).strftime('%H:%M:%S')} {text}")
