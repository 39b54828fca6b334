"""Find the input files of a run: recurse into directories, filter by suffix and glob.

A file's name in the outputs (``source_file``, the ``table_id`` prefix, the manifest) is its
path relative to the input root, so it stays the same from run to run as the tree grows.

Rules, in order:

* a directory is searched recursively, following symbolic links to directories except links
  to an enclosing directory (a loop), and never searching one directory twice; dangling links
  are skipped; a file reached by two paths goes by the shorter name;
* a jixiao output folder is never read as input: the ``skip`` folders of :class:`Filters`
  (``jixiao run`` passes its ``--output``) and any folder holding a jixiao ``manifest.json``
  (:func:`is_run_folder`) are passed over with everything under them, so ``jixiao run in -o
  in/out`` does not read its own ``report.html`` and ``results.xlsx`` the next time;
* hidden files and directories (``.name``) and temporary files (``~$name``, ``~name``,
  ``name~``) are skipped, as is any suffix not in :data:`INPUT_SUFFIXES` (any case): PDF,
  text (``.txt``, ``.tsv``), web pages (``.html``, ``.htm``, ``.shtml``, ``.xhtml``),
  workbooks (``.xlsx``, ``.xlsm``, ``.xls``), Word (``.docx``), and the formats jixiao reports
  as unsupported rather than passing over in silence (``.doc``, ``.wps``, ``.et``), and
  images, read by OCR (``.png``, ``.jpg``, ``.jpeg``, ``.tif``, ``.tiff``);
* ``include`` globs, when given, keep only the files matching one of them; ``exclude`` globs
  then drop files. A glob without ``/`` is matched against the file name and each folder name
  in the relative path (``--exclude drafts``), one with ``/`` against the whole relative path
  (``*`` also matches ``/``), both case-insensitively;
* a file named directly on the command line is always taken (no suffix or glob filter);
* with one input, names are relative to it (a file given directly goes by its own name); with
  several, relative to the deepest directory that holds them all (``2024/a.pdf``,
  ``2023/a.pdf``), so two inputs never give the same name.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath

from jixiao.extract.readers import INPUT_SUFFIXES, path_to_kind


@dataclass(frozen=True, slots=True, init=False)
class InputFile:
    """A file to read, and the name it goes by in the outputs (relative to its input root).

    The path is kept as text (``location``) and :attr:`path` makes a :class:`~pathlib.Path` of
    it when asked: a run holds every input file for its whole length, and a ``Path`` with its
    parsed parts took ~0.35 kB more a file (3.5 MB of a 10,000-file run's main process)."""

    location: str
    name: str

    def __init__(self, path: str | os.PathLike[str], name: str) -> None:
        # as a Path writes it ("a//b/." is "a/b"): two spellings of a path are one file
        location = os.fspath(path if isinstance(path, PurePath) else Path(path))
        object.__setattr__(self, "location", location)
        object.__setattr__(self, "name", name)

    @classmethod
    def at(cls, location: str, name: str) -> InputFile:
        """A file at ``location`` written as a Path writes it already (``os.scandir``'s path of
        an entry of such a folder): no Path is made of it. A Path parses its parts and interns
        each name, and the table of interned names stays as large as the most it held (~1.9 MB
        after discovering 10,000 files)."""
        file = object.__new__(cls)
        object.__setattr__(file, "location", location)
        object.__setattr__(file, "name", name)
        return file

    @property
    def path(self) -> Path:
        return Path(self.location)

    @property
    def kind(self) -> str:
        """The kind of document its suffix claims: ``pdf``, ``image``, ``html``, ``xlsx`` …,
        ``tsv`` for text and for a suffix no reader claims (:mod:`jixiao.extract.readers`)."""
        return path_to_kind(self.path)


#: The file that marks a jixiao output folder, and what its first bytes hold (the manifest is
#: written with this key first: :func:`jixiao.batch.manifest.manifest_of`).
MANIFEST_NAME = "manifest.json"
_MANIFEST_KEY = b'"jixiao_version"'


@dataclass(frozen=True, slots=True)
class Filters:
    """``--include`` / ``--exclude`` globs (see the module docstring for how they match), and
    folders never searched (``skip``: the run's output folder)."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    skip: tuple[Path, ...] = ()

    def keeps(self, name: str) -> bool:
        """Whether a relative path passes the globs.

        >>> Filters(include=("*.pdf",), exclude=("*/drafts/*",)).keeps("2024/a.PDF")
        True
        >>> Filters(exclude=("*/drafts/*",)).keeps("2024/drafts/a.pdf")
        False
        """
        if self.include and not any(_glob_matches(g, name) for g in self.include):
            return False
        return not any(_glob_matches(g, name) for g in self.exclude)


def discover(inputs: Iterable[Path], filters: Filters | None = None) -> list[InputFile]:
    """The input files under the given files and directories, sorted by name, without duplicates."""
    roots = list(inputs)
    filters = filters or Filters()
    base = _names_base(roots)
    found: dict[str, InputFile] = {}
    for root in roots:
        prefix = _relative_prefix(root if root.is_dir() else root.parent, base)
        for location, relative, real in _walk(root, filters):
            file = InputFile.at(location, prefix + relative)
            known = found.setdefault(real, file)
            if _preferred(file.name) < _preferred(known.name):
                found[real] = file  # the same file by two paths: the shorter name
    return sorted(found.values(), key=lambda f: f.name)


def is_run_folder(directory: Path) -> bool:
    """Whether a folder holds a jixiao run: a ``manifest.json`` that begins with jixiao's key.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     before = is_run_folder(Path(folder))
    ...     _ = (Path(folder) / "manifest.json").write_text('{"jixiao_version": "0.1"}')
    ...     (before, is_run_folder(Path(folder)))
    (False, True)
    """
    try:
        with (directory / MANIFEST_NAME).open("rb") as handle:
            return _MANIFEST_KEY in handle.read(64)
    except OSError:
        return False


def is_temporary_or_hidden(name: str) -> bool:
    """Hidden (``.x``) and editor/Office temporary names (``~$x``, ``~x``, ``x~``).

    >>> [is_temporary_or_hidden(n) for n in (".a.txt", "~$a.txt", "a.txt~", "a.txt")]
    [True, True, True, False]
    """
    return name.startswith((".", "~")) or name.endswith("~")


def _preferred(name: str) -> tuple[int, str]:
    return name.count("/"), name


def _glob_matches(glob: str, name: str) -> bool:
    glob, name = glob.casefold(), name.casefold()
    if "/" in glob:
        return fnmatch.fnmatchcase(name, glob)
    return any(fnmatch.fnmatchcase(part, glob) for part in name.split("/"))


def _names_base(roots: Sequence[Path]) -> Path | None:
    """The directory names are relative to when several inputs are given (None for one)."""
    if len(roots) < 2:
        return None
    dirs = [str((r if r.is_dir() else r.parent).absolute()) for r in roots]
    return Path(os.path.commonpath(dirs))


def _relative_prefix(directory: Path, base: Path | None) -> str:
    if base is None:
        return ""
    relative = directory.absolute().relative_to(base).as_posix()
    return "" if relative == "." else relative + "/"


def _walk(root: Path, filters: Filters) -> Iterator[tuple[str, str, str]]:
    """(path, relative name, resolved path) of every input file under root, in no particular
    order, the paths as text written as a Path writes them (a folder's entries are its path,
    ``/`` and their names: no Path is made a file). A file that is not a link is resolved
    through its folder (one ``resolve`` a folder, not one a file)."""
    if root.is_file():
        yield str(root), root.name, str(root.resolve())
        return
    seen: set[tuple[int, int]] = set()
    for skipped in filters.skip:
        try:
            info = skipped.stat()
        except OSError:
            continue  # not made yet: nothing under it to skip
        seen.add((info.st_dev, info.st_ino))  # as if searched already
    stack: list[tuple[Path, str]] = [(root, "")]
    while stack:
        directory, relative = stack.pop()
        try:
            info = directory.stat()
            real = directory.resolve()
        except (OSError, RuntimeError):
            continue
        if (info.st_dev, info.st_ino) in seen:
            continue  # a directory reached twice through links
        seen.add((info.st_dev, info.st_ino))
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue
        folder = "" if str(directory) == "." else str(directory)  # as a Path writes "./a": "a"
        for entry in entries:
            if is_temporary_or_hidden(entry.name):
                continue
            name = relative + entry.name
            try:
                if entry.is_dir():
                    if not _is_loop(entry, real) and not is_run_folder(Path(entry.path)):
                        stack.append((Path(entry.path), name + "/"))
                elif (
                    entry.is_file()
                    and os.path.splitext(entry.name)[1].lower() in INPUT_SUFFIXES
                    and filters.keeps(name)
                ):
                    location = os.path.join(folder, entry.name)
                    if entry.is_symlink():
                        yield location, name, str(Path(location).resolve())
                    else:
                        yield location, name, os.path.join(real, entry.name)
            except OSError:
                continue


def _is_loop(entry: os.DirEntry[str], parent: Path) -> bool:
    """A link to the directory it is in or to one of its ancestors."""
    if not entry.is_symlink():
        return False
    target = Path(entry.path).resolve()
    return parent == target or target in parent.parents
