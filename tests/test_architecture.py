"""Data flows one way: extract → normalize → score → orchestration (jixiao.runner/export/cli).

A stage imports only the stages before it and the shared modules jixiao.model / jixiao.errors.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = {"jixiao", "jixiao.model", "jixiao.errors"}
ALLOWED = {
    "extract": {"extract"} | SHARED,
    "normalize": {"normalize"} | SHARED,
    "score": {"score", "extract", "normalize"} | SHARED,
}
PROJECT = ("extract", "normalize", "score", "jixiao")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return {n for n in names if n.split(".")[0] in PROJECT}


def _allowed(name: str, allowed: set[str]) -> bool:
    return name in allowed or name.split(".", maxsplit=1)[0] in allowed - {"jixiao"}


@pytest.mark.parametrize("stage", sorted(ALLOWED))
def test_stage_imports_only_earlier_stages(stage: str) -> None:
    bad = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / stage).rglob("*.py")
        for name in _imports(path)
        if not _allowed(name, ALLOWED[stage])
    }
    assert not bad
