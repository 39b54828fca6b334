"""Runs that never hurt the user's files (issue #25): an output folder inside the inputs is not
read, files jixiao did not write stay, a folder that cannot be written stops the run before
anything changes, and a run is switched in whole (jixiao.batch.commit)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from jixiao.batch.commit import STAGING_MARK, RunFolders, recover, run_files, switch_run
from jixiao.batch.run import BatchSettings, run_batch
from jixiao.cli.main import main
from jixiao.core.errors import OutputError
from jixiao.pipeline.discover import Filters, discover
from jixiao.score import load_policy
from tests.conftest import FIXTURES, SEED

POLICIES = (load_policy("national"),)
TEXTS = (SEED, FIXTURES / "synthetic" / "001_synthetic.txt")


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for text in TEXTS:
        shutil.copy(text, folder / text.name)
    return folder


def _run(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["run", *map(str, args), "-q", "-j", "1"])
    return result.exit_code, result.output


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file under a folder with its bytes (a folder's whole state)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _manifest(folder: Path) -> dict[str, object]:
    data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


# -- 1. an output folder inside the inputs ----------------------------------------------------


def test_output_folder_inside_the_inputs_is_not_read_on_the_next_run(inputs: Path) -> None:
    out = inputs / "out"
    assert _run(inputs, "-o", out)[0] == 0
    code, output = _run(inputs, "-o", out)
    assert code == 0, output
    assert [f["path"] for f in _manifest(out)["files"]] == sorted(t.name for t in TEXTS)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("manifest", "found"),
    [
        ('{\n  "jixiao_version": "0.1.0",\n  "status": "complete"}', []),
        ('{"name": "someone else\'s manifest"}', ["sub/report.html"]),
    ],
    ids=["jixiao-manifest", "other-manifest"],
)
def test_a_folder_holding_a_jixiao_manifest_is_not_searched(
    tmp_path: Path, manifest: str, found: list[str]
) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "manifest.json").write_text(manifest, encoding="utf-8")
    (tmp_path / "sub" / "report.html").write_text("<p>a report</p>", encoding="utf-8")
    shutil.copy(SEED, tmp_path / "a.txt")
    names = [f.name for f in discover([tmp_path])]
    assert names == ["a.txt", *found]


def test_the_output_folder_given_is_skipped_before_it_holds_a_manifest(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "results.xlsx").write_bytes(b"PK")
    shutil.copy(SEED, tmp_path / "a.txt")
    assert [f.name for f in discover([tmp_path], Filters(skip=(tmp_path / "out",)))] == ["a.txt"]


@pytest.mark.parametrize("out", [".", "sub"], ids=["the-input-folder", "a-folder-above-it"])
def test_an_output_folder_holding_the_inputs_is_a_usage_error(inputs: Path, out: str) -> None:
    target = inputs if out == "." else inputs.parent
    before = _tree(inputs)
    code, output = _run(inputs, "-o", target)
    assert code == 2
    assert "holds the input" in output
    assert _tree(inputs) == before


def test_run_batch_refuses_an_output_folder_holding_an_input(inputs: Path) -> None:
    with pytest.raises(OutputError, match="holds the input"):
        run_batch(discover([inputs]), POLICIES, inputs, BatchSettings(workers=1))


def test_an_output_folder_holding_the_current_folder_is_refused(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "o"
    (out / "sub").mkdir(parents=True)
    monkeypatch.chdir(out / "sub")
    code, output = _run(inputs, "-o", out)
    assert code == 2
    assert "the current folder is in the output directory" in output
    assert _tree(out) == {}


# -- 2. files jixiao did not write ------------------------------------------------------------


def test_files_jixiao_did_not_write_stay_in_the_output_folder(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "o"
    (out / "parts" / "mine").mkdir(parents=True)
    (out / "parts" / "mine" / "notes.txt").write_text("x", encoding="utf-8")
    (out / "notes.md").write_text("my notes", encoding="utf-8")
    for _ in range(2):
        code, output = _run(inputs, "-o", out)
        assert code == 0, output
        assert (out / "parts" / "mine" / "notes.txt").read_text(encoding="utf-8") == "x"
        assert (out / "notes.md").read_text(encoding="utf-8") == "my notes"
        assert (out / "tables.csv").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "o"]  # nothing left beside


def test_only_the_files_a_manifest_lists_are_removed(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "o"
    assert _run(inputs, "-o", out)[0] == 0
    first = {p for f in _manifest(out)["files"] for p in f["parts"].values()}  # type: ignore[attr-defined]
    stray = next(iter(first)).rsplit("/", 1)[0] + "/stray.parquet"
    (out / stray).write_bytes(b"not jixiao's")
    assert _run(inputs, "-o", out)[0] == 0
    second = {p for f in _manifest(out)["files"] for p in f["parts"].values()}  # type: ignore[attr-defined]
    assert first.isdisjoint(second)  # a run that does not resume writes new parts …
    assert not any((out / p).exists() for p in first)  # … and the old ones are gone
    assert (out / stray).read_bytes() == b"not jixiao's"


@pytest.mark.parametrize("name", ["tables.csv", "report.html", "manifest.json"])
def test_a_file_jixiao_did_not_write_at_an_output_name_stops_the_run(
    inputs: Path, tmp_path: Path, name: str
) -> None:
    out = tmp_path / "o"
    out.mkdir()
    (out / name).write_text("mine", encoding="utf-8")
    code, output = _run(inputs, "-o", out)
    assert code == 2
    assert f"{out / name} was not written by jixiao" in output
    assert _tree(out) == {name: b"mine"}


def test_a_file_that_cannot_move_back_is_named_in_a_warning(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "o"
    run_batch(discover([inputs]), POLICIES, out, BatchSettings(workers=1))
    (out / "notes.txt").write_text("mine", encoding="utf-8")

    def also_notes(staging: Path, _result: object) -> None:
        (staging / "notes.txt").write_text("the new run's", encoding="utf-8")

    result = run_batch(
        discover([inputs]), POLICIES, out, BatchSettings(workers=1), before_switch=also_notes
    )
    [warning] = result.warnings
    kept = tmp_path / ".o.jixiao-old"
    assert f"kept {kept}" in warning
    assert "notes.txt" in warning
    assert _tree(kept) == {"notes.txt": b"mine"}
    assert (out / "notes.txt").read_text(encoding="utf-8") == "the new run's"
    # the next run tries again, and sets the folder aside (its name is needed for the switch)
    again = run_batch(discover([inputs]), POLICIES, out, BatchSettings(workers=1))
    [aside] = [p for p in tmp_path.iterdir() if p.name.startswith(".o.jixiao-old-")]
    assert [w.split(":")[0] for w in again.warnings] == [f"kept {aside}"]
    assert _tree(aside) == {"notes.txt": b"mine"}
    assert not kept.exists()


# -- 3. a folder that cannot be written -------------------------------------------------------


def _can_bind_mount() -> bool:
    if shutil.which("unshare") is None or os.geteuid() != 0:
        return False
    return subprocess.run(["unshare", "-m", "true"], check=False).returncode == 0


def _read_only(folder: Path, method: str, command: list[str]) -> subprocess.CompletedProcess[str]:
    """Run ``command`` with ``folder`` read-only: chmod (not as root, where it stops nothing)
    or a read-only bind mount in a mount namespace of its own (as root)."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    if method == "chmod":
        folder.chmod(0o555)
        try:
            return subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        finally:
            folder.chmod(0o755)
    script = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" "$0" && exec "$@"'
    return subprocess.run(
        ["unshare", "-m", "sh", "-c", script, str(folder), *command],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


READ_ONLY_METHODS = [
    pytest.param(
        "chmod",
        marks=pytest.mark.skipif(os.geteuid() == 0, reason="root writes through chmod 555"),
    ),
    pytest.param(
        "bind-mount",
        marks=pytest.mark.skipif(not _can_bind_mount(), reason="needs root and unshare -m"),
    ),
]


@pytest.mark.parametrize("folder", ["parts", "."], ids=["parts", "the-output-folder"])
@pytest.mark.parametrize("method", READ_ONLY_METHODS)
def test_a_read_only_folder_stops_the_run_cleanly_and_keeps_the_last_run(
    inputs: Path, tmp_path: Path, method: str, folder: str
) -> None:
    out = tmp_path / "o"
    assert _run(inputs, "-o", out)[0] == 0
    before = _tree(out)
    command = [sys.executable, "-m", "jixiao", "run", str(inputs), "-o", str(out), "-q"]
    done = _read_only(out / folder, method, command)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    where = f"the output directory {out}" if folder == "." else str(out / folder)
    assert f"cannot write to {where}: Read-only file system" in done.stderr
    assert _tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "o"]


# -- the switch -------------------------------------------------------------------------------


def test_a_run_is_written_beside_the_output_folder_and_switched_in(
    inputs: Path, tmp_path: Path
) -> None:
    out = tmp_path / "o"
    run_batch(discover([inputs]), POLICIES, out, BatchSettings(workers=1))
    before = _tree(out)
    seen: dict[str, object] = {}

    def look(staging: Path, _result: object) -> None:
        seen["staging"] = staging
        seen["out then"] = _tree(out)
        seen["staged"] = sorted(p.name for p in staging.iterdir())

    run_batch(discover([inputs]), POLICIES, out, BatchSettings(workers=1), before_switch=look)
    assert seen["staging"] == tmp_path / ".o.jixiao-new"
    assert seen["out then"] == before  # the last run untouched until the switch
    assert STAGING_MARK in seen["staged"]  # type: ignore[operator]
    assert "tables.csv" in seen["staged"]  # type: ignore[operator]
    assert not (out / STAGING_MARK).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "o"]


def _two_runs(inputs: Path, tmp_path: Path) -> tuple[RunFolders, dict[str, bytes]]:
    """A complete run in o, and a second one staged but not switched in."""
    out = tmp_path / "o"
    run_batch(discover([inputs]), POLICIES, out, BatchSettings(workers=1))
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    staged: dict[str, bytes] = {}

    def stop(staging: Path, _result: object) -> None:
        staged.update(_tree(staging))
        raise KeyboardInterrupt  # as a kill would, just before the switch

    with pytest.raises(KeyboardInterrupt):
        run_batch(discover([inputs]), POLICIES, out, BatchSettings(workers=1), before_switch=stop)
    return RunFolders.of(out), staged


@pytest.mark.parametrize(
    "killed_after",
    ["nothing", "exchange", "first-rename", "both-renames"],
)
def test_a_switch_killed_at_any_step_is_finished_by_the_next_run(
    inputs: Path, tmp_path: Path, killed_after: str
) -> None:
    folders, staged = _two_runs(inputs, tmp_path)
    out, staging, old = folders.out, folders.staging, folders.old
    last = _tree(out)
    if killed_after == "exchange":
        staging.rename(tmp_path / "swap")
        out.rename(staging)
        (tmp_path / "swap").rename(out)
    elif killed_after == "first-rename":
        out.rename(old)
    elif killed_after == "both-renames":
        out.rename(old)
        staging.rename(out)
    recover(folders)
    expected = last if killed_after == "nothing" else staged
    assert {k: v for k, v in _tree(out).items() if k != "notes.txt"} == {
        k: v for k, v in expected.items() if k not in (STAGING_MARK, "notes.txt")
    }
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert not old.exists()
    assert staging.exists() == (killed_after == "nothing")  # kept for --resume


def test_run_files_are_what_the_manifest_and_journal_list(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "o"
    run_batch(discover([inputs]), POLICIES, out, BatchSettings(workers=1))
    (out / "mine.txt").write_text("x", encoding="utf-8")
    files = run_files(out)
    assert {"manifest.json", "tables.csv", "parts/journal.jsonl", "report.html"} <= files
    assert "mine.txt" not in files
    assert {p.relative_to(out).as_posix() for p in out.rglob("*.parquet")} <= files
    assert run_files(tmp_path / "in") == frozenset()


def test_switch_into_a_missing_output_folder_is_a_rename(inputs: Path, tmp_path: Path) -> None:
    folders = RunFolders.of(tmp_path / "new" / "o")
    folders.staging.mkdir(parents=True)
    (folders.staging / STAGING_MARK).touch()
    (folders.staging / "tables.csv").write_text("t", encoding="utf-8")
    assert switch_run(folders) == []
    assert _tree(folders.out) == {"tables.csv": b"t"}


def test_a_report_that_cannot_be_written_leaves_the_last_run_whole(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """report.html is written into the staging folder and switched in with the run: a fault
    while it is written leaves the previous run, its report included."""
    out = tmp_path / "o"
    assert _run(inputs, "-o", out)[0] == 0
    before = _tree(out)
    assert "report.html" in before

    def broken(*args: object, **kwargs: object) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("jixiao.report.build.write_batch_report", broken)
    (inputs / "more.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    code, output = _run(inputs, "-o", out)
    assert code == 2, output
    assert _tree(out) == before
