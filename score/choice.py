"""``--policy auto``: score a table under every candidate policy and keep the one that
reproduces the most printed numbers.

A policy's misses are the problems that record a disagreement with a printed value (rows
with a ``kind``); the policy with the fewest wins, ties going to the earlier candidate, so
with the national default listed first a tie is broken toward it.
"""

from __future__ import annotations

from collections.abc import Sequence

from extract.table import SelfEvalTable
from score.frames import Frames
from score.policy import Policy, builtin_policy_names, load_policy
from score.table import score_table

AUTO = "auto"
DEFAULT_POLICY = "national"


def auto_candidates() -> tuple[Policy, ...]:
    """Every built-in policy, the national default first."""
    names = sorted(builtin_policy_names(), key=lambda name: (name != DEFAULT_POLICY, name))
    return tuple(load_policy(name) for name in names)


def misses(frames: Frames) -> int:
    """How many printed numbers a scoring of one table failed to reproduce."""
    return int((frames.problems["kind"].fillna("") != "").sum())


def score_table_best(table: SelfEvalTable, *, table_id: str, policies: Sequence[Policy]) -> Frames:
    """Score under each policy; return the frames of the one with the fewest misses."""
    if not policies:
        raise ValueError("score_table_best needs at least one policy")
    best: Frames | None = None
    best_misses = 0
    for policy in policies:
        frames = score_table(table, table_id=table_id, policy=policy)
        count = misses(frames)
        if best is None or count < best_misses:
            best, best_misses = frames, count
            if count == 0:
                break
    assert best is not None
    return best
