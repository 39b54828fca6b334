"""A generated corpus for batch runs (used by tests/test_batch*.py and bench/batch.py).

``make_corpus`` writes, under a directory, single-table text files cut from the fixtures
(spread over year/department folders, some with upper-case suffixes), copies of a few PDF
fixtures, the five kinds of broken file, and things discovery must skip (hidden and temporary
files, other suffixes, a symbolic-link loop). It returns what a run must find.
"""

from __future__ import annotations

import json
import os
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from jixiao.pipeline.discover import discover
from tests.pdf_bytes import objects_to_pdf

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
TEXT_SOURCES = ("seed/000_a203d4b834672a09.txt", "synthetic/001_synthetic.txt",
                "synthetic/002_short.txt", "synthetic/003_long.txt")  # fmt: skip
FAST_PDFS = ("rl_two_per_page.pdf", "rl_synthetic.pdf", "rl_long_repeat.pdf")
BROKEN = {
    "broken/empty.txt": "empty_file",
    "broken/truncated.pdf": "unreadable_pdf",
    "broken/junk.pdf": "unreadable_pdf",
    "broken/not_self_eval.pdf": "no_tables",
    "broken/unreadable.txt": "binary_file",
}
#: Of BROKEN, the files that are read (their one row is an info, not an error): not failed.
READ_WITHOUT_TABLES = frozenset({"broken/not_self_eval.pdf"})


@dataclass(frozen=True, slots=True)
class Corpus:
    """A generated input tree and what a run over it must give."""

    root: Path
    tables: frozenset[str]  # every table_id a run must find
    broken: dict[str, str]  # name → the code of its one problem row
    files: int  # input files discovery must take
    pages: int  # PDF pages in the corpus

    @property
    def failed(self) -> list[str]:
        """The broken files that could not be read, by name (not those read without a 自评表)."""
        return sorted(name for name in self.broken if name not in READ_WITHOUT_TABLES)


def single_tables() -> list[str]:
    """The fixture tables, one text per table (heading line to the next heading)."""
    tables = []
    for source in TEXT_SOURCES:
        lines = (FIXTURES / source).read_text(encoding="utf-8").splitlines()
        starts = [i for i, line in enumerate(lines) if line.startswith("# ")]
        for start, end in zip(starts, [*starts[1:], len(lines)], strict=True):
            tables.append("\n".join(lines[start:end]) + "\n")
    return tables


def minimal_pdf(text: str) -> bytes:
    """A valid one-page PDF with one line of Helvetica text (not a 自评表)."""
    content = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    return objects_to_pdf(bodies)


def make_corpus(root: Path, *, text_files: int, pdf_copies: int = 1, broken: bool = True) -> Corpus:
    """Write the corpus under root (see the module docstring)."""
    manifest = json.loads((FIXTURES / "pdf" / "MANIFEST.json").read_text(encoding="utf-8"))
    tables = single_tables()
    expected: set[str] = set()
    pages = 0
    for i in range(text_files):
        folder = root / str(2020 + i % 5) / f"部门{i % 7:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        suffix = (".txt", ".tsv", ".TXT")[i % 3]
        name = f"{i:04d}_自评表{suffix}"
        (folder / name).write_text(tables[i % len(tables)], encoding="utf-8")
        expected.add(f"{folder.relative_to(root).as_posix()}/{name}#1")
    for copy in range(pdf_copies):
        for pdf in FAST_PDFS:
            name = f"pdf/{copy:03d}_{pdf}"
            (root / "pdf").mkdir(exist_ok=True)
            shutil.copy(FIXTURES / "pdf" / pdf, root / name)
            count = len(manifest[pdf]["tables"])
            expected.update(f"{name}#{n}" for n in range(1, count + 1))
            pages += manifest[pdf]["pages"]
    if broken:
        _write_broken(root)
    _write_skipped(root)
    files = text_files + pdf_copies * len(FAST_PDFS) + (len(BROKEN) if broken else 0)
    return Corpus(root, frozenset(expected), dict(BROKEN) if broken else {}, files, pages)


def _write_broken(root: Path) -> None:
    (root / "broken").mkdir(parents=True, exist_ok=True)
    (root / "broken/empty.txt").write_bytes(b"")
    seed_pdf = (FIXTURES / "pdf" / "rl_seed.pdf").read_bytes()
    (root / "broken/truncated.pdf").write_bytes(seed_pdf[: len(seed_pdf) // 3])
    (root / "broken/junk.pdf").write_bytes(random.Random(7).randbytes(4096))
    (root / "broken/not_self_eval.pdf").write_bytes(minimal_pdf("Income and expenditure 2024"))
    (root / "broken/unreadable.txt").write_bytes(b"\xff\x80\xfe" * 300)


def _write_skipped(root: Path) -> None:
    """Files and folders discovery must not take, and a link loop it must not follow."""
    (root / ".hidden").mkdir(exist_ok=True)
    (root / ".hidden" / "a.txt").write_text(single_tables()[0], encoding="utf-8")
    (root / ".b.txt").write_text("hidden", encoding="utf-8")
    (root / "~$lock.txt").write_text("office lock file", encoding="utf-8")
    (root / "notes.md").write_text("# not an input", encoding="utf-8")
    (root / "draft.txt~").write_text("editor backup", encoding="utf-8")
    loop = root / "2020" / "loop"
    loop.parent.mkdir(exist_ok=True)
    if not loop.is_symlink():
        os.symlink("..", loop)


def test_corpus_is_discovered_without_skipped_files_or_loops(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path, text_files=12)
    names = [f.name for f in discover([corpus.root])]
    assert len(names) == corpus.files
    assert names == sorted(names)
    assert not [n for n in names if "loop" in n or "hidden" in n or "~" in n or ".md" in n]
    assert "2022/部门02/0002_自评表.TXT" in names


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_corpus_has_each_kind_of_broken_file(tmp_path: Path, name: str) -> None:
    corpus = make_corpus(tmp_path, text_files=0, pdf_copies=0)
    assert (corpus.root / name).is_file()
