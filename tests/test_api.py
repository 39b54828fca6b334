"""The Python API: jixiao.read gives the frames jixiao run writes, and fails clearly."""

from __future__ import annotations

import errno
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import jixiao
from jixiao.cli import main
from jixiao.core.errors import InputNotFoundError, NoInputsError, PolicyError
from jixiao.model.frames import OUTPUT_NAMES
from jixiao.score import FRAME_NAMES
from tests.conftest import ROOT

SEED = ROOT / "fixtures" / "seed"


@pytest.fixture(scope="module")
def seed_result() -> jixiao.Result:
    return jixiao.read(SEED, policy="auto")


@pytest.fixture(scope="module")
def seed_run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run")
    result = CliRunner().invoke(main, ["run", str(SEED), "-o", str(out), "-p", "auto", "-q"])
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("name", OUTPUT_NAMES)  # the four frames and the panel
def test_read_gives_the_frames_that_run_writes(
    seed_result: jixiao.Result, seed_run_dir: Path, name: str
) -> None:
    written = pd.read_parquet(seed_run_dir / f"{name}.parquet")
    pd.testing.assert_frame_equal(getattr(seed_result, name), written)


def test_read_takes_files_directories_and_a_list(seed_result: jixiao.Result) -> None:
    one_file = jixiao.read(next(SEED.glob("*.txt")), policy="auto")
    listed = jixiao.read([str(SEED)], policy="auto")
    pd.testing.assert_frame_equal(one_file.indicators, seed_result.indicators)
    pd.testing.assert_frame_equal(listed.tables, seed_result.tables)
    assert [r.file.name for r in seed_result.files] == ["000_a203d4b834672a09.txt"]


def test_to_dir_writes_what_run_writes(
    seed_result: jixiao.Result, seed_run_dir: Path, tmp_path: Path
) -> None:
    written = seed_result.to_dir(tmp_path, formats=["csv"])
    assert sorted(p.name for p in written) == sorted(
        [*(f"{name}.csv" for name in OUTPUT_NAMES), "report.html"]
    )
    for name in OUTPUT_NAMES:  # the four frames and the panel
        ours = (tmp_path / f"{name}.csv").read_bytes()
        assert ours == (seed_run_dir / f"{name}.csv").read_bytes(), name


@pytest.mark.parametrize(
    ("paths", "message"),
    [
        pytest.param("no/such/dir", "no such file or directory: no/such/dir", id="missing"),
        pytest.param(
            ROOT / "jixiao" / "report" / "templates",  # docs/ holds an input: report.png
            r"no \.doc, .*\.pdf, .*\.png, .*\.xlsx files found",
            id="no-inputs",
        ),
    ],
)
def test_read_without_inputs_says_why(paths: object, message: str) -> None:
    with pytest.raises(NoInputsError, match=message):
        jixiao.read(paths)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("paths", "missing"),
    [
        pytest.param("no/such/dir", ("no/such/dir",), id="one"),
        pytest.param([SEED, "nope.pdf", "gone"], ("nope.pdf", "gone"), id="some-of-several"),
    ],
)
def test_a_missing_path_is_a_file_not_found_error(paths: object, missing: tuple[str, ...]) -> None:
    """As ``pandas.read_csv`` and ``pdfplumber.open`` raise for a missing path; still a
    NoInputsError for code that catches that."""
    with pytest.raises(FileNotFoundError) as caught:
        jixiao.read(paths)  # type: ignore[arg-type]
    error = caught.value
    assert isinstance(error, InputNotFoundError)
    assert isinstance(error, NoInputsError)
    assert (error.errno, error.filename, error.paths) == (errno.ENOENT, missing[0], missing)
    assert str(error) == f"no such file or directory: {', '.join(missing)}"


def test_a_missing_input_on_the_command_line_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["run", "no/such/dir", "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "Path 'no/such/dir' does not exist" in result.output


def test_result_repr_is_counts_not_frames(fixtures_read: jixiao.Result) -> None:
    """A notebook prints the counts, as a DataFrame's shape, not four frames (309 KB before)."""
    result = fixtures_read
    failed = sum(f.status != "ok" for f in result.files)
    assert repr(result) == (
        f"<Result: {len(result.files)} files ({failed} failed), {len(result.tables)} tables, "
        f"{len(result.funds)} fund rows, {len(result.indicators)} indicators, "
        f"{len(result.problems)} problems>"
    )
    assert failed > 0


def test_read_with_an_unknown_policy_is_a_policy_error() -> None:
    with pytest.raises(PolicyError):
        jixiao.read(SEED, policy="no-such-policy")


def test_the_command_line_starts_without_the_readers_or_their_libraries() -> None:
    """``jixiao --help`` stays quick: the command line loads the readers' registry and
    settings, never the layout reader, the normalizer or a reader's libraries."""
    heavy = ("jixiao.extract.layout", "jixiao.normalize", "jixiao.extract.readers.text")
    libraries = ("pandas", "pyarrow", "pypdfium2", "pdfplumber", "opencc", "regex", "numpy")
    code = (
        "import sys, jixiao.cli.main; "
        f"print(sorted(m for m in sys.modules if m.startswith({heavy + libraries!r})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_importing_jixiao_loads_no_stage() -> None:
    code = (
        "import sys, jixiao; "
        "print(sorted(m for m in sys.modules if m.startswith(('pandas', 'jixiao.'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- jixiao.open: one file to look into -----------------------------------------------------------

PDF = ROOT / "fixtures" / "pdf"
SEED_FILE = SEED / "000_a203d4b834672a09.txt"


@pytest.mark.parametrize(
    "name",
    ["seed/000_a203d4b834672a09.txt", "pdf/lo_seed.pdf", "office/seed.xlsx", "office/seed.docx"],
)
def test_open_gives_the_rows_that_read_gives(name: str) -> None:
    path = ROOT / "fixtures" / name
    result = jixiao.read(path)
    with jixiao.open(path) as doc:
        for frame in FRAME_NAMES:
            pd.testing.assert_frame_equal(getattr(doc.frames, frame), getattr(result, frame))
        assert len(doc.tables) == len(result.tables)
        assert doc.table_ids == tuple(result.tables["table_id"])
        assert doc.problems is doc.frames.problems


def test_open_keeps_every_grid_and_the_tables_read_from_them() -> None:
    with jixiao.open(SEED_FILE) as doc:
        assert len(doc.grids) == len(doc.tables) == 6
        first = doc.tables[0]
        assert first.project_name is not None
        assert first.project_name.source.line is not None
        assert doc.pane(1).lines  # a text table's source pane: its lines


def test_open_a_pdf_renders_while_open_and_not_after() -> None:
    doc = jixiao.open(PDF / "lo_seed.pdf")
    assert doc.pages == 6
    [crop] = doc.pane(1).crops
    assert crop.png.startswith(b"\x89PNG")
    image = doc.show(table=2)
    assert not isinstance(image, str)
    assert image.width > 500
    doc.close()
    assert "无法渲染" in doc.pane(1).note


def test_open_shows_a_text_table_as_text() -> None:
    with jixiao.open(SEED_FILE) as doc:
        text = doc.show(table=2)
    assert isinstance(text, str)
    assert text.startswith("table #2: reader=tsv")
    with jixiao.open(SEED_FILE) as doc, pytest.raises(IndexError, match="has 6 自评表"):
        doc.show(table=7)


def test_open_a_missing_file_is_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        jixiao.open(tmp_path / "nothing.pdf")


def test_open_a_damaged_pdf_is_a_document_with_its_problem() -> None:
    with jixiao.open(PDF / "damaged.pdf") as doc:
        assert doc.grids == ()
        assert doc.tables == ()
        assert list(doc.problems["code"]) == ["unreadable_pdf"]
        assert repr(doc) == "<Document damaged.pdf: pdf, 0 grids, 0 自评表, 1 problems>"


def test_the_package_exports_the_api() -> None:
    import jixiao.api  # noqa: PLC0415 - the package loads it lazily; compare with it

    assert jixiao.run is jixiao.api.run
    assert jixiao.open is jixiao.api.open
    assert jixiao.Document is jixiao.api.Document
