"""Hostile files cost a problem row, never the machine (#28).

Every bomb is made at test time (tests/bombs.py) in a temporary folder, beside good files, and
the folder is run by ``jixiao run`` in a child process: each bomb gives its row, the good files
are read, and no process of the run grows past :data:`PEAK_MB` (``ru_maxrss`` of the run's
processes, measured by a wrapper process that runs only it).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from jixiao.core.errors import FileTooLargeError
from jixiao.extract.readers.limits import (
    DOCX_CELLS,
    XLSX_CELLS,
    InputLimits,
    check_zip,
    count_cells,
    limits_from_environment,
)
from tests import bombs

ROOT = Path(__file__).resolve().parent.parent
PEAK_MB = 500

# Runs a command and prints the largest resident size of its processes (its workers too), MB.
_MEASURE = (
    "import resource, subprocess, sys; "
    "code = subprocess.run(sys.argv[1:]).returncode; "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024); "
    "sys.exit(code)"
)


@dataclass(frozen=True, slots=True)
class Run:
    problems: pd.DataFrame
    files: Mapping[str, Mapping[str, object]]  # the manifest's record of each file, by name
    peak_mb: int


def run_measured(folder: Path, out: Path, environ: Mapping[str, str] | None = None) -> Run:
    """``jixiao run folder`` (one worker) in a child process, and its peak memory."""
    env = {**os.environ, **(environ or {})}
    command = [sys.executable, "-m", "jixiao", "run", str(folder), "-o", str(out), "-q", "-j", "1"]
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, *command],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=600,
    )
    assert done.returncode in (0, 1), done.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    files = {Path(str(f["path"])).name: f for f in manifest["files"]}
    problems = pd.read_csv(out / "problems.csv", dtype=str, keep_default_na=False)
    return Run(problems, files, int(done.stdout.split()[-1]))


#: Each bomb: its file name, how it is made, the code of its row and words its message holds.
BOMBS: list[tuple[str, Callable[[Path], Path], str, tuple[str, ...]]] = [
    (
        "bomb.docx",
        bombs.docx_bomb,
        "file_too_large",
        ("word/document.xml", "1,500 MB", "64 MB", "JIXIAO_MAX_ENTRY_MB"),
    ),
    (
        "lying.docx",
        lambda p: bombs.docx_bomb(p, inflated_mb=200, declared=100_000),
        "file_too_large",
        ("声明", "可能是压缩炸弹"),
    ),
    (
        "ratio.docx",
        lambda p: bombs.docx_bomb(p, inflated_mb=32),
        "file_too_large",
        ("压缩比", "JIXIAO_MAX_ZIP_RATIO"),
    ),
    ("million.xlsx", lambda p: bombs.xlsx_rows(p, 1_000_000), "file_too_large", ("sheet1.xml",)),
    ("laughs.xlsx", bombs.xlsx_entities, "unreadable_file", ("laughs.xlsx", "文件已损坏")),
    ("laughs.docx", bombs.docx_entities, "unreadable_file", ("laughs.docx", "文件已损坏")),
    (
        "bomb.png",
        lambda p: bombs.png(p, 60_000, 60_000),
        "file_too_large",
        ("3,600 百万像素", "64 百万像素", "JIXIAO_MAX_MEGAPIXELS"),
    ),
    (
        "over.png",
        lambda p: bombs.png(p, 10_000, 10_000),
        "file_too_large",
        ("10000 × 10000", "JIXIAO_MAX_MEGAPIXELS"),
    ),
    # a scanned page of 200 × 200 inches: refused before it is rendered, the page named
    ("huge.pdf", bombs.pdf_huge_page, "file_too_large", ("第1页", "JIXIAO_MAX_MEGAPIXELS")),
    (
        "tables.html",
        lambda p: bombs.html_tables(p, 1_000_000),
        "file_too_large",
        ("1,000,000 个表格单元格", "JIXIAO_MAX_CELLS"),
    ),
    ("nested.html", lambda p: bombs.html_nested(p, 20_000), "no_tables", ("未找到",)),
]
GOOD = ("seed/000_a203d4b834672a09.txt", "office/seed.docx", "office/seed.xlsx")


@pytest.fixture(scope="module")
def bomb_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    folder = tmp_path_factory.mktemp("bombs")
    for name, make, _, _ in BOMBS:
        make(folder / name)
    for good in GOOD:
        shutil.copy(ROOT / "fixtures" / good, folder / Path(good).name)
    return run_measured(folder, tmp_path_factory.mktemp("out"))


def test_bomb_names_are_unique() -> None:
    assert len({name for name, *_ in BOMBS}) == len(BOMBS)


@pytest.mark.parametrize(
    ("name", "code", "words"), [(n, c, w) for n, _, c, w in BOMBS], ids=[n for n, *_ in BOMBS]
)
def test_bomb_is_one_problem_row(
    bomb_run: Run, name: str, code: str, words: tuple[str, ...]
) -> None:
    rows = bomb_run.problems[bomb_run.problems["source_file"] == name]
    assert code in set(rows["code"]), rows[["code", "message"]].to_string()
    message = " ".join(rows[rows["code"] == code]["message"])
    assert all(word in message for word in words), message
    # a bomb read to the end that holds no 自评表 counts as read (no_tables), the others failed
    assert bomb_run.files[name]["status"] == ("no_tables" if code == "no_tables" else "failed")


def test_huge_pdf_page_names_the_pixel_limit(bomb_run: Run) -> None:
    rows = bomb_run.problems[bomb_run.problems["source_file"] == "huge.pdf"]
    found = " ".join(rows["found"])
    assert "max_megapixels" in found, found


@pytest.mark.parametrize("good", [Path(g).name for g in GOOD])
def test_good_files_beside_bombs_are_read(bomb_run: Run, good: str) -> None:
    record = bomb_run.files[good]
    assert record["status"] == "ok"
    assert int(str(record["tables"])) >= 1


def test_bombs_stay_under_the_memory_bound(bomb_run: Run) -> None:
    assert bomb_run.peak_mb <= PEAK_MB


# -- a file past the checks: the worker's memory ceiling -------------------------------------


def test_file_past_the_checks_costs_a_row_at_the_ceiling(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    bombs.xlsx_rows(folder / "million.xlsx", 1_000_000)
    shutil.copy(ROOT / "fixtures" / GOOD[0], folder / "good.txt")
    loose = {"JIXIAO_MAX_ZIP_RATIO": "100000", "JIXIAO_MAX_CELLS": "100000000"}
    run = run_measured(folder, tmp_path / "out", {**loose, "JIXIAO_WORKER_MEMORY_MB": "300"})
    rows = run.problems[run.problems["source_file"] == "million.xlsx"]
    assert list(rows["code"]) == ["file_error"]
    assert "JIXIAO_WORKER_MEMORY_MB" in rows["found"].iloc[0]
    assert run.files["good.txt"]["status"] == "ok"
    assert run.peak_mb <= PEAK_MB


def test_ceiling_makes_allocation_fail_with_memory_error() -> None:
    script = (
        "from jixiao.batch.limits import limit_worker_memory\n"
        "ceiling = limit_worker_memory(200)\n"
        "assert ceiling is not None\n"
        "try:\n"
        "    bytearray(1 << 30)\n"
        "except MemoryError:\n"
        "    print('refused')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "refused"


def test_ceiling_of_zero_sets_none() -> None:
    from jixiao.batch.limits import limit_worker_memory  # noqa: PLC0415

    assert limit_worker_memory(0) is None


# -- the checks themselves -------------------------------------------------------------------


def _xlsx(rows: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        sheet = b"<row>" + b'<c t="n"><v>1</v></c>' * 10 + b"</row>"
        archive.writestr("xl/worksheets/sheet1.xml", bombs.SHEET_HEAD + sheet * rows)
    return buffer.getvalue()


ZIP_CASES = [
    pytest.param(_xlsx(100), InputLimits(), None, id="small-workbook-passes"),
    pytest.param(_xlsx(100), InputLimits(max_cells=999), "个表格单元格", id="cells-over"),
    pytest.param(_xlsx(100), InputLimits(max_cells=1000), None, id="cells-at-limit"),
    pytest.param(_xlsx(200_000), InputLimits(max_entry_mb=1), "单个部分的上限", id="entry-mb"),
    pytest.param(_xlsx(200_000), InputLimits(max_total_mb=1), "共", id="total-mb"),
    pytest.param(_xlsx(200_000), InputLimits(max_ratio=2), "压缩比", id="ratio"),
    pytest.param(b"not a zip at all", InputLimits(), None, id="not-a-zip-left-to-reader"),
]


@pytest.mark.parametrize(("data", "limits", "words"), ZIP_CASES)
def test_check_zip(data: bytes, limits: InputLimits, words: str | None) -> None:
    if words is None:
        check_zip(data, file="a.xlsx", limits=limits, cells=XLSX_CELLS)
        return
    with pytest.raises(FileTooLargeError) as raised:
        check_zip(data, file="a.xlsx", limits=limits, cells=XLSX_CELLS)
    assert words in raised.value.message_zh
    assert raised.value.code == "file_too_large"


def test_lying_directory_is_caught_while_inflating(tmp_path: Path) -> None:
    path = bombs.docx_bomb(tmp_path / "lying.docx", inflated_mb=8, declared=1000)
    with pytest.raises(FileTooLargeError, match="inflates past its declared 1000 bytes"):
        check_zip(path.read_bytes(), file="lying.docx", limits=InputLimits(), cells=DOCX_CELLS)


OFFICE_FILES = sorted(
    p
    for p in (ROOT / "fixtures").rglob("*")
    if p.suffix in (".xlsx", ".docx") and p.name not in ("damaged.xlsx", "password.xlsx")
)


@pytest.mark.parametrize("path", OFFICE_FILES, ids=[p.name for p in OFFICE_FILES])
def test_every_bundled_office_file_passes_the_checks(path: Path) -> None:
    marks = XLSX_CELLS if path.suffix == ".xlsx" else DOCX_CELLS
    check_zip(path.read_bytes(), file=path.name, limits=InputLimits(), cells=marks)


COUNT_CASES = [
    pytest.param([b"<td>1</td><td>2</td>"], 2, id="one-chunk"),
    pytest.param([b"<t", b"d>1</td>"], 1, id="split-after-two"),
    pytest.param([b"<", b"td>1</td>"], 1, id="split-after-one"),
    pytest.param([b"<td", b"><td"], 2, id="marker-at-chunk-end"),
    pytest.param([b"<th>a</th>", b"", b"<td>"], 2, id="empty-chunk"),
    pytest.param([], 0, id="nothing"),
]


@pytest.mark.parametrize(("chunks", "expected"), COUNT_CASES)
def test_count_cells(chunks: list[bytes], expected: int) -> None:
    assert count_cells(chunks, (b"<td", b"<th")) == expected


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        pytest.param({"JIXIAO_MAX_ENTRY_MB": "0"}, "max_entry_mb must be", id="zero"),
        pytest.param({"JIXIAO_MAX_MEGAPIXELS": "1.5"}, "JIXIAO_MAX_MEGAPIXELS", id="not-whole"),
    ],
)
def test_bad_limit_settings_name_the_variable(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        limits_from_environment(environ)
