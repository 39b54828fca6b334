"""Bench the scan reader: seconds per scanned page on one core, whole process, and accuracy,
against a baseline that runs the OCR engine on the whole page.

Two readers, each run as ``jixiao run FILE -o OUT --workers 1`` in a fresh process pinned to
one core (report included: the whole process a user waits for):

* ``jixiao``: as shipped: ruling lines → cells → each cell's lines recognized (rapidocr's
  PP-OCRv6 recognizer only, one thread);
* ``whole-page``: the same cells, but the text from rapidocr's full pipeline run on the whole
  straightened page (its detector, then its recognizer on every text box it finds, one thread),
  each box placed into the cell that holds its middle, as pdfplumber places characters.

img2table is not benched: it has no rapidocr backend, and its PaddleOCR backend downloads its
models at run time (not possible here).

Seconds are the CPU time (user + system) of the whole process and its children, divided by the
file's pages; wall time is shown too. Each reader also reads all the files in one process (one
``jixiao run`` over them, as a user runs a folder of scans): that run's seconds per page are the
first column. With ``--repeat N`` each file runs N times and its
median CPU time is kept (the machine is shared: one run says little); with ``--floor
TEXT.pdf`` a one-page born-digital PDF is run the same way, and the worst file's seconds per
page beyond that floor (imports, exports, report: what any one-page run costs) are shown: the
part the scan reader itself costs. Accuracy: with ``--truth`` (the shared real set's
``MANIFEST.json`` and ``truth/``), ``eval.py``'s field accuracy and perfect tables of each
reader's output.

Usage::

    python bench/scan.py [FILE|DIR ...] [--eval ../shared/real/eval.py
        --manifest ../shared/real/inputs/MANIFEST.json --truth ../shared/real/truth
        --root ../shared/real/inputs --only scan/] [--readers jixiao] [--repeat 5]
        [--floor ../shared/real/inputs/word/real-014.pdf]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
READERS = ("jixiao", "whole-page")
SUFFIXES = (".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff")


@dataclass(frozen=True, slots=True)
class Timing:
    reader: str
    file: str
    pages: int
    cpu: float
    wall: float


def _pages(path: Path) -> int:
    if path.suffix.lower() == ".pdf":
        import pypdfium2 as pdfium  # noqa: PLC0415

        return len(pdfium.PdfDocument(str(path)))
    from PIL import Image  # noqa: PLC0415

    with Image.open(path) as image:
        return getattr(image, "n_frames", 1)


def _one_core() -> list[str]:
    return ["taskset", "-c", "0"] if shutil.which("taskset") else []


def run_reader(reader: str, path: Path, out: Path, root: Path | None) -> Timing:
    """One file read by one reader in a fresh process; its CPU and wall seconds."""
    return run_reader_on(reader, [path], out, root)


def run_reader_on(reader: str, paths: list[Path], out: Path, root: Path | None) -> Timing:
    """Files read by one reader in one fresh process (one ``jixiao run``); its CPU and wall
    seconds."""
    command = [sys.executable, __file__, "--worker", reader, *map(str, paths), "-o", str(out)]
    if root is not None:
        command += ["--root", str(root)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    subprocess.run(_one_core() + command, check=True, env=env, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    name = paths[0].name if len(paths) == 1 else f"{len(paths)} files"
    return Timing(reader, name, sum(_pages(p) for p in paths), cpu, wall)


# -- the whole-page baseline (runs in the worker process) ---------------------------------


def _whole_page_reader() -> None:
    """Swap the cell-by-cell recognition for rapidocr's full pipeline on the whole page."""
    import numpy as np  # noqa: PLC0415
    from rapidocr import RapidOCR  # noqa: PLC0415

    from jixiao.extract.readers.pdf.parts import BoxCell, TablePart, lines_to_heading  # noqa: PLC0415
    from jixiao.extract.readers.pdf.text import join_wrapped  # noqa: PLC0415
    from jixiao.extract.readers.scan import page as scan_page  # noqa: PLC0415

    engine = RapidOCR(
        params={
            "Global.log_level": "error",
            "Global.use_cls": False,
            "EngineConfig.onnxruntime.intra_op_num_threads": 1,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        }
    )

    def image_to_scan_page(image: scan_page.PageImage) -> scan_page.ScanPage:
        page = scan_page.image_to_tables(image)
        gray = page.layer.gray
        result = engine(np.repeat(gray[:, :, None], 3, axis=2))
        boxes = [] if result.boxes is None else result.boxes
        found = [
            (
                float(b[:, 0].mean()) / image.scale,
                float(b[:, 1].mean()) / image.scale,
                str(text),
                float(score),
            )
            for b, text, score in zip(boxes, result.txts or (), result.scores or (), strict=False)
        ]
        parts, readings = [], []
        above = 0.0
        for cells in page.tables:
            box_cells = []
            for box in cells:
                inside = sorted(
                    (y, x, t, s)
                    for x, y, t, s in found
                    if box[0] <= x <= box[2] and box[1] <= y <= box[3]
                )
                text = join_wrapped(t for _, _, t, _ in inside)
                confidence = min((s for *_, s in inside), default=1.0)
                box_cells.append(BoxCell(box, text))
                readings.append(scan_page.CellReading(image.number, box, text, confidence))
            top = min(b[1] for b in cells)
            heading = [
                t
                for x, y, t, _ in sorted(found, key=lambda f: f[1])
                if max(above, top - 90) <= y < top
            ]
            title, year, context = lines_to_heading(heading)
            outline = (
                min(b[0] for b in cells),
                top,
                max(b[2] for b in cells),
                max(b[3] for b in cells),
            )
            parts.append(
                TablePart(image.number, outline, tuple(box_cells), "ocr", title, year, context)
            )
            above = outline[3]
        return scan_page.ScanPage(
            image.number, tuple(parts), tuple(readings), page.skew, image.size
        )

    scan_page.image_to_scan_page = image_to_scan_page  # type: ignore[assignment]

    def pdf_page_to_scan(page: object, number: int) -> scan_page.ScanPage:
        from jixiao.extract.readers.scan.image import pdf_page_to_image  # noqa: PLC0415

        return image_to_scan_page(pdf_page_to_image(page, number))  # type: ignore[arg-type]

    from jixiao.extract.readers.pdf import reader as pdf_module  # noqa: PLC0415

    pdf_module.pdf_page_to_scan = pdf_page_to_scan  # type: ignore[assignment]


def worker(reader: str, paths: list[Path], out: Path, root: Path | None) -> None:
    sys.path.insert(0, str(ROOT))
    if reader == "whole-page":
        _whole_page_reader()
    from jixiao.cli.main import main  # noqa: PLC0415

    target = [str(root)] if root is not None else [str(p) for p in paths]
    include = []
    if root is not None:
        for path in paths:
            include += ["--include", path.relative_to(root).as_posix()]
    try:
        main(["run", *target, *include, "-o", str(out), "--workers", "1", "-q"])
    except SystemExit as stop:
        if stop.code not in (0, 1, None):
            raise


# -- driver -------------------------------------------------------------------------------


def _files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES)
        else:
            found.append(path)
    return found


def _median(runs: list[Timing]) -> Timing:
    """The run of median CPU time (the lower middle one of an even count)."""
    ordered = sorted(runs, key=lambda t: t.cpu)
    return ordered[(len(ordered) - 1) // 2]


def _accuracy(args: argparse.Namespace, out: Path) -> str:
    done = subprocess.run(
        [sys.executable, str(args.eval), str(out), str(args.manifest), str(args.truth)]
        + (["--only", args.only] if args.only else []),
        capture_output=True,
        text=True,
        check=False,
    )
    last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-200:]
    match = re.search(r"accuracy=(\S+) .*perfect_tables=(\S+)", last)
    return f"{match.group(1)} ({match.group(2)} perfect)" if match else last


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--worker", choices=READERS)
    parser.add_argument("-o", "--out", type=Path)
    parser.add_argument("--root", type=Path, help="input root (names as in MANIFEST.json)")
    parser.add_argument("--eval", type=Path)
    parser.add_argument("--manifest", type=Path)
    parser.add_argument("--truth", type=Path)
    parser.add_argument("--only", help="eval.py --only: the folders benched (scan/)")
    parser.add_argument(
        "--readers", default=",".join(READERS), help="readers to bench, comma-separated"
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs of each file; the median CPU time is kept"
    )
    parser.add_argument(
        "--floor",
        type=Path,
        help="a one-page text PDF: its whole-process CPU time (no OCR) is the floor each "
        "scan's seconds are shown beyond",
    )
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.paths, args.out, args.root)
        return
    files = _files(args.paths or [ROOT / "fixtures" / "scan"])
    print(f"{len(files)} files, {sum(_pages(f) for f in files)} pages, one core each\n")
    rows = []
    floor = None
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-scan-") as scratch:
        if args.floor:
            runs = [
                run_reader("jixiao", args.floor, Path(scratch) / f"floor-{r}", None)
                for r in range(max(1, args.repeat))
            ]
            floor = _median(runs).cpu
            print(f"  floor: {args.floor.name} (text, no OCR) {floor:.2f} s cpu\n")
        for reader in args.readers.split(","):
            merged = Path(scratch) / reader
            timings = []
            for k, path in enumerate(files):
                runs = []
                for r in range(max(1, args.repeat)):
                    out = Path(scratch) / f"{reader}-{k}-{r}"
                    runs.append(run_reader(reader, path, out, args.root))
                timings.append(_median(runs))
                _merge(Path(scratch) / f"{reader}-{k}-0", merged)
            pages = sum(t.pages for t in timings)
            cpu, wall = sum(t.cpu for t in timings), sum(t.wall for t in timings)
            together = _median(
                [
                    run_reader_on(reader, files, Path(scratch) / f"{reader}-all-{r}", args.root)
                    for r in range(max(1, args.repeat))
                ]
            )
            worst = max(t.cpu / t.pages for t in timings)
            accuracy = _accuracy(args, merged) if args.eval else "—"
            beyond = "—"
            if floor is not None:
                beyond = f"{max((t.cpu - floor) / t.pages for t in timings):.2f}"
            rows.append(
                (reader, together.cpu / pages, cpu / pages, worst, beyond, wall / pages, accuracy)
            )
            for t in timings:
                print(f"  {reader:10s} {t.file:28s} {t.pages} p  {t.cpu / t.pages:6.2f} s/page cpu")
    print()
    print(
        "| reader | s/page (cpu, one run over all the files) | s/page (cpu, each file alone, "
        "mean) | s/page (cpu, worst file alone) | worst file beyond the floor "
        "| s/page (wall, alone) | accuracy |"
    )
    print("|---|---:|---:|---:|---:|---:|---|")
    for reader, one_run, mean, worst, beyond, wall, accuracy in rows:
        print(
            f"| {reader} | {one_run:.2f} | {mean:.2f} | {worst:.2f} | {beyond} | {wall:.2f} "
            f"| {accuracy} |"
        )


def _merge(out: Path, merged: Path) -> None:
    """Append one run's CSV frames to the merged output (for eval.py)."""
    import pandas as pd  # noqa: PLC0415

    merged.mkdir(parents=True, exist_ok=True)
    for name in ("tables", "indicators", "funds", "problems"):
        part = out / f"{name}.csv"
        if not part.is_file():
            continue
        frame = pd.read_csv(part, encoding="utf-8-sig", dtype=str, keep_default_na=False)
        target = merged / f"{name}.csv"
        if target.is_file():
            old = pd.read_csv(target, encoding="utf-8-sig", dtype=str, keep_default_na=False)
            frame = pd.concat([old, frame], ignore_index=True)
        frame.to_csv(target, index=False, encoding="utf-8-sig")


if __name__ == "__main__":
    main()
