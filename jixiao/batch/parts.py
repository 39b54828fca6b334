"""Parts and the journal: what makes a batch run resumable.

Layout of the output directory::

    out/parts/journal.jsonl                       header line, then one FileRecord per line
    out/parts/<aa>/<token>-<n>.<frame>.parquet    the rows of a chunk of files, one per frame

As files finish, their rows are gathered (:class:`PartWriter`) and written together as one part
per frame — every ~1 s, or sooner when :data:`CHUNK_FILES` files or :data:`CHUNK_ROWS` rows
are waiting — so that small files do not cost a file each. Each file's record names the parts
holding its rows and where in them they are (``slices``: frame → first row, rows). A part is
written to a temporary file and renamed, then the records of its files are appended to the
journal: a run stopped at any moment leaves only whole parts, a file without its journal line
is simply done again, and a killed run loses at most the last second of reading. ``<aa>``
spreads the parts over at most 256 directories.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import IO, Any, overload

import jixiao
from jixiao.batch.freed import release_freed_memory
from jixiao.model.grid import Cell, Grid
from jixiao.model.source import Problem, Severity, Source
from jixiao.pipeline.runner import FileResult, status_is_read
from jixiao.score import FRAME_NAMES, SCHEMA, records_to_arrow

PARTS_DIR = "parts"
JOURNAL = "journal.jsonl"
_JOURNAL_VERSION = 1
_UNSAFE = re.compile(r"[^\w.\-]+")
#: The packages whose code turns a file into its parts (imports of jixiao.pipeline.runner).
READING_PACKAGES = ("model", "core", "normalize", "extract", "score", "pipeline")


@functools.cache
def reading_sources() -> tuple[tuple[str, bytes], ...]:
    """The code that makes a part: every ``.py`` and ``.toml`` file of :data:`READING_PACKAGES`
    (path relative to the package, content), sorted."""
    root = Path(jixiao.__file__).resolve().parent
    found = [
        (f"{package}/{path.relative_to(root / package).as_posix()}", path.read_bytes())
        for package in READING_PACKAGES
        for path in (root / package).rglob("*")
        if path.suffix in (".py", ".toml") and "__pycache__" not in path.parts
    ]
    return tuple(sorted(found))


def parts_schema(
    schema: Mapping[str, Mapping[str, str]] = SCHEMA,
    sources: Iterable[tuple[str, bytes]] | None = None,
) -> str:
    """The version of the parts: a digest of the frames' columns and dtypes and of the reading
    code (:func:`reading_sources`). Parts written under another version are never reused: a
    change to a reader or to the output contract forces a re-read."""
    digest = hashlib.sha256(json.dumps(schema, sort_keys=False).encode("utf-8"))
    for name, content in reading_sources() if sources is None else sources:
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(content).digest())
    return digest.hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class FileRecord:
    """One input file in the manifest and the journal: what it gave and where its parts are.

    ``status`` is ``ok``, ``no_tables`` (read, no 自评表 in it), ``failed`` (not read),
    ``timeout`` or ``crashed`` (:data:`~jixiao.pipeline.runner.FILE_STATUSES`);
    ``time_limit`` the limit it ran under; ``parts`` maps frame names to part paths relative
    to the output directory, ``slices`` frame names to the file's rows in that part (first
    row, number of rows; none: the whole part); ``reused`` says it was taken from an earlier
    run (``--resume``).
    """

    path: str
    kind: str
    sha256: str
    bytes: int
    pages: int
    status: str
    tables: int
    indicators: int
    problems: int
    seconds: float
    time_limit: float | None
    parts: Mapping[str, str] = field(default_factory=dict)
    reused: bool = False
    slices: Mapping[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        """Not read (a file read without a 自评表 is not failed)."""
        return not status_is_read(self.status)

    @property
    def without_tables(self) -> bool:
        """Read, and no 自评表 in it."""
        return self.status == "no_tables"

    def to_json(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data["parts"] = dict(self.parts)
        data["slices"] = {name: list(where) for name, where in self.slices.items()}
        data["seconds"] = round(self.seconds, 4)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FileRecord:
        names = cls.__dataclass_fields__
        known = {k: v for k, v in data.items() if k in names}
        known["slices"] = {k: (int(v[0]), int(v[1])) for k, v in known.get("slices", {}).items()}
        return cls(**known)


def part_stem(name: str) -> str:
    """The part path stem of an input file name, relative to ``parts/``.

    >>> part_stem("2024/市财政局 决算.pdf")
    '99/2024_市财政局_决算.pdf-9994bc1e2cc96f68'
    """
    digest = hashlib.sha1(name.encode("utf-8"), usedforsecurity=False).hexdigest()[:16]
    readable = _UNSAFE.sub("_", name)[-60:].strip("_.") or "file"
    return f"{digest[:2]}/{readable}-{digest}"


GRIDS_PART = "grids"  # the grids of a scanned file, for the report (JSON)
CHUNK_FILES = 256  # a part is written when this many files are waiting …
CHUNK_ROWS = 20_000  # … or this many rows of one frame …
CHUNK_SECONDS = 1.0  # … or the first of them has waited this long


class PartWriter:
    """Gathers finished files and writes their rows as parts, a chunk of files at a time.

    :meth:`add` takes a file's result and its record (without parts) and returns the records
    whose parts are now on disk, in the order they were added; :meth:`flush` writes what is
    waiting. One process writes: the parent of the workers.
    """

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self._token = f"{os.getpid():x}{time.time_ns():x}"
        self._count = 0
        self._waiting: list[tuple[FileResult, FileRecord]] = []
        self._rows = 0
        self._since = 0.0

    def add(self, result: FileResult, record: FileRecord) -> list[FileRecord]:
        if not self._waiting:
            self._since = time.monotonic()
        # without its report material: the report has taken what it shows, the parts need rows
        self._waiting.append((replace(result, material=None), record))
        self._rows = max(self._rows, *(len(r) for _, r in result.rows.items()))
        full = len(self._waiting) >= CHUNK_FILES or self._rows >= CHUNK_ROWS
        if full or time.monotonic() - self._since >= CHUNK_SECONDS:
            return self.flush()
        return []

    def flush(self) -> list[FileRecord]:
        """Write the waiting files' parts; their records, now with parts."""
        waiting, self._waiting, self._rows = self._waiting, [], 0
        if not waiting:
            return []
        self._count += 1
        stem = f"{PARTS_DIR}/{self._token[-2:]}/{self._token}-{self._count}"
        parts: dict[int, dict[str, str]] = {}
        slices: dict[int, dict[str, tuple[int, int]]] = {}
        for name in FRAME_NAMES:
            part = f"{stem}.{name}.parquet"  # one string, shared by the records of the chunk
            records: list[Any] = []
            for i, (result, _) in enumerate(waiting):
                rows = getattr(result.rows, name)
                if rows:
                    parts.setdefault(i, {})[name] = part
                    slices.setdefault(i, {})[name] = (len(records), len(rows))
                    records += rows
            if records:
                _write_part(records_to_arrow(name, records), self.out_dir / part)
        for i, (result, _) in enumerate(waiting):
            if result.scanned:
                parts.setdefault(i, {})[GRIDS_PART] = _write_grids(result, self.out_dir)
        release_freed_memory()  # the rows just written, and the files' results before them
        return [
            replace(record, parts=parts.get(i, {}), slices=slices.get(i, {}))
            for i, (_, record) in enumerate(waiting)
        ]


def _write_grids(result: FileResult, out_dir: Path) -> str:
    """Write the grids of a scanned file (JSON); the path relative to out_dir."""
    relative = f"{PARTS_DIR}/{part_stem(result.file.name)}.{GRIDS_PART}.json"
    path = out_dir / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(grids_to_json(result.scanned), encoding="utf-8")
    os.replace(temporary, path)
    return relative


def _write_part(table: Any, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    import pyarrow.parquet as pq  # type: ignore[import-untyped]  # noqa: PLC0415 - ~0.2 s

    pq.write_table(table, temporary)
    os.replace(temporary, path)


def parts_exist(record: FileRecord, out_dir: Path) -> bool:
    return all((out_dir / relative).is_file() for relative in record.parts.values())


def link_parts(record: FileRecord, source: Path, target: Path, done: set[str]) -> None:
    """Put the parts of ``record`` in ``source`` into ``target`` too: hard links (no copy,
    same file system), or copies where links are not possible. ``done``: the parts put there
    already (the files of a chunk share them), updated."""
    for relative in record.parts.values():
        if relative in done:
            continue
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        temporary = destination.with_name(destination.name + ".tmp")
        temporary.unlink(missing_ok=True)
        try:
            os.link(source / relative, temporary)
        except OSError:
            shutil.copyfile(source / relative, temporary)
        os.replace(temporary, destination)
        done.add(relative)


def remove_parts(
    records: Iterable[FileRecord], out_dir: Path, keep: Iterable[FileRecord] = ()
) -> None:
    """Delete the parts of ``records`` that none of ``keep`` still uses (parts are shared by
    the files of a chunk)."""
    used = {relative for record in keep for relative in record.parts.values()}
    for record in records:
        for relative in record.parts.values():
            if relative not in used:
                (out_dir / relative).unlink(missing_ok=True)


def clear_parts(out_dir: Path) -> None:
    """Remove ``parts/`` of a staging folder (a run that does not resume starts from
    nothing)."""
    shutil.rmtree(out_dir / PARTS_DIR, ignore_errors=True)


class Journal:
    """Append-only record of finished files; the header names the settings fingerprint."""

    def __init__(self, out_dir: Path, fingerprint: str, records: Iterable[FileRecord]) -> None:
        """Start a new journal holding ``records`` (the files reused from an earlier run)."""
        path = out_dir / PARTS_DIR / JOURNAL
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(JOURNAL + ".tmp")
        with temporary.open("w", encoding="utf-8") as handle:
            _write_line(handle, {"journal": _JOURNAL_VERSION, "fingerprint": fingerprint})
            for record in records:
                _write_line(handle, record.to_json())
        os.replace(temporary, path)
        self.path = path
        self._handle: IO[str] = path.open("a", encoding="utf-8")

    def extend(self, records: Iterable[FileRecord]) -> None:
        """Add ``records`` (the files whose parts were just written), flushed at once."""
        for record in records:
            _write_line(self._handle, record.to_json())
        self._handle.flush()

    def close(self) -> None:
        self._handle.close()


def read_journal(out_dir: Path, fingerprint: str) -> dict[str, FileRecord] | None:
    """The records of the journal, by name; None without a journal of these settings.

    A torn last line (a run killed while writing it) is ignored.
    """
    path = out_dir / PARTS_DIR / JOURNAL
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    if not lines or _parse(lines[0]).get("fingerprint") != fingerprint:
        return None
    records = {}
    for line in lines[1:]:
        data = _parse(line)
        if "path" in data:
            record = FileRecord.from_json(data)
            records[record.path] = record
    return records


#: Up to this many records a :class:`JournalRecords` holds them; past it, it reads them again
#: from the journal each time (a run of 10,000 files then holds ~1 MB of names and places,
#: not ~10 MB of records).
HELD_RECORDS = 2_000


class JournalRecords(Sequence[FileRecord]):
    """The records of a journal in name order, as a sequence: the manifest, the combined
    outputs and the report of a run are built from the journal on disk, not from records
    gathered in memory. Memory holds each record's name and place in the journal, and the
    records themselves only for a run of at most ``held`` files."""

    def __init__(self, path: Path, places: Sequence[int], held: Sequence[FileRecord] | None):
        self.path = path
        self._places = places  # byte offsets of the lines, in name order
        self._held = held

    @classmethod
    def read(
        cls, out_dir: Path, fingerprint: str, held: int = HELD_RECORDS
    ) -> JournalRecords | None:
        """The records of ``out_dir``'s journal (the last line of a name wins, a torn last
        line is ignored); None without a journal of these settings."""
        path = out_dir / PARTS_DIR / JOURNAL
        names: dict[str, int] = {}
        try:
            with path.open("rb") as handle:
                if _parse(handle.readline()).get("fingerprint") != fingerprint:
                    return None
                place = handle.tell()
                for line in handle:
                    name = _parse(line).get("path")
                    if isinstance(name, str):
                        names[name] = place
                    place += len(line)
        except OSError:
            return None
        places = [names[name] for name in sorted(names)]
        records = cls(path, places, None)
        return cls(path, places, tuple(records)) if len(places) <= held else records

    def moved(self, out_dir: Path) -> JournalRecords:
        """The same records, their journal now in ``out_dir`` (the staging folder switched in)."""
        return JournalRecords(out_dir / PARTS_DIR / JOURNAL, self._places, self._held)

    def __len__(self) -> int:
        return len(self._places)

    @overload
    def __getitem__(self, index: int) -> FileRecord: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[FileRecord]: ...
    def __getitem__(self, index: int | slice) -> FileRecord | Sequence[FileRecord]:
        if self._held is not None:
            return self._held[index]
        if isinstance(index, slice):
            return JournalRecords(self.path, self._places[index], None)
        return next(iter(JournalRecords(self.path, [self._places[index]], None)))

    def __iter__(self) -> Iterator[FileRecord]:
        if self._held is not None:
            yield from self._held
            return
        with self.path.open("rb") as handle:
            for place in self._places:
                handle.seek(place)
                yield FileRecord.from_json(json.loads(handle.readline()))


def _parse(line: str | bytes) -> dict[str, Any]:
    try:
        data = json.loads(line)
    except ValueError:  # not JSON, or a torn line's half character
        return {}
    return data if isinstance(data, dict) else {}


def _write_line(handle: IO[str], data: Mapping[str, Any]) -> None:
    handle.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")


# -- grids of scanned files ------------------------------------------------------------------


def grids_to_json(grids: Iterable[Grid]) -> str:
    """Grids as JSON (every field; tuples as lists)."""
    return json.dumps([asdict(grid) for grid in grids], ensure_ascii=False)


def _source(data: Mapping[str, Any]) -> Source:
    bbox = data.get("bbox")
    return Source(**{**data, "bbox": tuple(bbox) if bbox is not None else None})


def json_to_grids(text: str) -> tuple[Grid, ...]:
    """The grids written by :func:`grids_to_json`."""
    grids = []
    for data in json.loads(text):
        cells = tuple(Cell(**{**c, "source": _source(c["source"])}) for c in data["cells"])
        problems = tuple(
            Problem(**{**p, "severity": Severity(p["severity"]), "source": _source(p["source"])})
            for p in data["problems"]
        )
        grids.append(
            Grid(
                **{
                    **data,
                    "cells": cells,
                    "problems": problems,
                    "context": tuple(data["context"]),
                }
            )
        )
    return tuple(grids)
