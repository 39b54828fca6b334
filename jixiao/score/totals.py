"""The 总分 row, reconciled before it is called wrong.

A publisher's spreadsheet adds its scores in ways the printed table does not show: from the
unrounded execution score (9.91 printed as 9), with the total shown as a whole number, without
the execution block, with the 其中 sub-rows, or with a score that was left blank in print.
:func:`reconcile` tries these explanations, the simplest first, and returns the first that
gives the printed total exactly or as it is displayed (a total printed as ``94`` is compared at
whole points, ``82.8`` at tenths). Only a total none of them explains is an error of the table
(``total_sum_mismatch``, kind ``rule``).

The printed total is then compared with the recomputed one, added up the same way; the
difference comes from the rows whose printed score differs from the recomputed one, so the
total takes the kind of the most serious of them (``judgement`` when an evaluator scored below
the rule, ``rounding`` when the rows were rounded), never ``rule`` for a table that agrees
with itself.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from jixiao.core.problems import ProblemLog
from jixiao.model.source import Severity, Source
from jixiao.score.disagreement import KIND_ORDER, SEVERITY_OF_KIND, fmt, rounded_kind
from jixiao.score.explain import approx, rounding_text
from jixiao.score.policy import Policy
from jixiao.score.rounding import RoundingMode, decimals_step, round_to

_SEVERITY_ORDER = (Severity.INFO, Severity.WARNING, Severity.ERROR)
_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Part:
    """One score that adds up to the total: the execution score or an indicator's.

    ``kind`` and ``severity`` are those of the part's own disagreement (empty when its
    printed score is reproduced)."""

    label: str
    printed: Decimal | None
    recomputed: Decimal | None
    exact: Decimal | None
    kind: str = ""
    severity: Severity | None = None
    execution: bool = False
    sub_row: bool = False
    weighted: bool = False  # the part prints its own weight (分值)


#: The ways a spreadsheet may have added the total, in the order they are tried.
SWITCHES = ("exact", "missing", "no_execution", "sub_rows")


@dataclass(frozen=True, slots=True)
class Basis:
    """How a printed total was added up: the ``switches`` applied, the sum they give, the
    step and mode the sum was shown at (``None``: shown as is), its kind and explanation."""

    switches: tuple[str, ...]
    value: Decimal
    step: Decimal | None
    mode: RoundingMode | None
    kind: str
    text: str


PLAIN = Basis((), _ZERO, None, None, "", "")


def printed_sum(parts: Sequence[Part]) -> Decimal | None:
    """The execution score plus the printed scores of the counted rows."""
    values = [p.printed for p in parts if not p.sub_row and p.printed is not None]
    return sum(values, _ZERO) if values else None


def recomputed_sum(parts: Sequence[Part], basis: Basis = PLAIN) -> Decimal | None:
    """The recomputed total added up like the printed one: unrounded where the printed total
    was added up unrounded; a row that cannot be recomputed counts with its printed score."""
    values = [_recomputed(p, basis) for p in parts if _included(p, basis.switches)]
    present = [v for v in values if v is not None]
    return sum(present, _ZERO) if present else None


def _recomputed(part: Part, basis: Basis) -> Decimal | None:
    if "exact" in basis.switches and part.exact is not None and part.recomputed is not None:
        return part.exact
    return part.recomputed if part.recomputed is not None else part.printed


def _included(part: Part, switches: tuple[str, ...]) -> bool:
    if part.sub_row:
        return "sub_rows" in switches
    return not (part.execution and "no_execution" in switches)


def reconcile(
    total: Decimal,
    parts: Sequence[Part],
    policy: Policy,
    *,
    execution_in_weights: bool,
) -> Basis | None:
    """The simplest way of adding up the parts that gives the printed total, or ``None``.

    ``execution_in_weights``: the printed 总分 weight includes the execution weight, so a total
    without the execution score contradicts the table (``rule``) rather than following a
    convention."""
    steps = policy.rounding_steps
    available = [s for s in SWITCHES if _changes(s, parts, steps)]
    shown_step = _display_step(total, steps)
    precision = decimals_step(policy.total_decimals)
    for size in range(len(available) + 1):
        for switches in itertools.combinations(available, size):
            value = _sum_under(parts, switches, steps)
            if abs(total - value) <= policy.tolerance:
                return _basis(
                    switches, value, None, None, parts, steps, execution_in_weights, precision
                )
            for mode in ("half_up", "truncate"):
                if shown_step is not None and round_to(value, shown_step, mode) == total:
                    return _basis(
                        switches,
                        value,
                        shown_step,
                        mode,
                        parts,
                        steps,
                        execution_in_weights,
                        precision,
                    )
    return None


def _display_step(total: Decimal, steps: tuple[Decimal, ...]) -> Decimal | None:
    """The coarsest step the printed total is a multiple of: ``94`` → 1, ``82.8`` → 0.1."""
    multiples = [s for s in steps if total % s == 0]
    return max(multiples) if multiples else None


def _changes(switch: str, parts: Sequence[Part], steps: tuple[Decimal, ...]) -> bool:
    counted = [p for p in parts if not p.sub_row]
    if switch == "exact":
        return any(_unrounded(p, steps) for p in counted)
    if switch == "missing":
        return any(p.printed is None and p.recomputed is not None for p in counted)
    if switch == "no_execution":
        return any(p.execution and p.printed for p in counted)
    return any(p.sub_row and p.printed is not None for p in parts)


def _unrounded(part: Part, steps: tuple[Decimal, ...]) -> bool:
    """The printed score is the exact one rounded (so a spreadsheet may have kept the exact)."""
    return (
        part.printed is not None
        and part.exact is not None
        and part.exact != part.printed
        and bool(rounded_kind(part.printed, part.exact, steps))
    )


def _sum_under(
    parts: Sequence[Part], switches: tuple[str, ...], steps: tuple[Decimal, ...]
) -> Decimal:
    total = _ZERO
    for part in parts:
        if not _included(part, switches):
            continue
        if part.printed is None:
            if "missing" in switches and part.recomputed is not None:
                total += part.recomputed
        elif "exact" in switches and part.exact is not None and _unrounded(part, steps):
            total += part.exact
        else:
            total += part.printed
    return total


def _basis(
    switches: tuple[str, ...],
    value: Decimal,
    step: Decimal | None,
    mode: RoundingMode | None,
    parts: Sequence[Part],
    steps: tuple[Decimal, ...],
    execution_in_weights: bool,
    precision: Decimal,
) -> Basis:
    """How the printed total was added up, in words; a sum is shown at the policy's total
    precision (``合计 ≈93.91``), as a table prints it, never with every digit of a Decimal."""
    kinds = []
    texts = []
    counted = [p for p in parts if not p.sub_row]
    if "exact" in switches:
        unrounded = [p for p in counted if _unrounded(p, steps)]
        kinds += [
            rounded_kind(p.printed, p.exact, steps) for p in unrounded if p.printed and p.exact
        ]
        names = "、".join(
            f"{p.label}（{_value(p.exact)}）" for p in unrounded if p.exact is not None
        )
        texts.append(f"按未取整的{names}计")
    if "missing" in switches:
        kinds.append("missing_data")
        blank = [p for p in counted if p.printed is None and p.recomputed is not None]
        names = "、".join(f"{p.label}（按规则 {fmt(p.recomputed)}）" for p in blank)
        texts.append(f"计入表中得分为空的{names}")
    if "no_execution" in switches:
        kinds.append("rule" if execution_in_weights else "convention")
        execution = next(p for p in counted if p.execution)
        texts.append(
            f"未计入预算执行得分 {fmt(execution.printed)}"
            + ("（但总分行的分值含预算执行）" if execution_in_weights else "")
        )
    if "sub_rows" in switches:
        # a 其中 row is part of the row above it: counting its score counts it twice, unless
        # it carries points of its own
        subs = [p for p in parts if p.sub_row and p.printed is not None]
        own_points = all(p.weighted for p in subs)
        kinds.append("convention" if own_points else "rule")
        texts.append("计入了“其中”分项的得分" + ("" if own_points else "（与所属指标重复计分）"))
    shown = approx(value, precision).removeprefix("=")
    if step is not None and mode is not None:
        kinds.append("integer_display" if step >= 1 else "rounding")
        rounded = rounding_text(value, round_to(value, step, mode), step, mode)
        texts.append(f"合计 {shown}，{rounded}")
    elif switches:
        texts.append(f"合计 {shown}")
    kind = max(kinds, key=KIND_ORDER.index, default="")
    return Basis(switches, value, step, mode, kind, "，".join(texts))


def _value(value: Decimal) -> str:
    """``9.91``, or ``≈7.47`` when digits were dropped."""
    return approx(value).removeprefix("=")


def contradicted_roundings(basis: Basis | None, parts: Sequence[Part]) -> int:
    """How many parts the policy reproduces by rounding them while the printed total was
    added up with them unrounded: the total shows that rounding was only display, so a
    policy that makes it a rule explains the table no better than one that calls it so."""
    if basis is None or "exact" not in basis.switches:
        return 0
    return sum(
        1
        for p in parts
        if not p.sub_row
        and p.exact is not None
        and p.printed is not None
        and p.exact != p.printed
        and p.recomputed == p.printed
    )


def check_totals(
    log: ProblemLog,
    policy: Policy,
    source: Source,
    total: Decimal | None,
    parts: Sequence[Part],
    *,
    recomputed: Decimal | None,
    execution_in_weights: bool,
) -> Basis | None:
    """Check the printed 总分 against the printed scores and against the recomputed total;
    return how the printed total was added up (``None``: unexplained or not printed).

    ``recomputed`` is the table's recomputed total as the frame holds it (``score_total``):
    a message names that number, and the total added up the publisher's way beside it."""
    if total is None:
        return None
    printed = printed_sum(parts)
    basis = reconcile(total, parts, policy, execution_in_weights=execution_in_weights)
    if basis is None:
        if printed is not None:
            log.add(
                "total_sum_mismatch",
                f"总分 {fmt(total)} 不等于表中各项得分之和 {fmt(printed)}，"
                "也无法用取整、未取整的分项、是否计入预算执行得分或“其中”分项解释",
                source,
                field_name="score_total_reported",
                expected=fmt(printed),
                found=fmt(total),
                kind="rule",
            )
        _check_recomputed(log, policy, source, total, parts, PLAIN, recomputed, unexplained=True)
        return None
    if basis.switches or basis.step is not None:
        log.add(
            "total_sum_mismatch",
            f"总分 {fmt(total)} 与表中各项得分之和 {fmt(printed)} 不符，可由此解释：{basis.text}",
            source,
            field_name="score_total_reported",
            expected=fmt(printed),
            found=fmt(total),
            kind=basis.kind,
        )
    _check_recomputed(log, policy, source, total, parts, basis, recomputed, unexplained=False)
    return basis


def _check_recomputed(
    log: ProblemLog,
    policy: Policy,
    source: Source,
    total: Decimal,
    parts: Sequence[Part],
    basis: Basis,
    recomputed: Decimal | None,
    *,
    unexplained: bool,
) -> None:
    exact = recomputed_sum(parts, basis)
    if exact is None or recomputed is None:
        return
    precision = decimals_step(policy.total_decimals)
    if basis.step is not None and basis.mode is not None:
        value = round_to(exact, basis.step, basis.mode)
    else:
        value = round_to(exact, precision, "half_up")
    if abs(total - value) <= policy.tolerance:
        return
    causes = [p for p in parts if _included(p, basis.switches) and _differs(p, basis, policy)]
    notes = []
    if value != recomputed:  # compared the publisher's way: say how, and what it gives
        notes.append(_compared_text(basis, exact, value, precision))
    code = "total_mismatch"
    if unexplained or not causes:
        kind = "rule"
    else:
        worst = max(causes, key=_seriousness)
        kind = worst.kind or "rule"  # the total's severity follows the kind of its worst cause
        if worst.severity is Severity.INFO and SEVERITY_OF_KIND[kind] is not Severity.INFO:
            code = "total_mismatch_allowed"  # only through rows the policy allows (达成 band)
        notes.append("差异来自上面各行的差异")
    log.add(
        code,
        f"总分：表中为 {fmt(total)}，按规则重算为 {fmt(recomputed)}"
        + (f"（{'；'.join(notes)}）" if notes else ""),
        source,
        field_name="score_total_reported",
        expected=fmt(recomputed),
        found=fmt(total),
        kind=kind,
    )


def _compared_text(basis: Basis, exact: Decimal, value: Decimal, precision: Decimal) -> str:
    """How the recomputed total was added up to compare it with the printed one, when that is
    not the table's ``score_total``: ``按表中的加总方式：…，合计 ≈91.95，取整为 92``."""
    added = approx(exact, precision).removeprefix("=")
    rounded = basis.step is not None and value != round_to(exact, precision, "half_up")
    if not basis.switches:
        return f"按表中总分的取整方式为 {fmt(value)}"
    how = basis.text.split("，合计")[0]
    return f"按表中的加总方式：{how}，合计 {added}" + (f"，取整为 {fmt(value)}" if rounded else "")


def _differs(part: Part, basis: Basis, policy: Policy) -> bool:
    if part.printed is None:
        return part.recomputed is not None and "missing" not in basis.switches
    return part.recomputed is not None and abs(part.recomputed - part.printed) > policy.tolerance


def _seriousness(part: Part) -> tuple[int, int]:
    kind = part.kind or "rule"
    severity = part.severity or SEVERITY_OF_KIND[kind]
    return _SEVERITY_ORDER.index(severity), KIND_ORDER.index(kind)
