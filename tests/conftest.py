"""Shared fixtures (paths of the bundled sample files), and the stage marker of every test.

Every collected test gets the marker of the stage it tests, from the file it lives in: a test
file by :data:`TEST_STAGES`, a doctest by the folder or module of the package it sits in
(:data:`MODULE_STAGES`, the deepest entry wins). ``pytest -m pdf`` runs one stage. A test file
that is not in :data:`TEST_STAGES` stops the collection with a message saying where to add it:
a default stage would put a slow new file into the fast loop, or a fast one out of it, unseen.

A test that uses one of :data:`SLOW_FIXTURES` is marked ``slow``. The quick
stages (:data:`FAST_STAGES`) and every doctest also get ``fast``, unless marked ``slow``:
``pytest -m fast`` is the loop to run while working (under a minute on two cores).

Hypothesis runs without its per-example deadline (the "jixiao" profile): no test is timed.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest
from hypothesis import settings

import jixiao
import jixiao.api

# Property tests are not timed: hypothesis' default deadline (200 ms an example) fails a test on
# a busy machine (CI on two cores, `-n 2`) with nothing wrong in the code; speed is bench/'s.
settings.register_profile("jixiao", deadline=None)
settings.load_profile("jixiao")

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "seed" / "000_a203d4b834672a09.txt"


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


FIXTURES = ROOT / "fixtures"


@pytest.fixture(scope="session")
def fixtures_read() -> jixiao.api.Result:
    """Every bundled fixture read once (text, PDF, families, broken files), national policy."""
    return jixiao.read(FIXTURES)


# -- stage markers ---------------------------------------------------------------------------------

#: The stage each test file tests (the markers are registered, with their meaning, in
#: pyproject.toml). A new test file goes here.
TEST_STAGES = {
    "test_problems.py": "core",
    "test_keys.py": "normalize",  # project and indicator keys (#27)
    "test_duplicates.py": "score",  # the same table read twice, near copies (#27)
    "test_duplicates_digest.py": "score",  # the check by digest finds the same (#26)
    "test_panel.py": "pipeline",  # two forms, three years: duplicates, keys, flags (#27)
    "test_normalize_actual.py": "normalize",
    "test_normalize_compare.py": "normalize",
    "test_normalize_numbers.py": "normalize",
    "test_normalize_properties.py": "normalize",
    "test_normalize_target.py": "normalize",
    "test_normalize_text.py": "normalize",
    "test_layout.py": "layout",
    "test_columns.py": "layout",
    "test_extract_text.py": "layout",
    "test_text_stream.py": "pipeline",  # text read as a stream (#25): a 12 MB file, ~5 s
    "test_families.py": "layout",
    "test_pdf_extract.py": "pdf",
    "test_pdf_families.py": "pdf",
    "test_pdf_fast.py": "pdf",
    "test_pdf_fonts.py": "pdf",
    "test_pdf_fonts_hidden.py": "pdf",
    "test_pdf_playa.py": "pdf",  # characters from the PDF alone, read by PLAYA (#26)
    "test_pdf_ruling.py": "pdf",  # cells from ruling without pdfplumber, held to its finder (#26)
    "test_pdf_scan_text.py": "pdf",  # the page scan's shortcuts against the plain rules (#26)
    "test_pdf_chars.py": "pdf",  # PDFium's characters against a plain reading (#26, round 4)
    "test_pdf_pages_once.py": "pdf",  # a table page not loaded again for its crops (#26)
    "test_pdf_render_ahead.py": "pdf",  # page images rendered in a forked child (#26, round 5)
    "test_pdf_pages_ahead.py": "pdf",  # pages read on two cores (#26, round 6)
    "test_report_template_cache.py": "report",  # templates compiled once (#26, round 6)
    "test_cli_program.py": "cli",  # the process ends without teardown (#26, round 6)
    "test_batch_collections.py": "batch",  # collections while the parent waits (#26)
    "test_batch_beside.py": "batch",  # the report beside the combined outputs (#26)
    "test_labels_simplified.py": "normalize",  # labels converted once (#26, round 6)
    "test_pdf_frames.py": "pdf",
    "test_pdf_join.py": "pdf",
    "test_pdf_split_anywhere.py": "pdf",
    "test_wrapped_titles.py": "pdf",
    "test_scan.py": "scan",
    "test_scan_frames.py": "scan",
    "test_extract_documents.py": "office",
    "test_office_frames.py": "office",
    "test_score_checks.py": "score",
    "test_messages.py": "score",  # what the problem messages say (#25)
    "test_score_real.py": "score",
    "test_score_rules.py": "score",
    "test_score_variants.py": "score",
    "test_policy_auto_planted.py": "score",  # planted errors stay findings under auto (#29)
    "test_policy_auto_trials.py": "score",  # a table scored once under a policy (#26, round 5)
    "test_seed_golden.py": "score",
    "test_real_tables.py": "real",
    "test_variants.py": "real",  # the real tables rewritten: generality, not recall (#24)
    "test_variants_pdf.py": "pdf",  # the same rewritings printed to PDF (#24)
    "test_census.py": "pipeline",
    "test_readers.py": "pipeline",  # the readers' registry, over every form
    "test_pipeline_properties.py": "pipeline",
    "test_analysts.py": "export",
    "test_output_writers.py": "export",
    "test_csv_pieces.py": "export",  # a CSV chunk formatted in pieces: the same bytes (#26)
    "test_freed_memory.py": "batch",  # memory given back as a run goes (#26)
    "test_flat_memory.py": "batch",  # per-file state as columns, not objects (#26, round 5)
    "test_outputs.py": "export",
    "test_duckdb.py": "export",  # --format duckdb and the documented queries (#27)
    "test_batch.py": "batch",
    "test_batch_corpus.py": "batch",
    "test_batch_dask.py": "batch",
    "test_batch_journal.py": "batch",  # #26: records from the journal, cards drawn early
    "test_pool.py": "batch",
    "test_run_safety.py": "batch",  # issue #25: the output folder, user files, the switch
    "test_run_faults.py": "batch",  # issue #25: a full disk, kill -9, at any point
    "test_limits.py": "batch",  # hostile files and the worker's memory ceiling (#28)
    "test_report.py": "report",
    "test_report_documents.py": "report",
    "test_report_overview.py": "report",  # the overview charts (#27); chromium on 2,016 tables
    "test_scan_report.py": "report",
    "test_show.py": "report",
    "test_api.py": "cli",
    "test_cli.py": "cli",
    "test_parse_commands.py": "cli",
    "test_architecture.py": "architecture",
    "test_markers.py": "architecture",
    "test_sdist.py": "packaging",
    "test_wheel.py": "packaging",
}

#: The stage of the doctests of each folder or module (the deepest entry that holds it wins).
MODULE_STAGES = {
    "README.md": "docs",
    "docs": "docs",
    "jixiao/__init__.py": "cli",
    "jixiao/__main__.py": "cli",
    "jixiao/api.py": "cli",
    "jixiao/document.py": "cli",
    "jixiao/cli": "cli",
    "jixiao/model": "core",
    "jixiao/core": "core",
    "jixiao/normalize": "normalize",
    "jixiao/extract": "layout",
    "jixiao/extract/readers/text.py": "layout",
    "jixiao/extract/readers": "office",  # web pages, workbooks, Word files and their shared parts
    "jixiao/extract/readers/pdf": "pdf",
    "jixiao/extract/readers/scan": "scan",
    "jixiao/score": "score",
    "jixiao/pipeline": "pipeline",
    "jixiao/export": "export",
    "jixiao/batch": "batch",
    "jixiao/report": "report",
}

#: Stages quick enough for the loop run while working (``pytest -m fast``).
FAST_STAGES = frozenset({"core", "normalize", "layout", "score", "real", "architecture", "docs"})

#: Fixtures that take tens of seconds to make, shared by many tests: every bundled fixture read
#: (conftest), every real input read (test_census), the fixtures' report (test_report). A test
#: that uses one is slow, whatever its stage.
SLOW_FIXTURES = ("fixtures_read", "real_read", "fixture_run")


def stage_of(path: Path) -> str | None:
    """The stage of the tests in ``path`` (a test file, a module or a Markdown file), if any."""
    try:
        relative = PurePosixPath(path.resolve().relative_to(ROOT).as_posix())
    except ValueError:
        return None
    if relative.parts[0] == "tests":
        return TEST_STAGES.get(relative.name) if len(relative.parts) == 2 else None
    for place in (relative, *relative.parents):
        if (stage := MODULE_STAGES.get(place.as_posix())) is not None:
            return stage
    return None


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by the markers given here
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    unclassified = set()
    for item in items:
        stage = stage_of(item.path)
        if stage is None:
            unclassified.add(item.path)
            continue
        item.add_marker(stage)
        if any(name in getattr(item, "fixturenames", ()) for name in SLOW_FIXTURES):
            item.add_marker("slow")
        quick = stage in FAST_STAGES or isinstance(item, pytest.DoctestItem)
        if quick and item.get_closest_marker("slow") is None:
            item.add_marker("fast")
    if unclassified:
        names = ", ".join(sorted(str(path) for path in unclassified))
        raise pytest.UsageError(
            f"tests in a file of no stage: {names}; give the file its stage in TEST_STAGES "
            "(or its folder in MODULE_STAGES) in tests/conftest.py"
        )
