"""The parent collects cycles less often while files are read, and collects its young objects
while it waits for the workers, not on a result (#26)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from jixiao.batch import run


@pytest.fixture
def no_automatic_collections() -> Iterator[None]:
    was = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@pytest.mark.usefixtures("no_automatic_collections")
@pytest.mark.parametrize(("made", "collects"), [(100, False), (run.YOUNG_COLLECTION // 4, True)])
def test_young_objects_are_collected_when_there_are_enough(made: int, collects: bool) -> None:
    young = [[] for _ in range(made)]  # each list is tracked by the collector
    before = gc.get_count()[0]
    assert run._collect_young() is collects
    assert (gc.get_count()[0] < before) is collects
    assert len(young) == made


def test_fewer_collections_while_reading() -> None:
    before = gc.get_threshold()
    with run._fewer_collections():
        assert gc.get_threshold()[0] == run.YOUNG_COLLECTION
    assert gc.get_threshold() == before
