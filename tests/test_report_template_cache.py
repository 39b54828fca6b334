"""The report's templates are compiled once and kept between runs (#26, round 6): a run with
the cache warm compiles nothing; nothing is written where Python is told not to write
bytecode; a damaged or unwritable cache only means compiling again."""

from __future__ import annotations

import sys
from pathlib import Path

import jinja2
import pytest

from jixiao.report.html import TemplateCache, environment

NAMES = environment().list_templates()


def _compiles(cache: TemplateCache | None, monkeypatch: pytest.MonkeyPatch) -> int:
    """How many templates a fresh environment (as the report's) compiles to load them all."""
    env = environment().overlay(bytecode_cache=cache)
    compiled: list[str] = []
    compile_ = env.compile

    def counting(source: str, name: str | None = None, *args: object, **kwargs: object) -> object:
        compiled.append(str(name))
        return compile_(source, name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(env, "compile", counting)
    for name in NAMES:
        env.get_template(name)
    return len(compiled)


def test_the_report_environment_keeps_its_templates() -> None:
    assert isinstance(environment().bytecode_cache, TemplateCache)


def test_a_warm_cache_compiles_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    cache = TemplateCache(str(tmp_path))
    assert _compiles(cache, monkeypatch) == len(NAMES)
    assert len(list(tmp_path.iterdir())) == len(NAMES)
    assert _compiles(cache, monkeypatch) == 0


def test_nothing_is_written_when_python_writes_no_bytecode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    assert _compiles(TemplateCache(str(tmp_path)), monkeypatch) == len(NAMES)
    assert list(tmp_path.iterdir()) == []


def test_a_damaged_cache_is_compiled_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    cache = TemplateCache(str(tmp_path))
    _compiles(cache, monkeypatch)
    magic = len(jinja2.bccache.bc_magic)
    for file in tmp_path.iterdir():  # the right header, then garbage where the checksum is
        file.write_bytes(file.read_bytes()[:magic] + b"\x80\x05garbage")
    assert _compiles(cache, monkeypatch) == len(NAMES)
    assert _compiles(cache, monkeypatch) == 0  # written again


def test_an_unwritable_cache_compiles_each_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    cache = TemplateCache(str(tmp_path / "missing"))  # no such folder: every write fails
    assert _compiles(cache, monkeypatch) == len(NAMES)
    assert _compiles(cache, monkeypatch) == len(NAMES)


def test_no_private_folder_means_no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    def unsafe(self: jinja2.FileSystemBytecodeCache) -> str:
        raise RuntimeError("Cannot determine safe temp directory.")

    monkeypatch.setattr(jinja2.FileSystemBytecodeCache, "_get_default_cache_dir", unsafe)
    assert TemplateCache.made() is None
