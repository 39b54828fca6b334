"""The folder tree is the architecture: one import name, layers whose imports only go down.

Layers, bottom to top (a module imports its own layer and the layers below it, never above):

    jixiao.model  →  jixiao.core  →  jixiao.normalize  →  jixiao.extract  →  jixiao.score
    →  jixiao.pipeline  →  jixiao.export  →  jixiao.batch  →  jixiao.report
    →  jixiao.document  →  jixiao.api  →  jixiao.cli

``jixiao`` itself (``__version__``) may be imported from anywhere.
"""

from __future__ import annotations

import ast
import difflib
import os
import subprocess
from pathlib import Path

import pytest
import regex

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "jixiao"
LAYERS = (
    "jixiao.model",
    "jixiao.core",
    "jixiao.normalize",
    "jixiao.extract",
    "jixiao.score",
    "jixiao.pipeline",
    "jixiao.export",
    "jixiao.batch",
    "jixiao.report",
    "jixiao.document",
    "jixiao.api",
    "jixiao.cli",
)
STAGE_FOLDERS = ("extract", "normalize", "score")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    """Every module of the package, by its import name."""
    paths = [
        Path(folder, name)
        for folder, _, names in os.walk(PACKAGE)
        for name in names
        if name.endswith(".py")
    ]
    return {_module_name(path): path for path in sorted(paths)}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            assert node.level == 0, f"{path}: relative import"
            names.add(node.module)
    return names


def _layer(name: str) -> int | None:
    for index, layer in enumerate(LAYERS):
        if name == layer or name.startswith(layer + "."):
            return index
    return None


@pytest.mark.parametrize("module", sorted(_modules()), ids=str)
def test_module_imports_only_its_layer_and_below(module: str) -> None:
    own = _layer(module)
    if module in {"jixiao", "jixiao.__main__"}:
        own = len(LAYERS)  # the package root and `python -m jixiao` sit on top
    assert own is not None, f"{module} is in no layer: add its package to LAYERS"
    above = sorted(
        name
        for name in _imports(_modules()[module])
        if (layer := _layer(name)) is not None and layer > own
    )
    assert not above, f"{module} imports from a layer above it: {above}"


@pytest.mark.parametrize("folder", STAGE_FOLDERS)
def test_stage_folders_are_real_folders_of_the_package(folder: str) -> None:
    """The stages are ordinary folders inside the package: a clone without symlinks (Windows),
    the sdist and the wheel all hold the same tree."""
    stage = PACKAGE / folder
    assert stage.is_dir()
    assert not stage.is_symlink()
    assert (stage / "__init__.py").is_file()
    assert not (ROOT / folder).exists(), f"a second {folder}/ at the top of the repository"


def _links_on_disk(root: Path) -> list[str]:
    links = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]  # .git, .venv
        links += [str(Path(folder, n)) for n in [*dirs, *names] if Path(folder, n).is_symlink()]
    return links


def test_no_symlink_in_the_repository() -> None:
    tracked = subprocess.run(
        ["git", "ls-files", "-s"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if tracked.returncode != 0:  # an unpacked sdist: no git, look at the files themselves
        assert not _links_on_disk(ROOT)
        return
    modes = [line.split(maxsplit=1)[0] for line in tracked.stdout.splitlines()]
    assert "120000" not in modes


@pytest.mark.parametrize("folder", STAGE_FOLDERS)
def test_no_module_imports_a_stage_by_its_folder_name(folder: str) -> None:
    """`import score` would find another distribution: the stages are jixiao.<stage> only."""
    roots = {name.split(".")[0] for path in _modules().values() for name in _imports(path)}
    roots |= {
        name.split(".")[0]
        for path in (ROOT / "tests").rglob("*.py")
        for name in _imports(path)
        if not name.startswith("tests")
    }
    assert folder not in roots


@pytest.mark.parametrize("folder", STAGE_FOLDERS)
def test_no_example_imports_a_stage_by_its_folder_name(folder: str) -> None:
    """Doctests too: they ran only because the old top-level folders sat on sys.path."""
    texts = [path.read_text(encoding="utf-8") for path in _modules().values()]
    texts.append((ROOT / "README.md").read_text(encoding="utf-8"))
    texts += [path.read_text(encoding="utf-8") for path in (ROOT / "docs").glob("*.md")]
    bare = regex.compile(rf"^\s*>>> (?:from|import) {folder}\b", regex.MULTILINE)
    assert not [m.group(0) for text in texts for m in bare.finditer(text)]


#: Modules that print the Chinese names of output columns (not words a table is read by).
COLUMN_HEADINGS = {"jixiao.export.labels_zh", "jixiao.report.html", "jixiao.report.show"}


def _vocabulary_words() -> set[str]:
    from jixiao.core import vocabulary  # noqa: PLC0415 - imported for its data only

    words: set[str] = set()
    for value in vars(vocabulary).values():
        items = [*value, *value.values()] if isinstance(value, dict) else value
        if isinstance(items, tuple | frozenset | set | list):
            words.update(w for w in items if isinstance(w, str) and regex.search(r"\p{Han}", w))
    return words


def _word_collections(path: Path, words: set[str]) -> list[str]:
    """Literal tuples, lists, sets and dict keys holding two or more vocabulary words."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        items = node.keys if isinstance(node, ast.Dict) else getattr(node, "elts", None)
        if not isinstance(node, ast.Tuple | ast.List | ast.Set | ast.Dict) or items is None:
            continue
        held = [i.value for i in items if isinstance(i, ast.Constant) and i.value in words]
        if len(held) >= 2:
            found.append(f"line {node.lineno}: {held}")
    return found


def test_one_copy_of_the_label_words() -> None:
    """The words a 自评表 is recognised by are listed in jixiao.core.vocabulary only."""
    words = _vocabulary_words()
    copies = {
        name: found
        for name, path in _modules().items()
        if name != "jixiao.core.vocabulary" and name not in COLUMN_HEADINGS
        if (found := _word_collections(path, words))
    }
    assert not copies


#: Value words and marks of jixiao.normalize.vocab, by kind. The operator codes the parsers
#: return (``>=``, ``<`` …) are values of these tables, not printed words, and stay out.
def _value_word_kinds() -> dict[str, frozenset[str]]:
    from jixiao.normalize import vocab  # noqa: PLC0415 - imported for its data only

    codes = set(vocab.OPERATOR_SYMBOLS.values())
    operators = {
        *vocab.OPERATOR_SYMBOLS,
        *vocab.PREFIX_OPERATOR_WORDS,
        *vocab.SUFFIX_OPERATOR_WORDS,
    }
    kinds = {
        "operators": operators - codes,
        "not-applicable marks": {*vocab.COLUMN_BLANKS, *vocab.DASH_CHARACTERS},
        "range joiners": set(vocab.RANGE_JOINERS),
        "units": {*vocab.UNITS, *vocab.COUNT_UNITS, *vocab.SCALE_WORDS},
    }
    return {kind: frozenset(words - {""}) for kind, words in kinds.items()}


#: A regex character class: ``[≥≤＞]``, ``[^\d()－—]``.
_CHARACTER_CLASS = regex.compile(r"\[\^?((?:\\.|[^\]\\])+)\]")


def _marks(text: str, words: frozenset[str]) -> set[str]:
    """The non-ASCII marks (not letters: 一 and 米 are words of their own) of ``words`` that
    ``text`` holds."""
    return {ch for ch in text if ch in words and not ch.isascii() and not ch.isalpha()}


def _value_copies(path: Path, kinds: dict[str, frozenset[str]]) -> list[str]:
    """Where a module lists two or more value words of one kind: a literal tuple, list, set or
    dict, a regex character class, or a string made only of the marks (``frozenset("－—")``)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        items = node.keys if isinstance(node, ast.Dict) else getattr(node, "elts", None)
        if isinstance(node, ast.Tuple | ast.List | ast.Set | ast.Dict) and items is not None:
            constants = [i.value for i in items if isinstance(i, ast.Constant)]
            found += [
                f"line {node.lineno}: {kind} {held}"
                for kind, words in kinds.items()
                if len(held := [c for c in constants if c in words]) >= 2
            ]
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
            found += [
                f"line {node.lineno}: {kind} {held} in {piece!r}"
                for kind, words in kinds.items()
                for piece in _CHARACTER_CLASS.findall(text) + ([text] if set(text) <= words else [])
                if len(held := sorted(_marks(piece, words))) >= 2
            ]
    return found


#: Copies in modules being changed by their owner; each entry must still be a copy (strict, so
#: a fixed copy announces itself and its entry is removed).
KNOWN_VALUE_COPIES: dict[str, int] = {}


def test_one_copy_of_the_value_words() -> None:
    """Operators, "not applicable" marks, range joiners and units are listed in
    jixiao.normalize.vocab only: every other module imports them (or builds a pattern from
    them) instead of spelling them again."""
    kinds = _value_word_kinds()
    copies = {
        name: found
        for name, path in _modules().items()
        if name != "jixiao.normalize.vocab"
        if (found := _value_copies(path, kinds))
    }
    known = {name: found for name, found in copies.items() if name in KNOWN_VALUE_COPIES}
    assert {name: len(found) for name, found in known.items()} == KNOWN_VALUE_COPIES
    assert {name: found for name, found in copies.items() if name not in known} == {}


#: Two patterns share a piece of this many characters or more (groups removed): one is a copy
#: of the other. Idioms are shorter: ``\d+(?:\.\d+)?`` is 10 characters without its group,
#: ``(?:19|20)\d{2}\s*年`` 14; the printed number ``\d[\d,]*(?:\.\d+)?%?`` is 16.
SHARED_PATTERN_CHARS = 16
_PATTERN_CALLS = {"compile", "search", "match", "fullmatch", "sub", "subn", "findall", "finditer"}
_GROUP_OPENER = regex.compile(r"\((?:\?(?:P?<\w+>|:))?")  # (  (?:  (?P<name>  (?<name>
_PATTERN_PIECE = regex.compile(r"\\[dswp]|\\p\{")  # \d \s \w \p{…}: a string written as a regex


def _pattern_texts(path: Path) -> list[tuple[int, str]]:
    """The regex texts of a module: the pattern of each ``re``/``regex`` call and every other
    string written like a pattern piece, with groups removed (:func:`_without_groups`) and the
    spaces and comments of a multi-line (VERBOSE) pattern. An f-string counts by its literal
    parts; docstrings do not count."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
    called = {
        id(node.args[0])
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in _PATTERN_CALLS
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id in {"re", "regex"}
        and node.args
    }
    strings: list[tuple[ast.expr, list[ast.expr]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            strings.append((node, node.values))
            skipped.update(id(part) for part in node.values)
        elif isinstance(node, ast.Constant) and id(node) not in skipped:
            strings.append((node, [node]))
    texts = []
    for node, parts in strings:
        for part in parts:
            if not isinstance(part, ast.Constant) or not isinstance(part.value, str):
                continue
            if id(node) in called or _PATTERN_PIECE.search(part.value):
                text = part.value
                if "\n" in text:
                    text = regex.sub(r"(?<!\\)#[^\n]*|\s+", "", text)
                texts.append((node.lineno, _without_groups(text)))
    return texts


def _without_groups(pattern: str) -> str:
    """A pattern with its groups' brackets removed (outside character classes), so that a
    capture group or a ``(?:…)`` more or less does not hide a copy: ``(\\d+)分`` is ``\\d+分``."""
    kept, in_class, index = [], False, 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            kept.append(pattern[index : index + 2])
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            opener = _GROUP_OPENER.match(pattern, index)
            index = opener.end() if opener else index + 1
            continue
        elif char == ")":
            index += 1
            continue
        kept.append(char)
        index += 1
    return "".join(kept)


def _shared_piece(a: str, b: str) -> str:
    match = difflib.SequenceMatcher(None, a, b, autojunk=False).find_longest_match()
    return a[match.a : match.a + match.size]


def test_one_copy_of_each_pattern() -> None:
    """No two modules spell the same regex (or a piece of one): the second module builds its
    pattern on the first one's (as join.py strips points with vocabulary.POINTS_SUFFIX)."""
    patterns = [
        (name, line, text)
        for name, path in _modules().items()
        for line, text in _pattern_texts(path)
    ]
    shared = [
        f"{name_a}:{line_a} and {name_b}:{line_b} share {piece!r}"
        for index, (name_a, line_a, a) in enumerate(patterns)
        for name_b, line_b, b in patterns[index + 1 :]
        if name_a != name_b
        if len(piece := _shared_piece(a, b)) >= SHARED_PATTERN_CHARS
    ]
    assert not shared


def test_one_self_evaluation_predicate() -> None:
    defined = sorted(
        name
        for name, path in _modules().items()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef)
        and "self_eval" in node.name
        and node.name.startswith(("is_", "looks_", "has_"))
    )
    assert defined == ["jixiao.core.vocabulary"]
