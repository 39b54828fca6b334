"""The folder tree is the architecture: one import name, layers whose imports only go down.

Layers, bottom to top (a module imports its own layer and the layers below it, never above):

    jixiao.model  →  jixiao.core  →  jixiao.normalize  →  jixiao.extract  →  jixiao.score
    →  jixiao.pipeline  →  jixiao.export  →  jixiao.batch  →  jixiao.report
    →  jixiao.document  →  jixiao.api  →  jixiao.cli

``jixiao`` itself (``__version__``) may be imported from anywhere.
"""

from __future__ import annotations

import ast
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
