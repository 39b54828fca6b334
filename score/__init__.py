"""score: recompute every 自评表 under a named policy and check it against the printed values.

``score_table(table, table_id=…, policy=…)`` returns the table's rows of the four output frames
(:class:`~score.frames.Frames`): tables, funds, indicators, problems;
``score_table_best(table, table_id=…, policies=…)`` picks the policy that explains the most
printed numbers (``--policy auto``: the built-in policies and, around the best of them, the rule
variants publishers use; see :mod:`jixiao.score.choice`).
"""

from jixiao.score.choice import AUTO, auto_candidates, score_table_best
from jixiao.score.frames import (
    FRAME_NAMES,
    SCHEMA,
    Frames,
    concat_frames,
    empty_frame,
    records_to_frame,
)
from jixiao.score.policy import Policy, builtin_policy_names, load_policy
from jixiao.score.scoring import problems_to_records, score_table

__all__ = [
    "AUTO",
    "FRAME_NAMES",
    "SCHEMA",
    "Frames",
    "Policy",
    "auto_candidates",
    "builtin_policy_names",
    "concat_frames",
    "empty_frame",
    "load_policy",
    "problems_to_records",
    "records_to_frame",
    "score_table",
    "score_table_best",
]
