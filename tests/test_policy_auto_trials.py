"""``--policy auto`` scores a table under a policy once (#26, round 5): the evidence of a
trial met again (the group's policies, then each table's alone; a rule variant tried in a
second pass) is taken from the first, and the table is scored again only under the policy it
ends with. The records are the ones scoring every trial afresh gives."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from jixiao.extract import grid_to_table, text_to_grids
from jixiao.model.frames import Rows
from jixiao.model.table import SelfEvalTable
from jixiao.score import auto_candidates, load_policy, score_tables_best_rows
from jixiao.score import choice as choice_module
from jixiao.score.choice import _choose, _scored, _Trials
from jixiao.score.parsed import table_to_parsed

ROOT = Path(__file__).resolve().parent.parent
# one department's six tables; real tables of several publishers, each file a group or more
SEED = ROOT / "fixtures" / "seed" / "000_a203d4b834672a09.txt"
TEXTS = [SEED, *sorted((ROOT / "fixtures" / "real" / "tsv").glob("*.txt"))]


def _tables(paths: list[Path]) -> list[tuple[SelfEvalTable, str]]:
    tables = []
    for path in paths:
        grids = text_to_grids(path.read_text("utf-8"), file=path.name)
        tables += [(grid_to_table(g), f"{path.name}#{k}") for k, g in enumerate(grids, 1)]
    return tables


@pytest.fixture
def scorings(monkeypatch: pytest.MonkeyPatch) -> Counter[tuple[str, str]]:
    """(table id, policy name) of every scoring from now on, with how many times."""
    counted: Counter[tuple[str, str]] = Counter()
    score = choice_module.score_parsed

    def counting(parsed: Any, *, table_id: str, policy: Any) -> Any:
        counted[table_id, policy.name] += 1
        return score(parsed, table_id=table_id, policy=policy)

    monkeypatch.setattr(choice_module, "score_parsed", counting)
    return counted


def _afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every trial scored afresh: evidence met before is not kept."""
    of = _Trials.of

    def not_kept(tables: Any, policies: Any) -> _Trials:
        return replace(of(tables, policies), kept=False)

    monkeypatch.setattr(_Trials, "of", staticmethod(not_kept))


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.stem)
def test_records_are_those_of_trials_scored_afresh(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tables = _tables([path])
    kept: list[Rows] = score_tables_best_rows(tables, policies=auto_candidates())
    _afresh(monkeypatch)
    assert score_tables_best_rows(tables, policies=auto_candidates()) == kept


def test_a_table_is_scored_once_under_a_policy(
    scorings: Counter[tuple[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    tables = _tables(TEXTS[:1])  # one group of six: each table is also chosen for alone
    score_tables_best_rows(tables, policies=auto_candidates())
    once = sum(scorings.values())
    assert set(scorings.values()) == {1}
    scorings.clear()
    _afresh(monkeypatch)
    score_tables_best_rows(tables, policies=auto_candidates())
    assert sum(scorings.values()) > once  # the alone choices score the group's trials again


def test_a_choice_made_from_evidence_is_scored_under_its_policy() -> None:
    tables = _tables(TEXTS[:1])
    parsed = [(table_to_parsed(t), tid) for t, tid in tables]
    trials = _Trials.of(parsed, auto_candidates())
    first = _choose(trials, [0], auto_candidates())
    again = _choose(trials, [0], auto_candidates())  # every trial met before
    assert first.chosen.scored
    assert again.chosen.scored == ()
    assert _scored(again, parsed[0]).chosen.scored == first.chosen.scored
    assert _scored(first, parsed[0]) is first


def test_policies_of_one_name_are_not_taken_for_each_other() -> None:
    national = load_policy("national")
    twin = replace(load_policy("linear-reverse"), name="national")
    parsed = [(table_to_parsed(t), tid) for t, tid in _tables(TEXTS[:1])]
    assert not _Trials.of(parsed, [national, twin]).kept
    assert _Trials.of(parsed, [national, load_policy("linear-reverse")]).kept
