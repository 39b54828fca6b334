"""The PDF tests again, on a machine without fonts: every system font folder hidden.

The same file must give the same frames on any machine, whatever fonts it has installed. So
this test makes a machine without fonts: in a private mount namespace (``unshare -m`` as root,
``unshare -rm`` otherwise) an empty tmpfs is mounted over every folder PDFium and fontconfig
take fonts from (:data:`FONT_DIRS`), ``FONTCONFIG_FILE`` names a configuration without any,
and pytest runs there:

* the PDF-vs-text frame test (tests/test_pdf_frames.py), the fixtures' table and problem
  counts and cell texts (tests/test_pdf_extract.py) and the fonts fixtures' text and widths
  (tests/test_pdf_fonts.py), and PLAYA's characters equal to pdfminer's on the small PDFs of
  tests/test_pdf_playa.py;
* the checks below that only run inside: the font folders are empty, fontconfig finds no
  font, PDFium without fonts does drop characters of the fonts fixtures (so they do test
  something), and the frames of every fixture PDF equal, value for value, the frames read
  outside with whatever fonts this machine has (written out before the namespace is made).

It is skipped, saying why, only where the namespace cannot be made (no ``unshare``, or neither
root nor user namespaces allowed). To see it fail, make every page read with PDFium's
characters (``page_to_source`` always ``TextSource.PDFIUM``): the fonts fixtures lose text.
"""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pypdfium2 as pdfium
import pytest

from jixiao.score import Frames
from tests.conftest import ROOT
from tests.frames_compare import fixture_frames
from tests.test_pdf_fonts import FONTS
from tests.test_pdf_fonts import MANIFEST as FONTS_MANIFEST
from tests.test_pdf_frames import MANIFEST

#: Where PDFium (``/usr/share/fonts``, ``/usr/share/X11/fonts``, ``/usr/local/share/fonts``)
#: and fontconfig (those, and the user's) look for fonts.
FONT_DIRS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "/usr/share/X11/fonts",
    "/usr/X11R6/lib/X11/fonts",
    "/usr/lib/X11/fonts",
    "~/.fonts",
    "~/.local/share/fonts",
)
INSIDE = "JIXIAO_FONTS_HIDDEN"  # set inside the namespace: the folder of the outside frames
INNER_TESTS = (
    "tests/test_pdf_frames.py",
    "tests/test_pdf_fonts.py",
    "tests/test_pdf_extract.py::test_table_count_matches_manifest",
    "tests/test_pdf_extract.py::test_problem_codes_match_manifest",
    "tests/test_pdf_extract.py::test_grid_equals_text_table",
    "tests/test_pdf_playa.py::test_small_pdfs_read_as_pdfminer_reads_them",
    "tests/test_pdf_fonts_hidden.py",  # last: the frames test above has cached the frames
)
#: Hides each font folder that exists, then runs the command (``$@``).
HIDE = r"""
set -e
for dir in $JIXIAO_FONT_DIRS; do
    if [ -d "$dir" ]; then mount -t tmpfs -o size=64k,mode=755 jixiao-no-fonts "$dir"; fi
done
exec "$@"
"""
EMPTY_FONTCONFIG = (
    '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig/>\n'
)
PDFS = sorted(MANIFEST)

outside_only = pytest.mark.skipif(
    INSIDE in os.environ, reason="already inside the fonts-hidden namespace"
)


def font_dirs() -> list[str]:
    return [os.path.expanduser(d) for d in FONT_DIRS]


def namespace_prefix() -> tuple[list[str], str]:
    """The ``unshare`` command that can hide the fonts here, or ``[]`` and why not."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return [], "no unshare command (util-linux) on this machine"
    reasons = []
    for flags in (["-m"], ["-r", "-m"]):
        probe = [unshare, *flags, "sh", "-c", "mount -t tmpfs -o size=4k probe /tmp"]
        done = subprocess.run(probe, capture_output=True, text=True, check=False, timeout=60)
        if done.returncode == 0:
            return [unshare, *flags], ""
        reasons.append(f"unshare {' '.join(flags)}: {done.stderr.strip() or done.returncode}")
    return [], "cannot make a mount namespace (" + "; ".join(reasons) + ")"


def _dump_name(pdf: str) -> str:
    return pdf.replace("/", "__") + ".pickle"


@pytest.fixture(scope="module")
def hidden_run(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Write this machine's frames, run the PDF tests with every font hidden; their report."""
    prefix, why_not = namespace_prefix()
    if not prefix:
        pytest.skip(why_not)
    out = tmp_path_factory.mktemp("fonts-hidden")
    for pdf in PDFS:
        (out / _dump_name(pdf)).write_bytes(pickle.dumps(fixture_frames(pdf), protocol=5))
    config = out / "fonts.conf"
    config.write_text(EMPTY_FONTCONFIG, encoding="utf-8")
    env = {
        **os.environ,
        INSIDE: str(out),
        "JIXIAO_FONT_DIRS": " ".join(font_dirs()),
        "FONTCONFIG_FILE": str(config),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    pytest_args = ["-q", "-rA", "-p", "no:randomly", "-p", "no:cacheprovider", *INNER_TESTS]
    command = [*prefix, "sh", "-c", HIDE, "hide-fonts", sys.executable, "-m", "pytest"]
    done = subprocess.run(
        [*command, *pytest_args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=3600,
    )
    report = done.stdout + done.stderr
    assert done.returncode == 0, "with every font hidden:\n" + report[-6000:]
    return report


@pytest.mark.slow
@outside_only
def test_pdf_tests_pass_with_every_font_hidden(hidden_run: str) -> None:
    passed = {line.split()[1] for line in hidden_run.splitlines() if line.startswith("PASSED ")}
    for test in ("test_pdf_frames_equal_text_frames", "test_table_count_matches_manifest"):
        assert any(f"::{test}[" in name for name in passed), test
    assert any("::test_font_folders_are_empty[" in name for name in passed)
    for pdf in PDFS:  # without fonts, every PDF gives this machine's frames
        assert f"tests/test_pdf_fonts_hidden.py::test_frames_equal_this_machines[{pdf}]" in passed


# -- inside the namespace -----------------------------------------------------------------------


if INSIDE in os.environ:  # defined only there: nothing to skip outside

    @pytest.mark.parametrize("folder", FONT_DIRS)
    def test_font_folders_are_empty(folder: str) -> None:
        path = Path(os.path.expanduser(folder))
        assert not path.exists() or not any(path.iterdir())

    def test_fontconfig_finds_no_font() -> None:
        fc_list = shutil.which("fc-list")
        if fc_list is None:
            pytest.skip("fontconfig's fc-list is not installed (nothing here uses fontconfig)")
        done = subprocess.run([fc_list], capture_output=True, text=True, check=True, timeout=60)
        assert done.stdout.strip() == ""

    @pytest.mark.parametrize("name", sorted(FONTS_MANIFEST))
    def test_pdfium_alone_drops_characters_of_fonts_not_embedded(name: str) -> None:
        """Why the fixtures exist: PDFium's own text, with no font to place them, misses
        characters the page draws (jixiao reads such pages with pdfminer's characters)."""
        doc = pdfium.PdfDocument(str(FONTS / name))
        try:
            texts = []
            for index in range(len(doc)):
                page = doc[index]
                textpage = page.get_textpage()
                texts.append("".join(textpage.get_text_range().split()))
                textpage.close()
                page.close()
        finally:
            doc.close()
        drawn = FONTS_MANIFEST[name]["page_texts"]
        assert sum(map(len, texts)) < sum(map(len, drawn))

    @pytest.mark.parametrize("pdf", PDFS)
    def test_frames_equal_this_machines(pdf: str) -> None:
        """The frames read without fonts equal those read outside, with the machine's fonts."""
        written = Path(os.environ[INSIDE]) / _dump_name(pdf)
        outside: Frames = pickle.loads(written.read_bytes())  # written by the test outside
        here = fixture_frames(pdf)
        for name in ("tables", "funds", "indicators", "problems"):
            pd.testing.assert_frame_equal(
                getattr(here, name), getattr(outside, name), check_exact=True, obj=f"{pdf} {name}"
            )
