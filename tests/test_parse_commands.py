"""jixiao parse-target / parse-actual: one JSON object per input."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from jixiao.cli.main import main


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["parse-target", "≥90%"], [{"kind": "numeric", "op": ">=", "value": "90", "unit": "%"}]),
        (["parse-target", "前五名"], [{"kind": "rank", "op": "<=", "value": "5"}]),
        (["parse-target", "90%-95%"], [{"kind": "range", "value": "90", "upper": "95"}]),
        (["parse-target", "3%", "--indicator", "公文出错率"], [{"direction": "lower"}]),
        (["parse-actual", "达成预期指标"], [{"kind": "qualitative", "completion": "达成"}]),
        (["parse-actual", "95", "--target", "≥90%"], [{"value": "95", "unit": "%"}]),
    ],
    ids=["percent", "rank", "range", "direction-from-name", "completion", "unit-from-target"],
)
def test_parse_commands(args: list[str], expected: list[dict[str, str]]) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    objects = [json.loads(line) for line in result.output.splitlines()]
    assert [{k: o[k] for k in e} for o, e in zip(objects, expected, strict=True)] == expected


def test_dash_reads_one_string_per_line_from_stdin() -> None:
    result = CliRunner().invoke(
        main, ["parse-target", "-"], input="≥90%\n效果明显\n无法识别的9O%\n"
    )
    kinds = [json.loads(line)["kind"] for line in result.output.splitlines()]
    assert kinds == ["numeric", "qualitative", "unparsed"]
    assert json.loads(result.output.splitlines()[0])["text"] == "≥90%"
