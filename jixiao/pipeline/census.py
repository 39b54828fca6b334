"""Nothing dropped silently: every 自评表 a file shows is read, or named in a problem.

The readers find tables by their cells; this module counts 自评表 another way, by the titles
printed above them (``…项目支出绩效自评表``, ``…績效自評表``, ``部门整体…绩效…表``: a line for which
:func:`~jixiao.core.vocabulary.self_evaluation_title` gives a title), and checks the two counts
against each other. Each title is matched with the table read under it; a title left over — a
table on a page the reader could not read, a layout it did not take for a 自评表, a table in
characters it did not know — becomes a ``table_not_read`` problem naming the title and its page
or line. A grid the reader skipped as "not a 自评表" while it looks like one (a 自评表 title, or
自评/绩效 words in its cells) is a ``table_not_read`` problem too, not a quiet skip.

Matching, in reading order. In a text file, a table takes the title closest above it. In a
PDF, a table takes a title on the page where it starts (in order: two tables on a page take the
two titles there), else one at the bottom of the page before; a title repeated on the pages a
table runs onto is that table's. A title that no table took is not read — unless it is a
heading that introduces the tables after it (``附件：项目支出绩效自评表`` followed by titled
tables; a title followed by another title with no table between them: ``XX局2022年度项目支出
绩效自评表`` under ``第五部分 附件``). A title at the bottom of a page whose table starts on the
next page is that table's (the PDF reader gives the table its title and year; here a table
takes the title it printed before another free one).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from jixiao.core.labels import label_key
from jixiao.core.problems import make_problem
from jixiao.core.vocabulary import SECTION_PREFIXES, is_self_evaluation, self_evaluation_title
from jixiao.model.grid import Grid, Title
from jixiao.model.source import Problem, Source

__all__ = [
    "SeenGrid",
    "is_section",
    "titles_to_problems",
]


@dataclass(frozen=True, slots=True)
class SeenGrid:
    """A grid a reader gave: read as a table (``read``), or skipped as not a 自评表."""

    grid: Grid
    read: bool


def is_section(title: Title) -> bool:
    """A heading that may introduce several tables: ``附件：…自评表``, or a title line that
    another title follows with no table between them (:attr:`Title.heading`:
    ``XX局2022年度项目支出绩效自评表`` over the titled tables of an annex)."""
    return title.heading or label_key(title.text).startswith(SECTION_PREFIXES)


def _looks_like_one(grid: Grid) -> bool:
    """Whether a grid the reader skipped looks like a 自评表 all the same: a 自评表 title, or
    cells that speak of 自评 or 绩效指标."""
    if grid.title and self_evaluation_title(grid.title):
        return True
    return is_self_evaluation(grid.texts(), loosely=True)


@dataclass(slots=True)
class _Matching:
    titles: list[Title]
    taken: set[int]
    left: list[Title]
    grid_lines: tuple[int, ...] = ()  # where the grids of a text file start

    def resolve_before(self, index: int) -> None:
        """Titles before ``index`` that no table took are left over, but for a heading that
        other titles follow (it introduces their tables)."""
        for earlier in range(index):
            if earlier not in self.taken:
                self.taken.add(earlier)
                followed = earlier + 1 < len(self.titles)
                if not ((is_section(self.titles[earlier]) or self._heads(earlier)) and followed):
                    self.left.append(self.titles[earlier])

    def _heads(self, index: int) -> bool:
        """In a text file: no table starts between this title and the next (a heading over
        titled tables; a PDF's reader marks those itself, :attr:`Title.heading`)."""
        line, after = self.titles[index].source.line, index + 1
        if line is None or after >= len(self.titles):
            return False
        end = self.titles[after].source.line
        return end is not None and not any(line < start < end for start in self.grid_lines)


def titles_to_problems(
    titles: Sequence[Title], grids: Sequence[SeenGrid], problems: Sequence[Problem]
) -> list[Problem]:
    """``table_not_read`` problems: for each title no table was read under, and for each
    skipped grid that looks like a 自评表 (a skipped grid that does not is ``not_self_eval``).
    ``problems``: what the readers reported for the file (a page problem gives the reason a
    title's table was not read)."""
    lines = tuple(seen.grid.line_start for seen in grids if seen.grid.line_start is not None)
    matching = _Matching(list(titles), set(), [], lines)
    found: list[Problem] = []
    for seen in sorted(grids, key=_grid_order):
        index = _title_of(matching, seen.grid)
        title = matching.titles[index] if index is not None else None
        if index is not None:
            matching.resolve_before(index)
            matching.taken.add(index)
            _take_repeats(matching, seen.grid, title)
        if seen.read:
            continue
        if title is not None or _looks_like_one(seen.grid):
            text = title.text if title else (seen.grid.title or "")
            found.append(_not_read(text, title.source if title else seen.grid.source, _SKIPPED))
        else:
            found.append(_not_self_evaluation(seen.grid))
    matching.resolve_before(len(matching.titles))
    found += [_not_read(t.text, t.source, _reason(t.source, problems)) for t in matching.left]
    return sorted(found, key=lambda p: (p.source.page or 0, p.source.line or 0))


def _grid_order(seen: SeenGrid) -> tuple[int, int]:
    return (seen.grid.page_start or 0, seen.grid.line_start or 0)


def _title_of(matching: _Matching, grid: Grid) -> int | None:
    """The title a grid takes (an index into ``matching.titles``), if any."""
    free = [i for i in range(len(matching.titles)) if i not in matching.taken]
    if grid.line_start is not None:  # text: the closest title above the table
        above = [i for i in free if (matching.titles[i].source.line or 0) < grid.line_start]
        return above[-1] if above else None
    page = grid.page_start or 0
    printed = (grid.title_page,) if grid.title_page is not None else (page, page - 1)
    for on in printed:  # the title the table printed: on its page, or the page before
        same = [
            i
            for i in free
            if matching.titles[i].source.page == on
            and _same_title(matching.titles[i].text, grid.title)
        ]
        if same:
            return same[0] if on == page else same[-1]
    for on in (page, page - 1):
        here = [i for i in free if matching.titles[i].source.page == on]
        if here:
            return here[0] if on == page else here[-1]
    return None


def _take_repeats(matching: _Matching, grid: Grid, title: Title | None) -> None:
    """A title printed again on the pages a table runs onto belongs to that table."""
    if title is None or grid.page_start is None or grid.page_end is None:
        return
    for index, other in enumerate(matching.titles):
        page = other.source.page or 0
        if (
            index not in matching.taken
            and grid.page_start < page <= grid.page_end
            and _same_title(other.text, title.text)
        ):
            matching.taken.add(index)


def _same_title(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and label_key(a) == label_key(b)


_SKIPPED = "其栏目与已知的自评表版式不符，未能按自评表读取"
#: Why a page's table was not read, from the readers' problems on that page.
_PAGE_REASONS = {
    "scanned_page": "该页是扫描图像，没有文字层",
    "unreadable_text": "该页文字无法解码",
    "unreadable_pdf": "该页无法解析",
    "table_not_found": "该页没有找到带表格线的表格",
}


def _reason(source: Source, problems: Sequence[Problem]) -> str:
    if source.page is not None:
        for problem in problems:
            if problem.code in _PAGE_REASONS and _on_page(problem, source.page):
                return _PAGE_REASONS[problem.code]
    return "标题下没有读出表格"


def _on_page(problem: Problem, page: int) -> bool:
    pages = {problem.source.page}
    if problem.code == "unreadable_text" and problem.found:
        pages |= {int(p) for p in problem.found.split(",") if p.isdigit()}
    return page in pages


def _not_self_evaluation(grid: Grid) -> Problem:
    first = next(grid.iter_nonempty(), None)
    preview = first.text.strip()[:30] if first else ""
    return make_problem(
        "not_self_eval",
        f"该表格不是绩效自评表，已跳过（首个单元格：“{preview}”）",
        grid.source,
        found=preview,
    )


def _not_read(title: str, source: Source, reason: str) -> Problem:
    where = f"第{source.page}页" if source.page is not None else f"第{source.line}行"
    name = f"“{title}”" if title else "一个像自评表的表格"
    return make_problem(
        "table_not_read",
        f"{where}的{name}是自评表，但没有读出：{reason}",
        source,
        "title",
        found=title,
    )
