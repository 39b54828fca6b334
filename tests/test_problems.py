"""The problem-code registry: one severity rule per code, Chinese words, docs/problems.md."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest
import regex

import jixiao
import jixiao.api
from jixiao.core.problems import (
    BY_KIND,
    CODES,
    KINDS,
    SEVERITY_OF_KIND,
    ProblemCode,
    codes_to_markdown,
    error_to_chinese,
    indicator_label,
    make_problem,
    with_kind,
)
from jixiao.model.source import Severity, Source
from tests.docs_problems import PAGE, page_tables

_CJK = regex.compile(r"\p{Han}")


def test_docs_problem_tables_are_the_registry() -> None:
    assert page_tables(PAGE.read_text(encoding="utf-8")) == codes_to_markdown(), (
        "docs/problems.md's tables differ from jixiao/core/problems.py: "
        "run `python -m tests.docs_problems`"
    )


@pytest.mark.parametrize("code", sorted(CODES), ids=str)
def test_every_code_is_explained_in_chinese_with_a_hint(code: str) -> None:
    spec = CODES[code]
    assert regex.fullmatch(r"[a-z][a-z_]+", code)
    assert _CJK.search(spec.description)
    assert _CJK.search(spec.hint)
    assert spec.hint.endswith("。")
    assert regex.search(r"\b[a-z]{3,} [a-z]{2,}\b", spec.meaning), "meaning: English words"


def test_descriptions_are_unique() -> None:
    descriptions = [c.description for c in CODES.values()]
    assert len(descriptions) == len(set(descriptions))


@pytest.mark.parametrize(
    ("code", "kind", "severity"),
    [
        ("missing_total", "", Severity.ERROR),
        ("unread_cell", "", Severity.WARNING),
        ("row_realigned", "", Severity.INFO),
        ("total_mismatch", "rounding", Severity.INFO),
        ("total_mismatch", "rule", Severity.ERROR),
        ("total_mismatch", "parse_doubt", Severity.WARNING),
        ("fund_rows_mismatch", "rule", Severity.ERROR),
        ("score_above_weight", "parse_doubt", Severity.WARNING),
    ],
    ids=lambda v: str(v) or "no-kind",
)
def test_severity_comes_from_the_code_or_the_kind(code: str, kind: str, severity: Severity) -> None:
    assert make_problem(code, "说明", Source("a.txt"), kind=kind).severity is severity


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("no_such_code", ""),
        ("total_mismatch", ""),  # a disagreement needs its kind
        ("total_mismatch", "wrong"),
        ("missing_total", "rule"),  # a code of fixed severity carries no kind
    ],
    ids=lambda v: str(v) or "no-kind",
)
def test_a_problem_outside_the_registry_is_refused(code: str, kind: str) -> None:
    with pytest.raises(ValueError, match=code if code == "no_such_code" else "kind"):
        make_problem(code, "说明", Source("a.txt"), kind=kind)


def test_reclassifying_a_problem_follows_the_new_kind() -> None:
    rule = make_problem("total_mismatch", "总分不符", Source("a.txt"), kind="rule", found="100")
    doubt = with_kind(rule, "parse_doubt", "（未完整读取）")
    assert (doubt.severity, doubt.kind, doubt.found) == (Severity.WARNING, "parse_doubt", "100")
    assert doubt.message == "总分不符（未完整读取）"


def test_every_kind_has_a_severity_and_a_chinese_name() -> None:
    assert set(SEVERITY_OF_KIND) == set(KINDS)
    assert all(_CJK.search(kind.zh) for kind in KINDS.values())


def test_a_code_whose_kind_decides_must_name_its_kinds() -> None:
    with pytest.raises(ValueError, match="BY_KIND"):
        ProblemCode("x_code", BY_KIND, "m", "说明", "处理。")
    with pytest.raises(ValueError, match="unknown kinds"):
        ProblemCode("x_code", BY_KIND, "m", "说明", "处理。", ("guess",))


def test_a_fixed_severity_holds_whatever_the_kind() -> None:
    fixed = ProblemCode("x_code", Severity.INFO, "m", "说明", "处理。", ("judgement",))
    assert fixed.severity_of("judgement") is Severity.INFO
    assert fixed.severity_of("parse_doubt") is Severity.INFO


@pytest.mark.parametrize(
    ("error", "meaning"),
    [
        ("Failed to load document (PDFium: Data format error).", "文件已损坏或不是PDF文件"),
        ("Failed to load document (PDFium: Incorrect password error).", "文件有打开密码，无法读取"),
        (MemoryError(), "内存不足"),
        (PermissionError(13, "Permission denied"), "没有读取该文件的权限"),
        (UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"), "文字编码无法识别"),
        (ZeroDivisionError("division by zero"), "未预期的错误（ZeroDivisionError）"),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, BaseException) else str(v)[:40],
)
def test_library_errors_are_said_in_chinese(error: BaseException | str, meaning: str) -> None:
    assert error_to_chinese(error) == meaning


@pytest.mark.parametrize(
    ("name", "source", "label"),
    [
        ("培训人次", Source("a.txt", line=3), "指标“培训人次”"),
        ("", Source("a.txt", line=17, row=9), "第17行的指标"),
        ("", Source("a.pdf", page=2, row=4), "表格第5行的指标"),
    ],
    ids=["named", "text-line", "pdf-row"],
)
def test_an_indicator_without_a_name_is_named_by_its_row(
    name: str, source: Source, label: str
) -> None:
    assert indicator_label(name, source) == label


# -- every problem the fixtures give -----------------------------------------------------------


def _problems(result: jixiao.api.Result) -> list[dict[str, object]]:
    return result.problems.astype(object).where(result.problems.notna(), None).to_dict("records")


def test_every_problem_is_registered_with_its_severity(fixtures_read: jixiao.api.Result) -> None:
    wrong = []
    for p in _problems(fixtures_read):
        spec = CODES.get(str(p["code"]))
        kind = str(p["kind"] or "")
        known = spec is not None and (kind in KINDS if spec.kinds else not kind)
        if not known or str(spec.severity_of(kind)) != p["severity"]:  # type: ignore[union-attr]
            wrong.append((p["code"], kind, p["severity"]))
    assert sorted(set(wrong)) == []


def test_no_rule_error_on_a_table_not_read_completely(fixtures_read: jixiao.api.Result) -> None:
    tables = fixtures_read.tables.set_index("table_id")
    problems = fixtures_read.problems[fixtures_read.problems["table_id"].notna()]
    status = tables.loc[problems["table_id"], "read_status"].to_numpy()
    blamed = problems[(status != "complete") & problems["kind"].isin(["rule", "judgement"])]
    assert blamed[["table_id", "code", "kind"]].to_dict("records") == []
    assert (tables["read_status"] != "complete").any()  # the fixtures hold such tables
    assert tables.loc[tables["read_status"] != "complete", "grade"].isna().all()


_REPEATED_VALUE = regex.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s+\1(?![\d.])")


def test_no_message_says_a_value_twice(fixtures_read: jixiao.api.Result) -> None:
    repeated = [
        p["message"] for p in _problems(fixtures_read) if _REPEATED_VALUE.search(_without_cells(p))
    ]
    assert repeated == []


def _without_cells(problem: dict[str, object]) -> str:
    """A message without the cell text it quotes (a cell may print '100 100' itself)."""
    message = str(problem["message"])
    for quoted in (problem["found"], problem["expected"]):
        if quoted and len(str(quoted)) > 8:
            message = message.replace(str(quoted), "")
    return regex.sub(r"“[^”]*”|：[^：]*\|.*$", "", message)


def test_every_indicator_is_named(fixtures_read: jixiao.api.Result) -> None:
    unnamed = [p["message"] for p in _problems(fixtures_read) if "指标“”" in str(p["message"])]
    assert unnamed == []


_ENGLISH = regex.compile(r"[A-Za-z]{4,}")
_NAMES = regex.compile(r"\b(?:LibreOffice|Office|Word|Excel|jixiao)\b|\.[a-z]{2,5}\b")


def test_messages_are_chinese(fixtures_read: jixiao.api.Result) -> None:
    english = []
    for p in _problems(fixtures_read):
        message = str(p["message"]).replace(str(p["source_file"]), "")
        message = regex.sub(r"“[^”]*”|：[^：（]*\|.*$", "", message)  # quoted cell text
        message = regex.sub(r"soffice .*$", "", message)  # a command to run, as typed
        message = regex.sub(
            r"\b(?:LibreOffice|Office|Word|Excel|jixiao)\b|\.[a-z]{2,5}\b", "", message
        )
        for quoted in (p["found"], p["expected"]):
            if quoted:
                message = message.replace(str(quoted), "")
        if _ENGLISH.search(message):
            english.append(p["message"])
    assert sorted(set(english)) == []


def test_the_scorer_orders_every_kind_of_the_registry() -> None:
    from jixiao.score.disagreement import KIND_ORDER  # noqa: PLC0415

    assert set(KIND_ORDER) - {""} == set(KINDS)


def _package_modules() -> dict[str, Path]:
    package = Path(jixiao.__file__).resolve().parent
    return {
        str(path.relative_to(package)): path
        for folder, _, names in os.walk(package)
        for name in names
        if name.endswith(".py")
        for path in [Path(folder, name)]
    }


def _made_elsewhere(path: Path) -> list[str]:
    """Calls in a module that make a Problem, or pass a severity, outside the registry."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else ""
        name = name or (node.func.id if isinstance(node.func, ast.Name) else "")
        severity_args = [
            a for a in node.args if isinstance(a, ast.Attribute) and a.attr in _SEVERITY_NAMES
        ]
        restored = not node.args and all(k.arg is None for k in node.keywords)  # Problem(**saved)
        if (name == "Problem" and not restored) or (name == "add" and severity_args):
            found.append(f"line {node.lineno}: {name}(…)")
    return found


_SEVERITY_NAMES = {"ERROR", "WARNING", "INFO"}


@pytest.mark.parametrize("module", sorted(_package_modules()), ids=str)
def test_every_problem_is_made_through_the_registry(module: str) -> None:
    if module in ("core/problems.py", "model/source.py"):
        return
    assert _made_elsewhere(_package_modules()[module]) == []


def test_a_problem_made_by_hand_is_caught(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "p = Problem('x', Severity.ERROR, 'm', s)\nlog.add('x', Severity.WARNING, 'm', s)\n"
        "log.add('x', 'm', s)\nq = Problem(**saved)\n",
        encoding="utf-8",
    )
    assert _made_elsewhere(module) == ["line 1: Problem(…)", "line 2: add(…)"]
