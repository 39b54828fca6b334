"""jixiao: turn published 财政项目支出绩效自评表 into clean, checked data.

The one import name of the project. Its layers, bottom to top (``tests/test_architecture.py``
checks that imports only go down):

- :mod:`jixiao.core`: what every stage shares (sources, problems, errors, the label vocabulary);
- :mod:`jixiao.normalize`: cell text, numbers, targets and actuals;
- :mod:`jixiao.extract`: source files → grids of cells → 自评表 records;
- :mod:`jixiao.score`: records → tidy frames, recomputed scores and disagreements;
- the orchestration: :mod:`jixiao.pipeline` (one file through the stages), :mod:`jixiao.export`,
  :mod:`jixiao.batch`, :mod:`jixiao.report`, :mod:`jixiao.api` and :mod:`jixiao.cli`.

Importing ``jixiao`` is cheap: :func:`read` and :class:`Result` load the stages when first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from jixiao.api import Result, read

__all__ = ["Result", "__version__", "read"]


def __getattr__(name: str) -> Any:
    if name in {"read", "Result"}:
        from jixiao import api  # noqa: PLC0415 - the stages load on first use, not on import

        return getattr(api, name)
    raise AttributeError(f"module 'jixiao' has no attribute {name!r}")
