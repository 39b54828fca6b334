"""Write a run's frames and its manifest.

CSV files are UTF-8 with a BOM so that Excel opens the Chinese text correctly; Parquet files
keep the contract's dtypes. ``manifest.json`` records the inputs (with content hashes), the
versions of jixiao and its libraries, the counts and the timings.
"""

from __future__ import annotations

import json
import platform
from collections import Counter
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from jixiao import __version__
from jixiao.runner import RunResult
from score import Frames, Policy

FORMATS = ("csv", "parquet")
_LIBRARIES = ("pandas", "pyarrow", "regex", "pdfplumber", "pypdfium2", "camelot-py", "click")


def write_frames(frames: Frames, out_dir: Path, formats: tuple[str, ...]) -> list[Path]:
    """Write each frame in each format; return the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in frames.items():
        if "csv" in formats:
            path = out_dir / f"{name}.csv"
            frame.to_csv(path, index=False, encoding="utf-8-sig")
            written.append(path)
        if "parquet" in formats:
            path = out_dir / f"{name}.parquet"
            frame.to_parquet(path, index=False, engine="pyarrow")
            written.append(path)
    return written


def manifest_of(
    result: RunResult,
    *,
    inputs: list[str],
    policies: tuple[Policy, ...],
    started: datetime,
    outputs: list[Path],
    out_dir: Path,
) -> dict[str, object]:
    """The manifest of a run, as a JSON-ready dict."""
    frames = result.frames
    severities = Counter(frames.problems["severity"].astype(str))
    return {
        "jixiao_version": __version__,
        "python": platform.python_version(),
        "libraries": {name: _version(name) for name in _LIBRARIES},
        "policy": {
            "name": policies[0].name if len(policies) == 1 else "auto",
            "candidates": [{"name": p.name, "description": p.description} for p in policies],
        },
        "inputs": inputs,
        "started": started.isoformat(timespec="seconds"),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "counts": {
            "files": len(result.files),
            "files_failed": len(result.failed),
            "tables": len(frames.tables),
            "indicators": len(frames.indicators),
            "funds": len(frames.funds),
            "problems": len(frames.problems),
            "problems_by_severity": {k: severities.get(k, 0) for k in ("error", "warning", "info")},
        },
        "timings": {
            "seconds_total": round(result.seconds, 4),
            "seconds_per_file": {r.file.name: round(r.seconds, 4) for r in result.files},
        },
        "files": [r.manifest_entry() for r in result.files],
        "outputs": [p.relative_to(out_dir).as_posix() for p in outputs],
    }


def write_manifest(manifest: dict[str, object], out_dir: Path) -> Path:
    path = out_dir / "manifest.json"
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None
