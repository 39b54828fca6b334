"""The spot-check report: content (HTML level), problem ↔ cell matching, limits, and a real
browser rendering the report of the fixture run (headless chromium)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import markupsafe
import pandas as pd
import pytest
import regex
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from jixiao.cli.main import main
from jixiao.core.problems import CODES
from jixiao.normalize import clean_text, parse_decimal
from jixiao.pipeline.discover import discover
from jixiao.pipeline.locate import ProblemRow, record_to_problem_row
from jixiao.pipeline.runner import run
from jixiao.report.build import (
    DEFAULT_LIMIT,
    frames_to_report,
    load_renderer,
    table_order,
    write_report,
)
from jixiao.report.html import SEVERITY_NAMES, environment, escape_text, report_to_html
from jixiao.report.model import SEVERITIES
from jixiao.score import Frames, auto_candidates, load_policy
from jixiao.score.disagreement import fmt
from tests.conftest import ROOT, SEED
from tests.test_score_checks import Sheet

FIXTURE_DIRS = [ROOT / "fixtures" / name for name in ("seed", "pdf", "synthetic")]
# Problems about a whole table (or a group of rows): listed on the card, no cell.
TABLE_LEVEL = frozenset(
    {
        "year_mismatch",
        "missing_field",
        "missing_section",
        "missing_total",
        "group_points_mismatch",
        "group_score_above_points",
        "unknown_layout",
    }
)
# Problems about a whole row (a template row left unfilled): every cell of the row is marked,
# and ``found`` is the placeholder as read (``指标1`` for ``指标1:``), not a cell's text.
ROW_LEVEL = frozenset({"placeholder_row"})
HIGHLIGHTS = ((187, 222, 251), (255, 224, 178), (255, 205, 210))  # info, warning, error cells


# -- a small DOM of the report ------------------------------------------------------------------


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    parent: Node | None
    children: list[Node] = field(default_factory=list)
    text: list[str] = field(default_factory=list)

    def all_text(self) -> str:
        return "".join([*self.text, *(c.all_text() for c in self.children)])

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.walk()

    def ancestor(self, tag: str, attr: str) -> Node | None:
        node = self.parent
        while node is not None and not (node.tag == tag and attr in node.attrs):
            node = node.parent
        return node

    def problems(self) -> set[int]:
        return {int(i) for i in self.attrs.get("data-problems", "").split()}


class _Builder(HTMLParser):
    VOID = frozenset({"meta", "img", "br", "input", "link", "hr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in self.VOID:
            self.current = node

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.text.append(data)


def parse_html(text: str) -> Node:
    builder = _Builder()
    builder.feed(text)
    return builder.root


# -- the fixture run ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    frames: Frames
    files: dict[str, Path]
    html: str
    dom: Node
    path: Path

    def cards(self) -> dict[str, Node]:
        return {
            n.attrs["data-table"]: n
            for n in self.dom.walk()
            if n.tag == "section" and "data-table" in n.attrs
        }


def _run(inputs: list[Path], out: Path, limit: int = DEFAULT_LIMIT) -> Run:
    files = discover(inputs)
    result = run(files, (load_policy("national"),))
    sources = {f.name: f.path for f in files}
    path = write_report(result.frames, sources, out / "report.html", limit=limit)
    html = path.read_text(encoding="utf-8")
    return Run(result.frames, sources, html, parse_html(html), path)


@pytest.fixture(scope="module")
def fixture_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return _run(FIXTURE_DIRS, tmp_path_factory.mktemp("report"))


def _number(text: str) -> str | None:
    try:
        return fmt(parse_decimal(text))
    except ValueError:
        return None


def cell_agrees(found: str, text: str) -> bool:
    """Whether a highlighted cell's text is what the problem says was printed there."""
    cleaned = clean_text(text)
    return (
        not found
        or cleaned == found
        or _number(text) == found
        or (bool(cleaned) and cleaned in found)
    )


def _highlighted(card: Node, index: int, tag: str) -> list[Node]:
    return [n for n in card.walk() if n.tag == tag and index in n.problems()]


def frame_to_problem_rows(frame: pd.DataFrame) -> list[ProblemRow]:
    """The rows of a problems frame, missing values as ``None``/``""``."""
    records = frame.to_dict("records")
    return [
        record_to_problem_row(i, {str(k): v for k, v in r.items()}) for i, r in enumerate(records)
    ]


def _table_problems(run_: Run) -> list[ProblemRow]:
    return [p for p in frame_to_problem_rows(run_.frames.problems) if p.table_id]


# -- content ------------------------------------------------------------------------------------


def test_every_problem_row_is_listed_on_its_table_card(fixture_run: Run) -> None:
    cards = fixture_run.cards()
    listed = {
        int(n.attrs["data-problem"]): n
        for n in fixture_run.dom.walk()
        if n.tag == "li" and "data-problem" in n.attrs
    }
    assert len(listed) == len(fixture_run.frames.problems)
    for problem in frame_to_problem_rows(fixture_run.frames.problems):
        item = listed[problem.index]
        assert problem.message in item.all_text()
        card = item.ancestor("section", "data-table")
        if problem.table_id:
            assert card is cards[problem.table_id], problem
            assert problem.expected in item.all_text()
            assert problem.found in item.all_text()
        else:
            assert card is None
            assert "fileproblem" in item.attrs["class"]


def test_every_cell_problem_is_highlighted_on_the_right_cell(fixture_run: Run) -> None:
    cards = fixture_run.cards()
    problems = [p for p in _table_problems(fixture_run) if p.code not in TABLE_LEVEL]
    assert problems
    for problem in problems:
        card = cards[problem.table_id]
        tds = _highlighted(card, problem.index, "td")
        assert tds, f"no highlighted cell for {problem}"
        if problem.code in ROW_LEVEL:
            rows = {td.attrs.get("data-rc", "").split(",")[0] for td in tds}
            assert str(problem.row) in rows, problem
        else:
            assert any(cell_agrees(problem.found, td.all_text()) for td in tds), problem
        if problem.line is not None:
            assert all(td.attrs.get("data-line") == str(problem.line) for td in tds), problem
            lines = _highlighted(card, problem.index, "mark") + _highlighted(
                card, problem.index, "div"
            )
            assert lines, f"source line not highlighted for {problem}"
            assert all(
                (n.attrs.get("data-line") or n.parent.attrs.get("data-line"))  # type: ignore[union-attr]
                == str(problem.line)
                for n in lines
            )
        else:
            assert all(td.attrs.get("data-page") == str(problem.page) for td in tds), problem
            boxes = [
                n
                for n in _highlighted(card, problem.index, "div")
                if "box-hl" in n.attrs.get("class", "")
            ]
            assert boxes, f"no box on the page image for {problem}"


def test_summary_counts_match_the_frames(fixture_run: Run) -> None:
    by_id = {n.attrs["id"]: n.all_text() for n in fixture_run.dom.walk() if "id" in n.attrs}
    frames = fixture_run.frames
    assert by_id["n-files"] == str(len(fixture_run.files))
    assert by_id["n-tables"] == str(len(frames.tables))
    assert by_id["n-indicators"] == str(len(frames.indicators))
    assert by_id["n-problems"] == str(len(frames.problems))
    for severity, count in frames.problems["severity"].value_counts().items():
        assert by_id[f"n-{severity}"] == str(count)
    rows = [n for n in fixture_run.dom.walk() if n.tag == "tr" and "data-code" in n.attrs]
    counts = frames.problems["code"].value_counts()
    assert {r.attrs["data-code"]: r.children[-1].all_text() for r in rows} == {
        code: str(n) for code, n in counts.items()
    }
    for grade, n in frames.tables["grade"].value_counts().items():
        assert by_id[f"grade-{grade}"] == str(n)


# -- what the report says: counts per severity, codes with their Chinese names -----------------

#: One table with errors (a score above its weight, the weights and the total contradicted)
#: and warnings (a missing 偏差原因, a blank target): a badge per severity.
MIXED = Sheet(
    "mixed",
    [],
    rows=(
        ("甲完成数", "≥10次", "12次", "50", "60", ""),
        ("乙达标率", "≥90%", "72%", "40", "32", ""),
        ("丙完成率", "", "95%", "10", "10", ""),
    ),
)


@pytest.fixture(scope="module")
def mixed_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    folder = tmp_path_factory.mktemp("mixed")
    (folder / "mixed.txt").write_text(MIXED.text(), encoding="utf-8")
    (folder / "seed.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    return _run([folder], folder / "out")


def test_a_cards_badges_count_each_severity(mixed_run: Run) -> None:
    """``错误 4`` ``警告 2``, not ``错误 6`` for four errors and two warnings."""
    for table_id, card in mixed_run.cards().items():
        (heading,) = (n for n in card.children if n.tag == "h2")
        badges = [n.all_text() for n in heading.children if "sev-" in n.attrs.get("class", "")]
        problems = mixed_run.frames.problems
        counts = problems.loc[problems["table_id"] == table_id, "severity"].value_counts()
        expected = [f"{SEVERITY_NAMES[s]} {counts[s]}" for s in SEVERITIES if s in counts]
        assert badges == expected, table_id
    mixed = mixed_run.cards()["mixed.txt#1"]
    assert [n.all_text() for n in mixed.children[0].children][:2] == ["错误 4", "警告 2"]


def test_every_code_in_the_report_has_its_chinese_name(mixed_run: Run) -> None:
    """In the summary, on the cards and in the filter, a code is shown with its name."""
    shown = [n for n in mixed_run.dom.walk() if n.tag == "code"]
    assert shown
    for node in shown:
        code = node.all_text()
        holder = node.parent.parent if node.parent and node.parent.tag == "a" else node.parent
        assert holder is not None
        names = [n.all_text() for n in holder.children if n.attrs.get("class") == "codename"]
        assert names == [CODES[code].description], code
    options = next(n for n in mixed_run.dom.walk() if n.attrs.get("id") == "f-code").children
    for option in options[1:]:
        code = option.attrs["value"]
        assert option.all_text() == f"{CODES[code].description}（{code}）"


def test_a_problems_field_and_policy_are_named_in_chinese(mixed_run: Run) -> None:
    """No snake_case code in the place of a problem or in a rule: 得分, not score_reported."""
    snake = regex.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
    places = [n.all_text() for n in mixed_run.dom.walk() if n.attrs.get("class") == "where"]
    assert places
    assert [p for p in places if snake.search(p)] == []
    assert any("得分" in p for p in places)
    rules = [n.all_text() for n in mixed_run.dom.walk() if n.attrs.get("class") == "vals"]
    assert any("（政策 全国默认，national）" in r for r in rules)
    for rule in rules:  # a rule code only in brackets after its Chinese name
        for code in snake.findall(rule):
            assert f"（{code}）" in rule, rule


def test_a_card_says_how_sure_its_policy_is(tmp_path: Path) -> None:
    """Under ``--policy auto`` a card shows, beside the policy, how it was chosen and how many
    printed numbers it and the runner-up reproduce (#29)."""
    files = discover([SEED])
    result = run(files, auto_candidates())
    path = write_report(result.frames, {f.name: f.path for f in files}, tmp_path / "r.html")
    cards = [
        n
        for n in parse_html(path.read_text("utf-8")).walk()
        if n.tag == "section" and "data-table" in n.attrs
    ]
    facts = {
        card.attrs["data-table"]: next(
            c.all_text() for c in card.walk() if c.attrs.get("class") == "facts"
        )
        for card in cards
    }
    assert len(facts) == 6
    for record in result.frames.tables.to_dict("records"):
        fact, printed = facts[record["table_id"]], record["numbers_printed"]
        assert f"按同单位同年 6 张表推断，复核一致 {record['numbers_reproduced']}/{printed}" in fact
        assert f"次优 全国默认 {record['runner_up_reproduced']}/{printed}" in fact


def test_files_that_gave_no_table_are_listed_as_failed_or_without_tables(tmp_path: Path) -> None:
    """A file that could not be read is failed; one read to the end with no 自评表 in it is
    listed apart, as read (#25)."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SEED, inputs / "good.txt")
    (inputs / "broken.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    (inputs / "other.txt").write_text("收入支出决算总表\n项目\t金额\n", encoding="utf-8")
    result = _run([inputs], tmp_path)

    def by_id(name: str) -> Node:
        return next(n for n in result.dom.walk() if n.attrs.get("id") == name)

    assert [n.all_text() for n in by_id("failed-files").walk() if n.tag == "b"] == ["broken.pdf"]
    assert by_id("n-failed").all_text() == "1"
    without = [n.all_text() for n in by_id("files-without-tables").walk() if n.tag == "a"]
    assert without == ["other.txt"]
    assert by_id("n-without-tables").all_text() == "1"
    items = [n for n in result.dom.walk() if n.tag == "li" and "data-file" in n.attrs]
    assert {n.attrs["data-file"] for n in items} == {"broken.pdf", "other.txt"}


def test_report_is_self_contained(fixture_run: Run) -> None:
    html = fixture_run.html
    assert "http://" not in html
    assert "https://" not in html
    assert "<link" not in html
    assert "@import" not in html
    assert "url(" not in html
    nodes = list(fixture_run.dom.walk())
    assert not [n for n in nodes if n.tag == "script" and "src" in n.attrs]
    images = [n for n in nodes if n.tag == "img"]
    assert images
    assert all(n.attrs["src"].startswith("data:image/png;base64,") for n in images)


def test_problem_tables_come_first(fixture_run: Run) -> None:
    rank = {"sev-error": 0, "sev-warning": 1, "sev-info": 2, "sev-none": 3}
    cards = list(fixture_run.cards().values())
    ranks = [rank[next(c for c in n.attrs["class"].split() if c.startswith("sev-"))] for n in cards]
    assert ranks == sorted(ranks)
    assert ranks[0] < 3


def test_merged_cells_are_shown_as_merged(fixture_run: Run) -> None:
    card = next(c for c in fixture_run.cards().values() if c.attrs["data-table"].endswith(".pdf#1"))
    spans = [
        n for n in card.walk() if n.tag == "td" and ("rowspan" in n.attrs or "colspan" in n.attrs)
    ]
    assert spans
    project = next(n for n in card.walk() if n.tag == "td" and n.all_text() == "项目名称")
    value = project.parent.children[2]  # type: ignore[union-attr]
    assert int(value.attrs["colspan"]) > 1


def test_report_size_stays_reasonable(fixture_run: Run) -> None:
    tables = len(fixture_run.frames.tables)
    assert fixture_run.path.stat().st_size < tables * 80_000


# -- limits -------------------------------------------------------------------------------------


def test_report_limit_keeps_problem_tables_and_notes_the_rest(tmp_path: Path) -> None:
    result = _run([SEED.parent, ROOT / "fixtures" / "synthetic"], tmp_path, limit=3)
    cards = result.cards()
    assert len(cards) == 3
    with_problems = set(result.frames.problems["table_id"].dropna().astype(str))
    assert set(cards) <= with_problems
    note = next(n for n in result.dom.walk() if n.attrs.get("id") == "omitted")
    left_out = len(result.frames.tables) - 3
    assert f"未显示 {left_out} 张" in note.all_text()


@pytest.mark.parametrize(
    ("severities", "expected"),
    [
        pytest.param({}, ["a#1", "b#1", "c#1"], id="no-problems-keeps-run-order"),
        pytest.param({"c#1": ["info"]}, ["c#1", "a#1", "b#1"], id="problem-table-first"),
        pytest.param(
            {"a#1": ["info", "info"], "b#1": ["error"]}, ["b#1", "a#1", "c#1"], id="error-first"
        ),
        pytest.param(
            {"a#1": ["warning"], "c#1": ["warning", "info"]},
            ["c#1", "a#1", "b#1"],
            id="more-problems-first",
        ),
    ],
)
def test_table_order(severities: dict[str, list[str]], expected: list[str]) -> None:
    def order(tid: str) -> tuple[int, int, str, int]:
        return table_order(severities.get(tid, []), tid.partition("#")[0], tid)

    assert sorted(["a#1", "b#1", "c#1"], key=order) == expected


def test_negative_limit_is_refused() -> None:
    frames = run([], (load_policy("national"),)).frames
    with pytest.raises(ValueError, match="report limit"):
        frames_to_report(frames, {}, limit=-1)


def test_report_of_an_empty_run_renders() -> None:
    frames = run([], (load_policy("national"),)).frames
    html = report_to_html(frames_to_report(frames, {}, generated="t"))
    assert "<main id='cards'></main>" in html


# -- escaping and package data -----------------------------------------------------------------

HOSTILE_CELL = "<script>alert(1)</script>"
HOSTILE_NAME = "x' onmouseover='alert(1)' \"onmouseover=alert(2) &amp;"
HOSTILE_FILE = "evil'&.txt"


def test_hostile_text_from_an_input_is_escaped(tmp_path: Path) -> None:
    """Text from an input file (a cell, the project name, the file name) is shown as text,
    in the grid, the source lines, the facts and the attributes, and never becomes markup."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    lines[6] = lines[6].replace("市政府办公厅专项工作业务经费", HOSTILE_NAME) + "\t" + HOSTILE_CELL
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / HOSTILE_FILE).write_text("\n".join(lines), encoding="utf-8")
    result = _run([inputs], tmp_path)
    html = result.html
    assert HOSTILE_CELL not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    nodes = list(result.dom.walk())
    assert [n.tag for n in nodes].count("script") == 1  # the page's own
    assert not [(n.tag, a) for n in nodes for a in n.attrs if a.startswith("on")]
    card = next(iter(result.cards().values()))
    assert card.attrs["data-file"] == HOSTILE_FILE
    cells = [n.all_text() for n in card.walk() if n.tag == "td"]
    assert HOSTILE_CELL in cells
    assert HOSTILE_NAME in cells
    marked = [n.all_text() for n in card.walk() if n.tag == "mark"]
    assert HOSTILE_CELL in marked  # the unread cell, on its source line
    project = result.frames.tables["project_name"].iloc[0]  # as normalized: &amp; read as &
    assert "onmouseover='alert(1)' \"onmouseover" in project
    facts = next(n for n in card.walk() if n.attrs.get("class") == "facts")
    assert f"项目名称：{project} · " in facts.all_text()


@given(st.text())
def test_cells_written_in_python_are_escaped_as_the_templates_escape(text: str) -> None:
    """The grid's cells and the source lines are written by html.py, not a template: their
    escaping must be Jinja's autoescaping (markupsafe) to the byte."""
    assert escape_text(text) == str(markupsafe.escape(text))


def test_every_template_compiles() -> None:
    env = environment()
    names = env.list_templates()
    assert "report.html.j2" in names
    for name in names:
        env.get_template(name)


def test_after_load_renderer_drawing_a_page_compiles_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run loads the renderer while files are read; what is left for after the last file
    (the page, its included templates, the cards and their panes) must be compiled by then."""
    load_renderer()

    def compile_again(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"compiled after load_renderer: {args[1:2]}")

    monkeypatch.setattr(environment(), "compile", compile_again)
    html = _run([SEED], tmp_path).html
    assert "data-table" in html


def test_templates_and_static_files_are_package_data() -> None:
    """Every file the renderer loads is matched by pyproject's package-data (else the wheel
    would lack it and the report would fail only once installed)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["jixiao.report"]
    package = ROOT / "jixiao" / "report"
    shipped = {p for pattern in patterns for p in package.glob(pattern) if p.is_file()}
    folders = (package / "templates", package / "static")
    needed = {p for folder in folders for p in folder.rglob("*") if p.is_file()}
    assert needed
    assert sorted(map(str, needed - shipped)) == []


# -- problem ↔ cell on edited copies of the seed ------------------------------------------------

# (id, line of the seed to edit, old text, new text, problem code, text of the cell it is about)
EDITS = [
    ("unparsed-score", 17, "\t20\t20\t", "\t20\t2O\t", "unparsed_number", "2O"),
    ("score-above-weight", 17, "\t20\t20\t", "\t20\t25\t", "score_above_weight", "25"),
    ("unread-cell", 7, "", "\t多余", "unread_cell", "多余"),
    ("missed-full-score", 17, "235次", "150次", "missed_target_full_score", "20"),
    ("fund-rows", 10, "409.90", "400.90", "fund_rows_mismatch", "400.90"),
    ("total", 24, "94.95", "90.95", "total_sum_mismatch", "90.95"),
]


@pytest.mark.parametrize(
    ("line", "old", "new", "code", "cell"),
    [pytest.param(*case[1:], id=case[0]) for case in EDITS],
)
def test_problem_is_tied_to_the_edited_cell(
    tmp_path: Path, line: int, old: str, new: str, code: str, cell: str
) -> None:
    lines = SEED.read_text(encoding="utf-8").splitlines()
    text = lines[line - 1]
    assert old in text or not old, text
    lines[line - 1] = text.replace(old, new, 1) if old else text + new
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "edited.txt").write_text("\n".join(lines), encoding="utf-8")
    result = _run([inputs], tmp_path)
    rows = [p for p in _table_problems(result) if p.code == code]
    assert rows, sorted({p.code for p in _table_problems(result)})
    card = result.cards()[rows[0].table_id]
    tds = _highlighted(card, rows[0].index, "td")
    assert [clean_text(td.all_text()) for td in tds] == [cell]
    assert tds[0].attrs["data-line"] == str(line)


def test_ids_are_unique_across_edits() -> None:
    ids = [case[0] for case in EDITS]
    assert len(ids) == len(set(ids))


# -- a real browser -----------------------------------------------------------------------------


def _chromium() -> str:
    found = next(
        (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p),
        None,
    )
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is required in CI (see .ci/run) but was not found")
        pytest.skip("chromium not installed (apt-get install chromium); CI installs it")
    return found


def _browser(chromium: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _near(pixel: tuple[int, ...], colour: tuple[int, int, int], tolerance: int = 3) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))


def test_report_renders_in_headless_chromium(fixture_run: Run, tmp_path: Path) -> None:
    chromium = _chromium()
    url = fixture_run.path.resolve().as_uri()
    shot = tmp_path / "report.png"
    done = _browser(
        chromium, tmp_path / "p1", f"--screenshot={shot}", "--window-size=1280,3000", url
    )
    assert shot.exists(), done.stderr[-2000:]
    image = Image.open(shot).convert("RGB")
    assert image.size == (1280, 3000)
    colours: list[tuple[int, tuple[int, int, int]]] = image.getcolors(maxcolors=1 << 20) or []  # type: ignore[assignment]
    assert len(colours) > 50, "the page rendered blank"
    white = sum(n for n, c in colours if c == (255, 255, 255))
    assert white < 0.9 * 1280 * 3000
    highlighted = sum(n for n, c in colours if any(_near(c, h) for h in HIGHLIGHTS))
    assert highlighted > 200, "no highlighted cell visible"

    dom = _browser(chromium, tmp_path / "p2", "--dump-dom", url).stdout
    tree = parse_html(dom)
    by_id = {n.attrs["id"]: n.all_text() for n in tree.walk() if "id" in n.attrs}
    assert by_id["n-tables"] == str(len(fixture_run.frames.tables))
    assert by_id["n-problems"] == str(len(fixture_run.frames.problems))
    assert by_id["shown"] == str(len(fixture_run.cards())), "the filter script did not run"
    assert any(n.tag == "td" and "hl" in n.attrs.get("class", "").split() for n in tree.walk())


def test_filters_in_the_url_hide_other_tables(fixture_run: Run, tmp_path: Path) -> None:
    chromium = _chromium()
    problems = fixture_run.frames.problems.dropna(subset=["table_id"])
    code = problems["code"].value_counts().index[-1]  # the rarest code that belongs to a table
    url = fixture_run.path.resolve().as_uri() + f"#code={code}"
    dom = _browser(chromium, tmp_path / "p", "--dump-dom", url).stdout
    tree = parse_html(dom)
    cards = [n for n in tree.walk() if n.tag == "section" and "data-table" in n.attrs]
    visible = [c for c in cards if "hidden" not in c.attrs]
    expected = set(problems.loc[problems["code"] == code, "table_id"].astype(str))
    assert expected
    assert {c.attrs["data-table"] for c in visible} == expected


# -- the command line ---------------------------------------------------------------------------


def test_run_writes_the_report_with_its_limit(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["run", str(SEED.parent), "-o", str(out), "-q", "-j", "1", "--report-limit", "2"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    dom = parse_html((out / "report.html").read_text(encoding="utf-8"))
    cards = [n for n in dom.walk() if n.tag == "section" and "data-table" in n.attrs]
    assert len(cards) == 2
    note = next(n for n in dom.walk() if n.attrs.get("id") == "omitted")
    assert "未显示 4 张" in note.all_text()


@pytest.mark.parametrize(
    ("args", "code", "output"),
    [
        pytest.param(["--table", "2"], 0, "table #2: reader=tsv", id="text-table"),
        pytest.param(["--table", "9"], 2, "choose 1..6", id="no-such-table"),
    ],
)
def test_show_command_on_text(args: list[str], code: int, output: str) -> None:
    result = CliRunner().invoke(main, ["show", str(SEED), *args])
    assert result.exit_code == code, result.output
    assert output in result.output


def test_show_command_draws_a_pdf_page(tmp_path: Path) -> None:
    out = tmp_path / "p.png"
    pdf = ROOT / "fixtures" / "pdf" / "rl_seed.pdf"
    result = CliRunner().invoke(main, ["show", str(pdf), "--page", "2", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "page 2: 1 of 6 自评表 drawn" in result.output
    assert Image.open(out).size[0] > 500
    assert CliRunner().invoke(main, ["show", str(pdf)]).exit_code == 2
