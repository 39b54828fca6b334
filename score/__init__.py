"""score: recompute every 自评表 under a named policy and check it against the printed values.

``score_table(table, table_id=…, policy=…)`` returns the table's rows of the four output frames
(:class:`~score.frames.Frames`): tables, funds, indicators, problems; ``score_table_rows`` the
same rows as plain records (:class:`~score.frames.Rows`), which a run keeps until it builds each
frame once;
``score_table_best(table, table_id=…, policies=…)`` picks the policy that reproduces the most
printed numbers (``--policy auto``).
"""

from jixiao.score.choice import AUTO, auto_candidates, score_table_best, score_table_best_rows
from jixiao.score.frames import (
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
from jixiao.score.policy import Policy, builtin_policy_names, load_policy
from jixiao.score.scoring import problems_to_records, score_table, score_table_rows

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
]
