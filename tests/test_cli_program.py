"""The ``jixiao`` process ends without Python's teardown once its command has returned (#26,
round 6): the same output and exit status as before, exit handlers run, streams flushed, and
the usual ending where another thread is still running."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from jixiao.cli.main import main
from jixiao.cli.program import YOUNG_COLLECTION, exit_code

ROOT = Path(__file__).resolve().parent.parent


def _python(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, cwd=ROOT, check=False
    )


def test_the_console_script_is_the_program() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert scripts["scripts"]["jixiao"] == "jixiao.cli.program:program"


def test_the_output_and_status_are_the_commands() -> None:
    done = _python("-m", "jixiao", "policies")
    assert done.returncode == 0
    assert done.stdout == CliRunner().invoke(main, ["policies"]).output  # all of it, flushed


def test_a_usage_error_keeps_its_status() -> None:
    done = _python("-m", "jixiao", "run")
    assert done.returncode == 2
    assert "Error" in done.stderr


HANDLER = (
    "import atexit, gc, sys\n"
    "atexit.register(lambda: print('handler ran', gc.get_threshold()[0], flush=True))\n"
    "sys.argv = ['jixiao', '--version']\n"
    "from jixiao.cli.program import program\n"
    "program()\n"
)
THREAD = (
    "import sys, threading, time\n"
    "def late():\n"
    "    time.sleep(0.3)\n"
    "    print('thread done', flush=True)\n"
    "threading.Thread(target=late).start()\n"
    "sys.argv = ['jixiao', '--version']\n"
    "from jixiao.cli.program import program\n"
    "program()\n"
)


def test_exit_handlers_run() -> None:
    done = _python("-c", HANDLER)
    assert done.returncode == 0
    # with the youngest objects collected less often than Python's 700
    assert done.stdout.splitlines()[-1] == f"handler ran {YOUNG_COLLECTION}"


def test_a_running_thread_is_waited_for() -> None:
    done = _python("-c", THREAD)
    assert done.returncode == 0
    assert done.stdout.splitlines()[-1] == "thread done"


@pytest.mark.parametrize(
    ("status", "code", "said"),
    [(None, 0, ""), (0, 0, ""), (2, 2, ""), ("无法读取", 1, "无法读取\n")],
)
def test_exit_code_is_sys_exits(
    status: object, code: int, said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert exit_code(status) == code
    assert capsys.readouterr().err == said
