"""The PDF fixture generator, loaded as a module: its text-table reader and merge rules are the
oracle the PDF tests compare with. It imports reportlab and the other generation libraries only
inside the functions that write PDFs, so loading it needs nothing beyond the test extras."""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@cache
def generator() -> ModuleType:
    path = FIXTURES / "make_pdf_fixtures.py"
    spec = importlib.util.spec_from_file_location("make_pdf_fixtures", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
