"""score: recompute every 自评表 under a named policy and check it against the printed values.

``score_table(table, table_id=…, policy=…)`` returns the table's rows of the four output frames
(:class:`~jixiao.model.frames.Frames`): tables, funds, indicators, problems; ``score_table_rows``
the same rows as plain records (:class:`~jixiao.model.frames.Rows`), which a run keeps until it
builds each frame once;
``score_table_best(table, table_id=…, policies=…)`` picks the policy that explains the most
printed numbers (``--policy auto``: the built-in policies and, around the best of them, the rule
variants publishers use; see :mod:`jixiao.score.choice`).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jixiao.model.frames import (
        FRAME_NAMES,
        SCHEMA,
        Frames,
        Rows,
        arrow_to_frame,
        concat_frames,
        concat_rows,
        empty_frame,
        records_to_arrow,
        records_to_frame,
        rows_to_frames,
    )
    from jixiao.score.choice import (
        AUTO,
        auto_candidates,
        score_table_best,
        score_table_best_rows,
        score_tables_best_rows,
    )
    from jixiao.score.policy import Policy, builtin_policy_names, load_policy
    from jixiao.score.scoring import problems_to_records, score_table, score_table_rows

#: Where each name lives: the submodules load when a name is first used, so that importing
#: one of them (``jixiao.score.policy`` for ``jixiao policies``) does not load them all.
_HOME = {
    "AUTO": "jixiao.score.choice",
    "auto_candidates": "jixiao.score.choice",
    "score_table_best": "jixiao.score.choice",
    "score_table_best_rows": "jixiao.score.choice",
    "score_tables_best_rows": "jixiao.score.choice",
    "FRAME_NAMES": "jixiao.model.frames",
    "SCHEMA": "jixiao.model.frames",
    "Frames": "jixiao.model.frames",
    "Rows": "jixiao.model.frames",
    "arrow_to_frame": "jixiao.model.frames",
    "concat_frames": "jixiao.model.frames",
    "concat_rows": "jixiao.model.frames",
    "empty_frame": "jixiao.model.frames",
    "records_to_arrow": "jixiao.model.frames",
    "records_to_frame": "jixiao.model.frames",
    "rows_to_frames": "jixiao.model.frames",
    "Policy": "jixiao.score.policy",
    "builtin_policy_names": "jixiao.score.policy",
    "load_policy": "jixiao.score.policy",
    "problems_to_records": "jixiao.score.scoring",
    "score_table": "jixiao.score.scoring",
    "score_table_rows": "jixiao.score.scoring",
}


__all__ = [
    "AUTO",
    "FRAME_NAMES",
    "SCHEMA",
    "Frames",
    "Policy",
    "Rows",
    "arrow_to_frame",
    "auto_candidates",
    "builtin_policy_names",
    "concat_frames",
    "concat_rows",
    "empty_frame",
    "load_policy",
    "problems_to_records",
    "records_to_arrow",
    "records_to_frame",
    "rows_to_frames",
    "score_table",
    "score_table_best",
    "score_table_best_rows",
    "score_table_rows",
    "score_tables_best_rows",
]


def __getattr__(name: str) -> Any:
    if name in _HOME:
        value = getattr(import_module(_HOME[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'jixiao.score' has no attribute {name!r}")
