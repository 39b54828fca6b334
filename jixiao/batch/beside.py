"""Work done in a forked child while this process does other work: the report written while
the combined outputs are (#26).

Both are written from what the run has on disk and in memory, and neither needs the other; on
two cores they take the time of the longer one. The child is forked only where ``fork`` exists
and this process runs no other thread (a fork copies only the thread that calls it: a lock
another thread holds would stay taken in the child). Whatever the child could not do (it
raised, it was killed, it could not be forked) is done again here, after the other work, so
an error is raised where it always was, with the message it always had.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable

from jixiao.batch.pool import CAN_ISOLATE


class Beside:
    """``work`` started in a child (:meth:`start`); :meth:`join` waits for it, and
    :meth:`finish` does here what the child did not."""

    __slots__ = ("_done", "_pid", "_work")

    def __init__(self, work: Callable[[], object], pid: int | None) -> None:
        self._work = work
        self._pid = pid
        self._done = False

    @classmethod
    def start(cls, work: Callable[[], object]) -> Beside:
        """Fork a child that does ``work`` and ends (status 0 if it returned); none where a
        fork is not safe or fails."""
        if not CAN_ISOLATE or threading.active_count() > 1:
            return cls(work, None)
        try:
            pid = os.fork()
        except OSError:
            return cls(work, None)
        if pid == 0:  # pragma: no cover - the child; what it writes is checked by the tests
            status = 1
            try:
                work()
                status = 0
            finally:
                os._exit(status)  # never back into this process's code; nothing flushed twice
        return cls(work, pid)

    def join(self) -> None:
        """Wait for the child, whatever becomes of this process's own work (idempotent)."""
        if self._pid is not None:
            with contextlib.suppress(ChildProcessError):
                _, status = os.waitpid(self._pid, 0)
                self._done = os.waitstatus_to_exitcode(status) == 0
            self._pid = None

    def finish(self) -> None:
        """Wait for the child, and do the work here if it did not (raising what it raises)."""
        self.join()
        if not self._done:
            self._work()
            self._done = True
