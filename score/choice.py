"""``--policy auto``: score a table under every candidate policy and keep the one that
reproduces the most printed numbers.

The candidates are the built-in policies (the national default first), then the rule variants
of the national default that no built-in already is: the execution rate rounded or truncated,
partial scores to 0.01, 0.1, 0.5 or whole points, the ratio or the linear formula for a missed
lower-is-better target. A variant is named after what it changes:
``national[rate=truncate,step=1]``.

A policy's misses are the problems that record a disagreement with a printed value (rows
with a ``kind``); the policy with the fewest wins, ties going to the earlier candidate, so
a tie is broken toward the national default.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from jixiao.extract.table import SelfEvalTable
from jixiao.score.frames import Frames, Rows, rows_to_frames
from jixiao.score.policy import Policy, builtin_policy_names, load_policy
from jixiao.score.scoring import score_table_rows

AUTO = "auto"
DEFAULT_POLICY = "national"


#: (short name, Policy setting, values) of the rule variants that --policy auto also tries.
VARIANTS: tuple[tuple[str, str, tuple[object, ...]], ...] = (
    ("rate", "rate_rounding", ("half_up", "truncate")),
    ("step", "partial_step", (Decimal("0.01"), Decimal("0.1"), Decimal("0.5"), Decimal("1"))),
    ("lower", "lower_rule", ("ratio", "linear")),
)


def auto_candidates() -> tuple[Policy, ...]:
    """Every built-in policy, the national default first, then its rule variants."""
    names = sorted(builtin_policy_names(), key=lambda name: (name != DEFAULT_POLICY, name))
    builtins = [load_policy(name) for name in names]
    seen = {_rules(p) for p in builtins}
    candidates = list(builtins)
    for variant in policy_variants(builtins[0]):
        if _rules(variant) not in seen:
            seen.add(_rules(variant))
            candidates.append(variant)
    return tuple(candidates)


def policy_variants(base: Policy) -> list[Policy]:
    """Every combination of the VARIANTS settings, named by what differs from ``base``.

    >>> [p.name for p in policy_variants(load_policy("national"))][:3]
    ['national', 'national[lower=linear]', 'national[rate=truncate]']
    """
    variants = []
    for values in itertools.product(*(options for _, _, options in VARIANTS)):
        changes = {setting: value for (_, setting, _), value in zip(VARIANTS, values, strict=True)}
        changed = [
            f"{short}={_plain(value)}"
            for (short, setting, _), value in zip(VARIANTS, values, strict=True)
            if getattr(base, setting) != value
        ]
        name = f"{base.name}[{','.join(changed)}]" if changed else base.name
        variants.append(replace(base, name=name, **changes))  # type: ignore[arg-type]
    return sorted(variants, key=lambda p: (p.name.count("="), p.name))


def _rules(policy: Policy) -> tuple[object, ...]:
    varied = (getattr(policy, setting) for _, setting, _ in VARIANTS)
    return (*varied, policy.score_rounding, policy.score_from, policy.rank_rule)


def _plain(value: object) -> str:
    return format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)


def misses(rows: Rows) -> int:
    """How many printed numbers a scoring of one table failed to reproduce."""
    return sum(1 for problem in rows.problems if problem["kind"])


def score_table_best(table: SelfEvalTable, *, table_id: str, policies: Sequence[Policy]) -> Frames:
    """Score under each policy; return the frames of the one with the fewest misses."""
    return rows_to_frames(score_table_best_rows(table, table_id=table_id, policies=policies))


def score_table_best_rows(
    table: SelfEvalTable, *, table_id: str, policies: Sequence[Policy]
) -> Rows:
    """:func:`score_table_best` as plain records."""
    if not policies:
        raise ValueError("score_table_best needs at least one policy")
    best: Rows | None = None
    best_misses = 0
    for policy in policies:
        rows = score_table_rows(table, table_id=table_id, policy=policy)
        count = misses(rows)
        if best is None or count < best_misses:
            best, best_misses = rows, count
            if count == 0:
                break
    assert best is not None
    return best
