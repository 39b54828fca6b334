"""Texts held by the thousand, as columns: a batch run keeps a few texts for every file it
reads (its name, where it is, its tables' ids) until its end, and a Python ``str`` of a
file's name costs ~0.1 kB (most names hold Chinese characters: two bytes each, and ~75 bytes
of header), more than its UTF-8 text. :class:`TextColumn` keeps them as one UTF-8 buffer and
the offsets of their ends (~30 bytes a name), making a ``str`` when one is read;
:class:`TextMapping` (``duplicate_of``) and :class:`InputFiles` (a run's inputs) are made of it.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import overload

from jixiao.pipeline.discover import InputFile

_EMPTY = -1  # a free slot of the index


class TextColumn(Sequence[str]):
    """Texts appended one by one, held as one UTF-8 buffer; with ``indexed``, each text's
    first position can be looked up (:meth:`find`) through an open-addressing table of
    positions (8 bytes a slot, at most half of them used), not a ``dict`` of ``str``.

    >>> column = TextColumn(["甲.txt", "b"], indexed=True)
    >>> column.append("甲.txt"), list(column), column.find("b"), column.find("c")
    (2, ['甲.txt', 'b', '甲.txt'], 1, None)
    """

    __slots__ = ("_buffer", "_ends", "_slots")

    def __init__(self, texts: Iterable[str] = (), *, indexed: bool = False) -> None:
        self._buffer = bytearray()
        self._ends = array("q")
        self._slots: array[int] | None = array("q", [_EMPTY]) * 8 if indexed else None
        for text in texts:
            self.append(text)

    def append(self, text: str) -> int:
        """Add ``text`` at the end; its position."""
        position = len(self._ends)
        self._buffer += text.encode("utf-8")
        self._ends.append(len(self._buffer))
        if self._slots is not None:
            if 2 * (position + 1) > len(self._slots):
                self._grow()
            elif self.find(text) is None:
                self._slots[self._free_slot(text)] = position
        return position

    def find(self, text: str) -> int | None:
        """The first position of ``text``, None if it is not held (an indexed column only)."""
        if self._slots is None:
            raise TypeError("TextColumn.find needs a column made with indexed=True")
        mask = len(self._slots) - 1
        slot = hash(text) & mask
        encoded = text.encode("utf-8")
        while (position := self._slots[slot]) != _EMPTY:
            if self._bytes(position) == encoded:
                return position
            slot = (slot + 1) & mask
        return None

    def _free_slot(self, text: str) -> int:
        assert self._slots is not None
        mask = len(self._slots) - 1
        slot = hash(text) & mask
        while self._slots[slot] != _EMPTY:
            slot = (slot + 1) & mask
        return slot

    def _grow(self) -> None:
        """Twice the slots, every text's first position indexed again."""
        assert self._slots is not None
        self._slots = array("q", [_EMPTY]) * (2 * len(self._slots))
        for position in range(len(self._ends)):
            text = self[position]
            if self.find(text) is None:
                self._slots[self._free_slot(text)] = position

    def _bytes(self, position: int) -> bytearray:
        start = self._ends[position - 1] if position else 0
        return self._buffer[start : self._ends[position]]

    def __len__(self) -> int:
        return len(self._ends)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self._ends)
        if not 0 <= index < len(self._ends):
            raise IndexError("TextColumn index out of range")
        return self._bytes(index).decode("utf-8")

    def __iter__(self) -> Iterator[str]:
        start = 0
        for end in self._ends:
            yield self._buffer[start:end].decode("utf-8")
            start = end

    def nbytes(self) -> int:
        """The bytes its buffers hold (what the column costs but for a few objects)."""
        slots = 0 if self._slots is None else len(self._slots) * self._slots.itemsize
        return len(self._buffer) + len(self._ends) * self._ends.itemsize + slots


class TextMapping(Mapping[str, str]):
    """A mapping of texts to texts held as two :class:`TextColumn` (its keys, and the values
    it holds, each once) and the position of each key's value: ~60 bytes an item where a
    ``dict`` of ``str`` took ~0.25 kB (a 10,000-table run's ``duplicate_of``). Its keys are
    unique, as a mapping's are.

    >>> marked = TextMapping({"b.txt#1": "a.txt#1", "c.txt#1": "a.txt#1"})
    >>> marked.get("c.txt#1"), marked.get("a.txt#1"), len(marked), list(marked)
    ('a.txt#1', None, 2, ['b.txt#1', 'c.txt#1'])
    """

    __slots__ = ("_keys", "_values", "_which")

    def __init__(self, items: Mapping[str, str]) -> None:
        self._keys = TextColumn(indexed=True)
        self._values = TextColumn(indexed=True)
        self._which = array("q")
        for key, value in items.items():
            self._keys.append(key)
            found = self._values.find(value)
            self._which.append(self._values.append(value) if found is None else found)

    def __getitem__(self, key: str) -> str:
        position = self._keys.find(key) if isinstance(key, str) else None
        if position is None:
            raise KeyError(key)
        return self._values[self._which[position]]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._keys.find(key) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


class InputFiles(Sequence[InputFile]):
    """A run's input files as two columns of text (names, indexed, and locations), each
    :class:`~jixiao.pipeline.discover.InputFile` made when it is read: a run holds its inputs
    from start to end, and an ``InputFile`` with its two texts took ~0.34 kB a file (3.4 MB of
    a 10,000-file run's main process), the columns ~0.1 kB.

    >>> files = InputFiles([InputFile("in/a.txt", "a.txt"), InputFile("in/b/甲.txt", "b/甲.txt")])
    >>> files[1], files.location_of("a.txt"), files.location_of("c.txt")
    (InputFile(location='in/b/甲.txt', name='b/甲.txt'), 'in/a.txt', None)
    """

    __slots__ = ("_locations", "_names")

    def __init__(self, files: Iterable[InputFile]) -> None:
        self._names = TextColumn(indexed=True)
        self._locations = TextColumn()
        for file in files:
            self._names.append(file.name)
            self._locations.append(file.location)

    def __len__(self) -> int:
        return len(self._names)

    @overload
    def __getitem__(self, index: int) -> InputFile: ...
    @overload
    def __getitem__(self, index: slice) -> list[InputFile]: ...
    def __getitem__(self, index: int | slice) -> InputFile | list[InputFile]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return InputFile.at(self._locations[index], self._names[index])

    def __iter__(self) -> Iterator[InputFile]:
        for location, name in zip(self._locations, self._names, strict=True):
            yield InputFile.at(location, name)

    def names(self) -> Iterator[str]:
        """The files' names, in order."""
        return iter(self._names)

    def location_of(self, name: str) -> str | None:
        """Where the file of ``name`` is (the first of that name), None if none is."""
        position = self._names.find(name)
        return None if position is None else self._locations[position]
