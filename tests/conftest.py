"""Shared fixtures: paths of the bundled sample files."""

from __future__ import annotations

from pathlib import Path

import pytest

import jixiao
import jixiao.api

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "seed" / "000_a203d4b834672a09.txt"


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


FIXTURES = ROOT / "fixtures"


@pytest.fixture(scope="session")
def fixtures_read() -> jixiao.api.Result:
    """Every bundled fixture read once (text, PDF, families, broken files), national policy."""
    return jixiao.read(FIXTURES)
