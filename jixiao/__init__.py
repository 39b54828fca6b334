"""jixiao: turn published 财政项目支出绩效自评表 into clean, checked data.

The one import name of the project. Its layers, bottom to top (``tests/test_architecture.py``
checks that imports only go down):

- :mod:`jixiao.model`: the values that pass between the stages (sources and problems, grids,
  自评表 records, the output frames);
- :mod:`jixiao.core`: what every stage shares (errors, the problem codes, the label vocabulary);
- :mod:`jixiao.normalize`: cell text, numbers, targets and actuals;
- :mod:`jixiao.extract`: source files → grids of cells (``readers``) → 自评表 records
  (``layout``);
- :mod:`jixiao.score`: records → tidy frames, recomputed scores and disagreements;
- the orchestration: :mod:`jixiao.pipeline` (one file through the stages), :mod:`jixiao.export`,
  :mod:`jixiao.batch`, :mod:`jixiao.report`, :mod:`jixiao.document` and :mod:`jixiao.api`
  (:func:`read`, :func:`open`, :func:`run`), and :mod:`jixiao.cli`.

Importing ``jixiao`` is cheap (the command line starts with it): the stages load when
:func:`read`, :func:`open` or :func:`run` is first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from jixiao.api import Document, Result, open, read, run  # noqa: A004 - jixiao.open

__all__ = ["Document", "Result", "__version__", "open", "read", "run"]

_API = frozenset({"Document", "Result", "open", "read", "run"})


def __getattr__(name: str) -> Any:
    if name in _API:
        from jixiao import api  # noqa: PLC0415 - the stages load on first use, not on import

        return getattr(api, name)
    raise AttributeError(f"module 'jixiao' has no attribute {name!r}")
