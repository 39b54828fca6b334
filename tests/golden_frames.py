"""Golden files for the frames: one JSON file per frame, so that "no cell" (null) and
"empty cell" ("") stay distinct. Regenerate after a deliberate change with
``python -m tests.golden_frames`` (from the repository root) and review the diff before
committing."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from jixiao.pipeline.runner import discover, run
from jixiao.score import SCHEMA, Frames, load_policy

GOLDEN = Path(__file__).resolve().parent / "golden"


def frame_to_json(frame: pd.DataFrame) -> str:
    records = json.loads(frame.to_json(orient="records", force_ascii=False))
    return json.dumps(records, ensure_ascii=False, indent=1) + "\n"


def json_to_frame(name: str, text: str) -> pd.DataFrame:
    records = json.loads(text)
    frame = pd.DataFrame.from_records(records, columns=list(SCHEMA[name]))
    return frame.astype(SCHEMA[name])


def write_golden(folder: Path, frames: Frames) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        (folder / f"{name}.json").write_text(frame_to_json(frame), encoding="utf-8")


def read_golden(folder: Path, name: str) -> pd.DataFrame:
    return json_to_frame(name, (folder / f"{name}.json").read_text(encoding="utf-8"))


FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
#: (fixture folder, policy) pairs that have golden frames.
GOLDEN_RUNS = [("seed", "national"), ("seed", "shanghai-2024"), ("families", "national")]


def golden_folder(fixture: str, policy: str) -> Path:
    return GOLDEN / fixture / policy


def _main() -> None:
    for fixture, policy in GOLDEN_RUNS:
        result = run(discover([FIXTURES / fixture]), (load_policy(policy),))
        write_golden(golden_folder(fixture, policy), result.frames)
        print(f"wrote {golden_folder(fixture, policy)}")


if __name__ == "__main__":
    _main()
