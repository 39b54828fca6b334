"""``--policy auto``: score tables under the built-in policies and their rule variants, and
keep the one that reproduces the most printed numbers, on evidence that cannot be a single
wrong number.

A scoring's misses are ``(flagged, explained)``: the printed numbers it flags (a problem row
with a kind and severity warning or error) and those it explains without reproducing them
(kind with severity info: a rounding, an integer display). Its *evidence* is the set of
printed numbers it reproduces exactly (each indicator's 得分, the execution rate and score,
the 总分; :func:`reproduced_count`).

**The criterion** (:func:`adopts`). The national default stands until another policy or rule
variant does better on evidence: a candidate replaces the current choice only when it leaves
fewer misses, reproduces printed numbers that the current choice cannot, and, if it changes
any finding of the current choice (a warning or error reproduced, or turned into info), does
so on two rows or more (the 总分 row counts: a publisher's total follows its own rule). A
variant whose only gain is to turn findings into info (``met=band`` over an under-scored met
target) is never adopted, and neither is one that reproduces a single wrong number by
coincidence. A candidate that changes no finding (it reproduces what the current choice only
explained as a rounding) needs one number.

**Per publisher.** Tables of one department (or implementing unit) and year in one file
usually follow one scoring practice: the choice is made over the group, its evidence pooled
(:func:`score_tables_best_rows`), and a table departs from its group only with strong
evidence (three rows or more). Each table's record says how it was chosen
(``policy_basis``), the runner-up, and how many printed numbers each reproduces
(``numbers_printed``, ``numbers_reproduced``, ``runner_up_reproduced``).

The built-in policies come first (national, then the others by name). From the current
choice, each rule setting a publisher's spreadsheet may have used is varied in turn
(:data:`VARIANTS`), keeping a change only when :func:`adopts` it; the pass repeats until
nothing improves. Settings vary independently (each mostly touches its own printed numbers),
so this finds what the full product of settings would, at a few dozen scorings instead of
hundreds. A variant is named after what it changes: ``national[step=1-floor,rated=satisfaction]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import regex

from jixiao.model.frames import Frames, Rows, rows_to_frames
from jixiao.model.source import Severity
from jixiao.model.table import SelfEvalTable
from jixiao.score.parsed import ParsedTable, table_to_parsed
from jixiao.score.policy import Policy, builtin_policy_names, load_policy
from jixiao.score.scoring import Scored, score_parsed, scored_to_rows, table_year

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


# -- evidence ----------------------------------------------------------------------------------

_TABLE_NUMBERS = ("execution_rate", "execution_score", "score_total")
#: The problem fields of the printed numbers a policy reproduces or not.
_NUMBER_FIELDS = frozenset(
    ("score_reported", "execution_rate", "execution_score", "score_total_reported")
)


def printed_count(scored: Scored) -> int:
    """How many numbers a policy could reproduce the table prints: each indicator's 得分, the
    execution rate and score, the 总分."""
    table = scored.table
    shown = sum(table.get(f"{name}_reported") is not None for name in _TABLE_NUMBERS)
    return shown + sum(r.get("score_reported") is not None for r in scored.indicators)


def reproduced_count(scored: Scored) -> int:
    """How many of the :func:`printed_count` numbers a scoring reproduces: those it raises no
    problem with a kind about."""
    disagreeing = {
        (field, row if row is not None else found)
        for field, row, found in flags_of(scored)
        if field in _NUMBER_FIELDS
    }
    return max(printed_count(scored) - len(disagreeing), 0)


#: A disagreement with a printed value: (field, row, the printed value). The value tells two
#: cells apart where a table built without positions (from a truth file) has no rows.
Key = tuple[str, int | None, str]


def flags_of(scored: Scored) -> dict[Key, bool]:
    """Where a scoring disagrees with a printed value (a problem with a kind), and whether
    that is a finding (warning or error; else info)."""
    flags: dict[Key, bool] = {}
    for p in scored.problems:
        if p.kind:
            key = (p.field, p.source.row, p.found)
            flags[key] = flags.get(key, False) or p.severity is not Severity.INFO
    return flags


@dataclass(frozen=True, slots=True)
class TableEvidence:
    """What one table's scoring under one policy shows: its misses, where it disagrees with
    printed values (and whether as a finding), how many printed numbers it reproduces."""

    misses: tuple[int, int]
    flags: dict[Key, bool]
    reproduced: int

    @classmethod
    def of(cls, scored: Scored) -> TableEvidence:
        return cls(scored.misses, flags_of(scored), reproduced_count(scored))


@dataclass(frozen=True, slots=True)
class Trial:
    """Tables scored under one policy, with the evidence the choice is made on (per table, in
    the group's order). ``scored`` keeps the scorings while the trial is the current choice
    (empty once it is not: a group's trials are many, its scorings large; empty too for a
    trial made from evidence met before: :class:`_Trials`)."""

    policy: Policy
    tables: tuple[TableEvidence, ...]
    scored: tuple[Scored, ...] = ()

    @property
    def misses(self) -> tuple[int, int]:
        return (sum(t.misses[0] for t in self.tables), sum(t.misses[1] for t in self.tables))

    @property
    def flags(self) -> dict[tuple[int, Key], bool]:
        return {
            (k, key): value for k, t in enumerate(self.tables) for key, value in t.flags.items()
        }

    @property
    def findings(self) -> frozenset[tuple[int, Key]]:
        return frozenset(key for key, finding in self.flags.items() if finding)

    def part(self, k: int) -> Trial:
        """The trial of the group's ``k``-th table alone."""
        return Trial(self.policy, (self.tables[k],), self.scored[k : k + 1])

    def shed(self) -> Trial:
        """The trial without its scorings (no longer the current choice)."""
        return replace(self, scored=())


@dataclass(frozen=True, slots=True)
class _Trials:
    """Trials of the tables of one file, each table's evidence under each policy kept by
    (table, policy name): a table scores the same under the same policy, so a trial met again
    (the group's policies, then each table's alone; a rule variant tried in a second pass) is
    not scored again. Only the evidence is kept, not the scorings (large): a trial made from
    it has none, and the table is scored again under the policy it ends with
    (:func:`_scored`). Policy names tell policies apart only where they are unique."""

    tables: Sequence[tuple[ParsedTable, str]]
    seen: dict[tuple[int, str], TableEvidence]
    kept: bool

    @classmethod
    def of(cls, tables: Sequence[tuple[ParsedTable, str]], policies: Sequence[Policy]) -> _Trials:
        names = [policy.name for policy in policies]
        return cls(tables, {}, len(set(names)) == len(names))

    def trial(self, members: Sequence[int], policy: Policy) -> Trial:
        """The tables ``members`` scored under ``policy`` (their evidence, when all were)."""
        keys = [(index, policy.name) for index in members]
        if self.kept and all(key in self.seen for key in keys):
            return Trial(policy, tuple(self.seen[key] for key in keys))
        scored = tuple(
            score_parsed(self.tables[i][0], table_id=self.tables[i][1], policy=policy)
            for i in members
        )
        evidence = tuple(TableEvidence.of(s) for s in scored)
        self.seen.update(zip(keys, evidence, strict=True))
        return Trial(policy, evidence, scored)


_FRACTION = regex.compile(r"\d\.\d*[1-9]")


def evidence(current: Trial, candidate: Trial) -> int:
    """How strongly ``candidate`` shows a rule ``current`` does not follow: the rows whose
    printed numbers it reproduces and ``current`` cannot, a number with decimals counting twice
    (``19.6`` = 98% × 20 is seldom a coincidence; a wrong score is mostly a whole number)."""
    gained = [key for key in current.flags if key not in candidate.flags]
    rows = {(k, row if row is not None else (field, found)) for k, (field, row, found) in gained}
    fractions = {(k, key) for k, key in gained if _FRACTION.search(key[2])}
    return len(rows) + len(fractions)


def adopts(current: Trial, candidate: Trial, *, rows: int = 2) -> bool:
    """Whether ``candidate`` replaces ``current`` (the criterion of this module's docstring):
    fewer misses, printed numbers that only it reproduces, and, when it changes a finding of
    ``current``, :func:`evidence` of ``rows`` or more."""
    if not candidate.misses < current.misses:
        return False
    strength = evidence(current, candidate)
    if strength == 0:
        return False
    return current.findings <= candidate.findings or strength >= rows


# -- choosing ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Choice:
    """The chosen trial and the best one not chosen (None when only one was scored)."""

    chosen: Trial
    runner_up: Trial | None


def choose(group: Sequence[tuple[ParsedTable, str]], policies: Sequence[Policy]) -> Choice:
    """The policy for a group of tables: the first of ``policies`` (the default) until another,
    or a rule variant, is adopted (:func:`adopts`)."""
    return _choose(_Trials.of(group, policies), range(len(group)), policies)


def _choose(trials: _Trials, members: Sequence[int], policies: Sequence[Policy]) -> Choice:
    """:func:`choose` for the tables ``members`` of ``trials``."""
    if not policies:
        raise ValueError("choosing a policy needs at least one policy")
    best = trials.trial(members, policies[0])
    tried = [best.policy]  # in the order tried: a tie for runner-up goes to the earlier
    others: dict[str, Trial] = {}
    for policy in policies[1:]:
        tried.append(policy)
        best = _keep_better(best, trials.trial(members, policy), others)
    if best.misses != (0, 0) and best.policy.explore_variants:
        best = _explore(trials, members, best, tried, others)
    ranked = [others[p.name] for p in tried if p.name in others]
    return Choice(best, min(ranked, key=lambda t: t.misses, default=None))


def _keep_better(best: Trial, trial: Trial, others: dict[str, Trial]) -> Trial:
    """The trial that stays the current choice; the other goes, without its scorings, to
    ``others``."""
    kept, dropped = (trial, best) if adopts(best, trial) else (best, trial)
    others[dropped.policy.name] = dropped.shed()
    return kept


def _explore(
    trials: _Trials,
    members: Sequence[int],
    start: Trial,
    tried: list[Policy],
    others: dict[str, Trial],
) -> Trial:
    """Vary one rule setting at a time from ``start``'s policy, keeping what :func:`adopts`."""
    base = start.policy
    best = start
    chosen: dict[str, str] = {}
    for _ in range(_MAX_PASSES):
        improved = False
        for short, options in VARIANTS:
            for option in options:
                if chosen.get(short) == option:
                    continue
                trial_choices = {**chosen, short: option}
                policy = variant(base, trial_choices)
                if policy.name == variant(base, chosen).name:
                    continue
                tried.append(policy)
                kept = _keep_better(best, trials.trial(members, policy), others)
                if kept is not best:
                    best, chosen, improved = kept, trial_choices, True
                    if best.misses == (0, 0):
                        return best
        if not improved:
            break
    return best


def score_table_best(table: SelfEvalTable, *, table_id: str, policies: Sequence[Policy]) -> Frames:
    """Score under each policy (and, for the ``auto`` candidates, their rule variants); return
    the frames of the one chosen by :func:`adopts`."""
    return rows_to_frames(score_table_best_rows(table, table_id=table_id, policies=policies))


def score_table_best_rows(
    table: SelfEvalTable, *, table_id: str, policies: Sequence[Policy]
) -> Rows:
    """:func:`score_table_best` as plain records (frames are built once per run)."""
    (rows,) = score_tables_best_rows([(table, table_id)], policies=policies)
    return rows


def score_tables_best_rows(
    tables: Sequence[tuple[SelfEvalTable, str]], *, policies: Sequence[Policy]
) -> list[Rows]:
    """Score the tables of one file, choosing the policy per publisher: the tables of one
    department (or implementing unit) and year together, each table alone when it carries
    neither; a table departs from its group's choice only on three rows of evidence. The
    records carry how the policy was chosen (:func:`with_evidence`)."""
    parsed = [(table_to_parsed(table), table_id) for table, table_id in tables]
    groups: dict[tuple[str, int] | int, list[int]] = {}
    for index, (table, _) in enumerate(tables):
        groups.setdefault(publisher_of(table) or index, []).append(index)
    out: list[Rows | None] = [None] * len(tables)
    chosen = len(policies) > 1 or policies[0].explore_variants  # else the one policy given
    trials = _Trials.of(parsed, policies)
    for members in groups.values():
        choice = _choose(trials, members, policies)
        for k, index in enumerate(members):
            runner = choice.runner_up.part(k) if choice.runner_up else None
            picked, basis = Choice(choice.chosen.part(k), runner), _basis(policies, len(members))
            if chosen and len(members) > 1:
                alone = _choose(trials, [index], policies)
                if alone.chosen.policy.name != picked.chosen.policy.name and adopts(
                    picked.chosen, alone.chosen, rows=3
                ):
                    picked, basis = alone, "table, departing from its group"
            out[index] = scored_to_rows(with_evidence(_scored(picked, parsed[index]), basis))
    return [rows for rows in out if rows is not None]


def _scored(choice: Choice, table: tuple[ParsedTable, str]) -> Choice:
    """``choice`` of one table with its scoring, the table scored again where the chosen
    trial was made from evidence met before (:class:`_Trials`)."""
    if choice.chosen.scored:
        return choice
    parsed, table_id = table
    scored = score_parsed(parsed, table_id=table_id, policy=choice.chosen.policy)
    return replace(choice, chosen=replace(choice.chosen, scored=(scored,)))


def publisher_of(table: SelfEvalTable) -> tuple[str, int] | None:
    """(department or implementing unit, year) of a table; None without either."""
    name = next(
        (clean for cell in (table.department, table.implementing_unit)
         if cell is not None and (clean := "".join(cell.raw.split()))),
        "",
    )  # fmt: skip
    year = table_year(table)
    return (name, year) if name and year is not None else None


def _basis(policies: Sequence[Policy], members: int) -> str:
    if len(policies) == 1 and not policies[0].explore_variants:
        return "given"  # the one policy named
    return f"group of {members} tables" if members > 1 else "table"


def with_evidence(choice: Choice, basis: str) -> Scored:
    """The chosen scoring of one table, its record carrying the evidence of the choice."""
    scored = choice.chosen.scored[0]
    runner = choice.runner_up
    table = {
        **scored.table,
        "policy_basis": basis,
        "policy_runner_up": runner.policy.name if runner else None,
        "numbers_printed": printed_count(scored),
        "numbers_reproduced": choice.chosen.tables[0].reproduced,
        "runner_up_reproduced": runner.tables[0].reproduced if runner else None,
    }
    return replace(scored, table=table)
