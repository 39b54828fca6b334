"""``--policy auto``: score a table under the built-in policies and their rule variants, and
keep the one that explains the most printed numbers.

A scoring's misses are ``(flagged, explained)``: the printed numbers it flags (a problem row
with a kind and severity warning or error) and those it explains without reproducing them
(kind with severity info: a rounding, an integer display). The policy with the fewest flagged,
then the fewest explained, wins; a tie goes to the earlier candidate, so toward the national
default.

The built-in policies come first (national, then the others by name). From the best of them,
each rule setting a publisher's spreadsheet may have used is varied in turn (:data:`VARIANTS`),
keeping a change only when it explains strictly more; the pass repeats until nothing improves.
Settings vary independently (each mostly touches its own printed numbers), so this finds what
the full product of settings would, at a few dozen scorings instead of hundreds. A variant is
named after what it changes: ``national[step=1-floor,rated=satisfaction]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from jixiao.model.frames import Frames, Rows
from jixiao.model.table import SelfEvalTable
from jixiao.score.parsed import ParsedTable, table_to_parsed
from jixiao.score.policy import Policy, builtin_policy_names, load_policy
from jixiao.score.scoring import Scored, score_parsed, scored_to_frames, scored_to_rows

AUTO = "auto"
DEFAULT_POLICY = "national"

_HU, _DOWN = "half_up", "truncate"

#: The rule settings --policy auto varies: (short name, {option name: settings}). The first
#: option of each is the national default's.
VARIANTS: tuple[tuple[str, dict[str, dict[str, Any]]], ...] = (
    ("rate", {"half_up": {"rate_rounding": _HU}, "truncate": {"rate_rounding": _DOWN}}),
    (
        "escore",
        {
            "0.01": {"score_decimals": 2, "score_rounding": _HU},
            "0.1": {"score_decimals": 1, "score_rounding": _HU},
            "1": {"score_decimals": 0, "score_rounding": _HU},
            "1-floor": {"score_decimals": 0, "score_rounding": _DOWN},
        },
    ),
    (
        "step",
        {
            f"{step}{suffix}": {"partial_step": Decimal(step), "partial_rounding": mode}
            for step in ("0.01", "0.1", "0.5", "1")
            for suffix, mode in (("", _HU), ("-floor", _DOWN))
            if not (step == "0.01" and mode == _DOWN)
        },
    ),
    ("lower", {"ratio": {"lower_rule": "ratio"}, "linear": {"lower_rule": "linear"}}),
    (
        "rated",
        {
            "none": {"rate_scored": "none"},
            "satisfaction": {"rate_scored": "satisfaction"},
            "percent": {"rate_scored": "percent"},
        },
    ),
    ("met", {"full": {"met_scoring": "full"}, "band": {"met_scoring": "band"}}),
)

_MAX_PASSES = 3


def auto_candidates() -> tuple[Policy, ...]:
    """Every built-in policy, the national default first, each marked to have its rule
    variants explored."""
    names = sorted(builtin_policy_names(), key=lambda name: (name != DEFAULT_POLICY, name))
    return tuple(replace(load_policy(name), explore_variants=True) for name in names)


def variant(base: Policy, choices: dict[str, str]) -> Policy:
    """``base`` with one option of some VARIANTS settings, named by what differs from it.

    >>> variant(load_policy("national"), {"step": "1", "rated": "satisfaction"}).name
    'national[step=1,rated=satisfaction]'
    >>> variant(load_policy("national"), {"step": "0.01"}).name
    'national'
    """
    changes: dict[str, Any] = {}
    names = []
    for short, options in VARIANTS:
        if short not in choices:
            continue
        settings = options[choices[short]]
        if any(getattr(base, key) != value for key, value in settings.items()):
            changes.update(settings)
            names.append(f"{short}={choices[short]}")
    name = f"{base.name}[{','.join(names)}]" if names else base.name
    return replace(base, name=name, **changes)


def misses(frames: Frames) -> tuple[int, int]:
    """(flagged, explained) printed numbers of a scored table's frames."""
    kinds = frames.problems["kind"].fillna("") != ""
    info = frames.problems["severity"] == "info"
    return int((kinds & ~info).sum()), int((kinds & info).sum())


def score_table_best(table: SelfEvalTable, *, table_id: str, policies: Sequence[Policy]) -> Frames:
    """Score under each policy (and, for the ``auto`` candidates, their rule variants); return
    the frames of the one that explains the most printed numbers."""
    if not policies:
        raise ValueError("score_table_best needs at least one policy")
    parsed = table_to_parsed(table)
    return scored_to_frames(best_scoring(parsed, table_id=table_id, policies=policies))


def score_table_best_rows(
    table: SelfEvalTable, *, table_id: str, policies: Sequence[Policy]
) -> Rows:
    """:func:`score_table_best` as plain records (frames are built once per run)."""
    if not policies:
        raise ValueError("score_table_best needs at least one policy")
    parsed = table_to_parsed(table)
    return scored_to_rows(best_scoring(parsed, table_id=table_id, policies=policies))


def best_scoring(parsed: ParsedTable, *, table_id: str, policies: Sequence[Policy]) -> Scored:
    best: Scored | None = None
    best_policy = policies[0]
    for policy in policies:
        scored = score_parsed(parsed, table_id=table_id, policy=policy)
        if best is None or scored.misses < best.misses:
            best, best_policy = scored, policy
    assert best is not None
    if best.misses == (0, 0) or not best_policy.explore_variants:
        return best
    return _explore(parsed, table_id, best_policy, best)


def _explore(parsed: ParsedTable, table_id: str, base: Policy, best: Scored) -> Scored:
    """Vary one rule setting at a time from ``base``, keeping strict improvements."""
    chosen: dict[str, str] = {}
    for _ in range(_MAX_PASSES):
        improved = False
        for short, options in VARIANTS:
            for option in options:
                if chosen.get(short) == option:
                    continue
                trial = {**chosen, short: option}
                policy = variant(base, trial)
                if policy.name == variant(base, chosen).name:
                    continue
                scored = score_parsed(parsed, table_id=table_id, policy=policy)
                if scored.misses < best.misses:
                    best, chosen, improved = scored, trial, True
                    if best.misses == (0, 0):
                        return best
        if not improved:
            break
    return best
