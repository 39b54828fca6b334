"""The ``jixiao`` command as a process: the console script and ``python -m jixiao``.

When a command has returned, its work is done and written; what is left is Python's teardown of
every object the run made (~30 ms after reading two annual reports, ~5% of that run). So the
process then runs the exit handlers (``atexit``: logging's flush, temporary folders, weakref
finalizers), flushes the standard streams and ends at once with the command's exit status
(``os._exit``). With another thread still running, Python ends as usual (it waits for the
thread). :func:`~jixiao.cli.main.main` itself — in the tests' ``CliRunner``, or called from a
caller's own process — never ends the process this way.
"""

from __future__ import annotations

import atexit
import gc
import os
import sys
import threading
from typing import NoReturn

from jixiao.cli.main import main

#: Python's exit status when the standard streams cannot be flushed at its end.
FLUSH_FAILED = 120
#: Objects made between two collections of the youngest generation in the process (700 by
#: default): starting up makes ~100,000 objects that live as long as the process (modules,
#: classes, compiled patterns), and collecting every 700 of them cost ~8 ms of a 0.15 s start.
YOUNG_COLLECTION = 50_000


def program() -> NoReturn:
    """Run the command line, then end the process without its teardown (see the module)."""
    gc.set_threshold(YOUNG_COLLECTION, *gc.get_threshold()[1:])
    try:
        main(standalone_mode=True)
    except SystemExit as done:
        status = done.code
    else:
        status = None
    if threading.active_count() > 1:
        sys.exit(status)
    code = exit_code(status)
    atexit._run_exitfuncs()
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:  # none at all under pythonw
                stream.flush()
    except (OSError, ValueError):  # a closed pipe, a closed stream
        code = code or FLUSH_FAILED
    os._exit(code)


def exit_code(status: object) -> int:
    """The process's exit status for ``sys.exit(status)``: 0 for None, an int itself, and
    anything else written to standard error, then 1."""
    if status is None:
        return 0
    if isinstance(status, int):
        return status
    print(status, file=sys.stderr)
    return 1
