"""The same run on a Dask LocalCluster (loopback, one worker process) gives the same outputs."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from jixiao.batch.cluster import _results, files_to_chunks, map_on_dask
from jixiao.batch.pool import Reader
from jixiao.cli.main import main
from jixiao.pipeline.runner import InputFile
from jixiao.score import FRAME_NAMES, load_policy
from tests.conftest import FIXTURES
from tests.test_batch_corpus import make_corpus

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():  # type: ignore[no-untyped-def]
    with distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        host="127.0.0.1",
    ) as local:
        yield local


def test_dask_run_gives_the_same_outputs_as_the_local_run(cluster, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    corpus = make_corpus(tmp_path / "in", text_files=12, pdf_copies=1)
    local, dask = tmp_path / "local", tmp_path / "dask"
    runner = CliRunner()
    ran_local = runner.invoke(main, ["run", str(corpus.root), "-o", str(local), "-j", "2"])
    ran_dask = runner.invoke(
        main, ["run", str(corpus.root), "-o", str(dask), "--scheduler", cluster.scheduler_address]
    )
    assert (ran_local.exit_code, ran_dask.exit_code) == (1, 1), ran_dask.output
    assert "Dask cluster at tcp://127.0.0.1" in ran_dask.output
    for name in FRAME_NAMES:
        pd.testing.assert_frame_equal(
            pd.read_parquet(dask / f"{name}.parquet"), pd.read_parquet(local / f"{name}.parquet")
        )
        assert (dask / f"{name}.csv").read_bytes() == (local / f"{name}.csv").read_bytes()
    manifest = json.loads((dask / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["settings"]["scheduler"] == cluster.scheduler_address
    assert manifest["counts"]["files"] == corpus.files
    assert manifest["counts"]["files_failed"] == len(corpus.failed)


def test_dask_resume_reads_only_the_new_file(cluster, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    corpus = make_corpus(tmp_path / "in", text_files=6, pdf_copies=0, broken=False)
    out = tmp_path / "out"
    args = ["run", str(corpus.root), "-o", str(out), "--scheduler", cluster.scheduler_address]
    assert CliRunner().invoke(main, args).exit_code == 0
    (corpus.root / "new.txt").write_bytes(
        (corpus.root / "2020/部门00/0000_自评表.txt").read_bytes()
    )
    again = CliRunner().invoke(main, [*args, "--resume"])
    assert again.exit_code == 0, again.output
    assert "files:      7 read, 0 failed, 6 unchanged" in again.output


POLICIES = (load_policy("national"),)


@pytest.mark.parametrize("name", ["pdf/lo_seed.pdf", "synthetic/002_short.txt"])
def test_dask_task_brings_the_report_material_a_local_worker_makes(cluster, name: str) -> None:  # type: ignore[no-untyped-def]
    file = InputFile((FIXTURES / name).absolute(), name)
    [result] = map_on_dask([file], POLICIES, scheduler=cluster.scheduler_address, time_limit=None)
    local = Reader(POLICIES, material=True)(file)
    assert local.material is not None
    assert result.material == local.material


def test_dask_task_without_material_brings_none(cluster) -> None:  # type: ignore[no-untyped-def]
    file = InputFile((FIXTURES / "pdf/lo_seed.pdf").absolute(), "lo_seed.pdf")
    [result] = map_on_dask(
        [file], POLICIES, scheduler=cluster.scheduler_address, time_limit=None, material=False
    )
    assert (result.tables, result.material) == (6, None)


def test_dask_worker_loads_the_pdf_reader_itself_not_in_each_child(cluster) -> None:  # type: ignore[no-untyped-def]
    """The child forked per file finds the PDF libraries loaded (as local workers do)."""
    file = InputFile((FIXTURES / "pdf/lo_seed.pdf").absolute(), "lo_seed.pdf")
    list(map_on_dask([file], POLICIES, scheduler=cluster.scheduler_address, time_limit=None))
    with distributed.Client(cluster.scheduler_address, set_as_default=False) as client:
        loaded = client.run(lambda: "jixiao.extract.readers.pdf.reader" in sys.modules)
    assert set(loaded.values()) == {True}


@pytest.mark.parametrize(
    ("files", "threads", "sizes"),
    [
        pytest.param(0, 2, [], id="no-files"),
        pytest.param(3, 2, [1, 1, 1], id="few-files-one-a-task"),
        pytest.param(20, 1, [5, 3, 3, 2, 1, 1, 1, 1, 1, 1, 1], id="one-thread"),
        pytest.param(
            200, 8, [6] * 2 + [5] * 6 + [4] * 8 + [3] * 11 + [2] * 15 + [1] * 63, id="eight-threads"
        ),
    ],
)
def test_files_go_in_tasks_in_order_the_last_ones_alone(
    files: int, threads: int, sizes: list[int]
) -> None:
    chunks = files_to_chunks(list(range(files)), threads)
    assert [len(c) for c in chunks] == sizes
    assert [f for c in chunks for f in c] == list(range(files))


def test_many_files_go_eight_a_task() -> None:
    sizes = [len(c) for c in files_to_chunks(list(range(500)), threads=2)]
    assert (sizes[:55], max(sizes), sum(sizes)) == ([8] * 55, 8, 500)


class _LostTask:
    """A future whose worker died."""

    def result(self) -> None:
        raise OSError("worker lost")


def test_a_task_the_cluster_lost_is_a_crashed_file_each() -> None:
    text = (FIXTURES / "synthetic/002_short.txt").absolute()
    files = [InputFile(text, "a.txt"), InputFile(text, "b.txt")]
    results = _results(_LostTask(), files)
    assert [(r.file.name, r.status, r.size > 0) for r in results] == [
        ("a.txt", "crashed", True),
        ("b.txt", "crashed", True),
    ]
