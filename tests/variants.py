"""Metamorphic variants of the real 自评表: each table printed the ways other publishers print it.

Each real table of ``../shared/real`` (its tab-separated text ``inputs/tsv/<id>.txt`` and its truth
``truth/<id>.json``) is rewritten into variants that a reader should read the same, each with the
truth it must be read as (:class:`Variant`):

- ``control``: the table as it is (what every other variant is measured against);
- ``synonym``: one header label of the 绩效指标 or 项目资金 block replaced by another publisher's
  wording for the same role (``tests/header_synonyms.toml``: wordings seen outside the real
  tables, each with its source);
- ``reorder``: the 分值 column moved before the target (or after the actual, where it stood
  before), or 得分 and the note column swapped;
- ``drop``: the note, score or weight column left out: its fields are expected blank (missing,
  not wrong), and so is the 总分 row's cell that stood in it;
- ``extra``: a column added that no field takes (计量单位, 指标性质, 得分计算方法, 是否核心指标,
  复核分, 备注), with plausible contents;
- ``wrap`` / ``space``: header labels or 三级指标 names split over two lines inside their cell,
  or spaced out character by character as PDFs print them (``产 出 指 标``);
- ``split``: the table cut into two pages at a row boundary (every one in turn), the pages
  separated by a form feed, with the 绩效指标 header printed again on the second page or not.

All functions are pure: text and truth in, variants out. The readers see a variant as a text
file; :func:`read_variant` reads one through the real pipeline and :func:`classify` compares
what it read with the variant's truth, field by field, by the rules of the shared ``eval.py``.
"""

from __future__ import annotations

import copy
import json
import tomllib
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import opencc
import regex

from tests.truth_compare import norm, same, truth_indicator, truth_table

ROOT = Path(__file__).resolve().parent.parent
#: The shared real tables: beside the clone (as CI lays them out), else the workplace's.
_BESIDE = ROOT.parent / "shared" / "real"
SHARED_REAL = _BESIDE if _BESIDE.is_dir() else Path("/work/shared/real")
SYNONYMS_FILE = Path(__file__).resolve().parent / "header_synonyms.toml"

Truth = dict[str, Any]
Row = list[str]

_T2S = opencc.OpenCC("t2s")
_SPACE = regex.compile(r"\s+")
_POINTS_IN_LABEL = regex.compile(r"\d+\s*分")  # a label that carries points: 得分(20分*执行率)


def label_key(text: str) -> str:
    """A header label as compared: width-folded, simplified, without spaces
    (``年度 指標值（A）`` → ``年度指标值(A)``)."""
    return str(_T2S.convert(_SPACE.sub("", unicodedata.normalize("NFKC", text))))


# -- the roles of the real tables' own labels ------------------------------------------------------
# What the generator knows of the tables it rewrites (not what the reader knows): the role of
# each header label that the real tables print, to find the columns a variant moves or renames.

INDICATOR_ROLES = {
    "一级指标": "level1",
    "二级指标": "level2",
    "三级指标": "level3",
    "指标名称": "level3",
    "评价内容": "level3",
    "年度指标值": "target",
    "年度指标值(A)": "target",
    "年初目标值(A)": "target",
    "年初指标值": "target",
    "预期指标值": "target",
    "指标值": "target",
    "实际完成值": "actual",
    "实际完成值(B)": "actual",
    "全年实际值": "actual",
    "全年实际值(B)": "actual",
    "全年完成值": "actual",
    "完成值": "actual",
    "实际完成指标值": "actual",
    "年终完成值": "actual",
    "单项指标实际完成值": "actual",
    "分值": "weight",
    "权重": "weight",
    "指标权重(分)": "weight",
    "得分": "score",
    "指标得分(分)": "score",
    "自评分": "score",
    "单项指标得分": "score",
    "偏差原因分析及改进措施": "note",
    "未完成原因及改进措施": "note",
    "未完成原因及拟采取的改进措施": "note",
    "未完成原因分析": "note",
}
FUNDS_ROLES = {
    "年初预算数": "budget_initial",
    "年初预算": "budget_initial",
    "年初预算数(A)": "budget_initial",
    "全年预算数": "budget_adjusted",
    "全年预算数(A)": "budget_adjusted",
    "调整后预算数": "budget_adjusted",
    "预算数(A)": "budget_adjusted",
    "预算数:": "budget_adjusted",
    "转移支付预算数(A)": "budget_adjusted",
    "全年执行数": "spent",
    "全年执行数(B)": "spent",
    "预算执行数": "spent",
    "执行数(B)": "spent",
    "执行数:": "spent",
    "转移支付执行数(B)": "spent",
    "分值": "weight",
    "权重": "weight",
    "执行率权重": "weight",
    "执行率": "rate",
    "执行率(%)": "rate",
    "执行率(B/A)": "rate",
    "预算执行率": "rate",
    "预算执行率(B/A)": "rate",
    "得分": "score",
    "执行率得分": "score",
    "执行率得分(分)": "score",
}
#: Labels of a split target (operator | value | unit in columns of their own): such a table's
#: 指标值 is only the value, so its target column is not renamed or moved.
_SPLIT_TARGET = {"指标性质", "符号", "度量单位", "单位(文字描述)"}
_TOTAL_WORDS = ("总分", "合计", "总得分", "自评总分")
#: The truth fields of an indicator, by the role of its column.
_TRUTH_FIELD = {"target": "target", "actual": "actual", "weight": "weight", "score": "score",
                "note": "note"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class RealTable:
    """One real table: its id, its tab-separated text and its truth."""

    table_id: str
    text: str
    truth: Truth

    @property
    def family(self) -> str:
        return str(self.truth["family"])


@dataclass(frozen=True, slots=True)
class Variant:
    """A real table rewritten: the text a reader gets and the truth it must read.

    ``kind`` is the family of rewriting (``synonym``, ``split`` …), ``name`` what was done
    (``target=年度目标值``); ``variant_id`` names it in test ids and reports.
    """

    table_id: str
    kind: str
    name: str
    text: str
    truth: Truth = field(repr=False)

    @property
    def variant_id(self) -> str:
        return f"{self.table_id}/{self.kind}/{self.name}"


@dataclass(frozen=True, slots=True)
class Synonym:
    """A header wording seen in a published table outside the real set."""

    block: str  # "indicators" or "funds"
    role: str
    label: str
    source: str


def load_synonyms(path: Path = SYNONYMS_FILE) -> tuple[Synonym, ...]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return tuple(Synonym(**entry) for entry in data["synonym"])


def load_real_tables(root: Path = SHARED_REAL) -> tuple[RealTable, ...]:
    """Every real table that has a text form of its own (one table per text file)."""
    manifest = json.loads((root / "inputs" / "MANIFEST.json").read_text(encoding="utf-8"))
    tables = []
    for name, entry in sorted(manifest["files"].items()):
        if not name.startswith("tsv/") or len(entry["ids"]) != 1:
            continue
        table_id = entry["ids"][0]
        truth = json.loads((root / "truth" / f"{table_id}.json").read_text(encoding="utf-8"))
        text = (root / "inputs" / name).read_text(encoding="utf-8")
        tables.append(RealTable(table_id, text, truth))
    return tuple(tables)


# -- the layout of a table's text ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Layout:
    """Where a table's parts are in its lines (indices into ``text.split("\\n")``)."""

    lines: tuple[str, ...]
    first_row: int  # the first tab-separated line
    last_row: int  # the last tab-separated line
    funds_header: int | None
    funds_roles: dict[int, str]  # column → role, in the funds header
    header: int | None  # the 绩效指标 header line
    header_rows: int  # 1, or 2 with a sub-header (指标性质 | 指标值 | 度量单位)
    roles: dict[int, str]  # column → role, in the 绩效指标 header
    split_target: bool  # operator, value and unit in columns of their own

    def row(self, index: int) -> Row:
        return self.lines[index].split("\t")

    def column(self, role: str) -> int | None:
        return next((c for c, r in self.roles.items() if r == role), None)

    @property
    def body_start(self) -> int:
        assert self.header is not None
        return self.header + self.header_rows


def text_to_layout(text: str) -> Layout:
    """Find the header lines of a table's text and the role of each of their columns."""
    lines = tuple(text.split("\n"))
    rows = [i for i, line in enumerate(lines) if "\t" in line]
    header = funds_header = None
    roles: dict[int, str] = {}
    funds_roles: dict[int, str] = {}
    for i in rows:
        keys = [label_key(cell) for cell in lines[i].split("\t")]
        found = {c: INDICATOR_ROLES[k] for c, k in enumerate(keys) if k in INDICATOR_ROLES}
        if header is None and len(found) >= 3 and "level3" in found.values():
            header, roles = i, found
            break
        money = {c: FUNDS_ROLES[k] for c, k in enumerate(keys) if k in FUNDS_ROLES}
        amounts = {*money.values()} & {"budget_adjusted", "spent"}
        if funds_header is None and amounts and len(money) >= 2:
            funds_header, funds_roles = i, money
    header_rows = 1
    split_target = False
    if header is not None:
        printed = {label_key(cell) for cell in lines[header].split("\t")}
        following = header + 1
        below = (
            {label_key(c) for c in lines[following].split("\t")}
            if following < len(lines)
            else set()
        )
        if below & _SPLIT_TARGET and not below & {"产出指标"}:
            header_rows = 2
        split_target = bool((printed | below) & _SPLIT_TARGET)
    return Layout(
        lines, rows[0], rows[-1], funds_header, funds_roles, header, header_rows, roles,
        split_target,
    )  # fmt: skip


def _with_lines(layout: Layout, changed: dict[int, str]) -> str:
    return "\n".join(changed.get(i, line) for i, line in enumerate(layout.lines))


def _is_total(row: Row) -> bool:
    return any(label_key(cell).startswith(_TOTAL_WORDS) for cell in row[:3])


def _block_rows(layout: Layout) -> range:
    """The lines of the 绩效指标 block: its header to the table's last row."""
    assert layout.header is not None
    return range(layout.header, layout.last_row + 1)


def _rewrite_block(layout: Layout, change: Callable[[int, Row], Row]) -> str:
    """The text with every line of the 绩效指标 block rewritten, padded to the header's width."""
    width = len(layout.row(layout.header or 0))
    changed = {}
    for i in _block_rows(layout):
        if "\t" not in layout.lines[i]:
            continue
        row = layout.row(i)
        row += [""] * (width - len(row))
        changed[i] = "\t".join(change(i, row))
    return _with_lines(layout, changed)


# -- synonyms --------------------------------------------------------------------------------------


def synonym_variants(table: RealTable, synonyms: Sequence[Synonym]) -> Iterator[Variant]:
    """One variant per wording of a role the table's header has: its label replaced."""
    layout = text_to_layout(table.text)
    for synonym in synonyms:
        if synonym.block == "indicators":
            line, roles = layout.header, layout.roles
            if synonym.role == "target" and layout.split_target:
                continue
        else:
            line, roles = layout.funds_header, layout.funds_roles
        if line is None:
            continue
        row = layout.row(line)
        columns = [c for c, role in roles.items() if role == synonym.role]
        if len(columns) != 1 or _POINTS_IN_LABEL.search(row[columns[0]]):
            continue  # no such column, or a label that carries information (得分(20分*执行率))
        if label_key(row[columns[0]]) == label_key(synonym.label):
            continue
        row[columns[0]] = synonym.label
        text = _with_lines(layout, {line: "\t".join(row)})
        name = f"{synonym.block}.{synonym.role}={synonym.label}"
        yield Variant(table.table_id, "synonym", name, text, table.truth)


# -- columns reordered, dropped, added -------------------------------------------------------------


def _move(row: Row, source: int, before: int) -> Row:
    cells = list(row)
    cell = cells.pop(source)
    cells.insert(before - (1 if source < before else 0), cell)
    return cells


def reorder_variants(table: RealTable) -> Iterator[Variant]:
    """分值 moved to the other side of the target and actual; 得分 and the note swapped."""
    layout = text_to_layout(table.text)
    if layout.header is None:
        return
    weight, target = layout.column("weight"), layout.column("target")
    actual = layout.column("actual")
    if weight is not None and target is not None and actual is not None and not layout.split_target:
        if weight > actual:
            destination, name = target, "weight-before-target"
        else:
            destination, name = actual + 1, "weight-after-actual"
        text = _rewrite_block(layout, lambda _i, row: _move(row, weight, destination))
        yield Variant(table.table_id, "reorder", name, text, table.truth)
    score, note = layout.column("score"), layout.column("note")
    if score is not None and note is not None:

        def swap(_i: int, row: Row) -> Row:
            cells = list(row)
            cells[score], cells[note] = cells[note], cells[score]
            return cells

        text = _rewrite_block(layout, swap)
        yield Variant(table.table_id, "reorder", "score-note-swapped", text, table.truth)


def drop_variants(table: RealTable) -> Iterator[Variant]:
    """The note, score or weight column left out; its fields expected blank."""
    layout = text_to_layout(table.text)
    if layout.header is None:
        return
    for role in ("note", "score", "weight"):
        column = layout.column(role)
        if column is None:
            continue
        truth = copy.deepcopy(table.truth)
        for indicator in truth["indicators"]:
            if indicator.get(_TRUTH_FIELD[role]) is not None:
                indicator[_TRUTH_FIELD[role]] = ""
        for i in _block_rows(layout):
            row = layout.row(i)
            if _is_total(row) and column < len(row) and row[column].strip():
                total = {"score": "total_score", "weight": "total_weight"}.get(role)
                if total and truth.get(total) is not None:
                    truth[total] = ""
        text = _rewrite_block(layout, _without(column))
        yield Variant(table.table_id, "drop", role, text, truth)


def _without(column: int) -> Callable[[int, Row], Row]:
    def change(_i: int, row: Row) -> Row:
        return row[:column] + row[column + 1 :]

    return change


_UNIT = regex.compile(r"(?:\d|\d\s*)(?P<unit>%|‰|[^\d\s.,%‰≥≤<>=＝≧≦()（）]{1,4})\s*\)?\s*$")


def _unit_of(target: str) -> str:
    match = _UNIT.search(target.strip())
    return match["unit"] if match else ""


def extra_variants(table: RealTable) -> Iterator[Variant]:
    """A column no field takes, added with plausible contents."""
    layout = text_to_layout(table.text)
    if layout.header is None:
        return
    level3, target = layout.column("level3"), layout.column("target")
    score = layout.column("score")
    width = len(layout.row(layout.header))
    body = layout.body_start

    def is_indicator(i: int, row: Row) -> bool:
        return i >= body and level3 is not None and bool(row[level3].strip()) and not _is_total(row)

    def add(label: str, at: int, content: Callable[[int, Row], str]) -> Callable[[int, Row], Row]:
        def change(i: int, row: Row) -> Row:
            cell = label if i == layout.header else content(i, row) if is_indicator(i, row) else ""
            return [*row[:at], cell, *row[at:]]

        return change

    def target_text(row: Row) -> str:
        return row[target] if target is not None else ""

    after_name = (level3 + 1) if level3 is not None else width
    extras: list[tuple[str, int, Callable[[int, Row], str]]] = [
        ("得分计算方法", width, lambda _i, _row: "按完成比例计分，满分为该指标分值"),
        ("是否核心指标", width, lambda i, _row: "是" if i % 2 else "否"),
        ("备注", width, lambda i, _row: "无" if i % 3 == 0 else ""),
    ]
    if not layout.split_target:  # a table that splits its target has its unit column already
        extras.append(("计量单位", after_name, lambda _i, row: _unit_of(target_text(row))))
        extras.append(
            ("指标性质", after_name,
             lambda _i, row: "定量" if regex.search(r"\d", target_text(row)) else "定性")
        )  # fmt: skip
    if score is not None:
        extras.append(("复核分", score + 1, lambda _i, row: row[score]))
    printed = {label_key(cell) for cell in layout.row(layout.header)}
    for label, at, content in extras:
        if label_key(label) in printed:
            continue  # a second column of a label the table prints already
        text = _rewrite_block(layout, add(label, at, content))
        yield Variant(table.table_id, "extra", label, text, table.truth)


# -- text wrapped and spaced -----------------------------------------------------------------------


def _quoted(text: str) -> str:
    """A cell over two lines, quoted as a spreadsheet pastes it."""
    return '"' + text.replace('"', '""') + '"'


def _wrap(text: str) -> str:
    text = text.strip()
    half = len(text) // 2
    return _quoted(text[:half] + "\n" + text[half:])


_CJK = regex.compile(r"\p{Han}")


def _spaced(text: str) -> str:
    """Spaces between the characters before any parenthesis: ``产 出 指 标(50分)``."""
    stripped = text.strip()
    cut = min((stripped.find(p) for p in "(（" if p in stripped), default=len(stripped))
    letters = stripped[:cut].replace(" ", "")
    if not _CJK.search(letters):
        return text
    return " ".join(letters) + stripped[cut:]


def wrap_variants(table: RealTable) -> Iterator[Variant]:
    """Header labels and 三级指标 names over two lines; labels and 一级指标 spaced out."""
    layout = text_to_layout(table.text)
    if layout.header is None:
        return

    def header_cells(change: Callable[[str], str], *, minimum: int) -> str:
        changed = {}
        for line in (layout.header, layout.funds_header):
            if line is None:
                continue
            row = [change(c) if len(label_key(c)) >= minimum else c for c in layout.row(line)]
            changed[line] = "\t".join(row)
        return _with_lines(layout, changed)

    yield Variant(table.table_id, "wrap", "header-labels", header_cells(_wrap, minimum=4),
                  table.truth)  # fmt: skip
    yield Variant(table.table_id, "space", "header-labels", header_cells(_spaced, minimum=2),
                  table.truth)  # fmt: skip
    level3, level1 = layout.column("level3"), layout.column("level1")
    body = layout.body_start
    if level3 is not None:

        def wrap_name(i: int, row: Row) -> Row:
            if i >= body and len(label_key(row[level3])) >= 6 and not _is_total(row):
                row = [*row[:level3], _wrap(row[level3]), *row[level3 + 1 :]]
            return row

        text = _rewrite_block(layout, wrap_name)
        yield Variant(table.table_id, "wrap", "level3-names", text, table.truth)
    if level1 is not None:

        def space_group(i: int, row: Row) -> Row:
            if i >= body and row[level1].strip() and not _is_total(row):
                row = [*row[:level1], _spaced(row[level1]), *row[level1 + 1 :]]
            return row

        text = _rewrite_block(layout, space_group)
        yield Variant(table.table_id, "space", "level1-groups", text, table.truth)


# -- page splits -----------------------------------------------------------------------------------


def split_variants(table: RealTable) -> Iterator[Variant]:
    """The table cut into two pages at every row boundary: a form feed between the pages, and
    inside the 绩效指标 block also a second page that repeats the block's header."""
    layout = text_to_layout(table.text)
    rows = [i for i in range(layout.first_row, layout.last_row + 1) if "\t" in layout.lines[i]]
    header_lines: list[str] = []
    if layout.header is not None:
        header_lines = list(layout.lines[layout.header : layout.body_start])
    for cut in rows[1:]:
        before = layout.lines[:cut]
        after = layout.lines[cut:]
        number = rows.index(cut)
        text = "\n".join([*before, "\f", *after])
        yield Variant(table.table_id, "split", f"row{number:02d}", text, table.truth)
        if header_lines and layout.header is not None and cut > layout.body_start:
            text = "\n".join([*before, "\f", *header_lines, *after])
            yield Variant(table.table_id, "split-header", f"row{number:02d}", text, table.truth)


# -- every variant ---------------------------------------------------------------------------------

KINDS = ("control", "synonym", "reorder", "drop", "extra", "wrap", "space", "split",
         "split-header")  # fmt: skip


def table_to_variants(table: RealTable, synonyms: Sequence[Synonym]) -> list[Variant]:
    """Every variant of one real table, the control first."""
    return [
        Variant(table.table_id, "control", "as-published", table.text, table.truth),
        *synonym_variants(table, synonyms),
        *reorder_variants(table),
        *drop_variants(table),
        *extra_variants(table),
        *wrap_variants(table),
        *split_variants(table),
    ]


def all_variants(
    tables: Sequence[RealTable] | None = None, synonyms: Sequence[Synonym] | None = None
) -> list[Variant]:
    tables = load_real_tables() if tables is None else tables
    synonyms = load_synonyms() if synonyms is None else synonyms
    return [v for table in tables for v in table_to_variants(table, synonyms)]


# -- reading a variant and judging it --------------------------------------------------------------

RIGHT, HONEST, COMPLETE_WRONG, LOST = "right", "honest", "complete-and-wrong", "lost"


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a variant was read: fields right of fields compared, the read status of its
    tables, its class, and the fields that differ (``where: truth ≠ got``)."""

    variant_id: str
    kind: str
    table_id: str
    right: int
    fields: int
    statuses: tuple[str, ...]
    verdict: str
    differences: tuple[str, ...]


def classify(
    variant: Variant,
    tables: Sequence[Mapping[str, Any]],
    indicators: Sequence[Mapping[str, Any]],
    problems: Sequence[Mapping[str, Any]],
) -> Outcome:
    """Compare what was read from a variant (the rows of the tables, indicators and problems
    frames) with its truth.

    ``right``: every field as the truth. ``honest``: some field differs, and no table read from
    the variant says ``complete``, and a problem says why. ``complete-and-wrong``: some field
    differs and a table read from it says ``complete``. ``lost``: some field differs (or no
    table was read) and nothing says so: no table ``complete``, but no problem either.
    """
    truth = variant.truth
    table_fields = {k: v for k, v in truth_table(truth).items() if v is not None}
    wanted = [
        {k: v for k, v in truth_indicator(ind).items() if v is not None}
        for ind in truth["indicators"]
    ]
    n_fields = len(table_fields) + sum(len(w) for w in wanted)
    name = norm(truth.get("project_name"))
    chosen = next((t for t in tables if norm(t.get("project_name")) == name), None)
    if chosen is None and tables:
        chosen = tables[0]
    differences: list[str] = []
    right = 0
    if chosen is not None:
        for key, value in table_fields.items():
            if same(key, value, chosen.get(key)):
                right += 1
            else:
                differences.append(f"{key}: {value!r} ≠ {chosen.get(key)!r}")
        rows = sorted(
            (r for r in indicators if r.get("table_id") == chosen["table_id"]),
            key=lambda r: int(r.get("seq") or 0),
        )
        for seq, fields in enumerate(wanted):
            got = rows[seq] if seq < len(rows) else {}
            for key, value in fields.items():
                if got and same(key, value, got.get(key)):
                    right += 1
                else:
                    differences.append(
                        f"ind{seq + 1} {key}: {value!r} ≠ {got.get(key, '<no row>')!r}"
                    )
        if len(rows) != len(wanted):
            differences.append(f"{len(rows)} indicators read, the truth has {len(wanted)}")
    else:
        differences.append("no table read")
    if len(tables) > 1:
        differences.append(f"{len(tables)} tables read, the truth has 1")
    statuses = tuple(str(t.get("read_status")) for t in tables)
    if not differences:
        verdict = RIGHT
    elif "complete" in statuses:
        verdict = COMPLETE_WRONG
    elif problems:
        verdict = HONEST
    else:
        verdict = LOST
    return Outcome(variant.variant_id, variant.kind, variant.table_id, right, n_fields, statuses,
                   verdict, tuple(differences))  # fmt: skip


def read_variant(variant: Variant, folder: Path) -> Outcome:
    """Read a variant as a text file in ``folder`` through the whole pipeline, and judge it."""
    safe = regex.sub(r"[^\w.-]+", "_", variant.variant_id)
    path = folder / f"{safe}.txt"
    path.write_text(variant.text, encoding="utf-8")
    return read_variant_file(variant, path)


def read_variant_file(variant: Variant, path: Path) -> Outcome:
    """Read a file that prints a variant (its PDF, ``tests/variant_pdfs/``) through the whole
    pipeline, and judge it against the variant's truth."""
    from jixiao.pipeline.discover import InputFile  # noqa: PLC0415 - jixiao loads only to read
    from jixiao.pipeline.runner import file_to_result  # noqa: PLC0415
    from jixiao.score import load_policy  # noqa: PLC0415

    result = file_to_result(InputFile(path, path.name), (_policy(load_policy),))
    rows = result.rows
    return classify(variant, rows.tables, rows.indicators, rows.problems)


#: The bar of issue #24, per kind of variant and over all: this share of fields right, and no
#: variant complete yet wrong (nor lost).
BAR = 0.97


def bar_failures(chosen: Sequence[Outcome], bar: float = BAR) -> list[str]:
    """Why some outcomes miss the bar: the share of fields right below it, and each variant
    that is complete yet wrong or lost, with its first differences; empty when they clear it."""
    right = sum(o.right for o in chosen)
    fields = sum(o.fields for o in chosen)
    share = right / fields if fields else 1.0
    found = [f"{right}/{fields} = {share:.3f} of fields right, below {bar}"] if share < bar else []
    wrong = [o for o in chosen if o.verdict in (COMPLETE_WRONG, LOST)]
    found += [f"{o.verdict} {o.variant_id}: {'; '.join(o.differences[:3])}" for o in wrong]
    return found


_POLICY: list[Any] = []


def _policy(load: Callable[[str], Any]) -> Any:
    if not _POLICY:
        _POLICY.append(load("national"))
    return _POLICY[0]
