"""``manifest.json``: the inputs (with content hashes), the versions of jixiao and its
libraries, the settings, the counts and the timings of a run.

A run's records are read from its journal (:class:`~jixiao.batch.parts.JournalRecords`) and
written into the manifest one by one (:func:`write_manifest`): a run of many files is never
held as one JSON document in memory."""

from __future__ import annotations

import functools
import json
import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

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
    """The manifest of a run, as a JSON-ready dict, but for ``files`` and
    ``timings.seconds_per_file``, which are None: :func:`write_manifest` writes them from the
    records (:func:`manifest_files` gives them as values)."""
    counts: Counter[str] = Counter()
    by_status: Counter[str] = Counter()
    for record in records:
        by_status[record.status] += 1
        counts["failed"] += record.failed
        counts["without_tables"] += record.without_tables
        counts["reused"] += record.reused
    return {
        "jixiao_version": __version__,
        "status": status,
        "python": _python_version(),
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
            "files_failed": counts["failed"],
            "files_without_tables": counts["without_tables"],
            "files_reused": counts["reused"],
            "files_by_status": dict(sorted(by_status.items())),
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
            "seconds_per_file": None,
        },
        "files": None,
        "outputs": [p.relative_to(out_dir).as_posix() for p in outputs],
    }


def manifest_files(records: Iterable[FileRecord]) -> dict[str, Any]:
    """``files`` and ``timings.seconds_per_file`` of a manifest, as values (for a test: a run
    writes them one record at a time)."""
    records = list(records)
    return {
        "seconds_per_file": {r.path: round(r.seconds, 4) for r in records},
        "files": [r.to_json() for r in records],
    }


# the two values manifest_of leaves out, as json.dumps(indent=2) writes them: at these depths
_SECONDS_PER_FILE = '\n    "seconds_per_file": null'  # in "timings"
_FILES = '\n  "files": null'  # at the top


def write_manifest(
    manifest: Mapping[str, object], out_dir: Path, records: Sequence[FileRecord] = ()
) -> Path:
    """Write ``manifest.json`` atomically (a reader never sees half a manifest), ``records``
    written one by one into ``files`` and ``timings.seconds_per_file``: the same text as
    ``json.dumps(manifest | manifest_files(records), indent=2)``."""
    path = out_dir / "manifest.json"
    temporary = path.with_name("manifest.json.tmp")
    text = json.dumps(manifest, ensure_ascii=False, indent=2)
    head, rest = text.split(_SECONDS_PER_FILE)
    middle, tail = rest.split(_FILES)
    with temporary.open("w", encoding="utf-8") as handle:
        handle.write(head + _SECONDS_PER_FILE.replace("null", ""))
        _write_items(handle, (_seconds(r) for r in records), 2, "{}")
        handle.write(middle + _FILES.replace("null", ""))
        _write_items(handle, (_record(r) for r in records), 1, "[]")
        handle.write(tail + "\n")
    os.replace(temporary, path)
    return path


def _seconds(record: FileRecord) -> str:
    return f"{json.dumps(record.path, ensure_ascii=False)}: {json.dumps(round(record.seconds, 4))}"


def _record(record: FileRecord) -> str:
    return json.dumps(record.to_json(), ensure_ascii=False, indent=2)


def _write_items(handle: IO[str], items: Iterable[str], depth: int, brackets: str) -> None:
    """A dict's items or a list's values (each already JSON) as json.dumps(indent=2) writes
    them ``depth`` levels of two spaces in: ``{}`` or ``[]`` when there are none."""
    inner, first = "  " * (depth + 1), True
    handle.write(brackets[0])
    for item in items:
        handle.write(("\n" if first else ",\n") + inner + item.replace("\n", "\n" + inner))
        first = False
    handle.write(brackets[1] if first else "\n" + "  " * depth + brackets[1])


@functools.cache
def _version(name: str) -> str | None:
    from importlib import metadata  # noqa: PLC0415 - ~15 ms (email): not before the first file

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _python_version() -> str:
    import platform  # noqa: PLC0415 - not before the first file

    return platform.python_version()
