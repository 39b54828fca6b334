"""A scanned page → the ruled tables on it (:class:`TablePart`), read by OCR.

The steps, each in its own module:

1. :mod:`~jixiao.extract.readers.scan.deskew`: the page's skew, and the page turned straight;
2. :mod:`~jixiao.extract.readers.scan.lines`: its ruling lines, as pdfplumber edges in points;
3. the table finder on those edges (:mod:`~jixiao.extract.readers.pdf.ruling`, the one the
   PDFium reader uses, with pdfplumber's results): cell boxes with their spans;
4. :mod:`~jixiao.extract.readers.scan.cells`: the lines of text inside each box and above each table
   (title, year line), cut out;
5. :mod:`~jixiao.extract.readers.scan.ocr`: each line recognized; a cell's text is its lines
   joined as wrapped text, its confidence the lowest of theirs.

The result is the same :class:`TablePart` the PDF readers give (reader ``ocr``), so joining
parts across pages and building the :class:`Grid` need nothing new; the recognizer's
confidence for each cell travels beside it (:class:`CellReading`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from jixiao.extract.readers.pdf.parts import HEADING_WINDOW, BoxCell, TablePart, lines_to_heading
from jixiao.extract.readers.pdf.ruling import (
    BBox,
    edges_to_tables,
    lines_to_edges,
    open_sides_to_lines,
)
from jixiao.extract.readers.pdf.text import extents_to_runs_on, is_wide, join_wrapped
from jixiao.extract.readers.scan.cells import (
    PixelBox,
    TextLayer,
    box_to_lines,
    line_to_crop,
    lines_to_crop,
    text_layer,
)
from jixiao.extract.readers.scan.deskew import (
    Gray,
    faint_threshold,
    image_to_skew,
    ink_threshold,
    rotate,
)
from jixiao.extract.readers.scan.image import PageImage
from jixiao.extract.readers.scan.lines import (
    ink_mask,
    keep_rulings,
    mask_to_segments,
    segments_to_edges,
    segments_to_mask,
)
from jixiao.extract.readers.scan.ocr import Reading, anchored_reading, crops_to_readings
from jixiao.extract.readers.scan.read import OCR_READER
from jixiao.extract.readers.scan.text import (
    DASH,
    clean_cell_text,
    in_page_script,
    is_dash,
    is_number,
    looks_like_digits,
)

READER = OCR_READER
NOMINAL_LINE_PT = 10.0  # height of a line of 10.5 pt text, in points
DASH_CONFIDENCE = 0.9
SURE = 0.95  # a lone mark read with less confidence is read again with context
LONE_WIDTH = 1.6  # a line no wider than this many times its height holds one or two marks
ANCHOR_SURE = 0.98  # the confidence of a label good enough to give context
HYPHEN_WIDTH = 0.5  # a lone dash narrower than this share of a line's height is a hyphen
NUMERIC_SHARE = 0.6  # a column whose non-blank cells are numbers or dashes this often
_INSET_PT = 0.5  # a cell's inside starts this far from the middle of its ruling


@dataclass(frozen=True, slots=True)
class CellReading:
    """What the recognizer made of one cell: its page and box (points, on the straightened
    page), its text and the lowest confidence of its lines (1.0 for an empty cell)."""

    page: int
    bbox: BBox
    text: str
    confidence: float


@dataclass(frozen=True, slots=True)
class ScanPage:
    """One scanned page read: its tables, every cell's reading, and the geometry needed to
    point back into the original page (``skew`` in degrees about the page's centre)."""

    number: int
    parts: tuple[TablePart, ...]
    readings: tuple[CellReading, ...]
    skew: float
    size: tuple[float, float]  # width, height in points

    def to_original(self, bbox: BBox) -> BBox:
        """A box on the straightened page, moved to where its middle lies on the scan."""
        if not self.skew:
            return bbox
        cx, cy = self.size[0] / 2, self.size[1] / 2
        mx, my = (bbox[0] + bbox[2]) / 2 - cx, (bbox[1] + bbox[3]) / 2 - cy
        angle = math.radians(self.skew)
        # the page was turned by -skew to straighten it; turning back by +skew
        ox = mx * math.cos(angle) - my * math.sin(angle)
        oy = mx * math.sin(angle) + my * math.cos(angle)
        dx, dy = ox - mx, oy - my
        return (
            round(bbox[0] + dx, 2),
            round(bbox[1] + dy, 2),
            round(bbox[2] + dx, 2),
            round(bbox[3] + dy, 2),
        )


def _to_pixels(bbox: BBox, scale: float, shape: tuple[int, int]) -> PixelBox:
    inset = _INSET_PT * scale
    height, width = shape
    x0 = min(max(int(bbox[0] * scale + inset), 0), width)
    y0 = min(max(int(bbox[1] * scale + inset), 0), height)
    x1 = min(max(math.ceil(bbox[2] * scale - inset), x0), width)
    y1 = min(max(math.ceil(bbox[3] * scale - inset), y0), height)
    return x0, y0, x1, y1


def _is_usable(boxes: Sequence[BBox]) -> bool:
    xs = {round(b[0]) for b in boxes}
    ys = {round(b[1]) for b in boxes}
    return len(boxes) >= 4 and len(xs) >= 2 and len(ys) >= 2


@dataclass(slots=True)
class _Job:
    """The lines of one region waiting for the OCR: a cell's lines are read as one line
    (``joined``), the heading's one by one."""

    lines: list[PixelBox]
    joined: bool = True
    crops: list[Gray] = field(default_factory=list)
    readings: list[Reading] = field(default_factory=list)
    box: PixelBox | None = None  # the cell the lines are in

    def runs_on(self, text: str) -> bool:
        """Whether the cell's text may go on past its bottom (see
        :func:`~jixiao.extract.readers.pdf.text.extents_to_runs_on`), judged from its lines' ink."""
        if self.box is None or not self.lines or not is_wide(text[-1:]):
            return True
        size = max(y1 - y0 for _, y0, _, y1 in self.lines)
        extents = [(float(x0), float(x1)) for x0, _, x1, _ in self.lines]
        return extents_to_runs_on(extents, (self.box[0], self.box[2]), size)

    def cut(self, layer: TextLayer, line_height: float) -> list[Gray]:
        if not self.lines:
            self.crops = []
        elif self.joined:
            self.crops = [lines_to_crop(layer, self.lines, line_height)]
        else:
            self.crops = [line_to_crop(layer, line, line_height) for line in self.lines]
        return self.crops

    def lone(self, line_height: float) -> bool:
        """One line no wider than a character or two that the recognizer needs context for:
        read without confidence, or read as a Latin letter or a mark, which a cell of a table
        seldom holds alone (``/`` read as ``7``, ``≧`` as ``M``, ``3`` as ``B``, ``=`` as
        ``I``)."""
        if len(self.lines) != 1 or len(self.readings) != 1:
            return False
        x0, y0, x1, y1 = self.lines[0]
        height = max(y1 - y0, 0.6 * line_height)  # a flat mark (=, —) is as high as a line
        reading = self.readings[0]
        odd = not all(ch.isdigit() or is_wide(ch) for ch in reading.text)
        return x1 - x0 <= LONE_WIDTH * height and (reading.confidence < SURE or odd)

    @property
    def width(self) -> int:
        """The width of the ink of a one-line cell, in pixels."""
        return self.lines[0][2] - self.lines[0][0] if len(self.lines) == 1 else 0


def _recognize(layer: TextLayer, jobs: Sequence[_Job], line_height: float) -> None:
    """Recognize the crops of all jobs in one go; each job gets its readings."""
    crops = [job.cut(layer, line_height) for job in jobs]
    readings = crops_to_readings([c for own in crops for c in own]) if any(crops) else []
    k = 0
    for job, own in zip(jobs, crops, strict=True):
        job.readings = readings[k : k + len(own)]
        k += len(own)


def _anchor(jobs: Sequence[_Job]) -> tuple[Gray, str] | None:
    """A cell of the page read with certainty: a label of two to four Chinese characters."""
    for job in jobs:
        if len(job.readings) == 1 and len(job.crops) == 1:
            reading = job.readings[0]
            chinese = all("\u4e00" <= ch <= "\u9fff" for ch in reading.text)
            if chinese and 2 <= len(reading.text) <= 4 and reading.confidence >= ANCHOR_SURE:
                return job.crops[0], reading.text
    return None


def _reread_lone(jobs: Sequence[_Job], line_height: float) -> None:
    """Read the lone marks and digits again after an anchor (see
    :func:`~jixiao.extract.readers.scan.ocr.anchored_reading`); keep the surer reading."""
    anchor = _anchor(jobs)
    if anchor is None:
        return
    for job in jobs:
        if not job.lone(line_height):
            continue
        plain = job.readings[0]
        again = anchored_reading(job.crops[0], *anchor)
        if again is not None and again.confidence > plain.confidence:
            job.readings = [
                replace(again, digits=plain.digits, digits_confidence=plain.digits_confidence)
            ]


def _to_page_script(jobs: Sequence[_Job]) -> None:
    """Every reading of the page in the page's script (see :func:`in_page_script`)."""
    readings = [r for job in jobs for r in job.readings]
    texts = in_page_script([r.text for r in readings])
    changed = {id(r): t for r, t in zip(readings, texts, strict=True) if t != r.text}
    if changed:
        for job in jobs:
            job.readings = [replace(r, text=changed.get(id(r), r.text)) for r in job.readings]


def _cell(job: _Job, box: BBox, number: int, line_height: float) -> tuple[BoxCell, CellReading]:
    text = clean_cell_text(join_wrapped(r.text for r in job.readings))
    confidence = min((r.confidence for r in job.readings), default=1.0)
    if len(text) == 1 and is_dash(text) and job.width < HYPHEN_WIDTH * line_height:
        text = "-"  # a mark much narrower than a character: a hyphen, not 一 or a dash
    return BoxCell(box, text, job.runs_on(text)), CellReading(number, box, text, confidence)


def _in_numeric_column(
    cell: BoxCell, reading: CellReading, job: _Job
) -> tuple[BoxCell, CellReading]:
    """A cell of a column of numbers: a lone dash-like mark is the "not applicable" dash (which
    dash the recognizer chose does not matter, that it is one is not in doubt); letters that
    look like digits, read without confidence, are read with the number alphabet when that
    gives a number (its confidence is low, so the cell is reported)."""
    if is_dash(cell.text):
        dash = DASH * len("".join(cell.text.split()))
        confidence = max(reading.confidence, DASH_CONFIDENCE)
        return BoxCell(cell.bbox, dash), replace(reading, text=dash, confidence=confidence)
    if len(job.readings) != 1 or is_number(cell.text) or not looks_like_digits(cell.text):
        return cell, reading
    plain = job.readings[0]
    if plain.confidence >= SURE or not is_number(plain.digits):
        return cell, reading  # letters read with certainty are what is printed (``IO``)
    confidence = min(plain.digits_confidence, reading.confidence)
    return (
        BoxCell(cell.bbox, plain.digits),
        replace(reading, text=plain.digits, confidence=confidence),
    )


def _numeric_columns(
    read: list[tuple[BoxCell, CellReading]], jobs: Sequence[_Job]
) -> list[tuple[BoxCell, CellReading]]:
    """Read the cells of columns that hold numbers (and dashes) as such."""
    columns: dict[tuple[float, float], list[int]] = {}
    for k, (cell, _) in enumerate(read):
        if cell.text:
            columns.setdefault((cell.bbox[0], cell.bbox[2]), []).append(k)
    out = list(read)
    for members in columns.values():
        numbers = sum(1 for k in members if is_number(read[k][0].text))
        dashes = sum(1 for k in members if is_dash(read[k][0].text))
        numeric = numbers + dashes
        if numbers < 1 or numeric < 2 or numeric < NUMERIC_SHARE * len(members):
            continue
        for k in members:
            out[k] = _in_numeric_column(*read[k], jobs[k])
    return out


def _outline(boxes: Sequence[BBox]) -> BBox:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


@dataclass(frozen=True, slots=True)
class Straightened:
    """A page turned straight, its text layer, and the cell boxes of each table on it (in
    points, tables top to bottom)."""

    layer: TextLayer
    skew: float
    tables: tuple[tuple[BBox, ...], ...]


def image_to_tables(image: PageImage) -> Straightened:
    """Steps 1–3: straighten the page, find its rulings and the tables they draw."""
    skew = image_to_skew(image.gray)
    gray = rotate(image.gray, skew)
    scale = image.scale
    threshold = ink_threshold(gray)
    ink = ink_mask(gray, threshold)
    rulings = keep_rulings(mask_to_segments(ink, scale), scale)
    edges = segments_to_edges(rulings, scale)
    explicit = lines_to_edges(open_sides_to_lines(edges))
    tables = [tuple(t) for t in edges_to_tables(edges, explicit) if _is_usable(t)]
    tables.sort(key=lambda boxes: _outline(boxes)[1])
    faint = ink_mask(gray, faint_threshold(gray, threshold))
    layer = text_layer(gray, faint, segments_to_mask(rulings, gray.shape) & ink)
    return Straightened(layer, skew, tuple(tables))


def image_to_scan_page(image: PageImage) -> ScanPage:
    """Read the ruled tables of one page image."""
    page = image_to_tables(image)
    layer, scale, shape = page.layer, image.scale, page.layer.gray.shape
    line_height = NOMINAL_LINE_PT * scale
    cells: list[list[_Job]] = []
    headings: list[_Job] = []
    above = 0.0
    for boxes in page.tables:
        pixel_boxes = [_to_pixels(b, scale, shape) for b in boxes]
        cells.append([_Job(box_to_lines(layer, b, line_height), box=b) for b in pixel_boxes])
        outline = _outline(boxes)
        region = (0.0, max(above, outline[1] - HEADING_WINDOW), image.size[0], outline[1])
        lines = box_to_lines(layer, _to_pixels(region, scale, shape), line_height)
        headings.append(_Job(lines, joined=False))
        above = outline[3]
    _recognize(layer, [*(job for jobs in cells for job in jobs), *headings], line_height)
    _reread_lone([job for jobs in cells for job in jobs], line_height)
    _to_page_script([*(job for jobs in cells for job in jobs), *headings])
    parts: list[TablePart] = []
    readings: list[CellReading] = []
    for boxes, jobs, heading in zip(page.tables, cells, headings, strict=True):
        read = [
            _cell(job, box, image.number, line_height) for job, box in zip(jobs, boxes, strict=True)
        ]
        read = _numeric_columns(read, jobs)
        readings += [reading for _, reading in read]
        title, year, context = lines_to_heading([r.text for r in heading.readings or [] if r.text])
        box_cells = tuple(cell for cell, _ in read)
        parts.append(
            TablePart(image.number, _outline(boxes), box_cells, READER, title, year, context)
        )
    return ScanPage(image.number, tuple(parts), tuple(readings), page.skew, image.size)
