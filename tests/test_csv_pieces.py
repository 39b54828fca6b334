"""A CSV writer formats a chunk a few rows at a time (jixiao.export.write.CSV_ROWS): the same
bytes as the whole chunk at once, whatever the piece size."""

from __future__ import annotations

from pathlib import Path

import pytest

import jixiao
import jixiao.export.write
from jixiao.export.write import write_frames
from tests.conftest import SEED


@pytest.mark.parametrize("rows", [1, 7])
def test_csv_written_in_pieces_is_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows: int
) -> None:
    frames = jixiao.read(SEED).frames
    assert len(frames.indicators) > rows  # more than one piece
    whole = write_frames(frames, tmp_path / "whole", ["csv"])
    monkeypatch.setattr(jixiao.export.write, "CSV_ROWS", rows)
    pieces = write_frames(frames, tmp_path / "pieces", ["csv"])
    assert [p.name for p in pieces] == [p.name for p in whole]
    for written, expected in zip(pieces, whole, strict=True):
        assert written.read_bytes() == expected.read_bytes(), written.name
