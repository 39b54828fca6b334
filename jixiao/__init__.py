"""jixiao: turn published 财政项目支出绩效自评表 into clean, checked data.

The stages live in the top-level packages ``extract``, ``normalize`` and ``score``; this
package holds what they share (``jixiao.model``, ``jixiao.errors``) and the orchestration
(``jixiao.runner``, ``jixiao.export``, ``jixiao.cli``). Importing ``jixiao`` imports nothing else.
"""

__version__ = "0.1.0"
