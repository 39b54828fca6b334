"""Batch runs: discovery, parallel = sequential, resume, Ctrl-C, time limits, exports."""

from __future__ import annotations

import faulthandler
import json
import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

import jixiao.pipeline.runner
from jixiao.batch.combine import concat_parts
from jixiao.batch.commit import RunFolders
from jixiao.batch.parts import FileRecord
from jixiao.batch.progress import BarProgress, NullProgress
from jixiao.batch.run import BatchResult, BatchSettings, run_batch
from jixiao.cli.main import main
from jixiao.export.labels_zh import COLUMNS_ZH
from jixiao.pipeline.discover import Filters, discover
from jixiao.pipeline.runner import InputFile, run
from jixiao.score import FRAME_NAMES, SCHEMA, Policy, load_policy
from tests.test_batch_corpus import BROKEN, READ_WITHOUT_TABLES, Corpus, make_corpus, single_tables

POLICIES: tuple[Policy, ...] = (load_policy("national"),)
FRAME_FILES = [f"{name}.{ext}" for name in FRAME_NAMES for ext in ("csv", "parquet")]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """200 single-table text files, 3 PDFs and the 5 kinds of broken file."""
    return make_corpus(tmp_path_factory.mktemp("corpus"), text_files=200, pdf_copies=1)


@pytest.fixture(scope="module")
def reference(corpus: Corpus, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus run through the CLI with 2 workers (the run the others are compared to)."""
    out = tmp_path_factory.mktemp("reference")
    result = CliRunner().invoke(main, ["run", str(corpus.root), "-o", str(out), "-j", "2"])
    assert result.exit_code == 1, result.output
    return out


def _same_outputs(a: Path, b: Path) -> None:
    """The combined outputs are byte for byte the same."""
    for name in FRAME_FILES:
        if name.endswith(".csv"):
            assert (a / name).read_bytes() == (b / name).read_bytes(), name
        else:
            pd.testing.assert_frame_equal(pd.read_parquet(a / name), pd.read_parquet(b / name))


def _manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


# --- discovery -----------------------------------------------------------------------------


def test_globs_include_then_exclude(corpus: Corpus) -> None:
    pdfs = discover([corpus.root], Filters(include=("*.pdf",), exclude=("broken/*",)))
    assert [f.name for f in pdfs] == sorted(f"pdf/000_{n}" for n in ("rl_long_repeat.pdf",
        "rl_synthetic.pdf", "rl_two_per_page.pdf"))  # fmt: skip


def test_exclude_glob_without_slash_matches_file_names(corpus: Corpus) -> None:
    names = [f.name for f in discover([corpus.root], Filters(exclude=("*.TXT", "*.pdf")))]
    assert names
    assert not [n for n in names if n.lower().endswith((".pdf",)) or n.endswith(".TXT")]


def test_several_inputs_are_named_from_their_common_parent(corpus: Corpus) -> None:
    files = discover([corpus.root / "2020", corpus.root / "broken" / "empty.txt"])
    names = {f.name for f in files}
    assert "broken/empty.txt" in names
    assert "2020/部门00/0000_自评表.txt" in names


@pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="POSIX links")
def test_a_file_reached_by_two_paths_is_read_once_by_its_shorter_name(tmp_path: Path) -> None:
    (tmp_path / "deep" / "er").mkdir(parents=True)
    (tmp_path / "deep" / "er" / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "b.txt").symlink_to(tmp_path / "deep" / "er" / "a.txt")  # a link to a file
    (tmp_path / "c.txt").write_text("y", encoding="utf-8")
    (tmp_path / "deep" / "c.txt").symlink_to(tmp_path / "c.txt")
    (tmp_path / "deep" / "again").symlink_to(tmp_path / "deep" / "er")  # … and to a folder
    names = [f.name for f in discover([tmp_path, tmp_path / "c.txt"])]
    assert names == ["b.txt", "c.txt"]


def test_a_file_given_directly_goes_by_its_own_name(corpus: Corpus) -> None:
    [file] = discover([corpus.root / "broken" / "junk.pdf"])
    assert file.name == "junk.pdf"


# --- the whole corpus ----------------------------------------------------------------------


def test_corpus_run_reads_every_good_table(corpus: Corpus, reference: Path) -> None:
    tables = pd.read_parquet(reference / "tables.parquet")
    assert set(tables["table_id"]) == corpus.tables
    assert tables["table_id"].is_unique


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_each_broken_file_is_one_problem_row(corpus: Corpus, reference: Path, name: str) -> None:
    problems = pd.read_parquet(reference / "problems.parquet")
    rows = problems[problems["source_file"] == name]
    assert rows["code"].tolist() == [corpus.broken[name]]
    assert rows["severity"].tolist() == ["info" if name in READ_WITHOUT_TABLES else "error"]
    assert rows["table_id"].isna().all()


def test_corpus_run_exit_message_names_failures_and_problems_file(
    corpus: Corpus, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    args = ["run", str(corpus.root), "-o", str(out), "-j", "2", "-q", "--exclude", "20*"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert f"4 of 8 files could not be read: {', '.join(corpus.failed)}" in result.output
    assert f"see {out / 'problems.csv'}" in result.output


def test_manifest_records_each_file(corpus: Corpus, reference: Path) -> None:
    manifest = _manifest(reference)
    assert manifest["status"] == "complete"
    assert manifest["counts"]["files"] == corpus.files
    assert manifest["counts"]["files_failed"] == len(corpus.failed)
    assert manifest["counts"]["files_without_tables"] == len(READ_WITHOUT_TABLES)
    # the corpus holds copies of the same files: each table is counted once, the copies apart
    duplicates = pd.read_parquet(reference / "tables.parquet")["duplicate_of"].notna().sum()
    assert manifest["counts"]["duplicates"] == duplicates > 0
    assert manifest["counts"]["tables"] + duplicates == len(corpus.tables)
    entry = next(f for f in manifest["files"] if f["path"] == "pdf/000_rl_synthetic.pdf")
    assert (entry["status"], entry["tables"], entry["pages"]) == ("ok", 3, 3)
    assert len(entry["sha256"]) == 64
    assert set(entry["parts"]) == {"tables", "funds", "indicators"}
    assert all((reference / p).is_file() for p in entry["parts"].values())


def test_outputs_are_ordered_by_path_then_table(reference: Path) -> None:
    ids = pd.read_parquet(reference / "tables.parquet")["table_id"].tolist()
    keys = [(i.rsplit("#", 1)[0], int(i.rsplit("#", 1)[1])) for i in ids]
    assert keys == sorted(keys)


def test_parquet_keeps_the_contract_dtypes(reference: Path) -> None:
    for name in FRAME_NAMES:
        frame = pd.read_parquet(reference / f"{name}.parquet")
        assert {c: str(t) for c, t in frame.dtypes.items()} == SCHEMA[name], name


# --- parallel = sequential -----------------------------------------------------------------


def test_one_worker_gives_the_same_outputs_as_two(
    reference: Path, corpus: Corpus, tmp_path: Path
) -> None:
    result = CliRunner().invoke(main, ["run", str(corpus.root), "-o", str(tmp_path), "-j", "1"])
    assert result.exit_code == 1
    _same_outputs(reference, tmp_path)


def test_batch_frames_equal_the_in_memory_run(corpus: Corpus, tmp_path: Path) -> None:
    files = discover([corpus.root], Filters(exclude=("2021", "2022", "2023", "2024")))
    expected = run(files, POLICIES).frames
    _batch(files, tmp_path)
    records = [FileRecord.from_json(f) for f in _manifest(tmp_path)["files"]]
    got = concat_parts(tmp_path, records)
    for name in FRAME_NAMES:
        pd.testing.assert_frame_equal(getattr(got, name), getattr(expected, name))
        combined = pd.read_parquet(tmp_path / f"{name}.parquet")
        pd.testing.assert_frame_equal(combined, getattr(expected, name))


# --- resume --------------------------------------------------------------------------------


def _small(tmp_path: Path) -> Corpus:
    return make_corpus(tmp_path / "in", text_files=24, pdf_copies=0, broken=False)


def _batch(files: list[InputFile], out: Path, **settings: Any) -> BatchResult:
    return run_batch(files, POLICIES, out, BatchSettings(workers=2, **settings))


def test_resume_after_deleting_a_part_redoes_only_the_files_in_it(tmp_path: Path) -> None:
    files = discover([_small(tmp_path).root])
    out = tmp_path / "out"
    first = _batch(files, out)
    before = (out / "indicators.csv").read_bytes()
    victim = first.records[5].parts["indicators"]
    (out / victim).unlink()
    sharing = sorted(r.path for r in first.records if victim in r.parts.values())
    second = _batch(files, out, resume=True)
    assert sorted(r.path for r in second.records if not r.reused) == sharing
    assert (out / "indicators.csv").read_bytes() == before
    assert _manifest(out)["counts"]["files_reused"] == len(files) - len(sharing)


def test_resume_reads_changed_and_new_files_and_drops_removed_ones(tmp_path: Path) -> None:
    corpus = _small(tmp_path)
    out = tmp_path / "out"
    first = _batch(discover([corpus.root]), out)
    changed, removed = corpus.root / first.records[0].path, corpus.root / first.records[1].path
    changed.write_text(changed.read_text(encoding="utf-8").replace("2024", "2023"), "utf-8")
    gone = first.records[1]
    removed.unlink()
    (corpus.root / "new.txt").write_text(single_tables()[3], encoding="utf-8")
    second = _batch(discover([corpus.root]), out, resume=True)
    assert sorted(r.path for r in second.records if not r.reused) == sorted(
        [first.records[0].path, "new.txt"]
    )
    assert gone.path not in {r.path for r in second.records}
    used = {p for r in second.records for p in r.parts.values()}
    assert not any((out / p).exists() for p in set(gone.parts.values()) - used)
    assert {p.relative_to(out).as_posix() for p in (out / "parts").rglob("*.parquet")} == used
    tables = pd.read_parquet(out / "tables.parquet")
    assert gone.path not in set(tables["source_file"])


def test_resume_under_another_policy_redoes_everything(tmp_path: Path) -> None:
    files = discover([make_corpus(tmp_path / "in", text_files=3, pdf_copies=0, broken=False).root])
    out = tmp_path / "out"
    _batch(files, out)
    again = run_batch(
        files, (load_policy("shanghai-2024"),), out, BatchSettings(workers=2, resume=True)
    )
    assert again.reused == 0


class _StopAfter(NullProgress):
    """Raises KeyboardInterrupt (as Ctrl-C would) after some files."""

    def __init__(self, files: int) -> None:
        self.left = files

    def advance(self, record: FileRecord) -> None:
        self.left -= 1
        if self.left == 0:
            raise KeyboardInterrupt


def test_interrupted_run_keeps_finished_files_and_resumes_to_the_same_result(
    tmp_path: Path,
) -> None:
    files = discover([_small(tmp_path).root])
    full, out = tmp_path / "full", tmp_path / "out"
    _batch(files, full)
    stopped = run_batch(files, POLICIES, out, BatchSettings(workers=2), progress=_StopAfter(7))
    assert stopped.interrupted
    assert len(stopped.records) == 7
    assert not any(out.iterdir())  # the output folder holds complete runs only
    assert stopped.out_dir == RunFolders.of(out).staging
    assert _manifest(stopped.out_dir)["status"] == "interrupted"
    assert len(pd.read_parquet(stopped.out_dir / "tables.parquet")) == 7
    resumed = _batch(files, out, resume=True)
    assert resumed.status == "complete"
    assert resumed.reused == 7
    _same_outputs(full, out)


# The test runner may have started us with SIGINT ignored, which children inherit: restore
# Python's handler, as in a terminal, then run the CLI.
_CLI_WITH_SIGINT = (
    "import faulthandler, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "faulthandler.register(signal.SIGUSR1); "
    "from jixiao.cli.main import main; main(sys.argv[1:], prog_name='jixiao')"
)


def test_ctrl_c_exits_130_with_valid_partial_outputs(tmp_path: Path) -> None:
    # the first part (and journal lines) come after 256 files or a second: enough files after
    # those that Ctrl-C lands mid-run (300 were read to the end before it, at times)
    corpus = make_corpus(tmp_path / "in", text_files=1000, pdf_copies=0, broken=False)
    out = tmp_path / "out"
    command = [sys.executable, "-c", _CLI_WITH_SIGINT, "run", str(corpus.root), "-o", str(out)]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    staging = RunFolders.of(out).staging
    journal = staging / "parts" / "journal.jsonl"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (
        not journal.exists() or len(journal.read_bytes().splitlines()) < 4
    ):
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    try:
        _, stderr = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGUSR1)  # where it hangs, on its stderr
        time.sleep(1)
        process.kill()
        pytest.fail(f"no exit 30 s after SIGINT:\n{process.communicate()[1].decode()}")
    assert process.returncode == 130, stderr.decode()
    assert "--resume" in stderr.decode()
    assert not any(out.iterdir())  # the output folder holds complete runs only
    manifest = _manifest(staging)
    assert manifest["status"] == "interrupted"
    assert 3 <= manifest["counts"]["files"] < corpus.files
    counts = manifest["counts"]
    assert (
        len(pd.read_parquet(staging / "tables.parquet")) == counts["tables"] + counts["duplicates"]
    )


# --- time limits and crashes ---------------------------------------------------------------


@pytest.fixture
def misbehaving(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files named *hang* never finish, files named *crash* kill their process."""
    original = jixiao.pipeline.runner.read_file

    def read_file(data: bytes, *, name: str, **options):  # type: ignore[no-untyped-def]
        if "hang" in name:
            time.sleep(60)
        if "crash" in name:
            faulthandler.disable()  # no traceback dump from the child
            os.kill(os.getpid(), signal.SIGSEGV)
        return original(data, name=name, **options)

    monkeypatch.setattr(jixiao.pipeline.runner, "read_file", read_file)


@pytest.mark.usefixtures("misbehaving")
@pytest.mark.parametrize("workers", [1, 2])
def test_a_hung_or_crashed_file_becomes_one_file_error_row(tmp_path: Path, workers: int) -> None:
    corpus = _small(tmp_path)
    good = corpus.root / "2020" / "部门00" / "0000_自评表.txt"
    (corpus.root / "hang.txt").write_bytes(good.read_bytes())
    (corpus.root / "crash.txt").write_bytes(good.read_bytes())
    started = time.monotonic()
    result = run_batch(
        discover([corpus.root]),
        POLICIES,
        tmp_path / "out",
        BatchSettings(workers=workers, file_timeout=1),
    )
    assert time.monotonic() - started < 20
    status = {r.path: r.status for r in result.failed}
    assert status == {"hang.txt": "timeout", "crash.txt": "crashed"}
    problems = pd.read_parquet(tmp_path / "out" / "problems.parquet").set_index("source_file")
    assert problems.loc["hang.txt", "code"] == "file_error"
    assert "超时" in problems.loc["hang.txt", "message"]
    assert "1 秒" in problems.loc["hang.txt", "message"]
    assert "SIGSEGV" in problems.loc["crash.txt", "message"]
    assert len(pd.read_parquet(tmp_path / "out" / "tables.parquet")) == 24


@pytest.mark.usefixtures("misbehaving")
def test_a_timed_out_file_is_retried_only_under_a_longer_limit(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "in", text_files=2, pdf_copies=0, broken=False)
    (corpus.root / "hang.txt").write_text("x", encoding="utf-8")
    files, out = discover([corpus.root]), tmp_path / "out"
    _batch(files, out, file_timeout=0.5)
    same = _batch(files, out, file_timeout=0.5, resume=True)
    assert same.reused == 3
    longer = _batch(files, out, file_timeout=1.0, resume=True)
    assert [r.path for r in longer.records if not r.reused] == ["hang.txt"]


# --- exports -------------------------------------------------------------------------------


def test_xlsx_has_a_sheet_per_frame_with_frozen_header_and_highlighted_problems(
    corpus: Corpus, tmp_path: Path
) -> None:
    args = [
        "run",
        str(corpus.root),
        "-o",
        str(tmp_path),
        "-f",
        "xlsx",
        "-q",
        "--include",
        "broken/*",
    ]
    args += ["--include", "pdf/*"]
    assert CliRunner().invoke(main, args).exit_code == 1
    written = {p.name for p in tmp_path.iterdir()}
    assert {"manifest.json", "parts", "results.xlsx"} <= written
    assert not [n for n in written if n.endswith((".csv", ".parquet"))]
    book = openpyxl.load_workbook(tmp_path / "results.xlsx")
    assert book.sheetnames == [*FRAME_NAMES, "projects", "series", "departments"]
    problems = book["problems"]
    assert problems.freeze_panes == "A2"
    assert [c.value for c in problems[1]] == list(SCHEMA["problems"])
    assert problems.max_row == 1 + _manifest(tmp_path)["counts"]["problems"]
    rules = [r.formula[0] for cf in problems.conditional_formatting for r in cf.rules]
    severity = openpyxl.utils.get_column_letter(list(SCHEMA["problems"]).index("severity") + 1)
    assert f'${severity}2="error"' in rules
    assert book["tables"].column_dimensions["A"].width > 10


def test_zh_labels_name_every_column_in_every_format(corpus: Corpus, tmp_path: Path) -> None:
    args = ["run", str(corpus.root / "pdf"), "-o", str(tmp_path), "-q", "--labels", "zh"]
    args += ["-f", "csv", "-f", "parquet", "-f", "xlsx"]
    assert CliRunner().invoke(main, args).exit_code == 0
    zh = list(COLUMNS_ZH["tables"].values())
    assert pd.read_csv(tmp_path / "tables.csv", encoding="utf-8-sig").columns.tolist() == zh
    assert pd.read_parquet(tmp_path / "tables.parquet").columns.tolist() == zh
    book = openpyxl.load_workbook(tmp_path / "results.xlsx", read_only=True)
    sheets = ["自评表", "项目资金", "绩效指标", "问题", "项目逐年", "指标逐年", "部门汇总"]
    assert book.sheetnames == sheets
    assert next(book["自评表"].iter_rows(max_row=1, values_only=True)) == tuple(zh)


@pytest.mark.parametrize("frame", FRAME_NAMES)
def test_every_column_has_a_unique_chinese_label(frame: str) -> None:
    labels = COLUMNS_ZH[frame]
    assert list(labels) == list(SCHEMA[frame])
    assert len(set(labels.values())) == len(labels)


# --- options -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [["--workers", "0"], ["--file-timeout", "-1"], ["--labels", "fr"], ["--format", "xls"]],
    ids=["workers-0", "negative-timeout", "labels-fr", "format-xls"],
)
def test_bad_batch_options_are_usage_errors(tmp_path: Path, args: list[str]) -> None:
    result = CliRunner().invoke(main, ["run", str(tmp_path), "-o", str(tmp_path / "o"), *args])
    assert result.exit_code == 2


def test_globs_that_leave_no_file_are_a_usage_error(corpus: Corpus, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["run", str(corpus.root), "-o", str(tmp_path), "--include", "*.xyz"]
    )
    assert result.exit_code == 2
    assert "--include/--exclude" in result.output


def test_progress_bar_shows_files_tables_problems_and_failures(
    capsys: pytest.CaptureFixture[str],
) -> None:
    bar = BarProgress()
    reused = FileRecord("r.txt", "tsv", "", 0, 0, "ok", 1, 5, 1, 0.1, None, reused=True)
    bar.start(4, [reused], "2 workers")
    for status in ("ok", "failed"):
        bar.advance(FileRecord("a.txt", "tsv", "", 0, 0, status, 3, 20, 2, 0.1, None))
    bar.finish()
    err = capsys.readouterr().err
    assert "3/4" in err
    assert "7 tables, 5 problems, 1 failed" in err  # the reused file's tables count too


@pytest.mark.parametrize(
    "given",
    [Path("/in/2024/a.pdf"), "/in/2024/a.pdf", "/in//2024/./a.pdf", Path("/in//2024/a.pdf")],
    ids=["path", "text", "text-unnormalized", "path-unnormalized"],
)
def test_an_input_file_keeps_its_path_as_text_and_gives_a_path(given: str | Path) -> None:
    """An input file holds its path as text (a run holds every input file: #26) and is the same
    file however its path was spelled; ``path`` is a Path, and the file pickles (workers)."""
    file = InputFile(given, "2024/a.pdf")
    assert file.location == "/in/2024/a.pdf"
    assert isinstance(file.path, Path)
    assert file.path == Path("/in/2024/a.pdf")
    assert file == InputFile(Path("/in/2024/a.pdf"), "2024/a.pdf")
    assert hash(file) == hash(InputFile("/in/2024/a.pdf", "2024/a.pdf"))
    assert pickle.loads(pickle.dumps(file)) == file
    assert file.kind == "pdf"


@pytest.mark.parametrize("root", [".", "in", "in/", "./in", "{tmp}/in", "{tmp}//in/."])
def test_discovered_files_are_written_as_a_path_writes_them(
    root: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Discovery makes no Path a file (#26: their interned names): each file's location is the
    text a Path of it writes, and its resolved path finds copies, however the root was spelled;
    a link to a file is the same file (the shorter name kept)."""
    (tmp_path / "in" / "2024").mkdir(parents=True)
    for name in ("a.pdf", "2024/b.TXT", "2024/c.docx"):
        (tmp_path / "in" / name).write_text("x", encoding="utf-8")
    (tmp_path / "in" / "2024" / "d.pdf").symlink_to(tmp_path / "in" / "a.pdf")
    monkeypatch.chdir(tmp_path / "in" if root == "." else tmp_path)
    files = discover([Path(root.format(tmp=tmp_path))])
    assert [f.name for f in files] == ["2024/b.TXT", "2024/c.docx", "a.pdf"]
    for file in files:
        assert file.location == str(Path(file.location))
        assert file == InputFile(Path(file.location), file.name)
        assert file.path.resolve() == (tmp_path / "in" / file.name).resolve()
