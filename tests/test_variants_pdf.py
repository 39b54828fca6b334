"""The variant suite printed to PDF: the same rewritings of the real tables, read through the
PDF path (#24).

``fixtures/make_variant_pdfs.py`` prints every variant of ``tests/variants.py`` (but the
``wrap`` kind: a PDF wraps every cell by its column's width anyway) as a ruled table with merged
cells in a font that is not embedded, and every page split of a real table as a two-page PDF,
with the 绩效指标 header printed again on page 2 for the ``split-header`` kind. Each PDF is read
through the whole pipeline and judged as the text variants are (:func:`tests.variants.classify`):
at least 0.97 of the fields right per kind and over all, no variant ``complete`` yet wrong, none
lost. ``python bench/variants.py --pdf`` prints the figures per kind and per table.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

import pytest

from tests.variants import (
    KINDS,
    Outcome,
    Variant,
    all_variants,
    bar_failures,
    load_real_tables,
    load_synonyms,
    read_variant_file,
)

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "tests" / "variant_pdfs"
MANIFEST: dict[str, dict[str, object]] = json.loads(
    (FOLDER / "MANIFEST.json").read_text(encoding="utf-8")
)
REGENERATE = "tests/variant_pdfs is out of date: run python fixtures/make_variant_pdfs.py"


@pytest.fixture(scope="module")
def variants() -> dict[str, Variant]:
    return {v.variant_id: v for v in all_variants(load_real_tables(), load_synonyms())}


@pytest.fixture(scope="module")
def outcomes(variants: dict[str, Variant]) -> dict[str, Outcome]:
    """Every PDF of tests/variant_pdfs read once, through the whole pipeline."""
    return {
        name: read_variant_file(variants[str(entry["variant"])], FOLDER / name)
        for name, entry in MANIFEST.items()
    }


def test_every_pdf_prints_the_current_text_of_its_variant(variants: dict[str, Variant]) -> None:
    stale = [
        name
        for name, entry in MANIFEST.items()
        if (printed := variants.get(str(entry["printed"]))) is None
        or hashlib.sha256(printed.text.encode()).hexdigest() != entry["text_sha256"]
    ]
    assert stale == [], REGENERATE
    on_disk = {path.name for path in FOLDER.glob("*.pdf")}
    assert on_disk == set(MANIFEST), REGENERATE


def test_every_kind_but_wrap_is_printed_and_splits_are_two_pages() -> None:
    kinds = Counter(str(entry["kind"]) for entry in MANIFEST.values())
    assert set(kinds) == set(KINDS) - {"wrap"}
    for entry in MANIFEST.values():
        if str(entry["kind"]).startswith("split"):
            assert entry["table_pages"] == [1, 2], entry["variant"]


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "wrap"])
def test_printed_variants_of_a_kind_are_read_right_or_say_they_are_partial(
    outcomes: dict[str, Outcome], kind: str
) -> None:
    chosen = [o for o in outcomes.values() if o.kind == kind]
    assert chosen
    assert bar_failures(chosen) == []


def test_all_printed_variants_together_clear_the_bar(outcomes: dict[str, Outcome]) -> None:
    assert bar_failures(list(outcomes.values())) == []
