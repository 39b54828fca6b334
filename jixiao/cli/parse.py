"""``jixiao parse-target`` and ``jixiao parse-actual``: check how strings are understood.

One JSON object per input, one per line, so analysts and tests can check strings in bulk;
``-`` reads one string per line from standard input.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from jixiao.normalize import Measurement, Target


def _plain(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def target_to_json(text: str, target: Target) -> dict[str, object]:
    """The JSON object printed for one target."""
    return {
        "text": text,
        "kind": target.kind,
        "op": target.op,
        "value": _plain(target.value),
        "upper": _plain(target.upper),
        "unit": target.unit.text if target.unit else None,
        "direction": target.direction,
        "reason": target.reason,
    }


def actual_to_json(text: str, actual: Measurement) -> dict[str, object]:
    """The JSON object printed for one actual value."""
    return {
        "text": text,
        "kind": actual.kind,
        "op": actual.op,
        "value": _plain(actual.value),
        "upper": _plain(actual.upper),
        "unit": actual.unit.text if actual.unit else None,
        "completion": actual.completion,
        "reason": actual.reason,
    }


def _inputs(texts: Iterable[str]) -> Iterator[str]:
    for text in texts:
        if text == "-":
            yield from (line.rstrip("\r\n") for line in sys.stdin)
        else:
            yield text


def _emit(objects: Iterable[dict[str, object]]) -> None:
    out = sys.stdout
    for obj in objects:
        out.write(json.dumps(obj, ensure_ascii=False) + "\n")


@click.command("parse-target", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("texts", nargs=-1, required=True)
@click.option("--indicator", help="The 三级指标 name, for the direction of a bare number.")
@click.option("--group", help="The 二级指标 group, for the direction of a bare number.")
def parse_target_command(texts: tuple[str, ...], indicator: str | None, group: str | None) -> None:
    """Print how each 年度指标值 TEXT is understood, one JSON object per line.

    Fields: text, kind, op, value, upper, unit, direction, reason. With - read one
    string per line from standard input.

    \b
    Example:
      jixiao parse-target '≥90%' '前五名' '控制在5%以内'
      cut -f5 targets.tsv | jixiao parse-target -
      jixiao parse-target 3% --indicator 公文出错率
    """
    from jixiao import normalize  # noqa: PLC0415 - the parsers: ~70 ms, not for `--help`

    _emit(
        target_to_json(text, normalize.parse_target(text, indicator=indicator, group=group))
        for text in _inputs(texts)
    )


@click.command("parse-actual", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("texts", nargs=-1, required=True)
@click.option("--target", "target_text", help="The target, whose unit a bare number takes.")
def parse_actual_command(texts: tuple[str, ...], target_text: str | None) -> None:
    """Print how each 实际完成值 TEXT is understood, one JSON object per line.

    Fields: text, kind, op, value, upper, unit, completion, reason. With - read one
    string per line from standard input.

    \b
    Example:
      jixiao parse-actual '235次' '达成预期指标' '基本完成'
      jixiao parse-actual 95 --target '≥90%'
    """
    from jixiao import normalize  # noqa: PLC0415 - the parsers: ~70 ms, not for `--help`

    target = normalize.parse_target(target_text) if target_text else None
    _emit(
        actual_to_json(text, normalize.parse_actual(text, target=target)) for text in _inputs(texts)
    )
