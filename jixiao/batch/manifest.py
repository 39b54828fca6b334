"""``manifest.json``: the inputs (with content hashes), the versions of jixiao and its
libraries, the settings, the counts and the timings of a run."""

from __future__ import annotations

import json
import os
import platform
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from jixiao import __version__
from jixiao.batch.parts import FileRecord
from jixiao.export.write import Totals
from jixiao.score import Policy

_LIBRARIES = ("pandas", "pyarrow", "regex", "pdfplumber", "pypdfium2", "camelot-py", "click")


def manifest_of(
    *,
    status: str,
    records: Sequence[FileRecord],
    totals: Totals,
    inputs: Sequence[str],
    policies: Sequence[Policy],
    settings: Mapping[str, Any],
    started: datetime,
    seconds: float,
    peak_rss_mb: Mapping[str, float],
    outputs: Sequence[Path],
    out_dir: Path,
) -> dict[str, object]:
    """The manifest of a run, as a JSON-ready dict."""
    failed = [r for r in records if r.failed]
    return {
        "jixiao_version": __version__,
        "status": status,
        "python": platform.python_version(),
        "libraries": {name: _version(name) for name in _LIBRARIES},
        "policy": {
            "name": policies[0].name if len(policies) == 1 else "auto",
            "candidates": [{"name": p.name, "description": p.description} for p in policies],
        },
        "inputs": list(inputs),
        "settings": dict(settings),
        "started": started.isoformat(timespec="seconds"),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "counts": {
            "files": len(records),
            "files_failed": len(failed),
            "files_without_tables": sum(r.without_tables for r in records),
            "files_reused": sum(r.reused for r in records),
            "files_by_status": dict(sorted(Counter(r.status for r in records).items())),
            "tables": totals.tables,
            "duplicates": totals.duplicates,
            "tables_seen": totals.seen,
            "tables_not_read": totals.not_read,
            "indicators": totals.rows["indicators"],
            "funds": totals.rows["funds"],
            "problems": totals.rows["problems"],
            "problems_by_severity": dict(totals.severities),
            "tables_by_policy": dict(sorted(totals.policies.items())),
        },
        "timings": {
            "seconds_total": round(seconds, 4),
            "peak_rss_mb": dict(peak_rss_mb),
            "seconds_per_file": {r.path: round(r.seconds, 4) for r in records},
        },
        "files": [r.to_json() for r in records],
        "outputs": [p.relative_to(out_dir).as_posix() for p in outputs],
    }


def write_manifest(manifest: Mapping[str, object], out_dir: Path) -> Path:
    """Write ``manifest.json`` atomically (a reader never sees half a manifest)."""
    path = out_dir / "manifest.json"
    temporary = path.with_name("manifest.json.tmp")
    temporary.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", "utf-8")
    os.replace(temporary, path)
    return path


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None
