"""Whole runs or none: a run is written beside its output folder and switched in at the end.

Layout, for ``jixiao run IN -o PARENT/OUT``::

    PARENT/OUT/                  the last complete run: what the user reads
    PARENT/.OUT.jixiao-new/      the run being written (hidden); after a stop (Ctrl-C, a full
                                 disk, kill -9) it keeps the files done, for --resume
        .jixiao-staging          marks the folder as a staging folder jixiao made
    PARENT/.OUT.jixiao-old/      the previous run, for the moment of the switch only

1. :func:`begin_run` finishes a switch that a killed run left half done (:func:`recover`),
   checks that OUT can be replaced — it is not a mount point nor the current folder (or one
   that holds it), the folders of the previous run
   that hold jixiao's files can be written, and no file jixiao did not write stands at a name
   the run writes — then makes the staging folder (with ``resume``, the one a stopped run left
   is kept: its journal and parts are reused). Nothing in OUT is touched before the switch.
2. The run writes everything (parts, journal, outputs, manifest) in the staging folder.
3. :func:`switch_run` makes the staging folder OUT in one step: an atomic exchange of the two
   folders (``renameat2(RENAME_EXCHANGE)``, Linux). Where there is none, two renames (OUT to
   ``.OUT.jixiao-old``, then the staging folder to OUT), and a run killed between them leaves
   both runs whole, which the next run (:func:`recover`) completes. The files of the previous
   run that jixiao did not write (no jixiao manifest or journal lists them) then move into the
   new OUT; the previous run's own files are removed. A file that cannot move (the new run
   has a file of that name) stays in ``.OUT.jixiao-old`` and a warning names it.

A jixiao file of a run folder (:func:`run_files`) is one its ``manifest.json`` or its journal
lists (the outputs, the parts of each file), or one of the names only jixiao writes there
(``manifest.json``, ``report.html``, ``parts/journal.jsonl``, the combined outputs' names).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from jixiao.batch.parts import JOURNAL, PARTS_DIR
from jixiao.core.errors import OutputError
from jixiao.export import FORMATS, REPORT_NAME
from jixiao.export.write import check_writable, output_names
from jixiao.pipeline.discover import MANIFEST_NAME, is_run_folder

STAGING_MARK = ".jixiao-staging"
_NEW, _OLD = "jixiao-new", "jixiao-old"
#: The names in a run folder that only jixiao writes.
JIXIAO_NAMES = frozenset(
    [MANIFEST_NAME, REPORT_NAME, f"{PARTS_DIR}/{JOURNAL}", *output_names(FORMATS)]
)
_RENAME_EXCHANGE = 2  # linux/fs.h
_AT_FDCWD = -100


@dataclass(frozen=True, slots=True)
class RunFolders:
    """The output folder of a run and the folders beside it (see the module docstring)."""

    out: Path  # absolute, links resolved
    staging: Path
    old: Path

    @classmethod
    def of(cls, out_dir: Path) -> RunFolders:
        out = out_dir.absolute()
        if out.is_symlink():
            out = out.resolve()  # the folder the link names is replaced, not the link
        return cls(out, out.parent / f".{out.name}.{_NEW}", out.parent / f".{out.name}.{_OLD}")


# -- which files are jixiao's ----------------------------------------------------------------


def run_files(folder: Path) -> frozenset[str]:
    """The files of a run folder that jixiao wrote (paths relative to it, ``/``-separated):
    what its manifest and its journal list, and :data:`JIXIAO_NAMES`. Empty for a folder
    without a jixiao manifest or journal."""
    listed: set[str] = set()
    manifest = _json(folder / MANIFEST_NAME) if is_run_folder(folder) else None
    if isinstance(manifest, dict):
        listed.update(str(p) for p in manifest.get("outputs", ()) if isinstance(p, str))
        for entry in manifest.get("files", ()):
            if isinstance(entry, dict):
                listed.update(_part_paths(entry))
    journal = _journal_entries(folder / PARTS_DIR / JOURNAL)
    if journal is not None:
        for entry in journal:
            listed.update(_part_paths(entry))
    if manifest is None and journal is None:
        return frozenset()
    return frozenset(p for p in [*listed, *JIXIAO_NAMES] if _is_inside(p))


def _part_paths(entry: dict[str, Any]) -> list[str]:
    parts = entry.get("parts")
    return [str(p) for p in parts.values()] if isinstance(parts, dict) else []


def _is_inside(relative: str) -> bool:
    """A relative path that stays inside its folder (a manifest is never trusted to name
    files elsewhere)."""
    path = PurePosixPath(relative)
    return bool(relative) and not path.is_absolute() and ".." not in path.parts


def _json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _journal_entries(path: Path) -> list[dict[str, Any]] | None:
    """The lines of a journal (a torn line skipped); None without a jixiao journal."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, ValueError):
        return None
    entries = []
    for line in lines:
        with contextlib.suppress(ValueError):
            data = json.loads(line)
            if isinstance(data, dict):
                entries.append(data)
    if not entries or "journal" not in entries[0]:
        return None
    return entries[1:]


def foreign_in_the_way(out: Path, formats: Sequence[str] = FORMATS) -> list[str]:
    """Files (or folders) in ``out`` that jixiao did not write, at a name a run in these
    formats writes."""
    mine = run_files(out)
    writes = {MANIFEST_NAME, REPORT_NAME, f"{PARTS_DIR}/{JOURNAL}", *output_names(formats)}
    found = [name for name in sorted(writes) if name not in mine and _exists(out / name)]
    parts = out / PARTS_DIR
    if _exists(parts) and not parts.is_dir():
        found.append(PARTS_DIR)
    return found


def _exists(path: Path) -> bool:
    return path.exists() or path.is_symlink()


# -- before a run ----------------------------------------------------------------------------


def begin_run(out_dir: Path, *, resume: bool, formats: Sequence[str] = FORMATS) -> RunFolders:
    """Make the staging folder of a run in ``formats`` into ``out_dir`` (see the module
    docstring), and ``out_dir`` if there is none. Raises
    :class:`~jixiao.core.errors.OutputError` when OUT cannot be replaced."""
    folders = RunFolders.of(out_dir)
    out = folders.out
    try:
        recover(folders)  # first: a run killed between two renames left no OUT
        check_writable(out_dir)
        _probe(out.parent, out_dir, f"a run is written there, beside {out_dir}, then renamed")
        if os.path.ismount(out):
            raise OutputError(
                f"the output directory {out_dir} is a mount point, which a run cannot replace "
                "(a run is written beside it and renamed into place); use a folder inside it"
            )
        here = Path.cwd()
        if here == out or out in here.parents:
            raise OutputError(
                f"the current folder is in the output directory {out_dir}, which a run "
                "replaces as a whole: run jixiao from outside it"
            )
        in_the_way = foreign_in_the_way(out, formats)
        if in_the_way:
            names = ", ".join(str(out_dir / n) for n in in_the_way[:5])
            raise OutputError(
                f"{names} {'was' if len(in_the_way) == 1 else 'were'} not written by jixiao "
                "(no jixiao manifest lists it) and a run would replace it: move it away"
            )
        for folder in _folders_to_clean(out):
            _probe(folder, out_dir)
        staging = folders.staging
        if _exists(staging) and not (resume and (staging / STAGING_MARK).is_file()):
            _remove_staging(staging)
        staging.mkdir(parents=True, exist_ok=True)
        (staging / STAGING_MARK).touch()
        _reset_staging(staging)
    except OSError as error:
        raise output_error(error, out_dir) from error
    return folders


def output_error(error: OSError, out_dir: Path) -> OutputError:
    """A write that failed, said in one line: where, why, and that the last run is whole."""
    where = error.filename or out_dir
    reason = error.strerror or str(error) or type(error).__name__
    return OutputError(
        f"cannot write to {where}: {reason} (the last complete run in {out_dir} is unchanged)"
    )


def _folders_to_clean(out: Path) -> list[Path]:
    """OUT and the folders of the previous run that hold its jixiao files (a switch removes
    them from there), shallowest first."""
    folders = {out}
    for relative in run_files(out):
        path = out / relative
        if path.is_file():
            folders.update(p for p in path.parents if p == out or out in p.parents)
    return sorted(folders, key=lambda p: len(p.parts))


def _probe(
    folder: Path, out_dir: Path, why: str = "a run replaces the files jixiao wrote there"
) -> None:
    """Raise OutputError unless a file can be made in ``folder`` (works as root too, where
    permissions do not stop writes but a read-only file system does)."""
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise OutputError(
            f"cannot write to {folder}: {reason}; {why} (the last complete run in {out_dir} "
            "is unchanged)"
        ) from error


def _remove_staging(staging: Path) -> None:
    """Remove a staging folder a stopped run left (only a folder jixiao marked as one)."""
    if not (staging / STAGING_MARK).is_file():
        raise OutputError(
            f"{staging} is in the way of the run's staging folder and was not made by jixiao: "
            "move it away"
        )
    shutil.rmtree(staging)


def _reset_staging(staging: Path) -> None:
    """A kept staging folder holds parts and a journal to reuse; everything else (outputs
    and temporary files of the stopped run) goes."""
    for entry in staging.iterdir():
        if entry.name in (STAGING_MARK, PARTS_DIR):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def prune_parts(staging: Path, used: Iterable[str]) -> None:
    """Remove from the staging folder's ``parts/`` every file but the journal and ``used``
    (parts written before a stop but never journaled, temporary files): the run switched in
    holds only files its manifest lists."""
    keep = {*used, f"{PARTS_DIR}/{JOURNAL}"}
    parts = staging / PARTS_DIR
    if not parts.is_dir():
        return
    for path in sorted(parts.rglob("*"), key=lambda p: -len(p.parts)):
        relative = path.relative_to(staging).as_posix()
        if path.is_dir() and not path.is_symlink():
            with contextlib.suppress(OSError):
                path.rmdir()  # empty folders only
        elif relative not in keep:
            path.unlink()


# -- the switch ------------------------------------------------------------------------------


def switch_run(folders: RunFolders) -> list[str]:
    """Make the staging folder OUT (see the module docstring); the warnings of the clean-up.

    An error before the switch is raised (OUT keeps the last run); once the new run is in
    place, an error of the clean-up is a warning (the next run finishes it)."""
    out, staging, old = folders.out, folders.staging, folders.old
    warnings = _set_aside(folders) if _exists(old) else []  # left by a clean-up
    if not out.is_dir():
        os.rename(staging, out)
    elif not _exchange(staging, out):
        os.rename(out, old)
        try:
            os.rename(staging, out)
        except OSError:
            os.rename(old, out)  # back: OUT keeps the last run
            raise
    try:
        (out / STAGING_MARK).unlink(missing_ok=True)
        if _exists(staging):
            os.rename(staging, old)  # exchanged: the previous run, now at the staging name
        return [*warnings, *settle(folders)]
    except OSError as error:
        return [
            *warnings,
            f"the new run is in {out}, but the previous one could not be cleared away "
            f"({error.strerror or error}: {error.filename}); the next run into {out} does it",
        ]


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step; False where the system cannot (then nothing changed)."""
    if sys.platform != "linux":
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    done = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if done == 0:
        return True
    number = ctypes.get_errno()
    if number in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False  # the file system has no exchange: two renames
    raise OSError(number, os.strerror(number), str(b))


def recover(folders: RunFolders) -> None:
    """Finish a switch that a killed run left half done. What cannot move out of ``old`` stays
    there; the next switch sets it aside and names it (:func:`switch_run`)."""
    out, staging, old = folders.out, folders.staging, folders.old
    if staging.is_dir() and not (staging / STAGING_MARK).exists() and not _exists(old):
        os.rename(staging, old)  # killed after an exchange: the previous run, to clean up
    if not _exists(old):
        if (out / STAGING_MARK).is_file():
            (out / STAGING_MARK).unlink()
        return
    if not _exists(out):  # killed between the two renames: both runs are whole
        finished = (staging / STAGING_MARK).is_file() and is_run_folder(staging)
        os.rename(staging if finished else old, out)
    (out / STAGING_MARK).unlink(missing_ok=True)
    settle(folders)


def settle(folders: RunFolders) -> list[str]:
    """Move the files jixiao did not write from the previous run (``old``) into OUT, remove
    the previous run's own files, and ``old`` when empty; warnings name what stays."""
    out, old = folders.out, folders.old
    if not old.is_dir():
        return []
    mine = run_files(old)
    holding = {str(parent) for p in mine for parent in PurePosixPath(p).parents}
    kept: list[str] = []
    for relative in _foreign(old, "", holding, mine):
        kept += _move(old, out, relative)
    for relative in mine:
        with contextlib.suppress(FileNotFoundError, IsADirectoryError):
            (old / relative).unlink()
    for path in sorted(_folders(old), key=lambda p: -len(p.parts)):
        with contextlib.suppress(OSError):
            path.rmdir()
    if not old.exists():
        return []
    left = kept or [p.relative_to(old).as_posix() for p in old.rglob("*") if not p.is_dir()]
    names = ", ".join(left[:5]) + (f" and {len(left) - 5} more" if len(left) > 5 else "")
    return [
        f"kept {old}: files jixiao did not write that could not move into {out} ({names}); "
        "the next run tries again, or move them yourself"
    ]


def _set_aside(folders: RunFolders) -> list[str]:
    """Finish what a previous switch left in ``old``; what still cannot move is renamed
    aside (the switch needs the name), and a warning names it."""
    old = folders.old
    warnings = settle(folders)
    if not _exists(old):
        return warnings
    aside = old.with_name(f"{old.name}-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}")
    os.rename(old, aside)
    return [w.replace(str(old), str(aside)) for w in warnings]


def _move(source: Path, target: Path, relative: str) -> list[str]:
    """Move ``source/relative`` to ``target/relative``; a folder onto a folder is merged. What
    could not move (a name the new run has, an error), relative paths."""
    origin, destination = source / relative, target / relative
    if _exists(destination):
        if not (destination.is_dir() and origin.is_dir() and not origin.is_symlink()):
            return [relative]
        kept = []
        for entry in sorted(os.listdir(origin)):
            kept += _move(source, target, f"{relative}/{entry}")
        return kept
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        os.rename(origin, destination)
    except OSError:
        return [relative]
    return []


def _foreign(folder: Path, prefix: str, holding: set[str], mine: frozenset[str]) -> Iterator[str]:
    """The entries under ``folder`` that jixiao did not write, as few as can be: a folder
    with none of jixiao's files under it is one entry."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        relative = prefix + entry.name
        if entry.is_dir(follow_symlinks=False) and relative in holding:
            yield from _foreign(Path(entry.path), relative + "/", holding, mine)
        elif relative not in mine:
            yield relative


def _folders(root: Path) -> Iterator[Path]:
    yield root
    for path in root.rglob("*"):
        if path.is_dir() and not path.is_symlink():
            yield path
