"""The metamorphic variant suite's figures: per kind of variant and per real table.

Every real table of ``../shared/real`` is rewritten the ways other publishers print it
(:mod:`tests.variants`), every variant is read through the whole pipeline as a text file, and
each is judged against its truth. Prints, per kind and per table: variants, fields right, the
share, and how many are right, honest (``partial``/``unscored`` with a problem), complete and
wrong, or lost. Run from the repository root: ``python bench/variants.py [--show N]`` (N: how
many complete-and-wrong variants to list with their first differences).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.variants import (
    COMPLETE_WRONG,
    HONEST,
    LOST,
    RIGHT,
    Outcome,
    all_variants,
    read_variant,
    read_variant_file,
)

PDF_FOLDER = Path(__file__).resolve().parent.parent / "tests" / "variant_pdfs"

HEAD = f"{'':16s} {'variants':>8s} {'fields right':>14s} {'share':>6s} {'right':>6s} " + (
    f"{'honest':>6s} {'c&w':>5s} {'lost':>5s}"
)


def line(name: str, outcomes: Iterable[Outcome]) -> str:
    chosen = list(outcomes)
    right = sum(o.right for o in chosen)
    fields = sum(o.fields for o in chosen)
    verdicts = [o.verdict for o in chosen]
    share = right / fields if fields else 1.0
    counts = " ".join(
        f"{verdicts.count(v):>{w}d}"
        for v, w in ((RIGHT, 6), (HONEST, 6), (COMPLETE_WRONG, 5), (LOST, 5))
    )
    return f"{name:16s} {len(chosen):8d} {right:>7d}/{fields:<6d} {share:6.3f} {counts}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show", type=int, default=10, help="complete-and-wrong variants to list")
    parser.add_argument(
        "--pdf",
        action="store_true",
        help="read the variants printed to PDF (tests/variant_pdfs/) instead of their text",
    )
    args = parser.parse_args()
    started = time.perf_counter()
    variants = all_variants()
    if args.pdf:
        by_id = {v.variant_id: v for v in variants}
        manifest = json.loads((PDF_FOLDER / "MANIFEST.json").read_text(encoding="utf-8"))
        outcomes = [
            read_variant_file(by_id[entry["variant"]], PDF_FOLDER / name)
            for name, entry in manifest.items()
        ]
    else:
        with tempfile.TemporaryDirectory() as folder:
            outcomes = [read_variant(v, Path(folder)) for v in variants]
    by_kind: dict[str, list[Outcome]] = defaultdict(list)
    by_table: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_kind[outcome.kind].append(outcome)
        by_table[outcome.table_id].append(outcome)
    print(HEAD.replace(" " * 16, "kind".ljust(16), 1))
    for kind, chosen in by_kind.items():
        print(line(kind, chosen))
    print(line("all", outcomes))
    print()
    print(HEAD.replace(" " * 16, "table".ljust(16), 1))
    for table, chosen in sorted(by_table.items()):
        print(line(table, chosen))
    for verdict in (COMPLETE_WRONG, LOST, HONEST):
        wrong = [o for o in outcomes if o.verdict == verdict]
        for outcome in wrong[: args.show]:
            print(f"{verdict} {outcome.variant_id}: {'; '.join(outcome.differences[:2])}")
        if len(wrong) > args.show:
            print(f"... {len(wrong) - args.show} more {verdict}")
    print(f"{len(outcomes)} variants in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
