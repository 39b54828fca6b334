"""One PDF page → its text, read the same on every machine, and what kind of page it is.

This module is the one place where a page is classified (:func:`page_to_scan`): a 自评表
candidate, another page with text, a scan (images only, no text), an empty page, or text that
does not decode. Everything after it (table finding, OCR of scans) starts from its answer.

**Which characters to trust (the decision rule).** PDFium reads a page in a few milliseconds,
but where a font is *not embedded* it draws and measures the text with whatever substitute
font the machine has installed, and its text extraction depends on that substitute: without
one (a server or CI image with no CJK fonts) it drops every text object whose glyphs it cannot
measure, so ``项目名称`` arrives as ``项目名`` when ``称`` stands alone on a wrapped line, and it
drops repeated lines it then takes for duplicates; with one, character boxes take the
substitute's glyph widths. pdfminer (through pdfplumber) needs no font program at all: codes
come from the content stream, Unicode from the font's ``/ToUnicode`` map or the predefined CJK
CMaps (``UniGB-UCS2-H``, ``GBK-EUC-H``, ``ETen-B5-H`` …), advance widths from ``/W`` and ``/DW``
(``/Widths`` for simple fonts). So, per page:

* every font the page's text uses is embedded (Type 3 included; inside form XObjects too), or
  the page has no text: :attr:`TextSource.PDFIUM`: PDFium's text and characters; the embedded
  font programs are part of the file, so the answer is the same on every machine;
* any font not embedded: :attr:`TextSource.PDFMINER`: the page's text, for classifying it
  and for its cells, is pdfminer's characters (fake bold removed); PDFium still gives the ruling
  and the images, which do not depend on fonts.

The rule looks only at the file, never at the machine, so a page takes the same path
everywhere. The cost falls only on pages with fonts that are not embedded: their characters
take ~15 ms (pdfminer's, read by PLAYA: :mod:`jixiao.extract.readers.pdf.playa_chars`; ~40 ms
through pdfminer itself) where PDFium takes ~2 ms. PDFium's text of such a page is not used even
where it looks complete (every text object gave characters): whether it does depends on the
machine's fonts (with a CJK font installed fewer objects are dropped), so the page's path, and
the order of its text (PDFium sorts the runs of a line by position, pdfminer keeps the drawing
order: ``改进措施`` can come out ``改指标性进措施``), would depend on the machine again.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from jixiao.core.labels import to_simplified
from jixiao.core.vocabulary import (
    PROJECT_NAME,
    SECTION_PREFIXES,
    TITLE_WORD,
    is_year_line,
    join_title_lines,
    self_evaluation_title,
    text_may_be_self_evaluation,
)
from jixiao.extract.readers.pdf.pdfium_records import page_fonts_embedded
from jixiao.extract.readers.pdf.text import Char, is_unreadable
from jixiao.normalize.vocab import DASH_CHARACTERS

# Sentence punctuation: a line that holds some is prose (or a cell of prose), never a label.
_PROSE = re.compile(r"[。，、；！？]")
_MAX_LABEL = 6  # characters of an attachment label (附件12, 附表3)
# Page furniture at the foot of a page: a page number (— 8 —, -3-, 第3页, 3/40).
_FOLIO = re.compile(rf"^[{re.escape(''.join(sorted(DASH_CHARACTERS)))}第页共/\d]*$")


class PageKind(enum.StrEnum):
    """What a page looks like from its text."""

    TABLE = "table"  # may hold a 自评表
    OTHER = "other"  # text, but no 自评表 labels
    SCANNED = "scanned"  # no text, but images: a scan
    EMPTY = "empty"  # no text, no images
    UNREADABLE = "unreadable"  # text that does not decode ((cid:…), controls, U+FFFD)


class TextSource(enum.StrEnum):
    """Whose characters a page is read with (see the module docstring for the rule)."""

    PDFIUM = "pdfium"  # every font embedded
    PDFMINER = "pdfminer"  # some font not embedded


@dataclass(frozen=True, slots=True)
class PageScan:
    """One page's text (1-based ``number``; ``text`` without whitespace), where it came from,
    the lines that title a 自评表 (``titles``, for the census of tables), and the text of its
    lines that are not prose (``labels``, :func:`lines_to_labels`; ``None``: all of ``text``),
    the titles that head other titles (``headings``, :func:`lines_to_titles_marked`), and the
    title and year lines that end the page (``tail``, :func:`lines_to_tail`: the heading of a
    table that starts on the next page)."""

    number: int
    text: str
    has_images: bool
    source: TextSource = TextSource.PDFIUM
    titles: tuple[str, ...] = ()
    labels: str | None = None
    headings: tuple[str, ...] = ()
    tail: tuple[str, ...] = ()

    @property
    def kind(self) -> PageKind:
        return text_to_kind(self.text, has_images=self.has_images, labels=self.labels)


def squash(text: str) -> str:
    """Text without any whitespace (labels wrap anywhere), in simplified characters (a table
    printed in traditional characters reads the same): the form a page's text and the lines
    above a table are searched in for label words. Not width-folded, unlike
    :func:`~jixiao.core.labels.label_key`, which a cell's label is compared through."""
    return to_simplified("".join(text.split()))


def lines_to_labels(lines: Iterable[str]) -> str:
    """The squashed text of the lines that may hold labels: prose (a line with sentence
    punctuation) is left out, so a paragraph that names the labels of a 自评表 is no table.

    >>> lines_to_labels(["自评表列示绩效指标、年度指标值", "一级指标 二级指标", "三级指", "标"])
    '一级指标二级指标三级指标'
    """
    return squash("".join(line for line in lines if not _PROSE.search(line)))


def text_to_kind(text: str, *, has_images: bool = False, labels: str | None = None) -> PageKind:
    """Classify a page by its squashed text: a cheap filter that decides where cells are read.

    The rule is the one the cells of a table are judged by, applied to the page's text
    (:func:`jixiao.core.vocabulary.text_may_be_self_evaluation` on ``labels``, the text of
    the page's lines that are not prose; ``None``: all of ``text``), so every page whose
    table :func:`jixiao.core.vocabulary.is_self_evaluation` accepts is read: a fragment
    (indicator block and 总分, no 项目名称), a 区域 table (实施单位, 指标值/完成值). It may
    accept a page that holds no 自评表 (its cells are judged again), never the other way
    round. A 项目名称 under a 自评表 title is a table that starts low on the page.

    >>> text_to_kind("项目名称某项目绩效指标一级指标二级指标")
    <PageKind.TABLE: 'table'>
    >>> text_to_kind("收入支出决算总表项目名称行次金额")
    <PageKind.OTHER: 'other'>
    >>> text_to_kind("部门整体支出绩效自评表部门名称某局年度总体目标一级指标")
    <PageKind.TABLE: 'table'>
    >>> text_to_kind("绩效指标一级指标二级指标三级指标指标值完成值权重得分总分100")
    <PageKind.TABLE: 'table'>
    """
    if not text:
        return PageKind.SCANNED if has_images else PageKind.EMPTY
    if is_unreadable(text):
        return PageKind.UNREADABLE
    titled = TITLE_WORD in text and any(name in text for name in PROJECT_NAME)
    if titled or text_may_be_self_evaluation(text if labels is None else labels):
        return PageKind.TABLE
    return PageKind.OTHER


def _page_has_images(page: pdfium.PdfPage) -> bool:
    return any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2))


def page_to_source(page: pdfium.PdfPage) -> TextSource:
    """Whose characters to read this page with: PDFium's only where every font is embedded."""
    return TextSource.PDFIUM if page_fonts_embedded(page) else TextSource.PDFMINER


def _page_text(page: pdfium.PdfPage) -> str:
    textpage = page.get_textpage()
    try:
        text: str = textpage.get_text_range()
        return text
    finally:
        textpage.close()


def chars_to_page_text(chars: Sequence[Char]) -> str:
    """A page's squashed text from its characters, in the order they are drawn.

    >>> chars_to_page_text([{"text": "项"}, {"text": " "}, {"text": "目"}])
    '项目'
    """
    return squash("".join(str(char["text"]) for char in chars))


def page_to_scan(
    page: pdfium.PdfPage,
    textpage: pdfium.PdfTextPage | None,
    number: int,
    miner_chars: Callable[[], Sequence[Char]],
    source: TextSource | None = None,
) -> PageScan:
    """The text of one page, from PDFium or pdfminer by :func:`page_to_source`.

    ``textpage``: the page's text page (``None``: opened here if it is read); ``miner_chars``:
    the page's characters as pdfminer reads them (called only for a page with a font that is
    not embedded); ``source``: the page's :func:`page_to_source` when the caller has it
    already. Images are looked for only when the page has no text.
    """
    source = source or page_to_source(page)
    if source is TextSource.PDFIUM:
        raw = _page_text(page) if textpage is None else textpage.get_text_range()
        text, lines = squash(raw), raw.splitlines()
    else:
        chars = miner_chars()
        text, lines = chars_to_page_text(chars), chars_to_lines(chars)
    joined = [line for line in join_title_lines(lines) if line]  # once, for both below
    marked = _joined_to_titles_marked(joined)
    titles = tuple(title for title, _ in marked)
    headings = tuple(title for title, heads in marked if heads)
    has_images = not text and _page_has_images(page)
    labels = lines_to_labels(lines)
    return PageScan(
        number, text, has_images, source, titles, labels, headings, _joined_to_tail(joined)
    )


def lines_to_titles_marked(lines: Iterable[str]) -> list[tuple[str, bool]]:
    """The lines that title a 自评表 (a title wrapped over lines joined), each with whether it
    heads other titles: the next line is a title too (an attachment label such as ``附件1``
    aside), so no table stands under it.

    >>> lines_to_titles_marked(["第五部分 附件", "某局2022年度项目支出绩效自评表", "附件1",
    ...                         "财政项目支出绩效自评表", "（2024年度）", "项目名称"])
    [('某局2022年度项目支出绩效自评表', True), ('财政项目支出绩效自评表', False)]
    """
    return _joined_to_titles_marked([line for line in join_title_lines(lines) if line])


def _is_title(line: str) -> bool:
    """:func:`self_evaluation_title` answers, looked up only for a line with 表 in it (every
    title ends in 表; 錶 is 表 in simplified; no other character becomes 表 in a label key):
    a page's lines are mostly no title, and the lookup converts each to simplified."""
    return ("表" in line or "錶" in line) and self_evaluation_title(line) is not None


def _joined_to_titles_marked(joined: Sequence[str]) -> list[tuple[str, bool]]:
    """:func:`lines_to_titles_marked` of the lines as :func:`join_title_lines` gives them,
    empty lines left out. Attachment labels are skipped: whether a line is one is asked
    only of a title and of the lines after a title, up to the next line that is no label."""
    marked: list[tuple[str, bool]] = []
    for k, line in enumerate(joined):
        if not _is_title(line) or _is_label(line):
            continue
        after = next((later for later in joined[k + 1 :] if not _is_label(later)), None)
        marked.append((line, after is not None and _is_title(after)))
    return marked


def _is_label(line: str) -> bool:
    """An attachment label standing between titles (``附件1``, ``附表2：``), no content."""
    flat = squash(line).rstrip(":：")
    return flat.startswith(SECTION_PREFIXES) and len(flat) <= _MAX_LABEL


def lines_to_tail(lines: Iterable[str]) -> tuple[str, ...]:
    """The title and year lines that end a page (a page number after them aside): the heading
    of a table that starts on the next page. Empty when the page ends otherwise.

    >>> lines_to_tail(["总分 100 95", "财政项目支出绩效自评表", "（2024年度）", "— 11 —"])
    ('财政项目支出绩效自评表', '（2024年度）')
    >>> lines_to_tail(["财政项目支出绩效自评表", "（2024年度）", "项目名称 某项目", "— 11 —"])
    ()
    """
    return _joined_to_tail([line for line in join_title_lines(lines) if line])


def _joined_to_tail(joined: Sequence[str]) -> tuple[str, ...]:
    """:func:`lines_to_tail` of the lines as :func:`join_title_lines` gives them (stripped),
    empty lines left out."""
    joined = list(joined)
    while joined and _FOLIO.match(squash(joined[-1])):
        joined.pop()
    tail: list[str] = []
    while joined and (self_evaluation_title(joined[-1]) is not None or is_year_line(joined[-1])):
        tail.insert(0, joined.pop())
    return tuple(tail)


def chars_to_lines(chars: Sequence[Char]) -> list[str]:
    """A page's lines of text from its characters: characters whose tops lie within half a
    character's height of each other are one line, read left to right.

    >>> placed = (("表", 30, 100), ("评", 20, 101), ("自", 10, 100), ("项", 10, 130))
    >>> chars = [{"text": t, "x0": x, "top": y, "bottom": y + 10} for t, x, y in placed]
    >>> chars_to_lines(chars)
    ['自评表', '项']
    """
    lines: list[list[Char]] = []
    for char in sorted(chars, key=lambda c: (float(c["top"]), float(c["x0"]))):
        height = float(char["bottom"]) - float(char["top"])
        if lines and float(char["top"]) - float(lines[-1][0]["top"]) <= height / 2:
            lines[-1].append(char)
        else:
            lines.append([char])
    return [
        "".join(str(c["text"]) for c in sorted(line, key=lambda c: float(c["x0"])))
        for line in lines
    ]
